// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IVerifier} from "./IVerifier.sol";
import {IChunkVerifier} from "./IChunkVerifier.sol";

/// @title Groth16BatchVerifier
/// @notice The registry's batch-proof verifier with real proofs: a batch's writes are proven in chunks
/// of the chunk circuit, each a Groth16 proof checked by `CHUNK_VERIFIER`. Chunk `j` of `k` takes the
/// state from root `j` to root `j + 1` (root 0 is the batch's `prevStateRoot`, root `k` its
/// `newStateRoot`, the others travel in the proof) and its public inputs are the batch's 13 with those
/// roots in places 3 and 4, then `j` and `k` (docs/proofs.md). The last chunk checks the message root.
/// @dev The proof is `abi.encode(uint256[] intermediateRoots, uint256[8][] proofs)` with one root
/// fewer than proofs. Bytes that do not decode revert; every other mismatch returns false, which
/// `Settlement` reports as `SettlementInvalidProof`.
contract Groth16BatchVerifier is IVerifier {
    /// @notice The verifier is deployed without a chunk verifier.
    error Groth16BatchVerifierZeroChunkVerifier();

    /// @notice Most chunks one batch proof may have (the circuit bounds the count by 2^16).
    uint256 public constant MAX_CHUNKS = 65_536;
    /// @notice Public inputs of a batch (docs/encodings.md, version 1).
    uint256 public constant BATCH_INPUTS = 13;
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
    function verifyProof(bytes calldata proof, uint256[] calldata publicInputs) external view returns (bool) {
        if (publicInputs.length != BATCH_INPUTS) return false;
        (uint256[] memory roots, uint256[8][] memory proofs) = abi.decode(proof, (uint256[], uint256[8][]));
        uint256 count = proofs.length;
        if (count == 0 || count > MAX_CHUNKS || roots.length + 1 != count) return false;
        uint256[15] memory input;
        for (uint256 i = 0; i < BATCH_INPUTS; ++i) {
            input[i] = publicInputs[i];
        }
        input[14] = count;
        uint256 oldRoot = publicInputs[3];
        for (uint256 j = 0; j < count; ++j) {
            uint256 newRoot = j + 1 == count ? publicInputs[4] : roots[j];
            if (newRoot >= R) return false;
            input[3] = oldRoot;
            input[4] = newRoot;
            input[13] = j;
            if (!CHUNK_VERIFIER.verifyProof(proofs[j], input)) return false;
            oldRoot = newRoot;
        }
        return true;
    }
}
