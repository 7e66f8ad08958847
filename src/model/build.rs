//! The model built from a scenario and its data, ready to simulate: per-chain rates, pooled
//! rates and their joint correlation, epidemiology, the observations it is calibrated to and the
//! policy start.

use crate::data::{Actual, ChainsError, Inputs, Note, Projection};
use crate::model::chains::{derive_rates, ChainRates};
use crate::model::epidemiology::{trend_factor, DementiaSeries};
use crate::model::latent::{self, knots_for};
use crate::model::metrics::Metric;
use crate::model::observation::{months_needed, observations, Observation};
use crate::model::pooling::{joint_cholesky, pool_rates, PooledRate, PooledRates, JOINT_RATES};
use crate::model::projection::{Epidemiology, InitialState};
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
    /// Remarks for the user (e.g. one chain only), worded by the report and the command line.
    pub notes: Vec<Note>,
}

fn data_err(file: &std::path::Path, message: String) -> ModelError {
    ModelError::Data {
        file: file.display().to_string(),
        message,
    }
}

/// People with dementia by year, to one year past the horizon (the last month ends on 1
/// January after it).
fn dementia_series(scenario: &Scenario, inputs: &Inputs) -> Result<DementiaSeries, ModelError> {
    let run = &scenario.run;
    DementiaSeries::new(
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
    })
}

/// Chains whose rates cannot describe a region: more clients than people at home with
/// dementia, or no FTE at all.
fn check_chains(
    chains: &[ChainRates],
    inputs: &Inputs,
    at_home_per_65plus: f64,
) -> Result<(), ModelError> {
    for c in chains {
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
    Ok(())
}

/// When the prior on the between-chain spread, not the chains, sets the rates' uncertainty.
fn pooling_note(chains: &[ChainRates], pooled: &PooledRates) -> Option<Note> {
    let prior_scale = crate::model::pooling::TAU_PRIOR_SCALE;
    let dominated: Vec<String> = PooledRate::ALL
        .into_iter()
        .filter(|&r| pooled.get(r).posterior.prior_dominates)
        .map(|r| r.name().to_string())
        .collect();
    if chains.len() == 1 {
        Some(Note::OneChain {
            chain: chains[0].chain.clone(),
            prior_scale,
        })
    } else if !dominated.is_empty() {
        Some(Note::PriorDominates {
            chains: chains.len(),
            rates: dominated,
            prior_scale,
        })
    } else {
        None
    }
}

/// Where the queues start: the national actuals of the base year when the scenario asks for
/// them (else each iteration's extrapolation), and the share of the list over the norm.
fn initial_state(
    scenario: &Scenario,
    inputs: &Inputs,
) -> Result<(Option<InitialState>, f64), ModelError> {
    let base_year = scenario.run.base_year;
    let actual = |metric: Metric| {
        inputs
            .actuals
            .iter()
            .find(|a| a.metric == metric.as_str() && a.date.year == base_year)
            .map(|a| a.value)
    };
    let over_norm_share = match (actual(Metric::WaitingOverNorm), actual(Metric::WaitingList)) {
        (Some(over), Some(waiting)) if waiting > 0.0 => (over / waiting).clamp(0.0, 1.0),
        _ => 0.0,
    };
    let initial = match scenario.initial_state {
        scenario::InitialStateSource::Extrapolated => None,
        scenario::InitialStateSource::Actuals => {
            let file = scenario.data.actuals.clone().unwrap_or_default();
            let needs = |metric: Metric| {
                actual(metric).ok_or_else(|| {
                    data_err(
                        &file,
                        format!("projection.initial_state = \"actuals\" needs a {metric} row dated in {base_year}"),
                    )
                })
            };
            Some(InitialState {
                clients: needs(Metric::ClientsInCare)?.round() as u64,
                waiting: needs(Metric::WaitingList)?.round() as u64,
                waiting_over_norm_share: over_norm_share,
            })
        }
    };
    Ok((initial, over_norm_share))
}

impl Model {
    /// Derive chain rates, pool them and prepare epidemiology.
    ///
    /// # Errors
    /// Population years missing, chains that fail their checks, actuals missing for the base year.
    pub fn build(scenario: Scenario, inputs: &Inputs) -> Result<Model, ModelError> {
        let series = dementia_series(&scenario, inputs)?;
        let central = ParameterDraw::central(&scenario.parameters);
        let at_home_per_65plus = series.crude_65plus(scenario.run.base_year)
            * central.prevalence_multiplier
            * central.share_at_home;
        let chains = derive_rates(
            &inputs.chains,
            at_home_per_65plus,
            scenario.max_flow_imbalance,
        )?;
        check_chains(&chains, inputs, at_home_per_65plus)?;
        let pooled = pool_rates(&chains, scenario.pooling_method);
        let joint = joint_cholesky(&chains);
        let mut notes = inputs.notes.clone();
        notes.extend(crate::model::chains::uptake_outliers(&chains));
        notes.extend(pooling_note(&chains, &pooled));
        let (initial_actuals, initial_over_norm_share) = initial_state(&scenario, inputs)?;
        let observations = observations(&inputs.actuals, scenario.run.base_year, scenario.months());
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
            .map(|o| months_needed(o.metric, o.state_index))
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
        let mut e = Epidemiology::default();
        self.epidemiology_into(p, self.scenario.months(), &mut e);
        e
    }

    /// [`Model::epidemiology`] of the first `months` months into reused buffers.
    pub fn epidemiology_into(&self, p: &ParameterDraw, months: usize, e: &mut Epidemiology) {
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
