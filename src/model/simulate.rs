//! The Monte Carlo: one iteration of the model from a particle (its projection and its yearly
//! and monthly outcomes), and `run`: iterations in parallel, each on its own keyed streams, so
//! that results do not depend on the thread count.

use rayon::prelude::*;

use crate::model::build::Model;
use crate::model::metrics::{Metric, N_METRICS};
use crate::model::observation::{months_needed, observe, Observation};
use crate::model::particle::{Draws, Particle, PooledDraw};
use crate::model::parts::ObservationPlan;
use crate::model::projection::{
    Drivers, Epidemiology, Feedback, InitialState, ProjectionInput, Rates, Trajectory,
    WEEKS_PER_MONTH,
};
use crate::model::queues;
use crate::model::results::{draw_columns, Batch, IterationResult, RunResults, Summaries};
use crate::model::streams::FlowStreams;
use crate::model::workforce::{WorkforceInput, WorkforceRates};
use crate::scenario::{self, ParameterDraw};

/// Buffers one worker reuses from iteration to iteration.
#[derive(Debug, Default)]
pub struct Scratch {
    setups: Setups,
    fixed: queues::FixedDraws,
    trajectory: Trajectory,
    result: Option<IterationResult>,
}

impl Scratch {
    /// The trajectory of the last projection.
    pub fn trajectory(&self) -> &Trajectory {
        &self.trajectory
    }

    /// The national value of each of `observations` in the iteration last run into this scratch
    /// ([`iterate_into`]), into `out`.
    fn observe_result(&self, observations: &[Observation], out: &mut Vec<f64>) {
        let result = self.result.as_ref().expect("iterate_into fills the result");
        observe(
            observations,
            &result.parameters,
            self.epidemiology(),
            &self.trajectory,
            out,
        );
    }
}

/// What a projection draws from a particle's latent normals before its first month.
#[derive(Debug)]
struct Setup {
    z: Vec<f64>,
    slot: u64,
    months: usize,
    draws: Draws,
    extrapolated: f64,
    epidemiology: Epidemiology,
    drivers: Drivers,
}

/// The setups of the last two projections: a calibration renews a region's flows of the
/// particle it has just evaluated or of the one before it (a move it rejected), and those
/// share the particle's draws, epidemiology and drivers.
#[derive(Debug, Default)]
struct Setups {
    kept: [Option<Setup>; 2],
    /// Which of `kept` is the newer.
    newer: usize,
}

impl Setups {
    /// The setup of `particle` for `months` months (future keyed by `slot`), made anew unless
    /// one of the last two is it.
    fn get(&mut self, model: &Model, particle: &Particle, slot: u64, months: usize) -> &Setup {
        let same = |s: &Option<Setup>| {
            s.as_ref()
                .is_some_and(|s| s.slot == slot && s.months == months && s.z == particle.z)
        };
        if let Some(i) = (0..2).find(|&i| same(&self.kept[i])) {
            self.newer = i;
            return self.kept[i].as_ref().expect("found");
        }
        let i = 1 - self.newer;
        self.newer = i;
        let draws = model.draws(&particle.z);
        let setup = self.kept[i].get_or_insert_with(|| Setup {
            z: Vec::new(),
            slot,
            months,
            draws,
            extrapolated: 0.0,
            epidemiology: Epidemiology::default(),
            drivers: Drivers::default(),
        });
        setup.z.clone_from(&particle.z);
        (setup.slot, setup.months) = (slot, months);
        setup.draws = draws;
        let params = setup.draws.parameters;
        model.epidemiology_into(&params, months, &mut setup.epidemiology);
        setup.extrapolated = setup.draws.pooled.uptake * setup.epidemiology.at_home_ref[0];
        model.drivers_into(&particle.z, &params, slot, months, &mut setup.drivers);
        setup
    }

    /// The setup of the last projection.
    fn newest(&self) -> &Setup {
        self.kept[self.newer]
            .as_ref()
            .expect("a projection has run")
    }
}

impl Scratch {
    /// The epidemiology of the last projection.
    pub(crate) fn epidemiology(&self) -> &Epidemiology {
        &self.setups.newest().epidemiology
    }
}

/// Run prior iteration `i` of the model.
pub fn iterate(model: &Model, i: u64) -> IterationResult {
    let mut scratch = Scratch::default();
    iterate_into(model, i, &model.prior_particle(i), &mut scratch);
    scratch.result.expect("iterate_into fills the result")
}

