//! Rollup pubdata: the bytes a chain publishes per batch (as calldata or EIP-4844 blobs) from which
//! anyone can rebuild the chain's full state — every state-tree entry with its real address and slot,
//! and every deployed bytecode — from the parent chain alone. `docs/encodings.md` ("Rollup pubdata")
//! is the normative description; this module is its reference implementation.
//!
//! A batch publishes the final value of each state entry it changed, once. An entry is a
//! `(kind, address, slot)` of the state tree (`docs/state.md`) and lives at a fixed position, its
//! **entry index**, from its first publication on; the genesis state counts as published
//! ([`PubdataTables::genesis`]). The writes are one run of rows in ascending index, each naming its
//! index by the gap from the row before: a row whose index holds a known entry is a repeated write
//! (index and value only), any other is a first write and also carries the entry's kind, address
//! (or "the previous first write's") and slot. Every value is packed as the shortest of its
//! big-endian bytes or a delta from the previous value. New bytecode is published once, after the
//! rows. The run of rows is what the batch proof re-encodes ([`write_run`]).
//!
//! ```
//! use alloy_primitives::{Address, U256};
//! use fractal_primitives::pubdata::{self, BatchWrites, BlockRange, EntryKey, PubdataTables};
//!
//! let alice = Address::with_last_byte(1);
//! // Publisher and rebuilder start from the same tables (here: an empty genesis).
//! let mut publisher = PubdataTables::new();
//! let mut rebuilder = publisher.clone();
//!
//! let mut writes = BatchWrites::default();
//! writes.values.insert(EntryKey::nonce(alice), U256::from(1));
//! let bytes = pubdata::encode(&mut publisher, &writes, BlockRange::new(1, 3))?;
//!
//! let batch = pubdata::decode(&mut rebuilder, &bytes)?;
//! assert_eq!(batch.writes, writes);
//! assert_eq!(rebuilder, publisher);
//! assert_eq!(rebuilder.value(&EntryKey::nonce(alice)), U256::from(1));
//! # Ok::<(), fractal_primitives::Error>(())
//! ```
//!
//! # Sizes
//!
//! Bytes one transaction's writes add to a batch (the batch header, 21 bytes, is paid once per batch),
//! with gas at 1 gwei and entries fewer than 128 positions apart; each measured by the test
//! `pubdata::tests::sizes`:
//!
//! | transaction | writes | bytes |
//! |---|---|---|
//! | ETH transfer, 1 ETH between known accounts | sender nonce (2), sender balance (10), recipient balance (10) | 22 |
//! | ERC-20 transfer, 250 tokens between known holders | sender and recipient balance slots (11 each), sender nonce (2), sender ETH balance minus the fee (8) | 32 |
//! | ETH transfer, 1 ETH to a new account | as the first row, the recipient's balance a first write: gap (1), key tag (1), address (20), value (9) | 43 |
//! | first write of a mapping slot (250 tokens to a new holder of a known token) | gap (1), key tag (1), address (20), slot (32), value (10) | 64 |
//! | a second first write of the same account in the batch (e.g. its nonce) | gap (1), key tag (1), value (1) | 3 |
//! | repeated write: a nonce increment | gap (1), value header with the +1 inside (1) | 2 |
//!
//! The fee recipient's balance (one write per batch) is not counted. A gap costs one more byte from
//! 128 on (varints). An address is published once per batch that gives it new entries.

mod blob;
mod builder;
mod codec;
mod evaluation;
#[cfg(test)]
mod tests;

use std::{
    cmp::Ordering,
    collections::{BTreeMap, BTreeSet},
    fmt,
    hash::{Hash, Hasher},
};

use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256};

pub use blob::{
    BLOB_DATA_BYTES, BLOB_SIZE, Blob, FIELD_ELEMENTS_PER_BLOB, MAX_BLOB_PAYLOAD, MAX_BLOBS,
    from_blobs, to_blobs,
};
pub use builder::BatchBuilder;
pub use codec::{decode, encode, encode_rows, write_run};
pub use evaluation::{
    EVALUATION_CHUNK_BYTES, WriteBinding, evaluate, evaluation_challenge, row_commitment,
    write_binding,
};

use crate::{Error, Result, StateDiff, StateKind, state_key};

/// Version byte of the pubdata layout (`docs/encodings.md`, "Rollup pubdata").
pub const PUBDATA_VERSION: u8 = 2;

/// One entry of the state tree: what it holds (`kind`), for which account, and the storage slot
/// (zero for the account fields: nonce, balance, code hash).
///
/// Entries order by `(address, kind, slot)`, the order in which first writes are published and
/// genesis entries are indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryKey {
    /// The account.
    pub address: Address,
    /// What the entry holds.
    pub kind: StateKind,
    /// The storage slot for [`StateKind::Storage`]; zero otherwise.
    pub slot: U256,
}

