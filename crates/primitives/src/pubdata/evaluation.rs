//! The polynomial evaluation that will bind a batch proof to its published writes (`docs/proofs.md`,
//! "binding the writes to the pubdata"): the parent evaluates the bytes as a polynomial over BN254's
//! scalar field whose coefficients are their 31-byte chunks, at a point derived from the bytes' hash
//! and the prover's commitment to its rows, and the circuit evaluates its own re-encoding of the writes
//! at the same point (`circuits/src/pubdata_stream.circom`). `PubdataEvaluation.sol` is the parent's
//! side; the shared vectors hold the two to the same values.

use alloy_primitives::{B256, U256, keccak256};
use alloy_sol_types::SolValue;
use ark_bn254::Fr;
use ark_ff::Zero;

use super::{RowFields, write_run};
use crate::{
    Error, FieldElement, Result,
    field::{CHUNK_BYTES, chunk_word},
    poseidon,
};

/// Bytes per coefficient: a 31-byte big-endian chunk is below 2²⁴⁸, so every chunk is a field element.
pub const EVALUATION_CHUNK_BYTES: usize = CHUNK_BYTES;

/// `y = Σⱼ cⱼ · zʲ mod r`, where `cⱼ` is the `j`-th 31-byte chunk of `bytes` read big-endian (the last one
/// right-padded with zeros). Empty bytes evaluate to 0. Fails when `z` is not a field element.
pub fn evaluate(bytes: &[u8], z: U256) -> Result<U256> {
    let z = z.to_fr()?;
    let mut y = Fr::zero();
    // Horner from the last chunk: c₀ + z·(c₁ + z·(c₂ + …)).
    for chunk in bytes.chunks(EVALUATION_CHUNK_BYTES).rev() {
        y = y * z + chunk_word(chunk).to_fr()?;
    }
    Ok(U256::from_fr(&y))
}

/// The evaluation point of a batch: `keccak256(abi.encode(pubdataHash, rowCommitment)) mod r`, fixed only
/// once both the published bytes (`pubdataHash`, their keccak256) and the prover's commitment to the rows it
/// will re-encode are. Fails when `row_commitment` is not a field element (one commitment, one encoding).
pub fn evaluation_challenge(pubdata_hash: B256, row_commitment: U256) -> Result<U256> {
    row_commitment.to_fr()?;
    Ok(
        U256::from_be_bytes(keccak256((pubdata_hash, row_commitment).abi_encode_params()).0)
            .reduce(),
    )
}

/// The prover's commitment `P` to the rows it re-encodes (docs/proofs.md), which the evaluation point
/// depends on: `P₀ = 0`, `Pᵢ₊₁ = Poseidon(Pᵢ, fᵢ, slotᵢ >> 128, slotᵢ mod 2¹²⁸, wordᵢ >> 128, wordᵢ mod 2¹²⁸)`
/// over the rows in order, where `fᵢ` packs the row's small fields and address —
/// `gap | gapLen << 32 | first << 35 | kind << 36 | sameAddress << 38 | slotLen << 39 | packing << 45 |
/// valueLen << 47 | address << 53` — and `word` is the value packing's payload (the value for full, the
/// delta for add and sub, 0 for a small add, whose delta is in `valueLen`). A repeated write's kind,
/// address and slot are 0: its bytes do not say them. Everything the row's bytes are made of is in it,
/// so `P` fixes the bytes before the point is drawn.
pub fn row_commitment(rows: &[RowFields]) -> Result<U256> {
    rows.iter()
        .try_fold(U256::ZERO, |commitment, row| row.commit(commitment))
}

impl RowFields {
    /// The small fields and the address packed into one field element (`f` of [`row_commitment`]); a
    /// repeated write's kind, address and slot length count as 0.
    pub fn packed(&self) -> U256 {
        let mut f = U256::from(self.gap)
            | U256::from(self.gap_len) << 32
            | U256::from(self.packing) << 45
            | U256::from(self.value_len) << 47;
        if self.first {
            f |= U256::from(1) << 35
                | U256::from(self.kind) << 36
                | U256::from(u8::from(self.same_address)) << 38
                | U256::from(self.slot_len) << 39
                | U256::from_be_slice(self.address.as_slice()) << 53;
        }
        f
    }

    /// The row commitment after this row, `commitment` being the one before it.
    pub fn commit(&self, commitment: U256) -> Result<U256> {
        let half = |x: U256| [x >> 128, x & U256::from(u128::MAX)];
        let slot = if self.first { self.slot } else { U256::ZERO };
        let [slot_hi, slot_lo] = half(slot);
        let [word_hi, word_lo] = half(self.word);
        poseidon(&[
            commitment,
            self.packed(),
            slot_hi,
            slot_lo,
            word_hi,
            word_lo,
        ])
    }
}

