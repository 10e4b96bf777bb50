// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {FractalConstants} from "../../src/common/Constants.sol";
import {Hashing} from "../../src/common/Hashing.sol";
import {Test} from "../utils/Test.sol";
import {MessageTree} from "./MessageTree.sol";
import {SparseStateTree} from "./SparseStateTree.sol";

/// @notice Hashing against independent in-test implementations and circomlibjs known answers
/// (contracts/test/common/vectors/hashing-kat.mjs).
contract HashingTest is Test {
    using MessageTree for MessageTree.Tree;

    uint256 internal constant P = FractalConstants.FIELD_MODULUS;

    // ---------------------------------------------------------------- reference implementations

    /// @dev payloadHash with plain byte loops: 31-byte big-endian chunks, the last one right-padded.
    function _refPayloadHash(bytes memory payload) internal pure returns (uint256 h) {
        h = payload.length;
        for (uint256 offset = 0; offset < payload.length; offset += 31) {
            uint256 chunk = 0;
            for (uint256 j = 0; j < 31; ++j) {
                chunk <<= 8;
                if (offset + j < payload.length) chunk |= uint8(payload[offset + j]);
            }
            h = PoseidonT3.hash([h, chunk]);
        }
    }

    function _bytes(uint256 length, uint256 seed) internal pure returns (bytes memory b) {
        b = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            b[i] = bytes1(uint8(uint256(keccak256(abi.encode(seed, i)))));
        }
    }

    function _leaves(uint256 n, uint256 seed) internal pure returns (uint256[] memory leaves) {
        leaves = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            leaves[i] = uint256(keccak256(abi.encode(seed, i))) % P;
        }
    }

    // ---------------------------------------------------------------- Poseidon known answers

    function test_PoseidonT3_KnownAnswer() public pure {
        // circomlib's published poseidon([1, 2]).
        assertEq(
            PoseidonT3.hash([uint256(1), 2]),
            0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a
        );
    }

    function test_PoseidonT4_KnownAnswer() public pure {
        assertEq(
            PoseidonT4.hash([uint256(1), 2, 3]),
            0x0e7732d89e6939c0ff03d5e58dab6302f3230e269dc5b968f725df34ab36d732
        );
    }

    // ---------------------------------------------------------------- message tree

    function test_MerkleRoot_MatchesBuiltTreeAtSeveralIndices() public pure {
        uint256[] memory leaves = _leaves(5, 1);
        MessageTree.Tree memory tree = MessageTree.build(leaves);
        uint256 root = tree.root();
        for (uint256 i = 0; i < leaves.length; ++i) {
            assertEq(Hashing.merkleRoot(leaves[i], i, tree.proof(i)), root, "root from leaf");
        }
    }

    function test_MerkleRoot_MatchesNaiveFullTree() public pure {
        // Every one of the 1,023 inner nodes hashed level by level, zero leaves everywhere but four.
        uint256[] memory level = new uint256[](1 << MessageTree.DEPTH);
        uint256[4] memory filled = [uint256(0), 1, 513, 1023];
        for (uint256 i = 0; i < filled.length; ++i) {
            level[filled[i]] = uint256(keccak256(abi.encode("leaf", filled[i]))) % P;
        }
        uint256[][] memory levels = new uint256[][](MessageTree.DEPTH + 1);
        levels[0] = level;
        for (uint256 d = 1; d <= MessageTree.DEPTH; ++d) {
            uint256[] memory up = new uint256[](levels[d - 1].length / 2);
            for (uint256 i = 0; i < up.length; ++i) {
                up[i] = PoseidonT3.hash([levels[d - 1][2 * i], levels[d - 1][2 * i + 1]]);
            }
            levels[d] = up;
        }
        uint256 root = levels[MessageTree.DEPTH][0];
        for (uint256 k = 0; k < filled.length; ++k) {
            uint256[] memory siblings = new uint256[](MessageTree.DEPTH);
            for (uint256 d = 0; d < MessageTree.DEPTH; ++d) {
                siblings[d] = levels[d][(filled[k] >> d) ^ 1];
            }
            assertEq(Hashing.merkleRoot(level[filled[k]], filled[k], siblings), root, "naive root");
        }
        // An empty slot proves the zero leaf.
        uint256[] memory zeroSiblings = new uint256[](MessageTree.DEPTH);
        for (uint256 d = 0; d < MessageTree.DEPTH; ++d) {
            zeroSiblings[d] = levels[d][(700 >> d) ^ 1];
        }
        assertEq(Hashing.merkleRoot(0, 700, zeroSiblings), root, "empty slot");
    }

    function test_MerkleRoot_EmptyTreeRootIsNotZero() public pure {
        uint256[] memory zeros = MessageTree.zeroHashes();
        assertEq(Hashing.merkleRoot(0, 0, _slice(zeros, MessageTree.DEPTH)), zeros[MessageTree.DEPTH]);
        assertTrue(zeros[MessageTree.DEPTH] != 0, "empty root must differ from the 'invalid' sentinel");
    }

    function test_MerkleRoot_ReturnsZeroForWrongProofLength() public pure {
        uint256[] memory leaves = _leaves(2, 2);
        MessageTree.Tree memory tree = MessageTree.build(leaves);
        uint256[] memory proof = tree.proof(0);
        assertEq(Hashing.merkleRoot(leaves[0], 0, _slice(proof, 9)), 0, "short proof");
        assertEq(Hashing.merkleRoot(leaves[0], 0, new uint256[](0)), 0, "empty proof");
        uint256[] memory long = new uint256[](11);
        for (uint256 i = 0; i < 10; ++i) {
            long[i] = proof[i];
        }
        assertEq(Hashing.merkleRoot(leaves[0], 0, long), 0, "long proof");
    }

    function test_MerkleRoot_ReturnsZeroForIndexOutOfRange() public pure {
        uint256[] memory leaves = _leaves(1, 3);
        MessageTree.Tree memory tree = MessageTree.build(leaves);
        uint256[] memory proof = tree.proof(0);
        assertEq(Hashing.merkleRoot(leaves[0], 1024, proof), 0, "index 2^10");
        assertEq(Hashing.merkleRoot(leaves[0], type(uint256).max, proof), 0, "index max");
        // 1024 would alias index 0 if the range check were missing.
        assertTrue(Hashing.merkleRoot(leaves[0], 0, proof) == tree.root());
    }

    function test_MerkleRoot_WrongIndexOrSiblingGivesAnotherRoot() public pure {
        uint256[] memory leaves = _leaves(4, 4);
        MessageTree.Tree memory tree = MessageTree.build(leaves);
        uint256[] memory proof = tree.proof(2);
        assertTrue(Hashing.merkleRoot(leaves[2], 3, proof) != tree.root(), "wrong index");
        proof[5] += 1;
        assertTrue(Hashing.merkleRoot(leaves[2], 2, proof) != tree.root(), "wrong sibling");
    }

    function testFuzz_MerkleRoot_MatchesBuiltTree(uint256 seed, uint256 n, uint256 index) public pure {
        n = bound(n, 1, 24);
        index = bound(index, 0, n - 1);
        uint256[] memory leaves = _leaves(n, seed);
        MessageTree.Tree memory tree = MessageTree.build(leaves);
        assertEq(Hashing.merkleRoot(leaves[index], index, tree.proof(index)), tree.root());
    }

    // ---------------------------------------------------------------- payload hash

    function test_PayloadHash_MatchesReferenceAtChunkBoundaries() public pure {
        uint256[8] memory lengths = [uint256(0), 1, 30, 31, 32, 62, 63, 96];
        for (uint256 i = 0; i < lengths.length; ++i) {
            bytes memory payload = _bytes(lengths[i], i);
            assertEq(Hashing.payloadHash(payload), _refPayloadHash(payload), "payload length");
        }
    }

    function test_PayloadHash_EmptyIsZero() public pure {
        assertEq(Hashing.payloadHash(""), 0);
    }

    function test_PayloadHash_OneByteIsFirstByteOfChunk() public pure {
        assertEq(Hashing.payloadHash(hex"ab"), PoseidonT3.hash([uint256(1), uint256(0xab) << 240]));
    }

    function test_PayloadHash_KnownAnswer() public pure {
        bytes memory payload = new bytes(40);
        for (uint256 i = 0; i < 40; ++i) {
            payload[i] = bytes1(uint8(i + 1));
        }
        assertEq(
            Hashing.payloadHash(payload), 0x1791754b57bdaebe48be6b2b380130b640c146543e3422515514f61b52563a25
        );
    }

    function test_PayloadHash_LengthSeparatesTrailingZeros() public pure {
        assertTrue(Hashing.payloadHash(hex"00") != Hashing.payloadHash(hex"0000"));
        assertTrue(Hashing.payloadHash(hex"01") != Hashing.payloadHash(hex"0100"));
    }

    function test_PayloadHash_IgnoresMemoryAfterPayload() public pure {
        // Dirty bytes right after the payload must not leak into the last chunk.
        bytes memory whole = _bytes(64, 9);
        bytes memory prefix = _bytes(64, 9);
        assembly ("memory-safe") {
            mstore(prefix, 33)
        }
        bytes memory clean = new bytes(33);
        for (uint256 i = 0; i < 33; ++i) {
            clean[i] = whole[i];
        }
        assertEq(Hashing.payloadHash(prefix), Hashing.payloadHash(clean));
        assertEq(Hashing.payloadHash(prefix), _refPayloadHash(clean));
    }

    function testFuzz_PayloadHash_MatchesReference(bytes memory payload) public pure {
        assertEq(Hashing.payloadHash(payload), _refPayloadHash(payload));
    }

    // ---------------------------------------------------------------- message leaf

    function _message() internal view returns (Hashing.Message memory) {
        return Hashing.Message({
            sourceChainId: 4242,
            nonce: 7,
            sender: FractalConstants.L2_BRIDGE,
            destinationChainId: uint64(block.chainid),
            recipient: address(0xBEEF),
            payload: abi.encode(address(0xCAFE), address(0xF00D), uint256(1 ether))
        });
    }

    function test_MessageLeaf_MatchesLayout() public view {
        Hashing.Message memory m = _message();
        uint256 head = PoseidonT4.hash(
            [
                uint256(4242) * 2 ** 64 + 7,
                uint256(uint160(FractalConstants.L2_BRIDGE)),
                block.chainid * 2 ** 160 + uint256(uint160(address(0xBEEF)))
            ]
        );
        assertEq(Hashing.messageLeaf(m), PoseidonT3.hash([head, _refPayloadHash(m.payload)]));
    }

    function test_MessageLeaf_BindsEveryField() public view {
        uint256 leaf = Hashing.messageLeaf(_message());
        Hashing.Message memory m = _message();
        m.sourceChainId += 1;
        assertTrue(Hashing.messageLeaf(m) != leaf, "source");
        m = _message();
        m.nonce += 1;
        assertTrue(Hashing.messageLeaf(m) != leaf, "nonce");
        m = _message();
        m.sender = address(0x1);
        assertTrue(Hashing.messageLeaf(m) != leaf, "sender");
        m = _message();
        m.destinationChainId += 1;
        assertTrue(Hashing.messageLeaf(m) != leaf, "destination");
        m = _message();
        m.recipient = address(0x1);
        assertTrue(Hashing.messageLeaf(m) != leaf, "recipient");
        m = _message();
        m.payload = abi.encode(address(0xCAFE), address(0xF00D), uint256(2 ether));
        assertTrue(Hashing.messageLeaf(m) != leaf, "payload");
    }

    // ---------------------------------------------------------------- message chain

    function test_MessageChainStep_IsPoseidonOfChainAndLeaf() public view {
        uint256 leaf = Hashing.messageLeaf(_message());
        assertEq(Hashing.messageChainStep(0, leaf), PoseidonT3.hash([uint256(0), leaf]));
        uint256 first = Hashing.messageChainStep(0, leaf);
        assertEq(Hashing.messageChainStep(first, leaf), PoseidonT3.hash([first, leaf]));
        assertTrue(Hashing.messageChainStep(first, leaf) != first, "every message moves the chain");
    }

    function testFuzz_MessageChainStep_OrderMatters(uint256 chain, uint256 a, uint256 b) public pure {
        (chain, a, b) = (chain % P, a % P, b % P);
        vm.assume(a != b);
        uint256 ab = Hashing.messageChainStep(Hashing.messageChainStep(chain, a), b);
        uint256 ba = Hashing.messageChainStep(Hashing.messageChainStep(chain, b), a);
        assertTrue(ab != ba);
        assertTrue(ab < P, "a field element");
    }

    // ---------------------------------------------------------------- state tree

    uint256 internal constant BIG = 2 ** 200 + 7;
    /// @dev circomlibjs (hashing-kat.mjs): key 5 holding 2^200 + 7 alone at index 0, and at 2^32 − 1.
    uint256 internal constant KAT_ROOT_AT_0 =
        0x05c6fb9df18fa6c893d486a33aad7adc050b00d8aa93bfe4314b11d52d440a03;
    uint256 internal constant KAT_ROOT_AT_LAST =
        0x1733cbf35b3df1ece3851d80af5864a0a6720962b5f0dc56ea1312778199e7c9;
    /// @dev circomlibjs (hashing-kat.mjs): the four entries of `_fourEntries`.
    uint256 internal constant KAT_ROOT_FOUR =
        0x0e63cd6112d74d67267092824c42ac1c7d00942150f07ee54d4b58d9955ee501;

    /// @dev circomlibjs (hashing-kat.mjs): stateKey(0, 0xAB, 0x0102…20) and stateKey(2, 0xA11CE, 0).
    uint256 internal constant KAT_STORAGE_KEY =
        0x1c6d2f7d976c837cda74a222cb6c2e149cea8e1ec7800e9af842de3bf1dd1b95;
    uint256 internal constant KAT_BALANCE_KEY =
        0x0cc80d559dd249d3b6fb92c742d8cad93fa73348255839dc08b1b304ad28d3b4;

    function test_StateKey_MatchesCircomlibjs() public pure {
        bytes32 slot = 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20;
        assertEq(Hashing.stateKey(0, address(0xAB), slot), KAT_STORAGE_KEY, "storage slot");
        assertEq(Hashing.stateKey(2, address(0xA11CE), bytes32(0)), KAT_BALANCE_KEY, "balance");
    }

    function testFuzz_StateKey_IsPoseidonOfKindAddressSlotHalves(uint8 kind, address account, bytes32 slot)
        public
        pure
    {
        uint256 s = uint256(slot);
        assertEq(
            Hashing.stateKey(kind, account, slot),
            PoseidonT5.hash([uint256(kind), uint256(uint160(account)), s >> 128, s & type(uint128).max])
        );
        assertTrue(Hashing.stateKey(kind, account, slot) < P, "a field element");
    }

    function testFuzz_StateKey_SeparatesKindsAndSlotHalves(address account, uint128 x) public pure {
        vm.assume(x != 0);
        // The two halves of the slot are separate inputs: moving x from the low to the high half changes the key.
        assertTrue(
            Hashing.stateKey(0, account, bytes32(uint256(x)))
                != Hashing.stateKey(0, account, bytes32(uint256(x) << 128))
        );
        assertTrue(Hashing.stateKey(1, account, bytes32(0)) != Hashing.stateKey(2, account, bytes32(0)));
    }

    function test_StateLeaf_IsPoseidonOfKeyHighLow() public pure {
        assertEq(Hashing.stateLeaf(11, (uint256(5) << 128) | 9), PoseidonT4.hash([uint256(11), 5, 9]));
        assertEq(Hashing.stateLeaf(11, 9), PoseidonT4.hash([uint256(11), 0, 9]), "value below 2^128");
        assertEq(
            Hashing.stateLeaf(11, type(uint256).max),
            PoseidonT4.hash([uint256(11), type(uint128).max, type(uint128).max]),
            "max value"
        );
        assertEq(Hashing.stateLeaf(11, 9), SparseStateTree.leaf(11, 9), "helper");
    }

    function test_StateLeaf_ZeroValueIsNotAnEmptyPosition() public pure {
        // An entry written back to zero keeps a leaf that names its key (docs/state.md).
        assertEq(Hashing.stateLeaf(11, 0), PoseidonT4.hash([uint256(11), 0, 0]));
        assertTrue(Hashing.stateLeaf(11, 0) != 0);
        assertTrue(Hashing.stateLeaf(11, 0) != Hashing.stateLeaf(12, 0));
    }

    function test_PoseidonT5_KnownAnswer() public pure {
        assertEq(
            PoseidonT5.hash([uint256(1), 2, 3, 4]),
            0x299c867db6c1fdd79dcefa40e4510b9837e60ebb1ce0663dbaa525df65250465
        );
    }

    function test_EmptyStateRoot_KnownAnswer() public pure {
        uint256 e = 0;
        for (uint256 l = 0; l < 16; ++l) {
            e = PoseidonT5.hash([e, e, e, e]);
        }
        uint256 circomlib = 0x151399c724e17408a7a43cdadba2fc000da9339c56e4d49c6cdee6c4356fbc68;
        assertEq(e, circomlib, "E16 vs circomlibjs");
        assertEq(Hashing.EMPTY_STATE_ROOT, circomlib, "constant");
        assertEq(
            SparseStateTree.root(new uint256[](0), new uint256[](0), new uint256[](0)), circomlib, "helper"
        );
        assertEq(SparseStateTree.emptyHashes()[16], circomlib, "helper E16");
        assertTrue(circomlib != 0, "the empty root must differ from the 'no root' answer");
    }

    function test_StateRoot_SingleEntryAtIndexZero() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _one(0, 5, BIG);
        assertEq(SparseStateTree.root(indices, keys, values), KAT_ROOT_AT_0, "helper vs circomlibjs");
        uint256[3][16] memory siblings = SparseStateTree.emptyProof();
        assertEq(Hashing.stateRoot(0, 5, BIG, siblings), KAT_ROOT_AT_0, "empty siblings");
        assertEq(
            Hashing.stateRoot(0, 5, BIG, SparseStateTree.proof(indices, keys, values, 0)),
            KAT_ROOT_AT_0,
            "proof"
        );
    }

    function test_StateRoot_SingleEntryAtLastIndex() public pure {
        uint256 last = 2 ** 32 - 1;
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _one(last, 5, BIG);
        assertEq(SparseStateTree.root(indices, keys, values), KAT_ROOT_AT_LAST, "helper vs circomlibjs");
        assertEq(Hashing.stateRoot(last, 5, BIG, SparseStateTree.emptyProof()), KAT_ROOT_AT_LAST, "stateRoot");
        assertTrue(KAT_ROOT_AT_LAST != KAT_ROOT_AT_0, "position matters");
    }

    function test_StateRoot_SingleEntryFoldedByHand() public pure {
        // Index 6 = base-4 digits 1, 2 (low first): child 2 at level 1, child 1 at level 2, child 0 above.
        uint256[17] memory e = SparseStateTree.emptyHashes();
        uint256 node = PoseidonT4.hash([uint256(5), BIG >> 128, BIG & type(uint128).max]);
        node = PoseidonT5.hash([e[0], e[0], node, e[0]]);
        node = PoseidonT5.hash([e[1], node, e[1], e[1]]);
        for (uint256 l = 2; l < 16; ++l) {
            node = PoseidonT5.hash([node, e[l], e[l], e[l]]);
        }
        assertEq(Hashing.stateRoot(6, 5, BIG, SparseStateTree.emptyProof()), node);
    }

    function test_StateRoot_SiblingsInChildOrder() public pure {
        // Entries at 0, 1, 2 and 3 share a parent: each proof's level 0 is the other three leaves in order.
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _entries(4, 17);
        for (uint256 i = 0; i < 4; ++i) {
            indices[i] = i;
        }
        uint256 root = SparseStateTree.root(indices, keys, values);
        uint256[4] memory leaves;
        for (uint256 i = 0; i < 4; ++i) {
            leaves[i] = Hashing.stateLeaf(keys[i], values[i]);
        }
        for (uint256 i = 0; i < 4; ++i) {
            uint256[3][16] memory siblings = SparseStateTree.proof(indices, keys, values, i);
            uint256 j = 0;
            for (uint256 c = 0; c < 4; ++c) {
                if (c == i) continue;
                assertEq(siblings[0][j], leaves[c], "level 0 sibling");
                ++j;
            }
            assertEq(Hashing.stateRoot(i, keys[i], values[i], siblings), root, "root");
        }
        uint256 parent = PoseidonT5.hash(leaves);
        assertEq(SparseStateTree.proof(indices, keys, values, 4)[1][0], parent, "the parent, one level up");
    }

    function test_StateRoot_FourEntriesMatchCircomlibKnownAnswer() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _fourEntries();
        assertEq(SparseStateTree.root(indices, keys, values), KAT_ROOT_FOUR, "helper vs circomlibjs");
        for (uint256 i = 0; i < indices.length; ++i) {
            uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, i);
            assertEq(Hashing.stateRoot(indices[i], keys[i], values[i], siblings), KAT_ROOT_FOUR, "entry");
        }
    }

    function test_StateRoot_MatchesBuiltTreeOfRealKeys() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _entries(3, 0);
        keys[0] = Hashing.stateKey(FractalConstants.STATE_KIND_BALANCE, address(0xA11CE), bytes32(0));
        keys[1] = Hashing.stateKey(FractalConstants.STATE_KIND_BALANCE, address(0xB0B), bytes32(0));
        keys[2] = Hashing.stateKey(FractalConstants.STATE_KIND_NONCE, address(0xA11CE), bytes32(0));
        (values[0], values[1], values[2]) = (3 ether, type(uint256).max, 1);
        (indices[0], indices[1], indices[2]) = (7, 8, 70_000);
        uint256 root = SparseStateTree.root(indices, keys, values);
        for (uint256 i = 0; i < keys.length; ++i) {
            uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, i);
            assertEq(Hashing.stateRoot(indices[i], keys[i], values[i], siblings), root);
        }
    }

    function test_StateRoot_WrongIndexGivesAnotherRoot() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _fourEntries();
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, 1);
        assertEq(Hashing.stateRoot(1, keys[1], values[1], siblings), KAT_ROOT_FOUR);
        // Another child of the same parent, a neighbour's position, and index 1 + 4^15 (same path but the
        // top level).
        uint256[4] memory wrong = [uint256(0), 2, 6, 1 + 4 ** 15];
        for (uint256 i = 0; i < wrong.length; ++i) {
            assertTrue(Hashing.stateRoot(wrong[i], keys[1], values[1], siblings) != KAT_ROOT_FOUR, "index");
        }
    }

    function test_StateRoot_WrongSiblingGivesAnotherRoot() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _fourEntries();
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, 2);
        uint256[3] memory levels = [uint256(0), 7, 15];
        for (uint256 k = 0; k < levels.length; ++k) {
            for (uint256 j = 0; j < 3; ++j) {
                uint256[3][16] memory bad = siblings;
                bad[levels[k]][j] = addmod(bad[levels[k]][j], 1, P);
                assertTrue(Hashing.stateRoot(6, keys[2], values[2], bad) != KAT_ROOT_FOUR, "sibling");
                bad[levels[k]][j] = siblings[levels[k]][j];
            }
        }
        // Order matters: swapping two siblings of level 1 (the subtree of entries 0 and 1, and an empty
        // one) is another tree.
        uint256[3][16] memory swapped = SparseStateTree.proofOf(indices, keys, values, 2);
        (swapped[1][0], swapped[1][1]) = (swapped[1][1], swapped[1][0]);
        assertTrue(swapped[1][0] != swapped[1][1]);
        assertTrue(Hashing.stateRoot(6, keys[2], values[2], swapped) != KAT_ROOT_FOUR, "order");
    }

    function test_StateRoot_WrongValueOrKeyGivesAnotherRoot() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _fourEntries();
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, 0);
        assertEq(Hashing.stateRoot(0, keys[0], values[0], siblings), KAT_ROOT_FOUR);
        assertTrue(Hashing.stateRoot(0, keys[0], values[0] + 1, siblings) != KAT_ROOT_FOUR, "value");
        assertTrue(Hashing.stateRoot(0, keys[0], values[0] + (1 << 128), siblings) != KAT_ROOT_FOUR, "high");
        assertTrue(Hashing.stateRoot(0, keys[1], values[0], siblings) != KAT_ROOT_FOUR, "key");
    }

    function test_StateRoot_ReturnsZeroForIndexOutOfRange() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _fourEntries();
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, 1);
        // 2^32 + 1 would alias index 1 if the range check were missing.
        assertEq(Hashing.stateRoot(2 ** 32 + 1, keys[1], values[1], siblings), 0, "2^32 + 1");
        assertEq(Hashing.stateRoot(2 ** 32, keys[1], values[1], siblings), 0, "2^32");
        assertEq(Hashing.stateRoot(type(uint256).max, keys[1], values[1], siblings), 0, "max");
        assertEq(Hashing.stateRoot(1, keys[1], values[1], siblings), KAT_ROOT_FOUR);
    }

    function test_StateRoot_ReturnsZeroForKeyOrSiblingOutsideField() public pure {
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _fourEntries();
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, 2);
        assertEq(Hashing.stateRoot(6, keys[2], values[2], siblings), KAT_ROOT_FOUR);
        // Each sibling plus the modulus (the same element, another encoding) is refused, at every level.
        for (uint256 l = 0; l < 16; l += 5) {
            for (uint256 j = 0; j < 3; ++j) {
                uint256[3][16] memory bad = SparseStateTree.proofOf(indices, keys, values, 2);
                bad[l][j] += P;
                assertEq(Hashing.stateRoot(6, keys[2], values[2], bad), 0, "sibling + p");
                bad[l][j] = type(uint256).max;
                assertEq(Hashing.stateRoot(6, keys[2], values[2], bad), 0, "sibling max");
            }
        }
        assertEq(Hashing.stateRoot(6, keys[2] + P, values[2], siblings), 0, "key + p");
        assertEq(Hashing.stateRoot(6, P, values[2], siblings), 0, "key p");
    }

    /// forge-config: ci.fuzz.runs = 256
    function testFuzz_StateRoot_MatchesBuiltTree(uint256 seed, uint256 n, uint256 which) public pure {
        n = bound(n, 1, 6);
        which = bound(which, 0, n - 1);
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _entries(n, seed);
        uint256 root = SparseStateTree.root(indices, keys, values);
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, which);
        assertEq(Hashing.stateRoot(indices[which], keys[which], values[which], siblings), root);
    }

    /// forge-config: ci.fuzz.runs = 256
    function testFuzz_StateRoot_OtherIndexGivesAnotherRoot(uint256 seed, uint256 n, uint256 index)
        public
        pure
    {
        n = bound(n, 1, 4);
        (uint256[] memory indices, uint256[] memory keys, uint256[] memory values) = _entries(n, seed);
        uint256 root = SparseStateTree.root(indices, keys, values);
        uint256[3][16] memory siblings = SparseStateTree.proofOf(indices, keys, values, 0);
        vm.assume(index != indices[0]);
        uint256 computed = Hashing.stateRoot(index, keys[0], values[0], siblings);
        assertTrue(computed != root);
        if (index >= 2 ** 32) assertEq(computed, 0);
    }

    /// @dev A lone entry.
    function _one(uint256 index, uint256 key, uint256 value)
        internal
        pure
        returns (uint256[] memory indices, uint256[] memory keys, uint256[] memory values)
    {
        (indices, keys, values) = (new uint256[](1), new uint256[](1), new uint256[](1));
        (indices[0], keys[0], values[0]) = (index, key, value);
    }

    /// @dev The entries of hashing-kat.mjs: two under one parent, one in another quarter, the last position.
    function _fourEntries()
        internal
        pure
        returns (uint256[] memory indices, uint256[] memory keys, uint256[] memory values)
    {
        (indices, keys, values) = (new uint256[](4), new uint256[](4), new uint256[](4));
        (indices[0], keys[0], values[0]) = (0, 11, 1000);
        (indices[1], keys[1], values[1]) = (1, 12, BIG);
        (indices[2], keys[2], values[2]) = (6, 13, 42);
        (indices[3], keys[3], values[3]) = (2 ** 32 - 1, 14, type(uint256).max);
    }

    /// @dev `n` entries with distinct pseudo-random indices (every other seed keeps them below 64, so
    /// that paths share nodes), keys in the field and full-width values.
    function _entries(uint256 n, uint256 seed)
        internal
        pure
        returns (uint256[] memory indices, uint256[] memory keys, uint256[] memory values)
    {
        (indices, keys, values) = (new uint256[](n), new uint256[](n), new uint256[](n));
        uint256 mask = seed & 1 == 0 ? 63 : type(uint32).max;
        for (uint256 i = 0; i < n; ++i) {
            uint256 index;
            for (uint256 attempt = 0;; ++attempt) {
                index = uint256(keccak256(abi.encode(seed, i, attempt))) & mask;
                bool taken = false;
                for (uint256 j = 0; j < i; ++j) {
                    taken = taken || indices[j] == index;
                }
                if (!taken) break;
            }
            indices[i] = index;
            keys[i] = uint256(keccak256(abi.encode(seed, i, "key"))) % P;
            values[i] = uint256(keccak256(abi.encode(seed, i, "value")));
        }
    }

    function _slice(uint256[] memory a, uint256 n) internal pure returns (uint256[] memory b) {
        b = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            b[i] = a[i];
        }
    }
}
