//! The in-memory keystore.

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use secrecy::{ExposeSecret, SecretString};

use crate::error::printable;
use crate::{Entry, Error, PrivateKeyEntry, TrustedEntry, keys, pkcs12};

/// Longest alias accepted by [`Keystore::add_trusted`] and [`Keystore::add_private_key`].
pub const MAX_ALIAS_CHARS: usize = 255;

/// A keystore in memory: private keys with their chains, and trusted certificates.
///
/// Aliases are unique and compared without regard to case (as keytool does for PKCS#12, where
/// Java lowercases them); an entry keeps the alias exactly as it was given. Entries keep the
/// order they were read or added in.
#[derive(Debug, Clone, Default)]
pub struct Keystore {
    entries: Vec<Entry>,
}

/// True if two aliases name the same entry.
pub(crate) fn same_alias(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

impl Keystore {
    /// An empty keystore.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes a PKCS#12 file.
    ///
    /// Every certificate bag is read: keys with their chains (linked by local key ID, else by
    /// public key; chains follow issuer names), and every other certificate as a trusted entry,
    /// whether or not it carries Java's trusted attribute. A certificate that belongs to a key's
    /// chain is not listed again as a trusted entry, unless a bag of its own marks it trusted.
    ///
    /// Aliases come from the friendly names, non-ASCII kept. Entries without one are numbered
    /// `1`, `2`, ... (keys first, then certificates, skipping numbers in use), which is the alias
    /// keytool shows for them; a repeated name gets `#2`, `#3`, ... appended.
    ///
    /// # Errors
    /// [`Error::WrongPassphrase`] if the pass phrase does not open it,
    /// [`Error::UnsupportedAlgorithm`] naming the algorithm (e.g. `DES-EDE3-CBC (3DES)`) if it is
    /// encrypted in a way that cannot be read, [`Error::Unreadable`] if it is not PKCS#12 or is
    /// damaged.
    pub fn from_pkcs12(der: &[u8], passphrase: &SecretString) -> Result<Self, Error> {
        let entries = pkcs12::read(der, passphrase.expose_secret())?;
        Ok(Self { entries })
    }

    /// Encodes the keystore as PKCS#12 (AES-256-CBC, PBKDF2 and MAC with HMAC-SHA256, 10,000
    /// iterations), readable by `openssl pkcs12` and by keytool (the tests check both). Trusted
    /// certificates carry Java's trusted-key-usage attribute, so keytool lists them as
    /// `trustedCertEntry`.
    pub fn to_pkcs12(&self, passphrase: &SecretString) -> Result<Vec<u8>, Error> {
        pkcs12::write(&self.entries, passphrase.expose_secret())
    }

    /// All entries, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the keystore has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with this alias (compared without regard to case).
    pub fn get(&self, alias: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| same_alias(e.alias(), alias))
    }

    /// True if an entry has this alias (compared without regard to case).
    pub fn contains(&self, alias: &str) -> bool {
        self.get(alias).is_some()
    }

    /// The trusted-certificate entries.
    pub fn trusted(&self) -> impl Iterator<Item = &TrustedEntry> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Trusted(t) => Some(t),
            Entry::PrivateKey(_) => None,
        })
    }

    /// The private-key entries.
    pub fn private_keys(&self) -> impl Iterator<Item = &PrivateKeyEntry> {
        self.entries.iter().filter_map(|e| match e {
            Entry::PrivateKey(k) => Some(k),
            Entry::Trusted(_) => None,
        })
    }

    /// Adds a trusted certificate.
    ///
    /// # Errors
    /// [`Error::InvalidAlias`], [`Error::AliasExists`], or [`Error::InvalidCertificate`] if the
    /// DER does not parse as X.509.
    pub fn add_trusted(&mut self, alias: &str, cert: CertificateDer<'static>) -> Result<(), Error> {
        self.check_new_alias(alias)?;
        check_certificate(alias, &cert)?;
        self.entries.push(Entry::Trusted(TrustedEntry {
            alias: alias.to_owned(),
            certificate: cert,
        }));
        Ok(())
    }

    /// Adds a private key with its certificate chain (leaf first).
    ///
    /// PKCS#1 (RSA) and SEC1 (EC, with its curve named) keys are converted to PKCS#8. The key
    /// must belong to the chain's first certificate; this is checked for RSA (2048 to 8192
    /// bits), ECDSA P-256/P-384/P-521 and Ed25519 keys.
    ///
    /// # Errors
    /// [`Error::InvalidAlias`], [`Error::AliasExists`], [`Error::InvalidPrivateKey`],
    /// [`Error::InvalidCertificate`] (also for an empty chain), [`Error::KeyMismatch`].
    pub fn add_private_key(
        &mut self,
        alias: &str,
        key: PrivateKeyDer<'static>,
        chain: Vec<CertificateDer<'static>>,
    ) -> Result<(), Error> {
        self.check_new_alias(alias)?;
        let pkcs8 = keys::to_pkcs8(&key).map_err(|detail| Error::InvalidPrivateKey {
            alias: alias.to_owned(),
            detail: detail.to_owned(),
        })?;
        drop(key);
        let Some(leaf) = chain.first() else {
            return Err(Error::InvalidCertificate {
                alias: alias.to_owned(),
                detail: "the certificate chain is empty".into(),
            });
        };
        for cert in &chain {
            check_certificate(alias, cert)?;
        }
        if keys::key_matches_certificate(&pkcs8, leaf) == Some(false) {
            let subject = x509_parser::parse_x509_certificate(leaf)
                .map(|(_, c)| c.subject().to_string())
                .unwrap_or_default();
            return Err(Error::KeyMismatch {
                alias: alias.to_owned(),
                subject,
            });
        }
        self.entries.push(Entry::PrivateKey(PrivateKeyEntry::new(
            alias.to_owned(),
            pkcs8,
            chain,
        )));
        Ok(())
    }

    /// Removes and returns the entry with this alias (compared without regard to case).
    ///
    /// # Errors
    /// [`Error::AliasNotFound`].
    pub fn remove(&mut self, alias: &str) -> Result<Entry, Error> {
        match self
            .entries
            .iter()
            .position(|e| same_alias(e.alias(), alias))
        {
            Some(i) => Ok(self.entries.remove(i)),
            None => Err(Error::AliasNotFound {
                alias: printable(alias),
            }),
        }
    }

    fn check_new_alias(&self, alias: &str) -> Result<(), Error> {
        validate_alias(alias)?;
        if self.contains(alias) {
            return Err(Error::AliasExists {
                alias: alias.to_owned(),
            });
        }
        Ok(())
    }
}

