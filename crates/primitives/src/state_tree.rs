//! The state tree kept node by node: a write costs one Poseidon hash per level of its path instead of
//! rehashing the whole tree, and yields a witness — the key's path before the write — from which the
//! old and new roots can be checked (what a circuit applying a batch's writes needs). Same tree, same
//! root as [`SparseMerkleTree`](crate::SparseMerkleTree), which stays the reference: the leaf of `key`
//! holding `value` is `Poseidon(key, wordHash(value), 1)` (circomlib's layout), so this tree stores
//! `wordHash(value)` as the leaf value.

use std::collections::HashMap;

use alloy_primitives::U256;

use crate::{Error, Result, field::FieldElement, field::hash2, poseidon, word_hash};

/// What a write did to the tree (circomlib's `SMTProcessor` functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WriteKind {
    /// A new key.
    Insert,
    /// A new value for a present key.
    Update,
    /// A present key removed (its value is now zero).
    Delete,
    /// Nothing changed: the value was already there.
    Nop,
}

/// One write as a circuit checks it. Leaf values are `wordHash` of state values (0: absent).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteWitness {
    /// The operation.
    pub kind: WriteKind,
    /// The key written.
    pub key: U256,
    /// The root before.
    pub old_root: U256,
    /// The root after.
    pub new_root: U256,
    /// The key's leaf value before (0 when absent).
    pub old_value: U256,
    /// The key's leaf value after (0 for a delete).
    pub new_value: U256,
    /// The siblings along the key's path before the write, from the root down to the leaf or empty
    /// subtree the path ends at.
    pub siblings: Vec<U256>,
    /// For an insert, the other key's leaf the path ended at, `(key, leaf value)`; `None` when it ended
    /// in an empty subtree. For a delete, the sibling leaf that takes the deleted leaf's place, if any.
    pub other: Option<(U256, U256)>,
}

#[derive(Debug, Clone, Copy)]
enum Node {
    Leaf { key: U256, value: U256 },
    Internal { left: U256, right: U256 },
}

/// The result of looking a key up.
struct Found {
    siblings: Vec<U256>,
    /// `Some((key, leaf value))` of the leaf the path ends at; `None` for an empty subtree.
    leaf: Option<(U256, U256)>,
}

/// A sparse Merkle tree in circomlib's layout with every node kept by hash (as circomlib's own
/// JavaScript tree keeps them), so that writes are incremental and produce their witnesses.
#[derive(Debug, Clone, Default)]
pub struct StateTree {
    root: U256,
    nodes: HashMap<U256, Node>,
    entries: usize,
}

fn leaf_hash(key: U256, value: U256) -> Result<U256> {
    poseidon(&[key, value, U256::from(1)])
}

impl StateTree {
    /// An empty tree (root 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// The root.
    pub fn root(&self) -> U256 {
        self.root
    }

