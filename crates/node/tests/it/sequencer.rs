//! The sequencer without servers: receipts handed out before the seal equal the sealed ones across
//! pipelined blocks, and a crash before the seal is recovered from the pending-block log.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::Duration,
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::eip2718::Encodable2718,
    primitives::{Address, B256, TxKind, U256},
    signers::{SignerSync, local::PrivateKeySigner},
};
use fractal_node::{
    chain::{Chain, ExecutedTx},
    config::ChainConfig,
};
use fractal_storage::{BlockReader, RedbStore, StateReader, StoredReceipt};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn transfer(key: &PrivateKeySigner, nonce: u64, to: Address, value: u64) -> Vec<u8> {
    call(key, nonce, to, value, Vec::new(), 21_000)
}

/// Gas for a send through the outbox: it hashes the message with the node's Poseidon precompiles (2,000
/// gas per 31 bytes of payload, about 60,000 for a 96-byte message in all).
const SEND_GAS: u64 = 300_000;

fn call(
    key: &PrivateKeySigner,
    nonce: u64,
    to: Address,
    value: u64,
    input: Vec<u8>,
    gas_limit: u64,
) -> Vec<u8> {
    let tx = TxEip1559 {
        chain_id: 4242,
        nonce,
        gas_limit,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 1,
        to: TxKind::Call(to),
        value: U256::from(value),
        input: input.into(),
        ..Default::default()
    };
    let signature = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
}

fn open(dir: &Path, block_time_ms: u64) -> Arc<Chain<RedbStore>> {
    let mut config = ChainConfig::dev(dir.to_path_buf());
    config.block_time_ms = block_time_ms;
    fractal_node::open_chain(config).unwrap()
}

fn start(chain: &Arc<Chain<RedbStore>>) -> (Arc<AtomicBool>, JoinHandle<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let handle = {
        let (chain, stop) = (chain.clone(), stop.clone());
        std::thread::spawn(move || chain.run_sequencer(&stop).unwrap())
    };
    (stop, handle)
}

fn stop(chain: &Chain<RedbStore>, (flag, handle): (Arc<AtomicBool>, JoinHandle<()>)) {
    flag.store(true, Ordering::Release);
    chain.wake_sequencer();
    handle.join().unwrap();
}

/// Submits and waits for the execution, as the REST API's `wait=true` does.
fn submit(chain: &Chain<RedbStore>, raw: &[u8]) -> (B256, Arc<ExecutedTx>) {
    let (hash, watcher) = chain.submit(raw, true).unwrap();
    let executed = watcher.unwrap().blocking_recv().unwrap().unwrap();
    (hash, executed)
}

/// A receipt without its block hash, which only the seal fixes.
fn sealless(mut receipt: StoredReceipt) -> StoredReceipt {
    receipt.block_hash = B256::ZERO;
    receipt
}

#[test]
fn receipts_before_the_seal_equal_the_sealed_ones_across_pipelined_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let chain = open(dir.path(), 100);
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let recipients: Vec<Address> = (0xa1..=0xa3u8).map(Address::with_last_byte).collect();
    let mut answered = Vec::new();
    for nonce in 0..40u64 {
        let to = recipients[nonce as usize % recipients.len()];
        answered.push(submit(&chain, &transfer(&key, nonce, to, 1_000 + nonce)));
        // Spread the transactions over several blocks, so each block executes on top of one that may
        // still be being written.
        std::thread::sleep(Duration::from_millis(8));
    }
    stop(&chain, running);

    let store = chain.store();
    let mut blocks = std::collections::BTreeSet::new();
    for (hash, executed) in &answered {
        let sealed = store.receipt(*hash).unwrap().expect("sealed");
        assert_ne!(sealed.block_hash, B256::ZERO);
        assert_eq!(sealless(sealed.clone()), executed.receipt, "{hash}");
        blocks.insert(sealed.block_number);
    }
    assert!(
        blocks.len() >= 2,
        "the transactions spread over blocks {blocks:?}"
    );
    let sender = store.account(key.address(), None).unwrap().unwrap();
    assert_eq!(sender.nonce, 40);
    let received: U256 = recipients
        .iter()
        .map(|r| store.account(*r, None).unwrap().unwrap().balance)
        .sum();
    assert_eq!(
        received,
        U256::from((0..40u64).map(|n| 1_000 + n).sum::<u64>())
    );
}

