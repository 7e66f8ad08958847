//! A scenario's inputs: loading the scenario with the memory bound on its results, reading the
//! files it names into `Inputs`, and `check`, which validates one table without a scenario.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::data::actuals::actuals_from;
use crate::data::chains::{chains_from, distant_periods};
use crate::data::population::population_from;
use crate::data::prevalence::prevalence_from;
use crate::data::projections::projections_from;
use crate::data::{
    ChainRecord, InputError, InputFormat, InputKind, Inputs, Note, Table, CHAIN_COLUMNS, OLDEST_AGE,
};
use crate::model::build::Model;
use crate::model::chains::{derive_rates, uptake_outliers};
use crate::model::simulate::result_bytes;
use crate::report::text::{format_text, note_text, Lang};
use crate::scenario::{self, Scenario, ScenarioError, MAX_RESULT_BYTES};

/// Read a scenario file with its `extends` and `--set` overrides (see `scenario::load`), then
/// check that its results fit in memory: how much one iteration keeps is the engine's business,
/// so the bound is checked here rather than in the scenario stage.
///
/// # Errors
/// A [`ScenarioError`] naming the file and what to fix.
pub fn load_scenario(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let s = scenario::load(path, overrides)?;
    let years = (s.run.horizon - s.run.base_year) as usize + 1;
    let bytes = result_bytes(s.run.iterations, years, years * 12);
    if bytes > MAX_RESULT_BYTES {
        let shown = if overrides.is_empty() && s.files.len() == 1 {
            path.to_path_buf()
        } else {
            PathBuf::from(format!("{} (after extends and --set)", path.display()))
        };
        return Err(ScenarioError::Invalid {
            path: shown,
            message: format!(
                "run.iterations = {} to run.horizon = {} would keep about {:.1} GB of results in memory (limit {} GB); use fewer iterations or a nearer horizon",
                s.run.iterations,
                s.run.horizon,
                bytes as f64 / 1e9,
                MAX_RESULT_BYTES >> 30
            ),
        });
    }
    Ok(s)
}

/// Load a scenario and read its inputs into a model ready to simulate.
///
/// # Errors
/// Scenario, input and model errors, each naming its file.
pub fn load_model(path: &Path, overrides: &[String]) -> anyhow::Result<Model> {
    let s = load_scenario(path, overrides)?;
    let inputs = read_inputs(&s)?;
    Ok(Model::build(s, &inputs)?)
}

/// Read every input a scenario names. Chain files are concatenated; a chain id may appear in
/// one file only. Notes in the result: files not written as plain UTF-8 CSV, and warnings
/// (population jumps, chain periods far from the base year).
///
/// # Errors
/// The first bad file; population cells missing for a year the run needs (every age from the
/// youngest prevalence band, at most 65, to 99, both sexes).
pub fn read_inputs(scenario: &Scenario) -> Result<Inputs, InputError> {
    let d = &scenario.data;
    let run = &scenario.run;
    let mut notes = Vec::new();
    let mut formats = Vec::new();
    let mut keep = |path: &Path, format: InputFormat, warnings: Vec<Note>| {
        if !format.is_plain() {
            notes.push(Note::ReadAs {
                file: path.display().to_string(),
                format,
            });
        }
        formats.push((path.to_path_buf(), format));
        notes.extend(warnings);
    };
    let population = population_from(&Table::read(&d.population)?)?;
    keep(&d.population, population.format, population.warnings);
    let prevalence = prevalence_from(&Table::read(&d.prevalence)?)?;
    keep(&d.prevalence, prevalence.format, prevalence.warnings);
    let (population, prevalence) = (population.value, prevalence.value);

    let youngest = prevalence
        .bands()
        .iter()
        .filter(|b| b.rate > 0.0)
        .map(|b| b.age_min)
        .min()
        .unwrap_or(65)
        .min(65);
    for year in run.base_year..=run.horizon + 1 {
        if let Some((sex, age)) = population.missing(year, youngest..=OLDEST_AGE) {
            return Err(InputError::File {
                path: d.population.clone(),
                message: format!(
                    "no row for year {year}, sex {}, age {age}; the run needs every age from {youngest} to {OLDEST_AGE} of both sexes for {} to {}: add the row",
                    sex.code(),
                    run.base_year,
                    run.horizon + 1
                ),
            });
        }
    }

    let mut chains: Vec<ChainRecord> = Vec::new();
    let mut home: HashMap<String, PathBuf> = HashMap::new();
    for path in &d.chains {
        let read = chains_from(&Table::read(path)?)?;
        for r in &read.value {
            if let Some(other) = home.get(&r.chain).filter(|p| *p != path) {
                return Err(InputError::Line {
                    path: path.clone(),
                    line: r.line,
                    message: format!(
                        "chain `{}` also appears in {}; give each chain a unique id",
                        r.chain,
                        other.display()
                    ),
                });
            }
        }
        for r in &read.value {
            home.entry(r.chain.clone()).or_insert_with(|| path.clone());
        }
        let mut warnings = read.warnings;
        warnings.extend(distant_periods(path, &read.value, run.base_year));
        keep(path, read.format, warnings);
        chains.extend(read.value);
    }
    let actuals = match &d.actuals {
        Some(p) => {
            let t = Table::read(p)?;
            keep(p, t.format(), Vec::new());
            actuals_from(&t)?
        }
        None => Vec::new(),
    };
    let projections = match &d.projections {
        Some(p) => {
            let t = Table::read(p)?;
            keep(p, t.format(), Vec::new());
            projections_from(&t)?
        }
        None => Vec::new(),
    };
    Ok(Inputs {
        population,
        prevalence,
        chains,
        actuals,
        projections,
        notes,
        formats,
    })
}

