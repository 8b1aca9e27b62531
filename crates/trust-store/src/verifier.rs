//! The rustls certificate verifier for one connection.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};

use crate::info::rfc3339;
use crate::{CertificateInfo, Error, Fingerprint};

/// Whether certificates are checked at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Verification {
    /// Check the chain, host name and pins (the default).
    #[default]
    On,
    /// Accept any certificate. Only for diagnosis: the connection is encrypted but the server is
    /// not authenticated. The chain is still recorded.
    Off,
}

/// What the verifier decided about the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustOutcome {
    /// The chain is valid for the host and leads to a trusted anchor, or the server's own
    /// certificate is itself a trusted entry (as keytool `-importcert` of a server certificate).
    Anchored,
    /// The certificate is exactly the one accepted before for this host and port.
    Pinned,
    /// Verification was off; nothing was checked.
    Unverified,
    /// The certificate was not accepted.
    Rejected(Rejection),
}

impl TrustOutcome {
    /// True for every outcome that let the handshake go on.
    pub fn is_accepted(&self) -> bool {
        !matches!(self, TrustOutcome::Rejected(_))
    }
}

/// Why a certificate was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// No path to a trusted anchor, and not accepted before: the first-use case, where a
    /// certificate alert may offer to accept it.
    UnknownIssuer,
    /// A certificate in the chain has expired.
    Expired {
        /// When it expired (RFC 3339 UTC), when known.
        not_after: Option<String>,
    },
    /// A certificate in the chain is not valid yet.
    NotYetValid,
    /// The certificate is not valid for the host name connected to.
    WrongHost {
        /// The DNS names and IP addresses it is valid for.
        presented: Vec<String>,
    },
    /// A certificate was accepted for this host and port before, and the server now presents a
    /// different one. Never offered for acceptance: a changed certificate may be an attack.
    Changed {
        /// Fingerprint of the certificate accepted before.
        pinned: Fingerprint,
        /// Fingerprint of the certificate presented now.
        presented: Fingerprint,
    },
    /// Any other problem (bad signature, unsupported algorithm, misuse of a CA certificate...).
    Other(String),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::UnknownIssuer => f.write_str("issued by an unknown certificate authority"),
            Rejection::Expired { not_after: Some(t) } => write!(f, "expired on {t}"),
            Rejection::Expired { not_after: None } => f.write_str("expired"),
            Rejection::NotYetValid => f.write_str("not valid yet"),
            Rejection::WrongHost { presented } if presented.is_empty() => {
                f.write_str("not valid for this host name (it names no hosts)")
            }
            Rejection::WrongHost { presented } => {
                write!(
                    f,
                    "not valid for this host name (valid for {})",
                    presented.join(", ")
                )
            }
            Rejection::Changed { pinned, presented } => write!(
                f,
                "CHANGED since it was accepted (accepted SHA-256 {pinned}, now presented {presented})"
            ),
            Rejection::Other(detail) => write!(f, "invalid: {detail}"),
        }
    }
}

#[derive(Default)]
struct Recorded {
    chain: Option<Vec<CertificateDer<'static>>>,
    outcome: Option<TrustOutcome>,
}

/// A [`ServerCertVerifier`] for one connection to `host:port`, built by
/// [`TrustStore::verifier`](crate::TrustStore::verifier).
///
/// Decides, in this order: verification off → accept, unverified; a pin for `host:port` →
/// accept only that exact certificate, reject any other as changed; otherwise rustls' WebPKI
/// validation against the anchors (never more lenient); if that finds no path (or complains that
/// a CA certificate is used as the server's), accept a server certificate that is itself exactly
/// a trusted anchor when it is valid for the host name. Everything else is rejected with the
/// error WebPKI gave (so rustls sends the right alert).
///
/// Every call records the chain the server presented and the outcome, for a certificate alert
/// and for storing the certificate when the user accepts it.
pub struct TrustVerifier {
    host: String,
    port: u16,
    verification: Verification,
    pins: Vec<CertificateDer<'static>>,
    anchors: Vec<CertificateDer<'static>>,
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    recorded: Mutex<Recorded>,
}

