// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {RollupCalldataDA} from "../../../src/da/RollupCalldataDA.sol";
import {
    PubdataEvaluationNotInField,
    PubdataEvaluationTruncated,
    PubdataEvaluationVersionUnsupported,
    RollupCalldataWritesMismatch
} from "../../../src/da/DAErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {PubdataEvaluationHarness} from "../PubdataEvaluation/PubdataEvaluationHarness.sol";
import {WriteBinding} from "../../utils/WriteBinding.sol";

/// @notice `RollupCalldataDA.checkAvailability`: the commitment is keccak256 of the pubdata, and the
/// header's write binding (`writesEvaluation`, `writesLength`) must be the pubdata's run of write rows
/// evaluated at `challenge(keccak256(pubdata), rowCommitment)` and its length.
contract RollupCalldataDACheckAvailabilityTest is DATestBase {
    uint256 internal constant R = FractalConstants.FIELD_MODULUS;

    RollupCalldataDA internal policy;
    PubdataEvaluationHarness internal harness;

    /// @dev 40 bytes of rows (two chunks) and two bytes of code.
    bytes internal constant ROWS = "forty bytes of rows, two chunks of them.";

    function setUp() public {
        policy = new RollupCalldataDA();
        harness = new PubdataEvaluationHarness();
    }

    // ---------------------------------------------------------------- success

    function test_ReturnsKeccakOfPubdata() public view {
        bytes memory pubdata = WriteBinding.encode(ROWS, hex"01fe");
        assertEq(policy.checkAvailability(CHAIN_ID, _boundHeader(pubdata), pubdata), keccak256(pubdata));
    }

    function test_AcceptsTheMatchingBinding() public view {
        bytes memory pubdata = WriteBinding.encode(ROWS, hex"01fe");
        BatchHeader memory h = _header();
        h.rowCommitment = bytes32(uint256(12_345));
        // The values the library computes (the header's, from the test's own evaluation, must be them).
        (, uint256 y, uint256 length) = harness.evaluateWrites(pubdata, 12_345);
        assertEq(length, ROWS.length);
        WriteBinding.bind(h, pubdata, h.rowCommitment);
        assertEq(uint256(h.writesEvaluation), y, "the test's evaluation is the library's");
        assertEq(h.writesLength, length);
        assertEq(policy.checkAvailability(CHAIN_ID, h, pubdata), keccak256(pubdata));
    }

    function test_EmptyBatch() public view {
        // The 21-byte header alone: a run of length 0 evaluates to 0 at any point.
        bytes memory pubdata = WriteBinding.empty();
        assertEq(pubdata.length, 21);
        BatchHeader memory h = _header();
        h.rowCommitment = bytes32(R - 1);
        assertEq(policy.checkAvailability(CHAIN_ID, h, pubdata), keccak256(pubdata));
    }

    function test_LargePubdata() public view {
        bytes memory rows = new bytes(100_000);
        rows[99_999] = 0x01;
        rows[0] = 0x80;
        bytes memory pubdata = WriteBinding.encode(rows, hex"01fe");
        BatchHeader memory h = _header();
        h.rowCommitment = WriteBinding.rowCommitmentFor(pubdata);
        (, uint256 y, uint256 length) = harness.evaluateWrites(pubdata, uint256(h.rowCommitment));
        (h.writesEvaluation, h.writesLength) = (bytes32(y), uint32(length));
        assertEq(policy.checkAvailability(CHAIN_ID, h, pubdata), keccak256(pubdata));
    }

    /// @dev Whatever the rows, code and row commitment, the policy accepts exactly the (y, length) that
    /// `PubdataEvaluation.evaluateWrites` returns, and the commitment is keccak256 of the pubdata.
    function testFuzz_AcceptsExactlyTheLibrarysEvaluation(
        uint256 chainId,
        uint64 batchNumber,
        bytes calldata rows,
        bytes calldata code,
        uint256 rowCommitment,
        uint256 otherY,
        uint32 otherLength
    ) public view {
        bytes memory pubdata = WriteBinding.encode(rows, code);
        rowCommitment = bound(rowCommitment, 0, R - 1);
        (, uint256 y, uint256 length) = harness.evaluateWrites(pubdata, rowCommitment);
        BatchHeader memory h = _header(batchNumber);
        h.rowCommitment = bytes32(rowCommitment);
        (h.writesEvaluation, h.writesLength) = (bytes32(y), uint32(length));
        assertEq(policy.checkAvailability(chainId, h, pubdata), keccak256(pubdata));

        // Any other evaluation or length is refused.
        if (otherY != y) {
            BatchHeader memory wrongY = _header(batchNumber);
            (wrongY.rowCommitment, wrongY.writesEvaluation, wrongY.writesLength) =
            (h.rowCommitment, bytes32(otherY), h.writesLength);
            try policy.checkAvailability(chainId, wrongY, pubdata) {
                revert("a wrong evaluation was accepted");
            } catch {}
        }
        if (otherLength != length) {
            BatchHeader memory wrongLength = _header(batchNumber);
            (wrongLength.rowCommitment, wrongLength.writesEvaluation, wrongLength.writesLength) =
            (h.rowCommitment, h.writesEvaluation, otherLength);
            try policy.checkAvailability(chainId, wrongLength, pubdata) {
                revert("a wrong length was accepted");
            } catch {}
        }
    }

    // ---------------------------------------------------------------- the binding refused

    function test_RevertWhen_EvaluationWrong() public {
        bytes memory pubdata = WriteBinding.encode(ROWS, hex"01fe");
        BatchHeader memory h = _boundHeader(pubdata);
        uint256 y = uint256(h.writesEvaluation);
        h.writesEvaluation = bytes32(addmod(y, 1, R));
        vm.expectRevert(
            abi.encodeWithSelector(
                RollupCalldataWritesMismatch.selector, BATCH_NUMBER, y, addmod(y, 1, R), 40, 40
            )
        );
        policy.checkAvailability(CHAIN_ID, h, pubdata);
    }

    function test_RevertWhen_EvaluationForAnotherRowCommitment() public {
        // y computed at another point: the row commitment fixes z.
        bytes memory pubdata = WriteBinding.encode(ROWS, "");
        BatchHeader memory h = _boundHeader(pubdata);
        bytes32 y = h.writesEvaluation;
        h.rowCommitment = bytes32(uint256(h.rowCommitment) ^ 1);
        (bytes32 expected,) = WriteBinding.values(pubdata, h.rowCommitment);
        vm.expectRevert(
            abi.encodeWithSelector(
                RollupCalldataWritesMismatch.selector, BATCH_NUMBER, uint256(expected), uint256(y), 40, 40
            )
        );
        policy.checkAvailability(CHAIN_ID, h, pubdata);
    }

    function test_RevertWhen_LengthWrong() public {
        bytes memory pubdata = WriteBinding.encode(ROWS, hex"01fe");
        BatchHeader memory h = _boundHeader(pubdata);
        uint256 y = uint256(h.writesEvaluation);
        h.writesLength = 41;
        vm.expectRevert(
            abi.encodeWithSelector(RollupCalldataWritesMismatch.selector, BATCH_NUMBER, y, y, 40, 41)
        );
        policy.checkAvailability(CHAIN_ID, h, pubdata);
    }

    function test_RevertWhen_LengthCountsTrailingZeros() public {
        // Trailing zero bytes add nothing to y: only the length tells the two runs apart.
        bytes memory pubdata = WriteBinding.encode(bytes.concat(ROWS, hex"0000"), "");
        BatchHeader memory h = _boundHeader(pubdata);
        (bytes32 shortY,) = WriteBinding.values(pubdata, h.rowCommitment);
        assertEq(shortY, h.writesEvaluation);
        h.writesLength = 40;
        uint256 y = uint256(h.writesEvaluation);
        vm.expectRevert(
            abi.encodeWithSelector(RollupCalldataWritesMismatch.selector, BATCH_NUMBER, y, y, 42, 40)
        );
        policy.checkAvailability(CHAIN_ID, h, pubdata);
    }

    function test_RevertWhen_BindingOfOtherPubdata() public {
        // The header of one batch with the pubdata of another: z and the run both differ.
        bytes memory pubdata = WriteBinding.encode(ROWS, "");
        bytes memory other = WriteBinding.encode("other rows", "");
        BatchHeader memory h = _boundHeader(pubdata);
        (bytes32 expected, uint32 length) = WriteBinding.values(other, h.rowCommitment);
        vm.expectRevert(
            abi.encodeWithSelector(
                RollupCalldataWritesMismatch.selector,
                BATCH_NUMBER,
                uint256(expected),
                uint256(h.writesEvaluation),
                length,
                40
            )
        );
        policy.checkAvailability(CHAIN_ID, h, other);
    }

    // ---------------------------------------------------------------- pubdata refused

    function test_RevertWhen_PubdataEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationTruncated.selector, 0, 21));
        policy.checkAvailability(CHAIN_ID, _header(), "");
    }

    function testFuzz_RevertWhen_VersionIsNotTwo(uint8 version, bytes calldata rest) public {
        vm.assume(version != 2);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationVersionUnsupported.selector, version));
        policy.checkAvailability(CHAIN_ID, _header(), bytes.concat(bytes1(version), rest));
    }

    function test_RevertWhen_VersionOne() public {
        // Version-1 pubdata (the layout without a run of write rows) is refused.
        bytes memory pubdata = bytes.concat(hex"01", new bytes(40));
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationVersionUnsupported.selector, 1));
        policy.checkAvailability(CHAIN_ID, _header(), pubdata);
    }

    function test_RevertWhen_ShorterThanTheHeader() public {
        bytes memory pubdata = new bytes(20);
        pubdata[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationTruncated.selector, 20, 21));
        policy.checkAvailability(CHAIN_ID, _header(), pubdata);
    }

    function test_RevertWhen_RunTruncated() public {
        // The header announces 40 bytes of rows; 39 follow.
        bytes memory pubdata = WriteBinding.encode(ROWS, "");
        bytes memory cut = new bytes(pubdata.length - 1);
        for (uint256 i = 0; i < cut.length; ++i) {
            cut[i] = pubdata[i];
        }
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationTruncated.selector, 60, 61));
        policy.checkAvailability(CHAIN_ID, _header(), cut);
    }

    function test_RevertWhen_RowCommitmentNotInField() public {
        BatchHeader memory h = _header();
        h.rowCommitment = bytes32(R);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, R));
        policy.checkAvailability(CHAIN_ID, h, WriteBinding.empty());
    }
}
