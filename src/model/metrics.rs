//! The vocabulary of reported metrics: one line per metric with its column name, its unit, which
//! series the run keeps of it and, for a metric the national record can measure, the observation
//! model's error. Everything downstream looks metrics up by this type, never by string.

/// What a metric counts: its label in the workbook and its rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A stock of people (on 1 January, on a census date, or its mean over the year).
    People,
    /// A flow of people over the year.
    PeoplePerYear,
    Fte,
    EuroPerYear,
    Weeks,
    /// A share between 0 and 1.
    Share,
    /// A ratio of two like quantities (e.g. clients per FTE against the standard caseload).
    Ratio,
    /// A number without a unit (e.g. a calibrated parameter).
    Number,
}

impl Unit {
    /// Decimals a value in this unit is rounded to: people and euros whole, FTE and weeks to
    /// one decimal, shares and ratios to three; plain numbers keep four significant figures.
    pub fn decimals(self, x: f64) -> usize {
        match self {
            Unit::People | Unit::PeoplePerYear | Unit::EuroPerYear => 0,
            Unit::Fte | Unit::Weeks => 1,
            Unit::Share | Unit::Ratio => 3,
            Unit::Number => sig_decimals(x, 4),
        }
    }

    /// `x` rounded as [`Unit::decimals`] says.
    pub fn round(self, x: f64) -> f64 {
        if !x.is_finite() {
            return x;
        }
        let f = 10f64.powi(self.decimals(x) as i32);
        (x * f).round() / f
    }
}

/// Round to `digits` significant figures.
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (x * factor).round() / factor
}

/// Decimals that show `digits` significant figures of `x` (none for large numbers).
pub fn sig_decimals(x: f64, digits: i32) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let magnitude = round_sig(x, digits).abs().log10().floor() as i32;
    (digits - 1 - magnitude).max(0) as usize
}

/// Which series a run keeps of a metric besides its yearly quantiles in `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Yearly quantiles only.
    Yearly,
    /// A key metric: `draws.parquet` keeps it at the horizon and `compare` pairs it.
    Key,
    /// A monthly series in `monthly.csv`.
    Monthly,
    /// Both.
    MonthlyKey,
}

impl Series {
    const fn monthly(self) -> bool {
        matches!(self, Series::Monthly | Series::MonthlyKey)
    }
    const fn key(self) -> bool {
        matches!(self, Series::Key | Series::MonthlyKey)
    }
}

macro_rules! metrics {
    ($name:ident, $count:ident:
     $( $variant:ident = $text:literal, $unit:ident, $series:ident, $sd:expr; )*) => {
        /// A reported metric.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $variant ),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$( $name::$variant ),*];
            /// Its column name in `summary.csv`, `monthly.csv`, `hindcast.csv` and the record.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text ),* }
            }
            pub const fn unit(self) -> Unit {
                match self { $( $name::$variant => Unit::$unit ),* }
            }
            pub const fn series(self) -> Series {
                match self { $( $name::$variant => Series::$series ),* }
            }
            /// The observation model's error for a published figure of this metric (the sd
            /// of its log), or None when the record cannot measure it.
            pub const fn observation_sd_log(self) -> Option<f64> {
                match self { $( $name::$variant => $sd ),* }
            }
        }
        pub(crate) const $count: usize = [$( $text ),*].len();
    };
}

