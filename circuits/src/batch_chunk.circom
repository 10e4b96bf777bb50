// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "bound_writes.circom";

// One chunk of a batch proof, public input version 2 (docs/proofs.md, "The wiring"; docs/encodings.md,
// "Public input"). A batch's writes are proven in chunks of W bound writes (BoundWrites(W, D): each row a
// state-tree write and the pubdata row that publishes it), chained through BoundWrites' carried state of
// 8 (root, acc, weight, phase, length, prevAddress, commit, nextIndex). Chunk j of k proves: its rows take
// the state `stateIn` to `stateOut` at the batch's challenge z; the public carries are their hashes; chunk
// 0 starts at the batch start (prevStateRoot, 0, 256^30, 0, 0, 2^160, 0, 0); the last chunk ends at the
// header's newStateRoot, y, P and writesLength, and computes the batch's message root from up to M message
// leaves. A middle chunk answers for none of the header's end values: its ends are the carries, which the
// verifier passes from one chunk to the next, so the chunks form one chain from the batch's start to its
// end. (stateOut's phase is always 0 … 30: BoundWrites checks it.)
//
// The messages are the outbox's: the outbox keeps a Poseidon chain of every leaf it ever sent in its
// storage slot 2 (`chain' = Poseidon(chain, leaf)`, docs/encodings.md), an entry of the state tree like
// any other, under the constant key OUTBOX_CHAIN_KEY below. The carried state has two more signals, the
// chain's value before and after the batch, as the row that writes that entry publishes them (0 and 0
// while no row has: a batch that sends no message does not write it). The last chunk checks that its
// message leaves, folded into the chain from the value before, give the value after — so the batch's
// message root holds exactly the messages whose leaves the published state's chain took, in order, and a
// batch that writes no chain has no message.
//
// The rows of a chunk write into one subtree of H levels (4^H positions): the chunk proves the subtree's
// path of D − H levels from its root before the rows to the carried state root, and the root after them
// from the subtree's root after the rows along the same siblings. A write then costs H levels of hashing
// instead of D, and the D − H upper levels are paid once per chunk: a chain's entries fill the tree from
// position 0, so while it has fewer than 4^H entries every batch's writes are in subtree 0, and beyond
// that a chunk ends where its rows leave a subtree (docs/proofs.md, "Subtree chunks"). A chunk of padding
// rows only (enabled[0] = 0) leaves the root as it was and checks no path.
//
// Public inputs (21): the batch's 17 (version 2: 0 version, 1 chain id, 2 batch number, 3 prevStateRoot,
// 4 newStateRoot, 5–6 pubdataCommitment halves, 7 messageRoot, 8–9 priorityOpsHash halves, 10 counts and
// timestamp, 11 childRootsAggregated, 12 importedRootsHash, 13 z, 14 y, 15 P, 16 writesLength), then
// 17 carryIn = Poseidon(stateIn), 18 carryOut = Poseidon(stateOut) (circomlib's Poseidon of the 10, in
// order: BoundWrites' 8, then the outbox chain before and after), 19 the chunk index j and 20 the chunk count k, 0 ≤ j < k ≤ 2^16.
//
// Private inputs: stateIn, the subtree (its index among the 4^(D − H), its root before the chunk, the
// siblings of its path), the rows with BoundWrites' names (enabled, isFirst, gap, gapLen, kind,
// sameAddress, address, slot, slotLen, oldValue, newValue, packing, valueLen, key, siblings; its header
// says how padding rows are filled), and the messages (the batch's message leaves in outbox order, then
// zeros; only the last chunk's are checked).
//
template BatchChunk(W, D, H, M, MESSAGE_DEPTH) {
    signal input inputs[21];

    // The carried state before the chunk's first row: BoundWrites' 8, then the outbox chain's value
    // before and after the batch (0 and 0 until a row writes it).
    signal input stateIn[10];

    // The rows (BoundWrites): real rows first, then padding (enabled = 0).
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
    signal input siblings[W][H][3];

    // The subtree the rows write into: the index of its root among the 4^(D − H) at its level, that
    // root before the rows, and the siblings of its path to the state root.
    signal input subtree;
    signal input subtreeRoot;
    signal input upperSiblings[D - H][3];

    // Messages: the batch's message leaves in outbox order, then zeros.
    signal input messageCount;
    signal input messages[M];

    // Layout version 2.
    inputs[0] === 2;

    // The rows, from stateIn at the batch's z, on the subtree's root and positions.
    component writes = BoundWrites(W, H);
    writes.zPow[0] <== 1;
    writes.zPow[1] <== inputs[13];
    writes.base <== subtree * 4 ** H;
    writes.stateIn[0] <== subtreeRoot;
    for (var i = 1; i < 8; i++) {
        writes.stateIn[i] <== stateIn[i];
    }
    writes.enabled <== enabled;
    writes.isFirst <== isFirst;
    writes.gap <== gap;
    writes.gapLen <== gapLen;
    writes.kind <== kind;
    writes.sameAddress <== sameAddress;
    writes.address <== address;
    writes.slot <== slot;
    writes.slotLen <== slotLen;
    writes.oldValue <== oldValue;
    writes.newValue <== newValue;
    writes.packing <== packing;
    writes.valueLen <== valueLen;
    writes.key <== key;
    writes.siblings <== siblings;

    // The subtree's path (its index below 4^(D − H): QuadPath's digits): with rows, its root before
    // them hashes up to the carried root, and its root after them up to the root the chunk carries out.
    component upper = QuadPath(D - H);
    upper.index <== subtree;
    upper.node[0] <== subtreeRoot;
    upper.node[1] <== writes.stateOut[0];
    upper.siblings <== upperSiblings;
    enabled[0] * (upper.root[0] - stateIn[0]) === 0;
    signal stateOut[10];
    stateOut[0] <== stateIn[0] + enabled[0] * (upper.root[1] - stateIn[0]);
    for (var i = 1; i < 8; i++) {
        stateOut[i] <== writes.stateOut[i];
    }

    // The outbox chain: a real row whose key is the chain's entry carries out its old and new value
    // (each the field element of its two halves). Keys are unique per entry in a batch's rows (one row
    // per changed entry), so at most one row sets them.
    var OUTBOX_CHAIN_KEY = 17488543747943315453417174476450095593187986665014036263127475998885123257470;
    component isChainKey[W];
    signal isChain[W];
    signal chainOld[W + 1];
    signal chainNew[W + 1];
    chainOld[0] <== stateIn[8];
    chainNew[0] <== stateIn[9];
    for (var i = 0; i < W; i++) {
        isChainKey[i] = IsEqual();
        isChainKey[i].in[0] <== key[i];
        isChainKey[i].in[1] <== OUTBOX_CHAIN_KEY;
        isChain[i] <== enabled[i] * isChainKey[i].out;
        chainOld[i + 1] <== chainOld[i] + isChain[i] * (oldValue[i][0] * 2 ** 128 + oldValue[i][1] - chainOld[i]);
        chainNew[i + 1] <== chainNew[i] + isChain[i] * (newValue[i][0] * 2 ** 128 + newValue[i][1] - chainNew[i]);
    }
    stateOut[8] <== chainOld[W];
    stateOut[9] <== chainNew[W];

    // The carries: the states in and out, hashed.
    component carryIn = Poseidon(10);
    carryIn.inputs <== stateIn;
    carryIn.out === inputs[17];
    component carryOut = Poseidon(10);
    carryOut.inputs <== stateOut;
    carryOut.out === inputs[18];

    // 0 <= j < k <= 2^16 for j and k below 2^17 (LessThan's range): the verifier passes them, as the
    // chunk's position and the proof's chunk count (Groth16BatchVerifier), never a field-wrapped value.
    component indexBelowCount = LessThan(17);
    indexBelowCount.in[0] <== inputs[19];
    indexBelowCount.in[1] <== inputs[20];
    indexBelowCount.out === 1;
    component countBound = LessEqThan(17);
    countBound.in[0] <== inputs[20];
    countBound.in[1] <== 65536;
    countBound.out === 1;
    component firstChunk = IsZero();
    firstChunk.in <== inputs[19];
    component lastChunk = IsEqual();
    lastChunk.in[0] <== inputs[19] + 1;
    lastChunk.in[1] <== inputs[20];

    // Chunk 0 starts at the batch start: the previous state root, an empty stream at position 0 (weight
    // 256^30, phase 0, length 0), no previous address (2^160), P = 0, next index 0, no outbox chain
    // written yet.
    var START[10] = [0, 0, 256 ** 30, 0, 0, 2 ** 160, 0, 0, 0, 0];
    firstChunk.out * (stateIn[0] - inputs[3]) === 0;
    for (var i = 1; i < 10; i++) {
        firstChunk.out * (stateIn[i] - START[i]) === 0;
    }

    // The last chunk ends at the header's new state root, y, P and run length.
    lastChunk.out * (stateOut[0] - inputs[4]) === 0;
    lastChunk.out * (stateOut[1] - inputs[14]) === 0;
    lastChunk.out * (stateOut[6] - inputs[15]) === 0;
    lastChunk.out * (stateOut[4] - inputs[16]) === 0;

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
    lastChunk.out * (level[0] - inputs[7]) === 0;

    // ... and for the leaves being the outbox's: folded into the chain from its value before the batch,
    // the active leaves give its value after (with no chain written, 0 → 0: no leaf at all).
    component link[M];
    signal chain[M + 1];
    chain[0] <== stateOut[8];
    for (var i = 0; i < M; i++) {
        link[i] = Poseidon(2);
        link[i].inputs[0] <== chain[i];
        link[i].inputs[1] <== messages[i];
        chain[i + 1] <== chain[i] + active[i].out * (link[i].out - chain[i]);
    }
    lastChunk.out * (chain[M] - stateOut[9]) === 0;

    // The public inputs no check above uses (chain id, batch number, pubdataCommitment, the priority
    // operations, the child and imported roots) enter a constraint each, so the proof is bound to them.
    signal bound[9];
    var others[9] = [1, 2, 5, 6, 8, 9, 10, 11, 12];
    for (var i = 0; i < 9; i++) {
        bound[i] <== inputs[others[i]] * inputs[others[i]];
    }
}
