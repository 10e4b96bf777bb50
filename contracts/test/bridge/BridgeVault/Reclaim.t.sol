// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {
    VaultChainNotFrozen,
    VaultDepositAlreadyReclaimed,
    VaultDepositConsumed,
    VaultEthTransferFailed,
    VaultUnknownRequest
} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {RegistryUnknownChain} from "../../../src/registry/RegistryErrors.sol";
import {PriorityOp} from "../../../src/settlement/IPriorityQueue.sol";
import {RevertingReceiver} from "../mocks/EthReceivers.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice BridgeVault.reclaimDeposit: unconsumed requests of a frozen chain go back to their refund
/// recipient, once.
contract ReclaimTest is VaultBase {
    /// @dev Request 0 (ETH, consumed by batch 1), 1 (ETH), 2 (tokens), 3 (requestL2Transaction with
    /// value), 4 (fee-on-transfer tokens); requests 1..4 unconsumed when the chain freezes.
    PriorityOp internal consumedEth;
    PriorityOp internal ethOp;
    PriorityOp internal tokenOp;
    PriorityOp internal callOp;
    PriorityOp internal feeOp;

    function setUp() public override {
        super.setUp();
        vm.recordLogs();
        depositEth(CHAIN_ID, USER, ALICE, 5 ether);
        consumedEth = requestedOp(vm.getRecordedLogs(), address(queue));
        executeNext(settlement, bytes32(treeRootOfNothing()));

        vm.recordLogs();
        depositEth(CHAIN_ID, USER, ALICE, 2 ether);
        ethOp = requestedOp(vm.getRecordedLogs(), address(queue));
        vm.recordLogs();
        depositToken(CHAIN_ID, address(token), USER, BOB, 300e18);
        tokenOp = requestedOp(vm.getRecordedLogs(), address(queue));
        vm.deal(BOB, 1 ether);
        vm.recordLogs();
        vm.prank(BOB, BOB);
        vault.requestL2Transaction{value: 1 ether}(CHAIN_ID, ALICE, 0, 50_000, hex"01");
        callOp = requestedOp(vm.getRecordedLogs(), address(queue));
        vm.recordLogs();
        depositToken(CHAIN_ID, address(feeToken), USER, BOB, 1000e18);
        feeOp = requestedOp(vm.getRecordedLogs(), address(queue));
    }

    function treeRootOfNothing() internal view returns (uint256) {
        return zeros[zeros.length - 1];
    }

    // ---------------------------------------------------------------- success

    function test_ReclaimDeposit_ReturnsEth() public {
        freeze(queue);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.DepositReclaimed(CHAIN_ID, 1, USER, 2 ether, address(0), 0);
        vault.reclaimDeposit(CHAIN_ID, ethOp);
        assertEq(USER.balance, 2 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 5 ether + 1 ether);
        assertTrue(vault.isReclaimed(CHAIN_ID, 1));
    }

    function test_ReclaimDeposit_ReturnsTokens() public {
        freeze(queue);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.DepositReclaimed(CHAIN_ID, 2, USER, 0, address(token), 300e18);
        vault.reclaimDeposit(CHAIN_ID, tokenOp);
        assertEq(token.balanceOf(USER), 300e18);
        assertEq(token.balanceOf(address(vault)), 0);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 0);
    }

    function test_ReclaimDeposit_ReturnsRequestValue() public {
        freeze(queue);
        vault.reclaimDeposit(CHAIN_ID, callOp);
        assertEq(BOB.balance, 1 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 7 ether);
    }

    function test_ReclaimDeposit_ReturnsFeeOnTransferCredit() public {
        freeze(queue);
        uint256 credited = vault.chainBalance(CHAIN_ID, address(feeToken));
        assertEq(credited, 1000e18 - feeToken.feeOf(1000e18));
        vault.reclaimDeposit(CHAIN_ID, feeOp);
        assertEq(vault.chainBalance(CHAIN_ID, address(feeToken)), 0);
        assertEq(feeToken.balanceOf(address(vault)), 0);
        assertEq(feeToken.balanceOf(USER), credited - feeToken.feeOf(credited));
    }

    function test_ReclaimDeposit_WithOpRebuiltFromFields() public {
        freeze(queue);
        PriorityOp memory op = requestOp(
            queue,
            2,
            aliasOf(address(vault)),
            USER,
            FractalConstants.L2_BRIDGE,
            0,
            0,
            vault.DEPOSIT_GAS_LIMIT(),
            abi.encodeCall(IL2Bridge.finalizeDeposit, (address(token), USER, BOB, 300e18))
        );
        vault.reclaimDeposit(CHAIN_ID, op);
        assertEq(token.balanceOf(USER), 300e18);
    }

    function test_ReclaimDeposit_AnyoneMaySubmitForTheRecipient() public {
        freeze(queue);
        vm.prank(STRANGER);
        vault.reclaimDeposit(CHAIN_ID, ethOp);
        assertEq(USER.balance, 2 ether);
        assertEq(STRANGER.balance, 0);
    }

    function test_ReclaimDeposit_AllUnconsumed() public {
        freeze(queue);
        vault.reclaimDeposit(CHAIN_ID, feeOp);
        vault.reclaimDeposit(CHAIN_ID, ethOp);
        vault.reclaimDeposit(CHAIN_ID, callOp);
        vault.reclaimDeposit(CHAIN_ID, tokenOp);
        // Only the consumed deposit's ether stays (it lives on in the chain's last executed state).
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 5 ether);
        assertEq(address(vault).balance, 5 ether);
    }

    function test_ReclaimDeposit_DirectRequestReleasesNothing() public {
        uint64 index = enqueueFrom(queue, ALICE, BOB, 0, DEFAULT_GAS_LIMIT, hex"abcd");
        freeze(queue);
        PriorityOp memory op = requestOp(queue, index, ALICE, ALICE, BOB, 0, 0, DEFAULT_GAS_LIMIT, hex"abcd");
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.DepositReclaimed(CHAIN_ID, index, ALICE, 0, address(0), 0);
        vault.reclaimDeposit(CHAIN_ID, op);
        assertEq(ALICE.balance, 0);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 8 ether);
    }

    function test_ReclaimDeposit_ForgedBridgeCallReleasesNoTokens() public {
        // A user's own request that looks like a finalizeDeposit (but is not sent by the vault's alias).
        bytes memory data = abi.encodeCall(IL2Bridge.finalizeDeposit, (address(token), ALICE, ALICE, 300e18));
        uint64 index = enqueueFrom(queue, ALICE, FractalConstants.L2_BRIDGE, 0, DEFAULT_GAS_LIMIT, data);
        freeze(queue);
        PriorityOp memory op =
            requestOp(queue, index, ALICE, ALICE, FractalConstants.L2_BRIDGE, 0, 0, DEFAULT_GAS_LIMIT, data);
        vault.reclaimDeposit(CHAIN_ID, op);
        assertEq(token.balanceOf(ALICE), 0);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 300e18);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_DepositConsumed() public {
        freeze(queue);
        vm.expectRevert(abi.encodeWithSelector(VaultDepositConsumed.selector, CHAIN_ID, 0, 1));
        vault.reclaimDeposit(CHAIN_ID, consumedEth);
    }

    function test_RevertWhen_ReclaimedTwice() public {
        freeze(queue);
        vault.reclaimDeposit(CHAIN_ID, tokenOp);
        vm.expectRevert(abi.encodeWithSelector(VaultDepositAlreadyReclaimed.selector, CHAIN_ID, 2));
        vault.reclaimDeposit(CHAIN_ID, tokenOp);
    }

    function test_RevertWhen_OpTampered() public {
        freeze(queue);
        PriorityOp memory op = ethOp;
        op.mint = 3 ether;
        vm.expectRevert(abi.encodeWithSelector(VaultUnknownRequest.selector, CHAIN_ID, 1));
        vault.reclaimDeposit(CHAIN_ID, op);

        op = ethOp;
        op.refundRecipient = STRANGER;
        vm.expectRevert(abi.encodeWithSelector(VaultUnknownRequest.selector, CHAIN_ID, 1));
        vault.reclaimDeposit(CHAIN_ID, op);

        op = tokenOp;
        op.data = abi.encodeCall(IL2Bridge.finalizeDeposit, (address(token), USER, BOB, 3000e18));
        vm.expectRevert(abi.encodeWithSelector(VaultUnknownRequest.selector, CHAIN_ID, 2));
        vault.reclaimDeposit(CHAIN_ID, op);

        op = tokenOp;
        op.index = 1;
        vm.expectRevert(abi.encodeWithSelector(VaultUnknownRequest.selector, CHAIN_ID, 1));
        vault.reclaimDeposit(CHAIN_ID, op);
    }

    function test_RevertWhen_OpIndexBeyondQueue() public {
        freeze(queue);
        PriorityOp memory op = ethOp;
        op.index = 99;
        vm.expectRevert(abi.encodeWithSelector(VaultUnknownRequest.selector, CHAIN_ID, 99));
        vault.reclaimDeposit(CHAIN_ID, op);
    }

    function test_RevertWhen_OpOfAnotherChain() public {
        vm.recordLogs();
        depositEth(OTHER_ID, USER, ALICE, 1 ether);
        PriorityOp memory otherOp = requestedOp(vm.getRecordedLogs(), address(otherQueue));
        freeze(queue);
        vm.expectRevert(abi.encodeWithSelector(VaultUnknownRequest.selector, CHAIN_ID, 0));
        vault.reclaimDeposit(CHAIN_ID, otherOp);
    }

    function test_RevertWhen_ChainNotFrozen() public {
        vm.expectRevert(abi.encodeWithSelector(VaultChainNotFrozen.selector, CHAIN_ID));
        vault.reclaimDeposit(CHAIN_ID, ethOp);
        // Another chain's freeze does not open this one.
        freeze(otherQueue);
        vm.expectRevert(abi.encodeWithSelector(VaultChainNotFrozen.selector, CHAIN_ID));
        vault.reclaimDeposit(CHAIN_ID, ethOp);
    }

    function test_RevertWhen_ChainUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.reclaimDeposit(999, ethOp);
    }

    function test_RevertWhen_RefundRecipientRejectsEther() public {
        RevertingReceiver depositor = new RevertingReceiver();
        vm.deal(address(depositor), 1 ether);
        vm.recordLogs();
        vm.prank(address(depositor));
        vault.depositEth{value: 1 ether}(CHAIN_ID, ALICE);
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        freeze(queue);
        vm.expectRevert(abi.encodeWithSelector(VaultEthTransferFailed.selector, address(depositor), 1 ether));
        vault.reclaimDeposit(CHAIN_ID, op);
        assertFalse(vault.isReclaimed(CHAIN_ID, op.index));
    }
}
