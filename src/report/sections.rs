//! The report's sections, each built from the run data into blocks of Markdown text: key
//! message, outlook, hindcast, projections by others, data photo, method, sensitivity, sources,
//! limitations, reproducibility; and a backtest's "how well does the model forecast?" and its
//! settings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::document::Block;
use super::format::{
    code, count, count_exact, data, eur, eur_millions, number, percent, sig3, signed, with_interval,
};
use super::format::{sig_decimals, Unit};
use super::text::{driver_label, metric_label, say, Lang, Msg};
use crate::analysis::backtest::{overall, summarise, Tally};
use crate::analysis::{median, sensitivity};
use crate::data::{Actual, Projection, Qualifier};
use crate::run_data::{Backtest, Band, ChainRow, HashedFile, RunData, P05, P50, P95};

/// The title of a scenario for readers: its name and, if any, its description's first sentence.
pub fn scenario_line(run: &RunData, lang: Lang) -> String {
    let d = run
        .manifest
        .description
        .get(lang.code())
        .trim()
        .trim_end_matches('.');
    if d.is_empty() {
        format!("**{}**", data(&run.name))
    } else {
        format!("**{}**: {}", data(&run.name), data(d))
    }
}

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

/// The one sentence a reader can act on: the waiting list now and at the horizon, and whether
/// there are enough case managers then.
/// The year an outlook starts from: the first 1 January at or after the last observation of a
/// calibrated run, where the record pins the state down (2023 with the shipped record); else the
/// base year.
fn outlook_start(run: &RunData) -> i32 {
    let h = run.horizon();
    run.manifest
        .calibration
        .as_ref()
        .filter(|c| c.calibrated)
        .and_then(|c| {
            let (year, month) = c.policy_start.split_once('-')?;
            let year: i32 = year.parse().ok()?;
            Some(if month == "01" { year } else { year + 1 })
        })
        .filter(|y| (run.base_year()..=h).contains(y))
        .unwrap_or(run.base_year())
}

pub fn conclusion(run: &RunData, lang: Lang) -> Option<Block> {
    let (b, h) = (outlook_start(run), run.horizon());
    let (w0, wh) = (run.stats("waiting_list", b)?, run.stats("waiting_list", h)?);
    let gap = run
        .stats("fte_gap", h)
        .map(|g| {
            let f = |x: f64| count(x, lang);
            if g[P50] > 0.0 {
                say!(
                    lang,
                    ConclusionShort,
                    gap = f(g[P50]),
                    low = f(g[P05]),
                    high = f(g[P95])
                )
            } else {
                say!(
                    lang,
                    ConclusionEnough,
                    gap = f(g[P50]),
                    low = f(g[P05]),
                    high = f(g[P95])
                )
            }
        })
        .unwrap_or_else(|| ".".into());
    let (start, end) = (w0[P50], wh[P50]);
    let args = |m: Msg| {
        m.fill(
            lang,
            &[
                ("scenario", &format!("**{}**", data(&run.name))),
                ("start", &count(start, lang)),
                ("base", &b),
                ("end", &count(end, lang)),
                ("horizon", &h),
                ("gap", &gap),
            ],
        )
    };
    Some(Block::Paragraph(if end > start * 1.1 + 5.0 {
        args(Msg::ConclusionGrows)
    } else if end < start * 0.9 - 5.0 {
        args(Msg::ConclusionFalls)
    } else {
        args(Msg::ConclusionSteady)
    }))
}

/// The run's departures from its scenario file (`--set` and the flags), if any.
pub fn overrides_paragraph(run: &RunData, lang: Lang) -> Option<Block> {
    let changes = run.manifest.changes();
    if changes.is_empty() {
        return None;
    }
    let list: Vec<String> = changes.iter().map(|o| code(o)).collect();
    Some(Block::Paragraph(say!(
        lang,
        RunOverrides,
        overrides = list.join(", ")
    )))
}

