//! The report as a document: blocks written once as Markdown (`report.md`), and the HTML
//! (`report.html`) rendered from that Markdown with pulldown-cmark, the stylesheet, a strict
//! content-security policy and every chart embedded as an SVG data URI.

use std::fmt::Write as _;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::text::{Lang, Msg};
use crate::run_data::Artifact;

/// The file name of the hindcast chart, which the report shows in its own section.
pub const HINDCAST_CHART: &str = "hindcast";
/// Name of the chart of a backtest's forecasts from each origin.
pub const BACKTEST_CHART: &str = "backtest";
/// The chart of the case managers' headcount and flows ("Casemanagers: instroom en uitstroom").
pub const WORKFORCE_CHART: &str = "workforce_flows";

/// The file name of the chart of people with dementia beside others' projections, which the
/// report shows in their section when the run has projections.
pub const PROJECTIONS_CHART: &str = "fan_people_with_dementia";

/// A drawn chart as the report shows it: file stem, title, a one-sentence caption and both
/// renderings. The caller draws the charts and hands them to the report.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
    /// Pixel size of the PNG and view size of the SVG.
    pub width: u32,
    pub height: u32,
}

/// A piece of the report.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Notice(String),
    Bullets(Vec<String>),
    /// Header, rows; the first column is left-aligned, the others right-aligned.
    Table(Vec<String>, Vec<Vec<String>>),
    /// Index into the report's figures.
    Figure(usize),
}

/// A report: title, blocks and the charts its figures show.
#[derive(Debug)]
pub struct Report {
    pub lang: Lang,
    pub title: String,
    pub blocks: Vec<Block>,
    pub charts: Vec<Figure>,
}

impl Report {
    /// `report.md`, `report.html` and `charts/<name>.png|svg` (in English `report.en.md`,
    /// `report.en.html` and `charts/en/<name>.png|svg`), ready to write.
    pub fn files(&self) -> Vec<Artifact> {
        let file = |name: String, bytes: Vec<u8>| Artifact { name, bytes };
        let markdown = self.markdown();
        let html = self.html_from(&markdown);
        let mut files = vec![
            file(file_name(self.lang, "report", "md"), markdown.into_bytes()),
            file(file_name(self.lang, "report", "html"), html.into_bytes()),
        ];
        for c in &self.charts {
            files.push(file(chart_path(self.lang, &c.name, "png"), c.png.clone()));
            files.push(file(
                chart_path(self.lang, &c.name, "svg"),
                c.svg.clone().into_bytes(),
            ));
        }
        files
    }

