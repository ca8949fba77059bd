//! What a run is doing while the user waits: a line when petal creates or
//! starts a PostgreSQL cluster, builds the canonical copy of the models
//! from nothing, or waits for another run. The binary decides where the
//! lines go (standard error); a library user that sets nothing sees none.

use std::sync::OnceLock;

static REPORTER: OnceLock<fn(&str)> = OnceLock::new();

/// Sends every progress line of this process to `reporter` (the first
/// call wins).
pub fn set_reporter(reporter: fn(&str)) {
    let _ = REPORTER.set(reporter);
}

/// Says what is happening, when a reporter is set.
pub fn say(line: &str) {
    if let Some(report) = REPORTER.get() {
        report(line);
    }
}
