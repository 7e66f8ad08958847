//! `omvang backtest`: the folder it writes from one origin (cheap: one calibration of 200
//! particles), and bad origins refused before any work.

use std::collections::BTreeMap;

use crate::util::{omvang, path_str, root, WorkDir};

const HEADER: [&str; 23] = [
    "origin",
    "metric",
    "date",
    "observed",
    "median",
    "p05",
    "p95",
    "pit",
    "inside",
    "interval_score",
    "last_median",
    "last_p05",
    "last_p95",
    "last_pit",
    "last_inside",
    "last_interval_score",
    "line_median",
    "line_p05",
    "line_p95",
    "line_pit",
    "line_inside",
    "line_interval_score",
    "source",
];

/// The rows of a CSV file as maps from column to cell, and its header.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn number(row: &BTreeMap<String, String>, column: &str) -> Option<f64> {
    let cell = &row[column];
    (!cell.is_empty()).then(|| {
        cell.parse()
            .unwrap_or_else(|_| panic!("{column}: {cell:?}"))
    })
}

/// Every forecast present in a row agrees with itself: inside exactly when the observation lies
/// in its band, a PIT on the matching side of 5% and 95%, an interval score of at least the
/// band's width (equal to it inside). `slack` is how far a PIT may pass 5% or 95% (one draw).
fn check_forecast(row: &BTreeMap<String, String>, prefix: &str, slack: f64) {
    let y = number(row, "observed").unwrap();
    let get = |c: &str| number(row, &format!("{prefix}{c}"));
    let (Some(median), Some(low), Some(high), Some(pit), Some(score)) = (
        get("median"),
        get("p05"),
        get("p95"),
        get("pit"),
        get("interval_score"),
    ) else {
        panic!("{prefix} forecast incomplete: {row:?}");
    };
    let inside = &row[&format!("{prefix}inside")];
    assert!(low <= median && median <= high, "{prefix}: {row:?}");
    assert!((0.0..=1.0).contains(&pit), "{prefix}: {row:?}");
    let width = high - low;
    let rounding = 1e-5 * high.abs();
    if low <= y && y <= high {
        assert_eq!(inside, "true", "{prefix}: {row:?}");
        assert!(
            (0.05 - slack..=0.95 + slack).contains(&pit),
            "{prefix}: {row:?}"
        );
        assert!((score - width).abs() <= rounding, "{prefix}: {row:?}");
    } else {
        assert_eq!(inside, "false", "{prefix}: {row:?}");
        if y < low {
            assert!(pit <= 0.05 + slack, "{prefix}: {row:?}");
        } else {
            assert!(pit >= 0.95 - slack, "{prefix}: {row:?}");
        }
        assert!(score > width + rounding, "{prefix}: {row:?}");
    }
}

