use alloy_primitives::{Address, B256, U160, keccak256};
use alloy_sol_types::SolValue;

use crate::{ALIAS_OFFSET, Error, Result};

/// EIP-2718 type byte of a priority transaction in a child chain's blocks: `0x7f ‖ abi.encode(op)`
/// (docs/encodings.md, "Priority operations"). Its transaction hash is the queue's `opHash`.
pub const PRIORITY_TX_TYPE: u8 = 0x7f;

#[allow(missing_docs)]
mod sol {
    alloy_sol_types::sol! {
        /// A parent → child transaction as the child chain executes it (the Solidity `PriorityOp`).
        #[derive(Debug, Default, PartialEq, Eq)]
        struct PriorityOp {
            uint64 index;
            address l2Sender;
            address target;
            uint256 mint;
            uint256 l2Value;
            uint256 gasLimit;
            address refundRecipient;
            uint64 deadline;
            bytes data;
        }

        /// `IPriorityQueue.TransactionRequested`: a request entered the queue of chain `chainId`.
        #[derive(Debug, PartialEq, Eq)]
        event TransactionRequested(
            uint256 indexed chainId, uint64 indexed index, bytes32 opHash, bytes32 rollingHash, PriorityOp op
        );
    }
}

pub use sol::{PriorityOp, TransactionRequested};

impl PriorityOp {
    /// The operation's hash on chain `chain_id`: keccak256 of the ABI encoding of the chain id followed by
    /// every field in declaration order (as `PriorityQueue.hashOp`).
    pub fn hash(&self, chain_id: u64) -> B256 {
        let encoded = (
            alloy_primitives::U256::from(chain_id),
            self.index,
            self.l2Sender,
            self.target,
            self.mint,
            self.l2Value,
            self.gasLimit,
            self.refundRecipient,
            self.deadline,
            self.data.clone(),
        )
            .abi_encode_params();
        keccak256(encoded)
    }
}

impl PriorityOp {
    /// The operation as a transaction of a child block: [`PRIORITY_TX_TYPE`] followed by the ABI
    /// encoding of the operation (as a single tuple).
    pub fn encode_2718(&self) -> Vec<u8> {
        let mut out = vec![PRIORITY_TX_TYPE];
        out.extend_from_slice(&self.abi_encode());
        out
    }

    /// Decodes [`encode_2718`](Self::encode_2718)'s output; the encoding must be canonical.
    pub fn decode_2718(raw: &[u8]) -> Result<Self> {
        let Some((&ty, body)) = raw.split_first() else {
            return Err(Error::InvalidPriorityTx("empty".into()));
        };
        if ty != PRIORITY_TX_TYPE {
            return Err(Error::InvalidPriorityTx(format!(
                "type {ty:#04x}, expected {PRIORITY_TX_TYPE:#04x}"
            )));
        }
        let op =
            Self::abi_decode_validate(body).map_err(|e| Error::InvalidPriorityTx(e.to_string()))?;
        if op.abi_encode() != body {
            return Err(Error::InvalidPriorityTx("non-canonical encoding".into()));
        }
        Ok(op)
    }
}

/// The queue's rolling hash after appending an operation: keccak256(previous ‖ opHash).
pub fn rolling_hash(previous: B256, op_hash: B256) -> B256 {
    keccak256((previous, op_hash).abi_encode_params())
}

/// The child-chain sender of a parent-chain contract: its address plus `ALIAS_OFFSET`, modulo 2^160.
pub fn apply_alias(contract: Address) -> Address {
    let sum = U160::from_be_bytes(contract.0.0).wrapping_add(U160::from_be_bytes(ALIAS_OFFSET.0.0));
    Address::from(sum.to_be_bytes::<20>())
}

/// The parent-chain contract behind an aliased child-chain sender.
pub fn undo_alias(aliased: Address) -> Address {
    let diff = U160::from_be_bytes(aliased.0.0).wrapping_sub(U160::from_be_bytes(ALIAS_OFFSET.0.0));
    Address::from(diff.to_be_bytes::<20>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;
    use proptest::prelude::*;

    #[test]
    fn priority_transactions_round_trip_and_refuse_other_bytes() {
        let op = PriorityOp {
            index: 3,
            l2Sender: address!("0x00000000000000000000000000000000000000aa"),
            target: address!("0x00000000000000000000000000000000000000bb"),
            mint: alloy_primitives::U256::from(10),
            l2Value: alloy_primitives::U256::from(10),
            gasLimit: alloy_primitives::U256::from(100_000),
            refundRecipient: address!("0x00000000000000000000000000000000000000cc"),
            deadline: 99,
            data: vec![1, 2, 3].into(),
        };
        let raw = op.encode_2718();
        assert_eq!(raw[0], PRIORITY_TX_TYPE);
        assert_eq!(PriorityOp::decode_2718(&raw).unwrap(), op);
        assert!(PriorityOp::decode_2718(&[]).is_err());
        assert!(PriorityOp::decode_2718(&raw[1..]).is_err());
        assert!(PriorityOp::decode_2718(&raw[..raw.len() - 1]).is_err());
        let mut longer = raw;
        longer.extend_from_slice(&[0; 32]);
        assert!(PriorityOp::decode_2718(&longer).is_err());
    }

    #[test]
    fn alias_wraps_around() {
        let a = address!("0xffffffffffffffffffffffffffffffffffffffff");
        assert_eq!(
            apply_alias(a),
            address!("0x1111000000000000000000000000000000001110")
        );
        assert_eq!(undo_alias(apply_alias(a)), a);
    }

    proptest! {
        #[test]
        fn alias_round_trips(bytes in any::<[u8; 20]>()) {
            let a = Address::from(bytes);
            prop_assert_eq!(undo_alias(apply_alias(a)), a);
            prop_assert_ne!(apply_alias(a), a);
        }
    }

    #[test]
    fn rolling_hash_depends_on_order() {
        let (a, b) = (B256::repeat_byte(1), B256::repeat_byte(2));
        assert_ne!(
            rolling_hash(rolling_hash(B256::ZERO, a), b),
            rolling_hash(rolling_hash(B256::ZERO, b), a)
        );
    }
}
