// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {
    DAInputTooShort,
    GuardianQuorumBelowThreshold,
    GuardianQuorumSignatureInvalid,
    GuardianQuorumSignatureLengthInvalid,
    GuardianQuorumSignatureMalleable,
    GuardianQuorumSignerNotGuardian,
    GuardianQuorumSignersNotAscending
} from "../../../src/da/DAErrors.sol";

contract GuardianQuorumDACheckAvailabilityTest is GuardianQuorumDABase {
    // ---------------------------------------------------------------- accepted

    function test_ExactlyThresholdSignatures() public view {
        assertEq(_check(_quorumInput(policy, _prefix(keys, THRESHOLD), DATA_HASH)), DATA_HASH);
    }

    function test_AllGuardiansSign() public view {
        assertEq(_check(_quorumInput(policy, keys, DATA_HASH)), DATA_HASH);
    }

    function test_AnySortedSubsetReachingThreshold() public view {
        uint256[] memory subset = new uint256[](3);
        subset[0] = keys[0];
        subset[1] = keys[2];
        subset[2] = keys[4];
        assertEq(_check(_quorumInput(policy, subset, DATA_HASH)), DATA_HASH);
    }

    function test_ZeroDataHash() public view {
        assertEq(_check(_quorumInput(policy, keys, bytes32(0))), bytes32(0));
    }

    function test_NewGuardianCanSign() public {
        uint256 newcomer = _key(OUTSIDERS, 0);
        vm.prank(owner);
        policy.addGuardian(vm.addr(newcomer));
        uint256[] memory signers = _prefix(keys, THRESHOLD);
        signers[0] = newcomer;
        _sortByAddress(signers);
        assertEq(_check(_quorumInput(policy, signers, DATA_HASH)), DATA_HASH);
    }

    // ---------------------------------------------------------------- quorum

    function test_RevertWhen_BelowThreshold() public {
        bytes memory input = _quorumInput(policy, _prefix(keys, THRESHOLD - 1), DATA_HASH);
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, THRESHOLD - 1, THRESHOLD)
        );
        _check(input);
    }

    function test_RevertWhen_NoSignatures() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, 0, THRESHOLD));
        _check(abi.encode(DATA_HASH, new bytes[](0)));
    }

    function test_RevertWhen_ThresholdRaisedAfterSigning() public {
        bytes memory input = _quorumInput(policy, _prefix(keys, THRESHOLD), DATA_HASH);
        vm.prank(owner);
        policy.setThreshold(THRESHOLD + 1);
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, THRESHOLD, THRESHOLD + 1)
        );
        _check(input);
    }

    // ---------------------------------------------------------------- signer order

    function test_RevertWhen_SignersNotAscending() public {
        uint256[] memory signers = _prefix(keys, THRESHOLD);
        (signers[0], signers[1]) = (signers[1], signers[0]);
        bytes memory input = _quorumInput(policy, signers, DATA_HASH);
        vm.expectRevert(
            abi.encodeWithSelector(
                GuardianQuorumSignersNotAscending.selector, 1, vm.addr(keys[1]), vm.addr(keys[0])
            )
        );
        _check(input);
    }

    function test_RevertWhen_GuardianSignsTwice() public {
        uint256[] memory signers = _prefix(keys, THRESHOLD);
        signers[2] = signers[1];
        bytes memory input = _quorumInput(policy, signers, DATA_HASH);
        address twice = vm.addr(keys[1]);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignersNotAscending.selector, 2, twice, twice));
        _check(input);
    }

    // ---------------------------------------------------------------- signers

    function test_RevertWhen_SignerNotGuardian() public {
        uint256 outsider = _key(OUTSIDERS, 0);
        uint256[] memory signers = _prefix(keys, THRESHOLD);
        signers[1] = outsider;
        _sortByAddress(signers);
        uint256 position = _indexOf(signers, outsider);
        bytes memory input = _quorumInput(policy, signers, DATA_HASH);
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumSignerNotGuardian.selector, position, vm.addr(outsider))
        );
        _check(input);
    }

    function test_RevertWhen_GuardianRemovedAfterSigning() public {
        bytes memory input = _quorumInput(policy, _prefix(keys, THRESHOLD), DATA_HASH);
        vm.prank(owner);
        policy.removeGuardian(vm.addr(keys[2]));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignerNotGuardian.selector, 2, vm.addr(keys[2])));
        _check(input);
    }

    function test_RevertWhen_SignedForAnotherDataHash() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, keccak256("other data"));
        _expectStrangerSigner(signatures[0], policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignedForAnotherBatch() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER + 1, DATA_HASH);
        _expectStrangerSigner(signatures[0], policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignedForAnotherChain() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID + 1, BATCH_NUMBER, DATA_HASH);
        _expectStrangerSigner(signatures[0], policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignedForAnotherPolicy() public {
        // Same guardians, another instance: the attestation names the policy address.
        GuardianQuorumDA other = new GuardianQuorumDA(owner, _addresses(keys), THRESHOLD);
        bytes[] memory signatures = _attest(other, keys, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        assertEq(other.checkAvailability(CHAIN_ID, _header(), abi.encode(DATA_HASH, signatures)), DATA_HASH);
        _expectStrangerSigner(signatures[0], policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignedOnAnotherParentChain() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        vm.chainId(block.chainid + 1);
        _expectStrangerSigner(signatures[0], policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH));
        _check(abi.encode(DATA_HASH, signatures));
    }

    // ---------------------------------------------------------------- signature encoding

    function test_RevertWhen_SignatureTooShort() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        signatures[1] = _truncate(signatures[1], 64);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureLengthInvalid.selector, 1, 65, 64));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignatureTooLong() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        signatures[0] = abi.encodePacked(signatures[0], uint8(0));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureLengthInvalid.selector, 0, 65, 66));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignatureEmpty() public {
        bytes[] memory signatures = new bytes[](THRESHOLD);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureLengthInvalid.selector, 0, 65, 0));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignatureMalleable() public {
        bytes32 digest = policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], digest);
        // (r, n - s, v ^ 1) recovers to the same signer but is the high-s twin.
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        bytes[] memory signatures =
            _attest(policy, _prefix(keys, THRESHOLD), CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        signatures[0] = abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27));
        assertEq(ecrecover(digest, v == 27 ? 28 : 27, r, highS), vm.addr(keys[0]));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureMalleable.selector, 0, highS));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignatureVInvalid() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        signatures[2][64] = bytes1(uint8(29));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureInvalid.selector, 2));
        _check(abi.encode(DATA_HASH, signatures));
    }

    function test_RevertWhen_SignatureAllZero() public {
        bytes[] memory signatures = _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        signatures[0] = new bytes(65);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureInvalid.selector, 0));
        _check(abi.encode(DATA_HASH, signatures));
    }

    // ---------------------------------------------------------------- malformed input

    function test_RevertWhen_InputEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 32, 0));
        _check("");
    }

    function test_RevertWhen_InputIsBareDataHash() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 64, 32));
        _check(abi.encode(DATA_HASH));
    }

    function test_RevertWhen_SignatureTruncatedInInput() public {
        bytes memory input = _quorumInput(policy, keys, DATA_HASH);
        // The last signature's 65 bytes end 31 bytes before the padded end; cut into them.
        bytes memory truncated = _truncate(input, input.length - 40);
        vm.expectRevert(
            abi.encodeWithSelector(DAInputTooShort.selector, input.length - 31, input.length - 40)
        );
        _check(truncated);
    }

    // ---------------------------------------------------------------- fuzz

    /// @dev A random subset of a random k-of-n set signs: accepted iff the subset reaches k.
    function testFuzz_SubsetAroundThreshold(uint256 n, uint256 k, uint256 mask, bytes32 dataHash) public {
        n = bound(n, 1, 12);
        k = bound(k, 1, n);
        (GuardianQuorumDA quorum, uint256[] memory all) = _deployQuorum(3, n, k);
        uint256 size = 0;
        uint256[] memory subset = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            if ((mask >> i) & 1 == 1) subset[size++] = all[i];
        }
        subset = _prefix(subset, size);
        bytes memory input = abi.encode(dataHash, _attest(quorum, subset, CHAIN_ID, BATCH_NUMBER, dataHash));
        if (size < k) {
            vm.expectRevert(abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, size, k));
        }
        bytes32 commitment = quorum.checkAvailability(CHAIN_ID, _header(), input);
        if (size >= k) assertEq(commitment, dataHash);
    }

    function testFuzz_AcceptsAnyBatch(uint256 chainId, uint64 batchNumber, bytes32 dataHash) public view {
        bytes[] memory signatures = _attest(policy, keys, chainId, batchNumber, dataHash);
        assertEq(
            policy.checkAvailability(chainId, _header(batchNumber), abi.encode(dataHash, signatures)),
            dataHash
        );
    }

    /// @dev A random 65-byte signature never passes: the error names what is wrong with it.
    function testFuzz_RevertWhen_RandomSignature(bytes32 r, bytes32 s, uint8 v) public {
        bytes32 digest = policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        bytes[] memory signatures = new bytes[](1);
        signatures[0] = abi.encodePacked(r, s, v);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[0]);
        if (err == ECDSA.RecoverError.InvalidSignatureS) {
            vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureMalleable.selector, 0, s));
        } else if (err != ECDSA.RecoverError.NoError) {
            vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureInvalid.selector, 0));
        } else {
            vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignerNotGuardian.selector, 0, signer));
        }
        _check(abi.encode(DATA_HASH, signatures));
    }

    function testFuzz_RevertWhen_SignatureLengthNot65(uint256 length) public {
        length = bound(length, 0, 200);
        vm.assume(length != 65);
        bytes[] memory signatures = new bytes[](1);
        signatures[0] = new bytes(length);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignatureLengthInvalid.selector, 0, 65, length));
        _check(abi.encode(DATA_HASH, signatures));
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Expects the revert of a signature that recovers, over `digest`, to an address outside the set.
    function _expectStrangerSigner(bytes memory signature, bytes32 digest) internal {
        address signer = ECDSA.recover(digest, signature);
        assertFalse(policy.isGuardian(signer));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignerNotGuardian.selector, 0, signer));
    }

    function _indexOf(uint256[] memory list, uint256 value) internal pure returns (uint256) {
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == value) return i;
        }
        revert("not found");
    }

    function _truncate(bytes memory input, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            out[i] = input[i];
        }
    }
}
