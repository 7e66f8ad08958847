//! The monthly queue model of one Monte Carlo iteration (docs/MODEL.md): the country as
//! [`REGIONS`] regional queues whose demand relative to capacity differs, each with Poisson
//! referrals that fall when waits are long, binomial exits, a waiting list kept as cohorts by
//! month of arrival that people leave by death, admission elsewhere or for other reasons, and
//! first-come-first-served admissions up to capacity = FTE × stretched caseload / slot weight.

use rand::RngExt;

pub use crate::model::samplers::{binomial_inv, poisson_inv, EXACT_VARIANCE};
use crate::scenario::{CapacityPolicy, FtePolicyKind, Intensity, Referral};

/// Weeks in a month (365.25 / 12 / 7).
pub const WEEKS_PER_MONTH: f64 = 365.25 / 12.0 / 7.0;

/// The Treeknorm's other half: 80% of people should be seen within four weeks.
pub const ADMISSION_NORM_WEEKS: f64 = 4.0;

/// Epidemiology of one iteration per state index: index 0 is 1 January of the base year,
/// index `m` the end of month `m − 1`.
#[derive(Debug, Clone, PartialEq)]
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
    /// Split exits and losses by reason (death, institution, other). The calibration's
    /// histories skip it: the reasons change no stock, and their uniforms are drawn either way.
    pub by_reason: bool,
    /// First month of the scenario's policies: before it capacity grows by
    /// `fte_growth_per_year`, referral is as observed and the mix is the base year's, whatever
    /// the scenario (one history for all scenarios).
    pub policy_start: usize,
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
    pub lost_death: Vec<f64>,
    pub lost_institution: Vec<f64>,
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
}

/// Share of a cohort with lag `k` (whole months between arrival month and now, arrivals spread
/// uniformly over their month) that has waited longer than `norm_months`.
fn over_norm(k: usize, norm_months: f64) -> f64 {
    (k as f64 + 1.0 - norm_months).clamp(0.0, 1.0)
}

/// Months of arrival kept as separate cohorts; people who have waited longer share one bucket.
pub const COHORT_WINDOW: usize = 36;

/// The waiting list as cohorts by month of arrival in a fixed ring of [`COHORT_WINDOW`] months,
/// plus one bucket for everyone who arrived before the window (count and mean arrival month).
///
/// Exact as long as nobody waits longer than the window: counts, losses, first-come-first-served
/// admissions, the wait of the admitted and the share over a norm below the window. Beyond it,
/// admissions from the old bucket are credited with its mean arrival month (so the total wait
/// of all admitted stays exact, its split over months does not), and the bucket counts as over
/// the norm when its mean wait is.
#[derive(Debug, Clone)]
struct WaitingList {
    /// Count of arrival month `a` in slot `a mod WINDOW`, for `oldest ≤ a ≤ newest`.
    ring: [u64; COHORT_WINDOW],
    oldest: i64,
    newest: i64,
    old_count: u64,
    old_mean_arrival: f64,
    total: u64,
}

impl WaitingList {
    fn new() -> Self {
        WaitingList {
            ring: [0; COHORT_WINDOW],
            oldest: 0,
            newest: -1,
            old_count: 0,
            old_mean_arrival: 0.0,
            total: 0,
        }
    }

    fn slot(month: i64) -> usize {
        month.rem_euclid(COHORT_WINDOW as i64) as usize
    }

    /// Add `count` people who arrived in `month` (not before the newest cohort).
    fn push(&mut self, month: i64, count: u64) {
        debug_assert!(month >= self.newest);
        if self.newest < self.oldest {
            // Empty window: restart it at this month.
            self.oldest = month;
            self.newest = month - 1;
        }
        // Months that drop out of the window join the old bucket.
        while self.oldest <= month - COHORT_WINDOW as i64 && self.oldest <= self.newest {
            let n = std::mem::take(&mut self.ring[Self::slot(self.oldest)]);
            self.merge_old(self.oldest, n);
            self.oldest += 1;
        }
        if self.oldest <= month - COHORT_WINDOW as i64 {
            self.oldest = month - COHORT_WINDOW as i64 + 1;
        }
        while self.newest < month {
            self.newest += 1;
            self.ring[Self::slot(self.newest)] = 0;
        }
        self.ring[Self::slot(month)] += count;
        self.total += count;
    }

