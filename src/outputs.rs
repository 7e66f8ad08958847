//! The run's tables (`summary.csv`, `monthly.csv`, `chains.csv`, `pooling.csv`,
//! `draws.parquet`) and `manifest.json`, built as polars DataFrames from the engine's results,
//! and the folder writer: marked, locked, crash-safe replacement that never touches a user's folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::pooling::{inv_logit, Pooled};
use crate::scenario::Parameters;
use crate::simulate::{Actual, Model, PooledDraw, RunResults, SummaryRow};

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Polars { path: PathBuf, source: PolarsError },
    /// The target exists but omvang did not make it: it is left alone.
    #[error("{path} exists and was not made by omvang (no {MARKER} marker), so omvang leaves it alone; choose another scenario name (`name`, --set name=..., compare --name) or another --out, or remove the folder yourself")]
    NotOurs { path: PathBuf },
    /// A name that is not one safe folder name (checked again here, as a last line of defence).
    #[error("{name:?} cannot be a folder name under {out}: {message}")]
    BadName {
        out: PathBuf,
        name: String,
        message: String,
    },
    /// A test's step hook stopped the swap, as a kill at that point would.
    #[error("stopped after step {0:?} of replacing a run folder")]
    Stopped(SwapStep),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `summary.csv` / `monthly.csv`: scenario, metric, year or month, mean, p05 … p95.
pub fn summary_frame(scenario: &str, rows: &[SummaryRow], period: &str) -> PolarsResult<DataFrame> {
    let stat = |i: usize| rows.iter().map(|r| r.stats[i]).collect::<Vec<f64>>();
    let mut columns = vec![
        Column::new("scenario".into(), vec![scenario; rows.len()]),
        Column::new(
            "metric".into(),
            rows.iter().map(|r| r.metric).collect::<Vec<_>>(),
        ),
    ];
    if period == "year" {
        columns.push(Column::new(
            "year".into(),
            rows.iter()
                .map(|r| r.period.parse::<i32>().unwrap_or_default())
                .collect::<Vec<_>>(),
        ));
    } else {
        columns.push(Column::new(
            period.into(),
            rows.iter().map(|r| r.period.as_str()).collect::<Vec<_>>(),
        ));
    }
    for (i, name) in ["mean", "p05", "p25", "p50", "p75", "p95"]
        .iter()
        .enumerate()
    {
        columns.push(Column::new((*name).into(), stat(i)));
    }
    DataFrame::new_infer_height(columns)
}

