//! The Monte Carlo: build the model from a scenario and its data (per-chain rates, pooled rates,
//! epidemiology), then run iterations in parallel, each on its own random stream from
//! `(seed, iteration)`, so that results do not depend on the thread count.

use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use statrs::distribution::ContinuousCDF;

use crate::data::{Actual, ChainsError, Inputs, Projection};
use crate::model::calibration::{stated_sd_log, Observation};
use crate::model::chains::{derive_rates, ChainRates};
use crate::model::epidemiology::{trend_factor, DementiaSeries};
pub use crate::model::metrics::Metric;
use crate::model::metrics::{N_METRICS, N_MONTHLY};
use crate::model::pooling::{
    inv_logit, joint_cholesky, pool_rates, Pooled, PooledRates, JOINT_RATES,
};
use crate::model::projection::{
    self, Drivers, Epidemiology, Feedback, Flow, FlowUniforms, InitialState, ProjectionInput,
    Rates, Trajectory, FLOWS, MONTH_UNIFORMS, REGIONS, WEEKS_PER_MONTH,
};
use crate::model::results::Summaries;
pub use crate::model::results::{draw_columns, DrawColumn, RunResults};
pub use crate::model::stats::quantiles;
pub use crate::model::summaries::{summarise, summarise_monthly, SummaryRow};
pub use crate::scenario::keyed_stream;
use crate::scenario::{self, latent_normal, normal_cdf, ParameterDraw, Scenario};

/// Why the model cannot be built from its inputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    #[error(transparent)]
    Chains(#[from] ChainsError),
    #[error("{file}: {message}")]
    Data { file: String, message: String },
}

/// The model, ready to simulate: the scenario, epidemiology and the chains' rates.
#[derive(Debug, Clone)]
pub struct Model {
    pub scenario: Scenario,
    pub series: DementiaSeries,
    pub central: ParameterDraw,
    /// People with dementia at home per inhabitant 65+ (central values): turns a chain region's
    /// 65+ population into its people with dementia at home.
    pub at_home_per_65plus: f64,
    pub chains: Vec<ChainRates>,
    pub pooled: PooledRates,
    pub initial_actuals: Option<InitialState>,
    /// Share of the initial waiting list over the norm: from the base year's actuals where they
    /// give it, else 0 (all waiting recently).
    pub initial_over_norm_share: f64,
    /// Published national figures, for the report's comparisons.
    pub actuals: Vec<Actual>,
    /// Projections by others, shown beside the model's (never calibrated to).
    pub projections: Vec<Projection>,
    /// The published figures the model can be calibrated to (dated from the base year on).
    pub observations: Vec<Observation>,
    /// Month of the last observation (its state index): every scenario's policy starts there,
    /// so all scenarios share one history up to it. 0 without observations.
    pub policy_start: usize,
    /// Months a history must run to give every observation.
    pub history_months: usize,
    /// Yearly knots of the time-varying drivers that the history uses (knots 1 to this): their
    /// innovations belong to the particle, later ones to each iteration's own future.
    pub driver_knots: usize,
    /// Lower Cholesky factor of the between-chain correlation of the jointly drawn rates.
    pub joint: [[f64; JOINT_RATES]; JOINT_RATES],
    /// Remarks for the user (e.g. one chain only).
    pub notes: Vec<String>,
}

