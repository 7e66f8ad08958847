//! Scores of a backtest (`omvang backtest`): how the model calibrated at an origin, and two
//! naive forecasts, did on every later observation of the national record, and their summary
//! per metric. Pure functions; the percentile is the crate's one (`model::stats::quantile`).

use crate::data::Date;
use crate::model::backtest::{known_at, OriginForecast};
use crate::model::build::Model;
use crate::model::metrics::Metric;
use crate::model::stats::quantile;
use crate::run_data::{BacktestRow, Score};

/// The interval scores and bands are those of the central 1 − α = 90% interval.
pub const ALPHA: f64 = 0.1;

/// The order metrics are summarised and shown in; others follow in order of appearance.
pub const METRIC_ORDER: [Metric; 8] = [
    Metric::ClientsInCare,
    Metric::WaitingList,
    Metric::WaitingOverNorm,
    Metric::FteAvailable,
    Metric::MeanWaitWeeks,
    Metric::StatedWaitWeeks,
    Metric::PeopleWithDementia,
    Metric::AtHome,
];

/// The interval score of the central `1 − alpha` interval `[low, high]` at the observation
/// `y` (Gneiting & Raftery 2007, eq. 43): its width, plus `2/alpha` times the distance by which
/// `y` falls outside it. Lower is better; in the unit of the observation.
pub fn interval_score(low: f64, high: f64, y: f64, alpha: f64) -> f64 {
    (high - low) + 2.0 / alpha * ((low - y).max(0.0) + (y - high).max(0.0))
}

/// The probability integral transform of `y` under an ensemble of draws: the share of draws
/// below it, ties counted half, `(below + equal / 2) / n`. NaN without draws.
pub fn pit(draws: &[f64], y: f64) -> f64 {
    let below = draws.iter().filter(|&&d| d < y).count();
    let equal = draws.iter().filter(|&&d| d == y).count();
    (below as f64 + 0.5 * equal as f64) / draws.len() as f64
}

/// A score from a median and a 90% band and a PIT.
fn score(median: f64, p05: f64, p95: f64, pit: f64, y: f64) -> Score {
    Score {
        median,
        p05,
        p95,
        pit,
        inside: p05 <= y && y <= p95,
        interval_score: interval_score(p05, p95, y, ALPHA),
    }
}

/// The model's score on observation `y` from its predictive draws (non-finite draws left
/// out): median, 5% and 95% quantiles, PIT, whether the band holds `y`, interval score.
pub fn score_draws(draws: &[f64], y: f64) -> Score {
    let mut sorted: Vec<f64> = draws.iter().copied().filter(|d| d.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| quantile(&sorted, p);
    score(
        q(0.5),
        q(ALPHA / 2.0),
        q(1.0 - ALPHA / 2.0),
        pit(&sorted, y),
        y,
    )
}

/// A naive forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naive {
    /// The last observation carried forward.
    Last,
    /// The straight line in time through the last two observations, extrapolated.
    Line,
}

/// The naive forecast at `target` from the `history` of one metric (date, value on the
/// national scale), sorted by date. `None` without history, and for the line with fewer than
/// two observations or the last two on one date.
pub fn naive_point(history: &[(Date, f64)], target: Date, naive: Naive) -> Option<f64> {
    let &(last_date, last) = history.last()?;
    match naive {
        Naive::Last => Some(last),
        Naive::Line => {
            let &(before_date, before) = history.get(history.len().checked_sub(2)?)?;
            let span = (last_date.day_number() - before_date.day_number()) as f64;
            if span <= 0.0 {
                return None;
            }
            let ahead = (target.day_number() - last_date.day_number()) as f64;
            Some(last + (last - before) / span * ahead)
        }
    }
}

/// The score of a naive point forecast (on the observation's scale) of observation `y`. A naive
/// forecast states no uncertainty, so its interval is the point itself: median, 5% and 95% all
/// the point, PIT 0 below it and 1 above, and its interval score `(2/α)·|y − point|` (the
/// interval score of a point is a multiple of its absolute error; Bracher et al. 2021). `None`
/// for a point that is not a finite number above zero (a line extrapolated below zero).
pub fn score_naive(point: f64, y: f64) -> Option<Score> {
    if !(point > 0.0 && point.is_finite()) {
        return None;
    }
    let pit = if y > point {
        1.0
    } else if y < point {
        0.0
    } else {
        0.5
    };
    Some(score(point, point, point, pit, y))
}

