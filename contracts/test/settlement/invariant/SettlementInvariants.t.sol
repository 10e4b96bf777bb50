// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Fixture} from "../../shared/Fixture.sol";
import {SettlementHandler} from "./SettlementHandler.sol";

/// @notice Invariants of one chain's settlement and queue under random interleavings of requests,
/// commits, proofs, executions, reverts, time and freeze attempts (see SettlementHandler).
/// @dev Note: run deeper with `FOUNDRY_PROFILE=ci` (1,000 runs of depth 32).
contract SettlementInvariantsTest is Fixture {
    SettlementHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new SettlementHandler(settlement, verifier, OPERATOR, headerAt(0));
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.actions()}));
    }

    /// @dev One campaign checks every property after every call: forge gives each `invariant_` function its
    /// own campaign of `runs` x `depth` calls, so one function per property would repeat the same random
    /// sequences once per property (README, "Tests").
    function invariant_Settlement() public view {
        _checkCountersOrderedAndTracked();
        _checkExecutedStrictlyInOrder();
        _checkQueueHeadFollowsExecution();
        _checkExecutedStateRoot();
        _checkFrozenIsFinal();
        _checkOutcomesAsPredicted();
    }

    /// @dev executed <= proven <= committed, and each equals the ghost's count.
    function _checkCountersOrderedAndTracked() internal view {
        uint64 committed = settlement.totalBatchesCommitted();
        uint64 proven = settlement.totalBatchesProven();
        uint64 executed = settlement.totalBatchesExecuted();
        assertLe(executed, proven, "executed > proven");
        assertLe(proven, committed, "proven > committed");
        assertEq(committed, handler.ghostCommitted(), "committed");
        assertEq(proven, handler.ghostProven(), "proven");
        assertEq(executed, handler.ghostExecuted(), "executed");
    }

    /// @dev The batches the settlement reported executed are exactly 1, 2, …, n in that order.
    function _checkExecutedStrictlyInOrder() internal view {
        uint64[] memory log = handler.executedLog();
        assertEq(log.length, settlement.totalBatchesExecuted(), "log length");
        for (uint256 i = 0; i < log.length; ++i) {
            assertEq(log[i], i + 1, "gap or duplicate in executed batches");
        }
    }

    /// @dev The queue's head is the last executed batch's cumulative count and never passes the length.
    function _checkQueueHeadFollowsExecution() internal view {
        uint64 executed = settlement.totalBatchesExecuted();
        uint64 head = queue.head();
        assertEq(head, handler.ghostExecutedCount(executed), "head != executed batch's priority count");
        assertLe(head, queue.length(), "head > length");
        assertEq(queue.length(), handler.ghostLength(), "length");
    }

    /// @dev The final state root is the one the last executed batch committed.
    function _checkExecutedStateRoot() internal view {
        uint64 executed = settlement.totalBatchesExecuted();
        bytes32 expected = handler.ghostExecutedRoot(executed);
        assertEq(settlement.stateRoot(executed), expected, "stateRoot(executed)");
        assertEq(settlement.lastExecutedStateRoot(), expected, "lastExecutedStateRoot");
    }

    /// @dev Once frozen, nothing moves: no batch committed, proven or executed, no request added or
    /// consumed.
    function _checkFrozenIsFinal() internal view {
        bool frozen = settlement.isFrozen();
        assertEq(frozen, handler.ghostFrozen());
        if (!frozen) return;
        assertEq(settlement.totalBatchesCommitted(), handler.frozenCommitted(), "committed moved");
        assertEq(settlement.totalBatchesProven(), handler.frozenProven(), "proven moved");
        assertEq(settlement.totalBatchesExecuted(), handler.frozenExecuted(), "executed moved");
        assertEq(queue.head(), handler.frozenHead(), "head moved");
        assertEq(queue.length(), handler.frozenLength(), "length moved");
    }

    /// @dev Every call had the outcome the rules predict (valid calls accepted, invalid ones refused).
    function _checkOutcomesAsPredicted() internal view {
        assertEq(handler.ghostUnexpected(), 0, handler.lastUnexpected());
    }

    // ------------------------------------------------------------------ handler smoke test

    /// @dev Drives every action once along a known path, so a handler that silently skips or always
    /// reverts cannot make the invariants pass vacuously.
    function test_HandlerReachesEveryAction() public {
        handler.enqueue(1);
        handler.enqueue(2);
        handler.enqueue(3);
        handler.commit(11, 2); // three batches
        handler.commitBadRoot(5);
        handler.prove(2); // all three
        handler.executeOutOfOrder(0);
        handler.execute(0); // one
        handler.revertTo(3); // keep batch 2 (3 / 3 = 1: executed + 1)
        handler.execute(0); // batch 2
        handler.enqueue(4); // not in any batch: it will be overdue
        handler.warp(39 minutes);
        handler.warp(39 minutes);
        handler.freeze();
        assertTrue(settlement.isFrozen());
        // Refused on the frozen chain, as predicted.
        handler.commit(12, 0);
        handler.enqueue(5);
        handler.freeze();

        assertEq(handler.ghostUnexpected(), 0, handler.lastUnexpected());
        assertTrue(handler.successes(handler.enqueue.selector) == 4);
        assertTrue(handler.successes(handler.freeze.selector) == 1);
        assertTrue(handler.successes(handler.commit.selector) == 1);
        assertTrue(handler.successes(handler.prove.selector) == 1);
        assertTrue(handler.successes(handler.execute.selector) == 2);
        assertTrue(handler.successes(handler.revertTo.selector) == 1);
        assertEq(settlement.totalBatchesExecuted(), 2);
        _checkCountersOrderedAndTracked();
        _checkExecutedStrictlyInOrder();
        _checkQueueHeadFollowsExecution();
        _checkExecutedStateRoot();
        _checkOutcomesAsPredicted();
        _checkFrozenIsFinal();
    }
}
