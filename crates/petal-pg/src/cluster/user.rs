//! Who runs the server. PostgreSQL refuses to run as root, so a root caller
//! runs `initdb` and the server as `postgres`, or as an unprivileged `petal`
//! user created for the purpose.

use std::ffi::CString;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::PgError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunAs {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// `None` when we are not root: everything then runs as ourselves.
pub fn server_user() -> Result<Option<RunAs>, PgError> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    for name in ["postgres", "petal"] {
        if let Some(user) = lookup(name) {
            return Ok(Some(user));
        }
    }
    create_petal_user()?;
    lookup("petal")
        .map(Some)
        .ok_or_else(|| PgError::Cluster("created the user `petal` but cannot look it up".into()))
}

fn create_petal_user() -> Result<(), PgError> {
    let attempts: [(&str, &[&str]); 2] = [
        (
            "useradd",
            &[
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                "petal",
            ],
        ),
        (
            "adduser",
            &["--system", "--no-create-home", "--group", "petal"],
        ),
    ];
    let mut failures = Vec::new();
    for (program, args) in attempts {
        match Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => failures.push(format!(
                "{program}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => failures.push(format!("{program}: {e}")),
        }
    }
    Err(PgError::Command {
        command: "useradd --system petal".into(),
        detail: format!(
            "PostgreSQL cannot run as root and there is no `postgres` user; creating `petal` failed ({})",
            failures.join("; ")
        ),
    })
}

fn lookup(name: &str) -> Option<RunAs> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0u8; 4096];
    // SAFETY: a zeroed passwd is a valid out-parameter; getpwnam_r writes
    // only into it and into `buf`, whose length we pass.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe {
        libc::getpwnam_r(
            cname.as_ptr(),
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() {
        return None;
    }
    Some(RunAs {
        name: name.to_string(),
        uid: pwd.pw_uid,
        gid: pwd.pw_gid,
    })
}

/// Whether `user` can enter `dir` (which needs search permission on every
/// ancestor: a checkout under a mode-0700 home fails this). Asked of the
/// kernel by running `test -x` as that user, which no permission-bit
/// arithmetic of ours could get as right (ACLs, groups).
pub fn can_enter(user: &RunAs, dir: &Path) -> bool {
    use std::os::unix::process::CommandExt;
    Command::new("test")
        .arg("-x")
        .arg(dir)
        .uid(user.uid)
        .gid(user.gid)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether a process is alive (EPERM means it is, but is not ours).
pub fn process_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks for existence and permission.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}
