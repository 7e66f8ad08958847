//! Stage 1: the scenario types, validated and impossible to build invalid (run settings, data
//! files, uncertain parameters, capacity, referral, intensity). `load` reads them from TOML with
//! `extends` and `--set` overrides; `distributions` holds the parameters' distributions.

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod description;
pub mod distributions;
mod load;
mod random;
mod workforce;

pub use description::Description;
pub use load::load;
pub use random::{keyed_stream, latent_normal, normal_cdf, normal_quantile};
pub use workforce::{Ceiling, Hiring, HiringKind, WorkforcePolicy, MAX_TRAINING_MONTHS};

use distributions::Dist;

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    #[error("{path}: cannot read scenario file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("--set {arg}: {message}")]
    Override { arg: String, message: String },
    /// A problem with the command line as a whole (e.g. two scenarios with one name).
    #[error("{0}")]
    Usage(String),
}

fn invalid(path: &Path, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Most Monte Carlo iterations a run may ask for.
pub const MAX_ITERATIONS: usize = 1_000_000;
/// Furthest horizon, in years after the base year.
pub const MAX_HORIZON_YEARS: i32 = 60;
/// Base years the model can sensibly start from.
pub const BASE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;
/// Most files in an `extends` chain (the scenario itself included).
pub const MAX_EXTENDS_DEPTH: usize = 16;
/// Largest scenario file read; scenarios are a few kilobytes.
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;
/// Memory the results of one run may take before the run is refused: 2 GiB fits an analyst's
/// 8 GB laptop beside everything else (500,000 iterations to 2040 take about 1.2 GB).
pub const MAX_RESULT_BYTES: u64 = 2 << 30;
/// Longest scenario or comparison name (it becomes a folder name).
pub const MAX_NAME_CHARS: usize = 64;

/// Check that `name` can be one folder name under `--out`: letters, digits, `-`, `_` and inner
/// `.`, 1 to 64 characters. Anything else could escape `--out` or clobber it, so it is refused.
///
/// # Errors
/// What is wrong with the name and what to write instead, as one line.
pub fn check_name(name: &str) -> Result<(), String> {
    const RULE: &str =
        "use 1-64 letters, digits, '-', '_' and '.' (not first or last), e.g. \"baseline-2030\"";
    let shown = name.escape_debug();
    if name.is_empty() {
        return Err(format!("the name is empty; {RULE}"));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "\"{shown}\" contains the control character U+{:04X}; {RULE}",
            c as u32
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "\"{shown}\" is {} characters long; {RULE}",
            name.chars().count()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!("\"{shown}\" contains '{c}'; {RULE}"));
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err(format!(
            "\"{shown}\" starts or ends with '.', which would make a hidden or special folder; {RULE}"
        ));
    }
    Ok(())
}

/// The first drawn parameter that is not a finite number, with its value: a NaN or infinity
/// would silently poison every total downstream.
pub fn non_finite_parameter(draw: &ParameterDraw) -> Option<(&'static str, f64)> {
    Parameters::NAMES
        .iter()
        .zip(draw.values())
        .find(|(_, v)| !v.is_finite())
        .map(|(name, v)| (*name, v))
}

/// Estimator of the between-chain variance τ².
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum PoolingMethod {
    /// DerSimonian–Laird moment estimator.
    #[default]
    Dl,
    /// Restricted maximum likelihood (Fisher scoring).
    Reml,
}

/// A parameter as written: a number or a distribution table. Validated while deserialising,
/// so errors carry the line of the value.
#[derive(Debug, Clone)]
struct ParamSpec(Dist);

impl<'de> Deserialize<'de> for ParamSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::Value::deserialize(d)?;
        let dist = match value {
            toml::Value::Integer(i) => Dist::fixed(i as f64),
            toml::Value::Float(f) => Dist::fixed(f),
            toml::Value::Table(t) => Dist::from_table(&t),
            other => Err(format!(
                "expected a number or a distribution table such as {{ dist = \"triangular\", min = 40, mode = 50, max = 60 }}, got {}",
                other.type_str()
            )),
        };
        dist.map(ParamSpec).map_err(D::Error::custom)
    }
}

