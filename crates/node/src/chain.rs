//! The chain core shared by the sequencer loop and the APIs: the store, the mempool, block production
//! and notifications of new blocks.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use alloy_consensus::{
    EMPTY_OMMER_ROOT_HASH, Header, Transaction as _, TxEnvelope,
    transaction::{Recovered, SignerRecoverable},
};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use fractal_execution::{
    BlockEnv, CallOutcome, CallRequest, ChainConfig as ExecConfig, ExecutedBlock, InvalidTx,
    SourceError, StateSource,
};
use fractal_primitives::{AccountDiff, AccountInfo, StateDiff};
use fractal_storage::{NewBlock, NewTransaction, Receipt, Store, StoredBlock};
use tokio::sync::broadcast;
use tracing::{debug, info, warn};

use crate::{
    Error, Result,
    config::ChainConfig,
    mempool::{Mempool, PoolConfig, SenderState},
};

/// A block just appended, as subscribers see it.
#[derive(Debug, Clone)]
pub struct BlockNotification {
    /// The block.
    pub block: Arc<StoredBlock>,
    /// Its transactions' hashes and receipts, in order.
    pub receipts: Arc<Vec<(B256, Receipt)>>,
}

/// The chain: a store, a mempool and the rules that turn pending transactions into blocks.
pub struct Chain<S> {
    config: ChainConfig,
    exec: ExecConfig,
    store: Arc<S>,
    pool: Mutex<Mempool>,
    blocks: broadcast::Sender<BlockNotification>,
    /// Serializes block production (one producer at a time).
    producing: Mutex<()>,
}

impl<S> std::fmt::Debug for Chain<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("chain_id", &self.config.chain_id)
            .finish_non_exhaustive()
    }
}

/// Reads state from the store at one block for execution.
struct StoreSource<'a, S> {
    store: &'a S,
    at: Option<u64>,
}

impl<S: Store> StateSource for StoreSource<'_, S> {
    fn account(&self, address: Address) -> Result<Option<AccountInfo>, SourceError> {
        self.store
            .account(address, self.at)
            .map_err(SourceError::backend)
    }
    fn storage(&self, address: Address, slot: U256) -> Result<U256, SourceError> {
        self.store
            .storage(address, slot, self.at)
            .map_err(SourceError::backend)
    }
    fn code_by_hash(&self, code_hash: B256) -> Result<Option<Bytes>, SourceError> {
        self.store
            .code_by_hash(code_hash)
            .map_err(SourceError::backend)
    }
    fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        self.store.block_hash(number).map_err(SourceError::backend)
    }
}

