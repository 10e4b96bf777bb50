// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader, BatchLib} from "../../../src/settlement/BatchLib.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `BatchLib.hash`: keccak256 of the thirteen header fields, ABI-encoded in declaration order.
contract BatchLibHashTest is Fixture {
    function test_HashOfZeroHeader() public pure {
        BatchHeader memory h;
        assertEq(BatchLib.hash(h), keccak256(new bytes(416)));
    }

    function test_WriteBindingIsTheLastThreeWords() public pure {
        BatchHeader memory h;
        h.rowCommitment = bytes32(uint256(0xaa));
        h.writesEvaluation = bytes32(uint256(0xbb));
        h.writesLength = 0xcc;
        assertEq(
            BatchLib.hash(h),
            keccak256(abi.encodePacked(new bytes(320), uint256(0xaa), uint256(0xbb), uint256(0xcc)))
        );
    }

    function test_HashMatchesStoredOnCommit() public {
        BatchHeader memory h = commitNext(1);
        assertEq(settlement.batchHash(1), BatchLib.hash(h));
        assertEq(settlement.batchHash(0), BatchLib.hash(headerAt(0)));
    }

    function testFuzz_HashMatchesDocumentedEncoding(BatchHeader memory h) public pure {
        assertEq(BatchLib.hash(h), expectedBatchHash(h));
    }

    function testFuzz_EveryFieldChangesTheHash(BatchHeader memory h, uint8 field, uint256 value) public pure {
        BatchHeader memory t = copyHeader(h);
        uint256 which = bound(field, 0, 12);
        if (which == 0) t.batchNumber = uint64(value);
        else if (which == 1) t.timestamp = uint64(value);
        else if (which == 2) t.priorityOpsCount = uint64(value);
        else if (which == 3) t.prevStateRoot = bytes32(value);
        else if (which == 4) t.newStateRoot = bytes32(value);
        else if (which == 5) t.pubdataCommitment = bytes32(value);
        else if (which == 6) t.messageRoot = bytes32(value);
        else if (which == 7) t.priorityOpsHash = bytes32(value);
        else if (which == 8) t.childRootsAggregated = bytes32(value);
        else if (which == 9) t.importedRootsHash = bytes32(value);
        else if (which == 10) t.rowCommitment = bytes32(value);
        else if (which == 11) t.writesEvaluation = bytes32(value);
        else t.writesLength = uint32(value);
        vm.assume(keccak256(abi.encode(t)) != keccak256(abi.encode(h)));
        assertTrue(BatchLib.hash(t) != BatchLib.hash(h));
    }
}