    fn merge_old(&mut self, month: i64, n: u64) {
        if n > 0 {
            let c = self.old_count as f64;
            self.old_mean_arrival =
                (self.old_mean_arrival * c + month as f64 * n as f64) / (c + n as f64);
            self.old_count += n;
        }
    }

    /// Remove `lost` people spread over the cohorts in proportion to their size, by cumulative
    /// rounding: cohort i loses ⌊lost·C_i/S⌋ − ⌊lost·C_{i−1}/S⌋ with C the running size, which
    /// sums to `lost` exactly, stays within one of the proportional share and never exceeds
    /// the cohort. People waiting share one hazard whatever their wait.
    fn remove_proportionally(&mut self, lost: u64) {
        let size = self.total as u128;
        if lost == 0 || size == 0 {
            return;
        }
        let lost = lost.min(self.total);
        let share = |running: u128| (lost as u128 * running / size) as u64;
        let mut running = self.old_count as u128;
        let mut taken = share(running);
        self.old_count -= taken;
        for a in self.oldest..=self.newest {
            let slot = &mut self.ring[Self::slot(a)];
            running += *slot as u128;
            let cut = share(running);
            *slot -= cut - taken;
            taken = cut;
        }
        self.total -= lost;
    }

    /// Admit up to `places` people, longest waiting first, in month `m`; returns the number
    /// admitted, the sum of their waits in months and how many of them waited at most
    /// `within_months`. Arrivals and free places are both spread over their month, so a cohort
    /// of lag k ≥ 1 waited k months on average, and people seen in the month they arrived a
    /// third of a month (E[V − U | V > U] for uniform U, V).
    fn admit(&mut self, places: u64, m: i64, within_months: f64) -> Admitted {
        let mut free = places.min(self.total);
        let mut out = Admitted::default();
        if free > 0 && self.old_count > 0 {
            let take = self.old_count.min(free);
            self.old_count -= take;
            free -= take;
            let lag = m as f64 - self.old_mean_arrival;
            out.add(take, lag, within_share(lag, within_months));
        }
        while free > 0 && self.oldest <= self.newest {
            let slot = &mut self.ring[Self::slot(self.oldest)];
            let take = (*slot).min(free);
            *slot -= take;
            free -= take;
            let lag = m - self.oldest;
            out.add(take, lag_wait(lag), within_share(lag as f64, within_months));
            if *slot == 0 {
                self.oldest += 1;
            }
        }
        self.total -= out.count;
        out
    }

    /// Share of the list that has waited longer than `norm_months` at the end of month `now`.
    /// Only cohorts younger than the norm can be under it, so only they are visited.
    fn share_over_norm(&self, now: i64, norm_months: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let mut under = self.old_count as f64
            * (1.0 - over_norm_at(now as f64 - self.old_mean_arrival, norm_months));
        let young = norm_months.ceil().min(COHORT_WINDOW as f64) as i64;
        for a in (now - young + 1).max(self.oldest)..=self.newest {
            let n = self.ring[Self::slot(a)];
            under += n as f64 * (1.0 - over_norm((now - a) as usize, norm_months));
        }
        ((self.total as f64 - under) / self.total as f64).clamp(0.0, 1.0)
    }
}

/// People admitted in one month from one queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Admitted {
    count: u64,
    /// Sum of their waits in months.
    wait_months: f64,
    /// How many waited at most the admission norm (expected value).
    within: f64,
}

