//! The JSON-RPC server (HTTP and WebSocket on one port): the `eth_*`, `net_*` and `web3_*` methods that
//! wallets, `cast`, `forge` and alloy use, with the standard error codes.

use std::{net::SocketAddr, sync::Arc};

use alloy_consensus::{
    ReceiptEnvelope, ReceiptWithBloom, TxEnvelope, TxType, transaction::Recovered,
};
use alloy_consensus_any::AnyReceiptEnvelope;
use alloy_eips::{BlockId, BlockNumberOrTag, eip2718::Decodable2718};
use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_rpc_types_eth::{
    Block, BlockTransactions, FeeHistory, Filter, FilterBlockOption, Header as RpcHeader,
    Log as RpcLog, SyncStatus, Transaction as RpcTransaction, TransactionReceipt,
    TransactionRequest,
};
use fractal_execution::CallRequest;
use fractal_primitives::{BatchWitness, MessageProof, PRIORITY_TX_TYPE, PriorityOp, SealedBatch};
use fractal_storage::{LogQuery, Store, StoredBlock, StoredLog, StoredReceipt, StoredTransaction};
use jsonrpsee::{
    PendingSubscriptionSink, SubscriptionMessage,
    core::{RpcResult, SubscriptionResult, async_trait},
    proc_macros::rpc,
    server::{Server, ServerConfig, ServerHandle},
    types::{ErrorObject, ErrorObjectOwned},
};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use tracing::debug;

use crate::{Error, batches::Batches, chain::Chain};

/// Largest request body accepted (bytes): a little over the largest transaction.
pub const MAX_REQUEST_BODY: u32 = 512 * 1024;
/// Most blocks one `eth_getLogs` may span.
pub const MAX_LOG_RANGE: u64 = LogQuery::MAX_BLOCK_RANGE;

