// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../src/common/Constants.sol";
import {L2Bridge} from "../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../src/l2/L2Outbox.sol";
import {Test} from "../utils/Test.sol";

/// @notice Places the system contracts at their genesis addresses the way the node does: runtime code
/// only, configuration written straight into storage (docs/encodings.md).
abstract contract SystemBase is Test {
    L2Outbox internal constant OUTBOX = L2Outbox(FractalConstants.L2_OUTBOX);
    L2Bridge internal constant BRIDGE = L2Bridge(FractalConstants.L2_BRIDGE);
    uint256 internal constant PARENT_ID = 31_337;
    address internal constant VAULT = address(0xBA17);
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant TOKEN = address(0x70CE);

    function setUp() public virtual {
        vm.chainId(4242);
        vm.etch(address(OUTBOX), address(new L2Outbox()).code);
        vm.etch(address(BRIDGE), address(new L2Bridge()).code);
        configure(VAULT, PARENT_ID);
    }

    /// @dev The genesis storage of the bridge: slot 1 the parent's vault, slot 2 the parent's chain id.
    function configure(address vault, uint256 parentId) internal {
        vm.store(address(BRIDGE), bytes32(uint256(1)), bytes32(uint256(uint160(vault))));
        vm.store(address(BRIDGE), bytes32(uint256(2)), bytes32(parentId));
    }

    function aliasOf(address account) internal pure returns (address) {
        unchecked {
            return address(uint160(account) + FractalConstants.ALIAS_OFFSET);
        }
    }

    function deposit(address to, uint256 amount) internal {
        vm.prank(aliasOf(VAULT));
        BRIDGE.finalizeDeposit(TOKEN, ALICE, to, amount);
    }
}
