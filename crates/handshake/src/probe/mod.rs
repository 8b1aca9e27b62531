//! Probes for `cicsx diagnose`: is the port open, does it speak TLS or plain HTTP, which
//! protocol versions and cipher suites does it accept, what certificate does it present,
//! does it ask for a client certificate.
//!
//! rustls cannot offer weak suites or TLS 1.0 and 1.1, so the version and suite probes send
//! ClientHellos this crate writes itself ([`wire`]) and read the server's answer with a
//! defensive parser; each probe is one short connection that ends after the server's first
//! flight. Suites are enumerated as sslyze does: offer every suite of a version, note the one
//! the server picks, offer the rest again, until the server refuses. One full handshake with
//! cicsx's own rustls configuration ([`Prober::full_handshake`]) then shows what cicsx will
//! actually get. It trusts any certificate (recording the chain, so the caller can judge it),
//! never sends a client certificate (recording the CA names the server asks for), and sends
//! no credentials: its only request is an unauthenticated `GET /CICSSystemManagement/`.
//!
//! Everything is bounded: a time limit per probe and a limit on connections
//! ([`Limits`]).

pub mod http;
pub mod suites;
pub mod wire;

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::ResolvesClientCert;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::error::{Phase, classify_io};
use crate::{ClientAuth, Endpoint, Error, Received, Timeouts, TlsInfo, TlsOptions, TlsVersions};

pub use http::HttpAnswer;
pub use suites::{CipherSuiteInfo, Rating};
pub use wire::{Alert, CertificateRequest, ServerHello, TlsVersion};

/// A progress callback: receives one short line per step ("probing TLS 1.2 cipher
/// suites... 3 accepted").
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Bounds on the probes.
#[derive(Clone, Debug)]
pub struct Limits {
    /// TCP connect, per address.
    pub connect: Duration,
    /// Each probe, from connect to the last byte read.
    pub per_probe: Duration,
    /// Connections in all, for one [`Prober`].
    pub max_connections: usize,
}

impl Default for Limits {
    /// 5 s to connect, 5 s per probe, 400 connections.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            per_probe: Duration::from_secs(5),
            max_connections: 400,
        }
    }
}

/// How a server answered one ClientHello.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HelloOutcome {
    /// A ServerHello (or HelloRetryRequest), with the rest of a TLS 1.0 to 1.2 flight.
    ServerHello {
        /// The ServerHello.
        hello: ServerHello,
        /// The certificate chain (DER, leaf first), if the flight had a plaintext one.
        certificates: Vec<Vec<u8>>,
        /// The CertificateRequest, if the flight had a plaintext one.
        certificate_request: Option<CertificateRequest>,
    },
    /// A TLS alert before any ServerHello: the server refused.
    Alert(Alert),
    /// The connection closed before any ServerHello, without an alert.
    Closed {
        /// What came before the close (often nothing).
        received: Received,
    },
    /// The answer is not TLS (e.g. `HTTP/1.1 400 Bad Request`).
    NotTls(Received),
    /// The answer is TLS-like but malformed.
    Malformed {
        /// What is wrong.
        reason: String,
    },
    /// No answer within the time limit.
    TimedOut,
    /// Not probed: the connection limit was reached.
    Skipped,
}

impl HelloOutcome {
    /// The suite the server chose, when it answered with a ServerHello for `version`.
    pub fn accepted_suite(&self, version: TlsVersion) -> Option<u16> {
        match self {
            HelloOutcome::ServerHello { hello, .. } if hello.version() == version.wire() => {
                Some(hello.cipher_suite)
            }
            _ => None,
        }
    }

