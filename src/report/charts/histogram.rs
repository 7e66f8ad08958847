//! The histogram of an outcome over the iterations (its middle 99%), with the median and a
//! published figure marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{chart_builder, draw_legend, draw_mesh, e, tick_decimals};
use super::draw::{DrawResult, Plot, BLUE, SKY, VERMILLION};
use crate::analysis::{quantile, quantiles};
use crate::report::format::{count, number};
use crate::report::text::{say, Lang, Msg};
use crate::run_data::P50;

/// A histogram of draws in `bins` bins.
pub struct Histogram {
    pub lang: Lang,
    pub x_desc: String,
    pub y_desc: String,
    pub values: Vec<f64>,
    pub bins: usize,
    /// A published figure to mark, with its label.
    pub marker: Option<(f64, String)>,
}

impl Plot for Histogram {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let mut v: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        if v.is_empty() {
            return Err("no values".into());
        }
        let q = quantiles(&mut v);
        // The middle 99%: a few extreme iterations would otherwise squeeze the bulk.
        let (first, last) = (quantile(&v, 0.005), quantile(&v, 0.995));
        v.retain(|x| (first..=last).contains(x));
        let n = (v.len() as f64) / 0.99;
        let (mut lo, mut hi) = (first, last);
        if let Some((m, _)) = &self.marker {
            lo = lo.min(*m);
            hi = hi.max(*m);
        }
        let pad = ((hi - lo) * 0.05).max(1.0);
        let (x0, x1) = (lo - pad, hi + pad);
        let width = (v[v.len() - 1] - v[0]).max(1.0) / self.bins as f64;
        let mut counts = vec![0usize; self.bins];
        for x in &v {
            let i = (((x - v[0]) / width) as usize).min(self.bins - 1);
            counts[i] += 1;
        }
        let top = counts.iter().copied().max().unwrap_or(1) as f64 / n * 100.0 * 1.15;
        let mut chart = chart_builder(area, 120)
            .build_cartesian_2d(x0..x1, 0.0..top)
            .map_err(e)?;
        let xdec = tick_decimals(x1 - x0);
        draw_mesh(
            &mut chart,
            (&self.x_desc, &self.y_desc),
            (8, 6),
            &|x| number(*x, xdec, lang),
            &|y| format!("{}%", number(*y, 1, lang)),
        )?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let a = v[0] + i as f64 * width;
                let mut r = Rectangle::new(
                    [(a, 0.0), (a + width, c as f64 / n * 100.0)],
                    SKY.mix(0.75).filled(),
                );
                r.set_margin(0, 0, 1, 1);
                r
            }))
            .map_err(e)?
            .label(Msg::LegendMiddleIterations.get(lang))
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 10), (x + 40, y + 10)], SKY.mix(0.75).filled())
            });
        let median_label = say!(lang, LegendMedianValue, value = count(q[P50], lang));
        chart
            .draw_series(LineSeries::new(
                vec![(q[P50], 0.0), (q[P50], top)],
                BLUE.stroke_width(4),
            ))
            .map_err(e)?
            .label(median_label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 40, y)], BLUE.stroke_width(4)));
        if let Some((m, label)) = &self.marker {
            chart
                .draw_series(LineSeries::new(
                    vec![(*m, 0.0), (*m, top)],
                    VERMILLION.stroke_width(4),
                ))
                .map_err(e)?
                .label(label.as_str())
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 40, y)], VERMILLION.stroke_width(4))
                });
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}