impl Admitted {
    fn add(&mut self, n: u64, wait: f64, within: f64) {
        self.count += n;
        self.wait_months += n as f64 * wait;
        self.within += n as f64 * within;
    }
}

/// Share of the people admitted `lag` months after the month they arrived in who waited at most
/// `x` months. With arrival U and admission V uniform over their months the wait is lag + V − U:
/// at lag 0 (given V > U) its distribution function is 1 − (1 − x)², at lag ≥ 1 that of the
/// triangular V − U on [−1, 1] at x − lag.
fn within_share(lag: f64, x: f64) -> f64 {
    if lag <= 0.0 {
        let d = x.clamp(0.0, 1.0);
        1.0 - (1.0 - d) * (1.0 - d)
    } else {
        let d = (x - lag).clamp(-1.0, 1.0);
        if d <= 0.0 {
            (1.0 + d) * (1.0 + d) / 2.0
        } else {
            1.0 - (1.0 - d) * (1.0 - d) / 2.0
        }
    }
}

/// Mean wait in months of people admitted `lag` months after the month they arrived in.
fn lag_wait(lag: i64) -> f64 {
    if lag == 0 {
        1.0 / 3.0
    } else {
        lag as f64
    }
}

/// [`over_norm`] at a fractional lag (the old bucket's mean).
fn over_norm_at(lag: f64, norm_months: f64) -> f64 {
    (lag + 1.0 - norm_months).clamp(0.0, 1.0)
}

/// Uniforms one month takes: one per flow and region.
pub const MONTH_UNIFORMS: usize = FLOWS * REGIONS;

/// Where a projection's uniforms come from: one per flow and region a month, flow by flow in
/// [`Flow`] order (`u[flow * REGIONS + region]`).
pub trait FlowUniforms {
    /// Fill `u` with the uniforms of the next month.
    fn next_month(&mut self, u: &mut [f64; MONTH_UNIFORMS]);
}

/// The random flows of a month, each with its own uniform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Arrivals,
    Exits,
    ExitsDeath,
    ExitsOther,
    Lost,
    LostDeath,
    LeaveList,
}

impl Flow {
    pub const ALL: [Flow; FLOWS] = [
        Flow::Arrivals,
        Flow::Exits,
        Flow::ExitsDeath,
        Flow::ExitsOther,
        Flow::Lost,
        Flow::LostDeath,
        Flow::LeaveList,
    ];

    /// Stable name, the key of the flow's random stream.
    pub fn key(self) -> &'static str {
        match self {
            Flow::Arrivals => "flow.arrivals",
            Flow::Exits => "flow.exits",
            Flow::ExitsDeath => "flow.exits_death",
            Flow::ExitsOther => "flow.exits_other",
            Flow::Lost => "flow.lost",
            Flow::LostDeath => "flow.lost_death",
            Flow::LeaveList => "flow.leave_list",
        }
    }

    /// Key of the flow's stream after the policy start (an iteration's own future).
    pub fn future_key(self) -> &'static str {
        match self {
            Flow::Arrivals => "future.flow.arrivals",
            Flow::Exits => "future.flow.exits",
            Flow::ExitsDeath => "future.flow.exits_death",
            Flow::ExitsOther => "future.flow.exits_other",
            Flow::Lost => "future.flow.lost",
            Flow::LostDeath => "future.flow.lost_death",
            Flow::LeaveList => "future.flow.leave_list",
        }
    }
}

/// Number of random flows per month.
pub const FLOWS: usize = 7;

/// One sequential generator: [`MONTH_UNIFORMS`] uniforms a month (tests and simple uses).
impl FlowUniforms for rand_chacha::ChaCha8Rng {
    fn next_month(&mut self, u: &mut [f64; MONTH_UNIFORMS]) {
        for x in u.iter_mut() {
            *x = self.random::<f64>();
        }
    }
}

