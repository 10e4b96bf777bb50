//! The chunk circuit (`circuits/src/batch_chunk.circom`): its sizes, its files, and its inputs built
//! from a batch's header, write witnesses and messages.

use std::path::{Path, PathBuf};

use alloy_primitives::{B256, U256, keccak256};
use fractal_primitives::{BatchHeader, MessageTree, WriteKind, WriteWitness};
use num_bigint::BigInt;

use crate::{Error, Result, error::io};

/// Writes one chunk proof covers (`main.circom`).
pub const CHUNK_WRITES: usize = 16;
/// Levels of a state-tree path the circuit can follow: a key whose leaf sits deeper cannot be proven.
pub const TREE_LEVELS: usize = 32;
/// Messages a batch may send to be provable: the last chunk computes the message root from them.
pub const CHUNK_MESSAGES: usize = 16;
/// Public inputs of one chunk proof: the batch's 13 (`docs/encodings.md`) with the chunk's roots in
/// places 3 and 4, then the chunk index and the chunk count.
pub const CHUNK_PUBLIC_INPUTS: usize = 15;
/// Most chunks one batch proof may have (the circuit bounds the count by 2^16).
pub const MAX_CHUNKS: usize = 1 << 16;

/// The compiled chunk circuit: the witness calculator (`.wasm`) and the constraint system (`.r1cs`).
#[derive(Debug, Clone)]
pub struct CircuitFiles {
    /// `main_js/main.wasm`.
    pub wasm: PathBuf,
    /// `main.r1cs`.
    pub r1cs: PathBuf,
}

impl CircuitFiles {
    /// The files `make circuits` writes into `dir` (`circuits/build`).
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        Self {
            wasm: dir.join("main_js").join("main.wasm"),
            r1cs: dir.join("main.r1cs"),
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

    /// Fails with a clear error when either file is missing.
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

/// One write as circomlib's `SMTProcessor` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessorRow {
    /// `fnc`: `[0,0]` nothing, `[1,0]` insert, `[0,1]` update, `[1,1]` delete.
    pub fnc: [u8; 2],
    /// `oldKey`.
    pub old_key: U256,
    /// `oldValue`.
    pub old_value: U256,
    /// `isOld0`.
    pub is_old0: bool,
    /// `newKey`.
    pub new_key: U256,
    /// `newValue`.
    pub new_value: U256,
    /// `siblings`, zero-padded to [`TREE_LEVELS`].
    pub siblings: Vec<U256>,
}

impl ProcessorRow {
    /// A row that changes nothing (padding).
    pub fn nop() -> Self {
        Self {
            fnc: [0, 0],
            old_key: U256::ZERO,
            old_value: U256::ZERO,
            is_old0: false,
            new_key: U256::ZERO,
            new_value: U256::ZERO,
            siblings: vec![U256::ZERO; TREE_LEVELS],
        }
    }

