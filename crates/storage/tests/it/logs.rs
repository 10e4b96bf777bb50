//! Log queries: ranges, addresses, topic sets and wildcards, caps.

use alloy_primitives::{Address, B256};
use fractal_storage::{BlockReader, BlockWriter, Error, LogQuery, Store, StoredLog};

use crate::common::{addr, block, log, memory, open_redb, receipt, tx};

fn topic(n: u8) -> B256 {
    B256::repeat_byte(n)
}

/// Genesis, then three blocks of logs.
fn fill(store: &dyn Store) -> Vec<B256> {
    let (a, b, c) = (addr(0xa), addr(0xb), addr(0xc));
    let s = addr(1);
    let genesis = block(0, B256::ZERO, Vec::new(), Default::default());
    let b1 = block(
        1,
        genesis.hash,
        vec![
            (
                tx(1, 0, s),
                receipt(
                    s,
                    1,
                    vec![
                        log(a, &[topic(1), topic(2)], b"x"),
                        log(b, &[topic(1)], b""),
                    ],
                ),
            ),
            (tx(1, 1, s), receipt(s, 2, vec![])),
            (tx(1, 2, s), receipt(s, 3, vec![log(a, &[topic(3)], b"y")])),
        ],
        Default::default(),
    );
    let b2 = block(
        2,
        b1.hash,
        vec![(tx(2, 0, s), receipt(s, 1, vec![log(c, &[], b"z")]))],
        Default::default(),
    );
    let b3 = block(
        3,
        b2.hash,
        vec![(
            tx(3, 0, s),
            receipt(s, 1, vec![log(b, &[topic(2), topic(1)], b"")]),
        )],
        Default::default(),
    );
    let hashes = vec![genesis.hash, b1.hash, b2.hash, b3.hash];
    for blk in [genesis, b1, b2, b3] {
        store.append_block(blk).unwrap();
    }
    hashes
}

/// `(block, tx index, log index, address)` of each log.
fn positions(logs: &[StoredLog]) -> Vec<(u64, u64, u64, Address)> {
    logs.iter()
        .map(|l| (l.block_number, l.tx_index, l.log_index, l.log.address))
        .collect()
}

fn queries(store: &dyn Store) {
    let hashes = fill(store);
    let (a, b, c) = (addr(0xa), addr(0xb), addr(0xc));

    let all = store.logs(&LogQuery::new(0, 3)).unwrap();
    assert_eq!(
        positions(&all),
        vec![
            (1, 0, 0, a),
            (1, 0, 1, b),
            (1, 2, 2, a),
            (2, 0, 0, c),
            (3, 0, 0, b)
        ]
    );
    assert_eq!(all[2].tx_hash, tx(1, 2, addr(1)).hash);
    assert_eq!(all[3].block_hash, hashes[2]);
    assert_eq!(all[0].log.data.data.as_ref(), b"x");

    let q = |query: LogQuery| positions(&store.logs(&query).unwrap());
    assert_eq!(
        q(LogQuery::new(0, 3).with_address(a)),
        vec![(1, 0, 0, a), (1, 2, 2, a)]
    );
    assert_eq!(
        q(LogQuery::new(0, 3).with_address(a).with_address(c)),
        vec![(1, 0, 0, a), (1, 2, 2, a), (2, 0, 0, c)]
    );
    assert_eq!(
        q(LogQuery::new(0, 3).with_topic(0, topic(1))),
        vec![(1, 0, 0, a), (1, 0, 1, b)]
    );
    assert_eq!(
        q(LogQuery::new(0, 3)
            .with_topic(0, topic(1))
            .with_topic(0, topic(2))),
        vec![(1, 0, 0, a), (1, 0, 1, b), (3, 0, 0, b)]
    );
    assert_eq!(
        q(LogQuery::new(0, 3).with_topic(1, topic(1))),
        vec![(3, 0, 0, b)],
        "wildcard first topic"
    );
    assert_eq!(
        q(LogQuery::new(0, 3).with_topic(1, topic(2))),
        vec![(1, 0, 0, a)]
    );
    assert_eq!(
        q(LogQuery::new(0, 3).with_address(b).with_topic(0, topic(1))),
        vec![(1, 0, 1, b)]
    );
    assert_eq!(
        q(LogQuery::new(0, 3)
            .with_topic(0, topic(2))
            .with_topic(1, topic(2))),
        vec![],
        "both positions must match in the same log"
    );
    assert_eq!(q(LogQuery::new(0, 3).with_topic(3, topic(1))), vec![]);
    assert_eq!(q(LogQuery::new(0, 3).with_address(addr(0xd))), vec![]);
    assert_eq!(q(LogQuery::new(2, 3)), vec![(2, 0, 0, c), (3, 0, 0, b)]);
    assert_eq!(q(LogQuery::new(1, 1).with_address(b)), vec![(1, 0, 1, b)]);
    assert_eq!(
        q(LogQuery::new(3, 1_000)),
        vec![(3, 0, 0, b)],
        "clamped to the latest block"
    );
    assert_eq!(q(LogQuery::new(4, 9)), vec![]);

    assert!(matches!(
        store.logs(&LogQuery::new(3, 2)),
        Err(Error::InvalidLogRange { from: 3, to: 2 })
    ));
}

#[test]
fn log_queries_redb() {
    let dir = tempfile::tempdir().unwrap();
    queries(&open_redb(dir.path(), 10));
}

#[test]
fn log_queries_memory() {
    queries(&memory(10));
}

fn caps(store: &dyn Store) {
    let genesis = block(0, B256::ZERO, Vec::new(), Default::default());
    let s = addr(1);
    let many = (0..=LogQuery::MAX_LOGS)
        .map(|_| log(addr(2), &[topic(1)], b""))
        .collect();
    let b1 = block(
        1,
        genesis.hash,
        vec![(tx(1, 0, s), receipt(s, 1, many))],
        Default::default(),
    );
    store.append_block(genesis).unwrap();
    store.append_block(b1).unwrap();
    let e = store
        .logs(&LogQuery::new(0, 1).with_topic(0, topic(1)))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooManyLogs {
                max: LogQuery::MAX_LOGS,
                ..
            }
        ),
        "{e}"
    );
    let e = store.logs(&LogQuery::new(0, 1)).unwrap_err();
    assert!(matches!(e, Error::TooManyLogs { .. }), "{e}");
    assert_eq!(
        store
            .logs(&LogQuery::new(0, 1).with_address(addr(3)))
            .unwrap(),
        vec![]
    );
}

#[test]
fn log_caps_redb() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_redb(dir.path(), 10);
    caps(&store);
    // A wide range is refused only once the chain is long enough for it to matter.
    let e = store.logs(&LogQuery::new(0, u64::MAX)).unwrap_err();
    assert!(matches!(e, Error::TooManyLogs { .. }), "{e}");
}

#[test]
fn log_caps_memory() {
    caps(&memory(10));
}

#[test]
fn log_range_cap() {
    let store = memory(10);
    let mut parent = B256::ZERO;
    for n in 0..=LogQuery::MAX_BLOCK_RANGE {
        let b = block(n, parent, Vec::new(), Default::default());
        parent = b.hash;
        store.append_block(b).unwrap();
    }
    assert_eq!(
        store
            .logs(&LogQuery::new(1, LogQuery::MAX_BLOCK_RANGE))
            .unwrap(),
        vec![]
    );
    let e = store
        .logs(&LogQuery::new(0, LogQuery::MAX_BLOCK_RANGE))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::LogRangeTooLarge {
                from: 0,
                max: LogQuery::MAX_BLOCK_RANGE,
                ..
            }
        ),
        "{e}"
    );
}
