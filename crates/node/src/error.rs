use alloy_primitives::{Address, B256, U256};

/// Errors of the node. Variants carried back to RPC clients name the transaction and the rule broken.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A raw transaction could not be decoded.
    #[error("failed to decode transaction: {0}")]
    Decode(String),
    /// The transaction's signature does not recover to a sender.
    #[error("invalid transaction signature")]
    BadSignature,
    /// No block has this number.
    #[error("unknown block {0}")]
    UnknownBlock(u64),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] fractal_storage::Error),
    /// Execution failed (not an invalid transaction: those are reported per transaction).
    #[error(transparent)]
    Execution(#[from] fractal_execution::Error),
    /// The pending block's write-ahead log failed.
    #[error("write-ahead log: {0}")]
    Wal(String),
    /// A priority operation arrived out of queue order.
    #[error(
        "priority operation {got} would leave a gap: the chain expects operation {expected} next"
    )]
    PriorityGap {
        /// The index the chain expects.
        expected: u64,
        /// The index that arrived.
        got: u64,
    },
    /// The shared encodings refused a value (a malformed priority transaction in a log, say).
    #[error(transparent)]
    Encoding(#[from] fractal_primitives::Error),
    /// The parent chain could not be read.
    #[error("parent chain: {0}")]
    Parent(String),
    /// Sealing or serving a batch failed.
    #[error("batch: {0}")]
    Batch(String),
    /// The messages a batch collected from the outbox's events do not fold the outbox's message chain
    /// (its storage slot 2) from its value before the batch to the value the batch's blocks left: the
    /// batch proof would refuse the batch, so the node does not seal it.
    #[error(
        "batch {batch}: its {messages} message leaves fold the outbox's message chain to {expected:#x}, but its blocks leave it at {actual:#x}"
    )]
    MessageChainMismatch {
        /// The batch being sealed.
        batch: u64,
        /// How many messages the node collected for it.
        messages: usize,
        /// The chain the collected leaves fold to, from the chain before the batch.
        expected: U256,
        /// The chain the batch's state writes leave in slot 2.
        actual: U256,
    },
    /// The chain configuration is invalid.
    #[error("invalid chain configuration: {0}")]
    Config(String),
    /// The transaction's nonce was already used by the sender.
    #[error("nonce too low: sender {sender} is at nonce {expected}, transaction has {got}")]
    NonceTooLow {
        /// The sender.
        sender: Address,
        /// The next nonce the chain expects from the sender.
        expected: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// The transaction leaves a gap after the sender's last known nonce.
    #[error("nonce too high: sender {sender} can use nonce {expected} next, transaction has {got}")]
    NonceTooHigh {
        /// The sender.
        sender: Address,
        /// The next nonce the pool accepts from the sender.
        expected: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// The sender cannot pay for gas and value.
    #[error(
        "insufficient funds for gas * price + value: sender {sender} has {balance}, needs {cost}"
    )]
    InsufficientFunds {
        /// The sender.
        sender: Address,
        /// The sender's balance.
        balance: U256,
        /// What the transaction may cost.
        cost: U256,
    },
    /// A transaction with the same sender and nonce is pending and this one does not pay enough more.
    #[error(
        "replacement transaction underpriced: {existing} pays {old_fee} per gas, a replacement needs at least {min_fee}"
    )]
    ReplacementUnderpriced {
        /// The pending transaction.
        existing: B256,
        /// Its max fee per gas.
        old_fee: u128,
        /// The lowest max fee per gas that replaces it.
        min_fee: u128,
    },
    /// The same transaction is already pending.
    #[error("already known: transaction {0}")]
    AlreadyKnown(B256),
    /// The transaction's fee cap is below what the chain charges.
    #[error("transaction underpriced: max fee per gas {offered} is below the base fee {base_fee}")]
    Underpriced {
        /// The transaction's max fee per gas.
        offered: u128,
        /// The chain's base fee.
        base_fee: u128,
    },
    /// The transaction is larger than the pool accepts.
    #[error("oversized data: transaction is {size} bytes, the limit is {max}")]
    Oversized {
        /// The encoded size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The gas limit is below the transaction's intrinsic gas.
    #[error("intrinsic gas too low: transaction needs at least {needed} gas, allows {gas_limit}")]
    IntrinsicGasTooLow {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// Its intrinsic gas.
        needed: u64,
    },
    /// The gas limit exceeds what one transaction may use.
    #[error("exceeds block gas limit: transaction gas limit {gas_limit} is above {max}")]
    GasLimitTooHigh {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// The cap.
        max: u64,
    },
    /// The transaction is signed for another chain (or without a chain id).
    #[error("invalid chain id: expected {expected}, transaction has {}", .got.map_or_else(|| "none (pre-EIP-155)".to_owned(), |id| id.to_string()))]
    WrongChainId {
        /// This chain's id.
        expected: u64,
        /// The transaction's chain id (None: a pre-EIP-155 transaction).
        got: Option<u64>,
    },
    /// The pool holds as many transactions as it may.
    #[error("txpool is full: {max} transactions pending")]
    PoolFull {
        /// The pool's capacity.
        max: usize,
    },
    /// The sender has as many pending transactions as one sender may.
    #[error("too many pending transactions from {sender}: the limit is {max}")]
    SenderLimit {
        /// The sender.
        sender: Address,
        /// The per-sender limit.
        max: usize,
    },
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
