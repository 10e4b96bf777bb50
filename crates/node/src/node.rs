//! Running a node: open the store, start the JSON-RPC server and the block producer, stop cleanly.

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use fractal_storage::{HistoryConfig, RedbStore};
use tracing::{error, info};

use crate::{
    Result,
    batches::{Batcher, Batches},
    chain::Chain,
    config::ChainConfig,
    parent, rpc,
};

/// A started node.
#[derive(Debug)]
pub struct RunningNode {
    /// The chain.
    pub chain: Arc<Chain<RedbStore>>,
    /// Where JSON-RPC listens.
    pub rpc_addr: SocketAddr,
    /// Where the sequencer's REST API listens.
    pub rest_addr: SocketAddr,
    /// The sealed batches (when the chain has a parent).
    pub batches: Option<Arc<Batches>>,
}

/// Opens the chain's store under `config.data_dir` (creating it and the genesis when new).
pub fn open_chain(config: ChainConfig) -> Result<Arc<Chain<RedbStore>>> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        crate::Error::Config(format!(
            "cannot create data dir {}: {e}",
            config.data_dir.display()
        ))
    })?;
    let store = RedbStore::open(config.data_dir.join("chain.redb"), HistoryConfig::default())?;
    Ok(Arc::new(Chain::open(config, Arc::new(store))?))
}

/// Runs a node until `shutdown` resolves: JSON-RPC on `config.rpc_addr`, a block every `block_time`.
/// `ready` is called once the server listens.
pub async fn run(
    config: ChainConfig,
    shutdown: impl Future<Output = ()>,
    ready: impl FnOnce(&RunningNode),
) -> Result<()> {
    let block_time = config.block_time();
    let rpc_addr = config.rpc_addr;
    let chain = open_chain(config)?;
    let batches = match chain.config().parent {
        Some(_) => Some(Arc::new(Batches::open(
            chain.config().data_dir.join("batches"),
        )?)),
        None => None,
    };
    let (server, bound) = rpc::serve(chain.clone(), batches.clone(), rpc_addr)
        .await
        .map_err(|e| crate::Error::Config(format!("cannot listen on {rpc_addr}: {e}")))?;
    let rest_addr = chain.config().rest_addr;
    let (rest_bound, rest_task) = crate::rest::serve(chain.clone(), rest_addr)
        .await
        .map_err(|e| crate::Error::Config(format!("cannot listen on {rest_addr}: {e}")))?;
    let node = RunningNode {
        chain: chain.clone(),
        rpc_addr: bound,
        rest_addr: rest_bound,
        batches: batches.clone(),
    };
    info!(chain_id = chain.config().chain_id, name = %chain.config().name, rpc = %bound, rest = %rest_bound, block_time_ms = block_time.as_millis() as u64, "node started");
    ready(&node);

    let stop = Arc::new(AtomicBool::new(false));
    let sequencer = {
        let chain = chain.clone();
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("sequencer".into())
            .spawn(move || chain.run_sequencer(&stop))
            .map_err(|e| crate::Error::Config(format!("cannot start the sequencer thread: {e}")))?
    };

    let batcher = match &batches {
        Some(batches) => {
            let batcher = Batcher::new(chain.clone(), batches.clone())?;
            let stop = stop.clone();
            Some(
                std::thread::Builder::new()
                    .name("batcher".into())
                    .spawn(move || {
                        let result = batcher.run(&stop);
                        if let Err(e) = &result {
                            error!(error = %e, "the batcher stopped: no more batches are sealed");
                        }
                        result
                    })
                    .map_err(|e| {
                        crate::Error::Config(format!("cannot start the batcher thread: {e}"))
                    })?,
            )
        }
        None => None,
    };
    let (stop_follower, follower_stopped) = tokio::sync::oneshot::channel::<()>();
    let follower = chain.config().parent.clone().map(|parent_config| {
        let chain = chain.clone();
        tokio::spawn(async move {
            let stopped = async {
                let _ = follower_stopped.await;
            };
            if let Err(e) = parent::follow(chain, parent_config, stopped).await {
                error!(error = %e, "stopped following the parent's priority queue");
            }
        })
    });

    shutdown.await;
    info!("shutting down");
    let _ = stop_follower.send(());
    if let Some(follower) = follower {
        let _ = follower.await;
    }
    stop.store(true, Ordering::Release);
    chain.wake_sequencer();
    match tokio::task::spawn_blocking(move || sequencer.join()).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => error!(error = %e, "the sequencer failed"),
        Ok(Err(_)) | Err(_) => error!("the sequencer panicked"),
    }
    if let Some(batcher) = batcher {
        match tokio::task::spawn_blocking(move || batcher.join()).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(_))) => {}
            Ok(Err(_)) | Err(_) => error!("the batcher panicked"),
        }
    }
    rest_task.abort();
    server.stop().ok();
    server.stopped().await;
    info!(latest = chain.latest_number()?, "stopped");
    Ok(())
}
