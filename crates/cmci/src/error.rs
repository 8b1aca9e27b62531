//! The one error type of this crate.

use std::error::Error as StdError;

/// The longest piece of untrusted text (an attribute value, an element name) that an error
/// message repeats. Longer text is cut, so a hostile server cannot flood a terminal.
const MAX_ECHO: usize = 80;

/// Everything that can go wrong in this crate.
///
/// Every variant has a stable message ID ([`Error::id`], `CICSX06xxE`), a one-line
/// [`Display`](std::fmt::Display) with the specifics, an [`Error::explanation`] and an
/// [`Error::action`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The response body is not well-formed XML.
    #[error("CICSX0601E The CMCI response is not well-formed XML at byte {offset}: {message}")]
    MalformedXml {
        /// Byte offset in the body where the parser gave up.
        offset: u64,
        /// What the XML parser said.
        message: String,
        /// The XML parser's error.
        #[source]
        source: Box<dyn StdError + Send + Sync + 'static>,
    },

    /// The body is XML, but its root element is not a CMCI `<response>`.
    #[error("CICSX0602E The reply is not a CMCI response: its root element is <{found}>")]
    NotCmciResponse {
        /// The root element's name (cut to a sane length), or `nothing` for an empty body.
        found: String,
    },

    /// A `<response>` without the `<resultsummary>` element every CMCI response carries.
    #[error("CICSX0603E The CMCI response has no <resultsummary> element")]
    MissingResultSummary,

    /// An attribute that must hold a number or a known value does not.
    #[error(
        "CICSX0604E The CMCI response has an invalid value for {attribute} on <{element}>: {value:?}"
    )]
    InvalidAttribute {
        /// The element holding the attribute.
        element: String,
        /// The attribute's name.
        attribute: String,
        /// The value found (cut to a sane length).
        value: String,
    },

    /// The response exceeds one of the parser's limits (see the `MAX_*` constants).
    #[error("CICSX0605E The CMCI response exceeds the limit of {max} {what} (at byte {offset})")]
    LimitExceeded {
        /// What was counted: "nesting levels", "attributes on one element", "records", "bytes".
        what: &'static str,
        /// The limit.
        max: u64,
        /// Byte offset in the body where the limit was crossed.
        offset: u64,
    },

    /// A part of a [`Query`](crate::Query) cannot be put in a CMCI URL.
    #[error("CICSX0606E Invalid {part} in the CMCI query: {value:?} ({reason})")]
    InvalidQuery {
        /// Which part: "resource", "context", "scope", "count", "criteria", "parameter",
        /// "flag", "cache token" or "action".
        part: &'static str,
        /// The value given (cut to a sane length).
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The connection failed; the transport's error says how (its own message ID).
    #[error(transparent)]
    Transport(#[from] cicsx_handshake::Error),

    /// The keystore could not be used (its own message ID).
    #[error(transparent)]
    Keystore(#[from] cicsx_keystore::Error),

    /// The trust store could not be built (its own message ID).
    #[error(transparent)]
    Trust(#[from] cicsx_truststore::Error),

    /// The connection or preferences are not usable (their own message ID).
    #[error(transparent)]
    Profile(#[from] cicsx_profile::Error),

    /// The smart card could not be used (its own message ID).
    #[error(transparent)]
    SmartCard(#[from] cicsx_smartcard::Error),

    /// A smart card credential, but no PKCS#11 module is configured.
    #[error(
        "CICSX0615E Connection {connection} uses a smart card, but no smart card driver (PKCS#11 module) is configured"
    )]
    NoSmartCardModule {
        /// The connection.
        connection: String,
    },

    /// The server's certificate is trusted by nothing: the caller may show a certificate
    /// alert and accept it with [`crate::session::Connector::accept_certificate`].
    #[error(
        "CICSX0607E The certificate of {endpoint} is not trusted: no keystore or truststore vouches for it, and it was never accepted"
    )]
    UntrustedCertificate {
        /// The server.
        endpoint: cicsx_handshake::Endpoint,
        /// The chain it presented, leaf first (never empty).
        chain: Vec<rustls_pki_types::CertificateDer<'static>>,
    },

    /// The server presents a different certificate from the one accepted for it earlier.
    #[error(
        "CICSX0608E The certificate of {endpoint} has CHANGED since it was accepted: accepted {pinned}, now presented {presented}"
    )]
    CertificateChanged {
        /// The server.
        endpoint: cicsx_handshake::Endpoint,
        /// SHA-256 of the accepted certificate.
        pinned: cicsx_truststore::Fingerprint,
        /// SHA-256 of the certificate presented now.
        presented: cicsx_truststore::Fingerprint,
    },

    /// HTTP 401: the region rejected the credentials. Never retried.
    #[error("CICSX0609E The region rejected the sign-on{} (HTTP 401)", match (user, by_token) { (_, true) => " with the LTPA token".to_owned(), (Some(u), false) => format!(" of {u}"), (None, false) => String::new() })]
    Unauthorized {
        /// The user ID sent, if any.
        user: Option<String>,
        /// Whether an LTPA token (rather than a password) was rejected.
        by_token: bool,
    },

    /// HTTP 403: signed on, but not allowed.
    #[error("CICSX0610E The region refused the request{} (HTTP 403){}", user.as_ref().map(|u| format!(" for {u}")).unwrap_or_default(), detail.as_ref().map(|d| format!(": {} {}", d.message_id, d.text.clone().unwrap_or_default())).unwrap_or_default())]
    Forbidden {
        /// The user ID sent, if any.
        user: Option<String>,
        /// The CMCI error body, if any.
        detail: Option<crate::CmciHttpError>,
    },

    /// Another HTTP status than 200.
    #[error("CICSX0611E The region answered HTTP {status}{}", detail.as_ref().map(|d| format!(": {} {}", d.message_id, d.text.clone().or_else(|| d.title.clone()).unwrap_or_default())).unwrap_or_default())]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The CMCI error body, if any.
        detail: Option<crate::CmciHttpError>,
    },

    /// The client certificate file or keystore holds no private key (with that alias).
    #[error("CICSX0612E {} holds no private key{}", path.display(), alias.as_ref().map(|a| format!(" with the alias \"{a}\"")).unwrap_or_default())]
    NoClientKey {
        /// The file.
        path: std::path::PathBuf,
        /// The alias asked for.
        alias: Option<String>,
    },

    /// The client certificate file holds several private keys and none was chosen.
    #[error("CICSX0613E {} holds several private keys ({}); say which to use", path.display(), aliases.join(", "))]
    AmbiguousClientKey {
        /// The file.
        path: std::path::PathBuf,
        /// The aliases of its keys.
        aliases: Vec<String>,
    },

    /// A file named in the preferences could not be read.
    #[error("CICSX0614E Cannot read {}: {source}", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// The password to send is empty (an empty CICSX_PASSWORD, an empty answer): it is not
    /// sent, since a region counts it as a failed sign-on.
    #[error("CICSX0619E The password for {user} is empty; it was not sent")]
    EmptyPassword {
        /// The user ID.
        user: String,
    },
}