impl TrustVerifier {
    pub(crate) fn new(
        host: String,
        port: u16,
        verification: Verification,
        pins: Vec<CertificateDer<'static>>,
        anchors: Vec<CertificateDer<'static>>,
        webpki: Option<Arc<WebPkiServerVerifier>>,
        provider: Arc<CryptoProvider>,
    ) -> Self {
        Self {
            host,
            port,
            verification,
            pins,
            anchors,
            webpki,
            provider,
            recorded: Mutex::new(Recorded::default()),
        }
    }

    /// The chain the server sent (leaf first) in the last handshake, if any.
    pub fn presented_chain(&self) -> Option<Vec<CertificateDer<'static>>> {
        self.lock().chain.clone()
    }

    /// What was decided in the last handshake, if one got that far.
    pub fn outcome(&self) -> Option<TrustOutcome> {
        self.lock().outcome.clone()
    }

    /// The rejection as this crate's error (with its message ID), if the certificate was
    /// rejected.
    pub fn error(&self) -> Option<Error> {
        match self.outcome()? {
            TrustOutcome::Rejected(rejection) => Some(Error::Rejected {
                host: self.host.clone(),
                port: self.port,
                rejection,
            }),
            _ => None,
        }
    }

    /// The host this verifier is for.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port this verifier is for.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn lock(&self) -> MutexGuard<'_, Recorded> {
        // A panic while holding the lock cannot leave Recorded inconsistent; keep going.
        self.recorded.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, outcome: TrustOutcome) {
        self.lock().outcome = Some(outcome);
    }

    fn reject(
        &self,
        rejection: Rejection,
        error: rustls::Error,
    ) -> Result<ServerCertVerified, rustls::Error> {
        tracing::debug!(host = %self.host, port = self.port, %rejection, "server certificate rejected");
        self.record(TrustOutcome::Rejected(rejection));
        Err(error)
    }

    /// Is `end_entity` exactly a trusted anchor and valid for `server_name`?
    fn exact_anchor_accepts(
        &self,
        end_entity: &CertificateDer<'_>,
        server_name: &ServerName<'_>,
    ) -> Option<Result<(), rustls::Error>> {
        if !self
            .anchors
            .iter()
            .any(|a| a.as_ref() == end_entity.as_ref())
        {
            return None;
        }
        let parsed = match rustls::server::ParsedCertificate::try_from(end_entity) {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        Some(rustls::client::verify_server_name(&parsed, server_name))
    }
}

/// True for WebPKI's "no path" answers that an exactly trusted server certificate overrides.
fn exact_anchor_may_override(error: &rustls::Error) -> bool {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => true,
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => matches!(
            other.0.downcast_ref::<webpki::Error>(),
            Some(webpki::Error::CaUsedAsEndEntity)
        ),
        _ => false,
    }
}

fn rejection_for(error: &rustls::Error, end_entity: &CertificateDer<'_>) -> Rejection {
    let rustls::Error::InvalidCertificate(cert_error) = error else {
        return Rejection::Other(error.to_string());
    };
    match cert_error {
        CertificateError::UnknownIssuer => Rejection::UnknownIssuer,
        CertificateError::Expired => Rejection::Expired { not_after: None },
        CertificateError::ExpiredContext { not_after, .. } => Rejection::Expired {
            not_after: i64::try_from(not_after.as_secs()).ok().map(rfc3339),
        },
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            Rejection::NotYetValid
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            Rejection::WrongHost {
                presented: CertificateInfo::from_der(end_entity)
                    .map(|i| i.host_names().map(str::to_owned).collect())
                    .unwrap_or_default(),
            }
        }
        other => Rejection::Other(format!("{other:?}")),
    }
}

