//! Shared test vectors: values computed by `fractal-primitives` that the Solidity tests recompute with
//! the contracts' own code (contracts/test/vectors/SharedVectors.t.sol). A mismatch on either side means
//! the two implementations of an encoding disagree.

use alloy_primitives::{Address, B256, Bytes, U256, address, keccak256};
use eyre::Result;
use fractal_primitives::{
    AccountDiff, AccountInfo, BatchHeader, L2_BRIDGE, Message, MessageTree, PriorityOp,
    SparseMerkleTree, StateDiff, StateKind, StateTree, balance_key, empty_subtree, message_chain,
    payload_hash, poseidon,
    pubdata::{
        self, BatchWrites, BlockRange, EntryKey, PubdataTables, evaluate, evaluation_challenge,
    },
    rolling_hash, state_key,
};
use serde_json::{Value, json};

const CHAIN_ID: u64 = 4242;
const PARENT_CHAIN_ID: u64 = 31337;

fn hex(u: U256) -> String {
    format!("{u:#066x}")
}

fn payload(len: usize) -> Bytes {
    (0..len)
        .map(|i| (i * 7 + 1) as u8)
        .collect::<Vec<u8>>()
        .into()
}

/// The three messages of the vectors: withdrawals-shaped messages from the bridge to the parent, with
/// payloads of 96 to 98 bytes. The first pubdata batch (`pubdataRows`) sends them: it writes the outbox's
/// message chain folded over their leaves.
fn vector_messages() -> Vec<Message> {
    let recipient = address!("0x5FbDB2315678afecb367f056d29b6e5A1F6Eab3a");
    (0..3u64)
        .map(|nonce| Message {
            source_chain_id: CHAIN_ID,
            nonce,
            sender: L2_BRIDGE,
            destination_chain_id: PARENT_CHAIN_ID,
            recipient,
            payload: payload(96 + nonce as usize),
        })
        .collect()
}

/// The outbox's message chain after the three vector messages, from genesis (`L2Outbox.messageChain()`).
fn vector_message_chain() -> Result<U256> {
    let leaves: Vec<U256> = vector_messages().iter().map(Message::leaf).collect();
    Ok(message_chain(U256::ZERO, &leaves)?)
}