impl Error {
    /// The stable message ID, e.g. `CICSX0601E`.
    pub fn id(&self) -> &'static str {
        match self {
            Error::MalformedXml { .. } => "CICSX0601E",
            Error::NotCmciResponse { .. } => "CICSX0602E",
            Error::MissingResultSummary => "CICSX0603E",
            Error::InvalidAttribute { .. } => "CICSX0604E",
            Error::LimitExceeded { .. } => "CICSX0605E",
            Error::InvalidQuery { .. } => "CICSX0606E",
            Error::Transport(e) => e.id(),
            Error::Keystore(e) => e.id(),
            Error::Trust(e) => e.id(),
            Error::Profile(e) => e.id(),
            Error::SmartCard(e) => e.id(),
            Error::NoSmartCardModule { .. } => "CICSX0615E",
            Error::UntrustedCertificate { .. } => "CICSX0607E",
            Error::CertificateChanged { .. } => "CICSX0608E",
            Error::Unauthorized { .. } => "CICSX0609E",
            Error::Forbidden { .. } => "CICSX0610E",
            Error::HttpStatus { .. } => "CICSX0611E",
            Error::NoClientKey { .. } => "CICSX0612E",
            Error::AmbiguousClientKey { .. } => "CICSX0613E",
            Error::File { .. } => "CICSX0614E",
            Error::EmptyPassword { .. } => "CICSX0619E",
        }
    }

    /// What the error probably means.
    pub fn explanation(&self) -> String {
        match self {
            Error::MalformedXml { .. } => "The server answered with a body that is not \
                well-formed XML. CMCI always answers in XML, so the body was cut short, came \
                from something other than CMCI (a proxy or another web application on the same \
                port), or was damaged on the way."
                .to_owned(),
            Error::NotCmciResponse { found } if found == "error" => "The server answered with \
                a CMCI error message (<error message_id=...>) where a <response> was expected: \
                CMCI rejected the request itself."
                .to_owned(),
            Error::NotCmciResponse { .. } => "The reply is XML but not a CMCI <response>. \
                The port probably belongs to another web service, or a URIMAP sends the path to \
                a different application."
                .to_owned(),
            Error::MissingResultSummary => "Every CMCI response carries a <resultsummary> \
                element with the API response codes; this one does not, so the outcome of the \
                request is unknown."
                .to_owned(),
            Error::InvalidAttribute { .. } => "A value that CMCI always sends as a number (a \
                response code or a record count) holds something else, so the response cannot \
                be trusted."
                .to_owned(),
            Error::LimitExceeded { .. } => "The response is larger or more deeply nested than \
                any CMCI response should be. cicsx stops reading rather than let a broken or \
                hostile server exhaust memory."
                .to_owned(),
            Error::InvalidQuery { .. } => "A part of the query cannot be put in a CMCI URL as \
                given. Resource, context and scope are CICS names, which never hold slashes, \
                question marks or spaces."
                .to_owned(),
            Error::Transport(e) => e.explanation(),
            Error::Keystore(e) => e.explanation(),
            Error::Trust(e) => e.explanation(),
            Error::Profile(e) => e.explanation(),
            Error::SmartCard(e) => e.explanation(),
            Error::NoSmartCardModule { .. } => "To read a smart card, cicsx loads the \
                card's PKCS#11 driver (a shared library from the card's vendor or OpenSC), named \
                in the smartcard_module preference."
                .to_owned(),
            Error::UntrustedCertificate { .. } => "The server's certificate was issued by no \
                certificate authority in your keystore or truststore, and it was not accepted \
                before. It may be a self-signed certificate or one from your company's own CA."
                .to_owned(),
            Error::CertificateChanged { .. } => "The server presents a different certificate \
                from the one you accepted for this host and port. The region may have been \
                given a new certificate, or someone may be intercepting the connection (a \
                man-in-the-middle attack). cicsx refuses to connect and does not ask again."
                .to_owned(),
            Error::Unauthorized { by_token: true, .. } => "The region no longer accepts the \
                LTPA token it issued (it expired, or the region restarted)."
                .to_owned(),
            Error::Unauthorized { .. } => "The user ID or password is wrong, the password has \
                expired, or the user ID is revoked. cicsx does not retry by itself: repeated \
                attempts with a wrong password revoke RACF user IDs (IBM APARs IZ97228, IJ28485)."
                .to_owned(),
            Error::Forbidden { .. } => "The sign-on worked, but the user ID may not use this \
                CMCI request (CICS or CICSPlex SM security)."
                .to_owned(),
            Error::HttpStatus { status: 404, .. } => "The region does not know the resource \
                table named in the request, or the path is not a CMCI path."
                .to_owned(),
            Error::HttpStatus { .. } => "CMCI answers with a status other than 200 only \
                when it rejects the request itself."
                .to_owned(),
            Error::NoClientKey { .. } | Error::AmbiguousClientKey { .. } => "A certificate \
                credential needs a private key entry (a certificate with its key)."
                .to_owned(),
            Error::File { .. } => "A file named in the preferences cannot be read.".to_owned(),
            Error::EmptyPassword { .. } => "An empty password was given (CICSX_PASSWORD set to \
                nothing, say, when the variable it was copied from is unset). It was not sent: \
                the region would count it as a failed sign-on, and RACF revokes a user ID after \
                a few."
                .to_owned(),
        }
    }

    /// What to do about it.
    pub fn action(&self) -> String {
        match self {
            Error::MalformedXml { .. } | Error::NotCmciResponse { .. } => "Check that host and \
                port are those of the CMCI JVM server or CMCI web service (the TCPIPSERVICE that \
                serves /CICSSystemManagement), then retry. If it persists, keep the response \
                body for your CICS system programmer."
                .to_owned(),
            Error::MissingResultSummary | Error::InvalidAttribute { .. } => "Retry the \
                request. If it persists, keep the response body and report it to your CICS \
                system programmer; the CMCI level of the region may be newer than cicsx knows."
                .to_owned(),
            Error::LimitExceeded { .. } => "Ask for fewer records at a time: give a count, \
                narrow the criteria, or page through a retained result set (NODISCARD)."
                .to_owned(),
            Error::InvalidQuery { part, .. } => format!(
                "Correct the {part}. Use CICS names for resource, context and scope (for \
                 example CICSProgram, a CICSplex or region name); criteria and parameter \
                 values may hold any printable characters."
            ),
            Error::Transport(e) => e.action(),
            Error::Keystore(e) => e.action(),
            Error::Trust(e) => e.action(),
            Error::Profile(e) => e.action(),
            Error::SmartCard(e) => e.action(),
            Error::NoSmartCardModule { .. } => "Set it with `cicsx prefs set smartcard_module \
                /path/to/pkcs11.so` (OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)."
                .to_owned(),
            Error::UntrustedCertificate { .. } => "Check the certificate's SHA-256 fingerprint \
                with the region's administrator, then accept it; or add the issuing CA's \
                certificate to your truststore."
                .to_owned(),
            Error::CertificateChanged { .. } => "Ask the region's administrator whether the \
                certificate was replaced, and compare its fingerprint. Only if it was, delete \
                the old entry (alias host:port) from the keystore and connect again."
                .to_owned(),
            Error::Unauthorized { .. } => "Check the user ID and password, then connect again \
                yourself. If the user ID is revoked, ask your security administrator to \
                resume it."
                .to_owned(),
            Error::Forbidden { .. } => "Ask your security administrator for access to the CMCI \
                resource."
                .to_owned(),
            Error::HttpStatus { .. } => "Check the resource name (for example CICSRegion, \
                CICSProgram, CICSLocalTransaction)."
                .to_owned(),
            Error::NoClientKey { .. } | Error::AmbiguousClientKey { .. } => "Name the alias \
                of the key entry to use, or choose a file that holds one."
                .to_owned(),
            Error::File { .. } => "Check the path and its permissions.".to_owned(),
            Error::EmptyPassword { user } => format!(
                "Give the password of {user}: set CICSX_PASSWORD to it, or unset CICSX_PASSWORD \
                 to be asked at a terminal."
            ),
        }
    }
}

