//! People with dementia from population × prevalence: `D(t) = Σ P(a,s,t) · π(a,s)`, linear
//! between CBS's 1 January figures, with one prevalence multiplier per iteration (the bands share
//! their uncertainty) and an optional trend per decade.

use std::collections::BTreeMap;

/// Sex as CBS codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The code in the input files: M or F.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

/// The oldest single year of age CBS publishes; it holds everyone that age and older.
pub const OLDEST_AGE: usize = 99;

/// Population on 1 January by year, sex and single year of age (0..=99, 99 = 99 and older).
#[derive(Debug, Clone, Default)]
pub struct Population {
    years: BTreeMap<i32, [[f64; OLDEST_AGE + 1]; 2]>,
    /// Which cells a file gave, so that a missing age is an error rather than a silent zero.
    known: BTreeMap<i32, [[bool; OLDEST_AGE + 1]; 2]>,
}

impl Population {
    /// Add one count. Counts for the same cell add up (ages past 99 join the 99-and-older cell).
    pub fn add(&mut self, year: i32, sex: Sex, age: usize, count: f64) {
        let age = age.min(OLDEST_AGE);
        let entry = self.years.entry(year).or_insert([[0.0; OLDEST_AGE + 1]; 2]);
        entry[sex as usize][age] += count;
        self.known
            .entry(year)
            .or_insert([[false; OLDEST_AGE + 1]; 2])[sex as usize][age] = true;
    }

    /// First and last year with figures.
    pub fn year_range(&self) -> Option<(i32, i32)> {
        Some((*self.years.keys().next()?, *self.years.keys().next_back()?))
    }

    /// The years with figures, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether every year from `first` to `last` has figures.
    pub fn covers(&self, first: i32, last: i32) -> bool {
        (first..=last).all(|y| self.years.contains_key(&y))
    }

    /// The count of one cell, `None` when no row gave it.
    pub fn cell(&self, year: i32, sex: Sex, age: usize) -> Option<f64> {
        let age = age.min(OLDEST_AGE);
        let known = self.known.get(&year)?[sex as usize][age];
        known.then(|| self.years[&year][sex as usize][age])
    }

    /// The first sex and age in `ages` without a figure in `year` (a year without any figures
    /// is not checked here: see `covers`).
    pub fn missing(
        &self,
        year: i32,
        ages: std::ops::RangeInclusive<usize>,
    ) -> Option<(Sex, usize)> {
        let known = self.known.get(&year)?;
        [Sex::Male, Sex::Female].into_iter().find_map(|sex| {
            ages.clone()
                .find(|&a| !known[sex as usize][a.min(OLDEST_AGE)])
                .map(|a| (sex, a))
        })
    }

    /// Inhabitants aged `min_age` and over on 1 January of `year`.
    pub fn aged(&self, year: i32, min_age: usize) -> f64 {
        self.years
            .get(&year)
            .map(|p| p.iter().map(|s| s[min_age..].iter().sum::<f64>()).sum())
            .unwrap_or(0.0)
    }

    fn get(&self, year: i32) -> Option<&[[f64; OLDEST_AGE + 1]; 2]> {
        self.years.get(&year)
    }
}

/// One prevalence band: ages `age_min..=age_max` (open-ended when `age_max` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct PrevalenceBand {
    pub age_min: usize,
    pub age_max: Option<usize>,
    pub sex: Sex,
    /// Share with dementia (0.07 = 7%).
    pub rate: f64,
}

/// Prevalence by age band and sex, expanded to single years of age.
#[derive(Debug, Clone)]
pub struct Prevalence {
    by_age: [[f64; OLDEST_AGE + 1]; 2],
    bands: Vec<PrevalenceBand>,
}

impl Prevalence {
    /// Expand bands to single years of age.
    ///
    /// # Errors
    /// Overlapping bands (naming both), and rates outside [0, 1].
    pub fn new(bands: Vec<PrevalenceBand>) -> Result<Self, String> {
        let mut by_age = [[f64::NAN; OLDEST_AGE + 1]; 2];
        for band in &bands {
            if !(0.0..=1.0).contains(&band.rate) {
                return Err(format!(
                    "prevalence {} for ages {}+ is outside 0-100%",
                    band.rate * 100.0,
                    band.age_min
                ));
            }
            let max = band.age_max.unwrap_or(OLDEST_AGE).min(OLDEST_AGE);
            if max < band.age_min {
                return Err(format!(
                    "band {}-{} ends before it starts",
                    band.age_min, max
                ));
            }
            let row = &mut by_age[band.sex as usize];
            for (age, cell) in row.iter_mut().enumerate().take(max + 1).skip(band.age_min) {
                if !cell.is_nan() {
                    return Err(format!(
                        "bands overlap at age {age} for {:?}; each age may be in one band per sex",
                        band.sex
                    ));
                }
                *cell = band.rate;
            }
        }
        for row in by_age.iter_mut() {
            for cell in row.iter_mut() {
                if cell.is_nan() {
                    // Ages outside every band (the young) count as without dementia.
                    *cell = 0.0;
                }
            }
        }
        Ok(Prevalence { by_age, bands })
    }

    /// The bands as read.
    pub fn bands(&self) -> &[PrevalenceBand] {
        &self.bands
    }

    /// Expected people with dementia aged `min_age`+ in a population of one year, at the
    /// published rates.
    fn cases(&self, pop: &[[f64; OLDEST_AGE + 1]; 2], min_age: usize) -> f64 {
        (0..2)
            .map(|s| {
                (min_age..=OLDEST_AGE)
                    .map(|a| pop[s][a] * self.by_age[s][a])
                    .sum::<f64>()
            })
            .sum()
    }
}

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
