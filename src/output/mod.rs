//! Stage 5: writing a run and reading it back. `tables` builds the run's tables (DataFrames, CSV
//! and Parquet bytes), `folder` writes them into a marked, locked, crash-safe run folder, and
//! `run_folder` reads a run or comparison folder back into `RunData`; `cache` keeps calibrations
//! in a folder omvang owns.

use std::path::{Path, PathBuf};

use polars::prelude::PolarsError;

pub mod cache;
mod cache_entry;
pub mod folder;
pub mod run_folder;
pub mod tables;

/// The unit of a run folder, defined with the run data the report also builds on.
pub use crate::run_data::Artifact;
pub use folder::*;
pub use run_folder::{parse_run, read_comparison, read_run};
pub use tables::*;

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Polars { path: PathBuf, source: PolarsError },
    /// The target exists but omvang did not make it: it is left alone.
    #[error("{path} exists and was not made by omvang (no {MARKER} marker), so omvang leaves it alone; choose another scenario name (`name`, --set name=..., compare --name) or another --out, or remove the folder yourself")]
    NotOurs { path: PathBuf },
    /// A name that is not one safe folder name (checked again here, as a last line of defence).
    #[error("{name:?} cannot be a folder name under {out}: {message}")]
    BadName {
        out: PathBuf,
        name: String,
        message: String,
    },
    /// A calibration cache folder that cannot be used or cleared; `origin` says what named it
    /// (`--cache`, `OMVANG_CACHE_DIR`, `cache`), `message` what is wrong and the fix.
    #[error("{origin}: {path}: {message}")]
    Cache {
        origin: String,
        path: PathBuf,
        message: String,
    },
    /// A test's step hook stopped the swap, as a kill at that point would.
    #[error("stopped after step {0:?} of replacing a run folder")]
    Stopped(SwapStep),
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}
