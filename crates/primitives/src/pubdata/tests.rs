use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256, keccak256};
use proptest::prelude::*;

use super::*;
use crate::{
    AccountDiff, AccountInfo, Error, STATE_TREE_CAPACITY, StateDiff, StateKind, balance_key,
};

fn addr(byte: u8) -> Address {
    Address::with_last_byte(byte)
}

const ETHER: u128 = 1_000_000_000_000_000_000;
const GWEI: u128 = 1_000_000_000;

fn account(
    address: Address,
    nonce: u64,
    balance: U256,
    code: Option<&[u8]>,
    storage: &[(U256, U256)],
) -> AccountDiff {
    AccountDiff {
        address,
        info: Some(AccountInfo {
            nonce,
            balance,
            code_hash: code.map_or(KECCAK256_EMPTY, keccak256),
        }),
        storage: storage.iter().copied().collect(),
        storage_cleared: false,
        code: code.map(Bytes::copy_from_slice),
    }
}

fn diff(mut accounts: Vec<AccountDiff>) -> StateDiff {
    accounts.sort_by_key(|a| a.address);
    StateDiff { accounts }
}

fn hash_value(code: &[u8]) -> U256 {
    U256::from_be_bytes(keccak256(code).0)
}

const CODE: &[u8] = &[0x60, 0x00, 0x60, 0x00, 0xf3];

/// Genesis of the error tests: addr(1) with a balance; addr(2) a contract with one slot.
/// Entries: 0 balance of 1 · 1 slot 3 of 2 · 2 nonce of 2 · 3 balance of 2 · 4 code hash of 2.
fn small_genesis() -> PubdataTables {
    PubdataTables::genesis(&diff(vec![
        account(
            addr(2),
            1,
            U256::from(5),
            Some(CODE),
            &[(U256::from(3), U256::from(9))],
        ),
        account(addr(1), 0, U256::from(7), None, &[]),
    ]))
}

/// A hand-made batch of block 1 with the given rows.
fn batch(rows: &[u8]) -> Vec<u8> {
    batch_for(1, 1, rows)
}

fn batch_for(first: u64, last: u64, rows: &[u8]) -> Vec<u8> {
    let mut out = vec![PUBDATA_VERSION];
    out.extend_from_slice(&first.to_be_bytes());
    out.extend_from_slice(&last.to_be_bytes());
    out.extend_from_slice(&(rows.len() as u32).to_be_bytes());
    out.extend_from_slice(rows);
    out
}

/// Decodes `bytes` expecting an error, and checks that the tables did not change.
fn decode_err(tables: &PubdataTables, bytes: &[u8]) -> Error {
    let mut t = tables.clone();
    let err = decode(&mut t, bytes).expect_err("invalid pubdata decodes");
    assert_eq!(&t, tables, "tables changed by a failed decode");
    err
}

fn encode_err(tables: &PubdataTables, writes: &BatchWrites, blocks: BlockRange) -> Error {
    let mut t = tables.clone();
    let err = encode(&mut t, writes, blocks).expect_err("invalid writes encode");
    assert_eq!(&t, tables, "tables changed by a failed encode");
    err
}

fn writes(values: &[(EntryKey, U256)]) -> BatchWrites {
    BatchWrites {
        values: values.iter().copied().collect(),
        code: BTreeMap::new(),
    }
}

/// Encodes on a copy of `tables` and decodes on another, checking both sides agree.
fn round_trip(tables: &mut PubdataTables, w: &BatchWrites, blocks: BlockRange) -> Bytes {
    let mut decoder = tables.clone();
    let bytes = encode(tables, w, blocks).unwrap();
    let decoded = decode(&mut decoder, &bytes).unwrap();
    assert_eq!(decoded.writes, *w);
    assert_eq!(decoded.blocks, blocks);
    assert_eq!(&decoder, tables);
    bytes
}

#[test]
fn genesis_indexes_entries_by_address_kind_slot() {
    let t = small_genesis();
    assert_eq!(t.last_block(), 0);
    let expected = [
        (EntryKey::balance(addr(1)), U256::from(7)),
        (EntryKey::storage(addr(2), U256::from(3)), U256::from(9)),
        (EntryKey::nonce(addr(2)), U256::from(1)),
        (EntryKey::balance(addr(2)), U256::from(5)),
        (EntryKey::code_hash(addr(2)), hash_value(CODE)),
    ];
    let indexed: Vec<_> = (0..).zip(expected).map(|(i, (k, v))| (i, k, v)).collect();
    assert_eq!(t.entries().collect::<Vec<_>>(), indexed);
    for (i, (key, _)) in expected.iter().enumerate() {
        assert_eq!(t.entry_index(key), Some(i as u64));
    }
    assert_eq!((t.entry_count(), t.next_index()), (5, 5));
    assert!(t.knows_address(&addr(1)) && t.knows_address(&addr(2)));
    assert!(!t.knows_address(&addr(0)) && !t.knows_address(&addr(3)));
    assert!(t.is_code_known(&keccak256(CODE)));
    assert_eq!(t.value(&EntryKey::nonce(addr(1))), U256::ZERO);
    assert_eq!(t.entry(5), None);
}

#[test]
fn entries_map_to_their_state_tree_keys() {
    let a = addr(7);
    assert_eq!(EntryKey::balance(a).state_key(), balance_key(a, None));
    let slot = U256::from(42);
    assert_eq!(
        EntryKey::storage(a, slot).state_key(),
        crate::state_key(StateKind::Storage, a, B256::from(slot))
    );
    assert_eq!(
        EntryKey::code_hash(a).state_key(),
        crate::state_key(StateKind::CodeHash, a, B256::ZERO)
    );
    assert_eq!(code_hash_value(KECCAK256_EMPTY), U256::ZERO);
    assert_eq!(code_hash_value(B256::ZERO), U256::ZERO);
}

#[test]
fn an_empty_batch_is_its_header() {
    let mut t = small_genesis();
    let bytes = round_trip(&mut t, &BatchWrites::default(), BlockRange::new(1, 4));
    assert_eq!(bytes.to_vec(), batch_for(1, 4, &[]));
    assert_eq!(bytes.len(), 21);
    assert_eq!(write_run(&bytes).unwrap(), 21..21);
    assert_eq!(t.last_block(), 4);
}

