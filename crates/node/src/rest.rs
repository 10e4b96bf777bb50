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
use tokio::net::TcpListener;

use crate::{
    Error,
    chain::{Chain, ExecutedTx},
    rpc::receipt_json,
};

/// The OpenAPI 3 description of this API.
pub const OPENAPI: &str = include_str!("../../../docs/sequencer-openapi.json");
/// Longest a `wait=true` submission waits for its transaction to execute.
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

/// A sealed transaction's receipt as JSON, with its block's timestamp.
fn sealed_receipt<S: Store + 'static>(
    chain: &Chain<S>,
    hash: B256,
) -> Result<Option<Value>, Error> {
    let Some(receipt) = chain.store().receipt(hash)? else {
        return Ok(None);
    };
    let timestamp = chain
        .store()
        .block_by_number(receipt.block_number)?
        .map_or(0, |b| b.header.timestamp);
    Ok(Some(receipt_json(&receipt, timestamp)))
}

/// The receipt of a transaction executed in the pending block: final but for the block hash, which is
/// `null` until the block is sealed.
fn executed_receipt(executed: &ExecutedTx) -> Value {
    let mut json = receipt_json(&executed.receipt, executed.timestamp);
    json["blockHash"] = Value::Null;
    if let Some(logs) = json.get_mut("logs").and_then(Value::as_array_mut) {
        for log in logs {
            log["blockHash"] = Value::Null;
        }
    }
    json
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
    let (hash, watcher) = match chain.submit(&body.raw, query.wait) {
        Ok(submitted) => submitted,
        Err(e) => return chain_error(e),
    };
    let Some(watcher) = watcher else {
        return (StatusCode::ACCEPTED, Json(json!({ "hash": hash }))).into_response();
    };
    match tokio::time::timeout(MAX_WAIT, watcher).await {
        Ok(Ok(Ok(executed))) => Json(json!({
            "hash": hash,
            "status": "executed",
            "receipt": executed_receipt(&executed),
        }))
        .into_response(),
        Ok(Ok(Err(reason))) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("transaction {hash} was dropped: {reason}"),
        ),
        // The watcher was dropped (shutting down) or the wait timed out: the transaction is pending.
        Ok(Err(_)) | Err(_) => (
            StatusCode::ACCEPTED,
            Json(json!({ "hash": hash, "status": "pending", "receipt": Value::Null })),
        )
            .into_response(),
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
    match sealed_receipt(&chain, hash) {
        Ok(Some(receipt)) => {
            return Json(json!({ "hash": hash, "status": "included", "receipt": receipt }))
                .into_response();
        }
        Ok(None) => {}
        Err(e) => return chain_error(e),
    }
    if let Some(executed) = chain.executed_transaction(&hash) {
        return Json(json!({
            "hash": hash,
            "status": "executed",
            "receipt": executed_receipt(&executed),
        }))
        .into_response();
    }
    if chain.pending_transaction(&hash).is_some() {
        return Json(json!({ "hash": hash, "status": "pending" })).into_response();
    }
    error(
        StatusCode::NOT_FOUND,
        format!("transaction {hash} is unknown"),
    )
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
