//! A scenario's calibration, from the calibration cache when it holds a sound one: the key is
//! made of everything the calibration depends on (`output::cache::CacheKey`), a hit skips the
//! tempering, a miss calibrates and keeps the result, and an entry that cannot be trusted is
//! reported, calibrated again and replaced.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use super::inputs::input_files;
use super::{Event, Observer};
use crate::model::build::Model;
use crate::model::particle::Particle;
use crate::model::smc;
use crate::output::cache::{self, CacheDir, CacheKey, Lookup};
use crate::output::sha256_file;

/// Where a run keeps its calibrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheChoice {
    /// `--no-cache`: calibrate every time, keep nothing.
    Off,
    /// The default folder (`output::cache::default_dir`): `OMVANG_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/omvang`, else `~/.cache/omvang`. When the last two cannot be used the
    /// run warns and goes on without a cache; a bad `OMVANG_CACHE_DIR` is an error.
    Default,
    /// `--cache DIR`: a folder that cannot be used is an error.
    Dir(PathBuf),
}

/// The particles a scenario projects, and where they came from.
#[derive(Debug, Clone)]
pub(super) struct Calibration {
    pub posterior: smc::Posterior,
    /// Read from the cache rather than computed in this run.
    pub from_cache: bool,
    /// The cache key, when a cache was used.
    pub key: Option<String>,
}

impl Calibration {
    /// The same calibration for another scenario with the same history (its own parameter
    /// bands, see [`smc::Posterior::for_model`]).
    pub fn for_model(&self, model: &Model) -> Calibration {
        Calibration {
            posterior: self.posterior.for_model(model),
            ..self.clone()
        }
    }
}

