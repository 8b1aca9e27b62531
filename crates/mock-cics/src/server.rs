//! The network side: accept loop, per-mode connection handling, sign-on, HTTP.

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use crate::data::{self, Record};
use crate::{CertChoice, Config, Error, Mode, Stats, cmci, fixtures, hello};

/// How long a client may stay silent before its first byte.
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to keep reading (and discarding) after closing our side, so the peer sees a clean
/// end of stream instead of a reset.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// Most bytes read and discarded while draining.
const DRAIN_LIMIT: usize = 64 * 1024;
/// Most LTPA tokens remembered; the oldest is forgotten beyond that.
const MAX_TOKENS: usize = 10_000;

/// A running mock CICS region. Dropping it stops the accept loop as well.
pub struct MockRegion {
    addr: SocketAddr,
    mode: Mode,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockRegion")
            .field("addr", &self.addr)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl MockRegion {
    /// Binds `config.bind` and starts answering on the current tokio runtime.
    ///
    /// # Errors
    /// [`Error::Bind`] when the port cannot be bound; [`Error::Fixture`] or [`Error::Tls`]
    /// when the embedded test PKI is unusable.
    pub async fn start(config: Config) -> Result<MockRegion, Error> {
        let tls = match config.mode {
            Mode::Strong | Mode::ClientAuth => Some(TlsAcceptor::from(match &config.custom_cert {
                Some((chain, key)) => tls_config_from(config.mode, chain, key, "custom")?,
                None => server_tls_config(config.mode, config.cert)?,
            })),
            Mode::Medium | Mode::Plain => None,
        };
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| Error::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.bind,
            source,
        })?;
        let shared = Arc::new(Shared {
            mode: config.mode,
            users: config.users,
            forbidden: config.forbidden_users,
            tokens: Mutex::new(Tokens::default()),
            counters: Counters::default(),
            data: data::records(),
            tls,
            keep_alive: config.keep_alive,
        });
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stop_rx));
        tracing::debug!(%addr, mode = %config.mode, cert = %config.cert, "mock CICS region started");
        Ok(MockRegion {
            addr,
            mode: config.mode,
            shared,
            stop,
            task,
        })
    }

    /// The address the region listens on (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The mode the region runs in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `https://127.0.0.1:PORT` (or `http://` in [`Mode::Plain`]): where a CMCI client points.
    pub fn base_url(&self) -> String {
        let scheme = if self.mode.is_tls() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// What the region has seen so far.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Stops accepting, closes every open connection and waits for the accept loop to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// State every connection of one region shares.
struct Shared {
    mode: Mode,
    users: Vec<(String, String)>,
    forbidden: Vec<String>,
    tokens: Mutex<Tokens>,
    counters: Counters,
    data: Vec<Record>,
    tls: Option<TlsAcceptor>,
    keep_alive: bool,
}

/// LTPA tokens handed out, oldest first, for the life of the region.
#[derive(Default)]
struct Tokens {
    set: HashSet<String>,
    order: std::collections::VecDeque<String>,
}

impl Tokens {
    fn insert(&mut self, token: String) {
        if self.order.len() >= MAX_TOKENS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(token.clone());
        self.order.push_back(token);
    }
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    tls_handshakes: AtomicU64,
    tls_resumed: AtomicU64,
    tls_failures: AtomicU64,
    not_tls_closed: AtomicU64,
    cleartext_credentials: AtomicU64,
    tls_on_plain: AtomicU64,
    medium_server_hellos: AtomicU64,
    http_requests: AtomicU64,
    unauthorized: AtomicU64,
    authorization_headers: AtomicU64,
    basic_signons: AtomicU64,
    ltpa_requests: AtomicU64,
    client_cert_requests: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            connections: get(&self.connections),
            tls_handshakes: get(&self.tls_handshakes),
            tls_resumed: get(&self.tls_resumed),
            tls_failures: get(&self.tls_failures),
            not_tls_closed: get(&self.not_tls_closed),
            cleartext_credentials: get(&self.cleartext_credentials),
            tls_on_plain: get(&self.tls_on_plain),
            medium_server_hellos: get(&self.medium_server_hellos),
            http_requests: get(&self.http_requests),
            unauthorized: get(&self.unauthorized),
            authorization_headers: get(&self.authorization_headers),
            basic_signons: get(&self.basic_signons),
            ltpa_requests: get(&self.ltpa_requests),
            client_cert_requests: get(&self.client_cert_requests),
        }
    }
}

