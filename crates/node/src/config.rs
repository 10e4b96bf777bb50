//! Chain configuration: `fractal node --config chain.toml`, or the development chain of `--dev`.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf, time::Duration};

use alloy_primitives::{Address, Bytes, U256, address};
use serde::Deserialize;

use crate::{Error, Result};

/// The ten accounts anvil funds by default (mnemonic "test test … junk"), funded the same way on a
/// development chain so that `cast` and `forge` work out of the box.
pub const DEV_ACCOUNTS: [Address; 10] = [
    address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
    address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
    address!("0x90F79bf6EB2c4f870365E785982E1f101E93b906"),
    address!("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"),
    address!("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"),
    address!("0x976EA74026E726554dB657fA54763abd0C3a0aa9"),
    address!("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"),
    address!("0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8F"),
    address!("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"),
];

/// Chain id of `fractal node --dev`.
pub const DEV_CHAIN_ID: u64 = 4242;

/// One genesis account.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    /// Balance in wei.
    #[serde(default)]
    pub balance: U256,
    /// Nonce.
    #[serde(default)]
    pub nonce: u64,
    /// Runtime code.
    #[serde(default)]
    pub code: Option<Bytes>,
    /// Storage slots.
    #[serde(default)]
    pub storage: BTreeMap<U256, U256>,
}

/// Runtime code of the outbox system contract (`contracts/src/l2/L2Outbox.sol`, written by
/// `tools/system-contracts`).
pub const L2_OUTBOX_CODE: &str = include_str!("../genesis/L2Outbox.hex");
/// Runtime code of the bridge system contract (`contracts/src/l2/L2Bridge.sol`).
pub const L2_BRIDGE_CODE: &str = include_str!("../genesis/L2Bridge.hex");
/// Runtime code of poseidon-solidity's `PoseidonT3` library as deployed at
/// [`POSEIDON_T3`](fractal_primitives::POSEIDON_T3) (its first `PUSH20` holds that address). The outbox
/// is linked against it.
pub const POSEIDON_T3_CODE: &str = include_str!("../genesis/PoseidonT3.hex");
/// Runtime code of poseidon-solidity's `PoseidonT4` library as deployed at
/// [`POSEIDON_T4`](fractal_primitives::POSEIDON_T4). The outbox is linked against it.
pub const POSEIDON_T4_CODE: &str = include_str!("../genesis/PoseidonT4.hex");

/// The parent chain a chain settles on: what its genesis needs (chain id, vault) and, to execute the
/// parent's priority operations, where to read its queue.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ParentConfig {
    /// The parent's chain id.
    pub chain_id: u64,
    /// The parent's `BridgeVault`.
    pub vault: Address,
    /// The parent's JSON-RPC URL (HTTP); without it the chain executes no priority operations.
    #[serde(default)]
    pub rpc: Option<String>,
    /// The chain's `PriorityQueue` on the parent (required with `rpc`).
    #[serde(default)]
    pub priority_queue: Option<Address>,
    /// Parent blocks a request must be buried under before the chain executes it (0: at once).
    #[serde(default = "default_confirmations")]
    pub confirmations: u64,
    /// The parent block to start reading the queue from (the chain's registration block).
    #[serde(default)]
    pub from_block: u64,
    /// How often to poll the parent, in milliseconds.
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
}

fn default_confirmations() -> u64 {
    1
}

fn default_poll_ms() -> u64 {
    500
}

/// When the node closes a batch (`[batch]` in `chain.toml`; used when the chain has a parent). A batch
/// closes after the block that reaches any limit, and only once it holds a transaction.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BatchConfig {
    /// Most blocks in a batch.
    #[serde(default = "default_batch_blocks")]
    pub max_blocks: u64,
    /// Most time between a batch's first block and its sealing, in milliseconds.
    #[serde(default = "default_batch_age_ms")]
    pub max_age_ms: u64,
    /// Pubdata size (an upper estimate) at which a batch closes, in bytes.
    #[serde(default = "default_batch_bytes")]
    pub max_pubdata_bytes: usize,
    /// Most messages (outbox sends) in a batch, 1 to 1,024. The default, 16, is what one batch proof
    /// takes (`fractal_prover::CHUNK_MESSAGES`), and the most one block can send (the genesis outbox
    /// refuses more: `L2Outbox.MAX_MESSAGES_PER_BLOCK`), so every batch stays provable. Above 16, batches
    /// of several blocks can hold more than the Groth16 circuit proves: only for the development
    /// verifier.
    #[serde(default = "default_batch_messages")]
    pub max_messages: usize,
    /// How batches are published: `"rollup-calldata"` (default) or `"rollup-blob"`; must be the DA
    /// policy the chain registered with (it decides the headers' `pubdataCommitment`).
    #[serde(default)]
    pub da: fractal_da::DaKind,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self {
            max_blocks: default_batch_blocks(),
            max_age_ms: default_batch_age_ms(),
            max_pubdata_bytes: default_batch_bytes(),
            max_messages: default_batch_messages(),
            da: fractal_da::DaKind::default(),
        }
    }
}

