// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";

/// @notice A 3-of-5 guardian quorum owned by `owner`; `keys` are the guardians' keys sorted by address.
abstract contract GuardianQuorumDABase is DATestBase {
    uint256 internal constant FAMILY = 1;
    uint256 internal constant OUTSIDERS = 2;
    uint256 internal constant GUARDIANS = 5;
    uint256 internal constant THRESHOLD = 3;

    GuardianQuorumDA internal policy;
    uint256[] internal keys;

    function setUp() public virtual {
        (policy, keys) = _deployQuorum(FAMILY, GUARDIANS, THRESHOLD);
    }

    function _check(bytes memory daInput) internal view returns (bytes32) {
        return policy.checkAvailability(CHAIN_ID, _header(), daInput);
    }
}
