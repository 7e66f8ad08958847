//! The within-month clock of one regional queue (docs/MODEL.md §3): when in its month people
//! join the list, places free up and the two meet. The month's counts are drawn elsewhere; the
//! clock gives what depends on their timing: the person-months spent waiting (the exposure to
//! the hazards of leaving the list), when in the month people are admitted (their waits, and
//! their exposure to leaving care again within it) and how many places free up and are refilled.
//!
//! Within the month arrivals come at an even rate, places free up at an even rate, a free place
//! and a person waiting are matched at once, first come first served (the people waiting at the
//! start before the month's arrivals), and everyone waiting leaves the list at the hazard
//! `theta`. This is the expected (fluid) path of the continuous-time queue given the month's
//! arrivals and exits: a month of it is at most five phases, each a linear differential equation
//! with a closed-form solution.

/// Most admission segments a month can have (at t = 0, then at most four phases).
const MAX_SEGMENTS: usize = 6;

/// The month's counts the clock is timed from (all per month, on the scale of one region).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockInput {
    /// Free places at the start (places − clients; negative when clients exceed places, and
    /// then the first exits free no place).
    pub free: f64,
    /// People waiting at the start.
    pub waiting: f64,
    /// Arrivals in the month.
    pub arrivals: f64,
    /// Places that free up in the month (exits of those in care, refilled places included).
    pub freeing: f64,
    /// Hazard a month of leaving the list (death, a nursing home, other reasons).
    pub theta: f64,
}

/// Admissions at an even rate between two times of the month (months from its start).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Segment {
    pub t0: f64,
    pub t1: f64,
    pub count: f64,
}

/// The timing of one month of one regional queue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthClock {
    /// Person-months on the list of the people waiting at the start.
    pub exposure_old: f64,
    /// Person-months on the list of the month's arrivals.
    pub exposure_new: f64,
    segments: [Segment; MAX_SEGMENTS],
    len: usize,
    /// Expected admissions in the month.
    pub admitted: f64,
}

/// `x' = a − θ x` from `x0` over `d`: (value at `d`, integral over `[0, d]`), stable as θ → 0.
fn linear(x0: f64, a: f64, theta: f64, d: f64) -> (f64, f64) {
    let x = theta * d;
    // g = (1 − e^(−θd)) / θ and h = (d − g) / θ; for the small θd of a month their series to
    // the fifth power (relative error below 1e-9), cheaper than the exponential.
    let (g, h) = if x < 0.05 {
        (
            d * (1.0 - x / 2.0 * (1.0 - x / 3.0 * (1.0 - x / 4.0 * (1.0 - x / 5.0)))),
            d * d / 2.0 * (1.0 - x / 3.0 * (1.0 - x / 4.0 * (1.0 - x / 5.0 * (1.0 - x / 6.0)))),
        )
    } else {
        let g = -(-x).exp_m1() / theta;
        (g, (d - g) / theta)
    };
    (x0 * (1.0 - theta * g) + a * g, x0 * g + a * h)
}

/// A hazard of leaving care `mu` a month with the coefficients of [`mean_exit`]'s series,
/// (−1)^(k+1) μ^k / (k+1)!, which depend on it alone: a projection computes them once instead
/// of five divisions for every admission segment (the same products, so the same values).
#[derive(Debug, Clone, Copy)]
pub struct ExitHazard {
    mu: f64,
    series: [f64; 5],
}

impl ExitHazard {
    pub fn new(mu: f64) -> Self {
        let mut series = [0.0; 5];
        let (mut c, mut sign) = (mu / 2.0, 1.0);
        for (k, term) in (1..=5).zip(series.iter_mut()) {
            *term = sign * c;
            c *= mu / (k + 2) as f64;
            sign = -sign;
        }
        ExitHazard { mu, series }
    }
}

