//! The one error type of this crate.

use crate::{Fingerprint, Rejection};

/// Everything that can go wrong in trust decisions.
///
/// Each variant has a stable message ID ([`Error::id`], range `CICSX02xx`), a one-line
/// `Display`, an [`explanation`](Error::explanation) and an [`action`](Error::action). The
/// `Display` text does not repeat the ID.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server's certificate was not accepted for `host:port`. The ID depends on the reason:
    /// `CICSX0201E` unknown issuer, `CICSX0202E` expired, `CICSX0203E` not yet valid,
    /// `CICSX0204E` wrong host, `CICSX0205E` changed since it was accepted, `CICSX0206E` other.
    #[error("the certificate of {host}:{port} is not trusted: {rejection}")]
    Rejected {
        /// Host connected to.
        host: String,
        /// Port connected to.
        port: u16,
        /// Why it was rejected.
        rejection: Rejection,
    },

    /// Data that should be a certificate is not a valid X.509 certificate. `CICSX0207E`.
    #[error("not a valid X.509 certificate: {detail}")]
    InvalidCertificate {
        /// What was wrong.
        detail: String,
    },

    /// A PEM bundle could not be read. `CICSX0208E`.
    #[error("cannot read PEM certificates: {detail}")]
    Pem {
        /// What was wrong.
        detail: String,
    },

    /// Text that should be a SHA-256 fingerprint is not one. `CICSX0209E`.
    #[error(
        "\"{input}\" is not a SHA-256 fingerprint (64 hex digits, optionally separated by colons)"
    )]
    InvalidFingerprint {
        /// The text given (escaped, shortened).
        input: String,
    },

    /// The operating system's trusted certificates could not be read at all. `CICSX0210E`.
    #[error("cannot read the operating system's trusted certificates: {detail}")]
    OsRoots {
        /// What went wrong (files tried, OS errors).
        detail: String,
    },

    /// The location given for the central truststore is not a path or an `https://` URL.
    /// `CICSX0211E`.
    #[error("\"{location}\" cannot be the central truststore: {reason}")]
    CentralLocation {
        /// The location given (escaped, shortened).
        location: String,
        /// Why it is refused.
        reason: String,
    },

    /// The central truststore could not be read now, and there is no usable copy from an
    /// earlier start. `CICSX0212E`.
    #[error("the central truststore {location} {reason}, and {}", match cache {
        Some(problem) => format!("the cached copy cannot be used either: {problem}"),
        None => "there is no cached copy of it".to_owned(),
    })]
    CentralUnavailable {
        /// The central truststore's path or URL.
        location: String,
        /// What happened when it was read now ("cannot be read (...)", "is not a truststore
        /// (...)").
        reason: String,
        /// Why the cached copy could not be used, if there is one.
        cache: Option<String>,
    },

    /// An alias would change what a keystore entry means to the trust store: aliases of the
    /// form `host:port` are certificates accepted on first use, for that host and port only;
    /// any other alias of a trusted certificate is an anchor, for every server. `CICSX0217E`.
    #[error("{}", alias_role_text(.old.as_deref(), .new))]
    AliasRole {
        /// The entry's alias now (`None`: a new entry).
        old: Option<String>,
        /// The alias asked for.
        new: String,
    },
}

fn alias_role_text(old: Option<&str>, new: &str) -> String {
    match old {
        None => format!(
            "the alias {new} has the form host:port, which is kept for certificates accepted on \
             first use"
        ),
        Some(old) if crate::parse_pin_alias(old).is_some() => format!(
            "{old} is a certificate accepted for that host and port; renamed to {new} it would \
             be trusted {}",
            if crate::parse_pin_alias(new).is_some() {
                "for another server"
            } else {
                "for every server"
            }
        ),
        Some(old) => format!(
            "renamed to {new}, the trusted certificate {old} would be taken for a certificate \
             accepted for that host and port only"
        ),
    }
}

impl Error {
    /// The error for a pinned certificate that changed: `CICSX0205E`.
    pub fn changed(host: &str, port: u16, pinned: Fingerprint, presented: Fingerprint) -> Self {
        Error::Rejected {
            host: host.to_owned(),
            port,
            rejection: Rejection::Changed { pinned, presented },
        }
    }

