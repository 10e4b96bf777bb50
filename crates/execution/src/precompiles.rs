//! The chain's precompiles: Ethereum's, and Poseidon at the genesis addresses of the `PoseidonT3` and
//! `PoseidonT4` libraries.
//!
//! Every Fractal chain holds poseidon-solidity's `PoseidonT3` and `PoseidonT4` as genesis contracts
//! (`fractal_primitives::POSEIDON_T3`, `POSEIDON_T4`), and the outbox calls them for every message
//! (docs/encodings.md). Run as EVM code, a Poseidon of two inputs costs about 29,000 gas and one of
//! three about 77,000, so a 96-byte message cost about 308,000 gas. The node runs both addresses
//! natively instead, as precompiles that answer what the library's code answers given the gas the
//! code needs:
//!
//! - calldata `hash(uint256[n])`'s selector and `n` words (more bytes are ignored, as the ABI decoder
//!   ignores them): success, the 32-byte Poseidon (circomlib's parameters) of the words, each reduced
//!   modulo the BN254 scalar field first (the library's code reduces them with `mod`);
//! - anything else (shorter calldata, another selector): a revert with no data, as the library's
//!   dispatcher and ABI decoder revert;
//! - value is ignored (the library has no value check; a `DELEGATECALL` carries its caller's).
//!
//! The code stays in the genesis state, so a tool that runs it itself (a `forge script` simulation
//! against the node) gets the same answers for more gas. Each call costs [`POSEIDON_T3_GAS`] or
//! [`POSEIDON_T4_GAS`] (a revert too); with less gas the call runs out of gas and consumes it all,
//! as every precompile does. The addresses are warm from the start of a transaction (EIP-2929), like
//! Ethereum's precompiles.
//!
//! So the differences are gas only: a call forwarding at least the price but less than the code needs
//! succeeds where the code ran out of gas; a first access costs 100 gas instead of 2,600; and an account
//! delegated to either address by EIP-7702 runs the code (revm runs a precompile only for a call whose
//! code address is the precompile's). A chain whose blocks ran the code before the node had these
//! precompiles would re-execute them with other gas: there are no activation heights yet, so such a
//! chain starts again from genesis with this version.

use alloy_primitives::{
    Address, Bytes, U256,
    map::{AddressSet, HashSet},
};
use fractal_primitives::{FieldElement, POSEIDON_T3, POSEIDON_T4, poseidon};
use revm::{
    context::Cfg,
    context_interface::ContextTr,
    handler::{EthPrecompiles, PrecompileProvider, precompile_output_to_interpreter_result},
    interpreter::{CallInputs, InterpreterResult},
    precompile::{PrecompileHalt, PrecompileOutput},
};

/// Gas of a call to the `PoseidonT3` address (a Poseidon of two inputs): its time at the gas per second
/// of Ethereum's `ecrecover` (3,000 gas), rounded up — a median of 1,606 over five runs of a release
/// build, 1,935 at most (`cargo run --release -p fractal-execution --example precompile_cost`,
/// docs/node.md).
pub const POSEIDON_T3_GAS: u64 = 2_000;

/// Gas of a call to the `PoseidonT4` address (a Poseidon of three inputs), priced the same way (a median of
/// 2,458, 2,929 at most).
pub const POSEIDON_T4_GAS: u64 = 3_500;

/// One of the Poseidon precompiles.
#[derive(Debug, Clone, Copy)]
struct Poseidon {
    address: Address,
    /// Inputs: the `n` of `hash(uint256[n])`.
    inputs: usize,
    /// `hash(uint256[n])`'s selector.
    selector: [u8; 4],
    gas: u64,
}

const POSEIDONS: [Poseidon; 2] = [
    Poseidon {
        address: POSEIDON_T3,
        inputs: 2,
        // keccak256("hash(uint256[2])")[..4]
        selector: [0x56, 0x15, 0x58, 0xfe],
        gas: POSEIDON_T3_GAS,
    },
    Poseidon {
        address: POSEIDON_T4,
        inputs: 3,
        // keccak256("hash(uint256[3])")[..4]
        selector: [0x20, 0xcf, 0x0a, 0x37],
        gas: POSEIDON_T4_GAS,
    },
];