    /// A short description, e.g. `fatal alert handshake_failure (40)`, `ServerHello TLS 1.0`.
    pub fn describe(&self) -> String {
        match self {
            HelloOutcome::ServerHello { hello, .. } => format!(
                "{} {} with {}",
                if hello.hello_retry {
                    "HelloRetryRequest"
                } else {
                    "ServerHello"
                },
                wire::version_name(hello.version()),
                suites::name_of(hello.cipher_suite)
            ),
            HelloOutcome::Alert(a) => a.to_string(),
            HelloOutcome::Closed { received } if received.total == 0 => {
                "connection closed without a reply".to_owned()
            }
            HelloOutcome::Closed { received } => format!(
                "connection closed after {} bytes that are no TLS answer",
                received.total
            ),
            HelloOutcome::NotTls(r) => format!("not TLS: \"{}\"", r.preview()),
            HelloOutcome::Malformed { reason } => reason.clone(),
            HelloOutcome::TimedOut => "no answer in time".to_owned(),
            HelloOutcome::Skipped => "not probed (connection limit reached)".to_owned(),
        }
    }
}

/// The cipher suites a server accepts with one protocol version.
#[derive(Clone, Debug)]
pub struct SuiteScan {
    /// The version probed.
    pub version: TlsVersion,
    /// The accepted suites, in the order the server chose them (its order of preference,
    /// when it enforces one).
    pub accepted: Vec<u16>,
    /// The answer to the first hello, which offered every suite of the version: whether the
    /// version is accepted at all, and the certificate flight (TLS 1.0 to 1.2).
    pub first: HelloOutcome,
    /// The answer that ended the enumeration (a refusal, normally).
    pub last: HelloOutcome,
    /// The enumeration stopped early (connection limit, or a server that chose a suite it
    /// was not offered).
    pub incomplete: Option<String>,
}

impl SuiteScan {
    /// Whether the server accepts this version.
    pub fn version_accepted(&self) -> bool {
        !self.accepted.is_empty()
    }
}

/// What a plain HTTP request to the port brought.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlainAnswer {
    /// An HTTP response: the port speaks plain HTTP.
    Http(HttpAnswer),
    /// The server closed the connection without a byte: typical of a TLS port (a CICS TLS
    /// port says nothing to a stranger).
    ClosedWithoutReply,
    /// A TLS record (usually an alert): a TLS port.
    Tls(Received),
    /// Something else.
    Other(Received),
    /// Nothing within the time limit.
    Silent,
    /// Not probed: the connection limit was reached.
    Skipped,
}

/// What happened after cicsx's own handshake completed, when the CMCI probe request was
/// sent over it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AfterHandshake {
    /// An HTTP response.
    Http(HttpAnswer),
    /// A TLS alert (e.g. `certificate_required` from a TLS 1.3 server that requires a client
    /// certificate).
    Alert(Alert),
    /// The server closed the connection without an answer.
    Closed,
    /// No answer in time.
    Silent,
    /// Bytes that are not HTTP.
    Other(Received),
    /// Another failure.
    Failed(String),
}

/// One full handshake with cicsx's rustls configuration.
#[derive(Debug)]
pub struct FullHandshake {
    /// What the handshake agreed, or how it failed (classified as for a real connect).
    pub outcome: Result<TlsInfo, Error>,
    /// The certificate chain the server presented (leaf first), even when the handshake
    /// failed later.
    pub presented_chain: Vec<CertificateDer<'static>>,
    /// The server asked for a client certificate (a CertificateRequest came).
    pub client_certificate_requested: bool,
    /// The CA names of the CertificateRequest: DER distinguished names.
    pub acceptable_ca_names: Vec<Vec<u8>>,
    /// The answer to the CMCI probe request sent after a successful handshake.
    pub after: Option<AfterHandshake>,
}

/// Runs probes against one endpoint, within [`Limits`].
#[derive(Debug)]
pub struct Prober {
    endpoint: Endpoint,
    sni: Option<String>,
    limits: Limits,
    used: AtomicUsize,
}

impl Prober {
    /// A prober for `endpoint`; `sni` is the server name to send instead of the host.
    pub fn new(endpoint: Endpoint, sni: Option<String>, limits: Limits) -> Self {
        Self {
            endpoint,
            sni,
            limits,
            used: AtomicUsize::new(0),
        }
    }

