//! The monthly queue model of DESIGN.md §4 for one Monte Carlo iteration: Poisson arrivals,
//! binomial exits by reason, losses from a waiting list kept as cohorts by month of arrival,
//! first-come-first-served admissions up to capacity = FTE × caseload / slot weight.

use rand::{Rng, RngExt};
use statrs::distribution::{Discrete, DiscreteCDF};

use crate::scenario::{CapacityPolicy, FtePolicyKind, Intensity, Referral};

/// Weeks in a month (365.25 / 12 / 7).
pub const WEEKS_PER_MONTH: f64 = 365.25 / 12.0 / 7.0;

/// Epidemiology of one iteration per state index: index 0 is 1 January of the base year,
/// index `m` the end of month `m − 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Epidemiology {
    pub people_with_dementia: Vec<f64>,
    pub at_home: Vec<f64>,
    /// People at home on the scale the chain rates were measured on (central prevalence and
    /// share at home): arrivals and the extrapolated stock are this times a chain rate.
    pub at_home_ref: Vec<f64>,
    pub need: Vec<f64>,
}

/// Flow rates per year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Arrivals per person at home (reference scale) per year.
    pub inflow_rate: f64,
    pub hazard_death: f64,
    pub hazard_institution: f64,
    pub hazard_other: f64,
}

impl Rates {
    pub fn total_exit(&self) -> f64 {
        self.hazard_death + self.hazard_institution + self.hazard_other
    }
}

/// The state at 1 January of the base year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitialState {
    pub clients: u64,
    pub waiting: u64,
    /// Share of the initial waiting list that has waited longer than the norm.
    pub waiting_over_norm_share: f64,
}

/// Everything one projection needs besides the random stream.
#[derive(Debug, Clone)]
pub struct ProjectionInput<'a> {
    pub epidemiology: &'a Epidemiology,
    pub rates: Rates,
    pub initial: InitialState,
    pub caseload: f64,
    pub hours_per_client_month: f64,
    pub tariff_per_hour: f64,
    pub cost_index_per_year: f64,
    pub fte_growth_per_year: f64,
    pub zorgstandaard_fraction: f64,
    pub share_intensive: f64,
    pub capacity: &'a CapacityPolicy,
    pub referral: &'a Referral,
    pub intensity: &'a Intensity,
    pub wait_norm_weeks: f64,
}

/// Monthly results. Stocks have `months + 1` entries (index 0 = start), flows `months`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trajectory {
    pub clients_in_care: Vec<f64>,
    pub waiting_list: Vec<f64>,
    pub fte_available: Vec<f64>,
    pub fte_needed: Vec<f64>,
    /// Share of the waiting list that has waited longer than the norm.
    pub share_waiting_over_norm: Vec<f64>,
    pub arrivals: Vec<f64>,
    pub admissions: Vec<f64>,
    pub exits_death: Vec<f64>,
    pub exits_institution: Vec<f64>,
    pub exits_other: Vec<f64>,
    pub lost_death: Vec<f64>,
    pub lost_institution: Vec<f64>,
    /// Sum over people admitted in the month of their wait in months.
    pub wait_months_admitted: Vec<f64>,
    pub cost_eur: Vec<f64>,
    /// Mean slot weight of a client relative to the base-year mix.
    pub slot_weight: Vec<f64>,
}

/// Share of a cohort with lag `k` (whole months between arrival month and now, arrivals spread
/// uniformly over their month) that has waited longer than `norm_months`.
fn over_norm(k: usize, norm_months: f64) -> f64 {
    (k as f64 + 1.0 - norm_months).clamp(0.0, 1.0)
}

/// Binomial(n, p) by inversion of its CDF at `u`. One uniform per draw, whatever the state, keeps
/// the random streams of two runs aligned (common random numbers), and the draw is monotone in
/// `n`: more people in a stock never means fewer leave it, nor fewer stay.
pub fn binomial_inv(n: u64, p: f64, u: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let dist = statrs::distribution::Binomial::new(p, n).expect("0 < p < 1");
    let mode = (((n + 1) as f64 * p).floor() as u64).min(n);
    let q = p / (1.0 - p);
    let pmf_mode = dist.pmf(mode);
    let cdf_mode = dist.cdf(mode);
    invert(mode, pmf_mode, cdf_mode, u, |k| {
        // pmf(k+1)/pmf(k) and pmf(k-1)/pmf(k)
        (
            (k < n).then(|| (n - k) as f64 / (k + 1) as f64 * q),
            (k > 0).then(|| k as f64 / ((n - k + 1) as f64 * q)),
        )
    })
}

