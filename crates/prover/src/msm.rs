//! Multi-scalar multiplication with batched affine bucket additions.
//!
//! Pippenger's bucket method with signed `c`-bit digits, like arkworks' (`VariableBaseMSM`), but the
//! buckets are affine points and the additions into them are done in batches that share one field
//! inversion (Montgomery's trick): an affine addition `(x₁, y₁) + (x₂, y₂)` is `λ = (y₂ − y₁)/(x₂ − x₁)`,
//! `x₃ = λ² − x₁ − x₂`, `y₃ = λ(x₁ − x₃) − y₁`, so with the inverse's cost spread over the batch (three
//! multiplications each) an addition costs about 5M + 1S, against 8M + 2S for the extended Jacobian
//! mixed addition arkworks accumulates with. A batch holds at most one addition per bucket: a point for
//! a bucket that already has one waits for the next batch (a few hundred at most; past that, and at the
//! end, it goes into a projective bucket beside the affine one), and a point with its bucket's `x` (a
//! doubling or a cancellation) goes into the projective bucket too, so every input is handled and the
//! result is exact. The bucket sums `Σ (b + 1) · bucket_b` are batched the same way: the buckets are
//! cut into segments whose running sums advance together, one inversion per step for all of them. With
//! both batched, wide windows pay: 17 bits in G1 (65,536 buckets) and 16 in G2 for the chunk circuits'
//! 2¹⁸ points. Windows run in parallel (rayon).

use ark_ec::{
    AffineRepr, CurveGroup,
    short_weierstrass::{Affine, Projective, SWCurveConfig},
};
use ark_ff::{AdditiveGroup, BigInteger, Field, PrimeField, Zero};
use rayon::prelude::*;

/// Additions per batch: enough to make the shared inversion's cost small next to the additions (256
/// measures slower; 2048 and 4096 no faster).
const BATCH: usize = 1024;

/// At most this many points wait for the next batch because their bucket is busy in this one.
const DEFERRED: usize = 256;

/// Buckets per segment of the batched bucket sum (65,536 buckets: 1,024 segments, so 1,024 additions
/// share each inversion).
const SEGMENT: usize = 64;

/// `Σ scalarsᵢ · basesᵢ` (the shorter of the two slices sets the length).
pub(crate) fn msm<P: SWCurveConfig>(
    bases: &[Affine<P>],
    scalars: &[<P::ScalarField as PrimeField>::BigInt],
) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    let (bases, scalars) = (&bases[..n], &scalars[..n]);
    if n == 0 {
        return Projective::zero();
    }
    // G2's points are twice G1's size and its additions three times the work: one bit less.
    let c = window_bits(n) - usize::from(std::mem::size_of::<Affine<P>>() > 100);
    let modulus = P::ScalarField::MODULUS;
    let bits = P::ScalarField::MODULUS_BIT_SIZE as usize;
    // A scalar whose negation r − s has fewer bits is used as −(r − s) with the base negated: fewer
    // non-zero digits for the many small negative values a witness holds (−1 and the like).
    let windows = (bits + 1).div_ceil(c);
    let digits: Vec<i32> = scalars
        .par_iter()
        .flat_map_iter(|s| {
            let mut negated = modulus;
            negated.sub_with_borrow(s);
            let (value, sign) = if negated.num_bits() < s.num_bits() {
                (negated, -1)
            } else {
                (*s, 1)
            };
            signed_digits(value, c, windows).map(move |d| d * sign)
        })
        .collect();
    let window_sums: Vec<Projective<P>> = (0..windows)
        .into_par_iter()
        .map(|w| window_sum(bases, &digits, windows, w, c))
        .collect();
    // Σ window_sum_w · 2^(c·w), from the top window down.
    let mut total = Projective::<P>::zero();
    for sum in window_sums.iter().rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        total += sum;
    }
    total
}

/// The window width for `n` points: about log₂ n − 1, between 4 and 20 — 17 bits for the chunk
/// circuits' 2¹⁸ points. Measured on a wide chunk's unblinded proof (`examples/prove_trace.rs`, 2-core
/// AMD EPYC, quiet): both groups at 14 bits 3.26 s, 15 3.17 s, 16 2.97 s, 17 2.91 s, 18 3.32 s; G1 at 17
/// and G2 at 16 2.89 s, G2 at 15 2.97 s. (With the bucket sums unbatched, 14 bits was the best width.)
fn window_bits(n: usize) -> usize {
    let log = usize::BITS as usize - n.leading_zeros() as usize;
    log.saturating_sub(2).clamp(4, 20)
}

