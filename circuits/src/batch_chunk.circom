// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "circomlib/circuits/smt/smtprocessor.circom";
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";

// One chunk of a batch proof (docs/proofs.md). A batch's writes are proven in chunks of W writes; chunk
// j of k takes the state tree from root `inputs[3]` to root `inputs[4]` (the batch's prevStateRoot for
// j = 0, its newStateRoot for j = k - 1, the intermediate roots the proof carries otherwise). The last
// chunk also computes the batch's message root from up to M message leaves.
//
// Public inputs (15): the batch's public input vector (docs/encodings.md, version 1, 13 elements) with
// elements 3 and 4 replaced by the chunk's roots, then the chunk index j and the chunk count k.
template BatchChunk(W, L, M, MESSAGE_DEPTH) {
    signal input inputs[15];

    // Writes: circomlib SMTProcessor inputs, one row per write; unused rows are NOPs (fnc = [0, 0]).
    signal input fnc[W][2];
    signal input oldKey[W];
    signal input oldValue[W];
    signal input isOld0[W];
    signal input newKey[W];
    signal input newValue[W];
    signal input siblings[W][L];

    // Messages: the batch's message leaves in outbox order, then zeros.
    signal input messageCount;
    signal input messages[M];

    // Layout version 1.
    inputs[0] === 1;

    // The writes, chained from the chunk's old root to its new root.
    component write[W];
    for (var i = 0; i < W; i++) {
        write[i] = SMTProcessor(L);
        write[i].oldRoot <== i == 0 ? inputs[3] : write[i - 1].newRoot;
        for (var j = 0; j < L; j++) {
            write[i].siblings[j] <== siblings[i][j];
        }
        write[i].oldKey <== oldKey[i];
        write[i].oldValue <== oldValue[i];
        write[i].isOld0 <== isOld0[i];
        write[i].newKey <== newKey[i];
        write[i].newValue <== newValue[i];
        write[i].fnc[0] <== fnc[i][0];
        write[i].fnc[1] <== fnc[i][1];
    }
    write[W - 1].newRoot === inputs[4];

    // 0 <= j < k <= 2^16.
    component indexBelowCount = LessThan(17);
    indexBelowCount.in[0] <== inputs[13];
    indexBelowCount.in[1] <== inputs[14];
    indexBelowCount.out === 1;
    component countBound = LessEqThan(17);
    countBound.in[0] <== inputs[14];
    countBound.in[1] <== 65536;
    countBound.out === 1;
    component isLast = IsEqual();
    isLast.in[0] <== inputs[13] + 1;
    isLast.in[1] <== inputs[14];

    // Message leaves: at most M, the ones past messageCount are zero.
    component countFits = LessEqThan(16);
    countFits.in[0] <== messageCount;
    countFits.in[1] <== M;
    countFits.out === 1;
    component active[M];
    for (var i = 0; i < M; i++) {
        active[i] = LessThan(16);
        active[i].in[0] <== i;
        active[i].in[1] <== messageCount;
        (1 - active[i].out) * messages[i] === 0;
    }

    // The message tree: M leaves (M a power of two), then up to depth MESSAGE_DEPTH beside empty subtrees.
    var nodes = M;
    var level[M];
    for (var i = 0; i < M; i++) {
        level[i] = messages[i];
    }
    component pair[M];
    var used = 0;
    var height = 0;
    while (nodes > 1) {
        for (var i = 0; i < nodes / 2; i++) {
            pair[used] = Poseidon(2);
            pair[used].inputs[0] <== level[2 * i];
            pair[used].inputs[1] <== level[2 * i + 1];
            level[i] = pair[used].out;
            used++;
        }
        nodes = nodes / 2;
        height++;
    }
    var zero = 0;
    component empty[MESSAGE_DEPTH];
    component up[MESSAGE_DEPTH];
    for (var h = 0; h < MESSAGE_DEPTH; h++) {
        // zero is the root of an empty subtree of height h.
        if (h >= height) {
            up[h] = Poseidon(2);
            up[h].inputs[0] <== level[0];
            up[h].inputs[1] <== zero;
            level[0] = up[h].out;
        }
        if (h < MESSAGE_DEPTH - 1) {
            empty[h] = Poseidon(2);
            empty[h].inputs[0] <== zero;
            empty[h].inputs[1] <== zero;
            zero = empty[h].out;
        }
    }
    // Only the last chunk answers for the message root.
    isLast.out * (level[0] - inputs[7]) === 0;

    // Every other public input enters a constraint, so the proof is bound to it.
    signal bound[9];
    var others[9] = [1, 2, 5, 6, 8, 9, 10, 11, 12];
    for (var i = 0; i < 9; i++) {
        bound[i] <== inputs[others[i]] * inputs[others[i]];
    }
}
