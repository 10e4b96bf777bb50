//! Executing a block: ordered transactions, skipped invalid ones, receipts, roots and the diff.

use std::collections::BTreeMap;

use alloy_consensus::{
    Eip658Value, Receipt, ReceiptWithBloom, Transaction as _, TxEnvelope,
    proofs::ordered_trie_root_with_encoder, transaction::Recovered,
};
use alloy_eips::eip2718::Encodable2718;
use alloy_evm::FromRecoveredTx;
use alloy_primitives::{Address, B256, Bloom, Bytes, Log, TxKind, logs_bloom, map::AddressMap};
use alloy_rlp::Encodable;
use fractal_primitives::{AccountDiff, AccountInfo, PRIORITY_TX_TYPE, PriorityOp, StateDiff};
use revm::{
    Database, DatabaseCommit, ExecuteCommitEvm,
    context::TxEnv,
    context_interface::result::{EVMError, ExecutionResult},
    database::{BundleState, states::bundle_state::BundleRetention},
    state::{Account, AccountInfo as RevmAccountInfo},
};
use tracing::{debug, trace};

use crate::{
    BlockEnv, ChainConfig, Error, InvalidTx, Result, StateSource,
    evm::{self, Evm, fatal},
    invalid::TxFacts,
    source::is_empty_code_hash,
};

/// One transaction, already signature-recovered (recovery happens elsewhere, in parallel).
pub type RecoveredTx = Recovered<TxEnvelope>;

/// A priority operation from the parent's queue, as a transaction of a child block: its hash is the
/// queue's `opHash` on this chain (docs/encodings.md, "Priority operations").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityTx {
    /// The operation, as the parent's queue emitted it.
    pub op: PriorityOp,
    /// `op.hash(chain_id)`: the transaction hash on the child.
    pub hash: B256,
}

impl PriorityTx {
    /// The operation as a transaction of chain `chain_id`.
    pub fn new(op: PriorityOp, chain_id: u64) -> Self {
        let hash = op.hash(chain_id);
        Self { op, hash }
    }
}

/// A transaction of a block: signed by a user, or a priority operation the chain must execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockTx {
    /// An ordinary signed transaction.
    Signed(RecoveredTx),
    /// A priority operation (type [`PRIORITY_TX_TYPE`]).
    Priority(PriorityTx),
}

impl BlockTx {
    /// The transaction hash.
    pub fn hash(&self) -> B256 {
        match self {
            Self::Signed(tx) => *tx.tx_hash(),
            Self::Priority(tx) => tx.hash,
        }
    }

    /// The EIP-2718 type byte (0 for legacy).
    pub fn tx_type(&self) -> u8 {
        match self {
            Self::Signed(tx) => tx.tx_type() as u8,
            Self::Priority(_) => PRIORITY_TX_TYPE,
        }
    }

    /// The sender: the signer, or the operation's `l2Sender`.
    pub fn sender(&self) -> Address {
        match self {
            Self::Signed(tx) => tx.signer(),
            Self::Priority(tx) => tx.op.l2Sender,
        }
    }

    /// The call target (`None` for a creation).
    pub fn to(&self) -> Option<Address> {
        match self {
            Self::Signed(tx) => tx.to(),
            Self::Priority(tx) => Some(tx.op.target),
        }
    }

    /// The EIP-2718 encoding, as stored in blocks and logs (`0x7f ‖ abi.encode(op)` for a priority
    /// operation).
    pub fn encoded_2718(&self) -> Vec<u8> {
        match self {
            Self::Signed(tx) => tx.inner().encoded_2718(),
            Self::Priority(tx) => tx.op.encode_2718(),
        }
    }
}

