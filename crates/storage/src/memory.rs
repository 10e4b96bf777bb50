//! [`InMemoryStore`]: the same traits over maps, for tests in this and other crates.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use alloy_primitives::{Address, B256, Bytes, U256};
use fractal_primitives::AccountInfo;

use crate::apply::{self, Changes, StateTables};
use crate::{
    BlockReader, BlockWriter, Error, HistoryConfig, LogQuery, NewBlock, Receipt, Result,
    StateReader, StoredBlock, StoredLog, StoredReceipt, StoredTransaction,
};

/// A store in memory with the same behaviour as [`RedbStore`](crate::RedbStore) (validation,
/// history, pruning, log caps), minus durability.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    config: HistoryConfig,
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    blocks: Vec<StoredBlock>,
    numbers: HashMap<B256, u64>,
    /// tx hash → (block, index, sender, raw).
    txs: HashMap<B256, (u64, u64, Address, Bytes)>,
    /// Per block: (receipt, first log index).
    receipts: Vec<Vec<(Receipt, u64)>>,
    state: MemState,
    oldest: u64,
}

#[derive(Debug, Default)]
struct MemState {
    accounts: BTreeMap<Address, AccountInfo>,
    storage: BTreeMap<(Address, U256), U256>,
    code: HashMap<B256, Bytes>,
    account_history: BTreeMap<(Address, u64), Option<AccountInfo>>,
    storage_history: BTreeMap<(Address, U256, u64), U256>,
    changesets: BTreeMap<u64, Changes>,
}

impl InMemoryStore {
    /// An empty store keeping `config`'s history.
    pub fn new(config: HistoryConfig) -> Self {
        Self {
            config,
            inner: RwLock::default(),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn latest(&self) -> Option<u64> {
        self.blocks.last().map(StoredBlock::number)
    }

    fn stored_receipt(&self, n: u64, index: u64) -> Option<StoredReceipt> {
        let block = self.blocks.get(n as usize)?;
        let (receipt, first_log_index) = self.receipts[n as usize].get(index as usize)?.clone();
        Some(StoredReceipt {
            tx_hash: block.tx_hashes[index as usize],
            block_number: n,
            block_hash: block.hash,
            index,
            first_log_index,
            receipt,
        })
    }
}

impl StateReader for InMemoryStore {
    fn account(&self, address: Address, at: Option<u64>) -> Result<Option<AccountInfo>> {
        let inner = self.read();
        if let Some(n) = apply::resolve_at(at, inner.latest(), inner.oldest)? {
            let history = &inner.state.account_history;
            if let Some((_, old)) = history.range((address, n + 1)..=(address, u64::MAX)).next() {
                return Ok(*old);
            }
        }
        Ok(inner.state.accounts.get(&address).copied())
    }

    fn storage(&self, address: Address, slot: U256, at: Option<u64>) -> Result<U256> {
        let inner = self.read();
        if let Some(n) = apply::resolve_at(at, inner.latest(), inner.oldest)? {
            let history = &inner.state.storage_history;
            let range = (address, slot, n + 1)..=(address, slot, u64::MAX);
            if let Some((_, old)) = history.range(range).next() {
                return Ok(*old);
            }
        }
        Ok(inner
            .state
            .storage
            .get(&(address, slot))
            .copied()
            .unwrap_or_default())
    }

    fn code_by_hash(&self, hash: B256) -> Result<Option<Bytes>> {
        Ok(self.read().state.code.get(&hash).cloned())
    }
}

impl BlockReader for InMemoryStore {
    fn latest_block_number(&self) -> Result<Option<u64>> {
        Ok(self.read().latest())
    }

    fn block_by_number(&self, n: u64) -> Result<Option<StoredBlock>> {
        Ok(self.read().blocks.get(n as usize).cloned())
    }

    fn block_number_by_hash(&self, hash: B256) -> Result<Option<u64>> {
        Ok(self.read().numbers.get(&hash).copied())
    }

    fn block_hash(&self, n: u64) -> Result<Option<B256>> {
        Ok(self.read().blocks.get(n as usize).map(|b| b.hash))
    }

    fn transaction(&self, hash: B256) -> Result<Option<StoredTransaction>> {
        let inner = self.read();
        Ok(inner
            .txs
            .get(&hash)
            .map(|(block_number, index, sender, raw)| StoredTransaction {
                hash,
                raw: raw.clone(),
                sender: *sender,
                block_number: *block_number,
                block_hash: inner.blocks[*block_number as usize].hash,
                index: *index,
            }))
    }

    fn receipt(&self, tx_hash: B256) -> Result<Option<StoredReceipt>> {
        let inner = self.read();
        Ok(inner
            .txs
            .get(&tx_hash)
            .and_then(|&(n, index, ..)| inner.stored_receipt(n, index)))
    }

    fn block_receipts(&self, n: u64) -> Result<Option<Vec<StoredReceipt>>> {
        let inner = self.read();
        let Some(receipts) = inner.receipts.get(n as usize) else {
            return Ok(None);
        };
        Ok(Some(
            (0..receipts.len() as u64)
                .filter_map(|i| inner.stored_receipt(n, i))
                .collect(),
        ))
    }

    fn logs(&self, filter: &LogQuery) -> Result<Vec<StoredLog>> {
        let inner = self.read();
        let Some(range) = apply::log_range(filter.from_block, filter.to_block, inner.latest())?
        else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for n in range {
            let block = &inner.blocks[n as usize];
            for (index, (receipt, first)) in inner.receipts[n as usize].iter().enumerate() {
                for (j, log) in receipt.logs.iter().enumerate() {
                    if !filter.matches(log) {
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
                        log: log.clone(),
                        block_number: n,
                        block_hash: block.hash,
                        tx_hash: block.tx_hashes[index],
                        tx_index: index as u64,
                        log_index: first + j as u64,
                    });
                }
            }
        }
        Ok(out)
    }

    fn oldest_state_block(&self) -> Result<u64> {
        Ok(self.read().oldest)
    }
}

impl BlockWriter for InMemoryStore {
    fn append_block(&self, block: NewBlock) -> Result<()> {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let n = block.number();
        apply::validate(&block, inner.blocks.last().map(|b| (b.number(), b.hash)))?;
        // Every check before the first change: a failed append leaves nothing behind.
        let mut seen = HashSet::new();
        for t in &block.transactions {
            if inner.txs.contains_key(&t.hash) || !seen.insert(t.hash) {
                return Err(Error::DuplicateTransaction {
                    block: n,
                    tx: t.hash,
                });
            }
        }

        apply::apply_diff(&mut inner.state, n, &block.diff)?;
        let oldest = apply::oldest_after(n, self.config.keep_blocks, inner.oldest);
        apply::prune(&mut inner.state, oldest)?;
        inner.oldest = oldest;

        let NewBlock {
            header,
            hash,
            transactions,
            receipts,
            ..
        } = block;
        let mut log_index = 0;
        let receipts = receipts
            .into_iter()
            .map(|r| {
                let first = log_index;
                log_index += r.logs.len() as u64;
                (r, first)
            })
            .collect();
        inner.receipts.push(receipts);
        let tx_hashes = transactions.iter().map(|t| t.hash).collect();
        for (i, t) in transactions.into_iter().enumerate() {
            inner.txs.insert(t.hash, (n, i as u64, t.sender, t.raw));
        }
        inner.numbers.insert(hash, n);
        inner.blocks.push(StoredBlock {
            header,
            hash,
            tx_hashes,
        });
        Ok(())
    }
}

impl StateTables for MemState {
    fn account(&mut self, address: &Address) -> Result<Option<AccountInfo>> {
        Ok(self.accounts.get(address).copied())
    }

