//! Sockets, TLS and HTTP transport for cicsx, with every failure classified.
//!
//! This is the only crate in cicsx that opens sockets. It connects to a CICS region's CMCI
//! port over TCP, optionally runs a TLS handshake with rustls (strong suites only: TLS 1.3, and
//! TLS 1.2 with ECDHE and AEAD), and carries HTTP/1.1 requests over the result with hyper.
//!
//! Every failure comes back as an [`Error`] that says *what happened on the wire*: refused,
//! timed out, closed with no reply after a plain request (a TLS port), non-TLS bytes after the
//! ClientHello (a plain HTTP port), a named TLS alert, a certificate problem. Each has a stable
//! message ID, an explanation and what to change on the client and on the CICS region.
//!
//! Trust decisions are not made here: the caller passes a rustls
//! [`ServerCertVerifier`](rustls::client::danger::ServerCertVerifier) (cicsx-truststore's).
//!
//! ```
//! use cicsx_handshake::{Endpoint, Error};
//!
//! # async fn demo() {
//! // Nothing listens on port 9 of the loopback address on a test machine.
//! let endpoint = Endpoint::new("127.0.0.1", 9);
//! match cicsx_handshake::HttpConnection::open(&endpoint, None, &Default::default()).await {
//!     Err(e @ Error::Refused { .. }) => assert_eq!(e.id(), "CICSX0402E"),
//!     Err(other) => println!("{other}"),
//!     Ok(_) => println!("something is listening on port 9"),
//! }
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo());
//! ```
#![warn(missing_docs)]

mod error;
mod http;
pub mod probe;
mod stream;
mod tls;

pub use error::{Error, Phase, Received};
pub use http::{HttpConnection, HttpResponse, MAX_BODY};
pub use stream::{Stream, TlsInfo, connect};
pub use tls::{ClientAuth, TlsOptions, TlsVersions, client_config, strong_cipher_suites};

use std::fmt;
use std::time::Duration;

/// A host and port to connect to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Host name or IP address literal (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Endpoint {
    /// A new endpoint.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Time limits for each phase of a connection.
#[derive(Clone, Debug)]
pub struct Timeouts {
    /// TCP connect, per address tried.
    pub connect: Duration,
    /// The TLS handshake.
    pub handshake: Duration,
    /// From sending a request to the end of its response.
    pub response: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            handshake: Duration::from_secs(15),
            response: Duration::from_secs(60),
        }
    }
}
