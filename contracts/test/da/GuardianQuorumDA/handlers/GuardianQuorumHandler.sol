// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Vm} from "../../../utils/Test.sol";
import {GuardianQuorumDA} from "../../../../src/da/GuardianQuorumDA.sol";

/// @title GuardianQuorumHandler
/// @notice Drives a GuardianQuorumDA with random governance by its owner (add, remove, setThreshold) and
/// random calls by strangers, predicting each outcome from a ghost copy of the guardian set.
contract GuardianQuorumHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    GuardianQuorumDA public immutable policy;
    address public immutable owner;

    /// @dev The candidate guardians (more than the cap, so the cap can be reached).
    address[] internal _candidates;

    // ---------------------------------------------------------------- ghost state

    /// @dev Ghost copy of the guardian set.
    mapping(address => bool) public ghostIsGuardian;
    uint256 public ghostGuardianCount;
    uint256 public ghostThreshold;
    /// @dev The candidate the last add, remove or stranger's call named (the invariant checks its
    /// membership after every call; the whole candidate set is swept at the end of each run).
    address public lastTouched;

    /// @dev Calls whose outcome (success or revert) differed from the prediction.
    uint256 public ghostMispredictions;

    constructor(GuardianQuorumDA policy_, address owner_, address[] memory candidates_) {
        policy = policy_;
        owner = owner_;
        _candidates = candidates_;
        address[] memory initial = policy_.guardians();
        for (uint256 i = 0; i < initial.length; ++i) {
            ghostIsGuardian[initial[i]] = true;
        }
        ghostGuardianCount = initial.length;
        ghostThreshold = policy_.threshold();
    }

    function candidates() external view returns (address[] memory) {
        return _candidates;
    }

    /// @dev The ghost membership of every candidate, in `candidates()` order: one call for the invariant.
    function ghostMembership() external view returns (bool[] memory members) {
        members = new bool[](_candidates.length);
        for (uint256 i = 0; i < _candidates.length; ++i) {
            members[i] = ghostIsGuardian[_candidates[i]];
        }
    }

    // ---------------------------------------------------------------- actions

    function addGuardian(uint256 seed) external {
        address guardian = _pick(seed, false);
        lastTouched = guardian;
        bool expectSuccess = !ghostIsGuardian[guardian] && ghostGuardianCount < policy.MAX_GUARDIANS();
        vm.prank(owner);
        try policy.addGuardian(guardian) {
            ghostIsGuardian[guardian] = true;
            ++ghostGuardianCount;
            _record(expectSuccess, true);
        } catch {
            _record(expectSuccess, false);
        }
    }

    function removeGuardian(uint256 seed) external {
        address guardian = _pick(seed, true);
        lastTouched = guardian;
        bool expectSuccess = ghostIsGuardian[guardian] && ghostThreshold <= ghostGuardianCount - 1;
        vm.prank(owner);
        try policy.removeGuardian(guardian) {
            ghostIsGuardian[guardian] = false;
            --ghostGuardianCount;
            _record(expectSuccess, true);
        } catch {
            _record(expectSuccess, false);
        }
    }

    function setThreshold(uint256 newThreshold) external {
        newThreshold = newThreshold % (policy.MAX_GUARDIANS() + 2);
        bool expectSuccess = newThreshold >= 1 && newThreshold <= ghostGuardianCount;
        vm.prank(owner);
        try policy.setThreshold(newThreshold) {
            ghostThreshold = newThreshold;
            _record(expectSuccess, true);
        } catch {
            _record(expectSuccess, false);
        }
    }

    /// @dev A non-owner tries one of the governance functions: it must always fail.
    function strangerGoverns(address caller, uint256 action, uint256 seed) external {
        if (caller == owner) return;
        address guardian = _candidates[seed % _candidates.length];
        lastTouched = guardian;
        bytes[4] memory calls = [
            abi.encodeCall(GuardianQuorumDA.addGuardian, (guardian)),
            abi.encodeCall(GuardianQuorumDA.removeGuardian, (guardian)),
            abi.encodeCall(GuardianQuorumDA.setThreshold, (seed)),
            abi.encodeCall(GuardianQuorumDA.transferOwnership, (caller))
        ];
        vm.prank(caller);
        (bool succeeded,) = address(policy).call(calls[action % 4]);
        _record(false, succeeded);
    }

    /// @dev Three times in four, the first candidate from a random start whose membership is `member`
    /// (so adds and removes mostly take effect and the set reaches both ends); otherwise, or when there
    /// is none, any candidate (so the refusal paths run too).
    function _pick(uint256 seed, bool member) internal view returns (address) {
        uint256 start = (seed >> 2) % _candidates.length;
        if (seed % 4 != 0) {
            for (uint256 i = 0; i < _candidates.length; ++i) {
                address c = _candidates[(start + i) % _candidates.length];
                if (ghostIsGuardian[c] == member) return c;
            }
        }
        return _candidates[start];
    }

    function _record(bool expected, bool actual) internal {
        if (expected != actual) ++ghostMispredictions;
    }
}