/// Mean of `1 − e^(−μ s)` over `s` uniform on `[s1, s0]` (`s0 ≥ s1 ≥ 0`), by its series when
/// `μ s0` is small (relative error below 1e-9).
fn mean_exit(hazard: &ExitHazard, s1: f64, s0: f64) -> f64 {
    let mu = hazard.mu;
    let d = s0 - s1;
    if mu * s0 < 0.05 {
        // (1/d) ∫ Σ_k (−1)^(k+1) (μ s)^k / k! ds = Σ_k (−1)^(k+1) μ^k (s0^(k+1) − s1^(k+1)) / ((k+1)! d)
        let mut sum = 0.0;
        let (mut p0, mut p1) = (s0 * s0, s1 * s1);
        for (k, term) in (1..=5).zip(hazard.series) {
            let diff = if d > 1e-12 {
                (p0 - p1) / d
            } else {
                (k + 1) as f64 * s0.powi(k)
            };
            sum += term * diff;
            p0 *= s0;
            p1 *= s1;
        }
        sum
    } else if d > 1e-12 {
        1.0 - ((-mu * s1).exp() - (-mu * s0).exp()) / (mu * d)
    } else {
        -(-mu * s0).exp_m1()
    }
}

/// Time for `x' = a − θ x` (a < 0) to fall from `x0 ≥ 0` to zero.
fn time_to_zero(x0: f64, a: f64, theta: f64) -> f64 {
    if a >= 0.0 {
        return f64::INFINITY;
    }
    let r = x0 / -a;
    if theta * r < 1e-9 {
        r
    } else {
        (theta * r).ln_1p() / theta
    }
}

impl MonthClock {
    /// Run the month's clock.
    pub fn new(input: &ClockInput) -> Self {
        let ClockInput {
            free,
            waiting,
            arrivals,
            freeing,
            theta,
        } = *input;
        let (a, r, theta) = (arrivals.max(0.0), freeing.max(0.0), theta.max(0.0));
        let mut clock = MonthClock::default();
        let (mut old, mut new, mut free, mut t) = (waiting.max(0.0), 0.0, free, 0.0);
        if free > 0.0 && old > 0.0 {
            let n = free.min(old);
            clock.push(0.0, 0.0, n);
            old -= n;
            free -= n;
        }
        // Each phase ends at the month's end or moves the queue on (the overfull places filled,
        // the old list admitted, the list emptied, the free places taken): no cycles.
        for _ in 0..MAX_SEGMENTS {
            let rest = 1.0 - t;
            if rest <= 1e-12 {
                break;
            }
            let dt = if free < 0.0 {
                // More clients than places: exits free no place until the surplus has left.
                let dt = if r > 0.0 { (-free / r).min(rest) } else { rest };
                clock.wait(&mut old, &mut new, 0.0, a, theta, dt);
                free = if dt < rest { 0.0 } else { free + r * dt };
                dt
            } else if old + new > 0.0 || (free <= 0.0 && a > r) {
                // Places full and a list: every freed place is refilled from its head.
                free = 0.0;
                let dt = if old > 0.0 {
                    time_to_zero(old, -r, theta).min(rest)
                } else {
                    time_to_zero(new, a - r, theta).min(rest)
                };
                let old_before = old;
                clock.wait(&mut old, &mut new, r, a, theta, dt);
                if old_before > 0.0 && dt < rest {
                    old = 0.0;
                } else if old_before == 0.0 && dt < rest {
                    new = 0.0;
                }
                clock.push(t, t + dt, r * dt);
                dt
            } else {
                // No list: arrivals are admitted as they come while places are free.
                let dt = if a > r {
                    (free / (a - r)).min(rest)
                } else {
                    rest
                };
                free = if dt < rest { 0.0 } else { free + (r - a) * dt };
                clock.push(t, t + dt, a * dt);
                dt
            };
            t += dt;
        }
        clock
    }

    /// Evolve the list over `dt`: admissions at `rate` from the old list first, arrivals at `a`
    /// joining the new, both leaving at `theta`; adds the exposures.
    fn wait(&mut self, old: &mut f64, new: &mut f64, rate: f64, a: f64, theta: f64, dt: f64) {
        if *old > 0.0 {
            let (x, area) = linear(*old, -rate, theta, dt);
            *old = x.max(0.0);
            self.exposure_old += area.max(0.0);
            let (y, area) = linear(*new, a, theta, dt);
            *new = y.max(0.0);
            self.exposure_new += area.max(0.0);
        } else {
            let (y, area) = linear(*new, a - rate, theta, dt);
            *new = y.max(0.0);
            self.exposure_new += area.max(0.0);
        }
    }