impl Model {
    /// Derive chain rates, pool them and prepare epidemiology.
    ///
    /// # Errors
    /// Population years missing, chains that fail their checks, actuals missing for the base year.
    pub fn build(scenario: Scenario, inputs: &Inputs) -> Result<Model, ModelError> {
        let run = &scenario.run;
        let data_err = |file: &std::path::Path, message: String| ModelError::Data {
            file: file.display().to_string(),
            message,
        };
        // One year past the horizon: the last month ends on 1 January after it.
        let series = DementiaSeries::new(
            &inputs.population,
            &inputs.prevalence,
            run.base_year,
            run.horizon + 1,
        )
        .map_err(|m| {
            data_err(
                &scenario.data.population,
                format!(
                    "{m}, but run.base_year = {} and run.horizon = {} need 1 January figures from {} to {}; choose years the file covers",
                    run.base_year,
                    run.horizon,
                    run.base_year,
                    run.horizon + 1
                ),
            )
        })?;
        let central = ParameterDraw::central(&scenario.parameters);
        let at_home_per_65plus = series.crude_65plus(run.base_year)
            * central.prevalence_multiplier
            * central.share_at_home;
        let chains = derive_rates(
            &inputs.chains,
            at_home_per_65plus,
            scenario.max_flow_imbalance,
        )?;
        for c in &chains {
            if c.mean_clients >= c.at_home {
                // The people at home come from the chain's population and the scenario's
                // prevalence and shares: either side can be wrong, so name both.
                let source = inputs.chains.iter().find(|r| r.chain == c.chain);
                return Err(data_err(
                    source.map_or(&inputs.chains[0].source, |r| &r.source),
                    format!(
                        "chain {}: {:.0} mean clients but only {:.0} people with dementia at home in its region ({:.0} inhabitants 65+ x {:.4} at home with dementia per inhabitant 65+, from data.prevalence, parameters.prevalence_multiplier and parameters.share_at_home); check the chain's population_65plus and those scenario inputs",
                        c.chain, c.mean_clients, c.at_home, c.population_65plus, at_home_per_65plus
                    ),
                ));
            }
            if !c.caseload.is_finite() {
                return Err(data_err(
                    &inputs.chains[0].source,
                    format!(
                        "chain {}: fte is 0 in every period; give its case-manager FTE",
                        c.chain
                    ),
                ));
            }
        }
        let pooled = pool_rates(&chains, scenario.pooling_method);
        let joint = joint_cholesky(&chains);
        let mut notes = inputs.notes.clone();
        notes.extend(crate::model::chains::uptake_outliers(&chains));
        let dominated: Vec<&str> = [
            ("uptake", &pooled.uptake),
            ("inflow_rate", &pooled.inflow_rate),
            ("hazard_death", &pooled.hazard_death),
            ("hazard_institution", &pooled.hazard_institution),
            ("hazard_other", &pooled.hazard_other),
        ]
        .into_iter()
        .filter(|(_, p)| p.posterior.prior_dominates)
        .map(|(name, _)| name)
        .collect();
        if chains.len() == 1 {
            notes.push(format!(
                "only one chain ({}): the spread between chains is unknown and comes from the prior (half-normal, scale {}), so national rates are uncertain by that spread",
                chains[0].chain,
                crate::model::pooling::TAU_PRIOR_SCALE
            ));
        } else if !dominated.is_empty() {
            notes.push(format!(
                "{} chains say little about how much chains differ in {}: the prior on the between-chain spread (half-normal, scale {}) sets their uncertainty",
                chains.len(),
                dominated.join(", "),
                crate::model::pooling::TAU_PRIOR_SCALE
            ));
        }
        let actual = |metric: &str| {
            inputs
                .actuals
                .iter()
                .find(|a| a.metric == metric && a.date.year == run.base_year)
                .map(|a| a.value)
        };
        let initial_over_norm_share = match (actual("waiting_over_norm"), actual("waiting_list")) {
            (Some(over), Some(waiting)) if waiting > 0.0 => (over / waiting).clamp(0.0, 1.0),
            _ => 0.0,
        };
        let initial_actuals = match scenario.initial_state {
            scenario::InitialState::Extrapolated => None,
            scenario::InitialState::Actuals => {
                let file = scenario.data.actuals.clone().unwrap_or_default();
                let clients = actual("clients_in_care").ok_or_else(|| {
                    data_err(&file, format!("projection.initial_state = \"actuals\" needs a clients_in_care row dated in {}", run.base_year))
                })?;
                let waiting = actual("waiting_list").ok_or_else(|| {
                    data_err(&file, format!("projection.initial_state = \"actuals\" needs a waiting_list row dated in {}", run.base_year))
                })?;
                Some(InitialState {
                    clients: clients.round() as u64,
                    waiting: waiting.round() as u64,
                    waiting_over_norm_share: initial_over_norm_share,
                })
            }
        };
        let observations = observations(&inputs.actuals, run.base_year, scenario.months());
        let mut model = Model {
            scenario,
            series,
            central,
            at_home_per_65plus,
            chains,
            pooled,
            projections: inputs.projections.clone(),
            initial_actuals,
            initial_over_norm_share,
            actuals: inputs.actuals.clone(),
            observations: Vec::new(),
            policy_start: 0,
            history_months: 0,
            driver_knots: 0,
            joint,
            notes,
        };
        model.set_observations(observations);
        Ok(model)
    }

    /// Calibrate to `observations`: the policy start moves to the last of them, and the history
    /// (and the drivers' knots in the particle) to what they need.
    pub fn set_observations(&mut self, observations: Vec<Observation>) {
        self.policy_start = observations
            .iter()
            .map(|o| o.state_index)
            .max()
            .unwrap_or(0);
        self.history_months = observations
            .iter()
            .map(|o| months_needed(&o.metric, o.state_index))
            .max()
            .unwrap_or(0)
            .min(self.scenario.months());
        self.driver_knots = knots_for(self.history_months) - 1;
        self.observations = observations;
    }

    /// Length of a particle's latent vector.
    pub fn latent_dim(&self) -> usize {
        latent::dim(self.driver_knots)
    }

    /// Years reported: base year to horizon.
    pub fn years(&self) -> Vec<i32> {
        (self.scenario.run.base_year..=self.scenario.run.horizon).collect()
    }

    /// Epidemiology of one iteration per state index (0 = 1 January of the base year).
    pub fn epidemiology(&self, p: &ParameterDraw) -> Epidemiology {
        let mut e = Epidemiology {
            people_with_dementia: Vec::new(),
            at_home: Vec::new(),
            at_home_ref: Vec::new(),
            need: Vec::new(),
        };
        self.epidemiology_into(p, &mut e);
        e
    }