/// Project `months` months of a particle into `scratch` (future flows keyed by `slot`).
pub(crate) fn project_particle<'s>(
    model: &Model,
    slot: u64,
    particle: &Particle,
    months: usize,
    scratch: &'s mut Scratch,
) -> (Draws, f64, &'s Epidemiology, &'s Trajectory) {
    let seed = model.scenario.run.seed;
    let workforce = &model.scenario.workforce;
    let (draws, extrapolated, ()) = with_input(
        model,
        (slot, particle, months),
        scratch,
        workforce,
        |input, _, fixed, trajectory| {
            let mut flows = FlowStreams::new(seed, &particle.history, slot, model.policy_start);
            queues::project_into(input, months, &mut flows, fixed, trajectory)
        },
    );
    (
        draws,
        extrapolated,
        scratch.epidemiology(),
        &scratch.trajectory,
    )
}

/// The projection input of `particle` for `months` months (future flows keyed by `slot`),
/// handed to `project` with the worker's fixed draws and trajectory buffer; returns the
/// particle's draws, the chains' uptake extrapolated to the country and what `project` gave.
pub(crate) fn with_input<R>(
    model: &Model,
    (slot, particle, months): (u64, &Particle, usize),
    scratch: &mut Scratch,
    workforce: &crate::scenario::WorkforcePolicy,
    project: impl FnOnce(
        &ProjectionInput,
        &ParameterDraw,
        &mut queues::FixedDraws,
        &mut Trajectory,
    ) -> R,
) -> (Draws, f64, R) {
    let s = &model.scenario;
    let Scratch {
        setups,
        fixed,
        trajectory,
        ..
    } = scratch;
    let setup = setups.get(model, particle, slot, months);
    let (draws, extrapolated) = (setup.draws, setup.extrapolated);
    let (params, pooled, epi) = (draws.parameters, draws.pooled, &setup.epidemiology);
    let initial = model.initial_actuals.unwrap_or(InitialState {
        clients: extrapolated.round() as u64,
        waiting: (extrapolated * pooled.waiting_share * params.initial_waiting_scale).round()
            as u64,
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
        feedback: Feedback {
            leave_list_per_year: params.leave_list_per_year,
            leave_list_growth_per_month: params.leave_list_growth_per_month,
            referral_elasticity: params.referral_elasticity,
            caseload_stretch_max: params.caseload_stretch_max,
        },
        regional_demand: draws.regional_demand,
        drivers: &setup.drivers,
        by_reason: months > model.history_months,
        policy_start: model.policy_start,
        workforce: WorkforceInput {
            policy: workforce,
            rates: WorkforceRates {
                turnover_per_year: params.turnover_per_year,
                retirement_per_year: params.retirement_per_year,
                part_time_factor: params.part_time_factor,
                training_months: params.training_months,
                training_completion: params.training_completion,
                trained_share_of_inflow: params.trained_share_of_inflow,
            },
            seed: s.run.seed,
            iteration: slot,
        },
    };
    let out = project(&input, &params, fixed, trajectory);
    (draws, extrapolated, out)
}

/// The model's national value of every observation for one particle: its history only, up to
/// the last observation.
pub fn observe_particle(model: &Model, particle: &Particle, scratch: &mut Scratch) -> Vec<f64> {
    observe_beyond(model, particle, 0, &model.observations, scratch)
}

/// The calibration's plan of the regions' parts of the model's observations.
pub(crate) fn observation_plan(model: &Model) -> ObservationPlan {
    ObservationPlan::new(&model.observations, months_for(model, &model.observations))
}

/// A particle's observed values made from the regions' parts of its history (`plan`): the
/// parts made anew in `parts` for every region, or (`only`) for one region's renewed flows with
/// the other regions' rows as they are. `None` when `rejects(bound)` for an upper bound of the
/// log-likelihood known part-way (the observations so far and the peak of each one to come):
/// the history is cut short where the bound showed it.
pub(crate) fn observe_parts(
    model: &Model,
    particle: &Particle,
    (plan, only): (&ObservationPlan, Option<usize>),
    parts: &mut [f64],
    scratch: &mut Scratch,
    rejects: &dyn Fn(f64) -> bool,
) -> Option<Vec<f64>> {
    let observations = &model.observations;
    let months = months_for(model, observations);
    // A history: its exits are not split by reason, so it needs no national streams.
    debug_assert!(months <= model.history_months);
    let (seed, start) = (model.scenario.run.seed, model.policy_start);
    let workforce = &model.scenario.workforce;
    let (draws, _, whole) = with_input(
        model,
        (0, particle, months),
        scratch,
        workforce,
        |input, params, fixed, _| {
            let mut flows = match only {
                Some(r) => FlowStreams::for_region(seed, &particle.history, 0, start, r),
                None => FlowStreams::regional(seed, &particle.history, 0, start),
            };
            let epi = input.epidemiology;
            queues::project_parts(
                input,
                months,
                &mut flows,
                fixed,
                (plan, only),
                parts,
                |m, p| {
                    // Only where a new observation has come within reach.
                    m < months
                        && plan.completes_at(m)
                        && rejects(plan.log_likelihood_bound(observations, m, p, params, epi))
                },
            )
        },
    );
    if !whole {
        return None;
    }
    let mut observed = Vec::with_capacity(observations.len());
    plan.observe(
        parts,
        &draws.parameters,
        scratch.epidemiology(),
        &mut observed,
    );
    Some(observed)
}

/// A particle's observed values the calibration's way, from its regions' parts, and the parts:
/// with `renew` = (the parts of a particle that differs only in one region's history, that
/// region) only that region is simulated.
pub fn observe_by_regions(
    model: &Model,
    particle: &Particle,
    renew: Option<(&[f64], usize)>,
    scratch: &mut Scratch,
) -> (Vec<f64>, Vec<f64>) {
    let plan = observation_plan(model);
    let mut parts = renew.map_or_else(|| vec![0.0; plan.len()], |(p, _)| p.to_vec());
    let only = renew.map(|(_, r)| r);
    let values = observe_parts(model, particle, (&plan, only), &mut parts, scratch, &|_| {
        false
    })
    .expect("a history that nothing rejects runs to its end");
    (values, parts)
}

/// Months a projection runs to give `observations`: at least the model's history.
fn months_for(model: &Model, observations: &[Observation]) -> usize {
    observations
        .iter()
        .map(|o| months_needed(o.metric, o.state_index))
        .max()
        .unwrap_or(0)
        .max(model.history_months)
        .min(model.scenario.months())
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
    let months = months_for(model, observations);
    let (draws, _, epi, t) = project_particle(model, slot, particle, months, scratch);
    let mut observed = Vec::with_capacity(observations.len());
    observe(observations, &draws.parameters, epi, t, &mut observed);
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
    let year = |y: usize| Year {
        y,
        model,
        params: &params,
        epi,
        t,
        extrapolated,
    };
    for y in 0..months / 12 {
        let year = year(y);
        let mut row = [0.0; N_METRICS];
        for &metric in Metric::ALL {
            row[metric as usize] = year.value(metric);
        }
        out.yearly.push(row);
    }
    for m in 0..months {
        out.monthly
            .push(Metric::MONTHLY.map(|metric| monthly_value(metric, t, m)));
    }
    scratch.result = result;
}

/// One year of an iteration's projection: what its yearly metrics are computed from.
struct Year<'a> {
    /// Years since the base year.
    y: usize,
    model: &'a Model,
    params: &'a ParameterDraw,
    epi: &'a Epidemiology,
    t: &'a Trajectory,
    /// The chains' uptake extrapolated to the country in the base year.
    extrapolated: f64,
}

