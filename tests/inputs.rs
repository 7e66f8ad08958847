//! Reading input tables: Dutch Excel exports, duplicate and missing keys, ceilings, warnings,
//! `omvang check` and `omvang template`, and property tests of the readers on any bytes.

use std::path::Path;

use proptest::prelude::*;

use omvang::data::{
    parse_actuals, parse_chains, parse_population, parse_prevalence, parse_projections,
    read_projections, Qualifier, Table, TextEncoding,
};

use crate::util::{omvang, path_str, root, WorkDir};

const CHAINS: &str = "data/chains/illustrative_chains.csv";
const POPULATION: &str = "data/population/cbs_83597NED_population_prognosis_2017_2060.csv";
const PREVALENCE: &str = "data/epidemiology/prevalence_eurocode.csv";
const PROJECTIONS: &str = "data/national/projections.csv";

fn shipped(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The command fails with exit code 2 and one line on stderr that names `file`, and holds every
/// one of `parts` (e.g. "line 4" and the fix).
fn fails_with(args: &[&str], file: &str, parts: &[&str]) -> String {
    let o = omvang(args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(file), "{err} does not name {file}");
    for part in parts {
        assert!(err.contains(part), "{err} lacks \"{part}\"");
    }
    err
}

fn check_ok(file: &Path) -> String {
    let o = omvang(&["check", path_str(file)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// A number as Dutch Excel writes it: decimal comma, thousands grouped with points.
fn dutch(v: &str) -> String {
    let (int, frac) = v.split_once('.').map_or((v, None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A comma-separated text (no quotes) as a Dutch Excel export: `;`, decimal commas, CRLF, and
/// Windows-1252 bytes.
fn dutch_excel(text: &str) -> Vec<u8> {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<String> = line
            .split(',')
            .map(|c| {
                let number = !c.is_empty()
                    && c.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                    && c.parse::<f64>().is_ok();
                if i > 0 && number {
                    dutch(c)
                } else {
                    c.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    encoding_rs::WINDOWS_1252.encode(&out).0.into_owned()
}

/// The shipped chain data with a remark column holding é and – (not ASCII, so the Windows-1252
/// bytes are not UTF-8).
fn chains_with_remark() -> String {
    shipped(CHAINS)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},opmerking\n")
            } else {
                format!("{l},café – overleg\n")
            }
        })
        .collect()
}

/// The notes of a run's manifest as the command line words them.
fn worded_notes(manifest: &str) -> String {
    let m: omvang::run_data::Manifest = serde_json::from_str(manifest).unwrap();
    m.notes
        .iter()
        .map(|n| match n {
            omvang::data::RecordedNote::Typed(n) => {
                omvang::report::text::note_text(n, omvang::report::Lang::En)
            }
            omvang::data::RecordedNote::Sentence(s) => s.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn summary_with_chains(w: &WorkDir, chains: &Path, tag: &str) -> (Vec<u8>, String) {
    let dir = crate::util::run_with_chains(w, chains, tag);
    (
        std::fs::read(dir.join("summary.csv")).unwrap(),
        std::fs::read_to_string(dir.join("manifest.json")).unwrap(),
    )
}

/// The shipped chain data as Dutch Excel writes it (`;`, decimal commas, thousands points, CRLF,
/// Windows-1252) and as Excel's "CSV UTF-8" (with BOM) gives a summary.csv byte-identical to the
/// original's, and the manifest notes how the file was read.
#[test]
fn dutch_excel_export_of_the_chain_data_gives_identical_summary() {
    let w = WorkDir::new("dutch-excel");
    let (original, _) = summary_with_chains(&w, &root().join(CHAINS), "original");

    let excel = dutch_excel(&chains_with_remark());
    assert!(std::str::from_utf8(&excel).is_err(), "must not be UTF-8");
    assert!(String::from_utf8_lossy(&excel).contains("111.497;"));
    assert!(String::from_utf8_lossy(&excel).contains(";42,4;"));
    let path = w.path.join("ketens_excel.csv");
    std::fs::write(&path, &excel).unwrap();
    let (summary, manifest) = summary_with_chains(&w, &path, "excel");
    assert!(
        summary == original,
        "Dutch Excel export changes summary.csv"
    );
    assert!(
        worded_notes(&manifest)
            .contains("read as Windows-1252, `;`-separated, decimal commas, CRLF line ends"),
        "{manifest}"
    );

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(chains_with_remark().as_bytes());
    let path = w.path.join("ketens_utf8.csv");
    std::fs::write(&path, &bom).unwrap();
    let (summary, _) = summary_with_chains(&w, &path, "bom");
    assert!(summary == original, "a UTF-8 BOM changes summary.csv");
}

#[test]
fn a_record_with_the_wrong_number_of_fields_names_its_line() {
    let w = WorkDir::new("fields");
    let mut text = shipped(CHAINS);
    text = text.replacen(
        "illustrative_A,2016-04-01",
        "illustrative_A,x,2016-04-01",
        1,
    );
    let p = w.write("chains.csv", &text);
    fails_with(
        &["check", path_str(&p)],
        "chains.csv",
        &[
            "line 3:",
            "13 fields, but the header has 12",
            "quote a value",
        ],
    );
    // A Dutch decimal comma in a comma-separated file splits the field: same error, same line.
    let text = shipped(CHAINS).replacen(",42.5\n", ",42,5\n", 1);
    let p = w.write("comma.csv", &text);
    fails_with(
        &["check", path_str(&p)],
        "comma.csv",
        &["line 3:", "13 fields"],
    );
}

#[test]
fn duplicate_keys_name_both_lines() {
    let w = WorkDir::new("duplicates");
    let pop = "year,sex,age,population\n2018,M,70,100\n2018,F,70,100\n2018,M,70,50\n";
    let p = w.write("pop.csv", pop);
    fails_with(
        &["check", path_str(&p)],
        "pop.csv",
        &[
            "line 4:",
            "year 2018, sex M, age 70 appears twice (also on line 2)",
        ],
    );

    let mut prev = shipped(PREVALENCE);
    prev.push_str("70,74,F,3.8\n");
    let p = w.write("prev.csv", &prev);
    fails_with(
        &["check", path_str(&p)],
        "prev.csv",
        &[
            "line 16:",
            "band 70-74 for sex F appears twice (also on line 7)",
        ],
    );

    let mut chains = shipped(CHAINS);
    chains.push_str("illustrative_A,2016-04-01,2016-06-30,111497,2193,2200,179,63,83,26,51,42.5\n");
    let p = w.write("chains.csv", &chains);
    fails_with(
        &["check", path_str(&p)],
        "chains.csv",
        &[
            "line 50:",
            "period starting 2016-04-01 twice (also on line 3)",
            "give each period once",
        ],
    );
}

#[test]
fn prevalence_bands_may_leave_no_gap_and_must_reach_the_oldest() {
    let w = WorkDir::new("bands");
    let gap: String = shipped(PREVALENCE)
        .lines()
        .filter(|l| *l != "75,79,M,7.0")
        .map(|l| format!("{l}\n"))
        .collect();
    let p = w.write("gap.csv", &gap);
    fails_with(
        &["check", path_str(&p)],
        "gap.csv",
        &[
            "line 9:",
            "ages 75-79 of sex M are in no band",
            "line 6 ends at 74",
            "add a band",
        ],
    );
    let short = shipped(PREVALENCE).replace("90,,F,46.6", "90,94,F,46.6");
    let p = w.write("short.csv", &short);
    fails_with(
        &["check", path_str(&p)],
        "short.csv",
        &[
            "line 15:",
            "ages 95-99 have no prevalence",
            "leave its age_max empty",
        ],
    );
    let overlap = shipped(PREVALENCE).replace("80,84,M,14.5", "78,84,M,14.5");
    let p = w.write("overlap.csv", &overlap);
    fails_with(
        &["check", path_str(&p)],
        "overlap.csv",
        &["line 10:", "band 78-84 overlaps band 75-79 on line 8"],
    );
}

/// A scenario in `w` that extends the baseline with `extra` TOML (data paths relative to `w`).
fn scenario(w: &WorkDir, extra: &str) -> std::path::PathBuf {
    let base = root().join("scenarios/baseline.toml");
    w.write(
        "scenario.toml",
        &format!(
            "extends = \"{}\"\nname = \"test\"\n{extra}",
            path_str(&base)
        ),
    )
}

#[test]
fn a_population_cell_missing_for_a_year_the_run_needs_is_an_error() {
    let w = WorkDir::new("missing-age");
    let pop: String = shipped(POPULATION)
        .lines()
        .filter(|l| *l != "2019,F,87,0" && !l.starts_with("2019,F,87,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(pop.lines().count() + 1, shipped(POPULATION).lines().count());
    w.write("pop.csv", &pop);
    let s = scenario(&w, "[data]\npopulation = \"pop.csv\"\n");
    let err = fails_with(
        &["check", path_str(&s)],
        "pop.csv",
        &[
            "no row for year 2019, sex F, age 87",
            "from 60 to 99",
            "add the row",
        ],
    );
    assert!(!err.contains("line "), "{err}");
    // The same file serves a run that does not need 2019.
    let s = scenario(
        &w,
        "[run]\nbase_year = 2020\nhorizon = 2025\n[referral]\nramp_start = \"2020-01\"\n[data]\npopulation = \"pop.csv\"\n",
    );
    check_ok(&s);
}

#[test]
fn implausible_and_non_finite_numbers_are_errors_with_their_line() {
    let w = WorkDir::new("ceilings");
    let pop: String = shipped(POPULATION)
        .lines()
        .map(|l| match l.starts_with("2018,M,70,") {
            true => "2018,M,70,1e12\n".to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    let line = pop
        .lines()
        .position(|l| l.starts_with("2018,M,70,"))
        .unwrap()
        + 1;
    let p = w.write("pop.csv", &pop);
    fails_with(
        &["check", path_str(&p)],
        "pop.csv",
        &[
            &format!("line {line}:"),
            "`population` is 1000000000000, more than",
            "correct the typo",
        ],
    );

    let rows = shipped(CHAINS);
    let row2 = "illustrative_A,2016-01-01,2016-03-31,111497,2212,2193,185,77,93,34,65,42.4";
    for (bad, what) in [
        (
            row2.replace(",111497,", ",6000000,"),
            "`population_65plus` is 6000000, more than",
        ),
        (
            row2.replace(",2212,", ",200000,"),
            "`clients_start` is 200000, more than the region's population_65plus",
        ),
        (
            row2.replace(",42.4", ",250000"),
            "`fte` is 250000, more than",
        ),
        (
            row2.replace(",42.4", ",inf"),
            "`fte` is \"inf\", not a finite number",
        ),
        (
            row2.replace(",65,", ",NaN,"),
            "`waiting_end` is \"NaN\", not a finite number",
        ),
        (
            row2.replace(",185,", ",1e400,"),
            "`inflow` is \"1e400\", not a finite number",
        ),
    ] {
        let p = w.write("chains.csv", &rows.replacen(row2, &bad, 1));
        fails_with(&["check", path_str(&p)], "chains.csv", &["line 2:", what]);
    }
}

#[test]
fn outliers_are_warnings_printed_once() {
    let w = WorkDir::new("warnings");
    // A population cell ten times its neighbours in 2030.
    let pop: String = shipped(POPULATION)
        .lines()
        .map(|l| match l.strip_prefix("2030,M,70,") {
            Some(v) => format!("2030,M,70,{}\n", v.parse::<f64>().unwrap() * 10.0),
            None => format!("{l}\n"),
        })
        .collect();
    let p = w.write("pop.csv", &pop);
    let out = check_ok(&p);
    assert!(
        out.contains("warning:") && out.contains("2 population cell(s) change by more than 50%"),
        "{out}"
    );
    assert!(
        out.contains("year 2031, sex M, age 70") || out.contains("year 2030, sex M, age 70"),
        "{out}"
    );

    // One chain with four times the clients (flows scaled alike, so they still add up).
    let chains: String = shipped(CHAINS)
        .lines()
        .map(|l| {
            let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
            if cells[0] == "illustrative_C" {
                for c in &mut cells[4..11] {
                    *c = (c.parse::<f64>().unwrap() * 4.0).to_string();
                }
            }
            cells.join(",") + "\n"
        })
        .collect();
    let p = w.write("chains.csv", &chains);
    let out = check_ok(&p);
    assert!(
        out.contains("warning: 1 of 6 chains have an uptake far outside the others'")
            && out.contains(": illustrative_C ("),
        "{out}"
    );
    // The shipped files raise no warning.
    for f in [CHAINS, POPULATION, PREVALENCE] {
        let out = check_ok(&root().join(f));
        assert!(!out.contains("warning"), "{f}: {out}");
    }

    // Chain periods of 2016-2017 for base year 2023: a warning, printed once for two scenarios.
    let s = scenario(
        &w,
        "[run]\nbase_year = 2023\nhorizon = 2025\niterations = 20\n[referral]\nramp_start = \"2023-01\"\n",
    );
    let out = check_ok(&s);
    assert!(
        out.contains("48 chain period(s) lie more than 2 years from the base year 2023"),
        "{out}"
    );
    let other = w.write(
        "other.toml",
        "extends = \"scenario.toml\"\nname = \"other\"\n",
    );
    let o = omvang(&[
        "run",
        path_str(&s),
        path_str(&other),
        "--no-report",
        "--out",
        path_str(&w.path.join("out")),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("lie more than 2 years").count(), 1, "{err}");
    let manifest = std::fs::read_to_string(w.path.join("out/other/manifest.json")).unwrap();
    assert!(
        worded_notes(&manifest).contains("lie more than 2 years"),
        "{manifest}"
    );
}

#[test]
fn check_describes_every_kind_of_input() {
    let out = check_ok(&root().join(CHAINS));
    assert!(out.contains("chain data, 48 rows, UTF-8, `,`-separated; 6 chains, periods from 2016-01-01 to 2017-12-31"), "{out}");
    let out = check_ok(&root().join(POPULATION));
    assert!(
        out.contains("population, 8800 rows") && out.contains("years 2017 to 2060"),
        "{out}"
    );
    let out = check_ok(&root().join(PREVALENCE));
    assert!(
        out.contains("prevalence, 14 rows") && out.contains("14 bands (7 F, 7 M) from age 60"),
        "{out}"
    );
    let out = check_ok(&root().join("data/national/actuals.csv"));
    assert!(
        out.contains("national actuals") && out.contains("clients_in_care"),
        "{out}"
    );
    let out = check_ok(&root().join(PROJECTIONS));
    assert!(out.contains("projections by others"), "{out}");
    let out = check_ok(&root().join("scenarios/capaciteit-bevroren.toml"));
    assert!(
        out.contains("scenario `capaciteit-bevroren` (extends")
            && out.contains("48 chain records of 6 chains"),
        "{out}"
    );

    let w = WorkDir::new("check-kind");
    let p = w.write("other.csv", "a,b\n1,2\n");
    fails_with(
        &["check", path_str(&p)],
        "other.csv",
        &["fits no input omvang reads", "docs/chain-data.md"],
    );
    let p = w.write("book.xlsx.csv", "PK\u{3}\u{4}rest");
    fails_with(
        &["check", path_str(&p)],
        "book.xlsx.csv",
        &["an Excel workbook", "CSV UTF-8"],
    );
}

/// The shipped projections by others read as published (the qualifiers kept), the same from a
/// Dutch Excel export, and every bad cell is an error naming the file and its line, from
/// `omvang check` and from a run before any work.
#[test]
fn projections_by_others_are_read_and_bad_rows_named_by_line() {
    let shipped = read_projections(&root().join(PROJECTIONS)).unwrap();
    let got: Vec<(&str, i32, f64, Qualifier)> = shipped
        .iter()
        .map(|p| (p.publisher.as_str(), p.year, p.value, p.qualifier))
        .collect();
    assert_eq!(
        got,
        [
            ("VWS", 2030, 420_000.0, Qualifier::Exact),
            ("VWS", 2040, 520_000.0, Qualifier::Exact),
            ("RIVM", 2022, 261_000.0, Qualifier::Exact),
            ("RIVM", 2050, 506_000.0, Qualifier::Exact),
            ("Alzheimer Nederland", 2040, 500_000.0, Qualifier::MoreThan),
            ("Alzheimer Nederland", 2050, 620_000.0, Qualifier::About),
        ]
    );
    assert!(shipped.iter().all(|p| p.metric == "people_with_dementia"
        && p.source.contains(p.publisher.split(' ').next().unwrap())
        && !p.method.is_empty()));
    let out = check_ok(&root().join(PROJECTIONS));
    assert!(
        out.contains("projections by others, 6 rows")
            && out.contains("3 publishers (VWS, RIVM, Alzheimer Nederland), years 2022 to 2050"),
        "{out}"
    );

    // A Dutch Excel export (`;`, thousands points, CRLF, Windows-1252) reads the same.
    let plain = "metric,year,value,qualifier,publisher,source\n\
                 people_with_dementia,2040,520000,,VWS,Kamerstuk 25424-491\n\
                 people_with_dementia,2050,620000,about,Alzheimer Nederland,Feiten over dementie – ABF\n";
    let p = Path::new("projecties.csv");
    let a = parse_projections(p, plain.as_bytes().to_vec()).unwrap();
    let excel = dutch_excel(plain);
    assert!(String::from_utf8_lossy(&excel).contains(";520.000;"));
    assert_eq!(parse_projections(p, excel).unwrap(), a);
    assert_eq!(a[1].source, "Feiten over dementie – ABF");
    assert_eq!(a[0].method, "", "`method` may be left out");

    let w = WorkDir::new("projections");
    let good = "people_with_dementia,2030,420000,,VWS,Kamerstuk 25424-491";
    for (bad, what) in [
        (
            "people_with_dementia,2030,420000,roughly,VWS,Kamerstuk",
            "`qualifier` is \"roughly\"; write about, more_than or leave it empty",
        ),
        (
            "people_with_dementia,2030.5,420000,,VWS,Kamerstuk",
            "`year` is 2030.5; give a whole number from 1900 to 2200",
        ),
        (
            "people_with_dementia,2030,-5,,VWS,Kamerstuk",
            "`value` is -5, but a count cannot be negative",
        ),
        (
            "people_with_dementia,2030,420000,,,Kamerstuk",
            "`publisher` is empty",
        ),
        (
            "clients_in_care,2030,70000,,VWS,Kamerstuk",
            "omvang compares projections of people_with_dementia only",
        ),
        (
            "people_with_dementia,2030,430000,,VWS,Kamerstuk",
            "people_with_dementia of VWS in 2030 appears twice (also on line 2)",
        ),
    ] {
        let p = w.write(
            "projecties.csv",
            &format!("metric,year,value,qualifier,publisher,source\n{good}\n{bad}\n"),
        );
        fails_with(
            &["check", path_str(&p)],
            "projecties.csv",
            &["line 3:", what],
        );
        // A run names the same file and line before it simulates anything.
        let out = w.path.join("out");
        fails_with(
            &[
                "run",
                "scenarios/baseline.toml",
                "--set",
                &format!("data.projections={}", path_str(&p)),
                "--out",
                path_str(&out),
            ],
            "projecties.csv",
            &["line 3:", what],
        );
        assert!(!out.join("baseline").exists());
    }
    let p = w.write(
        "zonder.csv",
        "metric,year,value,source\npeople_with_dementia,2030,1,x\n",
    );
    assert!(read_projections(&p)
        .unwrap_err()
        .to_string()
        .contains("missing column `publisher`"));
}

#[test]
fn template_passes_check_and_never_overwrites() {
    let w = WorkDir::new("template");
    let o = omvang(&["template", "chains"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text, omvang::data::chain_template());
    let out = w.path.join("keten.csv");
    let o = omvang(&["template", "chains", "--out", path_str(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    let report = check_ok(&out);
    assert!(
        report.contains("chain data, 1 rows") && report.contains("1 chains"),
        "{report}"
    );
    assert!(!report.contains("warning"), "{report}");

    std::fs::write(&out, "mine").unwrap();
    fails_with(
        &["template", "chains", "--out", path_str(&out)],
        "keten.csv",
        &["already exists", "does not overwrite"],
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    let help = omvang(&["chains", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("docs/chain-data.md"));
}

#[test]
fn formats_are_detected() {
    let p = Path::new("t.csv");
    let t = Table::parse(p, b"sep=;\r\na;b\r\n1,5;2\r\n".to_vec()).unwrap();
    let f = t.format();
    assert_eq!((f.separator, f.decimal_comma, f.crlf), (b';', true, true));
    assert_eq!(t.number(0, 0).unwrap(), 1.5);
    let t = Table::parse(p, b"a;b\n1.234,5;-2.000.000\n".to_vec()).unwrap();
    assert_eq!(t.number(0, 0).unwrap(), 1234.5);
    assert_eq!(t.number(0, 1).unwrap(), -2_000_000.0);
    let t = Table::parse(p, b"a;b\n9.5;1,2,3\n".to_vec()).unwrap();
    assert!(t
        .number(0, 0)
        .unwrap_err()
        .to_string()
        .contains("write 1,5 or 1.234,5"));
    assert!(t.number(0, 1).is_err());
    let t = Table::parse(p, b"a\tb\n1.5\t2\n".to_vec()).unwrap();
    assert_eq!(
        (t.format().separator, t.number(0, 0).unwrap()),
        (b'\t', 1.5)
    );
    let t = Table::parse(p, b"naam,x\nCaf\xe9,1\n".to_vec()).unwrap();
    assert_eq!(t.format().encoding, TextEncoding::Windows1252);
    assert_eq!(t.text(0, 0).unwrap(), "Café");
    let t = Table::parse(p, b"\xEF\xBB\xBFa,b\n1,2\n\n,\n".to_vec()).unwrap();
    assert_eq!((t.format().encoding, t.rows()), (TextEncoding::Utf8Bom, 1));
    assert_eq!(t.columns[0], "a");
    assert!(Table::parse(p, b"\xFF\xFEa\x00".to_vec())
        .unwrap_err()
        .to_string()
        .contains("UTF-16"));
    assert!(Table::parse(p, b"a,a\n1,2\n".to_vec())
        .unwrap_err()
        .to_string()
        .contains("column `a` appears twice"));
    // A quoted field spanning lines: the next record's line is still right.
    let t = Table::parse(p, b"a,b\n\"x\ny\",1\nz,2\n".to_vec()).unwrap();
    assert_eq!((t.line(0), t.line(1)), (2, 4));
}

/// Every reader on the same bytes: may fail, must not panic.
fn read_all(bytes: &[u8]) {
    let p = Path::new("fuzz.csv");
    let _ = Table::parse(p, bytes.to_vec());
    let _ = parse_population(p, bytes.to_vec());
    let _ = parse_prevalence(p, bytes.to_vec());
    let _ = parse_chains(p, bytes.to_vec());
    let _ = parse_actuals(p, bytes.to_vec());
    let _ = parse_projections(p, bytes.to_vec());
}

/// One edit of a valid file: overwrite, insert or delete a byte, or splice in a separator,
/// quote or line end.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Splice(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (
            any::<usize>(),
            prop::sample::select(vec![
                ",",
                ";",
                "\"",
                "\r\n",
                "\n",
                "-",
                "1e400",
                "NaN",
                ",,",
                "\u{feff}",
                "9999999999"
            ])
        )
            .prop_map(|(i, s)| Mutation::Splice(i, s)),
    ]
}

fn mutate(mut bytes: Vec<u8>, edits: &[Mutation]) -> Vec<u8> {
    for m in edits {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Set(i, b) if !bytes.is_empty() => bytes[i % n] = b,
            Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
            Mutation::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i % n);
            }
            Mutation::Splice(i, s) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, s.bytes());
            }
            _ => {}
        }
    }
    bytes
}

/// A chain record's values, for re-serialisation.
#[derive(Debug, Clone)]
struct Row {
    chain: String,
    quarter: u32,
    population: u32,
    counts: [u32; 4],
    fte: f64,
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::sample::select(vec![
            "Noord",
            "Zuid-Holland",
            "Café Oost",
            "Friesland (Fryslân)",
            "Keten, West",
        ]),
        0u32..40,
        1_000u32..4_000_000,
        prop::array::uniform4(0u32..500),
        0.0f64..5_000.0,
    )
        .prop_map(|(chain, quarter, population, counts, fte)| Row {
            chain: chain.to_string(),
            quarter,
            population,
            counts,
            // Two decimals, as a spreadsheet shows them.
            fte: (fte * 100.0).round() / 100.0,
        })
}

/// The rows as a comma-separated UTF-8 file (values with a comma quoted).
fn plain_csv(rows: &[Row]) -> String {
    let mut text = omvang::data::CHAIN_COLUMNS.join(",") + "\n";
    for (i, r) in rows.iter().enumerate() {
        let start = 2010 + (r.quarter + i as u32 * 40) / 4;
        let month = (r.quarter % 4) * 3 + 1;
        let [a, b, c, d] = r.counts;
        let clients_end = a + b;
        text.push_str(&format!(
            "\"{}\",{start}-{month:02}-01,{start}-{:02}-28,{},{a},{clients_end},{b},{c},{d},0,{},{}\n",
            r.chain,
            month + 2,
            r.population,
            c.min(a + b).min(a),
            r.fte
        ));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes);
    }

    #[test]
    fn readers_never_panic_on_mutated_valid_files(
        which in 0usize..5,
        edits in prop::collection::vec(mutation(), 1..8),
    ) {
        let files = [CHAINS, PREVALENCE, "data/national/actuals.csv", POPULATION, PROJECTIONS];
        let mut bytes = std::fs::read(root().join(files[which])).unwrap();
        // Keep the population small: the head of the file is enough to mutate.
        bytes.truncate(4_000);
        read_all(&mutate(bytes.clone(), &edits));
        read_all(&dutch_excel(&String::from_utf8_lossy(&mutate(bytes, &edits))));
    }

    #[test]
    fn parsing_is_invariant_under_separator_encoding_and_line_ends(
        rows in prop::collection::vec(row(), 1..12),
    ) {
        let p = Path::new("chains.csv");
        let plain = plain_csv(&rows);
        let reference = parse_chains(p, plain.clone().into_bytes());
        let crlf = plain.replace('\n', "\r\n");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(crlf.as_bytes());
        // Dutch Excel: `;` and decimal commas; quotes kept around text cells.
        let semicolon: String = plain
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    return l.replace(',', ";") + "\r\n";
                }
                let mut cells = Vec::new();
                let (name, rest) = match l.strip_prefix('"') {
                    Some(q) => {
                        let (n, r) = q.split_once("\",").unwrap();
                        (format!("\"{n}\""), r)
                    }
                    None => {
                        let (n, r) = l.split_once(',').unwrap();
                        (n.to_string(), r)
                    }
                };
                cells.push(name);
                cells.extend(rest.split(',').map(|c| if c.contains('-') { c.to_string() } else { dutch(c) }));
                cells.join(";") + "\r\n"
            })
            .collect();
        let (latin, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&semicolon);
        prop_assert!(!unmappable);
        let variants: Vec<(&str, Vec<u8>)> = vec![
            ("crlf", crlf.into_bytes()),
            ("bom", bom),
            ("semicolon utf-8", semicolon.clone().into_bytes()),
            ("semicolon windows-1252", latin.into_owned()),
        ];
        for (name, bytes) in variants {
            let got = parse_chains(p, bytes);
            match (&reference, &got) {
                (Ok(a), Ok(b)) => prop_assert_eq!(&a.value, &b.value, "{}", name),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string(), "{}", name),
                _ => prop_assert!(false, "{}: {:?} vs {:?}", name, reference, got),
            }
        }
    }
}

/// A row of the national record may state its own measurement error (`sd_log`): read from a
/// plain or Dutch Excel file alike, taken by the observation model instead of its kind's, left
/// empty for the kind's; a value that is not a standard deviation of a log is an error naming
/// the file, the line and the fix.
#[test]
fn the_record_may_state_a_rows_own_measurement_error() {
    use omvang::data::parse_actuals;
    let plain = "metric,date,value,coverage,sd_log,source\n\
                 clients_in_care,2022-10-01,64529,1,0.03,NZa\n\
                 clients_in_care,2018-07-01,62000,1,,HHM\n";
    let p = Path::new("actuals.csv");
    let a = parse_actuals(p, plain.as_bytes().to_vec()).unwrap();
    assert_eq!(parse_actuals(p, dutch_excel(plain)).unwrap(), a);
    assert_eq!((a[0].sd_log, a[1].sd_log), (Some(0.03), None));
    let obs = omvang::model::observation::observations(&a, 2018, 72);
    assert_eq!(obs.len(), 2);
    assert_eq!(obs[0].sd_log, 0.03);
    assert_eq!(obs[1].sd_log, 0.05, "the kind's error for clients");

    let w = WorkDir::new("sd_log");
    let bad = w.write(
        "actuals.csv",
        "metric,date,value,coverage,sd_log,source\n\
         clients_in_care,2018-07-01,62000,1,0.05,HHM\n\
         clients_in_care,2022-10-01,64529,1,-0.03,NZa\n",
    );
    let set = format!("data.actuals={}", bad.display());
    let out = w.path.join("out");
    fails_with(
        &[
            "run",
            "scenarios/baseline.toml",
            "--set",
            &set,
            "--iterations",
            "20",
            "--out",
            path_str(&out),
        ],
        "actuals.csv",
        &["line 3", "sd_log is -0.03", "e.g. 0.05 for 5%"],
    );
    let written = std::fs::read_dir(&out).map_or(0, |d| {
        d.filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("baseline"))
        })
        .count()
    });
    assert_eq!(written, 0, "no run folder after bad input");
}
