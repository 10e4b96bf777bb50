//! The records the store takes in and hands out.

use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bloom, Bytes, Log};
use fractal_primitives::StateDiff;

/// How much state history the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryConfig {
    /// State can be read at the latest block and at this many blocks before it; older changesets
    /// are pruned after each append. Blocks, transactions, receipts and logs are never pruned.
    pub keep_blocks: u64,
}

impl HistoryConfig {
    /// The default number of historical blocks whose state stays readable.
    pub const DEFAULT_KEEP_BLOCKS: u64 = 10_000;

    /// Sets how many blocks of state history to keep.
    pub fn set_keep_blocks(&mut self, keep_blocks: u64) -> &mut Self {
        self.keep_blocks = keep_blocks;
        self
    }

    /// Returns the configuration with `keep_blocks` blocks of state history.
    #[must_use]
    pub fn with_keep_blocks(mut self, keep_blocks: u64) -> Self {
        self.keep_blocks = keep_blocks;
        self
    }
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self {
            keep_blocks: Self::DEFAULT_KEEP_BLOCKS,
        }
    }
}

/// A stored block: its header, hash and the hashes of its transactions in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlock {
    /// The header.
    pub header: Header,
    /// The block hash (as given to [`BlockWriter::append_block`](crate::BlockWriter::append_block)).
    pub hash: B256,
    /// Transaction hashes, in block order.
    pub tx_hashes: Vec<B256>,
}

impl StoredBlock {
    /// The block number.
    pub fn number(&self) -> u64 {
        self.header.number
    }
}

/// A transaction of a block being appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransaction {
    /// The transaction hash.
    pub hash: B256,
    /// The signed transaction, EIP-2718 encoded (legacy transactions as their RLP list).
    pub raw: Bytes,
    /// The recovered signer.
    pub sender: Address,
}

/// The outcome of executing one transaction, as the block producer computed it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Receipt {
    /// The EIP-2718 transaction type (0 for legacy).
    pub tx_type: u8,
    /// Whether execution succeeded (status 1).
    pub success: bool,
    /// Gas used by this and all earlier transactions of the block.
    pub cumulative_gas_used: u64,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// The price per gas actually paid.
    pub effective_gas_price: u128,
    /// The sender.
    pub from: Address,
    /// The recipient; `None` for contract creation.
    pub to: Option<Address>,
    /// The created contract, if any.
    pub contract_address: Option<Address>,
    /// Logs emitted, in order.
    pub logs: Vec<Log>,
    /// Bloom filter of the logs.
    pub logs_bloom: Bloom,
}

/// A stored receipt with its position in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReceipt {
    /// The transaction this receipt belongs to.
    pub tx_hash: B256,
    /// The block holding the transaction.
    pub block_number: u64,
    /// That block's hash.
    pub block_hash: B256,
    /// The transaction's index in the block.
    pub index: u64,
    /// Index in the block of this receipt's first log (the `logIndex` of `receipt.logs[0]`).
    pub first_log_index: u64,
    /// The execution outcome.
    pub receipt: Receipt,
}

/// A stored transaction with its position in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransaction {
    /// The transaction hash.
    pub hash: B256,
    /// The signed transaction, EIP-2718 encoded.
    pub raw: Bytes,
    /// The recovered signer.
    pub sender: Address,
    /// The block holding it.
    pub block_number: u64,
    /// That block's hash.
    pub block_hash: B256,
    /// Its index in the block.
    pub index: u64,
}

/// A log found by [`BlockReader::logs`](crate::BlockReader::logs), with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLog {
    /// The log.
    pub log: Log,
    /// The block that emitted it.
    pub block_number: u64,
    /// That block's hash.
    pub block_hash: B256,
    /// The emitting transaction.
    pub tx_hash: B256,
    /// That transaction's index in the block.
    pub tx_index: u64,
    /// The log's index among all logs of the block.
    pub log_index: u64,
}

