//! The count samplers of the queue model: binomial and Poisson draws by inversion of one uniform
//! each (exact for small variances, Cornish–Fisher corrected normal above), so that the random
//! streams of two runs stay aligned and every draw is monotone in its uniform.

use crate::scenario::normal_quantile;

/// Variance below which counts are drawn by exact inversion; above it by the corrected normal.
/// Just above it the Kolmogorov–Smirnov distance of the Cornish–Fisher draws to the exact
/// distribution is about 2·10⁻⁴, and it falls as the variance grows (see the sampler tests).
pub const EXACT_VARIANCE: f64 = 50.0;

/// Largest |z| used: a 53-bit uniform never gives more than 8.3 standard deviations, and the
/// Cornish–Fisher polynomial stays increasing up to here whenever the variance is at least
/// [`EXACT_VARIANCE`].
const Z_MAX: f64 = 8.5;

/// Binomial(n, p) by inversion at `u`: one uniform per draw, whatever the state, keeps the random
/// streams of two runs aligned (common random numbers), and the draw is monotone in `u` and in
/// `n` (more people in a stock never means fewer leave it, nor fewer stay).
///
/// The rule, after using symmetry so that p ≤ ½ (`n − X(n, 1 − p, 1 − u)`):
/// - variance n·p·(1 − p) below [`EXACT_VARIANCE`]: exact inversion, summing the pmf from 0 with
///   its ratio recurrence (at most a few hundred steps, no special functions);
/// - otherwise: the normal quantile with the Cornish–Fisher skewness and kurtosis correction,
///   continuity-corrected, rounded up and clamped to [0, n]: constant time for any n.
///
/// At the switch between the two rules the draw stays monotone in `n` with steps of at most one
/// (checked in the sampler tests). Inputs that are not a probability
/// (NaN, negative) give 0 and p ≥ 1 gives n: the caller validates rates.
pub fn binomial_inv(n: u64, p: f64, u: f64) -> u64 {
    binomial_by(n, p, u, &mut |n, p, u| exact_inv(n, p, (-p).ln_1p(), u))
}

/// [`binomial_inv`] given `ln_q` = `(-p).ln_1p()`, which draws that share p (a workforce's
/// leavers in every region) compute once: the same value, so the same draws, without a `log1p`
/// each.
pub fn binomial_inv_ln(n: u64, p: f64, ln_q: f64, u: f64) -> u64 {
    binomial_by(n, p, u, &mut |n, q, u| {
        // By symmetry the walk may be at 1 − p, whose logarithm is not the one given.
        let ln_q = if q.to_bits() == p.to_bits() {
            ln_q
        } else {
            (-q).ln_1p()
        };
        exact_inv(n, q, ln_q, u)
    })
}

/// The exact inversion of [`binomial_inv`] (p ≤ ½), with `ln_q` = ln(1 − p): the walk from
/// pmf(0) = exp(n · ln_q), as [`binomial_pmf0`] computes it.
#[inline]
fn exact_inv(n: u64, p: f64, ln_q: f64, u: f64) -> u64 {
    let ratio = p / (1.0 - p);
    let pmf0 = (n as f64 * ln_q).exp();
    if n > EXACT_COUNT {
        return walk_up(pmf0, u, n, |k| (n - k) as f64 / (k + 1) as f64 * ratio);
    }
    // The same products and sums as `walk_up` with the ratio (n − k) / (k + 1) · ratio, but the
    // counts kept in f64 (exact up to EXACT_COUNT): the conversions of u64 to f64 they save
    // were a third of the instructions of a step on the baseline x86-64 target.
    let (nf, mut k, mut kf, mut pmf, mut cdf) = (n as f64, 0u64, 0.0f64, pmf0, pmf0);
    while cdf < u && k < n {
        pmf *= (nf - kf) / (kf + 1.0) * ratio;
        if cdf + pmf == cdf {
            break;
        }
        cdf += pmf;
        k += 1;
        kf += 1.0;
    }
    k
}

/// Counts up to which a `u64` converts to `f64` exactly (2⁵³), so that the binomial walk can
/// count in `f64`.
const EXACT_COUNT: u64 = 1 << 53;

