//! `eth_call` and `eth_estimateGas`: one transaction against a state, never committed.

use alloy_primitives::{Address, Bytes, Log, TxKind, U256};
use revm::{
    Database, ExecuteEvm,
    context::TxEnv,
    context_interface::result::{EVMError, ExecutionResult},
};
use tracing::trace;

use crate::{
    BlockEnv, ChainConfig, Error, InvalidTx, Result, StateSource,
    evm::{self, Evm, fatal},
    invalid::TxFacts,
};

/// A call to simulate, as `eth_call` / `eth_estimateGas` receive it.
///
/// With no price (`gas_price`, `max_fee_per_gas` both `None` or zero) the call is free: it runs
/// with base fee 0 and without the balance check (a value above the balance is minted for the
/// call). The nonce is never checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallRequest {
    /// The caller (zero address if `None`). It may be a contract (EIP-3607 is not enforced).
    pub from: Option<Address>,
    /// The callee, or `None` to run `input` as init code.
    pub to: Option<Address>,
    /// Gas limit; defaults to, and is capped at, the lower of the block gas limit and 2^24.
    pub gas: Option<u64>,
    /// Legacy gas price.
    pub gas_price: Option<u128>,
    /// EIP-1559 max fee per gas (used when `gas_price` is `None`).
    pub max_fee_per_gas: Option<u128>,
    /// EIP-1559 max priority fee per gas (with `max_fee_per_gas`).
    pub max_priority_fee_per_gas: Option<u128>,
    /// Wei sent.
    pub value: U256,
    /// Calldata, or init code when `to` is `None`.
    pub input: Bytes,
    /// Nonce to use; defaults to the caller's. Only affects the address of a creation.
    pub nonce: Option<u64>,
}

/// What a simulated call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    /// `true` if the call neither reverted nor halted.
    pub success: bool,
    /// Gas the call would be charged (after refunds).
    pub gas_used: u64,
    /// Return data on success (runtime code for a creation); empty otherwise.
    pub output: Bytes,
    /// Logs emitted (empty unless successful).
    pub logs: Vec<Log>,
    /// On revert, the revert data (ABI-encoded `Error(string)`, a custom error, or empty).
    pub revert_data: Option<Bytes>,
    /// On halt, why (out of gas, invalid opcode…), as revm names it.
    pub halt_reason: Option<String>,
}

/// Runs `req` against `source` as if in block `env`, without committing anything.
///
/// # Errors
///
/// [`Error::InvalidCall`] if the request is not a valid transaction (intrinsic gas above the gas
/// given, funds short of `gas * price + value` for a priced call…); source and fatal revm
/// failures. Reverts and halts are outcomes, not errors.
pub fn call<S: StateSource>(
    source: &S,
    config: &ChainConfig,
    env: &BlockEnv,
    req: &CallRequest,
) -> Result<CallOutcome> {
    let mut sim = Simulation::new(source, config, env, req)?;
    let gas = sim.gas_cap;
    let result = sim.run(gas)?.map_err(|reason| Error::InvalidCall {
        block: env.number,
        reason,
    })?;
    Ok(outcome(result))
}

/// The smallest gas limit with which `req` succeeds, found by binary search between the gas it
/// uses and the lower of the block gas limit, 2^24 (Osaka's per-transaction cap), `req.gas` and,
/// for a priced call, what the caller's balance pays for.
///
/// # Errors
///
/// [`Error::Reverted`] / [`Error::Halted`] if the call fails even with the maximum gas,
/// [`Error::InvalidCall`] if it is not a valid transaction; source and fatal revm failures.
pub fn estimate_gas<S: StateSource>(
    source: &S,
    config: &ChainConfig,
    env: &BlockEnv,
    req: &CallRequest,
) -> Result<u64> {
    let block = env.number;
    let mut sim = Simulation::new(source, config, env, req)?;
    let mut hi = sim.gas_cap;
    if sim.price > 0 {
        let balance = sim.caller_balance()?;
        let Some(spendable) = balance.checked_sub(req.value) else {
            return Err(Error::InvalidCall {
                block,
                reason: InvalidTx::InsufficientFunds {
                    required: req.value,
                    available: balance,
                },
            });
        };
        let affordable = spendable / U256::from(sim.price);
        hi = hi.min(u64::try_from(affordable).unwrap_or(u64::MAX));
    }

    let first = sim
        .run(hi)?
        .map_err(|reason| Error::InvalidCall { block, reason })?;
    let (used, spent) = match first {
        ExecutionResult::Success { gas, .. } => (gas.tx_gas_used(), gas.total_gas_spent()),
        ExecutionResult::Revert { output, .. } => return Err(Error::Reverted { block, output }),
        ExecutionResult::Halt { reason, .. } => {
            return Err(Error::Halted {
                block,
                gas_cap: hi,
                reason: format!("{reason:?}"),
            });
        }
    };

    // A limit below the gas finally charged cannot succeed; the gas spent before refunds
    // usually suffices, unless the 63/64 rule held some back.
    let mut lo = used.saturating_sub(1);
    if spent < hi {
        if sim.succeeds(spent)? {
            hi = spent;
        } else {
            lo = spent;
            let optimistic = spent.saturating_add(2_300).saturating_mul(64) / 63;
            if optimistic < hi {
                if sim.succeeds(optimistic)? {
                    hi = optimistic;
                } else {
                    lo = optimistic;
                }
            }
        }
    }
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if sim.succeeds(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    trace!(block, gas = hi, "estimated gas");
    Ok(hi)
}

/// One request prepared against one state; runs it with different gas limits, sharing revm's
/// cache of what was read.
struct Simulation<'a, S: StateSource> {
    evm: Evm<'a, S>,
    tx: TxEnv,
    block: u64,
    chain_id: u64,
    base_fee: u64,
    /// The most gas the call may get.
    gas_cap: u64,
    /// The price per gas the caller pays at most (0: free call).
    price: u128,
}

