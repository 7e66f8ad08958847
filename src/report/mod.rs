//! The brief volume report: a finished run (or several, compared), as read back from its files,
//! turned into key figures, tables and captions, written once as Markdown and rendered to
//! self-contained HTML; and the short report of a backtest. Dutch by default; every count
//! below 10 is shown as "<10".
//!
//! The report does not draw: the caller draws the charts (`report::charts`) from the same run
//! data and hands them in as [`Figure`]s.

pub mod catalog;
pub mod charts;
pub mod document;
pub mod format;
mod lang;
pub mod method;
pub mod record;
pub mod sections;
pub mod sources;
pub mod target;
pub mod text;
pub mod workbook;

pub use document::{chart_path, file_name, owned_by, Block, Figure, Report};
pub use text::{Lang, Msg};

use crate::analysis::paired_difference;
use crate::model::metrics::Metric;
use crate::run_data::{Backtest, RunData, P05, P50, P95};
use format::{code, count, data, eur_millions, number, sig3, signed_count, with_interval};
use method::{backtest_settings, limitations_bullets, method_bullets, reproducibility_bullets};
use record::{backtest_blocks, hindcast_blocks, projections_blocks};
use sections::{
    chain_tables, conclusion, illustrative_notice, key_message, outlook_table, overrides_paragraph,
    pooling_paragraph, scenario_line, sensitivity_table, workforce_comparison, workforce_paragraph,
};
use sources::{price_level, sources_bullets};
use text::say;

/// The report of one run, showing `charts` (drawn by [`charts::run_charts`]) as its figures.
pub fn run_report(run: &RunData, lang: Lang, charts: Vec<Figure>) -> Report {
    let heading = |m: Msg| Block::Heading(m.get(lang).to_string());
    let mut blocks: Vec<Block> = conclusion(run, lang).into_iter().collect();
    blocks.push(Block::Paragraph(say!(
        lang,
        RunIntro,
        scenario = scenario_line(run, lang),
        base = run.base_year(),
        horizon = run.horizon()
    )));
    blocks.extend(overrides_paragraph(run, lang));
    if run.illustrative() {
        blocks.push(illustrative_notice(lang));
    }
    blocks.push(heading(Msg::HeadingKeyMessage));
    blocks.push(Block::Bullets(key_message(run, lang)));
    blocks.push(Block::Paragraph(format!(
        "{} {}",
        Msg::MedianNote.get(lang),
        Msg::MedianDifferenceNote.get(lang)
    )));
    blocks.push(heading(Msg::HeadingOutlook));
    blocks.push(outlook_table(run, lang));
    if let Some(p) = workforce_paragraph(run, lang) {
        blocks.push(heading(Msg::HeadingWorkforce));
        blocks.push(p);
    }
    // The hindcast chart goes with its section, and so does the chart of people with dementia
    // when the run has projections by others; the others under "Charts".
    let hindcast = charts
        .iter()
        .position(|c| c.name == document::HINDCAST_CHART);
    let projections = charts
        .iter()
        .position(|c| c.name == document::PROJECTIONS_CHART)
        .filter(|_| !run.projections.is_empty());
    blocks.push(heading(Msg::HeadingCharts));
    blocks.extend(
        (0..charts.len())
            .filter(|&i| Some(i) != hindcast && Some(i) != projections)
            .map(Block::Figure),
    );
    blocks.extend(hindcast_blocks(run, lang, hindcast));
    blocks.extend(projections_blocks(run, lang, projections));
    blocks.push(heading(Msg::HeadingDataPhoto));
    blocks.extend(chain_tables(run, lang));
    blocks.extend(pooling_paragraph(run, lang));
    blocks.push(heading(Msg::HeadingMethod));
    blocks.push(Block::Bullets(method_bullets(run, lang)));
    if let Some(t) = sensitivity_table(run, lang) {
        blocks.push(heading(Msg::HeadingSensitivity));
        blocks.push(Block::Paragraph(Msg::SensitivityIntro.get(lang).into()));
        blocks.push(t);
    }
    blocks.push(heading(Msg::HeadingSources));
    blocks.push(Block::Bullets(sources_bullets(&[run], lang)));
    blocks.push(heading(Msg::HeadingLimitations));
    blocks.push(Block::Bullets(limitations_bullets(run, lang)));
    blocks.push(heading(Msg::HeadingReproducibility));
    blocks.push(Block::Bullets(reproducibility_bullets(run, lang)));
    Report {
        lang,
        title: say!(lang, TitleRun, name = data(&run.name)),
        blocks,
        charts,
    }
}

