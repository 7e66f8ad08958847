//! Published national figures (`metric, date, value, source`) and `Inputs`, everything read
//! from disk for one scenario.

use std::path::{Path, PathBuf};

use super::chains::ChainRecord;
use super::date::Date;
use super::format::InputFormat;
use super::notes::Note;
use super::population::Population;
use super::prevalence::Prevalence;
use super::projections::Projection;
use super::table::Table;
use super::InputError;

/// A published national figure (`data/national/actuals.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    pub metric: String,
    pub date: Date,
    pub value: f64,
    pub source: String,
    /// Share of the country the figure covers (the optional `coverage` column; 1 if absent).
    pub coverage: f64,
    /// Its stated measurement error as the sd of the log (the optional `sd_log` column; absent:
    /// the observation model's error for the metric).
    pub sd_log: Option<f64>,
}

/// Everything read from disk for one scenario.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub population: Population,
    pub prevalence: Prevalence,
    pub chains: Vec<ChainRecord>,
    pub actuals: Vec<Actual>,
    /// Projections by others (`data.projections`), shown beside the model.
    pub projections: Vec<Projection>,
    /// Remarks from reading the files (formats other than plain UTF-8 CSV, warnings).
    pub notes: Vec<Note>,
    /// How each file was written, in the order read.
    pub formats: Vec<(PathBuf, InputFormat)>,
}

/// Read national actuals: `metric, date, value, source` and optionally `coverage` and
/// `sd_log` (other columns, e.g. `definition`, are for people).
///
/// # Errors
/// Missing columns and bad cells.
pub fn read_actuals(path: &Path) -> Result<Vec<Actual>, InputError> {
    actuals_from(&Table::read(path)?)
}

/// Parse national actuals.
///
/// # Errors
/// Missing columns and bad cells.
pub fn parse_actuals(path: &Path, bytes: Vec<u8>) -> Result<Vec<Actual>, InputError> {
    actuals_from(&Table::parse(path, bytes)?)
}

pub fn actuals_from(t: &Table) -> Result<Vec<Actual>, InputError> {
    let c = t.require(&["metric", "date", "value", "source"])?;
    let coverage_column = t.require(&["coverage"]).ok().map(|c| c[0]);
    let sd_column = t.require(&["sd_log"]).ok().map(|c| c[0]);
    (0..t.rows())
        .map(|row| {
            let coverage = match coverage_column {
                Some(col) if t.cell(row, col).is_some() => {
                    let v = t.number(row, col)?;
                    if !(v > 0.0 && v <= 1.0) {
                        return Err(t.error(
                            row,
                            format!("coverage is {v}; give the share of the country the figure covers, in (0, 1], e.g. 0.97"),
                        ));
                    }
                    v
                }
                _ => 1.0,
            };
            let sd_log = match sd_column {
                Some(col) if t.cell(row, col).is_some() => {
                    let v = t.number(row, col)?;
                    if !(v > 0.0 && v <= 2.0) {
                        return Err(t.error(
                            row,
                            format!("sd_log is {v}; give the figure's measurement error as the standard deviation of its log, above 0 and at most 2, e.g. 0.05 for 5%, or leave it empty"),
                        ));
                    }
                    Some(v)
                }
                _ => None,
            };
            let value = t.number(row, c[2])?;
            if value < 0.0 {
                return Err(t.error(
                    row,
                    format!("value is {value}; a published figure cannot be negative"),
                ));
            }
            Ok(Actual {
                metric: t.text(row, c[0])?.to_string(),
                date: t.date(row, c[1])?,
                value,
                source: t.text(row, c[3])?.to_string(),
                coverage,
                sd_log,
            })
        })
        .collect()
}
