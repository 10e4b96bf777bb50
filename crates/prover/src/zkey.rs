//! snarkjs's binary files, written from arkworks: a Groth16 proving key as a `.zkey` (what `snarkjs
//! groth16 prove` reads) and a witness as a `.wtns`, so that snarkjs proves with exactly the key and
//! the witness arkworks does — the comparison `fractal bench proofs` makes.
//!
//! Such a key must come from snarkjs's QAP reduction ([`CircomReduction`]): its `H` points are
//! snarkjs's (the powers of τ in Lagrange form at the odd points of a domain twice the size), not
//! arkworks' own. [`snarkjs_compatible_setup`] makes one
//! (**INSECURE**, from a public seed, like the development setup); [`cached_snarkjs_compatible_key`]
//! keeps it with its `.zkey` beside it.
//!
//! The layout is the inverse of ark-circom's `read_zkey`: sections 1 (protocol), 2 (the Groth16
//! header: field sizes and moduli, variables, public inputs, domain size, `α₁ β₁ β₂ γ₂ δ₁ δ₂`), 3
//! (IC), 4 (the coefficients of the A and B matrices, then one A row per public input),
//! 5–9 (the A, B₁, B₂, C and H points). Points are affine, coordinates in Montgomery form, little
//! endian, the point at infinity all zeros; coefficients are `v·R² mod r`, as snarkjs writes them.

use std::{
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use alloy_primitives::{B256, keccak256};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_circom::{CircomCircuit, CircomReduction, circom::R1CS};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::{CircuitFiles, Error, Result, error::io, keys::read_r1cs};

/// Bytes of a field element of either BN254 field.
const N8: usize = 32;
/// Bytes of one coefficient of section 4: matrix, constraint and signal (`u32` each), the value.
const COEFFICIENT_BYTES: u64 = 12 + N8 as u64;
const G1_BYTES: u64 = 2 * N8 as u64;
const G2_BYTES: u64 = 4 * N8 as u64;

fn write_error(file: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::SnarkjsFile { file, source }
}

/// `2^256 mod p`: Montgomery's `R` of a 4-limb field, as an element.
fn montgomery_r<F: Field>() -> F {
    F::from(2u64).pow([256])
}

/// A little-endian writer of snarkjs's binary files.
struct BinWriter<W: Write> {
    out: W,
    file: &'static str,
    /// Fq's `R`: a coordinate `x` is written as `x·R`, its Montgomery form.
    r_q: Fq,
}

impl<W: Write> BinWriter<W> {
    fn bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(write_error(self.file))
    }

    fn u32(&mut self, value: u32) -> Result<()> {
        self.bytes(&value.to_le_bytes())
    }

    fn count(&mut self, value: usize) -> Result<()> {
        let value = u32::try_from(value).map_err(|_| {
            Error::Key(format!(
                "{value} does not fit the 32-bit counts of a snarkjs {} file",
                self.file
            ))
        })?;
        self.u32(value)
    }

    /// The file's magic, version and section count.
    fn file_header(&mut self, magic: &[u8; 4], version: u32, sections: u32) -> Result<()> {
        self.bytes(magic)?;
        self.u32(version)?;
        self.u32(sections)
    }

    /// A section's id and length; its body follows.
    fn section(&mut self, id: u32, len: u64) -> Result<()> {
        self.u32(id)?;
        self.bytes(&len.to_le_bytes())
    }

    /// An integer below 2^256, little endian.
    fn big(&mut self, value: impl BigInteger) -> Result<()> {
        let mut bytes = value.to_bytes_le();
        bytes.resize(N8, 0);
        self.bytes(&bytes)
    }

    fn fq(&mut self, x: Fq) -> Result<()> {
        self.big((x * self.r_q).into_bigint())
    }

    fn fq2(&mut self, x: Fq2) -> Result<()> {
        self.fq(x.c0)?;
        self.fq(x.c1)
    }

    fn g1(&mut self, p: &G1Affine) -> Result<()> {
        if p.is_zero() {
            return self.bytes(&[0; G1_BYTES as usize]);
        }
        self.fq(p.x)?;
        self.fq(p.y)
    }

    fn g2(&mut self, p: &G2Affine) -> Result<()> {
        if p.is_zero() {
            return self.bytes(&[0; G2_BYTES as usize]);
        }
        self.fq2(p.x)?;
        self.fq2(p.y)
    }

    fn g1s(&mut self, points: &[G1Affine]) -> Result<()> {
        points.iter().try_for_each(|p| self.g1(p))
    }

    fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(write_error(self.file))
    }
}