/// The `windows` signed base-2^c digits of the little-endian `limbs`, each in `[−2^(c−1), 2^(c−1))`.
fn signed_digits<B: BigInteger>(value: B, c: usize, windows: usize) -> impl Iterator<Item = i32> {
    let half = 1i64 << (c - 1);
    let mut carry = 0i64;
    (0..windows).map(move |w| {
        let limbs = value.as_ref();
        let bit = w * c;
        let (limb, offset) = (bit / 64, bit % 64);
        let mut raw = limbs.get(limb).map_or(0, |l| l >> offset);
        if offset + c > 64 {
            raw |= limbs.get(limb + 1).map_or(0, |l| l << (64 - offset));
        }
        let raw = (raw & ((1u64 << c) - 1)) as i64 + carry;
        if raw >= half {
            carry = 1;
            (raw - (1 << c)) as i32
        } else {
            carry = 0;
            raw as i32
        }
    })
}

/// `Σ digit_w(sᵢ) · basesᵢ` for window `w`.
fn window_sum<P: SWCurveConfig>(
    bases: &[Affine<P>],
    digits: &[i32],
    windows: usize,
    w: usize,
    c: usize,
) -> Projective<P> {
    let mut buckets = Buckets::new(1usize << (c - 1));
    for (i, base) in bases.iter().enumerate() {
        let digit = digits[i * windows + w];
        if digit == 0 || base.is_zero() {
            continue;
        }
        let point = if digit > 0 { *base } else { -*base };
        buckets.place(digit.unsigned_abs() - 1, point, true);
        if buckets.pending.len() == BATCH {
            buckets.flush();
        }
    }
    let mut scratch = Vec::new();
    bucket_sum(&buckets.finish(), &mut scratch)
}

/// The buckets of one window: affine points filled by batched additions, a projective point beside
/// each for what a batch cannot take.
struct Buckets<P: SWCurveConfig> {
    affine: Vec<Affine<P>>,
    projective: Vec<Projective<P>>,
    /// Whether the bucket has an addition in `pending`.
    busy: Vec<bool>,
    /// The current batch: at most one addition per bucket.
    pending: Vec<(u32, Affine<P>)>,
    /// Points whose bucket is busy in the current batch, for the next one (at most DEFERRED).
    deferred: Vec<(u32, Affine<P>)>,
    waiting: Vec<(u32, Affine<P>)>,
    scratch: Vec<(P::BaseField, P::BaseField)>,
}

impl<P: SWCurveConfig> Buckets<P> {
    fn new(count: usize) -> Self {
        Self {
            affine: vec![Affine::identity(); count],
            projective: vec![Projective::zero(); count],
            busy: vec![false; count],
            pending: Vec::with_capacity(BATCH),
            deferred: Vec::with_capacity(DEFERRED),
            waiting: Vec::with_capacity(DEFERRED),
            scratch: Vec::with_capacity(BATCH),
        }
    }

    /// Puts `point` into bucket `b`: straight in when the bucket is empty, into the batch when it can
    /// be, else among the deferred (when `defer` and there is room) or into the projective bucket (also
    /// a point with the bucket's `x`: a doubling or a cancellation).
    fn place(&mut self, b: u32, point: Affine<P>, defer: bool) {
        let i = b as usize;
        let bucket = &mut self.affine[i];
        if bucket.is_zero() {
            *bucket = point;
        } else if self.busy[i] {
            if defer && self.deferred.len() < DEFERRED {
                self.deferred.push((b, point));
            } else {
                self.projective[i] += &point;
            }
        } else if bucket.x == point.x {
            self.projective[i] += &point;
        } else {
            self.busy[i] = true;
            self.pending.push((b, point));
        }
    }

    /// Adds the batch, then places the deferred points again (their buckets are free now).
    fn flush(&mut self) {
        add_batch(
            &mut self.affine,
            &mut self.busy,
            &mut self.pending,
            &mut self.scratch,
        );
        std::mem::swap(&mut self.deferred, &mut self.waiting);
        let mut waiting = std::mem::take(&mut self.waiting);
        for (b, point) in waiting.drain(..) {
            self.place(b, point, true);
        }
        self.waiting = waiting;
    }

    /// The buckets with everything added: the last batches, then the projective parts folded in.
    fn finish(mut self) -> Vec<Affine<P>> {
        self.flush();
        let deferred = std::mem::take(&mut self.deferred);
        for (b, point) in deferred {
            self.place(b, point, false);
        }
        add_batch(
            &mut self.affine,
            &mut self.busy,
            &mut self.pending,
            &mut self.scratch,
        );
        let mixed: Vec<usize> = (0..self.affine.len())
            .filter(|&b| !self.projective[b].is_zero())
            .collect();
        let folded: Vec<Projective<P>> = mixed
            .iter()
            .map(|&b| self.projective[b] + self.affine[b])
            .collect();
        for (&b, point) in mixed.iter().zip(Projective::normalize_batch(&folded)) {
            self.affine[b] = point;
        }
        self.affine
    }
}