impl EntryKey {
    /// Storage slot `slot` of contract `address`.
    pub const fn storage(address: Address, slot: U256) -> Self {
        Self {
            address,
            kind: StateKind::Storage,
            slot,
        }
    }

    /// The outbox's message chain: its storage slot [`L2_OUTBOX_MESSAGE_CHAIN_SLOT`](crate::L2_OUTBOX_MESSAGE_CHAIN_SLOT)
    /// (docs/encodings.md, "Outbox"), the entry a batch that sends messages writes and the batch proof
    /// checks its message leaves against.
    pub const fn outbox_message_chain() -> Self {
        Self::storage(
            crate::L2_OUTBOX,
            U256::from_limbs([crate::L2_OUTBOX_MESSAGE_CHAIN_SLOT, 0, 0, 0]),
        )
    }

    /// The nonce of `address`.
    pub const fn nonce(address: Address) -> Self {
        Self::account_field(address, StateKind::Nonce)
    }

    /// The balance of `address`.
    pub const fn balance(address: Address) -> Self {
        Self::account_field(address, StateKind::Balance)
    }

    /// The code hash of `address` (zero for an account without code).
    pub const fn code_hash(address: Address) -> Self {
        Self::account_field(address, StateKind::CodeHash)
    }

    const fn account_field(address: Address, kind: StateKind) -> Self {
        Self {
            address,
            kind,
            slot: U256::ZERO,
        }
    }

    /// The entry's key in the state tree: `stateKey(kind, address, slot)` of `docs/state.md`.
    pub fn state_key(&self) -> U256 {
        state_key(self.kind, self.address, B256::from(self.slot))
    }

    fn order_key(&self) -> (Address, u8, U256) {
        (self.address, self.kind as u8, self.slot)
    }

    /// Checks that `value` may be written to this entry: account fields have slot zero, a nonce fits
    /// 64 bits, and the code hash of empty code is written as zero.
    fn check_value(&self, value: U256) -> Result<()> {
        let reason = match self.kind {
            StateKind::Storage => return Ok(()),
            _ if !self.slot.is_zero() => "account fields have slot 0",
            StateKind::Nonce if value > U256::from(u64::MAX) => "a nonce fits 64 bits",
            StateKind::CodeHash if value == U256::from_be_bytes(KECCAK256_EMPTY.0) => {
                "the code hash of an account without code is 0"
            }
            _ => return Ok(()),
        };
        Err(Error::PubdataInvalidEntry {
            entry: *self,
            value,
            reason,
        })
    }
}

impl PartialOrd for EntryKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EntryKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl Hash for EntryKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.order_key().hash(state);
    }
}

impl fmt::Display for EntryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            StateKind::Storage => write!(f, "storage slot {:#x} of {}", self.slot, self.address),
            StateKind::Nonce => write!(f, "nonce of {}", self.address),
            StateKind::Balance => write!(f, "balance of {}", self.address),
            StateKind::CodeHash => write!(f, "code hash of {}", self.address),
        }
    }
}

/// The state-tree value of an account's code hash: zero for an account without code (`KECCAK_EMPTY`,
/// or zero), the hash itself otherwise.
pub fn code_hash_value(code_hash: B256) -> U256 {
    if code_hash == KECCAK256_EMPTY {
        U256::ZERO
    } else {
        U256::from_be_bytes(code_hash.0)
    }
}

/// The blocks a batch covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRange {
    /// The batch's first block.
    pub first: u64,
    /// The batch's last block.
    pub last: u64,
}

impl BlockRange {
    /// Blocks `first` to `last`, both included.
    pub const fn new(first: u64, last: u64) -> Self {
        Self { first, last }
    }
}

/// What one batch publishes: the final value of each changed entry, and the bytecode of code hashes
/// the batch introduces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchWrites {
    /// Final values of the changed entries (each different from the entry's previous value).
    pub values: BTreeMap<EntryKey, U256>,
    /// New bytecode by code hash: each published once, when a code-hash write first uses it.
    pub code: BTreeMap<B256, Bytes>,
}

impl BatchWrites {
    /// The writes of the blocks whose state diffs are `diffs`, in block order, on top of the
    /// state `tables` has seen (see [`BatchBuilder`]).
    pub fn from_diffs<'a>(
        tables: &PubdataTables,
        diffs: impl IntoIterator<Item = &'a StateDiff>,
    ) -> Self {
        let mut builder = BatchBuilder::new(tables);
        for diff in diffs {
            builder.apply(diff);
        }
        builder.finish()
    }

    /// Whether the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.code.is_empty()
    }
}