/// [`binomial_inv`] with its exact inversion (`exact(n, p, u)`, p ≤ ½, variance below
/// [`EXACT_VARIANCE`]) left to the caller, so that [`BinomialMemo`] can memoise it.
fn binomial_by(n: u64, p: f64, u: f64, exact: &mut impl FnMut(u64, f64, f64) -> u64) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
    // The ends of the support, where the corrected normal would stop at ±8.5 sd.
    if u == 0.0 {
        return 0;
    }
    if u == 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial_by(n, 1.0 - p, 1.0 - u, exact);
    }
    let q = 1.0 - p;
    let nf = n as f64;
    let variance = nf * p * q;
    if variance < EXACT_VARIANCE {
        exact(n, p, u)
    } else {
        let sd = variance.sqrt();
        let skew = (q - p) / sd;
        let kurt = (1.0 - 6.0 * p * q) / variance;
        let x = nf * p + sd * cornish_fisher(u, skew, kurt) - 0.5;
        ceil_count(x, nf)
    }
}

/// pmf(0) = qⁿ; with p ≤ ½ and n·p·q < 50 it is at least 2⁻²⁰⁰, far from underflow.
fn binomial_pmf0(n: u64, p: f64) -> f64 {
    (n as f64 * (-p).ln_1p()).exp()
}

/// Counts above which [`BinomialMemo`] does not memoise (a row index per count).
const MEMO_MAX_N: u64 = 1 << 16;

/// [`binomial_inv`] for one probability, memoising the exact CDF row of each count it meets.
/// A projection draws its exits and their split by reason at probabilities fixed for
/// the whole projection and counts that repeat thousands of times: a memoised row turns the
/// walk of the exact inversion (up to a hundred steps, the main cost of a run) into a short
/// search, and a row is summed only as far as the draws have needed. The rows hold the very
/// sums the walk makes, so the draws are bit for bit those of [`binomial_inv`].
///
/// The search starts from a guide table of the row (Chen and Asau's method): entry j is the
/// first k with CDF(k) ≥ j / [`GUIDE`], so a draw at u scans up from entry ⌊u · GUIDE⌋, on
/// average a step or two, where a binary search over the row took a chain of dependent loads
/// and compares. Any search finds the same k: the row is increasing (the walk stops where the
/// sum no longer grows). The entries are set when a search first needs them, so a row drawn
/// from once (the calibration's short histories, each at its own probabilities) costs no more
/// than the walk.
/// [`BinomialMemo::reset`] starts a new probability without freeing memory.
#[derive(Debug, Clone, Default)]
pub struct BinomialMemo {
    p: f64,
    /// Rows whose `generation` is not the current one are stale.
    generation: u32,
    rows: Vec<MemoRow>,
    /// The rows' sums, of which the first `cdf_used` belong to the current generation (the
    /// rest is room kept from earlier ones: a sum is written before it is read, so a new row
    /// takes it without clearing it).
    cdf: Vec<f64>,
    cdf_used: usize,
    /// [`GUIDE`] entries per row, each a k of the row; the first `guide_used` are current.
    guide: Vec<u16>,
    guide_used: usize,
}

/// Entries of a row's guide table (a power of two, so that j / GUIDE and u · GUIDE are exact).
const GUIDE: usize = 32;

/// Count n's CDF row: `len` sums from `cdf[start]` in room for `cap`, the pmf at the last,
/// whether the walk has ended there (at n, or where the sum stops growing), and its guide
/// table at `guide[guide_start..]`, of which the first `guided` entries are set (their
/// thresholds j / GUIDE are at most the last sum).
#[derive(Debug, Clone, Copy, Default)]
struct MemoRow {
    generation: u32,
    start: u32,
    cap: u32,
    len: u32,
    guide_start: u32,
    guided: u32,
    done: bool,
    pmf: f64,
}

