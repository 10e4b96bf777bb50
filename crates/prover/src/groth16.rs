//! Groth16 over BN254 with arkworks: the chunk circuit's witness by circom's native generator or its
//! WebAssembly calculator (`crate::witness`), proofs by ark-groth16, every proof checked against its
//! verifying key before it leaves the prover.

use alloy_primitives::U256;
use ark_bn254::{Bn254, Fr};
use ark_circom::{CircomReduction, circom::R1CS};
use ark_ec::CurveGroup;
use ark_ff::{PrimeField, Zero};
use ark_groth16::{
    Groth16, PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey, r1cs_to_qap::R1CSToQAP,
};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::utils::matrix::Matrix;
use ark_snark::SNARK;
use ark_std::UniformRand;
use fractal_primitives::BatchHeader;
use rayon::prelude::*;
use tracing::{debug, info};

use crate::{
    BatchData, BatchProof, ChunkCircuit, ChunkInput, CircuitFiles, Error, KeyKind, Keys, Result,
    batch_chunks, chunk_public_inputs, keys::read_r1cs, msm, proof, witness::WitnessGenerator,
};

/// Which code computes a proof: this crate's prover (the publisher's) or ark-groth16's. Both make the
/// same proof from the same witness and blinding scalars; they differ in the multi-scalar
/// multiplication, batched-affine here (`crate::msm`, ≈ 1.3× faster on the chunk circuit) and arkworks'
/// extended-Jacobian one there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProverEngine {
    /// [`CircuitMatrices::prove`]: arkworks' QAP reduction and curve arithmetic, batched-affine MSM.
    #[default]
    BatchedAffine,
    /// ark-groth16's prover as it is.
    Arkworks,
}

/// Whether a proof hides its witness.
///
/// Groth16's zero knowledge comes from two random scalars `r` and `s` that blind the proof's points.
/// A batch proof's witness is the chain's state-tree paths, values and messages: data anyone can rebuild
/// from what the chain publishes, so there is nothing to hide, and proving without blinding skips one
/// of the five multi-scalar multiplications (`B` in G1, ≈ 10% of a chunk's prove time). Soundness does not
/// depend on the blinding: the verifier accepts the same proofs either way. A chain whose witness held
/// secrets would prove with [`Blinding::ZeroKnowledge`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Blinding {
    /// `r = s = 0`: deterministic proofs, not zero-knowledge (the publisher's default).
    #[default]
    None,
    /// Random `r` and `s`: zero-knowledge proofs (what snarkjs always makes).
    ZeroKnowledge,
}

/// A field element from a word below the modulus.
pub(crate) fn fr(value: U256) -> Fr {
    Fr::from_be_bytes_mod_order(&value.to_be_bytes::<32>())
}

/// A circuit's constraint matrices in arkworks' layout, made once: proving from them skips
/// synthesizing (and cloning) the constraint system for every proof.
#[derive(Debug, Clone)]
pub struct CircuitMatrices {
    matrices: [Matrix<Fr>; 3],
    num_inputs: usize,
    num_variables: usize,
}

impl CircuitMatrices {
    /// The matrices of `r1cs` (wires in circom's order: the constant one, the public inputs, the rest).
    pub fn new(r1cs: &R1CS<Fr>) -> Self {
        let column = |lc: &[(usize, Fr)]| lc.iter().map(|(i, c)| (*c, *i)).collect::<Vec<_>>();
        let mut matrices: [Matrix<Fr>; 3] = Default::default();
        for (a, b, c) in &r1cs.constraints {
            matrices[0].push(column(a));
            matrices[1].push(column(b));
            matrices[2].push(column(c));
        }
        Self {
            matrices,
            num_inputs: r1cs.num_inputs,
            num_variables: r1cs.num_variables,
        }
    }

    /// The number of instance wires: the constant one and the public inputs (the witness's first
    /// values).
    pub fn num_inputs(&self) -> usize {
        self.num_inputs
    }

    /// The first constraint that `witness` does not satisfy, if any (≈ 0.2 s for a chunk circuit, on
    /// one core; the prover runs it only to explain a proof that failed its check).
    pub fn first_unsatisfied(&self, witness: &[Fr]) -> Option<usize> {
        let eval = |row: &[(Fr, usize)]| -> Fr {
            row.iter()
                .map(|(c, i)| witness.get(*i).copied().unwrap_or_default() * c)
                .sum()
        };
        let [a, b, c] = &self.matrices;
        (0..a.len()).find(|&k| eval(&a[k]) * eval(&b[k]) != eval(&c[k]))
    }

