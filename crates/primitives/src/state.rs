use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256, keccak256};

use crate::{Error, L2_BRIDGE, L2_BRIDGE_BALANCES_SLOT, Result, field::FieldElement, poseidon};

/// What a state-tree entry holds for an account (`docs/state.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum StateKind {
    /// A storage slot of a contract.
    Storage = 0,
    /// An account's nonce.
    Nonce = 1,
    /// An account's balance in wei.
    Balance = 2,
    /// An account's code hash.
    CodeHash = 3,
}

/// The state-tree key of an account field or storage slot (`docs/state.md`):
/// `Poseidon(kind, address, slot >> 128, slot mod 2¹²⁸)` (slot is zero for account fields). Poseidon
/// rather than keccak so that the batch circuit can derive the key of an entry's first write from what the
/// pubdata publishes (a keccak costs ≈ 150k constraints, this ≈ 300).
pub fn state_key(kind: StateKind, account: Address, slot: B256) -> U256 {
    let slot = U256::from_be_bytes(slot.0);
    poseidon(&[
        U256::from(kind as u8),
        U256::from_be_slice(account.as_slice()),
        slot >> 128,
        slot & U256::from(u128::MAX),
    ])
    .expect("inputs below 2^160 are field elements")
}

/// The state-tree key of `account`'s balance of a parent-chain `token` on a child chain (`None`: ether),
/// as `BridgeVault.balanceKey` computes it: ether is the account's balance entry, a bridged token is the
/// bridge system contract's slot `keccak256(account ‖ keccak256(token ‖ L2_BRIDGE_BALANCES_SLOT))`.
pub fn balance_key(account: Address, token: Option<Address>) -> U256 {
    use alloy_sol_types::SolValue;
    match token {
        None => state_key(StateKind::Balance, account, B256::ZERO),
        Some(token) => {
            let inner = keccak256((token, U256::from(L2_BRIDGE_BALANCES_SLOT)).abi_encode_params());
            let slot = keccak256((account, inner).abi_encode_params());
            state_key(StateKind::Storage, L2_BRIDGE, slot)
        }
    }
}

/// Levels of the state tree between a leaf and the root (`docs/state.md`).
pub const STATE_TREE_DEPTH: usize = 16;
/// Children per node of the state tree.
pub const STATE_TREE_ARITY: usize = 4;
/// Positions of the state tree (entry indices 0 to 2³² − 1): 4¹⁶.
pub const STATE_TREE_CAPACITY: u64 = 1 << 32;

/// An inclusion proof in the state tree: for each level from the leaves up, the three other children of
/// the path's node at the level above, in child order.
pub type StateProof = [[U256; 3]; STATE_TREE_DEPTH];

/// The leaf of the entry `key` holding the 256-bit `value`: Poseidon(key, high 128 bits, low 128 bits).
pub fn state_leaf(key: U256, value: U256) -> Result<U256> {
    poseidon(&[key, value >> 128, value & U256::from(u128::MAX)])
}

/// A node of the state tree: Poseidon of its four children.
pub(crate) fn state_node(children: &[U256; STATE_TREE_ARITY]) -> Result<U256> {
    poseidon(children)
}

/// The root of an empty subtree whose leaves are `level` levels below it (`E₀ = 0`,
/// `Eₗ₊₁ = Poseidon(Eₗ, Eₗ, Eₗ, Eₗ)`); `empty_subtree(16)` is the empty tree's root.
pub fn empty_subtree(level: usize) -> U256 {
    static EMPTY: std::sync::OnceLock<[U256; STATE_TREE_DEPTH + 1]> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| {
        let mut empty = [U256::ZERO; STATE_TREE_DEPTH + 1];
        for l in 1..=STATE_TREE_DEPTH {
            empty[l] = state_node(&[empty[l - 1]; STATE_TREE_ARITY]).expect("field elements");
        }
        empty
    })[level]
}

/// The child of its parent that position `index`'s path takes at `level` (0: the leaf itself).
pub(crate) fn state_digit(index: u64, level: usize) -> usize {
    ((index >> (2 * level)) & 3) as usize
}

/// Checks that `index` is a position of the state tree.
pub(crate) fn check_state_index(index: u64) -> Result<()> {
    if index >= STATE_TREE_CAPACITY {
        return Err(Error::StateIndexOutOfRange(index));
    }
    Ok(())
}

/// The state tree recomputed from its entries on demand: the reference the incremental
/// [`StateTree`](crate::StateTree), the circuit and the contracts are checked against. Positions are
/// entry indices; an entry keeps its position whatever value it holds (zero included).
#[derive(Debug, Clone, Default)]
pub struct SparseMerkleTree {
    entries: BTreeMap<u64, (U256, U256)>,
}

impl SparseMerkleTree {
    /// An empty tree (root [`empty_subtree`]`(16)`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts entry `key` holding `value` at position `index`. The key must be a field element, the
    /// index a position, and a taken position keeps its key.
    pub fn insert(&mut self, index: u64, key: U256, value: U256) -> Result<()> {
        check_state_index(index)?;
        key.to_fr()?;
        if let Some((taken, _)) = self.entries.get(&index)
            && *taken != key
        {
            return Err(Error::StatePositionTaken { index, key: *taken });
        }
        self.entries.insert(index, (key, value));
        Ok(())
    }

