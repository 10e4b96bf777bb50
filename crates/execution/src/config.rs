//! Chain and block parameters, and their translation to revm's environment.

use alloy_primitives::{Address, B256, U256};
use revm::{
    context::{BlockEnv as RevmBlockEnv, CfgEnv},
    primitives::hardfork::SpecId,
};

/// The fork every Fractal block executes under: Osaka (which includes Prague), revm 43's default.
pub(crate) const SPEC: SpecId = SpecId::OSAKA;

/// The per-transaction gas cap of EIP-7825 (Osaka): 2^24.
pub const TX_GAS_LIMIT_CAP: u64 = 1 << 24;

/// The block gas limit a chain gets unless configured otherwise.
pub const DEFAULT_BLOCK_GAS_LIMIT: u64 = 30_000_000;

/// Parameters fixed for a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainConfig {
    /// EIP-155 chain id; signed transactions must carry it.
    pub chain_id: u64,
    /// The largest gas limit a block may have ([`DEFAULT_BLOCK_GAS_LIMIT`] by default).
    pub block_gas_limit: u64,
}

impl ChainConfig {
    /// A chain with this id and the default block gas limit.
    pub const fn new(chain_id: u64) -> Self {
        Self {
            chain_id,
            block_gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
        }
    }

    /// Sets the block gas limit.
    pub const fn set_block_gas_limit(&mut self, block_gas_limit: u64) {
        self.block_gas_limit = block_gas_limit;
    }

    /// Returns the configuration with this block gas limit.
    pub const fn with_block_gas_limit(mut self, block_gas_limit: u64) -> Self {
        self.block_gas_limit = block_gas_limit;
        self
    }

    /// The default gas of `eth_call` / the ceiling of `eth_estimateGas` in a block with
    /// `block_gas_limit`: the lower of it and [`TX_GAS_LIMIT_CAP`].
    pub fn call_gas_cap(block_gas_limit: u64) -> u64 {
        block_gas_limit.min(TX_GAS_LIMIT_CAP)
    }

    pub(crate) fn cfg_env(&self) -> CfgEnv {
        let mut cfg = CfgEnv::new_with_spec(SPEC);
        cfg.chain_id = self.chain_id;
        cfg
    }
}

/// The header fields a block's execution depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockEnv {
    /// Block number.
    pub number: u64,
    /// Block timestamp in seconds.
    pub timestamp: u64,
    /// Receives the priority fees (COINBASE).
    pub beneficiary: Address,
    /// EIP-1559 base fee per gas, burned.
    pub base_fee: u64,
    /// The block's gas limit.
    pub gas_limit: u64,
    /// PREVRANDAO value.
    pub prevrandao: B256,
}

impl BlockEnv {
    pub(crate) fn to_revm(self) -> RevmBlockEnv {
        RevmBlockEnv {
            number: U256::from(self.number),
            beneficiary: self.beneficiary,
            timestamp: U256::from(self.timestamp),
            gas_limit: self.gas_limit,
            basefee: self.base_fee,
            difficulty: U256::ZERO,
            prevrandao: Some(self.prevrandao),
            // Blob transactions are not accepted; BLOBBASEFEE reads the minimum price (1 wei).
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_is_revm_default() {
        assert_eq!(SPEC, SpecId::default());
        assert_eq!(
            TX_GAS_LIMIT_CAP,
            revm::primitives::eip7825::TX_GAS_LIMIT_CAP
        );
    }

    #[test]
    fn call_gas_cap_is_lower_of_block_and_osaka_cap() {
        assert_eq!(ChainConfig::call_gas_cap(30_000_000), 1 << 24);
        assert_eq!(ChainConfig::call_gas_cap(1_000_000), 1_000_000);
    }
}
