use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, U64, U256, address},
    providers::{Provider, ProviderBuilder},
    rpc::types::Log,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolEvent, SolValue},
};
use fractal_primitives::{L2_BRIDGE, L2_OUTBOX, Message, MessageProof, MessageTree};
use fractal_publisher::{
    DevelopmentProver, Error, FinalizedWithdrawal, Publisher, WithdrawalRequest,
    finalize_withdrawals,
};
use jsonrpsee::{
    RpcModule,
    server::{Server, ServerHandle},
    types::ErrorObjectOwned,
};
use serde_json::{Value, json};

use crate::harness::{L1, MemorySource, USER_KEY, batch, operator, run_until_executed};

sol! {
    #[sol(rpc)]
    interface IBridgeVault {
        function depositEth(uint256 chainId, address to) external payable returns (uint64 index);
        function chainBalance(uint256 chainId, address token) external view returns (uint256);
    }

    event MessageSent(
        uint64 indexed nonce,
        address indexed sender,
        uint64 indexed destinationChainId,
        address recipient,
        bytes payload
    );
}

/// The withdrawing transaction on the child chain.
const TX: B256 = B256::repeat_byte(0x77);

/// A child chain's JSON-RPC reduced to what finalization reads: the receipt of `TX` (a priority-type
/// receipt, with the outbox's `MessageSent`) and, once `sealed`, the message's proof.
async fn child_rpc(message: Message, sealed: Arc<AtomicBool>) -> (ServerHandle, String) {
    let tree = MessageTree::from_messages(std::slice::from_ref(&message)).unwrap();
    let proof = MessageProof {
        batch_number: 1,
        leaf_index: 0,
        message: message.clone(),
        siblings: tree.proof(0).unwrap(),
    };
    let event = MessageSent {
        nonce: message.nonce,
        sender: message.sender,
        destinationChainId: message.destination_chain_id,
        recipient: message.recipient,
        payload: message.payload.clone(),
    };
    let log = Log {
        inner: alloy::primitives::Log {
            address: L2_OUTBOX,
            data: event.encode_log_data(),
        },
        block_number: Some(5),
        transaction_hash: Some(TX),
        ..Default::default()
    };
    let receipt = json!({
        "type": "0x7f",
        "status": "0x1",
        "transactionHash": TX,
        "blockNumber": "0x5",
        "logs": [log],
        "fractalExtra": { "anything": true },
    });
    let mut module = RpcModule::new(());
    module
        .register_method("eth_getTransactionReceipt", move |params, _, _| {
            let hash: B256 = params.one()?;
            Ok::<Value, ErrorObjectOwned>(if hash == TX {
                receipt.clone()
            } else {
                Value::Null
            })
        })
        .unwrap();
    module
        .register_method("fractal_messageProof", move |params, _, _| {
            let nonce: U64 = params.one()?;
            let nonce: u64 = nonce.to();
            Ok::<Value, ErrorObjectOwned>(if sealed.load(Ordering::SeqCst) && nonce == 0 {
                serde_json::to_value(&proof).unwrap()
            } else {
                Value::Null
            })
        })
        .unwrap();
    let server = Server::builder().build("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", server.local_addr().unwrap());
    (server.start(module), url)
}

#[tokio::test]
async fn a_withdrawal_is_finalized_once_its_batch_is_executed() {
    let l1 = L1::start(4306).await;
    let chain_id = l1.chain.chain_id;
    let vault = l1.suite.bridge_vault;
    let user: PrivateKeySigner = USER_KEY.parse().unwrap();
    let wallet = ProviderBuilder::new()
        .wallet(EthereumWallet::from(user.clone()))
        .connect_http(l1.url.clone());
    let vault_contract = IBridgeVault::new(vault, &wallet);
    let deposit = U256::from(10).pow(U256::from(18));
    vault_contract
        .depositEth(U256::from(chain_id), user.address())
        .value(deposit)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();

    // The withdrawal the child's bridge sent: a quarter ether to `to`.
    let to = address!("0x000000000000000000000000000000000000bEEF");
    let amount = deposit / U256::from(4);
    let message = Message {
        source_chain_id: chain_id,
        nonce: 0,
        sender: L2_BRIDGE,
        destination_chain_id: l1.provider.get_chain_id().await.unwrap(),
        recipient: vault,
        payload: (Address::ZERO, to, amount).abi_encode_params().into(),
    };
    let sealed = Arc::new(AtomicBool::new(false));
    let (_server, child_url) = child_rpc(message.clone(), sealed.clone()).await;
    let request = WithdrawalRequest::new(
        l1.url.clone(),
        child_url.parse().unwrap(),
        vault,
        l1.chain.settlement,
        chain_id,
        TX,
    );

    let err = finalize_withdrawals(&request, user.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::WithdrawalNotSealed { nonce: 0 }),
        "{err}"
    );
    sealed.store(true, Ordering::SeqCst);
    let err = finalize_withdrawals(&request, user.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::WithdrawalNotExecuted {
                nonce: 0,
                batch: 1,
                executed: 0
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("wait for the publisher to execute batch 1")
    );

    // With --wait it finishes once the publisher has executed the batch.
    let mut waiting = request.clone();
    waiting.wait = Some(Duration::from_millis(100));
    let waiter = tokio::spawn({
        let user = user.clone();
        async move { finalize_withdrawals(&waiting, user).await }
    });
    let mut one = batch(1, l1.timestamp().await);
    one.header.messageRoot = B256::from(
        MessageTree::from_messages(std::slice::from_ref(&message))
            .unwrap()
            .root(),
    );
    one.messages = vec![message];
    let data = tempfile::tempdir().unwrap();
    let publisher = Publisher::new(
        l1.config(data.path()),
        operator(),
        MemorySource::new(vec![one]),
        DevelopmentProver,
    )
    .await
    .unwrap();
    run_until_executed(publisher, &l1, 1).await.unwrap();
    let done = tokio::time::timeout(Duration::from_secs(20), waiter)
        .await
        .expect("finalized within 20 s")
        .unwrap()
        .unwrap();
    assert!(matches!(
        done.as_slice(),
        [FinalizedWithdrawal {
            nonce: 0,
            batch: 1,
            ..
        }]
    ));
    assert_eq!(l1.provider.get_balance(to).await.unwrap(), amount);
    let vault_view = IBridgeVault::new(vault, &l1.provider);
    assert_eq!(
        vault_view
            .chainBalance(U256::from(chain_id), Address::ZERO)
            .call()
            .await
            .unwrap(),
        deposit - amount
    );

    // A second finalization is a clear error, not a revert.
    let err = finalize_withdrawals(&request, user.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::WithdrawalAlreadyFinalized { nonces, .. } if nonces == &[0]),
        "{err}"
    );
    let mut unknown = request.clone();
    unknown.tx = B256::repeat_byte(0x78);
    let err = finalize_withdrawals(&unknown, user).await.unwrap_err();
    assert!(matches!(err, Error::TransactionNotFound { .. }), "{err}");
}
