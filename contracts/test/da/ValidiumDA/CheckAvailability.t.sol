// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {ValidiumDA} from "../../../src/da/ValidiumDA.sol";
import {ValidiumInputLengthMismatch} from "../../../src/da/DAErrors.sol";

contract ValidiumDACheckAvailabilityTest is DATestBase {
    ValidiumDA internal policy;

    function setUp() public {
        policy = new ValidiumDA();
    }

    function test_ReturnsDataHash() public view {
        assertEq(policy.checkAvailability(CHAIN_ID, _header(), abi.encode(DATA_HASH)), DATA_HASH);
    }

    function test_ZeroDataHashIsAccepted() public view {
        assertEq(policy.checkAvailability(CHAIN_ID, _header(), abi.encode(bytes32(0))), bytes32(0));
    }

    function test_RevertWhen_InputEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(ValidiumInputLengthMismatch.selector, 32, 0));
        policy.checkAvailability(CHAIN_ID, _header(), "");
    }

    function test_RevertWhen_InputTooShort() public {
        vm.expectRevert(abi.encodeWithSelector(ValidiumInputLengthMismatch.selector, 32, 31));
        policy.checkAvailability(CHAIN_ID, _header(), new bytes(31));
    }

    function test_RevertWhen_InputTooLong() public {
        vm.expectRevert(abi.encodeWithSelector(ValidiumInputLengthMismatch.selector, 32, 64));
        policy.checkAvailability(CHAIN_ID, _header(), abi.encode(DATA_HASH, DATA_HASH));
    }

    function testFuzz_ReturnsDataHash(uint256 chainId, uint64 batchNumber, bytes32 dataHash) public view {
        assertEq(policy.checkAvailability(chainId, _header(batchNumber), abi.encode(dataHash)), dataHash);
    }

    function testFuzz_RevertWhen_LengthIsNot32(bytes calldata daInput) public {
        vm.assume(daInput.length != 32);
        vm.expectRevert(abi.encodeWithSelector(ValidiumInputLengthMismatch.selector, 32, daInput.length));
        policy.checkAvailability(CHAIN_ID, _header(), daInput);
    }
}
