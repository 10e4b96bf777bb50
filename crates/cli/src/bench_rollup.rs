//! `fractal bench rollup`: what a batch publishes and what the parent charges for it, measured on the
//! whole stack. It starts `fractal devnet` (anvil as L1, the settlement suite, a chain with its node
//! and publisher) as a child process, runs workloads on the chain, each in batches of its own, reads
//! the sealed batches back (`fractal_batchByNumber`), decodes their pubdata in order from the genesis
//! to tell first writes from repeated ones, and takes the gas of every batch's commit, prove and
//! execute transactions from their receipts on L1.
//!
//! Setup, not measured: a `SlotWriter` (`contracts/test/bench/SlotWriter.sol`) deployed by dev
//! account 0 in a batch of its own once the deposits' batch is executed (so that the positions of its
//! entries, and the gaps the workloads' rows write, are the same every run), then an ERC-20; `--holders` senders and as many recipients funded with ether
//! and minted tokens; one ERC-20 transfer per sender, so that its nonce is published too. Then, each
//! workload waiting for the batches of the one before to be sealed and executed on L1:
//! - **ERC-20 transfers**: each sender pays 250 tokens to its own recipient, a known holder;
//! - **ether transfers**: each sender pays 1 ETH to its own recipient, a known account;
//! - **first writes**: `SlotWriter.write` sets `--slots` fresh mapping slots to 250·10¹⁸;
//! - **repeated writes**: the same slots set to 500·10¹⁸ (a new 9-byte value);
//! - **repeated writes, +1**: the same slots incremented by one (a counter).
//!
//! Every sender pays a recipient of its own: a batch publishes each entry's final value once, so a
//! ring of transfers would cancel out.
//!
//! **Attribution.** A workload's bytes are its batches' pubdata minus what the same batches weigh
//! re-encoded, from the same tables, without the workload's entries (what is left: the header and the
//! fee recipient's balance). Per first or repeated write of the slot workloads: the batches' pubdata
//! minus their re-encoding without the `SlotWriter`'s slots, over the slots written.

use std::{
    collections::BTreeSet,
    fmt::Write as _,
    ops::RangeInclusive,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use alloy::{
    primitives::{Address, B256, Bytes, TxKind, U256, keccak256},
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolEvent, SolValue},
    transports::http::reqwest,
};
use eyre::{Context, Result, bail, eyre};
use fractal_node::{chain::genesis_block, config::ChainConfig};
use fractal_primitives::{
    SealedBatch, StateKind,
    pubdata::{self, BatchWrites, BlockRange, DecodedBatch, EntryKey, PubdataTables},
};
use serde_json::{Value, json};

use crate::{
    bench::{Client, Sender, free_port, machine, median, sender_key},
    devnet::DEV_KEYS,
};

sol! {
    function transfer(address to, uint256 amount) returns (bool);
    function mint(address to, uint256 amount);
    function write(uint256 from, uint256 count, uint256 value);
    function totalBatchesExecuted() returns (uint64);
    event BatchCommitted(uint64 indexed batchNumber, bytes32 batchHash, bytes32 newStateRoot, bytes32 messageRoot);
    event BatchProven(uint64 indexed batchNumber, bytes32 batchHash);
    event BatchExecuted(uint64 indexed batchNumber, bytes32 stateRoot, bytes32 messageRoot);
}

const ETHER: u128 = 1_000_000_000_000_000_000;
/// Tokens each ERC-20 transfer moves: 250 with 18 decimals (a 9-byte delta).
const TOKENS: u128 = 250 * ETHER;
/// Tokens minted to each sender and recipient.
const MINTED: u128 = 1_000_000 * ETHER;
/// Ether each sender gets in the setup (the ether workload pays 1 ETH).
const SENDER_ETHER: u128 = 2 * ETHER;
/// Ether each recipient gets in the setup, so that its balance is a known entry.
const RECIPIENT_ETHER: u128 = ETHER / 2;
/// The first-write workload's value: 250·10¹⁸ (9 bytes).
const FIRST_VALUE: u128 = 250 * ETHER;
/// The repeated-write workload's value: 500·10¹⁸ (9 bytes; the delta too).
const REWRITE_VALUE: u128 = 500 * ETHER;
/// Ether the devnet deposits on the chain for each dev account (dev account 0 pays all ten deposits
/// on L1 out of anvil's 10,000 ETH, so 1,000 each would not leave it the gas).
const DEPOSIT_ETHER: u64 = 500;
const ETH_GAS: u64 = 21_000;
const TOKEN_GAS: u64 = 80_000;
/// Slots one `SlotWriter.write` transaction writes at most (about 11.5 M gas of first writes).
const SLOTS_PER_TX: usize = 512;
/// Transactions per JSON-RPC batch request (at most one per sender).
const REQUEST_TXS: usize = 50;
/// The reference for a repeated write in the ZK Stack encoding: about 5 bytes.
const REFERENCE_REPEATED: f64 = 5.0;
/// The reference for a first write in the ZK Stack encoding: a 32-byte key, then the value.
const REFERENCE_KEY: usize = 32;

/// Settings of a run.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RollupBench {
    /// Senders of the transfer workloads; each pays a recipient of its own (as many known holders).
    #[arg(long, default_value_t = 64)]
    holders: usize,
    /// Fresh storage slots the first-write workload writes and the repeated-write ones rewrite.
    #[arg(long, default_value_t = 256)]
    slots: usize,
    /// The chain's block time, in milliseconds (`fractal devnet --block-time-ms`).
    #[arg(long, default_value_t = 200)]
    block_time_ms: u64,
    /// Most blocks per batch (`fractal devnet --batch-blocks`). A batch seals once it holds a
    /// transaction and has this many blocks or is 10 s old: a workload sent after an idle stretch
    /// seals with its first block, and what spills into the next block within this many blocks.
    #[arg(long, default_value_t = 10)]
    batch_blocks: u64,
    /// The ERC-20 (a forge artifact; `forge build` writes it).
    #[arg(long, default_value = "out/TestERC20.sol/TestERC20.json")]
    token_artifact: PathBuf,
    /// The slot writer (a forge artifact of `contracts/test/bench/SlotWriter.sol`).
    #[arg(long, default_value = "out/SlotWriter.sol/SlotWriter.json")]
    writer_artifact: PathBuf,
    /// Where to write the results (`<out>.md` and `<out>.json`).
    #[arg(long, default_value = "bench/rollup")]
    out: PathBuf,
    /// Scratch directory: the devnet's files (wiped at start) and its log.
    #[arg(long, default_value = ".devnet/bench-rollup")]
    work_dir: PathBuf,
}

