//! Random-effects meta-analysis across chains. DerSimonian–Laird (DerSimonian & Laird 1986) or
//! REML give the classical summary (τ², Q, I²); the draws and the prediction interval come from
//! a Bayesian normal–normal model on a grid over τ (Gelman et al., BDA §5.4), finite for 1 chain.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::model::chains::ChainRates;
use crate::model::stats::cholesky;
use crate::scenario::{normal_quantile, PoolingMethod};

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
    /// 95% prediction interval for a new chain (Bayesian posterior predictive).
    pub pi_low: f64,
    pub pi_high: f64,
    /// The posterior over the between-chain spread τ, from which the mean is drawn.
    pub posterior: TauPosterior,
}

/// Scale of the half-normal prior on the between-chain standard deviation τ (analysis scale:
/// logit or log). 0.5 is weakly informative for log rate and log odds ratios (Röver et al.
/// 2021, Res Synth Methods 12:448–474): it allows chains to differ by a factor e^(2·0.5) ≈ 2.7
/// (95% of the prior mass below τ = 0.98) but rules out the unbounded spreads that a t(1)
/// draw implies with two chains.
pub const TAU_PRIOR_SCALE: f64 = 0.5;

/// Points of the τ grid.
const TAU_GRID: usize = 256;

/// The marginal posterior of τ on a grid, with the conditional posterior of the mean given τ:
/// μ | τ, y ~ N(m(τ), V(τ)) under a flat prior on μ.
#[derive(Debug, Clone, PartialEq)]
pub struct TauPosterior {
    /// Grid points τᵢ.
    pub tau: Vec<f64>,
    /// Cumulative posterior probability up to and including τᵢ (last = 1).
    pub cumulative: Vec<f64>,
    /// m(τᵢ) and V(τᵢ).
    pub mean: Vec<f64>,
    pub var: Vec<f64>,
    /// Posterior mean of τ.
    pub tau_mean: f64,
    /// Whether the data say little about τ: the posterior standard deviation of τ is at least
    /// 80% of the prior's, so the prior, not the chains, sets the spread (always so for one
    /// chain).
    pub prior_dominates: bool,
}

impl TauPosterior {
    /// The posterior of τ for `studies` under a half-normal(`scale`) prior.
    fn new(studies: &[Study], scale: f64) -> TauPosterior {
        let tau_max = 4.0 * scale;
        let tau: Vec<f64> = (0..TAU_GRID)
            .map(|i| (i as f64 + 0.5) / TAU_GRID as f64 * tau_max)
            .collect();
        let mut log_post = Vec::with_capacity(TAU_GRID);
        let mut mean = Vec::with_capacity(TAU_GRID);
        let mut var = Vec::with_capacity(TAU_GRID);
        for &t in &tau {
            let w: Vec<f64> = studies.iter().map(|s| 1.0 / (s.v + t * t)).collect();
            let sw: f64 = w.iter().sum();
            let m = studies.iter().zip(&w).map(|(s, w)| w * s.y).sum::<f64>() / sw;
            // p(τ | y) ∝ p(τ) V^½ Π (vⱼ + τ²)^−½ exp(−(yⱼ − m)² / 2(vⱼ + τ²))   (BDA eq. 5.21)
            let log_lik = -0.5 * sw.ln()
                + studies
                    .iter()
                    .zip(&w)
                    .map(|(s, w)| 0.5 * w.ln() - 0.5 * w * (s.y - m).powi(2))
                    .sum::<f64>();
            log_post.push(log_lik - 0.5 * (t / scale).powi(2));
            mean.push(m);
            var.push(1.0 / sw);
        }
        let top = log_post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = log_post.iter().map(|l| (l - top).exp()).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        let moment = |f: &dyn Fn(f64) -> f64| {
            tau.iter()
                .zip(&weights)
                .map(|(&t, w)| f(t) * w / total)
                .sum::<f64>()
        };
        let tau_mean = moment(&|t| t);
        let tau_sd = (moment(&|t| t * t) - tau_mean * tau_mean).max(0.0).sqrt();
        // Half-normal(s): sd = s √(1 − 2/π).
        let prior_sd = scale * (1.0 - 2.0 / std::f64::consts::PI).sqrt();
        TauPosterior {
            tau,
            cumulative,
            mean,
            var,
            tau_mean,
            prior_dominates: studies.len() == 1 || tau_sd >= 0.8 * prior_sd,
        }
    }

