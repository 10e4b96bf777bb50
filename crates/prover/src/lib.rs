//! Batch validity proofs for Fractal chains.
//!
//! A batch's writes are proven in chunks by the circom circuits in `circuits/` ([`ChunkCircuit`]: the
//! wide chunk of 28 writes into a subtree of 4¹⁰ positions, the dense chunk of 42 into one of 4⁵,
//! picked per chunk by [`chunk_plan`]; one position of the quaternary state tree updated per write,
//! chained from the chunk's carried state in to its state out; the last chunk also computes the
//! batch's message root and checks that its leaves are the ones the outbox's message chain took).
//! Each chunk is a Groth16 proof over BN254 whose public inputs are the batch's public input vector
//! (`docs/encodings.md`) with the chunk's carries and its place among the chunks;
//! `Groth16BatchVerifier` on the parent chains them. `docs/proofs.md` says what the proof covers and
//! what it does not yet.
//!
//! - [`batch_chunks`] builds the chunk inputs from a header, write witnesses and message leaves, and
//!   refuses a batch whose writes do not lead to its new root;
//! - [`Groth16Prover`] computes witnesses (circom's C++ witness generator built by `make circuits`, or
//!   the circuit's WebAssembly calculator when that was not built) and proofs ([`CircuitMatrices::prove`]:
//!   ark-groth16's prover with this crate's batched-affine multi-scalar multiplication, the same proofs
//!   ≈ 1.3× faster; [`ProverEngine`]);
//! - [`KeyStore`] caches keys by circuit hash: [`development_setup`] (INSECURE, deterministic) or a
//!   ceremony's `.zkey` ([`import_zkey`], [`snarkjs_setup`]);
//! - [`render_verifier`] writes a circuit's verifier contract (`Groth16Verifier.sol`,
//!   `Groth16DenseVerifier.sol`) from its verifying key;
//! - [`write_zkey`] and [`write_wtns`] write a key and a witness in snarkjs's formats, so that snarkjs
//!   proves with the same key and witness ([`snarkjs_compatible_setup`], INSECURE; `fractal bench
//!   proofs` compares the two provers);
//! - [`BatchProver`] is the interface a zkVM backend can implement later.

mod circuit;
mod error;
mod groth16;
mod keys;
mod msm;
mod proof;
mod sample;
mod solidity;
mod witness;
mod zkey;

pub use circuit::{
    BatchData, CARRIED_STATE, CHUNK_MESSAGES, CHUNK_PUBLIC_INPUTS, CarriedState, ChunkCircuit,
    ChunkInput, ChunkSubtree, CircuitFiles, MAX_CHUNKS, WriteRow, batch_chunks, batch_start, carry,
    chunk_plan, chunk_public_inputs, outbox_chain_key,
};
pub use error::{Error, Result};
pub use groth16::{Blinding, CircuitMatrices, Groth16Prover, ProverEngine, verify_batch};
pub use keys::{
    DEVELOPMENT_SEED, KeyInfo, KeyKind, KeyStore, Keys, development_setup, import_zkey, read_r1cs,
    snarkjs_setup,
};
pub use proof::{BatchProof, EvmProof, from_evm, to_evm};
pub use sample::{SampleBatch, sample_batch};
pub use solidity::render_verifier;
pub use witness::WitnessGenerator;
pub use zkey::{
    cached_snarkjs_compatible_key, prove_with_snarkjs_reduction, read_proving_key,
    snarkjs_compatible_setup, write_wtns, write_zkey,
};

use alloy_primitives::Bytes;
use fractal_primitives::BatchHeader;

/// What a batch proof is made from: the committed header, the chain, and the batch's data (its
/// pubdata, write rows, the tree writes with their witnesses, its message leaves).
#[derive(Debug, Clone, Copy)]
pub struct BatchStatement<'a> {
    /// The header as committed.
    pub header: &'a BatchHeader,
    /// The chain's id.
    pub chain_id: u64,
    /// The batch's data.
    pub data: BatchData<'a>,
}

/// A proof system for batches: Groth16 here; a zkVM backend proving general execution can implement it
/// behind the same verifier interface (`IVerifier`) later. Proving is CPU-bound and blocking: callers
/// run it on a worker thread.
pub trait BatchProver: Send + Sync {
    /// The bytes `Settlement.proveBatches` hands to the verifier for `statement`; `progress(done,
    /// total)` reports long proofs.
    fn prove(
        &self,
        statement: &BatchStatement<'_>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Bytes>;
}

impl BatchProver for Groth16Prover {
    fn prove(
        &self,
        statement: &BatchStatement<'_>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Bytes> {
        let proof = self.prove_batch(
            statement.header,
            statement.chain_id,
            &statement.data,
            progress,
        )?;
        Ok(proof.abi_encode())
    }
}