/// `chains.csv`: one row per chain, then `pooled` and the prediction interval's bounds
/// (`pi_low`, `pi_high`) on the natural scale.
pub fn chains_frame(model: &Model) -> PolarsResult<DataFrame> {
    let c = &model.chains;
    let p = &model.pooled;
    let mut chain: Vec<String> = c.iter().map(|c| c.chain.clone()).collect();
    chain.extend(["pooled".into(), "pi_low".into(), "pi_high".into()]);
    let per = |f: &dyn Fn(&crate::chains::ChainRates) -> f64, pooled: [Option<f64>; 3]| {
        c.iter()
            .map(|c| Some(f(c)))
            .chain(pooled)
            .collect::<Vec<Option<f64>>>()
    };
    let sum = |f: &dyn Fn(&crate::chains::ChainRates) -> f64| Some(c.iter().map(f).sum::<f64>());
    // A count or size: per chain, then its total on the pooled row.
    let summed = |name: &str, f: &dyn Fn(&crate::chains::ChainRates) -> f64| {
        Column::new(name.into(), per(f, [sum(f), None, None]))
    };
    let nat = |pooled: &Pooled, f: fn(f64) -> f64| {
        [
            Some(f(pooled.mean)),
            Some(f(pooled.pi_low)),
            Some(f(pooled.pi_high)),
        ]
    };
    // Long durations go with low hazards, so the interval's bounds swap.
    let duration = |bound: fn(&Pooled) -> f64| {
        Some(
            1.0 / (bound(&p.hazard_death).exp()
                + bound(&p.hazard_institution).exp()
                + bound(&p.hazard_other).exp()),
        )
    };
    let periods: Vec<Option<u32>> = c
        .iter()
        .map(|c| Some(c.periods as u32))
        .chain([Some(c.iter().map(|c| c.periods as u32).sum()), None, None])
        .collect();
    DataFrame::new_infer_height(vec![
        Column::new("chain".into(), chain),
        Column::new("periods".into(), periods),
        summed("mean_clients", &|c| c.mean_clients),
        summed("at_home", &|c| c.at_home),
        Column::new(
            "uptake".into(),
            per(&|c| c.uptake, nat(&p.uptake, inv_logit)),
        ),
        summed("person_years", &|c| c.person_years),
        Column::new(
            "inflow_rate".into(),
            per(&|c| c.inflow_rate, nat(&p.inflow_rate, f64::exp)),
        ),
        Column::new(
            "hazard_death".into(),
            per(&|c| c.hazard_death, nat(&p.hazard_death, f64::exp)),
        ),
        Column::new(
            "hazard_institution".into(),
            per(
                &|c| c.hazard_institution,
                nat(&p.hazard_institution, f64::exp),
            ),
        ),
        Column::new(
            "hazard_other".into(),
            per(&|c| c.hazard_other, nat(&p.hazard_other, f64::exp)),
        ),
        Column::new(
            "mean_duration_years".into(),
            per(
                &|c| c.mean_duration_years,
                [
                    duration(|q| q.mean),
                    duration(|q| q.pi_high),
                    duration(|q| q.pi_low),
                ],
            ),
        ),
        Column::new(
            "caseload".into(),
            per(&|c| c.caseload, [Some(p.caseload), None, None]),
        ),
        Column::new(
            "waiting_share".into(),
            per(&|c| c.waiting_share, [Some(p.waiting_share), None, None]),
        ),
        summed("flow_imbalance", &|c| c.flow_imbalance),
        summed("population_65plus", &|c| c.population_65plus),
        summed("inflow", &|c| c.inflow),
        summed("outflow_death", &|c| c.outflow_death),
        summed("outflow_institution", &|c| c.outflow_institution),
        summed("outflow_other", &|c| c.outflow_other),
    ])
}

/// A pooled rate: name, analysis scale, estimate and the back-transform to the natural scale.
pub type PooledRow<'a> = (&'static str, &'static str, &'a Pooled, fn(f64) -> f64);

/// The pooled rates with their meta-analysis statistics, one row per rate.
pub fn pooled_rows(model: &Model) -> Vec<PooledRow<'_>> {
    let p = &model.pooled;
    vec![
        ("uptake", "logit", &p.uptake, inv_logit as fn(f64) -> f64),
        ("inflow_rate", "log", &p.inflow_rate, f64::exp),
        ("hazard_death", "log", &p.hazard_death, f64::exp),
        ("hazard_institution", "log", &p.hazard_institution, f64::exp),
        ("hazard_other", "log", &p.hazard_other, f64::exp),
    ]
}

