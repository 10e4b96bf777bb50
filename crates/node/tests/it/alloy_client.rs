use std::{net::SocketAddr, time::Duration};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, U256, address},
    providers::{Provider, ProviderBuilder, WsConnect},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use fractal_node::config::ChainConfig;
use futures::StreamExt;
use tokio::sync::oneshot;

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const RECIPIENT: Address = address!("0x90F79bf6EB2c4f870365E785982E1f101E93b906");

/// Starts a dev node with a 100 ms block time; returns its address and the handle that stops it.
async fn start_node(
    dir: &std::path::Path,
) -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let mut config = ChainConfig::dev(dir.to_path_buf());
    config.rpc_addr = "127.0.0.1:0".parse().unwrap();
    config.rest_addr = "127.0.0.1:0".parse().unwrap();
    config.block_time_ms = 100;
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let (addr_tx, addr_rx) = oneshot::channel();
    let task = tokio::spawn(async move {
        fractal_node::run(
            config,
            async {
                let _ = stop_rx.await;
            },
            move |node| {
                let _ = addr_tx.send(node.rpc_addr);
            },
        )
        .await
        .expect("node runs");
    });
    (addr_rx.await.expect("node started"), stop_tx, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alloy_sends_a_transfer_and_reads_it_back_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop, task) = start_node(dir.path()).await;
    let signer: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let sender = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(format!("http://{addr}").parse().unwrap());

    assert_eq!(provider.get_chain_id().await.unwrap(), 4242);
    let before = provider.get_balance(RECIPIENT).await.unwrap();
    let tx = TransactionRequest::default()
        .with_to(RECIPIENT)
        .with_value(U256::from(777));
    let receipt = provider
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.from, sender);
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(
        provider.get_balance(RECIPIENT).await.unwrap(),
        before + U256::from(777)
    );
    assert_eq!(provider.get_transaction_count(sender).await.unwrap(), 1);

    let block = provider
        .get_block_by_number(receipt.block_number.unwrap().into())
        .full()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block.header.hash, receipt.block_hash.unwrap());
    assert_eq!(block.transactions.len(), 1);
    let fetched = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fetched.block_number, receipt.block_number);

    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_subscribers_receive_new_heads() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop, task) = start_node(dir.path()).await;
    let provider = ProviderBuilder::new()
        .connect_ws(WsConnect::new(format!("ws://{addr}")))
        .await
        .unwrap();
    let mut heads = provider.subscribe_blocks().await.unwrap().into_stream();
    let first = tokio::time::timeout(Duration::from_secs(5), heads.next())
        .await
        .unwrap()
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(5), heads.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.number, first.number + 1);
    assert_eq!(second.parent_hash, first.hash);

    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_subscriptions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop, task) = start_node(dir.path()).await;
    let provider = ProviderBuilder::new()
        .connect_ws(WsConnect::new(format!("ws://{addr}")))
        .await
        .unwrap();
    let err = provider
        .client()
        .request::<_, serde_json::Value>("eth_subscribe", ("newPendingFoo",))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("unsupported subscription"),
        "{err}"
    );
    let _ = stop.send(());
    task.await.unwrap();
}
