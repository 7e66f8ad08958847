//! The count samplers of the monthly queue (`binomial_inv`, `poisson_inv`) against the exact
//! distributions: mean, variance, Kolmogorov–Smirnov distance, monotonicity, constant time.

use omvang::model::samplers::{binomial_inv, poisson_inv, EXACT_VARIANCE};
use statrs::distribution::{Binomial, DiscreteCDF, Poisson};
use statrs::function::gamma::ln_gamma;

/// Midpoints of `n` equal cells of (0, 1): the draws of a perfect stream of uniforms.
fn grid(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect()
}

/// The binomial CDF by summing the pmf outward from the mode over ±12 standard deviations
/// (the pmf at the mode from `ln_gamma`). statrs' `Binomial::cdf` (an incomplete beta) loses
/// accuracy near the mean for large n (off by 10⁻³ at n = 10⁶, negative at 10⁹), so counts
/// above 10⁵ are checked against this sum.
fn binomial_cdf_by_summation(n: u64, p: f64) -> impl Fn(u64) -> f64 {
    let (nf, q) = (n as f64, 1.0 - p);
    let sd = (nf * p * q).sqrt();
    let mode = ((nf + 1.0) * p).floor() as u64;
    let mf = mode as f64;
    let ln_mode = ln_gamma(nf + 1.0) - ln_gamma(mf + 1.0) - ln_gamma(nf - mf + 1.0)
        + mf * p.ln()
        + (nf - mf) * q.ln();
    cdf_by_summation(
        (
            (nf * p - 12.0 * sd).max(0.0) as u64,
            mode,
            ((nf * p + 12.0 * sd) as u64).min(n),
        ),
        ln_mode.exp(),
        move |k| (n - k) as f64 * p / ((k + 1) as f64 * q),
    )
}

/// The Poisson CDF the same way: statrs' `Poisson::cdf` (an incomplete gamma) is correct at
/// large λ but takes milliseconds a count there, and the check evaluates it at every count drawn.
fn poisson_cdf_by_summation(lambda: f64) -> impl Fn(u64) -> f64 {
    let sd = lambda.sqrt();
    let mode = lambda.floor() as u64;
    let mf = mode as f64;
    cdf_by_summation(
        (
            (lambda - 12.0 * sd).max(0.0) as u64,
            mode,
            (lambda + 12.0 * sd) as u64,
        ),
        (mf * lambda.ln() - lambda - ln_gamma(mf + 1.0)).exp(),
        move |k| lambda / (k + 1) as f64,
    )
}

/// The CDF over `lo..=hi` from the pmf at the `mode` and `ratio(k)` = pmf(k + 1) / pmf(k),
/// summed outward from the mode; 0 below `lo` and 1 above `hi`.
fn cdf_by_summation(
    (lo, mode, hi): (u64, u64, u64),
    pmf_mode: f64,
    ratio: impl Fn(u64) -> f64,
) -> impl Fn(u64) -> f64 {
    let mut pmf = vec![0.0; (hi - lo + 1) as usize];
    pmf[(mode - lo) as usize] = pmf_mode;
    for k in (lo..mode).rev() {
        pmf[(k - lo) as usize] = pmf[(k + 1 - lo) as usize] / ratio(k);
    }
    for k in mode + 1..=hi {
        pmf[(k - lo) as usize] = pmf[(k - 1 - lo) as usize] * ratio(k - 1);
    }
    let mut cdf = pmf;
    for i in 1..cdf.len() {
        cdf[i] += cdf[i - 1];
    }
    move |k: u64| {
        if k < lo {
            0.0
        } else if k > hi {
            1.0
        } else {
            cdf[(k - lo) as usize].min(1.0)
        }
    }
}

struct Fit {
    mean: f64,
    variance: f64,
    ks: f64,
}

/// Draw at every grid point (monotone in u is checked on the way) and compare with `cdf`.
fn fit(draw: impl Fn(f64) -> u64, cdf: impl Fn(u64) -> f64) -> Fit {
    let us = grid(20_000);
    let xs: Vec<u64> = us.iter().map(|&u| draw(u)).collect();
    assert!(xs.windows(2).all(|w| w[0] <= w[1]), "not monotone in u");
    let n = xs.len() as f64;
    let mean = xs.iter().map(|&x| x as f64).sum::<f64>() / n;
    let variance = xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    // The empirical CDF jumps only at drawn values: the KS supremum is at one of them.
    let mut ks: f64 = 0.0;
    let mut i = 0;
    while i < xs.len() {
        let k = xs[i];
        let below = i as f64 / n;
        while i < xs.len() && xs[i] == k {
            i += 1;
        }
        let at = i as f64 / n;
        let before = if k == 0 { 0.0 } else { cdf(k - 1) };
        ks = ks.max((at - cdf(k)).abs()).max((below - before).abs());
    }
    Fit { mean, variance, ks }
}

fn check(what: &str, f: &Fit, mean: f64, variance: f64, ks: f64) {
    println!("{what}: KS {:.5}", f.ks);
    let sd = variance.sqrt();
    assert!(
        (f.mean - mean).abs() <= 0.01 * sd + 0.01,
        "{what}: mean {} vs {mean}",
        f.mean
    );
    assert!(
        (f.variance / variance - 1.0).abs() <= 0.03,
        "{what}: variance {} vs {variance}",
        f.variance
    );
    assert!(f.ks <= ks, "{what}: KS distance {} > {ks}", f.ks);
}

