// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {BatchHeader, BatchLib} from "../../../src/settlement/BatchLib.sol";
import {Test} from "../../utils/Test.sol";

/// @notice `BatchLib.fieldsInRange`: the seven field elements a circuit opens (five roots, the row
/// commitment and the writes' evaluation) must be below the BN254 scalar modulus; the two 256-bit hashes
/// (split in the public input) and the integers may be anything.
contract BatchLibFieldsInRangeTest is Test {
    uint256 private constant R = FractalConstants.FIELD_MODULUS;

    function test_Modulus() public pure {
        assertEq(R, 21888242871839275222246405745257275088548364400416034343698204186575808495617);
    }

    function test_ZeroHeaderInRange() public pure {
        BatchHeader memory h;
        assertTrue(BatchLib.fieldsInRange(h));
    }

    function test_EachRootAtBoundary() public pure {
        for (uint256 field = 0; field < 7; ++field) {
            BatchHeader memory ok;
            BatchHeader memory bad;
            _set(ok, field, R - 1);
            _set(bad, field, R);
            assertTrue(BatchLib.fieldsInRange(ok));
            assertFalse(BatchLib.fieldsInRange(bad));
        }
    }

    function test_HashesUnconstrained() public pure {
        BatchHeader memory h;
        h.pubdataCommitment = bytes32(type(uint256).max);
        h.priorityOpsHash = bytes32(type(uint256).max);
        h.writesLength = type(uint32).max;
        assertTrue(BatchLib.fieldsInRange(h));
    }

    function test_RejectsRowCommitmentAtOrAboveModulus() public pure {
        BatchHeader memory h;
        h.rowCommitment = bytes32(R);
        assertFalse(BatchLib.fieldsInRange(h));
        h.rowCommitment = bytes32(type(uint256).max);
        assertFalse(BatchLib.fieldsInRange(h));
        h.rowCommitment = bytes32(R - 1);
        assertTrue(BatchLib.fieldsInRange(h));
    }

    function test_RejectsWritesEvaluationAtOrAboveModulus() public pure {
        BatchHeader memory h;
        h.writesEvaluation = bytes32(R);
        assertFalse(BatchLib.fieldsInRange(h));
        h.writesEvaluation = bytes32(R + 12_345);
        assertFalse(BatchLib.fieldsInRange(h));
        h.writesEvaluation = bytes32(R - 1);
        assertTrue(BatchLib.fieldsInRange(h));
    }

    function testFuzz_InRangeIffEveryRootBelowModulus(BatchHeader memory h, uint8 reduce) public pure {
        // Reduce a random subset of the roots so both outcomes are common.
        if (reduce & 1 != 0) h.prevStateRoot = bytes32(uint256(h.prevStateRoot) % R);
        if (reduce & 2 != 0) h.newStateRoot = bytes32(uint256(h.newStateRoot) % R);
        if (reduce & 4 != 0) h.messageRoot = bytes32(uint256(h.messageRoot) % R);
        if (reduce & 8 != 0) h.childRootsAggregated = bytes32(uint256(h.childRootsAggregated) % R);
        if (reduce & 16 != 0) h.importedRootsHash = bytes32(uint256(h.importedRootsHash) % R);
        if (reduce & 32 != 0) h.rowCommitment = bytes32(uint256(h.rowCommitment) % R);
        if (reduce & 64 != 0) h.writesEvaluation = bytes32(uint256(h.writesEvaluation) % R);
        bool expected = uint256(h.prevStateRoot) < R && uint256(h.newStateRoot) < R
            && uint256(h.messageRoot) < R && uint256(h.childRootsAggregated) < R
            && uint256(h.importedRootsHash) < R && uint256(h.rowCommitment) < R
            && uint256(h.writesEvaluation) < R;
        assertEq(BatchLib.fieldsInRange(h), expected);
    }

    function _set(BatchHeader memory h, uint256 field, uint256 value) private pure {
        if (field == 0) h.prevStateRoot = bytes32(value);
        if (field == 1) h.newStateRoot = bytes32(value);
        if (field == 2) h.messageRoot = bytes32(value);
        if (field == 3) h.childRootsAggregated = bytes32(value);
        if (field == 4) h.importedRootsHash = bytes32(value);
        if (field == 5) h.rowCommitment = bytes32(value);
        if (field == 6) h.writesEvaluation = bytes32(value);
    }
}
