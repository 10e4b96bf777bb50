//! Batches: the node closes runs of blocks into batches — the state root after them, their rollup
//! pubdata, the root of the messages they sent and the rolling hash of the priority operations they
//! executed — and keeps each sealed batch as a file that the publisher posts to the parent
//! (docs/batches.md).
//!
//! The batcher is a thread that follows the chain's blocks. Its state (the pubdata tables and the
//! state tree) is rebuilt at start from the sealed batches' own pubdata, the way anyone rebuilds the
//! chain from the parent, and blocks after the last sealed batch are executed again from the store to
//! recover their diffs: nothing besides the batch files needs to survive a crash.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use alloy_primitives::{B256, U256};
use fractal_primitives::{
    BatchHeader, BatchWitness, Message, MessageProof, MessageTree, PRIORITY_TX_TYPE, SealedBatch,
    StateDiff, StateTree, WriteKind, WriteWitness, message_chain,
    pubdata::{self, BatchWrites, BlockRange, EntryKey, PubdataTables, Row, RowFields},
    rolling_hash,
};
use fractal_storage::{Receipt, Store};
use tokio::sync::broadcast::error::TryRecvError;
use tracing::{debug, error, info, warn};

use crate::{
    Error, Result,
    chain::{BlockNotification, Chain, genesis_block},
    config::BatchConfig,
    messages::outbox_messages,
};

/// The sealed batches of a chain, one JSON file each (`<data dir>/batches/<n>.json`), and an index of
/// the messages they hold.
#[derive(Debug)]
pub struct Batches {
    dir: PathBuf,
    latest: AtomicU64,
    /// For each sealed batch with messages: (first nonce, message count, batch number), in order.
    messages: Mutex<Vec<(u64, u64, u64)>>,
}

