//! Integration tests of `fractal-execution` against real revm: blocks, calls and the mempool check.

mod block;
mod call;
mod common;
mod precompiles;
mod priority;
mod validate;
