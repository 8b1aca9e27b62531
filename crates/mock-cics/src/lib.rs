//! A mock CICS region that answers CMCI, the CICS management client interface, over a real
//! socket, for tests, the `cicsx demo` command and benchmarks.
//!
//! [`MockRegion::start`] binds a port on the current tokio runtime and behaves the way a CICS
//! TCPIPSERVICE does in each [`Mode`]: TLS with an optional or required client certificate, a
//! region set to MEDIUM encryption that rejects modern clients with `handshake_failure`, or
//! plain HTTP. It signs users on with HTTP basic authentication, an LTPA cookie or a TLS client
//! certificate, and answers CMCI queries from a built-in data set of three regions in the
//! CICSplex [`CICSPLEX`] ([`REGIONS`]). The test PKI is compiled in ([`fixtures`]).
//!
//! What the CMCI side understands:
//! - `GET /CICSSystemManagement/<resource>/<context>[/<scope>][//<count>]` for CICSRegion,
//!   CICSProgram, CICSLocalTransaction, CICSLocalFile, CICSTCPIPService and CICSBundle. The
//!   context is [`CICSPLEX`] or one region's APPLID; the scope a region or [`SYSTEM_GROUP`].
//! - `CRITERIA` with `=` (`*` and `+` wildcards), `¬=`/`!=`/`<>`, `<`, `>`, `<=`, `>=` (and
//!   `EQ`, `NE`...), `AND`, `OR` and parentheses; attribute names in any case, values exact.
//!   `SUMMONLY` returns the summary alone; `PARAMETER`, `NODISCARD`, `ORDERBY` and
//!   `OVERRIDEWARNINGCOUNT` are accepted and ignored; any other query parameter is a 400.
//! - Results: 1024 OK, 1027 NODATA, 1028 INVALIDPARM (bad criteria, context or scope; the
//!   reason in `api_response2_alt`). Malformed URIs: HTTP 400 / 404 with an
//!   `<error message_id="DFHWU4nnn">` body. Other methods: 405 (actions are not there yet).
//! - Sign-on: a verified client certificate (user = its common name), else an `LtpaToken2`
//!   cookie the region issued, else HTTP basic; otherwise `401` with
//!   `WWW-Authenticate: Basic realm="CICS"`. Every password or certificate sign-on gets a
//!   fresh `LtpaToken2` cookie.
//!
//! ```
//! use cicsx_mock_cics::{Config, MockRegion, Mode};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), cicsx_mock_cics::Error> {
//! let region = MockRegion::start(Config { mode: Mode::Plain, ..Config::default() }).await?;
//! let addr = region.addr();
//! assert!(addr.ip().is_loopback() && addr.port() != 0);
//! // ... point a CMCI client at http://{addr}/CICSSystemManagement/CICSProgram/CICSPLEX1 ...
//! assert_eq!(region.stats().connections, 0);
//! region.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod cmci;
mod criteria;
mod data;
mod error;
pub mod fixtures;
mod hello;
mod server;

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

pub use data::{CICSPLEX, REGIONS, SYSTEM_GROUP};
pub use error::Error;
pub use server::{MockRegion, server_tls_config};

/// How the region's port behaves: the TCPIPSERVICE settings it imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// TLS 1.2 and 1.3; a client certificate is asked for but optional (SSL(YES)).
    #[default]
    Strong,
    /// TLS; a client certificate from the fixture CA is required (SSL(CLIENTAUTH)).
    ClientAuth,
    /// A region limited to MEDIUM-strength cipher suites: a client that offers none of them
    /// gets a fatal `handshake_failure` alert; one that does gets a TLS 1.2 ServerHello and
    /// then the connection closes.
    Medium,
    /// HTTP without TLS (SSL(NO)). A TLS ClientHello gets `HTTP/1.1 400 Bad Request`.
    Plain,
}

impl Mode {
    /// Every mode, in the order of the documentation.
    pub const ALL: [Mode; 4] = [Mode::Strong, Mode::ClientAuth, Mode::Medium, Mode::Plain];

