// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IL2Outbox
/// @notice The outbox system contract of every Fractal chain (FractalConstants.L2_OUTBOX). It numbers the
/// chain's outgoing messages and folds each one's leaf into a Poseidon chain in its storage
/// (`messageChain()`); the node collects its `MessageSent` events into each batch's Poseidon message tree
/// (docs/encodings.md, "Messages"), whose root the parent's Settlement stores, and the batch proof checks
/// the batch's leaves against the chain.
/// @dev Note: an event carries every field of `Message` except `sourceChainId`, which is the chain's own
/// id (`block.chainid`) for every message of its outbox.
interface IL2Outbox {
    /// @notice A message left this chain (its `sourceChainId` is this chain's id).
    /// @param nonce Its number in this chain's outbox (from 0; unique per source chain).
    /// @param sender The account that sent it (`msg.sender` of `sendMessage`).
    /// @param destinationChainId The chain it is for.
    /// @param recipient The account it is for on that chain.
    /// @param payload Its contents (at most 1,024 bytes).
    event MessageSent(
        uint64 indexed nonce,
        address indexed sender,
        uint64 indexed destinationChainId,
        address recipient,
        bytes payload
    );

    /// @notice Sends a message from `msg.sender` to `recipient` on chain `destinationChainId`.
    /// @dev Reverts with `L2OutboxPayloadTooLarge` when `payload` is longer than 1,024 bytes, and with
    /// `L2OutboxBlockFull` when this block already sent 16 messages (`L2Outbox.MAX_MESSAGES_PER_BLOCK`,
    /// the batch proof's message capacity): send it in a later block.
    /// @param destinationChainId The destination chain.
    /// @param recipient The recipient there.
    /// @param payload The contents, at most 1,024 bytes (`L2Outbox.MAX_PAYLOAD`).
    /// @return nonce The message's number: the previous `nextNonce()`.
    function sendMessage(uint64 destinationChainId, address recipient, bytes calldata payload)
        external
        returns (uint64 nonce);

    /// @notice The nonce the next message gets (the number of messages sent so far).
    /// @return The next nonce.
    function nextNonce() external view returns (uint64);

    /// @notice The chain of every message leaf this outbox sent: 0 before the first message, then
    /// `Poseidon(chain, leaf)` after each (`Hashing.messageChainStep`), `leaf` being the message's
    /// `Hashing.messageLeaf` with `sourceChainId = block.chainid`. Storage slot 2 holds it.
    /// @dev The batch proof checks that the leaves of a batch's messages, in nonce order, fold the value
    /// before the batch into the value after it (docs/encodings.md, "Outbox").
    /// @return The chain, a BN254 field element.
    function messageChain() external view returns (uint256);

    /// @notice How many messages the current block has sent so far (at most 16).
    /// @return The count for `block.number`.
    function sentThisBlock() external view returns (uint256);
}
