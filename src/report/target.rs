//! The answer of `omvang target` as the key message of its folder's report: the extra trainees a
//! year needed for the goal, with its 90% interval, the share out of reach and the method.

use crate::report::format::{count, percent};
use crate::report::text::{say, Lang, Msg};

/// What the search found, as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSummary {
    pub scenario: String,
    /// The goal: the Zorgstandaard's need (true) or the wait norm (false).
    pub need: bool,
    pub by_year: i32,
    /// The policy start as `YYYY-MM`.
    pub start: String,
    pub norm_weeks: f64,
    pub iterations: usize,
    /// Median, p05 and p95 of the extra trainees a year (infinite: not reachable).
    pub median: f64,
    pub low: f64,
    pub high: f64,
    /// Median trainees started in the first policy year without the extra ones.
    pub usual: f64,
    pub unreachable_share: f64,
    pub max: f64,
}

/// The report (Markdown) of a target search.
pub fn target_markdown(s: &TargetSummary, lang: Lang) -> String {
    let n = |x: f64| {
        if x.is_finite() {
            count(x, lang)
        } else {
            Msg::TargetNotReachable.get(lang).to_string()
        }
    };
    let answer = say!(
        lang,
        Interval,
        median = n(s.median),
        low = n(s.low),
        high = n(s.high)
    );
    let norm = count(s.norm_weeks, lang);
    let usual = count(s.usual, lang);
    let message = if s.need {
        say!(
            lang,
            TargetNeed,
            year = s.by_year,
            start = s.start,
            answer = answer,
            usual = usual
        )
    } else {
        say!(
            lang,
            TargetNorm,
            year = s.by_year,
            norm = norm,
            start = s.start,
            answer = answer,
            usual = usual
        )
    };
    let mut out = format!(
        "# {}\n\n## {}\n\n{message}\n",
        say!(lang, TitleRun, name = s.scenario),
        Msg::HeadingTarget.get(lang)
    );
    if s.unreachable_share > 0.0 {
        out.push_str(&format!(
            "\n{}\n",
            say!(
                lang,
                TargetUnreachable,
                share = percent(s.unreachable_share, lang),
                max = count(s.max, lang)
            )
        ));
    }
    out.push_str(&format!(
        "\n{}\n",
        say!(lang, TargetMethod, n = s.iterations)
    ));
    out
}
