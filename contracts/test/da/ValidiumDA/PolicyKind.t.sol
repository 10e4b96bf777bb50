// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {ValidiumDA} from "../../../src/da/ValidiumDA.sol";

contract ValidiumDAPolicyKindTest is DATestBase {
    function test_PolicyKind() public {
        ValidiumDA policy = new ValidiumDA();
        assertEq(policy.policyKind(), keccak256("fractal.da.validium.v1"));
    }
}
