// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IChunkVerifier
/// @notice A Groth16 verifier of a batch-chunk circuit (`circuits/src/batch_chunk.circom`); the generated
/// `Groth16Verifier` (wide chunks) and `Groth16DenseVerifier` (dense chunks) implement it.
interface IChunkVerifier {
    /// @notice Whether `proof` proves one chunk for the public inputs `input`.
    /// @param proof `A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y`.
    /// @param input The chunk's 21 public inputs: the batch's 17 (public input version 2), then `carryIn`,
    /// `carryOut`, `j` and `k` (docs/encodings.md, "Public input"; docs/proofs.md).
    /// @return True when the proof verifies.
    function verifyProof(uint256[8] calldata proof, uint256[21] calldata input) external view returns (bool);
}
