//! The twelve regional queues of one iteration month by month (docs/MODEL.md §3): each region's
//! month (`region.rs`) from the inputs of `projection.rs`, summed into the national trajectory.

use crate::model::parts::ObservationPlan;
use crate::model::projection::{
    FlowUniforms, NationalFlow, ProjectionInput, Trajectory, FLOWS, MONTH_UNIFORMS, REGIONS,
};
pub use crate::model::region::FixedDraws;
use crate::model::region::{
    national, ratio, start_regions, Constants, MonthFlows, MonthInputs, Region,
};

/// Run the queue model for `months` months.
pub fn project(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
) -> Trajectory {
    let mut t = Trajectory::default();
    let fixed = &mut FixedDraws::default();
    project_into(input, months, uniforms, fixed, &mut t);
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
            &mut self.lost,
            &mut self.wait_months_admitted,
            &mut self.admitted_within_norm,
            &mut self.stated_wait_weeks,
            &mut self.cost_eur,
            &mut self.slot_weight,
            &mut self.case_managers,
            &mut self.leavers,
            &mut self.trainees_started,
            &mut self.trainees_qualified,
            &mut self.hires,
        ] {
            v.clear();
        }
    }
}

/// What a projection keeps of its months. The month loop ([`run_months`]) is one for the
/// national trajectory and for the calibration's regional parts, so the two cannot drift apart.
trait Keep {
    /// The regions at the start, before month 0.
    fn start(&mut self, regions: &[Region; REGIONS], k: &Constants);
    /// Region `r`'s month `m`, just stepped.
    fn region(&mut self, m: usize, r: usize, region: &Region, flows: MonthFlows, k: &Constants);
    /// Month `m` done for every region stepped, with the month's uniforms and the memoised
    /// draws for what is drawn nationally; `true` stops the projection.
    fn month(
        &mut self,
        month: (usize, &MonthInputs),
        regions: &[Region; REGIONS],
        k: &Constants,
        u: &[f64; MONTH_UNIFORMS],
        fixed: &mut FixedDraws,
    ) -> bool;
}

/// A projection between two months: the regions, the constants and the growth path.
#[derive(Debug, Clone)]
struct Months {
    k: Constants,
    regions: [Region; REGIONS],
    growth: f64,
    /// The next month to step.
    m: usize,
}

impl Months {
    /// The regions at their start, handed to `keep`, with `fixed` set to this projection.
    fn start(input: &ProjectionInput, fixed: &mut FixedDraws, keep: &mut impl Keep) -> Self {
        let mut k = Constants::new(input);
        let regions = start_regions(input, &mut k);
        fixed.reset(&k);
        keep.start(&regions, &k);
        Months {
            k,
            regions,
            growth: 1.0,
            m: 0,
        }
    }

    /// Step the regions `which` up to month `until`, handing each to `keep`; returns whether the
    /// projection got there.
    fn step_until(
        &mut self,
        input: &ProjectionInput,
        until: usize,
        uniforms: &mut impl FlowUniforms,
        fixed: &mut FixedDraws,
        which: std::ops::Range<usize>,
        keep: &mut impl Keep,
    ) -> bool {
        let Months {
            k,
            regions,
            growth,
            m: next,
        } = self;
        let mut u = [0.0; MONTH_UNIFORMS];
        while *next < until {
            let m = *next;
            *next += 1;
            *growth *= k.growth_per_month;
            let mo = MonthInputs::new(input, k, m, *growth);
            // One uniform per flow and region a month, whatever the state: common random numbers.
            uniforms.next_month(&mut u);
            for r in which.clone() {
                let region = &mut regions[r];
                let flows =
                    region.step(input, k, &mo, fixed, |flow| u[flow as usize * REGIONS + r]);
                keep.region(m, r, region, flows, k);
            }
            if keep.month((m, &mo), regions, k, &u, fixed) {
                return false;
            }
        }
        true
    }
}

/// Step the regions `which` from their start for `months` months, handing each to `keep`;
/// returns whether the projection ran to its end.
fn run_months(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
    fixed: &mut FixedDraws,
    which: std::ops::Range<usize>,
    keep: &mut impl Keep,
) -> bool {
    Months::start(input, fixed, keep).step_until(input, months, uniforms, fixed, which, keep)
}

