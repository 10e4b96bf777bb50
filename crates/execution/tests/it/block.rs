//! `execute_block`: transfers, deployments, storage and logs, reverts, skipped transactions,
//! the diff's net semantics and the roots.

use alloy_consensus::{EMPTY_ROOT_HASH, TxLegacy};
use alloy_primitives::{BloomInput, Bytes, TxKind, U256, address, b256, keccak256};
use fractal_execution::{Error, InvalidTx, execute_block};
use fractal_primitives::AccountInfo;
use revm::primitives::KECCAK_EMPTY;

use crate::common::*;

#[test]
fn eth_transfer_moves_value_charges_gas_burns_base_fee_and_tips_beneficiary() {
    let state = funded_state();
    let sender = dev().address();
    let value = ether(1);
    let tx = sign(&dev(), transfer(0, value));
    let hash = *tx.tx_hash();

    let block = execute_block(&state, &config(), &env(1), vec![tx]).unwrap();

    assert!(block.skipped.is_empty(), "{:?}", block.skipped);
    assert_eq!(block.gas_used, 21_000);
    let outcome = &block.outcomes[0];
    assert_eq!(outcome.tx_hash, hash);
    assert_eq!(outcome.sender, sender);
    assert!(outcome.success);
    assert_eq!(outcome.gas_used, 21_000);
    assert_eq!(outcome.cumulative_gas_used, 21_000);
    assert_eq!(outcome.effective_gas_price, 2 * GWEI); // base 1 gwei + tip 1 gwei < max 3 gwei
    assert_eq!(outcome.contract_address, None);

    let accounts = &block.diff.accounts;
    assert_eq!(accounts.len(), 3, "{accounts:#?}");
    assert!(
        accounts.windows(2).all(|w| w[0].address < w[1].address),
        "sorted by address"
    );
    let find = |address| accounts.iter().find(|a| a.address == address).unwrap();
    let fee = U256::from(21_000u64 * 2 * GWEI as u64);
    assert_eq!(
        find(sender).info,
        Some(AccountInfo {
            nonce: 1,
            balance: ether(1_000) - value - fee,
            code_hash: KECCAK_EMPTY
        })
    );
    assert_eq!(find(RECIPIENT).info.unwrap().balance, value);
    // Only the tip reaches the beneficiary; the base fee (21000 gwei) is burned.
    assert_eq!(
        find(BENEFICIARY).info.unwrap().balance,
        U256::from(21_000u64 * GWEI as u64)
    );
    assert!(
        accounts
            .iter()
            .all(|a| a.storage.is_empty() && !a.storage_cleared && a.code.is_none())
    );

    assert_ne!(block.receipts_root, EMPTY_ROOT_HASH);
    assert_ne!(block.transactions_root, EMPTY_ROOT_HASH);
    assert_eq!(block.transactions.len(), 1);
}

#[test]
fn contract_deployment_reports_address_and_puts_code_in_diff() {
    let state = funded_state();
    let sender = dev().address();
    let tx = sign(
        &dev(),
        tx1559(0, TxKind::Create, U256::ZERO, store_init(), 200_000),
    );

    let block = execute_block(&state, &config(), &env(1), vec![tx]).unwrap();

    let outcome = &block.outcomes[0];
    assert!(outcome.success);
    let created = sender.create(0);
    assert_eq!(outcome.contract_address, Some(created));
    assert_eq!(outcome.output, store_runtime());
    let account = block
        .diff
        .accounts
        .iter()
        .find(|a| a.address == created)
        .unwrap();
    let runtime = store_runtime();
    assert_eq!(account.code.as_ref(), Some(&runtime));
    let info = account.info.unwrap();
    assert_eq!(info.code_hash, keccak256(&runtime));
    assert_eq!(info.nonce, 1, "EIP-161: contracts start at nonce 1");
    assert_eq!(account.storage.get(&U256::from(1)), Some(&U256::from(0x2a)));
    assert_eq!(account.storage.len(), 1);
}

