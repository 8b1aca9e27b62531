//! Trust anchors and pins, each remembering where it came from.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use cicsx_keystore::Keystore;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::anchors::AnchorSet;
use crate::pin::normalize_host;
use crate::validate::{Engine, Pins};
use crate::{
    CentralResolution, CentralTruststore, CertificateInfo, Error, Rejection, TrustOutcome,
    TrustVerifier, Verification, parse_pin_alias,
};

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
    /// The central truststore: a read-only file or `https://` URL shared by an organisation
    /// (see [`CentralTruststore`]).
    Central(String),
    /// The operating system's trusted roots ([`TrustStore::add_os_roots`]).
    System,
}

impl fmt::Display for AnchorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnchorSource::Keystore(p) => write!(f, "keystore {}", p.display()),
            AnchorSource::Truststore(p) => write!(f, "truststore {}", p.display()),
            AnchorSource::Pem(p) => write!(f, "PEM file {}", p.display()),
            AnchorSource::Builtin(name) => write!(f, "{name}"),
            AnchorSource::Central(location) => write!(f, "central truststore {location}"),
            AnchorSource::System => f.write_str("operating system"),
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
/// Sans-IO: it is filled from keystores, truststores and PEM text the caller has read (and, by
/// [`TrustStore::add_os_roots`], from the operating system's store); [`TrustStore::validate`]
/// decides about a chain and [`TrustStore::verifier`] makes the rustls verifier for one
/// connection. The anchors are prepared for validation once, on first use, and shared by every
/// verifier made until the anchors change.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    /// Shared with the prepared [`Engine`]; copied on write only if a verifier still uses it.
    anchors: Arc<AnchorSet>,
    pins: Vec<Pin>,
    /// Sources of the keystores given to `add_store`, in order (for naming where client
    /// certificates come from in expiry warnings).
    keystores: Vec<AnchorSource>,
    engine: OnceLock<Arc<Engine>>,
    /// SHA-256 over every anchor, for [`TrustStore::policy_digest`]; reset with `engine`.
    anchors_digest: OnceLock<[u8; 32]>,
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
        store.add_store(ks, source);
        store
    }

    /// Adds a keystore's trusted entries, as [`TrustStore::add_store`] does.
    pub fn add_keystore(&mut self, ks: &Keystore, source: AnchorSource) {
        self.add_store(ks, source);
    }

    /// Adds the trusted-certificate entries of a keystore or truststore (PKCS#12, JKS or PEM,
    /// as read by `cicsx_keystore::Keystore`): an entry whose alias is a pin alias
    /// ([`parse_pin_alias`]) becomes a pin for that host and port, any other an anchor.
    ///
    /// Only trusted entries count, as in Java: the CA certificates in the chain of a private key
    /// entry are *not* trusted by being there (a client certificate's chain says nothing about
    /// which servers to trust). Returns how many anchors and pins were added (an anchor already
    /// present is not added again).
    pub fn add_store(&mut self, store: &Keystore, source: AnchorSource) -> usize {
        let mut added = 0;
        for entry in store.trusted() {
            match parse_pin_alias(&entry.alias) {
                Some((host, port)) => {
                    self.pins.push(Pin {
                        host,
                        port,
                        certificate: entry.certificate.clone(),
                        source: source.clone(),
                    });
                    added += 1;
                }
                None => {
                    if self.push_anchor(
                        entry.certificate.clone(),
                        source.clone(),
                        Some(entry.alias.clone()),
                    ) {
                        added += 1;
                    }
                }
            }
        }
        if matches!(source, AnchorSource::Keystore(_)) {
            self.keystores.push(source);
        }
        added
    }

    /// Adds one anchor. A certificate already present is not added twice.
    pub fn add_anchor(&mut self, cert: CertificateDer<'static>, source: AnchorSource) {
        self.push_anchor(cert, source, None);
    }

    /// Adds anchors from one source; returns how many were new.
    pub fn add_anchors(
        &mut self,
        certs: impl IntoIterator<Item = CertificateDer<'static>>,
        source: AnchorSource,
    ) -> usize {
        let certs = certs.into_iter();
        let (expected, _) = certs.size_hint();
        if expected > 0 {
            self.engine = OnceLock::new();
            self.anchors_digest = OnceLock::new();
            Arc::make_mut(&mut self.anchors).reserve(expected);
        }
        let mut added = 0;
        for cert in certs {
            if self.push_anchor(cert, source.clone(), None) {
                added += 1;
            }
        }
        added
    }

    /// Adds the operating system's trusted root certificates as anchors with source
    /// [`AnchorSource::System`], through `rustls-native-certs`: on Linux the files named by
    /// `SSL_CERT_FILE` / `SSL_CERT_DIR` if set, else the distribution's bundle (e.g.
    /// `/etc/ssl/certs/ca-certificates.crt`); on Windows and macOS the system store. Returns how
    /// many were new.
    ///
    /// Certificates that could be read are used even if others could not (those problems are
    /// logged as warnings).
    ///
    /// # Errors
    /// [`Error::OsRoots`] if no certificate at all could be read.
    pub fn add_os_roots(&mut self) -> Result<usize, Error> {
        self.add_native_certs(rustls_native_certs::load_native_certs())
    }

    pub(crate) fn add_native_certs(
        &mut self,
        result: rustls_native_certs::CertificateResult,
    ) -> Result<usize, Error> {
        let problems: Vec<String> = result.errors.iter().map(ToString::to_string).collect();
        if result.certs.is_empty() {
            return Err(Error::OsRoots {
                detail: if problems.is_empty() {
                    "no certificates found".into()
                } else {
                    problems.join("; ")
                },
            });
        }
        for problem in &problems {
            tracing::warn!(%problem, "some of the operating system's certificates could not be read");
        }
        Ok(self.add_anchors(result.certs, AnchorSource::System))
    }

    /// Adds the anchors of a resolved central truststore, with source
    /// [`AnchorSource::Central`]; returns how many were new.
    pub fn add_central(
        &mut self,
        central: &CentralTruststore,
        resolution: &CentralResolution,
    ) -> usize {
        self.add_anchors(resolution.anchors.iter().cloned(), central.source())
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
        let certs = parse_pem_certificates(pem)?;
        let n = certs.len();
        self.add_anchors(certs, source);
        Ok(n)
    }

    /// Adds an anchor unless present; true if added.
    fn push_anchor(
        &mut self,
        cert: CertificateDer<'static>,
        source: AnchorSource,
        alias: Option<String>,
    ) -> bool {
        if self.anchors.contains(&cert) {
            return false;
        }
        // The prepared anchors are out of date; dropping them first lets the set be changed in
        // place unless a verifier still holds them.
        self.engine = OnceLock::new();
        self.anchors_digest = OnceLock::new();
        Arc::make_mut(&mut self.anchors).insert(Anchor {
            certificate: cert,
            source,
            alias,
        })
    }

    /// The anchors.
    pub fn anchors(&self) -> &[Anchor] {
        self.anchors.list()
    }

    /// The pins.
    pub fn pins(&self) -> &[Pin] {
        &self.pins
    }

    /// The source of the first keystore added with an [`AnchorSource::Keystore`] source (the
    /// user's keystore, which holds the client certificates).
    pub(crate) fn keystore_source(&self) -> Option<&AnchorSource> {
        self.keystores.first()
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
    /// epoch), or has already ended; for warnings at start-up. See also
    /// [`expiry_warnings`](crate::expiry_warnings), which adds client certificates and message
    /// IDs.
    pub fn expiring_within(&self, days: u32, now_unix: i64) -> Vec<Expiring> {
        let limit = now_unix.saturating_add(i64::from(days) * 86_400);
        let anchors = self
            .anchors()
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

    /// Validates a server's certificate chain against the anchors: `leaf` with the
    /// `intermediates` the server sent, for `server_name`, at `now`. Pins are not consulted
    /// (see [`TrustStore::validate_with_pins`]).
    ///
    /// rustls-webpki decides (with the aws-lc-rs algorithms rustls uses), so a chain is never
    /// accepted that rustls-webpki would refuse, with one exception that only widens what the
    /// *user* trusts: a server certificate that is itself exactly an anchor (keytool
    /// `-importcert` of the server's own certificate) is accepted when webpki finds no path for
    /// it, provided it is within its validity period, allows server authentication and names
    /// `server_name`. Revocation (CRLs, OCSP) is not checked.
    ///
    /// Returns [`TrustOutcome::Anchored`], or the [`Rejection`].
    pub fn validate(
        &self,
        leaf: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<TrustOutcome, Rejection> {
        self.engine()
            .check(&Pins::none(), leaf, intermediates, server_name, now)
            .map_err(|refusal| refusal.rejection)
    }

    /// As [`TrustStore::validate`], for a connection to `server_name` on `port`, with the pins
    /// for that host and port: if there are any, the leaf must be one of them
    /// ([`TrustOutcome::Pinned`]) and anything else is [`Rejection::Changed`], whatever the
    /// anchors say. These are the rules of [`TrustStore::verifier`] with verification on.
    pub fn validate_with_pins(
        &self,
        port: u16,
        leaf: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<TrustOutcome, Rejection> {
        let host = normalize_host(&server_name.to_str());
        let pins = Pins {
            host: &host,
            port,
            certs: self.pins_for(&host, port),
        };
        self.engine()
            .check(&pins, leaf, intermediates, server_name, now)
            .map_err(|refusal| refusal.rejection)
    }

    fn pins_for(&self, normalized_host: &str, port: u16) -> Vec<&CertificateDer<'static>> {
        self.pins
            .iter()
            .filter(|p| p.port == port && p.host == normalized_host)
            .map(|p| &p.certificate)
            .collect()
    }

    /// The prepared anchors with the default (aws-lc-rs) provider, built on first use.
    fn engine(&self) -> Arc<Engine> {
        Arc::clone(self.engine.get_or_init(|| {
            Arc::new(Engine::build(
                Arc::clone(&self.anchors),
                Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
            ))
        }))
    }

    /// The rustls verifier for one connection to `host:port`; see [`TrustVerifier`] for the
    /// rules. Uses the aws-lc-rs crypto provider.
    pub fn verifier(
        &self,
        host: &str,
        port: u16,
        verification: Verification,
    ) -> Arc<TrustVerifier> {
        self.verifier_with_engine(host, port, verification, self.engine())
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
        let engine = Arc::new(Engine::build(Arc::clone(&self.anchors), provider));
        self.verifier_with_engine(host, port, verification, engine)
    }

    /// A digest of everything that decides whether a server at `host:port` is trusted: the
    /// verification setting, every anchor and the pins for that host and port.
    ///
    /// Two connects with the same digest trust exactly the same certificates, so a TLS session
    /// established by one may be resumed by the other (resumption skips the certificate check).
    /// Any change (an anchor added, a certificate accepted, verification turned on) gives a
    /// new digest, and an old session is never resumed under the new policy. The anchors are
    /// hashed once per change, not per call.
    pub fn policy_digest(&self, host: &str, port: u16, verification: Verification) -> [u8; 32] {
        use aws_lc_rs::digest::{Context, SHA256};
        let anchors = self.anchors_digest.get_or_init(|| {
            let mut ctx = Context::new(&SHA256);
            for cert in self.anchors.certificates() {
                ctx.update(&(cert.len() as u64).to_be_bytes());
                ctx.update(cert);
            }
            let mut out = [0u8; 32];
            out.copy_from_slice(ctx.finish().as_ref());
            out
        });
        let host = normalize_host(host);
        let mut ctx = Context::new(&SHA256);
        ctx.update(b"cicsx trust policy v1");
        ctx.update(&[matches!(verification, Verification::On) as u8]);
        ctx.update(anchors);
        ctx.update(&(host.len() as u64).to_be_bytes());
        ctx.update(host.as_bytes());
        ctx.update(&port.to_be_bytes());
        for pin in self.pins_for(&host, port) {
            ctx.update(&(pin.len() as u64).to_be_bytes());
            ctx.update(pin);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        out
    }

    fn verifier_with_engine(
        &self,
        host: &str,
        port: u16,
        verification: Verification,
        engine: Arc<Engine>,
    ) -> Arc<TrustVerifier> {
        let host = normalize_host(host);
        let pins = self.pins_for(&host, port).into_iter().cloned().collect();
        Arc::new(TrustVerifier::new(host, port, verification, pins, engine))
    }
}

/// Every `CERTIFICATE` section of PEM text, each checked to parse as X.509.
pub(crate) fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let mut certs = Vec::new();
    for item in CertificateDer::pem_slice_iter(pem) {
        let cert = item.map_err(|e| Error::Pem {
            detail: e.to_string(),
        })?;
        CertificateInfo::from_der(&cert)?;
        certs.push(cert);
    }
    Ok(certs)
}
