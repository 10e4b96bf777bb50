//! The `fractal` command: one binary for every Fractal role. This first cut carries the tooling that the
//! contracts and the Rust side share; node, publisher, relayer and devnet subcommands build on it.
#![allow(clippy::print_stdout)]

mod bench;
mod bench_proofs;
mod bench_rollup;
mod devnet;
mod prove;
mod publisher;
mod rebuild;
mod setup;
mod vectors;
mod withdraw;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use eyre::{Context, Result, bail};
use fractal_primitives::{ChainDeployment, Deployment, InteropAddress};

/// Fractal: EVM hyperchains that settle proven batches on their parent, at any depth.
#[derive(Debug, Parser)]
#[command(name = "fractal", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes the shared test vectors that the Solidity tests check the contracts against, or with
    /// `--check` fails when the committed file differs from what this build computes.
    Vectors {
        /// Where the vectors live.
        #[arg(long, default_value = "contracts/test/vectors/shared.json")]
        out: PathBuf,
        /// Compare instead of writing.
        #[arg(long)]
        check: bool,
    },
    /// Checks a deployment file written by `script/Deploy.s.sol` (or a chain file written by
    /// `script/RegisterChain.s.sol`) and prints what it holds.
    Deployment {
        /// The JSON file.
        file: PathBuf,
    },
    /// Runs a chain node: JSON-RPC (HTTP and WebSocket) and the centralized sequencer.
    Node {
        /// A development chain (id 4242) with anvil's ten dev accounts funded, data in `.fractal/dev`.
        #[arg(long, conflicts_with = "config")]
        dev: bool,
        /// A chain configuration file (`chain.toml`).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides the JSON-RPC address.
        #[arg(long)]
        rpc_addr: Option<std::net::SocketAddr>,
        /// Overrides the sequencer REST API address.
        #[arg(long)]
        rest_addr: Option<std::net::SocketAddr>,
        /// Overrides the data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Overrides the block time, in milliseconds.
        #[arg(long)]
        block_time_ms: Option<u64>,
    },
    /// Posts the chain's sealed batches to its parent chain: commit, prove, execute
    /// (docs/publisher.md). Runs until SIGINT or SIGTERM.
    Publisher(publisher::PublisherArgs),
    /// Withdrawals from a chain to its parent.
    Withdraw {
        #[command(subcommand)]
        what: withdraw::WithdrawCommand,
    },
    /// Benchmarks; results are written under `bench/`.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// The whole stack on this machine: anvil as L1, the suite deployed with `forge script`, a chain
    /// registered with its genesis state root, its node and publisher, and a deposit for each dev
    /// account. Ctrl-C stops everything.
    Devnet(devnet::DevnetArgs),
    /// Rebuilds a chain's state from its parent alone (the pubdata of every committed batch), checking
    /// the state root of every batch; optionally compares every account with a running node.
    Rebuild(rebuild::RebuildArgs),
    /// Makes (or loads) the batch circuit's proving keys and writes the Solidity verifier rendered
    /// from them; the default is the INSECURE development setup, `--zkey`/`--ptau` the production
    /// path (docs/proofs.md).
    Setup(setup::SetupArgs),
    /// Proves one sealed batch with the chunk circuit (from a node, or from the batch's files) and
    /// prints the proof bytes `Settlement.proveBatches` takes; refuses a batch whose writes do not
    /// lead to its new state root.
    Prove(prove::ProveArgs),
    /// Prints the genesis state root of a chain (what its parent registers as batch 0).
    Genesis {
        /// The chain's configuration file (`chain.toml`).
        #[arg(long)]
        config: PathBuf,
    },
    /// Parses an interoperable address such as `0x…@reddit.base`.
    Address {
        /// The address.
        address: String,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Throughput and submit→receipt latency of a node against anvil on the same workload.
    Node(bench::NodeBench),
    /// Pubdata bytes per ERC-20 transfer, ether transfer, first write and repeated write, and the L1
    /// gas of commit, prove and execute per batch, on the whole stack through `fractal devnet`.
    Rollup(bench_rollup::RollupBench),
    /// arkworks against snarkjs on the same circuit, key and witness; constraints per write, proven
    /// writes per second, key sizes and verification gas (bench/proofs.md).
    Proofs(bench_proofs::ProofBench),
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

fn run_node(
    dev: bool,
    config: Option<PathBuf>,
    (rpc_addr, rest_addr): (Option<std::net::SocketAddr>, Option<std::net::SocketAddr>),
    data_dir: Option<PathBuf>,
    block_time_ms: Option<u64>,
) -> Result<()> {
    let mut chain = match (dev, config) {
        (true, _) => fractal_node::config::ChainConfig::dev(PathBuf::from(".fractal/dev")),
        (false, Some(path)) => {
            let text = std::fs::read_to_string(&path)
                .wrap_err_with(|| format!("reading {}", path.display()))?;
            fractal_node::config::ChainConfig::from_toml(&text)
                .wrap_err_with(|| format!("in {}", path.display()))?
        }
        (false, None) => bail!("give --dev or --config <chain.toml>"),
    };
    if let Some(addr) = rpc_addr {
        chain.rpc_addr = addr;
    }
    if let Some(addr) = rest_addr {
        chain.rest_addr = addr;
    }
    if let Some(dir) = data_dir {
        chain.data_dir = dir;
    }
    if let Some(ms) = block_time_ms {
        chain.block_time_ms = ms;
    }
    chain.validate()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(fractal_node::run(chain, shutdown_signal(), |node| {
        println!(
            "fractal node listening on http://{} (chain id {})",
            node.rpc_addr,
            node.chain.config().chain_id
        );
    }))?;
    Ok(())
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Vectors { out, check } => {
            let json = vectors::generate()?;
            if check {
                let committed = std::fs::read_to_string(&out)
                    .wrap_err_with(|| format!("reading {}", out.display()))?;
                if committed != json {
                    bail!(
                        "{} is stale: regenerate it with `fractal vectors` (the Rust encodings changed)",
                        out.display()
                    );
                }
                tracing::info!(file = %out.display(), "shared vectors are up to date");
            } else {
                std::fs::write(&out, json)
                    .wrap_err_with(|| format!("writing {}", out.display()))?;
                tracing::info!(file = %out.display(), "wrote shared vectors");
            }
        }
        Command::Deployment { file } => {
            let json = std::fs::read_to_string(&file)
                .wrap_err_with(|| format!("reading {}", file.display()))?;
            if let Ok(chain) = ChainDeployment::from_json(&json) {
                println!(
                    "chain {} (id {}) on parent {}: settlement {}, priority queue {}, DA {} ({}), sequencer {}",
                    chain.name,
                    chain.chain_id,
                    chain.parent_chain_id,
                    chain.settlement,
                    chain.priority_queue,
                    chain.da_policy,
                    chain.da_kind,
                    chain.sequencer_mode
                );
            } else {
                let d = Deployment::from_json(&json).wrap_err_with(|| {
                    format!(
                        "{} is neither a deployment nor a chain file",
                        file.display()
                    )
                })?;
                println!(
                    "suite on chain {} ({}): registry {}, bridge vault {}, verifier {} ({:?})",
                    d.host_chain_id,
                    if d.host_name.is_empty() {
                        "L1"
                    } else {
                        &d.host_name
                    },
                    d.registry,
                    d.bridge_vault,
                    d.verifier,
                    d.verifier_kind
                );
            }
        }
        Command::Node {
            dev,
            config,
            rpc_addr,
            rest_addr,
            data_dir,
            block_time_ms,
        } => {
            run_node(dev, config, (rpc_addr, rest_addr), data_dir, block_time_ms)?;
        }
        Command::Publisher(args) => publisher::run(args, shutdown_signal())?,
        Command::Withdraw { what } => withdraw::run(what)?,
        Command::Bench {
            what: BenchCommand::Node(settings),
        } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let report = runtime.block_on(bench::run(settings))?;
            println!("{report}");
        }
        Command::Bench {
            what: BenchCommand::Rollup(settings),
        } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let report = runtime.block_on(bench_rollup::run(settings))?;
            println!("{report}");
        }
        Command::Bench {
            what: BenchCommand::Proofs(settings),
        } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let report = runtime.block_on(bench_proofs::run(settings))?;
            println!("{report}");
        }
        Command::Devnet(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(devnet::run(args, shutdown_signal()))?;
        }
        Command::Rebuild(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(rebuild::run(args))?;
        }
        Command::Setup(args) => setup::run(&args)?,
        Command::Prove(args) => prove::run(&args)?,
        Command::Genesis { config } => {
            let text = std::fs::read_to_string(&config)
                .wrap_err_with(|| format!("reading {}", config.display()))?;
            let chain = fractal_node::config::ChainConfig::from_toml(&text)
                .wrap_err_with(|| format!("in {}", config.display()))?;
            let root = fractal_node::batches::genesis_state_root(
                &fractal_node::chain::genesis_block(&chain).diff,
            )?;
            println!("{root}");
        }
        Command::Address { address } => {
            let a: InteropAddress = address.parse()?;
            println!(
                "{a} (account {}, chain {:?}, depth {})",
                a.address,
                a.chain.to_string(),
                a.chain.depth()
            );
        }
    }
    Ok(())
}