/// Run the queue model for `months` months into `t`, reusing its buffers and `fixed`'s rows.
pub fn project_into(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
    fixed: &mut FixedDraws,
    t: &mut Trajectory,
) {
    t.clear();
    let keep = &mut National::new(input, t);
    run_months(input, months, uniforms, fixed, 0..REGIONS, keep);
}

/// A national projection stopped at the start of a month, its uniforms where they were. Two
/// projections whose inputs differ only from that month on (the `target` search's workforce
/// levers, which act from the policy start) step the same months before it: the second resumes
/// from here ([`resume_into`]) instead of stepping them again.
#[derive(Debug, Clone)]
pub struct Checkpoint<U> {
    months: Months,
    uniforms: U,
    /// The national trajectory up to the month, and the cost index at its middle.
    trajectory: Trajectory,
    index: f64,
}

impl<U> Checkpoint<U> {
    /// The month the projection resumes at.
    pub fn month(&self) -> usize {
        self.months.m
    }
}

/// Project the first `month` months of `input` (as [`project_into`]) and stop there.
pub fn checkpoint<U: FlowUniforms>(
    input: &ProjectionInput,
    month: usize,
    mut uniforms: U,
    fixed: &mut FixedDraws,
) -> Checkpoint<U> {
    let mut trajectory = Trajectory::default();
    let keep = &mut National::new(input, &mut trajectory);
    let mut months = Months::start(input, fixed, keep);
    months.step_until(input, month, &mut uniforms, fixed, 0..REGIONS, keep);
    let index = keep.index;
    Checkpoint {
        months,
        uniforms,
        trajectory,
        index,
    }
}

/// [`project_into`] for `months` months from a checkpoint of a projection whose input was the
/// same as `input` before the checkpoint's month: bit for bit the projection from the start.
pub fn resume_into<U: FlowUniforms + Clone>(
    input: &ProjectionInput,
    months: usize,
    from: &Checkpoint<U>,
    fixed: &mut FixedDraws,
    t: &mut Trajectory,
) {
    t.clone_from(&from.trajectory);
    let mut run = from.months.clone();
    let mut uniforms = from.uniforms.clone();
    fixed.reset(&run.k);
    let keep = &mut National::new(input, t);
    keep.index = from.index;
    run.step_until(input, months, &mut uniforms, fixed, 0..REGIONS, keep);
}

/// The national trajectory: the regions' flows summed month by month.
struct National<'a> {
    input: &'a ProjectionInput<'a>,
    t: &'a mut Trajectory,
    /// The month's flows so far.
    flows: MonthFlows,
    /// Cost index at the middle of the month.
    index: f64,
}

impl<'a> National<'a> {
    fn new(input: &'a ProjectionInput<'a>, t: &'a mut Trajectory) -> Self {
        National {
            input,
            t,
            flows: MonthFlows::default(),
            index: 0.0,
        }
    }
}

impl Keep for National<'_> {
    fn start(&mut self, regions: &[Region; REGIONS], k: &Constants) {
        let t = &mut *self.t;
        let (c0, w0, s0) = national(regions, -1, k.norm_months);
        t.clients_in_care.push(c0 as f64);
        t.waiting_list.push(w0 as f64);
        t.fte_available.push(regions.iter().map(|r| r.fte).sum());
        t.fte_needed.push((c0 + w0) as f64 / self.input.caseload);
        t.share_waiting_over_norm.push(s0);
        t.caseload_stretch.push(0.0);
        t.case_managers
            .push(regions.iter().map(|r| r.workforce.headcount).sum());
        // Cost index at the middle of month 0: (1 + index)^(0.5/12).
        self.index = k.index_per_month.sqrt();
    }

    fn region(&mut self, _: usize, _: usize, _: &Region, flows: MonthFlows, _: &Constants) {
        self.flows += flows;
    }

    fn month(
        &mut self,
        (m, mo): (usize, &MonthInputs),
        regions: &[Region; REGIONS],
        k: &Constants,
        u: &[f64; MONTH_UNIFORMS],
        fixed: &mut FixedDraws,
    ) -> bool {
        let (t, input) = (&mut *self.t, self.input);
        let flows = std::mem::take(&mut self.flows);
        t.cost_eur
            .push(flows.mean_clients * mo.hours * input.tariff_per_hour * self.index);
        self.index *= k.index_per_month;
        // The regions' exits are whole people, so their sum in f64 is exact.
        let exits = flows.exits as u64;
        let uniform = |f: NationalFlow| u[FLOWS * REGIONS + f as usize];
        let uniforms = (
            uniform(NationalFlow::ExitsDeath),
            uniform(NationalFlow::ExitsOther),
        );
        let (deaths, other) = fixed.reasons(k, exits, uniforms);
        t.exits_death.push(deaths as f64);
        t.exits_institution.push((exits - deaths - other) as f64);
        t.exits_other.push(other as f64);
        record(t, &flows, mo);
        let (clients, waiting, share) = national(regions, m as i64, k.norm_months);
        t.clients_in_care.push(clients as f64);
        t.waiting_list.push(waiting as f64);
        t.fte_needed
            .push((clients + waiting) as f64 * mo.weight / input.caseload);
        t.share_waiting_over_norm.push(share);
        false
    }
}

