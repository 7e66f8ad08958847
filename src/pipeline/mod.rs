//! Stage 6: the pipeline. `run` and `compare` as library functions (scenarios → model → run →
//! tables, charts, report → run folder), `backtest`, the report rebuilt from a folder, `check`,
//! and reading a scenario's inputs. Progress goes to an observer; nothing here prints.

mod artifacts;
mod backtest;
mod calibration;
mod inputs;
mod target;

pub use backtest::{backtest, parse_origin, BacktestRequest, BacktestWritten};
pub use calibration::CacheChoice;
pub use inputs::{check_table, input_files, load_model, load_scenario, read_inputs, Checked};
pub use target::{target, TargetRequest, TargetWritten};

use artifacts::{calibration_info, check_finite_draws, key_figures, manifest, tables};
use calibration::{open_cache, prepare, Calibration, Prepared};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

use anyhow::Result;

use crate::analysis::paired_differences;
use crate::data::{Date, Note};
use crate::model::build::Model;
use crate::model::metrics::Metric;
use crate::model::simulate;
use crate::model::smc;
use crate::model::stats::Band;
use crate::model::summaries::{summarise, summarise_monthly};
use crate::output::cache::CacheDir;
use crate::output::{self, parse_run, read_comparison, read_run};
use crate::report::{self, charts, CompareError, Lang};
use crate::run_data::{Artifact, ComparisonManifest, RunData};
use crate::scenario::{self, ScenarioError};

/// What a `run` or `compare` is asked to do.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub scenarios: Vec<PathBuf>,
    /// `--set`-style overrides applied to every scenario, in order.
    pub overrides: Vec<String>,
    /// Those of `overrides` the user gave with `--set`: any but `name=` give each scenario's run
    /// its own name, `<scenario>-<hash>` (see [`run_name`]), unless `name=` is among them.
    pub set: Vec<String>,
    pub out: PathBuf,
    /// Worker threads; 0 = all cores.
    pub threads: usize,
    pub lang: Lang,
    /// Write the charts and the report beside the tables.
    pub report: bool,
    /// For `compare`: the comparison folder's name inside `out`.
    pub comparison: Option<String>,
    /// Calibrate the iterations to the national record (`--no-calibration` turns it off).
    pub calibrate: bool,
    /// Where calibrations are kept and looked up (`--cache DIR`, `--no-cache`).
    pub cache: CacheChoice,
}

/// A finished scenario: where it went and its key figures, for the caller to show.
#[derive(Debug, Clone)]
pub struct Written {
    pub scenario: String,
    pub iterations: usize,
    pub seed: u64,
    pub seconds: f64,
    pub dir: PathBuf,
    pub report: bool,
    /// The language of the report (and so of its file names).
    pub lang: Lang,
    /// Key metrics of the base year, then of the horizon, with their 90% band.
    pub key_figures: Vec<(Metric, i32, Band)>,
}

