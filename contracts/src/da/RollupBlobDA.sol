// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IDAPolicy} from "./IDAPolicy.sol";
import {DAInput} from "./DAInput.sol";
import {BatchHeader} from "../settlement/BatchLib.sol";
import {
    RollupBlobCountOutOfRange,
    RollupBlobHashMismatch,
    RollupBlobMissing,
    RollupBlobUnlisted
} from "./DAErrors.sol";

/// @title RollupBlobDA
/// @notice zkRollup data availability through EIP-4844 blobs: the batch's pubdata travels in the blobs of
/// the commit transaction, and `daInput` lists their versioned hashes, which this policy checks against
/// the transaction's own (`BLOBHASH`).
/// @dev Note: `daInput` is `abi.encode(bytes32[] versionedHashes)`, one hash per blob of the committing
/// transaction, in blob order: 1 to `MAX_BLOBS` of them, exactly the transaction's blobs (none missing,
/// none unlisted). The commitment is `keccak256(abi.encodePacked(versionedHashes))`.
/// It reads the transaction's blobs, so it only works when the call runs inside the blob-carrying
/// transaction, and the transaction's blobs must serve a single batch (a transaction that commits
/// several batches cannot give each of them its own blob list).
contract RollupBlobDA is IDAPolicy {
    // ---------------------------------------------------------------- constants

    /// @notice The most blobs one batch may list: Prague's per-block maximum (EIP-7691).
    uint256 public constant MAX_BLOBS = 9;

    /// @dev keccak256("fractal.da.rollup-blob.v1").
    bytes32 private constant _POLICY_KIND = keccak256("fractal.da.rollup-blob.v1");

    // ---------------------------------------------------------------- IDAPolicy

    /// @notice Checks that the transaction carries exactly the listed blobs and returns the commitment to
    /// their versioned hashes. The chain id and the header play no part: the write binding
    /// (`writesEvaluation`, `writesLength`) is not checked by this policy (docs/proofs.md, "Blobs").
    /// @param daInput `abi.encode(bytes32[] versionedHashes)`, in blob order, 1 to `MAX_BLOBS` entries.
    /// @return commitment `keccak256(abi.encodePacked(versionedHashes))`.
    function checkAvailability(uint256, BatchHeader calldata, bytes calldata daInput)
        external
        view
        returns (bytes32 commitment)
    {
        (uint256 heads, uint256 count) = DAInput.readArray(daInput, 0, 0);
        if (count == 0 || count > MAX_BLOBS) revert RollupBlobCountOutOfRange(count, 1, MAX_BLOBS);

        for (uint256 i = 0; i < count; ++i) {
            bytes32 listed = DAInput.readWord(daInput, heads + 32 * i);
            bytes32 carried = blobhash(i);
            if (carried == bytes32(0)) revert RollupBlobMissing(i, listed);
            if (carried != listed) revert RollupBlobHashMismatch(i, listed, carried);
        }
        bytes32 extra = blobhash(count);
        if (extra != bytes32(0)) revert RollupBlobUnlisted(count, extra);

        // The `count` words from `heads` on are the hashes back to back: abi.encodePacked(versionedHashes).
        return keccak256(daInput[heads:heads + 32 * count]);
    }

    /// @notice The policy kind: keccak256("fractal.da.rollup-blob.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32) {
        return _POLICY_KIND;
    }
}
