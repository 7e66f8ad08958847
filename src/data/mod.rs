//! Stage 0: reading and validating the input files (population, prevalence, chain data photos,
//! national actuals, projections by others) and the record types they produce. Every error names file, line and fix.
//! Imports nothing else of the crate; which files a scenario names is the pipeline's business.

use std::path::PathBuf;

pub mod actuals;
pub mod chains;
pub mod date;
pub mod format;
pub mod kind;
pub mod notes;
pub mod population;
pub mod prevalence;
pub mod projections;
pub mod table;

pub use actuals::{parse_actuals, read_actuals, Actual, Inputs};
pub use chains::{
    chain_template, parse_chains, read_chains, ChainRecord, ChainsError, CHAIN_COLUMNS,
    MAX_CHAIN_COUNT, MAX_FTE, PERIOD_DISTANCE_YEARS,
};
pub use date::{Date, DAYS_PER_YEAR};
pub use format::{InputFormat, TextEncoding};
pub use kind::InputKind;
pub use notes::{Note, RecordedNote};
pub use population::{
    parse_population, read_population, Population, Sex, MAX_POPULATION_CELL, OLDEST_AGE,
    POPULATION_JUMP,
};
pub use prevalence::{parse_prevalence, read_prevalence, Prevalence, PrevalenceBand};
pub use projections::{parse_projections, read_projections, Projection, Qualifier};
pub use table::{Read, Table};

/// A bad input file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}: line {line}: {message}")]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// Chain records that cannot give rates (overlapping periods, no clients), found by `check`.
    #[error(transparent)]
    Chains(#[from] ChainsError),
}
