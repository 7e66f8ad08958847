//! The monthly queue model against conservation, analytic results and common random numbers.

use omvang::model::projection::{
    Drivers, Epidemiology, Feedback, InitialState, ProjectionInput, Rates, Trajectory, REGIONS,
};
use omvang::model::queues::project;
use omvang::model::workforce::{WorkforceInput, WorkforceRates};
use omvang::scenario::{CapacityPolicy, FtePolicyKind, Intensity, Referral, WorkforcePolicy};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) fn flat_epidemiology(
    months: usize,
    at_home: f64,
    growth_per_month: f64,
) -> Epidemiology {
    let h: Vec<f64> = (0..=months)
        .map(|m| at_home * (1.0 + growth_per_month).powi(m as i32))
        .collect();
    Epidemiology {
        people_with_dementia: h.iter().map(|x| x / 0.7).collect(),
        at_home: h.clone(),
        at_home_ref: h.clone(),
        need: h.iter().map(|x| x * 0.55).collect(),
    }
}

pub(crate) fn policy(kind: FtePolicyKind, boost: f64) -> CapacityPolicy {
    CapacityPolicy {
        policy: kind,
        boost_fte: boost,
        boost_start: 0,
        boost_months: 0,
        lag_months: 3,
        max_recruitment_per_year: 100.0,
    }
}

pub fn intensity() -> Intensity {
    Intensity {
        base_share_intensive: 0.0,
        weight_light: 1.0,
        weight_intensive: 1.0,
        hours_weight_light: 1.0,
        hours_weight_intensive: 1.0,
        phase_years: 0.0,
    }
}

pub(crate) struct Case {
    pub(crate) epi: Epidemiology,
    pub(crate) rates: Rates,
    pub(crate) initial: InitialState,
    pub(crate) caseload: f64,
    pub(crate) growth: f64,
    pub(crate) zorgstandaard: f64,
    pub(crate) share_intensive: f64,
    pub(crate) capacity: CapacityPolicy,
    pub(crate) referral: Referral,
    pub(crate) intensity: Intensity,
    pub(crate) feedback: Feedback,
    pub(crate) regional_demand: [f64; REGIONS],
    pub(crate) drivers: Drivers,
    pub(crate) policy_start: usize,
    pub(crate) workforce: WorkforcePolicy,
    pub(crate) workforce_rates: WorkforceRates,
}

impl Case {
    pub(crate) fn run(&self, months: usize, seed: u64) -> Trajectory {
        self.run_split(months, seed, true)
    }

    /// [`Case::run`] with or without the split of exits by reason.
    pub(crate) fn run_split(&self, months: usize, seed: u64, by_reason: bool) -> Trajectory {
        let input = self.input(seed, by_reason);
        project(&input, months, &mut ChaCha8Rng::seed_from_u64(seed))
    }

    /// The projection input of this case, its workforce streams keyed by `seed`.
    pub(crate) fn input(&self, seed: u64, by_reason: bool) -> ProjectionInput<'_> {
        ProjectionInput {
            epidemiology: &self.epi,
            rates: self.rates,
            initial: self.initial,
            caseload: self.caseload,
            hours_per_client_month: 2.5,
            tariff_per_hour: 80.0,
            cost_index_per_year: 0.0,
            fte_growth_per_year: self.growth,
            zorgstandaard_fraction: self.zorgstandaard,
            share_intensive: self.share_intensive,
            capacity: &self.capacity,
            referral: &self.referral,
            intensity: &self.intensity,
            wait_norm_weeks: 6.0,
            feedback: self.feedback,
            regional_demand: self.regional_demand,
            drivers: &self.drivers,
            by_reason,
            policy_start: self.policy_start,
            workforce: WorkforceInput {
                policy: &self.workforce,
                rates: self.workforce_rates,
                seed,
                iteration: 0,
            },
        }
    }
}

