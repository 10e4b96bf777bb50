// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../common/Constants.sol";
import {PubdataEvaluation} from "../da/PubdataEvaluation.sol";

/// @notice The header a child chain's operator commits for each batch (docs/encodings.md, "Batch header").
/// @dev Roots that circuits open (state, message, child and imported roots, the row commitment and the
/// writes' evaluation) are BN254 field elements; the pubdata commitment and the priority-operation rolling
/// hash are keccak256 values.
struct BatchHeader {
    /// @dev Batch number, starting at 1 (batch 0 is the genesis state).
    uint64 batchNumber;
    /// @dev Timestamp of the batch's last block.
    uint64 timestamp;
    /// @dev Priority operations consumed since genesis, counting this batch (cumulative).
    uint64 priorityOpsCount;
    /// @dev State root before the batch; equals the previous batch's `newStateRoot`.
    bytes32 prevStateRoot;
    /// @dev State root after the batch.
    bytes32 newStateRoot;
    /// @dev The DA policy's commitment to the batch's data.
    bytes32 pubdataCommitment;
    /// @dev Root of the batch's message tree (messages this chain sent in the batch).
    bytes32 messageRoot;
    /// @dev The priority queue's rolling hash after the last operation this batch consumed.
    bytes32 priorityOpsHash;
    /// @dev Aggregated root of the message roots of this chain's own children, as of the batch's end.
    bytes32 childRootsAggregated;
    /// @dev Commitment to the roots this batch imported from its parent (zero when none).
    bytes32 importedRootsHash;
    /// @dev P, the commitment to the pubdata's write rows (docs/proofs.md, "The wiring").
    bytes32 rowCommitment;
    /// @dev y, the write run's evaluation at z, the point of `pubdataCommitment` and `rowCommitment`.
    bytes32 writesEvaluation;
    /// @dev The write run's byte length (the pubdata header's `writesLength`).
    uint32 writesLength;
}

/// @title BatchLib
/// @notice Hashing and public-input encoding of batch headers, shared with the node, prover and relayer.
library BatchLib {
    /// @dev Version tag of the public-input layout; bump with any change to `publicInputs`.
    uint256 internal constant PUBLIC_INPUT_VERSION = 2;

    /// @dev Number of public inputs produced by `publicInputs`.
    uint256 internal constant PUBLIC_INPUT_COUNT = 17;

    /// @notice The hash under which a committed header is stored: keccak256 of its ABI encoding.
    function hash(BatchHeader memory header) internal pure returns (bytes32) {
        return keccak256(abi.encode(header));
    }

    /// @notice Whether every field a circuit opens is an element of the BN254 scalar field.
    function fieldsInRange(BatchHeader memory header) internal pure returns (bool) {
        uint256 r = FractalConstants.FIELD_MODULUS;
        return uint256(header.prevStateRoot) < r && uint256(header.newStateRoot) < r
            && uint256(header.messageRoot) < r && uint256(header.childRootsAggregated) < r
            && uint256(header.importedRootsHash) < r && uint256(header.rowCommitment) < r
            && uint256(header.writesEvaluation) < r;
    }

    /// @notice The proof's public inputs for `header` on chain `chainId` (docs/encodings.md, "Public input").
    /// @dev Version 2, 17 elements. 256-bit hashes (pubdata commitment, priority rolling hash) are split
    /// into high and low 128-bit halves so that nothing is reduced away; field-valued roots go in whole.
    /// The write binding follows: the evaluation point
    /// `z = keccak256(abi.encode(pubdataCommitment, rowCommitment)) mod r`, then `writesEvaluation`,
    /// `rowCommitment` and `writesLength`. Reverts with `PubdataEvaluationNotInField` when `rowCommitment`
    /// is not a field element (a committed header never is: `fieldsInRange`).
    function publicInputs(uint256 chainId, BatchHeader memory header)
        internal
        pure
        returns (uint256[] memory pi)
    {
        pi = new uint256[](PUBLIC_INPUT_COUNT);
        pi[0] = PUBLIC_INPUT_VERSION;
        pi[1] = chainId;
        pi[2] = header.batchNumber;
        pi[3] = uint256(header.prevStateRoot);
        pi[4] = uint256(header.newStateRoot);
        pi[5] = uint256(header.pubdataCommitment) >> 128;
        pi[6] = uint256(header.pubdataCommitment) & type(uint128).max;
        pi[7] = uint256(header.messageRoot);
        pi[8] = uint256(header.priorityOpsHash) >> 128;
        pi[9] = uint256(header.priorityOpsHash) & type(uint128).max;
        pi[10] = (uint256(header.priorityOpsCount) << 64) | uint256(header.timestamp);
        pi[11] = uint256(header.childRootsAggregated);
        pi[12] = uint256(header.importedRootsHash);
        pi[13] = PubdataEvaluation.challenge(header.pubdataCommitment, uint256(header.rowCommitment));
        pi[14] = uint256(header.writesEvaluation);
        pi[15] = uint256(header.rowCommitment);
        pi[16] = header.writesLength;
    }
}