/// The Ethereum JSON-RPC surface of a Fractal chain.
#[rpc(server)]
pub trait EthApi {
    /// `eth_chainId`.
    #[method(name = "eth_chainId")]
    fn chain_id(&self) -> RpcResult<U64>;
    /// `net_version`.
    #[method(name = "net_version")]
    fn net_version(&self) -> RpcResult<String>;
    /// `web3_clientVersion`.
    #[method(name = "web3_clientVersion")]
    fn client_version(&self) -> RpcResult<String>;
    /// `eth_syncing` (always false: the sequencer is the source of blocks).
    #[method(name = "eth_syncing")]
    fn syncing(&self) -> RpcResult<SyncStatus>;
    /// `eth_accounts` (the node holds no keys).
    #[method(name = "eth_accounts")]
    fn accounts(&self) -> RpcResult<Vec<Address>>;
    /// `eth_blockNumber`.
    #[method(name = "eth_blockNumber")]
    fn block_number(&self) -> RpcResult<U64>;
    /// `eth_gasPrice`: the base fee plus a 1 wei tip.
    #[method(name = "eth_gasPrice")]
    fn gas_price(&self) -> RpcResult<U256>;
    /// `eth_maxPriorityFeePerGas`.
    #[method(name = "eth_maxPriorityFeePerGas")]
    fn max_priority_fee(&self) -> RpcResult<U256>;
    /// `eth_feeHistory`.
    #[method(name = "eth_feeHistory")]
    fn fee_history(
        &self,
        count: U64,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory>;
    /// `eth_getBalance`.
    #[method(name = "eth_getBalance")]
    fn balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256>;
    /// `eth_getTransactionCount`.
    #[method(name = "eth_getTransactionCount")]
    fn transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64>;
    /// `eth_getCode`.
    #[method(name = "eth_getCode")]
    fn code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes>;
    /// `eth_getStorageAt`.
    #[method(name = "eth_getStorageAt")]
    fn storage_at(&self, address: Address, slot: U256, block: Option<BlockId>) -> RpcResult<B256>;
    /// `eth_call`.
    #[method(name = "eth_call")]
    fn call(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<Bytes>;
    /// `eth_estimateGas`.
    #[method(name = "eth_estimateGas")]
    fn estimate_gas(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<U64>;
    /// `eth_sendRawTransaction`.
    #[method(name = "eth_sendRawTransaction")]
    fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256>;
    /// `eth_getTransactionByHash`.
    #[method(name = "eth_getTransactionByHash")]
    fn transaction_by_hash(&self, hash: B256) -> RpcResult<Option<RpcTx>>;
    /// `eth_getTransactionReceipt`.
    #[method(name = "eth_getTransactionReceipt")]
    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<RpcReceipt>>;
    /// `eth_getBlockByNumber`.
    #[method(name = "eth_getBlockByNumber")]
    fn block_by_number(
        &self,
        block: BlockNumberOrTag,
        full: bool,
    ) -> RpcResult<Option<Block<RpcTx>>>;
    /// `eth_getBlockByHash`.
    #[method(name = "eth_getBlockByHash")]
    fn block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<Block<RpcTx>>>;
    /// `eth_getBlockReceipts`.
    #[method(name = "eth_getBlockReceipts")]
    fn block_receipts(&self, block: BlockId) -> RpcResult<Option<Vec<RpcReceipt>>>;
    /// `eth_getLogs`.
    #[method(name = "eth_getLogs")]
    fn logs(&self, filter: Filter) -> RpcResult<Vec<RpcLog>>;
    /// `eth_subscribe` with `newHeads` or `logs` (WebSocket only).
    #[subscription(name = "eth_subscribe" => "eth_subscription", unsubscribe = "eth_unsubscribe", item = serde_json::Value)]
    async fn subscribe(&self, kind: String, params: Option<Filter>) -> SubscriptionResult;
}

/// The server side of [`EthApiServer`].
#[derive(Debug)]
pub struct EthRpc<S> {
    chain: Arc<Chain<S>>,
}

impl<S> EthRpc<S> {
    /// Serves `chain`.
    pub fn new(chain: Arc<Chain<S>>) -> Self {
        Self { chain }
    }
}

/// Fractal's own methods: the batches the node seals, the proofs of the messages they hold, and the
/// chain's priority-queue progress (docs/node.md, "JSON-RPC").
#[rpc(server)]
pub trait FractalApi {
    /// `fractal_latestBatch`: the number of the last sealed batch (0: none yet).
    #[method(name = "fractal_latestBatch")]
    fn latest_batch(&self) -> RpcResult<U64>;
    /// `fractal_batchByNumber`: a sealed batch (header, blocks, pubdata, messages), or null.
    #[method(name = "fractal_batchByNumber")]
    fn batch_by_number(&self, number: U64) -> RpcResult<Option<SealedBatch>>;
    /// `fractal_batchWitness`: the state-tree writes of sealed batch `number` with their path witnesses
    /// (what its proof is made from), or null.
    #[method(name = "fractal_batchWitness")]
    fn batch_witness(&self, number: U64) -> RpcResult<Option<BatchWitness>>;
    /// `fractal_messageProof`: where message `nonce` of this chain's outbox sits in the sealed
    /// batches, with its Merkle proof, or null while no sealed batch holds it.
    #[method(name = "fractal_messageProof")]
    fn message_proof(&self, nonce: U64) -> RpcResult<Option<MessageProof>>;
    /// `fractal_genesisStateRoot`: the state root of the chain's genesis (batch 0 on the parent).
    #[method(name = "fractal_genesisStateRoot")]
    fn genesis_state_root(&self) -> RpcResult<B256>;
    /// `fractal_nextPriorityIndex`: the index of the next priority operation the chain expects from
    /// its parent's queue (all before it are executed or about to be).
    #[method(name = "fractal_nextPriorityIndex")]
    fn next_priority_index(&self) -> RpcResult<U64>;
}

/// The server side of [`FractalApiServer`].
#[derive(Debug)]
pub struct FractalRpc<S> {
    chain: Arc<Chain<S>>,
    batches: Option<Arc<Batches>>,
    /// Computed at the first request: the genesis never changes.
    genesis_root: std::sync::OnceLock<B256>,
}

impl<S> FractalRpc<S> {
    /// Serves `chain` and, when it seals batches, `batches`.
    pub fn new(chain: Arc<Chain<S>>, batches: Option<Arc<Batches>>) -> Self {
        Self {
            chain,
            batches,
            genesis_root: std::sync::OnceLock::new(),
        }
    }

    fn batches(&self) -> RpcResult<&Batches> {
        self.batches.as_deref().ok_or_else(|| {
            ErrorObject::owned(
                SERVER_ERROR,
                "this chain seals no batches: it has no [parent] in its configuration",
                None::<()>,
            )
        })
    }
}

impl<S: Store + 'static> FractalApiServer for FractalRpc<S> {
    fn latest_batch(&self) -> RpcResult<U64> {
        Ok(U64::from(self.batches()?.latest()))
    }

    fn batch_by_number(&self, number: U64) -> RpcResult<Option<SealedBatch>> {
        self.batches()?.get(number.to()).map_err(rpc_error)
    }

    fn batch_witness(&self, number: U64) -> RpcResult<Option<BatchWitness>> {
        self.batches()?.witness(number.to()).map_err(rpc_error)
    }

    fn message_proof(&self, nonce: U64) -> RpcResult<Option<MessageProof>> {
        self.batches()?.message_proof(nonce.to()).map_err(rpc_error)
    }

    fn genesis_state_root(&self) -> RpcResult<B256> {
        if let Some(root) = self.genesis_root.get() {
            return Ok(*root);
        }
        let root = crate::batches::genesis_state_root(
            &crate::chain::genesis_block(self.chain.config()).diff,
        )
        .map_err(rpc_error)?;
        Ok(*self.genesis_root.get_or_init(|| root))
    }

    fn next_priority_index(&self) -> RpcResult<U64> {
        Ok(U64::from(self.chain.next_priority_index()))
    }
}

/// Starts the JSON-RPC server on `addr` (HTTP and WebSocket), returning its handle and bound address.
/// `batches`, when the chain seals batches, backs the `fractal_*` batch methods.
pub async fn serve<S: Store + 'static>(
    chain: Arc<Chain<S>>,
    batches: Option<Arc<Batches>>,
    addr: SocketAddr,
) -> std::io::Result<(ServerHandle, SocketAddr)> {
    let config = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BODY)
        .max_response_body_size(64 * 1024 * 1024)
        .build();
    let server = Server::builder().set_config(config).build(addr).await?;
    let local = server.local_addr()?;
    let mut methods = EthRpc::new(chain.clone()).into_rpc();
    methods
        .merge(FractalRpc::new(chain, batches).into_rpc())
        .expect("the eth_ and fractal_ namespaces are disjoint");
    let handle = server.start(methods);
    Ok((handle, local))
}

