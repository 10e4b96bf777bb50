//! `fractal withdraw finalize`: releases on the parent chain the withdrawals a child-chain transaction
//! sent, once their batch is executed there.

use std::time::Duration;

use alloy::{
    eips::BlockId,
    primitives::{Address, B256, U64, U256},
    providers::{Provider, RootProvider},
    rpc::types::Log,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent as _,
    transports::http::reqwest::Url,
};
use fractal_primitives::{L2_BRIDGE, L2_OUTBOX, Message, MessageProof};
use serde::Deserialize;
use tracing::{info, warn};

use crate::{
    Endpoint, Error, FeePolicy, Result, Step,
    contracts::{self, IBridgeVault, ISettlement, MessageSent, view},
    progress::NoJournal,
    sender::{SendSettings, Sender, Settled},
};

/// What finalizing the withdrawals of one child-chain transaction needs besides a signer.
#[derive(Debug, Clone)]
pub struct WithdrawalRequest {
    /// JSON-RPC (HTTP) of the parent chain.
    pub l1_rpc: Url,
    /// JSON-RPC (HTTP) of the child chain's node.
    pub l2_rpc: Url,
    /// The parent chain's `BridgeVault`.
    pub vault: Address,
    /// The child chain's `Settlement` on the parent chain.
    pub settlement: Address,
    /// The child chain's id.
    pub chain_id: u64,
    /// The child-chain transaction that withdrew.
    pub tx: B256,
    /// `Some(interval)`: poll until the withdrawals can be finalized; `None`: fail with what to wait for.
    pub wait: Option<Duration>,
    /// Confirmations of the finalizing transaction.
    pub confirmations: u64,
    /// How long a finalizing transaction may wait unmined before its fees are bumped.
    pub bump_after: Duration,
    /// Fee cap and bump.
    pub fees: FeePolicy,
}

impl WithdrawalRequest {
    /// A request with the defaults: no waiting, 1 confirmation, fees bumped by 12.5% after 30 s.
    pub fn new(
        l1_rpc: Url,
        l2_rpc: Url,
        vault: Address,
        settlement: Address,
        chain_id: u64,
        tx: B256,
    ) -> Self {
        Self {
            l1_rpc,
            l2_rpc,
            vault,
            settlement,
            chain_id,
            tx,
            wait: None,
            confirmations: 1,
            bump_after: Duration::from_secs(30),
            fees: FeePolicy::default(),
        }
    }
}

/// A withdrawal released on the parent chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalizedWithdrawal {
    /// The message nonce on the child chain.
    pub nonce: u64,
    /// The executed batch that holds it.
    pub batch: u64,
    /// The parent-chain transaction that released it.
    pub tx: B256,
}

/// The fields of a child-chain receipt this needs; every other field (and the transaction type, which
/// may be the priority type 0x7f) is ignored.
#[derive(Debug, Deserialize)]
struct ChildReceipt {
    logs: Vec<Log>,
}

/// The withdrawals (messages of the bridge system contract) a transaction sent, in log order.
fn withdrawals(tx: B256, logs: &[Log], chain_id: u64) -> Result<Vec<Message>> {
    let messages: Vec<Message> = logs
        .iter()
        .filter(|log| {
            log.inner.address == L2_OUTBOX
                && log.inner.data.topics().first() == Some(&MessageSent::SIGNATURE_HASH)
        })
        .filter_map(|log| MessageSent::decode_log_data(&log.inner.data).ok())
        .filter(|event| event.sender == L2_BRIDGE)
        .map(|event| Message {
            source_chain_id: chain_id,
            nonce: event.nonce,
            sender: event.sender,
            destination_chain_id: event.destinationChainId,
            recipient: event.recipient,
            payload: event.payload,
        })
        .collect();
    if messages.is_empty() {
        return Err(Error::NoWithdrawal { tx });
    }
    Ok(messages)
}

/// Finalizes on the parent chain every withdrawal child-chain transaction `request.tx` sent, signed by
/// `signer` (anyone may finalize; the funds go to the withdrawal's recipient). Withdrawals finalized
/// already are skipped; it is an error when all of them are. Without `request.wait`, a withdrawal whose
/// batch is not sealed or not executed yet is an error that says what to wait for.
pub async fn finalize_withdrawals(
    request: &WithdrawalRequest,
    signer: PrivateKeySigner,
) -> Result<Vec<FinalizedWithdrawal>> {
    let child = RootProvider::new_http(request.l2_rpc.clone());
    let parent = RootProvider::new_http(request.l1_rpc.clone());
    let mut sender = Sender::new(
        parent.clone(),
        signer,
        SendSettings {
            confirmations: request.confirmations,
            poll_interval: request.wait.unwrap_or(Duration::from_secs(1)),
            bump_after: request.bump_after,
            fees: request.fees,
        },
    )
    .await?;
    let messages = loop {
        match ready_withdrawals(request, &child, &parent).await {
            Ok(ready) => break ready,
            Err(e @ (Error::WithdrawalNotSealed { .. } | Error::WithdrawalNotExecuted { .. })) => {
                let Some(interval) = request.wait else {
                    return Err(e);
                };
                info!(reason = %e, "waiting");
                tokio::time::sleep(interval).await;
            }
            Err(e) => return Err(e),
        }
    };
    let mut done = Vec::new();
    for proof in messages {
        let nonce = proof.message.nonce;
        let step = Step::FinalizeWithdrawal { nonce };
        let input = contracts::finalize_calldata(request.chain_id, &proof);
        loop {
            match sender
                .send(step, request.vault, input.clone(), None, &mut NoJournal)
                .await?
            {
                Settled::Mined(receipt) => {
                    info!(nonce, batch = proof.batch_number, tx = %receipt.transaction_hash, "withdrawal finalized");
                    done.push(FinalizedWithdrawal {
                        nonce,
                        batch: proof.batch_number,
                        tx: receipt.transaction_hash,
                    });
                    break;
                }
                // Another transaction of the signer took the nonce: send again (the preflight refuses
                // a withdrawal that got finalized meanwhile).
                Settled::Superseded | Settled::Halted => continue,
            }
        }
    }
    Ok(done)
}

