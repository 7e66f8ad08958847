//! Projections published by others (`metric, year, value, publisher, source`, optionally
//! `qualifier` and `method`): shown beside the model, never calibrated to.

use std::path::Path;

use super::table::Table;
use super::InputError;

/// The metric a projection may give: the model compares only people with dementia.
pub const PROJECTED_METRIC: &str = "people_with_dementia";

/// Years a projection may be for.
pub const PROJECTION_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// How the publisher qualifies its figure (the optional `qualifier` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Qualifier {
    /// The figure as stated (an empty cell).
    #[default]
    Exact,
    /// "about 620,000" (`about`).
    About,
    /// "more than 500,000" (`more_than`).
    MoreThan,
}

impl Qualifier {
    /// The cell text, as written in the file and in the run folder's copy.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::About => "about",
            Qualifier::MoreThan => "more_than",
        }
    }
}

/// A figure someone else projected (`data/national/projections.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub metric: String,
    /// The year the figure is for (compared with the model on 1 January of that year).
    pub year: i32,
    pub value: f64,
    pub qualifier: Qualifier,
    /// Who published it, short, as the chart labels it (e.g. `VWS`).
    pub publisher: String,
    /// How they computed it, in words (empty when the file has no `method` column).
    pub method: String,
    pub source: String,
}

/// Read projections by others.
///
/// # Errors
/// Missing columns and bad cells, with their line.
pub fn read_projections(path: &Path) -> Result<Vec<Projection>, InputError> {
    projections_from(&Table::read(path)?)
}

/// Parse projections by others.
///
/// # Errors
/// Missing columns and bad cells, with their line.
pub fn parse_projections(path: &Path, bytes: Vec<u8>) -> Result<Vec<Projection>, InputError> {
    projections_from(&Table::parse(path, bytes)?)
}

/// Projections from a table: `metric` must be `people_with_dementia`, `year` a whole year,
/// `value` a count, `qualifier` empty, `about` or `more_than`; one row per metric, year and
/// publisher.
///
/// # Errors
/// Missing columns and bad cells, with their line; a row given twice, naming both lines.
pub fn projections_from(t: &Table) -> Result<Vec<Projection>, InputError> {
    let c = t.require(&["metric", "year", "value", "publisher", "source"])?;
    let optional = |name: &str| t.require(&[name]).ok().map(|c| c[0]);
    let (qualifier_column, method_column) = (optional("qualifier"), optional("method"));
    let mut out: Vec<(usize, Projection)> = Vec::new();
    for row in 0..t.rows() {
        let metric = t.text(row, c[0])?;
        if metric != PROJECTED_METRIC {
            return Err(t.error(
                row,
                format!("`metric` is \"{metric}\"; omvang compares projections of {PROJECTED_METRIC} only: give that metric or remove the row"),
            ));
        }
        let qualifier = match qualifier_column.and_then(|col| t.cell(row, col)) {
            None => Qualifier::Exact,
            Some("about") => Qualifier::About,
            Some("more_than") => Qualifier::MoreThan,
            Some(other) => {
                return Err(t.error(
                    row,
                    format!("`qualifier` is \"{other}\"; write about, more_than or leave it empty"),
                ))
            }
        };
        let p = Projection {
            metric: metric.to_string(),
            year: t.whole(row, c[1], PROJECTION_YEARS)?,
            value: t.count(row, c[2])?,
            qualifier,
            publisher: t.text(row, c[3])?.to_string(),
            method: method_column
                .and_then(|col| t.cell(row, col))
                .unwrap_or("")
                .to_string(),
            source: t.text(row, c[4])?.to_string(),
        };
        if let Some((first, _)) = out
            .iter()
            .find(|(_, q)| q.metric == p.metric && q.year == p.year && q.publisher == p.publisher)
        {
            return Err(t.error(
                row,
                format!(
                    "{} of {} in {} appears twice (also on line {}); give each publisher's figure for a year once",
                    p.metric,
                    p.publisher,
                    p.year,
                    t.line(*first)
                ),
            ));
        }
        out.push((row, p));
    }
    Ok(out.into_iter().map(|(_, p)| p).collect())
}
