//! Fan charts: one or more quantities over time, each a median line with its 50% (and 90%)
//! band, optionally with dashed lines beside them, published national figures as dots, others'
//! projections as labelled diamonds and a zero line.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{
    chart_builder, draw_legend, draw_mesh, e, text_style, tick_decimals, year_label,
};
use super::draw::{DrawResult, Plot, INK, MUTED, VERMILLION};
use crate::report::format::number;
use crate::report::text::{Lang, Msg};
use crate::run_data::{Stats, P05, P25, P50, P75, P95};

/// One quantity over time: `(x, stats)` with x in fractional years.
pub struct FanSeries {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<(f64, Stats)>,
}

/// One value over time drawn as a dashed line (e.g. a median under another assumption).
pub struct FanLine {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<(f64, f64)>,
}

/// Figures of others `(x, value, name)`, each a diamond with its name beside it; `legend` labels
/// them all.
pub struct Labelled {
    pub legend: String,
    pub points: Vec<(f64, f64, String)>,
}

/// A fan chart; one series without a label has its median labelled "Median", several are each
/// labelled by name.
pub struct Fan {
    pub lang: Lang,
    pub x_desc: String,
    pub y_desc: String,
    pub series: Vec<FanSeries>,
    /// Draw the 90% band as well as the 50% band.
    pub outer: bool,
    /// Published figures `(x, value)`, drawn as dots.
    pub markers: Vec<(f64, f64)>,
    pub marker_label: String,
    pub zero_line: bool,
    /// Dashed lines beside the bands.
    pub lines: Vec<FanLine>,
    /// Figures of others, drawn as labelled diamonds.
    pub labelled: Option<Labelled>,
}

impl Fan {
    /// The corner of the plot the bands cover least, for the legend (upper left on a tie).
    fn legend_corner(
        &self,
        (x0, x1): (f64, f64),
        (y0, y1): (f64, f64),
        lo: usize,
        hi: usize,
    ) -> SeriesLabelPosition {
        // At least 40% of the plot wide, wider for a long label (about 12 px a character beside
        // the swatch, on a plot about 1,170 px wide).
        let longest = self
            .series
            .iter()
            .map(|s| &s.label)
            .chain(self.lines.iter().map(|l| &l.label))
            .chain(self.labelled.iter().map(|l| &l.legend))
            .chain([&self.marker_label])
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let wide = ((longest * 12 + 90) as f64 / 1170.0).clamp(0.4, 1.0);
        let (w, h) = (wide * (x1 - x0), 0.35 * (y1 - y0));
        let corners = [
            (SeriesLabelPosition::UpperLeft, x0, x0 + w, y1 - h, y1),
            (SeriesLabelPosition::UpperRight, x1 - w, x1, y1 - h, y1),
            (SeriesLabelPosition::LowerRight, x1 - w, x1, y0, y0 + h),
            (SeriesLabelPosition::LowerLeft, x0, x0 + w, y0, y0 + h),
        ];
        let covered = |&(_, a, b, c, d): &(SeriesLabelPosition, f64, f64, f64, f64)| {
            self.series
                .iter()
                .flat_map(|s| &s.points)
                .filter(|(x, q)| *x >= a && *x <= b && q[hi] >= c && q[lo] <= d)
                .count()
                + self
                    .markers
                    .iter()
                    .copied()
                    .chain(
                        self.labelled
                            .iter()
                            .flat_map(|l| l.points.iter().map(|(x, y, _)| (*x, *y))),
                    )
                    .chain(self.lines.iter().flat_map(|l| l.points.iter().copied()))
                    .filter(|(x, y)| *x >= a && *x <= b && *y >= c && *y <= d)
                    .count()
                    * 50
        };
        let mut best = 0;
        for i in 1..corners.len() {
            if covered(&corners[i]) < covered(&corners[best]) {
                best = i;
            }
        }
        if covered(&corners[best]) < covered(&corners[0]) {
            corners[best].0.clone()
        } else {
            SeriesLabelPosition::UpperLeft
        }
    }
}

