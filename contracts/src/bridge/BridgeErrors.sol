// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

// Custom errors of the bridge area, sorted by name.

/// @dev The account already exited this token from this frozen chain.
error VaultAlreadyExited(uint256 chainId, address token, address account);
/// @dev The batch is not executed on this chain's settlement yet (or is batch 0).
error VaultBatchNotExecuted(uint256 chainId, uint64 batchNumber, uint64 lastExecuted);
/// @dev The chain is frozen: no new deposits.
error VaultChainFrozen(uint256 chainId);
/// @dev The chain is not frozen, so exits and reclaims are closed.
error VaultChainNotFrozen(uint256 chainId);
/// @dev The deposit was already reclaimed.
error VaultDepositAlreadyReclaimed(uint256 chainId, uint64 index);
/// @dev The request was consumed by an executed batch: its funds are on the child chain.
error VaultDepositConsumed(uint256 chainId, uint64 index, uint64 head);
/// @dev An ether transfer out of the vault failed.
error VaultEthTransferFailed(address to, uint256 amount);
/// @dev The chain's balance in this token cannot cover the release.
error VaultInsufficientChainBalance(uint256 chainId, address token, uint256 balance, uint256 amount);
/// @dev The message's Merkle proof does not lead to the batch's message root.
error VaultInvalidMessageProof(
    uint256 chainId, uint64 batchNumber, bytes32 expectedRoot, bytes32 computedRoot
);
/// @dev The state proof does not lead to the chain's last executed state root.
error VaultInvalidStateProof(uint256 chainId, bytes32 expectedRoot, bytes32 computedRoot);
/// @dev The withdrawal payload is not `abi.encode(address token, address to, uint256 amount)`.
error VaultMalformedPayload(uint256 length);
/// @dev The message is not a withdrawal to this vault (wrong source, sender, destination or recipient).
error VaultNotAWithdrawal(uint256 chainId, uint64 nonce);
/// @dev The operation is not request `index` of the chain's queue.
error VaultUnknownRequest(uint256 chainId, uint64 index);
/// @dev The withdrawal was already finalized.
error VaultWithdrawalAlreadyFinalized(uint256 chainId, uint64 nonce);
/// @dev The zero address was passed where an account is required.
error VaultZeroAddress();
/// @dev Zero amount.
error VaultZeroAmount();
