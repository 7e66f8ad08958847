//! Uncertain scenario parameters: a number or a distribution (`fixed`, `uniform`, `triangular`,
//! `normal`, `lognormal`, `beta`, `gamma`, `pert`), validated when built so that an impossible
//! distribution is an error naming its key, never a NaN in the middle of a run.

use std::collections::BTreeMap;

use rand::Rng;

use super::random::normal_quantile;

/// A validated distribution. Fields are private: the only ways in are [`Dist::fixed`] and
/// [`Dist::from_table`], which reject impossible parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Dist {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    /// On the log scale: `ln X ~ N(mu, sigma)`.
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
}

/// z of the 95th percentile of the standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;
/// Normal tails beyond this many sd count as outside the support when checking a domain.
const NORMAL_TAIL_SD: f64 = 5.0;

impl Dist {
    /// A fixed value.
    ///
    /// # Errors
    /// When `value` is not finite.
    pub fn fixed(value: f64) -> Result<Self, String> {
        finite("value", value)?;
        Ok(Dist {
            kind: Kind::Fixed(value),
        })
    }

    /// Build a distribution from its TOML table, e.g.
    /// `{ dist = "beta", mean = 0.7, sd = 0.03 }`.
    ///
    /// # Errors
    /// Unknown `dist`, missing or unknown keys, and impossible parameters (a beta whose sd is too
    /// large for its mean, a triangular whose mode lies outside its range, ...), with the fix.
    ///
    /// # Examples
    /// ```
    /// use omvang::scenario::distributions::Dist;
    /// let t: toml::Table = toml::from_str("dist = 'beta'\nmean = 0.7\nsd = 0.03").unwrap();
    /// let d = Dist::from_table(&t).unwrap();
    /// assert!((d.mean() - 0.7).abs() < 1e-12);
    /// let bad: toml::Table = toml::from_str("dist = 'beta'\nmean = 0.7\nsd = 0.5").unwrap();
    /// assert!(Dist::from_table(&bad).is_err());
    /// ```
    pub fn from_table(table: &toml::Table) -> Result<Self, String> {
        let name = match table.get("dist") {
            Some(toml::Value::String(s)) => s.as_str(),
            Some(_) => return Err("`dist` must be a string such as \"triangular\"".into()),
            None => {
                return Err(
                    "a distribution needs `dist = \"...\"` (fixed, uniform, triangular, normal, lognormal, beta, gamma, pert)"
                        .into(),
                )
            }
        };
        let mut nums = BTreeMap::new();
        for (key, value) in table {
            if key == "dist" {
                continue;
            }
            let v = match value {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                _ => return Err(format!("`{key}` must be a number")),
            };
            finite(key, v)?;
            nums.insert(key.as_str(), v);
        }
        let keys: Vec<&str> = nums.keys().copied().collect();
        let has = |k: &str| nums.contains_key(k);
        let get = |k: &str| nums[k];
        let only = |allowed: &[&str]| -> Result<(), String> {
            for k in &keys {
                if !allowed.contains(k) {
                    return Err(format!(
                        "unknown key `{k}` for dist = \"{name}\"; expected {}",
                        allowed.join(", ")
                    ));
                }
            }
            for a in allowed {
                if !has(a) {
                    return Err(format!(
                        "dist = \"{name}\" needs `{a}` (keys: {})",
                        allowed.join(", ")
                    ));
                }
            }
            Ok(())
        };
        let kind = match name {
            "fixed" => {
                only(&["value"])?;
                Kind::Fixed(get("value"))
            }
            "uniform" => {
                only(&["min", "max"])?;
                let (min, max) = (get("min"), get("max"));
                if min >= max {
                    return Err(format!("uniform needs min < max, got min = {min}, max = {max}"));
                }
                Kind::Uniform { min, max }
            }
            "triangular" | "pert" => {
                only(&["min", "mode", "max"])?;
                let (min, mode, max) = (get("min"), get("mode"), get("max"));
                if !(min < max && min <= mode && mode <= max) {
                    return Err(format!(
                        "{name} needs min <= mode <= max and min < max, got min = {min}, mode = {mode}, max = {max}"
                    ));
                }
                if name == "pert" {
                    Kind::Pert { min, mode, max }
                } else {
                    Kind::Triangular { min, mode, max }
                }
            }
            "normal" => {
                only(&["mean", "sd"])?;
                let sd = get("sd");
                if sd <= 0.0 {
                    return Err(format!("normal needs sd > 0, got sd = {sd}"));
                }
                Kind::Normal {
                    mean: get("mean"),
                    sd,
                }
            }
            "lognormal" => {
                if has("median") || has("p95") {
                    only(&["median", "p95"])?;
                    let (median, p95) = (get("median"), get("p95"));
                    if median <= 0.0 || p95 <= median {
                        return Err(format!(
                            "lognormal needs 0 < median < p95, got median = {median}, p95 = {p95}"
                        ));
                    }
                    Kind::LogNormal {
                        mu: median.ln(),
                        sigma: (p95.ln() - median.ln()) / Z95,
                    }
                } else {
                    only(&["mean", "sd"])?;
                    let (mean, sd) = (get("mean"), get("sd"));
                    if mean <= 0.0 || sd <= 0.0 {
                        return Err(format!(
                            "lognormal needs mean > 0 and sd > 0 (or median and p95), got mean = {mean}, sd = {sd}"
                        ));
                    }
                    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                    Kind::LogNormal {
                        mu: mean.ln() - sigma2 / 2.0,
                        sigma: sigma2.sqrt(),
                    }
                }
            }
            "beta" => {
                if has("alpha") || has("beta") {
                    only(&["alpha", "beta"])?;
                    let (alpha, beta) = (get("alpha"), get("beta"));
                    if alpha <= 0.0 || beta <= 0.0 {
                        return Err(format!(
                            "beta needs alpha > 0 and beta > 0, got alpha = {alpha}, beta = {beta}"
                        ));
                    }
                    Kind::Beta { alpha, beta }
                } else {
                    only(&["mean", "sd"])?;
                    let (mean, sd) = (get("mean"), get("sd"));
                    if !(mean > 0.0 && mean < 1.0) {
                        return Err(format!("beta needs 0 < mean < 1, got mean = {mean}"));
                    }
                    let max_sd = (mean * (1.0 - mean)).sqrt();
                    if sd <= 0.0 || sd >= max_sd {
                        return Err(format!(
                            "beta with mean = {mean} needs 0 < sd < {max_sd:.4} (sqrt(mean*(1-mean))), got sd = {sd}; lower sd or use another distribution"
                        ));
                    }
                    let nu = mean * (1.0 - mean) / (sd * sd) - 1.0;
                    Kind::Beta {
                        alpha: mean * nu,
                        beta: (1.0 - mean) * nu,
                    }
                }
            }
            "gamma" => {
                if has("shape") || has("scale") {
                    only(&["shape", "scale"])?;
                    let (shape, scale) = (get("shape"), get("scale"));
                    if shape <= 0.0 || scale <= 0.0 {
                        return Err(format!(
                            "gamma needs shape > 0 and scale > 0, got shape = {shape}, scale = {scale}"
                        ));
                    }
                    Kind::Gamma { shape, scale }
                } else {
                    only(&["mean", "sd"])?;
                    let (mean, sd) = (get("mean"), get("sd"));
                    if mean <= 0.0 || sd <= 0.0 {
                        return Err(format!(
                            "gamma needs mean > 0 and sd > 0, got mean = {mean}, sd = {sd}"
                        ));
                    }
                    Kind::Gamma {
                        shape: (mean / sd).powi(2),
                        scale: sd * sd / mean,
                    }
                }
            }
            other => {
                return Err(format!(
                "unknown dist \"{other}\"; use fixed, uniform, triangular, normal, lognormal, beta, gamma or pert"
            ))
            }
        };
        Ok(Dist { kind })
    }

