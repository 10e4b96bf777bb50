use std::{fmt, future::Future, path::PathBuf, time::Duration};

use alloy::{
    eips::BlockId,
    primitives::{Address, B256, U256},
    providers::{Provider, RootProvider},
    signers::local::PrivateKeySigner,
    transports::http::reqwest::Url,
};
use fractal_da::DaKind;
use fractal_primitives::SealedBatch;
use serde::{Deserialize, Serialize};
use tracing::{error, info, warn};

use crate::{
    BatchSource, Endpoint, Error, FeePolicy, Prover, Result,
    contracts::{self, ISettlement, view},
    progress::ProgressStore,
    sender::{SendSettings, Sender, Settled},
};

/// Most pubdata bytes one commit transaction carries (a node relays transactions up to 128 KiB); a
/// single batch above it is still committed alone.
const MAX_COMMIT_PUBDATA: usize = 100_000;

/// What a batch transaction to the parent chain does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// `Settlement.commitBatches`.
    Commit,
    /// `Settlement.proveBatches`.
    Prove,
    /// `Settlement.executeBatches`.
    Execute,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Commit => "commit",
            Self::Prove => "prove",
            Self::Execute => "execute",
        })
    }
}

/// What one transaction of the operator is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Step {
    /// `action` over the consecutive batches `first..=last`.
    Batches {
        /// The action.
        action: Action,
        /// The first batch.
        first: u64,
        /// The last batch.
        last: u64,
    },
    /// `BridgeVault.finalizeWithdrawal` of the child chain's message `nonce`.
    FinalizeWithdrawal {
        /// The message nonce.
        nonce: u64,
    },
}

impl Step {
    /// `action` over batches `first..=last`.
    pub fn batches(action: Action, first: u64, last: u64) -> Self {
        Self::Batches {
            action,
            first,
            last,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Batches {
                action,
                first,
                last,
            } if first == last => write!(f, "{action} batch {first}"),
            Self::Batches {
                action,
                first,
                last,
            } => write!(f, "{action} batches {first}..={last}"),
            Self::FinalizeWithdrawal { nonce } => write!(f, "finalize withdrawal {nonce}"),
        }
    }
}

/// Where the test hook [`Publisher::set_halt`] stops the publisher, as if the process were killed.
#[cfg(feature = "test-utils")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HaltPoint {
    /// After the transaction is recorded in the progress file, before it is broadcast.
    BeforeBroadcast,
    /// Right after the broadcast, before the transaction is awaited.
    AfterBroadcast,
}

/// What a publisher needs besides its operator key, batch source and prover.
#[derive(Debug, Clone)]
pub struct PublisherConfig {
    /// JSON-RPC (HTTP) of the parent chain.
    pub l1_rpc: Url,
    /// The chain's `Settlement` on the parent chain.
    pub settlement: Address,
    /// The chain's id (checked against the settlement's).
    pub chain_id: u64,
    /// Where `publisher.json` (the transaction in flight) and `publisher.lock` live.
    pub data_dir: PathBuf,
    /// Blocks a transaction must be buried under (1: mined) before its step counts as done.
    pub confirmations: u64,
    /// How often the parent chain and the batch source are polled.
    pub poll_interval: Duration,
    /// How long a transaction may wait unmined before it is re-sent with higher fees.
    pub bump_after: Duration,
    /// Fee cap and bump.
    pub fees: FeePolicy,
    /// Most batches one commit, prove or execute transaction carries (a blob-carrying commit always
    /// carries one).
    pub max_batches_per_tx: u64,
    /// The chain's DA policy: how commits carry the pubdata.
    pub da: DaKind,
}

impl PublisherConfig {
    /// A configuration with the defaults: 1 confirmation, polling every second, fees bumped by 12.5%
    /// after 30 s up to 500 gwei, up to 16 batches per transaction.
    pub fn new(l1_rpc: Url, settlement: Address, chain_id: u64, data_dir: PathBuf) -> Self {
        Self {
            l1_rpc,
            settlement,
            chain_id,
            data_dir,
            confirmations: 1,
            poll_interval: Duration::from_secs(1),
            bump_after: Duration::from_secs(30),
            fees: FeePolicy::default(),
            max_batches_per_tx: 16,
            da: DaKind::RollupCalldata,
        }
    }

    fn send_settings(&self) -> SendSettings {
        SendSettings {
            confirmations: self.confirmations,
            poll_interval: self.poll_interval,
            bump_after: self.bump_after,
            fees: self.fees,
        }
    }
}

/// The parent chain's view of the chain's batches at one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// `totalBatchesCommitted()`.
    pub committed: u64,
    /// `totalBatchesProven()`.
    pub proven: u64,
    /// `totalBatchesExecuted()`.
    pub executed: u64,
}

