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

use crate::{Result, chain::Chain, config::ChainConfig, rpc};

/// A started node.
#[derive(Debug)]
pub struct RunningNode {
    /// The chain.
    pub chain: Arc<Chain<RedbStore>>,
    /// Where JSON-RPC listens.
    pub rpc_addr: SocketAddr,
    /// Where the sequencer's REST API listens.
    pub rest_addr: SocketAddr,
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
    let (server, bound) = rpc::serve(chain.clone(), rpc_addr)
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

    shutdown.await;
    info!("shutting down");
    stop.store(true, Ordering::Release);
    chain.wake_sequencer();
    match tokio::task::spawn_blocking(move || sequencer.join()).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => error!(error = %e, "the sequencer failed"),
        Ok(Err(_)) | Err(_) => error!("the sequencer panicked"),
    }
    rest_task.abort();
    server.stop().ok();
    server.stopped().await;
    info!(latest = chain.latest_number()?, "stopped");
    Ok(())
}
