//! The monthly queue model of one Monte Carlo iteration (docs/MODEL.md): the country as
//! [`REGIONS`] regional queues whose demand relative to capacity differs, each with Poisson
//! referrals that fall when waits are long, binomial exits, a waiting list kept as cohorts by
//! month of arrival that people leave by death, admission elsewhere or for other reasons, and
//! first-come-first-served admissions up to capacity = FTE × stretched caseload / slot weight,
//! as places free up within the month (the month's clock, `model::clock`). One region's month
//! is in `model::region`, its waiting list in `model::queue`.

use rand::RngExt;

use crate::model::workforce::WorkforceInput;
use crate::scenario::{CapacityPolicy, Intensity, Referral};

/// Weeks in a month (365.25 / 12 / 7).
pub const WEEKS_PER_MONTH: f64 = 365.25 / 12.0 / 7.0;

/// The Treeknorm's other half: 80% of people should be seen within four weeks.
pub const ADMISSION_NORM_WEEKS: f64 = 4.0;

/// Epidemiology of one iteration per state index: index 0 is 1 January of the base year,
/// index `m` the end of month `m − 1`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Epidemiology {
    pub people_with_dementia: Vec<f64>,
    pub at_home: Vec<f64>,
    /// People at home on the scale the chain rates were measured on (central prevalence and
    /// share at home): arrivals and the extrapolated stock are this times a chain rate.
    pub at_home_ref: Vec<f64>,
    pub need: Vec<f64>,
}

/// Flow rates per year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Arrivals per person at home (reference scale) per year.
    pub inflow_rate: f64,
    pub hazard_death: f64,
    pub hazard_institution: f64,
    pub hazard_other: f64,
}

impl Rates {
    pub fn total_exit(&self) -> f64 {
        self.hazard_death + self.hazard_institution + self.hazard_other
    }
}

/// The state at 1 January of the base year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitialState {
    pub clients: u64,
    pub waiting: u64,
    /// Share of the initial waiting list that has waited longer than the norm.
    pub waiting_over_norm_share: f64,
}

/// Regional queues: equal shares of the people at home, each with its own waiting list and
/// case managers. Twelve, about the size of the provinces: enough for waits to differ the way the
/// networks' do (no list in some, months in others), few enough to keep a month cheap.
pub const REGIONS: usize = 12;

/// How the queue reacts to waiting (each a scenario parameter; all zero is a queue that does not
/// react).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Feedback {
    /// Hazard per year of leaving the list for other reasons at a wait up to the norm.
    pub leave_list_per_year: f64,
    /// Relative growth of that hazard per month of expected wait beyond the norm.
    pub leave_list_growth_per_month: f64,
    /// Referrals scale with (expected wait / norm)^(−elasticity) beyond the norm.
    pub referral_elasticity: f64,
    /// Largest relative stretch of the caseload, reached at twice the norm wait.
    pub caseload_stretch_max: f64,
}

/// The time-varying drivers of one iteration (docs/MODEL.md §3): the log of a multiplier at
/// each 1 January from the base year on (knot 0, the base year, is 0) of the referral intensity,
/// of capacity (FTE on their path) and of the hazard of leaving the list. Between knots the log
/// is linear, read at the middle of each month. Empty knots mean a constant driver.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drivers {
    pub referral: Vec<f64>,
    pub capacity: Vec<f64>,
    pub leaving: Vec<f64>,
}

impl Drivers {
    /// Multiplier of a driver with `knots` during month `m` (0 = January of the base year).
    pub fn factor(knots: &[f64], m: usize) -> f64 {
        let Some(last) = knots.len().checked_sub(1) else {
            return 1.0;
        };
        let y = m / 12;
        let f = ((m % 12) as f64 + 0.5) / 12.0;
        let (a, b) = (knots[y.min(last)], knots[(y + 1).min(last)]);
        (a + f * (b - a)).exp()
    }
}

