use alloy_primitives::{B256, U256};

use crate::pubdata::{EntryKey, PUBDATA_VERSION};

/// Errors of the shared encodings.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value that must be a BN254 scalar-field element is not below the modulus.
    #[error("value {0:#x} is not an element of the BN254 scalar field")]
    NotAFieldElement(U256),
    /// Poseidon was asked to hash a number of inputs it has no parameters for.
    #[error("poseidon cannot hash {0} inputs (1 to 12 are supported)")]
    PoseidonArity(usize),
    /// A chain-name label breaks the naming rules.
    #[error("invalid chain label {label:?}: {reason}")]
    InvalidLabel {
        /// The offending label.
        label: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// An interoperable address is not of the form `0x<40 hex digits>@<name>`.
    #[error("invalid interoperable address {0:?}: expected 0x<40 hex digits>@<chain name>")]
    InvalidInteropAddress(String),
    /// A message tree was given more leaves than it has room for.
    #[error("message tree holds at most {max} messages, got {got}")]
    MessageTreeFull {
        /// Capacity of the tree.
        max: usize,
        /// Number of messages given.
        got: usize,
    },
    /// A leaf index lies outside the message tree.
    #[error("message index {index} is outside a tree of {len} messages")]
    MessageIndexOutOfRange {
        /// The requested index.
        index: usize,
        /// Number of messages in the tree.
        len: usize,
    },
    /// A position outside the state tree (entry indices are below 2³²).
    #[error("state-tree position {0} is outside the tree (entry indices are below 2^32)")]
    StateIndexOutOfRange(u64),
    /// A path's position outside the subtree its siblings climb (4^levels positions, at most 16 levels).
    #[error(
        "position {index} is outside a subtree of {levels} levels (at most 16, with 4^levels positions)"
    )]
    PathIndexOutOfRange {
        /// The position.
        index: u64,
        /// The levels of siblings given.
        levels: usize,
    },
    /// A state-tree position already belongs to another entry.
    #[error("state-tree position {index} belongs to entry {key:#x}")]
    StatePositionTaken {
        /// The position.
        index: u64,
        /// The key of the entry there.
        key: U256,
    },
    /// Bytes that should be a priority transaction (`0x7f ‖ abi.encode(op)`) are not one.
    #[error("invalid priority transaction: {0}")]
    InvalidPriorityTx(String),
    /// A deployment file could not be parsed or is inconsistent.
    #[error("invalid deployment file: {0}")]
    InvalidDeployment(String),
    /// Pubdata ends before a field it announces.
    #[error("pubdata truncated: {what} needs {needed} bytes at offset {offset}, {available} left")]
    PubdataTruncated {
        /// The field being read.
        what: &'static str,
        /// Where it starts.
        offset: usize,
        /// Bytes it needs.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// Pubdata starts with a version byte this build does not read.
    #[error("unknown pubdata version {0} (expected {PUBDATA_VERSION})")]
    PubdataVersion(u8),
    /// A batch's blocks do not continue the last published block, or the range is empty.
    #[error(
        "pubdata covers blocks {first} to {last}, expected a range starting at block {expected_first}"
    )]
    PubdataBlockRange {
        /// The batch's first block.
        first: u64,
        /// The batch's last block.
        last: u64,
        /// The block after the last published one.
        expected_first: u64,
    },
    /// Pubdata places an entry beyond the state tree's positions.
    #[error("pubdata entry index {index} is beyond the state tree's {capacity} positions")]
    PubdataIndexOutOfRange {
        /// The index read or assigned.
        index: u64,
        /// The number of positions of the state tree.
        capacity: u64,
    },
    /// Pubdata breaks a rule of its layout (a varint too long, a key tag that cannot be, a value
    /// longer than 32 bytes, empty code).
    #[error("malformed pubdata at offset {offset}: {reason}")]
    PubdataMalformed {
        /// Where the offending field starts.
        offset: usize,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A batch's rows take more bytes than the header's 32-bit length can announce.
    #[error(
        "a batch's writes take {len} bytes, more than the pubdata header can announce (2^32 - 1)"
    )]
    PubdataTooLarge {
        /// The rows' byte length.
        len: usize,
    },
    /// A first write names an entry that already has an index, at another position or earlier in the
    /// batch.
    #[error("pubdata has a first write of the {0}, which already has an index")]
    PubdataKnownEntry(EntryKey),
    /// Pubdata's code is not in strictly ascending keccak256 order (out of order or published twice).
    #[error("pubdata code out of order or published twice at offset {offset}")]
    PubdataCodeUnsorted {
        /// Where the offending code starts.
        offset: usize,
    },
    /// A write leaves its entry's value unchanged (a first write of zero included).
    #[error("pubdata write of the {0} leaves its value unchanged")]
    PubdataNoopWrite(EntryKey),
    /// An add or sub packing leaves the 256-bit range.
    #[error("pubdata delta of the {entry} over- or underflows its previous value {previous:#x}")]
    PubdataDeltaOutOfRange {
        /// The entry written.
        entry: EntryKey,
        /// Its previous value.
        previous: U256,
    },
    /// A value that the entry cannot hold, or an account field with a slot.
    #[error("pubdata cannot set the {entry} to {value:#x}: {reason}")]
    PubdataInvalidEntry {
        /// The entry written.
        entry: EntryKey,
        /// The value.
        value: U256,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A code-hash write names code that is neither known nor published with the batch.
    #[error("pubdata sets a code hash {0} whose code is neither known nor published")]
    PubdataMissingCode(B256),
    /// Pubdata publishes code that is already known.
    #[error("pubdata publishes code {0}, which is already known")]
    PubdataKnownCode(B256),
    /// Pubdata publishes code that no code-hash write of the batch uses.
    #[error("pubdata publishes code {0}, which no code-hash write of the batch uses")]
    PubdataUnusedCode(B256),
    /// Code given to the encoder under a hash that is not its keccak256.
    #[error("code given under hash {expected} hashes to {actual}")]
    PubdataCodeHash {
        /// The hash it was given under.
        expected: B256,
        /// Its keccak256.
        actual: B256,
    },
    /// Data too large for the blobs of one batch.
    #[error("{len} bytes of pubdata do not fit in the blobs of one batch (at most {max})")]
    BlobDataTooLarge {
        /// Bytes given.
        len: usize,
        /// The most that fit.
        max: usize,
    },
    /// No blob, or more than one batch may use.
    #[error("{count} blobs given, a batch uses 1 to {max}")]
    BlobCount {
        /// Blobs given.
        count: usize,
        /// The most a batch may use.
        max: usize,
    },
    /// A blob's field element has a non-zero top byte.
    #[error("field element {element} of blob {blob} has top byte {byte:#04x}, must be 0")]
    BlobFieldElement {
        /// The blob, from 0.
        blob: usize,
        /// The field element within it, from 0.
        element: usize,
        /// Its top byte.
        byte: u8,
    },
    /// The blobs' length prefix exceeds what they carry.
    #[error("blob length prefix {len} exceeds the {capacity} bytes the blobs carry")]
    BlobLength {
        /// The length read.
        len: usize,
        /// Data bytes the blobs carry.
        capacity: usize,
    },
    /// More blobs than the data needs.
    #[error("{count} blobs carry {len} bytes, which need {needed}")]
    BlobExtra {
        /// Blobs given.
        count: usize,
        /// The data's length.
        len: usize,
        /// Blobs it needs.
        needed: usize,
    },
    /// Non-zero bytes after the data in the last blob.
    #[error("non-zero blob padding at data offset {offset}")]
    BlobPadding {
        /// Offset of the first non-zero padding byte in the blob stream (length prefix included).
        offset: usize,
    },
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
