// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "pubdata_stream.circom";

// One row of the pubdata's run of writes (version 2, docs/proofs.md "binding the writes to the
// pubdata"), re-encoded into its bytes and appended to the evaluation stream:
//
//     varint(gap) ‖ [first writes: keyTag ‖ address unless same-address ‖ slot (storage)] ‖ header ‖ word
//
// A row's segments have variable lengths, and placing a segment at a variable offset inside the row
// costs about (segment × offsets) constraints. So each segment is appended to the stream on its own,
// from the stream state the previous one left (a 31-way phase one-hot each): [varint], [keyTag ‖
// address], [slot], [header ‖ word]. Every byte is a linear combination of boolean signals, so it is a
// byte by construction; those decompositions are also the range checks of the address, the slot, the
// word, the gap and the new value.

// 2^n as a field constant.
function rowPow2(n) {
    var x = 1;
    for (var i = 0; i < n; i++) {
        x = x * 2;
    }
    return x;
}

// Byte k (0 = first emitted) of the `len`-byte big-endian encoding of hi · 2^128 + lo; 0 past len.
function beByte(hi, lo, len, k) {
    var q = len - 1 - k; // the byte's place from the least significant end
    if (q < 0 || q > 31) {
        return 0;
    }
    if (q >= 16) {
        return (hi >> (8 * (q - 16))) & 255;
    }
    return (lo >> (8 * q)) & 255;
}

// The first `len` bytes of bytes[32] are the big-endian encoding of value = [hi, lo] in exactly len bytes
// (leading zero bytes allowed) and the rest are 0; so value < 256^len, and both halves < 2^128.
// lenHot is the caller's one-hot of len (0 … 32). The emitted bytes are left-aligned because that is how
// the stream appends them; the cost of the variable alignment is the one or two products per byte that
// weigh byte k by 256^(len − 1 − k) into its half (48 in all), and the padding check (32).
template BigEndianBytes() {
    signal input value[2];
    signal input lenHot[33];
    signal output bytes[32];

    // len as a signal, for the witness computation below (O2 folds it away).
    signal lenSum;
    var len = 0;
    for (var l = 0; l <= 32; l++) {
        len += l * lenHot[l];
    }
    lenSum <== len;

    signal bits[32][8];
    signal hiTerm[16];
    signal loTerm[32];
    var hi = 0;
    var lo = 0;
    var past = 0; // [k ≥ len]
    for (var k = 0; k < 32; k++) {
        var byte = 0;
        for (var j = 0; j < 8; j++) {
            bits[k][j] <-- (beByte(value[0], value[1], lenSum, k) >> j) & 1;
            bits[k][j] * (bits[k][j] - 1) === 0;
            byte += bits[k][j] * rowPow2(j);
        }
        bytes[k] <== byte;

        past += lenHot[k];
        bytes[k] * past === 0;

        // Byte k weighs 256^(len − 1 − k): into the high half when that place is 16 or more.
        var cHi = 0;
        var cLo = 0;
        for (var l = k + 1; l <= 32; l++) {
            var q = l - 1 - k;
            if (q >= 16) {
                cHi += lenHot[l] * rowPow2(8 * (q - 16));
            } else {
                cLo += lenHot[l] * rowPow2(8 * q);
            }
        }
        if (k < 16) {
            hiTerm[k] <== bytes[k] * cHi;
            hi += hiTerm[k];
        }
        loTerm[k] <== bytes[k] * cLo;
        lo += loTerm[k];
    }
    value[0] === hi;
    value[1] === lo;
}

// The packing's operand ("word") of a write, as the encoder chose it: FULL the new value, ADD new − old,
// SUB old − new, ADD_SMALL none (its delta is in the header). part 0 is the high half, 1 the low.
function rowWord(packing, oldHi, oldLo, newHi, newLo, part) {
    var aHi = newHi;
    var aLo = newLo;
    var bHi = oldHi;
    var bLo = oldLo;
    if (packing == 0) {
        bHi = 0;
        bLo = 0;
    }
    if (packing == 2) {
        aHi = oldHi;
        aLo = oldLo;
        bHi = newHi;
        bLo = newLo;
    }
    if (packing == 3) {
        return 0;
    }
    var borrow = aLo < bLo ? 1 : 0;
    if (part == 0) {
        return aHi - bHi - borrow;
    }
    return aLo + borrow * rowPow2(128) - bLo;
}

