//! The twelve regional queues of one iteration month by month (docs/MODEL.md §3): each region's
//! month (`region.rs`) from the inputs of `projection.rs`, summed into the national trajectory.

use crate::model::parts::ObservationPlan;
use crate::model::projection::{
    FlowUniforms, ProjectionInput, Trajectory, MONTH_UNIFORMS, REGIONS,
};
pub use crate::model::region::FixedDraws;
use crate::model::region::{national, ratio, start_regions, Constants, MonthFlows, MonthInputs};

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
            &mut self.lost_death,
            &mut self.lost_institution,
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

/// Run the queue model for `months` months into `t`, reusing its buffers and `fixed`'s rows.
pub fn project_into(
    input: &ProjectionInput,
    months: usize,
    uniforms: &mut impl FlowUniforms,
    fixed: &mut FixedDraws,
    t: &mut Trajectory,
) {
    t.clear();
    let mut k = Constants::new(input);
    let mut regions = start_regions(input, &mut k);
    fixed.reset(&k);
    let (c0, w0, s0) = national(&regions, -1, k.norm_months);
    t.clients_in_care.push(c0 as f64);
    t.waiting_list.push(w0 as f64);
    t.fte_available.push(regions.iter().map(|r| r.fte).sum());
    t.fte_needed.push((c0 + w0) as f64 / input.caseload);
    t.share_waiting_over_norm.push(s0);
    t.caseload_stretch.push(0.0);
    t.case_managers
        .push(regions.iter().map(|r| r.workforce.headcount).sum());

    let mut growth = 1.0;
    // Cost index at the middle of month 0: (1 + index)^(0.5/12).
    let mut index = k.index_per_month.sqrt();
    let mut u = [0.0; MONTH_UNIFORMS];
    for m in 0..months {
        growth *= k.growth_per_month;
        let mo = MonthInputs::new(input, &k, m, growth);
        // One uniform per flow and region a month, whatever the state: common random numbers.
        uniforms.next_month(&mut u);
        let mut flows = MonthFlows::default();
        for (r, region) in regions.iter_mut().enumerate() {
            flows += region.step(input, &k, &mo, fixed, |flow| u[flow as usize * REGIONS + r]);
        }
        t.cost_eur
            .push(flows.mean_clients * mo.hours * input.tariff_per_hour * index);
        index *= k.index_per_month;
        record(t, &flows, &mo);
        let (clients, waiting, share) = national(&regions, m as i64, k.norm_months);
        t.clients_in_care.push(clients as f64);
        t.waiting_list.push(waiting as f64);
        t.fte_needed
            .push((clients + waiting) as f64 * mo.weight / input.caseload);
        t.share_waiting_over_norm.push(share);
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
    mut stop: impl FnMut(usize, &[f64]) -> bool,
) -> bool {
    let mut k = Constants::new(input);
    let mut regions = start_regions(input, &mut k);
    fixed.reset(&k);
    let which = only.map_or(0..REGIONS, |r| r..r + 1);
    for r in which.clone() {
        let row = plan.row(parts, r);
        row.fill(0.0);
        let fte = regions[r].fte;
        plan.record_state(0, row, &regions[r], (fte, -1, k.norm_months));
    }
    let mut growth = 1.0;
    let mut u = [0.0; MONTH_UNIFORMS];
    for m in 0..months {
        growth *= k.growth_per_month;
        let mo = MonthInputs::new(input, &k, m, growth);
        uniforms.next_month(&mut u);
        for r in which.clone() {
            let region = &mut regions[r];
            let flows = region.step(input, &k, &mo, fixed, |flow| u[flow as usize * REGIONS + r]);
            let row = plan.row(parts, r);
            plan.record_month(m, row, &flows);
            plan.record_state(m + 1, row, region, (flows.fte, m as i64, k.norm_months));
        }
        if stop(m + 1, parts) {
            return false;
        }
    }
    true
}

/// The month's flows into the trajectory.
fn record(t: &mut Trajectory, f: &MonthFlows, mo: &MonthInputs) {
    t.arrivals.push(f.arrivals);
    t.admissions.push(f.admitted);
    t.exits_death.push(f.deaths);
    t.exits_institution.push(f.institution);
    t.exits_other.push(f.other);
    t.lost_death.push(f.lost_death);
    t.lost_institution.push(f.lost_institution);
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
