//! The run's tables (`summary.csv`, `monthly.csv`, `chains.csv`, `pooling.csv`,
//! `draws.parquet`, `actuals.csv`, `projections.csv`, `hindcast.csv`, `calibration.csv`; a
//! backtest's `backtest.csv` and `backtest_paths.csv`) built as polars DataFrames from the
//! engine's results, their CSV and Parquet bytes, file hashes for the manifest, and the data
//! photo as text.

use std::fs;
use std::path::Path;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::{io_err, OutputError};
use crate::data::{Actual, Projection};
use crate::model::build::Model;
use crate::model::particle::PooledDraw;
use crate::model::pooling::{inv_logit, Pooled, PooledRate};
use crate::model::results::RunResults;
use crate::model::smc::Posterior;
use crate::model::stats::Band;
use crate::model::summaries::SummaryRow;
use crate::run_data::{BacktestPath, BacktestRow, Score};
use crate::scenario::normal_quantile;
use crate::scenario::Parameters;

/// `summary.csv` / `monthly.csv`: scenario, metric, year or month, mean, p05 … p95.
pub fn summary_frame(scenario: &str, rows: &[SummaryRow], period: &str) -> PolarsResult<DataFrame> {
    let stat = |i: usize| rows.iter().map(|r| r.stats[i]).collect::<Vec<f64>>();
    let mut columns = vec![
        Column::new("scenario".into(), vec![scenario; rows.len()]),
        Column::new(
            "metric".into(),
            rows.iter().map(|r| r.metric).collect::<Vec<_>>(),
        ),
    ];
    if period == "year" {
        columns.push(Column::new(
            "year".into(),
            rows.iter()
                .map(|r| r.period.parse::<i32>().unwrap_or_default())
                .collect::<Vec<_>>(),
        ));
    } else {
        columns.push(Column::new(
            period.into(),
            rows.iter().map(|r| r.period.as_str()).collect::<Vec<_>>(),
        ));
    }
    for (i, name) in ["mean", "p05", "p25", "p50", "p75", "p95"]
        .iter()
        .enumerate()
    {
        let mut values = stat(i);
        if i > 0 {
            // The sketches' quantiles are good to 0.1%: six significant figures keep all of it
            // and drop the float noise (`117137.99999999999`).
            values.iter_mut().for_each(|v| *v = round_sig6(*v));
        }
        columns.push(Column::new((*name).into(), values));
    }
    DataFrame::new_infer_height(columns)
}

/// `x` rounded to six significant figures, as the nearest double to that decimal (so it prints
/// as written: 117138, 0.412345).
pub fn round_sig6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let shift = 5 - x.abs().log10().floor() as i32;
    if shift >= 0 {
        let f = 10f64.powi(shift);
        (x * f).round() / f
    } else {
        let f = 10f64.powi(-shift);
        (x / f).round() * f
    }
}

