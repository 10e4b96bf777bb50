// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Hashing} from "../common/Hashing.sol";
import {IL2Outbox} from "./IL2Outbox.sol";
import {L2OutboxBlockFull, L2OutboxPayloadTooLarge} from "./L2Errors.sol";

/// @title L2Outbox
/// @notice Numbers, records and announces the messages that leave a Fractal chain, at
/// FractalConstants.L2_OUTBOX.
/// @dev Note:
/// - Its runtime code is placed in genesis (no constructor runs, no immutables). Storage: slot 0 holds
///   the next nonce (`uint64`, in the slot's low 8 bytes); genesis leaves it 0, so the first message is
///   number 0. Slot 1 holds the block the last message was sent in (low 8 bytes) and how many messages
///   that block sent (the next 8 bytes). Slot 2 holds the message chain, a field element: 0 at genesis,
///   then `Poseidon(chain, leaf)` after each message, `leaf` being `Hashing.messageLeaf` of the message
///   with `sourceChainId = block.chainid` (docs/encodings.md, "Genesis storage of the system contracts").
///   The batch proof checks that a batch's message leaves fold its old slot-2 value into its new one.
/// - The node still reads the messages themselves from the `MessageSent` events.
/// - Its code is linked against the Poseidon libraries `PoseidonT3` and `PoseidonT4` (public functions,
///   called by DELEGATECALL), which every chain's genesis holds at FractalConstants.POSEIDON_T3 and
///   FractalConstants.POSEIDON_T4 (`tools/system-contracts` links the genesis code to those addresses).
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

    /// @dev Slot 2: the Poseidon chain of every message leaf sent so far (0 before the first).
    uint256 private _messageChain;

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
        uint256 leaf = Hashing.messageLeaf(
            Hashing.Message({
                sourceChainId: uint64(block.chainid),
                nonce: nonce,
                sender: msg.sender,
                destinationChainId: destinationChainId,
                recipient: recipient,
                payload: payload
            })
        );
        _messageChain = Hashing.messageChainStep(_messageChain, leaf);
        emit MessageSent(nonce, msg.sender, destinationChainId, recipient, payload);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IL2Outbox
    function nextNonce() external view returns (uint64) {
        return _nextNonce;
    }

    /// @inheritdoc IL2Outbox
    function messageChain() external view returns (uint256) {
        return _messageChain;
    }

    /// @inheritdoc IL2Outbox
    function sentThisBlock() external view returns (uint256) {
        BlockCount memory sent = _sent;
        return sent.blockNumber == uint64(block.number) ? sent.count : 0;
    }
}
