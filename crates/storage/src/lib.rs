//! Fractal's storage: the node's embedded, crash-safe store of blocks, transactions, receipts,
//! logs, the current state (accounts, storage, code) and per-block changesets, so that state can
//! be read at the latest block and at recent historical block numbers. The rest of the node
//! depends only on the [`StateReader`], [`BlockReader`] and [`BlockWriter`] traits (split like
//! reth's storage API and provider); [`RedbStore`] implements them over one redb file, with one
//! write transaction per appended block (fsynced, or deferred to a later sync with
//! [`BlockWriter::append_block_deferred`]), and the `test-utils` feature adds
//! `test_utils::InMemoryStore` with the same behaviour for other crates' tests.

mod apply;
mod codec;
mod error;
#[cfg(any(test, feature = "test-utils"))]
mod memory;
mod redb_store;
mod traits;
mod types;

#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;

pub use error::{Error, Result};
pub use redb_store::RedbStore;
pub use traits::{BlockReader, BlockWriter, StateReader, Store};
pub use types::{
    HistoryConfig, LogQuery, NewBlock, NewTransaction, Receipt, StoredBlock, StoredLog,
    StoredReceipt, StoredTransaction,
};
