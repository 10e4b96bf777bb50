//! The prover against the compiled chunk circuit (`make circuits`) with the cached development key
//! (made on first use): real witnesses, real Groth16 proofs, checked by arkworks here and by the
//! Solidity verifier in the Foundry tests.

use std::{path::PathBuf, sync::OnceLock};

use alloy_primitives::{B256, U256};
use fractal_primitives::{BatchHeader, MessageTree, STATE_TREE_CAPACITY, StateTree};
use fractal_prover::{
    BatchProof, Blinding, CHUNK_WRITES, CircuitFiles, CircuitMatrices, Error, Groth16Prover,
    KeyKind, KeyStore, ProverEngine, WitnessGenerator, batch_chunks, read_r1cs, sample_batch,
    verify_batch,
};

/// The benchmark's chunk: 25 writes over a tree of 64 entries and 3 messages (one chunk).
fn sample_chunk() -> fractal_prover::ChunkInput {
    let sample = sample_batch(64, CHUNK_WRITES as u64, 3).unwrap();
    let mut chunks = batch_chunks(
        &sample.header,
        sample.chain_id,
        &sample.writes,
        &sample.message_leaves,
    )
    .unwrap();
    assert_eq!(chunks.len(), 1);
    chunks.remove(0)
}

fn circuit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../circuits/build")
}

fn prover() -> &'static Groth16Prover {
    static PROVER: OnceLock<Groth16Prover> = OnceLock::new();
    PROVER.get_or_init(|| {
        let files = CircuitFiles::in_dir(circuit_dir());
        files
            .check()
            .expect("the chunk circuit is compiled (make circuits)");
        let keys = KeyStore::new(circuit_dir().join("keys"))
            .development(&files)
            .expect("development keys");
        assert_eq!(keys.info.kind, KeyKind::DevelopmentInsecure);
        Groth16Prover::new(&files, keys).expect("prover")
    })
}

#[test]
fn a_two_chunk_batch_with_messages_is_proven_and_verifies() {
    let sample = sample_batch(40, CHUNK_WRITES as u64 + 4, 3).unwrap();
    let proof = prover()
        .prove_batch(
            &sample.header,
            sample.chain_id,
            &sample.writes,
            &sample.message_leaves,
            |_, _| {},
        )
        .unwrap();
    assert_eq!(proof.proofs.len(), 2);
    assert_eq!(
        proof.intermediate_roots,
        vec![sample.writes[CHUNK_WRITES - 1].new_root]
    );
    let vk = prover().keys().verifying();
    assert!(verify_batch(vk, &sample.header, sample.chain_id, &proof).unwrap());

    // The encoding round-trips.
    assert_eq!(BatchProof::abi_decode(&proof.abi_encode()).unwrap(), proof);

    // Another chain, another batch number, another message root, another intermediate root, the
    // chunks swapped: all rejected.
    assert!(!verify_batch(vk, &sample.header, sample.chain_id + 1, &proof).unwrap());
    let mut other = sample.header.clone();
    other.batchNumber += 1;
    assert!(!verify_batch(vk, &other, sample.chain_id, &proof).unwrap());
    let mut other = sample.header.clone();
    other.messageRoot = B256::from(MessageTree::new(vec![]).unwrap().root());
    assert!(!verify_batch(vk, &other, sample.chain_id, &proof).unwrap());
    let mut moved = proof.clone();
    moved.intermediate_roots[0] ^= U256::from(1);
    assert!(!verify_batch(vk, &sample.header, sample.chain_id, &moved).unwrap());
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
        .prove_batch(&header, sample.chain_id, &sample.writes, &[], |_, _| {})
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason, .. } if reason.contains("header claims")),
        "{err}"
    );

    // A write whose witness lies (a sibling changed, the roots left as they were) passes the chain
    // check but not the circuit.
    let mut writes = sample.writes.clone();
    writes[1].siblings[3][1] ^= U256::from(1);
    let err = prover()
        .prove_batch(&sample.header, sample.chain_id, &writes, &[], |_, _| {})
        .unwrap_err();
    assert!(matches!(err, Error::Unsatisfied { .. }), "{err}");
}