#[test]
fn first_writes_carry_kind_address_and_slot() {
    let mut t = small_genesis();
    let wide = U256::from(1) << 200;
    let w = writes(&[
        (EntryKey::storage(addr(9), U256::ZERO), U256::from(2)),
        (EntryKey::storage(addr(9), U256::from(300)), U256::from(1)),
        (EntryKey::storage(addr(9), wide), U256::from(0x1234)),
        (EntryKey::nonce(addr(9)), U256::from(1)),
        (EntryKey::nonce(addr(1)), U256::from(1)),
    ]);
    let bytes = round_trip(&mut t, &w, BlockRange::new(1, 1));
    // Entries 0–4 are the genesis'; the new ones follow at 5–9 in (address, kind, slot) order.
    let mut rows = vec![0x05, 0x40]; // index 5, nonce, addr(1)
    rows.extend_from_slice(addr(1).as_slice());
    rows.push(0xc0); // +1
    rows.extend_from_slice(&[0x00, 0x00]); // index 6: storage, 1-byte slot, addr(9)
    rows.extend_from_slice(addr(9).as_slice());
    rows.extend_from_slice(&[0x00, 0xc1]); // slot 0, +2
    rows.extend_from_slice(&[0x00, 0x21, 0x01, 0x2c, 0xc0]); // index 7: same address, slot 300, +1
    rows.extend_from_slice(&[0x00, 0x39]); // index 8: same address, 26-byte slot
    rows.extend_from_slice(&wide.to_be_bytes::<32>()[6..]);
    rows.extend_from_slice(&[0x02, 0x12, 0x34]);
    rows.extend_from_slice(&[0x00, 0x60, 0xc0]); // index 9: nonce, same address, +1
    assert_eq!(bytes.to_vec(), batch(&rows));
    assert_eq!(write_run(&bytes).unwrap(), 21..21 + rows.len());
    let decoded = decode(&mut small_genesis(), &bytes).unwrap();
    let encodings: Vec<_> = decoded
        .rows
        .iter()
        .map(|r| r.key_encoding.map(|e| (e.same_address, e.slot_len)))
        .collect();
    assert_eq!(
        encodings,
        [
            Some((false, 0)),
            Some((false, 1)),
            Some((true, 2)),
            Some((true, 26)),
            Some((true, 0))
        ]
    );
    check_rows(&t, &decoded, &bytes);
    assert_eq!(t.entry_count(), 10);
    assert_eq!(t.entry_index(&EntryKey::nonce(addr(1))), Some(5));
    assert_eq!(
        t.entry(8),
        Some((EntryKey::storage(addr(9), wide), U256::from(0x1234)))
    );
    assert_eq!(
        t.storage_slots(addr(9)).collect::<Vec<_>>(),
        [U256::ZERO, U256::from(300), wide]
    );
}

#[test]
fn repeated_writes_are_index_gaps_and_deltas() {
    let mut t = small_genesis();
    let w = writes(&[
        (EntryKey::balance(addr(1)), U256::from(8)),
        (EntryKey::nonce(addr(2)), U256::from(2)),
        (EntryKey::code_hash(addr(2)), U256::ZERO),
        (EntryKey::balance(addr(3)), U256::from(3)),
    ]);
    let bytes = round_trip(&mut t, &w, BlockRange::new(1, 2));
    // Index 0 (+1), index 2 (gap 1, +1), index 4 (gap 1, cleared), then the first write at 5.
    let mut rows = vec![0x00, 0xc0, 0x01, 0xc0, 0x01, 0x00, 0x00, 0x80];
    rows.extend_from_slice(addr(3).as_slice());
    rows.push(0xc2);
    assert_eq!(bytes.to_vec(), batch_for(1, 2, &rows));
    assert_eq!(t.value(&EntryKey::code_hash(addr(2))), U256::ZERO);
    assert_eq!(t.entry_index(&EntryKey::code_hash(addr(2))), Some(4));
}

#[test]
fn decode_accepts_any_free_position_and_any_valid_packing() {
    let t = small_genesis();
    // Entry 0 with a padded full value (0x00 0x08), then a first write at position 1000: gap 999
    // in a longer varint than needed.
    let mut rows = vec![0x00, 0x02, 0x00, 0x08, 0xe7, 0x87, 0x00, 0x80];
    rows.extend_from_slice(addr(9).as_slice());
    rows.extend_from_slice(&[0x42, 0x00, 0x05]); // add 5 over 0, with a leading zero byte
    let mut decoded = t;
    let batch = decode(&mut decoded, &batch(&rows)).unwrap();
    assert_eq!(
        batch.writes,
        writes(&[
            (EntryKey::balance(addr(1)), U256::from(8)),
            (EntryKey::balance(addr(9)), U256::from(5)),
        ])
    );
    assert_eq!(decoded.entry_index(&EntryKey::balance(addr(9))), Some(1000));
    // The rows keep the encoding the bytes chose: what the circuit re-creates.
    let [padded, far] = &batch.rows[..] else {
        panic!("two rows")
    };
    assert_eq!(
        (padded.index, padded.gap_len, padded.value_header),
        (0, 1, 0x02)
    );
    assert_eq!(padded.key_encoding, None);
    assert_eq!(
        (padded.previous, padded.value),
        (U256::from(7), U256::from(8))
    );
    assert_eq!((far.index, far.gap_len, far.value_header), (1000, 3, 0x42));
    assert_eq!(
        far.key_encoding,
        Some(KeyEncoding {
            same_address: false,
            slot_len: 0
        })
    );
    assert_eq!(far.bytes, 25..25 + 3 + 1 + 20 + 3);
    assert_eq!((far.gap, far.word), (999, U256::from(5)));
    assert_eq!((decoded.entry_count(), decoded.next_index()), (6, 1001));
    // The encoder continues after the highest position taken; the decoder agrees.
    let mut rebuilder = decoded.clone();
    let next = writes(&[(EntryKey::nonce(addr(9)), U256::from(1))]);
    let bytes = encode(&mut decoded, &next, BlockRange::new(2, 2)).unwrap();
    decode(&mut rebuilder, &bytes).unwrap();
    assert_eq!(decoded, rebuilder);
    assert_eq!(decoded.entry_index(&EntryKey::nonce(addr(9))), Some(1001));
    // And a later first write may fill a free position below it.
    let mut rows = vec![0x07, 0x40];
    rows.extend_from_slice(addr(7).as_slice());
    rows.push(0xc0);
    decode(&mut rebuilder, &batch_for(3, 3, &rows)).unwrap();
    assert_eq!(rebuilder.entry_index(&EntryKey::nonce(addr(7))), Some(7));
}

#[test]
fn new_code_is_published_once() {
    let other: &[u8] = &[0x60, 0x01];
    let mut t = small_genesis();
    let mut w = writes(&[
        (EntryKey::code_hash(addr(1)), hash_value(other)),
        (EntryKey::code_hash(addr(9)), hash_value(other)),
        (EntryKey::code_hash(addr(10)), hash_value(CODE)),
    ]);
    w.code
        .insert(keccak256(other), Bytes::from_static(&[0x60, 0x01]));
    let bytes = round_trip(&mut t, &w, BlockRange::new(1, 1));
    assert!(bytes.ends_with(&[2, 0x60, 0x01]));
    assert!(t.is_code_known(&keccak256(other)));
    // Later batches refer to it without publishing it again.
    let w = writes(&[(EntryKey::code_hash(addr(11)), hash_value(other))]);
    round_trip(&mut t, &w, BlockRange::new(2, 2));
}

