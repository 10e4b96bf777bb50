//! Proving and verifying keys: a development setup (a circuit-specific Groth16 setup from a fixed,
//! public seed — **INSECURE**, anyone can forge proofs with it) and a production path that takes a
//! ceremony's powers of tau; both cached by circuit hash.

use std::path::{Path, PathBuf};

use alloy_primitives::{B256, keccak256};
use ark_bn254::{Bn254, Fr};
use ark_circom::{CircomCircuit, circom::R1CSFile};
use ark_groth16::{Groth16, ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::{CircuitFiles, Error, Result, error::io};

/// The seed of the development setup: public, so the keys are reproducible (CI regenerates the
/// verifier from them and fails on any difference) and worthless for security.
pub const DEVELOPMENT_SEED: &[u8] = b"fractal.groth16.development-setup.v1 INSECURE";

/// Where a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyKind {
    /// **INSECURE**: a circuit-specific setup from [`DEVELOPMENT_SEED`]; its toxic waste is public.
    DevelopmentInsecure,
    /// A snarkjs `.zkey` made from a ceremony's powers of tau (phase 2 as its maker ran it); proofs
    /// use snarkjs's QAP reduction.
    Ceremony,
}

/// What is recorded beside a cached key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// The circuit's hash (keccak256 of its `.r1cs`).
    pub circuit_hash: B256,
    /// The key's origin.
    pub kind: KeyKind,
    /// Constraints in the circuit.
    pub constraints: usize,
    /// Size of the proving key file in bytes (arkworks, uncompressed).
    pub proving_key_bytes: u64,
    /// Size of the verifying key in bytes (arkworks, compressed).
    pub verifying_key_bytes: u64,
}

/// A proving key with its description.
#[derive(Debug, Clone)]
pub struct Keys {
    /// The Groth16 proving key (it holds the verifying key).
    pub proving: ProvingKey<Bn254>,
    /// Its description.
    pub info: KeyInfo,
}

impl Keys {
    /// The verifying key.
    pub fn verifying(&self) -> &VerifyingKey<Bn254> {
        &self.proving.vk
    }
}

/// A directory of keys, one subdirectory per circuit hash.
#[derive(Debug, Clone)]
pub struct KeyStore {
    dir: PathBuf,
}

