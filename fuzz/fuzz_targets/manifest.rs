#![no_main]
//! The run-folder reader behind `omvang report` with an arbitrary manifest.json.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::path::Path::new("/nonexistent-omvang-run");
    let _ = omvang::inputs::parse_run(dir, &|file| (file == "manifest.json").then(|| data.to_vec()));
});
