//! `fractal publisher`: posts a chain's sealed batches to its parent chain until SIGINT or SIGTERM.

use std::{future::Future, path::PathBuf, time::Duration};

use alloy::{signers::local::PrivateKeySigner, transports::http::reqwest::Url};
use clap::Args;
use eyre::{Context, Result};
use fractal_primitives::ChainDeployment;
use fractal_publisher::{
    DevelopmentProver, Publisher, PublisherConfig, RpcBatchSource, WorkerProver,
};

/// Which proofs the publisher submits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ProofSystem {
    /// Groth16 proofs of the chunk circuits, for `Groth16BatchVerifier` (keys from `fractal setup`).
    Groth16,
    /// The INSECURE development "proof" that only `DevelopmentVerifier` accepts.
    Development,
}

alloy::sol! {
    #[sol(rpc)]
    interface IVerifierProbe {
        function verifier() external view returns (address);
        function WIDE_VERIFIER() external view returns (address);
    }
}

/// The proofs the chain's verifier takes: Groth16 when the settlement's verifier answers
/// `WIDE_VERIFIER()` (a `Groth16BatchVerifier`), the development proof otherwise.
async fn detect_proof_system(
    l1_rpc: &Url,
    settlement: alloy::primitives::Address,
) -> Result<ProofSystem> {
    let provider = alloy::providers::ProviderBuilder::new().connect_http(l1_rpc.clone());
    let verifier = IVerifierProbe::new(settlement, &provider)
        .verifier()
        .call()
        .await
        .wrap_err_with(|| format!("asking settlement {settlement} for its verifier"))?;
    let system = match IVerifierProbe::new(verifier, &provider)
        .WIDE_VERIFIER()
        .call()
        .await
    {
        Ok(_) => ProofSystem::Groth16,
        Err(_) => ProofSystem::Development,
    };
    tracing::info!(%verifier, ?system, "the chain's verifier decides the proofs (--prover overrides)");
    Ok(system)
}

/// Where the chunk circuit and its keys are.
#[derive(Debug, Clone, Args)]
pub(crate) struct ProverArgs {
    /// Which proofs to submit. `fractal publisher` asks the chain's verifier on the parent when this
    /// is not given (a `Groth16BatchVerifier` answers `WIDE_VERIFIER()`); `fractal devnet` deploys the
    /// development verifier unless it is `groth16`.
    #[arg(long, value_enum)]
    pub(crate) prover: Option<ProofSystem>,
    /// The compiled chunk circuits (`make circuits`).
    #[arg(long, default_value = "circuits/build")]
    pub(crate) circuit_dir: PathBuf,
    /// The key cache of `fractal setup` (development keys are made there if missing).
    #[arg(long, default_value = "circuits/build/keys")]
    pub(crate) keys_dir: PathBuf,
}

impl ProverArgs {
    /// The Groth16 prover with the cached keys of both compiled chunk circuits: ceremony keys when
    /// they are cached, else the development keys (made if missing) — never one of each, since the
    /// deployed verifiers come from one setup.
    pub(crate) fn groth16(&self) -> Result<fractal_prover::Groth16Prover> {
        let files = fractal_prover::CircuitFiles::all(&self.circuit_dir);
        for files in &files {
            files.check()?;
        }
        let store = fractal_prover::KeyStore::new(&self.keys_dir);
        let mut ceremony = Vec::with_capacity(files.len());
        for files in &files {
            ceremony.push(store.load(files, fractal_prover::KeyKind::Ceremony)?);
        }
        if ceremony.iter().all(Option::is_some) {
            let mut keys = ceremony.into_iter().flatten();
            return Ok(fractal_prover::Groth16Prover::with_circuits(
                &files,
                |_| {
                    keys.next()
                        .ok_or_else(|| fractal_prover::Error::Key("a key is missing".into()))
                },
            )?);
        }
        if let Some(i) = ceremony.iter().position(Option::is_some) {
            eyre::bail!(
                "a ceremony key is cached for the {} chunk circuit but not for every circuit: run \
                 `fractal setup --zkey <wide> --dense-zkey <dense>`",
                files[i].circuit
            );
        }
        tracing::warn!("proving with the development keys: INSECURE (their toxic waste is public)");
        Ok(fractal_prover::Groth16Prover::with_circuits(
            &files,
            |files| store.development(files),
        )?)
    }
}

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
    #[command(flatten)]
    proofs: ProverArgs,
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
    let mut config = PublisherConfig::new(
        args.l1_rpc.clone(),
        chain.settlement,
        chain.chain_id,
        args.data_dir,
    );
    config.confirmations = args.confirmations.max(1);
    config.poll_interval = Duration::from_millis(args.poll_ms.max(10));
    config.bump_after = Duration::from_secs(args.bump_after_secs.max(1));
    config.fees.max_fee_per_gas = u128::from(args.max_fee_gwei) * 1_000_000_000;
    config.max_batches_per_tx = args.max_batches_per_tx.max(1);
    config.da = da;
    let source = RpcBatchSource::new(args.l2_rpc.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let system = match args.proofs.prover {
        Some(system) => system,
        None => runtime.block_on(detect_proof_system(&args.l1_rpc, chain.settlement))?,
    };
    match system {
        ProofSystem::Development => {
            tracing::warn!(
                "proofs come from the development prover: INSECURE, accepted only by the development verifier"
            );
            runtime.block_on(async {
                let publisher = Publisher::new(config, operator, source, DevelopmentProver).await?;
                publisher.run(shutdown).await
            })?;
        }
        ProofSystem::Groth16 => {
            let prover =
                WorkerProver::new(std::sync::Arc::new(args.proofs.groth16()?), args.l2_rpc);
            runtime.block_on(async {
                let publisher = Publisher::new(config, operator, source, prover).await?;
                publisher.run(shutdown).await
            })?;
        }
    }
    Ok(())
}
