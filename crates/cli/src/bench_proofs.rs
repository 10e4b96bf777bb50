//! `fractal bench proofs`: what proving a batch costs, measured in one run on the deployed chunk
//! circuits (`circuits/build`): the wide one and one full wide chunk — the `CHUNK_WRITES` writes and 3
//! messages of `fractal_prover::sample_batch(64, CHUNK_WRITES, 3)` — for everything below, and the dense
//! one and a full dense chunk (`sample_batch(64, DENSE_WRITES, 3)`) for its throughput and gas.
//!
//! - **the Rust provers against snarkjs** on the same key and the same witness: an INSECURE key made
//!   for snarkjs's QAP reduction (cached under `circuits/build/keys/<circuit>/snarkjs-bench/`, with
//!   its `.zkey`), the witness computed once by the prover (circom's native witness generator; its
//!   WebAssembly calculator is timed too, and must give the same witness) and written as a `.wtns`;
//!   then, in process (`CircomReduction`, the key in memory), arkworks' own prover (ark-groth16) and
//!   the publisher's (`CircuitMatrices::prove`: the same computation with this crate's batched-affine
//!   multi-scalar multiplication; its unblinded proof must equal arkworks'), each blinded
//!   (zero-knowledge, as snarkjs proves) and unblinded (as the publisher proves, `Blinding::None`), and
//!   snarkjs in a `node` process (`snarkjs groth16 prove`: start, read the key and the witness, prove,
//!   write), each `--repeats` times; every proof is checked against the key.
//! - **throughput**: `Groth16Prover::prove_chunk` with the development key, as the publisher runs it
//!   (witness, proof, check against the verifying key); proven writes per second = `CHUNK_WRITES` / its
//!   median, and the same for a dense chunk (`DENSE_WRITES` / its median).
//! - **constraints per write**: the deployed `BatchChunk(CHUNK_WRITES, 16, 10, 16, 10)` against `BatchChunk(1, 16,
//!   10, 16, 10)`, compiled here with circom2 (`circuits/build/bench/chunk1/`, cached by its sources).
//! - **key sizes**, and **verification gas** on anvil: `Groth16Verifier`, `Groth16DenseVerifier` and
//!   `Groth16BatchVerifier` deployed from the forge artifacts, the gas of a transaction calling
//!   `verifyProof` on real proofs with the development keys: one wide chunk, one dense chunk, and a
//!   dense and a wide chunk.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    sol,
    sol_types::SolCall,
    transports::http::reqwest,
};
use eyre::{Context, Result, bail, ensure, eyre};
use fractal_primitives::{PUBLIC_INPUT_COUNT, STATE_TREE_DEPTH};
use fractal_prover::{
    BatchProof, Blinding, CHUNK_PUBLIC_INPUTS, ChunkCircuit, CircuitFiles, EvmProof, Groth16Prover,
    KeyStore, ProverEngine, batch_chunks, cached_snarkjs_compatible_key,
    prove_with_snarkjs_reduction, read_proving_key, read_r1cs, sample_batch, to_evm, verify_batch,
    write_wtns,
};
use serde_json::{Value, json};

use crate::bench::{Client, free_port, machine, median};

sol! {
    interface IBatchVerifier {
        function verifyProof(bytes proof, uint256[] publicInputs) returns (bool);
    }
    interface IChunkVerifier {
        function verifyProof(uint256[8] proof, uint256[21] input) returns (bool);
        function CIRCUIT_HASH() returns (bytes32);
    }
}

/// Writes of a wide chunk (`main.circom`), the circuit the snarkjs comparison runs on.
const CHUNK_WRITES: usize = ChunkCircuit::Wide.writes();
/// Levels of a wide chunk's subtree.
const CHUNK_SUBTREE_LEVELS: usize = ChunkCircuit::Wide.subtree_levels();
/// Writes of a dense chunk (`dense.circom`).
const DENSE_WRITES: usize = ChunkCircuit::Dense.writes();
/// Chunks of the batch whose proving the benchmark times as the publisher proves a batch.
const BATCH_CHUNKS: usize = 4;

/// The seed of the benchmark's snarkjs-compatible key: public, so the key is worthless for security.
const SNARKJS_BENCH_SEED: &[u8] = b"fractal.groth16.snarkjs-bench.v1 INSECURE";
/// The sample batch: entries in the tree before it, writes (one full chunk), messages.
const SAMPLE: (u64, u64, u64) = (64, CHUNK_WRITES as u64, 3);
/// The target for the Rust prover against snarkjs.
const TARGET_SPEEDUP: f64 = 5.0;
/// The gas limit of the verification calls: far above what they use.
const VERIFY_GAS_LIMIT: u64 = 5_000_000;
/// anvil's first development account (unlocked: `eth_sendTransaction` signs for it).
const ANVIL_ACCOUNT: Address =
    alloy::primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

/// Settings of a run.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ProofBench {
    /// Runs of each timing; the median is reported.
    #[arg(long, default_value_t = 3)]
    repeats: usize,
    /// Directory of the results (`proofs.md`, `proofs.json`).
    #[arg(long, default_value = "bench")]
    out: PathBuf,
    /// Leaves snarkjs out (no comparison).
    #[arg(long)]
    skip_snarkjs: bool,
    /// Leaves the verification gas out (no anvil, no forge artifacts).
    #[arg(long)]
    skip_gas: bool,
    /// The compiled chunk circuit (`make circuits`); keys are cached in its `keys/`, scratch files go
    /// to its `bench/`.
    #[arg(long, default_value = "circuits/build")]
    circuit_dir: PathBuf,
    /// Forge's artifacts (`forge build`).
    #[arg(long, default_value = "out")]
    artifacts: PathBuf,
}

impl ProofBench {
    fn command_line(&self) -> String {
        let mut line = format!("fractal bench proofs --repeats {}", self.repeats);
        if self.skip_snarkjs {
            line += " --skip-snarkjs";
        }
        if self.skip_gas {
            line += " --skip-gas";
        }
        line
    }
}

/// Timings of one step, in seconds.
#[derive(Debug, Clone, Default)]
struct Runs(Vec<f64>);

impl Runs {
    fn median(&self) -> f64 {
        median(&self.0)
    }

    fn json(&self) -> Value {
        json!({ "medianSecs": self.median(), "runsSecs": self.0 })
    }

    /// `1.23 s (1.20, 1.23, 1.31)`.
    fn cell(&self) -> String {
        let runs: Vec<String> = self.0.iter().map(|s| format!("{s:.2}")).collect();
        format!("{:.2} s ({})", self.median(), runs.join(", "))
    }
}

