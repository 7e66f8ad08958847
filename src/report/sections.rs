//! The report's main sections, each built from the run data into blocks of Markdown text: key
//! message and conclusion, outlook, data photo, pooling and sensitivity. The record's sections
//! are in `record.rs`, method and limitations in `method.rs`, sources in `sources.rs`.

use std::collections::BTreeMap;

use super::document::Block;
use super::format::{
    code, count, count_exact, data, eur_millions, number, percent, sig3, signed, signed_count,
    with_interval,
};
use super::sources::{price_level, short_source};
use super::text::{driver_label, say, Lang, Msg};
use crate::analysis::{paired_difference, sensitivity, share_below};
use crate::model::metrics::Metric;
use crate::model::pooling::PooledRate;
use crate::run_data::{ChainRow, RunData, P05, P50, P95};

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
    let (w0, wh) = (
        run.stats(Metric::WaitingList, b)?,
        run.stats(Metric::WaitingList, h)?,
    );
    let gap = run
        .stats(Metric::FteGap, h)
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
    let get = |m: Metric, y: i32| run.stats(m, y);
    let mut out = Vec::new();
    if let (Some(pwd), Some(home)) = (get(Metric::PeopleWithDementia, b), get(Metric::AtHome, b)) {
        out.push(say!(
            lang,
            KeyPeople,
            year = b,
            people = with_interval(&pwd, &c, lang),
            at_home = with_interval(&home, &c, lang)
        ));
    }
    if let Some(clients) = get(Metric::ClientsInCare, b) {
        let actual = run
            .actual(Metric::ClientsInCare, b)
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
    if let (Some(need), Some(gap)) = (get(Metric::Need, b), get(Metric::NeedGap, b)) {
        out.push(say!(
            lang,
            KeyNeed,
            need = with_interval(&need, &c, lang),
            gap = with_interval(&gap, &c, lang)
        ));
    }
    if let (Some(fte), Some(fte_zs)) = (
        get(Metric::FteNeeded, b),
        get(Metric::FteNeededZorgstandaard, b),
    ) {
        out.push(say!(
            lang,
            KeyCapacity,
            fte = with_interval(&fte, &s3, lang),
            fte_zs = with_interval(&fte_zs, &s3, lang)
        ));
    }
    if let (Some(cost), Some(cost_zs)) = (
        get(Metric::CostEur, b),
        get(Metric::CostEurZorgstandaard, b),
    ) {
        out.push(say!(
            lang,
            KeyCost,
            year = b,
            cost = with_interval(&cost, &eur, lang),
            cost_zs = with_interval(&cost_zs, &eur, lang),
            price = price_level(run, lang)
        ));
    }
    if let (Some(unmet), Some(mean)) =
        (get(Metric::UnmetDemand, h), get(Metric::WaitingListMean, h))
    {
        out.push(say!(
            lang,
            KeyUnmet,
            year = h,
            unmet = with_interval(&unmet, &c, lang),
            mean = with_interval(&mean, &c, lang)
        ));
    }
    if let (Some(fte), Some(per_year), Some(start)) = (
        get(Metric::FteNeededZorgstandaard, h),
        get(Metric::FteRecruitmentZorgstandaard, h),
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
    if let (Some(w0), Some(wh)) = (get(Metric::WaitingList, b), get(Metric::WaitingList, h)) {
        let middle = run
            .middle_year()
            .and_then(|y| Some((y, get(Metric::WaitingList, y)?)))
            .map(|(y, s)| {
                say!(
                    lang,
                    KeyWaitingMiddle,
                    value = with_interval(&s, &c, lang),
                    year = y
                )
            })
            .unwrap_or_default();
        let lost = get(Metric::LostWhileWaiting, h)
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
        get(Metric::ShareAdmittedWithinNorm, start),
        get(Metric::ShareAdmittedWithinNorm, h),
        get(Metric::ShareWaitingOverNorm, start),
        get(Metric::ShareWaitingOverNorm, h),
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
    let med = |m: Metric, y: i32| run.stats(m, y).map(|s| s[P50]);
    let rows = run
        .table_years()
        .into_iter()
        .map(|y| {
            let f = |m: Metric, fmt: &dyn Fn(f64) -> String| med(m, y).map_or("–".into(), fmt);
            vec![
                y.to_string(),
                f(Metric::ClientsInCare, &|x| count(x, lang)),
                f(Metric::WaitingList, &|x| count(x, lang)),
                f(Metric::Need, &|x| count(x, lang)),
                f(Metric::FteAvailable, &|x| sig3(x, lang)),
                f(Metric::FteNeeded, &|x| sig3(x, lang)),
                f(Metric::CostEur, &|x| eur_millions(x, lang)),
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
        r.get(PooledRate::HazardDeath.name()),
        r.get(PooledRate::HazardInstitution.name()),
        r.get(PooledRate::HazardOther.name()),
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
            pct(r, PooledRate::Uptake.name()),
            pct(r, PooledRate::InflowRate.name()),
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

/// The case managers at the horizon: headcount, FTE and the year's flows, and that their rates
/// are assumptions (nothing national is published on them). `None` without the series.
pub fn workforce_paragraph(run: &RunData, lang: Lang) -> Option<Block> {
    let h = run.horizon();
    let median = |m: Metric| run.stats(m, h).map(|s| count(s[P50], lang));
    Some(Block::Paragraph(say!(
        lang,
        WorkforceParagraph,
        year = h,
        people = median(Metric::CaseManagers)?,
        fte = median(Metric::FteAvailable)?,
        started = median(Metric::TraineesStarted)?,
        qualified = median(Metric::TraineesQualified)?,
        hires = median(Metric::Hires)?,
        leavers = median(Metric::Leavers)?
    )))
}

/// A comparison's bullet on a scenario whose case managers differ from the reference's: its
/// headcount at the horizon, the paired difference, and how often its waiting list in the middle
/// year is shorter. `None` for a scenario with the reference's workforce.
pub fn workforce_comparison(run: &RunData, reference: &RunData, lang: Lang) -> Option<String> {
    let h = reference.horizon();
    let mid = reference.middle_year()?;
    let d = paired_difference(run, reference, &format!("case_managers_{h}"))?;
    if d[P05] == 0.0 && d[P95] == 0.0 {
        return None;
    }
    let people = run.stats(Metric::CaseManagers, h)?;
    let share = share_below(run, reference, &format!("waiting_list_{mid}"))?;
    Some(say!(
        lang,
        ComparisonWorkforce,
        scenario = data(&run.name),
        people = with_interval(&people, &|x| count(x, lang), lang),
        year = h,
        diff = signed_count(d[P50], lang),
        reference = data(&reference.name),
        mid = mid,
        share = percent(share, lang)
    ))
}
