//! The data photo of regional dementia chains: one record per chain per period, and the rates derived per chain: person-years, exit hazards, duration, inflow rate, uptake,
//! caseload, waiting share and flow imbalance.

use std::collections::HashMap;

use crate::data::{ChainRecord, ChainsError, Note};

/// Derived rates of one chain (rates per year).
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRates {
    pub chain: String,
    pub periods: usize,
    pub years: f64,
    pub population_65plus: f64,
    /// People with dementia living at home in the chain's region (at the scenario's central values).
    pub at_home: f64,
    pub person_years: f64,
    /// Time-weighted mean number of clients.
    pub mean_clients: f64,
    pub inflow: f64,
    pub outflow_death: f64,
    pub outflow_institution: f64,
    pub outflow_other: f64,
    pub uptake: f64,
    pub inflow_rate: f64,
    pub hazard_death: f64,
    pub hazard_institution: f64,
    pub hazard_other: f64,
    pub mean_duration_years: f64,
    pub caseload: f64,
    pub waiting_share: f64,
    /// Sum over periods of `clients_end − (clients_start + inflow − outflow)`.
    pub flow_imbalance: f64,
    /// Largest |imbalance| of one period as a share of the mean clients.
    pub max_period_imbalance_share: f64,
    /// Sum of `waiting_end` and `clients_end` over periods (for the pooled waiting share).
    pub waiting_end_total: f64,
    pub clients_end_total: f64,
    pub fte_total: f64,
}

