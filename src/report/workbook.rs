//! The run's tables as one Excel workbook (`tables.xlsx`, in English `tables.en.xlsx`): the
//! summary with a unit column and each value rounded to what its unit warrants, the hindcast and
//! the calibration (when the run has them) and the data photo. Built from the run data, like
//! the report; every number is a number cell with an Excel number format.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::text::{driver_label, metric_label, unit_label, Lang, Msg};
use crate::model::metrics::Unit;
use crate::model::pooling::PooledRate;
use crate::model::stats::Band;
use crate::run_data::{Artifact, RunData};

/// The Excel number format of a value rounded to `decimals`, with thousands separators.
fn number_format(decimals: usize) -> Format {
    let pattern = if decimals == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(decimals))
    };
    Format::new().set_num_format(pattern)
}

/// A number cell rounded to its unit, in the unit's number format (empty when not finite).
fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    x: f64,
    unit: Unit,
) -> Result<(), XlsxError> {
    if x.is_finite() {
        let decimals = unit.decimals(x);
        sheet.write_number_with_format(row, col, unit.round(x), &number_format(decimals))?;
    }
    Ok(())
}

fn header(sheet: &mut Worksheet, names: &[String]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, name, &bold)?;
        sheet.set_column_width(col as u16, (name.chars().count() + 2).clamp(10, 40) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn labels(keys: &[Msg], lang: Lang) -> Vec<String> {
    keys.iter().map(|m| m.get(lang).to_string()).collect()
}

/// The workbook of a run in a language, as a file of the run folder.
///
/// # Errors
/// When the workbook cannot be assembled.
pub fn workbook(run: &RunData, lang: Lang) -> Result<Artifact, XlsxError> {
    let mut book = Workbook::new();
    // The creation time is the run's start, so the same run always gives the same bytes.
    let created = run
        .manifest
        .started_at
        .strip_suffix('Z')
        .and_then(|t| ExcelDateTime::parse_from_str(t).ok())
        .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("omvang: {}", run.name))
            .set_creation_datetime(&created),
    );
    summary_sheet(book.add_worksheet(), run, lang)?;
    if let Some(rows) = &run.hindcast {
        hindcast_sheet(book.add_worksheet(), rows, lang)?;
    }
    if let Some(rows) = &run.calibration {
        calibration_sheet(book.add_worksheet(), rows, lang)?;
    }
    data_photo_sheet(book.add_worksheet(), run, lang)?;
    Ok(Artifact {
        name: super::document::file_name(lang, "tables", "xlsx"),
        bytes: book.save_to_buffer()?,
    })
}

/// `summary.csv` with labels and units: one row per metric and year.
fn summary_sheet(sheet: &mut Worksheet, run: &RunData, lang: Lang) -> Result<(), XlsxError> {
    sheet.set_name(Msg::SheetSummary.get(lang))?;
    let mut names = labels(
        &[
            Msg::ColScenario,
            Msg::ColMetric,
            Msg::ColMetricKey,
            Msg::ColYear,
            Msg::ColUnit,
            Msg::ColMean,
        ],
        lang,
    );
    names.extend(["p05", "p25", "p50", "p75", "p95"].map(String::from));
    header(sheet, &names)?;
    sheet.set_column_width(1, 34)?;
    sheet.set_column_width(2, 26)?;
    sheet.set_column_width(4, 18)?;
    let price = super::sources::price_level(run, lang);
    // In the order of `summary.csv`: metrics as the registry lists them, then years.
    for (i, (&(metric, year), stats)) in run.yearly.iter().enumerate() {
        let row = i as u32 + 1;
        let unit = metric.unit();
        sheet.write_string(row, 0, &run.name)?;
        sheet.write_string(row, 1, metric_label(metric, lang))?;
        sheet.write_string(row, 2, metric.as_str())?;
        sheet.write_number(row, 3, year)?;
        if unit == Unit::EuroPerYear {
            sheet.write_string(row, 4, format!("{} ({price})", unit_label(unit, lang)))?;
        } else {
            sheet.write_string(row, 4, unit_label(unit, lang))?;
        }
        for (k, &x) in stats.iter().enumerate() {
            write_value(sheet, row, 5 + k as u16, x, unit)?;
        }
    }
    Ok(())
}

fn write_band(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    band: Option<&Band>,
    unit: Unit,
) -> Result<(), XlsxError> {
    if let Some(b) = band {
        for (k, x) in [b.median, b.low, b.high].into_iter().enumerate() {
            write_value(sheet, row, col + k as u16, x, unit)?;
        }
    }
    Ok(())
}

