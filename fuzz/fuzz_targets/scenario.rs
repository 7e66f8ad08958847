#![no_main]
//! The scenario loader on arbitrary TOML bytes: an error or a scenario, never a panic or a hang.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("omvang-fuzz-scenario-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("s.toml");
    std::fs::write(&path, data).unwrap();
    let _ = omvang::scenario::load(&path, &[]);
});
