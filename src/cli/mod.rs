//! The command line: the clap definitions and the overrides each flag stands for; `show.rs`
//! says how each command shows what the library's pipeline returns (the pipeline itself prints
//! nothing), `tools.rs` holds the commands around a run (chains, check, template, bench).

pub mod show;
pub mod tools;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use omvang::model::target::Goal;
use omvang::pipeline::{BacktestRequest, CacheChoice, RunRequest, TargetRequest};
use omvang::report::Lang;

#[derive(Parser, Debug)]
#[command(
    name = "omvang",
    version,
    about = "How much dementia case management the Netherlands needs, what it costs and where the waiting lists go",
    long_about = "omvang extrapolates the data photo (inflow and outflow) of regional dementia chains to the \
national scale with a random-effects model and a Monte Carlo simulation, and projects case-management \
volume, need under the Zorgstandaard Dementie, waiting lists, FTE and costs month by month.",
    after_help = "Examples:\n  omvang run scenarios/baseline.toml\n  omvang run scenarios/*.toml --iterations 500 --out output\n  omvang compare scenarios/baseline.toml scenarios/capaciteit-bevroren.toml\n  omvang backtest scenarios/baseline.toml --iterations 500\n  omvang target scenarios/baseline.toml --norm-by 2030\n  omvang report output/baseline --lang en\n  omvang chains data/chains/illustrative_chains.csv\n  omvang generate-chains --seed 2018 --out data/chains/illustrative_chains.csv"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one or more scenarios: pooled chain rates, Monte Carlo extrapolation and projection.
    #[command(
        after_help = "Examples:\n  omvang run scenarios/baseline.toml\n  omvang run scenarios/baseline.toml --set run.iterations=500 --set parameters.caseload=50\n  omvang run scenarios/baseline.toml --chains my_chains.csv --out results --lang en\n  omvang run scenarios/baseline.toml --set parameters.tariff_per_hour=95   # calibration from the cache\n  omvang run scenarios/baseline.toml --cache /tmp/omvang-cache\n  omvang run scenarios/baseline.toml --no-cache\n\nWrites <out>/<scenario name>/: summary.csv, monthly.csv, chains.csv, pooling.csv, draws.parquet,\nactuals.csv, manifest.json, tables.xlsx, and (unless --no-report) report.md, report.html and
