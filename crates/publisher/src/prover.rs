use std::{future::Future, sync::Arc};

use alloy::{
    primitives::{Bytes, U64, U256, keccak256},
    providers::{Provider, RootProvider},
    sol_types::SolValue,
    transports::http::reqwest::Url,
};
use fractal_primitives::{BatchHeader, BatchWitness, Message, SealedBatch};
use fractal_prover::{BatchData, BatchStatement};
use tracing::info;

use crate::{Endpoint, Error, Result};

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

/// Real proofs: the batch's write witnesses, fetched from the node (`fractal_batchWitness`), proven by
/// a [`fractal_prover::BatchProver`] (the Groth16 chunk circuit) on a blocking worker thread, with
/// progress logged after every chunk. Accepted by `Groth16BatchVerifier`.
pub struct WorkerProver {
    inner: Arc<dyn fractal_prover::BatchProver>,
    node: RootProvider,
}

impl std::fmt::Debug for WorkerProver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerProver").finish_non_exhaustive()
    }
}

impl WorkerProver {
    /// Proves with `inner`, reading witnesses from the node at `node_rpc`.
    pub fn new(inner: Arc<dyn fractal_prover::BatchProver>, node_rpc: Url) -> Self {
        Self {
            inner,
            node: RootProvider::new_http(node_rpc),
        }
    }
}

impl Prover for WorkerProver {
    async fn prove(&self, batch: &SealedBatch, chain_id: u64) -> Result<Bytes> {
        let number = batch.header.batchNumber;
        let witness: Option<BatchWitness> = self
            .node
            .raw_request("fractal_batchWitness".into(), (U64::from(number),))
            .await
            .map_err(|source| Error::Rpc {
                at: Endpoint::Source,
                method: "fractal_batchWitness",
                source,
            })?;
        let prover_error = |source: Box<dyn std::error::Error + Send + Sync>| Error::Prover {
            batch: number,
            source,
        };
        let witness = witness.ok_or_else(|| {
            prover_error(format!("the node keeps no witness for batch {number}").into())
        })?;
        let leaves: Vec<U256> = batch.messages.iter().map(Message::leaf).collect();
        let header = batch.header.clone();
        let pubdata = batch.pubdata.clone();
        let inner = Arc::clone(&self.inner);
        let started = std::time::Instant::now();
        let proof = tokio::task::spawn_blocking(move || {
            let statement = BatchStatement {
                header: &header,
                chain_id,
                data: BatchData {
                    pubdata: &pubdata,
                    rows: &witness.rows,
                    writes: &witness.writes,
                    message_leaves: &leaves,
                },
            };
            inner.prove(&statement, &mut |done, total| {
                info!(batch = number, chunk = done, of = total, elapsed = ?started.elapsed(), "proving");
            })
        })
        .await
        .map_err(|e| prover_error(Box::new(e)))?
        .map_err(|e| prover_error(Box::new(e)))?;
        info!(batch = number, elapsed = ?started.elapsed(), "batch proven");
        Ok(proof)
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