impl RollupBench {
    fn command_line(&self) -> String {
        format!(
            "--holders {} --slots {} --block-time-ms {} --batch-blocks {}",
            self.holders, self.slots, self.block_time_ms, self.batch_blocks
        )
    }
}

/// What the devnet wrote to `devnet.json`, as far as the bench needs it.
struct Endpoints {
    l1: String,
    l2: String,
    chain_id: u64,
    config: PathBuf,
    settlement: Address,
}

impl Endpoints {
    fn from_json(json: &Value) -> Result<Self> {
        let text = |path: &[&str]| -> Result<String> {
            path.iter()
                .fold(json, |v, k| &v[*k])
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| eyre!("devnet.json has no {}", path.join(".")))
        };
        Ok(Self {
            l1: text(&["l1", "rpc"])?,
            l2: text(&["chain", "rpc"])?,
            chain_id: json["chain"]["chainId"]
                .as_u64()
                .ok_or_else(|| eyre!("devnet.json has no chain.chainId"))?,
            config: text(&["chain", "config"])?.into(),
            settlement: text(&["contracts", "settlement"])?.parse()?,
        })
    }
}

/// `fractal devnet` as a child process, stopped with SIGINT (as Ctrl-C would) when dropped.
struct Devnet {
    child: Child,
    dir: PathBuf,
    log: PathBuf,
}