impl Batches {
    /// Opens (creating) the batch directory and indexes the batches in it, which must be numbered
    /// 1, 2, … without a gap.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir)
            .map_err(|e| Error::Batch(format!("cannot create {}: {e}", dir.display())))?;
        let batches = Self {
            dir,
            latest: AtomicU64::new(0),
            messages: Mutex::new(Vec::new()),
        };
        let mut n = 1;
        while let Some(batch) = batches.get(n)? {
            batches.index(&batch);
            n += 1;
        }
        batches.latest.store(n - 1, Ordering::Release);
        if batches.path(n + 1).exists() {
            return Err(Error::Batch(format!(
                "batch {} is missing from {} but later ones exist",
                n,
                batches.dir.display()
            )));
        }
        Ok(batches)
    }

    fn path(&self, number: u64) -> PathBuf {
        self.dir.join(format!("{number:010}.json"))
    }

    /// The number of the last sealed batch (0: none yet).
    pub fn latest(&self) -> u64 {
        self.latest.load(Ordering::Acquire)
    }

    /// Sealed batch `number`.
    pub fn get(&self, number: u64) -> Result<Option<SealedBatch>> {
        let path = self.path(number);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Batch(format!("cannot read {}: {e}", path.display()))),
        };
        let batch: SealedBatch = serde_json::from_str(&text)
            .map_err(|e| Error::Batch(format!("{} is corrupt: {e}", path.display())))?;
        if batch.header.batchNumber != number {
            return Err(Error::Batch(format!(
                "{} holds batch {}",
                path.display(),
                batch.header.batchNumber
            )));
        }
        Ok(Some(batch))
    }

    /// Where message `nonce` of this chain's outbox sits, with its proof; `None` until a sealed
    /// batch holds it.
    pub fn message_proof(&self, nonce: u64) -> Result<Option<MessageProof>> {
        let found = {
            let index = self.messages.lock().expect("message index lock");
            let at = index.partition_point(|(first, count, _)| first + count <= nonce);
            index
                .get(at)
                .filter(|(first, _, _)| *first <= nonce)
                .map(|(first, _, batch)| (nonce - first, *batch))
        };
        let Some((leaf, number)) = found else {
            return Ok(None);
        };
        let batch = self
            .get(number)?
            .ok_or_else(|| Error::Batch(format!("batch {number} vanished")))?;
        let tree = MessageTree::from_messages(&batch.messages)?;
        let leaf_index = usize::try_from(leaf).expect("below 1024");
        Ok(Some(MessageProof {
            batch_number: number,
            leaf_index: leaf,
            message: batch.messages[leaf_index].clone(),
            siblings: tree.proof(leaf_index)?,
        }))
    }

    fn witness_path(&self, number: u64) -> PathBuf {
        self.dir.join(format!("{number:010}.witness.json"))
    }

    /// The write witnesses of sealed batch `number` (what its proof is made from), if the node kept
    /// them.
    pub fn witness(&self, number: u64) -> Result<Option<BatchWitness>> {
        let path = self.witness_path(number);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Batch(format!("cannot read {}: {e}", path.display()))),
        };
        let witness: BatchWitness = serde_json::from_str(&text)
            .map_err(|e| Error::Batch(format!("{} is corrupt: {e}", path.display())))?;
        Ok(Some(witness))
    }

    /// Writes `bytes` to `path` durably (a temporary file, synced, then renamed).
    fn write_durably(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = path.with_extension("tmp");
        let io = |e: std::io::Error| Error::Batch(format!("cannot write {}: {e}", path.display()));
        {
            let mut file = fs::File::create(&tmp).map_err(io)?;
            file.write_all(bytes).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        fs::rename(&tmp, path).map_err(io)?;
        fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io)
    }

    /// Writes the next batch durably, its witness first (the batch file is what makes it sealed).
    fn store(&self, batch: &SealedBatch, witness: &BatchWitness) -> Result<()> {
        let number = batch.header.batchNumber;
        if number != self.latest() + 1 {
            return Err(Error::Batch(format!(
                "batch {number} does not follow batch {}",
                self.latest()
            )));
        }
        let json = |e: serde_json::Error| Error::Batch(e.to_string());
        let witness = serde_json::to_vec(witness).map_err(json)?;
        self.write_durably(&self.witness_path(number), &witness)?;
        let batch_json = serde_json::to_vec_pretty(batch).map_err(json)?;
        self.write_durably(&self.path(number), &batch_json)?;
        self.index(batch);
        self.latest.store(number, Ordering::Release);
        Ok(())
    }

    fn index(&self, batch: &SealedBatch) {
        if let Some(first) = batch.messages.first() {
            self.messages.lock().expect("message index lock").push((
                first.nonce,
                batch.messages.len() as u64,
                batch.header.batchNumber,
            ));
        }
    }
}

/// The state a batcher carries from batch to batch.
struct Tip {
    tables: PubdataTables,
    tree: StateTree,
    header: BatchHeader,
}

/// The batch being filled.
#[derive(Default)]
struct OpenBatch {
    first: u64,
    last: u64,
    timestamp: u64,
    diffs: Vec<Arc<StateDiff>>,
    messages: Vec<Message>,
    transactions: usize,
    priority_ops: u64,
    priority_hash: B256,
    estimate: usize,
    opened: Option<Instant>,
}

/// Upper estimate of the pubdata bytes a diff adds: a first write of every entry it touches (pubdata
/// version 2: the address once per account; per entry a gap of up to 5 bytes, a key tag and a value
/// of up to 33 bytes; a storage slot's 32 bytes), and its code.
fn estimate(diff: &StateDiff) -> usize {
    const ROW: usize = 5 + 1 + 33;
    diff.accounts
        .iter()
        .map(|a| {
            20 + 3 * ROW + a.storage.len() * (ROW + 32) + a.code.as_ref().map_or(0, |c| c.len() + 4)
        })
        .sum()
}

