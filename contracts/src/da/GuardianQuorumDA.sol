// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IDAPolicy} from "./IDAPolicy.sol";
import {DAInput} from "./DAInput.sol";
import {BatchHeader} from "../settlement/BatchLib.sol";
import {
    GuardianQuorumBelowThreshold,
    GuardianQuorumCallerNotOwner,
    GuardianQuorumCallerNotPendingOwner,
    GuardianQuorumGuardianAlreadyAdded,
    GuardianQuorumGuardianNotFound,
    GuardianQuorumSignatureInvalid,
    GuardianQuorumSignatureLengthInvalid,
    GuardianQuorumSignatureMalleable,
    GuardianQuorumSignerNotGuardian,
    GuardianQuorumSignersNotAscending,
    GuardianQuorumThresholdOutOfRange,
    GuardianQuorumTooManyGuardians,
    GuardianQuorumZeroAddress
} from "./DAErrors.sol";

/// @title GuardianQuorumDA
/// @notice zkPorter-style data availability, also usable as a data-availability committee: a k-of-n
/// quorum of guardians attests that they hold the batch's data. The owner governs the guardian set and
/// the threshold k.
/// @dev Note: `daInput` is `abi.encode(bytes32 dataHash, bytes[] signatures)`; the commitment is
/// `dataHash`. Each signature is a 65-byte `r ‖ s ‖ v` ECDSA signature (low `s`, `v` 27 or 28) over
/// `attestationDigest(chainId, batchNumber, dataHash)`. Signatures must be sorted by strictly ascending
/// signer address (which also rules out a guardian signing twice), every one must recover to a current
/// guardian, and there must be at least `threshold()` of them. Attestations are bound to the parent
/// chain and to this contract's address, so two instances (a quorum and a committee) need signatures of
/// their own. A guardian set change applies to every batch committed after it, pending or not.
contract GuardianQuorumDA is IDAPolicy {
    // ---------------------------------------------------------------- constants

    /// @notice The most guardians the set may hold.
    uint256 public constant MAX_GUARDIANS = 64;

    /// @notice The tag that opens every attestation: keccak256("fractal.da.guardian-quorum.attestation.v1").
    bytes32 public constant ATTESTATION_TAG = keccak256("fractal.da.guardian-quorum.attestation.v1");

    /// @dev keccak256("fractal.da.guardian-quorum.v1").
    bytes32 private constant _POLICY_KIND = keccak256("fractal.da.guardian-quorum.v1");

    /// @dev The only signature length accepted: r (32) ‖ s (32) ‖ v (1).
    uint256 private constant _SIGNATURE_LENGTH = 65;

    // ---------------------------------------------------------------- events

    /// @notice `guardian` joined the guardian set.
    event GuardianAdded(address indexed guardian);

    /// @notice `guardian` left the guardian set.
    event GuardianRemoved(address indexed guardian);

    /// @notice The threshold changed from `previousThreshold` (0 at construction) to `newThreshold`.
    event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold);

    /// @notice The owner offered ownership to `newOwner` (the zero address cancels a pending offer).
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);

    /// @notice Ownership passed from `previousOwner` (zero at construction) to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    // ---------------------------------------------------------------- storage

    /// @dev The owner: the only account that may change the guardian set and the threshold.
    address private _owner;

    /// @dev The account that may accept ownership; zero when no transfer is pending.
    address private _pendingOwner;

    /// @dev The guardian set, in no particular order (removal moves the last guardian into the gap).
    address[] private _guardians;

    /// @dev One plus a guardian's index in `_guardians`; zero for an account that is not a guardian.
    mapping(address account => uint256 indexPlusOne) private _guardianSlot;

    /// @dev How many distinct guardian signatures a batch needs: always in [1, _guardians.length].
    uint256 private _threshold;

    // ---------------------------------------------------------------- construction

    /// @notice Creates the policy with its owner, initial guardian set and threshold.
    /// @param initialOwner The owner; not zero.
    /// @param initialGuardians 1 to `MAX_GUARDIANS` distinct, non-zero guardian addresses.
    /// @param initialThreshold The number of signatures a batch needs, in [1, initialGuardians.length].
    constructor(address initialOwner, address[] memory initialGuardians, uint256 initialThreshold) {
        if (initialOwner == address(0)) revert GuardianQuorumZeroAddress();
        _owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);

        for (uint256 i = 0; i < initialGuardians.length; ++i) {
            _addGuardian(initialGuardians[i]);
        }
        _setThreshold(initialThreshold);
    }

    // ---------------------------------------------------------------- modifiers

    /// @dev Reverts unless the caller is the owner.
    modifier onlyOwner() {
        if (msg.sender != _owner) revert GuardianQuorumCallerNotOwner(msg.sender, _owner);
        _;
    }

    // ---------------------------------------------------------------- IDAPolicy

    /// @notice Checks that a quorum of guardians attested to the batch's data and returns its hash. Only
    /// the header's `batchNumber` is read: the write binding (`writesEvaluation`, `writesLength`) is not
    /// checked by this policy (docs/proofs.md).
    /// @param chainId The child chain whose batch is being committed.
    /// @param header The header being committed; its `batchNumber` is the attested batch.
    /// @param daInput `abi.encode(bytes32 dataHash, bytes[] signatures)`: 65-byte signatures over
    /// `attestationDigest(chainId, header.batchNumber, dataHash)`, sorted by strictly ascending signer
    /// address, all from current guardians, at least `threshold()` of them.
    /// @return commitment `dataHash`.
    function checkAvailability(uint256 chainId, BatchHeader calldata header, bytes calldata daInput)
        external
        view
        returns (bytes32 commitment)
    {
        bytes32 dataHash = DAInput.readWord(daInput, 0);
        (uint256 heads, uint256 count) = DAInput.readArray(daInput, 0, 32);
        bytes32 digest = attestationDigest(chainId, header.batchNumber, dataHash);

        address previous = address(0);
        for (uint256 i = 0; i < count; ++i) {
            bytes calldata signature = DAInput.readBytes(daInput, heads, heads + 32 * i);
            address signer = _recover(i, digest, signature);
            if (signer <= previous) revert GuardianQuorumSignersNotAscending(i, previous, signer);
            if (_guardianSlot[signer] == 0) revert GuardianQuorumSignerNotGuardian(i, signer);
            previous = signer;
        }
        if (count < _threshold) revert GuardianQuorumBelowThreshold(count, _threshold);
        return dataHash;
    }

    /// @notice The policy kind: keccak256("fractal.da.guardian-quorum.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32) {
        return _POLICY_KIND;
    }

    // ---------------------------------------------------------------- attestations

    /// @notice The digest a guardian signs to attest that it holds the data `dataHash` of batch
    /// `batchNumber` of chain `chainId`, for this policy on this parent chain.
    /// @dev The digest is the EIP-191 personal-sign hash of a 32-byte message:
    /// `message = keccak256(abi.encode(ATTESTATION_TAG, block.chainid, address(this), chainId,
    /// batchNumber, dataHash))` — six 32-byte words: the tag, the parent chain id (uint256), this
    /// contract's address (left-padded), the child chain id (uint256), the batch number (uint64,
    /// left-padded) and the data hash; then
    /// `digest = keccak256("\x19Ethereum Signed Message:\n32" ‖ message)`.
    /// A guardian signs `digest` directly (raw `sign_hash`), or equivalently `personal_sign`s the 32
    /// bytes of `message`.
    /// @param chainId The child chain id.
    /// @param batchNumber The batch number.
    /// @param dataHash The hash of the batch's data the guardian holds.
    /// @return The digest to sign with secp256k1.
    function attestationDigest(uint256 chainId, uint64 batchNumber, bytes32 dataHash)
        public
        view
        returns (bytes32)
    {
        bytes32 message = keccak256(
            abi.encode(ATTESTATION_TAG, block.chainid, address(this), chainId, batchNumber, dataHash)
        );
        return MessageHashUtils.toEthSignedMessageHash(message);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Adds `guardian` to the guardian set. Owner only.
    /// @param guardian A non-zero address not yet in the set; the set must stay within `MAX_GUARDIANS`.
    function addGuardian(address guardian) external onlyOwner {
        _addGuardian(guardian);
    }

    /// @notice Removes `guardian` from the guardian set. Owner only. Lower the threshold first when the
    /// set would otherwise fall below it.
    /// @param guardian A current guardian; the threshold must not exceed the remaining guardian count.
    function removeGuardian(address guardian) external onlyOwner {
        uint256 slot = _guardianSlot[guardian];
        if (slot == 0) revert GuardianQuorumGuardianNotFound(guardian);
        uint256 remaining = _guardians.length - 1;
        if (_threshold > remaining) revert GuardianQuorumThresholdOutOfRange(_threshold, remaining);

        // Move the last guardian into the removed one's place, then drop the last entry.
        address last = _guardians[remaining];
        _guardians[slot - 1] = last;
        _guardianSlot[last] = slot;
        _guardians.pop();
        delete _guardianSlot[guardian];
        emit GuardianRemoved(guardian);
    }

    /// @notice Sets how many guardian signatures a batch needs. Owner only.
    /// @param newThreshold The new threshold, in [1, guardianCount()].
    function setThreshold(uint256 newThreshold) external onlyOwner {
        _setThreshold(newThreshold);
    }

    // ---------------------------------------------------------------- ownership

    /// @notice Offers ownership to `newOwner`, who must call `acceptOwnership`. Owner only. Passing the
    /// zero address cancels a pending offer; the current owner stays in charge until the offer is accepted.
    /// @param newOwner The proposed owner.
    function transferOwnership(address newOwner) external onlyOwner {
        _pendingOwner = newOwner;
        emit OwnershipTransferStarted(_owner, newOwner);
    }

    /// @notice Completes a transfer: the pending owner becomes the owner.
    function acceptOwnership() external {
        if (msg.sender != _pendingOwner || msg.sender == address(0)) {
            revert GuardianQuorumCallerNotPendingOwner(msg.sender, _pendingOwner);
        }
        address previousOwner = _owner;
        _owner = msg.sender;
        delete _pendingOwner;
        emit OwnershipTransferred(previousOwner, msg.sender);
    }

    // ---------------------------------------------------------------- getters

    /// @notice The owner.
    /// @return The owner's address.
    function owner() external view returns (address) {
        return _owner;
    }

    /// @notice The account that may accept ownership, or zero when no transfer is pending.
    /// @return The pending owner's address.
    function pendingOwner() external view returns (address) {
        return _pendingOwner;
    }

    /// @notice The guardian set, in no particular order.
    /// @return The guardians' addresses.
    function guardians() external view returns (address[] memory) {
        return _guardians;
    }

    /// @notice Whether `account` is a guardian.
    /// @param account The address to look up.
    /// @return True when `account` is in the guardian set.
    function isGuardian(address account) external view returns (bool) {
        return _guardianSlot[account] != 0;
    }

    /// @notice How many guardian signatures a batch needs.
    /// @return The threshold, in [1, guardianCount()].
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @notice How many guardians the set holds.
    /// @return The guardian count, in [threshold(), MAX_GUARDIANS].
    function guardianCount() external view returns (uint256) {
        return _guardians.length;
    }

    // ---------------------------------------------------------------- internal

    /// @dev Adds a guardian after checking it is non-zero, new, and fits under the cap.
    function _addGuardian(address guardian) private {
        if (guardian == address(0)) revert GuardianQuorumZeroAddress();
        if (_guardianSlot[guardian] != 0) revert GuardianQuorumGuardianAlreadyAdded(guardian);
        uint256 count = _guardians.length + 1;
        if (count > MAX_GUARDIANS) revert GuardianQuorumTooManyGuardians(count, MAX_GUARDIANS);

        _guardians.push(guardian);
        _guardianSlot[guardian] = count;
        emit GuardianAdded(guardian);
    }

    /// @dev Sets the threshold after checking it lies in [1, guardian count].
    function _setThreshold(uint256 newThreshold) private {
        uint256 count = _guardians.length;
        if (newThreshold == 0 || newThreshold > count) {
            revert GuardianQuorumThresholdOutOfRange(newThreshold, count);
        }
        uint256 previousThreshold = _threshold;
        _threshold = newThreshold;
        emit ThresholdChanged(previousThreshold, newThreshold);
    }

    /// @dev The signer of signature `index`, or a revert naming what is wrong with it.
    function _recover(uint256 index, bytes32 digest, bytes calldata signature)
        private
        pure
        returns (address)
    {
        (address signer, ECDSA.RecoverError err, bytes32 errArg) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.InvalidSignatureLength) {
            revert GuardianQuorumSignatureLengthInvalid(index, _SIGNATURE_LENGTH, signature.length);
        }
        if (err == ECDSA.RecoverError.InvalidSignatureS) {
            revert GuardianQuorumSignatureMalleable(index, errArg);
        }
        if (err != ECDSA.RecoverError.NoError) revert GuardianQuorumSignatureInvalid(index);
        return signer;
    }
}