/// The blocks' state diffs, turned into rollup pubdata batch by batch and decoded from the bytes alone,
/// give back the chain's state: every account the blocks touched has the nonce and balance the store
/// has, and the genesis seeds both sides' tables the same way.
#[test]
fn pubdata_of_real_blocks_rebuilds_the_state() {
    use fractal_primitives::pubdata::{self, BatchWrites, BlockRange, EntryKey, PubdataTables};

    let dir = tempfile::tempdir().unwrap();
    let chain = open(dir.path(), 100);
    let mut blocks = chain.subscribe_blocks();
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let fresh: Vec<Address> = (0..12u64)
        .map(|i| Address::from_word(alloy::primitives::keccak256(i.to_be_bytes())))
        .collect();
    for (nonce, to) in fresh.iter().enumerate() {
        submit(&chain, &transfer(&key, nonce as u64, *to, 5 + nonce as u64));
        std::thread::sleep(Duration::from_millis(20));
    }
    stop(&chain, running);
    let mut diffs = Vec::new();
    while let Ok(block) = blocks.try_recv() {
        diffs.push((block.block.number(), block.diff.clone()));
    }
    assert!(diffs.len() >= 2);

    let genesis = fractal_node::chain::genesis_block(chain.config()).diff;
    let mut publisher = PubdataTables::genesis(&genesis);
    let mut rebuilder = publisher.clone();
    let mut published = 0;
    // Batches of two blocks.
    for batch in diffs.chunks(2) {
        let range = BlockRange::new(batch[0].0, batch[batch.len() - 1].0);
        let writes = BatchWrites::from_diffs(&publisher, batch.iter().map(|(_, d)| &**d));
        let bytes = pubdata::encode(&mut publisher, &writes, range).unwrap();
        published += bytes.len();
        let decoded = pubdata::decode(&mut rebuilder, &bytes).unwrap();
        assert_eq!(decoded.writes, writes);
    }
    assert_eq!(rebuilder, publisher);
    assert!(published > 0);
    let store = chain.store();
    for account in fresh.iter().chain([&key.address()]) {
        let stored = store.account(*account, None).unwrap().unwrap();
        assert_eq!(
            rebuilder.value(&EntryKey::balance(*account)),
            stored.balance,
            "{account}"
        );
        assert_eq!(
            rebuilder.value(&EntryKey::nonce(*account)),
            U256::from(stored.nonce),
            "{account}"
        );
    }
}

alloy::sol! {
    function sendMessage(uint64 destinationChainId, address recipient, bytes payload) returns (uint64);
}

/// Messages sent through the genesis outbox come back from the sealed blocks' receipts, in nonce
/// order, with the chain's id as their source; a reverted send leaves none.
#[test]
fn outbox_messages_are_read_from_the_blocks() {
    use alloy::sol_types::SolCall;
    use fractal_primitives::{L2_OUTBOX, L2_OUTBOX_MESSAGE_CHAIN_SLOT, Message, MessageTree};

    let dir = tempfile::tempdir().unwrap();
    let chain = open(dir.path(), 100);
    let mut blocks = chain.subscribe_blocks();
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let payloads: [Vec<u8>; 4] = [vec![1, 2, 3], vec![], vec![7; 1_025], vec![9; 100]];
    let mut expected = Vec::new();
    for (nonce, payload) in payloads.iter().enumerate() {
        let recipient = Address::with_last_byte(0xb0 + nonce as u8);
        let input = sendMessageCall {
            destinationChainId: 31_337,
            recipient,
            payload: payload.clone().into(),
        }
        .abi_encode();
        let (_, executed) = submit(
            &chain,
            &call(&key, nonce as u64, L2_OUTBOX, 0, input, SEND_GAS),
        );
        // The 1,025-byte payload is over the outbox's cap: that send reverts and numbers nothing.
        assert_eq!(executed.receipt.receipt.success, payload.len() <= 1_024);
        if payload.len() <= 1_024 {
            expected.push(Message {
                source_chain_id: 4242,
                nonce: expected.len() as u64,
                sender: key.address(),
                destination_chain_id: 31_337,
                recipient,
                payload: payload.clone().into(),
            });
        }
    }
    stop(&chain, running);
    let mut receipts = Vec::new();
    while let Ok(block) = blocks.try_recv() {
        receipts.extend(block.receipts.iter().map(|(_, r)| r.clone()));
    }
    let messages = fractal_node::messages::outbox_messages(4242, &receipts);
    assert_eq!(messages, expected);
    assert_eq!(
        MessageTree::from_messages(&messages).unwrap().root(),
        MessageTree::from_messages(&expected).unwrap().root()
    );
    // The genesis outbox (linked to the genesis Poseidon libraries) chained the same leaves in slot 2.
    let leaves: Vec<_> = expected.iter().map(Message::leaf).collect();
    assert_eq!(
        chain
            .store()
            .storage(L2_OUTBOX, U256::from(L2_OUTBOX_MESSAGE_CHAIN_SLOT), None)
            .unwrap(),
        fractal_primitives::message_chain(U256::ZERO, &leaves).unwrap()
    );
}

