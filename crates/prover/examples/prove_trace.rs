//! Where a chunk proof's time goes: counts the witness's zero and small scalars and the key's bases at
//! infinity, then proves the benchmark's chunk (`sample_batch(64, 28, 3)`) with the development key three
//! times, timing the witness, the publisher's `prove_chunk` (witness, checks,
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

use ark_bn254::Fr;
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField, Zero};
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
    // What the multi-scalar multiplications get: how many of the witness's scalars are zero or small
    // (below 2¹⁷, or their negation is: one non-zero digit), and how many bases are the point at
    // infinity.
    let witness = prover.witness(&chunks[0])?;
    let small = |x: &Fr| {
        let (value, negated) = (x.into_bigint(), (-*x).into_bigint());
        value.num_bits() <= 17 || negated.num_bits() <= 17
    };
    let scalars = &witness[1..];
    eprintln!(
        "witness: {} scalars, {} zero, {} zero or small; bases at infinity: A {} of {}, B (G2) {} of {}, L {} of {}",
        scalars.len(),
        scalars.iter().filter(|x| x.is_zero()).count(),
        scalars.iter().filter(|x| small(x)).count(),
        pk.a_query.iter().filter(|p| p.is_zero()).count(),
        pk.a_query.len(),
        pk.b_g2_query.iter().filter(|p| p.is_zero()).count(),
        pk.b_g2_query.len(),
        pk.l_query.iter().filter(|p| p.is_zero()).count(),
        pk.l_query.len(),
    );
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
