//! The operator's transactions on the parent chain: one at a time, each recorded in the journal before it
//! is broadcast, checked with `eth_call` before it is signed, re-sent with higher fees while it waits,
//! and settled once one of its attempts has the configured confirmations or another transaction has
//! taken its nonce.

use std::time::{Duration, Instant};

use alloy::{
    consensus::{
        SignableTransaction as _, TxEip1559, TxEip4844, TxEip4844Variant, TxEip4844WithSidecar,
        TxEnvelope,
    },
    eips::{BlockId, eip2718::Encodable2718 as _, eip4844::BlobTransactionSidecar},
    network::TransactionBuilder as _,
    primitives::{Address, B256, Bytes, TxKind, U256},
    providers::{Provider, RootProvider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::{SignerSync as _, local::PrivateKeySigner},
    transports::TransportError,
};
use tracing::{debug, info, warn};

use crate::{
    Endpoint, Error, Result, RevertReason, Step,
    progress::{InFlight, Journal},
};

/// Gas price limits and the fee-bump rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeePolicy {
    /// How much each re-send raises both fees, in thousandths (125 = 12.5%, the least accepted).
    pub bump_permille: u32,
    /// The highest `maxFeePerGas` the operator pays, in wei; fees are never raised above it.
    pub max_fee_per_gas: u128,
}

impl Default for FeePolicy {
    fn default() -> Self {
        Self {
            bump_permille: 125,
            max_fee_per_gas: 500_000_000_000,
        }
    }
}

/// How transactions wait on the parent chain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SendSettings {
    pub(crate) confirmations: u64,
    pub(crate) poll_interval: Duration,
    pub(crate) bump_after: Duration,
    pub(crate) fees: FeePolicy,
}

/// How a transaction in flight ended.
#[derive(Debug)]
pub(crate) enum Settled {
    /// One attempt was mined, succeeded and has the configured confirmations.
    Mined(Box<TransactionReceipt>),
    /// Another transaction took the nonce; none of the attempts will be mined.
    Superseded,
    /// The test hook stopped the publisher right after the broadcast (a simulated crash).
    Halted,
}

/// The operator's account on the parent chain.
#[derive(Debug)]
pub(crate) struct Sender {
    pub(crate) provider: RootProvider,
    signer: PrivateKeySigner,
    chain_id: u64,
    next_nonce: Option<u64>,
    settings: SendSettings,
    /// Test hook: sends left before the sender halts as if killed, and whether it halts before the
    /// broadcast of that last one (else right after it); `None`: never.
    pub(crate) halt_at: Option<(u64, bool)>,
    /// Test hook: send without `eth_call` and gas estimation, so that a revert is mined.
    pub(crate) skip_preflight: bool,
    pub(crate) halted: bool,
}

fn rpc(method: &'static str) -> impl FnOnce(TransportError) -> Error {
    move |source| Error::Rpc {
        at: Endpoint::Parent,
        method,
        source,
    }
}

/// Polls in a row that must see the nonce taken, with no receipt of ours, before the transaction
/// counts as superseded.
const SUPERSEDED_POLLS: u32 = 3;

/// `value` raised by `permille` thousandths, rounded up.
fn bump(value: u128, permille: u32) -> u128 {
    let permille = u128::from(permille);
    // value * permille / 1000, rounded up, without overflowing: whole thousands, then the rest.
    let raise = (value / 1000)
        .saturating_mul(permille)
        .saturating_add((value % 1000 * permille).div_ceil(1000));
    value.saturating_add(raise)
}

impl Sender {
    /// The operator `signer` on the parent chain behind `provider`.
    pub(crate) async fn new(
        provider: RootProvider,
        signer: PrivateKeySigner,
        settings: SendSettings,
    ) -> Result<Self> {
        let chain_id = provider.get_chain_id().await.map_err(rpc("eth_chainId"))?;
        Ok(Self {
            provider,
            signer,
            chain_id,
            next_nonce: None,
            settings,
            halt_at: None,
            skip_preflight: false,
            halted: false,
        })
    }