/// Writes `pk`, made for `r1cs` with snarkjs's QAP reduction ([`CircomReduction`], see
/// [`snarkjs_compatible_setup`]), as a snarkjs Groth16 `.zkey`: what `snarkjs groth16 prove` and
/// `snarkjs zkey export verificationkey` read (there is no section 10: the key has no phase-2
/// contributions to list). A key made with arkworks' default reduction writes too, but snarkjs's
/// proofs with it do not verify. Fails when the key's sizes are not the circuit's.
pub fn write_zkey(pk: &ProvingKey<Bn254>, r1cs: &R1CS<Fr>, out: &mut impl Write) -> Result<()> {
    let n_vars = r1cs.num_variables;
    let n_public = r1cs.num_inputs.saturating_sub(1);
    let n_constraints = r1cs.constraints.len();
    let domain_size = (n_constraints + n_public + 1).next_power_of_two();
    let mismatch = |what: &str, have: usize, want: usize| {
        Error::Key(format!(
            "the key has {have} {what}, the circuit ({n_constraints} constraints, {n_vars} variables, {n_public} public inputs) needs {want}"
        ))
    };
    for (what, have, want) in [
        ("A points", pk.a_query.len(), n_vars),
        ("B1 points", pk.b_g1_query.len(), n_vars),
        ("B2 points", pk.b_g2_query.len(), n_vars),
        (
            "C points",
            pk.l_query.len(),
            n_vars.saturating_sub(n_public + 1),
        ),
        ("H points", pk.h_query.len(), domain_size),
        ("IC points", pk.vk.gamma_abc_g1.len(), n_public + 1),
    ] {
        if have != want {
            return Err(mismatch(what, have, want));
        }
    }
    let coefficients = r1cs
        .constraints
        .iter()
        .map(|(a, b, _)| a.len() + b.len())
        .sum::<usize>()
        + n_public
        + 1;
    let r_r: Fr = montgomery_r();
    let r2_r = r_r * r_r;

    let mut w = BinWriter {
        out: BufWriter::with_capacity(1 << 20, out),
        file: ".zkey",
        r_q: montgomery_r(),
    };
    w.file_header(b"zkey", 1, 9)?;
    w.section(1, 4)?;
    w.u32(1)?; // Groth16
    w.section(2, 4 + 32 + 4 + 32 + 3 * 4 + 3 * G1_BYTES + 3 * G2_BYTES)?;
    w.u32(N8 as u32)?;
    w.big(Fq::MODULUS)?;
    w.u32(N8 as u32)?;
    w.big(Fr::MODULUS)?;
    w.count(n_vars)?;
    w.count(n_public)?;
    w.count(domain_size)?;
    w.g1(&pk.vk.alpha_g1)?;
    w.g1(&pk.beta_g1)?;
    w.g2(&pk.vk.beta_g2)?;
    w.g2(&pk.vk.gamma_g2)?;
    w.g1(&pk.delta_g1)?;
    w.g2(&pk.vk.delta_g2)?;
    w.section(3, (n_public as u64 + 1) * G1_BYTES)?;
    w.g1s(&pk.vk.gamma_abc_g1)?;

    w.section(4, 4 + coefficients as u64 * COEFFICIENT_BYTES)?;
    w.count(coefficients)?;
    let coefficient = |w: &mut BinWriter<_>, matrix: u32, row: usize, signal: usize, v: Fr| {
        w.u32(matrix)?;
        w.count(row)?;
        w.count(signal)?;
        // snarkjs keeps v·R² (the Montgomery form of v·R): its prover multiplies it, in Montgomery
        // arithmetic, with the witness in standard form.
        w.big((v * r2_r).into_bigint())
    };
    for (row, (a, b, _)) in r1cs.constraints.iter().enumerate() {
        for &(signal, v) in a {
            coefficient(&mut w, 0, row, signal, v)?;
        }
        for &(signal, v) in b {
            coefficient(&mut w, 1, row, signal, v)?;
        }
    }
    // The rows that bind the public inputs (and the constant one): A[constraints + i] = signal i.
    for signal in 0..=n_public {
        coefficient(&mut w, 0, n_constraints + signal, signal, Fr::ONE)?;
    }

    w.section(5, n_vars as u64 * G1_BYTES)?;
    w.g1s(&pk.a_query)?;
    w.section(6, n_vars as u64 * G1_BYTES)?;
    w.g1s(&pk.b_g1_query)?;
    w.section(7, n_vars as u64 * G2_BYTES)?;
    pk.b_g2_query.iter().try_for_each(|p| w.g2(p))?;
    w.section(8, pk.l_query.len() as u64 * G1_BYTES)?;
    w.g1s(&pk.l_query)?;
    w.section(9, domain_size as u64 * G1_BYTES)?;
    w.g1s(&pk.h_query)?;
    w.finish()
}

