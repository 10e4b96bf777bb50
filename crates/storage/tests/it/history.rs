//! Pruning of state history.

use alloy_primitives::B256;
use fractal_storage::{BlockReader, Error, StateReader, Store};

use crate::common::{Model, addr, block, change, diff, info, memory, open_redb, word};

/// Blocks 0..=10, each setting A's balance and slot 1 to its number.
fn append_numbered(store: &dyn Store, range: std::ops::RangeInclusive<u64>, model: &mut Model) {
    for n in range {
        let parent = if n == 0 {
            B256::ZERO
        } else {
            store.block_hash(n - 1).unwrap().unwrap()
        };
        let d = diff(vec![change(
            addr(1),
            Some(info(n, n)),
            &[(1, n + 1)],
            false,
        )]);
        model.apply(&d);
        store.append_block(block(n, parent, Vec::new(), d)).unwrap();
    }
}

fn pruning(store: &dyn Store) {
    let mut model = Model::default();
    append_numbered(store, 0..=10, &mut model);
    assert_eq!(store.oldest_state_block().unwrap(), 7);
    assert_eq!(store.account(addr(1), Some(7)).unwrap(), Some(info(7, 7)));
    assert_eq!(store.storage(addr(1), word(1), Some(7)).unwrap(), word(8));
    let e = store.account(addr(1), Some(6)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::HistoryPruned {
                requested: 6,
                oldest: 7
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "state at block 6 was pruned: history is kept from block 7"
    );
    let e = store.storage(addr(1), word(1), Some(0)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::HistoryPruned {
                requested: 0,
                oldest: 7
            }
        ),
        "{e}"
    );
    let e = store.account(addr(1), Some(11)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::UnknownBlock {
                block: 11,
                latest: Some(10)
            }
        ),
        "{e}"
    );
    model.check(store, 7, &[addr(1), addr(2)], &[word(0), word(1)]);
    // Blocks themselves are kept.
    assert!(store.block_by_number(0).unwrap().is_some());
}

#[test]
fn pruning_redb() {
    let dir = tempfile::tempdir().unwrap();
    pruning(&open_redb(dir.path(), 3));
}

#[test]
fn pruning_memory() {
    pruning(&memory(3));
}

#[test]
fn keep_zero_serves_only_latest() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_redb(dir.path(), 0);
    let mut model = Model::default();
    append_numbered(&store, 0..=3, &mut model);
    assert_eq!(store.oldest_state_block().unwrap(), 3);
    assert_eq!(store.account(addr(1), Some(3)).unwrap(), Some(info(3, 3)));
    assert!(matches!(
        store.account(addr(1), Some(2)),
        Err(Error::HistoryPruned { .. })
    ));
}

#[test]
fn history_window_changes_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = Model::default();
    {
        let store = open_redb(dir.path(), 100);
        append_numbered(&store, 0..=10, &mut model);
        assert_eq!(store.oldest_state_block().unwrap(), 0);
    }
    {
        // A smaller window prunes on the next append.
        let store = open_redb(dir.path(), 2);
        assert_eq!(store.oldest_state_block().unwrap(), 0);
        append_numbered(&store, 11..=11, &mut model);
        assert_eq!(store.oldest_state_block().unwrap(), 9);
        model.check(&store, 9, &[addr(1)], &[word(1)]);
    }
    {
        // A larger one cannot bring pruned history back.
        let store = open_redb(dir.path(), 100);
        append_numbered(&store, 12..=12, &mut model);
        assert_eq!(store.oldest_state_block().unwrap(), 9);
        model.check(&store, 9, &[addr(1)], &[word(1)]);
    }
}