#[test]
fn call_writes_storage_and_emits_log_in_bloom() {
    let state = funded_state();
    let tx = sign(
        &dev(),
        tx1559(0, TxKind::Call(STORE), U256::ZERO, word(7), 100_000),
    );

    let block = execute_block(&state, &config(), &env(1), vec![tx]).unwrap();

    let outcome = &block.outcomes[0];
    assert!(outcome.success);
    assert_eq!(outcome.logs.len(), 1);
    let log = &outcome.logs[0];
    assert_eq!(log.address, STORE);
    assert_eq!(log.topics(), &[STORE_TOPIC]);
    assert_eq!(log.data.data, word(7));
    for bloom in [block.logs_bloom, outcome.logs_bloom] {
        assert!(bloom.contains_input(BloomInput::Raw(STORE.as_slice())));
        assert!(bloom.contains_input(BloomInput::Raw(STORE_TOPIC.as_slice())));
    }
    let store = block
        .diff
        .accounts
        .iter()
        .find(|a| a.address == STORE)
        .unwrap();
    assert_eq!(store.storage.get(&U256::ZERO), Some(&U256::from(7)));
    // Storage-only changes carry the (unchanged) header too.
    assert_eq!(store.info, state.get_account(STORE));
    assert!(!store.storage_cleared && store.code.is_none());
}

#[test]
fn reverting_transaction_is_included_and_charged() {
    let state = funded_state();
    let tx = sign(
        &dev(),
        tx1559(0, TxKind::Call(STORE), U256::ZERO, word(0), 100_000),
    );

    let block = execute_block(&state, &config(), &env(1), vec![tx]).unwrap();

    assert!(block.skipped.is_empty());
    let outcome = &block.outcomes[0];
    assert!(!outcome.success);
    assert!(outcome.logs.is_empty());
    assert!(outcome.gas_used > 21_000);
    let sender = block
        .diff
        .accounts
        .iter()
        .find(|a| a.address == dev().address())
        .unwrap();
    assert_eq!(sender.info.unwrap().nonce, 1);
    assert!(
        block.diff.accounts.iter().all(|a| a.address != STORE),
        "storage untouched"
    );
}

#[test]
fn invalid_transactions_are_skipped_with_their_reason() {
    let mut state = funded_state();
    let poor = alloy_signer_local::PrivateKeySigner::random();
    state.set_balance(poor.address(), U256::from(1_000u64));

    let good = sign(&dev(), transfer(0, ether(1)));
    let replay = sign(&dev(), transfer(0, ether(2))); // nonce 0 again
    let gap = sign(&dev(), transfer(5, ether(1)));
    let broke = sign(&poor, transfer(0, ether(1)));
    let mut foreign = transfer(1, ether(1));
    foreign.chain_id = CHAIN_ID + 1;
    let foreign = sign(&dev(), foreign);
    let mut starved = transfer(1, ether(1));
    starved.gas_limit = 20_000;
    let starved = sign(&dev(), starved);
    let mut cheap = transfer(1, ether(1));
    cheap.max_fee_per_gas = GWEI / 2;
    cheap.max_priority_fee_per_gas = 0;
    let cheap = sign(&dev(), cheap);
    let huge = sign(
        &dev(),
        tx1559(
            1,
            TxKind::Call(RECIPIENT),
            U256::ZERO,
            Bytes::new(),
            40_000_000,
        ),
    );
    let next = sign(&dev(), transfer(1, ether(1)));
    let hashes: Vec<_> = [&replay, &gap, &broke, &foreign, &starved, &cheap, &huge]
        .iter()
        .map(|t| *t.tx_hash())
        .collect();

    let txs = vec![
        good, replay, gap, broke, foreign, starved, cheap, huge, next,
    ];
    let block = execute_block(&state, &config(), &env(1), txs).unwrap();

    assert_eq!(block.outcomes.len(), 2, "{:?}", block.skipped);
    assert_eq!(block.transactions.len(), 2);
    assert_eq!(block.gas_used, 42_000);
    let reasons: Vec<_> = block
        .skipped
        .iter()
        .map(|(_, reason)| reason.clone())
        .collect();
    assert_eq!(
        block.skipped.iter().map(|(h, _)| *h).collect::<Vec<_>>(),
        hashes
    );
    assert_eq!(
        reasons[0],
        InvalidTx::NonceTooLow {
            expected: 1,
            got: 0
        }
    );
    assert_eq!(
        reasons[1],
        InvalidTx::NonceTooHigh {
            expected: 1,
            got: 5
        }
    );
    assert!(
        matches!(reasons[2], InvalidTx::InsufficientFunds { available, .. } if available == U256::from(1_000u64)),
        "{:?}",
        reasons[2]
    );
    assert_eq!(
        reasons[3],
        InvalidTx::WrongChainId {
            expected: CHAIN_ID,
            got: Some(CHAIN_ID + 1)
        }
    );
    assert_eq!(
        reasons[4],
        InvalidTx::IntrinsicGasTooLow {
            required: 21_000,
            gas_limit: 20_000
        }
    );
    assert_eq!(
        reasons[5],
        InvalidTx::FeeCapBelowBaseFee {
            max_fee: GWEI / 2,
            base_fee: BASE_FEE
        }
    );
    assert_eq!(
        reasons[6],
        InvalidTx::GasLimitExceedsBlock {
            gas_limit: 40_000_000,
            available: 30_000_000 - 21_000
        }
    );
    let sender = block
        .diff
        .accounts
        .iter()
        .find(|a| a.address == dev().address())
        .unwrap();
    assert_eq!(sender.info.unwrap().nonce, 2);
    assert!(
        block
            .diff
            .accounts
            .iter()
            .all(|a| a.address != poor.address()),
        "untouched"
    );
}

