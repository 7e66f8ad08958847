//! The data photo of regional dementia chains: one `ChainRecord` per chain per period
//! (docs/chain-data.md), its reader and checks, and `ChainsError` for records that cannot give rates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::date::{Date, DAYS_PER_YEAR};
use super::notes::Note;
use super::table::{Read, Table};
use super::InputError;

/// One chain, one period: a row of the data photo.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRecord {
    /// File and line the record came from, for messages.
    pub source: PathBuf,
    pub line: usize,
    pub chain: String,
    pub period_start: Date,
    /// Inclusive: a quarter runs from 01-01 to 03-31.
    pub period_end: Date,
    pub population_65plus: f64,
    pub clients_start: f64,
    pub clients_end: f64,
    pub inflow: f64,
    pub outflow_death: f64,
    pub outflow_institution: f64,
    pub outflow_other: f64,
    pub waiting_end: f64,
    pub fte: f64,
}

impl ChainRecord {
    /// Length of the period in years (end inclusive).
    pub fn years(&self) -> f64 {
        (self.period_end.day_number() - self.period_start.day_number() + 1) as f64 / DAYS_PER_YEAR
    }

    /// `clients_end − (clients_start + inflow − outflow)`: zero when the flows add up.
    pub fn imbalance(&self) -> f64 {
        self.clients_end
            - (self.clients_start + self.inflow
                - self.outflow_death
                - self.outflow_institution
                - self.outflow_other)
    }
}

/// Why a chain's data photo cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainsError {
    #[error("{file}: line {line}: chain {chain}: flows do not add up: clients_end {clients_end} but clients_start + inflow - outflow = {expected} ({share:.1}% of its mean clients, tolerance {tolerance:.1}%); correct the counts or raise pooling.max_flow_imbalance")]
    Imbalance {
        file: PathBuf,
        line: usize,
        chain: String,
        clients_end: f64,
        expected: f64,
        share: f64,
        tolerance: f64,
    },
    #[error("{file}: line {line}: chain {chain}: period {start}..{end} overlaps the chain's previous period; give each period once")]
    Overlap {
        file: PathBuf,
        line: usize,
        chain: String,
        start: Date,
        end: Date,
    },
    #[error(
        "{file}: chain {chain} has no clients in any period, so none of its rates exist; remove it"
    )]
    NoClients { file: PathBuf, chain: String },
    #[error("no chain records: the data photo is empty")]
    Empty,
}

/// The most inhabitants 65+ or people one chain count may hold (the Netherlands has about 3.6
/// million inhabitants 65+).
pub const MAX_CHAIN_COUNT: f64 = 5_000_000.0;

/// The most case-manager FTE one chain may report.
pub const MAX_FTE: f64 = 100_000.0;

/// Chain periods further than this many years from the base year are reported.
pub const PERIOD_DISTANCE_YEARS: i32 = 2;

/// The columns of a chain data photo (docs/chain-data.md), in order.
pub const CHAIN_COLUMNS: [&str; 12] = [
    "chain",
    "period_start",
    "period_end",
    "population_65plus",
    "clients_start",
    "clients_end",
    "inflow",
    "outflow_death",
    "outflow_institution",
    "outflow_other",
    "waiting_end",
    "fte",
];

/// A chain data file to start from: the header and one example record whose flows add up.
pub fn chain_template() -> String {
    format!(
        "{}\nKeten-Voorbeeld,2018-01-01,2018-03-31,85000,600,610,70,20,30,10,25,9.5\n",
        CHAIN_COLUMNS.join(",")
    )
}

/// Read one chain data photo.
///
/// # Errors
/// See `parse_chains`.
pub fn read_chains(path: &Path) -> Result<Vec<ChainRecord>, InputError> {
    Ok(chains_from(&Table::read(path)?)?.value)
}

/// Parse one chain data photo.
///
/// # Errors
/// Missing columns; empty, non-numeric, negative or implausibly large counts (above
/// `MAX_CHAIN_COUNT`, or above the region's inhabitants 65+; FTE above `MAX_FTE`); bad dates; a
/// period that ends before it starts; a chain and period start given twice (naming both lines).
pub fn parse_chains(path: &Path, bytes: Vec<u8>) -> Result<Read<Vec<ChainRecord>>, InputError> {
    chains_from(&Table::parse(path, bytes)?)
}

pub fn chains_from(t: &Table) -> Result<Read<Vec<ChainRecord>>, InputError> {
    let c = t.require(&CHAIN_COLUMNS)?;
    let mut out = Vec::with_capacity(t.rows());
    let mut seen: HashMap<(&str, Date), usize> = HashMap::with_capacity(t.rows());
    for row in 0..t.rows() {
        let chain = t.text(row, c[0])?;
        let period_start = t.date(row, c[1])?;
        let period_end = t.date(row, c[2])?;
        if period_end < period_start {
            return Err(t.error(
                row,
                format!("period_end {period_end} is before period_start {period_start}; swap them or fix the dates"),
            ));
        }
        let population_65plus = t.bounded(
            row,
            c[3],
            MAX_CHAIN_COUNT,
            "all inhabitants aged 65 and over of the Netherlands",
        )?;
        if population_65plus == 0.0 {
            return Err(t.error(
                row,
                "`population_65plus` is 0; give the region's inhabitants aged 65 and over".into(),
            ));
        }
        let people = |col: usize| -> Result<f64, InputError> {
            let v = t.bounded(row, col, MAX_CHAIN_COUNT, "a plausible count of people")?;
            if v > population_65plus {
                return Err(t.error(
                    row,
                    format!(
                        "`{}` is {v}, more than the region's population_65plus ({population_65plus}); correct the count or population_65plus",
                        t.columns[col]
                    ),
                ));
            }
            Ok(v)
        };
        out.push(ChainRecord {
            source: t.path.clone(),
            line: t.line(row),
            chain: chain.to_string(),
            period_start,
            period_end,
            population_65plus,
            clients_start: people(c[4])?,
            clients_end: people(c[5])?,
            inflow: people(c[6])?,
            outflow_death: people(c[7])?,
            outflow_institution: people(c[8])?,
            outflow_other: people(c[9])?,
            waiting_end: people(c[10])?,
            fte: t.bounded(
                row,
                c[11],
                MAX_FTE,
                "a plausible number of case-manager FTE",
            )?,
        });
        if let Some(first) = seen.insert((chain, period_start), t.line(row)) {
            return Err(t.error(
                row,
                format!("chain `{chain}` has a period starting {period_start} twice (also on line {first}); give each period once"),
            ));
        }
    }
    if out.is_empty() {
        return Err(InputError::File {
            path: t.path.clone(),
            message: "no chain records below the header; give one row per chain and period".into(),
        });
    }
    Ok(Read {
        value: out,
        format: t.format(),
        rows: t.rows(),
        warnings: Vec::new(),
    })
}

/// A warning for chain periods more than `PERIOD_DISTANCE_YEARS` from the base year.
pub fn distant_periods(path: &Path, records: &[ChainRecord], base_year: i32) -> Option<Note> {
    let far: Vec<&ChainRecord> = records
        .iter()
        .filter(|r| {
            r.period_end.year < base_year - PERIOD_DISTANCE_YEARS
                || r.period_start.year > base_year + PERIOD_DISTANCE_YEARS
        })
        .collect();
    let first = far.first()?;
    Some(Note::DistantPeriods {
        file: path.display().to_string(),
        periods: far.len(),
        years: PERIOD_DISTANCE_YEARS,
        base_year,
        line: first.line,
        start: first.period_start.to_string(),
        end: first.period_end.to_string(),
    })
}