/// A block sends at most 16 messages (the genesis outbox reverts the 17th: the batch circuit's
/// capacity), so the sequencer seals a block as soon as it has sent 16: the sends after it land in the
/// next block and succeed, long before the block time is up.
#[test]
fn a_full_block_seals_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ChainConfig::dev(dir.path().to_path_buf());
    // A block time far longer than the test, and room for three transfers a block: only being full can
    // seal a block.
    config.block_time_ms = 60_000;
    config.block_gas_limit = 3 * 21_000;
    let chain = fractal_node::open_chain(config).unwrap();
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let started = std::time::Instant::now();
    let to = Address::with_last_byte(0xb0);
    // Seven transfers in one go: two full blocks of three, and one left in the pending block.
    let watchers: Vec<_> = (0..7u64)
        .map(|nonce| {
            chain
                .submit(&transfer(&key, nonce, to, 1), true)
                .unwrap()
                .1
                .unwrap()
        })
        .collect();
    let blocks: Vec<u64> = watchers
        .into_iter()
        .map(|w| w.blocking_recv().unwrap().unwrap().receipt.block_number)
        .collect();
    let first = blocks[0];
    assert_eq!(
        blocks,
        [0, 0, 0, 1, 1, 1, 2].map(|b| first + b),
        "three transfers a block"
    );
    let deadline = started + Duration::from_secs(30);
    while chain.latest_number().unwrap() < first + 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the full blocks did not seal"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // The last transfer's block is not full: it waits for its block time.
    assert_eq!(chain.latest_number().unwrap(), first + 1);
    stop(&chain, running);
}

#[test]
fn a_block_that_sent_sixteen_messages_seals_at_once() {
    use alloy::sol_types::SolCall;
    use fractal_primitives::{L2_OUTBOX, MAX_MESSAGES_PER_BLOCK};

    let dir = tempfile::tempdir().unwrap();
    // A block time far longer than the test: only the message count can seal the first block.
    let chain = open(dir.path(), 60_000);
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let started = std::time::Instant::now();
    let outcomes: Vec<_> = (0..20u64)
        .map(|nonce| {
            let input = sendMessageCall {
                destinationChainId: 31_337,
                recipient: Address::with_last_byte(0xb0),
                payload: vec![nonce as u8].into(),
            }
            .abi_encode();
            submit(&chain, &call(&key, nonce, L2_OUTBOX, 0, input, SEND_GAS)).1
        })
        .collect();
    assert!(started.elapsed() < Duration::from_secs(30));
    let first = outcomes[0].receipt.block_number;
    for (i, executed) in outcomes.iter().enumerate() {
        let receipt = &executed.receipt;
        assert!(receipt.receipt.success, "send {i} failed");
        assert_eq!(fractal_node::messages::sent_by(&receipt.receipt), 1);
        let expected = first + u64::from(i >= MAX_MESSAGES_PER_BLOCK);
        assert_eq!(receipt.block_number, expected, "send {i}");
    }
    stop(&chain, running);
}

