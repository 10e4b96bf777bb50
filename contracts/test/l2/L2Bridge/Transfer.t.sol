// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {L2BridgeInsufficientBalance, L2BridgeZeroAddress} from "../../../src/l2/L2Errors.sol";
import {SystemBase} from "../SystemBase.sol";

/// @notice L2Bridge.transfer: moves ledger balances on this chain, sending nothing to the parent.
contract TransferTest is SystemBase {
    function setUp() public override {
        super.setUp();
        deposit(ALICE, 10);
    }

    // ---------------------------------------------------------------- success

    function test_Transfer_MovesLedgerBalances() public {
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.Transfer(TOKEN, ALICE, BOB, 4);
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, BOB, 4);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 6);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 4);
        assertEq(uint256(OUTBOX.nextNonce()), 0);
    }

    function test_Transfer_ToItself() public {
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, ALICE, 10);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 10);
    }

    function test_Transfer_OnlyTheGivenToken() public {
        deposit(OTHER_TOKEN, ALICE, 3);
        vm.prank(ALICE);
        BRIDGE.transfer(OTHER_TOKEN, BOB, 3);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 10);
        assertEq(BRIDGE.balanceOf(OTHER_TOKEN, ALICE), 0);
        assertEq(BRIDGE.balanceOf(OTHER_TOKEN, BOB), 3);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_TransferToTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, address(0), 1);
    }

    function test_RevertWhen_TransferMoreThanTheBalance() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, TOKEN, ALICE, 10, 11));
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, BOB, 11);
    }

    function test_RevertWhen_TransferFromAnEmptyAccount() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, TOKEN, BOB, 0, 1));
        vm.prank(BOB);
        BRIDGE.transfer(TOKEN, ALICE, 1);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_Transfer_KeepsTheSum(uint256 amount, uint256 moved, address to) public {
        vm.assume(to != address(0) && to != ALICE);
        amount = bound(amount, 0, type(uint256).max - 10);
        moved = bound(moved, 0, amount + 10);
        deposit(ALICE, amount);
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.Transfer(TOKEN, ALICE, to, moved);
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, to, moved);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), amount + 10 - moved);
        assertEq(BRIDGE.balanceOf(TOKEN, to), moved);
    }
}