/// The proofs of the transaction's withdrawals that are not finalized yet, once each is in an executed
/// batch.
async fn ready_withdrawals(
    request: &WithdrawalRequest,
    child: &RootProvider,
    parent: &RootProvider,
) -> Result<Vec<MessageProof>> {
    let receipt: Option<ChildReceipt> = child
        .raw_request("eth_getTransactionReceipt".into(), (request.tx,))
        .await
        .map_err(|source| Error::Rpc {
            at: Endpoint::Child,
            method: "eth_getTransactionReceipt",
            source,
        })?;
    let receipt = receipt.ok_or(Error::TransactionNotFound { tx: request.tx })?;
    let messages = withdrawals(request.tx, &receipt.logs, request.chain_id)?;
    let executed = view(
        parent,
        request.settlement,
        ISettlement::totalBatchesExecutedCall {},
        BlockId::latest(),
    )
    .await?;
    let mut finalized = Vec::new();
    let mut ready = Vec::new();
    for message in messages {
        let nonce = message.nonce;
        let done = view(
            parent,
            request.vault,
            IBridgeVault::isWithdrawalFinalizedCall {
                chainId: U256::from(request.chain_id),
                nonce,
            },
            BlockId::latest(),
        )
        .await?;
        if done {
            warn!(nonce, "withdrawal already finalized; skipping it");
            finalized.push(nonce);
            continue;
        }
        let proof: Option<MessageProof> = child
            .raw_request("fractal_messageProof".into(), (U64::from(nonce),))
            .await
            .map_err(|source| Error::Rpc {
                at: Endpoint::Child,
                method: "fractal_messageProof",
                source,
            })?;
        let proof = proof.ok_or(Error::WithdrawalNotSealed { nonce })?;
        if proof.message != message {
            return Err(Error::WithdrawalProofMismatch { nonce });
        }
        if proof.batch_number > executed {
            return Err(Error::WithdrawalNotExecuted {
                nonce,
                batch: proof.batch_number,
                executed,
            });
        }
        ready.push(proof);
    }
    if ready.is_empty() {
        return Err(Error::WithdrawalAlreadyFinalized {
            chain_id: request.chain_id,
            nonces: finalized,
        });
    }
    Ok(ready)
}

#[cfg(test)]
mod tests {
    use alloy::{
        primitives::{Bytes, LogData},
        sol_types::SolEvent,
    };

    use super::*;

    fn log(address: Address, event: &MessageSent) -> Log {
        Log {
            inner: alloy::primitives::Log {
                address,
                data: event.encode_log_data(),
            },
            ..Default::default()
        }
    }

    #[test]
    fn picks_the_bridge_messages_of_the_outbox() {
        let vault = Address::with_last_byte(0xaa);
        let event = |nonce, sender| MessageSent {
            nonce,
            sender,
            destinationChainId: 31337,
            recipient: vault,
            payload: Bytes::from(vec![0; 96]),
        };
        let logs = vec![
            log(L2_OUTBOX, &event(0, Address::with_last_byte(7))),
            log(L2_OUTBOX, &event(1, L2_BRIDGE)),
            log(Address::with_last_byte(9), &event(2, L2_BRIDGE)),
            Log {
                inner: alloy::primitives::Log {
                    address: L2_OUTBOX,
                    data: LogData::new_unchecked(vec![B256::ZERO], Bytes::new()),
                },
                ..Default::default()
            },
        ];
        let found = withdrawals(B256::ZERO, &logs, 4242).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].nonce, 1);
        assert_eq!(found[0].source_chain_id, 4242);
        assert_eq!(found[0].recipient, vault);
        assert!(matches!(
            withdrawals(B256::ZERO, &logs[..1], 4242),
            Err(Error::NoWithdrawal { .. })
        ));
    }

    #[test]
    fn reads_receipts_with_unknown_transaction_types() {
        let json = r#"{"type":"0x7f","status":"0x1","transactionHash":"0x01","logs":[],"whatever":{"x":1}}"#;
        let receipt: ChildReceipt = serde_json::from_str(json).unwrap();
        assert!(receipt.logs.is_empty());
    }
}
