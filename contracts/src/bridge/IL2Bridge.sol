// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IL2Bridge
/// @notice The part of the child chain's bridge system contract (at FractalConstants.L2_BRIDGE) that the
/// parent's vault calls through the priority queue. The bridge keeps token balances as
/// `mapping(address l1Token => mapping(address account => uint256))` at storage slot 0, which is what
/// exits from a frozen chain prove against (docs/state.md).
interface IL2Bridge {
    /// @notice A deposit from the parent was credited.
    /// @param l1Token The token on the parent.
    /// @param from The depositor on the parent.
    /// @param to The recipient here.
    /// @param amount The amount credited.
    event DepositFinalized(address indexed l1Token, address indexed from, address indexed to, uint256 amount);

    /// @notice A withdrawal to the parent started: the outbox message `nonce` carries it.
    /// @param l1Token The token on the parent (zero for ether).
    /// @param from The account here that withdrew.
    /// @param to The recipient on the parent.
    /// @param amount The amount.
    /// @param nonce The outbox nonce of the withdrawal message.
    event WithdrawalInitiated(
        address indexed l1Token, address indexed from, address indexed to, uint256 amount, uint64 nonce
    );

    /// @notice Bridged tokens moved between accounts on this chain.
    /// @param l1Token The token on the parent.
    /// @param from The sender.
    /// @param to The recipient.
    /// @param amount The amount.
    event Transfer(address indexed l1Token, address indexed from, address indexed to, uint256 amount);

    /// @notice Mints `amount` of the bridged `l1Token` to `to`; accepted only from the aliased parent vault.
    /// @dev The vault's priority operation calls it (`l2Sender = alias(vault)`); any other caller, and any
    /// caller on a chain without a parent, gets `L2BridgeNotVault(caller, expected)`.
    /// @param l1Token The token on the parent chain.
    /// @param from The depositor on the parent chain.
    /// @param to The recipient on the child chain.
    /// @param amount The amount the vault received.
    function finalizeDeposit(address l1Token, address from, address to, uint256 amount) external;

    /// @notice Withdraws `msg.value` ether to `to` on the parent: the ether stays locked here and the
    /// parent's vault releases the same amount once the batch holding the message is executed.
    /// @dev The ether is never released on this chain: it was minted by a deposit, and locking it is the
    /// burn. Sends `(address(0), to, msg.value)` to the parent's vault through the outbox. Reverts with
    /// `L2BridgeZeroAmount` (no value), `L2BridgeZeroAddress` (`to` zero) or `L2BridgeNoParent`, and with
    /// the outbox's `L2OutboxBlockFull` when this block already sent 16 messages.
    /// @param to The recipient on the parent.
    /// @return nonce The outbox nonce of the withdrawal message.
    function withdraw(address to) external payable returns (uint64 nonce);

    /// @notice Withdraws `amount` of the bridged `l1Token` from `msg.sender` to `to` on the parent.
    /// @dev Debits the ledger and sends `(l1Token, to, amount)` to the parent's vault through the outbox.
    /// Reverts with `L2BridgeZeroAddress` (`l1Token` or `to` zero), `L2BridgeInsufficientBalance`,
    /// `L2BridgeZeroAmount` or `L2BridgeNoParent`, and with the outbox's `L2OutboxBlockFull` when this
    /// block already sent 16 messages.
    /// @param l1Token The token on the parent.
    /// @param to The recipient on the parent.
    /// @param amount The amount, taken from `msg.sender`'s balance here.
    /// @return nonce The outbox nonce of the withdrawal message.
    function withdrawToken(address l1Token, address to, uint256 amount) external returns (uint64 nonce);

    /// @notice Moves `amount` of the bridged `l1Token` from `msg.sender` to `to` on this chain.
    /// @dev Reverts with `L2BridgeZeroAddress` (`to` zero) or `L2BridgeInsufficientBalance`.
    /// @param l1Token The token on the parent.
    /// @param to The recipient.
    /// @param amount The amount.
    function transfer(address l1Token, address to, uint256 amount) external;

    /// @notice The bridged balance of `account` in `l1Token`.
    /// @param l1Token The token on the parent.
    /// @param account The account.
    /// @return The balance.
    function balanceOf(address l1Token, address account) external view returns (uint256);

    /// @notice The parent's BridgeVault (zero on a chain without a parent).
    /// @return The vault's address on the parent.
    function vault() external view returns (address);

    /// @notice The parent chain's id (zero on a chain without a parent).
    /// @return The chain id.
    function parentChainId() external view returns (uint256);
}
