//! A particle's evaluation for the calibration: its observed values, log-likelihood and the
//! regions' parts of its history (`model::parts`), for a whole history, a proposal that early
//! rejection may cut short, or a renewal of one region's flows simulated alone.

use rayon::prelude::*;

use crate::model::build::Model;
use crate::model::observation::log_likelihood;
use crate::model::particle::Particle;
use crate::model::parts::ObservationPlan;
use crate::model::simulate::{observe_parts, Scratch};

/// A particle's observed values, its log-likelihood, and each region's parts of its history
/// (`model::parts`), from which a renewal of one region's flows is evaluated.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    pub(crate) values: Vec<f64>,
    pub(crate) ll: f64,
    pub(crate) parts: Vec<f64>,
}

/// The observed-scale value of every observation for a particle, and its log-likelihood.
pub(crate) fn evaluate(
    model: &Model,
    plan: &ObservationPlan,
    particle: &Particle,
    scratch: &mut Scratch,
) -> Evaluation {
    evaluate_for(model, (plan, None), particle, scratch, &|_| true)
        .expect("a test that accepts everything never stops a history")
}

/// A proposal's evaluation if the Metropolis test `accepts(log-likelihood)` may pass: the
/// history stops where an upper bound of its log-likelihood shows it cannot (early
/// rejection). The test is monotone in the log-likelihood, so every decision is the one the
/// whole history would have given. With `renewed` = (the current evaluation, a region) only
/// that region is simulated and the other regions' parts are the current ones.
pub(crate) fn evaluate_for(
    model: &Model,
    (plan, renewed): (&ObservationPlan, Option<(&Evaluation, usize)>),
    particle: &Particle,
    scratch: &mut Scratch,
    accepts: &dyn Fn(f64) -> bool,
) -> Option<Evaluation> {
    let mut parts = match renewed {
        Some((current, _)) => current.parts.clone(),
        None => vec![0.0; plan.len()],
    };
    let only = renewed.map(|(_, r)| r);
    let values = observe_parts(
        model,
        particle,
        (plan, only),
        &mut parts,
        scratch,
        &|bound| !accepts(bound),
    )?;
    Some(Evaluation {
        ll: likelihood(model, &values),
        values,
        parts,
    })
}

/// The log-likelihood of a particle's observed values, −∞ for a non-finite one.
pub(crate) fn likelihood(model: &Model, values: &[f64]) -> f64 {
    let ll = log_likelihood(&model.observations, values);
    if ll.is_finite() {
        ll
    } else {
        f64::NEG_INFINITY
    }
}

/// Every particle's observed values and log-likelihood, in parallel, and its parts if
/// `keep_parts` (only a calibration renews regions; 100,000 prior iterations' parts would be
/// ~150 MB).
pub(crate) fn evaluate_all(
    model: &Model,
    plan: &ObservationPlan,
    particles: &[Particle],
    keep_parts: bool,
) -> Vec<Evaluation> {
    particles
        .par_iter()
        .map_init(Scratch::default, |scratch, p| {
            let mut e = evaluate(model, plan, p, scratch);
            if !keep_parts {
                e.parts = Vec::new();
            }
            e
        })
        .collect()
}
