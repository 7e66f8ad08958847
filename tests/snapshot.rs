//! Snapshots of a small fixed-seed run (insta): `summary.csv`, `report.md` and the SVG of one
//! chart. A refactor that should change nothing must leave them byte for byte; a change that is
//! meant is reviewed with `cargo insta review` (or `INSTA_UPDATE=always`) and committed.

use crate::util::{omvang, path_str, WorkDir};

/// The report's one run-dependent line (when it ran) replaced by a fixed marker.
fn without_start_time(md: &str, manifest: &str) -> String {
    let started = manifest
        .split("\"started_at\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("started_at in manifest.json");
    assert!(md.contains(started), "the report quotes when it ran");
    md.replace(started, "[started_at]")
}

#[test]
fn fixed_seed_run_matches_its_snapshots() {
    let w = WorkDir::new("snapshot");
    let out = w.path.join("out");
    let o = omvang(&[
        "run",
        "scenarios/baseline.toml",
        "--iterations",
        "60",
        "--seed",
        "7",
        "--threads",
        "2",
        "--quiet",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = out.join("baseline");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    insta::assert_snapshot!("summary_csv", read("summary.csv"));
    insta::assert_snapshot!(
        "report_md",
        without_start_time(&read("report.md"), &read("manifest.json"))
    );
    insta::assert_snapshot!(
        "fan_clients_in_care_svg",
        read("charts/fan_clients_in_care.svg")
    );
}
