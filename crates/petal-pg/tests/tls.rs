//! sslmode against a real server: a cluster of its own listening on
//! loopback TCP with TLS (a certificate for `localhost` from a test CA) and
//! password authentication.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use petal_pg::{ConnConfig, EmbeddedCluster, PgError, connect};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

const PASSWORD: &str = "right-пароль";

/// A failed assertion must not leave a server running after the test run.
struct StopOnDrop(EmbeddedCluster);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}

struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn make_pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "petal test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Writes a file the server's user owns, as PostgreSQL demands of its key.
fn write_owned(path: &Path, text: &str, like: &Path) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let owner = std::fs::metadata(like).unwrap();
    std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid())).unwrap();
}

fn url(host: &str, port: u16, password: &str, params: &str) -> ConnConfig {
    let password = password
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect::<String>();
    ConnConfig::parse(&format!(
        "postgresql://postgres:{password}@{host}:{port}/app?connect_timeout=5&{params}"
    ))
    .unwrap()
}

async fn uses_tls(cfg: &ConnConfig) -> Result<bool, PgError> {
    let client = connect(cfg).await?;
    let row = client
        .query_one(
            "SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    Ok(row.get(0))
}

#[tokio::test]
async fn sslmodes_map_onto_rustls() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let port = free_port();
    let plain = EmbeddedCluster::in_dir(&dir.path().join("pg"), "app")
        .unwrap()
        .with_port(port)
        .with_setting("listen_addresses", "127.0.0.1")
        .with_setting("fsync", "off");
    let _stop = StopOnDrop(plain.clone());
    plain.start().await.unwrap();
    let admin = connect(&plain.conn_config("app")).await.unwrap();
    admin
        .batch_execute(&format!(
            "ALTER ROLE postgres PASSWORD {}",
            petal_ir::quote_literal(PASSWORD)
        ))
        .await
        .unwrap();
    drop(admin);
    plain.stop().unwrap();

    let pki = make_pki();
    let base = plain.base_dir().to_path_buf();
    let data = plain.data_dir();
    write_owned(&base.join("server.crt"), &pki.cert_pem, &data);
    write_owned(&base.join("server.key"), &pki.key_pem, &data);
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let cluster = plain
        .with_setting("ssl", "on")
        .with_setting(
            "ssl_cert_file",
            &base.join("server.crt").display().to_string(),
        )
        .with_setting(
            "ssl_key_file",
            &base.join("server.key").display().to_string(),
        );
    cluster.start_server().unwrap();
    let root = format!("sslrootcert={}", ca.display());

    let outcome = async {
        assert!(!uses_tls(&url("127.0.0.1", port, PASSWORD, "sslmode=disable")).await?);
        assert!(uses_tls(&url("127.0.0.1", port, PASSWORD, "sslmode=prefer")).await?);
        assert!(uses_tls(&url("127.0.0.1", port, PASSWORD, "sslmode=require")).await?);
        // SCRAM bound to the TLS channel.
        let bound = "sslmode=require&channel_binding=require";
        assert!(uses_tls(&url("127.0.0.1", port, PASSWORD, bound)).await?);
        // verify-ca: the chain is checked, the name (an IP here) is not.
        let verify_ca = format!("sslmode=verify-ca&{root}");
        assert!(uses_tls(&url("127.0.0.1", port, PASSWORD, &verify_ca)).await?);
        // verify-full: chain and name.
        let verify_full = format!("sslmode=verify-full&{root}");
        assert!(uses_tls(&url("localhost", port, PASSWORD, &verify_full)).await?);
        Ok::<(), PgError>(())
    }
    .await;
    if let Err(e) = outcome {
        panic!("{e}");
    }

    let failures = [
        // The certificate is for localhost, not 127.0.0.1.
        (
            url(
                "127.0.0.1",
                port,
                PASSWORD,
                &format!("sslmode=verify-full&{root}"),
            ),
            "certificate",
        ),
        // The test CA is not among the public roots.
        (
            url("localhost", port, PASSWORD, "sslmode=verify-full"),
            "certificate",
        ),
        (
            url("localhost", port, PASSWORD, "sslmode=verify-ca"),
            "certificate",
        ),
        // A wrong password, over TLS: the server's message, never the password.
        (
            url("localhost", port, "wrong-секрет", "sslmode=require"),
            "password authentication failed",
        ),
    ];
    let mut problems = Vec::new();
    for (cfg, expected) in failures {
        match connect(&cfg).await {
            Ok(_) => problems.push(format!("{cfg} connected")),
            Err(e) => {
                eprintln!("expected failure: {e}");
                let text = format!("{e} {e:?}");
                if !text.contains(expected) {
                    problems.push(format!("{cfg}: expected {expected:?} in {e}"));
                }
                if text.contains("wrong-секрет") || text.contains(PASSWORD) {
                    problems.push(format!("a password shows in {text}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
