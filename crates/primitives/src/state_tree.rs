//! The state tree kept node by node: a write costs one Poseidon hash per level (16) instead of rehashing
//! the tree, and yields a witness — the position's siblings before the write — from which the old and
//! new roots can be checked (what the chunk circuit applying a batch's writes needs). Same tree, same
//! root as [`SparseMerkleTree`](crate::SparseMerkleTree), which stays the reference (`docs/state.md`).

use std::collections::HashMap;

use alloy_primitives::U256;

use crate::{
    Error, Result, STATE_TREE_ARITY, STATE_TREE_DEPTH, StateProof,
    field::FieldElement,
    state::{check_state_index, empty_subtree, state_digit, state_node, with_child},
    state_leaf,
};

/// What a write did to its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WriteKind {
    /// The entry's first write: the position was empty (its leaf was 0).
    Insert,
    /// A new value for the entry at a taken position.
    Update,
    /// Nothing changed: the entry already held the value.
    Nop,
}

/// One write as the chunk circuit checks it: the leaf at `index` goes from `state_leaf(key, old_value)`
/// (or 0 for an insert) to `state_leaf(key, new_value)`, along the same siblings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteWitness {
    /// The operation.
    pub kind: WriteKind,
    /// The position (the entry's index).
    pub index: u64,
    /// The entry's key.
    pub key: U256,
    /// The root before.
    pub old_root: U256,
    /// The root after.
    pub new_root: U256,
    /// The entry's value before (0 for an insert).
    pub old_value: U256,
    /// The entry's value after.
    pub new_value: U256,
    /// The position's inclusion proof (before the write, and after: the siblings do not change).
    pub siblings: StateProof,
}

/// The state tree with every non-empty node kept, so that writes are incremental and produce their
/// witnesses.
#[derive(Debug, Clone, Default)]
pub struct StateTree {
    /// `nodes[level]`: the nodes of that level by their position in it (level 0: leaves, 16: the root);
    /// a missing node is the empty subtree of its level.
    nodes: Vec<HashMap<u64, U256>>,
    /// The entry at each taken position, `(key, value)`.
    entries: HashMap<u64, (U256, U256)>,
}

impl StateTree {
    /// An empty tree (root [`empty_subtree`](crate::empty_subtree)`(16)`).
    pub fn new() -> Self {
        Self {
            nodes: vec![HashMap::new(); STATE_TREE_DEPTH + 1],
            entries: HashMap::new(),
        }
    }

    fn node(&self, level: usize, position: u64) -> U256 {
        self.nodes
            .get(level)
            .and_then(|nodes| nodes.get(&position))
            .copied()
            .unwrap_or_else(|| empty_subtree(level))
    }

    /// The root.
    pub fn root(&self) -> U256 {
        self.node(STATE_TREE_DEPTH, 0)
    }

    /// Number of positions taken.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no position is taken.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry at `index`, `(key, value)`, if the position is taken.
    pub fn get(&self, index: u64) -> Option<(U256, U256)> {
        self.entries.get(&index).copied()
    }

    /// The inclusion proof of position `index` (taken or not), as
    /// [`SparseMerkleTree::proof`](crate::SparseMerkleTree::proof) gives it.
    pub fn proof(&self, index: u64) -> Result<StateProof> {
        check_state_index(index)?;
        let mut proof = [[U256::ZERO; 3]; STATE_TREE_DEPTH];
        for (level, siblings) in proof.iter_mut().enumerate() {
            let position = index >> (2 * level);
            let first = position & !3;
            let ours = state_digit(index, level);
            let mut k = 0;
            for j in 0..STATE_TREE_ARITY {
                if j != ours {
                    siblings[k] = self.node(level, first + j as u64);
                    k += 1;
                }
            }
        }
        Ok(proof)
    }

