//! Safety with any input and any folder: unsafe names, folders omvang did not make, crash-safe
//! replacement, concurrent runs, bounds, edited manifests and report text that stays text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use omvang::output::{self as outputs, Artifact, SwapStep, MARKER};

use crate::util::{omvang, path_str, root, WorkDir};

/// A user's own files around and inside `--out`, which omvang must never touch.
struct Decoys {
    files: Vec<(PathBuf, &'static str)>,
}

impl Decoys {
    fn plant(w: &WorkDir) -> Decoys {
        let files = vec![
            (w.path.join("out/notes.txt"), "my notes"),
            (w.path.join("out/data/keep.csv"), "a,b\n1,2\n"),
            (w.path.join("data/keep.csv"), "x\n"),
            (w.path.join("mine/precious.txt"), "do not delete"),
        ];
        for (p, text) in &files {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Decoys { files }
    }

    fn assert_intact(&self) {
        for (p, text) in &self.files {
            let found = std::fs::read_to_string(p)
                .unwrap_or_else(|e| panic!("{} was touched: {e}", p.display()));
            assert_eq!(&found, text, "{} was changed", p.display());
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The error line of a failed command, checked to be one line with exit code 2.
fn input_error(o: &Output) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, got: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line expected: {err}");
    assert_eq!(
        err.trim().lines().count(),
        1,
        "nothing but the error: {err}"
    );
    lines[0].to_string()
}

fn baseline() -> String {
    root().join("scenarios/baseline.toml").display().to_string()
}

/// A scenario extending the baseline, with extra TOML lines.
fn child(w: &WorkDir, file: &str, toml: &str) -> PathBuf {
    w.write(file, &format!("extends = {:?}\n{toml}", baseline()))
}

fn run_into(out: &Path, scenario: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        scenario,
        "--iterations",
        "100",
        "--quiet",
        "--no-report",
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    omvang(&args)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const BAD_NAMES: &[&str] = &[
    "",
    ".",
    "..",
    "../data",
    "/tmp/omvang-abs",
    "a\u{7}b",
    "a/b",
];

#[test]
fn unsafe_names_in_toml_are_refused_before_any_work() {
    let w = WorkDir::new("names-toml");
    let decoys = Decoys::plant(&w);
    for (i, name) in BAD_NAMES.iter().enumerate() {
        let quoted = toml::Value::String(name.to_string()).to_string();
        let s = child(&w, &format!("s{i}.toml"), &format!("name = {quoted}\n"));
        let line = input_error(&run_into(&w.path.join("out"), path_str(&s), &[]));
        assert!(line.contains("name:"), "{line}");
        assert!(line.contains("letters, digits"), "{line}");
    }
    decoys.assert_intact();
    assert_eq!(entries(&w.path.join("out")), ["data", "notes.txt"]);
}

#[test]
fn unsafe_names_through_set_are_refused() {
    let w = WorkDir::new("names-set");
    let decoys = Decoys::plant(&w);
    for name in BAD_NAMES {
        let set = format!("name={name}");
        let o = run_into(
            &w.path.join("out"),
            "scenarios/baseline.toml",
            &["--set", &set],
        );
        let line = input_error(&o);
        assert!(line.contains("--set name="), "{line}");
    }
    decoys.assert_intact();
    assert_eq!(entries(&w.path.join("out")), ["data", "notes.txt"]);
}

#[test]
fn unsafe_comparison_names_are_refused() {
    let w = WorkDir::new("names-compare");
    let decoys = Decoys::plant(&w);
    let other = child(&w, "other.toml", "name = \"other\"\n");
    for name in BAD_NAMES {
        let o = omvang(&[
            "compare",
            "scenarios/baseline.toml",
            path_str(&other),
            "--iterations",
            "50",
            "--quiet",
            "--out",
            path_str(&w.path.join("out")),
            "--name",
            name,
        ]);
        let line = input_error(&o);
        assert!(line.contains("compare --name"), "{line}");
    }
    decoys.assert_intact();
    assert_eq!(entries(&w.path.join("out")), ["data", "notes.txt"]);
}

#[test]
fn a_file_name_that_is_unsafe_needs_a_name() {
    let w = WorkDir::new("names-stem");
    let s = w.write("my scenario.toml", &format!("extends = {:?}\n", baseline()));
    let line = input_error(&run_into(&w.path.join("out"), path_str(&s), &[]));
    assert!(line.contains("add name ="), "{line}");
}

#[test]
fn an_existing_folder_omvang_did_not_make_is_left_alone() {
    let w = WorkDir::new("unmarked");
    let decoys = Decoys::plant(&w);
    // The user's folder happens to be called like the scenario.
    let s = child(&w, "s.toml", "name = \"data\"\n");
    let line = input_error(&run_into(&w.path.join("out"), path_str(&s), &[]));
    assert!(line.contains("not made by omvang"), "{line}");
    assert!(line.contains("remove the folder yourself"), "{line}");
    decoys.assert_intact();
    assert_eq!(entries(&w.path.join("out/data")), ["keep.csv"]);
}

/// The id of a process that has finished, so certainly not alive.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn stale_temporary_folders_of_dead_runs_are_cleaned_and_others_kept() {
    let w = WorkDir::new("stale");
    let out = w.path.join("out");
    let decoys = Decoys::plant(&w);
    let pid = dead_pid();
    let stale = out.join(format!(".baseline.tmp-{pid}"));
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join(MARKER), "").unwrap();
    std::fs::write(stale.join("summary.csv"), "half").unwrap();
    // Looks like one of ours but has no marker: not ours, so kept.
    let lookalike = out.join(format!(".other.tmp-{pid}"));
    std::fs::create_dir_all(&lookalike).unwrap();
    std::fs::write(lookalike.join("mine.txt"), "mine").unwrap();

    let o = run_into(&out, "scenarios/baseline.toml", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists(), "the stale temporary folder is removed");
    assert_eq!(
        std::fs::read_to_string(lookalike.join("mine.txt")).unwrap(),
        "mine"
    );
    decoys.assert_intact();
    assert!(out.join("baseline").join(MARKER).is_file());
    assert!(out.join("baseline/manifest.json").is_file());
}

/// A run folder of `version`: three files that all carry it.
fn artifacts(version: &str) -> Vec<Artifact> {
    ["a.csv", "b.csv", "sub/c.csv"]
        .iter()
        .map(|n| Artifact {
            name: (*n).into(),
            bytes: version.as_bytes().to_vec(),
        })
        .collect()
}

/// The version of a complete run folder, or a panic saying what is wrong with it.
fn complete_version(dir: &Path) -> String {
    assert!(
        dir.join(MARKER).is_file(),
        "{} has no marker",
        dir.display()
    );
    let versions: Vec<String> = ["a.csv", "b.csv", "sub/c.csv"]
        .iter()
        .map(|n| {
            std::fs::read_to_string(dir.join(n))
                .unwrap_or_else(|e| panic!("{}/{n}: {e}", dir.display()))
        })
        .collect();
    assert!(versions.iter().all(|v| v == &versions[0]), "{versions:?}");
    versions[0].clone()
}

fn write_version(out: &Path, version: &str, stop_at: Option<SwapStep>) {
    let files = artifacts(version);
    let result = outputs::swap_in(out, "run", &|_| {}, &mut |s| Some(s) != stop_at, &|tmp| {
        for a in &files {
            let p = tmp.join(&a.name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &a.bytes).unwrap();
        }
        Ok(())
    });
    match stop_at {
        None => assert!(result.is_ok(), "{result:?}"),
        Some(_) => assert!(matches!(result, Err(outputs::OutputError::Stopped(_)))),
    }
}

#[test]
fn a_replacing_run_killed_at_any_step_leaves_a_complete_run() {
    let steps = [
        (SwapStep::TempStarted, "old"),
        (SwapStep::TempWritten, "old"),
        (SwapStep::OldSetAside, "old"),
        (SwapStep::NewInPlace, "new"),
    ];
    for (step, expected) in steps {
        let w = WorkDir::new("swap");
        let decoys = Decoys::plant(&w);
        let out = w.path.join("out");
        write_version(&out, "old", None);
        write_version(&out, "new", Some(step));
        // What the next run does first, under the lock.
        outputs::recover(&out).unwrap();
        assert_eq!(complete_version(&out.join("run")), expected, "{step:?}");
        assert_eq!(
            entries(&out),
            [".omvang.lock", "data", "notes.txt", "run"],
            "{step:?}: leftovers"
        );
        // And the next real replacement works.
        write_version(&out, "newer", None);
        assert_eq!(complete_version(&out.join("run")), "newer");
        decoys.assert_intact();
    }
}

/// A kill while the old folder is deleted, after the new one is in place, leaves the old one
/// marked (its marker goes last) or empty: the next run finishes the deletion either way, and a
/// look-alike with someone's file in it is kept.
#[test]
fn a_deletion_of_the_old_folder_killed_part_way_is_finished_by_recovery() {
    let w = WorkDir::new("swap-delete");
    let out = w.path.join("out");
    write_version(&out, "new", None);
    let pid = dead_pid();
    let marked = out.join(format!(".run.old-{pid}"));
    std::fs::create_dir_all(marked.join("sub")).unwrap();
    std::fs::write(marked.join(MARKER), "").unwrap();
    std::fs::write(marked.join("sub/c.csv"), "old").unwrap();
    let empty = out.join(format!(".other.old-{pid}"));
    std::fs::create_dir_all(&empty).unwrap();
    let lookalike = out.join(format!(".mine.old-{pid}"));
    std::fs::create_dir_all(&lookalike).unwrap();
    std::fs::write(lookalike.join("keep.txt"), "mine").unwrap();
    outputs::recover(&out).unwrap();
    assert_eq!(
        entries(&out),
        [
            ".mine.old-".to_string() + &pid.to_string(),
            ".omvang.lock".into(),
            "run".into()
        ]
    );
    assert_eq!(complete_version(&out.join("run")), "new");
    assert_eq!(
        std::fs::read_to_string(lookalike.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_first_run_killed_before_it_is_in_place_leaves_nothing_after_recovery() {
    let w = WorkDir::new("swap-first");
    let out = w.path.join("out");
    write_version(&out, "new", Some(SwapStep::TempWritten));
    outputs::recover(&out).unwrap();
    assert_eq!(entries(&out), [".omvang.lock"]);
}

#[test]
fn a_writer_waits_for_the_lock_and_says_so() {
    let w = WorkDir::new("lock");
    let out = w.path.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let held = outputs::lock_out(&out, &|_| panic!("nobody holds it yet")).unwrap();
    let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (out, waited) = (out.clone(), waited.clone());
        std::thread::spawn(move || {
            outputs::write_run(&out, "run", &artifacts("v"), &|lock| {
                assert!(lock.ends_with(".omvang.lock"));
                waited.store(true, std::sync::atomic::Ordering::SeqCst);
            })
            .unwrap()
        })
    };
    while !waited.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        !out.join("run").exists(),
        "nothing written while the lock is held"
    );
    drop(held);
    let dir = writer.join().unwrap();
    assert_eq!(complete_version(&dir), "v");
}

#[test]
fn two_concurrent_runs_into_one_folder_both_finish() {
    let w = WorkDir::new("concurrent");
    let out = w.path.join("out");
    let decoys = Decoys::plant(&w);
    let spawn = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_omvang"))
            .args([
                "run",
                "scenarios/baseline.toml",
                "--iterations",
                "100",
                "--seed",
                seed,
                "--quiet",
                "--no-report",
                "--out",
                path_str(&out),
            ])
            .current_dir(root())
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("1").unwrap());
        let b = s.spawn(|| spawn("2").unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    let manifest = std::fs::read_to_string(out.join("baseline/manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 1") || manifest.contains("\"seed\": 2"));
    assert_eq!(
        entries(&out),
        [".omvang.lock", "baseline", "data", "notes.txt"]
    );
    decoys.assert_intact();
}

#[test]
fn iterations_out_of_bounds_are_refused() {
    let w = WorkDir::new("iterations");
    let out = w.path.join("out");
    for (n, expect) in [
        ("0", "must lie from 1 to 1000000"),
        ("1000000000", "must lie from 1 to 1000000"),
    ] {
        let set = format!("run.iterations={n}");
        let line = input_error(&run_into(&out, "scenarios/baseline.toml", &["--set", &set]));
        assert!(line.contains("run.iterations"), "{line}");
        assert!(line.contains(expect), "{line}");
    }
    // Within the bound, but the results would not fit in memory.
    let line = input_error(&run_into(
        &out,
        "scenarios/baseline.toml",
        &[
            "--set",
            "run.iterations=1000000",
            "--set",
            "run.horizon=2078",
        ],
    ));
    assert!(line.contains("GB of results in memory"), "{line}");
}

#[test]
fn a_horizon_out_of_bounds_is_refused() {
    let w = WorkDir::new("horizon");
    for h in ["2147483647", "2079", "2017", "-2147483648"] {
        let set = format!("run.horizon={h}");
        let line = input_error(&run_into(
            &w.path.join("out"),
            "scenarios/baseline.toml",
            &["--set", &set],
        ));
        assert!(line.contains("run.horizon"), "{line}");
        assert!(line.contains("60 years after it"), "{line}");
    }
}

#[test]
fn extends_5000_deep_is_refused_quickly() {
    let w = WorkDir::new("deep");
    let deep = w.write("s0.toml", &format!("extends = {:?}\n", baseline()));
    let _ = deep;
    for i in 1..5000 {
        w.write(
            &format!("s{i}.toml"),
            &format!("name = \"s{i}\"\nextends = \"s{}.toml\"\n", i - 1),
        );
    }
    let top = w.path.join("s4999.toml");
    let start = std::time::Instant::now();
    let line = input_error(&run_into(&w.path.join("out"), path_str(&top), &[]));
    assert!(line.contains("nested more than 16 files deep"), "{line}");
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn an_extends_cycle_is_found_on_canonical_paths() {
    let w = WorkDir::new("cycle");
    std::fs::create_dir_all(w.path.join("sub")).unwrap();
    w.write("a.toml", "name = \"a\"\nextends = \"sub/b.toml\"\n");
    // Back to a.toml by another spelling of its path.
    w.write(
        "sub/b.toml",
        "name = \"b\"\nextends = \"../sub/../a.toml\"\n",
    );
    let line = input_error(&run_into(
        &w.path.join("out"),
        path_str(&w.path.join("a.toml")),
        &[],
    ));
    assert!(line.contains("`extends` forms a cycle"), "{line}");
}

#[test]
fn extends_of_a_device_fails_fast() {
    let w = WorkDir::new("devzero");
    let s = w.write("s.toml", "name = \"z\"\nextends = \"/dev/zero\"\n");
    let start = std::time::Instant::now();
    let line = input_error(&run_into(&w.path.join("out"), path_str(&s), &[]));
    assert!(line.contains("/dev/zero: is not a regular file"), "{line}");
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn a_huge_scenario_file_is_refused() {
    let w = WorkDir::new("huge");
    let s = w.write("s.toml", &format!("# {}\n", "x".repeat(2 << 20)));
    let line = input_error(&run_into(&w.path.join("out"), path_str(&s), &[]));
    assert!(line.contains("more than a scenario file can be"), "{line}");
}

#[test]
fn too_many_threads_warn_and_the_run_finishes() {
    let w = WorkDir::new("threads");
    let o = run_into(
        &w.path.join("out"),
        "scenarios/baseline.toml",
        &["--threads", "100000"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: --threads 100000 is more than the"),
        "{}",
        stderr(&o)
    );
    let manifest = std::fs::read_to_string(w.path.join("out/baseline/manifest.json")).unwrap();
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(
        manifest.contains(&format!("\"threads\": {cores}")),
        "{manifest}"
    );
}

#[test]
fn set_errors_keep_the_key_and_the_reason() {
    let w = WorkDir::new("set-errors");
    let line = input_error(&run_into(
        &w.path.join("out"),
        "scenarios/baseline.toml",
        &["--set", "parameters.caseload=lots"],
    ));
    assert!(line.contains("--set parameters.caseload=lots"), "{line}");
    assert!(line.contains("key `parameters.caseload`"), "{line}");
    assert!(
        line.contains("expected a number or a distribution table"),
        "{line}"
    );
    let line = input_error(&run_into(
        &w.path.join("out"),
        "scenarios/baseline.toml",
        &["--set", "run.iterashuns=5"],
    ));
    assert!(line.contains("unknown field `iterashuns`"), "{line}");
}

#[test]
fn os_error_text_appears_once() {
    let w = WorkDir::new("os-error");
    let o = run_into(&w.path.join("out"), "scenarios/does-not-exist.toml", &[]);
    let line = input_error(&o);
    assert_eq!(
        line.matches("No such file or directory").count(),
        1,
        "{line}"
    );
}

/// A finished run (with its report) in `w/out/<name>`.
fn finished_run(w: &WorkDir, scenario: &Path) -> PathBuf {
    let out = w.path.join("out");
    let o = omvang(&[
        "run",
        path_str(scenario),
        "--iterations",
        "100",
        "--quiet",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

#[test]
fn an_edited_manifest_is_refused_by_report() {
    let w = WorkDir::new("manifest");
    let out = finished_run(&w, &root().join("scenarios/baseline.toml"));
    let dir = out.join("baseline");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    for (from, to, expect) in [
        (
            "\"horizon\": 2040",
            "\"horizon\": 2147483647",
            "`horizon` = 2147483647",
        ),
        (
            "\"iterations\": 100",
            "\"iterations\": 0",
            "`iterations` = 0",
        ),
        (
            "\"scenario\": \"baseline\"",
            "\"scenario\": \"../data\"",
            "`scenario`",
        ),
    ] {
        assert!(manifest.contains(from), "{from} in {manifest}");
        std::fs::write(dir.join("manifest.json"), manifest.replace(from, to)).unwrap();
        let line = input_error(&omvang(&["report", path_str(&dir)]));
        assert!(line.contains("manifest.json"), "{line}");
        assert!(line.contains(expect), "{line}");
        assert!(line.contains("was it edited?"), "{line}");
    }
    std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join(MARKER).is_file());
}

#[test]
fn an_edited_comparison_cannot_reach_outside_the_output_folder() {
    let w = WorkDir::new("comparison-edit");
    let decoys = Decoys::plant(&w);
    let dir = w.path.join("out/comparison");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(MARKER), "").unwrap();
    std::fs::write(
        dir.join("comparison.json"),
        r#"{"omvang_version":"0.1.0","reference":"baseline","scenarios":["baseline","../mine"],"seed":1,"iterations":10}"#,
    )
    .unwrap();
    let line = input_error(&omvang(&["report", path_str(&dir)]));
    assert!(line.contains("comparison.json"), "{line}");
    assert!(line.contains("`scenarios`"), "{line}");
    decoys.assert_intact();
}

#[test]
fn report_of_a_folder_omvang_did_not_make_is_refused() {
    let w = WorkDir::new("report-unmarked");
    let out = finished_run(&w, &root().join("scenarios/baseline.toml"));
    // A copy the user made by hand: same files, no marker.
    let copy = w.path.join("mine/copy");
    std::fs::create_dir_all(&copy).unwrap();
    for f in entries(&out.join("baseline")) {
        let p = out.join("baseline").join(&f);
        if p.is_file() && f != MARKER {
            std::fs::copy(&p, copy.join(&f)).unwrap();
        }
    }
    let manifest = std::fs::read_to_string(copy.join("manifest.json")).unwrap();
    std::fs::write(
        copy.join("manifest.json"),
        manifest.replace("\"omvang_version\"", "\"version\""),
    )
    .unwrap();
    let o = omvang(&["report", path_str(&copy)]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(copy.join("summary.csv").is_file());
}

#[test]
fn report_text_from_files_is_escaped_in_markdown() {
    let w = WorkDir::new("escape");
    let s = child(
        &w,
        "s.toml",
        "name = \"esc_test\"\ndescription = \"<script>alert(1)</script> | a *b* [c](d) `e`\"\n",
    );
    let out = finished_run(&w, &s);
    let md = std::fs::read_to_string(out.join("esc_test/report.md")).unwrap();
    assert!(!md.contains("<script>"), "raw markup in report.md");
    assert!(
        md.contains("\\<script\\>alert(1)\\</script\\> \\| a \\*b\\* \\[c\\](d) \\`e\\`"),
        "{md}"
    );
    assert!(md.contains("**esc\\_test**"), "{md}");
    let html = std::fs::read_to_string(out.join("esc_test/report.html")).unwrap();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; | a *b* [c](d) `e`"));
}

#[test]
fn model_results_are_never_suppressed() {
    let w = WorkDir::new("no-suppression");
    let out = finished_run(&w, &root().join("scenarios/baseline.toml"));
    let md = std::fs::read_to_string(out.join("baseline/report.md")).unwrap();
    let chains = std::fs::read_to_string(out.join("baseline/chains.csv")).unwrap();
    let chain_names: Vec<&str> = chains
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    for line in md.lines().filter(|l| l.contains("<10")) {
        let observed_row = chain_names
            .iter()
            .any(|c| line.starts_with(&format!("| {} |", c.replace('_', "\\_"))));
        let explanation = line.contains("\"<10\"");
        assert!(
            observed_row || explanation,
            "suppressed outside the data photo: {line}"
        );
    }
    assert!(!md.contains("<10–") && !md.contains("–<10") && !md.contains("‹10"));
}

#[test]
fn an_interrupted_run_exits_130() {
    let w = WorkDir::new("interrupt");
    let child = Command::new(env!("CARGO_BIN_EXE_omvang"))
        .args([
            "run",
            "scenarios/baseline.toml",
            "--iterations",
            "200000",
            "--quiet",
            "--out",
            path_str(&w.path.join("out")),
        ])
        .current_dir(root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let leftovers: Vec<String> = entries(&w.path.join("out"))
        .into_iter()
        .filter(|e| e.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Issue 9: the real binary, killed with SIGKILL at moments spread over a replacing run (from
/// simulating to renaming), always leaves a complete run: the old one or the new one, every file
/// present and the manifest's seed telling which; and the next run leaves no temporary or
/// set-aside folder behind.
#[test]
fn a_replacing_binary_killed_at_any_moment_leaves_a_complete_run() {
    let w = WorkDir::new("sigkill");
    let out = w.path.join("out");
    let run = |seed: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_omvang"));
        c.args([
            "run",
            "scenarios/baseline.toml",
            "--iterations",
            "300",
            // The calibration is no part of the swap; without it, more of the kills land
            // in the writing.
            "--no-calibration",
            "--quiet",
            "--seed",
            seed,
            "--out",
            path_str(&out),
        ])
        .current_dir(root());
        c
    };
    let started = std::time::Instant::now();
    assert!(run("1").output().unwrap().status.success());
    let full = started.elapsed();
    let files = [
        "summary.csv",
        "monthly.csv",
        "chains.csv",
        "pooling.csv",
        "draws.parquet",
        "actuals.csv",
        "manifest.json",
        "report.md",
        "report.html",
        MARKER,
    ];
    let seed_of = |dir: &Path| -> u64 {
        for f in files {
            assert!(dir.join(f).is_file(), "{} lacks {f}", dir.display());
        }
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        m["seed"].as_u64().unwrap()
    };
    let mut seen = std::collections::BTreeSet::new();
    for k in 0..12u32 {
        let before = seed_of(&out.join("baseline"));
        let mut child = run(&(100 + k).to_string()).spawn().unwrap();
        // From 40% to 125% of a full run: the simulation, the writing and the swap.
        std::thread::sleep(full.mul_f64(0.4 + 0.85 * f64::from(k) / 11.0));
        let _ = child.kill(); // SIGKILL: no handler runs, nothing is cleaned up
        let _ = child.wait();
        let after = seed_of(&out.join("baseline"));
        assert!(
            after == before || after == u64::from(100 + k),
            "seed {after}"
        );
        seen.insert(after == before);
    }
    // The next run recovers: no temporary or set-aside folder is left.
    assert!(run("7").output().unwrap().status.success());
    assert_eq!(seed_of(&out.join("baseline")), 7);
    assert_eq!(entries(&out), [".omvang.lock", "baseline"], "leftovers");
    assert!(seen.contains(&true), "no kill landed before the swap");
}
