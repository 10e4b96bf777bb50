//! `fractal devnet`: the whole stack on one machine — anvil as L1, the settlement suite deployed with
//! `forge script`, a Fractal chain registered with its real genesis state root, its node following the
//! L1 priority queue and sealing batches, and its publisher committing, proving (development verifier)
//! and executing them — plus a first bridged deposit for each dev account. Stops everything on Ctrl-C.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use alloy::{
    network::EthereumWallet,
    primitives::{B256, U256, utils::format_ether},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    sol,
};
use clap::Args;
use eyre::{Context, Result, bail, eyre};
use fractal_node::config::{BatchConfig, ChainConfig, DEV_ACCOUNTS, ParentConfig};
use fractal_primitives::{ChainDeployment, Deployment};
use fractal_publisher::{
    DevelopmentProver, Publisher, PublisherConfig, RpcBatchSource, WorkerProver,
};

use crate::publisher::{ProofSystem, ProverArgs};
use tokio::process::{Child, Command};

sol! {
    #[sol(rpc)]
    interface IBridgeVault {
        function depositEth(uint256 chainId, address to) external payable returns (uint64 index);
    }
}

/// anvil's well-known development keys (public; for local use only), in `DEV_ACCOUNTS` order.
pub(crate) const DEV_KEYS: [&str; 10] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// The dev account that operates the chain on L1 (commits, proves, executes): the last one, so that
/// the first ones stay free for users.
const OPERATOR: usize = 9;

/// Options of `fractal devnet`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DevnetArgs {
    /// Where the devnet keeps its files (deployment files, chain.toml, the chain's data, anvil's log and
    /// the states it persists, removed at stop); wiped at start: a devnet starts from scratch every
    /// time, as anvil does.
    #[arg(long, default_value = ".devnet/devnet")]
    dir: PathBuf,
    /// L1 (anvil) JSON-RPC port.
    #[arg(long, default_value_t = 8545)]
    l1_port: u16,
    /// The chain's JSON-RPC port (HTTP and WebSocket).
    #[arg(long, default_value_t = 8546)]
    l2_port: u16,
    /// The chain's sequencer REST port.
    #[arg(long, default_value_t = 8547)]
    rest_port: u16,
    /// The chain's id.
    #[arg(long, default_value_t = 4242)]
    chain_id: u64,
    /// The chain's label under L1.
    #[arg(long, default_value = "base")]
    label: String,
    /// The chain's block time, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    block_time_ms: u64,
    /// L1 block time, in seconds (anvil `--block-time`).
    #[arg(long, default_value_t = 1)]
    l1_block_time: u64,
    /// Most blocks per batch.
    #[arg(long, default_value_t = 10)]
    batch_blocks: u64,
    /// How batches are published: `rollup-calldata` or `rollup-blob` (EIP-4844).
    #[arg(long, default_value = "rollup-calldata")]
    da: fractal_publisher::DaKind,
    /// Runs no publisher: run `fractal publisher` yourself (as the operator, dev account 9) with the
    /// files the devnet writes.
    #[arg(long)]
    no_publisher: bool,
    /// The proofs: `groth16` deploys `Groth16BatchVerifier` over the verifier `fractal setup`
    /// generated and proves every batch with the chunk circuit; `development` (the default) the
    /// INSECURE development verifier and prover.
    #[command(flatten)]
    proofs: ProverArgs,
    /// Ether deposited from L1 for each dev account at start (0: none).
    #[arg(long, default_value_t = 100)]
    deposit_ether: u64,
}

/// A child process killed when dropped; then its scratch directory, if any, is removed.
struct Process {
    name: &'static str,
    child: Child,
    /// Removed once the process has exited (anvil's persisted states: see [`ANVIL_STATES`]).
    scratch: Option<PathBuf>,
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Err(e) = self.child.start_kill() {
            tracing::debug!(process = self.name, error = %e, "already stopped");
        }
        let Some(scratch) = &self.scratch else { return };
        // SIGKILL takes effect at once; wait (briefly, blocking: this runs at shutdown) for the exit so
        // nothing writes into the directory while it is removed.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Err(e) = std::fs::remove_dir_all(scratch)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(process = self.name, dir = %scratch.display(), error = %e, "could not remove");
        }
    }
}