    /// [`Model::epidemiology`] into reused buffers.
    pub fn epidemiology_into(&self, p: &ParameterDraw, e: &mut Epidemiology) {
        let months = self.scenario.months();
        let base = self.scenario.run.base_year as f64;
        for v in [
            &mut e.people_with_dementia,
            &mut e.at_home,
            &mut e.at_home_ref,
            &mut e.need,
        ] {
            v.clear();
        }
        // trend_factor(t, j/12) = (1 + t)^(j/120), one multiplication a month.
        let trend_per_month = trend_factor(p.prevalence_trend_per_decade, 1.0 / 12.0);
        let mut trend = 1.0;
        let reference = self.central.prevalence_multiplier * self.central.share_at_home;
        for j in 0..=months {
            let cases = self.series.at(base + j as f64 / 12.0) * trend;
            trend *= trend_per_month;
            let d = cases * p.prevalence_multiplier;
            let h = d * p.share_at_home;
            e.people_with_dementia.push(d);
            e.at_home.push(h);
            e.at_home_ref.push(cases * reference);
            e.need.push(h * p.diagnosed_share * p.need_share);
        }
    }
}

/// Knots of the drivers a projection of `months` months reads (0, the base year, included).
pub fn knots_for(months: usize) -> usize {
    if months == 0 {
        1
    } else {
        (months - 1) / 12 + 2
    }
}

/// Months a projection must run to give an observation of `metric` at `state_index`: a mean
/// wait is the year's, so its whole year must lie in the projection.
pub fn months_needed(metric: &str, state_index: usize) -> usize {
    if matches!(metric, "mean_wait_weeks" | "stated_wait_weeks") {
        (state_index / 12 + 1) * 12
    } else {
        state_index
    }
}

/// The published figures the model can be calibrated to: those of a kind the observation
/// model knows, dated from 1 January of the base year to the end of the projection. Each is
/// placed at the nearest month boundary (its state index).
pub fn observations(actuals: &[Actual], base_year: i32, months: usize) -> Vec<Observation> {
    actuals
        .iter()
        .filter_map(|a| {
            // Only figures of a kind the model produces; a row may state its own error.
            let sd_log = a.sd_log.unwrap_or(stated_sd_log(&a.metric)?);
            let months_in = (a.date.year - base_year) as i64 * 12 + i64::from(a.date.month) - 1
                + i64::from(a.date.day > 15);
            if a.date.year < base_year
                || months_in < 0
                || months_needed(&a.metric, months_in as usize) > months
            {
                return None;
            }
            Some(Observation {
                metric: a.metric.clone(),
                state_index: months_in as usize,
                value: a.value,
                coverage: a.coverage,
                sd_log,
                date: a.date,
                source: a.source.clone(),
            })
        })
        .collect()
}

/// One draw of the pooled chain rates (natural scale, per year).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PooledDraw {
    pub uptake: f64,
    pub inflow_rate: f64,
    pub hazard_death: f64,
    pub hazard_institution: f64,
    pub hazard_other: f64,
    pub waiting_share: f64,
}

impl PooledDraw {
    /// Column names in `draws.parquet`.
    pub const NAMES: [&'static str; 6] = [
        "uptake",
        "inflow_rate",
        "hazard_death",
        "hazard_institution",
        "hazard_other",
        "waiting_share",
    ];

    pub fn values(&self) -> [f64; 6] {
        [
            self.uptake,
            self.inflow_rate,
            self.hazard_death,
            self.hazard_institution,
            self.hazard_other,
            self.waiting_share,
        ]
    }
}

/// Everything drawn for one iteration from its latent normals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draws {
    pub parameters: ParameterDraw,
    pub pooled: PooledDraw,
    /// Demand relative to capacity per regional queue (mean 1).
    pub regional_demand: [f64; REGIONS],
}

/// One iteration's uncertain inputs: standard normals `z` from which every parameter, pooled
/// rate and regional effect follows (by its quantile function), and the key of the random
/// streams of its history's monthly flows, one per regional queue (so the calibration can
/// renew one region's flows at a time). The calibration moves particles in this space; the
/// prior is `z ~ N(0, I)` with every history key the iteration number.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub z: Vec<f64>,
    pub history: [u64; REGIONS],
}

/// Where each part of a particle's latent vector sits.
pub mod latent {
    use super::{JOINT_RATES, REGIONS};
    use crate::scenario::Parameters;

    /// Scenario parameters, in [`Parameters::NAMES`] order.
    pub fn parameters() -> std::ops::Range<usize> {
        0..Parameters::NAMES.len()
    }
    /// Per pooled rate: the normal behind τ, then the one behind the mean (made correlated).
    pub fn pooled(rate: usize) -> (usize, usize) {
        let p = Parameters::NAMES.len();
        (p + 2 * rate, p + 2 * rate + 1)
    }
    pub fn waiting_share() -> usize {
        Parameters::NAMES.len() + 2 * JOINT_RATES
    }
    pub fn regions() -> std::ops::Range<usize> {
        waiting_share() + 1..waiting_share() + 1 + REGIONS
    }
    /// The innovation of driver `driver` (in [`super::DRIVER_KEYS`] order) at knot `knot`
    /// (1 to `knots`, the history's knots).
    pub fn driver(knots: usize, driver: usize, knot: usize) -> usize {
        debug_assert!((1..=knots).contains(&knot));
        regions().end + driver * knots + knot - 1
    }
    pub fn dim(knots: usize) -> usize {
        regions().end + super::DRIVER_KEYS.len() * knots
    }
}

/// Parameters the history up to the policy start does not depend on: they act only after it,
/// or only on costs and need, which the national record does not count.
pub const POLICY_ONLY: [&str; 6] = [
    "share_intensive",
    "zorgstandaard_fraction",
    "tariff_per_hour",
    "hours_per_client_month",
    "cost_index_per_year",
    "need_share",
];

