// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {CompositeDABase} from "./CompositeDABase.sol";

contract CompositeDAPolicyKindTest is CompositeDABase {
    function test_PolicyKindIsTheSameInBothModes() public {
        bytes32 expected = keccak256("fractal.da.composite.v1");
        assertEq(_allOf(_members(calldataPolicy, validiumPolicy)).policyKind(), expected);
        assertEq(_anyOf(_members(calldataPolicy, validiumPolicy)).policyKind(), expected);
    }
}