pub(crate) fn base_case(months: usize) -> Case {
    Case {
        epi: flat_epidemiology(months, 200_000.0, 0.0),
        rates: Rates {
            inflow_rate: 0.1,
            hazard_death: 0.12,
            hazard_institution: 0.17,
            hazard_other: 0.05,
        },
        initial: InitialState {
            clients: 60_000,
            waiting: 1_500,
            waiting_over_norm_share: 0.4,
        },
        caseload: 52.0,
        growth: 0.0,
        zorgstandaard: 0.0,
        share_intensive: 0.0,
        capacity: policy(FtePolicyKind::Fixed, 0.0),
        referral: Referral {
            ramp_start: 12,
            ramp_years: 3.0,
        },
        intensity: intensity(),
        feedback: Feedback::default(),
        regional_demand: [1.0; REGIONS],
        drivers: Drivers::default(),
        policy_start: 0,
        workforce: WorkforcePolicy::default(),
        workforce_rates: WorkforceRates::default(),
    }
}

/// The month's exits are split by reason once for the country (the regions share the reasons'
/// probabilities, so one binomial of the national exits has the distribution of twelve regional
/// ones): over twenty years the shares are the hazards' within Monte Carlo error, and the split
/// moves no stock and no other flow.
#[test]
fn exits_split_by_reason_in_the_hazards_proportions_and_move_no_stock() {
    let months = 240;
    let c = base_case(months);
    let split = c.run_split(months, 7, true);
    let whole = c.run_split(months, 7, false);
    assert_eq!(split.clients_in_care, whole.clients_in_care);
    assert_eq!(split.waiting_list, whole.waiting_list);
    assert_eq!(split.admissions, whole.admissions);
    assert_eq!(split.lost, whole.lost);
    let total = |v: &[f64]| v.iter().sum::<f64>();
    let deaths = total(&split.exits_death);
    let other = total(&split.exits_other);
    let exits = deaths + total(&split.exits_institution) + other;
    // Without the split every exit counts as institution.
    assert_eq!(exits, total(&whole.exits_institution));
    assert_eq!(total(&whole.exits_death) + total(&whole.exits_other), 0.0);
    let r = c.rates;
    let mu = r.hazard_death + r.hazard_institution + r.hazard_other;
    for (name, count, hazard) in [
        ("death", deaths, r.hazard_death),
        ("other", other, r.hazard_other),
    ] {
        let p = hazard / mu;
        let sd = (exits * p * (1.0 - p)).sqrt();
        assert!(
            (count - exits * p).abs() < 4.0 * sd,
            "{name}: {count} of {exits} exits, expected {} (sd {sd})",
            exits * p
        );
    }
}

