//! The crate's error type.

use alloy_primitives::B256;

/// What can go wrong while setting up keys or proving a batch.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The compiled circuit (`.wasm`, `.r1cs`) is missing or unreadable.
    #[error("circuit {path}: {reason} (compile it with `make circuits`)")]
    Circuit {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Proving keys are missing, unreadable or made for another circuit.
    #[error("proving key: {0}")]
    Key(String),
    /// The batch cannot be proven with the data given: the prover refuses before any proving work.
    #[error("batch {batch} cannot be proven: {reason}")]
    Refused {
        /// The batch number.
        batch: u64,
        /// Why.
        reason: String,
    },
    /// The circuit's witness calculator rejected the inputs (a constraint does not hold).
    #[error("batch {batch}, chunk {chunk}: the circuit rejects the witness: {reason}")]
    Unsatisfied {
        /// The batch number.
        batch: u64,
        /// The chunk index.
        chunk: usize,
        /// The calculator's message.
        reason: String,
    },
    /// Groth16 proving or verification failed.
    #[error("groth16: {0}")]
    Groth16(String),
    /// A proof produced here does not verify under its own key (a key/circuit mismatch).
    #[error("batch {batch}, chunk {chunk}: the proof does not verify under key {circuit}")]
    SelfCheck {
        /// The batch number.
        batch: u64,
        /// The chunk index.
        chunk: usize,
        /// The circuit hash of the key.
        circuit: B256,
    },
    /// A batch proof's bytes do not decode.
    #[error("malformed batch proof: {0}")]
    MalformedProof(String),
    /// An external tool (snarkjs, for a ceremony setup) failed.
    #[error("{tool}: {reason}")]
    Tool {
        /// The tool.
        tool: String,
        /// Its error output.
        reason: String,
    },
    /// A snarkjs file (`.zkey`, `.wtns`) could not be written.
    #[error("writing a snarkjs {file} file: {source}")]
    SnarkjsFile {
        /// The kind of file.
        file: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An encoding error from `fractal-primitives`.
    #[error(transparent)]
    Primitives(#[from] fractal_primitives::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(path: impl AsRef<std::path::Path>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.as_ref().display().to_string();
    move |source| Error::Io { path, source }
}
