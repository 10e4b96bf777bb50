// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

// Custom errors of the registry area, sorted by name.

/// @dev The bridge vault was already set (it is set once).
error RegistryBridgeVaultAlreadySet(address vault);
/// @dev No bridge vault is set yet, so no chain can be registered.
error RegistryBridgeVaultNotSet();
/// @dev The caller is not the chain's admin.
error RegistryCallerNotChainAdmin(uint256 chainId, address caller);
/// @dev The caller is not the deployer (only the deployer wires the vault, once).
error RegistryCallerNotDeployer(address caller);
/// @dev The chain id is zero, too large, or the id of the chain hosting this registry.
error RegistryChainIdInvalid(uint256 chainId);
/// @dev The chain id is already registered here.
error RegistryChainIdTaken(uint256 chainId);
/// @dev The label is empty, too long, or has characters outside [a-z0-9-] (or a leading/trailing '-').
error RegistryLabelInvalid(string label);
/// @dev The full name is already registered here.
error RegistryNameTaken(string name);
/// @dev The priority-queue delay is outside the accepted range.
error RegistryPriorityDelayOutOfRange(uint64 delay, uint64 min, uint64 max);
/// @dev The RPC hint is longer than accepted.
error RegistryRpcHintTooLong(uint256 length, uint256 max);
/// @dev No chain has this id here.
error RegistryUnknownChain(uint256 chainId);
/// @dev No chain has this name here.
error RegistryUnknownName(string name);
/// @dev No chain has this settlement contract here.
error RegistryUnknownSettlement(address settlement);
/// @dev The zero address was passed where a contract or account is required.
error RegistryZeroAddress();
