//! What a run keeps: per iteration its drawn inputs and a fixed set of outcome columns (f32), and
//! per metric and period a sketch of the quantiles, filled by each worker and merged at the end.

use crate::model::metrics::{Metric, N_METRICS, N_MONTHLY};
use crate::model::particle::PooledDraw;
use crate::model::sketch::Sketch;
use crate::scenario::ParameterDraw;

/// One iteration's draws and outcomes.
#[derive(Debug, Clone)]
pub struct IterationResult {
    pub parameters: ParameterDraw,
    pub pooled: PooledDraw,
    /// `[year][metric]`, years from the base year to the horizon.
    pub yearly: Vec<[f64; N_METRICS]>,
    /// `[month][metric]`, months from January of the base year to December of the horizon.
    pub monthly: Vec<[f64; N_MONTHLY]>,
}

impl IterationResult {
    pub fn value(&self, metric: Metric, year_index: usize) -> f64 {
        self.yearly[year_index][metric as usize]
    }
}

/// A column of `draws.parquet` beside the drawn inputs: a metric in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawColumn {
    pub metric: Metric,
    /// Index into [`Model::years`](crate::model::build::Model::years).
    pub year_index: usize,
}

/// The outcome columns kept per iteration: every metric in the base year (the state each
/// iteration starts from), the key metrics at the horizon, and the waiting list in every year
/// (for the paired differences over time). Everything else is summarised on the fly.
pub fn draw_columns(years: usize) -> Vec<DrawColumn> {
    let mut columns = Vec::new();
    for y in 0..years {
        for &metric in Metric::ALL {
            let keep = if y == 0 {
                true
            } else if metric.base_year_only() {
                false
            } else if y + 1 == years {
                Metric::KEY.contains(&metric)
            } else {
                metric == Metric::WaitingList
            };
            if keep {
                columns.push(DrawColumn {
                    metric,
                    year_index: y,
                });
            }
        }
    }
    columns
}

/// Iterations a worker collects before adding them to its sketches: adding one sketch's values
/// together keeps its buckets in cache (one iteration at a time touches thousands of them).
pub(super) const BATCH: usize = 128;

/// Per-metric, per-period sketches of a run, shared by its workers: each adds its iterations a
/// [`Batch`] at a time. Counts and exact sums, so the order of the batches does not matter.
#[derive(Debug, Clone)]
pub(super) struct Summaries {
    /// `[metric][year]`.
    yearly: Vec<Sketch>,
    /// `[metric][month]`.
    monthly: Vec<Sketch>,
}

/// Values of up to [`BATCH`] iterations of one worker not yet in the sketches,
/// `[sketch][iteration]` (the yearly sketches first, then the monthly ones), so that adding
/// them reads each sketch's values in a row.
#[derive(Debug)]
pub(super) struct Batch {
    values: Vec<f64>,
    /// Iterations in `values`.
    len: usize,
}

impl Batch {
    pub(super) fn new(years: usize, months: usize) -> Self {
        Batch {
            values: vec![f64::NAN; (N_METRICS * years + N_MONTHLY * months) * BATCH],
            len: 0,
        }
    }

    /// Add one iteration; true when the batch is full.
    pub(super) fn push(&mut self, r: &IterationResult) -> bool {
        let (years, months) = (r.yearly.len(), r.monthly.len());
        let i = self.len;
        for (y, values) in r.yearly.iter().enumerate() {
            for (k, &v) in values.iter().enumerate() {
                self.values[(k * years + y) * BATCH + i] = v;
            }
        }
        let monthly = &mut self.values[N_METRICS * years * BATCH..];
        for (m, values) in r.monthly.iter().enumerate() {
            for (k, &v) in values.iter().enumerate() {
                monthly[(k * months + m) * BATCH + i] = v;
            }
        }
        self.len += 1;
        self.len == BATCH
    }
}

impl Summaries {
    pub(super) fn new(years: usize, months: usize) -> Self {
        Summaries {
            yearly: vec![Sketch::default(); N_METRICS * years],
            monthly: vec![Sketch::default(); N_MONTHLY * months],
        }
    }

    /// Add a worker's batch and empty it.
    pub(super) fn add(&mut self, batch: &mut Batch) {
        let n = std::mem::take(&mut batch.len);
        for (sketch, values) in self
            .yearly
            .iter_mut()
            .chain(self.monthly.iter_mut())
            .zip(batch.values.chunks_exact(BATCH))
        {
            for &v in &values[..n] {
                sketch.add(v);
            }
        }
    }
}

/// A finished run: every iteration's drawn inputs and its [`draw_columns`] (f32), and sketches
/// of every metric per year and month. Memory per iteration is a few hundred bytes; the
/// sketches grow only by the pages of buckets new values touch.
#[derive(Debug, Clone)]
pub struct RunResults {
    pub parameters: Vec<ParameterDraw>,
    pub pooled: Vec<PooledDraw>,
    pub columns: Vec<DrawColumn>,
    /// `[iteration][column]`, row-major.
    pub(super) outcomes: Vec<f32>,
    pub(super) years: usize,
    pub(super) months: usize,
    pub(super) summaries: Summaries,
}

impl RunResults {
    /// Number of iterations.
    pub fn len(&self) -> usize {
        self.parameters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty()
    }

    /// A kept outcome of one iteration.
    pub fn value(&self, iteration: usize, metric: Metric, year_index: usize) -> Option<f64> {
        let c = self
            .columns
            .iter()
            .position(|c| c.metric == metric && c.year_index == year_index)?;
        Some(self.outcomes[iteration * self.columns.len() + c] as f64)
    }

    /// A kept outcome of every iteration, in iteration order.
    pub fn column(&self, metric: Metric, year_index: usize) -> Option<Vec<f64>> {
        (0..self.len())
            .map(|i| self.value(i, metric, year_index))
            .collect()
    }

    /// Column `c` of [`RunResults::columns`] for every iteration.
    pub fn column_f32(&self, c: usize) -> Vec<f32> {
        self.outcomes
            .iter()
            .skip(c)
            .step_by(self.columns.len())
            .copied()
            .collect()
    }

    /// mean, p05 … p95 of a metric in a year (sketch: order statistics within 0.1%).
    pub fn yearly_stats(&self, metric: Metric, year_index: usize) -> [f64; 6] {
        self.summaries.yearly[metric as usize * self.years + year_index].stats()
    }

    /// mean, p05 … p95 of a metric in a month; None for a metric without a monthly series.
    pub fn monthly_stats(&self, metric: Metric, month: usize) -> Option<[f64; 6]> {
        let k = metric.monthly_index()?;
        Some(self.summaries.monthly[k * self.months + month].stats())
    }

    /// Bytes held: the per-iteration rows and the sketches.
    pub fn heap_bytes(&self) -> usize {
        let sketches: usize = self
            .summaries
            .yearly
            .iter()
            .chain(&self.summaries.monthly)
            .map(|s| s.heap_bytes() + std::mem::size_of::<Sketch>())
            .sum();
        self.parameters.capacity() * std::mem::size_of::<ParameterDraw>()
            + self.pooled.capacity() * std::mem::size_of::<PooledDraw>()
            + self.outcomes.capacity() * 4
            + sketches
    }
}
