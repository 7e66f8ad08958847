//! The brief volume report: a finished run (or several, compared) as read back from its files,
//! turned into key figures, tables, charts and captions, and rendered as Markdown and as
//! self-contained HTML. Dutch by default; every observed chain count below 10 is shown as "<10".

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::charts::{self, Chart, ChartError};
use crate::outputs::{Artifact, Manifest};
use crate::simulate::Actual;

/// Language of the report and chart labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    /// The Dutch or the English text.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        self.pick("nl", "en")
    }
}

/// mean, p05, p25, p50, p75, p95 (the columns of `summary.csv`).
pub type Stats = [f64; 6];
pub const P05: usize = 1;
pub const P25: usize = 2;
pub const P50: usize = 3;
pub const P75: usize = 4;
pub const P95: usize = 5;

/// One row of `chains.csv` (a chain, or `pooled`, `pi_low`, `pi_high`).
#[derive(Debug, Clone)]
pub struct ChainRow {
    pub chain: String,
    pub values: BTreeMap<String, f64>,
}

impl ChainRow {
    pub fn get(&self, column: &str) -> Option<f64> {
        self.values.get(column).copied()
    }

    /// A chain's own row, not one of the pooled rows.
    pub fn is_chain(&self) -> bool {
        !matches!(self.chain.as_str(), "pooled" | "pi_low" | "pi_high")
    }
}

/// One row of `pooling.csv`.
#[derive(Debug, Clone)]
pub struct PoolingRow {
    pub rate: String,
    pub values: BTreeMap<String, f64>,
}

/// A finished run as the report reads it back from its folder.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The run folder's name (the scenario name).
    pub name: String,
    pub manifest: Manifest,
    /// `(metric, year)` → stats, from `summary.csv`.
    pub yearly: BTreeMap<(String, i32), Stats>,
    /// metric → `(year, month, stats)` in time order, from `monthly.csv`.
    pub monthly: BTreeMap<String, Vec<(i32, u32, Stats)>>,
    pub chains: Vec<ChainRow>,
    pub pooling: Vec<PoolingRow>,
    /// Column → one value per iteration, from `draws.parquet`.
    pub draws: BTreeMap<String, Vec<f64>>,
    pub actuals: Vec<Actual>,
}

impl RunData {
    pub fn base_year(&self) -> i32 {
        self.manifest.base_year
    }

    pub fn horizon(&self) -> i32 {
        self.manifest.horizon
    }

    /// Stats of a metric in a year.
    pub fn stats(&self, metric: &str, year: i32) -> Option<Stats> {
        self.yearly.get(&(metric.to_string(), year)).copied()
    }

    /// `(year, stats)` of a metric over every year it has.
    pub fn yearly_series(&self, metric: &str) -> Vec<(i32, Stats)> {
        self.yearly
            .range((metric.to_string(), i32::MIN)..=(metric.to_string(), i32::MAX))
            .map(|((_, y), s)| (*y, *s))
            .collect()
    }

    /// The draws of a column, if the run has it.
    pub fn draw(&self, column: &str) -> Option<&[f64]> {
        self.draws.get(column).map(Vec::as_slice)
    }

    pub fn chain_rows(&self) -> impl Iterator<Item = &ChainRow> {
        self.chains.iter().filter(|c| c.is_chain())
    }

    pub fn pooled_row(&self, name: &str) -> Option<&ChainRow> {
        self.chains.iter().find(|c| c.chain == name)
    }

    /// Whether the chain data photo is illustrative (synthetic): by file name or chain id.
    pub fn illustrative(&self) -> bool {
        self.manifest
            .inputs
            .iter()
            .any(|f| f.path.contains("illustrative") || f.path.contains("synthetic"))
            || self
                .chain_rows()
                .any(|c| c.chain.starts_with("illustrative"))
    }

    /// The published figure of a metric dated in `year`, if any.
    pub fn actual(&self, metric: &str, year: i32) -> Option<&Actual> {
        self.actuals
            .iter()
            .find(|a| a.metric == metric && a.date.year == year)
    }

    /// Years the tables show: the base year, every fifth year between, and the horizon.
    pub fn table_years(&self) -> Vec<i32> {
        let (b, h) = (self.base_year(), self.horizon());
        let mut years = vec![b];
        years.extend((b + 1..h).filter(|y| y % 5 == 0));
        if h > b {
            years.push(h);
        }
        years
    }

    /// A year between base and horizon for the outlook (2030 where possible).
    pub fn middle_year(&self) -> Option<i32> {
        let (b, h) = (self.base_year(), self.horizon());
        if b < 2030 && 2030 < h {
            Some(2030)
        } else if h - b >= 2 {
            Some(b + (h - b) / 2)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers as the report writes them.

/// Round to `digits` significant figures.
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (x * factor).round() / factor
}

/// Decimals that show `digits` significant figures of `x` (none for large numbers).
fn sig_decimals(x: f64, digits: i32) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let magnitude = round_sig(x, digits).abs().log10().floor() as i32;
    (digits - 1 - magnitude).max(0) as usize
}

/// A number with thousands separators: `12.345,6` in Dutch, `12,345.6` in English.
pub fn number(x: f64, decimals: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let (thousands, point) = match lang {
        Lang::Nl => ('.', ','),
        Lang::En => (',', '.'),
    };
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    let zero = text.chars().all(|c| c == '0' || c == '.');
    if x < 0.0 && !zero {
        out.insert(0, '−');
    }
    out
}

/// Three significant figures, with separators.
pub fn sig3(x: f64, lang: Lang) -> String {
    number(round_sig(x, 3), sig_decimals(x, 3), lang)
}

/// A modelled count of people (or a difference in people): three significant figures. Model
/// results are not observations of people, so small-cell suppression does not apply to them.
pub fn count(x: f64, lang: Lang) -> String {
    number(round_sig(x, 3), 0, lang)
}

/// A count as observed (the data photo): whole, with "<10" for anything below 10.
pub fn count_exact(x: f64, lang: Lang) -> String {
    if x.is_finite() && x.abs() < 10.0 {
        return "<10".into();
    }
    number(x, 0, lang)
}

/// Euros as millions: `€ 153 mln` / `€153 million`.
pub fn eur_millions(x: f64, lang: Lang) -> String {
    let m = sig3(x / 1e6, lang);
    match lang {
        Lang::Nl => format!("€ {m} mln"),
        Lang::En => format!("€{m} million"),
    }
}

/// A share as a percentage with one decimal.
pub fn percent(x: f64, lang: Lang) -> String {
    format!("{}%", number(x * 100.0, 1, lang))
}

/// Median and 90% interval.
fn with_interval(s: &Stats, f: &dyn Fn(f64) -> String, lang: Lang) -> String {
    format!(
        "**{}** ({} {}–{})",
        f(s[P50]),
        lang.pick("90%-interval", "90% interval"),
        f(s[P05]),
        f(s[P95])
    )
}

// ---------------------------------------------------------------------------------------------
// Sensitivity.

/// Ranks with ties averaged (1-based).
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = rank;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation; `None` when either side does not vary.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The drawn inputs of a run whose uncertainty can drive an outcome: scenario parameters and
/// the pooled chain rates (columns of `draws.parquet`).
pub const DRIVERS: [&str; 18] = [
    "prevalence_multiplier",
    "prevalence_trend_per_decade",
    "share_at_home",
    "diagnosed_share",
    "need_share",
    "caseload",
    "hours_per_client_month",
    "tariff_per_hour",
    "cost_index_per_year",
    "fte_growth_per_year",
    "zorgstandaard_fraction",
    "share_intensive",
    "pooled_uptake",
    "pooled_inflow_rate",
    "pooled_hazard_death",
    "pooled_hazard_institution",
    "pooled_hazard_other",
    "pooled_waiting_share",
];

/// A driver's name for readers.
pub fn driver_label(name: &str, lang: Lang) -> &'static str {
    let (nl, en) = match name {
        "prevalence_multiplier" => ("Prevalentie (factor)", "Prevalence (multiplier)"),
        "prevalence_trend_per_decade" => (
            "Trend prevalentie per decennium",
            "Prevalence trend per decade",
        ),
        "share_at_home" => ("Aandeel thuiswonend", "Share living at home"),
        "diagnosed_share" => ("Aandeel met diagnose", "Share diagnosed"),
        "need_share" => ("Aandeel met behoefte", "Share in need"),
        "caseload" => ("Caseload per FTE", "Caseload per FTE"),
        "hours_per_client_month" => ("Uren per cliënt per maand", "Hours per client per month"),
        "tariff_per_hour" => ("Tarief per uur", "Tariff per hour"),
        "cost_index_per_year" => ("Kostenindex per jaar", "Cost index per year"),
        "fte_growth_per_year" => ("Groei FTE per jaar", "FTE growth per year"),
        "zorgstandaard_fraction" => (
            "Verwijzing richting Zorgstandaard",
            "Referral towards Zorgstandaard",
        ),
        "share_intensive" => ("Aandeel intensief", "Share intensive"),
        "pooled_uptake" => ("Bereik ketens (gepoold)", "Chain uptake (pooled)"),
        "pooled_inflow_rate" => ("Instroom (gepoold)", "Inflow rate (pooled)"),
        "pooled_hazard_death" => ("Uitstroom: overlijden", "Exit: death"),
        "pooled_hazard_institution" => ("Uitstroom: instelling", "Exit: institution"),
        "pooled_hazard_other" => ("Uitstroom: overig", "Exit: other"),
        "pooled_waiting_share" => (
            "Wachtenden per cliënt bij start",
            "Waiting per client at start",
        ),
        _ => ("?", "?"),
    };
    lang.pick(nl, en)
}

