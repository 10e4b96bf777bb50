// Tests circuits/src/bound_writes.circom's BoundWrites(W, 16) — a chunk's state-tree writes bound to
// their pubdata rows — against Rust's rows (contracts/test/vectors/shared.json, `pubdataRows`, written by
// `fractal vectors` from fractal_primitives: each row's fields, its tree write and the batch's y, row
// commitment, run and roots), and measures its constraints per row. Run from the repository root:
// `node tests/circuits/bound_writes.mjs` (`make test-circuits`).
//
// The batches are proven in chunks of W rows chained through the carried state (root, acc, weight,
// phase, length, prevAddress, commit, nextIndex); the last chunk of a batch must end at the batch's new
// root, y, row commitment and run length.
import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {buildPoseidon} from "circomlibjs";
import {
    ACC,
    ADDRESS,
    batchStart,
    COMMIT,
    INDEX,
    LENGTH,
    NO_ADDRESS,
    paddingRow,
    PHASE,
    ROOT,
    WEIGHT,
    calculator,
    check,
    compileCircom,
    evaluateChunks,
    finish,
    P,
    pow,
    randomFrom,
    removeDir,
    root,
    weightAt,
    workDir,
    wtnsCheck,
    rowFields,
    rustBatches,
    rowFieldInputs,
    rowFieldWiring,
    byteLength,
} from "./common.mjs";

const W = 4; // rows per chunk in the harness
const D = 16; // the state tree's levels
const work = workDir("bound");
const rand = randomFrom(0xb0b0n);
const randField = () => {
    let x = 0n;
    for (let i = 0; i < 8; i++) x = (x << 32n) | BigInt(rand(2 ** 32));
    return x % P;
};

const poseidon = await buildPoseidon();
const hash = (xs) => poseidon.F.toObject(poseidon(xs));

const FULL = 0;

// What a padding row holds (bound_writes.circom's header): a valid repeated write of 0 → 1 by ADD_SMALL.
const PADDING = paddingRow(D);

// ---- The harness: BoundWrites(w, D) with z as an input (zPow = [1, z]) and the state out as the outputs.
// `template` is the bound_writes.circom to include (a lying variant's).
function harness(w, {tag = "", template = join(root, "circuits/src/bound_writes.circom")} = {}) {
    const name = `bound_${w}${tag}`;
    const source = join(work, `${name}.circom`);
    writeFileSync(
        source,
        `pragma circom 2.1.0;
include "${template}";
template BoundWritesTest(W, D) {
    signal input z;
    signal input state[8];
    signal input enabled[W];
${rowFieldInputs("W")}
    signal input key[W];
    signal input siblings[W][D][3];
    signal output out[8];
    component chunk = BoundWrites(W, D);
    chunk.zPow[0] <== 1;
    chunk.zPow[1] <== z;
    chunk.base <== 0;
    chunk.stateIn <== state;
    chunk.enabled <== enabled;
${rowFieldWiring("chunk", "")}
    chunk.key <== key;
    chunk.siblings <== siblings;
    out <== chunk.stateOut;
}
component main {public [z, state]} = BoundWritesTest(${w}, ${D});
`,
    );
    return source;
}
// The parts alone, to split the cost of a row: StateWrite(D), and PubdataRow with zPow = [1, z] as
// BoundWrites feeds it.
function partHarness(name, body) {
    const source = join(work, `${name}.circom`);
    writeFileSync(source, `pragma circom 2.1.0;\ninclude "${root}/circuits/src/bound_writes.circom";\n${body}\n`);
    return source;
}
const stateWriteAlone = partHarness("state_write", `component main = StateWrite(${D});`);
const pubdataRowAlone = partHarness(
    "pubdata_row",
    `template PubdataRowAlone() {
    signal input z;
    signal input in[20];
    signal output out[7];
    component row = PubdataRow();
    row.zPow[0] <== 1;
    row.zPow[1] <== z;
    row.accIn <== in[0];
    row.weightIn <== in[1];
    row.phaseIn <== in[2];
    row.isFirst <== in[3];
    row.gap <== in[4];
    row.gapLen <== in[5];
    row.kind <== in[6];
    row.sameAddress <== in[7];
    row.address <== in[8];
    row.prevAddress <== in[9];
    row.slot <== [in[10], in[11]];
    row.slotLen <== in[12];
    row.oldValue <== [in[13], in[14]];
    row.newValue <== [in[15], in[16]];
    row.packing <== in[17];
    row.valueLen <== in[18];
    row.commitIn <== in[19];
    out <== [row.accOut, row.weightOut, row.phaseOut, row.rowLength, row.key, row.addressOut, row.commitOut];
}
component main = PubdataRowAlone();`,
);

