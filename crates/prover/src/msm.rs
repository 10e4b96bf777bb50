//! Multi-scalar multiplication with batched affine bucket additions.
//!
//! Pippenger's bucket method with signed `c`-bit digits, like arkworks' (`VariableBaseMSM`), but the
//! buckets are affine points and the additions into them are done in batches that share one field
//! inversion (Montgomery's trick): an affine addition `(x₁, y₁) + (x₂, y₂)` is `λ = (y₂ − y₁)/(x₂ − x₁)`,
//! `x₃ = λ² − x₁ − x₂`, `y₃ = λ(x₁ − x₃) − y₁`, so with the inverse's cost spread over the batch (three
//! multiplications each) an addition costs about 5M + 1S, against 8M + 2S for the extended Jacobian
//! mixed addition arkworks accumulates with. A batch holds at most one addition per bucket; an addition
//! that would be a second one, or whose two points share an `x` (a doubling or a cancellation), goes into
//! a projective bucket beside the affine one instead, so every input is handled and the result is exact.
//! Windows run in parallel (rayon).

use ark_ec::{
    AffineRepr,
    short_weierstrass::{Affine, Projective, SWCurveConfig},
};
use ark_ff::{AdditiveGroup, BigInteger, Field, PrimeField, Zero};
use rayon::prelude::*;

/// Additions per batch: enough to make the shared inversion's cost small next to the additions (256
/// measures slower; 2048 and 4096 no faster).
const BATCH: usize = 1024;

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
    let c = window_bits(n);
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

/// The window width for `n` points: about log₂ n − 4, between 4 and 16 (14 bits for the chunk
/// circuit's 2¹⁸ points; 13 to 15 measure the same there, 16 spends more on the bucket sums).
fn window_bits(n: usize) -> usize {
    let log = usize::BITS as usize - n.leading_zeros() as usize;
    log.saturating_sub(5).clamp(4, 16)
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
    let buckets = 1usize << (c - 1);
    let mut affine = vec![Affine::<P>::identity(); buckets];
    let mut projective = vec![Projective::<P>::zero(); buckets];
    let mut busy = vec![false; buckets];
    let mut pending: Vec<(u32, Affine<P>)> = Vec::with_capacity(BATCH);
    let mut scratch = Vec::with_capacity(BATCH);
    for (i, base) in bases.iter().enumerate() {
        let digit = digits[i * windows + w];
        if digit == 0 || base.is_zero() {
            continue;
        }
        let point = if digit > 0 { *base } else { -*base };
        let b = digit.unsigned_abs() as usize - 1;
        let bucket = &mut affine[b];
        if bucket.is_zero() {
            *bucket = point;
        } else if busy[b] || bucket.x == point.x {
            projective[b] += &point;
        } else {
            busy[b] = true;
            pending.push((b as u32, point));
            if pending.len() == BATCH {
                add_batch(&mut affine, &mut busy, &mut pending, &mut scratch);
            }
        }
    }
    add_batch(&mut affine, &mut busy, &mut pending, &mut scratch);

    // Σ (b + 1) · bucket_b as running sums from the top bucket down.
    let mut running = Projective::<P>::zero();
    let mut sum = Projective::<P>::zero();
    for (a, p) in affine.iter().zip(&projective).rev() {
        if !a.is_zero() {
            running += a;
        }
        if !p.is_zero() {
            running += p;
        }
        sum += &running;
    }
    sum
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
        for n in [0, 1, 2, 5, 100, 3000] {
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