fn default_batch_messages() -> usize {
    16
}

fn default_batch_blocks() -> u64 {
    100
}

fn default_batch_age_ms() -> u64 {
    10_000
}

fn default_batch_bytes() -> usize {
    100_000
}

/// A chain's configuration (the `chain.toml` format).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// EVM chain id.
    pub chain_id: u64,
    /// Full name, e.g. `base` or `reddit.base`.
    pub name: String,
    /// Time between blocks, in milliseconds (100 to 60,000).
    #[serde(default = "default_block_time_ms")]
    pub block_time_ms: u64,
    /// Gas limit of a block.
    #[serde(default = "default_gas_limit")]
    pub block_gas_limit: u64,
    /// Base fee per gas, in wei (constant: a centralized sequencer runs no fee auction).
    #[serde(default = "default_base_fee")]
    pub base_fee: u64,
    /// Where the chain keeps its data.
    pub data_dir: PathBuf,
    /// Address of the JSON-RPC server (HTTP and WebSocket).
    #[serde(default = "default_rpc_addr")]
    pub rpc_addr: SocketAddr,
    /// Address of the sequencer's REST API.
    #[serde(default = "default_rest_addr")]
    pub rest_addr: SocketAddr,
    /// The parent chain (none: a standalone chain, whose bridge refuses deposits and withdrawals).
    #[serde(default)]
    pub parent: Option<ParentConfig>,
    /// Batch sealing.
    #[serde(default)]
    pub batch: BatchConfig,
    /// Genesis accounts (the system contracts are added to them: see [`ChainConfig::genesis_alloc`]).
    #[serde(default)]
    pub genesis: BTreeMap<Address, GenesisAccount>,
}

fn default_block_time_ms() -> u64 {
    1_000
}
fn default_gas_limit() -> u64 {
    30_000_000
}
fn default_base_fee() -> u64 {
    1_000_000_000
}
fn default_rpc_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8546))
}
fn default_rest_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8547))
}

impl ChainConfig {
    /// The development chain: id 4242, name `dev`, the ten dev accounts with 10,000 ether each.
    pub fn dev(data_dir: PathBuf) -> Self {
        let ether = U256::from(10u64).pow(U256::from(18));
        Self {
            chain_id: DEV_CHAIN_ID,
            name: "dev".into(),
            block_time_ms: default_block_time_ms(),
            block_gas_limit: default_gas_limit(),
            base_fee: default_base_fee(),
            data_dir,
            rpc_addr: default_rpc_addr(),
            rest_addr: default_rest_addr(),
            parent: None,
            batch: BatchConfig::default(),
            genesis: DEV_ACCOUNTS
                .iter()
                .map(|a| {
                    (
                        *a,
                        GenesisAccount {
                            balance: ether * U256::from(10_000),
                            ..Default::default()
                        },
                    )
                })
                .collect(),
        }
    }

