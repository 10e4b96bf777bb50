// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {IPriorityQueue} from "../../../src/settlement/IPriorityQueue.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Vm} from "../../utils/Test.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `Settlement.executeBatches`: proven batches become final in order and consume their
/// priority requests from the queue.
contract SettlementExecuteTest is Fixture {
    function _execute(BatchHeader memory h, bytes memory err) private {
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        vm.prank(OPERATOR);
        vm.expectRevert(err);
        settlement.executeBatches(headers);
    }

    function test_ExecuteBatch() public {
        BatchHeader memory h = commitNext(1);
        proveBatch(h);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.BatchExecuted(1, h.newStateRoot, h.messageRoot);
        executeBatch(h);

        assertEq(settlement.totalBatchesExecuted(), 1);
        assertEq(settlement.stateRoot(1), h.newStateRoot);
        assertEq(settlement.messageRoot(1), h.messageRoot);
        assertEq(settlement.lastExecutedStateRoot(), h.newStateRoot);
        // Batch 0 keeps the genesis root.
        assertEq(settlement.stateRoot(0), GENESIS_STATE_ROOT);
        assertEq(settlement.messageRoot(0), bytes32(0));
    }

    function test_ExecuteConsumesQueue() public {
        enqueueMany(5);
        BatchHeader memory h1 = commitNext(1, 3);
        proveBatch(h1);
        assertEq(queue.head(), 0);

        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.RequestsConsumed(CHAIN_ID, 0, 3, queue.rollingHashAt(3));
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.BatchExecuted(1, h1.newStateRoot, h1.messageRoot);
        executeBatch(h1);
        assertEq(queue.head(), 3);

        BatchHeader memory h2 = commitNext(2, 5);
        proveBatch(h2);
        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.RequestsConsumed(CHAIN_ID, 3, 5, queue.rollingHashAt(5));
        executeBatch(h2);
        assertEq(queue.head(), 5);
        assertEq(queue.length(), 5);
    }

    function test_ExecuteWithoutNewRequestsConsumesNothing() public {
        enqueueMany(2);
        commitProveExecute(1, 2);
        BatchHeader memory h2 = commitNext(2, 2);
        proveBatch(h2);
        vm.recordLogs();
        executeBatch(h2);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            assertTrue(logs[i].topics[0] != IPriorityQueue.RequestsConsumed.selector, "nothing to consume");
        }
        assertEq(queue.head(), 2);
    }

    function test_ExecuteSeveralBatchesInOneCall() public {
        enqueueMany(3);
        BatchHeader[] memory headers = new BatchHeader[](3);
        for (uint256 i = 0; i < 3; ++i) {
            headers[i] = commitNext(i + 1, uint64(i + 1));
            proveBatch(headers[i]);
        }
        vm.prank(OPERATOR);
        settlement.executeBatches(headers);
        assertEq(settlement.totalBatchesExecuted(), 3);
        assertEq(queue.head(), 3);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(settlement.stateRoot(uint64(i + 1)), headers[i].newStateRoot);
        }
    }

    function test_RootsOfUnexecutedBatchesReadZero() public {
        BatchHeader memory h1 = commitProveExecute(1, 0);
        BatchHeader memory h2 = commitNext(2);
        proveBatch(h2);
        assertEq(settlement.stateRoot(2), bytes32(0));
        assertEq(settlement.messageRoot(2), bytes32(0));
        assertEq(settlement.lastExecutedStateRoot(), h1.newStateRoot);
    }

    // ------------------------------------------------------------------ errors

    function test_RevertWhen_NotProven() public {
        BatchHeader memory h = commitNext(1);
        _execute(h, abi.encodeWithSelector(SettlementBatchNotProven.selector, 1, 0));
    }

    function test_RevertWhen_NotCommitted() public {
        BatchHeader memory h = buildNextHeader(1);
        _execute(h, abi.encodeWithSelector(SettlementBatchNotProven.selector, 1, 0));
    }

    function test_RevertWhen_OutOfOrder() public {
        BatchHeader memory h1 = commitNext(1);
        BatchHeader memory h2 = commitNext(2);
        proveBatch(h1);
        proveBatch(h2);
        _execute(h2, abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 1, 2));
    }

    function test_RevertWhen_AlreadyExecuted() public {
        BatchHeader memory h = commitProveExecute(1, 0);
        _execute(h, abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 2, 1));
    }

    function test_RevertWhen_HeaderTampered() public {
        enqueueMany(2);
        BatchHeader memory h = commitNext(1, 1);
        proveBatch(h);
        BatchHeader memory t = copyHeader(h);
        // Claiming to consume more than was committed.
        t.priorityOpsCount = 2;
        t.priorityOpsHash = queue.rollingHashAt(2);
        _execute(
            t,
            abi.encodeWithSelector(
                SettlementBatchHashMismatch.selector, 1, expectedBatchHash(h), expectedBatchHash(t)
            )
        );
        assertEq(queue.head(), 0);
    }

    function test_RevertWhen_CallerNotOperator() public {
        BatchHeader memory h = commitNext(1);
        proveBatch(h);
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotOperator.selector, STRANGER));
        settlement.executeBatches(headers);
    }

    function test_RevertWhen_NoBatches() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementNoBatches.selector));
        settlement.executeBatches(new BatchHeader[](0));
    }

    function test_RevertWhen_SecondBatchNotProven_NothingIsExecuted() public {
        enqueueMany(1);
        BatchHeader[] memory headers = new BatchHeader[](2);
        headers[0] = commitNext(1, 1);
        headers[1] = commitNext(2, 1);
        proveBatch(headers[0]);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementBatchNotProven.selector, 2, 1));
        settlement.executeBatches(headers);
        assertEq(settlement.totalBatchesExecuted(), 0);
        assertEq(queue.head(), 0);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Any number of batches, each consuming a random number of requests, executes in order and
    /// leaves the queue head at the last executed batch's count.
    function testFuzz_ExecuteChain(uint256 seed, uint8 batches, uint8 queued) public {
        uint64 length = enqueueMany(bound(queued, 0, 8));
        uint256 n = bound(batches, 1, 5);
        uint64 count = 0;
        for (uint256 i = 1; i <= n; ++i) {
            count = uint64(bound(uint256(keccak256(abi.encode(seed, i))), count, length));
            BatchHeader memory h = commitProveExecute(uint256(keccak256(abi.encode(seed, i, "roots"))), count);
            assertEq(queue.head(), count);
            assertEq(settlement.stateRoot(uint64(i)), h.newStateRoot);
        }
        assertEq(settlement.totalBatchesExecuted(), n);
    }
}
