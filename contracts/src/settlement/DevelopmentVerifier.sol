// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IVerifier} from "./IVerifier.sol";

/// @title DevelopmentVerifier
/// @notice INSECURE. A stand-in verifier for development deployments until the Groth16 verifier generated
/// from the circuits' verifying key replaces it. It accepts exactly one "proof" per public-input vector,
/// `abi.encode(keccak256(abi.encode(publicInputs)))`, which anyone can compute: it binds a proof to its
/// batch (a proof for other inputs is rejected) but proves nothing about the batch's validity.
/// @dev Note: deployments record `verifierKind = "development-insecure"` when this contract is used, and
/// the README's trust model says so. Never register a production chain against it.
contract DevelopmentVerifier is IVerifier {
    /// @notice Always true: callers and dashboards can detect this verifier.
    bool public constant INSECURE = true;

    /// @inheritdoc IVerifier
    function verifyProof(bytes calldata proof, uint256[] calldata publicInputs) external pure returns (bool) {
        return proof.length == 32 && abi.decode(proof, (bytes32)) == keccak256(abi.encode(publicInputs));
    }

    /// @notice The only proof this verifier accepts for `publicInputs`.
    /// @param publicInputs The public inputs.
    /// @return The development proof.
    function developmentProof(uint256[] calldata publicInputs) external pure returns (bytes memory) {
        return abi.encode(keccak256(abi.encode(publicInputs)));
    }
}
