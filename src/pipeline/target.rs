//! `omvang target`: the extra trainees a year from the policy start that meet a goal by a year,
//! per calibrated iteration (`model::target`), summarised with its 90% interval and written as
//! `<out>/<name>/` (target.csv, target.json, report.md).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use super::artifacts::month_label;
use super::calibration::{calibrate_cached, open_cache};
use super::{load_model, pool_threads, Event, Observer};
use crate::model::stats::quantile;
use crate::model::target::{search, Goal, MAX_EXTRA_TRAINEES};
use crate::output;
use crate::report::target::{target_markdown, TargetSummary};
use crate::report::{file_name, Lang};
use crate::run_data::Artifact;
use crate::scenario::{self, ScenarioError};

use super::CacheChoice;

/// What a `target` search is asked to do.
#[derive(Debug, Clone)]
pub struct TargetRequest {
    pub scenario: PathBuf,
    pub overrides: Vec<String>,
    pub goal: Goal,
    /// Iterations searched, taken evenly from the calibrated ones.
    pub iterations: usize,
    pub out: PathBuf,
    /// Folder name inside `out` (default `<scenario>-target-<norm|need>-<year>`).
    pub name: Option<String>,
    pub threads: usize,
    pub lang: Lang,
    pub calibrate: bool,
    pub cache: CacheChoice,
}

/// The answer and where it went.
#[derive(Debug, Clone)]
pub struct TargetWritten {
    pub summary: TargetSummary,
    pub dir: PathBuf,
    pub seconds: f64,
}

/// Run the search and write its folder.
///
/// # Errors
/// A bad scenario or goal year, a calibration or a folder that fails.
pub fn target(request: &TargetRequest, observe: Observer<'_>) -> Result<TargetWritten> {
    let clock = Instant::now();
    let model = load_model(&request.scenario, &request.overrides)?;
    let s = &model.scenario;
    let year = request.goal.by_year();
    let first = s.run.base_year + (model.policy_start / 12) as i32;
    if !(first..=s.run.horizon).contains(&year) {
        return Err(ScenarioError::Usage(format!(
            "target year {year} lies outside {first}-{} (the policy start to run.horizon); choose a year in that range",
            s.run.horizon
        ))
        .into());
    }
    let (kind, need) = match request.goal {
        Goal::Norm { .. } => ("norm", false),
        Goal::Need { .. } => ("need", true),
    };
    let name = request
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-target-{kind}-{year}", s.name));
    scenario::check_name(&name).map_err(|m| ScenarioError::Usage(format!("target --name: {m}")))?;
    output::check_writable(&request.out)?;
    output::check_target(&request.out, &name)?;
    let cache = open_cache(&request.cache, observe)?;
    let threads = pool_threads(request.threads, observe);
    let calibration =
        calibrate_cached(&model, request.calibrate, cache.as_ref(), threads, observe)?;
    let particles = &calibration.posterior.particles;
    let n = request.iterations.clamp(1, particles.len());
    // Evenly over the calibrated iterations, each keeping its own slot (its paired future).
    let slots: Vec<usize> = (0..n).map(|i| i * particles.len() / n).collect();
    let answers = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?
        .install(|| search(&model, particles, &slots, request.goal));
    let mut extra: Vec<f64> = answers
        .iter()
        .map(|a| a.extra.unwrap_or(f64::INFINITY))
        .collect();
    extra.sort_by(f64::total_cmp);
    let mut usual: Vec<f64> = answers.iter().map(|a| a.usual).collect();
    usual.sort_by(f64::total_cmp);
    // Type-7 quantiles of values that may be infinite: an infinite neighbour makes it infinite.
    let q = |p: f64| {
        let v = quantile(&extra, p);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    };
    let summary = TargetSummary {
        scenario: s.name.clone(),
        need,
        by_year: year,
        start: month_label(s.run.base_year, model.policy_start),
        norm_weeks: s.wait_norm_weeks,
        iterations: n,
        median: q(0.5),
        low: q(0.05),
        high: q(0.95),
        usual: quantile(&usual, 0.5),
        unreachable_share: answers.iter().filter(|a| a.extra.is_none()).count() as f64 / n as f64,
        max: MAX_EXTRA_TRAINEES,
    };
    let mut csv = String::from("iteration,extra_trainees_per_year,usual_trainees_per_year\n");
    for (slot, a) in slots.iter().zip(&answers) {
        let x = a.extra.map_or_else(|| "NA".to_string(), |x| format!("{x}"));
        csv.push_str(&format!("{slot},{x},{}\n", a.usual));
    }
    let finite = |x: f64| if x.is_finite() { Some(x) } else { None };
    let json = serde_json::json!({
        "scenario": s.name,
        "goal": kind,
        "by_year": year,
        "policy_start": summary.start,
        "iterations": n,
        "seed": s.run.seed,
        "extra_trainees_per_year": {
            "p05": finite(summary.low), "p50": finite(summary.median), "p95": finite(summary.high),
        },
        "usual_trainees_per_year_p50": summary.usual,
        "unreachable_share": summary.unreachable_share,
        "max_searched": MAX_EXTRA_TRAINEES,
    });
    let artifacts = vec![
        Artifact {
            name: "target.csv".into(),
            bytes: csv.into_bytes(),
        },
        Artifact {
            name: "target.json".into(),
            bytes: serde_json::to_vec_pretty(&json)?,
        },
        Artifact {
            name: file_name(request.lang, "report", "md"),
            bytes: target_markdown(&summary, request.lang).into_bytes(),
        },
    ];
    let waiting = |lock: &std::path::Path| observe(Event::Waiting(lock));
    let dir = output::write_run(&request.out, &name, &artifacts, &waiting)?;
    Ok(TargetWritten {
        summary,
        dir,
        seconds: clock.elapsed().as_secs_f64(),
    })
}
