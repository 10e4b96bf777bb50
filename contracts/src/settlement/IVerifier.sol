// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IVerifier
/// @notice A batch-proof verifier shared by every chain registered on a settlement layer (identical
/// circuits for every chain). The Groth16 verifier generated from the circuits' verifying key implements it.
interface IVerifier {
    /// @notice Checks `proof` against the public inputs that `Settlement` computed from a committed header.
    /// @param proof The proof, ABI-encoded as the implementation documents (Groth16: `uint256[8]`).
    /// @param publicInputs The public inputs, each an element of the BN254 scalar field.
    /// @return True when the proof is valid for exactly these inputs.
    function verifyProof(bytes calldata proof, uint256[] calldata publicInputs) external view returns (bool);
}
