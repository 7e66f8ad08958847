//! The command line: determinism across thread counts, and bad input.

use crate::util::{omvang, path_str, root, WorkDir};

/// Same seed → byte-identical summary.csv and monthly.csv with --threads 1 and --threads 2.
#[test]
fn same_seed_gives_identical_tables_whatever_the_thread_count() {
    let w = WorkDir::new("threads");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = w.path.join(format!("t{threads}"));
        let o = omvang(&[
            "run",
            "scenarios/baseline.toml",
            "--iterations",
            "300",
            "--threads",
            threads,
            // Both thread counts calibrate: a cached calibration would hide a difference.
            "--no-cache",
            "--quiet",
            "--out",
            path_str(&out),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let dir = out.join("baseline");
        for f in [
            "summary.csv",
            "monthly.csv",
            "chains.csv",
            "pooling.csv",
            "draws.parquet",
            "manifest.json",
        ] {
            assert!(dir.join(f).is_file(), "{f} missing");
        }
        outputs.push((
            std::fs::read(dir.join("summary.csv")).unwrap(),
            std::fs::read(dir.join("monthly.csv")).unwrap(),
        ));
    }
    assert!(
        outputs[0] == outputs[1],
        "tables differ between 1 and 2 threads"
    );
    let summary = String::from_utf8(outputs[0].0.clone()).unwrap();
    assert!(summary.starts_with("scenario,metric,year,mean,p05,p25,p50,p75,p95\n"));
}

/// chains.csv has the contract's columns and the pooled rows.
#[test]
fn chains_csv_has_the_contract_columns() {
    let w = WorkDir::new("chains");
    let out = w.path.join("c.csv");
    let o = omvang(&[
        "chains",
        "data/chains/illustrative_chains.csv",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("chain,periods,mean_clients,at_home,uptake,person_years,inflow_rate,hazard_death,hazard_institution,hazard_other,mean_duration_years,caseload,waiting_share,flow_imbalance"));
    for row in ["\npooled,", "\npi_low,", "\npi_high,"] {
        assert!(text.contains(row), "{row} missing");
    }
    assert!(String::from_utf8_lossy(&o.stdout).contains("illustrative_A"));
}

const HEADER: &str = "chain,period_start,period_end,population_65plus,clients_start,clients_end,inflow,outflow_death,outflow_institution,outflow_other,waiting_end,fte";
const ROW: &str = "x,2017-01-01,2017-03-31,50000,1000,1010,100,30,40,20,30,19.4";

/// Run a scenario that extends the baseline with the given chains CSV and extra TOML; expect
/// exit code 2, one line on stderr containing every needle, and no output folder.
fn expect_bad_input(name: &str, chains_csv: Option<&str>, extra_toml: &str, needles: &[&str]) {
    let w = WorkDir::new(name);
    let chains = match chains_csv {
        Some(text) => path_str(&w.write("chains.csv", text)).to_string(),
        None => path_str(&w.path.join("does_not_exist.csv")).to_string(),
    };
    let baseline = root().join("scenarios/baseline.toml");
    let scenario = w.write(
        "s.toml",
        &format!(
            "extends = {:?}\nname = \"bad\"\n{extra_toml}\n[data]\nchains = [{:?}]\n",
            path_str(&baseline),
            chains
        ),
    );
    let out = w.path.join("out");
    let o = omvang(&[
        "run",
        path_str(&scenario),
        "--iterations",
        "20",
        "--quiet",
        "--out",
        path_str(&out),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{name}: not one line: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{name}: {stderr}");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{name}: `{n}` not in: {stderr}");
    }
    assert!(!out.exists(), "{name}: output folder left behind");
}

#[test]
fn missing_column_is_named() {
    let header = HEADER.replace(",inflow,", ",instroom,");
    expect_bad_input(
        "missing-column",
        Some(&format!("{header}\n{ROW}\n")),
        "",
        &["chains.csv", "missing column `inflow`"],
    );
}

#[test]
fn negative_count_is_named_with_its_line() {
    let row = ROW.replace(",30,40,20,", ",-30,40,20,");
    expect_bad_input(
        "negative",
        Some(&format!("{HEADER}\n{ROW}\n{row}\n")),
        "",
        &["chains.csv: line 3", "outflow_death", "negative"],
    );
}

#[test]
fn non_numeric_count_is_named_with_its_line() {
    let row = ROW.replace(",100,", ",honderd,");
    expect_bad_input(
        "non-numeric",
        Some(&format!("{HEADER}\n{row}\n")),
        "",
        &[
            "chains.csv: line 2",
            "`inflow` is \"honderd\", not a number",
        ],
    );
}

#[test]
fn period_end_before_start_is_named() {
    let row = ROW.replace("2017-01-01,2017-03-31", "2017-03-31,2017-01-01");
    expect_bad_input(
        "dates",
        Some(&format!("{HEADER}\n{row}\n")),
        "",
        &[
            "chains.csv: line 2",
            "period_end 2017-01-01 is before period_start 2017-03-31",
        ],
    );
}

#[test]
fn unknown_toml_key_is_named_with_file_and_line() {
    expect_bad_input(
        "unknown-key",
        Some(&format!("{HEADER}\n{ROW}\n")),
        "[run]\niteratoins = 5",
        &["s.toml", "line 4", "iteratoins"],
    );
}

#[test]
fn impossible_distribution_is_named_with_file_and_line() {
    expect_bad_input(
        "impossible-dist",
        Some(&format!("{HEADER}\n{ROW}\n")),
        "[parameters]\nshare_at_home = { dist = \"beta\", mean = 0.7, sd = 0.6 }",
        &["s.toml", "line 4", "beta with mean = 0.7 needs 0 < sd <"],
    );
}

#[test]
fn missing_file_is_named() {
    expect_bad_input(
        "missing-file",
        None,
        "",
        &["does_not_exist.csv", "file not found"],
    );
}

#[test]
fn unbalanced_flows_are_rejected() {
    let row = ROW.replace(",1010,", ",1300,");
    expect_bad_input(
        "imbalance",
        Some(&format!("{HEADER}\n{row}\n")),
        "",
        &["chains.csv: line 2", "chain x: flows do not add up"],
    );
}

#[test]
fn bad_override_is_named() {
    let o = omvang(&[
        "run",
        "scenarios/baseline.toml",
        "--set",
        "run.iterations=many",
        "--quiet",
        "--out",
        "/nonexistent/never",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("iterations"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[test]
fn usage_errors_exit_with_2() {
    let o = omvang(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    let o = omvang(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `completions SHELL` prints a script generated from the clap definitions: it completes the
/// subcommands (here `run` and `compare`) and rejects a shell clap_complete does not know.
#[test]
fn completions_print_a_script_naming_the_subcommands() {
    let o = omvang(&["completions", "bash"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = String::from_utf8(o.stdout).unwrap();
    assert!(script.contains("_omvang()"), "{script}");
    assert!(
        script.contains("omvang,run)"),
        "no `run` case in:\n{script}"
    );
    assert!(script.contains("compare"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let o = omvang(&["completions", shell]);
        assert!(o.status.success() && o.stdout.len() > 100, "{shell}");
    }
    assert_eq!(omvang(&["completions", "tcsh"]).status.code(), Some(2));
}