/// Rank correlation of every varying driver with an outcome column, strongest first.
pub fn sensitivity(run: &RunData, outcome: &str) -> Vec<(&'static str, f64)> {
    let Some(y) = run.draw(outcome) else {
        return Vec::new();
    };
    let mut out: Vec<(&'static str, f64)> = DRIVERS
        .iter()
        .filter_map(|&d| Some((d, spearman(run.draw(d)?, y)?)))
        .collect();
    out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    out
}

/// Quantiles of the paired difference `scenario − reference` of a draws column.
pub fn paired_difference(scenario: &RunData, reference: &RunData, column: &str) -> Option<Stats> {
    let (a, b) = (scenario.draw(column)?, reference.draw(column)?);
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let mut d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    Some(crate::simulate::quantiles(&mut d))
}

/// One row of `differences.csv`: a key metric of a scenario minus the reference, per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub scenario: String,
    pub reference: String,
    pub metric: &'static str,
    pub year: i32,
    pub stats: Stats,
}

/// Paired differences of every key metric in every year, each scenario against the first run.
pub fn paired_differences(runs: &[RunData]) -> Vec<Difference> {
    let Some((reference, rest)) = runs.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for run in rest {
        for metric in crate::simulate::Metric::KEY {
            for year in run.base_year()..=run.horizon() {
                let column = format!("{}_{year}", metric.as_str());
                if let Some(stats) = paired_difference(run, reference, &column) {
                    out.push(Difference {
                        scenario: run.name.clone(),
                        reference: reference.name.clone(),
                        metric: metric.as_str(),
                        year,
                        stats,
                    });
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The document.

/// A piece of the report.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Notice(String),
    Bullets(Vec<String>),
    /// Header, rows; the first column is left-aligned, the others right-aligned.
    Table(Vec<String>, Vec<Vec<String>>),
    /// Index into the report's charts.
    Figure(usize),
}

/// A report: title, blocks and the charts its figures show.
#[derive(Debug)]
pub struct Report {
    pub lang: Lang,
    pub title: String,
    pub blocks: Vec<Block>,
    pub charts: Vec<Chart>,
}

impl Report {
    /// `report.md`, `report.html` and `charts/<name>.png|svg`, ready to write.
    pub fn files(&self) -> Vec<Artifact> {
        let file = |name: String, bytes: Vec<u8>| Artifact { name, bytes };
        let mut files = vec![
            file("report.md".into(), self.markdown().into_bytes()),
            file("report.html".into(), self.html().into_bytes()),
        ];
        for c in &self.charts {
            files.push(file(format!("charts/{}.png", c.name), c.png.clone()));
            files.push(file(
                format!("charts/{}.svg", c.name),
                c.svg.clone().into_bytes(),
            ));
        }
        files
    }

    pub fn markdown(&self) -> String {
        let mut md = format!("# {}\n\n", markdown_text(&self.title));
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(md, "## {}\n", markdown_text(h));
                }
                Block::Paragraph(p) => {
                    let _ = writeln!(md, "{}\n", markdown_text(p));
                }
                Block::Notice(p) => {
                    let _ = writeln!(md, "> {}\n", markdown_text(p));
                }
                Block::Bullets(items) => {
                    for i in items {
                        let _ = writeln!(md, "- {}", markdown_text(i));
                    }
                    md.push('\n');
                }
                Block::Table(header, rows) => {
                    let cells = |r: &[String]| {
                        let r: Vec<String> = r.iter().map(|c| markdown_text(c)).collect();
                        format!("| {} |", r.join(" | "))
                    };
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
                        "![{}](charts/{}.png)\n\n*{} {}. {}*\n",
                        markdown_escape(&c.title),
                        c.name,
                        self.lang.pick("Figuur", "Figure"),
                        i + 1,
                        markdown_escape(&c.caption)
                    );
                }
            }
        }
        md
    }

    pub fn html(&self) -> String {
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
             <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            self.lang.code(),
            escape(&plain(&self.title)),
            CSS,
            inline(&self.title)
        );
        for b in &self.blocks {
            match b {
                Block::Heading(t) => {
                    let _ = writeln!(h, "<h2>{}</h2>", inline(t));
                }
                Block::Paragraph(p) => {
                    let _ = writeln!(h, "<p>{}</p>", inline(p));
                }
                Block::Notice(p) => {
                    let _ = writeln!(h, "<p class=\"notice\">{}</p>", inline(p));
                }
                Block::Bullets(items) => {
                    h.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(h, "<li>{}</li>", inline(i));
                    }
                    h.push_str("</ul>\n");
                }
                Block::Table(header, rows) => {
                    h.push_str("<div class=\"table\"><table>\n<thead><tr>");
                    for c in header {
                        let _ = write!(h, "<th>{}</th>", inline(c));
                    }
                    h.push_str("</tr></thead>\n<tbody>\n");
                    for r in rows {
                        h.push_str("<tr>");
                        for c in r {
                            let _ = write!(h, "<td>{}</td>", inline(c));
                        }
                        h.push_str("</tr>\n");
                    }
                    h.push_str("</tbody></table></div>\n");
                }
                Block::Figure(i) => {
                    let c = &self.charts[*i];
                    let _ = writeln!(
                        h,
                        "<figure><img src=\"data:image/svg+xml;base64,{}\" alt=\"{}\" width=\"{}\" height=\"{}\">\
                         <figcaption><b>{} {}.</b> {}</figcaption></figure>",
                        base64_encode(c.svg.as_bytes()),
                        escape(&c.title),
                        charts::WIDTH,
                        charts::HEIGHT,
                        self.lang.pick("Figuur", "Figure"),
                        i + 1,
                        escape(&c.caption)
                    );
                }
            }
        }
        h.push_str("</main>\n</body>\n</html>\n");
        h
    }
}