/// Keys of the time-varying drivers' innovation streams (history; `future.` + key after the
/// policy start): referral, capacity, leaving the list.
pub const DRIVER_KEYS: [&str; 3] = ["drivers.referral", "drivers.capacity", "drivers.leave_list"];

/// Keys of the pooled rates' streams, in [`JOINT_RATES`] order.
const POOLED_KEYS: [&str; JOINT_RATES] = [
    "pooled.uptake",
    "pooled.inflow_rate",
    "pooled.hazard_death",
    "pooled.hazard_institution",
    "pooled.hazard_other",
];

impl Model {
    /// Prior iteration `iteration` as a particle: every latent normal from its own stream keyed
    /// by what it is (`parameters.<name>`, `pooled.<name>`, `pooled.waiting_share`, `regions`),
    /// so changing one parameter's distribution moves no other draw.
    pub fn prior_particle(&self, iteration: u64) -> Particle {
        let seed = self.scenario.run.seed;
        let mut z = vec![0.0; self.latent_dim()];
        for (i, name) in scenario::Parameters::NAMES.iter().enumerate() {
            z[latent::parameters().start + i] = latent_normal(&mut keyed_stream(
                seed,
                &format!("parameters.{name}"),
                iteration,
            ));
        }
        for (rate, key) in POOLED_KEYS.iter().enumerate() {
            let mut rng = keyed_stream(seed, key, iteration);
            let (tau, mean) = latent::pooled(rate);
            z[tau] = latent_normal(&mut rng);
            z[mean] = latent_normal(&mut rng);
        }
        z[latent::waiting_share()] =
            latent_normal(&mut keyed_stream(seed, "pooled.waiting_share", iteration));
        let mut rng = keyed_stream(seed, "regions", iteration);
        for i in latent::regions() {
            z[i] = latent_normal(&mut rng);
        }
        // Knot k takes the k-th normal of its driver's stream, whatever the number of knots.
        for (d, key) in DRIVER_KEYS.iter().enumerate() {
            let mut rng = keyed_stream(seed, key, iteration);
            for knot in 1..=self.driver_knots {
                z[latent::driver(self.driver_knots, d, knot)] = latent_normal(&mut rng);
            }
        }
        Particle {
            z,
            history: [iteration; REGIONS],
        }
    }

    /// The inputs of an iteration from its latent normals. The pooled means are drawn jointly:
    /// their normals go through the chains' correlation ([`joint_cholesky`]), then each is a
    /// draw from its Bayesian posterior (τ on a grid), finite with any number of chains.
    pub fn draws(&self, z: &[f64]) -> Draws {
        let u: Vec<f64> = z[latent::parameters()]
            .iter()
            .map(|&x| normal_cdf(x))
            .collect();
        let parameters = ParameterDraw::from_quantiles(&self.scenario.parameters, &u);
        let independent: [f64; JOINT_RATES] = std::array::from_fn(|r| z[latent::pooled(r).1]);
        let pooled_rates: [&Pooled; JOINT_RATES] = [
            &self.pooled.uptake,
            &self.pooled.inflow_rate,
            &self.pooled.hazard_death,
            &self.pooled.hazard_institution,
            &self.pooled.hazard_other,
        ];
        let means: [f64; JOINT_RATES] = std::array::from_fn(|r| {
            let correlated: f64 = (0..=r).map(|c| self.joint[r][c] * independent[c]).sum();
            pooled_rates[r]
                .posterior
                .draw_mean(normal_cdf(z[latent::pooled(r).0]), normal_cdf(correlated))
        });
        // A Poisson count of waiting people: Gamma(count + ½) is its Jeffreys posterior.
        let p = &self.pooled;
        let waiting_share = if p.clients_end_total > 0.0 {
            statrs::distribution::Gamma::new(p.waiting_count + 0.5, 1.0)
                .expect("shape > 0")
                .inverse_cdf(normal_cdf(z[latent::waiting_share()]).clamp(1e-12, 1.0 - 1e-12))
                / p.clients_end_total
        } else {
            0.0
        };
        let pooled = PooledDraw {
            uptake: inv_logit(means[0]),
            inflow_rate: means[1].exp(),
            hazard_death: means[2].exp(),
            hazard_institution: means[3].exp(),
            hazard_other: means[4].exp(),
            waiting_share,
        };
        // Lognormal regional effects scaled to mean 1: the national inflow stays the pooled one.
        let spread = parameters.regional_spread;
        let raw: [f64; REGIONS] =
            std::array::from_fn(|r| (spread * z[latent::regions().start + r]).exp());
        let mean = raw.iter().sum::<f64>() / REGIONS as f64;
        Draws {
            parameters,
            pooled,
            regional_demand: raw.map(|x| x / mean),
        }
    }