/// Posts a chain's sealed batches to its parent chain: commit (with the pubdata as calldata DA input),
/// prove, execute, in order, one transaction at a time.
///
/// The parent chain is the source of truth: every step starts by reading its counters, and a
/// transaction in flight (recorded in `<data-dir>/publisher.json` before it is broadcast) is settled
/// before anything else, after a restart too. So a crash at any point neither commits a batch twice
/// nor skips one.
#[derive(Debug)]
pub struct Publisher<S, P> {
    config: PublisherConfig,
    source: S,
    prover: P,
    sender: Sender,
    progress: ProgressStore,
}

impl<S: BatchSource, P: Prover> Publisher<S, P> {
    /// Connects to the parent chain, checks that the settlement belongs to `config.chain_id`, and opens
    /// (and locks) the progress file.
    pub async fn new(
        config: PublisherConfig,
        operator: PrivateKeySigner,
        source: S,
        prover: P,
    ) -> Result<Self> {
        let provider = RootProvider::new_http(config.l1_rpc.clone());
        let actual: U256 = view(
            &provider,
            config.settlement,
            ISettlement::chainIdCall {},
            BlockId::latest(),
        )
        .await?;
        if actual != U256::from(config.chain_id) {
            return Err(Error::ChainIdMismatch {
                settlement: config.settlement,
                expected: config.chain_id,
                actual: actual.saturating_to(),
            });
        }
        let sender = Sender::new(provider, operator, config.send_settings()).await?;
        let progress = ProgressStore::open(
            &config.data_dir,
            config.chain_id,
            config.settlement,
            sender.address(),
        )?;
        info!(
            chain_id = config.chain_id,
            settlement = %config.settlement,
            operator = %sender.address(),
            parent_chain_id = sender.chain_id(),
            "publisher ready"
        );
        Ok(Self {
            config,
            source,
            prover,
            sender,
            progress,
        })
    }

    /// The operator's address.
    pub fn operator(&self) -> Address {
        self.sender.address()
    }

