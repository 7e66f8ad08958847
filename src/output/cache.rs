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

use super::{io_err, OutputError};
use crate::model::build::Model;
use crate::model::particle::Particle;
use crate::model::projection::REGIONS;
use crate::model::smc::{ObservationBands, ParameterRow, Posterior, Stage};
use crate::model::stats::Band;

/// The file that marks a folder as an omvang calibration cache: omvang writes entries into, and
/// clears, only folders that carry it.
pub const CACHE_MARKER: &str = ".omvang-cache";
/// The version of the entry layout; an entry of another version is ignored.
pub const FORMAT_VERSION: u32 = 1;
/// The engine's version: a hash of the sources a calibration depends on (see `build.rs`).
pub const ENGINE: &str = env!("OMVANG_ENGINE");
/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"OMVCALIB";
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
        match decode(&bytes, key, &expected) {
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
        let bytes = encode(key, posterior);
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

/// Files of a cache folder that omvang made: entries (`<64 hex>.calibration`) and temporary
/// files (`.<64 hex>.tmp-<pid>-<n>`, with the pid), with their sizes.
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

/// What an entry must hold to serve the model that asks.
#[derive(Debug, Clone, Copy)]
struct Shape {
    particles: usize,
    latent: usize,
    observations: usize,
}

/// The bytes of an entry, all numbers little-endian, `f64` as their bits (so a read entry is
/// the same numbers, bit for bit):
///
/// ```text
/// magic "OMVCALIB", u32 format version, 64 bytes key (hex), u64 payload length, payload,
/// 32 bytes SHA-256 of everything before it.
/// payload: u64 particles n, u64 latent dimension d,
///          n × (d × f64 latent normals, REGIONS × u64 history keys),
///          u8 calibrated, f64 prior ESS,
///          u64 stages, each (f64 temperature, f64 ESS, f64 acceptance, f64 history acceptance,
///                            u64 steps),
///          u64 hindcast rows, each (u64 observation, band, optional band),
///          u64 parameter rows, each (u64 length + UTF-8 name, band, optional band),
///          u64 unique histories, u64 evaluations.
/// band: 3 × f64 (low, median, high); optional band: u8 0, or u8 1 and a band.
/// ```
pub fn encode(key: &CacheKey, p: &Posterior) -> Vec<u8> {
    let mut w = Vec::new();
    let d = p.particles.first().map_or(0, |x| x.z.len());
    put_u64(&mut w, p.particles.len() as u64);
    put_u64(&mut w, d as u64);
    for particle in &p.particles {
        particle.z.iter().for_each(|&z| put_f64(&mut w, z));
        particle.history.iter().for_each(|&h| put_u64(&mut w, h));
    }
    w.push(u8::from(p.calibrated));
    put_f64(&mut w, p.prior_ess);
    put_u64(&mut w, p.stages.len() as u64);
    for s in &p.stages {
        for x in [s.temperature, s.ess, s.acceptance, s.history_acceptance] {
            put_f64(&mut w, x);
        }
        put_u64(&mut w, s.steps as u64);
    }
    put_u64(&mut w, p.hindcast.len() as u64);
    for h in &p.hindcast {
        put_u64(&mut w, h.observation as u64);
        put_band(&mut w, &h.prior);
        put_optional_band(&mut w, h.posterior.as_ref());
    }
    put_u64(&mut w, p.parameters.len() as u64);
    for r in &p.parameters {
        put_u64(&mut w, r.name.len() as u64);
        w.extend_from_slice(r.name.as_bytes());
        put_band(&mut w, &r.prior);
        put_optional_band(&mut w, r.posterior.as_ref());
    }
    put_u64(&mut w, p.unique_histories as u64);
    put_u64(&mut w, p.evaluations as u64);

    let mut out = Vec::with_capacity(w.len() + 128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(key.as_str().as_bytes());
    put_u64(&mut out, w.len() as u64);
    out.extend_from_slice(&w);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

fn put_u64(w: &mut Vec<u8>, x: u64) {
    w.extend_from_slice(&x.to_le_bytes());
}

fn put_f64(w: &mut Vec<u8>, x: f64) {
    w.extend_from_slice(&x.to_bits().to_le_bytes());
}

fn put_band(w: &mut Vec<u8>, b: &Band) {
    for x in [b.low, b.median, b.high] {
        put_f64(w, x);
    }
}

fn put_optional_band(w: &mut Vec<u8>, b: Option<&Band>) {
    match b {
        Some(b) => {
            w.push(1);
            put_band(w, b);
        }
        None => w.push(0),
    }
}

/// The posterior in an entry, checked end to end; the reason when it cannot be trusted.
fn decode(bytes: &[u8], key: &CacheKey, shape: &Shape) -> Result<Posterior, String> {
    let head = MAGIC.len() + 4 + 64 + 8;
    if bytes.len() < head + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err("it is not an omvang calibration entry".into());
    }
    let mut r = Reader {
        bytes: &bytes[..bytes.len() - 32],
        at: MAGIC.len(),
    };
    let version = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(format!(
            "it has format version {version}, this omvang reads {FORMAT_VERSION}"
        ));
    }
    if r.take(64)? != key.as_str().as_bytes() {
        return Err("it was made for another key".into());
    }
    let sum = Sha256::digest(&bytes[..bytes.len() - 32]);
    if sum[..] != bytes[bytes.len() - 32..] {
        return Err("its checksum does not match (a damaged or truncated file)".into());
    }
    let length = r.u64()?;
    if length != (r.bytes.len() - r.at) as u64 {
        return Err("its length does not match".into());
    }
    let posterior = payload(&mut r, shape)?;
    if r.at != r.bytes.len() {
        return Err("it has bytes after its end".into());
    }
    Ok(posterior)
}

/// The payload of an entry (see [`encode`]), its shape checked against `shape`.
fn payload(r: &mut Reader<'_>, shape: &Shape) -> Result<Posterior, String> {
    let (n, d) = (r.len(1)?, r.len(1)?);
    if n != shape.particles || d != shape.latent {
        return Err(format!(
            "it holds {n} particles of {d} latent normals, the run needs {} of {}",
            shape.particles, shape.latent
        ));
    }
    r.len_fits(n, (d + REGIONS) * 8)?;
    let mut particles = Vec::with_capacity(n);
    for _ in 0..n {
        let z = (0..d).map(|_| r.f64()).collect::<Result<Vec<_>, _>>()?;
        let mut history = [0u64; REGIONS];
        for h in &mut history {
            *h = r.u64()?;
        }
        particles.push(Particle { z, history });
    }
    let calibrated = r.flag()?;
    let prior_ess = r.f64()?;
    let stage_count = r.len(36)?;
    let stages = (0..stage_count)
        .map(|_| {
            Ok(Stage {
                temperature: r.f64()?,
                ess: r.f64()?,
                acceptance: r.f64()?,
                history_acceptance: r.f64()?,
                steps: r.len(0)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let rows = r.len(33)?;
    if rows != shape.observations {
        return Err(format!(
            "it has {rows} observations, the run's record has {}",
            shape.observations
        ));
    }
    let hindcast = (0..rows)
        .map(|_| {
            let observation = r.len(0)?;
            if observation >= shape.observations {
                return Err("it names an observation the record does not have".to_string());
            }
            Ok(ObservationBands {
                observation,
                prior: r.band()?,
                posterior: r.optional_band()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let parameter_count = r.len(33)?;
    let parameters = (0..parameter_count)
        .map(|_| {
            let length = r.len(1)?;
            let name = String::from_utf8(r.take(length)?.to_vec())
                .map_err(|_| "it has a parameter name that is not UTF-8".to_string())?;
            Ok(ParameterRow {
                name,
                prior: r.band()?,
                posterior: r.optional_band()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Posterior {
        particles,
        calibrated,
        prior_ess,
        stages,
        hindcast,
        parameters,
        unique_histories: r.len(0)?,
        evaluations: r.len(0)?,
    })
}

/// Reads an entry's bytes in order; every read past the end is an error, not a panic.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| "it ends early".to_string())?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn f64(&mut self) -> Result<f64, String> {
        self.u64().map(f64::from_bits)
    }

    fn flag(&mut self) -> Result<bool, String> {
        match self.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(format!("it has {b} where a yes or no belongs")),
        }
    }

    /// A count or index, when `each` bytes per item (at least) fit in what is left.
    fn len(&mut self, each: usize) -> Result<usize, String> {
        let n =
            usize::try_from(self.u64()?).map_err(|_| "it has an impossible count".to_string())?;
        self.len_fits(n, each)?;
        Ok(n)
    }

    fn len_fits(&self, n: usize, each: usize) -> Result<(), String> {
        match n.checked_mul(each) {
            Some(b) if b <= self.bytes.len() - self.at => Ok(()),
            _ => Err("it has a count larger than the file".into()),
        }
    }

    fn band(&mut self) -> Result<Band, String> {
        Ok(Band {
            low: self.f64()?,
            median: self.f64()?,
            high: self.f64()?,
        })
    }

    fn optional_band(&mut self) -> Result<Option<Band>, String> {
        Ok(if self.flag()? {
            Some(self.band()?)
        } else {
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(x: f64) -> Band {
        Band {
            low: x - 1.0,
            median: x,
            high: x + 1.0 / 3.0,
        }
    }

    fn posterior() -> Posterior {
        Posterior {
            particles: (0..3)
                .map(|i| Particle {
                    z: vec![0.1 * i as f64, -1.0 / 3.0, f64::MIN_POSITIVE],
                    history: [i as u64 | 1 << 63; REGIONS],
                })
                .collect(),
            calibrated: true,
            prior_ess: 2.5,
            stages: vec![Stage {
                temperature: 0.25,
                ess: 1.5,
                acceptance: 0.3,
                history_acceptance: 0.9,
                steps: 4,
            }],
            hindcast: vec![
                ObservationBands {
                    observation: 0,
                    prior: band(10.0),
                    posterior: Some(band(11.0)),
                },
                ObservationBands {
                    observation: 1,
                    prior: band(20.0),
                    posterior: None,
                },
            ],
            parameters: vec![ParameterRow {
                name: "caseload".into(),
                prior: band(50.0),
                posterior: Some(band(52.0)),
            }],
            unique_histories: 3,
            evaluations: 99,
        }
    }

    const SHAPE: Shape = Shape {
        particles: 3,
        latent: 3,
        observations: 2,
    };

    fn key() -> CacheKey {
        CacheKey("ab".repeat(32))
    }

    #[test]
    fn an_entry_reads_back_bit_for_bit() {
        let p = posterior();
        let bytes = encode(&key(), &p);
        assert_eq!(decode(&bytes, &key(), &SHAPE), Ok(p));
    }

    #[test]
    fn every_damaged_byte_and_every_truncation_is_caught() {
        let bytes = encode(&key(), &posterior());
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            assert!(decode(&bad, &key(), &SHAPE).is_err(), "byte {i}");
        }
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n], &key(), &SHAPE).is_err(), "length {n}");
        }
    }

    #[test]
    fn another_key_version_or_shape_is_refused() {
        let bytes = encode(&key(), &posterior());
        let other = CacheKey("cd".repeat(32));
        assert!(decode(&bytes, &other, &SHAPE)
            .unwrap_err()
            .contains("another key"));
        let wide = Shape { latent: 4, ..SHAPE };
        assert!(decode(&bytes, &key(), &wide)
            .unwrap_err()
            .contains("latent normals"));
        let mut old = bytes.clone();
        old[8] = 7;
        assert!(decode(&old, &key(), &SHAPE)
            .unwrap_err()
            .contains("format version 7"));
    }
}
