#![no_main]
//! The input-table readers on arbitrary bytes: population, prevalence, chain data, actuals and
//! projections by others.
//! Each returns a value or a one-line error; none may panic, hang or allocate without bound.
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    let _ = omvang::data::parse_population(path, data.to_vec());
    let _ = omvang::data::parse_prevalence(path, data.to_vec());
    let _ = omvang::data::parse_chains(path, data.to_vec());
    let _ = omvang::data::parse_actuals(path, data.to_vec());
    let _ = omvang::data::parse_projections(path, data.to_vec());
});
