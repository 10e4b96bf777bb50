//! The chunk circuit (`circuits/src/batch_chunk.circom`): its sizes, its files, and its inputs built
//! from a batch's header, pubdata, write rows and witnesses, and messages.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256, U256, keccak256};
use ark_bn254::Fr;
use ark_ff::Field;
use fractal_primitives::{
    BatchHeader, FieldElement, MessageTree, STATE_TREE_DEPTH, StateProof, WriteKind, WriteWitness,
    path_node, poseidon,
    pubdata::{self, RowFields},
    state_leaf,
};
use num_bigint::BigInt;

use crate::{Error, Result, error::io};

/// Writes one chunk proof covers (`main.circom`): the most bound writes (a state-tree write and the
/// pubdata row publishing it) that keep the circuit within 2¹⁸ constraints, the proving domain's size
/// (docs/proofs.md).
pub const CHUNK_WRITES: usize = 28;
/// Levels of the subtree a chunk's writes go into (`main.circom`): a chunk's rows are at positions of
/// one subtree of 4¹⁰ entries, whose path to the state root the chunk proves once.
pub const CHUNK_SUBTREE_LEVELS: usize = 10;
/// Levels of a chunk's subtree path, from the subtree's root to the state root.
pub const CHUNK_UPPER_LEVELS: usize = STATE_TREE_DEPTH - CHUNK_SUBTREE_LEVELS;
/// Messages a batch may send to be provable: the last chunk computes the message root from them.
pub const CHUNK_MESSAGES: usize = 16;
/// Public inputs of one chunk proof: the batch's 17 (`docs/encodings.md`), then the hashes of the
/// carried state before and after the chunk, the chunk index and the chunk count.
pub const CHUNK_PUBLIC_INPUTS: usize = 21;
/// Signals of the state carried from row to row and chunk to chunk (`bound_writes.circom`): root,
/// stream sum, weight, phase, length, previous address, row commitment, next index.
pub const CARRIED_STATE: usize = 8;
/// Most chunks one batch proof may have (the circuit bounds the count by 2^16).
pub const MAX_CHUNKS: usize = 1 << 16;

/// The compiled chunk circuit: the witness calculators (native and `.wasm`) and the constraint system
/// (`.r1cs`).
#[derive(Debug, Clone)]
pub struct CircuitFiles {
    /// `main_js/main.wasm`.
    pub wasm: PathBuf,
    /// `main.r1cs`.
    pub r1cs: PathBuf,
    /// `main_c_cpp/main_c`: circom's C++ witness generator built with g++ (it reads `main_c.dat`
    /// beside itself). Optional: without it the prover uses the `.wasm` calculator.
    pub native: PathBuf,
}

