// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {L2OutboxPayloadTooLarge} from "../../../src/l2/L2Errors.sol";
import {SystemBase} from "../SystemBase.sol";
import {SystemContracts} from "../SystemContracts.sol";

/// @notice L2Outbox's message chain (slot 2): 0 at genesis, then Poseidon(chain, messageLeaf) per message,
/// the leaf being exactly the one the node computes from the `MessageSent` event (docs/encodings.md,
/// "Outbox"), which the batch proof checks a batch's leaves against.
contract MessageChainTest is SystemBase {
    /// @dev The message the outbox must have chained: the event's fields and this chain's id.
    function _message(
        uint64 nonce,
        address sender,
        uint64 destination,
        address recipient,
        bytes memory payload
    ) internal view returns (Hashing.Message memory) {
        return Hashing.Message({
            sourceChainId: uint64(block.chainid),
            nonce: nonce,
            sender: sender,
            destinationChainId: destination,
            recipient: recipient,
            payload: payload
        });
    }

    /// @dev The chain after `messages`, from `chain`, with plain PoseidonT3 (not Hashing.messageChainStep).
    function _fold(uint256 chain, Hashing.Message[] memory messages) internal pure returns (uint256) {
        for (uint256 i = 0; i < messages.length; ++i) {
            chain = PoseidonT3.hash([chain, Hashing.messageLeaf(messages[i])]);
        }
        return chain;
    }

    function _slotTwo() internal view returns (uint256) {
        return uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_MESSAGE_CHAIN_SLOT)));
    }

    // ---------------------------------------------------------------- success

    function test_MessageChain_ZeroAtGenesis() public view {
        assertEq(OUTBOX.messageChain(), 0);
        assertEq(_slotTwo(), 0);
    }

    function test_MessageChain_FirstMessageIsPoseidonOfZeroAndItsLeaf() public {
        bytes memory payload = abi.encode(address(0), BOB, uint256(1 ether));
        vm.prank(ALICE);
        OUTBOX.sendMessage(uint64(PARENT_ID), BOB, payload);
        uint256 leaf = Hashing.messageLeaf(_message(0, ALICE, uint64(PARENT_ID), BOB, payload));
        assertEq(OUTBOX.messageChain(), PoseidonT3.hash([uint256(0), leaf]));
        assertEq(OUTBOX.messageChain(), Hashing.messageChainStep(0, leaf));
    }

    function test_MessageChain_FoldsTheLeavesOfEveryMessage() public {
        Hashing.Message[] memory sent = new Hashing.Message[](5);
        address[2] memory senders = [ALICE, BOB];
        for (uint256 i = 0; i < sent.length; ++i) {
            // Across blocks, from several senders, to several chains, with payloads of 0 to 124 bytes.
            if (i == 3) vm.roll(block.number + 1);
            bytes memory payload = new bytes(31 * i);
            for (uint256 j = 0; j < payload.length; ++j) {
                payload[j] = bytes1(uint8(j + i));
            }
            address sender = senders[i % 2];
            sent[i] = _message(uint64(i), sender, uint64(7 + i), address(uint160(0xB0 + i)), payload);
            vm.prank(sender);
            OUTBOX.sendMessage(uint64(7 + i), address(uint160(0xB0 + i)), payload);
            assertEq(OUTBOX.messageChain(), _fold(0, _prefix(sent, i + 1)), "chain after each message");
        }
        assertEq(OUTBOX.messageChain(), _fold(0, sent));
        assertEq(_slotTwo(), OUTBOX.messageChain(), "slot 2");
    }

    /// @dev The node's view: the leaves of the messages read back from the events fold to slot 2.
    function test_MessageChain_MatchesTheEventsTheNodeReads() public {
        vm.recordLogs();
        vm.prank(ALICE);
        OUTBOX.sendMessage(1, BOB, hex"c0ffee");
        vm.prank(BOB);
        OUTBOX.sendMessage(uint64(PARENT_ID), ALICE, "");
        Hashing.Message[] memory read = SystemContracts.sentMessages(vm.getRecordedLogs(), CHAIN);
        assertEq(read.length, 2);
        assertEq(_slotTwo(), _fold(0, read));
    }

    function test_MessageChain_ContinuesFromTheStoredChain() public {
        uint256 stored = 0x1234;
        vm.store(address(OUTBOX), bytes32(SystemContracts.OUTBOX_MESSAGE_CHAIN_SLOT), bytes32(stored));
        vm.store(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT), bytes32(uint256(9)));
        assertEq(OUTBOX.messageChain(), stored);
        OUTBOX.sendMessage(1, BOB, hex"01");
        uint256 leaf = Hashing.messageLeaf(_message(9, address(this), 1, BOB, hex"01"));
        assertEq(OUTBOX.messageChain(), PoseidonT3.hash([stored, leaf]));
    }

    function test_MessageChain_LeafCarriesThisChainsId() public {
        OUTBOX.sendMessage(1, BOB, hex"01");
        uint256 here = OUTBOX.messageChain();
        vm.store(address(OUTBOX), bytes32(SystemContracts.OUTBOX_MESSAGE_CHAIN_SLOT), bytes32(0));
        vm.store(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT), bytes32(0));
        vm.chainId(CHAIN + 1);
        OUTBOX.sendMessage(1, BOB, hex"01");
        assertTrue(OUTBOX.messageChain() != here, "another source chain, another leaf");
        Hashing.Message[] memory one = new Hashing.Message[](1);
        one[0] = _message(0, address(this), 1, BOB, hex"01");
        assertEq(uint256(one[0].sourceChainId), CHAIN + 1);
        assertEq(OUTBOX.messageChain(), _fold(0, one));
    }

    /// @dev The other slots keep their layout: the chain is a third word, not packed with them.
    function test_MessageChain_LeavesSlotsZeroAndOne() public {
        vm.roll(77);
        OUTBOX.sendMessage(1, BOB, hex"01");
        OUTBOX.sendMessage(1, BOB, hex"02");
        assertEq(uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_NONCE_SLOT))), 2);
        assertEq(
            uint256(vm.load(address(OUTBOX), bytes32(SystemContracts.OUTBOX_SENT_SLOT))),
            (uint256(2) << 64) | 77
        );
        assertTrue(_slotTwo() != 0);
        assertTrue(_slotTwo() < FractalConstants.FIELD_MODULUS, "a field element");
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_PayloadTooLarge_ChainUnchanged() public {
        OUTBOX.sendMessage(1, BOB, hex"01");
        uint256 before = OUTBOX.messageChain();
        vm.expectRevert(abi.encodeWithSelector(L2OutboxPayloadTooLarge.selector, 1025, 1024));
        OUTBOX.sendMessage(1, BOB, new bytes(1025));
        assertEq(OUTBOX.messageChain(), before);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_MessageChain_FoldsAnyMessages(
        address[4] calldata senders,
        uint64[4] calldata destinations,
        address[4] calldata recipients,
        uint256[4] calldata lengths,
        uint256 seed,
        uint8 count
    ) public {
        uint256 n = uint256(count) % 5;
        Hashing.Message[] memory sent = new Hashing.Message[](n);
        for (uint256 i = 0; i < n; ++i) {
            bytes memory payload = new bytes(bound(lengths[i], 0, 1024));
            for (uint256 j = 0; j < payload.length; ++j) {
                payload[j] = bytes1(uint8(uint256(keccak256(abi.encode(seed, i, j)))));
            }
            sent[i] = _message(uint64(i), senders[i], destinations[i], recipients[i], payload);
            vm.prank(senders[i]);
            OUTBOX.sendMessage(destinations[i], recipients[i], payload);
        }
        assertEq(OUTBOX.messageChain(), _fold(0, sent));
        assertEq(_slotTwo(), OUTBOX.messageChain());
    }

    // ---------------------------------------------------------------- helpers

    function _prefix(Hashing.Message[] memory messages, uint256 n)
        internal
        pure
        returns (Hashing.Message[] memory prefix)
    {
        prefix = new Hashing.Message[](n);
        for (uint256 i = 0; i < n; ++i) {
            prefix[i] = messages[i];
        }
    }
}
