//! How each step of a migration runs, and the one reading of the settings
//! that say so (`lock_timeout`, `lock_attempts` in `petal.toml`, or a
//! service's own configuration).

use std::time::Duration;

/// How each step runs: the `lock_timeout` set in its transaction (`None`:
/// the server's own setting), and how many times a step that hit it is
/// run in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepPolicy {
    pub lock_timeout: Option<Duration>,
    pub attempts: u32,
}

impl Default for StepPolicy {
    /// A statement waits at most 5 s for a lock, and a step is tried three
    /// times: a migration never queues for long behind a long transaction
    /// while every reader of the table queues behind it.
    fn default() -> Self {
        StepPolicy {
            lock_timeout: Some(Duration::from_secs(5)),
            attempts: 3,
        }
    }
}

impl StepPolicy {
    /// The policy `lock_timeout` (a duration: `5s`, `500ms`; `0`: no limit)
    /// and `lock_attempts` (1 or more) say, over the defaults. The error
    /// names the setting at fault.
    pub fn from_settings(
        lock_timeout: Option<&str>,
        lock_attempts: Option<u32>,
    ) -> Result<StepPolicy, String> {
        let mut policy = StepPolicy::default();
        if let Some(text) = lock_timeout {
            let timeout = petal_migrate::parse_duration(text)
                .map_err(|why| format!("lock_timeout: {why}"))?;
            policy.lock_timeout = Some(timeout);
        }
        if let Some(attempts) = lock_attempts {
            if attempts == 0 {
                return Err("lock_attempts: a step runs at least once; write 1 or more".to_string());
            }
            policy.attempts = attempts;
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_over_the_defaults() {
        assert_eq!(
            StepPolicy::from_settings(None, None),
            Ok(StepPolicy::default())
        );
        let policy = StepPolicy::from_settings(Some("500ms"), Some(1)).expect("reads");
        assert_eq!(policy.lock_timeout, Some(Duration::from_millis(500)));
        assert_eq!(policy.attempts, 1);
        let zero = StepPolicy::from_settings(None, Some(0)).unwrap_err();
        assert!(zero.starts_with("lock_attempts:"), "{zero}");
        let bad = StepPolicy::from_settings(Some("soon"), None).unwrap_err();
        assert!(bad.starts_with("lock_timeout:"), "{bad}");
    }
}
