//! The case-manager workforce levers of a scenario (`[workforce]`, docs/MODEL.md §3b): extra
//! trainees a year, lower turnover, a part-time factor change and hiring that follows demand
//! within a labour-market ceiling, each from the policy start.

use std::path::Path;

use serde::Deserialize;

use super::{invalid, FtePolicyKind, ScenarioError};

/// Extra trainees a year as written: one number, or one per year from the policy start.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum TraineesFile {
    One(f64),
    Ramp(Vec<f64>),
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct WorkforceFile {
    extra_trainees_per_year: Option<TraineesFile>,
    turnover_reduction: Option<f64>,
    part_time_change: Option<f64>,
    ramp_years: Option<f64>,
    hiring: Option<HiringKind>,
    hiring_ceiling_per_year: Option<f64>,
    hiring_lag_months: Option<u32>,
}

/// Longest post-HBO training a scenario may state (`parameters.training_months`): the engine
/// keeps the trainees in training in a ring of this many months.
pub const MAX_TRAINING_MONTHS: usize = 60;

/// How regions hire beyond business as usual.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum HiringKind {
    /// Business as usual only: employers replace leavers and grow at `fte_growth_per_year`.
    #[default]
    Plan,
    /// Each region also hires towards the FTE that brings its wait to the norm, within its share
    /// of the national hiring ceiling.
    FollowDemand,
}

/// The unit of a hiring ceiling: people (`[workforce]`) or FTE (the older `[capacity]` keys).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ceiling {
    People(f64),
    Fte(f64),
}

/// Hiring beyond business as usual, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hiring {
    pub kind: HiringKind,
    /// Most hired a year nationally on top of business as usual.
    pub ceiling_per_year: Ceiling,
    /// Months over which a region closes its gap (a third a month at 3).
    pub lag_months: u32,
}

/// The workforce levers, resolved. All zero is business as usual.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkforcePolicy {
    /// Trainees started a year nationally on top of business as usual, by year from the policy
    /// start (the last value holds after the list).
    pub extra_trainees_per_year: Vec<f64>,
    /// Relative cut of turnover (leaving the role; retirement unchanged): 0.5 halves it.
    pub turnover_reduction: f64,
    /// Change of the part-time factor (FTE per head), e.g. +0.05.
    pub part_time_change: f64,
    /// Years over which the turnover cut and the part-time change phase in (0 = at once).
    pub ramp_years: f64,
    pub hiring: Hiring,
}

impl Default for WorkforcePolicy {
    fn default() -> Self {
        WorkforcePolicy {
            extra_trainees_per_year: vec![0.0],
            turnover_reduction: 0.0,
            part_time_change: 0.0,
            ramp_years: 0.0,
            hiring: Hiring {
                kind: HiringKind::Plan,
                ceiling_per_year: Ceiling::People(0.0),
                lag_months: 3,
            },
        }
    }
}

