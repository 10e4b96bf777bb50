// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "batch_chunk.circom";

// The dense chunk circuit (public input version 2): the same statement as main.circom's, for writes that
// lie close together — 42 bound writes per chunk into one subtree of 5 levels (4^5 = 1,024 positions),
// whose path of 11 levels to the state root the chunk proves once. The prover picks it per chunk when a
// run of more than 28 writes falls into one such subtree (a young chain's, or a batch's new entries, which
// take consecutive positions); docs/proofs.md, "Dense chunks", has the sizes.
component main {public [inputs]} = BatchChunk(42, 16, 5, 16, 10);
