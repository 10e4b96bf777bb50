//! The chain core shared by the sequencer loop and the APIs: the store, the mempool, block production
//! and notifications of new blocks.

use std::{
    collections::{BTreeMap, VecDeque},
    path::PathBuf,
    sync::{
        Arc, Condvar, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use alloy_consensus::{
    EMPTY_OMMER_ROOT_HASH, Header, Transaction as _, TxEnvelope,
    transaction::{Recovered, SignerRecoverable},
};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{
    Address, B64, B256, Bytes, U256, keccak256,
    map::{AddressMap, AddressSet, B256Map, HashMap},
};
use fractal_execution::{
    BlockBuilder, BlockEnv, CallOutcome, CallRequest, ChainConfig as ExecConfig, ExecutedBlock,
    InvalidTx, PriorityTx, SourceError, StateSource, TxOutcome,
};
use fractal_primitives::{
    AccountDiff, AccountInfo, MAX_MESSAGES_PER_BLOCK, PRIORITY_TX_TYPE, PriorityOp, StateDiff,
};
use fractal_storage::{NewBlock, NewTransaction, Receipt, Store, StoredBlock, StoredReceipt};
use tokio::sync::{broadcast, oneshot};
use tracing::{debug, info, warn};

use crate::{
    Error, Result,
    config::ChainConfig,
    mempool::{Mempool, PoolConfig, PooledTx, SenderState},
    wal::{Wal, WalContents, WalHeader},
};

/// Most transactions the sequencer takes from the mempool at once (one log sync per group).
const MAX_GROUP: usize = 1_024;

/// The block writer makes a block durable in the store (a synced commit) when its number is a
/// multiple of this, or when [`DURABLE_TXS`] transactions have been stored since the last synced
/// commit; the blocks between are committed without a sync, visible at once and durable with the
/// next synced one. Fewer syncs, and a page that several blocks in a row change reaches the disk once
/// (docs/node.md, "The store syncs every 32nd block").
pub const DURABLE_EVERY: u64 = 32;

/// Transactions stored without a sync after which the next block is synced, which bounds how much a
/// synced commit writes (and how long it keeps the disk from the write-ahead log's syncs) when blocks
/// are full.
pub const DURABLE_TXS: usize = 2_048;

/// Sealed blocks that may wait for the writer while the sequencer goes on: a slow store write (a
/// synced commit on a busy disk) delays no answer unless it outlasts this many blocks.
const WRITE_QUEUE: usize = 4;

/// Write-ahead logs in the ring. Block N reuses the log of block N − `WAL_RING` only once that block
/// is durable: the sequencer begins block N once block N − 1 is queued for the writer, so at most
/// `WRITE_QUEUE` blocks wait and one is being written; the writer has finished block
/// N − `WRITE_QUEUE` − 2, and the last durable block is at most `DURABLE_EVERY` − 1 before that.
const WAL_RING: u64 = 2 * DURABLE_EVERY;
const _: () = assert!(WAL_RING >= DURABLE_EVERY + WRITE_QUEUE as u64 + 2);

/// A transaction the sequencer has executed in the pending block: its receipt, final except for the
/// block hash (zero until the block is sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutedTx {
    /// The receipt, with `block_hash` zero.
    pub receipt: StoredReceipt,
    /// The pending block's timestamp.
    pub timestamp: u64,
}

/// What a watcher of a submitted transaction learns once the sequencer has run it: its receipt, or
/// why it could not be included (it left the pool).
pub type Execution = std::result::Result<Arc<ExecutedTx>, InvalidTx>;

/// A block just appended, as subscribers see it.
#[derive(Debug, Clone)]
pub struct BlockNotification {
    /// The block.
    pub block: Arc<StoredBlock>,
    /// Its transactions' hashes and receipts, in order.
    pub receipts: Arc<Vec<(B256, Receipt)>>,
    /// What it changed: the final values of the accounts and slots it touched (batches are built
    /// from these).
    pub diff: Arc<StateDiff>,
}

/// The chain: a store, a mempool and the rules that turn pending transactions into blocks.
pub struct Chain<S> {
    config: ChainConfig,
    exec: ExecConfig,
    store: Arc<S>,
    pool: Mutex<Mempool>,
    blocks: broadcast::Sender<BlockNotification>,
    /// The blocks' write-ahead logs, a ring used by the sequencer only: block N logs to
    /// `wals[N % WAL_RING]`, so a block's log survives until the block is durable in the store (see
    /// [`DURABLE_EVERY`]).
    wals: Mutex<Vec<Wal>>,
    /// Set when transactions arrive; the sequencer waits on it.
    work: (Mutex<bool>, Condvar),
    /// Submitters waiting for a transaction to execute.
    watchers: Mutex<B256Map<Vec<oneshot::Sender<Execution>>>>,
    /// Receipts of the pending block's transactions, until the block is sealed.
    executed: Mutex<B256Map<Arc<ExecutedTx>>>,
    /// Priority operations read from the parent's queue, waiting for a block.
    priority: Mutex<PriorityInbox>,
}

/// Most priority operations one block executes.
const MAX_PRIORITY_PER_BLOCK: usize = 256;

/// The parent's priority operations that the chain knows of but has not executed yet.
#[derive(Debug, Default)]
struct PriorityInbox {
    /// In queue order, the first one being the next to execute.
    queued: VecDeque<PriorityOp>,
    /// The index of the next operation to accept: executed ones plus queued ones.
    next: u64,
}

/// The number of priority operations executed up to and including a block: kept in its header's
/// `nonce` field (docs/node.md, "Priority operations").
pub fn priority_count_of(header: &Header) -> u64 {
    u64::from_be_bytes(header.nonce.0)
}

impl<S> std::fmt::Debug for Chain<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("chain_id", &self.config.chain_id)
            .finish_non_exhaustive()
    }
}