const CSS: &str = "\
@page{size:A4;margin:16mm 15mm}\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;font-size:10.5pt;line-height:1.45;color:#1a1a1a;margin:0;background:#fff}\
main{max-width:180mm;margin:0 auto;padding:8mm 4mm}\
h1{font-size:19pt;line-height:1.2;margin:0 0 4mm;color:#0b3c5d}\
h2{font-size:13.5pt;margin:7mm 0 2mm;color:#0b3c5d;border-bottom:1px solid #c8d3dc;padding-bottom:1mm;break-after:avoid}\
p,ul{margin:0 0 3mm}li{margin:0 0 1.2mm}\
.notice{background:#fff4e0;border-left:4px solid #e69f00;padding:2mm 3mm}\
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

// Text taken from files (names, descriptions, sources, paths) is data, never markup: it is
// wrapped in these private-use marks when a block is built, and each renderer escapes what lies
// between them in its own way (Markdown backslashes, HTML entities).
const DATA_OPEN: char = '\u{E000}';
const DATA_CLOSE: char = '\u{E001}';
const CODE_OPEN: char = '\u{E002}';
const CODE_CLOSE: char = '\u{E003}';

/// Text from a file, shown literally. Line breaks become spaces: a block is one line.
pub fn data(s: &str) -> String {
    format!("{DATA_OPEN}{}{DATA_CLOSE}", clean(s))
}

/// Text from a file (a path, hash or command), shown literally as code.
pub fn code(s: &str) -> String {
    format!("{CODE_OPEN}{}{CODE_CLOSE}", clean(s))
}

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !(DATA_OPEN..=CODE_CLOSE).contains(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Text without the data marks (for plain-text places such as the HTML `<title>`).
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !(DATA_OPEN..=CODE_CLOSE).contains(c))
        .collect()
}

/// Backslash-escape every character Markdown could read as markup, so the text shows as written.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let start_of_list = i == 0 && matches!(c, '-' | '+' | '=');
        if start_of_list || "\\`*_[]<>|#~&!".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    // "1. text" at the start of a block would become a numbered list.
    if let Some(end) = out.find(|c: char| !c.is_ascii_digit()) {
        if end > 0 && matches!(out.as_bytes()[end], b'.' | b')') {
            out.insert(end, '\\');
        }
    }
    out
}

/// A block's text as Markdown: its own markup stays, data is escaped, code gets a safe fence.
fn markdown_text(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find([DATA_OPEN, CODE_OPEN]) {
        out.push_str(&rest[..i]);
        let open = rest[i..].chars().next().expect("found");
        let close = if open == DATA_OPEN {
            DATA_CLOSE
        } else {
            CODE_CLOSE
        };
        let body = &rest[i + open.len_utf8()..];
        let end = body.find(close).unwrap_or(body.len());
        let text = &body[..end];
        if open == DATA_OPEN {
            out.push_str(&markdown_escape(text));
        } else {
            // A code span is fenced by one backtick more than the longest run inside it.
            let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest + 1);
            let pad = if text.starts_with('`') || text.ends_with('`') {
                " "
            } else {
                ""
            };
            // In a table a pipe ends the cell even inside code; GFM reads `\|` as a pipe there.
            let _ = write!(out, "{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"));
        }
        rest = &body[(end + close.len_utf8()).min(body.len())..];
    }
    out.push_str(rest);
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

