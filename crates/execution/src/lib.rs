//! Executes the blocks of a Fractal chain with revm, on top of any [`StateSource`]. A Fractal
//! chain is an EVM chain like Ethereum mainnet at the Osaka fork (revm 43's default spec, which
//! includes Prague: EIP-7702, EIP-7623 calldata floor, EIP-7825 2^24 per-transaction gas cap, …)
//! with its own chain id, a 30M default block gas limit, EIP-1559 fees (base fee burned, priority
//! fee to the beneficiary), no blob transactions and no system contracts — and two more precompiles,
//! Poseidon at the genesis addresses of the `PoseidonT3` and `PoseidonT4` libraries (`precompiles.rs`:
//! [`POSEIDON_T3_GAS`], [`POSEIDON_T4_GAS`]).
//!
//! [`execute_block`] runs already signature-recovered transactions in order, skips the ones
//! invalid against the state or block with a typed [`InvalidTx`] reason, and returns the
//! outcomes (receipt contents), the receipts and transactions roots as an Ethereum header has
//! them, and the block's net [`StateDiff`](fractal_primitives::StateDiff) against the source.
//! [`call`] and [`estimate_gas`] serve `eth_call` and `eth_estimateGas`; [`validate_tx`] is the
//! mempool's pre-check. revm meets the state only through one adapter over [`StateSource`];
//! with the `test-utils` feature, `InMemoryState` is a map-backed source for tests.

mod block;
mod call;
mod config;
mod error;
mod evm;
mod invalid;
mod precompiles;
mod source;

pub use block::{
    BlockBuilder, BlockTx, ExecutedBlock, PriorityTx, RecoveredTx, TxOutcome, execute_block,
};
pub use call::{CallOutcome, CallRequest, call, estimate_gas};
pub(crate) use config::SPEC;
pub use config::{BlockEnv, ChainConfig, DEFAULT_BLOCK_GAS_LIMIT, TX_GAS_LIMIT_CAP};
pub use error::{Error, Result, SourceError};
pub use invalid::{InvalidTx, validate_tx};
pub use precompiles::{POSEIDON_T3_GAS, POSEIDON_T4_GAS};
#[cfg(any(test, feature = "test-utils"))]
pub use source::InMemoryState;
pub use source::StateSource;
