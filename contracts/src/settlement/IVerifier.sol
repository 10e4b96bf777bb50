// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IVerifier
/// @notice A batch-proof verifier shared by every chain registered on a settlement layer (identical
/// circuits for every chain). `Groth16BatchVerifier` implements it over the Groth16 verifier generated from
/// the chunk circuit's verifying key; `DevelopmentVerifier` (INSECURE) for development.
interface IVerifier {
    /// @notice Checks `proof` against the public inputs that `Settlement` computed from a committed header.
    /// @param proof The proof, ABI-encoded as the implementation documents (Groth16:
    /// `abi.encode(uint256[] carries, uint256[8][] chunkProofs)`).
    /// @param publicInputs The public inputs, each an element of the BN254 scalar field.
    /// @return True when the proof is valid for exactly these inputs.
    function verifyProof(bytes calldata proof, uint256[] calldata publicInputs) external view returns (bool);
}
