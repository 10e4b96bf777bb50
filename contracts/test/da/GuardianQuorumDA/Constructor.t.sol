// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {
    GuardianQuorumGuardianAlreadyAdded,
    GuardianQuorumThresholdOutOfRange,
    GuardianQuorumTooManyGuardians,
    GuardianQuorumZeroAddress
} from "../../../src/da/DAErrors.sol";

contract GuardianQuorumDAConstructorTest is GuardianQuorumDABase {
    function test_StoresOwnerGuardiansAndThreshold() public view {
        assertEq(policy.owner(), owner);
        assertEq(policy.pendingOwner(), address(0));
        assertEq(policy.threshold(), THRESHOLD);
        assertEq(policy.guardianCount(), GUARDIANS);
        address[] memory stored = policy.guardians();
        assertEq(stored.length, GUARDIANS);
        for (uint256 i = 0; i < GUARDIANS; ++i) {
            assertEq(stored[i], vm.addr(keys[i]));
            assertTrue(policy.isGuardian(vm.addr(keys[i])));
        }
        assertFalse(policy.isGuardian(vm.addr(_key(OUTSIDERS, 0))));
        assertFalse(policy.isGuardian(address(0)));
    }

    function test_EmitsEvents() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 2));
        vm.expectEmit();
        emit GuardianQuorumDA.OwnershipTransferred(address(0), owner);
        vm.expectEmit();
        emit GuardianQuorumDA.GuardianAdded(guardians[0]);
        vm.expectEmit();
        emit GuardianQuorumDA.GuardianAdded(guardians[1]);
        vm.expectEmit();
        emit GuardianQuorumDA.ThresholdChanged(0, 2);
        new GuardianQuorumDA(owner, guardians, 2);
    }

    function test_OneOfOne() public {
        GuardianQuorumDA single = new GuardianQuorumDA(owner, _addresses(_sortedKeys(FAMILY, 1)), 1);
        assertEq(single.guardianCount(), 1);
        assertEq(single.threshold(), 1);
    }

    function test_MaxGuardians() public {
        GuardianQuorumDA full = new GuardianQuorumDA(owner, _addresses(_sortedKeys(FAMILY, 64)), 64);
        assertEq(full.guardianCount(), 64);
        assertEq(full.threshold(), 64);
    }

    function test_RevertWhen_OwnerIsZero() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 3));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumZeroAddress.selector));
        new GuardianQuorumDA(address(0), guardians, 2);
    }

    function test_RevertWhen_GuardianIsZero() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 3));
        guardians[1] = address(0);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumZeroAddress.selector));
        new GuardianQuorumDA(owner, guardians, 2);
    }

    function test_RevertWhen_GuardianRepeated() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 3));
        guardians[2] = guardians[0];
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumGuardianAlreadyAdded.selector, guardians[0]));
        new GuardianQuorumDA(owner, guardians, 2);
    }

    function test_RevertWhen_TooManyGuardians() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 65));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumTooManyGuardians.selector, 65, 64));
        new GuardianQuorumDA(owner, guardians, 1);
    }

    function test_RevertWhen_NoGuardians() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, 1, 0));
        new GuardianQuorumDA(owner, new address[](0), 1);
    }

    function test_RevertWhen_ThresholdZero() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 3));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, 0, 3));
        new GuardianQuorumDA(owner, guardians, 0);
    }

    function test_RevertWhen_ThresholdAboveGuardianCount() public {
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, 3));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, 4, 3));
        new GuardianQuorumDA(owner, guardians, 4);
    }

    function testFuzz_ThresholdRange(uint256 n, uint256 k) public {
        n = bound(n, 1, 16);
        k = bound(k, 0, n + 2);
        address[] memory guardians = _addresses(_sortedKeys(FAMILY, n));
        if (k == 0 || k > n) {
            vm.expectRevert(abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, k, n));
            new GuardianQuorumDA(owner, guardians, k);
        } else {
            GuardianQuorumDA created = new GuardianQuorumDA(owner, guardians, k);
            assertEq(created.threshold(), k);
            assertEq(created.guardianCount(), n);
        }
    }
}
