//! Illustrative (synthetic) chain data photos from stated "true" parameters. No chain-level data
//! is public, so the shipped chains are generated here, seeded and reproducible; the recovery
//! tests generate data sets from known truths and check that the model finds them back.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Poisson, StandardNormal};

use crate::data::{ChainRecord, Date};
use crate::model::pooling::inv_logit;

/// The true parameters behind a synthetic data photo. Defaults match the published national
/// figures (`data/README.md`): coverage ≈ 30% of people with dementia at home, caseload 50–55
/// clients per FTE, waiting list 2–4% of clients, ≈ 2.9 years in case management.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub chains: usize,
    /// Quarters per chain, starting in January of `start_year`.
    pub quarters: usize,
    pub start_year: i32,
    /// Median uptake across chains (clients / people with dementia at home).
    pub uptake: f64,
    /// Between-chain sd of logit uptake.
    pub uptake_tau: f64,
    /// Median exit hazards per year.
    pub hazard_death: f64,
    pub hazard_institution: f64,
    pub hazard_other: f64,
    /// Between-chain sd of log hazards.
    pub hazard_tau: f64,
    pub caseload: (f64, f64),
    pub waiting_share: (f64, f64),
    pub population_65plus: (f64, f64),
}

impl Default for Truth {
    fn default() -> Self {
        Truth {
            chains: 6,
            quarters: 8,
            start_year: 2016,
            // HHM 2018: 62,000 clients, 30% of people with dementia at home.
            uptake: 0.31,
            uptake_tau: 0.15,
            // Total 0.345 per year: mean duration 2.9 years (63,000 clients / ~22,000 new
            // diagnoses a year); institution 0.17 per year (Vektis: 14–17% admitted a year).
            hazard_death: 0.12,
            hazard_institution: 0.17,
            hazard_other: 0.055,
            hazard_tau: 0.10,
            // Signaalteam 2017 and NZa returns: 50–55 clients per FTE.
            caseload: (50.0, 55.0),
            // Signaalteam 2016 / HHM 2018: waiting list 2–4% of clients.
            waiting_share: (0.02, 0.04),
            population_65plus: (30_000.0, 120_000.0),
        }
    }
}

fn quarter(year: i32, q: usize) -> (Date, Date) {
    let m0 = 3 * q as u32 + 1;
    let start = Date {
        year,
        month: m0,
        day: 1,
    };
    let end_month = m0 + 2;
    let end_day = match end_month {
        3 | 12 => 31,
        6 | 9 => 30,
        _ => unreachable!("quarters end in March, June, September or December"),
    };
    (
        start,
        Date {
            year,
            month: end_month,
            day: end_day,
        },
    )
}

/// Generate a data photo. `at_home_per_65plus` converts a region's inhabitants 65+ into people
/// with dementia at home, exactly as the model does, so the truth is on the model's scale.
pub fn generate(truth: &Truth, at_home_per_65plus: f64, seed: u64) -> Vec<ChainRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let logit = (truth.uptake / (1.0 - truth.uptake)).ln();
    let mut out = Vec::new();
    for c in 0..truth.chains {
        let name = format!("illustrative_{}", chain_letter(c));
        let (lo, hi) = truth.population_65plus;
        let pop65 = (lo + (hi - lo) * rng.random::<f64>()).round();
        let at_home = pop65 * at_home_per_65plus;
        let z: f64 = StandardNormal.sample(&mut rng);
        let uptake = inv_logit(logit + truth.uptake_tau * z);
        let mut hazard = |h: f64| {
            let z: f64 = StandardNormal.sample(&mut rng);
            h * (truth.hazard_tau * z).exp()
        };
        let (hd, hi_, ho) = (
            hazard(truth.hazard_death),
            hazard(truth.hazard_institution),
            hazard(truth.hazard_other),
        );
        let mu = hd + hi_ + ho;
        // Steady state: inflow balances exits at the chain's uptake.
        let inflow_rate = uptake * mu;
        let caseload =
            truth.caseload.0 + (truth.caseload.1 - truth.caseload.0) * rng.random::<f64>();
        let waiting_share = truth.waiting_share.0
            + (truth.waiting_share.1 - truth.waiting_share.0) * rng.random::<f64>();
        let mut clients = (uptake * at_home).round() as u64;
        for q in 0..truth.quarters {
            let (start, end) = quarter(truth.start_year + (q / 4) as i32, q % 4);
            let years = (end.day_number() - start.day_number() + 1) as f64 / 365.25;
            let inflow = Poisson::new(inflow_rate * at_home * years)
                .expect("rate > 0")
                .sample(&mut rng) as u64;
            let exits = Binomial::new(clients, 1.0 - (-mu * years).exp())
                .expect("p in (0,1)")
                .sample(&mut rng);
            let deaths = Binomial::new(exits, hd / mu).expect("p").sample(&mut rng);
            let inst = Binomial::new(exits - deaths, hi_ / (hi_ + ho))
                .expect("p")
                .sample(&mut rng);
            let other = exits - deaths - inst;
            let end_clients = clients + inflow - exits;
            let waiting = Poisson::new(waiting_share * end_clients as f64 + 1e-9)
                .expect("rate > 0")
                .sample(&mut rng) as u64;
            let fte = (end_clients as f64 / caseload * 10.0).round() / 10.0;
            out.push(ChainRecord {
                source: "synthetic".into(),
                line: out.len() + 2,
                chain: name.clone(),
                period_start: start,
                period_end: end,
                population_65plus: pop65,
                clients_start: clients as f64,
                clients_end: end_clients as f64,
                inflow: inflow as f64,
                outflow_death: deaths as f64,
                outflow_institution: inst as f64,
                outflow_other: other as f64,
                waiting_end: waiting as f64,
                fte,
            });
            clients = end_clients;
        }
    }
    out
}

fn chain_letter(i: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if i < letters.len() {
        (letters[i] as char).to_string()
    } else {
        format!("{}{}", letters[i % 26] as char, i / 26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_flows_balance_and_repeat_per_seed() {
        let t = Truth::default();
        let a = generate(&t, 0.06, 3);
        let b = generate(&t, 0.06, 3);
        assert_eq!(a, b);
        assert_eq!(a.len(), t.chains * t.quarters);
        for r in &a {
            assert_eq!(r.imbalance(), 0.0);
        }
        assert_eq!(a[7].period_end.to_string(), "2017-12-31");
    }
}
