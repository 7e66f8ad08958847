//! Particles: one iteration's uncertain inputs as latent standard normals (laid out as
//! `latent.rs` says), the prior particle of an iteration from keyed streams, and
//! the draws (parameters, pooled rates, regional effects, drivers) that follow from it.

use statrs::distribution::ContinuousCDF;

use crate::model::build::Model;
use crate::model::latent::{self, knots_for, DRIVER_KEYS};
use crate::model::pooling::{PooledRate, JOINT_RATES};
use crate::model::projection::{Drivers, REGIONS};
use crate::scenario::{self, keyed_stream, latent_normal, normal_cdf, ParameterDraw};

/// One draw of the pooled chain rates (natural scale, per year).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PooledDraw {
    pub uptake: f64,
    pub inflow_rate: f64,
    pub hazard_death: f64,
    pub hazard_institution: f64,
    pub hazard_other: f64,
    pub waiting_share: f64,
}

impl PooledDraw {
    /// Column names in `draws.parquet`.
    pub const NAMES: [&'static str; JOINT_RATES + 1] = {
        let mut names = ["waiting_share"; JOINT_RATES + 1];
        let mut r = 0;
        while r < JOINT_RATES {
            names[r] = PooledRate::ALL[r].name();
            r += 1;
        }
        names
    };

    /// The pooled rates on their natural scale, in [`PooledRate::ALL`] order.
    pub fn from_rates(rates: [f64; JOINT_RATES], waiting_share: f64) -> Self {
        PooledDraw {
            uptake: rates[0],
            inflow_rate: rates[1],
            hazard_death: rates[2],
            hazard_institution: rates[3],
            hazard_other: rates[4],
            waiting_share,
        }
    }

    pub fn rate(&self, rate: PooledRate) -> f64 {
        match rate {
            PooledRate::Uptake => self.uptake,
            PooledRate::InflowRate => self.inflow_rate,
            PooledRate::HazardDeath => self.hazard_death,
            PooledRate::HazardInstitution => self.hazard_institution,
            PooledRate::HazardOther => self.hazard_other,
        }
    }

    /// Values in [`PooledDraw::NAMES`] order.
    pub fn values(&self) -> [f64; JOINT_RATES + 1] {
        std::array::from_fn(|i| {
            PooledRate::ALL
                .get(i)
                .map_or(self.waiting_share, |&r| self.rate(r))
        })
    }
}

/// Everything drawn for one iteration from its latent normals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draws {
    pub parameters: ParameterDraw,
    pub pooled: PooledDraw,
    /// Demand relative to capacity per regional queue (mean 1).
    pub regional_demand: [f64; REGIONS],
}

/// One iteration's uncertain inputs: standard normals `z` from which every parameter, pooled
/// rate and regional effect follows (by its quantile function), and the key of the random
/// streams of its history's monthly flows, one per regional queue (so the calibration can
/// renew one region's flows at a time). The calibration moves particles in this space; the
/// prior is `z ~ N(0, I)` with every history key the iteration number.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub z: Vec<f64>,
    pub history: [u64; REGIONS],
}

/// Parameters the history up to the policy start does not depend on: they act only after it,
/// or only on costs and need, which the national record does not count. The workforce's rates
/// move no FTE before the policy start (docs/MODEL.md §3b).
pub const POLICY_ONLY: [&str; 12] = [
    "share_intensive",
    "zorgstandaard_fraction",
    "tariff_per_hour",
    "hours_per_client_month",
    "cost_index_per_year",
    "need_share",
    "turnover_per_year",
    "retirement_per_year",
    "part_time_factor",
    "training_months",
    "training_completion",
    "trained_share_of_inflow",
];

impl Model {
    /// Prior iteration `iteration` as a particle: every latent normal from its own stream keyed
    /// by what it is (`parameters.<name>`, `pooled.<name>`, `pooled.waiting_share`, `regions`),
    /// so changing one parameter's distribution moves no other draw.
    pub fn prior_particle(&self, iteration: u64) -> Particle {
        let seed = self.scenario.run.seed;
        let mut z = vec![0.0; self.latent_dim()];
        for (i, name) in scenario::Parameters::NAMES.iter().enumerate() {
            z[latent::parameters().start + i] = latent_normal(&mut keyed_stream(
                seed,
                &format!("parameters.{name}"),
                iteration,
            ));
        }
        for (i, rate) in PooledRate::ALL.iter().enumerate() {
            let mut rng = keyed_stream(seed, rate.stream_key(), iteration);
            let (tau, mean) = latent::pooled(i);
            z[tau] = latent_normal(&mut rng);
            z[mean] = latent_normal(&mut rng);
        }
        z[latent::waiting_share()] =
            latent_normal(&mut keyed_stream(seed, "pooled.waiting_share", iteration));
        let mut rng = keyed_stream(seed, "regions", iteration);
        for i in latent::regions() {
            z[i] = latent_normal(&mut rng);
        }
        // Knot k takes the k-th normal of its driver's stream, whatever the number of knots.
        for (d, key) in DRIVER_KEYS.iter().enumerate() {
            let mut rng = keyed_stream(seed, key, iteration);
            for knot in 1..=self.driver_knots {
                z[latent::driver(self.driver_knots, d, knot)] = latent_normal(&mut rng);
            }
        }
        Particle {
            z,
            history: [iteration; REGIONS],
        }
    }

