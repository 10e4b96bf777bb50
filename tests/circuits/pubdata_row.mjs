// Tests circuits/src/pubdata_row.circom's PubdataRow against an encoder of the pubdata v2 row layout and
// an evaluation of the resulting stream, both written here independently, and measures its constraints
// per row. Run from the repository root: `node tests/circuits/pubdata_row.mjs` (`make test-circuits`).
//
// A row (docs/proofs.md, "binding the writes to the pubdata"):
//     varint(gap) ‖ [first writes: keyTag ‖ address unless same-address ‖ slot (storage)] ‖ header ‖ word
// The circuit must append exactly these bytes to the stream (y = Σ_j c_j · z^j over 31-byte big-endian
// chunks), from any stream position, and refuse rows the layout does not allow.
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {buildPoseidon} from "circomlibjs";
import {calculator as loadCalculator, check, compileCircom, evaluateChunks, finish, mod, P, randomFrom, refusedBy, removeDir, root, weightAt, workDir, wtnsCheck, rowFields, rustBatches, writeHarness, rowFieldInputs, rowFieldWiring, TWO128, hi, lo, byteLength, commitRow, rowWord} from "./common.mjs";

const R = 4; // rows chained in the harness
const work = workDir("row");
const poseidon = await buildPoseidon();
const hash = (xs) => poseidon.F.toObject(poseidon(xs));

const rand = randomFrom(0x0badc0den);
// A random integer of exactly `bits` bits (0 for 0 bits).
function randBits(bits) {
    if (bits === 0) return 0n;
    let x = 1n;
    for (let i = 1; i < bits; i++) x = (x << 1n) | BigInt(rand(2));
    return x;
}
const randField = () => randBits(250) % P;
const pick = (xs) => xs[rand(xs.length)];

const TWO256 = 1n << 256n;

// ---- The reference: the layout, written from its description.
const STORAGE = 0;
const [FULL, ADD, SUB, ADD_SMALL] = [0, 1, 2, 3];
function bigEndian(x, n) {
    const out = [];
    for (let i = n - 1; i >= 0; i--) out.push(Number((x >> BigInt(8 * i)) & 255n));
    return out;
}
function encodeRow(row) {
    const bytes = [];
    for (let i = 0; i < row.gapLen; i++) {
        const group = Number((row.gap >> BigInt(7 * i)) & 127n);
        bytes.push(i < row.gapLen - 1 ? group | 0x80 : group);
    }
    if (row.isFirst) {
        bytes.push((row.kind << 6) | (row.same << 5) | (row.kind === STORAGE ? row.slotLen - 1 : 0));
        if (!row.same) bytes.push(...bigEndian(row.address, 20));
        if (row.kind === STORAGE) bytes.push(...bigEndian(row.slot, row.slotLen));
    }
    bytes.push((row.packing << 6) | row.valueLen);
    if (row.packing !== ADD_SMALL) bytes.push(...bigEndian(rowWord(row), row.valueLen));
    return bytes;
}
// A small decoder of the same layout, to hold the generator to it: the value it decodes and its length.
function decodeValue(bytes, at, old) {
    const header = bytes[at];
    const packing = header >> 6;
    const field = header & 63;
    if (packing === ADD_SMALL) return {value: old + BigInt(field) + 1n, end: at + 1};
    let word = 0n;
    for (let i = 0; i < field; i++) word = (word << 8n) | BigInt(bytes[at + 1 + i]);
    const value = packing === FULL ? word : packing === ADD ? old + word : old - word;
    return {value, end: at + 1 + field};
}

