//! Integration tests of `fractal-execution` against real revm: blocks, calls and the mempool check.

mod block;
mod call;
mod common;
mod priority;
mod validate;
