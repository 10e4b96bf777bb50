// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../src/common/Constants.sol";
import {Hashing} from "../../src/common/Hashing.sol";
import {L2Bridge} from "../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../src/l2/L2Outbox.sol";
import {Test, Vm} from "../utils/Test.sol";
import {SystemContracts} from "./SystemContracts.sol";

/// @title SystemBase
/// @notice Shared base of the system-contract tests: a child chain (4242) whose genesis holds the outbox
/// and the bridge, configured with a parent (31337) and its vault, plus actors and deposit helpers.
/// @dev Note: the vault here is a plain address (deposits are pranked from its alias); the round trip
/// through the real BridgeVault is `L2Bridge/VaultRoundTrip.t.sol`.
abstract contract SystemBase is Test {
    L2Outbox internal constant OUTBOX = L2Outbox(FractalConstants.L2_OUTBOX);
    L2Bridge internal constant BRIDGE = L2Bridge(FractalConstants.L2_BRIDGE);

    /// @dev This chain and its parent.
    uint64 internal constant CHAIN = 4242;
    uint256 internal constant PARENT_ID = 31_337;
    address internal constant VAULT = address(0xBA17);

    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    /// @dev Tokens on the parent.
    address internal constant TOKEN = address(0x70CE);
    address internal constant OTHER_TOKEN = address(0x70CE2);

    function setUp() public virtual {
        vm.chainId(CHAIN);
        SystemContracts.place(VAULT, PARENT_ID);
        vm.label(address(OUTBOX), "L2Outbox");
        vm.label(address(BRIDGE), "L2Bridge");
        vm.label(ALICE, "alice");
        vm.label(BOB, "bob");
    }

    /// @dev Rewrites the bridge's genesis configuration.
    function configure(address vault, uint256 parentId) internal {
        SystemContracts.configure(vault, parentId);
    }

    /// @dev alias(account), as the priority queue computes it.
    function aliasOf(address account) internal pure returns (address) {
        return SystemContracts.aliasOf(account);
    }

    /// @dev The vault's deposit of `amount` of `token` to `to`, as its priority operation runs here.
    function deposit(address token, address to, uint256 amount) internal {
        vm.prank(aliasOf(VAULT));
        BRIDGE.finalizeDeposit(token, ALICE, to, amount);
    }

    /// @dev A deposit of `TOKEN`.
    function deposit(address to, uint256 amount) internal {
        deposit(TOKEN, to, amount);
    }

    /// @dev The withdrawal message the bridge must send: what BridgeVault.finalizeWithdrawal accepts.
    function withdrawalMessage(uint64 nonce, address token, address to, uint256 amount)
        internal
        pure
        returns (Hashing.Message memory)
    {
        return Hashing.Message({
            sourceChainId: CHAIN,
            nonce: nonce,
            sender: FractalConstants.L2_BRIDGE,
            destinationChainId: uint64(PARENT_ID),
            recipient: VAULT,
            payload: abi.encode(token, to, amount)
        });
    }

    /// @dev The only message in `logs`.
    function onlyMessage(Vm.Log[] memory logs) internal pure returns (Hashing.Message memory) {
        Hashing.Message[] memory messages = SystemContracts.sentMessages(logs, CHAIN);
        assertEq(messages.length, 1, "one message");
        return messages[0];
    }

    /// @dev Field-by-field equality of two messages.
    function assertMessage(Hashing.Message memory actual, Hashing.Message memory expected) internal pure {
        assertEq(uint256(actual.sourceChainId), uint256(expected.sourceChainId), "sourceChainId");
        assertEq(uint256(actual.nonce), uint256(expected.nonce), "nonce");
        assertEq(actual.sender, expected.sender, "sender");
        assertEq(uint256(actual.destinationChainId), uint256(expected.destinationChainId), "destination");
        assertEq(actual.recipient, expected.recipient, "recipient");
        assertEq(actual.payload, expected.payload);
    }
}
