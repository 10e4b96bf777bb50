// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {DATestBase} from "../DATestBase.sol";
import {IDAPolicy} from "../../../src/da/IDAPolicy.sol";
import {CompositeDA} from "../../../src/da/CompositeDA.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {
    CompositeCommitmentMismatch,
    GuardianQuorumBelowThreshold,
    GuardianQuorumSignerNotGuardian
} from "../../../src/da/DAErrors.sol";

/// @notice The composition the docs describe: a guardian quorum (2-of-3) AND a data-availability
/// committee (3-of-5), two GuardianQuorumDA instances under one ALL_OF composite. One guardian also
/// sits on the committee.
contract CompositeDAQuorumAndCommitteeTest is DATestBase {
    GuardianQuorumDA internal quorum;
    GuardianQuorumDA internal committee;
    uint256[] internal quorumKeys;
    uint256[] internal committeeKeys;
    CompositeDA internal composite;

    function setUp() public {
        (quorum, quorumKeys) = _deployQuorum(10, 3, 2);
        committeeKeys = _sortedKeys(11, 5);
        committeeKeys[0] = quorumKeys[0];
        _sortByAddress(committeeKeys);
        committee = new GuardianQuorumDA(owner, _addresses(committeeKeys), 3);

        IDAPolicy[] memory members = new IDAPolicy[](2);
        members[0] = quorum;
        members[1] = committee;
        composite = new CompositeDA(members, CompositeDA.Mode.ALL_OF);
    }

    function _input(bytes memory quorumInput, bytes memory committeeInput)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encode(_bytesArray(quorumInput, committeeInput));
    }

    function test_AcceptsWhenBothAttest() public view {
        bytes memory input = _input(
            _quorumInput(quorum, _prefix(quorumKeys, 2), DATA_HASH),
            _quorumInput(committee, _prefix(committeeKeys, 3), DATA_HASH)
        );
        assertEq(composite.checkAvailability(CHAIN_ID, _header(), input), DATA_HASH);
    }

    function test_RevertWhen_CommitteeBelowThreshold() public {
        bytes memory input = _input(
            _quorumInput(quorum, quorumKeys, DATA_HASH),
            _quorumInput(committee, _prefix(committeeKeys, 2), DATA_HASH)
        );
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, 2, 3));
        composite.checkAvailability(CHAIN_ID, _header(), input);
    }

    function test_RevertWhen_QuorumBelowThreshold() public {
        bytes memory input = _input(
            _quorumInput(quorum, _prefix(quorumKeys, 1), DATA_HASH),
            _quorumInput(committee, committeeKeys, DATA_HASH)
        );
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, 1, 2));
        composite.checkAvailability(CHAIN_ID, _header(), input);
    }

    function test_RevertWhen_AttestedDataDiffers() public {
        bytes32 otherHash = keccak256("committee saw other data");
        bytes memory input = _input(
            _quorumInput(quorum, quorumKeys, DATA_HASH), _quorumInput(committee, committeeKeys, otherHash)
        );
        vm.expectRevert(abi.encodeWithSelector(CompositeCommitmentMismatch.selector, 1, DATA_HASH, otherHash));
        composite.checkAvailability(CHAIN_ID, _header(), input);
    }

    function test_RevertWhen_QuorumAttestationReplayedToCommittee() public {
        // The shared guardian's quorum signature does not count for the committee: attestations name
        // the policy they are for.
        uint256[] memory shared = new uint256[](1);
        shared[0] = quorumKeys[0];
        bytes[] memory replayed = _attest(quorum, shared, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        address recovered =
            ECDSA.recover(committee.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH), replayed[0]);
        bytes memory input =
            _input(_quorumInput(quorum, quorumKeys, DATA_HASH), abi.encode(DATA_HASH, replayed));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumSignerNotGuardian.selector, 0, recovered));
        composite.checkAvailability(CHAIN_ID, _header(), input);
    }

    function test_AnyOfAcceptsEitherBody() public {
        IDAPolicy[] memory members = new IDAPolicy[](2);
        members[0] = quorum;
        members[1] = committee;
        CompositeDA anyOf = new CompositeDA(members, CompositeDA.Mode.ANY_OF);
        bytes memory viaQuorum =
            abi.encode(uint256(0), _quorumInput(quorum, _prefix(quorumKeys, 2), DATA_HASH));
        bytes memory viaCommittee =
            abi.encode(uint256(1), _quorumInput(committee, _prefix(committeeKeys, 3), DATA_HASH));
        assertEq(anyOf.checkAvailability(CHAIN_ID, _header(), viaQuorum), DATA_HASH);
        assertEq(anyOf.checkAvailability(CHAIN_ID, _header(), viaCommittee), DATA_HASH);
    }

    /// @dev Random subsets of both bodies sign: accepted iff each reaches its own threshold; otherwise
    /// the first body short of its threshold reports it.
    function testFuzz_AcceptsIffBothReachThreshold(
        uint256 quorumMask,
        uint256 committeeMask,
        bytes32 dataHash
    ) public {
        uint256[] memory quorumSigners = _subset(quorumKeys, quorumMask);
        uint256[] memory committeeSigners = _subset(committeeKeys, committeeMask);
        bytes memory input = abi.encode(
            _bytesArray(
                abi.encode(dataHash, _attest(quorum, quorumSigners, CHAIN_ID, BATCH_NUMBER, dataHash)),
                abi.encode(dataHash, _attest(committee, committeeSigners, CHAIN_ID, BATCH_NUMBER, dataHash))
            )
        );
        if (quorumSigners.length < 2) {
            vm.expectRevert(
                abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, quorumSigners.length, 2)
            );
        } else if (committeeSigners.length < 3) {
            vm.expectRevert(
                abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, committeeSigners.length, 3)
            );
        }
        bytes32 commitment = composite.checkAvailability(CHAIN_ID, _header(), input);
        if (quorumSigners.length >= 2 && committeeSigners.length >= 3) assertEq(commitment, dataHash);
    }

    /// @dev The keys whose bit is set in `mask`, keeping their (sorted) order.
    function _subset(uint256[] memory all, uint256 mask) internal pure returns (uint256[] memory out) {
        uint256 size = 0;
        out = new uint256[](all.length);
        for (uint256 i = 0; i < all.length; ++i) {
            if ((mask >> i) & 1 == 1) out[size++] = all[i];
        }
        out = _prefix(out, size);
    }
}