/// Cuts untrusted text for repetition in an error message, and replaces control characters
/// so the text cannot drive a terminal.
pub(crate) fn echo(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_ECHO)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if text.chars().nth(MAX_ECHO).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_the_cmci_range_and_match_display() {
        let errors = [
            Error::MalformedXml {
                offset: 3,
                message: "x".into(),
                source: "x".into(),
            },
            Error::NotCmciResponse { found: "a".into() },
            Error::MissingResultSummary,
            Error::InvalidAttribute {
                element: "resultsummary".into(),
                attribute: "recordcount".into(),
                value: "x".into(),
            },
            Error::LimitExceeded {
                what: "records",
                max: 1,
                offset: 2,
            },
            Error::InvalidQuery {
                part: "scope",
                value: "a/b".into(),
                reason: "no slashes",
            },
        ];
        let mut seen = std::collections::HashSet::new();
        for e in &errors {
            assert!(e.id().starts_with("CICSX06"), "{}", e.id());
            assert!(e.to_string().starts_with(e.id()), "{e}");
            assert!(seen.insert(e.id()), "duplicate id {}", e.id());
            assert!(!e.explanation().is_empty());
            assert!(!e.action().is_empty());
        }
    }

    #[test]
    fn echo_cuts_and_neutralises_control_characters() {
        assert_eq!(echo("a\u{1b}[31mb"), "a\u{FFFD}[31mb");
        let long = "x".repeat(500);
        let cut = echo(&long);
        assert_eq!(cut.chars().count(), MAX_ECHO + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(echo(&"y".repeat(MAX_ECHO)), "y".repeat(MAX_ECHO));
    }
}
