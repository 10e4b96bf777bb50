// SPDX-License-Identifier: MIT OR Apache-2.0
pragma circom 2.1.0;

// The pubdata evaluation stream of the binding plan (docs/proofs.md, "binding the writes to the
// pubdata"): the circuit re-encodes its rows into the bytes the pubdata publishes and evaluates them as
// the polynomial the parent computes over 31-byte chunks,
//
//     y = Σ_j c_j · z^j,   c_j = the j-th 31-byte big-endian chunk of the bytes (the last zero-padded),
//
// which is Σ_p b_p · 256^(30 − p mod 31) · z^⌊p/31⌋ over the bytes b_p at stream positions p. A row's
// bytes start at a position only known at proving time, so the stream's state between rows is
// (acc, weight, phase): the sum so far, the weight 256^(30 − phase) · z^⌊p/31⌋ of the next position p, and
// phase = p mod 31. The start of a stream is (0, 256^30, 0).

// out[i] = 1 exactly when x = i; fails unless x is one of 0 … n − 1.
template OneHot(n) {
    signal input x;
    signal output out[n];
    var count = 0;
    var value = 0;
    for (var i = 0; i < n; i++) {
        out[i] <-- x == i ? 1 : 0;
        out[i] * (out[i] - 1) === 0;
        count += out[i];
        value += i * out[i];
    }
    count === 1;
    value === x;
}

// Appends the first `len` of `bytes` (0 ≤ len ≤ L; the bytes past len must be 0) to the stream.
//
// What the caller must do:
// - constrain zPow[j] = z^j for j = 0 … max(L \ 31, 1) (once per proof);
// - make the bytes bytes: they are not range-checked here, and within a chunk (b − 1, b' + 256) weighs
//   the same as (b, b') — the caller builds them from bit decompositions;
// - range-check the last row's `phaseOut` (the next row does it through its own OneHot; whoever takes
//   the last state must too — that check is what makes the wrap bit `e` below honest);
// - sum the rows' `len` into the stream's length and hold it to the length of the bytes the parent
//   evaluated: trailing zero bytes add nothing to the sum, so the sum alone does not fix the length.
// `phaseIn` must be 0 … 30 and `len` 0 … L; both are checked here.
//
// Byte k of the row lands at p0 + k: it has crossed ⌊k/31⌋ chunk boundaries, or one more when
// phaseIn + (k mod 31) ≥ 31 — a sum of phase signals, linear. So its weight is
//     weightIn · 256^−(k mod 31) · z^⌊k/31⌋ · (1 + crossed_k · (256^31 · z − 1)),
// two constraints per byte with the product by the byte, one more for the padding, one for the length's
// one-hot. The pieces (StreamPlace, StreamAdvance) are separate so that a row made of several segments
// can share one-hots it already has and skip the padding check where its bytes are zero by construction.
template StreamAppend(L) {
    var M = L \ 31 + 1;
    signal input zPow[M < 2 ? 2 : M];
    signal input accIn;
    signal input weightIn;
    signal input phaseIn;
    signal input bytes[L];
    signal input len;
    signal output accOut;
    signal output weightOut;
    signal output phaseOut;

    component phase = OneHot(31);
    phase.x <== phaseIn;
    component length = OneHot(L + 1);
    length.x <== len;

    component place = StreamPlace(L, 0);
    place.zPow <== zPow;
    place.weightIn <== weightIn;
    place.phaseHot <== phase.out;
    place.bytes <== bytes;
    accOut <== accIn + place.sum;

    var past = 0; // [k ≥ len]: the row's bytes end before k
    for (var k = 0; k < L; k++) {
        past += length.out[k];
        bytes[k] * past === 0;
    }

    component advance = StreamAdvance(L);
    advance.zPow <== zPow;
    advance.weightIn <== weightIn;
    advance.phaseIn <== phaseIn;
    advance.lenHot <== length.out;
    weightOut <== advance.weightOut;
    phaseOut <== advance.phaseOut;
}

// 256^−t for t = 0 … 30.
function streamInv256(t) {
    var x = 1;
    for (var i = 0; i < t; i++) {
        x = x / 256;
    }
    return x;
}

