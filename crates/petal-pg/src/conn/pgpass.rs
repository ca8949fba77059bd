//! The password file (`~/.pgpass`, `PGPASSFILE`, `passfile=`), read as
//! libpq reads it: lines `hostname:port:database:username:password`, `*`
//! matching anything, `\:` and `\\` escapes, `#` comments, the first
//! matching line winning; a file group or others may read is not used.
//! libpq prints a warning then; petal, which has no channel for one before
//! it knows whether the password was needed, says so only in the message of
//! a connection that then fails.

use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::Host;

/// A password file as read for one connection.
pub(super) struct PassFileRead {
    path: PathBuf,
    text: String,
    /// Why the file was not used, for the message of a failed connection.
    unused_because: Option<String>,
}

impl PassFileRead {
    /// Reads `path`. A missing file is no password and nothing to say.
    pub(super) fn read(path: &Path) -> PassFileRead {
        let unused = |why: String| PassFileRead {
            path: path.to_path_buf(),
            text: String::new(),
            unused_because: Some(why),
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == ErrorKind::NotFound => return unused_quietly(path),
            Err(e) => return unused(format!("it could not be read ({e})")),
        };
        if !meta.is_file() {
            return unused("it is not a plain file".into());
        }
        if meta.permissions().mode() & 0o077 != 0 {
            return unused(format!(
                "it has group or world access (mode {:04o}); libpq refuses such a file too: \
                 chmod 600 it",
                meta.permissions().mode() & 0o7777,
            ));
        }
        match std::fs::read(path) {
            // A line that is not UTF-8 cannot match names petal holds as
            // strings; the lossy text keeps the others.
            Ok(bytes) => PassFileRead {
                path: path.to_path_buf(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
                unused_because: None,
            },
            Err(e) => unused(format!("it could not be read ({e})")),
        }
    }

    /// The password of the first line matching the server, database and
    /// user.
    pub(super) fn lookup(
        &self,
        host: &Host,
        port: u16,
        dbname: &str,
        user: &str,
    ) -> Option<String> {
        let host = pgpass_host(host);
        let port = port.to_string();
        lookup_in(&self.text, [&host, &port, dbname, user])
    }

    /// What a failed connection's message adds when no password was
    /// given: that the file was not used, and why.
    pub(super) fn note(&self) -> Option<String> {
        self.unused_because.as_ref().map(|why| {
            format!(
                "the password file {} was not used: {why}",
                self.path.display()
            )
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

fn unused_quietly(path: &Path) -> PassFileRead {
    PassFileRead {
        path: path.to_path_buf(),
        text: String::new(),
        unused_because: None,
    }
}

/// The host name a line's first field is matched against: `localhost` for
/// the default socket directories (libpq's rule for its compiled-in one;
/// petal looks for a local server in both), else the host as given.
fn pgpass_host(host: &Host) -> String {
    match host {
        Host::Tcp(name) => name.clone(),
        Host::Unix(dir) => {
            let default = ["/tmp", "/var/run/postgresql", "/run/postgresql"]
                .iter()
                .any(|d| Path::new(d) == dir);
            if default {
                "localhost".to_string()
            } else {
                dir.to_string_lossy().into_owned()
            }
        }
    }
}

fn lookup_in(text: &str, wanted: [&str; 4]) -> Option<String> {
    'lines: for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut rest = line;
        for token in wanted {
            match field_matches(rest, token) {
                Some(after) => rest = after,
                None => continue 'lines,
            }
        }
        return Some(unescape_password(rest));
    }
    None
}

/// libpq's `pwdfMatchesString`: whether the field at the start of `line`
/// is `*` or `token` (with `\` escaping the next character); the text after
/// the field's `:` when it is.
fn field_matches<'a>(line: &'a str, token: &str) -> Option<&'a str> {
    if let Some(after) = line.strip_prefix("*:") {
        return Some(after);
    }
    let mut wanted = token.chars();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        let (c, escaped) = match c {
            '\\' => match chars.next() {
                Some((_, next)) => (next, true),
                None => return None,
            },
            c => (c, false),
        };
        if c == ':' && !escaped {
            return wanted.next().is_none().then(|| &line[i + 1..]);
        }
        if wanted.next() != Some(c) {
            return None;
        }
    }
    // A line ending inside the four fields has no password.
    None
}

/// The password field: up to an unescaped `:` (libpq ignores what
/// follows), each `\` dropped before the character it escapes.
fn unescape_password(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => break,
            '\\' => match chars.next() {
                Some(next) => out.push(next),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# comment:*:*:*:not-this
db.example.com:5432:shop:app:first
db.example.com:*:*:app:second
*:5433:*:*:any\\:host\\\\pw:ignored
my\\:host:5432:shop:app:escaped
localhost:5432:*:app:local
/srv/pg:5432:*:app:socket
short:5432:shop
";

    fn find(host: &str, port: &str, db: &str, user: &str) -> Option<String> {
        lookup_in(FILE, [host, port, db, user])
    }

    #[test]
    fn the_first_matching_line_wins() {
        assert_eq!(
            find("db.example.com", "5432", "shop", "app").as_deref(),
            Some("first")
        );
        assert_eq!(
            find("db.example.com", "6000", "other", "app").as_deref(),
            Some("second")
        );
        assert_eq!(find("db.example.com", "5432", "shop", "bob"), None);
    }

    #[test]
    fn wildcards_and_escapes() {
        assert_eq!(
            find("anything", "5433", "x", "y").as_deref(),
            Some(r"any:host\pw")
        );
        assert_eq!(
            find("my:host", "5432", "shop", "app").as_deref(),
            Some("escaped")
        );
        // `*` is a wildcard only as a whole field.
        assert_eq!(lookup_in("d*:1:*:*:pw", ["db", "1", "x", "y"]), None);
        // Comments and short lines never match.
        assert_eq!(find("# comment", "*", "*", "*"), None);
        assert_eq!(find("short", "5432", "shop", ""), None);
        assert_eq!(
            lookup_in("h:1:d:u:pw\r\n", ["h", "1", "d", "u"]).as_deref(),
            Some("pw")
        );
    }

    #[test]
    fn sockets_match_localhost_in_the_default_directories() {
        let tmp = Host::Unix("/tmp".into());
        let srv = Host::Unix("/srv/pg".into());
        assert_eq!(pgpass_host(&tmp), "localhost");
        assert_eq!(
            pgpass_host(&Host::Unix("/var/run/postgresql".into())),
            "localhost"
        );
        assert_eq!(pgpass_host(&srv), "/srv/pg");
        let read = PassFileRead {
            path: "/x".into(),
            text: FILE.into(),
            unused_because: None,
        };
        assert_eq!(
            read.lookup(&tmp, 5432, "shop", "app").as_deref(),
            Some("local")
        );
        assert_eq!(
            read.lookup(&srv, 5432, "shop", "app").as_deref(),
            Some("socket")
        );
    }

    #[test]
    fn a_file_others_can_read_is_not_used_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:hunter2\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let read = PassFileRead::read(&path);
        let host = Host::Tcp("h".into());
        assert_eq!(read.lookup(&host, 5432, "d", "u"), None);
        let note = read.note().unwrap_or_default();
        assert!(
            note.contains("group or world access") && !note.contains("hunter2"),
            "{note}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let read = PassFileRead::read(&path);
        assert_eq!(
            read.lookup(&host, 5432, "d", "u").as_deref(),
            Some("hunter2")
        );
        assert!(read.note().is_none());
        let missing = PassFileRead::read(&dir.path().join("none"));
        assert!(missing.note().is_none());
        assert_eq!(missing.lookup(&host, 5432, "d", "u"), None);
    }
}