/// Writes a full witness (every wire, the constant one first, as
/// [`Groth16Prover::witness`](crate::Groth16Prover::witness) computes it) as a snarkjs `.wtns`
/// (version 2): values in standard form, little endian.
pub fn write_wtns(witness: &[Fr], out: &mut impl Write) -> Result<()> {
    let mut w = BinWriter {
        out: BufWriter::with_capacity(1 << 20, out),
        file: ".wtns",
        r_q: montgomery_r(),
    };
    w.file_header(b"wtns", 2, 2)?;
    w.section(1, 4 + N8 as u64 + 4)?;
    w.u32(N8 as u32)?;
    w.big(Fr::MODULUS)?;
    w.count(witness.len())?;
    w.section(2, witness.len() as u64 * N8 as u64)?;
    for value in witness {
        w.big(value.into_bigint())?;
    }
    w.finish()
}

/// A Groth16 key of `files`' circuit for snarkjs's QAP reduction ([`CircomReduction`]), from a
/// circuit-specific setup whose randomness is `seed`: **INSECURE** like the development setup —
/// anyone who knows the seed can compute its toxic waste and forge proofs. For benchmarks and tests
/// that compare arkworks with snarkjs on the same key ([`write_zkey`]); never deploy its verifier.
pub fn snarkjs_compatible_setup(files: &CircuitFiles, seed: &[u8]) -> Result<ProvingKey<Bn254>> {
    let r1cs = read_r1cs(files)?;
    let constraints = r1cs.constraints.len();
    let circuit = CircomCircuit {
        r1cs,
        witness: None,
    };
    let mut rng = ChaCha20Rng::from_seed(keccak256(seed).0);
    let started = std::time::Instant::now();
    let pk = Groth16::<Bn254, CircomReduction>::generate_random_parameters_with_reduction(
        circuit, &mut rng,
    )
    .map_err(|e| Error::Groth16(e.to_string()))?;
    info!(constraints, elapsed = ?started.elapsed(), "snarkjs-compatible setup (INSECURE) done");
    Ok(pk)
}

