//! The byte layout of one batch's pubdata (`docs/encodings.md`, "Rollup pubdata").

use std::collections::BTreeSet;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use super::{BatchWrites, BlockRange, DecodedBatch, EntryKey, PUBDATA_VERSION, PubdataTables};
use crate::{Error, Result, StateKind};

/// Fixed part of the header: version, first block, last block.
const FIXED_HEADER_LEN: usize = 1 + 8 + 8;
/// Tag of a first write (low 3 bits of its account reference): storage with a 32-byte slot.
const TAG_STORAGE_WIDE: u64 = 0;
/// Tag of a first write: storage with a slot below 2⁶⁴, as a varint.
const TAG_STORAGE_NARROW: u64 = 4;
/// Value packings (top 2 bits of the value header).
const PACK_FULL: u8 = 0;
const PACK_ADD: u8 = 1;
const PACK_SUB: u8 = 2;
const PACK_ADD_SMALL: u8 = 3;
/// Largest delta the one-byte `ADD_SMALL` packing carries.
const MAX_SMALL_DELTA: u8 = 64;

/// Encodes `writes` as the pubdata of the batch covering `blocks`, on top of `tables`, and records
/// the batch in `tables` (new accounts and entries get the next indices). On error `tables` is
/// unchanged.
///
/// Fails when `blocks` does not follow `tables`' last block, when a write leaves its entry's value
/// unchanged or is not a valid value for the entry, when a code-hash write names code that is
/// neither known nor in `writes.code`, or when `writes.code` holds code that is already known, that
/// no code-hash write of the batch uses, or that does not hash to its key.
pub fn encode(
    tables: &mut PubdataTables,
    writes: &BatchWrites,
    blocks: BlockRange,
) -> Result<Bytes> {
    tables.check_range(blocks)?;

    let mut first = Vec::new();
    let mut repeated = Vec::new();
    let mut used_code = BTreeSet::new();
    for (key, &value) in &writes.values {
        key.check_value(value)?;
        let previous = match tables.entry_index(key) {
            Some(index) => {
                let previous = tables.entries[index as usize].1;
                repeated.push((index, value, previous));
                previous
            }
            None => {
                first.push((*key, value));
                U256::ZERO
            }
        };
        if value == previous {
            return Err(Error::PubdataNoopWrite(*key));
        }
        if key.kind == StateKind::CodeHash && !value.is_zero() {
            used_code.insert(B256::from(value));
        }
    }
    for (hash, code) in &writes.code {
        let actual = keccak256(code);
        if actual != *hash {
            return Err(Error::PubdataCodeHash {
                expected: *hash,
                actual,
            });
        }
        check_published_code(tables, &used_code, *hash)?;
    }
    check_used_code(tables, &used_code, |hash| writes.code.contains_key(hash))?;
    repeated.sort_unstable_by_key(|(index, _, _)| *index);
    let new_accounts: Vec<Address> = first
        .iter()
        .map(|(key, _)| key.address)
        .filter(|address| tables.account_index(address).is_none())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    let mut out = Vec::with_capacity(
        FIXED_HEADER_LEN
            + 4
            + 20 * new_accounts.len()
            + 40 * first.len()
            + 8 * repeated.len()
            + writes.code.values().map(|c| c.len() + 3).sum::<usize>(),
    );
    out.push(PUBDATA_VERSION);
    out.extend_from_slice(&blocks.first.to_be_bytes());
    out.extend_from_slice(&blocks.last.to_be_bytes());
    for count in [
        new_accounts.len(),
        first.len(),
        repeated.len(),
        writes.code.len(),
    ] {
        write_varint(&mut out, count as u64);
    }
    for address in &new_accounts {
        out.extend_from_slice(address.as_slice());
    }
    let known_accounts = tables.account_count();
    for (key, value) in &first {
        let account = tables.account_index(&key.address).unwrap_or_else(|| {
            let position = new_accounts.binary_search(&key.address);
            known_accounts + position.expect("new accounts list every new address") as u64
        });
        match key.kind {
            StateKind::Storage => match u64::try_from(key.slot) {
                Ok(slot) => {
                    write_varint(&mut out, (account << 3) | TAG_STORAGE_NARROW);
                    write_varint(&mut out, slot);
                }
                Err(_) => {
                    write_varint(&mut out, (account << 3) | TAG_STORAGE_WIDE);
                    out.extend_from_slice(&key.slot.to_be_bytes::<32>());
                }
            },
            kind => write_varint(&mut out, (account << 3) | kind as u64),
        }
        Packing::choose(U256::ZERO, *value).write(&mut out);
    }
    let mut next = 0;
    for (index, value, previous) in &repeated {
        write_varint(&mut out, index - next);
        next = index + 1;
        Packing::choose(*previous, *value).write(&mut out);
    }
    for code in writes.code.values() {
        write_varint(&mut out, code.len() as u64);
        out.extend_from_slice(code);
    }

    let repeated: Vec<_> = repeated.iter().map(|(i, v, _)| (*i, *v)).collect();
    tables.commit(
        blocks.last,
        &new_accounts,
        &first,
        &repeated,
        writes.code.keys().copied(),
    );
    Ok(out.into())
}

