//! Quantiles and means of many Monte Carlo iterations in memory bounded by the buckets they
//! touch: a paged log-linear histogram per metric and period, mergeable in any order with the
//! same result, so summaries are identical for any thread count.

/// Mantissa bits kept in a bucket key: 2⁹ buckets per octave.
const SUB_BITS: u32 = 9;
const SHIFT: u32 = 52 - SUB_BITS;
/// Fixed-point scale of the exact sum (2³²): integer sums add in any order to the same total.
const SCALE: f64 = 4_294_967_296.0;

/// Counts of values by bucket. A bucket holds the values whose f64 bits agree above the top
/// [`SUB_BITS`] mantissa bits, so it spans less than 2⁻⁹ of its lower edge and its midpoint is
/// within 2⁻¹⁰ (0.1%) of any value in it: a quantile reported from the sketch is within 0.1% of
/// the exact order statistic, and exact when all values are equal (clamped to the seen range).
/// The mean comes from an exact fixed-point sum (resolution 2⁻³²).
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    positive: Buckets,
    negative: Buckets,
    zeros: u64,
    count: u64,
    sum: i128,
    min: f64,
    max: f64,
}

/// Keys per page of counts: 2⁴, a 32nd of an octave.
const PAGE_BITS: u32 = 4;
const PAGE: usize = 1 << PAGE_BITS;
/// A page not yet allocated.
const NO_PAGE: u32 = u32::MAX;

/// Counts by key in pages of [`PAGE`] keys, a page allocated when a value first falls in it: a
/// metric whose values reach down many octaves (a share near zero, a difference crossing zero)
/// holds only the pages its values touch, not every bucket between its extremes.
#[derive(Debug, Clone, Default)]
struct Buckets {
    /// Page number of `directory[0]`.
    lo: u32,
    /// Per page number from `lo`: its index in `pages`, or [`NO_PAGE`].
    directory: Vec<u32>,
    /// Boxed one by one: a vector of the pages themselves would double (and copy) them as it
    /// grows, up to twice the counts' memory.
    #[allow(clippy::vec_box)]
    pages: Vec<Box<[u32; PAGE]>>,
}

impl Buckets {
    #[inline]
    fn add(&mut self, key: u32, n: u32) {
        let page = key >> PAGE_BITS;
        if self.directory.is_empty() {
            self.lo = page;
            self.directory.push(NO_PAGE);
        } else if page < self.lo {
            // Grow downwards with slack, so that a run of new minima shifts the directory only
            // a logarithmic number of times.
            let slack = (self.directory.len() / 2 + 4) as u32;
            let new_lo = page.saturating_sub(slack);
            let grow = (self.lo - new_lo) as usize;
            self.directory
                .splice(0..0, std::iter::repeat_n(NO_PAGE, grow));
            self.lo = new_lo;
        }
        let i = (page - self.lo) as usize;
        if i >= self.directory.len() {
            self.directory.resize(i + 1, NO_PAGE);
        }
        if self.directory[i] == NO_PAGE {
            self.directory[i] = self.pages.len() as u32;
            self.pages.push(Box::new([0; PAGE]));
        }
        self.pages[self.directory[i] as usize][key as usize % PAGE] += n;
    }

    /// `(key, count)` of every non-empty bucket, by ascending key.
    fn counts(&self) -> impl DoubleEndedIterator<Item = (u32, u32)> + '_ {
        self.directory
            .iter()
            .enumerate()
            .filter(|&(_, &slot)| slot != NO_PAGE)
            .flat_map(move |(i, &slot)| {
                let first = (self.lo + i as u32) << PAGE_BITS;
                self.pages[slot as usize]
                    .iter()
                    .enumerate()
                    .map(move |(j, &n)| (first + j as u32, n))
            })
            .filter(|&(_, n)| n > 0)
    }

    fn merge(&mut self, other: &Buckets) {
        for (key, n) in other.counts() {
            self.add(key, n);
        }
    }

    fn heap_bytes(&self) -> usize {
        4 * self.directory.capacity()
            + std::mem::size_of::<Box<[u32; PAGE]>>() * self.pages.capacity()
            + 4 * PAGE * self.pages.len()
    }
}