impl Poseidon {
    /// What the library's code does with `input`, and this call's gas.
    fn run(&self, input: &[u8], gas_limit: u64, reservoir: u64) -> PrecompileOutput {
        if self.gas > gas_limit {
            return PrecompileOutput::halt(PrecompileHalt::OutOfGas, reservoir);
        }
        match self.hash(input) {
            Some(out) => PrecompileOutput::new(
                self.gas,
                Bytes::copy_from_slice(&out.to_be_bytes::<32>()),
                reservoir,
            ),
            None => PrecompileOutput::revert(self.gas, Bytes::new(), reservoir),
        }
    }

    /// The hash of a well-formed call, `None` for any other calldata.
    fn hash(&self, input: &[u8]) -> Option<U256> {
        let (selector, words) = input.split_first_chunk::<4>()?;
        if *selector != self.selector || words.len() < 32 * self.inputs {
            return None;
        }
        let inputs: Vec<U256> = words
            .chunks_exact(32)
            .take(self.inputs)
            .map(|word| U256::from_be_slice(word).reduce())
            .collect();
        poseidon(&inputs).ok()
    }
}

/// Ethereum's precompiles for the chain's spec, and the Poseidon ones.
#[derive(Debug, Clone)]
pub(crate) struct FractalPrecompiles {
    eth: EthPrecompiles,
    /// Ethereum's addresses and the Poseidon ones.
    warm: AddressSet,
}

impl FractalPrecompiles {
    /// The precompiles of Ethereum's `spec`, with Poseidon's.
    pub(crate) fn new(spec: revm::primitives::hardfork::SpecId) -> Self {
        let eth = EthPrecompiles::new(spec);
        let warm = Self::warm_of(&eth);
        Self { eth, warm }
    }

    fn warm_of(eth: &EthPrecompiles) -> AddressSet {
        let mut warm: AddressSet = HashSet::default();
        warm.extend(eth.warm_addresses().iter().copied());
        warm.extend(POSEIDONS.iter().map(|p| p.address));
        warm
    }
}

impl<CTX: ContextTr> PrecompileProvider<CTX> for FractalPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = Self::warm_of(&self.eth);
        }
        changed
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let Some(poseidon) = POSEIDONS
            .iter()
            .find(|p| p.address == inputs.bytecode_address)
        else {
            return self.eth.run(context, inputs);
        };
        let input = inputs.input.as_bytes(context);
        let output = poseidon.run(&input, inputs.gas_limit, inputs.reservoir);
        Ok(Some(precompile_output_to_interpreter_result(
            output,
            inputs.gas_limit,
        )))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &Address) -> bool {
        self.warm.contains(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;
    use fractal_primitives::FIELD_MODULUS;

    #[test]
    fn selectors_are_the_librarys() {
        for (p, signature) in POSEIDONS
            .iter()
            .zip(["hash(uint256[2])", "hash(uint256[3])"])
        {
            assert_eq!(p.selector, keccak256(signature)[..4], "{signature}");
        }
    }

    fn call(p: &Poseidon, words: &[U256]) -> Vec<u8> {
        let mut input = p.selector.to_vec();
        for w in words {
            input.extend_from_slice(&w.to_be_bytes::<32>());
        }
        input
    }

    #[test]
    fn hashes_reduced_words_and_reverts_on_anything_else() {
        for p in &POSEIDONS {
            let words: Vec<U256> = (1..=p.inputs as u64).map(U256::from).collect();
            let want = poseidon(&words).unwrap();
            let out = p.run(&call(p, &words), 100_000, 0);
            assert!(out.is_success());
            assert_eq!(out.gas_used, p.gas);
            assert_eq!(out.bytes.as_ref(), want.to_be_bytes::<32>());
            // Words at or above the modulus are reduced, and extra bytes are ignored.
            let mut lifted = words.clone();
            lifted[0] += FIELD_MODULUS;
            lifted.push(U256::MAX);
            let out = p.run(&call(p, &lifted), 100_000, 0);
            assert_eq!(out.bytes.as_ref(), want.to_be_bytes::<32>());
            // Short calldata, another selector, no selector: a revert with no data.
            let full = call(p, &words);
            for bad in [
                &full[..full.len() - 1],
                &full[..4],
                &full[..3],
                &[][..],
                &[&[0u8; 4][..], &full[4..]].concat()[..],
            ] {
                let out = p.run(bad, 100_000, 0);
                assert!(out.is_revert(), "{} bytes", bad.len());
                assert!(out.bytes.is_empty());
                assert_eq!(out.gas_used, p.gas);
            }
            // Not enough gas: out of gas.
            assert!(p.run(&full, p.gas - 1, 0).halt_reason().is_some());
        }
    }
}
