//! What a run writes besides the report: its tables as artifacts, its manifest, the key figures
//! the command line shows, and the check that every draw is finite.

use std::path::Path;
use std::time::{Instant, SystemTime};

use anyhow::Result;

use super::calibration::Calibration;
use super::inputs::input_files;
use crate::data::{Date, RecordedNote};
use crate::model::build::{Model, ModelError};
use crate::model::metrics::Metric;
use crate::model::particle::PooledDraw;
use crate::model::results::RunResults;
use crate::model::smc;
use crate::model::stats::Band;
use crate::model::summaries::SummaryRow;
use crate::output::{self};
use crate::run_data::band_of;
use crate::run_data::{Artifact, CalibrationInfo, HashedFile, Manifest};
use crate::scenario::{self, PoolingMethod, ScenarioError};

/// How the run's iterations were calibrated (and whether they came from the cache), for its
/// manifest.
pub(super) fn calibration_info(model: &Model, calibration: &Calibration) -> CalibrationInfo {
    let posterior = &calibration.posterior;
    CalibrationInfo {
        calibrated: posterior.calibrated,
        ess: posterior
            .final_ess()
            .unwrap_or(posterior.particles.len() as f64),
        prior_ess: posterior.prior_ess,
        stages: posterior.stages.len(),
        particles: posterior.particles.len(),
        unique_histories: posterior.unique_histories,
        policy_start: month_label(model.scenario.run.base_year, model.policy_start),
        from_cache: calibration.from_cache,
        cache_key: calibration.key.clone(),
    }
}

/// The run's tables as files.
pub(super) fn tables(
    model: &Model,
    results: &RunResults,
    summary: &[SummaryRow],
    monthly: &[SummaryRow],
    posterior: &smc::Posterior,
) -> Result<Vec<Artifact>> {
    let name = &model.scenario.name;
    let file = |name: &str, bytes: Vec<u8>| Artifact {
        name: name.into(),
        bytes,
    };
    let mut files = vec![
        file(
            "summary.csv",
            output::csv_bytes(&mut output::summary_frame(name, summary, "year")?)?,
        ),
        file(
            "monthly.csv",
            output::csv_bytes(&mut output::summary_frame(name, monthly, "month")?)?,
        ),
        file(
            "chains.csv",
            output::csv_bytes(&mut output::chains_frame(model)?)?,
        ),
        file(
            "pooling.csv",
            output::csv_bytes(&mut output::pooling_frame(model)?)?,
        ),
        file(
            "draws.parquet",
            output::parquet_bytes(&mut output::draws_frame(model, results)?)?,
        ),
        file(
            "actuals.csv",
            output::csv_bytes(&mut output::actuals_frame(&model.actuals)?)?,
        ),
        file(
            "hindcast.csv",
            output::csv_bytes(&mut output::hindcast_frame(model, posterior)?)?,
        ),
    ];
    // Projections by others: copied, so that `omvang report` needs only the run folder.
    if model.scenario.data.projections.is_some() {
        files.push(file(
            "projections.csv",
            output::csv_bytes(&mut output::projections_frame(&model.projections)?)?,
        ));
    }
    // Prior and posterior of the parameters: only a calibrated run has both.
    if posterior.calibrated {
        files.push(file(
            "calibration.csv",
            output::csv_bytes(&mut output::calibration_frame(posterior)?)?,
        ));
    }
    Ok(files)
}

/// `YYYY-MM` of month `month` after January of `base_year`.
pub(super) fn month_label(base_year: i32, month: usize) -> String {
    format!("{}-{:02}", base_year + (month / 12) as i32, month % 12 + 1)
}