    /// Runs until `shutdown` resolves or a non-transient error occurs (an endpoint that is down is
    /// retried). Stopping may interrupt a step anywhere: the next run finishes it.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) -> Result<()> {
        tokio::pin!(shutdown);
        loop {
            let stepped = tokio::select! {
                biased;
                () = &mut shutdown => break,
                stepped = self.step() => stepped,
            };
            if self.sender.halted {
                return Ok(());
            }
            let idle = match stepped {
                Ok(done) => done.is_none(),
                Err(e) if e.is_transient() => {
                    warn!(error = %e, "retrying after a transient error");
                    true
                }
                Err(e) => {
                    error!(error = %e, "publisher stopped");
                    return Err(e);
                }
            };
            if idle {
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            }
        }
        info!("publisher stopped on request");
        Ok(())
    }

    /// One step: settles the transaction in flight if there is one, otherwise reads the parent chain's
    /// counters and sends at most one transaction (execute before prove before commit). Returns what
    /// the settled transaction did, `None` when there was nothing to do.
    pub async fn step(&mut self) -> Result<Option<Step>> {
        if self.sender.halted {
            return Ok(None);
        }
        if let Some(in_flight) = self.progress.in_flight().cloned() {
            let step = in_flight.step;
            self.sender.resume(in_flight, &mut self.progress).await?;
            return Ok(Some(step));
        }
        let block = BlockId::number(self.sender.provider.get_block_number().await.map_err(
            |source| Error::Rpc {
                at: Endpoint::Parent,
                method: "eth_blockNumber",
                source,
            },
        )?);
        let counters = self.counters(block).await?;
        let max = self.config.max_batches_per_tx.max(1);
        let (action, batches) = if counters.proven > counters.executed {
            let last = counters.proven.min(counters.executed + max);
            let batches = self
                .committed_batches(counters.executed + 1, last, block)
                .await?;
            (Action::Execute, batches)
        } else if counters.committed > counters.proven {
            let last = counters.committed.min(counters.proven + max);
            let batches = self
                .committed_batches(counters.proven + 1, last, block)
                .await?;
            (Action::Prove, batches)
        } else {
            let batches = self.batches_to_commit(counters, block).await?;
            if batches.is_empty() {
                return Ok(None);
            }
            (Action::Commit, batches)
        };
        self.submit(action, &batches).await?;
        Ok(Some(Step::batches(
            action,
            batches[0].header.batchNumber,
            batches[batches.len() - 1].header.batchNumber,
        )))
    }

    /// The parent chain's counters at `block`.
    pub async fn counters(&self, block: BlockId) -> Result<Counters> {
        let p = &self.sender.provider;
        let s = self.config.settlement;
        Ok(Counters {
            committed: view(p, s, ISettlement::totalBatchesCommittedCall {}, block).await?,
            proven: view(p, s, ISettlement::totalBatchesProvenCall {}, block).await?,
            executed: view(p, s, ISettlement::totalBatchesExecutedCall {}, block).await?,
        })
    }

    /// Sends `action` for `batches` (consecutive) through the operator's transaction path: `eth_call`
    /// first (a revert is [`Error::Preflight`], nothing sent), the progress file, broadcast, fee bumps,
    /// confirmations (a mined revert is [`Error::Reverted`]). Returns the mined transaction's hash, or
    /// `None` when another transaction of the operator took its nonce.
    pub async fn submit(
        &mut self,
        action: Action,
        batches: &[SealedBatch],
    ) -> Result<Option<B256>> {
        let (Some(first), Some(last)) = (batches.first(), batches.last()) else {
            return Ok(None);
        };
        let step = Step::batches(action, first.header.batchNumber, last.header.batchNumber);
        let headers: Vec<_> = batches.iter().map(|b| b.header.clone()).collect();
        let mut blobs = None;
        let input = match action {
            Action::Commit => {
                let mut inputs = Vec::with_capacity(batches.len());
                for batch in batches {
                    inputs.push(fractal_da::da_input(self.config.da, &batch.pubdata)?);
                }
                if self.config.da == DaKind::RollupBlob {
                    if batches.len() != 1 {
                        return Err(Error::Da(fractal_da::Error::Kzg(
                            "a blob-carrying commit carries exactly one batch".into(),
                        )));
                    }
                    blobs = Some(first.pubdata.clone());
                }
                contracts::commit_calldata(&headers, inputs)
            }
            Action::Prove => {
                let mut proofs = Vec::with_capacity(batches.len());
                for batch in batches {
                    proofs.push(self.prover.prove(batch, self.config.chain_id).await?);
                }
                contracts::prove_calldata(&headers, proofs)
            }
            Action::Execute => contracts::execute_calldata(&headers),
        };
        info!(%step, "sending");
        let settled = self
            .sender
            .send(
                step,
                self.config.settlement,
                input,
                blobs,
                &mut self.progress,
            )
            .await?;
        Ok(match settled {
            Settled::Mined(receipt) => Some(receipt.transaction_hash),
            Settled::Superseded | Settled::Halted => None,
        })
    }

    /// Batches `first..=last`, committed on the parent chain: each is read from the source and must
    /// hash to what the parent chain stores.
    async fn committed_batches(
        &self,
        first: u64,
        last: u64,
        block: BlockId,
    ) -> Result<Vec<SealedBatch>> {
        let mut batches = Vec::new();
        for number in first..=last {
            let batch = self
                .source
                .batch(number)
                .await?
                .ok_or(Error::BatchMissing { batch: number })?;
            self.check_stored(&batch, block).await?;
            batches.push(batch);
        }
        Ok(batches)
    }

    async fn check_stored(&self, batch: &SealedBatch, block: BlockId) -> Result<()> {
        let number = batch.header.batchNumber;
        let on_parent = view(
            &self.sender.provider,
            self.config.settlement,
            ISettlement::batchHashCall {
                batchNumber: number,
            },
            block,
        )
        .await?;
        let at_source = batch.header.hash();
        if on_parent != at_source {
            return Err(Error::HeaderHashMismatch {
                batch: number,
                on_parent,
                at_source,
            });
        }
        Ok(())
    }

    /// The sealed batches after the last committed one, checked: numbered in sequence, each continuing
    /// the previous state root (the first one the parent chain's), committing to its own pubdata, with
    /// field-element roots. Empty when nothing new is sealed.
    async fn batches_to_commit(
        &self,
        counters: Counters,
        block: BlockId,
    ) -> Result<Vec<SealedBatch>> {
        let latest = self.source.latest_batch().await?;
        if latest <= counters.committed {
            return Ok(Vec::new());
        }
        let mut tip = if counters.committed == counters.executed {
            view(
                &self.sender.provider,
                self.config.settlement,
                ISettlement::stateRootCall {
                    batchNumber: counters.committed,
                },
                block,
            )
            .await?
        } else {
            let batch =
                self.source
                    .batch(counters.committed)
                    .await?
                    .ok_or(Error::BatchMissing {
                        batch: counters.committed,
                    })?;
            self.check_stored(&batch, block).await?;
            batch.header.newStateRoot
        };
        let per_tx = match self.config.da {
            // A commit's blobs serve one batch (`RollupBlobDA`).
            DaKind::RollupBlob => 1,
            DaKind::RollupCalldata => self.config.max_batches_per_tx.max(1),
        };
        let last = latest.min(counters.committed + per_tx);
        let mut batches = Vec::new();
        let mut pubdata = 0;
        for expected in counters.committed + 1..=last {
            let Some(batch) = self.source.batch(expected).await? else {
                break;
            };
            check_batch(&batch, expected, tip, self.config.da)?;
            pubdata += batch.pubdata.len();
            if !batches.is_empty() && pubdata > MAX_COMMIT_PUBDATA {
                break;
            }
            tip = batch.header.newStateRoot;
            batches.push(batch);
        }
        Ok(batches)
    }

    /// Test hook: the publisher halts, as if killed, at `point` of its `n`th new transaction from now
    /// (the transaction is in the progress file; [`run`](Self::run) returns `Ok`).
    #[cfg(feature = "test-utils")]
    pub fn set_halt(&mut self, n: u64, point: HaltPoint) {
        self.sender.halt_at = Some((n, point == HaltPoint::BeforeBroadcast));
    }

    /// Test hook: send without the `eth_call` check and gas estimation, so that a revert is mined.
    #[cfg(feature = "test-utils")]
    pub fn set_skip_preflight(&mut self, skip: bool) {
        self.sender.skip_preflight = skip;
    }
}

