//! The command line: the clap definitions, the overrides each flag stands for, and how each
//! command shows what the library's pipeline returns (the pipeline itself prints nothing).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use omvang::data as inputs;
use omvang::model::simulate::{self, Model};
use omvang::model::synthetic;
use omvang::output as outputs;
use omvang::pipeline::{
    self, load_model, BacktestRequest, BacktestWritten, Event, RunRequest, Written,
};
use omvang::report::Lang;
use omvang::scenario;

#[derive(Parser, Debug)]
#[command(
    name = "omvang",
    version,
    about = "How much dementia case management the Netherlands needs, what it costs and where the waiting lists go",
    long_about = "omvang extrapolates the data photo (inflow and outflow) of regional dementia chains to the \
national scale with a random-effects model and a Monte Carlo simulation, and projects case-management \
volume, need under the Zorgstandaard Dementie, waiting lists, FTE and costs month by month.",
    after_help = "Examples:\n  omvang run scenarios/baseline.toml\n  omvang run scenarios/*.toml --iterations 500 --out output\n  omvang compare scenarios/baseline.toml scenarios/capaciteit-bevroren.toml\n  omvang backtest scenarios/baseline.toml --iterations 500\n  omvang report output/baseline --lang en\n  omvang chains data/chains/illustrative_chains.csv\n  omvang generate-chains --seed 2018 --out data/chains/illustrative_chains.csv"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one or more scenarios: pooled chain rates, Monte Carlo extrapolation and projection.
    #[command(
        after_help = "Examples:\n  omvang run scenarios/baseline.toml\n  omvang run scenarios/baseline.toml --set run.iterations=500 --set parameters.caseload=50\n  omvang run scenarios/baseline.toml --chains my_chains.csv --out results --lang en\n\nWrites <out>/<scenario name>/: summary.csv, monthly.csv, chains.csv, pooling.csv, draws.parquet,\nactuals.csv, manifest.json, tables.xlsx, and (unless --no-report) report.md, report.html and