/// `chains.csv`: one row per chain, then `pooled` and the prediction interval's bounds
/// (`pi_low`, `pi_high`) on the natural scale.
pub fn chains_frame(model: &Model) -> PolarsResult<DataFrame> {
    let c = &model.chains;
    let p = &model.pooled;
    let mut chain: Vec<String> = c.iter().map(|c| c.chain.clone()).collect();
    chain.extend(["pooled".into(), "pi_low".into(), "pi_high".into()]);
    let per = |f: &dyn Fn(&crate::model::chains::ChainRates) -> f64, pooled: [Option<f64>; 3]| {
        c.iter()
            .map(|c| Some(f(c)))
            .chain(pooled)
            .collect::<Vec<Option<f64>>>()
    };
    let sum =
        |f: &dyn Fn(&crate::model::chains::ChainRates) -> f64| Some(c.iter().map(f).sum::<f64>());
    // A count or size: per chain, then its total on the pooled row.
    let summed = |name: &str, f: &dyn Fn(&crate::model::chains::ChainRates) -> f64| {
        Column::new(name.into(), per(f, [sum(f), None, None]))
    };
    // A pooled rate: per chain, then the pooled value and its prediction interval.
    let rate = |r: PooledRate| {
        let (pooled, natural) = (p.get(r), r.scale().to_natural());
        let bounds = [pooled.mean, pooled.pi_low, pooled.pi_high].map(|x| Some(natural(x)));
        Column::new(r.name().into(), per(&|c| r.of_chain(c), bounds))
    };
    // Long durations go with low hazards, so the interval's bounds swap.
    let duration = |bound: fn(&Pooled) -> f64| {
        Some(
            1.0 / (bound(&p.hazard_death).exp()
                + bound(&p.hazard_institution).exp()
                + bound(&p.hazard_other).exp()),
        )
    };
    let periods: Vec<Option<u32>> = c
        .iter()
        .map(|c| Some(c.periods as u32))
        .chain([Some(c.iter().map(|c| c.periods as u32).sum()), None, None])
        .collect();
    DataFrame::new_infer_height(vec![
        Column::new("chain".into(), chain),
        Column::new("periods".into(), periods),
        summed("mean_clients", &|c| c.mean_clients),
        summed("at_home", &|c| c.at_home),
        rate(PooledRate::Uptake),
        summed("person_years", &|c| c.person_years),
        rate(PooledRate::InflowRate),
        rate(PooledRate::HazardDeath),
        rate(PooledRate::HazardInstitution),
        rate(PooledRate::HazardOther),
        Column::new(
            "mean_duration_years".into(),
            per(
                &|c| c.mean_duration_years,
                [
                    duration(|q| q.mean),
                    duration(|q| q.pi_high),
                    duration(|q| q.pi_low),
                ],
            ),
        ),
        Column::new(
            "caseload".into(),
            per(&|c| c.caseload, [Some(p.caseload), None, None]),
        ),
        Column::new(
            "waiting_share".into(),
            per(&|c| c.waiting_share, [Some(p.waiting_share), None, None]),
        ),
        summed("flow_imbalance", &|c| c.flow_imbalance),
        summed("population_65plus", &|c| c.population_65plus),
        summed("inflow", &|c| c.inflow),
        summed("outflow_death", &|c| c.outflow_death),
        summed("outflow_institution", &|c| c.outflow_institution),
        summed("outflow_other", &|c| c.outflow_other),
    ])
}

/// A pooled rate: name, analysis scale, estimate and the back-transform to the natural scale.
pub type PooledRow<'a> = (&'static str, &'static str, &'a Pooled, fn(f64) -> f64);

/// The pooled rates with their meta-analysis statistics, one row per rate.
pub fn pooled_rows(model: &Model) -> Vec<PooledRow<'_>> {
    PooledRate::ALL
        .iter()
        .map(|&r| {
            let scale = r.scale();
            (
                r.name(),
                scale.name(),
                model.pooled.get(r),
                scale.to_natural(),
            )
        })
        .collect()
}