#[test]
fn osaka_tx_gas_cap_and_remaining_block_gas_are_enforced() {
    let state = funded_state();
    let mut env = env(1);
    env.gas_limit = 30_000;
    let first = sign(&dev(), transfer(0, ether(1)));
    let second = sign(&dev(), transfer(1, ether(1))); // 21000 > 9000 left
    let block = execute_block(&state, &config(), &env, vec![first, second]).unwrap();
    assert_eq!(block.outcomes.len(), 1);
    assert_eq!(
        block.skipped[0].1,
        InvalidTx::GasLimitExceedsBlock {
            gas_limit: 21_000,
            available: 9_000
        }
    );

    let capped = sign(
        &dev(),
        tx1559(
            0,
            TxKind::Call(RECIPIENT),
            U256::ZERO,
            Bytes::new(),
            (1 << 24) + 1,
        ),
    );
    let block = execute_block(&state, &config(), &super::common::env(1), vec![capped]).unwrap();
    assert_eq!(
        block.skipped[0].1,
        InvalidTx::GasLimitExceedsCap {
            gas_limit: (1 << 24) + 1,
            cap: 1 << 24
        }
    );
}

#[test]
fn block_gas_limit_above_chain_limit_is_an_error() {
    let mut env = env(3);
    env.gas_limit = 31_000_000;
    let error = execute_block(&funded_state(), &config(), &env, vec![]).unwrap_err();
    assert!(
        matches!(error, Error::InvalidBlockEnv { block: 3, .. }),
        "{error}"
    );
}

#[test]
fn two_writes_to_one_slot_leave_the_final_value_once() {
    let state = funded_state();
    let txs = vec![
        sign(
            &dev(),
            tx1559(0, TxKind::Call(STORE), U256::ZERO, word(7), 100_000),
        ),
        sign(
            &dev(),
            tx1559(1, TxKind::Call(STORE), U256::ZERO, word(9), 100_000),
        ),
    ];
    let block = execute_block(&state, &config(), &env(1), txs).unwrap();
    assert!(block.outcomes.iter().all(|o| o.success));
    let stores: Vec<_> = block
        .diff
        .accounts
        .iter()
        .filter(|a| a.address == STORE)
        .collect();
    assert_eq!(stores.len(), 1);
    assert_eq!(stores[0].storage.len(), 1);
    assert_eq!(stores[0].storage[&U256::ZERO], U256::from(9));
    assert_eq!(block.outcomes[1].cumulative_gas_used, block.gas_used);
}

/// A slot written and then set back to its pre-block value is absent from the diff, and so is
/// the account if nothing else of it changed.
#[test]
fn slot_reset_to_its_original_value_is_absent() {
    let state = funded_state(); // slot 0 = 5
    let txs = vec![
        sign(
            &dev(),
            tx1559(0, TxKind::Call(STORE), U256::ZERO, word(7), 100_000),
        ),
        sign(
            &dev(),
            tx1559(1, TxKind::Call(STORE), U256::ZERO, word(5), 100_000),
        ),
    ];
    let block = execute_block(&state, &config(), &env(1), txs).unwrap();
    assert!(block.outcomes.iter().all(|o| o.success));
    assert!(
        block.diff.accounts.iter().all(|a| a.address != STORE),
        "{:#?}",
        block.diff
    );
    assert_eq!(block.diff.storage_writes(), 0);
}

#[test]
fn created_and_self_destructed_contract_leaves_only_the_heir() {
    let state = funded_state();
    let mut init = vec![0x73]; // PUSH20 RECIPIENT; SELFDESTRUCT
    init.extend_from_slice(RECIPIENT.as_slice());
    init.push(0xff);
    let tx = sign(
        &dev(),
        tx1559(0, TxKind::Create, ether(1), init.into(), 100_000),
    );
    let block = execute_block(&state, &config(), &env(1), vec![tx]).unwrap();
    let created = dev().address().create(0);
    assert!(block.outcomes[0].success);
    assert!(
        block.diff.accounts.iter().all(|a| a.address != created),
        "{:#?}",
        block.diff
    );
    let heir = block
        .diff
        .accounts
        .iter()
        .find(|a| a.address == RECIPIENT)
        .unwrap();
    assert_eq!(heir.info.unwrap().balance, ether(1));
}

