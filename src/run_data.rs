//! A finished run as data: the tables and draws read back from its folder, and the manifest
//! that says how it was made. The stage between the engine and everything that analyses or
//! renders a run (analysis, report, charts); it imports only the engine's own types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::{Actual, Date, Projection, RecordedNote};
use crate::model::metrics::Metric;
use crate::model::stats::Band;
use crate::scenario::Description;

/// mean, p05, p25, p50, p75, p95 (the columns of `summary.csv`).
pub type Stats = [f64; 6];
pub const P05: usize = 1;
pub const P25: usize = 2;
pub const P50: usize = 3;
pub const P75: usize = 4;
pub const P95: usize = 5;

/// The 90% band and median of a metric's stats.
pub fn band_of(stats: &Stats) -> Band {
    Band {
        low: stats[P05],
        median: stats[P50],
        high: stats[P95],
    }
}

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
    pub yearly: BTreeMap<(Metric, i32), Stats>,
    /// metric → `(year, month, stats)` in time order, from `monthly.csv`.
    pub monthly: BTreeMap<Metric, Vec<(i32, u32, Stats)>>,
    pub chains: Vec<ChainRow>,
    pub pooling: Vec<PoolingRow>,
    /// Column → one value per iteration, from `draws.parquet`.
    pub draws: BTreeMap<String, Vec<f64>>,
    pub actuals: Vec<Actual>,
    /// `projections.csv`, when the run has one: projections by others, shown beside the model.
    pub projections: Vec<Projection>,
    /// `hindcast.csv`, when the run wrote one: the model against each national observation.
    pub hindcast: Option<Vec<HindcastRow>>,
    /// `calibration.csv`, when the run wrote one: each calibrated parameter, prior and posterior.
    pub calibration: Option<Vec<CalibrationRow>>,
}

/// One row of `hindcast.csv`: a national observation beside the model on the observed scale
/// (national model value × coverage), before (prior) and after (posterior) calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct HindcastRow {
    pub metric: Metric,
    pub date: Date,
    pub observed: f64,
    pub coverage: f64,
    pub prior: Band,
    /// Absent when the run was not calibrated.
    pub posterior: Option<Band>,
    /// What the count would show: the run's model value × coverage × the observation model's
    /// error (absent in folders written before `hindcast.csv` had it).
    pub predictive: Option<Band>,
    pub source: String,
}

/// One row of `calibration.csv`: a parameter's prior and posterior median and 90% band.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationRow {
    pub parameter: String,
    pub prior: Band,
    pub posterior: Band,
}

impl RunData {
    pub fn base_year(&self) -> i32 {
        self.manifest.base_year
    }

    pub fn horizon(&self) -> i32 {
        self.manifest.horizon
    }

    /// Stats of a metric in a year.
    pub fn stats(&self, metric: Metric, year: i32) -> Option<Stats> {
        self.yearly.get(&(metric, year)).copied()
    }

    /// `(year, stats)` of a metric over every year it has.
    pub fn yearly_series(&self, metric: Metric) -> Vec<(i32, Stats)> {
        self.yearly
            .range((metric, i32::MIN)..=(metric, i32::MAX))
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
    pub fn actual(&self, metric: Metric, year: i32) -> Option<&Actual> {
        self.actuals
            .iter()
            .find(|a| a.metric == metric.as_str() && a.date.year == year)
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

/// `comparison.json`: which runs (sibling folders) a comparison report is made of; the first is
/// the reference the others are compared with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComparisonManifest {
    pub omvang_version: String,
    pub reference: String,
    pub scenarios: Vec<String>,
    pub seed: u64,
    pub iterations: usize,
}

/// An input file and its hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HashedFile {
    pub path: String,
    pub sha256: String,
}

impl HashedFile {
    /// The file's name without its folders, as readers know the data set.
    pub fn file_name(&self) -> &str {
        self.path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(self.path.as_str())
    }
}

/// `manifest.json`: how the run was made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub omvang_version: String,
    pub scenario: String,
    /// One text, or one per language (older manifests: a string).
    #[serde(default)]
    pub description: Description,
    pub scenario_file: HashedFile,
    /// Files the scenario extends, nearest first.
    pub extends: Vec<HashedFile>,
    pub overrides: Vec<String>,
    /// Population, prevalence, the chain files, then the national actuals and the projections
    /// by others (each if any): the order of `inputs::input_files`.
    pub inputs: Vec<HashedFile>,
    /// Whether `inputs` holds the national actuals file, after the chain files (older
    /// manifests: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_actuals: Option<bool>,
    /// Whether the last of `inputs` is the projections file (older manifests: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_projections: Option<bool>,
    pub seed: u64,
    pub iterations: usize,
    pub threads: usize,
    pub base_year: i32,
    pub horizon: i32,
    /// `dl` or `reml`.
    #[serde(default)]
    pub pooling_method: String,
    #[serde(default)]
    pub wait_norm_weeks: f64,
    pub started_at: String,
    pub run_seconds: f64,
    pub notes: Vec<RecordedNote>,
    /// How the iterations were calibrated to the national record (absent in older runs and
    /// counted as not calibrated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationInfo>,
}

