//! The case-manager workforce (issue 19): its mass balance every month over random parameters,
//! business as usual reproducing the growth model, the levers' paired effect on the waiting list,
//! the `target` answer fed back as a scenario, and the `[workforce]` keys' errors.

use omvang::model::metrics::Metric;
use omvang::model::particle::Particle;
use omvang::model::projection::{Trajectory, WEEKS_PER_MONTH};
use omvang::model::queues::{checkpoint, project, resume_into, FixedDraws};
use omvang::model::simulate::iterate;
use omvang::model::target::{search, Goal};
use omvang::model::workforce::WorkforceRates;
use omvang::pipeline::load_model;
use omvang::scenario::{Ceiling, FtePolicyKind, Hiring, HiringKind, WorkforcePolicy};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::projection::{base_case, policy};
use crate::util::{omvang, path_str, root, WorkDir};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Headcount changes by exactly qualified + hires − leavers in every month, before and after
    /// the policy start, whatever the rates, levers and capacity policy.
    #[test]
    fn headcount_changes_by_qualified_plus_hires_minus_leavers(
        rates in (0.0..0.5f64, 0.0..0.1f64, 0.3..1.0f64, 1.0..36.0f64, 0.0..1.0f64, 0.0..1.0f64),
        extra in prop::collection::vec(0.0..500.0f64, 1..4),
        levers in (0.0..1.0f64, -0.2..0.2f64, 0.0..5.0f64),
        hiring in (any::<bool>(), 0.0..400.0f64, 1u32..12),
        (growth, kind, start, seed) in (-0.02..0.05f64, 0usize..3, 0usize..60, any::<u64>()),
    ) {
        let months = 120;
        let mut c = base_case(months);
        c.growth = growth;
        let kinds = [FtePolicyKind::Fixed, FtePolicyKind::Growth, FtePolicyKind::FollowDemand];
        c.capacity = policy(kinds[kind], 0.0);
        c.policy_start = start;
        c.workforce_rates = WorkforceRates {
            turnover_per_year: rates.0,
            retirement_per_year: rates.1,
            part_time_factor: rates.2,
            training_months: rates.3,
            training_completion: rates.4,
            trained_share_of_inflow: rates.5,
        };
        c.workforce = WorkforcePolicy {
            extra_trainees_per_year: extra,
            turnover_reduction: levers.0,
            part_time_change: levers.1,
            ramp_years: levers.2,
            hiring: if hiring.0 {
                Hiring {
                    kind: HiringKind::FollowDemand,
                    ceiling_per_year: Ceiling::People(hiring.1),
                    lag_months: hiring.2,
                }
            } else {
                WorkforcePolicy::default().hiring
            },
        };
        let t = c.run(months, seed);
        prop_assert_eq!(t.case_managers.len(), months + 1);
        for m in 0..months {
            let change = t.case_managers[m + 1] - t.case_managers[m];
            let flows = t.trainees_qualified[m] + t.hires[m] - t.leavers[m];
            prop_assert!(
                (change - flows).abs() < 1e-9 * t.case_managers[m].abs().max(1.0),
                "month {}: headcount {} -> {}, flows {}", m, t.case_managers[m], t.case_managers[m + 1], flows
            );
            for x in [t.leavers[m], t.hires[m], t.trainees_qualified[m], t.trainees_started[m]] {
                prop_assert!(x >= 0.0 && x.is_finite(), "month {}: flow {}", m, x);
            }
        }
    }
}

