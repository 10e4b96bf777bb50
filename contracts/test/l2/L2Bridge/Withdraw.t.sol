// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {IL2Outbox} from "../../../src/l2/IL2Outbox.sol";
import {L2BridgeNoParent, L2BridgeZeroAddress, L2BridgeZeroAmount} from "../../../src/l2/L2Errors.sol";
import {SystemBase} from "../SystemBase.sol";

/// @notice L2Bridge.withdraw: ether leaves as a message to the parent's vault and stays locked here.
contract WithdrawTest is SystemBase {
    function setUp() public override {
        super.setUp();
        vm.deal(ALICE, 10 ether);
    }

    // ---------------------------------------------------------------- success

    function test_Withdraw_EmitsTheMessageAndTheWithdrawal() public {
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(
            0, FractalConstants.L2_BRIDGE, uint64(PARENT_ID), VAULT, abi.encode(address(0), BOB, 2 ether)
        );
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.WithdrawalInitiated(address(0), ALICE, BOB, 2 ether, 0);
        vm.prank(ALICE);
        assertEq(uint256(BRIDGE.withdraw{value: 2 ether}(BOB)), 0);
    }

    function test_Withdraw_SendsTheMessageTheVaultAccepts() public {
        vm.recordLogs();
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 2 ether}(BOB);
        assertMessage(onlyMessage(vm.getRecordedLogs()), withdrawalMessage(0, address(0), BOB, 2 ether));
    }

    function test_Withdraw_LocksTheEtherInTheBridge() public {
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 2 ether}(BOB);
        vm.prank(ALICE);
        assertEq(uint256(BRIDGE.withdraw{value: 3 ether}(ALICE)), 1);
        assertEq(address(BRIDGE).balance, 5 ether);
        assertEq(ALICE.balance, 5 ether);
        assertEq(BOB.balance, 0);
        assertEq(uint256(OUTBOX.nextNonce()), 2);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_WithdrawZero() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAmount.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw(BOB);
    }

    function test_RevertWhen_WithdrawToTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeZeroAddress.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 1}(address(0));
    }

    function test_RevertWhen_WithdrawWithoutParent() public {
        configure(address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNoParent.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 1}(BOB);
        assertEq(ALICE.balance, 10 ether);
        assertEq(uint256(OUTBOX.nextNonce()), 0);
    }

    function test_RevertWhen_WithdrawWithAVaultButNoParentChainId() public {
        configure(VAULT, 0);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNoParent.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 1}(BOB);
    }

    function test_RevertWhen_WithdrawWithAParentChainIdButNoVault() public {
        configure(address(0), PARENT_ID);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNoParent.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 1}(BOB);
    }

    function test_RevertWhen_WithdrawParentChainIdBeyondUint64() public {
        configure(VAULT, uint256(type(uint64).max) + 1);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNoParent.selector));
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 1}(BOB);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_Withdraw(address sender, address to, uint256 amount, uint64 parentId) public {
        vm.assume(to != address(0) && sender != address(BRIDGE) && sender != address(vm));
        amount = bound(amount, 1, 1e30);
        parentId = uint64(bound(parentId, 1, type(uint64).max));
        configure(VAULT, parentId);
        vm.deal(sender, amount);
        vm.recordLogs();
        vm.prank(sender);
        assertEq(uint256(BRIDGE.withdraw{value: amount}(to)), 0);
        Hashing.Message memory m = onlyMessage(vm.getRecordedLogs());
        assertEq(m.sender, FractalConstants.L2_BRIDGE);
        assertEq(uint256(m.destinationChainId), parentId);
        assertEq(m.recipient, VAULT);
        assertEq(m.payload, abi.encode(address(0), to, amount));
        assertEq(m.payload.length, 96);
        assertEq(address(BRIDGE).balance, amount);
    }
}