    /// One draw: the quantile at one open uniform from `rng`, so a draw is a monotone function
    /// of its uniform and depends only on `rng`, which the engine keys by the parameter's name.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if let Kind::Fixed(v) = self.kind {
            return v;
        }
        self.quantile(open_uniform(rng))
    }

    /// The quantile at `u` in (0, 1): how the engine turns a latent standard normal (through its
    /// CDF) into a parameter, so the calibration can move parameters on one common scale. Beta,
    /// gamma and PERT invert their CDF numerically (statrs).
    pub fn quantile(&self, u: f64) -> f64 {
        use statrs::distribution::ContinuousCDF;
        let u = u.clamp(1e-12, 1.0 - 1e-12);
        match self.kind {
            Kind::Fixed(v) => v,
            Kind::Uniform { min, max } => min + (max - min) * u,
            Kind::Triangular { min, mode, max } => {
                let (range, left) = (max - min, mode - min);
                if u * range < left {
                    min + (u * range * left).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Kind::Normal { mean, sd } => mean + sd * normal_quantile(u),
            Kind::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(u)).exp(),
            // Parameters were validated at construction, so the constructors cannot fail.
            Kind::Beta { alpha, beta } => statrs::distribution::Beta::new(alpha, beta)
                .expect("validated")
                .inverse_cdf(u),
            Kind::Gamma { shape, scale } => statrs::distribution::Gamma::new(shape, 1.0 / scale)
                .expect("validated")
                .inverse_cdf(u),
            Kind::Pert { min, mode, max } => {
                let (a, b) = pert_shape(min, mode, max);
                min + (max - min)
                    * statrs::distribution::Beta::new(a, b)
                        .expect("validated")
                        .inverse_cdf(u)
            }
        }
    }

    /// The mean: the "central value" used where one number is needed.
    pub fn mean(&self) -> f64 {
        match self.kind {
            Kind::Fixed(v) => v,
            Kind::Uniform { min, max } => (min + max) / 2.0,
            Kind::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Kind::Normal { mean, .. } => mean,
            Kind::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Kind::Beta { alpha, beta } => alpha / (alpha + beta),
            Kind::Gamma { shape, scale } => shape * scale,
            Kind::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
        }
    }

    /// Whether the draws can vary.
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }

    /// The range the draws fall in (normal: mean ± 5 sd).
    pub fn support(&self) -> (f64, f64) {
        match self.kind {
            Kind::Fixed(v) => (v, v),
            Kind::Uniform { min, max }
            | Kind::Triangular { min, max, .. }
            | Kind::Pert { min, max, .. } => (min, max),
            Kind::Normal { mean, sd } => (mean - NORMAL_TAIL_SD * sd, mean + NORMAL_TAIL_SD * sd),
            Kind::LogNormal { .. } | Kind::Gamma { .. } => (0.0, f64::INFINITY),
            Kind::Beta { .. } => (0.0, 1.0),
        }
    }

    /// Check that every draw lies in `[lo, hi]`.
    ///
    /// # Errors
    /// When part of the support lies outside, with the range found.
    pub fn check_domain(&self, lo: f64, hi: f64) -> Result<(), String> {
        let (a, b) = self.support();
        if a < lo || b > hi {
            let what = if self.is_fixed() {
                format!("the value {a}")
            } else {
                format!("draws range over [{a:.4}, {b:.4}]")
            };
            Err(format!(
                "{what} but the parameter must lie in [{lo}, {hi}]; narrow the distribution"
            ))
        } else {
            Ok(())
        }
    }
}