#[test]
fn encode_refuses_invalid_writes_and_leaves_tables_unchanged() {
    let t = small_genesis();
    let b = BlockRange::new(1, 1);
    let noop = |key: EntryKey, value: u64| {
        assert!(matches!(
            encode_err(&t, &writes(&[(key, U256::from(value))]), b),
            Error::PubdataNoopWrite(k) if k == key
        ));
    };
    noop(EntryKey::balance(addr(1)), 7);
    noop(EntryKey::nonce(addr(1)), 0);

    let invalid = |key: EntryKey, value: U256| {
        assert!(matches!(
            encode_err(&t, &writes(&[(key, value)]), b),
            Error::PubdataInvalidEntry { entry, .. } if entry == key
        ));
    };
    invalid(EntryKey::nonce(addr(1)), U256::from(1) << 64);
    invalid(
        EntryKey::code_hash(addr(1)),
        U256::from_be_bytes(KECCAK256_EMPTY.0),
    );
    let mut slotted = EntryKey::balance(addr(1));
    slotted.slot = U256::from(1);
    invalid(slotted, U256::from(1));

    let unknown: &[u8] = &[0xfe];
    let mut w = writes(&[(EntryKey::code_hash(addr(1)), hash_value(unknown))]);
    assert!(matches!(
        encode_err(&t, &w, b),
        Error::PubdataMissingCode(h) if h == keccak256(unknown)
    ));
    w.code.insert(keccak256(CODE), Bytes::from_static(CODE));
    assert!(matches!(
        encode_err(&t, &w, b),
        Error::PubdataKnownCode(h) if h == keccak256(CODE)
    ));
    w.code.clear();
    w.code
        .insert(keccak256(unknown), Bytes::from_static(&[0xfd]));
    assert!(matches!(
        encode_err(&t, &w, b),
        Error::PubdataCodeHash { expected, .. } if expected == keccak256(unknown)
    ));
    let mut unused = BatchWrites::default();
    unused
        .code
        .insert(keccak256(unknown), Bytes::from_static(&[0xfe]));
    assert!(matches!(
        encode_err(&t, &unused, b),
        Error::PubdataUnusedCode(_)
    ));

    let empty = BatchWrites::default();
    assert!(matches!(
        encode_err(&t, &empty, BlockRange::new(2, 2)),
        Error::PubdataBlockRange {
            first: 2,
            last: 2,
            expected_first: 1
        }
    ));
    assert!(matches!(
        encode_err(&t, &empty, BlockRange::new(1, 0)),
        Error::PubdataBlockRange { .. }
    ));
}

#[test]
fn decode_refuses_framing_errors() {
    let t = small_genesis();
    let valid = batch(&[0x00, 0xc0]);
    decode(&mut t.clone(), &valid).unwrap();

    let mut versioned = valid.clone();
    versioned[0] = 1;
    assert!(matches!(
        decode_err(&t, &versioned),
        Error::PubdataVersion(1)
    ));
    assert!(matches!(
        write_run(&versioned),
        Err(Error::PubdataVersion(1))
    ));
    assert!(matches!(
        decode_err(&t, &valid[..valid.len() - 1]),
        Error::PubdataTruncated {
            what: "the writes",
            offset: 21,
            needed: 2,
            available: 1
        }
    ));
    for len in 0..valid.len() {
        assert!(matches!(
            decode_err(&t, &valid[..len]),
            Error::PubdataTruncated { .. }
        ));
        assert!(write_run(&valid[..len]).is_err());
    }
    // A row running past the writes' length is truncated there, not read into what follows.
    let mut short = valid.clone();
    short[20] = 1;
    assert!(matches!(
        decode_err(&t, &short),
        Error::PubdataTruncated {
            what: "a value header",
            offset: 22,
            needed: 1,
            available: 0
        }
    ));
    // Bytes after the rows are code: a stray byte is a code length with no code.
    let mut trailing = valid;
    trailing.push(5);
    assert!(matches!(
        decode_err(&t, &trailing),
        Error::PubdataTruncated { what: "code", .. }
    ));
    assert!(matches!(
        decode_err(&t, &batch_for(0, 1, &[])),
        Error::PubdataBlockRange {
            first: 0,
            expected_first: 1,
            ..
        }
    ));
    assert!(matches!(
        decode_err(&t, &batch_for(1, 0, &[])),
        Error::PubdataBlockRange { .. }
    ));
    assert!(matches!(
        decode_err(&t, &batch(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0xc0])),
        Error::PubdataMalformed { offset: 21, .. }
    ));
}

#[test]
fn decode_refuses_bad_key_tags() {
    let t = small_genesis();
    // Same-address on the batch's first first write: there is no address to repeat.
    assert!(matches!(
        decode_err(&t, &batch(&[0x05, 0x60, 0xc0])),
        Error::PubdataMalformed {
            offset: 22,
            reason: "a same-address key tag with no first write before it"
        }
    ));
    // A nonce's tag with a slot length.
    let mut slotted = vec![0x05, 0x41];
    slotted.extend_from_slice(addr(9).as_slice());
    slotted.push(0xc0);
    assert!(matches!(
        decode_err(&t, &batch(&slotted)),
        Error::PubdataMalformed {
            offset: 22,
            reason: "an account field's key tag with a slot length"
        }
    ));
    let mut truncated = vec![0x05, 0x00];
    truncated.extend_from_slice(&addr(9).as_slice()[..19]);
    assert!(matches!(
        decode_err(&t, &batch(&truncated)),
        Error::PubdataTruncated {
            what: "an address",
            offset: 23,
            needed: 20,
            available: 19
        }
    ));
}

/// A first write's row at gap `gap`: key tag, address unless same, slot bytes, then `value`.
fn first_row(gap: u8, tag: u8, address: Address, slot: &[u8], value: &[u8]) -> Vec<u8> {
    let mut row = vec![gap, tag];
    if tag & 0x20 == 0 {
        row.extend_from_slice(address.as_slice());
    }
    row.extend_from_slice(slot);
    row.extend_from_slice(value);
    row
}

