//! [`RedbStore`]: the store on disk, in one redb file.
//!
//! Tables (keys are fixed-width and big-endian, so byte order is numeric order):
//!
//! | table             | key                             | value                                   |
//! |-------------------|---------------------------------|-----------------------------------------|
//! | `meta`            | name (`schema`, `latest`, `oldest_state`) | u64                           |
//! | `headers`         | block number (u64)              | RLP header                              |
//! | `block_hashes`    | block number (u64)              | block hash                              |
//! | `block_numbers`   | block hash                      | block number (u64)                      |
//! | `block_txs`       | block number (u64)              | concatenated transaction hashes         |
//! | `transactions`    | tx hash                         | block, index, sender, raw EIP-2718      |
//! | `receipts`        | block ‖ tx index                | receipt (see `codec`)                   |
//! | `log_addresses`   | address ‖ block                 | () — blocks with logs from the address  |
//! | `log_topics`      | position ‖ topic ‖ block        | () — blocks with that topic there       |
//! | `accounts`        | address                         | nonce, balance, code hash               |
//! | `storage`         | address ‖ slot                  | non-zero value, minimal big-endian      |
//! | `code`            | code hash                       | code                                    |
//! | `account_history` | address ‖ block                 | the account before `block` (empty: none)|
//! | `storage_history` | address ‖ slot ‖ block          | the slot before `block`                 |
//! | `changesets`      | block number (u64)              | keys `block` changed (for pruning)      |
//!
//! State at block `n` < latest is "the old value recorded by the first change after `n`, else the
//! current value": one range lookup in a history table plus, when no later change exists, one
//! lookup in the current table.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use alloy_primitives::{Address, B256, Bytes, U256};
use fractal_primitives::AccountInfo;
use redb::{
    Database, Durability, ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable, Table,
    TableDefinition, WriteTransaction,
};

use crate::apply::{self, Changes, StateTables};
use crate::codec::{self, TxRecord};
use crate::{
    BlockReader, BlockWriter, Error, HistoryConfig, LogQuery, NewBlock, Result, StateReader,
    StoredBlock, StoredLog, StoredReceipt, StoredTransaction,
};

const META: TableDefinition<'_, &str, u64> = TableDefinition::new("meta");
const HEADERS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("headers");
const BLOCK_HASHES: TableDefinition<'_, u64, &[u8; 32]> = TableDefinition::new("block_hashes");
const BLOCK_NUMBERS: TableDefinition<'_, &[u8; 32], u64> = TableDefinition::new("block_numbers");
const BLOCK_TXS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("block_txs");
const TRANSACTIONS: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("transactions");
const RECEIPTS: TableDefinition<'_, &[u8; 16], &[u8]> = TableDefinition::new("receipts");
const LOG_ADDRESSES: TableDefinition<'_, &[u8; 28], ()> = TableDefinition::new("log_addresses");
const LOG_TOPICS: TableDefinition<'_, &[u8; 41], ()> = TableDefinition::new("log_topics");
const ACCOUNTS: TableDefinition<'_, &[u8; 20], &[u8]> = TableDefinition::new("accounts");
const STORAGE: TableDefinition<'_, &[u8; 52], &[u8]> = TableDefinition::new("storage");
const CODE: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("code");
const ACCOUNT_HISTORY: TableDefinition<'_, &[u8; 28], &[u8]> =
    TableDefinition::new("account_history");
const STORAGE_HISTORY: TableDefinition<'_, &[u8; 60], &[u8]> =
    TableDefinition::new("storage_history");
const CHANGESETS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("changesets");

const SCHEMA_KEY: &str = "schema";
const LATEST_KEY: &str = "latest";
const OLDEST_KEY: &str = "oldest_state";
/// Bumped whenever a table or an encoding changes incompatibly.
const SCHEMA_VERSION: u64 = 1;

/// The store on disk: one redb file, one write transaction per block, fsync on commit.
///
/// Readers see consistent snapshots and never block the writer. Open a file from one process at
/// a time (redb locks it).
#[derive(Debug)]
pub struct RedbStore {
    db: Database,
    path: PathBuf,
    config: HistoryConfig,
}

