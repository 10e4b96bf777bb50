// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {RollupBlobDA} from "../../../src/da/RollupBlobDA.sol";

contract RollupBlobDAPolicyKindTest is DATestBase {
    function test_PolicyKind() public {
        RollupBlobDA policy = new RollupBlobDA();
        assertEq(policy.policyKind(), keccak256("fractal.da.rollup-blob.v1"));
    }

    function test_MaxBlobsIsPragueMaximum() public {
        assertEq(new RollupBlobDA().MAX_BLOBS(), 9);
    }
}