charts/*.png|svg (with --lang en: tables.en.xlsx, report.en.md, report.en.html, charts/en/).
With --set (other than name=) the run is named <scenario>-<8 hex digits of the overrides>."
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
        after_help = "Examples:\n  omvang backtest scenarios/baseline.toml\n  omvang backtest scenarios/baseline.toml --iterations 500 --origins 2021-07-01,2022-10\n\nBy default the origins are every distinct observation date of the national record from 1 July\nof the base year on that a later observation follows (2018-07-01 to 2022-10-01 with the shipped\nrecord); each origin runs one calibration, so a backtest takes about as long as that many runs.\nWrites <out>/<scenario name>-backtest/ (or <out>/<name>/): backtest.csv (per origin and later\nobservation: the model's median, 90% band, PIT, inside and interval score, and the same for the\nlast value carried forward and the straight line through the last two), backtest_paths.csv,\nmanifest.json, report.md, report.html and charts/backtest.png|svg (with --lang en:\nreport.en.md, report.en.html, charts/en/). Prints a summary per metric."
    )]
    Backtest(BacktestArgs),
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
        /// Chain CSV files (columns as in DESIGN.md §2).
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
    /// Measure simulation throughput (iteration-months per second) on one thread and on all,
    /// with a scaling series in iterations and in horizon, and the peak memory.
    #[command(after_help = "Example:\n  omvang bench scenarios/baseline.toml --iterations 10000")]
    Bench {
        #[arg(default_value = "scenarios/baseline.toml")]
        scenario: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        iterations: usize,
        /// Skip the scaling series (1k, 10k, 100k iterations; 10, 20, 40 years).
        #[arg(long)]
        quick: bool,
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
    /// Monte Carlo iterations (overrides run.iterations).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Random seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
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
    /// Iterations (particles) per origin (overrides run.iterations).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Random seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
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
        let mut overrides = Vec::new();
        if let Some(n) = self.iterations {
            overrides.push(format!("run.iterations={n}"));
        }
        if let Some(seed) = self.seed {
            overrides.push(format!("run.seed={seed}"));
        }
        overrides.extend(self.set.iter().cloned());
        BacktestRequest {
            scenario: self.scenario.clone(),
            overrides,
            set: self.set.clone(),
            out: self.out.clone(),
            name: self.name.clone(),
            origins: self.origins.clone(),
            threads: self.threads,
            lang: self.lang.into(),
        }
    }
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
        let mut overrides = Vec::new();
        if let Some(n) = self.iterations {
            overrides.push(format!("run.iterations={n}"));
        }
        if let Some(seed) = self.seed {
            overrides.push(format!("run.seed={seed}"));
        }
        if !self.chains.is_empty() {
            overrides.push(chains_override(&self.chains));
        }
        overrides.extend(self.set.iter().cloned());
        RunRequest {
            scenarios: self.scenarios.clone(),
            overrides,
            set: self.set.clone(),
            out: self.out.clone(),
            threads: self.threads,
            lang: self.lang.into(),
            report: !self.no_report,
            comparison,
            calibrate: !self.no_calibration,
        }
    }
}

/// The CLI's observer of a run: notes and warnings on stderr, a progress bar on a terminal, key
/// figures on stdout (unless quiet).
pub fn observer(quiet: bool) -> impl Fn(Event<'_>) + Sync {
    let bar: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);
    move |event| match event {
        Event::Warning(text) => eprintln!("warning: {text}"),
        Event::Note { scenario, note } => eprintln!("note: {scenario}: {note}"),
        Event::Waiting(lock) => say_waiting(lock),
        Event::Calibrating {
            scenario,
            stage,
            temperature,
            ess,
            acceptance,
            history_acceptance,
            steps,
        } => {
            if !quiet {
                eprintln!(
                    "{scenario}: calibration stage {stage}, temperature {temperature:.3}, effective sample size {ess:.0}, moves accepted {:.0}% / {:.0}% (latent / flows), {steps} steps",
                    100.0 * acceptance,
                    100.0 * history_acceptance
                );
            }
        }
        Event::Simulating {
            scenario,
            iterations,
        } => {
            if !quiet && std::io::stderr().is_terminal() {
                let b = indicatif::ProgressBar::new(iterations as u64);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{prefix} [{bar:40}] {pos}/{len} iterations ({eta})",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                b.set_prefix(scenario.to_string());
                *bar.lock().expect("bar") = Some(b);
            }
        }
        Event::Iteration { done, of } => {
            if done % 16 == 0 || done == of {
                if let Some(b) = bar.lock().expect("bar").as_ref() {
                    b.set_position(done as u64);
                }
            }
        }
        Event::Simulated => {
            if let Some(b) = bar.lock().expect("bar").take() {
                b.finish_and_clear();
            }
        }
        Event::Written(w) => {
            if !quiet {
                show_written(w);
            }
        }
        Event::Compared { scenarios, dir } => {
            if !quiet {
                println!(
                    "comparison of {} -> {}",
                    scenarios.join(", "),
                    dir.display()
                );
            }
        }
        Event::BacktestOrigin {
            scenario,
            index,
            of,
            origin,
            observations,
        } => {
            if !quiet {
                eprintln!(
                    "{scenario}: backtest origin {index} of {of} ({origin}): calibrating on {observations} observations"
                );
            }
        }
        Event::Backtested(w) => {
            if !quiet {
                show_backtest(w);
            }
        }
    }
}

/// A score with about three significant figures, whatever its unit.
fn short(x: Option<f64>) -> String {
    match x {
        Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) if x.abs() >= 10.0 => format!("{x:.1}"),
        Some(x) => format!("{x:.2}"),
        None => "-".into(),
    }
}

/// The backtest's folder, the coverage of the model's bands, and per metric the model and the
/// two naive forecasts: pairs, share inside the 90% band, mean interval score (and the model's
/// over the same pairs).
fn show_backtest(w: &BacktestWritten) {
    let share = |t: &omvang::analysis::backtest::Tally| {
        t.coverage()
            .map_or("-".into(), |c| format!("{:.0}%", 100.0 * c))
    };
    println!(
        "{}: backtest from {} origin(s) ({} iterations, seed {}, {:.1} s) -> {}",
        w.scenario,
        w.origins.len(),
        w.iterations,
        w.seed,
        w.seconds,
        w.dir.display()
    );
    println!(
        "  90% bands of the model hold {} of {} observations ({})",
        w.overall.inside,
        w.overall.pairs,
        share(&w.overall)
    );
    println!(
        "  {:<22} {:<14} {:>5} {:>7} {:>14} {:>14}",
        "metric", "forecast", "pairs", "inside", "interval score", "model on same"
    );
    for s in &w.summary {
        let rows = [
            ("model", &s.model, None),
            ("last value", &s.last.naive, Some(&s.last.model)),
            ("straight line", &s.line.naive, Some(&s.line.model)),
        ];
        for (i, (name, t, model)) in rows.into_iter().enumerate() {
            println!(
                "  {:<22} {:<14} {:>5} {:>7} {:>14} {:>14}",
                if i == 0 { s.metric.as_str() } else { "" },
                name,
                t.pairs,
                share(t),
                short(t.mean_score()),
                model.map_or(String::new(), |m| short(m.mean_score()))
            );
        }
    }
    println!(
        "  report: {}",
        w.dir
            .join(omvang::report::file_name(w.lang, "report", "html"))
            .display()
    );
}

/// Said once when another omvang run holds the output folder's lock.
pub fn say_waiting(lock: &Path) {
    eprintln!(
        "waiting for another omvang run that holds {}",
        lock.display()
    );
}

fn show_written(w: &Written) {
    println!(
        "{} ({} iterations, seed {}, {:.1} s) -> {}",
        w.scenario,
        w.iterations,
        w.seed,
        w.seconds,
        w.dir.display()
    );
    for (metric, year, [low, mid, high]) in &w.key_figures {
        println!(
            "  {:<26} {year}: {mid:>14.0}  (90% interval {low:.0} - {high:.0})",
            metric.as_str(),
        );
    }
    if w.report {
        println!(
            "  report: {}",
            w.dir
                .join(omvang::report::file_name(w.lang, "report", "html"))
                .display()
        );
    }
}

/// `chains`: the data photo as a table, and optionally as CSV.
pub fn chains(files: &[PathBuf], scenario: &Path, out: Option<PathBuf>) -> Result<()> {
    let overrides = vec![chains_override(files)];
    let model = load_model(scenario, &overrides)?;
    print!("{}", outputs::chains_text(&model));
    for note in &model.notes {
        eprintln!("note: {note}");
    }
    if let Some(out) = out {
        let mut df = outputs::chains_frame(&model)?;
        let bytes = outputs::csv_bytes(&mut df)?;
        std::fs::write(&out, bytes).with_context(|| format!("{}: cannot write", out.display()))?;
    }
    Ok(())
}

/// `generate-chains`: an illustrative data photo from stated true parameters.
pub fn generate_chains(
    scenario: &Path,
    seed: u64,
    chains: usize,
    quarters: usize,
    out: &Path,
) -> Result<()> {
    let s = pipeline::load_scenario(scenario, &[])?;
    let population = inputs::read_population(&s.data.population)?;
    let prevalence = inputs::read_prevalence(&s.data.prevalence)?;
    let series = omvang::model::epidemiology::DementiaSeries::new(
        &population,
        &prevalence,
        s.run.base_year,
        s.run.base_year,
    )
    .map_err(|m| inputs::InputError::File {
        path: s.data.population.clone(),
        message: format!(
            "{m}; run.base_year = {} needs its 1 January figures",
            s.run.base_year
        ),
    })?;
    let central = scenario::ParameterDraw::central(&s.parameters);
    let per65 = series.crude_65plus(s.run.base_year)
        * central.prevalence_multiplier
        * central.share_at_home;
    let truth = synthetic::Truth {
        chains,
        quarters,
        ..Default::default()
    };
    let records = synthetic::generate(&truth, per65, seed);
    let mut text = inputs::CHAIN_COLUMNS.join(",");
    text.push('\n');
    for r in &records {
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.chain,
            r.period_start,
            r.period_end,
            r.population_65plus,
            r.clients_start,
            r.clients_end,
            r.inflow,
            r.outflow_death,
            r.outflow_institution,
            r.outflow_other,
            r.waiting_end,
            r.fte
        ));
    }
    std::fs::write(out, text).with_context(|| format!("{}: cannot write", out.display()))?;
    eprintln!(
        "wrote {} records of {} illustrative chains to {} (seed {seed})",
        records.len(),
        chains,
        out.display()
    );
    Ok(())
}

/// Time one simulation (no output files); returns seconds and iteration-months per second.
fn time_run(model: &Model, threads: usize) -> Result<(f64, f64)> {
    let start = Instant::now();
    let results = simulate::run_prior(model, threads, &|| {})?;
    let secs = start.elapsed().as_secs_f64();
    let work = (results.len() * model.scenario.months()) as f64;
    Ok((secs, work / secs))
}

/// Peak resident memory of this process so far (VmHWM), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn bench(scenario: &Path, iterations: usize, quick: bool) -> Result<()> {
    let load = |iterations: usize, horizon: Option<i32>| {
        let mut overrides = vec![format!("run.iterations={iterations}")];
        if let Some(h) = horizon {
            overrides.push(format!("run.horizon={h}"));
        }
        load_model(scenario, &overrides)
    };
    let model = load(iterations, None)?;
    let months = model.scenario.months();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{}: {iterations} iterations x {months} months, {cores} core(s)",
        model.scenario.name
    );
    let mut one = 0.0;
    for threads in [1, cores] {
        let (secs, rate) = time_run(&model, threads)?;
        if threads == 1 {
            one = secs;
        }
        println!(
            "  {threads} thread(s): {secs:.3} s, {:.2} M iteration-months/s, speedup {:.2}x",
            rate / 1e6,
            one / secs
        );
    }
    let start = Instant::now();
    let posterior = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()?
        .install(|| omvang::model::smc::posterior(&model, iterations, true, &|_| {}));
    let secs = start.elapsed().as_secs_f64();
    println!(
        "  calibration, {cores} thread(s): {secs:.3} s, {} stages, {} histories of {} months, {:.0} histories/s ({:.2} M history-months/s)",
        posterior.stages.len(),
        posterior.evaluations,
        model.history_months,
        posterior.evaluations as f64 / secs,
        (posterior.evaluations * model.history_months) as f64 / secs / 1e6
    );
    if !quick {
        println!("scaling in iterations ({months} months, {cores} threads):");
        for n in [1_000, 10_000, 100_000] {
            let (secs, rate) = time_run(&load(n, None)?, cores)?;
            println!(
                "  {n:>7} iterations: {secs:.3} s, {:.2} M iteration-months/s",
                rate / 1e6
            );
        }
        let base = model.scenario.run.base_year;
        println!("scaling in months ({iterations} iterations, {cores} threads):");
        for years in [10, 20, 40] {
            match load(iterations, Some(base + years - 1)) {
                Ok(m) => {
                    let (secs, rate) = time_run(&m, cores)?;
                    println!(
                        "  {:>4} months: {secs:.3} s, {:.2} M iteration-months/s",
                        m.scenario.months(),
                        rate / 1e6
                    );
                }
                Err(e) => println!("  {years} years: not run ({e:#})"),
            }
        }
    }
    if let Some(mb) = peak_memory_mb() {
        println!("peak memory (VmHWM): {mb:.0} MB");
    }
    Ok(())
}

/// `check`: validate one file and print what it holds.
pub fn check(path: &Path) -> Result<()> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        let s = pipeline::load_scenario(path, &[])?;
        let inputs = pipeline::read_inputs(&s)?;
        let chains = inputs.chains.len();
        let model = Model::build(s, &inputs)?;
        let s = &model.scenario;
        println!(
            "{}: scenario `{}`{}, base year {}, horizon {}, {} iterations; {} chain records of {} chains",
            path.display(),
            s.name,
            if s.files.len() > 1 {
                format!(
                    " (extends {})",
                    s.files[1..]
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            },
            s.run.base_year,
            s.run.horizon,
            s.run.iterations,
            chains,
            model.chains.len()
        );
        for (file, format) in &inputs.formats {
            println!("  {}: {format}", file.display());
        }
        for note in &model.notes {
            println!("  note: {note}");
        }
    } else {
        let checked = pipeline::check_table(path)?;
        println!("{}: {checked}", path.display());
        for warning in &checked.warnings {
            println!("  warning: {warning}");
        }
    }
    Ok(())
}

/// `template`: the template to standard output or to a new file.
pub fn template(kind: TemplateKind, out: Option<&Path>) -> Result<()> {
    let text = match kind {
        TemplateKind::Chains => inputs::chain_template(),
    };
    let Some(out) = out else {
        print!("{text}");
        return Ok(());
    };
    use std::io::Write;
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(inputs::InputError::File {
                path: out.to_path_buf(),
                message: "already exists; omvang does not overwrite it: choose another name or remove the file first".into(),
            }
            .into())
        }
        Err(e) => return Err(e).with_context(|| format!("{}: cannot create", out.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("{}: cannot write", out.display()))?;
    eprintln!(
        "wrote a chain data template to {}; its columns are described in docs/chain-data.md",
        out.display()
    );
    Ok(())
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
