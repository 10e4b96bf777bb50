//! `call` and `estimate_gas`.

use alloy_primitives::{Address, Bytes, U256, address};
use fractal_execution::{CallRequest, Error, InvalidTx, call, estimate_gas};

use crate::common::*;

const NOBODY: Address = address!("0x00000000000000000000000000000000000A11CE");

#[test]
fn free_call_works_with_base_fee_and_empty_balance() {
    let state = funded_state();
    let req = CallRequest {
        from: Some(NOBODY),
        to: Some(STORE),
        input: word(7),
        ..Default::default()
    };
    let outcome = call(&state, &config(), &env(1), &req).unwrap();
    assert!(outcome.success, "{outcome:?}");
    assert_eq!(outcome.logs.len(), 1);
    assert!(outcome.gas_used > 21_000);
    assert_eq!(outcome.revert_data, None);
    // Nothing was committed.
    assert_eq!(state.get_storage(STORE, U256::ZERO), U256::from(5));
}

#[test]
fn call_with_explicit_zero_price_and_wrong_nonce_succeeds() {
    let state = funded_state();
    let req = CallRequest {
        from: Some(dev().address()),
        to: Some(RECIPIENT),
        gas_price: Some(0),
        value: ether(1),
        nonce: Some(42),
        ..Default::default()
    };
    let outcome = call(&state, &config(), &env(1), &req).unwrap();
    assert!(outcome.success);
    assert_eq!(outcome.gas_used, 21_000);
}

#[test]
fn call_without_target_runs_init_code() {
    let req = CallRequest {
        from: Some(NOBODY),
        input: store_init(),
        ..Default::default()
    };
    let outcome = call(&funded_state(), &config(), &env(1), &req).unwrap();
    assert!(outcome.success);
    assert_eq!(outcome.output, store_runtime());
}

#[test]
fn reverting_call_returns_revert_data() {
    let req = CallRequest {
        to: Some(STORE),
        input: word(0),
        ..Default::default()
    };
    let outcome = call(&funded_state(), &config(), &env(1), &req).unwrap();
    assert!(!outcome.success);
    assert_eq!(outcome.revert_data, Some(Bytes::new()));
    assert_eq!(outcome.halt_reason, None);
}

#[test]
fn out_of_gas_call_halts() {
    let req = CallRequest {
        to: Some(STORE),
        input: word(3),
        gas: Some(25_000),
        ..Default::default()
    };
    let outcome = call(&funded_state(), &config(), &env(1), &req).unwrap();
    assert!(!outcome.success);
    assert!(outcome.halt_reason.is_some());
}

#[test]
fn priced_call_checks_balance() {
    let req = CallRequest {
        from: Some(NOBODY),
        to: Some(RECIPIENT),
        gas_price: Some(2 * GWEI),
        ..Default::default()
    };
    let error = call(&funded_state(), &config(), &env(1), &req).unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidCall {
                block: 1,
                reason: InvalidTx::InsufficientFunds { .. }
            }
        ),
        "{error}"
    );
}

#[test]
fn estimate_of_a_transfer_is_21000() {
    let req = CallRequest {
        from: Some(dev().address()),
        to: Some(RECIPIENT),
        value: ether(1),
        ..Default::default()
    };
    assert_eq!(
        estimate_gas(&funded_state(), &config(), &env(1), &req).unwrap(),
        21_000
    );
    let priced = CallRequest {
        max_fee_per_gas: Some(3 * GWEI),
        max_priority_fee_per_gas: Some(GWEI),
        ..req
    };
    assert_eq!(
        estimate_gas(&funded_state(), &config(), &env(1), &priced).unwrap(),
        21_000
    );
}

#[test]
fn estimate_is_the_least_gas_that_succeeds() {
    let state = funded_state();
    let req = CallRequest {
        from: Some(dev().address()),
        to: Some(STORE),
        input: word(11),
        ..Default::default()
    };
    let estimate = estimate_gas(&state, &config(), &env(1), &req).unwrap();
    let with = |gas| {
        call(
            &state,
            &config(),
            &env(1),
            &CallRequest {
                gas: Some(gas),
                ..req.clone()
            },
        )
        .unwrap()
    };
    assert!(with(estimate).success);
    assert!(!with(estimate - 1).success);
    assert_eq!(
        estimate, 27_195,
        "anvil 1.7.1 estimates the same call at 27195"
    );
}

#[test]
fn estimate_of_a_deployment_matches_anvil() {
    let req = CallRequest {
        from: Some(NOBODY),
        input: store_init(),
        ..Default::default()
    };
    let estimate = estimate_gas(&funded_state(), &config(), &env(1), &req).unwrap();
    assert_eq!(
        estimate, 81_562,
        "anvil 1.7.1 estimates the same deployment at 81562"
    );
}

#[test]
fn estimate_of_a_reverting_call_fails_with_revert_data() {
    let req = CallRequest {
        to: Some(STORE),
        input: word(0),
        ..Default::default()
    };
    let error = estimate_gas(&funded_state(), &config(), &env(9), &req).unwrap_err();
    assert!(matches!(error, Error::Reverted { block: 9, .. }), "{error}");
}