    /// The endpoint probed.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The server name sent (SNI) and checked: the `sni` given, else the host.
    pub fn server_name(&self) -> &str {
        self.sni.as_deref().unwrap_or(&self.endpoint.host)
    }

    /// Connections opened so far.
    pub fn connections_used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn take_connection(&self) -> bool {
        self.used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.limits.max_connections).then_some(n + 1)
            })
            .is_ok()
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: self.limits.connect,
            handshake: self.limits.per_probe,
            response: self.limits.per_probe,
        }
    }

    /// Opens a TCP connection (and closes it): is anything listening?
    pub async fn probe_open(&self) -> Result<(), Error> {
        if !self.take_connection() {
            return Ok(());
        }
        self.tcp().await.map(drop)
    }

    async fn tcp(&self) -> Result<TcpStream, Error> {
        let endpoint = &self.endpoint;
        let lookup = tokio::net::lookup_host((endpoint.host.as_str(), endpoint.port));
        let addrs: Vec<_> = match tokio::time::timeout(self.limits.connect, lookup).await {
            Ok(Ok(addrs)) => addrs.collect(),
            Ok(Err(source)) => {
                return Err(Error::Resolve {
                    endpoint: endpoint.clone(),
                    source,
                });
            }
            Err(_) => {
                return Err(Error::TimedOut {
                    endpoint: endpoint.clone(),
                    phase: Phase::Connect,
                });
            }
        };
        let mut last = None;
        for addr in addrs {
            match tokio::time::timeout(self.limits.connect, TcpStream::connect(addr)).await {
                Ok(Ok(tcp)) => {
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Ok(Err(err)) => {
                    last = Some(classify_io(endpoint, Phase::Connect, err, None, false));
                }
                Err(_) => {
                    last = Some(Error::TimedOut {
                        endpoint: endpoint.clone(),
                        phase: Phase::Connect,
                    });
                }
            }
        }
        Err(last.unwrap_or_else(|| Error::Resolve {
            endpoint: endpoint.clone(),
            source: io::Error::new(io::ErrorKind::NotFound, "no addresses"),
        }))
    }

    /// Sends a plain HTTP `GET /CICSSystemManagement/` (no credentials) and classifies the
    /// answer.
    pub async fn probe_plain_http(&self) -> Result<PlainAnswer, Error> {
        if !self.take_connection() {
            return Ok(PlainAnswer::Skipped);
        }
        let mut tcp = self.tcp().await?;
        let deadline = Instant::now() + self.limits.per_probe;
        let request = http::cmci_request(&self.endpoint.to_string());
        if tokio::time::timeout_at(deadline, tcp.write_all(&request))
            .await
            .is_err()
        {
            return Ok(PlainAnswer::Silent);
        }
        let (bytes, end) = read_answer(&mut tcp, deadline).await;
        let received = Received::new(&bytes[..bytes.len().min(512)], bytes.len() as u64);
        Ok(if let Some(answer) = http::parse_answer(&bytes) {
            PlainAnswer::Http(answer)
        } else if bytes.is_empty() {
            match end {
                ReadEnd::TimedOut => PlainAnswer::Silent,
                _ => PlainAnswer::ClosedWithoutReply,
            }
        } else if received.looks_like_tls() {
            PlainAnswer::Tls(received)
        } else {
            PlainAnswer::Other(received)
        })
    }

    /// Offers `version` with every suite of the table for it; the answer says whether the
    /// server accepts the version ([`HelloOutcome::accepted_suite`]).
    pub async fn probe_version(&self, version: TlsVersion) -> Result<HelloOutcome, Error> {
        let offered: Vec<u16> = suites::suites_for(version).iter().map(|s| s.code).collect();
        self.hello(version, &offered).await
    }

    /// Sends one ClientHello for `version` offering `suites`, and reads the server's first
    /// flight.
    pub async fn hello(&self, version: TlsVersion, suites: &[u16]) -> Result<HelloOutcome, Error> {
        if !self.take_connection() {
            return Ok(HelloOutcome::Skipped);
        }
        let mut random = [0u8; 96];
        // Random bytes make the hello look like any other; if the system cannot give them,
        // zeros still probe correctly (no secret depends on them).
        let _ = rustls::crypto::aws_lc_rs::default_provider()
            .secure_random
            .fill(&mut random);
        let mut parts = random.chunks_exact(32).map(|c| {
            let mut a = [0u8; 32];
            a.copy_from_slice(c);
            a
        });
        let (random, key_share, session_id) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let hello = wire::client_hello(&wire::ClientHelloSpec {
            version,
            suites,
            server_name: Some(self.server_name()),
            random,
            key_share,
            session_id,
        });
        let mut tcp = self.tcp().await?;
        let deadline = Instant::now() + self.limits.per_probe;
        match tokio::time::timeout_at(deadline, tcp.write_all(&hello)).await {
            Err(_) => return Ok(HelloOutcome::TimedOut),
            Ok(Err(_)) => {
                return Ok(HelloOutcome::Closed {
                    received: Received::default(),
                });
            }
            Ok(Ok(())) => {}
        }
        Ok(read_flight(&mut tcp, deadline).await)
    }

    /// Enumerates the suites the server accepts with `version`: offers all the table has for
    /// it, removes the one the server picks, and repeats until the server refuses. `progress`
    /// hears about each step.
    pub async fn enumerate_suites(
        &self,
        version: TlsVersion,
        progress: Progress<'_>,
    ) -> Result<SuiteScan, Error> {
        let all: Vec<u16> = suites::suites_for(version).iter().map(|s| s.code).collect();
        let total = all.len();
        let mut offered = all;
        let mut accepted = Vec::new();
        let mut first = None;
        let mut incomplete = None;
        let last = loop {
            progress(&format!(
                "probing {version} cipher suites... {} accepted, {}/{total} tried",
                accepted.len(),
                total - offered.len()
            ));
            let outcome = self.hello(version, &offered).await?;
            if first.is_none() {
                first = Some(outcome.clone());
            }
            if outcome == HelloOutcome::Skipped {
                incomplete = Some("the connection limit was reached".to_owned());
                break outcome;
            }
            let Some(suite) = outcome.accepted_suite(version) else {
                break outcome;
            };
            if !offered.contains(&suite) {
                incomplete = Some(format!(
                    "the server chose {}, which was not offered",
                    suites::name_of(suite)
                ));
                break outcome;
            }
            accepted.push(suite);
            offered.retain(|&s| s != suite);
            if offered.is_empty() {
                break outcome;
            }
        };
        Ok(SuiteScan {
            version,
            accepted,
            first: first.unwrap_or(HelloOutcome::Skipped),
            last,
            incomplete,
        })
    }

    /// One full handshake with cicsx's own TLS configuration (strong suites, TLS 1.2 and
    /// 1.3), trusting any certificate and sending no client certificate, then an
    /// unauthenticated `GET /CICSSystemManagement/`.
    pub async fn full_handshake(&self) -> FullHandshake {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = Arc::new(RecordingVerifier {
            chain: Mutex::new(Vec::new()),
            provider,
        });
        let resolver = Arc::new(RecordingResolver::default());
        let recorded = |outcome, after| FullHandshake {
            outcome,
            presented_chain: verifier.chain.lock().map(|c| c.clone()).unwrap_or_default(),
            client_certificate_requested: resolver.requested(),
            acceptable_ca_names: resolver.hints(),
            after,
        };
        if !self.take_connection() {
            return recorded(
                Err(Error::Config {
                    reason: "the probes' connection limit was reached".to_owned(),
                }),
                None,
            );
        }
        let config = match crate::client_config(TlsOptions {
            verifier: verifier.clone(),
            client_auth: Some(ClientAuth::Resolver(resolver.clone())),
            versions: TlsVersions::Default,
            server_name: self.sni.clone(),
        }) {
            Ok(config) => config,
            Err(e) => return recorded(Err(e), None),
        };
        let mut stream = match crate::connect(
            &self.endpoint,
            Some((&config, Some(self.server_name()))),
            &self.timeouts(),
        )
        .await
        {
            Ok(stream) => stream,
            Err(e) => return recorded(Err(e), None),
        };
        let info = stream.tls_info().cloned();
        let deadline = Instant::now() + self.limits.per_probe;
        let request = http::cmci_request(&self.endpoint.to_string());
        let after = match tokio::time::timeout_at(deadline, async {
            stream.write_all(&request).await?;
            stream.flush().await
        })
        .await
        {
            Err(_) => AfterHandshake::Silent,
            Ok(Err(e)) => after_error(&e),
            Ok(Ok(())) => {
                let (bytes, end) = read_answer(&mut stream, deadline).await;
                match (http::parse_answer(&bytes), end) {
                    (Some(answer), _) => AfterHandshake::Http(answer),
                    (None, ReadEnd::Error(e)) if bytes.is_empty() => after_error(&e),
                    (None, ReadEnd::TimedOut) if bytes.is_empty() => AfterHandshake::Silent,
                    (None, _) if bytes.is_empty() => AfterHandshake::Closed,
                    (None, _) => AfterHandshake::Other(Received::new(
                        &bytes[..bytes.len().min(512)],
                        bytes.len() as u64,
                    )),
                }
            }
        };
        match info {
            Some(info) => recorded(Ok(info), Some(after)),
            None => recorded(
                Err(Error::Config {
                    reason: "the connection has no TLS parameters".to_owned(),
                }),
                Some(after),
            ),
        }
    }
}

