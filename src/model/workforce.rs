//! One region's case-manager workforce as stock and flow (docs/MODEL.md §3b): headcount, FTE as
//! headcount × part-time factor, leavers (turnover, retirement), trainees who qualify after their
//! training and lateral hires; business as usual is sized to the calibrated FTE growth.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::samplers::{binomial_inv, binomial_inv_ln, floor, round};
use crate::scenario::{keyed_stream, WorkforcePolicy, MAX_TRAINING_MONTHS};

/// The workforce rates of one iteration (scenario parameters).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkforceRates {
    pub turnover_per_year: f64,
    pub retirement_per_year: f64,
    pub part_time_factor: f64,
    pub training_months: f64,
    pub training_completion: f64,
    pub trained_share_of_inflow: f64,
}

impl Default for WorkforceRates {
    /// The parameters' defaults: nobody leaves, so business as usual is the growth path.
    fn default() -> Self {
        WorkforceRates {
            turnover_per_year: 0.0,
            retirement_per_year: 0.0,
            part_time_factor: 0.75,
            training_months: 12.0,
            training_completion: 0.9,
            trained_share_of_inflow: 0.5,
        }
    }
}

impl WorkforceRates {
    /// Probability that a case manager leaves the role within a month, turnover cut by `cut`.
    pub fn leave_month(&self, cut: f64) -> f64 {
        let hazard = self.turnover_per_year * (1.0 - cut) + self.retirement_per_year;
        -(-hazard / 12.0).exp_m1()
    }
    /// Months from a trainee's start to qualifying, whole months from one to
    /// [`MAX_TRAINING_MONTHS`] (the parameter's range).
    pub fn training(&self) -> usize {
        round(self.training_months).clamp(1.0, MAX_TRAINING_MONTHS as f64) as usize
    }
}

/// Months of trainees the ring keeps: more than the longest training, so that the month loop
/// allocates nothing.
const PIPELINE: usize = MAX_TRAINING_MONTHS + 1;

/// What a projection needs to run the workforce: levers, rates and the key of its streams.
#[derive(Debug, Clone, Copy)]
pub struct WorkforceInput<'a> {
    pub policy: &'a WorkforcePolicy,
    pub rates: WorkforceRates,
    pub seed: u64,
    /// The output iteration whose future the workforce's streams are (paired across scenarios).
    pub iteration: u64,
}

/// A month's workforce flows (people).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkforceFlows {
    pub leavers: f64,
    pub started: f64,
    pub qualified: f64,
    pub hires: f64,
}

/// What the region asks of its workforce this month (from the policy start). All but `wanted`
/// and `allowance` are the same for every region, and are computed once a month
/// (`MonthInputs`): the exponentials, powers and roundings they hold cost some 5% of a run
/// when every region computed them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WorkforceMonth {
    /// Months since the policy start.
    pub(crate) s: usize,
    /// Business-as-usual growth of headcount a month (1 = replace leavers only).
    pub(crate) growth: f64,
    /// `growth` to the power `s`.
    pub(crate) growth_s: f64,
    /// Whole months of training ([`WorkforceRates::training`]) and `growth` to that power.
    pub(crate) training: usize,
    pub(crate) growth_training: f64,
    /// [`WorkforceRates::leave_month`] at this month's cut of turnover and at none.
    pub(crate) leave: f64,
    pub(crate) leave_uncut: f64,
    /// ln(1 − `leave`), for the draws of leavers ([`binomial_inv_ln`]).
    pub(crate) leave_ln: f64,
    /// Extra trainees started this month in this region.
    pub(crate) extra_trainees: f64,
    /// Demand hires wanted this month (people), before the ceiling.
    pub(crate) wanted: f64,
    /// Hiring allowance added this month (people).
    pub(crate) allowance: f64,
}

impl WorkforceMonth {
    /// Month `s` of the policy, without `wanted` and `allowance`: `growth` a month, a share
    /// `turnover_cut` of turnover cut and `extra_trainees` started in a region.
    pub(crate) fn new(
        rates: &WorkforceRates,
        s: usize,
        growth: f64,
        turnover_cut: f64,
        extra_trainees: f64,
    ) -> Self {
        let training = rates.training();
        let leave = rates.leave_month(turnover_cut);
        WorkforceMonth {
            s,
            growth,
            growth_s: growth.powi(s as i32),
            training,
            growth_training: growth.powi(training as i32),
            leave,
            leave_ln: (-leave).ln_1p(),
            leave_uncut: rates.leave_month(0.0),
            extra_trainees,
            wanted: 0.0,
            allowance: 0.0,
        }
    }
}

