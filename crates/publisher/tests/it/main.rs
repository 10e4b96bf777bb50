//! Integration tests of the publisher against anvil as the parent chain, with the settlement suite
//! deployed by the real `forge script`s: batches committed, proven and executed; restarts after a crash
//! at every point of a transaction; bad batches refused before sending; reverts decoded; fee bumps;
//! withdrawals finalized through the real vault.

mod harness;
mod publish;
mod withdraw;
