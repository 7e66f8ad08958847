//! The report's charts: fan charts over time, scenario comparison and paired differences, a
//! tornado of what drives the outcome, a funnel plot of the chains and a histogram of the base
//! year. Each is drawn as SVG (for the HTML report) and PNG, in the report's language, with the
//! Okabe–Ito palette (distinguishable with the common colour-vision deficiencies).

use std::sync::Once;

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use crate::report::{
    driver_label, number, paired_difference, sensitivity, Lang, RunData, Stats, P05, P25, P50, P75,
    P95,
};

/// Pixel size of every chart (PNG) and the SVG's view size: at A4 text width the tick labels
/// come out at about 11 pt.
pub const WIDTH: u32 = 1400;
pub const HEIGHT: u32 = 900;

const FONT: &str = "sans-serif";
const FONT_BYTES: &[u8] = include_bytes!("../data/fonts/DejaVuSans.ttf");

pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
const INK: RGBColor = RGBColor(25, 25, 25);
const MUTED: RGBColor = RGBColor(95, 95, 95);
const GRID: RGBColor = RGBColor(222, 226, 230);
/// Okabe–Ito without yellow, which is too light on white.
pub const PALETTE: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("chart {chart}: {message}")]
pub struct ChartError {
    pub chart: String,
    pub message: String,
}

/// A drawn chart: file stem, title, a one-sentence caption for the report, and both renderings.
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
}

type DrawResult = Result<(), String>;

fn e<T: std::fmt::Display>(x: T) -> String {
    x.to_string()
}

/// A plot body, drawable on any backend.
trait Plot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult;
}

fn ensure_font() {
    static FONT_ONCE: Once = Once::new();
    FONT_ONCE.call_once(|| {
        // The font is compiled in and known to parse; charts without it would have no text.
        let _ = register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

fn text_style(size: u32, colour: &RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(colour)
}

/// Title on top, plot in the middle, source line(s) at the bottom.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    source: &str,
    plot: &impl Plot,
) -> DrawResult {
    root.fill(&WHITE).map_err(e)?;
    let (top, rest) = root.split_vertically(72);
    let (body, foot) = rest.split_vertically(HEIGHT as i32 - 72 - 62);
    top.draw(&Text::new(
        title.to_string(),
        (32, 22),
        text_style(38, &INK),
    ))
    .map_err(e)?;
    for (i, line) in wrap(source, 120).iter().enumerate() {
        foot.draw(&Text::new(
            line.clone(),
            (32, 8 + 27 * i as i32),
            text_style(21, &MUTED),
        ))
        .map_err(e)?;
    }
    plot.draw(&body)
}

/// Break text into lines of at most `width` characters at spaces (two lines at most).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines.truncate(2);
    lines
}

fn render(
    name: &str,
    title: &str,
    caption: &str,
    source: &str,
    plot: &impl Plot,
) -> Result<Chart, ChartError> {
    ensure_font();
    let err = |message: String| ChartError {
        chart: name.to_string(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        frame(&root, title, source, plot).map_err(err)?;
        root.present().map_err(|x| err(x.to_string()))?;
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        frame(&root, title, source, plot).map_err(err)?;
        root.present().map_err(|x| err(x.to_string()))?;
    }
    let mut png = Vec::new();
    {
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&rgb, WIDTH, HEIGHT, image::ColorType::Rgb8)
            .map_err(|x| err(x.to_string()))?;
    }
    Ok(Chart {
        name: name.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg,
        png,
    })
}

/// The plot area with room for tick labels: `y_labels` pixels on the left.
fn chart_builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    y_labels: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(24)
        .margin_right(56)
        .margin_top(16)
        .margin_bottom(8)
        .x_label_area_size(78)
        .y_label_area_size(y_labels);
    builder
}

/// Axes, tick labels and grid of a chart with numbers on both axes, in one style.
fn draw_mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    (x_desc, y_desc): (&str, &str),
    (x_labels, y_labels): (usize, usize),
    x_format: &dyn Fn(&f64) -> String,
    y_format: &dyn Fn(&f64) -> String,
) -> DrawResult {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(x_labels)
        .y_labels(y_labels)
        .x_label_formatter(x_format)
        .y_label_formatter(y_format)
        .label_style(text_style(26, &INK))
        .axis_desc_style(text_style(27, &INK))
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .draw()
        .map_err(e)
}

/// The legend box, in one style for every chart.
fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(position)
        .margin(16)
        .legend_area_size(52)
        .label_font(text_style(24, &INK))
        .background_style(WHITE.mix(0.92))
        .border_style(GRID)
        .draw()
        .map_err(e)
}