// ---- Random rows.
const randAddress = () => pick([randBits(160), randBits(1 + rand(160)), 0n, (1n << 160n) - 1n]);
// A value of random size: small, around the 128-bit boundary, or full width.
function randValue() {
    switch (rand(5)) {
        case 0:
            return randBits(rand(24));
        case 1:
            return randBits(120 + rand(16));
        case 2:
            return TWO128 - 1n - randBits(rand(16));
        case 3:
            return TWO256 - 1n - randBits(rand(64));
        default:
            return randBits(1 + rand(256));
    }
}
function randGap() {
    const gap = randBits(rand(33));
    const shortest = Math.max(1, Math.ceil(gap.toString(2).replace(/^0$/, "").length / 7));
    return {gap, gapLen: shortest + rand(6 - shortest)}; // overlong forms too
}
// The value part of a row from `oldValue`: `packing` (or a random one that fits), a new value differing
// from the old one, and a header length at least the word's (leading zeros allowed).
function randValuePart(oldValue, packing = rand(4)) {
    for (;;) {
        let newValue;
        if (packing === SUB && oldValue === 0n) packing = ADD;
        if (packing === FULL) newValue = randValue();
        if (packing === ADD) {
            const room = TWO256 - 1n - oldValue;
            if (room === 0n) {
                packing = SUB;
                continue;
            }
            // Often a word that carries from the low half into the high one.
            const w = rand(2) ? TWO128 - lo(oldValue) + randBits(rand(100)) : randValue();
            newValue = oldValue + 1n + ((w - 1n) % room);
        }
        if (packing === SUB) newValue = oldValue - 1n - (randValue() % oldValue);
        if (packing === ADD_SMALL) {
            const delta = BigInt(1 + pick([0, 63, rand(64)]));
            if (oldValue + delta >= TWO256) {
                packing = SUB;
                continue;
            }
            return {packing, valueLen: Number(delta) - 1, newValue: oldValue + delta};
        }
        if (newValue === oldValue) continue;
        const word = rowWord({packing, oldValue, newValue});
        const shortest = byteLength(word);
        return {packing, valueLen: rand(3) ? shortest : shortest + rand(33 - shortest), newValue};
    }
}
// A row. `prevFirst` is the previous first write's address (undefined: none yet).
function randRow(prevFirst, {isFirst = rand(2) === 1, kind = rand(4), packing, same} = {}) {
    const row = {...randGap(), isFirst: isFirst ? 1 : 0, kind: 0, same: 0, address: 0n, slot: 0n, slotLen: 0};
    if (isFirst) {
        row.kind = kind;
        row.same = prevFirst !== undefined && (same ?? rand(2)) ? 1 : 0;
        row.address = row.same ? prevFirst : randAddress();
        if (kind === STORAGE) {
            row.slotLen = 1 + rand(32);
            const value = rand(4) === 0 ? 0n : randBits(rand(8 * row.slotLen + 1));
            row.slot = value;
        }
    }
    row.oldValue = isFirst ? 0n : randValue();
    Object.assign(row, randValuePart(row.oldValue, packing));
    return row;
}

// The circuit's input for rows appended from stream position p0 after a sum acc0.
function makeInput(rows, ctx) {
    const {p0, acc0, z, prevAddress} = ctx;
    return {
        z: String(z),
        state: [acc0, weightAt(p0, z), BigInt(p0 % 31)].map(String),
        prevAddress: String(prevAddress),
        ...rowFields(rows),
        commit: String(ctx.commit ?? 0n),
    };
}
// What the circuit must output: the stream state after the rows, each row's length, key and address.
function expected(rows, ctx) {
    const {p0, acc0, z, prevAddress} = ctx;
    const encoded = rows.map(encodeRow);
    const stream = encoded.flat();
    const end = p0 + stream.length;
    const out = [mod(acc0 + evaluateChunks([...Array(p0).fill(0), ...stream], z)), weightAt(end, z), BigInt(end % 31)];
    let previous = prevAddress;
    const addresses = rows.map((r) => (previous = r.isFirst ? r.address : previous));
    const keys = rows.map((r) => hash([BigInt(r.kind), r.address, hi(r.slot), lo(r.slot)]));
    const commit = rows.reduce((commit, row) => commitRow(hash, commit, row), ctx.commit ?? 0n);
    return [...out, ...encoded.map((b) => BigInt(b.length)), ...keys, ...addresses, commit];
}

// Compiles the harness over `rows` rows. `template` replaces circuits/src/pubdata_row.circom (a lying
// variant); `opt` is circom's simplification flag; `wasm` whether to build the witness calculator too.
// `background` returns a promise instead, so that compiling overlaps with the checks that run here.
function compile(rows, {tag = "", template, opt = "--O2", wasm = true, background = false} = {}) {
    const name = `row_${rows}${tag}`;
    const source = writeHarness(
        work,
        name,
        "pubdata_row.circom",
        `template PubdataRowTest(R) {
    signal input z;
    signal input state[3];
    signal input prevAddress;
${rowFieldInputs("R")}
    signal input commit;
    signal output out[3];
    signal output rowLength[R];
    signal output key[R];
    signal output addressOut[R];
    signal output commitOut;
    signal zPow[2];
    zPow[0] <== 1;
    zPow[1] <== z;
    component rows[R];
    for (var i = 0; i < R; i++) {
        rows[i] = PubdataRow();
        rows[i].zPow <== zPow;
        rows[i].accIn <== i == 0 ? state[0] : rows[i - 1].accOut;
        rows[i].weightIn <== i == 0 ? state[1] : rows[i - 1].weightOut;
        rows[i].phaseIn <== i == 0 ? state[2] : rows[i - 1].phaseOut;
        rows[i].prevAddress <== i == 0 ? prevAddress : rows[i - 1].addressOut;
${rowFieldWiring("rows[i]", "[i]")}
        rows[i].commitIn <== i == 0 ? commit : rows[i - 1].commitOut;
        rowLength[i] <== rows[i].rowLength;
        key[i] <== rows[i].key;
        addressOut[i] <== rows[i].addressOut;
    }
    component last = OneHot(31);
    last.x <== rows[R - 1].phaseOut;
    out[0] <== rows[R - 1].accOut;
    out[1] <== rows[R - 1].weightOut;
    out[2] <== rows[R - 1].phaseOut;
    commitOut <== rows[R - 1].commitOut;
}
component main {public [z, state, prevAddress, commit]} = PubdataRowTest(${rows});
`,
        template,
    );
    return compileCircom(source, work, {opt, wasm, background});
}

