// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {IL2Outbox} from "../../../src/l2/IL2Outbox.sol";
import {
    L2BridgeInsufficientBalance,
    L2BridgeNoParent,
    L2BridgeZeroAddress,
    L2BridgeZeroAmount
} from "../../../src/l2/L2Errors.sol";
import {SystemBase} from "../SystemBase.sol";

/// @notice L2Bridge.withdrawToken: debits the ledger and sends the withdrawal message to the parent's vault.
contract WithdrawTokenTest is SystemBase {
    function setUp() public override {
        super.setUp();
        deposit(ALICE, 500);
    }

    // ---------------------------------------------------------------- success

    function test_WithdrawToken_EmitsTheMessageAndTheWithdrawal() public {
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(
            0, FractalConstants.L2_BRIDGE, uint64(PARENT_ID), VAULT, abi.encode(TOKEN, BOB, uint256(200))
        );
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.WithdrawalInitiated(TOKEN, ALICE, BOB, 200, 0);
        vm.prank(ALICE);
        assertEq(uint256(BRIDGE.withdrawToken(TOKEN, BOB, 200)), 0);
    }

    function test_WithdrawToken_DebitsAndSendsTheMessageTheVaultAccepts() public {
        vm.recordLogs();
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, BOB, 200);
        assertMessage(onlyMessage(vm.getRecordedLogs()), withdrawalMessage(0, TOKEN, BOB, 200));
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 300);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 0);
    }

    function test_WithdrawToken_TheWholeBalance() public {
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, ALICE, 500);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 0);
    }

    function test_WithdrawToken_NumbersAfterOtherMessages() public {
        OUTBOX.sendMessage(1, BOB, "");
        vm.prank(ALICE);
        assertEq(uint256(BRIDGE.withdrawToken(TOKEN, BOB, 1)), 1);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_WithdrawTokenMoreThanTheBalance() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, TOKEN, ALICE, 500, 501));
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, BOB, 501);
    }

    function test_RevertWhen_WithdrawTokenNeverDeposited() public {
        vm.expectRevert(
            abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, OTHER_TOKEN, ALICE, 0, 1)
        );
        vm.prank(ALICE);
        BRIDGE.withdrawToken(OTHER_TOKEN, BOB, 1);
    }

    function test_RevertWhen_WithdrawTokenIsEther() public {
        // Ether is not in the ledger: it leaves through `withdraw`.
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        vm.prank(ALICE);
        BRIDGE.withdrawToken(address(0), BOB, 1);
    }

    function test_RevertWhen_WithdrawTokenToTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, address(0), 1);
    }

    function test_RevertWhen_WithdrawTokenZero() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAmount.selector));
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, BOB, 0);
    }

    function test_RevertWhen_WithdrawTokenWithoutParent() public {
        configure(address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNoParent.selector));
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, BOB, 1);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 500);
    }

    function test_RevertWhen_WithdrawTokenWithEther() public {
        vm.deal(ALICE, 1 ether);
        vm.prank(ALICE);
        (bool ok,) = address(BRIDGE).call{value: 1}(abi.encodeCall(IL2Bridge.withdrawToken, (TOKEN, BOB, 1)));
        assertFalse(ok);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 500);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_WithdrawToken(uint256 balance, uint256 amount, address to) public {
        vm.assume(to != address(0));
        balance = bound(balance, 1, type(uint256).max - 500);
        amount = bound(amount, 1, balance);
        deposit(BOB, balance);
        vm.recordLogs();
        vm.prank(BOB);
        assertEq(uint256(BRIDGE.withdrawToken(TOKEN, to, amount)), 0);
        assertMessage(onlyMessage(vm.getRecordedLogs()), withdrawalMessage(0, TOKEN, to, amount));
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), balance - amount);
    }

    function testFuzz_RevertWhen_WithdrawTokenAboveTheBalance(uint256 balance, uint256 amount) public {
        balance = bound(balance, 0, type(uint256).max - 1);
        amount = bound(amount, balance + 1, type(uint256).max);
        deposit(BOB, balance);
        vm.expectRevert(
            abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, TOKEN, BOB, balance, amount)
        );
        vm.prank(BOB);
        BRIDGE.withdrawToken(TOKEN, ALICE, amount);
    }
}
