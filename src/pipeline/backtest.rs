//! `backtest`: for each origin, calibrate on the observations up to it only, forecast every
//! later one (`model::backtest`), score the forecasts and two naive ones (`analysis::backtest`),
//! and write `backtest.csv`, `backtest_paths.csv`, the manifest, the chart and the report into
//! one run folder. Progress goes to the observer; nothing here prints.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use anyhow::Result;

use super::artifacts::manifest;
use super::calibration::{calibrate_cached, open_cache, CacheChoice};
use super::{load_model, name_with_overrides, pool_threads, Event, Observer};
use crate::analysis::backtest::{overall, score_origin, summarise, MetricSummary, Tally};
use crate::data::Date;
use crate::model::backtest::{
    default_origins, forecast_with, model_at, OriginForecast, PATH_METRICS,
};
use crate::model::build::Model;
use crate::output;
use crate::output::cache::CacheDir;
use crate::report::{self, charts, Lang};
use crate::run_data::{Artifact, Backtest, BacktestManifest, BacktestOrigin, BacktestPath};
use crate::scenario::{self, ScenarioError};

/// What a `backtest` is asked to do.
#[derive(Debug, Clone)]
pub struct BacktestRequest {
    pub scenario: PathBuf,
    /// `--set`-style overrides (the flags first), in order.
    pub overrides: Vec<String>,
    /// Those of `overrides` the user gave with `--set` (they name the run as `run` does).
    pub set: Vec<String>,
    pub out: PathBuf,
    /// The folder's name inside `out`; default `<scenario>-backtest`.
    pub name: Option<String>,
    /// Origins as given (`YYYY-MM-DD`, or `YYYY-MM` for the first of the month); empty: every
    /// distinct observation date from 1 July of the base year on that a later one follows.
    pub origins: Vec<String>,
    /// Worker threads; 0 = all cores.
    pub threads: usize,
    pub lang: Lang,
    /// Where the origins' calibrations are kept and looked up (`--cache DIR`, `--no-cache`).
    pub cache: CacheChoice,
}

/// A finished backtest: where it went and its summary, for the caller to show.
#[derive(Debug, Clone)]
pub struct BacktestWritten {
    pub scenario: String,
    pub dir: PathBuf,
    pub iterations: usize,
    pub seed: u64,
    pub seconds: f64,
    pub lang: Lang,
    pub origins: Vec<Date>,
    /// The model over every origin–observation pair.
    pub overall: Tally,
    /// Per metric: the model, and each naive forecast against it.
    pub summary: Vec<MetricSummary>,
}

/// An origin as given: `YYYY-MM-DD`, or `YYYY-MM` for the first of the month.
///
/// # Errors
/// Text that is neither, as a sentence naming the text.
pub fn parse_origin(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let full = if t.len() == 7 {
        format!("{t}-01")
    } else {
        t.to_string()
    };
    Date::parse(&full).map_err(|_| format!("\"{t}\" is not a date"))
}

/// The origins to forecast from, sorted and without repeats: those given, each checked (a date,
/// not before the base year, some observation after it), or the default ones.
fn origins(model: &Model, given: &[String]) -> Result<Vec<Date>, ScenarioError> {
    let base = model.scenario.run.base_year;
    let last = model.observations.iter().map(|o| o.date).max();
    let usage = |m: String| ScenarioError::Usage(m);
    if given.is_empty() {
        let from = Date {
            year: base,
            month: 7,
            day: 1,
        };
        let found = default_origins(model, from);
        if found.is_empty() {
            return Err(usage(format!(
                "backtest: the national record (data.actuals of scenario {}) has no two observation dates from {from} on, so there is nothing to forecast; give the scenario a record with later observations, or choose origins with --origins",
                model.scenario.name
            )));
        }
        return Ok(found);
    }
    let mut dates = Vec::new();
    for text in given {
        let date = parse_origin(text).map_err(|m| {
            usage(format!(
                "--origins {}: {m}; write each origin as YYYY-MM-DD or YYYY-MM, e.g. --origins 2021-07-01,2022-10",
                text.trim()
            ))
        })?;
        if date.year < base {
            return Err(usage(format!(
                "--origins {}: the origin lies before the base year {base}; choose origins from {base}-01-01 on",
                text.trim()
            )));
        }
        match last {
            Some(last) if date < last => {}
            Some(last) => {
                return Err(usage(format!(
                    "--origins {}: no observation of the national record is dated after it (the last is {last}); choose origins before {last}",
                    text.trim()
                )))
            }
            None => {
                return Err(usage(format!(
                    "--origins {}: scenario {} has no national record (data.actuals) to forecast; give it one",
                    text.trim(),
                    model.scenario.name
                )))
            }
        }
        dates.push(date);
    }
    dates.sort_unstable();
    dates.dedup();
    Ok(dates)
}

/// The first of the month `month` months after January of `base_year`.
fn month_date(base_year: i32, month: usize) -> Date {
    Date {
        year: base_year + (month / 12) as i32,
        month: (month % 12) as u32 + 1,
        day: 1,
    }
}