    /// The entry at `index`, `(key, value)`, if the position is taken.
    pub fn get(&self, index: u64) -> Option<(U256, U256)> {
        self.entries.get(&index).copied()
    }

    /// Number of positions taken.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no position is taken.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The root.
    pub fn root(&self) -> Result<U256> {
        self.subtree(STATE_TREE_DEPTH, 0)
    }

    /// The root of the subtree at `level` holding positions `first .. first + 4^level`.
    fn subtree(&self, level: usize, first: u64) -> Result<U256> {
        let span = 1u64 << (2 * level);
        let mut inside = self.entries.range(first..first + span);
        let Some((&index, &(key, value))) = inside.next() else {
            return Ok(empty_subtree(level));
        };
        if level == 0 {
            debug_assert_eq!(index, first);
            return state_leaf(key, value);
        }
        let quarter = span / 4;
        let mut children = [U256::ZERO; STATE_TREE_ARITY];
        for (j, child) in children.iter_mut().enumerate() {
            *child = self.subtree(level - 1, first + j as u64 * quarter)?;
        }
        state_node(&children)
    }

    /// The inclusion proof of position `index` (taken or not).
    pub fn proof(&self, index: u64) -> Result<StateProof> {
        check_state_index(index)?;
        let mut proof = [[U256::ZERO; 3]; STATE_TREE_DEPTH];
        for (level, siblings) in proof.iter_mut().enumerate() {
            let first = (index >> (2 * level + 2)) << (2 * level + 2);
            let ours = state_digit(index, level);
            let mut k = 0;
            for j in 0..STATE_TREE_ARITY {
                if j != ours {
                    siblings[k] = self.subtree(level, first + ((j as u64) << (2 * level)))?;
                    k += 1;
                }
            }
        }
        Ok(proof)
    }

    /// Recomputes the root from the leaf `leaf` at position `index` and its proof (what the vault
    /// does on chain with `leaf = state_leaf(key, value)`).
    pub fn root_from_proof(index: u64, leaf: U256, proof: &StateProof) -> Result<U256> {
        check_state_index(index)?;
        path_node(index, leaf, proof)
    }
}

/// The node above position `index` of a subtree of `siblings.len()` levels (at most 16): `leaf` hashed
/// up the siblings, from the bottom level (a proof's first `h` levels give the root of the `h`-level
/// subtree holding a leaf; the rest, from that subtree's index `index >> 2h`, the state root). Fails when
/// `index` is not a position of such a subtree (4^levels of them).
pub fn path_node(index: u64, leaf: U256, siblings: &[[U256; 3]]) -> Result<U256> {
    let levels = siblings.len();
    if levels > STATE_TREE_DEPTH || index >> (2 * levels) != 0 {
        return Err(Error::PathIndexOutOfRange { index, levels });
    }
    let mut node = leaf;
    for (level, siblings) in siblings.iter().enumerate() {
        node = state_node(&with_child(siblings, state_digit(index, level), node))?;
    }
    Ok(node)
}