/// The rustls configuration of a TLS mode: the chosen certificate, TLS 1.2 and 1.3, and client
/// certificates checked against the fixture root and intermediate CAs (a RACF key ring would
/// hold both), optional in [`Mode::Strong`] and required in [`Mode::ClientAuth`].
/// The rustls server configuration a region in `mode` (TLS modes) presents with `cert`: TLS 1.3
/// and 1.2, rustls's default cipher suites, client certificates from the fixture CA requested
/// (required in [`Mode::ClientAuth`]). Benchmarks use it to run the mock's side of a handshake
/// in memory.
///
/// # Errors
/// [`Error::Fixture`] or [`Error::Tls`] when the embedded test PKI is unusable.
pub fn server_tls_config(mode: Mode, cert: CertChoice) -> Result<Arc<rustls::ServerConfig>, Error> {
    let (chain_pem, key_pem, name) = cert.pem_and_key();
    tls_config_from(mode, chain_pem, key_pem, name)
}

fn tls_config_from(
    mode: Mode,
    chain_pem: &str,
    key_pem: &str,
    name: &'static str,
) -> Result<Arc<rustls::ServerConfig>, Error> {
    let chain = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Fixture {
            name,
            reason: e.to_string(),
        })?;
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| Error::Fixture {
        name,
        reason: format!("key: {e}"),
    })?;
    let mut roots = RootCertStore::empty();
    for (pem, name) in [
        (fixtures::ROOT_CA_PEM, "ca/root.pem"),
        (fixtures::INTERMEDIATE_CA_PEM, "ca/intermediate.pem"),
    ] {
        let der = CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| Error::Fixture {
            name,
            reason: e.to_string(),
        })?;
        roots.add(der).map_err(|e| Error::Fixture {
            name,
            reason: e.to_string(),
        })?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider));
    let verifier = match mode {
        Mode::ClientAuth => verifier.build(),
        _ => verifier.allow_unauthenticated().build(),
    }
    .map_err(|e| Error::Tls {
        source: Box::new(e),
    })?;
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| Error::Tls {
            source: Box::new(e),
        })?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| Error::Tls {
            source: Box::new(e),
        })?;
    Ok(Arc::new(config))
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // A value sent or the sender dropped: either way, stop.
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    bump(&shared.counters.connections);
                    tracing::trace!(%peer, "connection accepted");
                    connections.spawn(handle_connection(stream, Arc::clone(&shared)));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn handle_connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let local = stream.local_addr().ok();
    // The first byte decides: 0x16 starts a TLS handshake record.
    let mut first = [0u8; 1];
    let first = match timeout(FIRST_BYTE_TIMEOUT, stream.peek(&mut first)).await {
        Ok(Ok(1..)) => first[0],
        _ => return close_quietly(stream).await,
    };
    match shared.mode {
        Mode::Plain if first == 0x16 => tls_on_plain_port(stream, &shared).await,
        Mode::Plain => serve_http(stream, shared, None, local).await,
        _ if first != 0x16 => {
            // A real CICS TLS port says nothing to a client that does not speak TLS.
            bump(&shared.counters.not_tls_closed);
            let seen = drain_and_close(stream).await;
            if seen
                .to_ascii_lowercase()
                .windows(14)
                .any(|w| w == b"authorization:")
            {
                bump(&shared.counters.cleartext_credentials);
            }
        }
        Mode::Medium => medium(stream, &shared).await,
        Mode::Strong | Mode::ClientAuth => {
            let Some(acceptor) = shared.tls.clone() else {
                return close_quietly(stream).await;
            };
            let accepted =
                timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream).into_fallible()).await;
            match accepted {
                Ok(Ok(tls)) => {
                    bump(&shared.counters.tls_handshakes);
                    if tls.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed) {
                        bump(&shared.counters.tls_resumed);
                    }
                    let user = tls
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|chain| chain.first())
                        .and_then(common_name);
                    serve_http(tls, shared, user, local).await;
                }
                Ok(Err((e, tcp))) => {
                    bump(&shared.counters.tls_failures);
                    tracing::debug!(error = %e, "TLS handshake failed");
                    // rustls has written its alert; close without a reset so the client reads it.
                    close_quietly(tcp).await;
                }
                Err(_) => bump(&shared.counters.tls_failures),
            }
        }
    }
}

