//! Blocks, transactions and receipts; what `append_block` refuses.

use alloy_primitives::{B256, U256};
use fractal_storage::{BlockReader, BlockWriter, Error, StateReader, Store};

use crate::common::{
    addr, block, change, diff, info, log, memory, open_redb, receipt, scripted_chain, tx, word,
};

fn lookups(store: &dyn Store) {
    let chain = scripted_chain(4);
    for b in chain.clone() {
        store.append_block(b).unwrap();
    }
    assert_eq!(store.latest_block_number().unwrap(), Some(3));
    for b in &chain {
        let n = b.number();
        let stored = store.block_by_number(n).unwrap().unwrap();
        assert_eq!(stored.header, b.header);
        assert_eq!(stored.hash, b.hash);
        assert_eq!(stored.hash, b.header.hash_slow());
        assert_eq!(stored.number(), n);
        let hashes: Vec<B256> = b.transactions.iter().map(|t| t.hash).collect();
        assert_eq!(stored.tx_hashes, hashes);
        assert_eq!(store.block_hash(n).unwrap(), Some(b.hash));
        assert_eq!(store.block_number_by_hash(b.hash).unwrap(), Some(n));
        assert_eq!(store.block_by_hash(b.hash).unwrap(), Some(stored));

        let receipts = store.block_receipts(n).unwrap().unwrap();
        assert_eq!(receipts.len(), b.transactions.len());
        let mut first_log = 0;
        for (i, (t, r)) in b.transactions.iter().zip(&b.receipts).enumerate() {
            let stored_tx = store.transaction(t.hash).unwrap().unwrap();
            assert_eq!(
                (stored_tx.hash, &stored_tx.raw, stored_tx.sender),
                (t.hash, &t.raw, t.sender)
            );
            assert_eq!(
                (
                    stored_tx.block_number,
                    stored_tx.block_hash,
                    stored_tx.index
                ),
                (n, b.hash, i as u64)
            );
            let stored_receipt = store.receipt(t.hash).unwrap().unwrap();
            assert_eq!(&stored_receipt.receipt, r);
            assert_eq!(stored_receipt.tx_hash, t.hash);
            assert_eq!(
                (
                    stored_receipt.block_number,
                    stored_receipt.block_hash,
                    stored_receipt.index
                ),
                (n, b.hash, i as u64)
            );
            assert_eq!(stored_receipt.first_log_index, first_log);
            assert_eq!(receipts[i], stored_receipt);
            first_log += r.logs.len() as u64;
        }
    }
    assert_eq!(store.block_by_number(4).unwrap(), None);
    assert_eq!(store.block_hash(4).unwrap(), None);
    assert_eq!(store.block_receipts(4).unwrap(), None);
    assert_eq!(store.block_by_hash(B256::repeat_byte(7)).unwrap(), None);
    assert_eq!(store.transaction(B256::repeat_byte(7)).unwrap(), None);
    assert_eq!(store.receipt(B256::repeat_byte(7)).unwrap(), None);
    assert_eq!(
        store.block_receipts(0).unwrap(),
        Some(Vec::new()),
        "genesis has no transactions"
    );
}

#[test]
fn lookups_redb() {
    let dir = tempfile::tempdir().unwrap();
    lookups(&open_redb(dir.path(), 10));
}

#[test]
fn lookups_memory() {
    lookups(&memory(10));
}