/// The four children of a node: `siblings` in order with `child` at position `digit`.
pub(crate) fn with_child(siblings: &[U256; 3], digit: usize, child: U256) -> [U256; 4] {
    let mut children = [U256::ZERO; STATE_TREE_ARITY];
    let mut k = 0;
    for (j, c) in children.iter_mut().enumerate() {
        if j == digit {
            *c = child;
        } else {
            *c = siblings[k];
            k += 1;
        }
    }
    children
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(n: u64) -> U256 {
        state_key(
            StateKind::Balance,
            Address::from_word(B256::from(U256::from(n))),
            B256::ZERO,
        )
    }

    #[test]
    fn state_keys_match_circomlibjs() {
        // contracts/test/common/vectors/hashing-kat.mjs (circomlibjs), as Hashing.t.sol checks them.
        let slot: B256 = "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
            .parse()
            .unwrap();
        let account = |n: u64| Address::from_word(B256::from(U256::from(n)));
        assert_eq!(
            state_key(StateKind::Storage, account(0xAB), slot),
            "0x1c6d2f7d976c837cda74a222cb6c2e149cea8e1ec7800e9af842de3bf1dd1b95"
                .parse::<U256>()
                .unwrap()
        );
        assert_eq!(
            state_key(StateKind::Balance, account(0xA11CE), B256::ZERO),
            "0x0cc80d559dd249d3b6fb92c742d8cad93fa73348255839dc08b1b304ad28d3b4"
                .parse::<U256>()
                .unwrap()
        );
    }

    #[test]
    fn empty_subtrees_chain_from_zero() {
        assert_eq!(empty_subtree(0), U256::ZERO);
        let e1 = poseidon(&[U256::ZERO; 4]).unwrap();
        assert_eq!(empty_subtree(1), e1);
        assert_eq!(empty_subtree(2), poseidon(&[e1; 4]).unwrap());
        assert_eq!(SparseMerkleTree::new().root().unwrap(), empty_subtree(16));
        assert_ne!(empty_subtree(16), U256::ZERO);
    }

    #[test]
    fn the_leaf_hashes_the_key_and_the_halves_of_the_value() {
        let value = (U256::from(5) << 128) | U256::from(9);
        assert_eq!(
            state_leaf(U256::from(11), value).unwrap(),
            poseidon(&[U256::from(11), U256::from(5), U256::from(9)]).unwrap()
        );
    }

    #[test]
    fn positions_follow_base_four_digits_from_the_leaves() {
        // Entries at 1 and 6 = 0b01_10: 1 is child 1 of the level-1 node 0; 6 is child 2 of the level-1
        // node 1; both level-1 nodes are children 0 and 1 of the level-2 node 0.
        let mut tree = SparseMerkleTree::new();
        tree.insert(1, key(1), U256::from(10)).unwrap();
        tree.insert(6, key(6), U256::ZERO).unwrap();
        let e = empty_subtree;
        let a = state_node(&[
            U256::ZERO,
            state_leaf(key(1), U256::from(10)).unwrap(),
            U256::ZERO,
            U256::ZERO,
        ])
        .unwrap();
        let b = state_node(&[
            U256::ZERO,
            U256::ZERO,
            state_leaf(key(6), U256::ZERO).unwrap(),
            U256::ZERO,
        ])
        .unwrap();
        let mut node = state_node(&[a, b, e(1), e(1)]).unwrap();
        for level in 2..STATE_TREE_DEPTH {
            node = state_node(&[node, e(level), e(level), e(level)]).unwrap();
        }
        assert_eq!(tree.root().unwrap(), node);
        // A zero value keeps its position: the tree differs from one without it.
        let mut without = SparseMerkleTree::new();
        without.insert(1, key(1), U256::from(10)).unwrap();
        assert_ne!(without.root().unwrap(), node);
        let proof = tree.proof(6).unwrap();
        assert_eq!(proof[0], [U256::ZERO; 3]);
        assert_eq!(proof[1], [a, e(1), e(1)]);
    }

    #[test]
    fn bad_positions_and_keys_are_refused() {
        let mut tree = SparseMerkleTree::new();
        tree.insert(3, key(3), U256::from(1)).unwrap();
        assert!(matches!(
            tree.insert(3, key(4), U256::from(1)),
            Err(Error::StatePositionTaken { index: 3, .. })
        ));
        assert!(matches!(
            tree.insert(STATE_TREE_CAPACITY, key(4), U256::from(1)),
            Err(Error::StateIndexOutOfRange(_))
        ));
        assert!(matches!(
            tree.proof(STATE_TREE_CAPACITY),
            Err(Error::StateIndexOutOfRange(_))
        ));
        assert!(matches!(
            path_node(4, U256::ZERO, &[[U256::ZERO; 3]]),
            Err(Error::PathIndexOutOfRange {
                index: 4,
                levels: 1
            })
        ));
        assert!(matches!(
            path_node(0, U256::ZERO, &[[U256::ZERO; 3]; STATE_TREE_DEPTH + 1]),
            Err(Error::PathIndexOutOfRange { levels: 17, .. })
        ));
        assert!(tree.insert(4, crate::FIELD_MODULUS, U256::from(1)).is_err());
        assert_eq!(tree.len(), 1);
        assert_eq!(tree.get(3), Some((key(3), U256::from(1))));
        assert_eq!(tree.get(4), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn every_proof_leads_to_the_root(
            entries in proptest::collection::btree_map(prop_oneof![0u64..40, (STATE_TREE_CAPACITY - 40)..STATE_TREE_CAPACITY], any::<u64>(), 1..10)
        ) {
            let mut tree = SparseMerkleTree::new();
            for (index, value) in &entries {
                tree.insert(*index, key(*index), U256::from(*value)).unwrap();
            }
            let root = tree.root().unwrap();
            for (index, value) in &entries {
                let proof = tree.proof(*index).unwrap();
                let leaf = state_leaf(key(*index), U256::from(*value)).unwrap();
                prop_assert_eq!(SparseMerkleTree::root_from_proof(*index, leaf, &proof).unwrap(), root);
                let other = state_leaf(key(*index), U256::from(*value) + U256::from(1)).unwrap();
                prop_assert_ne!(SparseMerkleTree::root_from_proof(*index, other, &proof).unwrap(), root);
                prop_assert_ne!(SparseMerkleTree::root_from_proof(*index ^ 1, leaf, &proof).unwrap(), root);
                // Through any subtree: its root from the lower levels, then its path from its index.
                for h in [0, 1, 10, 16] {
                    let subtree = path_node(*index & ((1 << (2 * h)) - 1), leaf, &proof[..h]).unwrap();
                    prop_assert_eq!(path_node(*index >> (2 * h), subtree, &proof[h..]).unwrap(), root);
                }
            }
        }
    }
}
