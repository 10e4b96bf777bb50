// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {Groth16BatchVerifier} from "../../../src/settlement/Groth16BatchVerifier.sol";
import {Groth16Verifier} from "../../../src/settlement/Groth16Verifier.sol";
import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {BridgeVault} from "../../../src/bridge/BridgeVault.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice Real Groth16 proofs: `contracts/test/fixtures/groth16-batch.json` holds a sample batch (20
/// writes in two chunks, three messages) proven by the Rust prover (`fractal setup --fixture`, `make
/// setup`) with the key `Groth16Verifier.sol` was generated from. The verifier must accept it and reject
/// any change to the proof or to the public inputs; `Settlement` must accept it for the committed batch.
contract Groth16BatchVerifierTest is Fixture {
    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    Groth16Verifier internal chunkVerifier;
    Groth16BatchVerifier internal batchVerifier;
    bytes internal proof;
    uint256[] internal inputs;
    uint256 internal fixtureChainId;
    BatchHeader internal header;
    bytes internal pubdata;

    function setUp() public override {
        super.setUp();
        string memory json = vm.readFile("contracts/test/fixtures/groth16-batch.json");
        proof = vm.parseJsonBytes(json, ".proof");
        inputs = vm.parseJsonUintArray(json, ".publicInputs");
        fixtureChainId = vm.parseJsonUint(json, ".chainId");
        pubdata = vm.parseJsonBytes(json, ".pubdata");
        header = BatchHeader({
            batchNumber: uint64(vm.parseJsonUint(json, ".header.batchNumber")),
            timestamp: uint64(vm.parseJsonUint(json, ".header.timestamp")),
            priorityOpsCount: uint64(vm.parseJsonUint(json, ".header.priorityOpsCount")),
            prevStateRoot: vm.parseJsonBytes32(json, ".header.prevStateRoot"),
            newStateRoot: vm.parseJsonBytes32(json, ".header.newStateRoot"),
            pubdataCommitment: vm.parseJsonBytes32(json, ".header.pubdataCommitment"),
            messageRoot: vm.parseJsonBytes32(json, ".header.messageRoot"),
            priorityOpsHash: vm.parseJsonBytes32(json, ".header.priorityOpsHash"),
            childRootsAggregated: vm.parseJsonBytes32(json, ".header.childRootsAggregated"),
            importedRootsHash: vm.parseJsonBytes32(json, ".header.importedRootsHash")
        });
        chunkVerifier = new Groth16Verifier();
        batchVerifier = new Groth16BatchVerifier(address(chunkVerifier));
        assertEq(
            chunkVerifier.CIRCUIT_HASH(),
            vm.parseJsonBytes32(json, ".circuitHash"),
            "fixture made for another circuit: run make setup"
        );
    }

    function _decode(bytes memory p)
        private
        pure
        returns (uint256[] memory roots, uint256[8][] memory proofs)
    {
        return abi.decode(p, (uint256[], uint256[8][]));
    }

    function test_VerifiesTheRustProof() public view {
        assertEq(inputs.length, 13);
        (, uint256[8][] memory proofs) = _decode(proof);
        assertEq(proofs.length, 2, "the fixture is proven in two chunks");
        assertTrue(batchVerifier.verifyProof(proof, inputs));
    }

    function test_PublicInputsAreWhatSettlementComputes() public view {
        uint256[] memory computed = settlement.publicInputs(header);
        // The default chain of the fixture has the same id as the sample batch's chain.
        assertEq(fixtureChainId, CHAIN_ID);
        assertEq(computed.length, inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) {
            assertEq(computed[i], inputs[i]);
        }
    }

    function test_RejectsEveryTamperedPublicInput() public view {
        for (uint256 i = 0; i < inputs.length; ++i) {
            uint256[] memory tampered = inputs;
            tampered[i] = (inputs[i] + 1) % R;
            assertFalse(batchVerifier.verifyProof(proof, tampered));
        }
    }

    function testFuzz_RejectsAnyOtherPublicInput(uint256 index, uint256 value) public view {
        index = bound(index, 0, inputs.length - 1);
        vm.assume(value != inputs[index]);
        uint256[] memory tampered = inputs;
        tampered[index] = value;
        assertFalse(batchVerifier.verifyProof(proof, tampered));
    }

    function test_RejectsTamperedProofs() public view {
        (uint256[] memory roots, uint256[8][] memory proofs) = _decode(proof);
        for (uint256 c = 0; c < proofs.length; ++c) {
            for (uint256 k = 0; k < 8; ++k) {
                uint256[8][] memory bad = abi.decode(abi.encode(proofs), (uint256[8][]));
                bad[c][k] = bad[c][k] ^ 1;
                assertFalse(batchVerifier.verifyProof(abi.encode(roots, bad), inputs));
            }
        }
        // The chunks swapped.
        uint256[8][] memory swapped = new uint256[8][](2);
        swapped[0] = proofs[1];
        swapped[1] = proofs[0];
        assertFalse(batchVerifier.verifyProof(abi.encode(roots, swapped), inputs));
    }

    function testFuzz_RejectsAnyOtherIntermediateRoot(uint256 root) public view {
        (uint256[] memory roots, uint256[8][] memory proofs) = _decode(proof);
        vm.assume(root != roots[0]);
        roots[0] = root;
        assertFalse(batchVerifier.verifyProof(abi.encode(roots, proofs), inputs));
    }

    function test_RejectsMalformedShapes() public view {
        (uint256[] memory roots, uint256[8][] memory proofs) = _decode(proof);
        // No proof at all.
        assertFalse(batchVerifier.verifyProof(abi.encode(new uint256[](0), new uint256[8][](0)), inputs));
        // One chunk only (its new root is not the batch's).
        uint256[8][] memory first = new uint256[8][](1);
        first[0] = proofs[0];
        assertFalse(batchVerifier.verifyProof(abi.encode(new uint256[](0), first), inputs));
        // A root too many.
        uint256[] memory more = new uint256[](2);
        more[0] = roots[0];
        assertFalse(batchVerifier.verifyProof(abi.encode(more, proofs), inputs));
        // Twelve or fourteen public inputs.
        uint256[] memory fewer = new uint256[](12);
        assertFalse(batchVerifier.verifyProof(proof, fewer));
        uint256[] memory extra = new uint256[](14);
        assertFalse(batchVerifier.verifyProof(proof, extra));
        // An intermediate root outside the field, with the same value mod r.
        uint256[] memory wide = new uint256[](1);
        wide[0] = roots[0] + R;
        assertFalse(batchVerifier.verifyProof(abi.encode(wide, proofs), inputs));
    }

    function test_ChunkVerifierRejectsInputsOutsideTheField() public view {
        (uint256[] memory roots, uint256[8][] memory proofs) = _decode(proof);
        uint256[15] memory chunk;
        for (uint256 i = 0; i < 13; ++i) {
            chunk[i] = inputs[i];
        }
        chunk[4] = roots[0];
        chunk[13] = 0;
        chunk[14] = 2;
        assertTrue(chunkVerifier.verifyProof(proofs[0], chunk));
        chunk[2] += R; // the same value modulo r
        assertFalse(chunkVerifier.verifyProof(proofs[0], chunk));
    }

    function test_RevertWhen_NoChunkVerifier() public {
        vm.expectRevert(Groth16BatchVerifier.Groth16BatchVerifierZeroChunkVerifier.selector);
        new Groth16BatchVerifier(address(0));
    }

    /// @notice The whole path on chain: a registry whose verifier is the Groth16 one, the sample batch
    /// committed with its DA input, proven with the Rust proof, executed.
    function test_SettlementProvesAndExecutesWithTheRealProof() public {
        vm.warp(header.timestamp);
        ChainRegistry groth16Registry =
            new ChainRegistry("", address(batchVerifier), address(settlementImpl), address(queueImpl));
        groth16Registry.setBridgeVault(address(new BridgeVault(groth16Registry)));
        (address sAddr,) =
            groth16Registry.registerChain(chainParams("proven", fixtureChainId, header.prevStateRoot));
        Settlement s = Settlement(sAddr);
        BatchHeader memory genesis = s.genesisHeader(header.prevStateRoot, uint64(block.timestamp));
        recordCommitted(s, genesis);
        commitBatch(s, header, pubdata);

        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = header;
        bytes[] memory proofs = new bytes[](1);

        // A proof for other data: the same proof with one intermediate root changed.
        (uint256[] memory roots, uint256[8][] memory chunks) = _decode(proof);
        roots[0] = roots[0] ^ 1;
        proofs[0] = abi.encode(roots, chunks);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementInvalidProof.selector, header.batchNumber));
        s.proveBatches(headers, proofs);

        proofs[0] = proof;
        vm.prank(OPERATOR);
        s.proveBatches(headers, proofs);
        assertEq(s.totalBatchesProven(), 1);
        vm.prank(OPERATOR);
        s.executeBatches(headers);
        assertEq(s.totalBatchesExecuted(), 1);
        assertEq(s.stateRoot(1), header.newStateRoot);
    }
}