pub fn illustrative_notice(lang: Lang) -> Block {
    Block::Notice(Msg::IllustrativeNotice.get(lang).to_string())
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
        out.push(say!(
            lang,
            KeyPeople,
            year = b,
            people = with_interval(&pwd, &c, lang),
            at_home = with_interval(&home, &c, lang)
        ));
    }
    if let Some(clients) = get("clients_in_care", b) {
        let actual = run
            .actual("clients_in_care", b)
            .map(|a| {
                say!(
                    lang,
                    KeyActual,
                    count = c(a.value),
                    source = data(&short_source(&a.source))
                )
            })
            .unwrap_or_default();
        out.push(say!(
            lang,
            KeyVolume,
            year = b,
            clients = with_interval(&clients, &c, lang),
            actual = actual
        ));
    }
    if let (Some(need), Some(gap)) = (get("need", b), get("need_gap", b)) {
        out.push(say!(
            lang,
            KeyNeed,
            need = with_interval(&need, &c, lang),
            gap = with_interval(&gap, &c, lang)
        ));
    }
    if let (Some(fte), Some(fte_zs)) = (get("fte_needed", b), get("fte_needed_zorgstandaard", b)) {
        out.push(say!(
            lang,
            KeyCapacity,
            fte = with_interval(&fte, &s3, lang),
            fte_zs = with_interval(&fte_zs, &s3, lang)
        ));
    }
    if let (Some(cost), Some(cost_zs)) = (get("cost_eur", b), get("cost_eur_zorgstandaard", b)) {
        out.push(say!(
            lang,
            KeyCost,
            year = b,
            cost = with_interval(&cost, &eur, lang),
            cost_zs = with_interval(&cost_zs, &eur, lang),
            price = price_level(run, lang)
        ));
    }
    if let (Some(unmet), Some(mean)) = (get("unmet_demand", h), get("waiting_list_mean", h)) {
        out.push(say!(
            lang,
            KeyUnmet,
            year = h,
            unmet = with_interval(&unmet, &c, lang),
            mean = with_interval(&mean, &c, lang)
        ));
    }
    if let (Some(fte), Some(per_year), Some(start)) = (
        get("fte_needed_zorgstandaard", h),
        get("fte_recruitment_zorgstandaard", h),
        run.manifest
            .calibration
            .as_ref()
            .map(|c| c.policy_start.clone()),
    ) {
        out.push(say!(
            lang,
            KeyRecruitment,
            horizon = h,
            fte = with_interval(&fte, &s3, lang),
            start = start,
            per_year = with_interval(&per_year, &s3, lang)
        ));
    }
    if let (Some(w0), Some(wh)) = (get("waiting_list", b), get("waiting_list", h)) {
        let middle = run
            .middle_year()
            .and_then(|y| Some((y, get("waiting_list", y)?)))
            .map(|(y, s)| {
                say!(
                    lang,
                    KeyWaitingMiddle,
                    value = with_interval(&s, &c, lang),
                    year = y
                )
            })
            .unwrap_or_default();
        let lost = get("lost_while_waiting", h)
            .map(|s| say!(lang, KeyLost, year = h, lost = with_interval(&s, &c, lang)))
            .unwrap_or_default();
        out.push(say!(
            lang,
            KeyWaiting,
            scenario = data(&run.name),
            start = c(w0[P50]),
            base = b,
            middle = middle,
            end = with_interval(&wh, &c, lang),
            horizon = h,
            lost = lost
        ));
    }
    // The Treeknorm's two halves: seen within four weeks (norm 80%), waiting over six.
    let start = outlook_start(run);
    if let (Some(w0), Some(wh), Some(o0), Some(oh)) = (
        get("share_admitted_within_4_weeks", start),
        get("share_admitted_within_4_weeks", h),
        get("share_waiting_over_norm", start),
        get("share_waiting_over_norm", h),
    ) {
        let pct = |x: f64| percent(x, lang);
        out.push(say!(
            lang,
            KeyTreeknorm,
            start = start,
            horizon = h,
            within_start = with_interval(&w0, &pct, lang),
            within_end = with_interval(&wh, &pct, lang),
            over_start = with_interval(&o0, &pct, lang),
            over_end = with_interval(&oh, &pct, lang)
        ));
    }
    out
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

