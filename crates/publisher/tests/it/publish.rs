use std::time::Duration;

use alloy::{primitives::B256, providers::Provider};
use fractal_publisher::{Action, DevelopmentProver, Error, HaltPoint, Publisher};

use crate::harness::{
    BatchCommitted, BatchExecuted, BatchProven, L1, MemorySource, batch, batches, operator,
    run_until_executed,
};

fn once_each(count: u64) -> std::collections::BTreeMap<u64, usize> {
    (1..=count).map(|n| (n, 1)).collect()
}

#[tokio::test]
async fn three_batches_are_committed_proven_and_executed() {
    let l1 = L1::start(4301).await;
    let data = tempfile::tempdir().unwrap();
    let source = MemorySource::new(batches(3, l1.timestamp().await));
    let mut config = l1.config(data.path());
    config.max_batches_per_tx = 2;
    let publisher = Publisher::new(
        config.clone(),
        operator(),
        source.clone(),
        DevelopmentProver,
    )
    .await
    .unwrap();
    let before = l1.operator_nonce().await;
    run_until_executed(publisher, &l1, 3).await.unwrap();

    assert_eq!(l1.counters().await, (3, 3, 3));
    assert_eq!(l1.events::<BatchCommitted>().await, once_each(3));
    assert_eq!(l1.events::<BatchProven>().await, once_each(3));
    assert_eq!(l1.events::<BatchExecuted>().await, once_each(3));
    // Two batches per transaction: commit, prove, execute of 1..=2, then of 3.
    assert_eq!(l1.operator_nonce().await, before + 6);

    // The stop may land while the last transaction awaits its confirmation: the next start settles it
    // and finds nothing to do.
    let mut again = Publisher::new(config, operator(), source, DevelopmentProver)
        .await
        .unwrap();
    while again.step().await.unwrap().is_some() {}
    let progress = std::fs::read_to_string(data.path().join("publisher.json")).unwrap();
    assert!(progress.contains("\"inFlight\": null"), "{progress}");
    assert_eq!(l1.operator_nonce().await, before + 6);
}

#[tokio::test]
async fn a_crash_at_any_point_neither_repeats_nor_skips_a_batch() {
    let l1 = L1::start(4302).await;
    let data = tempfile::tempdir().unwrap();
    let source = MemorySource::new(batches(3, l1.timestamp().await));
    let mut config = l1.config(data.path());
    config.max_batches_per_tx = 1;
    let start = || {
        Publisher::new(
            config.clone(),
            operator(),
            source.clone(),
            DevelopmentProver,
        )
    };
    let deployed_nonce = l1.operator_nonce().await;

    // Killed between writing the commit of batch 1 to the progress file and broadcasting it.
    let mut publisher = start().await.unwrap();
    publisher.set_halt(1, HaltPoint::BeforeBroadcast);
    run_until_executed(publisher, &l1, 3).await.unwrap();
    assert_eq!(l1.counters().await, (0, 0, 0));
    assert_eq!(l1.operator_nonce().await, deployed_nonce);
    let progress = std::fs::read_to_string(data.path().join("publisher.json")).unwrap();
    assert!(progress.contains("\"action\": \"commit\""), "{progress}");

    // Restarted: the recorded commit goes out first; then killed right after broadcasting the
    // execute of batch 1.
    let mut publisher = start().await.unwrap();
    publisher.set_halt(2, HaltPoint::AfterBroadcast);
    run_until_executed(publisher, &l1, 3).await.unwrap();
    assert_eq!(l1.counters().await, (1, 1, 1));

    // Restarted again: stopped the graceful way as soon as batch 2 is committed (wherever the
    // publisher is in its step at that moment).
    let publisher = start().await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(publisher.run(async {
        let _ = stopped.await;
    }));
    while l1.counters().await.0 < 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();

    // And once more, to the end.
    let publisher = start().await.unwrap();
    run_until_executed(publisher, &l1, 3).await.unwrap();
    assert_eq!(l1.counters().await, (3, 3, 3));
    assert_eq!(l1.events::<BatchCommitted>().await, once_each(3));
    assert_eq!(l1.events::<BatchProven>().await, once_each(3));
    assert_eq!(l1.events::<BatchExecuted>().await, once_each(3));
    assert_eq!(l1.operator_nonce().await, deployed_nonce + 9);
}

#[tokio::test]
async fn a_batch_that_does_not_continue_the_state_root_is_refused_before_sending() {
    let l1 = L1::start(4303).await;
    let data = tempfile::tempdir().unwrap();
    let timestamp = l1.timestamp().await;
    let mut bad = batch(2, timestamp);
    bad.header.prevStateRoot = B256::with_last_byte(0x42);
    let source = MemorySource::new(vec![batch(1, timestamp), bad]);
    let mut config = l1.config(data.path());
    config.max_batches_per_tx = 1;
    let publisher = Publisher::new(config, operator(), source, DevelopmentProver)
        .await
        .unwrap();
    let before = l1.operator_nonce().await;

    let err = run_until_executed(publisher, &l1, 2).await.unwrap_err();
    assert!(
        matches!(err, Error::PrevStateRootMismatch { batch: 2, actual, .. } if actual == B256::with_last_byte(0x42)),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("batch 2 starts from state root 0x"),
        "{err}"
    );
    // Batch 1 went through; nothing was sent for batch 2.
    assert_eq!(l1.counters().await, (1, 1, 1));
    assert_eq!(l1.operator_nonce().await, before + 3);
}

