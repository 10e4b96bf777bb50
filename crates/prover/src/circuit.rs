//! The chunk circuit (`circuits/src/batch_chunk.circom`): its sizes, its files, and its inputs built
//! from a batch's header, write witnesses and messages.

use std::path::{Path, PathBuf};

use alloy_primitives::{B256, U256, keccak256};
use fractal_primitives::{
    BatchHeader, MessageTree, STATE_TREE_DEPTH, StateProof, WriteKind, WriteWitness,
};
use num_bigint::BigInt;

use crate::{Error, Result, error::io};

/// Writes one chunk proof covers (`main.circom`): the most that keep the circuit within 2¹⁸
/// constraints, the proving domain's size (docs/proofs.md).
pub const CHUNK_WRITES: usize = 25;
/// Messages a batch may send to be provable: the last chunk computes the message root from them.
pub const CHUNK_MESSAGES: usize = 16;
/// Public inputs of one chunk proof: the batch's 13 (`docs/encodings.md`) with the chunk's roots in
/// places 3 and 4, then the chunk index and the chunk count.
pub const CHUNK_PUBLIC_INPUTS: usize = 15;
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

/// One write as the circuit's `StateWrite` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRow {
    /// 1 for a write, 0 for a padding row.
    pub enabled: bool,
    /// Whether the position was empty before (the entry's first write).
    pub first: bool,
    /// The position (entry index).
    pub index: u64,
    /// The entry's key.
    pub key: U256,
    /// The value before.
    pub old_value: U256,
    /// The value after.
    pub new_value: U256,
    /// The position's inclusion proof.
    pub siblings: StateProof,
}

impl WriteRow {
    /// A padding row: the root passes through.
    pub fn padding() -> Self {
        Self {
            enabled: false,
            first: false,
            index: 0,
            key: U256::ZERO,
            old_value: U256::ZERO,
            new_value: U256::ZERO,
            siblings: [[U256::ZERO; 3]; STATE_TREE_DEPTH],
        }
    }