charts/*.png|svg (with --lang en: tables.en.xlsx, report.en.md, report.en.html, charts/en/).
With --set (other than name=) the run is named <scenario>-<8 hex digits of the overrides>.
The calibration is kept in the cache folder and reused by any later run with the same history,
seed, iterations and input files (omvang cache --help)."
    )]
    Run(RunArgs),
    /// Run several scenarios with the same seed and iterations and write one comparison report.
    #[command(
        after_help = "Examples:\n  omvang compare scenarios/baseline.toml scenarios/capaciteit-bevroren.toml scenarios/wachtlijst-aanpak.toml\n  omvang compare scenarios/*.toml --iterations 500 --out output --lang en\n\nThe first scenario is the reference: differences are \"scenario minus reference\", paired per\niteration. Writes <out>/<scenario name>/ for every scenario (as `run` does) and\n<out>/<name>/ (default: comparison) with comparison.json, differences.csv (paired differences of\nthe key metrics per year), report.md, report.html and charts/."
    )]
    Compare {
        #[command(flatten)]
        run: RunArgs,
        /// Folder name of the comparison inside --out.
        #[arg(long, default_value = "comparison")]
        name: String,
    },
    /// Forecast from earlier dates: for each origin, calibrate on the national record up to it
    /// only, forecast every later observation, and score the forecasts against two naive ones.
    #[command(
        after_help = "Examples:\n  omvang backtest scenarios/baseline.toml\n  omvang backtest scenarios/baseline.toml --iterations 500 --origins 2021-07-01,2022-10\n  omvang backtest scenarios/baseline.toml --no-cache\n\nBy default the origins are every distinct observation date of the national record from 1 July\nof the base year on that a later observation follows (2018-07-01 to 2022-10-01 with the shipped\nrecord); each origin runs one calibration, so a backtest takes about as long as that many runs\n(the calibrations are kept in the calibration cache, as a run's are: run again, it takes seconds).\nWrites <out>/<scenario name>-backtest/ (or <out>/<name>/): backtest.csv (per origin and later\nobservation: the model's median, 90% band, PIT, inside and interval score, and the same for the\nlast value carried forward and the straight line through the last two), backtest_paths.csv,\nmanifest.json, report.md, report.html and charts/backtest.png|svg (with --lang en:\nreport.en.md, report.en.html, charts/en/). Prints a summary per metric."
    )]
    Backtest(BacktestArgs),
    /// The inverse question: how many extra case managers must start training each year from the
    /// policy start to meet the wait norm (--norm-by) or the Zorgstandaard's need (--need-by) by
    /// a year, per calibrated iteration, with its 90% interval.
    #[command(
        after_help = "Examples:\n  omvang target scenarios/baseline.toml --norm-by 2030\n  omvang target scenarios/baseline.toml --need-by 2040 --search-iterations 100\n  omvang target scenarios/behoud.toml --norm-by 2030 --lang en\n\nFor each of --search-iterations calibrated iterations (taken evenly from the scenario's), the\nleast number of extra trainees a year (on top of business as usual and the scenario's own\nlevers, constant from the policy start) that brings the national wait within the norm in the\ntarget year (the year's mean waiting list at most the norm's weeks of referrals), or the FTE at\nthe end of the target year up to what the Zorgstandaard's need asks for; found by bisection on\nthe iteration's own random numbers, to one trainee a year. Writes\n<out>/<scenario>-target-<norm|need>-<year>/ (or --name): target.csv (per iteration),\ntarget.json (median and 90% interval) and report.md (report.en.md with --lang en)."
    )]
    Target(TargetArgs),
    /// Rebuild the charts and report of a finished run (or comparison) from its files, without
    /// simulating again.
    #[command(
        after_help = "Examples:\n  omvang report output/baseline\n  omvang report output/baseline --lang en\n  omvang report output/comparison\n\nA run folder gets report.md, report.html, tables.xlsx and charts/ in Dutch, report.en.md,\nreport.en.html, tables.en.xlsx and charts/en/ in English; rebuilding one language leaves the\nother's files alone."
    )]
    Report {
        /// A folder written by `omvang run` or `omvang compare`.
        dir: PathBuf,
        /// Language of the report and chart labels.
        #[arg(long, value_enum, default_value_t = LangArg::Nl)]
        lang: LangArg,
    },
    /// Show the data photo: per-chain derived rates and the pooled estimates.
    #[command(
        after_help = "Example:\n  omvang chains data/chains/illustrative_chains.csv --out chains.csv\n\nThe columns (name, unit, meaning, required or optional, example) are described in\ndocs/chain-data.md; `omvang template chains --out my_chains.csv` writes a file to start from.\nComma- or semicolon-separated (Dutch Excel, decimal commas), UTF-8 or Windows-1252."
    )]
    Chains {
        /// Chain CSV files (columns as in docs/chain-data.md).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Scenario for population, prevalence and central parameter values.
        #[arg(long, default_value = "scenarios/baseline.toml")]
        scenario: PathBuf,
        /// Also write the table as CSV to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate input files without running: chain data, population, prevalence, actuals (told
    /// apart by their header) or a scenario (.toml) with its extends and data.
    #[command(
        after_help = "Examples:\n  omvang check my_chains.csv\n  omvang check scenarios/baseline.toml data/population/*.csv\n\nPrints what each file holds and its warnings; stops at the first error (exit code 2)."
    )]
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a template input file: the header and one example row.
    #[command(
        after_help = "Example:\n  omvang template chains --out my_chains.csv\n\nThe columns are described in docs/chain-data.md."
    )]
    Template {
        #[arg(value_enum)]
        kind: TemplateKind,
        /// Write to this file (never overwriting one); default: standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Generate an illustrative (synthetic) chain data photo from stated true parameters.
    #[command(
        after_help = "Example:\n  omvang generate-chains --seed 2018 --out data/chains/illustrative_chains.csv"
    )]
    GenerateChains {
        /// Scenario whose population, prevalence and central values convert regions to people at home.
        #[arg(long, default_value = "scenarios/baseline.toml")]
        scenario: PathBuf,
        #[arg(long, default_value_t = 2018)]
        seed: u64,
        /// Number of chains.
        #[arg(long, default_value_t = 6)]
        chains: usize,
        /// Quarters per chain (from January 2016).
        #[arg(long, default_value_t = 8)]
        quarters: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure the projection (iteration-months per second) on one thread and on all, and the
    /// calibration (histories and effective sample size per second), with scaling series in
    /// iterations and in months, and the peak memory.
    #[command(
        after_help = "Examples:\n  omvang bench scenarios/baseline.toml --iterations 10000\n  omvang bench --iterations 1000 --quick\n  omvang bench --particles 1000 --quick\n\nThe calibration is always computed (never read from the cache). The series: the projection at\n1k, 10k and 100k iterations and to 10, 20 and 40 years; the calibration at 500, 1,000 and\n2,000 particles and on the record cut after 1 and 3 years and whole."
    )]
    Bench {
        #[arg(default_value = "scenarios/baseline.toml")]
        scenario: PathBuf,
        /// Iterations of the projection.
        #[arg(long, default_value_t = 10_000)]
        iterations: usize,
        /// Particles of the calibration [default: 2000, with --quick 500].
        #[arg(long)]
        particles: Option<usize>,
        /// Skip the scaling series.
        #[arg(long)]
        quick: bool,
    },
    /// The calibration cache: where it is and what it holds, or clear it.
    #[command(
        after_help = "Examples:\n  omvang cache info\n  omvang cache clear\n  omvang cache clear --cache /tmp/omvang-cache\n\nA calibrated run keeps its calibration in the cache folder (default: $OMVANG_CACHE_DIR, else\n$XDG_CACHE_HOME/omvang, else ~/.cache/omvang; `run --cache DIR` chooses another, `--no-cache`\nnone), one <key>.calibration file per calibration. A run with the same history (any --set of a\npolicy parameter), seed, iterations and input files reads it instead of calibrating again.\nomvang clears only folders it made (marked by a .omvang-cache file), and only its own files."
    )]
    Cache {
        #[command(subcommand)]
        command: CacheCommand,
    },
    /// Print a shell completion script for omvang to stdout.
    #[command(
        after_help = "Example:\n  omvang completions bash > ~/.local/share/bash-completion/completions/omvang"
    )]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

/// Write the completion script for `shell` to stdout: generated from the clap definitions, so it
/// never falls behind a new subcommand or flag.
pub fn completions(shell: clap_complete::Shell) {
    use clap::CommandFactory;
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "omvang", &mut std::io::stdout());
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Output folder; each scenario writes <out>/<name>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Use these chain files instead of the scenario's data.chains.
    #[arg(long, num_args = 1..)]
    pub chains: Vec<PathBuf>,
    /// Override a scenario value by dotted key, e.g. run.iterations=500 or parameters.caseload=50.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress bar and no summary on stdout.
    #[arg(long)]
    pub quiet: bool,
    /// Language of the report and chart labels.
    #[arg(long, value_enum, default_value_t = LangArg::Nl)]
    pub lang: LangArg,
    /// Write only the tables, no charts or report.
    #[arg(long)]
    pub no_report: bool,
    /// Run the prior: do not calibrate the iterations to the national record (data.actuals).
    #[arg(long)]
    pub no_calibration: bool,
}

/// The options of a simulation that `run` and `backtest` share.
#[derive(clap::Args, Debug)]
pub struct SimulationArgs {
    /// Monte Carlo iterations, a backtest's particles per origin (overrides run.iterations).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Random seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Keep calibrations in this folder and reuse them: a run whose history, seed, iterations
    /// and inputs match a kept one skips its calibration [default: $OMVANG_CACHE_DIR, else
    /// $XDG_CACHE_HOME/omvang, else ~/.cache/omvang]. omvang makes and marks the folder and
    /// refuses one with files it did not make.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Calibrate every time; neither read nor write the calibration cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl SimulationArgs {
    /// `--iterations` and `--seed` as overrides, in the order they always had.
    fn overrides(&self) -> Vec<String> {
        let mut overrides = Vec::new();
        if let Some(n) = self.iterations {
            overrides.push(format!("run.iterations={n}"));
        }
        if let Some(seed) = self.seed {
            overrides.push(format!("run.seed={seed}"));
        }
        overrides
    }

    /// The cache of `--cache DIR` and `--no-cache`.
    fn cache(&self) -> CacheChoice {
        match (&self.cache, self.no_cache) {
            (_, true) => CacheChoice::Off,
            (Some(dir), false) => CacheChoice::Dir(dir.clone()),
            (None, false) => CacheChoice::Default,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct BacktestArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Origins to forecast from, comma-separated, as YYYY-MM-DD or YYYY-MM (the first of the
    /// month); default: every observation date from 1 July of the base year on.
    #[arg(long, value_delimiter = ',', value_name = "DATE,...")]
    pub origins: Vec<String>,
    /// Output folder; the backtest writes <out>/<name>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Folder name inside --out (default: <scenario name>-backtest).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Override a scenario value by dotted key, e.g. parameters.caseload=50.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// No progress and no summary on stdout.
    #[arg(long)]
    pub quiet: bool,
    /// Language of the report and chart labels.
    #[arg(long, value_enum, default_value_t = LangArg::Nl)]
    pub lang: LangArg,
}

impl BacktestArgs {
    /// The pipeline's request: the flags as overrides, as `run` orders them.
    pub fn request(&self) -> BacktestRequest {
        let mut overrides = self.simulation.overrides();
        overrides.extend(self.set.iter().cloned());
        BacktestRequest {
            scenario: self.scenario.clone(),
            overrides,
            set: self.set.clone(),
            out: self.out.clone(),
            name: self.name.clone(),
            origins: self.origins.clone(),
            threads: self.simulation.threads,
            lang: self.lang.into(),
            cache: self.simulation.cache(),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct TargetArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Meet the wait norm nationally in this year.
    #[arg(
        long,
        value_name = "YEAR",
        conflicts_with = "need_by",
        required_unless_present = "need_by"
    )]
    pub norm_by: Option<i32>,
    /// Have the FTE the Zorgstandaard's need asks for by the end of this year.
    #[arg(long, value_name = "YEAR")]
    pub need_by: Option<i32>,
    /// Calibrated iterations searched (each a bisection of about 13 projections).
    #[arg(long, default_value_t = 200)]
    pub search_iterations: usize,
    /// Output folder; the search writes <out>/<name>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Folder name inside --out (default: <scenario name>-target-<norm|need>-<year>).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Override a scenario value by dotted key, e.g. parameters.turnover_per_year=0.1.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = LangArg::Nl)]
    pub lang: LangArg,
    /// Search the prior: do not calibrate the iterations to the national record.
    #[arg(long)]
    pub no_calibration: bool,
}

impl TargetArgs {
    /// The pipeline's request: the flags as overrides, as `run` orders them.
    pub fn request(&self) -> TargetRequest {
        let mut overrides = self.simulation.overrides();
        overrides.extend(self.set.iter().cloned());
        let goal = match (self.norm_by, self.need_by) {
            (Some(year), _) => Goal::Norm { by_year: year },
            (None, Some(year)) => Goal::Need { by_year: year },
            // clap requires one of them.
            (None, None) => Goal::Norm { by_year: 2030 },
        };
        TargetRequest {
            scenario: self.scenario.clone(),
            overrides,
            goal,
            iterations: self.search_iterations,
            out: self.out.clone(),
            name: self.name.clone(),
            threads: self.simulation.threads,
            lang: self.lang.into(),
            calibrate: !self.no_calibration,
            cache: self.simulation.cache(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum CacheCommand {
    /// Show the cache folder, its entries and their size.
    Info {
        /// The cache folder (default: as for `run`).
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
    },
    /// Remove every calibration omvang kept in the cache folder; other files stay.
    Clear {
        /// The cache folder (default: as for `run`).
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum TemplateKind {
    /// A chain data photo (docs/chain-data.md).
    Chains,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LangArg {
    /// Dutch
    Nl,
    /// English
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Nl => Lang::Nl,
            LangArg::En => Lang::En,
        }
    }
}

impl RunArgs {
    /// The pipeline's request: the flags as overrides, in the order they always had.
    pub fn request(&self, comparison: Option<String>) -> RunRequest {
        let mut overrides = self.simulation.overrides();
        if !self.chains.is_empty() {
            overrides.push(chains_override(&self.chains));
        }
        overrides.extend(self.set.iter().cloned());
        RunRequest {
            scenarios: self.scenarios.clone(),
            overrides,
            set: self.set.clone(),
            out: self.out.clone(),
            threads: self.simulation.threads,
            lang: self.lang.into(),
            report: !self.no_report,
            comparison,
            calibrate: !self.no_calibration,
            cache: self.simulation.cache(),
        }
    }
}

pub fn chains_override(files: &[PathBuf]) -> String {
    let list = toml::Value::Array(
        files
            .iter()
            .map(|f| toml::Value::String(f.to_string_lossy().into_owned()))
            .collect(),
    );
    format!("data.chains={list}")
}
