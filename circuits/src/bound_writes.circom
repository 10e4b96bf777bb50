// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "state_write.circom";
include "pubdata_row.circom";

// The writes of a chunk bound to their pubdata rows (docs/proofs.md, "binding the writes to the
// pubdata"): W rows, each one state-tree write (StateWrite) and the pubdata row that publishes it
// (PubdataRow), sharing the row's values, its position and its key. The rows are chained through a
// carried state of 8 signals, which travels between the chunks of a batch, with BatchChunk's two
// signals of the outbox's message chain, as one Poseidon hash (BatchChunk's carries):
//
//     0 root        the state root after the rows so far
//     1 acc         the stream's sum so far (StreamAppend's acc)
//     2 weight      the weight of the stream's next position
//     3 phase       the next position mod 31
//     4 length      the bytes of the run so far
//     5 prevAddress the last first write's address (PubdataRow's addressOut)
//     6 commit      the row commitment P so far
//     7 nextIndex   the entry index after the last row so far (the previous index + 1)
//
// A batch starts at (prevStateRoot, 0, 256^30, 0, 0, 2^160, 0, 0): 2^160 is no address, so the batch's
// first first write cannot claim "same address"; nextIndex 0 makes the first row's index its gap.
//
// Row i: enabled[i] (1 a real row, 0 padding; the real rows come first), PubdataRow's fields, key[i]
// (the entry's state key) and the siblings of the position's path. Its index is nextIndex + gap[i].
//
// The tree the rows write is a subtree of D levels whose first position is `base`: the root carried
// through the rows is the subtree's, and a row's path proves position index − base in it, so every real
// row's index is in [base, base + 4^D) (the path's digits). With base = 0 and D the state tree's depth
// it is the whole tree; BatchChunk gives a subtree and proves the subtree's path to the state root.
//
// What this template does of PubdataRow's caller obligations: the index from the gap, held to the
// position the tree path proves (StateWrite's digits); isFirst tied to the position's old leaf being 0
// (StateWrite's `first`); the new leaf's key of a first write is PubdataRow's key; the row lengths
// summed; the stream state, address and commitment carried; and the range check of the state out's
// phase (every other phase is range-checked by the next row's one-hot; this one would otherwise wait
// for the next chunk, and the batch's last chunk has none). So stateOut[3] is always 0 … 30.
//
// What the caller must do:
// - zPow = [1, z] with z the batch's challenge (zPow[0] is held to 1 here, z is the caller's);
// - start a batch at the state above and carry stateOut to the next chunk's stateIn;
// - at the batch's end: length = writesLength, acc = y, commit = P (the header's), root = newStateRoot;
// - the tree's leaves must all hold values whose halves are below 2^128 (PubdataRow relies on the old
//   value's halves being in range and does not check them). Every write through this template checks
//   its new value's halves, so that holds by induction from a genesis tree that has it — not for leaves
//   written by a circuit that did not check them (BatchChunk before this binding).
//
// Padding rows (enabled = 0) leave the state as it was, but their PubdataRow and StateWrite are still
// computed, so the witness must fill them with something satisfiable: a repeated write of 0 → 1 by
// ADD_SMALL (packing 3, valueLen 0), gap 0, gapLen 1, kind, sameAddress, address, slot, slotLen 0, any key
// and siblings (StateWrite checks nothing of a padding row). Its path's index is 0, not nextIndex + gap,
// so a padding row is satisfiable even after a write at the last position 4^D − 1 (nextIndex = 4^D
// would not fit StateWrite's digits).
template BoundWrites(W, D) {
    signal input zPow[2];
    signal input base;
    signal input stateIn[8];
    signal input enabled[W];
    signal input isFirst[W];
    signal input gap[W];
    signal input gapLen[W];
    signal input kind[W];
    signal input sameAddress[W];
    signal input address[W];
    signal input slot[W][2];
    signal input slotLen[W];
    signal input oldValue[W][2];
    signal input newValue[W][2];
    signal input packing[W];
    signal input valueLen[W];
    signal input key[W];
    signal input siblings[W][D][3];
    signal output stateOut[8];

    var ROOT = 0;
    var ACC = 1;
    var WEIGHT = 2;
    var PHASE = 3;
    var LENGTH = 4;
    var ADDRESS = 5;
    var COMMIT = 6;
    var INDEX = 7;

    zPow[0] === 1;

    // state[i]: before row i. state[0] is stateIn (linear: O2 substitutes it away).
    signal state[W + 1][8];
    state[0] <== stateIn;

    component row[W];
    component write[W];
    signal index[W];
    signal accStep[W];
    signal weightStep[W];
    signal phaseStep[W];
    signal lengthStep[W];
    signal addressStep[W];
    signal commitStep[W];
    signal indexStep[W];
    for (var i = 0; i < W; i++) {
        // Real rows are a prefix: a padding row is followed by padding only. (enabled is boolean:
        // StateWrite checks it.)
        if (i > 0) {
            enabled[i] * (1 - enabled[i - 1]) === 0;
        }

        row[i] = PubdataRow();
        row[i].zPow <== zPow;
        row[i].accIn <== state[i][ACC];
        row[i].weightIn <== state[i][WEIGHT];
        row[i].phaseIn <== state[i][PHASE];
        row[i].isFirst <== isFirst[i];
        row[i].gap <== gap[i];
        row[i].gapLen <== gapLen[i];
        row[i].kind <== kind[i];
        row[i].sameAddress <== sameAddress[i];
        row[i].address <== address[i];
        row[i].prevAddress <== state[i][ADDRESS];
        row[i].slot <== slot[i];
        row[i].slotLen <== slotLen[i];
        row[i].oldValue <== oldValue[i];
        row[i].newValue <== newValue[i];
        row[i].packing <== packing[i];
        row[i].valueLen <== valueLen[i];
        row[i].commitIn <== state[i][COMMIT];

        // A first write's new leaf is under the key its bytes publish. A repeated write's key is the
        // old leaf's, which the old root pins; its bytes say nothing of it, so it is taken as given.
        isFirst[i] * (key[i] - row[i].key) === 0;

        // The row's position in the subtree: nextIndex + gap − base (0 for padding, see above). gap ≥ 0
        // (PubdataRow's bits) keeps the positions strictly ascending, the path's digits keep them in
        // the subtree (a position below base wraps to a field element no 2D bits make).
        index[i] <== enabled[i] * (state[i][INDEX] + gap[i] - base);

        write[i] = StateWrite(D);
        write[i].enabled <== enabled[i];
        write[i].first <== isFirst[i];
        write[i].index <== index[i];
        write[i].key <== key[i];
        write[i].oldValue <== oldValue[i];
        write[i].newValue <== newValue[i];
        write[i].siblings <== siblings[i];
        write[i].rootIn <== state[i][ROOT];
        state[i + 1][ROOT] <== write[i].rootOut;

        // The rest of the state moves only for a real row: in + enabled · (row's out − in).
        accStep[i] <== enabled[i] * (row[i].accOut - state[i][ACC]);
        state[i + 1][ACC] <== state[i][ACC] + accStep[i];
        weightStep[i] <== enabled[i] * (row[i].weightOut - state[i][WEIGHT]);
        state[i + 1][WEIGHT] <== state[i][WEIGHT] + weightStep[i];
        phaseStep[i] <== enabled[i] * (row[i].phaseOut - state[i][PHASE]);
        state[i + 1][PHASE] <== state[i][PHASE] + phaseStep[i];
        lengthStep[i] <== enabled[i] * row[i].rowLength;
        state[i + 1][LENGTH] <== state[i][LENGTH] + lengthStep[i];
        addressStep[i] <== enabled[i] * (row[i].addressOut - state[i][ADDRESS]);
        state[i + 1][ADDRESS] <== state[i][ADDRESS] + addressStep[i];
        commitStep[i] <== enabled[i] * (row[i].commitOut - state[i][COMMIT]);
        state[i + 1][COMMIT] <== state[i][COMMIT] + commitStep[i];
        indexStep[i] <== enabled[i] * (gap[i] + 1);
        state[i + 1][INDEX] <== state[i][INDEX] + indexStep[i];
    }

    // The last row's phase: 0 ≤ phase ≤ 30 as two 5-bit decompositions (of phase and of 30 − phase).
    // It keeps StreamAdvance's wrap bit honest for the last real row (an earlier row's phase out is the
    // next row's phase in, which its one-hot checks, padding or not).
    component phaseLow = Num2Bits(5);
    phaseLow.in <== state[W][PHASE];
    component phaseHigh = Num2Bits(5);
    phaseHigh.in <== 30 - state[W][PHASE];

    stateOut <== state[W];
}
