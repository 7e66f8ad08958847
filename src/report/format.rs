//! Numbers as the report and the charts write them, per language: separators, significant
//! figures, euros, percentages, signs, and the small-cell rule (every count below 10 is "<10").

use super::text::{say, Lang};
pub use crate::model::metrics::{round_sig, sig_decimals};
use crate::model::metrics::{Metric, Unit};
use crate::model::stats::Band;
use crate::run_data::{Stats, P05, P50, P95};

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

/// Whole euros: `€ 78` / `€78`.
pub fn eur(x: f64, lang: Lang) -> String {
    let n = number(x, 0, lang);
    match lang {
        Lang::Nl => format!("€ {n}"),
        Lang::En => format!("€{n}"),
    }
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

/// A correlation with its sign and two decimals: `+0,41`, `−0,12`.
pub fn signed(x: f64, lang: Lang) -> String {
    let s = number(x, 2, lang);
    if x > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// A difference in people with its sign: `+1.230`, `−450`, `+5`.
pub fn signed_count(x: f64, lang: Lang) -> String {
    let s = count(x, lang);
    if x > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// Median in bold and the 90% interval, each formatted by `f`.
pub fn with_interval(s: &Stats, f: &dyn Fn(f64) -> String, lang: Lang) -> String {
    say!(
        lang,
        Interval,
        median = f(s[P50]),
        low = f(s[P05]),
        high = f(s[P95])
    )
}

/// Text taken from a file (a name, description, source or note), shown as written: every
/// character Markdown could read as markup is backslash-escaped, and control characters become
/// spaces, so file data can never become markup in `report.md` or, through it, in the HTML.
pub fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let c = if c.is_control() { ' ' } else { c };
        let starts_list = i == 0 && matches!(c, '-' | '+' | '=');
        if starts_list || "\\`*_[]<>|#~&!".contains(c) {
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

/// Text taken from a file (a path, hash or command) as a Markdown code span, fenced by one
/// backtick more than the longest run inside it; a pipe is escaped so a table cell holds.
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

/// A model value or an observation in its metric's unit: people to three significant figures
/// (observations whole, "<10" below ten), FTE to three, weeks to one decimal, shares as
/// percentages.
pub fn in_unit(metric: Metric, x: f64, observed: bool, lang: Lang) -> String {
    match metric.unit() {
        Unit::People | Unit::PeoplePerYear if observed => count_exact(x, lang),
        Unit::People | Unit::PeoplePerYear => count(x, lang),
        Unit::Weeks => number(x, 1, lang),
        Unit::Share => percent(x, lang),
        Unit::Ratio => number(x, Unit::Ratio.decimals(x), lang),
        Unit::EuroPerYear => eur_millions(x, lang),
        Unit::Fte | Unit::Number if observed => number(x, sig_decimals(x, 4), lang),
        Unit::Fte | Unit::Number => sig3(x, lang),
    }
}

/// "median (low–high)" of a band.
pub fn band_text(band: &Band, f: &dyn Fn(f64) -> String) -> String {
    format!("{} ({}–{})", f(band.median), f(band.low), f(band.high))
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
        assert_eq!(eur(78.4, Lang::Nl), "€ 78");
        assert_eq!(signed(0.414, Lang::Nl), "+0,41");
        assert_eq!(signed_count(1234.0, Lang::Nl), "+1.230");
        assert_eq!(signed_count(-5.0, Lang::Nl), "−5");
        assert_eq!(signed_count(5.0, Lang::Nl), "+5");
    }

    #[test]
    fn only_observed_counts_below_ten_are_suppressed() {
        for x in [1.0, 9.0, 3.0] {
            assert_eq!(count_exact(x, Lang::Nl), "<10");
            assert_eq!(count(x, Lang::Nl), format!("{x}"));
        }
        assert_eq!(count(10.0, Lang::Nl), "10");
        assert_eq!(count(12_345.0, Lang::Nl), "12.300");
        assert_eq!(count_exact(12_345.0, Lang::Nl), "12.345");
        assert_eq!(count_exact(3.0, Lang::Nl), "<10");
    }

    #[test]
    fn data_is_never_markup() {
        assert_eq!(
            data("<script>alert(1)</script> | a *b* [c](d) `e`"),
            "\\<script\\>alert(1)\\</script\\> \\| a \\*b\\* \\[c\\](d) \\`e\\`"
        );
        assert_eq!(data("esc_test"), "esc\\_test");
        assert_eq!(data("- x\ny"), "\\- x y");
        assert_eq!(data("1. item"), "1\\. item");
        assert_eq!(code("a`b|c"), "``a`b\\|c``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn intervals_read_median_then_bounds() {
        let s = [0.0, 1_000.0, 0.0, 2_000.0, 0.0, 3_000.0];
        let f = |x: f64| count(x, Lang::En);
        assert_eq!(
            with_interval(&s, &f, Lang::En),
            "**2,000** (90% interval 1,000–3,000)"
        );
    }
}
