//! The report's charts, drawn from the run data: fan charts over time, scenario comparison and
//! paired differences, a tornado of what drives the outcome, a funnel plot of the chains and a
//! histogram of the base year; a backtest's forecasts from earlier dates. Each is an SVG and a PNG in the report's language, with the
//! Okabe–Ito palette (distinguishable with the common colour-vision deficiencies).

pub mod backtest;
pub mod draw;
pub mod fan;
pub mod funnel;
pub mod hindcast;
pub mod histogram;
pub mod tornado;
pub mod workforce;

pub use draw::{ChartError, HEIGHT, PALETTE, WIDTH};

use draw::{render, BLUE, GREEN, VERMILLION};
use fan::{Fan, FanLine, FanSeries, Labelled};
use funnel::Funnel;
use histogram::Histogram;
use tornado::Tornado;

use crate::analysis::{paired_difference, sensitivity};
use crate::data::Actual;
use crate::model::metrics::Metric;
use crate::report::document::Figure;
use crate::report::document::PROJECTIONS_CHART;
use crate::report::format::{count, number};
use crate::report::sources::{
    input_names, population_file, prevalence_file, price_level, publishers,
};
use crate::report::text::{driver_label, say, Lang, Msg};
use crate::run_data::{Backtest, RunData, Stats, P50};

/// The source line under every chart: omvang, the runs, the input files, the chain data.
fn source_line(runs: &[&RunData], lang: Lang) -> String {
    let r = runs[0];
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    let mut data = input_names(runs, population_file);
    data.extend(input_names(runs, prevalence_file));
    let chains = if runs.iter().any(|r| r.illustrative()) {
        Msg::ChartChainsIllustrative
    } else {
        Msg::ChartChainsMeasured
    };
    let key = if runs.len() > 1 {
        Msg::ChartSourceMany
    } else {
        Msg::ChartSourceOne
    };
    key.fill(
        lang,
        &[
            ("version", &r.manifest.omvang_version),
            ("names", &names.join(", ")),
            ("iterations", &number(r.manifest.iterations as f64, 0, lang)),
            ("seed", &r.manifest.seed),
            ("data", &data.join(", ")),
            ("chains", &chains.get(lang)),
        ],
    )
}

/// Monthly stats of a metric as `(x, stats)`, starting with the base year's 1 January.
fn monthly_points(run: &RunData, metric: Metric, scale: f64) -> Vec<(f64, Stats)> {
    let scaled = |s: &Stats| s.map(|v| v / scale);
    let mut pts = Vec::new();
    if let Some(s) = run.stats(metric, run.base_year()) {
        pts.push((run.base_year() as f64, scaled(&s)));
    }
    if let Some(months) = run.monthly.get(&metric) {
        // The month's state at its end.
        pts.extend(
            months
                .iter()
                .map(|(y, m, s)| (*y as f64 + *m as f64 / 12.0, scaled(s))),
        );
    }
    pts
}

fn yearly_points(run: &RunData, metric: Metric, scale: f64) -> Vec<(f64, Stats)> {
    run.yearly_series(metric)
        .into_iter()
        .map(|(y, s)| (y as f64, s.map(|v| v / scale)))
        .collect()
}

/// The published figures of a metric inside the chart's years, as points in fractional years,
/// and the legend label (`key`, e.g. "National count ({sources})") that names their publishers.
fn actual_points(run: &RunData, metric: Metric, key: Msg, lang: Lang) -> (Vec<(f64, f64)>, String) {
    let shown: Vec<_> = run
        .actuals
        .iter()
        .filter(|a| a.metric == metric.as_str())
        .map(|a| {
            let x = a.date.year as f64
                + (a.date.month as f64 - 1.0) / 12.0
                + (a.date.day as f64 - 1.0) / 365.0;
            (x, a)
        })
        .filter(|(x, _)| *x >= run.base_year() as f64 && *x <= run.horizon() as f64 + 1.0)
        .collect();
    let figures: Vec<&Actual> = shown.iter().map(|(_, a)| *a).collect();
    let label = key.fill(
        lang,
        &[("sources", &publishers(&run.actuals, &figures).join(", "))],
    );
    (shown.iter().map(|(x, a)| (*x, a.value)).collect(), label)
}

/// A fan chart of one run over time, with its 90% band and published figures.
fn run_fan(
    series: Vec<FanSeries>,
    y_desc: Msg,
    (markers, marker_label): (Vec<(f64, f64)>, String),
    lang: Lang,
) -> Fan {
    Fan {
        lang,
        x_desc: Msg::AxisYear.get(lang).into(),
        y_desc: y_desc.get(lang).into(),
        series,
        outer: true,
        markers,
        marker_label,
        zero_line: false,
        lines: Vec::new(),
        labelled: None,
    }
}

