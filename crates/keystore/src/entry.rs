//! Keystore entries.

use std::fmt;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use zeroize::Zeroizing;

/// One entry of a keystore: a private key with its certificate chain, or a trusted certificate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Entry {
    /// A private key and its certificate chain (keytool's `PrivateKeyEntry`).
    PrivateKey(PrivateKeyEntry),
    /// A certificate trusted on its own (keytool's `trustedCertEntry`).
    Trusted(TrustedEntry),
}

impl Entry {
    /// The entry's alias.
    pub fn alias(&self) -> &str {
        match self {
            Entry::PrivateKey(e) => &e.alias,
            Entry::Trusted(e) => &e.alias,
        }
    }

    /// The entry's own certificate: the leaf of a key's chain, or the trusted certificate.
    /// `None` only for a private key stored without any certificate.
    pub fn certificate(&self) -> Option<&CertificateDer<'static>> {
        match self {
            Entry::PrivateKey(e) => e.chain.first(),
            Entry::Trusted(e) => Some(&e.certificate),
        }
    }

    pub(crate) fn alias_mut(&mut self) -> &mut String {
        match self {
            Entry::PrivateKey(e) => &mut e.alias,
            Entry::Trusted(e) => &mut e.alias,
        }
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::PrivateKey(e) => write!(
                f,
                "{} (private key, {} certificate(s))",
                e.alias,
                e.chain.len()
            ),
            Entry::Trusted(e) => write!(f, "{} (trusted certificate)", e.alias),
        }
    }
}

/// A private key with its certificate chain.
///
/// The key is held as PKCS#8 DER in memory that is zeroized when the entry is dropped; it never
/// appears in `Debug` output.
#[derive(Clone)]
pub struct PrivateKeyEntry {
    /// The alias (PKCS#12 friendly name).
    pub alias: String,
    /// The certificate chain, leaf first. Empty only for a key read from a file that held no
    /// certificate for it.
    pub chain: Vec<CertificateDer<'static>>,
    key: Zeroizing<Vec<u8>>,
}

impl PrivateKeyEntry {
    pub(crate) fn new(
        alias: String,
        key: Zeroizing<Vec<u8>>,
        chain: Vec<CertificateDer<'static>>,
    ) -> Self {
        Self { alias, chain, key }
    }

    /// A copy of the private key as PKCS#8 DER, for rustls.
    ///
    /// rustls-pki-types does not wipe key memory on drop by itself: hand the copy to rustls
    /// (which turns it into a signing key) straight away, or call `zeroize()` on it
    /// (`PrivateKeyDer` implements [`zeroize::Zeroize`]) when done with it.
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.to_vec()))
    }

    pub(crate) fn key_bytes(&self) -> &[u8] {
        &self.key
    }
}

impl fmt::Debug for PrivateKeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKeyEntry")
            .field("alias", &self.alias)
            .field(
                "chain",
                &format_args!("[{} certificate(s)]", self.chain.len()),
            )
            .field("key", &format_args!("<redacted>"))
            .finish()
    }
}

/// A certificate trusted on its own: a CA, or a server's own certificate accepted by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedEntry {
    /// The alias (PKCS#12 friendly name).
    pub alias: String,
    /// The certificate, DER.
    pub certificate: CertificateDer<'static>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_key_bytes() {
        let secret = vec![0xde, 0xad, 0xbe, 0xef, 0x42, 0x42];
        let entry = PrivateKeyEntry::new("me".into(), Zeroizing::new(secret), Vec::new());
        let text = format!("{entry:?} {:?}", Entry::PrivateKey(entry.clone()));
        assert!(text.contains("<redacted>"));
        for needle in ["222", "173", "deadbeef", "DEADBEEF", "0xde"] {
            assert!(!text.contains(needle), "{needle} in {text}");
        }
        match entry.key() {
            PrivateKeyDer::Pkcs8(k) => {
                assert_eq!(k.secret_pkcs8_der(), &[0xde, 0xad, 0xbe, 0xef, 0x42, 0x42])
            }
            _ => panic!("not PKCS#8"),
        }
    }
}