/// Decimals for axis ticks over a span of values.
fn tick_decimals(span: f64) -> usize {
    if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    }
}

/// Label only whole years (plotters may put ticks between them).
fn year_label(x: f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{:.0}", x)
    } else {
        String::new()
    }
}

// ---------------------------------------------------------------------------------------------
// Fan chart.

/// One quantity over time: `(x, stats)` with x in fractional years.
pub struct FanSeries {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<(f64, Stats)>,
}

struct Fan {
    lang: Lang,
    x_desc: String,
    y_desc: String,
    series: Vec<FanSeries>,
    /// Draw the 90% band as well as the 50% band.
    outer: bool,
    markers: Vec<(f64, f64)>,
    marker_label: String,
    zero_line: bool,
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
        let (w, h) = (0.4 * (x1 - x0), 0.35 * (y1 - y0));
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
                .label(if single {
                    lang.pick("Mediaan", "Median").to_string()
                } else {
                    s.label.clone()
                })
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 40, y)], colour.stroke_width(width))
                });
        }
        let swatch = if single { self.series[0].colour } else { MUTED };
        let mut bands = vec![(
            lang.pick("50%-interval", "50% interval"),
            if single { 0.32 } else { 0.25 },
        )];
        if self.outer {
            bands.push((lang.pick("90%-interval", "90% interval"), 0.16));
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
        draw_legend(&mut chart, legend)
    }
}

// ---------------------------------------------------------------------------------------------
// Histogram.

struct Histogram {
    lang: Lang,
    x_desc: String,
    y_desc: String,
    values: Vec<f64>,
    bins: usize,
    /// A published figure to mark, with its label.
    marker: Option<(f64, String)>,
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
        let q = crate::simulate::quantiles(&mut v);
        // The middle 99%: a few extreme iterations would otherwise squeeze the bulk.
        let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
        let (first, last) = (at(0.005), at(0.995));
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
            .label(lang.pick("Iteraties (middelste 99%)", "Iterations (middle 99%)"))
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 10), (x + 40, y + 10)], SKY.mix(0.75).filled())
            });
        let median_label = format!(
            "{} {}",
            lang.pick("Mediaan", "Median"),
            crate::report::count(q[P50], lang)
        );
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

// ---------------------------------------------------------------------------------------------
// Tornado.

