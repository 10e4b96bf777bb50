//! The chunk circuits' witnesses: every signal's value for one chunk's inputs.
//!
//! Two generators compute the same values from the same compiled circuit (`make circuits` builds
//! both): circom's C++ witness generator, compiled with g++ into `circuits/build/<name>_cpp/<name>`
//! and run as a child process (≈ 0.35 s a chunk on this project's machine), and circom's WebAssembly
//! calculator under wasmer (≈ 1 s). The prover uses the native one when it was built and falls back to
//! the WebAssembly one (with a warning) when it was not; a test holds them to identical witnesses.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use ark_bn254::Fr;
use ark_circom::WitnessCalculator;
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigInt;
use wasmer::Store;

use crate::{CHUNK_MESSAGES, ChunkCircuit, ChunkInput, CircuitFiles, Error, Result};

/// What failed while computing a witness.
#[derive(Debug)]
pub(crate) enum WitnessError {
    /// The circuit rejected the inputs (an assertion or a constraint of the circuit does not hold).
    Rejected(String),
    /// The generator itself could not run or answered something unreadable.
    Generator(Error),
}

/// Computes one chunk circuit's witnesses with circom's native generator or its WebAssembly calculator.
pub struct WitnessGenerator {
    circuit: ChunkCircuit,
    engine: Engine,
}

enum Engine {
    /// circom's C++ witness generator: the binary (it reads `<binary>.dat` beside itself).
    Native(PathBuf),
    /// circom's WebAssembly calculator, one instance at a time.
    Wasm(Box<Mutex<(Store, WitnessCalculator)>>),
}

impl std::fmt::Debug for WitnessGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("WitnessGenerator");
        d.field("circuit", &self.circuit);
        match &self.engine {
            Engine::Native(path) => d.field("native", path),
            Engine::Wasm(_) => d.field("wasm", &true),
        };
        d.finish()
    }
}

impl WitnessGenerator {
    /// The native generator of `files` when it was built, else the WebAssembly calculator.
    pub fn new(files: &CircuitFiles) -> Result<Self> {
        // The binary finds its constants in `<binary>.dat` through its own path: keep it absolute, since
        // it runs in a scratch directory.
        let dat = files.native.with_extension("dat");
        if is_executable(&files.native) && dat.is_file() {
            let binary = std::fs::canonicalize(&files.native).map_err(|e| Error::Circuit {
                path: files.native.display().to_string(),
                reason: e.to_string(),
            })?;
            return Ok(Self {
                circuit: files.circuit,
                engine: Engine::Native(binary),
            });
        }
        tracing::warn!(
            missing = %files.native.display(),
            "the native witness generator was not built (`make circuits` builds it): using the \
             WebAssembly calculator, about 3x slower"
        );
        Self::wasm(files)
    }

