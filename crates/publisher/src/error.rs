use std::{fmt, path::PathBuf};

use alloy::{
    primitives::{Address, B256},
    transports::TransportError,
};

use crate::{RevertReason, Step};

/// Which JSON-RPC endpoint a failed request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// The parent chain (L1, or the Fractal chain hosting the child).
    Parent,
    /// The batch source (the child chain's node).
    Source,
    /// The child chain's node, for receipts and message proofs.
    Child,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Parent => "parent chain",
            Self::Source => "batch source",
            Self::Child => "child chain",
        })
    }
}

/// Errors of the publisher and of withdrawal finalization.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A JSON-RPC request failed: unreachable endpoint, error response, or an answer of the wrong shape.
    #[error("{at} json-rpc {method} failed: {source}")]
    Rpc {
        /// The endpoint.
        at: Endpoint,
        /// The method or contract function.
        method: &'static str,
        /// What went wrong.
        #[source]
        source: TransportError,
    },
    /// A contract answered a view call with bytes that do not decode as its declared return type.
    #[error("{contract}: the answer of {method} does not decode: {source}")]
    Decode {
        /// The function.
        method: &'static str,
        /// The contract called.
        contract: Address,
        /// The decoding error.
        #[source]
        source: alloy::sol_types::Error,
    },
    /// The settlement contract belongs to another chain than the one configured.
    #[error("settlement {settlement} settles chain {actual}, not chain {expected}")]
    ChainIdMismatch {
        /// The settlement contract.
        settlement: Address,
        /// The configured chain id.
        expected: u64,
        /// The chain id the contract reports.
        actual: u64,
    },
    /// The batch source answered with a batch numbered differently from the one asked for.
    #[error("the batch source answered batch {actual} when asked for batch {requested}")]
    SourceMismatch {
        /// The batch asked for.
        requested: u64,
        /// The batch number in the answer.
        actual: u64,
    },
    /// The parent chain has committed a batch that the batch source does not serve.
    #[error("batch {batch} is committed on the parent chain but the batch source does not have it")]
    BatchMissing {
        /// The batch.
        batch: u64,
    },
    /// The batch to commit is not the next one.
    #[error("batch source served batch {actual} where batch {expected} comes next")]
    BatchNumberMismatch {
        /// The next batch number on the parent chain.
        expected: u64,
        /// The header's batch number.
        actual: u64,
    },
    /// The batch does not continue the state root committed before it.
    #[error(
        "batch {batch} starts from state root {actual}, but the batch before it ends at {expected}"
    )]
    PrevStateRootMismatch {
        /// The batch.
        batch: u64,
        /// The previous batch's new state root (on the parent chain).
        expected: B256,
        /// The header's previous state root.
        actual: B256,
    },
    /// The header's pubdata commitment is not what the chain's DA policy computes for the batch's
    /// pubdata (keccak256 of it, or of its blobs' versioned hashes).
    #[error(
        "batch {batch} commits to pubdata {actual}, but its pubdata's DA commitment is {expected}"
    )]
    PubdataCommitmentMismatch {
        /// The batch.
        batch: u64,
        /// keccak256 of the pubdata.
        expected: B256,
        /// The header's commitment.
        actual: B256,
    },
    /// The pubdata cannot be put in blobs (too large), or KZG failed.
    #[error("DA: {0}")]
    Da(#[from] fractal_da::Error),
    /// A root of the header is not a BN254 field element.
    #[error("batch {batch} has a root outside the BN254 scalar field")]
    FieldOutOfRange {
        /// The batch.
        batch: u64,
    },
    /// The parent chain stores another header for this batch than the batch source serves.
    #[error(
        "batch {batch}: the parent chain stores header hash {on_parent}, the batch source's header hashes to {at_source}"
    )]
    HeaderHashMismatch {
        /// The batch.
        batch: u64,
        /// `batchHash(batch)` on the parent chain.
        on_parent: B256,
        /// The hash of the header the source serves.
        at_source: B256,
    },
    /// The `eth_call` (or gas estimation) run before signing shows the transaction would revert;
    /// nothing was sent.
    #[error("{step} would revert: {reason}")]
    Preflight {
        /// What the transaction was for.
        step: Step,
        /// The decoded revert.
        reason: Box<RevertReason>,
    },
    /// A transaction was mined and reverted.
    #[error("{step} reverted in transaction {tx}: {reason}")]
    Reverted {
        /// What the transaction was for.
        step: Step,
        /// The mined transaction.
        tx: B256,
        /// The revert, replayed with `eth_call` on the state before the transaction's block.
        reason: Box<RevertReason>,
    },
    /// Signing a transaction failed.
    #[error("signing a transaction failed: {0}")]
    Signing(#[from] alloy::signers::Error),
    /// Reading or writing the progress file (or the data directory's lock) failed.
    #[error("{path}: {source}")]
    Progress {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The progress file is not valid JSON of the expected shape.
    #[error("{path} is not a valid progress file: {source}")]
    ProgressCorrupt {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The progress file belongs to another chain, settlement or operator.
    #[error(
        "{path} records chain {chain_id}, settlement {settlement} and operator {operator}; this publisher runs chain {expected_chain_id}, settlement {expected_settlement}, operator {expected_operator}"
    )]
    ProgressForeign {
        /// The file.
        path: PathBuf,
        /// The chain id it records.
        chain_id: u64,
        /// The settlement it records.
        settlement: Address,
        /// The operator it records.
        operator: Address,
        /// This publisher's chain id.
        expected_chain_id: u64,
        /// This publisher's settlement.
        expected_settlement: Address,
        /// This publisher's operator.
        expected_operator: Address,
    },
    /// Another publisher holds the data directory.
    #[error("{path} is locked: another publisher uses this data directory")]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// The public inputs of a batch cannot be computed (a value is not a field element).
    #[error("batch {batch}: public inputs: {source}")]
    PublicInputs {
        /// The batch.
        batch: u64,
        /// The encoding error.
        #[source]
        source: fractal_primitives::Error,
    },
    /// The prover failed.
    #[error("proving batch {batch} failed: {source}")]
    Prover {
        /// The batch.
        batch: u64,
        /// The prover's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The child chain has no receipt for the transaction.
    #[error("the child chain has no receipt for transaction {tx}")]
    TransactionNotFound {
        /// The child-chain transaction.
        tx: B256,
    },
    /// The child-chain transaction sent no withdrawal (no `MessageSent` from the bridge).
    #[error("transaction {tx} sent no withdrawal (no MessageSent of the bridge in its logs)")]
    NoWithdrawal {
        /// The child-chain transaction.
        tx: B256,
    },
    /// The withdrawal's batch is not sealed yet: wait for the node to seal it.
    #[error(
        "withdrawal {nonce} is not in a sealed batch yet: wait for the node to seal its batch (or use --wait)"
    )]
    WithdrawalNotSealed {
        /// The message nonce.
        nonce: u64,
    },
    /// The withdrawal's batch is sealed but not executed on the parent chain yet.
    #[error(
        "withdrawal {nonce} is in batch {batch}, but the parent chain has executed batches up to {executed} only: wait for the publisher to execute batch {batch} (or use --wait)"
    )]
    WithdrawalNotExecuted {
        /// The message nonce.
        nonce: u64,
        /// Its batch.
        batch: u64,
        /// The last executed batch.
        executed: u64,
    },
    /// Every withdrawal of the transaction was finalized already.
    #[error("withdrawal(s) {nonces:?} of chain {chain_id} are already finalized")]
    WithdrawalAlreadyFinalized {
        /// The child chain.
        chain_id: u64,
        /// The message nonces.
        nonces: Vec<u64>,
    },
    /// The node's message proof does not carry the message the transaction emitted.
    #[error(
        "the node's proof for message {nonce} carries another message than the transaction emitted"
    )]
    WithdrawalProofMismatch {
        /// The message nonce.
        nonce: u64,
    },
}

impl Error {
    /// Whether the error may go away by itself (an endpoint down or overloaded): the publisher's loop
    /// retries those and stops on every other error.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Rpc { source, .. } if source.is_transport_error() || is_server_busy(source))
    }
}

fn is_server_busy(error: &TransportError) -> bool {
    error
        .as_error_resp()
        .is_some_and(|e| e.code == -32005 || e.code == 429)
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
