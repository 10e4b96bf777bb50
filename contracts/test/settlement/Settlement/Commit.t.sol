// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {RollupCalldataWritesMismatch} from "../../../src/da/DAErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";
import {WriteBinding} from "../../utils/WriteBinding.sol";

/// @notice `Settlement.commitBatches`: every rule a header must satisfy, and chains of batches.
contract SettlementCommitTest is Fixture {
    uint256 private constant R = FractalConstants.FIELD_MODULUS;

    function _one(BatchHeader memory h, bytes memory pubdata)
        private
        pure
        returns (BatchHeader[] memory headers, bytes[] memory inputs)
    {
        headers = new BatchHeader[](1);
        headers[0] = h;
        inputs = new bytes[](1);
        inputs[0] = pubdata;
    }

    /// @dev Whether the calldata policy refuses `h`'s write binding for `pubdata`.
    function _bindingMismatch(BatchHeader memory h, bytes memory pubdata) private pure returns (bool) {
        (bytes32 y, uint32 length) = WriteBinding.values(pubdata, h.rowCommitment);
        return y != h.writesEvaluation || length != h.writesLength;
    }

    function _commitExpectingRevert(BatchHeader memory h, bytes memory pubdata, bytes memory err) private {
        (BatchHeader[] memory headers, bytes[] memory inputs) = _one(h, pubdata);
        vm.prank(OPERATOR);
        vm.expectRevert(err);
        settlement.commitBatches(headers, inputs);
    }

    // ------------------------------------------------------------------ success

    function test_CommitFirstBatch() public {
        BatchHeader memory h = buildNextHeader(1);
        bytes32 expectedHash = expectedBatchHash(h);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.BatchCommitted(1, expectedHash, h.newStateRoot, h.messageRoot);
        commitBatch(h, pubdataFor(1));

        assertEq(settlement.totalBatchesCommitted(), 1);
        assertEq(settlement.totalBatchesProven(), 0);
        assertEq(settlement.totalBatchesExecuted(), 0);
        assertEq(settlement.batchHash(1), expectedHash);
        // Committed is not executed: the roots are not final yet.
        assertEq(settlement.stateRoot(1), bytes32(0));
        assertEq(settlement.messageRoot(1), bytes32(0));
        assertEq(settlement.lastExecutedStateRoot(), GENESIS_STATE_ROOT);
    }

    function test_CommitChainOfBatchesAcrossCalls() public {
        for (uint256 i = 1; i <= 5; ++i) {
            vm.warp(block.timestamp + 12);
            BatchHeader memory h = commitNext(i);
            assertEq(h.batchNumber, i);
            assertEq(settlement.batchHash(uint64(i)), expectedBatchHash(h));
            assertEq(h.prevStateRoot, headerAt(uint64(i - 1)).newStateRoot);
        }
        assertEq(settlement.totalBatchesCommitted(), 5);
    }

    function test_CommitChainOfBatchesInOneCall() public {
        enqueueMany(4);
        BatchHeader[] memory headers = new BatchHeader[](3);
        bytes[] memory inputs = new bytes[](3);
        BatchHeader memory prev = headerAt(0);
        for (uint256 i = 0; i < 3; ++i) {
            inputs[i] = pubdataFor(i);
            headers[i] = buildHeader(
                settlement, prev, inputs[i], fieldElement(i), fieldElement(100 + i), uint64(i + 1)
            );
            prev = headers[i];
        }
        for (uint256 i = 0; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(settlement));
            emit ISettlement.BatchCommitted(
                uint64(i + 1), expectedBatchHash(headers[i]), headers[i].newStateRoot, headers[i].messageRoot
            );
        }
        commitBatches(settlement, headers, inputs);
        assertEq(settlement.totalBatchesCommitted(), 3);
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(settlement.batchHash(uint64(i + 1)), expectedBatchHash(headers[i]));
        }
    }

    function test_CommitConsumingPriorityOps() public {
        enqueueMany(5);
        BatchHeader memory h1 = commitNext(1, 2);
        assertEq(h1.priorityOpsHash, queue.rollingHashAt(2));
        BatchHeader memory h2 = commitNext(2, 5);
        assertEq(h2.priorityOpsHash, queue.rollingHashAt(5));
        // Committing does not consume: only execution does.
        assertEq(queue.head(), 0);
    }

    function test_CommitEmptyBatch() public {
        // A batch that writes nothing: the pubdata's 21-byte header, a run of length 0 (evaluation 0).
        bytes memory pubdata = WriteBinding.empty();
        BatchHeader memory h = buildNextHeader(settlement, pubdata, fieldElement(1), bytes32(0), 0);
        assertEq(h.pubdataCommitment, keccak256(pubdata));
        assertEq(h.writesEvaluation, bytes32(0));
        assertEq(h.writesLength, 0);
        commitBatch(h, pubdata);
        assertEq(settlement.totalBatchesCommitted(), 1);
    }

    function test_CommitCarriesTheWriteBinding() public {
        bytes memory pubdata = pubdataFor(1);
        BatchHeader memory h = buildNextHeader(settlement, pubdata, fieldElement(1), bytes32(0), 0);
        assertEq(h.writesLength, 52);
        assertTrue(h.writesEvaluation != bytes32(0));
        commitBatch(h, pubdata);
        assertEq(settlement.batchHash(1), expectedBatchHash(h));
    }

    function test_CommitSameTimestampAsPrevious() public {
        BatchHeader memory h1 = commitNext(1);
        BatchHeader memory h2 = buildNextHeader(2);
        h2.timestamp = h1.timestamp;
        commitBatch(h2, pubdataFor(2));
        assertEq(settlement.totalBatchesCommitted(), 2);
    }

    function test_CommitTimestampAtMaxDrift() public {
        BatchHeader memory h = buildNextHeader(1);
        h.timestamp = uint64(block.timestamp + settlement.MAX_TIMESTAMP_DRIFT());
        commitBatch(h, pubdataFor(1));
        assertEq(settlement.totalBatchesCommitted(), 1);
    }

    function test_CommitFieldsAtModulusMinusOne() public {
        BatchHeader memory h = buildNextHeader(1);
        h.newStateRoot = bytes32(R - 1);
        h.messageRoot = bytes32(R - 1);
        h.childRootsAggregated = bytes32(R - 1);
        WriteBinding.bind(h, pubdataFor(1), bytes32(R - 1));
        commitBatch(h, pubdataFor(1));
        BatchHeader memory h2 = buildNextHeader(2);
        assertEq(h2.prevStateRoot, bytes32(R - 1));
        commitBatch(h2, pubdataFor(2));
        assertEq(settlement.totalBatchesCommitted(), 2);
    }

    // ------------------------------------------------------------------ call-level errors

    function test_RevertWhen_CallerNotOperator() public {
        (BatchHeader[] memory headers, bytes[] memory inputs) = _one(buildNextHeader(1), pubdataFor(1));
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(SettlementCallerNotOperator.selector, STRANGER));
        settlement.commitBatches(headers, inputs);
    }

    function test_RevertWhen_NoBatches() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementNoBatches.selector));
        settlement.commitBatches(new BatchHeader[](0), new bytes[](0));
    }

    function test_RevertWhen_LengthMismatch() public {
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = buildNextHeader(1);
        bytes[] memory inputs = new bytes[](2);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(SettlementLengthMismatch.selector, 1, 2));
        settlement.commitBatches(headers, inputs);
    }

    function test_RevertWhen_LaterBatchInvalid_NothingIsCommitted() public {
        BatchHeader[] memory headers = new BatchHeader[](2);
        bytes[] memory inputs = new bytes[](2);
        inputs[0] = pubdataFor(1);
        inputs[1] = pubdataFor(2);
        headers[0] = buildNextHeader(1);
        headers[1] = buildHeader(settlement, headers[0], inputs[1], fieldElement(2), bytes32(0), 0);
        inputs[1] = pubdataFor(3); // wrong data for batch 2: its binding is refused first
        (bytes32 y,) = WriteBinding.values(inputs[1], headers[1].rowCommitment);
        vm.prank(OPERATOR);
        vm.expectRevert(
            abi.encodeWithSelector(
                RollupCalldataWritesMismatch.selector,
                2,
                uint256(y),
                uint256(headers[1].writesEvaluation),
                52,
                headers[1].writesLength
            )
        );
        settlement.commitBatches(headers, inputs);
        assertEq(settlement.totalBatchesCommitted(), 0);
        assertEq(settlement.batchHash(1), bytes32(0));
    }

    // ------------------------------------------------------------------ header rules

    function test_RevertWhen_BatchNumberSkips() public {
        BatchHeader memory h = buildNextHeader(1);
        h.batchNumber = 2;
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 1, 2)
        );
    }

    function test_RevertWhen_BatchNumberRepeats() public {
        BatchHeader memory h1 = commitNext(1);
        BatchHeader memory again = h1;
        _commitExpectingRevert(
            again, pubdataFor(1), abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 2, 1)
        );
    }

    function test_RevertWhen_BatchNumberZero() public {
        BatchHeader memory h = buildNextHeader(1);
        h.batchNumber = 0;
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 1, 0)
        );
    }

    function test_RevertWhen_PrevStateRootMismatch() public {
        BatchHeader memory h = buildNextHeader(1);
        h.prevStateRoot = fieldElement(999);
        _commitExpectingRevert(
            h,
            pubdataFor(1),
            abi.encodeWithSelector(
                SettlementPrevStateRootMismatch.selector, 1, GENESIS_STATE_ROOT, fieldElement(999)
            )
        );
    }

    function test_RevertWhen_PrevStateRootIsAnOlderRoot() public {
        commitNext(1);
        BatchHeader memory h2 = buildNextHeader(2);
        h2.prevStateRoot = GENESIS_STATE_ROOT;
        _commitExpectingRevert(
            h2,
            pubdataFor(2),
            abi.encodeWithSelector(
                SettlementPrevStateRootMismatch.selector, 2, headerAt(1).newStateRoot, GENESIS_STATE_ROOT
            )
        );
    }

    function test_RevertWhen_TimestampBackwards() public {
        vm.warp(block.timestamp + 100);
        BatchHeader memory h1 = commitNext(1);
        BatchHeader memory h2 = buildNextHeader(2);
        h2.timestamp = h1.timestamp - 1;
        _commitExpectingRevert(
            h2,
            pubdataFor(2),
            abi.encodeWithSelector(
                SettlementTimestampInvalid.selector,
                2,
                h1.timestamp,
                h1.timestamp - 1,
                block.timestamp + settlement.MAX_TIMESTAMP_DRIFT()
            )
        );
    }

    function test_RevertWhen_TimestampBeforeGenesis() public {
        BatchHeader memory h = buildNextHeader(1);
        h.timestamp = GENESIS_TIME - 1;
        _commitExpectingRevert(
            h,
            pubdataFor(1),
            abi.encodeWithSelector(
                SettlementTimestampInvalid.selector,
                1,
                GENESIS_TIME,
                GENESIS_TIME - 1,
                block.timestamp + settlement.MAX_TIMESTAMP_DRIFT()
            )
        );
    }

    function test_RevertWhen_TimestampInFuture() public {
        BatchHeader memory h = buildNextHeader(1);
        uint256 maxAllowed = block.timestamp + settlement.MAX_TIMESTAMP_DRIFT();
        h.timestamp = uint64(maxAllowed + 1);
        _commitExpectingRevert(
            h,
            pubdataFor(1),
            abi.encodeWithSelector(
                SettlementTimestampInvalid.selector, 1, GENESIS_TIME, h.timestamp, maxAllowed
            )
        );
    }

    function test_RevertWhen_PriorityCountBeyondQueue() public {
        enqueueMany(2);
        BatchHeader memory h = buildNextHeader(1);
        h.priorityOpsCount = 3;
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementPriorityCountInvalid.selector, 1, 0, 3, 2)
        );
    }

    function test_RevertWhen_PriorityCountOnEmptyQueue() public {
        BatchHeader memory h = buildNextHeader(1);
        h.priorityOpsCount = 1;
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementPriorityCountInvalid.selector, 1, 0, 1, 0)
        );
    }

    function test_RevertWhen_PriorityCountBackwards() public {
        enqueueMany(3);
        commitNext(1, 2);
        BatchHeader memory h2 = buildNextHeader(2);
        h2.priorityOpsCount = 1;
        h2.priorityOpsHash = queue.rollingHashAt(1);
        _commitExpectingRevert(
            h2, pubdataFor(2), abi.encodeWithSelector(SettlementPriorityCountInvalid.selector, 2, 2, 1, 3)
        );
    }

    function test_RevertWhen_PriorityHashMismatch() public {
        enqueueMany(3);
        BatchHeader memory h = buildNextHeader(settlement, pubdataFor(1), fieldElement(1), bytes32(0), 2);
        h.priorityOpsHash = queue.rollingHashAt(3); // the hash of another position
        _commitExpectingRevert(
            h,
            pubdataFor(1),
            abi.encodeWithSelector(
                SettlementPriorityHashMismatch.selector, 1, queue.rollingHashAt(2), queue.rollingHashAt(3)
            )
        );
    }

    function test_RevertWhen_PriorityHashNonzeroWithoutOps() public {
        BatchHeader memory h = buildNextHeader(1);
        h.priorityOpsHash = keccak256("not the empty rolling hash");
        _commitExpectingRevert(
            h,
            pubdataFor(1),
            abi.encodeWithSelector(SettlementPriorityHashMismatch.selector, 1, bytes32(0), h.priorityOpsHash)
        );
    }

    function test_RevertWhen_ImportedRootsNonzero() public {
        BatchHeader memory h = buildNextHeader(1);
        h.importedRootsHash = bytes32(uint256(1));
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementImportedRootsUnsupported.selector, 1)
        );
    }

    function test_RevertWhen_PubdataCommitmentMismatch() public {
        // Two batches without writes (their bindings agree at any point) whose code differs.
        bytes memory pubdata = WriteBinding.encode("", hex"01aa");
        bytes memory other = WriteBinding.encode("", hex"01bb");
        BatchHeader memory h = buildNextHeader(settlement, pubdata, fieldElement(1), bytes32(0), 0);
        _commitExpectingRevert(
            h,
            other,
            abi.encodeWithSelector(
                SettlementPubdataCommitmentMismatch.selector, 1, keccak256(other), h.pubdataCommitment
            )
        );
    }

    function test_RevertWhen_WritesEvaluationMismatch() public {
        BatchHeader memory h = buildNextHeader(1);
        uint256 y = uint256(h.writesEvaluation);
        h.writesEvaluation = bytes32((y + 1) % R);
        _commitExpectingRevert(
            h,
            pubdataFor(1),
            abi.encodeWithSelector(RollupCalldataWritesMismatch.selector, 1, y, (y + 1) % R, 52, 52)
        );
    }

    function test_RevertWhen_WritesLengthMismatch() public {
        BatchHeader memory h = buildNextHeader(1);
        uint256 y = uint256(h.writesEvaluation);
        h.writesLength = 0;
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(RollupCalldataWritesMismatch.selector, 1, y, y, 52, 0)
        );
    }

    function test_RevertWhen_PubdataOfAnotherBatch() public {
        // Other pubdata under this header: the calldata policy refuses the binding before Settlement
        // compares the commitments.
        BatchHeader memory h = buildNextHeader(1);
        bytes memory other = pubdataFor(2);
        (bytes32 y,) = WriteBinding.values(other, h.rowCommitment);
        _commitExpectingRevert(
            h,
            other,
            abi.encodeWithSelector(
                RollupCalldataWritesMismatch.selector, 1, uint256(y), uint256(h.writesEvaluation), 52, 52
            )
        );
    }

    function test_RevertWhen_FieldOutOfRange_PrevStateRoot() public {
        BatchHeader memory h = buildNextHeader(1);
        h.prevStateRoot = bytes32(R);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_NewStateRoot() public {
        BatchHeader memory h = buildNextHeader(1);
        h.newStateRoot = bytes32(R);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_MessageRoot() public {
        BatchHeader memory h = buildNextHeader(1);
        h.messageRoot = bytes32(type(uint256).max);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_ChildRootsAggregated() public {
        BatchHeader memory h = buildNextHeader(1);
        h.childRootsAggregated = bytes32(R + 1);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_ImportedRootsHash() public {
        BatchHeader memory h = buildNextHeader(1);
        h.importedRootsHash = bytes32(R);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_RowCommitment() public {
        // Refused by Settlement before the DA policy (which would refuse it as PubdataEvaluationNotInField).
        BatchHeader memory h = buildNextHeader(1);
        h.rowCommitment = bytes32(R);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_RowCommitmentIsAnotherEncoding() public {
        // R + P is P modulo r: the same commitment in another encoding is refused.
        BatchHeader memory h = buildNextHeader(1);
        h.rowCommitment = bytes32(uint256(h.rowCommitment) + R);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    function test_RevertWhen_FieldOutOfRange_WritesEvaluation() public {
        BatchHeader memory h = buildNextHeader(1);
        h.writesEvaluation = bytes32(uint256(h.writesEvaluation) + R);
        _commitExpectingRevert(
            h, pubdataFor(1), abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1)
        );
    }

    // ------------------------------------------------------------------ fuzz

    /// @dev Random header fields around a valid header: the commit succeeds exactly when every rule holds,
    /// and otherwise fails with the first rule's error, in the contract's documented order.
    function testFuzz_HeaderFieldsAcceptedOrRejected(
        uint8 queued,
        uint64 numberDelta,
        uint64 timestamp,
        uint64 count,
        uint256 prevRoot,
        uint256 newRoot,
        uint256 messageRoot,
        uint256 childRoot,
        uint256 importedRoot,
        bool correctHash,
        bool correctPubdata,
        uint16 mutate
    ) public {
        uint64 length = enqueueMany(bound(queued, 0, 4));
        BatchHeader memory h = buildNextHeader(settlement, pubdataFor(1), fieldElement(1), fieldElement(2), 0);
        // Each field is either the valid one or a random one (chosen by a bit of `mutate`), biased so both
        // outcomes are frequent.
        if (mutate & 1 != 0) h.batchNumber = uint64(bound(numberDelta, 0, 3));
        if (mutate & 2 != 0) {
            h.timestamp = uint64(bound(timestamp, GENESIS_TIME - 10, GENESIS_TIME + 10 minutes));
        }
        if (mutate & 4 != 0) h.priorityOpsCount = uint64(bound(count, 0, uint256(length) + 1));
        if (mutate & 8 != 0) {
            h.prevStateRoot = prevRoot % 2 == 0 ? bytes32(prevRoot) : GENESIS_STATE_ROOT;
        }
        if (mutate & 16 != 0) h.newStateRoot = bytes32(newRoot);
        if (mutate & 32 != 0) h.messageRoot = bytes32(messageRoot);
        if (mutate & 64 != 0) h.childRootsAggregated = bytes32(childRoot);
        if (mutate & 128 != 0) h.importedRootsHash = bytes32(importedRoot % 4 == 0 ? 0 : importedRoot);
        // The write binding: another row commitment (in the field or not), evaluation or length.
        if (mutate & 256 != 0) h.rowCommitment = bytes32(newRoot % 2 == 0 ? newRoot % R : newRoot);
        if (mutate & 512 != 0) {
            h.writesEvaluation = bytes32(messageRoot % 2 == 0 ? messageRoot % R : messageRoot);
        }
        if (mutate & 1024 != 0) h.writesLength = uint32(childRoot);
        bytes32 queueHash = h.priorityOpsCount <= length
            ? queue.rollingHashAt(h.priorityOpsCount)
            : keccak256("beyond the queue");
        h.priorityOpsHash = correctHash ? queueHash : keccak256(abi.encode(queueHash));
        bytes memory input = correctPubdata ? pubdataFor(1) : pubdataFor(2);

        uint256 maxTs = block.timestamp + settlement.MAX_TIMESTAMP_DRIFT();
        bytes memory err;
        if (h.batchNumber != 1) {
            err = abi.encodeWithSelector(SettlementBatchNumberMismatch.selector, 1, h.batchNumber);
        } else if (
            uint256(h.prevStateRoot) >= R || uint256(h.newStateRoot) >= R || uint256(h.messageRoot) >= R
                || uint256(h.childRootsAggregated) >= R || uint256(h.importedRootsHash) >= R
                || uint256(h.rowCommitment) >= R || uint256(h.writesEvaluation) >= R
        ) {
            err = abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 1);
        } else if (h.prevStateRoot != GENESIS_STATE_ROOT) {
            err = abi.encodeWithSelector(
                SettlementPrevStateRootMismatch.selector, 1, GENESIS_STATE_ROOT, h.prevStateRoot
            );
        } else if (h.timestamp < GENESIS_TIME || h.timestamp > maxTs) {
            err = abi.encodeWithSelector(
                SettlementTimestampInvalid.selector, 1, GENESIS_TIME, h.timestamp, maxTs
            );
        } else if (h.priorityOpsCount > length) {
            err = abi.encodeWithSelector(
                SettlementPriorityCountInvalid.selector, 1, 0, h.priorityOpsCount, length
            );
        } else if (!correctHash) {
            err = abi.encodeWithSelector(
                SettlementPriorityHashMismatch.selector, 1, queueHash, h.priorityOpsHash
            );
        } else if (h.importedRootsHash != bytes32(0)) {
            err = abi.encodeWithSelector(SettlementImportedRootsUnsupported.selector, 1);
        } else if (_bindingMismatch(h, input)) {
            (bytes32 y, uint32 runLength) = WriteBinding.values(input, h.rowCommitment);
            err = abi.encodeWithSelector(
                RollupCalldataWritesMismatch.selector,
                1,
                uint256(y),
                uint256(h.writesEvaluation),
                runLength,
                h.writesLength
            );
        } else if (!correctPubdata) {
            err = abi.encodeWithSelector(
                SettlementPubdataCommitmentMismatch.selector, 1, keccak256(input), h.pubdataCommitment
            );
        }

        if (err.length != 0) {
            _commitExpectingRevert(h, input, err);
            assertEq(settlement.totalBatchesCommitted(), 0);
        } else {
            commitBatch(h, input);
            assertEq(settlement.totalBatchesCommitted(), 1);
            assertEq(settlement.batchHash(1), expectedBatchHash(h));
        }
    }

    /// @dev Any valid chain of batches with random roots, data, time steps and consumption commits.
    function testFuzz_CommitValidChain(uint256 seed, uint8 batches, uint8 queued) public {
        uint64 length = enqueueMany(bound(queued, 0, 6));
        uint256 n = bound(batches, 1, 6);
        uint64 count = 0;
        for (uint256 i = 1; i <= n; ++i) {
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            vm.warp(block.timestamp + (s % 100));
            count = uint64(bound(s >> 8, count, length));
            bytes memory data = WriteBinding.encode(abi.encodePacked(s, s >> 1), abi.encodePacked(s >> 3));
            commitNext(settlement, data, fieldElement(s), fieldElement(s >> 2), count);
        }
        assertEq(settlement.totalBatchesCommitted(), n);
        assertEq(settlement.batchHash(uint64(n)), expectedBatchHash(lastCommittedHeader()));
    }
}
