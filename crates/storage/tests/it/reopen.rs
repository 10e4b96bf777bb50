//! Dropping and reopening the store gives identical answers, and appending resumes.

use alloy_primitives::U256;
use fractal_storage::{
    BlockReader, BlockWriter, Error, HistoryConfig, LogQuery, RedbStore, StateReader,
};

use crate::common::{addr, open_redb, scripted_block, scripted_chain, word};

/// Everything the store answers about the scripted chain, as text.
fn snapshot(store: &RedbStore) -> Vec<String> {
    let latest = store.latest_block_number().unwrap().unwrap();
    let oldest = store.oldest_state_block().unwrap();
    let mut out = vec![format!("{latest} {oldest}")];
    for n in 0..=latest {
        let block = store.block_by_number(n).unwrap().unwrap();
        out.push(format!("{block:?}"));
        out.push(format!("{:?}", store.block_receipts(n).unwrap()));
        for h in &block.tx_hashes {
            out.push(format!(
                "{:?} {:?}",
                store.transaction(*h).unwrap(),
                store.receipt(*h).unwrap()
            ));
        }
        for a in 1..=6 {
            let at = (n >= oldest).then_some(n);
            out.push(format!("{:?}", store.account(addr(a), at).unwrap()));
            for s in 0..11 {
                out.push(format!("{}", store.storage(addr(a), word(s), at).unwrap()));
            }
        }
    }
    out.push(format!(
        "{:?}",
        store.logs(&LogQuery::new(0, latest)).unwrap()
    ));
    out
}

#[test]
fn reopen_gives_identical_answers_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let chain = scripted_chain(30);
    let before = {
        let store = open_redb(dir.path(), 20);
        for b in chain.clone() {
            store.append_block(b).unwrap();
        }
        snapshot(&store)
    };
    let store = open_redb(dir.path(), 20);
    assert_eq!(snapshot(&store), before);

    // The next block links to the stored hash; a stale one is refused.
    let e = store.append_block(chain[29].clone()).unwrap_err();
    assert!(matches!(
        e,
        Error::NonSequentialBlock {
            expected: 30,
            got: 29
        }
    ));
    store
        .append_block(scripted_block(30, chain[29].hash))
        .unwrap();
    assert_eq!(store.latest_block_number().unwrap(), Some(30));
    assert_ne!(
        store.storage(addr(1), word(30 % 7), None).unwrap(),
        U256::ZERO
    );
}

#[test]
fn one_process_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let _first = open_redb(dir.path(), 1);
    let second = RedbStore::open(dir.path().join("chain.redb"), HistoryConfig::default());
    assert!(matches!(second, Err(Error::Database(_))), "{second:?}");
}

#[test]
fn creates_missing_directories() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/chain.redb");
    let store = RedbStore::open(&path, HistoryConfig::default()).unwrap();
    assert_eq!(store.path(), path);
    assert_eq!(store.config(), HistoryConfig::default());
}