/// The rows of one origin: every observation it forecast, scored for the model and for the
/// two naive forecasts made from the observations of the same metric known at the origin
/// (national scale: value / coverage; then times the target's coverage). Ordered by date, then
/// as in the record.
pub fn score_origin(model: &Model, forecast: &OriginForecast) -> Vec<BacktestRow> {
    let origin = forecast.origin;
    let base_year = model.scenario.run.base_year;
    let mut rows: Vec<BacktestRow> = forecast
        .forecasts
        .iter()
        .map(|f| {
            let o = &model.observations[f.observation];
            let mut history: Vec<(Date, f64)> = model
                .observations
                .iter()
                .filter(|h| h.metric == o.metric && known_at(h, origin, base_year))
                .map(|h| (h.date, h.value / h.coverage))
                .collect();
            history.sort_by_key(|h| h.0);
            let naive = |kind| {
                naive_point(&history, o.date, kind)
                    .and_then(|p| score_naive(p * o.coverage, o.value))
            };
            BacktestRow {
                origin,
                metric: o.metric,
                date: o.date,
                observed: o.value,
                model: score_draws(&f.draws, o.value),
                last: naive(Naive::Last),
                line: naive(Naive::Line),
                source: o.source.clone(),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.date);
    rows
}

/// Pairs, how many a 90% band held, and the sum of their interval scores.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    pub pairs: usize,
    pub inside: usize,
    pub score_sum: f64,
}

impl Tally {
    pub fn add(&mut self, s: &Score) {
        self.pairs += 1;
        self.inside += usize::from(s.inside);
        self.score_sum += s.interval_score;
    }

    /// The share of pairs inside the band; `None` without pairs.
    pub fn coverage(&self) -> Option<f64> {
        (self.pairs > 0).then(|| self.inside as f64 / self.pairs as f64)
    }

    /// The mean interval score; `None` without pairs.
    pub fn mean_score(&self) -> Option<f64> {
        (self.pairs > 0).then(|| self.score_sum / self.pairs as f64)
    }
}

/// A naive forecast beside the model, both over the pairs where the naive forecast exists.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Versus {
    pub naive: Tally,
    pub model: Tally,
}

/// The backtest of one metric: the model over all its pairs, and each naive forecast against
/// the model over the pairs it has.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSummary {
    pub metric: Metric,
    pub model: Tally,
    pub last: Versus,
    pub line: Versus,
}

/// One summary per metric, in [`METRIC_ORDER`] (others after, in order of appearance).
pub fn summarise(rows: &[BacktestRow]) -> Vec<MetricSummary> {
    let mut metrics: Vec<Metric> = Vec::new();
    for r in rows {
        if !metrics.contains(&r.metric) {
            metrics.push(r.metric);
        }
    }
    let rank = |m: Metric| {
        METRIC_ORDER
            .iter()
            .position(|k| *k == m)
            .unwrap_or(usize::MAX)
    };
    metrics.sort_by_key(|&m| rank(m));
    metrics
        .into_iter()
        .map(|metric| {
            let mut s = MetricSummary {
                metric,
                model: Tally::default(),
                last: Versus::default(),
                line: Versus::default(),
            };
            for r in rows.iter().filter(|r| r.metric == metric) {
                s.model.add(&r.model);
                for (naive, versus) in [(&r.last, &mut s.last), (&r.line, &mut s.line)] {
                    if let Some(n) = naive {
                        versus.naive.add(n);
                        versus.model.add(&r.model);
                    }
                }
            }
            s
        })
        .collect()
}

