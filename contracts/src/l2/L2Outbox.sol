// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Outbox} from "./IL2Outbox.sol";
import {L2OutboxBlockFull, L2OutboxPayloadTooLarge} from "./L2Errors.sol";

/// @title L2Outbox
/// @notice Numbers and announces the messages that leave a Fractal chain, at FractalConstants.L2_OUTBOX.
/// @dev Note:
/// - Its runtime code is placed in genesis (no constructor runs, no immutables). Storage: slot 0 holds
///   the next nonce (`uint64`, in the slot's low 8 bytes); genesis leaves it 0, so the first message is
///   number 0. Slot 1 holds the block the last message was sent in (low 8 bytes) and how many messages
///   that block sent (the next 8 bytes) (docs/encodings.md, "Genesis storage of the system contracts").
/// - Nothing is hashed here: the node computes each message's Poseidon leaf from the `MessageSent` event,
///   with `sourceChainId = block.chainid`.
/// - A block sends at most `MAX_MESSAGES_PER_BLOCK` messages: the batch proof's circuit holds 16 message
///   leaves, and the node never splits a block across batches, so a block with more would make a batch
///   nobody can prove and stop the chain's settlement. The node closes a batch before it holds more than
///   16 (`[batch] max_messages`).
contract L2Outbox is IL2Outbox {
    // ------------------------------------------------------------------ constants

    /// @notice Largest payload a message may carry, in bytes.
    uint256 public constant MAX_PAYLOAD = 1024;

    /// @notice Most messages one block may send (the batch circuit's message capacity).
    uint256 public constant MAX_MESSAGES_PER_BLOCK = 16;

    // ------------------------------------------------------------------ types

    /// @dev How many messages a block sent (a struct starts its own slot: slot 1).
    struct BlockCount {
        uint64 blockNumber;
        uint64 count;
    }

    // ------------------------------------------------------------------ storage

    /// @dev Slot 0: the nonce of the next message.
    uint64 private _nextNonce;

    /// @dev Slot 1: the block of the last message and how many that block sent.
    BlockCount private _sent;

    // ------------------------------------------------------------------ messages

    /// @inheritdoc IL2Outbox
    function sendMessage(uint64 destinationChainId, address recipient, bytes calldata payload)
        external
        returns (uint64 nonce)
    {
        if (payload.length > MAX_PAYLOAD) {
            revert L2OutboxPayloadTooLarge(payload.length, MAX_PAYLOAD);
        }
        uint64 blockNumber = uint64(block.number);
        BlockCount memory sent = _sent;
        uint64 count = sent.blockNumber == blockNumber ? sent.count : 0;
        if (count >= MAX_MESSAGES_PER_BLOCK) {
            revert L2OutboxBlockFull(blockNumber, MAX_MESSAGES_PER_BLOCK);
        }
        _sent = BlockCount({blockNumber: blockNumber, count: count + 1});
        nonce = _nextNonce;
        _nextNonce = nonce + 1;
        emit MessageSent(nonce, msg.sender, destinationChainId, recipient, payload);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IL2Outbox
    function nextNonce() external view returns (uint64) {
        return _nextNonce;
    }

    /// @inheritdoc IL2Outbox
    function sentThisBlock() external view returns (uint256) {
        BlockCount memory sent = _sent;
        return sent.blockNumber == uint64(block.number) ? sent.count : 0;
    }
}