/// One unlabelled series (a single series is labelled "Median" by the fan chart).
fn single(colour: plotters::style::RGBColor, points: Vec<(f64, Stats)>) -> Vec<FanSeries> {
    vec![FanSeries {
        label: String::new(),
        colour,
        points,
    }]
}

/// The charts of one run.
///
/// # Errors
/// A chart that cannot be drawn (e.g. a run without the columns it needs).
pub fn run_charts(run: &RunData, lang: Lang) -> Result<Vec<Figure>, ChartError> {
    let source = source_line(&[run], lang);
    let b = run.base_year();
    let h = run.horizon();
    let t = |m: Msg| m.get(lang);
    let mut charts = vec![
        render(
            "fan_clients_in_care",
            t(Msg::FanClientsTitle),
            t(Msg::FanClientsCaption),
            &source,
            &run_fan(
                single(BLUE, monthly_points(run, Metric::ClientsInCare, 1.0)),
                Msg::AxisClients,
                actual_points(run, Metric::ClientsInCare, Msg::LegendNationalCount, lang),
                lang,
            ),
        )?,
        render(
            "fan_waiting_list",
            t(Msg::FanWaitingTitle),
            t(Msg::FanWaitingCaption),
            &source,
            &run_fan(
                single(VERMILLION, monthly_points(run, Metric::WaitingList, 1.0)),
                Msg::AxisWaiting,
                actual_points(run, Metric::WaitingList, Msg::LegendNationalCount, lang),
                lang,
            ),
        )?,
    ];
    let fte = vec![
        FanSeries {
            label: t(Msg::LegendFteAvailable).into(),
            colour: BLUE,
            points: monthly_points(run, Metric::FteAvailable, 1.0),
        },
        FanSeries {
            label: t(Msg::LegendFteNeeded).into(),
            colour: VERMILLION,
            points: monthly_points(run, Metric::FteNeeded, 1.0),
        },
    ];
    charts.push(render(
        "fan_fte",
        t(Msg::FanFteTitle),
        t(Msg::FanFteCaption),
        &source,
        &run_fan(
            fte,
            Msg::AxisFte,
            actual_points(run, Metric::FteAvailable, Msg::LegendNationalCount, lang),
            lang,
        ),
    )?);
    if let Some(chart) = workforce_chart(run, lang, &source)? {
        charts.push(chart);
    }
    charts.push(render(
        "fan_cost",
        t(Msg::FanCostTitle),
        t(Msg::FanCostCaption),
        &source,
        &Fan {
            y_desc: say!(lang, AxisCostPriced, price = price_level(run, lang)),
            ..run_fan(
                single(GREEN, yearly_points(run, Metric::CostEur, 1e6)),
                Msg::AxisCost,
                (Vec::new(), String::new()),
                lang,
            )
        },
    )?);

    for (metric, name, what) in [
        (
            Metric::FteNeeded,
            "tornado_fte_needed",
            Msg::TornadoFteNeeded,
        ),
        (
            Metric::WaitingList,
            "tornado_waiting_list",
            Msg::TornadoWaitingList,
        ),
    ] {
        let bars: Vec<(String, f64)> = sensitivity(run, &format!("{metric}_{h}"))
            .into_iter()
            .take(10)
            .map(|(d, r)| (driver_label(&d, lang).to_string(), r))
            .collect();
        if bars.is_empty() {
            continue;
        }
        charts.push(render(
            name,
            &say!(lang, TornadoTitle, what = t(what), year = h),
            &say!(lang, TornadoCaption, what = t(what), year = h),
            &source,
            &Tornado {
                lang,
                x_desc: t(Msg::AxisSpearman).into(),
                bars,
            },
        )?);
    }

    if let Some(pooled) = run.pooled_row("pooled").and_then(|p| p.get("uptake")) {
        let points: Vec<(String, f64, f64)> = run
            .chain_rows()
            .filter_map(|c| Some((c.chain.clone(), c.get("at_home")?, c.get("uptake")?)))
            .collect();
        if !points.is_empty() {
            charts.push(render(
                "funnel_uptake",
                t(Msg::FunnelTitle),
                t(Msg::FunnelCaption),
                &source,
                &Funnel {
                    lang,
                    x_desc: t(Msg::AxisAtHomeInRegion).into(),
                    y_desc: t(Msg::AxisUptake).into(),
                    points,
                    pooled,
                    labels: [
                        say!(
                            lang,
                            LegendPooledUptake,
                            value = number(pooled * 100.0, 1, lang)
                        ),
                        t(Msg::LegendLimits95).into(),
                        t(Msg::LegendLimits998).into(),
                    ],
                },
            )?);
        }
    }

    if let Some(values) = run.draw(&format!("clients_in_care_{b}")) {
        let marker = run.actual(Metric::ClientsInCare, b).map(|a| {
            (
                a.value,
                say!(
                    lang,
                    LegendNationalCountValue,
                    count = count(a.value, lang),
                    year = a.date.year
                ),
            )
        });
        charts.push(render(
            "histogram_clients_in_care",
            &say!(lang, HistogramTitle, year = b),
            t(Msg::HistogramCaption),
            &source,
            &Histogram {
                lang,
                x_desc: t(Msg::AxisClients).into(),
                y_desc: t(Msg::AxisShareOfIterations).into(),
                values: values.to_vec(),
                bins: 40,
                marker,
            },
        )?);
    }

    // With projections by others the chart goes with their section, after the hindcast's.
    let (people, people_last) = match people_chart(run, lang, &source)? {
        chart if run.projections.is_empty() => (chart, None),
        chart => (None, chart),
    };
    charts.extend(people);
    if let Some(rows) = &run.hindcast {
        let plot = hindcast::Hindcast {
            lang,
            rows: rows.clone(),
        };
        if !plot.panels().is_empty() {
            charts.push(render(
                hindcast::NAME,
                t(Msg::HindcastTitle),
                t(Msg::HindcastCaption),
                &source,
                &plot,
            )?);
        }
    }
    charts.extend(people_last);
    Ok(charts)
}

