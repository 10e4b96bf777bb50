// Known-answer values for contracts/test/common/Hashing.t.sol, computed with circomlibjs (the reference
// Poseidon and sparse Merkle tree the circuits use), independently of the Solidity code under test.
// Run from the repository root: `node contracts/test/common/vectors/hashing-kat.mjs`.
import {buildPoseidon, newMemEmptyTrie} from "circomlibjs";

const poseidon = await buildPoseidon();
const F = poseidon.F;
const hex = (x) => "0x" + F.toObject(x).toString(16).padStart(64, "0");
const wordHash = (w) => poseidon([w >> 128n, w & ((1n << 128n) - 1n)]);

console.log("poseidon([1,2])   =", hex(poseidon([1n, 2n])));
console.log("poseidon([1,2,3]) =", hex(poseidon([1n, 2n, 3n])));

// Sparse Merkle tree of three keys holding wordHash(value), circomlib layout.
const entries = [
    [5n, 1000n],
    [6n, 2n ** 200n + 7n],
    [3n, 42n],
];
const tree = await newMemEmptyTrie();
for (const [k, v] of entries) await tree.insert(k, wordHash(v));
console.log("smt root          =", hex(tree.root));
for (const [k] of entries) {
    const r = await tree.find(k);
    console.log(`key ${k} siblings =`, r.siblings.map(hex).join(", "));
}

// payloadHash of the 40 bytes 0x01, 0x02, …, 0x28: seeded with the length, one Poseidon(h, chunk) per
// 31-byte big-endian chunk, the last one right-padded with zeros.
const payload = Array.from({length: 40}, (_, i) => BigInt(i + 1));
let h = F.e(BigInt(payload.length));
for (let off = 0; off < payload.length; off += 31) {
    let chunk = 0n;
    for (let j = 0; j < 31; j++) chunk = (chunk << 8n) | (off + j < payload.length ? payload[off + j] : 0n);
    h = poseidon([h, chunk]);
}
console.log("payloadHash(1..40) =", hex(h));
