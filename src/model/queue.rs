//! The waiting list of one regional queue (docs/MODEL.md §3): cohorts by month of arrival,
//! losses spread over them, first-come-first-served admissions timed by the month's clock
//! ([`MonthClock`]), and the share that has waited longer than a norm.

use crate::model::clock::MonthClock;
use crate::model::samplers::floor;

/// Months of arrival kept as separate cohorts; people who have waited longer share one bucket.
pub const COHORT_WINDOW: usize = 36;

/// Share of a cohort with lag `k` (months between arrival month and now, arrivals spread
/// uniformly over their month) that has waited longer than `norm_months` at the month's end.
pub fn over_norm_at(lag: f64, norm_months: f64) -> f64 {
    (lag + 1.0 - norm_months).clamp(0.0, 1.0)
}

/// The waiting list as cohorts by month of arrival in a fixed ring of [`COHORT_WINDOW`] months,
/// plus one bucket for everyone who arrived before the window (count and mean arrival month).
///
/// Exact as long as nobody waits longer than the window: counts, losses, first-come-first-served
/// admissions, the wait of the admitted and the share over a norm below the window. Beyond it,
/// admissions from the old bucket are credited with its mean arrival month (so the total wait
/// of all admitted stays exact, its split over months does not), and the bucket counts as over
/// the norm when its mean wait is.
#[derive(Debug, Clone)]
pub struct WaitingList {
    /// Count of arrival month `a` in slot `a mod WINDOW`, for `oldest ≤ a ≤ newest`.
    pub(crate) ring: [u64; COHORT_WINDOW],
    oldest: i64,
    newest: i64,
    pub(crate) old_count: u64,
    pub(crate) old_mean_arrival: f64,
    pub total: u64,
}

impl Default for WaitingList {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitingList {
    pub fn new() -> Self {
        WaitingList {
            ring: [0; COHORT_WINDOW],
            oldest: 0,
            newest: -1,
            old_count: 0,
            old_mean_arrival: 0.0,
            total: 0,
        }
    }

    pub(crate) fn slot(month: i64) -> usize {
        month.rem_euclid(COHORT_WINDOW as i64) as usize
    }

    /// Add `count` people who arrived in `month` (not before the newest cohort).
    pub fn push(&mut self, month: i64, count: u64) {
        debug_assert!(month >= self.newest);
        if self.newest < self.oldest {
            // Empty window: restart it at this month.
            self.oldest = month;
            self.newest = month - 1;
        }
        // Months that drop out of the window join the old bucket.
        while self.oldest <= month - COHORT_WINDOW as i64 && self.oldest <= self.newest {
            let n = std::mem::take(&mut self.ring[Self::slot(self.oldest)]);
            self.merge_old(self.oldest, n);
            self.oldest += 1;
        }
        if self.oldest <= month - COHORT_WINDOW as i64 {
            self.oldest = month - COHORT_WINDOW as i64 + 1;
        }
        while self.newest < month {
            self.newest += 1;
            self.ring[Self::slot(self.newest)] = 0;
        }
        self.ring[Self::slot(month)] += count;
        self.total += count;
    }

    fn merge_old(&mut self, month: i64, n: u64) {
        if n > 0 {
            let c = self.old_count as f64;
            self.old_mean_arrival =
                (self.old_mean_arrival * c + month as f64 * n as f64) / (c + n as f64);
            self.old_count += n;
        }
    }

    /// Remove `lost` people spread over the cohorts in proportion to their size, by cumulative
    /// rounding: cohort i loses ⌊lost·C_i/S⌋ − ⌊lost·C_{i−1}/S⌋ with C the running size, which
    /// sums to `lost` exactly, stays within one of the proportional share and never exceeds
    /// the cohort. People waiting share one hazard whatever their wait.
    pub fn remove_proportionally(&mut self, lost: u64) {
        if lost == 0 || self.total == 0 {
            return;
        }
        let lost = lost.min(self.total);
        if self.total <= u64::from(u32::MAX) {
            // lost · running < 2⁶⁴: the same quotients in 64 bits, a division instruction where
            // the 128-bit one is a call (`__udivti3`) for each cohort.
            let size = self.total;
            self.remove_by(lost, |running| lost * running / size);
        } else {
            let size = u128::from(self.total);
            self.remove_by(lost, |running| {
                (u128::from(lost) * u128::from(running) / size) as u64
            });
        }
    }