/// Checks that an alias can be stored as a PKCS#12 friendly name and shown on one line.
pub fn validate_alias(alias: &str) -> Result<(), Error> {
    let reason = if alias.is_empty() {
        "it is empty"
    } else if alias.chars().count() > MAX_ALIAS_CHARS {
        "it is longer than 255 characters"
    } else if alias.chars().any(char::is_control) {
        "it contains control characters"
    } else if alias.chars().any(|c| u32::from(c) > 0xffff) {
        "it contains characters (such as emoji) that a PKCS#12 friendly name cannot hold"
    } else {
        return Ok(());
    };
    Err(Error::InvalidAlias {
        alias: printable(alias),
        reason,
    })
}

fn check_certificate(alias: &str, cert: &CertificateDer<'_>) -> Result<(), Error> {
    match x509_parser::parse_x509_certificate(cert) {
        Ok(([], _)) => Ok(()),
        Ok(_) => Err(Error::InvalidCertificate {
            alias: alias.to_owned(),
            detail: "trailing data after the certificate".into(),
        }),
        Err(e) => Err(Error::InvalidCertificate {
            alias: alias.to_owned(),
            detail: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_rules() {
        assert!(validate_alias("mykey").is_ok());
        assert!(validate_alias("cics.example.com:1490").is_ok());
        assert!(validate_alias("[::1]:1490").is_ok());
        assert!(validate_alias("☺ é").is_ok());
        for bad in ["", "a\nb", "tab\there", "😀"] {
            assert!(
                matches!(validate_alias(bad), Err(Error::InvalidAlias { .. })),
                "{bad:?}"
            );
        }
        assert!(validate_alias(&"x".repeat(255)).is_ok());
        assert!(validate_alias(&"x".repeat(256)).is_err());
    }

    #[test]
    fn aliases_compare_without_case() {
        assert!(same_alias("MyKey", "mykey"));
        assert!(same_alias("ÉCOLE", "école"));
        assert!(!same_alias("a", "b"));
    }

    #[test]
    fn rejects_bad_certificate_and_missing_alias() {
        let mut ks = Keystore::new();
        let err = ks
            .add_trusted("x", CertificateDer::from(vec![0x30, 0x00]))
            .unwrap_err();
        assert_eq!(err.id(), "CICSX0110E");
        assert!(ks.is_empty());
        let err = ks.remove("nope").unwrap_err();
        assert_eq!(err.id(), "CICSX0106E");
    }
}
