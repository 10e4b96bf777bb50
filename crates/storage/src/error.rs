use std::path::PathBuf;

use alloy_primitives::{Address, B256};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The embedded database failed (I/O, corruption detected by redb, lock held by another process).
    #[error("database error: {0}")]
    Database(#[source] Box<redb::Error>),
    /// The directory holding the database file could not be created.
    #[error("cannot create the store directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The database file was written by an incompatible version of this crate.
    #[error("store schema version {found} is not supported (expected {expected})")]
    SchemaMismatch {
        /// Version found in the file.
        found: u64,
        /// Version this build reads and writes.
        expected: u64,
    },
    /// A stored record could not be decoded.
    #[error("corrupt {what} record in the store")]
    Corrupt {
        /// Which kind of record.
        what: &'static str,
    },
    /// `append_block` was given a block that does not directly follow the latest one.
    #[error("block {got} is out of order: the next block must be {expected}")]
    NonSequentialBlock {
        /// The number the next block must have.
        expected: u64,
        /// The number it had.
        got: u64,
    },
    /// `append_block` was given a block whose parent hash is not the latest block's hash.
    #[error("block {block} has parent hash {got}, but block {} is {expected}", .block.saturating_sub(1))]
    ParentHashMismatch {
        /// The block being appended.
        block: u64,
        /// Hash of the stored parent.
        expected: B256,
        /// Parent hash in the new header.
        got: B256,
    },
    /// A block's transactions and receipts do not pair up.
    #[error("block {block} has {transactions} transactions but {receipts} receipts")]
    ReceiptCountMismatch {
        /// The block being appended.
        block: u64,
        /// Number of transactions.
        transactions: usize,
        /// Number of receipts.
        receipts: usize,
    },
    /// A block contains a transaction that is already stored (in this or an earlier block).
    #[error("block {block} repeats transaction {tx}")]
    DuplicateTransaction {
        /// The block being appended.
        block: u64,
        /// The repeated transaction hash.
        tx: B256,
    },
    /// A block's state diff lists the same account twice.
    #[error("state diff of block {block} lists account {address} twice")]
    DuplicateAccount {
        /// The block being appended.
        block: u64,
        /// The repeated account.
        address: Address,
    },
    /// State or logs were asked for at a block the store does not have yet.
    #[error("block {block} is not in the store (latest block: {})", .latest.map_or_else(|| "none".to_owned(), |n| n.to_string()))]
    UnknownBlock {
        /// The requested block.
        block: u64,
        /// The latest stored block, if any.
        latest: Option<u64>,
    },
    /// State was asked for at a block older than the kept history.
    #[error("state at block {requested} was pruned: history is kept from block {oldest}")]
    HistoryPruned {
        /// The requested block.
        requested: u64,
        /// The oldest block whose state can still be read.
        oldest: u64,
    },
    /// A log query's range is reversed.
    #[error("log query from block {from} to block {to} is reversed")]
    InvalidLogRange {
        /// First block.
        from: u64,
        /// Last block.
        to: u64,
    },
    /// A log query spans more blocks than allowed.
    #[error("log query from block {from} to block {to} spans more than {max} blocks")]
    LogRangeTooLarge {
        /// First block.
        from: u64,
        /// Last block.
        to: u64,
        /// The largest span served.
        max: u64,
    },
    /// A log query matches more logs than allowed.
    #[error("log query from block {from} to block {to} matches more than {max} logs")]
    TooManyLogs {
        /// First block.
        from: u64,
        /// Last block.
        to: u64,
        /// The largest number of logs served.
        max: usize,
    },
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<redb::Error> for Error {
    fn from(e: redb::Error) -> Self {
        Self::Database(Box::new(e))
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Self::Database(Box::new(e.into()))
            }
        }
    )*};
}

from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);
