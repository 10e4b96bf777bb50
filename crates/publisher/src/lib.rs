//! The publisher: posts a Fractal chain's sealed batches to its parent chain and finalizes withdrawals.
//!
//! [`Publisher`] reads sealed batches from a [`BatchSource`] (the node's `fractal_batchByNumber`, see
//! [`RpcBatchSource`]), checks each one against what the parent chain's `Settlement` holds, and sends
//! `commitBatches` (the pubdata as calldata DA input), `proveBatches` (proofs from a [`Prover`]) and
//! `executeBatches`, one transaction at a time from the operator's account. The parent chain is the
//! source of truth; the transaction in flight is recorded in `<data-dir>/publisher.json` before it is
//! broadcast, so a restart settles it before doing anything else, and no batch is committed twice or
//! skipped. Reverts are reported with the decoded custom error of our contracts ([`RevertReason`]).
//! [`finalize_withdrawals`] releases on the parent chain the withdrawals a child-chain transaction sent.
//!
//! [`DevelopmentProver`] is INSECURE: it produces the proof the development verifier accepts, which
//! anyone can compute. `docs/publisher.md` describes the flags, the progress file and the crash-safety
//! argument.

mod contracts;
mod error;
mod progress;
mod prover;
mod publisher;
mod revert;
mod sender;
mod source;
mod withdraw;

pub use error::{Endpoint, Error, Result};
pub use fractal_da::DaKind;
pub use prover::{DevelopmentProver, Prover, WorkerProver};
#[cfg(feature = "test-utils")]
pub use publisher::HaltPoint;
pub use publisher::{Action, Counters, Publisher, PublisherConfig, Step, check_batch};
pub use revert::RevertReason;
pub use sender::FeePolicy;
pub use source::{BatchSource, RpcBatchSource};
pub use withdraw::{FinalizedWithdrawal, WithdrawalRequest, finalize_withdrawals};
