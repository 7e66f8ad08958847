//! The engine end to end on the shipped data and on synthetic data from known truths.

use omvang::model::build::Model;
use omvang::model::metrics::Metric;
use omvang::model::pooling::uptake_study;
use omvang::model::simulate;
use omvang::model::stats::quantiles;
use omvang::model::summaries::summarise;
use omvang::model::synthetic::{generate, Truth};
use omvang::pipeline::read_inputs;
use omvang::scenario;

use crate::util::root;

fn baseline(overrides: &[&str]) -> Model {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let s = scenario::load(&root().join("scenarios/baseline.toml"), &overrides).unwrap();
    let inputs = read_inputs(&s).unwrap();
    Model::build(s, &inputs).unwrap()
}

fn base_year_quantiles(model: &Model, metric: Metric) -> [f64; 6] {
    let results = simulate::run_prior(model, 0, &|| {}).unwrap();
    let mut v: Vec<f64> = results.column(metric, 0).unwrap();
    quantiles(&mut v)
}

/// Chains generated from known true parameters: the 90% interval of national clients in care
/// contains the truth in at least 8 of 10 data sets, and the pooled uptake is within 2 standard
/// errors of the true uptake.
#[test]
fn recovery_of_known_parameters_from_synthetic_chains() {
    let model = baseline(&["run.iterations=400", "run.horizon=2018"]);
    let truth = Truth::default();
    let at_home_ref = model.epidemiology(&model.central).at_home_ref[0];
    let true_clients = truth.uptake * at_home_ref;
    let true_logit = (truth.uptake / (1.0 - truth.uptake)).ln();
    let s = scenario::load(
        &root().join("scenarios/baseline.toml"),
        &["run.iterations=400".into(), "run.horizon=2018".into()],
    )
    .unwrap();
    let mut inputs = read_inputs(&s).unwrap();
    let (mut covered, mut within_2se) = (0, 0);
    let mut report = Vec::new();
    for seed in 1..=10 {
        inputs.chains = generate(&truth, model.at_home_per_65plus, seed);
        let m = Model::build(s.clone(), &inputs).unwrap();
        let q = base_year_quantiles(&m, Metric::ClientsInCare);
        let u = &m.pooled.uptake;
        let inside = q[1] <= true_clients && true_clients <= q[5];
        let close = (u.mean - true_logit).abs() <= 2.0 * u.se;
        covered += inside as usize;
        within_2se += close as usize;
        report.push(format!(
            "seed {seed}: 90% [{:.0}, {:.0}] truth {true_clients:.0}; logit uptake {:.3} ± {:.3} truth {true_logit:.3}",
            q[1], q[5], u.mean, u.se
        ));
        // The hazards are recovered too (their truth is the median chain's).
        let hd = m.pooled.hazard_institution.mean.exp();
        assert!(
            (hd / truth.hazard_institution - 1.0).abs() < 0.25,
            "seed {seed}: {hd}"
        );
    }
    let report = report.join("\n");
    assert!(covered >= 8, "covered {covered}/10\n{report}");
    assert!(within_2se >= 9, "within 2 se {within_2se}/10\n{report}");
    println!("{report}");
}

/// People with dementia in 2018 against published national estimates: Alzheimer Europe
/// Yearbook 2019 (256,532 in 2018) and Alzheimer Nederland (263,000 in 2017, 290,000 in 2021,
/// so about 270,000 in 2018 by linear interpolation).
#[test]
fn people_with_dementia_2018_matches_published_estimates() {
    let model = baseline(&["run.iterations=500", "run.horizon=2018"]);
    let q = base_year_quantiles(&model, Metric::PeopleWithDementia);
    let median = q[3];
    for (published, source) in [
        (256_532.0, "Alzheimer Europe 2018"),
        (
            263_000.0 + (290_000.0 - 263_000.0) / 4.0,
            "Alzheimer Nederland 2018 (interpolated)",
        ),
    ] {
        let rel = median / published - 1.0;
        assert!(
            rel.abs() <= 0.10,
            "{source}: {published} vs {median:.0} ({:+.1}%)",
            rel * 100.0
        );
    }
}

