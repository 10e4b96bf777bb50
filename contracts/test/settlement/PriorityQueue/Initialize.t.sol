// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `PriorityQueue.initialize`: one-time wiring of a clone.
contract PriorityQueueInitializeTest is Fixture {
    function test_RegisteredQueueIsWired() public view {
        assertEq(queue.chainId(), CHAIN_ID);
        assertEq(queue.settlement(), address(settlement));
        assertEq(queue.vault(), address(vault));
        assertEq(queue.maxDelay(), PRIORITY_TX_MAX_DELAY);
        assertEq(queue.length(), 0);
        assertEq(queue.head(), 0);
    }

    function test_RevertWhen_InitializedTwice() public {
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        queue.initialize(CHAIN_ID, STRANGER, STRANGER, 1 hours);
    }

    function test_RevertWhen_ImplementationInitialized() public {
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        queueImpl.initialize(CHAIN_ID, STRANGER, STRANGER, 1 hours);
    }

    function test_RevertWhen_InitializeZeroSettlement() public {
        PriorityQueue q = PriorityQueue(Clones.clone(address(queueImpl)));
        vm.expectRevert(abi.encodeWithSelector(SettlementZeroAddress.selector));
        q.initialize(CHAIN_ID, address(0), address(vault), 1 hours);
    }

    function test_RevertWhen_InitializeZeroVault() public {
        PriorityQueue q = PriorityQueue(Clones.clone(address(queueImpl)));
        vm.expectRevert(abi.encodeWithSelector(SettlementZeroAddress.selector));
        q.initialize(CHAIN_ID, address(settlement), address(0), 1 hours);
    }
}