/// Escape for HTML and turn `**bold**` and `` `code` `` into HTML; data and code spans are
/// escaped only, never read as markup.
fn inline(s: &str) -> String {
    let mut out = String::new();
    let (mut bold, mut in_code) = (false, false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            DATA_OPEN | CODE_OPEN => {
                let close = if c == DATA_OPEN {
                    DATA_CLOSE
                } else {
                    CODE_CLOSE
                };
                if c == CODE_OPEN {
                    out.push_str("<code>");
                }
                for d in chars.by_ref().take_while(|&d| d != close) {
                    push_escaped(&mut out, d);
                }
                if c == CODE_OPEN {
                    out.push_str("</code>");
                }
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(if bold { "</strong>" } else { "<strong>" });
                bold = !bold;
            }
            '`' => {
                out.push_str(if in_code { "</code>" } else { "<code>" });
                in_code = !in_code;
            }
            c => push_escaped(&mut out, c),
        }
    }
    if in_code {
        out.push_str("</code>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---------------------------------------------------------------------------------------------
// Building the report of one run.

/// The title of a scenario for readers: its name and, if any, its description's first sentence.
fn scenario_line(run: &RunData) -> String {
    let d = run.manifest.description.trim().trim_end_matches('.');
    if d.is_empty() {
        format!("**{}**", data(&run.name))
    } else {
        format!("**{}**: {}", data(&run.name), data(d))
    }
}

fn illustrative_notice(lang: Lang) -> Block {
    Block::Notice(
        lang.pick(
            "**Let op: illustratieve ketendata.** De datafoto van de ketens in deze run is synthetisch \
             (gegenereerd met bekende parameters), niet gemeten. De cijfers laten zien hoe de methode werkt \
             en hoe groot de onzekerheid is; gebruik ze niet als uitspraak over de werkelijke omvang.",
            "**Note: illustrative chain data.** The chains' data photo in this run is synthetic \
             (generated from known parameters), not measured. The figures show how the method works and \
             how large the uncertainty is; do not read them as a statement about the actual volume.",
        )
        .to_string(),
    )
}

/// The key message of one run: volume now, need, gap, FTE, cost and the waiting-list outlook.
pub fn key_message(run: &RunData, lang: Lang) -> Vec<String> {
    let b = run.base_year();
    let h = run.horizon();
    let c = |x: f64| count(x, lang);
    let s3 = |x: f64| sig3(x, lang);
    let eur = |x: f64| eur_millions(x, lang);
    let get = |m: &str, y: i32| run.stats(m, y);
    let mut out = Vec::new();
    if let (Some(pwd), Some(home)) = (get("people_with_dementia", b), get("at_home", b)) {
        out.push(match lang {
            Lang::Nl => format!(
                "Op 1 januari {b} hebben naar schatting {} mensen dementie; {} van hen wonen thuis.",
                with_interval(&pwd, &c, lang),
                with_interval(&home, &c, lang)
            ),
            Lang::En => format!(
                "On 1 January {b} an estimated {} people have dementia; {} of them live at home.",
                with_interval(&pwd, &c, lang),
                with_interval(&home, &c, lang)
            ),
        });
    }
    if let Some(clients) = get("clients_in_care", b) {
        let actual = run
            .actual("clients_in_care", b)
            .map(|a| {
                format!(
                    "{} {} ({})",
                    lang.pick(
                        "; de landelijke telling van dat jaar is",
                        "; the national count that year is"
                    ),
                    c(a.value),
                    data(&short_source(&a.source))
                )
            })
            .unwrap_or_default();
        out.push(match lang {
            Lang::Nl => format!(
                "Volume in {b}: {} mensen krijgen casemanagement dementie, geëxtrapoleerd uit de datafoto van de ketens{actual}.",
                with_interval(&clients, &c, lang)
            ),
            Lang::En => format!(
                "Volume in {b}: {} people receive dementia case management, extrapolated from the chains' data photo{actual}.",
                with_interval(&clients, &c, lang)
            ),
        });
    }
    if let (Some(need), Some(gap)) = (get("need", b), get("need_gap", b)) {
        out.push(match lang {
            Lang::Nl => format!(
                "Behoefte volgens de Zorgstandaard Dementie: {} thuiswonende mensen met dementie. \
                 Het verschil met het huidige volume is {} mensen.",
                with_interval(&need, &c, lang),
                with_interval(&gap, &c, lang)
            ),
            Lang::En => format!(
                "Need under the Zorgstandaard Dementie: {} people with dementia living at home. \
                 The gap with the current volume is {} people.",
                with_interval(&need, &c, lang),
                with_interval(&gap, &c, lang)
            ),
        });
    }
    if let (Some(fte), Some(fte_zs)) = (get("fte_needed", b), get("fte_needed_zorgstandaard", b)) {
        out.push(match lang {
            Lang::Nl => format!(
                "Capaciteit: voor de huidige cliënten en de wachtlijst is {} FTE casemanager nodig; \
                 wie iedereen met behoefte volgens de Zorgstandaard wil bedienen, heeft {} FTE nodig.",
                with_interval(&fte, &s3, lang),
                with_interval(&fte_zs, &s3, lang)
            ),
            Lang::En => format!(
                "Capacity: the current clients and the waiting list need {} FTE case managers; \
                 serving everyone in need under the Zorgstandaard takes {} FTE.",
                with_interval(&fte, &s3, lang),
                with_interval(&fte_zs, &s3, lang)
            ),
        });
    }
    if let (Some(cost), Some(cost_zs)) = (get("cost_eur", b), get("cost_eur_zorgstandaard", b)) {
        out.push(match lang {
            Lang::Nl => format!(
                "Kosten: casemanagement kost {} per jaar ({b}); volgens de Zorgstandaard zou het {} per jaar zijn.",
                with_interval(&cost, &eur, lang),
                with_interval(&cost_zs, &eur, lang)
            ),
            Lang::En => format!(
                "Cost: case management costs {} a year ({b}); under the Zorgstandaard it would be {} a year.",
                with_interval(&cost, &eur, lang),
                with_interval(&cost_zs, &eur, lang)
            ),
        });
    }
    if let (Some(w0), Some(wh)) = (get("waiting_list", b), get("waiting_list", h)) {
        let middle = run
            .middle_year()
            .and_then(|y| Some((y, get("waiting_list", y)?)))
            .map(|(y, s)| format!("{} in {y}, ", with_interval(&s, &c, lang)))
            .unwrap_or_default();
        let lost = get("lost_while_waiting", h)
            .map(|s| match lang {
                Lang::Nl => format!(
                    " In {h} overlijden of verhuizen naar een instelling {} mensen terwijl zij wachten.",
                    with_interval(&s, &c, lang)
                ),
                Lang::En => format!(
                    " In {h}, {} people die or move to an institution while they wait.",
                    with_interval(&s, &c, lang)
                ),
            })
            .unwrap_or_default();
        out.push(match lang {
            Lang::Nl => format!(
                "Wachtlijst in scenario {}: {} op 1 januari {b}, {middle}{} in {h}.{lost}",
                data(&run.name),
                c(w0[P50]),
                with_interval(&wh, &c, lang)
            ),
            Lang::En => format!(
                "Waiting list in scenario {}: {} on 1 January {b}, {middle}{} in {h}.{lost}",
                data(&run.name),
                c(w0[P50]),
                with_interval(&wh, &c, lang)
            ),
        });
    }
    out
}

/// The first part of a source note, up to its first comma or parenthesis.
fn short_source(source: &str) -> String {
    let cut = source
        .find([',', '('])
        .map_or(source, |i| &source[..i])
        .trim();
    cut.to_string()
}

/// The outlook table: medians per year of the key metrics.
fn outlook_table(run: &RunData, lang: Lang) -> Block {
    let header = vec![
        lang.pick("1 januari", "1 January").to_string(),
        lang.pick("Cliënten", "Clients").to_string(),
        lang.pick("Wachtlijst", "Waiting list").to_string(),
        lang.pick("Behoefte (Zorgstandaard)", "Need (Zorgstandaard)")
            .to_string(),
        lang.pick("FTE beschikbaar", "FTE available").to_string(),
        lang.pick("FTE nodig", "FTE needed").to_string(),
        lang.pick("Kosten in het jaar", "Cost in the year")
            .to_string(),
    ];
    let med = |m: &str, y: i32| run.stats(m, y).map(|s| s[P50]);
    let rows = run
        .table_years()
        .into_iter()
        .map(|y| {
            let f = |m: &str, fmt: &dyn Fn(f64) -> String| med(m, y).map_or("–".into(), fmt);
            vec![
                y.to_string(),
                f("clients_in_care", &|x| count(x, lang)),
                f("waiting_list", &|x| count(x, lang)),
                f("need", &|x| count(x, lang)),
                f("fte_available", &|x| sig3(x, lang)),
                f("fte_needed", &|x| sig3(x, lang)),
                f("cost_eur", &|x| eur_millions(x, lang)),
            ]
        })
        .collect();
    Block::Table(header, rows)
}

/// The data photo as two tables that fit an A4 page: per chain its counts (suppressed below 10),
/// then its derived rates; each ends with the pooled row.
pub fn chain_tables(run: &RunData, lang: Lang) -> [Block; 2] {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let counts_header = strings(&[
        lang.pick("Keten", "Chain"),
        lang.pick("Perioden", "Periods"),
        lang.pick("Inwoners 65+", "Residents 65+"),
        lang.pick("Thuiswonend met dementie", "At home with dementia"),
        lang.pick("Cliënten (gem.)", "Clients (mean)"),
        lang.pick("Instroom", "Inflow"),
        lang.pick("Uit: overleden", "Out: died"),
        lang.pick("Uit: instelling", "Out: institution"),
        lang.pick("Uit: overig", "Out: other"),
    ]);
    let rates_header = strings(&[
        lang.pick("Keten", "Chain"),
        lang.pick("Bereik", "Uptake"),
        lang.pick(
            "Instroom per thuiswonende per jaar",
            "Inflow per person at home per year",
        ),
        lang.pick("Uitstroom per cliëntjaar", "Exits per client-year"),
        lang.pick("Duur in zorg (jaar)", "Time in care (years)"),
        "Caseload per FTE",
        lang.pick("Wachtend per cliënt", "Waiting per client"),
    ]);
    let cnt = |r: &ChainRow, k: &str| r.get(k).map_or("–".into(), |v| count_exact(v, lang));
    let dec =
        |r: &ChainRow, k: &str, d: usize| r.get(k).map_or("–".into(), |v| number(v, d, lang));
    let pct = |r: &ChainRow, k: &str| r.get(k).map_or("–".into(), |v| percent(v, lang));
    let exits = |r: &ChainRow| match (
        r.get("hazard_death"),
        r.get("hazard_institution"),
        r.get("hazard_other"),
    ) {
        (Some(a), Some(b), Some(c)) => number(a + b + c, 3, lang),
        _ => "–".into(),
    };
    let counts_row = |name: String, r: &ChainRow| {
        vec![
            name,
            dec(r, "periods", 0),
            cnt(r, "population_65plus"),
            cnt(r, "at_home"),
            cnt(r, "mean_clients"),
            cnt(r, "inflow"),
            cnt(r, "outflow_death"),
            cnt(r, "outflow_institution"),
            cnt(r, "outflow_other"),
        ]
    };
    let rates_row = |name: String, r: &ChainRow| {
        vec![
            name,
            pct(r, "uptake"),
            pct(r, "inflow_rate"),
            exits(r),
            dec(r, "mean_duration_years", 2),
            dec(r, "caseload", 1),
            pct(r, "waiting_share"),
        ]
    };
    let mut counts: Vec<Vec<String>> = run
        .chain_rows()
        .map(|r| counts_row(data(&r.chain), r))
        .collect();
    let mut rates: Vec<Vec<String>> = run
        .chain_rows()
        .map(|r| rates_row(data(&r.chain), r))
        .collect();
    if let Some(p) = run.pooled_row("pooled") {
        counts.push(counts_row(lang.pick("**Totaal**", "**Total**").into(), p));
        rates.push(rates_row(lang.pick("**Gepoold**", "**Pooled**").into(), p));
    }
    [
        Block::Table(counts_header, counts),
        Block::Table(rates_header, rates),
    ]
}

fn pooling_paragraph(run: &RunData, lang: Lang) -> Option<Block> {
    let u = run.pooling.iter().find(|r| r.rate == "uptake")?;
    let v = |k: &str| u.values.get(k).copied().unwrap_or(f64::NAN);
    let k = v("k");
    let method = match run.manifest.pooling_method.as_str() {
        "reml" => "REML",
        _ => "DerSimonian–Laird",
    };
    Some(Block::Paragraph(match lang {
        Lang::Nl => format!(
            "Gepoold over {} ketens met een random-effectsmodel ({method}) is het bereik {} \
             (95%-betrouwbaarheidsinterval {}–{}). De ketens verschillen onderling (I² = {}); een nieuwe \
             keten zou met 95% kans een bereik hebben tussen {} en {} (voorspellingsinterval). \
             Aantallen onder de 10 staan als \"<10\".",
            number(k, 0, lang),
            percent(v("pooled"), lang),
            percent(v("ci_low"), lang),
            percent(v("ci_high"), lang),
            percent(v("i2"), lang),
            percent(v("pi_low_natural"), lang),
            percent(v("pi_high_natural"), lang)
        ),
        Lang::En => format!(
            "Pooled over {} chains with a random-effects model ({method}), uptake is {} \
             (95% confidence interval {}–{}). The chains differ (I² = {}); a new chain would have an \
             uptake between {} and {} with 95% probability (prediction interval). \
             Counts below 10 are shown as \"<10\".",
            number(k, 0, lang),
            percent(v("pooled"), lang),
            percent(v("ci_low"), lang),
            percent(v("ci_high"), lang),
            percent(v("i2"), lang),
            percent(v("pi_low_natural"), lang),
            percent(v("pi_high_natural"), lang)
        ),
    }))
}

fn sensitivity_table(run: &RunData, lang: Lang) -> Option<Block> {
    let h = run.horizon();
    let fte = sensitivity(run, &format!("fte_needed_{h}"));
    let waiting: BTreeMap<&str, f64> = sensitivity(run, &format!("waiting_list_{h}"))
        .into_iter()
        .collect();
    if fte.is_empty() {
        return None;
    }
    let header = vec![
        "#".to_string(),
        lang.pick("Onzekere invoer", "Uncertain input").to_string(),
        format!("{} {h}", lang.pick("ρ met FTE nodig", "ρ with FTE needed")),
        format!(
            "{} {h}",
            lang.pick("ρ met wachtlijst", "ρ with waiting list")
        ),
    ];
    let rows = fte
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, (d, r))| {
            vec![
                (i + 1).to_string(),
                driver_label(d, lang).to_string(),
                signed(*r, lang),
                waiting.get(d).map_or("–".into(), |w| signed(*w, lang)),
            ]
        })
        .collect();
    Some(Block::Table(header, rows))
}