#[test]
fn decode_refuses_bad_first_writes() {
    let t = small_genesis();
    // The balance of addr(1) is entry 0: it cannot be first-written again at 5.
    assert!(matches!(
        decode_err(&t, &batch(&first_row(5, 0x80, addr(1), &[], &[0xc0]))),
        Error::PubdataKnownEntry(k) if k == EntryKey::balance(addr(1))
    ));
    // Nor twice in one batch.
    let mut twice = first_row(5, 0x40, addr(9), &[], &[0xc0]);
    twice.extend(first_row(0, 0x60, addr(9), &[], &[0xc1]));
    assert!(matches!(
        decode_err(&t, &batch(&twice)),
        Error::PubdataKnownEntry(k) if k == EntryKey::nonce(addr(9))
    ));
    assert!(matches!(
        decode_err(&t, &batch(&first_row(5, 0x40, addr(9), &[], &[0x00]))),
        Error::PubdataNoopWrite(k) if k == EntryKey::nonce(addr(9))
    ));
    let mut big_nonce = vec![0x09, 0x01];
    big_nonce.extend_from_slice(&[0; 8]);
    assert!(matches!(
        decode_err(&t, &batch(&first_row(5, 0x40, addr(9), &[], &big_nonce))),
        Error::PubdataInvalidEntry { entry, .. } if entry == EntryKey::nonce(addr(9))
    ));
    // Position 2^32 - 1 is the tree's last; 2^32 is beyond it.
    let last = [0xff, 0xff, 0xff, 0xff, 0x0f];
    let mut rows = last.to_vec();
    rows.extend(first_row(0, 0x40, addr(9), &[], &[0xc0])[1..].iter());
    let mut tables = t.clone();
    decode(&mut tables, &batch(&rows)).unwrap();
    assert_eq!(tables.next_index(), STATE_TREE_CAPACITY);
    rows[..5].copy_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x10]);
    assert!(matches!(
        decode_err(&t, &batch(&rows)),
        Error::PubdataIndexOutOfRange { index, capacity } if index == capacity
    ));
}

#[test]
fn an_entry_at_the_top_of_the_tree_does_not_stop_new_entries() {
    // A batch puts the nonce of addr(9) at position 2^32 - 1, the tree's last: there is nothing after
    // it, so the encoder takes the lowest free positions (5, 6), ascending in key order, and writes
    // them between the repeated writes; the decoder agrees.
    let mut rows = vec![0xff, 0xff, 0xff, 0xff, 0x0f];
    rows.extend(first_row(0, 0x40, addr(9), &[], &[0xc0])[1..].iter());
    let mut tables = small_genesis();
    decode(&mut tables, &batch(&rows)).unwrap();
    assert_eq!(tables.next_index(), STATE_TREE_CAPACITY);
    let mut rebuilder = tables.clone();
    let w = writes(&[
        (EntryKey::nonce(addr(3)), U256::from(1)),
        (EntryKey::balance(addr(3)), U256::from(2)),
        (EntryKey::nonce(addr(9)), U256::from(2)),
        (EntryKey::balance(addr(1)), U256::from(8)),
    ]);
    let bytes = encode(&mut tables, &w, BlockRange::new(2, 2)).unwrap();
    let decoded = decode(&mut rebuilder, &bytes).unwrap();
    assert_eq!(decoded.writes, w);
    assert_eq!(rebuilder, tables);
    assert_eq!(tables.entry_index(&EntryKey::nonce(addr(3))), Some(5));
    assert_eq!(tables.entry_index(&EntryKey::balance(addr(3))), Some(6));
    let order: Vec<_> = decoded.rows.iter().map(|r| r.index).collect();
    assert_eq!(order, [0, 5, 6, STATE_TREE_CAPACITY - 1]);
    check_rows(&tables, &decoded, &bytes);
}

#[test]
fn decode_accepts_padded_slots_and_refuses_long_payloads() {
    let t = small_genesis();
    // Slot 5 in three bytes.
    let rows = first_row(5, 0x02, addr(9), &[0x00, 0x00, 0x05], &[0xc0]);
    let decoded = decode(&mut t.clone(), &batch(&rows)).unwrap();
    let row = &decoded.rows[0];
    assert_eq!(row.key, EntryKey::storage(addr(9), U256::from(5)));
    assert_eq!(row.key_encoding.map(|e| e.slot_len), Some(3));
    for header in [0x61, 0xa1] {
        // Add and sub of 33 bytes.
        assert!(matches!(
            decode_err(&t, &batch(&[0x00, header])),
            Error::PubdataMalformed {
                reason: "value length above 32",
                ..
            }
        ));
    }
}

#[test]
fn decode_refuses_bad_repeated_writes() {
    let t = small_genesis();
    // Entry 0 holds 7.
    assert!(matches!(
        decode_err(&t, &batch(&[0x00, 0x01, 0x07])),
        Error::PubdataNoopWrite(_)
    ));
    assert!(matches!(
        decode_err(&t, &batch(&[0x00, 0x81, 0x08])),
        Error::PubdataDeltaOutOfRange { previous, .. } if previous == U256::from(7)
    ));
    assert!(matches!(
        decode_err(&t, &batch(&[0x00, 0x21])),
        Error::PubdataMalformed {
            offset: 22,
            reason: "value length above 32"
        }
    ));
    // Rows ascend by construction: gap 0 after entry 2 is entry 3 (the balance of addr(2), 5).
    let mut tables = t;
    decode(&mut tables, &batch(&[0x02, 0xc0, 0x00, 0xc0])).unwrap();
    assert_eq!(tables.value(&EntryKey::balance(addr(2))), U256::from(6));
}

#[test]
fn decode_refuses_bad_code() {
    let t = small_genesis();
    let unknown: &[u8] = &[0xfe];
    let sets_code = |hash: U256, code: &[&[u8]]| {
        let mut value = vec![0x20];
        value.extend_from_slice(&hash.to_be_bytes::<32>());
        let mut bytes = batch(&first_row(5, 0xc0, addr(9), &[], &value));
        for c in code {
            bytes.push(c.len() as u8);
            bytes.extend_from_slice(c);
        }
        bytes
    };
    decode(&mut t.clone(), &sets_code(hash_value(unknown), &[unknown])).unwrap();
    decode(&mut t.clone(), &sets_code(hash_value(CODE), &[])).unwrap();
    assert!(matches!(
        decode_err(&t, &sets_code(hash_value(unknown), &[])),
        Error::PubdataMissingCode(h) if h == keccak256(unknown)
    ));
    assert!(matches!(
        decode_err(&t, &sets_code(hash_value(CODE), &[CODE])),
        Error::PubdataKnownCode(h) if h == keccak256(CODE)
    ));
    assert!(matches!(
        decode_err(&t, &sets_code(hash_value(CODE), &[unknown])),
        Error::PubdataUnusedCode(h) if h == keccak256(unknown)
    ));
    assert!(matches!(
        decode_err(&t, &sets_code(hash_value(CODE), &[&[]])),
        Error::PubdataMalformed {
            reason: "empty code is never published",
            ..
        }
    ));
    assert!(matches!(
        decode_err(&t, &sets_code(hash_value(unknown), &[unknown, unknown])),
        Error::PubdataCodeUnsorted { .. }
    ));
    // A code length in a longer form than needed: only rows take longer varints.
    let mut overlong = sets_code(hash_value(unknown), &[]);
    overlong.extend_from_slice(&[0x81, 0x00, 0xfe]);
    assert!(matches!(
        decode_err(&t, &overlong),
        Error::PubdataMalformed { .. }
    ));
    let mut truncated = sets_code(hash_value(unknown), &[unknown]);
    *truncated.iter_mut().rev().nth(1).unwrap() = 2;
    assert!(matches!(
        decode_err(&t, &truncated),
        Error::PubdataTruncated {
            what: "code",
            needed: 2,
            available: 1,
            ..
        }
    ));
}