/// Runs `step` `repeats` times, timing each; returns the last result.
fn repeat<T>(repeats: usize, what: &str, mut step: impl FnMut() -> Result<T>) -> Result<(T, Runs)> {
    let mut runs = Runs::default();
    let mut last = None;
    for run in 1..=repeats {
        let started = Instant::now();
        last = Some(step()?);
        runs.0.push(started.elapsed().as_secs_f64());
        tracing::info!(what, run, secs = runs.0[run - 1], "timed");
    }
    Ok((
        last.ok_or_else(|| eyre!("--repeats must be positive"))?,
        runs,
    ))
}

/// The snarkjs side.
struct Snarkjs {
    /// `snarkjs --version` (it prints its usage and exits 99): node and snarkjs starting.
    start: Runs,
    /// `snarkjs groth16 prove` on the same `.zkey` and `.wtns`.
    prove: Runs,
}

/// Runs snarkjs (`node node_modules/.bin/snarkjs …`) and fails unless it exits with `ok_status`.
fn snarkjs(args: &[&dyn AsRef<std::ffi::OsStr>], ok_status: i32) -> Result<()> {
    let output = Command::new("node")
        .arg("node_modules/.bin/snarkjs")
        .args(args.iter().map(|a| a.as_ref()))
        .stdin(Stdio::null())
        .output()
        .wrap_err("running node (is it installed? `make bootstrap`)")?;
    if output.status.code() != Some(ok_status) {
        bail!(
            "snarkjs {:?} exited with {}: {}{}",
            args.iter().map(|a| a.as_ref()).collect::<Vec<_>>(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A word of a snarkjs JSON file (a decimal string).
fn word(value: &Value) -> Result<U256> {
    value
        .as_str()
        .ok_or_else(|| eyre!("{value} is not a decimal string"))?
        .parse()
        .wrap_err_with(|| format!("{value} is not a number"))
}

/// snarkjs's `proof.json` in the EVM's word order (a G2 coordinate's imaginary part first).
fn evm_proof(proof: &Value) -> Result<EvmProof> {
    let (a, b, c) = (&proof["pi_a"], &proof["pi_b"], &proof["pi_c"]);
    Ok([
        word(&a[0])?,
        word(&a[1])?,
        word(&b[0][1])?,
        word(&b[0][0])?,
        word(&b[1][1])?,
        word(&b[1][0])?,
        word(&c[0])?,
        word(&c[1])?,
    ])
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).wrap_err_with(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).wrap_err_with(|| format!("parsing {}", path.display()))
}

/// A path as circom2 needs it: relative to the working directory (it runs in WebAssembly and sees
/// that tree only).
fn relative(path: &Path) -> Result<PathBuf> {
    if path.is_relative() {
        return Ok(path.to_owned());
    }
    let cwd = std::env::current_dir()?;
    path.strip_prefix(&cwd).map(Path::to_owned).map_err(|_| {
        eyre!(
            "{} is outside the working directory, which circom2 cannot read",
            path.display()
        )
    })
}

/// Constraints of `BatchChunk(writes, 16, 10, 16, 10)`, compiled into `<circuit dir>/bench/chunk<writes>/`
/// with circom2 --O2 unless that directory holds the compilation of these sources already.
fn chunk_constraints(circuit_dir: &Path, writes: usize) -> Result<usize> {
    let dir = relative(&circuit_dir.join("bench").join(format!("chunk{writes}")))?;
    let main = format!(
        "pragma circom 2.1.0;\n\ninclude \"batch_chunk.circom\";\n\n\
         // Written by `fractal bench proofs`: the chunk circuit with {writes} write(s), for the\n\
         // constraints per write.\n\
         component main {{public [inputs]}} = BatchChunk({writes}, {STATE_TREE_DEPTH}, {CHUNK_SUBTREE_LEVELS}, 16, 10);\n"
    );
    let mut sources = main.clone().into_bytes();
    let mut circuit_sources: Vec<PathBuf> = std::fs::read_dir("circuits/src")
        .wrap_err("reading circuits/src (run from the repository root)")?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    circuit_sources.sort();
    for path in circuit_sources
        .iter()
        .chain([PathBuf::from("node_modules/circomlib/package.json")].iter())
    {
        sources
            .extend(std::fs::read(path).wrap_err_with(|| format!("reading {}", path.display()))?);
    }
    let stamp = format!("{:x}\n", keccak256(&sources));
    let files = CircuitFiles {
        circuit: ChunkCircuit::Wide,
        wasm: dir.join("main_js/main.wasm"),
        r1cs: dir.join("main.r1cs"),
        native: dir.join("main_cpp/main"),
    };
    let stamp_path = dir.join(".sources-keccak256");
    if std::fs::read_to_string(&stamp_path).ok().as_deref() != Some(stamp.as_str())
        || !files.r1cs.exists()
    {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("main.circom"), &main)?;
        tracing::info!(writes, dir = %dir.display(), "compiling the chunk circuit with circom2 --O2");
        let output = Command::new("node")
            .arg("node_modules/.bin/circom2")
            .arg(dir.join("main.circom"))
            .args([
                "--O2",
                "--r1cs",
                "-l",
                "circuits/src",
                "-l",
                "node_modules",
                "-o",
            ])
            .arg(&dir)
            .stdin(Stdio::null())
            .output()
            .wrap_err("running circom2 (`make bootstrap` installs it)")?;
        if !output.status.success() {
            bail!(
                "circom2 failed on {}: {}{}",
                dir.join("main.circom").display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::fs::write(&stamp_path, &stamp)?;
    }
    Ok(read_r1cs(&files)?.constraints.len())
}

/// anvil on a free port, killed when dropped; then `states`, where it persists states, is removed.
struct Anvil {
    child: Child,
    url: String,
    states: PathBuf,
}

impl Anvil {
    async fn start(client: &Client, states: PathBuf) -> Result<Self> {
        let port = free_port()?;
        let child = Command::new(crate::devnet::foundry("anvil")?)
            .args(["--port", &port.to_string(), "--silent"])
            .arg("--cache-path")
            .arg(&states)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .wrap_err("starting anvil (`make bootstrap`, then `source tools/env.sh`)")?;
        let mut anvil = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            states,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while client
            .rpc(&anvil.url, "eth_chainId", json!([]))
            .await
            .is_err()
        {
            if let Some(status) = anvil.child.try_wait()? {
                bail!("anvil exited before serving: {status}");
            }
            if Instant::now() > deadline {
                bail!("anvil did not answer on {} within 30 s", anvil.url);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(anvil)
    }

    /// Sends a transaction from anvil's first account; returns its receipt, which must succeed.
    async fn send(
        &self,
        client: &Client,
        to: Option<Address>,
        data: Bytes,
        gas: Option<u64>,
    ) -> Result<Value> {
        let mut tx = json!({ "from": ANVIL_ACCOUNT, "data": data });
        if let Some(to) = to {
            tx["to"] = json!(to);
        }
        if let Some(gas) = gas {
            tx["gas"] = json!(format!("{gas:#x}"));
        }
        let hash: B256 = serde_json::from_value(
            client
                .rpc(&self.url, "eth_sendTransaction", json!([tx]))
                .await?,
        )?;
        let receipt = client.wait_receipt(&self.url, hash, true).await?;
        if receipt["status"] != json!("0x1") {
            bail!("transaction {hash} failed on anvil: {receipt}");
        }
        Ok(receipt)
    }

    /// Deploys `artifact`'s creation code with `args` appended; returns the address and the gas used.
    async fn deploy(
        &self,
        client: &Client,
        artifact: &Path,
        args: &[u8],
    ) -> Result<(Address, u64)> {
        let json =
            read_json(artifact).wrap_err("run `forge build` first (`make bench-proofs` does)")?;
        let code = json["bytecode"]["object"]
            .as_str()
            .ok_or_else(|| eyre!("{} has no bytecode.object", artifact.display()))?;
        let mut data = alloy::primitives::hex::decode(code)
            .wrap_err_with(|| format!("the bytecode of {}", artifact.display()))?;
        data.extend_from_slice(args);
        let receipt = self.send(client, None, data.into(), None).await?;
        let address: Address = serde_json::from_value(receipt["contractAddress"].clone())
            .wrap_err("a deployment receipt without a contract address")?;
        Ok((address, quantity(&receipt["gasUsed"])?))
    }

    /// `eth_call` (with the gas limit of the verification calls) returning one word.
    async fn call_word(&self, client: &Client, to: Address, data: Vec<u8>) -> Result<U256> {
        let call = json!({
            "from": ANVIL_ACCOUNT,
            "to": to,
            "data": Bytes::from(data),
            "gas": format!("{VERIFY_GAS_LIMIT:#x}"),
        });
        let out: Bytes = serde_json::from_value(
            client
                .rpc(&self.url, "eth_call", json!([call, "latest"]))
                .await?,
        )?;
        ensure!(
            out.len() == 32,
            "eth_call answered {} bytes, want one word",
            out.len()
        );
        Ok(U256::from_be_slice(&out))
    }

    /// The gas a transaction calling `to` with `data` uses, once an `eth_call` of it with the same
    /// gas limit returned true. Not `eth_estimateGas`: a verifier returns false, without reverting,
    /// when a precompile call runs out of gas, so the estimate is the gas of a failing check.
    async fn verify_gas(&self, client: &Client, to: Address, data: Vec<u8>) -> Result<u64> {
        ensure!(
            self.call_word(client, to, data.clone()).await? == U256::from(1),
            "verifyProof at {to} did not return true"
        );
        let receipt = self
            .send(client, Some(to), data.into(), Some(VERIFY_GAS_LIMIT))
            .await?;
        quantity(&receipt["gasUsed"])
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.states);
    }
}

fn quantity(value: &Value) -> Result<u64> {
    let value: U256 = serde_json::from_value(value.clone())
        .wrap_err_with(|| format!("{value} is not a quantity"))?;
    u64::try_from(value).map_err(|_| eyre!("{value} does not fit 64 bits"))
}

/// Calldata's share of a transaction's intrinsic gas: 16 per non-zero byte, 4 per zero byte.
fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// Verification gas on anvil.
struct Gas {
    anvil: String,
    deploy_chunk_verifier: u64,
    deploy_batch_verifier: u64,
    /// `Groth16Verifier.verifyProof` of one chunk, called directly.
    chunk_direct: u64,
    chunk_direct_calldata: u64,
    deploy_dense_verifier: u64,
    /// `Groth16BatchVerifier.verifyProof` of batches: (what, chunks, writes, transaction gas,
    /// calldata gas) — one wide chunk, one dense chunk, a dense and a wide chunk.
    batches: Vec<(String, usize, usize, u64, u64)>,
}

/// The verification gas of `proofs` (batch, chunks), proven with the development key.
async fn measure_gas(
    settings: &ProofBench,
    circuit_hashes: [B256; 2],
    chain_id: u64,
    proofs: &[(String, usize, fractal_primitives::BatchHeader, BatchProof)],
    first_chunk: (&EvmProof, &[U256; CHUNK_PUBLIC_INPUTS]),
) -> Result<Gas> {
    let client = Client {
        http: reqwest::Client::new(),
    };
    let states = settings
        .circuit_dir
        .join("bench")
        .join(crate::devnet::ANVIL_STATES);
    let anvil = Anvil::start(&client, states).await?;
    let anvil_version = client
        .rpc(&anvil.url, "web3_clientVersion", json!([]))
        .await?
        .as_str()
        .unwrap_or("anvil")
        .to_owned();
    let batch_artifact = settings
        .artifacts
        .join("Groth16BatchVerifier.sol/Groth16BatchVerifier.json");
    let mut verifiers = Vec::new();
    for (circuit, circuit_hash) in ChunkCircuit::ALL.into_iter().zip(circuit_hashes) {
        let name = circuit.verifier_contract();
        let artifact = settings.artifacts.join(format!("{name}.sol/{name}.json"));
        let (verifier, deploy_gas) = anvil.deploy(&client, &artifact, &[]).await?;
        let rendered_for = anvil
            .call_word(
                &client,
                verifier,
                IChunkVerifier::CIRCUIT_HASHCall {}.abi_encode(),
            )
            .await?;
        if B256::from(rendered_for) != circuit_hash {
            bail!(
                "{} was rendered for circuit {}, the compiled circuit is {circuit_hash}: run `make setup` and `forge build`",
                artifact.display(),
                B256::from(rendered_for)
            );
        }
        verifiers.push((verifier, deploy_gas));
    }
    let [
        (chunk_verifier, deploy_chunk_verifier),
        (dense_verifier, deploy_dense_verifier),
    ] = verifiers[..]
    else {
        bail!("want two chunk verifiers");
    };
    let constructor = [chunk_verifier.into_word(), dense_verifier.into_word()].concat();
    let (batch_verifier, deploy_batch_verifier) =
        anvil.deploy(&client, &batch_artifact, &constructor).await?;
    let direct = IChunkVerifier::verifyProofCall {
        proof: *first_chunk.0,
        input: *first_chunk.1,
    }
    .abi_encode();
    let chunk_direct_calldata = calldata_gas(&direct);
    let chunk_direct = anvil.verify_gas(&client, chunk_verifier, direct).await?;
    let mut batches = Vec::new();
    for (what, writes, header, proof) in proofs {
        let data = IBatchVerifier::verifyProofCall {
            proof: proof.abi_encode(),
            publicInputs: header.public_inputs(chain_id)?.to_vec(),
        }
        .abi_encode();
        let calldata = calldata_gas(&data);
        let gas = anvil.verify_gas(&client, batch_verifier, data).await?;
        batches.push((what.clone(), proof.proofs.len(), *writes, gas, calldata));
    }
    Ok(Gas {
        anvil: anvil_version,
        deploy_chunk_verifier,
        deploy_batch_verifier,
        deploy_dense_verifier,
        chunk_direct,
        chunk_direct_calldata,
        batches,
    })
}

/// The 1-minute load average (`/proc/loadavg`): other work on the machine skews the timings.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Everything measured.
struct Report {
    /// The 1-minute load average when the run started (`/proc/loadavg`).
    load_at_start: Option<f64>,
    circuit_hash: B256,
    constraints: usize,
    constraints_one_write: usize,
    key_setup: Option<f64>,
    witness: Runs,
    witness_wasm: Runs,
    key_load: Runs,
    arkworks: Runs,
    arkworks_unblinded: Runs,
    ours_blinded: Runs,
    ours_unblinded: Runs,
    chunk_dev: Runs,
    /// `prove_chunk` of a full dense chunk.
    chunk_dense: Runs,
    /// `prove_batch` of a batch of `BATCH_CHUNKS` full dense chunks.
    batch_dense: Runs,
    /// The same batch's chunks proven one after another with `prove_chunk` (no overlap).
    batch_sequential: Runs,
    dense_circuit_hash: B256,
    dense_constraints: usize,
    snarkjs: Option<Snarkjs>,
    dev_proving_key_bytes: u64,
    dev_verifying_key_bytes: u64,
    zkey_bytes: u64,
    snarkjs_key_bytes: u64,
    gas: Option<Gas>,
}

impl Report {
    fn marginal_per_write(&self) -> f64 {
        (self.constraints as f64 - self.constraints_one_write as f64) / (CHUNK_WRITES - 1) as f64
    }

    fn average_per_write(&self) -> f64 {
        self.constraints as f64 / CHUNK_WRITES as f64
    }

    fn writes_per_second(&self) -> f64 {
        CHUNK_WRITES as f64 / self.chunk_dev.median()
    }

    fn dense_writes_per_second(&self) -> f64 {
        DENSE_WRITES as f64 / self.chunk_dense.median()
    }

    fn batch_writes_per_second(&self) -> f64 {
        (BATCH_CHUNKS * DENSE_WRITES) as f64 / self.batch_dense.median()
    }

    /// snarkjs's prove over the publisher's (unblinded, key in memory), over the publisher's blinded
    /// prove (like for like), over arkworks' own prover both ways, and over the publisher's key load
    /// and unblinded prove.
    fn speedups(&self) -> Option<Speedups> {
        let snarkjs = self.snarkjs.as_ref()?.prove.median();
        Some(Speedups {
            unblinded: snarkjs / self.ours_unblinded.median(),
            blinded: snarkjs / self.ours_blinded.median(),
            arkworks_unblinded: snarkjs / self.arkworks_unblinded.median(),
            arkworks_blinded: snarkjs / self.arkworks.median(),
            with_load: snarkjs / (self.key_load.median() + self.ours_unblinded.median()),
        })
    }

    /// arkworks' own unblinded prove over the publisher's: what the batched-affine multiplication gains.
    fn msm_gain(&self) -> f64 {
        self.arkworks_unblinded.median() / self.ours_unblinded.median()
    }
}

/// snarkjs's prove time over the Rust provers'.
struct Speedups {
    /// Over the publisher's unblinded prove (what it runs).
    unblinded: f64,
    /// Over the publisher's blinded prove (the same computation as snarkjs's).
    blinded: f64,
    /// Over arkworks' own prover, unblinded.
    arkworks_unblinded: f64,
    /// Over arkworks' own prover, blinded.
    arkworks_blinded: f64,
    /// Over the publisher's key load and unblinded prove.
    with_load: f64,
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn markdown(r: &Report, settings: &ProofBench, date: &str) -> Result<String> {
    let mut md = String::new();
    let (existing, writes, messages) = SAMPLE;
    writeln!(
        md,
        "# Batch proofs: prover speed, constraints, keys and verification gas\n"
    )?;
    writeln!(
        md,
        "Written by `{}` (`make bench-proofs`) on {date}. Machine: {}; 1-minute load average \
         {} when the run started. Build: `cargo build -p \
         fractal-cli`, the dev profile: `fractal-prover` and every dependency at opt-level 3, and \
         `fractal-prover` and the arkworks crates without debug assertions or overflow checks (the \
         workspace's Cargo.toml), as a release build proves. Each timing is the median \
         of {} runs (all runs in brackets).\n",
        settings.command_line(),
        machine(),
        r.load_at_start
            .map_or_else(|| "unknown".into(), |l| format!("{l:.2}")),
        settings.repeats
    )?;
    writeln!(
        md,
        "Circuit: the wide chunk circuit `BatchChunk({CHUNK_WRITES}, {STATE_TREE_DEPTH}, {CHUNK_SUBTREE_LEVELS}, 16, 10)` ({} constraints, \
         {CHUNK_PUBLIC_INPUTS} public inputs, circuit hash `{}`). Witness: one full chunk, \
         `sample_batch({existing}, {writes}, {messages})` — {writes} writes (first writes at the next \
         entry indices, updates, an entry set to zero) over a tree of {existing} entries, and \
         {messages} messages.\n",
        thousands(r.constraints as u64),
        r.circuit_hash
    )?;

    writeln!(
        md,
        "## The Rust provers against snarkjs: one chunk, same key, same witness\n"
    )?;
    writeln!(
        md,
        "The key: a circuit-specific setup for snarkjs's QAP reduction from a public seed (INSECURE, \
         benchmark only), written as a `.zkey` by `fractal_prover::write_zkey`{}. The witness: computed \
         once by the prover (circom's C++ witness generator, as the publisher computes it; the circuit's \
         WebAssembly calculator gives the same witness) and written as a `.wtns` (`write_wtns`); the \
         Rust provers and snarkjs prove exactly it, and every proof verifies under the key.\n",
        match r.key_setup {
            Some(secs) => format!(" (the setup took {secs:.0} s this run)"),
            None => " (cached from an earlier run)".into(),
        }
    )?;
    writeln!(md, "| step | median (runs) |")?;
    writeln!(md, "|---|---|")?;
    writeln!(
        md,
        "| witness, native (circom's C++ witness generator built by `make circuits`, a child process: write the inputs, compute, read the `.wtns`) | {} |",
        r.witness.cell()
    )?;
    writeln!(
        md,
        "| witness, WebAssembly (the circuit's calculator under wasmer, in process) | {} |",
        r.witness_wasm.cell()
    )?;
    writeln!(
        md,
        "| key load, arkworks (uncompressed, unchecked; {} bytes) | {} |",
        thousands(r.snarkjs_key_bytes),
        r.key_load.cell()
    )?;
    writeln!(
        md,
        "| **prove, the publisher's prover, unblinded** (`CircuitMatrices::prove`: arkworks' QAP reduction and curve arithmetic, this crate's batched-affine multi-scalar multiplication; `CircomReduction`, key in memory, witness given, `Blinding::None`) | **{}** |",
        r.ours_unblinded.cell()
    )?;
    writeln!(
        md,
        "| prove, the publisher's prover, blinded (zero-knowledge, the same computation as snarkjs's) | {} |",
        r.ours_blinded.cell()
    )?;
    writeln!(
        md,
        "| prove, arkworks' own prover (ark-groth16 0.6), unblinded — the same proof, byte for byte | {} |",
        r.arkworks_unblinded.cell()
    )?;
    writeln!(
        md,
        "| prove, arkworks' own prover, blinded | {} |",
        r.arkworks.cell()
    )?;
    match &r.snarkjs {
        Some(s) => {
            writeln!(
                md,
                "| **prove, snarkjs 0.7.6** (`snarkjs groth16 prove`: the node process's wall time — start, read the {} MB `.zkey` and the `.wtns`, prove, write the proof) | **{}** |",
                r.zkey_bytes / 1_000_000,
                s.prove.cell()
            )?;
            writeln!(
                md,
                "| of which node and snarkjs starting (`snarkjs --version`) | {} |",
                s.start.cell()
            )?;
        }
        None => writeln!(md, "| prove, snarkjs | skipped (`--skip-snarkjs`) |")?,
    }
    if let Some(x) = r.speedups() {
        writeln!(
            md,
            "\n**The publisher's prover is {:.1}× faster than snarkjs** (snarkjs's prove over its unblinded \
             prove; the issue's target is ≥ {TARGET_SPEEDUP:.0}×: {}). Like for like, both blinding: \
             {:.1}×. arkworks' own prover: {:.1}× unblinded, {:.1}× blinded — the batched-affine \
             multiplication makes the same proof {:.2}× faster. Counting the key load too — snarkjs's \
             figure includes reading its key — {:.1}×. A batch proof's witness is public data (state the \
             chain publishes), so the publisher does not blind: the blinding MSM (`B` in G1) is work that \
             hides nothing (`fractal_prover::Blinding`).\n",
            x.unblinded,
            if x.unblinded >= TARGET_SPEEDUP {
                "met"
            } else {
                "not met"
            },
            x.blinded,
            x.arkworks_unblinded,
            x.arkworks_blinded,
            r.msm_gain(),
            x.with_load,
        )?;
    } else {
        writeln!(md)?;
    }

    writeln!(md, "## Throughput\n")?;
    writeln!(md, "| figure | value |")?;
    writeln!(md, "|---|---|")?;
    writeln!(
        md,
        "| chunk proof as the publisher makes it (`Groth16Prover::prove_chunk`, development key: witness, unblinded prove, check against the verifying key) | {} |",
        r.chunk_dev.cell()
    )?;
    writeln!(
        md,
        "| **proven writes per second, wide chunks** ({CHUNK_WRITES} / that median, witness included; one chunk at a time on {}) | **{:.1}** |",
        machine(),
        r.writes_per_second()
    )?;
    writeln!(
        md,
        "| dense chunk proof, the same way (`{}`, {} constraints: a full chunk of `sample_batch({}, {DENSE_WRITES}, {})`) | {} |",
        ChunkCircuit::Dense.template(),
        thousands(r.dense_constraints as u64),
        SAMPLE.0,
        SAMPLE.2,
        r.chunk_dense.cell()
    )?;
    writeln!(
        md,
        "| **proven writes per second, dense chunks** ({DENSE_WRITES} / that median: writes within 1,024 consecutive entries — a chain of up to 1,024 entries, a batch's new entries) | **{:.1}** |",
        r.dense_writes_per_second()
    )?;
    writeln!(
        md,
        "| a batch of {BATCH_CHUNKS} dense chunks ({} writes) as the publisher proves it (`Groth16Prover::prove_batch`: the chunks planned, each proven and checked, the next chunk's witness computed while the current one proves) | {} |",
        BATCH_CHUNKS * DENSE_WRITES,
        r.batch_dense.cell()
    )?;
    writeln!(
        md,
        "| **proven writes per second, a batch of dense chunks** ({} / that median) | **{:.1}** |",
        BATCH_CHUNKS * DENSE_WRITES,
        r.batch_writes_per_second()
    )?;
    writeln!(
        md,
        "\nThe prover picks the circuit per chunk (`fractal_prover::chunk_plan`: the fewest chunks); \
         both prove over the same 2¹⁸ domain, so a chunk costs about the same time either way (dense \
         over wide here: {:.2}×), and a batch's rate lies between the two figures, by how close \
         together its writes are. The same batch proven chunk after chunk with `prove_chunk` (no \
         overlap) took {}: the overlap gains {:.2}×.",
        r.chunk_dense.median() / r.chunk_dev.median(),
        r.batch_sequential.cell(),
        r.batch_sequential.median() / r.batch_dense.median()
    )?;

    writeln!(md, "\n## Constraints per write\n")?;
    writeln!(md, "| circuit | constraints |")?;
    writeln!(md, "|---|---:|")?;
    writeln!(
        md,
        "| `BatchChunk({CHUNK_WRITES}, {STATE_TREE_DEPTH}, {CHUNK_SUBTREE_LEVELS}, 16, 10)` (deployed), C{CHUNK_WRITES} | {} |",
        thousands(r.constraints as u64)
    )?;
    writeln!(
        md,
        "| `BatchChunk(1, {STATE_TREE_DEPTH}, {CHUNK_SUBTREE_LEVELS}, 16, 10)` (compiled by the benchmark with circom2 --O2), C1 | {} |",
        thousands(r.constraints_one_write as u64)
    )?;
    writeln!(
        md,
        "| **marginal cost of a write**, (C{CHUNK_WRITES} − C1) / {} | **{}** |",
        CHUNK_WRITES - 1,
        thousands(r.marginal_per_write().round() as u64)
    )?;
    writeln!(
        md,
        "| average per write, C{CHUNK_WRITES} / {CHUNK_WRITES} (the message tree and the public inputs shared) | {} |",
        thousands(r.average_per_write().round() as u64)
    )?;

    writeln!(md, "\n## Keys\n")?;
    writeln!(md, "| key | bytes |")?;
    writeln!(md, "|---|---:|")?;
    writeln!(
        md,
        "| development proving key (arkworks, uncompressed: what `fractal setup` caches) | {} |",
        thousands(r.dev_proving_key_bytes)
    )?;
    writeln!(
        md,
        "| verifying key (arkworks, compressed) | {} |",
        thousands(r.dev_verifying_key_bytes)
    )?;
    writeln!(
        md,
        "| the same circuit's key as a snarkjs `.zkey` (no contributions section) | {} |",
        thousands(r.zkey_bytes)
    )?;
    writeln!(
        md,
        "| that key in arkworks (uncompressed) | {} |",
        thousands(r.snarkjs_key_bytes)
    )?;

    writeln!(md, "\n## Verification gas\n")?;
    match &r.gas {
        Some(g) => {
            writeln!(
                md,
                "On {} (its default hardfork): `Groth16Verifier`, `Groth16DenseVerifier` and \
                 `Groth16BatchVerifier` deployed from the forge artifacts, then a transaction calling \
                 `verifyProof` with real proofs made with the development keys, each first checked with `eth_call` to return true; \
                 the gas its receipt reports. (Not `eth_estimateGas`: the verifier returns false \
                 rather than reverting when a precompile call runs out of gas, so the estimate is the \
                 gas of a failing check.) Transaction gas: 21,000, the calldata (16 gas per non-zero \
                 byte, 4 per zero byte), and the execution.\n",
                g.anvil
            )?;
            writeln!(
                md,
                "| call | transaction gas | of which calldata | per chunk |"
            )?;
            writeln!(md, "|---|---:|---:|---:|")?;
            for (what, chunks, writes, gas, calldata) in &g.batches {
                writeln!(
                    md,
                    "| `Groth16BatchVerifier.verifyProof`, {what} ({writes} writes) | {} | {} | {} |",
                    thousands(*gas),
                    thousands(*calldata),
                    thousands(gas / *chunks as u64)
                )?;
            }
            if let [(_, 1, _, one, _), _, (_, 2, _, two, _)] = g.batches.as_slice() {
                writeln!(
                    md,
                    "| a further chunk (2 chunks − 1 wide chunk) | {} | | |",
                    thousands(two - one)
                )?;
            }
            writeln!(
                md,
                "| `Groth16Verifier.verifyProof`, one chunk called directly | {} | {} | |",
                thousands(g.chunk_direct),
                thousands(g.chunk_direct_calldata)
            )?;
            writeln!(
                md,
                "| deploy `Groth16Verifier` (gas used) | {} | | |",
                thousands(g.deploy_chunk_verifier)
            )?;
            writeln!(
                md,
                "| deploy `Groth16DenseVerifier` (gas used) | {} | | |",
                thousands(g.deploy_dense_verifier)
            )?;
            writeln!(
                md,
                "| deploy `Groth16BatchVerifier` (gas used) | {} | | |",
                thousands(g.deploy_batch_verifier)
            )?;
        }
        None => writeln!(md, "Skipped (`--skip-gas`).")?,
    }
    writeln!(
        md,
        "\nNotes: the steps run one after another in this process (snarkjs in a child process); \
         arkworks uses every core through rayon, snarkjs its worker threads. arkworks proves \
         from the constraint matrices made once, as the publisher's prover does."
    )?;
    Ok(md)
}

fn json_report(r: &Report, settings: &ProofBench, date: &str) -> Value {
    let (existing, writes, messages) = SAMPLE;
    json!({
        "machine": machine(),
        "loadAverageAtStart": r.load_at_start,
        "date": date,
        "command": settings.command_line(),
        "build": "cargo build -p fractal-cli (dev profile: fractal-prover and dependencies at opt-level 3; fractal-prover and arkworks without debug assertions or overflow checks)",
        "repeats": settings.repeats,
        "circuit": {
            "hash": r.circuit_hash,
            "template": format!("BatchChunk({CHUNK_WRITES}, {STATE_TREE_DEPTH}, {CHUNK_SUBTREE_LEVELS}, 16, 10)"),
            "constraints": r.constraints,
            "publicInputs": CHUNK_PUBLIC_INPUTS,
            "writesPerChunk": CHUNK_WRITES,
        },
        "sample": { "existingEntries": existing, "writes": writes, "messages": messages },
        "timings": {
            "witnessNative": r.witness.json(),
            "witnessWasm": r.witness_wasm.json(),
            "keyLoadArkworks": r.key_load.json(),
            "proveArkworksCircomReductionBlinded": r.arkworks.json(),
            "proveArkworksCircomReductionUnblinded": r.arkworks_unblinded.json(),
            "provePublisherCircomReductionBlinded": r.ours_blinded.json(),
            "provePublisherCircomReductionUnblinded": r.ours_unblinded.json(),
            "chunkProofDevelopmentKey": r.chunk_dev.json(),
            "proveSnarkjs": r.snarkjs.as_ref().map(|s| s.prove.json()),
            "snarkjsStart": r.snarkjs.as_ref().map(|s| s.start.json()),
            "snarkjsCompatibleSetupSecs": r.key_setup,
        },
        "speedup": r.speedups().map(|x| json!({
            "snarkjsOverPublisherProveUnblinded": x.unblinded,
            "snarkjsOverPublisherProveBlinded": x.blinded,
            "snarkjsOverArkworksProveUnblinded": x.arkworks_unblinded,
            "snarkjsOverArkworksProveBlinded": x.arkworks_blinded,
            "snarkjsOverPublisherKeyLoadAndProveUnblinded": x.with_load,
            "arkworksOverPublisherProveUnblinded": r.msm_gain(),
            "target": TARGET_SPEEDUP,
            "met": x.unblinded >= TARGET_SPEEDUP,
        })),
        "provenWritesPerSecond": r.writes_per_second(),
        "provenWritesPerSecondDense": r.dense_writes_per_second(),
        "provenWritesPerSecondDenseBatch": r.batch_writes_per_second(),
        "denseBatch": { "chunks": BATCH_CHUNKS, "writes": BATCH_CHUNKS * DENSE_WRITES, "proveBatch": r.batch_dense.json(), "chunkAfterChunk": r.batch_sequential.json() },
        "dense": {
            "template": ChunkCircuit::Dense.template(),
            "circuitHash": r.dense_circuit_hash,
            "constraints": r.dense_constraints,
            "writesPerChunk": DENSE_WRITES,
            "chunkProofDevelopmentKey": r.chunk_dense.json(),
        },
        "constraints": {
            "chunk": r.constraints,
            "chunk1": r.constraints_one_write,
            "marginalPerWrite": r.marginal_per_write(),
            "averagePerWrite": r.average_per_write(),
        },
        "keys": {
            "developmentProvingKeyBytes": r.dev_proving_key_bytes,
            "verifyingKeyBytes": r.dev_verifying_key_bytes,
            "zkeyBytes": r.zkey_bytes,
            "snarkjsCompatibleProvingKeyBytes": r.snarkjs_key_bytes,
        },
        "gas": r.gas.as_ref().map(|g| json!({
            "l1": g.anvil,
            "deployGroth16Verifier": g.deploy_chunk_verifier,
            "deployGroth16BatchVerifier": g.deploy_batch_verifier,
            "chunkVerifierDirect": { "gas": g.chunk_direct, "calldataGas": g.chunk_direct_calldata },
            "deployGroth16DenseVerifier": g.deploy_dense_verifier,
            "batchVerifier": g.batches.iter().map(|(what, chunks, writes, gas, calldata)| json!({
                "batch": what, "chunks": chunks, "writes": writes, "gas": gas, "calldataGas": calldata, "gasPerChunk": gas / *chunks as u64,
            })).collect::<Vec<_>>(),
        })),
    })
}

/// Runs the benchmark and writes `<out>/proofs.md` and `<out>/proofs.json`; returns the Markdown.
pub(crate) async fn run(settings: ProofBench) -> Result<String> {
    ensure!(settings.repeats > 0, "--repeats must be positive");
    let load_at_start = load_average();
    let files = CircuitFiles::of(&settings.circuit_dir, ChunkCircuit::Wide);
    let dense_files = CircuitFiles::of(&settings.circuit_dir, ChunkCircuit::Dense);
    files.check()?;
    dense_files.check()?;
    let circuit_hash = files.hash()?;
    let dense_circuit_hash = dense_files.hash()?;
    let keys_dir = settings.circuit_dir.join("keys");
    let scratch = settings.circuit_dir.join("bench");
    std::fs::create_dir_all(&scratch)?;

    let (existing, writes, messages) = SAMPLE;
    let sample = sample_batch(existing, writes, messages)?;
    let chunks = batch_chunks(
        &sample.header,
        sample.chain_id,
        &sample.data(),
        &[ChunkCircuit::Wide],
    )?;
    let [chunk] = chunks.as_slice() else {
        bail!("the sample batch makes {} chunks, want one", chunks.len());
    };
    let dense_sample = sample_batch(existing, DENSE_WRITES as u64, messages)?;
    let dense_chunks = batch_chunks(
        &dense_sample.header,
        dense_sample.chain_id,
        &dense_sample.data(),
        &[ChunkCircuit::Dense],
    )?;
    let [dense_chunk] = dense_chunks.as_slice() else {
        bail!(
            "the dense sample batch makes {} chunks, want one",
            dense_chunks.len()
        );
    };

    tracing::info!("loading the development keys (made and cached on first use)");
    let store = KeyStore::new(&keys_dir);
    let dev_keys = store.development(&files)?;
    let dense_keys = store.development(&dense_files)?;
    let dense_constraints = dense_keys.info.constraints;
    let (dev_proving_key_bytes, dev_verifying_key_bytes) = (
        dev_keys.info.proving_key_bytes,
        dev_keys.info.verifying_key_bytes,
    );
    let constraints = dev_keys.info.constraints;
    let prover = Groth16Prover::new(&files, dev_keys)?.with_circuit(&dense_files, dense_keys)?;

    let key_dir = keys_dir
        .join(format!("{circuit_hash:x}"))
        .join("snarkjs-bench");
    let cached = key_dir.join("key.json").exists();
    tracing::info!(dir = %key_dir.display(), cached, "the snarkjs-compatible key (INSECURE)");
    let started = Instant::now();
    let (pk, zkey) = cached_snarkjs_compatible_key(&files, SNARKJS_BENCH_SEED, &key_dir)?;
    let key_setup = (!cached).then(|| started.elapsed().as_secs_f64());
    let (_, key_load) = repeat(settings.repeats, "arkworks key load", || {
        Ok(read_proving_key(&key_dir.join("proving.key"))?)
    })?;
    let matrices = fractal_prover::CircuitMatrices::new(&read_r1cs(&files)?);

    ensure!(
        ChunkCircuit::ALL
            .into_iter()
            .all(|c| prover.witness_generator(c).is_some_and(|g| g.is_native())),
        "the native witness generator was not built: run `make circuits`"
    );
    let (witness, witness_runs) = repeat(settings.repeats, "witness, native", || {
        Ok(prover.witness(chunk)?)
    })?;
    let wasm = fractal_prover::WitnessGenerator::wasm(&files)?;
    let (wasm_witness, witness_wasm) = repeat(settings.repeats, "witness, WebAssembly", || {
        Ok(wasm.chunk(chunk)?)
    })?;
    ensure!(
        wasm_witness == witness,
        "the native and WebAssembly witness generators disagree"
    );
    drop(wasm);
    let wtns = scratch.join("chunk.wtns");
    write_wtns(&witness, &mut std::fs::File::create(&wtns)?)?;

    let carries = [
        chunk.public[PUBLIC_INPUT_COUNT],
        chunk.public[PUBLIC_INPUT_COUNT + 1],
    ];
    let single = |proof: EvmProof| BatchProof {
        carries: carries.to_vec(),
        proofs: vec![proof],
        circuits: vec![ChunkCircuit::Wide.id()],
    };
    let snarkjs_vk = |circuit| (circuit == ChunkCircuit::Wide).then_some(&pk.vk);
    // arkworks' own prover (ark-groth16, arkworks' multi-scalar multiplication), then the publisher's
    // (`CircuitMatrices::prove`: the same proof, this crate's batched-affine multiplication).
    let prove = |blinding, engine| {
        Ok(prove_with_snarkjs_reduction(
            &pk, &matrices, &witness, blinding, engine,
        )?)
    };
    let (proof, arkworks) = repeat(settings.repeats, "arkworks prove, blinded", || {
        prove(Blinding::ZeroKnowledge, ProverEngine::Arkworks)
    })?;
    let (unblinded, arkworks_unblinded) =
        repeat(settings.repeats, "arkworks prove, unblinded", || {
            prove(Blinding::None, ProverEngine::Arkworks)
        })?;
    let (ours_blinded_proof, ours_blinded) =
        repeat(settings.repeats, "publisher prove, blinded", || {
            prove(Blinding::ZeroKnowledge, ProverEngine::BatchedAffine)
        })?;
    let (ours_unblinded_proof, ours_unblinded) =
        repeat(settings.repeats, "publisher prove, unblinded", || {
            prove(Blinding::None, ProverEngine::BatchedAffine)
        })?;
    ensure!(
        ours_unblinded_proof == unblinded,
        "the publisher's prover and arkworks' make different unblinded proofs"
    );
    for (what, proof) in [
        ("arkworks' unblinded", &unblinded),
        ("arkworks' blinded", &proof),
        ("the publisher's blinded", &ours_blinded_proof),
    ] {
        ensure!(
            verify_batch(
                snarkjs_vk,
                &sample.header,
                sample.chain_id,
                &single(to_evm(proof))
            )?,
            "{what} proof with the snarkjs-compatible key does not verify"
        );
    }

    let snarkjs = if settings.skip_snarkjs {
        None
    } else {
        let (proof_json, public_json) = (scratch.join("proof.json"), scratch.join("public.json"));
        let (_, start) = repeat(settings.repeats, "snarkjs start", || {
            snarkjs(&[&"--version"], 99)
        })?;
        let (_, prove) = repeat(settings.repeats, "snarkjs groth16 prove", || {
            snarkjs(
                &[
                    &"groth16",
                    &"prove",
                    &zkey,
                    &wtns,
                    &proof_json,
                    &public_json,
                ],
                0,
            )
        })?;
        let public: Vec<U256> = read_json(&public_json)?
            .as_array()
            .ok_or_else(|| eyre!("{} is not an array", public_json.display()))?
            .iter()
            .map(word)
            .collect::<Result<_>>()?;
        ensure!(
            public == chunk.public,
            "snarkjs proved other public inputs than the chunk's"
        );
        let proof = evm_proof(&read_json(&proof_json)?)?;
        ensure!(
            verify_batch(snarkjs_vk, &sample.header, sample.chain_id, &single(proof))?,
            "snarkjs's proof does not verify under the key"
        );
        Some(Snarkjs { start, prove })
    };

    let (dev_proof, chunk_dev) = repeat(settings.repeats, "prove_chunk, development key", || {
        Ok(prover.prove_chunk(chunk)?)
    })?;
    let (dense_proof, chunk_dense) = repeat(
        settings.repeats,
        "prove_chunk, dense chunk, development key",
        || Ok(prover.prove_chunk(dense_chunk)?),
    )?;
    let batch_sample = sample_batch(existing, (BATCH_CHUNKS * DENSE_WRITES) as u64, messages)?;
    let (batch_proof, batch_dense) = repeat(
        settings.repeats,
        "prove_batch, a batch of dense chunks, development keys",
        || {
            Ok(prover.prove_batch(
                &batch_sample.header,
                batch_sample.chain_id,
                &batch_sample.data(),
                |_, _| {},
            )?)
        },
    )?;
    let (_, batch_sequential) = repeat(
        settings.repeats,
        "the same batch, chunk after chunk with prove_chunk",
        || {
            let chunks = prover.chunks(
                &batch_sample.header,
                batch_sample.chain_id,
                &batch_sample.data(),
            )?;
            for chunk in &chunks {
                prover.prove_chunk(chunk)?;
            }
            Ok(())
        },
    )?;
    ensure!(
        batch_proof.circuits == [ChunkCircuit::Dense.id(); BATCH_CHUNKS],
        "the batch sample makes chunks of circuits {:?}, want {BATCH_CHUNKS} dense ones",
        batch_proof.circuits
    );

    tracing::info!("constraints of the one-write chunk circuit");
    let constraints_one_write = chunk_constraints(&settings.circuit_dir, 1)?;

    let gas = if settings.skip_gas {
        None
    } else {
        tracing::info!("proving a 2-chunk batch with the development keys, for the gas");
        let two = sample_batch(existing, 2 * writes, messages)?;
        let two_proof = prover.prove_batch(&two.header, two.chain_id, &two.data(), |_, _| {})?;
        ensure!(
            two_proof.circuits == [ChunkCircuit::Dense.id(), ChunkCircuit::Wide.id()],
            "the 2-chunk sample makes chunks of circuits {:?}, want dense then wide",
            two_proof.circuits
        );
        let dev_evm = to_evm(&dev_proof);
        let dense = BatchProof {
            carries: vec![
                dense_chunk.public[PUBLIC_INPUT_COUNT],
                dense_chunk.public[PUBLIC_INPUT_COUNT + 1],
            ],
            proofs: vec![to_evm(&dense_proof)],
            circuits: vec![ChunkCircuit::Dense.id()],
        };
        let proofs = [
            (
                "1 wide chunk".to_owned(),
                writes as usize,
                sample.header.clone(),
                single(dev_evm),
            ),
            (
                "1 dense chunk".to_owned(),
                DENSE_WRITES,
                dense_sample.header.clone(),
                dense,
            ),
            (
                "2 chunks, dense and wide".to_owned(),
                2 * writes as usize,
                two.header,
                two_proof,
            ),
        ];
        Some(
            measure_gas(
                &settings,
                [circuit_hash, dense_circuit_hash],
                sample.chain_id,
                &proofs,
                (&dev_evm, &chunk.public),
            )
            .await?,
        )
    };

    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len());
    let report = Report {
        load_at_start,
        circuit_hash,
        constraints,
        constraints_one_write,
        key_setup,
        witness: witness_runs,
        witness_wasm,
        key_load,
        arkworks,
        arkworks_unblinded,
        ours_blinded,
        ours_unblinded,
        chunk_dev,
        chunk_dense,
        batch_dense,
        batch_sequential,
        dense_circuit_hash,
        dense_constraints,
        snarkjs,
        dev_proving_key_bytes,
        dev_verifying_key_bytes,
        zkey_bytes: size(&zkey)?,
        snarkjs_key_bytes: size(&key_dir.join("proving.key"))?,
        gas,
    };
    let date = crate::bench_rollup::today();
    let md = markdown(&report, &settings, &date)?;
    let json = json_report(&report, &settings, &date);
    std::fs::create_dir_all(&settings.out)?;
    std::fs::write(settings.out.join("proofs.md"), &md)?;
    std::fs::write(
        settings.out.join("proofs.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(285_741), "285,741");
        assert_eq!(thousands(125_149_232), "125,149,232");
    }

    #[test]
    fn snarkjs_proofs_are_put_in_the_evm_order() {
        let proof = json!({
            "pi_a": ["1", "2", "1"],
            "pi_b": [["3", "4"], ["5", "6"], ["1", "0"]],
            "pi_c": ["7", "8", "1"],
        });
        let words = [1u64, 2, 4, 3, 6, 5, 7, 8].map(U256::from);
        assert_eq!(evm_proof(&proof).unwrap(), words);
    }

    #[test]
    fn calldata_gas_counts_zero_and_non_zero_bytes() {
        assert_eq!(calldata_gas(&[0, 1, 0, 255]), 4 + 16 + 4 + 16);
    }
}
