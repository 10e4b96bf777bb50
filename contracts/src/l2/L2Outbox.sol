// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Outbox} from "./IL2Outbox.sol";
import {L2OutboxPayloadTooLarge} from "./L2Errors.sol";

/// @title L2Outbox
/// @notice Numbers and announces the messages that leave a Fractal chain, at FractalConstants.L2_OUTBOX.
/// @dev Note:
/// - Its runtime code is placed in genesis (no constructor runs, no immutables). Storage: slot 0 holds
///   the next nonce (`uint64`, in the slot's low 8 bytes); genesis leaves it 0, so the first message is
///   number 0 (docs/encodings.md, "Genesis storage of the system contracts").
/// - Nothing is hashed here: the node computes each message's Poseidon leaf from the `MessageSent` event,
///   with `sourceChainId = block.chainid`. The message tree holds at most 1,024 messages per batch; the
///   node, not this contract, closes a batch before it has more.
contract L2Outbox is IL2Outbox {
    // ------------------------------------------------------------------ constants

    /// @notice Largest payload a message may carry, in bytes.
    uint256 public constant MAX_PAYLOAD = 1024;

    // ------------------------------------------------------------------ storage

    /// @dev Slot 0: the nonce of the next message.
    uint64 private _nextNonce;

    // ------------------------------------------------------------------ messages

    /// @inheritdoc IL2Outbox
    function sendMessage(uint64 destinationChainId, address recipient, bytes calldata payload)
        external
        returns (uint64 nonce)
    {
        if (payload.length > MAX_PAYLOAD) {
            revert L2OutboxPayloadTooLarge(payload.length, MAX_PAYLOAD);
        }
        nonce = _nextNonce;
        _nextNonce = nonce + 1;
        emit MessageSent(nonce, msg.sender, destinationChainId, recipient, payload);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IL2Outbox
    function nextNonce() external view returns (uint64) {
        return _nextNonce;
    }
}
