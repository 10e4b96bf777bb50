//! The chunk circuit (`circuits/src/batch_chunk.circom`): its sizes, its files, and its inputs built
//! from a batch's header, pubdata, write rows and witnesses, and messages.

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, B256, U256, keccak256};
use ark_bn254::Fr;
use ark_ff::Field;
use fractal_primitives::{
    BatchHeader, FIELD_MODULUS, FieldElement, MessageTree, STATE_TREE_DEPTH, StateProof, WriteKind,
    WriteWitness, message_chain, path_node, poseidon,
    pubdata::{self, EntryKey, RowFields},
    state_leaf,
};
use num_bigint::BigInt;

use crate::{Error, Result, error::io};

/// The chunk circuits: two instances of `BatchChunk` proving the same statement — a chunk's rows take
/// the carried state from its `carryIn` to its `carryOut` — with the same public inputs, sized for the
/// 2¹⁸ proving domain (docs/proofs.md, "Dense chunks"). The prover picks one per chunk
/// ([`chunk_plan`]); `Groth16BatchVerifier` holds a verifier for each and reads which one a chunk used
/// from the proof ([`ChunkCircuit::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChunkCircuit {
    /// `main.circom`, `BatchChunk(28, 16, 10, 16, 10)`: up to 28 writes into one subtree of 10 levels
    /// (4¹⁰ positions) — any chunk of a chain below 4¹⁰ entries.
    Wide,
    /// `dense.circom`, `BatchChunk(42, 16, 5, 16, 10)`: up to 42 writes into one subtree of 5 levels
    /// (4⁵ = 1,024 positions) — writes that lie close together, as a young chain's or a batch's new
    /// entries do.
    Dense,
}

impl ChunkCircuit {
    /// Both circuits, in [`ChunkCircuit::id`] order.
    pub const ALL: [Self; 2] = [Self::Wide, Self::Dense];

    /// Its number in a batch proof (`Groth16BatchVerifier`'s `circuits` array).
    pub const fn id(self) -> u8 {
        match self {
            Self::Wide => 0,
            Self::Dense => 1,
        }
    }

    /// The circuit numbered `id`.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The name of its main file in `circuits/src` (without `.circom`) and of its outputs in
    /// `circuits/build`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Wide => "main",
            Self::Dense => "dense",
        }
    }

    /// Rows (bound writes) per chunk: the most that keep the circuit within the 2¹⁸ domain.
    pub const fn writes(self) -> usize {
        match self {
            Self::Wide => 28,
            Self::Dense => 42,
        }
    }

    /// Levels of the subtree a chunk's rows write into; the chunk proves that subtree's path to the
    /// state root once.
    pub const fn subtree_levels(self) -> usize {
        match self {
            Self::Wide => 10,
            Self::Dense => 5,
        }
    }

    /// Levels of a chunk's subtree path, from the subtree's root to the state root.
    pub const fn upper_levels(self) -> usize {
        STATE_TREE_DEPTH - self.subtree_levels()
    }

    /// The index of the subtree of this circuit holding entry `index`.
    pub const fn subtree_of(self, index: u64) -> u64 {
        index >> (2 * self.subtree_levels())
    }

    /// The name of its generated verifier contract (`contracts/src/settlement/<name>.sol`).
    pub const fn verifier_contract(self) -> &'static str {
        match self {
            Self::Wide => "Groth16Verifier",
            Self::Dense => "Groth16DenseVerifier",
        }
    }

    /// The `BatchChunk` instance, as its main file writes it.
    pub fn template(self) -> String {
        format!(
            "BatchChunk({}, {STATE_TREE_DEPTH}, {}, {CHUNK_MESSAGES}, 10)",
            self.writes(),
            self.subtree_levels()
        )
    }
}

impl std::fmt::Display for ChunkCircuit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Wide => "wide",
            Self::Dense => "dense",
        })
    }
}

/// Messages a batch may send to be provable: the last chunk computes the message root from them.
pub const CHUNK_MESSAGES: usize = 16;
/// Public inputs of one chunk proof: the batch's 17 (`docs/encodings.md`), then the hashes of the
/// carried state before and after the chunk, the chunk index and the chunk count.
pub const CHUNK_PUBLIC_INPUTS: usize = 21;
/// Signals of the state carried from row to row and chunk to chunk (`bound_writes.circom`'s root,
/// stream sum, weight, phase, length, previous address, row commitment and next index, then
/// `batch_chunk.circom`'s outbox chain before and after the batch).
pub const CARRIED_STATE: usize = 10;