/// Decodes one batch's pubdata on top of `tables` and records the batch in `tables`. On error
/// `tables` is unchanged.
///
/// Every batch has exactly one encoding: anything [`encode`] would not produce from the decoded
/// batch (an unknown version, a block range that does not follow `tables`, truncated input or
/// trailing bytes, an index out of range, a first write of a known entry, entries out of order or
/// repeated, a write that changes nothing, a delta that over- or underflows, a packing or varint
/// that is not the shortest, a code hash without code, code published twice or unused) is an
/// error.
pub fn decode(tables: &mut PubdataTables, data: &[u8]) -> Result<DecodedBatch> {
    let mut r = Reader { data, pos: 0 };
    let version = r.u8("the version")?;
    if version != PUBDATA_VERSION {
        return Err(Error::PubdataVersion(version));
    }
    let blocks = BlockRange::new(r.u64_be("the first block")?, r.u64_be("the last block")?);
    tables.check_range(blocks)?;
    let account_count = r.varint("the account count")?;
    let first_count = r.varint("the first-write count")?;
    let repeated_count = r.varint("the repeated-write count")?;
    let code_count = r.varint("the code count")?;

    // New accounts, strictly ascending, none known.
    let mut new_accounts: Vec<Address> = Vec::with_capacity(r.capacity(account_count, 20));
    for _ in 0..account_count {
        let offset = r.pos;
        let address = Address::from_slice(r.bytes(20, "a new account")?);
        if new_accounts.last().is_some_and(|last| *last >= address) {
            return Err(Error::PubdataUnsorted {
                section: "new accounts",
                offset,
            });
        }
        if tables.account_index(&address).is_some() {
            return Err(Error::PubdataKnownAccount(address));
        }
        new_accounts.push(address);
    }
    let known_accounts = tables.account_count();
    let mut account_used = vec![false; new_accounts.len()];

    // First writes, strictly ascending by (address, kind, slot), none known.
    let mut writes = BatchWrites::default();
    let mut used_code = BTreeSet::new();
    let mut first: Vec<(EntryKey, U256)> = Vec::with_capacity(r.capacity(first_count, 2));
    for _ in 0..first_count {
        let offset = r.pos;
        let reference = r.varint("a first write's account reference")?;
        let (index, tag) = (reference >> 3, reference & 7);
        let address = if index < known_accounts {
            tables.accounts[index as usize]
        } else {
            let position = index - known_accounts;
            let Some(address) = new_accounts.get(position as usize) else {
                return Err(Error::PubdataIndexOutOfRange {
                    what: "account",
                    index,
                    len: known_accounts + new_accounts.len() as u64,
                });
            };
            account_used[position as usize] = true;
            *address
        };
        let key = match tag {
            TAG_STORAGE_WIDE => {
                let slot_offset = r.pos;
                let slot = U256::from_be_slice(r.bytes(32, "a storage slot")?);
                if slot <= U256::from(u64::MAX) {
                    return Err(Error::PubdataNonCanonical {
                        offset: slot_offset,
                        reason: "a slot below 2^64 is written as a varint",
                    });
                }
                EntryKey::storage(address, slot)
            }
            TAG_STORAGE_NARROW => {
                EntryKey::storage(address, U256::from(r.varint("a storage slot")?))
            }
            1 => EntryKey::nonce(address),
            2 => EntryKey::balance(address),
            3 => EntryKey::code_hash(address),
            _ => {
                return Err(Error::PubdataNonCanonical {
                    offset,
                    reason: "unknown entry tag (5 to 7)",
                });
            }
        };
        if first.last().is_some_and(|(last, _)| *last >= key) {
            return Err(Error::PubdataUnsorted {
                section: "first writes",
                offset,
            });
        }
        if tables.entry_index(&key).is_some() {
            return Err(Error::PubdataKnownEntry(key));
        }
        let value = r.value(key, U256::ZERO)?;
        note_code(&key, value, &mut used_code);
        first.push((key, value));
        writes.values.insert(key, value);
    }
    if let Some(position) = account_used.iter().position(|used| !used) {
        return Err(Error::PubdataUnusedAccount(new_accounts[position]));
    }

    // Repeated writes, by strictly ascending entry index, as gaps.
    let known_entries = tables.entry_count();
    let mut repeated = Vec::with_capacity(r.capacity(repeated_count, 2));
    let mut next = 0u64;
    for _ in 0..repeated_count {
        let gap = r.varint("a repeated write's entry index")?;
        let index = next.saturating_add(gap);
        if index >= known_entries {
            return Err(Error::PubdataIndexOutOfRange {
                what: "entry",
                index,
                len: known_entries,
            });
        }
        let (key, previous) = tables.entries[index as usize];
        let value = r.value(key, previous)?;
        note_code(&key, value, &mut used_code);
        repeated.push((index, value));
        writes.values.insert(key, value);
        next = index + 1;
    }

    // New code, by strictly ascending hash, each unknown and used by a code-hash write.
    for _ in 0..code_count {
        let offset = r.pos;
        let len = r.varint("a code length")?;
        if len == 0 {
            return Err(Error::PubdataNonCanonical {
                offset,
                reason: "empty code is never published",
            });
        }
        let code = r.bytes(usize::try_from(len).unwrap_or(usize::MAX), "code")?;
        let hash = keccak256(code);
        if writes
            .code
            .last_key_value()
            .is_some_and(|(last, _)| *last >= hash)
        {
            return Err(Error::PubdataUnsorted {
                section: "code",
                offset,
            });
        }
        check_published_code(tables, &used_code, hash)?;
        writes.code.insert(hash, Bytes::copy_from_slice(code));
    }
    if r.pos != data.len() {
        return Err(Error::PubdataTrailingBytes {
            count: data.len() - r.pos,
        });
    }
    check_used_code(tables, &used_code, |hash| writes.code.contains_key(hash))?;

    tables.commit(
        blocks.last,
        &new_accounts,
        &first,
        &repeated,
        writes.code.keys().copied(),
    );
    Ok(DecodedBatch { blocks, writes })
}

