//! Statistics over a run's draws, shared by the report, the charts and the comparison tables:
//! quantiles (one definition, R's type 7), ranks and Spearman's correlation, the sensitivity of
//! an outcome to each uncertain input, and paired differences between scenarios; `backtest`
//! scores forecasts from an earlier date.

pub mod backtest;

pub use crate::model::stats::{quantile, quantiles};
pub use crate::scenario::normal_quantile;

use crate::model::metrics::Metric;
use crate::model::particle::PooledDraw;
use crate::run_data::{RunData, Stats};
use crate::scenario::Parameters;

/// The median of the finite values of a draws column, if it has any.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    (!v.is_empty()).then(|| quantile(&v, 0.5))
}

/// Ranks with ties averaged (1-based).
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = rank;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation; `None` when either side does not vary.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The drawn inputs whose uncertainty can drive an outcome, as `draws.parquet` names them: the
/// scenario parameters, then the pooled chain rates.
pub fn drivers() -> impl Iterator<Item = String> {
    Parameters::NAMES
        .iter()
        .map(|n| n.to_string())
        .chain(PooledDraw::NAMES.iter().map(|n| format!("pooled_{n}")))
}

/// Rank correlation of every varying driver with an outcome column, strongest first.
pub fn sensitivity(run: &RunData, outcome: &str) -> Vec<(String, f64)> {
    let Some(y) = run.draw(outcome) else {
        return Vec::new();
    };
    let mut out: Vec<(String, f64)> = drivers()
        .filter_map(|d| {
            let r = spearman(run.draw(&d)?, y)?;
            Some((d, r))
        })
        .collect();
    out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    out
}

/// Quantiles of the paired difference `scenario − reference` of a draws column.
pub fn paired_difference(scenario: &RunData, reference: &RunData, column: &str) -> Option<Stats> {
    let (a, b) = (scenario.draw(column)?, reference.draw(column)?);
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let mut d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    Some(quantiles(&mut d))
}

/// Share of paired iterations in which `scenario`'s `column` is below `reference`'s.
pub fn share_below(scenario: &RunData, reference: &RunData, column: &str) -> Option<f64> {
    let (a, b) = (scenario.draw(column)?, reference.draw(column)?);
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let below = a.iter().zip(b).filter(|(x, y)| x < y).count();
    Some(below as f64 / a.len() as f64)
}

/// One row of `differences.csv`: a key metric of a scenario minus the reference, per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub scenario: String,
    pub reference: String,
    pub metric: &'static str,
    pub year: i32,
    pub stats: Stats,
}

/// Paired differences of every key metric in every year, each scenario against the first run.
pub fn paired_differences(runs: &[RunData]) -> Vec<Difference> {
    let Some((reference, rest)) = runs.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for run in rest {
        for metric in Metric::KEY {
            for year in run.base_year()..=run.horizon() {
                let column = format!("{}_{year}", metric.as_str());
                if let Some(stats) = paired_difference(run, reference, &column) {
                    out.push(Difference {
                        scenario: run.name.clone(),
                        reference: reference.name.clone(),
                        metric: metric.as_str(),
                        year,
                        stats,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.05, .25, .5, .75, .95)) = 1.2 2 3 4 8.8
        let mut v = [10.0, 3.0, 1.0, 4.0, 2.0];
        let q = quantiles(&mut v);
        let expected = [4.0, 1.2, 2.0, 3.0, 4.0, 8.8];
        for (a, b) in q.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
        assert_eq!(quantile(&[5.0], 0.3), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(median(&[f64::NAN, 3.0, 1.0]), Some(2.0));
    }

    #[test]
    fn normal_quantiles_match_tables() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.999) - 3.090_232_306).abs() < 1e-8);
        assert!(normal_quantile(0.5).abs() < 1e-12);
    }

    #[test]
    fn spearman_matches_known_values() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(spearman(&x, &[2.0, 4.0, 8.0, 16.0, 32.0]), Some(1.0));
        assert_eq!(spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // d = (0, 1, -1, 0, 0): 1 - 6·2/(5·24) = 0.9
        let r = spearman(&x, &[1.0, 3.0, 2.0, 4.0, 5.0]).unwrap();
        assert!((r - 0.9).abs() < 1e-12);
        assert_eq!(spearman(&x, &[1.0; 5]), None);
        // Ties get average ranks.
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
    }

    #[test]
    fn drivers_are_every_parameter_and_pooled_rate_once() {
        let d: Vec<String> = drivers().collect();
        assert_eq!(d.len(), Parameters::NAMES.len() + PooledDraw::NAMES.len());
        let unique: std::collections::BTreeSet<&String> = d.iter().collect();
        assert_eq!(unique.len(), d.len());
        assert!(d.contains(&"caseload".to_string()));
        assert!(d.contains(&"pooled_uptake".to_string()));
    }
}
