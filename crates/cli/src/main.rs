//! The `fractal` command: one binary for every Fractal role. This first cut carries the tooling that the
//! contracts and the Rust side share; node, publisher, relayer and devnet subcommands build on it.
#![allow(clippy::print_stdout)]

mod vectors;

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
    /// Parses an interoperable address such as `0x…@reddit.base`.
    Address {
        /// The address.
        address: String,
    },
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
