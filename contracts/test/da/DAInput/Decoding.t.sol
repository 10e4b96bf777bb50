// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {DAInputHarness} from "./DAInputHarness.sol";
import {DAInputTooShort} from "../../../src/da/DAErrors.sol";

contract DAInputDecodingTest is DATestBase {
    DAInputHarness internal harness;

    function setUp() public {
        harness = new DAInputHarness();
    }

    // ---------------------------------------------------------------- canonical encodings

    function test_ReadsHashAndBytesArray() public view {
        bytes[] memory items = new bytes[](3);
        items[0] = hex"01";
        items[1] = "";
        items[2] = new bytes(70);
        (bytes32 h, bytes[] memory read) = harness.readHashAndBytesArray(abi.encode(DATA_HASH, items));
        assertEq(h, DATA_HASH);
        assertEq(read.length, 3);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(read[i], items[i]);
        }
    }

    function test_ReadsIndexAndBytes() public view {
        (uint256 index, bytes memory value) = harness.readIndexAndBytes(abi.encode(uint256(5), hex"c0ffee"));
        assertEq(index, 5);
        assertEq(value, hex"c0ffee");
    }

    function test_ReadsWordArray() public view {
        bytes32[] memory words = _versionedHashes(3, 4);
        bytes32[] memory read = harness.readWordArray(abi.encode(words));
        assertEq(keccak256(abi.encode(read)), keccak256(abi.encode(words)));
    }

    function test_AcceptsNonCanonicalOffsetLikeAbiDecode() public view {
        // The bytes value sits one word further than canonical, behind a junk word.
        bytes memory input =
            abi.encodePacked(uint256(9), uint256(96), bytes32("junk"), uint256(2), bytes32(hex"abcd"));
        (uint256 index, bytes memory value) = harness.readIndexAndBytes(input);
        (uint256 decodedIndex, bytes memory decodedValue) = harness.decodeIndexAndBytes(input);
        assertEq(index, decodedIndex);
        assertEq(value, decodedValue);
        assertEq(value, hex"abcd");
    }

    // ---------------------------------------------------------------- malformed encodings

    function test_RevertWhen_WordPastEnd() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 64, 40));
        harness.readWord(new bytes(40), 32);
    }

    function test_RevertWhen_WordPositionHuge() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, type(uint256).max, 0));
        harness.readWord("", type(uint256).max - 1);
    }

    function test_RevertWhen_Empty() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 32, 0));
        harness.readHashAndBytesArray("");
    }

    function test_RevertWhen_HeadTruncated() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 64, 32));
        harness.readHashAndBytesArray(abi.encode(DATA_HASH));
    }

    function test_RevertWhen_OffsetPastEnd() public {
        // Offset 0x80 points at the word 128..160 of a 96-byte input.
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 160, 96));
        harness.readHashAndBytesArray(abi.encode(DATA_HASH, uint256(0x80), uint256(0)));
    }

    function test_RevertWhen_OffsetHuge() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, type(uint256).max, 96));
        harness.readHashAndBytesArray(abi.encode(DATA_HASH, type(uint256).max, uint256(0)));
    }

    function test_RevertWhen_ArrayLengthHuge() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, type(uint256).max, 96));
        harness.readHashAndBytesArray(abi.encode(DATA_HASH, uint256(0x40), type(uint256).max));
    }

    function test_RevertWhen_ArrayHeadsTruncated() public {
        // Two elements announced, no head words present.
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 160, 96));
        harness.readHashAndBytesArray(abi.encode(DATA_HASH, uint256(0x40), uint256(2)));
    }

    function test_RevertWhen_BytesTruncated() public {
        bytes memory input =
            abi.encode(uint256(1), hex"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01");
        // 33 bytes of data take two words; cut the last word off.
        bytes memory truncated = _truncate(input, input.length - 32);
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 96 + 33, input.length - 32));
        harness.readIndexAndBytes(truncated);
    }

    function test_RevertWhen_BytesLengthHuge() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, type(uint256).max, 96));
        harness.readIndexAndBytes(abi.encode(uint256(1), uint256(0x40), type(uint256).max - 10));
    }

    // ---------------------------------------------------------------- differential fuzzing

    /// @dev Corrupts one word of a valid encoding (or truncates it); the library must then agree with
    /// `abi.decode`: both revert (the library with DAInputTooShort) or both return the same values.
    function testFuzz_MatchesAbiDecodeForHashAndBytesArray(
        bytes32 h,
        bytes[] memory items,
        uint256 wordIndex,
        uint256 value,
        uint8 mutation
    ) public view {
        bytes memory input = _mutate(abi.encode(h, items), wordIndex, value, mutation);

        bool decoded;
        bytes32 expectedHash;
        bytes[] memory expectedItems;
        try harness.decodeHashAndBytesArray(input) returns (bytes32 dh, bytes[] memory di) {
            (decoded, expectedHash, expectedItems) = (true, dh, di);
        } catch {}

        try harness.readHashAndBytesArray(input) returns (bytes32 rh, bytes[] memory ri) {
            assertTrue(decoded, "library accepted what abi.decode rejects");
            assertEq(rh, expectedHash);
            assertEq(keccak256(abi.encode(ri)), keccak256(abi.encode(expectedItems)));
        } catch (bytes memory reason) {
            assertFalse(decoded);
            assertEq(bytes4(reason), DAInputTooShort.selector);
        }
    }

    function testFuzz_MatchesAbiDecodeForIndexAndBytes(
        uint256 index,
        bytes memory item,
        uint256 wordIndex,
        uint256 value,
        uint8 mutation
    ) public view {
        bytes memory input = _mutate(abi.encode(index, item), wordIndex, value, mutation);

        bool decoded;
        uint256 expectedIndex;
        bytes memory expectedItem;
        try harness.decodeIndexAndBytes(input) returns (uint256 di, bytes memory db) {
            (decoded, expectedIndex, expectedItem) = (true, di, db);
        } catch {}

        try harness.readIndexAndBytes(input) returns (uint256 ri, bytes memory rb) {
            assertTrue(decoded, "library accepted what abi.decode rejects");
            assertEq(ri, expectedIndex);
            assertEq(rb, expectedItem);
        } catch (bytes memory reason) {
            assertFalse(decoded);
            assertEq(bytes4(reason), DAInputTooShort.selector);
        }
    }

    function testFuzz_MatchesAbiDecodeForWordArray(
        bytes32[] memory words,
        uint256 wordIndex,
        uint256 value,
        uint8 mutation
    ) public view {
        bytes memory input = _mutate(abi.encode(words), wordIndex, value, mutation);

        bool decoded;
        bytes32[] memory expected;
        try harness.decodeWordArray(input) returns (bytes32[] memory d) {
            (decoded, expected) = (true, d);
        } catch {}

        try harness.readWordArray(input) returns (bytes32[] memory r) {
            assertTrue(decoded, "library accepted what abi.decode rejects");
            assertEq(keccak256(abi.encode(r)), keccak256(abi.encode(expected)));
        } catch (bytes memory reason) {
            assertFalse(decoded);
            assertEq(bytes4(reason), DAInputTooShort.selector);
        }
    }

    // ---------------------------------------------------------------- helpers

    /// @dev mutation % 4: 0 leaves the input as is, 1 truncates it to `value % length` bytes, 2 sets word
    /// `wordIndex` to a small value (`value % (length + 64)`), 3 sets it to a huge one.
    function _mutate(bytes memory input, uint256 wordIndex, uint256 value, uint8 mutation)
        internal
        pure
        returns (bytes memory)
    {
        uint256 kind = mutation % 4;
        if (kind == 0 || input.length == 0) return input;
        if (kind == 1) return _truncate(input, value % input.length);
        uint256 word = kind == 2 ? value % (input.length + 64) : type(uint256).max - (value % 2 ** 70);
        uint256 position = 32 * (wordIndex % (input.length / 32));
        assembly ("memory-safe") {
            mstore(add(add(input, 0x20), position), word)
        }
        return input;
    }

    function _truncate(bytes memory input, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            out[i] = input[i];
        }
    }
}