/// Grid resolution 1/20,000 plus the exact sum's rounding.
const KS_EXACT: f64 = 1.0e-4;
/// The corrected normal, at the smallest variance it is used for and above.
const KS_APPROXIMATE: f64 = 5.0e-4;

#[test]
fn binomial_draws_match_the_exact_distribution_from_small_to_a_billion() {
    for (n, p) in [
        (10u64, 0.3),
        (100, 0.02),
        (200, 0.4),
        (300, 0.2),
        (500, 0.2),
        (1_500, 0.024),
        (5_000, 0.03),
        (60_000, 0.033),
        (1_000_000, 0.5),
        (1_000_000_000, 0.3),
        (1_000_000_000, 1.0e-8),
        (1_000_000_000, 0.9),
    ] {
        let variance = n as f64 * p * (1.0 - p);
        let f = if n <= 100_000 {
            let exact = Binomial::new(p, n).unwrap();
            fit(|u| binomial_inv(n, p, u), |k| exact.cdf(k))
        } else {
            fit(|u| binomial_inv(n, p, u), binomial_cdf_by_summation(n, p))
        };
        let ks = if variance < EXACT_VARIANCE {
            KS_EXACT
        } else {
            KS_APPROXIMATE
        };
        check(
            &format!("binomial({n}, {p})"),
            &f,
            n as f64 * p,
            variance,
            ks,
        );
    }
}

#[test]
fn poisson_draws_match_the_exact_distribution_from_small_to_a_billion() {
    for lambda in [0.5, 5.0, 49.0, 51.0, 300.0, 1_700.0, 1.0e6, 1.0e9] {
        if lambda == 1.0e6 {
            // The summation agrees with the incomplete gamma where both are cheap enough.
            let (exact, sum) = (
                Poisson::new(lambda).unwrap(),
                poisson_cdf_by_summation(lambda),
            );
            for k in [998_000u64, 999_500, 1_000_000, 1_000_700, 1_003_000] {
                assert!((exact.cdf(k) - sum(k)).abs() < 1e-9, "λ {lambda}, k {k}");
            }
        }
        let f = if lambda > 1.0e5 {
            fit(|u| poisson_inv(lambda, u), poisson_cdf_by_summation(lambda))
        } else {
            let exact = Poisson::new(lambda).unwrap();
            fit(|u| poisson_inv(lambda, u), |k| exact.cdf(k))
        };
        let ks = if lambda < EXACT_VARIANCE {
            KS_EXACT
        } else {
            KS_APPROXIMATE
        };
        check(&format!("poisson({lambda})"), &f, lambda, lambda, ks);
    }
}

#[test]
fn huge_counts_take_constant_time() {
    let start = std::time::Instant::now();
    let mut total = 0u64;
    for u in grid(100_000) {
        total = total
            .wrapping_add(binomial_inv(1_000_000_000_000, 0.4, u))
            .wrapping_add(poisson_inv(1.0e12, u));
    }
    let per_draw = start.elapsed().as_secs_f64() / 200_000.0;
    assert!(total > 0);
    // Walking one count at a time from the mode would take about 10⁶ steps per draw.
    assert!(per_draw < 2.0e-6, "{per_draw} s per draw");
    let median = poisson_inv(1.0e12, 0.5);
    assert!((median as f64 - 1.0e12).abs() <= 1.0);
}

#[test]
fn binomial_draws_are_monotone_in_n_with_steps_of_at_most_one() {
    let us = grid(2_000);
    for p in [0.2, 0.03, 0.5, 0.7] {
        // Across the switch from exact inversion to the corrected normal.
        let switch = (EXACT_VARIANCE / (p * (1.0 - p))) as u64;
        for &u in &us {
            for n in switch.saturating_sub(200)..switch + 200 {
                let (a, b) = (binomial_inv(n, p, u), binomial_inv(n + 1, p, u));
                assert!(b >= a && b - a <= 1, "p {p}, n {n}, u {u}: {a} then {b}");
            }
        }
        // And far from the switch, in the corrected normal.
        for &u in &us {
            for n in 1_000_000..1_000_050u64 {
                let (a, b) = (binomial_inv(n, p, u), binomial_inv(n + 1, p, u));
                assert!(b >= a && b - a <= 1, "p {p}, n {n}, u {u}: {a} then {b}");
            }
        }
    }
}

#[test]
fn bad_inputs_give_defined_values_without_hanging() {
    assert_eq!(binomial_inv(100, f64::NAN, 0.5), 0);
    assert_eq!(binomial_inv(100, -0.5, 0.5), 0);
    assert_eq!(binomial_inv(100, 1.5, 0.5), 100);
    assert!(binomial_inv(100, 0.5, f64::NAN) <= 100);
    assert_eq!(binomial_inv(0, 0.5, 0.9), 0);
    let half = binomial_inv(u64::MAX, 0.5, 0.5) as f64;
    assert!((half / 2f64.powi(63) - 1.0).abs() < 1e-9, "{half}");
    assert_eq!(binomial_inv(u64::MAX, 0.5, 1.0), u64::MAX);
    assert_eq!(binomial_inv(1_000, 0.5, 0.0), 0);
    assert_eq!(poisson_inv(f64::NAN, 0.5), 0);
    assert_eq!(poisson_inv(-3.0, 0.5), 0);
    assert_eq!(poisson_inv(f64::INFINITY, 0.5), u64::MAX);
    assert_eq!(poisson_inv(3.0, 0.0), 0);
    assert!(poisson_inv(3.0, 1.0) < 100);
    assert!(poisson_inv(3.0, f64::NAN) < 100);
}
