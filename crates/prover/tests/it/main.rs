//! The prover against the compiled chunk circuit (`make circuits`) with the cached development key
//! (made on first use): real witnesses, real Groth16 proofs, checked by arkworks here and by the
//! Solidity verifier in the Foundry tests.

use std::{path::PathBuf, sync::OnceLock};

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use fractal_primitives::{
    AccountDiff, AccountInfo, BatchHeader, MessageTree, STATE_TREE_CAPACITY, StateDiff, StateTree,
    pubdata::{self, BatchWrites, BlockRange, EntryKey, PubdataTables, Row, RowFields},
};
use fractal_prover::{
    BatchData, BatchProof, Blinding, ChunkCircuit, CircuitFiles, CircuitMatrices, Error,
    Groth16Prover, KeyKind, KeyStore, ProverEngine, WitnessGenerator, batch_chunks, read_r1cs,
    sample_batch, verify_batch,
};

const WIDE: ChunkCircuit = ChunkCircuit::Wide;
const DENSE: ChunkCircuit = ChunkCircuit::Dense;

/// The benchmark's chunk: a wide chunk's worth of writes over a tree of 64 entries and 3 messages.
fn sample_chunk() -> fractal_prover::ChunkInput {
    let sample = sample_batch(64, WIDE.writes() as u64, 3).unwrap();
    let mut chunks =
        batch_chunks(&sample.header, sample.chain_id, &sample.data(), &[WIDE]).unwrap();
    assert_eq!(chunks.len(), 1);
    chunks.remove(0)
}

fn circuit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../circuits/build")
}

fn wide_files() -> CircuitFiles {
    CircuitFiles::of(circuit_dir(), WIDE)
}

/// The prover with both circuits' development keys.
fn prover() -> &'static Groth16Prover {
    static PROVER: OnceLock<Groth16Prover> = OnceLock::new();
    PROVER.get_or_init(|| {
        let store = KeyStore::new(circuit_dir().join("keys"));
        Groth16Prover::with_circuits(&CircuitFiles::all(circuit_dir()), |files| {
            files
                .check()
                .expect("the chunk circuits are compiled (make circuits)");
            let keys = store.development(files)?;
            assert_eq!(keys.info.kind, KeyKind::DevelopmentInsecure);
            Ok(keys)
        })
        .expect("prover")
    })
}

/// The verifying key of each circuit, as the verifier looks it up.
fn vk(circuit: ChunkCircuit) -> Option<&'static ark_groth16::VerifyingKey<ark_bn254::Bn254>> {
    prover().keys(circuit).map(|k| k.verifying())
}

fn wide_keys() -> &'static fractal_prover::Keys {
    prover().keys(WIDE).unwrap()
}

#[test]
fn a_two_chunk_batch_with_messages_is_proven_and_verifies() {
    // 49 writes over 40 entries, all in one dense subtree: a dense chunk of 42, then a wide one of 7.
    let sample = sample_batch(40, DENSE.writes() as u64 + 7, 3).unwrap();
    let proof = prover()
        .prove_batch(&sample.header, sample.chain_id, &sample.data(), |_, _| {})
        .unwrap();
    assert_eq!(proof.proofs.len(), 2);
    assert_eq!(proof.carries.len(), 3);
    assert_eq!(proof.circuits, [DENSE.id(), WIDE.id()]);
    assert!(verify_batch(vk, &sample.header, sample.chain_id, &proof).unwrap());

    // A chunk checked under the other circuit's key, an unknown circuit, a verifier without the dense
    // key, a circuit missing: rejected.
    for circuits in [
        vec![WIDE.id(), WIDE.id()],
        vec![DENSE.id(), DENSE.id()],
        vec![2, 0],
        vec![1],
    ] {
        let other = BatchProof {
            circuits,
            ..proof.clone()
        };
        assert!(!verify_batch(vk, &sample.header, sample.chain_id, &other).unwrap());
    }
    let wide_only = |c: ChunkCircuit| (c == WIDE).then(|| wide_keys().verifying());
    assert!(!verify_batch(wide_only, &sample.header, sample.chain_id, &proof).unwrap());

    // The encoding round-trips.
    assert_eq!(BatchProof::abi_decode(&proof.abi_encode()).unwrap(), proof);

    // Another chain, another batch number, another message root, another y, P or length, another
    // carry between the chunks, the chunks swapped: all rejected.
    assert!(!verify_batch(vk, &sample.header, sample.chain_id + 1, &proof).unwrap());
    let mut other = sample.header.clone();
    other.batchNumber += 1;
    assert!(!verify_batch(vk, &other, sample.chain_id, &proof).unwrap());
    let mut other = sample.header.clone();
    other.messageRoot = B256::from(MessageTree::new(vec![]).unwrap().root());
    assert!(!verify_batch(vk, &other, sample.chain_id, &proof).unwrap());
    for change in [
        |h: &mut BatchHeader| h.writesEvaluation = B256::with_last_byte(1),
        |h: &mut BatchHeader| h.rowCommitment = B256::with_last_byte(1),
        |h: &mut BatchHeader| h.writesLength += 1,
        |h: &mut BatchHeader| h.pubdataCommitment = B256::with_last_byte(1),
    ] {
        let mut other = sample.header.clone();
        change(&mut other);
        assert!(!verify_batch(vk, &other, sample.chain_id, &proof).unwrap());
    }
    for carry in 0..3 {
        let mut moved = proof.clone();
        moved.carries[carry] ^= U256::from(1);
        assert!(!verify_batch(vk, &sample.header, sample.chain_id, &moved).unwrap());
    }
    let mut swapped = proof;
    swapped.proofs.swap(0, 1);
    assert!(!verify_batch(vk, &sample.header, sample.chain_id, &swapped).unwrap());
}

