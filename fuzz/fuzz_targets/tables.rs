#![no_main]
//! The input-table readers on arbitrary bytes: population, prevalence, chains and actuals.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("omvang-fuzz-tables-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("t.csv");
    std::fs::write(&path, data).unwrap();
    let _ = omvang::inputs::read_population(&path);
    let _ = omvang::inputs::read_prevalence(&path);
    let _ = omvang::inputs::read_chains(&path);
    let _ = omvang::inputs::read_actuals(&path);
});