/// The checks a batch passes before it is committed: it is batch `expected`, continues state root
/// `tip`, commits to its pubdata as DA policy `da` does and has field-element roots.
pub fn check_batch(batch: &SealedBatch, expected: u64, tip: B256, da: DaKind) -> Result<()> {
    let h = &batch.header;
    if h.batchNumber != expected {
        return Err(Error::BatchNumberMismatch {
            expected,
            actual: h.batchNumber,
        });
    }
    if h.prevStateRoot != tip {
        return Err(Error::PrevStateRootMismatch {
            batch: expected,
            expected: tip,
            actual: h.prevStateRoot,
        });
    }
    let commitment = fractal_da::commitment(da, &batch.pubdata)?;
    if h.pubdataCommitment != commitment {
        return Err(Error::PubdataCommitmentMismatch {
            batch: expected,
            expected: commitment,
            actual: h.pubdataCommitment,
        });
    }
    if !h.fields_in_range() {
        return Err(Error::FieldOutOfRange { batch: expected });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{Bytes, keccak256};
    use fractal_primitives::BatchHeader;

    use super::*;

    fn batch(number: u64, prev: u8, new: u8) -> SealedBatch {
        let pubdata = Bytes::from(vec![number as u8; 10]);
        SealedBatch {
            header: BatchHeader {
                batchNumber: number,
                prevStateRoot: B256::with_last_byte(prev),
                newStateRoot: B256::with_last_byte(new),
                pubdataCommitment: keccak256(&pubdata),
                ..Default::default()
            },
            first_block: number,
            last_block: number,
            pubdata,
            messages: Vec::new(),
        }
    }

    #[test]
    fn checks_number_root_commitment_and_fields() {
        assert!(
            check_batch(
                &batch(2, 1, 2),
                2,
                B256::with_last_byte(1),
                DaKind::RollupCalldata
            )
            .is_ok()
        );
        assert!(matches!(
            check_batch(
                &batch(3, 1, 2),
                2,
                B256::with_last_byte(1),
                DaKind::RollupCalldata
            ),
            Err(Error::BatchNumberMismatch {
                expected: 2,
                actual: 3
            })
        ));
        assert!(matches!(
            check_batch(
                &batch(2, 7, 2),
                2,
                B256::with_last_byte(1),
                DaKind::RollupCalldata
            ),
            Err(Error::PrevStateRootMismatch { batch: 2, .. })
        ));
        let mut b = batch(2, 1, 2);
        b.pubdata = Bytes::from_static(b"other");
        assert!(matches!(
            check_batch(&b, 2, B256::with_last_byte(1), DaKind::RollupCalldata),
            Err(Error::PubdataCommitmentMismatch { batch: 2, .. })
        ));
        let mut b = batch(2, 1, 2);
        b.header.messageRoot = B256::repeat_byte(0xff);
        assert!(matches!(
            check_batch(&b, 2, B256::with_last_byte(1), DaKind::RollupCalldata),
            Err(Error::FieldOutOfRange { batch: 2 })
        ));
        // A header committing to the calldata is not a blob chain's header.
        assert!(matches!(
            check_batch(
                &batch(2, 1, 2),
                2,
                B256::with_last_byte(1),
                DaKind::RollupBlob
            ),
            Err(Error::PubdataCommitmentMismatch { batch: 2, .. })
        ));
    }

    #[test]
    fn steps_read_well_in_logs() {
        assert_eq!(
            Step::batches(Action::Commit, 3, 3).to_string(),
            "commit batch 3"
        );
        assert_eq!(
            Step::batches(Action::Prove, 3, 5).to_string(),
            "prove batches 3..=5"
        );
        assert_eq!(
            Step::FinalizeWithdrawal { nonce: 7 }.to_string(),
            "finalize withdrawal 7"
        );
    }
}
