// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {IPriorityQueue} from "../../../src/settlement/IPriorityQueue.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Vm} from "../../utils/Test.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `PriorityQueue.consume`: only the chain's settlement consumes, forward, up to the length, at
/// the right rolling hash. Settlement always passes a committed header's values, so the range and hash
/// errors are reached by pranking the settlement.
contract PriorityQueueConsumeTest is Fixture {
    function _consume(uint64 newHead, bytes32 expected) private {
        vm.prank(address(settlement));
        queue.consume(newHead, expected);
    }

    function test_ConsumeBySettlement() public {
        enqueueMany(3);
        bytes32 at2 = queue.rollingHashAt(2);
        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.RequestsConsumed(CHAIN_ID, 0, 2, at2);
        _consume(2, at2);
        assertEq(queue.head(), 2);
        assertEq(queue.length(), 3);
    }

    function test_ConsumeSameHeadIsNoOp() public {
        enqueueMany(2);
        _consume(1, queue.rollingHashAt(1));
        vm.recordLogs();
        _consume(1, queue.rollingHashAt(1));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 0);
        assertEq(queue.head(), 1);
    }

    function test_ConsumeEverything() public {
        uint64 length = enqueueMany(4);
        _consume(length, queue.rollingHashAt(length));
        assertEq(queue.head(), length);
    }

    function test_RevertWhen_CallerNotSettlement() public {
        enqueueMany(1);
        bytes32 h = queue.rollingHashAt(1);
        address[4] memory callers = [STRANGER, OPERATOR, ADMIN, address(vault)];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(QueueCallerNotSettlement.selector, callers[i]));
            queue.consume(1, h);
        }
        assertEq(queue.head(), 0);
    }

    function test_RevertWhen_ConsumeBeyondLength() public {
        enqueueMany(2);
        vm.prank(address(settlement));
        vm.expectRevert(abi.encodeWithSelector(QueueConsumeOutOfRange.selector, 0, 3, 2));
        queue.consume(3, bytes32(0));
    }

    function test_RevertWhen_ConsumeBackwards() public {
        enqueueMany(3);
        _consume(2, queue.rollingHashAt(2));
        bytes32 at1 = queue.rollingHashAt(1);
        vm.prank(address(settlement));
        vm.expectRevert(abi.encodeWithSelector(QueueConsumeOutOfRange.selector, 2, 1, 3));
        queue.consume(1, at1);
    }

    function test_RevertWhen_RollingHashMismatch() public {
        enqueueMany(3);
        bytes32 actual = queue.rollingHashAt(2);
        bytes32 wrong = queue.rollingHashAt(3);
        vm.prank(address(settlement));
        vm.expectRevert(abi.encodeWithSelector(QueueRollingHashMismatch.selector, 2, wrong, actual));
        queue.consume(2, wrong);
    }

    function test_RevertWhen_RollingHashMismatchAtSameHead() public {
        // Even a no-op consumption checks the hash.
        vm.prank(address(settlement));
        vm.expectRevert(
            abi.encodeWithSelector(QueueRollingHashMismatch.selector, 0, bytes32(uint256(1)), bytes32(0))
        );
        queue.consume(0, bytes32(uint256(1)));
    }

    function test_RequestsAfterCommitDoNotChangeCommittedHash() public {
        // A batch committed at length 2 executes after more requests arrived: the prefix hash is stable.
        enqueueMany(2);
        BatchHeader memory h = commitNext(1, 2);
        enqueueMany(3);
        proveBatch(h);
        executeBatch(h);
        assertEq(queue.head(), 2);
        assertEq(queue.length(), 5);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Random bursts of requests, each followed by a batch that consumes up to a random point; the
    /// head always equals the last executed batch's cumulative count and never passes the length.
    function testFuzz_RequestsThenConsumeUpToRandomPoint(uint256 seed, uint8 rounds) public {
        uint256 n = bound(rounds, 1, 5);
        uint64 count = 0;
        for (uint256 r = 0; r < n; ++r) {
            uint256 s = uint256(keccak256(abi.encode(seed, r)));
            uint64 length = enqueueMany(s % 5);
            count = uint64(bound(s >> 8, count, length));
            uint64 headBefore = queue.head();
            BatchHeader memory h = commitNext(s, count);
            proveBatch(h);
            if (count != headBefore) {
                vm.expectEmit(true, true, true, true, address(queue));
                emit IPriorityQueue.RequestsConsumed(CHAIN_ID, headBefore, count, queue.rollingHashAt(count));
            }
            executeBatch(h);
            assertEq(queue.head(), count);
            assertLe(queue.head(), queue.length());
        }
    }

    /// @dev Direct consumption (as the settlement) to a random point: accepted exactly when the point is
    /// within [head, length] and the hash is the queue's.
    function testFuzz_ConsumeRange(uint8 queued, uint8 first, uint8 second, bool rightHash) public {
        uint64 length = enqueueMany(bound(queued, 0, 6));
        uint64 a = uint64(bound(first, 0, length));
        _consume(a, queue.rollingHashAt(a));
        uint64 b = uint64(bound(second, 0, uint256(length) + 2));
        bytes32 actual = b <= length ? queue.rollingHashAt(b) : bytes32(0);
        bytes32 expected = rightHash ? actual : keccak256(abi.encode(b));
        vm.prank(address(settlement));
        if (b < a || b > length) {
            vm.expectRevert(abi.encodeWithSelector(QueueConsumeOutOfRange.selector, a, b, length));
            queue.consume(b, expected);
            assertEq(queue.head(), a);
        } else if (!rightHash) {
            vm.expectRevert(abi.encodeWithSelector(QueueRollingHashMismatch.selector, b, expected, actual));
            queue.consume(b, expected);
            assertEq(queue.head(), a);
        } else {
            queue.consume(b, expected);
            assertEq(queue.head(), b);
        }
    }
}
