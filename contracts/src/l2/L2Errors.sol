// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

// Custom errors of the child chain's system contracts, sorted by name.

/// @dev The account holds less of the bridged token than the operation moves.
error L2BridgeInsufficientBalance(address l1Token, address account, uint256 balance, uint256 amount);
/// @dev The chain has no parent configured at genesis (a standalone chain: the bridge's slots 1 and 2 are
/// zero, or slot 2 is no uint64 chain id): there is nothing to withdraw to.
error L2BridgeNoParent();
/// @dev `finalizeDeposit` came from someone other than the aliased parent vault (`expected` is zero on a
/// chain without a parent, which accepts no deposit).
error L2BridgeNotVault(address caller, address expected);
/// @dev The zero address was passed where an account or a token is required.
error L2BridgeZeroAddress();
/// @dev A withdrawal of zero (ether or tokens).
error L2BridgeZeroAmount();
/// @dev This block already sent the most messages a block may send (the batch proof's message capacity).
error L2OutboxBlockFull(uint256 blockNumber, uint256 max);
/// @dev The message payload is longer than the outbox accepts.
error L2OutboxPayloadTooLarge(uint256 length, uint256 max);