/// `hindcast.csv`: every observation beside the model before and after calibration, and the
/// band of what the count would show.
fn hindcast_sheet(
    sheet: &mut Worksheet,
    rows: &[crate::run_data::HindcastRow],
    lang: Lang,
) -> Result<(), XlsxError> {
    sheet.set_name(Msg::SheetHindcast.get(lang))?;
    let names = labels(
        &[
            Msg::ColMetric,
            Msg::ColMetricKey,
            Msg::ColDate,
            Msg::ColUnit,
            Msg::ColObserved,
            Msg::ColCoverage,
            Msg::ColPriorMedian,
            Msg::ColPriorLow,
            Msg::ColPriorHigh,
            Msg::ColPosteriorMedian,
            Msg::ColPosteriorLow,
            Msg::ColPosteriorHigh,
            Msg::ColPredictiveMedian,
            Msg::ColPredictiveLow,
            Msg::ColPredictiveHigh,
            Msg::ColSource,
        ],
        lang,
    );
    header(sheet, &names)?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(15, 60)?;
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (i, h) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let unit = h.metric.unit();
        sheet.write_string(row, 0, metric_label(h.metric, lang))?;
        sheet.write_string(row, 1, h.metric.as_str())?;
        let date =
            ExcelDateTime::from_ymd(h.date.year as u16, h.date.month as u8, h.date.day as u8)?;
        sheet.write_date_with_format(row, 2, &date, &date_format)?;
        sheet.write_string(row, 3, unit_label(unit, lang))?;
        write_value(sheet, row, 4, h.observed, unit)?;
        write_value(sheet, row, 5, h.coverage, Unit::Share)?;
        write_band(sheet, row, 6, Some(&h.prior), unit)?;
        write_band(sheet, row, 9, h.posterior.as_ref(), unit)?;
        write_band(sheet, row, 12, h.predictive.as_ref(), unit)?;
        sheet.write_string(row, 15, &h.source)?;
    }
    Ok(())
}

/// `calibration.csv`: each parameter's prior and posterior.
fn calibration_sheet(
    sheet: &mut Worksheet,
    rows: &[crate::run_data::CalibrationRow],
    lang: Lang,
) -> Result<(), XlsxError> {
    sheet.set_name(Msg::SheetCalibration.get(lang))?;
    let names = labels(
        &[
            Msg::ColParameter,
            Msg::ColMetricKey,
            Msg::ColPriorMedian,
            Msg::ColPriorLow,
            Msg::ColPriorHigh,
            Msg::ColPosteriorMedian,
            Msg::ColPosteriorLow,
            Msg::ColPosteriorHigh,
        ],
        lang,
    );
    header(sheet, &names)?;
    sheet.set_column_width(0, 30)?;
    for (i, c) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let label = match driver_label(&c.parameter, lang) {
            "?" => c.parameter.as_str(),
            known => known,
        };
        sheet.write_string(row, 0, label)?;
        sheet.write_string(row, 1, &c.parameter)?;
        write_band(sheet, row, 2, Some(&c.prior), Unit::Number)?;
        write_band(sheet, row, 5, Some(&c.posterior), Unit::Number)?;
    }
    Ok(())
}

/// The columns of `chains.csv` in their order there, with how each is rounded: whole counts of
/// people (below 10 shown as "<10", as in the report), whole numbers, shares, or rates.
const CHAIN_COLUMNS: &[(&str, ChainCell)] = &[
    ("periods", ChainCell::Whole),
    ("population_65plus", ChainCell::Count),
    ("at_home", ChainCell::Count),
    ("mean_clients", ChainCell::Count),
    ("inflow", ChainCell::Count),
    ("outflow_death", ChainCell::Count),
    ("outflow_institution", ChainCell::Count),
    ("outflow_other", ChainCell::Count),
    ("person_years", ChainCell::Whole),
    (PooledRate::Uptake.name(), ChainCell::Share),
    (PooledRate::InflowRate.name(), ChainCell::Rate),
    (PooledRate::HazardDeath.name(), ChainCell::Rate),
    (PooledRate::HazardInstitution.name(), ChainCell::Rate),
    (PooledRate::HazardOther.name(), ChainCell::Rate),
    ("mean_duration_years", ChainCell::Rate),
    ("caseload", ChainCell::Rate),
    ("waiting_share", ChainCell::Share),
    ("flow_imbalance", ChainCell::Whole),
];

#[derive(Debug, Clone, Copy)]
enum ChainCell {
    Count,
    Whole,
    Share,
    Rate,
}

/// The data photo: `chains.csv`, chains then the pooled rows.
fn data_photo_sheet(sheet: &mut Worksheet, run: &RunData, lang: Lang) -> Result<(), XlsxError> {
    sheet.set_name(Msg::SheetDataPhoto.get(lang))?;
    // Known columns in their order, then any the run has beyond them.
    let mut columns: Vec<(&str, ChainCell)> = CHAIN_COLUMNS.to_vec();
    for r in &run.chains {
        for k in r.values.keys() {
            if !columns.iter().any(|(c, _)| c == k) {
                columns.push((k.as_str(), ChainCell::Rate));
            }
        }
    }
    let columns: Vec<(&str, ChainCell)> = columns
        .into_iter()
        .filter(|(c, _)| run.chains.iter().any(|r| r.get(c).is_some()))
        .collect();
    let mut names = vec![Msg::ColChain.get(lang).to_string()];
    names.extend(columns.iter().map(|(c, _)| c.to_string()));
    header(sheet, &names)?;
    sheet.set_column_width(0, 20)?;
    for (i, r) in run.chains.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &r.chain)?;
        for (k, (c, kind)) in columns.iter().enumerate() {
            let col = k as u16 + 1;
            let Some(x) = r.get(c) else { continue };
            match kind {
                ChainCell::Count if x.is_finite() && x.abs() < 10.0 => {
                    sheet.write_string(row, col, "<10")?;
                }
                ChainCell::Count | ChainCell::Whole => {
                    write_value(sheet, row, col, x, Unit::People)?
                }
                ChainCell::Share => write_value(sheet, row, col, x, Unit::Share)?,
                ChainCell::Rate => write_value(sheet, row, col, x, Unit::Number)?,
            }
        }
    }
    Ok(())
}