fn signed(x: f64, lang: Lang) -> String {
    let s = number(x, 2, lang);
    if x > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

fn median_of(run: &RunData, column: &str) -> Option<f64> {
    let mut v: Vec<f64> = run.draw(column)?.to_vec();
    v.retain(|x| x.is_finite());
    (!v.is_empty()).then(|| crate::simulate::quantiles(&mut v)[P50])
}

fn method_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let m = &run.manifest;
    let p = |c: &str, d: usize| median_of(run, c).map_or("–".into(), |v| number(v, d, lang));
    let pc = |c: &str| median_of(run, c).map_or("–".into(), |v| percent(v, lang));
    match lang {
        Lang::Nl => vec![
            format!("**Datafoto.** Per keten tellen we per periode de cliënten, de instroom en de uitstroom (overlijden, instelling, overig). Daaruit volgen het bereik (cliënten per thuiswonende met dementie in de regio), de instroom per thuiswonende per jaar, de uitstroomkansen per cliëntjaar en de caseload per FTE."),
            format!("**Poolen.** De ketens verschillen; een random-effectsmodel combineert ze en neemt het verschil tussen ketens mee in de onzekerheid."),
            format!("**Landelijk.** Het aantal mensen met dementie komt uit de CBS-bevolkingsprognose maal de leeftijds- en geslachtsspecifieke prevalentie (EuroCoDe); daarvan wonen er (mediaan) {} thuis en heeft {} een diagnose. Het bereik van de ketens wordt toegepast op alle thuiswonenden: het landelijke volume \"als elke regio werkte als deze ketens\".", pc("share_at_home"), pc("diagnosed_share")),
            format!("**Behoefte.** Volgens de Zorgstandaard Dementie heeft iedere thuiswonende met een diagnose recht op casemanagement; we nemen aan dat {} van hen het nodig heeft (mediaan van de aanname).", pc("need_share")),
            format!("**Projectie.** Per maand tot {}: instroom uit de groeiende groep thuiswonenden, uitstroom volgens de gepoolde kansen, capaciteit = FTE × caseload (mediaan {} cliënten per FTE). Wie geen plek heeft, komt op de wachtlijst; wachtenden kunnen overlijden of naar een instelling gaan.", m.horizon, p("caseload", 0)),
            format!("**Kosten.** {} uur per cliënt per maand × {} per uur (medianen).", p("hours_per_client_month", 2), median_of(run, "tariff_per_hour").map_or("–".into(), |v| format!("€ {}", number(v, 0, lang)))),
            format!("**Onzekerheid.** {} Monte Carlo-iteraties; elke iteratie trekt alle onzekere invoer opnieuw. We geven de mediaan en het 90%-interval (5e–95e percentiel).", number(m.iterations as f64, 0, lang)),
        ],
        Lang::En => vec![
            "**Data photo.** For every chain and period we count clients, inflow and outflow (death, institution, other). From these follow uptake (clients per person with dementia living at home in the region), inflow per person at home per year, exit rates per client-year and the caseload per FTE.".to_string(),
            "**Pooling.** Chains differ; a random-effects model combines them and carries the between-chain variation into the uncertainty.".to_string(),
            format!("**National.** People with dementia come from the CBS population prognosis times age- and sex-specific prevalence (EuroCoDe); of them (median) {} live at home and {} are diagnosed. The chains' uptake is applied to everyone at home: the national volume \"if every region worked like these chains\".", pc("share_at_home"), pc("diagnosed_share")),
            format!("**Need.** Under the Zorgstandaard Dementie everyone diagnosed and living at home is entitled to case management; we assume {} of them need it (median of the assumption).", pc("need_share")),
            format!("**Projection.** Month by month to {}: inflow from the growing number of people at home, outflow at the pooled rates, capacity = FTE × caseload (median {} clients per FTE). Who finds no place joins the waiting list; people waiting may die or move to an institution.", m.horizon, p("caseload", 0)),
            format!("**Cost.** {} hours per client per month × {} per hour (medians).", p("hours_per_client_month", 2), median_of(run, "tariff_per_hour").map_or("–".into(), |v| format!("€{}", number(v, 0, lang)))),
            format!("**Uncertainty.** {} Monte Carlo iterations; each draws every uncertain input anew. We give the median and the 90% interval (5th–95th percentile).", number(m.iterations as f64, 0, lang)),
        ],
    }
}

