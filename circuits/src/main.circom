// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "batch_chunk.circom";

// The chunk circuit Fractal deploys (public input version 2): 20 bound writes per chunk (each a state-tree
// write and the pubdata row that publishes it), the state tree's 16 quaternary levels, up to 16 messages
// per batch in a depth-10 message tree. docs/proofs.md explains the sizes.
component main {public [inputs]} = BatchChunk(20, 16, 16, 10);