/// One region's workforce from the policy start: before it headcount is the calibrated path.
#[derive(Debug, Clone)]
pub(crate) struct Workforce {
    region: usize,
    /// Headcount (people) at the end of the last month: whole people from the policy start.
    pub(crate) headcount: f64,
    /// FTE per head relative to the part-time factor, so that the whole people at the policy
    /// start carry the calibrated FTE (within half a person of one).
    pub(crate) adjust: f64,
    /// FTE per head relative to the part-time factor beyond `adjust` under a fixed capacity
    /// policy: the capacity driver as it stood at the policy start.
    pub(crate) frozen: f64,
    /// Headcount at the policy start: the base of business as usual.
    h0: f64,
    planned: WholeSteps,
    trained: WholeSteps,
    extra: WholeSteps,
    /// Unused hiring allowance (at most a year's).
    budget: f64,
    /// From the policy start: boxed, so that a region stays small to start and to copy (a
    /// calibration starts the twelve regions of tens of thousands of histories that never get
    /// there).
    started: Option<Box<Started>>,
}

/// What the stock-and-flow keeps from the policy start.
#[derive(Debug, Clone)]
struct Started {
    /// Extra trainees started in month `s` of the policy at `pipeline[s % PIPELINE]`.
    pipeline: [u64; PIPELINE],
    /// Uniforms for leavers and for qualifying extra trainees.
    streams: [ChaCha8Rng; 2],
}

impl Workforce {
    /// The workforce of `region` whose calibrated path has `headcount` people at the start and
    /// `at_policy_start` at the policy start: counted in people of `adjust` so that the latter is
    /// whole (a drawn leaver is a whole person).
    pub(crate) fn new(region: usize, headcount: f64, at_policy_start: f64) -> Self {
        let adjust = if at_policy_start > 0.5 {
            at_policy_start / at_policy_start.round()
        } else {
            1.0
        };
        Workforce {
            region,
            headcount: headcount / adjust,
            adjust,
            frozen: 1.0,
            h0: headcount / adjust,
            planned: WholeSteps::from(0.0),
            trained: WholeSteps::from(0.0),
            extra: WholeSteps::from(0.0),
            budget: 0.0,
            started: None,
        }
    }

    /// A month of the calibrated history: headcount moves to `headcount` and the flows are the
    /// expected ones that make it so (leavers at the rates, the rest of the change as inflow).
    /// `leave` is `rates.leave_month(0.0)`, the same every month.
    #[inline]
    pub(crate) fn history(
        &mut self,
        headcount: f64,
        rates: &WorkforceRates,
        leave: f64,
    ) -> WorkforceFlows {
        let headcount = headcount / self.adjust;
        let leavers = leave * self.headcount;
        let inflow = (headcount - self.headcount + leavers).max(0.0);
        let leavers = self.headcount + inflow - headcount;
        self.headcount = headcount;
        let qualified = inflow * rates.trained_share_of_inflow;
        WorkforceFlows {
            leavers,
            started: qualified / rates.training_completion.max(1e-9),
            qualified,
            hires: inflow - qualified,
        }
    }

    /// Start the stock-and-flow at the policy start from the path's (whole) headcount, with the
    /// iteration's own streams: one uniform each a month for leavers and for qualifying extra
    /// trainees, and before them one that offsets the rounding of the planned inflow (so whole
    /// people add up to the plan in expectation, not with the same rounding in every iteration).
    pub(crate) fn start(&mut self, input: &WorkforceInput, frozen: f64) {
        self.headcount = round(self.headcount);
        self.h0 = self.headcount;
        self.frozen = frozen;
        let key = |flow: &str| format!("workforce.{flow}.region{}", self.region);
        let mut leavers = keyed_stream(input.seed, &key("leavers"), input.iteration);
        self.planned = WholeSteps::from(leavers.random::<f64>() - 0.5);
        self.started = Some(Box::new(Started {
            pipeline: [0; PIPELINE],
            streams: [
                leavers,
                keyed_stream(input.seed, &key("qualified"), input.iteration),
            ],
        }));
    }