/// The three header fields that hold a batch's proof to its published write rows (docs/encodings.md,
/// "Batch header"): `P`, `y` and the run's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteBinding {
    /// `rowCommitment`: [`row_commitment`] of the rows.
    pub row_commitment: U256,
    /// `writesEvaluation`: the run's evaluation at `z = evaluation_challenge(pubdataCommitment, P)`.
    pub evaluation: U256,
    /// `writesLength`: the run's byte length.
    pub length: u32,
}

impl std::fmt::Display for WriteBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rowCommitment {:#x}, writesEvaluation {:#x}, writesLength {}",
            self.row_commitment, self.evaluation, self.length
        )
    }
}

/// The write binding of a batch whose pubdata is `pubdata`, its rows `rows` and its DA commitment
/// `pubdata_commitment`. Fails when the pubdata has no valid header or the rows do not cover its run.
pub fn write_binding(
    pubdata: &[u8],
    rows: &[RowFields],
    pubdata_commitment: B256,
) -> Result<WriteBinding> {
    let run = write_run(pubdata)?;
    let covered: usize = rows.iter().map(|row| row.length as usize).sum();
    if covered != run.len() {
        return Err(Error::PubdataMalformed {
            offset: run.start + covered.min(run.len()),
            reason: "the rows do not cover the write run",
        });
    }
    let row_commitment = row_commitment(rows)?;
    let z = evaluation_challenge(pubdata_commitment, row_commitment)?;
    Ok(WriteBinding {
        row_commitment,
        evaluation: evaluate(&pubdata[run.clone()], z)?,
        length: run.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, FIELD_MODULUS};
    use ark_ff::Field;
    use proptest::prelude::*;

    /// The same sum one byte at a time: byte p weighs 256^(30 − p mod 31) · z^⌊p/31⌋ (how the circuit
    /// places bytes that start anywhere).
    fn by_bytes(bytes: &[u8], z: U256) -> U256 {
        let z = z.to_fr().unwrap();
        let mut y = Fr::zero();
        for (p, b) in bytes.iter().enumerate() {
            let weight = Fr::from(256u64).pow([30 - (p % 31) as u64]) * z.pow([(p / 31) as u64]);
            y += Fr::from(*b) * weight;
        }
        U256::from_fr(&y)
    }

    #[test]
    fn small_cases_by_hand() {
        let z = U256::from(1000);
        assert_eq!(evaluate(&[], z).unwrap(), U256::ZERO);
        // One byte is the top byte of chunk 0.
        assert_eq!(evaluate(&[7], z).unwrap(), U256::from(7) << 240usize);
        // z = 0 keeps chunk 0; z = 1 sums the chunks.
        let bytes: Vec<u8> = (1..=40).collect();
        let c0 = U256::from_be_slice(&bytes[..31]);
        let c1: U256 = U256::from_be_slice(&bytes[31..]) << 176usize;
        assert_eq!(evaluate(&bytes, U256::ZERO).unwrap(), c0);
        assert_eq!(evaluate(&bytes, U256::from(1)).unwrap(), c0 + c1);
        assert_eq!(
            evaluate(&bytes, z).unwrap(),
            c1.mul_mod(z, FIELD_MODULUS).add_mod(c0, FIELD_MODULUS),
            "c0 + c1·z"
        );
    }

    #[test]
    fn a_point_outside_the_field_is_refused() {
        assert!(matches!(
            evaluate(&[1, 2, 3], FIELD_MODULUS),
            Err(Error::NotAFieldElement(_))
        ));
    }

    #[test]
    fn the_challenge_is_a_field_element_bound_to_both_inputs() {
        let h = keccak256(b"pubdata");
        let z = evaluation_challenge(h, U256::from(7)).unwrap();
        assert!(z < FIELD_MODULUS);
        assert_ne!(z, evaluation_challenge(h, U256::from(8)).unwrap());
        assert_ne!(
            z,
            evaluation_challenge(keccak256(b"other"), U256::from(7)).unwrap()
        );
        assert!(matches!(
            evaluation_challenge(h, FIELD_MODULUS),
            Err(Error::NotAFieldElement(_))
        ));
    }

    proptest! {
        #[test]
        fn chunks_and_bytes_agree(bytes in proptest::collection::vec(any::<u8>(), 0..200), z in any::<[u8; 32]>()) {
            let z = U256::from_be_bytes(z).reduce();
            prop_assert_eq!(evaluate(&bytes, z).unwrap(), by_bytes(&bytes, z));
        }
    }
}
