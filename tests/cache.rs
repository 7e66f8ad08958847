//! The calibration cache: a cached run gives the same tables as a calibrated one, a policy
//! `--set` reuses the calibration and a history `--set` does not, a damaged or foreign entry is
//! noted and made again, two runs share one cache at the same time, and `cache clear` removes
//! only what omvang made. Every run names its own `--cache` folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{omvang, path_str, root, WorkDir};

/// The tables a cached run must reproduce byte for byte.
const TABLES: [&str; 4] = [
    "summary.csv",
    "monthly.csv",
    "draws.parquet",
    "hindcast.csv",
];

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The arguments of a small calibrated baseline run into `out` with the cache `cache`.
fn args<'a>(out: &'a Path, cache: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        "scenarios/baseline.toml",
        "--iterations",
        "100",
        "--no-report",
        "--quiet",
        "--out",
        path_str(out),
        "--cache",
        path_str(cache),
    ];
    args.extend_from_slice(extra);
    args
}

/// Run the baseline (with `extra` arguments) into `out` using `cache`; its run folder.
fn run(out: &Path, cache: &Path, extra: &[&str]) -> PathBuf {
    let o = omvang(&args(out, cache, extra));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut name = "baseline".to_string();
    let manifest = manifest_in(&out.join(&name));
    if manifest.is_none() {
        // A run with --set is named <scenario>-<hash>: the one folder there is.
        name = std::fs::read_dir(out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("baseline"))
            .unwrap();
    }
    out.join(name)
}

fn manifest_in(dir: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(dir.join("manifest.json")).ok()?;
    Some(serde_json::from_slice(&bytes).unwrap())
}

/// Whether the run's calibration came from the cache, and its key.
fn provenance(dir: &Path) -> (bool, String) {
    let m = manifest_in(dir).expect("manifest.json");
    let c = &m["calibration"];
    (
        c["from_cache"].as_bool().unwrap_or(false),
        c["cache_key"].as_str().expect("a cache key").to_string(),
    )
}

/// The cache's entries.
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "calibration"))
        .collect();
    found.sort();
    found
}