/// The block the next one builds on.
struct Parent {
    number: u64,
    hash: B256,
    timestamp: u64,
    /// Priority operations executed up to and including it.
    priority_count: u64,
    /// The changes of the blocks up to it that the writer may not have stored yet, oldest first.
    unwritten: Vec<Arc<Overlay>>,
}

/// A sealed block on its way to the writer.
struct SealedBlock {
    number: u64,
    block: NewBlock,
    receipts: Vec<(B256, Receipt)>,
}

/// The changes of a block on its way to the store, read before the store: the next blocks execute on
/// top of them without waiting for the write. Reads of anything else go to the store, whose answer is
/// the same before and after that block is written.
#[derive(Debug, Default)]
struct Overlay {
    number: u64,
    hash: B256,
    accounts: AddressMap<Option<AccountInfo>>,
    storage: HashMap<(Address, U256), U256>,
    cleared: AddressSet,
    code: B256Map<Bytes>,
}

impl Overlay {
    fn of(number: u64, hash: B256, diff: &StateDiff) -> Self {
        let mut overlay = Self {
            number,
            hash,
            ..Self::default()
        };
        for account in &diff.accounts {
            overlay.accounts.insert(account.address, account.info);
            if account.storage_cleared || account.info.is_none() {
                overlay.cleared.insert(account.address);
            }
            for (slot, value) in &account.storage {
                overlay.storage.insert((account.address, *slot), *value);
            }
            if let (Some(code), Some(info)) = (&account.code, &account.info) {
                overlay.code.insert(info.code_hash, code.clone());
            }
        }
        overlay
    }
}

/// What the pending block executes on: the latest stored state, under the overlays of the blocks
/// still on their way to the store, searched newest first. An overlay of a block the store already
/// holds answers what the store would.
struct PendingSource<'a, S> {
    latest: StoreSource<'a, S>,
    /// Oldest first.
    overlays: &'a [Arc<Overlay>],
}

impl<S: Store> StateSource for PendingSource<'_, S> {
    fn account(&self, address: Address) -> Result<Option<AccountInfo>, SourceError> {
        for overlay in self.overlays.iter().rev() {
            if let Some(info) = overlay.accounts.get(&address) {
                return Ok(*info);
            }
        }
        self.latest.account(address)
    }
    fn storage(&self, address: Address, slot: U256) -> Result<U256, SourceError> {
        for overlay in self.overlays.iter().rev() {
            if let Some(value) = overlay.storage.get(&(address, slot)) {
                return Ok(*value);
            }
            if overlay.cleared.contains(&address) {
                return Ok(U256::ZERO);
            }
        }
        self.latest.storage(address, slot)
    }
    fn code_by_hash(&self, code_hash: B256) -> Result<Option<Bytes>, SourceError> {
        for overlay in self.overlays.iter().rev() {
            if let Some(code) = overlay.code.get(&code_hash) {
                return Ok(Some(code.clone()));
            }
        }
        self.latest.code_by_hash(code_hash)
    }
    fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        match self.overlays.iter().find(|o| o.number == number) {
            Some(overlay) => Ok(Some(overlay.hash)),
            None => self.latest.block_hash(number),
        }
    }
}

/// Decodes a raw transaction (EIP-2718), refusing trailing bytes.
fn decode_raw(raw: &[u8]) -> Result<TxEnvelope> {
    let mut buf = raw;
    let envelope = TxEnvelope::decode_2718(&mut buf).map_err(|e| Error::Decode(e.to_string()))?;
    if !buf.is_empty() {
        return Err(Error::Decode(format!(
            "{} trailing bytes after the transaction",
            buf.len()
        )));
    }
    Ok(envelope)
}