/// Poisson(λ) by inversion of its CDF at `u` (see [`binomial_inv`]).
pub fn poisson_inv(lambda: f64, u: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    let dist = statrs::distribution::Poisson::new(lambda).expect("lambda > 0");
    let mode = lambda.floor() as u64;
    invert(mode, dist.pmf(mode), dist.cdf(mode), u, |k| {
        (
            Some(lambda / (k + 1) as f64),
            (k > 0).then(|| k as f64 / lambda),
        )
    })
}

/// Walk from the mode to the smallest k with CDF(k) >= u, using pmf ratios `(up, down)`.
fn invert(
    mode: u64,
    pmf_mode: f64,
    cdf_mode: f64,
    u: f64,
    ratios: impl Fn(u64) -> (Option<f64>, Option<f64>),
) -> u64 {
    let (mut k, mut pmf, mut cdf) = (mode, pmf_mode, cdf_mode);
    if u <= cdf {
        // Step down while CDF(k-1) = CDF(k) - pmf(k) still covers u.
        while let (_, Some(down)) = ratios(k) {
            if u > cdf - pmf || pmf == 0.0 {
                break;
            }
            cdf -= pmf;
            pmf *= down;
            k -= 1;
        }
        k
    } else {
        while u > cdf {
            match ratios(k) {
                (Some(up), _) if pmf > 0.0 => {
                    pmf *= up;
                    cdf += pmf;
                    k += 1;
                }
                _ => break,
            }
        }
        k
    }
}

/// Split `total` over cohorts in proportion to their sizes (largest remainder, oldest first on
/// ties): people waiting share one hazard whatever their wait.
fn allocate(total: u64, cohorts: &[(i64, u64)]) -> Vec<u64> {
    let size: u64 = cohorts.iter().map(|c| c.1).sum();
    if size == 0 || total == 0 {
        return vec![0; cohorts.len()];
    }
    let mut shares: Vec<u64> = cohorts
        .iter()
        .map(|c| (c.1 as u128 * total as u128 / size as u128) as u64)
        .collect();
    let mut left = total - shares.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..cohorts.len()).collect();
    let rem = |i: usize| (cohorts[i].1 as u128 * total as u128 % size as u128) as u64;
    order.sort_by(|&a, &b| rem(b).cmp(&rem(a)).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        if shares[i] < cohorts[i].1 {
            shares[i] += 1;
            left -= 1;
        }
    }
    shares
}

/// Linear progress of a ramp in `[0, 1]` at month `m`.
fn ramp(m: usize, start: usize, years: f64) -> f64 {
    if m < start {
        0.0
    } else if years <= 0.0 {
        1.0
    } else {
        (((m - start) as f64 + 1.0) / (years * 12.0)).min(1.0)
    }
}