/// How reading an answer ended.
enum ReadEnd {
    Eof,
    Complete,
    TimedOut,
    Error(io::Error),
}

/// Reads until the server closes, the answer is complete, [`http::MAX_ANSWER`] bytes, or
/// the deadline.
async fn read_answer<S: AsyncRead + Unpin>(
    stream: &mut S,
    deadline: Instant,
) -> (Vec<u8>, ReadEnd) {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return (bytes, ReadEnd::TimedOut),
            Ok(Ok(0)) => return (bytes, ReadEnd::Eof),
            Ok(Ok(n)) => {
                let room = http::MAX_ANSWER - bytes.len();
                bytes.extend_from_slice(&chunk[..n.min(room)]);
                if bytes.len() >= http::MAX_ANSWER || http::answer_complete(&bytes) {
                    return (bytes, ReadEnd::Complete);
                }
            }
            Ok(Err(e)) if bytes.is_empty() => return (bytes, ReadEnd::Error(e)),
            Ok(Err(_)) => return (bytes, ReadEnd::Eof),
        }
    }
}

/// What an I/O error after the handshake means: a TLS alert, or a closed connection.
fn after_error(err: &io::Error) -> AfterHandshake {
    let tls = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    match (tls, err.kind()) {
        (Some(rustls::Error::AlertReceived(alert)), _) => AfterHandshake::Alert(Alert {
            level: 2,
            description: u8::from(*alert),
        }),
        (
            None,
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe,
        ) => AfterHandshake::Closed,
        _ => AfterHandshake::Failed(err.to_string()),
    }
}

