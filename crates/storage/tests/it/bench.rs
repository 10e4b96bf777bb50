//! Append throughput, timed (ignored by default):
//! `cargo test -p fractal-storage --test it -- --ignored bench --nocapture`.
#![allow(clippy::print_stderr)]

use std::time::Instant;

use alloy_primitives::{Address, B256, U256};
use fractal_primitives::{AccountDiff, StateDiff};
use fractal_storage::{BlockWriter, StateReader};

use crate::common::{block, info, log, open_redb, receipt, tx};

const BLOCKS: u64 = 200;
const TXS: u64 = 200;

fn sender(n: u64) -> Address {
    Address::left_padding_from(&(n % 5_000 + 1).to_be_bytes())
}

#[test]
#[ignore = "benchmark"]
fn bench_append_throughput() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_redb(dir.path(), 64);
    let token = Address::repeat_byte(0x70);
    let mut parent = B256::ZERO;
    let mut elapsed = std::time::Duration::ZERO;
    for n in 0..BLOCKS {
        let txs = (0..TXS)
            .map(|i| {
                let s = sender(n * TXS + i);
                let l = log(token, &[B256::repeat_byte(1), s.into_word()], &[0u8; 32]);
                (tx(n, i, s), receipt(s, 50_000 * (i + 1), vec![l]))
            })
            .collect();
        // Each transaction: its sender's nonce and balance, and one token balance slot.
        let mut accounts: Vec<AccountDiff> = (0..TXS)
            .map(|i| AccountDiff {
                address: sender(n * TXS + i),
                info: Some(info(n + 1, 1_000_000 - n)),
                ..Default::default()
            })
            .collect();
        accounts.push(AccountDiff {
            address: token,
            info: Some(info(1, 0)),
            storage: (0..TXS)
                .map(|i| (U256::from(n * TXS + i), U256::from(n + 1)))
                .collect(),
            ..Default::default()
        });
        accounts.sort_by_key(|a| a.address);
        accounts.dedup_by_key(|a| a.address);
        let b = block(n, parent, txs, StateDiff { accounts });
        parent = b.hash;
        let started = Instant::now();
        store.append_block(b).unwrap();
        elapsed += started.elapsed();
    }
    let reads = Instant::now();
    for n in 0..1_000u64 {
        store.account(sender(n), Some(BLOCKS - 1 - n % 60)).unwrap();
    }
    let read = reads.elapsed() / 1_000;
    let size = std::fs::metadata(store.path()).unwrap().len();
    eprintln!(
        "{BLOCKS} blocks x {TXS} txs appended in {elapsed:?}: {:.1} blocks/s, {:.0} tx/s; historical account read {read:?}; file {} MiB",
        BLOCKS as f64 / elapsed.as_secs_f64(),
        (BLOCKS * TXS) as f64 / elapsed.as_secs_f64(),
        size >> 20
    );
}
