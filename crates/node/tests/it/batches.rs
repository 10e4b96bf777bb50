//! Batches from real blocks: a deposit executed as a priority transaction, a withdrawal through the
//! bridge, sealed batches whose pubdata alone rebuilds their state roots, a message proof that leads
//! to the batch's message root, and a batcher that resumes after a restart without a gap.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::eip2718::Encodable2718,
    primitives::{Address, B256, Bytes, TxKind, U256, address},
    signers::{SignerSync, local::PrivateKeySigner},
    sol,
    sol_types::{SolCall, SolValue},
};
use fractal_node::{
    Error,
    batches::{Batcher, Batches, genesis_state_root},
    chain::{Chain, genesis_block},
    config::{BatchConfig, ChainConfig, ParentConfig},
};
use fractal_primitives::{
    L2_BRIDGE, L2_OUTBOX, L2_OUTBOX_MESSAGE_CHAIN_SLOT, MessageTree, PriorityOp, SparseMerkleTree,
    message_chain,
    pubdata::{self, PubdataTables},
    rolling_hash,
};
use fractal_storage::{BlockReader, RedbStore, StateReader};

sol! {
    function withdraw(address to) external payable returns (uint64 nonce);
}

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const VAULT: Address = address!("0x00000000000000000000000000000000000000f0");
const ALICE: Address = address!("0x00000000000000000000000000000000000a11ce");
const BOB: Address = address!("0x0000000000000000000000000000000000000b0b");
const ETHER: u64 = 1_000_000_000_000_000_000;

fn config(dir: &Path) -> ChainConfig {
    let mut config = ChainConfig::dev(dir.to_path_buf());
    config.block_time_ms = 100;
    config.parent = Some(ParentConfig {
        chain_id: 31_337,
        vault: VAULT,
        rpc: None,
        priority_queue: None,
        confirmations: 0,
        from_block: 0,
        poll_ms: 100,
    });
    config.batch = BatchConfig {
        max_blocks: 3,
        ..BatchConfig::default()
    };
    config
}

fn signed(key: &PrivateKeySigner, nonce: u64, to: Address, value: U256, input: Vec<u8>) -> Vec<u8> {
    let tx = TxEip1559 {
        chain_id: 4242,
        nonce,
        gas_limit: 200_000,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 1,
        to: TxKind::Call(to),
        value,
        input: input.into(),
        ..Default::default()
    };
    let signature = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
}

struct Running {
    stop: Arc<AtomicBool>,
    sequencer: JoinHandle<()>,
    batcher: JoinHandle<Result<(), Error>>,
}

fn start(chain: &Arc<Chain<RedbStore>>, batches: &Arc<Batches>) -> Running {
    let stop = Arc::new(AtomicBool::new(false));
    let sequencer = {
        let (chain, stop) = (chain.clone(), stop.clone());
        std::thread::spawn(move || chain.run_sequencer(&stop).unwrap())
    };
    let batcher = Batcher::new(chain.clone(), batches.clone()).unwrap();
    let batcher = {
        let stop = stop.clone();
        std::thread::spawn(move || batcher.run(&stop))
    };
    Running {
        stop,
        sequencer,
        batcher,
    }
}

