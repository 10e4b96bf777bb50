// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../settlement/BatchLib.sol";

/// @title IDAPolicy
/// @notice A data-availability policy: decides whether the data behind a child chain's batch is available
/// and returns the commitment to that data which the batch header (and so the proof) must carry.
/// `Settlement.commitBatches` calls it once per batch with the batch's header and the operator's `daInput`.
/// @dev Note: every policy is stateless towards batches (a view call); policies with governed parameters
/// (guardian sets) emit events when those change. docs/da.md describes each policy's `daInput`.
interface IDAPolicy {
    /// @notice Checks availability of a batch's data and returns its commitment. A policy that sees the
    /// data itself also checks the header's write binding against it (`writesEvaluation`, `writesLength`:
    /// docs/proofs.md, "The wiring"); the others leave it unchecked.
    /// @param chainId The child chain whose batch is being committed.
    /// @param header The header being committed (its `pubdataCommitment` is checked by the caller).
    /// @param daInput Policy-specific evidence: the pubdata itself, blob hashes, signatures, …
    /// @return commitment The commitment to the batch's data; the header's `pubdataCommitment` must equal it.
    function checkAvailability(uint256 chainId, BatchHeader calldata header, bytes calldata daInput)
        external
        view
        returns (bytes32 commitment);

    /// @notice A short identifier of the policy kind, e.g. keccak256("fractal.da.rollup-calldata.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32);
}