/// A decoded batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBatch {
    /// The blocks it covers.
    pub blocks: BlockRange,
    /// Its writes and new code.
    pub writes: BatchWrites,
    /// Its run of write rows as published, by entry index.
    pub rows: Vec<Row>,
}

/// One row of a batch's write run as published: the write and the encoding choices its bytes make,
/// which the batch circuit re-creates (`docs/encodings.md`, "Rollup pubdata").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The entry index (tree position) written.
    pub index: u64,
    /// The gap before it: `index` minus the previous row's index minus 1 (the batch's first row: its
    /// index).
    pub gap: u64,
    /// The byte length of the row's gap varint (1 to 5).
    pub gap_len: u8,
    /// The entry written.
    pub key: EntryKey,
    /// How a first write's key is written; `None` for a repeated write.
    pub key_encoding: Option<KeyEncoding>,
    /// The entry's value before the batch (zero for a first write).
    pub previous: U256,
    /// Its value after the batch.
    pub value: U256,
    /// The value's header byte: packing (bits 7–6) and length or small delta − 1 (bits 5–0).
    pub value_header: u8,
    /// What the value's bytes carry: the value (full packing), the delta (add, sub), or 0 (small
    /// add).
    pub word: U256,
    /// Where the row's bytes lie in the pubdata.
    pub bytes: std::ops::Range<usize>,
}

impl Row {
    /// The row's fields as the batch circuit takes them: a repeated write's bytes say nothing of its
    /// key, so its kind, address and slot are 0 (its key comes with its tree write).
    pub fn fields(&self) -> RowFields {
        let first = self.key_encoding.is_some();
        let (same_address, slot_len) = self
            .key_encoding
            .map_or((false, 0), |e| (e.same_address, e.slot_len));
        RowFields {
            index: self.index,
            gap: self.gap,
            gap_len: self.gap_len,
            first,
            kind: if first { self.key.kind as u8 } else { 0 },
            same_address,
            address: if first {
                self.key.address
            } else {
                Address::ZERO
            },
            slot: if first { self.key.slot } else { U256::ZERO },
            slot_len,
            packing: self.value_header >> 6,
            value_len: self.value_header & 0x3f,
            word: self.word,
            length: (self.bytes.end - self.bytes.start) as u32,
        }
    }
}

/// One row of a batch's write run as the batch circuit takes it (`PubdataRow`, docs/proofs.md): the
/// fields its bytes are re-encoded from, kept beside the batch's write witnesses for the prover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowFields {
    /// The entry index written.
    pub index: u64,
    /// The gap before it (the previous row's index + 1, or 0 for the batch's first row, up to it).
    pub gap: u64,
    /// The gap varint's byte length (1 to 5).
    pub gap_len: u8,
    /// Whether the row is the entry's first write (it carries the key).
    pub first: bool,
    /// A first write's entry kind (`StateKind` as a byte); 0 for a repeated write.
    pub kind: u8,
    /// A first write's address is the previous first write's (not repeated in the bytes).
    pub same_address: bool,
    /// A first write's address; zero for a repeated write.
    pub address: Address,
    /// A first write's storage slot (0 for account fields and repeated writes).
    pub slot: U256,
    /// A first write's slot byte length (1 to 32), 0 for account fields and repeated writes.
    pub slot_len: u8,
    /// The value's packing (0 full, 1 add, 2 sub, 3 small add).
    pub packing: u8,
    /// The value header's low six bits: the payload's byte length, or a small add's delta − 1.
    pub value_len: u8,
    /// The payload: the value (full), the delta (add, sub), 0 (small add).
    pub word: U256,
    /// The row's byte length.
    pub length: u32,
}

/// How a first write's key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEncoding {
    /// The address is the previous first write's, not repeated.
    pub same_address: bool,
    /// The byte length of a storage slot (1 to 32); 0 for account fields.
    pub slot_len: u8,
}

/// Everything a publisher or rebuilder remembers between batches: the entries by tree position
/// (entry index) with their current values, the code hashes whose bytecode is known, and the last
/// block published. Publisher and rebuilder evolve identical tables batch by batch.
///
/// Positions may be sparse: the decoder accepts a first write at any free position, because the batch
/// proof can only check that the position was empty (docs/encodings.md). The encoder fills them in
/// order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PubdataTables {
    entries: BTreeMap<u64, (EntryKey, U256)>,
    entry_index: BTreeMap<EntryKey, u64>,
    code: BTreeSet<B256>,
    last_block: u64,
}