/// Reads the server's first flight after a ClientHello: up to ServerHelloDone (TLS 1.0 to
/// 1.2), the ServerHello (TLS 1.3), an alert, the close, or the deadline.
async fn read_flight(tcp: &mut TcpStream, deadline: Instant) -> HelloOutcome {
    let mut parser = wire::FlightParser::new();
    let mut first = Vec::new();
    let mut total = 0u64;
    let mut hello: Option<ServerHello> = None;
    let mut certificates = Vec::new();
    let mut certificate_request = None;
    let mut chunk = vec![0u8; 16 * 1024];
    let accepted =
        |hello: ServerHello, certificates, certificate_request| HelloOutcome::ServerHello {
            hello,
            certificates,
            certificate_request,
        };
    loop {
        let n = match tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
            Err(_) => {
                return match hello {
                    Some(h) => accepted(h, certificates, certificate_request),
                    None => HelloOutcome::TimedOut,
                };
            }
            Ok(Ok(0)) | Ok(Err(_)) => {
                return match hello {
                    Some(h) => accepted(h, certificates, certificate_request),
                    None => HelloOutcome::Closed {
                        received: Received::new(&first, total),
                    },
                };
            }
            Ok(Ok(n)) => n,
        };
        let bytes = &chunk[..n];
        total += n as u64;
        let room = 512usize.saturating_sub(first.len());
        first.extend_from_slice(&bytes[..n.min(room)]);
        let messages = match parser.push(bytes) {
            Ok(m) => m,
            Err(e) => {
                return match hello {
                    // The suite is known; what followed does not change that.
                    Some(h) => accepted(h, certificates, certificate_request),
                    None => HelloOutcome::Malformed {
                        reason: e.to_string(),
                    },
                };
            }
        };
        for message in messages {
            match message {
                wire::ServerMessage::ServerHello(h) => {
                    if h.version() >= 0x0304 || h.hello_retry {
                        return accepted(h, certificates, certificate_request);
                    }
                    hello = Some(h);
                }
                wire::ServerMessage::Certificate(chain) => certificates = chain,
                wire::ServerMessage::CertificateRequest(r) => certificate_request = Some(r),
                wire::ServerMessage::Alert(alert) => {
                    return match hello {
                        Some(h) => accepted(h, certificates, certificate_request),
                        None => HelloOutcome::Alert(alert),
                    };
                }
                wire::ServerMessage::NotTls(_) => {
                    // Read a little more for a readable preview (an HTTP status line).
                    let more_until = Instant::now() + Duration::from_millis(500);
                    let more_until = more_until.min(deadline);
                    while first.len() < 512 {
                        match tokio::time::timeout_at(more_until, tcp.read(&mut chunk)).await {
                            Ok(Ok(n @ 1..)) => {
                                total += n as u64;
                                let room = 512 - first.len();
                                first.extend_from_slice(&chunk[..n.min(room)]);
                            }
                            _ => break,
                        }
                    }
                    return HelloOutcome::NotTls(Received::new(&first, total));
                }
                wire::ServerMessage::ServerHelloDone
                | wire::ServerMessage::ChangeCipherSpec
                | wire::ServerMessage::Encrypted => {
                    if let Some(h) = hello {
                        return accepted(h, certificates, certificate_request);
                    }
                }
                wire::ServerMessage::OtherHandshake(_) => {}
            }
        }
    }
}

/// Trusts any certificate and records the chain: the probe judges trust afterwards, with
/// the trust store, and sends nothing secret over this connection. Handshake signatures are
/// still checked, with the provider's algorithms.
#[derive(Debug)]
struct RecordingVerifier {
    chain: Mutex<Vec<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut chain) = self.chain.lock() {
            *chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Records that a client certificate was asked for, and the acceptable CA names; never
/// offers one.
#[derive(Debug, Default)]
struct RecordingResolver {
    seen: Mutex<Option<Vec<Vec<u8>>>>,
}

impl RecordingResolver {
    fn requested(&self) -> bool {
        self.seen.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    fn hints(&self) -> Vec<Vec<u8>> {
        self.seen
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .unwrap_or_default()
    }
}

impl ResolvesClientCert for RecordingResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(
                root_hint_subjects
                    .iter()
                    .take(wire::MAX_LIST_ITEMS)
                    .map(|s| s.to_vec())
                    .collect(),
            );
        }
        None
    }

    fn has_certs(&self) -> bool {
        // So that rustls asks: the request and its CA names are what the probe is after.
        true
    }
}
