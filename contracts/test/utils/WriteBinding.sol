// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../src/common/Constants.sol";
import {PubdataEvaluation} from "../../src/da/PubdataEvaluation.sol";
import {BatchHeader} from "../../src/settlement/BatchLib.sol";

/// @title WriteBinding
/// @notice Test helpers for version-2 pubdata and the header's write binding (docs/encodings.md, "Batch
/// header" and "Rollup pubdata"): the 21-byte header `0x02 ‖ firstBlock u64 ‖ lastBlock u64 ‖
/// writesLength u32`, then the run of rows, then the code. The run's evaluation is recomputed here in
/// memory, independently of the calldata implementation in `PubdataEvaluation` (only `challenge`, which
/// reads no bytes, is shared).
library WriteBinding {
    uint256 internal constant R = FractalConstants.FIELD_MODULUS;

    /// @notice Version-2 pubdata with the given rows (the contracts do not parse them) and code.
    function encode(bytes memory rows, bytes memory code) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(2), uint64(1), uint64(1), uint32(rows.length), rows, code);
    }

    /// @notice The pubdata of a batch that writes nothing and publishes no code: the header alone.
    function empty() internal pure returns (bytes memory) {
        return encode("", "");
    }

    /// @notice The run of write rows of version-2 `pubdata` (which must be well formed).
    function run(bytes memory pubdata) internal pure returns (bytes memory rows) {
        require(pubdata.length >= 21 && uint8(pubdata[0]) == 2, "WriteBinding: not version-2 pubdata");
        uint256 length = (uint256(uint8(pubdata[17])) << 24) | (uint256(uint8(pubdata[18])) << 16)
            | (uint256(uint8(pubdata[19])) << 8) | uint256(uint8(pubdata[20]));
        require(pubdata.length >= 21 + length, "WriteBinding: truncated run");
        rows = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            rows[i] = pubdata[21 + i];
        }
    }

    /// @notice `Σ c_j · z^j mod r` over the 31-byte big-endian chunks of `data` (the last right-padded).
    function evaluate(bytes memory data, uint256 z) internal pure returns (uint256 y) {
        uint256 chunks = (data.length + 30) / 31;
        for (uint256 j = chunks; j > 0; --j) {
            uint256 c = 0;
            for (uint256 b = 0; b < 31; ++b) {
                uint256 p = (j - 1) * 31 + b;
                c = (c << 8) | (p < data.length ? uint256(uint8(data[p])) : 0);
            }
            y = addmod(mulmod(y, z, R), c, R);
        }
    }

    /// @notice A row commitment for `pubdata` in tests: any field element will do (the contracts cannot
    /// recompute it), this one is derived from the bytes so distinct batches get distinct ones.
    function rowCommitmentFor(bytes memory pubdata) internal pure returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode("fractal.test.rows", pubdata))) % R);
    }

    /// @notice The binding of `pubdata` under `rowCommitment`: the run's evaluation at
    /// `challenge(keccak256(pubdata), rowCommitment)` and its length.
    function values(bytes memory pubdata, bytes32 rowCommitment)
        internal
        pure
        returns (bytes32 writesEvaluation, uint32 writesLength)
    {
        bytes memory rows = run(pubdata);
        uint256 z = PubdataEvaluation.challenge(keccak256(pubdata), uint256(rowCommitment));
        return (bytes32(evaluate(rows, z)), uint32(rows.length));
    }

    /// @notice Sets `h`'s row commitment, writes evaluation and writes length for `pubdata`.
    function bind(BatchHeader memory h, bytes memory pubdata, bytes32 rowCommitment) internal pure {
        h.rowCommitment = rowCommitment;
        (h.writesEvaluation, h.writesLength) = values(pubdata, rowCommitment);
    }

    /// @notice `bind` with `rowCommitmentFor(pubdata)`.
    function bind(BatchHeader memory h, bytes memory pubdata) internal pure {
        bind(h, pubdata, rowCommitmentFor(pubdata));
    }
}
