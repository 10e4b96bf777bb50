// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {RollupBlobDA} from "../../../src/da/RollupBlobDA.sol";
import {
    DAInputTooShort,
    RollupBlobCountOutOfRange,
    RollupBlobHashMismatch,
    RollupBlobMissing,
    RollupBlobUnlisted
} from "../../../src/da/DAErrors.sol";

contract RollupBlobDACheckAvailabilityTest is DATestBase {
    RollupBlobDA internal policy;
    uint256 internal maxBlobs;

    function setUp() public {
        policy = new RollupBlobDA();
        maxBlobs = policy.MAX_BLOBS();
    }

    function _check(bytes32[] memory listed) internal view returns (bytes32) {
        return policy.checkAvailability(CHAIN_ID, _header(), abi.encode(listed));
    }

    // ---------------------------------------------------------------- accepted

    function test_OneBlob() public {
        bytes32[] memory hashes = _versionedHashes(1, 1);
        vm.blobhashes(hashes);
        assertEq(_check(hashes), keccak256(abi.encodePacked(hashes)));
        assertEq(_check(hashes), keccak256(abi.encodePacked(hashes[0])));
    }

    function test_MaxBlobs() public {
        bytes32[] memory hashes = _versionedHashes(1, maxBlobs);
        vm.blobhashes(hashes);
        assertEq(_check(hashes), keccak256(abi.encodePacked(hashes)));
    }

    function test_CommitmentIgnoresChainAndBatch() public {
        bytes32[] memory hashes = _versionedHashes(5, 3);
        vm.blobhashes(hashes);
        assertEq(
            policy.checkAvailability(1, _header(1), abi.encode(hashes)),
            policy.checkAvailability(2, _header(2), abi.encode(hashes))
        );
    }

    function test_RepeatedBlobIsAccepted() public {
        bytes32[] memory hashes = new bytes32[](2);
        hashes[0] = _versionedHash(1);
        hashes[1] = _versionedHash(1);
        vm.blobhashes(hashes);
        assertEq(_check(hashes), keccak256(abi.encodePacked(hashes)));
    }

    // ---------------------------------------------------------------- count

    function test_RevertWhen_NoHashListed() public {
        vm.blobhashes(_versionedHashes(1, 1));
        vm.expectRevert(abi.encodeWithSelector(RollupBlobCountOutOfRange.selector, 0, 1, maxBlobs));
        _check(new bytes32[](0));
    }

    function test_RevertWhen_TooManyHashesListed() public {
        bytes32[] memory hashes = _versionedHashes(1, maxBlobs + 1);
        vm.blobhashes(hashes);
        vm.expectRevert(abi.encodeWithSelector(RollupBlobCountOutOfRange.selector, maxBlobs + 1, 1, maxBlobs));
        _check(hashes);
    }

    // ---------------------------------------------------------------- blobs

    function test_RevertWhen_TransactionCarriesNoBlob() public {
        bytes32[] memory hashes = _versionedHashes(1, 1);
        vm.expectRevert(abi.encodeWithSelector(RollupBlobMissing.selector, 0, hashes[0]));
        _check(hashes);
    }

    function test_RevertWhen_ListedBlobMissing() public {
        bytes32[] memory hashes = _versionedHashes(1, 3);
        vm.blobhashes(_prefixHashes(hashes, 2));
        vm.expectRevert(abi.encodeWithSelector(RollupBlobMissing.selector, 2, hashes[2]));
        _check(hashes);
    }

    function test_RevertWhen_HashDiffers() public {
        bytes32[] memory carried = _versionedHashes(1, 3);
        bytes32[] memory listed = _versionedHashes(1, 3);
        listed[1] = _versionedHash(99);
        vm.blobhashes(carried);
        vm.expectRevert(abi.encodeWithSelector(RollupBlobHashMismatch.selector, 1, listed[1], carried[1]));
        _check(listed);
    }

    function test_RevertWhen_HashesOutOfOrder() public {
        bytes32[] memory carried = _versionedHashes(1, 2);
        bytes32[] memory listed = new bytes32[](2);
        listed[0] = carried[1];
        listed[1] = carried[0];
        vm.blobhashes(carried);
        vm.expectRevert(abi.encodeWithSelector(RollupBlobHashMismatch.selector, 0, carried[1], carried[0]));
        _check(listed);
    }

    function test_RevertWhen_UnlistedBlob() public {
        bytes32[] memory carried = _versionedHashes(1, 3);
        vm.blobhashes(carried);
        vm.expectRevert(abi.encodeWithSelector(RollupBlobUnlisted.selector, 2, carried[2]));
        _check(_prefixHashes(carried, 2));
    }

    // ---------------------------------------------------------------- malformed input

    function test_RevertWhen_InputEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 32, 0));
        policy.checkAvailability(CHAIN_ID, _header(), "");
    }

    function test_RevertWhen_InputIsBareHash() public {
        // A lone bytes32 (e.g. a validium input) reads as an offset far past the end.
        bytes32 h = _versionedHash(1);
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, uint256(h) + 32, 32));
        policy.checkAvailability(CHAIN_ID, _header(), abi.encode(h));
    }

    function test_RevertWhen_HashesTruncated() public {
        bytes32[] memory hashes = _versionedHashes(1, 2);
        vm.blobhashes(hashes);
        bytes memory input = abi.encode(hashes);
        bytes memory truncated = new bytes(input.length - 1);
        for (uint256 i = 0; i < truncated.length; ++i) {
            truncated[i] = input[i];
        }
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, input.length, input.length - 1));
        policy.checkAvailability(CHAIN_ID, _header(), truncated);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_CommitmentIsPackedHashes(uint256 seed, uint256 count) public {
        count = bound(count, 1, maxBlobs);
        bytes32[] memory hashes = _versionedHashes(seed % type(uint128).max, count);
        vm.blobhashes(hashes);
        assertEq(_check(hashes), keccak256(abi.encodePacked(hashes)));
    }

    function testFuzz_RevertWhen_ExtraBlobs(uint256 listedCount, uint256 extra) public {
        listedCount = bound(listedCount, 1, maxBlobs);
        extra = bound(extra, 1, 4);
        bytes32[] memory carried = _versionedHashes(0, listedCount + extra);
        vm.blobhashes(carried);
        vm.expectRevert(
            abi.encodeWithSelector(RollupBlobUnlisted.selector, listedCount, carried[listedCount])
        );
        _check(_prefixHashes(carried, listedCount));
    }

    function testFuzz_RevertWhen_OneHashDiffers(uint256 count, uint256 index, bytes32 wrong) public {
        count = bound(count, 1, maxBlobs);
        index = bound(index, 0, count - 1);
        bytes32[] memory carried = _versionedHashes(0, count);
        vm.assume(wrong != carried[index]);
        bytes32[] memory listed = _versionedHashes(0, count);
        listed[index] = wrong;
        vm.blobhashes(carried);
        vm.expectRevert(abi.encodeWithSelector(RollupBlobHashMismatch.selector, index, wrong, carried[index]));
        _check(listed);
    }

    function testFuzz_RevertWhen_BlobsMissing(uint256 listedCount, uint256 carriedCount) public {
        listedCount = bound(listedCount, 1, maxBlobs);
        carriedCount = bound(carriedCount, 0, listedCount - 1);
        bytes32[] memory listed = _versionedHashes(0, listedCount);
        vm.blobhashes(_prefixHashes(listed, carriedCount));
        vm.expectRevert(
            abi.encodeWithSelector(RollupBlobMissing.selector, carriedCount, listed[carriedCount])
        );
        _check(listed);
    }

    function _prefixHashes(bytes32[] memory hashes, uint256 n) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            out[i] = hashes[i];
        }
    }
}