/// Computes every vector and renders the JSON file (pretty, with a trailing newline).
pub(crate) fn generate() -> Result<String> {
    let poseidon_cases: Vec<Value> = [vec![1u64, 2], vec![0, 0], vec![3, 4, 5], vec![7, 8, 1]]
        .into_iter()
        .map(|inputs| {
            let words: Vec<U256> = inputs.iter().map(|i| U256::from(*i)).collect();
            Ok(json!({ "inputs": words.iter().map(|w| hex(*w)).collect::<Vec<_>>(), "output": hex(poseidon(&words)?) }))
        })
        .collect::<Result<_>>()?;

    let payload_cases: Vec<Value> = [0usize, 1, 30, 31, 32, 62, 63, 96, 200]
        .into_iter()
        .map(|len| json!({ "payload": payload(len), "hash": hex(payload_hash(&payload(len))) }))
        .collect();

    // The pubdata evaluation (docs/proofs.md): the point from the bytes' hash and a row commitment.
    let evaluation_cases: Vec<Value> = [0usize, 1, 30, 31, 32, 62, 63, 200]
        .into_iter()
        .map(|len| {
            let bytes = payload(len);
            let rows = U256::from(len as u64 * 1_000_003 + 11);
            let z = evaluation_challenge(keccak256(&bytes), rows)?;
            Ok(json!({ "bytes": bytes, "rowCommitment": hex(rows), "z": hex(z), "y": hex(evaluate(&bytes, z)?) }))
        })
        .collect::<Result<_>>()?;

    let messages = vector_messages();
    let tree = MessageTree::from_messages(&messages)?;
    let message_cases: Vec<Value> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Ok(json!({
                "sourceChainId": m.source_chain_id, "nonce": m.nonce, "sender": m.sender,
                "destinationChainId": m.destination_chain_id, "recipient": m.recipient,
                "payload": m.payload, "leaf": hex(m.leaf()),
                "siblings": tree.proof(i)?.into_iter().map(hex).collect::<Vec<_>>(),
            }))
        })
        .collect::<Result<_>>()?;

    let accounts = [
        address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    ];
    let token = address!("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    // Positions: the four balances at entry indices 0, 1, 6 and 1,000,003 (deep digits), a nonce at 4.
    let positions = [0u64, 1, 6, 1_000_003];
    let mut state = SparseMerkleTree::new();
    let mut entries = Vec::new();
    for (i, account) in accounts.iter().enumerate() {
        let eth_key = balance_key(*account, None);
        let token_key = balance_key(*account, Some(token));
        let (eth_at, token_at) = (positions[2 * i], positions[2 * i + 1]);
        state.insert(eth_at, eth_key, U256::from(10u64.pow(18) * (i as u64 + 1)))?;
        state.insert(token_at, token_key, U256::from(500 + i as u64))?;
        entries.push((*account, Address::ZERO, eth_key, eth_at));
        entries.push((*account, token, token_key, token_at));
    }
    state.insert(
        4,
        state_key(StateKind::Nonce, accounts[0], B256::ZERO),
        U256::from(3),
    )?;
    let state_cases: Vec<Value> = entries
        .iter()
        .map(|(account, token, key, index)| {
            let (_, value) = state.get(*index).expect("inserted above");
            Ok(json!({
                "account": account, "token": token, "key": hex(*key), "index": index,
                "value": hex(value),
                "siblings": state
                    .proof(*index)?
                    .iter()
                    .map(|level| level.iter().copied().map(hex).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
            }))
        })
        .collect::<Result<_>>()?;

    let ops: Vec<PriorityOp> = (0..3u64)
        .map(|index| PriorityOp {
            index,
            l2Sender: accounts[0],
            target: accounts[1],
            mint: U256::from(1000 * index),
            l2Value: U256::from(index),
            gasLimit: U256::from(300_000),
            refundRecipient: accounts[0],
            deadline: 1_700_000_000 + index,
            data: payload(index as usize * 20),
        })
        .collect();
    let mut rolling = B256::ZERO;
    let op_cases: Vec<Value> = ops
        .iter()
        .map(|op| {
            let h = op.hash(CHAIN_ID);
            rolling = rolling_hash(rolling, h);
            json!({
                "index": op.index, "l2Sender": op.l2Sender, "target": op.target, "mint": hex(op.mint),
                "l2Value": hex(op.l2Value), "gasLimit": hex(op.gasLimit), "refundRecipient": op.refundRecipient,
                "deadline": op.deadline, "data": op.data, "hash": h, "rolling": rolling,
            })
        })
        .collect();

    let header = BatchHeader {
        batchNumber: 1,
        timestamp: 1_700_000_100,
        priorityOpsCount: 3,
        prevStateRoot: B256::from(U256::from(11)),
        newStateRoot: B256::from(state.root()?),
        pubdataCommitment: B256::repeat_byte(0xab),
        messageRoot: B256::from(tree.root()),
        priorityOpsHash: rolling,
        childRootsAggregated: B256::ZERO,
        importedRootsHash: B256::ZERO,
        rowCommitment: B256::from(U256::from(0x5eed)),
        writesEvaluation: B256::from(U256::from(0xe7a1)),
        writesLength: 300,
    };
    let batch = json!({
        "chainId": CHAIN_ID,
        "batchNumber": header.batchNumber, "timestamp": header.timestamp, "priorityOpsCount": header.priorityOpsCount,
        "prevStateRoot": header.prevStateRoot, "newStateRoot": header.newStateRoot,
        "pubdataCommitment": header.pubdataCommitment, "messageRoot": header.messageRoot,
        "priorityOpsHash": header.priorityOpsHash, "childRootsAggregated": header.childRootsAggregated,
        "importedRootsHash": header.importedRootsHash,
        "rowCommitment": header.rowCommitment, "writesEvaluation": header.writesEvaluation,
        "writesLength": header.writesLength,
        "hash": header.hash(),
        "publicInputs": header.public_inputs(CHAIN_ID)?.into_iter().map(hex).collect::<Vec<_>>(),
    });

    let chain = vector_message_chain()?;
    let doc = json!({
        "note": "generated by `fractal vectors`; do not edit by hand",
        "poseidon": poseidon_cases,
        "payloadHashes": payload_cases,
        "pubdataEvaluations": evaluation_cases,
        "pubdataRows": pubdata_rows()?,
        "messages": message_cases,
        "messageRoot": hex(tree.root()),
        "messageChain": hex(chain),
        "state": { "root": hex(state.root()?), "emptyRoot": hex(empty_subtree(16)), "entries": state_cases },
        "priorityOps": { "chainId": CHAIN_ID, "ops": op_cases },
        "batch": batch,
    });
    Ok(serde_json::to_string_pretty(&sorted(doc))? + "\n")
}

/// Two batches' runs of write rows (pubdata version 2, docs/encodings.md) with each row's fields as the
/// batch circuit takes them and its state-tree write (the position's siblings, the roots before and
/// after), each run's row commitment and its evaluation at the point drawn from it (docs/proofs.md):
/// what the circuit's rows are held to (tests/circuits). The first batch is the encoder's (every row shape: repeated
/// writes with one- and two-byte gaps, first writes of every kind, same-address keys, slots of 1, 2, 26
/// and 32 bytes, the full, add, sub and small-add packings); the second is written by hand in longer forms the decoder also accepts
/// (an overlong gap, a repeated address, a padded value, a delta where a small add would do).
fn pubdata_rows() -> Result<Value> {
    let ether = U256::from(10u64).pow(U256::from(18));
    let (user, token, fresh, deployed) = (
        address!("0x00000000000000000000000000000000000000a1"),
        address!("0x00000000000000000000000000000000000000c0"),
        address!("0x00000000000000000000000000000000000000f1"),
        address!("0x00000000000000000000000000000000000000d0"),
    );
    let account = |address, nonce, balance, storage: Vec<(U256, U256)>| AccountDiff {
        address,
        info: Some(AccountInfo {
            nonce,
            balance,
            ..Default::default()
        }),
        storage: storage.into_iter().collect(),
        ..Default::default()
    };
    // 150 slots so that a repeated write can be more than 127 positions after the one before.
    // Slot 0 holds a large value, so that a small change to it is an add.
    let slots = (0..150u64)
        .map(|i| (U256::from(i), U256::from(i + 1)))
        .chain([(U256::ZERO, U256::from(1) << 200)])
        .collect();
    let genesis = StateDiff {
        accounts: vec![
            account(user, 5, U256::from(100u64) * ether, Vec::new()),
            account(token, 1, U256::ZERO, slots),
        ],
    };
    let mut tables = PubdataTables::genesis(&genesis);
    // The state tree the rows are applied to, each at its entry index (docs/state.md).
    let mut tree = StateTree::new();
    for (index, key, value) in tables.entries() {
        tree.set(index, key.state_key(), value)?;
    }
    let mapping = U256::from_be_bytes(keccak256([7u8; 64]).0);
    let mut writes = BatchWrites::default();
    for (key, value) in [
        (EntryKey::nonce(user), U256::from(6)),
        (
            EntryKey::balance(user),
            U256::from(99u64) * ether - U256::from(21_000u64),
        ),
        (
            EntryKey::storage(token, U256::ZERO),
            (U256::from(1) << 200) + U256::from(1000),
        ),
        (EntryKey::storage(token, U256::from(2)), U256::from(0x1234)),
        (
            EntryKey::storage(token, U256::from(140)),
            (U256::from(1) << 100) + U256::from(141),
        ),
        (EntryKey::storage(token, U256::from(141)), U256::from(3)),
        (
            EntryKey::storage(token, mapping),
            U256::from(250u64) * ether,
        ),
        (EntryKey::storage(token, U256::from(300)), U256::from(1)),
        (EntryKey::storage(token, U256::from(1) << 200), U256::MAX),
        (EntryKey::nonce(fresh), U256::from(1)),
        (EntryKey::balance(fresh), ether),
        (
            EntryKey::code_hash(deployed),
            U256::from_be_bytes(keccak256([0xfe]).0),
        ),
        // The batch sends the three vector messages: the outbox's chain over their leaves.
        (EntryKey::outbox_message_chain(), vector_message_chain()?),
    ] {
        writes.values.insert(key, value);
    }
    writes
        .code
        .insert(keccak256([0xfe]), Bytes::from_static(&[0xfe]));
    let mut before = tables.clone();
    let encoded = pubdata::encode(&mut tables, &writes, BlockRange::new(1, 1))?;

    // By hand: repeated writes of the user's balance (a 2-byte delta where a small add would do) and
    // the fresh account's nonce (padded to 32 bytes), then two first writes of the fresh account, the
    // second with its address in full; the first row's gap is written in 3 bytes.
    let balance = tables
        .entry_index(&EntryKey::balance(user))
        .expect("published");
    let nonce = tables
        .entry_index(&EntryKey::nonce(fresh))
        .expect("published");
    let next = tables.next_index();
    let mut rows = vec![
        (balance as u8 & 0x7f) | 0x80,
        0x80 | (balance >> 7) as u8,
        0x00,
    ];
    rows.extend_from_slice(&[0x42, 0x00, 0x05]);
    let mut gap = nonce - balance - 1;
    while gap >= 0x80 {
        rows.push((gap as u8 & 0x7f) | 0x80);
        gap >>= 7;
    }
    rows.push(gap as u8);
    rows.push(0x20);
    rows.extend_from_slice(&U256::from(9).to_be_bytes::<32>());
    rows.extend_from_slice(&[(next - nonce - 1) as u8, 0x00]);
    rows.extend_from_slice(fresh.as_slice());
    rows.extend_from_slice(&[0x07, 0xc0]);
    rows.extend_from_slice(&[0x00, 0x00]);
    rows.extend_from_slice(fresh.as_slice());
    rows.extend_from_slice(&[0x08, 0x01, 0x2a]);
    let mut lenient = vec![pubdata::PUBDATA_VERSION];
    lenient.extend_from_slice(&2u64.to_be_bytes());
    lenient.extend_from_slice(&2u64.to_be_bytes());
    lenient.extend_from_slice(&(rows.len() as u32).to_be_bytes());
    lenient.extend_from_slice(&rows);

    let mut cases = Vec::new();
    for data in [encoded.to_vec(), lenient] {
        let decoded = pubdata::decode(&mut before, &data)?;
        let run = pubdata::write_run(&data)?;
        let fields: Vec<_> = decoded.rows.iter().map(pubdata::Row::fields).collect();
        let commitment = pubdata::row_commitment(&fields)?;
        let z = evaluation_challenge(keccak256(&data), commitment)?;
        let prev_root = tree.root();
        let rows: Vec<Value> = decoded
            .rows
            .iter()
            .map(|row| {
                let witness = tree.set(row.index, row.key.state_key(), row.value)?;
                let (same, slot_len) = row
                    .key_encoding
                    .map_or((false, 0), |e| (e.same_address, e.slot_len));
                Ok(json!({
                    "oldRoot": hex(witness.old_root), "newRoot": hex(witness.new_root),
                    "siblings": witness
                        .siblings
                        .iter()
                        .map(|level| level.iter().copied().map(hex).collect::<Vec<_>>())
                        .collect::<Vec<_>>(),
                    "bytes": Bytes::copy_from_slice(&data[row.bytes.clone()]),
                    "index": row.index, "gap": row.gap, "gapLen": row.gap_len,
                    "first": row.key_encoding.is_some(), "kind": row.key.kind as u8,
                    "sameAddress": same, "address": row.key.address,
                    "slot": hex(row.key.slot), "slotLen": slot_len,
                    "key": hex(row.key.state_key()),
                    "previous": hex(row.previous), "value": hex(row.value),
                    "packing": row.value_header >> 6, "valueLen": row.value_header & 0x3f,
                }))
            })
            .collect::<Result<_>>()?;
        cases.push(json!({
            "pubdata": Bytes::from(data.clone()), "run": Bytes::copy_from_slice(&data[run.clone()]),
            "rowCommitment": hex(commitment), "z": hex(z),
            "prevRoot": hex(prev_root), "newRoot": hex(tree.root()),
            "y": hex(evaluate(&data[run], z)?),
            "rows": rows,
        }));
    }
    Ok(Value::Array(cases))
}

/// Rebuilds `value` with every object's keys in lexicographic order, so the file is the same whether or
/// not some dependency turns on serde_json's `preserve_order`.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