/// Rebuilds the batcher's tip from the genesis and the sealed batches' pubdata.
fn rebuild_tip(genesis: &StateDiff, batches: &Batches) -> Result<Tip> {
    let (mut tables, mut tree) = genesis_state(genesis)?;
    let mut header = BatchHeader::genesis(B256::from(tree.root()), 0);
    for number in 1..=batches.latest() {
        let batch = batches
            .get(number)?
            .ok_or_else(|| Error::Batch(format!("batch {number} vanished")))?;
        let decoded = pubdata::decode(&mut tables, &batch.pubdata)?;
        apply_writes(&mut tree, &tables, &decoded.writes)?;
        if batch.header.prevStateRoot != header.newStateRoot {
            return Err(Error::Batch(format!(
                "batch {number} does not continue batch {}'s state root",
                number - 1
            )));
        }
        header = batch.header;
    }
    let root = B256::from(tree.root());
    if root != header.newStateRoot {
        return Err(Error::Batch(format!(
            "the sealed batches' pubdata rebuilds state root {root}, but batch {} claims {}",
            header.batchNumber, header.newStateRoot
        )));
    }
    Ok(Tip {
        tables,
        tree,
        header,
    })
}

/// The state root of a chain's genesis: what its parent registers as batch 0.
pub fn genesis_state_root(genesis: &StateDiff) -> Result<B256> {
    Ok(B256::from(genesis_state(genesis)?.1.root()))
}

/// The pubdata tables and the state tree of a chain's genesis: where the batcher and a rebuilder
/// start.
pub fn genesis_state(genesis: &StateDiff) -> Result<(PubdataTables, StateTree)> {
    let tables = PubdataTables::genesis(genesis);
    let mut tree = StateTree::new();
    for (index, key, value) in tables.entries() {
        tree.set(index, key.state_key(), value)?;
    }
    Ok((tables, tree))
}

/// Applies a batch's writes to the state tree at their entry indices, in index order: `tables` must be
/// the tables after the batch's encoding or decoding (which index its first writes). Returns the
/// witnesses of the writes that changed the tree — what the batch's proof is made from.
pub fn apply_writes(
    tree: &mut StateTree,
    tables: &PubdataTables,
    writes: &BatchWrites,
) -> Result<Vec<WriteWitness>> {
    let mut indexed = writes
        .values
        .iter()
        .map(|(key, value)| {
            let index = tables.entry_index(key).ok_or_else(|| {
                Error::Batch(format!("entry {key:?} has no index after its batch"))
            })?;
            Ok((index, key.state_key(), *value))
        })
        .collect::<Result<Vec<_>>>()?;
    indexed.sort_unstable_by_key(|(index, _, _)| *index);
    let mut witnesses = Vec::with_capacity(indexed.len());
    for (index, key, value) in indexed {
        let witness = tree.set(index, key, value)?;
        if witness.kind != WriteKind::Nop {
            witnesses.push(witness);
        }
    }
    Ok(witnesses)
}

/// Checks that the leaves of the messages the node collected for batch `batch` (from the outbox's
/// `MessageSent` events, in nonce order) fold the outbox's message chain — its storage slot 2,
/// [`EntryKey::outbox_message_chain`] — from its value before the batch (in `tables`, the state before
/// it) to the value the batch's `writes` leave (unchanged when it writes none). The batch proof checks
/// exactly this, so a batch that fails here could never be proven: the node refuses to seal it.
pub fn check_message_chain(
    batch: u64,
    tables: &PubdataTables,
    writes: &BatchWrites,
    leaves: &[U256],
) -> Result<()> {
    let key = EntryKey::outbox_message_chain();
    let before = tables.value(&key);
    let actual = writes.values.get(&key).copied().unwrap_or(before);
    let expected = message_chain(before, leaves)?;
    if expected != actual {
        let e = Error::MessageChainMismatch {
            batch,
            messages: leaves.len(),
            expected,
            actual,
        };
        error!(
            batch,
            before = %format!("{before:#x}"),
            error = %e,
            "the batch's messages disagree with the outbox's message chain: not sealing it"
        );
        return Err(e);
    }
    Ok(())
}