// A chunk's input: the rows (at most w; padding after them), their enabled flags (all real rows 1 and
// padding 0 unless given).
function chunkInput(z, state, rows, enabled = rows.map(() => 1), w = W) {
    const all = [...rows, ...Array(w - rows.length).fill(PADDING)];
    const flags = [...enabled, ...Array(w - enabled.length).fill(0)];
    return {
        z: String(z),
        state: state.map(String),
        enabled: flags.map(String),
        ...rowFields(all),
        key: all.map((r) => String(r.key)),
        siblings: all.map((r) => r.siblings.map((level) => level.map(String))),
    };
}

const batches = rustBatches();

try {
    // The compilations, two at a time (this machine has two cores): the chunk harness with its witness
    // calculator, and beside it the counts (a one-row harness, StateWrite and PubdataRow alone).
    const started = Date.now();
    const chunkBuild = compileCircom(harness(W), work, {background: true});
    const counts = (async () => {
        const one = await compileCircom(harness(1), work, {wasm: false, background: true});
        const stateWrite = await compileCircom(stateWriteAlone, work, {wasm: false, background: true});
        const pubdataRow = await compileCircom(pubdataRowAlone, work, {wasm: false, background: true});
        return {one, stateWrite, pubdataRow};
    })();
    // A lying witness for the state out's phase check (below): one row, --O0 (every signal a wire, in
    // declaration order, so the liar's circuit and the honest one have the same wires). The liar's
    // StreamAdvance says its wrap bit is always 0, and its BoundWrites does not tie the phase check's
    // second decomposition to 30 − phase. Its pubdata_row.circom is a copy beside the lying
    // pubdata_stream.circom, which circom takes first as it looks beside the including file.
    const lying = (from, to, file) => {
        const source = readFileSync(join(root, "circuits/src", file), "utf8");
        if (!source.includes(from)) throw new Error(`${file} no longer has: ${from}`);
        return source.replace(from, to);
    };
    mkdirSync(join(work, "liar"));
    writeFileSync(join(work, "liar/pubdata_row.circom"), readFileSync(join(root, "circuits/src/pubdata_row.circom")));
    writeFileSync(join(work, "liar/pubdata_stream.circom"), lying("e <-- (phaseIn + r) >= 31 ? 1 : 0;", "e <-- 0;", "pubdata_stream.circom"));
    writeFileSync(
        join(work, "liar/bound_writes.circom"),
        lying("phaseHigh.in <== 30 - state[W][PHASE];", "phaseHigh.in <-- 0;", "bound_writes.circom"),
    );
    const lies = counts.then(async () => {
        const honest = await compileCircom(harness(1, {tag: "_o0"}), work, {opt: "--O0", wasm: false, background: true});
        const liar = await compileCircom(harness(1, {tag: "_lie", template: join(work, "liar/bound_writes.circom")}), work, {opt: "--O0", background: true});
        return {honest, liar};
    });

    // The reference itself, while the compiler runs: Rust's y is the run's 31-byte-chunk evaluation at z,
    // the rows' bytes are the run, and the rows' tree writes chain from the batch's old root to its new
    // root, batch 1 starting where batch 0 ended, with each row's index the previous one's + 1 + gap.
    {
        let ok = true;
        for (const [b, batch] of batches.entries()) {
            ok &&= evaluateChunks([...batch.run], batch.z) === batch.y;
            ok &&= batch.vectors.map((v) => v.bytes.slice(2)).join("") === batch.run.toString("hex");
            let rootNow = batch.prevRoot;
            let next = 0n;
            for (const v of batch.vectors) {
                ok &&= BigInt(v.oldRoot) === rootNow && BigInt(v.index) === next + BigInt(v.gap);
                rootNow = BigInt(v.newRoot);
                next = BigInt(v.index) + 1n;
            }
            ok &&= rootNow === batch.newRoot && (b === 0 || batch.prevRoot === batches[b - 1].newRoot);
        }
        check(ok, "Rust's vectors: y is the run's evaluation, the rows' bytes are the run, the writes chain root to root and index to index, batch 1 starts at batch 0's root");
    }

    const chunk = await chunkBuild;
    const wc = await calculator(work, chunk.name);
    console.log(`# compiled BoundWrites(${W}, ${D}) in ${((Date.now() - started) / 1000).toFixed(1)} s (${chunk.constraints} constraints)`);
    const stateOf = (w) => w.slice(1, 9);
    const run = async (input) => stateOf(await wc.calculateWitness(input, true));
    // Where the calculator refuses an input: the template of the failing `===` (the innermost one circom
    // names), or null when it computes a witness. Anything but a failed assert is an error of the test.
    const refusedIn = async (input) => {
        try {
            await wc.calculateWitness(input, true);
            return null;
        } catch (e) {
            const message = String(e.message ?? e);
            if (!/Assert Failed/.test(message)) throw e;
            // The calculator appends each failure's template chain (innermost first, the harness last)
            // to the ones before: the innermost of the last chain is the one after the previous harness.
            const chain = [...message.matchAll(/Error in template (\w+?)_\d+ line/g)].map((m) => m[1]);
            const ends = chain.flatMap((name, i) => (name === "BoundWritesTest" ? [i] : []));
            return chain[ends.length > 1 ? ends.at(-2) + 1 : 0] ?? "unknown";
        }
    };
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

    // ---- Rust's batches in chunks of W, chained through the state. The chunks' input states are kept
    // for the bad-input checks below.
    const chunksOf = [];
    let tree = batches[0].prevRoot;
    const checked = []; // inputs whose witnesses snarkjs checks
    for (const [b, batch] of batches.entries()) {
        let state = batchStart(tree);
        const starts = [];
        let roots = true;
        for (let at = 0; at < batch.rows.length; at += W) {
            const rows = batch.rows.slice(at, at + W);
            const input = chunkInput(batch.z, state, rows);
            starts.push({state, at, input});
            state = await run(input);
            roots &&= state[ROOT] === BigInt(batch.vectors[at + rows.length - 1].newRoot);
            if (checked.length === 0) checked.push(input);
        }
        chunksOf.push(starts);
        const last = batch.vectors.at(-1);
        const lastFirst = batch.vectors.findLast((v) => v.first);
        const chunks = starts.length;
        check(roots, `Rust batch ${b}: each of its ${chunks} chunks ends at the root Rust's rows reach`);
        check(state[ROOT] === batch.newRoot, `Rust batch ${b}: the last chunk ends at Rust's new state root`);
        check(state[ACC] === batch.y, `Rust batch ${b}: the stream ends at Rust's y`);
        check(state[COMMIT] === batch.rowCommitment, `Rust batch ${b}: the row commitment is Rust's`);
        check(state[LENGTH] === BigInt(batch.run.length), `Rust batch ${b}: the length is the run's ${batch.run.length} bytes`);
        check(
            state[WEIGHT] === weightAt(batch.run.length, batch.z) &&
                state[PHASE] === BigInt(batch.run.length % 31) &&
                state[INDEX] === BigInt(last.index) + 1n &&
                state[ADDRESS] === (lastFirst ? BigInt(lastFirst.address) : NO_ADDRESS),
            `Rust batch ${b}: the weight and phase are the run end's, nextIndex the last index + 1 (${BigInt(last.index) + 1n}), prevAddress the last first write's`,
        );
        tree = state[ROOT];
        batches[b].end = state;
    }

    // ---- Padding. Batch 1 as chunks of 3 rows + 1 padding row and 1 row + 3: the same end state, and
    // the first chunk's root is its third row's.
    {
        const batch = batches[1];
        let state = batchStart(batches[0].end[ROOT]);
        const first = chunkInput(batch.z, state, batch.rows.slice(0, 3));
        state = await run(first);
        const rootAfter3 = state[ROOT] === BigInt(batch.vectors[2].newRoot);
        const second = chunkInput(batch.z, state, batch.rows.slice(3));
        state = await run(second);
        checked.push(second);
        check(rootAfter3 && same(state, batch.end), "Rust batch 1 in chunks of 3 + 1 padding row and 1 + 3 padding rows: the same end state as in one chunk");
        // A chunk of padding only passes its state through, all 8 signals.
        const mid = chunksOf[0][1].state;
        const padding = chunkInput(batch.z, mid, []);
        check(same(await run(padding), mid), "a chunk of padding rows only leaves the state exactly as it was");
        checked.push(padding);
    }

    // ---- The last position, 4^16 − 1 (the encoder may place an entry at the top of the tree): a first
    // write there into the empty tree (E_0 = 0, E_l+1 = Poseidon(E_l × 4)), then padding rows, whose path
    // index is 0 — nextIndex + gap would be 4^16, past the path's digits. A real row after it is refused.
    {
        const empty = [0n];
        for (let l = 0; l < D; l++) empty.push(hash([empty[l], empty[l], empty[l], empty[l]]));
        const address = 0xf1n;
        const row = {
            ...PADDING,
            gap: (1n << 32n) - 1n,
            gapLen: 5,
            isFirst: 1,
            kind: 2,
            address,
            newValue: 5n,
            packing: FULL,
            valueLen: 1,
            key: hash([2n, address, 0n, 0n]),
            siblings: empty.slice(0, D).map((e) => [e, e, e]),
        };
        let node = hash([row.key, 0n, 5n]);
        for (let l = 0; l < D; l++) node = hash([empty[l], empty[l], empty[l], node]);
        const z = batches[0].z;
        const input = chunkInput(z, batchStart(empty[D]), [row]);
        const where = await refusedIn(input);
        if (where !== null) console.log(`#   refused in ${where}`);
        const out = where === null ? await run(input) : [];
        check(
            out[ROOT] === node && out[INDEX] === 1n << 32n && out[LENGTH] === 28n,
            "a first write at the last position 4^16 − 1 followed by padding rows: the root of that one leaf, nextIndex 4^16",
        );
        const after = {...row, gap: 0n, gapLen: 1, key: hash([2n, address + 1n, 0n, 0n]), address: address + 1n};
        check(
            where === null && (await refusedIn(chunkInput(z, out, [after]))) === "Num2Bits",
            "a row after the last position is refused: its index does not fit the path's digits",
        );
    }

    // ---- The witnesses satisfy the constraint system (snarkjs checks every constraint): a full chunk,
    // a chunk ending in padding, a chunk of padding only.
    {
        let all = true;
        for (const [i, input] of checked.entries()) {
            const wtns = join(work, `chunk${i}.wtns`);
            writeFileSync(wtns, await wc.calculateWTNSBin(input, true));
            all &&= wtnsCheck(join(work, `${chunk.name}.r1cs`), wtns, {verbose: true});
        }
        check(all, `snarkjs wtns check: ${checked.length} witnesses (a full chunk, one ending in padding, one of padding only) satisfy every constraint`);
    }

    // ---- Bad inputs, each a valid chunk of Rust's batch 0 with one thing changed, refused by the
    // constraint that should refuse it: `where` is the template of the failing `===` (StateWrite: the
    // tree; BoundWrites: the glue; PubdataRow: the row's bytes).
    // `spoil` changes copies of the chunk's rows in place; `layout` returns other rows and their flags.
    const bad = async (what, where, {chunkAt, spoil, layout}) => {
        const {state, at} = chunksOf[0][chunkAt];
        const batch = batches[0];
        const valid = (await refusedIn(chunkInput(batch.z, state, batch.rows.slice(at, at + W)))) === null;
        let rows = batch.rows.slice(at, at + W).map((r) => ({...r}));
        let enabled;
        spoil?.(rows);
        if (layout) ({rows, enabled} = layout(rows));
        const got = await refusedIn(chunkInput(batch.z, state, rows, enabled));
        if (got !== where) console.log(`#   ${what}: refused in ${got}, expected ${where}`);
        check(valid && got === where, what);
    };
    // Chunk 0 holds rows 0–3 (repeated writes at 0, 1, 2, 4); chunk 2 rows 8–11 (first writes at 155–158).
    await bad("a repeated write claimed as first (its kind, address, slot and key consistent, old value 0) is refused by the tree: the position is occupied", "StateWrite", {
        chunkAt: 0,
        spoil: (rows) => {
            const v = batches[0].vectors[1];
            const slot = BigInt(v.slot);
            Object.assign(rows[1], {isFirst: 1, kind: v.kind, same: 0, address: BigInt(v.address), slot, slotLen: v.kind === 0 ? Math.max(1, byteLength(slot)) : 0});
            Object.assign(rows[1], {oldValue: 0n, packing: FULL, valueLen: byteLength(rows[1].newValue)});
        },
    });
    await bad("a first write claimed as repeated (no key fields, old value 0) is refused by the tree: the position is empty", "StateWrite", {
        chunkAt: 2,
        spoil: (rows) => Object.assign(rows[1], {isFirst: 0, kind: 0, same: 0, address: 0n, slot: 0n, slotLen: 0}),
    });
    await bad("a gap one too small (the index one below the path's position) is refused by the tree", "StateWrite", {
        chunkAt: 0,
        spoil: (rows) => (rows[3].gap -= 1n),
    });
    await bad("a gap one too large (the index one above) is refused by the tree", "StateWrite", {
        chunkAt: 0,
        spoil: (rows) => (rows[3].gap += 1n),
    });
    await bad("a wrong key for a repeated write is refused by the tree: the old leaf is another's", "StateWrite", {
        chunkAt: 0,
        spoil: (rows) => (rows[2].key = randField()),
    });
    // The chunk's last row, so that no later row's old root stands in for the check.
    await bad("a first write whose key input is not its row's key is refused by the glue (the tree alone takes any key into an empty leaf)", "BoundWrites", {
        chunkAt: 2,
        spoil: (rows) => (rows[3].key = randField()),
    });
    await bad("a wrong old value (FULL, so the row's bytes are the same) is refused by the tree", "StateWrite", {
        chunkAt: 0,
        spoil: (rows) => {
            if (rows[3].packing !== FULL || rows[3].newValue === rows[3].oldValue + 1n) throw new Error("row 3 is no longer a FULL write");
            rows[3].oldValue += 1n;
        },
    });
    await bad("siblings of another position are refused by the tree", "StateWrite", {
        chunkAt: 0,
        spoil: (rows) => (rows[2].siblings = rows[3].siblings),
    });
    await bad("a padding row before a real one is refused by the glue: the real rows are a prefix", "BoundWrites", {
        chunkAt: 0,
        // Rows 0, padding, 1, 2: with the padding passing the state through, the rows after it are right.
        layout: (rows) => ({rows: [rows[0], PADDING, rows[1], rows[2]], enabled: [1, 0, 1, 1]}),
    });
    await bad("a padding row must still be a valid row: one that writes 0 → 0 is refused by PubdataRow", "PubdataRow", {
        chunkAt: 0,
        layout: (rows) => ({rows: [rows[0], rows[1], rows[2], {...PADDING, newValue: 0n}], enabled: [1, 1, 1, 0]}),
    });
    {
        // A state in out of range is refused by the first row's phase one-hot (the state out's phase by
        // BoundWrites' own check, which the lying witness below shows).
        const {state, at} = chunksOf[0][0];
        const input = chunkInput(batches[0].z, state, batches[0].rows.slice(at, at + W));
        input.state[PHASE] = "31";
        check((await refusedIn(input)) !== null, "a state in with phase 31 is refused");
    }

    // ---- Lying witnesses. BoundWrites computes every signal of its own with `<==` (the `<--` are in
    // PubdataRow and StreamAdvance, whose tests lie to them), so its gating has no hint to lie to.
    {
        const template = readFileSync(join(root, "circuits/src/bound_writes.circom"), "utf8");
        check(!/<--/.test(template.replace(/\/\/.*$/gm, "")), "BoundWrites has no `<--` of its own: the gating of padding rows has no hint to lie to");
    }
    // What its phase check is for: a last row whose wrap bit lies 0 ends the chunk at phase 31 with a
    // weight that skipped a chunk boundary; no later row is there to refuse the phase. Rust's batch 0
    // row 0 (2 bytes: varint, ADD_SMALL header) from phase 29: the header lands at 30 and the next
    // position wraps to phase 0 of the next chunk, or, lying, to "31".
    {
        const {honest, liar} = await lies;
        const batch = batches[0];
        const state = [batch.prevRoot, 0n, weightAt(29, batch.z), 29n, 0n, NO_ADDRESS, 0n, 0n];
        const input = chunkInput(batch.z, state, [batch.rows[0]], [1], 1);
        const liarCalculator = await calculator(work, liar.name);
        const witness = await liarCalculator.calculateWitness(input, true);
        const wtns = join(work, "lie.wtns");
        writeFileSync(wtns, await liarCalculator.calculateWTNSBin(input, true));
        check(
            witness[1 + PHASE] === 31n &&
                wtnsCheck(join(work, `${liar.name}.r1cs`), wtns) &&
                !wtnsCheck(join(work, `${honest.name}.r1cs`), wtns),
            "a chunk ending at phase 31 (the last row's wrap bit lying 0) satisfies the liar and is refused by the real circuit: the state out's phase check",
        );
    }

    // ---- Constraints per row: (the W-row harness − the one-row harness) / (W − 1), split into StateWrite,
    // PubdataRow and the glue (the prefix, the key, the index, the gated state).
    {
        const {one, stateWrite, pubdataRow} = await counts;
        const perRow = (chunk.constraints - one.constraints) / (W - 1);
        const glue = perRow - stateWrite.constraints - pubdataRow.constraints;
        console.log(
            `# BoundWrites(${W}, ${D}): ${perRow} constraints per row = StateWrite(${D}) ${stateWrite.constraints} + PubdataRow ${pubdataRow.constraints} + glue ${glue}; ${one.constraints - perRow} per chunk besides`,
        );
        check(glue >= 0 && glue <= 12, `the glue costs at most 12 constraints a row (${glue})`);
        check(one.constraints - perRow <= 12, `the chunk's fixed part (the state out's phase check) costs at most 12 (${one.constraints - perRow})`);
    }
    console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
    removeDir(work);
}
finish();
