//! ABI of the parent-chain contracts the publisher and the withdrawal finalizer call, and of the child
//! chain's outbox event, with read-only calls pinned to a block.

use alloy::{
    eips::BlockId,
    network::TransactionBuilder as _,
    primitives::{Address, Bytes, U256},
    providers::{Provider, RootProvider},
    rpc::types::TransactionRequest,
    sol_types::SolCall,
};

use crate::{Error, Result};

#[allow(missing_docs, unreachable_pub, clippy::all)]
mod sol {
    alloy::sol! {
        /// `Hashing.Message` of `contracts/src/common/Hashing.sol`.
        #[derive(Debug, PartialEq, Eq)]
        struct Message {
            uint64 sourceChainId;
            uint64 nonce;
            address sender;
            uint64 destinationChainId;
            address recipient;
            bytes payload;
        }

        /// The part of `ISettlement` the publisher uses.
        interface ISettlement {
            function chainId() external view returns (uint256);
            function totalBatchesCommitted() external view returns (uint64);
            function totalBatchesProven() external view returns (uint64);
            function totalBatchesExecuted() external view returns (uint64);
            function batchHash(uint64 batchNumber) external view returns (bytes32);
            function stateRoot(uint64 batchNumber) external view returns (bytes32);
        }

        /// The part of `IBridgeVault` withdrawals use.
        interface IBridgeVault {
            function finalizeWithdrawal(
                uint256 chainId,
                uint64 batchNumber,
                uint256 leafIndex,
                Message message,
                uint256[] siblings
            ) external;
            function isWithdrawalFinalized(uint256 chainId, uint64 nonce) external view returns (bool);
        }

        /// `IL2Outbox.MessageSent`, emitted by the outbox system contract of every Fractal chain.
        event MessageSent(
            uint64 indexed nonce,
            address indexed sender,
            uint64 indexed destinationChainId,
            address recipient,
            bytes payload
        );
    }
}

pub(crate) use sol::{IBridgeVault, ISettlement, MessageSent};

impl From<&fractal_primitives::Message> for sol::Message {
    fn from(m: &fractal_primitives::Message) -> Self {
        Self {
            sourceChainId: m.source_chain_id,
            nonce: m.nonce,
            sender: m.sender,
            destinationChainId: m.destination_chain_id,
            recipient: m.recipient,
            payload: m.payload.clone(),
        }
    }
}

/// `commitBatches(headers, daInputs)` calldata.
pub(crate) fn commit_calldata(
    headers: &[fractal_primitives::BatchHeader],
    da: Vec<Bytes>,
) -> Bytes {
    fractal_primitives::commitBatchesCall {
        headers: headers.to_vec(),
        daInputs: da,
    }
    .abi_encode()
    .into()
}

/// `proveBatches(headers, proofs)` calldata.
pub(crate) fn prove_calldata(
    headers: &[fractal_primitives::BatchHeader],
    proofs: Vec<Bytes>,
) -> Bytes {
    fractal_primitives::proveBatchesCall {
        headers: headers.to_vec(),
        proofs,
    }
    .abi_encode()
    .into()
}

/// `executeBatches(headers)` calldata.
pub(crate) fn execute_calldata(headers: &[fractal_primitives::BatchHeader]) -> Bytes {
    fractal_primitives::executeBatchesCall {
        headers: headers.to_vec(),
    }
    .abi_encode()
    .into()
}

/// `finalizeWithdrawal(chainId, batchNumber, leafIndex, message, siblings)` calldata.
pub(crate) fn finalize_calldata(chain_id: u64, proof: &fractal_primitives::MessageProof) -> Bytes {
    IBridgeVault::finalizeWithdrawalCall {
        chainId: U256::from(chain_id),
        batchNumber: proof.batch_number,
        leafIndex: U256::from(proof.leaf_index),
        message: (&proof.message).into(),
        siblings: proof.siblings.clone(),
    }
    .abi_encode()
    .into()
}

/// Calls view function `call` of `to` at `block` and decodes its return value.
pub(crate) async fn view<C: SolCall>(
    provider: &RootProvider,
    to: Address,
    call: C,
    block: BlockId,
) -> Result<C::Return> {
    let request = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = provider
        .call(request)
        .block(block)
        .await
        .map_err(|source| Error::Rpc {
            at: crate::Endpoint::Parent,
            method: C::SIGNATURE,
            source,
        })?;
    C::abi_decode_returns(&out).map_err(|source| Error::Decode {
        method: C::SIGNATURE,
        contract: to,
        source,
    })
}
