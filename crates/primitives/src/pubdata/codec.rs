//! The byte layout of one batch's pubdata (`docs/encodings.md`, "Rollup pubdata", version 2).
//!
//! ```text
//! 0x02 ‖ firstBlock u64 ‖ lastBlock u64 ‖ writesLength u32 ‖ rows (writesLength bytes) ‖ code*
//! row  = varint(gap) ‖ [first writes: keyTag ‖ address (unless same as the previous) ‖ slot] ‖ value
//! code = varint(length) ‖ bytecode
//! ```
//!
//! The rows are what the batch proof re-encodes (docs/proofs.md), so the decoder accepts every
//! encoding of a row the circuit can produce — longer varints, value lengths with leading zeros, any
//! packing that gives the value — and refuses what the circuit refuses too. The encoder writes the
//! shortest.

use std::{collections::BTreeSet, ops::Range};

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

use super::{
    BatchWrites, BlockRange, DecodedBatch, EntryKey, KeyEncoding, PUBDATA_VERSION, PubdataTables,
    Row, RowFields,
};
use crate::{Error, Result, STATE_TREE_CAPACITY, StateKind};

/// Fixed header: version, first block, last block, the rows' byte length.
pub(super) const HEADER_LEN: usize = 1 + 8 + 8 + 4;
/// Key tag: the entry kind in bits 7–6.
const KIND_SHIFT: u8 = 6;
/// Key tag: the address is the previous first write's (and is not repeated).
const SAME_ADDRESS: u8 = 0x20;
/// Key tag: a storage slot's byte length minus one, in bits 4–0.
const SLOT_LEN_MASK: u8 = 0x1f;
/// The longest varint of a row: 5 bytes carry 35 bits, enough for any gap below 2³².
const MAX_ROW_VARINT: usize = 5;
/// The longest varint anywhere: 10 bytes carry 64 bits.
const MAX_VARINT: usize = 10;
/// Value packings (top 2 bits of the value header).
const PACK_FULL: u8 = 0;
const PACK_ADD: u8 = 1;
const PACK_SUB: u8 = 2;
const PACK_ADD_SMALL: u8 = 3;
/// Largest delta the one-byte `ADD_SMALL` packing carries.
const MAX_SMALL_DELTA: u8 = 64;

/// Encodes `writes` as the pubdata of the batch covering `blocks`, on top of `tables`, and records
/// the batch in `tables`: the first writes take free positions in `(address, kind, slot)` order, the
/// ones after the highest taken ([`PubdataTables::next_index`]), or the lowest free ones when those
/// run past the tree. On error `tables` is unchanged.
///
/// Fails when `blocks` does not follow `tables`' last block, when a write leaves its entry's value
/// unchanged or is not a valid value for the entry, when a code-hash write names code that is
/// neither known nor in `writes.code`, when `writes.code` holds code that is already known, that
/// no code-hash write of the batch uses, or that does not hash to its key, when the new entries do
/// not fit in the state tree, or when the rows take more than `u32::MAX` bytes.
pub fn encode(
    tables: &mut PubdataTables,
    writes: &BatchWrites,
    blocks: BlockRange,
) -> Result<Bytes> {
    encode_rows(tables, writes, blocks).map(|(bytes, _)| bytes)
}