    /// The operator's address.
    pub(crate) fn address(&self) -> Address {
        self.signer.address()
    }

    /// The parent chain's id.
    pub(crate) fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The next nonce: the account's `pending` transaction count when first needed or after another
    /// transaction took one of ours, then counted here.
    async fn nonce(&mut self) -> Result<u64> {
        if let Some(n) = self.next_nonce {
            return Ok(n);
        }
        let n = self
            .provider
            .get_transaction_count(self.address())
            .pending()
            .await
            .map_err(rpc("eth_getTransactionCount"))?;
        debug!(operator = %self.address(), nonce = n, "read the operator's pending nonce");
        self.next_nonce = Some(n);
        Ok(n)
    }

    fn request(&self, to: Address, input: &Bytes) -> TransactionRequest {
        TransactionRequest::default()
            .with_from(self.address())
            .with_to(to)
            .with_input(input.clone())
    }

    /// [`request`](Self::request), carrying the blobs of `blob_pubdata` when there are any (their
    /// versioned hashes, which is what `blobhash` reads in `eth_call`).
    fn request_with_blobs(
        &self,
        to: Address,
        input: &Bytes,
        blob_pubdata: Option<&Bytes>,
        max_fee_per_blob_gas: u128,
    ) -> Result<TransactionRequest> {
        let mut request = self.request(to, input);
        if let Some(pubdata) = blob_pubdata {
            request.blob_versioned_hashes = Some(fractal_da::versioned_hashes(pubdata)?);
            request.max_fee_per_blob_gas = Some(max_fee_per_blob_gas);
        }
        Ok(request)
    }

    /// The blob fee cap of a new blob-carrying transaction: twice the current blob base fee.
    async fn initial_blob_fee(&self) -> Result<u128> {
        let base = self
            .provider
            .get_blob_base_fee()
            .await
            .map_err(rpc("eth_blobBaseFee"))?;
        Ok(base.saturating_mul(2).max(1))
    }

    /// Maps a failed `eth_call` or `eth_estimateGas` to the decoded revert, when it is one.
    fn preflight_error(step: Step, method: &'static str, e: TransportError) -> Error {
        match e.as_error_resp() {
            Some(payload) if payload.message.contains("revert") => Error::Preflight {
                step,
                reason: Box::new(RevertReason::decode(
                    &payload.as_revert_data().unwrap_or_default(),
                )),
            },
            _ => rpc(method)(e),
        }
    }

    /// Sends a call to `to` as `step`: checks it with `eth_call`, records it in `journal`, broadcasts it
    /// and waits until it settles.
    /// With `blob_pubdata`, the transaction is an EIP-4844 one carrying that pubdata's blobs.
    pub(crate) async fn send(
        &mut self,
        step: Step,
        to: Address,
        input: Bytes,
        blob_pubdata: Option<Bytes>,
        journal: &mut impl Journal,
    ) -> Result<Settled> {
        let max_fee_per_blob_gas = match &blob_pubdata {
            Some(_) => self.initial_blob_fee().await?,
            None => 0,
        };
        let request =
            self.request_with_blobs(to, &input, blob_pubdata.as_ref(), max_fee_per_blob_gas)?;
        let gas_limit = if self.skip_preflight {
            1_000_000
        } else {
            self.provider
                .call(request.clone())
                .block(BlockId::latest())
                .await
                .map_err(|e| Self::preflight_error(step, "eth_call", e))?;
            let estimate = self
                .provider
                .estimate_gas(request)
                .await
                .map_err(|e| Self::preflight_error(step, "eth_estimateGas", e))?;
            // Headroom for state that changes between the estimate and the block.
            estimate + estimate / 4 + 10_000
        };
        let (max_fee_per_gas, max_priority_fee_per_gas) = self.initial_fees().await?;
        let nonce = self.nonce().await?;
        let mut in_flight = InFlight {
            step,
            nonce,
            to,
            input,
            gas_limit,
            max_fee_per_gas,
            max_priority_fee_per_gas,
            blob_pubdata,
            max_fee_per_blob_gas,
            hashes: Vec::new(),
        };
        let halt = match self.halt_at.as_mut() {
            Some((left, before_broadcast)) => {
                *left = left.saturating_sub(1);
                (*left == 0).then_some(*before_broadcast)
            }
            None => None,
        };
        if halt == Some(true) {
            // What a crash between the journal write and the broadcast leaves behind.
            self.sign(&mut in_flight, journal)?;
        } else {
            self.broadcast(&mut in_flight, journal).await?;
        }
        if let Some(before_broadcast) = halt {
            warn!(%step, before_broadcast, "test hook: halting as if killed");
            self.halted = true;
            return Ok(Settled::Halted);
        }
        self.settle(in_flight, journal).await
    }