/// The distribution of a parameter left out of `[parameters]`: none (an error) unless the
/// parameter has a default, which switches its mechanism off.
macro_rules! default_dist {
    () => {
        None
    };
    ($d:expr) => {
        Some(ParamSpec(Dist::fixed($d).expect("a finite default")))
    };
}

macro_rules! parameters {
    ($( $(#[doc = $doc:literal])* $name:ident: [$lo:expr, $hi:expr] $(= $default:expr)? ),* $(,)?) => {
        #[derive(Debug, Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct ParametersFile {
            $( $name: Option<ParamSpec>, )*
        }

        /// The uncertain parameters, drawn once per iteration in this order.
        #[derive(Debug, Clone)]
        pub struct Parameters {
            $( $(#[doc = $doc])* pub $name: Dist, )*
        }

        impl Parameters {
            /// Parameter names in draw order (the columns of `draws.parquet`).
            pub const NAMES: &'static [&'static str] = &[$( stringify!($name) ),*];

            /// The distributions in draw order.
            pub fn all(&self) -> Vec<&Dist> {
                vec![$( &self.$name ),*]
            }

            fn from_file(file: ParametersFile, path: &Path) -> Result<Self, ScenarioError> {
                Ok(Parameters {
                    $( $name: {
                        let d = file.$name.or_else(|| default_dist!($($default)?)).ok_or_else(|| invalid(
                            path,
                            format!("parameters.{} is missing; add it to [parameters] (a number or a distribution)", stringify!($name)),
                        ))?.0;
                        d.check_domain($lo, $hi).map_err(|m| invalid(path, format!("parameters.{}: {m}", stringify!($name))))?;
                        d
                    }, )*
                })
            }
        }

        /// One draw of every parameter.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct ParameterDraw {
            $( $(#[doc = $doc])* pub $name: f64, )*
        }

        impl ParameterDraw {
            /// Draw every parameter of iteration `iteration`, each from its own random stream
            /// keyed by (seed, `parameters.<name>`, iteration): adding, removing or changing the
            /// distribution of one parameter leaves every other draw unchanged.
            pub fn sample(p: &Parameters, seed: u64, iteration: u64) -> Self {
                ParameterDraw { $( $name: p.$name.sample(&mut keyed_stream(
                    seed,
                    concat!("parameters.", stringify!($name)),
                    iteration,
                )), )* }
            }
            /// Every parameter at its quantile `u[i]` (in [`Parameters::NAMES`] order): how the
            /// calibration turns its latent normals into parameters.
            pub fn from_quantiles(p: &Parameters, u: &[f64]) -> Self {
                let mut u = u.iter();
                ParameterDraw { $( $name: p.$name.quantile(*u.next().expect("one uniform per parameter")), )* }
            }
            /// Every parameter at its mean.
            pub fn central(p: &Parameters) -> Self {
                ParameterDraw { $( $name: p.$name.mean(), )* }
            }
            /// Values in [`Parameters::NAMES`] order.
            pub fn values(&self) -> Vec<f64> {
                vec![$( self.$name ),*]
            }
        }
    };
}

parameters! {
    /// One multiplier on every age/sex prevalence rate (comonotone uncertainty of the rates).
    prevalence_multiplier: [0.0, 5.0],
    /// Relative change of age-specific prevalence per decade after the base year (−0.13 = −13%).
    prevalence_trend_per_decade: [-0.9, 2.0],
    /// Share of people with dementia living at home.
    share_at_home: [0.0, 1.0],
    /// Share of people with dementia at home who have a diagnosis.
    diagnosed_share: [0.0, 1.0],
    /// Share of the diagnosed at home who need case management (Zorgstandaard: 1.0).
    need_share: [0.0, 1.0],
    /// Clients per case-manager FTE at the base-year intensity mix.
    caseload: [1.0, 1000.0],
    /// Hours of case management per client per month at the base-year mix.
    hours_per_client_month: [0.0, 200.0],
    /// Euros per hour of case management (base-year euros).
    tariff_per_hour: [0.0, 10000.0],
    /// Yearly cost index (0.02 = +2% a year); 0 keeps base-year euros.
    cost_index_per_year: [-0.5, 1.0],
    /// FTE growth per year under the `growth` capacity policy.
    fte_growth_per_year: [-0.5, 2.0],
    /// How far referral moves from the observed rate to the Zorgstandaard rate (0 = not, 1 = all the way).
    zorgstandaard_fraction: [0.0, 3.0],
    /// Share of clients in intensive case management (the rest light).
    share_intensive: [0.0, 1.0],
    /// Hazard per year of leaving the waiting list for other reasons (other care, moving, giving
    /// up) at a wait as short as the norm. Left out: nobody leaves that way.
    leave_list_per_year: [0.0, 12.0] = 0.0,
    /// How much that hazard grows per month of expected wait beyond the norm (relative: 0.5 =
    /// +50% per month).
    leave_list_growth_per_month: [0.0, 10.0] = 0.0,
    /// Elasticity of referrals to the expected wait beyond the norm: referrals scale with
    /// (wait / norm)^(−elasticity). Left out: referrals do not react.
    referral_elasticity: [0.0, 3.0] = 0.0,
    /// Most that case managers stretch their caseload under pressure (0.10 = 10% more clients
    /// per FTE), reached at twice the norm wait. Left out: caseloads never stretch.
    caseload_stretch_max: [0.0, 1.0] = 0.0,
    /// Spread (sd of the log) of demand relative to capacity across the regional queues.
    /// Left out: every region is the national average.
    regional_spread: [0.0, 3.0] = 0.0,
    /// Yearly volatility (sd of the yearly change of its log) of the referral intensity: a
    /// random walk from the base year. Left out: referral intensity is constant.
    referral_volatility: [0.0, 1.0] = 0.0,
    /// Yearly volatility of capacity around its growth path (sd of the yearly change of the log
    /// of FTE beyond the growth rate). Left out: FTE follow the growth rate exactly.
    capacity_volatility: [0.0, 1.0] = 0.0,
    /// Yearly volatility of the hazard of leaving the waiting list (sd of the yearly change of
    /// its log). Left out: the hazard is constant.
    leave_list_volatility: [0.0, 3.0] = 0.0,
    /// Multiplier on the starting waiting list (the chains' waiting share × the clients on 1
    /// January of the base year). Left out: the chains' list.
    initial_waiting_scale: [0.0, 10.0] = 1.0,
    /// A published mean wait is this times the model's mean wait of the people admitted (its
    /// definition differs). Left out: the same quantity.
    mean_wait_definition_factor: [0.0, f64::INFINITY] = 1.0,
    /// Case managers leaving the role a year (other job, other role; not retirement), as a
    /// share of headcount. Left out: nobody leaves.
    turnover_per_year: [0.0, 1.0] = 0.0,
    /// Case managers retiring a year, as a share of headcount. Left out: nobody retires.
    retirement_per_year: [0.0, 0.5] = 0.0,
    /// FTE per case manager (the part-time factor).
    part_time_factor: [0.05, 1.0] = 0.75,
    /// Months of the post-HBO case-management training: trainees started now work this much later.
    training_months: [1.0, MAX_TRAINING_MONTHS as f64] = 12.0,
    /// Share of trainees who complete the training and start as case managers.
    training_completion: [0.0, 1.0] = 0.9,
    /// Share of the business-as-usual inflow that comes from training (the rest are lateral
    /// hires from district nursing).
    trained_share_of_inflow: [0.0, 1.0] = 0.5,
}

/// Where the projection's in-care stock and waiting list start.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum InitialStateSource {
    /// The base-year extrapolation from the chains (each iteration its own draw).
    #[default]
    Extrapolated,
    /// The national actuals of the base year (`data.actuals`).
    Actuals,
}

/// How case-manager FTE develops.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum FtePolicyKind {
    /// FTE stays at its level at the policy start (the last observation, else the base year).
    Fixed,
    /// FTE grows by `parameters.fte_growth_per_year`.
    #[default]
    Growth,
    /// Every region recruits towards the FTE that brings its wait to the norm (closing
    /// 1/`lag_months` of the gap a month, within its share of the maximum recruitment), never
    /// below the growth path and never shedding staff.
    FollowDemand,
}

/// The capacity policy, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityPolicy {
    pub policy: FtePolicyKind,
    /// Extra FTE during the boost.
    pub boost_fte: f64,
    /// Month index (0 = January of the base year) at which the boost starts.
    pub boost_start: usize,
    /// Boost length in months; 0 = permanent.
    pub boost_months: u32,
    pub lag_months: u32,
    /// FTE that can be recruited (or shed) per year under `follow_demand`.
    pub max_recruitment_per_year: f64,
}