impl RedbStore {
    /// Opens the store at `path`, creating the file (and its directory) if missing.
    ///
    /// ```
    /// use fractal_storage::{BlockReader, HistoryConfig, RedbStore};
    /// # fn main() -> fractal_storage::Result<()> {
    /// # let dir = tempfile::tempdir().unwrap();
    /// let store = RedbStore::open(dir.path().join("chain.redb"), HistoryConfig::default())?;
    /// assert_eq!(store.latest_block_number()?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn open(path: impl AsRef<Path>, config: HistoryConfig) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let db = Database::create(&path)?;
        let tx = db.begin_write()?;
        {
            let mut meta = tx.open_table(META)?;
            let found = meta.get(SCHEMA_KEY)?.map(|v| v.value());
            match found {
                None => {
                    meta.insert(SCHEMA_KEY, SCHEMA_VERSION)?;
                }
                Some(SCHEMA_VERSION) => {}
                Some(found) => {
                    return Err(Error::SchemaMismatch {
                        found,
                        expected: SCHEMA_VERSION,
                    });
                }
            }
            // Create every table so that readers never meet a missing one.
            tx.open_table(HEADERS)?;
            tx.open_table(BLOCK_HASHES)?;
            tx.open_table(BLOCK_NUMBERS)?;
            tx.open_table(BLOCK_TXS)?;
            tx.open_table(TRANSACTIONS)?;
            tx.open_table(RECEIPTS)?;
            tx.open_table(LOG_ADDRESSES)?;
            tx.open_table(LOG_TOPICS)?;
            tx.open_table(ACCOUNTS)?;
            tx.open_table(STORAGE)?;
            tx.open_table(CODE)?;
            tx.open_table(ACCOUNT_HISTORY)?;
            tx.open_table(STORAGE_HISTORY)?;
            tx.open_table(CHANGESETS)?;
        }
        tx.commit()?;
        let store = Self { db, path, config };
        let latest = store.latest_block_number()?;
        tracing::info!(path = %store.path.display(), ?latest, keep_blocks = config.keep_blocks, "opened store");
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The history configuration the store was opened with.
    pub fn config(&self) -> HistoryConfig {
        self.config
    }

    fn read(&self) -> Result<ReadTransaction> {
        Ok(self.db.begin_read()?)
    }
}

fn meta_get(tx: &ReadTransaction, key: &str) -> Result<Option<u64>> {
    Ok(tx.open_table(META)?.get(key)?.map(|v| v.value()))
}

/// Latest block number and oldest readable state, in one snapshot.
fn bounds(tx: &ReadTransaction) -> Result<(Option<u64>, u64)> {
    let meta = tx.open_table(META)?;
    let latest = meta.get(LATEST_KEY)?.map(|v| v.value());
    let oldest = meta.get(OLDEST_KEY)?.map_or(0, |v| v.value());
    Ok((latest, oldest))
}

fn block_hash_in(tx: &ReadTransaction, n: u64) -> Result<Option<B256>> {
    Ok(tx
        .open_table(BLOCK_HASHES)?
        .get(n)?
        .map(|v| B256::from(*v.value())))
}

fn block_tx_hashes(tx: &ReadTransaction, n: u64) -> Result<Option<Vec<B256>>> {
    tx.open_table(BLOCK_TXS)?
        .get(n)?
        .map(|v| codec::decode_hashes(v.value()))
        .transpose()
}

/// Receipts of block `n` as `(index, receipt, first log index)`.
fn receipts_of(
    table: &ReadOnlyTable<&'static [u8; 16], &'static [u8]>,
    n: u64,
) -> Result<Vec<(u64, crate::Receipt, u64)>> {
    let (lo, hi) = (codec::receipt_key(n, 0), codec::receipt_key(n, u64::MAX));
    let mut out = Vec::new();
    for entry in table.range::<&[u8; 16]>(&lo..=&hi)? {
        let (k, v) = entry?;
        let (receipt, first) = codec::decode_receipt(v.value())?;
        out.push((codec::index_of_receipt_key(k.value()), receipt, first));
    }
    Ok(out)
}

impl StateReader for RedbStore {
    fn account(&self, address: Address, at: Option<u64>) -> Result<Option<AccountInfo>> {
        let tx = self.read()?;
        let (latest, oldest) = bounds(&tx)?;
        if let Some(n) = apply::resolve_at(at, latest, oldest)? {
            let history = tx.open_table(ACCOUNT_HISTORY)?;
            let lo = codec::address_block_key(&address, n + 1);
            let hi = codec::address_block_key(&address, u64::MAX);
            if let Some(entry) = history.range::<&[u8; 28]>(&lo..=&hi)?.next() {
                return codec::decode_account(entry?.1.value());
            }
        }
        let accounts = tx.open_table(ACCOUNTS)?;
        match accounts.get(&codec::account_key(&address))? {
            Some(v) => codec::decode_account(v.value()),
            None => Ok(None),
        }
    }

