// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {CompositeDABase} from "./CompositeDABase.sol";
import {IDAPolicy} from "../../../src/da/IDAPolicy.sol";
import {CompositeDA} from "../../../src/da/CompositeDA.sol";
import {ValidiumDA} from "../../../src/da/ValidiumDA.sol";
import {
    CompositeMemberCountOutOfRange,
    CompositeMemberDuplicate,
    CompositeMemberIsSelf,
    CompositeMemberNotContract,
    CompositeMemberZeroAddress
} from "../../../src/da/DAErrors.sol";

/// @notice Deploys a composite that names itself as a member: a fresh contract has nonce 1, so its
/// first CREATE lands at keccak256(rlp([address(this), 1])).
contract SelfReferencingCompositeFactory {
    function deploy(IDAPolicy other) external returns (CompositeDA) {
        IDAPolicy[] memory members = new IDAPolicy[](2);
        members[0] = other;
        members[1] = IDAPolicy(predictNextAddress());
        return new CompositeDA(members, CompositeDA.Mode.ANY_OF);
    }

    function predictNextAddress() public view returns (address) {
        return address(
            uint160(
                uint256(keccak256(abi.encodePacked(bytes1(0xd6), bytes1(0x94), address(this), bytes1(0x01))))
            )
        );
    }
}

contract CompositeDAConstructorTest is CompositeDABase {
    function test_StoresMembersAndMode() public {
        CompositeDA composite = _allOf(_members(calldataPolicy, validiumPolicy));
        IDAPolicy[] memory members = composite.members();
        assertEq(members.length, 2);
        assertEq(address(members[0]), address(calldataPolicy));
        assertEq(address(members[1]), address(validiumPolicy));
        assertEq(composite.memberCount(), 2);
        assertTrue(composite.mode() == CompositeDA.Mode.ALL_OF);

        CompositeDA anyOf = _anyOf(_members(validiumPolicy, calldataPolicy));
        assertTrue(anyOf.mode() == CompositeDA.Mode.ANY_OF);
        assertEq(address(anyOf.members()[0]), address(validiumPolicy));
    }

    function test_EightMembers() public {
        assertEq(_allOf(_validiums(8)).memberCount(), 8);
    }

    function test_CompositeAsMember() public {
        CompositeDA inner = _anyOf(_members(calldataPolicy, validiumPolicy));
        CompositeDA outer = _allOf(_members(inner, new ValidiumDA()));
        assertEq(address(outer.members()[0]), address(inner));
    }

    function test_Constants() public {
        CompositeDA composite = _allOf(_members(calldataPolicy, validiumPolicy));
        assertEq(composite.MIN_MEMBERS(), 2);
        assertEq(composite.MAX_MEMBERS(), 8);
    }

    function test_RevertWhen_NoMembers() public {
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberCountOutOfRange.selector, 0, 2, 8));
        new CompositeDA(new IDAPolicy[](0), CompositeDA.Mode.ALL_OF);
    }

    function test_RevertWhen_OneMember() public {
        IDAPolicy[] memory members = new IDAPolicy[](1);
        members[0] = calldataPolicy;
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberCountOutOfRange.selector, 1, 2, 8));
        new CompositeDA(members, CompositeDA.Mode.ANY_OF);
    }

    function test_RevertWhen_NineMembers() public {
        IDAPolicy[] memory members = _validiums(9);
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberCountOutOfRange.selector, 9, 2, 8));
        new CompositeDA(members, CompositeDA.Mode.ALL_OF);
    }

    function test_RevertWhen_MemberIsZero() public {
        IDAPolicy[] memory members = _members(calldataPolicy, IDAPolicy(address(0)));
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberZeroAddress.selector, 1));
        new CompositeDA(members, CompositeDA.Mode.ALL_OF);
    }

    function test_RevertWhen_MemberIsSelf() public {
        SelfReferencingCompositeFactory factory = new SelfReferencingCompositeFactory();
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberIsSelf.selector, 1));
        factory.deploy(calldataPolicy);
    }

    function test_RevertWhen_MemberHasNoCode() public {
        IDAPolicy eoa = IDAPolicy(makeAddr("eoa"));
        IDAPolicy[] memory members = _members(eoa, calldataPolicy);
        vm.expectRevert(abi.encodeWithSelector(CompositeMemberNotContract.selector, 0, address(eoa)));
        new CompositeDA(members, CompositeDA.Mode.ANY_OF);
    }

    function test_RevertWhen_MemberRepeated() public {
        IDAPolicy[] memory members = new IDAPolicy[](3);
        members[0] = calldataPolicy;
        members[1] = validiumPolicy;
        members[2] = calldataPolicy;
        vm.expectRevert(
            abi.encodeWithSelector(CompositeMemberDuplicate.selector, 0, 2, address(calldataPolicy))
        );
        new CompositeDA(members, CompositeDA.Mode.ALL_OF);
    }

    function testFuzz_MemberCount(uint256 n) public {
        n = bound(n, 0, 12);
        IDAPolicy[] memory members = _validiums(n);
        if (n < 2 || n > 8) {
            vm.expectRevert(abi.encodeWithSelector(CompositeMemberCountOutOfRange.selector, n, 2, 8));
            new CompositeDA(members, CompositeDA.Mode.ALL_OF);
        } else {
            assertEq(_allOf(members).memberCount(), n);
        }
    }
}