impl BinomialMemo {
    /// Draw at probability `p` from now on, forgetting the rows unless `p` is the one they
    /// were made for (a calibration's renewal of a history keeps its parameters).
    pub fn reset(&mut self, p: f64) {
        if p.to_bits() == self.p.to_bits() && self.generation != 0 {
            return;
        }
        self.p = p;
        self.cdf_used = 0;
        self.guide_used = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.rows.fill(MemoRow::default());
            self.generation = 1;
        }
    }

    /// Binomial(n, p) at `u`, equal to `binomial_inv(n, p, u)`.
    pub fn draw(&mut self, n: u64, u: f64) -> u64 {
        let p = self.p;
        binomial_by(n, p, u, &mut |n, p, u| self.exact(n, p, u))
    }

    /// The exact inversion for 0 < p ≤ ½ and 0 < u < 1 (what [`binomial_by`] leaves to it).
    fn exact(&mut self, n: u64, p: f64, u: f64) -> u64 {
        if n >= MEMO_MAX_N || self.cdf_used >= u32::MAX as usize / 2 {
            return binomial_inv(n, p, u);
        }
        let i = n as usize;
        if i >= self.rows.len() {
            self.rows.resize(i + 1, MemoRow::default());
        }
        let mut row = self.rows[i];
        if row.generation == self.generation {
            let (start, len) = (row.start as usize, row.len as usize);
            let sums = &self.cdf[start..start + len];
            if sums[len - 1] >= u {
                // The walk stops at the first k with CDF(k) ≥ u; that k is at least the guide's
                // entry ⌊u · GUIDE⌋, whose threshold j / GUIDE ≤ u is within the row.
                let j = (u * GUIDE as f64) as usize;
                let guide = &mut self.guide[row.guide_start as usize..][..GUIDE];
                let mut guided = row.guided as usize;
                if guided <= j {
                    let mut k = if guided == 0 {
                        0
                    } else {
                        usize::from(guide[guided - 1])
                    };
                    while guided <= j {
                        let threshold = guided as f64 / GUIDE as f64;
                        while sums[k] < threshold {
                            k += 1;
                        }
                        guide[guided] = k as u16;
                        guided += 1;
                    }
                    self.rows[i].guided = guided as u32;
                }
                let mut k = usize::from(guide[j]);
                while sums[k] < u {
                    k += 1;
                }
                return k as u64;
            }
            if row.done {
                return u64::from(row.len) - 1;
            }
        } else {
            // Room for the sums the draws reach (the walk ends near 9 sd above the mean);
            // a draw beyond it walks from 0.
            let (mean, sd) = (n as f64 * p, (n as f64 * p * (1.0 - p)).sqrt());
            let cap = ((mean + 8.0 * sd) as u64 + 24).min(n + 1) as usize;
            let (start, guide_start) = (self.cdf_used, self.guide_used);
            self.cdf_used += cap;
            self.guide_used += GUIDE;
            if self.cdf.len() < self.cdf_used {
                self.cdf.resize(self.cdf_used, 0.0);
            }
            if self.guide.len() < self.guide_used {
                self.guide.resize(self.guide_used, 0);
            }
            let pmf0 = binomial_pmf0(n, p);
            self.cdf[start] = pmf0;
            row = MemoRow {
                generation: self.generation,
                start: start as u32,
                cap: cap as u32,
                len: 1,
                guide_start: guide_start as u32,
                guided: 0,
                done: false,
                pmf: pmf0,
            };
            if pmf0 >= u {
                self.rows[i] = row;
                return 0;
            }
        }
        // Go on with the walk where the row ends, as `walk` would (counts in f64 as in
        // `exact_inv`: exact, n being below MEMO_MAX_N).
        let ratio = p / (1.0 - p);
        let start = row.start as usize;
        let sums = &mut self.cdf[start..start + row.cap as usize];
        let (nf, last) = (n as f64, sums.len() - 1);
        let (mut k, mut pmf) = (row.len as usize - 1, row.pmf);
        let (mut kf, mut c) = (k as f64, sums[k]);
        let mut beyond = false;
        while c < u {
            if k as u64 >= n {
                row.done = true;
                break;
            }
            if k >= last {
                beyond = true;
                break;
            }
            pmf *= (nf - kf) / (kf + 1.0) * ratio;
            if c + pmf == c {
                row.done = true;
                break;
            }
            c += pmf;
            k += 1;
            kf += 1.0;
            sums[k] = c;
        }
        row.len = k as u32 + 1;
        row.pmf = pmf;
        self.rows[i] = row;
        if beyond {
            return binomial_inv(n, p, u);
        }
        k as u64
    }
}

