//! Remarks about the inputs and the model built from them, as typed values: the manifest keeps
//! them, and the report and the command line word them in their language (the catalog), so no
//! English sentence ends up in a Dutch report.

use serde::{Deserialize, Serialize};

use super::format::InputFormat;

/// A remark for the user: allowed, but worth knowing or probably wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// A file not written as plain UTF-8 CSV, and how it was read.
    ReadAs { file: String, format: InputFormat },
    /// Population cells that change by more than `threshold` (a share) from one year to the
    /// next; the largest such change as an example.
    PopulationJumps {
        file: String,
        cells: usize,
        threshold: f64,
        year: i32,
        sex: String,
        age: usize,
        before: f64,
        after: f64,
    },
    /// Chain periods far from the base year; the first of them as an example.
    DistantPeriods {
        file: String,
        periods: usize,
        years: i32,
        base_year: i32,
        line: usize,
        start: String,
        end: String,
    },
    /// Chains whose uptake lies more than `mads` robust standard deviations of log-uptake from
    /// the median: each with its uptake as a multiple of the median.
    UptakeOutliers {
        chains: usize,
        mads: f64,
        outliers: Vec<(String, f64)>,
    },
    /// One chain only: the spread between chains comes from the prior.
    OneChain { chain: String, prior_scale: f64 },
    /// The chains say little about how much they differ in these pooled rates: the prior on
    /// the between-chain spread sets their uncertainty.
    PriorDominates {
        chains: usize,
        rates: Vec<String>,
        prior_scale: f64,
    },
}

/// A note as a manifest holds it: typed, or a sentence (manifests before typed notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RecordedNote {
    Typed(Note),
    Sentence(String),
}
