// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {VaultChainFrozen} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {RegistryUnknownChain} from "../../../src/registry/RegistryErrors.sol";
import {PriorityOp} from "../../../src/settlement/IPriorityQueue.sol";
import {
    QueueDataTooLarge,
    QueueGasLimitOutOfRange,
    QueueMintTooLarge
} from "../../../src/settlement/SettlementErrors.sol";
import {Vm} from "../../utils/Test.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice BridgeVault.requestL2Transaction: any call on the child, minting the attached ether to the caller.
contract RequestL2TransactionTest is VaultBase {
    address internal constant TARGET = address(0x7A46E7);

    function test_RequestL2Transaction_WithValueCreditsChain() public {
        vm.deal(USER, 2 ether);
        vm.recordLogs();
        vm.prank(USER, USER);
        uint64 index =
            vault.requestL2Transaction{value: 2 ether}(CHAIN_ID, TARGET, 1 ether, 50_000, hex"c0ffee");
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        assertEq(uint256(index), 0);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 2 ether);
        assertEq(address(vault).balance, 2 ether);
        assertEq(op.l2Sender, USER);
        assertEq(op.target, TARGET);
        assertEq(op.mint, 2 ether);
        assertEq(op.l2Value, 1 ether);
        assertEq(op.gasLimit, 50_000);
        assertEq(op.refundRecipient, USER);
        assertEq(op.data, hex"c0ffee");
        assertTrue(queue.isRequest(op));
    }

    function test_RequestL2Transaction_EmitsEthDepositedToCaller() public {
        vm.deal(USER, 2 ether);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.EthDeposited(CHAIN_ID, 0, USER, USER, 2 ether);
        vm.prank(USER, USER);
        vault.requestL2Transaction{value: 2 ether}(CHAIN_ID, TARGET, 0, 50_000, "");
    }

    function test_RequestL2Transaction_WithoutValueMintsNothing() public {
        vm.recordLogs();
        vm.prank(USER, USER);
        vault.requestL2Transaction(CHAIN_ID, TARGET, 5, 50_000, "");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        PriorityOp memory op = requestedOp(logs, address(queue));
        assertEq(op.mint, 0);
        assertEq(op.l2Value, 5);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 0);
        for (uint256 i = 0; i < logs.length; ++i) {
            assertTrue(logs[i].emitter != address(vault), "no vault event without value");
        }
    }

    function test_RequestL2Transaction_ContractCallerIsAliased() public {
        vm.recordLogs();
        vault.requestL2Transaction(CHAIN_ID, TARGET, 0, 50_000, "");
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        assertEq(op.l2Sender, aliasOf(address(this)));
        assertEq(op.refundRecipient, address(this));
    }

    function testFuzz_RequestL2Transaction_CreditsOnlyItsChain(uint96 value, bool otherChain) public {
        uint256 chainId = otherChain ? OTHER_ID : CHAIN_ID;
        vm.deal(USER, value);
        vm.prank(USER, USER);
        vault.requestL2Transaction{value: value}(chainId, TARGET, 0, 50_000, "");
        assertEq(vault.chainBalance(chainId, ETH), value);
        assertEq(vault.chainBalance(otherChain ? CHAIN_ID : OTHER_ID, ETH), 0);
    }

    function test_RevertWhen_RequestL2TransactionChainFrozen() public {
        freeze(queue);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(VaultChainFrozen.selector, CHAIN_ID));
        vault.requestL2Transaction(CHAIN_ID, TARGET, 0, 50_000, "");
    }

    function test_RevertWhen_RequestL2TransactionUnknownChain() public {
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.requestL2Transaction(999, TARGET, 0, 50_000, "");
    }

    function test_RevertWhen_RequestL2TransactionGasLimitOutOfRange() public {
        vm.startPrank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, 20_999, 21_000, 1 << 24));
        vault.requestL2Transaction(CHAIN_ID, TARGET, 0, 20_999, "");
        vm.expectRevert(
            abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, (1 << 24) + 1, 21_000, 1 << 24)
        );
        vault.requestL2Transaction(CHAIN_ID, TARGET, 0, (1 << 24) + 1, "");
        vm.stopPrank();
    }

    function test_RevertWhen_RequestL2TransactionDataTooLarge() public {
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueDataTooLarge.selector, 120_001, 120_000));
        vault.requestL2Transaction(CHAIN_ID, TARGET, 0, 50_000, new bytes(120_001));
    }

    function test_RevertWhen_RequestL2TransactionMintTooLarge() public {
        uint256 value = uint256(type(uint96).max) + 1;
        vm.deal(USER, value);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueMintTooLarge.selector, value));
        vault.requestL2Transaction{value: value}(CHAIN_ID, TARGET, 0, 50_000, "");
    }
}