/// Every refused append leaves the store exactly as it was.
fn refusals(store: &dyn Store) {
    let genesis_diff = diff(vec![change(addr(1), Some(info(0, 5)), &[(1, 1)], false)]);
    let late = block(1, B256::ZERO, Vec::new(), genesis_diff.clone());
    assert!(matches!(
        store.append_block(late),
        Err(Error::NonSequentialBlock {
            expected: 0,
            got: 1
        })
    ));
    let genesis = block(0, B256::ZERO, Vec::new(), genesis_diff);
    let g = genesis.hash;
    store.append_block(genesis).unwrap();
    let sender = addr(1);
    let b1 = block(
        1,
        g,
        vec![(tx(1, 0, sender), receipt(sender, 21_000, vec![]))],
        Default::default(),
    );
    let h1 = b1.hash;
    store.append_block(b1).unwrap();

    let touch = || diff(vec![change(addr(1), Some(info(9, 9)), &[(1, 9)], false)]);
    let unchanged = |store: &dyn Store| {
        assert_eq!(store.latest_block_number().unwrap(), Some(1));
        assert_eq!(store.block_by_number(2).unwrap(), None);
        assert_eq!(store.account(addr(1), None).unwrap(), Some(info(0, 5)));
        assert_eq!(store.storage(addr(1), word(1), None).unwrap(), word(1));
        assert_eq!(store.transaction(tx(2, 0, sender).hash).unwrap(), None);
        assert_eq!(store.transaction(tx(2, 1, sender).hash).unwrap(), None);
    };

    let e = store
        .append_block(block(3, h1, Vec::new(), touch()))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::NonSequentialBlock {
                expected: 2,
                got: 3
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "block 3 is out of order: the next block must be 2"
    );
    let e = store
        .append_block(block(1, g, Vec::new(), touch()))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::NonSequentialBlock {
                expected: 2,
                got: 1
            }
        ),
        "{e}"
    );
    unchanged(store);

    let e = store
        .append_block(block(2, g, Vec::new(), touch()))
        .unwrap_err();
    assert!(
        matches!(e, Error::ParentHashMismatch { block: 2, expected, got } if expected == h1 && got == g),
        "{e}"
    );
    assert!(e.to_string().starts_with("block 2 has parent hash"), "{e}");
    unchanged(store);

    let mut short = block(
        2,
        h1,
        vec![(tx(2, 0, sender), receipt(sender, 1, vec![]))],
        touch(),
    );
    short.receipts.clear();
    let e = store.append_block(short).unwrap_err();
    assert!(matches!(
        e,
        Error::ReceiptCountMismatch {
            block: 2,
            transactions: 1,
            receipts: 0
        }
    ));
    unchanged(store);

    // A repeated transaction is found only after the new ones are written: all is rolled back.
    let repeat = block(
        2,
        h1,
        vec![
            (
                tx(2, 0, sender),
                receipt(sender, 1, vec![log(addr(5), &[], b"")]),
            ),
            (tx(2, 1, sender), receipt(sender, 2, vec![])),
            (tx(1, 0, sender), receipt(sender, 3, vec![])),
        ],
        touch(),
    );
    let e = store.append_block(repeat).unwrap_err();
    assert!(
        matches!(e, Error::DuplicateTransaction { block: 2, tx: t } if t == tx(1, 0, sender).hash)
    );
    unchanged(store);
    assert_eq!(
        store
            .transaction(tx(1, 0, sender).hash)
            .unwrap()
            .unwrap()
            .block_number,
        1
    );

    let twice = fractal_primitives::StateDiff {
        accounts: vec![
            change(addr(2), Some(info(1, 1)), &[], false),
            change(addr(1), Some(info(1, 1)), &[], false),
            change(addr(2), Some(info(2, 2)), &[], false),
        ],
    };
    let e = store
        .append_block(block(2, h1, Vec::new(), twice))
        .unwrap_err();
    assert!(matches!(e, Error::DuplicateAccount { block: 2, address } if address == addr(2)));
    unchanged(store);

    // Unsorted but distinct accounts are fine.
    let unsorted = fractal_primitives::StateDiff {
        accounts: vec![
            change(addr(2), Some(info(1, 1)), &[], false),
            change(addr(1), Some(info(1, 1)), &[(1, 0)], false),
        ],
    };
    store
        .append_block(block(2, h1, Vec::new(), unsorted))
        .unwrap();
    assert_eq!(store.storage(addr(1), word(1), None).unwrap(), U256::ZERO);
    assert_eq!(store.storage(addr(1), word(1), Some(1)).unwrap(), word(1));
}

#[test]
fn refusals_write_nothing_redb() {
    let dir = tempfile::tempdir().unwrap();
    refusals(&open_redb(dir.path(), 10));
}

#[test]
fn refusals_write_nothing_memory() {
    refusals(&memory(10));
}

/// A deferred block is checked like any other, visible at once, and durable after `sync`.
#[test]
fn deferred_blocks_are_checked_visible_and_synced() {
    let dir = tempfile::tempdir().unwrap();
    let sender = addr(1);
    let h1 = {
        let store = open_redb(dir.path(), 10);
        let genesis = block(
            0,
            B256::ZERO,
            Vec::new(),
            diff(vec![change(sender, Some(info(0, 5)), &[], false)]),
        );
        let g = genesis.hash;
        store.append_block(genesis).unwrap();
        assert!(matches!(
            store.append_block_deferred(block(2, g, Vec::new(), Default::default())),
            Err(Error::NonSequentialBlock {
                expected: 1,
                got: 2
            })
        ));
        let b1 = block(
            1,
            g,
            vec![(tx(1, 0, sender), receipt(sender, 21_000, vec![]))],
            diff(vec![change(sender, Some(info(1, 4)), &[], false)]),
        );
        let h1 = b1.hash;
        store.append_block_deferred(b1).unwrap();
        assert_eq!(store.latest_block_number().unwrap(), Some(1));
        assert_eq!(store.account(sender, None).unwrap(), Some(info(1, 4)));
        assert_eq!(store.account(sender, Some(0)).unwrap(), Some(info(0, 5)));
        assert!(store.transaction(tx(1, 0, sender).hash).unwrap().is_some());
        // A wrong parent is refused and leaves the deferred block in place.
        assert!(
            store
                .append_block_deferred(block(2, g, Vec::new(), Default::default()))
                .is_err()
        );
        store.sync().unwrap();
        h1
    };
    let store = open_redb(dir.path(), 10);
    assert_eq!(store.latest_block_number().unwrap(), Some(1));
    assert_eq!(store.block_hash(1).unwrap(), Some(h1));
    assert_eq!(store.account(sender, None).unwrap(), Some(info(1, 4)));
}