// ---------------------------------------------------------------------- errors

/// Geth's code for a rejected transaction or call.
const SERVER_ERROR: i32 = -32000;
/// The code for a reverted call, with the revert data.
const EXECUTION_REVERTED: i32 = 3;
const INVALID_PARAMS: i32 = -32602;
const INTERNAL: i32 = -32603;

fn rpc_error(e: Error) -> ErrorObjectOwned {
    match e {
        Error::Storage(err) => ErrorObject::owned(INTERNAL, err.to_string(), None::<()>),
        Error::Execution(err) => ErrorObject::owned(INTERNAL, err.to_string(), None::<()>),
        Error::UnknownBlock(n) => {
            ErrorObject::owned(INVALID_PARAMS, format!("unknown block {n}"), None::<()>)
        }
        Error::Decode(_) | Error::BadSignature => {
            ErrorObject::owned(INVALID_PARAMS, e.to_string(), None::<()>)
        }
        other => ErrorObject::owned(SERVER_ERROR, other.to_string(), None::<()>),
    }
}

fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_PARAMS, message.into(), None::<()>)
}

fn storage<T>(r: fractal_storage::Result<T>) -> RpcResult<T> {
    r.map_err(|e| rpc_error(Error::Storage(e)))
}

// ---------------------------------------------------------------------- conversions

fn rpc_header(block: &StoredBlock) -> RpcHeader {
    RpcHeader {
        hash: block.hash,
        inner: block.header.clone(),
        total_difficulty: Some(U256::ZERO),
        size: None,
    }
}