/// What happens during a run, as it happens. Iteration events come from worker threads.
#[derive(Debug)]
pub enum Event<'a> {
    /// Something the caller should be warned about (e.g. more threads than cores).
    Warning(String),
    /// A remark about a scenario's data, each text once per run.
    Note { scenario: &'a str, note: &'a Note },
    /// A scenario's simulation starts.
    Simulating {
        scenario: &'a str,
        iterations: usize,
    },
    /// A tempering stage of the calibration is finished.
    Calibrating {
        scenario: &'a str,
        stage: usize,
        temperature: f64,
        ess: f64,
        acceptance: f64,
        history_acceptance: f64,
        steps: usize,
    },
    /// A scenario's calibration was read from the calibration cache (entry `path`, `key`).
    CalibrationCached {
        scenario: &'a str,
        key: &'a str,
        path: &'a Path,
    },
    /// A cache entry could not be trusted (`reason`): it is ignored, and the calibration is made
    /// again and replaces it.
    CacheEntryIgnored {
        scenario: &'a str,
        path: &'a Path,
        reason: &'a str,
    },
    /// `done` of `of` iterations are finished.
    Iteration { done: usize, of: usize },
    /// The simulation of the current scenario is finished.
    Simulated,
    /// Another omvang process holds the lock of the output folder.
    Waiting(&'a Path),
    /// A scenario's folder is written.
    Written(&'a Written),
    /// The comparison folder is written.
    Compared {
        scenarios: &'a [String],
        dir: &'a Path,
    },
    /// A backtest starts at its `index`-th origin of `of`, calibrating on `observations`.
    BacktestOrigin {
        scenario: &'a str,
        index: usize,
        of: usize,
        origin: Date,
        observations: usize,
    },
    /// A backtest's folder is written.
    Backtested(&'a BacktestWritten),
}

impl<'a> Event<'a> {
    /// Tempering stage number `stage` of the calibration of `scenario` is finished.
    pub fn calibrating(scenario: &'a str, stage: usize, s: &smc::Stage) -> Event<'a> {
        Event::Calibrating {
            scenario,
            stage,
            temperature: s.temperature,
            ess: s.ess,
            acceptance: s.acceptance,
            history_acceptance: s.history_acceptance,
            steps: s.steps,
        }
    }
}

/// Receives the events of a run: the CLI's progress bar and messages are one observer, a test
/// can pass `&|_| {}`.
pub type Observer<'a> = &'a (dyn Fn(Event<'_>) + Sync);

/// `run` and `compare`: validate every scenario first, simulate each, write its folder (tables,
/// charts and report together, atomically), then for `compare` the comparison folder.
///
/// # Errors
/// The first bad scenario or input, a non-finite draw, or a folder that cannot be written.
pub fn run(request: &RunRequest, observe: Observer<'_>) -> Result<Vec<Written>> {
    let models = load_models(request)?;
    let cache = open_cache(&request.cache, observe)?;
    let pool_threads = pool_threads(request.threads, observe);
    let mut runs = Vec::new();
    let mut written = Vec::new();
    // Scenarios that share data share its notes: tell each once.
    let mut told: Vec<&Note> = Vec::new();
    let mut calibrations: Vec<(String, Calibration)> = Vec::new();
    for (path, model) in &models {
        for note in &model.notes {
            if !told.contains(&note) {
                told.push(note);
                observe(Event::Note {
                    scenario: &model.scenario.name,
                    note,
                });
            }
        }
        let started = (SystemTime::now(), Instant::now());
        // Scenarios with the same history share its calibration: computed once, identical.
        let fingerprint = model.history_fingerprint();
        let shared = calibrations.iter().find(|(f, _)| *f == fingerprint);
        let prepared = match shared {
            Some((_, c)) => Prepared::Ready(c.for_model(model)),
            None => prepare(
                model,
                request.calibrate,
                cache.as_ref(),
                pool_threads,
                observe,
            )?,
        };
        let fresh = shared.is_none();
        let (done, run, calibration) = run_scenario(
            request,
            (path, model),
            (prepared, cache.as_ref()),
            started,
            pool_threads,
            observe,
        )?;
        if fresh {
            calibrations.push((fingerprint, calibration));
        }
        observe(Event::Written(&done));
        written.push(done);
        runs.push(run);
    }
    if let Some(name) = &request.comparison {
        write_comparison(request, name, &runs, observe)?;
    }
    Ok(written)
}

/// Every scenario of the request as a model, validated with its data, named, paired for a
/// comparison, and its output folder checked: all before the first long run.
fn load_models(request: &RunRequest) -> Result<Vec<(&PathBuf, Model)>> {
    let mut models = Vec::new();
    for path in &request.scenarios {
        models.push((path, load_model(path, &request.overrides)?));
    }
    for (path, m) in &mut models {
        name_with_overrides(m, path, &request.set)?;
    }
    if let Some(name) = &request.comparison {
        pair_up(&mut models, &request.scenarios, name)?;
    }
    let mut names = BTreeSet::new();
    for (path, m) in &models {
        if !names.insert(m.scenario.name.clone()) {
            return Err(ScenarioError::Usage(format!(
                "{}: scenario name \"{}\" is used twice in this run; give each scenario its own name",
                path.display(),
                m.scenario.name
            ))
            .into());
        }
    }
    output::check_writable(&request.out)?;
    // Refuse a folder omvang did not make before the first long simulation, not after it.
    for name in names.iter().chain(&request.comparison) {
        output::check_target(&request.out, name)?;
    }
    Ok(models)
}

/// One scenario from its particles to its folder: the iterations, tables, manifest, workbook
/// and report. Returns what was written, the run as the report read it back and the
/// calibration (a prior run's finished from its own projections and kept in `cache`).
/// `started` is when its calibration began: the run's time includes it.
fn run_scenario(
    request: &RunRequest,
    (path, model): (&Path, &Model),
    (prepared, cache): (Prepared, Option<&CacheDir>),
    (started_at, clock): (SystemTime, Instant),
    pool_threads: usize,
    observe: Observer<'_>,
) -> Result<(Written, RunData, Calibration)> {
    let name = &model.scenario.name;
    let n = model.scenario.run.iterations;
    observe(Event::Simulating {
        scenario: name,
        iterations: n,
    });
    let done = AtomicUsize::new(0);
    let progress = || {
        let k = done.fetch_add(1, Ordering::Relaxed) + 1;
        observe(Event::Iteration { done: k, of: n });
    };
    let (results, calibration) = match prepared {
        Prepared::Ready(c) => (
            simulate::run(model, &c.posterior.particles, pool_threads, &progress)?,
            c,
        ),
        Prepared::Prior(prior) => {
            let (results, observed) =
                simulate::run_observed(model, &prior.particles, pool_threads, &progress)?;
            (results, prior.finish(model, &observed, cache, observe))
        }
    };
    let posterior = &calibration.posterior;
    check_finite_draws(model, path, &results)?;
    observe(Event::Simulated);
    let summary = summarise(model, &results);
    let monthly = summarise_monthly(model, &results);
    let mut artifacts = tables(model, &results, &summary, &monthly, posterior)?;
    // The tables hold everything from here on: a large run's rows need not sit beside the run
    // read back.
    drop(results);
    let mut manifest = manifest(
        model,
        path,
        &request.overrides,
        pool_threads,
        started_at,
        clock,
    )?;
    manifest.calibration = Some(calibration_info(model, &calibration));
    artifacts.push(Artifact {
        name: "manifest.json".into(),
        bytes: serde_json::to_vec_pretty(&manifest)?,
    });
    // The report reads the run back exactly as `omvang report` reads it from disk.
    let run = parse_run(&request.out.join(name), &|file| {
        artifacts
            .iter()
            .find(|a| a.name == file)
            .map(|a| std::borrow::Cow::Borrowed(a.bytes.as_slice()))
    })?;
    artifacts.push(report::workbook::workbook(&run, request.lang)?);
    if request.report {
        let charts = charts::run_charts(&run, request.lang)?;
        artifacts.extend(report::run_report(&run, request.lang, charts).files());
    }
    let waiting = |lock: &Path| observe(Event::Waiting(lock));
    let dir = output::write_run(&request.out, name, &artifacts, &waiting)?;
    let written = Written {
        scenario: name.clone(),
        iterations: n,
        seed: model.scenario.run.seed,
        seconds: clock.elapsed().as_secs_f64(),
        dir,
        report: request.report,
        lang: request.lang,
        key_figures: key_figures(model, &summary),
    };
    Ok((written, run, calibration))
}

/// The comparison folder of paired runs: its manifest, the paired differences and its report.
fn write_comparison(
    request: &RunRequest,
    name: &str,
    runs: &[RunData],
    observe: Observer<'_>,
) -> Result<()> {
    let lang = request.lang;
    let charts = charts::comparison_charts(runs, lang)?;
    let report = report::comparison_report(runs, lang, charts)?;
    let manifest = ComparisonManifest {
        omvang_version: env!("CARGO_PKG_VERSION").into(),
        reference: runs[0].name.clone(),
        scenarios: runs.iter().map(|r| r.name.clone()).collect(),
        seed: runs[0].manifest.seed,
        iterations: runs[0].manifest.iterations,
    };
    let mut artifacts = vec![
        Artifact {
            name: "comparison.json".into(),
            bytes: serde_json::to_vec_pretty(&manifest)?,
        },
        Artifact {
            name: "differences.csv".into(),
            bytes: output::csv_bytes(&mut output::differences_frame(&paired_differences(runs))?)?,
        },
    ];
    artifacts.extend(report.files());
    let waiting = |lock: &Path| observe(Event::Waiting(lock));
    let dir = output::write_run(&request.out, name, &artifacts, &waiting)?;
    observe(Event::Compared {
        scenarios: &manifest.scenarios,
        dir: &dir,
    });
    Ok(())
}

/// The worker threads for `--threads requested` (0 = all cores), at most the cores there are
/// (with a warning).
fn pool_threads(requested: usize, observe: Observer<'_>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match requested {
        0 => cores,
        n if n > cores => {
            observe(Event::Warning(format!(
                "--threads {n} is more than the {cores} this machine has; using {cores}"
            )));
            cores
        }
        n => n,
    }
}

/// Give a model run with `--set` overrides its own name ([`run_name`]), checked as a folder name.
///
/// # Errors
/// The name the overrides give is not a valid folder name.
pub(crate) fn name_with_overrides(
    model: &mut Model,
    path: &Path,
    set: &[String],
) -> Result<(), ScenarioError> {
    if let Some(name) = run_name(&model.scenario.name, set) {
        scenario::check_name(&name).map_err(|e| {
            ScenarioError::Usage(format!(
                "{}: with --set the run is named {name:?}: {e}; give it a name with --set name=...",
                path.display()
            ))
        })?;
        model.scenario.name = name;
    }
    Ok(())
}

/// The name of a run made with `--set` overrides: `<scenario>-<8 hex digits>`, the digits the
/// start of the SHA-256 of the sorted overrides (each as `key=value`, trimmed), so the same
/// overrides in any order give the same name and the plain scenario's folder is never
/// overwritten. `None` without overrides, or when one of them is `name=` (the user named it).
pub fn run_name(scenario: &str, set: &[String]) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut normal: Vec<String> = set
        .iter()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => format!("{}={}", k.trim(), v.trim()),
            None => o.trim().to_string(),
        })
        .collect();
    if normal.is_empty() || normal.iter().any(|o| o.starts_with("name=")) {
        return None;
    }
    normal.sort();
    normal.dedup();
    let digest = Sha256::digest(normal.join("\n").as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("{scenario}-{hex}"))
}

/// Pairing needs the same random streams: every scenario takes the reference's seed and
/// iteration count unless they were given on the command line (then all share them anyway).
fn pair_up(models: &mut [(&PathBuf, Model)], paths: &[PathBuf], name: &str) -> Result<()> {
    if models.len() < 2 {
        return Err(CompareError::TooFew.into());
    }
    let (seed, iterations, base, horizon) = {
        let r = &models[0].1.scenario.run;
        (r.seed, r.iterations, r.base_year, r.horizon)
    };
    for (path, m) in models.iter_mut() {
        let run = &mut m.scenario.run;
        if run.base_year != base || run.horizon != horizon {
            return Err(CompareError::Mismatch {
                scenario: format!("{} ({})", m.scenario.name, path.display()),
                reference: paths[0].display().to_string(),
                what: "the base year or horizon",
            }
            .into());
        }
        run.seed = seed;
        run.iterations = iterations;
    }
    if models.iter().any(|(_, m)| m.scenario.name == name) {
        return Err(ScenarioError::Usage(format!(
            "compare --name: a scenario is named \"{name}\", like the comparison folder; choose another folder with --name"
        ))
        .into());
    }
    Ok(())
}

/// `report`: read a run (or a comparison and its sibling runs) back and write its charts and
/// report again. Returns how many charts were drawn.
///
/// # Errors
/// A run folder that cannot be read or written.
pub fn rebuild_report(dir: &Path, lang: Lang, observe: Observer<'_>) -> Result<usize> {
    if dir.join("backtest.csv").is_file() {
        return Err(ScenarioError::Usage(format!(
            "{} is a backtest folder, whose report omvang report does not rebuild; run omvang backtest again (with --lang en for the English report)",
            dir.display()
        ))
        .into());
    }
    let (report, workbook) = if dir.join("comparison.json").is_file() {
        let runs: Vec<RunData> = read_comparison(dir)?;
        let charts = charts::comparison_charts(&runs, lang)?;
        (report::comparison_report(&runs, lang, charts)?, None)
    } else {
        let run = read_run(dir)?;
        let workbook = report::workbook::workbook(&run, lang)?;
        let charts = charts::run_charts(&run, lang)?;
        (report::run_report(&run, lang, charts), Some(workbook))
    };
    let mut files = report.files();
    files.extend(workbook);
    // Only this language's report, workbook and charts are replaced: the other's stay.
    output::replace_report(
        dir,
        &files,
        &|path: &str| report::owned_by(lang, path),
        &|lock: &Path| observe(Event::Waiting(lock)),
    )?;
    Ok(report.charts.len())
}
