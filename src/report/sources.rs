//! Where a run's figures come from, as readers see it: the sources section, the publishers of
//! the national record, the input files by name and the price level of the costs; shared by the
//! report's sections and the charts' source lines.

use super::format::{code, data, percent};
use super::text::{say, Lang};
use crate::analysis::median;
use crate::data::Actual;
use crate::run_data::{HashedFile, RunData};

/// The price level of the run's costs: "prijspeil 2018", and the yearly index when it is not
/// zero (the median of its draws).
pub fn price_level(run: &RunData, lang: Lang) -> String {
    let index = run
        .draw("cost_index_per_year")
        .and_then(median)
        .unwrap_or(0.0);
    if index == 0.0 {
        say!(lang, PriceLevel, year = run.base_year())
    } else {
        say!(
            lang,
            PriceLevelIndexed,
            year = run.base_year(),
            index = percent(index, lang)
        )
    }
}

/// The first part of a source note, up to its first comma or parenthesis.
pub fn short_source(source: &str) -> String {
    let cut = source
        .find([',', '('])
        .map_or(source, |i| &source[..i])
        .trim();
    cut.to_string()
}

/// The publisher named at the head of a source note: up to its first comma, parenthesis or
/// colon, without a trailing year.
fn source_head(source: &str) -> &str {
    let head = source
        .find([',', '(', ':'])
        .map_or(source, |i| &source[..i])
        .trim();
    match head.rsplit_once(' ') {
        Some((rest, year)) if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
            rest.trim()
        }
        _ => head,
    }
}

/// The publishers of the `shown` figures, from the `source` column, in order of appearance. The
/// names come from all of the run's `actuals`, where a name that merely extends another ("HHM
/// for VWS" beside "HHM 2018") gives way to the shorter one.
pub fn publishers(actuals: &[Actual], shown: &[&Actual]) -> Vec<String> {
    let mut heads: Vec<&str> = Vec::new();
    for a in actuals {
        let h = source_head(&a.source);
        if !h.is_empty() && !heads.contains(&h) {
            heads.push(h);
        }
    }
    let extends = |h: &str, o: &str| h.starts_with(&format!("{o} "));
    let names: Vec<&str> = heads
        .iter()
        .copied()
        .filter(|h| !heads.iter().any(|o| extends(h, o)))
        .collect();
    let mut out: Vec<String> = Vec::new();
    for a in shown {
        let h = source_head(&a.source);
        if let Some(n) = names.iter().find(|n| **n == h || extends(h, n)) {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
    }
    out
}

/// The distinct file names of one kind of input over some runs, each in backticks.
pub fn input_names(runs: &[&RunData], file: fn(&RunData) -> Option<&HashedFile>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for run in runs {
        if let Some(f) = file(run) {
            let name = f.file_name().to_string();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

pub fn population_file(run: &RunData) -> Option<&HashedFile> {
    run.manifest.population_file()
}

pub fn prevalence_file(run: &RunData) -> Option<&HashedFile> {
    run.manifest.prevalence_file()
}

pub(crate) fn quoted_names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| code(n)).collect();
    quoted.join(", ")
}

/// The sources of exactly the inputs the runs used: the population, prevalence, chain and
/// national files named in their manifests, and the publications in the `source` column of the
/// national figures (and of the hindcast's observations) they read.
pub fn sources_bullets(runs: &[&RunData], lang: Lang) -> Vec<String> {
    let mut out = vec![
        say!(
            lang,
            SourcePopulation,
            files = quoted_names(&input_names(runs, population_file))
        ),
        say!(
            lang,
            SourcePrevalence,
            files = quoted_names(&input_names(runs, prevalence_file))
        ),
    ];
    let mut chains: Vec<String> = Vec::new();
    let mut national: Vec<String> = Vec::new();
    for run in runs {
        let has_actuals = !run.actuals.is_empty();
        for f in run.manifest.chain_files(has_actuals) {
            let name = f.file_name().to_string();
            if !chains.contains(&name) {
                chains.push(name);
            }
        }
        if let Some(f) = run.manifest.actuals_file(has_actuals) {
            let name = f.file_name().to_string();
            if !national.contains(&name) {
                national.push(name);
            }
        }
    }
    // One line per publication: notes after a colon go, and a line that merely extends
    // another (e.g. with a coverage remark) gives way to it.
    let mut published: Vec<String> = Vec::new();
    for run in runs {
        let hindcast = run.hindcast.iter().flatten().map(|h| h.source.as_str());
        for source in run
            .actuals
            .iter()
            .map(|a| a.source.as_str())
            .chain(hindcast)
        {
            let s = source.split(':').next().unwrap_or(source).trim();
            if s.is_empty() {
                continue;
            }
            let s = data(s);
            if !published.contains(&s) {
                published.push(s);
            }
        }
    }
    let all = published.clone();
    published.retain(|s| !all.iter().any(|o| o != s && s.starts_with(o.as_str())));
    if !national.is_empty() || !published.is_empty() {
        let files = if national.is_empty() {
            code("actuals.csv")
        } else {
            quoted_names(&national)
        };
        out.push(say!(
            lang,
            SourceNational,
            files = files,
            sources = published.join("; ")
        ));
    }
    out.extend(projection_sources(runs, lang));
    let files = quoted_names(&chains);
    out.push(if runs.iter().any(|r| r.illustrative()) {
        say!(lang, SourceChainsIllustrative, files = files)
    } else {
        say!(lang, SourceChainsMeasured, files = files)
    });
    out
}

/// The file of projections by others the runs read and the publications in its `source`
/// column; `None` when no run has projections.
fn projection_sources(runs: &[&RunData], lang: Lang) -> Option<String> {
    let mut files: Vec<String> = Vec::new();
    let mut published: Vec<String> = Vec::new();
    for run in runs.iter().filter(|r| !r.projections.is_empty()) {
        let name = run
            .manifest
            .projections_file()
            .map_or("projections.csv", HashedFile::file_name);
        if !files.iter().any(|f| f == name) {
            files.push(name.to_string());
        }
        for p in &run.projections {
            let s = data(p.source.trim());
            if !s.is_empty() && !published.contains(&s) {
                published.push(s);
            }
        }
    }
    (!files.is_empty()).then(|| {
        say!(
            lang,
            SourceProjections,
            files = quoted_names(&files),
            sources = published.join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Date;

    fn actual(source: &str) -> Actual {
        Actual {
            metric: "clients_in_care".into(),
            date: Date {
                year: 2018,
                month: 7,
                day: 1,
            },
            value: 62_000.0,
            source: source.into(),
            coverage: 1.0,
            sd_log: None,
        }
    }

    #[test]
    fn publishers_come_from_the_source_column() {
        let a = [
            actual("HHM for VWS, Onderzoek 2018 (Kamerstuk 29689-936)"),
            actual("HHM 2018 (Kamerstuk 29689-936): mean wait 33 days"),
            actual("NZa, Informatiekaart Wachttijden, januari 2023"),
            actual("Signaalteam casemanagement dementie 2017: 1,250 waiting"),
        ];
        let all: Vec<&Actual> = a.iter().collect();
        assert_eq!(
            publishers(&a, &all),
            vec!["HHM", "NZa", "Signaalteam casemanagement dementie"]
        );
        // Only the figures shown are named, by the shortest name their publisher has.
        assert_eq!(publishers(&a, &[&a[0], &a[2]]), vec!["HHM", "NZa"]);
        assert_eq!(publishers(&a[..1], &[&a[0]]), vec!["HHM for VWS"]);
        assert!(publishers(&a, &[]).is_empty());
    }
}