impl WorkforcePolicy {
    /// Extra trainees started a year nationally in policy year `year` (0 = the first).
    pub fn extra_trainees(&self, year: usize) -> f64 {
        let list = &self.extra_trainees_per_year;
        list.get(year.min(list.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    }

    /// The same levers with a constant number of extra trainees a year (the `target` search).
    pub fn with_extra_trainees(&self, per_year: f64) -> Self {
        WorkforcePolicy {
            extra_trainees_per_year: vec![per_year],
            ..self.clone()
        }
    }

    /// Whether any lever moves the workforce away from business as usual.
    pub fn is_business_as_usual(&self) -> bool {
        self.extra_trainees_per_year.iter().all(|&x| x == 0.0)
            && self.turnover_reduction == 0.0
            && self.part_time_change == 0.0
            && self.hiring.kind == HiringKind::Plan
    }
}

/// Resolve `[workforce]` against the `[capacity]` policy: `capacity.policy = "follow_demand"`
/// is the older spelling of demand hiring (its ceiling in FTE); both at once is refused (an
/// inherited `hiring = "plan"` gives way to it).
pub(super) fn resolve(
    file: Option<WorkforceFile>,
    capacity_policy: FtePolicyKind,
    capacity_ceiling_fte: f64,
    capacity_lag: u32,
    path: &Path,
) -> Result<WorkforcePolicy, ScenarioError> {
    let w = file.unwrap_or_default();
    let trainees = match w.extra_trainees_per_year {
        None => vec![0.0],
        Some(TraineesFile::One(x)) => vec![x],
        Some(TraineesFile::Ramp(v)) if v.is_empty() => {
            return Err(invalid(
                path,
                "workforce.extra_trainees_per_year is an empty list; give a number (e.g. 60) or one number per year from the policy start (e.g. [20, 40, 60])",
            ))
        }
        Some(TraineesFile::Ramp(v)) => v,
    };
    if let Some(x) = trainees
        .iter()
        .find(|x| !(x.is_finite() && (0.0..=10_000.0).contains(*x)))
    {
        return Err(invalid(
            path,
            format!("workforce.extra_trainees_per_year = {x} must lie in [0, 10000] trainees a year nationally"),
        ));
    }
    let check = |key: &str, v: f64, lo: f64, hi: f64, what: &str| {
        if v.is_finite() && (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(invalid(
                path,
                format!("workforce.{key} = {v} must lie in [{lo}, {hi}] ({what})"),
            ))
        }
    };
    let turnover_reduction = check(
        "turnover_reduction",
        w.turnover_reduction.unwrap_or(0.0),
        0.0,
        1.0,
        "the share of turnover avoided, e.g. 0.5 halves it",
    )?;
    let part_time_change = check(
        "part_time_change",
        w.part_time_change.unwrap_or(0.0),
        -0.5,
        0.5,
        "the change of FTE per case manager, e.g. 0.05",
    )?;
    let ramp_years = check(
        "ramp_years",
        w.ramp_years.unwrap_or(0.0),
        0.0,
        60.0,
        "years over which the levers phase in",
    )?;
    let hiring = match (w.hiring, capacity_policy) {
        (Some(HiringKind::FollowDemand), FtePolicyKind::FollowDemand) => {
            return Err(invalid(
                path,
                "workforce.hiring and capacity.policy = \"follow_demand\" both set hiring; keep workforce.hiring and set capacity.policy = \"growth\"",
            ))
        }
        (Some(HiringKind::FollowDemand), _) => {
            let ceiling = w.hiring_ceiling_per_year.ok_or_else(|| {
                invalid(
                    path,
                    "workforce.hiring = \"follow_demand\" needs workforce.hiring_ceiling_per_year (people hired a year nationally beyond business as usual, e.g. 150)",
                )
            })?;
            Hiring {
                kind: HiringKind::FollowDemand,
                ceiling_per_year: Ceiling::People(check(
                    "hiring_ceiling_per_year",
                    ceiling,
                    0.0,
                    100_000.0,
                    "people hired a year nationally",
                )?),
                lag_months: w.hiring_lag_months.unwrap_or(3).max(1),
            }
        }
        (_, FtePolicyKind::FollowDemand) => Hiring {
            kind: HiringKind::FollowDemand,
            ceiling_per_year: Ceiling::Fte(capacity_ceiling_fte),
            lag_months: capacity_lag.max(1),
        },
        _ => {
            if w.hiring_ceiling_per_year.is_some() || w.hiring_lag_months.is_some() {
                return Err(invalid(
                    path,
                    "workforce.hiring_ceiling_per_year and hiring_lag_months apply only with workforce.hiring = \"follow_demand\"; add it or remove them",
                ));
            }
            WorkforcePolicy::default().hiring
        }
    };
    Ok(WorkforcePolicy {
        extra_trainees_per_year: trainees,
        turnover_reduction,
        part_time_change,
        ramp_years,
        hiring,
    })
}
