//! Stage 2: the pure engine. Rates per chain, pooling across chains, people with dementia over
//! time, the Monte Carlo and the monthly queue projection: no files, no printing, every random
//! number from a stream keyed by (seed, name, iteration).

pub mod backtest;
pub mod build;
pub mod chains;
pub mod clock;
pub mod epidemiology;
pub mod evaluation;
pub mod latent;
pub mod metrics;
pub mod observation;
pub mod particle;
pub mod parts;
pub mod pooling;
pub mod projection;
pub mod queue;
pub mod queues;
pub mod region;
pub mod results;
pub mod samplers;
pub mod simulate;
pub mod sketch;
pub mod smc;
pub mod stats;
pub mod streams;
pub mod summaries;
pub mod surrogate;
pub mod synthetic;
pub mod target;
pub mod weights;
pub mod workforce;
