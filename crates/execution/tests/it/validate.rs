//! `validate_tx`, the mempool's pre-check.

use alloy_primitives::{TxKind, U256};
use fractal_execution::{ChainConfig, InvalidTx, validate_tx};

use crate::common::*;

#[test]
fn valid_transfer_passes() {
    let tx = sign(&dev(), transfer(0, ether(1)));
    assert_eq!(
        validate_tx(&funded_state(), &config(), Some(BASE_FEE), &tx).unwrap(),
        Ok(())
    );
}

#[test]
fn each_check_reports_its_reason() {
    let state = funded_state();
    let check = |tx| {
        validate_tx(&state, &config(), Some(BASE_FEE), &tx)
            .unwrap()
            .unwrap_err()
    };

    assert_eq!(
        check(sign(&dev(), transfer(3, ether(1)))),
        InvalidTx::NonceTooHigh {
            expected: 0,
            got: 3
        }
    );
    let mut foreign = transfer(0, ether(1));
    foreign.chain_id = 1;
    assert_eq!(
        check(sign(&dev(), foreign)),
        InvalidTx::WrongChainId {
            expected: CHAIN_ID,
            got: Some(1)
        }
    );
    let mut starved = transfer(0, ether(1));
    starved.gas_limit = 20_999;
    assert_eq!(
        check(sign(&dev(), starved)),
        InvalidTx::IntrinsicGasTooLow {
            required: 21_000,
            gas_limit: 20_999
        }
    );
    assert!(matches!(
        check(sign(&dev(), transfer(0, ether(5_000)))),
        InvalidTx::InsufficientFunds { .. }
    ));
    let mut cheap = transfer(0, ether(1));
    cheap.max_fee_per_gas = 1;
    cheap.max_priority_fee_per_gas = 0;
    assert_eq!(
        check(sign(&dev(), cheap)),
        InvalidTx::FeeCapBelowBaseFee {
            max_fee: 1,
            base_fee: BASE_FEE
        }
    );
    let big = tx1559(
        0,
        TxKind::Call(RECIPIENT),
        U256::ZERO,
        Default::default(),
        1 << 25,
    );
    assert_eq!(
        check(sign(&dev(), big)),
        InvalidTx::GasLimitExceedsCap {
            gas_limit: 1 << 25,
            cap: 1 << 24
        }
    );
    let small_chain = ChainConfig::new(CHAIN_ID).with_block_gas_limit(100_000);
    let big = sign(
        &dev(),
        tx1559(
            0,
            TxKind::Call(RECIPIENT),
            U256::ZERO,
            Default::default(),
            200_000,
        ),
    );
    assert_eq!(
        validate_tx(&state, &small_chain, None, &big).unwrap(),
        Err(InvalidTx::GasLimitExceedsBlock {
            gas_limit: 200_000,
            available: 100_000
        })
    );
}

#[test]
fn contract_sender_is_rejected() {
    let mut state = funded_state();
    state.set_code(dev().address(), store_runtime()); // keeps nonce 0
    let tx = sign(&dev(), transfer(0, ether(1)));
    assert_eq!(
        validate_tx(&state, &config(), None, &tx).unwrap(),
        Err(InvalidTx::SenderNotEoa)
    );
}
