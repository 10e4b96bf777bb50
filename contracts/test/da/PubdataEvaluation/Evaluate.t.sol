// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "../../utils/Test.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {PubdataEvaluationNotInField} from "../../../src/da/DAErrors.sol";
import {PubdataEvaluationHarness} from "./PubdataEvaluationHarness.sol";

contract PubdataEvaluationEvaluateTest is Test {
    uint256 internal constant R = FractalConstants.FIELD_MODULUS;
    PubdataEvaluationHarness internal harness;

    function setUp() public {
        harness = new PubdataEvaluationHarness();
    }

    /// @dev The same sum one byte at a time: byte p weighs 256^(30 − p mod 31) · z^⌊p/31⌋ — how the
    /// circuit places bytes that start anywhere (docs/proofs.md).
    function _byBytes(bytes memory data, uint256 z) internal pure returns (uint256 y) {
        uint256 zPower = 1;
        for (uint256 p = 0; p < data.length; ++p) {
            if (p > 0 && p % 31 == 0) zPower = mulmod(zPower, z, R);
            uint256 weight = mulmod(256 ** (30 - (p % 31)), zPower, R);
            y = addmod(y, mulmod(uint8(data[p]), weight, R), R);
        }
    }

    function _counting(uint256 length) internal pure returns (bytes memory data) {
        data = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            data[i] = bytes1(uint8(i + 1));
        }
    }

    // ---------------------------------------------------------------- success

    function test_Evaluate_EmptyIsZero() public view {
        assertEq(harness.evaluate("", 12345), 0);
    }

    function test_Evaluate_OneByteIsTheTopByteOfChunkZero() public view {
        assertEq(harness.evaluate(hex"07", 1000), 7 << 240);
    }

    function test_Evaluate_ZeroKeepsChunkZeroAndOneSumsTheChunks() public view {
        bytes memory data = _counting(40);
        uint256 c0 = 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;
        uint256 c1 = uint256(0x202122232425262728) << (8 * 22);
        assertEq(harness.evaluate(data, 0), c0, "z = 0");
        assertEq(harness.evaluate(data, 1), c0 + c1, "z = 1");
        assertEq(harness.evaluate(data, 1000), addmod(c0, mulmod(c1, 1000, R), R), "c0 + c1 z");
    }

    function test_Evaluate_ChunkBoundaries() public view {
        uint256 z = R - 5;
        for (uint256 length = 29; length <= 64; ++length) {
            bytes memory data = _counting(length);
            assertEq(harness.evaluate(data, z), _byBytes(data, z));
        }
    }

    function testFuzz_Evaluate_EqualsTheByteSum(bytes calldata data, uint256 z) public view {
        vm.assume(data.length <= 400);
        z = z % R;
        assertEq(harness.evaluate(data, z), _byBytes(data, z));
    }

    function testFuzz_Evaluate_ReadsOnlyItsBytes(bytes calldata data, uint256 length, uint256 z) public view {
        vm.assume(data.length <= 400);
        length = bound(length, 0, data.length);
        z = z % R;
        bytes memory prefix = data[:length];
        assertEq(harness.evaluatePrefix(data, length, z), _byBytes(prefix, z));
    }

    function test_Evaluate_IgnoresTheCalldataAfterIt() public view {
        bytes memory data = new bytes(64);
        for (uint256 i = 0; i < 64; ++i) {
            data[i] = 0xff;
        }
        // 33 bytes: chunk 1 holds two 0xff, and the 29 bytes after them are 0xff calldata that must not count.
        uint256 c0 = (uint256(1) << 248) - 1;
        uint256 c1 = uint256(0xffff) << (8 * 29);
        assertEq(harness.evaluatePrefix(data, 33, 1), c0 + c1);
    }

    event log_named_uint(string key, uint256 val);

    /// @dev The figure docs/proofs.md quotes (`forge test --match-test CostsAboutTwoGas -vv` prints it): the
    /// gas of evaluating 31,000 bytes (1,000 chunks) with the default profile's compiler settings.
    function test_Evaluate_CostsAboutTwoGasPerByte() public {
        bytes memory data = new bytes(31_000);
        data[0] = 0x01;
        data[30_999] = 0x02;
        uint256 gas = harness.evaluationGas(data, 7);
        emit log_named_uint("gas for 31,000 bytes", gas);
        assertLe(gas, (data.length * 5) / 2, "at most 2.5 gas per byte");
        assertGt(gas, data.length / 31);
    }

    function testFuzz_Challenge_IsKeccakOfBothReducedModuloR(bytes32 pubdataHash, uint256 rowCommitment)
        public
        view
    {
        rowCommitment = rowCommitment % R;
        uint256 z = harness.challenge(pubdataHash, rowCommitment);
        assertEq(z, uint256(keccak256(abi.encode(pubdataHash, rowCommitment))) % R);
        assertTrue(z < R, "a field element");
    }

    // ---------------------------------------------------------------- failure

    function testFuzz_RevertWhen_RowCommitmentNotInField(bytes32 pubdataHash, uint256 rowCommitment) public {
        rowCommitment = bound(rowCommitment, R, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, rowCommitment));
        harness.challenge(pubdataHash, rowCommitment);
    }

    function test_RevertWhen_PointNotInField() public {
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, R));
        harness.evaluate(hex"01", R);
    }

    function testFuzz_RevertWhen_PointNotInField(uint256 z) public {
        z = bound(z, R, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, z));
        harness.evaluate(hex"0102", z);
    }
}
