// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";

/// @title SparseStateTree
/// @notice Test-only reference of the state tree (docs/state.md): a fixed-depth quaternary Merkle tree
/// whose positions 0 … 2^32 − 1 are entry indices; the leaf of entry `key` holding `value` is
/// Poseidon(key, value >> 128, value mod 2^128), a position without entry holds 0, a node is
/// Poseidon(c0, c1, c2, c3), and the empty subtree of level l hashes to E(l) (E0 = 0,
/// E(l+1) = Poseidon(El, El, El, El)). Built top-down from the entries (a subtree without entries is its
/// empty hash, so only the entries' paths are hashed), independent of `Hashing.stateRoot`, which folds
/// one path bottom-up.
/// @dev Note: every node visit scans all entries; meant for a handful of them (≤ 8).
library SparseStateTree {
    /// @notice Levels below the root (4^16 = 2^32 positions).
    uint256 internal constant DEPTH = 16;

    /// @notice The roots of the empty subtrees, E0 … E16.
    function emptyHashes() internal pure returns (uint256[17] memory e) {
        for (uint256 l = 0; l < DEPTH; ++l) {
            e[l + 1] = PoseidonT5.hash([e[l], e[l], e[l], e[l]]);
        }
    }

    /// @notice The leaf of entry `key` holding `value`.
    function leaf(uint256 key, uint256 value) internal pure returns (uint256) {
        return PoseidonT4.hash([key, value >> 128, value & type(uint128).max]);
    }

    /// @notice The root of the tree holding entry `keys[i]` = `values[i]` at position `indices[i]`
    /// (distinct positions below 2^32).
    function root(uint256[] memory indices, uint256[] memory keys, uint256[] memory values)
        internal
        pure
        returns (uint256)
    {
        _check(indices, keys, values);
        return _node(indices, keys, values, emptyHashes(), DEPTH, 0);
    }

    /// @notice The inclusion proof of position `index` (taken or not) in that tree, as
    /// `Hashing.stateRoot` takes it: for each level l, the three other children of the ancestor at level
    /// l + 1, in child order.
    function proof(uint256[] memory indices, uint256[] memory keys, uint256[] memory values, uint256 index)
        internal
        pure
        returns (uint256[3][16] memory siblings)
    {
        _check(indices, keys, values);
        require(index >> (2 * DEPTH) == 0, "SparseStateTree: index out of range");
        uint256[17] memory e = emptyHashes();
        for (uint256 l = 0; l < DEPTH; ++l) {
            uint256 parent = index >> (2 * (l + 1));
            uint256 own = (index >> (2 * l)) & 3;
            uint256 j = 0;
            for (uint256 c = 0; c < 4; ++c) {
                if (c == own) continue;
                siblings[l][j] = _node(indices, keys, values, e, l, parent * 4 + c);
                ++j;
            }
        }
    }

    /// @notice The proof of `indices[which]`.
    function proofOf(uint256[] memory indices, uint256[] memory keys, uint256[] memory values, uint256 which)
        internal
        pure
        returns (uint256[3][16] memory)
    {
        return proof(indices, keys, values, indices[which]);
    }

    /// @notice The proof of any position in the empty tree (and of a lone entry): E(l) everywhere.
    function emptyProof() internal pure returns (uint256[3][16] memory siblings) {
        uint256[17] memory e = emptyHashes();
        for (uint256 l = 0; l < DEPTH; ++l) {
            (siblings[l][0], siblings[l][1], siblings[l][2]) = (e[l], e[l], e[l]);
        }
    }

    /// @dev The root of the subtree at `level` covering positions prefix·4^level … (prefix+1)·4^level − 1.
    function _node(
        uint256[] memory indices,
        uint256[] memory keys,
        uint256[] memory values,
        uint256[17] memory e,
        uint256 level,
        uint256 prefix
    ) private pure returns (uint256) {
        uint256 count = 0;
        uint256 found;
        for (uint256 i = 0; i < indices.length; ++i) {
            if (indices[i] >> (2 * level) == prefix) {
                ++count;
                found = i;
            }
        }
        if (count == 0) return e[level];
        if (level == 0) return leaf(keys[found], values[found]);
        uint256[4] memory children;
        for (uint256 c = 0; c < 4; ++c) {
            children[c] = _node(indices, keys, values, e, level - 1, prefix * 4 + c);
        }
        return PoseidonT5.hash(children);
    }

    function _check(uint256[] memory indices, uint256[] memory keys, uint256[] memory values) private pure {
        require(indices.length == keys.length && keys.length == values.length, "SparseStateTree: lengths");
        for (uint256 i = 0; i < indices.length; ++i) {
            require(indices[i] >> (2 * DEPTH) == 0, "SparseStateTree: index out of range");
            for (uint256 j = 0; j < i; ++j) {
                require(indices[i] != indices[j], "SparseStateTree: index taken twice");
            }
        }
    }
}
