//! The client certificate and its private key (`sslcert`, `sslkey`), read
//! with libpq's checks: a key file others may read is refused, and an
//! encrypted key is named as such. Messages name files, never their
//! contents.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::PgError;

/// A client certificate chain and its private key, and how a message
/// names them (their paths: never the key's contents).
pub(super) struct ClientIdentity {
    pub(super) certs: Vec<CertificateDer<'static>>,
    pub(super) key: PrivateKeyDer<'static>,
    pub(super) named: String,
}

/// Reads `sslcert` and `sslkey` (PEM; the key PKCS#8, PKCS#1 RSA or SEC1
/// EC). Without `sslkey`, the key is looked for in the certificate's file,
/// where some tools put both (petal's extension: libpq reads
/// `~/.postgresql/postgresql.key` then, and petal does too when it exists).
pub(super) fn client_identity(cert: &Path, key: Option<&Path>) -> Result<ClientIdentity, PgError> {
    let pem = std::fs::read(cert).map_err(|e| PgError::io("reading sslcert", cert, e))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PgError::Tls(format!("sslcert {}: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(PgError::Tls(format!(
            "sslcert {} holds no PEM certificate",
            cert.display()
        )));
    }
    let key_path = key.unwrap_or(cert);
    let key_pem = match key {
        Some(path) => {
            private_enough(path, "sslkey")?;
            std::fs::read(path).map_err(|e| PgError::io("reading sslkey", path, e))?
        }
        None => pem,
    };
    if encrypted(&key_pem) {
        return Err(PgError::Tls(format!(
            "the private key in {} is encrypted, and petal does not support encrypted keys \
             (libpq's sslpassword): decrypt it into a file of its own (`openssl pkey -in \
             <key> -out <decrypted key>`, then chmod 600)",
            key_path.display()
        )));
    }
    // The parser's own error is not shown: it may quote a line of the key.
    let parsed = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
        PgError::Tls(match key {
            Some(path) => format!(
                "sslkey {}: no PEM private key in it (PKCS#8, RSA or EC)",
                path.display()
            ),
            None => format!(
                "sslcert {} is given without sslkey, and holds no private key itself",
                cert.display()
            ),
        })
    })?;
    if key.is_none() {
        // The certificate's file holds a key: it is a key file.
        private_enough(cert, "sslcert, holding the key,")?;
    }
    Ok(ClientIdentity {
        certs,
        key: parsed,
        named: format!(
            "client certificate {} with key {}",
            cert.display(),
            key_path.display()
        ),
    })
}

/// libpq's rule for a private key file: a regular file, with no access
/// for group or others (`0600` or less), or at most the group's read
/// (`0640`) when root owns it, for system-wide keys read through a group.
fn private_enough(path: &Path, named: &str) -> Result<(), PgError> {
    let meta = std::fs::metadata(path).map_err(|e| PgError::io("reading sslkey", path, e))?;
    if !meta.is_file() {
        return Err(PgError::Tls(format!(
            "private key file ({named}) {} is not a regular file",
            path.display()
        )));
    }
    let mode = meta.mode();
    let too_open = if meta.uid() == 0 {
        mode & 0o037 != 0
    } else {
        mode & 0o077 != 0
    };
    if too_open {
        return Err(PgError::Tls(format!(
            "private key file ({named}) {} has group or world access (mode {:04o}); it must \
             be u=rw (0600) or less, or u=rw,g=r (0640) or less if owned by root: chmod 600 it",
            path.display(),
            mode & 0o7777
        )));
    }
    Ok(())
}