#[test]
fn the_native_and_webassembly_witness_generators_agree() {
    let files = CircuitFiles::in_dir(circuit_dir());
    let native = WitnessGenerator::new(&files).unwrap();
    assert!(
        native.is_native(),
        "make circuits builds the native witness generator ({})",
        files.native.display()
    );
    assert!(prover().witness_generator().is_native());
    let wasm = WitnessGenerator::wasm(&files).unwrap();
    let chunks = [sample_chunk()];
    let witness = native.chunk(&chunks[0]).unwrap();
    assert_eq!(witness, wasm.chunk(&chunks[0]).unwrap());
    assert_eq!(witness, prover().witness(&chunks[0]).unwrap());

    // A lying write witness (a sibling changed): the native generator checks the circuit's equality
    // constraints as it goes and names the row; the WebAssembly calculator computes a witness, which the
    // prover's satisfaction check then refuses (the test above).
    let mut lying = chunks[0].clone();
    lying.rows[2].siblings[5][0] ^= U256::from(1);
    let err = native.chunk(&lying).unwrap_err();
    assert!(
        matches!(&err, Error::Unsatisfied { chunk: 0, reason, .. } if reason.contains("main.write[2]")),
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
                matches!(&err, Error::Unsatisfied { chunk: 0, reason, .. } if reason.contains("the circuit takes")),
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
    let files = CircuitFiles::in_dir(circuit_dir());
    let matrices = CircuitMatrices::new(&read_r1cs(&files).unwrap());
    let witness = prover().witness(&sample_chunk()).unwrap();
    let pk = &prover().keys().proving;
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

#[test]
fn every_kind_of_write_is_proven() {
    // First writes into an empty tree (at the first position, beside it, at the last position of the
    // tree), updates, an entry set to zero and written again, and a first write of value zero.
    let mut tree = StateTree::new();
    let prev = tree.root();
    let key = |i: u64| U256::from(i) * U256::from(0x1_0000_0001u64);
    let last = STATE_TREE_CAPACITY - 1;
    let mut writes = Vec::new();
    for i in [0, 1, 5, last] {
        writes.push(tree.set(i, key(i), U256::from(i + 1)).unwrap());
    }
    writes.push(tree.set(1, key(1), U256::MAX).unwrap());
    writes.push(tree.set(5, key(5), U256::ZERO).unwrap());
    writes.push(tree.set(5, key(5), U256::from(55)).unwrap());
    writes.push(tree.set(last, key(last), U256::ZERO).unwrap());
    writes.push(tree.set(6, key(6), U256::ZERO).unwrap());
    let header = BatchHeader {
        batchNumber: 3,
        prevStateRoot: B256::from(prev),
        newStateRoot: B256::from(tree.root()),
        messageRoot: B256::from(MessageTree::new(vec![]).unwrap().root()),
        ..Default::default()
    };
    let proof = prover()
        .prove_batch(&header, 7, &writes, &[], |_, _| {})
        .unwrap();
    assert!(verify_batch(prover().keys().verifying(), &header, 7, &proof).unwrap());
}

#[test]
fn keys_for_another_circuit_are_refused() {
    let files = CircuitFiles::in_dir(circuit_dir());
    let mut keys = prover().keys().clone();
    keys.info.circuit_hash = B256::repeat_byte(1);
    let err = Groth16Prover::new(&files, keys).unwrap_err();
    assert!(matches!(err, Error::Key(_)), "{err}");

    let missing = CircuitFiles::in_dir("/nonexistent");
    let err = Groth16Prover::new(&missing, prover().keys().clone()).unwrap_err();
    assert!(matches!(err, Error::Circuit { .. }), "{err}");
}

#[test]
fn the_key_store_round_trips_and_rejects_a_damaged_key() {
    let files = CircuitFiles::in_dir(circuit_dir());
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::new(dir.path());
    assert!(
        store
            .load(&files, KeyKind::DevelopmentInsecure)
            .unwrap()
            .is_none()
    );
    let saved = store.save(prover().keys()).unwrap();
    let loaded = store
        .load(&files, KeyKind::DevelopmentInsecure)
        .unwrap()
        .unwrap();
    assert_eq!(loaded.info, prover().keys().info);
    assert_eq!(loaded.proving.vk, prover().keys().proving.vk);
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
    let files = CircuitFiles::in_dir(circuit_dir());
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.zkey");
    std::fs::write(&bogus, b"not a zkey").unwrap();
    assert!(fractal_prover::import_zkey(&files, &bogus).is_err());
    assert!(fractal_prover::import_zkey(&files, &dir.path().join("missing.zkey")).is_err());
}