/// The calibration of a run, as its manifest records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CalibrationInfo {
    pub calibrated: bool,
    /// Effective sample size of the last tempering stage's weights.
    pub ess: f64,
    /// Effective sample size plain importance sampling of the prior would have had.
    pub prior_ess: f64,
    pub stages: usize,
    pub particles: usize,
    /// Distinct history flow streams among the final particles.
    pub unique_histories: usize,
    /// Month the scenario's policies start (1 January of the base year = 0): the last
    /// observation of the national record.
    pub policy_start: String,
    /// The calibration was read from the calibration cache, not computed by this run (absent
    /// in older manifests and when it was computed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_cache: bool,
    /// The calibration's cache key (the SHA-256 of everything it depends on), when the run used
    /// a cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_key: Option<String>,
}

impl Manifest {
    /// The population file the run used (first of the inputs).
    pub fn population_file(&self) -> Option<&HashedFile> {
        self.inputs.first()
    }

    /// Whether the run was calibrated against the national record.
    pub fn calibrated(&self) -> bool {
        self.calibration.as_ref().is_some_and(|c| c.calibrated)
    }

    /// The overrides that change what the run computes, beyond the seed and iteration count
    /// the report states anyway, and the name.
    pub fn changes(&self) -> Vec<&str> {
        self.overrides
            .iter()
            .map(String::as_str)
            .filter(|o| {
                let key = o.split('=').next().unwrap_or("").trim();
                !matches!(key, "name" | "run.seed" | "run.iterations")
            })
            .collect()
    }

    /// The chain files the run used (after population and prevalence); `has_actuals` says, for
    /// an older manifest without `with_actuals`, whether the run read national figures.
    pub fn chain_files(&self, has_actuals: bool) -> &[HashedFile] {
        let actuals = usize::from(self.with_actuals.unwrap_or(has_actuals));
        let end = self
            .inputs
            .len()
            .saturating_sub(actuals + self.projections_count())
            .max(2.min(self.inputs.len()));
        self.inputs.get(2..end).unwrap_or(&[])
    }

    /// The national actuals file the run read, if any.
    pub fn actuals_file(&self, has_actuals: bool) -> Option<&HashedFile> {
        let end = self.inputs.len().checked_sub(self.projections_count())?;
        if self.with_actuals.unwrap_or(has_actuals) && end > 2 {
            self.inputs.get(end - 1)
        } else {
            None
        }
    }

    /// The file of projections by others the run read, if any.
    pub fn projections_file(&self) -> Option<&HashedFile> {
        (self.projections_count() == 1 && self.inputs.len() > 2)
            .then(|| self.inputs.last())
            .flatten()
    }

    /// How many of `inputs` are the projections file: 0 or 1.
    fn projections_count(&self) -> usize {
        usize::from(self.with_projections == Some(true))
    }

    /// The prevalence file the run used (second of the inputs).
    pub fn prevalence_file(&self) -> Option<&HashedFile> {
        self.inputs.get(1)
    }
}

/// One file of a run: name and content.
pub struct Artifact {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// How a forecast (the model's, or a naive one) did on one later observation: its median and
/// 90% band on the published scale, the observation's place in the predictive distribution
/// (PIT), whether the band held it, and the interval score at α = 0.1 (lower is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
    pub pit: f64,
    pub inside: bool,
    pub interval_score: f64,
}

/// One origin–observation pair of a backtest (a row of `backtest.csv`): an observation dated
/// after the origin, as forecast by the model calibrated up to the origin and by the two naive
/// forecasts (absent when the record before the origin cannot give them).
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRow {
    pub origin: Date,
    pub metric: Metric,
    pub date: Date,
    pub observed: f64,
    pub model: Score,
    /// The last observation of the metric up to the origin, carried forward.
    pub last: Option<Score>,
    /// The straight line through the last two observations of the metric up to the origin.
    pub line: Option<Score>,
    pub source: String,
}

/// One month of a backtest's fan (a row of `backtest_paths.csv`): a path metric's national
/// value as the model calibrated at `origin` saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestPath {
    pub origin: Date,
    pub metric: Metric,
    /// The first of the month the value stands for.
    pub month: Date,
    pub band: Band,
}

/// One origin of a backtest as its manifest records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BacktestOrigin {
    pub origin: String,
    /// Observations the calibration used (those dated up to the origin).
    pub observations: usize,
    /// Later observations forecast.
    pub forecasts: usize,
    pub calibrated: bool,
    pub stages: usize,
    /// Effective sample size of the last tempering stage (absent when not calibrated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ess: Option<f64>,
}

/// `manifest.json` of a backtest folder: the run manifest (version, scenario, seed, iterations,
/// hashed inputs) and the origins.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BacktestManifest {
    #[serde(flatten)]
    pub run: Manifest,
    pub origins: Vec<BacktestOrigin>,
}

/// A finished backtest: what the report, the chart and the tables are made from.
#[derive(Debug, Clone)]
pub struct Backtest {
    /// The folder's name (`<scenario>-backtest` unless named).
    pub name: String,
    pub manifest: BacktestManifest,
    /// Ordered by origin, then by date.
    pub rows: Vec<BacktestRow>,
    pub paths: Vec<BacktestPath>,
    /// The national record the model was built with (the chart's dots).
    pub actuals: Vec<Actual>,
}

impl Backtest {
    /// The origins, in order.
    pub fn origins(&self) -> Vec<Date> {
        let mut dates: Vec<Date> = self.rows.iter().map(|r| r.origin).collect();
        dates.extend(self.paths.iter().map(|p| p.origin));
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// Whether the chain data photo is illustrative (synthetic), by its file names.
    pub fn illustrative(&self) -> bool {
        self.manifest
            .run
            .inputs
            .iter()
            .any(|f| f.path.contains("illustrative") || f.path.contains("synthetic"))
    }
}
