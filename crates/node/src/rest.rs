//! The centralized sequencer's REST API (OpenAPI document: `docs/sequencer-openapi.json`, also served at
//! `GET /openapi.json`): submit a raw transaction and get its hash, or wait for its receipt; look up a
//! transaction; read the latest block.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use alloy_primitives::{B256, Bytes};
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use fractal_storage::Store;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::broadcast::error::RecvError};

use crate::{Error, chain::Chain, rpc::receipt_json};

/// The OpenAPI 3 description of this API.
pub const OPENAPI: &str = include_str!("../../../docs/sequencer-openapi.json");
/// Longest a `wait=true` submission waits for its block.
pub const MAX_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
struct SubmitBody {
    raw: Bytes,
}

#[derive(Debug, Deserialize)]
struct SubmitQuery {
    #[serde(default)]
    wait: bool,
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": message.to_string() }))).into_response()
}

fn chain_error(e: Error) -> Response {
    match e {
        Error::Storage(_) | Error::Execution(_) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        other => error(StatusCode::BAD_REQUEST, other),
    }
}

/// Builds the router over `chain`.
pub fn router<S: Store + 'static>(chain: Arc<Chain<S>>) -> Router {
    Router::new()
        .route("/v1/transactions", post(submit::<S>))
        .route("/v1/transactions/{hash}", get(transaction::<S>))
        .route("/v1/blocks/latest", get(latest_block::<S>))
        .route(
            "/openapi.json",
            get(|| async { ([("content-type", "application/json")], OPENAPI) }),
        )
        .with_state(chain)
}

/// Serves the REST API on `addr`, returning the bound address and the server task.
pub async fn serve<S: Store + 'static>(
    chain: Arc<Chain<S>>,
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(chain);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "REST server stopped");
        }
    });
    Ok((bound, task))
}

async fn submit<S: Store + 'static>(
    State(chain): State<Arc<Chain<S>>>,
    Query(query): Query<SubmitQuery>,
    body: Result<Json<SubmitBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return error(StatusCode::BAD_REQUEST, rejection.body_text()),
    };
    // Subscribe before submitting so the block that includes the transaction cannot be missed.
    let mut blocks = chain.subscribe_blocks();
    let hash = match chain.submit_raw(&body.raw) {
        Ok(hash) => hash,
        Err(e) => return chain_error(e),
    };
    if !query.wait {
        return (StatusCode::ACCEPTED, Json(json!({ "hash": hash }))).into_response();
    }
    let deadline = tokio::time::Instant::now() + MAX_WAIT;
    loop {
        match chain.store().receipt(hash) {
            Ok(Some(receipt)) => {
                let ts = chain
                    .store()
                    .block_by_number(receipt.block_number)
                    .ok()
                    .flatten()
                    .map_or(0, |b| b.header.timestamp);
                return Json(json!({ "hash": hash, "receipt": receipt_json(&receipt, ts) }))
                    .into_response();
            }
            Ok(None) => {}
            Err(e) => return chain_error(Error::Storage(e)),
        }
        match tokio::time::timeout_at(deadline, blocks.recv()).await {
            Ok(Ok(_)) | Ok(Err(RecvError::Lagged(_))) => {}
            Ok(Err(RecvError::Closed)) | Err(_) => {
                return (
                    StatusCode::ACCEPTED,
                    Json(json!({ "hash": hash, "receipt": Value::Null })),
                )
                    .into_response();
            }
        }
    }
}

async fn transaction<S: Store + 'static>(
    State(chain): State<Arc<Chain<S>>>,
    Path(hash): Path<String>,
) -> Response {
    let Ok(hash) = hash.parse::<B256>() else {
        return error(
            StatusCode::BAD_REQUEST,
            format!("{hash:?} is not a 32-byte hex transaction hash"),
        );
    };
    match chain.store().receipt(hash) {
        Ok(Some(receipt)) => {
            let ts = chain
                .store()
                .block_by_number(receipt.block_number)
                .ok()
                .flatten()
                .map_or(0, |b| b.header.timestamp);
            Json(json!({ "hash": hash, "status": "included", "receipt": receipt_json(&receipt, ts) })).into_response()
        }
        Ok(None) if chain.pending_transaction(&hash).is_some() => {
            Json(json!({ "hash": hash, "status": "pending" })).into_response()
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            format!("transaction {hash} is unknown"),
        ),
        Err(e) => chain_error(Error::Storage(e)),
    }
}

async fn latest_block<S: Store + 'static>(State(chain): State<Arc<Chain<S>>>) -> Response {
    let block = chain
        .latest_number()
        .and_then(|n| chain.store().block_by_number(n).map_err(Error::Storage));
    match block {
        Ok(Some(b)) => Json(json!({
            "number": b.header.number,
            "hash": b.hash,
            "parentHash": b.header.parent_hash,
            "timestamp": b.header.timestamp,
            "gasUsed": b.header.gas_used,
            "transactions": b.tx_hashes,
        }))
        .into_response(),
        Ok(None) => error(StatusCode::INTERNAL_SERVER_ERROR, "the chain has no block"),
        Err(e) => chain_error(e),
    }
}
