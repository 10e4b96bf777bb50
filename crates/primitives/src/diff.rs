use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, Bytes, U256};

/// An account's header fields (code lives apart, by hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountInfo {
    /// Transaction count (or creation count for contracts).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// keccak256 of the code (`KECCAK_EMPTY` for accounts without code).
    pub code_hash: B256,
}

/// What one block (or batch) changed in one account: the final values only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountDiff {
    /// The account.
    pub address: Address,
    /// New header fields; `None` when the account was destroyed (or never existed and stays empty).
    pub info: Option<AccountInfo>,
    /// Storage slots written, with their final values (zero: cleared).
    pub storage: BTreeMap<U256, U256>,
    /// Whether all earlier storage was wiped first (self-destruct, or creation over an old account).
    pub storage_cleared: bool,
    /// Code deployed in this block, if any.
    pub code: Option<Bytes>,
}

/// The state changes of a block or batch, sorted by address: final values, each account once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateDiff {
    /// Changed accounts, sorted by address.
    pub accounts: Vec<AccountDiff>,
}

impl StateDiff {
    /// Number of changed storage slots across all accounts.
    pub fn storage_writes(&self) -> usize {
        self.accounts.iter().map(|a| a.storage.len()).sum()
    }
}
