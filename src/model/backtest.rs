//! Forecasts from an earlier date (`omvang backtest`): the model calibrated on the observations
//! up to an origin only, then projected past it, each iteration with its own future, beside
//! every later observation of the national record. Pure: no files, no printing.

use rayon::prelude::*;

use crate::data::Date;
use crate::model::build::Model;
use crate::model::metrics::Metric;
use crate::model::observation::{months_needed, Observation};
use crate::model::particle::Particle;
use crate::model::projection::Trajectory;
use crate::model::simulate::{observe_beyond, Scratch};
use crate::model::smc::{self, Stage};
use crate::model::stats::Band;
use crate::scenario::{keyed_stream, latent_normal};

/// Metrics whose monthly path a backtest keeps, to draw the fans from each origin.
pub const PATH_METRICS: [Metric; 4] = [
    Metric::ClientsInCare,
    Metric::WaitingList,
    Metric::WaitingOverNorm,
    Metric::FteAvailable,
];

/// A later observation as the model calibrated at an origin forecast it.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Index into the full model's observations.
    pub observation: usize,
    /// Predictive draws of the published value, one per iteration: the model's national value
    /// × coverage × the observation model's error (so a right model's PIT is uniform).
    pub draws: Vec<f64>,
}

/// The 5%, 50% and 95% quantiles of a path metric's national value in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    /// State index (months after 1 January of the base year).
    pub month: usize,
    pub band: Band,
}

/// Everything the model said at one origin.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginForecast {
    pub origin: Date,
    /// Observations the calibration used (those dated up to the origin).
    pub used: usize,
    pub calibrated: bool,
    pub stages: Vec<Stage>,
    pub forecasts: Vec<Forecast>,
    /// Per [`PATH_METRICS`] entry, its quantiles month by month from the origin's month to the
    /// last observation.
    pub paths: Vec<Vec<PathPoint>>,
}

/// The origins a backtest takes by default: every distinct observation date from `from` on
/// that some observation follows.
pub fn default_origins(model: &Model, from: Date) -> Vec<Date> {
    let last = model.observations.iter().map(|o| o.date).max();
    let mut dates: Vec<Date> = model
        .observations
        .iter()
        .map(|o| o.date)
        .filter(|d| *d >= from && Some(*d) < last)
        .collect();
    dates.sort_unstable();
    dates.dedup();
    dates
}

/// Whether an observation was complete at `origin`: dated up to it, and for a yearly mean wait
/// its whole year before it (a mean of 2021 dated July is not known in July).
pub fn known_at(o: &Observation, origin: Date, base_year: i32) -> bool {
    let origin_index = (origin.year - base_year) as i64 * 12 + i64::from(origin.month) - 1
        + i64::from(origin.day > 15);
    o.date <= origin && months_needed(o.metric, o.state_index) as i64 <= origin_index
}

/// The model as it would have been built at `origin`: calibrated to the observations known
/// then, with its policies (and each iteration's own future) starting at the last of them.
pub fn model_at(model: &Model, origin: Date) -> Model {
    let base_year = model.scenario.run.base_year;
    let mut at = model.clone();
    at.set_observations(
        model
            .observations
            .iter()
            .filter(|o| known_at(o, origin, base_year))
            .cloned()
            .collect(),
    );
    at
}

/// Calibrate `n` particles on the observations known at `origin` and forecast every other one.
/// Runs on the current rayon pool; `stage` is called after each tempering stage.
pub fn forecast_from(
    model: &Model,
    origin: Date,
    n: usize,
    stage: &(dyn Fn(&Stage) + Sync),
) -> OriginForecast {
    let at = model_at(model, origin);
    let posterior = smc::posterior(&at, n, true, stage);
    forecast_with(model, &at, origin, posterior)
}

/// The forecasts from `origin` of the particles `posterior`, calibrated on `at`
/// (`model_at(model, origin)`): every later observation and the path metrics. Runs on the
/// current rayon pool.
pub fn forecast_with(
    model: &Model,
    at: &Model,
    origin: Date,
    posterior: smc::Posterior,
) -> OriginForecast {
    let base_year = model.scenario.run.base_year;
    let later: Vec<(usize, Observation)> = model
        .observations
        .iter()
        .enumerate()
        .filter(|(_, o)| !known_at(o, origin, base_year))
        .map(|(k, o)| (k, o.clone()))
        .collect();
    let observations: Vec<Observation> = later.iter().map(|(_, o)| o.clone()).collect();
    let first = at.policy_start;
    let last = observations
        .iter()
        .map(|o| o.state_index)
        .max()
        .unwrap_or(first)
        .max(first);
    let seed = model.scenario.run.seed;
    let per_particle: Vec<(Vec<f64>, Vec<[f64; 4]>)> = posterior
        .particles
        .par_iter()
        .enumerate()
        .map_init(Scratch::default, |scratch, (i, p)| {
            forecast_particle(at, p, i as u64, &observations, first..=last, seed, scratch)
        })
        .collect();
    let forecasts = later
        .iter()
        .enumerate()
        .map(|(k, (index, _))| Forecast {
            observation: *index,
            draws: per_particle.iter().map(|(v, _)| v[k]).collect(),
        })
        .collect();
    let paths = (0..PATH_METRICS.len())
        .map(|metric| {
            (first..=last)
                .enumerate()
                .map(|(offset, month)| {
                    let values = per_particle
                        .iter()
                        .map(|(_, path)| path[offset][metric])
                        .collect();
                    PathPoint {
                        month,
                        band: Band::of_values(values),
                    }
                })
                .collect()
        })
        .collect();
    OriginForecast {
        origin,
        used: at.observations.len(),
        calibrated: posterior.calibrated,
        stages: posterior.stages,
        forecasts,
        paths,
    }
}

/// One particle's predictive draw of each later observation and its path metrics per month.
fn forecast_particle(
    at: &Model,
    particle: &Particle,
    slot: u64,
    observations: &[Observation],
    months: std::ops::RangeInclusive<usize>,
    seed: u64,
    scratch: &mut Scratch,
) -> (Vec<f64>, Vec<[f64; 4]>) {
    let values = observe_beyond(at, particle, slot, observations, scratch);
    let mut noise = keyed_stream(seed, "backtest.observation_error", slot);
    let draws = values
        .iter()
        .zip(observations)
        .map(|(v, o)| o.coverage * v * (o.sd_log * latent_normal(&mut noise)).exp())
        .collect();
    let t: &Trajectory = scratch.trajectory();
    let path = months
        .map(|j| {
            let at = |v: &[f64]| v.get(j).copied().unwrap_or(f64::NAN);
            [
                at(&t.clients_in_care),
                at(&t.waiting_list),
                at(&t.waiting_list) * at(&t.share_waiting_over_norm),
                at(&t.fte_available),
            ]
        })
        .collect();
    (draws, path)
}
