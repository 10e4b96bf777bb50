//! The Poseidon precompiles answer what the genesis libraries' code answers, for less gas.

use alloy_primitives::{Address, Bytes, U256, address, hex};
use fractal_execution::{
    CallOutcome, CallRequest, InMemoryState, POSEIDON_T3_GAS, POSEIDON_T4_GAS, call,
};
use fractal_primitives::{FIELD_MODULUS, POSEIDON_T3, POSEIDON_T4, poseidon};

use crate::common::*;

/// The libraries' runtime code, as every chain's genesis holds it.
const T3_CODE: &str = include_str!("../../../node/genesis/PoseidonT3.hex");
const T4_CODE: &str = include_str!("../../../node/genesis/PoseidonT4.hex");
/// Where the tests put a copy of each library's code, to run it as code.
const T3_COPY: Address = address!("0x00000000000000000000000000000000000c0de3");
const T4_COPY: Address = address!("0x00000000000000000000000000000000000c0de4");
/// A contract that `DELEGATECALL`s [`POSEIDON_T3`] with its calldata, as the outbox calls the library,
/// and returns the 32-byte answer or reverts.
const DELEGATOR_T3: Address = address!("0x00000000000000000000000000000000000de1e3");
const DELEGATOR_COPY: Address = address!("0x00000000000000000000000000000000000de1ec");

fn code(hex: &str) -> Bytes {
    hex::decode(hex.trim()).expect("genesis hex").into()
}

/// Runtime code: `CALLDATACOPY` everything, `DELEGATECALL` `target` with it, return its first 32 bytes
/// or revert with nothing.
fn delegator(target: Address) -> Bytes {
    let mut code = hex!("366000600037" "6020" "6000" "36" "6000" "73").to_vec();
    code.extend_from_slice(target.as_slice());
    code.extend_from_slice(
        &hex!("5a" "f4" "15" "602d" "57" "6020" "6000" "f3" "5b" "6000" "6000" "fd"),
    );
    code.into()
}

fn state() -> InMemoryState {
    let mut state = InMemoryState::new();
    for (address, hex) in [
        (POSEIDON_T3, T3_CODE),
        (T3_COPY, T3_CODE),
        (POSEIDON_T4, T4_CODE),
        (T4_COPY, T4_CODE),
    ] {
        state.set_code(address, code(hex));
    }
    state.set_code(DELEGATOR_T3, delegator(POSEIDON_T3));
    state.set_code(DELEGATOR_COPY, delegator(T3_COPY));
    state
}

fn run(state: &InMemoryState, to: Address, input: &[u8]) -> CallOutcome {
    let req = CallRequest {
        from: Some(RECIPIENT),
        to: Some(to),
        input: Bytes::copy_from_slice(input),
        ..Default::default()
    };
    call(state, &config(), &env(1), &req).expect("the call runs")
}

/// `hash(uint256[n])` calldata for `words`.
fn calldata(selector: &str, words: &[U256]) -> Vec<u8> {
    let mut input = hex::decode(selector).expect("selector");
    for w in words {
        input.extend_from_slice(&w.to_be_bytes::<32>());
    }
    input
}

/// The gas of a transaction calling a precompile of `price` gas with `input`: the intrinsic 21,000 and
/// calldata (4 gas per zero byte, 16 per other), then the price.
fn precompile_tx_gas(input: &[u8], price: u64) -> u64 {
    let zeros = input.iter().filter(|b| **b == 0).count() as u64;
    21_000 + 4 * zeros + 16 * (input.len() as u64 - zeros) + price
}

/// Calls the library's address and a copy of its code with the same calldata: the same success and
/// output, and neither halts (a bad call reverts). Returns the precompile's outcome and the code's.
fn agree(
    state: &InMemoryState,
    at: Address,
    copy: Address,
    input: &[u8],
) -> (CallOutcome, CallOutcome) {
    let native = run(state, at, input);
    let code = run(state, copy, input);
    assert_eq!(
        native.success,
        code.success,
        "{} bytes: {native:?} / {code:?}",
        input.len()
    );
    assert_eq!(native.output, code.output, "{} bytes", input.len());
    assert_eq!(
        native.revert_data.clone().unwrap_or_default(),
        code.revert_data.clone().unwrap_or_default()
    );
    assert_eq!(
        native.halt_reason,
        None,
        "{} bytes: {native:?}",
        input.len()
    );
    assert_eq!(code.halt_reason, None, "{} bytes: {code:?}", input.len());
    (native, code)
}

