//! Keys, transactions, contracts and a funded state shared by the tests.

use alloy_consensus::{
    SignableTransaction, TxEip1559, TxEnvelope, TxLegacy,
    transaction::{Recovered, SignerRecoverable},
};
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, address, b256, hex};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use fractal_execution::{BlockEnv, ChainConfig, InMemoryState, RecoveredTx};

pub(crate) const CHAIN_ID: u64 = 7_331;
pub(crate) const GWEI: u128 = 1_000_000_000;
pub(crate) const BASE_FEE: u64 = 1_000_000_000;
pub(crate) const BENEFICIARY: Address = address!("0x00000000000000000000000000000000c0ffee00");
pub(crate) const RECIPIENT: Address = address!("0x0000000000000000000000000000000000bEEF01");
/// Where the tests' storage-and-log contract lives in the pre-state.
pub(crate) const STORE: Address = address!("0x000000000000000000000000000000000000500e");
/// The topic the storage contract logs with.
pub(crate) const STORE_TOPIC: B256 =
    b256!("0x00000000000000000000000000000000000000000000000000000000000000aa");

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

pub(crate) fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

pub(crate) fn dev() -> PrivateKeySigner {
    DEV_KEY.parse().expect("anvil's first dev key")
}

pub(crate) fn config() -> ChainConfig {
    ChainConfig::new(CHAIN_ID)
}

pub(crate) fn env(number: u64) -> BlockEnv {
    BlockEnv {
        number,
        timestamp: 1_700_000_000 + number,
        beneficiary: BENEFICIARY,
        base_fee: BASE_FEE,
        gas_limit: 30_000_000,
        prevrandao: B256::repeat_byte(7),
    }
}

/// Runtime code: stores the first calldata word in slot 0 and logs it under [`STORE_TOPIC`];
/// reverts when that word is zero.
pub(crate) fn store_runtime() -> Bytes {
    Bytes::from(hex!(
        "600035"   // CALLDATALOAD(0)
        "80" "15" "6017" "57" // if iszero(v) jump to revert
        "80" "6000" "55" // SSTORE(0, v)
        "6000" "52" // MSTORE(0, v)
        "60aa" "6020" "6000" "a1" // LOG1(0, 32, 0xaa)
        "00" // STOP
        "5b" "6000" "6000" "fd" // JUMPDEST; REVERT(0, 0)
    ))
}

/// Init code: stores 0x2a in slot 1, then returns [`store_runtime`].
pub(crate) fn store_init() -> Bytes {
    let runtime = store_runtime();
    let len = u8::try_from(runtime.len()).expect("short runtime");
    let mut code = vec![0x60, 0x2a, 0x60, 0x01, 0x55]; // SSTORE(1, 0x2a)
    code.extend_from_slice(&[0x60, len, 0x60, 17, 0x60, 0x00, 0x39]); // CODECOPY(0, 17, len)
    code.extend_from_slice(&[0x60, len, 0x60, 0x00, 0xf3]); // RETURN(0, len)
    assert_eq!(code.len(), 17);
    code.extend_from_slice(&runtime);
    code.into()
}

/// Calldata for the storage contract: one word.
pub(crate) fn word(value: u64) -> Bytes {
    B256::from(U256::from(value)).0.to_vec().into()
}

/// The dev account with 1000 ether and the storage contract at [`STORE`] (slot 0 = 5).
pub(crate) fn funded_state() -> InMemoryState {
    let mut state = InMemoryState::new();
    state.set_balance(dev().address(), ether(1_000));
    state.set_code(STORE, store_runtime());
    state.set_storage(STORE, U256::ZERO, U256::from(5));
    state
}

/// An EIP-1559 transaction paying 2 gwei max fee and 1 gwei tip.
pub(crate) fn tx1559(
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Bytes,
    gas_limit: u64,
) -> TxEip1559 {
    TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit,
        max_fee_per_gas: 3 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to,
        value,
        access_list: Default::default(),
        input,
    }
}

pub(crate) fn transfer(nonce: u64, value: U256) -> TxEip1559 {
    tx1559(nonce, TxKind::Call(RECIPIENT), value, Bytes::new(), 21_000)
}

fn recover(envelope: TxEnvelope) -> RecoveredTx {
    let signer = envelope.recover_signer().expect("valid signature");
    Recovered::new_unchecked(envelope, signer)
}

pub(crate) fn sign(signer: &PrivateKeySigner, tx: TxEip1559) -> RecoveredTx {
    let signature = signer.sign_hash_sync(&tx.signature_hash()).expect("signs");
    recover(tx.into_signed(signature).into())
}

pub(crate) fn sign_legacy(signer: &PrivateKeySigner, tx: TxLegacy) -> RecoveredTx {
    let signature = signer.sign_hash_sync(&tx.signature_hash()).expect("signs");
    recover(tx.into_signed(signature).into())
}
