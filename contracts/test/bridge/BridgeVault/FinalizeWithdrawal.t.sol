// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {
    VaultBatchNotExecuted,
    VaultEthTransferFailed,
    VaultInsufficientChainBalance,
    VaultInvalidMessageProof,
    VaultMalformedPayload,
    VaultNotAWithdrawal,
    VaultWithdrawalAlreadyFinalized
} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {RegistryUnknownChain} from "../../../src/registry/RegistryErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {MessageTree} from "../../common/MessageTree.sol";
import {ReentrantReceiver, RevertingReceiver} from "../mocks/EthReceivers.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice BridgeVault.finalizeWithdrawal against real message trees in batches executed through the
/// real Settlement.
contract FinalizeWithdrawalTest is VaultBase {
    using MessageTree for MessageTree.Tree;

    /// @dev Batch 1 of `base`: three withdrawals, proofs at indices 0..2.
    uint64 internal batch;
    Hashing.Message[] internal messages;
    uint256[][] internal proofs;
    uint256 internal root;

    function setUp() public override {
        super.setUp();
        depositEth(CHAIN_ID, USER, USER, 10 ether);
        depositToken(CHAIN_ID, address(token), USER, USER, 1000e18);
        depositEth(OTHER_ID, USER, USER, 50 ether);

        messages.push(withdrawal(CHAIN_ID, 0, ETH, ALICE, 3 ether));
        messages.push(withdrawal(CHAIN_ID, 1, address(token), BOB, 400e18));
        messages.push(withdrawal(CHAIN_ID, 2, ETH, BOB, 1 ether));
        MessageTree.Tree memory tree;
        (batch, tree) = executeWithdrawals(CHAIN_ID, messages);
        root = tree.root();
        for (uint256 i = 0; i < messages.length; ++i) {
            proofs.push(tree.proof(i));
        }
    }

    function _finalize(uint256 i) internal {
        vault.finalizeWithdrawal(CHAIN_ID, batch, i, messages[i], proofs[i]);
    }

    // ---------------------------------------------------------------- success

    function test_FinalizeWithdrawal_BatchCarriesTheTreeRoot() public view {
        assertEq(uint256(batch), 1);
        assertEq(settlement.messageRoot(batch), bytes32(root));
        assertEq(uint256(queue.head()), 2);
    }

    function test_FinalizeWithdrawal_ReleasesEth() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.WithdrawalFinalized(CHAIN_ID, batch, 0, ETH, ALICE, 3 ether);
        _finalize(0);
        assertEq(ALICE.balance, 3 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 7 ether);
        assertEq(address(vault).balance, 57 ether);
        assertTrue(vault.isWithdrawalFinalized(CHAIN_ID, 0));
        assertFalse(vault.isWithdrawalFinalized(CHAIN_ID, 2));
        assertEq(vault.chainBalance(OTHER_ID, ETH), 50 ether);
    }

    function test_FinalizeWithdrawal_ReleasesToken() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.WithdrawalFinalized(CHAIN_ID, batch, 1, address(token), BOB, 400e18);
        _finalize(1);
        assertEq(token.balanceOf(BOB), 400e18);
        assertEq(token.balanceOf(address(vault)), 600e18);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 600e18);
    }

    function test_FinalizeWithdrawal_EveryMessageOfTheBatchInAnyOrder() public {
        _finalize(2);
        _finalize(0);
        _finalize(1);
        assertEq(ALICE.balance, 3 ether);
        assertEq(BOB.balance, 1 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 6 ether);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 600e18);
    }

    function test_FinalizeWithdrawal_AnyoneMaySubmit() public {
        vm.prank(STRANGER);
        _finalize(0);
        assertEq(ALICE.balance, 3 ether);
        assertEq(STRANGER.balance, 0);
    }

    function test_FinalizeWithdrawal_FromLaterBatch() public {
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, ETH, ALICE, 2 ether);
        (uint64 later, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        assertEq(uint256(later), 2);
        vault.finalizeWithdrawal(CHAIN_ID, later, 0, m, proof);
        _finalize(0);
        assertEq(ALICE.balance, 5 ether);
    }

    function test_FinalizeWithdrawal_OtherChainIndependently() public {
        Hashing.Message memory m = withdrawal(OTHER_ID, 0, ETH, ALICE, 50 ether);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(OTHER_ID, m);
        vault.finalizeWithdrawal(OTHER_ID, b, 0, m, proof);
        // Nonce 0 of `other` does not finalize nonce 0 of `base`.
        assertTrue(vault.isWithdrawalFinalized(OTHER_ID, 0));
        assertFalse(vault.isWithdrawalFinalized(CHAIN_ID, 0));
        _finalize(0);
        assertEq(ALICE.balance, 53 ether);
        assertEq(vault.chainBalance(OTHER_ID, ETH), 0);
    }

    function test_FinalizeWithdrawal_AfterChainFrozen() public {
        // Executed batches stay final: their withdrawals are still released once the chain is frozen.
        freeze(queue);
        _finalize(0);
        assertEq(ALICE.balance, 3 ether);
    }

    function test_FinalizeWithdrawal_FeeOnTransferToken() public {
        depositToken(CHAIN_ID, address(feeToken), USER, USER, 1000e18);
        uint256 held = vault.chainBalance(CHAIN_ID, address(feeToken));
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, address(feeToken), BOB, held);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
        assertEq(vault.chainBalance(CHAIN_ID, address(feeToken)), 0);
        assertEq(feeToken.balanceOf(address(vault)), 0);
        assertEq(feeToken.balanceOf(BOB), held - feeToken.feeOf(held));
    }

    // ---------------------------------------------------------------- replay

    function test_RevertWhen_WithdrawalReplayed() public {
        _finalize(0);
        vm.expectRevert(abi.encodeWithSelector(VaultWithdrawalAlreadyFinalized.selector, CHAIN_ID, 0));
        _finalize(0);
    }

    function test_RevertWhen_NonceReplayedInLaterBatch() public {
        _finalize(1);
        // The same nonce carried again by another executed batch (another payload) is still spent.
        Hashing.Message memory m = withdrawal(CHAIN_ID, 1, address(token), ALICE, 1e18);
        (uint64 later, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        vm.expectRevert(abi.encodeWithSelector(VaultWithdrawalAlreadyFinalized.selector, CHAIN_ID, 1));
        vault.finalizeWithdrawal(CHAIN_ID, later, 0, m, proof);
    }

    // ---------------------------------------------------------------- proofs

    function test_RevertWhen_SiblingWrong() public {
        uint256[] memory bad = proofs[0];
        bad[3] ^= 1;
        uint256 computed = Hashing.merkleRoot(Hashing.messageLeaf(messages[0]), 0, bad);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, batch, bytes32(root), bytes32(computed)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, batch, 0, messages[0], bad);
    }

    function test_RevertWhen_LeafIndexWrong() public {
        uint256 computed = Hashing.merkleRoot(Hashing.messageLeaf(messages[0]), 1, proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, batch, bytes32(root), bytes32(computed)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, batch, 1, messages[0], proofs[0]);
    }

    function test_RevertWhen_AmountTampered() public {
        Hashing.Message memory m = messages[0];
        m.payload = abi.encode(ETH, ALICE, 4 ether);
        uint256 computed = Hashing.merkleRoot(Hashing.messageLeaf(m), 0, proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, batch, bytes32(root), bytes32(computed)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, batch, 0, m, proofs[0]);
    }

    function test_RevertWhen_ProofLengthWrong() public {
        uint256[] memory short = new uint256[](9);
        for (uint256 i = 0; i < 9; ++i) {
            short[i] = proofs[0][i];
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, batch, bytes32(root), bytes32(0)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, batch, 0, messages[0], short);
    }

    function test_RevertWhen_LeafIndexOutOfRange() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, batch, bytes32(root), bytes32(0)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, batch, 1024, messages[0], proofs[0]);
    }

    function test_RevertWhen_ProvenAgainstAnotherBatch() public {
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, ETH, ALICE, 1 ether);
        (uint64 later,) = executeWithdrawal(CHAIN_ID, m);
        uint256 computed = Hashing.merkleRoot(Hashing.messageLeaf(messages[0]), 0, proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector,
                CHAIN_ID,
                later,
                settlement.messageRoot(later),
                bytes32(computed)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, later, 0, messages[0], proofs[0]);
    }

    function test_RevertWhen_MessageRootZeroAndProofMalformed() public {
        // A batch executed with a zero message root must not accept the library's "invalid proof" value
        // (zero, returned for a wrong-length proof or an out-of-range index) as a match.
        BatchHeader memory h = executeNext(settlement, bytes32(0));
        Hashing.Message memory forged = withdrawal(CHAIN_ID, 9, ETH, STRANGER, 10 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, h.batchNumber, bytes32(0), bytes32(0)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, h.batchNumber, 0, forged, new uint256[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, CHAIN_ID, h.batchNumber, bytes32(0), bytes32(0)
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, h.batchNumber, 1 << 10, forged, new uint256[](10));
        assertEq(STRANGER.balance, 0);
    }

    // ---------------------------------------------------------------- batches

    function test_RevertWhen_BatchNotExecuted() public {
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, ETH, ALICE, 1 ether);
        MessageTree.Tree memory tree = treeOf(one(m));
        BatchHeader memory h =
            commitNext(settlement, pubdataFor(77), fieldElement(77), bytes32(tree.root()), 2);
        proveBatch(h);
        vm.expectRevert(
            abi.encodeWithSelector(VaultBatchNotExecuted.selector, CHAIN_ID, h.batchNumber, batch)
        );
        vault.finalizeWithdrawal(CHAIN_ID, h.batchNumber, 0, m, tree.proof(0));
        executeBatch(h);
        vault.finalizeWithdrawal(CHAIN_ID, h.batchNumber, 0, m, tree.proof(0));
    }

    function test_RevertWhen_BatchZero() public {
        vm.expectRevert(abi.encodeWithSelector(VaultBatchNotExecuted.selector, CHAIN_ID, 0, batch));
        vault.finalizeWithdrawal(CHAIN_ID, 0, 0, messages[0], proofs[0]);
    }

    function test_RevertWhen_BatchBeyondExecuted() public {
        vm.expectRevert(
            abi.encodeWithSelector(VaultBatchNotExecuted.selector, CHAIN_ID, type(uint64).max, batch)
        );
        vault.finalizeWithdrawal(CHAIN_ID, type(uint64).max, 0, messages[0], proofs[0]);
    }

    // ---------------------------------------------------------------- not a withdrawal

    function test_RevertWhen_SenderNotL2Bridge() public {
        Hashing.Message memory m = messages[0];
        m.sender = FractalConstants.L2_OUTBOX;
        vm.expectRevert(abi.encodeWithSelector(VaultNotAWithdrawal.selector, CHAIN_ID, 0));
        vault.finalizeWithdrawal(CHAIN_ID, batch, 0, m, proofs[0]);
    }

    function test_RevertWhen_RecipientNotVault() public {
        Hashing.Message memory m = messages[0];
        m.recipient = ALICE;
        vm.expectRevert(abi.encodeWithSelector(VaultNotAWithdrawal.selector, CHAIN_ID, 0));
        vault.finalizeWithdrawal(CHAIN_ID, batch, 0, m, proofs[0]);
    }

    function test_RevertWhen_DestinationNotThisChain() public {
        Hashing.Message memory m = messages[0];
        m.destinationChainId = uint64(OTHER_ID);
        vm.expectRevert(abi.encodeWithSelector(VaultNotAWithdrawal.selector, CHAIN_ID, 0));
        vault.finalizeWithdrawal(CHAIN_ID, batch, 0, m, proofs[0]);
    }

    function test_RevertWhen_SourceNotTheChain() public {
        // A message of `base` presented as one of `other`.
        vm.expectRevert(abi.encodeWithSelector(VaultNotAWithdrawal.selector, OTHER_ID, 0));
        vault.finalizeWithdrawal(OTHER_ID, batch, 0, messages[0], proofs[0]);
    }

    function test_RevertWhen_ProvenInAnotherChainsBatch() public {
        // A valid message of `base`, relabelled as `other`'s and proven against `base`'s tree, fails.
        Hashing.Message memory m = messages[0];
        m.sourceChainId = uint64(OTHER_ID);
        executeNext(otherSettlement, bytes32(root));
        uint256 computed = Hashing.merkleRoot(Hashing.messageLeaf(m), 0, proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidMessageProof.selector, OTHER_ID, 1, bytes32(root), bytes32(computed)
            )
        );
        vault.finalizeWithdrawal(OTHER_ID, 1, 0, m, proofs[0]);
    }

    function test_RevertWhen_ChainUnknown() public {
        Hashing.Message memory m = withdrawal(999, 0, ETH, ALICE, 1);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.finalizeWithdrawal(999, 1, 0, m, proofs[0]);
    }

    // ---------------------------------------------------------------- payloads

    function test_RevertWhen_PayloadMalformed() public {
        bytes[4] memory payloads = [
            bytes(""),
            abi.encode(ETH, ALICE),
            abi.encode(ETH, ALICE, 1, 2),
            abi.encodePacked(ETH, ALICE, uint256(1))
        ];
        for (uint256 i = 0; i < payloads.length; ++i) {
            Hashing.Message memory m = withdrawal(CHAIN_ID, uint64(10 + i), ETH, ALICE, 1);
            m.payload = payloads[i];
            (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
            vm.expectRevert(abi.encodeWithSelector(VaultMalformedPayload.selector, payloads[i].length));
            vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
        }
    }

    function test_RevertWhen_PayloadAddressNotClean() public {
        // 96 bytes, but the token word has bits above 160: not abi.encode(address, address, uint256).
        Hashing.Message memory m = withdrawal(CHAIN_ID, 10, ETH, ALICE, 1);
        m.payload = abi.encode(uint256(1) << 160, ALICE, 1);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        vm.expectRevert(abi.encodeWithSelector(VaultMalformedPayload.selector, 96));
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
        m.payload = abi.encode(ETH, type(uint256).max, 1);
        (b, proof) = executeWithdrawal(CHAIN_ID, m);
        vm.expectRevert(abi.encodeWithSelector(VaultMalformedPayload.selector, 96));
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
    }

    // ---------------------------------------------------------------- balances and transfers

    function test_RevertWhen_AmountAboveChainBalance() public {
        // `base` holds 10 ether; `other` holds 50 that must not back it.
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, ETH, ALICE, 11 ether);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        vm.expectRevert(
            abi.encodeWithSelector(VaultInsufficientChainBalance.selector, CHAIN_ID, ETH, 10 ether, 11 ether)
        );
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
        assertFalse(vault.isWithdrawalFinalized(CHAIN_ID, 3));
    }

    function test_RevertWhen_TokenAmountAboveChainBalance() public {
        _finalize(1);
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, address(token), ALICE, 600e18 + 1);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInsufficientChainBalance.selector, CHAIN_ID, address(token), 600e18, 600e18 + 1
            )
        );
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
    }

    function test_RevertWhen_EthReceiverReverts() public {
        RevertingReceiver receiver = new RevertingReceiver();
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, ETH, address(receiver), 1 ether);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        vm.expectRevert(abi.encodeWithSelector(VaultEthTransferFailed.selector, address(receiver), 1 ether));
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
        assertFalse(vault.isWithdrawalFinalized(CHAIN_ID, 3));
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 10 ether);
    }

    function test_FinalizeWithdrawal_BlocksReentry() public {
        ReentrantReceiver receiver = new ReentrantReceiver(vault);
        Hashing.Message memory m = withdrawal(CHAIN_ID, 3, ETH, address(receiver), 1 ether);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);
        receiver.arm(CHAIN_ID, b, 0, m, proof);
        vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
        assertTrue(receiver.attempted());
        assertEq(
            receiver.reentryError(),
            abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector)
        );
        assertEq(address(receiver).balance, 1 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 9 ether);
    }
}
