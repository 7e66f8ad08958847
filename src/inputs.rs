//! Reading the input tables (population, prevalence, chain data photos, national actuals) record
//! by record, as spreadsheets export them (UTF-8 or Windows-1252, `,` or Dutch `;` with decimal
//! commas), so that every error names its file, line and fix. The engine never reads files.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::chains::{derive_rates, uptake_outliers, ChainRecord, ChainsError, Date};
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
    /// Chain records that cannot give rates (overlapping periods, no clients), found by `check`.
    #[error(transparent)]
    Chains(#[from] ChainsError),
}

/// The most people one year-sex-age cell of the population may hold: the Netherlands has about
/// 130,000 per sex and year of age, so more is a typo (and would stall the samplers).
pub const MAX_POPULATION_CELL: f64 = 2_000_000.0;
/// The most inhabitants 65+ or people one chain count may hold (the Netherlands has about 3.6
/// million inhabitants 65+).
pub const MAX_CHAIN_COUNT: f64 = 5_000_000.0;
/// The most case-manager FTE one chain may report.
pub const MAX_FTE: f64 = 100_000.0;
/// A population cell that changes by more than this share from one year to the next is reported.
pub const POPULATION_JUMP: f64 = 0.5;
/// Chain periods further than this many years from the base year are reported.
pub const PERIOD_DISTANCE_YEARS: i32 = 2;

/// The character encoding a table was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 that starts with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// Bytes that are not UTF-8, read as Windows-1252 (Excel's plain "CSV" on Windows; a
    /// superset of Latin-1 for letters such as ë and é).
    Windows1252,
}

/// How a table was written, as detected from its bytes and header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputFormat {
    /// `,`, `;` or tab, whichever the header line holds most of.
    pub separator: u8,
    pub encoding: TextEncoding,
    /// With `;` the decimal mark is a comma and a point groups thousands (`1.234,5`), as Dutch
    /// Excel writes numbers.
    pub decimal_comma: bool,
    /// Lines end in CR LF (Windows).
    pub crlf: bool,
}

impl InputFormat {
    /// UTF-8 (with or without BOM), `,`-separated, decimal points: nothing worth noting.
    pub fn is_plain(&self) -> bool {
        self.encoding != TextEncoding::Windows1252 && self.separator == b',' && !self.decimal_comma
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let encoding = match self.encoding {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with byte-order mark",
            TextEncoding::Windows1252 => "Windows-1252",
        };
        let separator = match self.separator {
            b'\t' => "tab".to_string(),
            s => format!("`{}`", s as char),
        };
        write!(f, "{encoding}, {separator}-separated")?;
        if self.decimal_comma {
            write!(f, ", decimal commas")?;
        }
        if self.crlf {
            write!(f, ", CRLF line ends")?;
        }
        Ok(())
    }
}

/// A CSV read as text: header names and the cells of each record with the line it starts on.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub columns: Vec<String>,
    format: InputFormat,
    records: Vec<csv::StringRecord>,
}

impl Table {
    /// Read a CSV with a header.
    ///
    /// # Errors
    /// A missing or unreadable file, or bytes that are not a table (see `parse`).
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

