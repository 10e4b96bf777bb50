//! Current and historical state through both stores.

use alloy_primitives::{B256, Bytes, U256, keccak256};
use fractal_primitives::{AccountInfo, StateDiff};
use fractal_storage::{Error, NewBlock, StateReader, Store};

use crate::common::{Model, addr, block, change, diff, info, memory, open_redb, word};

/// Six blocks covering every kind of change.
fn scenario() -> Vec<NewBlock> {
    let (a, b, c) = (addr(1), addr(2), addr(3));
    let code = Bytes::from_static(&[0x60, 0x00, 0x60, 0x00, 0xf3]);
    let contract = AccountInfo {
        nonce: 1,
        balance: U256::ZERO,
        code_hash: keccak256(&code),
    };
    let mut deploy = change(c, Some(contract), &[(0, 7)], false);
    deploy.code = Some(code);
    let diffs = vec![
        // 0: genesis alloc.
        diff(vec![
            change(a, Some(info(1, 100)), &[(1, 10), (2, 20)], false),
            change(b, Some(info(0, 50)), &[(5, 55)], false),
        ]),
        // 1: modify A, overwrite and add slots, create a contract with code and storage.
        diff(vec![
            change(a, Some(info(2, 90)), &[(1, 11), (3, 30)], false),
            deploy,
        ]),
        // 2: destroy B (and its storage), clear A's slot 2 to zero.
        diff(vec![
            change(a, Some(info(2, 90)), &[(2, 0)], false),
            change(b, None, &[], true),
        ]),
        // 3: nothing.
        StateDiff::default(),
        // 4: C re-created over itself (storage wiped, one new slot), B back without storage,
        //    a no-op write to A.
        diff(vec![
            change(a, Some(info(2, 90)), &[(1, 11)], false),
            change(b, Some(info(0, 1)), &[], false),
            change(c, Some(info(0, 0)), &[(9, 9)], true),
        ]),
        // 5: wipe A entirely but keep it alive with slot 3 rewritten to its old value.
        diff(vec![change(a, Some(info(3, 80)), &[(3, 30)], true)]),
    ];
    let mut blocks: Vec<NewBlock> = Vec::new();
    for (n, d) in diffs.into_iter().enumerate() {
        let parent = blocks.last().map_or(B256::ZERO, |b| b.hash);
        blocks.push(block(n as u64, parent, Vec::new(), d));
    }
    blocks
}

fn run(store: &dyn Store) {
    let (a, b, c) = (addr(1), addr(2), addr(3));
    let mut model = Model::default();
    let blocks = scenario();
    let code = blocks[1]
        .diff
        .accounts
        .iter()
        .find_map(|d| d.code.clone())
        .unwrap();
    for blk in blocks {
        model.apply(&blk.diff);
        store.append_block(blk).unwrap();
        let slots: Vec<U256> = (0..10).map(word).collect();
        model.check(store, 0, &[a, b, c, addr(4)], &slots);
    }

    // Spot checks, spelled out.
    assert_eq!(store.account(a, Some(0)).unwrap(), Some(info(1, 100)));
    assert_eq!(store.account(a, Some(1)).unwrap(), Some(info(2, 90)));
    assert_eq!(store.account(a, None).unwrap(), Some(info(3, 80)));
    assert_eq!(store.storage(a, word(1), Some(0)).unwrap(), word(10));
    assert_eq!(store.storage(a, word(1), Some(4)).unwrap(), word(11));
    assert_eq!(
        store.storage(a, word(1), None).unwrap(),
        U256::ZERO,
        "wiped in block 5"
    );
    assert_eq!(store.storage(a, word(2), Some(1)).unwrap(), word(20));
    assert_eq!(store.storage(a, word(2), Some(2)).unwrap(), U256::ZERO);
    assert_eq!(store.storage(a, word(3), Some(0)).unwrap(), U256::ZERO);
    assert_eq!(store.storage(a, word(3), None).unwrap(), word(30));
    assert_eq!(store.account(b, Some(1)).unwrap(), Some(info(0, 50)));
    assert_eq!(store.account(b, Some(2)).unwrap(), None);
    assert_eq!(store.account(b, Some(3)).unwrap(), None);
    assert_eq!(store.account(b, Some(4)).unwrap(), Some(info(0, 1)));
    assert_eq!(store.storage(b, word(5), Some(1)).unwrap(), word(55));
    assert_eq!(store.storage(b, word(5), Some(4)).unwrap(), U256::ZERO);
    assert_eq!(store.account(c, Some(0)).unwrap(), None);
    assert_eq!(store.storage(c, word(0), Some(3)).unwrap(), word(7));
    assert_eq!(store.storage(c, word(0), Some(4)).unwrap(), U256::ZERO);
    assert_eq!(store.storage(c, word(9), None).unwrap(), word(9));

    assert_eq!(store.code_by_hash(keccak256(&code)).unwrap(), Some(code));
    assert_eq!(store.code_by_hash(B256::repeat_byte(9)).unwrap(), None);
}

#[test]
fn state_at_every_block_redb() {
    let dir = tempfile::tempdir().unwrap();
    run(&open_redb(dir.path(), 100));
}

#[test]
fn state_at_every_block_memory() {
    run(&memory(100));
}

#[test]
fn empty_store_has_no_state() {
    let dir = tempfile::tempdir().unwrap();
    let redb = open_redb(dir.path(), 10);
    let mem = memory(10);
    for store in [&redb as &dyn Store, &mem] {
        assert_eq!(store.account(addr(1), None).unwrap(), None);
        assert_eq!(store.storage(addr(1), word(1), None).unwrap(), U256::ZERO);
        assert!(matches!(
            store.account(addr(1), Some(0)),
            Err(Error::UnknownBlock {
                block: 0,
                latest: None
            })
        ));
        assert_eq!(store.oldest_state_block().unwrap(), 0);
        assert_eq!(store.latest_block_number().unwrap(), None);
    }
    let e = mem.storage(addr(1), word(1), Some(3)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "block 3 is not in the store (latest block: none)"
    );
}