    /// The stable message ID.
    pub fn id(&self) -> &'static str {
        match self {
            Error::Rejected { rejection, .. } => match rejection {
                Rejection::UnknownIssuer => "CICSX0201E",
                Rejection::Expired { .. } => "CICSX0202E",
                Rejection::NotYetValid => "CICSX0203E",
                Rejection::WrongHost { .. } => "CICSX0204E",
                Rejection::Changed { .. } => "CICSX0205E",
                Rejection::WeakKey { .. } => "CICSX0216E",
                Rejection::Other(_) => "CICSX0206E",
            },
            Error::InvalidCertificate { .. } => "CICSX0207E",
            Error::Pem { .. } => "CICSX0208E",
            Error::InvalidFingerprint { .. } => "CICSX0209E",
            Error::OsRoots { .. } => "CICSX0210E",
            Error::CentralLocation { .. } => "CICSX0211E",
            Error::CentralUnavailable { .. } => "CICSX0212E",
            Error::AliasRole { .. } => "CICSX0217E",
        }
    }

    /// What the error probably means.
    pub fn explanation(&self) -> String {
        match self {
            Error::Rejected {
                rejection,
                host,
                port,
            } => match rejection {
                Rejection::UnknownIssuer => format!(
                    "The certificate of {host}:{port} was not issued by any certificate authority in \
                     your keystore or truststore, and it has not been accepted before. It may be \
                     self-signed or issued by your organisation's own CA."
                ),
                Rejection::Expired { .. } => {
                    "A certificate in the chain the server sent is past its end date.".into()
                }
                Rejection::NotYetValid => {
                    "A certificate in the chain the server sent is not valid yet; the server's or \
                     this computer's clock may be wrong."
                        .into()
                }
                Rejection::WrongHost { presented } => format!(
                    "The certificate is valid for {} but not for {host}; the connection may be \
                     reaching a different server than intended.",
                    if presented.is_empty() {
                        "no host names".to_owned()
                    } else {
                        presented.join(", ")
                    }
                ),
                Rejection::Changed { .. } => format!(
                    "{host}:{port} presented a different certificate from the one accepted before. \
                     This happens when a certificate is renewed, but it is also exactly what an \
                     attacker intercepting the connection would look like."
                ),
                Rejection::WeakKey { key } => format!(
                    "The certificate of {host}:{port} has a {key} key. Keys that weak (RSA under \
                     2048 bits, DSA, small elliptic curves) can be broken or forged, so cicsx does \
                     not treat a connection protected by one as secure, and does not offer to \
                     accept the certificate."
                ),
                Rejection::Other(_) => "The certificate chain the server sent is not valid.".into(),
            },
            Error::InvalidCertificate { .. } => {
                "The data could not be parsed as a DER X.509 certificate.".into()
            }
            Error::Pem { .. } => "The PEM text is damaged or holds no certificates.".into(),
            Error::InvalidFingerprint { .. } => {
                "A SHA-256 fingerprint is 32 bytes written as 64 hex digits.".into()
            }
            Error::OsRoots { .. } => {
                "Using the operating system's trusted certificates is turned on, but none could \
                 be read: the system's certificate store is missing, empty or unreadable."
                    .into()
            }
            Error::CentralLocation { .. } => {
                "The central truststore decides which servers are trusted, so it is read only \
                 from a file or over https://, where the server is authenticated."
                    .into()
            }
            Error::CentralUnavailable { .. } => {
                "The central truststore is read at every start and a copy is kept for when it \
                 cannot be reached; this time neither the truststore nor a good copy was there, \
                 so its certificates are not trusted."
                    .into()
            }
            Error::AliasRole { .. } => "A keystore entry's alias says how its certificate is \
                trusted: an alias of the form host:port (127.0.0.1:1490, mvs1.example.com:1490) \
                is a server certificate accepted on first use, trusted for that host and port \
                only and refused as CHANGED if the server presents another one; any other alias \
                of a trusted certificate is a trust anchor for every server. An alias that \
                changed the role would widen or narrow trust silently."
                .into(),
        }
    }

    /// What to do about it.
    pub fn action(&self) -> String {
        match self {
            Error::Rejected { rejection, host, port } => match rejection {
                Rejection::UnknownIssuer => {
                    "Add the issuing CA's certificate to your truststore, or check the certificate's \
                     fingerprint with the CICS system administrator and accept it."
                        .into()
                }
                Rejection::Expired { .. } | Rejection::NotYetValid => {
                    "Ask the CICS system administrator to renew the region's certificate, and check \
                     this computer's clock."
                        .into()
                }
                Rejection::WrongHost { .. } => {
                    "Connect using a host name the certificate lists, or ask for a certificate that \
                     names this host."
                        .into()
                }
                Rejection::Changed { .. } => format!(
                    "Confirm the new fingerprint with the CICS system administrator by another \
                     channel; only then remove the entry \"{}\" from your keystore and connect \
                     again to accept the new certificate.",
                    crate::pin_alias(host, *port)
                ),
                Rejection::WeakKey { .. } => {
                    "Ask the CICS system administrator to give the CMCI TCPIPSERVICE a certificate \
                     with an RSA key of at least 2048 bits or an ECDSA P-256 or P-384 key (a new \
                     certificate in the region's RACF key ring, named by the TCPIPSERVICE's \
                     CERTIFICATE attribute)."
                        .into()
                }
                Rejection::Other(_) => {
                    "Ask the CICS system administrator to check the region's certificate chain."
                        .into()
                }
            },
            Error::InvalidCertificate { .. } | Error::Pem { .. } => {
                "Check the file (openssl x509 -in FILE -noout -text shows whether it parses).".into()
            }
            Error::InvalidFingerprint { .. } => {
                "Copy the fingerprint again, e.g. from openssl x509 -noout -fingerprint -sha256."
                    .into()
            }
            Error::OsRoots { .. } => {
                "Install the system's CA certificates (on Debian: apt-get install \
                 ca-certificates), point SSL_CERT_FILE at a PEM bundle, or turn off the use of \
                 the operating system's certificates in the preferences."
                    .into()
            }
            Error::CentralLocation { .. } => {
                "Give a file path or an https:// URL in the preferences (cicsx prefs).".into()
            }
            Error::CentralUnavailable { location, .. } => format!(
                "Check that {location} can be reached from this computer and holds a PEM bundle, \
                 PKCS#12 or JKS truststore; ask its administrator if it moved."
            ),
            Error::AliasRole { old: None, .. } => "Choose an alias that is not host:port (for \
                example cics-root). To accept a server's certificate for its host and port, \
                connect to it and accept the certificate alert."
                .into(),
            Error::AliasRole { .. } => "Keep the alias. To trust the certificate another way, \
                delete the entry and trust (or accept) the certificate again."
                .into(),
        }
    }
}
