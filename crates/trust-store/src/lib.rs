//! Trust decisions for cicsx: which server certificates a connection to a CICS region accepts.
//!
//! A [`TrustStore`] holds *anchors* (CA certificates, and server certificates trusted exactly,
//! as keytool `-importcert` leaves them) and *pins* (a server certificate the user accepted on
//! first use, stored in the keystore under the alias [`pin_alias`]`(host, port)`, ssh style).
//! [`TrustStore::verifier`] makes a rustls [`ServerCertVerifier`](rustls::client::danger::ServerCertVerifier)
//! for one connection; after the handshake, [`TrustVerifier::outcome`] says what was decided and
//! [`TrustVerifier::presented_chain`] gives the certificates the server sent, to show in a
//! certificate alert ([`CertificateInfo`]) and to store if the user accepts.
//!
//! Anchors come from (each remembered as an [`AnchorSource`]):
//! - the default keystore's trusted entries, and a configured truststore file (PKCS#12, JKS or
//!   PEM bundle, read by `cicsx_keystore::Keystore::read`): [`TrustStore::add_store`];
//! - the central truststore, a read-only file or `https://` URL re-read at every start and
//!   cached for when it cannot be reached: [`CentralTruststore::resolve`] decides, sans-IO, what
//!   to use, and [`TrustStore::add_central`] adds it;
//! - optionally the operating system's roots: [`TrustStore::add_os_roots`].
//!
//! [`TrustStore::validate`] is the public validation API (rustls-webpki decides; see there for
//! the one, user-granted, exception). `cargo xtask limbo` runs the x509-limbo suite through it
//! and checks that it never accepts a chain plain rustls-webpki refuses.
//! [`expiry_warnings`] lists trusted and client certificates that expire soon.
//!
//! The crate does no I/O other than [`TrustStore::add_os_roots`] reading the system's
//! certificate store: keystores are read by `cicsx-keystore`, sockets are opened elsewhere.
//! Errors carry stable message IDs `CICSX02xxE` ([`Error::id`]); warnings have their own:
//!
//! | ID | meaning |
//! |---|---|
//! | `CICSX0201E`–`CICSX0206E` | a server certificate was rejected ([`Error::Rejected`]) |
//! | `CICSX0207E`–`CICSX0209E` | bad certificate, PEM or fingerprint input |
//! | `CICSX0210E` | the operating system's certificates cannot be read |
//! | `CICSX0211E` | not a valid central truststore location (e.g. `http://`) |
//! | `CICSX0212E` | central truststore unreadable and no usable cached copy |
//! | `CICSX0213W` | central truststore unreadable: the cached copy is used ([`CentralResolution::warning`]) |
//! | `CICSX0214W` | a trusted or client certificate expires soon ([`ExpiryWarning`]) |
//! | `CICSX0215W` | a trusted or client certificate has expired ([`ExpiryWarning`]) |
//!
//! ```
//! use std::sync::Arc;
//! use cicsx_keystore::Keystore;
//! use cicsx_truststore::{AnchorSource, TrustStore, Verification, pin_alias};
//!
//! let keystore = Keystore::new(); // normally KeystoreFile::load
//! let store = TrustStore::from_keystore(&keystore, AnchorSource::Builtin("example".into()));
//! let verifier = store.verifier("cics.example.com", 1490, Verification::On);
//!
//! let config = rustls::ClientConfig::builder_with_provider(Arc::new(
//!     rustls::crypto::aws_lc_rs::default_provider(),
//! ))
//! .with_safe_default_protocol_versions()
//! .unwrap()
//! .dangerous()
//! .with_custom_certificate_verifier(verifier.clone())
//! .with_no_client_auth();
//! # drop(config);
//! // ... handshake; then verifier.outcome() and verifier.presented_chain().
//! assert_eq!(pin_alias("cics.example.com", 1490), "cics.example.com:1490");
//! assert!(verifier.outcome().is_none());
//! ```
#![warn(missing_docs)]

mod anchors;
mod central;
mod error;
mod expiry;
mod fingerprint;
mod info;
mod pin;
mod store;
mod validate;
mod verifier;

pub use central::{CENTRAL_STALE_ID, CentralResolution, CentralTruststore};
pub use error::Error;
pub use expiry::{
    EXPIRED_ID, EXPIRES_SOON_ID, ExpiryKind, ExpiryWarning, Validity, client_expiry_warnings,
    expiry_warnings,
};
pub use fingerprint::Fingerprint;
pub use info::CertificateInfo;
pub use pin::{check_alias_role, parse_pin_alias, pin_alias};
pub use store::{Anchor, AnchorSource, Expiring, Pin, TrustStore};
pub use verifier::{Rejection, TrustOutcome, TrustVerifier, Verification};
