//! `fractal prove`: proves one sealed batch with the chunk circuit and prints the proof bytes that
//! `Settlement.proveBatches` takes — from a running node, or offline from the batch's files.

use std::path::PathBuf;

use alloy::providers::{Provider, ProviderBuilder};
use alloy_primitives::{U64, U256, hex};
use eyre::{Context, Result, bail};
use fractal_primitives::{BatchWitness, Message, SealedBatch};

use crate::publisher::ProverArgs;

/// Arguments of `fractal prove`.
#[derive(Debug, clap::Args)]
pub(crate) struct ProveArgs {
    /// The chain's node (JSON-RPC over HTTP), which serves the batch and its witness.
    #[arg(long, conflicts_with_all = ["batch_file", "witness_file"], requires = "batch")]
    l2_rpc: Option<String>,
    /// The batch number to prove (with `--l2-rpc`).
    #[arg(long)]
    batch: Option<u64>,
    /// Offline: the sealed batch as `fractal_batchByNumber` returns it.
    #[arg(long, requires_all = ["witness_file", "chain_id"])]
    batch_file: Option<PathBuf>,
    /// Offline: its witness as `fractal_batchWitness` returns it.
    #[arg(long)]
    witness_file: Option<PathBuf>,
    /// Offline: the chain's id.
    #[arg(long)]
    chain_id: Option<u64>,
    /// Write the proof here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    proofs: ProverArgs,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &PathBuf) -> Result<T> {
    let text =
        std::fs::read_to_string(path).wrap_err_with(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).wrap_err_with(|| format!("{} does not parse", path.display()))
}

async fn from_node(url: &str, number: u64) -> Result<(SealedBatch, BatchWitness, u64)> {
    let provider = ProviderBuilder::new().connect_http(url.parse().wrap_err("--l2-rpc")?);
    let chain_id = provider.get_chain_id().await?;
    let batch: Option<SealedBatch> = provider
        .raw_request("fractal_batchByNumber".into(), (U64::from(number),))
        .await?;
    let witness: Option<BatchWitness> = provider
        .raw_request("fractal_batchWitness".into(), (U64::from(number),))
        .await?;
    match (batch, witness) {
        (Some(batch), Some(witness)) => Ok((batch, witness, chain_id)),
        (None, _) => bail!("the node has no sealed batch {number}"),
        (Some(_), None) => bail!("the node keeps no witness for batch {number}"),
    }
}

/// Runs `fractal prove`.
pub(crate) fn run(args: &ProveArgs) -> Result<()> {
    let (batch, witness, chain_id) = match (&args.l2_rpc, &args.batch_file) {
        (Some(url), None) => {
            let number = args.batch.expect("clap requires --batch");
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(from_node(url, number))?
        }
        (None, Some(file)) => {
            let witness_file = args.witness_file.as_ref().expect("clap requires it");
            (
                read_json(file)?,
                read_json(witness_file)?,
                args.chain_id.expect("clap requires it"),
            )
        }
        _ => bail!(
            "give either --l2-rpc with --batch, or --batch-file, --witness-file and --chain-id"
        ),
    };
    let number = batch.header.batchNumber;
    if witness.batch_number != number {
        bail!(
            "the witness is batch {}'s, the batch is {number}",
            witness.batch_number
        );
    }
    let prover = args.proofs.groth16()?;
    let leaves: Vec<U256> = batch.messages.iter().map(Message::leaf).collect();
    let data = fractal_prover::BatchData {
        pubdata: &batch.pubdata,
        rows: &witness.rows,
        writes: &witness.writes,
        message_leaves: &leaves,
    };
    let proof = prover.prove_batch(&batch.header, chain_id, &data, |done, total| {
        tracing::info!(batch = number, chunk = done, of = total, "proving")
    })?;
    let text = format!("0x{}\n", hex::encode(proof.abi_encode()));
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).wrap_err_with(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(())
}
