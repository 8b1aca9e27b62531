//! The one error type of this crate.

use std::net::SocketAddr;

/// Everything that can go wrong starting or configuring a mock region.
///
/// Each variant has a stable message ID ([`Error::id`]) in the `CICSX07xx` range. No variant
/// ever holds a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("CICSX0701E cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A mode name was not one of `strong`, `client-auth`, `medium`, `plain`.
    #[error("CICSX0702E unknown mode {0:?}")]
    UnknownMode(String),
    /// A certificate choice was not one of the known names.
    #[error("CICSX0703E unknown certificate choice {0:?}")]
    UnknownCert(String),
    /// An embedded fixture could not be read (the fixtures were regenerated badly).
    #[error("CICSX0704E embedded fixture {name} is unusable: {reason}")]
    Fixture {
        /// The fixture file, relative to `fixtures/`.
        name: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// rustls refused the TLS configuration built from the fixtures.
    #[error("CICSX0705E cannot build the TLS configuration: {source}")]
    Tls {
        /// The underlying rustls error.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// A command-line argument of the `cicsx-mock-cics` binary was wrong.
    #[error("CICSX0706E {0}")]
    Usage(String),
    /// A file the binary writes (the CA certificate to trust) could not be written.
    #[error("CICSX0707E cannot write {path}: {source}")]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl Error {
    /// The stable message ID, e.g. `CICSX0701E`.
    pub fn id(&self) -> &'static str {
        match self {
            Error::Bind { .. } => "CICSX0701E",
            Error::UnknownMode(_) => "CICSX0702E",
            Error::UnknownCert(_) => "CICSX0703E",
            Error::Fixture { .. } => "CICSX0704E",
            Error::Tls { .. } => "CICSX0705E",
            Error::Usage(_) => "CICSX0706E",
            Error::Write { .. } => "CICSX0707E",
        }
    }

    /// What the error probably means.
    pub fn explanation(&self) -> String {
        match self {
            Error::Bind { addr, .. } => format!(
                "Another program already uses port {}, or the address is not one of this machine's.",
                addr.port()
            ),
            Error::UnknownMode(_) => {
                "The mock region knows the modes strong, client-auth, medium and plain.".into()
            }
            Error::UnknownCert(_) => "The mock region knows the certificates valid, rsa, expired, \
                wrong-host, self-signed and unknown-ca."
                .into(),
            Error::Fixture { .. } => {
                "The test PKI compiled into the mock region is damaged or incomplete.".into()
            }
            Error::Tls { .. } => {
                "The server certificate, its key or the client CA could not be used by rustls."
                    .into()
            }
            Error::Usage(_) => "The command line could not be understood.".into(),
            Error::Write { .. } => {
                "The file could not be created in the temporary directory.".into()
            }
        }
    }

    /// What to do about it.
    pub fn action(&self) -> String {
        match self {
            Error::Bind { .. } => "Choose another port with --port, or 0 for any free port.".into(),
            Error::UnknownMode(_) | Error::UnknownCert(_) | Error::Usage(_) => {
                "Run cicsx-mock-cics --help for the accepted values.".into()
            }
            Error::Fixture { .. } | Error::Tls { .. } => {
                "Run `cargo xtask fixtures` and rebuild.".into()
            }
            Error::Write { .. } => "Check that the temporary directory is writable.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_in_range() {
        let all = [
            Error::Bind {
                addr: SocketAddr::from(([127, 0, 0, 1], 1490)),
                source: std::io::Error::other("x"),
            },
            Error::UnknownMode("x".into()),
            Error::UnknownCert("x".into()),
            Error::Fixture {
                name: "x",
                reason: "y".into(),
            },
            Error::Tls { source: "x".into() },
            Error::Usage("x".into()),
            Error::Write {
                path: "x".into(),
                source: std::io::Error::other("x"),
            },
        ];
        let mut ids: Vec<&str> = all.iter().map(Error::id).collect();
        for (e, id) in all.iter().zip(&ids) {
            assert!(id.starts_with("CICSX07") && id.ends_with('E'), "{id}");
            assert!(
                e.to_string().starts_with(id),
                "{e} does not start with {id}"
            );
            assert!(!e.explanation().is_empty() && !e.action().is_empty());
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn bind_error_chains_its_source() {
        use std::error::Error as _;
        let e = Error::Bind {
            addr: SocketAddr::from(([127, 0, 0, 1], 1490)),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        };
        assert!(e.source().is_some());
        assert!(e.to_string().contains("127.0.0.1:1490"));
    }
}