/// `Σ (b + 1) · buckets_b`, with batched affine additions: the buckets are cut into segments of
/// SEGMENT, whose running sums (from the top bucket down) advance together, one shared inversion per
/// step; the segments' sums are then combined in projective coordinates.
fn bucket_sum<P: SWCurveConfig>(
    buckets: &[Affine<P>],
    scratch: &mut Vec<(P::BaseField, P::BaseField)>,
) -> Projective<P> {
    let length = SEGMENT.min(buckets.len());
    let segments = buckets.len().div_ceil(length);
    // running[k] = Σ_j bucket_{kL+j}, sum[k] = Σ_j (j + 1) · bucket_{kL+j}, over the bucket's segment.
    let mut running = vec![Affine::<P>::identity(); segments];
    let mut sum = vec![Affine::<P>::identity(); segments];
    let mut addends = vec![Affine::<P>::identity(); segments];
    for j in (0..length).rev() {
        for (k, addend) in addends.iter_mut().enumerate() {
            *addend = buckets.get(k * length + j).copied().unwrap_or_default();
        }
        add_pairwise(&mut running, &addends, scratch);
        add_pairwise(&mut sum, &running, scratch);
    }
    // Σ_k sum_k + L · Σ_k k · running_k.
    let mut weighted = Projective::<P>::zero();
    let mut above = Projective::<P>::zero();
    for r in running.iter().skip(1).rev() {
        above += r;
        weighted += &above;
    }
    let mut total = weighted * P::ScalarField::from(length as u64);
    for s in &sum {
        total += s;
    }
    total
}

/// `accᵢ += addendsᵢ` for every i, the additions sharing one inversion (an identity operand is a copy;
/// two points with the same `x`, a doubling or a cancellation, are added on their own).
fn add_pairwise<P: SWCurveConfig>(
    acc: &mut [Affine<P>],
    addends: &[Affine<P>],
    scratch: &mut Vec<(P::BaseField, P::BaseField)>,
) {
    scratch.clear();
    let mut product = P::BaseField::ONE;
    for (a, b) in acc.iter_mut().zip(addends) {
        if b.is_zero() {
            scratch.push((P::BaseField::ZERO, P::BaseField::ZERO));
        } else if a.is_zero() {
            *a = *b;
            scratch.push((P::BaseField::ZERO, P::BaseField::ZERO));
        } else if a.x == b.x {
            *a = (*a + *b).into();
            scratch.push((P::BaseField::ZERO, P::BaseField::ZERO));
        } else {
            let dx = b.x - a.x;
            scratch.push((product, dx));
            product *= dx;
        }
    }
    let Some(mut inverse) = product.inverse() else {
        unreachable!("the differences are non-zero")
    };
    for ((a, b), (prefix, dx)) in acc.iter_mut().zip(addends).zip(scratch.iter()).rev() {
        if dx.is_zero() {
            continue;
        }
        let lambda = (b.y - a.y) * (inverse * prefix);
        inverse *= dx;
        let x3 = lambda.square() - a.x - b.x;
        let y3 = lambda * (a.x - x3) - a.y;
        *a = Affine::new_unchecked(x3, y3);
    }
}

