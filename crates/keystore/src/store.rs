//! The in-memory keystore.

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::printable;
use crate::{Entry, Error, PrivateKeyEntry, StoreType, TrustedEntry, jks, keys, pem, pkcs12};

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

    /// Decodes a Java KeyStore (JKS) file, as keytool writes it: private keys with their chains
    /// and trusted certificates, aliases as stored (keytool lowercases them).
    ///
    /// The file's integrity digest is checked first (SHA-1 over the pass phrase, "Mighty
    /// Aphrodite" and the contents), then each private key is recovered with the same pass
    /// phrase (keytool's default). JCEKS files are not supported.
    ///
    /// # Errors
    /// [`Error::WrongPassphrase`] if the digest does not match (the same error as for
    /// PKCS#12), [`Error::KeyPassphrase`] if a key has a pass phrase of its own,
    /// [`Error::Malformed`] if the file is truncated or damaged, [`Error::UnsupportedAlgorithm`]
    /// for JCEKS and unknown key protection, [`Error::InvalidCertificate`] and
    /// [`Error::InvalidPrivateKey`] for contents that do not parse.
    pub fn from_jks(bytes: &[u8], passphrase: &SecretString) -> Result<Self, Error> {
        let entries = jks::read(bytes, passphrase.expose_secret())?;
        Ok(Self { entries })
    }

    /// Decodes PEM text: certificates (`CERTIFICATE`, also OpenSSL's `TRUSTED CERTIFICATE`)
    /// and unencrypted private keys (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1
    /// `EC PRIVATE KEY`). Text outside the sections, and sections of other kinds, are skipped.
    /// A single DER certificate is accepted too.
    ///
    /// Each key becomes one private-key entry whose chain starts with the certificate holding
    /// its public key and goes on through that certificate's issuers found in the file (in file
    /// order where several fit). Every certificate in no key's chain is a trusted entry. Keys
    /// come first, then trusted certificates, each in file order. Aliases are the leaf's
    /// subject common name (repeats get `#2`, `#3`, ...; without a CN, numbers `1`, `2`, ...).
    ///
    /// # Errors
    /// [`Error::Malformed`] for PEM that is damaged or holds neither a certificate nor a key,
    /// [`Error::EncryptedPemKey`] for an encrypted key, [`Error::InvalidCertificate`],
    /// [`Error::InvalidPrivateKey`] for a key that does not parse or whose certificate is not in
    /// the file.
    pub fn from_pem(text: &[u8]) -> Result<Self, Error> {
        let entries = pem::read(text)?;
        Ok(Self { entries })
    }

    /// Decodes a keystore of the given type, or of the type [`StoreType::detect`] finds (PKCS#12
    /// when it finds none). The pass phrase is not used for PEM.
    ///
    /// # Errors
    /// Those of [`Keystore::from_pkcs12`], [`Keystore::from_jks`] or [`Keystore::from_pem`].
    pub fn read(
        bytes: &[u8],
        store_type: Option<StoreType>,
        passphrase: &SecretString,
    ) -> Result<Self, Error> {
        match store_type.or_else(|| StoreType::detect(bytes)) {
            Some(StoreType::Jks) => Self::from_jks(bytes, passphrase),
            Some(StoreType::Pem) => Self::from_pem(bytes),
            Some(StoreType::Pkcs12) | None => Self::from_pkcs12(bytes, passphrase),
        }
    }

    /// Encodes the keystore as PKCS#12 (AES-256-CBC, PBKDF2 and MAC with HMAC-SHA256, 10,000
    /// iterations), readable by `openssl pkcs12` and by keytool (the tests check both). Trusted
    /// certificates carry Java's trusted-key-usage attribute, so keytool lists them as
    /// `trustedCertEntry`.
    pub fn to_pkcs12(&self, passphrase: &SecretString) -> Result<Vec<u8>, Error> {
        pkcs12::write(&self.entries, passphrase.expose_secret())
    }

    /// One entry as a PKCS#12 file of its own (same encryption as [`Keystore::to_pkcs12`]).
    ///
    /// # Errors
    /// [`Error::AliasNotFound`], [`Error::Encode`].
    pub fn export_pkcs12(&self, alias: &str, passphrase: &SecretString) -> Result<Vec<u8>, Error> {
        let entry = self.find(alias)?;
        pkcs12::write(std::slice::from_ref(entry), passphrase.expose_secret())
    }

    /// One entry as PEM text: its certificates, leaf first, and with `include_key` the private
    /// key of a private-key entry as unencrypted PKCS#8 (`-----BEGIN PRIVATE KEY-----`) after
    /// them. A trusted entry has no key, so `include_key` adds nothing to it. The text is
    /// wiped from memory when dropped.
    ///
    /// # Errors
    /// [`Error::AliasNotFound`].
    pub fn to_pem(&self, alias: &str, include_key: bool) -> Result<Zeroizing<String>, Error> {
        Ok(pem::write(self.find(alias)?, include_key))
    }

    /// Gives an entry a new alias. Changing only the case of an alias is allowed.
    ///
    /// # Errors
    /// [`Error::AliasNotFound`], [`Error::InvalidAlias`], [`Error::AliasExists`] if another
    /// entry has the new alias.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), Error> {
        let index = self.position(old)?;
        validate_alias(new)?;
        if self
            .entries
            .iter()
            .enumerate()
            .any(|(i, e)| i != index && same_alias(e.alias(), new))
        {
            return Err(Error::AliasExists {
                alias: new.to_owned(),
            });
        }
        *self.entries[index].alias_mut() = new.to_owned();
        Ok(())
    }

    /// Adds every entry of `other` (for example a keystore read with [`Keystore::read`]) and
    /// returns the aliases added, in order. `alias` renames the entry, and may be given only
    /// when `other` has exactly one.
    ///
    /// Nothing is added unless everything can be: all aliases are checked first.
    ///
    /// # Errors
    /// [`Error::AliasExists`] if an alias is already in use (aliases are compared without
    /// regard to case), [`Error::InvalidAlias`] if an alias cannot be stored in PKCS#12, or if
    /// `alias` is given and `other` does not have exactly one entry.
    pub fn import(&mut self, other: Keystore, alias: Option<&str>) -> Result<Vec<String>, Error> {
        let mut incoming = other.entries;
        if let Some(alias) = alias {
            if incoming.len() != 1 {
                return Err(Error::InvalidAlias {
                    alias: printable(alias),
                    reason: "an alias can be given only when importing exactly one entry",
                });
            }
            for entry in &mut incoming {
                *entry.alias_mut() = alias.to_owned();
            }
        }
        for (i, entry) in incoming.iter().enumerate() {
            let a = entry.alias();
            validate_alias(a)?;
            if self.contains(a) || incoming[..i].iter().any(|e| same_alias(e.alias(), a)) {
                return Err(Error::AliasExists {
                    alias: printable(a),
                });
            }
        }
        let added = incoming.iter().map(|e| e.alias().to_owned()).collect();
        self.entries.extend(incoming);
        Ok(added)
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
        let index = self.position(alias)?;
        Ok(self.entries.remove(index))
    }

    fn position(&self, alias: &str) -> Result<usize, Error> {
        self.entries
            .iter()
            .position(|e| same_alias(e.alias(), alias))
            .ok_or_else(|| Error::AliasNotFound {
                alias: printable(alias),
            })
    }

    fn find(&self, alias: &str) -> Result<&Entry, Error> {
        Ok(&self.entries[self.position(alias)?])
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

pub(crate) fn check_certificate(alias: &str, cert: &[u8]) -> Result<(), Error> {
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