fn quoted_names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| code(n)).collect();
    quoted.join(", ")
}

/// The outlook table: medians per year of the key metrics.
pub fn outlook_table(run: &RunData, lang: Lang) -> Block {
    let header = [
        Msg::ColFirstJanuary,
        Msg::ColClients,
        Msg::ColWaitingList,
        Msg::ColNeed,
        Msg::ColFteAvailable,
        Msg::ColFteNeeded,
        Msg::ColCostInYear,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let mut header = header;
    if let Some(cost) = header.last_mut() {
        *cost = format!("{cost} ({})", price_level(run, lang));
    }
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
    let labels = |keys: &[Msg]| keys.iter().map(|m| m.get(lang).to_string()).collect();
    let counts_header = labels(&[
        Msg::ColChain,
        Msg::ColPeriods,
        Msg::ColResidents65,
        Msg::ColAtHome,
        Msg::ColMeanClients,
        Msg::ColInflow,
        Msg::ColOutDied,
        Msg::ColOutInstitution,
        Msg::ColOutOther,
    ]);
    let rates_header = labels(&[
        Msg::ColChain,
        Msg::ColUptake,
        Msg::ColInflowRate,
        Msg::ColExits,
        Msg::ColDuration,
        Msg::ColCaseload,
        Msg::ColWaitingShare,
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
        counts.push(counts_row(Msg::RowTotal.get(lang).into(), p));
        rates.push(rates_row(Msg::RowPooled.get(lang).into(), p));
    }
    [
        Block::Table(counts_header, counts),
        Block::Table(rates_header, rates),
    ]
}

pub fn pooling_paragraph(run: &RunData, lang: Lang) -> Option<Block> {
    let u = run.pooling.iter().find(|r| r.rate == "uptake")?;
    let v = |k: &str| u.values.get(k).copied().unwrap_or(f64::NAN);
    let method = match run.manifest.pooling_method.as_str() {
        "reml" => "REML",
        _ => "DerSimonian–Laird",
    };
    let p = |k: &str| percent(v(k), lang);
    Some(Block::Paragraph(say!(
        lang,
        PoolingParagraph,
        k = number(v("k"), 0, lang),
        method = method,
        pooled = p("pooled"),
        ci_low = p("ci_low"),
        ci_high = p("ci_high"),
        i2 = p("i2"),
        pi_low = p("pi_low_natural"),
        pi_high = p("pi_high_natural")
    )))
}

pub fn sensitivity_table(run: &RunData, lang: Lang) -> Option<Block> {
    let h = run.horizon();
    let fte = sensitivity(run, &format!("fte_needed_{h}"));
    let waiting: BTreeMap<String, f64> = sensitivity(run, &format!("waiting_list_{h}"))
        .into_iter()
        .collect();
    if fte.is_empty() {
        return None;
    }
    let header = vec![
        "#".to_string(),
        Msg::ColUncertainInput.get(lang).to_string(),
        format!("{} {h}", Msg::ColRhoFte.get(lang)),
        format!("{} {h}", Msg::ColRhoWaiting.get(lang)),
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

pub fn method_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let m = &run.manifest;
    let med = |c: &str| run.draw(c).and_then(median);
    let p = |c: &str, d: usize| med(c).map_or("–".into(), |v| number(v, d, lang));
    let pc = |c: &str| med(c).map_or("–".into(), |v| percent(v, lang));
    let runs = [run];
    vec![
        Msg::MethodDataPhoto.get(lang).to_string(),
        Msg::MethodPooling.get(lang).to_string(),
        say!(
            lang,
            MethodNational,
            population = quoted_names(&input_names(&runs, population_file)),
            prevalence = quoted_names(&input_names(&runs, prevalence_file)),
            at_home = pc("share_at_home"),
            diagnosed = pc("diagnosed_share")
        ),
        say!(lang, MethodNeed, need = pc("need_share")),
        say!(
            lang,
            MethodProjection,
            horizon = m.horizon,
            caseload = p("caseload", 0),
            stretch = pc("caseload_stretch_max")
        ),
        match (&m.calibration, &run.hindcast) {
            (Some(c), Some(rows)) if c.calibrated => say!(
                lang,
                MethodCalibration,
                observations = rows.len(),
                start = c.policy_start
            ),
            _ => Msg::MethodNotCalibrated.get(lang).to_string(),
        },
        say!(
            lang,
            MethodCost,
            hours = p("hours_per_client_month", 2),
            tariff = med("tariff_per_hour").map_or("–".into(), |v| eur(v, lang))
        ),
        say!(
            lang,
            MethodUncertainty,
            iterations = number(m.iterations as f64, 0, lang)
        ),
    ]
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

pub fn limitations_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let k = run.chain_rows().count();
    let mut out = vec![say!(lang, LimitFewChains, k = k)];
    if run.illustrative() {
        out.push(Msg::LimitIllustrative.get(lang).to_string());
    }
    out.extend(
        [
            Msg::LimitSolidChains,
            Msg::LimitRegions,
            Msg::LimitUnpublished,
            Msg::LimitDrivers,
        ]
        .map(|m| m.get(lang).to_string()),
    );
    // Warnings and notes of the run (outliers in the inputs, pooling led by its prior): data.
    out.extend(run.manifest.notes.iter().map(|n| data(n)));
    out
}

/// The `--set` options that reproduce `overrides` (seed and iterations are given as options).
fn append_overrides(command: &mut String, overrides: &[String]) {
    for o in overrides {
        if !o.starts_with("run.seed=") && !o.starts_with("run.iterations=") {
            let _ = write!(command, " --set '{o}'");
        }
    }
}

/// One reproducibility line per file: its path and SHA-256.
fn file_bullets<'a>(files: impl Iterator<Item = &'a HashedFile>, lang: Lang) -> Vec<String> {
    files
        .map(|f| say!(lang, ReproFile, path = code(&f.path), sha = code(&f.sha256)))
        .collect()
}

pub fn reproducibility_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let m = &run.manifest;
    let mut command = format!(
        "omvang run {} --seed {} --iterations {}",
        m.scenario_file.path, m.seed, m.iterations
    );
    append_overrides(&mut command, &m.overrides);
    let mut out = vec![
        say!(
            lang,
            ReproVersion,
            version = m.omvang_version,
            path = code(&m.scenario_file.path),
            sha = code(&m.scenario_file.sha256)
        ),
        say!(
            lang,
            ReproRun,
            seed = m.seed,
            iterations = number(m.iterations as f64, 0, lang),
            base = m.base_year,
            horizon = m.horizon,
            started = m.started_at
        ),
        say!(lang, ReproCommand, command = code(&command)),
    ];
    out.extend(file_bullets(m.extends.iter().chain(&m.inputs), lang));
    out
}

/// A model value or an observation in its metric's unit: people to three significant figures
/// (observations whole, "<10" below ten), FTE to three, weeks to one decimal, shares as
/// percentages.
fn in_unit(metric: &str, x: f64, observed: bool, lang: Lang) -> String {
    match Unit::of(metric) {
        Unit::People | Unit::PeoplePerYear if observed => count_exact(x, lang),
        Unit::People | Unit::PeoplePerYear => count(x, lang),
        Unit::Weeks => number(x, 1, lang),
        Unit::Share => percent(x, lang),
        Unit::EuroPerYear => eur_millions(x, lang),
        Unit::Fte | Unit::Number if observed => number(x, sig_decimals(x, 4), lang),
        Unit::Fte | Unit::Number => sig3(x, lang),
    }
}

/// "median (low–high)" of a band.
fn band_text(band: &Band, f: &dyn Fn(f64) -> String) -> String {
    format!("{} ({}–{})", f(band[1]), f(band[0]), f(band[2]))
}

/// The file name of the hindcast chart, which the report shows in its own section.
pub const HINDCAST_CHART: &str = "hindcast";
/// Name of the chart of a backtest's forecasts from each origin.
pub const BACKTEST_CHART: &str = "backtest";

/// The file name of the chart of people with dementia beside others' projections, which the
/// report shows in their section when the run has projections.
pub const PROJECTIONS_CHART: &str = "fan_people_with_dementia";

/// A published figure as its publisher qualifies it: "ruim 500.000", "about 620,000".
fn their_figure(p: &Projection, lang: Lang) -> String {
    let value = count_exact(p.value, lang);
    match p.qualifier {
        Qualifier::Exact => value,
        Qualifier::About => say!(lang, QualifierAbout, value = value),
        Qualifier::MoreThan => say!(lang, QualifierMoreThan, value = value),
    }
}

/// "Projections by others": each published projection beside the model in its year (median and
/// 90% interval, with the prevalence trend) and the model at constant age-specific rates
/// (median); "–" where the year lies outside the run. Then the chart (figure `figure`). Empty
/// when the run has no projections.
pub fn projections_blocks(run: &RunData, lang: Lang, figure: Option<usize>) -> Vec<Block> {
    if run.projections.is_empty() {
        return Vec::new();
    }
    let trend = run
        .draw("prevalence_trend_per_decade")
        .and_then(median)
        .map_or("–".into(), |t| percent(t, lang));
    let mut out = vec![
        Block::Heading(Msg::HeadingProjections.get(lang).into()),
        Block::Paragraph(say!(
            lang,
            ProjectionsIntro,
            trend = trend,
            horizon = run.horizon()
        )),
    ];
    let header = [
        Msg::ColPublisher,
        Msg::ColYear,
        Msg::ColTheirFigure,
        Msg::ColModelTrend,
        Msg::ColModelConstantRates,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let c = |x: f64| count(x, lang);
    let rows = run
        .projections
        .iter()
        .map(|p| {
            let model = run
                .stats(&p.metric, p.year)
                .map_or("–".into(), |s| band_text(&[s[P05], s[P50], s[P95]], &c));
            let constant = run
                .stats(&format!("{}_constant_rates", p.metric), p.year)
                .map_or("–".into(), |s| c(s[P50]));
            vec![
                data(&p.publisher),
                p.year.to_string(),
                their_figure(p, lang),
                model,
                constant,
            ]
        })
        .collect();
    out.push(Block::Table(header, rows));
    out.extend(figure.map(Block::Figure));
    out
}

/// "Checked against the national record": the hindcast table, what calibration did, which
/// observations fall outside the model's band, the chart (figure `figure`), and the
/// parameters before and after calibration. Empty when the run has no hindcast.
pub fn hindcast_blocks(run: &RunData, lang: Lang, figure: Option<usize>) -> Vec<Block> {
    let Some(rows) = run.hindcast.as_ref().filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    let mut out = vec![
        Block::Heading(Msg::HeadingHindcast.get(lang).into()),
        Block::Paragraph(Msg::HindcastIntro.get(lang).into()),
    ];
    let calibrated = run.manifest.calibrated();
    out.push(Block::Paragraph(match &run.manifest.calibration {
        Some(c) if c.calibrated => say!(
            lang,
            CalibrationDone,
            particles = number(c.particles as f64, 0, lang),
            stages = c.stages,
            ess = number(c.ess, 0, lang)
        ),
        _ => Msg::CalibrationNone.get(lang).into(),
    }));
    let header = [
        Msg::ColMetric,
        Msg::ColDate,
        Msg::ColObserved,
        Msg::ColPrior,
        Msg::ColPosterior,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let table = rows
        .iter()
        .map(|r| {
            let f = |x: f64| in_unit(&r.metric, x, false, lang);
            vec![
                data(metric_label(&r.metric, lang)),
                r.date.to_string(),
                in_unit(&r.metric, r.observed, true, lang),
                band_text(&r.prior, &f),
                r.posterior
                    .as_ref()
                    .map_or("–".into(), |b| band_text(b, &f)),
            ]
        })
        .collect();
    out.push(Block::Table(header, table));
    // In words: every observation outside the band (after calibration, or the model's own).
    let outside: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let f = |x: f64| in_unit(&r.metric, x, false, lang);
            let (band, key) = match r.posterior {
                Some(b) => (b, Msg::HindcastOutsidePosterior),
                None if !calibrated => (r.prior, Msg::HindcastOutsidePrior),
                None => return None,
            };
            (r.observed < band[0] || r.observed > band[2]).then(|| {
                key.fill(
                    lang,
                    &[
                        ("metric", &data(metric_label(&r.metric, lang))),
                        ("date", &r.date),
                        ("observed", &in_unit(&r.metric, r.observed, true, lang)),
                        ("low", &f(band[0])),
                        ("high", &f(band[2])),
                    ],
                )
            })
        })
        .collect();
    if outside.is_empty() {
        out.push(Block::Paragraph(
            if calibrated {
                Msg::HindcastAllInside
            } else {
                Msg::HindcastAllInsidePrior
            }
            .get(lang)
            .into(),
        ));
    } else {
        out.push(Block::Bullets(outside));
    }
    out.extend(figure.map(Block::Figure));
    if let Some(params) = run.calibration.as_ref().filter(|p| !p.is_empty()) {
        out.push(Block::Paragraph(Msg::CalibrationIntro.get(lang).into()));
        let header = [Msg::ColParameter, Msg::ColPrior, Msg::ColPosterior]
            .map(|m| m.get(lang).to_string())
            .to_vec();
        let f = |x: f64| sig3(x, lang);
        let table = params
            .iter()
            .map(|p| {
                let label = match driver_label(&p.parameter, lang) {
                    "?" => code(&p.parameter),
                    known => known.to_string(),
                };
                vec![label, band_text(&p.prior, &f), band_text(&p.posterior, &f)]
            })
            .collect();
        out.push(Block::Table(header, table));
    }
    out
}

/// "How well does the model forecast?": what a backtest is, the coverage of the model's 90%
/// bands over every origin–observation pair, the mean interval score of the model against the
/// two naive forecasts per metric, every observation outside its band, and the chart (figure
/// `figure`). Empty without pairs.
pub fn backtest_blocks(backtest: &Backtest, lang: Lang, figure: Option<usize>) -> Vec<Block> {
    let rows = &backtest.rows;
    if rows.is_empty() {
        return Vec::new();
    }
    let all = overall(rows);
    let mut out = vec![
        Block::Heading(Msg::HeadingBacktest.get(lang).into()),
        Block::Paragraph(Msg::BacktestIntro.get(lang).into()),
        Block::Paragraph(say!(
            lang,
            BacktestCoverage,
            pairs = number(all.pairs as f64, 0, lang),
            inside = number(all.inside as f64, 0, lang),
            share = all.coverage().map_or("–".into(), |c| percent(c, lang))
        )),
        Block::Paragraph(Msg::BacktestNaive.get(lang).into()),
    ];
    let header = [
        Msg::ColMetric,
        Msg::ColForecaster,
        Msg::ColPairs,
        Msg::ColInsideBand,
        Msg::ColMeanIntervalScore,
        Msg::ColModelSamePairs,
    ]
    .map(|m| m.get(lang).to_string())
    .to_vec();
    let mut table = Vec::new();
    for s in summarise(rows) {
        let score = |t: &Tally| {
            t.mean_score()
                .map_or("–".into(), |x| in_unit(&s.metric, x, false, lang))
        };
        let share = |t: &Tally| t.coverage().map_or("–".into(), |c| percent(c, lang));
        let label = data(metric_label(&s.metric, lang));
        table.push(vec![
            label.clone(),
            Msg::ForecasterModel.get(lang).into(),
            number(s.model.pairs as f64, 0, lang),
            share(&s.model),
            score(&s.model),
            "–".into(),
        ]);
        for (name, v) in [
            (Msg::ForecasterLast, &s.last),
            (Msg::ForecasterLine, &s.line),
        ] {
            table.push(vec![
                label.clone(),
                name.get(lang).into(),
                number(v.naive.pairs as f64, 0, lang),
                share(&v.naive),
                score(&v.naive),
                score(&v.model),
            ]);
        }
    }
    out.push(Block::Table(header, table));
    let outside: Vec<String> = rows
        .iter()
        .filter(|r| !r.model.inside)
        .map(|r| {
            let f = |x: f64| in_unit(&r.metric, x, false, lang);
            say!(
                lang,
                BacktestOutside,
                metric = data(metric_label(&r.metric, lang)),
                date = r.date,
                origin = r.origin,
                observed = in_unit(&r.metric, r.observed, true, lang),
                low = f(r.model.p05),
                high = f(r.model.p95),
                median = f(r.model.median)
            )
        })
        .collect();
    if outside.is_empty() {
        out.push(Block::Paragraph(Msg::BacktestAllInside.get(lang).into()));
    } else {
        out.push(Block::Paragraph(Msg::BacktestOutsideIntro.get(lang).into()));
        out.push(Block::Bullets(outside));
    }
    out.extend(figure.map(Block::Figure));
    out
}

/// The settings of a backtest: scenario, iterations, seed and version, each origin with its
/// calibration, the command that makes it again and the hashed inputs.
pub fn backtest_settings(backtest: &Backtest, lang: Lang) -> Vec<String> {
    let m = &backtest.manifest.run;
    let d = m.description.get(lang.code()).trim().trim_end_matches('.');
    let scenario = if d.is_empty() {
        format!("**{}**", data(&m.scenario))
    } else {
        format!("**{}** ({})", data(&m.scenario), data(d))
    };
    let mut out = vec![say!(
        lang,
        BacktestSettings,
        scenario = scenario,
        iterations = number(m.iterations as f64, 0, lang),
        seed = m.seed,
        version = m.omvang_version
    )];
    for o in &backtest.manifest.origins {
        let args: [(&str, &dyn std::fmt::Display); 5] = [
            ("origin", &o.origin),
            ("observations", &o.observations),
            ("stages", &o.stages),
            ("ess", &o.ess.map_or("–".into(), |e| number(e, 0, lang))),
            ("forecasts", &o.forecasts),
        ];
        let key = if o.calibrated {
            Msg::BacktestOriginCalibrated
        } else {
            Msg::BacktestOriginPrior
        };
        out.push(key.fill(lang, &args));
    }
    let origins: Vec<&str> = backtest
        .manifest
        .origins
        .iter()
        .map(|o| o.origin.as_str())
        .collect();
    let mut command = format!(
        "omvang backtest {} --seed {} --iterations {} --origins {}",
        m.scenario_file.path,
        m.seed,
        m.iterations,
        origins.join(",")
    );
    append_overrides(&mut command, &m.overrides);
    out.push(say!(lang, ReproCommand, command = code(&command)));
    out.extend(file_bullets(
        std::iter::once(&m.scenario_file)
            .chain(&m.extends)
            .chain(&m.inputs),
        lang,
    ));
    out
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