// Observation errors: counts of clients and FTE come from registrations (5%); a waiting list is a
// point-in-time count whose definition differs between networks (10%); the part over the norm and
// mean waits depend on how waits are measured (20% and 25%); national prevalence estimates
// differ by method (10%).
metrics! {
    Metric, N_METRICS:
    PeopleWithDementia = "people_with_dementia", People, Key, Some(0.10);
    PeopleWithDementiaConstantRates = "people_with_dementia_constant_rates", People, Yearly, None;
    AtHome = "at_home", People, Yearly, Some(0.10);
    Need = "need", People, Key, None;
    ClientsInCare = "clients_in_care", People, MonthlyKey, Some(0.05);
    NeedGap = "need_gap", People, Key, None;
    ClientsExtrapolated = "clients_extrapolated", People, Yearly, None;
    Coverage = "coverage", Share, Yearly, None;
    WaitingList = "waiting_list", People, MonthlyKey, Some(0.10);
    WaitingListMean = "waiting_list_mean", People, Key, None;
    WaitingOverNorm = "waiting_over_norm", People, Yearly, Some(0.20);
    Arrivals = "arrivals", PeoplePerYear, Monthly, None;
    Admissions = "admissions", PeoplePerYear, Monthly, None;
    ExitsDeath = "exits_death", PeoplePerYear, Yearly, None;
    ExitsInstitution = "exits_institution", PeoplePerYear, Yearly, None;
    ExitsOther = "exits_other", PeoplePerYear, Yearly, None;
    LostWhileWaiting = "lost_while_waiting", PeoplePerYear, MonthlyKey, None;
    LeftWaitingList = "left_waiting_list", PeoplePerYear, Yearly, None;
    DeterredReferrals = "deterred_referrals", PeoplePerYear, Yearly, None;
    UnmetDemand = "unmet_demand", PeoplePerYear, Key, None;
    MeanWaitWeeks = "mean_wait_weeks", Weeks, Key, Some(0.25);
    StatedWaitWeeks = "stated_wait_weeks", Weeks, Yearly, Some(0.25);
    ShareWaitingOverNorm = "share_waiting_over_norm", Share, Yearly, None;
    ShareAdmittedWithinNorm = "share_admitted_within_4_weeks", Share, Yearly, None;
    CaseloadStretch = "caseload_stretch", Ratio, Yearly, None;
    FteAvailable = "fte_available", Fte, MonthlyKey, Some(0.05);
    FteNeeded = "fte_needed", Fte, MonthlyKey, None;
    FteGap = "fte_gap", Fte, Key, None;
    FteNeededZorgstandaard = "fte_needed_zorgstandaard", Fte, Yearly, None;
    FteRecruitmentZorgstandaard = "fte_recruitment_zorgstandaard", Fte, Yearly, None;
    CostEur = "cost_eur", EuroPerYear, MonthlyKey, None;
    CostEurZorgstandaard = "cost_eur_zorgstandaard", EuroPerYear, Yearly, None;
    CaseManagers = "case_managers", People, Key, None;
    Leavers = "leavers", PeoplePerYear, Yearly, None;
    TraineesStarted = "trainees_started", PeoplePerYear, Yearly, None;
    TraineesQualified = "trainees_qualified", PeoplePerYear, Yearly, None;
    Hires = "hires", PeoplePerYear, Yearly, None;
}

/// Number of metrics with a monthly series.
pub(crate) const N_MONTHLY: usize = count(true);
const N_KEY: usize = count(false);

/// Whether metric `i` of the registry has a monthly series (`monthly`) or is a key metric.
const fn selected(i: usize, monthly: bool) -> bool {
    let s = Metric::ALL[i].series();
    if monthly {
        s.monthly()
    } else {
        s.key()
    }
}

/// Metrics with a monthly series (`monthly`) or key metrics, counted at compile time.
const fn count(monthly: bool) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < Metric::ALL.len() {
        if selected(i, monthly) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The metrics of [`count`], in registry order.
const fn select<const N: usize>(monthly: bool) -> [Metric; N] {
    let mut out = [Metric::PeopleWithDementia; N];
    let (mut i, mut n) = (0, 0);
    while i < Metric::ALL.len() {
        if selected(i, monthly) {
            out[n] = Metric::ALL[i];
            n += 1;
        }
        i += 1;
    }
    out
}

const KEY_METRICS: [Metric; N_KEY] = select(false);

impl Metric {
    /// Key metrics: `draws.parquet` keeps them at the horizon (every metric at the base year, and
    /// the waiting list in every year), and `compare` pairs them.
    pub const KEY: &'static [Metric] = &KEY_METRICS;

    /// Metrics with a monthly series (`monthly.csv`), in their order there.
    pub const MONTHLY: [Metric; N_MONTHLY] = select(true);

    /// The metric of a column name, e.g. of a row of `summary.csv` read back or of the record.
    pub fn parse(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.as_str() == name)
    }

    /// Position in [`Metric::MONTHLY`], if the metric has a monthly series (`const`, so calls
    /// with a known metric cost nothing in the monthly loop).
    pub const fn monthly_index(self) -> Option<usize> {
        let mut i = 0;
        while i < Self::MONTHLY.len() {
            if Self::MONTHLY[i] as usize == self as usize {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// Only meaningful in the base year.
    pub fn base_year_only(self) -> bool {
        matches!(self, Metric::ClientsExtrapolated)
    }

    /// A yearly mean of a monthly quantity (a published mean wait is its year's): an observation
    /// of it needs the whole year in the projection.
    pub fn is_year_mean(self) -> bool {
        self.unit() == Unit::Weeks
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_lists_follow_the_registry() {
        assert_eq!(
            Metric::MONTHLY,
            [
                Metric::ClientsInCare,
                Metric::WaitingList,
                Metric::Arrivals,
                Metric::Admissions,
                Metric::LostWhileWaiting,
                Metric::FteAvailable,
                Metric::FteNeeded,
                Metric::CostEur,
            ]
        );
        assert_eq!(Metric::KEY.len(), 14);
        for &m in Metric::ALL {
            assert_eq!(Metric::parse(m.as_str()), Some(m));
            assert_eq!(Metric::KEY.contains(&m), m.series().key(), "{m}");
        }
        assert_eq!(Metric::parse("wating_list"), None);
    }
}
