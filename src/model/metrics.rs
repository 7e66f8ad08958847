//! The reported metrics: one `Metric` enum that knows its column name, which metrics have a
//! monthly series, and the key metrics that `draws.parquet` keeps and `compare` pairs.

macro_rules! metrics {
    ($name:ident, $count:ident: $( $variant:ident = $text:literal ),* $(,)?) => {
        /// A reported metric.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $variant ),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$( $name::$variant ),*];
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text ),* }
            }
        }
        pub(crate) const $count: usize = [$( $text ),*].len();
    };
}

metrics! {
    Metric, N_METRICS:
    PeopleWithDementia = "people_with_dementia",
    PeopleWithDementiaConstantRates = "people_with_dementia_constant_rates",
    AtHome = "at_home",
    Need = "need",
    ClientsInCare = "clients_in_care",
    NeedGap = "need_gap",
    ClientsExtrapolated = "clients_extrapolated",
    Coverage = "coverage",
    WaitingList = "waiting_list",
    WaitingListMean = "waiting_list_mean",
    WaitingOverNorm = "waiting_over_norm",
    Arrivals = "arrivals",
    Admissions = "admissions",
    ExitsDeath = "exits_death",
    ExitsInstitution = "exits_institution",
    ExitsOther = "exits_other",
    LostWhileWaiting = "lost_while_waiting",
    LeftWaitingList = "left_waiting_list",
    DeterredReferrals = "deterred_referrals",
    UnmetDemand = "unmet_demand",
    MeanWaitWeeks = "mean_wait_weeks",
    StatedWaitWeeks = "stated_wait_weeks",
    ShareWaitingOverNorm = "share_waiting_over_norm",
    ShareAdmittedWithinNorm = "share_admitted_within_4_weeks",
    CaseloadStretch = "caseload_stretch",
    FteAvailable = "fte_available",
    FteNeeded = "fte_needed",
    FteGap = "fte_gap",
    FteNeededZorgstandaard = "fte_needed_zorgstandaard",
    FteRecruitmentZorgstandaard = "fte_recruitment_zorgstandaard",
    CostEur = "cost_eur",
    CostEurZorgstandaard = "cost_eur_zorgstandaard",
}

/// Number of metrics with a monthly series.
pub(crate) const N_MONTHLY: usize = Metric::MONTHLY.len();

impl Metric {
    /// Key metrics: `draws.parquet` keeps them at the horizon (every metric at the base year, and
    /// the waiting list in every year), and `compare` pairs them.
    pub const KEY: &'static [Metric] = &[
        Metric::PeopleWithDementia,
        Metric::Need,
        Metric::ClientsInCare,
        Metric::NeedGap,
        Metric::WaitingList,
        Metric::WaitingListMean,
        Metric::LostWhileWaiting,
        Metric::UnmetDemand,
        Metric::MeanWaitWeeks,
        Metric::FteAvailable,
        Metric::FteNeeded,
        Metric::FteGap,
        Metric::CostEur,
    ];

    /// Metrics with a monthly series (`monthly.csv`), in their order there.
    pub const MONTHLY: [Metric; 8] = [
        Metric::ClientsInCare,
        Metric::WaitingList,
        Metric::Arrivals,
        Metric::Admissions,
        Metric::LostWhileWaiting,
        Metric::FteAvailable,
        Metric::FteNeeded,
        Metric::CostEur,
    ];

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
}