/// Open the cache folder of `choice` before any long work.
///
/// # Errors
/// A `--cache` folder (or `OMVANG_CACHE_DIR`) that cannot be used; the fallback folders only
/// warn.
pub(super) fn open_cache(choice: &CacheChoice, observe: Observer<'_>) -> Result<Option<CacheDir>> {
    match choice {
        CacheChoice::Off => Ok(None),
        CacheChoice::Dir(dir) => Ok(Some(CacheDir::open(dir, "--cache")?)),
        CacheChoice::Default => {
            let Some(default) = cache::default_dir() else {
                observe(Event::Warning(
                    "no calibration cache: neither OMVANG_CACHE_DIR, XDG_CACHE_HOME nor HOME is set; calibrating without one (give --cache DIR to keep calibrations)".into(),
                ));
                return Ok(None);
            };
            match CacheDir::open(&default.path, default.origin) {
                Ok(dir) => Ok(Some(dir)),
                Err(e) if !default.explicit => {
                    observe(Event::Warning(format!(
                        "the calibration cache cannot be used ({e}); calibrating without it"
                    )));
                    Ok(None)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// The calibration of `model` (or its prior, with `on` false): from `cache` when it holds a
/// sound entry for its key, else computed on a pool of `pool_threads` and kept in `cache`.
///
/// # Errors
/// An input file that cannot be read for the key, or a thread pool that cannot be built.
pub(super) fn calibrate_cached(
    model: &Model,
    on: bool,
    cache: Option<&CacheDir>,
    pool_threads: usize,
    observe: Observer<'_>,
) -> Result<Calibration> {
    let key = match look_up(model, on, cache, observe)? {
        Ok(hit) => return Ok(hit),
        Err(key) => key,
    };
    let posterior = calibrate(model, on, pool_threads, observe)?;
    Ok(keep(cache, key, posterior, observe))
}

/// The particles a run of `model` projects: its calibration as [`calibrate_cached`] gives it,
/// or, for a run of the prior that can give its hindcast itself ([`smc::prior_from_run`]) and
/// is not in the cache, the prior particles, their calibration finished from the run
/// ([`PriorRun::finish`]).
///
/// # Errors
/// As [`calibrate_cached`].
pub(super) fn prepare(
    model: &Model,
    on: bool,
    cache: Option<&CacheDir>,
    pool_threads: usize,
    observe: Observer<'_>,
) -> Result<Prepared> {
    let n = model.scenario.run.iterations;
    if !smc::prior_from_run(model, n, on) {
        return calibrate_cached(model, on, cache, pool_threads, observe).map(Prepared::Ready);
    }
    Ok(match look_up(model, on, cache, observe)? {
        Ok(hit) => Prepared::Ready(hit),
        Err(key) => Prepared::Prior(PriorRun {
            particles: smc::prior_particles(model, n),
            key,
        }),
    })
}

/// What a run projects: a finished calibration, or the prior iterations whose hindcast the run
/// gives.
pub(super) enum Prepared {
    Ready(Calibration),
    Prior(PriorRun),
}

/// The prior iterations of a run that gives their hindcast and prior ESS from its own
/// projections, and the cache key their calibration is kept under.
pub(super) struct PriorRun {
    pub particles: Vec<Particle>,
    key: Option<CacheKey>,
}

impl PriorRun {
    /// The calibration of the prior from `observed`, every iteration's observed values as
    /// [`crate::model::simulate::run_observed`] gave them, kept in `cache` as
    /// [`calibrate_cached`] keeps one.
    pub fn finish(
        self,
        model: &Model,
        observed: &[f64],
        cache: Option<&CacheDir>,
        observe: Observer<'_>,
    ) -> Calibration {
        let posterior = smc::prior_posterior(model, self.particles, observed);
        keep(cache, self.key, posterior, observe)
    }
}

/// The calibration `cache` holds for `model` (`Ok`), else the key to keep it under when there
/// is a cache (`Err`); an entry that cannot be trusted is reported.
///
/// # Errors
/// An input file that cannot be read for the key.
fn look_up(
    model: &Model,
    on: bool,
    cache: Option<&CacheDir>,
    observe: Observer<'_>,
) -> Result<Result<Calibration, Option<CacheKey>>> {
    let Some(cache) = cache else {
        return Ok(Err(None));
    };
    let name = &model.scenario.name;
    let inputs = input_files(&model.scenario)
        .iter()
        .map(|p| sha256_file(p))
        .collect::<Result<Vec<_>, _>>()?;
    let key = CacheKey::new(model, on, &inputs);
    match cache.load(&key, model) {
        Lookup::Hit(posterior) => {
            observe(Event::CalibrationCached {
                scenario: name,
                key: key.as_str(),
                path: &cache.entry(&key),
            });
            return Ok(Ok(Calibration {
                posterior: posterior.for_model(model),
                from_cache: true,
                key: Some(key.as_str().to_string()),
            }));
        }
        Lookup::Missing => {}
        Lookup::Ignored { path, reason } => observe(Event::CacheEntryIgnored {
            scenario: name,
            path: &path,
            reason: &reason,
        }),
    }
    Ok(Err(Some(key)))
}

/// A computed calibration, kept in `cache` under `key` (a failure to keep it is a warning).
fn keep(
    cache: Option<&CacheDir>,
    key: Option<CacheKey>,
    posterior: smc::Posterior,
    observe: Observer<'_>,
) -> Calibration {
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Err(e) = cache.store(key, &posterior) {
            observe(Event::Warning(format!(
                "the calibration could not be kept in the cache ({e}); the run goes on"
            )));
        }
    }
    Calibration {
        posterior,
        from_cache: false,
        key: key.map(|k| k.as_str().to_string()),
    }
}

/// The particles a scenario projects: calibrated to the national record (or its prior).
fn calibrate(
    model: &Model,
    on: bool,
    pool_threads: usize,
    observe: Observer<'_>,
) -> Result<smc::Posterior> {
    let name = &model.scenario.name;
    let stages = AtomicUsize::new(0);
    let on_stage = |s: &smc::Stage| {
        observe(Event::calibrating(
            name,
            stages.fetch_add(1, Ordering::Relaxed) + 1,
            s,
        ))
    };
    let n = model.scenario.run.iterations;
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(pool_threads)
        .build()?
        .install(|| smc::posterior(model, n, on, &on_stage)))
}
