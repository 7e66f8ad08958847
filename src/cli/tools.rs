//! The commands around a run: the data photo as a table, illustrative chains, checking a file,
//! templates and the benchmark.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{chains_override, CacheCommand, TemplateKind};
use anyhow::{Context, Result};
use omvang::data as inputs;
use omvang::model::backtest::model_at;
use omvang::model::build::Model;
use omvang::model::simulate;
use omvang::model::smc;
use omvang::model::synthetic;
use omvang::output as outputs;
use omvang::output::cache;
use omvang::pipeline::{self, load_model};
use omvang::report::text::{format_text, note_text};
use omvang::report::Lang;
use omvang::scenario;

/// `chains`: the data photo as a table, and optionally as CSV.
pub fn chains(files: &[PathBuf], scenario: &Path, out: Option<PathBuf>) -> Result<()> {
    let overrides = vec![chains_override(files)];
    let model = load_model(scenario, &overrides)?;
    print!("{}", outputs::chains_text(&model));
    for note in &model.notes {
        eprintln!("note: {}", note_text(note, Lang::En));
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

/// Time one calibration of `n` particles on `threads` threads and print it: seconds, stages,
/// histories evaluated per second (each up to `history_months` long, a renewal of one region's
/// flows counted as a twelfth; early rejection cuts some short, so history-months are those of
/// whole histories) and the final effective sample size per second.
fn time_calibration(model: &Model, n: usize, threads: usize, label: &str) -> Result<()> {
    let start = Instant::now();
    let posterior = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?
        .install(|| smc::posterior(model, n, true, &|_| {}));
    let secs = start.elapsed().as_secs_f64();
    let ess = posterior.final_ess().unwrap_or(n as f64);
    println!(
        "  {label}: {secs:.3} s, {} stages, {} histories of up to {} months (a one-region renewal a twelfth): {:.0} histories/s ({:.2} M history-months/s if whole), final ESS {ess:.0} ({:.0} ESS/s), {} distinct histories",
        posterior.stages.len(),
        posterior.evaluations,
        model.history_months,
        posterior.evaluations as f64 / secs,
        (posterior.evaluations * model.history_months) as f64 / secs / 1e6,
        ess / secs,
        posterior.unique_histories,
    );
    Ok(())
}

/// `bench`: the projection (prior iterations, no files) on one thread and on all, and the
/// calibration on all; without `quick`, both as a series in iterations (particles) and in
/// months (the projection's horizon; the calibration's history, cut at earlier origins).
pub fn bench(
    scenario: &Path,
    iterations: usize,
    particles: Option<usize>,
    quick: bool,
) -> Result<()> {
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
    let particles = particles.unwrap_or(if quick { 500 } else { 2_000 });
    println!(
        "{}: {iterations} iterations x {months} months, {cores} core(s)",
        model.scenario.name
    );
    println!("projection ({iterations} iterations, {months} months, prior, no files):");
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
    println!(
        "calibration ({particles} particles, {} history months, {} observations):",
        model.history_months,
        model.observations.len()
    );
    time_calibration(&model, particles, cores, &format!("{cores} thread(s)"))?;
    if !quick {
        println!("scaling in iterations ({months} months, {cores} threads):");
        for n in [1_000, 10_000, 100_000] {
            let (secs, rate) = time_run(&load(n, None)?, cores)?;
            println!(
                "  projection {n:>7} iterations: {secs:.3} s, {:.2} M iteration-months/s",
                rate / 1e6
            );
        }
        for n in [500, 1_000, 2_000] {
            time_calibration(&model, n, cores, &format!("calibration {n:>5} particles"))?;
        }
        let base = model.scenario.run.base_year;
        println!(
            "scaling in months ({iterations} iterations, {particles} particles, {cores} threads):"
        );
        for years in [10, 20, 40] {
            match load(iterations, Some(base + years - 1)) {
                Ok(m) => {
                    let (secs, rate) = time_run(&m, cores)?;
                    println!(
                        "  projection {:>4} months: {secs:.3} s, {:.2} M iteration-months/s",
                        m.scenario.months(),
                        rate / 1e6
                    );
                }
                Err(e) => println!("  projection {years} years: not run ({e:#})"),
            }
        }
        // The calibration's months are its history: the record cut at earlier origins.
        for years in [1, 3] {
            let origin = inputs::Date {
                year: base + years,
                month: 1,
                day: 1,
            };
            let at = model_at(&model, origin);
            let label = format!(
                "calibration {:>3} history months (record to {origin}, {} observations)",
                at.history_months,
                at.observations.len()
            );
            time_calibration(&at, particles, cores, &label)?;
        }
        let label = format!(
            "calibration {:>3} history months (the whole record)",
            model.history_months
        );
        time_calibration(&model, particles, cores, &label)?;
    }
    if let Some(mb) = peak_memory_mb() {
        println!("peak memory (VmHWM): {mb:.0} MB");
    }
    Ok(())
}

/// `cache info` and `cache clear`: the folder as `run` would choose it (`--cache`, else the
/// default), what it holds, or clearing it.
pub fn cache(command: &CacheCommand) -> Result<()> {
    let (CacheCommand::Info { cache: dir } | CacheCommand::Clear { cache: dir }) = command;
    let (dir, origin) = match dir {
        Some(d) => (d.clone(), "--cache"),
        None => match cache::default_dir() {
            Some(d) => (d.path, d.origin),
            None => {
                return Err(scenario::ScenarioError::Usage(
                    "no calibration cache folder: neither OMVANG_CACHE_DIR, XDG_CACHE_HOME nor HOME is set; name one with --cache DIR".into(),
                )
                .into())
            }
        },
    };
    let mb = |b: u64| b as f64 / 1e6;
    match command {
        CacheCommand::Info { .. } => {
            let used = cache::usage(&dir, origin)?;
            println!(
                "calibration cache ({origin}): {}\n  {} calibration(s), {:.1} MB{}",
                dir.display(),
                used.entries,
                mb(used.bytes),
                if dir.exists() {
                    ""
                } else {
                    " (the folder does not exist yet)"
                }
            );
        }
        CacheCommand::Clear { .. } => {
            let cleared = cache::clear(&dir, origin)?;
            println!(
                "cleared {} calibration(s), {:.1} MB, from {}",
                cleared.entries,
                mb(cleared.bytes),
                dir.display()
            );
        }
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
            println!("  {}: {}", file.display(), format_text(format, Lang::En));
        }
        for note in &model.notes {
            println!("  note: {}", note_text(note, Lang::En));
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
