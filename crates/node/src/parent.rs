//! Following the parent chain: the node reads its `PriorityQueue`'s `TransactionRequested` events,
//! once buried under the configured confirmations, and hands the operations to the sequencer in queue
//! order (docs/node.md, "Priority operations").

use std::{future::Future, sync::Arc, time::Duration};

use alloy::{
    providers::{Provider, ProviderBuilder},
    rpc::types::Filter,
    sol_types::SolEvent,
};
use alloy_primitives::U256;
use fractal_primitives::TransactionRequested;
use fractal_storage::Store;
use tracing::{debug, info, warn};

use crate::{Error, Result, chain::Chain, config::ParentConfig};

/// Most parent blocks one `eth_getLogs` spans.
const MAX_LOG_RANGE: u64 = 2_000;

/// Reads the parent's queue and feeds the chain until `shutdown` resolves. Transient parent errors are
/// logged and retried; an operation whose hash disagrees with the event, or a gap in the queue, stops
/// the follower with an error (the chain must never skip or reorder an operation).
pub async fn follow<S: Store + 'static>(
    chain: Arc<Chain<S>>,
    parent: ParentConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let (Some(url), Some(queue)) = (parent.rpc.as_deref(), parent.priority_queue) else {
        return Ok(());
    };
    let url = url
        .parse()
        .map_err(|e| Error::Config(format!("parent rpc {url:?}: {e}")))?;
    let provider = ProviderBuilder::new().connect_http(url);
    let chain_id = chain.config().chain_id;
    let poll = Duration::from_millis(parent.poll_ms);
    let mut from = parent.from_block;
    info!(%queue, from_block = from, confirmations = parent.confirmations, next = chain.next_priority_index(), "following the parent's priority queue");
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            () = tokio::time::sleep(poll) => {}
        }
        let head = match provider.get_block_number().await {
            Ok(head) => head,
            Err(e) => {
                warn!(error = %e, "cannot read the parent's block number; retrying");
                continue;
            }
        };
        let Some(safe) = head.checked_sub(parent.confirmations) else {
            continue;
        };
        while from <= safe {
            let to = safe.min(from + MAX_LOG_RANGE - 1);
            let filter = Filter::new()
                .address(queue)
                .event_signature(TransactionRequested::SIGNATURE_HASH)
                .topic1(U256::from(chain_id))
                .from_block(from)
                .to_block(to);
            let logs = match provider.get_logs(&filter).await {
                Ok(logs) => logs,
                Err(e) => {
                    warn!(error = %e, from, to, "cannot read the parent's queue; retrying");
                    break;
                }
            };
            let mut ops = Vec::with_capacity(logs.len());
            for log in logs {
                let event = TransactionRequested::decode_log_data(log.data())
                    .map_err(|e| Error::Parent(format!("malformed TransactionRequested: {e}")))?;
                let op = event.op;
                if op.hash(chain_id) != event.opHash {
                    return Err(Error::Parent(format!(
                        "priority operation {} hashes to {}, the queue says {}",
                        op.index,
                        op.hash(chain_id),
                        event.opHash
                    )));
                }
                ops.push(op);
            }
            ops.sort_by_key(|op| op.index);
            let found = ops.len();
            let accepted = chain.enqueue_priority(ops).map_err(|e| match e {
                Error::PriorityGap { expected, got } => Error::Parent(format!(
                    "the queue's operation {got} arrived before {expected}: is [parent] from_block after the chain's registration block?"
                )),
                other => other,
            })?;
            if accepted > 0 {
                info!(
                    accepted,
                    from,
                    to,
                    next = chain.next_priority_index(),
                    "priority operations from the parent"
                );
            } else {
                debug!(found, from, to, "parent blocks read");
            }
            from = to + 1;
        }
    }
}
