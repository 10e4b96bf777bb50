// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {PubdataEvaluationNotInField} from "../../../src/da/DAErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `Settlement.proveBatches`: proofs are checked against public inputs computed from the
/// committed header, in order.
contract SettlementProveTest is Fixture {
    uint256 private constant R = FractalConstants.FIELD_MODULUS;

    function _prove(BatchHeader memory h, bytes memory proof, bytes memory err) private {
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proof;
        vm.prank(OPERATOR);
        vm.expectRevert(err);
        settlement.proveBatches(headers, proofs);
    }

    function test_ProveBatch() public {
        BatchHeader memory h = commitNext(1);
        bytes memory proof = proofFor(h);
        // The development proof is keccak256 of the ABI-encoded public inputs.
        assertEq(proof, abi.encode(keccak256(abi.encode(settlement.publicInputs(h)))));

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.BatchProven(1, expectedBatchHash(h));
        proveBatch(settlement, h, proof);

        assertEq(settlement.totalBatchesProven(), 1);
        assertEq(settlement.totalBatchesExecuted(), 0);
    }

    function test_ProveSeveralBatchesInOneCall() public {
        BatchHeader[] memory headers = new BatchHeader[](3);
        bytes[] memory proofs = new bytes[](3);
        for (uint256 i = 0; i < 3; ++i) {
            headers[i] = commitNext(i + 1);
            proofs[i] = proofFor(headers[i]);
        }
        for (uint256 i = 0; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(settlement));
            emit ISettlement.BatchProven(uint64(i + 1), expectedBatchHash(headers[i]));
        }
        vm.prank(OPERATOR);
        settlement.proveBatches(headers, proofs);
        assertEq(settlement.totalBatchesProven(), 3);
    }

    function test_ProveLeavesLaterCommittedBatchesUnproven() public {
        BatchHeader memory h1 = commitNext(1);
        commitNext(2);
        proveBatch(h1);
        assertEq(settlement.totalBatchesCommitted(), 2);
        assertEq(settlement.totalBatchesProven(), 1);
    }

    function test_PublicInputsComputedFromHeaderAndChainId() public view {
        BatchHeader memory h = buildNextHeader(1);
        uint256[] memory pi = settlement.publicInputs(h);
        assertEq(pi.length, 17);
        assertEq(pi[0], 2);
        assertEq(pi[1], CHAIN_ID);
        assertEq(pi[2], 1);
        assertEq(pi[3], uint256(GENESIS_STATE_ROOT));
        assertEq(pi[14], uint256(h.writesEvaluation));
        assertEq(pi[15], uint256(h.rowCommitment));
        assertEq(pi[16], h.writesLength);
    }

    function test_RevertWhen_PublicInputsOfARowCommitmentOutsideTheField() public {
        BatchHeader memory h = buildNextHeader(1);
        h.rowCommitment = bytes32(R);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, R));
        settlement.publicInputs(h);
    }

    // ------------------------------------------------------------------ errors

    function test_RevertWhen_ProofTampered() public {
        BatchHeader memory h = commitNext(1);
        bytes memory proof = proofFor(h);
        proof[31] ^= 0x01;
        _prove(h, proof, abi.encodeWithSelector(SettlementInvalidProof.selector, 1));
    }

    function test_RevertWhen_ProofWrongLength() public {
        BatchHeader memory h = commitNext(1);
        bytes memory proof = abi.encodePacked(proofFor(h), uint8(0));
        _prove(h, proof, abi.encodeWithSelector(SettlementInvalidProof.selector, 1));
        _prove(h, "", abi.encodeWithSelector(SettlementInvalidProof.selector, 1));
    }

    function test_RevertWhen_ProofOfAnotherBatch() public {
        BatchHeader memory h1 = commitNext(1);
        BatchHeader memory h2 = commitNext(2);
        proveBatch(h1);
        _prove(h2, proofFor(h1), abi.encodeWithSelector(SettlementInvalidProof.selector, 2));
    }

    function test_RevertWhen_ProofOfSameHeaderOnAnotherChain() public {
        // A second chain with the same genesis commits the very same header; a proof accepted by one
        // chain is rejected by the other, because the chain id is a public input.
        (Settlement other,) = registerChain("other", CHAIN_ID + 1, GENESIS_STATE_ROOT);
        BatchHeader memory h = commitNext(1);
        commitBatch(other, h, pubdataFor(1));
        assertEq(other.batchHash(1), settlement.batchHash(1));

        bytes memory proofHere = proofFor(h);
        bytes memory proofThere = proofFor(other, h);
        assertTrue(keccak256(proofHere) != keccak256(proofThere));
        _prove(h, proofThere, abi.encodeWithSelector(SettlementInvalidProof.selector, 1));
        proveBatch(other, h, proofThere);
        proveBatch(settlement, h, proofHere);
        assertEq(settlement.totalBatchesProven(), 1);
        assertEq(other.totalBatchesProven(), 1);
    }

    function test_RevertWhen_HeaderTampered() public {
        BatchHeader memory h = commitNext(1);
        bytes32 stored = settlement.batchHash(1);
        BatchHeader memory tampered = copyHeader(h);
        tampered.newStateRoot = fieldElement(12345);
        // A proof valid for the tampered header does not help: the hash check comes first.
        bytes memory proof = proofFor(tampered);
        _prove(
            tampered,
            proof,
            abi.encodeWithSelector(
                SettlementBatchHashMismatch.selector, 1, stored, expectedBatchHash(tampered)
            )
        );
    }

    function test_RevertWhen_NotCommitted() public {
        BatchHeader memory h = buildNextHeader(1);
        bytes memory proof = proofFor(h);
        _prove(h, proof, abi.encodeWithSelector(SettlementBatchNotCommitted.selector, 1));
    }

    function test_RevertWhen_OutOfOrder() public {
        commitNext(1);
        BatchHeader memory h2 = commitNext(2);
        bytes memory proof = proofFor(h2);
        _prove(h2, proof, abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 1, 2));
    }

    function test_RevertWhen_AlreadyProven() public {
        BatchHeader memory h = commitNext(1);
        bytes memory proof = proofFor(h);
        proveBatch(settlement, h, proof);
        _prove(h, proof, abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 2, 1));
    }

    function test_RevertWhen_CallerNotOperator() public {
        BatchHeader memory h = commitNext(1);
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proofFor(h);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotOperator.selector, STRANGER));
        settlement.proveBatches(headers, proofs);
    }

    function test_RevertWhen_NoBatches() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementNoBatches.selector));
        settlement.proveBatches(new BatchHeader[](0), new bytes[](0));
    }

    function test_RevertWhen_LengthMismatch() public {
        BatchHeader[] memory headers = new BatchHeader[](2);
        headers[0] = commitNext(1);
        headers[1] = commitNext(2);
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proofFor(headers[0]);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementLengthMismatch.selector, 2, 1));
        settlement.proveBatches(headers, proofs);
    }

    function test_RevertWhen_SecondProofBad_NothingIsProven() public {
        BatchHeader[] memory headers = new BatchHeader[](2);
        headers[0] = commitNext(1);
        headers[1] = commitNext(2);
        bytes[] memory proofs = new bytes[](2);
        proofs[0] = proofFor(headers[0]);
        proofs[1] = proofFor(headers[0]);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementInvalidProof.selector, 2));
        settlement.proveBatches(headers, proofs);
        assertEq(settlement.totalBatchesProven(), 0);
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Any change to any header field is caught by the hash check; any change to the proof by the
    /// verifier.
    function testFuzz_RevertWhen_AnythingTampered(uint8 field, uint256 value, uint8 proofByte) public {
        BatchHeader memory h = commitNext(1);
        BatchHeader memory t = copyHeader(h);
        uint256 which = bound(field, 0, 13);
        if (which == 0) t.batchNumber = uint64(value);
        else if (which == 1) t.timestamp = uint64(value);
        else if (which == 2) t.priorityOpsCount = uint64(value);
        else if (which == 3) t.prevStateRoot = bytes32(value);
        else if (which == 4) t.newStateRoot = bytes32(value);
        else if (which == 5) t.pubdataCommitment = bytes32(value);
        else if (which == 6) t.messageRoot = bytes32(value);
        else if (which == 7) t.priorityOpsHash = bytes32(value);
        else if (which == 8) t.childRootsAggregated = bytes32(value);
        else if (which == 9) t.importedRootsHash = bytes32(value);
        else if (which == 10) t.rowCommitment = bytes32(value);
        else if (which == 11) t.writesEvaluation = bytes32(value);
        else if (which == 12) t.writesLength = uint32(value);

        if (which == 13) {
            bytes memory proof = proofFor(h);
            proof[bound(proofByte, 0, 31)] ^= bytes1(uint8(bound(value, 1, 255)));
            _prove(h, proof, abi.encodeWithSelector(SettlementInvalidProof.selector, 1));
            return;
        }
        bytes32 tHash = expectedBatchHash(t);
        vm.assume(tHash != expectedBatchHash(h));
        // A row commitment outside the field has no public input (the hash check refuses it first).
        bytes memory tProof = uint256(t.rowCommitment) < R ? proofFor(t) : proofFor(h);
        if (t.batchNumber != 1) {
            _prove(
                t, tProof, abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 1, t.batchNumber)
            );
        } else {
            _prove(
                t,
                tProof,
                abi.encodeWithSelector(SettlementBatchHashMismatch.selector, 1, expectedBatchHash(h), tHash)
            );
        }
    }
}