fn decode_tx(stored: &StoredTransaction) -> RpcResult<Recovered<TxEnvelope>> {
    let envelope = TxEnvelope::decode_2718(&mut stored.raw.as_ref()).map_err(|e| {
        ErrorObject::owned(
            INTERNAL,
            format!("stored transaction {} is corrupt: {e}", stored.hash),
            None::<()>,
        )
    })?;
    Ok(Recovered::new_unchecked(envelope, stored.sender))
}

/// A transaction as served: Ethereum's types as Ethereum serves them; a priority operation (type
/// `0x7f`) with its own fields.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RpcTx {
    /// A signed transaction.
    Signed(Box<RpcTransaction>),
    /// A priority operation from the parent's queue.
    Priority(Box<PriorityRpcTx>),
}

/// A priority operation as a transaction object (docs/node.md, "Priority operations").
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriorityRpcTx {
    /// `0x7f`.
    #[serde(rename = "type")]
    pub tx_type: U64,
    /// The queue's `opHash`.
    pub hash: B256,
    /// The child-chain sender (`l2Sender`).
    pub from: Address,
    /// The call's target.
    pub to: Address,
    /// Wei credited to `from` before the call.
    pub mint: U256,
    /// Wei the call transfers.
    pub value: U256,
    /// The call's gas limit.
    pub gas: U256,
    /// Always 0: the parent paid.
    pub gas_price: U256,
    /// Calldata.
    pub input: Bytes,
    /// Always 0: priority operations use no nonce.
    pub nonce: U64,
    /// This chain's id.
    pub chain_id: U64,
    /// The operation's index in the parent's queue.
    pub queue_index: U64,
    /// Parent-chain address refunded if the chain freezes before the operation runs.
    pub refund_recipient: Address,
    /// The operation's deadline on the parent (unix seconds).
    pub deadline: U64,
    /// The block that holds it.
    pub block_hash: B256,
    /// Its number.
    pub block_number: U64,
    /// Position in the block.
    pub transaction_index: U64,
}

/// A receipt as served: Ethereum's types as Ethereum serves them; a priority operation's with type
/// `0x7f`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RpcReceipt {
    /// The receipt of a signed transaction.
    Signed(Box<TransactionReceipt>),
    /// The receipt of a priority operation.
    Priority(Box<TransactionReceipt<AnyReceiptEnvelope<RpcLog>>>),
}

fn rpc_transaction(
    stored: &StoredTransaction,
    chain_id: u64,
    base_fee: u64,
    timestamp: u64,
) -> RpcResult<RpcTx> {
    use alloy_consensus::Transaction as _;
    if stored.raw.first() == Some(&PRIORITY_TX_TYPE) {
        let op = PriorityOp::decode_2718(&stored.raw).map_err(|e| {
            ErrorObject::owned(
                INTERNAL,
                format!("stored transaction {} is corrupt: {e}", stored.hash),
                None::<()>,
            )
        })?;
        return Ok(RpcTx::Priority(Box::new(PriorityRpcTx {
            tx_type: U64::from(PRIORITY_TX_TYPE),
            hash: stored.hash,
            from: op.l2Sender,
            to: op.target,
            mint: op.mint,
            value: op.l2Value,
            gas: op.gasLimit,
            gas_price: U256::ZERO,
            input: op.data,
            nonce: U64::ZERO,
            chain_id: U64::from(chain_id),
            queue_index: U64::from(op.index),
            refund_recipient: op.refundRecipient,
            deadline: U64::from(op.deadline),
            block_hash: stored.block_hash,
            block_number: U64::from(stored.block_number),
            transaction_index: U64::from(stored.index),
        })));
    }
    let inner = decode_tx(stored)?;
    let effective = inner.effective_gas_price(Some(base_fee));
    Ok(RpcTx::Signed(Box::new(RpcTransaction {
        inner,
        block_hash: Some(stored.block_hash),
        block_number: Some(stored.block_number),
        transaction_index: Some(stored.index),
        effective_gas_price: Some(effective),
        block_timestamp: Some(timestamp),
    })))
}

