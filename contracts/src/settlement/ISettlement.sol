// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "./BatchLib.sol";

/// @title ISettlement
/// @notice One child chain's settlement on its parent: batches are committed (with their data checked by
/// the chain's DA policy), proven (public input computed here from the committed header), executed in
/// order, or reverted while not yet executed.
interface ISettlement {
    /// @notice Initialization parameters, filled in by the registry.
    struct InitParams {
        uint256 chainId;
        address verifier;
        address daPolicy;
        address priorityQueue;
        address admin;
        address operator;
        bytes32 genesisStateRoot;
        uint64 genesisTimestamp;
    }

    /// @notice The chain was set up with its genesis state (batch 0).
    event ChainInitialized(uint256 indexed chainId, bytes32 genesisStateRoot, bytes32 genesisBatchHash);
    /// @notice A batch header was committed.
    event BatchCommitted(
        uint64 indexed batchNumber, bytes32 batchHash, bytes32 newStateRoot, bytes32 messageRoot
    );
    /// @notice A committed batch's proof was accepted.
    event BatchProven(uint64 indexed batchNumber, bytes32 batchHash);
    /// @notice A proven batch was executed: its state and message roots are final on this chain.
    event BatchExecuted(uint64 indexed batchNumber, bytes32 stateRoot, bytes32 messageRoot);
    /// @notice Batches after `lastKept` were reverted (they were committed but not executed).
    event BatchesReverted(uint64 lastKept, uint64 lastCommittedBefore);
    /// @notice An operator was added or removed.
    event OperatorSet(address indexed operator, bool allowed);
    /// @notice An admin transfer was started.
    event AdminTransferStarted(address indexed currentAdmin, address indexed pendingAdmin);
    /// @notice The admin changed.
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);
    /// @notice The chain was frozen; users exit from the last executed state.
    event ChainFrozen(uint256 indexed chainId, uint64 lastExecutedBatch, bytes32 stateRoot);

    /// @notice Commits batches in order. For each header the DA policy checks `daInputs[i]` with the
    /// header (`IDAPolicy.checkAvailability`) and the header must carry its commitment, continue the
    /// previous state root, have every field a circuit opens in the BN254 scalar field, and consume
    /// priority operations the queue has, with the queue's rolling hash at that point.
    /// @param headers Consecutive batch headers, the first one numbered `totalBatchesCommitted() + 1`.
    /// @param daInputs One DA-policy input per header.
    function commitBatches(BatchHeader[] calldata headers, bytes[] calldata daInputs) external;

    /// @notice Proves committed batches in order; each proof is checked against public inputs computed
    /// here from the committed header.
    /// @param headers The committed headers, the first one numbered `totalBatchesProven() + 1`.
    /// @param proofs One proof per header, in the verifier's encoding.
    function proveBatches(BatchHeader[] calldata headers, bytes[] calldata proofs) external;

    /// @notice Executes proven batches in order: records their state and message roots and consumes
    /// their priority operations from the queue.
    /// @param headers The proven headers, the first one numbered `totalBatchesExecuted() + 1`.
    function executeBatches(BatchHeader[] calldata headers) external;

    /// @notice Reverts every committed batch after `lastKept`, which must not be before the last
    /// executed batch.
    /// @param lastKept The header of the last batch to keep (the genesis header to keep none).
    function revertBatches(BatchHeader calldata lastKept) external;

    /// @notice Freezes the chain; only its priority queue calls this, when a request missed its deadline.
    function freeze() external;

    /// @notice Adds or removes an operator. Admin only.
    /// @param operator The account.
    /// @param allowed Whether it may commit, prove, execute and revert batches.
    function setOperator(address operator, bool allowed) external;

    /// @notice Starts moving the admin role to `newAdmin`, who must accept. Admin only.
    /// @param newAdmin The proposed admin.
    function transferAdmin(address newAdmin) external;

    /// @notice Accepts a pending admin transfer. Pending admin only.
    function acceptAdmin() external;

    /// @notice The chain id of the child chain.
    /// @return The chain id.
    function chainId() external view returns (uint256);

    /// @notice Whether the chain is frozen.
    /// @return True once frozen (frozen is final).
    function isFrozen() external view returns (bool);

    /// @notice The number of the last committed batch.
    /// @return The batch number.
    function totalBatchesCommitted() external view returns (uint64);

    /// @notice The number of the last proven batch.
    /// @return The batch number.
    function totalBatchesProven() external view returns (uint64);

    /// @notice The number of the last executed batch.
    /// @return The batch number.
    function totalBatchesExecuted() external view returns (uint64);

    /// @notice The stored hash of committed batch `batchNumber` (zero when not committed).
    /// @param batchNumber The batch.
    /// @return The header hash.
    function batchHash(uint64 batchNumber) external view returns (bytes32);

    /// @notice The state root after executed batch `batchNumber` (zero when not executed).
    /// @param batchNumber The batch.
    /// @return The state root.
    function stateRoot(uint64 batchNumber) external view returns (bytes32);

    /// @notice The message root of executed batch `batchNumber` (zero when not executed).
    /// @param batchNumber The batch.
    /// @return The message root.
    function messageRoot(uint64 batchNumber) external view returns (bytes32);

    /// @notice The state root after the last executed batch.
    /// @return The state root.
    function lastExecutedStateRoot() external view returns (bytes32);

    /// @notice The proof's public inputs for `header` on this chain (version 2, docs/encodings.md).
    /// @dev Reverts with `PubdataEvaluationNotInField` when `header.rowCommitment` is not a field element.
    /// @param header A batch header.
    /// @return The public inputs, as passed to the verifier.
    function publicInputs(BatchHeader calldata header) external view returns (uint256[] memory);
}