impl<S: Store + 'static> Chain<S> {
    /// Opens the chain on `store`, writing the genesis block when the store is empty.
    pub fn open(config: ChainConfig, store: Arc<S>) -> Result<Self> {
        config.validate()?;
        if store.latest_block_number()?.is_none() {
            store.append_block(genesis_block(&config))?;
            info!(
                chain_id = config.chain_id,
                accounts = config.genesis.len(),
                "wrote genesis"
            );
        }
        let exec = ExecConfig::new(config.chain_id).with_block_gas_limit(config.block_gas_limit);
        let (blocks, _) = broadcast::channel(1024);
        Ok(Self {
            pool: Mutex::new(Mempool::new(PoolConfig::new(config.chain_id))),
            exec,
            config,
            store,
            blocks,
            producing: Mutex::new(()),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The store.
    pub fn store(&self) -> &Arc<S> {
        &self.store
    }

    /// New blocks, as they are appended.
    pub fn subscribe_blocks(&self) -> broadcast::Receiver<BlockNotification> {
        self.blocks.subscribe()
    }

    /// The latest block number.
    pub fn latest_number(&self) -> Result<u64> {
        Ok(self.store.latest_block_number()?.unwrap_or(0))
    }

    /// The constant base fee.
    pub fn base_fee(&self) -> u64 {
        self.config.base_fee
    }

    /// Decodes, recovers and admits a raw transaction into the mempool; returns its hash.
    pub fn submit_raw(&self, raw: &[u8]) -> Result<B256> {
        let mut buf = raw;
        let envelope =
            TxEnvelope::decode_2718(&mut buf).map_err(|e| Error::Decode(e.to_string()))?;
        if !buf.is_empty() {
            return Err(Error::Decode(format!(
                "{} trailing bytes after the transaction",
                buf.len()
            )));
        }
        {
            let pool = self.pool.lock().expect("mempool lock");
            pool.check_stateless(&envelope, u128::from(self.config.base_fee))?;
        }
        let signer = envelope.recover_signer().map_err(|_| Error::BadSignature)?;
        let recovered = Recovered::new_unchecked(envelope, signer);
        let account = self.store.account(signer, None)?.unwrap_or_default();
        let hash = *recovered.tx_hash();
        let mut pool = self.pool.lock().expect("mempool lock");
        pool.insert(
            recovered,
            SenderState {
                nonce: account.nonce,
                balance: account.balance,
            },
        )?;
        debug!(%hash, sender = %signer, "admitted transaction");
        Ok(hash)
    }

    /// The next nonce of `address`, counting pending transactions when `pending`.
    pub fn nonce(&self, address: Address, at: Option<u64>, pending: bool) -> Result<u64> {
        let nonce = self.store.account(address, at)?.map_or(0, |a| a.nonce);
        if pending {
            return Ok(self
                .pool
                .lock()
                .expect("mempool lock")
                .next_nonce(address, nonce));
        }
        Ok(nonce)
    }

    /// A pending transaction's raw bytes and sender, if it is in the mempool.
    pub fn pending_transaction(&self, hash: &B256) -> Option<(Bytes, Address)> {
        self.pool
            .lock()
            .expect("mempool lock")
            .get(hash)
            .map(|t| (t.raw.clone(), t.sender()))
    }

    /// Number of pending transactions.
    pub fn pending_count(&self) -> usize {
        self.pool.lock().expect("mempool lock").len()
    }

    fn block_env(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number,
            timestamp,
            beneficiary: Address::ZERO,
            base_fee: self.config.base_fee,
            gas_limit: self.config.block_gas_limit,
            prevrandao: B256::ZERO,
        }
    }

    /// Runs a call against the state at `at` (None: latest), in the context of the next block.
    pub fn call(&self, request: &CallRequest, at: Option<u64>) -> Result<CallOutcome> {
        let (number, timestamp) = self.context_of(at)?;
        let source = StoreSource {
            store: &*self.store,
            at,
        };
        Ok(fractal_execution::call(
            &source,
            &self.exec,
            &self.block_env(number, timestamp),
            request,
        )?)
    }

    /// Estimates the gas of a call against the state at `at`.
    pub fn estimate_gas(&self, request: &CallRequest, at: Option<u64>) -> Result<u64> {
        let (number, timestamp) = self.context_of(at)?;
        let source = StoreSource {
            store: &*self.store,
            at,
        };
        Ok(fractal_execution::estimate_gas(
            &source,
            &self.exec,
            &self.block_env(number, timestamp),
            request,
        )?)
    }

    fn context_of(&self, at: Option<u64>) -> Result<(u64, u64)> {
        let number = at.unwrap_or(self.latest_number()?);
        let block = self
            .store
            .block_by_number(number)?
            .ok_or(Error::UnknownBlock(number))?;
        Ok((number, block.header.timestamp))
    }

    /// Produces the next block from the mempool (also when it is empty: blocks keep time). Returns the
    /// block appended.
    pub fn produce_block(&self) -> Result<BlockNotification> {
        let _guard = self.producing.lock().expect("producer lock");
        let parent_number = self.latest_number()?;
        let parent = self
            .store
            .block_by_number(parent_number)?
            .ok_or(Error::UnknownBlock(parent_number))?;
        let number = parent_number + 1;
        let timestamp = now_secs().max(parent.header.timestamp);
        let candidates = {
            let pool = self.pool.lock().expect("mempool lock");
            pool.best(usize::MAX, self.config.block_gas_limit)
        };
        let txs: Vec<Recovered<TxEnvelope>> = candidates.iter().map(|t| t.tx.clone()).collect();
        let source = StoreSource {
            store: &*self.store,
            at: None,
        };
        let env = self.block_env(number, timestamp);
        let executed = fractal_execution::execute_block(&source, &self.exec, &env, txs)?;
        let (new_block, receipts) = self.seal(&parent, &env, executed.clone());
        let block_hash = new_block.hash;
        self.store.append_block(new_block)?;

        {
            let mut pool = self.pool.lock().expect("mempool lock");
            pool.remove(executed.transactions.iter().map(|t| *t.tx_hash()));
            for (hash, reason) in &executed.skipped {
                if let Some(tx) = pool.get(hash) {
                    warn!(%hash, %reason, "dropping transaction that no longer fits the state");
                    match reason {
                        InvalidTx::NonceTooHigh { .. } => {}
                        _ => {
                            pool.drop_sender_from(tx.sender(), tx.nonce());
                        }
                    }
                }
            }
        }
        let block = self
            .store
            .block_by_number(number)?
            .ok_or(Error::UnknownBlock(number))?;
        debug!(number, hash = %block_hash, txs = receipts.len(), "sealed block");
        let notification = BlockNotification {
            block: Arc::new(block),
            receipts: Arc::new(receipts),
        };
        let _ = self.blocks.send(notification.clone());
        Ok(notification)
    }

    fn seal(
        &self,
        parent: &StoredBlock,
        env: &BlockEnv,
        executed: ExecutedBlock,
    ) -> (NewBlock, Vec<(B256, Receipt)>) {
        let header = Header {
            parent_hash: parent.hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: env.beneficiary,
            state_root: B256::ZERO,
            transactions_root: executed.transactions_root,
            receipts_root: executed.receipts_root,
            logs_bloom: executed.logs_bloom,
            difficulty: U256::ZERO,
            number: env.number,
            gas_limit: env.gas_limit,
            gas_used: executed.gas_used,
            timestamp: env.timestamp,
            mix_hash: env.prevrandao,
            base_fee_per_gas: Some(env.base_fee),
            ..Default::default()
        };
        let mut transactions = Vec::with_capacity(executed.transactions.len());
        let mut receipts = Vec::with_capacity(executed.transactions.len());
        for (tx, outcome) in executed.transactions.iter().zip(&executed.outcomes) {
            let raw = Bytes::from(tx.encoded_2718());
            transactions.push(NewTransaction {
                hash: outcome.tx_hash,
                raw,
                sender: outcome.sender,
            });
            let receipt = Receipt {
                tx_type: tx.tx_type() as u8,
                success: outcome.success,
                cumulative_gas_used: outcome.cumulative_gas_used,
                gas_used: outcome.gas_used,
                effective_gas_price: outcome.effective_gas_price,
                from: outcome.sender,
                to: tx.to(),
                contract_address: outcome.contract_address,
                logs: outcome.logs.clone(),
                logs_bloom: outcome.logs_bloom,
            };
            receipts.push((outcome.tx_hash, receipt));
        }
        let block = NewBlock::new(
            header,
            transactions,
            receipts.iter().map(|(_, r)| r.clone()).collect(),
            executed.diff,
        );
        (block, receipts)
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The genesis block (number 0) of a chain: its alloc as the state diff, no transactions.
pub fn genesis_block(config: &ChainConfig) -> NewBlock {
    let accounts = config
        .genesis
        .iter()
        .map(|(address, account)| {
            let code_hash = account
                .code
                .as_ref()
                .map_or(alloy_primitives::KECCAK256_EMPTY, keccak256);
            AccountDiff {
                address: *address,
                info: Some(AccountInfo {
                    nonce: account.nonce,
                    balance: account.balance,
                    code_hash,
                }),
                storage: account
                    .storage
                    .iter()
                    .map(|(k, v)| (*k, *v))
                    .collect::<BTreeMap<_, _>>(),
                storage_cleared: false,
                code: account.code.clone(),
            }
        })
        .collect();
    let header = Header {
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        transactions_root: alloy_consensus::EMPTY_ROOT_HASH,
        receipts_root: alloy_consensus::EMPTY_ROOT_HASH,
        gas_limit: config.block_gas_limit,
        base_fee_per_gas: Some(config.base_fee),
        extra_data: Bytes::copy_from_slice(format!("fractal:{}", config.name).as_bytes()),
        ..Default::default()
    };
    NewBlock::new(header, vec![], vec![], StateDiff { accounts })
}