/// What an included transaction did (the contents of its receipt, plus its return data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOutcome {
    /// The transaction's hash.
    pub tx_hash: B256,
    /// The recovered sender.
    pub sender: Address,
    /// `true` unless the transaction reverted or halted (receipt status).
    pub success: bool,
    /// Gas charged for this transaction (after refunds, at least the EIP-7623 floor).
    pub gas_used: u64,
    /// Gas used in the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Logs emitted (empty when the transaction failed).
    pub logs: Vec<Log>,
    /// The receipt's bloom filter over `logs`.
    pub logs_bloom: Bloom,
    /// For a creation, the new contract's address `keccak(rlp(sender, nonce))`, set even when
    /// the creation failed (as Ethereum receipts do).
    pub contract_address: Option<Address>,
    /// Price per gas actually paid: `min(max_fee, base_fee + max_priority_fee)`, or the gas
    /// price for legacy and EIP-2930 transactions.
    pub effective_gas_price: u128,
    /// Return data (runtime code for a creation), or revert data; empty after a halt.
    pub output: Bytes,
}

/// The result of executing a block on top of a [`StateSource`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutedBlock {
    /// The included transactions, in order (the skipped ones removed): priority operations first.
    pub transactions: Vec<BlockTx>,
    /// One outcome per included transaction, in the same order.
    pub outcomes: Vec<TxOutcome>,
    /// Transactions left out, with the reason, in the order they were met.
    pub skipped: Vec<(B256, InvalidTx)>,
    /// Gas used by the included transactions.
    pub gas_used: u64,
    /// Union of the receipts' blooms.
    pub logs_bloom: Bloom,
    /// Net state changes against the source: final values, sorted by address, each account
    /// once, unchanged accounts and slots left out.
    pub diff: StateDiff,
    /// Root of the receipts trie (EIP-2718 receipt envelopes), as in an Ethereum header.
    pub receipts_root: B256,
    /// Root of the transactions trie of the included transactions, as in an Ethereum header.
    pub transactions_root: B256,
}

/// Executes `txs` in order on top of `source`, as block `env` of the chain `config`, under the
/// Osaka fork.
///
/// Transactions that are invalid against the state reached so far or against the block
/// (nonce, balance, chain id, fee cap below the base fee, intrinsic gas, gas limit above the gas
/// left in the block or above 2^24, blob transactions…) are skipped and listed in
/// [`ExecutedBlock::skipped`]; the block goes on. Valid transactions that revert or halt are
/// included with `success == false`. The base fee is burned, priority fees go to
/// `env.beneficiary`. No system calls run (no beacon root or block-hash history contracts, no
/// withdrawals).
///
/// This is [`BlockBuilder`] fed all of `txs` at once.
///
/// # Errors
///
/// Fails only if the block environment is unusable (its gas limit exceeds
/// `config.block_gas_limit`), the source fails, or revm fails fatally.
pub fn execute_block<S: StateSource>(
    source: &S,
    config: &ChainConfig,
    env: &BlockEnv,
    txs: Vec<RecoveredTx>,
) -> Result<ExecutedBlock> {
    let mut builder = BlockBuilder::new(source, config, env)?;
    for tx in txs {
        // Skipped transactions are recorded in the builder.
        let _ = builder.push(tx)?;
    }
    Ok(builder.finish())
}

/// A block under construction: transactions are executed one at a time as they arrive, each
/// outcome is known at once, and [`finish`](Self::finish) yields the same [`ExecutedBlock`] that
/// [`execute_block`] returns for the same transactions. This is what lets a sequencer answer with a
/// receipt as soon as a transaction has run, long before the block is sealed.
pub struct BlockBuilder<'a, S: StateSource> {
    evm: Evm<'a, S>,
    chain_id: u64,
    env: BlockEnv,
    transactions: Vec<BlockTx>,
    outcomes: Vec<TxOutcome>,
    skipped: Vec<(B256, InvalidTx)>,
    cumulative_gas_used: u64,
}

impl<S: StateSource> std::fmt::Debug for BlockBuilder<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockBuilder")
            .field("number", &self.env.number)
            .field("included", &self.outcomes.len())
            .field("skipped", &self.skipped.len())
            .field("gas_used", &self.cumulative_gas_used)
            .finish_non_exhaustive()
    }
}

