//! The kinds of input file, each told by the columns of its header.

use super::chains::CHAIN_COLUMNS;

/// What kind of input a table is, told by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Chains,
    Population,
    Prevalence,
    Actuals,
    Projections,
}

impl InputKind {
    /// The columns that identify the kind.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            InputKind::Chains => &CHAIN_COLUMNS,
            InputKind::Population => &["year", "sex", "age", "population"],
            InputKind::Prevalence => &["age_min", "age_max", "sex", "prevalence_percent"],
            InputKind::Actuals => &["metric", "date", "value", "source"],
            InputKind::Projections => &["metric", "year", "value", "publisher", "source"],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            InputKind::Chains => "chain data",
            InputKind::Population => "population",
            InputKind::Prevalence => "prevalence",
            InputKind::Actuals => "national actuals",
            InputKind::Projections => "projections by others",
        }
    }
}
