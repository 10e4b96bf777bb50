//! `fractal bench node`: the same workload — raw ether transfers and ERC-20 transfers from many
//! senders — against anvil and against a Fractal node, in one run, on the same machine.
//!
//! Two phases per target, repeated, medians reported:
//! - **throughput**: every transaction pre-signed, then sent over JSON-RPC (`eth_sendRawTransaction`) by
//!   a fixed number of concurrent clients, each sender's transactions in nonce order; the clock stops
//!   when the last transaction of every sender has a receipt (`eth_getTransactionReceipt`).
//! - **latency**: an open loop at a fixed rate (default 1,000 tx/s); each transaction's latency runs
//!   from its scheduled send time (so a slow answer cannot hide the ones queued behind it) to its
//!   receipt: the node's sequencer REST API (`POST /v1/transactions?wait=true`, which answers once the
//!   transaction has executed and is durably logged); anvil (automine) through `eth_sendRawTransaction`,
//!   which returns once the transaction is mined, then `eth_getTransactionReceipt`.

use std::{
    fmt::Write as _,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::eip2718::Encodable2718,
    primitives::{Address, B256, Bytes, TxKind, U256, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol,
    sol_types::{SolCall, SolValue},
    transports::http::reqwest,
};
use eyre::{Context, Result, bail, eyre};
use serde_json::{Value, json};
use tokio::task::JoinSet;

sol! {
    function transfer(address to, uint256 amount) returns (bool);
    function mint(address to, uint256 amount);
}

/// anvil's first development key (also funded on `fractal node --dev`).
const DEPLOYER_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const MAX_FEE: u128 = 100_000_000_000;
const TIP: u128 = 1;
const ETH_GAS: u64 = 21_000;
const ERC20_GAS: u64 = 80_000;
/// Distinct recipients the workload pays.
const RECIPIENTS: u64 = 1_000;

/// Settings of a run.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct NodeBench {
    /// Sending accounts.
    #[arg(long, default_value_t = 400)]
    senders: usize,
    /// Transactions in each throughput run (half ether, half ERC-20 transfers).
    #[arg(long, default_value_t = 20_000)]
    txs: usize,
    /// Concurrent clients in the throughput runs; each owns a share of the senders.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Transactions per JSON-RPC batch request in the throughput runs (one per sender per batch, so a
    /// batch never depends on its own order).
    #[arg(long, default_value_t = 50)]
    batch: usize,
    /// Send rate of the latency runs, in transactions per second.
    #[arg(long, default_value_t = 1_000)]
    rate: u64,
    /// Transactions in each latency run.
    #[arg(long, default_value_t = 5_000)]
    latency_txs: usize,
    /// Runs of each phase per target; medians are reported.
    #[arg(long, default_value_t = 3)]
    repeats: usize,
    /// The node's block time, in milliseconds.
    #[arg(long, default_value_t = 100)]
    block_time_ms: u64,
    /// The ERC-20 the workload deploys (a forge artifact; `forge build` writes it).
    #[arg(long, default_value = "out/TestERC20.sol/TestERC20.json")]
    token_artifact: PathBuf,
    /// Where to write the results (`<out>.md` and `<out>.json`).
    #[arg(long, default_value = "bench/node")]
    out: PathBuf,
    /// Runs the node alone, for profiling: prints its figures, writes nothing.
    #[arg(long, hide = true)]
    node_only: bool,
    /// Scratch directory for the node's data.
    #[arg(long, default_value = ".devnet/bench")]
    work_dir: PathBuf,
}

/// A server under test, killed on drop; then its scratch directory is removed.
struct Target {
    name: &'static str,
    rpc: String,
    rest: Option<String>,
    child: Child,
    /// The node's data directory, or where anvil persists its states.
    scratch: PathBuf,
}

