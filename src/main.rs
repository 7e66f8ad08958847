//! The `omvang` command line: a thin layer that reads scenarios and data, runs the engine and
//! writes the outputs. Exit codes: 0 success, 2 bad input or usage, 1 internal or I/O failure,
//! 130 interrupted (Ctrl-C), each failure as one line on stderr (docs/errors.md).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use omvang::outputs::{self, Artifact};
use omvang::report::{self, charts, Lang};
use omvang::run_data::{ComparisonManifest, HashedFile, Manifest, RunData};
use omvang::simulate::{self, Metric, Model};
use omvang::{inputs, scenario, synthetic};

#[derive(Parser, Debug)]
#[command(
    name = "omvang",
    version,
    about = "How much dementia case management the Netherlands needs, what it costs and where the waiting lists go",
    long_about = "omvang extrapolates the data photo (inflow and outflow) of regional dementia chains to the \
national scale with a random-effects model and a Monte Carlo simulation, and projects case-management \
volume, need under the Zorgstandaard Dementie, waiting lists, FTE and costs month by month.",
    after_help = "Examples:\n  omvang run scenarios/baseline.toml\n  omvang run scenarios/*.toml --iterations 500 --out output\n  omvang compare scenarios/baseline.toml scenarios/capaciteit-bevroren.toml\n  omvang report output/baseline --lang en\n  omvang chains data/chains/illustrative_chains.csv\n  omvang generate-chains --seed 2018 --out data/chains/illustrative_chains.csv"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run one or more scenarios: pooled chain rates, Monte Carlo extrapolation and projection.
    #[command(
        after_help = "Examples:\n  omvang run scenarios/baseline.toml\n  omvang run scenarios/baseline.toml --set run.iterations=500 --set parameters.caseload=50\n  omvang run scenarios/baseline.toml --chains my_chains.csv --out results --lang en\n\nWrites <out>/<scenario name>/: summary.csv, monthly.csv, chains.csv, pooling.csv, draws.parquet,\nactuals.csv, manifest.json, and (unless --no-report) report.md, report.html and charts/*.png|svg."
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
    /// Rebuild the charts and report of a finished run (or comparison) from its files, without
    /// simulating again.
    #[command(
        after_help = "Examples:\n  omvang report output/baseline\n  omvang report output/baseline --lang en\n  omvang report output/comparison"
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
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Output folder; each scenario writes <out>/<name>/.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Monte Carlo iterations (overrides run.iterations).
    #[arg(long)]
    iterations: Option<usize>,
    /// Random seed (overrides run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Use these chain files instead of the scenario's data.chains.
    #[arg(long, num_args = 1..)]
    chains: Vec<PathBuf>,
    /// Override a scenario value by dotted key, e.g. run.iterations=500 or parameters.caseload=50.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// No progress bar and no summary on stdout.
    #[arg(long)]
    quiet: bool,
    /// Language of the report and chart labels.
    #[arg(long, value_enum, default_value_t = LangArg::Nl)]
    lang: LangArg,
    /// Write only the tables, no charts or report.
    #[arg(long)]
    no_report: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum TemplateKind {
    /// A chain data photo (docs/chain-data.md).
    Chains,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum LangArg {
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    watch_interrupt();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            if err.chain().any(omvang::is_input_error) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Ctrl-C: remove the half-written folder of this run, never a finished one (the writer holds
/// the same mutex while it renames), and exit with the shell's code for SIGINT. The signal
/// handler only sets a flag; a watcher thread does the file work outside the handler.
fn watch_interrupt() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if signal_hook::flag::register(signal, Arc::clone(&flag)).is_err() {
            return;
        }
    }
    std::thread::spawn(move || loop {
        if flag.load(Ordering::Relaxed) {
            outputs::remove_unfinished();
            eprintln!("interrupted; earlier runs are intact and nothing half-written is left");
            std::process::exit(130);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    });
}

/// The error and its causes on one line, each text once: our errors already quote their cause
/// (e.g. the OS's message), which anyhow's chain would repeat.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(text.as_str()) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Said once when another omvang run holds the output folder's lock.
fn say_waiting(lock: &Path) {
    eprintln!(
        "waiting for another omvang run that holds {}",
        lock.display()
    );
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run_scenarios(args, None),
        Command::Compare { run, name } => {
            scenario::check_name(&name)
                .map_err(|m| scenario::ScenarioError::Usage(format!("compare --name: {m}")))?;
            run_scenarios(run, Some(name))
        }
        Command::Report { dir, lang } => rebuild_report(&dir, lang.into()),
        Command::Chains {
            files,
            scenario,
            out,
        } => {
            let overrides = vec![chains_override(&files)];
            let model = load_model(&scenario, &overrides)?;
            print!("{}", outputs::chains_text(&model));
            for note in &model.notes {
                eprintln!("note: {note}");
            }
            if let Some(out) = out {
                let mut df = outputs::chains_frame(&model)?;
                let bytes = outputs::csv_bytes(&mut df)?;
                std::fs::write(&out, bytes)
                    .with_context(|| format!("{}: cannot write", out.display()))?;
            }
            Ok(())
        }
        Command::Check { files } => files.iter().try_for_each(|f| check(f)),
        Command::Template { kind, out } => template(kind, out.as_deref()),
        Command::GenerateChains {
            scenario,
            seed,
            chains,
            quarters,
            out,
        } => {
            let s = scenario::load(&scenario, &[])?;
            let population = inputs::read_population(&s.data.population)?;
            let prevalence = inputs::read_prevalence(&s.data.prevalence)?;
            let series = omvang::epidemiology::DementiaSeries::new(
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
            std::fs::write(&out, text)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            eprintln!(
                "wrote {} records of {} illustrative chains to {} (seed {seed})",
                records.len(),
                chains,
                out.display()
            );
            Ok(())
        }
        Command::Bench {
            scenario,
            iterations,
            quick,
        } => bench(&scenario, iterations, quick),
    }
}

/// Time one simulation (no output files); returns seconds and iteration-months per second.
fn time_run(model: &Model, threads: usize) -> Result<(f64, f64)> {
    let start = Instant::now();
    let results = simulate::run(model, threads, &|| {})?;
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

fn bench(scenario: &Path, iterations: usize, quick: bool) -> Result<()> {
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
fn check(path: &Path) -> Result<()> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        let s = scenario::load(path, &[])?;
        let inputs = inputs::read_inputs(&s)?;
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
        let checked = inputs::check_table(path)?;
        println!("{}: {checked}", path.display());
        for warning in &checked.warnings {
            println!("  warning: {warning}");
        }
    }
    Ok(())
}

/// `template`: the template to standard output or to a new file.
fn template(kind: TemplateKind, out: Option<&Path>) -> Result<()> {
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

fn chains_override(files: &[PathBuf]) -> String {
    let list = toml::Value::Array(
        files
            .iter()
            .map(|f| toml::Value::String(f.to_string_lossy().into_owned()))
            .collect(),
    );
    format!("data.chains={list}")
}

fn load_model(path: &Path, overrides: &[String]) -> Result<Model> {
    let s = scenario::load(path, overrides)?;
    let inputs = inputs::read_inputs(&s)?;
    Ok(Model::build(s, &inputs)?)
}

/// `run` and `compare`: validate every scenario first, simulate each, write its folder (tables,
/// charts and report together, atomically), then for `compare` the comparison folder.
fn run_scenarios(args: RunArgs, comparison: Option<String>) -> Result<()> {
    let lang = Lang::from(args.lang);
    let mut overrides = Vec::new();
    if let Some(n) = args.iterations {
        overrides.push(format!("run.iterations={n}"));
    }
    if let Some(seed) = args.seed {
        overrides.push(format!("run.seed={seed}"));
    }
    if !args.chains.is_empty() {
        overrides.push(chains_override(&args.chains));
    }
    overrides.extend(args.set.iter().cloned());

    // Validate every scenario and its data before the first long run.
    let mut models = Vec::new();
    for path in &args.scenarios {
        models.push((path, load_model(path, &overrides)?));
    }
    if let Some(name) = &comparison {
        if models.len() < 2 {
            return Err(omvang::report::CompareError::TooFew.into());
        }
        // Pairing needs the same random streams: every scenario takes the reference's seed and
        // iteration count unless they were given on the command line.
        let (seed, iterations, base, horizon) = {
            let r = &models[0].1.scenario.run;
            (r.seed, r.iterations, r.base_year, r.horizon)
        };
        for (path, m) in &mut models {
            let run = &mut m.scenario.run;
            if run.base_year != base || run.horizon != horizon {
                return Err(omvang::report::CompareError::Mismatch {
                    scenario: format!("{} ({})", m.scenario.name, path.display()),
                    reference: args.scenarios[0].display().to_string(),
                    what: "the base year or horizon",
                }
                .into());
            }
            run.seed = seed;
            run.iterations = iterations;
        }
        if models.iter().any(|(_, m)| &m.scenario.name == name) {
            return Err(scenario::ScenarioError::Usage(format!(
                "compare --name: a scenario is named \"{name}\", like the comparison folder; choose another folder with --name"
            ))
            .into());
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for (path, m) in &models {
        if !names.insert(m.scenario.name.clone()) {
            return Err(scenario::ScenarioError::Usage(format!(
                "{}: scenario name \"{}\" is used twice in this run; give each scenario its own name",
                path.display(),
                m.scenario.name
            ))
            .into());
        }
    }
    outputs::check_writable(&args.out)?;
    // Refuse a folder omvang did not make before the first long simulation, not after it.
    for name in names.iter().chain(&comparison) {
        outputs::check_target(&args.out, name)?;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool_threads = match args.threads {
        0 => cores,
        n if n > cores => {
            eprintln!(
                "warning: --threads {n} is more than the {cores} this machine has; using {cores}"
            );
            cores
        }
        n => n,
    };

    let mut runs = Vec::new();
    // Scenarios that share data share its notes: print each once.
    let mut printed = std::collections::BTreeSet::new();
    for (path, model) in &models {
        let started_at = SystemTime::now();
        let clock = Instant::now();
        for note in &model.notes {
            if printed.insert(note.clone()) {
                eprintln!("note: {}: {note}", model.scenario.name);
            }
        }
        let n = model.scenario.run.iterations;
        let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(n as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix} [{bar:40}] {pos}/{len} iterations ({eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix(model.scenario.name.clone());
            bar
        });
        let done = AtomicUsize::new(0);
        let progress = || {
            let k = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(bar) = &bar {
                if k % 16 == 0 || k == n {
                    bar.set_position(k as u64);
                }
            }
        };
        let results = simulate::run(model, pool_threads, &progress)?;
        check_finite_draws(model, path, &results)?;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let summary = simulate::summarise(model, &results);
        let monthly = simulate::summarise_monthly(model, &results);
        let name = &model.scenario.name;
        let mut artifacts = vec![
            Artifact {
                name: "summary.csv".into(),
                bytes: outputs::csv_bytes(&mut outputs::summary_frame(name, &summary, "year")?)?,
            },
            Artifact {
                name: "monthly.csv".into(),
                bytes: outputs::csv_bytes(&mut outputs::summary_frame(name, &monthly, "month")?)?,
            },
            Artifact {
                name: "chains.csv".into(),
                bytes: outputs::csv_bytes(&mut outputs::chains_frame(model)?)?,
            },
            Artifact {
                name: "pooling.csv".into(),
                bytes: outputs::csv_bytes(&mut outputs::pooling_frame(model)?)?,
            },
            Artifact {
                name: "draws.parquet".into(),
                bytes: outputs::parquet_bytes(&mut outputs::draws_frame(model, &results)?)?,
            },
            Artifact {
                name: "actuals.csv".into(),
                bytes: outputs::csv_bytes(&mut outputs::actuals_frame(&model.actuals)?)?,
            },
        ];
        let hashed = |p: &Path| -> Result<HashedFile> {
            Ok(HashedFile {
                path: p.display().to_string(),
                sha256: outputs::sha256_file(p)?,
            })
        };
        let s = &model.scenario;
        let manifest = Manifest {
            omvang_version: env!("CARGO_PKG_VERSION").into(),
            scenario: name.clone(),
            description: s.description.clone(),
            scenario_file: hashed(path)?,
            extends: s.files[1..]
                .iter()
                .map(|p| hashed(p))
                .collect::<Result<_>>()?,
            overrides: overrides.clone(),
            inputs: inputs::input_files(s)
                .iter()
                .map(|p| hashed(p))
                .collect::<Result<_>>()?,
            seed: s.run.seed,
            iterations: n,
            threads: pool_threads,
            base_year: s.run.base_year,
            horizon: s.run.horizon,
            pooling_method: match s.pooling_method {
                scenario::PoolingMethod::Dl => "dl".into(),
                scenario::PoolingMethod::Reml => "reml".into(),
            },
            wait_norm_weeks: s.wait_norm_weeks,
            started_at: rfc3339(started_at),
            run_seconds: clock.elapsed().as_secs_f64(),
            notes: model.notes.clone(),
        };
        artifacts.push(Artifact {
            name: "manifest.json".into(),
            bytes: serde_json::to_vec_pretty(&manifest)?,
        });
        // The report reads the run back exactly as `omvang report` reads it from disk.
        let run = inputs::parse_run(&args.out.join(name), &|file| {
            artifacts
                .iter()
                .find(|a| a.name == file)
                .map(|a| a.bytes.clone())
        })?;
        if !args.no_report {
            let report = report::run_report(&run, lang, charts::run_charts(&run, lang)?);
            artifacts.extend(report.files());
        }
        let dir = outputs::write_run(&args.out, name, &artifacts, &say_waiting)?;
        if !args.quiet {
            print_key_figures(model, &summary, &dir, clock.elapsed().as_secs_f64());
            if !args.no_report {
                println!("  report: {}", dir.join("report.html").display());
            }
        }
        runs.push(run);
    }

    if let Some(name) = comparison {
        let charts = charts::comparison_charts(&runs, lang)?;
        let report = report::comparison_report(&runs, lang, charts)?;
        let manifest = ComparisonManifest {
            omvang_version: env!("CARGO_PKG_VERSION").into(),
            reference: runs[0].name.clone(),
            scenarios: runs.iter().map(|r| r.name.clone()).collect(),
            seed: runs[0].manifest.seed,
            iterations: runs[0].manifest.iterations,
        };
        let mut artifacts = vec![
            Artifact {
                name: "comparison.json".into(),
                bytes: serde_json::to_vec_pretty(&manifest)?,
            },
            Artifact {
                name: "differences.csv".into(),
                bytes: outputs::csv_bytes(&mut outputs::differences_frame(
                    &omvang::analysis::paired_differences(&runs),
                )?)?,
            },
        ];
        artifacts.extend(report.files());
        let dir = outputs::write_run(&args.out, &name, &artifacts, &say_waiting)?;
        if !args.quiet {
            println!(
                "comparison of {} -> {}",
                manifest.scenarios.join(", "),
                dir.display()
            );
        }
    }
    Ok(())
}

/// `report`: read a run (or a comparison and its sibling runs) back and write its charts and
/// report again.
fn rebuild_report(dir: &Path, lang: Lang) -> Result<()> {
    let report = if dir.join("comparison.json").is_file() {
        let runs: Vec<RunData> = inputs::read_comparison(dir)?;
        report::comparison_report(&runs, lang, charts::comparison_charts(&runs, lang)?)?
    } else {
        let run = inputs::read_run(dir)?;
        report::run_report(&run, lang, charts::run_charts(&run, lang)?)
    };
    let files = report.files();
    outputs::replace_report(dir, &files, &say_waiting)?;
    println!(
        "wrote report.md, report.html and {} charts to {}",
        report.charts.len(),
        dir.display()
    );
    Ok(())
}

/// Every drawn parameter and pooled rate must be a finite number: a NaN or infinity from an
/// odd distribution or chain data would otherwise flow silently into every total.
fn check_finite_draws(model: &Model, path: &Path, results: &simulate::RunResults) -> Result<()> {
    for (i, (parameters, pooled)) in results.parameters.iter().zip(&results.pooled).enumerate() {
        if let Some((name, v)) = scenario::non_finite_parameter(parameters) {
            return Err(scenario::ScenarioError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "parameters.{name} drew {v} in iteration {i}; give it a distribution with finite values"
                ),
            }
            .into());
        }
        let pooled = simulate::PooledDraw::NAMES.iter().zip(pooled.values());
        if let Some((name, v)) = pooled.into_iter().find(|(_, v)| !v.is_finite()) {
            return Err(simulate::ModelError::Data {
                file: model
                    .scenario
                    .data
                    .chains
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                message: format!(
                    "the pooled {name} drew {v} in iteration {i}; check the chains' counts, or add chains so the pooling is stable"
                ),
            }
            .into());
        }
    }
    Ok(())
}

fn print_key_figures(model: &Model, summary: &[simulate::SummaryRow], dir: &Path, secs: f64) {
    let s = &model.scenario;
    println!(
        "{} ({} iterations, seed {}, {secs:.1} s) -> {}",
        s.name,
        s.run.iterations,
        s.run.seed,
        dir.display()
    );
    let show = |metric: Metric, year: i32| {
        if let Some(r) = summary
            .iter()
            .find(|r| r.metric == metric.as_str() && r.period == year.to_string())
        {
            println!(
                "  {:<26} {year}: {:>14.0}  (90% interval {:.0} - {:.0})",
                metric.as_str(),
                r.stats[3],
                r.stats[1],
                r.stats[5]
            );
        }
    };
    for m in [
        Metric::PeopleWithDementia,
        Metric::AtHome,
        Metric::Need,
        Metric::ClientsInCare,
        Metric::FteNeeded,
        Metric::CostEur,
    ] {
        show(m, s.run.base_year);
    }
    for m in [
        Metric::ClientsInCare,
        Metric::WaitingList,
        Metric::FteNeeded,
        Metric::FteGap,
    ] {
        show(m, s.run.horizon);
    }
}

/// UTC time as RFC 3339, without a date crate.
fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20Z");
    }
}
