//! One regional queue's month (docs/MODEL.md §3): capacity and the stated wait, referrals,
//! exits, the month's clock ([`MonthClock`]), losses from the list over the time actually spent
//! on it and admissions as places free up; and the regions' start in their own steady state.

use crate::model::clock::{ClockInput, ExitHazard, MonthClock};
use crate::model::projection::{
    ramp, Drivers, Flow, ProjectionInput, ADMISSION_NORM_WEEKS, REGIONS, WEEKS_PER_MONTH,
};
use crate::model::queue::WaitingList;
use crate::model::samplers::{binomial_inv, floor, poisson_inv, round, BinomialMemo};
use crate::model::workforce::{Workforce, WorkforceFlows, WorkforceMonth};
use crate::scenario::{Ceiling, FtePolicyKind, Hiring, HiringKind};

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
pub(crate) struct Region {
    pub(crate) clients: u64,
    pub(crate) queue: WaitingList,
    /// Case-manager FTE (without a temporary boost): headcount × part-time factor from the
    /// policy start, the calibrated growth path before it.
    pub(crate) fte: f64,
    /// The case managers as stock and flow (`model::workforce`).
    pub(crate) workforce: Workforce,
    /// FTE at the start, the base of the growth path.
    pub(crate) fte0: f64,
    /// Demand relative to capacity.
    pub(crate) demand: f64,
    pub(crate) arrivals_last: f64,
    /// Relative caseload stretch now: it moves towards what the wait asks for by
    /// 1/[`STRETCH_ADJUST_MONTHS`] a month.
    pub(crate) stretch: f64,
}

/// Months over which caseloads follow the pressure of the wait: case managers take on more
/// clients over months, not all at once. A stretch that followed each month's wait at once
/// would add hundreds of places in one month, empty the list, drop back and leave the next
/// month without admissions: a two-month swing of the whole list.
pub const STRETCH_ADJUST_MONTHS: f64 = 6.0;

/// What one projection computes once from its input.
#[derive(Debug, Clone)]
pub(crate) struct Constants {
    /// Hazard of leaving care a month.
    pub(crate) mu_month: ExitHazard,
    /// Probability that a client in care at the start of a month leaves it within the month.
    pub(crate) p_exit: f64,
    /// Places that free up in a month per place-full of clients, refilled places included:
    /// `p_exit` times `1 + q`, with q the chance that someone admitted evenly over the month
    /// leaves again before its end (`μ` a month in continuous time, to third order).
    pub(crate) freeing_per_client: f64,
    /// `1 + q`: the places freed by the clients in care at the start, refills included.
    pub(crate) refill: f64,
    pub(crate) share_death: f64,
    pub(crate) other_given_not_death: f64,
    /// Hazard a month at which people waiting die or move to a nursing home.
    pub(crate) lost_month: f64,
    /// Split the month's exits by reason (`ProjectionInput::by_reason`).
    pub(crate) by_reason: bool,
    /// The Zorgstandaard arrival rate: it fills the need in steady state, ρ* H_ref / μ = Need.
    pub(crate) rho_star: f64,
    pub(crate) norm_months: f64,
    pub(crate) within_months: f64,
    pub(crate) base_weight: f64,
    pub(crate) base_hours: f64,
    pub(crate) growth_per_month: f64,
    pub(crate) index_per_month: f64,
    /// A case manager's probability of leaving the role within a month, turnover uncut.
    pub(crate) leave_uncut: f64,
    /// Places per FTE in a region at capacity (`caseload` over the mean served share).
    pub(crate) places_per_fte: f64,
}

const PER_REGION: f64 = 1.0 / REGIONS as f64;

