//! Priority operations as system transactions: the mint, the free call, the untouched nonce, failed
//! calls that keep the mint, and the block's gas.

use alloy_primitives::{Address, Bytes, U256, address};
use fractal_execution::{BlockBuilder, BlockTx, Error, PriorityTx};
use fractal_primitives::{PRIORITY_TX_TYPE, PriorityOp};

use crate::common::*;

const SENDER: Address = address!("0x00000000000000000000000000000000000a11ce");

fn op(index: u64, target: Address, mint: U256, value: U256, data: Bytes) -> PriorityTx {
    PriorityTx::new(
        PriorityOp {
            index,
            l2Sender: SENDER,
            target,
            mint,
            l2Value: value,
            gasLimit: U256::from(100_000),
            refundRecipient: SENDER,
            deadline: 1,
            data,
        },
        CHAIN_ID,
    )
}

#[test]
fn a_deposit_mints_and_transfers_for_free_without_a_nonce() {
    let state = funded_state();
    let mut builder = BlockBuilder::new(&state, &config(), &env(1)).unwrap();
    let deposit = op(0, RECIPIENT, ether(2), ether(2), Bytes::new());
    let hash = deposit.hash;
    let outcome = builder.push_priority(deposit).unwrap().clone();
    assert!(outcome.success);
    assert_eq!(outcome.tx_hash, hash);
    assert_eq!(outcome.sender, SENDER);
    assert_eq!(outcome.gas_used, 21_000);
    assert_eq!(outcome.effective_gas_price, 0);
    // A user transaction follows in the same block.
    builder
        .push(sign(&dev(), transfer(0, ether(1))))
        .unwrap()
        .unwrap();
    let block = builder.finish();

    assert_eq!(block.transactions.len(), 2);
    assert!(matches!(&block.transactions[0], BlockTx::Priority(tx) if tx.hash == hash));
    assert_eq!(block.transactions[0].tx_type(), PRIORITY_TX_TYPE);
    assert_eq!(block.gas_used, 42_000);
    let find = |a: Address| block.diff.accounts.iter().find(|d| d.address == a);
    // Minted 2, sent 2: the sender's account is unchanged, so it is not in the diff at all.
    assert!(find(SENDER).is_none(), "{:#?}", block.diff);
    assert_eq!(find(RECIPIENT).unwrap().info.unwrap().balance, ether(3));
    // Free: the beneficiary earns only the user transaction's tip.
    assert_eq!(
        find(BENEFICIARY).unwrap().info.unwrap().balance,
        U256::from(21_000u64 * GWEI as u64)
    );
}

#[test]
fn a_failing_call_keeps_the_mint_and_consumes_no_nonce() {
    let state = funded_state();
    let mut builder = BlockBuilder::new(&state, &config(), &env(1)).unwrap();
    // word(0) makes the storage contract revert.
    let reverting = op(0, STORE, ether(1), U256::ZERO, word(0));
    assert!(!builder.push_priority(reverting).unwrap().success);
    // More value than the sender has after the mint: the call cannot start.
    let unaffordable = op(1, RECIPIENT, ether(1), ether(5), Bytes::new());
    let outcome = builder.push_priority(unaffordable).unwrap().clone();
    assert!(!outcome.success);
    assert_eq!(outcome.gas_used, 0);
    // A call that works, storing 7 and logging.
    let storing = op(2, STORE, U256::ZERO, U256::ZERO, word(7));
    let outcome = builder.push_priority(storing).unwrap().clone();
    assert!(outcome.success);
    assert_eq!(outcome.logs.len(), 1);
    let block = builder.finish();

    let sender = block
        .diff
        .accounts
        .iter()
        .find(|d| d.address == SENDER)
        .unwrap();
    let info = sender.info.unwrap();
    assert_eq!(info.balance, ether(2));
    assert_eq!(info.nonce, 0);
    let store = block
        .diff
        .accounts
        .iter()
        .find(|d| d.address == STORE)
        .unwrap();
    assert_eq!(store.storage.get(&U256::ZERO), Some(&U256::from(7)));
}

#[test]
fn an_operation_that_does_not_fit_the_block_is_refused_and_changes_nothing() {
    let state = funded_state();
    let mut small = env(1);
    small.gas_limit = 50_000;
    let mut builder = BlockBuilder::new(&state, &config(), &small).unwrap();
    let deposit = op(0, RECIPIENT, ether(1), ether(1), Bytes::new());
    assert!(matches!(
        builder.push_priority(deposit),
        Err(Error::InvalidPriorityOp { index: 0, .. })
    ));
    assert!(builder.is_empty());
    let block = builder.finish();
    assert!(block.diff.accounts.is_empty());
}