impl Plot for Fan {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let (lo, hi) = if self.outer { (P05, P95) } else { (P25, P75) };
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let x0 = xs.clone().fold(f64::INFINITY, f64::min);
        let x1 = xs.fold(f64::NEG_INFINITY, f64::max);
        let ys = self
            .series
            .iter()
            .flat_map(|s| {
                s.points
                    .iter()
                    .flat_map(move |p| [p.1[lo], p.1[hi], p.1[P50]])
            })
            .chain(self.markers.iter().map(|m| m.1))
            .chain(self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)))
            .chain(
                self.labelled
                    .iter()
                    .flat_map(|l| l.points.iter().map(|p| p.1)),
            )
            .filter(|v| v.is_finite());
        let ymin = ys.clone().fold(0.0, f64::min);
        let ymax = ys.fold(0.0, f64::max);
        let pad = ((ymax - ymin) * 0.08).max(1.0);
        let y0 = if ymin < 0.0 { ymin - pad } else { 0.0 };
        let y1 = ymax + pad;
        let decimals = tick_decimals(y1 - y0);
        if !(x0.is_finite() && x1 > x0) {
            return Err("no points to draw".into());
        }
        let mut chart = chart_builder(area, 150)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(e)?;
        draw_mesh(
            &mut chart,
            (&self.x_desc, &self.y_desc),
            (12, 8),
            &|x| year_label(*x),
            &|y| number(*y, decimals, lang),
        )?;
        let single = self.series.len() == 1;
        let legend = self.legend_corner((x0, x1), (y0, y1), lo, hi);
        for s in &self.series {
            let band = |a: usize, b: usize| -> Vec<(f64, f64)> {
                s.points
                    .iter()
                    .map(|(x, q)| (*x, q[b]))
                    .chain(s.points.iter().rev().map(|(x, q)| (*x, q[a])))
                    .collect()
            };
            let (outer_alpha, inner_alpha) = if single { (0.16, 0.32) } else { (0.10, 0.10) };
            if self.outer {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band(P05, P95),
                        s.colour.mix(outer_alpha).filled(),
                    )))
                    .map_err(e)?;
            }
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(P25, P75),
                    s.colour.mix(inner_alpha).filled(),
                )))
                .map_err(e)?;
            if !single {
                // Overlapping bands stay readable by their edges.
                for q in [P25, P75] {
                    chart
                        .draw_series(LineSeries::new(
                            s.points.iter().map(|(x, v)| (*x, v[q])),
                            s.colour.mix(0.7).stroke_width(1),
                        ))
                        .map_err(e)?;
                }
            }
        }
        if self.zero_line {
            chart
                .draw_series(LineSeries::new(
                    vec![(x0, 0.0), (x1, 0.0)],
                    INK.stroke_width(2),
                ))
                .map_err(e)?;
        }
        for (i, s) in self.series.iter().enumerate() {
            let colour = s.colour;
            // The reference is drawn widest and first, so a scenario that coincides with it
            // shows as a line inside a wider one instead of hiding it.
            let width = if !single && i == 0 { 9 } else { 4 };
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().map(|(x, q)| (*x, q[P50])),
                    colour.stroke_width(width),
                ))
                .map_err(e)?
                .label(if single && s.label.is_empty() {
                    Msg::LegendMedian.get(lang).to_string()
                } else {
                    s.label.clone()
                })
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 40, y)], colour.stroke_width(width))
                });
        }
        for line in &self.lines {
            let colour = line.colour;
            chart
                .draw_series(DashedLineSeries::new(
                    line.points.iter().copied(),
                    14,
                    9,
                    colour.stroke_width(4),
                ))
                .map_err(e)?
                .label(line.label.as_str())
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (16, 0)], colour.stroke_width(4))
                        + PathElement::new(vec![(24, 0), (40, 0)], colour.stroke_width(4))
                });
        }
        let swatch = if single { self.series[0].colour } else { MUTED };
        let mut bands = vec![(Msg::Legend50.get(lang), if single { 0.32 } else { 0.25 })];
        if self.outer {
            bands.push((Msg::Legend90.get(lang), 0.16));
        }
        for (label, alpha) in bands {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 10), (x + 40, y + 10)], swatch.mix(alpha).filled())
                });
        }
        if !self.markers.is_empty() {
            chart
                .draw_series(
                    self.markers
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 8, INK.filled())),
                )
                .map_err(e)?
                .label(self.marker_label.as_str())
                .legend(|(x, y)| Circle::new((x + 20, y), 8, INK.filled()));
        }
        if let Some(labelled) = &self.labelled {
            draw_labelled(&mut chart, labelled, (x0 + x1) / 2.0)?;
        }
        draw_legend(&mut chart, legend)
    }
}

/// A diamond of half-width `r` pixels around the origin.
fn diamond(r: i32) -> Vec<(i32, i32)> {
    vec![(0, -r), (r, 0), (0, r), (-r, 0)]
}

/// Pixels between two labels' baselines, so that names of figures close together stay apart.
const LABEL_GAP: i32 = 30;

/// Figures of others as diamonds with their names: right of the diamond in the left half of the
/// plot, left of it in the right half; a name that would overlap the one above it on the same
/// side moves down, with a thin line back to its diamond.
fn draw_labelled<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    labelled: &Labelled,
    middle: f64,
) -> DrawResult {
    let colour = VERMILLION;
    let mut placed: Vec<(bool, i32)> = Vec::new();
    let mut order: Vec<&(f64, f64, String)> = labelled.points.iter().collect();
    // Top of the plot first: the highest value has the smallest pixel y.
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    for &(x, y, ref name) in order {
        let right = x <= middle;
        let (_, py) = chart.backend_coord(&(x, y));
        let mut ly = py;
        for &(side, other) in &placed {
            if side == right && ly < other + LABEL_GAP && ly > other - LABEL_GAP {
                ly = other + LABEL_GAP;
            }
        }
        placed.push((right, ly));
        let (dx, h) = if right {
            (20, HPos::Left)
        } else {
            (-20, HPos::Right)
        };
        let dy = ly - py;
        let leader = if dy == 0 { (0, 0) } else { (dx * 3 / 4, dy) };
        let style = text_style(24, &INK).pos(Pos::new(h, VPos::Center));
        // A light box behind the name keeps it readable over lines and bands.
        let (tw, th) = chart
            .plotting_area()
            .estimate_text_size(name, &style)
            .map_err(e)?;
        let (tw, th) = (tw as i32 + 8, th as i32 / 2 + 4);
        let left = if right { dx - 4 } else { dx - tw + 4 };
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), leader], MUTED.stroke_width(1))
                    + Rectangle::new(
                        [(left, dy - th), (left + tw, dy + th)],
                        WHITE.mix(0.8).filled(),
                    )
                    + Polygon::new(diamond(11), colour.filled())
                    + Text::new(name.clone(), (dx, dy), style),
            ))
            .map_err(e)?;
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(e)?
        .label(labelled.legend.as_str())
        .legend(move |(x, y)| {
            EmptyElement::at((x + 20, y)) + Polygon::new(diamond(11), colour.filled())
        });
    Ok(())
}