    /// Grid index of τ for a uniform `u`: inversion of the cumulative posterior.
    fn index(&self, u: f64) -> usize {
        self.cumulative
            .partition_point(|&c| c < u)
            .min(self.tau.len() - 1)
    }

    /// A draw of the pooled mean μ from two uniforms: `u_tau` picks τ, `u_mean` inverts the
    /// normal μ | τ. Monotone in `u_mean`; finite for any `u` in (0, 1).
    pub fn draw_mean(&self, u_tau: f64, u_mean: f64) -> f64 {
        let i = self.index(u_tau);
        self.mean[i] + self.var[i].sqrt() * normal_quantile(u_mean.clamp(1e-12, 1.0 - 1e-12))
    }

    /// CDF of a new chain's effect, θ_new | τ ~ N(m(τ), V(τ) + τ²), mixed over the posterior.
    fn predictive_cdf(&self, x: f64) -> f64 {
        let normal = Normal::standard();
        let mut prev = 0.0;
        let mut p = 0.0;
        for i in 0..self.tau.len() {
            let w = self.cumulative[i] - prev;
            prev = self.cumulative[i];
            let sd = (self.var[i] + self.tau[i] * self.tau[i]).sqrt();
            p += w * normal.cdf((x - self.mean[i]) / sd);
        }
        p
    }

    /// Quantile `q` of a new chain's effect, by bisection on the mixture CDF.
    fn predictive_quantile(&self, q: f64) -> f64 {
        let spread = self
            .tau
            .iter()
            .zip(&self.var)
            .map(|(t, v)| (v + t * t).sqrt())
            .fold(0.0, f64::max);
        let lo_mean = self.mean.iter().copied().fold(f64::INFINITY, f64::min);
        let hi_mean = self.mean.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut lo, mut hi) = (lo_mean - 10.0 * spread, hi_mean + 10.0 * spread);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if self.predictive_cdf(mid) < q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

/// Pool studies with a random-effects model.
///
/// `mean`, `se`, `tau2`, `q` and `i2` are the classical estimates of `method` (one study: its
/// own estimate, τ² = 0). The prediction interval is the Bayesian posterior predictive under a
/// half-normal([`TAU_PRIOR_SCALE`]) prior on τ: wider with fewer chains, and finite for any k.
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
    let posterior = TauPosterior::new(studies, TAU_PRIOR_SCALE);
    Pooled {
        k,
        mean,
        se,
        tau2,
        q,
        i2,
        pi_low: posterior.predictive_quantile(0.025),
        pi_high: posterior.predictive_quantile(0.975),
        posterior,
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

/// A rate learned per chain and pooled across chains (and drawn jointly, in [`PooledRate::ALL`]
/// order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PooledRate {
    Uptake,
    InflowRate,
    HazardDeath,
    HazardInstitution,
    HazardOther,
}

/// The scale a rate is pooled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Logit,
    Log,
}

impl Scale {
    pub const fn name(self) -> &'static str {
        match self {
            Scale::Logit => "logit",
            Scale::Log => "log",
        }
    }

    /// From the analysis scale back to the natural one.
    pub fn to_natural(self) -> fn(f64) -> f64 {
        match self {
            Scale::Logit => inv_logit,
            Scale::Log => f64::exp,
        }
    }
}

impl PooledRate {
    pub const ALL: [PooledRate; JOINT_RATES] = [
        PooledRate::Uptake,
        PooledRate::InflowRate,
        PooledRate::HazardDeath,
        PooledRate::HazardInstitution,
        PooledRate::HazardOther,
    ];

