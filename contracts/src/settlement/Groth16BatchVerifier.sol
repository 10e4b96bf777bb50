// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IVerifier} from "./IVerifier.sol";
import {IChunkVerifier} from "./IChunkVerifier.sol";

/// @title Groth16BatchVerifier
/// @notice The registry's batch-proof verifier with real proofs: a batch's writes are proven in chunks,
/// each a Groth16 proof of one of the two chunk circuits — the wide chunk (`WIDE_VERIFIER`: up to 28 writes
/// into a subtree of 4^10 positions) or the dense chunk (`DENSE_VERIFIER`: up to 42 writes into a subtree
/// of 4^5), which prove the same statement over the same public inputs. Chunk `j` of `k` takes the carried
/// state (root, the pubdata stream's sum, weight, phase and length, the previous address, the row
/// commitment, the next index, and the outbox's message chain before and after the batch) from carry `j` to carry `j + 1`, each carry one Poseidon hash of that
/// state; its public inputs are the batch's 17 (public input version 2), then `carryIn` (carry `j`),
/// `carryOut` (carry `j + 1`), `j` and `k` — 21 (docs/encodings.md, "Public input"; docs/proofs.md, "The
/// wiring" and "Dense chunks").
/// @dev The proof is `abi.encode(uint256[] carries, uint256[8][] proofs, bytes circuits)` with exactly one
/// carry more than proofs (1 to `MAX_CHUNKS` proofs), every carry a field element, and one byte per proof
/// naming its circuit (`WIDE` or `DENSE`). The circuit is the prover's choice and needs no binding: both
/// circuits prove the same transition, so a chunk verifies under either only if it is a true chunk. The
/// verifier hashes nothing: the circuits tie the ends to the header — chunk 0 checks that its `carryIn` is
/// the batch's start (from `prevStateRoot`) and the last chunk that its state out has the header's
/// `newStateRoot`, `writesEvaluation`, `writesLength` and `rowCommitment` — and consecutive chunks share a
/// carry, so the chunks chain. Bytes that do not decode revert; every other mismatch returns false, which
/// `Settlement` reports as `SettlementInvalidProof`.
contract Groth16BatchVerifier is IVerifier {
    /// @notice The verifier is deployed without one of its chunk verifiers.
    error Groth16BatchVerifierZeroChunkVerifier();

    /// @notice Most chunks one batch proof may have (the circuits bound the count by 2^16).
    uint256 public constant MAX_CHUNKS = 65_536;
    /// @notice Public inputs of a batch (docs/encodings.md, version 2).
    uint256 public constant BATCH_INPUTS = 17;
    /// @notice Public inputs of a chunk: the batch's, then `carryIn`, `carryOut`, `j` and `k`.
    uint256 public constant CHUNK_INPUTS = 21;
    /// @notice The circuit byte of a wide chunk (`circuits/src/main.circom`).
    uint8 public constant WIDE = 0;
    /// @notice The circuit byte of a dense chunk (`circuits/src/dense.circom`).
    uint8 public constant DENSE = 1;
    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    /// @notice The verifier of a wide chunk (the generated `Groth16Verifier`).
    IChunkVerifier public immutable WIDE_VERIFIER;
    /// @notice The verifier of a dense chunk (the generated `Groth16DenseVerifier`).
    IChunkVerifier public immutable DENSE_VERIFIER;

    /// @param wideVerifier The generated `Groth16Verifier`.
    /// @param denseVerifier The generated `Groth16DenseVerifier`.
    constructor(address wideVerifier, address denseVerifier) {
        if (wideVerifier == address(0) || denseVerifier == address(0)) {
            revert Groth16BatchVerifierZeroChunkVerifier();
        }
        WIDE_VERIFIER = IChunkVerifier(wideVerifier);
        DENSE_VERIFIER = IChunkVerifier(denseVerifier);
    }

    /// @inheritdoc IVerifier
    /// @dev `proof` is `abi.encode(uint256[] carries, uint256[8][] proofs, bytes circuits)`; false for 0
    /// or more than `MAX_CHUNKS` proofs, a carry count other than proofs + 1, a circuit count other than
    /// proofs, a carry not below r, a circuit byte other than `WIDE` and `DENSE`, a public-input count
    /// other than `BATCH_INPUTS`, or any chunk its circuit's verifier rejects.
    function verifyProof(bytes calldata proof, uint256[] calldata publicInputs) external view returns (bool) {
        if (publicInputs.length != BATCH_INPUTS) return false;
        (uint256[] memory carries, uint256[8][] memory proofs, bytes memory circuits) =
            abi.decode(proof, (uint256[], uint256[8][], bytes));
        uint256 count = proofs.length;
        if (count == 0 || count > MAX_CHUNKS || carries.length != count + 1 || circuits.length != count) {
            return false;
        }
        for (uint256 i = 0; i <= count; ++i) {
            if (carries[i] >= R) return false;
        }
        uint256[CHUNK_INPUTS] memory input;
        for (uint256 i = 0; i < BATCH_INPUTS; ++i) {
            input[i] = publicInputs[i];
        }
        input[BATCH_INPUTS + 3] = count;
        for (uint256 j = 0; j < count; ++j) {
            uint8 circuit = uint8(circuits[j]);
            IChunkVerifier verifier;
            if (circuit == WIDE) verifier = WIDE_VERIFIER;
            else if (circuit == DENSE) verifier = DENSE_VERIFIER;
            else return false;
            input[BATCH_INPUTS] = carries[j];
            input[BATCH_INPUTS + 1] = carries[j + 1];
            input[BATCH_INPUTS + 2] = j;
            if (!verifier.verifyProof(proofs[j], input)) return false;
        }
        return true;
    }
}
