//! Importance weights of a particle cloud: relative weights from log-weights, Kish's effective
//! sample size and systematic resampling (the calibration's reweighting and resampling).

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::Metric;
    use crate::model::observation::{log_likelihood, Observation};

    #[test]
    fn an_empty_model_value_weighs_almost_nothing_and_nothing_is_nan() {
        let obs = [Observation {
            metric: Metric::WaitingList,
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
        assert!(ll.iter().all(|l| l.is_finite()));
        let w = relative_weights(&ll).unwrap();
        assert!(w[0] < 1e-100 && w[1] == 1.0);
        assert!((effective_sample_size(&w) - 1.0).abs() < 1e-9);
    }

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
            metric: Metric::ClientsInCare,
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
        let raw = relative_weights(&ll).unwrap();
        let total: f64 = raw.iter().sum();
        let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
        let mean: f64 = theta.iter().zip(&weights).map(|(t, w)| t * w).sum();
        let var: f64 = theta
            .iter()
            .zip(&weights)
            .map(|(t, w)| (t - mean).powi(2) * w)
            .sum();
        let s2 = sigma * sigma;
        assert!((mean - observed / (1.0 + s2)).abs() < 1e-3, "{mean}");
        assert!((var - s2 / (1.0 + s2)).abs() < 1e-3, "{var}");
        // Analytic ESS / n = E[w]² / E[w²] = σ√(2+σ²)/(1+σ²) · exp(−y²/(1+σ²) + y²/(2+σ²)) ≈ 0.478.
        let ess = effective_sample_size(&weights);
        assert!((ess / n as f64 - 0.478).abs() < 0.005, "{ess}");
        let resampled = systematic_resample(&weights, n, 0.5);
        let resampled_mean =
            resampled.iter().map(|&i| theta[i]).sum::<f64>() / resampled.len() as f64;
        assert!((resampled_mean - mean).abs() < 5e-3, "{resampled_mean}");
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
}
