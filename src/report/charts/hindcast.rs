//! The hindcast: one small panel per metric with the national observations as dots, the model
//! before calibration (prior) as a light grey 90% bar and after calibration (posterior) as a
//! blue 90% bar with its median tick, all on the observed scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{e, text_style, tick_decimals, DrawResult, Plot, BLUE, GRID, INK, MUTED};
use super::draw::{VERMILLION, WIDTH};
use crate::model::metrics::Metric;
use crate::model::stats::Band;
use crate::report::format::number;
use crate::report::text::{metric_label, Lang, Msg};
use crate::run_data::HindcastRow;

pub use crate::report::document::HINDCAST_CHART as NAME;

/// The metrics the hindcast shows, in the order of their panels.
pub const METRICS: [Metric; 8] = [
    Metric::ClientsInCare,
    Metric::WaitingList,
    Metric::WaitingOverNorm,
    Metric::MeanWaitWeeks,
    Metric::StatedWaitWeeks,
    Metric::FteAvailable,
    Metric::PeopleWithDementia,
    Metric::AtHome,
];

const PRIOR: RGBColor = RGBColor(200, 200, 200);

/// The hindcast rows of a run, one panel per metric present.
pub struct Hindcast {
    pub lang: Lang,
    pub rows: Vec<HindcastRow>,
}

impl Hindcast {
    /// The metrics with at least one row, in panel order.
    pub fn panels(&self) -> Vec<Metric> {
        METRICS
            .into_iter()
            .filter(|m| self.rows.iter().any(|r| r.metric == *m))
            .collect()
    }
}

/// A date as a fractional year, for the x axis.
fn year_of(r: &HindcastRow) -> f64 {
    f64::from(r.date.year)
        + (f64::from(r.date.month) - 1.0 + (f64::from(r.date.day) - 1.0) / 31.0) / 12.0
}

impl Plot for Hindcast {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let panels = self.panels();
        if panels.is_empty() {
            return Err("no hindcast rows for the metrics it shows".into());
        }
        let (body, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 44);
        draw_key(&legend, lang)?;
        let cols = panels.len().min(3);
        let rows = panels.len().div_ceil(cols);
        let cells = body.split_evenly((rows, cols));
        // One time axis for every panel, so that dates line up between them.
        let (x_lo, x_hi) = self
            .rows
            .iter()
            .map(year_of)
            .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
        let span = ((x_lo - 0.6).floor(), (x_hi + 0.6).ceil());
        for (metric, cell) in panels.iter().zip(&cells) {
            let rows: Vec<&HindcastRow> =
                self.rows.iter().filter(|r| r.metric == *metric).collect();
            panel(cell, metric_label(*metric, lang), &rows, span, lang)?;
        }
        Ok(())
    }
}

/// The key under the panels: observed dot, prior bar, posterior bar with median.
fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, lang: Lang) -> DrawResult {
    let y = 20;
    let mut x = 40;
    area.draw(&Circle::new((x, y), 8, VERMILLION.filled()))
        .map_err(e)?;
    area.draw(&Text::new(
        Msg::LegendObserved.get(lang),
        (x + 18, y - 11),
        text_style(22, &INK),
    ))
    .map_err(e)?;
    x += WIDTH as i32 / 3 - 40;
    area.draw(&Rectangle::new(
        [(x - 6, y - 14), (x + 6, y + 14)],
        PRIOR.filled(),
    ))
    .map_err(e)?;
    area.draw(&Text::new(
        Msg::LegendPrior90.get(lang),
        (x + 18, y - 11),
        text_style(22, &INK),
    ))
    .map_err(e)?;
    x += WIDTH as i32 / 3;
    area.draw(&Rectangle::new(
        [(x - 6, y - 14), (x + 6, y + 14)],
        BLUE.mix(0.6).filled(),
    ))
    .map_err(e)?;
    area.draw(&PathElement::new(
        vec![(x - 10, y), (x + 10, y)],
        BLUE.stroke_width(3),
    ))
    .map_err(e)?;
    area.draw(&Text::new(
        Msg::LegendPosterior90.get(lang),
        (x + 18, y - 11),
        text_style(22, &INK),
    ))
    .map_err(e)?;
    Ok(())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[&HindcastRow],
    (x0, x1): (f64, f64),
    lang: Lang,
) -> DrawResult {
    let xs: Vec<f64> = rows.iter().map(|r| year_of(r)).collect();
    let values = rows.iter().flat_map(|r| {
        let post = r.posterior.unwrap_or(r.prior);
        [r.observed, r.prior.low, r.prior.high, post.low, post.high]
    });
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02).max(1e-9);
    let (y0, y1) = (
        (lo - pad).min(if lo >= 0.0 { 0.0 } else { lo - pad }),
        hi + pad,
    );
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(24)
        .caption(title, text_style(24, &INK))
        .x_label_area_size(34)
        .y_label_area_size(96)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    let ydec = tick_decimals(y1 - y0);
    chart
        .configure_mesh()
        .x_labels(((x1 - x0) as usize + 1).min(6))
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
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .draw()
        .map_err(e)?;
    let w = (x1 - x0) * 0.018;
    for (r, &x) in rows.iter().zip(&xs) {
        chart
            .draw_series([Rectangle::new(
                [(x - 2.0 * w, r.prior.low), (x + 2.0 * w, r.prior.high)],
                PRIOR.filled(),
            )])
            .map_err(e)?;
        if let Some(Band { low, median, high }) = r.posterior {
            chart
                .draw_series([Rectangle::new(
                    [(x - w, low), (x + w, high)],
                    BLUE.mix(0.6).filled(),
                )])
                .map_err(e)?;
            chart
                .draw_series([PathElement::new(
                    vec![(x - 1.8 * w, median), (x + 1.8 * w, median)],
                    BLUE.stroke_width(3),
                )])
                .map_err(e)?;
        } else {
            chart
                .draw_series([PathElement::new(
                    vec![(x - 2.5 * w, r.prior.median), (x + 2.5 * w, r.prior.median)],
                    MUTED.stroke_width(3),
                )])
                .map_err(e)?;
        }
        chart
            .draw_series([Circle::new((x, r.observed), 7, VERMILLION.filled())])
            .map_err(e)?;
    }
    Ok(())
}
