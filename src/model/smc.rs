//! Calibration to the national record by sequential Monte Carlo: particles start as the prior
//! iterations, are reweighted along a ladder of temperatures chosen so that each step keeps half
//! the effective sample size, resampled, and moved by Metropolis steps: a random walk in their
//! latent normals shaped by the particles' covariance, and renewals of one region's history
//! flows at a time (that region simulated alone, `model::parts`). Pure and deterministic: every
//! random number comes from a stream keyed by stage and particle, so the posterior does not
//! depend on the thread count.
//! Without a calibration the iterations are the prior's, whose hindcast a run can give from
//! its own projections ([`prior_from_run`], [`prior_posterior`]).

use rayon::prelude::*;

use crate::model::build::Model;
use crate::model::evaluation::{evaluate_all, evaluate_for, likelihood, Evaluation};
use crate::model::latent;
use crate::model::observation::months_needed;
use crate::model::particle::{Particle, PooledDraw, POLICY_ONLY};
use crate::model::parts::ObservationPlan;
use crate::model::projection::REGIONS;
use crate::model::simulate::{observation_plan, Scratch};
use crate::model::stats::Band;
use crate::model::surrogate::Surrogate;
use crate::model::weights::{effective_sample_size, relative_weights, systematic_resample};
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

/// An observation beside the model before and after calibration, on the observed scale
/// (national model value × coverage).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationBands {
    /// Index into the model's observations.
    pub observation: usize,
    pub prior: Band,
    pub posterior: Option<Band>,
    /// What the count would show: the run's model value (calibrated, or the prior's) × coverage
    /// × the observation model's error, one draw per iteration. The record is checked against
    /// this band, as a backtest checks its forecasts.
    pub predictive: Band,
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
    pub hindcast: Vec<ObservationBands>,
    pub parameters: Vec<ParameterRow>,
    /// Distinct history flow streams among the final particles.
    pub unique_histories: usize,
    /// Histories simulated (each up to `history_months` long: early rejection cuts a proposal's
    /// short, and a latent move the surrogate rejects is not simulated at all; a renewal of one
    /// region's flows simulates that region only and counts as a twelfth): the calibration's
    /// work.
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
            Band::of_values(draws.iter().map(|d| d.parameters.values()[i]).collect()),
        ));
    }
    // Named as in `draws.parquet` (`pooled_<rate>`), where readers find their labels.
    for (i, name) in PooledDraw::NAMES.iter().enumerate() {
        out.push((
            format!("pooled_{name}"),
            Band::of_values(draws.iter().map(|d| d.pooled.values()[i]).collect()),
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
    let prior = prior_particles(model, n);
    let calibrating = calibrates(model, n, calibrate);
    let plan = observation_plan(model);
    let evaluated = evaluate_all(model, &plan, &prior, calibrating);
    let prior_value = |i: usize, k: usize| evaluated[i].values[k];
    let prior_bands = observed_scale(model, n, prior_value);
    let prior_ess = ess(&evaluated.iter().map(|e| e.ll).collect::<Vec<_>>());
    if !calibrating {
        let predictive = predictive_scale(model, n, prior_value);
        return prior_only(model, prior, (prior_bands, predictive), prior_ess);
    }
    let mut cloud = Cloud {
        particles: prior.clone(),
        evaluated,
    };
    let mut stages = Vec::new();
    let evaluations = n + temper(model, &plan, &mut cloud, &mut stages, stage);
    renew_policy_only(model, &mut cloud.particles);
    let posterior_value = |i: usize, k: usize| cloud.evaluated[i].values[k];
    let posterior_bands = observed_scale(model, n, posterior_value);
    let predictive = predictive_scale(model, n, posterior_value);
    let hindcast = prior_bands
        .into_iter()
        .zip(posterior_bands)
        .zip(predictive)
        .enumerate()
        .map(|(k, ((prior, posterior), predictive))| ObservationBands {
            observation: k,
            prior,
            posterior: Some(posterior),
            predictive,
        })
        .collect();
    let particles = cloud.particles;
    Posterior {
        parameters: parameter_rows(model, &prior, Some(&particles)),
        unique_histories: unique_histories(model, &particles),
        particles,
        calibrated: true,
        prior_ess,
        stages,
        hindcast,
        evaluations,
    }
}

/// Whether [`posterior`] moves the particles away from the prior: asked to, with observations
/// to calibrate to and more than one particle.
fn calibrates(model: &Model, n: usize, calibrate: bool) -> bool {
    calibrate && !model.observations.is_empty() && n > 1
}

/// Prior iterations `0..n` as particles.
pub fn prior_particles(model: &Model, n: usize) -> Vec<Particle> {
    (0..n as u64).map(|j| model.prior_particle(j)).collect()
}

/// Whether a run of `n` iterations can give its hindcast itself ([`prior_posterior`]) rather
/// than [`posterior`] projecting every history first: it keeps the prior, and every observation
/// lies within the months before the policy start, where the projection of output iteration i
/// from prior particle i is that particle's history, whatever its future.
pub fn prior_from_run(model: &Model, n: usize, calibrate: bool) -> bool {
    !calibrates(model, n, calibrate)
        && model
            .observations
            .iter()
            .all(|o| months_needed(o.metric, o.state_index) <= model.policy_start)
}

/// What [`posterior`] gives without calibrating, from `observed`: the value of every
/// observation for each of the prior `particles` as `simulate::observe_particle` gives it
/// (iteration-major, one value per observation), taken from the run's own projections.
pub fn prior_posterior(model: &Model, particles: Vec<Particle>, observed: &[f64]) -> Posterior {
    let (n, k) = (particles.len(), model.observations.len());
    assert_eq!(
        observed.len(),
        n * k,
        "one value per particle and observation"
    );
    let value = |i: usize, o: usize| observed[i * k + o];
    let lls: Vec<f64> = (0..n)
        .map(|i| likelihood(model, &observed[i * k..(i + 1) * k]))
        .collect();
    let bands = (
        observed_scale(model, n, value),
        predictive_scale(model, n, value),
    );
    prior_only(model, particles, bands, ess(&lls))
}

/// The prior iterations as a run's iterations, with their bands and prior ESS.
fn prior_only(
    model: &Model,
    particles: Vec<Particle>,
    (prior_bands, predictive): (Vec<Band>, Vec<Band>),
    prior_ess: f64,
) -> Posterior {
    let hindcast = prior_bands
        .into_iter()
        .zip(predictive)
        .enumerate()
        .map(|(k, (prior, predictive))| ObservationBands {
            observation: k,
            prior,
            posterior: None,
            predictive,
        })
        .collect();
    Posterior {
        parameters: parameter_rows(model, &particles, None),
        unique_histories: unique_histories(model, &particles),
        evaluations: particles.len(),
        particles,
        calibrated: false,
        prior_ess,
        stages: Vec::new(),
        hindcast,
    }
}

/// Distinct history flow streams among the particles.
fn unique_histories(model: &Model, particles: &[Particle]) -> usize {
    debug_assert!(particles.iter().all(|p| p.z.len() == model.latent_dim()));
    let mut histories: Vec<[u64; REGIONS]> = particles.iter().map(|p| p.history).collect();
    histories.sort_unstable();
    histories.dedup();
    histories.len()
}

/// The particles and, for each, its observed values and log-likelihood.
struct Cloud {
    particles: Vec<Particle>,
    evaluated: Vec<Evaluation>,
}

/// The 90% band of what each observation's count would show: iteration i's value × coverage ×
/// `exp(sd_log · ε)`, ε standard normal from a stream keyed by the observation, so that the
/// band is the same for any thread count and a run's other draws do not move.
fn predictive_scale(model: &Model, n: usize, value: impl Fn(usize, usize) -> f64) -> Vec<Band> {
    let seed = model.scenario.run.seed;
    model
        .observations
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let mut error = keyed_stream(seed, "hindcast.error", k as u64);
            Band::of_values(
                (0..n)
                    .map(|i| {
                        value(i, k) * o.coverage * (o.sd_log * latent_normal(&mut error)).exp()
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The band of each observation over `n` particles, on the observed scale (× coverage), from
/// `value(particle, observation)`.
fn observed_scale(model: &Model, n: usize, value: impl Fn(usize, usize) -> f64) -> Vec<Band> {
    model
        .observations
        .iter()
        .enumerate()
        .map(|(k, o)| Band::of_values((0..n).map(|i| value(i, k) * o.coverage).collect()))
        .collect()
}

/// The tempering ladder from the prior to the posterior: reweight, resample and move the cloud
/// stage by stage until the temperature reaches 1. Returns the histories simulated, a renewal
/// of one region's flows counted as a twelfth.
fn temper(
    model: &Model,
    plan: &ObservationPlan,
    cloud: &mut Cloud,
    stages: &mut Vec<Stage>,
    stage: &(dyn Fn(&Stage) + Sync),
) -> usize {
    let n = cloud.particles.len();
    let mut evaluations = 0;
    let mut phi = 0.0;
    let mut tuning = Tuning {
        scale: 1.0,
        steps: MIN_STEPS,
    };
    for s in 0..MAX_STAGES {
        let lls: Vec<f64> = cloud.evaluated.iter().map(|e| e.ll).collect();
        let last = s + 1 == MAX_STAGES;
        let step = if last {
            1.0 - phi
        } else {
            next_step(&lls, phi)
        };
        let log_w: Vec<f64> = lls.iter().map(|l| step * l).collect();
        let stage_ess = ess(&log_w);
        resample(model, cloud, &log_w, s);
        phi = (phi + step).min(1.0);
        let temperature = if last { 1.0 } else { phi };
        let moves = Moves {
            stage: s,
            temperature,
            chol: population_cholesky(&cloud.particles),
            scale: tuning.scale * 2.38 / (model.latent_dim() as f64).sqrt(),
            steps: tuning.steps,
            surrogate: Surrogate::fit(&model.observations, &cloud.particles, &cloud.evaluated),
        };
        let (acceptance, history_acceptance, simulated) = move_cloud(model, plan, cloud, &moves);
        evaluations += simulated + (n * moves.steps).div_ceil(REGIONS);
        tuning = tuning.after(acceptance);
        let done = Stage {
            temperature,
            ess: stage_ess,
            acceptance,
            history_acceptance,
            steps: moves.steps,
        };
        stage(&done);
        stages.push(done);
        if temperature >= 1.0 {
            break;
        }
    }
    evaluations
}

/// Systematic resampling of the cloud by the stage's log-weights.
fn resample(model: &Model, cloud: &mut Cloud, log_w: &[f64], s: usize) {
    let n = cloud.particles.len();
    let w: Vec<f64> = match relative_weights(log_w) {
        Some(w) => {
            let total: f64 = w.iter().sum();
            w.iter().map(|x| x / total).collect()
        }
        // No particle can produce the record at all: keep them as they are.
        None => vec![1.0 / n as f64; n],
    };
    let seed = model.scenario.run.seed;
    let u: f64 = rand::RngExt::random(&mut keyed_stream(seed, "calibration.resample", s as u64));
    let picked = systematic_resample(&w, n, u);
    cloud.particles = picked.iter().map(|&i| cloud.particles[i].clone()).collect();
    cloud.evaluated = picked.iter().map(|&i| cloud.evaluated[i].clone()).collect();
}

/// The proposal's scale and the Metropolis steps per particle, tuned from stage to stage.
#[derive(Debug, Clone, Copy)]
struct Tuning {
    scale: f64,
    steps: usize,
}

impl Tuning {
    /// Keep the acceptance of latent moves near a quarter, and take as many steps as it takes
    /// for nine in ten particles to have moved at least once.
    fn after(self, acceptance: f64) -> Tuning {
        Tuning {
            scale: (self.scale * (2.0 * (acceptance - 0.25)).exp()).clamp(0.05, 2.0),
            steps: if acceptance > 0.0 && acceptance < 1.0 {
                ((0.1f64).ln() / (1.0 - acceptance).ln()).ceil() as usize
            } else {
                MIN_STEPS
            }
            .clamp(MIN_STEPS, MAX_STEPS),
        }
    }
}

/// One stage's moves: its number, temperature, the proposal's shape and scale, and the steps.
struct Moves {
    stage: usize,
    temperature: f64,
    /// Lower Cholesky factor of the particles' covariance (row-major).
    chol: Vec<f64>,
    scale: f64,
    steps: usize,
    /// The first look at a latent move (`model::surrogate`), fitted to the stage's particles.
    surrogate: Surrogate,
}

/// One particle after its moves.
struct Moved {
    particle: Particle,
    evaluated: Evaluation,
    accepted: usize,
    history_accepted: usize,
    /// Latent moves whose history was simulated (the first look passed them).
    simulated: usize,
}

/// Move every particle (in parallel, each on its own keyed stream); returns the acceptance of
/// the latent moves and of the history renewals, and the latent moves simulated.
fn move_cloud(
    model: &Model,
    plan: &ObservationPlan,
    cloud: &mut Cloud,
    moves: &Moves,
) -> (f64, f64, usize) {
    let n = cloud.particles.len();
    let moved: Vec<Moved> = cloud
        .particles
        .par_iter()
        .zip(cloud.evaluated.par_iter())
        .enumerate()
        .map_init(Scratch::default, |scratch, (i, (p, e))| {
            move_particle((model, plan), moves, i, (p, e), scratch)
        })
        .collect();
    let total = (n * moves.steps) as f64;
    let acceptance = moved.iter().map(|m| m.accepted).sum::<usize>() as f64 / total;
    let history_acceptance = moved.iter().map(|m| m.history_accepted).sum::<usize>() as f64 / total;
    let simulated = moved.iter().map(|m| m.simulated).sum();
    (cloud.particles, cloud.evaluated) =
        moved.into_iter().map(|m| (m.particle, m.evaluated)).unzip();
    (acceptance, history_acceptance, simulated)
}

/// Random-walk Metropolis in the latent normals with the particles' own covariance (scaled by
/// 2.38/√d, Roberts & Rosenthal), then a renewal of one region's history flows per step, each
/// accepted against prior × likelihood^temperature. A latent move is first tested against
/// prior × the surrogate's likelihood^temperature and only then simulated and tested against
/// (likelihood / surrogate)^temperature: delayed acceptance, whose two tests together accept
/// with the probability that keeps the posterior.
fn move_particle(
    (model, plan): (&Model, &ObservationPlan),
    moves: &Moves,
    i: usize,
    (p, e): (&Particle, &Evaluation),
    scratch: &mut Scratch,
) -> Moved {
    let (s, dim) = (moves.stage, model.latent_dim());
    let seed = model.scenario.run.seed;
    let mut rng = keyed_stream(seed, "calibration.move", ((s as u64) << 32) | i as u64);
    let (mut p, mut e) = (p.clone(), e.clone());
    let (mut accepted, mut history_accepted, mut simulated) = (0, 0, 0);
    let observations = &model.observations;
    let mut fitted = moves.surrogate.log_likelihood(observations, &p.z);
    let mut xi = vec![0.0; dim];
    let log_prior = |z: &[f64]| -0.5 * z.iter().map(|x| x * x).sum::<f64>();
    for step in 0..moves.steps {
        for x in xi.iter_mut() {
            *x = latent_normal(&mut rng);
        }
        let z: Vec<f64> = (0..dim)
            .map(|a| {
                p.z[a]
                    + moves.scale
                        * (0..=a)
                            .map(|b| moves.chol[a * dim + b] * xi[b])
                            .sum::<f64>()
            })
            .collect();
        let proposal = Particle {
            history: p.history,
            z,
        };
        // Both uniforms are drawn before the history is simulated so that it can stop early;
        // the simulation takes nothing from this stream, so the draws are those of drawing after.
        let log_u_first = rand::RngExt::random::<f64>(&mut rng).ln();
        let log_u = rand::RngExt::random::<f64>(&mut rng).ln();
        let (prior_new, prior_old) = (log_prior(&proposal.z), log_prior(&p.z));
        let fitted_new = moves.surrogate.log_likelihood(observations, &proposal.z);
        let first = moves.temperature * (fitted_new - fitted);
        if log_u_first < first + prior_new - prior_old {
            simulated += 1;
            let accepts = |ll: f64| log_u < moves.temperature * (ll - e.ll) - first;
            if let Some(candidate) = evaluate_for(model, (plan, None), &proposal, scratch, &accepts)
            {
                if accepts(candidate.ll) {
                    (p, e) = (proposal, candidate);
                    fitted = fitted_new;
                    accepted += 1;
                }
            }
        }
        let region = (i + step) % REGIONS;
        let mut history = p.history;
        history[region] = FRESH | ((s as u64) << 40) | ((step as u64) << 32) | i as u64;
        let proposal = Particle {
            z: p.z.clone(),
            history,
        };
        let log_u = rand::RngExt::random::<f64>(&mut rng).ln();
        let accepts = |ll: f64| log_u < moves.temperature * (ll - e.ll);
        let renewed = Some((&e, region));
        if let Some(candidate) = evaluate_for(model, (plan, renewed), &proposal, scratch, &accepts)
        {
            if accepts(candidate.ll) {
                (p, e) = (proposal, candidate);
                history_accepted += 1;
            }
        }
    }
    Moved {
        particle: p,
        evaluated: e,
        accepted,
        history_accepted,
        simulated,
    }
}

/// The record says nothing about the parameters that act only after it: their posterior is
/// their prior, independent of the rest, so each iteration takes its own prior draw (exact, and
/// it undoes the ancestry resampling gave them).
fn renew_policy_only(model: &Model, particles: &mut [Particle]) {
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
