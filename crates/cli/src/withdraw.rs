//! `fractal withdraw finalize`: releases on the parent chain the withdrawals a chain transaction sent.

use std::{path::PathBuf, time::Duration};

use alloy::{primitives::B256, signers::local::PrivateKeySigner, transports::http::reqwest::Url};
use clap::{Args, Subcommand};
use eyre::{Context, Result};
use fractal_primitives::{ChainDeployment, Deployment};
use fractal_publisher::{WithdrawalRequest, finalize_withdrawals};

/// `fractal withdraw` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum WithdrawCommand {
    /// Finalizes on the parent chain the withdrawals a chain transaction sent, once their batch is
    /// executed there; prints the parent-chain transaction hash of each.
    Finalize(FinalizeArgs),
}

/// Options of `fractal withdraw finalize`.
#[derive(Debug, Clone, Args)]
pub(crate) struct FinalizeArgs {
    /// JSON-RPC (HTTP) of the parent chain.
    #[arg(long)]
    l1_rpc: Url,
    /// JSON-RPC (HTTP) of the chain's node.
    #[arg(long)]
    l2_rpc: Url,
    /// The chain file `script/RegisterChain.s.sol` wrote (`<deployments>/<parent id>-<label>.json`).
    #[arg(long)]
    chain_file: PathBuf,
    /// The suite file `script/Deploy.s.sol` wrote on the parent (`<deployments>/<parent id>.json`).
    #[arg(long)]
    suite_file: PathBuf,
    /// The key that pays for the finalization (anyone may finalize; funds go to the recipient).
    #[arg(long, env = "FRACTAL_PRIVATE_KEY", hide_env_values = true)]
    private_key: String,
    /// The chain transaction that withdrew.
    #[arg(long)]
    tx: B256,
    /// Waits until the withdrawal's batch is sealed and executed instead of failing.
    #[arg(long)]
    wait: bool,
}

/// Runs a `fractal withdraw` subcommand.
pub(crate) fn run(command: WithdrawCommand) -> Result<()> {
    let WithdrawCommand::Finalize(args) = command;
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).wrap_err_with(|| format!("reading {}", path.display()))
    };
    let chain = ChainDeployment::from_json(&read(&args.chain_file)?)
        .wrap_err_with(|| format!("in {}", args.chain_file.display()))?;
    let suite = Deployment::from_json(&read(&args.suite_file)?)
        .wrap_err_with(|| format!("in {}", args.suite_file.display()))?;
    let signer: PrivateKeySigner = args
        .private_key
        .trim()
        .parse()
        .wrap_err("--private-key is not a secp256k1 private key")?;
    let mut request = WithdrawalRequest::new(
        args.l1_rpc,
        args.l2_rpc,
        suite.bridge_vault,
        chain.settlement,
        chain.chain_id,
        args.tx,
    );
    if args.wait {
        request.wait = Some(Duration::from_secs(1));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    for done in runtime.block_on(finalize_withdrawals(&request, signer))? {
        println!("{}", done.tx);
    }
    Ok(())
}
