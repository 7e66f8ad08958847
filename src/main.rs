//! The `omvang` command line: a thin dispatch from the parsed command to the library's pipeline
//! (`cli/` holds the definitions and how results are shown); errors become one line on stderr
//! and exit code 2 for bad input, 1 for anything else.

use std::process::ExitCode;
use std::sync::atomic::Ordering;

use anyhow::Result;
use clap::Parser;
use omvang::output as outputs;
use omvang::pipeline;
use omvang::scenario;

mod cli;

use cli::{Cli, Command};

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

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => {
            pipeline::run(&args.request(None), &cli::show::observer(args.quiet))?;
            Ok(())
        }
        Command::Compare { run, name } => {
            scenario::check_name(&name)
                .map_err(|m| scenario::ScenarioError::Usage(format!("compare --name: {m}")))?;
            pipeline::run(&run.request(Some(name)), &cli::show::observer(run.quiet))?;
            Ok(())
        }
        Command::Backtest(args) => {
            pipeline::backtest(&args.request(), &cli::show::observer(args.quiet))?;
            Ok(())
        }
        Command::Target(args) => cli::show::target(&args.request()),
        Command::Report { dir, lang } => {
            let lang: omvang::report::Lang = lang.into();
            let charts = pipeline::rebuild_report(&dir, lang, &cli::show::observer(false))?;
            let file = |stem: &str, ext: &str| omvang::report::file_name(lang, stem, ext);
            println!(
                "wrote {}, {} and {charts} charts to {}",
                file("report", "md"),
                file("report", "html"),
                dir.display()
            );
            Ok(())
        }
        Command::Chains {
            files,
            scenario,
            out,
        } => cli::tools::chains(&files, &scenario, out),
        Command::Check { files } => files.iter().try_for_each(|f| cli::tools::check(f)),
        Command::Template { kind, out } => cli::tools::template(kind, out.as_deref()),
        Command::GenerateChains {
            scenario,
            seed,
            chains,
            quarters,
            out,
        } => cli::tools::generate_chains(&scenario, seed, chains, quarters, &out),
        Command::Bench {
            scenario,
            iterations,
            particles,
            quick,
        } => cli::tools::bench(&scenario, iterations, particles, quick),
        Command::Cache { command } => cli::tools::cache(&command),
        Command::Completions { shell } => {
            cli::completions(shell);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