    /// A Groth16 proof for the full assignment `witness` (circom's wire order) under `pk`, with the
    /// QAP reduction `Q` the key was made for, blinded or not, by this crate's prover (the publisher's:
    /// [`ProverEngine::BatchedAffine`]).
    pub fn prove<Q: R1CSToQAP>(
        &self,
        pk: &ProvingKey<Bn254>,
        witness: &[Fr],
        blinding: Blinding,
    ) -> Result<Proof<Bn254>> {
        self.prove_by::<Q>(pk, witness, blinding, ProverEngine::default())
    }

    /// The same proof by `engine`: this crate's batched-affine multi-scalar multiplications
    /// (`crate::msm`) or ark-groth16's own prover. Both make the same proof from the same inputs and
    /// blinding scalars (a test holds them to it); `fractal bench proofs` times both.
    pub fn prove_by<Q: R1CSToQAP>(
        &self,
        pk: &ProvingKey<Bn254>,
        witness: &[Fr],
        blinding: Blinding,
        engine: ProverEngine,
    ) -> Result<Proof<Bn254>> {
        self.check_length(witness)?;
        let (r, s) = blinding.scalars();
        match engine {
            ProverEngine::BatchedAffine => self.prove_with::<Q>(pk, witness, r, s),
            ProverEngine::Arkworks => {
                Groth16::<Bn254, Q>::create_proof_with_reduction_and_matrices(
                    pk,
                    r,
                    s,
                    &self.matrices,
                    self.num_inputs,
                    self.matrices[0].len(),
                    witness,
                )
                .map_err(|e| Error::Groth16(e.to_string()))
            }
        }
    }

    fn check_length(&self, witness: &[Fr]) -> Result<()> {
        if witness.len() != self.num_variables {
            return Err(Error::Groth16(format!(
                "a witness of {} values for a circuit of {} variables",
                witness.len(),
                self.num_variables
            )));
        }
        Ok(())
    }

    /// Groth16's prover with blinding scalars `r` and `s` (both zero: unblinded):
    /// `A = α + Σ wᵢ·Aᵢ + r·δ`, `B = β + Σ wᵢ·Bᵢ + s·δ` (in G2, and in G1 when `r ≠ 0`),
    /// `C = Σ_aux wᵢ·Lᵢ + Σ hⱼ·Hⱼ + s·A + r·B₁ − r·s·δ`.
    fn prove_with<Q: R1CSToQAP>(
        &self,
        pk: &ProvingKey<Bn254>,
        witness: &[Fr],
        r: Fr,
        s: Fr,
    ) -> Result<Proof<Bn254>> {
        let h = Q::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
            &self.matrices,
            self.num_inputs,
            self.matrices[0].len(),
            witness,
        )
        .map_err(|e| Error::Groth16(e.to_string()))?;
        let h: Vec<_> = h.par_iter().map(|x| x.into_bigint()).collect();
        let assignment: Vec<_> = witness[1..].par_iter().map(|x| x.into_bigint()).collect();
        let aux = &assignment[self.num_inputs - 1..];
        let queries_of = |what: &str, len: usize, want: usize| {
            if len == want {
                Ok(())
            } else {
                Err(Error::Key(format!(
                    "the {what} query has {len} points, the circuit needs {want}"
                )))
            }
        };
        queries_of("A", pk.a_query.len(), self.num_variables)?;
        queries_of("B", pk.b_g2_query.len(), self.num_variables)?;
        queries_of("L", pk.l_query.len(), aux.len())?;
        if pk.h_query.len() < h.len() - 1 {
            return Err(Error::Key(format!(
                "the H query has {} points, the circuit needs {}",
                pk.h_query.len(),
                h.len() - 1
            )));
        }

        let h_acc = msm::msm(&pk.h_query, &h);
        let l_acc = msm::msm(&pk.l_query, aux);
        let a = pk.delta_g1 * r
            + pk.a_query[0]
            + msm::msm(&pk.a_query[1..], &assignment)
            + pk.vk.alpha_g1;
        let b_g2 = pk.vk.delta_g2 * s
            + pk.b_g2_query[0]
            + msm::msm(&pk.b_g2_query[1..], &assignment)
            + pk.vk.beta_g2;
        let mut c = l_acc + h_acc;
        if !r.is_zero() || !s.is_zero() {
            queries_of("B (G1)", pk.b_g1_query.len(), self.num_variables)?;
            let b_g1 = pk.delta_g1 * s
                + pk.b_g1_query[0]
                + msm::msm(&pk.b_g1_query[1..], &assignment)
                + pk.beta_g1;
            c += a * s + b_g1 * r - pk.delta_g1 * (r * s);
        }
        Ok(Proof {
            a: a.into_affine(),
            b: b_g2.into_affine(),
            c: c.into_affine(),
        })
    }
}