impl Constants {
    pub(crate) fn new(input: &ProjectionInput) -> Self {
        let rates = input.rates;
        let mu = rates.total_exit();
        let mu_month = mu / 12.0;
        let p_exit = -(-mu_month).exp_m1();
        let q = if mu_month > 1e-9 {
            1.0 - p_exit / mu_month
        } else {
            mu_month / 2.0
        };
        // People waiting die or move to a nursing home at the rates of people in care.
        let mu_wait = rates.hazard_death + rates.hazard_institution;
        let intensity = input.intensity;
        Constants {
            mu_month: ExitHazard::new(mu_month),
            p_exit,
            freeing_per_client: p_exit * (1.0 + q),
            refill: 1.0 + q,
            share_death: ratio(rates.hazard_death, mu),
            other_given_not_death: ratio(
                rates.hazard_other,
                rates.hazard_institution + rates.hazard_other,
            ),
            lost_month: mu_wait / 12.0,
            by_reason: input.by_reason,
            rho_star: mu * input.epidemiology.need[0] / input.epidemiology.at_home_ref[0],
            norm_months: input.wait_norm_weeks / WEEKS_PER_MONTH,
            within_months: ADMISSION_NORM_WEEKS / WEEKS_PER_MONTH,
            base_weight: intensity.slot_weight(intensity.base_share_intensive),
            base_hours: intensity.hours_weight(intensity.base_share_intensive),
            growth_per_month: (1.0 + input.fte_growth_per_year).powf(1.0 / 12.0),
            index_per_month: (1.0 + input.cost_index_per_year).powf(1.0 / 12.0),
            leave_uncut: input.workforce.rates.leave_month(0.0),
            // Set by `start_regions`.
            places_per_fte: 0.0,
        }
    }
}

/// `a / b`, 0 when `b` is not positive.
pub(crate) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

/// Every region in its own steady state at the start (docs/MODEL.md §3). Capacity in equal
/// shares, full where demand reaches it and filled to the demand where it does not (those places
/// stand idle, as in networks without a list); the waiting list where demand exceeds capacity
/// (evenly if nowhere). Equal clients everywhere would leave the low-demand regions to lose
/// clients for years: a start-up fall of the national count.
pub(crate) fn start_regions(input: &ProjectionInput, k: &mut Constants) -> [Region; REGIONS] {
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
    k.places_per_fte = input.caseload / served_mean;
    let excess: [f64; REGIONS] = input.regional_demand.map(|d| (d - 1.0).max(0.0));
    let waiting0 = split(input.initial.waiting, &excess);
    std::array::from_fn(|r| {
        let mut queue = WaitingList::new();
        let over = (waiting0[r] as f64 * input.initial.waiting_over_norm_share).round() as u64;
        if over > 0 {
            // Lag 2 months and more: certainly over a norm below two months.
            queue.push(-1 - (k.norm_months.ceil() as i64).max(2), over);
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
        let fte0 = places / k.places_per_fte;
        let ptf0 = input.workforce.rates.part_time_factor;
        Region {
            clients: clients0[r],
            queue,
            fte: fte0,
            workforce: Workforce::new(
                r,
                fte0 / ptf0,
                fte0 * k.growth_per_month.powi(input.policy_start as i32) / ptf0,
            ),
            fte0,
            // What each region serves at the start is what the chains measured: referrals
            // scale up by 1/served_mean where some demand meets no free place.
            demand: input.regional_demand[r] / served_mean,
            arrivals_last: 0.0,
            stretch: 0.0,
        }
    })
}

/// The binomial draws whose probability is fixed for a projection, memoised by count
/// ([`BinomialMemo`]): the exits and their national split by reason. Kept by a worker from
/// projection to projection so that the month loop allocates nothing once the rows have grown.
#[derive(Debug, Clone, Default)]
pub struct FixedDraws {
    exits: BinomialMemo,
    deaths: BinomialMemo,
    other: BinomialMemo,
}

impl FixedDraws {
    /// Start a projection with these constants.
    pub(crate) fn reset(&mut self, k: &Constants) {
        self.exits.reset(k.p_exit);
        self.deaths.reset(k.share_death);
        self.other.reset(k.other_given_not_death);
    }

    /// The month's national `exits` split by reason at the uniforms `u_death` and `u_other`:
    /// (deaths, other); the rest moved to a nursing home. Without the split (the calibration's
    /// histories) every exit counts as institution.
    pub(crate) fn reasons(
        &mut self,
        k: &Constants,
        exits: u64,
        (u_death, u_other): (f64, f64),
    ) -> (u64, u64) {
        if !k.by_reason {
            return (0, 0);
        }
        let deaths = self.deaths.draw(exits, u_death);
        (deaths, self.other.draw(exits - deaths, u_other))
    }
}

/// What a month is for every region: policies, mix, referral and capacity drivers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MonthInputs {
    pub(crate) m: usize,
    pub(crate) policy: bool,
    /// FTE growth path since the start, times the capacity driver.
    pub(crate) path: f64,
    /// FTE growth path since the start (without the driver).
    pub(crate) growth: f64,
    /// Slot weight of a client relative to the base-year mix.
    pub(crate) weight: f64,
    pub(crate) hours: f64,
    /// Expected referrals per region before the regional demand and deterrence.
    pub(crate) referrals: f64,
    /// Hazard a year of leaving the list for other reasons at a wait within the norm.
    pub(crate) leave_per_year: f64,
    /// Hazard a month at which people ahead in the list leave it (at a wait within the norm).
    pub(crate) theta: f64,
    /// Temporary FTE per region.
    pub(crate) boost: f64,
    /// From the policy start: the progress of the workforce levers' ramp, and the workforce's
    /// month but for what each region wants and may hire.
    pub(crate) staff_phase: f64,
    pub(crate) staff: WorkforceMonth,
}

