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

    function setUp() public {
        address[] memory candidates = new address[](72);
        for (uint256 i = 0; i < candidates.length; ++i) {
            uint256 key = _key(7, i);
            candidates[i] = vm.addr(key);
            keyOf[candidates[i]] = key;
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

    function invariant_ThresholdWithinGuardianCountWithinCap() public view {
        uint256 k = policy.threshold();
        uint256 n = policy.guardianCount();
        assertGe(k, 1);
        assertLe(k, n, "threshold above guardian count");
        assertLe(n, policy.MAX_GUARDIANS(), "guardian set above cap");
    }

    function invariant_GuardianListHasNoDuplicatesAndMatchesIsGuardian() public view {
        address[] memory list = policy.guardians();
        assertEq(list.length, policy.guardianCount());
        // Plain comparisons first, one assertion each at the end: n^2 cheatcode calls would dominate the run.
        bool allRecognised = true;
        bool noZero = true;
        bool noDuplicate = true;
        for (uint256 i = 0; i < list.length; ++i) {
            allRecognised = allRecognised && policy.isGuardian(list[i]);
            noZero = noZero && list[i] != address(0);
            for (uint256 j = 0; j < i; ++j) {
                noDuplicate = noDuplicate && list[i] != list[j];
            }
        }
        assertTrue(allRecognised, "listed guardian not recognised");
        assertTrue(noZero, "zero guardian");
        assertTrue(noDuplicate, "duplicate guardian");
    }

    function invariant_ContractMatchesGhostState() public view {
        assertEq(policy.guardianCount(), handler.ghostGuardianCount());
        assertEq(policy.threshold(), handler.ghostThreshold());
        address[] memory candidates = handler.candidates();
        uint256 recognised = 0;
        for (uint256 i = 0; i < candidates.length; ++i) {
            assertEq(policy.isGuardian(candidates[i]), handler.ghostIsGuardian(candidates[i]));
            if (policy.isGuardian(candidates[i])) ++recognised;
        }
        assertEq(recognised, policy.guardianCount(), "a guardian outside the candidates");
    }

    function invariant_OutcomesMatchPredictions() public view {
        assertEq(handler.ghostMispredictions(), 0);
    }

    function invariant_OwnerNeverChanges() public view {
        assertEq(policy.owner(), owner);
        assertEq(policy.pendingOwner(), address(0));
    }

    /// @dev Run by forge at the end of every invariant run (signing is too slow to repeat after every
    /// call): exactly `threshold` current guardians are enough, one fewer is not.
    function afterInvariant() public view {
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
