//! The calibration cache on disk: a folder omvang owns (marked by [`CACHE_MARKER`]) holding one
//! file per calibration, named by its key, the SHA-256 of everything the calibration depends on
//! ([`CacheKey`]). Entries are written whole (a temporary file renamed into place), so runs may
//! share a folder at the same time; an entry is trusted only when its magic, format version,
//! key, checksum and shape (particles, latent normals, observations) all agree, and anything
//! else is reported as ignored and made again. The byte layout is in [`encode`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use super::cache_entry::{decode, encode, Shape};
use super::{io_err, OutputError};
use crate::model::build::Model;
use crate::model::smc::Posterior;

pub use super::cache_entry::FORMAT_VERSION;

/// The file that marks a folder as an omvang calibration cache: omvang writes entries into, and
/// clears, only folders that carry it.
pub const CACHE_MARKER: &str = ".omvang-cache";
/// The engine's version: a hash of the sources a calibration depends on (see `build.rs`).
pub const ENGINE: &str = env!("OMVANG_ENGINE");
/// The file name extension of an entry: `<key>.calibration`.
const EXTENSION: &str = "calibration";
/// The environment variable that names the default cache folder.
pub const CACHE_ENV: &str = "OMVANG_CACHE_DIR";

/// The key of a calibration: the SHA-256 (hex) of the cache format, the engine version, whether
/// the run calibrates, the particle count and latent dimension, the SHA-256 of every input file
/// (the national record among them) and the scenario's history fingerprint (seed, iterations,
/// data, the parameters the history depends on, the observations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey(String);

impl CacheKey {
    /// The key of `model`'s calibration (`calibrate` on or off), given the SHA-256 of each of its
    /// input files.
    pub fn new(model: &Model, calibrate: bool, input_sha256: &[String]) -> CacheKey {
        let mut text = format!(
            "omvang calibration\nformat {FORMAT_VERSION}\nengine {ENGINE}\nversion {}\ncalibrate {calibrate}\nparticles {}\nlatent {}\n",
            env!("CARGO_PKG_VERSION"),
            model.scenario.run.iterations,
            model.latent_dim(),
        );
        for sha in input_sha256 {
            text.push_str(&format!("input {sha}\n"));
        }
        text.push_str(&format!("history {}\n", model.history_fingerprint()));
        CacheKey(hex(&Sha256::digest(text.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What looking up a key found.
#[derive(Debug)]
pub enum Lookup {
    Hit(Box<Posterior>),
    Missing,
    /// An entry that cannot be trusted (why), to be made again.
    Ignored {
        path: PathBuf,
        reason: String,
    },
}

/// An open cache folder: it exists, is marked as omvang's and can be written.
#[derive(Debug, Clone)]
pub struct CacheDir {
    path: PathBuf,
}

/// Where the default cache folder is, and what named it.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultDir {
    pub path: PathBuf,
    /// `OMVANG_CACHE_DIR`, `$XDG_CACHE_HOME/omvang` or `~/.cache/omvang`.
    pub origin: &'static str,
    /// Named by the user (`OMVANG_CACHE_DIR`): a folder that cannot be used is an error, not a
    /// warning.
    pub explicit: bool,
}

/// The default cache folder: `$OMVANG_CACHE_DIR`, else `$XDG_CACHE_HOME/omvang` (an absolute
/// `XDG_CACHE_HOME` only, as the XDG specification says), else `$HOME/.cache/omvang`; `None`
/// when none of them is set.
pub fn default_dir() -> Option<DefaultDir> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(path) = var(CACHE_ENV) {
        return Some(DefaultDir {
            path,
            origin: CACHE_ENV,
            explicit: true,
        });
    }
    if let Some(xdg) = var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Some(DefaultDir {
            path: xdg.join("omvang"),
            origin: "$XDG_CACHE_HOME/omvang",
            explicit: false,
        });
    }
    var("HOME").map(|home| DefaultDir {
        path: home.join(".cache").join("omvang"),
        origin: "~/.cache/omvang",
        explicit: false,
    })
}

impl CacheDir {
    /// Open the cache folder `path` (named by `origin`, e.g. `--cache`), making and marking it
    /// when it is missing or empty.
    ///
    /// # Errors
    /// [`OutputError::Cache`] when `path` is not a folder, cannot be made or written, or holds
    /// files but has no marker (omvang leaves a folder it did not make alone).
    pub fn open(path: &Path, origin: &str) -> Result<CacheDir, OutputError> {
        let fix = format!("give {origin} a new or empty folder, or run with --no-cache");
        let bad = |message: String| OutputError::Cache {
            origin: origin.to_string(),
            path: path.to_path_buf(),
            message,
        };
        if fs::metadata(path).is_ok_and(|m| !m.is_dir()) {
            return Err(bad(format!("is not a folder; {fix}")));
        }
        fs::create_dir_all(path)
            .map_err(|e| bad(format!("cannot make the folder ({e}); {fix}")))?;
        let marker = path.join(CACHE_MARKER);
        if !is_cache(path) {
            let entries = fs::read_dir(path)
                .map_err(|e| bad(format!("cannot read the folder ({e}); {fix}")))?;
            // Another run may have marked it a moment ago: its marker is no stranger's file.
            if entries
                .flatten()
                .any(|e| e.file_name().to_str() != Some(CACHE_MARKER))
            {
                return Err(bad(format!(
                    "holds files but was not made by omvang (no {CACHE_MARKER} marker), so omvang leaves it alone; {fix}"
                )));
            }
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&marker)
            {
                Ok(mut f) => f
                    .write_all(b"omvang calibration cache: omvang writes and clears <key>.calibration files here (omvang cache clear)\n")
                    .map_err(|e| bad(format!("cannot write in the folder ({e}); {fix}")))?,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(bad(format!("cannot write in the folder ({e}); {fix}"))),
            }
        }
        let probe = path.join(format!(".probe-{}-{}", std::process::id(), next()));
        fs::write(&probe, b"")
            .map_err(|e| bad(format!("cannot write in the folder ({e}); {fix}")))?;
        let _ = fs::remove_file(&probe);
        Ok(CacheDir {
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry file of `key`.
    pub fn entry(&self, key: &CacheKey) -> PathBuf {
        self.path.join(format!("{}.{EXTENSION}", key.as_str()))
    }

    /// The calibration of `key` for `model`, if the folder holds a sound one.
    pub fn load(&self, key: &CacheKey, model: &Model) -> Lookup {
        let path = self.entry(key);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Missing,
            Err(e) => {
                return Lookup::Ignored {
                    path,
                    reason: format!("it cannot be read ({e})"),
                }
            }
        };
        let expected = Shape {
            particles: model.scenario.run.iterations,
            latent: model.latent_dim(),
            observations: model.observations.len(),
        };
        match decode(&bytes, key.as_str(), &expected) {
            Ok(p) => Lookup::Hit(Box::new(p)),
            Err(reason) => Lookup::Ignored { path, reason },
        }
    }

    /// Keep `posterior` as the entry of `key`: written to a temporary file of this process, then
    /// renamed over the entry, so a reader sees the old entry, the new one or none, never half of
    /// one. Returns the entry's path.
    ///
    /// # Errors
    /// I/O errors (the temporary file is removed).
    pub fn store(&self, key: &CacheKey, posterior: &Posterior) -> Result<PathBuf, OutputError> {
        let bytes = encode(key.as_str(), posterior);
        let target = self.entry(key);
        let temp = self.path.join(format!(
            ".{}.tmp-{}-{}",
            key.as_str(),
            std::process::id(),
            next()
        ));
        let written = fs::write(&temp, &bytes)
            .map_err(io_err(&temp))
            .and_then(|()| fs::rename(&temp, &target).map_err(io_err(&target)));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written.map(|()| target)
    }
}

/// A number unique within this process, for temporary file names.
fn next() -> usize {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// Whether `dir` is a folder with the cache marker.
pub fn is_cache(dir: &Path) -> bool {
    fs::metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(dir.join(CACHE_MARKER)).is_ok_and(|m| m.is_file())
}

/// Files of a cache folder that omvang made: entries (`<64 hex>.calibration`), temporary files
/// (`.<64 hex>.tmp-<pid>-<n>`) and write probes (`.probe-<pid>-<n>`) with their pid, and their
/// sizes.
fn own_files(dir: &Path) -> Result<Vec<(PathBuf, Option<u32>, u64)>, OutputError> {
    let is_key = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))?.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let pid = if let Some(key) = name.strip_suffix(&format!(".{EXTENSION}")) {
            if !is_key(key) {
                continue;
            }
            None
        } else if let Some((key, tail)) = name
            .strip_prefix('.')
            .and_then(|rest| rest.split_once(".tmp-"))
        {
            let pid = tail.split('-').next().and_then(|p| p.parse().ok());
            if !is_key(key) || pid.is_none() {
                continue;
            }
            pid
        } else if let Some(tail) = name.strip_prefix(".probe-") {
            let pid = tail.split('-').next().and_then(|p| p.parse().ok());
            if pid.is_none() {
                continue;
            }
            pid
        } else {
            continue;
        };
        found.push((entry.path(), pid, meta.len()));
    }
    found.sort();
    Ok(found)
}

/// What a cache folder holds: its entries and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheUse {
    pub entries: usize,
    pub bytes: u64,
}