fn rpc_logs(stored: &StoredReceipt, timestamp: u64) -> Vec<RpcLog> {
    stored
        .receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, log)| RpcLog {
            inner: log.clone(),
            block_hash: Some(stored.block_hash),
            block_number: Some(stored.block_number),
            block_timestamp: Some(timestamp),
            transaction_hash: Some(stored.tx_hash),
            transaction_index: Some(stored.index),
            log_index: Some(stored.first_log_index + i as u64),
            removed: false,
        })
        .collect()
}

fn rpc_receipt(stored: &StoredReceipt, timestamp: u64) -> RpcReceipt {
    let r = &stored.receipt;
    let consensus = alloy_consensus::Receipt {
        status: alloy_consensus::Eip658Value::Eip658(r.success),
        cumulative_gas_used: r.cumulative_gas_used,
        logs: rpc_logs(stored, timestamp),
    };
    let with_bloom = ReceiptWithBloom {
        receipt: consensus,
        logs_bloom: r.logs_bloom,
    };
    let receipt = TransactionReceipt {
        inner: with_bloom,
        transaction_hash: stored.tx_hash,
        transaction_index: Some(stored.index),
        block_hash: Some(stored.block_hash),
        block_number: Some(stored.block_number),
        gas_used: r.gas_used,
        effective_gas_price: r.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: r.from,
        to: r.to,
        contract_address: r.contract_address,
    };
    if r.tx_type == PRIORITY_TX_TYPE {
        return RpcReceipt::Priority(Box::new(receipt.map_inner(|inner| AnyReceiptEnvelope {
            inner,
            r#type: PRIORITY_TX_TYPE,
        })));
    }
    let ty = TxType::try_from(r.tx_type).unwrap_or(TxType::Eip1559);
    RpcReceipt::Signed(Box::new(receipt.map_inner(|inner| match ty {
        TxType::Legacy => ReceiptEnvelope::Legacy(inner),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(inner),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(inner),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(inner),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(inner),
    })))
}

/// A stored receipt as the JSON-RPC `eth_getTransactionReceipt` object (shared with the REST API).
pub(crate) fn receipt_json(stored: &StoredReceipt, timestamp: u64) -> serde_json::Value {
    serde_json::to_value(rpc_receipt(stored, timestamp)).unwrap_or(serde_json::Value::Null)
}

fn call_request(req: &TransactionRequest) -> CallRequest {
    CallRequest {
        from: req.from,
        to: req.to.and_then(|kind| kind.to().copied()),
        gas: req.gas,
        gas_price: req.gas_price,
        max_fee_per_gas: req.max_fee_per_gas,
        max_priority_fee_per_gas: req.max_priority_fee_per_gas,
        value: req.value.unwrap_or_default(),
        input: req.input.input().cloned().unwrap_or_default(),
        nonce: req.nonce,
    }
}