/// The report of a backtest (`omvang backtest`): the section "How well does the model
/// forecast?" with `charts` (drawn by [`charts::backtest_charts`]), and its settings.
pub fn backtest_report(backtest: &Backtest, lang: Lang, charts: Vec<Figure>) -> Report {
    let figure = charts
        .iter()
        .position(|c| c.name == document::BACKTEST_CHART);
    let mut blocks = Vec::new();
    if backtest.illustrative() {
        blocks.push(illustrative_notice(lang));
    }
    blocks.extend(backtest_blocks(backtest, lang, figure));
    blocks.push(Block::Heading(Msg::HeadingSettings.get(lang).into()));
    blocks.push(Block::Bullets(backtest_settings(backtest, lang)));
    Report {
        lang,
        title: say!(
            lang,
            TitleBacktest,
            name = data(&backtest.manifest.run.scenario)
        ),
        blocks,
        charts,
    }
}

/// Why runs cannot be compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    #[error("scenario {scenario}: {what} differs from the reference {reference}; compare runs made with the same seed, iterations, base year and horizon")]
    Mismatch {
        scenario: String,
        reference: String,
        what: &'static str,
    },
    #[error("compare needs at least two scenarios (the first is the reference); to run one scenario use `omvang run`")]
    TooFew,
}

/// Check that runs share what pairing needs.
///
/// # Errors
/// Fewer than two runs, or a different seed, iteration count, base year or horizon.
pub fn check_comparable(runs: &[RunData]) -> Result<(), CompareError> {
    let Some((reference, rest)) = runs.split_first() else {
        return Err(CompareError::TooFew);
    };
    if rest.is_empty() {
        return Err(CompareError::TooFew);
    }
    let r = &reference.manifest;
    for run in rest {
        let m = &run.manifest;
        let what = if m.seed != r.seed {
            Some("the seed")
        } else if m.iterations != r.iterations {
            Some("the number of iterations")
        } else if m.base_year != r.base_year {
            Some("the base year")
        } else if m.horizon != r.horizon {
            Some("the horizon")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(CompareError::Mismatch {
                scenario: run.name.clone(),
                reference: reference.name.clone(),
                what,
            });
        }
    }
    Ok(())
}