impl Blinding {
    /// The blinding scalars `r` and `s`: zero, or fresh random ones.
    fn scalars(self) -> (Fr, Fr) {
        match self {
            Blinding::None => (Fr::zero(), Fr::zero()),
            Blinding::ZeroKnowledge => {
                let mut rng = rand_core::OsRng;
                (Fr::rand(&mut rng), Fr::rand(&mut rng))
            }
        }
    }
}

/// One chunk circuit's proving material: its constraint matrices, key and witness generator.
struct CircuitProver {
    matrices: CircuitMatrices,
    keys: Keys,
    prepared: PreparedVerifyingKey<Bn254>,
    witness: WitnessGenerator,
}

impl CircuitProver {
    fn new(files: &CircuitFiles, keys: Keys) -> Result<Self> {
        files.check()?;
        let hash = files.hash()?;
        if hash != keys.info.circuit_hash {
            return Err(Error::Key(format!(
                "the key was made for circuit {}, the compiled {} circuit is {hash}: run `fractal setup` again",
                keys.info.circuit_hash, files.circuit
            )));
        }
        let r1cs = read_r1cs(files)?;
        let witness = WitnessGenerator::new(files)?;
        let prepared = Groth16::<Bn254>::process_vk(&keys.proving.vk)
            .map_err(|e| Error::Groth16(e.to_string()))?;
        Ok(Self {
            matrices: CircuitMatrices::new(&r1cs),
            keys,
            prepared,
            witness,
        })
    }
}

/// Proves batches with the chunk circuits it has keys for ([`ChunkCircuit`]): each chunk with the
/// circuit [`crate::chunk_plan`] picks among them.
pub struct Groth16Prover {
    /// By circuit, in [`ChunkCircuit`] order (the plan's tie-break).
    circuits: Vec<(ChunkCircuit, CircuitProver)>,
    blinding: Blinding,
}

impl std::fmt::Debug for Groth16Prover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<_> = self.circuits.iter().map(|(_, c)| &c.keys.info).collect();
        f.debug_struct("Groth16Prover")
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

impl Groth16Prover {
    /// A prover for `files`' circuit with `keys`, which must have been made for it. Add the other
    /// circuit with [`Groth16Prover::with_circuit`].
    pub fn new(files: &CircuitFiles, keys: Keys) -> Result<Self> {
        Ok(Self {
            circuits: vec![(files.circuit, CircuitProver::new(files, keys)?)],
            blinding: Blinding::default(),
        })
    }

    /// A prover for every circuit of `files`, each with the key `keys` gives for it.
    pub fn with_circuits(
        files: &[CircuitFiles],
        mut keys: impl FnMut(&CircuitFiles) -> Result<Keys>,
    ) -> Result<Self> {
        let (first, rest) = files
            .split_first()
            .ok_or_else(|| Error::Key("no chunk circuit to prove with".into()))?;
        let mut prover = Self::new(first, keys(first)?)?;
        for files in rest {
            prover = prover.with_circuit(files, keys(files)?)?;
        }
        Ok(prover)
    }

    /// The same prover, also proving with `files`' circuit and `keys` (replacing the key it had for
    /// that circuit).
    pub fn with_circuit(mut self, files: &CircuitFiles, keys: Keys) -> Result<Self> {
        let prover = CircuitProver::new(files, keys)?;
        self.circuits.retain(|(c, _)| *c != files.circuit);
        self.circuits.push((files.circuit, prover));
        self.circuits.sort_by_key(|(c, _)| *c);
        Ok(self)
    }

    /// The same prover, blinding its proofs or not (default: [`Blinding::None`]).
    pub fn with_blinding(mut self, blinding: Blinding) -> Self {
        self.blinding = blinding;
        self
    }

    /// The circuits this prover proves with, in [`ChunkCircuit`] order.
    pub fn circuits(&self) -> Vec<ChunkCircuit> {
        self.circuits.iter().map(|(c, _)| *c).collect()
    }

    fn circuit(&self, circuit: ChunkCircuit) -> Result<&CircuitProver> {
        self.circuits
            .iter()
            .find(|(c, _)| *c == circuit)
            .map(|(_, p)| p)
            .ok_or_else(|| {
                Error::Key(format!(
                    "this prover has no key for the {circuit} chunk circuit"
                ))
            })
    }