    /// Sets the entry `key` at position `index` to `value` and returns the write's witness. The
    /// position must be free or already `key`'s; a first write takes it for good, whatever the value.
    pub fn set(&mut self, index: u64, key: U256, value: U256) -> Result<WriteWitness> {
        check_state_index(index)?;
        key.to_fr()?;
        let (kind, old_value) = match self.entries.get(&index) {
            None => (WriteKind::Insert, U256::ZERO),
            Some(&(taken, _)) if taken != key => {
                return Err(Error::StatePositionTaken { index, key: taken });
            }
            Some(&(_, old)) if old == value => (WriteKind::Nop, old),
            Some(&(_, old)) => (WriteKind::Update, old),
        };
        let siblings = self.proof(index)?;
        let old_root = self.root();
        if kind != WriteKind::Nop {
            let mut node = state_leaf(key, value)?;
            self.nodes[0].insert(index, node);
            for (level, level_siblings) in siblings.iter().enumerate() {
                node = state_node(&with_child(level_siblings, state_digit(index, level), node))?;
                self.nodes[level + 1].insert(index >> (2 * level + 2), node);
            }
            self.entries.insert(index, (key, value));
        }
        Ok(WriteWitness {
            kind,
            index,
            key,
            old_root,
            new_root: self.root(),
            old_value,
            new_value: value,
            siblings,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{STATE_TREE_CAPACITY, SparseMerkleTree};

    /// Recomputes the roots a witness claims from its parts, as the circuit does.
    fn check_witness(w: &WriteWitness) {
        let old_leaf = match w.kind {
            WriteKind::Insert => U256::ZERO,
            _ => state_leaf(w.key, w.old_value).unwrap(),
        };
        let new_leaf = state_leaf(w.key, w.new_value).unwrap();
        assert_eq!(
            SparseMerkleTree::root_from_proof(w.index, old_leaf, &w.siblings).unwrap(),
            w.old_root
        );
        assert_eq!(
            SparseMerkleTree::root_from_proof(w.index, new_leaf, &w.siblings).unwrap(),
            w.new_root
        );
        if w.kind == WriteKind::Nop {
            assert_eq!(w.old_root, w.new_root);
        }
    }

    fn key(n: u64) -> U256 {
        U256::from(1_000 + n)
    }

    #[test]
    fn follows_the_reference_tree_through_inserts_updates_and_zeroes() {
        let mut tree = StateTree::new();
        let mut reference = SparseMerkleTree::new();
        assert_eq!(tree.root(), reference.root().unwrap());
        let ops: [(u64, u64); 9] = [
            (0, 10),
            (1, 30),
            (2, 20),
            (1, 31),
            (0, 0),
            (STATE_TREE_CAPACITY - 1, 70),
            (1, 0),
            (2, 0),
            (7, 0),
        ];
        for (index, v) in ops {
            let w = tree.set(index, key(index), U256::from(v)).unwrap();
            reference.insert(index, key(index), U256::from(v)).unwrap();
            assert_eq!(
                tree.root(),
                reference.root().unwrap(),
                "after {index} = {v}"
            );
            assert_eq!(w.new_root, tree.root());
            assert_eq!(tree.proof(index).unwrap(), reference.proof(index).unwrap());
            check_witness(&w);
        }
        // A zero value keeps the position.
        assert_eq!(tree.len(), 5);
        assert_eq!(tree.get(0), Some((key(0), U256::ZERO)));
    }

    #[test]
    fn kinds_and_refusals() {
        let mut tree = StateTree::new();
        assert_eq!(
            tree.set(5, key(5), U256::from(9)).unwrap().kind,
            WriteKind::Insert
        );
        assert_eq!(
            tree.set(5, key(5), U256::from(9)).unwrap().kind,
            WriteKind::Nop
        );
        assert_eq!(
            tree.set(5, key(5), U256::ZERO).unwrap().kind,
            WriteKind::Update
        );
        let root = tree.root();
        assert!(matches!(
            tree.set(5, key(6), U256::from(1)),
            Err(Error::StatePositionTaken { index: 5, .. })
        ));
        assert!(matches!(
            tree.set(STATE_TREE_CAPACITY, key(6), U256::from(1)),
            Err(Error::StateIndexOutOfRange(_))
        ));
        assert!(tree.set(6, crate::FIELD_MODULUS, U256::from(1)).is_err());
        assert_eq!(tree.root(), root, "refused writes change nothing");
        assert_eq!(tree.len(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn any_sequence_of_writes_gives_the_reference_root(
            writes in proptest::collection::vec((0u64..48, prop_oneof![Just(0u64), 1u64..5]), 1..50)
        ) {
            let mut tree = StateTree::new();
            let mut reference = SparseMerkleTree::new();
            for (index, v) in writes {
                let w = tree.set(index, key(index), U256::from(v)).unwrap();
                reference.insert(index, key(index), U256::from(v)).unwrap();
                prop_assert_eq!(tree.root(), reference.root().unwrap());
                prop_assert_eq!(tree.len(), reference.len());
                check_witness(&w);
                prop_assert_eq!(tree.proof(index).unwrap(), reference.proof(index).unwrap());
            }
        }
    }
}
