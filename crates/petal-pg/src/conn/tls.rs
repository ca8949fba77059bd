//! libpq's `sslmode` semantics on rustls. tokio-postgres only knows whether
//! to ask for TLS; what is verified is decided here, by the certificate
//! verifier given to rustls.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::client_key::{ClientIdentity, client_identity};
use super::{ConnConfig, RootCerts, SslMode};
use crate::error::PgError;

/// The rustls connector for `cfg`: its sslmode's verifier, and its client
/// certificate (`sslcert`, `sslkey`) when it has one.
pub(super) fn make_connector(cfg: &ConnConfig) -> Result<MakeRustlsConnect, PgError> {
    let client = match &cfg.sslcert {
        Some(cert) => Some(client_identity(cert, cfg.sslkey.as_deref())?),
        // libpq ignores a key without a certificate; so does petal.
        None => None,
    };
    connector(cfg.sslmode, &cfg.sslrootcert, client)
}

fn connector(
    mode: SslMode,
    roots: &RootCerts,
    client: Option<ClientIdentity>,
) -> Result<MakeRustlsConnect, PgError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, roots) {
        // libpq: "if a root CA file exists, sslmode=require behaves like
        // verify-ca". A file named but missing verifies nothing, as there.
        (SslMode::Require, RootCerts::File(path)) if path.exists() => Arc::new(ChainOnly {
            inner: webpki_verifier(roots, &provider)?,
        }),
        // libpq does not verify the certificate in these modes; neither do
        // we, but the handshake signatures are still checked. (libpq's
        // `prefer` with a root file does verify, then falls back to plain
        // text when that fails; petal's, which cannot fall back once the
        // handshake began, keeps the encryption and skips the check.)
        (SslMode::Disable | SslMode::Prefer | SslMode::Require, _) => {
            Arc::new(EncryptOnly { algorithms })
        }
        (SslMode::VerifyCa, _) => Arc::new(ChainOnly {
            inner: webpki_verifier(roots, &provider)?,
        }),
        (SslMode::VerifyFull, _) => webpki_verifier(roots, &provider)?,
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

fn webpki_verifier(
    rootcert: &RootCerts,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, PgError> {
    let mut roots = RootCertStore::empty();
    match rootcert {
        RootCerts::File(path) => {
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
        // `system`, or no file at all (petal's difference from libpq, which
        // refuses to verify without one: managed databases' certificates
        // come from public authorities, and petal has always trusted them).
        RootCerts::System | RootCerts::None => {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned())
        }
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
            assert!(connector(mode, &RootCerts::None, None).is_ok(), "{mode:?}");
        }
    }

    #[test]
    fn a_missing_root_file_is_named() {
        let missing = RootCerts::File("/nonexistent/root.crt".into());
        let err = connector(SslMode::VerifyFull, &missing, None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("/nonexistent/root.crt"), "{err}");
    }
}
