// What the circuit tests in this directory share: counting checks, BN254 field arithmetic, a
// deterministic random generator, the parent's evaluation of a byte stream, compiling a harness with
// circom2 and counting its constraints, loading its witness calculator and checking a witness with
// snarkjs. Each test writes its own harness and reference; nothing here knows a template.
import {execFile, execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import {tmpdir} from "node:os";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {promisify} from "node:util";

const require = createRequire(import.meta.url);

// The repository root (this file is tests/circuits/common.mjs), so a test runs from any directory.
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// ---- Checks: each prints a line; finish() prints the counts and exits non-zero if any failed.
let passes = 0;
let failures = 0;
export function check(ok, what) {
    if (ok) {
        passes++;
        console.log(`ok   - ${what}`);
    } else {
        failures++;
        console.log(`FAIL - ${what}`);
    }
}
export const passed = () => passes;
export function finish() {
    console.log(`${passes} passed, ${failures} failed`);
    process.exit(failures === 0 ? 0 : 1);
}

// ---- The field.
// 256-bit values as the circuits take them: [high, low] 128-bit halves.
export const TWO128 = 1n << 128n;
export const hi = (x) => x >> 128n;
export const lo = (x) => x & (TWO128 - 1n);
// The bytes of x's minimal big-endian form (0 for 0).
export const byteLength = (x) => {
    let n = 0;
    while (x >> BigInt(8 * n) > 0n) n++;
    return n;
};

export const mod = (x) => ((x % P) + P) % P;
export function pow(b, e) {
    let r = 1n;
    b = mod(b);
    while (e > 0n) {
        if (e & 1n) r = (r * b) % P;
        b = (b * b) % P;
        e >>= 1n;
    }
    return r;
}

// Deterministic randomness, so a failure reproduces: rand(bound) is 0 … bound − 1, from a 64-bit linear
// congruential generator started at `seed` (each test its own).
export function randomFrom(seed) {
    let state = BigInt(seed);
    return (bound) => {
        state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
        return Number((state >> 33n) % BigInt(bound));
    };
}

// ---- The pubdata stream (docs/proofs.md, "binding the writes to the pubdata").
// The parent's evaluation: 31-byte big-endian chunks, the last right-padded with zeros.
export function evaluateChunks(bytes, z) {
    let y = 0n;
    for (let j = 0; j * 31 < bytes.length; j++) {
        let c = 0n;
        for (let t = 0; t < 31; t++) c = (c << 8n) | BigInt(bytes[j * 31 + t] ?? 0);
        y = mod(y + c * pow(z, BigInt(j)));
    }
    return y;
}
// The weight of stream position p: 256^(30 − p mod 31) · z^⌊p/31⌋.
export const weightAt = (p, z) => mod(pow(256n, BigInt(30 - (p % 31))) * pow(z, BigInt(Math.floor(p / 31))));

// ---- Compiling and running harnesses.
export const workDir = (name) => mkdtempSync(join(tmpdir(), `fractal-${name}-`));
export const removeDir = (dir) => rmSync(dir, {recursive: true, force: true});

// circom prints "non-linear constraints: N" and "linear constraints: M": count both.
export const constraintsIn = (log) => [...log.replace(/\x1b\[[0-9;]*m/g, "").matchAll(/linear constraints: (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);

// Compiles `source` (a .circom file) into `out` with circom2: the .r1cs, and the witness calculator
// unless wasm = false. `opt` is circom's simplification flag. Returns {name, constraints}, or a promise of
// it with background = true (so that a compilation overlaps with other work). Includes resolve against
// node_modules (circomlib) and circuits/src. circom2 runs under WASI with the working directory as its
// file system root, hence cwd "/" and absolute paths.
export function compileCircom(source, out, {opt = "--O2", wasm = true, background = false} = {}) {
    const name = source.replace(/^.*\//, "").replace(/\.circom$/, "");
    const args = [
        join(root, "node_modules/.bin/circom2"),
        source,
        opt,
        "--r1cs",
        ...(wasm ? ["--wasm"] : []),
        "-l",
        join(root, "node_modules"),
        "-l",
        join(root, "circuits/src"),
        "-o",
        out,
    ];
    const result = (log) => ({name, constraints: constraintsIn(log)});
    if (background) return promisify(execFile)("node", args, {cwd: "/", encoding: "utf8", maxBuffer: 1 << 26}).then(({stdout}) => result(stdout));
    return result(execFileSync("node", args, {cwd: "/", encoding: "utf8", maxBuffer: 1 << 26}));
}

// The witness calculator circom2 wrote for circuit `name` in `dir`.
export async function calculator(dir, name) {
    const builder = require(join(dir, `${name}_js`, "witness_calculator.js"));
    return builder(readFileSync(join(dir, `${name}_js`, `${name}.wasm`)));
}

// Whether a calculation throws on one of the circuit's own constraints (the calculator checks each
// `===` as it goes and reports "Assert Failed"), not on some other error.
export async function refusedBy(calculation) {
    try {
        await calculation();
        return false;
    } catch (e) {
        return /Assert Failed/.test(String(e.message ?? e));
    }
}

// `snarkjs wtns check`: whether the witness file satisfies every constraint of the .r1cs. With verbose,
// snarkjs's output is printed when it does not.
export function wtnsCheck(r1cs, wtns, {verbose = false} = {}) {
    try {
        execFileSync("node", [join(root, "node_modules/.bin/snarkjs"), "wtns", "check", r1cs, wtns], {stdio: "pipe", encoding: "utf8"});
        return true;
    } catch (e) {
        if (verbose) console.log(String(e.stdout) + String(e.stderr));
        return false;
    }
}

// The PubdataRow fields of `rows` as circuit inputs, one array per signal (circuits/src/pubdata_row.circom):
// the rows are objects with isFirst, gap, gapLen, kind, same, address, slot, slotLen, oldValue, newValue,
// packing and valueLen; 256-bit values go in as [high, low] 128-bit halves.
export function rowFields(rows) {
    const field = (f) => rows.map((r) => String(f(r)));
    const halves = (x) => [hi(x), lo(x)].map(String);
    return {
        isFirst: field((r) => r.isFirst),
        gap: field((r) => r.gap),
        gapLen: field((r) => r.gapLen),
        kind: field((r) => r.kind),
        sameAddress: field((r) => r.same),
        address: field((r) => r.address),
        slot: rows.map((r) => halves(r.slot)),
        slotLen: field((r) => r.slotLen),
        oldValue: rows.map((r) => halves(r.oldValue)),
        newValue: rows.map((r) => halves(r.newValue)),
        packing: field((r) => r.packing),
        valueLen: field((r) => r.valueLen),
    };
}

// Rust's rows (contracts/test/vectors/shared.json, `pubdataRows`, written by `fractal vectors` from
// fractal_primitives::pubdata), per batch: z, the roots, y, the row commitment, the run's bytes, the raw
// vector rows (`vectors`), and each row as the circuit takes it with its key and tree siblings. A
// repeated write's bytes say nothing of its kind, address or slot: the circuit gets none (0), and its
// key comes with the tree write.
export function rustBatches() {
    const vectors = JSON.parse(readFileSync(join(root, "contracts/test/vectors/shared.json"), "utf8")).pubdataRows;
    return vectors.map((batch) => ({
        z: BigInt(batch.z),
        prevRoot: BigInt(batch.prevRoot),
        newRoot: BigInt(batch.newRoot),
        y: BigInt(batch.y),
        rowCommitment: BigInt(batch.rowCommitment),
        run: Buffer.from(batch.run.slice(2), "hex"),
        vectors: batch.rows,
        rows: batch.rows.map((v) => ({
            gap: BigInt(v.gap),
            gapLen: v.gapLen,
            isFirst: v.first ? 1 : 0,
            kind: v.first ? v.kind : 0,
            same: v.sameAddress ? 1 : 0,
            address: v.first ? BigInt(v.address) : 0n,
            slot: v.first ? BigInt(v.slot) : 0n,
            slotLen: v.slotLen,
            oldValue: BigInt(v.previous),
            newValue: BigInt(v.value),
            packing: v.packing,
            valueLen: v.valueLen,
            key: BigInt(v.key),
            siblings: v.siblings.map((level) => level.map(BigInt)),
        })),
    }));
}

// Writes the test harness `name`.circom into `dir` — `body` (its templates and main) after an include of
// circuits/src/`file`, or of `template`, a variant's source (a lying one), written beside it — and
// returns its path.
export function writeHarness(dir, name, file, body, template) {
    let include = join(root, "circuits/src", file);
    if (template !== undefined) {
        include = join(dir, `${name}_template.circom`);
        writeFileSync(include, template);
    }
    const source = join(dir, `${name}.circom`);
    writeFileSync(source, `pragma circom 2.1.0;\ninclude "${include}";\n${body}`);
    return source;
}

// PubdataRow's field inputs (the signals rowFields fills), with their shapes past the row dimension.
const ROW_FIELDS = [
    ["isFirst", ""],
    ["gap", ""],
    ["gapLen", ""],
    ["kind", ""],
    ["sameAddress", ""],
    ["address", ""],
    ["slot", "[2]"],
    ["slotLen", ""],
    ["oldValue", "[2]"],
    ["newValue", "[2]"],
    ["packing", ""],
    ["valueLen", ""],
];
// A harness's declarations of the row fields for `rows` rows (circom source).
export const rowFieldInputs = (rows) => ROW_FIELDS.map(([name, shape]) => `    signal input ${name}[${rows}]${shape};`).join("\n");
// The circom lines wiring the harness's row fields into `target` (`at`: "[i]" for one row, "" for all).
export const rowFieldWiring = (target, at) => ROW_FIELDS.map(([name]) => `        ${target}.${name} <== ${name}${at};`).join("\n");

// ---- A chunk's carried state (circuits/src/bound_writes.circom) over Rust's rows, computed from the
// vectors alone: the tree roots and indices Rust's rows reach, the stream over Rust's bytes, the row
// commitment from docs/proofs.md's formula.
export const NO_ADDRESS = 1n << 160n;
// The state's places: root, acc, weight, phase, length, prevAddress, commit, nextIndex.
export const [ROOT, ACC, WEIGHT, PHASE, LENGTH, ADDRESS, COMMIT, INDEX] = [0, 1, 2, 3, 4, 5, 6, 7];
// Where a batch starts: its previous state root, an empty stream at position 0, no previous address.
export const batchStart = (stateRoot) => [stateRoot, 0n, pow(256n, 30n), 0n, 0n, NO_ADDRESS, 0n, 0n];

// The packing's operand of a row (FULL the new value, ADD new − old, SUB old − new, ADD_SMALL none).
export function rowWord(row) {
    if (row.packing === 0) return row.newValue;
    if (row.packing === 1) return row.newValue - row.oldValue;
    if (row.packing === 2) return row.oldValue - row.newValue;
    return 0n;
}
// The row commitment with `row` (rustBatches()'s form) folded in, docs/proofs.md's formula; `hash` is
// circomlibjs's Poseidon over bigints.
export function commitRow(hash, commit, row) {
    const first = BigInt(row.isFirst);
    const f =
        row.gap |
        (BigInt(row.gapLen) << 32n) |
        (first << 35n) |
        ((first * BigInt(row.kind)) << 36n) |
        ((first * BigInt(row.same)) << 38n) |
        (BigInt(row.slotLen) << 39n) |
        (BigInt(row.packing) << 45n) |
        (BigInt(row.valueLen) << 47n) |
        ((first * row.address) << 53n);
    const word = rowWord(row);
    return hash([commit, f, hi(row.slot), lo(row.slot), hi(word), lo(word)]);
}

// The state after rows from … to − 1 of Rust's batch `batch` (rustBatches()) from `state`. The stream
// goes on from the state's own weight and phase (position p weighs 256^(30 − p mod 31) · z^⌊p/31⌋: the
// next weight is this one / 256 inside a 31-byte chunk, · z · 256^30 across its end), so any acc,
// weight, phase, length, prevAddress and commit may start it; the root and nextIndex must be where
// Rust's rows are (throws otherwise).
export function stateAfter(hash, batch, state, from, to) {
    let [root, acc, weight, phase, length, address, commit, next] = state;
    const inverse256 = pow(256n, P - 2n);
    const across = mod(batch.z * pow(256n, 30n));
    for (let i = from; i < to; i++) {
        const v = batch.vectors[i];
        const row = batch.rows[i];
        if (BigInt(v.oldRoot) !== root || BigInt(v.index) !== next + row.gap) throw new Error(`row ${i} does not start at the state's root and next index`);
        for (const b of Buffer.from(v.bytes.slice(2), "hex")) {
            acc = mod(acc + BigInt(b) * weight);
            weight = mod(weight * (phase === 30n ? across : inverse256));
            phase = phase === 30n ? 0n : phase + 1n;
            length++;
        }
        root = BigInt(v.newRoot);
        next = BigInt(v.index) + 1n;
        if (row.isFirst) address = row.address;
        commit = commitRow(hash, commit, row);
    }
    return [root, acc, weight, phase, length, address, commit, next];
}

// A padding row (bound_writes.circom's header): a valid repeated write of 0 → 1 by ADD_SMALL, gap 0,
// gapLen 1, key 0 and zero siblings for `levels` levels.
export const paddingRow = (levels) => ({
    gap: 0n,
    gapLen: 1,
    isFirst: 0,
    kind: 0,
    same: 0,
    address: 0n,
    slot: 0n,
    slotLen: 0,
    oldValue: 0n,
    newValue: 1n,
    packing: 3,
    valueLen: 0,
    key: 0n,
    siblings: Array.from({length: levels}, () => [0n, 0n, 0n]),
});
// BoundWrites' row inputs for a chunk of `w` rows and `levels` tree levels: `rows` (rustBatches()'s
// form), then padding; enabled 1 for the rows and 0 for the padding unless `enabled` says otherwise.
export function boundRowInputs(rows, w, levels, enabled = rows.map(() => 1)) {
    const all = [...rows, ...Array(w - rows.length).fill(paddingRow(levels))];
    const flags = [...enabled, ...Array(w - enabled.length).fill(0)];
    return {
        enabled: flags.map(String),
        ...rowFields(all),
        key: all.map((r) => String(r.key)),
        siblings: all.map((r) => r.siblings.map((level) => level.map(String))),
    };
}

// Where the witness calculator refuses an input: {template, line} of the innermost failing `===` and
// `outer`, the line in `harness` (the main template's name) it fails under — or null when it computes a
// witness. The calculator appends each failure's template chain (innermost first, `harness` last) to the
// ones before, so the last chain is the one after the previous `harness`. Anything but a failed assert is
// an error of the test.
export async function refusal(wc, input, harness) {
    try {
        await wc.calculateWitness(input, true);
        return null;
    } catch (e) {
        const message = String(e.message ?? e);
        if (!/Assert Failed/.test(message)) throw e;
        const chain = [...message.matchAll(/Error in template (\w+?)_\d+ line: (\d+)/g)].map((m) => ({template: m[1], line: Number(m[2])}));
        const ends = chain.flatMap((c, i) => (c.template === harness ? [i] : []));
        const last = chain.slice(ends.length > 1 ? ends.at(-2) + 1 : 0, ends.at(-1) + 1);
        return {...(last[0] ?? {template: "unknown", line: 0}), outer: last.at(-1)?.line ?? 0};
    }
}

// The line of `snippet` in `file` (under circuits/src), which must occur there exactly once: where a
// test expects a refusal.
export function lineOf(file, snippet) {
    const lines = readFileSync(join(root, "circuits/src", file), "utf8").split("\n");
    const at = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
    if (at.length !== 1) throw new Error(`${file} has ${at.length} lines with: ${snippet}`);
    return at[0];
}

// The public inputs of a .r1cs (read by snarkjs): their count, the outputs' count, and for each public
// input (wire 1 + outputs …) how many constraints it appears in with a non-zero coefficient.
export async function publicInputUse(r1cs) {
    const snarkjs = await import("snarkjs");
    const r = await snarkjs.r1cs.exportJson(r1cs);
    const first = 1 + r.nOutputs;
    const uses = Array(r.nPubInputs).fill(0);
    for (const c of r.constraints) {
        const wires = new Set(c.flatMap((part) => Object.entries(part).flatMap(([w, k]) => (BigInt(k) === 0n ? [] : [Number(w)]))));
        for (const w of wires) if (w >= first && w < first + r.nPubInputs) uses[w - first]++;
    }
    return {publicInputs: r.nPubInputs, outputs: r.nOutputs, uses};
}
