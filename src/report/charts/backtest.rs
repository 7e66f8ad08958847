//! The backtest chart: one panel per path metric, with the model's fan (median line and 90%
//! band) from each origin in its own colour, and the national observations as dots on the
//! national scale (the published value divided by its coverage), so they sit on the fans.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{e, text_style, tick_decimals, DrawResult, Plot, GRID, INK, MUTED, PALETTE};
use crate::data::Date;
use crate::model::metrics::Metric;
use crate::model::stats::Band;
use crate::report::format::number;
use crate::report::text::{metric_label, say, Lang, Msg};
use crate::run_data::Backtest;

/// The chart's file name.
pub use crate::report::document::BACKTEST_CHART as NAME;

/// A backtest's fans and the observations they forecast.
pub struct BacktestChart<'a> {
    pub lang: Lang,
    pub backtest: &'a Backtest,
}

/// One origin's fan: the origin's index (its colour) and `(x, [p05, p50, p95])` in time order.
type Fan = (usize, Vec<(f64, Band)>);

/// Origins in a row of the key under the panels.
const KEY_PER_ROW: usize = 4;
const KEY_ROW: i32 = 40;

/// A date as a fractional year, for the x axis.
fn year_of(d: Date) -> f64 {
    f64::from(d.year) + (f64::from(d.month) - 1.0 + (f64::from(d.day) - 1.0) / 31.0) / 12.0
}

/// The colour of the `i`-th origin (Okabe–Ito; repeats after six origins).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

impl BacktestChart<'_> {
    /// The path metrics, in the engine's order.
    pub fn panels(&self) -> Vec<Metric> {
        let mut metrics: Vec<Metric> = Vec::new();
        for p in &self.backtest.paths {
            if !metrics.contains(&p.metric) {
                metrics.push(p.metric);
            }
        }
        metrics
    }

    /// The observations of a metric from the base year on, on the national scale.
    fn observations(&self, metric: Metric) -> Vec<(f64, f64)> {
        let base = self.backtest.manifest.run.base_year;
        self.backtest
            .actuals
            .iter()
            .filter(|a| a.metric == metric.as_str() && a.date.year >= base && a.coverage > 0.0)
            .map(|a| (year_of(a.date), a.value / a.coverage))
            .collect()
    }

    /// `(x, [p05, p50, p95])` of one origin's path of a metric, in time order.
    fn fan(&self, origin: Date, metric: Metric) -> Vec<(f64, Band)> {
        self.backtest
            .paths
            .iter()
            .filter(|p| p.origin == origin && p.metric == metric)
            .filter(|p| p.band.parts().iter().all(|v| v.is_finite()))
            .map(|p| (year_of(p.month), p.band))
            .collect()
    }
}

impl Plot for BacktestChart<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let panels = self.panels();
        if panels.is_empty() {
            return Err("no forecast paths to draw".into());
        }
        let origins = self.backtest.origins();
        let key_rows = (origins.len() + 1).div_ceil(KEY_PER_ROW) as i32;
        let (body, key) =
            area.split_vertically(area.dim_in_pixel().1 as i32 - 8 - KEY_ROW * key_rows);
        draw_key(&key, &origins, lang)?;
        // One time axis for every panel, so that dates line up between them.
        let xs: Vec<f64> = panels
            .iter()
            .flat_map(|m| {
                let fans = origins
                    .iter()
                    .flat_map(|o| self.fan(*o, *m))
                    .map(|(x, _)| x)
                    .collect::<Vec<_>>();
                fans.into_iter()
                    .chain(self.observations(*m).into_iter().map(|(x, _)| x))
            })
            .collect();
        let (x_lo, x_hi) = xs
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        if !(x_lo.is_finite() && x_hi.is_finite() && x_hi >= x_lo) {
            return Err("no dates to draw".into());
        }
        let span = (x_lo.floor(), x_hi + 0.2);
        let cols = panels.len().min(2);
        let rows = panels.len().div_ceil(cols);
        let cells = body.split_evenly((rows, cols));
        for (metric, cell) in panels.iter().zip(&cells) {
            let fans: Vec<Fan> = origins
                .iter()
                .enumerate()
                .map(|(i, o)| (i, self.fan(*o, *metric)))
                .filter(|(_, f)| !f.is_empty())
                .collect();
            panel(
                cell,
                metric_label(*metric, lang),
                &fans,
                &self.observations(*metric),
                span,
                lang,
            )?;
        }
        Ok(())
    }
}

