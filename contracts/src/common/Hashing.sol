// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {FractalConstants} from "./Constants.sol";

/// @title Hashing
/// @notice The circuit-friendly hashes shared by contracts, node, prover and relayer: message leaves,
/// the per-batch message tree, and the state tree (a fixed-depth quaternary Merkle tree whose positions
/// are entry indices). All of them use Poseidon over BN254 with circomlib's parameters.
/// `docs/encodings.md` and `docs/state.md` are the normative descriptions.
/// @dev Note: every value handed to Poseidon must already be a field element; callers reduce first.
library Hashing {
    /// @notice Depth of the state tree: 16 levels of four children, 4^16 = 2^32 positions (docs/state.md).
    uint256 internal constant STATE_TREE_DEPTH = 16;

    /// @notice Root of the empty state tree: E16, with E0 = 0 and E(l+1) = Poseidon(El, El, El, El).
    /// Not 0, so 0 stays free as `stateRoot`'s "no root" answer.
    uint256 internal constant EMPTY_STATE_ROOT =
        0x151399c724e17408a7a43cdadba2fc000da9339c56e4d49c6cdee6c4356fbc68;

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

    /// @notice One step of an outbox's message chain (`IL2Outbox.messageChain`): the chain after a message
    /// whose leaf is `leaf` was sent, from the chain `chain` before it: Poseidon(chain, leaf). The chain
    /// starts at 0.
    /// @param chain The chain before the message (0, or a previous step's output).
    /// @param leaf The message's `messageLeaf`.
    /// @return The chain after the message, a field element.
    function messageChainStep(uint256 chain, uint256 leaf) internal pure returns (uint256) {
        return PoseidonT3.hash([chain, leaf]);
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

    /// @notice The state-tree key of an account field or storage slot:
    /// Poseidon(kind, account, slot >> 128, slot mod 2^128) (docs/state.md).
    /// @param kind 0 storage slot, 1 nonce, 2 balance, 3 code hash (`FractalConstants.STATE_KIND_*`).
    /// @param account The account.
    /// @param slot The storage key for kind 0, zero otherwise.
    /// @return The key, a field element.
    function stateKey(uint8 kind, address account, bytes32 slot) internal pure returns (uint256) {
        return PoseidonT5.hash(
            [
                uint256(kind),
                uint256(uint160(account)),
                uint256(slot) >> 128,
                uint256(slot) & type(uint128).max
            ]
        );
    }

    /// @notice The state tree's leaf of entry `key` holding the 256-bit `value`:
    /// Poseidon(key, value >> 128, value mod 2^128) (docs/state.md). A position no entry has taken holds
    /// 0 instead.
    /// @param key The entry's state key (`stateKey`), a field element.
    /// @param value The entry's 256-bit word.
    /// @return The leaf hash.
    function stateLeaf(uint256 key, uint256 value) internal pure returns (uint256) {
        return PoseidonT4.hash([key, value >> 128, value & type(uint128).max]);
    }

    /// @notice Recomputes the state root from the leaf of entry `key` holding `value` at position `index`
    /// and its inclusion proof. The state tree (docs/state.md) is a fixed-depth quaternary Merkle tree
    /// whose positions 0 … 2^32 − 1 are the entries' indices in the pubdata: level 0 holds the leaves
    /// (`stateLeaf`, 0 where no entry sits), level 16 the root, a node is Poseidon(c0, c1, c2, c3) of its
    /// four children, and position `index` descends through child `(index >> 2l) & 3` of its ancestor at
    /// level `l + 1`. Empty subtrees hash like any other (`EMPTY_STATE_ROOT`).
    /// @dev Note: a key or sibling outside the field is refused rather than reduced, so that every proof
    /// has one encoding and Poseidon only sees field elements.
    /// @param index The entry's position (its entry index); 2^32 or more has no root.
    /// @param key The entry's state key (`stateKey`), a field element.
    /// @param value The entry's 256-bit word.
    /// @param siblings For each level `l`, bottom-up, the three other children of the ancestor at level
    /// `l + 1`, in child order (its children 0 … 3 without the one on the path); field elements.
    /// @return The root; 0 ("no root", which no tree has: the empty tree's is `EMPTY_STATE_ROOT`) when
    /// `index` is 2^32 or more, or when `key` or a sibling is not a field element.
    function stateRoot(uint256 index, uint256 key, uint256 value, uint256[3][16] memory siblings)
        internal
        pure
        returns (uint256)
    {
        if (index >> (2 * STATE_TREE_DEPTH) != 0) return 0;
        if (key >= FractalConstants.FIELD_MODULUS) return 0;
        uint256 node = stateLeaf(key, value);
        uint256[4] memory children;
        for (uint256 level = 0; level < STATE_TREE_DEPTH; ++level) {
            uint256[3] memory others = siblings[level];
            if (
                others[0] >= FractalConstants.FIELD_MODULUS || others[1] >= FractalConstants.FIELD_MODULUS
                    || others[2] >= FractalConstants.FIELD_MODULUS
            ) return 0;
            uint256 child = (index >> (2 * level)) & 3;
            for (uint256 c = 0; c < 4; ++c) {
                children[c] = c < child ? others[c] : c == child ? node : others[c - 1];
            }
            node = PoseidonT5.hash(children);
        }
        return node;
    }
}