/// The state key of the outbox's message chain ([`EntryKey::outbox_message_chain`]), the constant
/// `OUTBOX_CHAIN_KEY` of `batch_chunk.circom`.
pub fn outbox_chain_key() -> U256 {
    EntryKey::outbox_message_chain().state_key()
}
/// Most chunks one batch proof may have (the circuit bounds the count by 2^16).
pub const MAX_CHUNKS: usize = 1 << 16;

/// A compiled chunk circuit: the witness calculators (native and `.wasm`) and the constraint system
/// (`.r1cs`).
#[derive(Debug, Clone)]
pub struct CircuitFiles {
    /// Which circuit they are.
    pub circuit: ChunkCircuit,
    /// `<name>_js/<name>.wasm`.
    pub wasm: PathBuf,
    /// `<name>.r1cs`.
    pub r1cs: PathBuf,
    /// `<name>_cpp/<name>`: circom's C++ witness generator built with g++ (it reads `<name>.dat`
    /// beside itself). Optional: without it the prover uses the `.wasm` calculator.
    pub native: PathBuf,
}

impl CircuitFiles {
    /// The files of `circuit` that `make circuits` writes into `dir` (`circuits/build`).
    pub fn of(dir: impl AsRef<Path>, circuit: ChunkCircuit) -> Self {
        let dir = dir.as_ref();
        let name = circuit.name();
        Self {
            circuit,
            wasm: dir.join(format!("{name}_js")).join(format!("{name}.wasm")),
            r1cs: dir.join(format!("{name}.r1cs")),
            native: dir.join(format!("{name}_cpp")).join(name),
        }
    }

    /// The files of both circuits in `dir`.
    pub fn all(dir: impl AsRef<Path>) -> Vec<Self> {
        ChunkCircuit::ALL
            .into_iter()
            .map(|circuit| Self::of(dir.as_ref(), circuit))
            .collect()
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
    /// The position's inclusion proof in the whole tree (the chunk takes the levels of its subtree
    /// from the row, the rest once for the chunk).
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

/// The state the chunk circuit carries from row to row and from chunk to chunk (`bound_writes.circom`,
/// `batch_chunk.circom`): `[root, acc, weight, phase, length, prevAddress, commit, nextIndex,
/// chainBefore, chainAfter]`.
pub type CarriedState = [U256; CARRIED_STATE];

/// The carried state at a batch's start: `(prevStateRoot, 0, 256³⁰, 0, 0, 2¹⁶⁰, 0, 0, 0, 0)`.
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
        U256::ZERO,
        U256::ZERO,
    ]
}

/// The hash a chunk's public input carries for a state: Poseidon of its ten signals.
pub fn carry(state: &CarriedState) -> Result<U256> {
    Ok(poseidon(state)?)
}