    /// The drivers of a particle over `months` months: a yearly log random walk per driver whose
    /// innovations are the particle's up to [`Model::driver_knots`] and the future's of output
    /// iteration `slot` after it (knot k the k-th normal of `future.<key>`, so scenarios stay
    /// paired).
    pub fn drivers_into(
        &self,
        z: &[f64],
        parameters: &ParameterDraw,
        slot: u64,
        months: usize,
        out: &mut Drivers,
    ) {
        let sigmas = [
            parameters.referral_volatility,
            parameters.capacity_volatility,
            parameters.leave_list_volatility,
        ];
        let knots = knots_for(months);
        let outs = [&mut out.referral, &mut out.capacity, &mut out.leaving];
        for (d, (knots_out, sigma)) in outs.into_iter().zip(sigmas).enumerate() {
            knots_out.clear();
            if sigma == 0.0 {
                continue;
            }
            let mut future = (knots > self.driver_knots + 1).then(|| {
                keyed_stream(
                    self.scenario.run.seed,
                    &format!("future.{}", DRIVER_KEYS[d]),
                    slot,
                )
            });
            let mut level = 0.0;
            knots_out.push(level);
            for knot in 1..knots {
                let future_normal = future.as_mut().map(latent_normal);
                let innovation = if knot <= self.driver_knots {
                    z[latent::driver(self.driver_knots, d, knot)]
                } else {
                    future_normal.expect("a future stream beyond the history's knots")
                };
                level += sigma * innovation;
                knots_out.push(level);
            }
        }
    }

    /// Everything the history up to the policy start depends on: two models with the same
    /// fingerprint have the same calibrated iterations. Policies and the parameters used only
    /// after the policy start or only for costs and need are left out.
    pub fn history_fingerprint(&self) -> String {
        let s = &self.scenario;
        let history: Vec<_> = scenario::Parameters::NAMES
            .iter()
            .zip(s.parameters.all())
            .filter(|(name, _)| !POLICY_ONLY.contains(name))
            .collect();
        format!(
            "{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}",
            s.run,
            s.data,
            s.pooling_method,
            s.max_flow_imbalance,
            s.initial_state,
            s.wait_norm_weeks,
            history,
            self.observations,
        )
    }

    /// The national value of every one of `observations` in one iteration's trajectory. A
    /// published mean wait is the model's times the iteration's definition factor.
    pub fn observe(
        observations: &[Observation],
        parameters: &ParameterDraw,
        epi: &Epidemiology,
        t: &Trajectory,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        for o in observations {
            let j = o.state_index;
            out.push(match o.metric.as_str() {
                "clients_in_care" => t.clients_in_care[j],
                "waiting_list" => t.waiting_list[j],
                "waiting_over_norm" => t.waiting_list[j] * t.share_waiting_over_norm[j],
                "fte_available" => t.fte_available[j],
                "people_with_dementia" => epi.people_with_dementia[j],
                "at_home" => epi.at_home[j],
                "stated_wait_weeks" => {
                    let months = (j / 12) * 12..(j / 12) * 12 + 12;
                    t.stated_wait_weeks[months].iter().sum::<f64>() / 12.0
                }
                "mean_wait_weeks" => {
                    let months = (j / 12) * 12..(j / 12) * 12 + 12;
                    let admitted: f64 = t.admissions[months.clone()].iter().sum();
                    let waited: f64 = t.wait_months_admitted[months].iter().sum();
                    if admitted > 0.0 {
                        waited / admitted * WEEKS_PER_MONTH * parameters.mean_wait_definition_factor
                    } else {
                        0.0
                    }
                }
                _ => f64::NAN,
            });
        }
    }
}

/// One iteration's draws and outcomes.
#[derive(Debug, Clone)]
pub struct IterationResult {
    pub parameters: ParameterDraw,
    pub pooled: PooledDraw,
    /// `[year][metric]`, years from the base year to the horizon.
    pub yearly: Vec<[f64; N_METRICS]>,
    /// `[month][metric]`, months from January of the base year to December of the horizon.
    pub monthly: Vec<[f64; N_MONTHLY]>,
}

impl IterationResult {
    pub fn value(&self, metric: Metric, year_index: usize) -> f64 {
        self.yearly[year_index][metric as usize]
    }
}

/// The random stream of iteration `i` for anything without a name of its own.
pub fn stream(seed: u64, iteration: u64) -> ChaCha8Rng {
    keyed_stream(seed, "iteration", iteration)
}

/// Keys of the flow streams, `[flow][region]`: the history's and the future's.
fn flow_keys() -> &'static [[[String; REGIONS]; FLOWS]; 2] {
    static KEYS: std::sync::OnceLock<[[[String; REGIONS]; FLOWS]; 2]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        [false, true].map(|future| {
            Flow::ALL.map(|f| {
                std::array::from_fn(|r| {
                    let key = if future { f.future_key() } else { f.key() };
                    format!("{key}.region{r}")
                })
            })
        })
    })
}

/// The monthly flows of one iteration: one keyed stream per flow and region, one draw a month.
/// Up to the policy start the streams are the history's (keyed by the particle's history key of
/// the region); from it they are the iteration's own future (keyed by the output iteration), so
/// iterations that share a calibrated history still have their own futures.
pub struct FlowStreams {
    streams: Vec<ChaCha8Rng>,
    seed: u64,
    future: u64,
    switch: usize,
    month: usize,
}

impl FlowStreams {
    pub fn new(seed: u64, history: &[u64; REGIONS], future: u64, switch: usize) -> Self {
        let keys = &flow_keys()[0];
        let streams = (0..FLOWS)
            .flat_map(|f| (0..REGIONS).map(move |r| (f, r)))
            .map(|(f, r)| keyed_stream(seed, &keys[f][r], history[r]))
            .collect();
        FlowStreams {
            streams,
            seed,
            future,
            switch,
            month: 0,
        }
    }
}

