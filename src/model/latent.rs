//! Where each part of a particle's latent vector sits: the scenario parameters, the pooled
//! rates, the waiting share, the regional effects and the drivers' steps at each yearly knot.

use crate::model::pooling::JOINT_RATES;
use crate::model::projection::REGIONS;
use crate::scenario::Parameters;

/// Keys of the time-varying drivers' innovation streams (history; `future.` + key after the
/// policy start): referral, capacity, leaving the list.
pub const DRIVER_KEYS: [&str; 3] = ["drivers.referral", "drivers.capacity", "drivers.leave_list"];

/// Knots of the drivers a projection of `months` months reads (0, the base year, included).
pub fn knots_for(months: usize) -> usize {
    if months == 0 {
        1
    } else {
        (months - 1) / 12 + 2
    }
}

/// Scenario parameters, in [`Parameters::NAMES`] order.
pub fn parameters() -> std::ops::Range<usize> {
    0..Parameters::NAMES.len()
}
/// Per pooled rate: the normal behind τ, then the one behind the mean (made correlated).
pub fn pooled(rate: usize) -> (usize, usize) {
    let p = Parameters::NAMES.len();
    (p + 2 * rate, p + 2 * rate + 1)
}
pub fn waiting_share() -> usize {
    Parameters::NAMES.len() + 2 * JOINT_RATES
}
pub fn regions() -> std::ops::Range<usize> {
    waiting_share() + 1..waiting_share() + 1 + REGIONS
}
/// The innovation of driver `driver` (in [`DRIVER_KEYS`] order) at knot `knot`
/// (1 to `knots`, the history's knots).
pub fn driver(knots: usize, driver: usize, knot: usize) -> usize {
    debug_assert!((1..=knots).contains(&knot));
    regions().end + driver * knots + knot - 1
}
pub fn dim(knots: usize) -> usize {
    regions().end + DRIVER_KEYS.len() * knots
}