impl Devnet {
    /// Starts the devnet on free ports, its files in `<work dir>/devnet`, its output in
    /// `<work dir>/devnet.log`.
    fn start(settings: &RollupBench) -> Result<Self> {
        let dir = settings.work_dir.join("devnet");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .wrap_err_with(|| format!("clearing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&settings.work_dir)?;
        let log = settings.work_dir.join("devnet.log");
        let file = std::fs::File::create(&log)?;
        let mut ports = BTreeSet::new();
        while ports.len() < 3 {
            ports.insert(free_port()?);
        }
        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
        let child = Command::new(std::env::current_exe()?)
            .arg("devnet")
            .arg("--dir")
            .arg(&dir)
            .args(["--l1-port", &ports[0], "--l2-port", &ports[1]])
            .args(["--rest-port", &ports[2]])
            .args(["--block-time-ms", &settings.block_time_ms.to_string()])
            .args(["--batch-blocks", &settings.batch_blocks.to_string()])
            .args(["--deposit-ether", &DEPOSIT_ETHER.to_string()])
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .wrap_err("starting fractal devnet")?;
        Ok(Self { child, dir, log })
    }

    /// Waits for `devnet.json`: the devnet is up, its deposits on the chain.
    async fn ready(&mut self) -> Result<Endpoints> {
        let deadline = Instant::now() + Duration::from_secs(300);
        let file = self.dir.join("devnet.json");
        loop {
            if let Some(json) = std::fs::read_to_string(&file)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            {
                return Endpoints::from_json(&json);
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "fractal devnet exited ({status}) before it was up; its log, {}:\n{}",
                    self.log.display(),
                    self.log_tail()
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "fractal devnet was not up within 300 s (see {})",
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Sends SIGINT and waits up to 60 s for a clean stop (the devnet stops its node, publisher and
    /// anvil); kills it after that.
    fn stop(&mut self) -> Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                if !status.success() {
                    bail!(
                        "fractal devnet stopped with {status} (see {})",
                        self.log.display()
                    );
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.child.kill()?;
        self.child.wait()?;
        bail!("fractal devnet did not stop within 60 s of SIGINT; killed")
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::warn!(error = %e, "stopping the devnet");
        }
    }
}

/// The chain and its parent, through JSON-RPC.
struct Stack {
    client: Client,
    at: Endpoints,
}

impl Stack {
    async fn u64_of(&self, url: &str, method: &str, params: Value) -> Result<u64> {
        let value: U256 = serde_json::from_value(self.client.rpc(url, method, params).await?)?;
        u64::try_from(value).map_err(|_| eyre!("{method} answered {value}, beyond 64 bits"))
    }

    async fn latest_batch(&self) -> Result<u64> {
        self.u64_of(&self.at.l2, "fractal_latestBatch", json!([]))
            .await
    }

    async fn batch(&self, number: u64) -> Result<SealedBatch> {
        let batch = self
            .client
            .rpc(
                &self.at.l2,
                "fractal_batchByNumber",
                json!([format!("{number:#x}")]),
            )
            .await?;
        if batch.is_null() {
            bail!("the node has no sealed batch {number}");
        }
        serde_json::from_value(batch).wrap_err_with(|| format!("reading batch {number}"))
    }

    /// `totalBatchesExecuted()` of the chain's settlement on L1.
    async fn executed(&self) -> Result<u64> {
        let call = json!({ "to": self.at.settlement, "data": Bytes::from(totalBatchesExecutedCall {}.abi_encode()) });
        let word: Bytes = serde_json::from_value(
            self.client
                .rpc(&self.at.l1, "eth_call", json!([call, "latest"]))
                .await?,
        )?;
        Ok(U256::from_be_slice(&word).to::<u64>())
    }

    /// The next nonce of `address` on the chain.
    async fn nonce(&self, address: Address) -> Result<u64> {
        self.u64_of(
            &self.at.l2,
            "eth_getTransactionCount",
            json!([address, "pending"]),
        )
        .await
    }

    /// Sends `txs` one by one (a sender's transactions in nonce order), or with `batched` in JSON-RPC
    /// batch requests (at most one transaction per sender among them); returns their hashes.
    async fn send(&self, txs: &[Bytes], batched: bool) -> Result<Vec<B256>> {
        if batched {
            for chunk in txs.chunks(REQUEST_TXS) {
                let raws: Vec<&Bytes> = chunk.iter().collect();
                self.client.send_batch(&self.at.l2, &raws).await?;
            }
        } else {
            for raw in txs {
                self.client.send_raw(&self.at.l2, raw).await?;
            }
        }
        Ok(txs.iter().map(keccak256).collect())
    }

    /// Waits for every receipt; fails on a failed transaction. Returns the receipts.
    async fn receipts(&self, hashes: &[B256]) -> Result<Vec<Value>> {
        let mut receipts = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let receipt = self.client.wait_receipt(&self.at.l2, *hash, false).await?;
            if receipt["status"] != json!("0x1") {
                bail!("transaction {hash} failed on the chain: {receipt}");
            }
            receipts.push(receipt);
        }
        Ok(receipts)
    }

    /// Waits until a sealed batch holds `block` and is executed on L1; returns its number.
    async fn settle(&self, block: u64) -> Result<u64> {
        let deadline = Instant::now() + Duration::from_secs(180);
        let sealed = loop {
            let latest = self.latest_batch().await?;
            if latest > 0 && self.batch(latest).await?.last_block >= block {
                break latest;
            }
            if Instant::now() > deadline {
                bail!("no sealed batch holds block {block} after 180 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        while self.executed().await? < sealed {
            if Instant::now() > deadline {
                bail!(
                    "batch {sealed} is not executed on L1 after 180 s (the publisher's log is the devnet's)"
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(sealed)
    }

    /// Waits until every block that holds a transaction so far is in a batch executed on L1.
    async fn settle_all(&self) -> Result<()> {
        let latest = self
            .u64_of(&self.at.l2, "eth_blockNumber", json!([]))
            .await?;
        for number in (1..=latest).rev() {
            let block = self
                .client
                .rpc(
                    &self.at.l2,
                    "eth_getBlockByNumber",
                    json!([format!("{number:#x}"), false]),
                )
                .await?;
            if block["transactions"]
                .as_array()
                .is_some_and(|txs| !txs.is_empty())
            {
                self.settle(number).await?;
                return Ok(());
            }
        }
        Ok(())
    }

    /// Deploys `code` from `deployer`; returns the contract's address and the block that holds it.
    async fn deploy(&self, deployer: &mut Sender, code: Bytes, gas: u64) -> Result<(Address, u64)> {
        let raw = deployer.sign(self.at.chain_id, TxKind::Create, U256::ZERO, code, gas);
        let hashes = self.send(&[raw], false).await?;
        let receipt = self.receipts(&hashes).await?.remove(0);
        let address = serde_json::from_value(receipt["contractAddress"].clone())
            .wrap_err("a deployment's receipt has no contract address")?;
        Ok((address, block_of(&receipt)?))
    }
}

fn block_of(receipt: &Value) -> Result<u64> {
    let block: U256 = serde_json::from_value(receipt["blockNumber"].clone())
        .wrap_err("a receipt without a block number")?;
    Ok(block.to::<u64>())
}

/// Reads a forge artifact's creation code and appends `args` (the encoded constructor arguments).
fn creation_code(artifact: &Path, args: &[u8]) -> Result<Bytes> {
    let text = std::fs::read_to_string(artifact).wrap_err_with(|| {
        format!(
            "reading {} (run `forge build` first, or `make bench-rollup`)",
            artifact.display()
        )
    })?;
    let json: Value =
        serde_json::from_str(&text).wrap_err_with(|| format!("parsing {}", artifact.display()))?;
    let code = json["bytecode"]["object"]
        .as_str()
        .ok_or_else(|| eyre!("{} has no bytecode.object", artifact.display()))?;
    let mut creation = alloy::primitives::hex::decode(code)
        .wrap_err_with(|| format!("the bytecode of {}", artifact.display()))?;
    if creation.is_empty() {
        bail!("{} holds no creation code", artifact.display());
    }
    creation.extend_from_slice(args);
    Ok(creation.into())
}

/// A recipient of the transfer workloads: an address without a key, known to the chain after setup.
fn recipient(i: usize) -> Address {
    Address::from_word(keccak256(format!("fractal-bench-rollup-recipient-{i}")))
}

/// The workloads, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Erc20,
    Ether,
    FirstWrites,
    RepeatedWrites,
    Increments,
}

impl Kind {
    const ALL: [Self; 5] = [
        Self::Erc20,
        Self::Ether,
        Self::FirstWrites,
        Self::RepeatedWrites,
        Self::Increments,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Erc20 => "ERC-20 transfers between known holders",
            Self::Ether => "ether transfers between known accounts",
            Self::FirstWrites => "first writes of fresh slots (value 250·10¹⁸)",
            Self::RepeatedWrites => "repeated writes, new value (500·10¹⁸)",
            Self::Increments => "repeated writes, +1 (a counter)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Erc20 => "erc20Transfers",
            Self::Ether => "etherTransfers",
            Self::FirstWrites => "firstWrites",
            Self::RepeatedWrites => "repeatedWrites",
            Self::Increments => "repeatedWritesPlusOne",
        }
    }
}

/// A workload that ran: its transactions and the batches that hold them (and nothing else).
struct Workload {
    kind: Kind,
    txs: usize,
    batches: RangeInclusive<u64>,
    /// The accounts whose entries the workload writes.
    participants: BTreeSet<Address>,
    /// The contract whose storage writes the per-write figures count (the slot workloads).
    focus: Option<Address>,
}

/// One batch's pubdata, decoded and attributed.
#[derive(Debug, Clone, Default)]
struct BatchBytes {
    number: u64,
    blocks: (u64, u64),
    bytes: usize,
    new_accounts: usize,
    first: usize,
    repeated: usize,
    /// Bytes of the workload's entries: the batch minus its re-encoding without them.
    workload_bytes: usize,
    workload_first: usize,
    workload_repeated: usize,
    /// Bytes of the focus contract's storage writes, likewise.
    focus_bytes: usize,
    focus_first: usize,
    focus_repeated: usize,
    /// The pubdata's calldata gas (EIP-2028: 16 per non-zero byte, 4 per zero byte).
    calldata_gas: u64,
}

/// `writes` without the entries `drop` selects, and without code that no remaining write uses.
fn writes_without(writes: &BatchWrites, drop: impl Fn(&EntryKey) -> bool) -> BatchWrites {
    let values: std::collections::BTreeMap<_, _> = writes
        .values
        .iter()
        .filter(|(key, _)| !drop(key))
        .map(|(k, v)| (*k, *v))
        .collect();
    let used: BTreeSet<B256> = values
        .iter()
        .filter(|(k, _)| k.kind == StateKind::CodeHash)
        .map(|(_, v)| B256::from(*v))
        .collect();
    let code = writes
        .code
        .iter()
        .filter(|(hash, _)| used.contains(*hash))
        .map(|(h, c)| (*h, c.clone()))
        .collect();
    BatchWrites { values, code }
}

/// Bytes of the entries `selected` picks in a batch: its length minus the length of its re-encoding,
/// from the same tables, without them.
fn marginal_bytes(
    before: &PubdataTables,
    decoded: &DecodedBatch,
    length: usize,
    selected: impl Fn(&EntryKey) -> bool,
) -> Result<usize> {
    let rest = writes_without(&decoded.writes, selected);
    let without = pubdata::encode(&mut before.clone(), &rest, decoded.blocks)
        .wrap_err("re-encoding a batch without the workload's writes")?;
    Ok(length - without.len())
}

/// Gas of `data` as calldata (EIP-2028) and its EIP-7623 tokens (zero bytes + 4 × non-zero bytes).
fn calldata_cost(data: &[u8]) -> (u64, u64) {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    (4 * zeros + 16 * nonzeros, zeros + 4 * nonzeros)
}

/// Length of a value packed in full: a header byte and its minimal big-endian bytes.
fn packed_len(value: U256) -> usize {
    1 + value.byte_len()
}

impl BatchBytes {
    fn new(
        before: &PubdataTables,
        batch: &SealedBatch,
        decoded: &DecodedBatch,
        workload: &Workload,
    ) -> Result<Self> {
        let length = batch.pubdata.len();
        let is_first = |key: &EntryKey| before.entry_index(key).is_none();
        let keys = || decoded.writes.values.keys();
        let in_workload = |key: &EntryKey| workload.participants.contains(&key.address);
        let in_focus =
            |key: &EntryKey| workload.focus == Some(key.address) && key.kind == StateKind::Storage;
        let count = |pick: &dyn Fn(&EntryKey) -> bool, first: bool| {
            keys().filter(|k| pick(k) && is_first(k) == first).count()
        };
        let new_accounts: BTreeSet<Address> = keys()
            .filter(|k| !before.knows_address(&k.address))
            .map(|k| k.address)
            .collect();
        let focus_bytes = if workload.focus.is_some() {
            marginal_bytes(before, decoded, length, in_focus)?
        } else {
            0
        };
        Ok(Self {
            number: batch.header.batchNumber,
            blocks: (batch.first_block, batch.last_block),
            bytes: length,
            new_accounts: new_accounts.len(),
            first: count(&|_| true, true),
            repeated: count(&|_| true, false),
            workload_bytes: marginal_bytes(before, decoded, length, in_workload)?,
            workload_first: count(&in_workload, true),
            workload_repeated: count(&in_workload, false),
            focus_bytes,
            focus_first: count(&in_focus, true),
            focus_repeated: count(&in_focus, false),
            calldata_gas: calldata_cost(&batch.pubdata).0,
        })
    }
}

/// One L1 transaction of a batch: its gas and how many batches it carried.
#[derive(Debug, Clone)]
struct TxGas {
    tx: B256,
    gas_used: u64,
    batches: u64,
}

impl TxGas {
    /// The transaction's gas split evenly over the batches it carried.
    fn per_batch(&self) -> f64 {
        self.gas_used as f64 / self.batches.max(1) as f64
    }

    fn json(&self) -> Value {
        json!({ "tx": self.tx, "gasUsed": self.gas_used, "batchesInTx": self.batches, "gasPerBatch": self.per_batch() })
    }
}

/// A batch's commit, prove and execute on L1.
#[derive(Debug, Clone)]
struct L1Gas {
    commit: TxGas,
    prove: TxGas,
    execute: TxGas,
    /// Whether the commit paid the EIP-7623 calldata floor (21,000 + 10 gas per token) rather than
    /// the standard 4/16 per byte plus execution.
    commit_floor: bool,
}

impl Stack {
    /// The L1 transaction whose `event` names `batch`, with its gas and the batches it carried.
    async fn l1_tx(&self, topic: B256, batch: u64) -> Result<TxGas> {
        let filter = json!({
            "address": self.at.settlement, "fromBlock": "0x0", "toBlock": "latest",
            "topics": [topic, B256::from(U256::from(batch))],
        });
        let logs = self
            .client
            .rpc(&self.at.l1, "eth_getLogs", json!([filter]))
            .await?;
        let tx: B256 = logs
            .as_array()
            .and_then(|logs| logs.last())
            .map(|log| serde_json::from_value(log["transactionHash"].clone()))
            .transpose()?
            .ok_or_else(|| eyre!("no event {topic} for batch {batch} on L1"))?;
        let receipt = self
            .client
            .rpc(&self.at.l1, "eth_getTransactionReceipt", json!([tx]))
            .await?;
        let gas_used: U256 = serde_json::from_value(receipt["gasUsed"].clone())?;
        let settlement = self.at.settlement.to_string().to_lowercase();
        let batches = receipt["logs"].as_array().map_or(0, |logs| {
            logs.iter()
                .filter(|log| {
                    log["address"].as_str().map(str::to_lowercase).as_deref()
                        == Some(settlement.as_str())
                        && log["topics"][0] == json!(topic)
                })
                .count()
        }) as u64;
        Ok(TxGas {
            tx,
            gas_used: gas_used.to::<u64>(),
            batches,
        })
    }

    async fn l1_gas(&self, batch: u64) -> Result<L1Gas> {
        let commit = self.l1_tx(BatchCommitted::SIGNATURE_HASH, batch).await?;
        let tx = self
            .client
            .rpc(&self.at.l1, "eth_getTransactionByHash", json!([commit.tx]))
            .await?;
        let input: Bytes = serde_json::from_value(tx["input"].clone())?;
        let (_, tokens) = calldata_cost(&input);
        Ok(L1Gas {
            commit_floor: commit.gas_used == 21_000 + 10 * tokens,
            commit,
            prove: self.l1_tx(BatchProven::SIGNATURE_HASH, batch).await?,
            execute: self.l1_tx(BatchExecuted::SIGNATURE_HASH, batch).await?,
        })
    }
}

/// A workload's figures.
struct Row {
    workload: Workload,
    batches: Vec<(BatchBytes, L1Gas)>,
}

impl Row {
    fn sum(&self, f: impl Fn(&BatchBytes) -> usize) -> usize {
        self.batches.iter().map(|(b, _)| f(b)).sum()
    }

    fn per(&self, numerator: usize, denominator: usize) -> Option<f64> {
        (denominator > 0).then(|| numerator as f64 / denominator as f64)
    }

    fn bytes_per_tx(&self) -> Option<f64> {
        self.per(self.sum(|b| b.workload_bytes), self.workload.txs)
    }

    /// Bytes per first write: the focus contract's (slot workloads).
    fn bytes_per_first(&self) -> Option<f64> {
        if self.sum(|b| b.focus_repeated) > 0 {
            return None;
        }
        self.per(self.sum(|b| b.focus_bytes), self.sum(|b| b.focus_first))
    }

    /// Bytes per repeated write: the focus contract's (slot workloads), or the workload's bytes over
    /// its writes when they are all repeated (transfers).
    fn bytes_per_repeated(&self) -> Option<f64> {
        if self.workload.focus.is_some() {
            if self.sum(|b| b.focus_first) > 0 {
                return None;
            }
            return self.per(self.sum(|b| b.focus_bytes), self.sum(|b| b.focus_repeated));
        }
        if self.sum(|b| b.workload_first) > 0 {
            return None;
        }
        self.per(
            self.sum(|b| b.workload_bytes),
            self.sum(|b| b.workload_repeated),
        )
    }

    /// The reference figures for the ZK Stack encoding, applied to this workload's writes:
    /// (bytes, how).
    fn reference(&self) -> (Option<f64>, String) {
        match self.workload.kind {
            Kind::FirstWrites => {
                let bytes = REFERENCE_KEY + packed_len(U256::from(FIRST_VALUE));
                (
                    Some(bytes as f64),
                    format!(
                        "{bytes} per first write ({REFERENCE_KEY}-byte key + {}-byte packed value)",
                        bytes - REFERENCE_KEY
                    ),
                )
            }
            Kind::RepeatedWrites | Kind::Increments => (
                Some(REFERENCE_REPEATED),
                format!("≈ {REFERENCE_REPEATED:.0} per repeated write"),
            ),
            Kind::Erc20 | Kind::Ether => {
                let writes = self.sum(|b| b.workload_repeated) as f64 / self.workload.txs as f64;
                if self.sum(|b| b.workload_first) > 0 {
                    return (None, "—".into());
                }
                let bytes = writes * REFERENCE_REPEATED;
                (
                    Some(bytes),
                    format!(
                        "≈ {bytes:.0} per tx ({writes:.0} repeated writes × ≈ {REFERENCE_REPEATED:.0})"
                    ),
                )
            }
        }
    }

    fn gas_median(&self, f: impl Fn(&L1Gas) -> f64) -> f64 {
        median(&self.batches.iter().map(|(_, g)| f(g)).collect::<Vec<_>>())
    }

    /// Median over the batches of the pubdata's calldata gas over the commit's gas per batch.
    fn calldata_share(&self) -> f64 {
        median(
            &self
                .batches
                .iter()
                .map(|(b, g)| b.calldata_gas as f64 / g.commit.per_batch())
                .collect::<Vec<_>>(),
        )
    }

    /// Commit, prove and execute gas of the workload's batches over its transactions.
    fn l1_gas_per_tx(&self) -> f64 {
        let total: f64 = self
            .batches
            .iter()
            .map(|(_, g)| g.commit.per_batch() + g.prove.per_batch() + g.execute.per_batch())
            .sum();
        total / self.workload.txs as f64
    }

    fn json(&self) -> Value {
        let (reference, reference_how) = self.reference();
        json!({
            "workload": self.workload.kind.label(),
            "txs": self.workload.txs,
            "batches": self.batches.iter().map(|(b, _)| b.number).collect::<Vec<_>>(),
            "pubdataBytes": self.sum(|b| b.bytes),
            "newAccounts": self.sum(|b| b.new_accounts),
            "firstWrites": self.sum(|b| b.first),
            "repeatedWrites": self.sum(|b| b.repeated),
            "workloadBytes": self.sum(|b| b.workload_bytes),
            "workloadFirstWrites": self.sum(|b| b.workload_first),
            "workloadRepeatedWrites": self.sum(|b| b.workload_repeated),
            "slotBytes": self.sum(|b| b.focus_bytes),
            "bytesPerTx": self.bytes_per_tx(),
            "bytesPerFirstWrite": self.bytes_per_first(),
            "bytesPerRepeatedWrite": self.bytes_per_repeated(),
            "reference": reference,
            "referenceHow": reference_how,
            "l1": {
                "commitGasPerBatch": self.gas_median(|g| g.commit.per_batch()),
                "proveGasPerBatch": self.gas_median(|g| g.prove.per_batch()),
                "executeGasPerBatch": self.gas_median(|g| g.execute.per_batch()),
                "pubdataCalldataGas": median(&self.batches.iter().map(|(b, _)| b.calldata_gas as f64).collect::<Vec<_>>()),
                "pubdataShareOfCommit": self.calldata_share(),
                "l1GasPerTx": self.l1_gas_per_tx(),
            },
            "perBatch": self.batches.iter().map(|(b, g)| json!({
                "batch": b.number, "blocks": [b.blocks.0, b.blocks.1], "pubdataBytes": b.bytes,
                "newAccounts": b.new_accounts, "firstWrites": b.first, "repeatedWrites": b.repeated,
                "workloadBytes": b.workload_bytes, "slotBytes": b.focus_bytes,
                "pubdataCalldataGas": b.calldata_gas,
                "commit": g.commit.json(), "commitPaidCalldataFloor": g.commit_floor,
                "prove": g.prove.json(), "execute": g.execute.json(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// Runs the setup and the workloads on the devnet; returns each workload with its batches.
async fn run_workloads(
    stack: &Stack,
    settings: &RollupBench,
    token_code: Bytes,
    writer_code: Bytes,
) -> Result<Vec<Workload>> {
    let chain_id = stack.at.chain_id;
    let deployer_key: PrivateKeySigner = DEV_KEYS[0].parse()?;
    let mut deployer = Sender {
        nonce: stack.nonce(deployer_key.address()).await?,
        key: deployer_key,
    };
    // The slot writer gets a batch of its own after the deposits', so that the positions of its
    // entries (and so the gaps of the rows that write them) do not depend on how the setup's
    // transactions fall into batches.
    tracing::info!(
        "setup: the deposits' batch executed on L1, then the slot writer deployed in its own"
    );
    stack.settle_all().await?;
    let (writer, block) = stack.deploy(&mut deployer, writer_code, 1_000_000).await?;
    stack.settle(block).await?;
    tracing::info!("setup: deploying the token");
    let (token, _) = stack.deploy(&mut deployer, token_code, 3_000_000).await?;
    let mut senders: Vec<Sender> = (0..settings.holders)
        .map(|i| Sender {
            key: sender_key(i),
            nonce: 0,
        })
        .collect();
    for sender in &mut senders {
        sender.nonce = stack.nonce(sender.key.address()).await?;
    }
    let recipients: Vec<Address> = (0..settings.holders).map(recipient).collect();
    tracing::info!(
        holders = settings.holders,
        "setup: funding and minting to every sender and recipient"
    );
    let mut setup = Vec::new();
    for (sender, to) in senders.iter().zip(&recipients) {
        let from = sender.key.address();
        for (account, ether) in [(from, SENDER_ETHER), (*to, RECIPIENT_ETHER)] {
            setup.push(deployer.sign(
                chain_id,
                TxKind::Call(account),
                U256::from(ether),
                Bytes::new(),
                ETH_GAS,
            ));
            let mint = mintCall {
                to: account,
                amount: U256::from(MINTED),
            };
            setup.push(deployer.sign(
                chain_id,
                TxKind::Call(token),
                U256::ZERO,
                mint.abi_encode().into(),
                TOKEN_GAS,
            ));
        }
    }
    let hashes = stack.send(&setup, false).await?;
    stack.receipts(&hashes).await?;
    tracing::info!("setup: one ERC-20 transfer per sender (publishes its nonce)");
    let warm_up = transfers(&mut senders, &recipients, chain_id, Kind::Erc20, token);
    let hashes = stack.send(&warm_up, true).await?;
    let receipts = stack.receipts(&hashes).await?;
    let last = receipts.iter().map(block_of).collect::<Result<Vec<_>>>()?;
    stack.settle(last.into_iter().max().unwrap_or(0)).await?;

    let mut done = Vec::new();
    for kind in Kind::ALL {
        let (txs, batched, participants, focus) = match kind {
            Kind::Erc20 | Kind::Ether => {
                let txs = transfers(&mut senders, &recipients, chain_id, kind, token);
                let mut participants: BTreeSet<Address> =
                    senders.iter().map(|s| s.key.address()).collect();
                participants.extend(&recipients);
                if kind == Kind::Erc20 {
                    participants.insert(token);
                }
                (txs, true, participants, None)
            }
            Kind::FirstWrites | Kind::RepeatedWrites | Kind::Increments => {
                let value = match kind {
                    Kind::FirstWrites => U256::from(FIRST_VALUE),
                    Kind::RepeatedWrites => U256::from(REWRITE_VALUE),
                    _ => U256::from(REWRITE_VALUE) + U256::from(1),
                };
                let txs = slot_writes(&mut deployer, chain_id, writer, settings.slots, value);
                let participants = BTreeSet::from([deployer.key.address(), writer]);
                (txs, false, participants, Some(writer))
            }
        };
        let before = stack.latest_batch().await?;
        let hashes = stack.send(&txs, batched).await?;
        let receipts = stack.receipts(&hashes).await?;
        let blocks = receipts.iter().map(block_of).collect::<Result<Vec<_>>>()?;
        let last = stack.settle(blocks.into_iter().max().unwrap_or(0)).await?;
        tracing::info!(workload = kind.label(), txs = txs.len(), batches = %format!("{}..={last}", before + 1), "measured");
        done.push(Workload {
            kind,
            txs: txs.len(),
            batches: before + 1..=last,
            participants,
            focus,
        });
    }
    Ok(done)
}

/// One transfer per sender to its own recipient: 250 tokens, or 1 ETH.
fn transfers(
    senders: &mut [Sender],
    recipients: &[Address],
    chain_id: u64,
    kind: Kind,
    token: Address,
) -> Vec<Bytes> {
    senders
        .iter_mut()
        .zip(recipients)
        .map(|(sender, to)| match kind {
            Kind::Ether => sender.sign(
                chain_id,
                TxKind::Call(*to),
                U256::from(ETHER),
                Bytes::new(),
                ETH_GAS,
            ),
            _ => {
                let call = transferCall {
                    to: *to,
                    amount: U256::from(TOKENS),
                };
                sender.sign(
                    chain_id,
                    TxKind::Call(token),
                    U256::ZERO,
                    call.abi_encode().into(),
                    TOKEN_GAS,
                )
            }
        })
        .collect()
}

/// `SlotWriter.write` over slots `0..slots` with `value`, at most `SLOTS_PER_TX` per transaction.
fn slot_writes(
    writer_account: &mut Sender,
    chain_id: u64,
    writer: Address,
    slots: usize,
    value: U256,
) -> Vec<Bytes> {
    (0..slots)
        .step_by(SLOTS_PER_TX)
        .map(|from| {
            let count = SLOTS_PER_TX.min(slots - from);
            let call = writeCall {
                from: U256::from(from),
                count: U256::from(count),
                value,
            };
            writer_account.sign(
                chain_id,
                TxKind::Call(writer),
                U256::ZERO,
                call.abi_encode().into(),
                100_000 + 30_000 * count as u64,
            )
        })
        .collect()
}

/// Reads every batch from the first to the workloads' last, decodes them in order from the genesis,
/// and attributes the workloads' batches; adds each one's L1 gas.
async fn analyse(stack: &Stack, workloads: Vec<Workload>) -> Result<Vec<Row>> {
    let text = std::fs::read_to_string(&stack.at.config)
        .wrap_err_with(|| format!("reading {}", stack.at.config.display()))?;
    let config = ChainConfig::from_toml(&text)
        .wrap_err_with(|| format!("in {}", stack.at.config.display()))?;
    let mut tables = PubdataTables::genesis(&genesis_block(&config).diff);
    let last = workloads.last().map_or(0, |w| *w.batches.end());
    let mut rows: Vec<Row> = workloads
        .into_iter()
        .map(|workload| Row {
            workload,
            batches: Vec::new(),
        })
        .collect();
    for number in 1..=last {
        let batch = stack.batch(number).await?;
        let before = tables.clone();
        let decoded = pubdata::decode(&mut tables, &batch.pubdata)
            .wrap_err_with(|| format!("decoding the pubdata of batch {number}"))?;
        if decoded.blocks != BlockRange::new(batch.first_block, batch.last_block) {
            bail!(
                "batch {number} covers blocks {}..={} but its pubdata says {}..={}",
                batch.first_block,
                batch.last_block,
                decoded.blocks.first,
                decoded.blocks.last
            );
        }
        if let Some(row) = rows
            .iter_mut()
            .find(|r| r.workload.batches.contains(&number))
        {
            let bytes = BatchBytes::new(&before, &batch, &decoded, &row.workload)?;
            row.batches.push((bytes, stack.l1_gas(number).await?));
        }
    }
    Ok(rows)
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (the proleptic Gregorian calendar).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today as `YYYY-MM-DD` (UTC).
pub(crate) fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil_date(days as i64)
}

fn fmt_opt(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// Renders the results as Markdown.
fn markdown(
    rows: &[Row],
    settings: &RollupBench,
    l1_client: &str,
    runtime: Duration,
) -> Result<String> {
    let mut md = String::new();
    writeln!(md, "# Rollup pubdata and L1 gas per batch\n")?;
    writeln!(
        md,
        "Written by `fractal bench rollup` ({}) on {}. Machine: {}. L1: {l1_client} (its default \
         hardfork). Run time: {:.0} s, the devnet's start included.\n",
        settings.command_line(),
        today(),
        machine(),
        runtime.as_secs_f64()
    )?;
    writeln!(
        md,
        "The whole stack through `fractal devnet` (anvil as L1, the settlement suite, the chain's node \
         sealing batches, its publisher committing, proving — development verifier — and executing them, \
         {} ms blocks, at most {} blocks per batch). Setup, not measured: an OpenZeppelin ERC-20 and \
         `SlotWriter` (`contracts/test/bench/SlotWriter.sol`) deployed, {} senders and {} recipients \
         funded with ether and minted tokens, one ERC-20 transfer per sender so that its nonce is \
         published too (the deposits' batch, the `SlotWriter` deployment and the rest of the setup \
         each in batches of their own). Each workload then runs in batches of its own: it starts once the batches of the \
         one before are sealed and executed on L1. Transfers: each sender pays its own recipient (250 \
         tokens; 1 ETH), all sent at once. Slot workloads: dev account 0 calls `SlotWriter.write` over \
         {} fresh mapping slots (32-byte keccak keys), at most {SLOTS_PER_TX} per transaction. \
         Gas price 1 gwei plus a 1 wei tip. One run: sizes follow from the workload and the setup; gas \
         varies by a few units with the bytes of each header (roots, timestamps), hence medians.\n",
        settings.block_time_ms,
        settings.batch_blocks,
        settings.holders,
        settings.holders,
        settings.slots
    )?;
    writeln!(md, "## Pubdata\n")?;
    writeln!(
        md,
        "| workload | txs | batches | pubdata bytes | first writes | repeated writes | bytes per tx | bytes per first write | bytes per repeated write | reference: ZK Stack encoding |"
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")?;
    for row in rows {
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.workload.kind.label(),
            row.workload.txs,
            row.batches.len(),
            row.sum(|b| b.bytes),
            row.sum(|b| b.first),
            row.sum(|b| b.repeated),
            fmt_opt(row.bytes_per_tx()),
            fmt_opt(row.bytes_per_first()),
            fmt_opt(row.bytes_per_repeated()),
            row.reference().1
        )?;
    }
    writeln!(
        md,
        "\nPubdata bytes, first and repeated writes: the workload's batches as published, decoded in \
         order from the genesis with `fractal_primitives::pubdata::decode` (a first write is an entry new \
         to the tables before its batch; the counts include the senders' nonces and balances and the fee \
         recipient's balance). Bytes per tx: the batches' pubdata minus their re-encoding, from the same \
         tables, without the workload's accounts (what remains is the 21-byte header per batch and the \
         fee recipient's balance), over the transactions. Bytes per first or repeated write, slot rows: \
         the batches' pubdata minus their re-encoding without `SlotWriter`'s slots, over the slots; \
         transfer rows: the workload's bytes over its writes (all repeated). A value costs a header byte \
         and its minimal bytes or those of its delta, so a 9-byte value weighs 9 bytes more than a +1.\n"
    )?;
    writeln!(
        md,
        "A first write carries its key (pubdata version 2): a gap, a key tag, the 20-byte address — once \
         per batch and account, the account's next first writes say \"the same address\" in the tag — \
         and for a storage slot its minimal bytes (32 for a mapping's), then the packed value. Repeated \
         writes name their entry by its gap from the previous row (one byte below 128), so the transfer \
         rows depend on where the setup's batches put each entry.\n"
    )?;
    writeln!(
        md,
        "Reference: the issue's figures for the ZK Stack encoding — a first write is a 32-byte key plus \
         the packed value (here a header byte and the value's minimal bytes), a repeated write about 5 \
         bytes; a transfer row applies them to its writes per transaction.\n"
    )?;
    writeln!(md, "## L1 gas per batch\n")?;
    writeln!(
        md,
        "| workload | batches | commit | pubdata as calldata (16/4 gas) | share of commit | prove | execute | L1 gas per tx |"
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|")?;
    for row in rows {
        writeln!(
            md,
            "| {} | {} | {:.0} | {:.0} | {:.1}% | {:.0} | {:.0} | {:.0} |",
            row.workload.kind.label(),
            row.batches.len(),
            row.gas_median(|g| g.commit.per_batch()),
            median(
                &row.batches
                    .iter()
                    .map(|(b, _)| b.calldata_gas as f64)
                    .collect::<Vec<_>>()
            ),
            100.0 * row.calldata_share(),
            row.gas_median(|g| g.prove.per_batch()),
            row.gas_median(|g| g.execute.per_batch()),
            row.l1_gas_per_tx()
        )?;
    }
    let all: Vec<&(BatchBytes, L1Gas)> = rows.iter().flat_map(|r| &r.batches).collect();
    let med = |f: &dyn Fn(&(BatchBytes, L1Gas)) -> f64| {
        median(&all.iter().map(|x| f(x)).collect::<Vec<_>>())
    };
    writeln!(
        md,
        "| **every measured batch (median)** | {} | {:.0} | {:.0} | {:.1}% | {:.0} | {:.0} | |",
        all.len(),
        med(&|(_, g)| g.commit.per_batch()),
        med(&|(b, _)| b.calldata_gas as f64),
        100.0 * med(&|(b, g)| b.calldata_gas as f64 / g.commit.per_batch()),
        med(&|(_, g)| g.prove.per_batch()),
        med(&|(_, g)| g.execute.per_batch()),
    )?;
    writeln!(
        md,
        "\nGas used, from the receipts of the transactions that emitted the settlement's `BatchCommitted`, \
         `BatchProven` and `BatchExecuted` for the batch (a transaction that carried several batches is \
         split evenly); medians over the workload's batches. Pubdata as calldata: 16 gas per non-zero \
         byte and 4 per zero byte of the batch's pubdata (EIP-2028), its share of the commit's gas. L1 gas \
         per tx: the commit, prove and execute gas of the workload's batches over its transactions.\n"
    )?;
    let floored = all.iter().filter(|(_, g)| g.commit_floor).count();
    if floored > 0 {
        writeln!(
            md,
            "{floored} of the {} commits paid the EIP-7623 calldata floor (21,000 + 10 gas per token, a \
             token per zero byte and 4 per non-zero byte of the whole calldata) rather than the standard \
             charge: their data costs 40 gas per non-zero byte, and the 16/4 share above understates it.\n",
            all.len()
        )?;
    }
    writeln!(md, "Every batch:\n")?;
    for row in rows {
        for (b, g) in &row.batches {
            writeln!(
                md,
                "- batch {} ({}): blocks {}..={}, {} bytes ({} first writes, {} repeated, {} new accounts); \
                 commit {} gas{}{}, prove {} gas{}, execute {} gas{}",
                b.number,
                row.workload.kind.key(),
                b.blocks.0,
                b.blocks.1,
                b.bytes,
                b.first,
                b.repeated,
                b.new_accounts,
                g.commit.gas_used,
                shared(&g.commit),
                if g.commit_floor {
                    " (calldata floor)"
                } else {
                    ""
                },
                g.prove.gas_used,
                shared(&g.prove),
                g.execute.gas_used,
                shared(&g.execute),
            )?;
        }
    }
    Ok(md)
}

fn shared(tx: &TxGas) -> String {
    if tx.batches > 1 {
        format!(" for {} batches", tx.batches)
    } else {
        String::new()
    }
}

/// Runs the benchmark and writes `<out>.md` and `<out>.json`; returns the Markdown.
pub(crate) async fn run(settings: RollupBench) -> Result<String> {
    if settings.holders == 0 || settings.slots == 0 || settings.batch_blocks == 0 {
        bail!("--holders, --slots and --batch-blocks must be positive");
    }
    // The deployer funds every sender and recipient from its deposit.
    let needed = settings.holders as u128 * (SENDER_ETHER + RECIPIENT_ETHER);
    if needed + 10 * ETHER > u128::from(DEPOSIT_ETHER) * ETHER {
        bail!(
            "--holders {} needs {} ETH of setup funds; the devnet deposits {DEPOSIT_ETHER} ETH per dev account",
            settings.holders,
            needed / ETHER
        );
    }
    if settings.slots > 4 * SLOTS_PER_TX {
        bail!(
            "--slots {} is more than {} (a workload's pubdata must fit a batch of 100 kB)",
            settings.slots,
            4 * SLOTS_PER_TX
        );
    }
    let token_code = creation_code(
        &settings.token_artifact,
        &("Bench".to_owned(), "BNCH".to_owned()).abi_encode_params(),
    )?;
    let writer_code = creation_code(&settings.writer_artifact, &[])?;
    let started = Instant::now();
    let mut devnet = Devnet::start(&settings)?;
    let client = Client {
        http: reqwest::Client::new(),
    };
    let measured = async {
        let at = devnet.ready().await?;
        tracing::info!(l1 = %at.l1, chain = %at.l2, "the devnet is up");
        let stack = Stack { client, at };
        let workloads = run_workloads(&stack, &settings, token_code, writer_code).await?;
        let rows = analyse(&stack, workloads).await?;
        let l1_client = stack
            .client
            .rpc(&stack.at.l1, "web3_clientVersion", json!([]))
            .await?
            .as_str()
            .unwrap_or("unknown")
            .to_owned();
        Ok::<_, eyre::Report>((rows, l1_client))
    }
    .await;
    let stopped = devnet.stop();
    let (rows, l1_client) = measured?;
    stopped?;
    let runtime = started.elapsed();
    let md = markdown(&rows, &settings, &l1_client, runtime)?;
    let json = json!({
        "machine": machine(),
        "date": today(),
        "command": format!("fractal bench rollup {}", settings.command_line()),
        "l1Client": l1_client,
        "runtimeSecs": runtime.as_secs_f64(),
        "settings": {
            "holders": settings.holders, "slots": settings.slots, "blockTimeMs": settings.block_time_ms,
            "batchBlocks": settings.batch_blocks, "slotsPerTx": SLOTS_PER_TX,
            "tokensPerTransfer": TOKENS.to_string(), "firstValue": FIRST_VALUE.to_string(),
            "rewriteValue": REWRITE_VALUE.to_string(),
        },
        "reference": {
            "source": "the issue's reference figures for the ZK Stack encoding",
            "firstWrite": format!("{REFERENCE_KEY}-byte key + packed value"),
            "repeatedWrite": REFERENCE_REPEATED,
        },
        "workloads": rows.iter().map(|r| (r.workload.kind.key().to_owned(), r.json())).collect::<serde_json::Map<_, _>>(),
    });
    if let Some(dir) = settings.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(settings.out.with_extension("md"), &md)?;
    std::fs::write(
        settings.out.with_extension("json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn calldata_costs() {
        assert_eq!(
            calldata_cost(&[0, 1, 0, 255]),
            (4 + 16 + 4 + 16, 1 + 4 + 1 + 4)
        );
        assert_eq!(calldata_cost(&[]), (0, 0));
    }

    #[test]
    fn packed_lengths() {
        assert_eq!(packed_len(U256::from(FIRST_VALUE)), 10);
        assert_eq!(packed_len(U256::from(1)), 2);
    }

    #[test]
    fn marginal_bytes_of_the_slots_of_one_contract() {
        let writer = Address::with_last_byte(7);
        let user = Address::with_last_byte(8);
        let mut tables = PubdataTables::new();
        let mut writes = BatchWrites::default();
        writes.values.insert(EntryKey::nonce(user), U256::from(1));
        for i in 0..3u64 {
            let slot = U256::from_be_bytes(keccak256(i.to_be_bytes()).0);
            writes
                .values
                .insert(EntryKey::storage(writer, slot), U256::from(FIRST_VALUE));
        }
        let before = tables.clone();
        let bytes = pubdata::encode(&mut tables, &writes, BlockRange::new(1, 1)).unwrap();
        let decoded = pubdata::decode(&mut before.clone(), &bytes).unwrap();
        let slots =
            marginal_bytes(&before, &decoded, bytes.len(), |k| k.address == writer).unwrap();
        // The writer's address (20), and per slot: gap (1), key tag (1), slot (32), packed value (10).
        assert_eq!(slots, 20 + 3 * 44);
        let all = marginal_bytes(&before, &decoded, bytes.len(), |_| true).unwrap();
        assert_eq!(bytes.len() - all, 21);
    }
}