    /// The report as Markdown: the one place its text is laid out.
    pub fn markdown(&self) -> String {
        let mut md = format!("# {}\n\n", self.title);
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(md, "## {h}\n");
                }
                Block::Paragraph(p) => {
                    let _ = writeln!(md, "{p}\n");
                }
                Block::Notice(p) => {
                    let _ = writeln!(md, "> {p}\n");
                }
                Block::Bullets(items) => {
                    for i in items {
                        let _ = writeln!(md, "- {i}");
                    }
                    md.push('\n');
                }
                Block::Table(header, rows) => {
                    let cells = |r: &[String]| format!("| {} |", r.join(" | "));
                    let _ = writeln!(md, "{}", cells(header));
                    let align: Vec<String> = (0..header.len())
                        .map(|i| if i == 0 { ":--" } else { "--:" }.to_string())
                        .collect();
                    let _ = writeln!(md, "{}", cells(&align));
                    for r in rows {
                        let _ = writeln!(md, "{}", cells(r));
                    }
                    md.push('\n');
                }
                Block::Figure(i) => {
                    let c = &self.charts[*i];
                    let _ = writeln!(
                        md,
                        "![{}]({})\n\n*{} {}. {}*\n",
                        c.title,
                        chart_path(self.lang, &c.name, "png"),
                        Msg::Figure.get(self.lang),
                        i + 1,
                        c.caption
                    );
                }
            }
        }
        md
    }

    /// The self-contained HTML page, rendered from [`Report::markdown`].
    pub fn html(&self) -> String {
        self.html_from(&self.markdown())
    }

    fn html_from(&self, markdown: &str) -> String {
        let mut body = String::new();
        html::push_html(&mut body, self.events(markdown).into_iter());
        format!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
             <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
            self.lang.code(),
            escape(&self.title),
            CSS,
        )
    }

    /// The Markdown's events, changed for a page that stands alone: raw HTML in the text is
    /// shown as text (file-derived names cannot inject markup), tables get a scrolling wrapper
    /// and no inline alignment (the stylesheet aligns them), and a chart's image with the caption
    /// after it becomes a figure whose image is the embedded SVG.
    fn events<'a>(&'a self, markdown: &'a str) -> Vec<Event<'a>> {
        let parsed: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES)
            .map(|e| match e {
                Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
                Event::Start(Tag::Table(a)) => {
                    Event::Start(Tag::Table(vec![pulldown_cmark::Alignment::None; a.len()]))
                }
                other => other,
            })
            .collect();
        let mut out = Vec::with_capacity(parsed.len());
        let mut i = 0;
        while i < parsed.len() {
            // A figure is `<p><img></p>` then `<p><em>caption</em></p>`.
            if let (Event::Start(Tag::Paragraph), Some(Event::Start(Tag::Image { dest_url, .. }))) =
                (&parsed[i], parsed.get(i + 1))
            {
                let end = parsed[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
                    .map(|k| i + k);
                if let (Some(end), Some(chart)) = (end, self.chart_at(dest_url)) {
                    out.push(Event::Html(CowStr::from(format!(
                        "<figure><img src=\"data:image/svg+xml;base64,{}\" alt=\"{}\" width=\"{}\" height=\"{}\">",
                        base64_encode(chart.svg.as_bytes()),
                        escape(&chart.title),
                        chart.width,
                        chart.height
                    ))));
                    i = end + 1;
                    if let Some(close) = caption_end(&parsed, i) {
                        out.push(Event::Html("<figcaption>".into()));
                        out.extend(parsed[i + 2..close - 1].iter().cloned());
                        out.push(Event::Html("</figcaption>".into()));
                        i = close + 1;
                    }
                    out.push(Event::Html("</figure>\n".into()));
                    continue;
                }
            }
            match &parsed[i] {
                Event::Start(Tag::Table(_)) => {
                    out.push(Event::Html("<div class=\"table\">".into()));
                    out.push(parsed[i].clone());
                }
                Event::End(TagEnd::Table) => {
                    out.push(parsed[i].clone());
                    out.push(Event::Html("</div>\n".into()));
                }
                e => out.push(e.clone()),
            }
            i += 1;
        }
        out
    }

    /// The chart a figure's image link (`charts/<name>.png`, `charts/en/<name>.png`) points at.
    fn chart_at(&self, url: &str) -> Option<&Figure> {
        self.charts
            .iter()
            .find(|c| chart_path(self.lang, &c.name, "png") == url)
    }
}

/// A file of one language in a run folder: `report.md` in Dutch, `report.en.md` in English
/// (`stem` = `report`, `ext` = `md`), so that the languages sit side by side.
pub fn file_name(lang: Lang, stem: &str, ext: &str) -> String {
    match lang {
        Lang::Nl => format!("{stem}.{ext}"),
        other => format!("{stem}.{}.{ext}", other.code()),
    }
}

/// A chart file of one language: `charts/<name>.<ext>` in Dutch, `charts/en/<name>.<ext>` in
/// English.
pub fn chart_path(lang: Lang, name: &str, ext: &str) -> String {
    match lang {
        Lang::Nl => format!("charts/{name}.{ext}"),
        other => format!("charts/{}/{name}.{ext}", other.code()),
    }
}

/// Whether a file of a run folder (its path inside the folder, `/`-separated) belongs to the
/// report of `lang`: its report, workbook and charts. Rebuilding that language replaces exactly
/// these and leaves every other language's files alone.
pub fn owned_by(lang: Lang, path: &str) -> bool {
    let own = ["report.md", "report.html", "tables.xlsx"].iter().any(|f| {
        let (stem, ext) = f.split_once('.').unwrap_or((f, ""));
        path == file_name(lang, stem, ext)
    });
    let chart = match lang {
        Lang::Nl => path
            .strip_prefix("charts/")
            .is_some_and(|rest| !rest.contains('/')),
        other => path
            .strip_prefix("charts/")
            .and_then(|rest| rest.strip_prefix(other.code()))
            .is_some_and(|rest| rest.starts_with('/')),
    };
    own || chart
}

/// If a paragraph that holds only emphasis starts at `i`, the index of its end.
fn caption_end(events: &[Event], i: usize) -> Option<usize> {
    if !matches!(events.get(i), Some(Event::Start(Tag::Paragraph)))
        || !matches!(events.get(i + 1), Some(Event::Start(Tag::Emphasis)))
    {
        return None;
    }
    let close = i + events[i..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))?;
    matches!(events[close - 1], Event::End(TagEnd::Emphasis)).then_some(close)
}

