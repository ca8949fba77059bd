//! A cluster of a test's own on loopback TCP, as libpq's sources need one:
//! TLS with a certificate for `localhost` from a certificate authority the
//! test makes, password authentication for `postgres`, and certificate
//! authentication for `certuser` (`hostssl ... cert`, a client
//! certificate signed by the same authority). Included by `#[path]`.

#![allow(dead_code)] // each test file uses its own part

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use petal_pg::{EmbeddedCluster, connect};
use rcgen::{BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair};

/// `postgres`'s password: a `:` and a `\` for `.pgpass`'s escapes.
pub const PASSWORD: &str = "pa:ss\\wörd-пароль";
/// The role that logs in with a client certificate only.
pub const CERT_USER: &str = "certuser";

pub struct CertServer {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// The authority's certificate, for `sslrootcert`.
    pub ca: PathBuf,
    /// `certuser`'s certificate and key (PKCS#8), signed by the authority.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    cluster: EmbeddedCluster,
}

/// A failed assertion must not leave a server running after the test run.
impl Drop for CertServer {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
    }
}

pub struct Authority {
    cert: Certificate,
    key: KeyPair,
}

impl Authority {
    pub fn new(name: &str) -> Authority {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).unwrap();
        Authority { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A certificate with common name `cn` (and `names` as its subject
    /// alternative names): its PEM and its key's (PKCS#8).
    pub fn issue(&self, cn: &str, names: &[&str]) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Writes a file the server's user owns, as PostgreSQL demands of its key.
pub fn write_owned(path: &Path, text: &str, like: &Path) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let owner = std::fs::metadata(like).unwrap();
    std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid())).unwrap();
}

/// Every byte percent-encoded: a password as a URL carries it.
pub fn encoded(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

const HBA: &str = "\
local all all trust
hostssl all certuser 127.0.0.1/32 cert
hostssl all certuser ::1/128 cert
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
";

impl CertServer {
    pub async fn start() -> CertServer {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let port = free_port();
        let plain = EmbeddedCluster::in_dir(&dir.path().join("pg"), "app")
            .unwrap()
            .with_port(port)
            .with_setting("listen_addresses", "127.0.0.1")
            .with_setting("fsync", "off");
        let mut server = CertServer {
            ca: dir.path().join("ca.crt"),
            client_cert: dir.path().join("client.crt"),
            client_key: dir.path().join("client.key"),
            dir,
            port,
            cluster: plain.clone(),
        };
        plain.start().await.unwrap();
        let admin = connect(&plain.conn_config("app")).await.unwrap();
        let roles = format!(
            "ALTER ROLE postgres PASSWORD {}; CREATE ROLE {CERT_USER} LOGIN",
            petal_ir::quote_literal(PASSWORD)
        );
        admin.batch_execute(&roles).await.unwrap();
        drop(admin);
        plain.stop().unwrap();

        let authority = Authority::new("petal test CA");
        let (server_cert, server_key) = authority.issue("localhost", &["localhost"]);
        let (client_cert, client_key) = authority.issue(CERT_USER, &[]);
        std::fs::write(&server.ca, authority.pem()).unwrap();
        std::fs::write(&server.client_cert, client_cert).unwrap();
        // libpq's rule, which petal keeps: a key others may read is refused.
        std::fs::write(&server.client_key, client_key).unwrap();
        std::fs::set_permissions(&server.client_key, std::fs::Permissions::from_mode(0o600))
            .unwrap();
        let base = plain.base_dir().to_path_buf();
        let data = plain.data_dir();
        let owned = |name: &str, text: &str| {
            let path = base.join(name);
            write_owned(&path, text, &data);
            path.display().to_string()
        };
        let cluster = plain
            .with_setting("ssl", "on")
            .with_setting("ssl_cert_file", &owned("server.crt", &server_cert))
            .with_setting("ssl_key_file", &owned("server.key", &server_key))
            .with_setting("ssl_ca_file", &owned("ca.crt", &authority.pem()))
            .with_setting("hba_file", &owned("hba.conf", HBA));
        server.cluster = cluster.clone();
        tokio::task::spawn_blocking(move || cluster.start_server())
            .await
            .unwrap()
            .unwrap();
        server
    }

    /// A cluster of its own, on its socket only, whose sessions are
    /// read-only (`default_transaction_read_only`), like a standby:
    /// stopped when the returned guard drops.
    pub async fn read_only() -> (EmbeddedCluster, StopOnDrop) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let cluster = EmbeddedCluster::in_dir(&dir.path().join("pg"), "app")
            .unwrap()
            .with_port(free_port())
            .with_setting("fsync", "off");
        let guard = StopOnDrop(cluster.clone(), dir);
        // The database is created first: CREATE DATABASE is a write.
        cluster.start().await.unwrap();
        cluster.stop().unwrap();
        let cluster = cluster.with_setting("default_transaction_read_only", "on");
        let starting = cluster.clone();
        tokio::task::spawn_blocking(move || starting.start_server())
            .await
            .unwrap()
            .unwrap();
        (cluster, guard)
    }
}

/// Stops a cluster (and removes its directory) when dropped.
pub struct StopOnDrop(EmbeddedCluster, tempfile::TempDir);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}
