//! The report's method, limitations and reproducibility sections, worded from what the run
//! did.

use std::fmt::Write as _;

use super::format::{code, data, eur, number, percent};
use super::sources::{input_names, population_file, prevalence_file, quoted_names};
use super::text::note_text;
use super::text::{say, Lang, Msg};
use crate::analysis::median;
use crate::data::RecordedNote;
use crate::run_data::{Backtest, HashedFile, RunData};

/// What a run did, as its own data shows: the switches its method and limitations follow, so
/// that their words cannot go stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunShape {
    /// Calibrated to the national record.
    pub calibrated: bool,
    /// The regional queues differ in demand relative to capacity (`regional_spread` > 0).
    pub regions_differ: bool,
    /// Referral, capacity or leaving the list move in time (a volatility > 0).
    pub drivers_move: bool,
    /// The pooled rates are drawn with the chains' correlation (more than one chain).
    pub joint_rates: bool,
}

impl RunShape {
    pub fn of(run: &RunData) -> RunShape {
        let positive = |column: &str| run.draw(column).is_some_and(|d| d.iter().any(|&x| x > 0.0));
        RunShape {
            calibrated: run.manifest.calibrated(),
            regions_differ: positive("regional_spread"),
            drivers_move: [
                "referral_volatility",
                "capacity_volatility",
                "leave_list_volatility",
            ]
            .into_iter()
            .any(positive),
            joint_rates: run.chain_rows().count() > 1,
        }
    }
}

pub fn method_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let m = &run.manifest;
    let med = |c: &str| run.draw(c).and_then(median);
    let p = |c: &str, d: usize| med(c).map_or("–".into(), |v| number(v, d, lang));
    let pc = |c: &str| med(c).map_or("–".into(), |v| percent(v, lang));
    let runs = [run];
    let shape = RunShape::of(run);
    let draws = if shape.joint_rates {
        Msg::PoolingJointDraws
    } else {
        Msg::PoolingIndependentDraws
    };
    let regions = if shape.regions_differ {
        Msg::ProjectionRegionsDiffer
    } else {
        Msg::ProjectionRegionsEqual
    };
    let drivers = match (shape.drivers_move, shape.calibrated) {
        (false, _) => Msg::ProjectionDriversConstant,
        (true, true) => Msg::ProjectionDriversLearned,
        (true, false) => Msg::ProjectionDriversDrawn,
    };
    vec![
        Msg::MethodDataPhoto.get(lang).to_string(),
        say!(lang, MethodPooling, draws = draws.get(lang)),
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
            regions = regions.get(lang),
            drivers = drivers.get(lang),
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

pub fn limitations_bullets(run: &RunData, lang: Lang) -> Vec<String> {
    let k = run.chain_rows().count();
    let mut out = vec![say!(lang, LimitFewChains, k = k)];
    if run.illustrative() {
        out.push(Msg::LimitIllustrative.get(lang).to_string());
    }
    let shape = RunShape::of(run);
    out.push(Msg::LimitSolidChains.get(lang).to_string());
    out.push(
        if shape.regions_differ {
            Msg::LimitRegions
        } else {
            Msg::LimitRegionsEqual
        }
        .get(lang)
        .to_string(),
    );
    out.push(Msg::LimitUnpublished.get(lang).to_string());
    let counted = run.hindcast.iter().flatten().map(|r| r.date.year);
    out.push(
        match (
            shape.drivers_move,
            shape.calibrated,
            counted.clone().min(),
            counted.max(),
        ) {
            (false, _, _, _) => Msg::LimitDriversConstant.get(lang).to_string(),
            (true, true, Some(first), Some(last)) => {
                say!(lang, LimitDrivers, first = first, last = last)
            }
            (true, _, _, _) => Msg::LimitDriversPrior.get(lang).to_string(),
        },
    );
    // Warnings and notes of the run (outliers in the inputs, pooling led by its prior): data.
    out.extend(run.manifest.notes.iter().map(|n| match n {
        RecordedNote::Typed(note) => data(&note_text(note, lang)),
        RecordedNote::Sentence(s) => data(s),
    }));
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
