//! `fractal setup`: the chunk circuits' keys (development or ceremony), the Solidity verifiers rendered
//! from them, and optionally a real proof of a sample batch for the Foundry tests.

use std::path::{Path, PathBuf};

use alloy_primitives::hex;
use eyre::{Context, Result, bail};
use fractal_prover::{
    ChunkCircuit, CircuitFiles, Groth16Prover, KeyKind, KeyStore, Keys, import_zkey,
    render_verifier, sample_batch, snarkjs_setup,
};

/// Arguments of `fractal setup`.
#[derive(Debug, clap::Args)]
pub(crate) struct SetupArgs {
    /// The compiled circuits (`make circuits` writes them).
    #[arg(long, default_value = "circuits/build")]
    circuit_dir: PathBuf,
    /// Where keys are cached, by circuit hash.
    #[arg(long, default_value = "circuits/build/keys")]
    keys_dir: PathBuf,
    /// Where to write the Solidity verifiers rendered from the verifying keys: `Groth16Verifier.sol`
    /// (the wide chunk circuit) and `Groth16DenseVerifier.sol` (the dense one).
    #[arg(long, default_value = "contracts/src/settlement")]
    verifier_dir: PathBuf,
    /// Production: use this Groth16 `.zkey` for the wide chunk circuit (`main.r1cs`; made from a
    /// ceremony's powers of tau, with phase-2 contributions) instead of the INSECURE development setup.
    #[arg(long, conflicts_with = "ptau", requires = "dense_zkey")]
    zkey: Option<PathBuf>,
    /// Production: the same for the dense chunk circuit (`dense.r1cs`).
    #[arg(long, conflicts_with = "ptau", requires = "zkey")]
    dense_zkey: Option<PathBuf>,
    /// Production: run `snarkjs groth16 setup` on a ceremony's powers-of-tau file (2^19 or more
    /// points) for each circuit and use the resulting phase-2 keys. Contribute to them (`snarkjs zkey
    /// contribute`) and pass them with `--zkey` and `--dense-zkey` before trusting them.
    #[arg(long)]
    ptau: Option<PathBuf>,
    /// Also prove a sample batch (a dense chunk and a wide one, messages) and write it here as a Foundry
    /// fixture.
    #[arg(long)]
    fixture: Option<PathBuf>,
}

fn keys(args: &SetupArgs, files: &CircuitFiles) -> Result<Keys> {
    let store = KeyStore::new(&args.keys_dir);
    let zkey = match files.circuit {
        ChunkCircuit::Wide => &args.zkey,
        ChunkCircuit::Dense => &args.dense_zkey,
    };
    if let Some(zkey) = zkey {
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
    let files = CircuitFiles::all(&args.circuit_dir);
    for files in &files {
        files.check()?;
    }
    let mut all_keys = Vec::with_capacity(files.len());
    for files in &files {
        let circuit = files.circuit;
        let keys = keys(args, files)?;
        let path = args
            .verifier_dir
            .join(format!("{}.sol", circuit.verifier_contract()));
        let solidity = render_verifier(keys.verifying(), &keys.info, circuit)?;
        std::fs::write(&path, solidity)
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        println!("{circuit} chunk circuit {}", circuit.template());
        println!("  circuit     {}", keys.info.circuit_hash);
        println!("  constraints {}", keys.info.constraints);
        println!(
            "  key         {}",
            match keys.info.kind {
                KeyKind::DevelopmentInsecure => "development (INSECURE: its toxic waste is public)",
                KeyKind::Ceremony => "ceremony",
            }
        );
        println!(
            "  key sizes   proving {} bytes, verifying {} bytes",
            keys.info.proving_key_bytes, keys.info.verifying_key_bytes
        );
        println!("  verifier    {}", path.display());
        all_keys.push(keys);
    }
    if let Some(path) = &args.fixture {
        // 49 writes over 40 entries, all in one dense subtree: a dense chunk of 42 and a wide chunk of
        // 7, so the Foundry tests check a proof of each circuit and a carry between chunks.
        let sample = sample_batch(40, ChunkCircuit::Dense.writes() as u64 + 7, 3)?;
        let mut keys = all_keys.into_iter();
        let prover = Groth16Prover::with_circuits(&files, |_| {
            keys.next()
                .ok_or_else(|| fractal_prover::Error::Key("a key is missing".into()))
        })?;
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
            "circuitHashes": ChunkCircuit::ALL.map(|c| prover.keys(c).map(|k| k.info.circuit_hash)),
            "chunks": proof.proofs.len(),
            "chunkCircuits": proof.circuits,
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
