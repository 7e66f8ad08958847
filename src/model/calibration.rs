//! Calibration to the national record by importance sampling over the model's own iterations:
//! each prior iteration is weighted by the likelihood of the published counts under an
//! observation model (coverage of the count, log-normal measurement error), and the posterior
//! is a systematic resample of the iterations. Pure: no files, no printing.

/// One published figure as the observation model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The model metric it measures (`clients_in_care`, `waiting_list`, …).
    pub metric: String,
    /// Months from 1 January of the base year to the reference date (a state index).
    pub state_index: usize,
    /// The published value.
    pub value: f64,
    /// Share of the country the figure covers: the model's national value times this is what
    /// the count would have found.
    pub coverage: f64,
    /// Measurement error as the standard deviation of log(published / covered model value).
    pub sd_log: f64,
    /// The reference date as published, and its source.
    pub date: crate::data::Date,
    pub source: String,
}

/// The stated measurement error of a kind of published figure (sd on the log scale). Counts of
/// clients and FTE come from registrations (5%); a waiting list is a point-in-time count whose
/// definition differs between networks (10%); the part over the norm and mean waits depend on
/// how waits are measured (20% and 25%); national prevalence estimates differ by method (10%).
pub fn stated_sd_log(metric: &str) -> Option<f64> {
    Some(match metric {
        "clients_in_care" | "fte_available" => 0.05,
        "waiting_list" => 0.10,
        "waiting_over_norm" => 0.20,
        "mean_wait_weeks" | "stated_wait_weeks" => 0.25,
        "people_with_dementia" | "at_home" => 0.10,
        _ => return None,
    })
}

/// The smallest model value the observation model takes the log of: an empty waiting list
/// against a published count of thousands must weigh almost nothing, not break the log.
const FLOOR: f64 = 0.5;

/// Log-likelihood of one iteration: Σ log N(log y | log(c · m), σ) over the observations, with
/// `model[i]` the iteration's national value for observation `i`.
pub fn log_likelihood(observations: &[Observation], model: &[f64]) -> f64 {
    observations
        .iter()
        .zip(model)
        .map(|(o, &m)| {
            let z = (o.value.max(FLOOR).ln() - (o.coverage * m).max(FLOOR).ln()) / o.sd_log;
            -0.5 * z * z - o.sd_log.ln()
        })
        .sum()
}

/// The posterior as weights over the prior iterations and a resample of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Normalised importance weights, one per prior iteration.
    pub weights: Vec<f64>,
    /// Effective sample size 1 / Σ w² (Kish).
    pub ess: f64,
    /// Prior iterations drawn by systematic resampling: as many as there are iterations.
    pub resampled: Vec<usize>,
}

/// Weight iterations by their log-likelihoods and resample them systematically with the offset
/// `u` in [0, 1). Iterations with a non-finite log-likelihood get weight 0; if every iteration
/// has, the weights are uniform and the ESS says so (it equals the number of iterations only
/// when the record says nothing).
pub fn calibrate(log_lik: &[f64], u: f64) -> Calibration {
    let raw = relative_weights(log_lik).unwrap_or_else(|| vec![1.0; log_lik.len()]);
    let total: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
    let ess = effective_sample_size(&weights);
    let resampled = systematic_resample(&weights, weights.len(), u);
    Calibration {
        weights,
        ess,
        resampled,
    }
}

/// Weights `exp(l − max l)` of log-weights, 0 for a non-finite one; `None` when none is finite.
pub fn relative_weights(log_weights: &[f64]) -> Option<Vec<f64>> {
    let top = log_weights
        .iter()
        .copied()
        .filter(|l| l.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    top.is_finite().then(|| {
        log_weights
            .iter()
            .map(|&l| if l.is_finite() { (l - top).exp() } else { 0.0 })
            .collect()
    })
}

/// Kish's effective sample size (Σ w)² / Σ w² of weights, normalised or not.
pub fn effective_sample_size(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().sum();
    s * s / weights.iter().map(|x| x * x).sum::<f64>()
}

/// Systematic resampling: `n` indices, index `i` appearing ⌊n wᵢ⌋ or ⌈n wᵢ⌉ times, in
/// increasing order.
pub fn systematic_resample(weights: &[f64], n: usize, u: f64) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    let mut cumulative = 0.0;
    let mut i = 0;
    for k in 0..n {
        let point = (k as f64 + u.clamp(0.0, 1.0 - f64::EPSILON)) / n as f64;
        while i + 1 < weights.len() && cumulative + weights[i] <= point {
            cumulative += weights[i];
            i += 1;
        }
        out.push(i);
    }
    out
}