/// Everything one projection needs besides the random stream.
#[derive(Debug, Clone)]
pub struct ProjectionInput<'a> {
    pub epidemiology: &'a Epidemiology,
    pub rates: Rates,
    pub initial: InitialState,
    pub caseload: f64,
    pub hours_per_client_month: f64,
    pub tariff_per_hour: f64,
    pub cost_index_per_year: f64,
    pub fte_growth_per_year: f64,
    pub zorgstandaard_fraction: f64,
    pub share_intensive: f64,
    pub capacity: &'a CapacityPolicy,
    pub referral: &'a Referral,
    pub intensity: &'a Intensity,
    pub wait_norm_weeks: f64,
    pub feedback: Feedback,
    /// Demand relative to capacity per region (mean 1).
    pub regional_demand: [f64; REGIONS],
    /// Referral, capacity and leaving over time.
    pub drivers: &'a Drivers,
    /// Split the month's exits by reason (death, institution, other). The calibration's
    /// histories skip it: the reasons change no stock, and their uniforms are drawn either way.
    pub by_reason: bool,
    /// First month of the scenario's policies: before it capacity grows by
    /// `fte_growth_per_year`, referral is as observed and the mix is the base year's, whatever
    /// the scenario (one history for all scenarios).
    pub policy_start: usize,
    /// The case-manager workforce from the policy start: levers, rates and streams.
    pub workforce: WorkforceInput<'a>,
}

/// Monthly results. Stocks have `months + 1` entries (index 0 = start), flows `months`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trajectory {
    pub clients_in_care: Vec<f64>,
    pub waiting_list: Vec<f64>,
    pub fte_available: Vec<f64>,
    pub fte_needed: Vec<f64>,
    /// Share of the waiting list that has waited longer than the norm.
    pub share_waiting_over_norm: Vec<f64>,
    /// Mean relative caseload stretch, weighted by FTE.
    pub caseload_stretch: Vec<f64>,
    pub arrivals: Vec<f64>,
    pub admissions: Vec<f64>,
    pub exits_death: Vec<f64>,
    pub exits_institution: Vec<f64>,
    pub exits_other: Vec<f64>,
    /// People waiting who died or moved to a nursing home in the month.
    pub lost: Vec<f64>,
    /// People who left the waiting list for other reasons (other care, moving, giving up).
    pub left_list: Vec<f64>,
    /// Expected referrals that did not happen because waits were long.
    pub deterred: Vec<f64>,
    /// Sum over people admitted in the month of their wait in months.
    pub wait_months_admitted: Vec<f64>,
    /// People admitted in the month who waited at most [`ADMISSION_NORM_WEEKS`] (expected).
    pub admitted_within_norm: Vec<f64>,
    /// The wait in weeks a region states for a new referral at the start of the month (its
    /// expected wait: the list ahead cleared at the places that free up, people ahead leaving
    /// too), averaged over the regions unweighted: what providers' monthly waiting-time returns
    /// report.
    pub stated_wait_weeks: Vec<f64>,
    pub cost_eur: Vec<f64>,
    /// Mean slot weight of a client relative to the base-year mix.
    pub slot_weight: Vec<f64>,
    /// Case managers (headcount) at each state index.
    pub case_managers: Vec<f64>,
    /// Case managers who left the role or retired in the month.
    pub leavers: Vec<f64>,
    /// Trainees who started the case-management training in the month.
    pub trainees_started: Vec<f64>,
    /// Trainees who qualified and started as case managers in the month.
    pub trainees_qualified: Vec<f64>,
    /// Lateral hires (district nurses) in the month.
    pub hires: Vec<f64>,
}

/// Uniforms one month takes: one per regional flow and region, then one per national flow.
pub const MONTH_UNIFORMS: usize = FLOWS * REGIONS + NATIONAL_FLOWS;

/// Where a projection's uniforms come from: one per flow and region a month, flow by flow in
/// [`Flow`] order (`u[flow * REGIONS + region]`), then one per [`NationalFlow`]
/// (`u[FLOWS * REGIONS + flow]`).
pub trait FlowUniforms {
    /// Fill `u` with the uniforms of the next month.
    fn next_month(&mut self, u: &mut [f64; MONTH_UNIFORMS]);
}