/// The constraint system of `files`' circuit, its wires in the order of the witness calculator's
/// output (what [`write_zkey`](crate::write_zkey) and
/// [`prove_with_snarkjs_reduction`](crate::prove_with_snarkjs_reduction) take).
pub fn read_r1cs(files: &CircuitFiles) -> Result<ark_circom::circom::R1CS<Fr>> {
    let bytes = files.read_r1cs()?;
    let file = R1CSFile::<Fr>::new(std::io::Cursor::new(bytes)).map_err(|e| Error::Circuit {
        path: files.r1cs.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut r1cs: ark_circom::circom::R1CS<Fr> = file.into();
    r1cs.wire_mapping = None;
    Ok(r1cs)
}

/// The development setup of `files`' circuit: deterministic, **INSECURE**.
pub fn development_setup(files: &CircuitFiles) -> Result<Keys> {
    let circuit_hash = files.hash()?;
    let r1cs = read_r1cs(files)?;
    let constraints = r1cs.constraints.len();
    let circuit = CircomCircuit {
        r1cs,
        witness: None,
    };
    let mut rng = ChaCha20Rng::from_seed(keccak256(DEVELOPMENT_SEED).0);
    let started = std::time::Instant::now();
    let proving = Groth16::<Bn254>::generate_random_parameters_with_reduction(circuit, &mut rng)
        .map_err(|e| Error::Groth16(e.to_string()))?;
    info!(constraints, elapsed = ?started.elapsed(), circuit = %circuit_hash, "development setup (INSECURE) done");
    Ok(Keys {
        info: KeyInfo {
            circuit_hash,
            kind: KeyKind::DevelopmentInsecure,
            constraints,
            proving_key_bytes: proving.uncompressed_size() as u64,
            verifying_key_bytes: proving.vk.compressed_size() as u64,
        },
        proving,
    })
}

/// Keys from a snarkjs `.zkey` (`snarkjs groth16 setup` on a ceremony's powers of tau, then phase-2
/// contributions), checked against `files`' circuit.
pub fn import_zkey(files: &CircuitFiles, zkey: &Path) -> Result<Keys> {
    let circuit_hash = files.hash()?;
    let r1cs = read_r1cs(files)?;
    let mut file = std::fs::File::open(zkey).map_err(io(zkey))?;
    let (proving, matrices) = ark_circom::read_zkey(&mut file)
        .map_err(|e| Error::Key(format!("{}: not a Groth16 zkey: {e}", zkey.display())))?;
    if matrices.num_constraints != r1cs.constraints.len()
        || matrices.num_instance_variables != r1cs.num_inputs
        || proving.vk.gamma_abc_g1.len() != r1cs.num_inputs
    {
        return Err(Error::Key(format!(
            "{} was made for another circuit ({} constraints, {} public inputs; this one has {} and {})",
            zkey.display(),
            matrices.num_constraints,
            matrices.num_instance_variables.saturating_sub(1),
            r1cs.constraints.len(),
            r1cs.num_inputs.saturating_sub(1)
        )));
    }
    Ok(Keys {
        info: KeyInfo {
            circuit_hash,
            kind: KeyKind::Ceremony,
            constraints: r1cs.constraints.len(),
            proving_key_bytes: proving.uncompressed_size() as u64,
            verifying_key_bytes: proving.vk.compressed_size() as u64,
        },
        proving,
    })
}

/// Runs `snarkjs groth16 setup` on `files`' circuit with a ceremony's powers-of-tau file, writing a
/// phase-2 starting `.zkey` to `out` (contribute to it with `snarkjs zkey contribute` before use).
pub fn snarkjs_setup(snarkjs: &Path, files: &CircuitFiles, ptau: &Path, out: &Path) -> Result<()> {
    std::fs::metadata(ptau).map_err(io(ptau))?;
    let output = std::process::Command::new(snarkjs)
        .args(["groth16", "setup"])
        .arg(&files.r1cs)
        .arg(ptau)
        .arg(out)
        .output()
        .map_err(io(snarkjs))?;
    if !output.status.success() || !out.exists() {
        return Err(Error::Tool {
            tool: format!("snarkjs groth16 setup with {}", ptau.display()),
            reason: String::from_utf8_lossy(&output.stdout).trim().to_string()
                + String::from_utf8_lossy(&output.stderr).trim(),
        });
    }
    Ok(())
}

impl KeyStore {
    /// A store rooted at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn key_dir(&self, circuit: B256, kind: KeyKind) -> PathBuf {
        let kind = match kind {
            KeyKind::DevelopmentInsecure => "development-insecure",
            KeyKind::Ceremony => "ceremony",
        };
        self.dir.join(format!("{circuit:x}")).join(kind)
    }

    /// Writes `keys` under their circuit hash.
    pub fn save(&self, keys: &Keys) -> Result<PathBuf> {
        let dir = self.key_dir(keys.info.circuit_hash, keys.info.kind);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let pk_path = dir.join("proving.key");
        let tmp = dir.join("proving.key.tmp");
        let mut bytes = Vec::with_capacity(keys.info.proving_key_bytes as usize);
        keys.proving
            .serialize_uncompressed(&mut bytes)
            .map_err(|e| Error::Key(e.to_string()))?;
        std::fs::write(&tmp, &bytes).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &pk_path).map_err(io(&pk_path))?;
        let info_path = dir.join("key.json");
        let info = serde_json::to_vec_pretty(&keys.info).map_err(|e| Error::Key(e.to_string()))?;
        std::fs::write(&info_path, info).map_err(io(&info_path))?;
        Ok(dir)
    }

    /// The cached keys of kind `kind` for `files`' circuit, if any. A key file that does not match
    /// its description is an error, not a miss.
    pub fn load(&self, files: &CircuitFiles, kind: KeyKind) -> Result<Option<Keys>> {
        let circuit_hash = files.hash()?;
        let dir = self.key_dir(circuit_hash, kind);
        let info_path = dir.join("key.json");
        let Ok(info) = std::fs::read(&info_path) else {
            return Ok(None);
        };
        let info: KeyInfo = serde_json::from_slice(&info)
            .map_err(|e| Error::Key(format!("{}: {e}", info_path.display())))?;
        let pk_path = dir.join("proving.key");
        let bytes = std::fs::read(&pk_path).map_err(io(&pk_path))?;
        if info.circuit_hash != circuit_hash
            || info.kind != kind
            || bytes.len() as u64 != info.proving_key_bytes
        {
            return Err(Error::Key(format!(
                "{} does not match its description in {}",
                pk_path.display(),
                info_path.display()
            )));
        }
        // Written by this program from a checked setup: reading unchecked is safe and ~100× faster.
        let proving = ProvingKey::<Bn254>::deserialize_with_mode(
            bytes.as_slice(),
            Compress::No,
            Validate::No,
        )
        .map_err(|e| Error::Key(format!("{}: {e}", pk_path.display())))?;
        Ok(Some(Keys { proving, info }))
    }

    /// The cached development keys of `files`' circuit, made and cached first if missing.
    pub fn development(&self, files: &CircuitFiles) -> Result<Keys> {
        if let Some(keys) = self.load(files, KeyKind::DevelopmentInsecure)? {
            return Ok(keys);
        }
        let keys = development_setup(files)?;
        self.save(&keys)?;
        Ok(keys)
    }
}