impl FlowUniforms for FlowStreams {
    fn next_month(&mut self, u: &mut [f64; MONTH_UNIFORMS]) {
        if self.month == self.switch {
            let keys = &flow_keys()[1];
            for (k, stream) in self.streams.iter_mut().enumerate() {
                *stream = keyed_stream(self.seed, &keys[k / REGIONS][k % REGIONS], self.future);
            }
        }
        self.month += 1;
        for (x, stream) in u.iter_mut().zip(&mut self.streams) {
            *x = rand::RngExt::random::<f64>(stream);
        }
    }
}

/// Buffers one worker reuses from iteration to iteration.
#[derive(Debug, Default)]
pub struct Scratch {
    epidemiology: Option<Epidemiology>,
    drivers: Drivers,
    trajectory: Trajectory,
    result: Option<IterationResult>,
}

impl Scratch {
    /// The trajectory of the last projection.
    pub fn trajectory(&self) -> &Trajectory {
        &self.trajectory
    }
}

/// Run prior iteration `i` of the model.
pub fn iterate(model: &Model, i: u64) -> IterationResult {
    let mut scratch = Scratch::default();
    iterate_into(model, i, &model.prior_particle(i), &mut scratch);
    scratch.result.expect("iterate_into fills the result")
}

/// Project `months` months of a particle into `scratch` (future flows keyed by `slot`).
fn project_particle<'s>(
    model: &Model,
    slot: u64,
    particle: &Particle,
    months: usize,
    scratch: &'s mut Scratch,
) -> (Draws, f64, &'s Epidemiology, &'s Trajectory) {
    let s = &model.scenario;
    let draws = model.draws(&particle.z);
    let params = draws.parameters;
    let pooled = draws.pooled;
    let epi = scratch.epidemiology.get_or_insert_with(|| Epidemiology {
        people_with_dementia: Vec::new(),
        at_home: Vec::new(),
        at_home_ref: Vec::new(),
        need: Vec::new(),
    });
    model.epidemiology_into(&params, epi);
    let extrapolated = pooled.uptake * epi.at_home_ref[0];
    let initial = model.initial_actuals.unwrap_or(InitialState {
        clients: extrapolated.round() as u64,
        waiting: (extrapolated * pooled.waiting_share * params.initial_waiting_scale).round()
            as u64,
        waiting_over_norm_share: model.initial_over_norm_share,
    });
    model.drivers_into(&particle.z, &params, slot, months, &mut scratch.drivers);
    let input = ProjectionInput {
        epidemiology: epi,
        rates: Rates {
            inflow_rate: pooled.inflow_rate,
            hazard_death: pooled.hazard_death,
            hazard_institution: pooled.hazard_institution,
            hazard_other: pooled.hazard_other,
        },
        initial,
        caseload: params.caseload,
        hours_per_client_month: params.hours_per_client_month,
        tariff_per_hour: params.tariff_per_hour,
        cost_index_per_year: params.cost_index_per_year,
        fte_growth_per_year: params.fte_growth_per_year,
        zorgstandaard_fraction: params.zorgstandaard_fraction,
        share_intensive: params.share_intensive,
        capacity: &s.capacity,
        referral: &s.referral,
        intensity: &s.intensity,
        wait_norm_weeks: s.wait_norm_weeks,
        feedback: Feedback {
            leave_list_per_year: params.leave_list_per_year,
            leave_list_growth_per_month: params.leave_list_growth_per_month,
            referral_elasticity: params.referral_elasticity,
            caseload_stretch_max: params.caseload_stretch_max,
        },
        regional_demand: draws.regional_demand,
        drivers: &scratch.drivers,
        by_reason: months > model.history_months,
        policy_start: model.policy_start,
    };
    let mut flows = FlowStreams::new(s.run.seed, &particle.history, slot, model.policy_start);
    projection::project_into(&input, months, &mut flows, &mut scratch.trajectory);
    (draws, extrapolated, &*epi, &scratch.trajectory)
}

/// The model's national value of every observation for one particle: its history only, up to
/// the last observation.
pub fn observe_particle(model: &Model, particle: &Particle, scratch: &mut Scratch) -> Vec<f64> {
    observe_beyond(model, particle, 0, &model.observations, scratch)
}

/// The model's national value of each of `observations` (which may lie after the model's own)
/// for one particle, with the future of output iteration `slot` after the policy start.
pub fn observe_beyond(
    model: &Model,
    particle: &Particle,
    slot: u64,
    observations: &[Observation],
    scratch: &mut Scratch,
) -> Vec<f64> {
    let months = observations
        .iter()
        .map(|o| months_needed(&o.metric, o.state_index))
        .max()
        .unwrap_or(0)
        .max(model.history_months)
        .min(model.scenario.months());
    let (draws, _, epi, t) = project_particle(model, slot, particle, months, scratch);
    let mut observed = Vec::with_capacity(observations.len());
    Model::observe(observations, &draws.parameters, epi, t, &mut observed);
    observed
}