/// The carried state after `rows` (with their tree `writes`) follow `state`: the root after the last
/// write, the stream over the run's first `n` bytes (`n` the length so far: the sum — the evaluation of
/// those bytes, right-padded — the next position's weight `z^⌊n/31⌋ · 256^(30 − n mod 31)` and its
/// phase `n mod 31`), the last first write's address, the row commitment, the index after the last
/// row, and the outbox chain's value before and after its write when one of the rows writes it (each
/// reduced into the field, as the circuit reads the two halves).
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
    let chain_key = outbox_chain_key();
    let (chain_before, chain_after) =
        writes
            .iter()
            .rev()
            .find(|w| w.key == chain_key)
            .map_or((state[8], state[9]), |w| {
                (
                    w.old_value.reduce_mod(FIELD_MODULUS),
                    w.new_value.reduce_mod(FIELD_MODULUS),
                )
            });
    Ok([
        last_write.new_root,
        U256::from_fr(&acc),
        U256::from_fr(&weight),
        U256::from(n % 31),
        U256::from(n),
        address,
        commit,
        U256::from(last_row.index + 1),
        chain_before,
        chain_after,
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

/// The subtree of [`ChunkCircuit::subtree_levels`] levels a chunk's rows write into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkSubtree {
    /// Its index among the subtrees of its level ([`ChunkCircuit::subtree_of`]).
    pub index: u64,
    /// Its root before the chunk's rows.
    pub root: U256,
    /// The siblings of its path to the state root, from its level up
    /// ([`ChunkCircuit::upper_levels`] of them).
    pub siblings: Vec<[U256; 3]>,
}

impl ChunkSubtree {
    /// The placeholder of a chunk of padding only: index 0, root 0, zero siblings (unchecked).
    pub fn empty(circuit: ChunkCircuit) -> Self {
        Self {
            index: 0,
            root: U256::ZERO,
            siblings: vec![[U256::ZERO; 3]; circuit.upper_levels()],
        }
    }

    /// The subtree of `circuit` holding the first write `write` of a chunk: its index, its root
    /// before the write (the old leaf hashed up the write's lower siblings) and the write's upper
    /// siblings.
    fn of(circuit: ChunkCircuit, write: &WriteWitness) -> Result<Self> {
        let levels = circuit.subtree_levels();
        let old_leaf = match write.kind {
            WriteKind::Insert => U256::ZERO,
            _ => state_leaf(write.key, write.old_value)?,
        };
        Ok(Self {
            index: circuit.subtree_of(write.index),
            root: path_node(
                write.index & ((1 << (2 * levels)) - 1),
                old_leaf,
                &write.siblings[..levels],
            )?,
            siblings: write.siblings[levels..].to_vec(),
        })
    }
}

/// Everything one chunk proof takes: its public inputs and the private witness rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkInput {
    /// The batch number (for errors and progress).
    pub batch: u64,
    /// The chunk index.
    pub index: usize,
    /// The circuit that proves it.
    pub circuit: ChunkCircuit,
    /// The public inputs.
    pub public: [U256; CHUNK_PUBLIC_INPUTS],
    /// The carried state before the chunk (`public[17]` is its hash).
    pub state_in: CarriedState,
    /// The subtree the rows write into: its index among the subtrees of its circuit's level, its root
    /// before the rows, and the siblings of its path to the state root (anything, and unchecked, for a
    /// chunk of padding only).
    pub subtree: ChunkSubtree,
    /// Exactly [`ChunkCircuit::writes`] rows.
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
                    .flat_map(|r| r.siblings[..self.circuit.subtree_levels()].iter().flatten())
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

/// The longest run of `rows` from `begin` that one chunk of `circuit` takes: at most
/// [`ChunkCircuit::writes`] rows, all in one of its subtrees.
fn longest_run(rows: &[RowFields], begin: usize, circuit: ChunkCircuit) -> usize {
    let subtree = circuit.subtree_of(rows[begin].index);
    rows[begin..]
        .iter()
        .take(circuit.writes())
        .position(|row| circuit.subtree_of(row.index) != subtree)
        .map_or((begin + circuit.writes()).min(rows.len()), |n| begin + n)
}

/// How a batch's rows (in ascending entry index) are cut into chunks, and which of `circuits` proves
/// each: the fewest chunks (every chunk proves over the same 2¹⁸ domain, so the fewest is the least
/// proving work), each a run of rows one chunk of its circuit takes; among plans of as many chunks, the
/// one whose chunks are longest first, then the earlier circuit of `circuits` (so the last chunk is the
/// short one). One chunk of `circuits[0]` for no rows. Since a chunk of fewer rows is always possible,
/// each run is the longest its circuit takes from where it starts. `circuits` must not be empty.
pub fn chunk_plan(
    rows: &[RowFields],
    circuits: &[ChunkCircuit],
) -> Vec<(std::ops::Range<usize>, ChunkCircuit)> {
    let Some(&default) = circuits.first() else {
        return Vec::new();
    };
    if rows.is_empty() {
        return vec![(0..0, default)];
    }
    // fewest[i]: the fewest chunks for rows[i..], and the first chunk's end and circuit.
    let n = rows.len();
    let mut fewest = vec![(0usize, n, default); n + 1];
    for begin in (0..n).rev() {
        fewest[begin] = circuits
            .iter()
            .map(|&circuit| {
                let end = longest_run(rows, begin, circuit);
                (1 + fewest[end].0, end, circuit)
            })
            .min_by_key(|&(count, end, _)| (count, std::cmp::Reverse(end)))
            .expect("at least one circuit");
    }
    let mut plan = Vec::with_capacity(fewest[0].0);
    let mut begin = 0;
    while begin < n {
        let (_, end, circuit) = fewest[begin];
        plan.push((begin..end, circuit));
        begin = end;
    }
    plan
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

/// The chunk inputs proving batch `header` of chain `chain_id` with the chunk circuits `circuits`
/// ([`chunk_plan`] picks one per chunk; at least one). Refuses — before any proving work — a
/// batch whose writes do not take its previous state root to its new one, whose writes and rows do
/// not pair up (same index, a first write where the position was empty), whose rows do not cover its
/// write run or disagree with the header's write binding (`rowCommitment`, `writesEvaluation`,
/// `writesLength`), whose message leaves do not make its message root, or which does not fit the
/// circuit.
pub fn batch_chunks(
    header: &BatchHeader,
    chain_id: u64,
    data: &BatchData<'_>,
    circuits: &[ChunkCircuit],
) -> Result<Vec<ChunkInput>> {
    let batch = header.batchNumber;
    let refuse = |reason: String| Error::Refused { batch, reason };
    if circuits.is_empty() {
        return Err(refuse("no chunk circuit to prove it with".into()));
    }
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
    let plan = chunk_plan(rows, circuits);
    let count = plan.len();
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
    for (index, (range, circuit)) in plan.into_iter().enumerate() {
        let (begin, end) = (range.start, range.end);
        let subtree = match writes.get(begin..end) {
            Some([first, rest @ ..]) => {
                let subtree = ChunkSubtree::of(circuit, first)?;
                if let Some(i) = rest
                    .iter()
                    .position(|w| w.siblings[circuit.subtree_levels()..] != subtree.siblings[..])
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
            _ => ChunkSubtree::empty(circuit),
        };
        let state_out = advance(&state_in, &rows[begin..end], &writes[begin..end], run, z)?;
        let mut chunk_rows: Vec<WriteRow> = writes[begin..end]
            .iter()
            .zip(&rows[begin..end])
            .map(|(write, row)| WriteRow::new(write, row))
            .collect();
        chunk_rows.resize(circuit.writes(), WriteRow::padding());
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
            circuit,
            public: chunk_public_inputs(&base, carry(&state_in)?, carry(&state_out)?, index, count),
            state_in,
            subtree,
            rows: chunk_rows,
            message_count,
            messages,
        });
        state_in = state_out;
    }
    // The circuit folds the leaves into the outbox chain the rows write (0 → 0 when none does).
    let (before, after) = (state_in[8], state_in[9]);
    let folded = message_chain(before, message_leaves)?;
    if folded != after {
        return Err(refuse(format!(
            "its {} message leaves take the outbox's message chain from {before:#x} to {folded:#x}; \
             its writes leave it at {after:#x}",
            message_leaves.len()
        )));
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample_batch;
    use fractal_primitives::STATE_TREE_CAPACITY;

    const WIDE: &[ChunkCircuit] = &[ChunkCircuit::Wide];

    #[test]
    fn chunks_cover_the_writes_and_chain_their_carries() {
        let w = ChunkCircuit::Wide.writes() as u64;
        let d = ChunkCircuit::Dense.writes() as u64;
        let n = fractal_primitives::PUBLIC_INPUT_COUNT;
        for (circuits, writes, chunks) in [
            (WIDE, 0, 1),
            (WIDE, 1, 1),
            (WIDE, w, 1),
            (WIDE, w + 1, 2),
            (WIDE, 2 * w + 8, 3),
            (&ChunkCircuit::ALL[..], w + 1, 1),
            (&ChunkCircuit::ALL[..], d + 1, 2),
            (&ChunkCircuit::ALL[..], 2 * d + 8, 3),
        ] {
            let sample = sample_batch(50, writes, 2).unwrap();
            let inputs =
                batch_chunks(&sample.header, sample.chain_id, &sample.data(), circuits).unwrap();
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
                assert_eq!(chunk.rows.len(), chunk.circuit.writes());
                assert_eq!(chunk.subtree.siblings.len(), chunk.circuit.upper_levels());
                assert_eq!(chunk.messages.len(), CHUNK_MESSAGES);
                assert_eq!(chunk.public[..n], base[..]);
                assert_eq!(chunk.public[n + 2], U256::from(j));
                assert_eq!(chunk.public[n + 3], U256::from(chunks));
            }
            assert_eq!(inputs[chunks - 1].message_count, 2);
        }
    }

    /// The sizes Rust plans with are the ones each circuit's main file instantiates, and the ids
    /// round-trip.
    #[test]
    fn circuits_are_their_main_files() {
        for circuit in ChunkCircuit::ALL {
            assert_eq!(ChunkCircuit::from_id(circuit.id()), Some(circuit));
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../circuits/src")
                .join(format!("{}.circom", circuit.name()));
            let main = std::fs::read_to_string(&path).unwrap();
            let instance = format!(
                "component main {{public [inputs]}} = {};",
                circuit.template()
            );
            assert!(
                main.contains(&instance),
                "{} does not instantiate {instance}",
                path.display()
            );
        }
        assert_eq!(ChunkCircuit::from_id(2), None);
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
        let ranges = |indices: &[u64], circuits: &[ChunkCircuit]| {
            chunk_plan(&rows(indices), circuits)
                .into_iter()
                .map(|(range, circuit)| (range.start, range.end, circuit.id()))
                .collect::<Vec<_>>()
        };
        let wide = ChunkCircuit::Wide;
        let w = wide.writes();
        let d = ChunkCircuit::Dense.writes();
        let s = 1u64 << (2 * wide.subtree_levels());
        let both = &ChunkCircuit::ALL[..];
        assert_eq!(chunk_plan(&[], WIDE), vec![(0..0, wide)]);
        assert_eq!(chunk_plan(&[], both), vec![(0..0, wide)]);
        assert!(chunk_plan(&rows(&[1]), &[]).is_empty());
        let full: Vec<u64> = (0..2 * w as u64 + 1).collect();
        assert_eq!(
            ranges(&full, WIDE),
            [(0, w, 0), (w, 2 * w, 0), (2 * w, 2 * w + 1, 0)]
        );
        // With both: one dense chunk of 42 and one of the rest (a tie, so the wide circuit).
        assert_eq!(ranges(&full, both), [(0, d, 1), (d, 2 * w + 1, 0)]);
        // Three rows at the end of subtree 0, two in subtree 1, one in the last subtree.
        let spread = [s - 3, s - 2, s - 1, s, s + 1, STATE_TREE_CAPACITY - 1];
        assert_eq!(ranges(&spread, WIDE), [(0, 3, 0), (3, 5, 0), (5, 6, 0)]);
        assert_eq!(ranges(&spread, both), [(0, 3, 0), (3, 5, 0), (5, 6, 0)]);
        assert_eq!(
            spread.map(|i| wide.subtree_of(i)),
            [0, 0, 0, 1, 1, (STATE_TREE_CAPACITY - 1) / s]
        );
        // Rows every 4 positions: 256 per dense subtree (1,024 positions). 60 rows: the dense circuit
        // takes 42, the wide one the other 18 — two chunks where the wide circuit alone needs three.
        let sparse: Vec<u64> = (0..60).map(|i| 4 * i).collect();
        assert_eq!(ranges(&sparse, both), [(0, 42, 1), (42, 60, 0)]);
        assert_eq!(ranges(&sparse, WIDE).len(), 3);
        // Rows spread over dense subtrees: 30 rows every 100 positions cross three of them, so the
        // dense circuit would take at most 11 at a time; the wide circuit takes 28, then 2.
        let apart: Vec<u64> = (0..30).map(|i| 100 * i).collect();
        assert_eq!(ranges(&apart, both), [(0, 28, 0), (28, 30, 0)]);
        // 20 rows in one dense subtree, then 30 in the next: two chunks either way (dense and dense,
        // or wide across both and dense); never more than the wide circuit alone needs.
        let two: Vec<u64> = (0..20).chain(1_024..1_054).collect();
        assert_eq!(ranges(&two, both).len(), 2);
        assert_eq!(ranges(&two, WIDE).len(), 2);
        // Every plan covers the rows in order, each run within its circuit's size and one subtree.
        for indices in [&full[..], &spread, &sparse, &apart, &two] {
            let rows = rows(indices);
            let plan = chunk_plan(&rows, both);
            assert_eq!(plan.first().unwrap().0.start, 0);
            assert_eq!(plan.last().unwrap().0.end, rows.len());
            for pair in plan.windows(2) {
                assert_eq!(pair[0].0.end, pair[1].0.start);
            }
            for (range, circuit) in plan {
                assert!(!range.is_empty() && range.len() <= circuit.writes());
                let first = circuit.subtree_of(rows[range.start].index);
                assert!(
                    rows[range]
                        .iter()
                        .all(|r| circuit.subtree_of(r.index) == first)
                );
            }
        }
    }

    #[test]
    fn the_carried_state_ends_at_the_headers_binding() {
        let w = ChunkCircuit::Wide.writes();
        let sample = sample_batch(30, w as u64 + 7, 0).unwrap();
        let chunks = batch_chunks(&sample.header, sample.chain_id, &sample.data(), WIDE).unwrap();
        let run = &sample.pubdata[pubdata::write_run(&sample.pubdata).unwrap()];
        let z = sample.header.evaluation_point().unwrap();
        let end = advance(
            &chunks[1].state_in,
            &sample.rows[w..],
            &sample.writes[w..],
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
                batch_chunks(header, sample.chain_id, &data, &ChunkCircuit::ALL),
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
    fn message_leaves_must_be_the_outbox_chains() {
        // The circuit's OUTBOX_CHAIN_KEY is the chain entry's state key.
        let circom = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../circuits/src/batch_chunk.circom"),
        )
        .unwrap();
        assert!(circom.contains(&format!("var OUTBOX_CHAIN_KEY = {};", outbox_chain_key())));
        // Three messages: the batch writes the outbox chain folded over their leaves.
        let sample = sample_batch(10, 6, 3).unwrap();
        let chunks = batch_chunks(
            &sample.header,
            sample.chain_id,
            &sample.data(),
            &ChunkCircuit::ALL,
        )
        .unwrap();
        let run = &sample.pubdata[pubdata::write_run(&sample.pubdata).unwrap()];
        let start = batch_start(U256::from_be_bytes(sample.header.prevStateRoot.0));
        let z = sample.header.evaluation_point().unwrap();
        let end = advance(&start, &sample.rows, &sample.writes, run, z).unwrap();
        assert_eq!(
            (end[8], end[9]),
            (
                U256::ZERO,
                message_chain(U256::ZERO, &sample.message_leaves).unwrap()
            )
        );
        assert_eq!(
            chunks.last().unwrap().public[CHUNK_PUBLIC_INPUTS - 3],
            carry(&end).unwrap()
        );
        // Leaves the header's message root commits to, but not the chain's: another leaf, another
        // order, one left out.
        let leaves = &sample.message_leaves;
        for other in [
            vec![leaves[0], leaves[1] + U256::from(1), leaves[2]],
            vec![leaves[1], leaves[0], leaves[2]],
            leaves[..2].to_vec(),
        ] {
            let mut header = sample.header.clone();
            header.messageRoot = B256::from(MessageTree::new(other.clone()).unwrap().root());
            let data = BatchData {
                message_leaves: &other,
                ..sample.data()
            };
            let refused = batch_chunks(&header, sample.chain_id, &data, &ChunkCircuit::ALL);
            assert!(
                matches!(&refused, Err(Error::Refused { reason, .. }) if reason.contains("message chain")),
                "{refused:?}"
            );
        }
        // A batch that writes no chain sends no message.
        let quiet = sample_batch(10, 6, 0).unwrap();
        let mut header = quiet.header.clone();
        header.messageRoot = sample.header.messageRoot;
        let data = BatchData {
            message_leaves: leaves,
            ..quiet.data()
        };
        let refused = batch_chunks(&header, quiet.chain_id, &data, &ChunkCircuit::ALL);
        assert!(
            matches!(&refused, Err(Error::Refused { reason, .. }) if reason.contains("message chain")),
            "{refused:?}"
        );
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
