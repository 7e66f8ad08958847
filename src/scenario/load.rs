//! Loading a scenario: the TOML file format (every field optional so a child overrides only what
//! differs), `extends` chains, `--set` overrides, bounds and names, resolved into a `Scenario`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::*;

// ---------------------------------------------------------------------------------------------
// The file format. Every field is optional so that a child scenario can override only what
// differs; defaults are filled in one place, `resolve`.

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: Option<String>,
    description: Option<Description>,
    extends: Option<String>,
    run: Option<RunFile>,
    data: Option<DataFile>,
    pooling: Option<PoolingFile>,
    parameters: Option<ParametersFile>,
    projection: Option<ProjectionFile>,
    capacity: Option<CapacityFile>,
    referral: Option<ReferralFile>,
    intensity: Option<IntensityFile>,
    workforce: Option<super::workforce::WorkforceFile>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RunFile {
    iterations: Option<usize>,
    seed: Option<u64>,
    base_year: Option<i32>,
    horizon: Option<i32>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DataFile {
    population: Option<String>,
    prevalence: Option<String>,
    chains: Option<Vec<String>>,
    actuals: Option<String>,
    projections: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PoolingFile {
    method: Option<PoolingMethod>,
    max_flow_imbalance: Option<f64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProjectionFile {
    initial_state: Option<InitialStateSource>,
    wait_norm_weeks: Option<f64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CapacityFile {
    policy: Option<FtePolicyKind>,
    boost_fte: Option<f64>,
    boost_start: Option<String>,
    boost_months: Option<u32>,
    lag_months: Option<u32>,
    max_recruitment_per_year: Option<f64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReferralFile {
    ramp_start: Option<String>,
    ramp_years: Option<f64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IntensityFile {
    base_share_intensive: Option<f64>,
    weight_light: Option<f64>,
    weight_intensive: Option<f64>,
    hours_weight_light: Option<f64>,
    hours_weight_intensive: Option<f64>,
    phase_years: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// Loading.

/// Read a scenario file, follow `extends`, apply `--set` overrides (`key.path=value`, values in
/// TOML syntax; bare words are strings) and validate.
///
/// # Errors
/// A [`ScenarioError`] naming the file and line, or the override, and what to fix.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let mut files = Vec::new();
    let mut seen = Vec::new();
    let mut table = load_table(path, &mut files, &mut seen)?;
    for arg in overrides {
        apply_override(&mut table, arg)?;
    }
    check_overrides(&table, overrides)?;
    let merged_name = if overrides.is_empty() && files.len() == 1 {
        path.to_path_buf()
    } else {
        PathBuf::from(format!("{} (after extends and --set)", path.display()))
    };
    let file: ScenarioFile = table
        .clone()
        .try_into()
        .map_err(|e: toml::de::Error| invalid(&merged_name, one_line(&e.to_string())))?;
    if file.name.is_none() {
        // The file's stem becomes the folder name: it has to be as safe as a written name.
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        check_name(&stem).map_err(|m| {
            invalid(
                path,
                format!("the scenario has no `name`, so its file name is used: {m}; add name = \"...\" to the file"),
            )
        })?;
        return resolve(file, stem, files, &merged_name);
    }
    resolve(file, String::new(), files, &merged_name)
}

/// An override whose value has the wrong type fails only when the merged table is read, where
/// toml knows neither the key nor the line: try each override alone to name it and its reason.
fn check_overrides(table: &toml::Table, overrides: &[String]) -> Result<(), ScenarioError> {
    if toml::Value::Table(table.clone())
        .try_into::<ScenarioFile>()
        .is_ok()
    {
        return Ok(());
    }
    for arg in overrides {
        let mut alone = toml::Table::new();
        apply_override(&mut alone, arg)?;
        // Through text, not `Value::try_into`: only the text deserialiser keeps the reason.
        let text = toml::to_string(&alone).unwrap_or_default();
        if let Err(e) = toml::from_str::<ScenarioFile>(&text) {
            let key = arg.split_once('=').map_or(arg.as_str(), |(k, _)| k.trim());
            // The line and column are of the generated text, which the user never saw.
            let message = one_line(&e.to_string());
            let reason = match message.split_once(": ") {
                Some((loc, rest)) if loc.starts_with("line ") => rest.to_string(),
                _ => message,
            };
            return Err(ScenarioError::Override {
                arg: arg.clone(),
                message: format!(
                    "{reason} (key `{key}`); check the key's spelling and the value's type against scenarios/baseline.toml"
                ),
            });
        }
    }
    Ok(())
}

fn one_line(s: &str) -> String {
    // toml's messages span several lines with a caret diagram; keep the location and the message.
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let location = lines
        .iter()
        .find(|l| l.starts_with("TOML parse error at"))
        .map(|l| l.trim_start_matches("TOML parse error at ").to_string());
    let message = lines
        .iter()
        .rev()
        .find(|l| {
            !l.starts_with('|')
                && !l.starts_with("TOML parse error")
                && !l
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ' ' || c == '|' || c == '^')
        })
        .copied()
        .unwrap_or(s.trim());
    match location {
        Some(loc) => format!("{loc}: {message}"),
        None => message.to_string(),
    }
}

/// Read a scenario file that must be a regular file of sane size: a device such as `/dev/zero`
/// or a huge file would hang or exhaust memory.
fn read_scenario_text(path: &Path) -> Result<String, ScenarioError> {
    use std::io::Read;
    let read_err = |source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(invalid(
            path,
            "is not a regular file; give a scenario .toml file",
        ));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(invalid(
            path,
            format!(
                "is {} bytes, more than a scenario file can be ({MAX_SCENARIO_BYTES} bytes); give a scenario .toml file",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    String::from_utf8(bytes).map_err(|e| {
        invalid(
            path,
            format!(
                "is not UTF-8 text (byte {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn load_table(
    path: &Path,
    files: &mut Vec<PathBuf>,
    seen: &mut Vec<PathBuf>,
) -> Result<toml::Table, ScenarioError> {
    // Cycles are found on canonical paths: `a.toml` and `./x/../a.toml` are one file.
    let canonical = std::fs::canonicalize(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if seen.contains(&canonical) {
        return Err(invalid(
            path,
            "`extends` forms a cycle (this file extends itself through the chain); remove one of the links",
        ));
    }
    if files.len() >= MAX_EXTENDS_DEPTH {
        return Err(invalid(
            path,
            format!("`extends` is nested more than {MAX_EXTENDS_DEPTH} files deep; extend a scenario nearer the base"),
        ));
    }
    seen.push(canonical);
    files.push(path.to_path_buf());
    let text = read_scenario_text(path)?;
    // Deserialising the file on its own gives unknown keys and bad distributions with their line.
    let own: ScenarioFile =
        toml::from_str(&text).map_err(|e| invalid(path, one_line(&e.to_string())))?;
    let mut table: toml::Table =
        toml::from_str(&text).map_err(|e| invalid(path, one_line(&e.to_string())))?;
    if let Some(name) = &own.name {
        check_name(name).map_err(|m| invalid(path, format!("name: {m}")))?;
    }
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    relocate_data_paths(&mut table, &dir);
    match own.extends {
        None => Ok(table),
        Some(parent) => {
            let parent_path = dir.join(parent);
            let mut base = load_table(&parent_path, files, seen)?;
            // A child is its own scenario: its name never comes from the parent.
            base.remove("name");
            table.remove("extends");
            merge(&mut base, table, false);
            Ok(base)
        }
    }
}

/// Data paths are relative to the file that names them; make them relative to the working
/// directory before files are merged.
fn relocate_data_paths(table: &mut toml::Table, dir: &Path) {
    let Some(toml::Value::Table(data)) = table.get_mut("data") else {
        return;
    };
    for (_, value) in data.iter_mut() {
        match value {
            toml::Value::String(s) => *s = dir.join(&*s).to_string_lossy().into_owned(),
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::String(s) = item {
                        *s = dir.join(&*s).to_string_lossy().into_owned();
                    }
                }
            }
            _ => {}
        }
    }
}

/// Deep merge of `child` into `base`; a parameter (number or distribution table) is replaced
/// whole, so a child can swap a triangular for a beta without leftovers.
fn merge(base: &mut toml::Table, child: toml::Table, in_parameters: bool) {
    for (key, value) in child {
        match (base.get_mut(&key), value) {
            // A description is replaced whole: a child's Dutch text must not keep the
            // parent's English one, which describes another scenario.
            (Some(toml::Value::Table(b)), toml::Value::Table(c))
                if !in_parameters && key != "description" =>
            {
                merge(b, c, key == "parameters");
            }
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

fn apply_override(table: &mut toml::Table, arg: &str) -> Result<(), ScenarioError> {
    let err = |message: String| ScenarioError::Override {
        arg: arg.to_string(),
        message,
    };
    let (key, raw) = arg
        .split_once('=')
        .ok_or_else(|| err("expected KEY=VALUE, e.g. --set run.iterations=500".into()))?;
    let parts: Vec<&str> = key.trim().split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(err("the key is empty or has an empty part".into()));
    }
    let raw = raw.trim();
    let value: toml::Value = match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t.remove("v").expect("just parsed"),
        Err(_) => toml::Value::String(raw.to_string()),
    };
    if parts == ["name"] {
        match &value {
            toml::Value::String(name) => check_name(name).map_err(err)?,
            other => {
                return Err(err(format!(
                    "name must be text, got {}; e.g. --set name=baseline-2030",
                    other.type_str()
                )))
            }
        }
    }
    let mut node = table;
    for part in &parts[..parts.len() - 1] {
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        node = match entry {
            toml::Value::Table(t) => t,
            _ => {
                // A number parameter being refined into a table, e.g. caseload=50 then caseload.mode=...
                return Err(err(format!(
                    "`{part}` is not a table; set the whole value instead, e.g. --set {}={{ dist = \"triangular\", min = 40, mode = 50, max = 60 }}",
                    parts[..parts.len() - 1].join(".")
                )));
            }
        };
    }
    node.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

fn resolve(
    file: ScenarioFile,
    stem: String,
    files: Vec<PathBuf>,
    path: &Path,
) -> Result<Scenario, ScenarioError> {
    let run = file.run.unwrap_or_default();
    let base_year = run.base_year.unwrap_or(2018);
    if !BASE_YEARS.contains(&base_year) {
        return Err(invalid(
            path,
            format!(
                "run.base_year = {base_year} is outside {}-{}; give the year the chain data describe, e.g. 2018",
                BASE_YEARS.start(),
                BASE_YEARS.end()
            ),
        ));
    }
    let horizon = run.horizon.unwrap_or(2040);
    // i64: a horizon near i32::MAX must not overflow the difference.
    let span = i64::from(horizon) - i64::from(base_year);
    if !(0..=i64::from(MAX_HORIZON_YEARS)).contains(&span) {
        return Err(invalid(
            path,
            format!(
                "run.horizon = {horizon} must lie from run.base_year ({base_year}) to {} years after it ({}); choose a year in that range",
                MAX_HORIZON_YEARS,
                base_year + MAX_HORIZON_YEARS
            ),
        ));
    }
    let iterations = run.iterations.unwrap_or(2000);
    if !(1..=MAX_ITERATIONS).contains(&iterations) {
        return Err(invalid(
            path,
            format!(
                "run.iterations = {iterations} must lie from 1 to {MAX_ITERATIONS}; 2000 gives stable 90% intervals"
            ),
        ));
    }
    let data = file.data.unwrap_or_default();
    let need = |v: Option<String>, key: &str| {
        v.map(PathBuf::from).ok_or_else(|| {
            invalid(
                path,
                format!("data.{key} is missing; name the file in [data]"),
            )
        })
    };
    let data = DataFiles {
        population: need(data.population, "population")?,
        prevalence: need(data.prevalence, "prevalence")?,
        chains: data
            .chains
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                invalid(
                    path,
                    "data.chains is missing or empty; list at least one chain CSV",
                )
            })?
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        actuals: data.actuals.map(PathBuf::from),
        projections: data.projections.map(PathBuf::from),
    };
    let pooling = file.pooling.unwrap_or_default();
    let max_flow_imbalance = pooling.max_flow_imbalance.unwrap_or(0.05);
    if max_flow_imbalance.is_nan() || max_flow_imbalance < 0.0 {
        return Err(invalid(path, "pooling.max_flow_imbalance must be >= 0"));
    }
    let parameters = Parameters::from_file(file.parameters.unwrap_or_default(), path)?;
    let projection = file.projection.unwrap_or_default();
    let wait_norm_weeks = projection.wait_norm_weeks.unwrap_or(6.0);
    if wait_norm_weeks.is_nan() || wait_norm_weeks <= 0.0 {
        return Err(invalid(path, "projection.wait_norm_weeks must be > 0"));
    }
    let initial_state = projection.initial_state.unwrap_or_default();
    if initial_state == InitialStateSource::Actuals && data.actuals.is_none() {
        return Err(invalid(
            path,
            "projection.initial_state = \"actuals\" needs data.actuals",
        ));
    }
    let month = |s: Option<String>, key: &str, default: usize| -> Result<usize, ScenarioError> {
        match s {
            None => Ok(default),
            Some(s) => month_index(&s, base_year).map_err(|m| invalid(path, format!("{key}: {m}"))),
        }
    };
    let cap = file.capacity.unwrap_or_default();
    let capacity = CapacityPolicy {
        policy: cap.policy.unwrap_or_default(),
        boost_fte: cap.boost_fte.unwrap_or(0.0),
        boost_start: month(cap.boost_start, "capacity.boost_start", 0)?,
        boost_months: cap.boost_months.unwrap_or(0),
        lag_months: cap.lag_months.unwrap_or(6),
        max_recruitment_per_year: cap.max_recruitment_per_year.unwrap_or(100.0),
    };
    if !(capacity.boost_fte.is_finite() && capacity.boost_fte >= 0.0) {
        return Err(invalid(path, "capacity.boost_fte must be >= 0"));
    }
    if capacity.max_recruitment_per_year.is_nan() || capacity.max_recruitment_per_year < 0.0 {
        return Err(invalid(
            path,
            "capacity.max_recruitment_per_year must be >= 0",
        ));
    }
    let workforce = super::workforce::resolve(
        file.workforce,
        capacity.policy,
        capacity.max_recruitment_per_year,
        capacity.lag_months,
        path,
    )?;
    let referral = file.referral.unwrap_or_default();
    let referral = Referral {
        ramp_start: month(referral.ramp_start, "referral.ramp_start", 12)?,
        ramp_years: referral.ramp_years.unwrap_or(5.0),
    };
    if referral.ramp_years.is_nan() || referral.ramp_years < 0.0 {
        return Err(invalid(path, "referral.ramp_years must be >= 0"));
    }
    let i = file.intensity.unwrap_or_default();
    let intensity = Intensity {
        base_share_intensive: i.base_share_intensive.unwrap_or(0.0),
        weight_light: i.weight_light.unwrap_or(1.0),
        weight_intensive: i.weight_intensive.unwrap_or(1.0),
        hours_weight_light: i.hours_weight_light.unwrap_or(1.0),
        hours_weight_intensive: i.hours_weight_intensive.unwrap_or(1.0),
        phase_years: i.phase_years.unwrap_or(0.0),
    };
    if !(intensity.phase_years.is_finite() && (0.0..=60.0).contains(&intensity.phase_years)) {
        return Err(invalid(
            path,
            "intensity.phase_years must lie in [0, 60] (years over which the new mix is phased in)",
        ));
    }
    if !(0.0..=1.0).contains(&intensity.base_share_intensive) {
        return Err(invalid(
            path,
            "intensity.base_share_intensive must lie in [0, 1]",
        ));
    }
    for (key, w) in [
        ("weight_light", intensity.weight_light),
        ("weight_intensive", intensity.weight_intensive),
        ("hours_weight_light", intensity.hours_weight_light),
        ("hours_weight_intensive", intensity.hours_weight_intensive),
    ] {
        if !(w > 0.0 && w.is_finite()) {
            return Err(invalid(path, format!("intensity.{key} must be > 0")));
        }
    }
    Ok(Scenario {
        name: file.name.unwrap_or(stem),
        description: file.description.unwrap_or_default(),
        files,
        run: RunSettings {
            iterations,
            seed: run.seed.unwrap_or(1),
            base_year,
            horizon,
        },
        data,
        pooling_method: pooling.method.unwrap_or_default(),
        max_flow_imbalance,
        parameters,
        initial_state,
        wait_norm_weeks,
        capacity,
        referral,
        intensity,
        workforce,
    })
}

/// `YYYY-MM` or `YYYY` (= January) to a month index from January of the base year. Months after
/// the horizon are allowed: what starts then never happens within the run.
fn month_index(s: &str, base_year: i32) -> Result<usize, String> {
    let (y, m) = match s.split_once('-') {
        Some((y, m)) => (y.parse::<i32>(), m.parse::<u32>()),
        None => (s.parse::<i32>(), Ok(1)),
    };
    match (y, m) {
        (Ok(y), Ok(m)) if (1..=12).contains(&m) && (base_year..=9999).contains(&y) => {
            Ok(((y - base_year) * 12) as usize + (m - 1) as usize)
        }
        _ => Err(format!(
            "expected a month \"YYYY-MM\" from {base_year}-01 on, got \"{s}\""
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_index_parses_months_and_years() {
        assert_eq!(month_index("2018-01", 2018), Ok(0));
        assert_eq!(month_index("2019-03", 2018), Ok(14));
        assert_eq!(month_index("2020", 2018), Ok(24));
        assert!(month_index("2017-12", 2018).is_err());
        assert!(month_index("2019-13", 2018).is_err());
        assert!(month_index("soon", 2018).is_err());
    }

    #[test]
    fn merge_replaces_parameters_whole() {
        let mut base: toml::Table = toml::from_str(
            "[parameters]\ncaseload = { dist = 'triangular', min = 40, mode = 50, max = 60 }\n[run]\nseed = 1\niterations = 5",
        )
        .unwrap();
        let child: toml::Table = toml::from_str(
            "[parameters]\ncaseload = { dist = 'normal', mean = 50, sd = 2 }\n[run]\nseed = 2",
        )
        .unwrap();
        merge(&mut base, child, false);
        let c = &base["parameters"]["caseload"];
        assert!(c.get("min").is_none());
        assert_eq!(base["run"]["seed"].as_integer(), Some(2));
        assert_eq!(base["run"]["iterations"].as_integer(), Some(5));
    }

    #[test]
    fn override_parses_toml_values_and_bare_strings() {
        let mut t = toml::Table::new();
        apply_override(&mut t, "run.iterations=500").unwrap();
        apply_override(&mut t, "pooling.method=reml").unwrap();
        apply_override(
            &mut t,
            "parameters.caseload={ dist = 'normal', mean = 50, sd = 2 }",
        )
        .unwrap();
        assert_eq!(t["run"]["iterations"].as_integer(), Some(500));
        assert_eq!(t["pooling"]["method"].as_str(), Some("reml"));
        assert!(t["parameters"]["caseload"].is_table());
        assert!(apply_override(&mut t, "noequals").is_err());
    }
}
