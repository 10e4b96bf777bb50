//! A synthetic batch with every kind of write (first writes at the next entry indices, updates, an entry
//! set to zero) and messages, published as real pubdata: what the Foundry fixture, the tests and the
//! benchmark prove.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use fractal_primitives::{
    AccountDiff, BatchHeader, Message, MessageTree, StateDiff, StateTree, WriteWitness,
    message_chain,
    pubdata::{self, BatchWrites, BlockRange, EntryKey, PubdataTables, Row, RowFields},
};

use crate::{BatchData, Result};

/// A batch and what proving it takes.
#[derive(Debug, Clone)]
pub struct SampleBatch {
    /// The chain.
    pub chain_id: u64,
    /// The header (batch 1 on top of a tree of `existing` entries; calldata DA: its
    /// `pubdataCommitment` is keccak256 of `pubdata`, so a test can commit it to a real `Settlement`).
    pub header: BatchHeader,
    /// The batch's pubdata (the calldata DA policy's `daInput`).
    pub pubdata: Bytes,
    /// Its write rows, as the circuit takes them.
    pub rows: Vec<RowFields>,
    /// The tree writes, one per row, with their witnesses.
    pub writes: Vec<WriteWitness>,
    /// The message leaves.
    pub message_leaves: Vec<U256>,
}

impl SampleBatch {
    /// What proving the batch takes besides its header.
    pub fn data(&self) -> BatchData<'_> {
        BatchData {
            pubdata: &self.pubdata,
            rows: &self.rows,
            writes: &self.writes,
            message_leaves: &self.message_leaves,
        }
    }
}

/// The contract whose storage the sample writes.
const CONTRACT: Address = Address::with_last_byte(0x42);

/// A batch of `writes` writes (about a quarter of them updates of existing entries, one setting an entry
/// to zero, the others first writes of new slots holding full 256-bit words) and `messages` messages on
/// chain 4242, over a genesis of `existing` storage slots of one contract (entry indices
/// `0..existing`). With messages, the last write is the outbox's message chain (its first write: the
/// chain folded from 0 over the leaves), one more write when `writes` is 0.
pub fn sample_batch(existing: u64, writes: u64, messages: u64) -> Result<SampleBatch> {
    let chain_id = 4242;
    let sent: Vec<Message> = (0..messages)
        .map(|nonce| Message {
            source_chain_id: chain_id,
            nonce,
            sender: Address::with_last_byte(3),
            destination_chain_id: 31337,
            recipient: Address::with_last_byte(9),
            payload: Bytes::from(vec![nonce as u8; 96]),
        })
        .collect();
    let leaves: Vec<U256> = sent.iter().map(Message::leaf).collect();
    let storage_writes = if messages > 0 {
        writes.saturating_sub(1)
    } else {
        writes
    };
    let genesis = StateDiff {
        accounts: vec![AccountDiff {
            address: CONTRACT,
            storage: (0..existing)
                .map(|i| (U256::from(i), U256::from(1_000 + i)))
                .collect(),
            ..Default::default()
        }],
    };
    let mut tables = PubdataTables::genesis(&genesis);
    let mut tree = StateTree::new();
    for (index, key, value) in tables.entries() {
        tree.set(index, key.state_key(), value)?;
    }
    let prev = tree.root();
    let mut batch = BatchWrites::default();
    for w in 0..storage_writes {
        let (slot, value) = if w % 4 == 3 && existing > w {
            // An update of an existing entry (the value changes).
            (w, U256::from(7_000_000 + w))
        } else if w == 2 && existing > 0 {
            // An entry set to zero (it keeps its position).
            (0, U256::ZERO)
        } else {
            // A first write of a new slot; the value is a full 256-bit word.
            (
                existing + w,
                U256::from_be_bytes(keccak256(w.to_be_bytes()).0),
            )
        };
        batch
            .values
            .insert(EntryKey::storage(CONTRACT, U256::from(slot)), value);
    }
    if messages > 0 {
        batch.values.insert(
            EntryKey::outbox_message_chain(),
            message_chain(U256::ZERO, &leaves)?,
        );
    }
    let (pubdata, rows) = pubdata::encode_rows(&mut tables, &batch, BlockRange::new(1, 1))?;
    let witnesses = rows
        .iter()
        .map(|row| tree.set(row.index, row.key.state_key(), row.value))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let rows: Vec<RowFields> = rows.iter().map(Row::fields).collect();
    // What the calldata DA policy returns for the DA input `pubdata`.
    let pubdata_commitment = keccak256(&pubdata);
    let binding = pubdata::write_binding(&pubdata, &rows, pubdata_commitment)?;
    let header = BatchHeader {
        batchNumber: 1,
        timestamp: 1_764_500_000,
        priorityOpsCount: 0,
        prevStateRoot: B256::from(prev),
        newStateRoot: B256::from(tree.root()),
        pubdataCommitment: pubdata_commitment,
        messageRoot: B256::from(MessageTree::new(leaves.clone())?.root()),
        priorityOpsHash: B256::ZERO,
        childRootsAggregated: B256::ZERO,
        importedRootsHash: B256::ZERO,
        rowCommitment: B256::from(binding.row_commitment),
        writesEvaluation: B256::from(binding.evaluation),
        writesLength: binding.length,
    };
    Ok(SampleBatch {
        chain_id,
        header,
        pubdata,
        rows,
        writes: witnesses,
        message_leaves: leaves,
    })
}
