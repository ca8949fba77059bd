//! `PETAL_TIMINGS=1`: where a run's wall time goes, one line per phase on
//! standard error, for a user asking why a run is slow and for the
//! benchmarks. Off by default, and then free (one atomic load per phase).

use std::sync::OnceLock;
use std::time::Instant;

fn origin() -> Option<Instant> {
    static ORIGIN: OnceLock<Option<Instant>> = OnceLock::new();
    *ORIGIN.get_or_init(|| {
        std::env::var_os("PETAL_TIMINGS")
            .is_some_and(|v| !v.is_empty() && v != "0")
            .then(Instant::now)
    })
}

/// A phase under way; its line is printed when it is dropped.
pub struct Phase {
    what: &'static str,
    started: Option<Instant>,
}

/// Starts timing `what` (a few words: "scan the models").
pub fn phase(what: &'static str) -> Phase {
    Phase {
        what,
        started: origin().map(|_| Instant::now()),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let (Some(origin), Some(started)) = (origin(), self.started) {
            eprintln!(
                "petal timings: {:>7.1} ms at +{:>7.1} ms  {}",
                started.elapsed().as_secs_f64() * 1e3,
                started.duration_since(origin).as_secs_f64() * 1e3,
                self.what
            );
        }
    }
}