/// `round(v · SCALE)` as an integer, so sums are exact and independent of their order. Below
/// 2⁶² it avoids the slow float-to-i128 conversion and libm's `round` (a third of the sketch's
/// time), with the same result: half away from zero.
fn fixed_point(v: f64) -> i128 {
    let x = v * SCALE;
    if x.abs() < 4.0e18 {
        let t = x as i64;
        let frac = x - t as f64;
        i128::from(t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5))
    } else {
        x.round() as i128
    }
}

#[inline]
fn key(magnitude: f64) -> u32 {
    (magnitude.to_bits() >> SHIFT) as u32
}

fn midpoint(key: u32) -> f64 {
    let lo = f64::from_bits((key as u64) << SHIFT);
    let hi = f64::from_bits((key as u64 + 1) << SHIFT);
    lo + (hi - lo) / 2.0
}

impl Sketch {
    /// Add one value; NaN and infinite values are left out.
    pub fn add(&mut self, v: f64) {
        if !v.is_finite() {
            return;
        }
        if self.count == 0 || v < self.min {
            self.min = v;
        }
        if self.count == 0 || v > self.max {
            self.max = v;
        }
        self.count += 1;
        self.sum = self.sum.saturating_add(fixed_point(v));
        if v > 0.0 {
            self.positive.add(key(v), 1);
        } else if v < 0.0 {
            self.negative.add(key(-v), 1);
        } else {
            self.zeros += 1;
        }
    }

