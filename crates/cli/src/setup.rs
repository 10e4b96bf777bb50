//! `fractal setup`: the chunk circuit's keys (development or ceremony), the Solidity verifier rendered
//! from them, and optionally a real proof of a sample batch for the Foundry tests.

use std::path::{Path, PathBuf};

use alloy_primitives::hex;
use eyre::{Context, Result, bail};
use fractal_prover::{
    CircuitFiles, Groth16Prover, KeyKind, KeyStore, Keys, import_zkey, render_verifier,
    sample_batch, snarkjs_setup,
};

/// Arguments of `fractal setup`.
#[derive(Debug, clap::Args)]
pub(crate) struct SetupArgs {
    /// The compiled circuit (`make circuits` writes it).
    #[arg(long, default_value = "circuits/build")]
    circuit_dir: PathBuf,
    /// Where keys are cached, by circuit hash.
    #[arg(long, default_value = "circuits/build/keys")]
    keys_dir: PathBuf,
    /// Where to write the Solidity verifier rendered from the verifying key.
    #[arg(long, default_value = "contracts/src/settlement/Groth16Verifier.sol")]
    verifier: PathBuf,
    /// Production: use this Groth16 `.zkey` (made from a ceremony's powers of tau, with phase-2
    /// contributions) instead of the INSECURE development setup.
    #[arg(long, conflicts_with = "ptau")]
    zkey: Option<PathBuf>,
    /// Production: run `snarkjs groth16 setup` on a ceremony's powers-of-tau file (2^19 or more
    /// points) and use the resulting phase-2 key. Contribute to it (`snarkjs zkey contribute`) and pass
    /// it with `--zkey` before trusting it.
    #[arg(long)]
    ptau: Option<PathBuf>,
    /// Also prove a sample batch (two chunks, messages) and write it here as a Foundry fixture.
    #[arg(long)]
    fixture: Option<PathBuf>,
}

fn keys(args: &SetupArgs, files: &CircuitFiles) -> Result<Keys> {
    let store = KeyStore::new(&args.keys_dir);
    if let Some(zkey) = &args.zkey {
        let keys = import_zkey(files, zkey)?;
        store.save(&keys)?;
        return Ok(keys);
    }
    if let Some(ptau) = &args.ptau {
        let snarkjs = Path::new("node_modules/.bin/snarkjs");
        if !snarkjs.exists() {
            bail!("snarkjs is not installed (run `make bootstrap`)");
        }
        std::fs::create_dir_all(&args.keys_dir)?;
        let zkey = args
            .keys_dir
            .join(format!("{:x}-phase2.zkey", files.hash()?));
        snarkjs_setup(snarkjs, files, ptau, &zkey)?;
        let keys = import_zkey(files, &zkey)?;
        store.save(&keys)?;
        return Ok(keys);
    }
    Ok(store.development(files)?)
}

/// Runs `fractal setup`.
pub(crate) fn run(args: &SetupArgs) -> Result<()> {
    let files = CircuitFiles::in_dir(&args.circuit_dir);
    files.check()?;
    let keys = keys(args, &files)?;
    let solidity = render_verifier(keys.verifying(), &keys.info)?;
    std::fs::write(&args.verifier, solidity)
        .wrap_err_with(|| format!("cannot write {}", args.verifier.display()))?;
    println!("circuit     {}", keys.info.circuit_hash);
    println!("constraints {}", keys.info.constraints);
    println!(
        "key         {}",
        match keys.info.kind {
            KeyKind::DevelopmentInsecure => "development (INSECURE: its toxic waste is public)",
            KeyKind::Ceremony => "ceremony",
        }
    );
    println!(
        "key sizes   proving {} bytes, verifying {} bytes",
        keys.info.proving_key_bytes, keys.info.verifying_key_bytes
    );
    println!("verifier    {}", args.verifier.display());
    if let Some(path) = &args.fixture {
        // Two chunks: the Foundry tests check a proof with a carry between chunks.
        let sample = sample_batch(40, fractal_prover::CHUNK_WRITES as u64 + 4, 3)?;
        let prover = Groth16Prover::new(&files, keys)?;
        let proof = prover.prove_batch(
            &sample.header,
            sample.chain_id,
            &sample.data(),
            |done, total| tracing::info!(done, total, "proving the sample batch"),
        )?;
        let inputs: Vec<String> = sample
            .header
            .public_inputs(sample.chain_id)?
            .iter()
            .map(|x| format!("{x:#x}"))
            .collect();
        let h = &sample.header;
        let fixture = serde_json::json!({
            "chainId": sample.chain_id,
            "header": {
                "batchNumber": h.batchNumber,
                "timestamp": h.timestamp,
                "priorityOpsCount": h.priorityOpsCount,
                "prevStateRoot": h.prevStateRoot,
                "newStateRoot": h.newStateRoot,
                "pubdataCommitment": h.pubdataCommitment,
                "messageRoot": h.messageRoot,
                "priorityOpsHash": h.priorityOpsHash,
                "childRootsAggregated": h.childRootsAggregated,
                "importedRootsHash": h.importedRootsHash,
                "rowCommitment": h.rowCommitment,
                "writesEvaluation": h.writesEvaluation,
                "writesLength": h.writesLength,
            },
            "pubdata": sample.pubdata,
            "circuitHash": prover.keys().info.circuit_hash,
            "chunks": proof.proofs.len(),
            "writes": sample.writes.len(),
            "publicInputs": inputs,
            "proof": format!("0x{}", hex::encode(proof.abi_encode())),
        });
        std::fs::write(path, serde_json::to_string_pretty(&fixture)? + "\n")
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        println!("fixture     {}", path.display());
    }
    Ok(())
}