    /// The name used on command lines: `strong`, `client-auth`, `medium`, `plain`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Strong => "strong",
            Mode::ClientAuth => "client-auth",
            Mode::Medium => "medium",
            Mode::Plain => "plain",
        }
    }

    /// Whether clients reach this mode with `https` (all modes but [`Mode::Plain`]).
    pub fn is_tls(self) -> bool {
        self != Mode::Plain
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Mode, Error> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::UnknownMode(s.to_owned()))
    }
}

/// Which fixture certificate the region presents in the TLS modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CertChoice {
    /// ECDSA P-256 for `localhost`, `127.0.0.1`, `::1`, from the fixture intermediate CA.
    #[default]
    Valid,
    /// The same names with an RSA-2048 key.
    Rsa,
    /// Expired on 2021-01-01 (same CA chain).
    Expired,
    /// Issued for `wrong.example.invalid` only (same CA chain).
    WrongHost,
    /// Self-signed, no CA.
    SelfSigned,
    /// Issued by an unrelated CA ([`fixtures::OTHER_CA_PEM`]).
    UnknownCa,
}

impl CertChoice {
    /// Every choice, in the order of the documentation.
    pub const ALL: [CertChoice; 6] = [
        CertChoice::Valid,
        CertChoice::Rsa,
        CertChoice::Expired,
        CertChoice::WrongHost,
        CertChoice::SelfSigned,
        CertChoice::UnknownCa,
    ];

    /// The name used on command lines: `valid`, `rsa`, `expired`, `wrong-host`,
    /// `self-signed`, `unknown-ca`.
    pub fn name(self) -> &'static str {
        match self {
            CertChoice::Valid => "valid",
            CertChoice::Rsa => "rsa",
            CertChoice::Expired => "expired",
            CertChoice::WrongHost => "wrong-host",
            CertChoice::SelfSigned => "self-signed",
            CertChoice::UnknownCa => "unknown-ca",
        }
    }

    /// The certificate chain (PEM, leaf first) the region presents.
    pub fn chain_pem(self) -> &'static str {
        self.pem_and_key().0
    }

    /// The fixture file of the chain, relative to the workspace's `fixtures/`.
    pub fn fixture_name(self) -> &'static str {
        self.pem_and_key().2
    }

    pub(crate) fn pem_and_key(self) -> (&'static str, &'static str, &'static str) {
        use fixtures::*;
        match self {
            CertChoice::Valid => (SERVER_ECDSA_PEM, SERVER_ECDSA_KEY_PEM, "server/ecdsa.pem"),
            CertChoice::Rsa => (SERVER_RSA_PEM, SERVER_RSA_KEY_PEM, "server/rsa.pem"),
            CertChoice::Expired => (
                SERVER_EXPIRED_PEM,
                SERVER_EXPIRED_KEY_PEM,
                "server/expired.pem",
            ),
            CertChoice::WrongHost => (
                SERVER_WRONG_HOST_PEM,
                SERVER_WRONG_HOST_KEY_PEM,
                "server/wrong-host.pem",
            ),
            CertChoice::SelfSigned => (
                SERVER_SELF_SIGNED_PEM,
                SERVER_SELF_SIGNED_KEY_PEM,
                "server/self-signed.pem",
            ),
            CertChoice::UnknownCa => (
                SERVER_UNKNOWN_CA_PEM,
                SERVER_UNKNOWN_CA_KEY_PEM,
                "server/unknown-ca.pem",
            ),
        }
    }
}

impl fmt::Display for CertChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CertChoice {
    type Err = Error;

    fn from_str(s: &str) -> Result<CertChoice, Error> {
        CertChoice::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::UnknownCert(s.to_owned()))
    }
}

/// How to start a [`MockRegion`].
#[derive(Clone)]
pub struct Config {
    /// How the port behaves.
    pub mode: Mode,
    /// The server certificate (TLS modes only).
    pub cert: CertChoice,
    /// Users and passwords accepted by basic authentication. User IDs are compared without
    /// regard to case (RACF user IDs are upper case), passwords exactly.
    pub users: Vec<(String, String)>,
    /// Where to listen; port 0 picks a free port ([`MockRegion::addr`] tells which).
    pub bind: SocketAddr,
    /// Users who sign on but may not use CMCI (their requests get HTTP 403, as when the
    /// region's security manager denies access).
    pub forbidden_users: Vec<String>,
    /// A server certificate chain and key (PEM) to use instead of [`Config::cert`].
    pub custom_cert: Option<(String, String)>,
    /// Whether a connection stays open for more requests (HTTP keep-alive; the default). When
    /// false, every response carries `Connection: close` and the region closes the
    /// connection, as a CICS region does once a TCPIPSERVICE's keep-alive limit is reached.
    pub keep_alive: bool,
}

