// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IDAPolicy
/// @notice A data-availability policy: decides whether the data behind a child chain's batch is available
/// and returns the commitment to that data which the batch header (and so the proof) must carry.
/// `Settlement.commitBatches` calls it once per batch with the operator's `daInput`.
/// @dev Note: every policy is stateless towards batches (a view call); policies with governed parameters
/// (guardian sets) emit events when those change. docs/da.md describes each policy's `daInput`.
interface IDAPolicy {
    /// @notice Checks availability of a batch's data and returns its commitment.
    /// @param chainId The child chain whose batch is being committed.
    /// @param batchNumber The batch being committed.
    /// @param daInput Policy-specific evidence: the pubdata itself, blob hashes, signatures, …
    /// @return commitment The commitment to the batch's data; the header's `pubdataCommitment` must equal it.
    function checkAvailability(uint256 chainId, uint64 batchNumber, bytes calldata daInput)
        external
        view
        returns (bytes32 commitment);

    /// @notice A short identifier of the policy kind, e.g. keccak256("fractal.da.rollup-calldata.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32);
}
