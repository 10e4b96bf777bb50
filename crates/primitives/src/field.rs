use alloy_primitives::{U256, uint};
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use light_poseidon::{Poseidon, PoseidonHasher};

use crate::{Error, Result};

/// The BN254 scalar field modulus.
pub const FIELD_MODULUS: U256 =
    uint!(21888242871839275222246405745257275088548364400416034343698204186575808495617_U256);

/// Conversions between 256-bit words and BN254 scalar-field elements.
pub trait FieldElement: Sized {
    /// The word as a field element; fails unless it is below the modulus.
    fn to_fr(&self) -> Result<Fr>;
    /// A field element as a word.
    fn from_fr(fr: &Fr) -> Self;
    /// The word reduced modulo the field.
    fn reduce(&self) -> Self;
}

impl FieldElement for U256 {
    fn to_fr(&self) -> Result<Fr> {
        if *self >= FIELD_MODULUS {
            return Err(Error::NotAFieldElement(*self));
        }
        Ok(Fr::from_be_bytes_mod_order(&self.to_be_bytes::<32>()))
    }

    fn from_fr(fr: &Fr) -> Self {
        let bytes = fr.into_bigint().to_bytes_be();
        U256::from_be_slice(&bytes)
    }

    fn reduce(&self) -> Self {
        *self % FIELD_MODULUS
    }
}

/// Poseidon over BN254 with circomlib's parameters (the same function as circomlib's `Poseidon(n)` and
/// the Solidity `PoseidonT{n+1}` libraries). Every input must be a field element.
pub fn poseidon(inputs: &[U256]) -> Result<U256> {
    if inputs.is_empty() || inputs.len() > 12 {
        return Err(Error::PoseidonArity(inputs.len()));
    }
    let frs = inputs
        .iter()
        .map(FieldElement::to_fr)
        .collect::<Result<Vec<_>>>()?;
    // Building a hasher parses its round constants: keep one per width and thread.
    thread_local! {
        static HASHERS: std::cell::RefCell<std::collections::HashMap<usize, Poseidon<Fr>>> =
            std::cell::RefCell::default();
    }
    let out = HASHERS.with(|hashers| {
        let mut hashers = hashers.borrow_mut();
        let hasher = match hashers.entry(inputs.len()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                Poseidon::<Fr>::new_circom(inputs.len())
                    .map_err(|_| Error::PoseidonArity(inputs.len()))?,
            ),
        };
        hasher
            .hash(&frs)
            .map_err(|_| Error::PoseidonArity(inputs.len()))
    })?;
    Ok(U256::from_fr(&out))
}

/// Bytes per field element when bytes are cut into field elements (`payloadHash`, the pubdata
/// evaluation, the blob packing): a 31-byte big-endian chunk is below 2²⁴⁸, so every chunk is one.
pub(crate) const CHUNK_BYTES: usize = 31;

/// A chunk of at most [`CHUNK_BYTES`] bytes as a field element: big-endian, right-padded with zeros.
pub(crate) fn chunk_word(chunk: &[u8]) -> U256 {
    let mut padded = [0u8; 32];
    padded[1..1 + chunk.len()].copy_from_slice(chunk);
    U256::from_be_bytes(padded)
}

/// Poseidon of two field elements, for tree nodes.
pub(crate) fn hash2(left: U256, right: U256) -> Result<U256> {
    poseidon(&[left, right])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poseidon_matches_circomlib_known_answer() {
        // circomlib's published test vector: poseidon([1, 2]).
        let expected =
            uint!(0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a_U256);
        assert_eq!(poseidon(&[U256::from(1), U256::from(2)]).unwrap(), expected);
    }

    #[test]
    fn rejects_values_outside_the_field() {
        assert!(matches!(
            FIELD_MODULUS.to_fr(),
            Err(Error::NotAFieldElement(_))
        ));
        assert!(poseidon(&[FIELD_MODULUS, U256::ZERO]).is_err());
        assert!(matches!(poseidon(&[]), Err(Error::PoseidonArity(0))));
        assert!(matches!(
            poseidon(&[U256::ZERO; 13]),
            Err(Error::PoseidonArity(13))
        ));
    }

    #[test]
    fn field_round_trip() {
        let x = FIELD_MODULUS - U256::from(1);
        assert_eq!(U256::from_fr(&x.to_fr().unwrap()), x);
        assert_eq!(FIELD_MODULUS.reduce(), U256::ZERO);
    }
}
