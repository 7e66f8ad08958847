//! The CSV `Table` reader: bytes as spreadsheets export them (UTF-8 or Windows-1252, `,` or Dutch
//! `;` with decimal commas) to cells with their line numbers, and the typed cell readers whose
//! errors name file, line, column and fix. The typed files build on it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::date::Date;
use super::format::{InputFormat, TextEncoding};
use super::notes::Note;
use super::InputError;

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

    pub fn error(&self, row: usize, message: String) -> InputError {
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
    pub fn bounded(&self, row: usize, col: usize, max: f64, what: &str) -> Result<f64, InputError> {
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
    pub fn whole(
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

/// A table read into its domain type, with how it was written and what looked odd.
#[derive(Debug, Clone)]
pub struct Read<T> {
    pub value: T,
    pub format: InputFormat,
    pub rows: usize,
    /// Things that are allowed but probably wrong, each naming the file.
    pub warnings: Vec<Note>,
}
