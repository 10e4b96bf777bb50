// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IDAPolicy} from "./IDAPolicy.sol";
import {DAInput} from "./DAInput.sol";
import {BatchHeader} from "../settlement/BatchLib.sol";
import {
    CompositeCommitmentMismatch,
    CompositeInputCountMismatch,
    CompositeMemberCountOutOfRange,
    CompositeMemberDuplicate,
    CompositeMemberIndexOutOfRange,
    CompositeMemberIsSelf,
    CompositeMemberNotContract,
    CompositeMemberZeroAddress
} from "./DAErrors.sol";

/// @title CompositeDA
/// @notice Combines 2 to 8 member policies that attest to the same data, e.g. a guardian quorum AND a
/// data committee. `ALL_OF`: every member must accept and all must return the same commitment.
/// `ANY_OF`: the operator picks one member per batch, which must accept.
/// @dev Note: members and mode are fixed at construction. `daInput` is, for `ALL_OF`,
/// `abi.encode(bytes[] memberInputs)` with one input per member in member order, and for `ANY_OF`,
/// `abi.encode(uint256 memberIndex, bytes memberInput)`. Each member input is that member's own
/// `daInput`. A member's revert propagates unchanged (with the member's own custom error). Members must
/// already be deployed when the composite is built, so compositions cannot form a cycle.
contract CompositeDA is IDAPolicy {
    // ---------------------------------------------------------------- types

    /// @notice How the members' verdicts combine.
    enum Mode {
        /// Every member must accept, with one and the same commitment.
        ALL_OF,
        /// The member named in `daInput` must accept.
        ANY_OF
    }

    // ---------------------------------------------------------------- constants

    /// @notice The fewest members a composite may have.
    uint256 public constant MIN_MEMBERS = 2;

    /// @notice The most members a composite may have.
    uint256 public constant MAX_MEMBERS = 8;

    /// @dev keccak256("fractal.da.composite.v1").
    bytes32 private constant _POLICY_KIND = keccak256("fractal.da.composite.v1");

    // ---------------------------------------------------------------- storage

    /// @dev How the members' verdicts combine.
    Mode private immutable _mode;

    /// @dev The member policies, in the order their inputs take; written once, in the constructor.
    IDAPolicy[] private _members;

    // ---------------------------------------------------------------- construction

    /// @notice Creates a composite of `members` combined by `mode`.
    /// @param initialMembers 2 to 8 distinct, deployed policies; not zero, not this composite.
    /// @param initialMode `ALL_OF` (0) or `ANY_OF` (1).
    constructor(IDAPolicy[] memory initialMembers, Mode initialMode) {
        uint256 count = initialMembers.length;
        if (count < MIN_MEMBERS || count > MAX_MEMBERS) {
            revert CompositeMemberCountOutOfRange(count, MIN_MEMBERS, MAX_MEMBERS);
        }
        for (uint256 i = 0; i < count; ++i) {
            address member = address(initialMembers[i]);
            if (member == address(0)) revert CompositeMemberZeroAddress(i);
            if (member == address(this)) revert CompositeMemberIsSelf(i);
            if (member.code.length == 0) revert CompositeMemberNotContract(i, member);
            for (uint256 j = 0; j < i; ++j) {
                if (address(initialMembers[j]) == member) revert CompositeMemberDuplicate(j, i, member);
            }
            _members.push(initialMembers[i]);
        }
        _mode = initialMode;
    }

    // ---------------------------------------------------------------- IDAPolicy

    /// @notice Asks the members, as the mode says, and returns the commitment they agree on. The write
    /// binding is not checked by this policy itself: each member checks the header as it does alone
    /// (`ALL_OF` with a `RollupCalldataDA` member checks it; `ANY_OF` only when that member is chosen).
    /// @param chainId The child chain whose batch is being committed; passed to the members.
    /// @param header The header being committed; passed to the members.
    /// @param daInput `ALL_OF`: `abi.encode(bytes[] memberInputs)`, one per member, in member order.
    /// `ANY_OF`: `abi.encode(uint256 memberIndex, bytes memberInput)`.
    /// @return commitment The members' common commitment (`ALL_OF`) or the chosen member's (`ANY_OF`).
    function checkAvailability(uint256 chainId, BatchHeader calldata header, bytes calldata daInput)
        external
        view
        returns (bytes32 commitment)
    {
        if (_mode == Mode.ALL_OF) return _checkAllOf(chainId, header, daInput);
        return _checkAnyOf(chainId, header, daInput);
    }

    /// @notice The policy kind: keccak256("fractal.da.composite.v1"), whatever the mode.
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32) {
        return _POLICY_KIND;
    }

    // ---------------------------------------------------------------- getters

    /// @notice The member policies, in the order their inputs take.
    /// @return The members' addresses.
    function members() external view returns (IDAPolicy[] memory) {
        return _members;
    }

    /// @notice How many members the composite has.
    /// @return The member count, in [MIN_MEMBERS, MAX_MEMBERS].
    function memberCount() external view returns (uint256) {
        return _members.length;
    }

    /// @notice How the members' verdicts combine.
    /// @return `ALL_OF` or `ANY_OF`.
    function mode() external view returns (Mode) {
        return _mode;
    }

    // ---------------------------------------------------------------- internal

    /// @dev ALL_OF: every member checks its own input; all commitments must equal member 0's.
    function _checkAllOf(uint256 chainId, BatchHeader calldata header, bytes calldata daInput)
        private
        view
        returns (bytes32 commitment)
    {
        uint256 count = _members.length;
        (uint256 heads, uint256 inputs) = DAInput.readArray(daInput, 0, 0);
        if (inputs != count) revert CompositeInputCountMismatch(count, inputs);

        for (uint256 i = 0; i < count; ++i) {
            bytes calldata memberInput = DAInput.readBytes(daInput, heads, heads + 32 * i);
            bytes32 memberCommitment = _members[i].checkAvailability(chainId, header, memberInput);
            if (i == 0) {
                commitment = memberCommitment;
            } else if (memberCommitment != commitment) {
                revert CompositeCommitmentMismatch(i, commitment, memberCommitment);
            }
        }
    }

    /// @dev ANY_OF: the member named in the input checks the rest of it.
    function _checkAnyOf(uint256 chainId, BatchHeader calldata header, bytes calldata daInput)
        private
        view
        returns (bytes32)
    {
        uint256 index = uint256(DAInput.readWord(daInput, 0));
        bytes calldata memberInput = DAInput.readBytes(daInput, 0, 32);
        if (index >= _members.length) revert CompositeMemberIndexOutOfRange(index, _members.length);
        return _members[index].checkAvailability(chainId, header, memberInput);
    }
}