/// Records the code hash a write sets, if any.
fn note_code(key: &EntryKey, value: U256, used: &mut BTreeSet<B256>) {
    if key.kind == StateKind::CodeHash && !value.is_zero() {
        used.insert(B256::from(value));
    }
}

/// Published code must be new and used by a code-hash write of the batch.
fn check_published_code(tables: &PubdataTables, used: &BTreeSet<B256>, hash: B256) -> Result<()> {
    if tables.is_code_known(&hash) {
        return Err(Error::PubdataKnownCode(hash));
    }
    if !used.contains(&hash) {
        return Err(Error::PubdataUnusedCode(hash));
    }
    Ok(())
}

/// Every code hash written must have known or published code.
fn check_used_code(
    tables: &PubdataTables,
    used: &BTreeSet<B256>,
    published: impl Fn(&B256) -> bool,
) -> Result<()> {
    match used
        .iter()
        .find(|hash| !tables.is_code_known(hash) && !published(hash))
    {
        Some(hash) => Err(Error::PubdataMissingCode(*hash)),
        None => Ok(()),
    }
}

/// How a value is written relative to the entry's previous value (zero for a first write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Packing {
    /// The value itself.
    Full(U256),
    /// The previous value plus this delta.
    Add(U256),
    /// The previous value minus this delta.
    Sub(U256),
    /// The previous value plus this delta, 1 to 64, carried in the header byte.
    AddSmall(u8),
}

impl Packing {
    /// The shortest packing of `value` over `previous` (they differ); ties go to `Full`.
    fn choose(previous: U256, value: U256) -> Self {
        let full = Self::Full(value);
        if value > previous {
            let delta = value - previous;
            if delta <= U256::from(MAX_SMALL_DELTA) {
                Self::AddSmall(delta.to::<u8>())
            } else if delta.byte_len() < value.byte_len() {
                Self::Add(delta)
            } else {
                full
            }
        } else if value < previous {
            let delta = previous - value;
            if delta.byte_len() < value.byte_len() {
                Self::Sub(delta)
            } else {
                full
            }
        } else {
            full
        }
    }

    fn write(self, out: &mut Vec<u8>) {
        let (packing, word) = match self {
            Self::Full(v) => (PACK_FULL, v),
            Self::Add(d) => (PACK_ADD, d),
            Self::Sub(d) => (PACK_SUB, d),
            Self::AddSmall(d) => {
                out.push((PACK_ADD_SMALL << 6) | (d - 1));
                return;
            }
        };
        let len = word.byte_len();
        out.push((packing << 6) | len as u8);
        out.extend_from_slice(&word.to_be_bytes::<32>()[32 - len..]);
    }
}