/// `pooling.csv`: per rate k, mean and se on the analysis scale, τ², Q, I², the prediction
/// interval, and the pooled value and interval on the natural scale.
pub fn pooling_frame(model: &Model) -> PolarsResult<DataFrame> {
    let rows = pooled_rows(model);
    type Stat<'s> = &'s dyn Fn(&Pooled, fn(f64) -> f64) -> f64;
    let col = |f: Stat| {
        rows.iter()
            .map(|(_, _, p, t)| f(p, *t))
            .collect::<Vec<f64>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new("rate".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new("scale".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new(
            "k".into(),
            rows.iter().map(|r| r.2.k as u32).collect::<Vec<_>>(),
        ),
        Column::new("mean".into(), col(&|p, _| p.mean)),
        Column::new("se".into(), col(&|p, _| p.se)),
        Column::new("tau2".into(), col(&|p, _| p.tau2)),
        Column::new("q".into(), col(&|p, _| p.q)),
        Column::new("i2".into(), col(&|p, _| p.i2)),
        Column::new("pi_low".into(), col(&|p, _| p.pi_low)),
        Column::new("pi_high".into(), col(&|p, _| p.pi_high)),
        Column::new("pooled".into(), col(&|p, t| t(p.mean))),
        Column::new(
            "ci_low".into(),
            col(&|p, t| t(p.mean - 1.959_963_984_540_054 * p.se)),
        ),
        Column::new(
            "ci_high".into(),
            col(&|p, t| t(p.mean + 1.959_963_984_540_054 * p.se)),
        ),
        Column::new("pi_low_natural".into(), col(&|p, t| t(p.pi_low))),
        Column::new("pi_high_natural".into(), col(&|p, t| t(p.pi_high))),
    ])
}

/// `draws.parquet`: one row per iteration with every drawn parameter and pooled rate, and the
/// outcomes the report and a sensitivity analysis read (`<metric>_<year>`, see
/// [`crate::simulate::draw_columns`]), in f32: a few hundred bytes per iteration.
pub fn draws_frame(model: &Model, results: &RunResults) -> PolarsResult<DataFrame> {
    let mut columns = vec![Column::new(
        "iteration".into(),
        (0..results.len() as u32).collect::<Vec<_>>(),
    )];
    for (i, name) in Parameters::NAMES.iter().enumerate() {
        columns.push(Column::new(
            (*name).into(),
            results
                .parameters
                .iter()
                .map(|p| p.values()[i] as f32)
                .collect::<Vec<f32>>(),
        ));
    }
    for (i, name) in PooledDraw::NAMES.iter().enumerate() {
        columns.push(Column::new(
            format!("pooled_{name}").into(),
            results
                .pooled
                .iter()
                .map(|p| p.values()[i] as f32)
                .collect::<Vec<f32>>(),
        ));
    }
    let years = model.years();
    for (c, column) in results.columns.iter().enumerate() {
        columns.push(Column::new(
            format!("{}_{}", column.metric.as_str(), years[column.year_index]).into(),
            results.column_f32(c),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// `actuals.csv`: the published national figures the run compared itself with, so that the
/// report can be rebuilt from the run folder alone.
pub fn actuals_frame(actuals: &[Actual]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "metric".into(),
            actuals
                .iter()
                .map(|a| a.metric.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "date".into(),
            actuals
                .iter()
                .map(|a| a.date.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            actuals.iter().map(|a| a.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "source".into(),
            actuals
                .iter()
                .map(|a| a.source.as_str())
                .collect::<Vec<_>>(),
        ),
    ])
}

/// `differences.csv` of a comparison: scenario, reference, metric, year, then the mean and
/// quantiles of the paired difference (scenario − reference, per iteration).
pub fn differences_frame(rows: &[crate::analysis::Difference]) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&crate::analysis::Difference) -> String| {
        rows.iter().map(f).collect::<Vec<String>>()
    };
    let mut columns = vec![
        Column::new("scenario".into(), text(&|r| r.scenario.clone())),
        Column::new("reference".into(), text(&|r| r.reference.clone())),
        Column::new("metric".into(), text(&|r| r.metric.to_string())),
        Column::new(
            "year".into(),
            rows.iter().map(|r| r.year).collect::<Vec<i32>>(),
        ),
    ];
    for (i, name) in ["mean", "p05", "p25", "p50", "p75", "p95"]
        .iter()
        .enumerate()
    {
        columns.push(Column::new(
            (*name).into(),
            rows.iter().map(|r| r.stats[i]).collect::<Vec<f64>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// SHA-256 of a file as hex.
///
/// # Errors
/// When the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, OutputError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    Ok(sha256_hex(&bytes))
}

/// SHA-256 of bytes as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One file of a run: name and content.
pub struct Artifact {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Serialise a DataFrame as CSV.
///
/// # Errors
/// polars errors.
pub fn csv_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf).include_header(true).finish(df)?;
    Ok(buf)
}

/// Serialise a DataFrame as Parquet (zstd).
///
/// # Errors
/// polars errors.
pub fn parquet_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(df)?;
    Ok(buf)
}

/// The marker file in every folder omvang writes (run, comparison, temporary and set-aside
/// folders): omvang deletes or replaces only folders that carry it.
pub const MARKER: &str = ".omvang-run";
/// The lock file in `--out` that one writer at a time holds.
pub const LOCK: &str = ".omvang.lock";

/// Steps of replacing `out/<name>/`, in order. A kill after any of them leaves the old or the new
/// run complete (after [`recover`], which every writer runs first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStep {
    /// The temporary sibling `.<name>.tmp-<pid>` exists with its marker, files not yet written.
    TempStarted,
    /// Every file is in the temporary sibling.
    TempWritten,
    /// The old folder is renamed aside to `.<name>.old-<pid>`.
    OldSetAside,
    /// The new folder is renamed into place; the old one is about to be deleted.
    NewInPlace,
}

/// Temporary folders of this process that Ctrl-C must remove. Renames into place hold the mutex,
/// so the handler never deletes a folder that has just become the run.
static UNFINISHED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remove this process's unfinished temporary folders (for an interrupt handler).
pub fn remove_unfinished() {
    for dir in unfinished().drain(..) {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Exclusive hold on an output folder, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct OutLock {
    _file: fs::File,
}

/// Take `out/.omvang.lock`, waiting while another omvang run holds it; `on_wait` is called once
/// before waiting so the caller can say why nothing happens.
///
/// # Errors
/// When the lock file cannot be created or locked.
pub fn lock_out(out: &Path, on_wait: &dyn Fn(&Path)) -> Result<OutLock, OutputError> {
    let path = out.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    if !lock_file(&file, false).map_err(io_err(&path))? {
        on_wait(&path);
        lock_file(&file, true).map_err(io_err(&path))?;
    }
    Ok(OutLock { _file: file })
}

/// An exclusive advisory lock (`flock`), released by the OS when the process dies, so a killed
/// run never leaves the folder locked. False when `wait` is off and another process holds it.
/// (std's `File::lock` needs Rust 1.89; this crate supports 1.85.)
#[cfg(unix)]
fn lock_file(file: &fs::File, wait: bool) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let op = libc::LOCK_EX | if wait { 0 } else { libc::LOCK_NB };
    loop {
        // SAFETY: flock only reads the descriptor, which `file` keeps open during the call.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) if !wait => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

/// Without flock, concurrent runs into one folder are not serialised (documented).
#[cfg(not(unix))]
fn lock_file(_file: &fs::File, _wait: bool) -> std::io::Result<bool> {
    Ok(true)
}

/// Whether omvang made `dir`: a real folder (not a link) with the marker, or a run or comparison
/// folder of a version before the marker (its manifest names the omvang version).
pub fn is_ours(dir: &Path) -> bool {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return true;
    }
    ["manifest.json", "comparison.json"].iter().any(|f| {
        fs::read(dir.join(f))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|v| v.get("omvang_version").is_some())
    })
}

/// Check early that `out` can hold a run (creating it if needed), before a long simulation.
///
/// # Errors
/// When the folder cannot be created or written.
pub fn check_writable(out: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(out).map_err(io_err(out))?;
    let probe = out.join(format!(".omvang-probe-{}", std::process::id()));
    fs::write(&probe, b"").map_err(io_err(out))?;
    fs::remove_file(&probe).map_err(io_err(&probe))
}

/// Check before any work that `out/<name>/` may be written: a safe name, and no folder there
/// that omvang did not make.
///
/// # Errors
/// [`OutputError::BadName`] or [`OutputError::NotOurs`].
pub fn check_target(out: &Path, name: &str) -> Result<PathBuf, OutputError> {
    crate::scenario::check_name(name).map_err(|message| OutputError::BadName {
        out: out.to_path_buf(),
        name: name.to_string(),
        message,
    })?;
    let target = out.join(name);
    if fs::symlink_metadata(&target).is_ok() && !is_ours(&target) {
        return Err(OutputError::NotOurs { path: target });
    }
    Ok(target)
}

fn pid_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // Our own leftover: the caller holds the lock, so no swap of ours is under way.
        return false;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc the lock is the guarantee: no other omvang writes here while we hold it.
        false
    }
}

/// `.<name>.<kind>-<pid>` → (name, kind, pid).
fn parse_sibling(file_name: &str) -> Option<(&str, &str, u32)> {
    let rest = file_name.strip_prefix('.')?;
    let (name, tail) = rest.rsplit_once('.')?;
    let (kind, pid) = tail.split_once('-')?;
    matches!(kind, "tmp" | "old").then_some(())?;
    Some((name, kind, pid.parse().ok()?))
}

/// Finish what killed runs left in `out` (call with the lock held): a set-aside old folder is
/// restored when its run folder is missing and deleted when the run folder is complete; marked
/// temporary folders of dead processes are deleted. Anything without the marker is left alone.
///
/// # Errors
/// I/O errors while renaming or deleting omvang's own folders.
pub fn recover(out: &Path) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(out) else {
        return Ok(());
    };
    let mut siblings: Vec<(PathBuf, String, String)> = entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let file_name = path.file_name()?.to_str()?.to_string();
            let (name, kind, pid) = parse_sibling(&file_name)?;
            (is_ours(&path) && !pid_alive(pid)).then(|| (path.clone(), name.into(), kind.into()))
        })
        .collect();
    siblings.sort();
    for (path, name, kind) in siblings {
        let target = out.join(&name);
        if kind == "tmp" {
            fs::remove_dir_all(&path).map_err(io_err(&path))?;
        } else if fs::symlink_metadata(&target).is_err() {
            fs::rename(&path, &target).map_err(io_err(&target))?;
        } else if is_ours(&target) {
            fs::remove_dir_all(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

/// Make the new folder `dir` with its marker, first, so that even a half-written folder is known
/// to be omvang's.
fn create_marked(dir: &Path) -> Result<(), OutputError> {
    fs::create_dir(dir).map_err(io_err(dir))?;
    let marker = dir.join(MARKER);
    fs::write(
        &marker,
        format!(
            "Made by omvang {}; omvang may replace or delete this folder.\n",
            env!("CARGO_PKG_VERSION")
        ),
    )
    .map_err(io_err(&marker))
}

/// Write `artifacts` into `dir` (names may contain subfolders).
fn write_artifacts(dir: &Path, artifacts: &[Artifact]) -> Result<(), OutputError> {
    for a in artifacts {
        let path = dir.join(&a.name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let mut f = fs::File::create(&path).map_err(io_err(&path))?;
        f.write_all(&a.bytes).map_err(io_err(&path))?;
    }
    Ok(())
}

/// Replace `out/<name>/` by a folder that `fill` writes, crash-safely: fill a marked temporary
/// sibling, rename the old folder aside, rename the new one in, delete the old. `step` is called
/// after each step; returning false stops there without cleaning up, as a kill would (tests).
///
/// # Errors
/// A bad name, a folder omvang did not make, I/O errors, or [`OutputError::Stopped`].
pub fn swap_in(
    out: &Path,
    name: &str,
    on_wait: &dyn Fn(&Path),
    step: &mut dyn FnMut(SwapStep) -> bool,
    fill: &dyn Fn(&Path) -> Result<(), OutputError>,
) -> Result<PathBuf, OutputError> {
    fs::create_dir_all(out).map_err(io_err(out))?;
    let _lock = lock_out(out, on_wait)?;
    recover(out)?;
    let target = check_target(out, name)?;
    let pid = std::process::id();
    let tmp = out.join(format!(".{name}.tmp-{pid}"));
    let aside = out.join(format!(".{name}.old-{pid}"));
    unfinished().push(tmp.clone());
    let mut stopped = None;
    let mut at = |s: SwapStep| {
        if step(s) {
            Ok(())
        } else {
            stopped = Some(s);
            Err(OutputError::Stopped(s))
        }
    };
    let result = (|| {
        create_marked(&tmp)?;
        at(SwapStep::TempStarted)?;
        fill(&tmp)?;
        at(SwapStep::TempWritten)?;
        let had_old = fs::symlink_metadata(&target).is_ok();
        if had_old {
            fs::rename(&target, &aside).map_err(io_err(&target))?;
            at(SwapStep::OldSetAside)?;
        }
        {
            let mut list = unfinished();
            fs::rename(&tmp, &target).map_err(io_err(&target))?;
            list.retain(|p| p != &tmp);
        }
        at(SwapStep::NewInPlace)?;
        if had_old {
            fs::remove_dir_all(&aside).map_err(io_err(&aside))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        if stopped.is_none() {
            // A real failure (not a simulated kill): put everything back as it was.
            let _ = fs::remove_dir_all(&tmp);
            if fs::symlink_metadata(&target).is_err() && aside.exists() {
                let _ = fs::rename(&aside, &target);
            }
            unfinished().retain(|p| p != &tmp);
        }
        return Err(e);
    }
    Ok(target)
}

/// Write `artifacts` into `out/<name>/`, replacing an earlier run of omvang there crash-safely
/// (see [`swap_in`]); another omvang run writing into `out` is waited for.
///
/// # Errors
/// A bad name, a folder omvang did not make there, or I/O errors.
pub fn write_run(
    out: &Path,
    name: &str,
    artifacts: &[Artifact],
    on_wait: &dyn Fn(&Path),
) -> Result<PathBuf, OutputError> {
    swap_in(out, name, on_wait, &mut |_| true, &|tmp| {
        write_artifacts(tmp, artifacts)
    })
}

/// Copy a folder's files and subfolders into `to`, except the names in `skip` (top level only).
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<(), OutputError> {
    for entry in fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(io_err(&src))?;
        if kind.is_dir() {
            fs::create_dir_all(&dst).map_err(io_err(&dst))?;
            copy_tree(&src, &dst, &[])?;
        } else if kind.is_file() {
            fs::copy(&src, &dst).map_err(io_err(&dst))?;
        }
    }
    Ok(())
}

/// Replace the report files (`report.md`, `report.html`, `charts/`) of a run folder omvang made,
/// with the same care as [`write_run`]: the whole folder is rebuilt as a temporary sibling (its
/// other files copied) and swapped in, so a kill leaves the old or the new report complete.
///
/// # Errors
/// A folder omvang did not make, or I/O errors.
pub fn replace_report(
    dir: &Path,
    files: &[Artifact],
    on_wait: &dyn Fn(&Path),
) -> Result<(), OutputError> {
    let full = fs::canonicalize(dir).map_err(io_err(dir))?;
    if !is_ours(&full) {
        return Err(OutputError::NotOurs { path: dir.into() });
    }
    let (Some(out), Some(name)) = (full.parent(), full.file_name().and_then(|n| n.to_str())) else {
        return Err(OutputError::NotOurs { path: dir.into() });
    };
    swap_in(out, name, on_wait, &mut |_| true, &|tmp| {
        copy_tree(&full, tmp, &["report.md", "report.html", "charts", MARKER])?;
        write_artifacts(tmp, files)
    })
    .map(|_| ())
}

/// The data photo as a readable text table (for `omvang chains`).
pub fn chains_text(model: &Model) -> String {
    let header = [
        "chain",
        "periods",
        "clients",
        "at_home",
        "uptake",
        "inflow/yr",
        "death/yr",
        "inst/yr",
        "other/yr",
        "duration",
        "caseload",
        "waiting",
        "imbalance",
    ];
    let mut rows: Vec<Vec<String>> = model
        .chains
        .iter()
        .map(|c| {
            vec![
                c.chain.clone(),
                c.periods.to_string(),
                format!("{:.0}", c.mean_clients),
                format!("{:.0}", c.at_home),
                format!("{:.1}%", c.uptake * 100.0),
                format!("{:.4}", c.inflow_rate),
                format!("{:.3}", c.hazard_death),
                format!("{:.3}", c.hazard_institution),
                format!("{:.3}", c.hazard_other),
                format!("{:.2} y", c.mean_duration_years),
                format!("{:.1}", c.caseload),
                format!("{:.1}%", c.waiting_share * 100.0),
                format!("{:.0}", c.flow_imbalance),
            ]
        })
        .collect();
    let p = &model.pooled;
    let e = |q: &Pooled| q.mean.exp();
    rows.push(vec![
        "pooled".into(),
        String::new(),
        String::new(),
        String::new(),
        format!("{:.1}%", inv_logit(p.uptake.mean) * 100.0),
        format!("{:.4}", e(&p.inflow_rate)),
        format!("{:.3}", e(&p.hazard_death)),
        format!("{:.3}", e(&p.hazard_institution)),
        format!("{:.3}", e(&p.hazard_other)),
        format!(
            "{:.2} y",
            1.0 / (e(&p.hazard_death) + e(&p.hazard_institution) + e(&p.hazard_other))
        ),
        format!("{:.1}", p.caseload),
        format!("{:.1}%", p.waiting_share * 100.0),
        String::new(),
    ]);
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(header.iter().map(|s| s.to_string()).collect());
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    let u = &p.uptake;
    out.push_str(&format!(
        "\nuptake pooled over {} chains: {:.1}% (95% CI {:.1}%-{:.1}%), tau2 = {:.4}, I2 = {:.0}%, 95% prediction interval for a chain {:.1}%-{:.1}%\n",
        u.k,
        inv_logit(u.mean) * 100.0,
        inv_logit(u.mean - 1.959_963_984_540_054 * u.se) * 100.0,
        inv_logit(u.mean + 1.959_963_984_540_054 * u.se) * 100.0,
        u.tau2,
        u.i2 * 100.0,
        inv_logit(u.pi_low) * 100.0,
        inv_logit(u.pi_high) * 100.0
    ));
    out
}
