// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Bridge} from "../../src/bridge/IL2Bridge.sol";
import {FractalConstants} from "../../src/common/Constants.sol";
import {IL2Outbox} from "../../src/l2/IL2Outbox.sol";
import {
    L2BridgeInsufficientBalance,
    L2BridgeNoParent,
    L2BridgeNotVault,
    L2BridgeZeroAddress,
    L2BridgeZeroAmount
} from "../../src/l2/L2Errors.sol";
import {Vm} from "../utils/Test.sol";
import {SystemBase} from "./SystemBase.sol";

contract L2BridgeTest is SystemBase {
    function test_ReadsItsGenesisConfiguration() public view {
        assertEq(BRIDGE.vault(), VAULT);
        assertEq(BRIDGE.parentChainId(), PARENT_ID);
    }

    function test_FinalizeDeposit_CreditsFromTheAliasedVault() public {
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.DepositFinalized(TOKEN, ALICE, BOB, 500);
        deposit(BOB, 500);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 500);
    }

    function test_LedgerIsTheSlotZeroMappingExitsProveAgainst() public {
        deposit(BOB, 500);
        bytes32 slot = keccak256(
            abi.encode(BOB, keccak256(abi.encode(TOKEN, FractalConstants.L2_BRIDGE_BALANCES_SLOT)))
        );
        assertEq(uint256(vm.load(address(BRIDGE), slot)), 500);
    }

    function test_RevertWhen_DepositNotFromTheAliasedVault() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, VAULT, aliasOf(VAULT)));
        vm.prank(VAULT);
        BRIDGE.finalizeDeposit(TOKEN, ALICE, BOB, 1);
    }

    function test_RevertWhen_DepositOnAChainWithoutParent() public {
        configure(address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, aliasOf(address(0)), address(0)));
        vm.prank(aliasOf(address(0)));
        BRIDGE.finalizeDeposit(TOKEN, ALICE, BOB, 1);
    }

    function test_Withdraw_SendsTheMessageTheVaultAccepts() public {
        vm.deal(ALICE, 3 ether);
        bytes memory payload = abi.encode(address(0), BOB, 2 ether);
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(0, address(BRIDGE), uint64(PARENT_ID), VAULT, payload);
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.WithdrawalInitiated(address(0), ALICE, BOB, 2 ether, 0);
        vm.prank(ALICE);
        assertEq(BRIDGE.withdraw{value: 2 ether}(BOB), 0);
        // The ether stays locked in the bridge; the vault pays it out on the parent.
        assertEq(address(BRIDGE).balance, 2 ether);
        assertEq(ALICE.balance, 1 ether);
        // The fields BridgeVault.finalizeWithdrawal checks.
        assertEq(payload.length, 96);
    }

    function test_WithdrawToken_DebitsAndSendsTheMessage() public {
        deposit(ALICE, 500);
        vm.recordLogs();
        vm.prank(ALICE);
        assertEq(BRIDGE.withdrawToken(TOKEN, BOB, 200), 0);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 300);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs[0].emitter, address(OUTBOX));
        assertEq(logs[0].topics[1], bytes32(uint256(0)));
        assertEq(logs[0].topics[2], bytes32(uint256(uint160(FractalConstants.L2_BRIDGE))));
        assertEq(logs[0].topics[3], bytes32(PARENT_ID));
        (address recipient, bytes memory payload) = abi.decode(logs[0].data, (address, bytes));
        assertEq(recipient, VAULT);
        assertEq(payload, abi.encode(TOKEN, BOB, uint256(200)));
    }

    function test_RevertWhen_WithdrawingMoreThanTheBalance() public {
        deposit(ALICE, 5);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, TOKEN, ALICE, 5, 6));
        vm.prank(ALICE);
        BRIDGE.withdrawToken(TOKEN, BOB, 6);
    }

    function test_RevertWhen_WithdrawBadInput() public {
        vm.deal(ALICE, 1 ether);
        vm.startPrank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAmount.selector));
        BRIDGE.withdraw(BOB);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        BRIDGE.withdraw{value: 1}(address(0));
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        BRIDGE.withdrawToken(address(0), BOB, 1);
        vm.stopPrank();
        configure(address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNoParent.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 1}(BOB);
        assertEq(OUTBOX.nextNonce(), 0);
    }

    function test_Transfer_MovesLedgerBalances() public {
        deposit(ALICE, 10);
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.Transfer(TOKEN, ALICE, BOB, 4);
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, BOB, 4);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 6);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 4);
    }

    function test_RevertWhen_TransferBadInput() public {
        deposit(ALICE, 10);
        vm.startPrank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        BRIDGE.transfer(TOKEN, address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeInsufficientBalance.selector, TOKEN, ALICE, 10, 11));
        BRIDGE.transfer(TOKEN, BOB, 11);
        vm.stopPrank();
    }

    function testFuzz_DepositTransferWithdraw(uint256 amount, uint256 moved, uint256 out) public {
        amount = bound(amount, 1, type(uint128).max);
        moved = bound(moved, 0, amount);
        out = bound(out, 1, amount);
        deposit(ALICE, amount);
        vm.prank(ALICE);
        BRIDGE.transfer(TOKEN, BOB, moved);
        deposit(BOB, amount - moved);
        vm.prank(BOB);
        BRIDGE.withdrawToken(TOKEN, ALICE, out);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE) + BRIDGE.balanceOf(TOKEN, BOB), 2 * amount - moved - out);
        assertEq(OUTBOX.nextNonce(), 1);
    }
}