    /// Parse CSV bytes with a header; `path` names them in errors. UTF-8 (with or without BOM)
    /// or else Windows-1252; `,`, `;` or tab as the header line shows; CRLF or LF; an Excel
    /// `sep=;` first line is honoured. Blank records are skipped.
    ///
    /// # Errors
    /// UTF-16 or a workbook instead of CSV, no header, a header naming a column twice, or a
    /// record with more or fewer fields than the header, with its line.
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Table, InputError> {
        let file_err = |message: String| InputError::File {
            path: path.to_path_buf(),
            message,
        };
        let (text, encoding) = decode(path, bytes)?;
        // The csv crate counts a CRLF record's line before its LF: read LF line ends, so that
        // line numbers stay right (a CR LF inside a quoted value becomes LF, which no reader
        // here distinguishes).
        let crlf = text.contains("\r\n");
        let text = if crlf {
            text.replace("\r\n", "\n")
        } else {
            text
        };
        let first = text
            .split('\n')
            .find(|l| !l.trim().is_empty())
            .ok_or_else(|| {
                file_err("empty; the first line must be the header with the column names".into())
            })?;
        let excel_hint = first
            .trim()
            .strip_prefix("sep=")
            .and_then(|s| (s.len() == 1).then(|| s.as_bytes()[0]));
        let separator = excel_hint.unwrap_or_else(|| detect_separator(first));
        let format = InputFormat {
            separator,
            encoding,
            decimal_comma: separator == b';',
            crlf,
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let csv_err = |e: csv::Error| {
            let message = format!("cannot read as CSV: {e}");
            match e.position() {
                Some(p) => InputError::Line {
                    path: path.to_path_buf(),
                    line: p.line() as usize,
                    message,
                },
                None => file_err(message),
            }
        };
        let mut records = reader.records();
        if excel_hint.is_some() {
            records.next().transpose().map_err(csv_err)?;
        }
        let header = records
            .next()
            .transpose()
            .map_err(csv_err)?
            .ok_or_else(|| file_err("no header; the first line must name the columns".into()))?;
        let columns: Vec<String> = header.iter().map(str::to_string).collect();
        for (i, name) in columns.iter().enumerate() {
            if !name.is_empty() && columns[..i].contains(name) {
                return Err(file_err(format!(
                    "column `{name}` appears twice in the header; keep one of them"
                )));
            }
        }
        let mut kept = Vec::new();
        for record in records {
            let mut record = record.map_err(csv_err)?;
            if record.iter().all(str::is_empty) {
                continue;
            }
            if record.len() > columns.len() && record.iter().skip(columns.len()).all(str::is_empty)
            {
                // Trailing separators that spreadsheets add: nothing in the extra fields.
                record.truncate(columns.len());
            }
            if record.len() != columns.len() {
                let line = record.position().map_or(0, |p| p.line() as usize);
                return Err(InputError::Line {
                    path: path.to_path_buf(),
                    line,
                    message: format!(
                        "{} fields, but the header has {}; quote a value that contains `{}` or remove the stray separator",
                        record.len(),
                        columns.len(),
                        separator as char
                    ),
                });
            }
            kept.push(record);
        }
        Ok(Table {
            path: path.to_path_buf(),
            columns,
            format,
            records: kept,
        })
    }

    /// How the file was written.
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.records.len()
    }

    /// The line in the file where data row `row` starts (the header is line 1).
    pub fn line(&self, row: usize) -> usize {
        self.records[row]
            .position()
            .map_or(0, |p| p.line() as usize)
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

    /// Text of a cell, `None` when empty.
    pub fn cell(&self, row: usize, col: usize) -> Option<&str> {
        self.records[row].get(col).filter(|c| !c.is_empty())
    }

    /// Text of a cell, required.
    pub fn text(&self, row: usize, col: usize) -> Result<&str, InputError> {
        self.cell(row, col).ok_or_else(|| {
            self.error(
                row,
                format!("`{}` is empty; give a value", self.columns[col]),
            )
        })
    }

    /// A number, required, finite; with decimal commas in a `;`-separated file.
    pub fn number(&self, row: usize, col: usize) -> Result<f64, InputError> {
        let t = self.text(row, col)?;
        parse_number(t, self.format.decimal_comma)
            .map_err(|why| self.error(row, format!("`{}` is \"{t}\", {why}", self.columns[col])))
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

    /// A count of at most `max`; `what` says why more is implausible.
    fn bounded(&self, row: usize, col: usize, max: f64, what: &str) -> Result<f64, InputError> {
        let v = self.count(row, col)?;
        if v > max {
            return Err(self.error(
                row,
                format!(
                    "`{}` is {v}, more than {what} ({max}); correct the typo",
                    self.columns[col]
                ),
            ));
        }
        Ok(v)
    }

    /// A whole number within `range`.
    fn whole(
        &self,
        row: usize,
        col: usize,
        range: std::ops::RangeInclusive<i32>,
    ) -> Result<i32, InputError> {
        let v = self.number(row, col)?;
        if v.fract() != 0.0 || !(*range.start() as f64..=*range.end() as f64).contains(&v) {
            return Err(self.error(
                row,
                format!(
                    "`{}` is {v}; give a whole number from {} to {}",
                    self.columns[col],
                    range.start(),
                    range.end()
                ),
            ));
        }
        Ok(v as i32)
    }

    /// An ISO date.
    pub fn date(&self, row: usize, col: usize) -> Result<Date, InputError> {
        let t = self.text(row, col)?;
        Date::parse(t).map_err(|m| self.error(row, format!("`{}`: {m}", self.columns[col])))
    }
}

/// The text of the bytes and its encoding: UTF-8 (a BOM dropped) or else Windows-1252.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<(String, TextEncoding), InputError> {
    let file_err = |message: &str| InputError::File {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(file_err("UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or as \"CSV (gescheiden door lijstscheidingsteken)\""));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_err(
            "an Excel workbook, not CSV; in Excel use Save As and choose \"CSV UTF-8\"",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((text.to_string(), TextEncoding::Utf8Bom)),
            Err(e) => Err(InputError::Line {
                path: path.to_path_buf(),
                line: 1 + rest[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count(),
                message: "not UTF-8, although the file starts with a UTF-8 byte-order mark; save it again as \"CSV UTF-8\"".into(),
            }),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, TextEncoding::Utf8)),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            Ok((text.into_owned(), TextEncoding::Windows1252))
        }
    }
}