/// The subject common name of a (verified) client certificate: the user it signs on.
fn common_name(cert: &CertificateDer<'_>) -> Option<String> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    let cn = parsed.subject().iter_common_name().next()?.as_str().ok()?;
    (!cn.is_empty()).then(|| cn.to_owned())
}

/// Sends FIN, then reads and discards what the client still sends (bounded), so the client
/// sees an orderly end of stream rather than a connection reset.
async fn close_quietly<S: AsyncRead + AsyncWrite + Unpin>(stream: S) {
    drain_and_close(stream).await;
}

/// Closes without a reply, and returns what the client sent (up to the drain limit).
async fn drain_and_close<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> Vec<u8> {
    let _ = stream.shutdown().await;
    let mut seen = Vec::new();
    let drain = async {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            seen.extend_from_slice(&buf[..n]);
            if seen.len() > DRAIN_LIMIT {
                break;
            }
        }
    };
    let _ = timeout(DRAIN_TIMEOUT, drain).await;
    seen
}

/// A TLS ClientHello on a plain HTTP port. CICS logs DFHWB0114 ("A non-HTTP request has been
/// received by an HTTP service") and the client gets an HTTP error, which a TLS client reports
/// as "not TLS" ("Unrecognized SSL message, plaintext connection?").
async fn tls_on_plain_port(mut stream: TcpStream, shared: &Shared) {
    bump(&shared.counters.tls_on_plain);
    // Take in what the client sent first, so closing does not turn into a reset.
    let mut buf = [0u8; 4096];
    let _ = timeout(DRAIN_TIMEOUT, stream.read(&mut buf)).await;
    let body = "400 Bad Request: this port does not use TLS; a TLS handshake is not an HTTP \
                request (CICS DFHWB0114). Use http:// for this port.\n";
    let response = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    close_quietly(stream).await;
}

