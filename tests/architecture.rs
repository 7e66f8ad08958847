//! The one-way house (docs/ARCHITECTURE.md): every file under `src/` belongs to a stage, and a
//! stage may import only from itself or from stages of a lower rank. Same-rank stages (output
//! and report) must not import each other, and the top-level modules must form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The stages in import order: a module may use its own stage and those before it.
const STAGES: [(&str, u8); 10] = [
    ("data", 0),
    ("scenario", 1),
    ("model", 2),
    ("run_data", 3),
    ("analysis", 4),
    ("output", 5),
    ("report", 5),
    ("pipeline", 6),
    ("cli", 7),
    ("main", 7),
];

fn rank(stage: &str) -> Option<u8> {
    STAGES.iter().find(|(s, _)| *s == stage).map(|(_, r)| *r)
}

/// The module path of a file relative to `src/`: `data/chains.rs` → [data, chains],
/// `report/mod.rs` → [report], `lib.rs` → [].
fn module_path(relative: &str) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The top-level modules a file's code names: `crate::x`, `$crate::x`, `crate::{x, y}`,
/// `omvang::x` (the binary), and `super::` chains that climb out to the crate root.
fn imported_stages(relative: &str, code: &str) -> BTreeSet<String> {
    let module = module_path(relative);
    let is_file_module = !relative.ends_with("mod.rs") && !relative.ends_with("lib.rs");
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        for root in ["crate::", "omvang::"] {
            let mut rest = line;
            while let Some(at) = rest.find(root) {
                let before = rest[..at].chars().last();
                rest = &rest[at + root.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                if let Some(group) = rest.strip_prefix('{') {
                    let inner = group.split('}').next().unwrap_or("");
                    for item in inner.split(',') {
                        let name = ident(item.trim());
                        if !name.is_empty() {
                            found.insert(name);
                        }
                    }
                } else {
                    let name = ident(rest);
                    if !name.is_empty() {
                        found.insert(name);
                    }
                }
            }
        }
        // `super::super::x` from a/b/c.rs: each `super` climbs one module.
        let mut rest = line;
        while let Some(at) = rest.find("super::") {
            let mut tail = &rest[at..];
            let mut climbs = 0;
            while let Some(t) = tail.strip_prefix("super::") {
                climbs += 1;
                tail = t;
            }
            // A file module's `super` is its parent; a mod.rs's `super` is its parent's parent.
            let depth = module.len() as i64 - climbs - i64::from(!is_file_module);
            let target = if depth <= 0 {
                ident(tail)
            } else {
                module[0].clone()
            };
            if !target.is_empty() && target != "*" {
                found.insert(target);
            }
            rest = tail;
        }
    }
    found
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every violation of the one-way rule in `files` (path relative to `src/`, code), and the
/// stage graph for the cycle check.
fn violations(files: &[(String, String)]) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let mut wrong = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (relative, code) in files {
        if relative == "lib.rs" {
            continue; // the module list and `is_input_error` name every stage by design
        }
        let stage = module_path(relative)[0].clone();
        let Some(own) = rank(&stage) else {
            wrong.push(format!(
                "{relative}: `{stage}` is no stage of docs/ARCHITECTURE.md"
            ));
            continue;
        };
        for target in imported_stages(relative, code) {
            if target == stage || target == "is_input_error" {
                continue;
            }
            let Some(theirs) = rank(&target) else {
                continue; // a crate-root item such as a macro, not a stage
            };
            graph
                .entry(stage.clone())
                .or_default()
                .insert(target.clone());
            if theirs > own {
                wrong.push(format!(
                    "{relative}: stage `{stage}` (rank {own}) imports downstream `{target}` (rank {theirs})"
                ));
            } else if theirs == own {
                wrong.push(format!(
                    "{relative}: stage `{stage}` imports `{target}` of the same rank {own}"
                ));
            }
        }
    }
    (wrong, graph)
}

