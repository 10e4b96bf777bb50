// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {DevelopmentVerifier} from "../../../src/settlement/DevelopmentVerifier.sol";
import {IPriorityQueue} from "../../../src/settlement/IPriorityQueue.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import {Vm} from "../../utils/Test.sol";
import {WriteBinding} from "../../utils/WriteBinding.sol";

/// @title SettlementHandler
/// @notice Drives one chain's Settlement and PriorityQueue through random sequences of requests, commits,
/// proofs, executions, reverts, time warps and freeze attempts, and keeps ghost state of what the
/// contracts must then hold.
/// @dev Note: every action is total: it never reverts itself. Each contract call is made in a try/catch
/// and its outcome is compared with the one the ghost state predicts; a mismatch is counted in
/// `ghostUnexpected` (an invariant requires zero), so the invariant runner's `fail_on_revert = false`
/// cannot hide a valid call the contracts wrongly refused. Only the actions listed in `actions()` are
/// meant to be fuzzed.
contract SettlementHandler {
    Vm private constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    Settlement public immutable settlement;
    PriorityQueue public immutable queue;
    DevelopmentVerifier public immutable verifier;
    address public immutable operator;

    // ------------------------------------------------------------------ ghost state

    /// @dev The header of every committed batch by number (0: genesis); entries above `ghostCommitted`
    /// are stale after a revert and overwritten by the next commit.
    mapping(uint64 => BatchHeader) private _headers;

    uint64 public ghostCommitted;
    uint64 public ghostProven;
    uint64 public ghostExecuted;
    uint64 public ghostLength;
    /// @dev Batch numbers in the order the settlement reported them executed (BatchExecuted events).
    uint64[] private _executedLog;
    /// @dev State root and cumulative priority count of each executed batch, as committed.
    mapping(uint64 => bytes32) public ghostExecutedRoot;
    mapping(uint64 => uint64) public ghostExecutedCount;

    /// @dev Counters read right after the chain froze.
    bool public ghostFrozen;
    uint64 public frozenCommitted;
    uint64 public frozenProven;
    uint64 public frozenExecuted;
    uint64 public frozenHead;
    uint64 public frozenLength;

    /// @dev Calls whose outcome (success or revert) differed from the prediction.
    uint256 public ghostUnexpected;
    /// @dev The last unexpected outcome, for debugging a failing run.
    string public lastUnexpected;

    /// @dev How often each action changed state (coverage, checked by the smoke test).
    mapping(bytes4 => uint256) public successes;

    constructor(
        Settlement settlement_,
        DevelopmentVerifier verifier_,
        address operator_,
        BatchHeader memory genesis
    ) {
        settlement = settlement_;
        queue = PriorityQueue(settlement_.priorityQueue());
        verifier = verifier_;
        operator = operator_;
        _headers[0] = genesis;
        ghostExecutedRoot[0] = genesis.newStateRoot;
    }

    /// @notice The fuzzed actions.
    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](9);
        s[0] = this.enqueue.selector;
        s[1] = this.commit.selector;
        s[2] = this.prove.selector;
        s[3] = this.execute.selector;
        s[4] = this.revertTo.selector;
        s[5] = this.warp.selector;
        s[6] = this.freeze.selector;
        s[7] = this.executeOutOfOrder.selector;
        s[8] = this.commitBadRoot.selector;
    }

    // ------------------------------------------------------------------ actions

    /// @notice A request from an externally owned account or (aliased) contract, with random fields.
    function enqueue(uint256 seed) external {
        address sender = address(uint160(uint256(keccak256(abi.encode(seed, "sender")))));
        address origin = seed & 1 == 0 ? sender : address(0x0819);
        uint256 gasLimit = 21_000 + (seed >> 8) % 1_000_000;
        bytes memory data = abi.encodePacked(seed >> (seed % 256));
        bool frozen = ghostFrozen;
        vm.prank(sender, origin);
        try queue.requestTransaction(
            address(uint160(seed >> 96)), (seed >> 32) % 1e18, gasLimit, data
        ) returns (
            uint64 index
        ) {
            if (frozen) {
                return _unexpected("enqueue accepted on a frozen chain");
            }
            if (index != ghostLength) return _unexpected("enqueue index");
            ghostLength = index + 1;
            ++successes[this.enqueue.selector];
        } catch {
            if (!frozen) _unexpected("enqueue refused");
        }
    }

    /// @notice Commits 1 to 3 valid batches, each consuming a random number of queued requests.
    function commit(uint256 seed, uint8 count) external {
        uint256 n = 1 + count % 3;
        BatchHeader[] memory headers = new BatchHeader[](n);
        bytes[] memory inputs = new bytes[](n);
        BatchHeader memory prev = _headers[ghostCommitted];
        for (uint256 i = 0; i < n; ++i) {
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            // Version-2 pubdata with 0 to 63 bytes of rows and the write binding the calldata policy checks.
            inputs[i] = WriteBinding.encode(_rows(s), abi.encodePacked(uint8(s)));
            BatchHeader memory h;
            h.batchNumber = prev.batchNumber + 1;
            h.timestamp = block.timestamp > prev.timestamp ? uint64(block.timestamp) : prev.timestamp;
            // Consume up to a random point in [previous count, queue length].
            h.priorityOpsCount =
                prev.priorityOpsCount + uint64(s % (uint256(ghostLength - prev.priorityOpsCount) + 1));
            h.prevStateRoot = prev.newStateRoot;
            h.newStateRoot = bytes32(s % FractalConstants.FIELD_MODULUS);
            h.pubdataCommitment = keccak256(inputs[i]);
            h.messageRoot = bytes32((s >> 1) % FractalConstants.FIELD_MODULUS);
            h.priorityOpsHash = queue.rollingHashAt(h.priorityOpsCount);
            WriteBinding.bind(h, inputs[i]);
            headers[i] = h;
            prev = h;
        }
        bool frozen = ghostFrozen;
        vm.prank(operator);
        try settlement.commitBatches(headers, inputs) {
            if (frozen) return _unexpected("commit accepted on a frozen chain");
            for (uint256 i = 0; i < n; ++i) {
                _headers[headers[i].batchNumber] = headers[i];
            }
            ghostCommitted = prev.batchNumber;
            ++successes[this.commit.selector];
        } catch {
            if (!frozen) _unexpected("valid commit refused");
        }
    }

    /// @notice A commit whose header does not continue the last state root: always refused.
    function commitBadRoot(uint256 seed) external {
        BatchHeader memory prev = _headers[ghostCommitted];
        BatchHeader[] memory headers = new BatchHeader[](1);
        bytes[] memory inputs = new bytes[](1);
        BatchHeader memory h = headers[0];
        h.batchNumber = prev.batchNumber + 1;
        h.timestamp = block.timestamp > prev.timestamp ? uint64(block.timestamp) : prev.timestamp;
        h.priorityOpsCount = prev.priorityOpsCount;
        h.prevStateRoot =
            bytes32((uint256(prev.newStateRoot) + 1 + seed % 1000) % FractalConstants.FIELD_MODULUS);
        inputs[0] = WriteBinding.empty();
        h.pubdataCommitment = keccak256(inputs[0]);
        h.priorityOpsHash = queue.rollingHashAt(h.priorityOpsCount);
        vm.prank(operator);
        try settlement.commitBatches(headers, inputs) {
            _unexpected("commit with a wrong previous root accepted");
        } catch {}
    }

    /// @notice Proves the next 1 to k committed batches.
    function prove(uint8 count) external {
        uint64 pending = ghostCommitted - ghostProven;
        if (pending == 0) return;
        uint256 n = 1 + count % pending;
        BatchHeader[] memory headers = new BatchHeader[](n);
        bytes[] memory proofs = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            headers[i] = _headers[ghostProven + 1 + uint64(i)];
            proofs[i] = verifier.developmentProof(settlement.publicInputs(headers[i]));
        }
        bool frozen = ghostFrozen;
        vm.prank(operator);
        try settlement.proveBatches(headers, proofs) {
            if (frozen) return _unexpected("prove accepted on a frozen chain");
            ghostProven += uint64(n);
            ++successes[this.prove.selector];
        } catch {
            if (!frozen) _unexpected("valid proof refused");
        }
    }

    /// @notice Executes the next 1 to k proven batches, logging what the settlement reports executed.
    function execute(uint8 count) external {
        uint64 pending = ghostProven - ghostExecuted;
        if (pending == 0) return;
        uint256 n = 1 + count % pending;
        BatchHeader[] memory headers = new BatchHeader[](n);
        for (uint256 i = 0; i < n; ++i) {
            headers[i] = _headers[ghostExecuted + 1 + uint64(i)];
        }
        bool frozen = ghostFrozen;
        vm.recordLogs();
        vm.prank(operator);
        try settlement.executeBatches(headers) {
            if (frozen) return _unexpected("execute accepted on a frozen chain");
            Vm.Log[] memory logs = vm.getRecordedLogs();
            for (uint256 i = 0; i < logs.length; ++i) {
                if (
                    logs[i].emitter == address(settlement)
                        && logs[i].topics[0] == ISettlement.BatchExecuted.selector
                ) {
                    _executedLog.push(uint64(uint256(logs[i].topics[1])));
                }
            }
            for (uint256 i = 0; i < n; ++i) {
                BatchHeader memory h = headers[i];
                ghostExecutedRoot[h.batchNumber] = h.newStateRoot;
                ghostExecutedCount[h.batchNumber] = h.priorityOpsCount;
            }
            ghostExecuted += uint64(n);
            ++successes[this.execute.selector];
        } catch {
            vm.getRecordedLogs();
            if (!frozen) _unexpected("valid execution refused");
        }
    }

    /// @notice Tries to execute a proven batch while skipping the next one: always refused.
    function executeOutOfOrder(uint8 skip) external {
        uint64 target = ghostExecuted + 2 + uint64(skip % 3);
        if (target > ghostProven) return;
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = _headers[target];
        vm.prank(operator);
        try settlement.executeBatches(headers) {
            _unexpected("out-of-order execution accepted");
        } catch {}
    }

    /// @notice Reverts to a random kept batch in [executed, committed - 1]; acts on one call in three, so
    /// that runs still execute a fair number of batches.
    function revertTo(uint256 seed) external {
        uint64 span = ghostCommitted - ghostExecuted;
        if (span == 0 || seed % 3 != 0) return;
        seed /= 3;
        uint64 target = ghostExecuted + uint64(seed % span);
        BatchHeader memory kept = _headers[target];
        bool frozen = ghostFrozen;
        vm.prank(operator);
        try settlement.revertBatches(kept) {
            if (frozen) return _unexpected("revert accepted on a frozen chain");
            ghostCommitted = target;
            if (ghostProven > target) ghostProven = target;
            ++successes[this.revertTo.selector];
        } catch {
            if (!frozen) _unexpected("valid revert refused");
        }
    }

    /// @notice Moves time forward by up to 40 minutes (requests wait an hour), so that some runs freeze.
    function warp(uint256 secs) external {
        vm.warp(block.timestamp + secs % 40 minutes);
        ++successes[this.warp.selector];
    }

    /// @notice Anyone's freeze attempt: succeeds exactly when the oldest unconsumed request is overdue.
    function freeze() external {
        uint64 head = queue.head();
        bool overdue = head < ghostLength && block.timestamp > queue.deadlineOf(head);
        bool expected = overdue && !ghostFrozen;
        try queue.freezeChain() {
            if (!expected) return _unexpected("freeze accepted");
            ghostFrozen = true;
            frozenCommitted = settlement.totalBatchesCommitted();
            frozenProven = settlement.totalBatchesProven();
            frozenExecuted = settlement.totalBatchesExecuted();
            frozenHead = queue.head();
            frozenLength = queue.length();
            ++successes[this.freeze.selector];
        } catch {
            if (expected) _unexpected("overdue freeze refused");
        }
    }

    // ------------------------------------------------------------------ views for the invariants

    /// @notice The executed batch numbers in execution order.
    function executedLog() external view returns (uint64[] memory) {
        return _executedLog;
    }

    /// @notice The recorded header of batch `n`.
    function headerAt(uint64 n) external view returns (BatchHeader memory) {
        return _headers[n];
    }

    function _unexpected(string memory what) private {
        ++ghostUnexpected;
        lastUnexpected = what;
    }

    /// @dev `seed mod 64` bytes of rows derived from `seed`.
    function _rows(uint256 seed) private pure returns (bytes memory rows) {
        rows = new bytes(seed % 64);
        for (uint256 i = 0; i < rows.length; ++i) {
            rows[i] = bytes1(uint8(seed >> ((i % 32) * 8)));
        }
    }
}
