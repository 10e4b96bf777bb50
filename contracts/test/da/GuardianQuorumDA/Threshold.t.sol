// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {GuardianQuorumCallerNotOwner, GuardianQuorumThresholdOutOfRange} from "../../../src/da/DAErrors.sol";

contract GuardianQuorumDAThresholdTest is GuardianQuorumDABase {
    function test_SetThreshold() public {
        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.ThresholdChanged(THRESHOLD, 1);
        vm.prank(owner);
        policy.setThreshold(1);
        assertEq(policy.threshold(), 1);
    }

    function test_SetThresholdToGuardianCount() public {
        vm.prank(owner);
        policy.setThreshold(GUARDIANS);
        assertEq(policy.threshold(), GUARDIANS);
    }

    function test_SetThresholdToSameValue() public {
        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.ThresholdChanged(THRESHOLD, THRESHOLD);
        vm.prank(owner);
        policy.setThreshold(THRESHOLD);
        assertEq(policy.threshold(), THRESHOLD);
    }

    function test_LoweredThresholdAcceptsFewerSignatures() public {
        vm.prank(owner);
        policy.setThreshold(1);
        assertEq(_check(_quorumInput(policy, _prefix(keys, 1), DATA_HASH)), DATA_HASH);
    }

    function test_RevertWhen_SetThresholdByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, stranger, owner));
        vm.prank(stranger);
        policy.setThreshold(1);
    }

    function test_RevertWhen_SetThresholdZero() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, 0, GUARDIANS));
        vm.prank(owner);
        policy.setThreshold(0);
    }

    function test_RevertWhen_SetThresholdAboveGuardianCount() public {
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, GUARDIANS + 1, GUARDIANS)
        );
        vm.prank(owner);
        policy.setThreshold(GUARDIANS + 1);
    }

    function testFuzz_SetThreshold(uint256 newThreshold) public {
        vm.prank(owner);
        if (newThreshold == 0 || newThreshold > GUARDIANS) {
            vm.expectRevert(
                abi.encodeWithSelector(GuardianQuorumThresholdOutOfRange.selector, newThreshold, GUARDIANS)
            );
            policy.setThreshold(newThreshold);
            assertEq(policy.threshold(), THRESHOLD);
        } else {
            policy.setThreshold(newThreshold);
            assertEq(policy.threshold(), newThreshold);
        }
    }
}
