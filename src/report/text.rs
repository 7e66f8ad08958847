//! Words from the catalog (`catalog.rs`): sentences are Markdown with named `{placeholders}`,
//! filled by [`Msg::fill`] (or the `say!` macro), numbers arriving already formatted by
//! `format`; and the labels of metrics, units and drivers.

use std::fmt::Display;

pub use super::catalog::{Lang, Msg};
use crate::data::{InputFormat, Note, TextEncoding};
use crate::model::metrics::{Metric, Unit};

impl Msg {
    /// The message with every `{name}` replaced by its value from `args`. A placeholder without
    /// a value stays as it is, so a missing argument shows in the text (and fails the tests).
    pub fn fill(self, lang: Lang, args: &[(&str, &dyn Display)]) -> String {
        let template = self.get(lang);
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return out;
            };
            let name = &after[..close];
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(&value.to_string()),
                None => out.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The names of the message's placeholders, in order.
    pub fn placeholders(self, lang: Lang) -> Vec<&'static str> {
        let text = self.get(lang);
        text.match_indices('{')
            .filter_map(|(i, _)| text[i + 1..].find('}').map(|j| &text[i + 1..i + 1 + j]))
            .collect()
    }
}

/// A message filled with named values: `say!(lang, KeyPeople, year = b, pwd = text)`.
macro_rules! say {
    ($lang:expr, $key:ident $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::report::text::Msg::$key.fill(
            $lang,
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
}
pub(crate) use say;

/// A metric's name for readers. Exhaustive: a metric without a label does not compile.
pub fn metric_label(metric: Metric, lang: Lang) -> &'static str {
    let key = match metric {
        Metric::PeopleWithDementia => Msg::MetricPeopleWithDementia,
        Metric::PeopleWithDementiaConstantRates => Msg::MetricPeopleWithDementiaConstantRates,
        Metric::AtHome => Msg::ColAtHome,
        Metric::Need => Msg::ColNeed,
        Metric::ClientsInCare => Msg::ColClients,
        Metric::NeedGap => Msg::MetricNeedGap,
        Metric::ClientsExtrapolated => Msg::MetricClientsExtrapolated,
        Metric::Coverage => Msg::MetricCoverage,
        Metric::WaitingList => Msg::ColWaitingList,
        Metric::WaitingListMean => Msg::MetricWaitingListMean,
        Metric::WaitingOverNorm => Msg::MetricWaitingOverNorm,
        Metric::Arrivals => Msg::MetricArrivals,
        Metric::Admissions => Msg::MetricAdmissions,
        Metric::ExitsDeath => Msg::ColOutDied,
        Metric::ExitsInstitution => Msg::ColOutInstitution,
        Metric::ExitsOther => Msg::ColOutOther,
        Metric::LostWhileWaiting => Msg::ColLostWhileWaiting,
        Metric::LeftWaitingList => Msg::MetricLeftWaitingList,
        Metric::DeterredReferrals => Msg::MetricDeterredReferrals,
        Metric::UnmetDemand => Msg::MetricUnmetDemand,
        Metric::MeanWaitWeeks => Msg::MetricMeanWaitWeeks,
        Metric::StatedWaitWeeks => Msg::MetricStatedWaitWeeks,
        Metric::ShareWaitingOverNorm => Msg::MetricShareOverNorm,
        Metric::ShareAdmittedWithinNorm => Msg::MetricShareWithin4Weeks,
        Metric::CaseloadStretch => Msg::MetricCaseloadStretch,
        Metric::FteAvailable => Msg::ColFteAvailable,
        Metric::FteNeeded => Msg::ColFteNeeded,
        Metric::FteGap => Msg::MetricFteGap,
        Metric::FteNeededZorgstandaard => Msg::MetricFteNeededZorgstandaard,
        Metric::FteRecruitmentZorgstandaard => Msg::MetricFteRecruitmentZorgstandaard,
        Metric::CostEur => Msg::ColCost,
        Metric::CostEurZorgstandaard => Msg::MetricCostZorgstandaard,
        Metric::CaseManagers => Msg::MetricCaseManagers,
        Metric::Leavers => Msg::MetricLeavers,
        Metric::TraineesStarted => Msg::MetricTraineesStarted,
        Metric::TraineesQualified => Msg::MetricTraineesQualified,
        Metric::Hires => Msg::MetricHires,
    };
    key.get(lang)
}

/// A unit's name for readers.
pub fn unit_label(unit: Unit, lang: Lang) -> &'static str {
    match unit {
        Unit::People => Msg::UnitPeople,
        Unit::PeoplePerYear => Msg::UnitPeoplePerYear,
        Unit::Fte => Msg::UnitFte,
        Unit::EuroPerYear => Msg::UnitEuroPerYear,
        Unit::Weeks => Msg::UnitWeeks,
        Unit::Share => Msg::UnitShare,
        Unit::Ratio => Msg::UnitRatio,
        Unit::Number => Msg::UnitNumber,
    }
    .get(lang)
}

