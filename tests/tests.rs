//! One integration-test binary, so polars links once.

mod util;

mod architecture;
mod backtest;
mod browser;
mod cache;
mod calibration;
mod cli;
mod engine;
mod erlang;
mod forecasts;
mod inputs;
mod pooling;
mod projection;
mod report;
mod report_files;
mod safety;
mod sampling;
mod snapshot;
mod streams;
mod workforce;