impl CircuitFiles {
    /// The files `make circuits` writes into `dir` (`circuits/build`).
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        Self {
            wasm: dir.join("main_js").join("main.wasm"),
            r1cs: dir.join("main.r1cs"),
            native: dir.join("main_c_cpp").join("main_c"),
        }
    }

    /// The circuit's identity: keccak256 of its `.r1cs` file. Keys are cached under it and the
    /// generated verifier records it.
    pub fn hash(&self) -> Result<B256> {
        let bytes = std::fs::read(&self.r1cs).map_err(|e| Error::Circuit {
            path: self.r1cs.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(keccak256(bytes))
    }

    /// Fails with a clear error when the `.wasm` or the `.r1cs` is missing (the native generator is
    /// optional).
    pub fn check(&self) -> Result<()> {
        for path in [&self.wasm, &self.r1cs] {
            std::fs::metadata(path).map_err(|e| Error::Circuit {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    pub(crate) fn read_r1cs(&self) -> Result<Vec<u8>> {
        std::fs::read(&self.r1cs).map_err(io(&self.r1cs))
    }
}

/// One row of the chunk circuit: a state-tree write (`StateWrite`) and the pubdata row publishing it
/// (`PubdataRow`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRow {
    /// 1 for a write, 0 for a padding row.
    pub enabled: bool,
    /// The pubdata row's fields.
    pub row: RowFields,
    /// The entry's state key.
    pub key: U256,
    /// The value before.
    pub old_value: U256,
    /// The value after.
    pub new_value: U256,
    /// The position's inclusion proof in the whole tree (the chunk takes its lower
    /// [`CHUNK_SUBTREE_LEVELS`] levels from the row, the rest once for the chunk).
    pub siblings: StateProof,
}

impl WriteRow {
    /// A padding row: the carried state passes through. Its fields are what `BoundWrites` documents as
    /// satisfiable: a repeated write of 0 → 1 by a small add, gap 0 in one byte, index 0.
    pub fn padding() -> Self {
        Self {
            enabled: false,
            row: RowFields {
                index: 0,
                gap: 0,
                gap_len: 1,
                first: false,
                kind: 0,
                same_address: false,
                address: Address::ZERO,
                slot: U256::ZERO,
                slot_len: 0,
                packing: 3,
                value_len: 0,
                word: U256::ZERO,
                length: 2,
            },
            key: U256::ZERO,
            old_value: U256::ZERO,
            new_value: U256::from(1),
            siblings: [[U256::ZERO; 3]; STATE_TREE_DEPTH],
        }
    }

    /// The row of one write of the state tree (its witness from `StateTree::set`) and the pubdata row
    /// that publishes it.
    pub fn new(write: &WriteWitness, row: &RowFields) -> Self {
        Self {
            enabled: true,
            row: *row,
            key: write.key,
            old_value: write.old_value,
            new_value: write.new_value,
            siblings: write.siblings,
        }
    }
}

/// The state the chunk circuit carries from row to row and from chunk to chunk (`bound_writes.circom`):
/// `[root, acc, weight, phase, length, prevAddress, commit, nextIndex]`.
pub type CarriedState = [U256; CARRIED_STATE];

/// The carried state at a batch's start: `(prevStateRoot, 0, 256³⁰, 0, 0, 2¹⁶⁰, 0, 0)`.
pub fn batch_start(prev_state_root: U256) -> CarriedState {
    [
        prev_state_root,
        U256::ZERO,
        U256::from(1) << 240,
        U256::ZERO,
        U256::ZERO,
        U256::from(1) << 160,
        U256::ZERO,
        U256::ZERO,
    ]
}

/// The hash a chunk's public input carries for a state: Poseidon of its eight signals.
pub fn carry(state: &CarriedState) -> Result<U256> {
    Ok(poseidon(state)?)
}

/// The carried state after `rows` (with their tree `writes`) follow `state`: the root after the last
/// write, the stream over the run's first `n` bytes (`n` the length so far: the sum — the evaluation of
/// those bytes, right-padded — the next position's weight `z^⌊n/31⌋ · 256^(30 − n mod 31)` and its
/// phase `n mod 31`), the last first write's address, the row commitment and the index after the last
/// row.
fn advance(
    state: &CarriedState,
    rows: &[RowFields],
    writes: &[WriteWitness],
    run: &[u8],
    z: U256,
) -> Result<CarriedState> {
    let Some((last_row, last_write)) = rows.last().zip(writes.last()) else {
        return Ok(*state);
    };
    let m = state[4].to::<usize>();
    let n = m + rows.iter().map(|r| r.length as usize).sum::<usize>();
    let bytes = run
        .get(m..n)
        .ok_or(fractal_primitives::Error::PubdataMalformed {
            offset: m,
            reason: "the rows run past the write run",
        })?;
    // The new bytes added to the sum: byte p weighs z^⌊p/31⌋ · 256^(30 − p mod 31).
    let z = z.to_fr()?;
    let mut place = [Fr::from(1u64); 31];
    for q in (0..30).rev() {
        place[q] = place[q + 1] * Fr::from(256u64);
    }
    let mut acc = state[1].to_fr()?;
    let mut chunk_weight = z.pow([(m / 31) as u64]);
    for (p, byte) in (m..n).zip(bytes) {
        if p > m && p % 31 == 0 {
            chunk_weight *= z;
        }
        acc += Fr::from(*byte) * chunk_weight * place[p % 31];
    }
    let weight = z.pow([(n / 31) as u64]) * place[n % 31];
    let address = rows
        .iter()
        .rev()
        .find(|r| r.first)
        .map_or(state[5], |r| U256::from_be_slice(r.address.as_slice()));
    let commit = rows
        .iter()
        .try_fold(state[6], |commitment, row| row.commit(commitment))?;
    Ok([
        last_write.new_root,
        U256::from_fr(&acc),
        U256::from_fr(&weight),
        U256::from(n % 31),
        U256::from(n),
        address,
        commit,
        U256::from(last_row.index + 1),
    ])
}

/// Checks what the circuit will check of the rows, so that a batch it would refuse is refused here with
/// a reason: each row pairs with its tree write (same entry index; a first write where the position was
/// empty, under the key its fields publish), its index follows from its gap, a same-address first
/// write follows a first write of that address, and its fields re-encode its bytes of the write run,
/// which the rows cover exactly.
fn check_rows(
    rows: &[RowFields],
    writes: &[WriteWitness],
    run: &[u8],
) -> std::result::Result<(), String> {
    if rows.len() != writes.len() {
        return Err(format!(
            "its pubdata has {} write rows for {} tree writes",
            rows.len(),
            writes.len()
        ));
    }
    let mut offset = 0usize;
    let mut next_index = 0u64;
    let mut last_address: Option<Address> = None;
    for (i, (row, write)) in rows.iter().zip(writes).enumerate() {
        if row.index != write.index || row.first != (write.kind == WriteKind::Insert) {
            return Err(format!(
                "row {i} publishes {} write at entry {}, the tree write is {:?} at entry {}",
                if row.first { "a first" } else { "a repeated" },
                row.index,
                write.kind,
                write.index
            ));
        }
        if next_index.checked_add(row.gap) != Some(row.index) {
            return Err(format!(
                "row {i}'s gap {} after entry index {next_index} does not reach its index {}",
                row.gap, row.index
            ));
        }
        next_index = row.index + 1;
        if row.first {
            if row.same_address && last_address != Some(row.address) {
                return Err(format!(
                    "row {i} claims the previous first write's address, which is not {}",
                    row.address
                ));
            }
            last_address = Some(row.address);
            if row.state_key() != Some(write.key) {
                return Err(format!(
                    "row {i} publishes a key other than its tree write's {:#x}",
                    write.key
                ));
            }
        }
        let bytes = row.encode().map_err(|e| format!("row {i}: {e}"))?;
        let end = offset + bytes.len();
        if bytes.len() != row.length as usize || run.get(offset..end) != Some(&bytes[..]) {
            return Err(format!(
                "row {i}'s fields do not re-encode the write run's bytes at {offset}"
            ));
        }
        offset = end;
    }
    if offset != run.len() {
        return Err(format!(
            "the rows cover {offset} of the write run's {} bytes",
            run.len()
        ));
    }
    Ok(())
}

/// The subtree of [`CHUNK_SUBTREE_LEVELS`] levels a chunk's rows write into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChunkSubtree {
    /// Its index among the 4⁶ subtrees of its level (a position's index >> 20).
    pub index: u64,
    /// Its root before the chunk's rows.
    pub root: U256,
    /// The siblings of its path to the state root, from its level up.
    pub siblings: [[U256; 3]; CHUNK_UPPER_LEVELS],
}

impl ChunkSubtree {
    /// The subtree of the first write `write` of a chunk: its index, its root before the write (the old
    /// leaf hashed up the write's lower siblings) and the write's upper siblings.
    fn of(write: &WriteWitness) -> Result<Self> {
        let old_leaf = match write.kind {
            WriteKind::Insert => U256::ZERO,
            _ => state_leaf(write.key, write.old_value)?,
        };
        let mut siblings = [[U256::ZERO; 3]; CHUNK_UPPER_LEVELS];
        siblings.copy_from_slice(&write.siblings[CHUNK_SUBTREE_LEVELS..]);
        Ok(Self {
            index: subtree_of(write.index),
            root: path_node(
                write.index & ((1 << (2 * CHUNK_SUBTREE_LEVELS)) - 1),
                old_leaf,
                &write.siblings[..CHUNK_SUBTREE_LEVELS],
            )?,
            siblings,
        })
    }
}

/// The index of the chunk subtree holding entry `index`.
pub fn subtree_of(index: u64) -> u64 {
    index >> (2 * CHUNK_SUBTREE_LEVELS)
}

/// Everything one chunk proof takes: its public inputs and the private witness rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkInput {
    /// The batch number (for errors and progress).
    pub batch: u64,
    /// The chunk index.
    pub index: usize,
    /// The public inputs.
    pub public: [U256; CHUNK_PUBLIC_INPUTS],
    /// The carried state before the chunk (`public[17]` is its hash).
    pub state_in: CarriedState,
    /// The subtree the rows write into: its index among the subtrees of [`CHUNK_SUBTREE_LEVELS`]
    /// levels, its root before the rows, and the siblings of its path to the state root (anything, and
    /// unchecked, for a chunk of padding only).
    pub subtree: ChunkSubtree,
    /// Exactly [`CHUNK_WRITES`] rows.
    pub rows: Vec<WriteRow>,
    /// The number of messages (non-zero only in the last chunk).
    pub message_count: usize,
    /// Exactly [`CHUNK_MESSAGES`] leaves, zero past `message_count`.
    pub messages: Vec<U256>,
}

fn big(value: U256) -> BigInt {
    BigInt::from_bytes_be(num_bigint::Sign::Plus, &value.to_be_bytes::<32>())
}

impl ChunkInput {
    /// The inputs by signal name, flattened row-major, as the witness calculator takes them.
    pub fn signals(&self) -> Vec<(String, Vec<BigInt>)> {
        let column = |f: &dyn Fn(&WriteRow) -> U256| -> Vec<BigInt> {
            self.rows.iter().map(|r| big(f(r))).collect()
        };
        let halves = |f: &dyn Fn(&WriteRow) -> U256| -> Vec<BigInt> {
            self.rows
                .iter()
                .flat_map(|r| [big(f(r) >> 128), big(f(r) & U256::from(u128::MAX))])
                .collect()
        };
        let small = |f: &dyn Fn(&RowFields) -> u64| column(&|r| U256::from(f(&r.row)));
        vec![
            (
                "inputs".into(),
                self.public.iter().copied().map(big).collect(),
            ),
            (
                "stateIn".into(),
                self.state_in.iter().copied().map(big).collect(),
            ),
            ("enabled".into(), column(&|r| U256::from(r.enabled as u8))),
            ("isFirst".into(), small(&|r| r.first as u64)),
            ("gap".into(), small(&|r| r.gap)),
            ("gapLen".into(), small(&|r| r.gap_len.into())),
            ("kind".into(), small(&|r| r.kind.into())),
            ("sameAddress".into(), small(&|r| r.same_address as u64)),
            (
                "address".into(),
                column(&|r| U256::from_be_slice(r.row.address.as_slice())),
            ),
            ("slot".into(), halves(&|r| r.row.slot)),
            ("slotLen".into(), small(&|r| r.slot_len.into())),
            ("oldValue".into(), halves(&|r| r.old_value)),
            ("newValue".into(), halves(&|r| r.new_value)),
            ("packing".into(), small(&|r| r.packing.into())),
            ("valueLen".into(), small(&|r| r.value_len.into())),
            ("key".into(), column(&|r| r.key)),
            (
                "siblings".into(),
                self.rows
                    .iter()
                    .flat_map(|r| r.siblings[..CHUNK_SUBTREE_LEVELS].iter().flatten())
                    .copied()
                    .map(big)
                    .collect(),
            ),
            ("subtree".into(), vec![BigInt::from(self.subtree.index)]),
            ("subtreeRoot".into(), vec![big(self.subtree.root)]),
            (
                "upperSiblings".into(),
                self.subtree
                    .siblings
                    .iter()
                    .flatten()
                    .copied()
                    .map(big)
                    .collect(),
            ),
            (
                "messageCount".into(),
                vec![BigInt::from(self.message_count)],
            ),
            (
                "messages".into(),
                self.messages.iter().copied().map(big).collect(),
            ),
        ]
    }
}

/// How a batch's rows (in ascending entry index) are cut into chunks: runs of at most [`CHUNK_WRITES`]
/// rows of one subtree ([`subtree_of`]), each as long as it can be; one empty chunk for no rows.
pub fn chunk_ranges(rows: &[RowFields]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut begin = 0;
    while begin < rows.len() {
        let subtree = subtree_of(rows[begin].index);
        let end = rows[begin..]
            .iter()
            .take(CHUNK_WRITES)
            .position(|row| subtree_of(row.index) != subtree)
            .map_or((begin + CHUNK_WRITES).min(rows.len()), |n| begin + n);
        ranges.push(begin..end);
        begin = end;
    }
    if ranges.is_empty() {
        ranges.push(0..0);
    }
    ranges
}

/// The public inputs of chunk `index` of `count` carrying the state from `carry_in` to `carry_out`.
pub fn chunk_public_inputs(
    batch: &[U256; fractal_primitives::PUBLIC_INPUT_COUNT],
    carry_in: U256,
    carry_out: U256,
    index: usize,
    count: usize,
) -> [U256; CHUNK_PUBLIC_INPUTS] {
    let mut inputs = [U256::ZERO; CHUNK_PUBLIC_INPUTS];
    inputs[..batch.len()].copy_from_slice(batch);
    let n = batch.len();
    inputs[n] = carry_in;
    inputs[n + 1] = carry_out;
    inputs[n + 2] = U256::from(index);
    inputs[n + 3] = U256::from(count);
    inputs
}

/// What a batch proof is made from besides the header: the pubdata as published, its write rows, the
/// tree writes (one per row, in the rows' order, each with its witness) and the message leaves.
#[derive(Debug, Clone, Copy)]
pub struct BatchData<'a> {
    /// The batch's pubdata (its write run is what the rows re-encode).
    pub pubdata: &'a [u8],
    /// The write run's rows as the circuit takes them.
    pub rows: &'a [RowFields],
    /// The state-tree writes, one per row.
    pub writes: &'a [WriteWitness],
    /// The message leaves, in outbox order.
    pub message_leaves: &'a [U256],
}

/// The chunk inputs proving batch `header` of chain `chain_id`. Refuses — before any proving work — a
/// batch whose writes do not take its previous state root to its new one, whose writes and rows do
/// not pair up (same index, a first write where the position was empty), whose rows do not cover its
/// write run or disagree with the header's write binding (`rowCommitment`, `writesEvaluation`,
/// `writesLength`), whose message leaves do not make its message root, or which does not fit the
/// circuit.
pub fn batch_chunks(
    header: &BatchHeader,
    chain_id: u64,
    data: &BatchData<'_>,
) -> Result<Vec<ChunkInput>> {
    let batch = header.batchNumber;
    let refuse = |reason: String| Error::Refused { batch, reason };
    let BatchData {
        pubdata,
        rows,
        writes,
        message_leaves,
    } = *data;
    let prev = U256::from_be_bytes(header.prevStateRoot.0);
    let new = U256::from_be_bytes(header.newStateRoot.0);
    let mut root = prev;
    for (i, write) in writes.iter().enumerate() {
        if write.old_root != root {
            return Err(refuse(format!(
                "write {i} starts from root {:#x}, the tree is at {root:#x}",
                write.old_root
            )));
        }
        root = write.new_root;
    }
    if root != new {
        return Err(refuse(format!(
            "its writes take the state root from {prev:#x} to {root:#x}, its header claims {new:#x}"
        )));
    }
    let run = pubdata::write_run(pubdata)
        .map_err(|e| refuse(format!("its pubdata has no write run: {e}")))?;
    let run = &pubdata[run];
    check_rows(rows, writes, run).map_err(refuse)?;
    let binding = pubdata::write_binding(pubdata, rows, header.pubdataCommitment)?;
    if binding != header.write_binding() {
        return Err(refuse(format!(
            "its rows give {binding}; its header claims {}",
            header.write_binding()
        )));
    }
    if message_leaves.len() > CHUNK_MESSAGES {
        return Err(refuse(format!(
            "it sends {} messages, the circuit takes at most {CHUNK_MESSAGES} per batch",
            message_leaves.len()
        )));
    }
    let tree = MessageTree::new(message_leaves.to_vec())?;
    if B256::from(tree.root()) != header.messageRoot {
        return Err(refuse(format!(
            "its messages make root {:#x}, its header claims {}",
            tree.root(),
            header.messageRoot
        )));
    }
    let ranges = chunk_ranges(rows);
    let count = ranges.len();
    if count > MAX_CHUNKS {
        return Err(refuse(format!(
            "{} writes need {count} chunks, at most {MAX_CHUNKS} are allowed",
            rows.len()
        )));
    }
    let z = header.evaluation_point()?;
    let base = header.public_inputs(chain_id)?;
    let mut chunks = Vec::with_capacity(count);
    let mut state_in = batch_start(prev);
    for (index, range) in ranges.into_iter().enumerate() {
        let (begin, end) = (range.start, range.end);
        let subtree = match writes.get(begin..end) {
            Some([first, rest @ ..]) => {
                let subtree = ChunkSubtree::of(first)?;
                if let Some(i) = rest
                    .iter()
                    .position(|w| w.siblings[CHUNK_SUBTREE_LEVELS..] != subtree.siblings)
                {
                    return Err(refuse(format!(
                        "write {} has other siblings above its subtree than write {begin}, in the \
                         same subtree {}",
                        begin + 1 + i,
                        subtree.index
                    )));
                }
                subtree
            }
            _ => ChunkSubtree::default(),
        };
        let state_out = advance(&state_in, &rows[begin..end], &writes[begin..end], run, z)?;
        let mut chunk_rows: Vec<WriteRow> = writes[begin..end]
            .iter()
            .zip(&rows[begin..end])
            .map(|(write, row)| WriteRow::new(write, row))
            .collect();
        chunk_rows.resize(CHUNK_WRITES, WriteRow::padding());
        let last = index + 1 == count;
        let mut messages = if last {
            message_leaves.to_vec()
        } else {
            Vec::new()
        };
        let message_count = messages.len();
        messages.resize(CHUNK_MESSAGES, U256::ZERO);
        chunks.push(ChunkInput {
            batch,
            index,
            public: chunk_public_inputs(&base, carry(&state_in)?, carry(&state_out)?, index, count),
            state_in,
            subtree,
            rows: chunk_rows,
            message_count,
            messages,
        });
        state_in = state_out;
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample_batch;
    use fractal_primitives::STATE_TREE_CAPACITY;

    #[test]
    fn chunks_cover_the_writes_and_chain_their_carries() {
        let w = CHUNK_WRITES as u64;
        let n = fractal_primitives::PUBLIC_INPUT_COUNT;
        for (writes, chunks) in [(0, 1), (1, 1), (w, 1), (w + 1, 2), (2 * w + 8, 3)] {
            let sample = sample_batch(50, writes, 2).unwrap();
            let inputs = batch_chunks(&sample.header, sample.chain_id, &sample.data()).unwrap();
            assert_eq!(inputs.len(), chunks, "{writes} writes");
            let base = sample.header.public_inputs(sample.chain_id).unwrap();
            let start = batch_start(base[3]);
            assert_eq!(inputs[0].state_in, start);
            assert_eq!(inputs[0].public[n], carry(&start).unwrap());
            for pair in inputs.windows(2) {
                assert_eq!(pair[0].public[n + 1], pair[1].public[n]);
                assert_eq!(pair[0].message_count, 0);
            }
            for (j, chunk) in inputs.iter().enumerate() {
                assert_eq!(chunk.public[n], carry(&chunk.state_in).unwrap());
                assert_eq!(chunk.rows.len(), CHUNK_WRITES);
                assert_eq!(chunk.messages.len(), CHUNK_MESSAGES);
                assert_eq!(chunk.public[..n], base[..]);
                assert_eq!(chunk.public[n + 2], U256::from(j));
                assert_eq!(chunk.public[n + 3], U256::from(chunks));
            }
            assert_eq!(inputs[chunks - 1].message_count, 2);
        }
    }

    #[test]
    fn chunks_are_cut_at_their_size_and_at_subtree_boundaries() {
        let rows = |indices: &[u64]| -> Vec<RowFields> {
            indices
                .iter()
                .map(|&index| RowFields {
                    index,
                    ..WriteRow::padding().row
                })
                .collect()
        };
        let w = CHUNK_WRITES as u64;
        let s = 1u64 << (2 * CHUNK_SUBTREE_LEVELS);
        assert_eq!(
            chunk_ranges(&[]),
            vec![std::ops::Range { start: 0, end: 0 }]
        );
        let full: Vec<u64> = (0..2 * w + 1).collect();
        assert_eq!(
            chunk_ranges(&rows(&full)),
            [
                0..CHUNK_WRITES,
                CHUNK_WRITES..2 * CHUNK_WRITES,
                2 * CHUNK_WRITES..2 * CHUNK_WRITES + 1
            ]
        );
        // Three rows at the end of subtree 0, two in subtree 1, one in the last subtree.
        let spread = [s - 3, s - 2, s - 1, s, s + 1, STATE_TREE_CAPACITY - 1];
        assert_eq!(chunk_ranges(&rows(&spread)), [0..3, 3..5, 5..6]);
        assert_eq!(
            spread.map(subtree_of),
            [0, 0, 0, 1, 1, (STATE_TREE_CAPACITY - 1) / s]
        );
    }

    #[test]
    fn the_carried_state_ends_at_the_headers_binding() {
        let sample = sample_batch(30, CHUNK_WRITES as u64 + 7, 0).unwrap();
        let chunks = batch_chunks(&sample.header, sample.chain_id, &sample.data()).unwrap();
        let run = &sample.pubdata[pubdata::write_run(&sample.pubdata).unwrap()];
        let z = sample.header.evaluation_point().unwrap();
        let end = advance(
            &chunks[1].state_in,
            &sample.rows[CHUNK_WRITES..],
            &sample.writes[CHUNK_WRITES..],
            run,
            z,
        )
        .unwrap();
        let h = &sample.header;
        assert_eq!(end[0], U256::from_be_bytes(h.newStateRoot.0));
        assert_eq!(end[1], U256::from_be_bytes(h.writesEvaluation.0));
        assert_eq!(end[4], U256::from(h.writesLength));
        assert_eq!(end[6], U256::from_be_bytes(h.rowCommitment.0));
        assert_eq!(end[7], U256::from(sample.rows.last().unwrap().index + 1));
        assert_eq!(
            chunks[1].public[fractal_primitives::PUBLIC_INPUT_COUNT + 1],
            carry(&end).unwrap()
        );
        // The stream state: phase = length mod 31, and the weight of the next position.
        let n = h.writesLength as u64;
        assert_eq!(end[3], U256::from(n % 31));
        let weight = z.to_fr().unwrap().pow([n / 31]) * Fr::from(256u64).pow([30 - n % 31]);
        assert_eq!(end[2], U256::from_fr(&weight));
    }

    #[test]
    fn batches_that_do_not_add_up_are_refused() {
        let sample = sample_batch(10, 6, 1).unwrap();
        let refused = |header: &BatchHeader, data: BatchData<'_>| {
            matches!(
                batch_chunks(header, sample.chain_id, &data),
                Err(Error::Refused { .. })
            )
        };
        let data = sample.data();
        let mut header = sample.header.clone();
        header.newStateRoot = B256::ZERO;
        assert!(refused(&header, data));
        let mut header = sample.header.clone();
        header.prevStateRoot = B256::ZERO;
        assert!(refused(&header, data));
        // A write left out, or the writes reordered.
        let writes = &sample.writes[1..];
        assert!(refused(&sample.header, BatchData { writes, ..data }));
        let mut swapped = sample.writes.clone();
        swapped.swap(0, 1);
        assert!(refused(
            &sample.header,
            BatchData {
                writes: &swapped,
                ..data
            }
        ));
        // A row left out, a row at another index, a first write published as repeated.
        let rows = &sample.rows[1..];
        assert!(refused(&sample.header, BatchData { rows, ..data }));
        let mut moved = sample.rows.clone();
        moved[0].index += 1;
        assert!(refused(
            &sample.header,
            BatchData {
                rows: &moved,
                ..data
            }
        ));
        let mut repeated = sample.rows.clone();
        let first = repeated.iter().position(|r| r.first).unwrap();
        repeated[first].first = false;
        assert!(refused(
            &sample.header,
            BatchData {
                rows: &repeated,
                ..data
            }
        ));
        // Rows whose fields do not re-encode the run's bytes (a longer gap, another payload), a first
        // write under another address, a gap that does not reach the index.
        let changes: [fn(&mut RowFields); 4] = [
            |r| r.gap_len += 1,
            |r| r.word += U256::from(1),
            |r| r.address = Address::with_last_byte(0x43),
            |r| r.gap += 1,
        ];
        for change in changes {
            let mut rows = sample.rows.clone();
            change(&mut rows[first]);
            assert!(refused(
                &sample.header,
                BatchData {
                    rows: &rows,
                    ..data
                }
            ));
        }
        // A header whose binding is not the rows': another P, y or length.
        for change in [
            |h: &mut BatchHeader| h.rowCommitment = B256::with_last_byte(1),
            |h: &mut BatchHeader| h.writesEvaluation = B256::with_last_byte(1),
            |h: &mut BatchHeader| h.writesLength += 1,
            |h: &mut BatchHeader| h.pubdataCommitment = B256::with_last_byte(1),
        ] {
            let mut header = sample.header.clone();
            change(&mut header);
            assert!(refused(&header, data));
        }
        // Pubdata that is not the rows'.
        let mut other = sample.pubdata.to_vec();
        *other.last_mut().unwrap() ^= 1;
        assert!(refused(
            &sample.header,
            BatchData {
                pubdata: &other,
                ..data
            }
        ));
        assert!(refused(
            &sample.header,
            BatchData {
                pubdata: &[],
                ..data
            }
        ));
        // A message more or fewer.
        assert!(refused(
            &sample.header,
            BatchData {
                message_leaves: &[],
                ..data
            }
        ));
        // More messages than the circuit takes.
        let many = vec![U256::from(1); CHUNK_MESSAGES + 1];
        let mut header = sample.header.clone();
        header.messageRoot = B256::from(MessageTree::new(many.clone()).unwrap().root());
        assert!(refused(
            &header,
            BatchData {
                message_leaves: &many,
                ..data
            }
        ));
    }

    #[test]
    fn rows_carry_the_write_and_padding_passes_through() {
        let sample = sample_batch(10, 3, 0).unwrap();
        for (write, fields) in sample.writes.iter().zip(&sample.rows) {
            let row = WriteRow::new(write, fields);
            assert!(row.enabled);
            assert_eq!(row.row.first, write.kind == WriteKind::Insert);
            assert_eq!(
                (row.row.index, row.key, row.old_value, row.new_value),
                (write.index, write.key, write.old_value, write.new_value)
            );
        }
        let padding = WriteRow::padding();
        assert!(!padding.enabled);
        assert_eq!(
            (padding.old_value, padding.new_value),
            (U256::ZERO, U256::from(1))
        );
    }
}
