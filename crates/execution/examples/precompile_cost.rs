//! What the Poseidon precompiles' prices rest on: the time of a Poseidon of two and of three inputs
//! (what the precompiles compute) against the time of Ethereum's `ecrecover` precompile as revm runs
//! it (3,000 gas), in one run, median of 5 rounds. Prints the gas each Poseidon would cost at
//! `ecrecover`'s gas per second. Measure a release build, as the node runs (a debug build keeps the
//! Poseidon crate's overflow checks and is about four times slower there):
//!
//! ```sh
//! cargo run --release -p fractal-execution --example precompile_cost
//! ```

#![allow(clippy::print_stdout)] // a measuring program: its output is the point

use std::time::Instant;

use alloy_primitives::{B256, U256, keccak256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use fractal_execution::{POSEIDON_T3_GAS, POSEIDON_T4_GAS};
use fractal_primitives::poseidon;

const CALLS: u32 = 2_000;

/// Median of 5 rounds of `CALLS` calls of `f`, in microseconds per call.
fn micros(mut f: impl FnMut(u32)) -> f64 {
    let mut rounds: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            for i in 0..CALLS {
                f(i);
            }
            started.elapsed().as_secs_f64() * 1e6 / f64::from(CALLS)
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signer = PrivateKeySigner::from_bytes(&B256::repeat_byte(7))?;
    let hash = keccak256(b"fractal");
    let signature = signer.sign_hash_sync(&hash)?;
    let mut input = hash.to_vec();
    input.extend_from_slice(&U256::from(27 + u64::from(signature.v())).to_be_bytes::<32>());
    input.extend_from_slice(&signature.r().to_be_bytes::<32>());
    input.extend_from_slice(&signature.s().to_be_bytes::<32>());
    let recovered = revm::precompile::secp256k1::ec_recover_run(&input, 3_000)?;
    assert_eq!(&recovered.bytes[12..], signer.address().as_slice());

    let ecrecover = micros(|_| {
        std::hint::black_box(revm::precompile::secp256k1::ec_recover_run(&input, 3_000).ok());
    });
    let t3 = micros(|i| {
        std::hint::black_box(poseidon(&[U256::from(i), U256::from(7)]).ok());
    });
    let t4 = micros(|i| {
        std::hint::black_box(poseidon(&[U256::from(i), U256::from(7), U256::from(9)]).ok());
    });
    let per_micro = 3_000.0 / ecrecover;
    println!("ecrecover: {ecrecover:.1} µs (3,000 gas)");
    println!(
        "Poseidon of 2: {t3:.1} µs, {:.0} gas at ecrecover's rate (priced {POSEIDON_T3_GAS})",
        t3 * per_micro
    );
    println!(
        "Poseidon of 3: {t4:.1} µs, {:.0} gas at ecrecover's rate (priced {POSEIDON_T4_GAS})",
        t4 * per_micro
    );
    Ok(())
}
