//! Where a chunk proof's time goes: proves the benchmark's chunk (`sample_batch(64, 25, 3)`) with the
//! development key three times, timing the witness and the whole `prove_chunk`; built with ark-std's
//! `print-trace` feature, arkworks prints its own timers for each step of the proof (the QAP witness
//! map and each multi-scalar multiplication). Run from the repository root after `make setup`:
//!
//! ```sh
//! cargo run -p fractal-prover --example prove_trace --features ark-std/print-trace
//! ```

#![allow(clippy::print_stderr)] // a measuring program: its output is the point

use std::time::Instant;

use fractal_prover::{CircuitFiles, Groth16Prover, KeyStore, batch_chunks, sample_batch};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = CircuitFiles::in_dir("circuits/build");
    let keys = KeyStore::new("circuits/build/keys").development(&files)?;
    let prover = Groth16Prover::new(&files, keys)?;
    let sample = sample_batch(64, 25, 3)?;
    let chunks = batch_chunks(
        &sample.header,
        sample.chain_id,
        &sample.writes,
        &sample.message_leaves,
    )?;
    let native = prover.witness_generator().is_native();
    for run in 1..=3 {
        let started = Instant::now();
        prover.witness(&chunks[0])?;
        let witness = started.elapsed();
        let started = Instant::now();
        prover.prove_chunk(&chunks[0])?;
        eprintln!(
            "run {run}: witness {witness:.2?} (native: {native}); prove_chunk {:.2?}",
            started.elapsed()
        );
    }
    Ok(())
}
