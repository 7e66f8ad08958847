//! The queue against Erlang-A (M/M/c+M), issue 20: with every reacting mechanism off, fixed
//! rates, a constant population and twelve identical regions, each regional queue is a
//! birth–death chain with Poisson referrals λ, c places, exits at μ per client and losses from
//! the list at θ per person waiting. Its stationary mean is exact; the engine, whose month has a
//! clock (places refilled as they free up, losses over the time spent waiting), must agree with
//! it in continuous time, not with its monthly-probability version.

use omvang::model::projection::{
    Drivers, Epidemiology, Feedback, InitialState, ProjectionInput, Rates, REGIONS,
};
use omvang::model::queues::project;
use omvang::model::workforce::{WorkforceInput, WorkforceRates};
use omvang::scenario::{CapacityPolicy, FtePolicyKind, Referral, WorkforcePolicy};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Stationary (E[waiting], E[in care]) of M/M/c+M: π(n) ∝ Π_{k≤n} λ / (min(k, c) μ + (k − c)⁺ θ),
/// summed in log space up to where the terms are negligible.
fn erlang_a(lambda: f64, c: u64, mu: f64, theta: f64) -> (f64, f64) {
    assert!(theta > 0.0 && mu > 0.0 && lambda > 0.0);
    let mut log_pi = vec![0.0f64];
    let mut n = 0u64;
    let mut top = 0.0f64;
    loop {
        n += 1;
        let death = n.min(c) as f64 * mu + n.saturating_sub(c) as f64 * theta;
        let next = log_pi[log_pi.len() - 1] + lambda.ln() - death.ln();
        top = top.max(next);
        log_pi.push(next);
        // Past the mode and 60 nats below it: the rest of the tail is negligible.
        if death > lambda && next < top - 60.0 {
            break;
        }
    }
    let weights: Vec<f64> = log_pi.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = weights.iter().sum();
    let (mut waiting, mut in_care) = (0.0, 0.0);
    for (k, w) in weights.iter().enumerate() {
        let k = k as u64;
        waiting += w * k.saturating_sub(c) as f64;
        in_care += w * k.min(c) as f64;
    }
    (waiting / total, in_care / total)
}

/// The recursion is right: with θ = μ the queue is M/M/∞ (the number of people is Poisson with
/// mean λ/μ), so E[waiting] = E[(N − c)⁺].
#[test]
fn erlang_a_recursion_matches_the_poisson_case() {
    let (lambda, mu, c) = (30.0, 0.5, 55u64);
    let (waiting, in_care) = erlang_a(lambda, c, mu, mu);
    let m: f64 = lambda / mu;
    let (mut p, mut exact_w, mut exact_c) = ((-m).exp(), 0.0, 0.0);
    for n in 0..400u64 {
        exact_w += p * n.saturating_sub(c) as f64;
        exact_c += p * n.min(c) as f64;
        p *= m / (n + 1) as f64;
    }
    assert!((waiting - exact_w).abs() < 1e-9, "{waiting} vs {exact_w}");
    assert!((in_care - exact_c).abs() < 1e-9, "{in_care} vs {exact_c}");
}

/// Hazards per year of the chains, as in the table.
const DEATH: f64 = 0.12;
const INSTITUTION: f64 = 0.165;
const OTHER: f64 = 0.05;
const LEAVE: f64 = 0.30;
/// Places per region (caseload 50 and 60,000 clients: 100 FTE per region, exactly 5,000).
const PLACES: u64 = 5_000;
const AT_HOME: f64 = 200_000.0;