#[test]
fn the_prover_refuses_writes_that_disagree_with_the_new_root() {
    let sample = sample_batch(8, 5, 0).unwrap();
    let mut header = sample.header.clone();
    header.newStateRoot = B256::with_last_byte(7);
    let err = prover()
        .prove_batch(&header, sample.chain_id, &sample.data(), |_, _| {})
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason, .. } if reason.contains("header claims")),
        "{err}"
    );

    // A write whose witness lies (a sibling changed, the roots left as they were) passes the chain
    // check but not the circuit.
    let mut writes = sample.writes.clone();
    writes[1].siblings[3][1] ^= U256::from(1);
    let data = BatchData {
        writes: &writes,
        ..sample.data()
    };
    let err = prover()
        .prove_batch(&sample.header, sample.chain_id, &data, |_, _| {})
        .unwrap_err();
    assert!(matches!(err, Error::Unsatisfied { .. }), "{err}");

    // Rows that publish other values than the tree writes make: the prover refuses rows that do not
    // re-encode the published bytes before proving...
    let mut rows = sample.rows.clone();
    for row in &mut rows {
        if row.packing == 0 && row.value_len > 0 {
            row.word ^= U256::from(1);
        }
    }
    let data = BatchData {
        rows: &rows,
        ..sample.data()
    };
    let err = prover()
        .prove_batch(&sample.header, sample.chain_id, &data, |_, _| {})
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason, .. } if reason.contains("re-encode")),
        "{err}"
    );
    // ...and with pubdata published from those rows and a header made for them (their P, the run's
    // evaluation at the point P draws), which pass the prover's own checks, the circuit refuses the
    // rows: their values are not the tree's.
    let run = pubdata::write_run(&sample.pubdata).unwrap();
    let mut published = sample.pubdata[..run.start].to_vec();
    for row in &rows {
        published.extend(row.encode().unwrap());
    }
    published.extend_from_slice(&sample.pubdata[run.end..]);
    let commitment = keccak256(&published);
    let binding = pubdata::write_binding(&published, &rows, commitment).unwrap();
    let mut header = sample.header.clone();
    header.pubdataCommitment = commitment;
    header.rowCommitment = B256::from(binding.row_commitment);
    header.writesEvaluation = B256::from(binding.evaluation);
    let data = BatchData {
        pubdata: &published,
        rows: &rows,
        ..sample.data()
    };
    let err = prover()
        .prove_batch(&header, sample.chain_id, &data, |_, _| {})
        .unwrap_err();
    assert!(matches!(err, Error::Unsatisfied { .. }), "{err}");
}