/// MEDIUM mode: read the ClientHello and answer as a region limited to medium-strength
/// cipher suites would.
async fn medium(mut stream: TcpStream, shared: &Shared) {
    let mut buf = Vec::with_capacity(2048);
    let outcome = timeout(HANDSHAKE_TIMEOUT, async {
        let mut chunk = [0u8; 4096];
        loop {
            match hello::parse_client_hello(&buf) {
                Ok(None) => {}
                other => return other,
            }
            if buf.len() > hello::MAX_HELLO + 1024 {
                return Err(hello::HelloError::Malformed("too many bytes"));
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return Ok(None),
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    let answer: Vec<u8> = match outcome {
        Ok(Ok(Some(client_hello))) => match hello::choose(&client_hello) {
            None => {
                // System SSL: "No common ciphers negotiated" (DFHSO0123, return code 402).
                bump(&shared.counters.tls_failures);
                hello::ALERT_HANDSHAKE_FAILURE.to_vec()
            }
            Some((version, suite)) => {
                bump(&shared.counters.medium_server_hellos);
                let mut random = [0u8; 32];
                if aws_lc_rs::rand::fill(&mut random).is_err() {
                    return close_quietly(stream).await;
                }
                hello::server_hello(version, suite, random, client_hello.secure_renegotiation)
            }
        },
        Ok(Err(hello::HelloError::NotTls)) => {
            bump(&shared.counters.not_tls_closed);
            Vec::new()
        }
        Ok(Err(hello::HelloError::Malformed(why))) => {
            tracing::debug!(why, "malformed ClientHello");
            bump(&shared.counters.tls_failures);
            hello::ALERT_DECODE_ERROR.to_vec()
        }
        // The client went away or stalled.
        Ok(Ok(None)) | Err(_) => Vec::new(),
    };
    if !answer.is_empty() {
        let _ = stream.write_all(&answer).await;
    }
    close_quietly(stream).await;
}

/// What a connection knows about its client.
struct ConnInfo {
    /// The user a verified client certificate signs on.
    cert_user: Option<String>,
    /// The address the client connected to, for the schema location.
    local: Option<SocketAddr>,
}

async fn serve_http<S>(
    stream: S,
    shared: Arc<Shared>,
    cert_user: Option<String>,
    local: Option<SocketAddr>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let info = Arc::new(ConnInfo { cert_user, local });
    let keep_alive = shared.keep_alive;
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let reply = respond(&req, &shared, &info);
        async move { Ok::<_, Infallible>(reply) }
    });
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(keep_alive)
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(e) = served {
        tracing::debug!(error = %e, "HTTP connection ended with an error");
    }
}

/// How a request was signed on.
enum SignOn {
    Certificate,
    Ltpa,
    Basic,
}

fn respond(req: &Request<Incoming>, shared: &Shared, info: &ConnInfo) -> Response<Full<Bytes>> {
    bump(&shared.counters.http_requests);
    if req.headers().contains_key(header::AUTHORIZATION) {
        bump(&shared.counters.authorization_headers);
    }
    let sign_on = if info.cert_user.is_some() {
        Some(SignOn::Certificate)
    } else if has_valid_ltpa(req, shared) {
        Some(SignOn::Ltpa)
    } else if basic_auth_ok(req, &shared.users) {
        Some(SignOn::Basic)
    } else {
        None
    };
    let Some(sign_on) = sign_on else {
        bump(&shared.counters.unauthorized);
        let mut resp = reply(
            StatusCode::UNAUTHORIZED,
            "text/plain; charset=utf-8",
            "401 Unauthorized\n".into(),
        );
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"CICS\""),
        );
        return resp;
    };
    let new_cookie = match sign_on {
        SignOn::Certificate => {
            bump(&shared.counters.client_cert_requests);
            (!has_valid_ltpa(req, shared))
                .then(|| new_token(shared))
                .flatten()
        }
        SignOn::Ltpa => {
            bump(&shared.counters.ltpa_requests);
            None
        }
        SignOn::Basic => {
            bump(&shared.counters.basic_signons);
            if let Some(user) = basic_user(req)
                && shared
                    .forbidden
                    .iter()
                    .any(|f| f.eq_ignore_ascii_case(&user))
            {
                return reply(
                    StatusCode::FORBIDDEN,
                    "text/plain; charset=utf-8",
                    format!(
                        "403 Forbidden: {user} is not authorized to use the CICS management client interface\n"
                    ),
                );
            }
            new_token(shared)
        }
    };

    let mut resp = if req.method() == Method::GET {
        let host = host_for_schema(req, info.local);
        let r = cmci::get(req.uri().path(), req.uri().query(), &host, &shared.data);
        reply(
            StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            r.content_type,
            r.body,
        )
    } else {
        // Actions (PUT), definitions (POST) and DELETE are not implemented yet.
        let r = cmci::http_error(
            405,
            "DFHWU4051",
            "The HTTP method is not supported by this CICS management client interface.",
            Some(("METHOD", req.method().as_str())),
        );
        let mut resp = reply(StatusCode::METHOD_NOT_ALLOWED, r.content_type, r.body);
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        resp
    };
    if let Some(token) = new_cookie {
        let secure = if shared.mode.is_tls() { "; Secure" } else { "" };
        if let Ok(v) =
            HeaderValue::from_str(&format!("LtpaToken2={token}; Path=/{secure}; HttpOnly"))
        {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    resp
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// `host:port` for the schema location: the client's Host header when it is a plain host
/// name or address, else the address it connected to.
fn host_for_schema(req: &Request<Incoming>, local: Option<SocketAddr>) -> String {
    let fallback = local.map_or_else(|| "localhost".to_owned(), |a| a.to_string());
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return fallback;
    };
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    match (plain.then(|| split_host_port(host)).flatten(), local) {
        (Some((_, Some(_))), _) => host.to_owned(),
        (Some((name, None)), Some(a)) => format!("{name}:{}", a.port()),
        _ => fallback,
    }
}

/// Splits `name[:port]` or `[v6][:port]`; `None` when malformed (empty or non-numeric port,
/// a colon outside brackets in the name).
fn split_host_port(host: &str) -> Option<(&str, Option<&str>)> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        let (name, rest) = host.split_at(end + 1);
        if rest.is_empty() {
            (name, None)
        } else {
            (name, Some(rest.strip_prefix(':')?))
        }
    } else {
        match host.split_once(':') {
            None => (host, None),
            Some((name, port)) => (name, Some(port)),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = !name.is_empty() && (name.starts_with('[') || !name.contains(':'));
    (port_ok && name_ok).then_some((name, port))
}

fn has_valid_ltpa(req: &Request<Incoming>, shared: &Shared) -> bool {
    let Ok(tokens) = shared.tokens.lock() else {
        return false;
    };
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(name, value)| name == "LtpaToken2" && tokens.set.contains(value))
}

/// The user ID of an `Authorization: Basic` header.
fn basic_user(req: &Request<Incoming>) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (_, encoded) = value.trim().split_once(' ')?;
    let decoded = BASE64.decode(encoded.trim()).ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    Some(String::from_utf8_lossy(&decoded[..colon]).into_owned())
}

