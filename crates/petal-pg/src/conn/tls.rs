//! libpq's `sslmode` semantics on rustls. tokio-postgres only knows whether
//! to ask for TLS; what is verified is decided here, by the certificate
//! verifier given to rustls.

use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{ConnConfig, SslMode};
use crate::error::PgError;

/// The rustls connector for `cfg`: its sslmode's verifier, and its client
/// certificate (`sslcert`, `sslkey`) when it has one.
pub(super) fn make_connector(cfg: &ConnConfig) -> Result<MakeRustlsConnect, PgError> {
    let client = match &cfg.sslcert {
        Some(cert) => Some(client_identity(cert, cfg.sslkey.as_deref())?),
        // libpq ignores a key without a certificate; so does petal.
        None => None,
    };
    connector(cfg.sslmode, cfg.sslrootcert.as_deref(), client)
}

fn connector(
    mode: SslMode,
    rootcert: Option<&Path>,
    client: Option<ClientIdentity>,
) -> Result<MakeRustlsConnect, PgError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        // libpq does not verify the certificate in these modes; neither do we,
        // but the handshake signatures are still checked.
        SslMode::Disable | SslMode::Prefer | SslMode::Require => {
            Arc::new(EncryptOnly { algorithms })
        }
        SslMode::VerifyCa => Arc::new(ChainOnly {
            inner: webpki_verifier(rootcert, &provider)?,
        }),
        SslMode::VerifyFull => webpki_verifier(rootcert, &provider)?,
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PgError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match client {
        Some(id) => builder
            .with_client_auth_cert(id.certs, id.key)
            .map_err(|e| PgError::Tls(format!("{}: {e}", id.named)))?,
        None => builder.with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

/// A client certificate chain and its private key, and how a message
/// names them (their paths: never the key's contents).
struct ClientIdentity {
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    named: String,
}

/// Reads `sslcert` and `sslkey` (PEM; the key PKCS#8, PKCS#1 RSA or SEC1
/// EC). Without `sslkey`, the key is looked for in the certificate's file,
/// where some tools put both.
fn client_identity(cert: &Path, key: Option<&Path>) -> Result<ClientIdentity, PgError> {
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
        Some(path) => std::fs::read(path).map_err(|e| PgError::io("reading sslkey", path, e))?,
        None => pem,
    };
    // The parser's own error is not shown: it may quote a line of the key.
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
        PgError::Tls(match key {
            Some(path) => format!(
                "sslkey {}: no PEM private key in it (PKCS#8, RSA or EC; an encrypted key is \
                 not supported)",
                path.display()
            ),
            None => format!(
                "sslcert {} is given without sslkey, and holds no private key itself",
                cert.display()
            ),
        })
    })?;
    Ok(ClientIdentity {
        certs,
        key,
        named: format!(
            "client certificate {} with key {}",
            cert.display(),
            key_path.display()
        ),
    })
}

fn webpki_verifier(
    rootcert: Option<&Path>,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, PgError> {
    let mut roots = RootCertStore::empty();
    match rootcert {
        Some(path) => {
            let pem =
                std::fs::read(path).map_err(|e| PgError::io("reading sslrootcert", path, e))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert =
                    cert.map_err(|e| PgError::Tls(format!("sslrootcert {}: {e}", path.display())))?;
                roots
                    .add(cert)
                    .map_err(|e| PgError::Tls(format!("sslrootcert {}: {e}", path.display())))?;
            }
            if roots.is_empty() {
                return Err(PgError::Tls(format!(
                    "sslrootcert {} holds no PEM certificate",
                    path.display()
                )));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| PgError::Tls(e.to_string()))
}

/// `prefer`/`require`: encryption without authentication of the server.
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root, but the certificate
/// may name another host (libpq's meaning).
#[derive(Debug)]
struct ChainOnly {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_builds_a_connector() {
        for mode in [
            SslMode::Prefer,
            SslMode::Require,
            SslMode::VerifyCa,
            SslMode::VerifyFull,
        ] {
            assert!(connector(mode, None, None).is_ok(), "{mode:?}");
        }
    }

    #[test]
    fn a_missing_root_file_is_named() {
        let err = connector(
            SslMode::VerifyFull,
            Some(Path::new("/nonexistent/root.crt")),
            None,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("/nonexistent/root.crt"), "{err}");
    }

    #[test]
    fn a_client_certificate_is_read_and_its_files_named() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["app".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let cert_path = dir.path().join("client.crt");
        let key_path = dir.path().join("client.key");
        std::fs::write(&cert_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        let id = client_identity(&cert_path, Some(&key_path)).unwrap();
        assert!(connector(SslMode::Require, None, Some(id)).is_ok());
        // Both in one file, without sslkey.
        let both = dir.path().join("both.pem");
        std::fs::write(&both, format!("{}{}", cert.pem(), key.serialize_pem())).unwrap();
        assert!(client_identity(&both, None).is_ok());

        let err = |cert: &Path, key: Option<&Path>| match client_identity(cert, key) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        let missing = dir.path().join("missing.crt");
        assert!(err(&missing, None).contains("missing.crt"));
        let shown = err(&cert_path, Some(&missing));
        assert!(
            shown.contains("sslkey") && shown.contains("missing.crt"),
            "{shown}"
        );
        assert!(err(&cert_path, None).contains("without sslkey"));
        // A key file that is no key: named, its contents never shown.
        let bad = dir.path().join("bad.key");
        std::fs::write(
            &bad,
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw!!\n",
        )
        .unwrap();
        let shown = err(&cert_path, Some(&bad));
        assert!(shown.contains("bad.key"), "{shown}");
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
    }
}
