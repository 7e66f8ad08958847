//! Reading a finished run folder (`summary.csv`, `monthly.csv`, `chains.csv`, `pooling.csv`,
//! `draws.parquet`, `actuals.csv`, `manifest.json`, and `projections.csv` when present) or a
//! comparison folder back into `RunData`, with the manifest checked as the scenario loader checks
//! a scenario.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;

use crate::data::actuals::actuals_from;
use crate::data::projections::projections_from;
use crate::data::{InputError, Table};
use crate::model::metrics::Metric;
use crate::model::stats::Band;
use crate::run_data::{
    CalibrationRow, ChainRow, HindcastRow, Manifest, PoolingRow, RunData, Stats,
};

/// Rows of a table keyed by one text column, with every numeric cell by column name.
type KeyedRows = Vec<(String, BTreeMap<String, f64>)>;

/// Read a finished run folder (`summary.csv`, `monthly.csv`, `chains.csv`, `pooling.csv`,
/// `draws.parquet`, `actuals.csv`, `manifest.json`) for the report.
///
/// # Errors
/// A missing or unreadable file, naming it.
pub fn read_run(dir: &Path) -> Result<RunData, InputError> {
    if !dir.is_dir() {
        return Err(InputError::File {
            path: dir.to_path_buf(),
            message:
                "not a folder; give a run folder written by `omvang run`, e.g. output/baseline"
                    .into(),
        });
    }
    // Only regular files: a device or a link to one in a run folder must not hang the reader.
    parse_run(dir, &|name| {
        let path = dir.join(name);
        std::fs::metadata(&path)
            .is_ok_and(|m| m.is_file())
            .then(|| std::fs::read(&path).ok())
            .flatten()
            .map(Cow::Owned)
    })
}

/// Read a comparison folder (`comparison.json`) and the sibling run folders it names, reference
/// first. The names are checked to be plain folder names, so an edited file cannot point outside
/// the output folder.
///
/// # Errors
/// A missing or malformed `comparison.json`, an unsafe name, or a bad run folder.
pub fn read_comparison(dir: &Path) -> Result<Vec<RunData>, InputError> {
    let path = dir.join("comparison.json");
    let bad = |message: String| InputError::File {
        path: path.clone(),
        message,
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        bad(format!(
            "cannot read: {e}; run `omvang compare` again to make it"
        ))
    })?;
    let manifest: crate::run_data::ComparisonManifest =
        serde_json::from_slice(&bytes).map_err(|e| {
            bad(format!(
                "not a comparison manifest: {e}; run `omvang compare` again to make it"
            ))
        })?;
    if manifest.scenarios.len() < 2 {
        return Err(bad(
            "`scenarios` lists fewer than two runs; run `omvang compare` again to make it".into(),
        ));
    }
    for name in &manifest.scenarios {
        crate::scenario::check_name(name).map_err(|m| {
            bad(format!(
                "`scenarios`: {m}; was it edited? Run `omvang compare` again to make it"
            ))
        })?;
    }
    let parent = dir.parent().unwrap_or(Path::new("."));
    manifest
        .scenarios
        .iter()
        .map(|name| read_run(&parent.join(name)))
        .collect()
}

/// Check a manifest read back from disk as the scenario loader checks a scenario: an edited
/// horizon or iteration count must not exhaust memory, nor a name leave the output folder.
fn check_manifest(m: &Manifest) -> Result<(), String> {
    use crate::scenario::{check_name, BASE_YEARS, MAX_HORIZON_YEARS, MAX_ITERATIONS};
    check_name(&m.scenario).map_err(|e| format!("`scenario`: {e}"))?;
    if !BASE_YEARS.contains(&m.base_year) {
        return Err(format!(
            "`base_year` = {} is outside {}-{}",
            m.base_year,
            BASE_YEARS.start(),
            BASE_YEARS.end()
        ));
    }
    let span = i64::from(m.horizon) - i64::from(m.base_year);
    if !(0..=i64::from(MAX_HORIZON_YEARS)).contains(&span) {
        return Err(format!(
            "`horizon` = {} must lie from `base_year` ({}) to {MAX_HORIZON_YEARS} years after it",
            m.horizon, m.base_year
        ));
    }
    if !(1..=MAX_ITERATIONS).contains(&m.iterations) {
        return Err(format!(
            "`iterations` = {} must lie from 1 to {MAX_ITERATIONS}",
            m.iterations
        ));
    }
    Ok(())
}