    fn storage(&self, address: Address, slot: U256, at: Option<u64>) -> Result<U256> {
        let tx = self.read()?;
        let (latest, oldest) = bounds(&tx)?;
        if let Some(n) = apply::resolve_at(at, latest, oldest)? {
            let history = tx.open_table(STORAGE_HISTORY)?;
            let lo = codec::slot_block_key(&address, &slot, n + 1);
            let hi = codec::slot_block_key(&address, &slot, u64::MAX);
            if let Some(entry) = history.range::<&[u8; 60]>(&lo..=&hi)?.next() {
                return codec::decode_word(entry?.1.value());
            }
        }
        let storage = tx.open_table(STORAGE)?;
        match storage.get(&codec::slot_key(&address, &slot))? {
            Some(v) => codec::decode_word(v.value()),
            None => Ok(U256::ZERO),
        }
    }

    fn code_by_hash(&self, hash: B256) -> Result<Option<Bytes>> {
        let tx = self.read()?;
        let code = tx.open_table(CODE)?;
        Ok(code
            .get(&hash.0)?
            .map(|v| Bytes::copy_from_slice(v.value())))
    }
}

impl BlockReader for RedbStore {
    fn latest_block_number(&self) -> Result<Option<u64>> {
        meta_get(&self.read()?, LATEST_KEY)
    }

    fn block_by_number(&self, n: u64) -> Result<Option<StoredBlock>> {
        let tx = self.read()?;
        let Some(header) = tx
            .open_table(HEADERS)?
            .get(n)?
            .map(|v| codec::decode_header(v.value()))
        else {
            return Ok(None);
        };
        let header = header?;
        let hash = block_hash_in(&tx, n)?.ok_or(Error::Corrupt { what: "block hash" })?;
        let tx_hashes = block_tx_hashes(&tx, n)?.ok_or(Error::Corrupt { what: "block body" })?;
        Ok(Some(StoredBlock {
            header,
            hash,
            tx_hashes,
        }))
    }

    fn block_number_by_hash(&self, hash: B256) -> Result<Option<u64>> {
        let tx = self.read()?;
        Ok(tx
            .open_table(BLOCK_NUMBERS)?
            .get(&hash.0)?
            .map(|v| v.value()))
    }

    fn block_hash(&self, n: u64) -> Result<Option<B256>> {
        block_hash_in(&self.read()?, n)
    }

    fn transaction(&self, hash: B256) -> Result<Option<StoredTransaction>> {
        let tx = self.read()?;
        let Some(record) = tx
            .open_table(TRANSACTIONS)?
            .get(&hash.0)?
            .map(|v| codec::decode_tx(v.value()))
        else {
            return Ok(None);
        };
        let TxRecord {
            block_number,
            index,
            sender,
            raw,
        } = record?;
        let block_hash =
            block_hash_in(&tx, block_number)?.ok_or(Error::Corrupt { what: "block hash" })?;
        Ok(Some(StoredTransaction {
            hash,
            raw,
            sender,
            block_number,
            block_hash,
            index,
        }))
    }

    fn receipt(&self, tx_hash: B256) -> Result<Option<StoredReceipt>> {
        let tx = self.read()?;
        let Some(record) = tx
            .open_table(TRANSACTIONS)?
            .get(&tx_hash.0)?
            .map(|v| codec::decode_tx(v.value()))
        else {
            return Ok(None);
        };
        let TxRecord {
            block_number,
            index,
            ..
        } = record?;
        let receipts = tx.open_table(RECEIPTS)?;
        let value = receipts
            .get(&codec::receipt_key(block_number, index))?
            .ok_or(Error::Corrupt { what: "receipt" })?;
        let (receipt, first_log_index) = codec::decode_receipt(value.value())?;
        let block_hash =
            block_hash_in(&tx, block_number)?.ok_or(Error::Corrupt { what: "block hash" })?;
        Ok(Some(StoredReceipt {
            tx_hash,
            block_number,
            block_hash,
            index,
            first_log_index,
            receipt,
        }))
    }