/// The separator a header line uses most, outside quotes: `;` (Dutch Excel), tab, or `,`.
fn detect_separator(header: &str) -> u8 {
    let (mut comma, mut semicolon, mut tab, mut quoted) = (0, 0, 0, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semicolon += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

/// A finite number; with `decimal_comma` as Dutch Excel writes it (`1,5`, `1.234,5`, `1.234`).
fn parse_number(t: &str, decimal_comma: bool) -> Result<f64, &'static str> {
    let text: Cow<str> = if decimal_comma {
        Cow::Owned(dutch_number(t)?)
    } else {
        Cow::Borrowed(t)
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err("not a finite number; give an ordinary number"),
        Err(_) if !decimal_comma && t.contains(',') => Err("not a number; in a file separated by `,` write decimals with a point (1.5) and no thousands separators"),
        Err(_) => Err("not a number"),
    }
}

/// Dutch number text as Rust reads it: thousands points dropped, the decimal comma a point.
fn dutch_number(t: &str) -> Result<String, &'static str> {
    const HINT: &str = "not a number; in a file separated by `;` the decimal mark is a comma and a point groups thousands: write 1,5 or 1.234,5";
    let (int, frac) = match t.split_once(',') {
        Some((_, f)) if f.contains(',') => return Err(HINT),
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let int = if int.contains('.') {
        let (sign, body) = match int.strip_prefix(['-', '+']) {
            Some(b) => (&int[..1], b),
            None => ("", int),
        };
        let mut groups = body.split('.');
        let lead = groups.next().unwrap_or("");
        let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
        if !(1..=3).contains(&lead.len()) || !digits(lead) {
            return Err(HINT);
        }
        let mut out = format!("{sign}{lead}");
        for g in groups {
            if g.len() != 3 || !digits(g) {
                return Err(HINT);
            }
            out.push_str(g);
        }
        out
    } else {
        int.to_string()
    };
    Ok(match frac {
        Some(f) if f.contains('.') => return Err(HINT),
        Some(f) => format!("{int}.{f}"),
        None => int,
    })
}

fn sex(table: &Table, row: usize, col: usize) -> Result<Sex, InputError> {
    match table.text(row, col)? {
        "M" | "m" | "male" | "man" => Ok(Sex::Male),
        "F" | "f" | "V" | "v" | "female" | "vrouw" => Ok(Sex::Female),
        other => Err(table.error(row, format!("`sex` is \"{other}\"; use M or F"))),
    }
}

/// A table read into its domain type, with how it was written and what looked odd.
#[derive(Debug, Clone)]
pub struct Read<T> {
    pub value: T,
    pub format: InputFormat,
    pub rows: usize,
    /// Things that are allowed but probably wrong, one sentence each, naming the file.
    pub warnings: Vec<String>,
}

/// Read the CBS population table: `year, sex, age, population`.
///
/// # Errors
/// See `parse_population`.
pub fn read_population(path: &Path) -> Result<Population, InputError> {
    Ok(population_from(&Table::read(path)?)?.value)
}

/// Parse a population table: one row per year, sex and age (ages past 99 join 99).
///
/// # Errors
/// Missing columns, bad cells, a cell above `MAX_POPULATION_CELL`, a year-sex-age given twice
/// (naming both lines), no rows.
pub fn parse_population(path: &Path, bytes: Vec<u8>) -> Result<Read<Population>, InputError> {
    population_from(&Table::parse(path, bytes)?)
}

fn population_from(t: &Table) -> Result<Read<Population>, InputError> {
    let c = t.require(&["year", "sex", "age", "population"])?;
    let mut pop = Population::default();
    let mut seen: HashMap<(i32, Sex, i32), usize> = HashMap::with_capacity(t.rows());
    for row in 0..t.rows() {
        let year = t.whole(row, c[0], 1800..=2300)?;
        let sex = sex(t, row, c[1])?;
        let age = t.whole(row, c[2], 0..=130)?;
        let count = t.bounded(
            row,
            c[3],
            MAX_POPULATION_CELL,
            "people of one year of age and sex in the whole country",
        )?;
        if let Some(first) = seen.insert((year, sex, age), t.line(row)) {
            return Err(t.error(
                row,
                format!(
                    "year {year}, sex {}, age {age} appears twice (also on line {first}); give each year, sex and age once",
                    sex.code()
                ),
            ));
        }
        pop.add(year, sex, age as usize, count);
    }
    if t.rows() == 0 {
        return Err(InputError::File {
            path: t.path.clone(),
            message: "no rows below the header; give one row per year, sex and age".into(),
        });
    }
    let warnings = population_jumps(&t.path, &pop).into_iter().collect();
    Ok(Read {
        value: pop,
        format: t.format(),
        rows: t.rows(),
        warnings,
    })
}

/// One warning for every cell that changes by more than `POPULATION_JUMP` from one year to the
/// next: the number of such cells and the largest.
fn population_jumps(path: &Path, pop: &Population) -> Option<String> {
    let years: Vec<i32> = pop.years().collect();
    let mut count = 0;
    let mut worst: Option<(f64, String)> = None;
    for pair in years.windows(2).filter(|p| p[1] == p[0] + 1) {
        for sex in [Sex::Male, Sex::Female] {
            for age in 0..=OLDEST_AGE {
                let (Some(a), Some(b)) = (pop.cell(pair[0], sex, age), pop.cell(pair[1], sex, age))
                else {
                    continue;
                };
                // Small cells (the very old) vary a lot in relative terms without any error.
                if a.max(b) < 100.0 {
                    continue;
                }
                let change = if a > 0.0 {
                    (b - a).abs() / a
                } else {
                    f64::INFINITY
                };
                if change > POPULATION_JUMP {
                    count += 1;
                    if worst.as_ref().is_none_or(|(w, _)| change > *w) {
                        worst = Some((
                            change,
                            format!(
                                "year {}, sex {}, age {age}: {b} after {a} in {}",
                                pair[1],
                                sex.code(),
                                pair[0]
                            ),
                        ));
                    }
                }
            }
        }
    }
    let (_, example) = worst?;
    Some(format!(
        "{}: {count} population cell(s) change by more than {:.0}% from one year to the next, most at {example}; check for a typo",
        path.display(),
        POPULATION_JUMP * 100.0
    ))
}

/// Read prevalence bands: `age_min, age_max, sex, prevalence_percent` (empty `age_max` = open).
///
/// # Errors
/// See `parse_prevalence`.
pub fn read_prevalence(path: &Path) -> Result<Prevalence, InputError> {
    Ok(prevalence_from(&Table::read(path)?)?.value)
}

/// Parse prevalence bands. Per sex the bands must follow each other without gap or overlap up
/// to age 99 (an open last band); ages below the first band count as without dementia.
///
/// # Errors
/// Missing columns, bad cells, a band given twice, overlapping bands, a gap between bands, a
/// last band that stops before 99, a sex without bands: each with its line(s).
pub fn parse_prevalence(path: &Path, bytes: Vec<u8>) -> Result<Read<Prevalence>, InputError> {
    prevalence_from(&Table::parse(path, bytes)?)
}

fn prevalence_from(t: &Table) -> Result<Read<Prevalence>, InputError> {
    let c = t.require(&["age_min", "age_max", "sex", "prevalence_percent"])?;
    // (band, its data row)
    let mut bands: Vec<(PrevalenceBand, usize)> = Vec::new();
    for row in 0..t.rows() {
        let age_min = t.whole(row, c[0], 0..=130)? as usize;
        let age_max = match t.cell(row, c[1]) {
            None => None,
            Some(_) => Some(t.whole(row, c[1], 0..=130)? as usize),
        };
        if age_max.is_some_and(|m| m < age_min) {
            return Err(t.error(
                row,
                format!(
                    "the band ends (age_max {}) before it starts (age_min {age_min}); swap them",
                    age_max.unwrap_or(0)
                ),
            ));
        }
        let rate = t.count(row, c[3])? / 100.0;
        if rate > 1.0 {
            return Err(t.error(row, "`prevalence_percent` is above 100".into()));
        }
        let band = PrevalenceBand {
            age_min,
            age_max,
            sex: sex(t, row, c[2])?,
            rate,
        };
        if let Some((_, first)) = bands
            .iter()
            .find(|(b, _)| (b.sex, b.age_min, b.age_max) == (band.sex, band.age_min, band.age_max))
        {
            return Err(t.error(
                row,
                format!(
                    "band {} for sex {} appears twice (also on line {}); give each band once per sex",
                    band_name(&band),
                    band.sex.code(),
                    t.line(*first)
                ),
            ));
        }
        bands.push((band, row));
    }
    for sex in [Sex::Male, Sex::Female] {
        let mut own: Vec<&(PrevalenceBand, usize)> =
            bands.iter().filter(|(b, _)| b.sex == sex).collect();
        own.sort_by_key(|(b, _)| b.age_min);
        let Some(&&(ref last, last_row)) = own.last() else {
            return Err(InputError::File {
                path: t.path.clone(),
                message: format!(
                    "no bands for sex {}; give bands for both M and F",
                    sex.code()
                ),
            });
        };
        for pair in own.windows(2) {
            let ((before, before_row), (band, row)) = (pair[0], pair[1]);
            let end = before.age_max.unwrap_or(usize::MAX);
            if band.age_min <= end {
                return Err(t.error(
                    *row,
                    format!(
                        "band {} overlaps band {} on line {} for sex {}; each age may be in one band per sex",
                        band_name(band),
                        band_name(before),
                        t.line(*before_row),
                        sex.code()
                    ),
                ));
            }
            if band.age_min > end + 1 {
                return Err(t.error(
                    *row,
                    format!(
                        "ages {}-{} of sex {} are in no band (the band on line {} ends at {end}, this one starts at {}); add a band for them",
                        end + 1,
                        band.age_min - 1,
                        sex.code(),
                        t.line(*before_row),
                        band.age_min
                    ),
                ));
            }
        }
        if let Some(end) = last.age_max.filter(|&m| m < OLDEST_AGE) {
            return Err(t.error(
                last_row,
                format!(
                    "the last band of sex {} ends at {end}, so ages {}-{OLDEST_AGE} have no prevalence; leave its age_max empty to make it open-ended",
                    sex.code(),
                    end + 1
                ),
            ));
        }
    }
    let prevalence =
        Prevalence::new(bands.into_iter().map(|(b, _)| b).collect()).map_err(|message| {
            InputError::File {
                path: t.path.clone(),
                message,
            }
        })?;
    Ok(Read {
        value: prevalence,
        format: t.format(),
        rows: t.rows(),
        warnings: Vec::new(),
    })
}

fn band_name(b: &PrevalenceBand) -> String {
    match b.age_max {
        Some(m) => format!("{}-{m}", b.age_min),
        None => format!("{}+", b.age_min),
    }
}

/// The columns of a chain data photo (DESIGN.md §2, docs/chain-data.md), in order.
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

fn chains_from(t: &Table) -> Result<Read<Vec<ChainRecord>>, InputError> {
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

/// Read national actuals: `metric, date, value, source` (other columns are kept for people).
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
/// one file only. Notes in the result: files not written as plain UTF-8 CSV, and warnings
/// (population jumps, chain periods far from the base year).
///
/// # Errors
/// The first bad file; population cells missing for a year the run needs (every age from the
/// youngest prevalence band, at most 65, to 99, both sexes).
pub fn read_inputs(scenario: &Scenario) -> Result<Inputs, InputError> {
    let d = &scenario.data;
    let run = &scenario.run;
    let mut notes = Vec::new();
    let mut formats = Vec::new();
    let mut keep = |path: &Path, format: InputFormat, warnings: Vec<String>| {
        if !format.is_plain() {
            notes.push(format!("{}: read as {format}", path.display()));
        }
        formats.push((path.to_path_buf(), format));
        notes.extend(warnings);
    };
    let population = population_from(&Table::read(&d.population)?)?;
    keep(&d.population, population.format, population.warnings);
    let prevalence = prevalence_from(&Table::read(&d.prevalence)?)?;
    keep(&d.prevalence, prevalence.format, prevalence.warnings);
    let (population, prevalence) = (population.value, prevalence.value);

    let youngest = prevalence
        .bands()
        .iter()
        .filter(|b| b.rate > 0.0)
        .map(|b| b.age_min)
        .min()
        .unwrap_or(65)
        .min(65);
    for year in run.base_year..=run.horizon + 1 {
        if let Some((sex, age)) = population.missing(year, youngest..=OLDEST_AGE) {
            return Err(InputError::File {
                path: d.population.clone(),
                message: format!(
                    "no row for year {year}, sex {}, age {age}; the run needs every age from {youngest} to {OLDEST_AGE} of both sexes for {} to {}: add the row",
                    sex.code(),
                    run.base_year,
                    run.horizon + 1
                ),
            });
        }
    }

    let mut chains: Vec<ChainRecord> = Vec::new();
    let mut home: HashMap<String, PathBuf> = HashMap::new();
    for path in &d.chains {
        let read = chains_from(&Table::read(path)?)?;
        for r in &read.value {
            if let Some(other) = home.get(&r.chain).filter(|p| *p != path) {
                return Err(InputError::Line {
                    path: path.clone(),
                    line: r.line,
                    message: format!(
                        "chain `{}` also appears in {}; give each chain a unique id",
                        r.chain,
                        other.display()
                    ),
                });
            }
        }
        for r in &read.value {
            home.entry(r.chain.clone()).or_insert_with(|| path.clone());
        }
        let mut warnings = read.warnings;
        warnings.extend(distant_periods(path, &read.value, run.base_year));
        keep(path, read.format, warnings);
        chains.extend(read.value);
    }
    let actuals = match &d.actuals {
        Some(p) => {
            let t = Table::read(p)?;
            keep(p, t.format(), Vec::new());
            actuals_from(&t)?
        }
        None => Vec::new(),
    };
    Ok(Inputs {
        population,
        prevalence,
        chains,
        actuals,
        notes,
        formats,
    })
}

/// A warning for chain periods more than `PERIOD_DISTANCE_YEARS` from the base year.
fn distant_periods(path: &Path, records: &[ChainRecord], base_year: i32) -> Option<String> {
    let far: Vec<&ChainRecord> = records
        .iter()
        .filter(|r| {
            r.period_end.year < base_year - PERIOD_DISTANCE_YEARS
                || r.period_start.year > base_year + PERIOD_DISTANCE_YEARS
        })
        .collect();
    let first = far.first()?;
    Some(format!(
        "{}: {} chain period(s) lie more than {PERIOD_DISTANCE_YEARS} years from the base year {base_year} (first on line {}: {} to {}); their rates may not describe {base_year}: check run.base_year or the file",
        path.display(),
        far.len(),
        first.line,
        first.period_start,
        first.period_end
    ))
}

/// What kind of input a table is, told by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Chains,
    Population,
    Prevalence,
    Actuals,
}

impl InputKind {
    /// The columns that identify the kind.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            InputKind::Chains => &CHAIN_COLUMNS,
            InputKind::Population => &["year", "sex", "age", "population"],
            InputKind::Prevalence => &["age_min", "age_max", "sex", "prevalence_percent"],
            InputKind::Actuals => &["metric", "date", "value", "source"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            InputKind::Chains => "chain data",
            InputKind::Population => "population",
            InputKind::Prevalence => "prevalence",
            InputKind::Actuals => "national actuals",
        }
    }
}