fn sources_bullets(runs: &[&RunData], lang: Lang) -> Vec<String> {
    let mut out = vec![
        lang.pick(
            "CBS, StatLine 83597NED: Prognose bevolking; geslacht en leeftijd, 2017–2060 (bevolking op 1 januari).",
            "Statistics Netherlands (CBS), StatLine 83597NED: population prognosis by sex and age, 2017–2060 (1 January).",
        )
        .to_string(),
        lang.pick(
            "EuroCoDe / Alzheimer Europe: leeftijds- en geslachtsspecifieke prevalentie van dementie (zie data/README.md).",
            "EuroCoDe / Alzheimer Europe: age- and sex-specific prevalence of dementia (see data/README.md).",
        )
        .to_string(),
        lang.pick(
            "Zorgstandaard Dementie (2013, herzien 2020): casemanagement voor iedere thuiswonende met dementie die het nodig heeft.",
            "Zorgstandaard Dementie (2013, revised 2020): case management for everyone with dementia living at home who needs it.",
        )
        .to_string(),
    ];
    // One line per publication: notes after a colon go, and a line that merely extends
    // another (e.g. with a coverage remark) gives way to it.
    let mut published: Vec<String> = Vec::new();
    for run in runs {
        for a in &run.actuals {
            let s = a
                .source
                .split(':')
                .next()
                .unwrap_or(&a.source)
                .trim()
                .to_string();
            if !published.contains(&s) {
                published.push(s);
            }
        }
    }
    let all = published.clone();
    published.retain(|s| !all.iter().any(|o| o != s && s.starts_with(o.as_str())));
    out.extend(published.iter().map(|s| data(s)));
    out.push(if runs.iter().any(|r| r.illustrative()) {
        lang.pick(
            "Ketendata: illustratief (synthetisch), gegenereerd met `omvang generate-chains`; de ware parameters staan in src/synthetic.rs.",
            "Chain data: illustrative (synthetic), generated with `omvang generate-chains`; the true parameters are in src/synthetic.rs.",
        )
        .to_string()
    } else {
        lang.pick(
            "Ketendata: de datafoto's van de deelnemende ketens (zie Reproduceerbaarheid voor de bestanden).",
            "Chain data: the data photos of the participating chains (see Reproducibility for the files).",
        )
        .to_string()
    });
    out
}

fn limitations_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let k = run.chain_rows().count();
    let mut out = vec![match lang {
        Lang::Nl => format!("De schatting rust op {k} ketens. Met zo weinig ketens is het verschil tussen ketens slecht bepaald; het voorspellingsinterval is daarom breed."),
        Lang::En => format!("The estimate rests on {k} chains. With so few chains the between-chain variation is poorly determined, so the prediction interval is wide."),
    }];
    if run.illustrative() {
        out.push(
            lang.pick(
                "De ketendata zijn illustratief (synthetisch). Vervang ze door echte datafoto's voordat u conclusies trekt.",
                "The chain data are illustrative (synthetic). Replace them with real data photos before drawing conclusions.",
            )
            .to_string(),
        );
    }
    out.extend(
        [
            lang.pick(
                "Solide ketens laten volwassen casemanagement zien. De extrapolatie geeft het volume als elke regio zo werkte; dat is geen telling.",
                "Solid chains show mature case management. The extrapolation gives the volume if every region worked like them; it is not a count.",
            ),
            lang.pick(
                "De projectie is landelijk: regionale tekorten en overschotten middelen uit, dus de landelijke wachtlijst is eerder te laag dan te hoog.",
                "The projection is national: regional shortages and surpluses average out, so the national waiting list is more likely too low than too high.",
            ),
            lang.pick(
                "Voor uren per cliënt, tarief, het aandeel met behoefte en de capaciteitsgroei bestaan geen gepubliceerde waarden; de scenario's geven ze brede verdelingen.",
                "Hours per client, tariff, the share in need and capacity growth have no published values; the scenarios give them wide distributions.",
            ),
            lang.pick(
                "De gepoolde kansen worden onafhankelijk getrokken; samenhang tussen bereik, instroom en uitstroom is niet gemodelleerd.",
                "The pooled rates are drawn independently; correlation between uptake, inflow and outflow is not modelled.",
            ),
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    out
}

fn reproducibility_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let m = &run.manifest;
    let mut command = format!(
        "omvang run {} --seed {} --iterations {}",
        m.scenario_file.path, m.seed, m.iterations
    );
    for o in &m.overrides {
        if !o.starts_with("run.seed=") && !o.starts_with("run.iterations=") {
            let _ = write!(command, " --set '{o}'");
        }
    }
    let mut out = vec![
        format!(
            "omvang {}, scenario {} (SHA-256 {}).",
            data(&m.omvang_version),
            code(&m.scenario_file.path),
            code(&m.scenario_file.sha256)
        ),
        format!(
            "Seed {}, {} {}, {} {}–{}; {} {} ({}).",
            m.seed,
            lang.pick("iteraties", "iterations"),
            number(m.iterations as f64, 0, lang),
            lang.pick("jaren", "years"),
            m.base_year,
            m.horizon,
            lang.pick("gedraaid op", "run on"),
            data(&m.started_at),
            lang.pick(
                "de uitkomsten hangen niet af van het aantal threads",
                "results do not depend on the thread count"
            )
        ),
        format!(
            "{}: {}",
            lang.pick("Opnieuw maken", "To reproduce"),
            code(&command)
        ),
    ];
    for f in m.extends.iter().chain(&m.inputs) {
        out.push(format!("{}: SHA-256 {}", code(&f.path), code(&f.sha256)));
    }
    out
}

