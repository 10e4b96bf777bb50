// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IDAPolicy} from "./IDAPolicy.sol";
import {ValidiumInputLengthMismatch} from "./DAErrors.sol";
import {BatchHeader} from "../settlement/BatchLib.sol";

/// @title ValidiumDA
/// @notice Validium: the operator withholds the batch's data (a private chain) and commits only to its
/// hash. Nobody but the operator can rebuild the state from the parent chain.
/// @dev Note: `daInput` is `abi.encode(bytes32 dataHash)`, exactly 32 bytes; the commitment is
/// `dataHash`, taken as given (any value, zero included). Stateless.
contract ValidiumDA is IDAPolicy {
    // ---------------------------------------------------------------- constants

    /// @dev keccak256("fractal.da.validium.v1").
    bytes32 private constant _POLICY_KIND = keccak256("fractal.da.validium.v1");

    // ---------------------------------------------------------------- IDAPolicy

    /// @notice Returns the data hash the operator commits to. The chain id and the header play no part: the
    /// write binding (`writesEvaluation`, `writesLength`) is not checked by this policy (docs/proofs.md).
    /// @param daInput `abi.encode(bytes32 dataHash)`: exactly 32 bytes.
    /// @return commitment `dataHash`.
    function checkAvailability(uint256, BatchHeader calldata, bytes calldata daInput)
        external
        pure
        returns (bytes32 commitment)
    {
        if (daInput.length != 32) revert ValidiumInputLengthMismatch(32, daInput.length);
        return bytes32(daInput);
    }

    /// @notice The policy kind: keccak256("fractal.da.validium.v1").
    /// @return The policy kind identifier.
    function policyKind() external pure returns (bytes32) {
        return _POLICY_KIND;
    }
}
