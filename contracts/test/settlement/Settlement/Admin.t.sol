// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice Settlement roles: the admin manages operators and hands its role over in two steps.
contract SettlementAdminTest is Fixture {
    address private constant NEW_ADMIN = address(0x2E3AD111);
    address private constant NEW_OPERATOR = address(0x2E30BE4A);

    function test_InitialRoles() public view {
        assertEq(settlement.admin(), ADMIN);
        assertEq(settlement.pendingAdmin(), address(0));
        assertTrue(settlement.isOperator(OPERATOR));
        assertFalse(settlement.isOperator(ADMIN));
        assertFalse(settlement.isOperator(STRANGER));
    }

    // ------------------------------------------------------------------ operators

    function test_SetOperator() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.OperatorSet(NEW_OPERATOR, true);
        vm.prank(ADMIN);
        settlement.setOperator(NEW_OPERATOR, true);
        assertTrue(settlement.isOperator(NEW_OPERATOR));

        // The new operator can run the whole pipeline.
        BatchHeader memory h = buildNextHeader(1);
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        bytes[] memory inputs = new bytes[](1);
        inputs[0] = pubdataFor(1);
        vm.prank(NEW_OPERATOR);
        settlement.commitBatches(headers, inputs);
        inputs[0] = proofFor(h);
        vm.prank(NEW_OPERATOR);
        settlement.proveBatches(headers, inputs);
        vm.prank(NEW_OPERATOR);
        settlement.executeBatches(headers);
        assertEq(settlement.totalBatchesExecuted(), 1);
    }

    function test_RemoveOperator() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.OperatorSet(OPERATOR, false);
        vm.prank(ADMIN);
        settlement.setOperator(OPERATOR, false);
        assertFalse(settlement.isOperator(OPERATOR));

        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = buildNextHeader(1);
        bytes[] memory inputs = new bytes[](1);
        inputs[0] = pubdataFor(1);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotOperator.selector, OPERATOR));
        settlement.commitBatches(headers, inputs);
    }

    function test_RevertWhen_SetOperatorCallerNotAdmin() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotAdmin.selector, OPERATOR));
        settlement.setOperator(STRANGER, true);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotAdmin.selector, STRANGER));
        settlement.setOperator(STRANGER, true);
    }

    function test_RevertWhen_SetOperatorZeroAddress() public {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(SettlementZeroAddress.selector));
        settlement.setOperator(address(0), true);
    }

    // ------------------------------------------------------------------ admin transfer

    function test_TransferAdminTwoStep() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.AdminTransferStarted(ADMIN, NEW_ADMIN);
        vm.prank(ADMIN);
        settlement.transferAdmin(NEW_ADMIN);
        // Nothing changes until accepted.
        assertEq(settlement.admin(), ADMIN);
        assertEq(settlement.pendingAdmin(), NEW_ADMIN);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.AdminTransferred(ADMIN, NEW_ADMIN);
        vm.prank(NEW_ADMIN);
        settlement.acceptAdmin();
        assertEq(settlement.admin(), NEW_ADMIN);
        assertEq(settlement.pendingAdmin(), address(0));

        // The old admin lost its rights, the new one has them.
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotAdmin.selector, ADMIN));
        settlement.setOperator(STRANGER, true);
        vm.prank(NEW_ADMIN);
        settlement.setOperator(STRANGER, true);
        assertTrue(settlement.isOperator(STRANGER));
    }

    function test_TransferAdminOverridesPending() public {
        vm.prank(ADMIN);
        settlement.transferAdmin(STRANGER);
        vm.prank(ADMIN);
        settlement.transferAdmin(NEW_ADMIN);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotPendingAdmin.selector, STRANGER));
        settlement.acceptAdmin();
    }

    function test_TransferAdminToZeroCancels() public {
        vm.prank(ADMIN);
        settlement.transferAdmin(NEW_ADMIN);
        vm.prank(ADMIN);
        settlement.transferAdmin(address(0));
        assertEq(settlement.pendingAdmin(), address(0));
        vm.prank(NEW_ADMIN);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotPendingAdmin.selector, NEW_ADMIN));
        settlement.acceptAdmin();
    }

    function test_RevertWhen_AcceptAdminCallerNotPending() public {
        vm.prank(ADMIN);
        settlement.transferAdmin(NEW_ADMIN);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotPendingAdmin.selector, STRANGER));
        settlement.acceptAdmin();
        // Accepting clears the pending admin, so the transfer cannot be accepted twice.
        vm.prank(NEW_ADMIN);
        settlement.acceptAdmin();
        vm.prank(NEW_ADMIN);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotPendingAdmin.selector, NEW_ADMIN));
        settlement.acceptAdmin();
    }

    function test_RevertWhen_TransferAdminCallerNotAdmin() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotAdmin.selector, OPERATOR));
        settlement.transferAdmin(OPERATOR);
    }

    function testFuzz_RevertWhen_NotAdmin(address caller) public {
        vm.assume(caller != ADMIN);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotAdmin.selector, caller));
        settlement.setOperator(caller, true);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotAdmin.selector, caller));
        settlement.transferAdmin(caller);
    }
}
