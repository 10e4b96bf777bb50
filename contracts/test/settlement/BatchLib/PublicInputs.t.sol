// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {BatchHeader, BatchLib} from "../../../src/settlement/BatchLib.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `BatchLib.publicInputs`: the documented 13-element layout, every element a BN254 field
/// element, and nothing of a 256-bit hash lost.
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
    }

    function test_Layout() public pure {
        uint256[] memory pi = BatchLib.publicInputs(4242, _sample());
        assertEq(pi.length, 13);
        assertEq(pi[0], 1, "version");
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
    }

    function test_Constants() public pure {
        assertEq(BatchLib.PUBLIC_INPUT_VERSION, 1);
        assertEq(BatchLib.PUBLIC_INPUT_COUNT, 13);
    }

    function test_SettlementUsesItsChainId() public view {
        BatchHeader memory h = _sample();
        uint256[] memory viaSettlement = settlement.publicInputs(h);
        uint256[] memory direct = BatchLib.publicInputs(CHAIN_ID, h);
        assertEq(keccak256(abi.encode(viaSettlement)), keccak256(abi.encode(direct)));
    }

    /// @dev With in-range roots and a valid chain id, every public input is a field element (a Groth16
    /// verifier rejects anything else), and the halves put the 256-bit hashes back together exactly.
    function testFuzz_AllInputsAreFieldElements(uint256 chainId, BatchHeader memory h) public pure {
        chainId = bound(chainId, 1, 9_223_372_036_854_775_771);
        h.prevStateRoot = bytes32(uint256(h.prevStateRoot) % R);
        h.newStateRoot = bytes32(uint256(h.newStateRoot) % R);
        h.messageRoot = bytes32(uint256(h.messageRoot) % R);
        h.childRootsAggregated = bytes32(uint256(h.childRootsAggregated) % R);
        h.importedRootsHash = bytes32(uint256(h.importedRootsHash) % R);
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
    }

    /// @dev Different headers give different public inputs (the encoding is injective).
    function testFuzz_Injective(BatchHeader memory a, BatchHeader memory b) public pure {
        vm.assume(keccak256(abi.encode(a)) != keccak256(abi.encode(b)));
        assertTrue(
            keccak256(abi.encode(BatchLib.publicInputs(1, a)))
                != keccak256(abi.encode(BatchLib.publicInputs(1, b)))
        );
    }
}
