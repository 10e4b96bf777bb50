// Tests circuits/src/batch_chunk.circom's BatchChunk(W, D, H, M, MESSAGE_DEPTH) — one chunk of a batch
// proof, public input version 2 (docs/proofs.md, "The wiring"; docs/encodings.md, "Public input") — on a
// small instance, against Rust's rows (contracts/test/vectors/shared.json, `pubdataRows`): its batches are
// cut into chunks of at most W rows of one subtree of H levels (as the prover cuts them), every subtree's
// root and path computed here from Rust's siblings, and every carried state is computed here from Rust's vectors alone (roots,
// indices, bytes; the row commitment from its formula), hashed with circomlibjs's Poseidon into the carries
// the chunks take as public inputs. The carried state is BoundWrites' 8 signals and the outbox's message
// chain before and after the batch (taken from the row that writes the chain's entry); Rust's first batch
// writes that chain over the shared vectors' three messages, which are its message leaves. Run from the repository root: `node tests/circuits/batch_chunk.mjs`
// (`make test-circuits`).
//
// The 21 public inputs: the batch's 17 (0 version 2, 1 chain id, 2 batch number, 3 prevStateRoot,
// 4 newStateRoot, 5–6 pubdataCommitment, 7 messageRoot, 8–9 priorityOpsHash, 10 counts|timestamp,
// 11 childRootsAggregated, 12 importedRootsHash, 13 z, 14 y, 15 P, 16 writesLength), carryIn, carryOut,
// j, k.
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {buildPoseidon} from "circomlibjs";
import {
    ACC,
    ADDRESS,
    batchStart,
    boundRowInputs,
    calculator,
    check,
    COMMIT,
    compileCircom,
    evaluateChunks,
    finish,
    INDEX,
    LENGTH,
    lineOf,
    mod,
    PHASE,
    publicInputUse,
    refusal,
    removeDir,
    root,
    ROOT,
    randomFrom,
    rustBatches,
    stateAfter,
    WEIGHT,
    weightAt,
    workDir,
    writeHarness,
    wtnsCheck,
} from "./common.mjs";

const W = 4; // rows per chunk
const D = 16; // the state tree's levels
const H = 3; // the levels of a chunk's subtree: 64 positions, so Rust's rows (entries 0 … 160) fall in two
const M = 4; // message leaves
const DEPTH = 3; // the message tree's depth
const work = workDir("chunk");
const rand = randomFrom(0xc4a2c4n);
const randBits = (bits) => {
    let x = 0n;
    for (let i = 0; i < bits; i += 32) x = (x << 32n) | BigInt(rand(2 ** 32));
    return x & ((1n << BigInt(bits)) - 1n);
};

const poseidon = await buildPoseidon();
const hash = (xs) => poseidon.F.toObject(poseidon(xs));
// A carry: circomlibjs's Poseidon of the 10 state signals, in their order.
const carry = (state) => hash(state);

// The state key of the outbox's message chain (storage slot 2 of 0x…010001), batch_chunk.circom's constant.
const CHAIN_KEY = hash([0n, 0x10001n, 0n, 2n]);
const CHAIN_BEFORE = 8;
const CHAIN_AFTER = 9;
// The chain with `leaves` folded in: Poseidon(chain, leaf) per leaf.
const fold = (chain, leaves) => leaves.reduce((c, leaf) => hash([c, leaf]), chain);
// The batch start: BoundWrites' start, and no chain written.
const start = (stateRoot) => [...batchStart(stateRoot), 0n, 0n];
// The state after rows from … to − 1 of `batch` from `state`: BoundWrites' 8 (common.mjs), then the chain's
// old and new value from a row that writes its entry.
function after(batch, state, from, to) {
    let [before, later] = state.slice(CHAIN_BEFORE);
    for (const row of batch.rows.slice(from, to)) {
        if (row.key === CHAIN_KEY) [before, later] = [mod(row.oldValue), mod(row.newValue)];
    }
    return [...stateAfter(hash, batch, state.slice(0, CHAIN_BEFORE), from, to), before, later];
}