impl Target {
    /// Pauses (SIGSTOP) or resumes (SIGCONT) the server, so that one target's leftover background
    /// work cannot take CPU from the other's measurement.
    fn set_paused(&self, paused: bool) -> Result<()> {
        let signal = if paused { "-STOP" } else { "-CONT" };
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()?;
        if !status.success() {
            bail!("kill {signal} {} failed", self.name);
        }
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.set_paused(false);
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// A TCP port free on 127.0.0.1 right now.
pub(crate) fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One account of the workload and the next nonce it signs with.
pub(crate) struct Sender {
    pub(crate) key: PrivateKeySigner,
    pub(crate) nonce: u64,
}

impl Sender {
    /// Signs an EIP-1559 transaction with the next nonce (fee cap 100 gwei, tip 1 wei).
    pub(crate) fn sign(
        &mut self,
        chain_id: u64,
        to: TxKind,
        value: U256,
        input: Bytes,
        gas: u64,
    ) -> Bytes {
        let tx = TxEip1559 {
            chain_id,
            nonce: self.nonce,
            gas_limit: gas,
            max_fee_per_gas: MAX_FEE,
            max_priority_fee_per_gas: TIP,
            to,
            value,
            access_list: Default::default(),
            input,
        };
        self.nonce += 1;
        let signature = self
            .key
            .sign_hash_sync(&tx.signature_hash())
            .expect("signing with a local key");
        TxEnvelope::from(tx.into_signed(signature))
            .encoded_2718()
            .into()
    }
}

/// The `i`-th workload key: derived from its index alone, so every run uses the same accounts.
pub(crate) fn sender_key(i: usize) -> PrivateKeySigner {
    let mut seed = keccak256(format!("fractal-bench-sender-{i}"));
    loop {
        if let Ok(key) = PrivateKeySigner::from_bytes(&seed) {
            return key;
        }
        seed = keccak256(seed);
    }
}

fn recipient(i: u64) -> Address {
    Address::from_word(keccak256(format!(
        "fractal-bench-recipient-{}",
        i % RECIPIENTS
    )))
}

/// A JSON-RPC and REST client.
#[derive(Clone)]
pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
}

impl Client {
    /// One JSON-RPC call; an error answer is an error.
    pub(crate) async fn rpc(&self, url: &str, method: &str, params: Value) -> Result<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?
            .bytes()
            .await?;
        let mut value: Value = serde_json::from_slice(&response)?;
        if let Some(error) = value.get("error") {
            bail!("{method}: {error}");
        }
        Ok(value["result"].take())
    }

