// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title FractalConstants
/// @notice Values every Fractal component agrees on. `docs/encodings.md` is the normative text;
/// the Rust crate `fractal-primitives` carries the same values and tests check both against shared vectors.
library FractalConstants {
    /// @dev The BN254 scalar field modulus: every root the circuits touch is an element of this field.
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @dev Depth of the per-batch message tree (at most 2^10 = 1,024 messages per batch).
    uint256 internal constant MESSAGE_TREE_DEPTH = 10;

    /// @dev Offset added to a contract sender's address when its priority operation executes on the child
    /// chain, so that an L1 contract cannot impersonate an account with the same address on the child.
    uint160 internal constant ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

    /// @dev Outbox system contract, predeployed at genesis on every Fractal chain.
    address internal constant L2_OUTBOX = address(0x0000000000000000000000000000000000010001);
    /// @dev Inbox system contract (imported roots, claim nullifiers), predeployed on every Fractal chain.
    address internal constant L2_INBOX = address(0x0000000000000000000000000000000000010002);
    /// @dev Bridge system contract (mints deposits, burns withdrawals), predeployed on every Fractal chain.
    address internal constant L2_BRIDGE = address(0x0000000000000000000000000000000000010003);
    /// @dev The `PoseidonT3` library of poseidon-solidity (Poseidon of 2 inputs), predeployed on every
    /// Fractal chain: the genesis outbox is linked against it.
    address internal constant POSEIDON_T3 = address(0x0000000000000000000000000000000000010004);
    /// @dev The `PoseidonT4` library of poseidon-solidity (Poseidon of 3 inputs), predeployed on every
    /// Fractal chain: the genesis outbox is linked against it.
    address internal constant POSEIDON_T4 = address(0x0000000000000000000000000000000000010005);

    /// @dev State-key kinds (see docs/state.md).
    uint8 internal constant STATE_KIND_STORAGE = 0;
    uint8 internal constant STATE_KIND_NONCE = 1;
    uint8 internal constant STATE_KIND_BALANCE = 2;
    uint8 internal constant STATE_KIND_CODE_HASH = 3;

    /// @dev Storage slot of the bridge system contract's `mapping(address l1Token => mapping(address => uint256))`
    /// of bridged-token balances.
    uint256 internal constant L2_BRIDGE_BALANCES_SLOT = 0;
}