// The message tree of depth DEPTH: 2^DEPTH leaves (`leaves`, then zeros), hashed pairwise level by level.
function messageRoot(leaves) {
    let level = [...leaves, ...Array(2 ** DEPTH - leaves.length).fill(0n)];
    while (level.length > 1) level = level.flatMap((x, i) => (i % 2 === 0 ? [hash([x, level[i + 1]])] : []));
    return level[0];
}

// The batch's public input (17): `batch` (rustBatches()) as batch `number` of a chain, with `leaves` as its
// messages; the fields the circuit only binds are random.
function header(batch, number, leaves) {
    return [
        2n,
        BigInt(1 + rand(1 << 20)),
        BigInt(number),
        batch.prevRoot,
        batch.newRoot,
        randBits(128),
        randBits(128),
        messageRoot(leaves),
        randBits(128),
        randBits(128),
        (BigInt(rand(1000)) << 64n) | BigInt(1_700_000_000 + rand(1 << 20)),
        mod(randBits(256)),
        0n,
        batch.z,
        batch.y,
        batch.rowCommitment,
        BigInt(batch.run.length),
    ];
}

// The subtree of H levels holding entry `index`.
const subtreeOf = (index) => BigInt(index) >> BigInt(2 * H);
// `node` at position `index` hashed up `siblings` (level by level, the node at the index's base-4 digit).
function climb(index, node, siblings) {
    for (const [l, level] of siblings.entries()) {
        const digit = Number((BigInt(index) >> BigInt(2 * l)) & 3n);
        node = hash([...level.slice(0, digit), node, ...level.slice(digit)]);
    }
    return node;
}
// The chunk's subtree for rows from … to − 1 of `batch`: the first row's subtree, its root before the row
// (the old leaf hashed up the row's lower H levels) and the row's upper siblings; for no rows, subtree 0
// with root 0 and zero siblings (a chunk of padding checks no path).
function subtreeFor(batch, from, to) {
    if (from === to) return {subtree: 0n, subtreeRoot: 0n, upperSiblings: Array(D - H).fill([0n, 0n, 0n])};
    const row = batch.rows[from];
    const index = BigInt(batch.vectors[from].index);
    const leaf = row.isFirst ? 0n : hash([row.key, row.oldValue >> 128n, row.oldValue & ((1n << 128n) - 1n)]);
    return {
        subtree: subtreeOf(index),
        subtreeRoot: climb(index & ((1n << BigInt(2 * H)) - 1n), leaf, row.siblings.slice(0, H)),
        upperSiblings: row.siblings.slice(H),
    };
}
// How the prover cuts a batch's rows into chunks: runs of at most W rows of one subtree.
function cut(batch) {
    const ranges = [];
    for (let from = 0; from < batch.rows.length; ) {
        let to = from + 1;
        while (to < batch.rows.length && to - from < W && subtreeOf(batch.vectors[to].index) === subtreeOf(batch.vectors[from].index)) to++;
        ranges.push([from, to]);
        from = to;
    }
    return ranges;
}

// A chunk's input: chunk j of k over rows from … to − 1 of `batch`, from the state `state` (its end state
// computed from the vectors), with `leaves` as its messages (messageCount their count unless `count`).
// `change` edits the input's public inputs (an array of bigints) before they are written; `subtree`
// replaces fields of the chunk's subtree.
function chunkInput(pub, batch, {state, from, to, j, k, leaves = [], count = leaves.length, change, subtree = {}}) {
    const out = after(batch, state, from, to);
    const inputs = [...pub, carry(state), carry(out), BigInt(j), BigInt(k)];
    change?.(inputs, out);
    const tree = {...subtreeFor(batch, from, to), ...subtree};
    const rows = batch.rows.slice(from, to).map((r) => ({...r, siblings: r.siblings.slice(0, H)}));
    return {
        inputs: inputs.map(String),
        stateIn: state.map(String),
        ...boundRowInputs(rows, W, H),
        subtree: String(tree.subtree),
        subtreeRoot: String(tree.subtreeRoot),
        upperSiblings: tree.upperSiblings.map((level) => level.map(String)),
        messageCount: String(count),
        messages: [...leaves, ...Array(M - leaves.length).fill(0n)].map(String),
    };
}