/// Checks an `Authorization: Basic` header against the configured users. User IDs compare
/// without regard to case, passwords exactly and in constant time.
fn basic_auth_ok(req: &Request<Incoming>, users: &[(String, String)]) -> bool {
    let Some(value) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = BASE64.decode(encoded.trim()) else {
        return false;
    };
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return false;
    };
    let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
    users.iter().any(|(u, p)| {
        u.as_bytes().eq_ignore_ascii_case(user)
            && aws_lc_rs::constant_time::verify_slices_are_equal(p.as_bytes(), password).is_ok()
    })
}

/// A fresh random LTPA token, remembered for the life of the region.
fn new_token(shared: &Shared) -> Option<String> {
    let mut raw = [0u8; 48];
    aws_lc_rs::rand::fill(&mut raw).ok()?;
    let token = BASE64.encode(raw);
    shared.tokens.lock().ok()?.insert(token.clone());
    Some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_splitting() {
        assert_eq!(
            split_host_port("localhost:1490"),
            Some(("localhost", Some("1490")))
        );
        assert_eq!(split_host_port("localhost"), Some(("localhost", None)));
        assert_eq!(split_host_port("[::1]:443"), Some(("[::1]", Some("443"))));
        assert_eq!(split_host_port("[::1]"), Some(("[::1]", None)));
        assert_eq!(split_host_port("::1"), None);
        assert_eq!(split_host_port("host:"), None);
        assert_eq!(split_host_port("host:12a"), None);
        assert_eq!(split_host_port("[::1"), None);
        assert_eq!(split_host_port(":80"), None);
    }

    #[test]
    fn tokens_are_bounded() {
        let mut t = Tokens::default();
        for i in 0..MAX_TOKENS + 5 {
            t.insert(format!("t{i}"));
        }
        assert_eq!(t.set.len(), MAX_TOKENS);
        assert!(!t.set.contains("t0"));
        assert!(t.set.contains(&format!("t{}", MAX_TOKENS + 4)));
    }

    #[test]
    fn tls_configs_build_for_every_choice() {
        for cert in CertChoice::ALL {
            for mode in [Mode::Strong, Mode::ClientAuth] {
                assert!(server_tls_config(mode, cert).is_ok(), "{mode} {cert}");
            }
        }
    }

    #[test]
    fn common_name_of_client_cert() {
        let der = CertificateDer::from_pem_slice(fixtures::CLIENT_ECDSA_PEM.as_bytes()).unwrap();
        assert_eq!(common_name(&der).as_deref(), Some(fixtures::CLIENT_CN));
        assert_eq!(common_name(&CertificateDer::from(vec![1, 2, 3])), None);
    }
}