/// Run the queue model for `months` months for the calibration: no national trajectory, only
/// each region's parts of the observations (`plan`) into its row of `parts`, for every region
/// or (`only`) for one, whose row is made anew while the others' rows stay as they are (the
/// regions share no state). `stop(m, parts)` after each month (`m` months done) may cut the
/// projection short; returns whether it ran to the end.
pub(crate) fn project_parts(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
    fixed: &mut FixedDraws,
    (plan, only): (&ObservationPlan, Option<usize>),
    parts: &mut [f64],
    stop: impl FnMut(usize, &[f64]) -> bool,
) -> bool {
    let which = only.map_or(0..REGIONS, |r| r..r + 1);
    let keep = &mut Parts {
        plan,
        which: which.clone(),
        parts,
        stop,
    };
    run_months(input, months, uniforms, fixed, which, keep)
}

/// The calibration's parts of the observations, region by region.
struct Parts<'a, S> {
    plan: &'a ObservationPlan,
    which: std::ops::Range<usize>,
    parts: &'a mut [f64],
    stop: S,
}

impl<S: FnMut(usize, &[f64]) -> bool> Keep for Parts<'_, S> {
    fn start(&mut self, regions: &[Region; REGIONS], k: &Constants) {
        for r in self.which.clone() {
            let row = self.plan.row(self.parts, r);
            row.fill(0.0);
            let fte = regions[r].fte;
            self.plan
                .record_state(0, row, &regions[r], (fte, -1, k.norm_months));
        }
    }

    fn region(&mut self, m: usize, r: usize, region: &Region, flows: MonthFlows, k: &Constants) {
        let row = self.plan.row(self.parts, r);
        self.plan.record_month(m, row, &flows);
        self.plan
            .record_state(m + 1, row, region, (flows.fte, m as i64, k.norm_months));
    }

    fn month(
        &mut self,
        (m, _): (usize, &MonthInputs),
        _: &[Region; REGIONS],
        _: &Constants,
        _: &[f64; MONTH_UNIFORMS],
        _: &mut FixedDraws,
    ) -> bool {
        (self.stop)(m + 1, self.parts)
    }
}

/// The month's flows into the trajectory.
fn record(t: &mut Trajectory, f: &MonthFlows, mo: &MonthInputs) {
    t.arrivals.push(f.arrivals);
    t.admissions.push(f.admitted);
    t.lost.push(f.lost);
    t.left_list.push(f.left);
    t.deterred.push(f.deterred);
    t.wait_months_admitted.push(f.wait_months);
    t.admitted_within_norm.push(f.within);
    t.stated_wait_weeks.push(f.stated_weeks);
    t.slot_weight.push(mo.weight);
    t.fte_available.push(f.fte);
    t.caseload_stretch.push(ratio(f.stretch_fte, f.fte));
    t.case_managers.push(f.headcount);
    t.leavers.push(f.staff.leavers);
    t.trainees_started.push(f.staff.started);
    t.trainees_qualified.push(f.staff.qualified);
    t.hires.push(f.staff.hires);
}