/// The referral ramp towards the Zorgstandaard rate (its size is
/// `parameters.zorgstandaard_fraction`).
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    /// Month index at which the ramp starts.
    pub ramp_start: usize,
    pub ramp_years: f64,
}

/// Light and intensive case management by the same professional (building block 4).
/// Weights are relative to the base-year client: a client of weight 1.2 takes 1.2 slots.
#[derive(Debug, Clone, PartialEq)]
pub struct Intensity {
    /// Share intensive in the base year (the mix at which `caseload` was measured).
    pub base_share_intensive: f64,
    pub weight_light: f64,
    pub weight_intensive: f64,
    pub hours_weight_light: f64,
    pub hours_weight_intensive: f64,
    /// Years over which the drawn share intensive is phased in from the base-year mix, from the
    /// policy start (0 = at once).
    pub phase_years: f64,
}

impl Intensity {
    /// Mean slot weight for a share intensive.
    pub fn slot_weight(&self, share_intensive: f64) -> f64 {
        (1.0 - share_intensive) * self.weight_light + share_intensive * self.weight_intensive
    }
    /// Mean hours weight for a share intensive.
    pub fn hours_weight(&self, share_intensive: f64) -> f64 {
        (1.0 - share_intensive) * self.hours_weight_light
            + share_intensive * self.hours_weight_intensive
    }
}