/// A uniform in [0, 1).
/// A uniform in (0, 1): the normal quantile is finite.
fn open_uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // 53 random bits centred in their cell: never 0, never 1.
    ((rand::RngExt::random::<u64>(rng) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + 4.0 * (mode - min) / range,
        1.0 + 4.0 * (max - mode) / range,
    )
}

fn finite(key: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("`{key}` must be a finite number, got {v}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn table(s: &str) -> toml::Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn sample_means_match_analytic_means() {
        let specs = [
            "dist='uniform'\nmin=2\nmax=4",
            "dist='triangular'\nmin=40\nmode=50\nmax=60",
            "dist='normal'\nmean=1\nsd=0.1",
            "dist='lognormal'\nmedian=3\np95=5",
            "dist='lognormal'\nmean=3\nsd=1",
            "dist='beta'\nmean=0.7\nsd=0.05",
            "dist='gamma'\nmean=2\nsd=0.5",
            "dist='pert'\nmin=1\nmode=2\nmax=5",
            "dist='pert'\nmin=1\nmode=1\nmax=5",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for spec in specs {
            let d = Dist::from_table(&table(spec)).unwrap();
            let n = 200_000;
            let m: f64 = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
            assert!(
                (m - d.mean()).abs() < 0.01 * d.mean().abs().max(1.0),
                "{spec}: sample mean {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn lognormal_median_and_p95_are_respected() {
        let d = Dist::from_table(&table("dist='lognormal'\nmedian=3\np95=5")).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut xs: Vec<f64> = (0..100_000).map(|_| d.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        assert!((xs[50_000] - 3.0).abs() < 0.05);
        assert!((xs[95_000] - 5.0).abs() < 0.1);
    }

    #[test]
    fn impossible_distributions_are_rejected() {
        for (spec, needle) in [
            ("dist='beta'\nmean=0.7\nsd=0.5", "sd <"),
            ("dist='beta'\nmean=1.2\nsd=0.1", "0 < mean < 1"),
            (
                "dist='triangular'\nmin=5\nmode=1\nmax=4",
                "min <= mode <= max",
            ),
            ("dist='uniform'\nmin=5\nmax=5", "min < max"),
            ("dist='normal'\nmean=1\nsd=-1", "sd > 0"),
            ("dist='gamma'\nmean=0\nsd=1", "mean > 0"),
            ("dist='lognormal'\nmedian=3\np95=2", "median < p95"),
            ("dist='weibull'\nk=1", "unknown dist"),
            ("dist='normal'\nmean=1", "needs `sd`"),
            ("dist='normal'\nmean=1\nsd=1\nmode=2", "unknown key `mode`"),
            ("mean=1", "needs `dist"),
        ] {
            let err = Dist::from_table(&table(spec)).unwrap_err();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }

    #[test]
    fn domain_check_catches_shares_outside_unit_interval() {
        let d = Dist::from_table(&table("dist='normal'\nmean=0.9\nsd=0.1")).unwrap();
        assert!(d.check_domain(0.0, 1.0).is_err());
        let d = Dist::from_table(&table("dist='beta'\nmean=0.9\nsd=0.05")).unwrap();
        assert!(d.check_domain(0.0, 1.0).is_ok());
    }
}
