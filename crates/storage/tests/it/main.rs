//! Integration tests of `fractal-storage`: both stores through the public traits, restarts, a
//! kill -9 crash test and a property test against a naive model.

mod bench;
mod blocks;
mod common;
mod crash;
mod history;
mod logs;
mod prop;
mod reopen;
mod state;
