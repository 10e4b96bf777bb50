// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BridgeVault} from "../../../src/bridge/BridgeVault.sol";
import {VaultChainFrozen, VaultZeroAddress, VaultZeroAmount} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {RegistryUnknownChain} from "../../../src/registry/RegistryErrors.sol";
import {IPriorityQueue, PriorityOp} from "../../../src/settlement/IPriorityQueue.sol";
import {QueueMintTooLarge} from "../../../src/settlement/SettlementErrors.sol";
import {Vm} from "../../utils/Test.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice BridgeVault.depositEth: custody, per-chain credit, and the minting request it enqueues.
contract DepositEthTest is VaultBase {
    function test_DepositEth_LocksAndCreditsChain() public {
        uint64 index = depositEth(CHAIN_ID, USER, ALICE, 3 ether);
        assertEq(uint256(index), 0);
        assertEq(address(vault).balance, 3 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 3 ether);
        assertEq(vault.chainBalance(OTHER_ID, ETH), 0);
        assertEq(uint256(queue.length()), 1);
        assertEq(USER.balance, 0);
    }

    function test_DepositEth_EnqueuesMintingRequest() public {
        vm.recordLogs();
        depositEth(CHAIN_ID, USER, ALICE, 3 ether);
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        assertEq(uint256(op.index), 0);
        assertEq(op.l2Sender, USER);
        assertEq(op.target, ALICE);
        assertEq(op.mint, 3 ether);
        assertEq(op.l2Value, 3 ether);
        assertEq(op.gasLimit, vault.DEPOSIT_GAS_LIMIT());
        assertEq(op.refundRecipient, USER);
        assertEq(uint256(op.deadline), block.timestamp + PRIORITY_TX_MAX_DELAY);
        assertEq(op.data, "");
        assertTrue(queue.isRequest(op));
    }

    function test_DepositEth_EmitsEvents() public {
        PriorityOp memory op = PriorityOp({
            index: 0,
            l2Sender: USER,
            target: ALICE,
            mint: 1 ether,
            l2Value: 1 ether,
            gasLimit: vault.DEPOSIT_GAS_LIMIT(),
            refundRecipient: USER,
            deadline: uint64(block.timestamp) + PRIORITY_TX_MAX_DELAY,
            data: ""
        });
        bytes32 opHash = expectedOpHash(CHAIN_ID, op);
        vm.deal(USER, 1 ether);
        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.TransactionRequested(CHAIN_ID, 0, opHash, nextRollingHash(bytes32(0), opHash), op);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.EthDeposited(CHAIN_ID, 0, USER, ALICE, 1 ether);
        vm.prank(USER, USER);
        vault.depositEth{value: 1 ether}(CHAIN_ID, ALICE);
    }

    function test_DepositEth_ContractCallerIsAliased() public {
        // This test contract is not the transaction's origin: it is a contract caller.
        vm.deal(address(this), 1 ether);
        vm.recordLogs();
        vault.depositEth{value: 1 ether}(CHAIN_ID, ALICE);
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        assertEq(op.l2Sender, aliasOf(address(this)));
        assertEq(op.refundRecipient, address(this));
    }

    function test_DepositEth_IndicesFollowTheQueue() public {
        assertEq(uint256(depositEth(CHAIN_ID, USER, ALICE, 1)), 0);
        assertEq(uint256(depositEth(CHAIN_ID, USER, BOB, 2)), 1);
        assertEq(uint256(depositEth(OTHER_ID, USER, BOB, 3)), 0);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 3);
        assertEq(vault.chainBalance(OTHER_ID, ETH), 3);
    }

    function test_DepositEth_AcceptsMaxMint() public {
        depositEth(CHAIN_ID, USER, ALICE, type(uint96).max);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), type(uint96).max);
    }

    function testFuzz_DepositEth_CreditsChain(uint96 a, uint96 b) public {
        vm.assume(a != 0 && b != 0);
        depositEth(CHAIN_ID, USER, ALICE, a);
        depositEth(CHAIN_ID, BOB, ALICE, b);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), uint256(a) + b);
        assertEq(address(vault).balance, uint256(a) + b);
    }

    function test_RevertWhen_DepositEthZeroAmount() public {
        vm.prank(USER, USER);
        vm.expectRevert(VaultZeroAmount.selector);
        vault.depositEth(CHAIN_ID, ALICE);
    }

    function test_RevertWhen_DepositEthToZeroAddress() public {
        vm.deal(USER, 1 ether);
        vm.prank(USER, USER);
        vm.expectRevert(VaultZeroAddress.selector);
        vault.depositEth{value: 1 ether}(CHAIN_ID, address(0));
    }

    function test_RevertWhen_DepositEthUnknownChain() public {
        vm.deal(USER, 1 ether);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.depositEth{value: 1 ether}(999, ALICE);
    }

    function test_RevertWhen_DepositEthChainFrozen() public {
        freeze(queue);
        vm.deal(USER, 1 ether);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(VaultChainFrozen.selector, CHAIN_ID));
        vault.depositEth{value: 1 ether}(CHAIN_ID, ALICE);
        // The other chain still takes deposits.
        depositEth(OTHER_ID, USER, ALICE, 1 ether);
    }

    function test_RevertWhen_DepositEthAboveQueueMint() public {
        uint256 amount = uint256(type(uint96).max) + 1;
        vm.deal(USER, amount);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueMintTooLarge.selector, amount));
        vault.depositEth{value: amount}(CHAIN_ID, ALICE);
    }

    function test_RevertWhen_VaultConstructedWithZeroRegistry() public {
        vm.expectRevert(VaultZeroAddress.selector);
        new BridgeVault(IChainRegistry(address(0)));
    }
}
