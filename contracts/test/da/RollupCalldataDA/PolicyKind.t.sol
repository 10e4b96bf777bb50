// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {RollupCalldataDA} from "../../../src/da/RollupCalldataDA.sol";

contract RollupCalldataDAPolicyKindTest is DATestBase {
    function test_PolicyKind() public {
        RollupCalldataDA policy = new RollupCalldataDA();
        assertEq(policy.policyKind(), keccak256("fractal.da.rollup-calldata.v1"));
    }
}
