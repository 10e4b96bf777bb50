use alloy_primitives::{Address, Bytes, U256, keccak256};

use crate::{
    Error, MESSAGE_TREE_DEPTH, Result,
    field::{CHUNK_BYTES, chunk_word, hash2},
    poseidon,
};

/// A cross-chain message as it leaves the outbox of its source chain (the Solidity `Hashing.Message`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// The chain that sent it.
    pub source_chain_id: u64,
    /// Position in the source chain's outbox, from 0; unique per source chain.
    pub nonce: u64,
    /// The sending contract or account on the source chain.
    pub sender: Address,
    /// The chain it is for.
    pub destination_chain_id: u64,
    /// The receiving contract or account on the destination chain.
    pub recipient: Address,
    /// Opaque content.
    pub payload: Bytes,
}

/// Poseidon hash of arbitrary bytes: seeded with the length, then `h = Poseidon(h, chunk)` for each
/// 31-byte big-endian chunk, the last one right-padded with zeros.
pub fn payload_hash(payload: &[u8]) -> U256 {
    let mut h = U256::from(payload.len());
    for chunk in payload.chunks(CHUNK_BYTES) {
        // Both operands are below 2^248 or are Poseidon outputs: always field elements.
        h = hash2(h, chunk_word(chunk)).expect("31-byte chunks are field elements");
    }
    h
}

impl Message {
    /// The message's leaf in its batch's message tree:
    /// `Poseidon(Poseidon(source‖nonce, sender, destination‖recipient), payloadHash)`.
    pub fn leaf(&self) -> U256 {
        let word = |a: Address| U256::from_be_slice(a.as_slice());
        let head = poseidon(&[
            (U256::from(self.source_chain_id) << 64) | U256::from(self.nonce),
            word(self.sender),
            (U256::from(self.destination_chain_id) << 160) | word(self.recipient),
        ])
        .expect("packed message fields are below 2^224");
        hash2(head, payload_hash(&self.payload)).expect("poseidon outputs are field elements")
    }

    /// A stable identifier for logs and nullifiers: keccak256 of the leaf.
    pub fn id(&self) -> alloy_primitives::B256 {
        keccak256(self.leaf().to_be_bytes::<32>())
    }
}

/// One step of an outbox's message chain: the chain after a message whose leaf is `leaf`, from the
/// chain `chain` before it, `Poseidon(chain, leaf)` (the Solidity `Hashing.messageChainStep`). Fails
/// unless both are field elements.
pub fn message_chain_step(chain: U256, leaf: U256) -> Result<U256> {
    hash2(chain, leaf)
}

/// An outbox's message chain after the messages whose leaves are `leaves` (in nonce order), from the
/// chain `chain` before them: `chain_{n+1} = Poseidon(chain_n, leaf_n)`. The outbox's storage slot
/// [`L2_OUTBOX_MESSAGE_CHAIN_SLOT`](crate::L2_OUTBOX_MESSAGE_CHAIN_SLOT) holds it, from 0 at genesis
/// (`L2Outbox.messageChain()`, docs/encodings.md "Outbox"); a batch's write of that slot is the fold of
/// its leaves from the value before the batch. Fails unless `chain` and every leaf are field elements.
pub fn message_chain(chain: U256, leaves: &[U256]) -> Result<U256> {
    leaves
        .iter()
        .try_fold(chain, |chain, leaf| message_chain_step(chain, *leaf))
}

/// The fixed-depth binary Poseidon tree of one batch's messages: leaves in outbox order, empty leaves 0.
#[derive(Debug, Clone)]
pub struct MessageTree {
    /// `levels[0]` are the leaves; `levels[d]` holds the non-empty nodes at height `d`.
    levels: Vec<Vec<U256>>,
}

impl MessageTree {
    /// Largest number of messages one tree holds.
    pub const CAPACITY: usize = 1 << MESSAGE_TREE_DEPTH;

    /// Builds the tree over `leaves`.
    pub fn new(leaves: Vec<U256>) -> Result<Self> {
        if leaves.len() > Self::CAPACITY {
            return Err(Error::MessageTreeFull {
                max: Self::CAPACITY,
                got: leaves.len(),
            });
        }
        let zeros = zero_hashes();
        let mut levels = vec![leaves];
        for height in 0..MESSAGE_TREE_DEPTH {
            let below = &levels[height];
            let mut above = Vec::with_capacity(below.len().div_ceil(2));
            for pair in below.chunks(2) {
                let right = pair.get(1).copied().unwrap_or(zeros[height]);
                above.push(hash2(pair[0], right)?);
            }
            levels.push(above);
        }
        Ok(Self { levels })
    }

    /// Builds the tree over messages.
    pub fn from_messages(messages: &[Message]) -> Result<Self> {
        Self::new(messages.iter().map(Message::leaf).collect())
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.levels[0].len()
    }

    /// Whether the tree holds no message.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// The root (the root of the all-zero tree when empty).
    pub fn root(&self) -> U256 {
        self.levels[MESSAGE_TREE_DEPTH]
            .first()
            .copied()
            .unwrap_or(zero_hashes()[MESSAGE_TREE_DEPTH])
    }

