use alloy_primitives::U256;

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
    /// A key is not present in the sparse Merkle tree.
    #[error("state key {0:#x} is not in the tree")]
    MissingKey(U256),
    /// A deployment file could not be parsed or is inconsistent.
    #[error("invalid deployment file: {0}")]
    InvalidDeployment(String),
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
