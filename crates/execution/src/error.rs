//! The crate's error type.

use alloy_primitives::{B256, Bytes};

use crate::InvalidTx;

/// A failure reading the state a block or call executes on.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The backing store failed (I/O, corruption, a closed snapshot…).
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// An account names a code hash the source holds no code for.
    #[error("no code stored for code hash {0}")]
    MissingCode(B256),
}

impl SourceError {
    /// Wraps a backend's own error.
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
    }
}

// revm requires its database errors to carry this marker.
impl revm::database_interface::DBErrorMarker for SourceError {}

/// Everything that can stop a block, call or estimate from producing a result.
///
/// Invalid transactions inside a block are not errors: they are skipped and reported in
/// [`ExecutedBlock::skipped`](crate::ExecutedBlock::skipped).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The state source failed while executing a block (or a call at that block).
    #[error("state source failed at block {block}{}: {source}", tx_suffix(.tx))]
    Source {
        /// Number of the block being executed.
        block: u64,
        /// The transaction being executed, if the failure happened inside one.
        tx: Option<B256>,
        /// What the source reported.
        #[source]
        source: SourceError,
    },
    /// The state source failed while a transaction was checked for the mempool.
    #[error("state source failed while validating transaction {tx}: {source}")]
    SourceWhileValidating {
        /// The transaction being checked.
        tx: B256,
        /// What the source reported.
        #[source]
        source: SourceError,
    },
    /// A priority operation cannot be placed in the block at all (its call failing is not this).
    #[error("priority operation {index} cannot be executed: {reason}")]
    InvalidPriorityOp {
        /// Its queue index.
        index: u64,
        /// Why.
        reason: String,
    },
    /// The block environment is unusable (for example its gas limit exceeds the chain's).
    #[error("invalid environment for block {block}: {reason}")]
    InvalidBlockEnv {
        /// Number of the block.
        block: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// revm failed in a way that is neither an invalid transaction nor a state-source failure
    /// (a fatal precompile error, for instance).
    #[error("evm failure at block {block}{}: {message}", tx_suffix(.tx))]
    Evm {
        /// Number of the block being executed.
        block: u64,
        /// The transaction being executed, if any.
        tx: Option<B256>,
        /// revm's description of the failure.
        message: String,
    },
    /// An `eth_call` / `eth_estimateGas` request is not a valid transaction against the state.
    #[error("invalid call at block {block}: {reason}")]
    InvalidCall {
        /// Number of the block the call runs on.
        block: u64,
        /// Why the call cannot run.
        reason: InvalidTx,
    },
    /// Gas estimation failed because the call reverts even with the maximum gas.
    #[error("execution reverted at block {block} during gas estimation")]
    Reverted {
        /// Number of the block the call runs on.
        block: u64,
        /// The revert data (ABI-encoded reason, custom error or empty).
        output: Bytes,
    },
    /// Gas estimation failed because the call halts even with the maximum gas
    /// (out of gas, invalid opcode…).
    #[error("execution halted at block {block} during gas estimation with {gas_cap} gas: {reason}")]
    Halted {
        /// Number of the block the call runs on.
        block: u64,
        /// The most gas that was tried.
        gas_cap: u64,
        /// revm's halt reason.
        reason: String,
    },
}

fn tx_suffix(tx: &Option<B256>) -> String {
    tx.map(|hash| format!(" in transaction {hash}"))
        .unwrap_or_default()
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
