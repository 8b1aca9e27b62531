//! Classification of connection failures, and their messages.

use std::fmt;
use std::io;

use rustls::{AlertDescription, CertificateError};

use crate::Endpoint;

/// The phase of a connection in which something failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake.
    Handshake,
    /// Sending a request or reading its response.
    Response,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "opening the connection",
            Self::Handshake => "making the TLS handshake",
            Self::Response => "waiting for the response",
        })
    }
}

/// The first bytes a server sent, kept to explain a failure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Up to the first 512 bytes.
    pub bytes: Vec<u8>,
    /// How many bytes were read in all.
    pub total: u64,
}

impl Received {
    pub(crate) fn new(bytes: &[u8], total: u64) -> Self {
        Self {
            bytes: bytes.to_vec(),
            total,
        }
    }

    /// Whether the bytes start like a TLS record (handshake or alert, version 3.x).
    pub fn looks_like_tls(&self) -> bool {
        matches!(self.bytes.as_slice(), [0x14..=0x17, 0x03, 0x00..=0x04, ..])
    }

    /// The HTTP status line, when the bytes are an HTTP response.
    pub fn http_status_line(&self) -> Option<String> {
        if !self.bytes.starts_with(b"HTTP/") {
            return None;
        }
        let end = self
            .bytes
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .unwrap_or(self.bytes.len());
        Some(printable(&self.bytes[..end.min(120)]))
    }