/// A driver's (uncertain input's) name for readers, by its `draws.parquet` column.
pub fn driver_label(name: &str, lang: Lang) -> &'static str {
    let key = match name {
        "prevalence_multiplier" => Msg::DriverPrevalenceMultiplier,
        "prevalence_trend_per_decade" => Msg::DriverPrevalenceTrend,
        "share_at_home" => Msg::DriverShareAtHome,
        "diagnosed_share" => Msg::DriverDiagnosedShare,
        "need_share" => Msg::DriverNeedShare,
        "caseload" => Msg::DriverCaseload,
        "hours_per_client_month" => Msg::DriverHours,
        "tariff_per_hour" => Msg::DriverTariff,
        "cost_index_per_year" => Msg::DriverCostIndex,
        "fte_growth_per_year" => Msg::DriverFteGrowth,
        "zorgstandaard_fraction" => Msg::DriverZorgstandaard,
        "share_intensive" => Msg::DriverShareIntensive,
        "leave_list_per_year" => Msg::DriverLeaveList,
        "leave_list_growth_per_month" => Msg::DriverLeaveListGrowth,
        "referral_elasticity" => Msg::DriverReferralElasticity,
        "caseload_stretch_max" => Msg::DriverCaseloadStretch,
        "regional_spread" => Msg::DriverRegionalSpread,
        "referral_volatility" => Msg::DriverReferralVolatility,
        "capacity_volatility" => Msg::DriverCapacityVolatility,
        "leave_list_volatility" => Msg::DriverLeaveListVolatility,
        "initial_waiting_scale" => Msg::DriverInitialWaitingScale,
        "mean_wait_definition_factor" => Msg::DriverMeanWaitDefinition,
        "turnover_per_year" => Msg::DriverTurnover,
        "retirement_per_year" => Msg::DriverRetirement,
        "part_time_factor" => Msg::DriverPartTime,
        "training_months" => Msg::DriverTrainingMonths,
        "training_completion" => Msg::DriverTrainingCompletion,
        "trained_share_of_inflow" => Msg::DriverTrainedShare,
        "pooled_uptake" => Msg::DriverUptake,
        "pooled_inflow_rate" => Msg::DriverInflow,
        "pooled_hazard_death" => Msg::DriverExitDeath,
        "pooled_hazard_institution" => Msg::DriverExitInstitution,
        "pooled_hazard_other" => Msg::DriverExitOther,
        "pooled_waiting_share" => Msg::DriverWaitingShare,
        _ => return "?",
    };
    key.get(lang)
}

/// A note in the reader's language. Numbers are written as the command line has always written
/// them (plain, a point for decimals), in both languages, so a note reads the same everywhere.
pub fn note_text(note: &Note, lang: Lang) -> String {
    match note {
        Note::ReadAs { file, format } => say!(
            lang,
            NoteReadAs,
            file = file,
            format = format_text(format, lang)
        ),
        Note::PopulationJumps {
            file,
            cells,
            threshold,
            year,
            sex,
            age,
            before,
            after,
        } => say!(
            lang,
            NotePopulationJumps,
            file = file,
            cells = cells,
            threshold = format!("{:.0}%", threshold * 100.0),
            year = year,
            sex = sex,
            age = age,
            after = after,
            before = before,
            previous = year - 1,
        ),
        Note::DistantPeriods {
            file,
            periods,
            years,
            base_year,
            line,
            start,
            end,
        } => say!(
            lang,
            NoteDistantPeriods,
            file = file,
            periods = periods,
            years = years,
            base = base_year,
            line = line,
            start = start,
            end = end,
        ),
        Note::UptakeOutliers {
            chains,
            mads,
            outliers,
        } => {
            let shown = outliers.len().min(5);
            let listed: Vec<String> = outliers[..shown]
                .iter()
                .map(|(chain, times)| {
                    say!(
                        lang,
                        NoteUptakeOutlier,
                        chain = chain,
                        times = format!("{times:.2}")
                    )
                })
                .collect();
            let more = match outliers.len() - shown {
                0 => String::new(),
                n => say!(lang, NoteAndMore, n = n),
            };
            say!(
                lang,
                NoteUptakeOutliers,
                k = outliers.len(),
                n = chains,
                mads = mads,
                chains = listed.join(", "),
                more = more,
            )
        }
        Note::OneChain { chain, prior_scale } => {
            say!(lang, NoteOneChain, chain = chain, scale = prior_scale)
        }
        Note::PriorDominates {
            chains,
            rates,
            prior_scale,
        } => say!(
            lang,
            NotePriorDominates,
            k = chains,
            rates = rates.join(", "),
            scale = prior_scale,
        ),
    }
}