impl<S: Store + 'static> EthRpc<S> {
    /// Resolves a block tag to a number (`None`: latest).
    fn resolve(&self, block: Option<BlockId>) -> RpcResult<Option<u64>> {
        let latest = self.chain.latest_number().map_err(rpc_error)?;
        let number = match block.unwrap_or(BlockId::Number(BlockNumberOrTag::Latest)) {
            BlockId::Number(BlockNumberOrTag::Number(n)) => n,
            BlockId::Number(BlockNumberOrTag::Earliest) => 0,
            BlockId::Number(_) => return Ok(None),
            BlockId::Hash(h) => storage(self.chain.store().block_number_by_hash(h.block_hash))?
                .ok_or_else(|| invalid_params(format!("unknown block hash {}", h.block_hash)))?,
        };
        if number > latest {
            return Err(invalid_params(format!(
                "block {number} is beyond the latest block {latest}"
            )));
        }
        Ok(if number == latest { None } else { Some(number) })
    }

    fn block_number_of(&self, tag: BlockNumberOrTag) -> RpcResult<Option<u64>> {
        let latest = self.chain.latest_number().map_err(rpc_error)?;
        Ok(match tag {
            BlockNumberOrTag::Number(n) if n > latest => None,
            BlockNumberOrTag::Number(n) => Some(n),
            BlockNumberOrTag::Earliest => Some(0),
            _ => Some(latest),
        })
    }

    fn full_block(&self, block: &StoredBlock, full: bool) -> RpcResult<Block<RpcTx>> {
        let transactions = if full {
            let mut txs = Vec::with_capacity(block.tx_hashes.len());
            for hash in &block.tx_hashes {
                let stored = storage(self.chain.store().transaction(*hash))?.ok_or_else(|| {
                    ErrorObject::owned(INTERNAL, format!("transaction {hash} missing"), None::<()>)
                })?;
                txs.push(rpc_transaction(
                    &stored,
                    self.chain.config().chain_id,
                    self.chain.base_fee(),
                    block.header.timestamp,
                )?);
            }
            BlockTransactions::Full(txs)
        } else {
            BlockTransactions::Hashes(block.tx_hashes.clone())
        };
        Ok(Block {
            header: rpc_header(block),
            uncles: vec![],
            transactions,
            withdrawals: None,
        })
    }

    fn timestamp_of(&self, number: u64) -> RpcResult<u64> {
        Ok(storage(self.chain.store().block_by_number(number))?.map_or(0, |b| b.header.timestamp))
    }

    fn reverted(outcome: &fractal_execution::CallOutcome) -> ErrorObjectOwned {
        let data = outcome.revert_data.clone().unwrap_or_default();
        let message = match &outcome.halt_reason {
            Some(reason) => format!("execution halted: {reason}"),
            None => "execution reverted".to_owned(),
        };
        ErrorObject::owned(EXECUTION_REVERTED, message, Some(data))
    }
}

