//! Executing a block: ordered transactions, skipped invalid ones, receipts, roots and the diff.

use std::collections::BTreeMap;

use alloy_consensus::{
    Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxEnvelope,
    proofs::{calculate_receipt_root, calculate_transaction_root},
    transaction::Recovered,
};
use alloy_evm::FromRecoveredTx;
use alloy_primitives::{Address, B256, Bloom, Bytes, Log, logs_bloom};
use fractal_primitives::{AccountDiff, AccountInfo, StateDiff};
use revm::{
    ExecuteCommitEvm,
    context::TxEnv,
    context_interface::result::{EVMError, ExecutionResult},
    database::{BundleState, states::bundle_state::BundleRetention},
    state::AccountInfo as RevmAccountInfo,
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
    /// The included transactions, in order (the skipped ones removed).
    pub transactions: Vec<RecoveredTx>,
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
    transactions: Vec<RecoveredTx>,
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
        self.transactions.push(tx);
        Ok(Ok(self.outcomes.last().expect("just pushed")))
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
        let transactions_root = calculate_transaction_root(&transactions);
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
fn receipts_root(transactions: &[RecoveredTx], outcomes: &mut [TxOutcome]) -> (B256, Bloom) {
    let mut block_bloom = Bloom::ZERO;
    let receipts: Vec<ReceiptEnvelope> = transactions
        .iter()
        .zip(outcomes.iter_mut())
        .map(|(tx, outcome)| {
            block_bloom.accrue_bloom(&outcome.logs_bloom);
            let receipt = Receipt {
                status: Eip658Value::Eip658(outcome.success),
                cumulative_gas_used: outcome.cumulative_gas_used,
                logs: std::mem::take(&mut outcome.logs),
            };
            ReceiptEnvelope::from_typed(
                tx.tx_type(),
                ReceiptWithBloom::new(receipt, outcome.logs_bloom),
            )
        })
        .collect();
    let root = calculate_receipt_root(&receipts);
    for (outcome, receipt) in outcomes.iter_mut().zip(receipts) {
        outcome.logs = receipt.into_logs();
    }
    (root, block_bloom)
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