    /// The inputs of an iteration from its latent normals. The pooled means are drawn jointly:
    /// their normals go through the chains' correlation ([`joint_cholesky`]), then each is a
    /// draw from its Bayesian posterior (τ on a grid), finite with any number of chains.
    pub fn draws(&self, z: &[f64]) -> Draws {
        let u: Vec<f64> = z[latent::parameters()]
            .iter()
            .map(|&x| normal_cdf(x))
            .collect();
        let parameters = ParameterDraw::from_quantiles(&self.scenario.parameters, &u);
        let independent: [f64; JOINT_RATES] = std::array::from_fn(|r| z[latent::pooled(r).1]);
        let rates: [f64; JOINT_RATES] = std::array::from_fn(|r| {
            let rate = PooledRate::ALL[r];
            let correlated: f64 = (0..=r).map(|c| self.joint[r][c] * independent[c]).sum();
            let mean = self
                .pooled
                .get(rate)
                .posterior
                .draw_mean(normal_cdf(z[latent::pooled(r).0]), normal_cdf(correlated));
            rate.scale().to_natural()(mean)
        });
        // A Poisson count of waiting people: Gamma(count + ½) is its Jeffreys posterior.
        let p = &self.pooled;
        let waiting_share = if p.clients_end_total > 0.0 {
            statrs::distribution::Gamma::new(p.waiting_count + 0.5, 1.0)
                .expect("shape > 0")
                .inverse_cdf(normal_cdf(z[latent::waiting_share()]).clamp(1e-12, 1.0 - 1e-12))
                / p.clients_end_total
        } else {
            0.0
        };
        let pooled = PooledDraw::from_rates(rates, waiting_share);
        // Lognormal regional effects scaled to mean 1: the national inflow stays the pooled one.
        let spread = parameters.regional_spread;
        let raw: [f64; REGIONS] =
            std::array::from_fn(|r| (spread * z[latent::regions().start + r]).exp());
        let mean = raw.iter().sum::<f64>() / REGIONS as f64;
        Draws {
            parameters,
            pooled,
            regional_demand: raw.map(|x| x / mean),
        }
    }

    /// The drivers of a particle over `months` months: a yearly log random walk per driver whose
    /// innovations are the particle's up to [`Model::driver_knots`] and the future's of output
    /// iteration `slot` after it (knot k the k-th normal of `future.<key>`, so scenarios stay
    /// paired).
    pub fn drivers_into(
        &self,
        z: &[f64],
        parameters: &ParameterDraw,
        slot: u64,
        months: usize,
        out: &mut Drivers,
    ) {
        let sigmas = [
            parameters.referral_volatility,
            parameters.capacity_volatility,
            parameters.leave_list_volatility,
        ];
        let knots = knots_for(months);
        let outs = [&mut out.referral, &mut out.capacity, &mut out.leaving];
        for (d, (knots_out, sigma)) in outs.into_iter().zip(sigmas).enumerate() {
            knots_out.clear();
            if sigma == 0.0 {
                continue;
            }
            let mut future = (knots > self.driver_knots + 1).then(|| {
                keyed_stream(
                    self.scenario.run.seed,
                    &format!("future.{}", DRIVER_KEYS[d]),
                    slot,
                )
            });
            let mut level = 0.0;
            knots_out.push(level);
            for knot in 1..knots {
                let future_normal = future.as_mut().map(latent_normal);
                let innovation = if knot <= self.driver_knots {
                    z[latent::driver(self.driver_knots, d, knot)]
                } else {
                    future_normal.expect("a future stream beyond the history's knots")
                };
                level += sigma * innovation;
                knots_out.push(level);
            }
        }
    }

    /// Everything the history up to the policy start depends on: two models with the same
    /// fingerprint have the same calibrated iterations. Policies and the parameters used only
    /// after the policy start or only for costs and need are left out.
    pub fn history_fingerprint(&self) -> String {
        let s = &self.scenario;
        let history: Vec<_> = scenario::Parameters::NAMES
            .iter()
            .zip(s.parameters.all())
            .filter(|(name, _)| !POLICY_ONLY.contains(name))
            .collect();
        format!(
            "{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}",
            s.run,
            s.data,
            s.pooling_method,
            s.max_flow_imbalance,
            s.initial_state,
            s.wait_norm_weeks,
            history,
            self.observations,
        )
    }
}
