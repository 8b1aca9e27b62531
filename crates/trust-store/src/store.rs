//! Trust anchors and pins, each remembering where it came from.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use cicsx_keystore::Keystore;
use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::pin::normalize_host;
use crate::{CertificateInfo, Error, TrustVerifier, Verification, parse_pin_alias};

/// Where a trust anchor or pin came from, for listings and messages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnchorSource {
    /// The user's keystore (which also serves as a truststore).
    Keystore(PathBuf),
    /// A separate truststore file.
    Truststore(PathBuf),
    /// A PEM bundle file.
    Pem(PathBuf),
    /// Built in or supplied by the program, named.
    Builtin(String),
}

impl fmt::Display for AnchorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnchorSource::Keystore(p) => write!(f, "keystore {}", p.display()),
            AnchorSource::Truststore(p) => write!(f, "truststore {}", p.display()),
            AnchorSource::Pem(p) => write!(f, "PEM file {}", p.display()),
            AnchorSource::Builtin(name) => write!(f, "{name}"),
        }
    }
}

/// A certificate trusted as a root of chains (or, if a server's own, trusted exactly).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Anchor {
    /// The certificate.
    pub certificate: CertificateDer<'static>,
    /// Where it came from.
    pub source: AnchorSource,
    /// Its alias in the keystore it came from, if any.
    pub alias: Option<String>,
}

/// A server certificate accepted on first use for one host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pin {
    /// Host, normalised as in [`pin_alias`](crate::pin_alias).
    pub host: String,
    /// Port.
    pub port: u16,
    /// The exact certificate accepted.
    pub certificate: CertificateDer<'static>,
    /// Where it came from.
    pub source: AnchorSource,
}

/// A certificate of a [`TrustStore`] that is about to expire.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expiring {
    /// Its details.
    pub info: CertificateInfo,
    /// Where it came from.
    pub source: AnchorSource,
    /// True for a pin, false for an anchor.
    pub pinned: bool,
}

/// Everything trusted for server certificates: anchors (CA certificates, and server
/// certificates trusted exactly) and pins (certificates accepted on first use for one
/// `host:port`).
///
/// Sans-IO: it is filled from keystores and PEM text the caller has read; [`TrustStore::verifier`]
/// makes the rustls verifier for one connection.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Anchor>,
    pins: Vec<Pin>,
}

impl TrustStore {
    /// An empty trust store: every certificate is an unknown issuer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The trusted entries of a keystore: those whose alias is a pin alias
    /// ([`parse_pin_alias`]) become pins, the others anchors. Private key entries are ignored.
    pub fn from_keystore(ks: &Keystore, source: AnchorSource) -> Self {
        let mut store = Self::new();
        store.add_keystore(ks, source);
        store
    }

    /// Adds a keystore's trusted entries, as [`TrustStore::from_keystore`] does; for using a
    /// keystore and a truststore together.
    pub fn add_keystore(&mut self, ks: &Keystore, source: AnchorSource) {
        for entry in ks.trusted() {
            match parse_pin_alias(&entry.alias) {
                Some((host, port)) => self.pins.push(Pin {
                    host,
                    port,
                    certificate: entry.certificate.clone(),
                    source: source.clone(),
                }),
                None => self.push_anchor(
                    entry.certificate.clone(),
                    source.clone(),
                    Some(entry.alias.clone()),
                ),
            }
        }
    }

    /// Adds one anchor. A certificate already present is not added twice.
    pub fn add_anchor(&mut self, cert: CertificateDer<'static>, source: AnchorSource) {
        self.push_anchor(cert, source, None);
    }

    /// Adds a pin for `host:port` (as when the user accepts a certificate for this session
    /// without saving it).
    pub fn add_pin(
        &mut self,
        host: &str,
        port: u16,
        cert: CertificateDer<'static>,
        source: AnchorSource,
    ) {
        self.pins.push(Pin {
            host: normalize_host(host),
            port,
            certificate: cert,
            source,
        });
    }