impl ServerCertVerifier for TrustVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        {
            let mut recorded = self.lock();
            let mut chain = Vec::with_capacity(1 + intermediates.len());
            chain.push(end_entity.clone().into_owned());
            chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
            recorded.chain = Some(chain);
            recorded.outcome = None;
        }

        // 1. Verification off.
        if self.verification == Verification::Off {
            tracing::warn!(
                host = %self.host,
                port = self.port,
                sha256 = %Fingerprint::of(end_entity),
                "certificate verification is OFF: the server is not authenticated"
            );
            self.record(TrustOutcome::Unverified);
            return Ok(ServerCertVerified::assertion());
        }

        // 2. A certificate accepted before for this host and port: that one and no other.
        if let Some(pinned) = self.pins.first() {
            if self.pins.iter().any(|p| p.as_ref() == end_entity.as_ref()) {
                self.record(TrustOutcome::Pinned);
                return Ok(ServerCertVerified::assertion());
            }
            let pinned = Fingerprint::of(pinned);
            let presented = Fingerprint::of(end_entity);
            let error = Error::changed(&self.host, self.port, pinned, presented);
            tracing::warn!(host = %self.host, port = self.port, %pinned, %presented, "server certificate changed");
            return self.reject(
                Rejection::Changed { pinned, presented },
                rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(
                    error,
                )))),
            );
        }

        // 3. WebPKI against the anchors.
        let result = match &self.webpki {
            Some(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        let error = match result {
            Ok(verified) => {
                self.record(TrustOutcome::Anchored);
                return Ok(verified);
            }
            Err(e) => e,
        };

        // 4. The server's own certificate imported as a trusted entry.
        if exact_anchor_may_override(&error) {
            match self.exact_anchor_accepts(end_entity, server_name) {
                Some(Ok(())) => {
                    self.record(TrustOutcome::Anchored);
                    return Ok(ServerCertVerified::assertion());
                }
                Some(Err(name_error)) => {
                    let rejection = rejection_for(&name_error, end_entity);
                    return self.reject(rejection, name_error);
                }
                None => {}
            }
        }

        // 5. Rejected.
        let rejection = rejection_for(&error, end_entity);
        self.reject(rejection, error)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

impl fmt::Debug for TrustVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustVerifier")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("verification", &self.verification)
            .field("pins", &self.pins.len())
            .field("anchors", &self.anchors.len())
            .field("outcome", &self.outcome())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_text() {
        let r = Rejection::Expired {
            not_after: Some("2020-01-01T00:00:00Z".into()),
        };
        assert_eq!(r.to_string(), "expired on 2020-01-01T00:00:00Z");
        let r = Rejection::WrongHost {
            presented: vec!["a.example.com".into(), "10.0.0.1".into()],
        };
        assert_eq!(
            r.to_string(),
            "not valid for this host name (valid for a.example.com, 10.0.0.1)"
        );
        let a = Fingerprint::of(b"a");
        let b = Fingerprint::of(b"b");
        let r = Rejection::Changed {
            pinned: a,
            presented: b,
        };
        assert!(r.to_string().contains(&a.to_string()) && r.to_string().contains(&b.to_string()));
    }

    #[test]
    fn maps_errors() {
        let ee = CertificateDer::from(vec![]);
        let e = |c| rustls::Error::InvalidCertificate(c);
        assert_eq!(
            rejection_for(&e(CertificateError::UnknownIssuer), &ee),
            Rejection::UnknownIssuer
        );
        assert_eq!(
            rejection_for(&e(CertificateError::Expired), &ee),
            Rejection::Expired { not_after: None }
        );
        assert_eq!(
            rejection_for(
                &e(CertificateError::ExpiredContext {
                    time: UnixTime::since_unix_epoch(std::time::Duration::from_secs(2_000_000_000)),
                    not_after: UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                        1_738_324_800
                    )),
                }),
                &ee
            ),
            Rejection::Expired {
                not_after: Some("2025-01-31T12:00:00Z".into())
            }
        );
        assert_eq!(
            rejection_for(&e(CertificateError::NotValidYet), &ee),
            Rejection::NotYetValid
        );
        assert_eq!(
            rejection_for(&e(CertificateError::NotValidForName), &ee),
            Rejection::WrongHost { presented: vec![] }
        );
        assert!(matches!(
            rejection_for(&e(CertificateError::BadSignature), &ee),
            Rejection::Other(_)
        ));
        assert!(exact_anchor_may_override(&e(
            CertificateError::UnknownIssuer
        )));
        assert!(!exact_anchor_may_override(&e(CertificateError::Expired)));
        let ca_as_ee =
            CertificateError::Other(OtherError(Arc::new(webpki::Error::CaUsedAsEndEntity)));
        assert!(exact_anchor_may_override(&e(ca_as_ee)));
    }
}