/// Everything [`BlockWriter::append_block`](crate::BlockWriter::append_block) stores for one block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewBlock {
    /// The header; `header.number` must be the latest block's number plus one (0 for genesis)
    /// and `header.parent_hash` the latest block's hash (any value for genesis).
    pub header: Header,
    /// The block hash (normally `header.hash_slow()`; stored as given).
    pub hash: B256,
    /// Transactions in block order.
    pub transactions: Vec<NewTransaction>,
    /// One receipt per transaction, in the same order.
    pub receipts: Vec<Receipt>,
    /// The state the block leaves behind: final values of every account it changed.
    pub diff: StateDiff,
}

impl NewBlock {
    /// A block with `header`, hashed as Ethereum does (`keccak256(rlp(header))`).
    pub fn new(
        header: Header,
        transactions: Vec<NewTransaction>,
        receipts: Vec<Receipt>,
        diff: StateDiff,
    ) -> Self {
        let hash = header.hash_slow();
        Self {
            header,
            hash,
            transactions,
            receipts,
            diff,
        }
    }

    /// The block number.
    pub fn number(&self) -> u64 {
        self.header.number
    }
}

/// A log filter: an inclusive block range, emitters and topics.
///
/// A log matches when its address is one of `addresses` (any address if empty) and, for each
/// position `i`, its topic `i` is one of `topics[i]` (any topic, even none, if empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogQuery {
    /// First block (inclusive).
    pub from_block: u64,
    /// Last block (inclusive); blocks after the latest are ignored.
    pub to_block: u64,
    /// Emitting addresses, any of; empty matches every address.
    pub addresses: Vec<Address>,
    /// Topic sets by position, any of each; an empty set is a wildcard.
    pub topics: [Vec<B256>; 4],
}

impl LogQuery {
    /// The largest block span a query may cover.
    pub const MAX_BLOCK_RANGE: u64 = 10_000;
    /// The largest number of logs a query may return.
    pub const MAX_LOGS: usize = 10_000;

    /// All logs of blocks `from_block..=to_block`.
    pub fn new(from_block: u64, to_block: u64) -> Self {
        Self {
            from_block,
            to_block,
            ..Self::default()
        }
    }

    /// Also matches logs emitted by `address`.
    #[must_use]
    pub fn with_address(mut self, address: Address) -> Self {
        self.addresses.push(address);
        self
    }

    /// Also accepts `topic` at `position` (0 to 3).
    ///
    /// # Panics
    /// If `position` is 4 or more.
    #[must_use]
    pub fn with_topic(mut self, position: usize, topic: B256) -> Self {
        self.topics[position].push(topic);
        self
    }

    /// Whether `log` passes the address and topic filters (the block range is not checked).
    pub fn matches(&self, log: &Log) -> bool {
        if !self.addresses.is_empty() && !self.addresses.contains(&log.address) {
            return false;
        }
        let topics = log.topics();
        self.topics.iter().enumerate().all(|(i, wanted)| {
            wanted.is_empty() || topics.get(i).is_some_and(|t| wanted.contains(t))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(address: Address, topics: &[B256]) -> Log {
        Log::new_unchecked(address, topics.to_vec(), Bytes::new())
    }

    #[test]
    fn query_matches_addresses_and_topic_sets() {
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let (t1, t2, t3) = (
            B256::repeat_byte(1),
            B256::repeat_byte(2),
            B256::repeat_byte(3),
        );
        let any = LogQuery::new(0, 0);
        assert!(any.matches(&log(a, &[])));
        let q = LogQuery::new(0, 0).with_address(a).with_address(b);
        assert!(q.matches(&log(b, &[t1])));
        assert!(!q.matches(&log(Address::ZERO, &[t1])));
        let q = LogQuery::new(0, 0).with_topic(1, t2).with_topic(1, t3);
        assert!(q.matches(&log(a, &[t1, t3])));
        assert!(
            !q.matches(&log(a, &[t1])),
            "a missing topic does not match a set"
        );
        assert!(!q.matches(&log(a, &[t1, t1])));
    }

    #[test]
    fn history_config_defaults_and_setters() {
        assert_eq!(HistoryConfig::default().keep_blocks, 10_000);
        let mut c = HistoryConfig::default().with_keep_blocks(5);
        assert_eq!(c.keep_blocks, 5);
        c.set_keep_blocks(7);
        assert_eq!(c.keep_blocks, 7);
    }
}
