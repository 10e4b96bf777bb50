// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

// Custom errors of the settlement area (Settlement, PriorityQueue), sorted by name.

/// @dev The caller is not the chain's settlement contract.
error QueueCallerNotSettlement(address caller);
/// @dev The caller is not the bridge vault.
error QueueCallerNotVault(address caller);
/// @dev The chain of this queue is frozen: it takes no new requests.
error QueueChainFrozen(uint256 chainId);
/// @dev Consumption would go past the end of the queue or backwards.
error QueueConsumeOutOfRange(uint64 head, uint64 newHead, uint64 length);
/// @dev The request's calldata is larger than the queue accepts.
error QueueDataTooLarge(uint256 size, uint256 max);
/// @dev The requested gas limit is outside what the child chain executes.
error QueueGasLimitOutOfRange(uint256 gasLimit, uint256 min, uint256 max);
/// @dev The minted value does not fit the queue's 96-bit accounting.
error QueueMintTooLarge(uint256 mint);
/// @dev The oldest unprocessed request is still within its deadline (or there is none).
error QueueNotOverdue(uint64 head, uint64 length);
/// @dev The rolling hash at the consumption point is not the expected one.
error QueueRollingHashMismatch(uint64 index, bytes32 expected, bytes32 actual);
/// @dev No request has this index.
error QueueUnknownRequest(uint64 index, uint64 length);
/// @dev The refund recipient is the zero address.
error QueueZeroRefundRecipient();
/// @dev The header passed back does not match the one committed for that batch.
error SettlementBatchHashMismatch(uint64 batchNumber, bytes32 expected, bytes32 actual);
/// @dev The batch has not been committed (or was reverted).
error SettlementBatchNotCommitted(uint64 batchNumber);
/// @dev Execution was requested for a batch that has no accepted proof yet.
error SettlementBatchNotProven(uint64 batchNumber, uint64 lastProven);
/// @dev A batch header is used where another batch number was expected.
error SettlementBatchNumberMismatch(uint64 expected, uint64 actual);
/// @dev The caller is not the chain's admin.
error SettlementCallerNotAdmin(address caller);
/// @dev The caller is not an operator of the chain.
error SettlementCallerNotOperator(address caller);
/// @dev The caller is not the pending admin.
error SettlementCallerNotPendingAdmin(address caller);
/// @dev The caller is not the chain's priority queue.
error SettlementCallerNotQueue(address caller);
/// @dev Revert target lies before the last executed batch or after the last committed one.
error SettlementCannotRevert(uint64 target, uint64 lastExecuted, uint64 lastCommitted);
/// @dev The chain is frozen: it accepts no batches any more.
error SettlementChainFrozen(uint256 chainId);
/// @dev A root that circuits open is not an element of the BN254 scalar field.
error SettlementFieldOutOfRange(uint64 batchNumber);
/// @dev Imported roots are not accepted yet by this version of the contracts.
error SettlementImportedRootsUnsupported(uint64 batchNumber);
/// @dev The proof was rejected by the verifier.
error SettlementInvalidProof(uint64 batchNumber);
/// @dev Two arrays that must be parallel have different lengths.
error SettlementLengthMismatch(uint256 headers, uint256 other);
/// @dev Nothing was passed.
error SettlementNoBatches();
/// @dev The header does not continue the previous batch's state root.
error SettlementPrevStateRootMismatch(uint64 batchNumber, bytes32 expected, bytes32 actual);
/// @dev The header consumes priority operations the queue does not have, or goes backwards.
error SettlementPriorityCountInvalid(uint64 batchNumber, uint64 previous, uint64 claimed, uint64 available);
/// @dev The header's priority-operation rolling hash is not the queue's hash at that position.
error SettlementPriorityHashMismatch(uint64 batchNumber, bytes32 expected, bytes32 actual);
/// @dev The DA policy's commitment differs from the header's.
error SettlementPubdataCommitmentMismatch(uint64 batchNumber, bytes32 expected, bytes32 actual);
/// @dev The timestamp goes backwards or lies too far in the future.
error SettlementTimestampInvalid(uint64 batchNumber, uint64 previous, uint64 timestamp, uint256 maxAllowed);
/// @dev The zero address was passed where an account is required.
error SettlementZeroAddress();
