// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {GuardianQuorumBelowThreshold} from "../../../src/da/DAErrors.sol";
import {GuardianQuorumHandler} from "./handlers/GuardianQuorumHandler.sol";

/// @notice Invariants of GuardianQuorumDA under random owner governance (see GuardianQuorumHandler),
/// run from a small set and from a set near the cap.
abstract contract GuardianQuorumDAInvariantsBase is DATestBase {
    GuardianQuorumDA internal policy;
    GuardianQuorumHandler internal handler;
    mapping(address => uint256) internal keyOf;
    /// @dev 1 + the candidate's position in `handler.candidates()`; 0 for any other address.
    mapping(address => uint256) internal candidateIndex;

    function setUp() public {
        address[] memory candidates = new address[](72);
        for (uint256 i = 0; i < candidates.length; ++i) {
            uint256 key = _key(7, i);
            candidates[i] = vm.addr(key);
            keyOf[candidates[i]] = key;
            candidateIndex[candidates[i]] = i + 1;
        }
        address[] memory initial = new address[](_initialGuardianCount());
        for (uint256 i = 0; i < initial.length; ++i) {
            initial[i] = candidates[i];
        }
        policy = new GuardianQuorumDA(owner, initial, _initialThreshold());
        handler = new GuardianQuorumHandler(policy, owner, candidates);

        bytes4[] memory selectors = new bytes4[](4);
        selectors[0] = GuardianQuorumHandler.addGuardian.selector;
        selectors[1] = GuardianQuorumHandler.removeGuardian.selector;
        selectors[2] = GuardianQuorumHandler.setThreshold.selector;
        selectors[3] = GuardianQuorumHandler.strangerGoverns.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function _initialGuardianCount() internal pure virtual returns (uint256);

    function _initialThreshold() internal pure virtual returns (uint256);

    /// @dev One campaign checks every property after every call: forge runs each `invariant_` function as
    /// its own campaign of `runs` x `depth` calls, so one function per property would repeat the same
    /// random governance five times over (README, "Tests").
    function invariant_GuardianSet() public view {
        uint256 k = policy.threshold();
        uint256 n = policy.guardianCount();
        assertGe(k, 1);
        assertLe(k, n, "threshold above guardian count");
        assertLe(n, policy.MAX_GUARDIANS(), "guardian set above cap");
        assertEq(n, handler.ghostGuardianCount(), "guardian count differs from the ghost's");
        assertEq(k, handler.ghostThreshold(), "threshold differs from the ghost's");
        assertEq(handler.ghostMispredictions(), 0, "an outcome differed from the ghost's prediction");
        assertEq(policy.owner(), owner, "owner changed");
        assertEq(policy.pendingOwner(), address(0), "an ownership transfer started");

        // The list holds exactly the ghost's guardians, each once. Plain comparisons, one assertion each at
        // the end: a cheatcode call per element would dominate the run.
        bool[] memory ghost = handler.ghostMembership();
        address[] memory list = policy.guardians();
        assertEq(list.length, n, "list length differs from the guardian count");
        bool[] memory listed = new bool[](ghost.length);
        bool allMembers = true;
        bool noDuplicate = true;
        for (uint256 i = 0; i < list.length; ++i) {
            uint256 index = candidateIndex[list[i]];
            if (index == 0) {
                allMembers = false;
                continue;
            }
            allMembers = allMembers && ghost[index - 1];
            noDuplicate = noDuplicate && !listed[index - 1];
            listed[index - 1] = true;
        }
        assertTrue(allMembers, "a listed address is not a guardian");
        assertTrue(noDuplicate, "a guardian listed twice");

        // isGuardian of the candidate the last call named; every candidate's at the end of the run.
        address touched = handler.lastTouched();
        if (touched != address(0)) {
            assertTrue(policy.isGuardian(touched) == ghost[candidateIndex[touched] - 1], "isGuardian differs");
        }
    }

    /// @dev isGuardian over every candidate agrees with the ghost set.
    function _checkEveryCandidate() internal view {
        address[] memory candidates = handler.candidates();
        bool[] memory ghost = handler.ghostMembership();
        bool agree = true;
        for (uint256 i = 0; i < candidates.length; ++i) {
            agree = agree && policy.isGuardian(candidates[i]) == ghost[i];
        }
        assertTrue(agree, "isGuardian differs from the ghost set");
    }

    /// @dev Run by forge at the end of every invariant run (signing and the sweep are too slow to repeat after
    /// every call): isGuardian agrees with the ghost for every candidate, and exactly `threshold` current
    /// guardians are enough, one fewer is not.
    function afterInvariant() public view {
        _checkEveryCandidate();
        address[] memory list = policy.guardians();
        uint256 k = policy.threshold();
        uint256[] memory signers = new uint256[](k);
        for (uint256 i = 0; i < k; ++i) {
            signers[i] = keyOf[list[i]];
        }
        _sortByAddress(signers);
        bytes[] memory signatures = _attest(policy, signers, CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        assertEq(policy.checkAvailability(CHAIN_ID, _header(), abi.encode(DATA_HASH, signatures)), DATA_HASH);

        bytes[] memory short = new bytes[](k - 1);
        for (uint256 i = 0; i + 1 < k; ++i) {
            short[i] = signatures[i];
        }
        try policy.checkAvailability(CHAIN_ID, _header(), abi.encode(DATA_HASH, short)) {
            assertTrue(false, "accepted below threshold");
        } catch (bytes memory reason) {
            assertEq(reason, abi.encodeWithSelector(GuardianQuorumBelowThreshold.selector, k - 1, k));
        }
    }
}

contract GuardianQuorumDASmallSetInvariantsTest is GuardianQuorumDAInvariantsBase {
    function _initialGuardianCount() internal pure override returns (uint256) {
        return 3;
    }

    function _initialThreshold() internal pure override returns (uint256) {
        return 2;
    }
}

contract GuardianQuorumDANearCapInvariantsTest is GuardianQuorumDAInvariantsBase {
    function _initialGuardianCount() internal pure override returns (uint256) {
        return 62;
    }

    function _initialThreshold() internal pure override returns (uint256) {
        return 40;
    }
}
