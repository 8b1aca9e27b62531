//! Keystores for cicsx: the PKCS#12 files that hold a user's client certificates (private key
//! entries) and the certificates they trust (trusted certificate entries), read and written the
//! way keytool and OpenSSL expect, and saved atomically under a lock. Java KeyStore (JKS) files
//! and PEM files are read too, to migrate and import from them; only PKCS#12 is written.
//!
//! [`Keystore`] is the in-memory model: decode with [`Keystore::from_pkcs12`] (or
//! [`Keystore::from_jks`], [`Keystore::from_pem`], or [`Keystore::read`], which detects the
//! [`StoreType`]), change, encode with [`Keystore::to_pkcs12`] or export one entry with
//! [`Keystore::to_pem`]. [`KeystoreFile`] adds the file: [`KeystoreFile::load`],
//! [`KeystoreFile::update`] to change it safely when other processes may be doing the same, and
//! [`KeystoreFile::change_passphrase`]. [`fs::write_atomic`] is the one way files are written
//! across cicsx.
//!
//! Pass phrases are [`SecretString`]s; private keys live in zeroizing memory and never appear in
//! `Debug` output, errors or logs. Errors carry stable message IDs `CICSX01xxE`.
//!
//! ```
//! use cicsx_keystore::{DEFAULT_PASSPHRASE, Keystore, KeystoreFile, SecretString, StoreType};
//!
//! # fn main() -> Result<(), cicsx_keystore::Error> {
//! # let dir = tempfile::tempdir().map_err(|e| cicsx_keystore::Error::Encode { detail: e.to_string() })?;
//! let pass = SecretString::from(DEFAULT_PASSPHRASE);
//! let file = KeystoreFile::new(dir.path().join("keystore.p12"));
//! let (keystore, created) = file.load_or_create(&pass)?;
//! assert!(created && keystore.entries().is_empty());
//!
//! // Remove an entry if it is there; the file is rewritten atomically, under a lock.
//! let removed = file.update(&pass, |ks| Ok(ks.remove("old-server:1490").ok()))?;
//! assert!(removed.is_none());
//!
//! // Round trip through PKCS#12 bytes; `read` recognises the format (PKCS#12, JKS or PEM).
//! let der = keystore.to_pkcs12(&pass)?;
//! assert_eq!(StoreType::detect(&der), Some(StoreType::Pkcs12));
//! assert_eq!(Keystore::read(&der, None, &pass)?.entries().len(), 0);
//!
//! // A default keystore still protected by `changeit` deserves a warning on every use.
//! if file.uses_default_passphrase() {
//!     eprintln!("{}", cicsx_keystore::default_passphrase_warning(file.path()));
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod asn1;
mod entry;
mod error;
mod file;
pub mod fs;
mod jks;
mod keys;
mod mac;
mod nullpass;
mod pem;
mod pkcs12;
mod store;
mod store_type;

use std::path::Path;

pub use entry::{Entry, PrivateKeyEntry, TrustedEntry};
pub use error::Error;
pub use file::{KEYSTORE_MODE, KeystoreFile};
pub use secrecy::{ExposeSecret, SecretString};
pub use store::{Keystore, MAX_ALIAS_CHARS, validate_alias};
pub use store_type::StoreType;

pub(crate) use store::same_alias;

/// The pass phrase of the default keystore, as in IBM CICS Explorer and Java's `cacerts`.
pub const DEFAULT_PASSPHRASE: &str = "changeit";

/// Message ID of the warning that a keystore still has [`DEFAULT_PASSPHRASE`].
pub const DEFAULT_PASSPHRASE_WARNING_ID: &str = "CICSX0150W";

/// The warning to show on every use of a keystore that still has the default pass phrase
/// (see [`KeystoreFile::uses_default_passphrase`]): one line, starting with its ID
/// [`DEFAULT_PASSPHRASE_WARNING_ID`], ready to print as it is.
///
/// ```
/// let text = cicsx_keystore::default_passphrase_warning(std::path::Path::new("/ws/keystore.p12"));
/// assert!(text.starts_with("CICSX0150W The keystore /ws/keystore.p12 still has"));
/// ```
pub fn default_passphrase_warning(path: &Path) -> String {
    format!(
        "{DEFAULT_PASSPHRASE_WARNING_ID} The keystore {} still has the default pass phrase \
         {DEFAULT_PASSPHRASE}: anyone who can read the file can read your keys. Change it with \
         `cicsx keystore passwd`.",
        path.display()
    )
}