impl MonthInputs {
    pub(crate) fn new(input: &ProjectionInput, k: &Constants, m: usize, growth: f64) -> Self {
        let start = input.policy_start;
        let policy = m >= start;
        let intensity = input.intensity;
        let mix = if policy {
            let phase = ramp(m, start, intensity.phase_years);
            intensity.base_share_intensive
                + phase * (input.share_intensive - intensity.base_share_intensive)
        } else {
            intensity.base_share_intensive
        };
        let drivers = input.drivers;
        // The drivers move referral as observed, not the Zorgstandaard rate it ramps towards.
        let observed_rho = input.rates.inflow_rate * Drivers::factor(&drivers.referral, m);
        let rho = if policy {
            let ramp_start = input.referral.ramp_start.max(start);
            observed_rho
                + input.zorgstandaard_fraction
                    * ramp(m, ramp_start, input.referral.ramp_years)
                    * (k.rho_star - observed_rho)
        } else {
            observed_rho
        };
        let leave_per_year =
            input.feedback.leave_list_per_year * Drivers::factor(&drivers.leaving, m);
        let cap = input.capacity;
        let boost_start = cap.boost_start.max(start);
        let boosting = policy
            && cap.boost_fte > 0.0
            && m >= boost_start
            && (cap.boost_months == 0 || m < boost_start + cap.boost_months as usize);
        let at_home = &input.epidemiology.at_home_ref;
        let wf = &input.workforce;
        let (staff_phase, staff) = if policy {
            let phase = ramp(m, start, wf.policy.ramp_years);
            let s = m - start;
            let fixed = input.capacity.policy == FtePolicyKind::Fixed;
            let staff = WorkforceMonth::new(
                &wf.rates,
                s,
                if fixed { 1.0 } else { k.growth_per_month },
                phase * wf.policy.turnover_reduction,
                wf.policy.extra_trainees(s / 12) / 12.0 * PER_REGION,
            );
            (phase, staff)
        } else {
            (0.0, WorkforceMonth::default())
        };
        MonthInputs {
            m,
            policy,
            path: growth * Drivers::factor(&drivers.capacity, m),
            growth,
            weight: intensity.slot_weight(mix) / k.base_weight,
            hours: input.hours_per_client_month * intensity.hours_weight(mix) / k.base_hours,
            referrals: rho * (at_home[m] + at_home[m + 1]) / 2.0 / 12.0 * PER_REGION,
            leave_per_year,
            theta: k.lost_month + leave_per_year / 12.0,
            boost: if boosting {
                cap.boost_fte * PER_REGION
            } else {
                0.0
            },
            staff_phase,
            staff,
        }
    }
}