impl<'a, S: StateSource> BlockBuilder<'a, S> {
    /// Opens block `env` on top of `source`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBlockEnv`] when `env.gas_limit` exceeds `config.block_gas_limit`.
    pub fn new(source: &'a S, config: &ChainConfig, env: &BlockEnv) -> Result<Self> {
        if env.gas_limit > config.block_gas_limit {
            return Err(Error::InvalidBlockEnv {
                block: env.number,
                reason: format!(
                    "gas limit {} exceeds the chain's block gas limit {}",
                    env.gas_limit, config.block_gas_limit
                ),
            });
        }
        Ok(Self {
            evm: evm::build(evm::state(source, true), config.cfg_env(), env.to_revm()),
            chain_id: config.chain_id,
            env: *env,
            transactions: Vec::new(),
            outcomes: Vec::new(),
            skipped: Vec::new(),
            cumulative_gas_used: 0,
        })
    }

    /// The block being built.
    pub fn env(&self) -> &BlockEnv {
        &self.env
    }

    /// Gas still available in the block.
    pub fn gas_left(&self) -> u64 {
        self.env.gas_limit - self.cumulative_gas_used
    }

    /// Number of transactions included so far.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether no transaction is included yet.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// Executes `tx` on top of the transactions included so far. `Ok(Ok(outcome))`: included (it
    /// may have reverted: see [`TxOutcome::success`]); `Ok(Err(reason))`: skipped, the state is
    /// untouched.
    ///
    /// # Errors
    ///
    /// Only when the source fails or revm fails fatally; the builder should then be dropped.
    pub fn push(&mut self, tx: RecoveredTx) -> Result<std::result::Result<&TxOutcome, InvalidTx>> {
        let block = self.env.number;
        let tx_hash = *tx.tx_hash();
        let envelope = tx.inner();
        let available = self.gas_left();
        if let Some(reason) = precheck(envelope, available) {
            trace!(block, %tx_hash, %reason, "skipping transaction");
            self.skipped.push((tx_hash, reason.clone()));
            return Ok(Err(reason));
        }
        let facts = TxFacts::of_envelope(envelope);
        let tx_env = TxEnv::from_recovered_tx(envelope, tx.signer());
        let result = match self.evm.transact_commit(tx_env) {
            Ok(result) => result,
            Err(EVMError::Transaction(error)) => {
                let reason =
                    InvalidTx::from_revm(error, facts, self.chain_id, self.env.base_fee, available);
                trace!(block, %tx_hash, %reason, "skipping transaction");
                self.skipped.push((tx_hash, reason.clone()));
                return Ok(Err(reason));
            }
            Err(error) => return Err(fatal(error, block, Some(tx_hash))),
        };

        let gas_used = result.tx_gas_used();
        self.cumulative_gas_used += gas_used;
        let (success, logs, output) = match result {
            ExecutionResult::Success { logs, output, .. } => (true, logs, output.into_data()),
            ExecutionResult::Revert { logs, output, .. } => (false, logs, output),
            ExecutionResult::Halt { logs, .. } => (false, logs, Bytes::new()),
        };
        let sender = tx.signer();
        self.outcomes.push(TxOutcome {
            tx_hash,
            sender,
            success,
            gas_used,
            cumulative_gas_used: self.cumulative_gas_used,
            logs_bloom: logs_bloom(&logs),
            logs,
            contract_address: envelope
                .is_create()
                .then(|| sender.create(envelope.nonce())),
            effective_gas_price: envelope.effective_gas_price(Some(self.env.base_fee)),
            output,
        });
        self.transactions.push(BlockTx::Signed(tx));
        Ok(Ok(self.outcomes.last().expect("just pushed")))
    }

