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
    binomial_by(n, p, u, &mut |n, p, u| {
        let ratio = p / (1.0 - p);
        walk_up(binomial_pmf0(n, p), u, n, |k| {
            (n - k) as f64 / (k + 1) as f64 * ratio
        })
    })
}

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
/// A projection draws the split of its exits and losses by reason at probabilities fixed for
/// the whole projection and counts that repeat thousands of times: a memoised row turns the
/// walk of the exact inversion (up to a hundred steps, the main cost of a run) into a binary
/// search, and a row is summed only as far as the draws have needed. The rows hold the very
/// sums the walk makes, so the draws are bit for bit those of [`binomial_inv`].
/// [`BinomialMemo::reset`] starts a new probability without freeing memory.
#[derive(Debug, Clone, Default)]
pub struct BinomialMemo {
    p: f64,
    /// Rows whose `generation` is not the current one are stale.
    generation: u32,
    rows: Vec<MemoRow>,
    cdf: Vec<f64>,
}

/// Count n's CDF row: `len` sums from `cdf[start]` in room for `cap`, the pmf at the last,
/// and whether the walk has ended there (at n, or where the sum stops growing).
#[derive(Debug, Clone, Copy, Default)]
struct MemoRow {
    generation: u32,
    start: u32,
    cap: u32,
    len: u32,
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
        self.cdf.clear();
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

    fn exact(&mut self, n: u64, p: f64, u: f64) -> u64 {
        let ratio = p / (1.0 - p);
        let walk_all = || {
            walk_up(binomial_pmf0(n, p), u, n, |k| {
                (n - k) as f64 / (k + 1) as f64 * ratio
            })
        };
        if n >= MEMO_MAX_N || self.cdf.len() >= u32::MAX as usize / 2 {
            return walk_all();
        }
        let i = n as usize;
        if i >= self.rows.len() {
            self.rows.resize(i + 1, MemoRow::default());
        }
        let mut row = self.rows[i];
        if row.generation != self.generation {
            // Room for the sums the draws reach (the walk ends near 9 sd above the mean);
            // a draw beyond it walks from 0.
            let (mean, sd) = (n as f64 * p, (n as f64 * p * (1.0 - p)).sqrt());
            let cap = ((mean + 8.0 * sd) as u64 + 24).min(n + 1);
            let start = self.cdf.len();
            let pmf0 = binomial_pmf0(n, p);
            self.cdf.resize(start + cap as usize, 0.0);
            self.cdf[start] = pmf0;
            row = MemoRow {
                generation: self.generation,
                start: start as u32,
                cap: cap as u32,
                len: 1,
                done: false,
                pmf: pmf0,
            };
        }
        let start = row.start as usize;
        let last = self.cdf[start + row.len as usize - 1];
        let k = if last >= u {
            // The walk stops at the first k with CDF(k) ≥ u.
            self.cdf[start..start + row.len as usize].partition_point(|&c| c < u) as u64
        } else if row.done {
            u64::from(row.len) - 1
        } else {
            // Go on with the walk where the row ends, as `walk` would.
            let (mut k, mut pmf, mut c) = (u64::from(row.len) - 1, row.pmf, last);
            while c < u {
                if k >= n {
                    row.done = true;
                    break;
                }
                if k + 1 >= u64::from(row.cap) {
                    self.rows[i] = row;
                    return walk_all();
                }
                pmf *= (n - k) as f64 / (k + 1) as f64 * ratio;
                if c + pmf == c {
                    row.done = true;
                    break;
                }
                c += pmf;
                k += 1;
                self.cdf[start + k as usize] = c;
            }
            row.len = k as u32 + 1;
            row.pmf = pmf;
            k
        };
        self.rows[i] = row;
        k
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
        walk_up((-lambda).exp(), u, u64::MAX, |k| lambda / (k + 1) as f64)
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
    let t = x as u64;
    t + u64::from((t as f64) < x)
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
