// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// One write to the state tree (docs/state.md): the leaf at position `index` goes from
// Poseidon(key, oldValue) — or 0 when `first` (the position was empty) — to Poseidon(key, newValue),
// along the same D levels of siblings of a quaternary Poseidon tree. When `enabled` is 0 the row is
// padding: the root passes through unchanged and nothing else is checked.
template StateWrite(D) {
    signal input enabled;
    signal input first;
    signal input index;
    signal input key;
    signal input oldValue[2];   // the value's high and low 128 bits
    signal input newValue[2];
    signal input siblings[D][3];
    signal input rootIn;
    signal output rootOut;

    enabled * (1 - enabled) === 0;
    first * (1 - first) === 0;

    // The position's base-4 digits, from the leaves up; the index is below 4^D.
    component digits = Num2Bits(2 * D);
    digits.in <== index;

    component oldLeaf = Poseidon(3);
    oldLeaf.inputs[0] <== key;
    oldLeaf.inputs[1] <== oldValue[0];
    oldLeaf.inputs[2] <== oldValue[1];
    component newLeaf = Poseidon(3);
    newLeaf.inputs[0] <== key;
    newLeaf.inputs[1] <== newValue[0];
    newLeaf.inputs[2] <== newValue[1];

    signal node[2][D + 1];
    node[0][0] <== (1 - first) * oldLeaf.out;
    node[1][0] <== newLeaf.out;

    // At each level the path's node x goes in at digit d among the three siblings:
    //   c0 = s0 + [d=0](x - s0)
    //   c1 = s1 + [d=1](x - s1) + [d=0](s0 - s1)
    //   c2 = s2 + [d=2](x - s2) + [d<2](s1 - s2)
    //   c3 = s2 + [d=3](x - s2)
    signal both[D];
    signal shift1[D];
    signal shift2[D];
    signal pick[2][D][4];
    component hash[2][D];
    for (var l = 0; l < D; l++) {
        var b0 = digits.out[2 * l];
        var b1 = digits.out[2 * l + 1];
        both[l] <== b0 * b1;
        var is[4] = [1 - b0 - b1 + both[l], b0 - both[l], b1 - both[l], both[l]];
        shift1[l] <== is[0] * (siblings[l][0] - siblings[l][1]);
        shift2[l] <== (is[0] + is[1]) * (siblings[l][1] - siblings[l][2]);
        for (var p = 0; p < 2; p++) {
            pick[p][l][0] <== is[0] * (node[p][l] - siblings[l][0]);
            pick[p][l][1] <== is[1] * (node[p][l] - siblings[l][1]);
            pick[p][l][2] <== is[2] * (node[p][l] - siblings[l][2]);
            pick[p][l][3] <== is[3] * (node[p][l] - siblings[l][2]);
            hash[p][l] = Poseidon(4);
            hash[p][l].inputs[0] <== siblings[l][0] + pick[p][l][0];
            hash[p][l].inputs[1] <== siblings[l][1] + pick[p][l][1] + shift1[l];
            hash[p][l].inputs[2] <== siblings[l][2] + pick[p][l][2] + shift2[l];
            hash[p][l].inputs[3] <== siblings[l][2] + pick[p][l][3];
            node[p][l + 1] <== hash[p][l].out;
        }
    }

    enabled * (node[0][D] - rootIn) === 0;
    rootOut <== rootIn + enabled * (node[1][D] - rootIn);
}

// One chunk of a batch proof (docs/proofs.md). A batch's writes are proven in chunks of W writes; chunk
// j of k takes the state tree from root `inputs[3]` to root `inputs[4]` (the batch's prevStateRoot for
// j = 0, its newStateRoot for j = k - 1, the intermediate roots the proof carries otherwise). The last
// chunk also computes the batch's message root from up to M message leaves.
//
// Public inputs (15): the batch's public input vector (docs/encodings.md, version 1, 13 elements) with
// elements 3 and 4 replaced by the chunk's roots, then the chunk index j and the chunk count k.
template BatchChunk(W, D, M, MESSAGE_DEPTH) {
    signal input inputs[15];

    // Writes, one row each (StateWrite); unused rows have enabled = 0.
    signal input enabled[W];
    signal input first[W];
    signal input index[W];
    signal input key[W];
    signal input oldValue[W][2];
    signal input newValue[W][2];
    signal input siblings[W][D][3];

    // Messages: the batch's message leaves in outbox order, then zeros.
    signal input messageCount;
    signal input messages[M];

    // Layout version 1.
    inputs[0] === 1;

    // The writes, chained from the chunk's old root to its new root.
    component write[W];
    for (var i = 0; i < W; i++) {
        write[i] = StateWrite(D);
        write[i].rootIn <== i == 0 ? inputs[3] : write[i - 1].rootOut;
        write[i].enabled <== enabled[i];
        write[i].first <== first[i];
        write[i].index <== index[i];
        write[i].key <== key[i];
        write[i].oldValue <== oldValue[i];
        write[i].newValue <== newValue[i];
        write[i].siblings <== siblings[i];
    }
    write[W - 1].rootOut === inputs[4];

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
    // EMPTY[h]: the root of an empty subtree of height h (0, then Poseidon(EMPTY[h-1], EMPTY[h-1])),
    // constants here so that they cost no constraints.
    var EMPTY[10] = [
        0,
        14744269619966411208579211824598458697587494354926760081771325075741142829156,
        7423237065226347324353380772367382631490014989348495481811164164159255474657,
        11286972368698509976183087595462810875513684078608517520839298933882497716792,
        3607627140608796879659380071776844901612302623152076817094415224584923813162,
        19712377064642672829441595136074946683621277828620209496774504837737984048981,
        20775607673010627194014556968476266066927294572720319469184847051418138353016,
        3396914609616007258851405644437304192397291162432396347162513310381425243293,
        21551820661461729022865262380882070649935529853313286572328683688269863701601,
        6573136701248752079028194407151022595060682063033565181951145966236778420039
    ];
    assert(MESSAGE_DEPTH <= 10);
    component up[MESSAGE_DEPTH];
    for (var h = height; h < MESSAGE_DEPTH; h++) {
        up[h] = Poseidon(2);
        up[h].inputs[0] <== level[0];
        up[h].inputs[1] <== EMPTY[h];
        level[0] = up[h].out;
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
