// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../common/Constants.sol";
import {
    PubdataEvaluationNotInField,
    PubdataEvaluationTruncated,
    PubdataEvaluationVersionUnsupported
} from "./DAErrors.sol";

/// @title PubdataEvaluation
/// @notice The parent's side of the polynomial evaluation that binds a batch proof to its published
/// writes (docs/proofs.md, "binding the writes to the pubdata"): the bytes are a polynomial over BN254's
/// scalar field whose coefficients are their 31-byte big-endian chunks (the last one right-padded with
/// zeros), evaluated at a point derived from the bytes' hash and the prover's commitment to its rows. The
/// circuit evaluates its own re-encoding of the writes at the same point
/// (`circuits/src/pubdata_stream.circom`); `fractal_primitives::pubdata::evaluate` is the reference.
/// @dev Note: one `mulmod` and one `addmod` per 31 bytes. `RollupCalldataDA` calls `evaluateWrites` at
/// commit; `BatchLib.publicInputs` calls `challenge` for the public input's `z`.
library PubdataEvaluation {
    /// @dev Bytes per coefficient (a 31-byte chunk is below 2^248, so it is a field element).
    uint256 internal constant CHUNK_BYTES = 31;
    /// @dev The pubdata layout with a run of write rows (docs/encodings.md, "Rollup pubdata").
    uint8 internal constant PUBDATA_VERSION = 2;
    /// @dev Its fixed header: version (1), first and last block (8 each), the run's byte length (4).
    uint256 internal constant HEADER_BYTES = 21;

    /// @notice `y = Σ_j c_j · z^j mod r` over the 31-byte chunks `c_j` of `data`; 0 for empty data.
    /// @dev Reads only `data` (the calldata past its end is masked off).
    /// @param data The bytes, in calldata.
    /// @param z The evaluation point; must be a field element.
    /// @return y The evaluation, a field element.
    function evaluate(bytes calldata data, uint256 z) internal pure returns (uint256 y) {
        uint256 r = FractalConstants.FIELD_MODULUS;
        if (z >= r) revert PubdataEvaluationNotInField(z);
        uint256 length = data.length;
        if (length == 0) return 0;
        uint256 chunks = (length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        // Horner from the last chunk: c_0 + z·(c_1 + z·(c_2 + …)). The last chunk keeps only its own bytes.
        uint256 lastBytes = length - (chunks - 1) * CHUNK_BYTES;
        assembly ("memory-safe") {
            let offset := add(data.offset, mul(sub(chunks, 1), 31))
            let drop := mul(8, sub(31, lastBytes))
            y := shl(drop, shr(drop, shr(8, calldataload(offset))))
            // Four chunks a turn while there are four below `offset`, then one at a time.
            for { let last4 := add(data.offset, 124) } iszero(lt(offset, last4)) {
                offset := sub(offset, 124)
            } {
                y := addmod(mulmod(y, z, r), shr(8, calldataload(sub(offset, 31))), r)
                y := addmod(mulmod(y, z, r), shr(8, calldataload(sub(offset, 62))), r)
                y := addmod(mulmod(y, z, r), shr(8, calldataload(sub(offset, 93))), r)
                y := addmod(mulmod(y, z, r), shr(8, calldataload(sub(offset, 124))), r)
            }
            for {} gt(offset, data.offset) {} {
                offset := sub(offset, 31)
                y := addmod(mulmod(y, z, r), shr(8, calldataload(offset)), r)
            }
        }
    }

    /// @notice The run of write rows of a batch's pubdata: the `writesLength` bytes after the fixed header
    /// (`0x02 ‖ firstBlock u64 ‖ lastBlock u64 ‖ writesLength u32`), which the batch proof re-encodes.
    /// `fractal_primitives::pubdata::write_run` is the reference.
    /// @dev Reads the header only; the rows and the code after them are not parsed.
    /// @param pubdata The batch's pubdata, in calldata.
    /// @return run The rows, a slice of `pubdata`.
    function writeRun(bytes calldata pubdata) internal pure returns (bytes calldata run) {
        // The version first, then the length: the order of `fractal_primitives::pubdata::write_run`.
        if (pubdata.length == 0) revert PubdataEvaluationTruncated(0, HEADER_BYTES);
        uint8 version = uint8(pubdata[0]);
        if (version != PUBDATA_VERSION) revert PubdataEvaluationVersionUnsupported(version);
        if (pubdata.length < HEADER_BYTES) revert PubdataEvaluationTruncated(pubdata.length, HEADER_BYTES);
        uint256 end = HEADER_BYTES + uint32(bytes4(pubdata[17:21]));
        if (pubdata.length < end) revert PubdataEvaluationTruncated(pubdata.length, end);
        return pubdata[HEADER_BYTES:end];
    }

    /// @notice A batch's evaluation: the point from the pubdata's hash and the row commitment, its run of
    /// write rows evaluated there, and the run's length — the values the batch proof must match.
    /// @dev Takes the hash rather than computing it: the DA policy calling it has hashed the pubdata already.
    /// @param pubdata The batch's pubdata, in calldata.
    /// @param pubdataHash keccak256 of `pubdata` (the caller's).
    /// @param rowCommitment The prover's commitment to its rows; must be a field element.
    /// @return z The evaluation point.
    /// @return y The run's evaluation at `z`.
    /// @return writesLength The run's length in bytes.
    function evaluateWrites(bytes calldata pubdata, bytes32 pubdataHash, uint256 rowCommitment)
        internal
        pure
        returns (uint256 z, uint256 y, uint256 writesLength)
    {
        bytes calldata run = writeRun(pubdata);
        z = challenge(pubdataHash, rowCommitment);
        y = evaluate(run, z);
        writesLength = run.length;
    }

    /// @notice The evaluation point of a batch: `keccak256(abi.encode(pubdataHash, rowCommitment)) mod r`.
    /// @param pubdataHash keccak256 of the published bytes.
    /// @param rowCommitment The prover's Poseidon commitment to the rows it re-encodes; must be a field
    /// element (so that one commitment has one encoding).
    /// @return z The point, a field element.
    function challenge(bytes32 pubdataHash, uint256 rowCommitment) internal pure returns (uint256 z) {
        if (rowCommitment >= FractalConstants.FIELD_MODULUS) {
            revert PubdataEvaluationNotInField(rowCommitment);
        }
        return uint256(keccak256(abi.encode(pubdataHash, rowCommitment))) % FractalConstants.FIELD_MODULUS;
    }
}