    /// Number of non-zero entries.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether the tree has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    fn find(&self, key: U256) -> Found {
        let mut siblings = Vec::new();
        let mut at = self.root;
        let mut level = 0;
        loop {
            if at.is_zero() {
                return Found {
                    siblings,
                    leaf: None,
                };
            }
            match self.nodes[&at] {
                Node::Leaf { key: k, value } => {
                    return Found {
                        siblings,
                        leaf: Some((k, value)),
                    };
                }
                Node::Internal { left, right } => {
                    if key.bit(level) {
                        siblings.push(left);
                        at = right;
                    } else {
                        siblings.push(right);
                        at = left;
                    }
                    level += 1;
                }
            }
        }
    }

    /// Hashes `node` up along `key`'s path over `siblings` (deepest last), storing every new node.
    fn climb(&mut self, key: U256, mut node: U256, siblings: &[U256]) -> Result<U256> {
        for (level, sibling) in siblings.iter().enumerate().rev() {
            let (left, right) = if key.bit(level) {
                (*sibling, node)
            } else {
                (node, *sibling)
            };
            node = hash2(left, right)?;
            self.nodes.insert(node, Node::Internal { left, right });
        }
        Ok(node)
    }

    /// Sets `key` to the state value `value` (zero removes the entry) and returns the write's witness.
    /// The key must be a field element.
    pub fn set(&mut self, key: U256, value: U256) -> Result<WriteWitness> {
        key.to_fr()?;
        let new_value = if value.is_zero() {
            U256::ZERO
        } else {
            word_hash(value)
        };
        let old_root = self.root;
        let found = self.find(key);
        let old_value = found
            .leaf
            .filter(|(k, _)| *k == key)
            .map_or(U256::ZERO, |(_, v)| v);
        let mut witness = WriteWitness {
            kind: WriteKind::Nop,
            key,
            old_root,
            new_root: old_root,
            old_value,
            new_value,
            siblings: found.siblings.clone(),
            other: None,
        };
        if old_value == new_value {
            return Ok(witness);
        }
        if old_value.is_zero() {
            witness.kind = WriteKind::Insert;
            witness.other = found.leaf;
            self.insert(key, new_value, found)?;
            self.entries += 1;
        } else if new_value.is_zero() {
            witness.kind = WriteKind::Delete;
            witness.other = self.delete(key, &found.siblings)?;
            self.entries -= 1;
        } else {
            witness.kind = WriteKind::Update;
            let leaf = self.put_leaf(key, new_value)?;
            self.root = self.climb(key, leaf, &found.siblings)?;
        }
        witness.new_root = self.root;
        Ok(witness)
    }

    fn put_leaf(&mut self, key: U256, value: U256) -> Result<U256> {
        let leaf = leaf_hash(key, value)?;
        self.nodes.insert(leaf, Node::Leaf { key, value });
        Ok(leaf)
    }

    /// Inserts a key absent from the tree; the path ended at `found`.
    fn insert(&mut self, key: U256, value: U256, found: Found) -> Result<()> {
        let mut path = found.siblings;
        if let Some((other, other_value)) = found.leaf {
            // The leaf met moves down until the two keys' paths part.
            let mut level = path.len();
            while other.bit(level) == key.bit(level) {
                path.push(U256::ZERO);
                level += 1;
            }
            path.push(leaf_hash(other, other_value)?);
        }
        let leaf = self.put_leaf(key, value)?;
        self.root = self.climb(key, leaf, &path)?;
        Ok(())
    }

    /// Removes a present key whose path has `siblings`. When the deepest sibling is a leaf, that leaf
    /// rises to the deepest level where its subtree still has a non-empty sibling (so every leaf stays
    /// at the shallowest depth its key is alone at); returns it.
    fn delete(&mut self, key: U256, siblings: &[U256]) -> Result<Option<(U256, U256)>> {
        let rising = match siblings.last() {
            Some(last) if !last.is_zero() => match self.nodes.get(last) {
                Some(Node::Leaf { key: k, value }) => Some((*k, *value)),
                Some(Node::Internal { .. }) => None,
                None => return Err(Error::MissingKey(*last)),
            },
            _ => None,
        };
        let mut node = match rising {
            Some((k, v)) => leaf_hash(k, v)?,
            None => U256::ZERO,
        };
        // Levels above the deleted leaf whose sibling is empty collapse while the node is a lone leaf
        // (or empty); from the first non-empty sibling up, nodes are hashed again.
        let mut collapsing = true;
        let deepest = siblings.len().saturating_sub(usize::from(rising.is_some()));
        for level in (0..deepest).rev() {
            let sibling = siblings[level];
            if collapsing && sibling.is_zero() {
                continue;
            }
            collapsing = false;
            let (left, right) = if key.bit(level) {
                (sibling, node)
            } else {
                (node, sibling)
            };
            node = hash2(left, right)?;
            self.nodes.insert(node, Node::Internal { left, right });
        }
        self.root = node;
        Ok(rising)
    }

    /// The inclusion proof of `key` (siblings from the root down), as
    /// [`SparseMerkleTree::proof`](crate::SparseMerkleTree::proof) gives it.
    pub fn proof(&self, key: U256) -> Result<Vec<U256>> {
        let found = self.find(key);
        match found.leaf {
            Some((k, _)) if k == key => Ok(found.siblings),
            _ => Err(Error::MissingKey(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{SparseMerkleTree, state_leaf};

    fn climb(key: U256, mut node: U256, siblings: &[U256]) -> U256 {
        for (level, sibling) in siblings.iter().enumerate().rev() {
            node = if key.bit(level) {
                hash2(*sibling, node).unwrap()
            } else {
                hash2(node, *sibling).unwrap()
            };
        }
        node
    }

    /// Recomputes the roots a witness claims from its parts, as a circuit would.
    fn check_witness(w: &WriteWitness) {
        let leaf = |k: U256, v: U256| {
            if v.is_zero() {
                U256::ZERO
            } else {
                leaf_hash(k, v).unwrap()
            }
        };
        match w.kind {
            WriteKind::Nop => assert_eq!(w.old_root, w.new_root),
            WriteKind::Update => {
                assert_eq!(
                    climb(w.key, leaf(w.key, w.old_value), &w.siblings),
                    w.old_root
                );
                assert_eq!(
                    climb(w.key, leaf(w.key, w.new_value), &w.siblings),
                    w.new_root
                );
            }
            WriteKind::Insert => {
                let met = w.other.map_or(U256::ZERO, |(k, v)| leaf(k, v));
                assert_eq!(climb(w.key, met, &w.siblings), w.old_root);
                let mut path = w.siblings.clone();
                if let Some((other, _)) = w.other {
                    while other.bit(path.len()) == w.key.bit(path.len()) {
                        path.push(U256::ZERO);
                    }
                    path.push(met);
                }
                assert_eq!(climb(w.key, leaf(w.key, w.new_value), &path), w.new_root);
            }
            WriteKind::Delete => {
                assert_eq!(
                    climb(w.key, leaf(w.key, w.old_value), &w.siblings),
                    w.old_root
                );
                // Deleting is inserting backwards: inserting the key again into the new tree must
                // give the old root back along the same path.
                let mut path: Vec<U256> = w.siblings.clone();
                match w.other {
                    None => assert_eq!(climb(w.key, U256::ZERO, &path), w.new_root),
                    Some((k, v)) => {
                        path.pop();
                        while path.last().is_some_and(|s| s.is_zero()) {
                            path.pop();
                        }
                        assert_eq!(climb(k, leaf(k, v), &path), w.new_root);
                    }
                }
            }
        }
    }

    #[test]
    fn follows_the_reference_tree_through_inserts_updates_and_deletes() {
        let mut tree = StateTree::new();
        let mut reference = SparseMerkleTree::new();
        let ops: [(u64, u64); 9] = [
            (1, 10),
            (3, 30),
            (2, 20),
            (3, 31),
            (1, 0),
            (7, 70),
            (3, 0),
            (2, 0),
            (7, 0),
        ];
        for (k, v) in ops {
            let w = tree.set(U256::from(k), U256::from(v)).unwrap();
            reference.insert(U256::from(k), U256::from(v)).unwrap();
            assert_eq!(tree.root(), reference.root().unwrap(), "after {k} = {v}");
            assert_eq!(w.new_root, tree.root());
            check_witness(&w);
        }
        assert!(tree.is_empty());
        assert_eq!(tree.root(), U256::ZERO);
    }

    #[test]
    fn a_single_leaf_is_the_root_and_unchanged_values_are_nops() {
        let mut tree = StateTree::new();
        tree.set(U256::from(5), U256::from(9)).unwrap();
        assert_eq!(
            tree.root(),
            state_leaf(U256::from(5), U256::from(9)).unwrap()
        );
        assert_eq!(
            tree.set(U256::from(5), U256::from(9)).unwrap().kind,
            WriteKind::Nop
        );
        assert_eq!(
            tree.set(U256::from(6), U256::ZERO).unwrap().kind,
            WriteKind::Nop
        );
        assert!(tree.set(crate::FIELD_MODULUS, U256::from(1)).is_err());
        assert!(matches!(
            tree.proof(U256::from(6)),
            Err(Error::MissingKey(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn any_sequence_of_writes_gives_the_reference_root(
            writes in proptest::collection::vec((0u8..40, prop_oneof![Just(0u64), 1u64..5]), 1..50)
        ) {
            let mut tree = StateTree::new();
            let mut reference = SparseMerkleTree::new();
            for (k, v) in writes {
                let key = crate::state_key(
                    crate::StateKind::Balance,
                    alloy_primitives::Address::with_last_byte(k),
                    alloy_primitives::B256::ZERO,
                );
                let w = tree.set(key, U256::from(v)).unwrap();
                reference.insert(key, U256::from(v)).unwrap();
                prop_assert_eq!(tree.root(), reference.root().unwrap());
                prop_assert_eq!(tree.len(), reference.len());
                check_witness(&w);
                if v != 0 {
                    prop_assert_eq!(tree.proof(key).unwrap(), reference.proof(key).unwrap());
                }
            }
        }
    }
}