#[test]
fn builder_collapses_blocks_and_drops_no_ops() {
    let t = small_genesis();
    let a = addr(1);
    let block1 = diff(vec![
        account(a, 1, U256::from(6), None, &[]),
        account(addr(3), 0, U256::from(1), None, &[]),
    ]);
    let block2 = diff(vec![
        account(a, 2, U256::from(7), None, &[]),
        account(addr(3), 0, U256::ZERO, None, &[]),
    ]);
    let w = BatchWrites::from_diffs(&t, [&block1, &block2]);
    // The balance returned to 7 and addr(3) is empty again: only the nonce changed.
    assert_eq!(w, writes(&[(EntryKey::nonce(a), U256::from(2))]));
}

#[test]
fn builder_zeroes_cleared_and_destroyed_accounts() {
    let t = small_genesis();
    let c = addr(2);
    // Block 1 writes a new slot 4; block 2 wipes the storage and writes slot 5.
    let block1 = diff(vec![account(
        c,
        1,
        U256::from(5),
        Some(CODE),
        &[(U256::from(4), U256::from(1))],
    )]);
    let mut cleared = account(
        c,
        1,
        U256::from(5),
        Some(CODE),
        &[(U256::from(5), U256::from(2))],
    );
    cleared.storage_cleared = true;
    cleared.code = None;
    let w = BatchWrites::from_diffs(&t, [&block1, &diff(vec![cleared])]);
    assert_eq!(
        w,
        writes(&[
            (EntryKey::storage(c, U256::from(3)), U256::ZERO),
            (EntryKey::storage(c, U256::from(5)), U256::from(2)),
        ])
    );

    let destroyed = AccountDiff {
        address: c,
        info: None,
        storage_cleared: true,
        ..Default::default()
    };
    let w = BatchWrites::from_diffs(&t, [&diff(vec![destroyed])]);
    assert_eq!(
        w,
        writes(&[
            (EntryKey::storage(c, U256::from(3)), U256::ZERO),
            (EntryKey::nonce(c), U256::ZERO),
            (EntryKey::balance(c), U256::ZERO),
            (EntryKey::code_hash(c), U256::ZERO),
        ])
    );
}

#[test]
fn builder_publishes_only_new_code_in_use() {
    let t = small_genesis();
    let new_code: &[u8] = &[0x60, 0x02];
    let block = diff(vec![
        // Known code deployed again elsewhere: not republished.
        account(addr(5), 1, U256::ZERO, Some(CODE), &[]),
        account(addr(6), 1, U256::ZERO, Some(new_code), &[]),
    ]);
    // addr(6) self-destructs later in the batch: its code is not needed.
    let gone = AccountDiff {
        address: addr(6),
        info: None,
        storage_cleared: true,
        ..Default::default()
    };
    let w = BatchWrites::from_diffs(&t, [&block]);
    assert_eq!(w.code.keys().collect::<Vec<_>>(), [&keccak256(new_code)]);
    let w = BatchWrites::from_diffs(&t, [&block, &diff(vec![gone])]);
    assert!(w.code.is_empty());
    assert_eq!(w.values.len(), 2);
    assert!(!w.is_empty());
}

// --- Sizes of common transactions (the module documentation's table) ---------------------------

fn mapping_slot(holder: Address, slot: u64) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[12..32].copy_from_slice(holder.as_slice());
    preimage[32..].copy_from_slice(&U256::from(slot).to_be_bytes::<32>());
    U256::from_be_bytes(keccak256(preimage).0)
}

#[test]
#[allow(clippy::print_stdout)]
fn sizes() {
    let (token, alice, bob) = (addr(0x10), addr(0xa1), addr(0xb0));
    let tokens = |n: u128| U256::from(n * ETHER);
    let genesis = PubdataTables::genesis(&diff(vec![
        account(
            token,
            1,
            U256::ZERO,
            Some(CODE),
            &[
                (U256::from(2), tokens(1010)),
                (mapping_slot(alice, 0), tokens(1000)),
                (mapping_slot(bob, 0), tokens(10)),
            ],
        ),
        account(alice, 5, U256::from(100 * ETHER), None, &[]),
        account(bob, 0, U256::from(50 * ETHER), None, &[]),
    ]));
    let header_len = encode(
        &mut genesis.clone(),
        &BatchWrites::default(),
        BlockRange::new(1, 1),
    )
    .unwrap()
    .len();
    assert_eq!(header_len, 21);
    let size = |values: &[(EntryKey, U256)]| {
        let mut t = genesis.clone();
        round_trip(&mut t, &writes(values), BlockRange::new(1, 1)).len() - header_len
    };

    let transfer_fee = 21_000 * GWEI;
    let eth_transfer = size(&[
        (EntryKey::nonce(alice), U256::from(6)),
        (
            EntryKey::balance(alice),
            U256::from(100 * ETHER - ETHER - transfer_fee),
        ),
        (EntryKey::balance(bob), U256::from(51 * ETHER)),
    ]);
    let erc20_fee = 52_000 * GWEI;
    let erc20_transfer = size(&[
        (
            EntryKey::storage(token, mapping_slot(alice, 0)),
            tokens(750),
        ),
        (EntryKey::storage(token, mapping_slot(bob, 0)), tokens(260)),
        (EntryKey::nonce(alice), U256::from(6)),
        (
            EntryKey::balance(alice),
            U256::from(100 * ETHER - erc20_fee),
        ),
    ]);
    let dave = addr(0xd0);
    let new_account_transfer = size(&[
        (EntryKey::nonce(alice), U256::from(6)),
        (
            EntryKey::balance(alice),
            U256::from(100 * ETHER - ETHER - transfer_fee),
        ),
        (EntryKey::balance(dave), U256::from(ETHER)),
    ]);
    let first_mapping_write = size(&[(
        EntryKey::storage(token, mapping_slot(addr(0xca), 0)),
        tokens(250),
    )]);
    let same_account = size(&[
        (EntryKey::balance(dave), U256::from(ETHER)),
        (EntryKey::nonce(dave), U256::from(1)),
    ]) - size(&[(EntryKey::balance(dave), U256::from(ETHER))]);
    let repeated_nonce = size(&[(EntryKey::nonce(alice), U256::from(6))]);

    println!(
        "pubdata bytes: eth transfer {eth_transfer}, erc20 transfer {erc20_transfer}, \
         eth to a new account {new_account_transfer}, first mapping write {first_mapping_write}, \
         second first write of an account {same_account}, repeated nonce {repeated_nonce}"
    );
    assert_eq!(
        [
            eth_transfer,
            erc20_transfer,
            new_account_transfer,
            first_mapping_write,
            same_account,
            repeated_nonce
        ],
        [22, 32, 43, 64, 3, 2],
        "update the table in the module documentation"
    );
}

