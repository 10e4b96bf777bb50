// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IVerifier} from "./IVerifier.sol";
import {IChunkVerifier} from "./IChunkVerifier.sol";

/// @title Groth16BatchVerifier
/// @notice The registry's batch-proof verifier with real proofs: a batch's writes are proven in chunks
/// of the chunk circuit, each a Groth16 proof checked by `CHUNK_VERIFIER`. Chunk `j` of `k` takes the
/// carried state (root, the pubdata stream's sum, weight, phase and length, the previous address, the
/// row commitment and the next index) from carry `j` to carry `j + 1`, each carry one Poseidon hash of that
/// state; its public inputs are the batch's 17 (public input version 2), then `carryIn` (carry `j`),
/// `carryOut` (carry `j + 1`), `j` and `k` — 21 (docs/encodings.md, "Public input"; docs/proofs.md, "The
/// wiring").
/// @dev The proof is `abi.encode(uint256[] carries, uint256[8][] proofs)` with exactly one carry more
/// than proofs (1 to `MAX_CHUNKS` proofs), every carry a field element. The verifier hashes nothing: the
/// circuit ties the ends to the header — chunk 0 checks that its `carryIn` is the batch's start (from
/// `prevStateRoot`) and the last chunk that its state out has the header's `newStateRoot`,
/// `writesEvaluation`, `writesLength` and `rowCommitment` — and consecutive chunks share a carry, so the
/// chunks chain. Bytes that do not decode revert; every other mismatch returns false, which
/// `Settlement` reports as `SettlementInvalidProof`.
contract Groth16BatchVerifier is IVerifier {
    /// @notice The verifier is deployed without a chunk verifier.
    error Groth16BatchVerifierZeroChunkVerifier();

    /// @notice Most chunks one batch proof may have (the circuit bounds the count by 2^16).
    uint256 public constant MAX_CHUNKS = 65_536;
    /// @notice Public inputs of a batch (docs/encodings.md, version 2).
    uint256 public constant BATCH_INPUTS = 17;
    /// @notice Public inputs of a chunk: the batch's, then `carryIn`, `carryOut`, `j` and `k`.
    uint256 public constant CHUNK_INPUTS = 21;
    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    /// @notice The verifier of one chunk (generated from the circuit's verifying key).
    IChunkVerifier public immutable CHUNK_VERIFIER;

    /// @param chunkVerifier The generated `Groth16Verifier`.
    constructor(address chunkVerifier) {
        if (chunkVerifier == address(0)) revert Groth16BatchVerifierZeroChunkVerifier();
        CHUNK_VERIFIER = IChunkVerifier(chunkVerifier);
    }

    /// @inheritdoc IVerifier
    /// @dev `proof` is `abi.encode(uint256[] carries, uint256[8][] proofs)`; false for 0 or more than
    /// `MAX_CHUNKS` proofs, a carry count other than proofs + 1, a carry not below r, a public-input count
    /// other than `BATCH_INPUTS`, or any chunk the chunk verifier rejects.
    function verifyProof(bytes calldata proof, uint256[] calldata publicInputs) external view returns (bool) {
        if (publicInputs.length != BATCH_INPUTS) return false;
        (uint256[] memory carries, uint256[8][] memory proofs) = abi.decode(proof, (uint256[], uint256[8][]));
        uint256 count = proofs.length;
        if (count == 0 || count > MAX_CHUNKS || carries.length != count + 1) return false;
        for (uint256 i = 0; i <= count; ++i) {
            if (carries[i] >= R) return false;
        }
        uint256[CHUNK_INPUTS] memory input;
        for (uint256 i = 0; i < BATCH_INPUTS; ++i) {
            input[i] = publicInputs[i];
        }
        input[BATCH_INPUTS + 3] = count;
        for (uint256 j = 0; j < count; ++j) {
            input[BATCH_INPUTS] = carries[j];
            input[BATCH_INPUTS + 1] = carries[j + 1];
            input[BATCH_INPUTS + 2] = j;
            if (!CHUNK_VERIFIER.verifyProof(proofs[j], input)) return false;
        }
        return true;
    }
}
