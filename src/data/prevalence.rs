//! Dementia prevalence by age band and sex (`age_min, age_max, sex, prevalence_percent`): the
//! record types, expanded to single years of age, and their reader.

use std::path::Path;

use super::population::{sex, Sex, OLDEST_AGE};
use super::table::{Read, Table};
use super::InputError;

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
    pub fn cases(&self, pop: &[[f64; OLDEST_AGE + 1]; 2], min_age: usize) -> f64 {
        (0..2)
            .map(|s| {
                (min_age..=OLDEST_AGE)
                    .map(|a| pop[s][a] * self.by_age[s][a])
                    .sum::<f64>()
            })
            .sum()
    }
}

/// Read prevalence bands: `age_min, age_max, sex, prevalence_percent` (empty `age_max` = open).
///
/// # Errors
/// See `parse_prevalence`.
pub fn read_prevalence(path: &Path) -> Result<Prevalence, InputError> {
    Ok(prevalence_from(&Table::read(path)?)?.value)
}

/// Parse prevalence bands. Per sex the bands must follow each other without gap or overlap up
/// to age 99 (an open last band); ages below the first band count as without dementia.
///
/// # Errors
/// Missing columns, bad cells, a band given twice, overlapping bands, a gap between bands, a
/// last band that stops before 99, a sex without bands: each with its line(s).
pub fn parse_prevalence(path: &Path, bytes: Vec<u8>) -> Result<Read<Prevalence>, InputError> {
    prevalence_from(&Table::parse(path, bytes)?)
}

pub fn prevalence_from(t: &Table) -> Result<Read<Prevalence>, InputError> {
    let c = t.require(&["age_min", "age_max", "sex", "prevalence_percent"])?;
    // (band, its data row)
    let mut bands: Vec<(PrevalenceBand, usize)> = Vec::new();
    for row in 0..t.rows() {
        let age_min = t.whole(row, c[0], 0..=130)? as usize;
        let age_max = match t.cell(row, c[1]) {
            None => None,
            Some(_) => Some(t.whole(row, c[1], 0..=130)? as usize),
        };
        if age_max.is_some_and(|m| m < age_min) {
            return Err(t.error(
                row,
                format!(
                    "the band ends (age_max {}) before it starts (age_min {age_min}); swap them",
                    age_max.unwrap_or(0)
                ),
            ));
        }
        let rate = t.count(row, c[3])? / 100.0;
        if rate > 1.0 {
            return Err(t.error(row, "`prevalence_percent` is above 100".into()));
        }
        let band = PrevalenceBand {
            age_min,
            age_max,
            sex: sex(t, row, c[2])?,
            rate,
        };
        if let Some((_, first)) = bands
            .iter()
            .find(|(b, _)| (b.sex, b.age_min, b.age_max) == (band.sex, band.age_min, band.age_max))
        {
            return Err(t.error(
                row,
                format!(
                    "band {} for sex {} appears twice (also on line {}); give each band once per sex",
                    band_name(&band),
                    band.sex.code(),
                    t.line(*first)
                ),
            ));
        }
        bands.push((band, row));
    }
    for sex in [Sex::Male, Sex::Female] {
        let mut own: Vec<&(PrevalenceBand, usize)> =
            bands.iter().filter(|(b, _)| b.sex == sex).collect();
        own.sort_by_key(|(b, _)| b.age_min);
        let Some(&&(ref last, last_row)) = own.last() else {
            return Err(InputError::File {
                path: t.path.clone(),
                message: format!(
                    "no bands for sex {}; give bands for both M and F",
                    sex.code()
                ),
            });
        };
        for pair in own.windows(2) {
            let ((before, before_row), (band, row)) = (pair[0], pair[1]);
            let end = before.age_max.unwrap_or(usize::MAX);
            if band.age_min <= end {
                return Err(t.error(
                    *row,
                    format!(
                        "band {} overlaps band {} on line {} for sex {}; each age may be in one band per sex",
                        band_name(band),
                        band_name(before),
                        t.line(*before_row),
                        sex.code()
                    ),
                ));
            }
            if band.age_min > end + 1 {
                return Err(t.error(
                    *row,
                    format!(
                        "ages {}-{} of sex {} are in no band (the band on line {} ends at {end}, this one starts at {}); add a band for them",
                        end + 1,
                        band.age_min - 1,
                        sex.code(),
                        t.line(*before_row),
                        band.age_min
                    ),
                ));
            }
        }
        if let Some(end) = last.age_max.filter(|&m| m < OLDEST_AGE) {
            return Err(t.error(
                last_row,
                format!(
                    "the last band of sex {} ends at {end}, so ages {}-{OLDEST_AGE} have no prevalence; leave its age_max empty to make it open-ended",
                    sex.code(),
                    end + 1
                ),
            ));
        }
    }
    let prevalence =
        Prevalence::new(bands.into_iter().map(|(b, _)| b).collect()).map_err(|message| {
            InputError::File {
                path: t.path.clone(),
                message,
            }
        })?;
    Ok(Read {
        value: prevalence,
        format: t.format(),
        rows: t.rows(),
        warnings: Vec::new(),
    })
}

pub fn band_name(b: &PrevalenceBand) -> String {
    match b.age_max {
        Some(m) => format!("{}-{m}", b.age_min),
        None => format!("{}+", b.age_min),
    }
}