    /// Finishes a transaction recorded before a restart: broadcasts its latest attempt again unless one
    /// is mined already, then waits until it settles.
    pub(crate) async fn resume(
        &mut self,
        mut in_flight: InFlight,
        journal: &mut impl Journal,
    ) -> Result<Settled> {
        info!(
            step = %in_flight.step,
            nonce = in_flight.nonce,
            attempts = in_flight.hashes.len(),
            "resuming the transaction in flight before anything else"
        );
        if self.mined_attempt(&in_flight).await?.is_none() {
            self.broadcast(&mut in_flight, journal).await?;
        }
        self.settle(in_flight, journal).await
    }

    async fn initial_fees(&self) -> Result<(u128, u128)> {
        let estimate = self
            .provider
            .estimate_eip1559_fees()
            .await
            .map_err(rpc("eth_feeHistory"))?;
        let cap = self.settings.fees.max_fee_per_gas;
        if estimate.max_fee_per_gas > cap {
            warn!(
                estimate = estimate.max_fee_per_gas,
                cap, "the parent chain's fees exceed the fee cap; sending at the cap"
            );
        }
        let max_fee = estimate.max_fee_per_gas.min(cap);
        Ok((max_fee, estimate.max_priority_fee_per_gas.min(max_fee)))
    }

    /// Signs the attempt with the current fees and records it; returns the raw transaction.
    fn sign(&self, f: &mut InFlight, journal: &mut impl Journal) -> Result<(B256, Vec<u8>)> {
        let envelope = match &f.blob_pubdata {
            Some(pubdata) => {
                let sidecar = fractal_da::sidecar(pubdata)?;
                let tx = TxEip4844 {
                    chain_id: self.chain_id,
                    nonce: f.nonce,
                    gas_limit: f.gas_limit,
                    max_fee_per_gas: f.max_fee_per_gas,
                    max_priority_fee_per_gas: f.max_priority_fee_per_gas,
                    to: f.to,
                    value: U256::ZERO,
                    access_list: Default::default(),
                    blob_versioned_hashes: sidecar.versioned_hashes().collect(),
                    max_fee_per_blob_gas: f.max_fee_per_blob_gas,
                    input: f.input.clone(),
                };
                // Signed with its sidecar, it encodes in the network form: the transaction with its
                // blobs, commitments and proofs.
                let tx: TxEip4844Variant =
                    TxEip4844Variant::<BlobTransactionSidecar>::TxEip4844WithSidecar(
                        TxEip4844WithSidecar::from_tx_and_sidecar(tx, sidecar),
                    )
                    .into();
                let signature = self.signer.sign_hash_sync(&tx.signature_hash())?;
                TxEnvelope::from(tx.into_signed(signature))
            }
            None => {
                let tx = TxEip1559 {
                    chain_id: self.chain_id,
                    nonce: f.nonce,
                    gas_limit: f.gas_limit,
                    max_fee_per_gas: f.max_fee_per_gas,
                    max_priority_fee_per_gas: f.max_priority_fee_per_gas,
                    to: TxKind::Call(f.to),
                    value: U256::ZERO,
                    access_list: Default::default(),
                    input: f.input.clone(),
                };
                let signature = self.signer.sign_hash_sync(&tx.signature_hash())?;
                TxEnvelope::from(tx.into_signed(signature))
            }
        };
        let hash = *envelope.tx_hash();
        if !f.hashes.contains(&hash) {
            f.hashes.push(hash);
        }
        // Recorded before it leaves: whatever happens next, a restart knows this hash.
        journal.record(Some(f))?;
        Ok((hash, envelope.encoded_2718()))
    }