// --- Properties -----------------------------------------------------------------------------------

const CODES: [&[u8]; 3] = [&[0x60, 0x00], &[0x60, 0x01, 0x60, 0x02], &[0xfe]];

fn slot_of(i: u8) -> U256 {
    match i % 5 {
        0 => U256::ZERO,
        1 => U256::from(1),
        2 => U256::from(200),
        3 => U256::from(1) << 64,
        _ => (U256::from(1) << 200) + U256::from(3),
    }
}

#[derive(Debug, Clone)]
enum Choice {
    Zero,
    Small(u64),
    Word([u8; 32]),
    Add(u64),
    Sub(u64),
    Code(u8),
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(Choice::Zero),
        (0..100u64).prop_map(Choice::Small),
        any::<[u8; 32]>().prop_map(Choice::Word),
        any::<u64>().prop_map(Choice::Add),
        (0..1000u64).prop_map(Choice::Add),
        any::<u64>().prop_map(Choice::Sub),
        (0..1000u64).prop_map(Choice::Sub),
        (0..3u8).prop_map(Choice::Code),
    ]
}

/// One write: (account 0–5, kind 0–3, slot choice, value choice).
type Op = (u8, u8, u8, Choice);
/// One batch: its writes and how many blocks it covers beyond the first.
type Batch = (Vec<Op>, u8);

fn batches() -> impl Strategy<Value = Vec<Batch>> {
    let op = (0..6u8, 0..4u8, 0..5u8, choice());
    proptest::collection::vec((proptest::collection::vec(op, 0..14), 0..3u8), 1..6)
}

/// The writes a batch of random operations makes on top of `tables`, valid by construction.
fn batch_writes(tables: &PubdataTables, ops: &[Op]) -> BatchWrites {
    let mut values = BTreeMap::new();
    for (a, kind, slot, choice) in ops {
        let address = addr(*a + 1);
        let key = match kind {
            0 => EntryKey::storage(address, slot_of(*slot)),
            1 => EntryKey::nonce(address),
            2 => EntryKey::balance(address),
            _ => EntryKey::code_hash(address),
        };
        let current = values
            .get(&key)
            .copied()
            .unwrap_or_else(|| tables.value(&key));
        let value = match (key.kind, choice) {
            (StateKind::CodeHash, Choice::Zero) => U256::ZERO,
            (StateKind::CodeHash, Choice::Code(i)) => hash_value(CODES[usize::from(*i) % 3]),
            (StateKind::CodeHash, Choice::Small(i)) => hash_value(CODES[(*i % 3) as usize]),
            (StateKind::CodeHash, _) => hash_value(CODES[0]),
            (_, Choice::Zero) => U256::ZERO,
            (_, Choice::Small(v)) => U256::from(*v),
            (_, Choice::Word(w)) => U256::from_be_bytes(*w),
            (_, Choice::Add(d)) => current.wrapping_add(U256::from(*d)),
            (_, Choice::Sub(d)) => current.wrapping_sub(U256::from(*d)),
            (_, Choice::Code(i)) => U256::from(*i),
        };
        let value = if key.kind == StateKind::Nonce {
            value & U256::from(u64::MAX)
        } else {
            value
        };
        values.insert(key, value);
    }
    values.retain(|key, value| tables.value(key) != *value);
    let mut code = BTreeMap::new();
    for (key, value) in &values {
        let hash = B256::from(*value);
        if key.kind == StateKind::CodeHash && !value.is_zero() && !tables.is_code_known(&hash) {
            let bytes = CODES.iter().find(|c| keccak256(c) == hash).unwrap();
            code.insert(hash, Bytes::copy_from_slice(bytes));
        }
    }
    BatchWrites { values, code }
}

fn prop_genesis() -> PubdataTables {
    PubdataTables::genesis(&diff(vec![
        account(
            addr(1),
            3,
            U256::from(1000),
            Some(CODES[1]),
            &[(slot_of(4), U256::MAX)],
        ),
        account(addr(4), 0, U256::from(1) << 90, None, &[]),
    ]))
}

/// The rows of a decoded batch tile its write run, ascend, and say what the writes and tables say.
fn check_rows(after: &PubdataTables, decoded: &DecodedBatch, bytes: &[u8]) {
    let run = write_run(bytes).unwrap();
    let mut at = run.start;
    let mut last = None;
    for row in &decoded.rows {
        assert_eq!(row.bytes.start, at);
        at = row.bytes.end;
        assert!(last < Some(row.index));
        assert_eq!(row.gap, last.map_or(row.index, |l| row.index - l - 1));
        last = Some(row.index);
        assert_eq!(after.entry(row.index), Some((row.key, row.value)));
        assert_eq!(decoded.writes.values.get(&row.key), Some(&row.value));
        assert_ne!(row.previous, row.value);
        assert!((1..=5).contains(&row.gap_len));
        if let Some(encoding) = row.key_encoding {
            assert_eq!(row.previous, U256::ZERO);
            let is_storage = row.key.kind == StateKind::Storage;
            assert_eq!(is_storage, (1..=32).contains(&encoding.slot_len));
        }
    }
    assert_eq!(at, run.end);
    assert_eq!(decoded.rows.len(), decoded.writes.values.len());
}

/// A batch as published: the tables before it, its writes, blocks and bytes.
type Published = (PubdataTables, BatchWrites, BlockRange, Bytes);

