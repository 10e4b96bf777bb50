// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PubdataEvaluation} from "../../../src/da/PubdataEvaluation.sol";

/// @notice Exposes the PubdataEvaluation library (whose `evaluate` reads calldata) to the tests.
contract PubdataEvaluationHarness {
    function evaluate(bytes calldata data, uint256 z) external pure returns (uint256) {
        return PubdataEvaluation.evaluate(data, z);
    }

    /// @dev Evaluates the first `length` bytes of `data`: the bytes after them are calldata the library
    /// must not read.
    function evaluatePrefix(bytes calldata data, uint256 length, uint256 z) external pure returns (uint256) {
        return PubdataEvaluation.evaluate(data[:length], z);
    }

    /// @dev The gas one evaluation of `data` costs, the call's own overhead left out.
    function evaluationGas(bytes calldata data, uint256 z) external view returns (uint256 gas) {
        gas = gasleft();
        PubdataEvaluation.evaluate(data, z);
        gas -= gasleft();
    }

    function challenge(bytes32 pubdataHash, uint256 rowCommitment) external pure returns (uint256) {
        return PubdataEvaluation.challenge(pubdataHash, rowCommitment);
    }

    function writeRun(bytes calldata pubdata) external pure returns (bytes memory) {
        return PubdataEvaluation.writeRun(pubdata);
    }

    function evaluateWrites(bytes calldata pubdata, uint256 rowCommitment)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return PubdataEvaluation.evaluateWrites(pubdata, keccak256(pubdata), rowCommitment);
    }
}
