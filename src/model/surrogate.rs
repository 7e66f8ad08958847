//! The calibration's cheap first look at a latent move (delayed acceptance, Christen & Fox
//! 2005): the logarithm of every observed value as a linear function of the latent normals,
//! fitted by least squares to a stage's particles. A proposal the fit already rejects is not
//! simulated; one it passes is tested again on its history, so the posterior is exact.

use crate::model::evaluation::Evaluation;
use crate::model::observation::{log_density, Observation, FLOOR};
use crate::model::particle::Particle;
use crate::model::stats::cholesky;

/// Ridge on the slopes (per particle), so that the fit exists when the particles coincide in
/// some direction (after resampling many do).
const RIDGE: f64 = 1e-6;

/// Per observation the intercept and slopes of `ln(covered model value)` on the latent normals.
#[derive(Debug, Clone, Default)]
pub(crate) struct Surrogate {
    /// `[observation][1 + latent dimension]`, row-major; empty: no fit, every proposal passes
    /// on to its history (the test is then plain Metropolis).
    coefficients: Vec<f64>,
    width: usize,
}

impl Surrogate {
    /// Least squares over the particles whose observed values are all finite.
    pub(crate) fn fit(
        observations: &[Observation],
        particles: &[Particle],
        evaluated: &[Evaluation],
    ) -> Surrogate {
        let (k, width) = (
            observations.len(),
            particles.first().map_or(0, |p| p.z.len()) + 1,
        );
        let rows: Vec<(&[f64], Vec<f64>)> = particles
            .iter()
            .zip(evaluated)
            .filter_map(|(p, e)| {
                let y: Vec<f64> = observations
                    .iter()
                    .zip(&e.values)
                    .map(|(o, &m)| covered_log(o, m))
                    .collect();
                y.iter().all(|v| v.is_finite()).then_some((&p.z[..], y))
            })
            .collect();
        if k == 0 || rows.len() <= width {
            return Surrogate::default();
        }
        // Normal equations XᵀX b = Xᵀy with X = [1, z], one Cholesky factor for every observation.
        let mut gram = vec![0.0; width * width];
        let mut rhs = vec![0.0; k * width];
        let mut x = vec![0.0; width];
        for (z, y) in &rows {
            x[0] = 1.0;
            x[1..].copy_from_slice(z);
            for a in 0..width {
                for b in 0..=a {
                    gram[a * width + b] += x[a] * x[b];
                }
                for (j, yj) in y.iter().enumerate() {
                    rhs[j * width + a] += x[a] * yj;
                }
            }
        }
        for a in 1..width {
            gram[a * width + a] += RIDGE * rows.len() as f64;
        }
        let Some(l) = cholesky(&gram, width, 0.0) else {
            return Surrogate::default();
        };
        let mut coefficients = rhs;
        for j in 0..k {
            solve(&l, width, &mut coefficients[j * width..(j + 1) * width]);
        }
        Surrogate {
            coefficients,
            width,
        }
    }

    /// The fitted log-likelihood at the latent normals `z` (0 without a fit).
    pub(crate) fn log_likelihood(&self, observations: &[Observation], z: &[f64]) -> f64 {
        if self.coefficients.is_empty() {
            return 0.0;
        }
        observations
            .iter()
            .zip(self.coefficients.chunks_exact(self.width))
            .map(|(o, c)| {
                let fitted = c[0] + c[1..].iter().zip(z).map(|(b, x)| b * x).sum::<f64>();
                // The observation model's density at the covered value exp(fitted), kept finite
                // far out (a proposal in the tails must still be comparable with its particle).
                let fitted = fitted.clamp(FLOOR.ln(), 40.0);
                log_density(o, fitted.exp() / o.coverage)
            })
            .sum()
    }
}

/// `ln(coverage × m)` as the observation model takes it (floored).
fn covered_log(o: &Observation, m: f64) -> f64 {
    (o.coverage * m).max(FLOOR).ln()
}

/// Solve `L Lᵀ x = b` in place.
fn solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * b[k]).sum();
        b[i] = (b[i] - s) / l[i * n + i];
    }
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * b[k]).sum();
        b[i] = (b[i] - s) / l[i * n + i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::Metric;
    use crate::model::observation::log_likelihood;
    use crate::model::projection::REGIONS;

    fn observation(value: f64, coverage: f64) -> Observation {
        Observation {
            metric: Metric::WaitingList,
            state_index: 0,
            value,
            coverage,
            sd_log: 0.2,
            date: crate::data::Date {
                year: 2023,
                month: 1,
                day: 1,
            },
            source: String::new(),
        }
    }

    /// Particles on a grid of three latent normals and model values whose logarithms are
    /// linear in them.
    fn cloud(log_value: impl Fn(&[f64]) -> [f64; 2]) -> (Vec<Particle>, Vec<Evaluation>) {
        let mut particles = Vec::new();
        let mut evaluated = Vec::new();
        for i in 0..200 {
            let z: Vec<f64> = (0..3)
                .map(|a| ((i * (7 + 4 * a) + a) % 23) as f64 / 11.0 - 1.0)
                .collect();
            let values = log_value(&z).map(f64::exp).to_vec();
            particles.push(Particle {
                z,
                history: [0; REGIONS],
            });
            evaluated.push(Evaluation {
                values,
                ll: 0.0,
                parts: Vec::new(),
            });
        }
        (particles, evaluated)
    }

    /// Where the logarithms of the covered values are linear in the normals, the fit recovers
    /// them (up to the ridge's shrinkage) and its log-likelihood is the observation model's.
    #[test]
    fn a_linear_record_is_fitted_exactly() {
        let observations = [observation(2_500.0, 0.97), observation(60_000.0, 1.0)];
        let (particles, evaluated) = cloud(|z| {
            [
                7.8 + 0.4 * z[0] - 0.2 * z[2],
                11.0 + 0.03 * z[1] - (0.97f64).ln(),
            ]
        });
        let surrogate = Surrogate::fit(&observations, &particles, &evaluated);
        for z in [[0.3f64, -0.5, 0.9], [-1.2, 0.0, 0.4], [2.0, 1.5, -2.0]] {
            let values = [
                (7.8 + 0.4 * z[0] - 0.2 * z[2]).exp(),
                (11.0 + 0.03 * z[1] - (0.97f64).ln()).exp(),
            ];
            let exact = log_likelihood(&observations, &values);
            let fitted = surrogate.log_likelihood(&observations, &z);
            assert!(
                (fitted - exact).abs() < 1e-3,
                "{fitted} vs {exact} at {z:?}"
            );
        }
    }

    /// Too few particles for the regressors, or none with finite values: no fit, and the first
    /// look passes every proposal on (the surrogate is flat).
    #[test]
    fn without_enough_finite_particles_the_surrogate_is_flat() {
        let observations = [observation(2_500.0, 1.0)];
        let (particles, evaluated) = cloud(|z| [z[0], 0.0]);
        let few = Surrogate::fit(&observations, &particles[..3], &evaluated[..3]);
        assert_eq!(few.log_likelihood(&observations, &[0.5, 0.5, 0.5]), 0.0);
        let infinite: Vec<Evaluation> = evaluated
            .iter()
            .map(|e| Evaluation {
                values: vec![f64::INFINITY],
                ..e.clone()
            })
            .collect();
        let none = Surrogate::fit(&observations, &particles, &infinite);
        assert_eq!(none.log_likelihood(&observations, &[0.5, 0.5, 0.5]), 0.0);
    }
}