    /// Sends `raws` as one JSON-RPC batch of `eth_sendRawTransaction`s; fails if any is refused.
    pub(crate) async fn send_batch(&self, url: &str, raws: &[&Bytes]) -> Result<()> {
        let body: Vec<Value> = raws
            .iter()
            .enumerate()
            .map(|(id, raw)| {
                json!({"jsonrpc": "2.0", "id": id, "method": "eth_sendRawTransaction", "params": [raw]})
            })
            .collect();
        let response = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body)?)
            .send()
            .await?
            .bytes()
            .await?;
        let answers: Vec<Value> = serde_json::from_slice(&response)
            .wrap_err_with(|| format!("batch answer: {}", String::from_utf8_lossy(&response)))?;
        if answers.len() != raws.len() {
            bail!("{} answers to a batch of {}", answers.len(), raws.len());
        }
        if let Some(error) = answers.iter().find_map(|a| a.get("error")) {
            bail!("eth_sendRawTransaction in a batch: {error}");
        }
        Ok(())
    }

    /// `eth_sendRawTransaction`: the transaction's hash.
    pub(crate) async fn send_raw(&self, url: &str, raw: &Bytes) -> Result<B256> {
        let hash = self
            .rpc(url, "eth_sendRawTransaction", json!([raw]))
            .await?;
        Ok(serde_json::from_value(hash)?)
    }

    async fn receipt(&self, url: &str, hash: B256) -> Result<Option<Value>> {
        let receipt = self
            .rpc(url, "eth_getTransactionReceipt", json!([hash]))
            .await?;
        Ok((!receipt.is_null()).then_some(receipt))
    }

    /// Polls for a receipt. With `mine` (anvil), each empty poll asks for a block: anvil's automine
    /// mines when a transaction arrives, and transactions left in its pool after a burst that filled a
    /// block would otherwise wait for the next arrival.
    pub(crate) async fn wait_receipt(&self, url: &str, hash: B256, mine: bool) -> Result<Value> {
        let deadline =
            Instant::now() + Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 20 });
        loop {
            if let Some(receipt) = self.receipt(url, hash).await? {
                return Ok(receipt);
            }
            if mine {
                self.rpc(url, "evm_mine", json!([])).await?;
            }
            if Instant::now() > deadline {
                let tx = self
                    .rpc(url, "eth_getTransactionByHash", json!([hash]))
                    .await
                    .unwrap_or_default();
                bail!("no receipt for {hash} after 60 s (the transaction: {tx})");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Submits through the sequencer's REST API and waits for the receipt.
    async fn submit_wait(&self, rest: &str, raw: &Bytes) -> Result<()> {
        let response = self
            .http
            .post(format!("{rest}/v1/transactions?wait=true"))
            .header("content-type", "application/json")
            .body(json!({ "raw": raw }).to_string())
            .send()
            .await?;
        let status = response.status();
        let body: Value = serde_json::from_slice(&response.bytes().await?)?;
        if status != 200 || body["receipt"].is_null() {
            bail!("REST submit answered {status}: {body}");
        }
        Ok(())
    }
}

async fn wait_ready(client: &Client, target: &mut Target) -> Result<u64> {
    for _ in 0..300 {
        if let Ok(id) = client.rpc(&target.rpc, "eth_chainId", json!([])).await {
            let id: U256 = serde_json::from_value(id)?;
            return Ok(id.to::<u64>());
        }
        if let Some(status) = target.child.try_wait()? {
            bail!("{} exited before serving: {status}", target.name);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!(
        "{} did not answer on {} within 30 s",
        target.name,
        target.rpc
    )
}

/// anvil as the reference, on a free port, its persisted states in `states` (see
/// [`crate::devnet::ANVIL_STATES`]: several GB for this workload, left behind when it is killed).
fn start_anvil(states: &Path) -> Result<Target> {
    let port = free_port()?;
    let _ = std::fs::remove_dir_all(states);
    let child = Command::new("anvil")
        .args([
            "--port",
            &port.to_string(),
            "--silent",
            "--chain-id",
            "31337",
        ])
        .arg("--cache-path")
        .arg(states)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .wrap_err("starting anvil (is it on PATH? `source tools/env.sh`)")?;
    Ok(Target {
        name: "anvil",
        rpc: format!("http://127.0.0.1:{port}"),
        rest: None,
        child,
        scratch: states.to_path_buf(),
    })
}

fn start_node(settings: &NodeBench) -> Result<Target> {
    let (rpc_port, rest_port) = (free_port()?, free_port()?);
    let data = settings.work_dir.join("node");
    let _ = std::fs::remove_dir_all(&data);
    let child = Command::new(std::env::current_exe()?)
        .args(["node", "--dev", "--data-dir"])
        .arg(&data)
        .args([
            "--rpc-addr",
            &format!("127.0.0.1:{rpc_port}"),
            "--rest-addr",
            &format!("127.0.0.1:{rest_port}"),
            "--block-time-ms",
            &settings.block_time_ms.to_string(),
        ])
        .env(
            "RUST_LOG",
            std::env::var("FRACTAL_BENCH_NODE_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .wrap_err("starting the node")?;
    Ok(Target {
        name: "fractal node",
        rpc: format!("http://127.0.0.1:{rpc_port}"),
        rest: Some(format!("http://127.0.0.1:{rest_port}")),
        child,
        scratch: data,
    })
}

/// A target with its workload accounts funded and its token deployed.
struct Prepared {
    target: Target,
    chain_id: u64,
    token: Address,
    senders: Vec<Sender>,
}

fn token_creation(artifact: &Path) -> Result<Bytes> {
    let text = std::fs::read_to_string(artifact).wrap_err_with(|| {
        format!(
            "reading {} (run `forge build` first, or `make bench-node`)",
            artifact.display()
        )
    })?;
    let json: Value = serde_json::from_str(&text)?;
    let code = json["bytecode"]["object"]
        .as_str()
        .ok_or_else(|| eyre!("{} has no bytecode.object", artifact.display()))?;
    let mut creation = alloy::primitives::hex::decode(code)?;
    creation.extend(("Bench".to_owned(), "BNCH".to_owned()).abi_encode_params());
    Ok(creation.into())
}

async fn prepare(
    client: &Client,
    mut target: Target,
    settings: &NodeBench,
    creation: &Bytes,
) -> Result<Prepared> {
    let chain_id = wait_ready(client, &mut target).await?;
    let deployer_key: PrivateKeySigner = DEPLOYER_KEY.parse()?;
    let nonce: U256 = serde_json::from_value(
        client
            .rpc(
                &target.rpc,
                "eth_getTransactionCount",
                json!([deployer_key.address(), "pending"]),
            )
            .await?,
    )?;
    let mut deployer = Sender {
        key: deployer_key,
        nonce: nonce.to::<u64>(),
    };
    let deploy = deployer.sign(
        chain_id,
        TxKind::Create,
        U256::ZERO,
        creation.clone(),
        3_000_000,
    );
    let hash = client.send_raw(&target.rpc, &deploy).await?;
    let receipt = client
        .wait_receipt(&target.rpc, hash, target.rest.is_none())
        .await?;
    let token: Address = serde_json::from_value(receipt["contractAddress"].clone())
        .wrap_err("the token deployment has no contract address")?;
    let senders: Vec<Sender> = (0..settings.senders)
        .map(|i| Sender {
            key: sender_key(i),
            nonce: 0,
        })
        .collect();
    let mut last = B256::ZERO;
    for sender in &senders {
        let fund = deployer.sign(
            chain_id,
            TxKind::Call(sender.key.address()),
            U256::from(10u128.pow(19)),
            Bytes::new(),
            ETH_GAS,
        );
        client.send_raw(&target.rpc, &fund).await?;
        let call = mintCall {
            to: sender.key.address(),
            amount: U256::from(10u128.pow(24)),
        };
        let mint = deployer.sign(
            chain_id,
            TxKind::Call(token),
            U256::ZERO,
            call.abi_encode().into(),
            ERC20_GAS,
        );
        last = client.send_raw(&target.rpc, &mint).await?;
    }
    client
        .wait_receipt(&target.rpc, last, target.rest.is_none())
        .await?;
    Ok(Prepared {
        target,
        chain_id,
        token,
        senders,
    })
}

/// Signs `count` workload transactions, spread over the senders round-robin, half ether transfers and
/// half ERC-20 transfers; returns them per sender, in nonce order.
fn sign_workload(prepared: &mut Prepared, count: usize, round: u64) -> Vec<Vec<Bytes>> {
    let senders = prepared.senders.len();
    let mut per_sender = vec![Vec::new(); senders];
    for i in 0..count {
        let s = i % senders;
        let to = recipient(round.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let sender = &mut prepared.senders[s];
        let raw = if i % 2 == 0 {
            sender.sign(
                prepared.chain_id,
                TxKind::Call(to),
                U256::from(1_000 + i),
                Bytes::new(),
                ETH_GAS,
            )
        } else {
            let call = transferCall {
                to,
                amount: U256::from(1 + i),
            };
            sender.sign(
                prepared.chain_id,
                TxKind::Call(prepared.token),
                U256::ZERO,
                call.abi_encode().into(),
                ERC20_GAS,
            )
        };
        per_sender[s].push(raw);
    }
    per_sender
}

/// Throughput: transactions per second from the first send to the last receipt.
async fn throughput(
    client: &Client,
    prepared: &mut Prepared,
    settings: &NodeBench,
    round: u64,
) -> Result<f64> {
    let work = sign_workload(prepared, settings.txs, round);
    let lasts: Vec<B256> = work
        .iter()
        .filter_map(|txs| txs.last().map(keccak256))
        .collect();
    let clients = settings.clients.clamp(1, work.len().max(1));
    let mut lanes: Vec<Vec<Vec<Bytes>>> = vec![Vec::new(); clients];
    for (i, txs) in work.into_iter().enumerate() {
        lanes[i % clients].push(txs);
    }
    let batch = settings.batch.max(1);
    let mine = prepared.target.rest.is_none();
    let url = Arc::new(prepared.target.rpc.clone());
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for lane in lanes {
        let client = client.clone();
        let url = url.clone();
        tasks.spawn(async move {
            // Round k sends the k-th transaction of every sender of the lane, `batch` senders per request;
            // a sender's next transaction goes only after the request holding the previous one answered.
            let rounds = lane.iter().map(Vec::len).max().unwrap_or(0);
            for k in 0..rounds {
                let round: Vec<&Bytes> = lane.iter().filter_map(|txs| txs.get(k)).collect();
                for chunk in round.chunks(batch) {
                    if chunk.len() == 1 {
                        client.send_raw(&url, chunk[0]).await?;
                    } else {
                        client.send_batch(&url, chunk).await?;
                    }
                }
            }
            Ok::<_, eyre::Report>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    for hash in lasts {
        let receipt = client.wait_receipt(&url, hash, mine).await?;
        if receipt["status"] != json!("0x1") {
            bail!("workload transaction {hash} failed: {receipt}");
        }
    }
    Ok(settings.txs as f64 / started.elapsed().as_secs_f64())
}

/// Latency: an open loop at `settings.rate` of `count` transactions; returns every transaction's
/// submit→receipt time.
async fn latency(
    client: &Client,
    prepared: &mut Prepared,
    settings: &NodeBench,
    count: usize,
    round: u64,
) -> Result<Vec<Duration>> {
    let work = sign_workload(prepared, count, round);
    let senders = work.len();
    let interval = Duration::from_secs_f64(1.0 / settings.rate.max(1) as f64);
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut tasks = JoinSet::new();
    for (s, txs) in work.into_iter().enumerate() {
        let client = client.clone();
        let rpc = prepared.target.rpc.clone();
        let rest = prepared.target.rest.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(txs.len());
            for (k, raw) in txs.iter().enumerate() {
                let scheduled = start + interval * (k * senders + s) as u32;
                tokio::time::sleep_until(scheduled).await;
                match &rest {
                    Some(rest) => client.submit_wait(rest, raw).await?,
                    None => {
                        let hash = client.send_raw(&rpc, raw).await?;
                        client.wait_receipt(&rpc, hash, true).await?;
                    }
                }
                latencies.push(scheduled.elapsed());
            }
            Ok::<_, eyre::Report>(latencies)
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        all.extend(done??);
    }
    Ok(all)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median (the upper one of an even count; 0 for none).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// Results of one target.
#[derive(Default)]
struct Results {
    tps: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
}

/// The machine's cores and CPU model, for the results' notes.
pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// Runs the benchmark and writes `<out>.md` and `<out>.json`.
pub(crate) async fn run(settings: NodeBench) -> Result<String> {
    if settings.senders == 0
        || settings.txs == 0
        || settings.latency_txs == 0
        || settings.repeats == 0
    {
        bail!("--senders, --txs, --latency-txs and --repeats must be positive");
    }
    let creation = token_creation(&settings.token_artifact)?;
    std::fs::create_dir_all(&settings.work_dir)?;
    let client = Client {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(1_024)
            .build()?,
    };
    let mut targets: Vec<(Prepared, Results)> = Vec::new();
    if !settings.node_only {
        let states = settings.work_dir.join(crate::devnet::ANVIL_STATES);
        let anvil = prepare(&client, start_anvil(&states)?, &settings, &creation)
            .await
            .wrap_err("preparing anvil")?;
        targets.push((anvil, Results::default()));
    }
    let node = prepare(&client, start_node(&settings)?, &settings, &creation)
        .await
        .wrap_err("preparing the node")?;
    targets.push((node, Results::default()));
    // Warm-up, not measured: one transaction per sender through the latency path opens the
    // connections and touches every account on every target.
    for (prepared, _) in &mut targets {
        let name = prepared.target.name;
        latency(&client, prepared, &settings, settings.senders, u64::MAX / 2)
            .await
            .wrap_err_with(|| format!("warm-up on {name}"))?;
    }
    for round in 0..settings.repeats as u64 {
        for i in 0..targets.len() {
            for (j, (other, _)) in targets.iter().enumerate() {
                other.target.set_paused(i != j)?;
            }
            let (prepared, results) = &mut targets[i];
            let name = prepared.target.name;
            let tps = throughput(&client, prepared, &settings, 2 * round)
                .await
                .wrap_err_with(|| format!("throughput run on {name}"))?;
            let mut lat = latency(
                &client,
                prepared,
                &settings,
                settings.latency_txs,
                2 * round + 1,
            )
            .await
            .wrap_err_with(|| format!("latency run on {name}"))?;
            lat.sort();
            tracing::info!(
                target = name,
                round,
                tps = format!("{tps:.0}"),
                p50_ms = format!("{:.2}", ms(percentile(&lat, 50.0))),
                p99_ms = format!("{:.2}", ms(percentile(&lat, 99.0))),
                "run"
            );
            results.tps.push(tps);
            results.p50.push(ms(percentile(&lat, 50.0)));
            results.p99.push(ms(percentile(&lat, 99.0)));
        }
    }
    let n = targets.pop().map(|(_, r)| r).unwrap_or_default();
    if settings.node_only {
        return Ok(format!(
            "node only (nothing written): {:.0} tx/s, p50 {:.2} ms, p99 {:.2} ms (medians)",
            median(&n.tps),
            median(&n.p50),
            median(&n.p99)
        ));
    }
    let a = targets.pop().map(|(_, r)| r).unwrap_or_default();
    let (a_tps, n_tps) = (median(&a.tps), median(&n.tps));
    let (a50, a99) = (median(&a.p50), median(&a.p99));
    let (n50, n99) = (median(&n.p50), median(&n.p99));
    let ratio = n_tps / a_tps;
    let json = json!({
        "machine": machine(),
        "settings": {
            "senders": settings.senders, "txs": settings.txs, "clients": settings.clients, "batch": settings.batch,
            "rate": settings.rate, "latency_txs": settings.latency_txs, "repeats": settings.repeats,
            "block_time_ms": settings.block_time_ms,
        },
        "anvil": { "tps": a.tps, "p50_ms": a.p50, "p99_ms": a.p99 },
        "node": { "tps": n.tps, "p50_ms": n.p50, "p99_ms": n.p99 },
        "median": { "anvil_tps": a_tps, "node_tps": n_tps, "ratio": ratio,
                    "anvil_p50_ms": a50, "anvil_p99_ms": a99, "node_p50_ms": n50, "node_p99_ms": n99 },
    });
    let mut md = String::new();
    writeln!(md, "# Node throughput and latency against anvil\n")?;
    writeln!(
        md,
        "Written by `fractal bench node` ({}). Machine: {}. Median of {} runs per phase.\n",
        command_line(&settings),
        machine(),
        settings.repeats
    )?;
    writeln!(
        md,
        "Workload: {} senders; half raw ether transfers, half ERC-20 `transfer`s (OpenZeppelin ERC-20) to {} \
         recipients; every transaction signed before the clock starts. Throughput: {} transactions sent by {} \
         concurrent JSON-RPC clients in batch requests of up to {} (one transaction per sender per batch), \
         first send to last receipt. Latency: {} transactions sent at {} tx/s \
         (open loop), scheduled send time to receipt — the node through its sequencer REST API (`wait=true`: \
         answered once executed and durably logged, before the block seals), anvil (automine) through \
         `eth_sendRawTransaction` then `eth_getTransactionReceipt`. The node runs a {} ms block time. Both \
         servers run side by side; while one is measured the other is paused (SIGSTOP), and the runs \
         alternate between them.\n",
        settings.senders,
        RECIPIENTS,
        settings.txs,
        settings.clients,
        settings.batch,
        settings.latency_txs,
        settings.rate,
        settings.block_time_ms
    )?;
    writeln!(md, "| | anvil | fractal node | node / anvil |")?;
    writeln!(md, "|---|---:|---:|---:|")?;
    writeln!(
        md,
        "| throughput (tx/s) | {a_tps:.0} | {n_tps:.0} | {ratio:.2}× |"
    )?;
    writeln!(
        md,
        "| p50 submit→receipt at {} tx/s (ms) | {a50:.2} | {n50:.2} | |",
        settings.rate
    )?;
    writeln!(
        md,
        "| p99 submit→receipt at {} tx/s (ms) | {a99:.2} | {n99:.2} | |",
        settings.rate
    )?;
    writeln!(md, "\nEvery run (tx/s; p50/p99 ms):\n")?;
    for (name, r) in [("anvil", &a), ("node", &n)] {
        let runs: Vec<String> = (0..r.tps.len())
            .map(|i| format!("{:.0}; {:.2}/{:.2}", r.tps[i], r.p50[i], r.p99[i]))
            .collect();
        writeln!(md, "- {name}: {}", runs.join(" · "))?;
    }
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

fn command_line(settings: &NodeBench) -> String {
    format!(
        "--senders {} --txs {} --clients {} --batch {} --rate {} --latency-txs {} --repeats {} --block-time-ms {}",
        settings.senders,
        settings.txs,
        settings.clients,
        settings.batch,
        settings.rate,
        settings.latency_txs,
        settings.repeats,
        settings.block_time_ms
    )
}
