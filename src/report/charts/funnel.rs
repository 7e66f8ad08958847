//! The funnel plot: each chain's uptake against the size of its region, with the pooled
//! uptake and its 95% and 99.8% control limits (Spiegelhalter 2005), so that chains outside
//! the funnel differ from the pool by more than chance.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{chart_builder, draw_legend, draw_mesh, e, text_style, tick_decimals};
use super::draw::{DrawResult, Plot, BLUE, GREEN, INK, VERMILLION};
use crate::analysis::normal_quantile;
use crate::report::format::number;
use crate::report::text::{Lang, Msg};

/// A funnel plot of chain uptake.
pub struct Funnel {
    pub lang: Lang,
    pub x_desc: String,
    pub y_desc: String,
    /// Chain, people at home in its region, uptake.
    pub points: Vec<(String, f64, f64)>,
    pub pooled: f64,
    pub labels: [String; 3],
}

impl Plot for Funnel {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let p0 = self.pooled;
        // Two-sided control limits: 95% and 99.8% of a normal around the pooled uptake.
        let (z95, z998) = (normal_quantile(0.975), normal_quantile(0.999));
        let n_min = self
            .points
            .iter()
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        let n_max = self.points.iter().map(|p| p.1).fold(0.0, f64::max);
        if !(n_min.is_finite() && n_max > 0.0) {
            return Err("no chains".into());
        }
        let (x0, x1) = ((n_min * 0.5).max(1.0), n_max * 1.25);
        let limit =
            |n: f64, z: f64| (p0 + z * (p0 * (1.0 - p0) / n).sqrt()).clamp(0.0, 1.0) * 100.0;
        let grid: Vec<f64> = (0..=200)
            .map(|i| x0 + (x1 - x0) * i as f64 / 200.0)
            .collect();
        let ys = self
            .points
            .iter()
            .map(|p| p.2 * 100.0)
            .chain([limit(x0, -z998), limit(x0, z998)]);
        let ymin = ys.clone().fold(f64::INFINITY, f64::min);
        let ymax = ys.fold(f64::NEG_INFINITY, f64::max);
        // Headroom above the highest point keeps the legend (upper right) off the chains.
        let span = ymax - ymin;
        let (y0, y1) = (
            (ymin - 0.16 * span).max(0.0),
            (ymax + 0.4 * span).min(100.0),
        );
        let mut chart = chart_builder(area, 120)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(e)?;
        let xdec = tick_decimals(x1 - x0);
        draw_mesh(
            &mut chart,
            (&self.x_desc, &self.y_desc),
            (8, 8),
            &|x| number(*x, xdec, lang),
            &|y| format!("{}%", number(*y, 0, lang)),
        )?;
        chart
            .draw_series(LineSeries::new(
                vec![(x0, p0 * 100.0), (x1, p0 * 100.0)],
                INK.stroke_width(3),
            ))
            .map_err(e)?
            .label(self.labels[0].as_str())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 40, y)], INK.stroke_width(3)));
        for (z, colour, label) in [
            (z95, BLUE, &self.labels[1]),
            (z998, VERMILLION, &self.labels[2]),
        ] {
            for sign in [-1.0, 1.0] {
                let series = chart
                    .draw_series(LineSeries::new(
                        grid.iter().map(|&n| (n, limit(n, sign * z))),
                        colour.stroke_width(3),
                    ))
                    .map_err(e)?;
                if sign > 0.0 {
                    series.label(label.as_str()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 40, y)], colour.stroke_width(3))
                    });
                }
            }
        }
        chart
            .draw_series(self.points.iter().map(|(name, n, p)| {
                // Labels away from the pooled line, which the points straddle.
                let dy = if *p < p0 { 12 } else { -34 };
                // A light box behind the label keeps it readable where it crosses a line.
                let width = area
                    .estimate_text_size(name, &text_style(24, &INK))
                    .map_or(14 * name.chars().count() as i32, |(w, _)| w as i32)
                    + 8;
                EmptyElement::at((*n, p * 100.0))
                    + Rectangle::new(
                        [(12, dy - 1), (12 + width, dy + 26)],
                        WHITE.mix(0.85).filled(),
                    )
                    + Circle::new((0, 0), 10, GREEN.filled())
                    + Circle::new((0, 0), 10, INK.stroke_width(2))
                    + Text::new(name.clone(), (16, dy), text_style(24, &INK))
            }))
            .map_err(e)?
            .label(Msg::ColChain.get(self.lang))
            .legend(|(x, y)| Circle::new((x + 20, y), 10, GREEN.filled()));
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}
