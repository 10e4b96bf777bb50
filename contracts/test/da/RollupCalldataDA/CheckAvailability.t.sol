// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {RollupCalldataDA} from "../../../src/da/RollupCalldataDA.sol";

contract RollupCalldataDACheckAvailabilityTest is DATestBase {
    RollupCalldataDA internal policy;

    function setUp() public {
        policy = new RollupCalldataDA();
    }

    function test_ReturnsKeccakOfPubdata() public view {
        bytes memory pubdata = hex"0102030405060708090a0b0c0d0e0f";
        assertEq(policy.checkAvailability(CHAIN_ID, BATCH_NUMBER, pubdata), keccak256(pubdata));
    }

    function test_EmptyPubdataCommitsToKeccakOfEmpty() public view {
        assertEq(policy.checkAvailability(CHAIN_ID, BATCH_NUMBER, ""), keccak256(""));
        assertEq(
            policy.checkAvailability(CHAIN_ID, BATCH_NUMBER, ""),
            0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
        );
    }

    function test_LargePubdata() public view {
        bytes memory pubdata = new bytes(100_000);
        pubdata[99_999] = 0x01;
        assertEq(policy.checkAvailability(CHAIN_ID, BATCH_NUMBER, pubdata), keccak256(pubdata));
    }

    function testFuzz_CommitmentIsKeccakOfPubdata(uint256 chainId, uint64 batchNumber, bytes calldata pubdata)
        public
        view
    {
        assertEq(policy.checkAvailability(chainId, batchNumber, pubdata), keccak256(pubdata));
    }
}
