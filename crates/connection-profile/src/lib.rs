//! Connections and security preferences for cicsx: parsing, validation, and the workspace
//! directory that holds them.
//!
//! A [`Connection`] is what CICS Explorer calls a host connection: a name, host, port, a
//! *secure* (TLS) switch and a [`Credential`]. [`Preferences`] hold the trust settings every
//! connection shares. Both parse from and print to TOML as pure functions of text
//! ([`Connections::parse`], [`Connections::to_toml`], [`Preferences::parse`],
//! [`Preferences::to_toml`]); a [`Workspace`] owns the directory and its files, writing them
//! atomically with mode 0600 and locking `connections.toml` while it changes.
//!
//! **Passwords, pass phrases and PINs are never stored.** None of these types has a field for
//! one, and a file with a `password` key (or `passphrase`, `pin`, ...) is refused with an
//! error saying so.
//!
//! ```
//! use cicsx_profile::{Connection, Connections, Credential};
//!
//! let text = r#"
//! version = 1
//!
//! [[connection]]
//! name = "Production plex"
//! host = "mvs1.example.com"
//! port = 1490
//! secure = true
//! tls_confirmed = true
//! credential = { type = "password", user = "IBMUSER" }
//! "#;
//! let connections = Connections::parse(text)?;
//! let prod = connections.get("production PLEX").unwrap();
//! assert_eq!(prod.credential, Credential::Password { user: "IBMUSER".into() });
//!
//! // A client certificate needs TLS: it is presented in the TLS handshake.
//! let mut plain = Connection::new("Test", "mvs2.example.com", 1080);
//! plain.secure = false;
//! plain.credential = Credential::SmartCard { user: None, uri: "pkcs11:token=CAC".into() };
//! assert_eq!(plain.validate().unwrap_err().id(), "CICSX0506E");
//! # Ok::<(), cicsx_profile::Error>(())
//! ```
//!
//! # Workspace
//!
//! [`Workspace::locate`] picks the directory: the `--workspace` flag, else the
//! `CICSX_WORKSPACE` environment variable, else the platform data directory
//! (`~/.local/share/cicsx` on Linux). It holds `connections.toml`, `preferences.toml` and
//! `keystore.p12`, the workspace keystore (whose pass phrase is asked for, never stored).
//!
//! # `connections.toml`
//!
//! ```toml
//! version = 1                      # layout version; other values are refused
//!
//! [[connection]]                   # one table per connection, in display order
//! name = "Production plex"         # free text, 1-64 characters, unique ignoring case
//! host = "mvs1.example.com"        # host name or IP address only: no https://, :port or /path
//! port = 1490                      # 1-65535; CMCI has no fixed port
//! secure = true                    # TLS; default true
//! tls_confirmed = true             # a connect confirmed `secure`; default false
//! context = "PLEX1"                # CMCI context (CICSplex or region APPLID); optional
//! credential = { type = "password", user = "IBMUSER" }
//!
//! [[connection]]
//! name = "Test region"
//! host = "10.1.2.3"
//! port = 443
//! credential = { type = "pkcs12", path = "/home/me/me.p12", alias = "me", user = "ME" }
//! ```
//!
//! `credential` may also be written as a `[connection.credential]` sub-table. Its `type` and
//! fields:
//!
//! | `type` | fields |
//! |---|---|
//! | `none` (or no `credential`) | — |
//! | `password` | `user` (required); the password is asked for at connect time |
//! | `keystore` | `user`, `keystore` (path; default the workspace keystore), `alias` |
//! | `pkcs12` | `user`, `path` (required), `alias` |
//! | `smartcard` | `user`, `uri` (required, a `pkcs11:` URI, RFC 7512) |
//!
//! `keystore`, `pkcs12` and `smartcard` are client certificates and need `secure = true`.
//! Unknown keys are refused with the key's line and column.
//!
//! # `preferences.toml`
//!
//! ```toml
//! version = 1
//! trust_verification = true        # verify server certificates; default true
//! protocol = "default"             # "default", "TLSv1.2" or "TLSv1.3"
//! keystore = "/home/me/keys.p12"   # default: the workspace keystore.p12
//! keystore_type = "PKCS12"         # PKCS12, JKS or PEM; default: guessed from the file
//! truststore = "/home/me/trust.p12"  # default: the keystore serves as truststore
//! central_truststore = "https://pki.example.com/cicsx/trust.p12"  # or a path; never http://
//! smartcard_module = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
//! ```
//!
//! Every key is optional. Errors carry stable IDs `CICSX05xxE` (see [`Error`]); malformed
//! TOML is reported with the file, line and column and the parser's message.

#![warn(missing_docs)]

mod connection;
mod error;
mod preferences;
mod schema;
mod sharing;
mod workspace;

pub use connection::{CONNECTIONS_VERSION, Connection, Connections, Credential, MAX_NAME_CHARS};
pub use error::{Error, Location};
pub use preferences::{
    KEYSTORE_TYPES, PREFERENCES_VERSION, Preferences, Protocol, UnknownProtocol,
};
pub use sharing::{Confirmation, ImportReport, Loaded, State, parse_shared, parse_zowe};
pub use workspace::{CONNECTIONS_FILE, KEYSTORE_FILE, PREFERENCES_FILE, WORKSPACE_ENV, Workspace};
