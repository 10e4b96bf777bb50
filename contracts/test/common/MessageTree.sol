// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

/// @title MessageTree
/// @notice Test-only builder of the per-batch message tree (depth 10, empty leaves 0,
/// node = Poseidon(left, right)), written top-down from the leaves and independent of `Hashing.merkleRoot`,
/// which recomputes a root bottom-up from one path.
/// @dev Note: only the nodes above real leaves are hashed; empty subtrees use precomputed zero hashes, so
/// a tree of n leaves costs about n + 10 Poseidon calls instead of 1,023.
library MessageTree {
    /// @dev Depth of the message tree.
    uint256 internal constant DEPTH = 10;

    /// @notice A built tree: `levels[0]` are the leaves, `levels[DEPTH]` holds the root.
    struct Tree {
        uint256[][] levels;
        uint256[] zeros;
    }

    /// @notice Roots of empty subtrees: `z[0] = 0`, `z[i] = Poseidon(z[i-1], z[i-1])`.
    function zeroHashes() internal pure returns (uint256[] memory z) {
        z = new uint256[](DEPTH + 1);
        for (uint256 i = 1; i <= DEPTH; ++i) {
            z[i] = PoseidonT3.hash([z[i - 1], z[i - 1]]);
        }
    }

    /// @notice Builds the tree of `leaves` at indices 0..n-1 (n at most 2^DEPTH).
    function build(uint256[] memory leaves, uint256[] memory zeros) internal pure returns (Tree memory t) {
        require(leaves.length <= (1 << DEPTH), "MessageTree: too many leaves");
        t.zeros = zeros;
        t.levels = new uint256[][](DEPTH + 1);
        t.levels[0] = leaves;
        for (uint256 level = 1; level <= DEPTH; ++level) {
            uint256[] memory below = t.levels[level - 1];
            uint256[] memory here = new uint256[]((below.length + 1) / 2);
            for (uint256 i = 0; i < here.length; ++i) {
                uint256 left = below[2 * i];
                uint256 right = 2 * i + 1 < below.length ? below[2 * i + 1] : zeros[level - 1];
                here[i] = PoseidonT3.hash([left, right]);
            }
            t.levels[level] = here;
        }
    }

    /// @notice Builds the tree of `leaves`, computing the zero hashes itself.
    function build(uint256[] memory leaves) internal pure returns (Tree memory) {
        return build(leaves, zeroHashes());
    }

    /// @notice The tree's root.
    function root(Tree memory t) internal pure returns (uint256) {
        return t.levels[DEPTH].length == 0 ? t.zeros[DEPTH] : t.levels[DEPTH][0];
    }

    /// @notice The bottom-up siblings of leaf `index`.
    function proof(Tree memory t, uint256 index) internal pure returns (uint256[] memory siblings) {
        siblings = new uint256[](DEPTH);
        for (uint256 level = 0; level < DEPTH; ++level) {
            uint256 sibling = (index >> level) ^ 1;
            uint256[] memory nodes = t.levels[level];
            siblings[level] = sibling < nodes.length ? nodes[sibling] : t.zeros[level];
        }
    }
}
