//! Where a chunk proof's time goes: proves the benchmark's chunk (`sample_batch(64, 28, 3)`) with the
//! development key three times, timing the witness, the publisher's `prove_chunk` (witness, checks,
//! proof) and the bare proof by both engines (this crate's batched-affine MSMs and ark-groth16's own).
//! Built with ark-std's `print-trace` feature, ark-groth16 prints its timers for each step of its proof
//! (the QAP witness map and each multi-scalar multiplication). Run from the repository root after
//! `make setup`:
//!
//! ```sh
//! cargo run -p fractal-prover --example prove_trace --features ark-std/print-trace
//! ```

#![allow(clippy::print_stderr)] // a measuring program: its output is the point

use std::time::Instant;

use ark_groth16::r1cs_to_qap::LibsnarkReduction;
use fractal_prover::{
    Blinding, ChunkCircuit, CircuitFiles, CircuitMatrices, Groth16Prover, KeyStore, ProverEngine,
    batch_chunks, read_r1cs, sample_batch,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = CircuitFiles::of("circuits/build", ChunkCircuit::Wide);
    let keys = KeyStore::new("circuits/build/keys").development(&files)?;
    let prover = Groth16Prover::new(&files, keys)?;
    let matrices = CircuitMatrices::new(&read_r1cs(&files)?);
    let pk = &prover
        .keys(ChunkCircuit::Wide)
        .expect("the wide key")
        .proving;
    let sample = sample_batch(64, ChunkCircuit::Wide.writes() as u64, 3)?;
    let chunks = batch_chunks(
        &sample.header,
        sample.chain_id,
        &sample.data(),
        &[ChunkCircuit::Wide],
    )?;
    let native = prover
        .witness_generator(ChunkCircuit::Wide)
        .is_some_and(|g| g.is_native());
    for run in 1..=3 {
        let started = Instant::now();
        let witness = prover.witness(&chunks[0])?;
        let witness_time = started.elapsed();
        let started = Instant::now();
        prover.prove_chunk(&chunks[0])?;
        let chunk_time = started.elapsed();
        let started = Instant::now();
        let ours = matrices.prove::<LibsnarkReduction>(pk, &witness, Blinding::None)?;
        let ours_time = started.elapsed();
        let started = Instant::now();
        let theirs = matrices.prove_by::<LibsnarkReduction>(
            pk,
            &witness,
            Blinding::None,
            ProverEngine::Arkworks,
        )?;
        let theirs_time = started.elapsed();
        assert_eq!(
            ours, theirs,
            "the two engines make the same unblinded proof"
        );
        eprintln!(
            "run {run}: witness {witness_time:.2?} (native: {native}); prove_chunk {chunk_time:.2?}; \
             proof: batched-affine {ours_time:.2?}, ark-groth16 {theirs_time:.2?}"
        );
    }
    Ok(())
}