/// Whether a PEM holds an encrypted key: PKCS#8's `ENCRYPTED PRIVATE KEY`
/// or OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` header.
fn encrypted(pem: &[u8]) -> bool {
    let text = String::from_utf8_lossy(pem);
    text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn write(path: &Path, text: &str, mode: u32) {
        std::fs::write(path, text).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn err(cert: &Path, key: Option<&Path>) -> String {
        match client_identity(cert, key) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    struct Files {
        dir: tempfile::TempDir,
        cert_pem: String,
        key_pem: String,
    }

    impl Files {
        fn new() -> Files {
            let key = rcgen::KeyPair::generate().unwrap();
            let cert = rcgen::CertificateParams::new(vec!["app".to_string()])
                .unwrap()
                .self_signed(&key)
                .unwrap();
            let files = Files {
                dir: tempfile::tempdir().unwrap(),
                cert_pem: cert.pem(),
                key_pem: key.serialize_pem(),
            };
            write(&files.path("client.crt"), &files.cert_pem, 0o644);
            write(&files.path("client.key"), &files.key_pem, 0o600);
            files
        }

        fn path(&self, name: &str) -> std::path::PathBuf {
            self.dir.path().join(name)
        }
    }

    #[test]
    fn a_client_certificate_is_read_and_its_files_named() {
        let f = Files::new();
        let (cert, key) = (f.path("client.crt"), f.path("client.key"));
        assert!(client_identity(&cert, Some(&key)).is_ok());
        // Both in one private file, without sslkey.
        let both = f.path("both.pem");
        write(&both, &format!("{}{}", f.cert_pem, f.key_pem), 0o600);
        assert!(client_identity(&both, None).is_ok());

        let missing = f.path("missing.crt");
        assert!(err(&missing, None).contains("missing.crt"));
        let shown = err(&cert, Some(&missing));
        assert!(
            shown.contains("sslkey") && shown.contains("missing.crt"),
            "{shown}"
        );
        assert!(err(&cert, None).contains("without sslkey"));
        // A key file that is no key: named, its contents never shown.
        let bad = f.path("bad.key");
        write(
            &bad,
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw!!\n",
            0o600,
        );
        let shown = err(&cert, Some(&bad));
        assert!(shown.contains("bad.key"), "{shown}");
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
    }

    #[test]
    fn a_key_others_may_read_is_refused_as_libpq_does() {
        let f = Files::new();
        let (cert, key) = (f.path("client.crt"), f.path("client.key"));
        // Group read is allowed on a key root owns (the tests may run as root).
        let by_root = std::fs::metadata(&key).unwrap().uid() == 0;
        let mut refused = vec![0o604, 0o644, 0o660, 0o610];
        if !by_root {
            refused.push(0o640);
        }
        for mode in refused {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
            let shown = err(&cert, Some(&key));
            assert!(
                shown.contains("group or world access") && shown.contains("client.key"),
                "{mode:o}: {shown}"
            );
            assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        }
        for mode in [0o400, 0o600] {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(err(&cert, Some(&key)), "");
        }
        if by_root {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
            assert_eq!(err(&cert, Some(&key)), "");
        }
        // A key in the certificate's file: that file is held to the rule.
        let both = f.path("both.pem");
        write(&both, &format!("{}{}", f.cert_pem, f.key_pem), 0o644);
        assert!(err(&both, None).contains("group or world access"));
        // A directory is no key file.
        assert!(err(&cert, Some(f.dir.path())).contains("not a regular file"));
    }

    #[test]
    fn an_encrypted_key_says_so() {
        let f = Files::new();
        let cert = f.path("client.crt");
        // The base64 is no real key: the check reads the labels alone.
        let pkcs8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w\n\
                     -----END ENCRYPTED PRIVATE KEY-----\n";
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                      DEK-Info: AES-256-CBC,0123456789ABCDEF0123456789ABCDEF\n\n\
                      c2VjcmV0LWtleS1ieXRlcw==\n-----END RSA PRIVATE KEY-----\n";
        for (name, text) in [("pkcs8.key", pkcs8), ("legacy.key", legacy)] {
            let key = f.path(name);
            write(&key, text, 0o600);
            let shown = err(&cert, Some(&key));
            assert!(
                shown.contains("encrypted") && shown.contains("sslpassword"),
                "{name}: {shown}"
            );
            assert!(
                shown.contains(name) && !shown.contains("c2VjcmV0"),
                "{shown}"
            );
        }
    }
}