    fn block_receipts(&self, n: u64) -> Result<Option<Vec<StoredReceipt>>> {
        let tx = self.read()?;
        let Some(block_hash) = block_hash_in(&tx, n)? else {
            return Ok(None);
        };
        let hashes = block_tx_hashes(&tx, n)?.ok_or(Error::Corrupt { what: "block body" })?;
        let receipts = receipts_of(&tx.open_table(RECEIPTS)?, n)?;
        if receipts.len() != hashes.len() {
            return Err(Error::Corrupt { what: "receipt" });
        }
        Ok(Some(
            receipts
                .into_iter()
                .zip(hashes)
                .map(
                    |((index, receipt, first_log_index), tx_hash)| StoredReceipt {
                        tx_hash,
                        block_number: n,
                        block_hash,
                        index,
                        first_log_index,
                        receipt,
                    },
                )
                .collect(),
        ))
    }

    fn logs(&self, filter: &LogQuery) -> Result<Vec<StoredLog>> {
        let tx = self.read()?;
        let latest = meta_get(&tx, LATEST_KEY)?;
        let Some(range) = apply::log_range(filter.from_block, filter.to_block, latest)? else {
            return Ok(Vec::new());
        };
        let (from, to) = (*range.start(), *range.end());

        // Narrow the blocks with the indexes: any of the addresses, and for each constrained
        // topic position any of its topics.
        let mut candidates: Option<BTreeSet<u64>> = None;
        if !filter.addresses.is_empty() {
            let index = tx.open_table(LOG_ADDRESSES)?;
            let mut blocks = BTreeSet::new();
            for address in &filter.addresses {
                let lo = codec::address_block_key(address, from);
                let hi = codec::address_block_key(address, to);
                for entry in index.range::<&[u8; 28]>(&lo..=&hi)? {
                    blocks.insert(codec::block_of_address_key(entry?.0.value()));
                }
            }
            candidates = Some(blocks);
        }
        let index = tx.open_table(LOG_TOPICS)?;
        for (position, topics) in filter.topics.iter().enumerate() {
            if topics.is_empty() {
                continue;
            }
            let mut blocks = BTreeSet::new();
            for topic in topics {
                let lo = codec::topic_block_key(position as u8, topic, from);
                let hi = codec::topic_block_key(position as u8, topic, to);
                for entry in index.range::<&[u8; 41]>(&lo..=&hi)? {
                    blocks.insert(codec::block_of_topic_key(entry?.0.value()));
                }
            }
            candidates = Some(match candidates {
                Some(c) => c.intersection(&blocks).copied().collect(),
                None => blocks,
            });
        }
        let blocks: Box<dyn Iterator<Item = u64>> = match candidates {
            Some(c) => Box::new(c.into_iter()),
            None => Box::new(range),
        };

        let receipts = tx.open_table(RECEIPTS)?;
        let mut out = Vec::new();
        for n in blocks {
            let block_receipts = receipts_of(&receipts, n)?;
            if block_receipts.iter().all(|(_, r, _)| r.logs.is_empty()) {
                continue;
            }
            let block_hash = block_hash_in(&tx, n)?.ok_or(Error::Corrupt { what: "block hash" })?;
            let hashes = block_tx_hashes(&tx, n)?.ok_or(Error::Corrupt { what: "block body" })?;
            for (index, receipt, first) in block_receipts {
                let tx_hash = *hashes
                    .get(index as usize)
                    .ok_or(Error::Corrupt { what: "block body" })?;
                for (j, log) in receipt.logs.into_iter().enumerate() {
                    if !filter.matches(&log) {
                        continue;
                    }
                    if out.len() == LogQuery::MAX_LOGS {
                        return Err(Error::TooManyLogs {
                            from: filter.from_block,
                            to: filter.to_block,
                            max: LogQuery::MAX_LOGS,
                        });
                    }
                    out.push(StoredLog {
                        log,
                        block_number: n,
                        block_hash,
                        tx_hash,
                        tx_index: index,
                        log_index: first + j as u64,
                    });
                }
            }
        }
        Ok(out)
    }

    fn oldest_state_block(&self) -> Result<u64> {
        Ok(meta_get(&self.read()?, OLDEST_KEY)?.unwrap_or(0))
    }
}

