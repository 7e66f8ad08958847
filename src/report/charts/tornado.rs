//! The tornado chart: the rank correlation of each uncertain input with an outcome, strongest
//! at the top, blue for inputs that raise it and orange for inputs that lower it.

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{chart_builder, e, text_style};
use super::draw::{DrawResult, Plot, BLUE, GRID, INK, MUTED, VERMILLION};
use crate::report::format::{number, signed};
use crate::report::text::Lang;

/// A tornado chart of rank correlations.
pub struct Tornado {
    pub lang: Lang,
    pub x_desc: String,
    /// Label and rank correlation, strongest first.
    pub bars: Vec<(String, f64)>,
}

impl Plot for Tornado {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let n = self.bars.len();
        if n == 0 {
            return Err("no uncertain inputs".into());
        }
        // Strongest at the top: segment i shows bar n-1-i.
        let label = |i: usize| self.bars[n - 1 - i].0.clone();
        let mut chart = chart_builder(area, 470)
            // Integer ranges are inclusive in plotters: 0..n-1 gives n segments.
            .build_cartesian_2d(-1.0..1.0, (0..n - 1).into_segmented())
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .x_labels(11)
            .y_labels(n)
            .x_label_formatter(&|x| number(*x, 1, lang))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < n => label(*i),
                _ => String::new(),
            })
            .label_style(text_style(25, &INK))
            .axis_desc_style(text_style(27, &INK))
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(MUTED)
            .draw()
            .map_err(e)?;
        chart
            .draw_series((0..n).map(|i| {
                let r = self.bars[n - 1 - i].1;
                let colour = if r >= 0.0 { BLUE } else { VERMILLION };
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(i)), (r, segment_end(i, n))],
                    colour.filled(),
                );
                bar.set_margin(7, 7, 0, 0);
                bar
            }))
            .map_err(e)?;
        chart
            .draw_series((0..n).map(|i| {
                let r = self.bars[n - 1 - i].1;
                let text = signed(r, lang);
                let (x, anchor) = if r >= 0.0 {
                    (r + 0.015, HPos::Left)
                } else {
                    (r - 0.015, HPos::Right)
                };
                Text::new(
                    text,
                    (x, SegmentValue::CenterOf(i)),
                    text_style(23, &INK).pos(Pos::new(anchor, VPos::Center)),
                )
            }))
            .map_err(e)?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Last)],
                INK.stroke_width(2),
            ))
            .map_err(e)?;
        Ok(())
    }
}

/// The upper edge of segment `i` of `n`.
fn segment_end(i: usize, n: usize) -> SegmentValue<usize> {
    if i + 1 >= n {
        SegmentValue::Last
    } else {
        SegmentValue::Exact(i + 1)
    }
}
