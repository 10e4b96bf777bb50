//! Rebuilding a chain's state from its parent alone: the pubdata of every committed batch, read from
//! the calldata of the `commitBatches` transactions, applied in order on top of the genesis, with the
//! state root checked after every batch against the committed header (and, for executed batches,
//! against the root the settlement recorded). `fractal rebuild` runs it.

use std::collections::BTreeMap;

use alloy::{
    eips::BlockId,
    providers::{Provider, ProviderBuilder},
    rpc::types::Filter,
    sol,
    sol_types::{SolCall, SolEvent},
};
use alloy_primitives::{Address, B256, Bytes, U256};
use fractal_primitives::{BatchHeader, StateDiff, StateKind, commitBatchesCall, pubdata};
use serde::Serialize;
use tracing::info;

use crate::{Error, Result};

/// Most parent blocks one `eth_getLogs` spans.
const MAX_LOG_RANGE: u64 = 2_000;

sol! {
    /// The settlement's event.
    event BatchCommitted(uint64 indexed batchNumber, bytes32 batchHash, bytes32 newStateRoot, bytes32 messageRoot);

    #[sol(rpc)]
    interface ISettlementView {
        function totalBatchesExecuted() external view returns (uint64);
        function stateRoot(uint64 batchNumber) external view returns (bytes32);
    }
}

/// One account of a rebuilt state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RebuiltAccount {
    /// Its nonce.
    pub nonce: u64,
    /// Its balance in wei.
    pub balance: U256,
    /// Its code hash (zero: no code).
    pub code_hash: B256,
    /// Its non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
}

/// A chain's state rebuilt from its parent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RebuiltState {
    /// The last batch applied.
    pub batch_number: u64,
    /// The last chain block that batch covers (the state is the state after it).
    pub last_block: u64,
    /// The state root after it, checked against its header.
    pub state_root: B256,
    /// How many of the batches applied were executed on the parent (their roots checked against the
    /// settlement's too).
    pub executed: u64,
    /// Every account with a non-zero entry.
    pub accounts: BTreeMap<Address, RebuiltAccount>,
    /// Bytecode by code hash, as published.
    pub code: BTreeMap<B256, Bytes>,
}

/// Rebuilds the state of the chain whose `Settlement` is `settlement` on the parent at `parent_rpc`,
/// starting from `genesis` (the chain's genesis state, whose root must be the one registered), reading
/// the parent's logs from `from_block` (the chain's registration block). Fails on the first batch
/// whose pubdata does not decode or does not rebuild its committed state root.
pub async fn rebuild(
    parent_rpc: &str,
    settlement: Address,
    from_block: u64,
    genesis: &StateDiff,
) -> Result<RebuiltState> {
    let url = parent_rpc
        .parse()
        .map_err(|e| Error::Config(format!("parent rpc {parent_rpc:?}: {e}")))?;
    let provider = ProviderBuilder::new().connect_http(url);
    let parent = |e: alloy::transports::TransportError| Error::Parent(e.to_string());
    let view = ISettlementView::new(settlement, &provider);
    let latest = provider.get_block_number().await.map_err(parent)?;
    let executed = view
        .totalBatchesExecuted()
        .block(BlockId::number(latest))
        .call()
        .await
        .map_err(|e| Error::Parent(e.to_string()))?;

    let (mut tables, mut tree) = crate::batches::genesis_state(genesis)?;
    let genesis_root = B256::from(tree.root());
    let registered = view
        .stateRoot(0)
        .block(BlockId::number(latest))
        .call()
        .await
        .map_err(|e| Error::Parent(e.to_string()))?;
    if registered != genesis_root {
        return Err(Error::Batch(format!(
            "the configured genesis has state root {genesis_root}, the parent registered {registered}"
        )));
    }

    // The last commit of each batch number wins (a reverted batch is committed again): its header,
    // DA input and transaction.
    let mut committed: BTreeMap<u64, (BatchHeader, Bytes, B256)> = BTreeMap::new();
    let mut from = from_block;
    while from <= latest {
        let to = latest.min(from + MAX_LOG_RANGE - 1);
        let filter = Filter::new()
            .address(settlement)
            .event_signature(BatchCommitted::SIGNATURE_HASH)
            .from_block(from)
            .to_block(to);
        let logs = provider.get_logs(&filter).await.map_err(parent)?;
        for log in logs {
            let event = BatchCommitted::decode_log_data(log.data())
                .map_err(|e| Error::Parent(format!("malformed BatchCommitted: {e}")))?;
            let hash = log
                .transaction_hash
                .ok_or_else(|| Error::Parent("a log without its transaction hash".into()))?;
            let tx = provider
                .get_transaction_by_hash(hash)
                .await
                .map_err(parent)?
                .ok_or_else(|| Error::Parent(format!("transaction {hash} is unknown")))?;
            let input = alloy::consensus::Transaction::input(tx.inner.inner());
            let call = commitBatchesCall::abi_decode(input).map_err(|e| {
                Error::Parent(format!(
                    "transaction {hash} is not a direct commitBatches call ({e}); rebuilding from contract-wrapped commits is not supported"
                ))
            })?;
            let number = event.batchNumber;
            let position = call
                .headers
                .iter()
                .position(|h| h.batchNumber == number)
                .ok_or_else(|| {
                    Error::Parent(format!("transaction {hash} does not commit batch {number}"))
                })?;
            let header = call.headers[position].clone();
            if header.hash() != event.batchHash {
                return Err(Error::Parent(format!(
                    "batch {number}'s header in {hash} does not hash to the committed {}",
                    event.batchHash
                )));
            }
            committed.insert(number, (header, call.daInputs[position].clone(), hash));
        }
        from = to + 1;
    }

    let mut code = BTreeMap::new();
    let mut state = RebuiltState {
        batch_number: 0,
        last_block: 0,
        state_root: genesis_root,
        executed: 0,
        accounts: BTreeMap::new(),
        code: BTreeMap::new(),
    };
    for (number, (header, data, tx)) in &committed {
        if *number != state.batch_number + 1 {
            return Err(Error::Batch(format!(
                "batch {number} is committed but batch {} is not",
                state.batch_number + 1
            )));
        }
        let data = &pubdata_of(&provider, *number, header, data, *tx).await?;
        let decoded = pubdata::decode(&mut tables, data)?;
        crate::batches::apply_writes(&mut tree, &tables, &decoded.writes)?;
        code.extend(decoded.writes.code);
        let root = B256::from(tree.root());
        if root != header.newStateRoot || header.prevStateRoot != state.state_root {
            return Err(Error::Batch(format!(
                "batch {number}'s pubdata rebuilds state root {root}, its header claims {}",
                header.newStateRoot
            )));
        }
        // The write binding the proof was held to: with blob DA the parent does not check it, so the
        // rebuilder does (docs/proofs.md, "Where the write binding holds").
        let rows: Vec<_> = decoded.rows.iter().map(pubdata::Row::fields).collect();
        let binding = pubdata::write_binding(data, &rows, header.pubdataCommitment)?;
        if binding != header.write_binding() {
            return Err(Error::Batch(format!(
                "batch {number}'s pubdata gives {binding}; its header claims {}",
                header.write_binding()
            )));
        }
        if *number <= executed {
            let recorded = view
                .stateRoot(*number)
                .block(BlockId::number(latest))
                .call()
                .await
                .map_err(|e| Error::Parent(e.to_string()))?;
            if recorded != root {
                return Err(Error::Batch(format!(
                    "batch {number} rebuilds {root}, the settlement executed {recorded}"
                )));
            }
            state.executed = *number;
        }
        info!(batch = number, blocks = %format!("{}..={}", decoded.blocks.first, decoded.blocks.last), writes = decoded.writes.values.len(), state_root = %root, "rebuilt batch");
        state.batch_number = *number;
        state.last_block = decoded.blocks.last;
        state.state_root = root;
    }

    for (_, key, value) in tables.entries() {
        if value.is_zero() {
            continue;
        }
        let account = state.accounts.entry(key.address).or_default();
        match key.kind {
            StateKind::Storage => {
                account.storage.insert(key.slot, value);
            }
            StateKind::Nonce => account.nonce = value.saturating_to(),
            StateKind::Balance => account.balance = value,
            StateKind::CodeHash => account.code_hash = B256::from(value),
        }
    }
    for account in state.accounts.values() {
        if account.code_hash != B256::ZERO && !code.contains_key(&account.code_hash) {
            // Genesis code is not published: it is in the chain's configuration.
            if let Some(bytes) = genesis
                .accounts
                .iter()
                .filter_map(|a| a.code.as_ref())
                .find(|c| alloy_primitives::keccak256(c) == account.code_hash)
            {
                code.insert(account.code_hash, bytes.clone());
            }
        }
    }
    state.code = code;
    Ok(state)
}

