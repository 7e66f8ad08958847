//! Calibration to the national record by sequential Monte Carlo: particles start as the prior
//! iterations, are reweighted along a ladder of temperatures chosen so that each step keeps half
//! the effective sample size, resampled, and moved by Metropolis steps: a random walk in their
//! latent normals shaped by the particles' covariance, and renewals of one region's history
//! flows at a time. Pure and deterministic: every random number comes from a stream keyed by stage and
//! particle, so the posterior does not depend on the thread count.

use rayon::prelude::*;

use crate::model::calibration::{
    effective_sample_size, log_likelihood, relative_weights, systematic_resample,
};
use crate::model::projection::REGIONS;
use crate::model::simulate::{
    latent, observe_particle, Model, Particle, PooledDraw, Scratch, POLICY_ONLY,
};
use crate::scenario::{keyed_stream, latent_normal, Parameters};

/// Most tempering stages before the ladder is cut short (at temperature 1 regardless).
const MAX_STAGES: usize = 40;
/// Fewest and most Metropolis steps per particle and stage (each a move of the latent normals,
/// then one of a region's history flows); in between, as many as the acceptance rate needs.
const MIN_STEPS: usize = 3;
const MAX_STEPS: usize = 6;
/// Effective sample size kept by each tempering step, as a share of the particles.
const ESS_TARGET: f64 = 0.5;
/// Marks a history key as a fresh proposal (prior histories are numbered from 0).
const FRESH: u64 = 1 << 63;

/// One stage of the tempering ladder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    /// Temperature reached at the end of the stage (1 = the full likelihood).
    pub temperature: f64,
    /// Effective sample size of the stage's weights, before resampling.
    pub ess: f64,
    /// Share of accepted moves of the latent normals and of the histories.
    pub acceptance: f64,
    pub history_acceptance: f64,
    /// Metropolis steps per particle in the stage.
    pub steps: usize,
}

/// The 5%, 50% and 95% quantiles of a quantity over the particles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub low: f64,
    pub median: f64,
    pub high: f64,
}

impl Band {
    fn of(mut values: Vec<f64>) -> Band {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        let q = |p| crate::model::stats::quantile(&values, p);
        Band {
            low: q(0.05),
            median: q(0.5),
            high: q(0.95),
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// An observation beside the model before and after calibration, on the observed scale
/// (national model value × coverage).
#[derive(Debug, Clone, PartialEq)]
pub struct HindcastRow {
    /// Index into the model's observations.
    pub observation: usize,
    pub prior: Band,
    pub posterior: Option<Band>,
}

/// A calibrated quantity before and after calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterRow {
    pub name: String,
    pub prior: Band,
    pub posterior: Option<Band>,
}

/// The iterations a run projects, and how they were found.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    pub particles: Vec<Particle>,
    pub calibrated: bool,
    /// Effective sample size of plain importance weights of the prior iterations (what
    /// importance sampling without tempering would have had).
    pub prior_ess: f64,
    pub stages: Vec<Stage>,
    pub hindcast: Vec<HindcastRow>,
    pub parameters: Vec<ParameterRow>,
    /// Distinct history flow streams among the final particles.
    pub unique_histories: usize,
    /// Histories simulated (each `history_months` long): the calibration's work.
    pub evaluations: usize,
}

impl Posterior {
    /// The same iterations for another scenario with the same history (see
    /// [`Model::history_fingerprint`]): only the bands of its parameters are its own.
    pub fn for_model(&self, model: &Model) -> Posterior {
        let prior: Vec<Particle> = (0..self.particles.len() as u64)
            .map(|j| model.prior_particle(j))
            .collect();
        Posterior {
            parameters: parameter_rows(
                model,
                &prior,
                self.calibrated.then_some(&self.particles[..]),
            ),
            ..self.clone()
        }
    }