/// A note as `omvang check` prints it: the command line speaks English.
fn in_english(note: &Note) -> String {
    note_text(note, Lang::En)
}

/// What `omvang check` found in one table.
#[derive(Debug, Clone)]
pub struct Checked {
    pub kind: InputKind,
    pub format: InputFormat,
    pub rows: usize,
    /// What the table holds, in words (chains, periods, years, bands).
    pub facts: Vec<String>,
    pub warnings: Vec<String>,
}

impl fmt::Display for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} rows, {}",
            self.kind.name(),
            self.rows,
            format_text(&self.format, Lang::En)
        )?;
        for fact in &self.facts {
            write!(f, "; {fact}")?;
        }
        Ok(())
    }
}

/// Validate one table without a scenario: its kind from the header (the first kind whose
/// columns are all there), then the kind's own checks. Chain rates are derived with the
/// region's inhabitants 65+ as the base, so uptake outliers (a scale-free comparison) show.
///
/// # Errors
/// A header that fits no kind, and every error the kind's reader gives.
pub fn check_table(path: &Path) -> Result<Checked, InputError> {
    let t = Table::read(path)?;
    let kind = [
        InputKind::Chains,
        InputKind::Population,
        InputKind::Prevalence,
        InputKind::Actuals,
        InputKind::Projections,
    ]
    .into_iter()
    .find(|k| k.columns().iter().all(|c| t.columns.iter().any(|h| h == c)))
    .ok_or_else(|| InputError::File {
        path: path.to_path_buf(),
        message: format!(
            "the header ({}) fits no input omvang reads; chain data needs {} (see docs/chain-data.md), population {}, prevalence {}, actuals {}, projections {}",
            t.columns.join(", "),
            CHAIN_COLUMNS.join(", "),
            InputKind::Population.columns().join(", "),
            InputKind::Prevalence.columns().join(", "),
            InputKind::Actuals.columns().join(", "),
            InputKind::Projections.columns().join(", ")
        ),
    })?;
    let (mut facts, mut warnings) = (Vec::new(), Vec::new());
    match kind {
        InputKind::Chains => {
            let read = chains_from(&t)?;
            let records = &read.value;
            let rates = derive_rates(records, 1.0, f64::INFINITY)?;
            let first = records.iter().map(|r| r.period_start).min();
            let last = records.iter().map(|r| r.period_end).max();
            if let (Some(first), Some(last)) = (first, last) {
                facts.push(format!(
                    "{} chains, periods from {first} to {last}",
                    rates.len()
                ));
            }
            warnings.extend(read.warnings.iter().map(in_english));
            for r in rates.iter().filter(|r| r.max_period_imbalance_share > 0.05) {
                warnings.push(format!(
                    "{}: chain {}: a period's flows miss by {:.1}% of its mean clients, more than the default pooling.max_flow_imbalance (5%); a run will reject it unless the scenario allows more",
                    path.display(),
                    r.chain,
                    r.max_period_imbalance_share * 100.0
                ));
            }
            warnings.extend(uptake_outliers(&rates).as_ref().map(in_english));
        }
        InputKind::Population => {
            let read = population_from(&t)?;
            if let Some((a, b)) = read.value.year_range() {
                facts.push(format!("years {a} to {b}"));
            }
            warnings.extend(read.warnings.iter().map(in_english));
        }
        InputKind::Prevalence => {
            let read = prevalence_from(&t)?;
            let bands = read.value.bands();
            let youngest = bands.iter().map(|b| b.age_min).min().unwrap_or(0);
            let per_sex: BTreeMap<&str, usize> = bands.iter().fold(BTreeMap::new(), |mut m, b| {
                *m.entry(b.sex.code()).or_default() += 1;
                m
            });
            facts.push(format!(
                "{} bands ({}) from age {youngest}",
                bands.len(),
                per_sex
                    .iter()
                    .map(|(s, n)| format!("{n} {s}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        InputKind::Actuals => {
            let actuals = actuals_from(&t)?;
            let metrics: BTreeSet<&str> = actuals.iter().map(|a| a.metric.as_str()).collect();
            facts.push(format!(
                "{} metrics: {}",
                metrics.len(),
                metrics.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        InputKind::Projections => {
            let projections = projections_from(&t)?;
            let mut publishers: Vec<&str> = Vec::new();
            for p in &projections {
                if !publishers.contains(&p.publisher.as_str()) {
                    publishers.push(&p.publisher);
                }
            }
            let years = projections.iter().map(|p| p.year);
            if let (Some(first), Some(last)) = (years.clone().min(), years.max()) {
                facts.push(format!(
                    "{} publishers ({}), years {first} to {last}",
                    publishers.len(),
                    publishers.join(", ")
                ));
            }
        }
    }
    Ok(Checked {
        kind,
        format: t.format(),
        rows: t.rows(),
        facts,
        warnings,
    })
}

/// Paths of every input file of a scenario, for the manifest: population, prevalence, the chain
/// files, the national actuals and the projections by others (the last two when named).
pub fn input_files(scenario: &Scenario) -> Vec<PathBuf> {
    let d = &scenario.data;
    let mut files = vec![d.population.clone(), d.prevalence.clone()];
    files.extend(d.chains.iter().cloned());
    files.extend(d.actuals.iter().cloned());
    files.extend(d.projections.iter().cloned());
    files
}
