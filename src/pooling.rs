//! Random-effects meta-analysis across chains: DerSimonian–Laird (DerSimonian & Laird 1986) or
//! REML for τ², pooled mean with its standard error, I² and the prediction interval of a new
//! chain (Higgins, Thompson & Spiegelhalter 2009).

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::chains::ChainRates;
use crate::scenario::PoolingMethod;

/// One chain's estimate on the analysis scale with its sampling variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Study {
    pub y: f64,
    pub v: f64,
}

/// A pooled estimate on the analysis scale (logit or log).
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled {
    pub k: usize,
    pub mean: f64,
    pub se: f64,
    pub tau2: f64,
    /// Cochran's Q (0 for one chain).
    pub q: f64,
    /// I² in [0, 1].
    pub i2: f64,
    /// 95% prediction interval for a new chain.
    pub pi_low: f64,
    pub pi_high: f64,
}

impl Pooled {
    /// Degrees of freedom for drawing the pooled mean: with few chains the normal understates
    /// the uncertainty of the mean, so draws use a t with k−1 df (as Hartung–Knapp do).
    pub fn mean_df(&self) -> Option<f64> {
        (self.k >= 2).then(|| (self.k - 1) as f64)
    }
}

/// Pool studies with a random-effects model.
///
/// One study: its own estimate with its sampling uncertainty (τ² = 0, prediction interval
/// from the normal). Two studies: the prediction interval uses the normal, as t with k−2 = 0
/// degrees of freedom does not exist.
///
/// # Panics
/// Never for validated input; an empty slice or a non-positive variance is a programming error.
pub fn pool(studies: &[Study], method: PoolingMethod) -> Pooled {
    assert!(!studies.is_empty(), "pool needs at least one study");
    assert!(studies.iter().all(|s| s.v > 0.0 && s.y.is_finite()));
    let k = studies.len();
    let w: Vec<f64> = studies.iter().map(|s| 1.0 / s.v).collect();
    let sw: f64 = w.iter().sum();
    let fixed = studies.iter().zip(&w).map(|(s, w)| w * s.y).sum::<f64>() / sw;
    let q: f64 = studies
        .iter()
        .zip(&w)
        .map(|(s, w)| w * (s.y - fixed).powi(2))
        .sum();
    let df = (k - 1) as f64;
    let tau2 = if k == 1 {
        0.0
    } else {
        match method {
            PoolingMethod::Dl => {
                let c = sw - w.iter().map(|w| w * w).sum::<f64>() / sw;
                ((q - df) / c).max(0.0)
            }
            PoolingMethod::Reml => reml_tau2(studies),
        }
    };
    let ws: Vec<f64> = studies.iter().map(|s| 1.0 / (s.v + tau2)).collect();
    let sws: f64 = ws.iter().sum();
    let mean = studies.iter().zip(&ws).map(|(s, w)| w * s.y).sum::<f64>() / sws;
    let se = (1.0 / sws).sqrt();
    let i2 = if q > df && q > 0.0 { (q - df) / q } else { 0.0 };
    let crit = if k >= 3 {
        StudentsT::new(0.0, 1.0, (k - 2) as f64)
            .expect("df > 0")
            .inverse_cdf(0.975)
    } else {
        Normal::standard().inverse_cdf(0.975)
    };
    let half = crit * (tau2 + se * se).sqrt();
    Pooled {
        k,
        mean,
        se,
        tau2,
        q,
        i2,
        pi_low: mean - half,
        pi_high: mean + half,
    }
}

/// REML estimate of τ² by Fisher scoring, started at the DerSimonian–Laird value.
fn reml_tau2(studies: &[Study]) -> f64 {
    let mut tau2 = pool(studies, PoolingMethod::Dl).tau2;
    for _ in 0..200 {
        let w: Vec<f64> = studies.iter().map(|s| 1.0 / (s.v + tau2)).collect();
        let sw: f64 = w.iter().sum();
        let mu = studies.iter().zip(&w).map(|(s, w)| w * s.y).sum::<f64>() / sw;
        let sw2: f64 = w.iter().map(|w| w * w).sum();
        let num: f64 = studies
            .iter()
            .zip(&w)
            .map(|(s, w)| w * w * ((s.y - mu).powi(2) - s.v))
            .sum::<f64>();
        // Fixed point of the REML equation (Viechtbauer 2005, eq. 12).
        let next = (num / sw2 + 1.0 / sw).max(0.0);
        if (next - tau2).abs() < 1e-12 {
            return next;
        }
        tau2 = next;
    }
    tau2
}

