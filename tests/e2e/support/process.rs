//! Running the `petal` binary as a user would: in a project directory, with
//! no colour and no `DATABASE_URL` from the environment of the test run.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// No petal command of these tests takes this long; a hung one fails its test
/// instead of hanging CI.
const TIMEOUT: Duration = Duration::from_secs(180);

/// What one run of `petal` did.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics, showing everything the run printed, unless it exited `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            code,
            "`petal {}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Run {
        self.assert_code(0)
    }

    /// Standard output and error together, for "does it mention" checks.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn assert_mentions(&self, needle: &str) -> &Run {
        assert!(
            self.output().contains(needle),
            "`petal {}` does not mention {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Builds the command for `petal ARGS` in `dir`, with `env` set on top of a
/// cleaned environment.
pub fn petal_command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_petal"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("PETAL_PG_BIN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// Runs `petal ARGS` in `dir` to completion.
pub fn run_petal(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let child = petal_command(dir, args, env)
        .spawn()
        .unwrap_or_else(|e| panic!("starting petal: {e}"));
    finish(child, args)
}

/// Waits for a started `petal` (killing it after [`TIMEOUT`]) and collects
/// its output.
pub fn finish(mut child: Child, args: &[&str]) -> Run {
    // Read both pipes on their own threads: a child filling one pipe while
    // we wait on the other would never exit.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`petal {}` did not finish within {TIMEOUT:?}",
                    args.join(" ")
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("waiting for petal: {e}"),
        }
    };
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        // A signal (no code) is never an expected outcome: -1 fails any assertion.
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}