const CSS: &str = "\
@page{size:A4;margin:16mm 15mm}\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;font-size:10.5pt;line-height:1.45;color:#1a1a1a;margin:0;background:#fff}\
main{max-width:180mm;margin:0 auto;padding:8mm 4mm}\
h1{font-size:19pt;line-height:1.2;margin:0 0 4mm;color:#0b3c5d}\
h2{font-size:13.5pt;margin:7mm 0 2mm;color:#0b3c5d;border-bottom:1px solid #c8d3dc;padding-bottom:1mm;break-after:avoid}\
p,ul{margin:0 0 3mm}li{margin:0 0 1.2mm}\
blockquote{margin:0 0 3mm;background:#fff4e0;border-left:4px solid #e69f00;padding:2mm 3mm}\
blockquote p{margin:0}\
.table{overflow-x:auto;margin:0 0 4mm}\
table{border-collapse:collapse;font-size:8pt;width:100%;break-inside:avoid}\
th,td{padding:1mm 1.2mm;border-bottom:1px solid #dde3e8;text-align:right;vertical-align:top}\
th{background:#eef2f5;font-weight:bold}\
th:first-child,td:first-child{text-align:left}\
td code{font-size:7.5pt;word-break:break-all}\
figure{margin:4mm 0 6mm;break-inside:avoid}\
figure img{width:100%;height:auto;display:block;border:1px solid #e4e8ec}\
figcaption{font-size:9pt;color:#333;margin-top:1.5mm}\
code{font-family:'DejaVu Sans Mono',monospace;font-size:9pt}\
@media print{main{max-width:none;padding:0}h2{break-after:avoid}}";

/// Escape text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(blocks: Vec<Block>) -> Report {
        Report {
            lang: Lang::En,
            title: "T <1>".into(),
            blocks,
            charts: vec![Figure {
                name: "fan".into(),
                title: "Fan".into(),
                caption: "What it shows.".into(),
                svg: "<svg/>".into(),
                png: Vec::new(),
                width: 10,
                height: 20,
            }],
        }
    }

    #[test]
    fn html_is_rendered_from_the_markdown() {
        let r = report(vec![
            Block::Paragraph("a <b> **c** `d` <10".into()),
            Block::Notice("**Note.** Mind.".into()),
            Block::Table(
                vec!["Chain".into(), "n".into()],
                vec![vec!["x_y".into(), "<10".into()]],
            ),
            Block::Figure(0),
        ]);
        let html = r.html();
        assert!(html.contains("<title>T &lt;1&gt;</title>"), "{html}");
        assert!(html.contains("<h1>T &lt;1&gt;</h1>"), "{html}");
        // Raw HTML in the text is text; Markdown emphasis and code are markup.
        assert!(
            html.contains("<p>a &lt;b&gt; <strong>c</strong> <code>d</code> &lt;10</p>"),
            "{html}"
        );
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(html.contains("<div class=\"table\"><table>"), "{html}");
        assert!(
            html.contains("<tr><td>x_y</td><td>&lt;10</td></tr>"),
            "{html}"
        );
        assert!(
            html.contains("<figure><img src=\"data:image/svg+xml;base64,PHN2Zy8+\" alt=\"Fan\" width=\"10\" height=\"20\"><figcaption>Figure 1. What it shows.</figcaption></figure>"),
            "{html}"
        );
        assert!(!html.contains("charts/fan.png"), "{html}");
    }

    #[test]
    fn markdown_lists_figures_with_their_files() {
        let md = report(vec![Block::Figure(0)]).markdown();
        assert_eq!(
            md,
            "# T <1>\n\n![Fan](charts/en/fan.png)\n\n*Figure 1. What it shows.*\n\n"
        );
        let names: Vec<String> = report(vec![]).files().into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "report.en.md",
                "report.en.html",
                "charts/en/fan.png",
                "charts/en/fan.svg"
            ]
        );
    }

    #[test]
    fn each_language_owns_only_its_own_files() {
        for (path, nl, en) in [
            ("report.md", true, false),
            ("report.html", true, false),
            ("tables.xlsx", true, false),
            ("report.en.md", false, true),
            ("report.en.html", false, true),
            ("tables.en.xlsx", false, true),
            ("charts/fan.png", true, false),
            ("charts/en/fan.png", false, true),
            ("charts/english.png", true, false),
            ("summary.csv", false, false),
            ("manifest.json", false, false),
            ("hindcast.csv", false, false),
        ] {
            assert_eq!(owned_by(Lang::Nl, path), nl, "{path}");
            assert_eq!(owned_by(Lang::En, path), en, "{path}");
        }
    }
}