    /// [`Self::remove_proportionally`] with `share(C)` = ⌊lost·C/S⌋.
    #[inline]
    fn remove_by(&mut self, lost: u64, share: impl Fn(u64) -> u64) {
        let mut running = self.old_count;
        let mut taken = share(running);
        self.old_count -= taken;
        for a in self.oldest..=self.newest {
            let slot = &mut self.ring[Self::slot(a)];
            running += *slot;
            let cut = share(running);
            *slot -= cut - taken;
            taken = cut;
        }
        self.total -= lost;
    }

    /// Admit up to `places` people, longest waiting first, in month `m`, at the times of the
    /// month's `clock`; returns the number admitted, the sum of their waits in months and how
    /// many of them waited at most `within_months` (expected).
    ///
    /// A person of a cohort that arrived `k ≥ 1` months before `m` arrived at a time U uniform
    /// over that month and is admitted at the clock's time V: the wait is `k + V − U`. The
    /// month's own arrivals (cohort `m`) are admitted in the order they came, arrivals spread
    /// evenly over the month: the i-th of n arrived at `i / n` and waited until its clock time.
    pub fn admit(
        &mut self,
        places: u64,
        m: i64,
        within_months: f64,
        clock: &MonthClock,
    ) -> Admitted {
        let realized = places.min(self.total);
        let mut out = Admitted::default();
        if realized == 0 {
            return out;
        }
        let n = realized as f64;
        let mut position = 0.0;
        let mut free = realized;
        if self.old_count > 0 {
            let take = self.old_count.min(free);
            self.old_count -= take;
            free -= take;
            let lag = m as f64 - self.old_mean_arrival;
            clock.pieces(n, position, position + take as f64, |k, ta, tb| {
                out.add_earlier(k, lag, ta, tb, within_months)
            });
            position += take as f64;
        }
        while free > 0 && self.oldest <= self.newest {
            let a = self.oldest;
            let slot = &mut self.ring[Self::slot(a)];
            let cohort = *slot as f64;
            let take = (*slot).min(free);
            *slot -= take;
            free -= take;
            let lag = (m - a) as f64;
            let (start, end) = (position, position + take as f64);
            if a == m {
                let mut i = 0.0;
                clock.pieces(n, start, end, |k, ta, tb| {
                    let (sa, sb) = (i / cohort, (i + k) / cohort);
                    out.add_new(k, ta - sa, tb - sb, within_months);
                    i += k;
                });
            } else {
                clock.pieces(n, start, end, |k, ta, tb| {
                    out.add_earlier(k, lag, ta, tb, within_months)
                });
            }
            position = end;
            if *slot == 0 {
                self.oldest += 1;
            }
        }
        out.count = realized;
        self.total -= realized;
        out
    }

    /// Share of the list that has waited longer than `norm_months` at the end of month `now`.
    /// Only cohorts younger than the norm can be under it, so only they are visited.
    pub fn share_over_norm(&self, now: i64, norm_months: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let mut under = self.old_count as f64
            * (1.0 - over_norm_at(now as f64 - self.old_mean_arrival, norm_months));
        // ⌈x⌉ as −⌊−x⌋, bit for bit, without libm's `ceil` (a call for each region and month).
        let young = (-floor(-norm_months)).min(COHORT_WINDOW as f64) as i64;
        for a in (now - young + 1).max(self.oldest)..=self.newest {
            let n = self.ring[Self::slot(a)];
            under += n as f64 * (1.0 - over_norm_at((now - a) as f64, norm_months));
        }
        ((self.total as f64 - under) / self.total as f64).clamp(0.0, 1.0)
    }
}

/// People admitted in one month from one queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Admitted {
    pub count: u64,
    /// Sum of their waits in months.
    pub wait_months: f64,
    /// How many waited at most the admission norm (expected value).
    pub within: f64,
}