/// Poisson(λ) by inversion at `u`, by the rule of [`binomial_inv`] (variance λ). NaN, negative
/// or zero λ gives 0; an infinite λ gives `u64::MAX`.
pub fn poisson_inv(lambda: f64, u: f64) -> u64 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda.is_infinite() {
        return u64::MAX;
    }
    let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
    if u == 0.0 {
        return 0;
    }
    if lambda < EXACT_VARIANCE {
        // `walk_up` with the ratio λ / (k + 1), counting in f64 as the binomial walk does
        // (exact: the sum stops growing long before 2⁵³).
        let (mut k, mut kf, pmf0) = (0u64, 0.0f64, (-lambda).exp());
        let (mut pmf, mut cdf) = (pmf0, pmf0);
        while cdf < u {
            pmf *= lambda / (kf + 1.0);
            if cdf + pmf == cdf {
                break;
            }
            cdf += pmf;
            k += 1;
            kf += 1.0;
        }
        k
    } else {
        let sd = lambda.sqrt();
        let x = lambda + sd * cornish_fisher(u, 1.0 / sd, 1.0 / lambda) - 0.5;
        ceil_count(x, f64::INFINITY)
    }
}

/// ⌈x⌉ clamped to [0, `max`] as a count (NaN gives 0, beyond `u64::MAX` saturates), the same as
/// `x.ceil().clamp(0.0, max) as u64` but without libm's `ceil`, a call on the baseline x86-64
/// target that cost 3% of a run.
#[inline]
fn ceil_count(x: f64, max: f64) -> u64 {
    let max = max.min(u64::MAX as f64);
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    if x >= max {
        return max as u64;
    }
    if x < I64_RANGE {
        // The same ceiling through i64, whose conversions are one instruction each where those
        // of u64 are several on the baseline x86-64 target.
        let t = x as i64;
        return (t + i64::from((t as f64) < x)) as u64;
    }
    let t = x as u64;
    t + u64::from((t as f64) < x)
}

/// 2⁶³: below it a positive `f64` truncates to an `i64` exactly.
const I64_RANGE: f64 = 9_223_372_036_854_775_808.0;

/// Below this magnitude (2⁵²) an `f64` may have a fraction; at and above it every one is whole.
const WHOLE: f64 = 4_503_599_627_370_496.0;

/// `x.round()` (halves away from zero), bit for bit, sign of zero and NaN included, but without
/// libm's `round`: on the baseline x86-64 target (no SSE4.1) it is a call, several a region and
/// month in the workforce. Below 2⁵² the truncation through `i64` is exact and so is the
/// fraction `x − t`.
#[inline]
pub(crate) fn round(x: f64) -> f64 {
    // NaN, infinities and whole numbers of 2⁵² and more are their own rounding.
    if x.is_nan() || x.abs() >= WHOLE {
        return x;
    }
    let t = x as i64 as f64;
    let d = x - t;
    if d >= 0.5 {
        t + 1.0
    } else if d <= -0.5 {
        t - 1.0
    } else {
        // −0.4 rounds to −0, as in libm.
        t.copysign(x)
    }
}

/// `x.floor()`, bit for bit (sign of zero and NaN included), without libm's `floor` (see
/// [`round`]).
#[inline]
pub(crate) fn floor(x: f64) -> f64 {
    // NaN, infinities and whole numbers of 2⁵² and more are their own rounding.
    if x.is_nan() || x.abs() >= WHOLE {
        return x;
    }
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t.copysign(x)
    }
}

/// Smallest k ≤ `max` with CDF(k) ≥ u, summing the pmf from `pmf0` with `ratio(k)` =
/// pmf(k + 1) / pmf(k). Stops where the sum no longer grows (u within rounding of 1).
fn walk_up(pmf0: f64, u: f64, max: u64, ratio: impl Fn(u64) -> f64) -> u64 {
    walk(pmf0, max, ratio, |cdf| cdf < u)
}

