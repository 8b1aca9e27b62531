//! The rustls certificate verifier for one connection.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::validate::{Engine, Pins, Refusal};
use crate::{Error, Fingerprint};

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
    /// The server's certificate has a key too weak for a connection cicsx calls secure
    /// (RSA under 2048 bits, DSA, or an elliptic curve other than P-256, P-384 and P-521).
    /// Never offered for acceptance.
    WeakKey {
        /// The key, e.g. `RSA 1024`.
        key: String,
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
            Rejection::WeakKey { key } => write!(f, "its key ({key}) is too weak"),
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
/// a self-signed CA certificate is used as the server's), accept a server certificate that is
/// itself exactly a trusted anchor when it allows server authentication and is valid for the
/// host name. Everything else is rejected with the
/// error WebPKI gave (so rustls sends the right alert). The same rules, verification off aside,
/// are [`TrustStore::validate_with_pins`](crate::TrustStore::validate_with_pins).
///
/// Every call records the chain the server presented and the outcome, for a certificate alert
/// and for storing the certificate when the user accepts it.
pub struct TrustVerifier {
    host: String,
    port: u16,
    verification: Verification,
    pins: Vec<CertificateDer<'static>>,
    engine: Arc<Engine>,
    recorded: Mutex<Recorded>,
}

impl TrustVerifier {
    pub(crate) fn new(
        host: String,
        port: u16,
        verification: Verification,
        pins: Vec<CertificateDer<'static>>,
        engine: Arc<Engine>,
    ) -> Self {
        Self {
            host,
            port,
            verification,
            pins,
            engine,
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
}

impl ServerCertVerifier for TrustVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
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

        let pins = Pins {
            host: &self.host,
            port: self.port,
            certs: self.pins.iter().collect(),
        };
        match self
            .engine
            .check(&pins, end_entity, intermediates, server_name, now)
        {
            Ok(outcome) => {
                self.record(outcome);
                Ok(ServerCertVerified::assertion())
            }
            Err(refusal) => {
                let Refusal { rejection, error } = *refusal;
                tracing::debug!(host = %self.host, port = self.port, %rejection, "server certificate rejected");
                self.record(TrustOutcome::Rejected(rejection));
                Err(error)
            }
        }
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
            &self.engine.provider().signature_verification_algorithms,
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
            &self.engine.provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.engine
            .provider()
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
            .field("anchors", &self.engine.anchor_count())
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
}
