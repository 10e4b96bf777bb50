// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {DAInputTooShort} from "./DAErrors.sol";

/// @title DAInput
/// @notice Bounds-checked reads of standard ABI encodings straight from calldata, for the `daInput` of
/// the DA policies. It accepts what `abi.decode` accepts, but a malformed input reverts with
/// `DAInputTooShort(required, actual)` instead of `abi.decode`'s empty revert, and values stay in
/// calldata (no copy).
/// @dev Note: positions are byte offsets into `input`. A dynamic value is reached through its head word,
/// which holds its offset relative to `base`: 0 for the top-level tuple, the array's first head word
/// for an array's elements (the ABI's rule). Non-canonical encodings (offsets pointing elsewhere,
/// trailing bytes) are accepted, as `abi.decode` accepts them: callers use decoded values, never the raw
/// input.
library DAInput {
    /// @notice The 32-byte word at byte `position`.
    function readWord(bytes calldata input, uint256 position) internal pure returns (bytes32) {
        _requireLength(input, Math.saturatingAdd(position, 32));
        return bytes32(input[position:position + 32]);
    }

    /// @notice Locates the dynamic array whose head word is at `headPosition` (offset relative to `base`).
    /// @return heads The position of the array's first element word (its first head word when the
    /// elements are dynamic); element `i`'s word is at `heads + 32 * i`.
    /// @return count The array's length; all `count` element words lie inside `input`.
    function readArray(bytes calldata input, uint256 base, uint256 headPosition)
        internal
        pure
        returns (uint256 heads, uint256 count)
    {
        uint256 start = _follow(input, base, headPosition);
        count = uint256(readWord(input, start));
        // readWord checked start + 32 <= input.length, so this cannot overflow.
        heads = start + 32;
        _requireLength(input, Math.saturatingAdd(heads, Math.saturatingMul(count, 32)));
    }

    /// @notice The `bytes` value whose head word is at `headPosition` (offset relative to `base`).
    function readBytes(bytes calldata input, uint256 base, uint256 headPosition)
        internal
        pure
        returns (bytes calldata)
    {
        uint256 start = _follow(input, base, headPosition);
        uint256 length = uint256(readWord(input, start));
        // readWord checked start + 32 <= input.length, so this cannot overflow.
        uint256 dataStart = start + 32;
        _requireLength(input, Math.saturatingAdd(dataStart, length));
        return input[dataStart:dataStart + length];
    }

    /// @dev The position a head word points to: `base` plus the offset stored at `headPosition`
    /// (saturating, so an absurd offset fails the next length check instead of wrapping around).
    function _follow(bytes calldata input, uint256 base, uint256 headPosition)
        private
        pure
        returns (uint256)
    {
        return Math.saturatingAdd(base, uint256(readWord(input, headPosition)));
    }

    /// @dev Reverts unless `input` holds at least `required` bytes.
    function _requireLength(bytes calldata input, uint256 required) private pure {
        if (required > input.length) revert DAInputTooShort(required, input.length);
    }
}