#[test]
fn the_native_and_webassembly_witness_generators_agree() {
    let files = wide_files();
    let native = WitnessGenerator::new(&files).unwrap();
    assert!(
        native.is_native(),
        "make circuits builds the native witness generator ({})",
        files.native.display()
    );
    for circuit in ChunkCircuit::ALL {
        assert!(
            prover()
                .witness_generator(circuit)
                .is_some_and(|g| g.is_native())
        );
    }
    let wasm = WitnessGenerator::wasm(&files).unwrap();
    let chunks = [sample_chunk()];
    let witness = native.chunk(&chunks[0]).unwrap();
    assert_eq!(witness, wasm.chunk(&chunks[0]).unwrap());
    assert_eq!(witness, prover().witness(&chunks[0]).unwrap());

    // The dense circuit's two generators agree on a full dense chunk; the wide circuit's refuse it.
    let dense_files = CircuitFiles::of(circuit_dir(), DENSE);
    let sample = sample_batch(64, DENSE.writes() as u64, 3).unwrap();
    let dense = batch_chunks(&sample.header, sample.chain_id, &sample.data(), &[DENSE])
        .unwrap()
        .remove(0);
    let dense_witness = WitnessGenerator::new(&dense_files)
        .unwrap()
        .chunk(&dense)
        .unwrap();
    assert_eq!(
        dense_witness,
        WitnessGenerator::wasm(&dense_files)
            .unwrap()
            .chunk(&dense)
            .unwrap()
    );
    assert_eq!(dense_witness, prover().witness(&dense).unwrap());
    let err = native.chunk(&dense).unwrap_err();
    assert!(
        matches!(&err, Error::Unsatisfied { reason, .. } if reason.contains("the wide circuit takes 28")),
        "{err}"
    );

    // A lying write witness (a sibling changed): the native generator checks the circuit's equality
    // constraints as it goes and names the row; the WebAssembly calculator computes a witness, which the
    // prover's satisfaction check then refuses (the test above).
    let mut lying = chunks[0].clone();
    lying.rows[2].siblings[5][0] ^= U256::from(1);
    let err = native.chunk(&lying).unwrap_err();
    assert!(
        matches!(&err, Error::Unsatisfied { chunk: 0, reason, .. } if reason.contains("main.writes.write[2]")),
        "{err}"
    );
    assert!(wasm.chunk(&lying).is_ok());

    // Inputs of the wrong shape (a row short, a message leaf too many): refused before either runs.
    let mut short = chunks[0].clone();
    short.rows.pop();
    let mut long = chunks[0].clone();
    long.messages.push(U256::ZERO);
    for (generator, chunk) in [(&native, &short), (&wasm, &short), (&native, &long)] {
        match generator.chunk(chunk) {
            Err(err) => assert!(
                matches!(&err, Error::Unsatisfied { chunk: 0, reason, .. } if reason.contains("the wide circuit takes")),
                "{err}"
            ),
            Ok(_) => panic!("{generator:?} took a chunk of the wrong shape"),
        }
    }

    // Without the native binary (or its .dat) the prover falls back to the WebAssembly calculator; a
    // binary that fails for its own reasons is a generator error, not the circuit refusing the inputs.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("main_c");
    let files_with = |native: &std::path::Path| CircuitFiles {
        native: native.to_path_buf(),
        ..files.clone()
    };
    assert!(
        !WitnessGenerator::new(&files_with(&fake))
            .unwrap()
            .is_native()
    );
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'libgmp.so.10: cannot open shared object file' >&2\nexit 127\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert!(
        !WitnessGenerator::new(&files_with(&fake))
            .unwrap()
            .is_native()
    );
    std::fs::write(dir.path().join("main_c.dat"), b"").unwrap();
    let broken = WitnessGenerator::new(&files_with(&fake)).unwrap();
    assert!(broken.is_native());
    let err = broken.chunk(&chunks[0]).unwrap_err();
    assert!(
        matches!(&err, Error::Circuit { reason, .. } if reason.contains("libgmp")),
        "{err}"
    );
}

