//! The state a block executes on, and its adapter to revm's `Database`.

use std::sync::Arc;

use alloy_primitives::{Address, B256, Bytes, U256};
use fractal_primitives::AccountInfo;
use revm::{
    Database, bytecode::Bytecode, primitives::KECCAK_EMPTY, state::AccountInfo as RevmAccountInfo,
};

use crate::SourceError;

/// Read access to the state a block executes on: the storage crate implements it over a
/// committed state root, tests use an in-memory map (`InMemoryState`, feature `test-utils`).
///
/// Reads are cached for the duration of one [`execute_block`](crate::execute_block),
/// [`call`](crate::call) or [`estimate_gas`](crate::estimate_gas), so each account, slot and
/// code is asked for at most once per run.
pub trait StateSource: Send + Sync {
    /// The account's header, or `None` if it does not exist.
    fn account(&self, address: Address) -> Result<Option<AccountInfo>, SourceError>;
    /// A storage slot's value (zero when unset or when the account does not exist).
    fn storage(&self, address: Address, slot: U256) -> Result<U256, SourceError>;
    /// The code with this hash, or `None` if unknown.
    fn code_by_hash(&self, code_hash: B256) -> Result<Option<Bytes>, SourceError>;
    /// The hash of block `number`, or `None` if unknown (BLOCKHASH then yields zero).
    fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError>;
}

impl<T: StateSource + ?Sized> StateSource for &T {
    fn account(&self, address: Address) -> Result<Option<AccountInfo>, SourceError> {
        (**self).account(address)
    }
    fn storage(&self, address: Address, slot: U256) -> Result<U256, SourceError> {
        (**self).storage(address, slot)
    }
    fn code_by_hash(&self, code_hash: B256) -> Result<Option<Bytes>, SourceError> {
        (**self).code_by_hash(code_hash)
    }
    fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        (**self).block_hash(number)
    }
}

impl<T: StateSource + ?Sized> StateSource for Arc<T> {
    fn account(&self, address: Address) -> Result<Option<AccountInfo>, SourceError> {
        (**self).account(address)
    }
    fn storage(&self, address: Address, slot: U256) -> Result<U256, SourceError> {
        (**self).storage(address, slot)
    }
    fn code_by_hash(&self, code_hash: B256) -> Result<Option<Bytes>, SourceError> {
        (**self).code_by_hash(code_hash)
    }
    fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        (**self).block_hash(number)
    }
}

/// Whether a code hash means "no code" (`KECCAK_EMPTY`, or zero from a store that never set it).
pub(crate) fn is_empty_code_hash(code_hash: B256) -> bool {
    code_hash == KECCAK_EMPTY || code_hash.is_zero()
}

/// The one adapter between a [`StateSource`] and revm's [`Database`].
#[derive(Debug)]
pub(crate) struct SourceDb<'a, S> {
    source: &'a S,
}

impl<'a, S: StateSource> SourceDb<'a, S> {
    pub(crate) fn new(source: &'a S) -> Self {
        Self { source }
    }
}

