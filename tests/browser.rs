//! End to end: report.html opens in a real headless Chromium (Debian's `chromium`, driven by
//! playwright-core from `tests/browser/`): it renders, every image loads, no request leaves the
//! file, and it prints to A4. Without them the test says it skipped; with
//! `OMVANG_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs both) it fails instead.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;

use crate::util::{root, shared_baseline, WorkDir};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OMVANG_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

#[test]
fn report_html_renders_in_headless_chromium_without_network() {
    let script = root().join("tests/browser/check.mjs");
    let modules = root().join("tests/browser/node_modules/playwright-core");
    let Some(browser) = chromium().filter(|_| modules.is_dir()) else {
        let why = "needs Debian's chromium and `npm ci --prefix tests/browser` (bash .ci/run installs both)";
        assert!(
            std::env::var_os("OMVANG_REQUIRE_BROWSER").is_none_or(|v| v != "1"),
            "OMVANG_REQUIRE_BROWSER=1 but the browser test cannot run: it {why}"
        );
        // Straight to stderr, past the test harness's capture, so the skip shows in every run.
        let _ = writeln!(
            std::io::stderr(),
            "SKIP report_html_renders_in_headless_chromium_without_network: {why}"
        );
        return;
    };
    let w = WorkDir::new("browser");
    let report = shared_baseline(&w).join("report.html");
    // Kept for people to look at: target/browser-first-page.png.
    let shot = root().join("target/browser-first-page.png");
    let o = Command::new("node")
        .arg(&script)
        .arg(&browser)
        .arg(&report)
        .arg(&shot)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "browser check failed: {}\n{stdout}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(r["h1"], "Omvang casemanagement dementie: baseline", "{r}");
    assert!(
        r["height"].as_u64().unwrap() > 3000,
        "the page has content: {r}"
    );
    // Eight projection charts, the case managers' flows, the hindcast chart of the (default)
    // calibrated run and people with dementia beside projections by others.
    assert_eq!(r["images"], 11, "{r}");
    assert_eq!(
        r["figures"], 11,
        "every chart is a figure with its caption: {r}"
    );
    assert_eq!(r["loaded"], r["images"], "every image loads: {r}");
    assert_eq!(
        r["external"].as_array().unwrap().len(),
        0,
        "no request leaves the file: {r}"
    );
    assert_eq!(r["console_errors"].as_array().unwrap().len(), 0, "{r}");
    assert!(
        r["pdf_bytes"].as_u64().unwrap() > 10_000,
        "prints to A4: {r}"
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "screenshot taken"
    );
}