/// [`encode`], also returning the run's rows as written (what the batch proof re-encodes, the same
/// rows [`decode`] would read back).
pub fn encode_rows(
    tables: &mut PubdataTables,
    writes: &BatchWrites,
    blocks: BlockRange,
) -> Result<(Bytes, Vec<Row>)> {
    tables.check_range(blocks)?;

    let mut first = Vec::new();
    let mut repeated = Vec::new();
    let mut used_code = BTreeSet::new();
    for (key, &value) in &writes.values {
        key.check_value(value)?;
        let previous = match tables.entry_index(key) {
            Some(index) => {
                let previous = tables.value(key);
                repeated.push((index, value, previous, *key));
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
        note_code(key, value, &mut used_code);
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
    repeated.sort_unstable_by_key(|(index, ..)| *index);
    let first: Vec<(u64, EntryKey, U256)> = tables
        .free_positions(first.len() as u64)?
        .into_iter()
        .zip(first)
        .map(|(index, (key, value))| (index, key, value))
        .collect();

    // One run in ascending index: usually the repeated writes, then the first writes (all above
    // them); merged when first writes fill free positions below.
    let mut rows = Vec::with_capacity(8 * repeated.len() + 45 * first.len());
    let mut ordered: Vec<(u64, EntryKey, bool, U256, U256)> = repeated
        .iter()
        .map(|(index, value, previous, key)| (*index, *key, false, *previous, *value))
        .chain(
            first
                .iter()
                .map(|(index, key, value)| (*index, *key, true, U256::ZERO, *value)),
        )
        .collect();
    ordered.sort_unstable_by_key(|(index, ..)| *index);
    let mut written = Vec::with_capacity(ordered.len());
    let mut last_index = None;
    let mut last_address = None;
    for (index, key, is_first, previous, value) in ordered {
        let start = rows.len();
        let gap = gap(last_index, index);
        write_varint(&mut rows, gap);
        last_index = Some(index);
        let key_encoding = is_first.then(|| {
            let same_address = last_address == Some(key.address);
            write_key(&mut rows, &key, same_address);
            last_address = Some(key.address);
            KeyEncoding {
                same_address,
                slot_len: if key.kind == StateKind::Storage {
                    key.slot.byte_len().max(1) as u8
                } else {
                    0
                },
            }
        });
        let header_at = rows.len();
        let packing = Packing::choose(previous, value);
        packing.write(&mut rows);
        written.push(Row {
            index,
            gap,
            gap_len: varint_len(gap) as u8,
            key,
            key_encoding,
            previous,
            value,
            value_header: rows[header_at],
            word: packing.payload(),
            bytes: HEADER_LEN + start..HEADER_LEN + rows.len(),
        });
    }
    let writes_len =
        u32::try_from(rows.len()).map_err(|_| Error::PubdataTooLarge { len: rows.len() })?;

    let mut out = Vec::with_capacity(
        HEADER_LEN + rows.len() + writes.code.values().map(|c| c.len() + 3).sum::<usize>(),
    );
    out.push(PUBDATA_VERSION);
    out.extend_from_slice(&blocks.first.to_be_bytes());
    out.extend_from_slice(&blocks.last.to_be_bytes());
    out.extend_from_slice(&writes_len.to_be_bytes());
    out.extend_from_slice(&rows);
    for code in writes.code.values() {
        write_varint(&mut out, code.len() as u64);
        out.extend_from_slice(code);
    }

    let repeated: Vec<_> = repeated.iter().map(|(i, v, ..)| (*i, *v)).collect();
    tables.commit(blocks.last, &first, &repeated, writes.code.keys().copied());
    Ok((out.into(), written))
}

/// Writes a first write's key: its tag, its address unless `same` (the previous first write's), and a
/// storage slot's minimal big-endian bytes (at least one).
fn write_key(out: &mut Vec<u8>, key: &EntryKey, same: bool) {
    let mut tag = (key.kind as u8) << KIND_SHIFT;
    if same {
        tag |= SAME_ADDRESS;
    }
    let slot_len = key.slot.byte_len().max(1);
    if key.kind == StateKind::Storage {
        tag |= (slot_len - 1) as u8;
    }
    out.push(tag);
    if !same {
        out.extend_from_slice(key.address.as_slice());
    }
    if key.kind == StateKind::Storage {
        out.extend_from_slice(&key.slot.to_be_bytes::<32>()[32 - slot_len..]);
    }
}

/// The gap a row writes before `index`, the row before it being at `last` (none: the first row).
fn gap(last: Option<u64>, index: u64) -> u64 {
    last.map_or(index, |last| index - last - 1)
}

impl RowFields {
    /// The row's bytes as the batch circuit re-encodes them from these fields: the gap in `gap_len`
    /// varint bytes (longer forms included), a first write's key tag, its address unless
    /// `same_address`, a storage slot in `slot_len` bytes, then the value header and `value_len` payload
    /// bytes (none for a small add). Fails when a field does not fit its encoding.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let refuse = |reason| Error::PubdataMalformed { offset: 0, reason };
        let len = usize::from(self.gap_len);
        if !(1..=MAX_ROW_VARINT).contains(&len) || self.gap >> (7 * len) != 0 {
            return Err(refuse("a row's gap does not fit its varint length"));
        }
        let mut out = Vec::with_capacity(self.length as usize);
        for i in 0..len {
            let more = if i + 1 < len { 0x80 } else { 0 };
            out.push(((self.gap >> (7 * i)) as u8 & 0x7f) | more);
        }
        if self.first {
            let kind = state_kind(self.kind).ok_or(refuse("a row's entry kind is not 0 to 3"))?;
            let slot_len = usize::from(self.slot_len);
            let mut tag = self.kind << KIND_SHIFT;
            if self.same_address {
                tag |= SAME_ADDRESS;
            }
            if kind == StateKind::Storage {
                if !(1..=32).contains(&slot_len) || self.slot.byte_len() > slot_len {
                    return Err(refuse("a row's slot does not fit its length"));
                }
                tag |= (slot_len - 1) as u8;
            } else if slot_len != 0 || !self.slot.is_zero() {
                return Err(refuse("an account field's row has a slot"));
            }
            out.push(tag);
            if !self.same_address {
                out.extend_from_slice(self.address.as_slice());
            }
            out.extend_from_slice(&self.slot.to_be_bytes::<32>()[32 - slot_len..]);
        } else if self.kind != 0
            || self.same_address
            || !self.address.is_zero()
            || !self.slot.is_zero()
            || self.slot_len != 0
        {
            return Err(refuse("a repeated write's row has key fields"));
        }
        if self.packing > PACK_ADD_SMALL || self.value_len > 0x3f {
            return Err(refuse("a row's value header does not fit a byte"));
        }
        out.push((self.packing << 6) | self.value_len);
        if self.packing == PACK_ADD_SMALL {
            if !self.word.is_zero() {
                return Err(refuse("a small add's row has a payload"));
            }
        } else {
            let n = usize::from(self.value_len);
            if n > 32 || self.word.byte_len() > n {
                return Err(refuse("a row's payload does not fit its length"));
            }
            out.extend_from_slice(&self.word.to_be_bytes::<32>()[32 - n..]);
        }
        Ok(out)
    }

    /// The state key a first write's fields publish (`None` for a repeated write or an unknown kind).
    pub fn state_key(&self) -> Option<U256> {
        let kind = state_kind(self.kind).filter(|_| self.first)?;
        Some(crate::state_key(kind, self.address, B256::from(self.slot)))
    }
}

/// The entry kind of a key tag's two bits.
fn state_kind(kind: u8) -> Option<StateKind> {
    Some(match kind {
        0 => StateKind::Storage,
        1 => StateKind::Nonce,
        2 => StateKind::Balance,
        3 => StateKind::CodeHash,
        _ => return None,
    })
}

/// Where a batch's run of write rows lies in its pubdata: the bytes the parent evaluates and the
/// batch proof re-encodes (docs/proofs.md). Reads only the fixed header.
///
/// Fails on an unknown version or when the pubdata is shorter than its header says.
pub fn write_run(data: &[u8]) -> Result<Range<usize>> {
    let mut r = Reader { data, pos: 0 };
    let version = r.u8("the version")?;
    if version != PUBDATA_VERSION {
        return Err(Error::PubdataVersion(version));
    }
    r.bytes(16, "the block range")?;
    let len = r.u32_be("the writes' length")? as usize;
    r.bytes(len, "the writes")?;
    Ok(HEADER_LEN..HEADER_LEN + len)
}

/// Decodes one batch's pubdata on top of `tables` and records the batch in `tables`. On error
/// `tables` is unchanged.
///
/// A row is a repeated write when its index holds a known entry and a first write otherwise. The
/// decoder refuses: an unknown version, a block range that does not follow `tables`, truncated input,
/// a row running past the writes' length, an index beyond the state tree, a
/// malformed key tag or a same-address tag with no first write before it, a first write of an entry
/// that already has an index, a write that changes nothing, a delta that over- or underflows, a
/// value longer than 32 bytes or invalid for its entry, a code hash without code, and code that is
/// empty, published twice, out of order, already known or unused.
pub fn decode(tables: &mut PubdataTables, data: &[u8]) -> Result<DecodedBatch> {
    let run = write_run(data)?;
    let mut r = Reader { data, pos: 1 };
    let blocks = BlockRange::new(r.u64_be("the first block")?, r.u64_be("the last block")?);
    tables.check_range(blocks)?;

    let mut writes = BatchWrites::default();
    let mut used_code = BTreeSet::new();
    let mut first: Vec<(u64, EntryKey, U256)> = Vec::new();
    let mut repeated: Vec<(u64, U256)> = Vec::new();
    let mut decoded_rows = Vec::new();
    let mut rows = Reader {
        data: &data[..run.end],
        pos: run.start,
    };
    let mut last_index = None;
    let mut last_address = None;
    while rows.pos < run.end {
        let start = rows.pos;
        let gap = rows.varint("an entry index gap", MAX_ROW_VARINT)?;
        let gap_len = (rows.pos - start) as u8;
        let index = last_index.map_or(gap, |last: u64| last + 1 + gap);
        if index >= STATE_TREE_CAPACITY {
            return Err(Error::PubdataIndexOutOfRange {
                index,
                capacity: STATE_TREE_CAPACITY,
            });
        }
        last_index = Some(index);
        let (key, key_encoding, previous) = match tables.entry(index) {
            Some((key, previous)) => (key, None, previous),
            None => {
                let (key, encoding) = rows.first_write_key(last_address)?;
                if tables.entry_index(&key).is_some() || writes.values.contains_key(&key) {
                    return Err(Error::PubdataKnownEntry(key));
                }
                last_address = Some(key.address);
                (key, Some(encoding), U256::ZERO)
            }
        };
        let header_at = rows.pos;
        let (value, word) = rows.value(key, previous)?;
        if key_encoding.is_some() {
            first.push((index, key, value));
        } else {
            repeated.push((index, value));
        }
        note_code(&key, value, &mut used_code);
        writes.values.insert(key, value);
        decoded_rows.push(Row {
            index,
            gap,
            gap_len,
            key,
            key_encoding,
            previous,
            value,
            value_header: rows.data[header_at],
            word,
            bytes: start..rows.pos,
        });
    }

    // New code, by strictly ascending hash, each unknown and used by a code-hash write.
    r.pos = run.end;
    while r.pos < data.len() {
        let offset = r.pos;
        let len = r.varint("a code length", MAX_VARINT)?;
        if r.pos - offset != varint_len(len) {
            return Err(Error::PubdataMalformed {
                offset,
                reason: "a code length not in its shortest form (only rows accept longer varints)",
            });
        }
        if len == 0 {
            return Err(Error::PubdataMalformed {
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
            return Err(Error::PubdataCodeUnsorted { offset });
        }
        check_published_code(tables, &used_code, hash)?;
        writes.code.insert(hash, Bytes::copy_from_slice(code));
    }
    check_used_code(tables, &used_code, |hash| writes.code.contains_key(hash))?;

    tables.commit(blocks.last, &first, &repeated, writes.code.keys().copied());
    Ok(DecodedBatch {
        blocks,
        writes,
        rows: decoded_rows,
    })
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

    /// Writes the packing with its word's minimal big-endian bytes.
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

    /// What the packing's bytes carry: the value or the delta (0 for a small add, whose delta is in
    /// the header).
    fn payload(self) -> U256 {
        match self {
            Self::Full(word) | Self::Add(word) | Self::Sub(word) => word,
            Self::AddSmall(_) => U256::ZERO,
        }
    }

    /// The value this packing gives over `previous`, unless it leaves the 256-bit range.
    fn apply(self, previous: U256) -> Option<U256> {
        match self {
            Self::Full(v) => Some(v),
            Self::Add(d) => previous.checked_add(d),
            Self::AddSmall(d) => previous.checked_add(U256::from(d)),
            Self::Sub(d) => previous.checked_sub(d),
        }
    }
}

/// The bytes of `value`'s shortest LEB128 varint.
fn varint_len(value: u64) -> usize {
    (64 - value.leading_zeros() as usize).max(1).div_ceil(7)
}

/// Appends `value` as an unsigned LEB128 varint, in its shortest form.
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

    fn u32_be(&mut self, what: &'static str) -> Result<u32> {
        let bytes = self.bytes(4, what)?;
        Ok(u32::from_be_bytes(bytes.try_into().expect("4 bytes")))
    }

    fn u64_be(&mut self, what: &'static str) -> Result<u64> {
        let bytes = self.bytes(8, what)?;
        Ok(u64::from_be_bytes(bytes.try_into().expect("8 bytes")))
    }

    /// An unsigned LEB128 varint of at most `max_len` bytes (at most 10) and 64 bits. Longer forms
    /// than needed (trailing zero groups) are accepted here: a row's gap may be written so, because
    /// the circuit does not force the shortest (code lengths are checked by the caller).
    fn varint(&mut self, what: &'static str, max_len: usize) -> Result<u64> {
        let offset = self.pos;
        let mut value = 0u64;
        for i in 0..max_len {
            let byte = self.u8(what)?;
            if i == 9 && byte > 1 {
                return Err(Error::PubdataMalformed {
                    offset,
                    reason: "varint above 2^64 - 1",
                });
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Error::PubdataMalformed {
            offset,
            reason: if max_len == MAX_ROW_VARINT {
                "a row's varint is longer than 5 bytes"
            } else {
                "varint longer than 10 bytes"
            },
        })
    }

    /// The key of a first write: key tag, address (or the previous first write's, `last_address`)
    /// and slot; with how the bytes write it.
    fn first_write_key(
        &mut self,
        last_address: Option<Address>,
    ) -> Result<(EntryKey, KeyEncoding)> {
        let offset = self.pos;
        let tag = self.u8("a key tag")?;
        let address = if tag & SAME_ADDRESS != 0 {
            last_address.ok_or(Error::PubdataMalformed {
                offset,
                reason: "a same-address key tag with no first write before it",
            })?
        } else {
            Address::from_slice(self.bytes(20, "an address")?)
        };
        let slot_len = usize::from(tag & SLOT_LEN_MASK) + 1;
        let kind = tag >> KIND_SHIFT;
        if kind != StateKind::Storage as u8 && tag & SLOT_LEN_MASK != 0 {
            return Err(Error::PubdataMalformed {
                offset,
                reason: "an account field's key tag with a slot length",
            });
        }
        let key = match kind {
            0 => EntryKey::storage(
                address,
                U256::from_be_slice(self.bytes(slot_len, "a storage slot")?),
            ),
            1 => EntryKey::nonce(address),
            2 => EntryKey::balance(address),
            _ => EntryKey::code_hash(address),
        };
        let encoding = KeyEncoding {
            same_address: tag & SAME_ADDRESS != 0,
            slot_len: if kind == 0 { slot_len as u8 } else { 0 },
        };
        Ok((key, encoding))
    }

    /// A packed value of `key` over `previous`, with the packing's payload (the value, the delta, or 0
    /// for a small add): must change the value, stay within 256 bits and be a valid value of the entry.
    /// Any packing that gives the value is accepted.
    fn value(&mut self, key: EntryKey, previous: U256) -> Result<(U256, U256)> {
        let offset = self.pos;
        let header = self.u8("a value header")?;
        let (packing, low) = (header >> 6, header & 0x3f);
        let parsed = if packing == PACK_ADD_SMALL {
            Packing::AddSmall(low + 1)
        } else {
            let len = usize::from(low);
            if len > 32 {
                return Err(Error::PubdataMalformed {
                    offset,
                    reason: "value length above 32",
                });
            }
            let word = U256::from_be_slice(self.bytes(len, "a value")?);
            match packing {
                PACK_FULL => Packing::Full(word),
                PACK_ADD => Packing::Add(word),
                _ => Packing::Sub(word),
            }
        };
        let value = parsed
            .apply(previous)
            .ok_or(Error::PubdataDeltaOutOfRange {
                entry: key,
                previous,
            })?;
        if value == previous {
            return Err(Error::PubdataNoopWrite(key));
        }
        key.check_value(value)?;
        Ok((value, parsed.payload()))
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

    fn read_varint(bytes: &[u8], max_len: usize) -> Result<u64> {
        let mut r = Reader {
            data: bytes,
            pos: 0,
        };
        let v = r.varint("test", max_len)?;
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
        let (v, _) = r.value(EntryKey::storage(Address::ZERO, U256::ZERO), previous)?;
        assert_eq!(r.pos, bytes.len());
        Ok(v)
    }

    #[test]
    fn varints_round_trip_and_accept_longer_forms() {
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            assert_eq!(read_varint(&varint(v), MAX_VARINT).unwrap(), v);
        }
        assert_eq!(varint(127), [0x7f]);
        assert_eq!(varint(128), [0x80, 0x01]);
        assert_eq!(varint(u64::MAX).len(), 10);
        assert_eq!(varint(u64::from(u32::MAX)).len(), MAX_ROW_VARINT);
        // Trailing zero groups: what a circuit may write.
        assert_eq!(read_varint(&[0x80, 0x00], MAX_ROW_VARINT).unwrap(), 0);
        assert_eq!(
            read_varint(&[0x81, 0x80, 0x80, 0x80, 0x00], MAX_ROW_VARINT).unwrap(),
            1
        );
        assert!(matches!(
            read_varint(&[0x81, 0x80, 0x80, 0x80, 0x80, 0x00], MAX_ROW_VARINT),
            Err(Error::PubdataMalformed { offset: 0, .. })
        ));
        let mut too_big = vec![0xff; 9];
        too_big.push(0x02);
        assert!(matches!(
            read_varint(&too_big, MAX_VARINT),
            Err(Error::PubdataMalformed { .. })
        ));
        assert!(matches!(
            read_varint(&[0x80; 11], MAX_VARINT),
            Err(Error::PubdataMalformed { .. })
        ));
        assert!(matches!(
            read_varint(&[0x80], MAX_VARINT),
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
    fn values_accept_every_packing_that_gives_the_value() {
        let value = |prev: u64, bytes: &[u8]| unpack(U256::from(prev), bytes).unwrap();
        assert_eq!(value(0, &[0x02, 0x00, 0x12]), U256::from(0x12)); // leading zero
        assert_eq!(value(0, &[0x01, 0x05]), U256::from(5)); // 5 fits the header
        assert_eq!(value(0x1000, &[0x02, 0x10, 0x01]), U256::from(0x1001));
        assert_eq!(value(0x10, &[0x42, 0x01, 0xf0]), U256::from(0x200)); // add as long as full
        assert_eq!(value(5, &[0x81, 0x01]), U256::from(4)); // sub as long as full
        let mut padded = vec![0x20];
        padded.extend_from_slice(&U256::from(9).to_be_bytes::<32>());
        assert_eq!(value(0, &padded), U256::from(9));
        assert!(matches!(
            unpack(U256::ZERO, &[0x21]),
            Err(Error::PubdataMalformed {
                offset: 0,
                reason: "value length above 32"
            })
        ));
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
            unpack(U256::from(5), &[0x40]),
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