/// Linear progress of a ramp in `[0, 1]` at month `m`.
fn ramp(m: usize, start: usize, years: f64) -> f64 {
    if m < start {
        0.0
    } else if years <= 0.0 {
        1.0
    } else {
        (((m - start) as f64 + 1.0) / (years * 12.0)).min(1.0)
    }
}

/// Run the queue model for `months` months.
pub fn project(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
) -> Trajectory {
    let mut t = Trajectory::default();
    project_into(input, months, uniforms, &mut t);
    t
}

impl Trajectory {
    fn clear(&mut self) {
        for v in [
            &mut self.clients_in_care,
            &mut self.waiting_list,
            &mut self.fte_available,
            &mut self.fte_needed,
            &mut self.share_waiting_over_norm,
            &mut self.caseload_stretch,
            &mut self.left_list,
            &mut self.deterred,
            &mut self.arrivals,
            &mut self.admissions,
            &mut self.exits_death,
            &mut self.exits_institution,
            &mut self.exits_other,
            &mut self.lost_death,
            &mut self.lost_institution,
            &mut self.wait_months_admitted,
            &mut self.admitted_within_norm,
            &mut self.stated_wait_weeks,
            &mut self.cost_eur,
            &mut self.slot_weight,
        ] {
            v.clear();
        }
    }
}

/// Split `total` over regions in proportion to `weights` by cumulative rounding (sums exactly).
fn split(total: u64, weights: &[f64; REGIONS]) -> [u64; REGIONS] {
    let sum: f64 = weights.iter().sum();
    let mut out = [0u64; REGIONS];
    if sum.is_nan() || sum <= 0.0 {
        return split(total, &[1.0; REGIONS]);
    }
    let mut running = 0.0;
    let mut given = 0u64;
    for (o, w) in out.iter_mut().zip(weights) {
        running += w;
        let upto = ((total as f64 * running / sum).round() as u64).min(total);
        *o = upto.saturating_sub(given);
        given += *o;
    }
    out[REGIONS - 1] += total - given;
    out
}

/// One regional queue.
#[derive(Debug, Clone)]
struct Region {
    clients: u64,
    queue: WaitingList,
    /// Case-manager FTE (without a temporary boost).
    fte: f64,
    /// FTE at the start, the base of the growth path.
    fte0: f64,
    /// Demand relative to capacity.
    demand: f64,
    arrivals_last: f64,
    /// Relative caseload stretch now: it moves towards what the wait asks for by
    /// 1/[`STRETCH_ADJUST_MONTHS`] a month.
    stretch: f64,
}

/// Months over which caseloads follow the pressure of the wait: case managers take on more
/// clients over months, not all at once. A stretch that followed each month's wait at once
/// would add hundreds of places in one month, empty the list, drop back and leave the next
/// month without admissions: a two-month swing of the whole list.
pub const STRETCH_ADJUST_MONTHS: f64 = 6.0;

impl Region {
    /// The wait in months a person referred now can expect: the time to clear the list ahead
    /// of them at the places that free up in a month (`s` = clients × the monthly exit
    /// probability) while people ahead also leave it at the hazard `theta` a month (death,
    /// admission elsewhere, other reasons): `ln(1 + θ L / s) / θ`, which is Little's law `L / s`
    /// without losses. Capped at ten years. Not on last month's admissions: those swing with the
    /// caseload stretch they drive (a month that admits nobody would read as a ten-year wait and
    /// empty the list), and the places do not.
    fn expected_wait(&self, p_exit: f64, theta: f64) -> f64 {
        if self.queue.total == 0 {
            return 0.0;
        }
        let (ahead, places) = (
            self.queue.total as f64,
            (self.clients as f64 * p_exit).max(1.0),
        );
        let wait = if theta > 1e-12 {
            (theta * ahead / places).ln_1p() / theta
        } else {
            ahead / places
        };
        wait.min(120.0)
    }
}