    /// The WebAssembly calculator of `files`.
    pub fn wasm(files: &CircuitFiles) -> Result<Self> {
        let mut store = Store::default();
        let calculator =
            WitnessCalculator::new(&mut store, &files.wasm).map_err(|e| Error::Circuit {
                path: files.wasm.display().to_string(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            circuit: files.circuit,
            engine: Engine::Wasm(Box::new(Mutex::new((store, calculator)))),
        })
    }

    /// Whether this is the native generator.
    pub fn is_native(&self) -> bool {
        matches!(self.engine, Engine::Native(_))
    }

    /// The circuit it computes witnesses for.
    pub fn circuit(&self) -> ChunkCircuit {
        self.circuit
    }

    /// The full witness of one chunk; fails when the chunk is not one of this generator's circuit, an
    /// assertion or a constraint of the circuit does not hold ([`Error::Unsatisfied`]) or the generator
    /// cannot run.
    pub fn chunk(&self, chunk: &ChunkInput) -> Result<Vec<Fr>> {
        let circuit = self.circuit;
        if chunk.circuit != circuit
            || chunk.rows.len() != circuit.writes()
            || chunk.messages.len() != CHUNK_MESSAGES
            || chunk.subtree.siblings.len() != circuit.upper_levels()
        {
            // The WebAssembly calculator would leave missing signals at zero.
            return Err(Error::Unsatisfied {
                batch: chunk.batch,
                chunk: chunk.index,
                reason: format!(
                    "the chunk is a {} chunk with {} rows, {} message leaves and {} levels above its \
                     subtree; the {circuit} circuit takes {}, {CHUNK_MESSAGES} and {}",
                    chunk.circuit,
                    chunk.rows.len(),
                    chunk.messages.len(),
                    chunk.subtree.siblings.len(),
                    circuit.writes(),
                    circuit.upper_levels(),
                ),
            });
        }
        self.compute(chunk.signals()).map_err(|e| match e {
            WitnessError::Rejected(reason) => Error::Unsatisfied {
                batch: chunk.batch,
                chunk: chunk.index,
                reason,
            },
            WitnessError::Generator(error) => error,
        })
    }

    /// Every signal's value for the circuit's `inputs` (name → values, arrays flattened).
    pub(crate) fn compute(
        &self,
        inputs: Vec<(String, Vec<BigInt>)>,
    ) -> std::result::Result<Vec<Fr>, WitnessError> {
        match &self.engine {
            Engine::Native(binary) => native(binary, &inputs),
            Engine::Wasm(calculator) => {
                let mut guard = calculator.lock().map_err(|_| {
                    WitnessError::Generator(Error::Groth16(
                        "the witness calculator is poisoned".into(),
                    ))
                })?;
                let (store, calculator) = &mut *guard;
                calculator
                    .calculate_witness_element::<Fr, _>(store, inputs, true)
                    .map_err(|e| WitnessError::Rejected(e.to_string()))
            }
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn native(
    binary: &Path,
    inputs: &[(String, Vec<BigInt>)],
) -> std::result::Result<Vec<Fr>, WitnessError> {
    let generator = |reason: String| {
        WitnessError::Generator(Error::Circuit {
            path: binary.display().to_string(),
            reason,
        })
    };
    // A fresh private directory per run (removed when dropped): the inputs, the output, and the working
    // directory of the child (where a core dump of a failed assertion would land).
    let scratch = tempfile::Builder::new()
        .prefix("fractal-witness-")
        .tempdir()
        .map_err(|e| generator(format!("a scratch directory: {e}")))?;
    let input = scratch.path().join("input.json");
    let output = scratch.path().join("witness.wtns");
    let json: serde_json::Map<String, serde_json::Value> = inputs
        .iter()
        .map(|(name, values)| {
            let values = values
                .iter()
                .map(|v| serde_json::Value::String(v.to_string()))
                .collect();
            (name.clone(), serde_json::Value::Array(values))
        })
        .collect();
    std::fs::write(&input, serde_json::to_vec(&json).unwrap_or_default())
        .map_err(|e| generator(format!("writing its input: {e}")))?;
    let run = Command::new(binary)
        .arg(&input)
        .arg(&output)
        .current_dir(scratch.path())
        .output()
        .map_err(|e| generator(format!("running it: {e}")))?;
    if !run.status.success() {
        // circom's generated code prints a failed assertion (template and line) on stdout, or a
        // missing or malformed input on stderr, then aborts: the circuit refuses the inputs. Anything
        // else (a missing library, the .dat, a kill) is the generator failing.
        let said = [run.stdout.as_slice(), run.stderr.as_slice()]
            .map(|bytes| String::from_utf8_lossy(bytes).trim().to_string())
            .into_iter()
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let said = said.lines().take(3).collect::<Vec<_>>().join(" ");
        let message = format!(
            "the native witness generator failed ({}): {}",
            run.status,
            if said.is_empty() { "no message" } else { &said }
        );
        let refused = [
            "Failed assert",
            "Not all inputs",
            "Error loading signal",
            "Too many values",
            "Not enough values",
        ]
        .iter()
        .any(|mark| said.contains(mark));
        return Err(if refused {
            WitnessError::Rejected(message)
        } else {
            generator(message)
        });
    }
    let bytes =
        std::fs::read(&output).map_err(|e| generator(format!("reading its output: {e}")))?;
    read_wtns(&bytes).map_err(|reason| generator(format!("its output: {reason}")))
}

/// The witness in a snarkjs/circom `.wtns` file (version 2: a header section with the field element
/// size, the prime and the count, then the values, little-endian), checked to be BN254's scalar field.
pub(crate) fn read_wtns(bytes: &[u8]) -> std::result::Result<Vec<Fr>, String> {
    let mut at = 0usize;
    let mut take = |n: usize| -> std::result::Result<&[u8], String> {
        let slice = bytes
            .get(at..at.checked_add(n).ok_or("length overflow")?)
            .ok_or_else(|| format!("truncated at byte {at}"))?;
        at += n;
        Ok(slice)
    };
    if take(4)? != b"wtns" {
        return Err("not a .wtns file".into());
    }
    let u32_at = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
    let version = u32_at(take(4)?);
    if version != 2 {
        return Err(format!("version {version}, want 2"));
    }
    let sections = u32_at(take(4)?);
    let (mut header, mut values) = (None, None);
    for _ in 0..sections {
        let id = u32_at(take(4)?);
        let len = u64::from_le_bytes(take(8)?.try_into().unwrap_or_default());
        let len = usize::try_from(len).map_err(|_| format!("section {id} of {len} bytes"))?;
        let body = take(len)?;
        match id {
            1 => header = Some(body),
            2 => values = Some(body),
            _ => {}
        }
    }
    let header = header.ok_or("no header section")?;
    let values = values.ok_or("no witness section")?;
    const N8: usize = 32;
    let modulus = Fr::MODULUS.to_bytes_le();
    if header.len() != 4 + N8 + 4
        || u32_at(&header[..4]) as usize != N8
        || header[4..4 + N8] != modulus[..]
    {
        return Err("not a witness over BN254's scalar field".into());
    }
    let count = u32_at(&header[4 + N8..]) as usize;
    if values.len() != count * N8 {
        return Err(format!(
            "{} bytes of values for {count} elements",
            values.len()
        ));
    }
    values
        .chunks_exact(N8)
        .enumerate()
        .map(|(i, chunk)| {
            let limbs = std::array::from_fn(|l| {
                u64::from_le_bytes(chunk[8 * l..8 * l + 8].try_into().unwrap_or_default())
            });
            Fr::from_bigint(ark_ff::BigInt::new(limbs))
                .ok_or_else(|| format!("element {i} is not below the modulus"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_wtns;
    use ark_ff::One;

    #[test]
    fn a_wtns_reads_back() {
        let witness = vec![Fr::one(), Fr::from(7u64), -Fr::one(), Fr::from(u64::MAX)];
        let mut bytes = Vec::new();
        write_wtns(&witness, &mut bytes).unwrap();
        assert_eq!(read_wtns(&bytes).unwrap(), witness);
    }

    #[test]
    fn a_bad_wtns_is_refused() {
        let witness = vec![Fr::one(), Fr::from(7u64)];
        let mut good = Vec::new();
        write_wtns(&witness, &mut good).unwrap();
        assert!(read_wtns(b"nope").unwrap_err().contains("not a .wtns"));
        assert!(
            read_wtns(&good[..good.len() - 1])
                .unwrap_err()
                .contains("truncated")
        );
        let mut version = good.clone();
        version[4] = 3;
        assert!(read_wtns(&version).unwrap_err().contains("version 3"));
        // A value at the modulus: the last element's bytes replaced by r itself.
        let mut big = good.clone();
        let n = big.len();
        big[n - 32..].copy_from_slice(&Fr::MODULUS.to_bytes_le());
        assert!(
            read_wtns(&big)
                .unwrap_err()
                .contains("not below the modulus")
        );
        // Another prime in the header.
        let mut prime = good.clone();
        let header_prime = 12 + 12 + 4;
        prime[header_prime] ^= 1;
        assert!(read_wtns(&prime).unwrap_err().contains("BN254"));
    }
}