    /// The siblings of leaf `index`, bottom-up, `MESSAGE_TREE_DEPTH` long.
    pub fn proof(&self, index: usize) -> Result<Vec<U256>> {
        if index >= self.len() {
            return Err(Error::MessageIndexOutOfRange {
                index,
                len: self.len(),
            });
        }
        let zeros = zero_hashes();
        Ok((0..MESSAGE_TREE_DEPTH)
            .map(|height| {
                let sibling = (index >> height) ^ 1;
                self.levels[height]
                    .get(sibling)
                    .copied()
                    .unwrap_or(zeros[height])
            })
            .collect())
    }

    /// Recomputes a root from a leaf, its index and its siblings (as the vault does on chain).
    pub fn root_from_proof(leaf: U256, index: usize, siblings: &[U256]) -> Result<U256> {
        let mut node = leaf;
        for (height, sibling) in siblings.iter().enumerate() {
            node = if (index >> height) & 1 == 0 {
                hash2(node, *sibling)?
            } else {
                hash2(*sibling, node)?
            };
        }
        Ok(node)
    }
}

/// Roots of all-zero subtrees: `z[0] = 0`, `z[h + 1] = Poseidon(z[h], z[h])`.
fn zero_hashes() -> [U256; MESSAGE_TREE_DEPTH + 1] {
    let mut zeros = [U256::ZERO; MESSAGE_TREE_DEPTH + 1];
    for h in 0..MESSAGE_TREE_DEPTH {
        zeros[h + 1] = hash2(zeros[h], zeros[h]).expect("zero hashes are field elements");
    }
    zeros
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(nonce: u64) -> Message {
        Message {
            source_chain_id: 4242,
            nonce,
            sender: crate::L2_BRIDGE,
            destination_chain_id: 31337,
            recipient: Address::repeat_byte(0x11),
            payload: Bytes::from(vec![nonce as u8; 96]),
        }
    }

    #[test]
    fn proofs_verify_for_every_leaf() {
        let messages: Vec<_> = (0..5).map(message).collect();
        let tree = MessageTree::from_messages(&messages).unwrap();
        for (i, m) in messages.iter().enumerate() {
            let proof = tree.proof(i).unwrap();
            assert_eq!(proof.len(), MESSAGE_TREE_DEPTH);
            assert_eq!(
                MessageTree::root_from_proof(m.leaf(), i, &proof).unwrap(),
                tree.root()
            );
        }
        assert!(matches!(
            tree.proof(5),
            Err(Error::MessageIndexOutOfRange { index: 5, len: 5 })
        ));
    }

    #[test]
    fn empty_tree_has_the_zero_root() {
        let tree = MessageTree::new(vec![]).unwrap();
        assert_eq!(tree.root(), zero_hashes()[MESSAGE_TREE_DEPTH]);
        assert_eq!(
            tree.root(),
            MessageTree::new(vec![U256::ZERO]).unwrap().root()
        );
    }

    #[test]
    fn rejects_an_overfull_tree() {
        let err = MessageTree::new(vec![U256::ZERO; MessageTree::CAPACITY + 1]).unwrap_err();
        assert!(matches!(err, Error::MessageTreeFull { .. }));
    }

    #[test]
    fn message_chain_folds_the_leaves_in_order() {
        let leaves: Vec<U256> = (0..3).map(|n| message(n).leaf()).collect();
        assert_eq!(message_chain(U256::ZERO, &[]).unwrap(), U256::ZERO);
        let mut chain = U256::ZERO;
        for leaf in &leaves {
            chain = poseidon(&[chain, *leaf]).unwrap();
        }
        assert_eq!(message_chain(U256::ZERO, &leaves).unwrap(), chain);
        // Folding in two runs (two batches) is folding once.
        let first = message_chain(U256::ZERO, &leaves[..1]).unwrap();
        assert_eq!(message_chain(first, &leaves[1..]).unwrap(), chain);
        assert_eq!(message_chain_step(U256::ZERO, leaves[0]).unwrap(), first);
        // Order matters.
        let swapped = [leaves[1], leaves[0], leaves[2]];
        assert_ne!(message_chain(U256::ZERO, &swapped).unwrap(), chain);
    }

    #[test]
    fn message_chain_refuses_words_outside_the_field() {
        let leaf = message(0).leaf();
        assert!(matches!(
            message_chain(crate::FIELD_MODULUS, &[leaf]),
            Err(Error::NotAFieldElement(_))
        ));
        assert!(matches!(
            message_chain(U256::ZERO, &[leaf, crate::FIELD_MODULUS]),
            Err(Error::NotAFieldElement(_))
        ));
        // No leaf: nothing is hashed, the chain comes back as it is.
        assert_eq!(
            message_chain(crate::FIELD_MODULUS, &[]).unwrap(),
            crate::FIELD_MODULUS
        );
    }

    #[test]
    fn payload_hash_distinguishes_trailing_zeros() {
        assert_ne!(payload_hash(&[0u8; 31]), payload_hash(&[0u8; 30]));
        assert_eq!(payload_hash(&[]), U256::ZERO);
    }
}