    /// The row of one write of the state tree (its witness from `StateTree::set`).
    pub fn from_witness(write: &WriteWitness) -> Self {
        Self {
            enabled: true,
            first: write.kind == WriteKind::Insert,
            index: write.index,
            key: write.key,
            old_value: write.old_value,
            new_value: write.new_value,
            siblings: write.siblings,
        }
    }
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
        vec![
            (
                "inputs".into(),
                self.public.iter().copied().map(big).collect(),
            ),
            ("enabled".into(), column(&|r| U256::from(r.enabled as u8))),
            ("first".into(), column(&|r| U256::from(r.first as u8))),
            ("index".into(), column(&|r| U256::from(r.index))),
            ("key".into(), column(&|r| r.key)),
            ("oldValue".into(), halves(&|r| r.old_value)),
            ("newValue".into(), halves(&|r| r.new_value)),
            (
                "siblings".into(),
                self.rows
                    .iter()
                    .flat_map(|r| r.siblings.iter().flatten().copied().map(big))
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

/// The public inputs of chunk `index` of `count` with roots `old_root → new_root`.
pub fn chunk_public_inputs(
    batch: &[U256; fractal_primitives::PUBLIC_INPUT_COUNT],
    old_root: U256,
    new_root: U256,
    index: usize,
    count: usize,
) -> [U256; CHUNK_PUBLIC_INPUTS] {
    let mut inputs = [U256::ZERO; CHUNK_PUBLIC_INPUTS];
    inputs[..batch.len()].copy_from_slice(batch);
    inputs[3] = old_root;
    inputs[4] = new_root;
    inputs[13] = U256::from(index);
    inputs[14] = U256::from(count);
    inputs
}

/// The chunk inputs proving batch `header` of chain `chain_id`: its writes (in the order they were
/// applied, each with its witness) and its message leaves. Refuses — before any proving work — a
/// batch whose writes do not take its previous state root to its new one, whose message leaves do not
/// make its message root, or which does not fit the circuit.
pub fn batch_chunks(
    header: &BatchHeader,
    chain_id: u64,
    writes: &[WriteWitness],
    message_leaves: &[U256],
) -> Result<Vec<ChunkInput>> {
    let batch = header.batchNumber;
    let refuse = |reason: String| Error::Refused { batch, reason };
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
    let rows: Vec<WriteRow> = writes.iter().map(WriteRow::from_witness).collect();
    let count = rows.len().div_ceil(CHUNK_WRITES).max(1);
    if count > MAX_CHUNKS {
        return Err(refuse(format!(
            "{} writes need {count} chunks, at most {MAX_CHUNKS} are allowed",
            rows.len()
        )));
    }
    let base = header.public_inputs(chain_id)?;
    let mut chunks = Vec::with_capacity(count);
    let mut old_root = prev;
    for index in 0..count {
        let start = index * CHUNK_WRITES;
        let end = (start + CHUNK_WRITES).min(writes.len());
        let new_root = if end > start {
            writes[end - 1].new_root
        } else {
            old_root
        };
        let mut chunk_rows = rows[start.min(rows.len())..end.max(start).min(rows.len())].to_vec();
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
            public: chunk_public_inputs(&base, old_root, new_root, index, count),
            rows: chunk_rows,
            message_count,
            messages,
        });
        old_root = new_root;
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample_batch;

    #[test]
    fn chunks_cover_the_writes_and_chain_their_roots() {
        let w = CHUNK_WRITES as u64;
        for (writes, chunks) in [(0, 1), (1, 1), (w, 1), (w + 1, 2), (2 * w + 8, 3)] {
            let sample = sample_batch(50, writes, 2).unwrap();
            let inputs = batch_chunks(
                &sample.header,
                sample.chain_id,
                &sample.writes,
                &sample.message_leaves,
            )
            .unwrap();
            assert_eq!(inputs.len(), chunks, "{writes} writes");
            let base = sample.header.public_inputs(sample.chain_id).unwrap();
            assert_eq!(inputs[0].public[3], base[3]);
            assert_eq!(inputs[chunks - 1].public[4], base[4]);
            for pair in inputs.windows(2) {
                assert_eq!(pair[0].public[4], pair[1].public[3]);
                assert_eq!(pair[0].message_count, 0);
            }
            for (j, chunk) in inputs.iter().enumerate() {
                assert_eq!(chunk.rows.len(), CHUNK_WRITES);
                assert_eq!(chunk.messages.len(), CHUNK_MESSAGES);
                assert_eq!(chunk.public[13], U256::from(j));
                assert_eq!(chunk.public[14], U256::from(chunks));
                assert_eq!(chunk.public[..3], base[..3]);
                assert_eq!(chunk.public[5..13], base[5..13]);
            }
            assert_eq!(inputs[chunks - 1].message_count, 2);
        }
    }

    #[test]
    fn batches_that_do_not_add_up_are_refused() {
        let sample = sample_batch(10, 6, 1).unwrap();
        let refused = |header: &BatchHeader, writes: &[WriteWitness], leaves: &[U256]| {
            matches!(
                batch_chunks(header, sample.chain_id, writes, leaves),
                Err(Error::Refused { .. })
            )
        };
        let mut header = sample.header.clone();
        header.newStateRoot = B256::ZERO;
        assert!(refused(&header, &sample.writes, &sample.message_leaves));
        let mut header = sample.header.clone();
        header.prevStateRoot = B256::ZERO;
        assert!(refused(&header, &sample.writes, &sample.message_leaves));
        // A write left out, or the writes reordered.
        assert!(refused(
            &sample.header,
            &sample.writes[1..],
            &sample.message_leaves
        ));
        let mut swapped = sample.writes.clone();
        swapped.swap(0, 1);
        assert!(refused(&sample.header, &swapped, &sample.message_leaves));
        // A message more or fewer.
        assert!(refused(&sample.header, &sample.writes, &[]));
        // More messages than the circuit takes.
        let many = vec![U256::from(1); CHUNK_MESSAGES + 1];
        let mut header = sample.header.clone();
        header.messageRoot = B256::from(MessageTree::new(many.clone()).unwrap().root());
        assert!(refused(&header, &sample.writes, &many));
    }

    #[test]
    fn rows_carry_the_write_and_padding_passes_through() {
        let sample = sample_batch(10, 3, 0).unwrap();
        let rows: Vec<_> = sample.writes.iter().map(WriteRow::from_witness).collect();
        for (row, write) in rows.iter().zip(&sample.writes) {
            assert!(row.enabled);
            assert_eq!(row.first, write.kind == WriteKind::Insert);
            assert_eq!(
                (row.index, row.key, row.old_value, row.new_value),
                (write.index, write.key, write.old_value, write.new_value)
            );
        }
        assert!(!WriteRow::padding().enabled);
    }
}