#[test]
fn a_crash_before_the_seal_is_recovered_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    // A long block: nothing is sealed while the transactions execute.
    let chain = open(&live, 60_000);
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let answered: Vec<_> = (0..5u64)
        .map(|nonce| {
            submit(
                &chain,
                &transfer(&key, nonce, Address::with_last_byte(9), 7),
            )
        })
        .collect();
    assert!(chain.store().receipt(answered[0].0).unwrap().is_none());

    // The crash: what is on disk now, taken while the node still runs, is all a restart sees.
    let crashed = dir.path().join("crashed");
    copy_dir(&live, &crashed);
    stop(&chain, running);

    let restarted = open(&crashed, 60_000);
    for (hash, executed) in &answered {
        let sealed = restarted
            .store()
            .receipt(*hash)
            .unwrap()
            .expect("recovered");
        assert_eq!(sealless(sealed), executed.receipt, "{hash}");
    }
    assert_eq!(
        restarted
            .store()
            .account(key.address(), None)
            .unwrap()
            .unwrap()
            .nonce,
        5
    );
}

/// Copies the files under `from` (recursively) to `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Blocks between durable ones are committed without a sync; the ring of write-ahead logs holds them
/// until they are durable. Here the store loses everything after genesis (worse than any crash) and
/// the ring alone rebuilds every block, in order, with the receipts handed out.
#[test]
fn blocks_not_yet_durable_are_rebuilt_from_the_log_ring() {
    use fractal_node::chain::DURABLE_EVERY;

    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let mut config = ChainConfig::dev(live.clone());
    // One transfer a block, sealed as soon as the next one waits; the last one stays pending.
    config.block_time_ms = 60_000;
    config.block_gas_limit = 21_000;
    let chain = fractal_node::open_chain(config.clone()).unwrap();
    let running = start(&chain);
    let key: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let count = DURABLE_EVERY + 12;
    let watchers: Vec<_> = (0..count)
        .map(|nonce| {
            let raw = transfer(&key, nonce, Address::with_last_byte(9), 1 + nonce);
            let (hash, watcher) = chain.submit(&raw, true).unwrap();
            (hash, watcher.unwrap())
        })
        .collect();
    let answered: Vec<_> = watchers
        .into_iter()
        .map(|(hash, w)| (hash, w.blocking_recv().unwrap().unwrap()))
        .collect();
    let last_sealed = answered[answered.len() - 2].1.receipt.block_number;
    assert!(
        last_sealed > DURABLE_EVERY,
        "blocks past the first durable one"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while chain.latest_number().unwrap() < last_sealed {
        assert!(std::time::Instant::now() < deadline, "the writer is stuck");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The sequencer now waits for the last block's deadline; every log is synced.
    let crashed = dir.path().join("crashed");
    copy_dir(&live.join("wal"), &crashed.join("wal"));
    stop(&chain, running);

    config.data_dir = crashed;
    let restarted = fractal_node::open_chain(config.clone()).unwrap();
    // Every block came back, and the pending one with the last transfer.
    assert_eq!(restarted.latest_number().unwrap(), last_sealed + 1);
    for (hash, executed) in &answered {
        let sealed = restarted.store().receipt(*hash).unwrap().expect("rebuilt");
        assert_eq!(sealless(sealed), executed.receipt, "{hash}");
    }
    for n in 1..=last_sealed {
        assert_eq!(
            restarted.store().block_hash(n).unwrap(),
            chain.store().block_hash(n).unwrap(),
            "block {n}"
        );
    }

    // The same logs under another block gas limit: the blocks would come out different, so the node
    // refuses to start rather than drop the answered transactions.
    let changed = dir.path().join("changed");
    copy_dir(&live.join("wal"), &changed.join("wal"));
    config.data_dir = changed;
    config.block_gas_limit = 30_000_000;
    let err = fractal_node::open_chain(config).unwrap_err().to_string();
    assert!(err.contains("cannot be rebuilt"), "{err}");
}
