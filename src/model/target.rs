//! The inverse question (docs/MODEL.md §3b): per iteration, the extra trainees a year from the
//! policy start that meet a target by a year (the six-week norm nationally, or the FTE the
//! Zorgstandaard's need asks for), by bisection on the iteration's own paired streams.

use rayon::prelude::*;

use crate::model::build::Model;
use crate::model::particle::{Draws, Particle};
use crate::model::projection::{Epidemiology, Trajectory, REGIONS, WEEKS_PER_MONTH};
use crate::model::queues::{self, Checkpoint};
use crate::model::simulate::{with_input, Scratch};
use crate::model::streams::FlowStreams;
use crate::scenario::WorkforcePolicy;

/// Most extra trainees a year the search tries: well above the whole workforce's inflow, so an
/// iteration that needs more does not reach its target by training alone.
pub const MAX_EXTRA_TRAINEES: f64 = 5000.0;

/// Resolution of the search: one trainee a year.
const RESOLUTION: f64 = 1.0;

/// What the workforce must achieve by the end of `by_year`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// The national waiting list over the year is at most what `norm` weeks of referrals fill
    /// (Little's law: the mean wait within the norm).
    Norm { by_year: i32 },
    /// FTE at the end of the year at least the FTE the Zorgstandaard's need asks for.
    Need { by_year: i32 },
}

impl Goal {
    pub fn by_year(self) -> i32 {
        match self {
            Goal::Norm { by_year } | Goal::Need { by_year } => by_year,
        }
    }
}

/// The answer of one iteration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    /// Extra trainees a year from the policy start; None when even [`MAX_EXTRA_TRAINEES`] do
    /// not reach the goal.
    pub extra: Option<f64>,
    /// Trainees started in the first policy year without the extra ones (business as usual,
    /// plus the scenario's own levers).
    pub usual: f64,
}

/// Months projected to reach the end of the goal's year.
fn months_to(model: &Model, goal: Goal) -> usize {
    let years = goal.by_year() - model.scenario.run.base_year + 1;
    (years.max(1) as usize * 12).min(model.scenario.months())
}

/// The national wait in weeks in the last year of `t` by Little's law: the year's mean list
/// (the mean of each month's start and end, as `waiting_list_mean`) over the referrals a week.
pub fn little_wait_weeks(t: &Trajectory) -> f64 {
    let months = t.arrivals.len();
    let first = months.saturating_sub(12);
    let list = (first..months)
        .map(|m| (t.waiting_list[m] + t.waiting_list[m + 1]) / 2.0)
        .sum::<f64>()
        / 12.0;
    let arrivals: f64 = t.arrivals[first..months].iter().sum::<f64>() / 12.0;
    if arrivals > 0.0 {
        list / (arrivals / WEEKS_PER_MONTH)
    } else {
        0.0
    }
}

/// A worker's buffers for the search: the projection's, and the iteration it searches stopped
/// at the policy start. The levers act from the policy start, so the months before it are the
/// same under any of them: they are stepped once per iteration, and every projection of the
/// bisection resumes from the checkpoint (bit for bit the projection from the start).
#[derive(Debug, Default)]
pub struct SearchScratch {
    scratch: Scratch,
    kept: Option<PolicyStart>,
}

/// An iteration's projection stopped at the policy start, and what it was made from: the
/// output iteration, the months projected (the drivers' horizon) and the particle.
#[derive(Debug)]
struct PolicyStart {
    slot: u64,
    months: usize,
    history: [u64; REGIONS],
    z: Vec<f64>,
    checkpoint: Checkpoint<FlowStreams>,
}

impl SearchScratch {
    /// Project `months` months of `particle` (future flows keyed by `slot`) under the workforce
    /// levers `levers`: its draws, epidemiology and trajectory.
    fn project(
        &mut self,
        model: &Model,
        (slot, particle, months): (u64, &Particle, usize),
        levers: &WorkforcePolicy,
    ) -> (Draws, &Epidemiology, &Trajectory) {
        let seed = model.scenario.run.seed;
        let start = model.policy_start;
        let kept = &mut self.kept;
        let (draws, _, ()) = with_input(
            model,
            (slot, particle, months),
            &mut self.scratch,
            levers,
            |input, _, fixed, trajectory| {
                let flows = || FlowStreams::new(seed, &particle.history, slot, start);
                if start == 0 || months <= start {
                    return queues::project_into(input, months, &mut flows(), fixed, trajectory);
                }
                let same = |k: &PolicyStart| {
                    k.slot == slot
                        && k.months == months
                        && k.history == particle.history
                        && k.z == particle.z
                };
                if !kept.as_ref().is_some_and(same) {
                    *kept = Some(PolicyStart {
                        slot,
                        months,
                        history: particle.history,
                        z: particle.z.clone(),
                        checkpoint: queues::checkpoint(input, start, flows(), fixed),
                    });
                }
                let kept = kept.as_ref().expect("kept above");
                queues::resume_into(input, months, &kept.checkpoint, fixed, trajectory)
            },
        );
        (
            draws,
            self.scratch.epidemiology(),
            self.scratch.trajectory(),
        )
    }
}

/// Whether iteration `slot` from `particle` meets `goal` with `extra` trainees a year, and the
/// trainees started in the first policy year.
fn meets(
    model: &Model,
    slot: u64,
    particle: &Particle,
    goal: Goal,
    extra: f64,
    scratch: &mut SearchScratch,
) -> (bool, f64) {
    let months = months_to(model, goal);
    let levers = model.scenario.workforce.with_extra_trainees(extra);
    let (draws, epi, t) = scratch.project(model, (slot, particle, months), &levers);
    let start = model.policy_start.min(months);
    let started = t.trainees_started[start..(start + 12).min(months)]
        .iter()
        .sum::<f64>();
    let met = match goal {
        Goal::Norm { .. } => little_wait_weeks(t) <= model.scenario.wait_norm_weeks,
        Goal::Need { .. } => {
            let need_fte = epi.need[months] * t.slot_weight[months - 1] / draws.parameters.caseload;
            t.fte_available[months] >= need_fte
        }
    };
    (met, started)
}

/// The extra trainees a year iteration `slot` needs: the least that meets the goal, to within
/// one trainee. More trainees only add case managers, so the goal is met above a threshold
/// (the streams are the iteration's own whatever the lever: paired).
pub fn trainees_needed(
    model: &Model,
    slot: u64,
    particle: &Particle,
    goal: Goal,
    scratch: &mut SearchScratch,
) -> Answer {
    let (met, usual) = meets(model, slot, particle, goal, 0.0, scratch);
    let answer = |extra| Answer { extra, usual };
    if met {
        return answer(Some(0.0));
    }
    // Whole trainees: the answer is a number the search has seen meet the goal, so the same
    // number fed back as the scenario's lever meets it in this iteration.
    let (mut lo, mut hi) = (0.0_f64, MAX_EXTRA_TRAINEES);
    if !meets(model, slot, particle, goal, hi, scratch).0 {
        return answer(None);
    }
    while hi - lo > RESOLUTION {
        let mid = ((lo + hi) / 2.0).floor();
        if meets(model, slot, particle, goal, mid, scratch).0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    answer(Some(hi))
}

/// The answers of the iterations `slots` of `particles` (each on its own paired streams), in
/// that order whatever the thread count.
pub fn search(model: &Model, particles: &[Particle], slots: &[usize], goal: Goal) -> Vec<Answer> {
    slots
        .par_iter()
        .map_init(SearchScratch::default, |scratch, &i| {
            trainees_needed(model, i as u64, &particles[i], goal, scratch)
        })
        .collect()
}
