// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../src/common/Constants.sol";
import {Hashing} from "../../src/common/Hashing.sol";
import {BatchHeader} from "../../src/settlement/BatchLib.sol";
import {IPriorityQueue, PriorityOp} from "../../src/settlement/IPriorityQueue.sol";
import {PriorityQueue} from "../../src/settlement/PriorityQueue.sol";
import {Settlement} from "../../src/settlement/Settlement.sol";
import {MessageTree} from "../common/MessageTree.sol";
import {Fixture} from "../shared/Fixture.sol";
import {Vm} from "../utils/Test.sol";
import {FeeOnTransferERC20} from "./mocks/FeeOnTransferERC20.sol";
import {TestERC20} from "./mocks/TestERC20.sol";

/// @title VaultBase
/// @notice Shared base of the BridgeVault tests: the real suite from `Fixture` (chain `base` = 4242)
/// plus a second chain `other` = 4343, a plain and a fee-on-transfer token, deposit helpers, and the
/// withdrawal path end to end: messages → message tree built in the test → a batch carrying its root
/// committed, proven and executed through the real Settlement.
/// @dev Note: deposit helpers prank the depositor as sender and origin (an externally owned account, so
/// not aliased). Batches built here consume every pending priority request unless told otherwise.
abstract contract VaultBase is Fixture {
    using MessageTree for MessageTree.Tree;

    /// @dev The second chain.
    string internal constant OTHER_LABEL = "other";
    uint256 internal constant OTHER_ID = 4343;

    /// @dev Ether's entry in the vault's per-chain balances.
    address internal constant ETH = address(0);

    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);

    TestERC20 internal token;
    FeeOnTransferERC20 internal feeToken;
    Settlement internal otherSettlement;
    PriorityQueue internal otherQueue;

    /// @dev Message-tree zero hashes, computed once.
    uint256[] internal zeros;

    function setUp() public virtual override {
        super.setUp();
        token = new TestERC20("Test Token", "TST");
        feeToken = new FeeOnTransferERC20(100);
        (otherSettlement, otherQueue) = registerChain(OTHER_LABEL, OTHER_ID, fieldElement(OTHER_ID));
        zeros = MessageTree.zeroHashes();
        vm.label(address(token), "TST");
        vm.label(address(feeToken), "FEE");
        vm.label(ALICE, "alice");
        vm.label(BOB, "bob");
    }

    // ------------------------------------------------------------------ chains

    /// @dev The settlement of one of the two chains.
    function settlementOf(uint256 chainId) internal view returns (Settlement) {
        return chainId == CHAIN_ID ? settlement : otherSettlement;
    }

    /// @dev The queue of one of the two chains.
    function queueOf(uint256 chainId) internal view returns (PriorityQueue) {
        return chainId == CHAIN_ID ? queue : otherQueue;
    }

    // ------------------------------------------------------------------ deposits

    /// @dev `from` (an EOA) deposits `amount` wei for `to` on `chainId`.
    function depositEth(uint256 chainId, address from, address to, uint256 amount)
        internal
        returns (uint64 index)
    {
        vm.deal(from, from.balance + amount);
        vm.prank(from, from);
        index = vault.depositEth{value: amount}(chainId, to);
    }

    /// @dev `from` (an EOA) deposits `amount` of `tok` (minted to it first) for `to` on `chainId`.
    function depositToken(uint256 chainId, address tok, address from, address to, uint256 amount)
        internal
        returns (uint64 index)
    {
        TestERC20(tok).mint(from, amount);
        vm.prank(from);
        TestERC20(tok).approve(address(vault), amount);
        vm.prank(from, from);
        index = vault.depositToken(chainId, tok, amount, to);
    }

    /// @dev The operation the last `TransactionRequested` event of `q` in `logs` carries.
    function requestedOp(Vm.Log[] memory logs, address q) internal pure returns (PriorityOp memory op) {
        bool found = false;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == q && logs[i].topics[0] == IPriorityQueue.TransactionRequested.selector) {
                (,, op) = abi.decode(logs[i].data, (bytes32, bytes32, PriorityOp));
                found = true;
            }
        }
        require(found, "no TransactionRequested");
    }

    // ------------------------------------------------------------------ batches

    /// @dev Commits, proves and executes the next batch of `s` with the given roots, consuming up to
    /// `priorityOpsCount` requests.
    function executeNext(Settlement s, bytes32 newStateRoot, bytes32 messageRoot, uint64 priorityOpsCount)
        internal
        returns (BatchHeader memory h)
    {
        BatchHeader memory prev = lastCommittedHeader(s);
        h = commitNext(
            s,
            pubdataFor(uint256(keccak256(abi.encode(s, prev.batchNumber)))),
            newStateRoot,
            messageRoot,
            priorityOpsCount
        );
        proveBatch(s, h);
        executeBatch(s, h);
    }

    /// @dev Commits, proves and executes the next batch of `s` with `messageRoot`, consuming every
    /// pending request and keeping the state root.
    function executeNext(Settlement s, bytes32 messageRoot) internal returns (BatchHeader memory) {
        return executeNext(
            s, lastCommittedHeader(s).newStateRoot, messageRoot, PriorityQueue(s.priorityQueue()).length()
        );
    }

    // ------------------------------------------------------------------ withdrawals

    /// @dev A withdrawal of `amount` of `tok` to `to` from `chainId`, as the child's bridge sends it.
    function withdrawal(uint256 chainId, uint64 nonce, address tok, address to, uint256 amount)
        internal
        view
        returns (Hashing.Message memory)
    {
        return Hashing.Message({
            sourceChainId: uint64(chainId),
            nonce: nonce,
            sender: FractalConstants.L2_BRIDGE,
            destinationChainId: uint64(block.chainid),
            recipient: address(vault),
            payload: abi.encode(tok, to, amount)
        });
    }

    /// @dev The message tree of `messages` at indices 0..n-1.
    function treeOf(Hashing.Message[] memory messages) internal view returns (MessageTree.Tree memory) {
        uint256[] memory leaves = new uint256[](messages.length);
        for (uint256 i = 0; i < messages.length; ++i) {
            leaves[i] = Hashing.messageLeaf(messages[i]);
        }
        return MessageTree.build(leaves, zeros);
    }

    /// @dev Executes the next batch of chain `chainId` carrying `messages` (and consuming every pending
    /// request); returns its number and the tree to prove against.
    function executeWithdrawals(uint256 chainId, Hashing.Message[] memory messages)
        internal
        returns (uint64 batchNumber, MessageTree.Tree memory tree)
    {
        tree = treeOf(messages);
        batchNumber = executeNext(settlementOf(chainId), bytes32(tree.root())).batchNumber;
    }

    /// @dev Executes a batch of chain `chainId` holding just `m`; returns its number and proof (index 0).
    function executeWithdrawal(uint256 chainId, Hashing.Message memory m)
        internal
        returns (uint64 batchNumber, uint256[] memory proof)
    {
        Hashing.Message[] memory messages = new Hashing.Message[](1);
        messages[0] = m;
        MessageTree.Tree memory tree;
        (batchNumber, tree) = executeWithdrawals(chainId, messages);
        proof = tree.proof(0);
    }

    /// @dev One-element message array.
    function one(Hashing.Message memory m) internal pure returns (Hashing.Message[] memory messages) {
        messages = new Hashing.Message[](1);
        messages[0] = m;
    }

    // ------------------------------------------------------------------ freezing

    /// @dev Freezes the chain of `q`: enqueues a plain request when nothing is pending, warps past the
    /// oldest pending request's deadline and calls `freezeChain`.
    function freeze(PriorityQueue q) internal {
        if (q.head() == q.length()) {
            enqueueFrom(q, USER, address(0x7A46E7), 0, DEFAULT_GAS_LIMIT, "");
        }
        warpPastDeadline(q, q.head());
        q.freezeChain();
    }
}