    /// Signs the attempt with the current fees, records it, then broadcasts it. A broadcast the node
    /// refuses is logged; waiting goes on (the nonce may already be mined, or the next bump gets in).
    async fn broadcast(&mut self, f: &mut InFlight, journal: &mut impl Journal) -> Result<()> {
        let (hash, raw) = self.sign(f, journal)?;
        match self.provider.send_raw_transaction(&raw).await {
            Ok(_) => info!(
                step = %f.step,
                tx = %hash,
                nonce = f.nonce,
                max_fee_per_gas = f.max_fee_per_gas,
                max_priority_fee_per_gas = f.max_priority_fee_per_gas,
                "sent"
            ),
            Err(e) => {
                warn!(step = %f.step, tx = %hash, nonce = f.nonce, error = %e, "broadcast refused")
            }
        }
        Ok(())
    }

    async fn receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>> {
        self.provider
            .get_transaction_receipt(hash)
            .await
            .map_err(rpc("eth_getTransactionReceipt"))
    }

    async fn mined_attempt(&self, f: &InFlight) -> Result<Option<TransactionReceipt>> {
        for hash in f.hashes.iter().rev() {
            if let Some(receipt) = self.receipt(*hash).await? {
                return Ok(Some(receipt));
            }
        }
        Ok(None)
    }

    /// Waits until an attempt has the configured confirmations (or the nonce went to another
    /// transaction), re-sending with higher fees every `bump_after`.
    async fn settle(&mut self, mut f: InFlight, journal: &mut impl Journal) -> Result<Settled> {
        let mut last_send = Instant::now();
        let mut taken_polls = 0;
        loop {
            if let Some(receipt) = self.mined_attempt(&f).await? {
                let block = receipt.block_number.unwrap_or_default();
                if self.confirmed(&receipt, block).await? {
                    journal.record(None)?;
                    self.next_nonce = Some(f.nonce + 1);
                    if !receipt.status() {
                        let reason = Box::new(self.replay(&f, block).await);
                        return Err(Error::Reverted {
                            step: f.step,
                            tx: receipt.transaction_hash,
                            reason,
                        });
                    }
                    info!(
                        step = %f.step,
                        tx = %receipt.transaction_hash,
                        block,
                        gas_used = receipt.gas_used,
                        confirmations = self.settings.confirmations,
                        "mined"
                    );
                    return Ok(Settled::Mined(Box::new(receipt)));
                }
                // Reorganized out while confirming: wait for it again.
                continue;
            }
            let mined_nonce = self
                .provider
                .get_transaction_count(self.address())
                .latest()
                .await
                .map_err(rpc("eth_getTransactionCount"))?;
            // A node may count the nonce a moment before it serves the receipt: only a taken nonce
            // seen on several polls in a row, with none of our receipts, means another transaction.
            taken_polls = if mined_nonce > f.nonce {
                taken_polls + 1
            } else {
                0
            };
            if taken_polls >= SUPERSEDED_POLLS {
                warn!(
                    step = %f.step,
                    nonce = f.nonce,
                    "another transaction of the operator took this nonce; re-reading the parent chain"
                );
                journal.record(None)?;
                self.next_nonce = None;
                return Ok(Settled::Superseded);
            }
            if last_send.elapsed() >= self.settings.bump_after {
                match self.bumped_fees(&f).await {
                    Some((max_fee, tip)) => {
                        f.max_fee_per_gas = max_fee;
                        f.max_priority_fee_per_gas = tip;
                        // Pools replace a blob transaction only for a doubled blob fee.
                        f.max_fee_per_blob_gas = f.max_fee_per_blob_gas.saturating_mul(2);
                        self.broadcast(&mut f, journal).await?;
                    }
                    None => warn!(
                        step = %f.step,
                        max_fee_per_gas = f.max_fee_per_gas,
                        cap = self.settings.fees.max_fee_per_gas,
                        "not mined yet and the fee cap leaves no room for a bump; waiting"
                    ),
                }
                last_send = Instant::now();
            }
            tokio::time::sleep(self.settings.poll_interval).await;
        }
    }