/// Derive per-chain rates. `at_home_per_65plus` turns a region's inhabitants 65+ into people
/// with dementia living at home (national crude 65+ prevalence × share at home, central values).
/// `max_imbalance` is the tolerance for a period's flow imbalance as a share of mean clients.
///
/// # Errors
/// A period whose flows do not add up beyond the tolerance, overlapping periods, or a chain
/// without clients.
pub fn derive_rates(
    records: &[ChainRecord],
    at_home_per_65plus: f64,
    max_imbalance: f64,
) -> Result<Vec<ChainRates>, ChainsError> {
    if records.is_empty() {
        return Err(ChainsError::Empty);
    }
    // Group by chain in one pass (a map from id to group), so the work grows linearly with the
    // records; then order the chains by id, so that the order of rows in the data photo never
    // changes a result (sums over chains run in one order).
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<&ChainRecord>)> = Vec::new();
    for r in records {
        let i = *index.entry(r.chain.as_str()).or_insert_with(|| {
            groups.push((r.chain.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    groups.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::with_capacity(groups.len());
    for (name, mut rows) in groups {
        rows.sort_by_key(|r| r.period_start);
        for pair in rows.windows(2) {
            if pair[1].period_start <= pair[0].period_end {
                return Err(ChainsError::Overlap {
                    file: pair[1].source.clone(),
                    line: pair[1].line,
                    chain: name.to_string(),
                    start: pair[1].period_start,
                    end: pair[1].period_end,
                });
            }
        }
        let sum = |f: fn(&ChainRecord) -> f64| rows.iter().map(|r| f(r)).sum::<f64>();
        let years = sum(ChainRecord::years);
        let person_years = sum(|r| (r.clients_start + r.clients_end) / 2.0 * r.years());
        if person_years <= 0.0 {
            return Err(ChainsError::NoClients {
                file: rows[0].source.clone(),
                chain: name.to_string(),
            });
        }
        let mean_clients = person_years / years;
        for r in &rows {
            let share = r.imbalance().abs() / mean_clients;
            if share > max_imbalance {
                return Err(ChainsError::Imbalance {
                    file: r.source.clone(),
                    line: r.line,
                    chain: name.to_string(),
                    clients_end: r.clients_end,
                    expected: r.clients_end - r.imbalance(),
                    share: share * 100.0,
                    tolerance: max_imbalance * 100.0,
                });
            }
        }
        let population_65plus = sum(|r| r.population_65plus * r.years()) / years;
        let at_home = population_65plus * at_home_per_65plus;
        let (death, inst, other, inflow) = (
            sum(|r| r.outflow_death),
            sum(|r| r.outflow_institution),
            sum(|r| r.outflow_other),
            sum(|r| r.inflow),
        );
        let (hd, hi, ho) = (
            death / person_years,
            inst / person_years,
            other / person_years,
        );
        let clients_end_total = sum(|r| r.clients_end);
        let fte_total = sum(|r| r.fte);
        let waiting_end_total = sum(|r| r.waiting_end);
        out.push(ChainRates {
            chain: name.to_string(),
            periods: rows.len(),
            years,
            population_65plus,
            at_home,
            person_years,
            mean_clients,
            inflow,
            outflow_death: death,
            outflow_institution: inst,
            outflow_other: other,
            uptake: mean_clients / at_home,
            inflow_rate: inflow / (at_home * years),
            hazard_death: hd,
            hazard_institution: hi,
            hazard_other: ho,
            mean_duration_years: 1.0 / (hd + hi + ho),
            caseload: if fte_total > 0.0 {
                clients_end_total / fte_total
            } else {
                f64::NAN
            },
            waiting_share: if clients_end_total > 0.0 {
                waiting_end_total / clients_end_total
            } else {
                0.0
            },
            flow_imbalance: sum(ChainRecord::imbalance),
            max_period_imbalance_share: rows
                .iter()
                .map(|r| r.imbalance().abs() / mean_clients)
                .fold(0.0, f64::max),
            waiting_end_total,
            clients_end_total,
            fte_total,
        });
    }
    Ok(out)
}

/// Uptake more than this many robust standard deviations (1.4826 × MAD) from the median of
/// log-uptake marks a chain as an outlier.
pub const UPTAKE_OUTLIER_MADS: f64 = 3.0;

/// One warning naming the chains whose uptake lies far from the others': more than
/// `UPTAKE_OUTLIER_MADS` robust standard deviations from the median on the log scale (at least
/// 0.1 on that scale, so near-identical chains raise nothing). Scale-free, so it holds whatever
/// converts a region's inhabitants 65+ to people at home. Needs three chains; names at most five.
pub fn uptake_outliers(rates: &[ChainRates]) -> Option<Note> {
    let logs: Vec<(&ChainRates, f64)> = rates
        .iter()
        .filter(|r| r.uptake > 0.0 && r.uptake.is_finite())
        .map(|r| (r, r.uptake.ln()))
        .collect();
    if logs.len() < 3 {
        return None;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let centre = median(logs.iter().map(|(_, x)| *x).collect());
    let mad = median(logs.iter().map(|(_, x)| (x - centre).abs()).collect());
    let spread = (1.4826 * mad).max(0.1);
    let outliers: Vec<(String, f64)> = logs
        .iter()
        .filter(|(_, x)| (x - centre).abs() > UPTAKE_OUTLIER_MADS * spread)
        .map(|(r, x)| (r.chain.clone(), (x - centre).exp()))
        .collect();
    (!outliers.is_empty()).then_some(Note::UptakeOutliers {
        chains: logs.len(),
        mads: UPTAKE_OUTLIER_MADS,
        outliers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Date, DAYS_PER_YEAR};

    fn record(
        chain: &str,
        start: &str,
        end: &str,
        cs: f64,
        inflow: f64,
        out: [f64; 3],
    ) -> ChainRecord {
        ChainRecord {
            source: "t.csv".into(),
            line: 2,
            chain: chain.into(),
            period_start: Date::parse(start).unwrap(),
            period_end: Date::parse(end).unwrap(),
            population_65plus: 10_000.0,
            clients_start: cs,
            clients_end: cs + inflow - out.iter().sum::<f64>(),
            inflow,
            outflow_death: out[0],
            outflow_institution: out[1],
            outflow_other: out[2],
            waiting_end: 3.0,
            fte: 2.0,
        }
    }

    #[test]
    fn dates_count_days_inclusively() {
        let r = record("a", "2016-01-01", "2016-12-31", 100.0, 0.0, [0.0; 3]);
        assert!((r.years() - 366.0 / DAYS_PER_YEAR).abs() < 1e-12);
        assert!(Date::parse("2017-02-29").is_err());
        assert!(Date::parse("2016-02-29").is_ok());
        assert!(Date::parse("16-02-01").is_err());
    }

    #[test]
    fn rates_follow_their_definitions() {
        let recs = vec![
            record(
                "a",
                "2017-01-01",
                "2017-06-30",
                100.0,
                20.0,
                [5.0, 4.0, 1.0],
            ),
            record(
                "a",
                "2017-07-01",
                "2017-12-31",
                110.0,
                10.0,
                [6.0, 3.0, 1.0],
            ),
        ];
        let rates = derive_rates(&recs, 0.05, 0.05).unwrap();
        let a = &rates[0];
        let y1 = recs[0].years();
        let y2 = recs[1].years();
        let t = 105.0 * y1 + 110.0 * y2;
        assert!((a.person_years - t).abs() < 1e-9);
        assert!((a.hazard_death - 11.0 / t).abs() < 1e-12);
        assert!((a.at_home - 500.0).abs() < 1e-9);
        assert!((a.uptake - t / (y1 + y2) / 500.0).abs() < 1e-12);
        assert!((a.inflow_rate - 30.0 / (500.0 * (y1 + y2))).abs() < 1e-12);
        assert!((a.caseload - (110.0 + 110.0) / 4.0).abs() < 1e-12);
        assert_eq!(a.flow_imbalance, 0.0);
    }

    #[test]
    fn one_chain_far_from_the_others_is_an_uptake_outlier() {
        let chains = |clients: &[f64]| -> Vec<ChainRates> {
            let recs: Vec<ChainRecord> = clients
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let mut r = record("x", "2017-01-01", "2017-12-31", c, 0.0, [0.0; 3]);
                    r.chain = format!("c{i}");
                    r
                })
                .collect();
            derive_rates(&recs, 0.05, 0.05).unwrap()
        };
        let calm = chains(&[100.0, 110.0, 95.0, 105.0, 120.0]);
        assert_eq!(uptake_outliers(&calm), None);
        let wild = uptake_outliers(&chains(&[100.0, 110.0, 95.0, 105.0, 480.0])).unwrap();
        let Note::UptakeOutliers {
            chains: n,
            outliers,
            ..
        } = wild
        else {
            panic!("{wild:?}")
        };
        assert_eq!((n, outliers.len(), outliers[0].0.as_str()), (5, 1, "c4"));
        assert!((outliers[0].1 - 4.57).abs() < 0.005, "{outliers:?}");
        let many = uptake_outliers(&chains(&[
            100.0, 101.0, 99.0, 100.0, 100.0, 100.0, 400.0, 400.0, 20.0, 20.0, 400.0, 20.0, 100.0,
            100.0, 100.0,
        ]))
        .unwrap();
        assert!(
            matches!(&many, Note::UptakeOutliers { chains: 15, outliers, .. } if outliers.len() == 6),
            "{many:?}"
        );
        // Two chains give no basis for calling one of them odd.
        assert_eq!(uptake_outliers(&chains(&[100.0, 900.0])), None);
    }

    #[test]
    fn chains_come_in_id_order_whatever_the_order_of_rows() {
        let a1 = record("a", "2017-01-01", "2017-06-30", 100.0, 0.0, [0.0; 3]);
        let b1 = record("b", "2017-01-01", "2017-06-30", 200.0, 0.0, [0.0; 3]);
        let a2 = record("a", "2017-07-01", "2017-12-31", 100.0, 0.0, [0.0; 3]);
        let rates = derive_rates(&[b1.clone(), a2.clone(), a1.clone()], 0.05, 0.05).unwrap();
        assert_eq!(
            rates.iter().map(|r| r.chain.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!((rates[0].periods, rates[1].periods), (2, 1));
        assert_eq!(rates, derive_rates(&[a1, a2, b1], 0.05, 0.05).unwrap());
    }

    #[test]
    fn imbalance_beyond_tolerance_names_file_line_and_chain() {
        let mut r = record(
            "north",
            "2017-01-01",
            "2017-03-31",
            100.0,
            10.0,
            [1.0, 1.0, 1.0],
        );
        r.clients_end += 20.0;
        let err = derive_rates(&[r], 0.05, 0.05).unwrap_err().to_string();
        assert!(
            err.starts_with("t.csv: line 2: chain north: flows do not add up"),
            "{err}"
        );
    }
}