#[test]
fn backtest_from_one_origin_writes_scored_forecasts_of_every_later_observation() {
    let w = WorkDir::new("backtest");
    let out = w.path.join("out");
    let o = omvang(&[
        "backtest",
        "scenarios/baseline.toml",
        "--iterations",
        "200",
        "--origins",
        "2022-10-01",
        // It shows the calibration's stages: calibrate, whatever an earlier run kept.
        "--no-cache",
        "--out",
        path_str(&out),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "baseline: backtest origin 1 of 1 (2022-10-01): calibrating on 13 observations"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("baseline: calibration stage 1,"),
        "{stderr}"
    );
    let dir = out.join("baseline-backtest");
    assert!(
        stdout.contains(&format!("-> {}", dir.display())),
        "{stdout}"
    );
    assert!(stdout.contains("clients_in_care"), "{stdout}");
    for f in [
        ".omvang-run",
        "backtest.csv",
        "backtest_paths.csv",
        "manifest.json",
        "report.md",
        "report.html",
        "charts/backtest.svg",
        "charts/backtest.png",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }

    // Exactly the observations of the record not known at the origin, as published: those
    // dated after it, and the yearly stated wait of 2022, whose year had not ended by October.
    let (_, actuals) = read_csv(&root().join("data/national/actuals.csv"));
    let mut later: Vec<(String, String, f64)> = actuals
        .iter()
        .filter(|a| {
            a["date"].as_str() > "2022-10-01"
                || (a["metric"].ends_with("wait_weeks") && a["date"].starts_with("2022"))
        })
        .map(|a| {
            (
                a["metric"].clone(),
                a["date"].clone(),
                a["value"].parse().unwrap(),
            )
        })
        .collect();
    later.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(later.len(), 5, "{later:?}");
    let (header, rows) = read_csv(&dir.join("backtest.csv"));
    assert_eq!(header, HEADER);
    let mut got: Vec<(String, String, f64)> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["origin"], "2022-10-01");
            (
                r["metric"].clone(),
                r["date"].clone(),
                number(r, "observed").unwrap(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, later);

    for r in &rows {
        check_forecast(r, "", 1.5 / 200.0);
        for prefix in ["last_", "line_"] {
            if number(r, &format!("{prefix}median")).is_some() {
                check_forecast(r, prefix, 1e-9);
            } else {
                // Absent: every cell of it empty.
                for c in ["p05", "p95", "pit", "inside", "interval_score"] {
                    assert_eq!(r[&format!("{prefix}{c}")], "", "{r:?}");
                }
            }
        }
    }
    let row = |metric: &str| rows.iter().find(|r| r["metric"] == metric).unwrap();
    // Clients: 64,529 on 2022-10-01 (coverage 1) carried to 2023-01-01 (coverage 0.97), and a
    // line through 2018-07-01 and 2022-10-01.
    let clients = row("clients_in_care");
    let last = number(clients, "last_median").unwrap();
    assert!((last - 64_529.0 * 0.97).abs() < 0.1, "{last}");
    assert!(number(clients, "line_median").unwrap() > last);
    // FTE have one observation up to the origin: a last value but no line.
    let fte = row("fte_available");
    assert!((number(fte, "last_median").unwrap() - 1_272.0 * 0.97).abs() < 0.01);
    assert_eq!(fte["line_median"], "");

    let (header, paths) = read_csv(&dir.join("backtest_paths.csv"));
    assert_eq!(header, ["origin", "metric", "month", "p05", "p50", "p95"]);
    let months: Vec<&str> = paths
        .iter()
        .filter(|p| p["metric"] == "clients_in_care")
        .map(|p| p["month"].as_str())
        .collect();
    assert_eq!(months, ["2022-10", "2022-11", "2022-12", "2023-01"]);
    for p in &paths {
        let q = |c: &str| number(p, c).unwrap();
        assert!(q("p05") <= q("p50") && q("p50") <= q("p95"), "{p:?}");
    }

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["iterations"], 200);
    assert_eq!(manifest["seed"], 20181);
    assert_eq!(manifest["origins"][0]["origin"], "2022-10-01");
    assert_eq!(manifest["origins"][0]["observations"], 12);
    assert_eq!(manifest["origins"][0]["forecasts"], 5);
    assert!(manifest["inputs"].as_array().unwrap().len() >= 4);

    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("## Hoe goed voorspelt het model?"), "{md}");
    assert!(
        md.contains("![") && md.contains("(charts/backtest.png)"),
        "{md}"
    );
    assert!(md.contains("--origins 2022-10-01"), "{md}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<figure><img src=\"data:image/svg+xml;base64,"));

    // `omvang report` does not rebuild a backtest folder, and says so.
    let o = omvang(&["report", path_str(&dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("omvang backtest again"));
}

#[test]
fn bad_origins_and_names_exit_2_before_any_folder_exists() {
    let w = WorkDir::new("backtest-bad");
    for (args, needle) in [
        (&["--origins", "2023-01-01"][..], "--origins 2023-01-01"),
        (
            &["--origins", "2022-10-01,2017-12"][..],
            "--origins 2017-12",
        ),
        (&["--origins", "2022-13-01"][..], "--origins 2022-13-01"),
        (&["--origins", "soon"][..], "YYYY-MM-DD or YYYY-MM"),
        (&["--name", "../elsewhere"][..], "backtest --name"),
    ] {
        let out = w.path.join("out");
        let mut all = vec![
            "backtest",
            "scenarios/baseline.toml",
            "--iterations",
            "50",
            "--out",
            path_str(&out),
        ];
        all.extend_from_slice(args);
        let o = omvang(&all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} left {}", out.display());
    }
}
