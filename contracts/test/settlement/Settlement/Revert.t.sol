// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `Settlement.revertBatches`: committed but unexecuted batches can be dropped, and the chain
/// continues from the last kept one.
contract SettlementRevertTest is Fixture {
    function _revert(BatchHeader memory lastKept, bytes memory err) private {
        vm.prank(OPERATOR);
        vm.expectRevert(err);
        settlement.revertBatches(lastKept);
    }

    function test_RevertCommittedBatches() public {
        commitNext(1);
        commitNext(2);
        commitNext(3);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.BatchesReverted(1, 3);
        revertBatchesTo(1);

        assertEq(settlement.totalBatchesCommitted(), 1);
        assertTrue(settlement.batchHash(1) != bytes32(0));
        assertEq(settlement.batchHash(2), bytes32(0));
        assertEq(settlement.batchHash(3), bytes32(0));
    }

    function test_RevertToGenesis() public {
        commitNext(1);
        commitNext(2);
        revertBatchesTo(0);
        assertEq(settlement.totalBatchesCommitted(), 0);
        assertEq(settlement.batchHash(1), bytes32(0));
        // Genesis stays.
        assertEq(settlement.batchHash(0), expectedBatchHash(headerAt(0)));
    }

    function test_RevertThenRecommitDifferentBatch() public {
        BatchHeader memory old = commitNext(1);
        revertBatchesTo(0);
        BatchHeader memory replacement = commitNext(2); // other roots and data
        assertEq(replacement.batchNumber, 1);
        assertTrue(expectedBatchHash(replacement) != expectedBatchHash(old));
        assertEq(settlement.batchHash(1), expectedBatchHash(replacement));

        // The reverted header is gone for good; the replacement goes all the way.
        bytes memory oldProof = proofFor(old);
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = old;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = oldProof;
        vm.prank(OPERATOR);
        vm.expectRevert(
            abi.encodeWithSelector(
                SettlementBatchHashMismatch.selector,
                1,
                expectedBatchHash(replacement),
                expectedBatchHash(old)
            )
        );
        settlement.proveBatches(headers, proofs);

        proveBatch(replacement);
        executeBatch(replacement);
        assertEq(settlement.lastExecutedStateRoot(), replacement.newStateRoot);
    }

    function test_RevertLowersProven() public {
        BatchHeader memory h1 = commitNext(1);
        BatchHeader memory h2 = commitNext(2);
        commitNext(3);
        proveBatch(h1);
        proveBatch(h2);
        revertBatchesTo(1);
        assertEq(settlement.totalBatchesProven(), 1);
        assertEq(settlement.totalBatchesCommitted(), 1);
    }

    function test_RevertKeepsProvenBelowTarget() public {
        BatchHeader memory h1 = commitNext(1);
        commitNext(2);
        commitNext(3);
        proveBatch(h1);
        revertBatchesTo(2);
        assertEq(settlement.totalBatchesProven(), 1);
        assertEq(settlement.totalBatchesCommitted(), 2);
    }

    function test_RevertToLastExecuted() public {
        BatchHeader memory h1 = commitProveExecute(1, 0);
        BatchHeader memory h2 = commitNext(2);
        proveBatch(h2);
        revertBatchesTo(1);
        assertEq(settlement.totalBatchesCommitted(), 1);
        assertEq(settlement.totalBatchesProven(), 1);
        assertEq(settlement.totalBatchesExecuted(), 1);
        assertEq(settlement.lastExecutedStateRoot(), h1.newStateRoot);
    }

    function test_RevertRestoresTip() public {
        // After reverting, the next header continues the kept batch's root, count and timestamp.
        enqueueMany(4);
        BatchHeader memory h1 = commitNext(1, 1);
        vm.warp(block.timestamp + 1 minutes);
        commitNext(2, 4);
        revertBatchesTo(1);

        // Consuming fewer requests than the reverted batch did is fine again, and so is h1's timestamp.
        BatchHeader memory h2 = buildNextHeader(settlement, pubdataFor(22), fieldElement(22), bytes32(0), 2);
        h2.timestamp = h1.timestamp;
        assertEq(h2.prevStateRoot, h1.newStateRoot);
        commitBatch(h2, pubdataFor(22));
        assertEq(settlement.totalBatchesCommitted(), 2);
    }

    function test_RevertedBatchCannotBeProven() public {
        commitNext(1);
        BatchHeader memory h2 = commitNext(2);
        revertBatchesTo(1);
        proveBatch(headerAt(1));
        bytes memory proof = proofFor(h2);
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h2;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proof;
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementBatchNotCommitted.selector, 2));
        settlement.proveBatches(headers, proofs);
    }

    // ------------------------------------------------------------------ errors

    function test_RevertWhen_BelowExecuted() public {
        commitProveExecute(1, 0);
        commitProveExecute(2, 0);
        commitNext(3);
        _revert(headerAt(1), abi.encodeWithSelector(SettlementCannotRevert.selector, 1, 2, 3));
        _revert(headerAt(0), abi.encodeWithSelector(SettlementCannotRevert.selector, 0, 2, 3));
    }

    function test_RevertWhen_TargetIsLastCommitted() public {
        BatchHeader memory h1 = commitNext(1);
        _revert(h1, abi.encodeWithSelector(SettlementCannotRevert.selector, 1, 0, 1));
    }

    function test_RevertWhen_NothingCommitted() public {
        _revert(headerAt(0), abi.encodeWithSelector(SettlementCannotRevert.selector, 0, 0, 0));
    }

    function test_RevertWhen_TargetBeyondCommitted() public {
        commitNext(1);
        BatchHeader memory future = buildNextHeader(2);
        future.batchNumber = 5;
        _revert(future, abi.encodeWithSelector(SettlementCannotRevert.selector, 5, 0, 1));
    }

    function test_RevertWhen_LastKeptTampered() public {
        BatchHeader memory h1 = commitNext(1);
        commitNext(2);
        BatchHeader memory t = copyHeader(h1);
        t.newStateRoot = fieldElement(777); // would redirect the tip
        _revert(
            t,
            abi.encodeWithSelector(
                SettlementBatchHashMismatch.selector, 1, expectedBatchHash(h1), expectedBatchHash(t)
            )
        );
    }

    function test_RevertWhen_CallerNotOperator() public {
        commitNext(1);
        BatchHeader memory genesis = headerAt(0);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotOperator.selector, STRANGER));
        settlement.revertBatches(genesis);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Commit n, execute e <= n - 1, revert to a random kept batch in [e, n - 1]: counters follow
    /// exactly and the chain continues from the kept batch.
    function testFuzz_RevertToAnyUnexecuted(uint8 committed, uint8 executed, uint8 kept) public {
        uint256 n = bound(committed, 1, 6);
        uint256 e = bound(executed, 0, n - 1);
        for (uint256 i = 1; i <= n; ++i) {
            if (i <= e) commitProveExecute(i, 0);
            else commitNext(i);
        }
        uint64 k = uint64(bound(kept, e, n - 1));
        revertBatchesTo(k);
        assertEq(settlement.totalBatchesCommitted(), k);
        assertEq(settlement.totalBatchesExecuted(), e);
        assertLe(settlement.totalBatchesProven(), k);
        BatchHeader memory next = commitNext(1000 + k);
        assertEq(next.batchNumber, k + 1);
        assertEq(next.prevStateRoot, headerAt(k).newStateRoot);
    }
}
