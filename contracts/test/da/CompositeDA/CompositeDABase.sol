// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DATestBase} from "../DATestBase.sol";
import {IDAPolicy} from "../../../src/da/IDAPolicy.sol";
import {CompositeDA} from "../../../src/da/CompositeDA.sol";
import {RollupCalldataDA} from "../../../src/da/RollupCalldataDA.sol";
import {ValidiumDA} from "../../../src/da/ValidiumDA.sol";

/// @notice Stateless member policies to compose: calldata pubdata and a validium hash of the same data
/// agree on keccak256(pubdata).
abstract contract CompositeDABase is DATestBase {
    /// @dev Version-2 pubdata of a batch that writes nothing (an empty run: evaluation 0, length 0, what
    /// the zero header `_header()` carries) and publishes nine bytes of code.
    bytes internal constant PUBDATA = hex"020000000000000001000000000000000100000000deadbeef0102030405";

    RollupCalldataDA internal calldataPolicy;
    ValidiumDA internal validiumPolicy;

    function setUp() public virtual {
        calldataPolicy = new RollupCalldataDA();
        validiumPolicy = new ValidiumDA();
    }

    function _members(IDAPolicy a, IDAPolicy b) internal pure returns (IDAPolicy[] memory out) {
        out = new IDAPolicy[](2);
        out[0] = a;
        out[1] = b;
    }

    /// @dev `n` distinct ValidiumDA members.
    function _validiums(uint256 n) internal returns (IDAPolicy[] memory out) {
        out = new IDAPolicy[](n);
        for (uint256 i = 0; i < n; ++i) {
            out[i] = new ValidiumDA();
        }
    }

    function _allOf(IDAPolicy[] memory members) internal returns (CompositeDA) {
        return new CompositeDA(members, CompositeDA.Mode.ALL_OF);
    }

    function _anyOf(IDAPolicy[] memory members) internal returns (CompositeDA) {
        return new CompositeDA(members, CompositeDA.Mode.ANY_OF);
    }
}
