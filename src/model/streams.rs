//! The random streams of an iteration's monthly flows, one per flow and regional queue, keyed by
//! the particle's history up to the policy start and by the output iteration after it.

use rand_chacha::ChaCha8Rng;

use crate::model::projection::{
    Flow, FlowUniforms, NationalFlow, FLOWS, MONTH_UNIFORMS, NATIONAL_FLOWS, REGIONS,
};
use crate::scenario::keyed_stream;
/// The random stream of iteration `i` for anything without a name of its own.
pub fn stream(seed: u64, iteration: u64) -> ChaCha8Rng {
    keyed_stream(seed, "iteration", iteration)
}

/// Keys of the flow streams, `[flow][region]`: the history's and the future's.
fn flow_keys() -> &'static [[[String; REGIONS]; FLOWS]; 2] {
    static KEYS: std::sync::OnceLock<[[[String; REGIONS]; FLOWS]; 2]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        [false, true].map(|future| {
            Flow::ALL.map(|f| {
                std::array::from_fn(|r| {
                    let key = if future { f.future_key() } else { f.key() };
                    format!("{key}.region{r}")
                })
            })
        })
    })
}

/// The monthly flows of one iteration: one keyed stream per flow and region, one draw a month.
/// Up to the policy start the streams are the history's (keyed by the particle's history key of
/// the region); from it they are the iteration's own future (keyed by the output iteration), so
/// iterations that share a calibrated history still have their own futures. The national flows
/// are the output iteration's own from the first month.
#[derive(Debug, Clone)]
pub struct FlowStreams {
    /// `[flow][region]` for the regions drawn (`regions`).
    streams: Vec<ChaCha8Rng>,
    /// One per [`NationalFlow`] where the projection splits exits by reason; none for the
    /// calibration's histories.
    national: Vec<ChaCha8Rng>,
    regions: std::ops::Range<usize>,
    seed: u64,
    future: u64,
    switch: usize,
    month: usize,
}

impl FlowStreams {
    pub fn new(seed: u64, history: &[u64; REGIONS], future: u64, switch: usize) -> Self {
        Self::for_regions(seed, history, future, switch, (0..REGIONS, true))
    }

    /// The regions' streams without the national ones, whose uniforms are left as they are: a
    /// calibration's history, which does not split exits by reason.
    pub fn regional(seed: u64, history: &[u64; REGIONS], future: u64, switch: usize) -> Self {
        Self::for_regions(seed, history, future, switch, (0..REGIONS, false))
    }

    /// The streams of region `r` alone: the other regions' uniforms and the national ones are
    /// left as they are (a calibration's renewal of one region's history).
    pub fn for_region(
        seed: u64,
        history: &[u64; REGIONS],
        future: u64,
        switch: usize,
        r: usize,
    ) -> Self {
        Self::for_regions(seed, history, future, switch, (r..r + 1, false))
    }

    fn for_regions(
        seed: u64,
        history: &[u64; REGIONS],
        future: u64,
        switch: usize,
        (regions, national): (std::ops::Range<usize>, bool),
    ) -> Self {
        let keys = &flow_keys()[0];
        let streams = (0..FLOWS)
            .flat_map(|f| regions.clone().map(move |r| (f, r)))
            .map(|(f, r)| keyed_stream(seed, &keys[f][r], history[r]))
            .collect();
        let national = if national {
            NationalFlow::ALL
                .iter()
                .map(|f| keyed_stream(seed, f.key(), future))
                .collect()
        } else {
            Vec::new()
        };
        FlowStreams {
            streams,
            national,
            regions,
            seed,
            future,
            switch,
            month: 0,
        }
    }
}

impl FlowUniforms for FlowStreams {
    fn next_month(&mut self, u: &mut [f64; MONTH_UNIFORMS]) {
        let regions = self.regions.clone();
        let per_flow = regions.len();
        if self.month == self.switch {
            let keys = &flow_keys()[1];
            for (k, stream) in self.streams.iter_mut().enumerate() {
                let (f, r) = (k / per_flow, regions.start + k % per_flow);
                *stream = keyed_stream(self.seed, &keys[f][r], self.future);
            }
        }
        self.month += 1;
        for (f, streams) in self.streams.chunks_exact_mut(per_flow).enumerate() {
            let row = &mut u[f * REGIONS + regions.start..f * REGIONS + regions.end];
            for (x, stream) in row.iter_mut().zip(streams) {
                *x = rand::RngExt::random::<f64>(stream);
            }
        }
        let national = &mut u[FLOWS * REGIONS..][..NATIONAL_FLOWS];
        for (x, stream) in national.iter_mut().zip(&mut self.national) {
            *x = rand::RngExt::random::<f64>(stream);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two iterations on one history share the history's regional uniforms but not the split of
    /// exits by reason, which is each output iteration's own from the first month; one renewed
    /// region leaves the national uniforms as they were.
    #[test]
    fn the_split_by_reason_is_the_output_iterations_own_from_the_first_month() {
        let history = [7u64; REGIONS];
        let month = |streams: &mut FlowStreams| {
            let mut u = [f64::NAN; MONTH_UNIFORMS];
            streams.next_month(&mut u);
            u
        };
        let (a, b) = (
            month(&mut FlowStreams::new(1, &history, 10, 60)),
            month(&mut FlowStreams::new(1, &history, 11, 60)),
        );
        let regional = FLOWS * REGIONS;
        assert_eq!(a[..regional], b[..regional]);
        assert!(a[regional..]
            .iter()
            .zip(&b[regional..])
            .all(|(x, y)| x != y));
        assert_eq!(a, month(&mut FlowStreams::new(1, &history, 10, 60)));
        let renewed = month(&mut FlowStreams::for_region(1, &history, 10, 60, 3));
        assert!(renewed[regional..].iter().all(|x| x.is_nan()));
        assert_eq!(renewed[REGIONS + 3], a[REGIONS + 3]);
    }

    #[test]
    fn streams_differ_per_iteration_and_repeat_per_seed() {
        use rand::RngExt;
        let a: u64 = stream(1, 0).random();
        let b: u64 = stream(1, 1).random();
        let c: u64 = stream(1, 0).random();
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