/// Seals the chain's blocks into batches until `stop` is set.
pub struct Batcher<S> {
    chain: Arc<Chain<S>>,
    batches: Arc<Batches>,
    config: BatchConfig,
    tip: Tip,
    open: OpenBatch,
}

impl<S: Store + 'static> Batcher<S> {
    /// A batcher for `chain`, continuing after the batches already in `batches`.
    pub fn new(chain: Arc<Chain<S>>, batches: Arc<Batches>) -> Result<Self> {
        let genesis = genesis_block(chain.config()).diff;
        let tip = rebuild_tip(&genesis, &batches)?;
        info!(
            sealed = tip.header.batchNumber,
            state_root = %tip.header.newStateRoot,
            "batcher resumed from the sealed batches"
        );
        let next = tip.tables.last_block() + 1;
        Ok(Self {
            config: chain.config().batch,
            chain,
            batches,
            tip,
            open: OpenBatch {
                first: next,
                last: next - 1,
                ..OpenBatch::default()
            },
        })
    }

    /// Follows the chain and seals batches until `stop` is set.
    pub fn run(mut self, stop: &AtomicBool) -> Result<()> {
        let mut blocks = self.chain.subscribe_blocks();
        // Blocks stored but not seen (after a restart, or when notifications were missed) get their
        // diffs by being executed again.
        let mut behind = true;
        while !stop.load(Ordering::Acquire) {
            if behind {
                self.catch_up()?;
                behind = false;
            }
            match blocks.try_recv() {
                Ok(BlockNotification {
                    block,
                    receipts,
                    diff,
                }) => {
                    let number = block.header.number;
                    if number == self.open.last + 1 {
                        self.add_block(number, block.header.timestamp, &receipts, diff)?;
                    } else if number > self.open.last + 1 {
                        behind = true;
                    }
                }
                Err(TryRecvError::Lagged(missed)) => {
                    warn!(
                        missed,
                        "batcher fell behind; replaying blocks from the store"
                    );
                    behind = true;
                }
                Err(TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(20)),
                Err(TryRecvError::Closed) => break,
            }
        }
        Ok(())
    }

    fn catch_up(&mut self) -> Result<()> {
        let latest = self.chain.latest_number()?;
        while self.open.last < latest {
            let number = self.open.last + 1;
            let diff = self.chain.replay_diff(number)?;
            let store = self.chain.store();
            let receipts = store
                .block_receipts(number)?
                .ok_or(Error::UnknownBlock(number))?;
            let timestamp = store
                .block_by_number(number)?
                .ok_or(Error::UnknownBlock(number))?
                .header
                .timestamp;
            let receipts: Vec<(B256, Receipt)> = receipts
                .into_iter()
                .map(|r| (r.tx_hash, r.receipt))
                .collect();
            self.add_block(number, timestamp, &receipts, Arc::new(diff))?;
        }
        Ok(())
    }

    fn add_block(
        &mut self,
        number: u64,
        timestamp: u64,
        receipts: &[(B256, Receipt)],
        diff: Arc<StateDiff>,
    ) -> Result<()> {
        let chain_id = self.chain.config().chain_id;
        let messages = outbox_messages(chain_id, receipts.iter().map(|(_, r)| r));
        let most = self.config.max_messages.min(MessageTree::CAPACITY);
        if self.open.messages.len() + messages.len() > most && self.open.transactions > 0 {
            self.seal()?;
        }
        if messages.len() > most {
            warn!(
                block = number,
                messages = messages.len(),
                max_messages = most,
                "a block sent more messages than a batch should hold; its batch holds them all"
            );
        }
        if self.open.messages.len() + messages.len() > MessageTree::CAPACITY {
            return Err(Error::Batch(format!(
                "block {number} sent {} messages, more than one batch holds",
                messages.len()
            )));
        }
        let open = &mut self.open;
        open.opened.get_or_insert_with(Instant::now);
        open.last = number;
        open.timestamp = timestamp;
        open.estimate += estimate(&diff);
        open.diffs.push(diff);
        open.messages.extend(messages);
        open.transactions += receipts.len();
        for (hash, receipt) in receipts {
            if receipt.tx_type == PRIORITY_TX_TYPE {
                let previous = if open.priority_ops == 0 {
                    self.tip.header.priorityOpsHash
                } else {
                    open.priority_hash
                };
                open.priority_hash = rolling_hash(previous, *hash);
                open.priority_ops += 1;
            }
        }
        let full = open.last + 1 - open.first >= self.config.max_blocks
            || open.estimate >= self.config.max_pubdata_bytes
            || open
                .opened
                .is_some_and(|t| t.elapsed() >= Duration::from_millis(self.config.max_age_ms));
        if full && open.transactions > 0 {
            self.seal()?;
        }
        Ok(())
    }

    fn seal(&mut self) -> Result<()> {
        let open = std::mem::take(&mut self.open);
        let started = Instant::now();
        let writes = BatchWrites::from_diffs(&self.tip.tables, open.diffs.iter().map(|d| &**d));
        let leaves: Vec<U256> = open.messages.iter().map(Message::leaf).collect();
        // Before the tip changes: the tables still hold the state before the batch.
        check_message_chain(
            self.tip.header.batchNumber + 1,
            &self.tip.tables,
            &writes,
            &leaves,
        )?;
        // The tip changes in place: an error below stops the batcher, which rebuilds its tip from the
        // stored batches at the next start.
        let (pubdata, rows) = pubdata::encode_rows(
            &mut self.tip.tables,
            &writes,
            BlockRange::new(open.first, open.last),
        )?;
        let rows: Vec<RowFields> = rows.iter().map(Row::fields).collect();
        let witnesses = apply_writes(&mut self.tip.tree, &self.tip.tables, &writes)?;
        // One tree write per row, at the row's index (the proof pairs them).
        if witnesses.len() != rows.len()
            || witnesses.iter().zip(&rows).any(|(w, r)| w.index != r.index)
        {
            return Err(Error::Batch(format!(
                "{} tree writes do not match the {} rows of the write run",
                witnesses.len(),
                rows.len()
            )));
        }
        let pubdata_commitment = fractal_da::commitment(self.config.da, &pubdata)
            .map_err(|e| Error::Batch(format!("DA commitment: {e}")))?;
        let binding = pubdata::write_binding(&pubdata, &rows, pubdata_commitment)?;
        let root = B256::from(self.tip.tree.root());
        let messages = MessageTree::new(leaves)?;
        let previous = &self.tip.header;
        let header = BatchHeader {
            batchNumber: previous.batchNumber + 1,
            timestamp: open.timestamp,
            priorityOpsCount: previous.priorityOpsCount + open.priority_ops,
            prevStateRoot: previous.newStateRoot,
            newStateRoot: root,
            pubdataCommitment: pubdata_commitment,
            messageRoot: B256::from(messages.root()),
            priorityOpsHash: if open.priority_ops == 0 {
                previous.priorityOpsHash
            } else {
                open.priority_hash
            },
            childRootsAggregated: B256::ZERO,
            importedRootsHash: B256::ZERO,
            rowCommitment: B256::from(binding.row_commitment),
            writesEvaluation: B256::from(binding.evaluation),
            writesLength: binding.length,
        };
        let batch = SealedBatch {
            header,
            first_block: open.first,
            last_block: open.last,
            pubdata,
            messages: open.messages,
        };
        let witness = BatchWitness {
            batch_number: batch.header.batchNumber,
            writes: witnesses,
            rows,
        };
        self.batches.store(&batch, &witness)?;
        info!(
            batch = batch.header.batchNumber,
            blocks = %format!("{}..={}", open.first, open.last),
            transactions = open.transactions,
            writes = writes.values.len(),
            pubdata_bytes = batch.pubdata.len(),
            messages = batch.messages.len(),
            priority_ops = open.priority_ops,
            state_root = %root,
            seal_ms = started.elapsed().as_millis() as u64,
            "sealed batch"
        );
        self.tip.header = batch.header;
        let next = open.last + 1;
        self.open = OpenBatch {
            first: next,
            last: next - 1,
            ..OpenBatch::default()
        };
        debug!(next, "opened batch");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;
    use fractal_primitives::{AccountDiff, AccountInfo, L2_OUTBOX, L2_OUTBOX_MESSAGE_CHAIN_SLOT};

    use super::*;

    fn leaf(nonce: u64) -> U256 {
        Message {
            source_chain_id: 4242,
            nonce,
            sender: Address::with_last_byte(1),
            destination_chain_id: 31_337,
            recipient: Address::with_last_byte(2),
            payload: vec![nonce as u8; 96].into(),
        }
        .leaf()
    }

    fn chain_key() -> EntryKey {
        EntryKey::outbox_message_chain()
    }

    /// Tables whose state holds `chain` in the outbox's slot 2 (0: the genesis value, no entry).
    fn tables_with(chain: U256) -> PubdataTables {
        let storage = if chain.is_zero() {
            Default::default()
        } else {
            [(U256::from(L2_OUTBOX_MESSAGE_CHAIN_SLOT), chain)].into()
        };
        PubdataTables::genesis(&StateDiff {
            accounts: vec![AccountDiff {
                address: L2_OUTBOX,
                info: Some(AccountInfo::default()),
                storage,
                ..Default::default()
            }],
        })
    }

    fn writing(chain: Option<U256>) -> BatchWrites {
        let mut writes = BatchWrites::default();
        if let Some(chain) = chain {
            writes.values.insert(chain_key(), chain);
        }
        writes
    }

    #[test]
    fn a_batch_whose_leaves_fold_the_chain_is_sealed() {
        let leaves = [leaf(0), leaf(1)];
        let after = message_chain(U256::ZERO, &leaves).unwrap();
        check_message_chain(1, &tables_with(U256::ZERO), &writing(Some(after)), &leaves).unwrap();
        // From a chain an earlier batch left.
        let later = message_chain(after, &[leaf(2)]).unwrap();
        check_message_chain(2, &tables_with(after), &writing(Some(later)), &[leaf(2)]).unwrap();
        // No message, no write.
        check_message_chain(3, &tables_with(after), &writing(None), &[]).unwrap();
        check_message_chain(1, &tables_with(U256::ZERO), &writing(None), &[]).unwrap();
    }

    #[test]
    fn a_batch_whose_leaves_disagree_with_the_chain_is_refused() {
        let leaves = [leaf(0), leaf(1)];
        let after = message_chain(U256::ZERO, &leaves).unwrap();
        let refused = |tables: PubdataTables, writes: BatchWrites, leaves: &[U256]| {
            let before = tables.value(&chain_key());
            match check_message_chain(7, &tables, &writes, leaves) {
                Err(Error::MessageChainMismatch {
                    batch: 7,
                    messages,
                    expected,
                    actual,
                }) => {
                    assert_eq!(messages, leaves.len());
                    assert_eq!(expected, message_chain(before, leaves).unwrap());
                    assert_eq!(
                        actual,
                        writes.values.get(&chain_key()).copied().unwrap_or(before)
                    );
                    assert_ne!(expected, actual);
                }
                other => panic!("expected a mismatch, got {other:?}"),
            }
        };
        // A message the node missed, one it made up, the leaves out of order, a chain left unchanged.
        refused(tables_with(U256::ZERO), writing(Some(after)), &leaves[..1]);
        refused(
            tables_with(U256::ZERO),
            writing(Some(after)),
            &[leaf(0), leaf(1), leaf(2)],
        );
        refused(
            tables_with(U256::ZERO),
            writing(Some(after)),
            &[leaf(1), leaf(0)],
        );
        refused(tables_with(U256::ZERO), writing(None), &leaves);
        // The same leaves from another starting chain.
        refused(tables_with(U256::from(5)), writing(Some(after)), &leaves);
    }
}