/// Run the queue model for `months` months into `t`, reusing its buffers.
pub fn project_into(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
    t: &mut Trajectory,
) {
    t.clear();
    let epi = input.epidemiology;
    let rates = input.rates;
    let fb = input.feedback;
    let drivers = input.drivers;
    let mu = rates.total_exit();
    let p_exit = 1.0 - (-mu / 12.0).exp();
    let share_death = if mu > 0.0 {
        rates.hazard_death / mu
    } else {
        0.0
    };
    let other_given_not_death = if rates.hazard_institution + rates.hazard_other > 0.0 {
        rates.hazard_other / (rates.hazard_institution + rates.hazard_other)
    } else {
        0.0
    };
    // People waiting die or move to a nursing home at the rates of people in care.
    let mu_wait = rates.hazard_death + rates.hazard_institution;
    let p_lost = 1.0 - (-mu_wait / 12.0).exp();
    let lost_death_share = if mu_wait > 0.0 {
        rates.hazard_death / mu_wait
    } else {
        0.0
    };
    // The Zorgstandaard arrival rate fills the need in steady state: ρ* H_ref / μ = Need.
    let rho_star = mu * epi.need[0] / epi.at_home_ref[0];
    let norm_months = input.wait_norm_weeks / WEEKS_PER_MONTH;
    let within_months = ADMISSION_NORM_WEEKS / WEEKS_PER_MONTH;
    let intensity = input.intensity;
    let base_weight = intensity.slot_weight(intensity.base_share_intensive);
    let base_hours = intensity.hours_weight(intensity.base_share_intensive);
    let cap = input.capacity;
    let start = input.policy_start;
    let growth_per_month = (1.0 + input.fte_growth_per_year).powf(1.0 / 12.0);
    let index_per_month = (1.0 + input.cost_index_per_year).powf(1.0 / 12.0);
    let per_region = 1.0 / REGIONS as f64;
    let recruit_step = cap.max_recruitment_per_year / 12.0 * per_region;
    let lag = f64::from(cap.lag_months.max(1));

    // Start: every region in its own steady state. Capacity in equal shares, full where demand
    // reaches it and filled to the demand where it does not (those places stand idle, as in
    // networks without a list); the waiting list where demand exceeds capacity (evenly if
    // nowhere). Equal clients everywhere would leave the low-demand regions to lose clients for
    // years: a start-up fall of the national count.
    let served = input.regional_demand.map(|d| d.clamp(0.0, 1.0));
    let served_total: f64 = served.iter().sum();
    let clients0 = split(input.initial.clients, &served);
    let served_mean = if served_total > 0.0 {
        served_total / REGIONS as f64
    } else {
        1.0
    };
    let places0 = input.initial.clients as f64 / REGIONS as f64 / served_mean;
    // `caseload` is clients per FTE nationally (as counted), idle places included: a region at
    // capacity fills more places per FTE, so national FTE stay clients / caseload.
    let places_per_fte = input.caseload / served_mean;
    let excess: [f64; REGIONS] = input.regional_demand.map(|d| (d - 1.0).max(0.0));
    let waiting0 = split(input.initial.waiting, &excess);
    let mut regions: [Region; REGIONS] = std::array::from_fn(|r| {
        let mut queue = WaitingList::new();
        let over = (waiting0[r] as f64 * input.initial.waiting_over_norm_share).round() as u64;
        if over > 0 {
            // Lag 2 months and more: certainly over a norm below two months.
            queue.push(-1 - (norm_months.ceil() as i64).max(2), over);
        }
        if waiting0[r] > over {
            queue.push(-1, waiting0[r] - over);
        }
        // A full region's places are its clients (whole people, not a rounded share).
        let places = if served[r] >= 1.0 {
            clients0[r] as f64
        } else {
            places0
        };
        let fte0 = places / places_per_fte;
        Region {
            clients: clients0[r],
            queue,
            fte: fte0,
            fte0,
            // What each region serves at the start is what the chains measured: referrals
            // scale up by 1/served_mean where some demand meets no free place.
            demand: input.regional_demand[r] / served_mean,
            arrivals_last: 0.0,
            stretch: 0.0,
        }
    });
    let national = |regions: &[Region; REGIONS], now: i64| {
        let (mut clients, mut waiting, mut over) = (0u64, 0u64, 0.0);
        for r in regions {
            clients += r.clients;
            waiting += r.queue.total;
            over += r.queue.share_over_norm(now, norm_months) * r.queue.total as f64;
        }
        let share = if waiting > 0 {
            over / waiting as f64
        } else {
            0.0
        };
        (clients, waiting, share)
    };
    let (c0, w0, s0) = national(&regions, -1);
    let fte0: f64 = regions.iter().map(|r| r.fte).sum();
    t.clients_in_care.push(c0 as f64);
    t.waiting_list.push(w0 as f64);
    t.fte_available.push(fte0);
    t.fte_needed.push((c0 + w0) as f64 / input.caseload);
    t.share_waiting_over_norm.push(s0);
    t.caseload_stretch.push(0.0);

    let mut growth = 1.0;
    // Cost index at the middle of month 0: (1 + index)^(0.5/12).
    let mut index = index_per_month.sqrt();
    let mut u = [0.0; MONTH_UNIFORMS];
    for m in 0..months {
        let policy = m >= start;
        growth *= growth_per_month;
        let mix = if policy {
            let phase = ramp(m, start, intensity.phase_years);
            intensity.base_share_intensive
                + phase * (input.share_intensive - intensity.base_share_intensive)
        } else {
            intensity.base_share_intensive
        };
        let weight = intensity.slot_weight(mix) / base_weight;
        let hours = input.hours_per_client_month * intensity.hours_weight(mix) / base_hours;
        // The drivers move referral as observed, not the Zorgstandaard rate it ramps towards.
        let observed_rho = rates.inflow_rate * Drivers::factor(&drivers.referral, m);
        let rho = if policy {
            observed_rho
                + input.zorgstandaard_fraction
                    * ramp(
                        m,
                        input.referral.ramp_start.max(start),
                        input.referral.ramp_years,
                    )
                    * (rho_star - observed_rho)
        } else {
            observed_rho
        };
        let capacity_factor = Drivers::factor(&drivers.capacity, m);
        let leave_per_year = fb.leave_list_per_year * Drivers::factor(&drivers.leaving, m);
        // Hazard a month at which people ahead in the list leave it (at a wait within the norm).
        let theta = (mu_wait + leave_per_year) / 12.0;
        let boost_start = cap.boost_start.max(start);
        let boosting = policy
            && cap.boost_fte > 0.0
            && m >= boost_start
            && (cap.boost_months == 0 || m < boost_start + cap.boost_months as usize);
        let boost = if boosting {
            cap.boost_fte * per_region
        } else {
            0.0
        };
        let referrals_mid =
            rho * (epi.at_home_ref[m] + epi.at_home_ref[m + 1]) / 2.0 / 12.0 * per_region;
        // One uniform per flow and region a month, whatever the state: common random numbers.
        uniforms.next_month(&mut u);
        let at = |flow: Flow, r: usize| u[flow as usize * REGIONS + r];

        let mut sum = [0.0f64; 12];
        let (mut fte_total, mut stretch_fte, mut stated) = (0.0, 0.0, 0.0);
        for (r, region) in regions.iter_mut().enumerate() {
            let path = region.fte0 * growth * capacity_factor;
            region.fte = if !policy {
                path
            } else {
                match cap.policy {
                    FtePolicyKind::Fixed => region.fte,
                    FtePolicyKind::Growth => path,
                    FtePolicyKind::FollowDemand => {
                        let allowed = norm_months * region.arrivals_last;
                        let target = (region.clients as f64 + region.queue.total as f64 - allowed)
                            .max(0.0)
                            * weight
                            / places_per_fte;
                        let step = ((target - region.fte).max(0.0) / lag).min(recruit_step);
                        (region.fte + step).max(path)
                    }
                }
            };
            let fte = region.fte + boost;
            let wait = region.expected_wait(p_exit, theta);
            stated += wait * WEEKS_PER_MONTH / REGIONS as f64;
            let beyond = ((wait - norm_months) / norm_months).max(0.0);
            let target = fb.caseload_stretch_max * beyond.min(1.0);
            region.stretch += (target - region.stretch) / STRETCH_ADJUST_MONTHS;
            let stretch = region.stretch;
            let slots = (fte * places_per_fte * (1.0 + stretch) / weight)
                .floor()
                .max(0.0) as u64;
            let deterrence = if beyond > 0.0 && fb.referral_elasticity > 0.0 {
                (wait / norm_months).powf(-fb.referral_elasticity)
            } else {
                1.0
            };
            let demand = referrals_mid * region.demand;
            let arrivals = poisson_inv(demand * deterrence, at(Flow::Arrivals, r));

            let clients = region.clients;
            let exits = binomial_inv(clients, p_exit, at(Flow::Exits, r));
            let deaths = binomial_inv(exits, share_death, at(Flow::ExitsDeath, r));
            let other = binomial_inv(
                exits - deaths,
                other_given_not_death,
                at(Flow::ExitsOther, r),
            );
            let institution = exits - deaths - other;

            let queue = &mut region.queue;
            let lost = binomial_inv(queue.total, p_lost, at(Flow::Lost, r));
            let lost_d = if input.by_reason {
                binomial_inv(lost, lost_death_share, at(Flow::LostDeath, r))
            } else {
                0
            };
            let leave_hazard = leave_per_year
                * (1.0 + fb.leave_list_growth_per_month * (wait - norm_months).max(0.0));
            let p_leave = 1.0 - (-leave_hazard / 12.0).exp();
            let left = binomial_inv(queue.total - lost, p_leave, at(Flow::LeaveList, r));
            queue.remove_proportionally(lost + left);
            if arrivals > 0 {
                queue.push(m as i64, arrivals);
            }
            let staying = clients - exits;
            let Admitted {
                count: admitted,
                wait_months,
                within,
            } = queue.admit(slots.saturating_sub(staying), m as i64, within_months);
            region.clients = staying + admitted;
            region.arrivals_last = arrivals as f64;

            for (acc, v) in sum.iter_mut().zip([
                arrivals as f64,
                admitted as f64,
                deaths as f64,
                institution as f64,
                other as f64,
                lost_d as f64,
                (lost - lost_d) as f64,
                left as f64,
                demand * (1.0 - deterrence),
                wait_months,
                within,
                (clients + region.clients) as f64 / 2.0,
            ]) {
                *acc += v;
            }
            fte_total += fte;
            stretch_fte += stretch * fte;
        }
        let [arrivals, admitted, deaths, institution, other, lost_d, lost_i, left, deterred, wait_months, within, mean_clients] =
            sum;
        t.cost_eur
            .push(mean_clients * hours * input.tariff_per_hour * index);
        index *= index_per_month;
        t.arrivals.push(arrivals);
        t.admissions.push(admitted);
        t.exits_death.push(deaths);
        t.exits_institution.push(institution);
        t.exits_other.push(other);
        t.lost_death.push(lost_d);
        t.lost_institution.push(lost_i);
        t.left_list.push(left);
        t.deterred.push(deterred);
        t.wait_months_admitted.push(wait_months);
        t.admitted_within_norm.push(within);
        t.stated_wait_weeks.push(stated);
        t.slot_weight.push(weight);

        let (clients, waiting, share) = national(&regions, m as i64);
        t.clients_in_care.push(clients as f64);
        t.waiting_list.push(waiting as f64);
        t.fte_available.push(fte_total);
        t.fte_needed
            .push((clients + waiting) as f64 * weight / input.caseload);
        t.share_waiting_over_norm.push(share);
        t.caseload_stretch.push(if fte_total > 0.0 {
            stretch_fte / fte_total
        } else {
            0.0
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_norm_share_is_exact_for_uniform_arrivals() {
        let six_weeks = 6.0 / WEEKS_PER_MONTH; // 1.38 months
        assert_eq!(over_norm(0, six_weeks), 0.0);
        assert!((over_norm(1, six_weeks) - (2.0 - six_weeks)).abs() < 1e-12);
        assert_eq!(over_norm(2, six_weeks), 1.0);
    }

    #[test]
    fn losses_are_proportional_and_exact() {
        let mut q = WaitingList::new();
        for (month, n) in [(0, 10), (1, 30), (2, 60)] {
            q.push(month, n);
        }
        q.remove_proportionally(10);
        assert_eq!(q.ring[..3], [9, 27, 54]);
        assert_eq!(q.total, 90);
        q.remove_proportionally(3);
        assert_eq!(q.ring[..3].iter().sum::<u64>(), 87);
        assert_eq!(q.total, 87);
        q.remove_proportionally(87);
        assert_eq!(q.ring[..3], [0, 0, 0]);
        assert_eq!(q.total, 0);
    }

    #[test]
    fn cohorts_beyond_the_window_keep_count_and_mean_wait() {
        let mut q = WaitingList::new();
        let w = COHORT_WINDOW as i64;
        for month in 0..w + 4 {
            q.push(month, 10);
        }
        // Months 0..=3 fell out of the window into the old bucket, mean arrival 1.5.
        assert_eq!(q.old_count, 40);
        assert!((q.old_mean_arrival - 1.5).abs() < 1e-12);
        assert_eq!(q.total, 10 * (w as u64 + 4));
        // First come, first served: the old bucket first, then month 4.
        let a = q.admit(45, w + 3, 1.0);
        let (admitted, wait) = (a.count, a.wait_months);
        assert_eq!(admitted, 45);
        // Everyone waited years: nobody within a month.
        assert_eq!(a.within, 0.0);
        let expected = 40.0 * ((w + 3) as f64 - 1.5) + 5.0 * (w - 1) as f64;
        assert!((wait - expected).abs() < 1e-9, "{wait} vs {expected}");
        assert_eq!(q.old_count, 0);
        assert_eq!(q.ring[WaitingList::slot(4)], 5);
        // With a six-week norm everyone but the two newest cohorts is over it.
        let norm = 6.0 / WEEKS_PER_MONTH;
        let share = q.share_over_norm(w + 3, norm);
        let under = 10.0 + 10.0 * (1.0 - over_norm(1, norm));
        let total = q.total as f64;
        assert!((share - (total - under) / total).abs() < 1e-12);
    }

    /// The share within x months is the distribution function of lag + V − U: checked against
    /// a fine grid over (U, V) uniform.
    #[test]
    fn share_admitted_within_a_norm_matches_uniform_timing() {
        let grid = 400;
        for lag in [0.0, 1.0, 2.0] {
            for x in [0.3, 0.92, 1.5, 2.2] {
                let (mut n, mut within) = (0.0, 0.0);
                for i in 0..grid {
                    for j in 0..grid {
                        let (u, v) = (
                            (i as f64 + 0.5) / grid as f64,
                            (j as f64 + 0.5) / grid as f64,
                        );
                        if lag == 0.0 && v <= u {
                            continue;
                        }
                        n += 1.0;
                        if lag + v - u <= x {
                            within += 1.0;
                        }
                    }
                }
                let exact = within_share(lag, x);
                assert!(
                    (within / n - exact).abs() < 0.01,
                    "lag {lag} x {x}: {} vs {exact}",
                    within / n
                );
            }
        }
    }

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