/// "Case managers: inflow and outflow": the headcount fan above the yearly median flows; `None`
/// for a run without the workforce's series.
fn workforce_chart(run: &RunData, lang: Lang, source: &str) -> Result<Option<Figure>, ChartError> {
    let headcount = yearly_points(run, Metric::CaseManagers, 1.0);
    let median = |m: Metric, y: i32| run.stats(m, y).map(|s| s[P50]);
    let flows: Vec<(f64, [f64; 3])> = run
        .yearly_series(Metric::Leavers)
        .into_iter()
        .filter_map(|(y, leavers)| {
            let qualified = median(Metric::TraineesQualified, y)?;
            let hires = median(Metric::Hires, y)?;
            Some((y as f64, [qualified, hires, leavers[P50]]))
        })
        .collect();
    if headcount.is_empty() || flows.is_empty() {
        return Ok(None);
    }
    let plot = workforce::WorkforceChart {
        lang,
        headcount,
        flows,
    };
    Ok(Some(render(
        crate::report::document::WORKFORCE_CHART,
        Msg::WorkforceTitle.get(lang),
        Msg::WorkforceCaption.get(lang),
        source,
        &plot,
    )?))
}

/// People with dementia over the years: the model with its prevalence trend (median, 50% and 90%
/// bands), the model at constant age-specific rates (median, dashed), the national estimates as
/// dots and others' projections up to the horizon as diamonds named by their publisher. `None`
/// when the run has no yearly series of people with dementia.
fn people_chart(run: &RunData, lang: Lang, source: &str) -> Result<Option<Figure>, ChartError> {
    let model = yearly_points(run, Metric::PeopleWithDementia, 1.0);
    if model.is_empty() {
        return Ok(None);
    }
    let (b, h) = (run.base_year(), run.horizon());
    let constant: Vec<(f64, f64)> =
        yearly_points(run, Metric::PeopleWithDementiaConstantRates, 1.0)
            .into_iter()
            .map(|(x, s)| (x, s[P50]))
            .collect();
    let estimates = actual_points(
        run,
        Metric::PeopleWithDementia,
        Msg::LegendNationalEstimate,
        lang,
    );
    let shown: Vec<(f64, f64, String)> = run
        .projections
        .iter()
        .filter(|p| p.metric == Metric::PeopleWithDementia.as_str() && (b..=h).contains(&p.year))
        .map(|p| (p.year as f64, p.value, p.publisher.clone()))
        .collect();
    let (caption, labelled) = if shown.is_empty() {
        (Msg::FanPeopleCaptionAlone, None)
    } else {
        (
            Msg::FanPeopleCaption,
            Some(Labelled {
                legend: Msg::LegendProjections.get(lang).into(),
                points: shown,
            }),
        )
    };
    let lines = if constant.is_empty() {
        Vec::new()
    } else {
        vec![FanLine {
            label: Msg::LegendConstantRates.get(lang).into(),
            colour: GREEN,
            points: constant,
        }]
    };
    let fan = Fan {
        lines,
        labelled,
        ..run_fan(
            vec![FanSeries {
                label: Msg::LegendWithTrend.get(lang).into(),
                colour: BLUE,
                points: model,
            }],
            Msg::AxisPeopleWithDementia,
            estimates,
            lang,
        )
    };
    Ok(Some(render(
        PROJECTIONS_CHART,
        Msg::FanPeopleTitle.get(lang),
        caption.get(lang),
        source,
        &fan,
    )?))
}

