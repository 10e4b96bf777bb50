//! Shared helpers: block construction, a naive state model, store constructors.

use std::collections::BTreeMap;
use std::path::Path;

use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, Log, U256, keccak256, logs_bloom};
use fractal_primitives::{AccountDiff, AccountInfo, StateDiff};
use fractal_storage::test_utils::InMemoryStore;
use fractal_storage::{
    Error, HistoryConfig, NewBlock, NewTransaction, Receipt, RedbStore, StateReader,
};

pub(crate) fn addr(n: u8) -> Address {
    Address::with_last_byte(n)
}

pub(crate) fn word(n: u64) -> U256 {
    U256::from(n)
}

pub(crate) fn info(nonce: u64, balance: u64) -> AccountInfo {
    AccountInfo {
        nonce,
        balance: U256::from(balance),
        code_hash: KECCAK256_EMPTY,
    }
}

/// An account diff with storage given as `(slot, value)` pairs.
pub(crate) fn change(
    address: Address,
    info: Option<AccountInfo>,
    storage: &[(u64, u64)],
    storage_cleared: bool,
) -> AccountDiff {
    AccountDiff {
        address,
        info,
        storage: storage.iter().map(|&(k, v)| (word(k), word(v))).collect(),
        storage_cleared,
        code: None,
    }
}

/// A state diff, sorted by address.
pub(crate) fn diff(mut accounts: Vec<AccountDiff>) -> StateDiff {
    accounts.sort_by_key(|a| a.address);
    StateDiff { accounts }
}

pub(crate) fn tx(block: u64, index: u64, sender: Address) -> NewTransaction {
    let seed = [block.to_be_bytes(), index.to_be_bytes()].concat();
    let mut raw = vec![0x02];
    raw.extend_from_slice(&seed);
    raw.resize(100 + index as usize, 0xab);
    NewTransaction {
        hash: keccak256(&seed),
        raw: raw.into(),
        sender,
    }
}

pub(crate) fn log(address: Address, topics: &[B256], data: &[u8]) -> Log {
    Log::new_unchecked(address, topics.to_vec(), Bytes::copy_from_slice(data))
}

pub(crate) fn receipt(from: Address, cumulative_gas_used: u64, logs: Vec<Log>) -> Receipt {
    Receipt {
        tx_type: 2,
        success: true,
        cumulative_gas_used,
        gas_used: 21_000,
        effective_gas_price: 1_000_000_007,
        from,
        to: Some(addr(0xee)),
        contract_address: None,
        logs_bloom: logs_bloom(&logs),
        logs,
    }
}

/// Block `number` on `parent` (`B256::ZERO` for genesis) with `txs`, each with its receipt.
pub(crate) fn block(
    number: u64,
    parent: B256,
    txs: Vec<(NewTransaction, Receipt)>,
    diff: StateDiff,
) -> NewBlock {
    let header = Header {
        number,
        parent_hash: parent,
        gas_limit: 30_000_000,
        timestamp: 1_700_000_000 + number,
        ..Header::default()
    };
    let (transactions, receipts) = txs.into_iter().unzip();
    NewBlock::new(header, transactions, receipts, diff)
}

/// A deterministic chain: block `n` depends only on `n` and its parent hash. Exercises
/// creation, modification, destruction, storage set/overwrite/zero and wipes.
pub(crate) fn scripted_block(n: u64, parent: B256) -> NewBlock {
    let mut accounts: BTreeMap<Address, AccountDiff> = BTreeMap::new();
    if n == 0 {
        for a in 1..=6 {
            let storage: Vec<_> = (0..4).map(|s| (s, 1)).collect();
            accounts.insert(
                addr(a),
                change(addr(a), Some(info(0, 1_000)), &storage, false),
            );
        }
    } else {
        let a = addr((n % 6) as u8 + 1);
        accounts.insert(
            a,
            change(
                a,
                Some(info(n, n * 1_000)),
                &[(n % 7, n), (n % 11, 0)],
                false,
            ),
        );
        if n.is_multiple_of(9) {
            accounts.insert(addr(3), change(addr(3), None, &[], true));
        }
        if n.is_multiple_of(13) {
            accounts.insert(addr(4), change(addr(4), Some(info(1, n)), &[(1, n)], true));
        }
    }
    let txs = (0..if n == 0 { 0 } else { n % 3 + 1 })
        .map(|i| {
            let sender = addr(i as u8 + 1);
            let topic = B256::from(word(n % 5));
            let l = log(addr(0x40 + (n % 4) as u8), &[topic], &n.to_be_bytes());
            (tx(n, i, sender), receipt(sender, 21_000 * (i + 1), vec![l]))
        })
        .collect();
    block(n, parent, txs, diff(accounts.into_values().collect()))
}

