//! Why a transaction cannot be included, and the mempool's pre-check.

use alloy_consensus::{Transaction as _, TxEnvelope};
use alloy_evm::FromRecoveredTx;
use alloy_primitives::{U256, hex};
use revm::{
    context::TxEnv, context_interface::result::InvalidTransaction,
    handler::validation::validate_initial_tx_gas, primitives::eip3860::MAX_INITCODE_SIZE,
};

use crate::{
    ChainConfig, Error, RecoveredTx, Result, SPEC, SourceError, StateSource, TX_GAS_LIMIT_CAP,
};

/// Why a transaction is invalid against the current state or block: it is skipped, not included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTx {
    /// The transaction's nonce was already used.
    #[error("nonce too low: account nonce is {expected}, transaction has {got}")]
    NonceTooLow {
        /// The sender's next nonce.
        expected: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// The transaction's nonce leaves a gap after the sender's next nonce.
    #[error("nonce too high: account nonce is {expected}, transaction has {got}")]
    NonceTooHigh {
        /// The sender's next nonce.
        expected: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// The sender cannot pay `gas_limit * max_fee + value`.
    #[error("insufficient funds: need {required} wei, account has {available}")]
    InsufficientFunds {
        /// `gas_limit * max_fee_per_gas + value`.
        required: U256,
        /// The sender's balance.
        available: U256,
    },
    /// The gas limit does not cover the intrinsic gas (base cost, calldata, access list, or the
    /// EIP-7623 calldata floor).
    #[error("intrinsic gas too low: need {required}, gas limit is {gas_limit}")]
    IntrinsicGasTooLow {
        /// The intrinsic gas (or calldata floor) required.
        required: u64,
        /// The transaction's gas limit.
        gas_limit: u64,
    },
    /// The transaction is signed for another chain (or, if typed, for no chain).
    #[error("wrong chain id: chain is {expected}, transaction has {got:?}")]
    WrongChainId {
        /// This chain's id.
        expected: u64,
        /// The transaction's chain id.
        got: Option<u64>,
    },
    /// The gas limit exceeds the gas left in the block.
    #[error("gas limit {gas_limit} exceeds the {available} gas left in the block")]
    GasLimitExceedsBlock {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// Gas still available in the block.
        available: u64,
    },
    /// The gas limit exceeds the per-transaction cap (2^24 under Osaka, EIP-7825).
    #[error("gas limit {gas_limit} exceeds the per-transaction cap {cap}")]
    GasLimitExceedsCap {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// The cap.
        cap: u64,
    },
    /// The maximum fee per gas is below the block's base fee.
    #[error("max fee per gas {max_fee} is below the base fee {base_fee}")]
    FeeCapBelowBaseFee {
        /// The transaction's max fee per gas (gas price for legacy transactions).
        max_fee: u128,
        /// The block's base fee.
        base_fee: u64,
    },
    /// The priority fee exceeds the maximum fee.
    #[error("max priority fee per gas exceeds max fee per gas")]
    TipAboveFeeCap,
    /// The sender has deployed code (EIP-3607); EIP-7702 delegations are allowed.
    #[error("sender is a contract, not an externally owned account")]
    SenderNotEoa,
    /// The creation's init code exceeds the EIP-3860 limit.
    #[error("init code of {size} bytes exceeds the {limit}-byte limit")]
    InitCodeTooLarge {
        /// Init code size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The transaction type is not accepted on Fractal chains (blob transactions).
    #[error("transaction type {0} is not supported")]
    UnsupportedType(u8),
    /// Any other reason revm gives.
    #[error("{0}")]
    Other(String),
}

/// The fields of a transaction that [`InvalidTx`] reports, taken before revm consumes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TxFacts {
    pub(crate) chain_id: Option<u64>,
    pub(crate) gas_limit: u64,
    pub(crate) max_fee: u128,
    pub(crate) input_len: usize,
}

impl TxFacts {
    pub(crate) fn of_envelope(tx: &TxEnvelope) -> Self {
        Self {
            chain_id: tx.chain_id(),
            gas_limit: tx.gas_limit(),
            max_fee: tx.max_fee_per_gas(),
            input_len: tx.input().len(),
        }
    }

    pub(crate) fn of_env(tx: &TxEnv) -> Self {
        Self {
            chain_id: tx.chain_id,
            gas_limit: tx.gas_limit,
            max_fee: tx.gas_price,
            input_len: tx.data.len(),
        }
    }
}

impl InvalidTx {
    /// Translates revm's validation error for a transaction in a block with `base_fee` and
    /// `available` gas left, on a chain with `chain_id`.
    pub(crate) fn from_revm(
        error: InvalidTransaction,
        tx: TxFacts,
        chain_id: u64,
        base_fee: u64,
        available: u64,
    ) -> Self {
        match error {
            InvalidTransaction::NonceTooLow { tx, state } => Self::NonceTooLow {
                expected: state,
                got: tx,
            },
            InvalidTransaction::NonceTooHigh { tx, state } => Self::NonceTooHigh {
                expected: state,
                got: tx,
            },
            InvalidTransaction::LackOfFundForMaxFee { fee, balance } => Self::InsufficientFunds {
                required: *fee,
                available: *balance,
            },
            InvalidTransaction::CallGasCostMoreThanGasLimit {
                initial_gas,
                gas_limit,
            } => Self::IntrinsicGasTooLow {
                required: initial_gas,
                gas_limit,
            },
            InvalidTransaction::GasFloorMoreThanGasLimit {
                gas_floor,
                gas_limit,
            } => Self::IntrinsicGasTooLow {
                required: gas_floor,
                gas_limit,
            },
            InvalidTransaction::InvalidChainId | InvalidTransaction::MissingChainId => {
                Self::WrongChainId {
                    expected: chain_id,
                    got: tx.chain_id,
                }
            }
            InvalidTransaction::CallerGasLimitMoreThanBlock => Self::GasLimitExceedsBlock {
                gas_limit: tx.gas_limit,
                available,
            },
            InvalidTransaction::TxGasLimitGreaterThanCap { gas_limit, cap } => {
                Self::GasLimitExceedsCap { gas_limit, cap }
            }
            InvalidTransaction::GasPriceLessThanBasefee => Self::FeeCapBelowBaseFee {
                max_fee: tx.max_fee,
                base_fee,
            },
            InvalidTransaction::PriorityFeeGreaterThanMaxFee => Self::TipAboveFeeCap,
            InvalidTransaction::RejectCallerWithCode => Self::SenderNotEoa,
            InvalidTransaction::CreateInitCodeSizeLimit => Self::InitCodeTooLarge {
                size: tx.input_len,
                limit: MAX_INITCODE_SIZE,
            },
            other => Self::Other(other.to_string()),
        }
    }
}

/// Checks a transaction for the mempool without executing it: type, chain id, gas limit against
/// the chain's block gas limit and the per-transaction cap, intrinsic gas (and the EIP-7623
/// floor), init code size, fee cap against `base_fee` (when given), the sender's nonce, that the
/// sender is not a contract, and that its balance covers `gas_limit * max_fee + value`.
///
/// The outer `Result` fails only when `source` does; the inner one says whether the
/// transaction is acceptable. A [`InvalidTx::NonceTooHigh`] transaction may still be worth
/// queueing.
pub fn validate_tx<S: StateSource>(
    source: &S,
    config: &ChainConfig,
    base_fee: Option<u64>,
    tx: &RecoveredTx,
) -> Result<Result<(), InvalidTx>> {
    match check_static(config, base_fee, tx) {
        Err(reason) => Ok(Err(reason)),
        Ok(()) => check_against_state(source, tx).map_err(|source| Error::SourceWhileValidating {
            tx: *tx.tx_hash(),
            source,
        }),
    }
}

fn check_static(
    config: &ChainConfig,
    base_fee: Option<u64>,
    tx: &RecoveredTx,
) -> Result<(), InvalidTx> {
    let envelope = tx.inner();
    if envelope.is_eip4844() {
        return Err(InvalidTx::UnsupportedType(envelope.tx_type() as u8));
    }
    match envelope.chain_id() {
        Some(id) if id != config.chain_id => {
            return Err(InvalidTx::WrongChainId {
                expected: config.chain_id,
                got: Some(id),
            });
        }
        _ => {}
    }
    let gas_limit = envelope.gas_limit();
    if gas_limit > TX_GAS_LIMIT_CAP {
        return Err(InvalidTx::GasLimitExceedsCap {
            gas_limit,
            cap: TX_GAS_LIMIT_CAP,
        });
    }
    if gas_limit > config.block_gas_limit {
        return Err(InvalidTx::GasLimitExceedsBlock {
            gas_limit,
            available: config.block_gas_limit,
        });
    }
    if envelope.is_create() && envelope.input().len() > MAX_INITCODE_SIZE {
        return Err(InvalidTx::InitCodeTooLarge {
            size: envelope.input().len(),
            limit: MAX_INITCODE_SIZE,
        });
    }
    let tx_env = TxEnv::from_recovered_tx(envelope, tx.signer());
    validate_initial_tx_gas(&tx_env, SPEC, false, false, TX_GAS_LIMIT_CAP, None).map_err(
        |error| {
            InvalidTx::from_revm(
                error,
                TxFacts::of_env(&tx_env),
                config.chain_id,
                base_fee.unwrap_or_default(),
                config.block_gas_limit,
            )
        },
    )?;
    let max_fee = envelope.max_fee_per_gas();
    if let Some(priority) = envelope.max_priority_fee_per_gas()
        && priority > max_fee
    {
        return Err(InvalidTx::TipAboveFeeCap);
    }
    if let Some(base_fee) = base_fee
        && max_fee < u128::from(base_fee)
    {
        return Err(InvalidTx::FeeCapBelowBaseFee { max_fee, base_fee });
    }
    Ok(())
}

fn check_against_state<S: StateSource>(
    source: &S,
    tx: &RecoveredTx,
) -> Result<Result<(), InvalidTx>, SourceError> {
    let envelope = tx.inner();
    let account = source.account(tx.signer())?.unwrap_or_default();
    let nonce = envelope.nonce();
    if nonce < account.nonce {
        return Ok(Err(InvalidTx::NonceTooLow {
            expected: account.nonce,
            got: nonce,
        }));
    }
    if nonce > account.nonce {
        return Ok(Err(InvalidTx::NonceTooHigh {
            expected: account.nonce,
            got: nonce,
        }));
    }
    if account.code_hash != revm::primitives::KECCAK_EMPTY && !account.code_hash.is_zero() {
        let code = source
            .code_by_hash(account.code_hash)?
            .ok_or(SourceError::MissingCode(account.code_hash))?;
        if !code.starts_with(&hex!("ef0100")) {
            return Ok(Err(InvalidTx::SenderNotEoa));
        }
    }
    let required = U256::from(envelope.gas_limit())
        .saturating_mul(U256::from(envelope.max_fee_per_gas()))
        .saturating_add(envelope.value());
    if account.balance < required {
        return Ok(Err(InvalidTx::InsufficientFunds {
            required,
            available: account.balance,
        }));
    }
    Ok(Ok(()))
}
