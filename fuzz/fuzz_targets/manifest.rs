#![no_main]
//! The run-folder reader behind `omvang report`, with an arbitrary `manifest.json` beside the
//! real tables of a finished run (the folder named by OMVANG_FUZZ_RUN, read once).
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

fn run_files() -> &'static HashMap<String, Vec<u8>> {
    static FILES: OnceLock<HashMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = HashMap::new();
        if let Ok(dir) = std::env::var("OMVANG_FUZZ_RUN") {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if let (Some(name), Ok(bytes)) = (
                    entry.file_name().to_str().map(str::to_string),
                    std::fs::read(entry.path()),
                ) {
                    files.insert(name, bytes);
                }
            }
        }
        files
    })
}

fuzz_target!(|data: &[u8]| {
    let files = run_files();
    let _ = omvang::output::run_folder::parse_run(Path::new("/nonexistent-omvang-run"), &|file| {
        if file == "manifest.json" {
            Some(data.to_vec())
        } else {
            files.get(file).cloned()
        }
    });
});
