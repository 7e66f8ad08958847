//! omvang: how much dementia case management the Netherlands needs, what it costs and where the
//! waiting lists go. From the data photo of a few regional dementia chains to pooled rates, a
//! national Monte Carlo extrapolation and a monthly queue projection (docs/MODEL.md).
//!
//! The stages import one way only (docs/ARCHITECTURE.md, checked by `tests/architecture.rs`):
//! `data` → `scenario` → `model` → `run_data` → `analysis` → `output` | `report` → `pipeline`.

pub mod analysis;
pub mod data;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod run_data;
pub mod scenario;

/// Whether an error (or a cause in its chain) is about the user's input, as opposed to an
/// internal failure: the binary exits with 2 for these.
pub fn is_input_error(err: &(dyn std::error::Error + 'static)) -> bool {
    err.is::<scenario::ScenarioError>()
        || err.is::<data::InputError>()
        || err.is::<model::build::ModelError>()
        || err.is::<data::ChainsError>()
        || err.downcast_ref::<output::OutputError>().is_some_and(|e| {
            matches!(
                e,
                output::OutputError::NotOurs { .. }
                    | output::OutputError::BadName { .. }
                    | output::OutputError::Cache { .. }
            )
        })
        || err.is::<report::CompareError>()
}