/// Appends `value` as an unsigned LEB128 varint.
fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A cursor over pubdata that reports where and why it stops.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, needed: usize, what: &'static str) -> Result<&'a [u8]> {
        let available = self.data.len() - self.pos;
        if needed > available {
            return Err(Error::PubdataTruncated {
                what,
                offset: self.pos,
                needed,
                available,
            });
        }
        let bytes = &self.data[self.pos..self.pos + needed];
        self.pos += needed;
        Ok(bytes)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.bytes(1, what)?[0])
    }

    fn u64_be(&mut self, what: &'static str) -> Result<u64> {
        let bytes = self.bytes(8, what)?;
        Ok(u64::from_be_bytes(bytes.try_into().expect("8 bytes")))
    }

    /// An unsigned LEB128 varint of at most 64 bits, in its shortest form.
    fn varint(&mut self, what: &'static str) -> Result<u64> {
        let offset = self.pos;
        let mut value = 0u64;
        for i in 0..10 {
            let byte = self.u8(what)?;
            if i == 9 && byte > 1 {
                return Err(Error::PubdataNonCanonical {
                    offset,
                    reason: "varint above 2^64 - 1",
                });
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                if i > 0 && byte == 0 {
                    return Err(Error::PubdataNonCanonical {
                        offset,
                        reason: "varint not in its shortest form",
                    });
                }
                return Ok(value);
            }
        }
        unreachable!("the tenth byte ends the varint or fails")
    }

    /// A packed value of `key` over `previous`: must change the value, stay within 256 bits and use
    /// the shortest packing.
    fn value(&mut self, key: EntryKey, previous: U256) -> Result<U256> {
        let offset = self.pos;
        let header = self.u8("a value header")?;
        let (packing, low) = (header >> 6, header & 0x3f);
        let parsed = if packing == PACK_ADD_SMALL {
            Packing::AddSmall(low + 1)
        } else {
            let len = usize::from(low);
            if len > 32 || (len == 0 && packing != PACK_FULL) {
                return Err(Error::PubdataNonCanonical {
                    offset,
                    reason: "value length above 32, or a zero-length delta",
                });
            }
            let bytes = self.bytes(len, "a value")?;
            if bytes.first() == Some(&0) {
                return Err(Error::PubdataNonCanonical {
                    offset,
                    reason: "value with a leading zero byte",
                });
            }
            let word = U256::from_be_slice(bytes);
            match packing {
                PACK_FULL => Packing::Full(word),
                PACK_ADD => Packing::Add(word),
                _ => Packing::Sub(word),
            }
        };
        let value = match parsed {
            Packing::Full(v) => Some(v),
            Packing::Add(d) => previous.checked_add(d),
            Packing::AddSmall(d) => previous.checked_add(U256::from(d)),
            Packing::Sub(d) => previous.checked_sub(d),
        }
        .ok_or(Error::PubdataDeltaOutOfRange {
            entry: key,
            previous,
        })?;
        if value == previous {
            return Err(Error::PubdataNoopWrite(key));
        }
        if Packing::choose(previous, value) != parsed {
            return Err(Error::PubdataNonCanonical {
                offset,
                reason: "value packing is not the shortest",
            });
        }
        key.check_value(value)?;
        Ok(value)
    }

    /// A safe preallocation for `count` items of at least `min_len` bytes each.
    fn capacity(&self, count: u64, min_len: usize) -> usize {
        let fits = (self.data.len() - self.pos) / min_len;
        usize::try_from(count).map_or(fits, |count| count.min(fits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_varint(&mut out, value);
        out
    }

    fn read_varint(bytes: &[u8]) -> Result<u64> {
        let mut r = Reader {
            data: bytes,
            pos: 0,
        };
        let v = r.varint("test")?;
        assert_eq!(r.pos, bytes.len());
        Ok(v)
    }

    fn packed(previous: u128, value: u128) -> Vec<u8> {
        let mut out = Vec::new();
        Packing::choose(U256::from(previous), U256::from(value)).write(&mut out);
        out
    }

    fn unpack(previous: U256, bytes: &[u8]) -> Result<U256> {
        let mut r = Reader {
            data: bytes,
            pos: 0,
        };
        let v = r.value(EntryKey::storage(Address::ZERO, U256::ZERO), previous)?;
        assert_eq!(r.pos, bytes.len());
        Ok(v)
    }

    #[test]
    fn varints_round_trip_and_reject_overlong_forms() {
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            assert_eq!(read_varint(&varint(v)).unwrap(), v);
        }
        assert_eq!(varint(127), [0x7f]);
        assert_eq!(varint(128), [0x80, 0x01]);
        assert_eq!(varint(u64::MAX).len(), 10);
        assert!(matches!(
            read_varint(&[0x80, 0x00]),
            Err(Error::PubdataNonCanonical { offset: 0, .. })
        ));
        let mut too_big = vec![0xff; 9];
        too_big.push(0x02);
        assert!(matches!(
            read_varint(&too_big),
            Err(Error::PubdataNonCanonical { .. })
        ));
        assert!(matches!(
            read_varint(&[0x80]),
            Err(Error::PubdataTruncated { offset: 1, .. })
        ));
    }

    #[test]
    fn full_packing_is_minimal_big_endian() {
        assert_eq!(packed(0, 0x1234), [0x02, 0x12, 0x34]);
        assert_eq!(packed(5, 0), [0x00]);
        assert_eq!(packed(0, 65), [0x01, 65]);
        let max = U256::MAX;
        let mut out = Vec::new();
        Packing::choose(U256::ZERO, max).write(&mut out);
        assert_eq!(out.len(), 33);
        assert_eq!(out[0], 32);
        assert_eq!(unpack(U256::ZERO, &out).unwrap(), max);
    }

    #[test]
    fn small_increments_fit_in_the_header() {
        assert_eq!(packed(7, 8), [0xc0]);
        assert_eq!(packed(0, 1), [0xc0]);
        assert_eq!(packed(0, 64), [0xff]);
        assert_eq!(unpack(U256::from(7), &[0xc0]).unwrap(), U256::from(8));
        assert_eq!(unpack(U256::from(7), &[0xff]).unwrap(), U256::from(71));
    }

    #[test]
    fn deltas_win_when_shorter() {
        let big = 1u128 << 100;
        // Add: 1 + 2 bytes instead of 1 + 13.
        assert_eq!(packed(big, big + 0x1234), [0x42, 0x12, 0x34]);
        // Sub: 1 + 1 byte.
        assert_eq!(packed(big, big - 0x80), [0x81, 0x80]);
        assert_eq!(
            unpack(U256::from(big), &[0x81, 0x80]).unwrap(),
            U256::from(big - 0x80)
        );
        // A delta as long as the value loses to the full value.
        assert_eq!(packed(0x10, 0x200), [0x02, 0x02, 0x00]);
        assert_eq!(packed(0x300, 0x200), [0x02, 0x02, 0x00]);
    }

    #[test]
    fn values_reject_non_canonical_packings() {
        let non_canonical = |prev: u64, bytes: &[u8]| {
            assert!(
                matches!(
                    unpack(U256::from(prev), bytes),
                    Err(Error::PubdataNonCanonical { .. })
                ),
                "{prev} {bytes:?}"
            );
        };
        non_canonical(0, &[0x02, 0x00, 0x12]); // leading zero
        non_canonical(0, &[0x21]); // length 33
        non_canonical(0, &[0x40]); // zero-length delta
        non_canonical(0, &[0x01, 0x05]); // 5 fits the header
        non_canonical(0x1000, &[0x02, 0x10, 0x01]); // +1 fits the header
        non_canonical(0x10, &[0x42, 0x01, 0xf0]); // add as long as full
        non_canonical(5, &[0x81, 0x01]); // sub as long as full (4)
    }

    #[test]
    fn values_reject_no_ops_and_overflows() {
        let key = EntryKey::storage(Address::ZERO, U256::ZERO);
        assert!(matches!(
            unpack(U256::ZERO, &[0x00]),
            Err(Error::PubdataNoopWrite(k)) if k == key
        ));
        assert!(matches!(
            unpack(U256::from(5), &[0x01, 0x05]),
            Err(Error::PubdataNoopWrite(_))
        ));
        assert!(matches!(
            unpack(U256::MAX, &[0xc0]),
            Err(Error::PubdataDeltaOutOfRange { previous, .. }) if previous == U256::MAX
        ));
        assert!(matches!(
            unpack(U256::MAX - U256::from(1), &[0x41, 0x80]),
            Err(Error::PubdataDeltaOutOfRange { .. })
        ));
        assert!(matches!(
            unpack(U256::from(3), &[0x81, 0x04]),
            Err(Error::PubdataDeltaOutOfRange { .. })
        ));
        assert!(matches!(
            unpack(U256::ZERO, &[0x03, 0x01]),
            Err(Error::PubdataTruncated {
                offset: 1,
                needed: 3,
                available: 1,
                ..
            })
        ));
    }
}