/// Run output iteration `slot` from `particle` into `scratch.result`, reusing its buffers.
pub fn iterate_into(model: &Model, slot: u64, particle: &Particle, scratch: &mut Scratch) {
    let months = model.scenario.months();
    let mut result = scratch.result.take();
    let (draws, extrapolated, epi, t) = project_particle(model, slot, particle, months, scratch);
    let params = draws.parameters;
    let out = result.get_or_insert_with(|| IterationResult {
        parameters: params,
        pooled: draws.pooled,
        yearly: Vec::new(),
        monthly: Vec::new(),
    });
    out.parameters = params;
    out.pooled = draws.pooled;
    out.yearly.clear();
    out.monthly.clear();
    let years = months / 12;
    for y in 0..years {
        let j = 12 * y; // state index of 1 January
        let flows = 12 * y..12 * y + 12;
        let sum = |v: &[f64]| v[flows.clone()].iter().sum::<f64>();
        let mean_stock =
            |v: &[f64]| flows.clone().map(|m| (v[m] + v[m + 1]) / 2.0).sum::<f64>() / 12.0;
        let admitted = sum(&t.admissions);
        let weight = t.slot_weight[12 * y];
        let cost = sum(&t.cost_eur);
        let cost_per_client_year = {
            // Cost of one client-year at this year's hours, tariff and index.
            let clients_months: f64 = mean_stock(&t.clients_in_care) * 12.0;
            if clients_months > 0.0 {
                cost / clients_months * 12.0
            } else {
                params.hours_per_client_month
                    * 12.0
                    * params.tariff_per_hour
                    * (1.0 + params.cost_index_per_year).powf(y as f64 + 0.5)
            }
        };
        let lost = sum(&t.lost_death) + sum(&t.lost_institution);
        let left = sum(&t.left_list);
        let deterred = sum(&t.deterred);
        let mut row = [0.0; N_METRICS];
        let mut set = |m: Metric, v: f64| row[m as usize] = v;
        set(Metric::PeopleWithDementia, epi.people_with_dementia[j]);
        // Age-specific rates held constant (no prevalence trend), the same multiplier.
        let constant_rates = model
            .series
            .at(model.scenario.run.base_year as f64 + y as f64);
        set(
            Metric::PeopleWithDementiaConstantRates,
            constant_rates * params.prevalence_multiplier,
        );
        set(Metric::AtHome, epi.at_home[j]);
        set(Metric::Need, epi.need[j]);
        set(Metric::ClientsInCare, t.clients_in_care[j]);
        set(Metric::NeedGap, epi.need[j] - t.clients_in_care[j]);
        set(
            Metric::ClientsExtrapolated,
            if y == 0 { extrapolated } else { f64::NAN },
        );
        set(Metric::Coverage, t.clients_in_care[j] / epi.at_home[j]);
        set(Metric::WaitingList, t.waiting_list[j]);
        set(Metric::WaitingListMean, mean_stock(&t.waiting_list));
        set(
            Metric::WaitingOverNorm,
            t.waiting_list[j] * t.share_waiting_over_norm[j],
        );
        set(Metric::Arrivals, sum(&t.arrivals));
        set(Metric::Admissions, admitted);
        set(Metric::ExitsDeath, sum(&t.exits_death));
        set(Metric::ExitsInstitution, sum(&t.exits_institution));
        set(Metric::ExitsOther, sum(&t.exits_other));
        set(Metric::LostWhileWaiting, lost);
        set(Metric::LeftWaitingList, left);
        set(Metric::DeterredReferrals, deterred);
        set(Metric::UnmetDemand, lost + left + deterred);
        set(
            Metric::MeanWaitWeeks,
            if admitted > 0.0 {
                sum(&t.wait_months_admitted) / admitted * WEEKS_PER_MONTH
            } else {
                0.0
            },
        );
        set(Metric::ShareWaitingOverNorm, t.share_waiting_over_norm[j]);
        set(Metric::StatedWaitWeeks, sum(&t.stated_wait_weeks) / 12.0);
        set(
            Metric::ShareAdmittedWithinNorm,
            if admitted > 0.0 {
                sum(&t.admitted_within_norm) / admitted
            } else {
                f64::NAN
            },
        );
        set(Metric::CaseloadStretch, mean_stock(&t.caseload_stretch));
        set(Metric::FteAvailable, t.fte_available[j]);
        set(Metric::FteNeeded, t.fte_needed[j]);
        set(Metric::FteGap, t.fte_needed[j] - t.fte_available[j]);
        set(
            Metric::FteNeededZorgstandaard,
            epi.need[j] * weight / params.caseload,
        );
        // FTE a year to recruit from the policy start (the last observation) to have the
        // Zorgstandaard's FTE in this year (over at least one year).
        let start = model.policy_start;
        set(
            Metric::FteRecruitmentZorgstandaard,
            (epi.need[j] * weight / params.caseload - t.fte_available[start])
                / ((j as f64 - start as f64) / 12.0).max(1.0),
        );
        set(Metric::CostEur, cost);
        set(
            Metric::CostEurZorgstandaard,
            epi.need[j] * cost_per_client_year,
        );
        out.yearly.push(row);
    }
    for m in 0..months {
        let mut row = [0.0; N_MONTHLY];
        let mut set =
            |k: Metric, v: f64| row[k.monthly_index().expect("a metric with a monthly series")] = v;
        set(Metric::ClientsInCare, t.clients_in_care[m + 1]);
        set(Metric::WaitingList, t.waiting_list[m + 1]);
        set(Metric::Arrivals, t.arrivals[m]);
        set(Metric::Admissions, t.admissions[m]);
        set(
            Metric::LostWhileWaiting,
            t.lost_death[m] + t.lost_institution[m],
        );
        set(Metric::FteAvailable, t.fte_available[m + 1]);
        set(Metric::FteNeeded, t.fte_needed[m + 1]);
        set(Metric::CostEur, t.cost_eur[m]);
        out.monthly.push(row);
    }
    scratch.result = result;
}