/// Everyone who arrived is in care, waiting, exited or lost, in every month of every iteration,
/// over random parameters, policies and seeds.
#[test]
fn mass_is_conserved_every_month() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    for case_no in 0..300 {
        let months = rng.random_range(1..120);
        let mut c = base_case(months);
        c.epi = flat_epidemiology(
            months,
            rng.random_range(1_000.0..300_000.0),
            rng.random_range(-0.002..0.01),
        );
        c.rates = Rates {
            inflow_rate: rng.random_range(0.0..0.3),
            hazard_death: rng.random_range(0.0..0.5),
            hazard_institution: rng.random_range(0.0..0.5),
            hazard_other: rng.random_range(0.0..0.3),
        };
        c.initial = InitialState {
            clients: rng.random_range(0..50_000),
            waiting: rng.random_range(0..5_000),
            waiting_over_norm_share: rng.random_range(0.0..1.0),
        };
        c.caseload = rng.random_range(20.0..80.0);
        c.growth = rng.random_range(-0.05..0.1);
        c.zorgstandaard = rng.random_range(0.0..1.5);
        c.share_intensive = rng.random_range(0.0..1.0);
        c.intensity.weight_light = rng.random_range(0.5..1.0);
        c.intensity.weight_intensive = rng.random_range(1.0..2.5);
        let kinds = [
            FtePolicyKind::Fixed,
            FtePolicyKind::Growth,
            FtePolicyKind::FollowDemand,
        ];
        c.capacity = CapacityPolicy {
            policy: kinds[case_no % 3],
            boost_fte: rng.random_range(0.0..200.0),
            boost_start: rng.random_range(0..months),
            boost_months: rng.random_range(0..24),
            lag_months: rng.random_range(0..12),
            max_recruitment_per_year: rng.random_range(0.0..300.0),
        };
        c.feedback = Feedback {
            leave_list_per_year: rng.random_range(0.0..2.0),
            leave_list_growth_per_month: rng.random_range(0.0..1.0),
            referral_elasticity: rng.random_range(0.0..1.0),
            caseload_stretch_max: rng.random_range(0.0..0.3),
        };
        let spread = rng.random_range(0.0..1.0);
        c.regional_demand =
            std::array::from_fn(|_| (spread * rng.random_range(-2.0..2.0f64)).exp());
        c.policy_start = rng.random_range(0..months);
        // Referral, capacity and leaving move as random walks (or stay constant).
        let walk = |rng: &mut ChaCha8Rng, sigma: f64| -> Vec<f64> {
            let mut level = 0.0;
            (0..=months / 12 + 1)
                .map(|k| {
                    if k > 0 {
                        level += sigma * rng.random_range(-1.7..1.7);
                    }
                    level
                })
                .collect()
        };
        c.drivers = if case_no % 4 == 0 {
            Drivers::default()
        } else {
            Drivers {
                referral: walk(&mut rng, 0.1),
                capacity: walk(&mut rng, 0.05),
                leaving: walk(&mut rng, 0.5),
            }
        };
        let t = c.run(months, case_no as u64);
        let mut arrived = (c.initial.clients + c.initial.waiting) as f64;
        let mut gone = 0.0;
        for m in 0..months {
            arrived += t.arrivals[m];
            gone += t.exits_death[m]
                + t.exits_institution[m]
                + t.exits_other[m]
                + t.lost[m]
                + t.left_list[m];
            let present = t.clients_in_care[m + 1] + t.waiting_list[m + 1];
            assert_eq!(arrived, present + gone, "case {case_no}, month {m}");
            // The in-care stock moves by admissions minus exits, and admissions come from the
            // queue: who waited and was not lost, plus this month's arrivals.
            let exits = t.exits_death[m] + t.exits_institution[m] + t.exits_other[m];
            assert_eq!(
                t.clients_in_care[m + 1],
                t.clients_in_care[m] - exits + t.admissions[m],
                "case {case_no}, month {m}"
            );
            let queue = t.waiting_list[m] - t.lost[m] - t.left_list[m] + t.arrivals[m];
            assert!(
                t.admissions[m] <= queue,
                "case {case_no}, month {m}: {} admitted from a queue of {queue}",
                t.admissions[m]
            );
            assert!(
                t.share_waiting_over_norm[m + 1] >= 0.0 && t.share_waiting_over_norm[m + 1] <= 1.0
            );
            assert!(
                (0.0..=t.admissions[m] + 1e-9).contains(&t.admitted_within_norm[m]),
                "case {case_no}, month {m}: {} within the norm of {} admitted",
                t.admitted_within_norm[m],
                t.admissions[m]
            );
        }
    }
}