    /// Parses and checks a `chain.toml`.
    pub fn from_toml(text: &str) -> Result<Self> {
        let config: Self = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the values' ranges.
    pub fn validate(&self) -> Result<()> {
        if self.chain_id == 0 || self.chain_id > fractal_primitives::MAX_CHAIN_ID {
            return Err(Error::Config(format!(
                "chain_id {} is outside 1..=2^63-37",
                self.chain_id
            )));
        }
        self.name
            .parse::<fractal_primitives::ChainName>()
            .map_err(|e| Error::Config(e.to_string()))?;
        if !(100..=60_000).contains(&self.block_time_ms) {
            return Err(Error::Config(format!(
                "block_time_ms {} is outside 100..=60000",
                self.block_time_ms
            )));
        }
        if let Some(address) = SYSTEM_ADDRESSES
            .iter()
            .find(|a| self.genesis.contains_key(*a))
        {
            return Err(Error::Config(format!(
                "genesis account {address} is a system contract's address (0x…010001 to 0x…010005 are reserved)"
            )));
        }
        if let Some(parent) = &self.parent {
            if parent.chain_id == 0 || parent.chain_id == self.chain_id {
                return Err(Error::Config(format!(
                    "parent chain_id {} must be non-zero and differ from the chain's own",
                    parent.chain_id
                )));
            }
            if parent.vault == Address::ZERO {
                return Err(Error::Config("parent vault is the zero address".into()));
            }
            if parent.rpc.is_some() && parent.priority_queue.is_none() {
                return Err(Error::Config(
                    "parent rpc is set but priority_queue is not: the node cannot read its queue"
                        .into(),
                ));
            }
            if !(10..=60_000).contains(&parent.poll_ms) {
                return Err(Error::Config(format!(
                    "parent poll_ms {} is outside 10..=60000",
                    parent.poll_ms
                )));
            }
        }
        let batch = &self.batch;
        if batch.max_blocks == 0 || batch.max_age_ms == 0 || batch.max_pubdata_bytes < 1_000 {
            return Err(Error::Config(format!(
                "batch limits must be positive (max_blocks {}, max_age_ms {}) and max_pubdata_bytes at least 1000 ({})",
                batch.max_blocks, batch.max_age_ms, batch.max_pubdata_bytes
            )));
        }
        if batch.max_messages == 0 || batch.max_messages > fractal_primitives::MessageTree::CAPACITY
        {
            return Err(Error::Config(format!(
                "batch max_messages {} must be between 1 and {}",
                batch.max_messages,
                fractal_primitives::MessageTree::CAPACITY
            )));
        }
        // A batch closes after the block that crosses the limit, so leave room for one block's data
        // below what one commit can carry (a parent transaction of ~128 KiB, or nine blobs).
        let ceiling = match batch.da {
            fractal_da::DaKind::RollupCalldata => 100_000,
            fractal_da::DaKind::RollupBlob => fractal_primitives::pubdata::MAX_BLOB_PAYLOAD / 2,
        };
        if batch.max_pubdata_bytes > ceiling {
            return Err(Error::Config(format!(
                "batch max_pubdata_bytes {} is above {ceiling}, the most a {} commit can safely carry",
                batch.max_pubdata_bytes, batch.da
            )));
        }
        // A priority operation may ask for up to 2^24 gas (the queue's MAX_GAS_LIMIT); a block must be
        // able to hold it, or the queue would stall behind it.
        if self.parent.is_some() && self.block_gas_limit < 1 << 24 {
            return Err(Error::Config(format!(
                "block_gas_limit {} is below 16777216, the largest gas limit a priority operation may have",
                self.block_gas_limit
            )));
        }
        if self.block_gas_limit < 21_000 {
            return Err(Error::Config(format!(
                "block_gas_limit {} is below 21000",
                self.block_gas_limit
            )));
        }
        Ok(())
    }

    /// Time between blocks.
    pub fn block_time(&self) -> Duration {
        Duration::from_millis(self.block_time_ms)
    }

    /// Every genesis account: the configured ones and the system contracts — the outbox at
    /// `0x…010001`, the bridge at `0x…010003`, whose slot 1 holds the parent's vault and slot 2 the
    /// parent's chain id, and the Poseidon libraries the outbox is linked against at `0x…010004`
    /// (`PoseidonT3`) and `0x…010005` (`PoseidonT4`) (docs/encodings.md). They all have nonce 0 and no
    /// balance; only the bridge has storage.
    pub fn genesis_alloc(&self) -> BTreeMap<Address, GenesisAccount> {
        let mut alloc = self.genesis.clone();
        for (address, code) in [
            (fractal_primitives::L2_OUTBOX, L2_OUTBOX_CODE),
            (fractal_primitives::POSEIDON_T3, POSEIDON_T3_CODE),
            (fractal_primitives::POSEIDON_T4, POSEIDON_T4_CODE),
        ] {
            alloc.insert(
                address,
                GenesisAccount {
                    code: Some(system_code(code)),
                    ..Default::default()
                },
            );
        }
        let mut storage = BTreeMap::new();
        if let Some(parent) = &self.parent {
            storage.insert(U256::from(1), U256::from_be_slice(parent.vault.as_slice()));
            storage.insert(U256::from(2), U256::from(parent.chain_id));
        }
        alloc.insert(
            fractal_primitives::L2_BRIDGE,
            GenesisAccount {
                code: Some(system_code(L2_BRIDGE_CODE)),
                storage,
                ..Default::default()
            },
        );
        alloc
    }
}

/// The system contracts' addresses, reserved in every genesis.
const SYSTEM_ADDRESSES: [Address; 5] = [
    fractal_primitives::L2_OUTBOX,
    fractal_primitives::L2_INBOX,
    fractal_primitives::L2_BRIDGE,
    fractal_primitives::POSEIDON_T3,
    fractal_primitives::POSEIDON_T4,
];

fn system_code(hex: &str) -> Bytes {
    hex.trim()
        .parse()
        .expect("crates/node/genesis holds 0x-prefixed hex (tools/system-contracts --check)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_chain_file() {
        let c = ChainConfig::from_toml(
            r#"
            chain_id = 4300
            name = "reddit.base"
            block_time_ms = 250
            data_dir = "/tmp/reddit"
            [genesis."0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"]
            balance = "0x3635c9adc5dea00000"
            "#,
        )
        .unwrap();
        assert_eq!(c.chain_id, 4300);
        assert_eq!(
            c.genesis[&DEV_ACCOUNTS[0]].balance,
            U256::from(10u128.pow(21))
        );
        assert_eq!(c.block_time(), Duration::from_millis(250));
    }

    #[test]
    fn rejects_bad_files() {
        for bad in [
            "chain_id = 0\nname = \"a\"\ndata_dir = \"x\"",
            "chain_id = 1\nname = \"Bad_Name\"\ndata_dir = \"x\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\nblock_time_ms = 5",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\nunknown = 1",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[parent]\nchain_id = 1\nvault = \"0x0000000000000000000000000000000000000001\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[parent]\nchain_id = 2\nvault = \"0x0000000000000000000000000000000000000000\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[genesis.\"0x0000000000000000000000000000000000010003\"]\nbalance = \"0x1\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[genesis.\"0x0000000000000000000000000000000000010005\"]\nbalance = \"0x1\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[parent]\nchain_id = 2\nvault = \"0x0000000000000000000000000000000000000001\"\nrpc = \"http://x\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[batch]\nmax_blocks = 0",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\nblock_gas_limit = 1000000\n[parent]\nchain_id = 2\nvault = \"0x0000000000000000000000000000000000000001\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[batch]\nda = \"validium\"",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[batch]\nmax_pubdata_bytes = 200000",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[batch]\nmax_messages = 0",
            "chain_id = 1\nname = \"a\"\ndata_dir = \"x\"\n[batch]\nmax_messages = 1025",
            "not toml at all",
        ] {
            assert!(
                matches!(ChainConfig::from_toml(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
        assert!(ChainConfig::dev("x".into()).validate().is_ok());
    }

    #[test]
    fn genesis_holds_the_system_contracts_and_the_parent() {
        let c = ChainConfig::from_toml(
            r#"
            chain_id = 4300
            name = "reddit"
            data_dir = "/tmp/reddit"
            [parent]
            chain_id = 31337
            vault = "0x00000000000000000000000000000000000000aa"
            "#,
        )
        .unwrap();
        let alloc = c.genesis_alloc();
        let outbox = &alloc[&fractal_primitives::L2_OUTBOX];
        assert!(outbox.code.as_ref().is_some_and(|code| code.len() > 100));
        let bridge = &alloc[&fractal_primitives::L2_BRIDGE];
        assert_eq!(bridge.storage[&U256::from(1)], U256::from(0xaa));
        assert_eq!(bridge.storage[&U256::from(2)], U256::from(31337));
        let dev = ChainConfig::dev("x".into()).genesis_alloc();
        assert!(dev[&fractal_primitives::L2_BRIDGE].storage.is_empty());
        assert_eq!(dev.len(), DEV_ACCOUNTS.len() + 4);
        for library in [
            fractal_primitives::POSEIDON_T3,
            fractal_primitives::POSEIDON_T4,
        ] {
            let account = &alloc[&library];
            assert!(
                account.code.is_some() && account.storage.is_empty(),
                "{library}"
            );
        }
    }

    /// The outbox's code calls the Poseidon libraries at their genesis addresses (`tools/system-contracts`
    /// links it there), and each library's code holds its own address, as a deployment there would.
    #[test]
    fn the_outbox_is_linked_to_the_genesis_libraries() {
        for code in [
            L2_OUTBOX_CODE,
            L2_BRIDGE_CODE,
            POSEIDON_T3_CODE,
            POSEIDON_T4_CODE,
        ] {
            assert!(!code.contains("__$"), "an unlinked library placeholder");
        }
        let push20 = |address: Address| [&[0x73u8][..], address.as_slice()].concat();
        let contains = |code: &[u8], needle: &[u8]| code.windows(needle.len()).any(|w| w == needle);
        let outbox = system_code(L2_OUTBOX_CODE);
        for (library, code) in [
            (fractal_primitives::POSEIDON_T3, POSEIDON_T3_CODE),
            (fractal_primitives::POSEIDON_T4, POSEIDON_T4_CODE),
        ] {
            assert!(
                contains(&outbox, &push20(library)),
                "outbox calls {library}"
            );
            assert!(system_code(code).starts_with(&push20(library)), "{library}");
        }
    }
}
