// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {Groth16BatchVerifier} from "../../../src/settlement/Groth16BatchVerifier.sol";
import {Groth16Verifier} from "../../../src/settlement/Groth16Verifier.sol";
import {Groth16DenseVerifier} from "../../../src/settlement/Groth16DenseVerifier.sol";
import {IChunkVerifier} from "../../../src/settlement/IChunkVerifier.sol";
import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {BridgeVault} from "../../../src/bridge/BridgeVault.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice Real Groth16 proofs: `contracts/test/fixtures/groth16-batch.json` holds a sample batch (its
/// 49 writes in two chunks — a dense chunk of 42, then a wide chunk of 7 — and three messages) proven by
/// the Rust prover (`fractal setup --fixture`, `make fixture`) with the keys `Groth16Verifier.sol` and
/// `Groth16DenseVerifier.sol` were generated from. The verifier must accept it and reject any change to
/// the proof (its chunk proofs, its carries or its circuit bytes) or to the public inputs (version 2, 17);
/// `Settlement` must accept it for the committed batch. The fixture's keys: `chainId`, `header.*` (the
/// thirteen header fields), `pubdata` (committed through `RollupCalldataDA`, so version-2 pubdata whose
/// write binding the header carries), `circuitHashes` (wide, dense), `chunkCircuits`, `publicInputs`
/// and `proof` (`abi.encode(uint256[] carries, uint256[8][] proofs, bytes circuits)`). The wiring alone,
/// with mock chunk verifiers: `Groth16BatchVerifierWiring.t.sol`.
contract Groth16BatchVerifierTest is Fixture {
    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    Groth16Verifier internal chunkVerifier;
    Groth16DenseVerifier internal denseVerifier;
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
            importedRootsHash: vm.parseJsonBytes32(json, ".header.importedRootsHash"),
            rowCommitment: vm.parseJsonBytes32(json, ".header.rowCommitment"),
            writesEvaluation: vm.parseJsonBytes32(json, ".header.writesEvaluation"),
            writesLength: uint32(vm.parseJsonUint(json, ".header.writesLength"))
        });
        chunkVerifier = new Groth16Verifier();
        denseVerifier = new Groth16DenseVerifier();
        batchVerifier = new Groth16BatchVerifier(address(chunkVerifier), address(denseVerifier));
        bytes32[] memory hashes = vm.parseJsonBytes32Array(json, ".circuitHashes");
        assertEq(
            chunkVerifier.CIRCUIT_HASH(), hashes[0], "fixture made for another circuit: run make fixture"
        );
        assertEq(
            denseVerifier.CIRCUIT_HASH(), hashes[1], "fixture made for another circuit: run make fixture"
        );
    }

    function _decode(bytes memory p)
        private
        pure
        returns (uint256[] memory carries, uint256[8][] memory proofs, bytes memory circuits)
    {
        return abi.decode(p, (uint256[], uint256[8][], bytes));
    }

    function test_VerifiesTheRustProof() public view {
        assertEq(inputs.length, 17);
        (uint256[] memory carries, uint256[8][] memory proofs, bytes memory circuits) = _decode(proof);
        assertEq(proofs.length, 2, "the fixture is proven in two chunks");
        assertEq(carries.length, 3, "one carry more than chunks");
        assertEq(circuits, hex"0100", "a dense chunk, then a wide one");
        assertTrue(batchVerifier.verifyProof(proof, inputs));
    }

    /// @notice A chunk checked under the other circuit's key, an unknown circuit byte, a byte missing
    /// or one too many: rejected.
    function test_RejectsOtherCircuitBytes() public view {
        (uint256[] memory carries, uint256[8][] memory proofs,) = _decode(proof);
        bytes[7] memory others =
            [bytes(hex"0000"), hex"0101", hex"0001", hex"0200", hex"01ff", hex"01", hex"010000"];
        for (uint256 i = 0; i < others.length; ++i) {
            assertFalse(batchVerifier.verifyProof(abi.encode(carries, proofs, others[i]), inputs));
        }
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
        (uint256[] memory carries, uint256[8][] memory proofs, bytes memory circuits) = _decode(proof);
        for (uint256 c = 0; c < proofs.length; ++c) {
            for (uint256 k = 0; k < 8; ++k) {
                uint256[8][] memory bad = abi.decode(abi.encode(proofs), (uint256[8][]));
                bad[c][k] = bad[c][k] ^ 1;
                assertFalse(batchVerifier.verifyProof(abi.encode(carries, bad, circuits), inputs));
            }
        }
        // The chunks swapped, with their circuit bytes or without.
        uint256[8][] memory swapped = new uint256[8][](2);
        swapped[0] = proofs[1];
        swapped[1] = proofs[0];
        assertFalse(batchVerifier.verifyProof(abi.encode(carries, swapped, circuits), inputs));
        assertFalse(batchVerifier.verifyProof(abi.encode(carries, swapped, hex"0001"), inputs));
    }

    function testFuzz_RejectsAnyOtherCarry(uint256 index, uint256 carry) public view {
        (uint256[] memory carries, uint256[8][] memory proofs, bytes memory circuits) = _decode(proof);
        index = bound(index, 0, carries.length - 1);
        vm.assume(carry != carries[index]);
        carries[index] = carry;
        assertFalse(batchVerifier.verifyProof(abi.encode(carries, proofs, circuits), inputs));
    }

    function test_RejectsMalformedShapes() public view {
        (uint256[] memory carries, uint256[8][] memory proofs, bytes memory circuits) = _decode(proof);
        // No proof at all.
        assertFalse(batchVerifier.verifyProof(abi.encode(new uint256[](1), new uint256[8][](0), ""), inputs));
        // One chunk only, with its own two carries (it was proven as one chunk of two).
        uint256[8][] memory first = new uint256[8][](1);
        first[0] = proofs[0];
        uint256[] memory firstCarries = new uint256[](2);
        (firstCarries[0], firstCarries[1]) = (carries[0], carries[1]);
        assertFalse(batchVerifier.verifyProof(abi.encode(firstCarries, first, hex"01"), inputs));
        // A carry too many, a carry too few.
        uint256[] memory more = new uint256[](4);
        (more[0], more[1], more[2]) = (carries[0], carries[1], carries[2]);
        assertFalse(batchVerifier.verifyProof(abi.encode(more, proofs, circuits), inputs));
        assertFalse(batchVerifier.verifyProof(abi.encode(firstCarries, proofs, circuits), inputs));
        // Sixteen or eighteen public inputs.
        uint256[] memory fewer = new uint256[](16);
        assertFalse(batchVerifier.verifyProof(proof, fewer));
        uint256[] memory extra = new uint256[](18);
        assertFalse(batchVerifier.verifyProof(proof, extra));
        // A carry outside the field, with the same value mod r.
        for (uint256 i = 0; i < carries.length; ++i) {
            uint256[] memory wide = abi.decode(abi.encode(carries), (uint256[]));
            wide[i] = carries[i] + R;
            assertFalse(batchVerifier.verifyProof(abi.encode(wide, proofs, circuits), inputs));
        }
    }

    /// @dev Chunk 0 (a dense chunk) directly, through the chunk verifier's interface (21 inputs: the
    /// batch's 17, then carryIn, carryOut, j and k); the wide verifier refuses it.
    function test_ChunkVerifierRejectsInputsOutsideTheField() public view {
        (uint256[] memory carries, uint256[8][] memory proofs,) = _decode(proof);
        uint256[21] memory chunk;
        for (uint256 i = 0; i < 17; ++i) {
            chunk[i] = inputs[i];
        }
        chunk[17] = carries[0];
        chunk[18] = carries[1];
        chunk[19] = 0;
        chunk[20] = 2;
        IChunkVerifier verifier21 = IChunkVerifier(address(denseVerifier));
        assertTrue(verifier21.verifyProof(proofs[0], chunk));
        assertFalse(IChunkVerifier(address(chunkVerifier)).verifyProof(proofs[0], chunk));
        chunk[2] += R; // the same value modulo r
        assertFalse(verifier21.verifyProof(proofs[0], chunk));
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

        // A proof for other data: the same proof with the carry between the chunks changed.
        (uint256[] memory carries, uint256[8][] memory chunks, bytes memory circuits) = _decode(proof);
        carries[1] = carries[1] ^ 1;
        proofs[0] = abi.encode(carries, chunks, circuits);
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
