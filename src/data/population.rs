//! The population by year, sex and single year of age (CBS `year, sex, age, population`): the
//! record type and its reader, with bounds on cells and a warning for implausible jumps.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::notes::Note;
use super::table::{Read, Table};
use super::InputError;

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

    pub fn get(&self, year: i32) -> Option<&[[f64; OLDEST_AGE + 1]; 2]> {
        self.years.get(&year)
    }
}

/// The most people one year-sex-age cell of the population may hold: the Netherlands has about
/// 130,000 per sex and year of age, so more is a typo (and would stall the samplers).
pub const MAX_POPULATION_CELL: f64 = 2_000_000.0;

/// A population cell that changes by more than this share from one year to the next is reported.
pub const POPULATION_JUMP: f64 = 0.5;

pub(crate) fn sex(table: &Table, row: usize, col: usize) -> Result<Sex, InputError> {
    match table.text(row, col)? {
        "M" | "m" | "male" | "man" => Ok(Sex::Male),
        "F" | "f" | "V" | "v" | "female" | "vrouw" => Ok(Sex::Female),
        other => Err(table.error(row, format!("`sex` is \"{other}\"; use M or F"))),
    }
}

/// Read the CBS population table: `year, sex, age, population`.
///
/// # Errors
/// See `parse_population`.
pub fn read_population(path: &Path) -> Result<Population, InputError> {
    Ok(population_from(&Table::read(path)?)?.value)
}

/// Parse a population table: one row per year, sex and age (ages past 99 join 99).
///
/// # Errors
/// Missing columns, bad cells, a cell above `MAX_POPULATION_CELL`, a year-sex-age given twice
/// (naming both lines), no rows.
pub fn parse_population(path: &Path, bytes: Vec<u8>) -> Result<Read<Population>, InputError> {
    population_from(&Table::parse(path, bytes)?)
}

pub fn population_from(t: &Table) -> Result<Read<Population>, InputError> {
    let c = t.require(&["year", "sex", "age", "population"])?;
    let mut pop = Population::default();
    let mut seen: HashMap<(i32, Sex, i32), usize> = HashMap::with_capacity(t.rows());
    for row in 0..t.rows() {
        let year = t.whole(row, c[0], 1800..=2300)?;
        let sex = sex(t, row, c[1])?;
        let age = t.whole(row, c[2], 0..=130)?;
        let count = t.bounded(
            row,
            c[3],
            MAX_POPULATION_CELL,
            "people of one year of age and sex in the whole country",
        )?;
        if let Some(first) = seen.insert((year, sex, age), t.line(row)) {
            return Err(t.error(
                row,
                format!(
                    "year {year}, sex {}, age {age} appears twice (also on line {first}); give each year, sex and age once",
                    sex.code()
                ),
            ));
        }
        pop.add(year, sex, age as usize, count);
    }
    if t.rows() == 0 {
        return Err(InputError::File {
            path: t.path.clone(),
            message: "no rows below the header; give one row per year, sex and age".into(),
        });
    }
    let warnings = population_jumps(&t.path, &pop).into_iter().collect();
    Ok(Read {
        value: pop,
        format: t.format(),
        rows: t.rows(),
        warnings,
    })
}

/// One warning for every cell that changes by more than `POPULATION_JUMP` from one year to the
/// next: the number of such cells and the largest.
fn population_jumps(path: &Path, pop: &Population) -> Option<Note> {
    let years: Vec<i32> = pop.years().collect();
    let mut cells = 0;
    let mut worst: Option<(f64, Note)> = None;
    for pair in years.windows(2).filter(|p| p[1] == p[0] + 1) {
        for sex in [Sex::Male, Sex::Female] {
            for age in 0..=OLDEST_AGE {
                let (Some(before), Some(after)) =
                    (pop.cell(pair[0], sex, age), pop.cell(pair[1], sex, age))
                else {
                    continue;
                };
                // Small cells (the very old) vary a lot in relative terms without any error.
                if before.max(after) < 100.0 {
                    continue;
                }
                let change = if before > 0.0 {
                    (after - before).abs() / before
                } else {
                    f64::INFINITY
                };
                if change > POPULATION_JUMP {
                    cells += 1;
                    if worst.as_ref().is_none_or(|(w, _)| change > *w) {
                        let note = Note::PopulationJumps {
                            file: path.display().to_string(),
                            cells: 0,
                            threshold: POPULATION_JUMP,
                            year: pair[1],
                            sex: sex.code().to_string(),
                            age,
                            before,
                            after,
                        };
                        worst = Some((change, note));
                    }
                }
            }
        }
    }
    let (_, mut note) = worst?;
    if let Note::PopulationJumps { cells: n, .. } = &mut note {
        *n = cells;
    }
    Some(note)
}