/// Adds each pending point into its (non-empty, distinct) bucket with one shared inversion.
fn add_batch<P: SWCurveConfig>(
    affine: &mut [Affine<P>],
    busy: &mut [bool],
    pending: &mut Vec<(u32, Affine<P>)>,
    scratch: &mut Vec<(P::BaseField, P::BaseField)>,
) {
    if pending.is_empty() {
        return;
    }
    // Prefix products of the x differences, one inversion, then walk back.
    scratch.clear();
    let mut product = P::BaseField::ONE;
    for (b, point) in pending.iter() {
        let dx = point.x - affine[*b as usize].x;
        scratch.push((product, dx));
        product *= dx;
    }
    let mut inverse = product
        .inverse()
        .unwrap_or_else(|| unreachable!("the differences are non-zero"));
    for ((b, point), (prefix, dx)) in pending.iter().zip(scratch.iter()).rev() {
        let bucket = &mut affine[*b as usize];
        let lambda = (point.y - bucket.y) * (inverse * prefix);
        inverse *= dx;
        let x3 = lambda.square() - bucket.x - point.x;
        let y3 = lambda * (bucket.x - x3) - bucket.y;
        *bucket = Affine::new_unchecked(x3, y3);
        busy[*b as usize] = false;
    }
    pending.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{CurveGroup, VariableBaseMSM};
    use ark_ff::UniformRand;
    use ark_std::rand::{SeedableRng, rngs::StdRng};

    fn scalars(rng: &mut StdRng, n: usize) -> Vec<Fr> {
        // Random, small, negative-small, zero and one, and repeats, as a witness has them.
        (0..n)
            .map(|i| match i % 7 {
                0 => Fr::from(0u64),
                1 => Fr::from(1u64),
                2 => -Fr::from((i % 5) as u64 + 1),
                3 => Fr::from(i as u64),
                _ => Fr::rand(rng),
            })
            .collect()
    }

    #[test]
    fn agrees_with_arkworks_in_g1_and_g2() {
        let mut rng = StdRng::seed_from_u64(7);
        for n in [0, 1, 2, 5, 100, 3000, 20_000] {
            let s = scalars(&mut rng, n);
            let bigs: Vec<_> = s.iter().map(|x| x.into_bigint()).collect();
            let g1: Vec<G1Affine> = (0..n)
                .map(|i| {
                    if i % 11 == 3 {
                        G1Affine::identity()
                    } else {
                        G1Projective::rand(&mut rng).into_affine()
                    }
                })
                .collect();
            assert_eq!(
                msm(&g1, &bigs),
                G1Projective::msm(&g1, &s).unwrap(),
                "G1, {n}"
            );
            let g2: Vec<G2Affine> = (0..n.min(300))
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            let m = g2.len();
            assert_eq!(
                msm(&g2, &bigs[..m]),
                G2Projective::msm(&g2, &s[..m]).unwrap(),
                "G2, {m}"
            );
        }
    }

    #[test]
    fn repeated_points_and_cancellations_are_exact() {
        // The same point many times (doublings in a bucket), a point and its negation (cancellations),
        // all landing in the same few buckets.
        let mut rng = StdRng::seed_from_u64(8);
        let p = G1Projective::rand(&mut rng).into_affine();
        let q = G1Projective::rand(&mut rng).into_affine();
        let mut bases = Vec::new();
        let mut s = Vec::new();
        for i in 0..5000u64 {
            bases.push(if i % 3 == 0 { q } else { p });
            s.push(match i % 4 {
                0 => Fr::from(3u64),
                1 => -Fr::from(3u64),
                2 => Fr::from(1u64 << 20),
                _ => Fr::from(i),
            });
        }
        let bigs: Vec<_> = s.iter().map(|x| x.into_bigint()).collect();
        assert_eq!(msm(&bases, &bigs), G1Projective::msm(&bases, &s).unwrap());
    }

    #[test]
    fn bucket_sums_match_the_weighted_sum() {
        // Bucket counts below, at and above one segment; empty buckets, equal buckets (doublings in
        // the running sums) and a bucket's negation (cancellations).
        let mut rng = StdRng::seed_from_u64(10);
        let p = G1Projective::rand(&mut rng).into_affine();
        for count in [1, 3, SEGMENT, SEGMENT + 1, 5 * SEGMENT + 7] {
            let buckets: Vec<G1Affine> = (0..count)
                .map(|b| match b % 6 {
                    0 => G1Affine::identity(),
                    1 => p,
                    2 => -p,
                    _ => G1Projective::rand(&mut rng).into_affine(),
                })
                .collect();
            let want: G1Projective = buckets
                .iter()
                .enumerate()
                .map(|(b, point)| *point * Fr::from(b as u64 + 1))
                .sum();
            assert_eq!(
                bucket_sum(&buckets, &mut Vec::new()),
                want,
                "{count} buckets"
            );
        }
    }

    #[test]
    fn digits_recompose() {
        let mut rng = StdRng::seed_from_u64(9);
        for c in [4, 9, 15, 16] {
            for _ in 0..50 {
                let x = Fr::rand(&mut rng).into_bigint();
                let windows = 255usize.div_ceil(c);
                let mut acc = num_bigint::BigInt::from(0);
                for (w, d) in signed_digits(x, c, windows).enumerate() {
                    assert!(d >= -(1 << (c - 1)) && d < (1 << (c - 1)));
                    acc += num_bigint::BigInt::from(d) << (w * c);
                }
                assert_eq!(acc, num_bigint::BigInt::from(num_bigint::BigUint::from(x)));
            }
        }
    }
}
