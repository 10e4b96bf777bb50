//! From block state diffs to a batch's writes.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use super::{BatchWrites, EntryKey, PubdataTables, code_hash_value};
use crate::{AccountDiff, StateDiff, StateKind};

/// Collapses the state diffs of a batch's blocks, in order, into the batch's writes: the last value
/// of each entry, kept only when it differs from the value `tables` holds from earlier batches, and
/// the code of the new code hashes among them.
///
/// An account diff maps to entries as follows: its nonce, balance and code hash (zero for an account
/// without code); its storage slots; when `info` is `None` all of these are zero; when `info` is
/// `None` or `storage_cleared` is set, every storage slot of the account known so far (published
/// before, or written earlier in the batch) is zeroed first.
#[derive(Debug, Clone)]
pub struct BatchBuilder<'t> {
    tables: &'t PubdataTables,
    values: BTreeMap<EntryKey, U256>,
    code: BTreeMap<B256, Bytes>,
}

impl<'t> BatchBuilder<'t> {
    /// An empty batch on top of `tables`.
    pub fn new(tables: &'t PubdataTables) -> Self {
        Self {
            tables,
            values: BTreeMap::new(),
            code: BTreeMap::new(),
        }
    }

    /// Adds the next block's state diff.
    pub fn apply(&mut self, diff: &StateDiff) {
        for account in &diff.accounts {
            self.apply_account(account);
        }
    }

    fn apply_account(&mut self, d: &AccountDiff) {
        let address = d.address;
        if d.info.is_none() || d.storage_cleared {
            let pending: Vec<U256> = self.pending_slots(address).collect();
            let known: Vec<U256> = self.tables.storage_slots(address).collect();
            for slot in pending.into_iter().chain(known) {
                self.values
                    .insert(EntryKey::storage(address, slot), U256::ZERO);
            }
        }
        let info = d.info.unwrap_or_default();
        self.values
            .insert(EntryKey::nonce(address), U256::from(info.nonce));
        self.values.insert(EntryKey::balance(address), info.balance);
        self.values.insert(
            EntryKey::code_hash(address),
            code_hash_value(info.code_hash),
        );
        for (slot, value) in &d.storage {
            self.values
                .insert(EntryKey::storage(address, *slot), *value);
        }
        if let Some(code) = d.code.as_ref().filter(|c| !c.is_empty()) {
            self.code.insert(keccak256(code), code.clone());
        }
    }

    /// Storage slots of `address` written earlier in this batch.
    fn pending_slots(&self, address: Address) -> impl Iterator<Item = U256> + '_ {
        self.values
            .range(EntryKey::storage(address, U256::ZERO)..=EntryKey::storage(address, U256::MAX))
            .map(|(key, _)| key.slot)
    }

    /// The batch's writes: changed entries only, and the code of code hashes they introduce.
    pub fn finish(self) -> BatchWrites {
        let tables = self.tables;
        let mut values = self.values;
        values.retain(|key, value| tables.value(key) != *value);
        let used: BTreeSet<B256> = values
            .iter()
            .filter(|(key, value)| key.kind == StateKind::CodeHash && !value.is_zero())
            .map(|(_, value)| B256::from(*value))
            .collect();
        let mut code = self.code;
        code.retain(|hash, _| used.contains(hash) && !tables.is_code_known(hash));
        BatchWrites { values, code }
    }
}