#[test]
fn the_batched_affine_prover_makes_the_proofs_arkworks_makes() {
    // Unblinded proofs are deterministic: this crate's prover (its own multi-scalar multiplication)
    // must make exactly ark-groth16's proof; blinded ones must verify.
    let files = wide_files();
    let matrices = CircuitMatrices::new(&read_r1cs(&files).unwrap());
    let witness = prover().witness(&sample_chunk()).unwrap();
    let pk = &wide_keys().proving;
    type Q = ark_groth16::r1cs_to_qap::LibsnarkReduction;
    let ours = matrices.prove::<Q>(pk, &witness, Blinding::None).unwrap();
    let theirs = matrices
        .prove_by::<Q>(pk, &witness, Blinding::None, ProverEngine::Arkworks)
        .unwrap();
    assert_eq!(ours, theirs);
    let public: Vec<_> = witness[1..matrices.num_inputs()].to_vec();
    let vk = ark_groth16::prepare_verifying_key(&pk.vk);
    let blinded = matrices
        .prove::<Q>(pk, &witness, Blinding::ZeroKnowledge)
        .unwrap();
    assert_ne!(blinded, ours);
    assert!(
        ark_groth16::Groth16::<ark_bn254::Bn254>::verify_proof(&vk, &blinded, &public).unwrap()
    );

    // A witness of the wrong length, and a key for fewer variables, are refused.
    let err = matrices
        .prove::<Q>(pk, &witness[1..], Blinding::None)
        .unwrap_err();
    assert!(err.to_string().contains("variables"), "{err}");
    let mut small = pk.clone();
    small.a_query.truncate(100);
    let err = matrices
        .prove::<Q>(&small, &witness, Blinding::None)
        .unwrap_err();
    assert!(err.to_string().contains("A query"), "{err}");
}

/// A batch's data as the node keeps it: its pubdata decoded over `tables` gives its rows, applied to
/// `tree` in order they give the tree writes.
struct Published {
    pubdata: Vec<u8>,
    rows: Vec<RowFields>,
    writes: Vec<fractal_primitives::WriteWitness>,
}

fn publish(tables: &mut PubdataTables, tree: &mut StateTree, pubdata: Vec<u8>) -> Published {
    let decoded = pubdata::decode(tables, &pubdata).unwrap();
    let writes = decoded
        .rows
        .iter()
        .map(|row| tree.set(row.index, row.key.state_key(), row.value).unwrap())
        .collect();
    Published {
        rows: decoded.rows.iter().map(Row::fields).collect(),
        pubdata,
        writes,
    }
}

fn header_of(number: u64, prev: U256, tree: &StateTree, batch: &Published) -> BatchHeader {
    let commitment = keccak256(&batch.pubdata);
    let binding = pubdata::write_binding(&batch.pubdata, &batch.rows, commitment).unwrap();
    BatchHeader {
        batchNumber: number,
        prevStateRoot: B256::from(prev),
        newStateRoot: B256::from(tree.root()),
        pubdataCommitment: commitment,
        messageRoot: B256::from(MessageTree::new(vec![]).unwrap().root()),
        rowCommitment: B256::from(binding.row_commitment),
        writesEvaluation: B256::from(binding.evaluation),
        writesLength: binding.length,
        ..Default::default()
    }
}

