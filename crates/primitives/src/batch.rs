use alloy_primitives::{B256, Bytes, U256, keccak256};
use alloy_sol_types::SolValue;
use serde::{Deserialize, Serialize};

use crate::{FIELD_MODULUS, Message, Result, field::FieldElement, pubdata::WriteBinding};

/// Version tag of the public-input layout (`docs/encodings.md`, "Public input").
pub const PUBLIC_INPUT_VERSION: u64 = 2;
/// Number of public inputs of a batch proof.
pub const PUBLIC_INPUT_COUNT: usize = 17;

#[allow(missing_docs)]
mod sol {
    alloy_sol_types::sol! {
        /// A batch header as committed to `Settlement` (field for field the Solidity `BatchHeader`).
        #[derive(Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        struct BatchHeader {
            uint64 batchNumber;
            uint64 timestamp;
            uint64 priorityOpsCount;
            bytes32 prevStateRoot;
            bytes32 newStateRoot;
            bytes32 pubdataCommitment;
            bytes32 messageRoot;
            bytes32 priorityOpsHash;
            bytes32 childRootsAggregated;
            bytes32 importedRootsHash;
            bytes32 rowCommitment;
            bytes32 writesEvaluation;
            uint32 writesLength;
        }

        /// `ISettlement.commitBatches`: what the publisher sends and a rebuilder reads back.
        function commitBatches(BatchHeader[] headers, bytes[] daInputs);
        /// `ISettlement.proveBatches`.
        function proveBatches(BatchHeader[] headers, bytes[] proofs);
        /// `ISettlement.executeBatches`.
        function executeBatches(BatchHeader[] headers);
    }
}

pub use sol::{BatchHeader, commitBatchesCall, executeBatchesCall, proveBatchesCall};

/// A batch as the node seals it and serves it (`fractal_batchByNumber`), and as the publisher posts it
/// to the parent: the header, the blocks it covers, its rollup pubdata and its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedBatch {
    /// The header the publisher commits (field names as in Solidity).
    pub header: BatchHeader,
    /// First block of the batch.
    pub first_block: u64,
    /// Last block of the batch (its timestamp is the header's).
    pub last_block: u64,
    /// The rollup pubdata (`docs/encodings.md`, "Rollup pubdata"): with the calldata DA policy, the
    /// commit's `daInput`, and `header.pubdataCommitment == keccak256(pubdata)`.
    pub pubdata: Bytes,
    /// The messages the chain sent in the batch, in outbox order: the leaves of `header.messageRoot`.
    pub messages: Vec<Message>,
}

/// What a batch's proof is made from besides its header and messages: every state-tree write the
/// batch applied, in order, with its path witness (`fractal_batchWitness`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchWitness {
    /// The batch.
    pub batch_number: u64,
    /// The writes that changed the tree, in the order they were applied (writes that changed nothing
    /// are left out): ascending entry index, one per row of the pubdata's write run.
    pub writes: Vec<crate::WriteWitness>,
    /// The pubdata's write rows as the batch circuit takes them, one per write.
    pub rows: Vec<crate::pubdata::RowFields>,
}

/// Where a message sits in the batches of its source chain, with its Merkle proof: what a withdrawal's
/// finalization (or a relayer) submits on the destination (`fractal_messageProof`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageProof {
    /// The sealed batch whose message root holds the message.
    pub batch_number: u64,
    /// The message's leaf index in that batch's message tree.
    pub leaf_index: u64,
    /// The message.
    pub message: Message,
    /// The siblings from the leaf up, `MESSAGE_TREE_DEPTH` of them.
    pub siblings: Vec<U256>,
}
impl BatchHeader {
    /// The genesis header (batch 0) of a chain: zero but for the state root and the timestamp.
    pub fn genesis(state_root: B256, timestamp: u64) -> Self {
        Self {
            newStateRoot: state_root,
            timestamp,
            ..Default::default()
        }
    }

    /// The hash under which `Settlement` stores the committed header: keccak256 of its ABI encoding.
    pub fn hash(&self) -> B256 {
        keccak256(self.abi_encode())
    }

    /// Whether every root that circuits open is an element of the BN254 scalar field.
    pub fn fields_in_range(&self) -> bool {
        [
            self.prevStateRoot,
            self.newStateRoot,
            self.messageRoot,
            self.childRootsAggregated,
            self.importedRootsHash,
            self.rowCommitment,
            self.writesEvaluation,
        ]
        .iter()
        .all(|root| U256::from_be_bytes(root.0) < FIELD_MODULUS)
    }

