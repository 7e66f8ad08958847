//! Pooling against closed forms.

use omvang::model::pooling::{pool, Study};
use omvang::scenario::PoolingMethod;

/// DerSimonian–Laird by hand for y = (0, 1, 2), v = (1/4, 1/2, 1):
/// w = (4, 2, 1), Σw = 7, fixed mean 4/7, Q = (4·16 + 2·9 + 100)/49 = 26/7, C = 7 − 21/7 = 4,
/// τ² = (26/7 − 2)/4 = 3/7; w* = (28/19, 14/13, 7/10), Σw* = 8029/2470,
/// μ = (14/13 + 7/5)/Σw* = 6118/8029, se² = 2470/8029, I² = (12/7)/(26/7) = 6/13.
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
}

/// The grid posterior against a closed form: at a fixed τ, μ | τ, y is normal with the
/// inverse-variance weights 1/(vⱼ + τ²) (BDA eq. 5.20). Drawn with u = Φ(1) at the grid point
/// nearest τ = √(3/7), the mean is m(τ) + √V(τ).
#[test]
fn conditional_posterior_of_the_mean_matches_the_closed_form() {
    let s = [
        Study { y: 0.0, v: 0.25 },
        Study { y: 1.0, v: 0.5 },
        Study { y: 2.0, v: 1.0 },
    ];
    let post = pool(&s, PoolingMethod::Dl).posterior;
    let i = post
        .tau
        .iter()
        .enumerate()
        .min_by(|a, b| {
            (a.1 - (3.0f64 / 7.0).sqrt())
                .abs()
                .total_cmp(&(b.1 - (3.0f64 / 7.0).sqrt()).abs())
        })
        .unwrap()
        .0;
    let t2 = post.tau[i] * post.tau[i];
    let w: Vec<f64> = s.iter().map(|s| 1.0 / (s.v + t2)).collect();
    let sw: f64 = w.iter().sum();
    let m = s.iter().zip(&w).map(|(s, w)| w * s.y).sum::<f64>() / sw;
    assert!((post.mean[i] - m).abs() < 1e-12);
    assert!((post.var[i] - 1.0 / sw).abs() < 1e-12);
    // u_tau at the middle of grid cell i selects it.
    let u_tau = post.cumulative[i] - 1e-12;
    let u_mean = 0.841_344_746_068_542_9; // Φ(1)
    let draw = post.draw_mean(u_tau, u_mean);
    assert!((draw - (m + (1.0 / sw).sqrt())).abs() < 1e-7, "{draw}");
}

/// Fewer chains, wider intervals, and never an infinite draw: 1, 2, 3 and 6 chains drawn from
/// one population of chains (logit uptake −0.8, between-chain sd 0.2).
#[test]
fn fewer_chains_give_wider_finite_intervals() {
    let ys = [-0.75, -0.95, -0.62, -0.88, -0.7, -0.9];
    let width = |k: usize| {
        let s: Vec<Study> = ys[..k].iter().map(|&y| Study { y, v: 0.002 }).collect();
        let p = pool(&s, PoolingMethod::Dl);
        // The 90% interval of the pooled mean's draws, on a grid of uniforms.
        let mut draws: Vec<f64> = (0..200)
            .flat_map(|i| {
                let post = &p.posterior;
                (0..50)
                    .map(move |j| post.draw_mean((i as f64 + 0.5) / 200.0, (j as f64 + 0.5) / 50.0))
            })
            .collect();
        assert!(draws.iter().all(|d| d.is_finite()));
        draws.sort_by(f64::total_cmp);
        let n = draws.len() as f64;
        let w = draws[(0.95 * n) as usize] - draws[(0.05 * n) as usize];
        assert!(p.pi_low.is_finite() && p.pi_high.is_finite());
        assert!(p.pi_low < p.mean && p.mean < p.pi_high);
        (w, p.pi_high - p.pi_low)
    };
    let (w1, pi1) = width(1);
    let (w2, pi2) = width(2);
    let (w3, pi3) = width(3);
    let (w6, pi6) = width(6);
    assert!(w1 > w2 && w2 > w3 && w3 > w6, "{w1} {w2} {w3} {w6}");
    assert!(
        pi1 > pi2 && pi2 > pi3 && pi3 > pi6,
        "{pi1} {pi2} {pi3} {pi6}"
    );
    // Two chains no longer give a Cauchy spread: the interval stays within a few prior scales.
    assert!(w2 < 4.0, "{w2}");
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

/// Issue 9 and 12: one, two and three chains give runs that finish with finite values, and the
/// base-year band of clients in care narrows as chains are added (two chains used to hang or
/// panic on a Cauchy draw).
#[test]
fn runs_with_one_two_and_three_chains_finish_finite_and_narrow_with_more_chains() {
    use crate::util::{omvang, path_str, WorkDir};
    let w = WorkDir::new("few-chains");
    let shipped =
        std::fs::read_to_string(crate::util::root().join("data/chains/illustrative_chains.csv"))
            .unwrap();
    let mut lines = shipped.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut widths = Vec::new();
    for (k, chains) in [
        ["illustrative_A"].as_slice(),
        &["illustrative_A", "illustrative_B"],
        &["illustrative_A", "illustrative_B", "illustrative_C"],
    ]
    .iter()
    .enumerate()
    {
        let mut text = format!("{header}\n");
        for r in rows
            .iter()
            .filter(|r| chains.iter().any(|c| r.starts_with(&format!("{c},"))))
        {
            text.push_str(r);
            text.push('\n');
        }
        let file = w.write(&format!("chains{k}.csv"), &text);
        let out = w.path.join(format!("out{k}"));
        let o = omvang(&[
            "run",
            "scenarios/baseline.toml",
            "--chains",
            path_str(&file),
            "--iterations",
            "300",
            "--no-report",
            "--quiet",
            "--out",
            path_str(&out),
        ]);
        assert!(
            o.status.success(),
            "{} chains: {}",
            k + 1,
            String::from_utf8_lossy(&o.stderr)
        );
        // The chains' own information shows in the prior; calibrated, the national record
        // pins the clients whatever the number of chains.
        let prior = w.path.join(format!("prior{k}"));
        let o = omvang(&[
            "run",
            "scenarios/baseline.toml",
            "--chains",
            path_str(&file),
            "--iterations",
            "300",
            "--no-report",
            "--no-calibration",
            "--quiet",
            "--out",
            path_str(&prior),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let summary = std::fs::read_to_string(out.join("baseline/summary.csv")).unwrap();
        for line in summary.lines().skip(1) {
            for cell in line.split(',').skip(3) {
                let v: f64 = cell.parse().unwrap();
                assert!(v.is_finite() || cell == "NaN", "{} chains: {line}", k + 1);
            }
        }
        let prior_summary = std::fs::read_to_string(prior.join("baseline/summary.csv")).unwrap();
        let row: Vec<f64> = prior_summary
            .lines()
            .find(|l| l.contains(",clients_in_care,2018,"))
            .unwrap()
            .split(',')
            .skip(3)
            .map(|c| c.parse().unwrap())
            .collect();
        widths.push(row[5] - row[1]);
    }
    assert!(widths[0] > widths[1] && widths[1] > widths[2], "{widths:?}");
}
