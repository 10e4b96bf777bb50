// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";
import {
    GuardianQuorumCallerNotOwner,
    GuardianQuorumCallerNotPendingOwner
} from "../../../src/da/DAErrors.sol";

contract GuardianQuorumDAOwnershipTest is GuardianQuorumDABase {
    address internal successor = makeAddr("successor");

    function test_TransferOwnershipSetsPendingOwner() public {
        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.OwnershipTransferStarted(owner, successor);
        vm.prank(owner);
        policy.transferOwnership(successor);
        assertEq(policy.pendingOwner(), successor);
        assertEq(policy.owner(), owner, "owner stays in charge until acceptance");
    }

    function test_AcceptOwnership() public {
        vm.prank(owner);
        policy.transferOwnership(successor);

        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.OwnershipTransferred(owner, successor);
        vm.prank(successor);
        policy.acceptOwnership();

        assertEq(policy.owner(), successor);
        assertEq(policy.pendingOwner(), address(0));
    }

    function test_NewOwnerGovernsAndOldOwnerDoesNot() public {
        vm.prank(owner);
        policy.transferOwnership(successor);
        vm.prank(successor);
        policy.acceptOwnership();

        vm.prank(successor);
        policy.setThreshold(1);
        assertEq(policy.threshold(), 1);

        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, owner, successor));
        vm.prank(owner);
        policy.setThreshold(2);
    }

    function test_TransferToZeroCancelsPendingOffer() public {
        vm.startPrank(owner);
        policy.transferOwnership(successor);
        vm.expectEmit(true, true, true, true, address(policy));
        emit GuardianQuorumDA.OwnershipTransferStarted(owner, address(0));
        policy.transferOwnership(address(0));
        vm.stopPrank();
        assertEq(policy.pendingOwner(), address(0));

        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumCallerNotPendingOwner.selector, successor, address(0))
        );
        vm.prank(successor);
        policy.acceptOwnership();
    }

    function test_NewOfferReplacesPendingOne() public {
        vm.startPrank(owner);
        policy.transferOwnership(successor);
        policy.transferOwnership(stranger);
        vm.stopPrank();

        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumCallerNotPendingOwner.selector, successor, stranger)
        );
        vm.prank(successor);
        policy.acceptOwnership();
    }

    function test_RevertWhen_TransferOwnershipByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(GuardianQuorumCallerNotOwner.selector, stranger, owner));
        vm.prank(stranger);
        policy.transferOwnership(stranger);
    }

    function test_RevertWhen_AcceptOwnershipByOtherAccount() public {
        vm.prank(owner);
        policy.transferOwnership(successor);
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumCallerNotPendingOwner.selector, stranger, successor)
        );
        vm.prank(stranger);
        policy.acceptOwnership();
    }

    function test_RevertWhen_AcceptOwnershipWithoutOffer() public {
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumCallerNotPendingOwner.selector, successor, address(0))
        );
        vm.prank(successor);
        policy.acceptOwnership();
    }

    function test_RevertWhen_ZeroAddressAcceptsWithoutOffer() public {
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumCallerNotPendingOwner.selector, address(0), address(0))
        );
        vm.prank(address(0));
        policy.acceptOwnership();
    }

    function test_RevertWhen_AcceptOwnershipTwice() public {
        vm.prank(owner);
        policy.transferOwnership(successor);
        vm.prank(successor);
        policy.acceptOwnership();
        vm.expectRevert(
            abi.encodeWithSelector(GuardianQuorumCallerNotPendingOwner.selector, successor, address(0))
        );
        vm.prank(successor);
        policy.acceptOwnership();
    }

    function testFuzz_TwoStepTransfer(address newOwner) public {
        vm.assume(newOwner != address(0));
        vm.prank(owner);
        policy.transferOwnership(newOwner);
        vm.prank(newOwner);
        policy.acceptOwnership();
        assertEq(policy.owner(), newOwner);
        assertEq(policy.pendingOwner(), address(0));
    }
}