impl Default for Config {
    /// Strong TLS, the valid ECDSA certificate, user `cicsuser` / `cicspass` (and
    /// `cicsnoacc` / `cicspass`, who signs on but is refused with 403), `127.0.0.1:0`.
    fn default() -> Config {
        Config {
            mode: Mode::Strong,
            cert: CertChoice::Valid,
            users: vec![
                ("cicsuser".to_owned(), "cicspass".to_owned()),
                ("cicsnoacc".to_owned(), "cicspass".to_owned()),
            ],
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            forbidden_users: vec!["cicsnoacc".to_owned()],
            custom_cert: None,
            keep_alive: true,
        }
    }
}

impl fmt::Debug for Config {
    /// Passwords are never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<String> = self
            .users
            .iter()
            .map(|(u, _)| format!("{u}:<redacted>"))
            .collect();
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("cert", &self.cert)
            .field("users", &users)
            .field("bind", &self.bind)
            .finish()
    }
}

/// A snapshot of what a region has seen since it started ([`MockRegion::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// TCP connections accepted.
    pub connections: u64,
    /// TLS handshakes completed.
    pub tls_handshakes: u64,
    /// Of those, handshakes that resumed an earlier session.
    pub tls_resumed: u64,
    /// TLS handshakes that failed, including MEDIUM-mode refusals.
    pub tls_failures: u64,
    /// Connections to a TLS port closed without a reply because the client did not speak TLS.
    pub not_tls_closed: u64,
    /// Of those, connections whose dropped bytes held an `Authorization` header: a password
    /// sent in clear to a TLS port.
    pub cleartext_credentials: u64,
    /// TLS ClientHellos answered with `400 Bad Request` on a plain port.
    pub tls_on_plain: u64,
    /// ServerHellos sent in MEDIUM mode (the client offered a medium-strength suite).
    pub medium_server_hellos: u64,
    /// HTTP requests received (on any connection).
    pub http_requests: u64,
    /// `401 Unauthorized` responses sent.
    pub unauthorized: u64,
    /// Requests that carried an `Authorization` header (a password crossed the wire).
    pub authorization_headers: u64,
    /// Requests signed on with basic authentication (user and password).
    pub basic_signons: u64,
    /// Requests signed on with an LTPA cookie.
    pub ltpa_requests: u64,
    /// Requests signed on with a TLS client certificate.
    pub client_cert_requests: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_names_round_trip() {
        for m in Mode::ALL {
            assert_eq!(m.to_string().parse::<Mode>().ok(), Some(m));
        }
        assert_eq!("Client-Auth".parse::<Mode>().ok(), Some(Mode::ClientAuth));
        let err = "weak".parse::<Mode>().err();
        assert!(matches!(err, Some(Error::UnknownMode(ref s)) if s == "weak"));
        assert_eq!(err.map(|e| e.id()), Some("CICSX0702E"));
    }

    #[test]
    fn cert_names_round_trip() {
        for c in CertChoice::ALL {
            assert_eq!(c.to_string().parse::<CertChoice>().ok(), Some(c));
            assert!(c.chain_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        }
        assert_eq!(
            "wrong-host".parse::<CertChoice>().ok(),
            Some(CertChoice::WrongHost)
        );
        assert!(matches!(
            "bogus".parse::<CertChoice>(),
            Err(Error::UnknownCert(_))
        ));
    }

    #[test]
    fn config_debug_hides_passwords() {
        let c = Config {
            users: vec![("admin".into(), "s3cret-PASS".into())],
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(shown.contains("admin"));
        assert!(!shown.contains("s3cret-PASS"), "{shown}");
        assert_eq!(Config::default().bind.to_string(), "127.0.0.1:0");
        assert_eq!(Config::default().mode, Mode::Strong);
    }
}