    /// Waits for `receipt` (mined in `block`) to have the configured confirmations; false when it
    /// left the chain meanwhile.
    async fn confirmed(&self, receipt: &TransactionReceipt, block: u64) -> Result<bool> {
        let needed = block + self.settings.confirmations.max(1) - 1;
        loop {
            let head = self
                .provider
                .get_block_number()
                .await
                .map_err(rpc("eth_blockNumber"))?;
            if head >= needed {
                let still = self.receipt(receipt.transaction_hash).await?;
                return Ok(still.is_some_and(|r| r.block_hash == receipt.block_hash));
            }
            tokio::time::sleep(self.settings.poll_interval).await;
        }
    }

    /// Fees for the next attempt: both raised by the bump, or to the current estimate if higher,
    /// within the cap; `None` when the cap leaves no room for a full bump.
    async fn bumped_fees(&self, f: &InFlight) -> Option<(u128, u128)> {
        let policy = self.settings.fees;
        let min_fee = bump(f.max_fee_per_gas, policy.bump_permille);
        let min_tip = bump(f.max_priority_fee_per_gas, policy.bump_permille);
        let (est_fee, est_tip) = match self.provider.estimate_eip1559_fees().await {
            Ok(e) => (e.max_fee_per_gas, e.max_priority_fee_per_gas),
            Err(e) => {
                warn!(error = %e, "fee estimate failed; bumping from the last fees");
                (0, 0)
            }
        };
        let fee = min_fee.max(est_fee).min(policy.max_fee_per_gas);
        let tip = min_tip.max(est_tip).min(fee);
        (fee >= min_fee && tip >= min_tip).then_some((fee, tip))
    }

    /// Why a mined transaction reverted: the same call replayed with `eth_call` on the state before its
    /// block (the block's earlier transactions are not replayed, so this is the likely reason).
    async fn replay(&self, f: &InFlight, block: u64) -> RevertReason {
        let request = match self.request_with_blobs(
            f.to,
            &f.input,
            f.blob_pubdata.as_ref(),
            f.max_fee_per_blob_gas,
        ) {
            Ok(request) => request.with_gas_limit(f.gas_limit),
            Err(_) => self.request(f.to, &f.input).with_gas_limit(f.gas_limit),
        };
        match self
            .provider
            .call(request)
            .block(BlockId::number(block.saturating_sub(1)))
            .await
        {
            Ok(_) => RevertReason::decode(&[]),
            Err(e) => RevertReason::decode(
                &e.as_error_resp()
                    .and_then(|p| p.as_revert_data())
                    .unwrap_or_default(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bump;

    #[test]
    fn bumps_round_up_and_reach_twelve_and_a_half_percent() {
        assert_eq!(bump(1000, 125), 1125);
        assert_eq!(bump(1, 125), 2);
        assert_eq!(bump(8, 125), 9);
        assert_eq!(bump(0, 125), 0);
        assert_eq!(bump(u128::MAX / 2, 125), u128::MAX / 2 + u128::MAX / 16 + 1);
        assert_eq!(bump(u128::MAX, 125), u128::MAX);
    }
}
