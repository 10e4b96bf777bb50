// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// One write to the state tree (docs/state.md): the leaf at position `index` goes from
// Poseidon(key, oldValue) — or 0 when `first` (the position was empty) — to Poseidon(key, newValue),
// along the same D levels of siblings of a quaternary Poseidon tree — the state tree, or one of its
// subtrees of D levels (rootIn and rootOut are then the subtree's roots and index the position in it).
// When `enabled` is 0 the row is padding: the root passes through unchanged and nothing else is checked.
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

    component oldLeaf = Poseidon(3);
    oldLeaf.inputs[0] <== key;
    oldLeaf.inputs[1] <== oldValue[0];
    oldLeaf.inputs[2] <== oldValue[1];
    component newLeaf = Poseidon(3);
    newLeaf.inputs[0] <== key;
    newLeaf.inputs[1] <== newValue[0];
    newLeaf.inputs[2] <== newValue[1];

    component path = QuadPath(D);
    path.index <== index;
    path.node[0] <== (1 - first) * oldLeaf.out;
    path.node[1] <== newLeaf.out;
    path.siblings <== siblings;

    enabled * (path.root[0] - rootIn) === 0;
    rootOut <== rootIn + enabled * (path.root[1] - rootIn);
}

// Two nodes at the same position `index` of a D-level quaternary Poseidon tree (docs/state.md) — node[0]
// before a change, node[1] after — hashed up the same siblings to the two roots above them. The index is
// below 4^D (its base-4 digits, from the bottom level up, are a Num2Bits of 2D bits).
template QuadPath(D) {
    signal input index;
    signal input node[2];
    signal input siblings[D][3];
    signal output root[2];

    component digits = Num2Bits(2 * D);
    digits.in <== index;

    signal up[2][D + 1];
    up[0][0] <== node[0];
    up[1][0] <== node[1];

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
            pick[p][l][0] <== is[0] * (up[p][l] - siblings[l][0]);
            pick[p][l][1] <== is[1] * (up[p][l] - siblings[l][1]);
            pick[p][l][2] <== is[2] * (up[p][l] - siblings[l][2]);
            pick[p][l][3] <== is[3] * (up[p][l] - siblings[l][2]);
            hash[p][l] = Poseidon(4);
            hash[p][l].inputs[0] <== siblings[l][0] + pick[p][l][0];
            hash[p][l].inputs[1] <== siblings[l][1] + pick[p][l][1] + shift1[l];
            hash[p][l].inputs[2] <== siblings[l][2] + pick[p][l][2] + shift2[l];
            hash[p][l].inputs[3] <== siblings[l][2] + pick[p][l][3];
            up[p][l + 1] <== hash[p][l].out;
        }
    }
    root[0] <== up[0][D];
    root[1] <== up[1][D];
}