/// The comparison report (the first run is the reference), showing `charts` (drawn by
/// [`charts::comparison_charts`]) as its figures.
///
/// # Errors
/// Runs that cannot be paired.
pub fn comparison_report(
    runs: &[RunData],
    lang: Lang,
    charts: Vec<Figure>,
) -> Result<Report, CompareError> {
    check_comparable(runs)?;
    let heading = |m: Msg| Block::Heading(m.get(lang).to_string());
    let reference = &runs[0];
    let h = reference.horizon();
    let mid = reference.middle_year();
    let c = |x: f64| count(x, lang);
    // One sentence first: which scenario shortens the waiting list most against the
    // reference, paired per iteration, and what it costs.
    let best = runs[1..]
        .iter()
        .filter_map(|run| {
            let d = paired_difference(run, reference, &format!("waiting_list_{h}"))?;
            Some((run, d))
        })
        .min_by(|a, b| a.1[P50].total_cmp(&b.1[P50]));
    let mut blocks = Vec::new();
    if let Some((run, d)) = best {
        let cost = run
            .stats(Metric::CostEur, h)
            .map(|s| eur_millions(s[P50], lang))
            .unwrap_or_default();
        blocks.push(Block::Paragraph(say!(
            lang,
            ComparisonConclusion,
            scenario = data(&run.name),
            reference = data(&reference.name),
            horizon = h,
            median = signed_count(d[P50], lang),
            low = signed_count(d[P05], lang),
            high = signed_count(d[P95], lang),
            cost = cost,
            price = price_level(run, lang)
        )));
    }
    blocks.push(Block::Paragraph(say!(
        lang,
        ComparisonIntro,
        n = runs.len(),
        seed = reference.manifest.seed,
        iterations = number(reference.manifest.iterations as f64, 0, lang),
        reference = data(&reference.name)
    )));
    if runs.iter().any(RunData::illustrative) {
        blocks.push(illustrative_notice(lang));
    }
    blocks.push(heading(Msg::HeadingKeyMessage));
    let mut bullets: Vec<String> = key_message(reference, lang).into_iter().take(5).collect();
    for run in &runs[1..] {
        let (Some(w), Some(d)) = (
            run.stats(Metric::WaitingList, h),
            paired_difference(run, reference, &format!("waiting_list_{h}")),
        ) else {
            continue;
        };
        let cost = run
            .stats(Metric::CostEur, h)
            .map(|s| eur_millions(s[P50], lang))
            .unwrap_or_default();
        bullets.push(say!(
            lang,
            ComparisonKey,
            scenario = data(&run.name),
            year = h,
            waiting = with_interval(&w, &c, lang),
            reference = data(&reference.name),
            median = signed_count(d[P50], lang),
            low = signed_count(d[P05], lang),
            high = signed_count(d[P95], lang),
            cost = cost,
            price = price_level(run, lang)
        ));
        bullets.extend(workforce_comparison(run, reference, lang));
    }
    blocks.push(Block::Bullets(bullets));
    blocks.push(Block::Paragraph(format!(
        "{} {}",
        Msg::MedianNote.get(lang),
        Msg::MedianDifferenceNote.get(lang)
    )));

    blocks.push(heading(Msg::HeadingSideBySide));
    let column = |m: Msg, y: i32| format!("{} {y}", m.get(lang));
    let mut header = vec!["Scenario".to_string()];
    if let Some(y) = mid {
        header.push(column(Msg::ColWaitingList, y));
    }
    header.extend([
        column(Msg::ColWaitingList, h),
        column(Msg::ColLostWhileWaiting, h),
        column(Msg::ColFteAvailable, h),
        column(Msg::ColFteNeeded, h),
        format!(
            "{} ({})",
            column(Msg::ColCost, h),
            price_level(reference, lang)
        ),
    ]);
    let rows = runs
        .iter()
        .map(|run| {
            let med = |m: Metric, y: i32, f: &dyn Fn(f64) -> String| {
                run.stats(m, y).map_or("–".into(), |s| f(s[P50]))
            };
            let mut row = vec![data(&run.name)];
            if let Some(y) = mid {
                row.push(med(Metric::WaitingList, y, &c));
            }
            row.extend([
                med(Metric::WaitingList, h, &c),
                med(Metric::LostWhileWaiting, h, &c),
                med(Metric::FteAvailable, h, &|x| sig3(x, lang)),
                med(Metric::FteNeeded, h, &|x| sig3(x, lang)),
                med(Metric::CostEur, h, &|x| eur_millions(x, lang)),
            ]);
            row
        })
        .collect();
    blocks.push(Block::Table(header, rows));

    blocks.push(heading(Msg::HeadingCharts));
    blocks.extend((0..charts.len()).map(Block::Figure));
    blocks.push(heading(Msg::HeadingScenarios));
    blocks.push(Block::Bullets(
        runs.iter().map(|r| scenario_line(r, lang)).collect(),
    ));
    blocks.push(heading(Msg::HeadingMethod));
    blocks.push(Block::Bullets(method_bullets(reference, lang)));
    blocks.push(Block::Paragraph(
        Msg::ComparisonPerScenario.get(lang).into(),
    ));
    blocks.push(heading(Msg::HeadingSources));
    blocks.push(Block::Bullets(sources_bullets(
        &runs.iter().collect::<Vec<_>>(),
        lang,
    )));
    blocks.push(heading(Msg::HeadingLimitations));
    blocks.push(Block::Bullets(limitations_bullets(reference, lang)));
    blocks.push(heading(Msg::HeadingReproducibility));
    blocks.push(Block::Bullets(
        runs.iter()
            .map(|r| {
                let m = &r.manifest;
                say!(
                    lang,
                    ComparisonRepro,
                    scenario = data(&r.name),
                    path = code(&m.scenario_file.path),
                    sha = code(&m.scenario_file.sha256),
                    seed = m.seed,
                    iterations = number(m.iterations as f64, 0, lang),
                    version = m.omvang_version
                )
            })
            .collect(),
    ));
    Ok(Report {
        lang,
        title: Msg::TitleComparison.get(lang).to_string(),
        blocks,
        charts,
    })
}
