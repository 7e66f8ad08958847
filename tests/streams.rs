//! Random streams keyed by meaning: one parameter changing from a fixed value to a distribution
//! leaves every other draw, and the state every iteration starts from, as it was.

use omvang::model::build::Model;
use omvang::model::metrics::Metric;
use omvang::model::results::RunResults;
use omvang::model::simulate;
use omvang::model::summaries::{summarise, summarise_monthly};
use omvang::pipeline::read_inputs;
use omvang::scenario::{self, Parameters};

use crate::util::root;

fn model(overrides: &[&str]) -> Model {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let s = scenario::load(&root().join("scenarios/baseline.toml"), &overrides).unwrap();
    let inputs = read_inputs(&s).unwrap();
    Model::build(s, &inputs).unwrap()
}

fn run(model: &Model, threads: usize) -> RunResults {
    simulate::run_prior(model, threads, &|| {}).unwrap()
}

/// The state on 1 January of the base year.
const BASE_STATE: [Metric; 7] = [
    Metric::PeopleWithDementia,
    Metric::AtHome,
    Metric::Need,
    Metric::ClientsInCare,
    Metric::ClientsExtrapolated,
    Metric::WaitingList,
    Metric::FteAvailable,
];

#[test]
fn a_parameter_turning_random_leaves_every_other_draw_unchanged() {
    let common = ["run.iterations=300", "run.horizon=2025"];
    let fixed = model(&common);
    let random = model(&[
        common[0],
        common[1],
        "parameters.share_intensive={ dist = \"uniform\", min = 0.0, max = 0.2 }",
    ]);
    assert!(fixed.scenario.parameters.share_intensive.is_fixed());
    let (a, b) = (run(&fixed, 2), run(&random, 1));
    assert_eq!(a.len(), 300);
    let changed = Parameters::NAMES
        .iter()
        .position(|n| *n == "share_intensive")
        .unwrap();
    let mut differs = 0;
    for i in 0..a.len() {
        let (pa, pb) = (a.parameters[i].values(), b.parameters[i].values());
        for (k, name) in Parameters::NAMES.iter().enumerate() {
            if k == changed {
                differs += (pa[k] != pb[k]) as usize;
            } else {
                assert_eq!(pa[k], pb[k], "iteration {i}: {name} moved");
            }
        }
        assert_eq!(
            a.pooled[i], b.pooled[i],
            "iteration {i}: pooled rates moved"
        );
        for metric in BASE_STATE {
            assert_eq!(
                a.value(i, metric, 0),
                b.value(i, metric, 0),
                "iteration {i}: {} in the base year moved",
                metric.as_str()
            );
        }
    }
    // The changed parameter really is drawn now.
    assert_eq!(differs, a.len());
}

#[test]
fn results_are_identical_for_any_thread_count() {
    let m = model(&["run.iterations=200", "run.horizon=2022"]);
    let (one, two) = (run(&m, 1), run(&m, 2));
    assert_eq!(one.parameters, two.parameters);
    assert_eq!(summarise(&m, &one), summarise(&m, &two));
    assert_eq!(summarise_monthly(&m, &one), summarise_monthly(&m, &two));
    for c in 0..one.columns.len() {
        assert_eq!(one.column_f32(c), two.column_f32(c));
    }
}

/// Each iteration's monthly flows come from their own streams: a longer horizon repeats the
/// shorter one's months exactly.
#[test]
fn a_longer_horizon_repeats_the_shorter_one() {
    let short = model(&["run.iterations=50", "run.horizon=2020"]);
    let long = model(&["run.iterations=50", "run.horizon=2024"]);
    let (a, b) = (run(&short, 2), run(&long, 2));
    for i in 0..50 {
        for y in 0..3 {
            assert_eq!(
                a.value(i, Metric::WaitingList, y),
                b.value(i, Metric::WaitingList, y)
            );
        }
    }
}