#[test]
fn poseidon_precompiles_answer_what_the_library_code_answers() {
    let state = state();
    for (at, copy, selector, other, n, price) in [
        (
            POSEIDON_T3,
            T3_COPY,
            "561558fe",
            "20cf0a37",
            2,
            POSEIDON_T3_GAS,
        ),
        (
            POSEIDON_T4,
            T4_COPY,
            "20cf0a37",
            "561558fe",
            3,
            POSEIDON_T4_GAS,
        ),
    ] {
        let words: Vec<U256> = (0..n).map(|i| U256::from(1_000 + i)).collect();
        let want = poseidon(&words).expect("field elements");
        let good = calldata(selector, &words);
        let (native, code) = agree(&state, at, copy, &good);
        assert!(native.success);
        assert_eq!(native.output.as_ref(), want.to_be_bytes::<32>());
        assert_eq!(native.gas_used, precompile_tx_gas(&good, price));
        // The library's code costs tens of thousands of gas; the precompile a few thousand.
        assert!(
            code.gas_used > native.gas_used + 20_000,
            "{} vs {}",
            code.gas_used,
            native.gas_used
        );

        // Words at or above the modulus (reduced), the largest words, trailing bytes.
        let mut lifted = words.clone();
        lifted[0] += FIELD_MODULUS;
        let (native, _) = agree(&state, at, copy, &calldata(selector, &lifted));
        assert_eq!(native.output.as_ref(), want.to_be_bytes::<32>());
        agree(&state, at, copy, &calldata(selector, &vec![U256::MAX; n]));
        let mut trailing = good.clone();
        trailing.extend_from_slice(&[0xff; 40]);
        agree(&state, at, copy, &trailing);
        // Words of every size (a fixed pseudo-random sequence), each checked against the Rust hash.
        let mut x = U256::from(0x5eed_u64);
        for _ in 0..20 {
            let words: Vec<U256> = (0..n)
                .map(|_| {
                    x = x * U256::from(6_364_136_223_846_793_005_u64)
                        + U256::from(1_442_695_040_888_963_407_u64);
                    x >> (x.as_limbs()[0] % 256)
                })
                .collect();
            let reduced: Vec<U256> = words.iter().map(|w| w % FIELD_MODULUS).collect();
            let (native, _) = agree(&state, at, copy, &calldata(selector, &words));
            assert_eq!(
                native.output.as_ref(),
                poseidon(&reduced).unwrap().to_be_bytes::<32>()
            );
        }

        // Bad calldata: one byte short, the selector alone, a truncated selector, nothing, another
        // selector. All revert, with nothing, both ways.
        let mut flipped = good.clone();
        flipped[0] ^= 1;
        // The other library's selector, with as many words as either takes.
        let swapped = calldata(other, &[U256::from(1); 3]);
        for bad in [
            &good[..good.len() - 1],
            &good[..4],
            &good[..2],
            &[][..],
            &flipped[..],
            &swapped[..],
        ] {
            let (native, _) = agree(&state, at, copy, bad);
            assert!(!native.success, "{} bytes", bad.len());
            assert_eq!(
                native.gas_used,
                precompile_tx_gas(bad, price),
                "{} bytes",
                bad.len()
            );
        }
    }
}

#[test]
fn a_delegatecall_reaches_the_precompile_as_the_outbox_makes_it() {
    let state = state();
    let words = [U256::from(3), U256::from(4)];
    let input = calldata("561558fe", &words);
    let (native, code) = agree(&state, DELEGATOR_T3, DELEGATOR_COPY, &input);
    assert!(native.success);
    assert_eq!(
        native.output.as_ref(),
        poseidon(&words).unwrap().to_be_bytes::<32>()
    );
    assert!(code.gas_used > native.gas_used + 20_000);
    let (native, _) = agree(&state, DELEGATOR_T3, DELEGATOR_COPY, &input[..40]);
    assert!(!native.success);
}

#[test]
fn a_poseidon_call_without_its_gas_runs_out_of_gas() {
    let state = state();
    let input = calldata("561558fe", &[U256::from(1), U256::from(2)]);
    let full = run(&state, POSEIDON_T3, &input);
    assert!(full.success);
    let req = CallRequest {
        from: Some(RECIPIENT),
        to: Some(POSEIDON_T3),
        input: input.into(),
        gas: Some(full.gas_used - 1),
        ..Default::default()
    };
    assert_eq!(
        full.gas_used,
        precompile_tx_gas(&req.input, POSEIDON_T3_GAS)
    );
    let short = call(&state, &config(), &env(1), &req).expect("the call runs");
    assert!(!short.success);
    assert!(short.halt_reason.is_some(), "{short:?}");
}
