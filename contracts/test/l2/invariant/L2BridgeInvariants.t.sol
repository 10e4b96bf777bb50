// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {SystemBase} from "../SystemBase.sol";
import {SystemContracts} from "../SystemContracts.sol";
import {L2BridgeHandler} from "./L2BridgeHandler.sol";

/// @notice Invariants of the genesis outbox and bridge under random deposits, transfers, withdrawals,
/// foreign messages and forbidden calls (see L2BridgeHandler).
contract L2BridgeInvariantsTest is SystemBase {
    L2BridgeHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new L2BridgeHandler(VAULT, uint64(PARENT_ID));
        targetContract(address(handler));
    }

    /// @dev One campaign checks every property after every call: forge gives each `invariant_` function its
    /// own campaign of `runs` x `depth` calls, so one function per property would repeat the same random
    /// sequences once per property (README, "Tests").
    function invariant_L2Bridge() public view {
        _checkLedgerAndLockedEther();
        _checkMessagesAreNumberedWithdrawals();
        _checkNoForgeryNoOverdraftFixedConfiguration();
    }

    /// @dev Accounting: per token, the ledger holds exactly what was deposited minus what was withdrawn;
    /// withdrawn ether stays locked in the bridge, all of it.
    function _checkLedgerAndLockedEther() internal view {
        for (uint256 t = 0; t < 2; ++t) {
            address token = handler.token(t);
            uint256 sum;
            for (uint256 i = 0; i < 3; ++i) {
                sum += BRIDGE.balanceOf(token, handler.account(i));
            }
            assertEq(
                sum, handler.deposited(token) - handler.withdrawn(token), "ledger = deposited - withdrawn"
            );
        }
        assertEq(address(BRIDGE).balance, handler.etherWithdrawn(), "bridge balance = ether withdrawn");
    }

    /// @dev Messages: the outbox's nonce (slot 0) counts every message, every withdrawal sent exactly
    /// the message the vault accepts, numbered in sequence, and the message chain (slot 2) is the fold of
    /// the leaves of every message sent, in order.
    function _checkMessagesAreNumberedWithdrawals() internal view {
        uint256 sent = handler.bridgeMessages() + handler.otherMessages();
        assertEq(uint256(OUTBOX.nextNonce()), sent, "nextNonce = messages sent");
        assertEq(uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT))), sent);
        assertEq(handler.badMessages(), 0, "malformed or misnumbered messages");
        assertEq(OUTBOX.messageChain(), handler.messageChain(), "messageChain = fold of the sent leaves");
        assertEq(
            uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_MESSAGE_CHAIN_SLOT))),
            handler.messageChain(),
            "slot 2 = fold of the sent leaves"
        );
    }

    /// @dev Authority: only alias(vault) mints, nobody moves more than they hold, and nothing rewrites the
    /// genesis configuration.
    function _checkNoForgeryNoOverdraftFixedConfiguration() internal view {
        assertEq(handler.unexpectedSuccesses(), 0, "forged deposits or overdrafts");
        assertEq(BRIDGE.vault(), VAULT);
        assertEq(BRIDGE.parentChainId(), PARENT_ID);
    }
}
