//! The validation engine shared by [`TrustStore::validate`](crate::TrustStore::validate) and the
//! rustls verifier: rustls-webpki against the anchors, first-use pins, and server certificates
//! trusted exactly.

use std::fmt;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, OtherError, RootCertStore};
use x509_parser::extensions::ParsedExtension;

use crate::anchors::AnchorSet;
use crate::info::rfc3339;
use crate::{CertificateInfo, Error, Fingerprint, Rejection, TrustOutcome};

/// Anchors made ready for validation: the rustls WebPKI verifier over them, and their
/// fingerprints for recognising a server certificate that is itself trusted.
///
/// Built once per [`TrustStore`](crate::TrustStore) state and shared (behind an `Arc`) by every
/// verifier made from it.
pub(crate) struct Engine {
    anchors: Arc<AnchorSet>,
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

/// The certificates accepted on first use for the host and port being validated.
pub(crate) struct Pins<'a> {
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) certs: Vec<&'a CertificateDer<'static>>,
}

impl Pins<'_> {
    /// No pins: anchors decide.
    pub(crate) fn none() -> Self {
        Pins {
            host: "",
            port: 0,
            certs: Vec::new(),
        }
    }
}

/// A certificate refused: why, for people, and the rustls error, for the TLS alert.
pub(crate) struct Refusal {
    pub(crate) rejection: Rejection,
    pub(crate) error: rustls::Error,
}

impl Engine {
    /// Parses the anchors as WebPKI trust anchors (certificates that cannot be one are skipped
    /// with a warning; they can still match a server certificate exactly).
    pub(crate) fn build(anchors: Arc<AnchorSet>, provider: Arc<CryptoProvider>) -> Self {
        let mut roots = RootCertStore::empty();
        let mut ignored = 0usize;
        for anchor in anchors.certificates() {
            // `add` parses the certificate as a trust anchor (subject, key, name constraints).
            if roots.add(CertificateDer::from(anchor.as_ref())).is_err() {
                ignored += 1;
            }
        }
        if ignored > 0 {
            tracing::warn!(
                ignored,
                "some trusted certificates cannot serve as trust anchors"
            );
        }
        let webpki = if roots.is_empty() {
            None
        } else {
            match WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                Arc::clone(&provider),
            )
            .build()
            {
                Ok(v) => Some(v),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot build the WebPKI verifier; every chain is an unknown issuer");
                    None
                }
            }
        };
        Self {
            anchors,
            webpki,
            provider,
        }
    }

    /// The crypto provider (for handshake signatures).
    pub(crate) fn provider(&self) -> &Arc<CryptoProvider> {
        &self.provider
    }

    /// Number of distinct anchors.
    pub(crate) fn anchor_count(&self) -> usize {
        self.anchors.len()
    }

    /// Decides about `leaf` (+ `intermediates`) for `server_name` at `now`, in this order:
    ///
    /// 1. pins for the host and port: accept exactly one of them, refuse anything else as
    ///    changed;
    /// 2. rustls' WebPKI validation against the anchors (no more lenient than rustls-webpki);
    /// 3. if that finds no path to an anchor (or complains that a *self-issued* CA certificate is
    ///    used as the server's), accept a server certificate that is itself exactly an anchor,
    ///    when its extended key usage allows server authentication and it is valid for
    ///    `server_name` (WebPKI has checked its validity period before failing so);
    /// 4. otherwise refuse with WebPKI's error.
    pub(crate) fn check(
        &self,
        pins: &Pins<'_>,
        leaf: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<TrustOutcome, Box<Refusal>> {
        // 0. Weak keys: refused before anything else, so never pinned or offered.
        if let Some(key) = weak_key(leaf) {
            let rejection = Rejection::WeakKey { key };
            let error = Error::Rejected {
                host: pins.host.to_owned(),
                port: pins.port,
                rejection: rejection.clone(),
            };
            return Err(Box::new(Refusal {
                rejection,
                error: rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
                    Arc::new(error),
                ))),
            }));
        }

        // 1. Pins.
        if let Some(first) = pins.certs.first() {
            let (host, port) = (pins.host, pins.port);
            if pins.certs.iter().any(|p| p.as_ref() == leaf.as_ref()) {
                return Ok(TrustOutcome::Pinned);
            }
            let pinned = Fingerprint::of(first);
            let presented = Fingerprint::of(leaf);
            tracing::warn!(%host, port, %pinned, %presented, "server certificate changed");
            let error = Error::changed(host, port, pinned, presented);
            return Err(Box::new(Refusal {
                rejection: Rejection::Changed { pinned, presented },
                error: rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
                    Arc::new(error),
                ))),
            }));
        }

        // 2. WebPKI.
        let result = match &self.webpki {
            Some(v) => v.verify_server_cert(leaf, intermediates, server_name, &[], now),
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        let error = match result {
            Ok(_) => return Ok(TrustOutcome::Anchored),
            Err(e) => e,
        };

        // 3. The server's own certificate trusted exactly.
        let may_override = match exact_anchor_may_override(&error) {
            Override::No => false,
            Override::Yes => true,
            Override::IfSelfIssued => is_self_issued(leaf),
        };
        if may_override && self.anchors.contains(leaf) {
            match exact_anchor_accepts(leaf, server_name) {
                Ok(()) => return Ok(TrustOutcome::Anchored),
                Err(e) => {
                    return Err(Box::new(Refusal {
                        rejection: rejection_for(&e, leaf),
                        error: e,
                    }));
                }
            }
        }

        // 4. Refused.
        Err(Box::new(Refusal {
            rejection: rejection_for(&error, leaf),
            error,
        }))
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("anchors", &self.anchors.len())
            .field("webpki", &self.webpki.is_some())
            .finish_non_exhaustive()
    }
}

