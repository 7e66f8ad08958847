//! The calibration's view of a history: every observation as the sum of what the twelve
//! regional queues contribute to it, kept per region. The regions share no state, so a renewal
//! of one region's history flows re-simulates that region alone and adds its new part to the
//! parts the other eleven kept (docs/MODEL.md §5).

use crate::model::metrics::Metric;
use crate::model::observation::{log_density, months_needed, Observation};
use crate::model::projection::{Epidemiology, REGIONS, WEEKS_PER_MONTH};
use crate::model::region::{MonthFlows, Region};
use crate::scenario::ParameterDraw;

/// What one region contributes to an observation: a stock at a state index, or a flow summed
/// over the months of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Clients,
    Waiting,
    OverNorm,
    Fte,
    StatedWeeks,
    WaitMonths,
    Admitted,
}

/// How the national value of one observation is made from the regions' parts (slots).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    /// The sum of the regions' parts.
    Sum(usize),
    /// The year's sum of the regions' stated waits (each already a twelfth of the regions'
    /// mean), over its months.
    Stated(usize),
    /// Weeks waited per person admitted in the year, times the definition factor.
    MeanWait { waited: usize, admitted: usize },
    /// Not the queues': people with dementia and at home, from the epidemiology.
    Epi(Metric, usize),
    /// Metrics without an observation error never become observations.
    None,
}

/// Which parts each region keeps for a list of observations, and when it records them.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationPlan {
    /// Parts per region.
    width: usize,
    values: Vec<Value>,
    /// Months a projection must have run for each observation.
    needed: Vec<usize>,
    /// The stocks read at each state index (0 = the start, j = the end of month j − 1).
    stocks: Vec<Vec<(Part, usize)>>,
    /// The flows summed in each month.
    flows: Vec<Vec<(Part, usize)>>,
}

impl ObservationPlan {
    /// The plan for `observations` of a projection of `months` months (each observation
    /// lies within them).
    pub fn new(observations: &[Observation], months: usize) -> Self {
        let mut plan = ObservationPlan {
            width: 0,
            values: Vec::with_capacity(observations.len()),
            needed: Vec::with_capacity(observations.len()),
            stocks: vec![Vec::new(); months + 1],
            flows: vec![Vec::new(); months],
        };
        for o in observations {
            let j = o.state_index;
            let year = (j / 12) * 12..(j / 12) * 12 + 12;
            let value = match o.metric {
                Metric::ClientsInCare => Value::Sum(plan.stock(Part::Clients, j)),
                Metric::WaitingList => Value::Sum(plan.stock(Part::Waiting, j)),
                Metric::WaitingOverNorm => Value::Sum(plan.stock(Part::OverNorm, j)),
                Metric::FteAvailable => Value::Sum(plan.stock(Part::Fte, j)),
                Metric::StatedWaitWeeks => Value::Stated(plan.flow(Part::StatedWeeks, year)),
                Metric::MeanWaitWeeks => Value::MeanWait {
                    waited: plan.flow(Part::WaitMonths, year.clone()),
                    admitted: plan.flow(Part::Admitted, year),
                },
                Metric::PeopleWithDementia | Metric::AtHome => Value::Epi(o.metric, j),
                _ => Value::None,
            };
            plan.values.push(value);
            plan.needed.push(months_needed(o.metric, j));
        }
        plan
    }

    fn stock(&mut self, part: Part, j: usize) -> usize {
        self.width += 1;
        self.stocks[j].push((part, self.width - 1));
        self.width - 1
    }

    fn flow(&mut self, part: Part, months: std::ops::Range<usize>) -> usize {
        self.width += 1;
        for m in months {
            self.flows[m].push((part, self.width - 1));
        }
        self.width - 1
    }

    /// Parts of all regions: `REGIONS` rows of this many.
    pub fn len(&self) -> usize {
        REGIONS * self.width
    }

    /// Whether the plan keeps no parts at all.
    pub fn is_empty(&self) -> bool {
        self.width == 0
    }

    /// Region `r`'s row of `parts`.
    pub(crate) fn row<'a>(&self, parts: &'a mut [f64], r: usize) -> &'a mut [f64] {
        &mut parts[r * self.width..(r + 1) * self.width]
    }

    /// A region's stocks at state index `j`: its clients and list at the end of month `now`
    /// (`j − 1`; −1 at the start) and its FTE then.
    pub(crate) fn record_state(
        &self,
        j: usize,
        row: &mut [f64],
        region: &Region,
        (fte, now, norm_months): (f64, i64, f64),
    ) {
        for &(part, slot) in self.stocks.get(j).map_or(&[][..], Vec::as_slice) {
            let queue = &region.queue;
            row[slot] = match part {
                Part::Clients => region.clients as f64,
                Part::Waiting => queue.total as f64,
                Part::OverNorm => queue.share_over_norm(now, norm_months) * queue.total as f64,
                Part::Fte => fte,
                _ => unreachable!("flows are recorded by month"),
            };
        }
    }

    /// A region's flows of month `m`.
    pub(crate) fn record_month(&self, m: usize, row: &mut [f64], flows: &MonthFlows) {
        for &(part, slot) in self.flows.get(m).map_or(&[][..], Vec::as_slice) {
            row[slot] += match part {
                Part::StatedWeeks => flows.stated_weeks,
                Part::WaitMonths => flows.wait_months,
                Part::Admitted => flows.admitted,
                _ => unreachable!("stocks are recorded by state"),
            };
        }
    }

    /// The national value of observation `k` from the regions' `parts`.
    fn value(&self, k: usize, parts: &[f64], params: &ParameterDraw, epi: &Epidemiology) -> f64 {
        let national = |slot: usize| (0..REGIONS).map(|r| parts[r * self.width + slot]).sum();
        match self.values[k] {
            Value::Sum(slot) => national(slot),
            Value::Stated(slot) => national(slot) / 12.0,
            Value::MeanWait { waited, admitted } => {
                let (waited, admitted): (f64, f64) = (national(waited), national(admitted));
                if admitted > 0.0 {
                    waited / admitted * WEEKS_PER_MONTH * params.mean_wait_definition_factor
                } else {
                    0.0
                }
            }
            Value::Epi(Metric::PeopleWithDementia, j) => epi.people_with_dementia[j],
            Value::Epi(_, j) => epi.at_home[j],
            Value::None => f64::NAN,
        }
    }

    /// The national value of every observation from the regions' `parts` (the whole history).
    pub fn observe(
        &self,
        parts: &[f64],
        params: &ParameterDraw,
        epi: &Epidemiology,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        out.extend((0..self.values.len()).map(|k| self.value(k, parts, params, epi)));
    }

    /// An upper bound of the log-likelihood of a history that has run `months` months: the
    /// terms of the observations within them, and each later one's peak (a perfect fit), plus
    /// a margin for the rounding of the sums' order. The calibration rejects a proposal whose
    /// bound already falls short: the likelihood can only be lower.
    pub fn log_likelihood_bound(
        &self,
        observations: &[Observation],
        months: usize,
        parts: &[f64],
        params: &ParameterDraw,
        epi: &Epidemiology,
    ) -> f64 {
        let bound: f64 = observations
            .iter()
            .enumerate()
            .map(|(k, o)| {
                if self.needed[k] <= months {
                    log_density(o, self.value(k, parts, params, epi))
                } else {
                    -o.sd_log.ln()
                }
            })
            .sum();
        bound + 1e-9 * (1.0 + bound.abs())
    }

    /// Whether an observation first comes within reach after `months` months.
    pub fn completes_at(&self, months: usize) -> bool {
        self.needed.contains(&months)
    }
}
