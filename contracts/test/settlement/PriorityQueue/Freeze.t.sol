// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {VaultChainFrozen} from "../../../src/bridge/BridgeErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {IPriorityQueue} from "../../../src/settlement/IPriorityQueue.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `PriorityQueue.freezeChain`, the escape hatch: anyone freezes the chain once the oldest
/// unconsumed request is past its deadline, and a frozen chain takes no new requests.
contract PriorityQueueFreezeTest is Fixture {
    function test_FreezeChainWhenHeadOverdue() public {
        enqueue(0);
        uint64 deadline = queue.deadlineOf(0);
        vm.warp(uint256(deadline) + 1);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.ChainFrozen(CHAIN_ID, 0, GENESIS_STATE_ROOT);
        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.FreezeTriggered(CHAIN_ID, 0, deadline, STRANGER);
        vm.prank(STRANGER);
        queue.freezeChain();
        assertTrue(settlement.isFrozen());
    }

    function test_RevertWhen_FreezeChainAtDeadline() public {
        enqueue(0);
        vm.warp(queue.deadlineOf(0)); // exactly at the deadline: still in time
        vm.expectRevert(abi.encodeWithSelector(QueueNotOverdue.selector, 0, 1));
        queue.freezeChain();
        assertFalse(settlement.isFrozen());
    }

    function test_RevertWhen_FreezeChainBeforeDeadline() public {
        enqueue(0);
        vm.warp(block.timestamp + 30 minutes);
        vm.expectRevert(abi.encodeWithSelector(QueueNotOverdue.selector, 0, 1));
        queue.freezeChain();
    }

    function test_RevertWhen_FreezeChainEmptyQueue() public {
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(abi.encodeWithSelector(QueueNotOverdue.selector, 0, 0));
        queue.freezeChain();
    }

    function test_RevertWhen_FreezeChainAllConsumed() public {
        enqueueMany(2);
        commitProveExecute(1, 2);
        warpPastDeadline(queue, 1);
        vm.expectRevert(abi.encodeWithSelector(QueueNotOverdue.selector, 2, 2));
        queue.freezeChain();
    }

    function test_CommittedButUnexecutedDoesNotProtect() public {
        // Only execution consumes: a committed (even proven) batch does not stop the freeze.
        enqueue(0);
        BatchHeader memory h = commitNext(1, 1);
        proveBatch(h);
        warpPastDeadline(queue, 0);
        queue.freezeChain();
        assertTrue(settlement.isFrozen());
        assertEq(queue.head(), 0);
    }

    function test_FreezeLooksAtOldestUnconsumedOnly() public {
        enqueue(0);
        vm.warp(block.timestamp + 50 minutes);
        enqueue(1);
        commitProveExecute(1, 1);
        // Request 0 would be overdue now, but it is consumed; request 1 is not overdue yet.
        vm.warp(uint256(queue.deadlineOf(0)) + 1);
        vm.expectRevert(abi.encodeWithSelector(QueueNotOverdue.selector, 1, 2));
        queue.freezeChain();
        warpPastDeadline(queue, 1);
        queue.freezeChain();
        assertTrue(settlement.isFrozen());
    }

    function test_RevertWhen_FreezeChainTwice() public {
        enqueue(0);
        warpPastDeadline(queue, 0);
        queue.freezeChain();
        vm.expectRevert(abi.encodeWithSelector(SettlementChainFrozen.selector, CHAIN_ID));
        queue.freezeChain();
    }

    function test_RevertWhen_RequestOnFrozenChain() public {
        enqueue(0);
        warpPastDeadline(queue, 0);
        queue.freezeChain();

        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueChainFrozen.selector, CHAIN_ID));
        queue.requestTransaction(USER, 0, DEFAULT_GAS_LIMIT, "");

        vm.prank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(QueueChainFrozen.selector, CHAIN_ID));
        queue.requestFromVault(USER, USER, USER, 1, 0, DEFAULT_GAS_LIMIT, "");

        // The vault refuses first, with its own error.
        vm.deal(USER, 1 ether);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(VaultChainFrozen.selector, CHAIN_ID));
        vault.depositEth{value: 1 ether}(CHAIN_ID, USER);
        assertEq(queue.length(), 1);
    }

    function test_FrozenQueueStillProvesRequests() public {
        // Reclaims on a frozen chain rely on isRequest and the head staying readable.
        uint64 index = enqueue(0);
        warpPastDeadline(queue, 0);
        queue.freezeChain();
        assertTrue(
            queue.isRequest(
                requestOp(
                    queue,
                    index,
                    USER,
                    USER,
                    address(uint160(0x7A46E7)),
                    0,
                    0,
                    DEFAULT_GAS_LIMIT,
                    abi.encode(0)
                )
            )
        );
        assertEq(queue.head(), 0);
    }

    function test_FreezingOneChainLeavesOthersAlone() public {
        (Settlement other,) = registerChain("other", CHAIN_ID + 1, GENESIS_STATE_ROOT);
        enqueue(0);
        warpPastDeadline(queue, 0);
        queue.freezeChain();
        assertTrue(settlement.isFrozen());
        assertFalse(other.isFrozen());
    }

    function testFuzz_FreezeChainOnlyAfterDeadline(uint256 elapsed) public {
        enqueue(0);
        elapsed = bound(elapsed, 0, 2 * uint256(PRIORITY_TX_MAX_DELAY));
        vm.warp(block.timestamp + elapsed);
        if (elapsed > PRIORITY_TX_MAX_DELAY) {
            queue.freezeChain();
            assertTrue(settlement.isFrozen());
        } else {
            vm.expectRevert(abi.encodeWithSelector(QueueNotOverdue.selector, 0, 1));
            queue.freezeChain();
        }
    }
}
