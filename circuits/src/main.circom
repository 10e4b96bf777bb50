// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "batch_chunk.circom";

// The chunk circuit Fractal deploys (public input version 2): 28 bound writes per chunk (each a state-tree
// write and the pubdata row that publishes it) into one subtree of 10 levels (2^20 positions) of the state
// tree's 16 quaternary levels, up to 16 messages per batch in a depth-10 message tree. docs/proofs.md
// explains the sizes.
component main {public [inputs]} = BatchChunk(28, 16, 10, 16, 10);