/// Parse a run's files, fetched by name through `file` (from disk or from memory).
///
/// # Errors
/// A missing or malformed file, naming it.
pub fn parse_run<'a>(
    dir: &Path,
    file: &dyn Fn(&str) -> Option<Cow<'a, [u8]>>,
) -> Result<RunData, InputError> {
    let fetch = |name: &str| {
        file(name).ok_or_else(|| InputError::File {
            path: dir.join(name),
            message: "missing; is this a complete run folder? Run `omvang run` again to make one"
                .into(),
        })
    };
    let table = |name: &str| Table::parse(&dir.join(name), fetch(name)?.into_owned());
    let bad = |name: &str, message: String| InputError::File {
        path: dir.join(name),
        message,
    };

    let manifest: Manifest = serde_json::from_slice(&fetch("manifest.json")?).map_err(|e| {
        bad(
            "manifest.json",
            format!("not a run manifest: {e}; run `omvang run` again to make it"),
        )
    })?;
    check_manifest(&manifest).map_err(|m| {
        bad(
            "manifest.json",
            format!("{m}; was it edited? Run `omvang run` again to make it"),
        )
    })?;

    let stats_of = |t: &Table, row: usize, c: &[usize]| -> Result<Stats, InputError> {
        let mut s = [0.0; 6];
        for (i, &col) in c.iter().enumerate() {
            s[i] = t.number(row, col)?;
        }
        Ok(s)
    };
    const STATS: [&str; 6] = ["mean", "p05", "p25", "p50", "p75", "p95"];

    let t = table("summary.csv")?;
    let c = t.require(&["metric", "year"])?;
    let s = t.require(&STATS)?;
    let mut yearly = BTreeMap::new();
    for row in 0..t.rows() {
        let year = t.number(row, c[1])? as i32;
        yearly.insert((metric_of(&t, row, c[0])?, year), stats_of(&t, row, &s)?);
    }

    let t = table("monthly.csv")?;
    let c = t.require(&["metric", "month"])?;
    let s = t.require(&STATS)?;
    let mut monthly: BTreeMap<Metric, Vec<(i32, u32, Stats)>> = BTreeMap::new();
    for row in 0..t.rows() {
        let month = t.text(row, c[1])?;
        let (y, m) = month
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
            .ok_or_else(|| t.error(row, format!("`month` is \"{month}\"; expected YYYY-MM")))?;
        monthly
            .entry(metric_of(&t, row, c[0])?)
            .or_default()
            .push((y, m, stats_of(&t, row, &s)?));
    }

    let numeric_rows = |t: &Table, key: &str| -> Result<KeyedRows, InputError> {
        let k = t.require(&[key])?[0];
        (0..t.rows())
            .map(|row| {
                let mut values = BTreeMap::new();
                for (col, name) in t.columns.iter().enumerate() {
                    if col != k && t.cell(row, col).is_some() {
                        if let Ok(v) = t.number(row, col) {
                            values.insert(name.clone(), v);
                        }
                    }
                }
                Ok((t.text(row, k)?.to_string(), values))
            })
            .collect()
    };
    let chains = numeric_rows(&table("chains.csv")?, "chain")?
        .into_iter()
        .map(|(chain, values)| ChainRow { chain, values })
        .collect();
    let pooling = numeric_rows(&table("pooling.csv")?, "rate")?
        .into_iter()
        .map(|(rate, values)| PoolingRow { rate, values })
        .collect();

    let actuals = actuals_from(&table("actuals.csv")?)?;
    let optional = |name: &str| {
        file(name)
            .map(|bytes| Table::parse(&dir.join(name), bytes.into_owned()))
            .transpose()
    };
    let projections = optional("projections.csv")?
        .map(|t| projections_from(&t))
        .transpose()?
        .unwrap_or_default();
    let hindcast = optional("hindcast.csv")?
        .map(|t| hindcast_rows(&t))
        .transpose()?;
    let calibration = optional("calibration.csv")?
        .map(|t| calibration_rows(&t))
        .transpose()?;

    let draws_bytes = fetch("draws.parquet")?;
    let df = ParquetReader::new(std::io::Cursor::new(&*draws_bytes))
        .finish()
        .map_err(|e| {
            bad(
                "draws.parquet",
                format!("cannot read: {}", first_line(&e.to_string())),
            )
        })?;
    drop(draws_bytes);
    // Column by column, each dropped once read: a 100,000-iteration run's frame and its `f64`
    // copy are never both whole in memory.
    let mut draws = BTreeMap::new();
    for col in df.into_columns() {
        let values = col
            .cast(&DataType::Float64)
            .and_then(|c| {
                Ok(c.f64()?
                    .iter()
                    .map(|v| v.unwrap_or(f64::NAN))
                    .collect::<Vec<f64>>())
            })
            .map_err(|e| bad("draws.parquet", format!("column `{}`: {e}", col.name())))?;
        draws.insert(col.name().to_string(), values);
    }

    Ok(RunData {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| manifest.scenario.clone()),
        manifest,
        yearly,
        monthly,
        chains,
        pooling,
        draws,
        actuals,
        projections,
        hindcast,
        calibration,
    })
}