impl PubdataTables {
    /// Tables of an empty genesis state: nothing known, block 0 published.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tables seeded with the genesis state (block 0), which counts as published: every non-zero
    /// entry of `genesis`, sorted by `(address, kind, slot)`, takes the next entry index from 0; every
    /// non-zero code hash counts as known code.
    pub fn genesis(genesis: &StateDiff) -> Self {
        let writes = BatchWrites::from_diffs(&Self::new(), [genesis]);
        let mut tables = Self::new();
        let first: Vec<_> = (0..)
            .zip(&writes.values)
            .map(|(index, (key, value))| (index, *key, *value))
            .collect();
        let code = first
            .iter()
            .filter(|(_, k, v)| k.kind == StateKind::CodeHash && !v.is_zero())
            .map(|(_, _, v)| B256::from(*v));
        tables.commit(0, &first, &[], code);
        tables
    }

    /// The last block published (0 for the genesis).
    pub fn last_block(&self) -> u64 {
        self.last_block
    }

    /// Number of entries indexed so far.
    pub fn entry_count(&self) -> u64 {
        self.entries.len() as u64
    }

    /// One past the highest position taken (0 when none): where the encoder puts new entries while
    /// the tree has room above.
    pub fn next_index(&self) -> u64 {
        self.entries
            .last_key_value()
            .map_or(0, |(index, _)| index + 1)
    }

    /// The entry at position `index` and its current value.
    pub fn entry(&self, index: u64) -> Option<(EntryKey, U256)> {
        self.entries.get(&index).copied()
    }

    /// The entry index of `key`, once published.
    pub fn entry_index(&self, key: &EntryKey) -> Option<u64> {
        self.entry_index.get(key).copied()
    }

    /// The current value of `key` (zero when never published).
    pub fn value(&self, key: &EntryKey) -> U256 {
        self.entry_index(key)
            .and_then(|index| self.entry(index))
            .map_or(U256::ZERO, |(_, value)| value)
    }

    /// Every published entry with its index and current value, by index (zero values included: an
    /// entry keeps its position when cleared).
    pub fn entries(&self) -> impl Iterator<Item = (u64, EntryKey, U256)> + '_ {
        self.entries
            .iter()
            .map(|(index, (key, value))| (*index, *key, *value))
    }

    /// Whether any entry of `address` has been published.
    pub fn knows_address(&self, address: &Address) -> bool {
        self.entry_index
            .range(EntryKey::storage(*address, U256::ZERO)..=EntryKey::code_hash(*address))
            .next()
            .is_some()
    }

    /// Whether the bytecode of `code_hash` has been published (or was in the genesis).
    pub fn is_code_known(&self, code_hash: &B256) -> bool {
        self.code.contains(code_hash)
    }

    /// The storage slots of `address` ever published, ascending.
    pub fn storage_slots(&self, address: Address) -> impl Iterator<Item = U256> + '_ {
        self.entry_index
            .range(EntryKey::storage(address, U256::ZERO)..=EntryKey::storage(address, U256::MAX))
            .map(|(k, _)| k.slot)
    }

    /// `count` free positions for new entries, ascending: the ones after the highest taken, or, when
    /// those would run past the tree, the lowest free ones (a batch may have placed an entry high
    /// up; the tree is only full when every position is taken).
    fn free_positions(&self, count: u64) -> Result<Vec<u64>> {
        let next = self.next_index();
        if count <= crate::STATE_TREE_CAPACITY - next {
            return Ok((next..next + count).collect());
        }
        let mut free = Vec::new();
        let mut candidate = 0;
        for &taken in self.entries.keys().chain([&crate::STATE_TREE_CAPACITY]) {
            while candidate < taken && (free.len() as u64) < count {
                free.push(candidate);
                candidate += 1;
            }
            candidate = taken + 1;
        }
        if (free.len() as u64) < count {
            return Err(Error::PubdataIndexOutOfRange {
                index: crate::STATE_TREE_CAPACITY,
                capacity: crate::STATE_TREE_CAPACITY,
            });
        }
        Ok(free)
    }

    /// Checks that `blocks` starts right after the last published block and is not empty.
    fn check_range(&self, blocks: BlockRange) -> Result<()> {
        let expected_first = self.last_block.checked_add(1);
        if Some(blocks.first) != expected_first || blocks.last < blocks.first {
            return Err(Error::PubdataBlockRange {
                first: blocks.first,
                last: blocks.last,
                expected_first: expected_first.unwrap_or(u64::MAX),
            });
        }
        Ok(())
    }

    /// Records a checked batch: first writes at their (free) positions, repeated writes' new values.
    fn commit(
        &mut self,
        last_block: u64,
        first: &[(u64, EntryKey, U256)],
        repeated: &[(u64, U256)],
        code: impl IntoIterator<Item = B256>,
    ) {
        for (index, key, value) in first {
            self.entry_index.insert(*key, *index);
            self.entries.insert(*index, (*key, *value));
        }
        for (index, value) in repeated {
            if let Some(entry) = self.entries.get_mut(index) {
                entry.1 = *value;
            }
        }
        self.code.extend(code);
        self.last_block = last_block;
    }
}
