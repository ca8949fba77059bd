//! Preparing and driving a cluster: directories and ownership, `initdb`,
//! the settings file, and running the server binaries as the server's user
//! with their output in log files.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{EmbeddedCluster, SUPERUSER};
use crate::error::PgError;

impl EmbeddedCluster {
    pub(super) fn prepare_dirs(&self) -> Result<(), PgError> {
        if let Some(parent) = self.base.parent()
            && !parent.exists()
        {
            fs::create_dir_all(parent).map_err(|e| PgError::io("creating", parent, e))?;
            // The server's user must be able to pass through, whatever
            // our umask.
            set_mode(parent, 0o755)?;
            if parent.file_name().is_some_and(|n| n == ".petal") {
                let ignore = parent.join(".gitignore");
                fs::write(&ignore, "# petal's local dev database\n*\n")
                    .map_err(|e| PgError::io("writing", &ignore, e))?;
            }
        }
        for dir in [&self.base, &self.socket_dir] {
            if !dir.exists() {
                fs::create_dir_all(dir).map_err(|e| PgError::io("creating", dir, e))?;
                // Trust authentication is safe only because nobody but the
                // server's user (and root) can reach the socket.
                set_mode(dir, 0o700)?;
            }
            self.give_to_server_user(dir)?;
        }
        if let Some(data) = &self.data {
            super::memory::prepare(data, &self.base, self.run_as.as_ref())?;
        }
        Ok(())
    }

    pub(super) fn lock(&self) -> Result<File, PgError> {
        let path = self.base.join("petal.lock");
        let file = File::create(&path).map_err(|e| PgError::io("creating", &path, e))?;
        file.lock().map_err(|e| PgError::io("locking", &path, e))?;
        Ok(file)
    }

    pub(super) fn initdb(&self) -> Result<(), PgError> {
        let data = self.data_dir();
        if data.exists() {
            // A directory without PG_VERSION is a failed initdb's leftover.
            fs::remove_dir_all(&data).map_err(|e| PgError::io("removing", &data, e))?;
        }
        // Made here, empty and the server's user's, for `initdb` to fill:
        // the server's user may not be able to write its parent (a data
        // directory in memory, see `memory.rs`).
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&data)
            .map_err(|e| PgError::io("creating", &data, e))?;
        self.give_to_server_user(&data)?;
        let args = [
            "-D",
            path_str(&data)?,
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
        ];
        self.run_logged("initdb", &args, "initdb.log")?;
        let conf = data.join("postgresql.conf");
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|e| PgError::io("opening", &conf, e))?;
        file.write_all(
            b"\n# petal's settings, rewritten on every start\ninclude_if_exists = 'petal.conf'\n",
        )
        .map_err(|e| PgError::io("writing", &conf, e))
    }

    pub(super) fn write_settings(&self) -> Result<(), PgError> {
        let socket_dir = path_str(&self.socket_dir)?;
        let mut settings = BTreeMap::from([
            ("listen_addresses".to_string(), String::new()),
            ("port".to_string(), self.port.to_string()),
            (
                "unix_socket_directories".to_string(),
                socket_dir.to_string(),
            ),
            ("unix_socket_permissions".to_string(), "0700".to_string()),
        ]);
        // Settings given with `with_setting` win, `listen_addresses` included.
        settings.extend(self.settings.clone());
        let mut text = String::from("# Written by petal on every start; changes here are lost.\n");
        for (name, value) in &settings {
            text.push_str(&format!("{name} = '{}'\n", value.replace('\'', "''")));
        }
        let path = self.data_dir().join("petal.conf");
        fs::write(&path, text).map_err(|e| PgError::io("writing", &path, e))?;
        self.give_to_server_user(&path)
    }

    /// Runs one of the server binaries as the server's user, its output
    /// going to `log_name` in the cluster directory: never to our standard
    /// output or error, which a caller may be piping.
    pub(super) fn run_logged(
        &self,
        program: &str,
        args: &[&str],
        log_name: &str,
    ) -> Result<(), PgError> {
        let log_path = self.base.join(log_name);
        let log = File::create(&log_path).map_err(|e| PgError::io("creating", &log_path, e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| PgError::io("opening", &log_path, e))?;
        let mut cmd = Command::new(self.bin_dir.join(program));
        cmd.args(args)
            .current_dir(&self.base)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        if let Some(user) = &self.run_as {
            cmd.uid(user.uid).gid(user.gid);
        }
        let command = format!("{program} {}", args.join(" "));
        let status = cmd.status().map_err(|e| PgError::Command {
            command: command.clone(),
            detail: format!(
                "could not run {}: {e}",
                self.bin_dir.join(program).display()
            ),
        })?;
        if status.success() {
            return Ok(());
        }
        let mut detail = format!("{status}; {}: {}", log_path.display(), tail(&log_path));
        if program == "pg_ctl" {
            let server_log = self.log_file();
            detail.push_str(&format!(
                "; {}: {}",
                server_log.display(),
                tail(&server_log)
            ));
        }
        Err(PgError::Command { command, detail })
    }

    pub(super) fn give_to_server_user(&self, path: &Path) -> Result<(), PgError> {
        match &self.run_as {
            Some(user) => std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
                .map_err(|e| PgError::io("changing the owner of", path, e)),
            None => Ok(()),
        }
    }
}

pub(super) fn set_mode(path: &Path, mode: u32) -> Result<(), PgError> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| PgError::io("setting permissions of", path, e))
}

pub(super) fn path_str(path: &Path) -> Result<&str, PgError> {
    path.to_str()
        .ok_or_else(|| PgError::Cluster(format!("the path {} is not valid UTF-8", path.display())))
}

/// The last lines of a log file, joined, for an error message.
fn tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(8);
    let joined = lines[start..].join(" | ");
    if joined.is_empty() {
        "(empty)".to_string()
    } else {
        joined
    }
}
