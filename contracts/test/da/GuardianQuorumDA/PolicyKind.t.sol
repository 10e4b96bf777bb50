// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";

contract GuardianQuorumDAPolicyKindTest is GuardianQuorumDABase {
    function test_PolicyKind() public view {
        assertEq(policy.policyKind(), keccak256("fractal.da.guardian-quorum.v1"));
    }

    function test_Constants() public view {
        assertEq(policy.MAX_GUARDIANS(), 64);
        assertEq(policy.ATTESTATION_TAG(), keccak256("fractal.da.guardian-quorum.attestation.v1"));
    }
}