/// `backtest`: check the scenario, the name and the origins, then for each origin calibrate on
/// the observations up to it and forecast the later ones (in a pool of the requested threads),
/// score them, and write the folder (tables, manifest, chart and report together, atomically).
///
/// # Errors
/// A bad scenario, input, name or origin (before any work), or a folder that cannot be written.
pub fn backtest(request: &BacktestRequest, observe: Observer<'_>) -> Result<BacktestWritten> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let path = &request.scenario;
    let mut model = load_model(path, &request.overrides)?;
    name_with_overrides(&mut model, path, &request.set)?;
    let name = folder_name(request, &model)?;
    let origins = origins(&model, &request.origins)?;
    output::check_writable(&request.out)?;
    // Refuse a folder omvang did not make before the first long calibration, not after it.
    output::check_target(&request.out, &name)?;
    let cache = open_cache(&request.cache, observe)?;
    for note in &model.notes {
        observe(Event::Note {
            scenario: &model.scenario.name,
            note,
        });
    }
    let threads = pool_threads(request.threads, observe);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let (mut rows, mut paths, mut infos) = (Vec::new(), Vec::new(), Vec::new());
    for (k, &origin) in origins.iter().enumerate() {
        let forecast = forecast_origin(
            &model,
            (k, &origins),
            (&pool, threads),
            cache.as_ref(),
            observe,
        )?;
        rows.extend(score_origin(&model, &forecast));
        let base = model.scenario.run.base_year;
        for (metric, path) in PATH_METRICS.iter().zip(&forecast.paths) {
            paths.extend(path.iter().map(|p| BacktestPath {
                origin,
                metric: *metric,
                month: month_date(base, p.month),
                band: p.band,
            }));
        }
        infos.push(origin_info(&forecast));
    }
    let run = manifest(&model, path, &request.overrides, threads, started_at, clock)?;
    let backtest = Backtest {
        name: name.clone(),
        manifest: BacktestManifest {
            run,
            origins: infos,
        },
        rows,
        paths,
        actuals: model.actuals.clone(),
    };
    let dir = write_backtest(request, &backtest, observe)?;
    let written = BacktestWritten {
        scenario: model.scenario.name.clone(),
        dir,
        iterations: model.scenario.run.iterations,
        seed: model.scenario.run.seed,
        seconds: clock.elapsed().as_secs_f64(),
        lang: request.lang,
        origins,
        overall: overall(&backtest.rows),
        summary: summarise(&backtest.rows),
    };
    observe(Event::Backtested(&written));
    Ok(written)
}

/// The backtest's folder: `--name`, or the scenario's name with `-backtest`.
fn folder_name(request: &BacktestRequest, model: &Model) -> Result<String> {
    Ok(match &request.name {
        Some(n) => {
            scenario::check_name(n)
                .map_err(|m| ScenarioError::Usage(format!("backtest --name: {m}")))?;
            n.clone()
        }
        None => {
            let n = format!("{}-backtest", model.scenario.name);
            scenario::check_name(&n).map_err(|m| {
                ScenarioError::Usage(format!(
                    "the backtest folder would be named {n:?}: {m}; choose a name with --name"
                ))
            })?;
            n
        }
    })
}

/// The model calibrated on what was known at origin `k` of `origins` (from the cache when it
/// holds that calibration), and its forecasts.
fn forecast_origin(
    model: &Model,
    (k, origins): (usize, &[Date]),
    (pool, threads): (&rayon::ThreadPool, usize),
    cache: Option<&CacheDir>,
    observe: Observer<'_>,
) -> Result<OriginForecast> {
    let origin = origins[k];
    let name = &model.scenario.name;
    observe(Event::BacktestOrigin {
        scenario: name,
        index: k + 1,
        of: origins.len(),
        origin,
        observations: model
            .observations
            .iter()
            .filter(|o| o.date <= origin)
            .count(),
    });
    let at = model_at(model, origin);
    let calibration = calibrate_cached(&at, true, cache, threads, observe)?;
    Ok(pool.install(|| forecast_with(model, &at, origin, calibration.posterior)))
}

/// One origin as the backtest's manifest records it.
fn origin_info(forecast: &OriginForecast) -> BacktestOrigin {
    BacktestOrigin {
        origin: forecast.origin.to_string(),
        observations: forecast.used,
        forecasts: forecast.forecasts.len(),
        calibrated: forecast.calibrated,
        stages: forecast.stages.len(),
        ess: forecast
            .stages
            .last()
            .filter(|_| forecast.calibrated)
            .map(|s| s.ess),
    }
}

/// The backtest's folder: its tables, manifest, charts and report.
fn write_backtest(
    request: &BacktestRequest,
    backtest: &Backtest,
    observe: Observer<'_>,
) -> Result<PathBuf> {
    let lang = request.lang;
    let mut artifacts = vec![
        Artifact {
            name: "backtest.csv".into(),
            bytes: output::csv_bytes(&mut output::backtest_frame(&backtest.rows)?)?,
        },
        Artifact {
            name: "backtest_paths.csv".into(),
            bytes: output::csv_bytes(&mut output::backtest_paths_frame(&backtest.paths)?)?,
        },
        Artifact {
            name: "manifest.json".into(),
            bytes: serde_json::to_vec_pretty(&backtest.manifest)?,
        },
    ];
    let report = report::backtest_report(backtest, lang, charts::backtest_charts(backtest, lang)?);
    artifacts.extend(report.files());
    Ok(output::write_run(
        &request.out,
        &backtest.name,
        &artifacts,
        &|lock| observe(Event::Waiting(lock)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_days_or_months() {
        let d = |year, month, day| Date { year, month, day };
        assert_eq!(parse_origin("2022-10-01"), Ok(d(2022, 10, 1)));
        assert_eq!(parse_origin(" 2022-10 "), Ok(d(2022, 10, 1)));
        for bad in ["2022", "2022-13", "22-10-01", "2022-10-32", "soon", ""] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(month_date(2018, 0), d(2018, 1, 1));
        assert_eq!(month_date(2018, 57), d(2022, 10, 1));
    }
}
