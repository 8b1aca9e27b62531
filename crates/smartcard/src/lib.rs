//! Smart cards, CAC and other PKCS#11 tokens as a source of TLS client certificates for
//! cicsx.
//!
//! A CICS region set to `SSL(CLIENTAUTH)` can sign a user on with the certificate on their
//! smart card. This crate loads the card's PKCS#11 driver ([`Module::load`], the path comes
//! from the smart card preference), lists its tokens and certificates, reads the PIN status
//! so that the caller can warn before a wrong PIN locks the card, and logs in to build a
//! rustls client-certificate resolver ([`TokenClientAuth`]) whose signatures are made on the
//! token: the private key never leaves it. ECDSA P-256 and P-384 (hashed here, signed with
//! `CKM_ECDSA`, converted to DER by [`der_from_raw_ecdsa`]) and RSA (PKCS#1 v1.5 and PSS) are
//! supported, over TLS 1.2 and 1.3.
//!
//! Certificates are named by PKCS#11 URIs (RFC 7512, [`Pkcs11Uri`]). PINs arrive as
//! [`SecretString`](secrecy::SecretString)s from the caller (terminal, GUI or the `CICSX_PIN`
//! variable) and are never logged, displayed or put in a URI. [`CertificateProvider`] is the
//! interface callers use, so that the Windows certificate store can join later.
//!
//! Errors carry message IDs `CICSX0301E` to `CICSX0317E`; PIN warnings `CICSX0350W` and
//! `CICSX0351W` ([`PinStatus::id`]).
//!
//! ```
//! use std::path::Path;
//! use std::sync::Arc;
//!
//! use cicsx_smartcard::{Error, Module, PinStatus, Pkcs11Uri};
//! use secrecy::SecretString;
//!
//! /// The client-certificate part of a connection, as a session layer would do it.
//! fn card_key(
//!     driver: &Path,
//!     uri: &str,
//!     ask_pin: impl Fn(Option<String>) -> SecretString,
//! ) -> Result<Arc<cicsx_smartcard::TokenClientAuth>, Error> {
//!     let module = Module::load(driver)?;
//!     let uri: Pkcs11Uri = uri.parse()?;
//!     let status = module.pin_status(&uri.token_part())?;
//!     if status == PinStatus::Locked {
//!         return Err(Error::PinLocked { token: uri.token.unwrap_or_default() });
//!     }
//!     // Show the warning (if any) where the PIN is asked for.
//!     let warning = status.warning(uri.token.as_deref().unwrap_or("?"));
//!     let pin = ask_pin(warning);
//!     // Pass the result to cicsx_handshake::ClientAuth::Resolver.
//!     module.client_auth(&uri, &pin)
//! }
//!
//! let err = card_key(Path::new("/no/such/pkcs11.so"), "pkcs11:token=cicstest", |_| {
//!     SecretString::from("1234")
//! })
//! .unwrap_err();
//! assert_eq!(err.id(), "CICSX0301E");
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod ecdsa;
mod error;
mod module;
mod provider;
mod signer;
mod uri;

pub use ecdsa::der_from_raw_ecdsa;
pub use error::{Error, Pkcs11Error};
pub use module::{KeyType, Module, PinStatus, TokenCertificate, TokenFlags, TokenInfo};
pub use provider::{CertificateProvider, Identity};
pub use signer::TokenClientAuth;
pub use uri::Pkcs11Uri;
