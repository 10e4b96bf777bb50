// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "../../utils/Test.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {
    PubdataEvaluationNotInField,
    PubdataEvaluationTruncated,
    PubdataEvaluationVersionUnsupported
} from "../../../src/da/DAErrors.sol";
import {PubdataEvaluationHarness} from "./PubdataEvaluationHarness.sol";

/// @notice `writeRun` cuts the run of write rows out of version-2 pubdata by its header alone, and
/// `evaluateWrites` evaluates that run at the batch's point.
contract PubdataEvaluationWriteRunTest is Test {
    PubdataEvaluationHarness internal harness;

    function setUp() public {
        harness = new PubdataEvaluationHarness();
    }

    function _pubdata(uint8 version, uint32 writesLength, bytes memory rest)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(version, uint64(7), uint64(9), writesLength, rest);
    }

    // ---------------------------------------------------------------- success

    function test_WriteRun_IsTheRowsBetweenTheHeaderAndTheCode() public view {
        // Three bytes of rows, then a code entry (length 1, 0xfe) the run leaves out.
        bytes memory pubdata = _pubdata(2, 3, hex"00c001fe");
        assertEq(harness.writeRun(pubdata), hex"00c001");
    }

    function test_WriteRun_EmptyWhenTheBatchWritesNothing() public view {
        assertEq(harness.writeRun(_pubdata(2, 0, "")), "");
        assertEq(harness.writeRun(_pubdata(2, 0, hex"01fe")), "");
    }

    function testFuzz_WriteRun_TakesExactlyTheAnnouncedBytes(bytes calldata rows, bytes calldata code)
        public
        view
    {
        assertEq(harness.writeRun(_pubdata(2, uint32(rows.length), bytes.concat(rows, code))), rows);
    }

    function testFuzz_EvaluateWrites_IsTheRunAtTheChallenge(bytes calldata rows, uint256 rowCommitment)
        public
        view
    {
        rowCommitment = bound(rowCommitment, 0, FractalConstants.FIELD_MODULUS - 1);
        bytes memory pubdata = _pubdata(2, uint32(rows.length), bytes.concat(rows, hex"01fe"));
        (uint256 z, uint256 y, uint256 writesLength) = harness.evaluateWrites(pubdata, rowCommitment);
        assertEq(z, harness.challenge(keccak256(pubdata), rowCommitment), "z");
        assertEq(y, harness.evaluate(rows, z), "y");
        assertEq(writesLength, rows.length, "length");
    }

    // ---------------------------------------------------------------- bad input

    function testFuzz_RevertWhen_ShorterThanTheHeader(uint256 length) public {
        length = bound(length, 0, 20);
        bytes memory pubdata = new bytes(length);
        // Version 2, so that the length is what fails (a wrong version fails first, as in Rust).
        if (length > 0) pubdata[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationTruncated.selector, length, 21));
        harness.writeRun(pubdata);
    }

    function testFuzz_RevertWhen_VersionIsNotTwo(uint8 version, uint256 length) public {
        vm.assume(version != 2);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationVersionUnsupported.selector, version));
        harness.writeRun(_pubdata(version, 0, ""));
        // Also when the header is cut short.
        bytes memory short = new bytes(bound(length, 1, 20));
        short[0] = bytes1(version);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationVersionUnsupported.selector, version));
        harness.writeRun(short);
    }

    function testFuzz_RevertWhen_TheRunGoesPastTheEnd(bytes calldata rest, uint32 writesLength) public {
        vm.assume(writesLength > rest.length);
        vm.expectRevert(
            abi.encodeWithSelector(
                PubdataEvaluationTruncated.selector, 21 + rest.length, 21 + uint256(writesLength)
            )
        );
        harness.writeRun(_pubdata(2, writesLength, rest));
    }

    function test_RevertWhen_EvaluatingWithACommitmentNotInField() public {
        uint256 r = FractalConstants.FIELD_MODULUS;
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, r));
        harness.evaluateWrites(_pubdata(2, 0, ""), r);
    }

    function test_RevertWhen_EvaluatingTruncatedPubdata() public {
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationTruncated.selector, 21, 22));
        harness.evaluateWrites(_pubdata(2, 1, ""), 5);
    }
}