/// A Groth16 proof of `witness` (the full witness of the circuit of `matrices`) with `pk`, a key made for snarkjs's
/// QAP reduction ([`snarkjs_compatible_setup`] or a ceremony's `.zkey`): what
/// [`Groth16Prover`](crate::Groth16Prover) does with such a key, the witness given, with this crate's
/// multi-scalar multiplication or arkworks' own prover (the same proof when unblinded). Not checked
/// against the verifying key. Not generic, so that the proving code is compiled (and optimized) with
/// this crate whatever the caller's profile.
pub fn prove_with_snarkjs_reduction(
    pk: &ProvingKey<Bn254>,
    matrices: &crate::CircuitMatrices,
    witness: &[Fr],
    blinding: crate::Blinding,
    engine: crate::ProverEngine,
) -> Result<Proof<Bn254>> {
    matrices.prove_by::<CircomReduction>(pk, witness, blinding, engine)
}

/// A proving key this crate wrote (arkworks' serialization, uncompressed), read without checking
/// its points: ~100× faster than a checked read, and safe for a file this program made from a
/// checked setup — not for a key from elsewhere.
pub fn read_proving_key(path: &Path) -> Result<ProvingKey<Bn254>> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    ProvingKey::<Bn254>::deserialize_with_mode(bytes.as_slice(), Compress::No, Validate::No)
        .map_err(|e| Error::Key(format!("{}: {e}", path.display())))
}

/// What is recorded beside a cached snarkjs-compatible key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CachedKeyInfo {
    circuit_hash: B256,
    /// keccak256 of the setup's seed.
    seed_hash: B256,
    proving_key_bytes: u64,
    zkey_bytes: u64,
}

/// The [`snarkjs_compatible_setup`] key of `files`' circuit from `seed` (**INSECURE**), cached in
/// `dir` as `proving.key` (arkworks, uncompressed), `circuit.zkey` ([`write_zkey`]) and `key.json`;
/// made and written on a miss, or when the cache was made for another circuit or seed. Returns the
/// key and the `.zkey`'s path.
pub fn cached_snarkjs_compatible_key(
    files: &CircuitFiles,
    seed: &[u8],
    dir: &Path,
) -> Result<(ProvingKey<Bn254>, PathBuf)> {
    let circuit_hash = files.hash()?;
    let seed_hash = keccak256(seed);
    let (pk_path, zkey_path, info_path) = (
        dir.join("proving.key"),
        dir.join("circuit.zkey"),
        dir.join("key.json"),
    );
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).ok();
    let cached = std::fs::read(&info_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<CachedKeyInfo>(&bytes).ok())
        .filter(|info| {
            info.circuit_hash == circuit_hash
                && info.seed_hash == seed_hash
                && size(&pk_path) == Some(info.proving_key_bytes)
                && size(&zkey_path) == Some(info.zkey_bytes)
        });
    if cached.is_some() {
        return Ok((read_proving_key(&pk_path)?, zkey_path));
    }
    let pk = snarkjs_compatible_setup(files, seed)?;
    let r1cs = read_r1cs(files)?;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let _ = std::fs::remove_file(&info_path);
    let mut zkey = std::fs::File::create(&zkey_path).map_err(io(&zkey_path))?;
    write_zkey(&pk, &r1cs, &mut zkey)?;
    let mut bytes = Vec::with_capacity(pk.uncompressed_size());
    pk.serialize_uncompressed(&mut bytes)
        .map_err(|e| Error::Key(e.to_string()))?;
    std::fs::write(&pk_path, &bytes).map_err(io(&pk_path))?;
    let info = CachedKeyInfo {
        circuit_hash,
        seed_hash,
        proving_key_bytes: bytes.len() as u64,
        zkey_bytes: size(&zkey_path).unwrap_or_default(),
    };
    let info = serde_json::to_vec_pretty(&info).map_err(|e| Error::Key(e.to_string()))?;
    std::fs::write(&info_path, info).map_err(io(&info_path))?;
    Ok((pk, zkey_path))
}

