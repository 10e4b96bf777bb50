// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {VaultNotAWithdrawal} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {L2Bridge} from "../../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../../src/l2/L2Outbox.sol";
import {IPriorityQueue, PriorityOp} from "../../../src/settlement/IPriorityQueue.sol";
import {VaultBase} from "../../bridge/VaultBase.sol";
import {MessageTree} from "../../common/MessageTree.sol";
import {Vm} from "../../utils/Test.sol";
import {SystemContracts} from "../SystemContracts.sol";

/// @notice Parent and child in one EVM: the real suite (`VaultBase`: registry, Settlement, PriorityQueue,
/// BridgeVault) on the parent, chain `base` (4242) whose genesis system contracts are configured with
/// that vault. Deposits go through the vault and its priority operations run on the child the way the
/// node runs them; withdrawals are read back from the outbox's events, put in a batch's message tree,
/// executed through the real Settlement and paid by `BridgeVault.finalizeWithdrawal`.
/// @dev Note: `block.chainid` says which side runs: `PARENT_ID` for the parent, `CHAIN_ID` for the child.
contract VaultRoundTripTest is VaultBase {
    using MessageTree for MessageTree.Tree;

    L2Outbox internal constant OUTBOX = L2Outbox(FractalConstants.L2_OUTBOX);
    L2Bridge internal constant BRIDGE = L2Bridge(FractalConstants.L2_BRIDGE);

    uint256 internal parentId;

    function setUp() public override {
        super.setUp();
        parentId = block.chainid;
        SystemContracts.place(address(vault), parentId);
        vm.label(address(OUTBOX), "L2Outbox");
        vm.label(address(BRIDGE), "L2Bridge");
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Every operation `queue` enqueued in `logs`, in queue order.
    function requestedOps(Vm.Log[] memory logs) internal view returns (PriorityOp[] memory ops) {
        uint256 n;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (_isRequest(logs[i])) ++n;
        }
        ops = new PriorityOp[](n);
        n = 0;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (_isRequest(logs[i])) {
                (,, ops[n++]) = abi.decode(logs[i].data, (bytes32, bytes32, PriorityOp));
            }
        }
    }

    function _isRequest(Vm.Log memory log) private view returns (bool) {
        return log.emitter == address(queue) && log.topics[0] == IPriorityQueue.TransactionRequested.selector;
    }

    /// @dev Runs a priority operation on the child, as the node does: `mint` credited to `l2Sender`, then
    /// the call `l2Sender → target` with `l2Value`, `gasLimit` and `data`.
    function runOnChild(PriorityOp memory op) internal {
        vm.chainId(CHAIN_ID);
        vm.deal(op.l2Sender, op.l2Sender.balance + op.mint);
        vm.prank(op.l2Sender);
        (bool ok,) = op.target.call{value: op.l2Value, gas: op.gasLimit}(op.data);
        assertTrue(ok, "priority operation failed on the child");
        vm.chainId(parentId);
    }

    /// @dev Executes a batch of `base` carrying `messages` on the parent and finalizes each of them.
    function settleAndFinalize(Hashing.Message[] memory messages) internal returns (uint64 batchNumber) {
        MessageTree.Tree memory tree;
        (batchNumber, tree) = executeWithdrawals(CHAIN_ID, messages);
        for (uint256 i = 0; i < messages.length; ++i) {
            vault.finalizeWithdrawal(CHAIN_ID, batchNumber, i, messages[i], tree.proof(i));
        }
    }

    // ---------------------------------------------------------------- round trips

    function test_RoundTrip_Token() public {
        vm.recordLogs();
        depositToken(CHAIN_ID, address(token), USER, ALICE, 1000);
        runOnChild(requestedOp(vm.getRecordedLogs(), address(queue)));
        assertEq(BRIDGE.balanceOf(address(token), ALICE), 1000);

        vm.chainId(CHAIN_ID);
        vm.recordLogs();
        vm.prank(ALICE);
        BRIDGE.withdrawToken(address(token), BOB, 400);
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(CHAIN_ID));
        vm.chainId(parentId);

        (uint64 batchNumber, MessageTree.Tree memory tree) = executeWithdrawals(CHAIN_ID, messages);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.WithdrawalFinalized(CHAIN_ID, batchNumber, 0, address(token), BOB, 400);
        vault.finalizeWithdrawal(CHAIN_ID, batchNumber, 0, messages[0], tree.proof(0));
        assertEq(token.balanceOf(BOB), 400);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 600);
        assertEq(BRIDGE.balanceOf(address(token), ALICE), 600);
        assertTrue(vault.isWithdrawalFinalized(CHAIN_ID, 0));
    }

    function test_RoundTrip_Ether() public {
        vm.recordLogs();
        depositEth(CHAIN_ID, USER, ALICE, 5 ether);
        runOnChild(requestedOp(vm.getRecordedLogs(), address(queue)));
        assertEq(ALICE.balance, 5 ether);

        vm.chainId(CHAIN_ID);
        vm.recordLogs();
        vm.prank(ALICE);
        BRIDGE.withdraw{value: 2 ether}(BOB);
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(CHAIN_ID));
        // On the child the ether is locked in the bridge (burnt); on the parent the vault pays it.
        assertEq(address(BRIDGE).balance, 2 ether);
        vm.chainId(parentId);

        settleAndFinalize(messages);
        assertEq(BOB.balance, 2 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 3 ether);
    }

    function test_RoundTrip_ForcedWithdrawalThroughThePriorityQueue() public {
        // The escape hatch: a parent account withdraws without the child's sequencer accepting a
        // transaction, by asking the queue to call the bridge for it. The outbox hashes the message into
        // its chain: here the Poseidon libraries run as code (about 300,000 gas; a Fractal node runs them
        // as precompiles, docs/node.md), so the call gets 600,000.
        vm.deal(USER, 3 ether);
        vm.recordLogs();
        vm.prank(USER, USER);
        vault.requestL2Transaction{value: 3 ether}(
            CHAIN_ID, FractalConstants.L2_BRIDGE, 3 ether, 600_000, abi.encodeCall(IL2Bridge.withdraw, (BOB))
        );
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        vm.recordLogs();
        runOnChild(op);
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(CHAIN_ID));
        assertEq(messages.length, 1);
        assertEq(messages[0].payload, abi.encode(address(0), BOB, 3 ether));

        settleAndFinalize(messages);
        assertEq(BOB.balance, 3 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 0);
    }

    function test_RoundTrip_SeveralWithdrawalsInOneBatch() public {
        vm.recordLogs();
        depositToken(CHAIN_ID, address(token), USER, ALICE, 1000);
        depositEth(CHAIN_ID, USER, ALICE, 5 ether);
        PriorityOp[] memory ops = requestedOps(vm.getRecordedLogs());
        assertEq(ops.length, 2);
        for (uint256 i = 0; i < ops.length; ++i) {
            runOnChild(ops[i]);
        }
        vm.chainId(CHAIN_ID);
        vm.startPrank(ALICE);
        vm.recordLogs();
        BRIDGE.withdrawToken(address(token), BOB, 100);
        BRIDGE.withdraw{value: 1 ether}(BOB);
        BRIDGE.withdrawToken(address(token), ALICE, 900);
        vm.stopPrank();
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(CHAIN_ID));
        vm.chainId(parentId);

        assertEq(messages.length, 3);
        settleAndFinalize(messages);
        assertEq(token.balanceOf(BOB), 100);
        assertEq(token.balanceOf(ALICE), 900);
        assertEq(BOB.balance, 1 ether);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 0);
    }

    function test_RevertWhen_AnOutboxMessageNotFromTheBridgeIsFinalized() public {
        // Anyone can message the vault through the outbox; only the bridge's messages are withdrawals.
        depositToken(CHAIN_ID, address(token), USER, ALICE, 1000);
        vm.chainId(CHAIN_ID);
        vm.recordLogs();
        vm.prank(ALICE);
        OUTBOX.sendMessage(uint64(parentId), address(vault), abi.encode(address(token), ALICE, uint256(1000)));
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(CHAIN_ID));
        vm.chainId(parentId);

        MessageTree.Tree memory tree;
        uint64 batchNumber;
        (batchNumber, tree) = executeWithdrawals(CHAIN_ID, messages);
        vm.expectRevert(abi.encodeWithSelector(VaultNotAWithdrawal.selector, CHAIN_ID, 0));
        vault.finalizeWithdrawal(CHAIN_ID, batchNumber, 0, messages[0], tree.proof(0));
    }

    function testFuzz_RoundTrip(uint256 deposited, uint256 withdrawn, address to) public {
        vm.assume(to != address(0) && to != address(vault));
        deposited = bound(deposited, 1, 1e36);
        withdrawn = bound(withdrawn, 1, deposited);
        vm.recordLogs();
        depositToken(CHAIN_ID, address(token), USER, ALICE, deposited);
        runOnChild(requestedOp(vm.getRecordedLogs(), address(queue)));
        vm.chainId(CHAIN_ID);
        vm.recordLogs();
        vm.prank(ALICE);
        BRIDGE.withdrawToken(address(token), to, withdrawn);
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(CHAIN_ID));
        vm.chainId(parentId);

        uint256 before = token.balanceOf(to);
        settleAndFinalize(messages);
        assertEq(token.balanceOf(to), before + withdrawn);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), deposited - withdrawn);
    }
}