const batches = rustBatches();
// The shared vectors' messages, which Rust's batch 0 sends.
const leaves0 = JSON.parse(readFileSync("contracts/test/vectors/shared.json", "utf8")).messages.map((m) => BigInt(m.leaf));
// The lines of batch_chunk.circom a refusal is expected at.
const FILE = "batch_chunk.circom";
const at = {
    version: lineOf(FILE, "inputs[0] === 2;"),
    carryIn: lineOf(FILE, "carryIn.out === inputs[17];"),
    carryOut: lineOf(FILE, "carryOut.out === inputs[18];"),
    index: lineOf(FILE, "indexBelowCount.out === 1;"),
    count: lineOf(FILE, "countBound.out === 1;"),
    startRoot: lineOf(FILE, "firstChunk.out * (stateIn[0] - inputs[3]) === 0;"),
    upper: lineOf(FILE, "enabled[0] * (upper.root[0] - stateIn[0]) === 0;"),
    start: lineOf(FILE, "firstChunk.out * (stateIn[i] - START[i]) === 0;"),
    newRoot: lineOf(FILE, "lastChunk.out * (stateOut[0] - inputs[4]) === 0;"),
    y: lineOf(FILE, "lastChunk.out * (stateOut[1] - inputs[14]) === 0;"),
    P: lineOf(FILE, "lastChunk.out * (stateOut[6] - inputs[15]) === 0;"),
    length: lineOf(FILE, "lastChunk.out * (stateOut[4] - inputs[16]) === 0;"),
    messageRoot: lineOf(FILE, "lastChunk.out * (level[0] - inputs[7]) === 0;"),
    messageCount: lineOf(FILE, "countFits.out === 1;"),
    chain: lineOf(FILE, "lastChunk.out * (chain[M] - stateOut[9]) === 0;"),
    messagePast: lineOf(FILE, "(1 - active[i].out) * messages[i] === 0;"),
};