#[test]
fn every_kind_of_write_is_proven() {
    // Batch 1, the encoder's: repeated writes in every packing (a small add, an add, a sub, a full
    // value, a value set to zero), first writes of every kind (a new account's nonce and balance under
    // one address, a code hash with its code, storage slots of 1 and 32 bytes). Batch 2, by hand: a
    // first write at the tree's last position.
    let (user, token, fresh) = (
        Address::with_last_byte(0xa1),
        Address::with_last_byte(0xc0),
        Address::with_last_byte(0xf1),
    );
    let genesis = StateDiff {
        accounts: vec![
            AccountDiff {
                address: user,
                info: Some(AccountInfo {
                    nonce: 5,
                    balance: U256::from(10u64).pow(U256::from(20)),
                    ..Default::default()
                }),
                ..Default::default()
            },
            AccountDiff {
                address: token,
                storage: (0..4u64)
                    .map(|i| (U256::from(i), U256::from(1) << (200 - i)))
                    .collect(),
                ..Default::default()
            },
        ],
    };
    let mut tables = PubdataTables::genesis(&genesis);
    let mut tree = StateTree::new();
    for (index, key, value) in tables.entries() {
        tree.set(index, key.state_key(), value).unwrap();
    }
    let before = tables.clone();
    let code = Bytes::from_static(&[0x60, 0x00, 0xfe]);
    let mut writes = BatchWrites::default();
    for (key, value) in [
        (EntryKey::nonce(user), U256::from(6)),
        (
            EntryKey::balance(user),
            U256::from(10u64).pow(U256::from(20)) - U256::from(21_000u64),
        ),
        (
            EntryKey::storage(token, U256::ZERO),
            (U256::from(1) << 200) + U256::from(1000),
        ),
        (
            EntryKey::storage(token, U256::from(1)),
            (U256::from(1) << 199) - U256::from(300),
        ),
        (EntryKey::storage(token, U256::from(2)), U256::from(0x1234)),
        (EntryKey::storage(token, U256::from(3)), U256::ZERO),
        (EntryKey::storage(token, U256::from(9)), U256::from(1)),
        (
            EntryKey::storage(token, U256::MAX - U256::from(1)),
            U256::MAX,
        ),
        (EntryKey::nonce(fresh), U256::from(1)),
        (
            EntryKey::balance(fresh),
            U256::from(10u64).pow(U256::from(18)),
        ),
        (
            EntryKey::code_hash(fresh),
            U256::from_be_bytes(keccak256(&code).0),
        ),
    ] {
        writes.values.insert(key, value);
    }
    writes.code.insert(keccak256(&code), code);
    let mut encoder = tables.clone();
    let bytes = pubdata::encode(&mut encoder, &writes, BlockRange::new(1, 1)).unwrap();
    let prev = tree.root();
    let one = publish(&mut tables, &mut tree, bytes.to_vec());
    assert_eq!(tables, encoder);
    assert_ne!(before, tables);
    let header = header_of(1, prev, &tree, &one);
    let data = BatchData {
        pubdata: &one.pubdata,
        rows: &one.rows,
        writes: &one.writes,
        message_leaves: &[],
    };
    let proof = prover().prove_batch(&header, 7, &data, |_, _| {}).unwrap();
    assert!(verify_batch(vk, &header, 7, &proof).unwrap());

    // Batch 2: one first write (the nonce of a new account) at position 4^16 − 1, its gap in 5 bytes.
    let last = STATE_TREE_CAPACITY - 1;
    let mut run = Vec::new();
    let mut gap = last;
    for _ in 0..4 {
        run.push((gap as u8 & 0x7f) | 0x80);
        gap >>= 7;
    }
    run.push(gap as u8);
    run.push(0x40); // key tag: a nonce, the address in full
    run.extend_from_slice(Address::with_last_byte(0xee).as_slice());
    run.push(0xc0); // 0 → 1 by a small add
    let mut data2 = vec![pubdata::PUBDATA_VERSION];
    data2.extend_from_slice(&2u64.to_be_bytes());
    data2.extend_from_slice(&2u64.to_be_bytes());
    data2.extend_from_slice(&(run.len() as u32).to_be_bytes());
    data2.extend_from_slice(&run);
    let prev = tree.root();
    let two = publish(&mut tables, &mut tree, data2);
    assert_eq!(two.rows[0].index, last);
    let header = header_of(2, prev, &tree, &two);
    let data = BatchData {
        pubdata: &two.pubdata,
        rows: &two.rows,
        writes: &two.writes,
        message_leaves: &[],
    };
    let proof = prover().prove_batch(&header, 7, &data, |_, _| {}).unwrap();
    assert!(verify_batch(vk, &header, 7, &proof).unwrap());

    // Batch 3, by hand: writes in three subtrees of the chunk circuit — a first write at a free low
    // position (subtree 0), one at 4^10 (subtree 1), one beside batch 2's entry and a repeated write
    // of that entry (the last subtree) — proven in three chunks, one per subtree.
    let mut run = Vec::new();
    let mut next = 0;
    for (index, first) in [
        (1_000, Some(0xeb)),
        (1 << 20, Some(0xec)),
        (last - 1, Some(0xed)),
        (last, None),
    ] {
        let mut gap = index - next;
        while gap >= 0x80 {
            run.push((gap as u8 & 0x7f) | 0x80);
            gap >>= 7;
        }
        run.push(gap as u8);
        if let Some(byte) = first {
            run.push(0x40); // a nonce, the address in full
            run.extend_from_slice(Address::with_last_byte(byte).as_slice());
        }
        run.push(0xc0); // + 1 by a small add
        next = index + 1;
    }
    let mut data3 = vec![pubdata::PUBDATA_VERSION];
    data3.extend_from_slice(&3u64.to_be_bytes());
    data3.extend_from_slice(&3u64.to_be_bytes());
    data3.extend_from_slice(&(run.len() as u32).to_be_bytes());
    data3.extend_from_slice(&run);
    let prev = tree.root();
    let three = publish(&mut tables, &mut tree, data3);
    let header = header_of(3, prev, &tree, &three);
    let data = BatchData {
        pubdata: &three.pubdata,
        rows: &three.rows,
        writes: &three.writes,
        message_leaves: &[],
    };
    let chunks = fractal_prover::batch_chunks(&header, 7, &data, &[WIDE]).unwrap();
    let subtrees: Vec<u64> = chunks.iter().map(|c| c.subtree.index).collect();
    assert_eq!(subtrees, [0, 1, 4095]);
    // With both circuits the plan cannot need more chunks; every chunk is one of its circuit's subtrees.
    let planned = prover().chunks(&header, 7, &data).unwrap();
    assert!(planned.len() <= 3);
    let proof = prover().prove_batch(&header, 7, &data, |_, _| {}).unwrap();
    assert_eq!(proof.proofs.len(), planned.len());
    assert_eq!(
        proof.circuits,
        planned.iter().map(|c| c.circuit.id()).collect::<Vec<_>>()
    );
    assert!(verify_batch(vk, &header, 7, &proof).unwrap());
}