#[test]
fn diffs_apply_block_after_block() {
    let mut state = funded_state();
    let block = execute_block(
        &state,
        &config(),
        &env(1),
        vec![sign(&dev(), transfer(0, ether(1)))],
    )
    .unwrap();
    state.apply(&block.diff);
    let block = execute_block(
        &state,
        &config(),
        &env(2),
        vec![sign(&dev(), transfer(1, ether(1)))],
    )
    .unwrap();
    assert!(block.skipped.is_empty());
    state.apply(&block.diff);
    assert_eq!(state.get_account(RECIPIENT).unwrap().balance, ether(2));
    assert_eq!(state.get_account(dev().address()).unwrap().nonce, 2);
}

#[test]
fn legacy_transactions_execute_and_use_their_gas_price() {
    let state = funded_state();
    let tx = TxLegacy {
        chain_id: Some(CHAIN_ID),
        nonce: 0,
        gas_price: 2 * GWEI,
        gas_limit: 21_000,
        to: TxKind::Call(RECIPIENT),
        value: ether(1),
        input: Bytes::new(),
    };
    let block = execute_block(&state, &config(), &env(1), vec![sign_legacy(&dev(), tx)]).unwrap();
    assert!(block.skipped.is_empty(), "{:?}", block.skipped);
    assert_eq!(block.outcomes[0].effective_gas_price, 2 * GWEI);
}

#[test]
fn empty_block_has_empty_roots() {
    let block = execute_block(&funded_state(), &config(), &env(1), vec![]).unwrap();
    assert_eq!(block.receipts_root, EMPTY_ROOT_HASH);
    assert_eq!(block.transactions_root, EMPTY_ROOT_HASH);
    assert_eq!(block.gas_used, 0);
    assert!(block.diff.accounts.is_empty());
    assert_eq!(block.logs_bloom, alloy_primitives::Bloom::ZERO);
}

/// The same four transactions (transfer, deployment, storing call, reverting call) mined by
/// anvil 1.7.1 (`--chain-id 7331`, signed by `cast send`) gave these hashes and header fields.
#[test]
fn hashes_and_roots_match_anvil() {
    let contract = dev().address().create(1);
    let txs = vec![
        sign(&dev(), transfer(0, ether(1))),
        sign(
            &dev(),
            tx1559(1, TxKind::Create, U256::ZERO, store_init(), 200_000),
        ),
        sign(
            &dev(),
            tx1559(2, TxKind::Call(contract), U256::ZERO, word(7), 100_000),
        ),
        sign(
            &dev(),
            tx1559(3, TxKind::Call(contract), U256::ZERO, word(0), 100_000),
        ),
    ];
    let block = execute_block(&funded_state(), &config(), &env(1), txs).unwrap();

    let hashes: Vec<_> = block.outcomes.iter().map(|o| o.tx_hash).collect();
    assert_eq!(
        hashes,
        [
            b256!("0x89efbde99c1fb239db745516e658a344998f36271d699aa7809e1d9798d72244"),
            b256!("0xef5fda24f82f3cefd1624301bb90b9ac83de723f14f6f99f4cc5f257acf31ca0"),
            b256!("0xa7e41efb765a7842fc62836106acec46604641818fccc5320c0a63c2b9c5107e"),
            b256!("0xff5c8190f4ff3bb5b91ad5033e992b9b97a3f3215c5f449eefec60db7eac135f"),
        ]
    );
    assert_eq!(
        contract,
        address!("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
    );
    assert_eq!(block.gas_used, 168_177);
    assert_eq!(
        block.transactions_root,
        b256!("0xa77675fee27b2895b11bb90c17fb985f76654a9adedf92ba92b3a387eb8e00a3")
    );
    assert_eq!(
        block.receipts_root,
        b256!("0xfbd259187627b85b5a343ee45310c73bab4164d4234200ba69dad6543b24d73c")
    );
    let mut bloom = alloy_primitives::Bloom::ZERO;
    bloom.accrue(BloomInput::Raw(contract.as_slice()));
    bloom.accrue(BloomInput::Raw(STORE_TOPIC.as_slice()));
    assert_eq!(block.logs_bloom, bloom);
}
