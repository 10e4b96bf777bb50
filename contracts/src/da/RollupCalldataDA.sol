// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IDAPolicy} from "./IDAPolicy.sol";
import {PubdataEvaluation} from "./PubdataEvaluation.sol";
import {RollupCalldataWritesMismatch} from "./DAErrors.sol";
import {BatchHeader} from "../settlement/BatchLib.sol";

/// @title RollupCalldataDA
/// @notice zkRollup data availability through calldata: the operator posts the batch's pubdata itself as
/// `daInput`, so the data is on the parent chain as soon as the commit transaction is. Because it sees the
/// bytes, it also checks the header's write binding (docs/proofs.md, "The wiring"): the header's
/// `writesEvaluation` must be the pubdata's run of write rows evaluated at the batch's point, and its
/// `writesLength` the run's length — so the `y` a proof is held to is the published bytes' evaluation.
/// @dev Note: `daInput` is the raw version-2 pubdata bytes (not abi-encoded; docs/encodings.md, "Rollup
/// pubdata") and the commitment is `keccak256(daInput)`. The point is
/// `z = keccak256(abi.encode(keccak256(daInput), header.rowCommitment)) mod r`
/// (`PubdataEvaluation.evaluateWrites`). A batch that writes nothing still has the 21-byte header (a run of
/// length 0, evaluation 0). Stateless. Reverts on pubdata that is not version 2
/// (`PubdataEvaluationVersionUnsupported`, empty pubdata included as `PubdataEvaluationTruncated`), on
/// pubdata shorter than its header or its announced run (`PubdataEvaluationTruncated`), on a row
/// commitment outside the field (`PubdataEvaluationNotInField`) and on a binding that does not match
/// (`RollupCalldataWritesMismatch`).
contract RollupCalldataDA is IDAPolicy {
    // ---------------------------------------------------------------- constants

    /// @dev keccak256("fractal.da.rollup-calldata.v1").
    bytes32 private constant _POLICY_KIND = keccak256("fractal.da.rollup-calldata.v1");

    // ---------------------------------------------------------------- IDAPolicy

    /// @notice Returns the commitment to the pubdata posted as `daInput` after checking the header's write
    /// binding against it: `evaluateWrites(daInput, keccak256(daInput), header.rowCommitment)` must give
    /// the header's `writesEvaluation` and `writesLength`. The chain id plays no part.
    /// @dev Reverts with `PubdataEvaluationVersionUnsupported` or `PubdataEvaluationTruncated` when
    /// `daInput` is not version-2 pubdata or ends before its header or its run of write rows, with
    /// `PubdataEvaluationNotInField` when `header.rowCommitment` is not a field element, and with
    /// `RollupCalldataWritesMismatch` when the evaluation or the length differs from the header's.
    /// @param header The header being committed: its `rowCommitment`, `writesEvaluation`, `writesLength`
    /// and (for the error) `batchNumber` are read.
    /// @param daInput The batch's version-2 pubdata bytes, as they are.
    /// @return commitment `keccak256(daInput)`.
    function checkAvailability(uint256, BatchHeader calldata header, bytes calldata daInput)
        external
        pure
        returns (bytes32 commitment)
    {
        commitment = keccak256(daInput);
        (, uint256 y, uint256 len) =
            PubdataEvaluation.evaluateWrites(daInput, commitment, uint256(header.rowCommitment));
        if (y != uint256(header.writesEvaluation) || len != header.writesLength) {
            revert RollupCalldataWritesMismatch(
                header.batchNumber, y, uint256(header.writesEvaluation), len, header.writesLength
            );
        }
    }

    /// @notice The policy kind: keccak256("fractal.da.rollup-calldata.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32) {
        return _POLICY_KIND;
    }
}