#[test]
fn keys_for_another_circuit_are_refused() {
    let files = wide_files();
    let mut keys = wide_keys().clone();
    keys.info.circuit_hash = B256::repeat_byte(1);
    let err = Groth16Prover::new(&files, keys).unwrap_err();
    assert!(matches!(err, Error::Key(_)), "{err}");

    let missing = CircuitFiles::of("/nonexistent", WIDE);
    let err = Groth16Prover::new(&missing, wide_keys().clone()).unwrap_err();
    assert!(matches!(err, Error::Circuit { .. }), "{err}");
}

#[test]
fn the_key_store_round_trips_and_rejects_a_damaged_key() {
    let files = wide_files();
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::new(dir.path());
    assert!(
        store
            .load(&files, KeyKind::DevelopmentInsecure)
            .unwrap()
            .is_none()
    );
    let saved = store.save(wide_keys()).unwrap();
    let loaded = store
        .load(&files, KeyKind::DevelopmentInsecure)
        .unwrap()
        .unwrap();
    assert_eq!(loaded.info, wide_keys().info);
    assert_eq!(loaded.proving.vk, wide_keys().proving.vk);
    assert!(store.load(&files, KeyKind::Ceremony).unwrap().is_none());

    // A truncated key file is an error, not a silent miss.
    let pk = saved.join("proving.key");
    let bytes = std::fs::read(&pk).unwrap();
    std::fs::write(&pk, &bytes[..bytes.len() / 2]).unwrap();
    let err = store
        .load(&files, KeyKind::DevelopmentInsecure)
        .unwrap_err();
    assert!(matches!(err, Error::Key(_)), "{err}");
}

#[test]
fn a_zkey_that_is_not_one_is_refused() {
    let files = wide_files();
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.zkey");
    std::fs::write(&bogus, b"not a zkey").unwrap();
    assert!(fractal_prover::import_zkey(&files, &bogus).is_err());
    assert!(fractal_prover::import_zkey(&files, &dir.path().join("missing.zkey")).is_err());
}

#[test]
fn a_lying_write_is_refused_with_the_webassembly_witness_generator_too() {
    // The WebAssembly calculator does not check every constraint as it computes: the lying witness
    // gets through it, its proof fails the check against the verifying key, and the prover refuses
    // the chunk with the first constraint that does not hold.
    let files = wide_files();
    let keys = KeyStore::new(circuit_dir().join("keys"))
        .development(&files)
        .unwrap();
    let prover = Groth16Prover::new(&files, keys)
        .unwrap()
        .with_witness_generator(WitnessGenerator::wasm(&files).unwrap());
    let sample = sample_batch(8, 5, 0).unwrap();
    let mut writes = sample.writes.clone();
    writes[1].siblings[3][1] ^= U256::from(1);
    let data = BatchData {
        writes: &writes,
        ..sample.data()
    };
    let err = prover
        .prove_batch(&sample.header, sample.chain_id, &data, |_, _| {})
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unsatisfied { reason, .. } if reason.starts_with("constraint ") && reason.contains("does not hold")),
        "{err}"
    );
}
