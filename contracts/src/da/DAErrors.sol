// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

// Custom errors of the data-availability area (the IDAPolicy implementations and their input
// decoding), sorted by name. Each is prefixed with its component: `Composite` (CompositeDA),
// `DAInput` (the DAInput decoding library), `GuardianQuorum` (GuardianQuorumDA), `PubdataEvaluation`
// (the PubdataEvaluation library), `RollupBlob` (RollupBlobDA), `RollupCalldata` (RollupCalldataDA) and
// `Validium` (ValidiumDA).

/// @dev ALL_OF: member `memberIndex` returned `actual` where member 0 returned `expected`.
error CompositeCommitmentMismatch(uint256 memberIndex, bytes32 expected, bytes32 actual);
/// @dev ALL_OF: `daInput` carries `actual` member inputs where the composite has `expected` members.
error CompositeInputCountMismatch(uint256 expected, uint256 actual);
/// @dev The composite was built with `count` members, outside [`min`, `max`].
error CompositeMemberCountOutOfRange(uint256 count, uint256 min, uint256 max);
/// @dev Member `index` is the same policy as member `firstIndex`.
error CompositeMemberDuplicate(uint256 firstIndex, uint256 index, address member);
/// @dev ANY_OF: `daInput` names member `index`, but the composite has `memberCount` members.
error CompositeMemberIndexOutOfRange(uint256 index, uint256 memberCount);
/// @dev Member `index` is the composite being constructed.
error CompositeMemberIsSelf(uint256 index);
/// @dev Member `index` (`member`) has no code.
error CompositeMemberNotContract(uint256 index, address member);
/// @dev Member `index` is the zero address.
error CompositeMemberZeroAddress(uint256 index);

/// @dev The encoding points `required` bytes into `daInput`, but it holds only `actual` bytes
/// (`required` saturates at 2^256 - 1 when an offset or length word is absurd).
error DAInputTooShort(uint256 required, uint256 actual);

/// @dev Only `valid` guardian signatures were supplied where `threshold` are required.
error GuardianQuorumBelowThreshold(uint256 valid, uint256 threshold);
/// @dev `caller` is not the owner (`owner`).
error GuardianQuorumCallerNotOwner(address caller, address owner);
/// @dev `caller` is not the pending owner (`pendingOwner`).
error GuardianQuorumCallerNotPendingOwner(address caller, address pendingOwner);
/// @dev `guardian` is already in the guardian set.
error GuardianQuorumGuardianAlreadyAdded(address guardian);
/// @dev `guardian` is not in the guardian set.
error GuardianQuorumGuardianNotFound(address guardian);
/// @dev Signature `index` does not recover to any address (bad `v`, or `r`/`s` off the curve).
error GuardianQuorumSignatureInvalid(uint256 index);
/// @dev Signature `index` has `actual` bytes where `expected` (65: r ‖ s ‖ v) are required.
error GuardianQuorumSignatureLengthInvalid(uint256 index, uint256 expected, uint256 actual);
/// @dev Signature `index` has an `s` in the upper half of the curve order (a malleable signature).
error GuardianQuorumSignatureMalleable(uint256 index, bytes32 s);
/// @dev Signature `index` recovers to `signer`, who is not a guardian.
error GuardianQuorumSignerNotGuardian(uint256 index, address signer);
/// @dev Signature `index` recovers to `signer`, not strictly above the previous signer `previous`
/// (signatures must be sorted by ascending signer address; a repeated signer lands here too).
error GuardianQuorumSignersNotAscending(uint256 index, address previous, address signer);
/// @dev `threshold` is outside [1, `guardianCount`].
error GuardianQuorumThresholdOutOfRange(uint256 threshold, uint256 guardianCount);
/// @dev The guardian set would hold `count` guardians, more than `max`.
error GuardianQuorumTooManyGuardians(uint256 count, uint256 max);
/// @dev The zero address was passed where a guardian or an owner is required.
error GuardianQuorumZeroAddress();

/// @dev An evaluation point or a row commitment, `value`, is not a field element (it must be below the BN254
/// scalar field modulus).
error PubdataEvaluationNotInField(uint256 value);
/// @dev Pubdata of `length` bytes ends before the `needed` bytes its header announces (the 21-byte header
/// itself, or the run of write rows it says follows).
error PubdataEvaluationTruncated(uint256 length, uint256 needed);
/// @dev Pubdata starts with layout version `version`; only version 2 has a run of write rows to evaluate.
error PubdataEvaluationVersionUnsupported(uint8 version);

/// @dev `count` blob hashes were listed, outside [`min`, `max`].
error RollupBlobCountOutOfRange(uint256 count, uint256 min, uint256 max);
/// @dev The transaction's blob `index` has versioned hash `actual`, not the listed `expected`.
error RollupBlobHashMismatch(uint256 index, bytes32 expected, bytes32 actual);
/// @dev The transaction carries no blob `index`, listed with versioned hash `expected`.
error RollupBlobMissing(uint256 index, bytes32 expected);
/// @dev The transaction carries blob `index` (versioned hash `actual`) that the list does not name.
error RollupBlobUnlisted(uint256 index, bytes32 actual);

/// @dev Batch `batchNumber`'s header does not carry its pubdata's write binding: the run of write rows
/// evaluates to `expectedEvaluation` at the batch's point and has `expectedLength` bytes, where the header
/// says `actualEvaluation` (`writesEvaluation`) and `actualLength` (`writesLength`).
error RollupCalldataWritesMismatch(
    uint64 batchNumber,
    uint256 expectedEvaluation,
    uint256 actualEvaluation,
    uint256 expectedLength,
    uint256 actualLength
);

/// @dev `daInput` has `actual` bytes where exactly `expected` (one abi-encoded bytes32) are required.
error ValidiumInputLengthMismatch(uint256 expected, uint256 actual);
