// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {BridgeVault} from "../../../src/bridge/BridgeVault.sol";
import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {BatchHeader, BatchLib} from "../../../src/settlement/BatchLib.sol";
import {Groth16BatchVerifier} from "../../../src/settlement/Groth16BatchVerifier.sol";
import {IChunkVerifier} from "../../../src/settlement/IChunkVerifier.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice A chunk verifier programmed with the (proof, 21 inputs) pairs it accepts: it accepts exactly
/// those, so a batch verifies only when every chunk received exactly the inputs the test wrote out (the
/// chunk verifier is called with STATICCALL, so it cannot record; the tests add `vm.expectCall` for the
/// calls themselves).
contract ChunkVerifierMock is IChunkVerifier {
    mapping(bytes32 => bool) private _accepted;
    bool public acceptAll;
    uint256 public constant PUBLIC_INPUTS = 21;

    function accept(uint256[8] memory proof, uint256[21] memory input) external {
        _accepted[keccak256(abi.encode(proof, input))] = true;
    }

    function setAcceptAll(bool value) external {
        acceptAll = value;
    }

    function verifyProof(uint256[8] calldata proof, uint256[21] calldata input) external view returns (bool) {
        return acceptAll || _accepted[keccak256(abi.encode(proof, input))];
    }
}