#[cfg(test)]
mod tests {
    use std::{path::PathBuf, process::Command, str::FromStr};

    use ark_circom::WitnessCalculator;
    use ark_snark::SNARK;
    use num_bigint::BigInt;
    use serde_json::Value;

    use super::*;

    /// The repository root: circom2 (WebAssembly) sees only the tree it runs in.
    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// A tiny circuit — a Poseidon(2) preimage `(a, b)` of the output `h`, `a` public — compiled
    /// into a scratch directory under `target/`, removed when dropped.
    struct Tiny {
        /// Relative to the repository root.
        dir: PathBuf,
        files: CircuitFiles,
    }

    impl Tiny {
        fn compile(name: &str) -> Self {
            let dir = PathBuf::from(format!("target/tmp-zkey-{name}-{}", std::process::id()));
            let abs = root().join(&dir);
            let _ = std::fs::remove_dir_all(&abs);
            std::fs::create_dir_all(&abs).unwrap();
            std::fs::write(
                abs.join("tiny.circom"),
                "pragma circom 2.1.0;\n\
                 include \"circomlib/circuits/poseidon.circom\";\n\
                 template Preimage() {\n\
                 \x20   signal input a;\n\
                 \x20   signal input b;\n\
                 \x20   signal output h;\n\
                 \x20   component p = Poseidon(2);\n\
                 \x20   p.inputs[0] <== a;\n\
                 \x20   p.inputs[1] <== b;\n\
                 \x20   h <== p.out;\n\
                 }\n\
                 component main {public [a]} = Preimage();\n",
            )
            .unwrap();
            let tiny = Self {
                files: CircuitFiles {
                    circuit: crate::ChunkCircuit::Wide,
                    wasm: abs.join("tiny_js/tiny.wasm"),
                    r1cs: abs.join("tiny.r1cs"),
                    native: abs.join("tiny_cpp/tiny"),
                },
                dir,
            };
            let output = Command::new("node")
                .current_dir(root())
                .arg("node_modules/.bin/circom2")
                .arg(tiny.dir.join("tiny.circom"))
                .args(["--O2", "--r1cs", "--wasm", "-l", "node_modules", "-o"])
                .arg(&tiny.dir)
                .output()
                .expect("node runs (make bootstrap installs circom2)");
            assert!(
                output.status.success() && tiny.files.check().is_ok(),
                "circom2 failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            tiny
        }

        fn path(&self, file: &str) -> PathBuf {
            root().join(&self.dir).join(file)
        }

        fn witness(&self, a: u64, b: u64) -> Vec<Fr> {
            let mut store = wasmer::Store::default();
            let mut calculator = WitnessCalculator::new(&mut store, &self.files.wasm).unwrap();
            let inputs = [("a", a), ("b", b)].map(|(n, v)| (n.to_string(), vec![BigInt::from(v)]));
            calculator
                .calculate_witness_element::<Fr, _>(&mut store, inputs, true)
                .unwrap()
        }

        /// Runs snarkjs from the repository root (`@file` names a file of the scratch directory);
        /// returns its output.
        fn snarkjs(&self, args: &[&str]) -> String {
            let output = Command::new("node")
                .current_dir(root())
                .arg("node_modules/.bin/snarkjs")
                .args(args.iter().map(|a| match a.strip_prefix('@') {
                    Some(file) => self.dir.join(file).display().to_string(),
                    None => a.to_string(),
                }))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "snarkjs {args:?} failed: {text}");
            text
        }
    }

