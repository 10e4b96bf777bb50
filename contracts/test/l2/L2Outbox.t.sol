// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Outbox} from "../../src/l2/IL2Outbox.sol";
import {L2OutboxPayloadTooLarge} from "../../src/l2/L2Errors.sol";
import {SystemBase} from "./SystemBase.sol";

contract L2OutboxTest is SystemBase {
    function test_NumbersMessagesFromZero() public {
        assertEq(OUTBOX.nextNonce(), 0);
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(0, ALICE, 7, BOB, hex"01");
        vm.prank(ALICE);
        assertEq(OUTBOX.sendMessage(7, BOB, hex"01"), 0);
        vm.prank(BOB);
        assertEq(OUTBOX.sendMessage(8, ALICE, ""), 1);
        assertEq(OUTBOX.nextNonce(), 2);
    }

    function test_NextNonceIsSlotZero() public {
        OUTBOX.sendMessage(1, BOB, "");
        OUTBOX.sendMessage(1, BOB, "");
        assertEq(uint256(vm.load(address(OUTBOX), bytes32(0))), 2);
    }

    function test_RevertWhen_PayloadTooLarge() public {
        bytes memory payload = new bytes(1025);
        vm.expectRevert(abi.encodeWithSelector(L2OutboxPayloadTooLarge.selector, 1025, 1024));
        OUTBOX.sendMessage(1, BOB, payload);
        assertEq(OUTBOX.nextNonce(), 0);
    }

    function testFuzz_AcceptsPayloadsUpToTheCap(uint16 length, uint64 destination, address recipient) public {
        length = uint16(bound(length, 0, 1024));
        bytes memory payload = new bytes(length);
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(0, address(this), destination, recipient, payload);
        OUTBOX.sendMessage(destination, recipient, payload);
        assertEq(OUTBOX.nextNonce(), 1);
    }
}