    /// Effective sample size of the last stage's weights.
    pub fn final_ess(&self) -> Option<f64> {
        self.stages.last().map(|s| s.ess)
    }
}

/// A particle after its Metropolis steps: with its observed values and log-likelihood, and how
/// many latent and history moves it accepted.
type Moved = (Particle, (Vec<f64>, f64), usize, usize);

/// Lower Cholesky factor (row-major, d × d) of the particles' covariance of their latent
/// normals, with a small ridge so that it exists when particles coincide in some direction.
fn population_cholesky(particles: &[Particle]) -> Vec<f64> {
    let d = particles.first().map_or(0, |p| p.z.len());
    let n = particles.len() as f64;
    let mean: Vec<f64> = (0..d)
        .map(|a| particles.iter().map(|p| p.z[a]).sum::<f64>() / n)
        .collect();
    let mut cov = vec![0.0; d * d];
    for p in particles {
        for a in 0..d {
            let da = p.z[a] - mean[a];
            for b in 0..=a {
                cov[a * d + b] += da * (p.z[b] - mean[b]) / n;
            }
        }
    }
    for a in 0..d {
        cov[a * d + a] += 1e-6;
    }
    let mut l = vec![0.0; d * d];
    for a in 0..d {
        for b in 0..=a {
            let s: f64 = (0..b).map(|k| l[a * d + k] * l[b * d + k]).sum();
            if a == b {
                l[a * d + a] = (cov[a * d + a] - s).max(1e-12).sqrt();
            } else {
                l[a * d + b] = (cov[a * d + b] - s) / l[b * d + b];
            }
        }
    }
    l
}

fn ess(log_weights: &[f64]) -> f64 {
    relative_weights(log_weights).map_or(0.0, |w| effective_sample_size(&w))
}

/// The temperature step from `phi` that keeps [`ESS_TARGET`] of the particles (bisection; the
/// whole rest of the way if that keeps enough).
fn next_step(log_lik: &[f64], phi: f64) -> f64 {
    let n = log_lik.len() as f64;
    let ess_at = |d: f64| ess(&log_lik.iter().map(|l| d * l).collect::<Vec<_>>());
    let rest = 1.0 - phi;
    if ess_at(rest) >= ESS_TARGET * n {
        return rest;
    }
    let (mut lo, mut hi) = (0.0, rest);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if ess_at(mid) >= ESS_TARGET * n {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo.max(rest * 1e-9)
}

/// The observed-scale value of every observation for a particle, and its log-likelihood.
fn evaluate(model: &Model, particle: &Particle, scratch: &mut Scratch) -> (Vec<f64>, f64) {
    let values = observe_particle(model, particle, scratch);
    let ll = log_likelihood(&model.observations, &values);
    (
        values,
        if ll.is_finite() {
            ll
        } else {
            f64::NEG_INFINITY
        },
    )
}

/// Summaries of the quantities reported per particle: every drawn parameter and pooled rate.
fn parameter_bands(model: &Model, particles: &[Particle]) -> Vec<(String, Band)> {
    let draws: Vec<_> = particles.iter().map(|p| model.draws(&p.z)).collect();
    let mut out = Vec::new();
    for (i, name) in Parameters::NAMES.iter().enumerate() {
        if model.scenario.parameters.all()[i].is_fixed() {
            continue;
        }
        out.push((
            (*name).to_string(),
            Band::of(draws.iter().map(|d| d.parameters.values()[i]).collect()),
        ));
    }
    // Named as in `draws.parquet` (`pooled_<rate>`), where readers find their labels.
    for (i, name) in PooledDraw::NAMES.iter().enumerate() {
        out.push((
            format!("pooled_{name}"),
            Band::of(draws.iter().map(|d| d.pooled.values()[i]).collect()),
        ));
    }
    out
}

/// Every drawn parameter's prior band and, for a calibrated run, its posterior band.
fn parameter_rows(
    model: &Model,
    prior: &[Particle],
    posterior: Option<&[Particle]>,
) -> Vec<ParameterRow> {
    let posterior = posterior.map(|p| parameter_bands(model, p));
    parameter_bands(model, prior)
        .into_iter()
        .enumerate()
        .map(|(k, (name, prior))| ParameterRow {
            name,
            prior,
            posterior: posterior.as_ref().map(|b| b[k].1),
        })
        .collect()
}

/// The iterations of a run: the prior ones, or (with `calibrate` and observations to calibrate
/// to) `n` particles from the posterior given the national record. Runs on the current rayon
/// pool; `stage` is called after each tempering stage.
pub fn posterior(
    model: &Model,
    n: usize,
    calibrate: bool,
    stage: &(dyn Fn(&Stage) + Sync),
) -> Posterior {
    let seed = model.scenario.run.seed;
    let mut particles: Vec<Particle> = (0..n as u64).map(|j| model.prior_particle(j)).collect();
    let evaluate_all = |particles: &[Particle]| -> Vec<(Vec<f64>, f64)> {
        particles
            .par_iter()
            .map_init(Scratch::default, |scratch, p| evaluate(model, p, scratch))
            .collect()
    };
    let observed_scale = |evaluated: &[(Vec<f64>, f64)]| -> Vec<Band> {
        model
            .observations
            .iter()
            .enumerate()
            .map(|(k, o)| Band::of(evaluated.iter().map(|(v, _)| v[k] * o.coverage).collect()))
            .collect()
    };
    let mut evaluated = evaluate_all(&particles);
    let prior_bands = observed_scale(&evaluated);
    let prior_particles = particles.clone();
    let prior_ess = ess(&evaluated.iter().map(|(_, l)| *l).collect::<Vec<_>>());
    let calibrating = calibrate && !model.observations.is_empty() && n > 1;
    let mut stages = Vec::new();
    let mut evaluations = n;
    if calibrating {
        let mut phi = 0.0;
        let mut step_scale: f64 = 1.0;
        let mut steps = MIN_STEPS;
        for s in 0..MAX_STAGES {
            let lls: Vec<f64> = evaluated.iter().map(|(_, l)| *l).collect();
            let step = if s + 1 == MAX_STAGES {
                1.0 - phi
            } else {
                next_step(&lls, phi)
            };
            let log_w: Vec<f64> = lls.iter().map(|l| step * l).collect();
            let stage_ess = ess(&log_w);
            let w: Vec<f64> = match relative_weights(&log_w) {
                Some(w) => {
                    let total: f64 = w.iter().sum();
                    w.iter().map(|x| x / total).collect()
                }
                // No particle can produce the record at all: keep them as they are.
                None => vec![1.0 / n as f64; n],
            };
            let u: f64 =
                rand::RngExt::random(&mut keyed_stream(seed, "calibration.resample", s as u64));
            let picked = systematic_resample(&w, n, u);
            particles = picked.iter().map(|&i| particles[i].clone()).collect();
            evaluated = picked.iter().map(|&i| evaluated[i].clone()).collect();
            phi = (phi + step).min(1.0);
            let temperature = if s + 1 == MAX_STAGES { 1.0 } else { phi };

            // Random-walk Metropolis in the latent normals with the particles' own covariance
            // (scaled by 2.38/√d, Roberts & Rosenthal), then a renewal of one region's history
            // flows per step, each accepted against prior × likelihood^temperature.
            let chol = population_cholesky(&particles);
            let dim = model.latent_dim();
            let scale = step_scale * 2.38 / (dim as f64).sqrt();
            let moved: Vec<Moved> = particles
                .par_iter()
                .zip(evaluated.par_iter())
                .enumerate()
                .map_init(Scratch::default, |scratch, (i, (p, e))| {
                    let mut rng =
                        keyed_stream(seed, "calibration.move", ((s as u64) << 32) | i as u64);
                    let (mut p, mut e) = (p.clone(), e.clone());
                    let (mut accepted, mut history_accepted) = (0, 0);
                    let mut xi = vec![0.0; dim];
                    for step in 0..steps {
                        for x in xi.iter_mut() {
                            *x = latent_normal(&mut rng);
                        }
                        let z: Vec<f64> = (0..dim)
                            .map(|a| {
                                p.z[a]
                                    + scale
                                        * (0..=a).map(|b| chol[a * dim + b] * xi[b]).sum::<f64>()
                            })
                            .collect();
                        let log_prior = |z: &[f64]| -0.5 * z.iter().map(|x| x * x).sum::<f64>();
                        let proposal = Particle {
                            history: p.history,
                            z,
                        };
                        let candidate = evaluate(model, &proposal, scratch);
                        let log_u = rand::RngExt::random::<f64>(&mut rng).ln();
                        let log_ratio = temperature * (candidate.1 - e.1) + log_prior(&proposal.z)
                            - log_prior(&p.z);
                        if log_u < log_ratio {
                            (p, e) = (proposal, candidate);
                            accepted += 1;
                        }
                        let region = (i + step) % REGIONS;
                        let mut history = p.history;
                        history[region] =
                            FRESH | ((s as u64) << 40) | ((step as u64) << 32) | i as u64;
                        let proposal = Particle {
                            z: p.z.clone(),
                            history,
                        };
                        let candidate = evaluate(model, &proposal, scratch);
                        let log_u = rand::RngExt::random::<f64>(&mut rng).ln();
                        if log_u < temperature * (candidate.1 - e.1) {
                            (p, e) = (proposal, candidate);
                            history_accepted += 1;
                        }
                    }
                    (p, e, accepted, history_accepted)
                })
                .collect();
            let stage_steps = steps;
            evaluations += 2 * n * steps;
            let moves = (n * steps) as f64;
            let acceptance = moved.iter().map(|m| m.2).sum::<usize>() as f64 / moves;
            let history_acceptance = moved.iter().map(|m| m.3).sum::<usize>() as f64 / moves;
            (particles, evaluated) = moved.into_iter().map(|(p, e, _, _)| (p, e)).unzip();
            // Keep the acceptance of latent moves near a quarter, and take as many steps as it
            // takes for nine in ten particles to have moved at least once.
            step_scale = (step_scale * (2.0 * (acceptance - 0.25)).exp()).clamp(0.05, 2.0);
            steps = if acceptance > 0.0 && acceptance < 1.0 {
                ((0.1f64).ln() / (1.0 - acceptance).ln()).ceil() as usize
            } else {
                MIN_STEPS
            }
            .clamp(MIN_STEPS, MAX_STEPS);
            let done = Stage {
                temperature,
                ess: stage_ess,
                acceptance,
                history_acceptance,
                steps: stage_steps,
            };
            stage(&done);
            stages.push(done);
            if temperature >= 1.0 {
                break;
            }
        }
    }
    if calibrating {
        // The record says nothing about the parameters that act only after it: their
        // posterior is their prior, independent of the rest, so each iteration takes its own
        // prior draw (exact, and it undoes the ancestry resampling gave them).
        let names = Parameters::NAMES;
        let free: Vec<usize> = (0..names.len())
            .filter(|&i| POLICY_ONLY.contains(&names[i]))
            .map(|i| latent::parameters().start + i)
            .collect();
        for (k, p) in particles.iter_mut().enumerate() {
            let prior = model.prior_particle(k as u64);
            for &i in &free {
                p.z[i] = prior.z[i];
            }
        }
    }
    let posterior_bands = calibrating.then(|| observed_scale(&evaluated));
    let hindcast = prior_bands
        .into_iter()
        .enumerate()
        .map(|(k, prior)| HindcastRow {
            observation: k,
            prior,
            posterior: posterior_bands.as_ref().map(|b| b[k]),
        })
        .collect();
    let parameters = parameter_rows(
        model,
        &prior_particles,
        calibrating.then_some(&particles[..]),
    );
    let mut histories: Vec<[u64; REGIONS]> = particles.iter().map(|p| p.history).collect();
    histories.sort_unstable();
    histories.dedup();
    debug_assert!(particles.iter().all(|p| p.z.len() == model.latent_dim()));
    Posterior {
        particles,
        calibrated: calibrating,
        prior_ess,
        stages,
        hindcast,
        parameters,
        unique_histories: histories.len(),
        evaluations,
    }
}
