//! Helpers for tests in this and other crates (feature `test-utils`).

use alloy_consensus::Header;
use alloy_primitives::B256;
use fractal_primitives::StateDiff;

use crate::NewBlock;
pub use crate::memory::InMemoryStore;

/// An empty block (no transactions) numbered `number` on top of `parent_hash`, applying `diff`.
pub fn block(number: u64, parent_hash: B256, diff: StateDiff) -> NewBlock {
    let header = Header {
        number,
        parent_hash,
        gas_limit: 30_000_000,
        timestamp: number,
        ..Header::default()
    };
    NewBlock::new(header, Vec::new(), Vec::new(), diff)
}

/// The genesis block: number 0, creating `alloc`.
pub fn genesis(alloc: StateDiff) -> NewBlock {
    block(0, B256::ZERO, alloc)
}