/// Capacity unconstrained and fixed rates: the in-care stock converges to arrivals × mean
/// duration (Little's law, λ/μ in continuous time: people admitted during a month can leave
/// before its end), and nobody is lost while waiting because nobody waits.
#[test]
fn littles_law_when_capacity_is_unconstrained() {
    let months = 600;
    let mut c = base_case(months);
    c.initial = InitialState {
        clients: 0,
        waiting: 0,
        waiting_over_norm_share: 0.0,
    };
    c.caseload = 50.0;
    c.capacity = policy(FtePolicyKind::Fixed, 1.0e6);
    let mu = c.rates.hazard_death + c.rates.hazard_institution + c.rates.hazard_other;
    let continuous = c.rates.inflow_rate * 200_000.0 / mu;
    let mut means = Vec::new();
    for seed in 0..5 {
        let t = c.run(months, seed);
        let tail = &t.clients_in_care[361..];
        means.push(tail.iter().sum::<f64>() / tail.len() as f64);
        assert!(t.lost.iter().chain(&t.left_list).all(|&x| x == 0.0));
        assert!(t.waiting_list.iter().all(|&q| q == 0.0));
        // Admitted as they arrive: nobody waited.
        assert!(t.wait_months_admitted.iter().all(|&w| w == 0.0));
    }
    let mean = means.iter().sum::<f64>() / means.len() as f64;
    // Monte Carlo error of the mean of ~1,200 autocorrelated months is well below 0.5%.
    assert!(
        (mean / continuous - 1.0).abs() < 0.005,
        "{mean} vs {continuous}"
    );
}

/// With capacity below demand and no losses while waiting (only "other" exits), the waiting
/// list grows each month by arrivals minus the places that free up, every freed place refilled
/// at once: λ − Kμ/12 (continuous time).
#[test]
fn waiting_list_grows_at_the_analytic_rate_when_demand_exceeds_capacity() {
    let months = 240;
    let mut c = base_case(months);
    c.rates = Rates {
        inflow_rate: 0.1,
        hazard_death: 0.0,
        hazard_institution: 0.0,
        hazard_other: 0.34,
    };
    c.initial = InitialState {
        clients: 40_000,
        waiting: 0,
        waiting_over_norm_share: 0.0,
    };
    c.caseload = 50.0; // capacity 40,000 (FTE = 800)
    let lambda = 0.1 * 200_000.0 / 12.0;
    let slope = lambda - 40_000.0 * 0.34 / 12.0;
    assert!(slope > 500.0);
    let mut slopes = Vec::new();
    for seed in 0..5 {
        let t = c.run(months, seed);
        assert!(t.clients_in_care[1..].iter().all(|&s| s == 40_000.0));
        slopes.push((t.waiting_list[months] - t.waiting_list[12]) / (months - 12) as f64);
        assert!(t.lost.iter().all(|&x| x == 0.0));
    }
    let mean = slopes.iter().sum::<f64>() / slopes.len() as f64;
    assert!((mean / slope - 1.0).abs() < 0.01, "{mean} vs {slope}");
}

/// More FTE never gives a longer waiting list, month by month, for the same seed.
#[test]
fn more_fte_never_lengthens_the_waiting_list() {
    let months = 180;
    for seed in 0..20 {
        let mut c = base_case(months);
        c.epi = flat_epidemiology(months, 200_000.0, 0.002);
        let mut previous: Option<Trajectory> = None;
        let mut first: Option<Trajectory> = None;
        for boost in [0.0, 10.0, 25.0, 50.0, 100.0, 250.0] {
            c.capacity = policy(FtePolicyKind::Growth, boost);
            c.growth = 0.01;
            let t = c.run(months, seed);
            if let Some(p) = &previous {
                for m in 0..=months {
                    assert!(
                        t.waiting_list[m] <= p.waiting_list[m],
                        "seed {seed}, boost {boost}, month {m}: {} > {}",
                        t.waiting_list[m],
                        p.waiting_list[m]
                    );
                }
            }
            if first.is_none() {
                first = Some(t.clone());
            }
            previous = Some(t);
        }
        // The boosts make a difference at all.
        assert!(previous.unwrap().waiting_list[months] < first.unwrap().waiting_list[months]);
    }
}