/// People with dementia at constant rates are those with the prevalence trend left out: equal in
/// the base year, in every iteration and year the trended figure is the constant-rates figure
/// times the trend's factor, so with the baseline's trend prior (−13% to 0 per decade) the
/// constant-rates median lies above the trended one; with the trend fixed at zero they agree.
#[test]
fn people_with_dementia_at_constant_rates_leave_out_the_trend() {
    let (pwd, constant) = (
        Metric::PeopleWithDementia,
        Metric::PeopleWithDementiaConstantRates,
    );
    let model = baseline(&["run.iterations=300", "run.horizon=2040"]);
    let mut below = 0;
    for i in 0..300 {
        let r = simulate::iterate(&model, i);
        let t = r.parameters.prevalence_trend_per_decade;
        assert!((-0.13..=0.0).contains(&t), "iteration {i}: trend {t}");
        assert_eq!(r.value(constant, 0), r.value(pwd, 0), "iteration {i}");
        for y in 1..r.yearly.len() {
            let (c, d) = (r.value(constant, y), r.value(pwd, y));
            let factor = (1.0 + t).powf(y as f64 / 10.0);
            assert!(
                (c * factor / d - 1.0).abs() < 1e-9,
                "iteration {i}, year {y}: {c} x {factor} vs {d}"
            );
            assert!(c >= d, "iteration {i}, year {y}: {c} < {d}");
        }
        below += usize::from(r.value(pwd, 22) < r.value(constant, 22));
    }
    assert!(
        below >= 290,
        "trended below constant rates in {below} of 300"
    );

    let summary = summarise(&model, &simulate::run_prior(&model, 0, &|| {}).unwrap());
    let stats = |m: Metric, year: i32| {
        summary
            .iter()
            .find(|r| r.metric == m.as_str() && r.period == year.to_string())
            .unwrap_or_else(|| panic!("{} {year} in the summary", m.as_str()))
            .stats
    };
    assert_eq!(stats(constant, 2018), stats(pwd, 2018));
    for year in [2025, 2030, 2040] {
        let (c, d) = (stats(constant, year)[3], stats(pwd, year)[3]);
        assert!(
            c > d * 1.005,
            "{year}: median {c} at constant rates, {d} with the trend"
        );
    }

    let flat = baseline(&[
        "run.iterations=20",
        "run.horizon=2030",
        "parameters.prevalence_trend_per_decade=0",
    ]);
    for i in 0..20 {
        let r = simulate::iterate(&flat, i);
        for y in 0..r.yearly.len() {
            assert_eq!(
                r.value(constant, y),
                r.value(pwd, y),
                "iteration {i}, year {y}"
            );
        }
    }
}

/// The shipped illustrative chains are labelled as such and pass their checks.
#[test]
fn shipped_chains_are_illustrative_and_consistent() {
    let model = baseline(&["run.iterations=10", "run.horizon=2018"]);
    assert!(model.chains.len() >= 5);
    for c in &model.chains {
        assert!(c.chain.starts_with("illustrative_"));
        assert!(c.periods >= 8);
        assert_eq!(c.flow_imbalance, 0.0);
        // Little's law in the data photo: stock ≈ inflow × duration within 15%.
        let stock = c.inflow / c.years * c.mean_duration_years;
        assert!(
            (stock / c.mean_clients - 1.0).abs() < 0.15,
            "{}: {stock} vs {}",
            c.chain,
            c.mean_clients
        );
        // The chain's study is its logit uptake, with the binomial variance 1/x + 1/(n − x).
        let s = uptake_study(c);
        let logit = (c.uptake / (1.0 - c.uptake)).ln();
        let v = 1.0 / c.mean_clients + 1.0 / (c.at_home - c.mean_clients);
        assert!(
            (s.y - logit).abs() < 1e-9,
            "{}: {} vs {logit}",
            c.chain,
            s.y
        );
        assert!((s.v / v - 1.0).abs() < 1e-9, "{}: {} vs {v}", c.chain, s.v);
    }
}

/// Same seed → identical results; another seed → different results.
#[test]
fn results_repeat_for_a_seed() {
    let a = baseline(&["run.iterations=50", "run.horizon=2020"]);
    let b = baseline(&["run.iterations=50", "run.horizon=2020", "run.seed=99"]);
    let ra = summarise(&a, &simulate::run_prior(&a, 1, &|| {}).unwrap());
    let ra2 = summarise(&a, &simulate::run_prior(&a, 2, &|| {}).unwrap());
    let rb = summarise(&b, &simulate::run_prior(&b, 2, &|| {}).unwrap());
    assert_eq!(ra, ra2);
    assert_ne!(ra, rb);
}

/// Issue 9: the order of the chains (and of their periods) in the data photo does not matter:
/// the rows reversed give byte-identical tables.
#[test]
fn order_of_chain_rows_is_irrelevant() {
    use crate::util::{root, WorkDir};
    let w = WorkDir::new("chain-order");
    let shipped =
        std::fs::read_to_string(root().join("data/chains/illustrative_chains.csv")).unwrap();
    let mut lines: Vec<&str> = shipped.lines().collect();
    lines[1..].reverse();
    let reversed = w.write("reversed.csv", &(lines.join("\n") + "\n"));
    let run = |chains: &std::path::Path, tag: &str| {
        let dir = crate::util::run_with_chains(&w, chains, tag);
        ["summary.csv", "monthly.csv", "chains.csv", "pooling.csv"]
            .map(|f| std::fs::read(dir.join(f)).unwrap())
    };
    let original = run(&root().join("data/chains/illustrative_chains.csv"), "a");
    assert_eq!(original, run(&reversed, "b"));
}