/// Run the queue model for `months` months.
pub fn project<R: Rng + ?Sized>(input: &ProjectionInput, months: usize, rng: &mut R) -> Trajectory {
    let epi = input.epidemiology;
    let rates = input.rates;
    let mu = rates.total_exit();
    let p_exit = 1.0 - (-mu / 12.0).exp();
    let share_death = if mu > 0.0 {
        rates.hazard_death / mu
    } else {
        0.0
    };
    let other_given_not_death = if rates.hazard_institution + rates.hazard_other > 0.0 {
        rates.hazard_other / (rates.hazard_institution + rates.hazard_other)
    } else {
        0.0
    };
    // People waiting die or move to a nursing home at the rates of people in care.
    let mu_wait = rates.hazard_death + rates.hazard_institution;
    let p_lost = 1.0 - (-mu_wait / 12.0).exp();
    let lost_death_share = if mu_wait > 0.0 {
        rates.hazard_death / mu_wait
    } else {
        0.0
    };
    // The Zorgstandaard arrival rate fills the need in steady state: ρ* H_ref / μ = Need.
    let rho_star = mu * epi.need[0] / epi.at_home_ref[0];
    let norm_months = input.wait_norm_weeks / WEEKS_PER_MONTH;
    let intensity = input.intensity;
    let base_weight = intensity.slot_weight(intensity.base_share_intensive);
    let base_hours = intensity.hours_weight(intensity.base_share_intensive);
    let cap = input.capacity;

    let mut t = Trajectory {
        clients_in_care: Vec::with_capacity(months + 1),
        waiting_list: Vec::with_capacity(months + 1),
        fte_available: Vec::with_capacity(months + 1),
        fte_needed: Vec::with_capacity(months + 1),
        share_waiting_over_norm: Vec::with_capacity(months + 1),
        ..Default::default()
    };

    let mut clients = input.initial.clients;
    // Waiting cohorts as (arrival month, count), oldest first; month −1 is "just before start".
    let mut cohorts: std::collections::VecDeque<(i64, u64)> = std::collections::VecDeque::new();
    let over =
        (input.initial.waiting as f64 * input.initial.waiting_over_norm_share).round() as u64;
    if over > 0 {
        // Lag 2 months and more: certainly over a norm below two months.
        let lag = (norm_months.ceil() as i64).max(2);
        cohorts.push_back((-1 - lag, over));
    }
    if input.initial.waiting > over {
        cohorts.push_back((-1, input.initial.waiting - over));
    }
    let waiting_of =
        |c: &std::collections::VecDeque<(i64, u64)>| c.iter().map(|x| x.1).sum::<u64>();
    let over_share = |c: &std::collections::VecDeque<(i64, u64)>, now: i64| {
        let total = c.iter().map(|x| x.1).sum::<u64>();
        if total == 0 {
            0.0
        } else {
            c.iter()
                .map(|&(a, n)| n as f64 * over_norm((now - a) as usize, norm_months))
                .sum::<f64>()
                / total as f64
        }
    };

    // Capacity at the start is full: the base year's case managers serve its clients.
    let fte0 = input.initial.clients as f64 / input.caseload;
    let mut fte_base = fte0;
    let weight0 = 1.0;
    t.clients_in_care.push(clients as f64);
    t.waiting_list.push(waiting_of(&cohorts) as f64);
    t.fte_available.push(fte0);
    t.fte_needed
        .push((clients + waiting_of(&cohorts)) as f64 * weight0 / input.caseload);
    t.share_waiting_over_norm.push(over_share(&cohorts, -1));

    for m in 0..months {
        // Policy: the underlying FTE, then a boost on top.
        fte_base = match cap.policy {
            FtePolicyKind::Fixed => fte0,
            FtePolicyKind::Growth => {
                fte0 * (1.0 + input.fte_growth_per_year).powf((m + 1) as f64 / 12.0)
            }
            FtePolicyKind::FollowDemand => {
                let seen = (m + 1).saturating_sub(cap.lag_months as usize);
                let target = t.fte_needed[seen.min(t.fte_needed.len() - 1)];
                let step = cap.max_recruitment_per_year / 12.0;
                fte_base + (target - fte_base).clamp(-step, step)
            }
        };
        let boosting = m >= cap.boost_start
            && (cap.boost_months == 0 || m < cap.boost_start + cap.boost_months as usize);
        let fte = fte_base + if boosting { cap.boost_fte } else { 0.0 };

        let mix = input.share_intensive;
        let weight = intensity.slot_weight(mix) / base_weight;
        let hours = input.hours_per_client_month * intensity.hours_weight(mix) / base_hours;
        let slots = (fte * input.caseload / weight).floor().max(0.0) as u64;

        let rho = rates.inflow_rate
            + input.zorgstandaard_fraction
                * ramp(m, input.referral.ramp_start, input.referral.ramp_years)
                * (rho_star - rates.inflow_rate);
        let h_mid = (epi.at_home_ref[m] + epi.at_home_ref[m + 1]) / 2.0;
        // Six uniforms a month in a fixed order, whatever the state: common random numbers.
        let u: [f64; 6] = std::array::from_fn(|_| rng.random::<f64>());
        let arrivals = poisson_inv(rho * h_mid / 12.0, u[0]);

        let exits = binomial_inv(clients, p_exit, u[1]);
        let deaths = binomial_inv(exits, share_death, u[2]);
        let other = binomial_inv(exits - deaths, other_given_not_death, u[3]);
        let institution = exits - deaths - other;

        let waiting_before: u64 = cohorts.iter().map(|c| c.1).sum();
        let lost = binomial_inv(waiting_before, p_lost, u[4]);
        let lost_d = binomial_inv(lost, lost_death_share, u[5]);
        let lost_i = lost - lost_d;
        let flat: Vec<(i64, u64)> = cohorts.iter().copied().collect();
        for (cohort, l) in cohorts.iter_mut().zip(allocate(lost, &flat)) {
            cohort.1 -= l;
        }
        if arrivals > 0 {
            cohorts.push_back((m as i64, arrivals));
        }

        let staying = clients - exits;
        let mut free = slots.saturating_sub(staying);
        let mut admitted = 0u64;
        let mut wait_months = 0.0;
        while free > 0 {
            let Some(front) = cohorts.front_mut() else {
                break;
            };
            let take = front.1.min(free);
            front.1 -= take;
            free -= take;
            admitted += take;
            // Arrivals spread over their month, admissions at its end: mean wait lag + ½.
            wait_months += take as f64 * ((m as i64 - front.0) as f64 + 0.5);
            if front.1 == 0 {
                cohorts.pop_front();
            }
        }
        cohorts.retain(|c| c.1 > 0);
        let clients_before = clients;
        clients = staying + admitted;
        let waiting = waiting_of(&cohorts);

        let years = (m as f64 + 0.5) / 12.0;
        let index = (1.0 + input.cost_index_per_year).powf(years);
        t.cost_eur
            .push((clients_before + clients) as f64 / 2.0 * hours * input.tariff_per_hour * index);
        t.arrivals.push(arrivals as f64);
        t.admissions.push(admitted as f64);
        t.exits_death.push(deaths as f64);
        t.exits_institution.push(institution as f64);
        t.exits_other.push(other as f64);
        t.lost_death.push(lost_d as f64);
        t.lost_institution.push(lost_i as f64);
        t.wait_months_admitted.push(wait_months);
        t.slot_weight.push(weight);

        t.clients_in_care.push(clients as f64);
        t.waiting_list.push(waiting as f64);
        t.fte_available.push(fte);
        t.fte_needed
            .push((clients + waiting) as f64 * weight / input.caseload);
        t.share_waiting_over_norm
            .push(over_share(&cohorts, m as i64));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_norm_share_is_exact_for_uniform_arrivals() {
        let six_weeks = 6.0 / WEEKS_PER_MONTH; // 1.38 months
        assert_eq!(over_norm(0, six_weeks), 0.0);
        assert!((over_norm(1, six_weeks) - (2.0 - six_weeks)).abs() < 1e-12);
        assert_eq!(over_norm(2, six_weeks), 1.0);
    }

    #[test]
    fn inverse_cdf_draws_have_the_right_moments_and_are_monotone() {
        let n = 20_000;
        let mut us: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        us.reverse();
        let (bn, bp) = (5_000u64, 0.03);
        let b: Vec<f64> = us.iter().map(|&u| binomial_inv(bn, bp, u) as f64).collect();
        let mean = b.iter().sum::<f64>() / n as f64;
        let var = b.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 150.0).abs() < 0.2, "{mean}");
        assert!((var - 145.5).abs() < 3.0, "{var}");
        let p: Vec<f64> = us.iter().map(|&u| poisson_inv(1700.0, u) as f64).collect();
        let mean = p.iter().sum::<f64>() / n as f64;
        let var = p.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 1700.0).abs() < 0.5, "{mean}");
        assert!((var - 1700.0).abs() < 30.0, "{var}");
        for &u in &[0.001, 0.3, 0.5, 0.77, 0.999] {
            for n in 0..300u64 {
                let a = binomial_inv(n, 0.2, u);
                let b = binomial_inv(n + 1, 0.2, u);
                assert!(b >= a && b - a <= 1, "n {n} u {u}: {a} {b}");
            }
        }
    }

    #[test]
    fn allocation_is_proportional_and_exact() {
        let c = [(0, 10), (1, 30), (2, 60)];
        assert_eq!(allocate(10, &c), vec![1, 3, 6]);
        assert_eq!(allocate(3, &c).iter().sum::<u64>(), 3);
        assert_eq!(allocate(100, &c), vec![10, 30, 60]);
    }

    #[test]
    fn ramps_reach_one_after_their_years() {
        assert_eq!(ramp(5, 12, 2.0), 0.0);
        assert!((ramp(12, 12, 2.0) - 1.0 / 24.0).abs() < 1e-12);
        assert_eq!(ramp(35, 12, 2.0), 1.0);
        assert_eq!(ramp(12, 12, 0.0), 1.0);
    }
}