/// The model over every origin–observation pair.
pub fn overall(rows: &[BacktestRow]) -> Tally {
    let mut t = Tally::default();
    for r in rows {
        t.add(&r.model);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn interval_score_is_width_plus_twenty_times_the_miss() {
        // Inside: the width alone.
        assert_eq!(interval_score(10.0, 20.0, 15.0, 0.1), 10.0);
        assert_eq!(interval_score(10.0, 20.0, 10.0, 0.1), 10.0);
        // 2 below: 10 + 20 · 2 = 50; 3 above: 10 + 20 · 3 = 70.
        assert_eq!(interval_score(10.0, 20.0, 8.0, 0.1), 50.0);
        assert_eq!(interval_score(10.0, 20.0, 23.0, 0.1), 70.0);
        // At α = 0.5 the penalty is 4 times the miss: 10 + 4 · 5 = 30.
        assert_eq!(interval_score(10.0, 20.0, 25.0, 0.5), 30.0);
    }

    #[test]
    fn pit_counts_draws_below_and_half_the_ties() {
        let d = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(pit(&d, 0.5), 0.0);
        assert_eq!(pit(&d, 2.0), (1.0 + 1.0) / 4.0);
        assert_eq!(pit(&d, 2.5), 0.75);
        assert_eq!(pit(&d, 9.0), 1.0);
        assert!(pit(&[], 1.0).is_nan());
    }

    #[test]
    fn draws_are_scored_with_type_7_quantiles() {
        // 1..=21: p05 = 2, median 11, p95 = 20 (h = 20 p exactly).
        let draws: Vec<f64> = (1..=21).rev().map(f64::from).collect();
        let s = score_draws(&draws, 20.5);
        assert_eq!((s.median, s.p05, s.p95), (11.0, 2.0, 20.0));
        assert_eq!(s.pit, 20.0 / 21.0);
        assert!(!s.inside);
        // 18 + 20 · 0.5 = 28.
        assert_eq!(s.interval_score, 28.0);
        let s = score_draws(&draws, 11.0);
        assert!(s.inside);
        assert_eq!(s.pit, 10.5 / 21.0);
        assert_eq!(s.interval_score, 18.0);
        // Non-finite draws are left out: 1..=5 gives p05 = 1.2, p95 = 4.8.
        let s = score_draws(&[5.0, f64::NAN, 1.0, 3.0, 2.0, 4.0], 1.0);
        assert!(close(s.p05, 1.2) && close(s.p95, 4.8), "{s:?}");
        assert_eq!(s.pit, 0.1);
        // Below the band by 0.2: 3.6 + 20 · 0.2 = 7.6.
        assert!(close(s.interval_score, 7.6), "{s:?}");
    }

    #[test]
    fn naive_forecasts_carry_the_last_value_or_extend_the_line() {
        let history = [(date(2018, 7, 1), 62_000.0), (date(2022, 10, 1), 64_529.0)];
        let target = date(2023, 1, 1);
        assert_eq!(naive_point(&history, target, Naive::Last), Some(64_529.0));
        // 2,529 over 1,553 days, 92 days on: 64,529 + 2,529 · 92 / 1,553 = 64,678.818…
        let line = naive_point(&history, target, Naive::Line).unwrap();
        assert!(close(line, 64_529.0 + 2_529.0 * 92.0 / 1_553.0), "{line}");
        assert!(close(line, 64_678.818_415_969_09), "{line}");
        assert_eq!(naive_point(&history[1..], target, Naive::Line), None);
        assert_eq!(naive_point(&[], target, Naive::Last), None);
        let same_day = [(date(2022, 10, 1), 1.0), (date(2022, 10, 1), 2.0)];
        assert_eq!(naive_point(&same_day, target, Naive::Line), None);
    }

    #[test]
    fn naive_forecasts_are_points_scored_by_their_absolute_error() {
        let s = score_naive(1_000.0, 1_000.0).unwrap();
        assert_eq!((s.median, s.p05, s.p95), (1_000.0, 1_000.0, 1_000.0));
        assert!(s.inside && s.pit == 0.5 && s.interval_score == 0.0);
        // 300 below: 2/0.1 · 300 = 6,000.
        let s = score_naive(1_000.0, 700.0).unwrap();
        assert!(!s.inside && s.pit == 0.0);
        assert!(close(s.interval_score, 6_000.0), "{s:?}");
        let s = score_naive(1_000.0, 1_300.0).unwrap();
        assert!(s.pit == 1.0 && close(s.interval_score, 6_000.0), "{s:?}");
        assert_eq!(score_naive(-5.0, 10.0), None);
        assert_eq!(score_naive(f64::NAN, 10.0), None);
    }

    fn row(
        metric: Metric,
        model_inside: bool,
        last: Option<f64>,
        line: Option<f64>,
    ) -> BacktestRow {
        let s = |is: f64, inside: bool| Score {
            median: 1.0,
            p05: 0.0,
            p95: 2.0,
            pit: 0.5,
            inside,
            interval_score: is,
        };
        BacktestRow {
            origin: date(2021, 1, 1),
            metric,
            date: date(2023, 1, 1),
            observed: 1.0,
            model: s(if model_inside { 2.0 } else { 10.0 }, model_inside),
            last: last.map(|x| s(x, false)),
            line: line.map(|x| s(x, true)),
            source: String::new(),
        }
    }

    #[test]
    fn summaries_compare_over_the_pairs_the_naive_forecast_has() {
        let rows = [
            row(Metric::WaitingList, true, Some(4.0), None),
            row(Metric::ClientsInCare, false, Some(30.0), Some(6.0)),
            row(Metric::WaitingList, false, None, None),
            row(Metric::WaitingList, true, Some(8.0), Some(1.0)),
        ];
        let s = summarise(&rows);
        assert_eq!(s[0].metric, Metric::ClientsInCare);
        let w = &s[1];
        assert_eq!(w.metric, Metric::WaitingList);
        assert_eq!((w.model.pairs, w.model.inside), (3, 2));
        // (2 + 10 + 2) / 3.
        assert!(close(w.model.mean_score().unwrap(), 14.0 / 3.0));
        assert!(close(w.model.coverage().unwrap(), 2.0 / 3.0));
        // Last: two pairs (4, 8), the model on those two pairs (2, 2).
        assert_eq!(w.last.naive.pairs, 2);
        assert_eq!(w.last.naive.mean_score(), Some(6.0));
        assert_eq!(w.last.naive.coverage(), Some(0.0));
        assert_eq!(w.last.model.mean_score(), Some(2.0));
        assert_eq!((w.line.naive.pairs, w.line.model.pairs), (1, 1));
        assert_eq!(w.line.naive.coverage(), Some(1.0));
        let all = overall(&rows);
        assert_eq!((all.pairs, all.inside), (4, 2));
        assert_eq!(Tally::default().mean_score(), None);
    }
}