/// Run settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    pub iterations: usize,
    pub seed: u64,
    pub base_year: i32,
    pub horizon: i32,
}

/// Input files, resolved relative to the scenario file that named them.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFiles {
    pub population: PathBuf,
    pub prevalence: PathBuf,
    pub chains: Vec<PathBuf>,
    pub actuals: Option<PathBuf>,
    /// Projections by others, shown beside the model (`data.projections`; never calibrated to).
    pub projections: Option<PathBuf>,
}

/// A validated scenario: everything the engine reads.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Description,
    /// The scenario file and the files it extends, child first.
    pub files: Vec<PathBuf>,
    pub run: RunSettings,
    pub data: DataFiles,
    pub pooling_method: PoolingMethod,
    /// Largest accepted |flow imbalance| of a chain, as a share of its mean clients per period.
    pub max_flow_imbalance: f64,
    pub parameters: Parameters,
    pub initial_state: InitialStateSource,
    pub wait_norm_weeks: f64,
    pub capacity: CapacityPolicy,
    pub referral: Referral,
    pub intensity: Intensity,
    /// The case-manager workforce levers (`[workforce]`).
    pub workforce: WorkforcePolicy,
}

impl Scenario {
    /// Number of months projected: January of the base year to December of the horizon.
    pub fn months(&self) -> usize {
        ((self.run.horizon - self.run.base_year + 1) * 12) as usize
    }
}
