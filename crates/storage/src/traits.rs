//! The storage API: what the rest of the node depends on.

use alloy_primitives::{Address, B256, Bytes, U256};
use fractal_primitives::AccountInfo;

use crate::{LogQuery, NewBlock, Result, StoredBlock, StoredLog, StoredReceipt, StoredTransaction};

/// Reads account state at the latest block or at a recent historical one.
///
/// `at = None` reads the latest state; `at = Some(n)` reads the state right after block `n`.
/// A number beyond the latest block gives [`Error::UnknownBlock`](crate::Error::UnknownBlock),
/// one older than [`BlockReader::oldest_state_block`] gives
/// [`Error::HistoryPruned`](crate::Error::HistoryPruned). Each call reads one consistent
/// snapshot; a caller making several reads for one request (an `eth_call`) should resolve
/// "latest" to a number once and pass `Some(n)` to every read.
pub trait StateReader: Send + Sync {
    /// The account's nonce, balance and code hash; `None` if it does not exist.
    fn account(&self, address: Address, at: Option<u64>) -> Result<Option<AccountInfo>>;

    /// A storage slot's value (zero if never written or cleared).
    fn storage(&self, address: Address, slot: U256, at: Option<u64>) -> Result<U256>;

    /// Contract code by its keccak256 hash (code is never pruned).
    fn code_by_hash(&self, hash: B256) -> Result<Option<Bytes>>;
}

/// Reads blocks, transactions, receipts and logs.
pub trait BlockReader: Send + Sync {
    /// The latest stored block number; `None` before genesis.
    fn latest_block_number(&self) -> Result<Option<u64>>;

    /// The block with number `n`.
    fn block_by_number(&self, n: u64) -> Result<Option<StoredBlock>>;

    /// The number of the block with hash `hash`.
    fn block_number_by_hash(&self, hash: B256) -> Result<Option<u64>>;

    /// The hash of block `n`.
    fn block_hash(&self, n: u64) -> Result<Option<B256>>;

    /// A transaction by hash, with its block position and sender.
    fn transaction(&self, hash: B256) -> Result<Option<StoredTransaction>>;

    /// The receipt of a transaction.
    fn receipt(&self, tx_hash: B256) -> Result<Option<StoredReceipt>>;

    /// All receipts of block `n`, in transaction order; `None` if the block is unknown.
    fn block_receipts(&self, n: u64) -> Result<Option<Vec<StoredReceipt>>>;

    /// Logs matching `filter`, in chain order.
    ///
    /// The range is clamped to the latest block; a reversed range, one spanning more than
    /// [`LogQuery::MAX_BLOCK_RANGE`] blocks, or more than [`LogQuery::MAX_LOGS`] results is an
    /// error.
    fn logs(&self, filter: &LogQuery) -> Result<Vec<StoredLog>>;

    /// The oldest block whose state can still be read (0 until pruning starts).
    fn oldest_state_block(&self) -> Result<u64>;

    /// The block with hash `hash`.
    fn block_by_hash(&self, hash: B256) -> Result<Option<StoredBlock>> {
        match self.block_number_by_hash(hash)? {
            Some(n) => self.block_by_number(n),
            None => Ok(None),
        }
    }
}

/// Appends blocks.
pub trait BlockWriter {
    /// Appends the next block atomically: header, transactions, receipts, the log index, the
    /// state diff and the changeset (previous values) that serves state at older numbers, then
    /// prunes changesets older than the configured history.
    ///
    /// The block must be number `latest + 1` (0 for genesis, whose diff creates the genesis
    /// allocation) and name the latest block as its parent. On error nothing is written.
    fn append_block(&self, block: NewBlock) -> Result<()>;

    /// Appends the next block like [`append_block`](Self::append_block) (same checks, visible to
    /// readers when it returns) without waiting for the disk: it is durable once a later
    /// `append_block` or [`sync`](Self::sync) returns. A crash before then loses the deferred blocks
    /// (the latest ones, whole), never part of one, and the store reopens at the last durable block.
    ///
    /// For a writer that can rebuild what a crash loses: the sequencer keeps the transactions of
    /// every block not yet durable in its write-ahead logs. A store without a cheaper path makes
    /// the block durable at once.
    fn append_block_deferred(&self, block: NewBlock) -> Result<()> {
        self.append_block(block)
    }

    /// Makes every appended block durable.
    fn sync(&self) -> Result<()> {
        Ok(())
    }
}

/// Everything a store does, for `Arc<dyn Store>`.
pub trait Store: StateReader + BlockReader + BlockWriter {}

impl<T: StateReader + BlockReader + BlockWriter> Store for T {}