    /// Its column name in `chains.csv`, `pooling.csv` and `draws.parquet`.
    pub const fn name(self) -> &'static str {
        match self {
            PooledRate::Uptake => "uptake",
            PooledRate::InflowRate => "inflow_rate",
            PooledRate::HazardDeath => "hazard_death",
            PooledRate::HazardInstitution => "hazard_institution",
            PooledRate::HazardOther => "hazard_other",
        }
    }

    pub const fn scale(self) -> Scale {
        match self {
            PooledRate::Uptake => Scale::Logit,
            _ => Scale::Log,
        }
    }

    /// The key of the stream its latent normals come from.
    pub const fn stream_key(self) -> &'static str {
        match self {
            PooledRate::Uptake => "pooled.uptake",
            PooledRate::InflowRate => "pooled.inflow_rate",
            PooledRate::HazardDeath => "pooled.hazard_death",
            PooledRate::HazardInstitution => "pooled.hazard_institution",
            PooledRate::HazardOther => "pooled.hazard_other",
        }
    }

    /// One chain's rate on the natural scale.
    pub fn of_chain(self, c: &ChainRates) -> f64 {
        match self {
            PooledRate::Uptake => c.uptake,
            PooledRate::InflowRate => c.inflow_rate,
            PooledRate::HazardDeath => c.hazard_death,
            PooledRate::HazardInstitution => c.hazard_institution,
            PooledRate::HazardOther => c.hazard_other,
        }
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

impl PooledRates {
    pub fn get(&self, rate: PooledRate) -> &Pooled {
        match rate {
            PooledRate::Uptake => &self.uptake,
            PooledRate::InflowRate => &self.inflow_rate,
            PooledRate::HazardDeath => &self.hazard_death,
            PooledRate::HazardInstitution => &self.hazard_institution,
            PooledRate::HazardOther => &self.hazard_other,
        }
    }
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

/// The number of pooled rates, drawn jointly in [`PooledRate::ALL`] order.
pub const JOINT_RATES: usize = 5;

/// The correlation between chains of their (logit uptake, log inflow, log hazards), shrunk
/// towards independence by (k − 1)/k for k chains, as the lower Cholesky factor that turns
/// independent normals into correlated ones. Chains that fill their places fast also see
/// people leave fast and keep more of them in care: drawing these rates independently makes
/// inflow and outflow disagree and the waiting list swing. With fewer than three chains a
/// correlation cannot be estimated and the rates stay independent.
pub fn joint_cholesky(chains: &[ChainRates]) -> [[f64; JOINT_RATES]; JOINT_RATES] {
    let mut identity = [[0.0; JOINT_RATES]; JOINT_RATES];
    for (i, row) in identity.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    let k = chains.len();
    if k < 3 {
        return identity;
    }
    let vectors: Vec<[f64; JOINT_RATES]> = chains
        .iter()
        .map(|c| {
            [
                uptake_study(c).y,
                log_rate_study(c.inflow, c.at_home * c.years).y,
                log_rate_study(c.outflow_death, c.person_years).y,
                log_rate_study(c.outflow_institution, c.person_years).y,
                log_rate_study(c.outflow_other, c.person_years).y,
            ]
        })
        .collect();
    let mean: [f64; JOINT_RATES] =
        std::array::from_fn(|i| vectors.iter().map(|v| v[i]).sum::<f64>() / k as f64);
    let cov = |i: usize, j: usize| {
        vectors
            .iter()
            .map(|v| (v[i] - mean[i]) * (v[j] - mean[j]))
            .sum::<f64>()
    };
    let shrink = (k as f64 - 1.0) / k as f64;
    let r: [[f64; JOINT_RATES]; JOINT_RATES] = std::array::from_fn(|i| {
        std::array::from_fn(|j| {
            if i == j {
                return 1.0;
            }
            let c = cov(i, j) / (cov(i, i) * cov(j, j)).sqrt();
            if c.is_finite() {
                shrink * c
            } else {
                0.0
            }
        })
    });
    let flat: Vec<f64> = r.iter().flatten().copied().collect();
    cholesky(&flat, JOINT_RATES, 1e-12).map_or(identity, |l| {
        std::array::from_fn(|i| std::array::from_fn(|j| l[i * JOINT_RATES + j]))
    })
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
        assert!(p.posterior.prior_dominates);
    }

    #[test]
    fn one_study_posterior_of_tau_is_the_prior() {
        // With one study V(τ)·Π(v+τ²)^−1 cancels: p(τ | y) = p(τ), so the mean of τ is the
        // half-normal's, s·√(2/π), up to the grid's truncation at 4s.
        let p = pool(&[Study { y: 0.3, v: 0.04 }], PoolingMethod::Dl);
        let expected = TAU_PRIOR_SCALE * (2.0 / std::f64::consts::PI).sqrt();
        assert!(
            (p.posterior.tau_mean - expected).abs() < 0.005,
            "{}",
            p.posterior.tau_mean
        );
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