/// With turnover, retirement, training and hiring sized to a constant growth rate g (business
/// as usual, no lever), the FTE path is the old growth model's, FTE₀ (1 + g)^t, to within 0.5%
/// in every month (mean over 100 iterations: leavers are drawn, so one iteration wanders by
/// about 2% nationally and comes back at the turnover rate).
#[test]
fn business_as_usual_reproduces_the_growth_model_within_half_a_percent() {
    let months = 240;
    let g = 0.015;
    let mut c = base_case(months);
    c.growth = g;
    c.capacity = policy(FtePolicyKind::Growth, 0.0);
    c.policy_start = 24;
    c.workforce_rates = WorkforceRates {
        turnover_per_year: 0.10,
        retirement_per_year: 0.03,
        part_time_factor: 0.72,
        training_months: 18.0,
        training_completion: 0.85,
        trained_share_of_inflow: 0.5,
    };
    let runs = 100;
    let mut mean = vec![0.0; months + 1];
    for seed in 0..runs {
        let t = c.run(months, seed);
        for (a, b) in mean.iter_mut().zip(&t.fte_available) {
            *a += b / runs as f64;
        }
    }
    let monthly = (1.0 + g).powf(1.0 / 12.0);
    let mut worst: f64 = 0.0;
    for m in 0..months {
        let old = mean[0] * monthly.powi(m as i32 + 1);
        worst = worst.max((mean[m + 1] / old - 1.0).abs());
    }
    assert!(worst < 0.005, "largest relative difference {worst}");
    // Without turnover nothing leaves: every iteration is the growth path to within the
    // rounding of whole people (one person per region at the default part-time factor 0.75).
    c.workforce_rates = WorkforceRates::default();
    let t = c.run(months, 7);
    for m in 0..months {
        let old = t.fte_available[0] * monthly.powi(m as i32 + 1);
        assert!(
            (t.fte_available[m + 1] - old).abs() <= 12.0 * 0.76,
            "month {m}"
        );
    }
}

