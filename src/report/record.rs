//! The model against the record: projections by others beside the model's, the hindcast of
//! every national observation, and a backtest's "how well does the model forecast?" with its
//! settings.

use super::document::Block;
use super::format::{band_text, in_unit};
use super::format::{code, count, count_exact, data, number, percent, sig3};
use super::text::{driver_label, metric_label, say, Lang, Msg};
use crate::analysis::backtest::{overall, summarise, Tally};
use crate::analysis::median;
use crate::data::{Projection, Qualifier};
use crate::model::metrics::Metric;
use crate::run_data::{band_of, Backtest, RunData, P50};

/// A published figure as its publisher qualifies it: "ruim 500.000", "about 620,000".
fn their_figure(p: &Projection, lang: Lang) -> String {
    let value = count_exact(p.value, lang);
    match p.qualifier {
        Qualifier::Exact => value,
        Qualifier::About => say!(lang, QualifierAbout, value = value),
        Qualifier::MoreThan => say!(lang, QualifierMoreThan, value = value),
    }
}

/// "Projections by others": each published projection beside the model in its year (median and
/// 90% interval, with the prevalence trend) and the model at constant age-specific rates
/// (median); "–" where the year lies outside the run. Then the chart (figure `figure`). Empty
/// when the run has no projections.
pub fn projections_blocks(run: &RunData, lang: Lang, figure: Option<usize>) -> Vec<Block> {
    if run.projections.is_empty() {
        return Vec::new();
    }
    let trend = run
        .draw("prevalence_trend_per_decade")
        .and_then(median)
        .map_or("–".into(), |t| percent(t, lang));
    let mut out = vec![
        Block::Heading(Msg::HeadingProjections.get(lang).into()),
        Block::Paragraph(say!(
            lang,
            ProjectionsIntro,
            trend = trend,
            horizon = run.horizon()
        )),
    ];
    let header = [
        Msg::ColPublisher,
        Msg::ColYear,
        Msg::ColTheirFigure,
        Msg::ColModelTrend,
        Msg::ColModelConstantRates,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let c = |x: f64| count(x, lang);
    let rows = run
        .projections
        .iter()
        .map(|p| {
            let model = run
                .stats(Metric::PeopleWithDementia, p.year)
                .map_or("–".into(), |s| band_text(&band_of(&s), &c));
            let constant = run
                .stats(Metric::PeopleWithDementiaConstantRates, p.year)
                .map_or("–".into(), |s| c(s[P50]));
            vec![
                data(&p.publisher),
                p.year.to_string(),
                their_figure(p, lang),
                model,
                constant,
            ]
        })
        .collect();
    out.push(Block::Table(header, rows));
    out.extend(figure.map(Block::Figure));
    out
}

/// "Checked against the national record": the hindcast table, what calibration did, which
/// observations fall outside the model's band, the chart (figure `figure`), and the
/// parameters before and after calibration. Empty when the run has no hindcast.
pub fn hindcast_blocks(run: &RunData, lang: Lang, figure: Option<usize>) -> Vec<Block> {
    let Some(rows) = run.hindcast.as_ref().filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    let mut out = vec![
        Block::Heading(Msg::HeadingHindcast.get(lang).into()),
        Block::Paragraph(Msg::HindcastIntro.get(lang).into()),
    ];
    let calibrated = run.manifest.calibrated();
    out.push(Block::Paragraph(match &run.manifest.calibration {
        Some(c) if c.calibrated => say!(
            lang,
            CalibrationDone,
            particles = number(c.particles as f64, 0, lang),
            stages = c.stages,
            ess = number(c.ess, 0, lang)
        ),
        _ => Msg::CalibrationNone.get(lang).into(),
    }));
    let header = [
        Msg::ColMetric,
        Msg::ColDate,
        Msg::ColObserved,
        Msg::ColPrior,
        Msg::ColPosterior,
        Msg::ColPredictive,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let table = rows
        .iter()
        .map(|r| {
            let f = |x: f64| in_unit(r.metric, x, false, lang);
            vec![
                data(metric_label(r.metric, lang)),
                r.date.to_string(),
                in_unit(r.metric, r.observed, true, lang),
                band_text(&r.prior, &f),
                r.posterior
                    .as_ref()
                    .map_or("–".into(), |b| band_text(b, &f)),
                r.predictive
                    .as_ref()
                    .map_or("–".into(), |b| band_text(b, &f)),
            ]
        })
        .collect();
    out.push(Block::Table(header, table));
    // In words: every observation outside the band of what the count would show (in a folder
    // that has none, the model's band after calibration, or its own).
    let predictive = rows.iter().all(|r| r.predictive.is_some());
    let outside: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let f = |x: f64| in_unit(r.metric, x, false, lang);
            let (band, key) = match (r.predictive, r.posterior) {
                (Some(b), _) => (b, Msg::HindcastOutsideCount),
                (None, Some(b)) => (b, Msg::HindcastOutsidePosterior),
                (None, None) if !calibrated => (r.prior, Msg::HindcastOutsidePrior),
                (None, None) => return None,
            };
            (!band.contains(r.observed)).then(|| {
                key.fill(
                    lang,
                    &[
                        ("metric", &data(metric_label(r.metric, lang))),
                        ("date", &r.date),
                        ("observed", &in_unit(r.metric, r.observed, true, lang)),
                        ("low", &f(band.low)),
                        ("high", &f(band.high)),
                    ],
                )
            })
        })
        .collect();
    if outside.is_empty() {
        out.push(Block::Paragraph(
            if predictive {
                Msg::HindcastAllInsideCount
            } else if calibrated {
                Msg::HindcastAllInside
            } else {
                Msg::HindcastAllInsidePrior
            }
            .get(lang)
            .into(),
        ));
    } else {
        out.push(Block::Bullets(outside));
    }
    out.extend(figure.map(Block::Figure));
    if let Some(params) = run.calibration.as_ref().filter(|p| !p.is_empty()) {
        out.push(Block::Paragraph(Msg::CalibrationIntro.get(lang).into()));
        let header = [Msg::ColParameter, Msg::ColPrior, Msg::ColPosterior]
            .map(|m| m.get(lang).to_string())
            .to_vec();
        let f = |x: f64| sig3(x, lang);
        let table = params
            .iter()
            .map(|p| {
                let label = match driver_label(&p.parameter, lang) {
                    "?" => code(&p.parameter),
                    known => known.to_string(),
                };
                vec![label, band_text(&p.prior, &f), band_text(&p.posterior, &f)]
            })
            .collect();
        out.push(Block::Table(header, table));
    }
    out
}