impl RedbStore {
    /// Appends `block` in one write transaction with `durability`.
    fn append(&self, block: &NewBlock, durability: Durability) -> Result<()> {
        let started = Instant::now();
        let n = block.number();
        let mut tx = self.db.begin_write()?;
        tx.set_durability(durability)?;
        let pruned = write_block(&tx, block, self.config)?;
        tx.commit()?;
        tracing::debug!(
            block = n,
            hash = %block.hash,
            txs = block.transactions.len(),
            accounts = block.diff.accounts.len(),
            slots = block.diff.storage_writes(),
            pruned,
            durable = matches!(durability, Durability::Immediate),
            elapsed = ?started.elapsed(),
            "appended block"
        );
        Ok(())
    }
}

impl BlockWriter for RedbStore {
    fn append_block(&self, block: NewBlock) -> Result<()> {
        self.append(&block, Durability::Immediate)
    }

    /// A commit without `fsync` (redb's `Durability::None`): besides the sync, it lets redb reuse
    /// the pages that the next deferred commits free, so a page written by several blocks in a row
    /// reaches the disk once.
    fn append_block_deferred(&self, block: NewBlock) -> Result<()> {
        self.append(&block, Durability::None)
    }

    fn sync(&self) -> Result<()> {
        // An empty durable commit persists the deferred ones before it.
        let tx = self.db.begin_write()?;
        tx.commit()?;
        Ok(())
    }
}

/// Writes `block` into `tx` (which the caller commits, or drops on error); returns the number of
/// blocks whose changesets were pruned.
fn write_block(tx: &WriteTransaction, block: &NewBlock, config: HistoryConfig) -> Result<usize> {
    let n = block.number();
    let mut meta = tx.open_table(META)?;
    let mut hashes = tx.open_table(BLOCK_HASHES)?;
    let latest = match meta.get(LATEST_KEY)?.map(|v| v.value()) {
        Some(l) => {
            let hash = hashes
                .get(l)?
                .ok_or(Error::Corrupt { what: "block hash" })?;
            Some((l, B256::from(*hash.value())))
        }
        None => None,
    };
    apply::validate(block, latest)?;

    tx.open_table(HEADERS)?
        .insert(n, codec::encode_header(&block.header).as_slice())?;
    hashes.insert(n, &block.hash.0)?;
    tx.open_table(BLOCK_NUMBERS)?.insert(&block.hash.0, n)?;
    let body: Vec<u8> = block.transactions.iter().flat_map(|t| t.hash.0).collect();
    tx.open_table(BLOCK_TXS)?.insert(n, body.as_slice())?;

    let mut transactions = tx.open_table(TRANSACTIONS)?;
    for (i, t) in block.transactions.iter().enumerate() {
        let record = codec::encode_tx(n, i as u64, &t.sender, &t.raw);
        if transactions.insert(&t.hash.0, record.as_slice())?.is_some() {
            return Err(Error::DuplicateTransaction {
                block: n,
                tx: t.hash,
            });
        }
    }

    let mut receipts = tx.open_table(RECEIPTS)?;
    let mut addresses = BTreeSet::new();
    let mut topics = BTreeSet::new();
    let mut log_index = 0u64;
    for (i, r) in block.receipts.iter().enumerate() {
        receipts.insert(
            &codec::receipt_key(n, i as u64),
            codec::encode_receipt(r, log_index).as_slice(),
        )?;
        for log in &r.logs {
            addresses.insert(log.address);
            for (position, topic) in log.topics().iter().enumerate() {
                topics.insert((position as u8, *topic));
            }
        }
        log_index += r.logs.len() as u64;
    }
    let mut log_addresses = tx.open_table(LOG_ADDRESSES)?;
    for a in &addresses {
        log_addresses.insert(&codec::address_block_key(a, n), ())?;
    }
    let mut log_topics = tx.open_table(LOG_TOPICS)?;
    for (position, topic) in &topics {
        log_topics.insert(&codec::topic_block_key(*position, topic, n), ())?;
    }

    let mut state = RedbState {
        accounts: tx.open_table(ACCOUNTS)?,
        storage: tx.open_table(STORAGE)?,
        code: tx.open_table(CODE)?,
        account_history: tx.open_table(ACCOUNT_HISTORY)?,
        storage_history: tx.open_table(STORAGE_HISTORY)?,
        changesets: tx.open_table(CHANGESETS)?,
    };
    apply::apply_diff(&mut state, n, &block.diff)?;

    let previous_oldest = meta.get(OLDEST_KEY)?.map_or(0, |v| v.value());
    let oldest = apply::oldest_after(n, config.keep_blocks, previous_oldest);
    let pruned = apply::prune(&mut state, oldest)?;
    meta.insert(LATEST_KEY, n)?;
    meta.insert(OLDEST_KEY, oldest)?;
    Ok(pruned)
}