/// A cycle among the stages, if any, as `a -> b -> a`.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut c = path[at..].to_vec();
            c.push(node.to_string());
            return Some(c.join(" -> "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

fn source_files(dir: &Path, src: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            source_files(&path, src, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The module a file belongs to within its stage, at most two levels deep:
/// `model/simulate.rs` → `model::simulate`, `report/charts/fan.rs` → `report::charts`.
fn node_of(relative: &str) -> String {
    let path = module_path(relative);
    path[..path.len().min(2)].join("::")
}

/// The modules of its own stage a file imports (`crate::stage::m`, `super::m`, `super::super::m`),
/// as nodes of [`node_of`].
fn sibling_imports(relative: &str, code: &str) -> BTreeSet<String> {
    let module = module_path(relative);
    let is_file_module = !relative.ends_with("mod.rs");
    let stage = module[0].clone();
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut targets: Vec<Vec<String>> = Vec::new();
        let prefix = format!("crate::{stage}::");
        let mut rest = line;
        while let Some(at) = rest.find(&prefix) {
            rest = &rest[at + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    targets.push(vec![stage.clone(), ident(item.trim())]);
                }
            } else {
                targets.push(vec![stage.clone(), ident(rest)]);
            }
        }
        let mut rest = line;
        while let Some(at) = rest.find("super::") {
            let before = rest[..at].chars().last();
            let mut tail = &rest[at..];
            let mut climbs = 0;
            while let Some(t) = tail.strip_prefix("super::") {
                climbs += 1;
                tail = t;
            }
            rest = tail;
            if before.is_some_and(|c| c == ':') {
                continue;
            }
            let base = module.len() as i64 - climbs - i64::from(!is_file_module);
            if base >= 1 {
                let mut target: Vec<String> = module[..base as usize].to_vec();
                target.push(ident(tail));
                targets.push(target);
            }
        }
        for t in targets {
            if t.last().is_some_and(|x| !x.is_empty()) {
                found.insert(t[..t.len().min(2)].join("::"));
            }
        }
    }
    found
}

/// The import graph between the modules of every stage (edges to modules that exist).
fn module_graph(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let nodes: BTreeSet<String> = files.iter().map(|(r, _)| node_of(r)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (relative, code) in files {
        if relative == "lib.rs" || !relative.contains('/') {
            continue;
        }
        let from = node_of(relative);
        for to in sibling_imports(relative, code) {
            if to != from && nodes.contains(&to) && to.contains("::") && from.contains("::") {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

#[test]
fn modules_within_a_stage_form_no_import_circle() {
    let src = crate::util::root().join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let graph = module_graph(&files);
    assert_eq!(cycle(&graph), None, "{graph:#?}");
    // The check sees real edges inside a stage.
    assert!(
        graph["model::simulate"].contains("model::projection"),
        "{graph:?}"
    );
    assert!(
        graph["report::charts"].contains("report::text"),
        "{graph:?}"
    );
    // And finds a circle where there is one.
    let circle = module_graph(&[
        ("model/a.rs".into(), "use crate::model::b::X;".into()),
        ("model/b.rs".into(), "use super::a::Y;".into()),
    ]);
    assert_eq!(
        cycle(&circle).as_deref(),
        Some("model::a -> model::b -> model::a")
    );
}

/// No file over 700 lines: a file that long holds more than one idea.
#[test]
fn no_source_file_is_over_700_lines() {
    let src = crate::util::root().join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|(r, code)| (r, code.lines().count()))
        .filter(|(_, n)| *n > 700)
        .map(|(r, n)| format!("{r}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

#[test]
fn stages_import_only_upstream_and_form_no_cycle() {
    let src = crate::util::root().join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    assert!(files.len() > 30, "read {} files under src/", files.len());
    let (wrong, graph) = violations(&files);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(cycle(&graph), None);
    // The check sees real edges: the pipeline uses the model, the model the data.
    assert!(graph["pipeline"].contains("model"), "{graph:?}");
    assert!(graph["model"].contains("data"), "{graph:?}");
}

#[test]
fn the_checker_catches_downstream_same_rank_and_climbing_imports() {
    let file = |path: &str, code: &str| (path.to_string(), code.to_string());
    let (wrong, _) = violations(&[
        file("data/chains.rs", "use crate::model::chains::derive_rates;"),
        file("model/mod.rs", "use crate::{data, pipeline};"),
        file(
            "report/charts/fan.rs",
            "use super::super::super::output::Artifact;",
        ),
        file(
            "output/tables.rs",
            "// use crate::report::x; is a comment\nuse super::io_err;",
        ),
        file("scenario/load.rs", "let x = crate::scenario::load;"),
    ]);
    assert_eq!(wrong.len(), 3, "{wrong:#?}");
    assert!(wrong[0].contains("data/chains.rs") && wrong[0].contains("`model`"));
    assert!(wrong[1].contains("model/mod.rs") && wrong[1].contains("`pipeline`"));
    assert!(wrong[2].contains("same rank"), "{}", wrong[2]);

    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(cycle(&graph).as_deref(), Some("a -> b -> a"));
}

/// Each `fn` of `code` outside its tests, with its length in lines (brace-counted from the line
/// of `fn` to the closing brace; braces in strings and comments are rare enough to ignore here).
fn function_lengths(code: &str) -> Vec<(String, usize)> {
    let code = code.split("#[cfg(test)]").next().unwrap_or(code);
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(at) = t.find("fn ") else { continue };
        let head = &t[..at];
        if !(head.is_empty() || head.ends_with("pub ") || head.ends_with(") ") || head == "const ")
            || t.starts_with("//")
        {
            continue;
        }
        let name = ident(&t[at + 3..]);
        let mut depth = 0i64;
        let mut opened = false;
        for (j, l) in lines.iter().enumerate().skip(i) {
            let l = l.split("//").next().unwrap_or("");
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened && depth == 0 => break,
                    _ => {}
                }
            }
            if (opened && depth == 0) || (!opened && l.trim_end().ends_with(';')) {
                if opened {
                    out.push((name.clone(), j - i + 1));
                }
                break;
            }
        }
    }
    out
}

/// The engine and the pipeline keep functions short enough to read as one thing: at most 120
/// lines each.
#[test]
fn no_engine_or_pipeline_function_is_over_120_lines() {
    let src = crate::util::root().join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|(r, _)| r.starts_with("model/") || r.starts_with("pipeline/"))
        .flat_map(|(r, code)| {
            function_lengths(code)
                .into_iter()
                .filter(|(_, n)| *n > 120)
                .map(move |(f, n)| format!("{r}: fn {f} has {n} lines"))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
    // The counter sees a function's whole body.
    let lengths = function_lengths("pub fn a() {\n    if x {\n        y();\n    }\n}\nfn b();\n");
    assert_eq!(lengths, [("a".to_string(), 5)]);
}