    impl Drop for Tiny {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(root().join(&self.dir));
        }
    }

    fn json(path: PathBuf) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn fq(v: &Value) -> Fq {
        Fq::from_str(v.as_str().unwrap()).unwrap()
    }

    /// A snarkjs `proof.json` as an arkworks proof (affine points; `pi_b`'s pairs are `[c0, c1]`).
    fn snarkjs_proof(v: &Value) -> Proof<Bn254> {
        let g1 = |p: &Value| G1Affine::new(fq(&p[0]), fq(&p[1]));
        let fq2 = |p: &Value| Fq2::new(fq(&p[0]), fq(&p[1]));
        Proof {
            a: g1(&v["pi_a"]),
            b: G2Affine::new(fq2(&v["pi_b"][0]), fq2(&v["pi_b"][1])),
            c: g1(&v["pi_c"]),
        }
    }

    #[test]
    fn a_zkey_reads_back_as_the_same_key() {
        let tiny = Tiny::compile("roundtrip");
        let pk = snarkjs_compatible_setup(&tiny.files, b"zkey round trip INSECURE").unwrap();
        let r1cs = read_r1cs(&tiny.files).unwrap();
        let mut bytes = Vec::new();
        write_zkey(&pk, &r1cs, &mut bytes).unwrap();
        let (read, matrices) = ark_circom::read_zkey(&mut std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(read, pk);
        assert_eq!(matrices.num_constraints, r1cs.constraints.len());
        assert_eq!(matrices.num_instance_variables, r1cs.num_inputs);
        assert_eq!(matrices.num_instance_variables, 3, "the constant, h and a");
        for (row, (a, b, _)) in r1cs.constraints.iter().enumerate() {
            let swap = |lc: &Vec<(usize, Fr)>| lc.iter().map(|&(s, v)| (v, s)).collect::<Vec<_>>();
            assert_eq!(matrices.a[row], swap(a), "A row {row}");
            assert_eq!(matrices.b[row], swap(b), "B row {row}");
        }

        // A key for another circuit is refused.
        let mut other = r1cs.clone();
        other.num_variables += 1;
        let err = write_zkey(&pk, &other, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(&err, Error::Key(m) if m.contains("A points")),
            "{err}"
        );
    }

    #[test]
    fn snarkjs_proves_with_the_zkey_and_wtns_and_both_sides_verify() {
        let tiny = Tiny::compile("snarkjs");
        let pk = snarkjs_compatible_setup(&tiny.files, b"zkey snarkjs check INSECURE").unwrap();
        let r1cs = read_r1cs(&tiny.files).unwrap();
        let witness = tiny.witness(1, 2);
        // circomlibjs: poseidon([1, 2]).
        let h = Fr::from_str(
            "7853200120776062878684798364095072458815029376092732009249414926327459813530",
        )
        .unwrap();
        assert_eq!(witness[1..3], [h, Fr::from(1u64)]);
        write_zkey(
            &pk,
            &r1cs,
            &mut std::fs::File::create(tiny.path("k.zkey")).unwrap(),
        )
        .unwrap();
        write_wtns(
            &witness,
            &mut std::fs::File::create(tiny.path("w.wtns")).unwrap(),
        )
        .unwrap();

        // snarkjs accepts the witness for the circuit, proves, and verifies its own proof under
        // the verifying key it reads back from the .zkey.
        tiny.snarkjs(&["wtns", "check", "@tiny.r1cs", "@w.wtns"]);
        tiny.snarkjs(&[
            "groth16",
            "prove",
            "@k.zkey",
            "@w.wtns",
            "@proof.json",
            "@public.json",
        ]);
        tiny.snarkjs(&["zkey", "export", "verificationkey", "@k.zkey", "@vk.json"]);
        let verified = tiny.snarkjs(&[
            "groth16",
            "verify",
            "@vk.json",
            "@public.json",
            "@proof.json",
        ]);
        assert!(verified.contains("OK"), "{verified}");

        // The exported verifying key is arkworks' own.
        let vk = json(tiny.path("vk.json"));
        assert_eq!(vk["nPublic"], 2);
        let ic: Vec<G1Affine> = vk["IC"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| G1Affine::new(fq(&p[0]), fq(&p[1])))
            .collect();
        assert_eq!(ic, pk.vk.gamma_abc_g1);
        assert_eq!(
            G1Affine::new(fq(&vk["vk_alpha_1"][0]), fq(&vk["vk_alpha_1"][1])),
            pk.vk.alpha_g1
        );

        // snarkjs's proof verifies under arkworks with the same key, for these public inputs only.
        let public: Vec<Fr> = json(tiny.path("public.json"))
            .as_array()
            .unwrap()
            .iter()
            .map(|v| Fr::from_str(v.as_str().unwrap()).unwrap())
            .collect();
        assert_eq!(public, witness[1..3]);
        let proof = snarkjs_proof(&json(tiny.path("proof.json")));
        let pvk = ark_groth16::prepare_verifying_key(&pk.vk);
        assert!(Groth16::<Bn254>::verify_proof(&pvk, &proof, &public).unwrap());
        let wrong = [public[0], public[1] + Fr::ONE];
        assert!(!Groth16::<Bn254>::verify_proof(&pvk, &proof, &wrong).unwrap());

        // And the Rust provers' proofs with the same key and reduction verify too, blinded or not.
        // Unblinded proofs are deterministic (and the same from both engines); blinded ones are not.
        let matrices = crate::CircuitMatrices::new(&r1cs);
        let prove = |blinding| {
            prove_with_snarkjs_reduction(
                &pk,
                &matrices,
                &witness,
                blinding,
                crate::ProverEngine::BatchedAffine,
            )
        };
        let arkworks = |blinding| {
            prove_with_snarkjs_reduction(
                &pk,
                &matrices,
                &witness,
                blinding,
                crate::ProverEngine::Arkworks,
            )
        };
        let (plain, blinded) = (
            prove(crate::Blinding::None).unwrap(),
            prove(crate::Blinding::ZeroKnowledge).unwrap(),
        );
        for ours in [&plain, &blinded] {
            assert!(Groth16::<Bn254>::verify_proof(&pvk, ours, &public).unwrap());
            assert!(!Groth16::<Bn254>::verify_proof(&pvk, ours, &wrong).unwrap());
        }
        assert_eq!(prove(crate::Blinding::None).unwrap(), plain);
        assert_eq!(arkworks(crate::Blinding::None).unwrap(), plain);
        let theirs = arkworks(crate::Blinding::ZeroKnowledge).unwrap();
        assert!(Groth16::<Bn254>::verify_proof(&pvk, &theirs, &public).unwrap());
        assert_ne!(prove(crate::Blinding::ZeroKnowledge).unwrap(), blinded);
        assert_ne!(plain, blinded);
        // A proof with arkworks' default reduction and this key does not: the H points differ.
        let circuit = CircomCircuit {
            r1cs,
            witness: Some(witness),
        };
        let mixed = Groth16::<Bn254>::prove(&pk, circuit, &mut rand_core::OsRng).unwrap();
        assert!(!Groth16::<Bn254>::verify_proof(&pvk, &mixed, &public).unwrap());
    }

    #[test]
    fn the_cache_makes_the_key_once_and_remakes_it_for_another_seed() {
        let tiny = Tiny::compile("cache");
        let dir = tiny.path("keys");
        let (made, zkey) =
            cached_snarkjs_compatible_key(&tiny.files, b"one INSECURE", &dir).unwrap();
        assert!(zkey.exists());
        let (loaded, _) =
            cached_snarkjs_compatible_key(&tiny.files, b"one INSECURE", &dir).unwrap();
        assert_eq!(loaded, made);
        let (other, _) = cached_snarkjs_compatible_key(&tiny.files, b"two INSECURE", &dir).unwrap();
        assert_ne!(other.vk, made.vk);
        let mut bytes = Vec::new();
        write_zkey(&other, &read_r1cs(&tiny.files).unwrap(), &mut bytes).unwrap();
        assert_eq!(std::fs::read(&zkey).unwrap(), bytes);
    }
}