#[async_trait]
impl<S: Store + 'static> EthApiServer for EthRpc<S> {
    fn chain_id(&self) -> RpcResult<U64> {
        Ok(U64::from(self.chain.config().chain_id))
    }

    fn net_version(&self) -> RpcResult<String> {
        Ok(self.chain.config().chain_id.to_string())
    }

    fn client_version(&self) -> RpcResult<String> {
        Ok(format!("fractal/v{}", env!("CARGO_PKG_VERSION")))
    }

    fn syncing(&self) -> RpcResult<SyncStatus> {
        Ok(SyncStatus::None)
    }

    fn accounts(&self) -> RpcResult<Vec<Address>> {
        Ok(vec![])
    }

    fn block_number(&self) -> RpcResult<U64> {
        Ok(U64::from(self.chain.latest_number().map_err(rpc_error)?))
    }

    fn gas_price(&self) -> RpcResult<U256> {
        Ok(U256::from(self.chain.base_fee()) + U256::from(1))
    }

    fn max_priority_fee(&self) -> RpcResult<U256> {
        Ok(U256::from(1))
    }

    fn fee_history(
        &self,
        count: U64,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory> {
        let newest = self
            .block_number_of(newest)?
            .ok_or_else(|| invalid_params("unknown newest block"))?;
        let count = count.to::<u64>().clamp(1, 1024).min(newest + 1);
        let oldest = newest + 1 - count;
        let mut gas_used_ratio = Vec::with_capacity(count as usize);
        for n in oldest..=newest {
            let block = storage(self.chain.store().block_by_number(n))?
                .ok_or_else(|| invalid_params(format!("unknown block {n}")))?;
            gas_used_ratio
                .push(block.header.gas_used as f64 / block.header.gas_limit.max(1) as f64);
        }
        let base_fee = u128::from(self.chain.base_fee());
        let reward = percentiles.map(|p| vec![vec![1u128; p.len()]; count as usize]);
        Ok(FeeHistory {
            base_fee_per_gas: vec![base_fee; count as usize + 1],
            gas_used_ratio,
            base_fee_per_blob_gas: vec![0; count as usize + 1],
            blob_gas_used_ratio: vec![0.0; count as usize],
            oldest_block: oldest,
            reward,
        })
    }

    fn balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256> {
        let at = self.resolve(block)?;
        Ok(storage(self.chain.store().account(address, at))?.map_or(U256::ZERO, |a| a.balance))
    }

    fn transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64> {
        let pending = matches!(block, Some(BlockId::Number(BlockNumberOrTag::Pending)));
        let at = self.resolve(block)?;
        Ok(U64::from(
            self.chain.nonce(address, at, pending).map_err(rpc_error)?,
        ))
    }

    fn code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes> {
        let at = self.resolve(block)?;
        let Some(account) = storage(self.chain.store().account(address, at))? else {
            return Ok(Bytes::new());
        };
        Ok(storage(self.chain.store().code_by_hash(account.code_hash))?.unwrap_or_default())
    }

    fn storage_at(&self, address: Address, slot: U256, block: Option<BlockId>) -> RpcResult<B256> {
        let at = self.resolve(block)?;
        Ok(B256::from(storage(
            self.chain.store().storage(address, slot, at),
        )?))
    }

    fn call(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<Bytes> {
        let at = self.resolve(block)?;
        let outcome = self
            .chain
            .call(&call_request(&request), at)
            .map_err(rpc_error)?;
        if outcome.success {
            Ok(outcome.output)
        } else {
            Err(Self::reverted(&outcome))
        }
    }

    fn estimate_gas(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<U64> {
        let at = self.resolve(block)?;
        let req = call_request(&request);
        match self.chain.estimate_gas(&req, at) {
            Ok(gas) => Ok(U64::from(gas)),
            Err(e) => {
                // Report a revert as the call would, with its data.
                let outcome = self.chain.call(&req, at).map_err(rpc_error)?;
                if outcome.success {
                    Err(rpc_error(e))
                } else {
                    Err(Self::reverted(&outcome))
                }
            }
        }
    }

    fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256> {
        let hash = self.chain.submit_raw(&raw).map_err(rpc_error)?;
        debug!(%hash, "eth_sendRawTransaction");
        Ok(hash)
    }

    fn transaction_by_hash(&self, hash: B256) -> RpcResult<Option<RpcTx>> {
        if let Some(stored) = storage(self.chain.store().transaction(hash))? {
            let ts = self.timestamp_of(stored.block_number)?;
            return Ok(Some(rpc_transaction(
                &stored,
                self.chain.config().chain_id,
                self.chain.base_fee(),
                ts,
            )?));
        }
        let Some((raw, sender)) = self.chain.pending_transaction(&hash) else {
            return Ok(None);
        };
        let envelope = TxEnvelope::decode_2718(&mut raw.as_ref())
            .map_err(|e| invalid_params(e.to_string()))?;
        Ok(Some(RpcTx::Signed(Box::new(RpcTransaction {
            inner: Recovered::new_unchecked(envelope, sender),
            block_hash: None,
            block_number: None,
            transaction_index: None,
            effective_gas_price: None,
            block_timestamp: None,
        }))))
    }

    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<RpcReceipt>> {
        let Some(stored) = storage(self.chain.store().receipt(hash))? else {
            return Ok(None);
        };
        let ts = self.timestamp_of(stored.block_number)?;
        Ok(Some(rpc_receipt(&stored, ts)))
    }

    fn block_by_number(
        &self,
        block: BlockNumberOrTag,
        full: bool,
    ) -> RpcResult<Option<Block<RpcTx>>> {
        let Some(number) = self.block_number_of(block)? else {
            return Ok(None);
        };
        match storage(self.chain.store().block_by_number(number))? {
            Some(b) => Ok(Some(self.full_block(&b, full)?)),
            None => Ok(None),
        }
    }

    fn block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<Block<RpcTx>>> {
        match storage(self.chain.store().block_by_hash(hash))? {
            Some(b) => Ok(Some(self.full_block(&b, full)?)),
            None => Ok(None),
        }
    }

    fn block_receipts(&self, block: BlockId) -> RpcResult<Option<Vec<RpcReceipt>>> {
        let number = match block {
            BlockId::Hash(h) => {
                match storage(self.chain.store().block_number_by_hash(h.block_hash))? {
                    Some(n) => n,
                    None => return Ok(None),
                }
            }
            BlockId::Number(tag) => match self.block_number_of(tag)? {
                Some(n) => n,
                None => return Ok(None),
            },
        };
        let ts = self.timestamp_of(number)?;
        Ok(storage(self.chain.store().block_receipts(number))?
            .map(|rs| rs.iter().map(|r| rpc_receipt(r, ts)).collect()))
    }

    fn logs(&self, filter: Filter) -> RpcResult<Vec<RpcLog>> {
        let latest = self.chain.latest_number().map_err(rpc_error)?;
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => {
                let n = storage(self.chain.store().block_number_by_hash(hash))?
                    .ok_or_else(|| invalid_params(format!("unknown block hash {hash}")))?;
                (n, n)
            }
            FilterBlockOption::Range {
                from_block,
                to_block,
            } => {
                let resolve = |tag: Option<BlockNumberOrTag>| match tag {
                    Some(BlockNumberOrTag::Number(n)) => n.min(latest),
                    Some(BlockNumberOrTag::Earliest) => 0,
                    _ => latest,
                };
                (resolve(from_block), resolve(to_block))
            }
        };
        if from > to {
            return Err(invalid_params(format!(
                "fromBlock {from} is after toBlock {to}"
            )));
        }
        if to - from >= MAX_LOG_RANGE {
            return Err(invalid_params(format!(
                "block range {from}..={to} exceeds {MAX_LOG_RANGE} blocks"
            )));
        }
        let mut query = LogQuery::new(from, to);
        query.addresses = filter.address.iter().copied().collect();
        for (i, topic) in filter.topics.iter().enumerate() {
            query.topics[i] = topic.iter().copied().collect();
        }
        let logs = storage(self.chain.store().logs(&query))?;
        logs.iter()
            .map(|l| Ok(stored_log_to_rpc(l, self.timestamp_of(l.block_number)?)))
            .collect()
    }

    async fn subscribe(
        &self,
        pending: PendingSubscriptionSink,
        kind: String,
        params: Option<Filter>,
    ) -> SubscriptionResult {
        let filter = match kind.as_str() {
            "newHeads" => None,
            "logs" => Some(params.unwrap_or_default()),
            other => {
                pending
                    .reject(invalid_params(format!(
                        "unsupported subscription {other:?}: use newHeads or logs"
                    )))
                    .await;
                return Ok(());
            }
        };
        let mut blocks = self.chain.subscribe_blocks();
        let sink = pending.accept().await?;
        loop {
            let note = match blocks.recv().await {
                Ok(note) => note,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return Ok(()),
            };
            let values: Vec<serde_json::Value> = match &filter {
                None => vec![serde_json::to_value(rpc_header(&note.block))?],
                Some(filter) => {
                    let mut out = Vec::new();
                    let mut log_index = 0u64;
                    for (i, (tx_hash, receipt)) in note.receipts.iter().enumerate() {
                        for log in &receipt.logs {
                            if filter.matches(log) {
                                out.push(serde_json::to_value(RpcLog {
                                    inner: log.clone(),
                                    block_hash: Some(note.block.hash),
                                    block_number: Some(note.block.number()),
                                    block_timestamp: Some(note.block.header.timestamp),
                                    transaction_hash: Some(*tx_hash),
                                    transaction_index: Some(i as u64),
                                    log_index: Some(log_index),
                                    removed: false,
                                })?);
                            }
                            log_index += 1;
                        }
                    }
                    out
                }
            };
            for value in values {
                let message = SubscriptionMessage::from(serde_json::value::to_raw_value(&value)?);
                if sink.send(message).await.is_err() {
                    return Ok(());
                }
            }
        }
    }
}

fn stored_log_to_rpc(l: &StoredLog, timestamp: u64) -> RpcLog {
    RpcLog {
        inner: l.log.clone(),
        block_hash: Some(l.block_hash),
        block_number: Some(l.block_number),
        block_timestamp: Some(timestamp),
        transaction_hash: Some(l.tx_hash),
        transaction_index: Some(l.tx_index),
        log_index: Some(l.log_index),
        removed: false,
    }
}