impl Year<'_> {
    /// State index of 1 January.
    fn j(&self) -> usize {
        12 * self.y
    }

    /// A flow summed over the year's months.
    fn sum(&self, v: &[f64]) -> f64 {
        v[self.j()..self.j() + 12].iter().sum()
    }

    /// A stock's mean over the year (trapezoid over the month boundaries).
    fn mean_stock(&self, v: &[f64]) -> f64 {
        (self.j()..self.j() + 12)
            .map(|m| (v[m] + v[m + 1]) / 2.0)
            .sum::<f64>()
            / 12.0
    }

    /// A sum over the year per person admitted in it (`empty` when nobody was admitted).
    fn per_admitted(&self, v: &[f64], empty: f64) -> f64 {
        let admitted = self.sum(&self.t.admissions);
        if admitted > 0.0 {
            self.sum(v) / admitted
        } else {
            empty
        }
    }

    /// Cost of one client-year at this year's hours, tariff and index.
    fn cost_per_client_year(&self) -> f64 {
        let p = self.params;
        let client_months = self.mean_stock(&self.t.clients_in_care) * 12.0;
        if client_months > 0.0 {
            self.sum(&self.t.cost_eur) / client_months * 12.0
        } else {
            p.hours_per_client_month
                * 12.0
                * p.tariff_per_hour
                * (1.0 + p.cost_index_per_year).powf(self.y as f64 + 0.5)
        }
    }

    /// FTE the Zorgstandaard's need asks for on 1 January.
    fn fte_zorgstandaard(&self) -> f64 {
        let j = self.j();
        self.epi.need[j] * self.t.slot_weight[j] / self.params.caseload
    }

    /// The metric's value in this year: a stock on 1 January, a flow over the year.
    fn value(&self, metric: Metric) -> f64 {
        let (j, t, epi) = (self.j(), self.t, self.epi);
        match metric {
            Metric::PeopleWithDementia => epi.people_with_dementia[j],
            // Age-specific rates held constant (no prevalence trend), the same multiplier.
            Metric::PeopleWithDementiaConstantRates => {
                let year = self.model.scenario.run.base_year as f64 + self.y as f64;
                self.model.series.at(year) * self.params.prevalence_multiplier
            }
            Metric::AtHome => epi.at_home[j],
            Metric::Need => epi.need[j],
            Metric::ClientsInCare => t.clients_in_care[j],
            Metric::NeedGap => epi.need[j] - t.clients_in_care[j],
            Metric::ClientsExtrapolated if self.y == 0 => self.extrapolated,
            Metric::ClientsExtrapolated => f64::NAN,
            Metric::Coverage => t.clients_in_care[j] / epi.at_home[j],
            Metric::WaitingList => t.waiting_list[j],
            Metric::WaitingListMean => self.mean_stock(&t.waiting_list),
            Metric::WaitingOverNorm => t.waiting_list[j] * t.share_waiting_over_norm[j],
            Metric::Arrivals => self.sum(&t.arrivals),
            Metric::Admissions => self.sum(&t.admissions),
            Metric::ExitsDeath => self.sum(&t.exits_death),
            Metric::ExitsInstitution => self.sum(&t.exits_institution),
            Metric::ExitsOther => self.sum(&t.exits_other),
            Metric::LostWhileWaiting => self.sum(&t.lost),
            Metric::LeftWaitingList => self.sum(&t.left_list),
            Metric::DeterredReferrals => self.sum(&t.deterred),
            // Every way demand goes unmet: lost while waiting, left the list, deterred.
            Metric::UnmetDemand => {
                self.value(Metric::LostWhileWaiting)
                    + self.value(Metric::LeftWaitingList)
                    + self.value(Metric::DeterredReferrals)
            }
            Metric::MeanWaitWeeks => {
                self.per_admitted(&t.wait_months_admitted, 0.0) * WEEKS_PER_MONTH
            }
            Metric::StatedWaitWeeks => self.sum(&t.stated_wait_weeks) / 12.0,
            Metric::ShareWaitingOverNorm => t.share_waiting_over_norm[j],
            Metric::ShareAdmittedWithinNorm => self.per_admitted(&t.admitted_within_norm, f64::NAN),
            Metric::CaseloadStretch => self.mean_stock(&t.caseload_stretch),
            Metric::FteAvailable => t.fte_available[j],
            Metric::FteNeeded => t.fte_needed[j],
            Metric::FteGap => t.fte_needed[j] - t.fte_available[j],
            Metric::FteNeededZorgstandaard => self.fte_zorgstandaard(),
            // FTE a year to recruit from the policy start (the last observation) to have the
            // Zorgstandaard's FTE in this year (over at least one year).
            Metric::FteRecruitmentZorgstandaard => {
                let start = self.model.policy_start;
                (self.fte_zorgstandaard() - t.fte_available[start])
                    / ((j as f64 - start as f64) / 12.0).max(1.0)
            }
            Metric::CostEur => self.sum(&t.cost_eur),
            Metric::CostEurZorgstandaard => epi.need[j] * self.cost_per_client_year(),
            Metric::CaseManagers => t.case_managers[j],
            Metric::Leavers => self.sum(&t.leavers),
            Metric::TraineesStarted => self.sum(&t.trainees_started),
            Metric::TraineesQualified => self.sum(&t.trainees_qualified),
            Metric::Hires => self.sum(&t.hires),
        }
    }
}