    /// Executes a priority operation as a system transaction (docs/encodings.md, "Priority
    /// operations"): `mint` is credited to `l2Sender`, then the call `l2Sender → target` with
    /// `l2Value`, `data` and `gasLimit` runs at gas price 0, without checking or consuming the
    /// sender's nonce. A call that cannot start (say `l2Value` above the balance) or that reverts
    /// fails alone: the mint stays. The operation is always included; its gas counts against the
    /// block, so callers check [`gas_left`](Self::gas_left) against `gasLimit` first.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPriorityOp`] when the mint does not fit a balance or the gas limit exceeds
    /// what is left of the block (the block is untouched); otherwise only when the source fails or
    /// revm fails fatally.
    pub fn push_priority(&mut self, tx: PriorityTx) -> Result<&TxOutcome> {
        let block = self.env.number;
        let op = &tx.op;
        let gas_limit = u64::try_from(op.gasLimit)
            .ok()
            .filter(|gas| *gas <= self.gas_left())
            .ok_or_else(|| Error::InvalidPriorityOp {
                index: op.index,
                reason: format!(
                    "gas limit {} exceeds the {} gas left in the block",
                    op.gasLimit,
                    self.gas_left()
                ),
            })?;
        let sender = op.l2Sender;
        let fatal_db = |error| fatal(EVMError::Database(error), block, Some(tx.hash));

        // The mint, committed on its own so that a failing call keeps it.
        let db = &mut self.evm.ctx.journaled_state.database;
        let before = db.basic(sender).map_err(fatal_db)?.unwrap_or_default();
        let nonce = before.nonce;
        if !op.mint.is_zero() {
            let mut info = before;
            info.balance =
                info.balance
                    .checked_add(op.mint)
                    .ok_or_else(|| Error::InvalidPriorityOp {
                        index: op.index,
                        reason: "mint overflows the sender's balance".into(),
                    })?;
            commit_account(db, sender, info);
        }

        let tx_env = TxEnv {
            tx_type: 0,
            caller: sender,
            gas_limit,
            gas_price: 0,
            kind: TxKind::Call(op.target),
            value: op.l2Value,
            data: op.data.clone(),
            nonce,
            chain_id: None,
            ..Default::default()
        };
        // Free, unsigned and nonce-less: for this transaction only.
        let saved = (self.evm.ctx.cfg.clone(), self.evm.ctx.block.basefee);
        self.evm.ctx.cfg.disable_nonce_check = true;
        self.evm.ctx.cfg.disable_base_fee = true;
        self.evm.ctx.cfg.disable_eip3607 = true;
        self.evm.ctx.block.basefee = 0;
        let result = self.evm.transact_commit(tx_env);
        (self.evm.ctx.cfg, self.evm.ctx.block.basefee) = saved;
        let (success, gas_used, logs, output) = match result {
            Ok(result) => {
                let gas_used = result.tx_gas_used();
                match result {
                    ExecutionResult::Success { logs, output, .. } => {
                        (true, gas_used, logs, output.into_data())
                    }
                    ExecutionResult::Revert { logs, output, .. } => (false, gas_used, logs, output),
                    ExecutionResult::Halt { logs, .. } => (false, gas_used, logs, Bytes::new()),
                }
            }
            Err(EVMError::Transaction(reason)) => {
                debug!(block, index = op.index, %reason, "priority call cannot start; the mint stays");
                (false, 0, Vec::new(), Bytes::new())
            }
            Err(error) => return Err(fatal(error, block, Some(tx.hash))),
        };
        // The call consumed no nonce: put it back.
        let db = &mut self.evm.ctx.journaled_state.database;
        let after = db.basic(sender).map_err(fatal_db)?.unwrap_or_default();
        if after.nonce != nonce {
            commit_account(db, sender, RevmAccountInfo { nonce, ..after });
        }

        self.cumulative_gas_used += gas_used;
        self.outcomes.push(TxOutcome {
            tx_hash: tx.hash,
            sender,
            success,
            gas_used,
            cumulative_gas_used: self.cumulative_gas_used,
            logs_bloom: logs_bloom(&logs),
            logs,
            contract_address: None,
            effective_gas_price: 0,
            output,
        });
        self.transactions.push(BlockTx::Priority(tx));
        Ok(self.outcomes.last().expect("just pushed"))
    }

    /// Closes the block: the net state diff, the roots and the bloom.
    pub fn finish(self) -> ExecutedBlock {
        let Self {
            mut evm,
            env,
            transactions,
            mut outcomes,
            skipped,
            cumulative_gas_used,
            ..
        } = self;
        let db = &mut evm.ctx.journaled_state.database;
        db.merge_transitions(BundleRetention::PlainState);
        let diff = diff_from_bundle(db.take_bundle());

        let (receipts_root, logs_bloom) = receipts_root(&transactions, &mut outcomes);
        let transactions_root = ordered_trie_root_with_encoder(&transactions, |tx, buf| {
            buf.extend_from_slice(&tx.encoded_2718());
        });
        debug!(
            block = env.number,
            included = outcomes.len(),
            skipped = skipped.len(),
            gas_used = cumulative_gas_used,
            accounts_changed = diff.accounts.len(),
            "executed block"
        );
        ExecutedBlock {
            transactions,
            outcomes,
            skipped,
            gas_used: cumulative_gas_used,
            logs_bloom,
            diff,
            receipts_root,
            transactions_root,
        }
    }
}

