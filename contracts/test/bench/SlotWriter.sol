// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title SlotWriter
/// @notice Bench-only contract (`fractal bench rollup`): writes a range of mapping slots, so that a batch
/// holds a known number of first writes of fresh slots, or of repeated writes of known ones.
/// @dev Note: anyone may write any slot; it exists to be measured, not used.
contract SlotWriter {
    // ------------------------------------------------------------------ storage

    /// @dev Each index lives at its own keccak-derived 32-byte storage slot, as a mapping entry does.
    mapping(uint256 => uint256) private _slots;

    // ------------------------------------------------------------------ writes

    /// @notice Sets slots `from` to `from + count - 1` to `value`.
    function write(uint256 from, uint256 count, uint256 value) external {
        uint256 end = from + count;
        for (uint256 i = from; i < end; ++i) {
            _slots[i] = value;
        }
    }

    // ------------------------------------------------------------------ views

    /// @notice The value of slot `index`.
    function slot(uint256 index) external view returns (uint256) {
        return _slots[index];
    }
}