    fn push(&mut self, t0: f64, t1: f64, count: f64) {
        if count > 0.0 && self.len < MAX_SEGMENTS {
            self.segments[self.len] = Segment { t0, t1, count };
            self.len += 1;
            self.admitted += count;
        }
    }

    /// The admissions in time order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments[..self.len]
    }

    /// Person-months on the list.
    pub fn exposure(&self) -> f64 {
        self.exposure_old + self.exposure_new
    }

    /// Mean over the month's admissions of the probability of leaving care again before the
    /// month's end at the hazard `hazard` a month.
    pub fn exit_after_admission(&self, hazard: &ExitHazard) -> f64 {
        if self.admitted <= 0.0 || hazard.mu <= 0.0 {
            return 0.0;
        }
        let sum: f64 = self
            .segments()
            .iter()
            .map(|s| s.count * mean_exit(hazard, 1.0 - s.t1, 1.0 - s.t0))
            .sum();
        (sum / self.admitted).clamp(0.0, 1.0)
    }

    /// The admissions as `realized` people in first-come-first-served order: the pieces of the
    /// clock between positions `from` and `to` (`0 ≤ from ≤ to ≤ realized`), each as (people,
    /// time of the first, time of the last). The realized count is laid over the clock's in
    /// proportion; a clock without admissions admits evenly over the month.
    pub fn pieces(&self, realized: f64, from: f64, to: f64, mut f: impl FnMut(f64, f64, f64)) {
        if realized <= 0.0 || to <= from {
            return;
        }
        if self.admitted <= 0.0 {
            f(to - from, from / realized, to / realized);
            return;
        }
        let k = self.admitted / realized;
        let (p0, p1) = (from * k, to * k);
        let mut c0 = 0.0;
        for s in self.segments() {
            let c1 = c0 + s.count;
            let (lo, hi) = (p0.max(c0), p1.min(c1));
            if hi > lo {
                let at = |p: f64| s.t0 + (p - c0) / s.count * (s.t1 - s.t0);
                f((hi - lo) / k, at(lo), at(hi));
            }
            c0 = c1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(free: f64, waiting: f64, arrivals: f64, freeing: f64, theta: f64) -> MonthClock {
        MonthClock::new(&ClockInput {
            free,
            waiting,
            arrivals,
            freeing,
            theta,
        })
    }

    /// A list that never empties: the freed places are all refilled, evenly over the month, and
    /// the list's path is the solution of W' = A − R − θW.
    #[test]
    fn a_full_month_refills_every_freed_place() {
        let (w0, a, r, theta) = (200.0, 150.0, 140.0, 0.05);
        let c = clock(0.0, w0, a, r, theta);
        assert!((c.admitted - r).abs() < 1e-9);
        // Numerical integral of the list: old list first, then the arrivals.
        let n = 100_000;
        let (mut old, mut new, mut area_old, mut area_new) = (w0, 0.0, 0.0, 0.0);
        let dt = 1.0 / n as f64;
        for _ in 0..n {
            area_old += old * dt;
            area_new += new * dt;
            let adm_old = if old > 0.0 { r } else { 0.0 };
            old += (-adm_old - theta * old) * dt;
            new += (a - (r - adm_old) - theta * new) * dt;
        }
        assert!((c.exposure_old - area_old).abs() < 0.05, "{c:?} {area_old}");
        assert!((c.exposure_new - area_new).abs() < 0.05, "{c:?} {area_new}");
    }

    /// No list and free places: everyone is admitted as they arrive, nobody waits.
    #[test]
    fn free_places_admit_arrivals_at_once() {
        let c = clock(50.0, 0.0, 100.0, 80.0, 0.05);
        assert_eq!(c.exposure(), 0.0);
        assert!((c.admitted - 100.0).abs() < 1e-9);
        // Too few places: the list starts once they are taken, at t = 50 / (100 − 80).
        let c = clock(5.0, 0.0, 100.0, 80.0, 0.05);
        let first = c.segments()[0];
        assert!((first.t1 - 0.25).abs() < 1e-12, "{c:?}");
        assert!(c.exposure() > 0.0);
    }

    /// More clients than places: nobody is admitted until the surplus has left.
    #[test]
    fn surplus_clients_block_admissions_until_they_leave() {
        let c = clock(-40.0, 10.0, 0.0, 80.0, 0.0);
        let s = c.segments()[0];
        assert!((s.t0 - 0.5).abs() < 1e-12, "{c:?}");
        assert!((c.admitted - 10.0).abs() < 1e-9);
        // The ten waited half a month, then were admitted at 80 a month.
        let expected = 10.0 * 0.5 + 10.0 * (10.0 / 80.0) / 2.0;
        assert!((c.exposure_old - expected).abs() < 1e-9);
    }

    /// The series agree with the closed forms.
    #[test]
    fn series_match_the_exponentials() {
        for (theta, d) in [(0.001, 1.0), (0.049, 1.0), (0.04, 0.3), (0.2, 0.2)] {
            let (v, area) = linear(100.0, 30.0, theta, d);
            let e = (-theta * d).exp();
            let exact_v = 100.0 * e + 30.0 / theta * (1.0 - e);
            let exact_area = 30.0 * d / theta + (100.0 - 30.0 / theta) * (1.0 - e) / theta;
            assert!((v / exact_v - 1.0).abs() < 1e-9, "{theta} {d}");
            assert!((area / exact_area - 1.0).abs() < 1e-8, "{theta} {d}");
        }
        for (mu, s1, s0) in [
            (0.028f64, 0.0f64, 1.0f64),
            (0.04, 0.3, 0.9),
            (0.03, 0.5, 0.5),
            (0.3, 0.1, 1.0),
        ] {
            let exact = if s0 > s1 {
                1.0 - ((-mu * s1).exp() - (-mu * s0).exp()) / (mu * (s0 - s1))
            } else {
                1.0 - (-mu * s0).exp()
            };
            let m = mean_exit(&ExitHazard::new(mu), s1, s0);
            assert!(
                (m / exact - 1.0).abs() < 1e-8,
                "{mu} {s1} {s0}: {m} vs {exact}"
            );
        }
    }

    /// The series with its coefficients computed once gives, bit for bit, what it gave when it
    /// computed them for every segment.
    #[test]
    fn series_coefficients_computed_once_give_the_same_means() {
        fn per_segment(mu: f64, s1: f64, s0: f64) -> f64 {
            let d = s0 - s1;
            let mut sum = 0.0;
            let (mut p0, mut p1, mut c, mut sign) = (s0 * s0, s1 * s1, mu / 2.0, 1.0);
            for k in 1..=5 {
                let diff = if d > 1e-12 {
                    (p0 - p1) / d
                } else {
                    (k + 1) as f64 * s0.powi(k)
                };
                sum += sign * c * diff;
                p0 *= s0;
                p1 *= s1;
                c *= mu / (k + 2) as f64;
                sign = -sign;
            }
            sum
        }
        let mut x = 0.41f64;
        for _ in 0..100_000 {
            let mut next = || {
                x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
                x
            };
            let (mu, a, b) = (next() * 0.0499, next(), next());
            let (s1, s0) = if next() < 0.1 {
                (a, a)
            } else {
                (a.min(b), a.max(b))
            };
            let m = mean_exit(&ExitHazard::new(mu), s1, s0);
            assert_eq!(
                m.to_bits(),
                per_segment(mu, s1, s0).to_bits(),
                "{mu} {s1} {s0}"
            );
        }
    }

    /// Realized admissions are laid over the clock in first-come-first-served order.
    #[test]
    fn pieces_cover_the_realized_admissions_in_time_order() {
        let c = clock(10.0, 30.0, 60.0, 40.0, 0.0);
        let mut seen = Vec::new();
        c.pieces(50.0, 0.0, 50.0, |n, a, b| seen.push((n, a, b)));
        let total: f64 = seen.iter().map(|p| p.0).sum();
        assert!((total - 50.0).abs() < 1e-9);
        assert!(seen.windows(2).all(|w| w[0].2 <= w[1].1 + 1e-12));
        assert_eq!(seen[0].1, 0.0);
    }
}
