use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256, keccak256};

use crate::{
    Error, L2_BRIDGE, L2_BRIDGE_BALANCES_SLOT, Result, field::FieldElement, field::hash2, poseidon,
};

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

/// The state-tree key of an account field or storage slot: keccak256(kind ‖ address ‖ slot) reduced
/// modulo the field (slot is zero for account fields).
pub fn state_key(kind: StateKind, account: Address, slot: B256) -> U256 {
    let mut preimage = Vec::with_capacity(1 + 20 + 32);
    preimage.push(kind as u8);
    preimage.extend_from_slice(account.as_slice());
    preimage.extend_from_slice(slot.as_slice());
    U256::from_be_bytes(keccak256(preimage).0).reduce()
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

/// A 256-bit word as one field element: Poseidon(high 128 bits, low 128 bits).
pub fn word_hash(word: U256) -> U256 {
    hash2(word >> 128, word & U256::from(u128::MAX)).expect("128-bit halves are field elements")
}

/// The leaf hash of `key` holding `value`: Poseidon(key, wordHash(value), 1), circomlib's layout.
pub fn state_leaf(key: U256, value: U256) -> Result<U256> {
    poseidon(&[key, word_hash(value), U256::from(1)])
}

/// A sparse Merkle tree in circomlib's layout: binary, Poseidon nodes, empty subtrees hash to 0, the path
/// of a key is its bits from the least significant one, and a leaf sits at the shallowest depth where its
/// path prefix is unique. Entries whose value is zero are absent.
///
/// This in-memory version recomputes hashes on demand; it is the reference the storage-backed tree, the
/// circuits and the contracts are checked against.
#[derive(Debug, Clone, Default)]
pub struct SparseMerkleTree {
    entries: BTreeMap<U256, U256>,
}

impl SparseMerkleTree {
    /// An empty tree (root 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value` (zero removes the entry). The key must be a field element.
    pub fn insert(&mut self, key: U256, value: U256) -> Result<()> {
        key.to_fr()?;
        if value.is_zero() {
            self.entries.remove(&key);
        } else {
            self.entries.insert(key, value);
        }
        Ok(())
    }

    /// The value at `key` (zero when absent).
    pub fn get(&self, key: U256) -> U256 {
        self.entries.get(&key).copied().unwrap_or_default()
    }

    /// Number of non-zero entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the tree has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The root.
    pub fn root(&self) -> Result<U256> {
        let entries: Vec<_> = self.entries.iter().map(|(k, v)| (*k, *v)).collect();
        subtree_root(&entries, 0)
    }

    /// The inclusion proof of `key`: the siblings from the root down to the leaf's depth.
    pub fn proof(&self, key: U256) -> Result<Vec<U256>> {
        if !self.entries.contains_key(&key) {
            return Err(Error::MissingKey(key));
        }
        let mut entries: Vec<_> = self.entries.iter().map(|(k, v)| (*k, *v)).collect();
        let mut siblings = Vec::new();
        let mut depth = 0;
        while entries.len() > 1 {
            let (left, right): (Vec<_>, Vec<_>) =
                entries.into_iter().partition(|(k, _)| !k.bit(depth));
            let (ours, theirs) = if key.bit(depth) {
                (right, left)
            } else {
                (left, right)
            };
            siblings.push(subtree_root(&theirs, depth + 1)?);
            entries = ours;
            depth += 1;
        }
        Ok(siblings)
    }

    /// Recomputes the root from an inclusion proof (as the vault does on chain).
    pub fn root_from_proof(key: U256, value: U256, siblings: &[U256]) -> Result<U256> {
        let mut node = state_leaf(key, value)?;
        for (depth, sibling) in siblings.iter().enumerate().rev() {
            node = if key.bit(depth) {
                hash2(*sibling, node)?
            } else {
                hash2(node, *sibling)?
            };
        }
        Ok(node)
    }
}

fn subtree_root(entries: &[(U256, U256)], depth: usize) -> Result<U256> {
    match entries {
        [] => Ok(U256::ZERO),
        [(key, value)] => state_leaf(*key, *value),
        _ => {
            let (left, right): (Vec<_>, Vec<_>) = entries.iter().partition(|(k, _)| !k.bit(depth));
            hash2(
                subtree_root(&left, depth + 1)?,
                subtree_root(&right, depth + 1)?,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn single_leaf_is_the_root() {
        let mut tree = SparseMerkleTree::new();
        tree.insert(U256::from(5), U256::from(9)).unwrap();
        assert_eq!(
            tree.root().unwrap(),
            state_leaf(U256::from(5), U256::from(9)).unwrap()
        );
        assert!(tree.proof(U256::from(5)).unwrap().is_empty());
    }

    #[test]
    fn leaves_sit_at_their_shortest_unique_prefix() {
        // Keys 1 (…001) and 3 (…011) share bit 0 and split at bit 1; key 2 (…010) splits at bit 0.
        let mut tree = SparseMerkleTree::new();
        for k in 1..=3u64 {
            tree.insert(U256::from(k), U256::from(k * 10)).unwrap();
        }
        let leaf = |k: u64| state_leaf(U256::from(k), U256::from(k * 10)).unwrap();
        let expected = hash2(leaf(2), hash2(leaf(1), leaf(3)).unwrap()).unwrap();
        assert_eq!(tree.root().unwrap(), expected);
        assert_eq!(tree.proof(U256::from(3)).unwrap().len(), 2);
    }

    #[test]
    fn zero_value_removes_and_missing_keys_have_no_proof() {
        let mut tree = SparseMerkleTree::new();
        tree.insert(U256::from(1), U256::from(1)).unwrap();
        tree.insert(U256::from(1), U256::ZERO).unwrap();
        assert!(tree.is_empty());
        assert_eq!(tree.root().unwrap(), U256::ZERO);
        assert!(matches!(
            tree.proof(U256::from(1)),
            Err(Error::MissingKey(_))
        ));
        assert!(tree.insert(crate::FIELD_MODULUS, U256::from(1)).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn every_proof_leads_to_the_root(seeds in proptest::collection::vec(any::<u64>(), 1..12)) {
            let mut tree = SparseMerkleTree::new();
            for s in &seeds {
                let key = state_key(StateKind::Balance, Address::from_word(B256::from(U256::from(*s))), B256::ZERO);
                tree.insert(key, U256::from(*s) + U256::from(1)).unwrap();
            }
            let root = tree.root().unwrap();
            for s in &seeds {
                let key = state_key(StateKind::Balance, Address::from_word(B256::from(U256::from(*s))), B256::ZERO);
                let proof = tree.proof(key).unwrap();
                let value = tree.get(key);
                prop_assert_eq!(SparseMerkleTree::root_from_proof(key, value, &proof).unwrap(), root);
                prop_assert_ne!(SparseMerkleTree::root_from_proof(key, value + U256::from(1), &proof).unwrap(), root);
            }
        }
    }
}