fn stop(chain: &Chain<RedbStore>, running: Running) {
    running.stop.store(true, Ordering::Release);
    chain.wake_sequencer();
    running.sequencer.join().unwrap();
    running.batcher.join().unwrap().unwrap();
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn deposit() -> PriorityOp {
    PriorityOp {
        index: 0,
        l2Sender: ALICE,
        target: BOB,
        mint: U256::from(5 * ETHER),
        l2Value: U256::from(5 * ETHER),
        gasLimit: U256::from(100_000),
        refundRecipient: ALICE,
        deadline: u64::MAX,
        data: Bytes::new(),
    }
}

#[test]
fn deposits_withdrawals_and_batches_that_rebuild_their_state() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let chain = fractal_node::open_chain(config.clone()).unwrap();
    let batches = Arc::new(Batches::open(dir.path().join("batches")).unwrap());
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();

    // A gap in the queue is refused; the operation itself is accepted once.
    let mut late = deposit();
    late.index = 1;
    assert!(matches!(
        chain.enqueue_priority([late]),
        Err(Error::PriorityGap {
            expected: 0,
            got: 1
        })
    ));
    assert_eq!(chain.enqueue_priority([deposit(), deposit()]).unwrap(), 1);
    assert_eq!(chain.next_priority_index(), 1);

    let running = start(&chain, &batches);
    let op_hash = deposit().hash(4242);
    wait_for("the deposit", || {
        chain.store().receipt(op_hash).unwrap().is_some()
    });
    let receipt = chain.store().receipt(op_hash).unwrap().unwrap();
    assert!(receipt.receipt.success);
    assert_eq!(receipt.receipt.tx_type, 0x7f);
    assert_eq!(receipt.receipt.effective_gas_price, 0);
    assert_eq!(
        chain.store().account(BOB, None).unwrap().unwrap().balance,
        U256::from(5 * ETHER)
    );

    let recipient = address!("0x00000000000000000000000000000000000000e1");
    let withdrawal = withdrawCall { to: recipient }.abi_encode();
    let raw = signed(&key, 0, L2_BRIDGE, U256::from(ETHER), withdrawal);
    let (hash, watch) = chain.submit(&raw, true).unwrap();
    let executed = watch.unwrap().blocking_recv().unwrap().unwrap();
    assert!(executed.receipt.receipt.success, "withdraw {hash} reverted");
    // The outbox's seven Poseidon hashes run as the node's precompiles: the library code alone would
    // cost about 270,000 gas.
    let gas = executed.receipt.receipt.gas_used;
    assert!(gas < 150_000, "a withdrawal took {gas} gas");

    wait_for("the withdrawal's batch", || {
        batches.message_proof(0).unwrap().is_some()
    });
    stop(&chain, running);

    // Every sealed batch, decoded from its pubdata alone, continues the previous state root.
    let genesis = genesis_block(&config).diff;
    let mut tables = PubdataTables::genesis(&genesis);
    let mut tree = SparseMerkleTree::new();
    for (index, key, value) in tables.entries() {
        tree.insert(index, key.state_key(), value).unwrap();
    }
    let mut root = genesis_state_root(&genesis).unwrap();
    assert_eq!(B256::from(tree.root().unwrap()), root);
    let mut previous_last = 0;
    let latest = batches.latest();
    assert!(latest >= 1);
    for n in 1..=latest {
        let batch = batches.get(n).unwrap().unwrap();
        assert_eq!(batch.header.prevStateRoot, root, "batch {n}");
        assert_eq!(batch.first_block, previous_last + 1, "batch {n}");
        assert_eq!(
            batch.header.pubdataCommitment,
            alloy::primitives::keccak256(&batch.pubdata)
        );
        let decoded = pubdata::decode(&mut tables, &batch.pubdata).unwrap();
        // The reference tree, each write at its entry index.
        for (key, value) in &decoded.writes.values {
            let index = tables.entry_index(key).unwrap();
            tree.insert(index, key.state_key(), *value).unwrap();
        }
        let new_root = B256::from(tree.root().unwrap());
        assert_eq!(batch.header.newStateRoot, new_root, "batch {n}");
        // Its witness: the writes that changed the tree, chained from the old root to the new.
        let witness = batches.witness(n).unwrap().unwrap();
        assert_eq!(witness.batch_number, n);
        let mut at = U256::from_be_bytes(root.0);
        for write in &witness.writes {
            assert_eq!(write.old_root, at, "batch {n}");
            let key = tables.entry(write.index).unwrap().0.state_key();
            assert_eq!(
                write.key, key,
                "batch {n}: the write's position is its entry's index"
            );
            assert_ne!(
                write.old_root, write.new_root,
                "batch {n}: a write that changed nothing"
            );
            at = write.new_root;
        }
        assert_eq!(B256::from(at), new_root, "batch {n}");
        root = new_root;
        previous_last = batch.last_block;
    }
    let last = batches.get(latest).unwrap().unwrap();
    assert_eq!(last.header.priorityOpsCount, 1);
    assert_eq!(
        last.header.priorityOpsHash,
        rolling_hash(B256::ZERO, op_hash)
    );

    // The withdrawal's message and its proof.
    let proof = batches.message_proof(0).unwrap().unwrap();
    let batch = batches.get(proof.batch_number).unwrap().unwrap();
    let message = &proof.message;
    assert_eq!(message.sender, L2_BRIDGE);
    assert_eq!(message.destination_chain_id, 31_337);
    assert_eq!(message.recipient, VAULT);
    assert_eq!(
        message.payload,
        Bytes::from((Address::ZERO, recipient, U256::from(ETHER)).abi_encode_params())
    );
    let leaf_root =
        MessageTree::root_from_proof(message.leaf(), proof.leaf_index as usize, &proof.siblings)
            .unwrap();
    assert_eq!(B256::from(leaf_root), batch.header.messageRoot);
    assert!(batches.message_proof(1).unwrap().is_none());
    assert!(batches.witness(latest + 1).unwrap().is_none());
    // The outbox's slot 2 holds the chain of the batches' message leaves (the batcher checked each).
    let leaves: Vec<U256> = (1..=latest)
        .flat_map(|n| batches.get(n).unwrap().unwrap().messages)
        .map(|m| m.leaf())
        .collect();
    assert_eq!(leaves, [message.leaf()]);
    let slot = U256::from(L2_OUTBOX_MESSAGE_CHAIN_SLOT);
    assert_eq!(
        chain.store().storage(L2_OUTBOX, slot, None).unwrap(),
        message_chain(U256::ZERO, &leaves).unwrap()
    );

    // A restart: the batches reopen, the batcher rebuilds its tip from their pubdata and goes on.
    drop(chain);
    let chain = fractal_node::open_chain(config).unwrap();
    let batches = Arc::new(Batches::open(dir.path().join("batches")).unwrap());
    assert_eq!(batches.latest(), latest);
    assert_eq!(chain.next_priority_index(), 1);
    let running = start(&chain, &batches);
    let raw = signed(&key, 1, BOB, U256::from(7), Vec::new());
    chain.submit(&raw, true).unwrap();
    wait_for("a batch after the restart", || batches.latest() > latest);
    stop(&chain, running);
    let next = batches.get(latest + 1).unwrap().unwrap();
    assert_eq!(next.header.prevStateRoot, last.header.newStateRoot);
    assert_eq!(next.first_block, last.last_block + 1);
    assert_eq!(next.header.priorityOpsCount, 1);
    assert_eq!(next.header.priorityOpsHash, last.header.priorityOpsHash);
}

