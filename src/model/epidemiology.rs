//! People with dementia from population × prevalence: `D(t) = Σ P(a,s,t) · π(a,s)`, linear
//! between CBS's 1 January figures, with one prevalence multiplier per iteration (the bands share
//! their uncertainty) and an optional trend per decade.

use crate::data::{Population, Prevalence};

/// People with dementia per 1 January at the published rates (multiplier 1, no trend), the
/// yearly series that everything in the engine interpolates.
#[derive(Debug, Clone)]
pub struct DementiaSeries {
    first_year: i32,
    cases: Vec<f64>,
    /// Crude prevalence among inhabitants 65+ (people with dementia 65+ / inhabitants 65+).
    crude_65plus: Vec<f64>,
    population_65plus: Vec<f64>,
}

impl DementiaSeries {
    /// Apply prevalence to every year of population from `first` to `last`.
    ///
    /// # Errors
    /// When a year is missing from the population.
    pub fn new(
        population: &Population,
        prevalence: &Prevalence,
        first: i32,
        last: i32,
    ) -> Result<Self, String> {
        let mut cases = Vec::new();
        let mut crude = Vec::new();
        let mut p65 = Vec::new();
        for year in first..=last {
            let pop = population
                .get(year)
                .ok_or_else(|| format!("the population has no figures for {year}"))?;
            cases.push(prevalence.cases(pop, 0));
            let p = population.aged(year, 65);
            crude.push(if p > 0.0 {
                prevalence.cases(pop, 65) / p
            } else {
                0.0
            });
            p65.push(p);
        }
        Ok(DementiaSeries {
            first_year: first,
            cases,
            crude_65plus: crude,
            population_65plus: p65,
        })
    }

    /// People with dementia at time `t` in years (2018.0 = 1 January 2018), linear between
    /// 1 January figures; flat beyond the last year.
    pub fn at(&self, t: f64) -> f64 {
        let x = t - self.first_year as f64;
        let last = self.cases.len() - 1;
        if x <= 0.0 {
            return self.cases[0];
        }
        let i = x.floor() as usize;
        if i >= last {
            return self.cases[last];
        }
        let f = x - i as f64;
        self.cases[i] * (1.0 - f) + self.cases[i + 1] * f
    }

    /// Crude 65+ prevalence on 1 January of `year` at the published rates.
    pub fn crude_65plus(&self, year: i32) -> f64 {
        self.crude_65plus[self.index(year)]
    }

    /// Inhabitants 65+ on 1 January of `year`.
    pub fn population_65plus(&self, year: i32) -> f64 {
        self.population_65plus[self.index(year)]
    }

    fn index(&self, year: i32) -> usize {
        ((year - self.first_year).max(0) as usize).min(self.cases.len() - 1)
    }
}

/// Multiplier on age-specific prevalence `years` after the base year for a trend per decade.
pub fn trend_factor(trend_per_decade: f64, years: f64) -> f64 {
    (1.0 + trend_per_decade).powf(years / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{PrevalenceBand, Sex, OLDEST_AGE};

    fn band(age_min: usize, age_max: Option<usize>, sex: Sex, rate: f64) -> PrevalenceBand {
        PrevalenceBand {
            age_min,
            age_max,
            sex,
            rate,
        }
    }

    fn toy() -> (Population, Prevalence) {
        let mut pop = Population::default();
        for year in [2018, 2019] {
            let scale = if year == 2018 { 1.0 } else { 2.0 };
            pop.add(year, Sex::Male, 70, 1000.0 * scale);
            pop.add(year, Sex::Female, 85, 500.0 * scale);
            pop.add(year, Sex::Female, 40, 9999.0);
        }
        let prev = Prevalence::new(vec![
            band(65, Some(79), Sex::Male, 0.1),
            band(80, None, Sex::Female, 0.2),
        ])
        .unwrap();
        (pop, prev)
    }

    #[test]
    fn cases_are_population_times_rates_and_interpolate_linearly() {
        let (pop, prev) = toy();
        let s = DementiaSeries::new(&pop, &prev, 2018, 2019).unwrap();
        assert!((s.at(2018.0) - 200.0).abs() < 1e-9);
        assert!((s.at(2019.0) - 400.0).abs() < 1e-9);
        assert!((s.at(2018.25) - 250.0).abs() < 1e-9);
        assert!((s.crude_65plus(2018) - 200.0 / 1500.0).abs() < 1e-12);
    }

    #[test]
    fn overlapping_bands_are_rejected() {
        let err = Prevalence::new(vec![
            band(65, Some(79), Sex::Male, 0.1),
            band(75, None, Sex::Male, 0.2),
        ])
        .unwrap_err();
        assert!(err.contains("overlap at age 75"));
    }

    #[test]
    fn missing_cells_are_found_and_old_ages_join_the_oldest() {
        let mut pop = Population::default();
        for age in 60..=104 {
            pop.add(2018, Sex::Male, age, 1.0);
            if age != 87 {
                pop.add(2018, Sex::Female, age, 1.0);
            }
        }
        assert_eq!(pop.missing(2018, 60..=OLDEST_AGE), Some((Sex::Female, 87)));
        assert_eq!(pop.missing(2018, 88..=OLDEST_AGE), None);
        assert_eq!(pop.missing(2019, 60..=OLDEST_AGE), None);
        assert_eq!(pop.cell(2018, Sex::Male, OLDEST_AGE), Some(6.0));
        assert_eq!(pop.cell(2018, Sex::Female, 87), None);
    }

    #[test]
    fn trend_compounds_per_decade() {
        assert!((trend_factor(-0.13, 10.0) - 0.87).abs() < 1e-12);
        assert!((trend_factor(-0.13, 20.0) - 0.87 * 0.87).abs() < 1e-12);
    }
}