/// The key under the panels: one entry per origin (its colour), then the observed dot.
fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    origins: &[Date],
    lang: Lang,
) -> DrawResult {
    let width = area.dim_in_pixel().0 as i32;
    let step = (width - 80) / KEY_PER_ROW as i32;
    let at = |k: usize| {
        (
            40 + step * (k % KEY_PER_ROW) as i32,
            20 + KEY_ROW * (k / KEY_PER_ROW) as i32,
        )
    };
    for (i, origin) in origins.iter().enumerate() {
        let (x, y) = at(i);
        let c = colour(i);
        area.draw(&Rectangle::new(
            [(x, y - 12), (x + 36, y + 12)],
            c.mix(0.2).filled(),
        ))
        .map_err(e)?;
        area.draw(&PathElement::new(
            vec![(x, y), (x + 36, y)],
            c.stroke_width(4),
        ))
        .map_err(e)?;
        area.draw(&Text::new(
            say!(lang, LegendOrigin, date = origin),
            (x + 46, y - 11),
            text_style(22, &INK),
        ))
        .map_err(e)?;
    }
    let (x, y) = at(origins.len());
    area.draw(&Circle::new((x + 18, y), 8, INK.filled()))
        .map_err(e)?;
    area.draw(&Text::new(
        Msg::LegendObservedNational.get(lang),
        (x + 46, y - 11),
        text_style(22, &INK),
    ))
    .map_err(e)?;
    Ok(())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    fans: &[Fan],
    observations: &[(f64, f64)],
    (x0, x1): (f64, f64),
    lang: Lang,
) -> DrawResult {
    let values = fans
        .iter()
        .flat_map(|(_, f)| f.iter().flat_map(|(_, b)| b.parts()))
        .chain(observations.iter().map(|(_, y)| *y))
        .filter(|v| v.is_finite());
    let (lo, hi) = match values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v))) {
        (lo, hi) if lo <= hi => (lo, hi),
        _ => (0.0, 1.0),
    };
    // Not from zero: the fans' spread is what the chart shows.
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02).max(1e-9);
    let (y0, y1) = ((lo - pad).max(0.0), hi + pad);
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(24)
        .caption(title, text_style(24, &INK))
        .x_label_area_size(58)
        .y_label_area_size(96)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    let ydec = tick_decimals(y1 - y0);
    chart
        .configure_mesh()
        .x_desc(Msg::AxisYear.get(lang))
        .x_labels(((x1 - x0) as usize + 1).min(8))
        .y_labels(5)
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 {
                format!("{x:.0}")
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| number(*y, ydec, lang))
        .label_style(text_style(19, &INK))
        .axis_desc_style(text_style(20, &INK))
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .draw()
        .map_err(e)?;
    for (i, fan) in fans {
        let band: Vec<(f64, f64)> = fan
            .iter()
            .map(|(x, b)| (*x, b.high))
            .chain(fan.iter().rev().map(|(x, b)| (*x, b.low)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                colour(*i).mix(0.16).filled(),
            )))
            .map_err(e)?;
    }
    for (i, fan) in fans {
        chart
            .draw_series(LineSeries::new(
                fan.iter().map(|(x, b)| (*x, b.median)),
                colour(*i).stroke_width(3),
            ))
            .map_err(e)?;
    }
    chart
        .draw_series(
            observations
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 7, INK.filled())),
        )
        .map_err(e)?;
    Ok(())
}