/// The initial waiting list keeps its share over the norm.
#[test]
fn initial_waiting_list_over_norm_share_is_kept() {
    let c = base_case(1);
    let t = c.run(1, 1);
    assert!((t.share_waiting_over_norm[0] - 0.4).abs() < 1e-3);
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(200))]

    /// Issue 9: for any valid input, however extreme (a billion people at home, hazards of 3 a
    /// year, a caseload of 1), every month conserves people and every value is finite and not
    /// negative. Counts this large used to hang the binomial sampler.
    #[test]
    fn projection_conserves_people_and_stays_finite_for_any_valid_input(
        months in 1usize..48,
        at_home in 1.0f64..1e9,
        growth in -0.01f64..0.02,
        inflow in 0.0f64..2.0,
        death in 0.0f64..3.0,
        institution in 0.0f64..3.0,
        other in 0.0f64..3.0,
        clients in 0u64..10_000_000,
        waiting in 0u64..10_000_000,
        over in 0.0f64..1.0,
        caseload in 1.0f64..200.0,
        zorgstandaard in 0.0f64..2.0,
        seed in proptest::prelude::any::<u64>(),
    ) {
        let mut c = base_case(months);
        c.epi = flat_epidemiology(months, at_home, growth);
        c.rates = Rates { inflow_rate: inflow, hazard_death: death, hazard_institution: institution, hazard_other: other };
        c.initial = InitialState { clients, waiting, waiting_over_norm_share: over };
        c.caseload = caseload;
        c.zorgstandaard = zorgstandaard;
        let t = c.run(months, seed);
        let mut arrived = (clients + waiting) as f64;
        let mut gone = 0.0;
        for m in 0..months {
            arrived += t.arrivals[m];
            gone += t.exits_death[m] + t.exits_institution[m] + t.exits_other[m]
                + t.lost[m] + t.left_list[m];
            proptest::prop_assert_eq!(arrived, t.clients_in_care[m + 1] + t.waiting_list[m + 1] + gone);
            for v in [
                t.clients_in_care[m + 1], t.waiting_list[m + 1], t.fte_available[m + 1],
                t.fte_needed[m + 1], t.share_waiting_over_norm[m + 1], t.arrivals[m],
                t.admissions[m], t.exits_death[m], t.exits_institution[m], t.exits_other[m],
                t.lost[m], t.wait_months_admitted[m], t.cost_eur[m],
            ] {
                proptest::prop_assert!(v.is_finite() && v >= 0.0, "month {}: {}", m, v);
            }
        }
    }
}

/// People who leave the list for other reasons bound it: with capacity below demand, no deaths
/// or admissions while waiting and a constant leaving hazard h, the list settles where leaving
/// balances the excess, Q* = (λ − Kμ/12) / (h/12) in continuous time, instead of growing
/// without end.
#[test]
fn leaving_the_list_settles_it_at_the_analytic_level() {
    let months = 360;
    let mut c = base_case(months);
    c.rates = Rates {
        inflow_rate: 0.1,
        hazard_death: 0.0,
        hazard_institution: 0.0,
        hazard_other: 0.34,
    };
    c.initial = InitialState {
        clients: 40_000,
        waiting: 0,
        waiting_over_norm_share: 0.0,
    };
    c.caseload = 50.0;
    c.feedback.leave_list_per_year = 0.5;
    let lambda = 0.1 * 200_000.0 / 12.0;
    let excess = lambda - 40_000.0 * 0.34 / 12.0;
    let expected = excess / (0.5 / 12.0);
    let mut levels = Vec::new();
    for seed in 0..5 {
        let t = c.run(months, seed);
        let tail = &t.waiting_list[240..];
        levels.push(tail.iter().sum::<f64>() / tail.len() as f64);
        // Leaving is what bounds it: those who left balance the excess each month.
        let left: f64 = t.left_list[240..].iter().sum::<f64>() / (months - 240) as f64;
        assert!((left / excess - 1.0).abs() < 0.02, "{left} vs {excess}");
    }
    let mean = levels.iter().sum::<f64>() / levels.len() as f64;
    assert!((mean / expected - 1.0).abs() < 0.02, "{mean} vs {expected}");
}

