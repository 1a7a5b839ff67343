//! How every bench reads its runs: the median of several, in milliseconds,
//! and as a ratio to a peer's. Shared through `mod timing;`.

use std::time::Duration;

pub fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// `time` over `base`: above 1 when `time` is the slower.
pub fn ratio(time: Duration, base: Duration) -> f64 {
    time.as_secs_f64() / base.as_secs_f64()
}

/// The middle run: one run slowed by the machine's other work does not move it.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
