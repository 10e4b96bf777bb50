// Tests circuits/src/pubdata_stream.circom's StreamAppend against a reference evaluation written here
// independently, and measures its constraints per row. Run from the repository root:
// `node tests/circuits/stream_append.mjs` (`make test-circuits`).
//
// The reference is the parent's definition (docs/proofs.md): y = Σ_j c_j · z^j over the 31-byte chunks
// of the byte stream; the circuit must produce it row by row from any starting position.
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {calculator as loadCalculator, check, compileCircom, evaluateChunks, finish, mod, P, passed, randomFrom, refusedBy, removeDir, root, weightAt, workDir, wtnsCheck, writeHarness} from "./common.mjs";

const L = 90; // a row's longest encoding in the plan
const R = 3;
const work = workDir("stream");

const rand = randomFrom(0x5eedn);
const randField = () => {
    let x = 0n;
    for (let i = 0; i < 8; i++) x = (x << 32n) | BigInt(rand(2 ** 31) * 2 + rand(2));
    return x % P;
};

// Compiles the harness over `rows` rows of `width` bytes. `template` replaces
// circuits/src/pubdata_stream.circom (a lying variant); `opt` is circom's simplification flag.
function compile(rows, {tag = "", template, opt = "--O2", width = L} = {}) {
    const name = `stream_${rows}${tag}`;
    const source = writeHarness(
        work,
        name,
        "pubdata_stream.circom",
        `template StreamAppendTest(L, R) {
    var M = L \\ 31 + 1;
    if (M < 2) {
        M = 2; // z itself is used for the wrap
    }
    signal input z;
    signal input state[3];
    signal input bytes[R][L];
    signal input len[R];
    signal output out[3];
    signal zPow[M];
    zPow[0] <== 1;
    for (var j = 1; j < M; j++) { zPow[j] <== zPow[j - 1] * z; }
    component rows[R];
    for (var i = 0; i < R; i++) {
        rows[i] = StreamAppend(L);
        rows[i].zPow <== zPow;
        rows[i].accIn <== i == 0 ? state[0] : rows[i - 1].accOut;
        rows[i].weightIn <== i == 0 ? state[1] : rows[i - 1].weightOut;
        rows[i].phaseIn <== i == 0 ? state[2] : rows[i - 1].phaseOut;
        rows[i].bytes <== bytes[i];
        rows[i].len <== len[i];
    }
    component last = OneHot(31);
    last.x <== rows[R - 1].phaseOut;
    out[0] <== rows[R - 1].accOut;
    out[1] <== rows[R - 1].weightOut;
    out[2] <== rows[R - 1].phaseOut;
}
component main {public [z, state]} = StreamAppendTest(${width}, ${rows});
`,
        template,
    );
    return compileCircom(source, work, {opt});
}

const calculator = (name) => loadCalculator(work, name);

// One case: rows of the given lengths (and bytes) appended from stream position p0 with sum acc0.
function makeCase(p0, acc0, lens, z, {spoil, width = L} = {}) {
    const bytes = lens.map((len) => Array.from({length: width}, (_, k) => (k < len ? rand(256) : 0)));
    if (spoil) spoil(bytes, lens);
    const input = {
        z: z.toString(),
        state: [acc0, weightAt(p0, z), BigInt(p0 % 31)].map(String),
        bytes: bytes.map((row) => row.map(String)),
        len: lens.map(String),
    };
    const stream = bytes.flatMap((row, i) => row.slice(0, lens[i]));
    const end = p0 + stream.length;
    // The bytes at p0 … end − 1 of a stream whose earlier bytes are zero: the chunk evaluation of
    // zeros(p0) ‖ stream, plus what was summed before.
    const expected = [mod(acc0 + evaluateChunks([...Array(p0).fill(0), ...stream], z)), weightAt(end, z), BigInt(end % 31)];
    return {input, expected};
}

