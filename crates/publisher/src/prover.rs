use std::future::Future;

use alloy::{
    primitives::{Bytes, U256, keccak256},
    sol_types::SolValue,
};
use fractal_primitives::{BatchHeader, SealedBatch};

use crate::{Error, Result};

/// Produces the proof `proveBatches` submits for a sealed batch, in the encoding the settlement's
/// verifier reads. The proof's public inputs are `BatchHeader::public_inputs(chain_id)`, which the
/// settlement recomputes from the committed header.
pub trait Prover: Send + Sync {
    /// The proof of `batch` on chain `chain_id`.
    fn prove(
        &self,
        batch: &SealedBatch,
        chain_id: u64,
    ) -> impl Future<Output = Result<Bytes>> + Send;
}

/// **INSECURE — development only.** Produces the one "proof" `DevelopmentVerifier` accepts,
/// `abi.encode(keccak256(abi.encode(uint256[] publicInputs)))`. Anyone can compute it: it binds the
/// proof to its batch (chain id, batch number, roots, commitments) but proves nothing about the
/// batch's validity. Use it only against deployments whose `verifierKind` is `development-insecure`;
/// the Groth16 prover replaces it behind the same [`Prover`] trait.
#[derive(Debug, Clone, Copy, Default)]
pub struct DevelopmentProver;

impl DevelopmentProver {
    /// The development proof of `header` on chain `chain_id`.
    pub fn proof(header: &BatchHeader, chain_id: u64) -> Result<Bytes> {
        let inputs: Vec<U256> = header
            .public_inputs(chain_id)
            .map_err(|source| Error::PublicInputs {
                batch: header.batchNumber,
                source,
            })?
            .to_vec();
        // `abi.encode(uint256[])`: a one-element tuple holding the dynamic array (offset, length, items).
        let digest = keccak256((inputs,).abi_encode_params());
        Ok(digest.abi_encode().into())
    }
}

impl Prover for DevelopmentProver {
    async fn prove(&self, batch: &SealedBatch, chain_id: u64) -> Result<Bytes> {
        Self::proof(&batch.header, chain_id)
    }
}

#[cfg(test)]
mod tests {
    use alloy::primitives::B256;

    use super::*;

    #[test]
    fn development_proof_hashes_the_abi_encoded_dynamic_array() {
        let header = BatchHeader {
            batchNumber: 2,
            timestamp: 1_700_000_000,
            newStateRoot: B256::with_last_byte(9),
            pubdataCommitment: B256::repeat_byte(0xab),
            ..Default::default()
        };
        let inputs = header.public_inputs(4242).unwrap();
        // Solidity's abi.encode(uint256[] x): offset 0x20, length, then the items.
        let mut encoded = U256::from(0x20).to_be_bytes::<32>().to_vec();
        encoded.extend_from_slice(&U256::from(inputs.len()).to_be_bytes::<32>());
        for input in inputs {
            encoded.extend_from_slice(&input.to_be_bytes::<32>());
        }
        let proof = DevelopmentProver::proof(&header, 4242).unwrap();
        assert_eq!(proof.as_ref(), keccak256(&encoded).as_slice());
        assert_ne!(proof, DevelopmentProver::proof(&header, 4243).unwrap());
    }

    #[test]
    fn refuses_headers_outside_the_field() {
        let header = BatchHeader {
            batchNumber: 5,
            newStateRoot: B256::repeat_byte(0xff),
            ..Default::default()
        };
        assert!(matches!(
            DevelopmentProver::proof(&header, 1),
            Err(Error::PublicInputs { batch: 5, .. })
        ));
    }
}