impl<S: StateSource> Database for SourceDb<'_, S> {
    type Error = SourceError;

    fn basic(&mut self, address: Address) -> Result<Option<RevmAccountInfo>, SourceError> {
        Ok(self.source.account(address)?.map(|info| {
            let empty = is_empty_code_hash(info.code_hash);
            RevmAccountInfo {
                balance: info.balance,
                nonce: info.nonce,
                code_hash: if empty { KECCAK_EMPTY } else { info.code_hash },
                // Code is fetched lazily through `code_by_hash` (and cached by revm's `State`).
                code: empty.then(Bytecode::default),
                ..Default::default()
            }
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, SourceError> {
        if is_empty_code_hash(code_hash) {
            return Ok(Bytecode::default());
        }
        let bytes = self
            .source
            .code_by_hash(code_hash)?
            .ok_or(SourceError::MissingCode(code_hash))?;
        // `new_raw_checked` recognises EIP-7702 delegations; it only fails on a malformed one,
        // which is then plain (legacy) code, as it was when deployed.
        Ok(
            Bytecode::new_raw_checked(bytes.clone())
                .unwrap_or_else(|_| Bytecode::new_legacy(bytes)),
        )
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, SourceError> {
        self.source.storage(address, index)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, SourceError> {
        Ok(self.source.block_hash(number)?.unwrap_or_default())
    }
}

#[cfg(any(test, feature = "test-utils"))]
pub use in_memory::InMemoryState;

#[cfg(any(test, feature = "test-utils"))]
mod in_memory {
    use std::collections::HashMap;

    use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
    use fractal_primitives::{AccountInfo, StateDiff};
    use revm::primitives::KECCAK_EMPTY;

    use super::StateSource;
    use crate::SourceError;

    /// A `HashMap`-backed [`StateSource`] for tests (feature `test-utils`).
    #[derive(Debug, Clone, Default)]
    pub struct InMemoryState {
        accounts: HashMap<Address, AccountInfo>,
        storage: HashMap<Address, HashMap<U256, U256>>,
        code: HashMap<B256, Bytes>,
        block_hashes: HashMap<u64, B256>,
    }

    impl InMemoryState {
        /// An empty state.
        pub fn new() -> Self {
            Self::default()
        }

        /// Sets an account's header (creating it).
        pub fn set_account(&mut self, address: Address, info: AccountInfo) {
            self.accounts.insert(address, info);
        }

        /// Gives `address` a balance, creating a code-less account with nonce 0 if needed.
        pub fn set_balance(&mut self, address: Address, balance: U256) {
            self.accounts
                .entry(address)
                .or_insert(AccountInfo {
                    nonce: 0,
                    balance: U256::ZERO,
                    code_hash: KECCAK_EMPTY,
                })
                .balance = balance;
        }

        /// Puts `code` at `address` (nonce 1, zero balance unless the account exists already).
        pub fn set_code(&mut self, address: Address, code: Bytes) {
            let code_hash = keccak256(&code);
            self.code.insert(code_hash, code);
            let account = self.accounts.entry(address).or_insert(AccountInfo {
                nonce: 1,
                balance: U256::ZERO,
                code_hash,
            });
            account.code_hash = code_hash;
        }

        /// Sets one storage slot.
        pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
            self.storage.entry(address).or_default().insert(slot, value);
        }

        /// Records a block hash for BLOCKHASH.
        pub fn set_block_hash(&mut self, number: u64, hash: B256) {
            self.block_hashes.insert(number, hash);
        }

        /// The account at `address`, if any.
        pub fn get_account(&self, address: Address) -> Option<AccountInfo> {
            self.accounts.get(&address).copied()
        }

        /// A storage slot's value.
        pub fn get_storage(&self, address: Address, slot: U256) -> U256 {
            self.storage
                .get(&address)
                .and_then(|slots| slots.get(&slot))
                .copied()
                .unwrap_or_default()
        }

        /// Applies a block's state diff, as the storage crate would on commit.
        pub fn apply(&mut self, diff: &StateDiff) {
            for account in &diff.accounts {
                if account.storage_cleared {
                    self.storage.remove(&account.address);
                }
                match account.info {
                    Some(info) => {
                        self.accounts.insert(account.address, info);
                    }
                    None => {
                        self.accounts.remove(&account.address);
                    }
                }
                if let (Some(code), Some(info)) = (&account.code, account.info) {
                    self.code.insert(info.code_hash, code.clone());
                }
                if !account.storage.is_empty() {
                    let slots = self.storage.entry(account.address).or_default();
                    for (slot, value) in &account.storage {
                        if value.is_zero() {
                            slots.remove(slot);
                        } else {
                            slots.insert(*slot, *value);
                        }
                    }
                }
            }
        }
    }

    impl StateSource for InMemoryState {
        fn account(&self, address: Address) -> Result<Option<AccountInfo>, SourceError> {
            Ok(self.accounts.get(&address).copied())
        }

        fn storage(&self, address: Address, slot: U256) -> Result<U256, SourceError> {
            Ok(self.get_storage(address, slot))
        }

        fn code_by_hash(&self, code_hash: B256) -> Result<Option<Bytes>, SourceError> {
            Ok(self.code.get(&code_hash).cloned())
        }

        fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
            Ok(self.block_hashes.get(&number).copied())
        }
    }
}
