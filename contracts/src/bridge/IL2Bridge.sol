// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IL2Bridge
/// @notice The part of the child chain's bridge system contract (at FractalConstants.L2_BRIDGE) that the
/// parent's vault calls through the priority queue. The bridge keeps token balances as
/// `mapping(address l1Token => mapping(address account => uint256))` at storage slot 0, which is what
/// exits from a frozen chain prove against (docs/state.md).
interface IL2Bridge {
    /// @notice Mints `amount` of the bridged `l1Token` to `to`; accepted only from the aliased parent vault.
    /// @param l1Token The token on the parent chain.
    /// @param from The depositor on the parent chain.
    /// @param to The recipient on the child chain.
    /// @param amount The amount the vault received.
    function finalizeDeposit(address l1Token, address from, address to, uint256 amount) external;
}
