//! What a run folder holds for a reader who acts on it: the Excel workbook (numbers as numbers,
//! rounded to their unit), the report per language side by side, descriptions per language,
//! runs with overrides in their own folder, costs with their price level, sources that follow
//! the inputs, and the hindcast and calibration read from hand-written files.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use omvang::model::metrics::Metric;

use crate::util::{omvang, path_str, run_baseline, shared_baseline, WorkDir};

/// The parts of an .xlsx file (a zip) by name, as text.
fn xlsx(path: &Path) -> BTreeMap<String, String> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        out.insert(part.name().to_string(), text);
    }
    out
}

/// Sheet names in order.
fn sheet_names(parts: &BTreeMap<String, String>) -> Vec<String> {
    parts["xl/workbook.xml"]
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

/// The number of the sheet called `name` (1-based, as in `xl/worksheets/sheet<n>.xml`).
fn sheet(parts: &BTreeMap<String, String>, name: &str) -> usize {
    let names = sheet_names(parts);
    names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no sheet {name} in {names:?}"))
        + 1
}

/// The shared strings, by index.
fn strings(parts: &BTreeMap<String, String>) -> Vec<String> {
    parts["xl/sharedStrings.xml"]
        .split("<si><t")
        .skip(1)
        .map(|s| {
            let s = s.split_once('>').unwrap().1;
            s.split("</t>")
                .next()
                .unwrap()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Cells of a sheet: reference (`B2`) → (is a number, value or shared-string text).
fn cells(parts: &BTreeMap<String, String>, sheet: usize) -> BTreeMap<String, (bool, String)> {
    let shared = strings(parts);
    let xml = &parts[&format!("xl/worksheets/sheet{sheet}.xml")];
    let mut out = BTreeMap::new();
    for c in xml.split("<c r=\"").skip(1) {
        let (reference, rest) = c.split_once('"').unwrap();
        let head = rest.split('>').next().unwrap();
        let Some(value) = rest
            .split("<v>")
            .nth(1)
            .map(|v| v.split("</v>").next().unwrap())
        else {
            continue;
        };
        if head.contains("t=\"s\"") {
            out.insert(
                reference.to_string(),
                (false, shared[value.parse::<usize>().unwrap()].clone()),
            );
        } else {
            out.insert(reference.to_string(), (true, value.to_string()));
        }
    }
    out
}

fn column(reference: &str) -> String {
    reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect()
}

fn row_of(reference: &str) -> u32 {
    reference
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap()
}

/// The values of one sheet row, by column letter.
fn row(cells: &BTreeMap<String, (bool, String)>, r: u32) -> BTreeMap<String, (bool, String)> {
    cells
        .iter()
        .filter(|(k, _)| row_of(k) == r)
        .map(|(k, v)| (column(k), v.clone()))
        .collect()
}

fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} not in\n{md}"));
    let rest = &md[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// `tables.xlsx`: the summary with a unit column and every number a number cell rounded to its
/// unit (people whole, FTE and weeks to one decimal, shares to three), equal to `summary.csv`;
/// the (default) calibrated run's hindcast and calibration, a row per row of their CSV files;
/// the data photo with counts below 10 suppressed; `omvang report` rebuilds it byte for byte.
#[test]
fn the_workbook_holds_the_summary_with_units_and_sensible_rounding() {
    let w = WorkDir::new("xlsx");
    let dir = shared_baseline(&w);
    let parts = xlsx(&dir.join("tables.xlsx"));
    assert_eq!(
        sheet_names(&parts),
        ["samenvatting", "hindcast", "calibratie", "datafoto"]
    );
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let lines: Vec<&str> = summary.lines().skip(1).collect();
    let cells = cells(&parts, 1);
    let header = row(&cells, 1);
    assert_eq!(header["E"].1, "Eenheid");
    assert_eq!(header["I"].1, "p50");
    let mut units = BTreeMap::new();
    let mut labels = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let r = row(&cells, i as u32 + 2);
        assert_eq!(r["C"].1, f[1], "row {}", i + 2);
        assert_eq!(r["D"], (true, f[2].to_string()));
        let unit = r["E"].1.clone();
        units.insert(f[1].to_string(), unit.clone());
        labels.insert(f[1].to_string(), r["B"].1.clone());
        let decimals = match f[1] {
            "coverage"
            | "share_waiting_over_norm"
            | "share_admitted_within_4_weeks"
            | "caseload_stretch" => 3,
            "mean_wait_weeks" | "stated_wait_weeks" => 1,
            m if m.starts_with("fte_") => 1,
            _ => 0,
        };
        for (k, col) in ["F", "G", "H", "I", "J", "K"].iter().enumerate() {
            let (number, text) = &r[*col];
            assert!(*number, "{col}{} is text: {text}", i + 2);
            // The cell is the CSV value rounded to its unit, and prints as such.
            let csv: f64 = f[3 + k].parse().unwrap();
            let scale = 10f64.powi(decimals);
            let expected = (csv * scale).round() / scale;
            let value: f64 = text.parse().unwrap();
            assert_eq!(value, expected, "{} {} column {col}", f[1], f[2]);
            let shown = text.split('.').nth(1).map_or(0, str::len);
            assert!(shown <= decimals as usize, "{text} has noise");
        }
    }
    assert_eq!(units["clients_in_care"], "personen");
    assert_eq!(units["people_with_dementia_constant_rates"], "personen");
    assert_eq!(
        labels["people_with_dementia_constant_rates"],
        "Mensen met dementie bij constante prevalentie"
    );
    assert_eq!(units["arrivals"], "personen per jaar");
    assert_eq!(units["fte_needed"], "FTE");
    assert_eq!(units["mean_wait_weeks"], "weken");
    assert_eq!(units["coverage"], "aandeel (0–1)");
    assert_eq!(units["cost_eur"], "euro per jaar (prijspeil 2018)");
    assert_eq!(units["unmet_demand"], "personen per jaar");
    assert_eq!(units["left_waiting_list"], "personen per jaar");
    assert_eq!(units["caseload_stretch"], "verhouding");
    // Every metric of the registry has its rows, a label that is no raw key, and a unit.
    for metric in Metric::ALL {
        let key = metric.as_str();
        assert!(labels.contains_key(key), "{key} has no row");
        assert!(
            !labels[key].is_empty() && labels[key] != key,
            "{key}: {}",
            labels[key]
        );
        assert!(!units[key].is_empty(), "{key} has no unit");
    }
    assert_eq!(labels.len(), Metric::ALL.len());
    // Number formats: whole numbers and decimals have an Excel format with separators.
    assert!(parts["xl/styles.xml"].contains("formatCode=\"#,##0.000\""));
    assert!(parts["xl/styles.xml"].contains("formatCode=\"#,##0.0\""));

    // The hindcast and calibration sheets: a header and a row per row of their CSV files.
    for (name, file) in [
        ("hindcast", "hindcast.csv"),
        ("calibratie", "calibration.csv"),
    ] {
        let csv = std::fs::read_to_string(dir.join(file)).unwrap();
        let n = csv.lines().count() as u32;
        let sheet = self::cells(&parts, sheet(&parts, name));
        assert!(
            !row(&sheet, n).is_empty(),
            "{name} has a row per row of {file}"
        );
        assert!(
            row(&sheet, n + 1).is_empty(),
            "{name} has a row per row of {file}"
        );
    }

    // The data photo: the chains and pooled rows of chains.csv.
    let photo = self::cells(&parts, sheet(&parts, "datafoto"));
    let chains = std::fs::read_to_string(dir.join("chains.csv")).unwrap();
    let n = chains.lines().count() as u32;
    assert_eq!(row(&photo, n)["A"].1, "pi_high");
    assert!(row(&photo, 2)["A"].1.starts_with("illustrative"));
    assert!(photo.values().all(|(number, v)| *number || !v.is_empty()));

    // Rebuilding gives the same bytes; the English workbook sits beside it.
    let before = std::fs::read(dir.join("tables.xlsx")).unwrap();
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(dir.join("tables.xlsx")).unwrap(), before);
    let o = omvang(&["report", path_str(&dir), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let en = xlsx(&dir.join("tables.en.xlsx"));
    assert_eq!(
        sheet_names(&en),
        ["summary", "hindcast", "calibration", "data photo"]
    );
    let cells_en = self::cells(&en, 1);
    for i in 0..lines.len() as u32 {
        let r = row(&cells_en, i + 2);
        let (label, key, unit) = (&r["B"].1, &r["C"].1, &r["E"].1);
        assert!(Metric::parse(key).is_some(), "{key}");
        assert!(
            !label.is_empty() && label != key && !unit.is_empty(),
            "{key}: {label} {unit}"
        );
    }
    assert_eq!(std::fs::read(dir.join("tables.xlsx")).unwrap(), before);
}

/// The data photo's counts below 10 are "<10" in the workbook, as in the report.
#[test]
fn the_workbook_suppresses_small_chain_counts() {
    let w = WorkDir::new("xlsx-small");
    let chains =
        std::fs::read_to_string(crate::util::root().join("data/chains/illustrative_chains.csv"))
            .unwrap();
    let mut lines: Vec<String> = chains.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|c| *c == "outflow_other").unwrap();
    // One chain with almost no other exits.
    let first_chain = lines[1].split(',').next().unwrap().to_string();
    for line in lines.iter_mut().skip(1) {
        let mut f: Vec<String> = line.split(',').map(String::from).collect();
        if f[0] == first_chain {
            f[col] = "1".into();
            *line = f.join(",");
        }
    }
    let file = w.write("small.csv", &(lines.join("\n") + "\n"));
    let dir = crate::util::run_with_chains(&w, &file, "out");
    let parts = xlsx(&dir.join("tables.xlsx"));
    let photo = cells(&parts, sheet(&parts, "datafoto"));
    let header = row(&photo, 1);
    let other = header
        .iter()
        .find(|(_, v)| v.1 == "outflow_other")
        .map(|(k, _)| k.clone())
        .unwrap();
    let first = (2..40)
        .find(|r| row(&photo, *r).get("A").is_some_and(|v| v.1 == first_chain))
        .unwrap();
    assert_eq!(row(&photo, first)[&other], (false, "<10".to_string()));
}

/// `run --lang en` writes the English report only, under its own names; the Dutch names stay
/// free for a Dutch rebuild, which then leaves the English files alone.
#[test]
fn run_in_english_writes_the_english_files_only() {
    let w = WorkDir::new("lang-en");
    let dir = run_baseline(&w, &["--lang", "en"]);
    for f in [
        "report.en.md",
        "report.en.html",
        "tables.en.xlsx",
        "charts/en/fan_cost.svg",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    for f in [
        "report.md",
        "report.html",
        "tables.xlsx",
        "charts/fan_cost.svg",
    ] {
        assert!(!dir.join(f).exists(), "{f}");
    }
    let md = std::fs::read_to_string(dir.join("report.en.md")).unwrap();
    assert!(
        md.contains("![The model beside") || md.contains("(charts/en/fan_cost.png)"),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("report.en.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    // Every chart is embedded from its English file; no link to a file is left.
    let charts = std::fs::read_dir(dir.join("charts/en")).unwrap().count() / 2;
    assert_eq!(html.matches("data:image/svg+xml;base64,").count(), charts);
    assert!(!html.contains("charts/en/"));
    let english = crate::report::folder_files(&dir);
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let both = crate::report::folder_files(&dir);
    for (name, bytes) in &english {
        assert_eq!(
            both.get(name),
            Some(bytes),
            "{name} changed by the Dutch rebuild"
        );
    }
    assert!(dir.join("report.md").is_file() && dir.join("charts/fan_cost.svg").is_file());
    assert!(String::from_utf8_lossy(&o.stdout).contains("wrote report.md, report.html"));
}

/// Descriptions per language: the Dutch report shows `nl`, the English one `en`; a manifest
/// from before (a plain string) still reads; one language falls back to the other.
#[test]
fn descriptions_follow_the_report_language() {
    let w = WorkDir::new("descr");
    let dir = shared_baseline(&w);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains(
            "**baseline**: Huidige praktijk, afgestemd op de landelijke tellingen 2018-2023: \
             verwijzing zoals waargenomen in de ketens"
        ),
        "{md}"
    );
    assert!(!md.contains("Current practice"));
    let o = omvang(&["report", path_str(&dir), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let en = std::fs::read_to_string(dir.join("report.en.md")).unwrap();
    assert!(
        en.contains(
            "**baseline**: Current practice, calibrated to the national counts of 2018-2023: \
             referral as observed in the chains"
        ),
        "{en}"
    );
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert!(m["description"]["nl"]
        .as_str()
        .unwrap()
        .starts_with("Huidige praktijk"));
    assert!(m["description"]["en"]
        .as_str()
        .unwrap()
        .starts_with("Current practice"));

    // An older manifest: the description is one string, for both languages.
    let mut old = m.clone();
    old["description"] = serde_json::Value::String("Oude beschrijving.".into());
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&old).unwrap(),
    )
    .unwrap();
    let o = omvang(&["report", path_str(&dir), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let en = std::fs::read_to_string(dir.join("report.en.md")).unwrap();
    assert!(
        en.contains("**baseline**: Oude beschrijving. Base year"),
        "{en}"
    );

    // A scenario with only a Dutch description: the English report falls back to it.
    let scenario = w.write(
        "nl-only.toml",
        &format!(
            "extends = \"{}\"\nname = \"alleen-nl\"\ndescription = {{ nl = \"Alleen Nederlands\" }}\n",
            path_str(&crate::util::root().join("scenarios/baseline.toml"))
        ),
    );
    let out = w.path.join("out2");
    let o = omvang(&[
        "run",
        path_str(&scenario),
        "--iterations",
        "50",
        "--quiet",
        "--lang",
        "en",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let en = std::fs::read_to_string(out.join("alleen-nl/report.en.md")).unwrap();
    assert!(
        en.contains("**alleen-nl**: Alleen Nederlands. Base year"),
        "{en}"
    );
}

/// Every shipped scenario has a Dutch and an English description.
#[test]
fn shipped_scenarios_describe_themselves_in_both_languages() {
    for entry in std::fs::read_dir(crate::util::root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let d = table["description"]
            .as_table()
            .unwrap_or_else(|| panic!("{path:?}"));
        for lang in ["nl", "en"] {
            assert!(
                d[lang].as_str().is_some_and(|t| t.len() > 20),
                "{path:?} has no {lang} description"
            );
        }
        assert_ne!(d["nl"], d["en"], "{path:?}");
    }
}

/// `--set` gives the run its own folder `<scenario>-<8 hex>` (the same overrides in any order
/// give the same name), never the plain scenario's; `--set name=` still names it; the report
/// and manifest show the overrides.
#[test]
fn a_run_with_overrides_gets_its_own_name_and_folder() {
    let w = WorkDir::new("named");
    let out = w.path.join("out");
    let run = |set: &[&str]| {
        let mut args = vec![
            "run",
            "scenarios/baseline.toml",
            "--iterations",
            "60",
            "--quiet",
            "--out",
            path_str(&out),
        ];
        for s in set {
            args.extend(["--set", s]);
        }
        let o = omvang(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let folders = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    run(&[]);
    assert_eq!(folders(), ["baseline"]);
    let plain = std::fs::read(out.join("baseline/summary.csv")).unwrap();
    run(&["parameters.caseload=50", "run.horizon=2030"]);
    let named = folders();
    assert_eq!(named.len(), 2, "{named:?}");
    let name = named.iter().find(|n| *n != "baseline").unwrap().clone();
    let hex = name.strip_prefix("baseline-").unwrap();
    assert_eq!(hex.len(), 8);
    assert!(hex
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    // The plain run is untouched.
    assert_eq!(
        std::fs::read(out.join("baseline/summary.csv")).unwrap(),
        plain
    );
    // The same overrides in another order (and spacing): the same folder.
    run(&["run.horizon = 2030", "parameters.caseload=50"]);
    assert_eq!(folders(), named);
    // Other overrides: another folder.
    run(&["parameters.caseload=51"]);
    assert_eq!(folders().len(), 3);
    // A name given with --set wins.
    run(&["parameters.caseload=50", "name=mijn-variant"]);
    assert!(folders().contains(&"mijn-variant".to_string()));

    let dir = out.join(&name);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    // The last run into this folder gave the overrides in the other order.
    let line = md
        .lines()
        .find(|l| l.starts_with("Deze run wijkt af van het scenariobestand met: "))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(line.contains("`parameters.caseload=50`"), "{line}");
    assert!(line.contains("`run.horizon = 2030`"), "{line}");
    assert!(md.starts_with(&format!("# Omvang casemanagement dementie: {name}")));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["scenario"], name.as_str());
    let overrides: Vec<&str> = m["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        overrides.contains(&"parameters.caseload=50"),
        "{overrides:?}"
    );
    assert!(overrides.contains(&"run.horizon = 2030"), "{overrides:?}");
}

/// Costs carry their price level, and the index when it is not zero: in the key message, the
/// outlook table and the cost chart's axis.
#[test]
fn costs_state_their_price_level_and_index() {
    let w = WorkDir::new("price");
    let dir = run_baseline(
        &w,
        &[
            "--set",
            "parameters.cost_index_per_year=0.02",
            "--set",
            "name=geindexeerd",
        ],
    );
    assert!(dir.ends_with("baseline"));
    let dir = dir.parent().unwrap().join("geindexeerd");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let key = section(&md, "## Kernboodschap");
    assert!(
        key.contains("per jaar zijn (prijspeil 2018, geïndexeerd met 2,0% per jaar)."),
        "{key}"
    );
    assert!(
        md.contains("| Kosten in het jaar (prijspeil 2018, geïndexeerd met 2,0% per jaar) |"),
        "{md}"
    );
    let svg = std::fs::read_to_string(dir.join("charts/fan_cost.svg")).unwrap();
    assert!(svg.contains("prijspeil 2018, geïndexeerd met 2,0% per jaar"));
    let w2 = WorkDir::new("price-plain");
    let plain = run_baseline(&w2, &["--lang", "en"]);
    let md = std::fs::read_to_string(plain.join("report.en.md")).unwrap();
    assert!(md.contains("a year (2018 prices)."), "{md}");
    assert!(!md.contains("indexed"));
}

/// The report opens with one sentence to act on, quoting the waiting list at the last
/// observation (1 January 2023, where the record pins it down, not the start of the run) and at
/// the horizon and the FTE gap (medians of summary.csv), and says once that medians do not
/// subtract.
#[test]
fn the_report_opens_with_a_conclusion_from_the_figures() {
    let w = WorkDir::new("conclusion");
    let dir = shared_baseline(&w);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let p50 = |metric: &str, year: &str| -> f64 {
        summary
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|f| f[1] == metric && f[2] == year)
            .map(|f| f[6].parse().unwrap())
            .unwrap()
    };
    let first = md.lines().nth(2).unwrap();
    assert!(
        first.starts_with("**Conclusie.** In scenario **baseline** "),
        "{first}"
    );
    let dutch = |x: f64| {
        let x = omvang::report::format::round_sig(x, 3);
        omvang::report::format::number(x, 0, omvang::report::Lang::Nl)
    };
    for (metric, year) in [
        ("waiting_list", "2023"),
        ("waiting_list", "2040"),
        ("fte_gap", "2040"),
    ] {
        let v = dutch(p50(metric, year));
        assert!(first.contains(&v), "{metric} {year}: {v} not in {first}");
    }
    assert!(first.contains("op 1 januari 2023"), "{first}");
    assert!(md.find("**Conclusie.**").unwrap() < md.find("## Kernboodschap").unwrap());
    assert_eq!(
        md.matches("de mediaan van een verschil is daarom niet het verschil")
            .count(),
        1
    );
    let o = omvang(&["report", path_str(&dir), "--lang", "en"]);
    assert!(o.status.success());
    let en = std::fs::read_to_string(dir.join("report.en.md")).unwrap();
    assert!(en
        .lines()
        .nth(2)
        .unwrap()
        .starts_with("**Conclusion.** In scenario **baseline** the waiting list "));
    assert_eq!(
        en.matches("the median of a difference is not the difference of the two medians")
            .count(),
        1
    );
}

/// The sources are those of the inputs the run used: its chain file by name (not the shipped
/// one), its national figures and projections files and the publications in their `source`
/// columns only.
#[test]
fn sources_follow_the_inputs_the_run_used() {
    let w = WorkDir::new("sources");
    let chains =
        std::fs::read_to_string(crate::util::root().join("data/chains/illustrative_chains.csv"))
            .unwrap();
    let photo = w.write("mijn_datafoto.csv", &chains);
    let actuals = w.write(
        "landelijk.csv",
        "metric,date,value,source\nclients_in_care,2018-07-01,62000,\"Bron A, rapport 2018\"\nwaiting_list,2018-07-01,1136,\"Bron B: noot\"\n",
    );
    let projections = w.write(
        "verwacht.csv",
        "metric,year,value,publisher,source\npeople_with_dementia,2035,450000,C,Bron C 2024\n",
    );
    let dir = run_baseline(
        &w,
        &[
            "--chains",
            path_str(&photo),
            "--set",
            &format!("data.actuals={}", path_str(&actuals)),
            "--set",
            &format!("data.projections={}", path_str(&projections)),
            "--set",
            "name=eigen-bronnen",
        ],
    );
    let dir = dir.parent().unwrap().join("eigen-bronnen");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let sources = section(&md, "## Bronnen");
    assert!(sources.contains("`mijn_datafoto.csv`"), "{sources}");
    assert!(!sources.contains("illustrative_chains.csv"), "{sources}");
    assert!(
        sources.contains("Landelijke cijfers: `landelijk.csv`, uit: Bron A, rapport 2018; Bron B."),
        "{sources}"
    );
    assert!(
        sources.contains("`verwacht.csv`, uit: Bron C 2024."),
        "{sources}"
    );
    for absent in [
        "HHM",
        "NZa",
        "Alzheimer",
        "Zorgstandaard Dementie (2013",
        "VWS",
        "RIVM",
    ] {
        assert!(!sources.contains(absent), "{absent} in {sources}");
    }
}

const HINDCAST: &str = "metric,date,observed,coverage,prior_median,prior_low,prior_high,posterior_median,posterior_low,posterior_high,source
clients_in_care,2018-07-01,62000,1.0,60500,53000,67000,61800,59000,64500,Telling X 2018
waiting_list,2018-07-01,1136,1.0,1900,400,5200,1300,800,2100,Telling X 2018
waiting_list,2023-01-01,2551,0.97,6000,1000,15000,3500,2700,4600,Kaart Y 2023
mean_wait_weeks,2018-07-01,4.714,1.0,5.1,2.0,9.5,4.9,3.9,6.0,Telling X 2018
";

const CALIBRATION: &str =
    "parameter,prior_median,prior_low,prior_high,posterior_median,posterior_low,posterior_high
caseload,52,48,56,51.2,49.5,53.1
pooled_uptake,0.31,0.27,0.35,0.305,0.29,0.32
";

fn set_calibration(dir: &Path, calibration: Option<serde_json::Value>) {
    let path = dir.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    match calibration {
        Some(c) => m["calibration"] = c,
        None => {
            m.as_object_mut().unwrap().remove("calibration");
        }
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

/// The rows of the hindcast table in a report section: the table rows whose second cell is a
/// date.
fn hindcast_table_rows(section: &str) -> usize {
    section
        .lines()
        .filter(|l| {
            l.split(" | ")
                .nth(1)
                .is_some_and(|d| d.len() == 10 && d.chars().all(|c| c.is_ascii_digit() || c == '-'))
        })
        .count()
}

/// A real run (calibrated by default) shows its own hindcast and calibration; a run folder
/// without those files (an older run) has no such section, chart or sheets. Hand-written
/// hindcast and calibration files become a section with the hindcast table, the ESS sentence,
/// the observation outside the posterior band in words, the prior→posterior table, a hindcast
/// chart, and workbook sheets; their sources are listed.
#[test]
fn hindcast_and_calibration_are_shown_when_the_run_has_them() {
    let w = WorkDir::new("hindcast");
    let dir = shared_baseline(&w);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let c = &m["calibration"];
    assert_eq!(c["calibrated"], true, "{c}");
    let s = section(&md, "## Toetsing aan de landelijke cijfers");
    let dutch = |x: f64| omvang::report::format::number(x, 0, omvang::report::Lang::Nl);
    let done = format!(
        "De run is gecalibreerd op deze waarnemingen: {} deeltjes in {} stappen, met een \
         effectieve steekproefgrootte van {} aan het eind.",
        dutch(c["particles"].as_f64().unwrap()),
        c["stages"],
        dutch(c["ess"].as_f64().unwrap())
    );
    assert!(s.contains(&done), "{done} not in {s}");
    let observations = std::fs::read_to_string(dir.join("hindcast.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert!(observations > 0);
    assert_eq!(hindcast_table_rows(s), observations, "{s}");
    assert!(
        s.contains("Wat de calibratie van de onzekere invoer maakte"),
        "{s}"
    );
    assert!(s.contains("(charts/hindcast.png)"), "{s}");
    assert!(dir.join("charts/hindcast.svg").is_file());
    // The record is checked against the band of what its count would show.
    assert!(s.contains("| Telling volgens model |"), "{s}");
    assert!(
        s.contains("van wat de telling volgens het model zou geven"),
        "{s}"
    );

    // A folder from before `hindcast.csv` had the predictive columns: the report still reads
    // it, shows no band of the count and checks against the model's band after calibration.
    let csv = std::fs::read_to_string(dir.join("hindcast.csv")).unwrap();
    let older: String = csv
        .lines()
        .map(|line| {
            // The source (last, possibly quoted with commas) follows 13 plain cells.
            let cells: Vec<&str> = line.splitn(14, ',').collect();
            assert_eq!(cells.len(), 14, "{line}");
            assert!(line.starts_with("metric,") == cells[10].starts_with("predictive_"));
            [&cells[..10], &cells[13..]].concat().join(",") + "\n"
        })
        .collect();
    std::fs::write(dir.join("hindcast.csv"), older).unwrap();
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let s = section(&md, "## Toetsing aan de landelijke cijfers");
    assert!(s.contains("| – |"), "{s}");
    assert!(!s.contains("van wat de telling volgens het model"), "{s}");
    assert!(s.contains("90%-interval na calibratie"), "{s}");

    // Without the engine's hindcast and calibration (and the manifest's calibration): an older
    // run. The rebuilt report has no section, no hindcast chart and no such sheets.
    std::fs::remove_file(dir.join("hindcast.csv")).unwrap();
    std::fs::remove_file(dir.join("calibration.csv")).unwrap();
    set_calibration(&dir, None);
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        !md.contains("## Toetsing aan de landelijke cijfers"),
        "{md}"
    );
    assert!(!dir.join("charts/hindcast.svg").exists());
    assert!(!dir.join("charts/hindcast.png").exists());
    assert_eq!(
        sheet_names(&xlsx(&dir.join("tables.xlsx"))),
        ["samenvatting", "datafoto"]
    );

    std::fs::write(dir.join("hindcast.csv"), HINDCAST).unwrap();
    std::fs::write(dir.join("calibration.csv"), CALIBRATION).unwrap();
    set_calibration(
        &dir,
        Some(serde_json::json!({
            "calibrated": true,
            "ess": 812.3,
            "prior_ess": 3.1,
            "stages": 7,
            "particles": 2000,
            "unique_histories": 1650,
            "policy_start": "2023-01"
        })),
    );
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let s = section(&md, "## Toetsing aan de landelijke cijfers");
    assert!(
        s.contains("2.000 deeltjes in 7 stappen, met een effectieve steekproefgrootte van 812"),
        "{s}"
    );
    assert!(
        s.contains(
            "| Cliënten | 2018-07-01 | 62.000 | 60.500 (53.000–67.000) | 61.800 (59.000–64.500) |"
        ),
        "{s}"
    );
    assert!(
        s.contains(
            "| Gemiddelde wachttijd (weken) | 2018-07-01 | 4,7 | 5,1 (2,0–9,5) | 4,9 (3,9–6,0) |"
        ),
        "{s}"
    );
    // Exactly the one observation outside its posterior band is named, in words.
    assert!(s.contains("- Wachtlijst op 2023-01-01: de waarneming 2.551 ligt buiten het 90%-interval na calibratie (2.700–4.600)."), "{s}");
    assert_eq!(s.matches("ligt buiten").count(), 1, "{s}");
    assert!(
        s.contains("| Caseload per FTE | 52,0 (48,0–56,0) | 51,2 (49,5–53,1) |"),
        "{s}"
    );
    assert!(s.contains("(charts/hindcast.png)"), "{s}");
    let svg = std::fs::read_to_string(dir.join("charts/hindcast.svg")).unwrap();
    for label in [
        "Cliënten",
        "Wachtlijst",
        "Gemiddelde wachttijd (weken)",
        "Waargenomen",
        "Vooraf: 90%-interval",
    ] {
        assert!(svg.contains(label), "{label} not in the chart");
    }
    assert!(
        !svg.contains("FTE beschikbaar"),
        "a panel for a metric without rows"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Het model naast de landelijke cijfers"));
    // The hindcast's sources join the sources section.
    let sources = section(&md, "## Bronnen");
    assert!(
        sources.contains("Kaart Y 2023") && sources.contains("Telling X 2018"),
        "{sources}"
    );

    let parts = xlsx(&dir.join("tables.xlsx"));
    assert_eq!(
        sheet_names(&parts),
        ["samenvatting", "hindcast", "calibratie", "datafoto"]
    );
    let hc = cells(&parts, 2);
    let r = row(&hc, 4);
    assert_eq!(r["B"].1, "waiting_list");
    assert!(r["C"].0, "the date is a date cell");
    assert_eq!(r["E"], (true, "2551".into()));
    assert_eq!(r["F"], (true, "0.97".into()));
    assert_eq!(r["J"], (true, "3500".into()));
    let cal = cells(&parts, 3);
    // The parameter's Dutch label, then its key.
    assert_eq!(row(&cal, 2)["A"].1, "Caseload per FTE");
    assert_eq!(row(&cal, 2)["B"].1, "caseload");
    assert_eq!(row(&cal, 2)["F"], (true, "51.2".into()));

    // English: the same section, in English.
    let o = omvang(&["report", path_str(&dir), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let en = std::fs::read_to_string(dir.join("report.en.md")).unwrap();
    let s = section(&en, "## Checked against the national record");
    assert!(s.contains("- Waiting list on 2023-01-01: the observation 2,551 lies outside the 90% interval after calibration (2,700–4,600)."), "{s}");
    assert!(dir.join("charts/en/hindcast.svg").is_file());
    assert_eq!(
        sheet_names(&xlsx(&dir.join("tables.en.xlsx"))),
        ["summary", "hindcast", "calibration", "data photo"]
    );
}

/// Without calibration (`--no-calibration`: empty posterior columns, no `calibration.csv`; or an
/// older run without `calibration` in the manifest) the section says so, compares the
/// observations with the model's own band, and has no posterior table.
#[test]
fn an_uncalibrated_hindcast_is_checked_against_the_prior() {
    let w = WorkDir::new("hindcast-prior");
    let dir = run_baseline(&w, &["--no-calibration"]);
    // The run's own files: the prior only.
    assert!(!dir.join("calibration.csv").exists());
    let own = std::fs::read_to_string(dir.join("hindcast.csv")).unwrap();
    for line in own.lines().skip(1) {
        assert!(line.contains(",,,,"), "posterior columns not empty: {line}");
    }
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["calibration"]["calibrated"], false, "{m}");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let s = section(&md, "## Toetsing aan de landelijke cijfers");
    assert!(s.contains("Deze run is niet gecalibreerd"), "{s}");
    assert_eq!(hindcast_table_rows(s), own.lines().count() - 1, "{s}");
    assert!(
        !s.contains("Wat de calibratie van de onzekere invoer maakte"),
        "{s}"
    );
    assert!(s.contains("(charts/hindcast.png)"), "{s}");

    // Hand-written prior bands, and a manifest from before calibration existed.
    let prior_only: String = HINDCAST
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            if f[0] == "metric" {
                l.to_string()
            } else {
                format!("{},,,,{}", f[..7].join(","), f[10])
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("hindcast.csv"), prior_only + "\n").unwrap();
    set_calibration(&dir, None);
    let o = omvang(&["report", path_str(&dir)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let s = section(&md, "## Toetsing aan de landelijke cijfers");
    assert!(s.contains("Deze run is niet gecalibreerd"), "{s}");
    assert!(
        s.contains("| Wachtlijst | 2023-01-01 | 2.551 | 6.000 (1.000–15.000) | – |"),
        "{s}"
    );
    assert!(
        s.contains("Alle waarnemingen liggen binnen het 90%-interval van het model."),
        "{s}"
    );
    assert!(!s.contains("Caseload per FTE"), "{s}");

    // A malformed hindcast file is an error naming it.
    std::fs::write(dir.join("hindcast.csv"), "metric,date\nx,2018-01-01\n").unwrap();
    let o = omvang(&["report", path_str(&dir)]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("hindcast.csv"), "{err}");
}