/// The state tables of one write transaction.
struct RedbState<'tx> {
    accounts: Table<'tx, &'static [u8; 20], &'static [u8]>,
    storage: Table<'tx, &'static [u8; 52], &'static [u8]>,
    code: Table<'tx, &'static [u8; 32], &'static [u8]>,
    account_history: Table<'tx, &'static [u8; 28], &'static [u8]>,
    storage_history: Table<'tx, &'static [u8; 60], &'static [u8]>,
    changesets: Table<'tx, u64, &'static [u8]>,
}

impl StateTables for RedbState<'_> {
    fn account(&mut self, address: &Address) -> Result<Option<AccountInfo>> {
        match self.accounts.get(&codec::account_key(address))? {
            Some(v) => codec::decode_account(v.value()),
            None => Ok(None),
        }
    }

    fn set_account(&mut self, address: &Address, info: Option<&AccountInfo>) -> Result<()> {
        let key = codec::account_key(address);
        match info {
            Some(_) => {
                self.accounts
                    .insert(&key, codec::encode_account(info).as_slice())?;
            }
            None => {
                self.accounts.remove(&key)?;
            }
        }
        Ok(())
    }

    fn storage(&mut self, address: &Address, slot: &U256) -> Result<U256> {
        match self.storage.get(&codec::slot_key(address, slot))? {
            Some(v) => codec::decode_word(v.value()),
            None => Ok(U256::ZERO),
        }
    }

    fn storage_slots(&mut self, address: &Address) -> Result<Vec<(U256, U256)>> {
        let lo = codec::slot_key(address, &U256::ZERO);
        let hi = codec::slot_key(address, &U256::MAX);
        let mut out = Vec::new();
        for entry in self.storage.range::<&[u8; 52]>(&lo..=&hi)? {
            let (k, v) = entry?;
            out.push((
                codec::slot_of_key(k.value()),
                codec::decode_word(v.value())?,
            ));
        }
        Ok(out)
    }

    fn set_storage(&mut self, address: &Address, slot: &U256, value: &U256) -> Result<()> {
        let key = codec::slot_key(address, slot);
        if value.is_zero() {
            self.storage.remove(&key)?;
        } else {
            self.storage
                .insert(&key, codec::encode_word(value).as_slice())?;
        }
        Ok(())
    }

    fn put_code(&mut self, hash: B256, code: &Bytes) -> Result<()> {
        self.code.insert(&hash.0, code.as_ref())?;
        Ok(())
    }

    fn record_account(
        &mut self,
        block: u64,
        address: &Address,
        old: Option<&AccountInfo>,
    ) -> Result<()> {
        let key = codec::address_block_key(address, block);
        self.account_history
            .insert(&key, codec::encode_account(old).as_slice())?;
        Ok(())
    }

    fn record_storage(
        &mut self,
        block: u64,
        address: &Address,
        slot: &U256,
        old: &U256,
    ) -> Result<()> {
        let key = codec::slot_block_key(address, slot, block);
        self.storage_history
            .insert(&key, codec::encode_word(old).as_slice())?;
        Ok(())
    }

    fn put_changes(&mut self, block: u64, changes: &Changes) -> Result<()> {
        self.changesets
            .insert(block, codec::encode_changes(changes).as_slice())?;
        Ok(())
    }

    fn take_changes(&mut self, up_to: u64) -> Result<Vec<(u64, Changes)>> {
        let mut out = Vec::new();
        for entry in self.changesets.range(..=up_to)? {
            let (k, v) = entry?;
            out.push((k.value(), codec::decode_changes(v.value())?));
        }
        for (block, _) in &out {
            self.changesets.remove(block)?;
        }
        Ok(out)
    }

    fn remove_account_record(&mut self, block: u64, address: &Address) -> Result<()> {
        self.account_history
            .remove(&codec::address_block_key(address, block))?;
        Ok(())
    }

    fn remove_storage_record(&mut self, block: u64, address: &Address, slot: &U256) -> Result<()> {
        self.storage_history
            .remove(&codec::slot_block_key(address, slot, block))?;
        Ok(())
    }
}