#[test]
fn blob_batches_commit_to_their_blobs_versioned_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    config.batch.da = fractal_da::DaKind::RollupBlob;
    config.batch.max_blocks = 1;
    let chain = fractal_node::open_chain(config).unwrap();
    let batches = Arc::new(Batches::open(dir.path().join("batches")).unwrap());
    let running = start(&chain, &batches);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    chain
        .submit(&signed(&key, 0, BOB, U256::from(1), Vec::new()), true)
        .unwrap();
    wait_for("a blob batch", || batches.latest() >= 1);
    stop(&chain, running);
    let batch = batches.get(1).unwrap().unwrap();
    let hashes = fractal_da::versioned_hashes(&batch.pubdata).unwrap();
    assert_eq!(hashes.len(), 1);
    let packed: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
    assert_eq!(
        batch.header.pubdataCommitment,
        alloy::primitives::keccak256(packed)
    );
}

#[test]
fn a_corrupt_or_gapped_batch_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let batches = dir.path().join("batches");
    std::fs::create_dir_all(&batches).unwrap();
    std::fs::write(batches.join("0000000001.json"), b"{not json").unwrap();
    assert!(matches!(Batches::open(&batches), Err(Error::Batch(_))));
    std::fs::remove_file(batches.join("0000000001.json")).unwrap();
    std::fs::write(batches.join("0000000002.json"), b"{}").unwrap();
    assert!(matches!(Batches::open(&batches), Err(Error::Batch(_))));
    std::fs::remove_file(batches.join("0000000002.json")).unwrap();

    // A damaged witness file is an error when asked for, not a missing witness.
    let opened = Batches::open(&batches).unwrap();
    std::fs::write(batches.join("0000000001.witness.json"), b"[1, 2").unwrap();
    assert!(matches!(opened.witness(1), Err(Error::Batch(_))));
    assert!(opened.witness(2).unwrap().is_none());
}