impl<'a, S: StateSource> Simulation<'a, S> {
    fn new(source: &'a S, config: &ChainConfig, env: &BlockEnv, req: &CallRequest) -> Result<Self> {
        let block = env.number;
        let (tx_type, price, priority) = match (req.gas_price, req.max_fee_per_gas) {
            (Some(price), _) => (0, price, None),
            (None, Some(max_fee)) => (
                2,
                max_fee,
                Some(req.max_priority_fee_per_gas.unwrap_or_default()),
            ),
            (None, None) => (0, 0, None),
        };
        let free = price == 0;

        let mut cfg = config.cfg_env();
        cfg.disable_nonce_check = true;
        cfg.disable_base_fee = true;
        cfg.disable_eip3607 = true;
        cfg.disable_balance_check = free;
        let mut block_env = env.to_revm();
        if free {
            // A zero price then pays exactly nothing, beneficiary included.
            block_env.basefee = 0;
        }
        let gas_cap = ChainConfig::call_gas_cap(env.gas_limit);
        let gas_cap = req.gas.map_or(gas_cap, |gas| gas.min(gas_cap));
        let base_fee = block_env.basefee;

        let mut evm = evm::build(evm::state(source, false), cfg, block_env);
        let caller = req.from.unwrap_or_default();
        let nonce = match req.nonce {
            Some(nonce) => nonce,
            None => evm
                .ctx
                .journaled_state
                .database
                .basic(caller)
                .map_err(|error| fatal(EVMError::Database(error), block, None))?
                .map(|info| info.nonce)
                .unwrap_or_default(),
        };
        let tx = TxEnv {
            tx_type,
            caller,
            gas_limit: gas_cap,
            gas_price: price,
            kind: req.to.map_or(TxKind::Create, TxKind::Call),
            value: req.value,
            data: req.input.clone(),
            nonce,
            chain_id: Some(config.chain_id),
            gas_priority_fee: priority,
            ..Default::default()
        };
        Ok(Self {
            evm,
            tx,
            block,
            chain_id: config.chain_id,
            base_fee,
            gas_cap,
            price,
        })
    }

    fn caller_balance(&mut self) -> Result<U256> {
        let caller = self.tx.caller;
        Ok(self
            .evm
            .ctx
            .journaled_state
            .database
            .basic(caller)
            .map_err(|error| fatal(EVMError::Database(error), self.block, None))?
            .map(|info| info.balance)
            .unwrap_or_default())
    }

    /// Runs with `gas`; the inner error is an invalid request.
    fn run(&mut self, gas: u64) -> Result<Result<ExecutionResult, InvalidTx>> {
        let mut tx = self.tx.clone();
        tx.gas_limit = gas;
        let facts = TxFacts::of_env(&tx);
        match self.evm.transact(tx) {
            Ok(result) => Ok(Ok(result.result)),
            Err(EVMError::Transaction(error)) => Ok(Err(InvalidTx::from_revm(
                error,
                facts,
                self.chain_id,
                self.base_fee,
                gas,
            ))),
            Err(error) => Err(fatal(error, self.block, None)),
        }
    }

    /// Whether the call succeeds with `gas`; too little gas for the intrinsic cost is a failure,
    /// any other invalidity an error.
    fn succeeds(&mut self, gas: u64) -> Result<bool> {
        match self.run(gas)? {
            Ok(result) => Ok(result.is_success()),
            Err(InvalidTx::IntrinsicGasTooLow { .. }) => Ok(false),
            Err(reason) => Err(Error::InvalidCall {
                block: self.block,
                reason,
            }),
        }
    }
}

fn outcome(result: ExecutionResult) -> CallOutcome {
    let gas_used = result.tx_gas_used();
    match result {
        ExecutionResult::Success { logs, output, .. } => CallOutcome {
            success: true,
            gas_used,
            output: output.into_data(),
            logs,
            revert_data: None,
            halt_reason: None,
        },
        ExecutionResult::Revert { output, .. } => CallOutcome {
            success: false,
            gas_used,
            output: Bytes::new(),
            logs: Vec::new(),
            revert_data: Some(output),
            halt_reason: None,
        },
        ExecutionResult::Halt { reason, .. } => CallOutcome {
            success: false,
            gas_used,
            output: Bytes::new(),
            logs: Vec::new(),
            revert_data: None,
            halt_reason: Some(format!("{reason:?}")),
        },
    }
}
