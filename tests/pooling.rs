//! Pooling against closed forms.

use omvang::pooling::{pool, Study};
use omvang::scenario::PoolingMethod;

/// DerSimonian–Laird by hand for y = (0, 1, 2), v = (1/4, 1/2, 1):
/// w = (4, 2, 1), Σw = 7, fixed mean 4/7, Q = (4·16 + 2·9 + 100)/49 = 26/7, C = 7 − 21/7 = 4,
/// τ² = (26/7 − 2)/4 = 3/7; w* = (28/19, 14/13, 7/10), Σw* = 8029/2470,
/// μ = (14/13 + 7/5)/Σw* = 6118/8029, se² = 2470/8029, I² = (12/7)/(26/7) = 6/13,
/// PI = μ ± t(0.975, 1) · √(τ² + se²) with t(0.975, 1) = 12.706204736174698.
#[test]
fn dersimonian_laird_matches_hand_computation() {
    let s = [
        Study { y: 0.0, v: 0.25 },
        Study { y: 1.0, v: 0.5 },
        Study { y: 2.0, v: 1.0 },
    ];
    let p = pool(&s, PoolingMethod::Dl);
    let tol = 1e-9;
    assert!((p.q - 26.0 / 7.0).abs() < tol, "Q {}", p.q);
    assert!((p.tau2 - 3.0 / 7.0).abs() < tol, "tau2 {}", p.tau2);
    assert!((p.mean - 6118.0 / 8029.0).abs() < tol, "mean {}", p.mean);
    assert!(
        (p.se - (2470.0f64 / 8029.0).sqrt()).abs() < tol,
        "se {}",
        p.se
    );
    assert!((p.i2 - 6.0 / 13.0).abs() < tol, "I2 {}", p.i2);
    let half = 12.706_204_736_174_698 * (3.0f64 / 7.0 + 2470.0 / 8029.0).sqrt();
    assert!((p.pi_low - (6118.0 / 8029.0 - half)).abs() < 1e-8);
    assert!((p.pi_high - (6118.0 / 8029.0 + half)).abs() < 1e-8);
}

/// The pooled mean lies within the range of the chain estimates, for any data.
#[test]
fn pooled_mean_lies_within_the_chains() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for _ in 0..500 {
        let k = rng.random_range(1..8);
        let s: Vec<Study> = (0..k)
            .map(|_| Study {
                y: rng.random_range(-3.0..3.0),
                v: rng.random_range(0.001..1.0),
            })
            .collect();
        for method in [PoolingMethod::Dl, PoolingMethod::Reml] {
            let p = pool(&s, method);
            let lo = s.iter().map(|s| s.y).fold(f64::INFINITY, f64::min);
            let hi = s.iter().map(|s| s.y).fold(f64::NEG_INFINITY, f64::max);
            assert!(p.mean >= lo - 1e-12 && p.mean <= hi + 1e-12);
            assert!(p.tau2 >= 0.0 && p.pi_low <= p.mean && p.mean <= p.pi_high);
        }
    }
}