/// More trainees (`opleiden`) and lower turnover (`behoud`) shorten the 2030 waiting list below
/// the baseline's in at least 90% of paired iterations.
#[test]
fn training_and_retention_shorten_the_2030_list_in_nine_of_ten_paired_iterations() {
    let w = WorkDir::new("workforce-levers");
    let o = omvang(&[
        "compare",
        "scenarios/baseline.toml",
        "scenarios/opleiden.toml",
        "scenarios/behoud.toml",
        "--iterations",
        "300",
        "--no-report",
        "--quiet",
        "--out",
        path_str(&w.path),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list = |name: &str| {
        let run = omvang::output::read_run(&w.path.join(name)).unwrap();
        run.draw("waiting_list_2030").unwrap().to_vec()
    };
    let baseline = list("baseline");
    for lever in ["opleiden", "behoud"] {
        let other = list(lever);
        let lower = other.iter().zip(&baseline).filter(|(a, b)| a < b).count();
        let share = lower as f64 / baseline.len() as f64;
        assert!(share >= 0.9, "{lever}: lower in {share:.3} of iterations");
    }
}

/// The national wait of an iteration's year by Little's law, from its yearly results.
fn little_wait(model: &omvang::model::build::Model, i: u64, year: i32) -> f64 {
    let r = iterate(model, i);
    let y = (year - model.scenario.run.base_year) as usize;
    r.value(Metric::WaitingListMean, y) / (r.value(Metric::Arrivals, y) / (12.0 * WEEKS_PER_MONTH))
}

/// A projection resumed at the policy start from a checkpoint made under other workforce levers
/// (what the `target` search does for each of its steps) is bit for bit the projection from the
/// start under the new levers, and resuming leaves the checkpoint as it was.
#[test]
fn a_projection_resumed_at_the_policy_start_is_the_projection_from_the_start() {
    let months = 120;
    for (start, seed) in [(1, 3u64), (24, 5), (60, 7), (119, 11)] {
        let mut c = base_case(months);
        c.policy_start = start;
        c.growth = 0.02;
        c.workforce_rates = WorkforceRates {
            turnover_per_year: 0.12,
            retirement_per_year: 0.03,
            ..WorkforceRates::default()
        };
        let checkpoint = {
            let input = c.input(seed, true);
            let streams = ChaCha8Rng::seed_from_u64(seed);
            checkpoint(&input, start, streams, &mut FixedDraws::default())
        };
        assert_eq!(checkpoint.month(), start);
        for extra in [0.0, 40.0, 250.0] {
            c.workforce = WorkforcePolicy {
                extra_trainees_per_year: vec![extra],
                turnover_reduction: extra / 500.0,
                ..WorkforcePolicy::default()
            };
            let input = c.input(seed, true);
            let whole = project(&input, months, &mut ChaCha8Rng::seed_from_u64(seed));
            let mut resumed = Trajectory::default();
            resume_into(
                &input,
                months,
                &checkpoint,
                &mut FixedDraws::default(),
                &mut resumed,
            );
            assert_eq!(
                format!("{whole:?}"),
                format!("{resumed:?}"),
                "policy start {start}, {extra} extra trainees a year"
            );
        }
    }
}

/// The median answer of `target --norm-by 2030`, fed back as the scenario's
/// `workforce.extra_trainees_per_year`, brings the median wait of 2030 within the norm, and
/// half as many do not.
#[test]
fn the_target_answer_fed_back_meets_the_norm_in_the_median() {
    let scenario = root().join("scenarios/baseline.toml");
    let model = load_model(&scenario, &["run.iterations=200".into()]).unwrap();
    let n = 60;
    let particles: Vec<Particle> = (0..n).map(|i| model.prior_particle(i)).collect();
    let slots: Vec<usize> = (0..n as usize).collect();
    let goal = Goal::Norm { by_year: 2030 };
    let mut extra: Vec<f64> = search(&model, &particles, &slots, goal)
        .iter()
        .map(|a| a.extra.unwrap_or(f64::INFINITY))
        .collect();
    extra.sort_by(f64::total_cmp);
    let median = extra[n as usize / 2];
    assert!(median.is_finite() && median > 0.0, "median answer {median}");
    let median_wait = |trainees: f64| {
        let set = format!("workforce.extra_trainees_per_year={trainees}");
        let fed = load_model(&scenario, &["run.iterations=200".into(), set]).unwrap();
        let mut waits: Vec<f64> = (0..n).map(|i| little_wait(&fed, i, 2030)).collect();
        waits.sort_by(f64::total_cmp);
        waits[n as usize / 2]
    };
    let norm = model.scenario.wait_norm_weeks;
    let met = median_wait(median);
    assert!(
        met <= norm,
        "median wait {met} weeks with {median} trainees a year"
    );
    let half = median_wait((median / 2.0).floor());
    assert!(
        half > met,
        "half the trainees: {half} weeks, the answer: {met}"
    );
}

/// `omvang target` writes its folder with the answer in the key message, and refuses a target
/// year outside the projection with exit code 2.
#[test]
fn target_command_writes_its_answer_and_refuses_a_year_outside_the_run() {
    let w = WorkDir::new("target");
    let o = omvang(&[
        "target",
        "scenarios/baseline.toml",
        "--norm-by",
        "2030",
        "--search-iterations",
        "12",
        "--no-calibration",
        "--out",
        path_str(&w.path),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = w.path.join("baseline-target-norm-2030");
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("Hoeveel opleiden?"), "{report}");
    assert!(report.contains("90%-interval"), "{report}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("target.json")).unwrap()).unwrap();
    assert_eq!(json["iterations"], 12);
    let csv = std::fs::read_to_string(dir.join("target.csv")).unwrap();
    assert_eq!(csv.lines().count(), 13);
    let o = omvang(&[
        "target",
        "scenarios/baseline.toml",
        "--need-by",
        "2100",
        "--out",
        path_str(&w.path),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("target year 2100"));
}

/// Demand hiring set in both `[capacity]` and `[workforce]`, a ceiling without demand hiring and
/// an empty trainee ramp are one-line errors naming the key and the fix.
#[test]
fn conflicting_workforce_keys_are_refused_with_the_fix() {
    let w = WorkDir::new("workforce-keys");
    let base = root().join("scenarios/baseline.toml");
    let cases = [
        (
            "[capacity]\npolicy = \"follow_demand\"\n[workforce]\nhiring = \"follow_demand\"\nhiring_ceiling_per_year = 100\n",
            "both set hiring",
        ),
        ("[workforce]\nhiring_ceiling_per_year = 100\n", "apply only with"),
        ("[workforce]\nextra_trainees_per_year = []\n", "empty list"),
        ("[workforce]\nhiring = \"follow_demand\"\n", "needs workforce.hiring_ceiling_per_year"),
        ("[workforce]\nturnover_reduction = 1.5\n", "turnover_reduction = 1.5"),
        ("[workforce]\ntrainees = 5\n", "unknown field"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let file = w.write(
            &format!("s{i}.toml"),
            &format!("extends = {:?}\nname = \"s{i}\"\n{text}", path_str(&base)),
        );
        let o = omvang(&["check", path_str(&file)]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(expected), "{text}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}
