// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
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

    // ---------------------------------------------------------------- state tree

    function test_StateKey_IsKeccakReducedModuloField() public pure {
        bytes32 slot = bytes32(uint256(3));
        uint256 expected = uint256(keccak256(abi.encodePacked(uint8(0), address(0xAB), slot))) % P;
        assertEq(Hashing.stateKey(0, address(0xAB), slot), expected);
    }

    function test_WordHash_SplitsIntoHalves() public pure {
        uint256 word = (uint256(5) << 128) | 9;
        assertEq(Hashing.wordHash(word), PoseidonT3.hash([uint256(5), 9]));
        assertEq(
            Hashing.stateLeaf(11, word), PoseidonT4.hash([uint256(11), PoseidonT3.hash([uint256(5), 9]), 1])
        );
    }

    function test_StateRoot_SingleKeyIsTheLeaf() public pure {
        assertEq(Hashing.stateRoot(77, 1 ether, new uint256[](0)), SparseStateTree.leaf(77, 1 ether));
    }

    function test_StateRoot_MatchesCircomlibKnownAnswer() public pure {
        // Keys 5 (bits 1,0,1), 6 (0,1,1) and 3 (1,1,0), LSB first: root = H(leaf6, H(leaf5, leaf3)).
        (uint256[] memory keys, uint256[] memory values) = _threeKeys();
        uint256 circomlibRoot = 0x1243c6936fa93a0aa8025f50a0a00eeb887330ae5898a8cd3a375ab5b46639ea;
        uint256 built = SparseStateTree.root(keys, values);
        assertEq(built, circomlibRoot, "builder vs circomlibjs");
        uint256 leaf5 = SparseStateTree.leaf(5, values[0]);
        uint256 leaf6 = SparseStateTree.leaf(6, values[1]);
        uint256 leaf3 = SparseStateTree.leaf(3, values[2]);
        assertEq(built, PoseidonT3.hash([leaf6, PoseidonT3.hash([leaf5, leaf3])]), "by hand");

        uint256[] memory p5 = new uint256[](2);
        (p5[0], p5[1]) = (leaf6, leaf3);
        assertEq(Hashing.stateRoot(5, values[0], p5), circomlibRoot, "key 5");
        uint256[] memory p6 = new uint256[](1);
        p6[0] = PoseidonT3.hash([leaf5, leaf3]);
        assertEq(Hashing.stateRoot(6, values[1], p6), circomlibRoot, "key 6");
        uint256[] memory p3 = new uint256[](2);
        (p3[0], p3[1]) = (leaf6, leaf5);
        assertEq(Hashing.stateRoot(3, values[2], p3), circomlibRoot, "key 3");
    }

    function test_StateRoot_MatchesBuiltTreeOfRealKeys() public pure {
        uint256[] memory keys = new uint256[](3);
        uint256[] memory values = new uint256[](3);
        keys[0] = Hashing.stateKey(FractalConstants.STATE_KIND_BALANCE, address(0xA11CE), bytes32(0));
        keys[1] = Hashing.stateKey(FractalConstants.STATE_KIND_BALANCE, address(0xB0B), bytes32(0));
        keys[2] = Hashing.stateKey(FractalConstants.STATE_KIND_NONCE, address(0xA11CE), bytes32(0));
        (values[0], values[1], values[2]) = (3 ether, type(uint256).max, 1);
        uint256 root = SparseStateTree.root(keys, values);
        for (uint256 i = 0; i < keys.length; ++i) {
            assertEq(Hashing.stateRoot(keys[i], values[i], SparseStateTree.proof(keys, values, i)), root);
        }
    }

    function test_StateRoot_WrongValueOrKeyGivesAnotherRoot() public pure {
        (uint256[] memory keys, uint256[] memory values) = _threeKeys();
        uint256 root = SparseStateTree.root(keys, values);
        uint256[] memory proof = SparseStateTree.proof(keys, values, 0);
        assertTrue(Hashing.stateRoot(5, values[0] + 1, proof) != root, "value");
        // Key 13 shares key 5's path (bits 1,0) but is another leaf.
        assertTrue(Hashing.stateRoot(13, values[0], proof) != root, "key");
    }

    function test_StateRoot_ReturnsZeroAboveDepth254() public pure {
        assertEq(Hashing.stateRoot(1, 1, new uint256[](255)), 0);
        assertTrue(Hashing.stateRoot(1, 1, new uint256[](254)) != 0);
    }

    function _threeKeys() internal pure returns (uint256[] memory keys, uint256[] memory values) {
        keys = new uint256[](3);
        values = new uint256[](3);
        (keys[0], keys[1], keys[2]) = (5, 6, 3);
        (values[0], values[1], values[2]) = (1000, 2 ** 200 + 7, 42);
    }

    function _slice(uint256[] memory a, uint256 n) internal pure returns (uint256[] memory b) {
        b = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            b[i] = a[i];
        }
    }
}