struct Tornado {
    lang: Lang,
    x_desc: String,
    /// Label and rank correlation, strongest first.
    bars: Vec<(String, f64)>,
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
                let text = if r > 0.0 {
                    format!("+{}", number(r, 2, lang))
                } else {
                    number(r, 2, lang)
                };
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

// ---------------------------------------------------------------------------------------------
// Funnel plot.

struct Funnel {
    lang: Lang,
    x_desc: String,
    y_desc: String,
    /// Chain, people at home in its region, uptake.
    points: Vec<(String, f64, f64)>,
    pooled: f64,
    labels: [String; 3],
}

impl Plot for Funnel {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        let p0 = self.pooled;
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
            .chain([limit(x0, -3.09), limit(x0, 3.09)]);
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
            (1.959_964, BLUE, &self.labels[1]),
            (3.090_232, VERMILLION, &self.labels[2]),
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
            .label(self.lang.pick("Keten", "Chain"))
            .legend(|(x, y)| Circle::new((x + 20, y), 10, GREEN.filled()));
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

// ---------------------------------------------------------------------------------------------
// The charts of a run and of a comparison.

fn source_line(runs: &[&RunData], lang: Lang) -> String {
    let r = runs[0];
    let illustrative = runs.iter().any(|r| r.illustrative());
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    format!(
        "{}: omvang {}, {} {} ({} {}, seed {}); CBS 83597NED, EuroCoDe; {}.",
        lang.pick("Bron", "Source"),
        r.manifest.omvang_version,
        lang.pick(
            if runs.len() > 1 {
                "scenario's"
            } else {
                "scenario"
            },
            if runs.len() > 1 {
                "scenarios"
            } else {
                "scenario"
            }
        ),
        names.join(", "),
        number(r.manifest.iterations as f64, 0, lang),
        lang.pick("iteraties", "iterations"),
        r.manifest.seed,
        if illustrative {
            lang.pick(
                "ILLUSTRATIEVE (synthetische) ketendata",
                "ILLUSTRATIVE (synthetic) chain data",
            )
        } else {
            lang.pick("datafoto van de ketens", "chains' data photo")
        }
    )
}

/// Monthly stats of a metric as `(x, stats)`, starting with the base year's 1 January.
fn monthly_points(run: &RunData, metric: &str, scale: f64) -> Vec<(f64, Stats)> {
    let scaled = |s: &Stats| s.map(|v| v / scale);
    let mut pts = Vec::new();
    if let Some(s) = run.stats(metric, run.base_year()) {
        pts.push((run.base_year() as f64, scaled(&s)));
    }
    if let Some(months) = run.monthly.get(metric) {
        // The month's state at its end.
        pts.extend(
            months
                .iter()
                .map(|(y, m, s)| (*y as f64 + *m as f64 / 12.0, scaled(s))),
        );
    }
    pts
}

fn yearly_points(run: &RunData, metric: &str, scale: f64) -> Vec<(f64, Stats)> {
    run.yearly_series(metric)
        .into_iter()
        .map(|(y, s)| (y as f64, s.map(|v| v / scale)))
        .collect()
}

/// National figures of a metric as points in fractional years.
fn actual_points(run: &RunData, metric: &str) -> Vec<(f64, f64)> {
    run.actuals
        .iter()
        .filter(|a| a.metric == metric)
        .map(|a| {
            (
                a.date.year as f64
                    + (a.date.month as f64 - 1.0) / 12.0
                    + (a.date.day as f64 - 1.0) / 365.0,
                a.value,
            )
        })
        .filter(|(x, _)| *x >= run.base_year() as f64 && *x <= run.horizon() as f64 + 1.0)
        .collect()
}

fn national_label(lang: Lang) -> String {
    lang.pick("Landelijke telling (HHM, NZa)", "National count (HHM, NZa)")
        .to_string()
}

/// The charts of one run.
///
/// # Errors
/// A chart that cannot be drawn (e.g. a run without the columns it needs).
pub fn run_charts(run: &RunData, lang: Lang) -> Result<Vec<Chart>, ChartError> {
    let source = source_line(&[run], lang);
    let b = run.base_year();
    let h = run.horizon();
    let year = lang.pick("Jaar", "Year").to_string();
    let fan = |series: Vec<FanSeries>, y_desc: &str, markers: Vec<(f64, f64)>| Fan {
        lang,
        x_desc: year.clone(),
        y_desc: y_desc.to_string(),
        series,
        outer: true,
        markers,
        marker_label: national_label(lang),
        zero_line: false,
    };
    let mut charts = Vec::new();

    let clients = FanSeries {
        label: String::new(),
        colour: BLUE,
        points: monthly_points(run, "clients_in_care", 1.0),
    };
    charts.push(render(
        "fan_clients_in_care",
        lang.pick("Cliënten in casemanagement dementie", "Clients in dementia case management"),
        lang.pick(
            "Het aantal mensen met casemanagement aan het eind van elke maand: mediaan (lijn) met 50%- en 90%-interval (banden); de punten zijn landelijke tellingen.",
            "The number of people in case management at the end of each month: median (line) with 50% and 90% intervals (bands); the dots are national counts.",
        ),
        &source,
        &fan(
            vec![clients],
            lang.pick("Cliënten (aantal)", "Clients (number)"),
            actual_points(run, "clients_in_care"),
        ),
    )?);

    let waiting = FanSeries {
        label: String::new(),
        colour: VERMILLION,
        points: monthly_points(run, "waiting_list", 1.0),
    };
    charts.push(render(
        "fan_waiting_list",
        lang.pick("Wachtlijst casemanagement dementie", "Waiting list for dementia case management"),
        lang.pick(
            "Het aantal mensen dat wacht op casemanagement aan het eind van elke maand, met 50%- en 90%-interval; de punten zijn landelijke tellingen.",
            "The number of people waiting for case management at the end of each month, with 50% and 90% intervals; the dots are national counts.",
        ),
        &source,
        &fan(
            vec![waiting],
            lang.pick("Wachtenden (aantal)", "People waiting (number)"),
            actual_points(run, "waiting_list"),
        ),
    )?);

    let fte = vec![
        FanSeries {
            label: lang
                .pick("FTE beschikbaar (mediaan)", "FTE available (median)")
                .into(),
            colour: BLUE,
            points: monthly_points(run, "fte_available", 1.0),
        },
        FanSeries {
            label: lang
                .pick("FTE nodig (mediaan)", "FTE needed (median)")
                .into(),
            colour: VERMILLION,
            points: monthly_points(run, "fte_needed", 1.0),
        },
    ];
    charts.push(render(
        "fan_fte",
        lang.pick("Casemanagers: beschikbaar en nodig", "Case managers: available and needed"),
        lang.pick(
            "Beschikbare FTE casemanager tegenover de FTE die nodig zijn voor alle cliënten en wachtenden; waar de oranje band boven de blauwe ligt, groeit de wachtlijst.",
            "Case-manager FTE available against the FTE needed for all clients and people waiting; where the orange band lies above the blue one, the waiting list grows.",
        ),
        &source,
        &fan(
            fte,
            lang.pick("FTE casemanager", "Case-manager FTE"),
            actual_points(run, "fte_available"),
        ),
    )?);

    let cost = FanSeries {
        label: String::new(),
        colour: GREEN,
        points: yearly_points(run, "cost_eur", 1e6),
    };
    charts.push(render(
        "fan_cost",
        lang.pick("Kosten van casemanagement per jaar", "Cost of case management per year"),
        lang.pick(
            "De kosten van casemanagement per kalenderjaar in miljoenen euro, met 50%- en 90%-interval.",
            "The cost of case management per calendar year in millions of euros, with 50% and 90% intervals.",
        ),
        &source,
        &fan(vec![cost], lang.pick("€ mln per jaar", "€ million per year"), Vec::new()),
    )?);

    for (metric, name, what_nl, what_en) in [
        (
            "fte_needed",
            "tornado_fte_needed",
            "het aantal benodigde FTE",
            "FTE needed",
        ),
        (
            "waiting_list",
            "tornado_waiting_list",
            "de wachtlijst",
            "waiting list",
        ),
    ] {
        let bars: Vec<(String, f64)> = sensitivity(run, &format!("{metric}_{h}"))
            .into_iter()
            .take(10)
            .map(|(d, r)| (driver_label(d, lang).to_string(), r))
            .collect();
        if bars.is_empty() {
            continue;
        }
        let title = match lang {
            Lang::Nl => format!("Wat bepaalt {what_nl} in {h}?"),
            Lang::En => format!("What drives the {what_en} in {h}?"),
        };
        let caption = match lang {
            Lang::Nl => format!("Rangcorrelatie van elke onzekere invoer met {what_nl} in {h} over alle iteraties: hoe langer de balk, hoe meer die invoer de uitkomst bepaalt (blauw: een hogere waarde geeft meer, oranje: minder)."),
            Lang::En => format!("Rank correlation of each uncertain input with the {what_en} in {h} over all iterations: the longer the bar, the more that input drives the outcome (blue: a higher value gives more, orange: less)."),
        };
        charts.push(render(
            name,
            &title,
            &caption,
            &source,
            &Tornado {
                lang,
                x_desc: lang
                    .pick(
                        "Spearmans rangcorrelatie (ρ)",
                        "Spearman's rank correlation (ρ)",
                    )
                    .into(),
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
                lang.pick("Bereik per keten tegen de grootte van de regio", "Uptake per chain against region size"),
                lang.pick(
                    "Het bereik van elke keten (cliënten per thuiswonende met dementie) tegen het aantal thuiswonenden in de regio; ketens buiten de lijnen wijken meer af van het gepoolde bereik dan toeval verklaart.",
                    "Each chain's uptake (clients per person with dementia at home) against the number of people at home in its region; chains outside the lines differ from the pooled uptake more than chance explains.",
                ),
                &source,
                &Funnel {
                    lang,
                    x_desc: lang
                        .pick("Thuiswonenden met dementie in de regio (schatting)", "People with dementia at home in the region (estimate)")
                        .into(),
                    y_desc: lang
                        .pick("Bereik (% van de thuiswonenden met dementie)", "Uptake (% of people with dementia at home)")
                        .into(),
                    points,
                    pooled,
                    labels: [
                        format!("{} {}%", lang.pick("Gepoold bereik", "Pooled uptake"), number(pooled * 100.0, 1, lang)),
                        lang.pick("95%-controlegrenzen", "95% control limits").into(),
                        lang.pick("99,8%-controlegrenzen", "99.8% control limits").into(),
                    ],
                },
            )?);
        }
    }

    if let Some(values) = run.draw(&format!("clients_in_care_{b}")) {
        let marker = run.actual("clients_in_care", b).map(|a| {
            (
                a.value,
                format!(
                    "{} {} ({})",
                    lang.pick("Landelijke telling", "National count"),
                    crate::report::count(a.value, lang),
                    a.date.year
                ),
            )
        });
        charts.push(render(
            "histogram_clients_in_care",
            &match lang {
                Lang::Nl => format!("Cliënten in casemanagement op 1 januari {b}: verdeling"),
                Lang::En => format!("Clients in case management on 1 January {b}: distribution"),
            },
            lang.pick(
                "De verdeling van het geëxtrapoleerde landelijke aantal cliënten over de iteraties, met de mediaan (blauw) en de landelijke telling (oranje).",
                "The distribution of the extrapolated national number of clients over the iterations, with the median (blue) and the national count (orange).",
            ),
            &source,
            &Histogram {
                lang,
                x_desc: lang.pick("Cliënten (aantal)", "Clients (number)").into(),
                y_desc: lang.pick("Aandeel van de iteraties", "Share of iterations").into(),
                values: values.to_vec(),
                bins: 40,
                marker,
            },
        )?);
    }
    Ok(charts)
}

/// The charts of a comparison; the first run is the reference.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn comparison_charts(runs: &[RunData], lang: Lang) -> Result<Vec<Chart>, ChartError> {
    let refs: Vec<&RunData> = runs.iter().collect();
    let source = source_line(&refs, lang);
    let reference = &runs[0];
    let year = lang.pick("Jaar", "Year").to_string();
    let series = |metric: &str, scale: f64, monthly: bool| -> Vec<FanSeries> {
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
    let compare = |series: Vec<FanSeries>, y_desc: &str| Fan {
        lang,
        x_desc: year.clone(),
        y_desc: y_desc.to_string(),
        series,
        outer: false,
        markers: Vec::new(),
        marker_label: String::new(),
        zero_line: false,
    };
    // (file, title, caption, metric, scale, monthly, y axis), each in Dutch and English.
    let panels = [
        (
            "compare_waiting_list",
            ("Wachtlijst per scenario", "Waiting list per scenario"),
            (
                "De wachtlijst in elk scenario: mediaan (lijn) met 50%-interval (band).",
                "The waiting list in each scenario: median (line) with 50% interval (band).",
            ),
            ("waiting_list", 1.0, true),
            ("Wachtenden (aantal)", "People waiting (number)"),
        ),
        (
            "compare_fte_needed",
            ("Benodigde casemanagers per scenario", "Case managers needed per scenario"),
            (
                "De FTE casemanager die nodig zijn voor alle cliënten en wachtenden in elk scenario: mediaan met 50%-interval.",
                "The case-manager FTE needed for all clients and people waiting in each scenario: median with 50% interval.",
            ),
            ("fte_needed", 1.0, true),
            ("FTE casemanager", "Case-manager FTE"),
        ),
        (
            "compare_cost",
            ("Kosten per jaar per scenario", "Cost per year per scenario"),
            (
                "De kosten van casemanagement per kalenderjaar in elk scenario in miljoenen euro: mediaan met 50%-interval.",
                "The cost of case management per calendar year in each scenario in millions of euros: median with 50% interval.",
            ),
            ("cost_eur", 1e6, false),
            ("€ mln per jaar", "€ million per year"),
        ),
    ];
    let mut charts = panels
        .iter()
        .map(|(name, title, caption, (metric, scale, monthly), y_desc)| {
            render(
                name,
                lang.pick(title.0, title.1),
                lang.pick(caption.0, caption.1),
                &source,
                &compare(
                    series(metric, *scale, *monthly),
                    lang.pick(y_desc.0, y_desc.1),
                ),
            )
        })
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
        let title = match lang {
            Lang::Nl => format!("Wachtlijst: {} min {}", run.name, reference.name),
            Lang::En => format!("Waiting list: {} minus {}", run.name, reference.name),
        };
        let caption = match lang {
            Lang::Nl => format!("Het verschil in wachtlijst op 1 januari tussen {} en {}, per iteratie gepaard: onder de nul is de wachtlijst in {} korter.", run.name, reference.name, run.name),
            Lang::En => format!("The difference in the waiting list on 1 January between {} and {}, paired per iteration: below zero the waiting list in {} is shorter.", run.name, reference.name, run.name),
        };
        charts.push(render(
            &format!("difference_waiting_list_{}", run.name),
            &title,
            &caption,
            &source,
            &Fan {
                lang,
                x_desc: year.clone(),
                y_desc: lang
                    .pick("Verschil in wachtenden", "Difference in people waiting")
                    .into(),
                series: vec![FanSeries {
                    label: String::new(),
                    colour: PALETTE[i % PALETTE.len()],
                    points,
                }],
                outer: true,
                markers: Vec::new(),
                marker_label: String::new(),
                zero_line: true,
            },
        )?);
    }
    Ok(charts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lines_wrap_at_spaces_into_two_lines_at_most() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("a b c d e f", 1).len(), 2);
        assert_eq!(year_label(2020.0), "2020");
        assert_eq!(year_label(2020.5), "");
    }
}
