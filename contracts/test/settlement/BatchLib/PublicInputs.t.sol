// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {PubdataEvaluationNotInField} from "../../../src/da/DAErrors.sol";
import {PubdataEvaluation} from "../../../src/da/PubdataEvaluation.sol";
import {BatchHeader, BatchLib} from "../../../src/settlement/BatchLib.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @dev Calls the library from outside, so that a revert can be expected.
contract BatchLibPublicInputsCaller {
    function publicInputs(uint256 chainId, BatchHeader memory header)
        external
        pure
        returns (uint256[] memory)
    {
        return BatchLib.publicInputs(chainId, header);
    }
}

/// @notice `BatchLib.publicInputs`: the documented 17-element layout (version 2), every element a BN254
/// field element, and nothing of a 256-bit hash lost.
contract BatchLibPublicInputsTest is Fixture {
    uint256 private constant R = FractalConstants.FIELD_MODULUS;

    function _sample() private pure returns (BatchHeader memory h) {
        h.batchNumber = 7;
        h.timestamp = 1_750_000_123;
        h.priorityOpsCount = 5;
        h.prevStateRoot = bytes32(uint256(0x1001));
        h.newStateRoot = bytes32(uint256(0x1002));
        h.pubdataCommitment = 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb;
        h.messageRoot = bytes32(uint256(0x1003));
        h.priorityOpsHash = 0xccccccccccccccccccccccccccccccccdddddddddddddddddddddddddddddddd;
        h.childRootsAggregated = bytes32(uint256(0x1004));
        h.importedRootsHash = bytes32(uint256(0x1005));
        h.rowCommitment = bytes32(uint256(0x1006));
        h.writesEvaluation = bytes32(uint256(0x1007));
        h.writesLength = 0x1008;
    }

    /// @dev The documented point, written out: keccak256(abi.encode(pubdataCommitment, rowCommitment)) mod r.
    function _z(BatchHeader memory h) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(h.pubdataCommitment, uint256(h.rowCommitment)))) % R;
    }

    function _reduce(BatchHeader memory h) private pure {
        h.prevStateRoot = bytes32(uint256(h.prevStateRoot) % R);
        h.newStateRoot = bytes32(uint256(h.newStateRoot) % R);
        h.messageRoot = bytes32(uint256(h.messageRoot) % R);
        h.childRootsAggregated = bytes32(uint256(h.childRootsAggregated) % R);
        h.importedRootsHash = bytes32(uint256(h.importedRootsHash) % R);
        h.rowCommitment = bytes32(uint256(h.rowCommitment) % R);
        h.writesEvaluation = bytes32(uint256(h.writesEvaluation) % R);
    }

    function test_Layout() public pure {
        BatchHeader memory h = _sample();
        uint256[] memory pi = BatchLib.publicInputs(4242, h);
        assertEq(pi.length, 17);
        assertEq(pi[0], 2, "version");
        assertEq(pi[1], 4242, "chain id");
        assertEq(pi[2], 7, "batch number");
        assertEq(pi[3], 0x1001, "prev state root");
        assertEq(pi[4], 0x1002, "new state root");
        assertEq(pi[5], 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, "pubdata commitment, high half");
        assertEq(pi[6], 0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, "pubdata commitment, low half");
        assertEq(pi[7], 0x1003, "message root");
        assertEq(pi[8], 0xcccccccccccccccccccccccccccccccc, "priority hash, high half");
        assertEq(pi[9], 0xdddddddddddddddddddddddddddddddd, "priority hash, low half");
        assertEq(pi[10], (uint256(5) << 64) | 1_750_000_123, "priority count << 64 | timestamp");
        assertEq(pi[11], 0x1004, "child roots");
        assertEq(pi[12], 0x1005, "imported roots");
        assertEq(pi[13], _z(h), "z");
        assertEq(pi[13], PubdataEvaluation.challenge(h.pubdataCommitment, 0x1006), "z is the challenge");
        assertEq(pi[14], 0x1007, "writes evaluation (y)");
        assertEq(pi[15], 0x1006, "row commitment (P)");
        assertEq(pi[16], 0x1008, "writes length");
    }

    function test_Constants() public pure {
        assertEq(BatchLib.PUBLIC_INPUT_VERSION, 2);
        assertEq(BatchLib.PUBLIC_INPUT_COUNT, 17);
    }

    function test_ZeroHeader() public pure {
        BatchHeader memory h;
        uint256[] memory pi = BatchLib.publicInputs(1, h);
        assertEq(pi[13], uint256(keccak256(new bytes(64))) % R, "z of zero commitments");
        assertEq(pi[14], 0);
        assertEq(pi[15], 0);
        assertEq(pi[16], 0);
    }

    function test_ZIsTheCalldataPolicysPoint() public pure {
        // For the calldata policy the pubdata commitment is keccak256(pubdata), so z is the point at which
        // RollupCalldataDA evaluates the run.
        BatchHeader memory h = _sample();
        bytes memory pubdata = pubdataFor(3);
        h.pubdataCommitment = keccak256(pubdata);
        assertEq(BatchLib.publicInputs(1, h)[13], PubdataEvaluation.challenge(keccak256(pubdata), 0x1006));
    }

    function test_SettlementUsesItsChainId() public view {
        BatchHeader memory h = _sample();
        uint256[] memory viaSettlement = settlement.publicInputs(h);
        uint256[] memory direct = BatchLib.publicInputs(CHAIN_ID, h);
        assertEq(keccak256(abi.encode(viaSettlement)), keccak256(abi.encode(direct)));
    }

    function test_RevertWhen_RowCommitmentNotInField() public {
        BatchLibPublicInputsCaller caller = new BatchLibPublicInputsCaller();
        BatchHeader memory h = _sample();
        h.rowCommitment = bytes32(R);
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationNotInField.selector, R));
        caller.publicInputs(1, h);
    }

    /// @dev With in-range fields and a valid chain id, every public input is a field element (a Groth16
    /// verifier rejects anything else), and the halves put the 256-bit hashes back together exactly.
    function testFuzz_AllInputsAreFieldElements(uint256 chainId, BatchHeader memory h) public pure {
        chainId = bound(chainId, 1, 9_223_372_036_854_775_771);
        _reduce(h);
        assertTrue(BatchLib.fieldsInRange(h));

        uint256[] memory pi = BatchLib.publicInputs(chainId, h);
        assertEq(pi.length, BatchLib.PUBLIC_INPUT_COUNT);
        for (uint256 i = 0; i < pi.length; ++i) {
            assertTrue(pi[i] < R, "public input out of the field");
        }
        assertEq(bytes32((pi[5] << 128) | pi[6]), h.pubdataCommitment);
        assertEq(bytes32((pi[8] << 128) | pi[9]), h.priorityOpsHash);
        assertEq(pi[10] >> 64, h.priorityOpsCount);
        assertEq(uint64(pi[10]), h.timestamp);
        assertEq(pi[2], h.batchNumber);
        assertEq(pi[13], _z(h), "z");
        assertEq(pi[14], uint256(h.writesEvaluation), "y");
        assertEq(pi[15], uint256(h.rowCommitment), "P");
        assertEq(pi[16], h.writesLength, "writes length");
    }

    /// @dev Different headers give different public inputs (the encoding is injective).
    function testFuzz_Injective(BatchHeader memory a, BatchHeader memory b) public pure {
        // Only headers with a row commitment in the field have public inputs.
        a.rowCommitment = bytes32(uint256(a.rowCommitment) % R);
        b.rowCommitment = bytes32(uint256(b.rowCommitment) % R);
        vm.assume(keccak256(abi.encode(a)) != keccak256(abi.encode(b)));
        assertTrue(
            keccak256(abi.encode(BatchLib.publicInputs(1, a)))
                != keccak256(abi.encode(BatchLib.publicInputs(1, b)))
        );
    }

    /// @dev Each field of the write binding moves its own element and nothing else but z.
    function testFuzz_WriteBindingElements(BatchHeader memory h, uint256 value, uint8 which) public pure {
        _reduce(h);
        BatchHeader memory t = copyHeader(h);
        value = value % R;
        uint256 field = which % 3;
        if (field == 0) t.rowCommitment = bytes32(value);
        else if (field == 1) t.writesEvaluation = bytes32(value);
        else t.writesLength = uint32(value);
        uint256[] memory a = BatchLib.publicInputs(1, h);
        uint256[] memory b = BatchLib.publicInputs(1, t);
        for (uint256 i = 0; i < 13; ++i) {
            assertEq(a[i], b[i], "elements 0-12 do not depend on the binding");
        }
        assertEq(b[13], _z(t), "z");
        assertEq(b[14], uint256(t.writesEvaluation), "y");
        assertEq(b[15], uint256(t.rowCommitment), "P");
        assertEq(b[16], t.writesLength, "length");
    }
}
