//! A synthetic batch with every kind of write (first writes at the next entry indices, updates, an entry
//! set to zero) and messages: what the Foundry fixture, the tests and the benchmark prove.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use fractal_primitives::{
    BatchHeader, Message, MessageTree, StateKind, StateTree, WriteWitness, state_key,
};

use crate::Result;

/// The sample batch's DA input (calldata DA: its commitment is keccak256 of these bytes), so that a
/// test can commit the sample header to a real `Settlement`.
pub const SAMPLE_PUBDATA: &[u8] = b"fractal sample batch";

/// A batch and what proving it takes.
#[derive(Debug, Clone)]
pub struct SampleBatch {
    /// The chain.
    pub chain_id: u64,
    /// The header (batch 1 on top of a tree of `existing` entries).
    pub header: BatchHeader,
    /// The writes, in order, with their witnesses.
    pub writes: Vec<WriteWitness>,
    /// The message leaves.
    pub message_leaves: Vec<U256>,
}

fn key(i: u64) -> U256 {
    state_key(
        StateKind::Storage,
        Address::with_last_byte(0x42),
        B256::from(U256::from(i)),
    )
}

/// A batch of `writes` writes (about a quarter of them updates of existing entries, one setting an entry
/// to zero) and `messages` messages on chain 4242, over a tree of `existing` entries at indices
/// `0..existing`; the first writes take the next indices.
pub fn sample_batch(existing: u64, writes: u64, messages: u64) -> Result<SampleBatch> {
    let chain_id = 4242;
    let mut tree = StateTree::new();
    for i in 0..existing {
        tree.set(i, key(i), U256::from(1_000 + i))?;
    }
    let prev = tree.root();
    let mut witnesses = Vec::new();
    for w in 0..writes {
        let witness = if w % 4 == 3 && existing > w {
            // An update of an existing entry (the value changes).
            tree.set(w, key(w), U256::from(7_000_000 + w))?
        } else if w == 2 && existing > 0 {
            // An entry set to zero (it keeps its position).
            tree.set(0, key(0), U256::ZERO)?
        } else {
            // A first write; the value is a full 256-bit word.
            tree.set(
                existing + w,
                key(existing + w),
                U256::from_be_bytes(keccak256(w.to_be_bytes()).0),
            )?
        };
        witnesses.push(witness);
    }
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
    let header = BatchHeader {
        batchNumber: 1,
        timestamp: 1_764_500_000,
        priorityOpsCount: 0,
        prevStateRoot: B256::from(prev),
        newStateRoot: B256::from(tree.root()),
        // What the calldata DA policy returns for the DA input `SAMPLE_PUBDATA`.
        pubdataCommitment: keccak256(SAMPLE_PUBDATA),
        messageRoot: B256::from(MessageTree::new(leaves.clone())?.root()),
        priorityOpsHash: B256::ZERO,
        childRootsAggregated: B256::ZERO,
        importedRootsHash: B256::ZERO,
    };
    Ok(SampleBatch {
        chain_id,
        header,
        writes: witnesses,
        message_leaves: leaves,
    })
}
