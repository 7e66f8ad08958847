//! "Casemanagers: instroom en uitstroom": the headcount of case managers as a fan (median with
//! its 50% and 90% bands) above the yearly flows that move it, stacked: qualified trainees and
//! lateral hires in, leavers out (medians).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{chart_builder, draw_legend, draw_mesh, e, year_label};
use super::draw::{DrawResult, Plot, BLUE, SKY, VERMILLION};
use crate::report::format::number;
use crate::report::text::{Lang, Msg};
use crate::run_data::{Stats, P05, P25, P50, P75, P95};

/// The chart's data: headcount on 1 January, and per year the median flows (qualified, hires,
/// leavers).
pub struct WorkforceChart {
    pub lang: Lang,
    pub headcount: Vec<(f64, Stats)>,
    pub flows: Vec<(f64, [f64; 3])>,
}

impl Plot for WorkforceChart {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let lang = self.lang;
        if self.headcount.is_empty() || self.flows.is_empty() {
            return Err("no workforce series".into());
        }
        let x0 = self.headcount[0].0;
        let x1 = self
            .flows
            .iter()
            .map(|f| f.0 + 1.0)
            .fold(x0 + 1.0, f64::max);
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 * 52 / 100);
        // The headcount fan.
        let hi = self.headcount.iter().map(|p| p.1[P95]).fold(1.0, f64::max) * 1.08;
        let lo = self.headcount.iter().map(|p| p.1[P05]).fold(hi, f64::min) * 0.92;
        let mut chart = chart_builder(&top, 120)
            .build_cartesian_2d(x0..x1, lo..hi)
            .map_err(e)?;
        draw_mesh(
            &mut chart,
            ("", Msg::AxisCaseManagers.get(lang)),
            (12, 5),
            &|x| year_label(*x),
            &|y| number(*y, 0, lang),
        )?;
        for (a, b, alpha) in [(P05, P95, 0.18), (P25, P75, 0.35)] {
            let mut band: Vec<(f64, f64)> = self.headcount.iter().map(|p| (p.0, p.1[a])).collect();
            band.extend(self.headcount.iter().rev().map(|p| (p.0, p.1[b])));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    BLUE.mix(alpha).filled(),
                )))
                .map_err(e)?;
        }
        chart
            .draw_series(LineSeries::new(
                self.headcount.iter().map(|p| (p.0, p.1[P50])),
                BLUE.stroke_width(4),
            ))
            .map_err(e)?
            .label(Msg::LegendCaseManagers.get(lang))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 40, y)], BLUE.stroke_width(4)));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        // The yearly flows, stacked: in above zero, out below.
        let up = self
            .flows
            .iter()
            .map(|f| f.1[0] + f.1[1])
            .fold(1.0, f64::max)
            * 1.9;
        let down = self.flows.iter().map(|f| f.1[2]).fold(1.0, f64::max) * 1.1;
        let mut chart = chart_builder(&bottom, 120)
            .build_cartesian_2d(x0..x1, -down..up)
            .map_err(e)?;
        draw_mesh(
            &mut chart,
            (Msg::AxisYear.get(lang), Msg::AxisPeoplePerYear.get(lang)),
            (12, 5),
            &|x| year_label(*x),
            &|y| number(*y, 0, lang),
        )?;
        let bar = |x: f64, a: f64, b: f64, colour: RGBColor| {
            let mut r = Rectangle::new([(x + 0.1, a), (x + 0.9, b)], colour.filled());
            r.set_margin(0, 0, 1, 1);
            r
        };
        let swatch = |c: RGBColor| {
            move |(x, y): (i32, i32)| Rectangle::new([(x, y - 10), (x + 40, y + 10)], c.filled())
        };
        chart
            .draw_series(self.flows.iter().map(|f| bar(f.0, 0.0, f.1[0], BLUE)))
            .map_err(e)?
            .label(Msg::LegendQualified.get(lang))
            .legend(swatch(BLUE));
        chart
            .draw_series(
                self.flows
                    .iter()
                    .map(|f| bar(f.0, f.1[0], f.1[0] + f.1[1], SKY)),
            )
            .map_err(e)?
            .label(Msg::LegendHires.get(lang))
            .legend(swatch(SKY));
        chart
            .draw_series(
                self.flows
                    .iter()
                    .map(|f| bar(f.0, -f.1[2], 0.0, VERMILLION)),
            )
            .map_err(e)?
            .label(Msg::LegendLeavers.get(lang))
            .legend(swatch(VERMILLION));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}
