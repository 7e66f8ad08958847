//! Helpers: temporary work folders and running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty folder under the system temp dir, removed on drop.
pub struct WorkDir {
    pub path: PathBuf,
}

impl WorkDir {
    pub fn new(name: &str) -> WorkDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "omvang-test-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        WorkDir { path }
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Run the omvang binary with arguments from the repository root.
pub fn omvang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_omvang"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run omvang")
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The baseline run with 200 iterations and default options, made once per test process and
/// copied into `w`: tests that read a finished run (and may rebuild its report or edit a copy of
/// its files) share one simulation instead of each running their own.
pub fn shared_baseline(w: &WorkDir) -> PathBuf {
    static RUN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let source = RUN.get_or_init(|| {
        // Under the target folder, replaced by the next test process, so nothing piles up.
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("shared-baseline");
        let _ = std::fs::remove_dir_all(&out);
        baseline_into(&out, &[])
    });
    let copy = w.path.join("out").join("baseline");
    copy_dir(source, &copy);
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Run the baseline with 200 iterations (and `extra` arguments) into `w`; its run folder.
pub fn run_baseline(w: &WorkDir, extra: &[&str]) -> PathBuf {
    baseline_into(&w.path.join("out"), extra)
}

/// The baseline with 200 iterations and `extra` arguments, written to `out`; its run folder.
fn baseline_into(out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "run",
        "scenarios/baseline.toml",
        "--iterations",
        "200",
        "--quiet",
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    let o = omvang(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.join("baseline")
}

/// Run the baseline with 200 iterations (no report) on the chain data `chains`, into
/// `w/<tag>`; the run folder.
pub fn run_with_chains(w: &WorkDir, chains: &Path, tag: &str) -> PathBuf {
    let out = w.path.join(tag);
    let o = omvang(&[
        "run",
        "scenarios/baseline.toml",
        "--chains",
        path_str(chains),
        "--iterations",
        "200",
        "--no-report",
        "--quiet",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.join("baseline")
}
