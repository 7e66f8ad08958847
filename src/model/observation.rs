//! The observation model: which published figures the model is calibrated to (`observations`),
//! the model's value of each in one history (`observe`), and how likely the record is
//! given it (`log_likelihood`: coverage of the count, log-normal measurement error).

use crate::data::Actual;
use crate::model::metrics::Metric;
use crate::model::projection::{Epidemiology, Trajectory, WEEKS_PER_MONTH};
use crate::scenario::ParameterDraw;

/// One published figure as the observation model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The model metric it measures.
    pub metric: Metric,
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

/// The smallest model value the observation model takes the log of: an empty waiting list
/// against a published count of thousands must weigh almost nothing, not break the log.
pub(crate) const FLOOR: f64 = 0.5;

/// Log-likelihood of one iteration: Σ log N(log y | log(c · m), σ) over the observations, with
/// `model[i]` the iteration's national value for observation `i`.
pub fn log_likelihood(observations: &[Observation], model: &[f64]) -> f64 {
    observations
        .iter()
        .zip(model)
        .map(|(o, &m)| log_density(o, m))
        .sum()
}

pub(crate) fn log_density(o: &Observation, m: f64) -> f64 {
    let z = (o.value.max(FLOOR).ln() - (o.coverage * m).max(FLOOR).ln()) / o.sd_log;
    -0.5 * z * z - o.sd_log.ln()
}

/// Months a projection must run to give an observation of `metric` at `state_index`: a mean
/// wait is the year's, so its whole year must lie in the projection.
pub fn months_needed(metric: Metric, state_index: usize) -> usize {
    if metric.is_year_mean() {
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
            // Only figures of a kind the model produces and the record can measure; a row may
            // state its own error.
            let metric = Metric::parse(&a.metric)?;
            let sd_log = a.sd_log.or(metric.observation_sd_log())?;
            let months_in = (a.date.year - base_year) as i64 * 12 + i64::from(a.date.month) - 1
                + i64::from(a.date.day > 15);
            if a.date.year < base_year
                || months_in < 0
                || months_needed(metric, months_in as usize) > months
            {
                return None;
            }
            Some(Observation {
                metric,
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
        out.push(match o.metric {
            Metric::ClientsInCare => t.clients_in_care[j],
            Metric::WaitingList => t.waiting_list[j],
            Metric::WaitingOverNorm => t.waiting_list[j] * t.share_waiting_over_norm[j],
            Metric::FteAvailable => t.fte_available[j],
            Metric::PeopleWithDementia => epi.people_with_dementia[j],
            Metric::AtHome => epi.at_home[j],
            Metric::StatedWaitWeeks => {
                let months = (j / 12) * 12..(j / 12) * 12 + 12;
                t.stated_wait_weeks[months].iter().sum::<f64>() / 12.0
            }
            Metric::MeanWaitWeeks => {
                let months = (j / 12) * 12..(j / 12) * 12 + 12;
                let admitted: f64 = t.admissions[months.clone()].iter().sum();
                let waited: f64 = t.wait_months_admitted[months].iter().sum();
                if admitted > 0.0 {
                    waited / admitted * WEEKS_PER_MONTH * parameters.mean_wait_definition_factor
                } else {
                    0.0
                }
            }
            // Metrics without an observation error never become observations.
            _ => f64::NAN,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_scales_the_model_value_before_comparing() {
        let obs = |coverage| Observation {
            metric: Metric::ClientsInCare,
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
        let got: Vec<(Metric, usize)> = observations(&actuals, 2018, 12)
            .into_iter()
            .map(|o| (o.metric, o.state_index))
            .collect();
        assert_eq!(
            got,
            [
                (Metric::ClientsInCare, 6),
                (Metric::ClientsInCare, 12),
                (Metric::MeanWaitWeeks, 6),
            ]
        );
    }
}
