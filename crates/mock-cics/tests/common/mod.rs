//! Helpers shared by the integration tests: a rustls + hyper client for the mock region.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use cicsx_mock_cics::{CertChoice, Config, MockRegion, Mode, fixtures};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The workspace's `fixtures/` directory on disk.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

pub async fn start(mode: Mode, cert: CertChoice) -> MockRegion {
    MockRegion::start(Config {
        mode,
        cert,
        ..Config::default()
    })
    .await
    .expect("mock region starts")
}

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

pub fn roots(pem: &str) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for der in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(der.expect("fixture PEM")).expect("fixture root");
    }
    roots
}

/// A client trusting the fixture root, optionally presenting a client certificate.
pub fn client_config(client: Option<(&str, &str)>) -> Arc<ClientConfig> {
    client_config_with(roots(fixtures::ROOT_CA_PEM), client, None)
}

pub fn client_config_with(
    roots: RootCertStore,
    client: Option<(&str, &str)>,
    version: Option<&'static rustls::SupportedProtocolVersion>,
) -> Arc<ClientConfig> {
    let builder = ClientConfig::builder_with_provider(provider());
    let builder = match version {
        Some(v) => builder.with_protocol_versions(&[v]),
        None => builder.with_safe_default_protocol_versions(),
    }
    .expect("protocol versions")
    .with_root_certificates(roots);
    let config = match client {
        Some((chain, key)) => {
            let chain: Vec<_> = CertificateDer::pem_slice_iter(chain.as_bytes())
                .collect::<Result<_, _>>()
                .expect("client chain");
            let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("client key");
            builder
                .with_client_auth_cert(chain, key)
                .expect("client cert")
        }
        None => builder.with_no_client_auth(),
    };
    Arc::new(config)
}

pub type Tls = tokio_rustls::client::TlsStream<TcpStream>;

pub async fn tls_connect(
    addr: SocketAddr,
    config: Arc<ClientConfig>,
    name: &str,
) -> std::io::Result<Tls> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).expect("server name");
    TlsConnector::from(config).connect(name, tcp).await
}

/// The rustls error inside an I/O error from tokio-rustls, if any.
pub fn rustls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// An HTTP/1.1 client over one connection.
pub struct Client {
    sender: SendRequest<Empty<Bytes>>,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The value of an XML attribute in the body (the first occurrence).
    pub fn attr(&self, name: &str) -> Option<&str> {
        let key = format!(" {name}=\"");
        let start = self.body.find(&key)? + key.len();
        let end = start + self.body[start..].find('"')?;
        Some(&self.body[start..end])
    }

    pub fn ltpa_cookie(&self) -> Option<String> {
        let v = self.headers.get("set-cookie")?.to_str().ok()?;
        let pair = v.split(';').next()?;
        pair.strip_prefix("LtpaToken2=").map(str::to_owned)
    }
}

impl Client {
    pub async fn over<S>(stream: S) -> hyper::Result<Client>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Client { sender })
    }

    pub async fn tls(addr: SocketAddr, config: Arc<ClientConfig>) -> Client {
        let tls = tls_connect(addr, config, "localhost")
            .await
            .expect("TLS connects");
        Client::over(tls).await.expect("HTTP handshake")
    }

    pub async fn plain(addr: SocketAddr) -> Client {
        let tcp = TcpStream::connect(addr).await.expect("connects");
        Client::over(tcp).await.expect("HTTP handshake")
    }

    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
    ) -> hyper::Result<Reply> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let req = req.body(Empty::new()).expect("request");
        let resp = self.sender.send_request(req).await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    pub async fn get(&mut self, path: &str, headers: &[(&str, String)]) -> Reply {
        self.request("GET", path, headers)
            .await
            .expect("GET answered")
    }
}

/// Waits (up to 5 s) until the region's statistics satisfy `check`: some counters are bumped
/// just after the client already saw the outcome (a TLS alert is written before the count).
pub async fn stats_eventually(
    region: &MockRegion,
    check: impl Fn(&cicsx_mock_cics::Stats) -> bool,
) -> cicsx_mock_cics::Stats {
    for _ in 0..500 {
        let stats = region.stats();
        if check(&stats) {
            return stats;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    region.stats()
}

pub fn basic(user: &str, password: &str) -> (&'static str, String) {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    ("authorization", format!("Basic {token}"))
}

pub fn good_basic() -> (&'static str, String) {
    basic("cicsuser", "cicspass")
}

/// Sends `bytes`, then reads until end of stream (or 5 s), returning what came back and
/// whether the stream ended cleanly (EOF rather than an error or timeout).
pub async fn send_raw(addr: SocketAddr, bytes: &[u8]) -> (Vec<u8>, bool) {
    let mut tcp = TcpStream::connect(addr).await.expect("connects");
    tcp.write_all(bytes).await.expect("sends");
    let mut got = Vec::new();
    let read =
        tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read_to_end(&mut got)).await;
    (got, matches!(read, Ok(Ok(_))))
}

/// A minimal TLS ClientHello record offering `suites` (no extensions needed for the mock).
pub fn client_hello(suites: &[u16]) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0x42; 32]);
    body.push(0);
    body.extend_from_slice(&u16::try_from(suites.len() * 2).unwrap().to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]);
    let mut msg = vec![1, 0];
    msg.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    msg.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&u16::try_from(msg.len()).unwrap().to_be_bytes());
    record.extend_from_slice(&msg);
    record
}

/// Parses an XML body fully, so a malformed document fails the test; returns the element
/// names in document order.
pub fn xml_elements(body: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                names.push(e.name().as_ref().to_owned());
                for a in e.attributes() {
                    let a = a.expect("well-formed attribute");
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value unescapes");
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("malformed XML at {}: {e}\n{body}", reader.buffer_position()),
        }
    }
    names
}