/// The entries of the cache folder `dir`, named by `origin` (none when it does not exist).
///
/// # Errors
/// A folder that exists but is no omvang cache, or cannot be read.
pub fn usage(dir: &Path, origin: &str) -> Result<CacheUse, OutputError> {
    if !dir.exists() {
        return Ok(CacheUse::default());
    }
    check_ours(dir, origin)?;
    let files = own_files(dir)?;
    Ok(CacheUse {
        entries: files.iter().filter(|(_, pid, _)| pid.is_none()).count(),
        bytes: files.iter().map(|(_, _, b)| b).sum(),
    })
}

fn check_ours(dir: &Path, origin: &str) -> Result<(), OutputError> {
    if is_cache(dir) {
        return Ok(());
    }
    Err(OutputError::Cache {
        origin: origin.into(),
        path: dir.to_path_buf(),
        message: format!(
            "is not an omvang calibration cache (no {CACHE_MARKER} marker), so omvang touches nothing in it; check the path (omvang cache info shows the default one), or remove the files yourself"
        ),
    })
}

/// `omvang cache clear`: remove every entry omvang made in `dir` (named by `origin`) and
/// temporary files of runs that are gone, nothing else: other files, and the folder with its
/// marker, stay. A missing folder has nothing to clear.
///
/// # Errors
/// A folder without the marker ([`OutputError::Cache`]: omvang clears only its own), or I/O.
pub fn clear(dir: &Path, origin: &str) -> Result<CacheUse, OutputError> {
    if !dir.exists() {
        return Ok(CacheUse::default());
    }
    check_ours(dir, origin)?;
    let mut cleared = CacheUse::default();
    for (path, pid, bytes) in own_files(dir)? {
        if pid.is_some_and(alive) {
            continue;
        }
        match fs::remove_file(&path) {
            Ok(()) => {}
            // Another run's rename or clear got there first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err(&path)(e)),
        }
        cleared.entries += usize::from(pid.is_none());
        cleared.bytes += bytes;
    }
    Ok(cleared)
}

/// Whether process `pid` (another one) is running; without `/proc`, assumed gone.
fn alive(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}
