// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {
    GuardianQuorumCallerNotOwner,
    GuardianQuorumGuardianAlreadyAdded,
    GuardianQuorumGuardianNotFound,
    GuardianQuorumThresholdOutOfRange,
    GuardianQuorumTooManyGuardians,
    GuardianQuorumZeroAddress
} from "../../../src/da/DAErrors.sol";

contract GuardianQuorumDAGuardiansTest is GuardianQuorumDABase {
    // ---------------------------------------------------------------- addGuardian

    function test_AddGuardian() public {
        address newcomer = vm.addr(_key(OUTSIDERS, 0));
        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.GuardianAdded(newcomer);
        vm.prank(owner);
        policy.addGuardian(newcomer);

        assertTrue(policy.isGuardian(newcomer));
        assertEq(policy.guardianCount(), GUARDIANS + 1);
        address[] memory list = policy.guardians();
        assertEq(list[GUARDIANS], newcomer);
        assertEq(policy.threshold(), THRESHOLD);
    }

    function test_AddGuardianUpToMax() public {
        vm.startPrank(owner);
        for (uint256 i = 0; i < 64 - GUARDIANS; ++i) {
            policy.addGuardian(vm.addr(_key(OUTSIDERS, i)));
        }
        vm.stopPrank();
        assertEq(policy.guardianCount(), 64);
    }

    function test_RevertWhen_AddGuardianByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, stranger, owner));
        vm.prank(stranger);
        policy.addGuardian(vm.addr(_key(OUTSIDERS, 0)));
    }

    function test_RevertWhen_AddGuardianZero() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumZeroAddress.selector));
        vm.prank(owner);
        policy.addGuardian(address(0));
    }

    function test_RevertWhen_AddGuardianTwice() public {
        address existing = vm.addr(keys[1]);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumGuardianAlreadyAdded.selector, existing));
        vm.prank(owner);
        policy.addGuardian(existing);
    }

    function test_RevertWhen_AddGuardianBeyondMax() public {
        vm.startPrank(owner);
        for (uint256 i = 0; i < 64 - GUARDIANS; ++i) {
            policy.addGuardian(vm.addr(_key(OUTSIDERS, i)));
        }
        address oneTooMany = vm.addr(_key(OUTSIDERS, 100));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumTooManyGuardians.selector, 65, 64));
        policy.addGuardian(oneTooMany);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- removeGuardian

    function test_RemoveGuardianFromMiddle() public {
        address removed = vm.addr(keys[1]);
        address last = vm.addr(keys[GUARDIANS - 1]);
        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.GuardianRemoved(removed);
        vm.prank(owner);
        policy.removeGuardian(removed);

        assertFalse(policy.isGuardian(removed));
        assertTrue(policy.isGuardian(last));
        assertEq(policy.guardianCount(), GUARDIANS - 1);
        address[] memory list = policy.guardians();
        assertEq(list.length, GUARDIANS - 1);
        assertEq(list[1], last, "last guardian moves into the gap");
        assertEq(list[0], vm.addr(keys[0]));
    }

    function test_RemoveLastGuardianInList() public {
        address removed = vm.addr(keys[GUARDIANS - 1]);
        vm.prank(owner);
        policy.removeGuardian(removed);
        assertFalse(policy.isGuardian(removed));
        address[] memory list = policy.guardians();
        for (uint256 i = 0; i < list.length; ++i) {
            assertEq(list[i], vm.addr(keys[i]));
        }
    }

    function test_RemoveThenAddAgain() public {
        address guardian = vm.addr(keys[0]);
        vm.startPrank(owner);
        policy.removeGuardian(guardian);
        policy.addGuardian(guardian);
        vm.stopPrank();
        assertTrue(policy.isGuardian(guardian));
        assertEq(policy.guardianCount(), GUARDIANS);
    }

    function test_RemoveDownToThreshold() public {
        vm.startPrank(owner);
        for (uint256 i = 0; i < GUARDIANS - THRESHOLD; ++i) {
            policy.removeGuardian(vm.addr(keys[i]));
        }
        vm.stopPrank();
        assertEq(policy.guardianCount(), THRESHOLD);
    }

    function test_RevertWhen_RemoveGuardianByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, stranger, owner));
        vm.prank(stranger);
        policy.removeGuardian(vm.addr(keys[0]));
    }

    function test_RevertWhen_RemoveUnknownGuardian() public {
        address outsider = vm.addr(_key(OUTSIDERS, 0));
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumGuardianNotFound.selector, outsider));
        vm.prank(owner);
        policy.removeGuardian(outsider);
    }

    function test_RevertWhen_RemoveGuardianZero() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumGuardianNotFound.selector, address(0)));
        vm.prank(owner);
        policy.removeGuardian(address(0));
    }

    function test_RevertWhen_RemovalDropsBelowThreshold() public {
        vm.startPrank(owner);
        for (uint256 i = 0; i < GUARDIANS - THRESHOLD; ++i) {
            policy.removeGuardian(vm.addr(keys[i]));
        }
        address next = vm.addr(keys[GUARDIANS - THRESHOLD]);
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, THRESHOLD, THRESHOLD - 1)
        );
        policy.removeGuardian(next);
        vm.stopPrank();
    }

    function testFuzz_AddThenRemoveRestoresSet(uint256 seed) public {
        address newcomer = vm.addr(_key(OUTSIDERS, seed % 1000));
        vm.startPrank(owner);
        policy.addGuardian(newcomer);
        policy.removeGuardian(newcomer);
        vm.stopPrank();
        assertFalse(policy.isGuardian(newcomer));
        address[] memory list = policy.guardians();
        assertEq(list.length, GUARDIANS);
        for (uint256 i = 0; i < GUARDIANS; ++i) {
            assertEq(list[i], vm.addr(keys[i]));
        }
    }

    function testFuzz_RevertWhen_NonOwnerManagesGuardians(address caller, address guardian) public {
        vm.assume(caller != owner);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, caller, owner));
        vm.prank(caller);
        policy.addGuardian(guardian);
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, caller, owner));
        vm.prank(caller);
        policy.removeGuardian(guardian);
    }
}