/// Recovers the signer of a decoded transaction.
fn recover(envelope: TxEnvelope) -> Result<Recovered<TxEnvelope>> {
    let signer = envelope.recover_signer().map_err(|_| Error::BadSignature)?;
    Ok(Recovered::new_unchecked(envelope, signer))
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
            let genesis = genesis_block(&config);
            let accounts = genesis.diff.accounts.len();
            store.append_block(genesis)?;
            info!(chain_id = config.chain_id, accounts, "wrote genesis");
        }
        let exec = ExecConfig::new(config.chain_id).with_block_gas_limit(config.block_gas_limit);
        let (blocks, _) = broadcast::channel(1024);
        let wal_dir = config.data_dir.join("wal");
        std::fs::create_dir_all(&wal_dir)
            .map_err(|e| Error::Wal(format!("cannot create {}: {e}", wal_dir.display())))?;
        let mut wals = Vec::with_capacity(WAL_RING as usize);
        let mut logged = Vec::with_capacity(WAL_RING as usize + 2);
        for i in 0..WAL_RING {
            let (wal, contents) = Wal::open(wal_dir.join(format!("{i}.wal")))?;
            wals.push(wal);
            logged.push(contents);
        }
        // The two logs of a node from before the ring (removed once their block is recovered).
        let legacy: Vec<PathBuf> = (0..2)
            .map(|i| config.data_dir.join(format!("pending-{i}.wal")))
            .filter(|path| path.exists())
            .collect();
        for path in &legacy {
            logged.push(Wal::open(path)?.1);
        }
        // The logs' directory entries, durable before any log is relied on.
        std::fs::File::open(&wal_dir)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| Error::Wal(format!("cannot sync {}: {e}", wal_dir.display())))?;
        let chain = Self {
            pool: Mutex::new(Mempool::new(PoolConfig::new(config.chain_id))),
            exec,
            config,
            store,
            blocks,
            wals: Mutex::new(wals),
            work: (Mutex::new(false), Condvar::new()),
            watchers: Mutex::new(B256Map::default()),
            executed: Mutex::new(B256Map::default()),
            priority: Mutex::new(PriorityInbox::default()),
        };
        chain.recover(logged)?;
        for path in legacy {
            std::fs::remove_file(&path)
                .map_err(|e| Error::Wal(format!("cannot remove {}: {e}", path.display())))?;
        }
        let executed = priority_count_of(&chain.latest_block()?.header);
        chain.priority.lock().expect("priority lock").next = executed;
        Ok(chain)
    }

    /// Rebuilds and seals the blocks that a crash interrupted — executed, logged, maybe answered, but
    /// not (or not completely) written — from their logs, in order, each with its logged number, parent
    /// and timestamp, so that every receipt answered before the crash comes out the same.
    ///
    /// A log above the latest block that cannot be replayed (its parent is not the block rebuilt
    /// before it: the chain's config changed since the crash, or the store and the logs come from
    /// different histories) stops the start with an error rather than dropping what it holds.
    fn recover(&self, logs: Vec<WalContents>) -> Result<()> {
        let mut logs: Vec<WalContents> = logs.into_iter().filter(|l| l.header.is_some()).collect();
        logs.sort_by_key(|l| l.header.map(|h| h.number));
        let highest = logs.last().and_then(|l| l.header).map(|h| h.number);
        for log in logs {
            let header = log.header.expect("filtered");
            let latest = self.latest_block()?;
            if header.number != latest.header.number + 1 || header.parent_hash != latest.hash {
                // Written already (or from another history): nothing to recover.
                continue;
            }
            let env = self.block_env(header.number, header.timestamp);
            let source = PendingSource {
                latest: StoreSource {
                    store: &*self.store,
                    at: None,
                },
                overlays: &[],
            };
            let mut builder = BlockBuilder::new(&source, &self.exec, &env)?;
            let mut priority = 0;
            for raw in &log.transactions {
                if raw.first() == Some(&PRIORITY_TX_TYPE) {
                    let op = PriorityOp::decode_2718(raw)?;
                    builder.push_priority(PriorityTx::new(op, self.config.chain_id))?;
                    priority += 1;
                    continue;
                }
                let tx = recover(decode_raw(raw)?)?;
                if let Err(reason) = builder.push(tx)? {
                    warn!(block = header.number, %reason, "a logged transaction no longer runs");
                }
            }
            let executed = builder.finish();
            let count = priority_count_of(&latest.header) + priority;
            let (block, _) = self.seal(latest.hash, &env, count, executed);
            self.store.append_block(block)?;
            info!(
                block = header.number,
                transactions = log.transactions.len(),
                "recovered a pending block from its log"
            );
        }
        let latest = self.latest_number()?;
        if let Some(highest) = highest.filter(|h| *h > latest) {
            return Err(Error::Wal(format!(
                "the logs hold blocks up to {highest}, but block {} cannot be rebuilt on the stored \
                 block {latest} (its log is missing or names another parent), so blocks {}..={highest} \
                 cannot be rebuilt; was the chain's config changed since the node stopped? Restore \
                 it, or remove {} to drop those blocks",
                latest + 1,
                latest + 1,
                self.config.data_dir.join("wal").display()
            )));
        }
        Ok(())
    }

    fn latest_block(&self) -> Result<StoredBlock> {
        let number = self.latest_number()?;
        self.store
            .block_by_number(number)?
            .ok_or(Error::UnknownBlock(number))
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

    /// The state diff of stored block `number`, computed again by executing its transactions on the
    /// state before it (which must still be in the store's history); checked against the block's
    /// receipts root.
    pub fn replay_diff(&self, number: u64) -> Result<StateDiff> {
        if number == 0 {
            return Ok(genesis_block(&self.config).diff);
        }
        let block = self
            .store
            .block_by_number(number)?
            .ok_or(Error::UnknownBlock(number))?;
        let env = self.block_env(number, block.header.timestamp);
        let source = StoreSource {
            store: &*self.store,
            at: Some(number - 1),
        };
        let mut builder = BlockBuilder::new(&source, &self.exec, &env)?;
        for hash in &block.tx_hashes {
            let stored = self.store.transaction(*hash)?.ok_or_else(|| {
                Error::Decode(format!("transaction {hash} of block {number} is missing"))
            })?;
            if stored.raw.first() == Some(&PRIORITY_TX_TYPE) {
                let op = PriorityOp::decode_2718(&stored.raw)?;
                builder.push_priority(PriorityTx::new(op, self.config.chain_id))?;
            } else if let Err(reason) = builder.push(recover(decode_raw(&stored.raw)?)?)? {
                return Err(Error::Decode(format!(
                    "transaction {hash} of block {number} no longer runs: {reason}"
                )));
            }
        }
        let executed = builder.finish();
        if executed.receipts_root != block.header.receipts_root {
            return Err(Error::Decode(format!(
                "executing block {number} again gives receipts root {}, the block has {}",
                executed.receipts_root, block.header.receipts_root
            )));
        }
        Ok(executed.diff)
    }

    /// The index of the next priority operation the chain expects from its parent's queue: every one
    /// before it is executed or waiting for the next block.
    pub fn next_priority_index(&self) -> u64 {
        self.priority.lock().expect("priority lock").next
    }

    /// Hands priority operations read from the parent's queue to the sequencer, which executes them
    /// at the start of its next blocks, in queue order. Operations already known are ignored; one
    /// that would leave a gap is refused, and so are the ones after it (nothing is ever skipped).
    /// Returns how many were accepted.
    pub fn enqueue_priority(&self, ops: impl IntoIterator<Item = PriorityOp>) -> Result<usize> {
        let mut accepted = 0;
        {
            let mut inbox = self.priority.lock().expect("priority lock");
            for op in ops {
                if op.index < inbox.next {
                    continue;
                }
                if op.index > inbox.next {
                    return Err(Error::PriorityGap {
                        expected: inbox.next,
                        got: op.index,
                    });
                }
                inbox.next += 1;
                inbox.queued.push_back(op);
                accepted += 1;
            }
        }
        if accepted > 0 {
            self.notify_work();
        }
        Ok(accepted)
    }

    /// Decodes, recovers and admits a raw transaction into the mempool; returns its hash.
    pub fn submit_raw(&self, raw: &[u8]) -> Result<B256> {
        self.submit(raw, false).map(|(hash, _)| hash)
    }

    /// [`submit_raw`](Self::submit_raw); with `watch`, also a receiver of the transaction's
    /// [`Execution`] (its receipt as soon as the sequencer has run it).
    pub fn submit(
        &self,
        raw: &[u8],
        watch: bool,
    ) -> Result<(B256, Option<oneshot::Receiver<Execution>>)> {
        let envelope = decode_raw(raw)?;
        {
            let pool = self.pool.lock().expect("mempool lock");
            pool.check_stateless(&envelope, u128::from(self.config.base_fee))?;
        }
        let recovered = recover(envelope)?;
        let signer = recovered.signer();
        let hash = *recovered.tx_hash();
        // Watch before admitting: the sequencer may run the transaction at once.
        let receiver = watch.then(|| {
            let (sender, receiver) = oneshot::channel();
            self.watchers
                .lock()
                .expect("watchers lock")
                .entry(hash)
                .or_default()
                .push(sender);
            receiver
        });
        let admitted = {
            let mut pool = self.pool.lock().expect("mempool lock");
            // Read the account under the pool lock, so that a block sealed meanwhile is seen together
            // with the pool it left behind.
            self.store
                .account(signer, None)
                .map_err(Error::from)
                .and_then(|account| {
                    let account = account.unwrap_or_default();
                    pool.insert(
                        recovered,
                        SenderState {
                            nonce: account.nonce,
                            balance: account.balance,
                        },
                    )
                })
        };
        if let Err(e) = admitted {
            if let Some(receiver) = receiver {
                drop(receiver);
                let mut watchers = self.watchers.lock().expect("watchers lock");
                if let Some(list) = watchers.get_mut(&hash) {
                    list.retain(|w| !w.is_closed());
                    if list.is_empty() {
                        watchers.remove(&hash);
                    }
                }
            }
            return Err(e);
        }
        debug!(%hash, sender = %signer, "admitted transaction");
        self.notify_work();
        Ok((hash, receiver))
    }

    /// The receipt of a transaction executed in the pending block (not sealed yet).
    pub fn executed_transaction(&self, hash: &B256) -> Option<Arc<ExecutedTx>> {
        self.executed
            .lock()
            .expect("executed lock")
            .get(hash)
            .cloned()
    }

    fn notify_work(&self) {
        let (flag, signal) = &self.work;
        let mut ready = flag.lock().expect("work lock");
        if !*ready {
            *ready = true;
            signal.notify_one();
        }
    }

    /// Waits until transactions arrive or `deadline` passes.
    fn wait_for_work(&self, deadline: Instant) {
        let (flag, signal) = &self.work;
        let mut ready = flag.lock().expect("work lock");
        while !*ready {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            ready = signal
                .wait_timeout(ready, deadline - now)
                .expect("work lock")
                .0;
        }
        *ready = false;
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

    /// Runs the sequencer until `stop` is set (then seals the pending block and returns): opens a
    /// block, executes transactions as they arrive — each logged and synced before its watchers hear
    /// of it — and seals the block every `block_time`, also when it is empty (blocks keep time).
    ///
    /// Sealing is pipelined: a writer thread stores block N (one store transaction, synced as
    /// [`DURABLE_EVERY`] says) while block N+1 already executes on top of the changes of the
    /// blocks not yet stored, held in memory, so the store never delays an answer. Up to
    /// `WRITE_QUEUE` sealed blocks wait for the writer. Until a block is durable its transactions stay
    /// in its write-ahead log, and a restart rebuilds it from there.
    pub fn run_sequencer(&self, stop: &AtomicBool) -> Result<()> {
        let (to_writer, blocks) = std::sync::mpsc::sync_channel::<SealedBlock>(WRITE_QUEUE);
        std::thread::scope(|scope| {
            let writer = std::thread::Builder::new()
                .name("block-writer".into())
                .spawn_scoped(scope, move || self.write_blocks(&blocks))
                .map_err(|e| Error::Config(format!("cannot start the block writer: {e}")))?;
            let sequenced = (|| {
                let latest = self.latest_block()?;
                let mut parent = Parent {
                    number: latest.header.number,
                    hash: latest.hash,
                    timestamp: latest.header.timestamp,
                    priority_count: priority_count_of(&latest.header),
                    unwritten: Vec::new(),
                };
                while !stop.load(Ordering::Acquire) {
                    let sealed = self.build_block(&parent, stop)?;
                    let mut unwritten = std::mem::take(&mut parent.unwritten);
                    // Blocks the writer has stored no longer need their overlays.
                    let stored = self.latest_number()?;
                    unwritten.retain(|o| o.number > stored);
                    unwritten.push(Arc::new(Overlay::of(
                        sealed.number,
                        sealed.block.hash,
                        &sealed.block.diff,
                    )));
                    parent = Parent {
                        number: sealed.number,
                        hash: sealed.block.hash,
                        timestamp: sealed.block.header.timestamp,
                        priority_count: priority_count_of(&sealed.block.header),
                        unwritten,
                    };
                    if to_writer.send(sealed).is_err() {
                        // The writer stopped on an error, which it returns below.
                        break;
                    }
                }
                Ok(())
            })();
            drop(to_writer);
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(Error::Config("the block writer panicked".into())));
            sequenced.and(written)
        })
    }

    /// Asks a running sequencer to look at `stop` now.
    pub fn wake_sequencer(&self) {
        self.notify_work();
    }

    /// The writer thread: stores each sealed block, then clears its transactions from the pool and
    /// tells subscribers.
    fn write_blocks(&self, blocks: &std::sync::mpsc::Receiver<SealedBlock>) -> Result<()> {
        let mut unsynced_txs = 0;
        for sealed in blocks {
            let started = Instant::now();
            let SealedBlock {
                number,
                block,
                receipts,
            } = sealed;
            let hashes: Vec<B256> = receipts.iter().map(|(hash, _)| *hash).collect();
            let diff = Arc::new(block.diff.clone());
            unsynced_txs += receipts.len();
            if number % DURABLE_EVERY == 0 || unsynced_txs >= DURABLE_TXS {
                self.store.append_block(block)?;
                unsynced_txs = 0;
            } else {
                self.store.append_block_deferred(block)?;
            }
            self.pool
                .lock()
                .expect("mempool lock")
                .remove(hashes.iter().copied());
            {
                let mut executed = self.executed.lock().expect("executed lock");
                for hash in &hashes {
                    executed.remove(hash);
                }
            }
            let block = self
                .store
                .block_by_number(number)?
                .ok_or(Error::UnknownBlock(number))?;
            debug!(
                number,
                hash = %block.hash,
                txs = receipts.len(),
                write_us = started.elapsed().as_micros() as u64,
                "sealed block"
            );
            let _ = self.blocks.send(BlockNotification {
                block: Arc::new(block),
                receipts: Arc::new(receipts),
                diff,
            });
        }
        // The sequencer has stopped: make the last blocks durable, so a clean restart replays nothing.
        self.store.sync()?;
        Ok(())
    }

    /// Builds one block on `parent` until its time is up (or `stop`), and seals it.
    fn build_block(&self, parent: &Parent, stop: &AtomicBool) -> Result<SealedBlock> {
        let number = parent.number + 1;
        let timestamp = now_secs().max(parent.timestamp);
        let mut wals = self.wals.lock().expect("wal lock");
        let wal = &mut wals[(number % WAL_RING) as usize];
        wal.begin(WalHeader {
            number,
            parent_hash: parent.hash,
            timestamp,
        })?;
        let env = self.block_env(number, timestamp);
        let source = PendingSource {
            latest: StoreSource {
                store: &*self.store,
                at: None,
            },
            overlays: &parent.unwritten,
        };
        let mut builder = BlockBuilder::new(&source, &self.exec, &env)?;
        let deadline = Instant::now() + self.config.block_time();
        let mut logs = 0u64;
        let mut messages = 0usize;
        let priority = self.execute_priority(&mut builder, wal, &mut logs, &mut messages)?;
        // A block that has sent all the messages the outbox allows seals at once, so that the next
        // sends land in the next block instead of reverting.
        while messages < MAX_MESSAGES_PER_BLOCK {
            let (candidates, full) = {
                let pool = self.pool.lock().expect("mempool lock");
                let candidates = pool.best(MAX_GROUP, builder.gas_left());
                // Transactions wait, none fits in what the block has left: the block is full. (An
                // empty block is not: a transaction too large for it would make blocks without end.)
                let full = candidates.is_empty() && pool.has_unexecuted() && !builder.is_empty();
                (candidates, full)
            };
            if candidates.is_empty() {
                // A full block seals at once instead of at its deadline: the block time bounds how
                // long a transaction waits, the block gas limit how much a block holds.
                if full || stop.load(Ordering::Acquire) || Instant::now() >= deadline {
                    break;
                }
                self.wait_for_work(deadline);
                continue;
            }
            self.execute_group(&mut builder, wal, candidates, &mut logs, &mut messages)?;
            if stop.load(Ordering::Acquire) || Instant::now() >= deadline {
                break;
            }
        }
        drop(wals);
        let executed = builder.finish();
        let (block, receipts) = self.seal(
            parent.hash,
            &env,
            parent.priority_count + priority,
            executed,
        );
        Ok(SealedBlock {
            number,
            block,
            receipts,
        })
    }

    /// Executes the waiting priority operations that fit, first in the pending block, and logs them.
    /// Returns how many ran.
    fn execute_priority(
        &self,
        builder: &mut BlockBuilder<'_, PendingSource<'_, S>>,
        wal: &mut Wal,
        logs: &mut u64,
        messages: &mut usize,
    ) -> Result<u64> {
        let ops: Vec<PriorityOp> = {
            let inbox = self.priority.lock().expect("priority lock");
            let mut gas = builder.gas_left();
            inbox
                .queued
                .iter()
                .take(MAX_PRIORITY_PER_BLOCK)
                .take_while(|op| {
                    let needed = u64::try_from(op.gasLimit).unwrap_or(u64::MAX);
                    let fits = needed <= gas;
                    gas = gas.saturating_sub(needed);
                    fits
                })
                .cloned()
                .collect()
        };
        if ops.is_empty() {
            return Ok(0);
        }
        let env = *builder.env();
        let mut raws = Vec::with_capacity(ops.len());
        let mut executed = Vec::with_capacity(ops.len());
        for op in ops {
            let index = builder.len() as u64;
            let raw = op.encode_2718();
            let tx = PriorityTx::new(op, self.config.chain_id);
            let outcome = builder.push_priority(tx.clone())?;
            let receipt = StoredReceipt {
                tx_hash: tx.hash,
                block_number: env.number,
                block_hash: B256::ZERO,
                index,
                first_log_index: *logs,
                receipt: receipt_of(PRIORITY_TX_TYPE, Some(tx.op.target), outcome),
            };
            *logs += receipt.receipt.logs.len() as u64;
            *messages += crate::messages::sent_by(&receipt.receipt);
            info!(
                block = env.number,
                index = tx.op.index,
                hash = %tx.hash,
                success = receipt.receipt.success,
                "executed priority operation"
            );
            raws.push(raw);
            executed.push((
                tx.hash,
                Arc::new(ExecutedTx {
                    receipt,
                    timestamp: env.timestamp,
                }),
            ));
        }
        wal.append(raws.iter().map(Vec::as_slice))?;
        let count = executed.len();
        self.priority
            .lock()
            .expect("priority lock")
            .queued
            .drain(..count);
        self.executed
            .lock()
            .expect("executed lock")
            .extend(executed);
        Ok(count as u64)
    }

    /// Executes `candidates` in order in the pending block, logs the included ones durably, then tells
    /// their watchers; the ones that cannot run leave the pool.
    fn execute_group(
        &self,
        builder: &mut BlockBuilder<'_, PendingSource<'_, S>>,
        wal: &mut Wal,
        candidates: Vec<Arc<PooledTx>>,
        logs: &mut u64,
        messages: &mut usize,
    ) -> Result<()> {
        let env = *builder.env();
        let mut included = Vec::with_capacity(candidates.len());
        let mut invalid = Vec::new();
        for pooled in candidates {
            if *messages >= MAX_MESSAGES_PER_BLOCK {
                // The rest stay in the pool for the next block.
                break;
            }
            let index = builder.len() as u64;
            match builder.push(pooled.tx.clone())? {
                Ok(outcome) => {
                    let receipt = StoredReceipt {
                        tx_hash: pooled.hash,
                        block_number: env.number,
                        block_hash: B256::ZERO,
                        index,
                        first_log_index: *logs,
                        receipt: receipt_of(pooled.tx.tx_type() as u8, pooled.tx.to(), outcome),
                    };
                    *logs += receipt.receipt.logs.len() as u64;
                    *messages += crate::messages::sent_by(&receipt.receipt);
                    included.push((pooled, receipt));
                }
                Err(reason) => invalid.push((pooled, reason)),
            }
        }
        wal.append(included.iter().map(|(p, _)| p.raw.as_ref()))?;

        let mut dropped = Vec::new();
        {
            let mut pool = self.pool.lock().expect("mempool lock");
            pool.mark_executed(included.iter().map(|(p, _)| p.hash));
            for (pooled, reason) in invalid {
                warn!(hash = %pooled.hash, %reason, "dropping transaction that no longer fits the state");
                for hash in pool.drop_sender_from(pooled.sender(), pooled.nonce()) {
                    dropped.push((hash, reason.clone()));
                }
            }
        }
        let included: Vec<(B256, Arc<ExecutedTx>)> = included
            .into_iter()
            .map(|(pooled, receipt)| {
                let executed = Arc::new(ExecutedTx {
                    receipt,
                    timestamp: env.timestamp,
                });
                (pooled.hash, executed)
            })
            .collect();
        {
            let mut executed = self.executed.lock().expect("executed lock");
            for (hash, tx) in &included {
                executed.insert(*hash, tx.clone());
            }
        }
        let mut watchers = self.watchers.lock().expect("watchers lock");
        if watchers.is_empty() {
            return Ok(());
        }
        let answers = included.into_iter().map(|(hash, tx)| (hash, Ok(tx))).chain(
            dropped
                .into_iter()
                .map(|(hash, reason)| (hash, Err(reason))),
        );
        for (hash, answer) in answers {
            for watcher in watchers.remove(&hash).into_iter().flatten() {
                let _ = watcher.send(answer.clone());
            }
        }
        Ok(())
    }

    /// Seals an executed block; `priority_count` is the number of priority operations executed up
    /// to and including it.
    fn seal(
        &self,
        parent_hash: B256,
        env: &BlockEnv,
        priority_count: u64,
        executed: ExecutedBlock,
    ) -> (NewBlock, Vec<(B256, Receipt)>) {
        let header = Header {
            parent_hash,
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
            nonce: B64::from(priority_count),
            base_fee_per_gas: Some(env.base_fee),
            ..Default::default()
        };
        let mut transactions = Vec::with_capacity(executed.transactions.len());
        let mut receipts = Vec::with_capacity(executed.transactions.len());
        for (tx, outcome) in executed.transactions.iter().zip(&executed.outcomes) {
            transactions.push(NewTransaction {
                hash: outcome.tx_hash,
                raw: Bytes::from(tx.encoded_2718()),
                sender: outcome.sender,
            });
            receipts.push((outcome.tx_hash, receipt_of(tx.tx_type(), tx.to(), outcome)));
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

/// The receipt of an included transaction of type `tx_type` calling `to`.
fn receipt_of(tx_type: u8, to: Option<Address>, outcome: &TxOutcome) -> Receipt {
    Receipt {
        tx_type,
        success: outcome.success,
        cumulative_gas_used: outcome.cumulative_gas_used,
        gas_used: outcome.gas_used,
        effective_gas_price: outcome.effective_gas_price,
        from: outcome.sender,
        to,
        contract_address: outcome.contract_address,
        logs: outcome.logs.clone(),
        logs_bloom: outcome.logs_bloom,
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
        .genesis_alloc()
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

#[cfg(test)]
mod tests {
    use fractal_storage::{
        BlockReader, BlockWriter, HistoryConfig, StateReader, test_utils::InMemoryStore,
    };

    use super::*;

    fn overlay(number: u64, accounts: Vec<AccountDiff>) -> Arc<Overlay> {
        Arc::new(Overlay::of(
            number,
            B256::repeat_byte(number as u8),
            &StateDiff { accounts },
        ))
    }

    fn account(address: Address, nonce: u64, storage: &[(u64, u64)], cleared: bool) -> AccountDiff {
        AccountDiff {
            address,
            info: Some(AccountInfo {
                nonce,
                balance: U256::ZERO,
                code_hash: alloy_primitives::KECCAK256_EMPTY,
            }),
            storage: storage
                .iter()
                .map(|(k, v)| (U256::from(*k), U256::from(*v)))
                .collect(),
            storage_cleared: cleared,
            code: None,
        }
    }

    /// Blocks queued for the writer stack: the newest overlay that knows an answer gives it, a wipe
    /// hides the older overlays and the store, and the rest falls through to the store.
    #[test]
    fn queued_overlays_read_newest_first() {
        let dir = std::env::temp_dir();
        let store = InMemoryStore::new(HistoryConfig::default());
        let genesis = genesis_block(&ChainConfig::dev(dir));
        let genesis_hash = genesis.hash;
        store.append_block(genesis).unwrap();
        let (x, y) = (Address::with_last_byte(0xa1), Address::with_last_byte(0xa2));
        let overlays = [
            overlay(
                1,
                vec![
                    account(x, 1, &[(1, 5), (2, 6)], false),
                    account(y, 1, &[(1, 9)], false),
                ],
            ),
            overlay(2, vec![account(x, 2, &[(2, 7)], true)]),
        ];
        let source = PendingSource {
            latest: StoreSource {
                store: &store,
                at: None,
            },
            overlays: &overlays,
        };
        let slot = |address, slot: u64| source.storage(address, U256::from(slot)).unwrap();
        assert_eq!(source.account(x).unwrap().unwrap().nonce, 2);
        assert_eq!(source.account(y).unwrap().unwrap().nonce, 1);
        assert_eq!(slot(x, 1), U256::ZERO, "wiped in block 2");
        assert_eq!(slot(x, 2), U256::from(7));
        assert_eq!(slot(y, 1), U256::from(9));
        assert_eq!(slot(y, 2), U256::ZERO);
        let z = Address::with_last_byte(0xa3);
        assert_eq!(source.account(z).unwrap(), store.account(z, None).unwrap());
        assert_eq!(source.block_hash(1).unwrap(), Some(B256::repeat_byte(1)));
        assert_eq!(source.block_hash(2).unwrap(), Some(B256::repeat_byte(2)));
        assert_eq!(source.block_hash(0).unwrap(), Some(genesis_hash));
        assert_eq!(store.block_hash(0).unwrap(), Some(genesis_hash));
    }
}
