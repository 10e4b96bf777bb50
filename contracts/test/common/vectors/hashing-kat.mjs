// Known-answer values for contracts/test/common/Hashing.t.sol, computed with circomlibjs (the reference
// Poseidon the circuits use), independently of the Solidity code under test.
// Run from the repository root: `node contracts/test/common/vectors/hashing-kat.mjs`.
import {buildPoseidon} from "circomlibjs";

const poseidon = await buildPoseidon();
const F = poseidon.F;
const H = (xs) => F.toObject(poseidon(xs));
const hex = (x) => "0x" + x.toString(16).padStart(64, "0");

console.log("poseidon([1,2])   =", hex(H([1n, 2n])));
console.log("poseidon([1,2,3]) =", hex(H([1n, 2n, 3n])));
console.log("poseidon([1,2,3,4]) =", hex(H([1n, 2n, 3n, 4n])));

// The state tree (docs/state.md): quaternary, depth 16, positions = entry indices, leaf =
// Poseidon(key, value >> 128, value mod 2^128), node = Poseidon(c0, c1, c2, c3), empty subtrees E_l.
const DEPTH = 16;
const E = [0n];
for (let l = 0; l < DEPTH; l++) E.push(H([E[l], E[l], E[l], E[l]]));
console.log("empty state root  =", hex(E[DEPTH]));

const leaf = (key, value) => H([key, value >> 128n, value & ((1n << 128n) - 1n)]);

// Root of the subtree at `level` whose positions are prefix·4^level … (prefix+1)·4^level − 1.
function node(entries, level, prefix) {
    const inside = entries.filter(([index]) => index >> BigInt(2 * level) === prefix);
    if (inside.length === 0) return E[level];
    if (level === 0) return leaf(inside[0][1], inside[0][2]);
    const children = [0n, 1n, 2n, 3n].map((c) => node(inside, level - 1, prefix * 4n + c));
    return H(children);
}
const root = (entries) => node(entries, DEPTH, 0n);

const big = 2n ** 200n + 7n;
console.log("key 5 = 2^200+7 at index 0         =", hex(root([[0n, 5n, big]])));
console.log("key 5 = 2^200+7 at index 2^32 - 1  =", hex(root([[2n ** 32n - 1n, 5n, big]])));
// Four entries: two under one parent, one in another quarter, one at the last position.
const four = [
    [0n, 11n, 1000n],
    [1n, 12n, big],
    [6n, 13n, 42n],
    [2n ** 32n - 1n, 14n, 2n ** 256n - 1n],
];
console.log("four entries                       =", hex(root(four)));

// payloadHash of the 40 bytes 0x01, 0x02, …, 0x28: seeded with the length, one Poseidon(h, chunk) per
// 31-byte big-endian chunk, the last one right-padded with zeros.
const payload = Array.from({length: 40}, (_, i) => BigInt(i + 1));
let h = BigInt(payload.length);
for (let off = 0; off < payload.length; off += 31) {
    let chunk = 0n;
    for (let j = 0; j < 31; j++) chunk = (chunk << 8n) | (off + j < payload.length ? payload[off + j] : 0n);
    h = H([h, chunk]);
}
console.log("payloadHash(1..40) =", hex(h));

// stateKey (docs/state.md): Poseidon(kind, address, slot >> 128, slot mod 2^128). Storage slot
// 0x0102…20 of 0x00…AB, and the balance (kind 2, slot 0) of 0xA11CE.
const slot = BigInt("0x" + Array.from({length: 32}, (_, i) => (i + 1).toString(16).padStart(2, "0")).join(""));
const split = (x) => [x >> 128n, x & ((1n << 128n) - 1n)];
console.log("stateKey(0, 0xAB, 0x0102…20) =", hex(H([0n, 0xABn, ...split(slot)])));
console.log("stateKey(2, 0xA11CE, 0)      =", hex(H([2n, 0xA11CEn, 0n, 0n])));
