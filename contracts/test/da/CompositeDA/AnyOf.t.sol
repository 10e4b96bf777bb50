// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {CompositeDABase} from "./CompositeDABase.sol";
import {CompositeDA} from "../../../src/da/CompositeDA.sol";
import {
    CompositeMemberIndexOutOfRange,
    DAInputTooShort,
    RollupCalldataWritesMismatch,
    ValidiumInputLengthMismatch
} from "../../../src/da/DAErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {WriteBinding} from "../../utils/WriteBinding.sol";

contract CompositeDAAnyOfTest is CompositeDABase {
    CompositeDA internal composite;

    function setUp() public override {
        super.setUp();
        composite = _anyOf(_members(calldataPolicy, validiumPolicy));
    }

    function _check(uint256 index, bytes memory memberInput) internal view returns (bytes32) {
        return composite.checkAvailability(CHAIN_ID, _header(), abi.encode(index, memberInput));
    }

    function test_DelegatesToFirstMember() public view {
        assertEq(_check(0, PUBDATA), keccak256(PUBDATA));
    }

    function test_DelegatesToSecondMember() public view {
        assertEq(_check(1, abi.encode(DATA_HASH)), DATA_HASH);
    }

    function test_RevertWhen_IndexOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberIndexOutOfRange.selector, 2, 2));
        _check(2, PUBDATA);
    }

    function test_RevertWhen_IndexHuge() public {
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberIndexOutOfRange.selector, type(uint256).max, 2));
        _check(type(uint256).max, PUBDATA);
    }

    function test_RevertWhen_ChosenMemberRejects() public {
        vm.expectRevert(abi.encodeWithSelector(ValidiumInputLengthMismatch.selector, 32, PUBDATA.length));
        _check(1, PUBDATA);
    }

    function test_RevertWhen_InputEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 32, 0));
        composite.checkAvailability(CHAIN_ID, _header(), "");
    }

    function test_RevertWhen_MemberInputMissing() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 64, 32));
        composite.checkAvailability(CHAIN_ID, _header(), abi.encode(uint256(0)));
    }

    function testFuzz_DelegatesToChosenMember(uint256 n, uint256 index, bytes32 dataHash) public {
        n = bound(n, 2, 8);
        index = bound(index, 0, 10);
        CompositeDA wide = _anyOf(_validiums(n));
        if (index < n) {
            assertEq(
                wide.checkAvailability(CHAIN_ID, _header(), abi.encode(index, abi.encode(dataHash))), dataHash
            );
        } else {
            vm.expectRevert(abi.encodeWithSelector(CompositeMemberIndexOutOfRange.selector, index, n));
            wide.checkAvailability(CHAIN_ID, _header(), abi.encode(index, abi.encode(dataHash)));
        }
    }

    function testFuzz_CalldataMember(bytes memory rows, bytes memory code) public view {
        bytes memory pubdata = WriteBinding.encode(rows, code);
        bytes memory input = abi.encode(uint256(0), pubdata);
        assertEq(composite.checkAvailability(CHAIN_ID, _boundHeader(pubdata), input), keccak256(pubdata));
    }

    /// @dev The header reaches the chosen member: the calldata member refuses a wrong length.
    function test_RevertWhen_CalldataMemberRefusesTheBinding() public {
        bytes memory pubdata = WriteBinding.encode("some rows of writes", "");
        BatchHeader memory h = _boundHeader(pubdata);
        h.writesLength = 18;
        uint256 y = uint256(h.writesEvaluation);
        vm.expectRevert(
            abi.encodeWithSelector(RollupCalldataWritesMismatch.selector, BATCH_NUMBER, y, y, 19, 18)
        );
        composite.checkAvailability(CHAIN_ID, h, abi.encode(uint256(0), pubdata));
    }

    /// @dev The validium member leaves the binding unchecked: any values pass through it.
    function testFuzz_ValidiumMemberIgnoresTheBinding(bytes32 rowCommitment, bytes32 y, uint32 length)
        public
        view
    {
        BatchHeader memory h = _header();
        (h.rowCommitment, h.writesEvaluation, h.writesLength) = (rowCommitment, y, length);
        assertEq(
            composite.checkAvailability(CHAIN_ID, h, abi.encode(uint256(1), abi.encode(DATA_HASH))), DATA_HASH
        );
    }
}