/// "How well does the model forecast?": what a backtest is, the coverage of the model's 90%
/// bands over every origin–observation pair, the mean interval score of the model against the
/// two naive forecasts per metric, every observation outside its band, and the chart (figure
/// `figure`). Empty without pairs.
pub fn backtest_blocks(backtest: &Backtest, lang: Lang, figure: Option<usize>) -> Vec<Block> {
    let rows = &backtest.rows;
    if rows.is_empty() {
        return Vec::new();
    }
    let all = overall(rows);
    let mut out = vec![
        Block::Heading(Msg::HeadingBacktest.get(lang).into()),
        Block::Paragraph(Msg::BacktestIntro.get(lang).into()),
        Block::Paragraph(say!(
            lang,
            BacktestCoverage,
            pairs = number(all.pairs as f64, 0, lang),
            inside = number(all.inside as f64, 0, lang),
            share = all.coverage().map_or("–".into(), |c| percent(c, lang))
        )),
        Block::Paragraph(Msg::BacktestNaive.get(lang).into()),
    ];
    let header = [
        Msg::ColMetric,
        Msg::ColForecaster,
        Msg::ColPairs,
        Msg::ColInsideBand,
        Msg::ColMeanIntervalScore,
        Msg::ColModelSamePairs,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let mut table = Vec::new();
    for s in summarise(rows) {
        let score = |t: &Tally| {
            t.mean_score()
                .map_or("–".into(), |x| in_unit(s.metric, x, false, lang))
        };
        let share = |t: &Tally| t.coverage().map_or("–".into(), |c| percent(c, lang));
        let label = data(metric_label(s.metric, lang));
        table.push(vec![
            label.clone(),
            Msg::ForecasterModel.get(lang).into(),
            number(s.model.pairs as f64, 0, lang),
            share(&s.model),
            score(&s.model),
            "–".into(),
        ]);
        for (name, v) in [
            (Msg::ForecasterLast, &s.last),
            (Msg::ForecasterLine, &s.line),
        ] {
            table.push(vec![
                label.clone(),
                name.get(lang).into(),
                number(v.naive.pairs as f64, 0, lang),
                share(&v.naive),
                score(&v.naive),
                score(&v.model),
            ]);
        }
    }
    out.push(Block::Table(header, table));
    let outside: Vec<String> = rows
        .iter()
        .filter(|r| !r.model.inside)
        .map(|r| {
            let f = |x: f64| in_unit(r.metric, x, false, lang);
            say!(
                lang,
                BacktestOutside,
                metric = data(metric_label(r.metric, lang)),
                date = r.date,
                origin = r.origin,
                observed = in_unit(r.metric, r.observed, true, lang),
                low = f(r.model.p05),
                high = f(r.model.p95),
                median = f(r.model.median)
            )
        })
        .collect();
    if outside.is_empty() {
        out.push(Block::Paragraph(Msg::BacktestAllInside.get(lang).into()));
    } else {
        out.push(Block::Paragraph(Msg::BacktestOutsideIntro.get(lang).into()));
        out.push(Block::Bullets(outside));
    }
    out.extend(figure.map(Block::Figure));
    out
}