/// Run every iteration on `threads` threads (0 = all cores), calling `progress` after each.
/// Each worker summarises its iterations into its own sketches, merged at the end: integer
/// counts and sums, so the result is the same for any thread count.
///
/// # Errors
/// When the thread pool cannot be built.
pub fn run(
    model: &Model,
    particles: &[Particle],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResults, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let n = particles.len();
    let months = model.scenario.months();
    let years = months / 12;
    let columns = draw_columns(years);
    let width = columns.len();
    let mut parameters = vec![model.central; n];
    let mut pooled = vec![PooledDraw::default(); n];
    let mut outcomes = vec![0f32; n * width];
    let workers: Vec<std::sync::Mutex<Option<Summaries>>> = (0..pool.current_num_threads())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    pool.install(|| {
        outcomes
            .par_chunks_mut(width.max(1))
            .zip(parameters.par_iter_mut())
            .zip(pooled.par_iter_mut())
            .enumerate()
            .for_each_init(Scratch::default, |scratch, (i, ((row, par), poo))| {
                iterate_into(model, i as u64, &particles[i], scratch);
                let r = scratch
                    .result
                    .as_ref()
                    .expect("iterate_into fills the result");
                *par = r.parameters;
                *poo = r.pooled;
                for (cell, c) in row.iter_mut().zip(&columns) {
                    *cell = r.yearly[c.year_index][c.metric as usize] as f32;
                }
                let worker = rayon::current_thread_index().unwrap_or(0) % workers.len();
                workers[worker]
                    .lock()
                    .expect("no worker panicked")
                    .get_or_insert_with(|| Summaries::new(years, months))
                    .add(r);
                progress();
            });
    });
    let mut summaries = Summaries::new(years, months);
    for w in workers {
        if let Some(mut s) = w.into_inner().expect("no worker panicked") {
            s.flush();
            summaries.merge(&s);
        }
    }
    Ok(RunResults {
        parameters,
        pooled,
        columns,
        outcomes,
        years,
        months,
        summaries,
    })
}

/// [`run`] on the prior iterations `0..iterations` (no calibration).
///
/// # Errors
/// When the thread pool cannot be built.
pub fn run_prior(
    model: &Model,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResults, rayon::ThreadPoolBuildError> {
    let particles: Vec<Particle> = (0..model.scenario.run.iterations as u64)
        .map(|i| model.prior_particle(i))
        .collect();
    run(model, &particles, threads, progress)
}

/// Bytes the results of a run take in memory at their peak. Per iteration the run keeps its
/// drawn inputs and a fixed set of outcomes (every metric in the base year, the key metrics at
/// the horizon, the waiting list every year); the monthly and yearly quantiles come from
/// fixed-size sketches. Those columns exist about four times over at the peak (results, the
/// draws table, its Parquet bytes, the run read back as `f64`): 32 bytes per column and
/// iteration, which matches the measured 249 MB peak of 100,000 iterations to 2040. A plain
/// function so the model of memory use can change.
pub fn result_bytes(iterations: usize, years: usize, _months: usize) -> u64 {
    let columns = Metric::ALL.len()
        + Metric::KEY.len()
        + years
        + scenario::Parameters::NAMES.len()
        + PooledDraw::NAMES.len();
    (iterations as u64)
        .saturating_mul(columns as u64)
        .saturating_mul(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_lie_inside_the_projection() {
        let actual = |metric: &str, year: i32, month: u32| Actual {
            metric: metric.into(),
            date: crate::data::Date {
                year,
                month,
                day: 1,
            },
            value: 1.0,
            source: String::new(),
            coverage: 1.0,
            sd_log: None,
        };
        let actuals = [
            actual("clients_in_care", 2017, 12), // before the base year
            actual("clients_in_care", 2018, 7),  // state index 6
            actual("clients_in_care", 2019, 1),  // the last state, index 12
            actual("mean_wait_weeks", 2018, 7),  // the year 2018 lies inside
            actual("mean_wait_weeks", 2019, 1),  // the year 2019 does not
            actual("waiting_list", 2019, 2),     // after the end
            actual("unknown_metric", 2018, 3),   // not a model figure
        ];
        let got: Vec<(String, usize)> = observations(&actuals, 2018, 12)
            .into_iter()
            .map(|o| (o.metric, o.state_index))
            .collect();
        assert_eq!(
            got,
            [
                ("clients_in_care".to_string(), 6),
                ("clients_in_care".to_string(), 12),
                ("mean_wait_weeks".to_string(), 6),
            ]
        );
    }

    #[test]
    fn streams_differ_per_iteration_and_repeat_per_seed() {
        use rand::RngExt;
        let a: u64 = stream(1, 0).random();
        let b: u64 = stream(1, 1).random();
        let c: u64 = stream(1, 0).random();
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