/// The report of one run, with its charts.
///
/// # Errors
/// When a chart cannot be drawn.
pub fn run_report(run: &RunData, lang: Lang) -> Result<Report, ChartError> {
    let charts = charts::run_charts(run, lang)?;
    let mut blocks = vec![Block::Paragraph(format!(
        "Scenario {}. {} {}, horizon {}.",
        scenario_line(run),
        lang.pick("Basisjaar", "Base year"),
        run.base_year(),
        run.horizon()
    ))];
    if run.illustrative() {
        blocks.push(illustrative_notice(lang));
    }
    blocks.push(Block::Heading(
        lang.pick("Kernboodschap", "Key message").into(),
    ));
    blocks.push(Block::Bullets(key_message(run, lang)));
    blocks.push(Block::Paragraph(
        lang.pick(
            "Mediaan met 90%-interval; voorraden op 1 januari, kosten en verloren wachtenden over het kalenderjaar. Aantallen zijn afgerond op drie significante cijfers.",
            "Median with 90% interval; stocks on 1 January, costs and people lost while waiting over the calendar year. Numbers are rounded to three significant figures.",
        )
        .into(),
    ));
    blocks.push(Block::Heading(
        lang.pick("Vooruitblik (medianen)", "Outlook (medians)")
            .into(),
    ));
    blocks.push(outlook_table(run, lang));
    blocks.push(Block::Heading(lang.pick("Grafieken", "Charts").into()));
    blocks.extend((0..charts.len()).map(Block::Figure));
    blocks.push(Block::Heading(
        lang.pick("Datafoto van de ketens", "The chains' data photo")
            .into(),
    ));
    blocks.extend(chain_tables(run, lang));
    blocks.extend(pooling_paragraph(run, lang));
    blocks.push(Block::Heading(
        lang.pick("Methode en aannames", "Method and assumptions")
            .into(),
    ));
    blocks.push(Block::Bullets(method_bullets(run, lang)));
    if let Some(t) = sensitivity_table(run, lang) {
        blocks.push(Block::Heading(
            lang.pick("Gevoeligheid", "Sensitivity").into(),
        ));
        blocks.push(Block::Paragraph(
            lang.pick(
                "Welke onzekere invoer de uitkomst het meest bepaalt: Spearmans rangcorrelatie (ρ) tussen de getrokken waarde en de uitkomst over alle iteraties. Invoer die in dit scenario vastligt, staat er niet in.",
                "Which uncertain inputs drive the outcome most: Spearman's rank correlation (ρ) between the drawn value and the outcome over all iterations. Inputs fixed in this scenario are not listed.",
            )
            .into(),
        ));
        blocks.push(t);
    }
    blocks.push(Block::Heading(lang.pick("Bronnen", "Sources").into()));
    blocks.push(Block::Bullets(sources_bullets(&[run], lang)));
    blocks.push(Block::Heading(
        lang.pick("Beperkingen", "Limitations").into(),
    ));
    blocks.push(Block::Bullets(limitations_bullets(run, lang)));
    blocks.push(Block::Heading(
        lang.pick("Reproduceerbaarheid", "Reproducibility").into(),
    ));
    blocks.push(Block::Bullets(reproducibility_bullets(run, lang)));
    Ok(Report {
        lang,
        title: format!(
            "{}: {}",
            lang.pick(
                "Omvang casemanagement dementie",
                "Volume of dementia case management"
            ),
            data(&run.name)
        ),
        blocks,
        charts,
    })
}

// ---------------------------------------------------------------------------------------------
// Comparing scenarios.

/// Why runs cannot be compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    #[error("scenario {scenario}: {what} differs from the reference {reference}; compare runs made with the same seed, iterations, base year and horizon")]
    Mismatch {
        scenario: String,
        reference: String,
        what: &'static str,
    },
    #[error("compare needs at least two scenarios (the first is the reference); to run one scenario use `omvang run`")]
    TooFew,
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// Check that runs share what pairing needs.
///
/// # Errors
/// Fewer than two runs, or a different seed, iteration count, base year or horizon.
pub fn check_comparable(runs: &[RunData]) -> Result<(), CompareError> {
    let Some((reference, rest)) = runs.split_first() else {
        return Err(CompareError::TooFew);
    };
    if rest.is_empty() {
        return Err(CompareError::TooFew);
    }
    let r = &reference.manifest;
    for run in rest {
        let m = &run.manifest;
        let what = if m.seed != r.seed {
            Some("the seed")
        } else if m.iterations != r.iterations {
            Some("the number of iterations")
        } else if m.base_year != r.base_year {
            Some("the base year")
        } else if m.horizon != r.horizon {
            Some("the horizon")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(CompareError::Mismatch {
                scenario: run.name.clone(),
                reference: reference.name.clone(),
                what,
            });
        }
    }
    Ok(())
}

