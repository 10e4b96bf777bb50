//! `fractal publisher`: posts a chain's sealed batches to its parent chain until SIGINT or SIGTERM.

use std::{future::Future, path::PathBuf, time::Duration};

use alloy::{signers::local::PrivateKeySigner, transports::http::reqwest::Url};
use clap::Args;
use eyre::{Context, Result};
use fractal_primitives::ChainDeployment;
use fractal_publisher::{DevelopmentProver, Publisher, PublisherConfig, RpcBatchSource};

/// Options of `fractal publisher`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PublisherArgs {
    /// JSON-RPC (HTTP) of the parent chain.
    #[arg(long)]
    l1_rpc: Url,
    /// JSON-RPC (HTTP) of the chain's node, which serves the sealed batches.
    #[arg(long)]
    l2_rpc: Url,
    /// The chain file `script/RegisterChain.s.sol` wrote (`<deployments>/<parent id>-<label>.json`).
    #[arg(long)]
    chain_file: PathBuf,
    /// The operator's private key (an operator of the chain's settlement).
    #[arg(long, env = "FRACTAL_OPERATOR_KEY", hide_env_values = true)]
    private_key: String,
    /// Where the publisher keeps `publisher.json` (the transaction in flight).
    #[arg(long)]
    data_dir: PathBuf,
    /// Blocks a transaction must be buried under before its step counts as done (1: mined).
    #[arg(long, default_value_t = 1)]
    confirmations: u64,
    /// How often the parent chain and the node are polled, in milliseconds.
    #[arg(long, default_value_t = 1_000)]
    poll_ms: u64,
    /// Seconds an unmined transaction waits before it is re-sent with fees 12.5% higher.
    #[arg(long, default_value_t = 30)]
    bump_after_secs: u64,
    /// The highest fee per gas the operator pays, in gwei.
    #[arg(long, default_value_t = 500)]
    max_fee_gwei: u64,
    /// Most batches one commit, prove or execute transaction carries.
    #[arg(long, default_value_t = 16)]
    max_batches_per_tx: u64,
}

/// Runs the publisher until `shutdown` resolves.
pub(crate) fn run(args: PublisherArgs, shutdown: impl Future<Output = ()>) -> Result<()> {
    let json = std::fs::read_to_string(&args.chain_file)
        .wrap_err_with(|| format!("reading {}", args.chain_file.display()))?;
    let chain = ChainDeployment::from_json(&json)
        .wrap_err_with(|| format!("in {}", args.chain_file.display()))?;
    let da: fractal_publisher::DaKind = chain.da_kind.parse().wrap_err_with(|| {
        format!(
            "chain {} uses the {} DA policy, which the publisher does not post",
            chain.name, chain.da_kind
        )
    })?;
    let operator: PrivateKeySigner = args
        .private_key
        .trim()
        .parse()
        .wrap_err("--private-key is not a secp256k1 private key")?;
    let mut config =
        PublisherConfig::new(args.l1_rpc, chain.settlement, chain.chain_id, args.data_dir);
    config.confirmations = args.confirmations.max(1);
    config.poll_interval = Duration::from_millis(args.poll_ms.max(10));
    config.bump_after = Duration::from_secs(args.bump_after_secs.max(1));
    config.fees.max_fee_per_gas = u128::from(args.max_fee_gwei) * 1_000_000_000;
    config.max_batches_per_tx = args.max_batches_per_tx.max(1);
    config.da = da;
    let source = RpcBatchSource::new(args.l2_rpc);
    tracing::warn!(
        "proofs come from the development prover: INSECURE, accepted only by the development verifier"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let publisher = Publisher::new(config, operator, source, DevelopmentProver).await?;
        publisher.run(shutdown).await
    })?;
    Ok(())
}