    /// A short, printable preview of the bytes.
    pub fn preview(&self) -> String {
        if let Some(line) = self.http_status_line() {
            return line;
        }
        let head = &self.bytes[..self.bytes.len().min(32)];
        let text = head.iter().all(|&b| b.is_ascii_graphic() || b == b' ');
        if text && !head.is_empty() {
            printable(head)
        } else {
            head.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

/// A connection failure, classified by what was seen on the wire.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The host name could not be resolved.
    Resolve {
        /// Where to.
        endpoint: Endpoint,
        /// The resolver's error.
        source: io::Error,
    },
    /// Nothing listens on the port (TCP reset).
    Refused {
        /// Where to.
        endpoint: Endpoint,
    },
    /// No answer in time.
    TimedOut {
        /// Where to.
        endpoint: Endpoint,
        /// What was being waited for.
        phase: Phase,
    },
    /// A plain HTTP request was answered by closing the connection without a reply: the port
    /// most likely expects TLS.
    NoReply {
        /// Where to.
        endpoint: Endpoint,
    },
    /// The server closed the connection during the TLS handshake without a TLS alert.
    ClosedDuringHandshake {
        /// Where to.
        endpoint: Endpoint,
        /// What came back before the close (often nothing).
        received: Received,
    },
    /// The server answered the TLS ClientHello with bytes that are not TLS: the port most
    /// likely speaks plain HTTP.
    NotTls {
        /// Where to.
        endpoint: Endpoint,
        /// What came back.
        received: Received,
    },
    /// The server sent a fatal TLS alert.
    Alert {
        /// Where to.
        endpoint: Endpoint,
        /// The alert.
        alert: AlertDescription,
        /// When.
        phase: Phase,
    },
    /// The server asked for a client certificate and none was configured, or it refused the
    /// one sent.
    ClientCertificateRejected {
        /// Where to.
        endpoint: Endpoint,
        /// The alert the server sent.
        alert: AlertDescription,
    },
    /// The server's certificate was not accepted.
    Certificate {
        /// Where to.
        endpoint: Endpoint,
        /// Why, as rustls reports it (the trust store may add detail).
        error: CertificateError,
    },
    /// Another TLS protocol failure.
    Tls {
        /// Where to.
        endpoint: Endpoint,
        /// The rustls error.
        error: rustls::Error,
    },
    /// The TLS configuration cannot be built (for example a client key that does not match).
    Config {
        /// What is wrong.
        reason: String,
    },
    /// Any other I/O failure.
    Io {
        /// Where to.
        endpoint: Endpoint,
        /// When.
        phase: Phase,
        /// The error.
        source: io::Error,
    },
    /// The HTTP exchange failed in a way not classified above.
    Http {
        /// Where to.
        endpoint: Endpoint,
        /// hyper's error.
        source: hyper::Error,
    },
    /// The response body was larger than [`crate::MAX_BODY`].
    ResponseTooLarge {
        /// Where from.
        endpoint: Endpoint,
    },
}

impl Error {
    /// The stable message ID.
    pub fn id(&self) -> &'static str {
        match self {
            Self::Resolve { .. } => "CICSX0401E",
            Self::Refused { .. } => "CICSX0402E",
            Self::TimedOut { .. } => "CICSX0403E",
            Self::NoReply { .. } => "CICSX0404E",
            Self::ClosedDuringHandshake { .. } => "CICSX0405E",
            Self::NotTls { .. } => "CICSX0406E",
            Self::Alert {
                alert: AlertDescription::HandshakeFailure,
                ..
            } => "CICSX0407E",
            Self::Alert {
                alert: AlertDescription::ProtocolVersion,
                ..
            } => "CICSX0408E",
            Self::Alert { .. } => "CICSX0409E",
            Self::ClientCertificateRejected { .. } => "CICSX0410E",
            Self::Certificate { error, .. } => match error {
                CertificateError::UnknownIssuer => "CICSX0411E",
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => "CICSX0412E",
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "CICSX0413E"
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => "CICSX0414E",
                _ => "CICSX0416E",
            },
            Self::Tls { .. } => "CICSX0417E",
            Self::Config { .. } => "CICSX0418E",
            Self::Io { .. } => "CICSX0419E",
            Self::Http { .. } => "CICSX0420E",
            Self::ResponseTooLarge { .. } => "CICSX0421E",
        }
    }

    /// The endpoint the failure concerns, if any.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        match self {
            Self::Resolve { endpoint, .. }
            | Self::Refused { endpoint }
            | Self::TimedOut { endpoint, .. }
            | Self::NoReply { endpoint }
            | Self::ClosedDuringHandshake { endpoint, .. }
            | Self::NotTls { endpoint, .. }
            | Self::Alert { endpoint, .. }
            | Self::ClientCertificateRejected { endpoint, .. }
            | Self::Certificate { endpoint, .. }
            | Self::Tls { endpoint, .. }
            | Self::Io { endpoint, .. }
            | Self::Http { endpoint, .. }
            | Self::ResponseTooLarge { endpoint } => Some(endpoint),
            Self::Config { .. } => None,
        }
    }

    /// Whether the failure suggests the connection's TLS setting is the wrong way round:
    /// `Some(true)` means the port seems to want TLS, `Some(false)` that it seems to be plain.
    pub fn suggests_tls(&self) -> Option<bool> {
        match self {
            Self::NoReply { .. } => Some(true),
            Self::NotTls { .. } => Some(false),
            _ => None,
        }
    }

    /// What the failure probably means.
    pub fn explanation(&self) -> String {
        match self {
            Self::Resolve { .. } => "The host name is not known to the name service (DNS or /etc/hosts), or is misspelt.".into(),
            Self::Refused { .. } => "Nothing is listening on that port: the CICS region is down, its TCPIPSERVICE is closed, or the port number is wrong.".into(),
            Self::TimedOut { phase: Phase::Connect, .. } => "The host did not answer: a firewall may be dropping the connection, or the host is down or unreachable.".into(),
            Self::TimedOut { phase, .. } => format!("The connection opened, but the server said nothing while {phase}. The port may belong to a different service, or the region may be overloaded."),
            Self::NoReply { .. } => "The server closed the connection without answering a plain HTTP request. A CICS TLS port does exactly this (for security it gives a stranger no reason), so the port most likely expects TLS. The same happens when nothing usable is behind the port, for example through some proxies.".into(),
            Self::ClosedDuringHandshake { .. } => "The server closed the connection during the TLS handshake without saying why. The port may not speak TLS at all, the region may have rejected the handshake without an alert, or the port may not be in use behind a proxy.".into(),
            Self::NotTls { received, .. } => match received.http_status_line() {
                Some(_) => "The server answered the TLS handshake with a plain HTTP response, so the port speaks HTTP without TLS. The CICS region logs DFHWB0114 (a non-HTTP request was received by an HTTP service).".into(),
                None => "The server answered the TLS handshake with bytes that are not TLS, so the port speaks some other protocol, most likely plain HTTP.".into(),
            },
            Self::Alert { alert: AlertDescription::HandshakeFailure, .. } => "The server accepts none of the strong cipher suites cicsx offers (TLS 1.3, or TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305). A CICS region whose TCPIPSERVICE is limited to MEDIUM encryption answers this way; its job log shows DFHSO0123 return code 402 from gsk_secure_socket_init, \"No common ciphers negotiated\". With TLS 1.2 the same alert can also mean the region requires a client certificate.".into(),
            Self::Alert { alert: AlertDescription::ProtocolVersion, .. } => "The server does not support the TLS protocol versions cicsx offers (TLS 1.2 and 1.3, or the one set as the secure socket protocol).".into(),
            Self::Alert { alert, .. } => format!("The server ended the TLS handshake with the fatal alert {alert:?}."),
            Self::ClientCertificateRejected { .. } => "The region requires a client certificate (TCPIPSERVICE SSL(CLIENTAUTH)) and either none was sent or the one sent was not accepted: not issued by a CA the region trusts, expired, or not mapped to a user ID.".into(),
            Self::Certificate { error, .. } => match error {
                CertificateError::UnknownIssuer => "The server's certificate was not issued by any certificate authority in your keystore or truststore, and it has not been accepted before.".into(),
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => "The server's certificate has expired. Until the region's administrator renews it, nobody can tell this server from an impostor.".into(),
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => "The server's certificate is not valid yet: it was issued for a later date, or this machine's clock is wrong.".into(),
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => "The server's certificate was issued for other host names than the one you connected to. Either the connection names the host differently from the certificate (an alias, or an IP address), or this is not the server you meant.".into(),
                other => format!("The server's certificate was rejected: {other:?}."),
            },
            Self::Tls { error, .. } => format!("The TLS handshake failed: {error}."),
            Self::Config { .. } => "The TLS settings of this connection cannot be used as they are.".into(),
            Self::Io { .. } | Self::Http { .. } => "The connection failed in a way cicsx does not recognise.".into(),
            Self::ResponseTooLarge { .. } => "The server sent more data than a CMCI response should ever hold.".into(),
        }
    }

    /// What to do about it: on the client, and on the CICS region.
    pub fn action(&self) -> String {
        match self {
            Self::Resolve { .. } => "Check the host name of the connection.".into(),
            Self::Refused { .. } => "Check the port of the connection, and that the region and its CMCI TCPIPSERVICE are up (CEMT INQUIRE TCPIPSERVICE shows OPEN).".into(),
            Self::TimedOut { .. } => "Check the host and port, and ask your network administrator whether a firewall lies between you and the region.".into(),
            Self::NoReply { .. } => "Turn on \"Secure connection (TLS/SSL)\" for this connection and try again. If it still fails, check that the port is the region's CMCI port.".into(),
            Self::ClosedDuringHandshake { .. } => "Check that the port is the region's CMCI port and that its TCPIPSERVICE has SSL(YES) or SSL(CLIENTAUTH); if it has SSL(NO), turn off \"Secure connection (TLS/SSL)\" for this connection.".into(),
            Self::NotTls { .. } => "Turn off \"Secure connection (TLS/SSL)\" for this connection, or better, ask the region's administrator to give its CMCI TCPIPSERVICE SSL(YES) so that your password does not travel in clear.".into(),
            Self::Alert { alert: AlertDescription::HandshakeFailure, .. } => "On the region: set the ENCRYPTION system initialization parameter to STRONG (the default), or give the CMCI TCPIPSERVICE a CIPHERS list with TLS 1.2 ECDHE AES-GCM suites (C02B, C02C, C02F, C030) or TLS 1.3 suites (1301, 1302). cicsx never weakens its own cipher suites. If the region has SSL(CLIENTAUTH), give the connection a certificate credential.".into(),
            Self::Alert { alert: AlertDescription::ProtocolVersion, .. } => "Set the secure socket protocol preference to default, or enable TLS 1.2 or TLS 1.3 on the region (the MINTLSLEVEL system initialization parameter).".into(),
            Self::Alert { .. } => "Look in the region's job log for a DFHSO message at the time of the attempt.".into(),
            Self::ClientCertificateRejected { .. } => "Give the connection a certificate credential (from a keystore or a smart card) whose certificate the region trusts and maps to a user ID; ask the region's security administrator which CA that is.".into(),
            Self::Certificate { error, .. } => match error {
                CertificateError::UnknownIssuer => "Add the certificate of the CA that issued it to your truststore, or accept the server's certificate after checking its fingerprint with the region's administrator.".into(),
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => "Ask the region's administrator to renew the certificate of the CMCI TCPIPSERVICE.".into(),
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => "Check this machine's date and time.".into(),
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => "Connect with the host name the certificate names, or ask the region's administrator for a certificate that names this host.".into(),
                _ => "Ask the region's administrator about the certificate of the CMCI TCPIPSERVICE.".into(),
            },
            Self::Tls { .. } | Self::Io { .. } | Self::Http { .. } => "Try again; if it keeps failing, look in the region's job log for DFHSO or DFHWB messages at the time of the attempt.".into(),
            Self::Config { .. } => "Check the connection's credential and the secure socket protocol preference.".into(),
            Self::ResponseTooLarge { .. } => "Narrow the query with a CRITERIA or a record count.".into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Resolve { endpoint, source } => {
                write!(f, "cannot resolve the host name of {endpoint}: {source}")
            }
            Self::Refused { endpoint } => write!(f, "connection to {endpoint} refused"),
            Self::TimedOut { endpoint, phase } => {
                write!(f, "{endpoint} did not answer in time while {phase}")
            }
            Self::NoReply { endpoint } => write!(
                f,
                "{endpoint} closed the connection without replying to a plain HTTP request"
            ),
            Self::ClosedDuringHandshake { endpoint, received } if received.total == 0 => write!(
                f,
                "{endpoint} closed the connection during the TLS handshake without a reply"
            ),
            Self::ClosedDuringHandshake { endpoint, received } => write!(
                f,
                "{endpoint} closed the connection during the TLS handshake after sending {} bytes",
                received.total
            ),
            Self::NotTls { endpoint, received } => write!(
                f,
                "{endpoint} does not speak TLS: it answered the TLS handshake with \"{}\"",
                received.preview()
            ),
            Self::Alert {
                endpoint, alert, ..
            } => write!(
                f,
                "{endpoint} refused the TLS handshake with the fatal alert {}",
                alert_name(*alert)
            ),
            Self::ClientCertificateRejected { endpoint, alert } => write!(
                f,
                "{endpoint} requires a client certificate it accepts (alert {})",
                alert_name(*alert)
            ),
            Self::Certificate { endpoint, error } => write!(
                f,
                "the certificate of {endpoint} is not trusted: {}",
                certificate_error_text(error)
            ),
            Self::Tls { endpoint, error } => write!(f, "TLS with {endpoint} failed: {error}"),
            Self::Config { reason } => write!(f, "{reason}"),
            Self::Io {
                endpoint,
                phase,
                source,
            } => write!(f, "connection to {endpoint} failed while {phase}: {source}"),
            Self::Http { endpoint, source } => {
                write!(f, "HTTP exchange with {endpoint} failed: {source}")
            }
            Self::ResponseTooLarge { endpoint } => write!(
                f,
                "the response from {endpoint} is larger than {} bytes",
                crate::MAX_BODY
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Resolve { source, .. } | Self::Io { source, .. } => Some(source),
            Self::Http { source, .. } => Some(source),
            Self::Tls { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The name TLS specifications use for an alert, e.g. `handshake_failure`.
pub(crate) fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn certificate_error_text(error: &CertificateError) -> String {
    match error {
        CertificateError::UnknownIssuer => "issued by an unknown certificate authority".into(),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => "expired".into(),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "not valid yet".into()
        }
        CertificateError::NotValidForName => "issued for another host name".into(),
        CertificateError::NotValidForNameContext { presented, .. } => {
            format!(
                "issued for another host name (it names {})",
                presented.join(", ")
            )
        }
        CertificateError::Other(other) => other.to_string(),
        other => format!("{other:?}"),
    }
}

/// Finds the rustls error inside an I/O error (tokio-rustls wraps them).
fn rustls_error(err: &io::Error) -> Option<&rustls::Error> {
    err.get_ref()?.downcast_ref::<rustls::Error>()
}

/// Classifies an I/O error from connecting, the handshake, or the exchange.
pub(crate) fn classify_io(
    endpoint: &Endpoint,
    phase: Phase,
    err: io::Error,
    received: Option<Received>,
    tls: bool,
) -> crate::Error {
    let endpoint = endpoint.clone();
    if let Some(tls_err) = rustls_error(&err) {
        return classify_rustls(endpoint, phase, tls_err.clone(), received);
    }
    match err.kind() {
        io::ErrorKind::ConnectionRefused => Error::Refused { endpoint },
        io::ErrorKind::TimedOut => Error::TimedOut { endpoint, phase },
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
            if tls && phase == Phase::Handshake =>
        {
            let received = received.unwrap_or_default();
            if received.total > 0 && !received.looks_like_tls() {
                Error::NotTls { endpoint, received }
            } else {
                Error::ClosedDuringHandshake { endpoint, received }
            }
        }
        _ => Error::Io {
            endpoint,
            phase,
            source: err,
        },
    }
}

pub(crate) fn classify_rustls(
    endpoint: Endpoint,
    phase: Phase,
    err: rustls::Error,
    received: Option<Received>,
) -> Error {
    use rustls::Error as E;
    match err {
        E::AlertReceived(
            alert @ (AlertDescription::CertificateRequired
            | AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::AccessDenied),
        ) => Error::ClientCertificateRejected { endpoint, alert },
        E::AlertReceived(alert) => Error::Alert {
            endpoint,
            alert,
            phase,
        },
        E::InvalidCertificate(error) => Error::Certificate { endpoint, error },
        E::InvalidMessage(_)
        | E::InappropriateMessage { .. }
        | E::InappropriateHandshakeMessage { .. }
            if received.as_ref().is_some_and(|r| !r.looks_like_tls()) =>
        {
            Error::NotTls {
                endpoint,
                received: received.unwrap_or_default(),
            }
        }
        error => Error::Tls { endpoint, error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names_follow_the_rfc_spelling() {
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
        assert_eq!(
            alert_name(AlertDescription::CertificateRequired),
            "certificate_required"
        );
    }

    #[test]
    fn received_http_status_line() {
        let r = Received::new(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n", 45);
        assert_eq!(
            r.http_status_line().as_deref(),
            Some("HTTP/1.1 400 Bad Request")
        );
        assert!(!r.looks_like_tls());
        let alert = Received::new(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28], 7);
        assert!(alert.looks_like_tls());
        assert_eq!(alert.preview(), "15 03 03 00 02 02 28");
    }

    #[test]
    fn every_error_has_an_id_explanation_and_action() {
        let ep = Endpoint::new("127.0.0.1", 1490);
        let errors = [
            Error::Refused {
                endpoint: ep.clone(),
            },
            Error::NoReply {
                endpoint: ep.clone(),
            },
            Error::Alert {
                endpoint: ep.clone(),
                alert: AlertDescription::HandshakeFailure,
                phase: Phase::Handshake,
            },
            Error::Certificate {
                endpoint: ep.clone(),
                error: CertificateError::Expired,
            },
        ];
        let mut ids = std::collections::HashSet::new();
        for e in errors {
            assert!(e.id().starts_with("CICSX04") && e.id().ends_with('E'));
            assert!(ids.insert(e.id()));
            assert!(!e.explanation().is_empty() && !e.action().is_empty());
            assert!(e.to_string().contains("127.0.0.1:1490"), "{e}");
        }
    }
}