/// Weighted quantile `p` of `values` (the inverse of the weighted empirical CDF).
pub fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    for &i in &order {
        acc += weights[i] / total;
        if acc >= p {
            return values[i];
        }
    }
    order.last().map_or(f64::NAN, |&i| values[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A conjugate check: θ ~ N(0, 1) a priori, one observation log y = θ + ε, ε ~ N(0, σ²).
    /// The posterior is N(log y / (1 + σ²), σ² / (1 + σ²)); importance sampling over prior draws
    /// must recover its mean and variance.
    #[test]
    fn importance_weights_recover_a_conjugate_normal_posterior() {
        let n = 40_000;
        let sigma = 0.5;
        let observed = 0.8f64;
        // Prior draws by inversion on a regular grid of uniforms: deterministic and exact.
        let theta: Vec<f64> = (0..n)
            .map(|i| crate::scenario::normal_quantile((i as f64 + 0.5) / n as f64))
            .collect();
        let obs = [Observation {
            metric: "x".into(),
            state_index: 0,
            value: 1000.0 * observed.exp(),
            coverage: 1.0,
            sd_log: sigma,
            date: crate::data::Date {
                year: 2000,
                month: 1,
                day: 1,
            },
            source: String::new(),
        }];
        let ll: Vec<f64> = theta
            .iter()
            .map(|t| log_likelihood(&obs, &[1000.0 * t.exp()]))
            .collect();
        let c = calibrate(&ll, 0.5);
        let mean: f64 = theta.iter().zip(&c.weights).map(|(t, w)| t * w).sum();
        let var: f64 = theta
            .iter()
            .zip(&c.weights)
            .map(|(t, w)| (t - mean).powi(2) * w)
            .sum();
        let s2 = sigma * sigma;
        assert!((mean - observed / (1.0 + s2)).abs() < 1e-3, "{mean}");
        assert!((var - s2 / (1.0 + s2)).abs() < 1e-3, "{var}");
        // Analytic ESS / n = E[w]² / E[w²] = σ√(2+σ²)/(1+σ²) · exp(−y²/(1+σ²) + y²/(2+σ²)) ≈ 0.478.
        assert!((c.ess / n as f64 - 0.478).abs() < 0.005, "{}", c.ess);
        let resampled_mean =
            c.resampled.iter().map(|&i| theta[i]).sum::<f64>() / c.resampled.len() as f64;
        assert!((resampled_mean - mean).abs() < 5e-3, "{resampled_mean}");
    }

    #[test]
    fn coverage_scales_the_model_value_before_comparing() {
        let obs = |coverage| Observation {
            metric: "clients_in_care".into(),
            state_index: 0,
            value: 97.0,
            coverage,
            sd_log: 0.05,
            date: crate::data::Date {
                year: 2000,
                month: 1,
                day: 1,
            },
            source: String::new(),
        };
        // A model value of 100 with 97% coverage matches 97 exactly: the likelihood's maximum.
        assert!(log_likelihood(&[obs(0.97)], &[100.0]) > log_likelihood(&[obs(1.0)], &[100.0]));
        assert!(
            (log_likelihood(&[obs(0.97)], &[100.0]) - (-(0.05f64).ln())).abs() < 1e-9,
            "exact match gives the density's peak"
        );
    }

    #[test]
    fn systematic_resampling_keeps_counts_within_one_of_n_times_weight() {
        let w = [0.1, 0.0, 0.35, 0.05, 0.5];
        for u in [0.0, 0.3, 0.77, 0.999] {
            let r = systematic_resample(&w, 40, u);
            assert_eq!(r.len(), 40);
            assert!(r.windows(2).all(|p| p[0] <= p[1]));
            for (i, wi) in w.iter().enumerate() {
                let count = r.iter().filter(|&&j| j == i).count() as f64;
                assert!((count - 40.0 * wi).abs() <= 1.0, "u {u} i {i}: {count}");
            }
        }
    }

    #[test]
    fn an_empty_model_value_weighs_almost_nothing_and_nothing_is_nan() {
        let obs = [Observation {
            metric: "waiting_list".into(),
            state_index: 0,
            value: 2551.0,
            coverage: 0.97,
            sd_log: 0.15,
            date: crate::data::Date {
                year: 2000,
                month: 1,
                day: 1,
            },
            source: String::new(),
        }];
        let ll = [
            log_likelihood(&obs, &[0.0]),
            log_likelihood(&obs, &[2600.0]),
        ];
        let c = calibrate(&ll, 0.5);
        assert!(c.weights[0] < 1e-100 && (c.weights[1] - 1.0).abs() < 1e-12);
        assert!((c.ess - 1.0).abs() < 1e-9);
        let all_bad = calibrate(&[f64::NAN, f64::NEG_INFINITY], 0.5);
        assert_eq!(all_bad.weights, vec![0.5, 0.5]);
    }

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let v = [1.0, 2.0, 3.0, 4.0];
        let w = [0.1, 0.1, 0.1, 0.7];
        assert_eq!(weighted_quantile(&v, &w, 0.5), 4.0);
        assert_eq!(weighted_quantile(&v, &w, 0.15), 2.0);
        assert_eq!(weighted_quantile(&v, &[1.0; 4], 0.5), 2.0);
    }
}
