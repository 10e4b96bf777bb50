// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {IL2Outbox} from "../../../src/l2/IL2Outbox.sol";
import {L2OutboxBlockFull, L2OutboxPayloadTooLarge} from "../../../src/l2/L2Errors.sol";
import {SystemBase} from "../SystemBase.sol";
import {SystemContracts} from "../SystemContracts.sol";

/// @notice L2Outbox.sendMessage: numbering from the genesis slot, the event the node reads, the payload
/// cap and the per-block message cap.
contract SendMessageTest is SystemBase {
    // ---------------------------------------------------------------- success

    function test_SendMessage_NumbersFromZero() public {
        assertEq(uint256(OUTBOX.nextNonce()), 0);
        vm.prank(ALICE);
        assertEq(uint256(OUTBOX.sendMessage(7, BOB, hex"01")), 0);
        vm.prank(BOB);
        assertEq(uint256(OUTBOX.sendMessage(8, ALICE, "")), 1);
        assertEq(uint256(OUTBOX.nextNonce()), 2);
    }

    function test_SendMessage_EmitsMessageSent() public {
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(0, ALICE, 7, BOB, hex"c0ffee");
        vm.prank(ALICE);
        OUTBOX.sendMessage(7, BOB, hex"c0ffee");
    }

    function test_SendMessage_EventCarriesEveryMessageField() public {
        vm.recordLogs();
        vm.prank(ALICE);
        OUTBOX.sendMessage(uint64(PARENT_ID), BOB, hex"0102");
        Hashing.Message memory m = onlyMessage(vm.getRecordedLogs());
        assertMessage(
            m,
            Hashing.Message({
                sourceChainId: uint64(block.chainid),
                nonce: 0,
                sender: ALICE,
                destinationChainId: uint64(PARENT_ID),
                recipient: BOB,
                payload: hex"0102"
            })
        );
    }

    function test_SendMessage_NextNonceIsSlotZero() public {
        OUTBOX.sendMessage(1, BOB, "");
        OUTBOX.sendMessage(1, BOB, "");
        assertEq(uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT))), 2);
    }

    function test_SendMessage_ContinuesFromTheStoredNonce() public {
        vm.store(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT), bytes32(uint256(41)));
        assertEq(uint256(OUTBOX.nextNonce()), 41);
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(41, address(this), 1, BOB, "");
        assertEq(uint256(OUTBOX.sendMessage(1, BOB, "")), 41);
        assertEq(uint256(OUTBOX.nextNonce()), 42);
    }

    function test_SendMessage_AcceptsTheLargestPayload() public {
        assertEq(OUTBOX.MAX_PAYLOAD(), 1024);
        bytes memory payload = new bytes(1024);
        vm.expectEmit(true, true, true, true, address(OUTBOX));
        emit IL2Outbox.MessageSent(0, address(this), 1, BOB, payload);
        OUTBOX.sendMessage(1, BOB, payload);
    }

    function test_SendMessage_SixteenPerBlock() public {
        assertEq(OUTBOX.MAX_MESSAGES_PER_BLOCK(), 16);
        for (uint256 i = 0; i < 16; ++i) {
            assertEq(OUTBOX.sentThisBlock(), i);
            OUTBOX.sendMessage(1, BOB, "");
        }
        assertEq(OUTBOX.sentThisBlock(), 16);
        vm.roll(block.number + 1);
        assertEq(OUTBOX.sentThisBlock(), 0);
        assertEq(uint256(OUTBOX.sendMessage(1, BOB, "")), 16);
        assertEq(OUTBOX.sentThisBlock(), 1);
    }

    function test_SendMessage_BlockCountIsSlotOne() public {
        vm.roll(1234);
        OUTBOX.sendMessage(1, BOB, "");
        OUTBOX.sendMessage(1, BOB, "");
        OUTBOX.sendMessage(1, BOB, "");
        assertEq(
            uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_SENT_SLOT))),
            (uint256(3) << 64) | 1234
        );
        assertEq(uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT))), 3);
    }

    function test_SendMessage_GenesisCountsNothing() public {
        // Slot 1 is zero at genesis: block 0 with no messages. Even in block 0 all 16 fit.
        vm.roll(0);
        for (uint256 i = 0; i < 16; ++i) {
            OUTBOX.sendMessage(1, BOB, "");
        }
        vm.expectRevert(abi.encodeWithSelector(L2OutboxBlockFull.selector, 0, 16));
        OUTBOX.sendMessage(1, BOB, "");
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_BlockFull() public {
        for (uint256 i = 0; i < 16; ++i) {
            OUTBOX.sendMessage(1, BOB, "");
        }
        vm.expectRevert(abi.encodeWithSelector(L2OutboxBlockFull.selector, block.number, 16));
        vm.prank(ALICE);
        OUTBOX.sendMessage(7, BOB, hex"01");
        assertEq(uint256(OUTBOX.nextNonce()), 16);
        assertEq(OUTBOX.sentThisBlock(), 16);
    }

    function test_RevertWhen_OneCallSendsSeventeen() public {
        Spammer spammer = new Spammer();
        vm.expectRevert(abi.encodeWithSelector(L2OutboxBlockFull.selector, block.number, 16));
        spammer.send(17);
        assertEq(uint256(OUTBOX.nextNonce()), 0);
        spammer.send(16);
        assertEq(uint256(OUTBOX.nextNonce()), 16);
    }

    function test_RevertWhen_PayloadTooLarge() public {
        bytes memory payload = new bytes(1025);
        vm.expectRevert(abi.encodeWithSelector(L2OutboxPayloadTooLarge.selector, 1025, 1024));
        OUTBOX.sendMessage(1, BOB, payload);
        assertEq(uint256(OUTBOX.nextNonce()), 0);
    }

    function test_RevertWhen_NoncesAreExhausted() public {
        vm.store(
            address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT), bytes32(uint256(type(uint64).max))
        );
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        OUTBOX.sendMessage(1, BOB, "");
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_SendMessage_AnyMessageUpToTheCap(
        address sender,
        uint64 destination,
        address recipient,
        uint256 length
    ) public {
        length = bound(length, 0, 1024);
        bytes memory payload = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            payload[i] = bytes1(uint8(i * 7 + length));
        }
        vm.recordLogs();
        vm.prank(sender);
        assertEq(uint256(OUTBOX.sendMessage(destination, recipient, payload)), 0);
        assertMessage(
            onlyMessage(vm.getRecordedLogs()),
            Hashing.Message({
                sourceChainId: CHAIN,
                nonce: 0,
                sender: sender,
                destinationChainId: destination,
                recipient: recipient,
                payload: payload
            })
        );
        assertEq(uint256(OUTBOX.nextNonce()), 1);
    }

    function testFuzz_RevertWhen_PayloadAboveTheCap(uint256 length) public {
        length = bound(length, 1025, 8192);
        vm.expectRevert(abi.encodeWithSelector(L2OutboxPayloadTooLarge.selector, length, 1024));
        OUTBOX.sendMessage(1, BOB, new bytes(length));
        assertEq(uint256(OUTBOX.nextNonce()), 0);
    }

    /// forge-config: ci.fuzz.runs = 256
    function testFuzz_SendMessage_AtMostSixteenPerBlock(uint8[6] calldata attempts, uint64 start) public {
        start = uint64(bound(start, 1, type(uint64).max - 8));
        uint256 sent;
        for (uint256 b = 0; b < attempts.length; ++b) {
            vm.roll(start + b);
            uint256 n = attempts[b] % 24;
            for (uint256 i = 0; i < n; ++i) {
                if (i < 16) {
                    assertEq(uint256(OUTBOX.sendMessage(1, BOB, "")), sent);
                    ++sent;
                } else {
                    vm.expectRevert(abi.encodeWithSelector(L2OutboxBlockFull.selector, start + b, 16));
                    OUTBOX.sendMessage(1, BOB, "");
                }
            }
            assertEq(OUTBOX.sentThisBlock(), n < 16 ? n : 16);
        }
        assertEq(uint256(OUTBOX.nextNonce()), sent);
    }

    /// forge-config: ci.fuzz.runs = 256
    function testFuzz_SendMessage_NoncesCountMessages(uint256 count, address sender) public {
        count = bound(count, 0, 64);
        vm.recordLogs();
        for (uint256 i = 0; i < count; ++i) {
            if (i % 16 == 0) vm.roll(block.number + 1);
            vm.prank(sender);
            assertEq(uint256(OUTBOX.sendMessage(uint64(i), BOB, abi.encode(i))), i);
        }
        Hashing.Message[] memory messages = SystemContracts.sentMessages(vm.getRecordedLogs(), CHAIN);
        assertEq(messages.length, count);
        for (uint256 i = 0; i < count; ++i) {
            assertEq(uint256(messages[i].nonce), i);
        }
        assertEq(uint256(OUTBOX.nextNonce()), count);
    }
}

/// @dev A contract that sends several messages in one call.
contract Spammer {
    function send(uint256 n) external {
        for (uint256 i = 0; i < n; ++i) {
            IL2Outbox(FractalConstants.L2_OUTBOX).sendMessage(1, address(this), "");
        }
    }
}