/// The charts of a comparison; the first run is the reference. No runs, no charts.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn comparison_charts(runs: &[RunData], lang: Lang) -> Result<Vec<Figure>, ChartError> {
    let Some(reference) = runs.first() else {
        return Ok(Vec::new());
    };
    let refs: Vec<&RunData> = runs.iter().collect();
    let source = source_line(&refs, lang);
    let series = |metric: Metric, scale: f64, monthly: bool| -> Vec<FanSeries> {
        runs.iter()
            .enumerate()
            .map(|(i, r)| FanSeries {
                label: r.name.clone(),
                colour: PALETTE[i % PALETTE.len()],
                points: if monthly {
                    monthly_points(r, metric, scale)
                } else {
                    yearly_points(r, metric, scale)
                },
            })
            .collect()
    };
    // (file, title, caption, (metric, scale, monthly), y axis).
    let panels = [
        (
            "compare_waiting_list",
            Msg::CompareWaitingTitle,
            Msg::CompareWaitingCaption,
            (Metric::WaitingList, 1.0, true),
            Msg::AxisWaiting,
        ),
        (
            "compare_fte_needed",
            Msg::CompareFteTitle,
            Msg::CompareFteCaption,
            (Metric::FteNeeded, 1.0, true),
            Msg::AxisFte,
        ),
        (
            "compare_cost",
            Msg::CompareCostTitle,
            Msg::CompareCostCaption,
            (Metric::CostEur, 1e6, false),
            Msg::AxisCost,
        ),
    ];
    let mut charts = panels
        .iter()
        .map(
            |&(name, title, caption, (metric, scale, monthly), y_desc)| {
                render(
                    name,
                    title.get(lang),
                    caption.get(lang),
                    &source,
                    &Fan {
                        lang,
                        x_desc: Msg::AxisYear.get(lang).into(),
                        y_desc: if y_desc == Msg::AxisCost {
                            say!(lang, AxisCostPriced, price = price_level(reference, lang))
                        } else {
                            y_desc.get(lang).into()
                        },
                        series: series(metric, scale, monthly),
                        outer: false,
                        markers: Vec::new(),
                        marker_label: String::new(),
                        zero_line: false,
                        lines: Vec::new(),
                        labelled: None,
                    },
                )
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    for (i, run) in runs.iter().enumerate().skip(1) {
        let points: Vec<(f64, Stats)> = (run.base_year()..=run.horizon())
            .filter_map(|y| {
                Some((
                    y as f64,
                    paired_difference(run, reference, &format!("waiting_list_{y}"))?,
                ))
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        let (scenario, reference) = (&run.name, &reference.name);
        charts.push(render(
            &format!("difference_waiting_list_{}", run.name),
            &say!(
                lang,
                DifferenceTitle,
                scenario = scenario,
                reference = reference
            ),
            &say!(
                lang,
                DifferenceCaption,
                scenario = scenario,
                reference = reference
            ),
            &source,
            &Fan {
                lang,
                x_desc: Msg::AxisYear.get(lang).into(),
                y_desc: Msg::AxisDifference.get(lang).into(),
                series: single(PALETTE[i % PALETTE.len()], points),
                outer: true,
                markers: Vec::new(),
                marker_label: String::new(),
                zero_line: true,
                lines: Vec::new(),
                labelled: None,
            },
        )?);
    }
    Ok(charts)
}

/// The chart of a backtest: the model's fans from each origin beside the observations.
///
/// # Errors
/// A chart that cannot be drawn (e.g. a backtest without paths).
pub fn backtest_charts(backtest: &Backtest, lang: Lang) -> Result<Vec<Figure>, ChartError> {
    let m = &backtest.manifest.run;
    let mut data: Vec<&str> = Vec::new();
    for f in [m.population_file(), m.prevalence_file()]
        .into_iter()
        .flatten()
    {
        if !data.contains(&f.file_name()) {
            data.push(f.file_name());
        }
    }
    let chains = if backtest.illustrative() {
        Msg::ChartChainsIllustrative
    } else {
        Msg::ChartChainsMeasured
    };
    let source = say!(
        lang,
        ChartSourceOne,
        version = m.omvang_version,
        names = m.scenario,
        iterations = number(m.iterations as f64, 0, lang),
        seed = m.seed,
        data = data.join(", "),
        chains = chains.get(lang)
    );
    Ok(vec![render(
        backtest::NAME,
        Msg::BacktestTitle.get(lang),
        Msg::BacktestCaption.get(lang),
        &source,
        &backtest::BacktestChart { lang, backtest },
    )?])
}
