//! Fractal's shared encodings, used alike by the node, the publisher, the prover and the relayer, and
//! checked against the Solidity contracts through shared test vectors: hierarchical chain names and
//! interoperable addresses, batch headers and the proof's public inputs, priority operations and their
//! rolling hash, cross-chain messages and the per-batch message tree, the Poseidon quaternary Merkle
//! tree, indexed by entry index, that holds a chain's state, and the rollup pubdata from which anyone rebuilds that state
//! ([`pubdata`]). `docs/encodings.md` and `docs/state.md` are the normative descriptions; this crate
//! performs no I/O.

mod batch;
mod constants;
mod deployment;
mod diff;
mod error;
mod field;
mod message;
mod name;
mod priority;
pub mod pubdata;
mod state;
mod state_tree;

pub use batch::{
    BatchHeader, BatchWitness, MessageProof, PUBLIC_INPUT_COUNT, PUBLIC_INPUT_VERSION, SealedBatch,
    commitBatchesCall, executeBatchesCall, proveBatchesCall,
};
pub use constants::*;
pub use deployment::{ChainDeployment, Deployment, VerifierKind};
pub use diff::{AccountDiff, AccountInfo, StateDiff};
pub use error::{Error, Result};
pub use field::{FIELD_MODULUS, FieldElement, poseidon};
pub use message::{Message, MessageTree, message_chain, message_chain_step, payload_hash};
pub use name::{ChainName, InteropAddress};
pub use priority::{
    PRIORITY_TX_TYPE, PriorityOp, TransactionRequested, apply_alias, rolling_hash, undo_alias,
};
pub use state::{
    STATE_TREE_ARITY, STATE_TREE_CAPACITY, STATE_TREE_DEPTH, SparseMerkleTree, StateKind,
    StateProof, balance_key, empty_subtree, path_node, state_key, state_leaf,
};
pub use state_tree::{StateTree, WriteKind, WriteWitness};
