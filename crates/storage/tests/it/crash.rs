//! Crash safety: a child process appends blocks in a loop and is killed with SIGKILL; the store
//! it leaves must hold every acknowledged block, complete, and nothing half-written.
//!
//! The child makes one block in three durable with `append_block`, defers the next two
//! (`append_block_deferred`) and syncs after the second (`sync`); it acknowledges a block only once
//! it is durable. Deferred blocks may or may not survive the kill, but never in part.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alloy_primitives::B256;
use fractal_storage::{BlockReader, BlockWriter};

use crate::common::{Model, addr, open_redb, scripted_block, scripted_chain, word};

const DIR_ENV: &str = "FRACTAL_STORAGE_CRASH_DIR";
const KEEP_BLOCKS: u64 = 16;

/// Last block the child reported committed.
fn progress(dir: &Path) -> Option<u64> {
    std::fs::read_to_string(dir.join("progress"))
        .ok()
        .map(|s| s.trim().parse().unwrap())
}

/// The child: appends scripted blocks forever, reporting each commit. Runs only when the crash
/// test starts it.
#[test]
#[ignore = "child process of killed_writer_leaves_a_consistent_store"]
fn child_writer() {
    let Some(dir) = std::env::var_os(DIR_ENV) else {
        return;
    };
    let dir = Path::new(&dir);
    let store = open_redb(dir, KEEP_BLOCKS);
    let mut next = store.latest_block_number().unwrap().map_or(0, |n| n + 1);
    let mut parent = next
        .checked_sub(1)
        .map_or(B256::ZERO, |p| store.block_hash(p).unwrap().unwrap());
    loop {
        let block = scripted_block(next, parent);
        parent = block.hash;
        let durable = match next % 3 {
            0 => {
                store.append_block(block).unwrap();
                true
            }
            1 => {
                store.append_block_deferred(block).unwrap();
                false
            }
            _ => {
                store.append_block_deferred(block).unwrap();
                store.sync().unwrap();
                true
            }
        };
        if durable {
            // Report the commit atomically (rename), so the parent never reads a torn number.
            std::fs::write(dir.join("progress.tmp"), next.to_string()).unwrap();
            std::fs::rename(dir.join("progress.tmp"), dir.join("progress")).unwrap();
        }
        next += 1;
    }
}

/// Reopens the store and checks it against the scripted chain; returns the latest block.
fn verify(dir: &Path, acked: u64) -> u64 {
    let store = open_redb(dir, KEEP_BLOCKS);
    let latest = store.latest_block_number().unwrap().unwrap();
    // At most the block being appended and a deferred one past the last acknowledged block.
    assert!(
        (acked..=acked + 2).contains(&latest),
        "acknowledged block {acked}, store holds {latest}"
    );
    assert_eq!(store.block_by_number(latest + 1).unwrap(), None);
    let chain = scripted_chain(latest + 1);
    let mut model = Model::default();
    for b in &chain {
        model.apply(&b.diff);
        let stored = store.block_by_number(b.number()).unwrap().unwrap();
        assert_eq!((stored.header, stored.hash), (b.header.clone(), b.hash));
        let receipts = store.block_receipts(b.number()).unwrap().unwrap();
        assert_eq!(receipts.len(), b.receipts.len());
        for ((t, r), stored_receipt) in b.transactions.iter().zip(&b.receipts).zip(&receipts) {
            let stored_tx = store.transaction(t.hash).unwrap().unwrap();
            assert_eq!(
                (stored_tx.raw, stored_tx.block_number),
                (t.raw.clone(), b.number())
            );
            assert_eq!(&stored_receipt.receipt, r);
        }
    }
    let oldest = latest.saturating_sub(KEEP_BLOCKS);
    assert_eq!(store.oldest_state_block().unwrap(), oldest);
    let addresses: Vec<_> = (1..=6).map(addr).collect();
    let slots: Vec<_> = (0..11).map(word).collect();
    model.check(&store, oldest, &addresses, &slots);
    latest
}

#[test]
fn killed_writer_leaves_a_consistent_store() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut last = None::<u64>;
    for round in 0..8 {
        let target = last.map_or(0, |l| l + 1) + 15;
        let mut child = Command::new(&exe)
            .args([
                "crash::child_writer",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .env(DIR_ENV, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(180);
        while progress(dir.path()).is_none_or(|p| p < target) {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("writer exited early in round {round}: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "writer too slow in round {round}"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        // Kill at an arbitrary point, most likely mid-transaction or mid-fsync.
        let jitter = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
            % 15;
        std::thread::sleep(Duration::from_millis(u64::from(jitter)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acked = progress(dir.path()).unwrap();
        last = Some(verify(dir.path(), acked));
    }
    assert!(last.unwrap() >= 120);
}
