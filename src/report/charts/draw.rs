//! The shared chart builder: one canvas size, font, palette and frame (title, plot, source
//! line) for every chart, rendered to SVG and PNG, plus the axis, mesh and legend styles the
//! chart families share.

use std::sync::Once;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use crate::report::document::Figure;

/// Pixel size of every chart (PNG) and the SVG's view size: at A4 text width the tick labels
/// come out at about 11 pt.
pub const WIDTH: u32 = 1400;
pub const HEIGHT: u32 = 900;

const FONT: &str = "sans-serif";
const FONT_BYTES: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans.ttf");

pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
pub const INK: RGBColor = RGBColor(25, 25, 25);
pub const MUTED: RGBColor = RGBColor(95, 95, 95);
pub const GRID: RGBColor = RGBColor(222, 226, 230);
/// Okabe–Ito without yellow, which is too light on white.
pub const PALETTE: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("chart {chart}: {message}")]
pub struct ChartError {
    pub chart: String,
    pub message: String,
}

pub type DrawResult = Result<(), String>;

pub fn e<T: std::fmt::Display>(x: T) -> String {
    x.to_string()
}

/// A plot body, drawable on any backend.
pub trait Plot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult;
}

fn ensure_font() {
    static FONT_ONCE: Once = Once::new();
    FONT_ONCE.call_once(|| {
        // The font is compiled in and known to parse; charts without it would have no text.
        let _ = register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

pub fn text_style(size: u32, colour: &RGBColor) -> TextStyle<'static> {
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
pub fn wrap(text: &str, width: usize) -> Vec<String> {
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

/// Draw a chart as SVG and PNG: title, the plot, and the source line at the foot.
pub fn render(
    name: &str,
    title: &str,
    caption: &str,
    source: &str,
    plot: &impl Plot,
) -> Result<Figure, ChartError> {
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
    Ok(Figure {
        name: name.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg,
        png,
        width: WIDTH,
        height: HEIGHT,
    })
}

/// The plot area with room for tick labels: `y_labels` pixels on the left.
pub fn chart_builder<'a, 'b, DB: DrawingBackend>(
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
pub fn draw_mesh<'a, DB: DrawingBackend + 'a>(
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
pub fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
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
pub fn tick_decimals(span: f64) -> usize {
    if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    }
}

/// Label only whole years (plotters may put ticks between them).
pub fn year_label(x: f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{:.0}", x)
    } else {
        String::new()
    }
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
