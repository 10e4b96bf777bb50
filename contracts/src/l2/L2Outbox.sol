// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Outbox} from "./IL2Outbox.sol";
import {L2OutboxPayloadTooLarge} from "./L2Errors.sol";

/// @title L2Outbox
/// @notice Numbers and announces the messages that leave a Fractal chain. Its runtime code is placed at
/// FractalConstants.L2_OUTBOX in genesis (no constructor runs). Storage: slot 0 holds the next nonce.
/// @dev Nothing is hashed here: the node computes each message's Poseidon leaf from the event.
contract L2Outbox is IL2Outbox {
    /// @notice Largest payload a message may carry, in bytes.
    uint256 public constant MAX_PAYLOAD = 1024;

    uint64 private _nextNonce;

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

    /// @inheritdoc IL2Outbox
    function nextNonce() external view returns (uint64) {
        return _nextNonce;
    }
}