/// @notice `Groth16BatchVerifier`'s wiring (public input version 2) with mock chunk verifiers: the proof
/// is `abi.encode(uint256[] carries, uint256[8][] proofs, bytes circuits)` with one carry more than proofs
/// and one circuit byte per proof, and chunk `j` of `k` is verified by its circuit's verifier (byte 0 the
/// wide one, 1 the dense one) for the batch's 17 inputs, then `carries[j]`, `carries[j + 1]`, `j` and `k`.
contract Groth16BatchVerifierWiringTest is Fixture {
    uint256 internal constant R = FractalConstants.FIELD_MODULUS;

    ChunkVerifierMock internal mock;
    ChunkVerifierMock internal denseMock;
    Groth16BatchVerifier internal batchVerifier;

    function setUp() public override {
        super.setUp();
        mock = new ChunkVerifierMock();
        denseMock = new ChunkVerifierMock();
        batchVerifier = new Groth16BatchVerifier(address(mock), address(denseMock));
    }

    /// @dev The proof bytes with every chunk a wide one (circuit byte 0).
    function _enc(uint256[] memory carries, uint256[8][] memory proofs) internal pure returns (bytes memory) {
        return abi.encode(carries, proofs, new bytes(proofs.length));
    }

    // ---------------------------------------------------------------- values

    /// @dev 17 batch inputs, each a distinct field element.
    function _batchInputs(uint256 seed) internal pure returns (uint256[] memory pi) {
        pi = new uint256[](17);
        for (uint256 i = 0; i < 17; ++i) {
            pi[i] = uint256(fieldElement(seed * 100 + i));
        }
    }

    /// @dev `k + 1` distinct carries, each a field element.
    function _carries(uint256 seed, uint256 k) internal pure returns (uint256[] memory carries) {
        carries = new uint256[](k + 1);
        for (uint256 i = 0; i <= k; ++i) {
            carries[i] = uint256(fieldElement(seed * 1000 + 500 + i));
        }
    }

    /// @dev `k` distinct chunk proofs.
    function _proofs(uint256 seed, uint256 k) internal pure returns (uint256[8][] memory proofs) {
        proofs = new uint256[8][](k);
        for (uint256 j = 0; j < k; ++j) {
            for (uint256 w = 0; w < 8; ++w) {
                proofs[j][w] = uint256(keccak256(abi.encode(seed, j, w)));
            }
        }
    }

    /// @dev The documented inputs of chunk `j` of `k`, written out.
    function _chunkInput(uint256[] memory pi, uint256[] memory carries, uint256 j, uint256 k)
        internal
        pure
        returns (uint256[21] memory input)
    {
        for (uint256 i = 0; i < 17; ++i) {
            input[i] = pi[i];
        }
        input[17] = carries[j];
        input[18] = carries[j + 1];
        input[19] = j;
        input[20] = k;
    }

    /// @dev Programs the mock with exactly the documented inputs of every chunk.
    function _acceptWiring(uint256[] memory pi, uint256[] memory carries, uint256[8][] memory proofs)
        internal
    {
        for (uint256 j = 0; j < proofs.length; ++j) {
            mock.accept(proofs[j], _chunkInput(pi, carries, j, proofs.length));
        }
    }

    // ---------------------------------------------------------------- success

    function test_PassesEachChunkItsCarriesInOrder() public {
        uint256[] memory pi = _batchInputs(1);
        uint256[] memory carries = _carries(1, 3);
        uint256[8][] memory proofs = _proofs(1, 3);
        _acceptWiring(pi, carries, proofs);
        for (uint256 j = 0; j < 3; ++j) {
            vm.expectCall(
                address(mock),
                abi.encodeCall(IChunkVerifier.verifyProof, (proofs[j], _chunkInput(pi, carries, j, 3))),
                1
            );
        }
        assertTrue(batchVerifier.verifyProof(_enc(carries, proofs), pi));
    }

    function test_OneChunkHasTwoCarries() public {
        uint256[] memory pi = _batchInputs(2);
        uint256[] memory carries = _carries(2, 1);
        uint256[8][] memory proofs = _proofs(2, 1);
        _acceptWiring(pi, carries, proofs);
        uint256[21] memory input = _chunkInput(pi, carries, 0, 1);
        assertEq(input[17], carries[0]);
        assertEq(input[18], carries[1]);
        assertEq(input[19], 0);
        assertEq(input[20], 1);
        vm.expectCall(address(mock), abi.encodeCall(IChunkVerifier.verifyProof, (proofs[0], input)), 1);
        assertTrue(batchVerifier.verifyProof(_enc(carries, proofs), pi));
    }

    function test_CarriesAtModulusMinusOne() public {
        mock.setAcceptAll(true);
        uint256[] memory carries = new uint256[](3);
        (carries[0], carries[1], carries[2]) = (R - 1, 0, R - 1);
        assertTrue(batchVerifier.verifyProof(_enc(carries, _proofs(3, 2)), _batchInputs(3)));
    }

    function test_Constants() public view {
        assertEq(batchVerifier.BATCH_INPUTS(), 17);
        assertEq(batchVerifier.BATCH_INPUTS(), BatchLib.PUBLIC_INPUT_COUNT);
        assertEq(batchVerifier.CHUNK_INPUTS(), 21);
        assertEq(batchVerifier.MAX_CHUNKS(), 65_536);
        assertEq(address(batchVerifier.WIDE_VERIFIER()), address(mock));
        assertEq(address(batchVerifier.DENSE_VERIFIER()), address(denseMock));
        assertEq(batchVerifier.WIDE(), 0);
        assertEq(batchVerifier.DENSE(), 1);
    }

    /// @dev Any chunk count and carries: accepted with the documented wiring, refused as soon as one
    /// chunk would see another carry, index or count.
    function testFuzz_WiringOfAnyChunkCount(uint256 seed, uint8 chunks, uint256 index, uint256 value) public {
        uint256 k = bound(chunks, 1, 8);
        uint256[] memory pi = _batchInputs(seed % 1000);
        uint256[] memory carries = _carries(seed % 1000, k);
        uint256[8][] memory proofs = _proofs(seed, k);
        _acceptWiring(pi, carries, proofs);
        assertTrue(batchVerifier.verifyProof(_enc(carries, proofs), pi));

        uint256 i = bound(index, 0, k);
        value = value % R;
        vm.assume(value != carries[i]);
        carries[i] = value;
        assertFalse(batchVerifier.verifyProof(_enc(carries, proofs), pi));
    }

    // ---------------------------------------------------------------- refused

    function test_RejectsCarriesOutOfOrder() public {
        uint256[] memory pi = _batchInputs(4);
        uint256[] memory carries = _carries(4, 3);
        uint256[8][] memory proofs = _proofs(4, 3);
        _acceptWiring(pi, carries, proofs);
        (carries[1], carries[2]) = (carries[2], carries[1]);
        assertFalse(batchVerifier.verifyProof(_enc(carries, proofs), pi));
        // Reversed altogether.
        uint256[] memory reversed = _carries(4, 3);
        for (uint256 i = 0; i < 2; ++i) {
            (reversed[i], reversed[3 - i]) = (reversed[3 - i], reversed[i]);
        }
        assertFalse(batchVerifier.verifyProof(_enc(reversed, proofs), pi));
    }

    function test_RejectsChunksOutOfOrder() public {
        uint256[] memory pi = _batchInputs(5);
        uint256[] memory carries = _carries(5, 2);
        uint256[8][] memory proofs = _proofs(5, 2);
        _acceptWiring(pi, carries, proofs);
        (proofs[0], proofs[1]) = (proofs[1], proofs[0]);
        assertFalse(batchVerifier.verifyProof(_enc(carries, proofs), pi));
    }

    function test_RejectsAChunkTheChunkVerifierRejects() public {
        uint256[] memory pi = _batchInputs(6);
        uint256[] memory carries = _carries(6, 3);
        uint256[8][] memory proofs = _proofs(6, 3);
        // Chunks 0 and 2 are accepted, chunk 1 is not.
        mock.accept(proofs[0], _chunkInput(pi, carries, 0, 3));
        mock.accept(proofs[2], _chunkInput(pi, carries, 2, 3));
        assertFalse(batchVerifier.verifyProof(_enc(carries, proofs), pi));
    }

    function test_RejectsWrongCarriesLength() public {
        mock.setAcceptAll(true);
        uint256[] memory pi = _batchInputs(7);
        uint256[8][] memory proofs = _proofs(7, 3);
        assertTrue(batchVerifier.verifyProof(_enc(_carries(7, 3), proofs), pi));
        // As many carries as proofs, one more, none, and two more.
        assertFalse(batchVerifier.verifyProof(_enc(_carries(7, 2), proofs), pi));
        assertFalse(batchVerifier.verifyProof(_enc(_carries(7, 4), proofs), pi));
        assertFalse(batchVerifier.verifyProof(_enc(new uint256[](0), proofs), pi));
        assertFalse(batchVerifier.verifyProof(_enc(_carries(7, 5), proofs), pi));
    }

    function testFuzz_RejectsWrongCarriesLength(uint8 chunks, uint8 carryCount) public {
        mock.setAcceptAll(true);
        uint256 k = bound(chunks, 1, 8);
        uint256 n = bound(carryCount, 0, 12);
        uint256[] memory carries = new uint256[](n);
        bool ok = batchVerifier.verifyProof(_enc(carries, _proofs(8, k)), _batchInputs(8));
        assertEq(ok, n == k + 1);
    }

    function test_RejectsCarryOutsideTheField() public {
        mock.setAcceptAll(true);
        uint256[] memory pi = _batchInputs(9);
        uint256[8][] memory proofs = _proofs(9, 2);
        for (uint256 i = 0; i < 3; ++i) {
            uint256[] memory carries = _carries(9, 2);
            carries[i] = R;
            assertFalse(batchVerifier.verifyProof(_enc(carries, proofs), pi));
            carries[i] = type(uint256).max;
            assertFalse(batchVerifier.verifyProof(_enc(carries, proofs), pi));
        }
    }

    function testFuzz_RejectsCarryOutsideTheField(uint256 index, uint256 value) public {
        mock.setAcceptAll(true);
        uint256[] memory carries = _carries(10, 3);
        carries[bound(index, 0, 3)] = bound(value, R, type(uint256).max);
        assertFalse(batchVerifier.verifyProof(_enc(carries, _proofs(10, 3)), _batchInputs(10)));
    }

    function test_RejectsNoChunks() public {
        mock.setAcceptAll(true);
        uint256[] memory pi = _batchInputs(11);
        assertFalse(batchVerifier.verifyProof(_enc(_carries(11, 0), new uint256[8][](0)), pi));
        assertFalse(batchVerifier.verifyProof(_enc(new uint256[](0), new uint256[8][](0)), pi));
    }

    function test_RejectsWrongPublicInputCount() public {
        mock.setAcceptAll(true);
        bytes memory proof = _enc(_carries(13, 1), _proofs(13, 1));
        assertTrue(batchVerifier.verifyProof(proof, new uint256[](17)));
        assertFalse(batchVerifier.verifyProof(proof, new uint256[](13)));
        assertFalse(batchVerifier.verifyProof(proof, new uint256[](16)));
        assertFalse(batchVerifier.verifyProof(proof, new uint256[](18)));
        assertFalse(batchVerifier.verifyProof(proof, new uint256[](21)));
    }

    function test_RevertWhen_ProofDoesNotDecode() public {
        vm.expectRevert();
        batchVerifier.verifyProof(hex"01", _batchInputs(14));
    }

    function test_RevertWhen_NoChunkVerifier() public {
        vm.expectRevert(Groth16BatchVerifier.Groth16BatchVerifierZeroChunkVerifier.selector);
        new Groth16BatchVerifier(address(0), address(denseMock));
        vm.expectRevert(Groth16BatchVerifier.Groth16BatchVerifierZeroChunkVerifier.selector);
        new Groth16BatchVerifier(address(mock), address(0));
        vm.expectRevert(Groth16BatchVerifier.Groth16BatchVerifierZeroChunkVerifier.selector);
        new Groth16BatchVerifier(address(0), address(0));
    }

    // ---------------------------------------------------------------- circuits

    /// @notice Each chunk goes to the verifier its byte names, with the same inputs either way.
    function test_RoutesEachChunkToItsCircuitsVerifier() public {
        uint256[] memory pi = _batchInputs(16);
        uint256[] memory carries = _carries(16, 3);
        uint256[8][] memory proofs = _proofs(16, 3);
        // Chunks 0 and 2 dense, chunk 1 wide.
        denseMock.accept(proofs[0], _chunkInput(pi, carries, 0, 3));
        mock.accept(proofs[1], _chunkInput(pi, carries, 1, 3));
        denseMock.accept(proofs[2], _chunkInput(pi, carries, 2, 3));
        // Any other routing, an unknown byte, a byte too few or too many: refused.
        bytes[8] memory others = [
            bytes(hex"000000"),
            hex"010101",
            hex"000100",
            hex"010201",
            hex"01ff01",
            hex"0100",
            hex"01000100",
            hex""
        ];
        for (uint256 i = 0; i < others.length; ++i) {
            assertFalse(batchVerifier.verifyProof(abi.encode(carries, proofs, others[i]), pi));
        }
        // The right routing: each verifier called once per chunk of its circuit.
        vm.expectCall(
            address(denseMock),
            abi.encodeCall(IChunkVerifier.verifyProof, (proofs[0], _chunkInput(pi, carries, 0, 3))),
            1
        );
        vm.expectCall(
            address(mock),
            abi.encodeCall(IChunkVerifier.verifyProof, (proofs[1], _chunkInput(pi, carries, 1, 3))),
            1
        );
        vm.expectCall(
            address(denseMock),
            abi.encodeCall(IChunkVerifier.verifyProof, (proofs[2], _chunkInput(pi, carries, 2, 3))),
            1
        );
        assertTrue(batchVerifier.verifyProof(abi.encode(carries, proofs, hex"010001"), pi));
    }

    /// @dev Any circuit bytes: accepted exactly when they are the routing the verifiers were programmed
    /// with.
    function testFuzz_CircuitBytes(uint256 seed, bytes3 routing, bytes3 claimed) public {
        uint256[] memory pi = _batchInputs(17);
        uint256[] memory carries = _carries(17, 3);
        uint256[8][] memory proofs = _proofs(seed, 3);
        bool valid = true;
        for (uint256 j = 0; j < 3; ++j) {
            uint8 circuit = uint8(routing[j]) % 2;
            (circuit == 0 ? mock : denseMock).accept(proofs[j], _chunkInput(pi, carries, j, 3));
            valid = valid && uint8(claimed[j]) == circuit;
        }
        bytes memory circuits = abi.encodePacked(claimed);
        assertEq(batchVerifier.verifyProof(abi.encode(carries, proofs, circuits), pi), valid);
    }

    // ---------------------------------------------------------------- through Settlement

    /// @notice A registry whose verifier is the Groth16 one over the mock: a batch committed with its
    /// write binding is proven with chunk proofs whose inputs are `Settlement`'s public inputs (version 2)
    /// and the carries, then executed.
    function test_SettlementProvesThroughTheChunks() public {
        ChainRegistry groth16Registry =
            new ChainRegistry("", address(batchVerifier), address(settlementImpl), address(queueImpl));
        groth16Registry.setBridgeVault(address(new BridgeVault(groth16Registry)));
        (address sAddr,) = groth16Registry.registerChain(chainParams("wired", CHAIN_ID, GENESIS_STATE_ROOT));
        Settlement s = Settlement(sAddr);
        recordCommitted(s, s.genesisHeader(GENESIS_STATE_ROOT, uint64(block.timestamp)));
        BatchHeader memory h = commitNext(s, pubdataFor(1), fieldElement(1), fieldElement(2), 0);

        uint256[] memory pi = s.publicInputs(h);
        assertEq(pi.length, 17);
        uint256[] memory carries = _carries(15, 2);
        uint256[8][] memory proofs = _proofs(15, 2);
        _acceptWiring(pi, carries, proofs);

        // The wrong carries: refused as an invalid proof.
        uint256[] memory swapped = _carries(15, 2);
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        vm.expectRevert(abi.encodeWithSelector(SettlementInvalidProof.selector, 1));
        proveBatch(s, h, _enc(swapped, proofs));

        proveBatch(s, h, _enc(carries, proofs));
        assertEq(s.totalBatchesProven(), 1);
        executeBatch(s, h);
        assertEq(s.stateRoot(1), h.newStateRoot);
    }
}