try {
    const one = compile(1);
    const many = compile(R);
    const perRow = (many.constraints - one.constraints) / (R - 1);
    console.log(`# StreamAppend(${L}): ${perRow} constraints per row (${(perRow / L).toFixed(2)} per byte of the row's longest encoding)`);
    check(perRow <= 5 * L + 60, `a row of at most ${L} bytes costs at most 5 per byte + 60 constraints (${perRow})`);

    const wc = await calculator(many.name);
    const run = async (input) => wc.calculateWitness(input, true);

    // Positive cases: random starts, lengths and bytes, plus the edges.
    const cases = [];
    for (let i = 0; i < 24; i++) {
        cases.push([rand(400), randField(), [rand(L + 1), rand(L + 1), rand(L + 1)], randField(), "random"]);
    }
    cases.push([0, 0n, [0, 0, 0], randField(), "three empty rows leave the state as it was"]);
    cases.push([0, 0n, [L, L, L], randField(), "three full rows from the start of the stream"]);
    cases.push([30, 0n, [1, 31, 62], randField(), "from the last position of a chunk"]);
    cases.push([31 * 7 + 5, 7n, [26, 31, 30], randField(), "rows ending exactly at chunk boundaries"]);
    cases.push([12, 0n, [L, 0, 5], 0n, "z = 0 keeps only the first chunk"]);
    cases.push([5, 0n, [L, L, L], 1n, "z = 1 sums the chunks"]);
    let ok = true;
    let firstWitness;
    for (const [p0, acc0, lens, z, what] of cases) {
        const {input, expected} = makeCase(p0, acc0, lens, z);
        const w = await run(input);
        firstWitness ??= input;
        const got = [w[1], w[2], w[3]];
        const same = got.every((x, i) => x === expected[i]);
        if (!same) console.log(`# ${what}: start ${p0}, lengths ${lens}: got ${got}, expected ${expected}`);
        ok &&= same;
        if (what !== "random") check(same, what);
    }
    check(ok, `${cases.length} cases equal the parent's 31-byte-chunk evaluation (sum, next weight, phase)`);

    // The stream from position 0 is exactly the parent's polynomial of the concatenated rows.
    {
        const z = randField();
        const {input, expected} = makeCase(0, 0n, [40, 90, 17], z);
        const stream = input.bytes.flatMap((row, i) => row.slice(0, Number(input.len[i])).map(BigInt));
        const w = await run(input);
        check(w[1] === evaluateChunks(stream, z) && w[1] === expected[0], "from position 0 the sum is y = Σ c_j z^j of the rows' bytes");
    }

    // A segment shorter than a chunk (PubdataRow appends its rows' fields in such pieces), from every
    // phase: its bytes cross at most one chunk boundary.
    {
        const S = 5;
        const short = compile(R, {tag: "_short", width: S});
        const wcs = await calculator(short.name);
        let same = true;
        for (let i = 0; i < 62; i++) {
            const z = i === 0 ? 0n : randField();
            const lens = [rand(S + 1), rand(S + 1), rand(S + 1)];
            const {input, expected} = makeCase(i < 31 ? 31 * rand(10) + i : rand(400), randField(), lens, z, {width: S});
            const w = await wcs.calculateWitness(input, true);
            same &&= [w[1], w[2], w[3]].every((x, j) => x === expected[j]);
        }
        check(same, `StreamAppend(${S}): 62 cases from every phase equal the parent's evaluation`);
    }

    // The witness satisfies the constraint system (snarkjs checks every constraint).
    {
        const wtns = join(work, "case.wtns");
        writeFileSync(wtns, await wc.calculateWTNSBin(firstWitness, true));
        const satisfied = wtnsCheck(join(work, `${many.name}.r1cs`), wtns, {verbose: true});
        check(satisfied, "snarkjs wtns check: the witness satisfies every constraint");
    }

    // Lying witnesses. The calculator computes every `<--` signal honestly, so feeding it bad inputs
    // cannot show that the constraints pin those signals down. Here the same template is compiled with a
    // lying assignment to such a signal and without the one constraint that should catch it (a circuit
    // with the same signals: --O0 keeps every signal as a wire, in declaration order): its witness
    // satisfies the lying circuit, and the real one must refuse it.
    const template = readFileSync(join(root, "circuits/src/pubdata_stream.circom"), "utf8");
    const honest = compile(R, {tag: "_o0", opt: "--O0"});
    const satisfies = (circuit, wtns) => wtnsCheck(join(work, `${circuit}.r1cs`), wtns);
    const lie = async (what, replacements, p0, lens, spoil) => {
        let source = template;
        for (const [from, to] of replacements) {
            if (!source.includes(from)) throw new Error(`the template no longer has: ${from}`);
            source = source.replace(from, to);
        }
        const liar = compile(R, {tag: `_lie${passed()}`, template: source, opt: "--O0"});
        const {input} = makeCase(p0, 0n, lens, randField(), {spoil});
        const wtns = join(work, `${liar.name}.wtns`);
        writeFileSync(wtns, await (await calculator(liar.name)).calculateWTNSBin(input, true));
        check(satisfies(liar.name, wtns) && !satisfies(honest.name, wtns), what);
    };
    await lie(
        "a wrap bit e that is not 0 or 1 (phaseOut forced into range) is refused: e·(e − 1) = 0",
        [["e <-- (phaseIn + r) >= 31 ? 1 : 0;\n    e * (e - 1) === 0;", "e <-- (phaseIn + r - 5) / 31;"]],
        3,
        [10, 20, 30],
    );
    await lie(
        "an all-zero one-hot of x = 0 is refused: its signals must sum to 1",
        [["out[i] <-- x == i ? 1 : 0;", "out[i] <-- 0;"], ["    count === 1;\n", ""]],
        0,
        [0, 0, 0],
    );
    await lie(
        "a one-hot set one place too far is refused: it must recompose x",
        [["out[i] <-- x == i ? 1 : 0;", "out[i] <-- x + 1 == i ? 1 : 0;"], ["    value === x;\n", ""]],
        3,
        [10, 20, 30],
    );
    await lie(
        "a non-zero byte past a row's length is refused by the constraint system too",
        [["        bytes[k] * past === 0;\n", ""]],
        3,
        [10, 20, 30],
        (bytes) => {
            bytes[1][25] = 7;
        },
    );

    // Bad input is refused.
    // Refused by one of the circuit's own constraints (circom's calculator checks each `===` as it goes
    // and reports "Assert Failed"), not by some other error.
    const refused = (input) => refusedBy(() => run(input));
    {
        const {input} = makeCase(3, 0n, [10, 20, 30], randField());
        input.bytes[1][25] = "7";
        check(await refused(input), "a non-zero byte past a row's length is refused");
    }
    {
        const {input} = makeCase(3, 0n, [10, 20, 30], randField());
        input.state[2] = "31";
        check(await refused(input), "a starting phase of 31 is refused");
    }
    {
        const {input} = makeCase(3, 0n, [10, 20, 30], randField());
        input.len[0] = String(L + 1);
        check(await refused(input), `a length above ${L} is refused`);
    }
    {
        const {input} = makeCase(3, 0n, [10, 20, 30], randField());
        input.len[2] = String(P - 1n);
        check(await refused(input), "a negative length is refused");
    }
} finally {
    removeDir(work);
}
finish();