    pub(crate) fn started(&self) -> bool {
        self.started.is_some()
    }

    /// One month from the policy start: leavers drawn, business-as-usual inflow as planned, extra
    /// trainees who qualify drawn, demand hires within the allowance. Headcount changes by
    /// exactly qualified + hires − leavers.
    pub(crate) fn month(&mut self, rates: &WorkforceRates, w: &WorkforceMonth) -> WorkforceFlows {
        let Some(started) = self.started.as_deref_mut() else {
            unreachable!("the stock-and-flow runs from its start");
        };
        let [u_leave, u_qualify] = started.streams.each_mut().map(|s| s.random::<f64>());
        let at_work = round(self.headcount).max(0.0) as u64;
        let leavers = binomial_inv_ln(at_work, w.leave, w.leave_ln, u_leave);
        // Business as usual replaces the leavers expected at the uncut rates and grows headcount
        // by `growth` a month: E[headcount] = h0 growth^(s+1) without levers.
        let planned = (self.h0 * w.growth_s * (w.growth - 1.0 + w.leave_uncut)).max(0.0);
        let inflow = self.planned.step(planned);
        let trained = self
            .trained
            .step(planned * rates.trained_share_of_inflow)
            .min(inflow);
        let started_extra = self.extra.step(w.extra_trainees);
        started.pipeline[w.s % PIPELINE] = started_extra;
        let qualifying =
            w.s.checked_sub(w.training)
                .map_or(0, |s| started.pipeline[s % PIPELINE]);
        let qualified_extra = binomial_inv(qualifying, rates.training_completion, u_qualify);
        self.budget = (self.budget + w.allowance).min(12.0 * w.allowance);
        let demand_hires = floor(w.wanted.max(0.0).min(self.budget));
        self.budget -= demand_hires;
        let hires = (inflow - trained) as f64 + demand_hires;
        let qualified = (trained + qualified_extra) as f64;
        self.headcount += qualified + hires - leavers as f64;
        // Business-as-usual trainees start `training` months before they qualify.
        let bau_started = planned * w.growth_training * rates.trained_share_of_inflow
            / rates.training_completion.max(1e-9);
        WorkforceFlows {
            leavers: leavers as f64,
            started: bau_started + started_extra as f64,
            qualified,
            hires,
        }
    }
}

/// Whole people of a flow planned month by month: cumulative rounding of the running total, so
/// the whole flows add up to the planned total to within one person. The rounding of the total
/// so far is kept, not made again each month.
#[derive(Debug, Clone, Copy)]
struct WholeSteps {
    total: f64,
    rounded: f64,
}

impl From<f64> for WholeSteps {
    /// Start the running total at `total` (an offset of the rounding).
    fn from(total: f64) -> Self {
        WholeSteps {
            total,
            rounded: round(total),
        }
    }
}

impl WholeSteps {
    /// Whole people this month of `amount` planned.
    fn step(&mut self, amount: f64) -> u64 {
        self.total += amount;
        let before = std::mem::replace(&mut self.rounded, round(self.total));
        (self.rounded - before).max(0.0) as u64
    }
}

impl std::ops::AddAssign for WorkforceFlows {
    fn add_assign(&mut self, o: Self) {
        self.leavers += o.leavers;
        self.started += o.started;
        self.qualified += o.qualified;
        self.hires += o.hires;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_steps_add_up_to_the_planned_total() {
        let mut steps = WholeSteps::from(0.0);
        let total: u64 = (0..120).map(|_| steps.step(0.37)).sum();
        assert_eq!(total, (120.0_f64 * 0.37).round() as u64);
    }

    /// Keeping the rounding of the total gives, bit for bit, what rounding it again each month
    /// gave.
    #[test]
    fn kept_rounding_gives_the_steps_of_rounding_again() {
        let mut x = 0.3f64;
        let mut next = || {
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            x
        };
        for _ in 0..1_000 {
            let start = next() - 0.5;
            let (mut steps, mut cum) = (WholeSteps::from(start), start);
            for _ in 0..300 {
                let amount = next() * 3.0;
                let before = round(cum);
                cum += amount;
                assert_eq!(steps.step(amount), (round(cum) - before).max(0.0) as u64);
            }
        }
    }
}
