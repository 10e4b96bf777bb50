// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IDAPolicy} from "./IDAPolicy.sol";

/// @title RollupCalldataDA
/// @notice zkRollup data availability through calldata: the operator posts the batch's pubdata itself as
/// `daInput`, so the data is on the parent chain as soon as the commit transaction is.
/// @dev Note: `daInput` is the raw pubdata bytes (not abi-encoded) and the commitment is
/// `keccak256(daInput)`. An empty batch has empty pubdata, committed as `keccak256("")`. Stateless; it
/// never reverts.
contract RollupCalldataDA is IDAPolicy {
    // ---------------------------------------------------------------- constants

    /// @dev keccak256("fractal.da.rollup-calldata.v1").
    bytes32 private constant _POLICY_KIND = keccak256("fractal.da.rollup-calldata.v1");

    // ---------------------------------------------------------------- IDAPolicy

    /// @notice Returns the commitment to the pubdata posted as `daInput`. The chain id and batch number
    /// play no part.
    /// @param daInput The batch's pubdata bytes, as they are (possibly empty).
    /// @return commitment `keccak256(daInput)`.
    function checkAvailability(uint256, uint64, bytes calldata daInput)
        external
        pure
        returns (bytes32 commitment)
    {
        return keccak256(daInput);
    }

    /// @notice The policy kind: keccak256("fractal.da.rollup-calldata.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32) {
        return _POLICY_KIND;
    }
}