// 256^31 · z − 1, the factor of a byte that crossed one more chunk boundary than ⌊k/31⌋.
function streamWrapMinusOne(z) {
    var pow256_31 = 1;
    for (var t = 0; t < 31; t++) {
        pow256_31 = pow256_31 * 256;
    }
    return z * pow256_31 - 1;
}

// Σ_k bytes[k] · weight(p0 + K + k): the bytes of a segment that starts K bytes after the stream
// position p0, whose weight is `weightIn` and whose phase is the one-hot `phaseHot` (the caller's: it
// must be a one-hot, and of p0's phase). K lets a caller place a piece of a segment without shifting
// its bytes. Two constraints per byte (one for its crossing, one for its product), plus one or two per
// 31 bytes. Bytes are not range-checked, and nothing says where the segment ends (StreamAdvance).
template StreamPlace(L, K) {
    var M = (K + L - 1) \ 31 + 1;
    signal input zPow[M < 2 ? 2 : M];
    signal input weightIn;
    signal input phaseHot[31];
    signal input bytes[L];
    signal output sum;

    var wrapMinusOne = streamWrapMinusOne(zPow[1]);
    // base[m] = weightIn · z^m, wrapped[m] = base[m] · (Z − 1).
    signal base[M];
    signal wrapped[M];
    base[0] <== weightIn;
    for (var m = 1; m < M; m++) {
        base[m] <== weightIn * zPow[m];
    }
    for (var m = 0; m < M; m++) {
        wrapped[m] <== base[m] * wrapMinusOne;
    }

    signal crossedTerm[L];
    signal term[L];
    var acc = 0;
    for (var i = 0; i < L; i++) {
        var k = K + i;
        var t = k % 31;
        var m = k \ 31;
        var crossed = 0; // [phase + t ≥ 31]
        for (var f = 31 - t; f < 31; f++) {
            crossed += phaseHot[f];
        }
        if (t == 0) {
            // A byte at a multiple of 31 past p0 never crosses one more boundary: no product needed.
            crossedTerm[i] <== 0;
        } else {
            crossedTerm[i] <== crossed * wrapped[m];
        }
        term[i] <== bytes[i] * (streamInv256(t) * (base[m] + crossedTerm[i]));
        acc += term[i];
    }
    sum <== acc;
}

// The weight and phase of the position p0 + len, from p0's weight and phase (phaseIn must be 0 … 30:
// the caller's OneHot checks it) and the one-hot `lenHot` of len (the caller's: 0 … L). The wrap bit `e`
// is honest only if `phaseOut` is range-checked afterwards (the next segment's phase OneHot does it).
template StreamAdvance(L) {
    var M = L \ 31 + 1;
    signal input zPow[M < 2 ? 2 : M];
    signal input weightIn;
    signal input phaseIn;
    signal input lenHot[L + 1];
    signal output weightOut;
    signal output phaseOut;

    var wrapMinusOne = streamWrapMinusOne(zPow[1]);
    // len = 31·a + r; the next position's weight is weightIn · 256^−r · z^a · Z^e with
    // e = [phaseIn + r ≥ 31], and its phase phaseIn + r − 31·e.
    var r = 0;
    var invR = 0;
    var aHot[M];
    for (var j = 0; j < M; j++) {
        aHot[j] = 0;
    }
    for (var i = 0; i <= L; i++) {
        r += (i % 31) * lenHot[i];
        invR += streamInv256(i % 31) * lenHot[i];
        aHot[i \ 31] += lenHot[i];
    }
    signal zA[M];
    var zAll = 0;
    for (var j = 0; j < M; j++) {
        zA[j] <== aHot[j] * zPow[j];
        zAll += zA[j];
    }
    signal e;
    e <-- (phaseIn + r) >= 31 ? 1 : 0;
    e * (e - 1) === 0;
    signal scaled;
    scaled <== weightIn * invR;
    signal advanced;
    if (M == 1) {
        // zAll = Σ lenHot = 1.
        advanced <== scaled;
    } else {
        advanced <== scaled * zAll;
    }
    signal wrapping;
    wrapping <== e * advanced;
    signal wrappedWeight;
    wrappedWeight <== wrapping * wrapMinusOne;
    weightOut <== advanced + wrappedWeight;
    phaseOut <== phaseIn + r - 31 * e;
}