    /// The key this prover uses for `circuit`, if it has one.
    pub fn keys(&self, circuit: ChunkCircuit) -> Option<&Keys> {
        self.circuit(circuit).ok().map(|c| &c.keys)
    }

    /// The same prover computing its generator's circuit's witnesses with `generator` (say, the
    /// circuit's WebAssembly calculator even when the native generator was built); nothing when it
    /// has no key for that circuit.
    pub fn with_witness_generator(mut self, generator: WitnessGenerator) -> Self {
        let circuit = generator.circuit();
        if let Some((_, prover)) = self.circuits.iter_mut().find(|(c, _)| *c == circuit) {
            prover.witness = generator;
        }
        self
    }

    /// How this prover computes `circuit`'s witnesses, if it has a key for it.
    pub fn witness_generator(&self, circuit: ChunkCircuit) -> Option<&WitnessGenerator> {
        self.circuit(circuit).ok().map(|c| &c.witness)
    }

    /// The full witness of one chunk (of its circuit); fails when a constraint of the circuit does not
    /// hold.
    pub fn witness(&self, chunk: &ChunkInput) -> Result<Vec<Fr>> {
        self.circuit(chunk.circuit)?.witness.chunk(chunk)
    }

    /// The inputs of batch `header`'s chunks, planned over this prover's circuits
    /// ([`batch_chunks`]).
    pub fn chunks(
        &self,
        header: &BatchHeader,
        chain_id: u64,
        data: &BatchData<'_>,
    ) -> Result<Vec<ChunkInput>> {
        batch_chunks(header, chain_id, data, &self.circuits())
    }

    /// The proof of one chunk with its circuit, checked against that circuit's verifying key.
    pub fn prove_chunk(&self, chunk: &ChunkInput) -> Result<Proof<Bn254>> {
        let witness = self.checked_witness(chunk)?;
        self.prove_witness(chunk, &witness)
    }

    /// The witness of `chunk`, checked against its public inputs. (The native witness generator fails
    /// on any equality constraint that does not hold, the WebAssembly one not always; the constraint
    /// system is evaluated only when a proof fails its check, to say which constraint —
    /// [`Self::prove_witness`].)
    fn checked_witness(&self, chunk: &ChunkInput) -> Result<Vec<Fr>> {
        let started = std::time::Instant::now();
        let prover = self.circuit(chunk.circuit)?;
        let witness = prover.witness.chunk(chunk)?;
        let public: Vec<Fr> = chunk.public.iter().copied().map(fr).collect();
        if witness.get(1..prover.matrices.num_inputs) != Some(public.as_slice()) {
            return Err(Error::Unsatisfied {
                batch: chunk.batch,
                chunk: chunk.index,
                reason: "the witness's public inputs are not the chunk's".into(),
            });
        }
        debug!(batch = chunk.batch, chunk = chunk.index, circuit = %chunk.circuit, elapsed = ?started.elapsed(), "witness computed");
        Ok(witness)
    }

    /// The proof of `chunk` from its checked witness, checked against the verifying key; when the check
    /// fails, the first constraint the witness does not satisfy, if any, is the error.
    fn prove_witness(&self, chunk: &ChunkInput, witness: &[Fr]) -> Result<Proof<Bn254>> {
        let started = std::time::Instant::now();
        let prover = self.circuit(chunk.circuit)?;
        let public: Vec<Fr> = chunk.public.iter().copied().map(fr).collect();
        let proof = match prover.keys.info.kind {
            KeyKind::DevelopmentInsecure => prover
                .matrices
                .prove::<ark_groth16::r1cs_to_qap::LibsnarkReduction>(
                &prover.keys.proving,
                witness,
                self.blinding,
            ),
            KeyKind::Ceremony => prover.matrices.prove::<CircomReduction>(
                &prover.keys.proving,
                witness,
                self.blinding,
            ),
        }?;
        let ok = Groth16::<Bn254>::verify_with_processed_vk(&prover.prepared, &public, &proof)
            .map_err(|e| Error::Groth16(e.to_string()))?;
        if !ok {
            if let Some(constraint) = prover.matrices.first_unsatisfied(witness) {
                return Err(Error::Unsatisfied {
                    batch: chunk.batch,
                    chunk: chunk.index,
                    reason: format!(
                        "constraint {constraint} does not hold (a write's witness does not match its roots)"
                    ),
                });
            }
            return Err(Error::SelfCheck {
                batch: chunk.batch,
                chunk: chunk.index,
                circuit: prover.keys.info.circuit_hash,
            });
        }
        debug!(batch = chunk.batch, chunk = chunk.index, circuit = %chunk.circuit, elapsed = ?started.elapsed(), "chunk proven");
        Ok(proof)
    }

