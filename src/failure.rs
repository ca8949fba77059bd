//! What a command returns when it does not succeed: a message for the user
//! and the exit code (1: differences found, 2: an error).

use std::fmt;

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// An error: exit code 2.
    pub fn error(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// Differences found (`check`, `diff --exit-code`): exit code 1; the
    /// message was already printed, so it may be empty.
    pub fn differences(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<petal_engine::EngineError> for Failure {
    fn from(e: petal_engine::EngineError) -> Self {
        Failure::error(e.to_string())
    }
}
