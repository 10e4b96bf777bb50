//! Building revm's EVM over a state source, and mapping its fatal errors.

use alloy_primitives::B256;
use revm::{
    Context, MainBuilder, MainContext,
    context::{BlockEnv as RevmBlockEnv, CfgEnv, Evm as RevmEvm},
    context_interface::result::{EVMError, InvalidTransaction},
    database::{State, bal::EvmDatabaseError},
    handler::{EthFrame, MainnetContext, instructions::EthInstructions},
    interpreter::interpreter::EthInterpreter,
};

use crate::{Error, StateSource, precompiles::FractalPrecompiles, source::SourceDb};

/// revm's caching state over a source.
pub(crate) type Db<'a, S> = State<SourceDb<'a, S>>;

/// The mainnet EVM over [`Db`], with the chain's precompiles ([`FractalPrecompiles`]).
pub(crate) type Evm<'a, S> = RevmEvm<
    MainnetContext<Db<'a, S>>,
    (),
    EthInstructions<EthInterpreter, MainnetContext<Db<'a, S>>>,
    FractalPrecompiles,
    EthFrame<EthInterpreter>,
>;

/// The error revm returns from a transaction over [`Db`].
pub(crate) type EvmError = EVMError<EvmDatabaseError<crate::SourceError>, InvalidTransaction>;

/// A state over `source`; with `bundle` set it records the net changes (for blocks).
pub(crate) fn state<S: StateSource>(source: &S, bundle: bool) -> Db<'_, S> {
    State::builder()
        .with_database(SourceDb::new(source))
        .with_bundle_update_if(bundle)
        .build()
}

/// The EVM that runs transactions in one block.
pub(crate) fn build<'a, S: StateSource>(
    db: Db<'a, S>,
    cfg: CfgEnv,
    block: RevmBlockEnv,
) -> Evm<'a, S> {
    let spec = cfg.spec;
    Context::mainnet()
        .with_db(db)
        .with_cfg(cfg)
        .with_block(block)
        .build_mainnet()
        .with_precompiles(FractalPrecompiles::new(spec))
}

/// Maps an error that is not an invalid transaction (those are handled by the caller).
pub(crate) fn fatal(error: EvmError, block: u64, tx: Option<B256>) -> Error {
    match error {
        EVMError::Database(EvmDatabaseError::Database(source)) => {
            Error::Source { block, tx, source }
        }
        EVMError::Database(EvmDatabaseError::Bal(error)) => Error::Evm {
            block,
            tx,
            message: error.to_string(),
        },
        EVMError::Header(header) => Error::InvalidBlockEnv {
            block,
            reason: header.to_string(),
        },
        EVMError::Transaction(invalid) => Error::Evm {
            block,
            tx,
            message: invalid.to_string(),
        },
        EVMError::Custom(message) => Error::Evm { block, tx, message },
        EVMError::CustomAny(error) => Error::Evm {
            block,
            tx,
            message: error.to_string(),
        },
    }
}