/// What `omvang check` found in one table.
#[derive(Debug, Clone)]
pub struct Checked {
    pub kind: InputKind,
    pub format: InputFormat,
    pub rows: usize,
    /// What the table holds, in words (chains, periods, years, bands).
    pub facts: Vec<String>,
    pub warnings: Vec<String>,
}

impl fmt::Display for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} rows, {}",
            self.kind.name(),
            self.rows,
            self.format
        )?;
        for fact in &self.facts {
            write!(f, "; {fact}")?;
        }
        Ok(())
    }
}

/// Validate one table without a scenario: its kind from the header (the first kind whose
/// columns are all there), then the kind's own checks. Chain rates are derived with the
/// region's inhabitants 65+ as the base, so uptake outliers (a scale-free comparison) show.
///
/// # Errors
/// A header that fits no kind, and every error the kind's reader gives.
pub fn check_table(path: &Path) -> Result<Checked, InputError> {
    let t = Table::read(path)?;
    let kind = [
        InputKind::Chains,
        InputKind::Population,
        InputKind::Prevalence,
        InputKind::Actuals,
    ]
    .into_iter()
    .find(|k| k.columns().iter().all(|c| t.columns.iter().any(|h| h == c)))
    .ok_or_else(|| InputError::File {
        path: path.to_path_buf(),
        message: format!(
            "the header ({}) fits no input omvang reads; chain data needs {} (see docs/chain-data.md), population {}, prevalence {}, actuals {}",
            t.columns.join(", "),
            CHAIN_COLUMNS.join(", "),
            InputKind::Population.columns().join(", "),
            InputKind::Prevalence.columns().join(", "),
            InputKind::Actuals.columns().join(", ")
        ),
    })?;
    let (mut facts, mut warnings) = (Vec::new(), Vec::new());
    match kind {
        InputKind::Chains => {
            let read = chains_from(&t)?;
            let records = &read.value;
            let rates = derive_rates(records, 1.0, f64::INFINITY)?;
            let first = records.iter().map(|r| r.period_start).min();
            let last = records.iter().map(|r| r.period_end).max();
            if let (Some(first), Some(last)) = (first, last) {
                facts.push(format!(
                    "{} chains, periods from {first} to {last}",
                    rates.len()
                ));
            }
            warnings.extend(read.warnings);
            for r in rates.iter().filter(|r| r.max_period_imbalance_share > 0.05) {
                warnings.push(format!(
                    "{}: chain {}: a period's flows miss by {:.1}% of its mean clients, more than the default pooling.max_flow_imbalance (5%); a run will reject it unless the scenario allows more",
                    path.display(),
                    r.chain,
                    r.max_period_imbalance_share * 100.0
                ));
            }
            warnings.extend(uptake_outliers(&rates));
        }
        InputKind::Population => {
            let read = population_from(&t)?;
            if let Some((a, b)) = read.value.year_range() {
                facts.push(format!("years {a} to {b}"));
            }
            warnings.extend(read.warnings);
        }
        InputKind::Prevalence => {
            let read = prevalence_from(&t)?;
            let bands = read.value.bands();
            let youngest = bands.iter().map(|b| b.age_min).min().unwrap_or(0);
            let per_sex: BTreeMap<&str, usize> = bands.iter().fold(BTreeMap::new(), |mut m, b| {
                *m.entry(b.sex.code()).or_default() += 1;
                m
            });
            facts.push(format!(
                "{} bands ({}) from age {youngest}",
                bands.len(),
                per_sex
                    .iter()
                    .map(|(s, n)| format!("{n} {s}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        InputKind::Actuals => {
            let actuals = actuals_from(&t)?;
            let metrics: BTreeSet<&str> = actuals.iter().map(|a| a.metric.as_str()).collect();
            facts.push(format!(
                "{} metrics: {}",
                metrics.len(),
                metrics.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(Checked {
        kind,
        format: t.format(),
        rows: t.rows(),
        facts,
        warnings,
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

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}
