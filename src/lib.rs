//! omvang: how much dementia case management the Netherlands needs, what it costs and where the
//! waiting lists go. From the data photo of a few regional dementia chains to pooled rates, a
//! national Monte Carlo extrapolation and a monthly queue projection (see DESIGN.md).
//!
//! The engine (`chains`, `epidemiology`, `pooling`, `scenario`, `simulate`, `projection`) does no
//! I/O; `inputs` reads files and `outputs` writes them. A finished run, as read back from its
//! files, is `run_data`; `analysis` computes statistics over it, and `report` (with its
//! `report::charts`) turns it into charts and the brief volume report (docs/ARCHITECTURE.md).

pub mod analysis;
pub mod calibration;
pub mod chains;
pub mod distributions;
pub mod epidemiology;
pub mod inputs;
pub mod outputs;
pub mod pooling;
pub mod projection;
pub mod report;
pub mod run_data;
pub mod scenario;
pub mod simulate;
pub mod sketch;
pub mod synthetic;

/// Whether an error (or a cause in its chain) is about the user's input, as opposed to an
/// internal failure: the binary exits with 2 for these.
pub fn is_input_error(err: &(dyn std::error::Error + 'static)) -> bool {
    err.is::<scenario::ScenarioError>()
        || err.is::<inputs::InputError>()
        || err.is::<simulate::ModelError>()
        || err.is::<chains::ChainsError>()
        || err.downcast_ref::<outputs::OutputError>().is_some_and(|e| {
            matches!(
                e,
                outputs::OutputError::NotOurs { .. } | outputs::OutputError::BadName { .. }
            )
        })
        || err.is::<report::CompareError>()
}