/// The national flows of one month, summed over the regions.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MonthFlows {
    pub(crate) arrivals: f64,
    pub(crate) admitted: f64,
    /// Exits from care, all reasons (split nationally: [`FixedDraws::reasons`]).
    pub(crate) exits: f64,
    /// People waiting who died or moved to a nursing home.
    pub(crate) lost: f64,
    pub(crate) left: f64,
    pub(crate) deterred: f64,
    pub(crate) wait_months: f64,
    pub(crate) within: f64,
    /// Mean of the clients at the start and the end of the month.
    pub(crate) mean_clients: f64,
    pub(crate) fte: f64,
    pub(crate) stretch_fte: f64,
    /// Stated wait in weeks, averaged over the regions.
    pub(crate) stated_weeks: f64,
    /// Case managers at the end of the month and the month's workforce flows.
    pub(crate) headcount: f64,
    pub(crate) staff: WorkforceFlows,
}

impl std::ops::AddAssign for MonthFlows {
    fn add_assign(&mut self, o: Self) {
        self.arrivals += o.arrivals;
        self.admitted += o.admitted;
        self.exits += o.exits;
        self.lost += o.lost;
        self.left += o.left;
        self.deterred += o.deterred;
        self.wait_months += o.wait_months;
        self.within += o.within;
        self.mean_clients += o.mean_clients;
        self.fte += o.fte;
        self.stretch_fte += o.stretch_fte;
        self.stated_weeks += o.stated_weeks;
        self.headcount += o.headcount;
        self.staff += o.staff;
    }
}