/// Checks revm does not make (or makes against the whole block rather than what is left of it).
fn precheck(tx: &TxEnvelope, available: u64) -> Option<InvalidTx> {
    if tx.is_eip4844() {
        return Some(InvalidTx::UnsupportedType(tx.tx_type() as u8));
    }
    let gas_limit = tx.gas_limit();
    (gas_limit > available).then_some(InvalidTx::GasLimitExceedsBlock {
        gas_limit,
        available,
    })
}

/// The receipts root and the block bloom. Moves each outcome's logs into its receipt envelope
/// and back, so no log is copied.
fn receipts_root(transactions: &[BlockTx], outcomes: &mut [TxOutcome]) -> (B256, Bloom) {
    let mut block_bloom = Bloom::ZERO;
    let receipts: Vec<(u8, ReceiptWithBloom)> = transactions
        .iter()
        .zip(outcomes.iter_mut())
        .map(|(tx, outcome)| {
            block_bloom.accrue_bloom(&outcome.logs_bloom);
            let receipt = Receipt {
                status: Eip658Value::Eip658(outcome.success),
                cumulative_gas_used: outcome.cumulative_gas_used,
                logs: std::mem::take(&mut outcome.logs),
            };
            (
                tx.tx_type(),
                ReceiptWithBloom::new(receipt, outcome.logs_bloom),
            )
        })
        .collect();
    // EIP-2718 receipts: the type byte (none for legacy), then the RLP of the receipt with its bloom.
    let root = ordered_trie_root_with_encoder(&receipts, |(ty, receipt), buf| {
        if *ty != 0 {
            buf.push(*ty);
        }
        receipt.encode(buf);
    });
    for (outcome, (_, receipt)) in outcomes.iter_mut().zip(receipts) {
        outcome.logs = receipt.receipt.logs;
    }
    (root, block_bloom)
}

/// Writes `info` as `address`'s account between transactions (the bundle records it like any change).
fn commit_account<DB: DatabaseCommit>(db: &mut DB, address: Address, info: RevmAccountInfo) {
    let mut changes = AddressMap::default();
    changes.insert(address, Account::from(info).with_touched_mark());
    db.commit(changes);
}

fn to_info(info: &RevmAccountInfo) -> AccountInfo {
    AccountInfo {
        nonce: info.nonce,
        balance: info.balance,
        code_hash: info.code_hash,
    }
}

/// The block's net changes from revm's bundle (whose "original" values are the pre-block ones).
fn diff_from_bundle(bundle: BundleState) -> StateDiff {
    let BundleState {
        state, contracts, ..
    } = bundle;
    let mut accounts = Vec::with_capacity(state.len());
    for (address, account) in state {
        let destroyed = account.was_destroyed();
        let storage: BTreeMap<_, _> = account
            .storage
            .iter()
            .filter(|(_, slot)| {
                if destroyed {
                    !slot.present_value.is_zero()
                } else {
                    slot.is_changed()
                }
            })
            .map(|(key, slot)| (*key, slot.present_value))
            .collect();
        let info_changed = account.is_info_changed();
        let existed = account.original_info.is_some();
        if !info_changed && storage.is_empty() && !(destroyed && existed) {
            continue;
        }
        let code = account.info.as_ref().and_then(|info| {
            let new_code = !is_empty_code_hash(info.code_hash)
                && account.original_info.as_ref().map(|o| o.code_hash) != Some(info.code_hash);
            if !new_code {
                return None;
            }
            contracts
                .get(&info.code_hash)
                .or(info.code.as_ref())
                .map(|code| code.original_bytes())
        });
        accounts.push(AccountDiff {
            address,
            info: account.info.as_ref().map(to_info),
            storage,
            storage_cleared: destroyed,
            code,
        });
    }
    accounts.sort_unstable_by_key(|account| account.address);
    StateDiff { accounts }
}