    /// The row of one write of the state tree (its witness from `StateTree::set`), following the
    /// conventions of circomlib's JavaScript tree: an insert's path ends at the empty subtree or the
    /// other leaf it splits; a delete whose sibling leaf rises lists only the siblings above the levels
    /// that collapse.
    pub fn from_witness(write: &WriteWitness) -> Result<Self, String> {
        let mut siblings = write.siblings.clone();
        let row = match write.kind {
            WriteKind::Nop => return Ok(Self::nop()),
            WriteKind::Insert => {
                while siblings.last() == Some(&U256::ZERO) {
                    siblings.pop();
                }
                let (old_key, old_value, is_old0) = match write.other {
                    Some((key, value)) => (key, value, false),
                    None => (U256::ZERO, U256::ZERO, true),
                };
                Self {
                    fnc: [1, 0],
                    old_key,
                    old_value,
                    is_old0,
                    new_key: write.key,
                    new_value: write.new_value,
                    siblings,
                }
            }
            WriteKind::Update => Self {
                fnc: [0, 1],
                old_key: write.key,
                old_value: write.old_value,
                is_old0: false,
                new_key: write.key,
                new_value: write.new_value,
                siblings,
            },
            WriteKind::Delete => {
                let (old_key, old_value, is_old0) = match write.other {
                    Some((key, value)) => {
                        // The sibling leaf rises past every level whose other sibling is empty.
                        let depth = siblings.len();
                        let keep = (0..depth.saturating_sub(1))
                            .rev()
                            .find(|&level| siblings[level] != U256::ZERO)
                            .map_or(0, |level| level + 1);
                        siblings.truncate(keep);
                        (key, value, false)
                    }
                    None => (write.key, U256::ZERO, true),
                };
                Self {
                    fnc: [1, 1],
                    old_key,
                    old_value,
                    is_old0,
                    new_key: write.key,
                    new_value: write.old_value,
                    siblings,
                }
            }
        };
        if row.siblings.len() > TREE_LEVELS {
            return Err(format!(
                "key {:#x} sits at depth {}, deeper than the circuit's {TREE_LEVELS} levels",
                write.key,
                row.siblings.len()
            ));
        }
        let mut row = row;
        row.siblings.resize(TREE_LEVELS, U256::ZERO);
        Ok(row)
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
    pub rows: Vec<ProcessorRow>,
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
        let column = |f: &dyn Fn(&ProcessorRow) -> U256| -> Vec<BigInt> {
            self.rows.iter().map(|r| big(f(r))).collect()
        };
        vec![
            (
                "inputs".into(),
                self.public.iter().copied().map(big).collect(),
            ),
            (
                "fnc".into(),
                self.rows
                    .iter()
                    .flat_map(|r| r.fnc.map(BigInt::from))
                    .collect(),
            ),
            ("oldKey".into(), column(&|r| r.old_key)),
            ("oldValue".into(), column(&|r| r.old_value)),
            ("isOld0".into(), column(&|r| U256::from(r.is_old0 as u8))),
            ("newKey".into(), column(&|r| r.new_key)),
            ("newValue".into(), column(&|r| r.new_value)),
            (
                "siblings".into(),
                self.rows
                    .iter()
                    .flat_map(|r| r.siblings.iter().copied().map(big))
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
    let rows = writes
        .iter()
        .map(ProcessorRow::from_witness)
        .collect::<Result<Vec<_>, _>>()
        .map_err(refuse)?;
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
        chunk_rows.resize(CHUNK_WRITES, ProcessorRow::nop());
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
        for (writes, chunks) in [(0, 1), (1, 1), (16, 1), (17, 2), (40, 3)] {
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
                assert!(chunk.rows.iter().all(|r| r.siblings.len() == TREE_LEVELS));
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
    fn a_path_deeper_than_the_circuit_is_refused() {
        let write = WriteWitness {
            kind: WriteKind::Update,
            key: U256::from(1),
            old_root: U256::ZERO,
            new_root: U256::ZERO,
            old_value: U256::from(1),
            new_value: U256::from(2),
            siblings: vec![U256::from(5); TREE_LEVELS + 1],
            other: None,
        };
        let err = ProcessorRow::from_witness(&write).unwrap_err();
        assert!(err.contains("deeper than the circuit"), "{err}");
    }

    #[test]
    fn a_delete_lists_only_the_levels_above_the_collapse() {
        // The deleted leaf at depth 4 with its sibling leaf at level 3; levels 1 and 2 have empty
        // siblings, so the sibling leaf rises to depth 1 and only level 0's sibling stays.
        let write = WriteWitness {
            kind: WriteKind::Delete,
            key: U256::from(8),
            old_root: U256::from(1),
            new_root: U256::from(2),
            old_value: U256::from(3),
            new_value: U256::ZERO,
            siblings: vec![U256::from(11), U256::ZERO, U256::ZERO, U256::from(44)],
            other: Some((U256::from(0), U256::from(5))),
        };
        let row = ProcessorRow::from_witness(&write).unwrap();
        assert_eq!(row.fnc, [1, 1]);
        assert_eq!(row.siblings[0], U256::from(11));
        assert!(row.siblings[1..].iter().all(|s| s.is_zero()));
        assert_eq!(
            (row.old_key, row.old_value, row.is_old0),
            (U256::ZERO, U256::from(5), false)
        );
        assert_eq!((row.new_key, row.new_value), (U256::from(8), U256::from(3)));
    }
}