/// The probability of a binomial over `n` with expected count `mean`.
fn share_of(mean: f64, n: f64) -> f64 {
    if n > 0.0 {
        (mean / n).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

impl Region {
    /// The wait in months a person referred now can expect: the time to clear the list ahead
    /// of them at the places that free up in a month (`s` = clients × the places freed per
    /// client a month) while people ahead also leave it at the hazard `theta` a month (death,
    /// admission elsewhere, other reasons): `ln(1 + θ L / s) / θ`, which is Little's law `L / s`
    /// without losses. Capped at ten years. Not on last month's admissions: those swing with the
    /// caseload stretch they drive (a month that admits nobody would read as a ten-year wait and
    /// empty the list), and the places do not.
    fn expected_wait(&self, freeing_per_client: f64, theta: f64) -> f64 {
        if self.queue.total == 0 {
            return 0.0;
        }
        let (ahead, places) = (
            self.queue.total as f64,
            (self.clients as f64 * freeing_per_client).max(1.0),
        );
        let wait = if theta > 1e-12 {
            (theta * ahead / places).ln_1p() / theta
        } else {
            ahead / places
        };
        wait.min(120.0)
    }

    /// FTE this month (without a boost) and the month's workforce flows. Before the policy start
    /// FTE follow the calibrated growth path and headcount is that path over the part-time
    /// factor; from it the workforce is stock and flow (docs/MODEL.md §3b): business as usual
    /// grows headcount at the growth rate (`fixed`: replaces leavers only), the levers act on top,
    /// and the capacity driver stays the availability of the FTE around their path.
    #[inline]
    fn capacity(
        &mut self,
        input: &ProjectionInput,
        k: &Constants,
        mo: &MonthInputs,
    ) -> (f64, WorkforceFlows) {
        if mo.policy {
            return self.policy_capacity(input, k, mo);
        }
        // The history's month, inline: it is every month of the calibration's histories.
        let rates = &input.workforce.rates;
        let headcount = self.fte0 * mo.growth / rates.part_time_factor;
        let flows = self.workforce.history(headcount, rates, k.leave_uncut);
        (self.fte0 * mo.path, flows)
    }

    /// [`Region::capacity`] from the policy start.
    #[inline(never)]
    fn policy_capacity(
        &mut self,
        input: &ProjectionInput,
        k: &Constants,
        mo: &MonthInputs,
    ) -> (f64, WorkforceFlows) {
        let wf = &input.workforce;
        let ptf0 = wf.rates.part_time_factor;
        let fixed = input.capacity.policy == FtePolicyKind::Fixed;
        let adjust = self.workforce.adjust;
        if !self.workforce.started() {
            // Fixed keeps the FTE of the month before, the capacity driver of then included.
            let frozen = self.fte / (self.workforce.headcount * adjust * ptf0).max(1e-9);
            self.workforce.start(wf, frozen);
        }
        let policy = wf.policy;
        let phase = mo.staff_phase;
        let driver = if fixed {
            self.workforce.frozen
        } else {
            mo.path / mo.growth
        };
        let per_head = (ptf0 + phase * policy.part_time_change).max(0.01) * adjust * driver;
        let hiring = match (input.capacity.policy, policy.hiring.kind) {
            // The older spelling of demand hiring, with its ceiling in FTE.
            (FtePolicyKind::FollowDemand, HiringKind::Plan) => Hiring {
                kind: HiringKind::FollowDemand,
                ceiling_per_year: Ceiling::Fte(input.capacity.max_recruitment_per_year),
                lag_months: input.capacity.lag_months.max(1),
            },
            _ => policy.hiring,
        };
        let (wanted, allowance) = match hiring.kind {
            HiringKind::Plan => (0.0, 0.0),
            HiringKind::FollowDemand => {
                // Hire towards the FTE that brings the wait to the norm, closing 1/lag of the
                // gap a month, within the region's share of the national ceiling.
                let allowed = k.norm_months * self.arrivals_last;
                let target = (self.clients as f64 + self.queue.total as f64 - allowed).max(0.0)
                    * mo.weight
                    / k.places_per_fte;
                let gap = ((target - self.fte) / per_head).max(0.0);
                let wanted = if gap >= 0.5 {
                    // ⌈x⌉ as −⌊−x⌋, bit for bit, without libm's `ceil`.
                    -floor(-(gap / f64::from(hiring.lag_months)))
                } else {
                    0.0
                };
                let people = match hiring.ceiling_per_year {
                    Ceiling::People(p) => p,
                    Ceiling::Fte(f) => f / (ptf0 * adjust),
                };
                (wanted, people / 12.0 * PER_REGION)
            }
        };
        let month = WorkforceMonth {
            wanted,
            allowance,
            ..mo.staff
        };
        let flows = self.workforce.month(&wf.rates, &month);
        (self.workforce.headcount.max(0.0) * per_head, flows)
    }

    /// One month of this region (docs/MODEL.md §3): capacity and the stated wait, referrals,
    /// exits, the month's clock, losses from the list over the time spent on it, admissions as
    /// places free up. `at` gives the month's uniform of a flow.
    pub(crate) fn step(
        &mut self,
        input: &ProjectionInput,
        k: &Constants,
        mo: &MonthInputs,
        fixed: &mut FixedDraws,
        at: impl Fn(Flow) -> f64,
    ) -> MonthFlows {
        let fb = input.feedback;
        let (fte, staff) = self.capacity(input, k, mo);
        self.fte = fte;
        let fte = self.fte + mo.boost;
        let wait = self.expected_wait(k.freeing_per_client, mo.theta);
        let beyond = ((wait - k.norm_months) / k.norm_months).max(0.0);
        let target = fb.caseload_stretch_max * beyond.min(1.0);
        self.stretch += (target - self.stretch) / STRETCH_ADJUST_MONTHS;
        let slots =
            floor(fte * k.places_per_fte * (1.0 + self.stretch) / mo.weight).max(0.0) as u64;
        let deterrence = if beyond > 0.0 && fb.referral_elasticity > 0.0 {
            (wait / k.norm_months).powf(-fb.referral_elasticity)
        } else {
            1.0
        };
        let demand = mo.referrals * self.demand;
        let arrivals = poisson_inv(demand * deterrence, at(Flow::Arrivals));
        // Exits of the clients in care at the start; they free places evenly over the month.
        let clients = self.clients;
        let exits0 = fixed.exits.draw(clients, at(Flow::Exits));
        let leave_month = mo.leave_per_year
            * (1.0 + fb.leave_list_growth_per_month * (wait - k.norm_months).max(0.0))
            / 12.0;
        let clock = MonthClock::new(&ClockInput {
            free: slots as f64 - clients as f64,
            waiting: self.queue.total as f64,
            arrivals: arrivals as f64,
            freeing: exits0 as f64 * k.refill,
            theta: k.lost_month + leave_month,
        });
        let (lost, left) = self.leave_list(k, &clock, (mo.m, arrivals, leave_month), &at);
        // Places free at the start and freed by the exits of the clients in care at the start;
        // those admitted during the month may leave again before its end, and free a place too.
        let free = slots as i128 - (clients - exits0) as i128;
        let first = (self.queue.total as i128).min(free.max(0)) as u64;
        let p_again = clock.exit_after_admission(&k.mu_month);
        let exits1 = binomial_inv(first, p_again, at(Flow::ExitsAdmitted));
        let places = (free + exits1 as i128).max(0) as u64;
        let admitted = self
            .queue
            .admit(places, mo.m as i64, k.within_months, &clock);
        self.clients = clients - exits0 - exits1 + admitted.count;
        self.arrivals_last = arrivals as f64;
        MonthFlows {
            arrivals: arrivals as f64,
            admitted: admitted.count as f64,
            exits: (exits0 + exits1) as f64,
            lost: lost as f64,
            left: left as f64,
            deterred: demand * (1.0 - deterrence),
            wait_months: admitted.wait_months,
            within: admitted.within,
            mean_clients: (clients + self.clients) as f64 / 2.0,
            fte,
            stretch_fte: self.stretch * fte,
            stated_weeks: wait * WEEKS_PER_MONTH / REGIONS as f64,
            headcount: self.workforce.headcount,
            staff,
        }
    }

    /// People who leave the list in the month, at the hazards over the person-months the clock
    /// says they spent on it: (lost, left for other reasons). The month's arrivals
    /// join the list; the losses are taken from the list at the start and from the arrivals in
    /// proportion to their person-months, and within each in proportion to the cohorts.
    fn leave_list(
        &mut self,
        k: &Constants,
        clock: &MonthClock,
        (m, arrivals, leave_month): (usize, u64, f64),
        at: &impl Fn(Flow) -> f64,
    ) -> (u64, u64) {
        let queue = &mut self.queue;
        let waiting = queue.total;
        let at_risk = waiting + arrivals;
        let exposure = clock.exposure();
        let expected_lost = k.lost_month * exposure;
        let lost = binomial_inv(
            at_risk,
            share_of(expected_lost, at_risk as f64),
            at(Flow::Lost),
        );
        let left = binomial_inv(
            at_risk - lost,
            share_of(leave_month * exposure, at_risk as f64 - expected_lost),
            at(Flow::LeaveList),
        );
        let gone = lost + left;
        let new_share = share_of(clock.exposure_new, exposure);
        let gone_new = (round(gone as f64 * new_share) as u64).min(arrivals);
        let gone_old = (gone - gone_new).min(waiting);
        queue.remove_proportionally(gone_old);
        let joining = arrivals - (gone - gone_old);
        if joining > 0 {
            queue.push(m as i64, joining);
        }
        (lost, left)
    }
}

/// National clients, list and share of the list over the norm at the end of month `now`.
pub(crate) fn national(regions: &[Region; REGIONS], now: i64, norm_months: f64) -> (u64, u64, f64) {
    let (mut clients, mut waiting, mut over) = (0u64, 0u64, 0.0);
    for r in regions {
        clients += r.clients;
        waiting += r.queue.total;
        over += r.queue.share_over_norm(now, norm_months) * r.queue.total as f64;
    }
    (clients, waiting, ratio(over, waiting as f64))
}