/// How a file was written, in words.
pub fn format_text(format: &InputFormat, lang: Lang) -> String {
    let encoding = match format.encoding {
        TextEncoding::Utf8 => "UTF-8",
        TextEncoding::Utf8Bom => Msg::FormatBom.get(lang),
        TextEncoding::Windows1252 => "Windows-1252",
    };
    let separator = match format.separator {
        b'\t' => Msg::FormatTab.get(lang).to_string(),
        s => format!("`{}`", s as char),
    };
    let mut out = say!(
        lang,
        FormatSeparated,
        encoding = encoding,
        separator = separator
    );
    if format.decimal_comma {
        out.push_str(Msg::FormatDecimalComma.get(lang));
    }
    if format.crlf {
        out.push_str(Msg::FormatCrlf.get(lang));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_the_same_placeholders_in_every_language() {
        for &m in Msg::ALL {
            let mut nl = m.placeholders(Lang::Nl);
            let mut en = m.placeholders(Lang::En);
            nl.sort_unstable();
            en.sort_unstable();
            assert_eq!(nl, en, "{m:?}");
            for lang in Lang::ALL {
                assert!(!m.get(lang).trim().is_empty(), "{m:?} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn fill_replaces_named_placeholders_and_keeps_unknown_ones() {
        assert_eq!(
            say!(Lang::En, TornadoTitle, what = "waiting list", year = 2040),
            "What drives the waiting list in 2040?"
        );
        assert_eq!(
            Msg::TornadoTitle.fill(Lang::Nl, &[("year", &2040)]),
            "Wat bepaalt {what} in 2040?"
        );
    }

    #[test]
    fn every_driver_has_a_label() {
        for d in crate::analysis::drivers() {
            for lang in Lang::ALL {
                assert_ne!(driver_label(&d, lang), "?", "{d}");
            }
        }
    }

    #[test]
    fn every_metric_has_its_own_label_and_a_unit_in_every_language() {
        for lang in Lang::ALL {
            let mut seen = std::collections::BTreeSet::new();
            for &m in Metric::ALL {
                let label = metric_label(m, lang);
                assert!(!label.is_empty() && label != m.as_str(), "{m} in {lang:?}");
                assert!(seen.insert(label), "{m} shares its label {label:?}");
                assert!(!unit_label(m.unit(), lang).is_empty());
            }
        }
    }

    #[test]
    fn notes_are_worded_in_the_readers_language() {
        let outliers = Note::UptakeOutliers {
            chains: 15,
            mads: 3.0,
            outliers: (0..6).map(|i| (format!("c{i}"), 4.567)).collect(),
        };
        let en = note_text(&outliers, Lang::En);
        assert!(
            en.starts_with("6 of 15 chains have an uptake far outside")
                && en.contains("c0 (4.57 times the median)")
                && en.contains(" and 1 more;"),
            "{en}"
        );
        let nl = note_text(&outliers, Lang::Nl);
        assert!(
            nl.starts_with("6 van 15 ketens") && nl.contains(" en 1 meer;"),
            "{nl}"
        );
        let read = Note::ReadAs {
            file: "ketens.csv".into(),
            format: InputFormat {
                separator: b';',
                encoding: TextEncoding::Windows1252,
                decimal_comma: true,
                crlf: true,
            },
        };
        assert_eq!(
            note_text(&read, Lang::En),
            "ketens.csv: read as Windows-1252, `;`-separated, decimal commas, CRLF line ends"
        );
        assert_eq!(
            note_text(&read, Lang::Nl),
            "ketens.csv: gelezen als Windows-1252, gescheiden door `;`, decimale komma's, CRLF-regeleinden"
        );
    }
}