try {
    const started = Date.now();
    const name = `batch_chunk_${W}`;
    const source = writeHarness(
        work,
        name,
        "batch_chunk.circom",
        `component main {public [inputs]} = BatchChunk(${W}, ${D}, ${H}, ${M}, ${DEPTH});\n`,
    );
    const build = compileCircom(source, work, {background: true});

    // ---- The reference, while the compiler runs: the states computed from the vectors end each batch at
    // Rust's new root, y, row commitment and run length, at the run end's weight and phase, and batch 1
    // starts at batch 0's root; the message tree's empty root is the circuit's EMPTY[3] chain.
    {
        let ok = true;
        for (const batch of batches) {
            const end = after(batch, start(batch.prevRoot), 0, batch.rows.length);
            ok &&= end[ROOT] === batch.newRoot && end[ACC] === batch.y && end[COMMIT] === batch.rowCommitment;
            ok &&= end[LENGTH] === BigInt(batch.run.length) && end[ACC] === evaluateChunks([...batch.run], batch.z);
            ok &&= end[WEIGHT] === weightAt(batch.run.length, batch.z) && end[PHASE] === BigInt(batch.run.length % 31);
            ok &&= end[INDEX] === BigInt(batch.vectors.at(-1).index) + 1n;
        }
        ok &&= batches[1].prevRoot === batches[0].newRoot;
        check(ok, "the states computed from Rust's vectors end each batch at Rust's new root, y, row commitment and run length");
        const end0 = after(batches[0], start(batches[0].prevRoot), 0, batches[0].rows.length);
        const end1 = after(batches[1], start(batches[1].prevRoot), 0, batches[1].rows.length);
        check(
            end0[CHAIN_BEFORE] === 0n && end0[CHAIN_AFTER] === fold(0n, leaves0) && end1[CHAIN_AFTER] === 0n,
            "Rust's batch 0 writes the outbox chain from 0 to its three messages' leaves folded; batch 1 writes no chain",
        );
    }

    const chunk = await build;
    const wc = await calculator(work, chunk.name);
    console.log(`# compiled BatchChunk(${W}, ${D}, ${H}, ${M}, ${DEPTH}) in ${((Date.now() - started) / 1000).toFixed(1)} s (${chunk.constraints} constraints)`);
    const refusedAt = (input) => refusal(wc, input, "BatchChunk");
    const satisfied = async (input) => (await refusedAt(input)) === null;
    // Whether `input` is refused by BatchChunk's own `===` at `line` (printed when it is not).
    const refused = async (input, line, what) => {
        const got = await refusedAt(input);
        const ok = got !== null && got.template === "BatchChunk" && got.line === line;
        if (!ok) console.log(`#   ${what}: ${got === null ? "satisfied" : `refused in ${got.template} line ${got.line}`}, expected BatchChunk line ${line}`);
        return ok;
    };
    const checked = []; // inputs whose witnesses snarkjs checks

    // ---- Rust's batch 0 (13 rows: entries 0 … 4 in subtree 0, 142 … 159 in subtree 2, the last the outbox
    // chain) as 4 chunks, its messages the vectors' 3 leaves; batch 1 (entries 1 | 157, 160, 161) as 2
    // chunks with no messages (the empty tree's root); `single`: batch 1's first row as a batch of its own,
    // one chunk. Middle chunks get no messages.
    const pub0 = header(batches[0], 7, leaves0);
    const pub1 = header(batches[1], 8, []);
    const chunksOf = (batch) => {
        const chunks = [];
        let state = start(batch.prevRoot);
        for (const [from, to] of cut(batch)) {
            chunks.push({state, from, to});
            state = after(batch, state, from, to);
        }
        return chunks;
    };
    const chunks0 = chunksOf(batches[0]);
    const chunks1 = chunksOf(batches[1]);
    const k0 = chunks0.length;
    const input0 = (c, options = {}) => chunkInput(pub0, batches[0], {...chunks0[c], j: c, k: k0, leaves: c === k0 - 1 ? leaves0 : [], ...options});
    const input1 = (c, options = {}) => chunkInput(pub1, batches[1], {...chunks1[c], j: c, k: chunks1.length, ...options});
    const prefix = after(batches[1], start(batches[1].prevRoot), 0, 1);
    const pubSingle = header(
        {...batches[1], newRoot: prefix[ROOT], y: prefix[ACC], rowCommitment: prefix[COMMIT], run: batches[1].run.subarray(0, Number(prefix[LENGTH]))},
        8,
        [],
    );
    const single = (options = {}) => chunkInput(pubSingle, batches[1], {state: start(batches[1].prevRoot), from: 0, to: 1, j: 0, k: 1, ...options});
    {
        const subtrees = chunks0.map((c) => subtreeOf(batches[0].vectors[c.from].index));
        let ok = k0 === 4 && subtrees.join() === "0,2,2,2";
        for (let c = 0; c < k0; c++) {
            ok &&= await satisfied(input0(c));
            checked.push(input0(c));
        }
        check(ok, `Rust batch 0 in ${k0} chunks of at most ${W} rows of one subtree (subtrees ${subtrees.join(", ")}): every chunk is satisfied with the carries of the states between them, the last with the header's new root, y, P, length and a root of ${leaves0.length} messages`);
        ok = chunks1.length === 2;
        for (let c = 0; c < chunks1.length; c++) {
            ok &&= await satisfied(input1(c));
            checked.push(input1(c));
        }
        check(ok && pub1[7] === messageRoot([]), "Rust batch 1 in 2 chunks, one per subtree (0, then 2): satisfied, from the batch start to the header's end values, with no messages and the empty tree's root");
        ok = await satisfied(single());
        checked.push(single());
        check(ok, "batch 1's first row as a batch of its own, one chunk (j = 0, k = 1): satisfied");
    }
    // ---- The subtree.
    {
        const got = await refusedAt(chunkInput(pub1, batches[1], {state: start(batches[1].prevRoot), from: 0, to: 4, j: 0, k: 1}));
        check(got?.template === "Num2Bits", `batch 1's rows in one chunk (subtrees 0 and 2) are refused: a row outside the chunk's subtree has no position in it (refused in ${got?.template})`);
        const other = await refusedAt(input0(1, {subtree: {subtree: 3n}}));
        check(other?.template === "Num2Bits", `chunk 1 (subtree 2) claiming subtree 3 is refused: its rows are below the subtree (refused in ${other?.template})`);
        const siblings = input0(1).upperSiblings;
        const wrong = subtreeFor(batches[0], chunks0[1].from, chunks0[1].to).upperSiblings.map((level, l) => (l === 4 ? [mod(level[0] + 1n), level[1], level[2]] : level));
        check(
            siblings.length === D - H && (await refused(input0(1, {subtree: {upperSiblings: wrong}}), at.upper, "an upper sibling changed")),
            "a chunk whose subtree path has another sibling is refused: its subtree root does not climb to the carried root",
        );
        const root = await refusedAt(input0(1, {subtree: {subtreeRoot: mod(subtreeFor(batches[0], chunks0[1].from, chunks0[1].to).subtreeRoot + 1n)}}));
        check(root !== null, `a chunk claiming another root for its subtree is refused (in ${root?.template} line ${root?.line})`);
        // A chunk of padding only: the root passes through, no path is checked, the subtree index is still
        // range-checked.
        const empty = {...batches[1], newRoot: batches[1].prevRoot, y: 0n, rowCommitment: 0n, run: Buffer.alloc(0)};
        const pubEmpty = header(empty, 9, []);
        const padding = (subtree, change) => chunkInput(pubEmpty, batches[1], {state: start(batches[1].prevRoot), from: 0, to: 0, j: 0, k: 1, subtree, change});
        const top = 4n ** BigInt(D - H);
        let ok = await satisfied(padding({subtreeRoot: 12345n}));
        ok &&= await satisfied(padding({subtree: top - 1n, subtreeRoot: 1n, upperSiblings: Array(D - H).fill([7n, 8n, 9n])}));
        checked.push(padding({subtreeRoot: 12345n}));
        check(ok, "an empty batch (one chunk of padding) is satisfied whatever its subtree's root and path: the root passes through unchecked");
        const beyond = await refusedAt(padding({subtree: top}));
        check(beyond?.template === "Num2Bits", `a subtree index of 4^${D - H} (past the tree) is refused (in ${beyond?.template})`);
        check(
            await refused(padding({}, (inputs) => (inputs[4] = mod(inputs[4] + 1n))), at.newRoot, "padding, another new root"),
            "a chunk of padding only cannot claim another new root",
        );
    }
    {
        // A middle chunk ends at none of the header's end values and has no messages: it is not held to them.
        const out = after(batches[0], chunks0[1].state, chunks0[1].from, chunks0[1].to);
        const differs = out[ROOT] !== pub0[4] && out[ACC] !== pub0[14] && out[COMMIT] !== pub0[15] && out[LENGTH] !== pub0[16] && messageRoot([]) !== pub0[7];
        check(differs && (await satisfied(input0(1))), "a middle chunk whose state out is not the header's root, y, P or length, with no messages, is satisfied: only the last chunk answers for them");
        // So is chunk 0 of a batch of several.
        const first = after(batches[0], chunks0[0].state, chunks0[0].from, chunks0[0].to);
        check(first[ROOT] !== pub0[4] && (await satisfied(input0(0))), `chunk 0 of ${k0} is not held to the header's end values either`);
        // The largest index and count: batch 1 as chunk 65535 of 65536 (not chunk 0: its state in is free).
        check(await satisfied(single({j: 65535, k: 65536})), "batch 1's chunk as j = 65535 of k = 65536 (the largest count) is satisfied");
    }

    // ---- snarkjs checks every constraint of the witnesses.
    {
        let all = true;
        for (const [i, input] of checked.entries()) {
            const wtns = join(work, `chunk${i}.wtns`);
            writeFileSync(wtns, await wc.calculateWTNSBin(input, true));
            all &&= wtnsCheck(join(work, `${chunk.name}.r1cs`), wtns, {verbose: true});
        }
        check(all, `snarkjs wtns check: the ${checked.length} chunks' witnesses (batch 0's ${k0}, batch 1's two, the single row's, the padding chunk's) satisfy every constraint`);
    }

    // ---- Chunk 0 must start at the batch start. Each start state below is otherwise consistent — carryIn
    // its hash, carryOut the hash of what the rows make of it — and is satisfied as chunk 1 of the same
    // batch, so the start check alone refuses it.
    const startVariants = [
        ["prevStateRoot (the public input) not the state's root", {change: (inputs) => (inputs[3] = mod(inputs[3] + 1n))}, at.startRoot],
        ["acc 1", {state: Object.assign(start(batches[0].prevRoot), {[ACC]: 1n})}, at.start],
        ["weight 256^29 (position 1's, phase 0)", {state: Object.assign(start(batches[0].prevRoot), {[WEIGHT]: weightAt(1, batches[0].z)})}, at.start],
        ["phase 1 (weight 256^30)", {state: Object.assign(start(batches[0].prevRoot), {[PHASE]: 1n})}, at.start],
        ["length 5", {state: Object.assign(start(batches[0].prevRoot), {[LENGTH]: 5n})}, at.start],
        ["prevAddress 0xa1 (an address, not 2^160)", {state: Object.assign(start(batches[0].prevRoot), {[ADDRESS]: 0xa1n})}, at.start],
        ["a row commitment already started", {state: Object.assign(start(batches[0].prevRoot), {[COMMIT]: hash([9n])})}, at.start],
        ["an outbox chain already written", {state: Object.assign(start(batches[0].prevRoot), {[CHAIN_BEFORE]: 5n, [CHAIN_AFTER]: hash([5n, 6n])})}, at.start],
    ];
    for (const [what, options, line] of startVariants) {
        const asMiddle = await satisfied(input0(0, {...options, j: 1}));
        check(asMiddle && (await refused(input0(0, options), line, what)), `chunk 0 starting with ${what} is refused by the start check (satisfied as chunk 1)`);
    }
    check(
        await refused(input0(0, {change: (inputs) => (inputs[17] = mod(inputs[17] + 1n))}), at.carryIn, "carryIn"),
        "chunk 0 with a carryIn that is not the hash of its state in is refused",
    );
    check(
        await refused(single({change: (inputs) => (inputs[17] = carry(start(mod(batches[1].prevRoot + 1n))))}), at.carryIn, "carryIn of another root"),
        "a single chunk whose carryIn is the start of another root (its state in the real start) is refused",
    );

    // ---- The carry out.
    check(await refused(input0(1, {change: (inputs) => (inputs[18] = mod(inputs[18] + 1n))}), at.carryOut, "carryOut + 1"), "a middle chunk with a wrong carryOut is refused");
    check(
        await refused(input0(1, {change: (inputs) => (inputs[18] = inputs[17])}), at.carryOut, "carryOut = carryIn"),
        "a middle chunk claiming its state in as its state out (carryOut = carryIn) is refused",
    );
    check(await refused(single({change: (inputs) => (inputs[18] = mod(inputs[18] + 1n))}), at.carryOut, "last carryOut"), "the last chunk with a wrong carryOut is refused");

    // ---- The last chunk's end values.
    const lastWith = (place, value, what) => refused(input0(k0 - 1, {change: (inputs) => (inputs[place] = value(inputs[place]))}), at[what], what);
    check(await lastWith(4, (x) => mod(x + 1n), "newRoot"), "the last chunk with another newStateRoot is refused");
    check(await lastWith(4, () => chunks0[k0 - 1].state[ROOT], "newRoot"), "the last chunk with its own old root as newStateRoot is refused");
    check(await lastWith(14, (x) => mod(x + 1n), "y"), "the last chunk with another y is refused");
    check(await lastWith(15, (x) => mod(x + 1n), "P"), "the last chunk with another P is refused");
    check(await lastWith(16, (x) => x + 1n, "length"), "the last chunk with writesLength one more than the run is refused");
    check(await lastWith(16, (x) => x - 1n, "length"), "the last chunk with writesLength one less than the run is refused");
    check(await lastWith(7, (x) => mod(x + 1n), "messageRoot"), "the last chunk with another message root is refused");
    check(
        await refused(input0(k0 - 1, {leaves: leaves0.slice(0, 2)}), at.messageRoot, "messageRoot, 2 leaves"),
        "the last chunk with a message left out (2 of the 3 leaves) is refused",
    );
    check(
        await refused(input0(k0 - 1, {count: 2}), at.messagePast, "leaf past the count"),
        "the last chunk with a non-zero leaf past messageCount is refused",
    );
    check(await refused(single({count: M + 1}), at.messageCount, "messageCount M + 1"), `a chunk with messageCount ${M + 1} > M is refused`);

    // ---- The messages are the outbox's: the header commits the root of these leaves, but they are not
    // what the chain the rows write took.
    {
        const other = [leaves0[0], mod(leaves0[1] + 1n), leaves0[2]];
        const pubOther = [...pub0];
        pubOther[7] = messageRoot(other);
        const last = (pub, leaves) => chunkInput(pub, batches[0], {...chunks0[k0 - 1], j: k0 - 1, k: k0, leaves});
        check(await refused(last(pubOther, other), at.chain, "a leaf not the outbox's"), "the last chunk with a message the outbox did not send (the header's root over it) is refused by the chain");
        const swapped = [leaves0[1], leaves0[0], leaves0[2]];
        pubOther[7] = messageRoot(swapped);
        check(await refused(last(pubOther, swapped), at.chain, "two leaves swapped"), "the last chunk with the outbox's messages in another order is refused by the chain");
        pubOther[7] = messageRoot(leaves0.slice(0, 2));
        check(await refused(last(pubOther, leaves0.slice(0, 2)), at.chain, "a message dropped"), "the last chunk leaving out the outbox's last message (the header's root over the other two) is refused by the chain");
        // A batch that writes no chain sends no message.
        const pubMessages = header(batches[1], 8, leaves0);
        const lastOf1 = chunkInput(pubMessages, batches[1], {...chunks1[chunks1.length - 1], j: chunks1.length - 1, k: chunks1.length, leaves: leaves0});
        check(await refused(lastOf1, at.chain, "messages without a chain write"), "a batch whose rows write no outbox chain, claiming messages (the header's root over them), is refused by the chain");
        // The chain passes between chunks in the carried state: a last chunk without the chain's row
        // checks its leaves against the values carried in.
        const carried = {...chunks1[chunks1.length - 1]};
        carried.state = [...carried.state.slice(0, CHAIN_BEFORE), 77n, fold(77n, leaves0)];
        const pubCarried = header(batches[1], 8, leaves0);
        check(
            await satisfied(chunkInput(pubCarried, batches[1], {...carried, j: chunks1.length - 1, k: chunks1.length, leaves: leaves0})),
            "a last chunk whose carried chain goes from c to the leaves folded onto c (written by an earlier chunk) is satisfied",
        );
        // A padding row with the chain's key does not write the chain.
        const padded = chunkInput(pub0, batches[0], {...chunks0[k0 - 1], j: k0 - 1, k: k0, leaves: leaves0});
        const w = padded.enabled.findIndex((e) => e === "0");
        padded.key[w] = String(CHAIN_KEY);
        padded.newValue[w] = ["0", "5"];
        padded.oldValue[w] = ["0", "4"];
        check(w > 0 && (await satisfied(padded)), "a padding row whose key is the chain's (old 4, new 5) leaves the chain as the real row wrote it");
    }

    // ---- The version, the index and the count.
    check(await refused(single({change: (inputs) => (inputs[0] = 1n)}), at.version, "version 1"), "version 1 is refused");
    check(await refused(input0(k0 - 1, {j: k0, k: k0}), at.index, "j = k"), `j = k (chunk ${k0} of ${k0}) is refused`);
    check(await refused(input0(k0 - 1, {j: k0 + 1, k: k0}), at.index, "j > k"), "j > k is refused");
    check(await refused(single({j: 0, k: 0}), at.index, "k = 0"), "k = 0 is refused");
    check(await refused(single({j: 0, k: 65537}), at.count, "k = 65537"), "k = 65537 > 2^16 is refused");
    check(await refused(single({j: 65536, k: 65537}), at.count, "j = 65536, k = 65537"), "j = 65536 of k = 65537 is refused");

    // ---- Every public input is bound: each of the 21 appears in some constraint of the .r1cs.
    {
        const {publicInputs, outputs, uses} = await publicInputUse(join(work, `${chunk.name}.r1cs`));
        const unused = uses.flatMap((n, i) => (n === 0 ? [i] : []));
        check(publicInputs === 21 && outputs === 0 && unused.length === 0, `21 public inputs, no outputs, each in at least one constraint${unused.length ? ` (unused: ${unused})` : ""}`);
    }
    console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
    removeDir(work);
}
finish();