    /// The proof of batch `header` on chain `chain_id` from its data (pubdata, rows, write witnesses,
    /// message leaves); `progress(done, total)` is called after each chunk.
    pub fn prove_batch(
        &self,
        header: &BatchHeader,
        chain_id: u64,
        data: &BatchData<'_>,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<BatchProof> {
        let chunks = self.chunks(header, chain_id, data)?;
        let started = std::time::Instant::now();
        let mut proofs = Vec::with_capacity(chunks.len());
        // A pipeline of two: the next chunk's witness (circom's generator, one core; then the checks)
        // is computed on a scoped thread while the current chunk proves on the rayon pool.
        std::thread::scope(|scope| -> Result<()> {
            let witness_of = |chunk| scope.spawn(move || self.checked_witness(chunk));
            let mut next = chunks.first().map(witness_of);
            for (index, chunk) in chunks.iter().enumerate() {
                let witness = match next.take() {
                    Some(handle) => handle
                        .join()
                        .map_err(|_| Error::Groth16("the witness thread panicked".into()))??,
                    None => self.checked_witness(chunk)?,
                };
                next = chunks.get(index + 1).map(witness_of);
                proofs.push(proof::to_evm(&self.prove_witness(chunk, &witness)?));
                progress(proofs.len(), chunks.len());
            }
            Ok(())
        })?;
        let circuits: Vec<String> = chunks.iter().map(|c| c.circuit.to_string()).collect();
        info!(batch = header.batchNumber, writes = data.writes.len(), chunks = chunks.len(), circuits = %circuits.join(","), elapsed = ?started.elapsed(), "batch proven");
        let carry_in = fractal_primitives::PUBLIC_INPUT_COUNT;
        Ok(BatchProof {
            carries: chunks
                .iter()
                .map(|c| c.public[carry_in])
                .chain(chunks.last().map(|c| c.public[carry_in + 1]))
                .collect(),
            proofs,
            circuits: chunks.iter().map(|c| c.circuit.id()).collect(),
        })
    }
}

/// Checks `proof` for batch `header` on chain `chain_id`, each chunk under the verifying key `vk`
/// gives for its circuit, as `Groth16BatchVerifier` does on chain; false for a chunk of a circuit
/// `vk` has no key for.
pub fn verify_batch<'k>(
    vk: impl Fn(ChunkCircuit) -> Option<&'k VerifyingKey<Bn254>>,
    header: &BatchHeader,
    chain_id: u64,
    proof: &BatchProof,
) -> Result<bool> {
    let count = proof.proofs.len();
    if count == 0
        || count > crate::MAX_CHUNKS
        || proof.carries.len() != count + 1
        || proof.circuits.len() != count
    {
        return Ok(false);
    }
    if proof
        .carries
        .iter()
        .any(|carry| *carry >= fractal_primitives::FIELD_MODULUS)
    {
        return Ok(false);
    }
    let base = header.public_inputs(chain_id)?;
    // The prepared key of every circuit the chunks name; false for an unknown circuit or one `vk` has
    // no key for.
    let mut prepared: Vec<(ChunkCircuit, PreparedVerifyingKey<Bn254>)> = Vec::new();
    for &id in &proof.circuits {
        let Some(circuit) = ChunkCircuit::from_id(id) else {
            return Ok(false);
        };
        if prepared.iter().any(|(c, _)| *c == circuit) {
            continue;
        }
        let Some(vk) = vk(circuit) else {
            return Ok(false);
        };
        let pvk = Groth16::<Bn254>::process_vk(vk).map_err(|e| Error::Groth16(e.to_string()))?;
        prepared.push((circuit, pvk));
    }
    for (index, chunk) in proof.proofs.iter().enumerate() {
        let Some((_, pvk)) = prepared
            .iter()
            .find(|(c, _)| c.id() == proof.circuits[index])
        else {
            return Ok(false);
        };
        let Ok(chunk) = proof::from_evm(chunk) else {
            return Ok(false);
        };
        let public: Vec<Fr> = chunk_public_inputs(
            &base,
            proof.carries[index],
            proof.carries[index + 1],
            index,
            count,
        )
        .into_iter()
        .map(fr)
        .collect();
        let ok = Groth16::<Bn254>::verify_with_processed_vk(pvk, &public, &chunk)
            .map_err(|e| Error::Groth16(e.to_string()))?;
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}