/// Low, median and high from three columns; all empty gives `None` (a run not calibrated).
fn band(t: &Table, row: usize, c: &[usize]) -> Result<Option<Band>, InputError> {
    if c.iter().all(|&col| t.cell(row, col).is_none()) {
        return Ok(None);
    }
    Ok(Some(Band {
        low: t.number(row, c[0])?,
        median: t.number(row, c[1])?,
        high: t.number(row, c[2])?,
    }))
}

/// The metric a row names, parsed once here: everything downstream looks metrics up by type.
fn metric_of(t: &Table, row: usize, col: usize) -> Result<Metric, InputError> {
    let name = t.text(row, col)?;
    Metric::parse(name).ok_or_else(|| {
        t.error(
            row,
            format!("metric \"{name}\" is not one omvang writes; was the folder written by another version of omvang? Run the scenario again"),
        )
    })
}

/// `hindcast.csv`: `metric,date,observed,coverage,prior_median,prior_low,prior_high,
/// posterior_median,posterior_low,posterior_high,predictive_median,predictive_low,
/// predictive_high,source` (the predictive columns may be absent: folders of older omvang).
fn hindcast_rows(t: &Table) -> Result<Vec<HindcastRow>, InputError> {
    let c = t.require(&[
        "metric",
        "date",
        "observed",
        "coverage",
        "prior_low",
        "prior_median",
        "prior_high",
        "posterior_low",
        "posterior_median",
        "posterior_high",
        "source",
    ])?;
    let predictive = t
        .require(&["predictive_low", "predictive_median", "predictive_high"])
        .ok();
    (0..t.rows())
        .map(|row| {
            let prior = band(t, row, &c[4..7])?
                .ok_or_else(|| t.error(row, "the prior columns are empty".into()))?;
            Ok(HindcastRow {
                metric: metric_of(t, row, c[0])?,
                date: t.date(row, c[1])?,
                observed: t.number(row, c[2])?,
                coverage: t.number(row, c[3])?,
                prior,
                posterior: band(t, row, &c[7..10])?,
                predictive: match &predictive {
                    Some(p) => band(t, row, p)?,
                    None => None,
                },
                source: t.cell(row, c[10]).unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// `calibration.csv`: `parameter,prior_median,prior_low,prior_high,posterior_median,
/// posterior_low,posterior_high`.
fn calibration_rows(t: &Table) -> Result<Vec<CalibrationRow>, InputError> {
    let c = t.require(&[
        "parameter",
        "prior_low",
        "prior_median",
        "prior_high",
        "posterior_low",
        "posterior_median",
        "posterior_high",
    ])?;
    let full = |row: usize, cols: &[usize], what: &str| {
        band(t, row, cols)?.ok_or_else(|| t.error(row, format!("the {what} columns are empty")))
    };
    (0..t.rows())
        .map(|row| {
            Ok(CalibrationRow {
                parameter: t.text(row, c[0])?.to_string(),
                prior: full(row, &c[1..4], "prior")?,
                posterior: full(row, &c[4..7], "posterior")?,
            })
        })
        .collect()
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}