    /// Add another sketch's values.
    pub fn merge(&mut self, other: &Sketch) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 || other.min < self.min {
            self.min = other.min;
        }
        if self.count == 0 || other.max > self.max {
            self.max = other.max;
        }
        self.count += other.count;
        self.sum = self.sum.saturating_add(other.sum);
        self.zeros += other.zeros;
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
    }

    /// Number of values added.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether no value was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes held by the buckets.
    pub fn heap_bytes(&self) -> usize {
        self.positive.heap_bytes() + self.negative.heap_bytes()
    }

    /// The value of the `rank`-th smallest (0-based), to the bucket's midpoint.
    fn at_ranks<const N: usize>(&self, ranks: [u64; N]) -> [f64; N] {
        // Walk the buckets in ascending value once: negatives by descending key, zeros,
        // positives by ascending key.
        let mut out = [f64::NAN; N];
        let mut seen = 0u64;
        let mut next = 0usize;
        let mut visit = |n: u64, value: f64, out: &mut [f64; N]| {
            seen += n;
            while next < N && ranks[next] < seen {
                out[next] = value;
                next += 1;
            }
        };
        for (key, n) in self.negative.counts().rev() {
            visit(n as u64, -midpoint(key), &mut out);
        }
        if self.zeros > 0 {
            visit(self.zeros, 0.0, &mut out);
        }
        for (key, n) in self.positive.counts() {
            visit(n as u64, midpoint(key), &mut out);
        }
        out.map(|v| v.clamp(self.min, self.max))
    }

    /// mean, p05, p25, p50, p75, p95 like [`crate::model::stats::quantiles`] (type 7, linear
    /// between order statistics), each order statistic within 0.1%; NaN when empty.
    pub fn stats(&self) -> [f64; 6] {
        if self.count == 0 {
            return [f64::NAN; 6];
        }
        let mean = self.sum as f64 / SCALE / self.count as f64;
        let ps = [0.05, 0.25, 0.5, 0.75, 0.95];
        let h = ps.map(|p| (self.count - 1) as f64 * p);
        let mut ranks = [0u64; 10];
        for (i, x) in h.iter().enumerate() {
            ranks[2 * i] = x.floor() as u64;
            ranks[2 * i + 1] = x.ceil() as u64;
        }
        let values = self.at_ranks(ranks);
        let q = |i: usize| {
            let (lo, hi) = (values[2 * i], values[2 * i + 1]);
            lo + (h[i] - h[i].floor()) * (hi - lo)
        };
        [mean, q(0), q(1), q(2), q(3), q(4)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_fixed_point_rounds_exactly_like_round() {
        let half = 0.5 / SCALE;
        let mut values = vec![
            0.0,
            half,
            -half,
            3.0 * half,
            -3.0 * half,
            1e-12,
            62_000.25,
            -1.5,
        ];
        values.extend([9.3e8, -9.3e8, 1e9 + half, 2.1e9, 5e10, -5e10, 1e300]);
        let mut x = 0.123_456_789f64;
        for _ in 0..10_000 {
            x = (x * 7_919.0 + 0.618_033_988_749) % 1.0;
            values.push((x - 0.3) * 10f64.powi((x * 24.0) as i32 - 8));
        }
        for v in values {
            assert_eq!(fixed_point(v), (v * SCALE).round() as i128, "{v}");
        }
    }

    #[test]
    fn quantiles_are_within_a_tenth_of_a_percent_of_type_7() {
        // Values spread over several octaves, both signs and zeros.
        let values: Vec<f64> = (0..10_001)
            .map(|i| {
                let x = i as f64;
                (x * 0.7).sin() * 1.0e5 * (1.0 + x / 1000.0) + if i % 17 == 0 { 0.0 } else { 1.0 }
            })
            .chain(std::iter::repeat_n(0.0, 50))
            .collect();
        let mut sketch = Sketch::default();
        for &v in &values {
            sketch.add(v);
        }
        let mut sorted = values.clone();
        let exact = crate::model::stats::quantiles(&mut sorted);
        let got = sketch.stats();
        assert!((got[0] - exact[0]).abs() < 1e-6 * exact[0].abs().max(1.0));
        let ps = [0.05, 0.25, 0.5, 0.75, 0.95];
        for k in 1..6 {
            // Linear between two order statistics, each within 2⁻¹⁰ of its value.
            let h = (sorted.len() - 1) as f64 * ps[k - 1];
            let scale = sorted[h.floor() as usize]
                .abs()
                .max(sorted[h.ceil() as usize].abs());
            let bound = scale / 1024.0 + 1e-9;
            assert!(
                (got[k] - exact[k]).abs() <= bound,
                "{k}: {} vs {}",
                got[k],
                exact[k]
            );
        }
    }

    #[test]
    fn merging_in_any_order_gives_the_same_sketch() {
        let values: Vec<f64> = (0..3000)
            .map(|i| ((i * 7919) % 1000) as f64 * 1.37 - 200.0)
            .collect();
        let mut whole = Sketch::default();
        values.iter().for_each(|&v| whole.add(v));
        let mut parts = [Sketch::default(), Sketch::default(), Sketch::default()];
        for (i, &v) in values.iter().enumerate() {
            parts[i % 3].add(v);
        }
        let mut a = parts[2].clone();
        a.merge(&parts[0]);
        a.merge(&parts[1]);
        assert_eq!(a.stats(), whole.stats());
        assert_eq!(a.len(), 3000);
    }

    #[test]
    fn values_far_apart_hold_only_the_pages_they_touch() {
        // A share near zero beside its usual values: 2⁹ buckets per octave over the ~110
        // octaves of both signs would be ~230 kB dense; pages hold seven values and the
        // directory one entry per 16 buckets.
        let mut s = Sketch::default();
        for v in [1e-22, 3e-9, 0.1, 0.12, 0.15, -2.0, -1e-12] {
            s.add(v);
        }
        assert!(s.heap_bytes() < 32 * 1024, "{}", s.heap_bytes());
        assert_eq!(s.stats()[3], midpoint(key(3e-9)));
    }

    #[test]
    fn equal_values_are_reported_exactly() {
        let mut s = Sketch::default();
        for _ in 0..10 {
            s.add(61_234.5);
        }
        assert_eq!(s.stats(), [61_234.5; 6]);
        assert!(Sketch::default().stats()[3].is_nan());
    }
}
