//! Reading the input tables (population, prevalence, chain data photos, national actuals) from
//! CSV with polars, validated field by field so every error names its file, line and column.
//! This is an edge of the library: the engine never reads files itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::chains::{ChainRecord, Date};
use crate::epidemiology::{Population, Prevalence, PrevalenceBand, Sex, OLDEST_AGE};
use crate::run_data::{ChainRow, Manifest, PoolingRow, RunData, Stats};
use crate::scenario::Scenario;
use crate::simulate::{Actual, Inputs};

/// A bad input file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}: line {line}: {message}")]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// A CSV read as text: header names and the cells of each row (None for empty cells).
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub columns: Vec<String>,
    cells: Vec<Vec<Option<String>>>,
}

impl Table {
    /// Read a CSV with a header, every column as text.
    ///
    /// # Errors
    /// A missing file, or a file polars cannot parse as CSV.
    pub fn read(path: &Path) -> Result<Table, InputError> {
        if !path.is_file() {
            return Err(InputError::File {
                path: path.to_path_buf(),
                message: "file not found; check the path (scenario data paths are relative to the scenario file)".into(),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| InputError::File {
            path: path.to_path_buf(),
            message: format!("cannot read: {e}"),
        })?;
        Table::parse(path, bytes)
    }

    /// Parse CSV bytes with a header, every column as text; `path` names them in errors.
    ///
    /// # Errors
    /// Bytes polars cannot parse as CSV.
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Table, InputError> {
        let file_err = |message: String| InputError::File {
            path: path.to_path_buf(),
            message,
        };
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(std::io::Cursor::new(bytes))
            .finish()
            .map_err(|e| {
                file_err(format!(
                    "cannot read as CSV: {}",
                    first_line(&e.to_string())
                ))
            })?;
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        let mut cells = vec![Vec::with_capacity(columns.len()); df.height()];
        for col in df.columns() {
            let s = col.str().map_err(|e| {
                file_err(format!(
                    "cannot read as text: {}",
                    first_line(&e.to_string())
                ))
            })?;
            for (row, v) in s.iter().enumerate() {
                cells[row].push(v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()));
            }
        }
        Ok(Table {
            path: path.to_path_buf(),
            columns,
            cells,
        })
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.cells.len()
    }

    /// The line in the file of data row `row` (the header is line 1).
    pub fn line(&self, row: usize) -> usize {
        row + 2
    }

    /// Index of each required column.
    ///
    /// # Errors
    /// The first missing column, listing what the file has.
    pub fn require(&self, required: &[&str]) -> Result<Vec<usize>, InputError> {
        required
            .iter()
            .map(|name| {
                self.columns
                    .iter()
                    .position(|c| c == name)
                    .ok_or_else(|| InputError::File {
                        path: self.path.clone(),
                        message: format!(
                            "missing column `{name}`; the header must contain {} (found: {})",
                            required.join(", "),
                            self.columns.join(", ")
                        ),
                    })
            })
            .collect()
    }

    fn error(&self, row: usize, message: String) -> InputError {
        InputError::Line {
            path: self.path.clone(),
            line: self.line(row),
            message,
        }
    }

    /// Text of a cell, required.
    pub fn text(&self, row: usize, col: usize) -> Result<&str, InputError> {
        self.cells[row][col].as_deref().ok_or_else(|| {
            self.error(
                row,
                format!("`{}` is empty; give a value", self.columns[col]),
            )
        })
    }

    /// A number, required, finite.
    pub fn number(&self, row: usize, col: usize) -> Result<f64, InputError> {
        let t = self.text(row, col)?;
        t.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                self.error(
                    row,
                    format!("`{}` is \"{t}\", not a number", self.columns[col]),
                )
            })
    }

    /// A count: a number that is not negative.
    pub fn count(&self, row: usize, col: usize) -> Result<f64, InputError> {
        let v = self.number(row, col)?;
        if v < 0.0 {
            return Err(self.error(
                row,
                format!(
                    "`{}` is {v}, but a count cannot be negative",
                    self.columns[col]
                ),
            ));
        }
        Ok(v)
    }

    /// An ISO date.
    pub fn date(&self, row: usize, col: usize) -> Result<Date, InputError> {
        let t = self.text(row, col)?;
        Date::parse(t).map_err(|m| self.error(row, format!("`{}`: {m}", self.columns[col])))
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

fn sex(table: &Table, row: usize, col: usize) -> Result<Sex, InputError> {
    match table.text(row, col)? {
        "M" | "m" | "male" | "man" => Ok(Sex::Male),
        "F" | "f" | "V" | "v" | "female" | "vrouw" => Ok(Sex::Female),
        other => Err(table.error(row, format!("`sex` is \"{other}\"; use M or F"))),
    }
}

/// Read the CBS population table: `year, sex, age, population`.
///
/// # Errors
/// Missing columns and bad cells, with their line.
pub fn read_population(path: &Path) -> Result<Population, InputError> {
    let t = Table::read(path)?;
    let c = t.require(&["year", "sex", "age", "population"])?;
    let mut pop = Population::default();
    for row in 0..t.rows() {
        let year = t.number(row, c[0])?;
        let age = t.count(row, c[2])?;
        if year.fract() != 0.0 || age.fract() != 0.0 {
            return Err(t.error(row, "`year` and `age` must be whole numbers".into()));
        }
        let sex = sex(&t, row, c[1])?;
        let count = t.count(row, c[3])?;
        pop.add(year as i32, sex, (age as usize).min(OLDEST_AGE), count);
    }
    if t.rows() == 0 {
        return Err(InputError::File {
            path: path.to_path_buf(),
            message: "no rows".into(),
        });
    }
    Ok(pop)
}

/// Read prevalence bands: `age_min, age_max, sex, prevalence_percent` (empty `age_max` = open).
///
/// # Errors
/// Missing columns, bad cells, overlapping bands.
pub fn read_prevalence(path: &Path) -> Result<Prevalence, InputError> {
    let t = Table::read(path)?;
    let c = t.require(&["age_min", "age_max", "sex", "prevalence_percent"])?;
    let mut bands = Vec::new();
    for row in 0..t.rows() {
        let age_min = t.count(row, c[0])? as usize;
        let age_max = match t.cells[row][c[1]] {
            None => None,
            Some(_) => Some(t.count(row, c[1])? as usize),
        };
        let rate = t.count(row, c[3])? / 100.0;
        if rate > 1.0 {
            return Err(t.error(row, "`prevalence_percent` is above 100".into()));
        }
        bands.push(PrevalenceBand {
            age_min,
            age_max,
            sex: sex(&t, row, c[2])?,
            rate,
        });
    }
    Prevalence::new(bands).map_err(|message| InputError::File {
        path: path.to_path_buf(),
        message,
    })
}

/// The columns of a chain data photo (DESIGN.md §2), in order.
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

/// Read one chain data photo.
///
/// # Errors
/// Missing columns, empty, non-numeric or negative counts, bad dates, a period that ends
/// before it starts, each with file and line.
pub fn read_chains(path: &Path) -> Result<Vec<ChainRecord>, InputError> {
    let t = Table::read(path)?;
    let c = t.require(&CHAIN_COLUMNS)?;
    let mut out = Vec::with_capacity(t.rows());
    for row in 0..t.rows() {
        let period_start = t.date(row, c[1])?;
        let period_end = t.date(row, c[2])?;
        if period_end < period_start {
            return Err(t.error(
                row,
                format!("period_end {period_end} is before period_start {period_start}; swap them or fix the dates"),
            ));
        }
        let population_65plus = t.count(row, c[3])?;
        if population_65plus == 0.0 {
            return Err(t.error(
                row,
                "`population_65plus` is 0; give the region's inhabitants aged 65 and over".into(),
            ));
        }
        out.push(ChainRecord {
            source: path.to_path_buf(),
            line: t.line(row),
            chain: t.text(row, c[0])?.to_string(),
            period_start,
            period_end,
            population_65plus,
            clients_start: t.count(row, c[4])?,
            clients_end: t.count(row, c[5])?,
            inflow: t.count(row, c[6])?,
            outflow_death: t.count(row, c[7])?,
            outflow_institution: t.count(row, c[8])?,
            outflow_other: t.count(row, c[9])?,
            waiting_end: t.count(row, c[10])?,
            fte: t.count(row, c[11])?,
        });
    }
    if out.is_empty() {
        return Err(InputError::File {
            path: path.to_path_buf(),
            message: "no chain records below the header".into(),
        });
    }
    Ok(out)
}

/// Read national actuals: `metric, date, value, source` (other columns are kept for people).
///
/// # Errors
/// Missing columns and bad cells.
pub fn read_actuals(path: &Path) -> Result<Vec<Actual>, InputError> {
    actuals_from(&Table::read(path)?)
}

fn actuals_from(t: &Table) -> Result<Vec<Actual>, InputError> {
    let c = t.require(&["metric", "date", "value", "source"])?;
    (0..t.rows())
        .map(|row| {
            Ok(Actual {
                metric: t.text(row, c[0])?.to_string(),
                date: t.date(row, c[1])?,
                value: t.number(row, c[2])?,
                source: t.text(row, c[3])?.to_string(),
            })
        })
        .collect()
}

/// Read every input a scenario names. Chain files are concatenated; a chain id may appear in
/// one file only.
///
/// # Errors
/// The first bad file.
pub fn read_inputs(scenario: &Scenario) -> Result<Inputs, InputError> {
    let population = read_population(&scenario.data.population)?;
    let prevalence = read_prevalence(&scenario.data.prevalence)?;
    let mut chains: Vec<ChainRecord> = Vec::new();
    for path in &scenario.data.chains {
        let records = read_chains(path)?;
        if let Some(clash) = records.iter().find(|r| {
            chains
                .iter()
                .any(|c| c.chain == r.chain && c.source != r.source)
        }) {
            return Err(InputError::Line {
                path: path.clone(),
                line: clash.line,
                message: format!(
                    "chain `{}` also appears in another chain file; give each chain a unique id",
                    clash.chain
                ),
            });
        }
        chains.extend(records);
    }
    let actuals = match &scenario.data.actuals {
        Some(p) => read_actuals(p)?,
        None => Vec::new(),
    };
    Ok(Inputs {
        population,
        prevalence,
        chains,
        actuals,
    })
}

/// Paths of every input file of a scenario, for the manifest.
pub fn input_files(scenario: &Scenario) -> Vec<PathBuf> {
    let d = &scenario.data;
    let mut files = vec![d.population.clone(), d.prevalence.clone()];
    files.extend(d.chains.iter().cloned());
    files.extend(d.actuals.iter().cloned());
    files
}

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
pub fn parse_run(
    dir: &Path,
    file: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<RunData, InputError> {
    let fetch = |name: &str| {
        file(name).ok_or_else(|| InputError::File {
            path: dir.join(name),
            message: "missing; is this a complete run folder? Run `omvang run` again to make one"
                .into(),
        })
    };
    let table = |name: &str| Table::parse(&dir.join(name), fetch(name)?);
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
        yearly.insert(
            (t.text(row, c[0])?.to_string(), year),
            stats_of(&t, row, &s)?,
        );
    }

    let t = table("monthly.csv")?;
    let c = t.require(&["metric", "month"])?;
    let s = t.require(&STATS)?;
    let mut monthly: BTreeMap<String, Vec<(i32, u32, Stats)>> = BTreeMap::new();
    for row in 0..t.rows() {
        let month = t.text(row, c[1])?;
        let (y, m) = month
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
            .ok_or_else(|| t.error(row, format!("`month` is \"{month}\"; expected YYYY-MM")))?;
        monthly
            .entry(t.text(row, c[0])?.to_string())
            .or_default()
            .push((y, m, stats_of(&t, row, &s)?));
    }

    let numeric_rows = |t: &Table, key: &str| -> Result<KeyedRows, InputError> {
        let k = t.require(&[key])?[0];
        (0..t.rows())
            .map(|row| {
                let mut values = BTreeMap::new();
                for (col, name) in t.columns.iter().enumerate() {
                    if col != k && t.cells[row][col].is_some() {
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

    let df = ParquetReader::new(std::io::Cursor::new(fetch("draws.parquet")?))
        .finish()
        .map_err(|e| {
            bad(
                "draws.parquet",
                format!("cannot read: {}", first_line(&e.to_string())),
            )
        })?;
    let mut draws = BTreeMap::new();
    for col in df.columns() {
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
    })
}