    /// Adds every `CERTIFICATE` in PEM text as an anchor; other sections (keys, CRLs) are
    /// skipped. Returns how many certificates were found.
    ///
    /// # Errors
    /// [`Error::Pem`] if the PEM text is malformed, [`Error::InvalidCertificate`] if a
    /// certificate in it does not parse; nothing is added then.
    pub fn add_pem_bundle(&mut self, pem: &[u8], source: AnchorSource) -> Result<usize, Error> {
        let mut certs = Vec::new();
        for item in CertificateDer::pem_slice_iter(pem) {
            let cert = item.map_err(|e| Error::Pem {
                detail: e.to_string(),
            })?;
            CertificateInfo::from_der(&cert)?;
            certs.push(cert);
        }
        let n = certs.len();
        for cert in certs {
            self.push_anchor(cert, source.clone(), None);
        }
        Ok(n)
    }

    fn push_anchor(
        &mut self,
        cert: CertificateDer<'static>,
        source: AnchorSource,
        alias: Option<String>,
    ) {
        if self.anchors.iter().any(|a| a.certificate == cert) {
            return;
        }
        self.anchors.push(Anchor {
            certificate: cert,
            source,
            alias,
        });
    }

    /// The anchors.
    pub fn anchors(&self) -> &[Anchor] {
        &self.anchors
    }

    /// The pins.
    pub fn pins(&self) -> &[Pin] {
        &self.pins
    }

    /// The certificate accepted before for `host:port`, if any (the first, if several).
    pub fn pin_for(&self, host: &str, port: u16) -> Option<&CertificateDer<'static>> {
        let host = normalize_host(host);
        self.pins
            .iter()
            .find(|p| p.port == port && p.host == host)
            .map(|p| &p.certificate)
    }

    /// Anchors and pins whose validity ends within `days` days of `now_unix` (seconds since the
    /// epoch), or has already ended; for warnings at start-up.
    pub fn expiring_within(&self, days: u32, now_unix: i64) -> Vec<Expiring> {
        let limit = now_unix.saturating_add(i64::from(days) * 86_400);
        let anchors = self
            .anchors
            .iter()
            .map(|a| (&a.certificate, &a.source, false));
        let pins = self.pins.iter().map(|p| (&p.certificate, &p.source, true));
        anchors
            .chain(pins)
            .filter_map(|(cert, source, pinned)| {
                let info = CertificateInfo::from_der(cert).ok()?;
                (info.not_after_unix <= limit).then(|| Expiring {
                    info,
                    source: source.clone(),
                    pinned,
                })
            })
            .collect()
    }

    /// The rustls verifier for one connection to `host:port`; see [`TrustVerifier`] for the
    /// rules. Uses the aws-lc-rs crypto provider.
    pub fn verifier(
        &self,
        host: &str,
        port: u16,
        verification: Verification,
    ) -> Arc<TrustVerifier> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        self.verifier_with_provider(host, port, verification, provider)
    }

    /// As [`TrustStore::verifier`], with a given crypto provider (its signature algorithms are
    /// used for chains and handshake signatures).
    pub fn verifier_with_provider(
        &self,
        host: &str,
        port: u16,
        verification: Verification,
        provider: Arc<CryptoProvider>,
    ) -> Arc<TrustVerifier> {
        let host = normalize_host(host);
        let pins: Vec<CertificateDer<'static>> = self
            .pins
            .iter()
            .filter(|p| p.port == port && p.host == host)
            .map(|p| p.certificate.clone())
            .collect();
        let anchors: Vec<CertificateDer<'static>> =
            self.anchors.iter().map(|a| a.certificate.clone()).collect();

        let mut roots = RootCertStore::empty();
        let (_, ignored) = roots.add_parsable_certificates(anchors.iter().cloned());
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
        Arc::new(TrustVerifier::new(
            host,
            port,
            verification,
            pins,
            anchors,
            webpki,
            provider,
        ))
    }
}
