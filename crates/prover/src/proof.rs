//! A batch proof as `Groth16BatchVerifier` takes it: the hashes of the state carried between chunks and
//! one Groth16 proof per chunk and the circuit of each, `abi.encode(uint256[] carries, uint256[8][] proofs,
//! bytes circuits)`.

use alloy_primitives::{Bytes, U256};
use alloy_sol_types::SolValue;
use ark_bn254::{Bn254, Fq, G1Affine, G2Affine};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::Proof;

use crate::{Error, Result};

/// One Groth16 proof in the EVM's word order: `A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y`
/// (the pairing precompile takes a G2 coordinate's imaginary part first).
pub type EvmProof = [U256; 8];

/// The proof of one batch: chunk `j` takes the carried state from `carries[j]` to `carries[j + 1]`
/// (Poseidon hashes of the state `bound_writes.circom` carries; chunk 0's circuit checks the first
/// against the batch's start, the last chunk's its state against the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchProof {
    /// The carried-state hashes, one more than the chunks.
    pub carries: Vec<U256>,
    /// One proof per chunk.
    pub proofs: Vec<EvmProof>,
    /// The circuit of each chunk's proof, one byte each ([`crate::ChunkCircuit::id`]).
    pub circuits: Vec<u8>,
}

impl BatchProof {
    /// The bytes `Settlement.proveBatches` passes to the verifier.
    pub fn abi_encode(&self) -> Bytes {
        (
            self.carries.clone(),
            self.proofs.clone(),
            Bytes::from(self.circuits.clone()),
        )
            .abi_encode_params()
            .into()
    }

    /// Decodes [`BatchProof::abi_encode`]'s bytes.
    pub fn abi_decode(bytes: &[u8]) -> Result<Self> {
        let (carries, proofs, circuits) =
            <(Vec<U256>, Vec<EvmProof>, Bytes)>::abi_decode_params(bytes)
                .map_err(|e| Error::MalformedProof(e.to_string()))?;
        if proofs.is_empty() || carries.len() != proofs.len() + 1 || circuits.len() != proofs.len()
        {
            return Err(Error::MalformedProof(format!(
                "{} proofs with {} carries and {} circuits (want one carry more than proofs, a circuit \
                 per proof, at least one proof)",
                proofs.len(),
                carries.len(),
                circuits.len()
            )));
        }
        Ok(Self {
            carries,
            proofs,
            circuits: circuits.to_vec(),
        })
    }
}

fn word(f: Fq) -> U256 {
    U256::from_be_slice(&f.into_bigint().to_bytes_be())
}

fn field(w: U256) -> Result<Fq> {
    if w >= U256::from_be_slice(&Fq::MODULUS.to_bytes_be()) {
        return Err(Error::MalformedProof(format!(
            "{w:#x} is not a base-field element"
        )));
    }
    Ok(Fq::from_be_bytes_mod_order(&w.to_be_bytes::<32>()))
}

/// An arkworks proof in the EVM's order.
pub fn to_evm(proof: &Proof<Bn254>) -> EvmProof {
    [
        word(proof.a.x),
        word(proof.a.y),
        word(proof.b.x.c1),
        word(proof.b.x.c0),
        word(proof.b.y.c1),
        word(proof.b.y.c0),
        word(proof.c.x),
        word(proof.c.y),
    ]
}

/// An EVM-ordered proof back as an arkworks proof; fails on coordinates outside the field or points
/// off the curve or outside the prime-order subgroup.
pub fn from_evm(proof: &EvmProof) -> Result<Proof<Bn254>> {
    let g1 = |x: U256, y: U256| -> Result<G1Affine> {
        let p = G1Affine::new_unchecked(field(x)?, field(y)?);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(Error::MalformedProof(
                "a G1 point is not on the curve".into(),
            ));
        }
        Ok(p)
    };
    let g2 = {
        let x = ark_bn254::Fq2::new(field(proof[3])?, field(proof[2])?);
        let y = ark_bn254::Fq2::new(field(proof[5])?, field(proof[4])?);
        let p = G2Affine::new_unchecked(x, y);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(Error::MalformedProof(
                "the G2 point is not on the curve".into(),
            ));
        }
        p
    };
    Ok(Proof {
        a: g1(proof[0], proof[1])?,
        b: g2,
        c: g1(proof[6], proof[7])?,
    })
}