/// A monthly metric's value in month `m` (a stock at its end, a flow over it); NaN for a metric
/// without a monthly series.
fn monthly_value(metric: Metric, t: &Trajectory, m: usize) -> f64 {
    match metric {
        Metric::ClientsInCare => t.clients_in_care[m + 1],
        Metric::WaitingList => t.waiting_list[m + 1],
        Metric::Arrivals => t.arrivals[m],
        Metric::Admissions => t.admissions[m],
        Metric::LostWhileWaiting => t.lost[m],
        Metric::FteAvailable => t.fte_available[m + 1],
        Metric::FteNeeded => t.fte_needed[m + 1],
        Metric::CostEur => t.cost_eur[m],
        _ => f64::NAN,
    }
}

/// Run every iteration on `threads` threads (0 = all cores), calling `progress` after each.
/// Each worker adds its iterations to the run's one set of sketches a batch at a time: integer
/// counts and sums, so the result is the same for any thread count and order.
///
/// # Errors
/// When the thread pool cannot be built.
pub fn run(
    model: &Model,
    particles: &[Particle],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResults, rayon::ThreadPoolBuildError> {
    run_with(model, particles, (threads, false), progress).map(|(results, _)| results)
}

/// [`run`], and the national value of each of the model's observations in every iteration's
/// own projection (iteration-major, one value per observation). Where the observations lie
/// before the policy start and each particle is the history its iteration projects, these are
/// what [`observe_particle`] gives for the particles: a run of the prior needs no second
/// projection of its histories for its hindcast.
///
/// # Errors
/// When the thread pool cannot be built.
pub fn run_observed(
    model: &Model,
    particles: &[Particle],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<(RunResults, Vec<f64>), rayon::ThreadPoolBuildError> {
    run_with(model, particles, (threads, true), progress)
}

/// [`run`] on `threads`, keeping every iteration's observed values when `observing`.
fn run_with(
    model: &Model,
    particles: &[Particle],
    (threads, observing): (usize, bool),
    progress: &(dyn Fn() + Sync),
) -> Result<(RunResults, Vec<f64>), rayon::ThreadPoolBuildError> {
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
    // One set of sketches for the run (not one per worker): each worker fills its own batch
    // and adds it when full.
    let summaries = std::sync::Mutex::new(Summaries::new(years, months));
    let batches: Vec<std::sync::Mutex<Option<Batch>>> = (0..pool.current_num_threads())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let k = model.observations.len();
    let observed = std::sync::Mutex::new(vec![0.0; if observing { n * k } else { 0 }]);
    pool.install(|| {
        outcomes
            .par_chunks_mut(width.max(1))
            .zip(parameters.par_iter_mut())
            .zip(pooled.par_iter_mut())
            .enumerate()
            .for_each_init(
                || (Scratch::default(), Vec::new()),
                |(scratch, values), (i, ((row, par), poo))| {
                    iterate_into(model, i as u64, &particles[i], scratch);
                    if observing {
                        scratch.observe_result(&model.observations, values);
                        observed.lock().expect("no worker panicked")[i * k..(i + 1) * k]
                            .copy_from_slice(values);
                    }
                    let r = scratch
                        .result
                        .as_ref()
                        .expect("iterate_into fills the result");
                    *par = r.parameters;
                    *poo = r.pooled;
                    for (cell, c) in row.iter_mut().zip(&columns) {
                        *cell = r.yearly[c.year_index][c.metric as usize] as f32;
                    }
                    let worker = rayon::current_thread_index().unwrap_or(0) % batches.len();
                    let mut batch = batches[worker].lock().expect("no worker panicked");
                    let batch = batch.get_or_insert_with(|| Batch::new(years, months));
                    if batch.push(r) {
                        summaries.lock().expect("no worker panicked").add(batch);
                    }
                    progress();
                },
            );
    });
    let mut summaries = summaries.into_inner().expect("no worker panicked");
    for b in batches {
        if let Some(mut b) = b.into_inner().expect("no worker panicked") {
            summaries.add(&mut b);
        }
    }
    let results = RunResults {
        parameters,
        pooled,
        columns,
        outcomes,
        years,
        months,
        summaries,
    };
    Ok((results, observed.into_inner().expect("no worker panicked")))
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
/// iteration, an upper estimate for the check of a run's size (100,000 iterations to 2040 peak
/// at about 350 MB in all). A plain function so the model of memory use can change.
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