/// The comparison report: the first run is the reference.
///
/// # Errors
/// Runs that cannot be paired, or a chart that cannot be drawn.
pub fn comparison_report(runs: &[RunData], lang: Lang) -> Result<Report, CompareError> {
    check_comparable(runs)?;
    let reference = &runs[0];
    let charts = charts::comparison_charts(runs, lang)?;
    let h = reference.horizon();
    let mid = reference.middle_year();
    let c = |x: f64| count(x, lang);
    let mut blocks = vec![Block::Paragraph(match lang {
        Lang::Nl => format!(
            "{} scenario's met dezelfde seed ({}) en {} iteraties, zodat elke iteratie in elk scenario dezelfde onzekere invoer trekt en de verschillen gepaard zijn. Referentie: **{}**.",
            runs.len(),
            reference.manifest.seed,
            number(reference.manifest.iterations as f64, 0, lang),
            data(&reference.name)
        ),
        Lang::En => format!(
            "{} scenarios with the same seed ({}) and {} iterations, so every iteration draws the same uncertain inputs in every scenario and the differences are paired. Reference: **{}**.",
            runs.len(),
            reference.manifest.seed,
            number(reference.manifest.iterations as f64, 0, lang),
            data(&reference.name)
        ),
    })];
    if runs.iter().any(RunData::illustrative) {
        blocks.push(illustrative_notice(lang));
    }
    blocks.push(Block::Heading(
        lang.pick("Kernboodschap", "Key message").into(),
    ));
    let mut bullets: Vec<String> = key_message(reference, lang).into_iter().take(5).collect();
    for run in &runs[1..] {
        let (Some(w), Some(d)) = (
            run.stats("waiting_list", h),
            paired_difference(run, reference, &format!("waiting_list_{h}")),
        ) else {
            continue;
        };
        let cost = run
            .stats("cost_eur", h)
            .map(|s| eur_millions(s[P50], lang))
            .unwrap_or_default();
        bullets.push(match lang {
            Lang::Nl => format!(
                "Scenario **{}**: wachtlijst in {h} {}; het verschil met {} is {} (gepaard per iteratie, mediaan; 90%-interval {} tot {}); kosten in {h} {cost}.",
                data(&run.name),
                with_interval(&w, &c, lang),
                data(&reference.name),
                signed_count(d[P50], lang),
                signed_count(d[P05], lang),
                signed_count(d[P95], lang)
            ),
            Lang::En => format!(
                "Scenario **{}**: waiting list in {h} {}; the difference with {} is {} (paired per iteration, median; 90% interval {} to {}); cost in {h} {cost}.",
                data(&run.name),
                with_interval(&w, &c, lang),
                data(&reference.name),
                signed_count(d[P50], lang),
                signed_count(d[P05], lang),
                signed_count(d[P95], lang)
            ),
        });
    }
    blocks.push(Block::Bullets(bullets));

    blocks.push(Block::Heading(
        lang.pick(
            "Scenario's naast elkaar (medianen)",
            "Scenarios side by side (medians)",
        )
        .into(),
    ));
    let mut header = vec!["Scenario".to_string()];
    if let Some(y) = mid {
        header.push(format!("{} {y}", lang.pick("Wachtlijst", "Waiting list")));
    }
    header.extend([
        format!("{} {h}", lang.pick("Wachtlijst", "Waiting list")),
        format!(
            "{} {h}",
            lang.pick("Verloren tijdens wachten", "Lost while waiting")
        ),
        format!("{} {h}", lang.pick("FTE beschikbaar", "FTE available")),
        format!("{} {h}", lang.pick("FTE nodig", "FTE needed")),
        format!("{} {h}", lang.pick("Kosten", "Cost")),
    ]);
    let rows = runs
        .iter()
        .map(|run| {
            let med = |m: &str, y: i32, f: &dyn Fn(f64) -> String| {
                run.stats(m, y).map_or("–".into(), |s| f(s[P50]))
            };
            let mut row = vec![data(&run.name)];
            if let Some(y) = mid {
                row.push(med("waiting_list", y, &c));
            }
            row.extend([
                med("waiting_list", h, &c),
                med("lost_while_waiting", h, &c),
                med("fte_available", h, &|x| sig3(x, lang)),
                med("fte_needed", h, &|x| sig3(x, lang)),
                med("cost_eur", h, &|x| eur_millions(x, lang)),
            ]);
            row
        })
        .collect();
    blocks.push(Block::Table(header, rows));

    blocks.push(Block::Heading(lang.pick("Grafieken", "Charts").into()));
    blocks.extend((0..charts.len()).map(Block::Figure));

    blocks.push(Block::Heading(
        lang.pick("De scenario's", "The scenarios").into(),
    ));
    blocks.push(Block::Bullets(runs.iter().map(scenario_line).collect()));
    blocks.push(Block::Heading(
        lang.pick("Methode en aannames", "Method and assumptions")
            .into(),
    ));
    blocks.push(Block::Bullets(method_bullets(reference, lang)));
    blocks.push(Block::Paragraph(
        lang.pick(
            "De rapporten per scenario (in de mappen naast deze) geven de datafoto van de ketens, de gevoeligheid en alle grafieken per scenario.",
            "The reports per scenario (in the folders beside this one) give the chains' data photo, the sensitivity and every chart per scenario.",
        )
        .into(),
    ));
    blocks.push(Block::Heading(lang.pick("Bronnen", "Sources").into()));
    blocks.push(Block::Bullets(sources_bullets(
        &runs.iter().collect::<Vec<_>>(),
        lang,
    )));
    blocks.push(Block::Heading(
        lang.pick("Beperkingen", "Limitations").into(),
    ));
    blocks.push(Block::Bullets(limitations_bullets(reference, lang)));
    blocks.push(Block::Heading(
        lang.pick("Reproduceerbaarheid", "Reproducibility").into(),
    ));
    blocks.push(Block::Bullets(
        runs.iter()
            .map(|r| {
                format!(
                    "{}: {} (SHA-256 {}), seed {}, {} {}, omvang {}",
                    data(&r.name),
                    code(&r.manifest.scenario_file.path),
                    code(&r.manifest.scenario_file.sha256),
                    r.manifest.seed,
                    number(r.manifest.iterations as f64, 0, lang),
                    lang.pick("iteraties", "iterations"),
                    data(&r.manifest.omvang_version)
                )
            })
            .collect(),
    ));
    Ok(Report {
        lang,
        title: lang
            .pick(
                "Omvang casemanagement dementie: scenariovergelijking",
                "Volume of dementia case management: scenario comparison",
            )
            .to_string(),
        blocks,
        charts,
    })
}

/// A difference in people with its sign: `+1.230`, `−450`, `0`.
fn signed_count(x: f64, lang: Lang) -> String {
    let s = count(x, lang);
    if round_sig(x, 3) >= 0.5 {
        format!("+{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_dutch_and_english_separators() {
        assert_eq!(number(1234567.891, 2, Lang::Nl), "1.234.567,89");
        assert_eq!(number(1234567.891, 2, Lang::En), "1,234,567.89");
        assert_eq!(number(-999.6, 0, Lang::Nl), "−1.000");
        assert_eq!(number(-0.004, 2, Lang::En), "0.00");
        assert_eq!(sig3(269_667.0, Lang::Nl), "270.000");
        assert_eq!(sig3(1_191.4, Lang::En), "1,190");
        assert_eq!(sig3(0.012345, Lang::En), "0.0123");
        assert_eq!(eur_millions(152_600_000.0, Lang::Nl), "€ 153 mln");
        assert_eq!(eur_millions(48_240_000.0, Lang::En), "€48.2 million");
    }

    #[test]
    fn only_observed_counts_below_ten_are_suppressed() {
        for x in [0.0, 1.0, 9.0, 9.99, -9.0] {
            assert_eq!(count_exact(x, Lang::Nl), "<10");
        }
        // Model results are never suppressed.
        assert_eq!(count(3.0, Lang::Nl), "3");
        assert_eq!(count(-9.0, Lang::Nl), "−9");
        assert_eq!(signed_count(4.0, Lang::Nl), "+4");
        assert_eq!(count(10.0, Lang::Nl), "10");
        assert_eq!(count(12_345.0, Lang::Nl), "12.300");
        assert_eq!(count_exact(12_345.0, Lang::Nl), "12.345");
        assert_eq!(count_exact(3.0, Lang::Nl), "<10");
    }

    #[test]
    fn spearman_matches_known_values() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(spearman(&x, &[2.0, 4.0, 8.0, 16.0, 32.0]), Some(1.0));
        assert_eq!(spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // d = (0, 1, -1, 0, 0): 1 - 6·2/(5·24) = 0.9
        let r = spearman(&x, &[1.0, 3.0, 2.0, 4.0, 5.0]).unwrap();
        assert!((r - 0.9).abs() < 1e-12);
        assert_eq!(spearman(&x, &[1.0; 5]), None);
        // Ties get average ranks.
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
    }

    #[test]
    fn inline_markup_is_escaped_then_formatted() {
        assert_eq!(
            inline("a <b> **c** `d`"),
            "a &lt;b&gt; <strong>c</strong> <code>d</code>"
        );
    }

    #[test]
    fn data_is_never_markup() {
        let text = format!("**{}**: {}", data("x_y"), data("<script>|*a*|`b`"));
        assert_eq!(
            inline(&text),
            "<strong>x_y</strong>: &lt;script&gt;|*a*|`b`"
        );
        assert_eq!(
            markdown_text(&text),
            "**x\\_y**: \\<script\\>\\|\\*a\\*\\|\\`b\\`"
        );
        assert_eq!(markdown_text(&code("a`b|c")), "``a`b\\|c``");
        assert_eq!(markdown_escape("# 1. x"), "\\# 1. x");
        assert_eq!(markdown_escape("1. x"), "1\\. x");
        assert_eq!(markdown_escape("- x"), "\\- x");
    }
}