/// Where the devnet's anvil keeps the states it persists, under the devnet directory (`--cache-path`).
/// anvil writes the state of every block past the few it keeps in memory (≈ 80 KB a block for the
/// devnet's L1) to `~/.foundry/anvil/tmp` by default and leaves it there when killed: an hour of
/// one-second blocks is ≈ 300 MB, a benchmark's anvil several GB. The devnet removes it when it stops.
pub(crate) const ANVIL_STATES: &str = "anvil-states";

#[allow(clippy::print_stderr)]
fn step(message: impl std::fmt::Display) {
    eprintln!("==> {message}");
}

/// Finds a Foundry binary: on PATH, or where `tools/bootstrap` installs it.
pub(crate) fn foundry(tool: &str) -> Result<PathBuf> {
    let local = PathBuf::from(format!(
        "node_modules/@foundry-rs/{tool}-linux-amd64/bin/{tool}"
    ));
    if local.exists() {
        return Ok(local.canonicalize()?);
    }
    if let Some(path) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
    {
        return Ok(path);
    }
    bail!("{tool} not found: run `make bootstrap` (or `tools/bootstrap`) from the repository root")
}

async fn wait_for_rpc(url: &str, what: &str, timeout: Duration) -> Result<()> {
    let provider = ProviderBuilder::new().connect_http(url.parse()?);
    let deadline = Instant::now() + timeout;
    loop {
        if provider.get_chain_id().await.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{what} did not answer on {url}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn forge_script(
    forge: &Path,
    script: &str,
    rpc: &str,
    dir: &Path,
    env: &[(&str, String)],
) -> Result<()> {
    let output = Command::new(forge)
        .args([
            "script",
            script,
            "--rpc-url",
            rpc,
            "--broadcast",
            "--slow",
            "-q",
        ])
        .args(["--private-key", DEV_KEYS[0]])
        .env("FRACTAL_DEPLOYMENTS_DIR", dir)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .output()
        .await
        .wrap_err("running forge")?;
    if !output.status.success() {
        bail!(
            "forge script {script} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// The chain's configuration as `chain.toml` text (what `fractal node --config` reads).
fn chain_toml(config: &ChainConfig) -> String {
    let parent = config.parent.as_ref().expect("a devnet chain has a parent");
    format!(
        "# Written by `fractal devnet`; `fractal node --config` runs the same chain.\n\
         chain_id = {}\nname = \"{}\"\nblock_time_ms = {}\ndata_dir = \"{}\"\nrpc_addr = \"{}\"\nrest_addr = \"{}\"\n\n\
         [parent]\nchain_id = {}\nvault = \"{}\"\nrpc = \"{}\"\npriority_queue = \"{}\"\nconfirmations = {}\nfrom_block = {}\npoll_ms = {}\n\n\
         [batch]\nmax_blocks = {}\nmax_age_ms = {}\nmax_pubdata_bytes = {}\nda = \"{}\"\n",
        config.chain_id,
        config.name,
        config.block_time_ms,
        config.data_dir.display(),
        config.rpc_addr,
        config.rest_addr,
        parent.chain_id,
        parent.vault,
        parent.rpc.as_deref().unwrap_or_default(),
        parent.priority_queue.unwrap_or_default(),
        parent.confirmations,
        parent.from_block,
        parent.poll_ms,
        config.batch.max_blocks,
        config.batch.max_age_ms,
        config.batch.max_pubdata_bytes,
        config.batch.da,
    )
}

/// Runs the devnet until Ctrl-C or SIGTERM.
pub(crate) async fn run(
    args: DevnetArgs,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let (anvil, forge) = (foundry("anvil")?, foundry("forge")?);
    // Load the circuit and its keys first: a missing circuit fails before anything starts.
    let system = args.proofs.prover.unwrap_or(ProofSystem::Development);
    let groth16 = match system {
        ProofSystem::Groth16 if !args.no_publisher => {
            step("loading the chunk circuit and its keys");
            Some(std::sync::Arc::new(args.proofs.groth16()?))
        }
        _ => None,
    };
    if !Path::new("script/Deploy.s.sol").exists() {
        bail!("run `fractal devnet` from the repository root (it deploys script/*.s.sol)");
    }
    if args.dir.exists() {
        std::fs::remove_dir_all(&args.dir)
            .wrap_err_with(|| format!("clearing {}", args.dir.display()))?;
    }
    std::fs::create_dir_all(&args.dir)?;
    let dir = args.dir.canonicalize()?;
    let l1 = format!("http://127.0.0.1:{}", args.l1_port);
    let l2 = format!("http://127.0.0.1:{}", args.l2_port);
    if wait_for_rpc(&l1, "", Duration::ZERO).await.is_ok() {
        bail!("something already answers on {l1}; stop it or pass --l1-port");
    }

    step(format!("starting anvil (L1) on {l1}"));
    let log = std::fs::File::create(dir.join("anvil.log"))?;
    let _anvil = Process {
        name: "anvil",
        child: Command::new(&anvil)
            .args(["--port", &args.l1_port.to_string()])
            .args(["--block-time", &args.l1_block_time.to_string()])
            .arg("--cache-path")
            .arg(dir.join(ANVIL_STATES))
            .stdout(log.try_clone()?)
            .stderr(log)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .wrap_err("starting anvil")?,
        scratch: Some(dir.join(ANVIL_STATES)),
    };
    wait_for_rpc(&l1, "anvil", Duration::from_secs(20)).await?;
    let l1_provider = ProviderBuilder::new().connect_http(l1.parse()?);
    let l1_chain_id = l1_provider.get_chain_id().await?;

    step("deploying the settlement suite (script/Deploy.s.sol)");
    let proof_system = match system {
        ProofSystem::Groth16 => "groth16",
        ProofSystem::Development => "development",
    };
    forge_script(
        &forge,
        "script/Deploy.s.sol",
        &l1,
        &dir,
        &[("FRACTAL_PROOF_SYSTEM", proof_system.to_string())],
    )
    .await?;
    let suite = Deployment::from_json(&std::fs::read_to_string(
        dir.join(format!("{l1_chain_id}.json")),
    )?)?;

    let operator: PrivateKeySigner = DEV_KEYS[OPERATOR].parse()?;
    let mut config = ChainConfig::dev(dir.join("chain"));
    config.chain_id = args.chain_id;
    config.name = args.label.clone();
    config.block_time_ms = args.block_time_ms;
    config.rpc_addr = SocketAddr::from(([127, 0, 0, 1], args.l2_port));
    config.rest_addr = SocketAddr::from(([127, 0, 0, 1], args.rest_port));
    // Every ether on the chain comes from L1 through the vault.
    config.genesis.clear();
    config.parent = Some(ParentConfig {
        chain_id: l1_chain_id,
        vault: suite.bridge_vault,
        rpc: Some(l1.clone()),
        priority_queue: None,
        confirmations: 0,
        from_block: 0,
        poll_ms: 250,
    });
    config.batch = BatchConfig {
        max_blocks: args.batch_blocks,
        da: args.da,
        ..BatchConfig::default()
    };
    let genesis_root = fractal_node::batches::genesis_state_root(
        &fractal_node::chain::genesis_block(&config).diff,
    )?;

    step(format!(
        "registering chain '{}' (id {}) with genesis state root {genesis_root} (script/RegisterChain.s.sol)",
        args.label, args.chain_id
    ));
    forge_script(
        &forge,
        "script/RegisterChain.s.sol",
        &l1,
        &dir,
        &[
            ("CHAIN_LABEL", args.label.clone()),
            ("CHAIN_ID", args.chain_id.to_string()),
            ("CHAIN_GENESIS_ROOT", genesis_root.to_string()),
            ("CHAIN_RPC", l2.clone()),
            ("CHAIN_OPERATOR", operator.address().to_string()),
            ("CHAIN_DA", args.da.to_string()),
        ],
    )
    .await?;
    let chain_file = dir.join(format!("{l1_chain_id}-{}.json", args.label));
    let registered = ChainDeployment::from_json(&std::fs::read_to_string(&chain_file)?)?;
    if let Some(parent) = config.parent.as_mut() {
        parent.priority_queue = Some(registered.priority_queue);
        parent.from_block = registered.registered_at_block;
    }
    std::fs::write(dir.join("chain.toml"), chain_toml(&config))?;

    step(format!("starting the chain's node on {l2}"));
    let (stop_node, node_stopped) = tokio::sync::oneshot::channel::<()>();
    let node = tokio::spawn(fractal_node::run(
        config.clone(),
        async {
            let _ = node_stopped.await;
        },
        |_| {},
    ));
    wait_for_rpc(&l2, "the node", Duration::from_secs(30)).await?;

    let (stop_publisher, publisher_stopped) = tokio::sync::oneshot::channel::<()>();
    let publisher = if args.no_publisher {
        step(format!(
            "no publisher (--no-publisher): batches wait for `fractal publisher` run as the operator {}",
            operator.address()
        ));
        None
    } else {
        step(format!(
            "starting the publisher (operator {}, {})",
            operator.address(),
            match system {
                ProofSystem::Groth16 => "Groth16 proofs of the chunk circuit",
                ProofSystem::Development => "development verifier: INSECURE",
            }
        ));
        let mut publisher_config = PublisherConfig::new(
            l1.parse()?,
            registered.settlement,
            args.chain_id,
            dir.join("publisher"),
        );
        publisher_config.poll_interval = Duration::from_millis(500);
        publisher_config.da = args.da;
        let source = RpcBatchSource::new(l2.parse()?);
        let stopped = async {
            let _ = publisher_stopped.await;
        };
        Some(match groth16 {
            Some(prover) => {
                let prover = WorkerProver::new(prover, l2.parse()?);
                let publisher = Publisher::new(publisher_config, operator, source, prover).await?;
                tokio::spawn(publisher.run(stopped))
            }
            None => {
                let publisher =
                    Publisher::new(publisher_config, operator, source, DevelopmentProver).await?;
                tokio::spawn(publisher.run(stopped))
            }
        })
    };

    if args.deposit_ether > 0 {
        step(format!(
            "depositing {} ETH from L1 for each dev account (BridgeVault.depositEth)",
            args.deposit_ether
        ));
        let funder: PrivateKeySigner = DEV_KEYS[0].parse()?;
        let wallet = ProviderBuilder::new()
            .wallet(EthereumWallet::from(funder))
            .connect_http(l1.parse()?);
        let vault = IBridgeVault::new(suite.bridge_vault, &wallet);
        let amount = U256::from(args.deposit_ether) * U256::from(10u64).pow(U256::from(18));
        let mut pending = Vec::with_capacity(DEV_ACCOUNTS.len());
        for account in DEV_ACCOUNTS {
            pending.push(
                vault
                    .depositEth(U256::from(args.chain_id), account)
                    .value(amount)
                    .send()
                    .await?,
            );
        }
        for deposit in pending {
            let receipt = deposit.get_receipt().await?;
            if !receipt.status() {
                bail!("deposit {} reverted on L1", receipt.transaction_hash);
            }
        }
        let l2_provider = ProviderBuilder::new().connect_http(l2.parse()?);
        let deadline = Instant::now() + Duration::from_secs(60);
        while l2_provider.get_balance(DEV_ACCOUNTS[9]).await? < amount {
            if Instant::now() > deadline {
                return Err(eyre!(
                    "the deposits did not reach the chain within a minute"
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        step(format!(
            "the deposits arrived: each dev account holds {} ETH on '{}'",
            format_ether(l2_provider.get_balance(DEV_ACCOUNTS[0]).await?),
            args.label
        ));
    }

    let endpoints = serde_json::json!({
        "l1": { "rpc": l1, "chainId": l1_chain_id, "suite": dir.join(format!("{l1_chain_id}.json")), "anvilLog": dir.join("anvil.log") },
        "chain": {
            "name": args.label, "chainId": args.chain_id, "rpc": l2, "ws": format!("ws://127.0.0.1:{}", args.l2_port),
            "rest": format!("http://127.0.0.1:{}", args.rest_port), "config": dir.join("chain.toml"),
            "deployment": chain_file, "genesisStateRoot": genesis_root,
        },
        "contracts": {
            "registry": suite.registry, "bridgeVault": suite.bridge_vault, "settlement": registered.settlement,
            "priorityQueue": registered.priority_queue, "l2Bridge": fractal_primitives::L2_BRIDGE, "l2Outbox": fractal_primitives::L2_OUTBOX,
        },
        "operator": DEV_ACCOUNTS[OPERATOR],
    });
    std::fs::write(
        dir.join("devnet.json"),
        serde_json::to_string_pretty(&endpoints)?,
    )?;
    print_summary(&args, &l1, &l2, &suite, &registered, genesis_root);

    let stopped_early = tokio::select! {
        () = shutdown => None,
        result = node => Some(format!("the node stopped: {result:?}")),
    };
    step("stopping");
    let _ = stop_publisher.send(());
    let _ = stop_node.send(());
    if let Some(publisher) = publisher {
        match publisher.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the publisher failed"),
            Err(e) => tracing::error!(error = %e, "the publisher panicked"),
        }
    }
    if let Some(reason) = stopped_early {
        bail!(reason);
    }
    Ok(())
}

fn print_summary(
    args: &DevnetArgs,
    l1: &str,
    l2: &str,
    suite: &Deployment,
    chain: &ChainDeployment,
    genesis_root: B256,
) {
    println!();
    println!("Fractal devnet is up (Ctrl-C stops everything)");
    println!();
    println!(
        "  L1 (anvil)        {l1}  chain id {}",
        chain.parent_chain_id
    );
    println!(
        "  chain '{}'      {l2}  ws://127.0.0.1:{}  chain id {}",
        args.label, args.l2_port, args.chain_id
    );
    println!("  sequencer REST    http://127.0.0.1:{}", args.rest_port);
    println!();
    println!("  registry          {}", suite.registry);
    println!("  bridge vault      {}", suite.bridge_vault);
    println!("  settlement        {}", chain.settlement);
    println!("  priority queue    {}", chain.priority_queue);
    println!("  genesis root      {genesis_root}");
    println!("  files             {}", args.dir.display());
    println!();
    println!("  dev accounts (funded on L1 by anvil; on the chain by the deposits above):");
    for (i, (account, key)) in DEV_ACCOUNTS.iter().zip(DEV_KEYS).enumerate() {
        let role = if i == OPERATOR {
            "  (the chain's operator on L1)"
        } else {
            ""
        };
        println!("    ({i}) {account}  {key}{role}");
    }
    println!();
    println!(
        "  try: cast send {} 'depositEth(uint256,address)' {} <you> --value 1ether --rpc-url {l1} --private-key <key>",
        suite.bridge_vault, args.chain_id
    );
    println!("       cast balance <you> --rpc-url {l2}");
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_keys_are_the_dev_accounts() {
        for (key, account) in DEV_KEYS.iter().zip(DEV_ACCOUNTS) {
            assert_eq!(key.parse::<PrivateKeySigner>().unwrap().address(), account);
        }
    }
}