/// `∫ clamp(y, 0, 1) dy` from −∞ to `z`.
fn ramp_integral(z: f64) -> f64 {
    if z <= 0.0 {
        0.0
    } else if z <= 1.0 {
        z * z / 2.0
    } else {
        z - 0.5
    }
}

impl Admitted {
    /// `k` people of a cohort that arrived `lag ≥ 1` months ago (arrival U uniform over its
    /// month), admitted evenly between times `ta` and `tb` of this month.
    fn add_earlier(&mut self, k: f64, lag: f64, ta: f64, tb: f64, x: f64) {
        self.wait_months += k * (lag + (ta + tb) / 2.0 - 0.5);
        self.within += k * within_earlier(lag, ta, tb, x);
    }

    /// `k` of the month's own arrivals whose waits run evenly from `wa` to `wb`.
    fn add_new(&mut self, k: f64, wa: f64, wb: f64, x: f64) {
        let (wa, wb) = (wa.max(0.0), wb.max(0.0));
        self.wait_months += k * (wa + wb) / 2.0;
        let (lo, hi) = (wa.min(wb), wa.max(wb));
        let share = if hi - lo < 1e-12 {
            f64::from(u8::from(lo <= x))
        } else {
            ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
        };
        self.within += k * share;
    }
}

/// Share of people who arrived `lag` months before this month (U uniform over their month) and
/// were admitted at V uniform on `[ta, tb]` of this month whose wait `lag + V − U` is at most
/// `x`: the mean over V of `P(U ≥ lag + V − x) = clamp(x − lag + 1 − V, 0, 1)`.
pub fn within_earlier(lag: f64, ta: f64, tb: f64, x: f64) -> f64 {
    let z = x - lag + 1.0;
    if tb - ta < 1e-9 {
        (z - (ta + tb) / 2.0).clamp(0.0, 1.0)
    } else {
        ((ramp_integral(z - ta) - ramp_integral(z - tb)) / (tb - ta)).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::ClockInput;

    /// A clock that admits evenly over the month.
    fn even() -> MonthClock {
        MonthClock::new(&ClockInput {
            free: 0.0,
            waiting: 1e9,
            arrivals: 0.0,
            freeing: 1e6,
            theta: 0.0,
        })
    }

    #[test]
    fn over_norm_share_is_exact_for_uniform_arrivals() {
        let six_weeks = 6.0 / crate::model::projection::WEEKS_PER_MONTH; // 1.38 months
        assert_eq!(over_norm_at(0.0, six_weeks), 0.0);
        assert!((over_norm_at(1.0, six_weeks) - (2.0 - six_weeks)).abs() < 1e-12);
        assert_eq!(over_norm_at(2.0, six_weeks), 1.0);
    }

    #[test]
    fn losses_are_proportional_and_exact() {
        let mut q = WaitingList::new();
        for (month, n) in [(0, 10), (1, 30), (2, 60)] {
            q.push(month, n);
        }
        q.remove_proportionally(10);
        assert_eq!(q.ring[..3], [9, 27, 54]);
        assert_eq!(q.total, 90);
        q.remove_proportionally(3);
        assert_eq!(q.ring[..3].iter().sum::<u64>(), 87);
        assert_eq!(q.total, 87);
        q.remove_proportionally(87);
        assert_eq!(q.ring[..3], [0, 0, 0]);
        assert_eq!(q.total, 0);
    }

    /// The 64-bit quotients of lists below 2³² people are those of the 128-bit rule, also for
    /// lists of billions (the largest the 64-bit path takes) and with an old bucket.
    #[test]
    fn losses_in_64_bits_equal_those_in_128() {
        let mut x = 0.377f64;
        for case in 0..2_000 {
            let mut q = WaitingList::new();
            let scale = if case % 2 == 0 { 1_000.0 } else { 1e8 };
            for month in 0..(case % 50) as i64 {
                x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
                q.push(month, (x * scale) as u64);
            }
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            let lost = (x * q.total as f64) as u64;
            let mut wide = q.clone();
            let size = u128::from(q.total.max(1));
            wide.remove_by(lost.min(q.total), |c| {
                (u128::from(lost.min(q.total)) * u128::from(c) / size) as u64
            });
            q.remove_proportionally(lost);
            assert_eq!(q.ring, wide.ring, "case {case}");
            assert_eq!((q.old_count, q.total), (wide.old_count, wide.total));
        }
    }

    #[test]
    fn cohorts_beyond_the_window_keep_count_and_mean_wait() {
        let mut q = WaitingList::new();
        let w = COHORT_WINDOW as i64;
        for month in 0..w + 4 {
            q.push(month, 10);
        }
        // Months 0..=3 fell out of the window into the old bucket, mean arrival 1.5.
        assert_eq!(q.old_count, 40);
        assert!((q.old_mean_arrival - 1.5).abs() < 1e-12);
        assert_eq!(q.total, 10 * (w as u64 + 4));
        // First come, first served: the old bucket first, then month 4, evenly over the month.
        let a = q.admit(45, w + 3, 1.0, &even());
        assert_eq!(a.count, 45);
        // Everyone waited years: nobody within a month.
        assert_eq!(a.within, 0.0);
        // The old bucket is admitted over the first 40/45 of the month, month 4 over the rest.
        let (t_old, t_four) = (40.0 / 45.0 / 2.0, (40.0 / 45.0 + 1.0) / 2.0);
        let expected =
            40.0 * ((w + 3) as f64 - 1.5 + t_old - 0.5) + 5.0 * ((w - 1) as f64 + t_four - 0.5);
        assert!(
            (a.wait_months - expected).abs() < 1e-9,
            "{} vs {expected}",
            a.wait_months
        );
        assert_eq!(q.old_count, 0);
        assert_eq!(q.ring[WaitingList::slot(4)], 5);
        // With a six-week norm everyone but the two newest cohorts is over it.
        let norm = 6.0 / crate::model::projection::WEEKS_PER_MONTH;
        let share = q.share_over_norm(w + 3, norm);
        let under = 10.0 + 10.0 * (1.0 - over_norm_at(1.0, norm));
        let total = q.total as f64;
        assert!((share - (total - under) / total).abs() < 1e-12);
    }

    /// The share within x months is the distribution function of lag + V − U: checked against
    /// a fine grid over U uniform and V uniform on [ta, tb].
    #[test]
    fn share_admitted_within_a_norm_matches_the_timing() {
        let grid = 400;
        for lag in [1.0, 2.0, 3.7] {
            for (ta, tb) in [(0.0, 1.0), (0.2, 0.5), (0.6, 0.6)] {
                for x in [0.3, 0.92, 1.5, 2.2, 4.1] {
                    let (mut n, mut within) = (0.0, 0.0);
                    for i in 0..grid {
                        for j in 0..grid {
                            let u = (i as f64 + 0.5) / grid as f64;
                            let v = ta + (tb - ta) * (j as f64 + 0.5) / grid as f64;
                            n += 1.0;
                            if lag + v - u <= x {
                                within += 1.0;
                            }
                        }
                    }
                    let exact = within_earlier(lag, ta, tb, x);
                    assert!(
                        (within / n - exact).abs() < 0.01,
                        "lag {lag} [{ta}, {tb}] x {x}: {} vs {exact}",
                        within / n
                    );
                }
            }
        }
    }

    /// The month's own arrivals admitted as they come (no list) waited nothing; admitted at the
    /// month's end, the i-th of n waited 1 − i/n: half a month on average.
    #[test]
    fn the_months_own_arrivals_wait_from_their_arrival() {
        let mut q = WaitingList::new();
        q.push(5, 100);
        let at_once = MonthClock::new(&ClockInput {
            free: 1000.0,
            waiting: 0.0,
            arrivals: 100.0,
            freeing: 0.0,
            theta: 0.0,
        });
        let a = q.admit(100, 5, 0.9, &at_once);
        assert_eq!(a.count, 100);
        assert!(a.wait_months.abs() < 1e-9, "{a:?}");
        assert!((a.within - 100.0).abs() < 1e-9);
    }
}