#[tokio::test]
async fn reverts_are_reported_with_the_decoded_custom_error() {
    let l1 = L1::start(4304).await;
    let data = tempfile::tempdir().unwrap();
    let one = batch(1, l1.timestamp().await);
    let source = MemorySource::new(vec![one.clone()]);
    let mut publisher = Publisher::new(
        l1.config(data.path()),
        operator(),
        source,
        DevelopmentProver,
    )
    .await
    .unwrap();
    let before = l1.operator_nonce().await;

    // The preflight eth_call catches it: nothing is sent.
    let err = publisher
        .submit(Action::Execute, std::slice::from_ref(&one))
        .await
        .unwrap_err();
    let Error::Preflight { reason, .. } = &err else {
        panic!("expected a preflight revert, got {err}");
    };
    assert_eq!(reason.name(), Some("SettlementBatchNotProven"));
    assert_eq!(
        err.to_string(),
        "execute batch 1 would revert: SettlementBatchNotProven(batchNumber: 1, lastProven: 0)"
    );
    assert_eq!(l1.operator_nonce().await, before);

    // Sent anyway, it is mined, reverts, and the replayed call names the error.
    publisher.set_skip_preflight(true);
    let err = publisher
        .submit(Action::Execute, std::slice::from_ref(&one))
        .await
        .unwrap_err();
    let Error::Reverted { tx, reason, .. } = &err else {
        panic!("expected a mined revert, got {err}");
    };
    assert_eq!(reason.name(), Some("SettlementBatchNotProven"));
    assert!(
        err.to_string()
            .ends_with("SettlementBatchNotProven(batchNumber: 1, lastProven: 0)"),
        "{err}"
    );
    let receipt = l1
        .provider
        .get_transaction_receipt(*tx)
        .await
        .unwrap()
        .unwrap();
    assert!(!receipt.status());
    assert_eq!(l1.operator_nonce().await, before + 1);

    // The nonce bookkeeping survives the revert: the batch then goes through.
    publisher.set_skip_preflight(false);
    run_until_executed(publisher, &l1, 1).await.unwrap();
    assert_eq!(l1.counters().await, (1, 1, 1));
}

#[tokio::test]
async fn an_unmined_transaction_is_resent_with_higher_fees() {
    let l1 = L1::start(4305).await;
    let data = tempfile::tempdir().unwrap();
    let source = MemorySource::new(vec![batch(1, l1.timestamp().await)]);
    let mut config = l1.config(data.path());
    config.bump_after = Duration::from_millis(300);
    let publisher = Publisher::new(config, operator(), source, DevelopmentProver)
        .await
        .unwrap();
    let provider = &l1.provider;
    let automine = |on: bool| async move {
        let _: () = provider
            .raw_request("evm_setAutomine".into(), (on,))
            .await
            .unwrap();
    };
    automine(false).await;

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(publisher.run(async {
        let _ = stopped.await;
    }));
    // Wait until the commit has been sent three times (two bumps), noting the first attempt's fee.
    let progress_file = data.path().join("publisher.json");
    let mut first_fee = None;
    let (hashes, last_fee) = loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let Ok(text) = std::fs::read_to_string(&progress_file) else {
            continue;
        };
        let progress: serde_json::Value = serde_json::from_str(&text).unwrap();
        let in_flight = &progress["inFlight"];
        let hashes: Vec<B256> =
            serde_json::from_value(in_flight["hashes"].clone()).unwrap_or_default();
        let fee = in_flight["maxFeePerGas"].as_u64().unwrap_or_default();
        if hashes.len() == 1 {
            first_fee.get_or_insert(fee);
        }
        if hashes.len() >= 3 {
            break (hashes, fee);
        }
    };
    let first_fee = first_fee.expect("the first attempt was seen");
    assert!(
        u128::from(last_fee) * 1_000_000 >= u128::from(first_fee) * 1_265_625,
        "two bumps of 12.5%: {first_fee} -> {last_fee}"
    );
    automine(true).await;
    let _: String = l1
        .provider
        .raw_request("evm_mine".into(), ())
        .await
        .unwrap();
    while l1.counters().await.2 < 1 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();

    // The commit that was mined is a bumped attempt, and it was mined once.
    let committed = l1.events::<BatchCommitted>().await;
    assert_eq!(committed, once_each(1));
    let mut mined = None;
    for hash in &hashes[1..] {
        if let Some(receipt) = l1.provider.get_transaction_receipt(*hash).await.unwrap() {
            mined = Some(receipt);
        }
    }
    let mined = mined.expect("a bumped attempt was mined");
    assert!(mined.status());
}
