//! Random diff sequences give the same current and historical answers as a naive model.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use fractal_primitives::{AccountDiff, AccountInfo, StateDiff};
use fractal_storage::Store;
use proptest::prelude::*;

use crate::common::{Model, addr, block, info, memory, open_redb, word};

const ACCOUNTS: u8 = 4;
const SLOTS: u64 = 4;

fn account_diff(address: Address) -> impl Strategy<Value = AccountDiff> {
    (
        prop::option::weighted(0.8, (0..3u64, 0..3u64).prop_map(|(n, b)| info(n, b))),
        prop::collection::btree_map((0..SLOTS).prop_map(word), (0..3u64).prop_map(word), 0..3),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            move |(info, storage, storage_cleared): (
                Option<AccountInfo>,
                BTreeMap<U256, U256>,
                bool,
            )| {
                AccountDiff {
                    address,
                    info,
                    storage,
                    storage_cleared,
                    code: None,
                }
            },
        )
}

fn state_diff() -> impl Strategy<Value = StateDiff> {
    (1..=ACCOUNTS)
        .map(|a| prop::option::weighted(0.5, account_diff(addr(a))))
        .collect::<Vec<_>>()
        .prop_map(|accounts| StateDiff {
            accounts: accounts.into_iter().flatten().collect(),
        })
}

fn run(store: &dyn Store, keep: u64, diffs: &[StateDiff]) {
    let addresses: Vec<_> = (1..=ACCOUNTS + 1).map(addr).collect();
    let slots: Vec<_> = (0..SLOTS).map(word).collect();
    let mut model = Model::default();
    let mut parent = B256::ZERO;
    for (n, d) in diffs.iter().enumerate() {
        let n = n as u64;
        let b = block(n, parent, Vec::new(), d.clone());
        parent = b.hash;
        store.append_block(b).unwrap();
        model.apply(d);
        model.check(store, n.saturating_sub(keep), &addresses, &slots);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn memory_matches_model(keep in 0..6u64, diffs in prop::collection::vec(state_diff(), 1..12)) {
        run(&memory(keep), keep, &diffs);
    }
}

proptest! {
    // Every block is an fsynced commit: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn redb_matches_model(keep in 0..6u64, diffs in prop::collection::vec(state_diff(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        run(&open_redb(dir.path(), keep), keep, &diffs);
    }
}