/// Referrals fall when waits are long: with the same uniforms, an elasticity gives fewer
/// arrivals and a shorter list in every month once the wait passes the norm, and the deterred
/// referrals make up the difference in expectation.
#[test]
fn referral_elasticity_deters_referrals_only_beyond_the_norm() {
    let months = 120;
    let mut c = base_case(months);
    c.capacity = policy(FtePolicyKind::Fixed, 0.0);
    c.rates.inflow_rate = 0.12; // demand above capacity: waits grow
    let plain = c.run(months, 7);
    c.feedback.referral_elasticity = 0.5;
    let deterred = c.run(months, 7);
    let total = |v: &[f64]| v.iter().sum::<f64>();
    assert!(total(&deterred.arrivals) < total(&plain.arrivals));
    assert!(total(&deterred.deterred) > 0.0);
    assert!(
        deterred.waiting_list[months] < plain.waiting_list[months],
        "{} vs {}",
        deterred.waiting_list[months],
        plain.waiting_list[months]
    );
    // Without a wait beyond the norm nothing is deterred.
    c.capacity = policy(FtePolicyKind::Fixed, 1.0e6);
    let free = c.run(months, 7);
    assert_eq!(total(&free.deterred), 0.0);
}

/// Caseloads stretch under pressure, up to the ceiling and no further.
#[test]
fn caseload_stretch_stays_within_its_ceiling_and_shortens_the_list() {
    let months = 120;
    let mut c = base_case(months);
    c.rates.inflow_rate = 0.12; // demand above capacity: waits grow
    let plain = c.run(months, 3);
    c.feedback.caseload_stretch_max = 0.1;
    let stretched = c.run(months, 3);
    assert!(stretched
        .caseload_stretch
        .iter()
        .all(|&s| (0.0..=0.1 + 1e-12).contains(&s)));
    assert!(stretched.caseload_stretch.iter().any(|&s| s > 0.05));
    assert!(stretched.waiting_list[months] < plain.waiting_list[months]);
}

/// Before the policy start every policy gives the same trajectory (one history for all
/// scenarios); from it they differ.
#[test]
fn policies_start_at_the_policy_start_and_not_before() {
    let months = 96;
    let start = 60;
    let mut runs = Vec::new();
    for (kind, boost, zorgstandaard, mix) in [
        (FtePolicyKind::Growth, 0.0, 0.0, 0.0),
        (FtePolicyKind::Fixed, 0.0, 0.0, 0.0),
        (FtePolicyKind::FollowDemand, 0.0, 0.0, 0.0),
        (FtePolicyKind::Growth, 80.0, 0.0, 0.0),
        (FtePolicyKind::Growth, 0.0, 1.0, 0.0),
        (FtePolicyKind::Growth, 0.0, 0.0, 0.3),
    ] {
        let mut c = base_case(months);
        c.epi = flat_epidemiology(months, 200_000.0, 0.003);
        c.growth = 0.01;
        c.capacity = policy(kind, boost);
        c.zorgstandaard = zorgstandaard;
        c.share_intensive = mix;
        c.intensity.base_share_intensive = 0.5;
        c.intensity.weight_light = 0.6;
        c.intensity.weight_intensive = 1.4;
        c.intensity.phase_years = 2.0;
        c.regional_demand = std::array::from_fn(|r| 0.8 + 0.04 * r as f64);
        c.policy_start = start;
        runs.push(c.run(months, 11));
    }
    for t in &runs[1..] {
        assert_eq!(
            t.clients_in_care[..=start],
            runs[0].clients_in_care[..=start]
        );
        assert_eq!(t.waiting_list[..=start], runs[0].waiting_list[..=start]);
        assert_eq!(t.fte_available[..=start], runs[0].fte_available[..=start]);
        assert_ne!(
            t.waiting_list[start + 1..],
            runs[0].waiting_list[start + 1..]
        );
    }
    // Frozen capacity stays at its level at the policy start.
    let frozen = &runs[1];
    assert!(frozen.fte_available[start + 1..]
        .iter()
        .all(|&f| (f - frozen.fte_available[start]).abs() < 1e-9));
}
