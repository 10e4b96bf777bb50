//! A Fractal chain's node: the mempool that orders incoming transactions per sender, the centralized
//! sequencer that turns them into blocks every `block_time`, and the JSON-RPC and REST front that
//! wallets, `cast`, `forge` and alloy talk to. Execution lives in `fractal-execution` and persistence in
//! `fractal-storage`; this crate only wires them.

pub mod batches;
pub mod chain;
pub mod config;
mod error;
pub mod mempool;
pub mod messages;
mod node;
pub mod parent;
pub mod rebuild;
pub mod rest;
pub mod rpc;
pub mod wal;

pub use error::{Error, Result};
pub use node::{RunningNode, open_chain, run};
