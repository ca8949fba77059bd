//! What libpq reads besides the connection string: the `PG*` environment
//! variables, the OS user name (the default user) and the home directory
//! (`~/.pgpass`, `~/.postgresql/postgresql.crt`). Gathered into an [`Env`]
//! so that tests give their own instead of changing the process
//! environment, which a multi-threaded test binary must not do.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::fmt;
use std::path::PathBuf;

/// Each variable libpq reads and the parameter it is the default of.
/// `PGHOSTADDR` fills `hostaddr`, which petal takes as the host when no
/// host is named, and refuses beside one (`builder.rs`).
pub const VARIABLES: [(&str, &str); 16] = [
    ("PGHOST", "host"),
    ("PGHOSTADDR", "hostaddr"),
    ("PGPORT", "port"),
    ("PGUSER", "user"),
    ("PGPASSWORD", "password"),
    ("PGDATABASE", "dbname"),
    ("PGSSLMODE", "sslmode"),
    ("PGSSLROOTCERT", "sslrootcert"),
    ("PGSSLCERT", "sslcert"),
    ("PGSSLKEY", "sslkey"),
    ("PGCONNECT_TIMEOUT", "connect_timeout"),
    ("PGAPPNAME", "application_name"),
    ("PGOPTIONS", "options"),
    ("PGTARGETSESSIONATTRS", "target_session_attrs"),
    ("PGCHANNELBINDING", "channel_binding"),
    ("PGPASSFILE", "passfile"),
];

/// The user petal connects as when neither the string nor `PGUSER` names
/// one and the OS user cannot serve (see [`Env::default_user`]).
const FALLBACK_USER: &str = "postgres";

/// The environment a connection string is read in. [`Env::process`] is the
/// real one; [`Env::none`] and the `with_*` methods build one for a test.
/// `Debug` shows the variables' names only (`PGPASSWORD` is a password).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
    os_user: Option<String>,
    home: Option<PathBuf>,
}

impl Env {
    /// The process's: the variables of [`VARIABLES`], the effective user's
    /// name, and `$HOME` (else the user's home in the password database,
    /// as libpq does).
    pub fn process() -> Env {
        let vars = VARIABLES
            .iter()
            .filter_map(|(name, _)| Some((name.to_string(), std::env::var(name).ok()?)))
            .collect();
        let account = effective_account();
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| account.as_ref().map(|(_, home)| home.clone()));
        Env {
            vars,
            os_user: account.map(|(name, _)| name),
            home,
        }
    }

    /// Nothing at all: no variable, no OS user, no home directory.
    pub fn none() -> Env {
        Env::default()
    }

    /// This environment with variable `name` set to `value`.
    pub fn with_var(mut self, name: &str, value: &str) -> Env {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    /// This environment run by OS user `name`.
    pub fn with_os_user(mut self, name: &str) -> Env {
        self.os_user = Some(name.to_string());
        self
    }

    /// This environment with `home` as the home directory.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Env {
        self.home = Some(home.into());
        self
    }

    /// A variable's value; an empty one counts as unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn home(&self) -> Option<&PathBuf> {
        self.home.as_ref()
    }

    /// The user when none is named: the OS user, as libpq has it, but
    /// `postgres` for root (no cluster has a `root` role unless someone
    /// made one, since `initdb` refuses to run as root, and petal's
    /// default was `postgres` before it read the OS user: containers run
    /// it as root against the image's `postgres` superuser) and when the
    /// OS user is unknown.
    pub fn default_user(&self) -> String {
        match self.os_user.as_deref() {
            Some(name) if !name.is_empty() && name != "root" => name.to_string(),
            _ => FALLBACK_USER.to_string(),
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("os_user", &self.os_user)
            .field("home", &self.home)
            .finish()
    }
}

/// The effective user's name and home directory from the password
/// database (what libpq asks for its default user).
fn effective_account() -> Option<(String, PathBuf)> {
    let mut buf = vec![0u8; 16384];
    // SAFETY: a zeroed passwd is a valid out-parameter; getpwuid_r writes
    // only into it and into `buf`, whose length we pass; its strings point
    // into `buf`, which outlives their use below.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe {
        libc::getpwuid_r(
            libc::geteuid(),
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() || pwd.pw_dir.is_null() {
        return None;
    }
    // SAFETY: non-null, NUL-terminated strings inside `buf`.
    let name = unsafe { CStr::from_ptr(pwd.pw_name) }.to_str().ok()?;
    let dir = unsafe { CStr::from_ptr(pwd.pw_dir) }.to_str().ok()?;
    Some((name.to_string(), PathBuf::from(dir)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_user_is_the_os_users_but_root() {
        assert_eq!(Env::none().with_os_user("alice").default_user(), "alice");
        assert_eq!(Env::none().with_os_user("root").default_user(), "postgres");
        assert_eq!(Env::none().default_user(), "postgres");
    }

    #[test]
    fn the_process_environment_has_an_account() {
        // Whoever runs the tests has a name in the password database.
        assert!(effective_account().is_some());
    }

    #[test]
    fn debug_shows_no_value() {
        let env = Env::none().with_var("PGPASSWORD", "hunter2");
        let shown = format!("{env:?}");
        assert!(
            shown.contains("PGPASSWORD") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert_eq!(env.var("PGPASSWORD"), Some("hunter2"));
        assert_eq!(Env::none().with_var("PGPORT", "").var("PGPORT"), None);
    }
}
