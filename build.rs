//! The engine's version for the calibration cache: a hash of every source file a calibration
//! depends on (the engine, the scenario and data stages, how the pipeline reads inputs, the
//! cache's own format) and of `Cargo.lock` (the random-number and distribution crates), as the
//! compile-time variable `OMVANG_ENGINE`. The version number alone would not do: the engine
//! changes between commits without a version bump. Written by hand (FNV-1a, 128 bits) so that
//! the build needs no build-dependencies; it tells versions apart, it does not guard secrets.

use std::fs;
use std::path::{Path, PathBuf};

/// What a calibration depends on, relative to the package root: folders are read whole.
const SOURCES: [&str; 7] = [
    "src/model",
    "src/scenario",
    "src/data",
    "src/pipeline/inputs.rs",
    "src/output/cache.rs",
    "src/output/cache_entry.rs",
    "Cargo.lock",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut files = Vec::new();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        collect(&root, &root.join(source), &mut files);
    }
    println!("cargo:rerun-if-changed=build.rs");
    files.sort();
    let mut hash = Fnv128::new();
    hash.add(env!("CARGO_PKG_VERSION").as_bytes());
    for (name, path) in &files {
        let bytes = fs::read(path).unwrap_or_default();
        hash.add(name.as_bytes());
        hash.add(&(bytes.len() as u64).to_le_bytes());
        hash.add(&bytes);
    }
    println!("cargo:rustc-env=OMVANG_ENGINE={:032x}", hash.0);
}

/// Every file under `path` (or `path` itself), with its name relative to `root` in `/` form.
fn collect(root: &Path, path: &Path, out: &mut Vec<(String, PathBuf)>) {
    if path.is_dir() {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect(root, &entry.path(), out);
        }
    } else if path.is_file() {
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.push((name, path.to_path_buf()));
    }
}

/// FNV-1a with 128 bits.
struct Fnv128(u128);

impl Fnv128 {
    fn new() -> Self {
        Fnv128(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d)
    }

    fn add(&mut self, bytes: &[u8]) {
        const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }
}