/// Encodes every batch on the publisher's tables; returns each batch and the final tables.
fn publish(batches: &[Batch]) -> (Vec<Published>, PubdataTables) {
    let mut tables = prop_genesis();
    let mut out = Vec::new();
    for (ops, extra) in batches {
        let w = batch_writes(&tables, ops);
        let first = tables.last_block() + 1;
        let blocks = BlockRange::new(first, first + u64::from(*extra));
        let before = tables.clone();
        let bytes = encode(&mut tables, &w, blocks).unwrap();
        out.push((before, w, blocks, bytes));
    }
    (out, tables)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn batches_round_trip_and_tables_agree(batches in batches()) {
        let (published, publisher) = publish(&batches);
        let mut rebuilder = prop_genesis();
        for (before, w, blocks, bytes) in &published {
            prop_assert_eq!(&rebuilder, before);
            // Deterministic: the same writes on the same tables give the same bytes.
            let (again, written) = encode_rows(&mut before.clone(), w, *blocks).unwrap();
            prop_assert_eq!(&again, bytes);
            let decoded = decode(&mut rebuilder, bytes).unwrap();
            // The encoder's rows are the ones the decoder reads back, and their fields re-encode
            // their bytes (what the circuit does).
            prop_assert_eq!(&written, &decoded.rows);
            for row in &decoded.rows {
                prop_assert_eq!(&row.fields().encode().unwrap()[..], &bytes[row.bytes.clone()]);
                if row.key_encoding.is_some() {
                    prop_assert_eq!(row.fields().state_key(), Some(row.key.state_key()));
                }
            }
            let binding = write_binding(bytes, &fields(&written), keccak256(bytes)).unwrap();
            let run = write_run(bytes).unwrap();
            prop_assert_eq!(binding.length as usize, run.len());
            prop_assert_eq!(binding.row_commitment, row_commitment(&fields(&decoded.rows)).unwrap());
            prop_assert_eq!(&decoded.writes, w);
            check_rows(&rebuilder, &decoded, bytes);
            prop_assert_eq!(decoded.blocks, *blocks);
        }
        prop_assert_eq!(rebuilder, publisher);
    }

    #[test]
    fn mutated_pubdata_fails_or_is_another_valid_batch(
        batches in batches(),
        pick in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec((0..4u8, any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let (published, _) = publish(&batches);
        let (before, w, blocks, bytes) = pick.get(&published);
        let mut mutated = bytes.to_vec();
        for (op, at, byte) in mutations {
            let len = mutated.len();
            match op {
                0 if len > 0 => mutated[at.index(len)] = byte,
                1 => mutated.truncate(at.index(len + 1)),
                2 => mutated.insert(at.index(len + 1), byte),
                _ if len > 0 => { mutated.remove(at.index(len)); }
                _ => {}
            }
        }
        let mut tables = before.clone();
        match decode(&mut tables, &mutated) {
            Err(_) => prop_assert_eq!(&tables, before),
            Ok(decoded) => {
                // Another valid batch (a batch has several encodings, the circuit accepts each):
                // every decoded write is in the tables at its value, and the encoder's own bytes
                // for the same writes decode to the same writes.
                for (key, value) in &decoded.writes.values {
                    prop_assert_eq!(tables.value(key), *value);
                }
                let again = encode(&mut before.clone(), &decoded.writes, decoded.blocks).unwrap();
                let redecoded = decode(&mut before.clone(), &again).unwrap();
                prop_assert_eq!((&redecoded.writes, redecoded.blocks), (&decoded.writes, decoded.blocks));
                check_rows(&tables, &decoded, &mutated);
                if mutated == bytes.to_vec() {
                    prop_assert_eq!((&decoded.writes, decoded.blocks), (w, *blocks));
                }
            }
        }
    }
}

// --- Rebuilding state from diffs ------------------------------------------------------------------

/// A reference state: accounts with their info and storage, applied diff by diff.
#[derive(Debug, Default)]
struct Model {
    accounts: BTreeMap<Address, (AccountInfo, BTreeMap<U256, U256>)>,
}

impl Model {
    fn apply(&mut self, diff: &StateDiff) {
        for d in &diff.accounts {
            let entry = self.accounts.entry(d.address).or_default();
            if d.info.is_none() || d.storage_cleared {
                entry.1.clear();
            }
            entry.0 = d.info.unwrap_or_default();
            entry.1.extend(d.storage.iter().map(|(k, v)| (*k, *v)));
        }
    }

    /// The non-zero state-tree entries.
    fn entries(&self) -> BTreeMap<EntryKey, U256> {
        let mut out = BTreeMap::new();
        for (address, (info, storage)) in &self.accounts {
            let a = *address;
            out.insert(EntryKey::nonce(a), U256::from(info.nonce));
            out.insert(EntryKey::balance(a), info.balance);
            out.insert(EntryKey::code_hash(a), code_hash_value(info.code_hash));
            for (slot, value) in storage {
                out.insert(EntryKey::storage(a, *slot), *value);
            }
        }
        out.retain(|_, v| !v.is_zero());
        out
    }
}

/// One account diff: account 0–3, info (nonce, balance, code 0–3 where 0 is none) or destroyed,
/// storage writes (slot choice, value), and whether the storage is wiped first.
type AccountOp = (u8, Option<(u8, u64, u8)>, Vec<(u8, u64)>, bool);

fn block_diff(ops: &[AccountOp]) -> StateDiff {
    let mut accounts = BTreeMap::new();
    for (a, info, storage, cleared) in ops {
        let code = info
            .and_then(|(_, _, c)| c.checked_sub(1))
            .map(|c| CODES[c as usize]);
        accounts.insert(
            *a,
            AccountDiff {
                address: addr(*a + 1),
                info: info.map(|(nonce, balance, _)| AccountInfo {
                    nonce: u64::from(nonce),
                    balance: U256::from(balance % 4),
                    code_hash: code.map_or(KECCAK256_EMPTY, keccak256),
                }),
                storage: storage
                    .iter()
                    .map(|(s, v)| (slot_of(*s), U256::from(*v % 3)))
                    .collect(),
                storage_cleared: *cleared,
                code: code.map(Bytes::copy_from_slice),
            },
        );
    }
    StateDiff {
        accounts: accounts.into_values().collect(),
    }
}

fn account_ops() -> impl Strategy<Value = Vec<AccountOp>> {
    let info = proptest::option::weighted(0.8, (0..3u8, any::<u64>(), 0..4u8));
    let storage = proptest::collection::vec((0..5u8, any::<u64>()), 0..4);
    proptest::collection::vec((0..4u8, info, storage, proptest::bool::weighted(0.2)), 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoded_pubdata_rebuilds_the_state(
        genesis in account_ops(),
        batches in proptest::collection::vec(proptest::collection::vec(account_ops(), 1..4), 1..5),
    ) {
        let genesis = block_diff(&genesis);
        let mut model = Model::default();
        model.apply(&genesis);
        let mut publisher = PubdataTables::genesis(&genesis);
        let mut rebuilder = publisher.clone();
        let mut code: BTreeMap<B256, Bytes> = genesis
            .accounts
            .iter()
            .filter_map(|a| a.code.clone())
            .map(|c| (keccak256(&c), c))
            .collect();
        for blocks in &batches {
            let diffs: Vec<StateDiff> = blocks.iter().map(Vec::as_slice).map(block_diff).collect();
            let mut builder = BatchBuilder::new(&publisher);
            for d in &diffs {
                builder.apply(d);
                model.apply(d);
            }
            let w = builder.finish();
            let first = publisher.last_block() + 1;
            let range = BlockRange::new(first, first + diffs.len() as u64 - 1);
            let bytes = encode(&mut publisher, &w, range).unwrap();
            let decoded = decode(&mut rebuilder, &bytes).unwrap();
            code.extend(decoded.writes.code);

            let rebuilt: BTreeMap<EntryKey, U256> = rebuilder
                .entries()
                .filter(|(_, _, v)| !v.is_zero())
                .map(|(_, k, v)| (k, v))
                .collect();
            prop_assert_eq!(&rebuilt, &model.entries());
            for (key, value) in &rebuilt {
                if key.kind == StateKind::CodeHash {
                    prop_assert!(code.contains_key(&B256::from(*value)));
                }
            }
        }
        prop_assert_eq!(rebuilder, publisher);
    }
}

#[test]
fn the_row_commitment_is_its_formula() {
    // One first write of slot 0x0102 of addr(9) at position 7 (gap 7), same address off, value 0x1234
    // in full: f = 7 | 1 << 32 | 1 << 35 | 0 << 36 | 0 << 38 | 2 << 39 | 0 << 45 | 2 << 47 | addr << 53.
    let mut t = small_genesis();
    let rows = first_row(7, 0x01, addr(9), &[0x01, 0x02], &[0x02, 0x12, 0x34]);
    let decoded = decode(&mut t, &batch(&rows)).unwrap();
    let f = U256::from(7u64 | 1 << 32 | 1 << 35 | 2 << 39 | 2 << 47) | U256::from(9) << 53;
    let expected = crate::poseidon(&[
        U256::ZERO,
        f,
        U256::ZERO,
        U256::from(0x0102),
        U256::ZERO,
        U256::from(0x1234),
    ])
    .unwrap();
    assert_eq!(row_commitment(&fields(&decoded.rows)).unwrap(), expected);
}

#[test]
fn the_row_commitment_fixes_every_encoding_choice() {
    assert_eq!(row_commitment(&[]).unwrap(), U256::ZERO);
    let t = small_genesis();
    let rows_of = |rows: &[u8]| fields(&decode(&mut t.clone(), &batch(rows)).unwrap().rows);
    let commitment = |rows: &[u8]| row_commitment(&rows_of(rows)).unwrap();
    // Entry 0 (7) to 8, and the nonce of addr(9) to 1 at position 5, in several encodings.
    let mut shortest = vec![0x00, 0xc0, 0x04, 0x40];
    shortest.extend_from_slice(addr(9).as_slice());
    shortest.push(0xc0);
    let base = commitment(&shortest);
    assert_ne!(base, U256::ZERO);
    assert_eq!(base, commitment(&shortest), "deterministic");
    let variants: [fn(&mut Vec<u8>); 4] = [
        // A longer gap.
        |r| r.splice(0..1, [0x80, 0x00]).for_each(drop),
        // A full value instead of a small add.
        |r| r.splice(1..2, [0x01, 0x08]).for_each(drop),
        // An add of 1 in one byte.
        |r| r.splice(1..2, [0x41, 0x01]).for_each(drop),
        // The nonce at position 6 instead.
        |r| r[2] = 0x05,
    ];
    let mut seen = vec![base];
    for change in variants {
        let mut rows = shortest.clone();
        change(&mut rows);
        let writes_before = decode(&mut t.clone(), &batch(&shortest)).unwrap().writes;
        assert_eq!(
            decode(&mut t.clone(), &batch(&rows)).unwrap().writes,
            writes_before
        );
        let c = commitment(&rows);
        assert!(!seen.contains(&c), "{rows:x?}");
        seen.push(c);
    }
}

/// The circuit's fields of `rows`.
fn fields(rows: &[Row]) -> Vec<RowFields> {
    rows.iter().map(Row::fields).collect()
}

#[test]
fn the_write_binding_is_the_runs_commitment_evaluation_and_length() {
    let mut t = small_genesis();
    let mut shortest = vec![0x00, 0xc0, 0x04, 0x40];
    shortest.extend_from_slice(addr(9).as_slice());
    shortest.push(0xc0);
    let data = batch(&shortest);
    let rows = fields(&decode(&mut t, &data).unwrap().rows);
    let commitment = keccak256(b"any DA commitment");
    let binding = write_binding(&data, &rows, commitment).unwrap();
    let p = row_commitment(&rows).unwrap();
    let z = evaluation_challenge(commitment, p).unwrap();
    assert_eq!(binding.row_commitment, p);
    assert_eq!(binding.evaluation, evaluate(&shortest, z).unwrap());
    assert_eq!(binding.length as usize, shortest.len());
    // Rows that do not cover the run, and pubdata without a header, are refused.
    assert!(matches!(
        write_binding(&data, &rows[..1], commitment),
        Err(Error::PubdataMalformed { .. })
    ));
    assert!(write_binding(&[], &rows, commitment).is_err());
}

#[test]
fn row_fields_re_encode_longer_forms_and_refuse_what_does_not_fit() {
    // The hand-made lenient rows of the shared vectors' kind: an overlong gap, a padded value.
    let mut t = small_genesis();
    let mut rows = vec![0x80, 0x80, 0x00, 0x20];
    rows.extend_from_slice(&U256::from(8).to_be_bytes::<32>());
    rows.extend_from_slice(&[0x04, 0x40]);
    rows.extend_from_slice(addr(9).as_slice());
    rows.push(0xc0);
    let data = batch(&rows);
    let decoded = decode(&mut t, &data).unwrap();
    for row in &decoded.rows {
        assert_eq!(row.fields().encode().unwrap(), &data[row.bytes.clone()]);
    }
    let good = decoded.rows[1].fields();
    let bad: [fn(&mut RowFields); 8] = [
        |r| r.gap_len = 0,
        |r| r.gap = 1 << 7,
        |r| r.kind = 4,
        |r| r.slot = U256::from(1),
        |r| r.packing = 4,
        |r| r.word = U256::from(1),
        |r| {
            r.packing = 0;
            r.value_len = 0;
            r.word = U256::from(1);
        },
        |r| {
            r.first = false;
        },
    ];
    for change in bad {
        let mut row = good;
        change(&mut row);
        assert!(row.encode().is_err(), "{row:?}");
    }
}