/// `pooling.csv`: per rate k, mean and se on the analysis scale, τ², Q, I², the prediction
/// interval, and the pooled value and interval on the natural scale.
pub fn pooling_frame(model: &Model) -> PolarsResult<DataFrame> {
    let z95 = normal_quantile(0.975);
    let rows = pooled_rows(model);
    type Stat<'s> = &'s dyn Fn(&Pooled, fn(f64) -> f64) -> f64;
    let col = |f: Stat| {
        rows.iter()
            .map(|(_, _, p, t)| f(p, *t))
            .collect::<Vec<f64>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new("rate".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new("scale".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new(
            "k".into(),
            rows.iter().map(|r| r.2.k as u32).collect::<Vec<_>>(),
        ),
        Column::new("mean".into(), col(&|p, _| p.mean)),
        Column::new("se".into(), col(&|p, _| p.se)),
        Column::new("tau2".into(), col(&|p, _| p.tau2)),
        Column::new("q".into(), col(&|p, _| p.q)),
        Column::new("i2".into(), col(&|p, _| p.i2)),
        Column::new("pi_low".into(), col(&|p, _| p.pi_low)),
        Column::new("pi_high".into(), col(&|p, _| p.pi_high)),
        Column::new("pooled".into(), col(&|p, t| t(p.mean))),
        Column::new("ci_low".into(), col(&|p, t| t(p.mean - z95 * p.se))),
        Column::new("ci_high".into(), col(&|p, t| t(p.mean + z95 * p.se))),
        Column::new("pi_low_natural".into(), col(&|p, t| t(p.pi_low))),
        Column::new("pi_high_natural".into(), col(&|p, t| t(p.pi_high))),
    ])
}

/// `draws.parquet`: one row per iteration with every drawn parameter and pooled rate, and the
/// outcomes the report and a sensitivity analysis read (`<metric>_<year>`, see
/// [`crate::model::results::draw_columns`]), in f32: a few hundred bytes per iteration.
pub fn draws_frame(model: &Model, results: &RunResults) -> PolarsResult<DataFrame> {
    let mut columns = vec![Column::new(
        "iteration".into(),
        (0..results.len() as u32).collect::<Vec<_>>(),
    )];
    for (i, name) in Parameters::NAMES.iter().enumerate() {
        columns.push(Column::new(
            (*name).into(),
            results
                .parameters
                .iter()
                .map(|p| p.values()[i] as f32)
                .collect::<Vec<f32>>(),
        ));
    }
    for (i, name) in PooledDraw::NAMES.iter().enumerate() {
        columns.push(Column::new(
            format!("pooled_{name}").into(),
            results
                .pooled
                .iter()
                .map(|p| p.values()[i] as f32)
                .collect::<Vec<f32>>(),
        ));
    }
    let years = model.years();
    for (c, column) in results.columns.iter().enumerate() {
        columns.push(Column::new(
            format!("{}_{}", column.metric.as_str(), years[column.year_index]).into(),
            results.column_f32(c),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// `actuals.csv`: the published national figures the run compared itself with, so that the
/// report can be rebuilt from the run folder alone.
pub fn actuals_frame(actuals: &[Actual]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "metric".into(),
            actuals
                .iter()
                .map(|a| a.metric.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "date".into(),
            actuals
                .iter()
                .map(|a| a.date.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            actuals.iter().map(|a| a.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "sd_log".into(),
            actuals.iter().map(|a| a.sd_log).collect::<Vec<_>>(),
        ),
        Column::new(
            "source".into(),
            actuals
                .iter()
                .map(|a| a.source.as_str())
                .collect::<Vec<_>>(),
        ),
    ])
}

/// `projections.csv`: the projections by others the run is shown beside, so that the report can
/// be rebuilt from the run folder alone.
pub fn projections_frame(projections: &[Projection]) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&Projection) -> &str| projections.iter().map(f).collect::<Vec<&str>>();
    DataFrame::new_infer_height(vec![
        Column::new("metric".into(), text(&|p| &p.metric)),
        Column::new(
            "year".into(),
            projections.iter().map(|p| p.year).collect::<Vec<i32>>(),
        ),
        Column::new(
            "value".into(),
            projections.iter().map(|p| p.value).collect::<Vec<f64>>(),
        ),
        Column::new("qualifier".into(), text(&|p| p.qualifier.as_str())),
        Column::new("publisher".into(), text(&|p| &p.publisher)),
        Column::new("method".into(), text(&|p| &p.method)),
        Column::new("source".into(), text(&|p| &p.source)),
    ])
}

/// `differences.csv` of a comparison: scenario, reference, metric, year, then the mean and
/// quantiles of the paired difference (scenario − reference, per iteration).
pub fn differences_frame(rows: &[crate::analysis::Difference]) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&crate::analysis::Difference) -> String| {
        rows.iter().map(f).collect::<Vec<String>>()
    };
    let mut columns = vec![
        Column::new("scenario".into(), text(&|r| r.scenario.clone())),
        Column::new("reference".into(), text(&|r| r.reference.clone())),
        Column::new("metric".into(), text(&|r| r.metric.to_string())),
        Column::new(
            "year".into(),
            rows.iter().map(|r| r.year).collect::<Vec<i32>>(),
        ),
    ];
    for (i, name) in ["mean", "p05", "p25", "p50", "p75", "p95"]
        .iter()
        .enumerate()
    {
        columns.push(Column::new(
            (*name).into(),
            rows.iter().map(|r| r.stats[i]).collect::<Vec<f64>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// SHA-256 of a file as hex.
///
/// # Errors
/// When the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, OutputError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    Ok(sha256_hex(&bytes))
}

/// SHA-256 of bytes as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Serialise a DataFrame as CSV.
///
/// # Errors
/// polars errors.
pub fn csv_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf).include_header(true).finish(df)?;
    Ok(buf)
}

/// Serialise a DataFrame as Parquet (zstd).
///
/// # Errors
/// polars errors.
pub fn parquet_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        // Row groups of 10,000 iterations: a reader (or a sensitivity analysis) can take a
        // slice of a 100,000-iteration run without decoding all of it.
        .with_row_group_size(Some(10_000))
        .finish(df)?;
    Ok(buf)
}

/// The data photo as a readable text table (for `omvang chains`).
pub fn chains_text(model: &Model) -> String {
    let z95 = normal_quantile(0.975);
    let header = [
        "chain",
        "periods",
        "clients",
        "at_home",
        "uptake",
        "inflow/yr",
        "death/yr",
        "inst/yr",
        "other/yr",
        "duration",
        "caseload",
        "waiting",
        "imbalance",
    ];
    let mut rows: Vec<Vec<String>> = model
        .chains
        .iter()
        .map(|c| {
            vec![
                c.chain.clone(),
                c.periods.to_string(),
                format!("{:.0}", c.mean_clients),
                format!("{:.0}", c.at_home),
                format!("{:.1}%", c.uptake * 100.0),
                format!("{:.4}", c.inflow_rate),
                format!("{:.3}", c.hazard_death),
                format!("{:.3}", c.hazard_institution),
                format!("{:.3}", c.hazard_other),
                format!("{:.2} y", c.mean_duration_years),
                format!("{:.1}", c.caseload),
                format!("{:.1}%", c.waiting_share * 100.0),
                format!("{:.0}", c.flow_imbalance),
            ]
        })
        .collect();
    let p = &model.pooled;
    let e = |q: &Pooled| q.mean.exp();
    rows.push(vec![
        "pooled".into(),
        String::new(),
        String::new(),
        String::new(),
        format!("{:.1}%", inv_logit(p.uptake.mean) * 100.0),
        format!("{:.4}", e(&p.inflow_rate)),
        format!("{:.3}", e(&p.hazard_death)),
        format!("{:.3}", e(&p.hazard_institution)),
        format!("{:.3}", e(&p.hazard_other)),
        format!(
            "{:.2} y",
            1.0 / (e(&p.hazard_death) + e(&p.hazard_institution) + e(&p.hazard_other))
        ),
        format!("{:.1}", p.caseload),
        format!("{:.1}%", p.waiting_share * 100.0),
        String::new(),
    ]);
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(header.iter().map(|s| s.to_string()).collect());
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    let u = &p.uptake;
    out.push_str(&format!(
        "\nuptake pooled over {} chains: {:.1}% (95% CI {:.1}%-{:.1}%), tau2 = {:.4}, I2 = {:.0}%, 95% prediction interval for a chain {:.1}%-{:.1}%\n",
        u.k,
        inv_logit(u.mean) * 100.0,
        inv_logit(u.mean - z95 * u.se) * 100.0,
        inv_logit(u.mean + z95 * u.se) * 100.0,
        u.tau2,
        u.i2 * 100.0,
        inv_logit(u.pi_low) * 100.0,
        inv_logit(u.pi_high) * 100.0
    ));
    out
}

/// One column of a band: the suffix of its name and its value.
type BandPart = (&'static str, fn(&Band) -> f64);

/// A band's three columns.
const BAND_PARTS: [BandPart; 3] = [
    ("median", |b| b.median),
    ("low", |b| b.low),
    ("high", |b| b.high),
];

/// The six band columns of a table of prior and posterior bands: `prior_median, prior_low,
/// prior_high, posterior_median, posterior_low, posterior_high` (posterior empty when absent).
fn band_columns(bands: &[(Band, Option<Band>)]) -> Vec<Column> {
    let prior = BAND_PARTS.map(|(name, f)| {
        Column::new(
            format!("prior_{name}").into(),
            bands.iter().map(|(p, _)| f(p)).collect::<Vec<_>>(),
        )
    });
    let posterior = BAND_PARTS.map(|(name, f)| {
        Column::new(
            format!("posterior_{name}").into(),
            bands
                .iter()
                .map(|(_, p)| p.as_ref().map(f))
                .collect::<Vec<_>>(),
        )
    });
    prior.into_iter().chain(posterior).collect()
}

/// `hindcast.csv`: every observation of the national record beside the model before and after
/// calibration, on the observed scale (national value × coverage), and the band of what the
/// count would show (`predictive_…`: × the observation's error); 5%, 50% and 95% quantiles.
pub fn hindcast_frame(model: &Model, posterior: &Posterior) -> PolarsResult<DataFrame> {
    let rows = &posterior.hindcast;
    let obs: Vec<_> = rows
        .iter()
        .map(|r| &model.observations[r.observation])
        .collect();
    let mut columns = vec![
        Column::new(
            "metric".into(),
            obs.iter().map(|o| o.metric.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "date".into(),
            obs.iter().map(|o| o.date.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            "observed".into(),
            obs.iter().map(|o| o.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "coverage".into(),
            obs.iter().map(|o| o.coverage).collect::<Vec<_>>(),
        ),
    ];
    let bands: Vec<_> = rows.iter().map(|r| (r.prior, r.posterior)).collect();
    columns.extend(band_columns(&bands));
    columns.extend(BAND_PARTS.map(|(name, f)| {
        Column::new(
            format!("predictive_{name}").into(),
            rows.iter().map(|r| f(&r.predictive)).collect::<Vec<_>>(),
        )
    }));
    columns.push(Column::new(
        "source".into(),
        obs.iter().map(|o| o.source.clone()).collect::<Vec<_>>(),
    ));
    DataFrame::new_infer_height(columns)
}

/// `calibration.csv`: every drawn parameter and pooled rate before and after calibration
/// (5%, 50% and 95% quantiles over the iterations).
pub fn calibration_frame(posterior: &Posterior) -> PolarsResult<DataFrame> {
    let rows = &posterior.parameters;
    let mut columns = vec![Column::new(
        "parameter".into(),
        rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
    )];
    let bands: Vec<_> = rows.iter().map(|r| (r.prior, r.posterior)).collect();
    columns.extend(band_columns(&bands));
    DataFrame::new_infer_height(columns)
}

/// `backtest.csv`: one row per origin and later observation, with the model's median, 90% band,
/// PIT, whether the band held the observation and its interval score, then the same for the
/// last value carried forward (`last_…`) and the straight line through the last two (`line_…`),
/// empty where that naive forecast does not exist. Numbers to six significant figures.
pub fn backtest_frame(rows: &[BacktestRow]) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&BacktestRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let mut columns = vec![
        Column::new("origin".into(), text(&|r| r.origin.to_string())),
        Column::new("metric".into(), text(&|r| r.metric.to_string())),
        Column::new("date".into(), text(&|r| r.date.to_string())),
        Column::new(
            "observed".into(),
            rows.iter().map(|r| r.observed).collect::<Vec<f64>>(),
        ),
    ];
    type Pick = fn(&BacktestRow) -> Option<&Score>;
    let forecasters: [(&str, Pick); 3] = [
        ("", |r| Some(&r.model)),
        ("last_", |r| r.last.as_ref()),
        ("line_", |r| r.line.as_ref()),
    ];
    for (prefix, pick) in forecasters {
        let number = |name: &str, f: fn(&Score) -> f64| {
            Column::new(
                format!("{prefix}{name}").into(),
                rows.iter()
                    .map(|r| pick(r).map(|s| round_sig6(f(s))))
                    .collect::<Vec<Option<f64>>>(),
            )
        };
        columns.extend([
            number("median", |s| s.median),
            number("p05", |s| s.p05),
            number("p95", |s| s.p95),
            number("pit", |s| s.pit),
            Column::new(
                format!("{prefix}inside").into(),
                rows.iter()
                    .map(|r| pick(r).map(|s| s.inside))
                    .collect::<Vec<Option<bool>>>(),
            ),
            number("interval_score", |s| s.interval_score),
        ]);
    }
    columns.push(Column::new("source".into(), text(&|r| r.source.clone())));
    DataFrame::new_infer_height(columns)
}

/// `backtest_paths.csv`: per origin and path metric, the national value's 5%, 50% and 95%
/// quantiles month by month (`YYYY-MM`, the state on the first of the month), to six
/// significant figures.
pub fn backtest_paths_frame(paths: &[BacktestPath]) -> PolarsResult<DataFrame> {
    let band = |name: &str, part: fn(&Band) -> f64| {
        Column::new(
            name.into(),
            paths
                .iter()
                .map(|p| round_sig6(part(&p.band)))
                .collect::<Vec<f64>>(),
        )
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "origin".into(),
            paths
                .iter()
                .map(|p| p.origin.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "metric".into(),
            paths.iter().map(|p| p.metric.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "month".into(),
            paths
                .iter()
                .map(|p| format!("{}-{:02}", p.month.year, p.month.month))
                .collect::<Vec<_>>(),
        ),
        band("p05", |b| b.low),
        band("p50", |b| b.median),
        band("p95", |b| b.high),
    ])
}

#[cfg(test)]
mod tests {
    use super::round_sig6;

    #[test]
    fn six_significant_figures_print_without_float_noise() {
        assert_eq!(round_sig6(117_137.999_999_999_99).to_string(), "117138");
        assert_eq!(round_sig6(0.412_345_678).to_string(), "0.412346");
        assert_eq!(round_sig6(-1_234_567.8).to_string(), "-1234570");
        assert_eq!(round_sig6(152_619_820.4).to_string(), "152620000");
        assert_eq!(round_sig6(0.0), 0.0);
        assert!(round_sig6(f64::NAN).is_nan());
        // Never further than half a unit in the sixth figure.
        for i in 1..2000 {
            let x = (i as f64).powf(2.7) * 0.013_7;
            assert!((round_sig6(x) - x).abs() <= x.abs() * 5e-6, "{x}");
        }
    }
}