const calculator = (name) => loadCalculator(work, name);
const satisfies = (circuit, wtns) => wtnsCheck(join(work, `${circuit}.r1cs`), wtns);

// A batch start: no previous first write yet, so prevAddress is 2^160 (no address equals it).
const NO_ADDRESS = 1n << 160n;
// A chain of R random rows from a random stream position; `shapes` fixes some of their fields.
function randCase(shapes = []) {
    const z = randField();
    const prevAddress = rand(3) === 0 ? NO_ADDRESS : randBits(160);
    let prevFirst = prevAddress === NO_ADDRESS ? undefined : prevAddress;
    const rows = [];
    for (let i = 0; i < R; i++) {
        const row = randRow(prevFirst, shapes[i] ?? {});
        if (row.isFirst) prevFirst = row.address;
        rows.push(row);
    }
    return {rows, ctx: {p0: rand(400), acc0: randField(), z, prevAddress, commit: rand(2) ? 0n : randField()}};
}

try {
    // The reference itself: the generator's rows decode to their values.
    {
        let ok = true;
        for (let i = 0; i < 300; i++) {
            const row = randRow(randBits(160));
            const bytes = encodeRow(row);
            let at = 0;
            let gap = 0n;
            for (let s = 0n; ; s += 7n) {
                gap |= BigInt(bytes[at] & 127) << s;
                if ((bytes[at++] & 0x80) === 0) break;
            }
            if (row.isFirst) {
                const tag = bytes[at++];
                if (!(tag & 32)) at += 20;
                if (tag >> 6 === STORAGE) at += (tag & 31) + 1;
            }
            const {value, end} = decodeValue(bytes, at, row.oldValue);
            ok &&= gap === row.gap && at === row.gapLen + (row.isFirst ? 1 + (row.same ? 0 : 20) + row.slotLen : 0);
            ok &&= value === row.newValue && value !== row.oldValue && value < TWO256 && end === bytes.length && bytes.length <= 91;
        }
        check(ok, "the test's encoder and generator agree with its decoder (300 random rows)");
    }

    const one = compile(1);
    const many = compile(R);
    const perRow = (many.constraints - one.constraints) / (R - 1);
    console.log(`# PubdataRow: ${perRow} constraints per row (${one.constraints} for a harness of one row)`);
    check(perRow <= 2300, `a row costs at most 2,300 constraints (${perRow})`);

    // ---- Lying witnesses. The calculator computes every `<--` signal honestly, so bad inputs cannot show
    // that the constraints pin those signals down. Here the template is compiled with a lying assignment
    // and without the one constraint that should catch it (--O0 keeps every signal, in declaration
    // order, so both circuits have the same wires): its witness satisfies the liar's circuit, and the real
    // one must refuse it. The compilations start here and run one after another in the background while
    // the checks above run; finishLies() checks them at the end.
    const template = readFileSync(join(root, "circuits/src/pubdata_row.circom"), "utf8");
    // Two rows (the second the liar) keep the compilations short.
    const LR = 2;
    let queue = Promise.resolve();
    const inTurn = (job) => (queue = queue.then(job));
    const honest = inTurn(() => compile(LR, {tag: "_o0", opt: "--O0", wasm: false, background: true}));
    const lies = [];
    const lie = (what, replacements, c) => {
        let source = template;
        for (const [from, to] of replacements) {
            if (!source.includes(from)) throw new Error(`the template no longer has: ${from}`);
            source = source.replace(from, to);
        }
        const liar = inTurn(() => compile(LR, {tag: `_lie${lies.length}`, template: source, opt: "--O0", background: true}));
        lies.push({what, liar, input: makeInput(c.rows.slice(0, LR), c.ctx)});
    };
    const finishLies = async () => {
        const real = await honest;
        for (const {what, liar, input} of lies) {
            const {name} = await liar;
            const wtns = join(work, `${name}.wtns`);
            writeFileSync(wtns, await (await calculator(name)).calculateWTNSBin(input, true));
            check(satisfies(name, wtns) && !satisfies(real.name, wtns), what);
        }
    };
    // A chain whose rows are all `shape(i)` (a lie changes every row's assignment, so all rows must be
    // ones the liar's circuit accepts), on random stream positions.
    const lieCase = (shape) => {
        const c = randCase();
        c.ctx.prevAddress = NO_ADDRESS;
        c.rows.forEach((row, i) => Object.assign(row, {kind: 0, same: 0, address: 0n, slot: 0n, slotLen: 0}, shape(i)));
        return c;
    };
    // Bytes 0 and 1 of the slot and of the word written as (b0 − 1, b1 + 256): the same value, and the
    // same stream sum within a chunk, but "byte" 1 is 256 + b1 (its bit 7 is 2 or 3).
    lie(
        "a byte that is not a byte (b0 − 1, b1 + 256 in the slot and the word) is refused: bits are bits",
        [
            [
                "bits[k][j] <-- (beByte(value[0], value[1], lenSum, k) >> j) & 1;",
                "var v = beByte(value[0], value[1], lenSum, k) + (k == 0 ? -1 : 0) + (k == 1 ? 256 : 0);\n            bits[k][j] <-- j == 7 ? v \\ 128 : (v >> j) & 1;",
            ],
            ["            bits[k][j] * (bits[k][j] - 1) === 0;\n", ""],
        ],
        lieCase((i) => ({isFirst: 1, kind: STORAGE, address: BigInt(i), slot: 0x0102030405n + BigInt(i), slotLen: 5, oldValue: 0n, newValue: 0x0a0b0cn << BigInt(8 * i), packing: FULL, valueLen: 3 + i})),
    );
    // A 7 right after the last byte of the slot and of the word: the values are the same (bytes past the
    // length weigh nothing in them), but the stream gets a byte the pubdata does not have.
    lie(
        "a nonzero byte past a slot's or a word's length is refused: the padding check",
        [
            [
                "bits[k][j] <-- (beByte(value[0], value[1], lenSum, k) >> j) & 1;",
                "bits[k][j] <-- ((beByte(value[0], value[1], lenSum, k) + (k == lenSum ? 7 : 0)) >> j) & 1;",
            ],
            ["        bytes[k] * past === 0;\n", ""],
        ],
        lieCase(() => randRow(undefined)),
    );
    // gap 5 in one byte published as 0x85: a continuation bit on the varint's last byte, which a decoder
    // would read as a longer varint running into the next field.
    lie(
        "a continuation bit on a varint's last byte is refused: it follows from gapLen",
        [
            ["cont[i] <-- i < gapLen - 1 ? 1 : 0;", "cont[i] <-- i < gapLen ? 1 : 0;"],
            ["        cont[i] === later;\n", ""],
        ],
        lieCase((i) => ({isFirst: 0, gap: 5n + BigInt(i), gapLen: 1 + i, oldValue: 1n, newValue: 2n, packing: FULL, valueLen: 1})),
    );
    // ADD 2^100 to 7 · 2^128 + 2^127 claimed as old + word + p: with a carry c = ⌊(lo + word + p) / 2^128⌋
    // (not a bit) both halves stay below 2^128, so only c · (c − 1) = 0 refuses the wrong new value.
    {
        const oldValue = 7n * TWO128 + (1n << 127n);
        const word = 1n << 100n;
        const total = lo(oldValue) + word + P;
        const c = total / TWO128;
        const lying = (hi(oldValue) + c) * TWO128 + (total % TWO128);
        lie(
            "a carry that is not a bit (new = old + word + p, both halves in range) is refused: c · (c − 1) = 0",
            [
                ["word[0] <-- rowWord(packing, oldValue[0], oldValue[1], newValue[0], newValue[1], 0);", "word[0] <-- 0;"],
                [
                    "word[1] <-- rowWord(packing, oldValue[0], oldValue[1], newValue[0], newValue[1], 1);",
                    "word[1] <-- newValue[1] + (newValue[0] - oldValue[0]) * two128 - oldValue[1];",
                ],
                [
                    "c <-- packing == 2 ? (oldValue[1] < word[1] ? 1 : 0) : (packing == 0 ? 0 : (oldValue[1] + word[1] + smallDelta >= two128 ? 1 : 0));",
                    "c <-- newValue[0] - oldValue[0];",
                ],
                ["    c * (c - 1) === 0;\n", ""],
            ],
            // The other rows are honest ADDs (their carry is newHi − oldHi, 0 or 1, either way).
            lieCase((i) => {
                const old = oldValue + BigInt(i) * (TWO128 - 1n);
                return i === 1 ? {isFirst: 0, oldValue, newValue: lying, packing: ADD, valueLen: 13} : {isFirst: 0, oldValue: old, newValue: old + word, packing: ADD, valueLen: 13};
            }),
        );
    }
    // A write that changes nothing, with dHiZero claimed 0 although dHi = 0: then dLoIfHiZero = 0 and
    // the "changed" value is 1, invertible.
    lie(
        "a no-op write whose 'high halves are equal' flag lies is refused: dHiZero = 1 − dHi · dHiInv binds it",
        [
            ["dHiZero <== 1 - dHi * dHiInv;", "dHiZero <-- 0;"],
        ],
        lieCase((i) => ({isFirst: 0, oldValue: 9n, newValue: i === 1 ? 9n : 10n, packing: FULL, valueLen: 1})),
    );

    const wc = await calculator(many.name);
    const run = async (input) => wc.calculateWitness(input, true);
    const outputsOf = (w) => w.slice(1, 1 + 3 + 3 * R + 1);
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

    // ---- Positive cases.
    const cases = [];
    for (let i = 0; i < 24; i++) cases.push([randCase(), "random"]);
    for (let kind = 0; kind < 4; kind++) {
        for (let packing = 0; packing < 4; packing++) {
            cases.push([randCase([{isFirst: true, kind, packing}, {isFirst: true, kind, packing, same: 1}, {isFirst: false, packing}, {isFirst: true, kind, packing}]), "shape"]);
        }
    }
    // Every slot length, with and without leading zero bytes.
    for (let slotLen = 1; slotLen <= 32; slotLen++) {
        const c = randCase([{isFirst: true, kind: STORAGE}, {isFirst: true, kind: STORAGE}, {isFirst: true, kind: STORAGE}, {isFirst: true, kind: STORAGE}]);
        c.rows[0].slotLen = slotLen;
        c.rows[0].slot = randBits(8 * slotLen);
        c.rows[1].slotLen = slotLen;
        c.rows[1].slot = randBits(rand(8 * slotLen));
        c.rows[2].slotLen = slotLen;
        c.rows[2].slot = 0n;
        cases.push([c, "slot length"]);
    }
    // Every gap length, shortest and overlong, and the largest gap.
    for (let gapLen = 1; gapLen <= 5; gapLen++) {
        const c = randCase();
        c.rows[0].gap = randBits(Math.min(32, 7 * gapLen));
        c.rows[0].gapLen = gapLen;
        c.rows[1].gap = 0n;
        c.rows[1].gapLen = gapLen;
        c.rows[2].gap = (1n << 32n) - 1n;
        c.rows[2].gapLen = 5;
        c.rows[3].gap = randBits(rand(7 * gapLen + 1) % 33);
        c.rows[3].gapLen = gapLen;
        cases.push([c, "gap length"]);
    }
    const edges = (what, rows) => {
        const c = randCase();
        rows.forEach((r, i) => Object.assign(c.rows[i], {kind: 0, same: 0, address: 0n}, r));
        cases.push([c, what]);
    };
    const MAX = TWO256 - 1n;
    edges("ADD up to 2^256 − 1, SUB down to 0, ADD_SMALL by 64 and by 1", [
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: MAX - 5n, newValue: MAX, packing: ADD, valueLen: 1},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: 1234n, newValue: 0n, packing: SUB, valueLen: 2},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: MAX - 64n, newValue: MAX, packing: ADD_SMALL, valueLen: 63},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: TWO128 - 1n, newValue: TWO128, packing: ADD_SMALL, valueLen: 0},
    ]);
    edges("carries and borrows across the halves; 32-byte words", [
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: TWO128 - 1n, newValue: TWO128 + 6n, packing: ADD, valueLen: 32},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: TWO128, newValue: TWO128 - 1n, packing: SUB, valueLen: 1},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: 5n, newValue: MAX, packing: FULL, valueLen: 32},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: MAX, newValue: 0n, packing: SUB, valueLen: 32},
    ]);
    edges("FULL to 0 and from 0 with a zero-length word", [
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: 77n, newValue: 0n, packing: FULL, valueLen: 0},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: 77n, newValue: 0n, packing: FULL, valueLen: 3},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: 0n, newValue: 1n, packing: FULL, valueLen: 1},
        {isFirst: 0, slotLen: 0, slot: 0n, oldValue: 2n, newValue: 1n, packing: SUB, valueLen: 0 + 1},
    ]);
    // The longest row (91 bytes) four times, from the last position of a chunk.
    {
        const c = randCase();
        c.ctx.p0 = 30;
        c.ctx.prevAddress = NO_ADDRESS;
        for (const row of c.rows) {
            Object.assign(row, {isFirst: 1, gap: 1n, gapLen: 5, kind: STORAGE, same: 0, address: randBits(160), slot: randBits(256), slotLen: 32});
            Object.assign(row, {oldValue: 0n, newValue: randBits(256), packing: FULL, valueLen: 32});
        }
        cases.push([c, "four rows of 91 bytes from the last position of a chunk"]);
    }
    {
        const c = randCase();
        c.ctx.p0 = 0;
        c.ctx.acc0 = 0n;
        cases.push([c, "from position 0"]);
    }
    let ok = true;
    const checkedInputs = [];
    let counted = 0;
    for (const [c, what] of cases) {
        const want = expected(c.rows, c.ctx);
        const input = makeInput(c.rows, c.ctx);
        let got;
        try {
            got = outputsOf(await run(input));
        } catch (e) {
            got = [String(e.message ?? e).split("\n")[0]];
        }
        const good = same(got, want);
        if (!good) console.log(`# ${what}: ${JSON.stringify(c.rows, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\n#   got ${got}\n#   expected ${want}`);
        ok &&= good;
        if (checkedInputs.length === 0 || !["random", "shape", "slot length", "gap length"].includes(what)) checkedInputs.push(input);
        counted += c.rows.length;
        if (!["random", "shape", "slot length", "gap length"].includes(what)) check(good, what);
    }
    check(ok, `${cases.length} chains of ${R} rows (${counted} rows) equal the reference encoding's evaluation, lengths, keys and addresses`);

    // What those rows cover, so that a change to the generator cannot quietly drop a shape.
    {
        const seen = new Set();
        for (const [c] of cases) {
            for (const r of c.rows) {
                const word = rowWord(r);
                const shortestGap = Math.max(1, Math.ceil(r.gap.toString(2).replace(/^0$/, "").length / 7));
                seen.add(`${r.isFirst ? "first" : "repeated"} packing ${r.packing}`);
                if (r.isFirst) seen.add(`first kind ${r.kind}${r.same ? " same-address" : ""}`);
                if (r.isFirst && r.kind === STORAGE) seen.add(`slot length ${r.slotLen}${byteLength(r.slot) < r.slotLen ? " with leading zeros" : ""}`);
                seen.add(`varint of ${r.gapLen} bytes${r.gapLen > shortestGap ? " (overlong)" : ""}`);
                if (r.packing !== ADD_SMALL && r.valueLen > byteLength(word)) seen.add("a word with leading zero bytes");
                if (r.packing === ADD && lo(r.oldValue) + lo(word) >= TWO128) seen.add("ADD carrying into the high half");
                if (r.packing === ADD_SMALL && lo(r.oldValue) + BigInt(r.valueLen) + 1n >= TWO128) seen.add("ADD_SMALL carrying into the high half");
                if (r.packing === SUB && lo(r.oldValue) < lo(word)) seen.add("SUB borrowing from the high half");
                if (r.packing !== ADD_SMALL && r.valueLen === 32) seen.add("a 32-byte word");
            }
        }
        const want = [
            // (A first write's previous value is 0, so it cannot be a SUB.)
            ...[0, 1, 3].map((p) => `first packing ${p}`),
            ...[0, 1, 2, 3].map((p) => `repeated packing ${p}`),
            ...[0, 1, 2, 3].flatMap((k) => [`first kind ${k}`, `first kind ${k} same-address`]),
            ...Array.from({length: 32}, (_, i) => `slot length ${i + 1}`),
            ...Array.from({length: 31}, (_, i) => `slot length ${i + 2} with leading zeros`),
            ...[1, 2, 3, 4, 5].map((n) => `varint of ${n} bytes`),
            ...[2, 3, 4, 5].map((n) => `varint of ${n} bytes (overlong)`),
            "a word with leading zero bytes",
            "ADD carrying into the high half",
            "ADD_SMALL carrying into the high half",
            "SUB borrowing from the high half",
            "a 32-byte word",
        ];
        const missing = want.filter((w) => !seen.has(w));
        if (missing.length > 0) console.log(`# not covered: ${missing.join("; ")}`);
        check(missing.length === 0, `they cover every kind (with and without same-address) and packing, first and repeated, slot lengths 1–32 with and without leading zeros, varints of 1–5 bytes and overlong ones, carries and borrows between the halves`);
    }
    {
        // From position 0 the sum is the parent's y of the rows' bytes.
        const c = randCase();
        c.ctx.p0 = 0;
        c.ctx.acc0 = 0n;
        const w = await run(makeInput(c.rows, c.ctx));
        check(w[1] === evaluateChunks(c.rows.map(encodeRow).flat(), c.ctx.z), "from position 0 the sum is y = Σ c_j z^j of the encoded rows");
    }

    // The witnesses satisfy the constraint system (snarkjs checks every constraint): a random chain and
    // the edge cases.
    {
        let all = true;
        for (const [i, input] of checkedInputs.entries()) {
            const wtns = join(work, `case${i}.wtns`);
            writeFileSync(wtns, await wc.calculateWTNSBin(input, true));
            all &&= satisfies(many.name, wtns);
        }
        check(all, `snarkjs wtns check: ${checkedInputs.length} witnesses satisfy every constraint`);
    }

    // ---- Bad input is refused by one of the circuit's own constraints (the calculator checks each `===`
    // as it goes and reports "Assert Failed"), not by some other error.
    const refused = (input) => refusedBy(() => run(input));
    // A valid chain with row 1 changed by `spoil` (on the rows) before the input is built, or `spoilInput`.
    const bad = async (what, spoil, {shapes = [], spoilInput} = {}) => {
        const c = randCase(shapes);
        const valid = (await refused(makeInput(c.rows, c.ctx))) === false;
        spoil?.(c.rows[1], c);
        const input = makeInput(c.rows, c.ctx);
        spoilInput?.(input);
        check(valid && (await refused(input)), what);
    };
    const repeated = {isFirst: false};
    const storage = {isFirst: true, kind: STORAGE};
    await bad("a write that does not change the value (FULL) is refused", (r) => Object.assign(r, {packing: FULL, newValue: r.oldValue, valueLen: 32}), {shapes: [{}, repeated]});
    await bad("a write that does not change the value (ADD of 0) is refused", (r) => Object.assign(r, {packing: ADD, newValue: r.oldValue, valueLen: 0}), {shapes: [{}, repeated]});
    await bad("a first write of 0 is refused", (r) => Object.assign(r, {packing: FULL, newValue: 0n, valueLen: 0}), {shapes: [{}, storage]});
    await bad("ADD past 2^256 is refused", (r) => Object.assign(r, {oldValue: MAX - 3n, newValue: 2n, packing: ADD, valueLen: 1}), {shapes: [{}, repeated]});
    await bad("SUB below 0 is refused", (r) => Object.assign(r, {oldValue: 3n, newValue: MAX - 2n, packing: SUB, valueLen: 1}), {shapes: [{}, repeated]});
    await bad("ADD_SMALL past 2^256 is refused", (r) => Object.assign(r, {oldValue: MAX, newValue: 0n, packing: ADD_SMALL, valueLen: 0}), {shapes: [{}, repeated]});
    await bad("a word longer than its header's length is refused", (r) => Object.assign(r, {oldValue: 1n, newValue: 0x10000n, packing: FULL, valueLen: 2}), {shapes: [{}, repeated]});
    await bad("a header length of 33 is refused", (r) => Object.assign(r, {oldValue: 1n, newValue: 5n, packing: FULL, valueLen: 33}), {shapes: [{}, repeated]});
    await bad("a packing of 4 is refused", (r) => Object.assign(r, {oldValue: 1n, newValue: 5n, packing: 4, valueLen: 1}), {shapes: [{}, repeated]});
    await bad("a value half of 2^128 is refused", (r) => Object.assign(r, {oldValue: 1n, newValue: TWO128, packing: FULL, valueLen: 32}), {
        shapes: [{}, repeated],
        spoilInput: (input) => {
            input.newValue[1] = [0n, TWO128].map(String);
        },
    });
    await bad("a first write with a nonzero old value is refused", (r) => Object.assign(r, {oldValue: 1n, newValue: 5n, packing: FULL, valueLen: 1}), {shapes: [{}, storage]});
    await bad("a slot longer than its slot length is refused", (r) => Object.assign(r, {slot: 0x1ffn, slotLen: 1}), {shapes: [{}, storage]});
    await bad("a first storage write with no slot bytes is refused", (r) => Object.assign(r, {slot: 0n, slotLen: 0}), {shapes: [{}, storage]});
    await bad("a slot length of 33 is refused", (r) => Object.assign(r, {slot: 5n, slotLen: 33}), {shapes: [{}, storage]});
    await bad("an account field with a nonzero slot is refused", (r) => Object.assign(r, {slot: 5n, slotLen: 0}), {shapes: [{}, {isFirst: true, kind: 2}]});
    await bad("an account field with slot bytes is refused", (r) => Object.assign(r, {slot: 5n, slotLen: 1}), {shapes: [{}, {isFirst: true, kind: 1}]});
    await bad("a repeated write with slot bytes is refused", (r) => Object.assign(r, {slot: 5n, slotLen: 1}), {shapes: [{}, repeated]});
    await bad("a kind of 4 is refused", (r) => Object.assign(r, {kind: 4}), {shapes: [{}, {isFirst: true, kind: 1}]});
    await bad("same-address with a different address is refused", (r) => Object.assign(r, {address: r.address ^ 1n}), {shapes: [{isFirst: true}, {isFirst: true, same: 1}]});
    await bad("same-address on a batch's first first write is refused", (r, c) => {
        c.ctx.prevAddress = NO_ADDRESS;
        c.rows[0].isFirst = 0;
        Object.assign(c.rows[0], {kind: 0, same: 0, address: 0n, slot: 0n, slotLen: 0});
        Object.assign(c.rows[0], randValuePart((c.rows[0].oldValue = 99n)));
        Object.assign(r, {same: 1, address: NO_ADDRESS});
    }, {shapes: [repeated, {isFirst: true}]});
    await bad("an address of 2^160 is refused", (r) => Object.assign(r, {address: NO_ADDRESS}), {shapes: [{}, {isFirst: true, same: 0}]});
    await bad("isFirst = 2 is refused", () => {}, {shapes: [{}, repeated], spoilInput: (input) => (input.isFirst[1] = "2")});
    await bad("a gap of 2^32 is refused", (r) => Object.assign(r, {gap: 1n << 32n, gapLen: 5}));
    await bad("a gap longer than its varint is refused", (r) => Object.assign(r, {gap: 128n, gapLen: 1}));
    await bad("a varint of 0 bytes is refused", (r) => Object.assign(r, {gap: 0n, gapLen: 0}));
    await bad("a varint of 6 bytes is refused", (r) => Object.assign(r, {gap: 1n, gapLen: 6}));
    await bad("a stream phase of 31 is refused", () => {}, {spoilInput: (input) => (input.state[2] = "31")});

    // ---- Rust's rows (contracts/test/vectors/shared.json, `pubdataRows`, written by `fractal vectors`
    // from fractal_primitives::pubdata): this file's encoder writes their bytes, and the circuit, row by row
    // from the start of the batch, ends at the evaluation y of the run and at the row commitment Rust
    // computed (and so at the point z the parent draws from it).
    {
        const single = await calculator(one.name);
        const hex = (bytes) => "0x" + bytes.map((x) => x.toString(16).padStart(2, "0")).join("");
        for (const [b, batch] of rustBatches().entries()) {
            const {z, rows} = batch;
            check(
                rows.every((r, i) => hex(encodeRow(r)) === batch.vectors[i].bytes.toLowerCase()),
                `Rust batch ${b}: this file's encoder writes Rust's bytes for each of its ${rows.length} rows`,
            );
            let ctx = {p0: 0, acc0: 0n, z, prevAddress: NO_ADDRESS, commit: 0n};
            let rowsOk = true;
            for (let at = 0; at < rows.length; ) {
                const n = rows.length - at >= R ? R : 1;
                const w = await (n === R ? wc : single).calculateWitness(makeInput(rows.slice(at, at + n), ctx), true);
                const out = w.slice(1, 1 + 3 + 3 * n + 1);
                let length = 0;
                for (let i = 0; i < n; i++) {
                    const v = batch.vectors[at + i];
                    length += Number(out[3 + i]);
                    rowsOk &&= out[3 + i] === BigInt((v.bytes.length - 2) / 2);
                    rowsOk &&= !v.first || out[3 + n + i] === BigInt(v.key);
                }
                ctx = {p0: ctx.p0 + length, acc0: out[0], z, prevAddress: out[3 + 3 * n - 1], commit: out[3 + 3 * n]};
                rowsOk &&= out[1] === weightAt(ctx.p0, z) && out[2] === BigInt(ctx.p0 % 31);
                at += n;
            }
            check(rowsOk, `Rust batch ${b}: each row's length and each first write's key are Rust's`);
            check(ctx.p0 === batch.run.length, `Rust batch ${b}: the rows are the run's ${ctx.p0} bytes`);
            check(ctx.acc0 === batch.y, `Rust batch ${b}: the circuit's stream ends at Rust's y`);
            check(ctx.commit === batch.rowCommitment, `Rust batch ${b}: the circuit's row commitment is Rust's`);
        }
    }

    await finishLies();
} finally {
    removeDir(work);
}
finish();