/// Whether an exactly trusted server certificate may override WebPKI's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Override {
    /// No: WebPKI's answer stands (expired, bad signature, wrong usage...).
    No,
    /// Yes: WebPKI found no path to an anchor, after checking the certificate's validity
    /// period, basic constraints and extended key usage.
    Yes,
    /// Only for a self-issued certificate: WebPKI refused a CA certificate as a server's own.
    /// `openssl req -x509` makes self-signed server certificates CA:TRUE, and Java accepts them
    /// when trusted; a CA certificate issued by someone else is an intermediate, which trusting
    /// makes an anchor for chains, not a server identity.
    IfSelfIssued,
}

pub(crate) fn exact_anchor_may_override(error: &rustls::Error) -> Override {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => Override::Yes,
        rustls::Error::InvalidCertificate(CertificateError::Other(other))
            if matches!(
                other.0.downcast_ref::<webpki::Error>(),
                Some(webpki::Error::CaUsedAsEndEntity)
            ) =>
        {
            Override::IfSelfIssued
        }
        _ => Override::No,
    }
}

/// Subject and issuer are the same name (false if it does not parse).
fn is_self_issued(der: &CertificateDer<'_>) -> bool {
    x509_parser::parse_x509_certificate(der)
        .is_ok_and(|(_, c)| c.tbs_certificate.subject.as_raw() == c.tbs_certificate.issuer.as_raw())
}

/// An exactly trusted server certificate: it must parse as an end-entity certificate, allow
/// server authentication if it restricts its usage, and name the host.
fn exact_anchor_accepts(
    leaf: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
) -> Result<(), rustls::Error> {
    let parsed = rustls::server::ParsedCertificate::try_from(leaf)?;
    if !allows_server_auth(leaf) {
        return Err(rustls::Error::InvalidCertificate(
            CertificateError::InvalidPurpose,
        ));
    }
    rustls::client::verify_server_name(&parsed, server_name)
}

/// False if the certificate has an extended key usage extension without `serverAuth` (or
/// cannot be parsed at all). WebPKI checks this for the chains it builds; for a CA certificate
/// it refuses as an end entity it stops before, so it is checked here.
fn allows_server_auth(der: &CertificateDer<'_>) -> bool {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return false;
    };
    for ext in cert.tbs_certificate.extensions() {
        if let ParsedExtension::ExtendedKeyUsage(eku) = ext.parsed_extension() {
            return eku.server_auth;
        }
    }
    true
}

/// What a rustls certificate error means for people.
pub(crate) fn rejection_for(error: &rustls::Error, end_entity: &CertificateDer<'_>) -> Rejection {
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

/// The leaf's key, when it is too weak to call a connection secure: RSA under 2048 bits, DSA,
/// or an elliptic curve other than P-256, P-384 and P-521. `None` when it is strong enough
/// (or unreadable: then webpki's own checks decide).
pub(crate) fn weak_key(leaf: &CertificateDer<'_>) -> Option<String> {
    let key = crate::info::key_algorithm_of(leaf)?;
    let weak = if let Some(bits) = key.strip_prefix("RSA ") {
        bits.parse::<usize>().is_ok_and(|b| b < 2048)
    } else if key.starts_with("DSA") {
        true
    } else if key.starts_with("ECDSA") {
        !matches!(key.as_str(), "ECDSA P-256" | "ECDSA P-384" | "ECDSA P-521")
    } else {
        false
    };
    weak.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            exact_anchor_may_override(&e(CertificateError::UnknownIssuer)),
            Override::Yes
        );
        assert_eq!(
            exact_anchor_may_override(&e(CertificateError::Expired)),
            Override::No
        );
        let ca_as_ee =
            CertificateError::Other(OtherError(Arc::new(webpki::Error::CaUsedAsEndEntity)));
        assert_eq!(
            exact_anchor_may_override(&e(ca_as_ee)),
            Override::IfSelfIssued
        );
        let other = CertificateError::Other(OtherError(Arc::new(webpki::Error::BadDer)));
        assert_eq!(exact_anchor_may_override(&e(other)), Override::No);
    }

    #[test]
    fn extended_key_usage_is_checked_for_exact_anchors() {
        let make = |eku: Vec<rcgen::ExtendedKeyUsagePurpose>| {
            let key = rcgen::KeyPair::generate().unwrap();
            let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
            params.extended_key_usages = eku;
            params.self_signed(&key).unwrap().der().clone()
        };
        assert!(allows_server_auth(&make(vec![])));
        assert!(allows_server_auth(&make(vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ])));
        assert!(!allows_server_auth(&make(vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth
        ])));
        assert!(!allows_server_auth(&CertificateDer::from(vec![0x30, 0x00])));
    }
}
