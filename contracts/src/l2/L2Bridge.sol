// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Bridge} from "../bridge/IL2Bridge.sol";
import {FractalConstants} from "../common/Constants.sol";
import {IL2Outbox} from "./IL2Outbox.sol";
import {
    L2BridgeInsufficientBalance,
    L2BridgeNoParent,
    L2BridgeNotVault,
    L2BridgeZeroAddress,
    L2BridgeZeroAmount
} from "./L2Errors.sol";

/// @title L2Bridge
/// @notice The bridge system contract of every Fractal chain, at FractalConstants.L2_BRIDGE. Ether
/// deposits arrive as priority operations that mint to the recipient directly; token deposits arrive
/// through `finalizeDeposit` and are kept in a ledger. Withdrawals leave as outbox messages to the
/// parent's BridgeVault with `payload = abi.encode(l1Token, to, amount)` (docs/encodings.md, "Messages").
/// @dev Note:
/// - Its runtime code is placed in genesis, with no constructor and no immutables; the node writes its
///   configuration into storage (docs/encodings.md, "Genesis storage of the system contracts"):
///   slot 0 — `mapping(address l1Token => mapping(address account => uint256))`, the bridged-token ledger
///   that exits from a frozen chain prove against (docs/state.md); slot 1 — the parent's vault (an
///   address, right-aligned); slot 2 — the parent's chain id (a `uint256` word holding a value in
///   1..2^64-1). Nothing writes slots 1 and 2 after genesis.
/// - A chain without a parent leaves slots 1 and 2 zero: it refuses deposits (`L2BridgeNotVault`) and
///   withdrawals (`L2BridgeNoParent`).
/// - Ether withdrawn with `withdraw` stays locked here forever: it was minted by a deposit, and locking
///   it is the burn (the vault on the parent holds the matching ether and releases it). The contract
///   has no `receive`, so ether arrives only through `withdraw`.
contract L2Bridge is IL2Bridge {
    // ------------------------------------------------------------------ storage (genesis layout)

    /// @dev Slot 0: the ledger. Must stay the first variable (docs/state.md).
    mapping(address l1Token => mapping(address account => uint256)) private _balances;
    /// @dev Slot 1: the parent's BridgeVault, written at genesis.
    address private _vault;
    /// @dev Slot 2: the parent's chain id, written at genesis.
    uint256 private _parentChainId;

    IL2Outbox private constant OUTBOX = IL2Outbox(FractalConstants.L2_OUTBOX);

    // ------------------------------------------------------------------ deposits

    /// @inheritdoc IL2Bridge
    function finalizeDeposit(address l1Token, address from, address to, uint256 amount) external {
        address expected = _aliasedVault();
        if (msg.sender != expected || expected == address(0)) revert L2BridgeNotVault(msg.sender, expected);
        _balances[l1Token][to] += amount;
        emit DepositFinalized(l1Token, from, to, amount);
    }

    // ------------------------------------------------------------------ withdrawals

    /// @inheritdoc IL2Bridge
    function withdraw(address to) external payable returns (uint64 nonce) {
        nonce = _withdraw(address(0), to, msg.value);
    }

    /// @inheritdoc IL2Bridge
    function withdrawToken(address l1Token, address to, uint256 amount) external returns (uint64 nonce) {
        if (l1Token == address(0)) revert L2BridgeZeroAddress();
        _debit(l1Token, msg.sender, amount);
        nonce = _withdraw(l1Token, to, amount);
    }

    // ------------------------------------------------------------------ transfers

    /// @inheritdoc IL2Bridge
    function transfer(address l1Token, address to, uint256 amount) external {
        if (to == address(0)) revert L2BridgeZeroAddress();
        _debit(l1Token, msg.sender, amount);
        _balances[l1Token][to] += amount;
        emit Transfer(l1Token, msg.sender, to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IL2Bridge
    function balanceOf(address l1Token, address account) external view returns (uint256) {
        return _balances[l1Token][account];
    }

    /// @inheritdoc IL2Bridge
    function vault() external view returns (address) {
        return _vault;
    }

    /// @inheritdoc IL2Bridge
    function parentChainId() external view returns (uint256) {
        return _parentChainId;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Sends the withdrawal message `(l1Token, to, amount)` to the parent's vault: the exact message
    /// BridgeVault.finalizeWithdrawal accepts (sender this contract, recipient the vault, destination the
    /// parent, a 96-byte payload).
    function _withdraw(address l1Token, address to, uint256 amount) private returns (uint64 nonce) {
        if (to == address(0)) revert L2BridgeZeroAddress();
        if (amount == 0) revert L2BridgeZeroAmount();
        address vault_ = _vault;
        uint256 parent = _parentChainId;
        // A chain id outside uint64 is no chain a message can reach (docs/encodings.md, "Chain ids").
        if (vault_ == address(0) || parent == 0 || parent > type(uint64).max) revert L2BridgeNoParent();
        nonce = OUTBOX.sendMessage(uint64(parent), vault_, abi.encode(l1Token, to, amount));
        emit WithdrawalInitiated(l1Token, msg.sender, to, amount, nonce);
    }

    function _debit(address l1Token, address account, uint256 amount) private {
        uint256 balance = _balances[l1Token][account];
        if (balance < amount) revert L2BridgeInsufficientBalance(l1Token, account, balance, amount);
        unchecked {
            // Cannot underflow: checked just above.
            _balances[l1Token][account] = balance - amount;
        }
    }

    /// @dev alias(vault) = vault + 0x1111…1111 mod 2^160 (PriorityQueue.applyAlias), or zero without a
    /// parent.
    function _aliasedVault() private view returns (address) {
        address vault_ = _vault;
        if (vault_ == address(0)) return address(0);
        unchecked {
            // Wrapping addition modulo 2^160 is the intended alias arithmetic.
            return address(uint160(vault_) + FractalConstants.ALIAS_OFFSET);
        }
    }
}