/// Mean national (waiting, in care) of the engine over months `burn_in..months`, `runs` seeds.
fn engine(load: f64, months: usize, burn_in: usize, runs: u64) -> (f64, f64) {
    let mu_month = (DEATH + INSTITUTION + OTHER) / 12.0;
    // λ per region a month = load × c μ; the engine's per region = rate × at home / 12 / 12.
    let lambda = load * PLACES as f64 * mu_month;
    let inflow_rate = lambda * 12.0 * REGIONS as f64 / AT_HOME;
    let flat = vec![AT_HOME; months + 1];
    let epi = Epidemiology {
        people_with_dementia: flat.iter().map(|x| x / 0.7).collect(),
        at_home: flat.clone(),
        at_home_ref: flat.clone(),
        need: flat.iter().map(|x| x * 0.55).collect(),
    };
    let capacity = CapacityPolicy {
        policy: FtePolicyKind::Fixed,
        boost_fte: 0.0,
        boost_start: 0,
        boost_months: 0,
        lag_months: 3,
        max_recruitment_per_year: 0.0,
    };
    let intensity = crate::projection::intensity();
    let referral = Referral {
        ramp_start: 0,
        ramp_years: 0.0,
    };
    let drivers = Drivers::default();
    let workforce = WorkforcePolicy::default();
    let input = ProjectionInput {
        epidemiology: &epi,
        rates: Rates {
            inflow_rate,
            hazard_death: DEATH,
            hazard_institution: INSTITUTION,
            hazard_other: OTHER,
        },
        initial: InitialState {
            clients: PLACES * REGIONS as u64,
            waiting: 0,
            waiting_over_norm_share: 0.0,
        },
        caseload: 50.0,
        hours_per_client_month: 2.5,
        tariff_per_hour: 80.0,
        cost_index_per_year: 0.0,
        fte_growth_per_year: 0.0,
        zorgstandaard_fraction: 0.0,
        share_intensive: 0.0,
        capacity: &capacity,
        referral: &referral,
        intensity: &intensity,
        wait_norm_weeks: 6.0,
        feedback: Feedback {
            leave_list_per_year: LEAVE,
            ..Feedback::default()
        },
        regional_demand: [1.0; REGIONS],
        drivers: &drivers,
        by_reason: true,
        policy_start: 0,
        workforce: WorkforceInput {
            policy: &workforce,
            rates: WorkforceRates::default(),
            seed: 0,
            iteration: 0,
        },
    };
    let (mut waiting, mut in_care, mut n) = (0.0, 0.0, 0.0);
    for seed in 0..runs {
        let t = project(&input, months, &mut ChaCha8Rng::seed_from_u64(1_000 + seed));
        // Places never change: FTE × caseload stays 5,000 per region.
        assert!((t.fte_available[months] * 50.0 - (PLACES * REGIONS as u64) as f64).abs() < 1e-6);
        for m in burn_in + 1..=months {
            waiting += t.waiting_list[m];
            in_care += t.clients_in_care[m];
            n += 1.0;
        }
    }
    (waiting / n, in_care / n)
}

/// Below capacity, 3% over (where the country is) and 10% over: the engine's national list and
/// clients agree with twelve Erlang-A queues whose rates are the hazards per month in
/// continuous time, within 3% or 10 people (the Monte Carlo error is about 1%); the
/// monthly-probability Erlang-A (the step's bias before the month had a clock) is outside that.
#[test]
fn regional_queues_agree_with_erlang_a_in_continuous_time() {
    let mu = (DEATH + INSTITUTION + OTHER) / 12.0;
    let theta = (DEATH + INSTITUTION + LEAVE) / 12.0;
    let per_month = |h: f64| -(-h).exp_m1();
    let regions = REGIONS as f64;
    for load in [0.975, 1.03, 1.10] {
        let lambda = load * PLACES as f64 * mu;
        let (w_ea, c_ea) = erlang_a(lambda, PLACES, mu, theta);
        let (w_ea, c_ea) = (w_ea * regions, c_ea * regions);
        let (w_prob, _) = erlang_a(lambda, PLACES, per_month(mu), per_month(theta));
        let w_prob = w_prob * regions;
        let (w, c) = engine(load, 1_440, 240, 4);
        let close = |model: f64, analytic: f64| {
            (model - analytic).abs() <= 10.0 || (model / analytic - 1.0).abs() <= 0.03
        };
        assert!(
            close(w, w_ea),
            "load {load}: waiting {w:.1}, Erlang-A {w_ea:.1} (monthly probabilities {w_prob:.1})"
        );
        assert!(
            (c / c_ea - 1.0).abs() < 0.002,
            "load {load}: in care {c:.0}, Erlang-A {c_ea:.0}"
        );
        if load > 1.0 {
            assert!(!close(w_prob, w_ea), "load {load}: {w_prob} vs {w_ea}");
        }
        eprintln!(
            "load {load}: waiting {w:.1} vs Erlang-A {w_ea:.1} (monthly probabilities {w_prob:.1}); \
             in care {c:.0} vs {c_ea:.0}"
        );
    }
}
