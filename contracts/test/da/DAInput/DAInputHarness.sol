// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {DAInput} from "../../../src/da/DAInput.sol";

/// @title DAInputHarness
/// @notice Exposes the DAInput library for the shapes the policies read, next to `abi.decode` of the same
/// shapes, so tests can compare the two.
contract DAInputHarness {
    function readWord(bytes calldata input, uint256 position) external pure returns (bytes32) {
        return DAInput.readWord(input, position);
    }

    /// @dev `abi.encode(bytes32, bytes[])`, as GuardianQuorumDA reads it.
    function readHashAndBytesArray(bytes calldata input)
        external
        pure
        returns (bytes32 h, bytes[] memory items)
    {
        h = DAInput.readWord(input, 0);
        (uint256 heads, uint256 count) = DAInput.readArray(input, 0, 32);
        items = new bytes[](count);
        for (uint256 i = 0; i < count; ++i) {
            items[i] = DAInput.readBytes(input, heads, heads + 32 * i);
        }
    }

    function decodeHashAndBytesArray(bytes calldata input) external pure returns (bytes32, bytes[] memory) {
        return abi.decode(input, (bytes32, bytes[]));
    }

    /// @dev `abi.encode(uint256, bytes)`, as CompositeDA reads it in ANY_OF mode.
    function readIndexAndBytes(bytes calldata input) external pure returns (uint256, bytes memory) {
        return (uint256(DAInput.readWord(input, 0)), DAInput.readBytes(input, 0, 32));
    }

    function decodeIndexAndBytes(bytes calldata input) external pure returns (uint256, bytes memory) {
        return abi.decode(input, (uint256, bytes));
    }

    /// @dev `abi.encode(bytes32[])`, as RollupBlobDA reads it.
    function readWordArray(bytes calldata input) external pure returns (bytes32[] memory words) {
        (uint256 heads, uint256 count) = DAInput.readArray(input, 0, 0);
        words = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            words[i] = DAInput.readWord(input, heads + 32 * i);
        }
    }

    function decodeWordArray(bytes calldata input) external pure returns (bytes32[] memory) {
        return abi.decode(input, (bytes32[]));
    }
}