/// The CDF from 0 (pmf from `pmf0`, times `ratio(k)` from k to k + 1) while `more(CDF(k))`,
/// up to `max` and while the sum still grows; returns the k it stopped at.
fn walk(pmf0: f64, max: u64, ratio: impl Fn(u64) -> f64, mut more: impl FnMut(f64) -> bool) -> u64 {
    let (mut k, mut pmf, mut cdf) = (0u64, pmf0, pmf0);
    while more(cdf) && k < max {
        pmf *= ratio(k);
        if cdf + pmf == cdf {
            break;
        }
        cdf += pmf;
        k += 1;
    }
    k
}

/// Standardised quantile at `u` of a distribution with skewness `skew` and excess kurtosis
/// `kurt`: the Cornish–Fisher expansion to the second order around the normal quantile.
fn cornish_fisher(u: f64, skew: f64, kurt: f64) -> f64 {
    let z = normal_quantile(u).clamp(-Z_MAX, Z_MAX);
    let z2 = z * z;
    z + (z2 - 1.0) * skew / 6.0 + (z2 - 3.0) * z * kurt / 24.0
        - (2.0 * z2 - 5.0) * z * skew * skew / 36.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_count_equals_ceil_then_clamp() {
        let mut x = 0.377f64;
        let mut cases = vec![
            (f64::NAN, 10.0),
            (-3.2, 10.0),
            (0.0, 10.0),
            (1e-300, 10.0),
            (2.0, 10.0),
            (2.000001, 10.0),
            (9.5, 10.0),
            (10.0, 10.0),
            (11.0, 10.0),
            (1e25, f64::INFINITY),
            (f64::INFINITY, f64::INFINITY),
            (4503599627370495.5, f64::INFINITY),
            // Around 2⁶³, where the ceiling leaves i64 for u64.
            (9_223_372_036_854_774_784.0, f64::INFINITY),
            (I64_RANGE, f64::INFINITY),
            (9_223_372_036_854_777_856.0, f64::INFINITY),
        ];
        for _ in 0..10_000 {
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            cases.push(((x - 0.1) * 10f64.powi((x * 20.0) as i32), 1e12));
        }
        for (v, max) in cases {
            let expected = if max.is_infinite() {
                v.ceil().max(0.0) as u64
            } else {
                v.ceil().clamp(0.0, max) as u64
            };
            assert_eq!(ceil_count(v, max), expected, "{v} {max}");
        }
    }

    #[test]
    fn round_floor_and_ceiling_equal_libm_bit_for_bit() {
        let mut x = 0.377f64;
        let mut cases = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.49999999999999994,
            -0.49999999999999994,
            1.5,
            -1.5,
            2.5,
            -2.5,
            -0.3,
            -1.0,
            4503599627370495.5,
            -4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for _ in 0..100_000 {
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            let v = (x - 0.5) * 10f64.powi((x * 1e6) as i32 % 20 - 3);
            cases.extend([v, v.round() + 0.5, v.round() - 0.5, v.floor()]);
        }
        for v in cases {
            assert_eq!(round(v).to_bits(), v.round().to_bits(), "round {v}");
            assert_eq!(floor(v).to_bits(), v.floor().to_bits(), "floor {v}");
            // The ceiling as the callers write it.
            assert_eq!((-floor(-v)).to_bits(), v.ceil().to_bits(), "ceil {v}");
        }
    }

    #[test]
    fn memoised_draws_are_those_of_binomial_inv() {
        let mut memo = BinomialMemo::default();
        let mut x = 0.123f64;
        for &p in &[0.364, 0.21, 0.5, 0.93, 0.013, 1e-4, 0.0, 1.0, f64::NAN] {
            memo.reset(p);
            for _ in 0..20_000 {
                x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
                let n = (x * 400.0) as u64;
                x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
                // Far tails too: rows summed beyond their room, and to where they end.
                let u = if x < 0.01 {
                    x * 1e-12
                } else if x > 0.99 {
                    1.0 - (1.0 - x) * 1e-12
                } else {
                    x
                };
                assert_eq!(memo.draw(n, u), binomial_inv(n, p, u), "n {n} p {p} u {u}");
            }
            memo.reset(p);
            for &u in &[0.0, 1.0, 1.0 - 1e-17, f64::NAN, 1e-300] {
                assert_eq!(memo.draw(77, u), binomial_inv(77, p, u), "p {p} u {u}");
            }
        }
    }

    /// The walk as it was, counting in `u64`: the `f64` counts must give the same draws.
    fn reference_inv(n: u64, p: f64, u: f64) -> u64 {
        binomial_by(n, p, u, &mut |n, p, u| {
            let ratio = p / (1.0 - p);
            walk_up(binomial_pmf0(n, p), u, n, |k| {
                (n - k) as f64 / (k + 1) as f64 * ratio
            })
        })
    }

    /// Guide-table draws (and the f64-counted walk) equal the walk from 0 over many counts,
    /// probabilities and uniforms: at and next to the guide's boundaries j / 64, far in both
    /// tails (rows summed to their room and beyond), and with rows met again after a reset to
    /// the same or another probability.
    #[test]
    fn guided_draws_are_those_of_the_walk() {
        let mut memo = BinomialMemo::default();
        let mut us = vec![1e-300, 1e-15, 1e-9, 0.5, 1.0 - 1e-15, 1.0 - 1e-9];
        for j in 1..GUIDE {
            let b = j as f64 / GUIDE as f64;
            us.extend([b, b.next_down(), b.next_up()]);
        }
        let mut x = 0.71f64;
        for _ in 0..200 {
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            us.push(x);
        }
        for &p in &[0.5, 0.47, 0.3, 0.12, 0.05, 0.011, 3e-4, 0.7, 0.99] {
            for round in 0..2 {
                memo.reset(p);
                for n in (0..120u64).chain([250, 999, 5_000, 70_000]) {
                    // Uniforms in a different order each round, so rows grow differently.
                    for i in 0..us.len() {
                        let u = us[(i * (2 * round + 1) + n as usize) % us.len()];
                        let expected = reference_inv(n, p, u);
                        assert_eq!(binomial_inv(n, p, u), expected, "n {n} p {p} u {u}");
                        assert_eq!(memo.draw(n, u), expected, "n {n} p {p} u {u}");
                    }
                }
            }
        }
    }

    /// The Poisson walk counting in f64 gives the draws of the walk counting in u64, and draws
    /// given ln(1 − p) those of `binomial_inv`, also above p = ½ (where the symmetry walks at
    /// 1 − p).
    #[test]
    fn f64_counted_and_given_log_draws_are_the_same() {
        let mut x = 0.29f64;
        for _ in 0..200_000 {
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            let lambda = x * 49.9;
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            let u = if x < 0.01 { x * 1e-12 } else { x };
            let reference = walk_up((-lambda).exp(), u, u64::MAX, |k| lambda / (k + 1) as f64);
            assert_eq!(poisson_inv(lambda, u), reference, "{lambda} {u}");
            let n = (lambda * 20.0) as u64;
            let p: f64 = [0.003, 0.02, 0.3, 0.5, 0.8, 0.997][n as usize % 6];
            let ln_q = (-p).ln_1p();
            assert_eq!(
                binomial_inv_ln(n, p, ln_q, u),
                binomial_inv(n, p, u),
                "{n} {p} {u}"
            );
            assert_eq!(binomial_inv(n, p, u), reference_inv(n, p, u), "{n} {p} {u}");
        }
    }

    #[test]
    fn inverse_cdf_draws_have_the_right_moments_and_are_monotone() {
        let n = 20_000;
        let mut us: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        us.reverse();
        let (bn, bp) = (5_000u64, 0.03);
        let b: Vec<f64> = us.iter().map(|&u| binomial_inv(bn, bp, u) as f64).collect();
        let mean = b.iter().sum::<f64>() / n as f64;
        let var = b.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 150.0).abs() < 0.2, "{mean}");
        assert!((var - 145.5).abs() < 3.0, "{var}");
        let p: Vec<f64> = us.iter().map(|&u| poisson_inv(1700.0, u) as f64).collect();
        let mean = p.iter().sum::<f64>() / n as f64;
        let var = p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 1700.0).abs() < 0.5, "{mean}");
        assert!((var - 1700.0).abs() < 30.0, "{var}");
        for &u in &[0.001, 0.3, 0.5, 0.77, 0.999] {
            for n in 0..300u64 {
                let a = binomial_inv(n, 0.2, u);
                let b = binomial_inv(n + 1, 0.2, u);
                assert!(b >= a && b - a <= 1, "n {n} u {u}: {a} {b}");
            }
        }
    }
}
