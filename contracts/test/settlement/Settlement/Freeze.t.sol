// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `Settlement.freeze` and the frozen mode: only the chain's queue freezes it, and a frozen
/// chain takes no more batches.
contract SettlementFreezeTest is Fixture {
    BatchHeader private _executed;
    BatchHeader private _proven;
    BatchHeader private _committed;

    /// @dev Batch 1 executed, 2 proven, 3 committed, request 0 overdue, then frozen.
    function _freezeWithBatchesInFlight() private {
        enqueueMany(2);
        _executed = commitProveExecute(1, 1);
        _proven = commitNext(2, 1);
        proveBatch(_proven);
        _committed = commitNext(3, 2);
        warpPastDeadline(queue, 1);
        queue.freezeChain();
        assertTrue(settlement.isFrozen());
    }

    function test_FreezeByQueue() public {
        BatchHeader memory h = commitProveExecute(1, 0);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.ChainFrozen(CHAIN_ID, 1, h.newStateRoot);
        vm.prank(address(queue));
        settlement.freeze();
        assertTrue(settlement.isFrozen());
    }

    function test_FrozenKeepsLastExecutedState() public {
        _freezeWithBatchesInFlight();
        assertEq(settlement.totalBatchesExecuted(), 1);
        assertEq(settlement.totalBatchesProven(), 2);
        assertEq(settlement.totalBatchesCommitted(), 3);
        assertEq(settlement.lastExecutedStateRoot(), _executed.newStateRoot);
        assertEq(settlement.stateRoot(1), _executed.newStateRoot);
        assertEq(settlement.messageRoot(1), _executed.messageRoot);
        assertEq(settlement.stateRoot(2), bytes32(0));
    }

    function test_RevertWhen_FreezeCallerNotQueue() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotQueue.selector, STRANGER));
        settlement.freeze();

        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotQueue.selector, ADMIN));
        settlement.freeze();

        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotQueue.selector, OPERATOR));
        settlement.freeze();

        // Not even another chain's queue.
        (, PriorityQueue other) = registerChain("other", CHAIN_ID + 1, GENESIS_STATE_ROOT);
        address otherQueue = address(other);
        vm.prank(otherQueue);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotQueue.selector, otherQueue));
        settlement.freeze();
        assertFalse(settlement.isFrozen());
    }

    function test_RevertWhen_FrozenTwice() public {
        vm.prank(address(queue));
        settlement.freeze();
        vm.prank(address(queue));
        vm.expectRevert(abi.encodeWithSelector(SettlementChainFrozen.selector, CHAIN_ID));
        settlement.freeze();
    }

    function test_RevertWhen_FrozenCommit() public {
        _freezeWithBatchesInFlight();
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = buildNextHeader(4);
        bytes[] memory inputs = new bytes[](1);
        inputs[0] = pubdataFor(4);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementChainFrozen.selector, CHAIN_ID));
        settlement.commitBatches(headers, inputs);
    }

    function test_RevertWhen_FrozenProve() public {
        _freezeWithBatchesInFlight();
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = _committed;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proofFor(_committed);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementChainFrozen.selector, CHAIN_ID));
        settlement.proveBatches(headers, proofs);
    }

    function test_RevertWhen_FrozenExecute() public {
        _freezeWithBatchesInFlight();
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = _proven;
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementChainFrozen.selector, CHAIN_ID));
        settlement.executeBatches(headers);
        assertEq(queue.head(), 1);
    }

    function test_RevertWhen_FrozenRevert() public {
        _freezeWithBatchesInFlight();
        BatchHeader memory kept = _executed;
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementChainFrozen.selector, CHAIN_ID));
        settlement.revertBatches(kept);
    }

    function test_FrozenStillManagesRoles() public {
        // Roles are not batches: the admin can still rotate them (e.g. to hand over to a recovery team).
        vm.prank(address(queue));
        settlement.freeze();
        vm.prank(ADMIN);
        settlement.setOperator(STRANGER, true);
        assertTrue(settlement.isOperator(STRANGER));
    }
}
