// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {CompositeDABase} from "./CompositeDABase.sol";
import {IDAPolicy} from "../../../src/da/IDAPolicy.sol";
import {CompositeDA} from "../../../src/da/CompositeDA.sol";
import {
    CompositeCommitmentMismatch,
    CompositeInputCountMismatch,
    DAInputTooShort,
    PubdataEvaluationTruncated,
    RollupCalldataWritesMismatch,
    ValidiumInputLengthMismatch
} from "../../../src/da/DAErrors.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {WriteBinding} from "../../utils/WriteBinding.sol";

contract CompositeDAAllOfTest is CompositeDABase {
    CompositeDA internal composite;

    function setUp() public override {
        super.setUp();
        composite = _allOf(_members(calldataPolicy, validiumPolicy));
    }

    function _check(bytes[] memory inputs) internal view returns (bytes32) {
        return composite.checkAvailability(CHAIN_ID, _header(), abi.encode(inputs));
    }

    function test_ReturnsCommonCommitment() public view {
        bytes32 expected = keccak256(PUBDATA);
        assertEq(_check(_bytesArray(PUBDATA, abi.encode(expected))), expected);
    }

    function test_EmptyBatch() public view {
        bytes memory pubdata = WriteBinding.empty();
        bytes32 expected = keccak256(pubdata);
        assertEq(_check(_bytesArray(pubdata, abi.encode(expected))), expected);
    }

    /// @dev The header reaches the members: the calldata member checks its write binding.
    function test_ForwardsTheHeaderToTheCalldataMember() public view {
        bytes memory pubdata = WriteBinding.encode("some rows of writes", hex"01fe");
        bytes32 expected = keccak256(pubdata);
        BatchHeader memory h = _boundHeader(pubdata);
        assertTrue(h.writesEvaluation != bytes32(0));
        bytes memory input = abi.encode(_bytesArray(pubdata, abi.encode(expected)));
        assertEq(composite.checkAvailability(CHAIN_ID, h, input), expected);
    }

    function test_RevertWhen_CalldataMemberRefusesTheBinding() public {
        bytes memory pubdata = WriteBinding.encode("some rows of writes", hex"01fe");
        BatchHeader memory h = _boundHeader(pubdata);
        uint256 y = uint256(h.writesEvaluation);
        h.writesEvaluation = bytes32(y ^ 1);
        vm.expectRevert(
            abi.encodeWithSelector(RollupCalldataWritesMismatch.selector, BATCH_NUMBER, y, y ^ 1, 19, 19)
        );
        composite.checkAvailability(
            CHAIN_ID, h, abi.encode(_bytesArray(pubdata, abi.encode(keccak256(pubdata))))
        );
    }

    function test_RevertWhen_PubdataEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(PubdataEvaluationTruncated.selector, 0, 21));
        _check(_bytesArray("", abi.encode(keccak256(""))));
    }

    function test_NestedComposite() public {
        CompositeDA inner = _anyOf(_members(calldataPolicy, validiumPolicy));
        IDAPolicy[] memory members = _validiums(1);
        CompositeDA outer = _allOf(_members(inner, members[0]));
        bytes32 expected = keccak256(PUBDATA);
        bytes memory innerInput = abi.encode(uint256(0), PUBDATA);
        bytes memory input = abi.encode(_bytesArray(innerInput, abi.encode(expected)));
        assertEq(outer.checkAvailability(CHAIN_ID, _header(), input), expected);
    }

    function test_RevertWhen_CommitmentsDiffer() public {
        bytes32 other = keccak256("other data");
        vm.expectRevert(
            abi.encodeWithSelector(CompositeCommitmentMismatch.selector, 1, keccak256(PUBDATA), other)
        );
        _check(_bytesArray(PUBDATA, abi.encode(other)));
    }

    function test_RevertWhen_LaterMemberDiffers() public {
        CompositeDA wide = _allOf(_validiums(5));
        bytes[] memory inputs = new bytes[](5);
        for (uint256 i = 0; i < 5; ++i) {
            inputs[i] = abi.encode(DATA_HASH);
        }
        inputs[3] = abi.encode(bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(CompositeCommitmentMismatch.selector, 3, DATA_HASH, bytes32(0))
        );
        wide.checkAvailability(CHAIN_ID, _header(), abi.encode(inputs));
    }

    function test_RevertWhen_TooFewInputs() public {
        bytes[] memory inputs = new bytes[](1);
        inputs[0] = PUBDATA;
        vm.expectRevert(abi.encodeWithSelector(CompositeInputCountMismatch.selector, 2, 1));
        _check(inputs);
    }

    function test_RevertWhen_TooManyInputs() public {
        bytes[] memory inputs = new bytes[](3);
        vm.expectRevert(abi.encodeWithSelector(CompositeInputCountMismatch.selector, 2, 3));
        _check(inputs);
    }

    function test_RevertWhen_MemberRejects() public {
        // The member's own error comes through unchanged.
        vm.expectRevert(abi.encodeWithSelector(ValidiumInputLengthMismatch.selector, 32, 3));
        _check(_bytesArray(PUBDATA, hex"010203"));
    }

    function test_RevertWhen_InputEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 32, 0));
        composite.checkAvailability(CHAIN_ID, _header(), "");
    }

    function test_RevertWhen_InputIsAnyOfShaped() public {
        // abi.encode(uint256 1, bytes) read as bytes[]: the "offset" 1 points inside the head, where the
        // bytes 1..32 read as the length 256, so 33 + 256 * 32 bytes would be needed.
        bytes memory input = abi.encode(uint256(1), PUBDATA);
        vm.expectRevert(abi.encodeWithSelector(DAInputTooShort.selector, 33 + 256 * 32, input.length));
        composite.checkAvailability(CHAIN_ID, _header(), input);
    }

    function testFuzz_AllMembersAgree(uint256 n, bytes32 dataHash) public {
        n = bound(n, 2, 8);
        CompositeDA wide = _allOf(_validiums(n));
        bytes[] memory inputs = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            inputs[i] = abi.encode(dataHash);
        }
        assertEq(wide.checkAvailability(CHAIN_ID, _header(), abi.encode(inputs)), dataHash);
    }

    function testFuzz_RevertWhen_OneMemberDisagrees(uint256 n, uint256 odd, bytes32 dataHash, bytes32 other)
        public
    {
        vm.assume(dataHash != other);
        n = bound(n, 2, 8);
        odd = bound(odd, 1, n - 1);
        CompositeDA wide = _allOf(_validiums(n));
        bytes[] memory inputs = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            inputs[i] = abi.encode(i == odd ? other : dataHash);
        }
        vm.expectRevert(abi.encodeWithSelector(CompositeCommitmentMismatch.selector, odd, dataHash, other));
        wide.checkAvailability(CHAIN_ID, _header(), abi.encode(inputs));
    }

    function testFuzz_CalldataAndValidiumAgreeOnPubdata(bytes memory rows, bytes memory code) public view {
        bytes memory pubdata = WriteBinding.encode(rows, code);
        bytes32 expected = keccak256(pubdata);
        bytes memory input = abi.encode(_bytesArray(pubdata, abi.encode(expected)));
        assertEq(composite.checkAvailability(CHAIN_ID, _boundHeader(pubdata), input), expected);
    }
}
