// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";

/// @title SparseStateTree
/// @notice Test-only builder of small circomlib-layout sparse Merkle trees: each key sits at its shortest
/// unique prefix of key bits read from the least significant one, leaf = Poseidon(key, wordHash(value), 1),
/// node = Poseidon(left, right), empty = 0. Built top-down by splitting the key set, independent of
/// `Hashing.stateRoot`, which folds one path bottom-up.
/// @dev Note: recursive and quadratic; meant for a handful of keys.
library SparseStateTree {
    /// @notice wordHash as docs/state.md defines it: Poseidon(high 128 bits, low 128 bits).
    function wordHash(uint256 word) internal pure returns (uint256) {
        return PoseidonT3.hash([word >> 128, word & type(uint128).max]);
    }

    /// @notice The leaf of `key` holding `value`.
    function leaf(uint256 key, uint256 value) internal pure returns (uint256) {
        return PoseidonT4.hash([key, wordHash(value), 1]);
    }

    /// @notice The root of the tree holding `values[i]` under distinct `keys[i]`.
    function root(uint256[] memory keys, uint256[] memory values) internal pure returns (uint256) {
        require(keys.length == values.length, "SparseStateTree: length mismatch");
        return _node(keys, values, 0);
    }

    /// @notice The proof of `keys[which]`, root side first (as `Hashing.stateRoot` takes it).
    function proof(uint256[] memory keys, uint256[] memory values, uint256 which)
        internal
        pure
        returns (uint256[] memory siblings)
    {
        uint256 key = keys[which];
        uint256[] memory path = new uint256[](254);
        uint256 depth = 0;
        (uint256[] memory ks, uint256[] memory vs) = (keys, values);
        while (ks.length > 1) {
            (uint256[] memory lk, uint256[] memory lv, uint256[] memory rk, uint256[] memory rv) =
                _split(ks, vs, depth);
            if ((key >> depth) & 1 == 0) {
                path[depth] = _node(rk, rv, depth + 1);
                (ks, vs) = (lk, lv);
            } else {
                path[depth] = _node(lk, lv, depth + 1);
                (ks, vs) = (rk, rv);
            }
            ++depth;
        }
        siblings = new uint256[](depth);
        for (uint256 i = 0; i < depth; ++i) {
            siblings[i] = path[i];
        }
    }

    function _node(uint256[] memory keys, uint256[] memory values, uint256 depth)
        private
        pure
        returns (uint256)
    {
        if (keys.length == 0) return 0;
        if (keys.length == 1) return leaf(keys[0], values[0]);
        require(depth < 254, "SparseStateTree: keys collide");
        (uint256[] memory lk, uint256[] memory lv, uint256[] memory rk, uint256[] memory rv) =
            _split(keys, values, depth);
        return PoseidonT3.hash([_node(lk, lv, depth + 1), _node(rk, rv, depth + 1)]);
    }

    function _split(uint256[] memory keys, uint256[] memory values, uint256 bit)
        private
        pure
        returns (uint256[] memory lk, uint256[] memory lv, uint256[] memory rk, uint256[] memory rv)
    {
        uint256 ones = 0;
        for (uint256 i = 0; i < keys.length; ++i) {
            ones += (keys[i] >> bit) & 1;
        }
        lk = new uint256[](keys.length - ones);
        lv = new uint256[](keys.length - ones);
        rk = new uint256[](ones);
        rv = new uint256[](ones);
        (uint256 l, uint256 r) = (0, 0);
        for (uint256 i = 0; i < keys.length; ++i) {
            if ((keys[i] >> bit) & 1 == 0) {
                (lk[l], lv[l]) = (keys[i], values[i]);
                ++l;
            } else {
                (rk[r], rv[r]) = (keys[i], values[i]);
                ++r;
            }
        }
    }
}