// One row. Inputs:
// - zPow[2] = [1, z], and the stream state (accIn, weightIn, phaseIn) as StreamAppend has it (phaseIn is
//   range-checked here; the caller range-checks the last row's phaseOut, see StreamAppend);
// - isFirst: 1 for a first write (the caller ties it to the position's old leaf being 0), else 0;
// - gap (< 2^32), gapLen (1 … 5, the varint's bytes; overlong forms allowed);
// - first writes: kind (0 storage, 1 nonce, 2 balance, 3 code hash), sameAddress (0/1), address
//   (< 2^160), slot = [hi, lo], slotLen (storage 1 … 32, account fields 0). prevAddress is the previous
//   row's addressOut (the caller starts a batch with a value that is not an address, e.g. 2^160, so that
//   a first first-write cannot claim the same address). A repeated write emits none of these: pass
//   slotLen = 0, slot = 0, and any kind / sameAddress / address < 2^160 (its `key` is then meaningless);
// - oldValue = [hi, lo] (the caller's: the position's old value, each half < 2^128; 0 for a first write,
//   checked here), newValue = [hi, lo] (each half < 2^128, checked here);
// - packing (0 FULL, 1 ADD, 2 SUB, 3 ADD_SMALL) and valueLen = the header's bits 5–0: the word's byte
//   length (0 … 32) for packings 0–2, delta − 1 (0 … 63) for ADD_SMALL.
// - commitIn: the row commitment so far (0 before a batch's first row).
// Outputs: the stream state after the row, its byte length `rowLength` (the caller sums it into the
// stream's length), `key` = Poseidon(kind, address, slot hi, slot lo) (meaningful for first writes),
// `addressOut`, the next row's prevAddress, and `commitOut`, the row commitment P with this row folded in
// (docs/proofs.md; `fractal_primitives::pubdata::row_commitment` is the reference):
//     Poseidon(commitIn, f, slot hi, slot lo, word hi, word lo),
//     f = gap | gapLen << 32 | first << 35 | kind << 36 | sameAddress << 38 | slotLen << 39 | packing << 45
//         | valueLen << 47 | address << 53,
// kind, sameAddress and address counted for first writes only (a repeated write's bytes do not say them).
//
// What the caller must do besides: compute index = previous index + 1 + gap (the batch's first row: gap)
// and hold it to the position the row's tree path proves (the path's bits keep it below 2^32, and gap ≥ 0
// keeps the rows strictly ascending); use `key` as the new leaf's key of a first write and the old leaf's
// key for a repeated one; sum `rowLength` into the stream length; range-check the last phaseOut; carry
// (acc, weight, phase, addressOut) between chunks and start a batch at (0, 256^30, 0, 2^160).
template PubdataRow() {
    signal input zPow[2];
    signal input accIn;
    signal input weightIn;
    signal input phaseIn;
    signal input isFirst;
    signal input gap;
    signal input gapLen;
    signal input kind;
    signal input sameAddress;
    signal input address;
    signal input prevAddress;
    signal input slot[2];
    signal input slotLen;
    signal input oldValue[2];
    signal input newValue[2];
    signal input packing;
    signal input valueLen;
    signal input commitIn;
    signal output accOut;
    signal output weightOut;
    signal output phaseOut;
    signal output rowLength;
    signal output key;
    signal output addressOut;
    signal output commitOut;

    isFirst * (isFirst - 1) === 0;

    // ---- [varint(gap)]: 7-bit groups, least significant first, bit 7 set on all bytes but the last.
    component gapBits = Num2Bits(32);
    gapBits.in <== gap;
    component gapHot = OneHot(6);
    gapHot.x <== gapLen;
    gapHot.out[0] === 0;
    // cont[i] = [i < gapLen − 1]: the continuation bit of byte i (byte 4 is always the last).
    signal cont[4];
    for (var i = 0; i < 4; i++) {
        cont[i] <-- i < gapLen - 1 ? 1 : 0;
        var later = 0;
        for (var l = i + 2; l <= 5; l++) {
            later += gapHot.out[l];
        }
        cont[i] === later;
    }
    signal varint[5];
    for (var i = 0; i < 5; i++) {
        var group = 0;
        for (var j = 0; j < 7 && 7 * i + j < 32; j++) {
            group += gapBits.out[7 * i + j] * rowPow2(j);
        }
        varint[i] <== group + (i < 4 ? 128 * cont[i] : 0);
    }
    component phase1 = OneHot(31);
    phase1.x <== phaseIn;
    component place1 = StreamPlace(5, 0);
    place1.zPow <== zPow;
    place1.weightIn <== weightIn;
    place1.phaseHot <== phase1.out;
    place1.bytes <== varint;
    // The groups past gapLen must be 0 (gap < 128^gapLen); their bytes have no continuation bit.
    var pastGap = 0;
    for (var i = 0; i < 5; i++) {
        pastGap += gapHot.out[i];
        varint[i] * pastGap === 0;
    }
    component advance1 = StreamAdvance(5);
    advance1.zPow <== zPow;
    advance1.weightIn <== weightIn;
    advance1.phaseIn <== phaseIn;
    advance1.lenHot <== gapHot.out;

    // ---- [keyTag ‖ address]: 0 bytes (repeated write), 1 (same address) or 21.
    signal kindBits[2];
    kindBits[0] <-- kind & 1;
    kindBits[1] <-- (kind >> 1) & 1;
    kindBits[0] * (kindBits[0] - 1) === 0;
    kindBits[1] * (kindBits[1] - 1) === 0;
    kind === kindBits[0] + 2 * kindBits[1];
    signal isStorage;
    isStorage <== (1 - kindBits[0]) * (1 - kindBits[1]);
    sameAddress * (sameAddress - 1) === 0;
    sameAddress * (address - prevAddress) === 0;

    component slotHot = OneHot(33);
    slotHot.x <== slotLen;
    // A first storage write has 1 … 32 slot bytes; account fields and repeated writes have none (and so
    // slot 0, which BigEndianBytes below then forces).
    signal storageFirst;
    storageFirst <== isStorage * isFirst;
    storageFirst * slotHot.out[0] === 0;
    (1 - isStorage) * slotLen === 0;
    (1 - isFirst) * slotLen === 0;

    // keyTag = kind · 64 + same · 32 + (slotLen − 1 for storage, 0 otherwise): each part in range, so a
    // byte; and 0 for a repeated write, whose segment is empty.
    signal tag;
    tag <== isFirst * (64 * kind + 32 * sameAddress + slotLen - isStorage);
    signal emitAddress;
    emitAddress <== isFirst * (1 - sameAddress);

    // The address is range-checked even when it is not emitted: with same-address it must equal
    // prevAddress, and a non-address there (the batch's starting value) must fail.
    component addressBits = Num2Bits(160);
    addressBits.in <== address;
    signal addressBytes[20];
    for (var i = 0; i < 20; i++) {
        var byte = 0;
        for (var j = 0; j < 8; j++) {
            byte += addressBits.out[8 * (19 - i) + j] * rowPow2(j);
        }
        addressBytes[i] <== byte;
    }

    component phase2 = OneHot(31);
    phase2.x <== advance1.phaseOut;
    // The tag is the segment's byte 0, at the segment's own weight. The address is placed as if emitted
    // and its sum taken or not as a whole: one product instead of one per byte.
    signal tagTerm;
    tagTerm <== tag * advance1.weightOut;
    component place2 = StreamPlace(20, 1);
    place2.zPow <== zPow;
    place2.weightIn <== advance1.weightOut;
    place2.phaseHot <== phase2.out;
    place2.bytes <== addressBytes;
    signal addressTerm;
    addressTerm <== emitAddress * place2.sum;
    component advance2 = StreamAdvance(21);
    advance2.zPow <== zPow;
    advance2.weightIn <== advance1.weightOut;
    advance2.phaseIn <== advance1.phaseOut;
    advance2.lenHot[0] <== 1 - isFirst;
    advance2.lenHot[1] <== isFirst - emitAddress;
    for (var i = 2; i < 21; i++) {
        advance2.lenHot[i] <== 0;
    }
    advance2.lenHot[21] <== emitAddress;

    // ---- [slot]: slotLen bytes, big-endian.
    component slotBytes = BigEndianBytes();
    slotBytes.value <== slot;
    slotBytes.lenHot <== slotHot.out;
    component phase3 = OneHot(31);
    phase3.x <== advance2.phaseOut;
    component place3 = StreamPlace(32, 0);
    place3.zPow <== zPow;
    place3.weightIn <== advance2.weightOut;
    place3.phaseHot <== phase3.out;
    place3.bytes <== slotBytes.bytes;
    component advance3 = StreamAdvance(32);
    advance3.zPow <== zPow;
    advance3.weightIn <== advance2.weightOut;
    advance3.phaseIn <== advance2.phaseOut;
    advance3.lenHot <== slotHot.out;

    // ---- [header ‖ word]: header = packing · 64 + valueLen, then wordLen bytes.
    signal packingBits[2];
    packingBits[0] <-- packing & 1;
    packingBits[1] <-- (packing >> 1) & 1;
    packingBits[0] * (packingBits[0] - 1) === 0;
    packingBits[1] * (packingBits[1] - 1) === 0;
    packing === packingBits[0] + 2 * packingBits[1];
    component valueLenBits = Num2Bits(6);
    valueLenBits.in <== valueLen;
    signal small; // ADD_SMALL
    small <== packingBits[0] * packingBits[1];
    var full = 1 - packingBits[0] - packingBits[1] + small;
    var sub = packingBits[1] - small;
    signal wordLen;
    wordLen <== (1 - small) * valueLen;
    component wordHot = OneHot(33); // also: valueLen ≤ 32 unless ADD_SMALL
    wordHot.x <== wordLen;

    var two128 = rowPow2(128);
    signal word[2];
    word[0] <-- rowWord(packing, oldValue[0], oldValue[1], newValue[0], newValue[1], 0);
    word[1] <-- rowWord(packing, oldValue[0], oldValue[1], newValue[0], newValue[1], 1);
    component wordBytes = BigEndianBytes();
    wordBytes.value <== word;
    wordBytes.lenHot <== wordHot.out;

    component phase4 = OneHot(31);
    phase4.x <== advance3.phaseOut;
    component place4 = StreamPlace(33, 0);
    place4.zPow <== zPow;
    place4.weightIn <== advance3.weightOut;
    place4.phaseHot <== phase4.out;
    place4.bytes[0] <== 64 * packing + valueLen;
    for (var k = 0; k < 32; k++) {
        place4.bytes[k + 1] <== wordBytes.bytes[k];
    }
    component advance4 = StreamAdvance(33);
    advance4.zPow <== zPow;
    advance4.weightIn <== advance3.weightOut;
    advance4.phaseIn <== advance3.phaseOut;
    advance4.lenHot[0] <== 0;
    for (var k = 0; k <= 32; k++) {
        advance4.lenHot[k + 1] <== wordHot.out[k];
    }

    accOut <== accIn + place1.sum + tagTerm + addressTerm + place3.sum + place4.sum;
    weightOut <== advance4.weightOut;
    phaseOut <== advance4.phaseOut;
    rowLength <== gapLen + isFirst + 20 * emitAddress + slotLen + 1 + wordLen;

    // ---- The value: new = word (FULL), old + word (ADD, ADD_SMALL with word = delta), old − word (SUB),
    // in 128-bit halves with a carry (borrow) c between them. With the halves of new, old and word all
    // below 2^128 these are integer equations, and new's range checks are the no-overflow/underflow checks.
    component newHi = Num2Bits(128);
    newHi.in <== newValue[0];
    component newLo = Num2Bits(128);
    newLo.in <== newValue[1];
    isFirst * oldValue[0] === 0;
    isFirst * oldValue[1] === 0;
    signal baseHi;
    signal baseLo;
    baseHi <== (1 - full) * oldValue[0];
    baseLo <== (1 - full) * oldValue[1];
    signal smallDelta;
    smallDelta <== small * (valueLen + 1);
    signal c;
    c <-- packing == 2 ? (oldValue[1] < word[1] ? 1 : 0) : (packing == 0 ? 0 : (oldValue[1] + word[1] + smallDelta >= two128 ? 1 : 0));
    c * (c - 1) === 0;
    var sigma = 1 - 2 * sub;
    newValue[1] - baseLo === sigma * (word[1] + smallDelta - c * two128);
    newValue[0] - baseHi === sigma * (word[0] + c);

    // The write changes the value: (newHi − oldHi, newLo − oldLo) ≠ (0, 0). One field combination of the
    // two differences could vanish for a nonzero pair, so: dHi ≠ 0, or else dLo ≠ 0.
    signal dHiZero;
    signal dHiInv;
    var dHi = newValue[0] - oldValue[0];
    var dLo = newValue[1] - oldValue[1];
    dHiInv <-- dHi != 0 ? 1 / dHi : 0;
    dHiZero <== 1 - dHi * dHiInv;
    dHi * dHiZero === 0;
    signal dLoIfHiZero;
    dLoIfHiZero <== dHiZero * dLo;
    signal changedInv;
    changedInv <-- dLoIfHiZero + 1 - dHiZero != 0 ? 1 / (dLoIfHiZero + 1 - dHiZero) : 0;
    (dLoIfHiZero + 1 - dHiZero) * changedInv === 1;

    component hash = Poseidon(4);
    hash.inputs[0] <== kind;
    hash.inputs[1] <== address;
    hash.inputs[2] <== slot[0];
    hash.inputs[3] <== slot[1];
    key <== hash.out;
    addressOut <== prevAddress + isFirst * (address - prevAddress);

    // ---- The row commitment. Every field of f is range-checked above (gap 32 bits, gapLen ≤ 5, kind 2
    // bits, slotLen ≤ 32, packing 2 bits, valueLen 6 bits, address 160 bits), so f (213 bits) is one-to-one.
    signal firstKind;
    firstKind <== isFirst * kind;
    signal firstAddress;
    firstAddress <== isFirst * address;
    var f = gap + rowPow2(32) * gapLen + rowPow2(35) * isFirst + rowPow2(36) * firstKind
        + rowPow2(38) * (isFirst - emitAddress) + rowPow2(39) * slotLen + rowPow2(45) * packing
        + rowPow2(47) * valueLen + rowPow2(53) * firstAddress;
    component commit = Poseidon(6);
    commit.inputs[0] <== commitIn;
    commit.inputs[1] <== f;
    commit.inputs[2] <== slot[0];
    commit.inputs[3] <== slot[1];
    commit.inputs[4] <== word[0];
    commit.inputs[5] <== word[1];
    commitOut <== commit.out;
}
