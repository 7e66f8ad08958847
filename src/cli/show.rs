//! How the command line shows a run's progress, notes and what it wrote.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use omvang::pipeline::{BacktestWritten, Event, Written};
use omvang::report::text::note_text;
use omvang::report::Lang;

/// The CLI's observer of a run: notes and warnings on stderr, a progress bar on a terminal, key
/// figures on stdout (unless quiet).
pub fn observer(quiet: bool) -> impl Fn(Event<'_>) + Sync {
    let bar: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);
    move |event| {
        match event {
        Event::Warning(text) => eprintln!("warning: {text}"),
        Event::Note { scenario, note } => {
            eprintln!("note: {scenario}: {}", note_text(note, Lang::En))
        }
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
        Event::CalibrationCached {
            scenario,
            key,
            path,
        } => {
            if !quiet {
                eprintln!(
                    "{scenario}: calibration read from the cache (key {}…, {})",
                    &key[..key.len().min(12)],
                    path.display()
                );
            }
        }
        Event::CacheEntryIgnored {
            scenario,
            path,
            reason,
        } => eprintln!(
            "note: {scenario}: the cached calibration {} is ignored because {reason}; calibrating again",
            path.display()
        ),
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
    for (metric, year, band) in &w.key_figures {
        println!(
            "  {:<26} {year}: {:>14.0}  (90% interval {:.0} - {:.0})",
            metric.as_str(),
            band.median,
            band.low,
            band.high,
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

/// `omvang target`: search, then one line with the answer and one with the folder.
///
/// # Errors
/// What the pipeline's search returns.
pub fn target(request: &omvang::pipeline::TargetRequest) -> anyhow::Result<()> {
    let w = omvang::pipeline::target(request, &observer(false))?;
    let s = &w.summary;
    let n = |x: f64| {
        if x.is_finite() {
            format!("{x:.0}")
        } else {
            "not reachable".to_string()
        }
    };
    let goal = if s.need {
        "the FTE of the Zorgstandaard's need"
    } else {
        "the wait norm"
    };
    println!(
        "{}: extra trainees a year from {} for {goal} by {}: {} (90% interval {} - {}), on top of about {:.0} a year; {:.0}% of {} iterations out of reach",
        s.scenario,
        s.start,
        s.by_year,
        n(s.median),
        n(s.low),
        n(s.high),
        s.usual,
        100.0 * s.unreachable_share,
        s.iterations
    );
    println!("wrote {} in {:.1} s", w.dir.display(), w.seconds);
    Ok(())
}