/// The first `count` blocks of the scripted chain.
pub(crate) fn scripted_chain(count: u64) -> Vec<NewBlock> {
    let mut out: Vec<NewBlock> = Vec::new();
    for n in 0..count {
        let parent = out.last().map_or(B256::ZERO, |b| b.hash);
        out.push(scripted_block(n, parent));
    }
    out
}

pub(crate) fn open_redb(dir: &Path, keep_blocks: u64) -> RedbStore {
    RedbStore::open(
        dir.join("chain.redb"),
        HistoryConfig::default().with_keep_blocks(keep_blocks),
    )
    .expect("open store")
}

pub(crate) fn memory(keep_blocks: u64) -> InMemoryStore {
    InMemoryStore::new(HistoryConfig::default().with_keep_blocks(keep_blocks))
}

/// The full state after one block, kept naively.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    pub(crate) accounts: BTreeMap<Address, AccountInfo>,
    pub(crate) storage: BTreeMap<(Address, U256), U256>,
}

/// The naive model: a full copy of the state after every block.
#[derive(Debug, Default)]
pub(crate) struct Model {
    pub(crate) states: Vec<Snapshot>,
}

impl Model {
    pub(crate) fn apply(&mut self, diff: &StateDiff) {
        let mut s = self.states.last().cloned().unwrap_or_default();
        for d in &diff.accounts {
            if d.storage_cleared {
                s.storage.retain(|(a, _), _| *a != d.address);
            }
            for (slot, value) in &d.storage {
                if value.is_zero() {
                    s.storage.remove(&(d.address, *slot));
                } else {
                    s.storage.insert((d.address, *slot), *value);
                }
            }
            match d.info {
                Some(i) => s.accounts.insert(d.address, i),
                None => s.accounts.remove(&d.address),
            };
        }
        self.states.push(s);
    }

    /// Checks every `(address, slot)` at every block (and latest) against `store`, expecting
    /// `HistoryPruned` before `oldest`.
    pub(crate) fn check(
        &self,
        store: &dyn StateReader,
        oldest: u64,
        addresses: &[Address],
        slots: &[U256],
    ) {
        let latest = self.states.len() as u64 - 1;
        for n in 0..=latest {
            let s = &self.states[n as usize];
            for &a in addresses {
                let got = store.account(a, Some(n));
                if n < oldest {
                    assert!(
                        matches!(got, Err(Error::HistoryPruned { requested, oldest: o }) if requested == n && o == oldest),
                        "account {a} at {n}: {got:?}"
                    );
                    continue;
                }
                assert_eq!(
                    got.unwrap(),
                    s.accounts.get(&a).copied(),
                    "account {a} at block {n}"
                );
                for &slot in slots {
                    let want = s.storage.get(&(a, slot)).copied().unwrap_or_default();
                    assert_eq!(
                        store.storage(a, slot, Some(n)).unwrap(),
                        want,
                        "{a} slot {slot} at block {n}"
                    );
                }
            }
        }
        let last = self.states.last().unwrap();
        for &a in addresses {
            assert_eq!(
                store.account(a, None).unwrap(),
                last.accounts.get(&a).copied()
            );
            for &slot in slots {
                let want = last.storage.get(&(a, slot)).copied().unwrap_or_default();
                assert_eq!(store.storage(a, slot, None).unwrap(), want);
            }
        }
        assert!(matches!(
            store.account(addresses[0], Some(latest + 1)),
            Err(Error::UnknownBlock { block, latest: Some(l) }) if block == latest + 1 && l == latest
        ));
    }
}
