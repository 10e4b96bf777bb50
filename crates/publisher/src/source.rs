use std::future::Future;

use alloy::{
    primitives::U64,
    providers::{Provider, RootProvider},
    transports::http::reqwest::Url,
};
use fractal_primitives::SealedBatch;

use crate::{Endpoint, Error, Result};

/// A batch number as a JSON number (what the node answers) or, leniently, a hex quantity.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Quantity {
    Number(u64),
    Hex(U64),
}

/// Where the publisher reads sealed batches: the child chain's node, or anything that serves the same.
pub trait BatchSource: Send + Sync {
    /// The highest sealed batch number (0 while none is sealed).
    fn latest_batch(&self) -> impl Future<Output = Result<u64>> + Send;

    /// Sealed batch `number`, or `None` when it is not sealed (yet).
    fn batch(&self, number: u64) -> impl Future<Output = Result<Option<SealedBatch>>> + Send;
}

/// A [`BatchSource`] over a node's JSON-RPC (HTTP): `fractal_latestBatch` and `fractal_batchByNumber`.
#[derive(Debug, Clone)]
pub struct RpcBatchSource {
    provider: RootProvider,
}

impl RpcBatchSource {
    /// A source reading the node at `url`.
    pub fn new(url: Url) -> Self {
        Self {
            provider: RootProvider::new_http(url),
        }
    }
}

impl BatchSource for RpcBatchSource {
    async fn latest_batch(&self) -> Result<u64> {
        let latest: Quantity = self
            .provider
            .raw_request("fractal_latestBatch".into(), ())
            .await
            .map_err(|source| Error::Rpc {
                at: Endpoint::Source,
                method: "fractal_latestBatch",
                source,
            })?;
        Ok(match latest {
            Quantity::Number(n) => n,
            Quantity::Hex(n) => n.to(),
        })
    }

    async fn batch(&self, number: u64) -> Result<Option<SealedBatch>> {
        let batch: Option<SealedBatch> = self
            .provider
            .raw_request("fractal_batchByNumber".into(), (U64::from(number),))
            .await
            .map_err(|source| Error::Rpc {
                at: Endpoint::Source,
                method: "fractal_batchByNumber",
                source,
            })?;
        match batch {
            Some(b) if b.header.batchNumber != number => Err(Error::SourceMismatch {
                requested: number,
                actual: b.header.batchNumber,
            }),
            other => Ok(other),
        }
    }
}