    fn set_account(&mut self, address: &Address, info: Option<&AccountInfo>) -> Result<()> {
        match info {
            Some(info) => self.accounts.insert(*address, *info),
            None => self.accounts.remove(address),
        };
        Ok(())
    }

    fn storage(&mut self, address: &Address, slot: &U256) -> Result<U256> {
        Ok(self
            .storage
            .get(&(*address, *slot))
            .copied()
            .unwrap_or_default())
    }

    fn storage_slots(&mut self, address: &Address) -> Result<Vec<(U256, U256)>> {
        Ok(self
            .storage
            .range((*address, U256::ZERO)..=(*address, U256::MAX))
            .map(|(&(_, slot), &value)| (slot, value))
            .collect())
    }

    fn set_storage(&mut self, address: &Address, slot: &U256, value: &U256) -> Result<()> {
        if value.is_zero() {
            self.storage.remove(&(*address, *slot));
        } else {
            self.storage.insert((*address, *slot), *value);
        }
        Ok(())
    }

    fn put_code(&mut self, hash: B256, code: &Bytes) -> Result<()> {
        self.code.insert(hash, code.clone());
        Ok(())
    }

    fn record_account(
        &mut self,
        block: u64,
        address: &Address,
        old: Option<&AccountInfo>,
    ) -> Result<()> {
        self.account_history.insert((*address, block), old.copied());
        Ok(())
    }

    fn record_storage(
        &mut self,
        block: u64,
        address: &Address,
        slot: &U256,
        old: &U256,
    ) -> Result<()> {
        self.storage_history.insert((*address, *slot, block), *old);
        Ok(())
    }

    fn put_changes(&mut self, block: u64, changes: &Changes) -> Result<()> {
        self.changesets.insert(block, changes.clone());
        Ok(())
    }

    fn take_changes(&mut self, up_to: u64) -> Result<Vec<(u64, Changes)>> {
        let rest = self.changesets.split_off(&(up_to.saturating_add(1)));
        let taken = std::mem::replace(&mut self.changesets, rest);
        Ok(taken.into_iter().collect())
    }

    fn remove_account_record(&mut self, block: u64, address: &Address) -> Result<()> {
        self.account_history.remove(&(*address, block));
        Ok(())
    }

    fn remove_storage_record(&mut self, block: u64, address: &Address, slot: &U256) -> Result<()> {
        self.storage_history.remove(&(*address, *slot, block));
        Ok(())
    }
}
