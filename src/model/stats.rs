//! The one percentile definition of the crate (R's type 7, the default of R and NumPy), here in
//! the model because the engine's own tests and sketches need it; `analysis` re-exports it.

/// The `p` quantile of sorted values, interpolated linearly between order statistics (R's
/// type 7). `NaN` for no values.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Lower Cholesky factor (row-major, `n × n`) of a symmetric matrix (lower triangle read), or
/// `None` where a pivot is NaN or at most `min_pivot` (not positive definite enough).
pub(crate) fn cholesky(a: &[f64], n: usize, min_pivot: f64) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d.is_nan() || d <= min_pivot {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Mean, p05, p25, p50, p75, p95 of a sample (sorted in place), quantiles as in [`quantile`].
pub fn quantiles(values: &mut [f64]) -> [f64; 6] {
    values.sort_by(f64::total_cmp);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let q = |p: f64| quantile(values, p);
    [mean, q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)]
}

/// A 90% band and its median: the 5%, 50% and 95% quantiles of a quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub low: f64,
    pub median: f64,
    pub high: f64,
}

impl Band {
    /// The band of a sample (non-finite values left out), quantiles as in [`quantile`].
    pub fn of_values(mut values: Vec<f64>) -> Band {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        let q = |p| quantile(&values, p);
        Band {
            low: q(0.05),
            median: q(0.5),
            high: q(0.95),
        }
    }

    /// Low, median and high, in that order.
    pub fn parts(&self) -> [f64; 3] {
        [self.low, self.median, self.high]
    }

    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let mut v: Vec<f64> = (1..=11).map(f64::from).collect();
        let q = quantiles(&mut v);
        assert_eq!(q, [6.0, 1.5, 3.5, 6.0, 8.5, 10.5]);
    }

    #[test]
    fn cholesky_factors_back_to_the_matrix_and_refuses_small_pivots() {
        let a = [4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0];
        let l = cholesky(&a, 3, 0.0).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let product: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((product - a[i * 3 + j]).abs() < 1e-12, "({i}, {j})");
            }
        }
        // Singular: the second pivot is 0; a pivot of 1 passes at 0.5 and not at 1.
        assert!(cholesky(&[1.0, 1.0, 1.0, 1.0], 2, 0.0).is_none());
        assert!(cholesky(&[1.0], 1, 0.5).is_some());
        assert!(cholesky(&[1.0], 1, 1.0).is_none());
        assert!(cholesky(&[f64::NAN], 1, 0.0).is_none());
    }

    #[test]
    fn quantile_of_nothing_is_nan_and_p_is_clamped() {
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(quantile(&[1.0, 3.0], 2.0), 3.0);
        assert_eq!(quantile(&[1.0, 3.0], 0.25), 1.5);
    }
}