/// The random flows of a region's month, each with its own uniform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Arrivals,
    Exits,
    Lost,
    LeaveList,
    /// Exits of people admitted during the month before its end.
    ExitsAdmitted,
}

impl Flow {
    pub const ALL: [Flow; FLOWS] = [
        Flow::Arrivals,
        Flow::Exits,
        Flow::Lost,
        Flow::LeaveList,
        Flow::ExitsAdmitted,
    ];

    /// Stable name, the key of the flow's random stream.
    pub fn key(self) -> &'static str {
        match self {
            Flow::Arrivals => "flow.arrivals",
            Flow::Exits => "flow.exits",
            Flow::Lost => "flow.lost",
            Flow::LeaveList => "flow.leave_list",
            Flow::ExitsAdmitted => "flow.exits_admitted",
        }
    }

    /// Key of the flow's stream after the policy start (an iteration's own future).
    pub fn future_key(self) -> &'static str {
        match self {
            Flow::Arrivals => "future.flow.arrivals",
            Flow::Exits => "future.flow.exits",
            Flow::Lost => "future.flow.lost",
            Flow::LeaveList => "future.flow.leave_list",
            Flow::ExitsAdmitted => "future.flow.exits_admitted",
        }
    }
}

/// Number of random flows per region and month.
pub const FLOWS: usize = 5;

/// The random flows of a month drawn once for the country: the split of the month's exits by
/// reason. The regions' exits share one probability of each reason, and a sum of binomials
/// with one probability is the binomial of the sum, so one national draw has the distribution of
/// twelve regional ones; the reasons change no stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NationalFlow {
    ExitsDeath,
    ExitsOther,
}

impl NationalFlow {
    pub const ALL: [NationalFlow; NATIONAL_FLOWS] =
        [NationalFlow::ExitsDeath, NationalFlow::ExitsOther];

    /// Stable name, the key of the flow's random stream: the output iteration's own, from the
    /// first month (the reasons are not part of the calibrated history).
    pub fn key(self) -> &'static str {
        match self {
            NationalFlow::ExitsDeath => "flow.exits_death",
            NationalFlow::ExitsOther => "flow.exits_other",
        }
    }
}

/// Number of national random flows per month.
pub const NATIONAL_FLOWS: usize = 2;

/// One sequential generator: [`MONTH_UNIFORMS`] uniforms a month (tests and simple uses).
impl FlowUniforms for rand_chacha::ChaCha8Rng {
    fn next_month(&mut self, u: &mut [f64; MONTH_UNIFORMS]) {
        for x in u.iter_mut() {
            *x = self.random::<f64>();
        }
    }
}

/// Linear progress of a ramp in `[0, 1]` at month `m`.
pub(crate) fn ramp(m: usize, start: usize, years: f64) -> f64 {
    if m < start {
        0.0
    } else if years <= 0.0 {
        1.0
    } else {
        (((m - start) as f64 + 1.0) / (years * 12.0)).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_interpolate_their_log_between_knots() {
        assert_eq!(Drivers::factor(&[], 17), 1.0);
        let knots = [0.0, 0.12_f64.ln(), 0.0];
        // Middle of June: halfway from knot 0 to knot 1 in the log.
        let june = Drivers::factor(&knots, 5);
        assert!((june.ln() - 0.12_f64.ln() * 5.5 / 12.0).abs() < 1e-12);
        // Past the last knot the driver stays at it.
        assert!((Drivers::factor(&knots, 40) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ramps_reach_one_after_their_years() {
        assert_eq!(ramp(5, 12, 2.0), 0.0);
        assert!((ramp(12, 12, 2.0) - 1.0 / 24.0).abs() < 1e-12);
        assert_eq!(ramp(35, 12, 2.0), 1.0);
        assert_eq!(ramp(12, 12, 0.0), 1.0);
    }
}
