//! The Monte Carlo: build the model from a scenario and its data (per-chain rates, pooled rates,
//! epidemiology), then run iterations in parallel, each on its own random stream from
//! `(seed, iteration)`, so that results do not depend on the thread count.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma};
use rayon::prelude::*;

use crate::data::{Actual, ChainsError, Inputs};
use crate::model::chains::{derive_rates, ChainRates};
use crate::model::epidemiology::{trend_factor, DementiaSeries};
pub use crate::model::metrics::Metric;
use crate::model::metrics::{N_METRICS, N_MONTHLY};
use crate::model::pooling::{inv_logit, pool_rates, Pooled, PooledRates};
use crate::model::projection::{
    self, Epidemiology, Flow, FlowUniforms, InitialState, ProjectionInput, Rates, Trajectory,
    FLOWS, WEEKS_PER_MONTH,
};
use crate::model::results::Summaries;
pub use crate::model::results::{draw_columns, DrawColumn, RunResults};
pub use crate::model::stats::quantiles;
pub use crate::model::summaries::{summarise, summarise_monthly, SummaryRow};
pub use crate::scenario::keyed_stream;
use crate::scenario::{self, ParameterDraw, Scenario};

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
        Ok(Model {
            scenario,
            series,
            central,
            at_home_per_65plus,
            chains,
            pooled,
            initial_actuals,
            initial_over_norm_share,
            actuals: inputs.actuals.clone(),
            notes,
        })
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

    /// Draw every pooled rate of an iteration, each from its own stream keyed by
    /// (seed, `pooled.<name>`, iteration). The pooled means come from their Bayesian posterior
    /// (τ on a grid): finite with any number of chains, unlike a t(k−1) draw, which is Cauchy
    /// for two chains.
    pub fn sample(p: &PooledRates, seed: u64, iteration: u64) -> Self {
        let mean = |pooled: &Pooled, key: &str| {
            let mut rng = keyed_stream(seed, key, iteration);
            let (u_tau, u_mean): (f64, f64) = (rng.random(), rng.random());
            pooled.posterior.draw_mean(u_tau, u_mean)
        };
        let uptake = inv_logit(mean(&p.uptake, "pooled.uptake"));
        let inflow_rate = mean(&p.inflow_rate, "pooled.inflow_rate").exp();
        let hazard_death = mean(&p.hazard_death, "pooled.hazard_death").exp();
        let hazard_institution = mean(&p.hazard_institution, "pooled.hazard_institution").exp();
        let hazard_other = mean(&p.hazard_other, "pooled.hazard_other").exp();
        // Poisson count of waiting people: Gamma(count + ½) is its Jeffreys posterior.
        let waiting_share = if p.clients_end_total > 0.0 {
            Gamma::new(p.waiting_count + 0.5, 1.0)
                .expect("shape > 0")
                .sample(&mut keyed_stream(seed, "pooled.waiting_share", iteration))
                / p.clients_end_total
        } else {
            0.0
        };
        PooledDraw {
            uptake,
            inflow_rate,
            hazard_death,
            hazard_institution,
            hazard_other,
            waiting_share,
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

/// The monthly flows of one iteration: one keyed stream per flow, one draw a month, so month m
/// of a flow is always the m-th draw of its stream.
pub struct FlowStreams {
    streams: [ChaCha8Rng; FLOWS],
}

impl FlowStreams {
    pub fn new(seed: u64, iteration: u64) -> Self {
        FlowStreams {
            streams: Flow::ALL.map(|f| keyed_stream(seed, f.key(), iteration)),
        }
    }
}

impl FlowUniforms for FlowStreams {
    fn next_month(&mut self) -> [f64; FLOWS] {
        std::array::from_fn(|f| rand::RngExt::random::<f64>(&mut self.streams[f]))
    }
}

/// Buffers one worker reuses from iteration to iteration.
#[derive(Debug, Default)]
pub struct Scratch {
    epidemiology: Option<Epidemiology>,
    trajectory: Trajectory,
    result: Option<IterationResult>,
}

/// Run iteration `i` of the model.
pub fn iterate(model: &Model, i: u64) -> IterationResult {
    let mut scratch = Scratch::default();
    iterate_into(model, i, &mut scratch);
    scratch.result.expect("iterate_into fills the result")
}

/// Run iteration `i` into `scratch.result`, reusing its buffers.
pub fn iterate_into(model: &Model, i: u64, scratch: &mut Scratch) {
    let s = &model.scenario;
    let seed = s.run.seed;
    let params = ParameterDraw::sample(&s.parameters, seed, i);
    let pooled = PooledDraw::sample(&model.pooled, seed, i);
    let epi = scratch.epidemiology.get_or_insert_with(|| Epidemiology {
        people_with_dementia: Vec::new(),
        at_home: Vec::new(),
        at_home_ref: Vec::new(),
        need: Vec::new(),
    });
    model.epidemiology_into(&params, epi);
    let epi = &*epi;
    let extrapolated = pooled.uptake * epi.at_home_ref[0];
    let initial = model.initial_actuals.unwrap_or(InitialState {
        clients: extrapolated.round() as u64,
        waiting: (extrapolated * pooled.waiting_share).round() as u64,
        waiting_over_norm_share: model.initial_over_norm_share,
    });
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
    };
    let months = s.months();
    let t = &mut scratch.trajectory;
    projection::project_into(&input, months, &mut FlowStreams::new(seed, i), t);
    let t = &*t;

    let out = scratch.result.get_or_insert_with(|| IterationResult {
        parameters: params,
        pooled,
        yearly: Vec::new(),
        monthly: Vec::new(),
    });
    out.parameters = params;
    out.pooled = pooled;
    out.yearly.clear();
    out.monthly.clear();
    let years = months / 12;
    for y in 0..years {
        let j = 12 * y; // state index of 1 January
        let flows = 12 * y..12 * y + 12;
        let sum = |v: &[f64]| v[flows.clone()].iter().sum::<f64>();
        let admitted = sum(&t.admissions);
        let weight = t.slot_weight[12 * y];
        let cost = sum(&t.cost_eur);
        let cost_per_client_year = {
            // Cost of one client-year at this year's hours, tariff and index.
            let clients_months: f64 = (12 * y..12 * y + 12)
                .map(|m| (t.clients_in_care[m] + t.clients_in_care[m + 1]) / 2.0)
                .sum();
            if clients_months > 0.0 {
                cost / clients_months * 12.0
            } else {
                params.hours_per_client_month
                    * 12.0
                    * params.tariff_per_hour
                    * (1.0 + params.cost_index_per_year).powf(y as f64 + 0.5)
            }
        };
        let mut row = [0.0; N_METRICS];
        let mut set = |m: Metric, v: f64| row[m as usize] = v;
        set(Metric::PeopleWithDementia, epi.people_with_dementia[j]);
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
        set(Metric::Arrivals, sum(&t.arrivals));
        set(Metric::Admissions, admitted);
        set(Metric::ExitsDeath, sum(&t.exits_death));
        set(Metric::ExitsInstitution, sum(&t.exits_institution));
        set(Metric::ExitsOther, sum(&t.exits_other));
        set(
            Metric::LostWhileWaiting,
            sum(&t.lost_death) + sum(&t.lost_institution),
        );
        set(
            Metric::MeanWaitWeeks,
            if admitted > 0.0 {
                sum(&t.wait_months_admitted) / admitted * WEEKS_PER_MONTH
            } else {
                0.0
            },
        );
        set(Metric::ShareWaitingOverNorm, t.share_waiting_over_norm[j]);
        set(Metric::FteAvailable, t.fte_available[j]);
        set(Metric::FteNeeded, t.fte_needed[j]);
        set(Metric::FteGap, t.fte_needed[j] - t.fte_available[j]);
        set(
            Metric::FteNeededZorgstandaard,
            epi.need[j] * weight / params.caseload,
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
}

/// Run every iteration on `threads` threads (0 = all cores), calling `progress` after each.
/// Each worker summarises its iterations into its own sketches, merged at the end: integer
/// counts and sums, so the result is the same for any thread count.
///
/// # Errors
/// When the thread pool cannot be built.
pub fn run(
    model: &Model,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResults, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let n = model.scenario.run.iterations;
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
                iterate_into(model, i as u64, scratch);
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
    fn streams_differ_per_iteration_and_repeat_per_seed() {
        use rand::RngExt;
        let a: u64 = stream(1, 0).random();
        let b: u64 = stream(1, 1).random();
        let c: u64 = stream(1, 0).random();
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