/// ½ added to a zero count so its log and variance exist.
fn corrected(count: f64) -> f64 {
    if count > 0.0 {
        count
    } else {
        0.5
    }
}

/// The rates pooled across chains, on their analysis scales.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledRates {
    /// logit of uptake.
    pub uptake: Pooled,
    /// log of the inflow rate per person with dementia at home per year.
    pub inflow_rate: Pooled,
    /// log exit hazards per year.
    pub hazard_death: Pooled,
    pub hazard_institution: Pooled,
    pub hazard_other: Pooled,
    /// Waiting list per client at period end: total waiting / total clients (ratio estimator).
    pub waiting_share: f64,
    /// Number of waiting at period end summed over chains and periods (its Poisson count).
    pub waiting_count: f64,
    pub clients_end_total: f64,
    /// Clients per FTE: total clients / total FTE.
    pub caseload: f64,
}

/// Per-chain studies for logit uptake: `y = ln(x/(n−x))`, `v = 1/x + 1/(n−x)` with x the
/// mean clients and n the people with dementia at home.
pub fn uptake_study(c: &ChainRates) -> Study {
    let x = c.mean_clients.max(0.5);
    let n_minus_x = (c.at_home - c.mean_clients).max(0.5);
    Study {
        y: (x / n_minus_x).ln(),
        v: 1.0 / x + 1.0 / n_minus_x,
    }
}

/// Per-chain study for a log rate `events / exposure`, `v = 1/events` (½ for zero events).
pub fn log_rate_study(events: f64, exposure: f64) -> Study {
    let e = corrected(events);
    Study {
        y: (e / exposure).ln(),
        v: 1.0 / e,
    }
}

/// Pool every rate the projection needs.
pub fn pool_rates(chains: &[ChainRates], method: PoolingMethod) -> PooledRates {
    let studies = |f: &dyn Fn(&ChainRates) -> Study| chains.iter().map(f).collect::<Vec<_>>();
    let clients_end_total: f64 = chains.iter().map(|c| c.clients_end_total).sum();
    let waiting: f64 = chains.iter().map(|c| c.waiting_end_total).sum();
    let fte: f64 = chains.iter().map(|c| c.fte_total).sum();
    PooledRates {
        uptake: pool(&studies(&uptake_study), method),
        inflow_rate: pool(
            &studies(&|c| log_rate_study(c.inflow, c.at_home * c.years)),
            method,
        ),
        hazard_death: pool(
            &studies(&|c| log_rate_study(c.outflow_death, c.person_years)),
            method,
        ),
        hazard_institution: pool(
            &studies(&|c| log_rate_study(c.outflow_institution, c.person_years)),
            method,
        ),
        hazard_other: pool(
            &studies(&|c| log_rate_study(c.outflow_other, c.person_years)),
            method,
        ),
        waiting_share: if clients_end_total > 0.0 {
            waiting / clients_end_total
        } else {
            0.0
        },
        waiting_count: waiting,
        clients_end_total,
        caseload: if fte > 0.0 {
            clients_end_total / fte
        } else {
            f64::NAN
        },
    }
}

/// Inverse logit.
pub fn inv_logit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_study_falls_back_to_its_own_estimate() {
        let p = pool(&[Study { y: 0.3, v: 0.04 }], PoolingMethod::Dl);
        assert_eq!(p.k, 1);
        assert_eq!(p.mean, 0.3);
        assert!((p.se - 0.2).abs() < 1e-12);
        assert_eq!(p.tau2, 0.0);
        assert!(p.mean_df().is_none());
    }

    #[test]
    fn homogeneous_studies_have_zero_tau2_and_reml_agrees() {
        let s = [
            Study { y: 1.0, v: 0.1 },
            Study { y: 1.01, v: 0.1 },
            Study { y: 0.99, v: 0.1 },
        ];
        assert_eq!(pool(&s, PoolingMethod::Dl).tau2, 0.0);
        assert_eq!(pool(&s, PoolingMethod::Reml).tau2, 0.0);
    }

    #[test]
    fn reml_equals_dl_for_equal_variances() {
        // With equal within-study variances the REML and DL estimates coincide.
        let s = [
            Study { y: 0.0, v: 0.01 },
            Study { y: 0.5, v: 0.01 },
            Study { y: 1.0, v: 0.01 },
            Study { y: 0.2, v: 0.01 },
        ];
        let dl = pool(&s, PoolingMethod::Dl);
        let reml = pool(&s, PoolingMethod::Reml);
        assert!(
            (dl.tau2 - reml.tau2).abs() < 1e-10,
            "{} vs {}",
            dl.tau2,
            reml.tau2
        );
    }
}