/// The pubdata of committed batch `number`: its `daInput` itself (calldata DA), or the blobs the
/// committing transaction `tx` carried (blob DA), fetched from the parent's blob archive — today anvil's
/// (`anvil_getBlobsByTransactionHash`) — and checked against the listed versioned hashes.
async fn pubdata_of<P: Provider>(
    provider: &P,
    number: u64,
    header: &BatchHeader,
    da_input: &Bytes,
    tx: B256,
) -> Result<Bytes> {
    if alloy_primitives::keccak256(da_input) == header.pubdataCommitment {
        return Ok(da_input.clone());
    }
    let hashes = <Vec<B256> as alloy::sol_types::SolValue>::abi_decode(da_input).map_err(|_| {
        Error::Batch(format!(
            "batch {number}'s data matches its commitment as neither calldata nor blob hashes"
        ))
    })?;
    let packed: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
    if alloy_primitives::keccak256(packed) != header.pubdataCommitment {
        return Err(Error::Batch(format!(
            "batch {number}'s blob hashes do not match its pubdata commitment"
        )));
    }
    let blobs: Option<Vec<alloy::eips::eip4844::Blob>> = provider
        .raw_request("anvil_getBlobsByTransactionHash".into(), (tx,))
        .await
        .map_err(|e| {
            Error::Parent(format!(
                "cannot fetch the blobs of {tx} (batch {number}): {e}; rebuilding from blobs needs a parent that serves them (anvil does; a beacon-API source is not implemented yet)"
            ))
        })?;
    let blobs = blobs.ok_or_else(|| {
        Error::Parent(format!(
            "the parent no longer has the blobs of {tx} (batch {number})"
        ))
    })?;
    let sidecar = alloy::eips::eip4844::BlobTransactionSidecar::try_from_blobs_with_settings(
        blobs,
        alloy::eips::eip4844::env_settings::EnvKzgSettings::Default.get(),
    )
    .map_err(|e| Error::Batch(format!("batch {number}'s blobs: {e}")))?;
    let served: Vec<B256> = sidecar.versioned_hashes().collect();
    if served != hashes {
        return Err(Error::Batch(format!(
            "the blobs served for batch {number} are not the committed ones"
        )));
    }
    fractal_da::pubdata_from_blobs(&sidecar.blobs)
        .map_err(|e| Error::Batch(format!("batch {number}'s blobs: {e}")))
}
