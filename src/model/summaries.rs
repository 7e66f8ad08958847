//! The rows of `summary.csv` and `monthly.csv`: mean and quantiles of every metric per year and of
//! the monthly metrics per month, read from a finished run's sketches.

use crate::model::build::Model;
use crate::model::metrics::Metric;
use crate::model::results::RunResults;

/// One row of `summary.csv` or `monthly.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub metric: &'static str,
    /// Year (`2030`) or month (`2030-06`).
    pub period: String,
    /// mean, p05, p25, p50, p75, p95.
    pub stats: [f64; 6],
}

/// Yearly quantiles of every metric.
pub fn summarise(model: &Model, results: &RunResults) -> Vec<SummaryRow> {
    let years = model.years();
    let mut rows = Vec::new();
    for &metric in Metric::ALL {
        for (y, year) in years.iter().enumerate() {
            if metric.base_year_only() && y > 0 {
                continue;
            }
            rows.push(SummaryRow {
                metric: metric.as_str(),
                period: year.to_string(),
                stats: results.yearly_stats(metric, y),
            });
        }
    }
    rows
}

/// Monthly quantiles of the key metrics.
pub fn summarise_monthly(model: &Model, results: &RunResults) -> Vec<SummaryRow> {
    let base = model.scenario.run.base_year;
    let months = model.scenario.months();
    let mut rows = Vec::new();
    for metric in Metric::MONTHLY {
        for m in 0..months {
            rows.push(SummaryRow {
                metric: metric.as_str(),
                period: format!("{}-{:02}", base + (m / 12) as i32, m % 12 + 1),
                stats: results
                    .monthly_stats(metric, m)
                    .expect("every metric in Metric::MONTHLY has a monthly series"),
            });
        }
    }
    rows
}