    /// The evaluation point `z` of the batch's write run: `keccak256(abi.encode(pubdataCommitment,
    /// rowCommitment)) mod r`. Fails when the row commitment is not a field element.
    pub fn evaluation_point(&self) -> Result<U256> {
        crate::pubdata::evaluation_challenge(
            self.pubdataCommitment,
            U256::from_be_bytes(self.rowCommitment.0),
        )
    }

    /// The header's write binding fields.
    pub fn write_binding(&self) -> WriteBinding {
        WriteBinding {
            row_commitment: U256::from_be_bytes(self.rowCommitment.0),
            evaluation: U256::from_be_bytes(self.writesEvaluation.0),
            length: self.writesLength,
        }
    }

    /// The proof's public inputs on chain `chain_id`, exactly as `Settlement` computes them.
    pub fn public_inputs(&self, chain_id: u64) -> Result<[U256; PUBLIC_INPUT_COUNT]> {
        let word = |b: &B256| U256::from_be_bytes(b.0);
        let high = |b: &B256| word(b) >> 128;
        let low = |b: &B256| word(b) & U256::from(u128::MAX);
        let inputs = [
            U256::from(PUBLIC_INPUT_VERSION),
            U256::from(chain_id),
            U256::from(self.batchNumber),
            word(&self.prevStateRoot),
            word(&self.newStateRoot),
            high(&self.pubdataCommitment),
            low(&self.pubdataCommitment),
            word(&self.messageRoot),
            high(&self.priorityOpsHash),
            low(&self.priorityOpsHash),
            (U256::from(self.priorityOpsCount) << 64) | U256::from(self.timestamp),
            word(&self.childRootsAggregated),
            word(&self.importedRootsHash),
            self.evaluation_point()?,
            word(&self.writesEvaluation),
            word(&self.rowCommitment),
            U256::from(self.writesLength),
        ];
        for input in &inputs {
            input.to_fr()?;
        }
        Ok(inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn header() -> BatchHeader {
        BatchHeader {
            batchNumber: 7,
            timestamp: 1_700_000_000,
            priorityOpsCount: 3,
            prevStateRoot: B256::with_last_byte(1),
            newStateRoot: B256::with_last_byte(2),
            pubdataCommitment: B256::repeat_byte(0xab),
            messageRoot: B256::with_last_byte(4),
            priorityOpsHash: B256::repeat_byte(0xcd),
            childRootsAggregated: B256::ZERO,
            importedRootsHash: B256::ZERO,
            rowCommitment: B256::with_last_byte(5),
            writesEvaluation: B256::with_last_byte(6),
            writesLength: 77,
        }
    }

    #[test]
    fn public_inputs_split_hashes_and_pack_counters() {
        let pi = header().public_inputs(4242).unwrap();
        assert_eq!(pi[0], U256::from(2));
        assert_eq!(pi[1], U256::from(4242));
        assert_eq!(pi[5], U256::from_be_bytes(B256::repeat_byte(0xab).0) >> 128);
        assert_eq!(
            (pi[5] << 128) | pi[6],
            U256::from_be_bytes(B256::repeat_byte(0xab).0)
        );
        assert_eq!(pi[10], (U256::from(3) << 64) | U256::from(1_700_000_000u64));
        let z = crate::pubdata::evaluation_challenge(B256::repeat_byte(0xab), U256::from(5));
        assert_eq!(pi[13], z.unwrap());
        assert_eq!(pi[14..], [U256::from(6), U256::from(5), U256::from(77)]);
    }

    #[test]
    fn rejects_roots_outside_the_field() {
        let mut h = header();
        h.newStateRoot = B256::repeat_byte(0xff);
        assert!(!h.fields_in_range());
        assert!(matches!(
            h.public_inputs(1),
            Err(Error::NotAFieldElement(_))
        ));
        for field in [
            |h: &mut BatchHeader| h.rowCommitment = B256::repeat_byte(0xff),
            |h: &mut BatchHeader| h.writesEvaluation = B256::repeat_byte(0xff),
        ] {
            let mut h = header();
            field(&mut h);
            assert!(!h.fields_in_range());
            assert!(matches!(
                h.public_inputs(1),
                Err(Error::NotAFieldElement(_))
            ));
        }
    }

    #[test]
    fn hash_is_keccak_of_the_abi_encoding() {
        let h = header();
        let encoded = h.abi_encode();
        assert_eq!(encoded.len(), 13 * 32);
        assert_eq!(h.hash(), keccak256(encoded));
        assert_ne!(h.hash(), BatchHeader::genesis(B256::ZERO, 0).hash());
    }
}