fn assert_same_tables(a: &Path, b: &Path) {
    for t in TABLES {
        let (x, y) = (
            std::fs::read(a.join(t)).unwrap(),
            std::fs::read(b.join(t)).unwrap(),
        );
        assert!(
            x == y,
            "{t} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn a_cached_run_gives_the_tables_of_an_uncached_one() {
    let w = WorkDir::new("cache-same");
    let cache = w.path.join("cache");
    let a = w.path.join("a");
    let o = omvang(&[
        "run",
        "scenarios/baseline.toml",
        "--iterations",
        "100",
        "--no-report",
        "--quiet",
        "--out",
        path_str(&a),
        "--no-cache",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let uncached = a.join("baseline");
    let cold = run(&w.path.join("b"), &cache, &[]);
    let warm = run(&w.path.join("c"), &cache, &[]);
    assert!(manifest_in(&uncached).unwrap()["calibration"]
        .get("cache_key")
        .is_none());
    let (cold_hit, key) = provenance(&cold);
    assert!(!cold_hit, "the first run has nothing to read");
    assert_eq!(provenance(&warm), (true, key.clone()));
    assert_eq!(
        entries(&cache),
        vec![cache.join(format!("{key}.calibration"))]
    );
    assert!(
        cache.join(".omvang-cache").is_file(),
        "the folder is marked"
    );
    assert_same_tables(&uncached, &cold);
    assert_same_tables(&uncached, &warm);
}

#[test]
fn a_policy_set_reuses_the_calibration_and_a_history_set_does_not() {
    let w = WorkDir::new("cache-set");
    let cache = w.path.join("cache");
    let base = run(&w.path.join("base"), &cache, &[]);
    let (_, key) = provenance(&base);
    // Costs only: the history does not depend on the tariff.
    let policy = run(
        &w.path.join("policy"),
        &cache,
        &["--set", "parameters.tariff_per_hour=90"],
    );
    assert_eq!(provenance(&policy), (true, key.clone()));
    // Same history and particles: the hindcast is the same; costs differ.
    assert_eq!(
        std::fs::read(base.join("hindcast.csv")).unwrap(),
        std::fs::read(policy.join("hindcast.csv")).unwrap()
    );
    assert_ne!(
        std::fs::read(base.join("summary.csv")).unwrap(),
        std::fs::read(policy.join("summary.csv")).unwrap()
    );
    // The caseload shapes the history: a calibration of its own.
    let history = run(
        &w.path.join("history"),
        &cache,
        &["--set", "parameters.caseload=48"],
    );
    let (hit, other) = provenance(&history);
    assert!(
        !hit && other != key,
        "a history parameter must miss the cache"
    );
    assert_eq!(entries(&cache).len(), 2);
}

#[test]
fn a_damaged_or_foreign_entry_is_noted_and_made_again() {
    let w = WorkDir::new("cache-bad");
    let cache = w.path.join("cache");
    let first = run(&w.path.join("first"), &cache, &[]);
    let (_, key) = provenance(&first);
    let entry = cache.join(format!("{key}.calibration"));
    let good = std::fs::read(&entry).unwrap();
    let damaged = {
        let mut b = good.clone();
        let middle = b.len() / 2;
        b[middle] ^= 1;
        b
    };
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("flipped", damaged, "checksum does not match"),
        ("truncated", good[..good.len() - 100].to_vec(), "checksum"),
        (
            "foreign",
            b"a file someone put here".to_vec(),
            "not an omvang calibration entry",
        ),
    ];
    for (case, bytes, reason) in cases {
        std::fs::write(&entry, bytes).unwrap();
        let out = w.path.join(case);
        let o = omvang(&args(&out, &cache, &[]));
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        let said = stderr(&o);
        assert!(
            said.contains("note: baseline: the cached calibration")
                && said.contains("is ignored because")
                && said.contains(reason),
            "{case}: {said}"
        );
        let dir = out.join("baseline");
        assert_eq!(provenance(&dir), (false, key.clone()), "{case}");
        assert_same_tables(&first, &dir);
        assert_eq!(std::fs::read(&entry).unwrap(), good, "{case}: rebuilt");
    }
    // The rebuilt entry is trusted again.
    let again = run(&w.path.join("again"), &cache, &[]);
    assert_eq!(provenance(&again), (true, key));
}

#[test]
fn two_concurrent_runs_share_one_cache() {
    let w = WorkDir::new("cache-concurrent");
    let cache = w.path.join("cache");
    let outs = [w.path.join("x"), w.path.join("y")];
    let children: Vec<_> = outs
        .iter()
        .map(|out| {
            Command::new(env!("CARGO_BIN_EXE_omvang"))
                .args(args(out, &cache, &[]))
                .current_dir(root())
                .spawn()
                .expect("start omvang")
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (x, y) = (outs[0].join("baseline"), outs[1].join("baseline"));
    assert_same_tables(&x, &y);
    assert_eq!(provenance(&x).1, provenance(&y).1);
    // One entry, no temporary file left behind, and it reads back.
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".omvang-cache")
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let third = run(&w.path.join("z"), &cache, &[]);
    assert!(provenance(&third).0);
    assert_same_tables(&x, &third);
}

#[test]
fn cache_clear_removes_only_its_entries_and_refuses_a_folder_omvang_did_not_make() {
    let w = WorkDir::new("cache-clear");
    let cache = w.path.join("cache");
    run(&w.path.join("out"), &cache, &["--no-calibration"]);
    assert_eq!(entries(&cache).len(), 1);
    let mine = w.write("cache/my-notes.txt", "mine");
    // What a killed run left: a temporary entry of a process that is gone.
    let stale = w.write(&format!("cache/.{}.tmp-99999999-0", "0".repeat(64)), "half");
    let o = omvang(&["cache", "clear", "--cache", path_str(&cache)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("cleared 1 calibration(s)"));
    assert!(entries(&cache).is_empty() && !stale.exists());
    assert!(mine.is_file() && cache.join(".omvang-cache").is_file());
    let o = omvang(&["cache", "info", "--cache", path_str(&cache)]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 calibration(s)"));

    // A folder with files and no marker: neither cleared nor used.
    let foreign = w.path.join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    let theirs = w.write("foreign/0123.calibration", "theirs");
    let o = omvang(&["cache", "clear", "--cache", path_str(&foreign)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is not an omvang calibration cache"),
        "{}",
        stderr(&o)
    );
    let o = omvang(&args(&w.path.join("out2"), &foreign, &[]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains(&format!("--cache: {}", foreign.display()))
            && said.contains("was not made by omvang")
            && said.contains("--no-cache")
            && said.lines().count() == 1,
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs");
    // A file is no folder.
    let o = omvang(&args(&w.path.join("out3"), &theirs, &[]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
}

#[test]
fn a_backtest_reuses_the_calibration_of_its_origins() {
    let w = WorkDir::new("cache-backtest");
    let cache = w.path.join("cache");
    let mut tables = Vec::new();
    for k in ["cold", "warm"] {
        let out = w.path.join(k);
        let o = omvang(&[
            "backtest",
            "scenarios/baseline.toml",
            "--iterations",
            "60",
            "--origins",
            "2021-07,2022-10",
            "--out",
            path_str(&out),
            "--cache",
            path_str(&cache),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let said = stderr(&o);
        let read = said.matches("calibration read from the cache").count();
        assert_eq!(read, if k == "warm" { 2 } else { 0 }, "{k}: {said}");
        let dir = out.join("baseline-backtest");
        tables.push(
            ["backtest.csv", "backtest_paths.csv"].map(|t| std::fs::read(dir.join(t)).unwrap()),
        );
    }
    assert_eq!(entries(&cache).len(), 2, "one calibration per origin");
    assert!(tables[0] == tables[1], "a cached backtest differs");
}