/// The manifest of one run: versions, hashed inputs, settings and times.
pub(super) fn manifest(
    model: &Model,
    path: &Path,
    overrides: &[String],
    threads: usize,
    started_at: SystemTime,
    clock: Instant,
) -> Result<Manifest> {
    let hashed = |p: &Path| -> Result<HashedFile> {
        Ok(HashedFile {
            path: p.display().to_string(),
            sha256: output::sha256_file(p)?,
        })
    };
    let s = &model.scenario;
    Ok(Manifest {
        omvang_version: env!("CARGO_PKG_VERSION").into(),
        scenario: s.name.clone(),
        description: s.description.clone(),
        scenario_file: hashed(path)?,
        extends: s.files[1..]
            .iter()
            .map(|p| hashed(p))
            .collect::<Result<_>>()?,
        overrides: overrides.to_vec(),
        inputs: input_files(s)
            .iter()
            .map(|p| hashed(p))
            .collect::<Result<_>>()?,
        with_actuals: Some(s.data.actuals.is_some()),
        with_projections: Some(s.data.projections.is_some()),
        seed: s.run.seed,
        iterations: s.run.iterations,
        threads,
        base_year: s.run.base_year,
        horizon: s.run.horizon,
        pooling_method: match s.pooling_method {
            PoolingMethod::Dl => "dl".into(),
            PoolingMethod::Reml => "reml".into(),
        },
        wait_norm_weeks: s.wait_norm_weeks,
        started_at: rfc3339(started_at),
        run_seconds: clock.elapsed().as_secs_f64(),
        notes: model
            .notes
            .iter()
            .cloned()
            .map(RecordedNote::Typed)
            .collect(),
        calibration: None,
    })
}

/// Key figures of a run: the volume chain in the base year, care, waiting and FTE at the horizon.
pub(super) fn key_figures(model: &Model, summary: &[SummaryRow]) -> Vec<(Metric, i32, Band)> {
    let run = &model.scenario.run;
    let base = [
        Metric::PeopleWithDementia,
        Metric::AtHome,
        Metric::Need,
        Metric::ClientsInCare,
        Metric::FteNeeded,
        Metric::CostEur,
    ]
    .map(|m| (m, run.base_year));
    let horizon = [
        Metric::ClientsInCare,
        Metric::WaitingList,
        Metric::FteNeeded,
        Metric::FteGap,
    ]
    .map(|m| (m, run.horizon));
    base.into_iter()
        .chain(horizon)
        .filter_map(|(metric, year)| {
            let r = summary
                .iter()
                .find(|r| r.metric == metric.as_str() && r.period == year.to_string())?;
            Some((metric, year, band_of(&r.stats)))
        })
        .collect()
}

/// Every drawn parameter and pooled rate must be a finite number: a NaN or infinity from an
/// odd distribution or chain data would otherwise flow silently into every total.
pub(super) fn check_finite_draws(model: &Model, path: &Path, results: &RunResults) -> Result<()> {
    for (i, (parameters, pooled)) in results.parameters.iter().zip(&results.pooled).enumerate() {
        if let Some((name, v)) = scenario::non_finite_parameter(parameters) {
            return Err(ScenarioError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "parameters.{name} drew {v} in iteration {i}; give it a distribution with finite values"
                ),
            }
            .into());
        }
        let pooled = PooledDraw::NAMES.iter().zip(pooled.values());
        if let Some((name, v)) = pooled.into_iter().find(|(_, v)| !v.is_finite()) {
            return Err(ModelError::Data {
                file: model
                    .scenario
                    .data
                    .chains
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                message: format!(
                    "the pooled {name} drew {v} in iteration {i}; check the chains' counts, or add chains so the pooling is stable"
                ),
            }
            .into());
        }
    }
    Ok(())
}

/// UTC time as RFC 3339, on the crate's one calendar (`Date`).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let epoch = Date {
        year: 1970,
        month: 1,
        day: 1,
    };
    let date = Date::from_day_number(epoch.day_number() + days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Date;

    #[test]
    fn rfc3339_formats_known_instants() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn day_numbers_round_trip() {
        for z in (0..800_000).step_by(97) {
            assert_eq!(Date::from_day_number(z).day_number(), z);
        }
    }
}
