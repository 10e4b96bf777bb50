// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {FractalConstants} from "./Constants.sol";

/// @title Hashing
/// @notice The circuit-friendly hashes shared by contracts, node, prover and relayer: message leaves,
/// the per-batch message tree, and the state tree (a circomlib-layout sparse Merkle tree). All of them
/// use Poseidon over BN254 with circomlib's parameters. `docs/encodings.md` and `docs/state.md` are
/// the normative descriptions.
/// @dev Note: every value handed to Poseidon must already be a field element; callers reduce first.
library Hashing {
    /// @notice A cross-chain message as it leaves the outbox of `sourceChainId`.
    struct Message {
        uint64 sourceChainId;
        uint64 nonce;
        address sender;
        uint64 destinationChainId;
        address recipient;
        bytes payload;
    }

    /// @notice Poseidon hash of arbitrary bytes: seeded with the byte length, then one Poseidon(h, chunk)
    /// per 31-byte big-endian chunk (the last chunk right-padded with zeros).
    function payloadHash(bytes memory payload) internal pure returns (uint256 h) {
        h = payload.length;
        uint256 len = payload.length;
        for (uint256 offset = 0; offset < len; offset += 31) {
            uint256 word;
            // Reads 32 bytes at `offset`; bytes past the end are masked off below.
            assembly ("memory-safe") {
                word := mload(add(add(payload, 0x20), offset))
            }
            uint256 take = len - offset < 31 ? len - offset : 31;
            // Keep the first `take` bytes of the word, as the high bytes of a 31-byte big-endian chunk.
            word = (word >> 8) & ~((uint256(1) << (8 * (31 - take))) - 1) & ((uint256(1) << 248) - 1);
            h = PoseidonT3.hash([h, word]);
        }
    }

    /// @notice The leaf of a message in its batch's message tree.
    function messageLeaf(Message memory m) internal pure returns (uint256) {
        uint256 head = PoseidonT4.hash(
            [
                (uint256(m.sourceChainId) << 64) | uint256(m.nonce),
                uint256(uint160(m.sender)),
                (uint256(m.destinationChainId) << 160) | uint256(uint160(m.recipient))
            ]
        );
        return PoseidonT3.hash([head, payloadHash(m.payload)]);
    }

    /// @notice Recomputes a fixed-depth binary Poseidon Merkle root from a leaf, its index and its
    /// siblings (bottom-up). Returns 0 when the proof has the wrong length or the index is out of range.
    function merkleRoot(uint256 leaf, uint256 index, uint256[] memory siblings)
        internal
        pure
        returns (uint256)
    {
        if (siblings.length != FractalConstants.MESSAGE_TREE_DEPTH) return 0;
        if (index >> FractalConstants.MESSAGE_TREE_DEPTH != 0) return 0;
        uint256 node = leaf;
        for (uint256 level = 0; level < siblings.length; ++level) {
            node = (index >> level) & 1 == 0
                ? PoseidonT3.hash([node, siblings[level]])
                : PoseidonT3.hash([siblings[level], node]);
        }
        return node;
    }

    /// @notice The state-tree key of an account field or storage slot: keccak256(kind ‖ address ‖ slot)
    /// reduced modulo the field.
    function stateKey(uint8 kind, address account, bytes32 slot) internal pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(kind, account, slot))) % FractalConstants.FIELD_MODULUS;
    }

    /// @notice A 256-bit word as one field element: Poseidon(high 128 bits, low 128 bits).
    function wordHash(uint256 word) internal pure returns (uint256) {
        return PoseidonT3.hash([word >> 128, word & type(uint128).max]);
    }

    /// @notice The state tree's leaf hash for `key` holding the 256-bit `value` (circomlib layout:
    /// Poseidon(key, valueHash, 1)).
    function stateLeaf(uint256 key, uint256 value) internal pure returns (uint256) {
        return PoseidonT4.hash([key, wordHash(value), 1]);
    }

    /// @notice Recomputes the state root from an inclusion proof in the sparse Merkle tree: the leaf sits
    /// at depth `siblings.length`, its path is the key's bits from the least significant one, and
    /// `siblings[0]` is the sibling next to the root.
    function stateRoot(uint256 key, uint256 value, uint256[] memory siblings)
        internal
        pure
        returns (uint256)
    {
        uint256 depth = siblings.length;
        if (depth > 254) return 0;
        uint256 node = stateLeaf(key, value);
        for (uint256 i = depth; i > 0; --i) {
            uint256 level = i - 1;
            node = (key >> level) & 1 == 0
                ? PoseidonT3.hash([node, siblings[level]])
                : PoseidonT3.hash([siblings[level], node]);
        }
        return node;
    }
}
