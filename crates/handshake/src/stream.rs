//! TCP connect, the TLS handshake, and the stream that carries HTTP afterwards.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::ClientConfig;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::error::{Phase, Received, classify_io};
use crate::{Endpoint, Error, Timeouts};

/// How many of the first bytes a server sends are kept, to explain a failed handshake.
const RECORD_LIMIT: usize = 512;

/// A TCP stream that keeps a copy of the first bytes it reads.
#[derive(Debug)]
pub(crate) struct Recorder {
    tcp: TcpStream,
    first_bytes: Vec<u8>,
    total_read: u64,
}

impl Recorder {
    fn new(tcp: TcpStream) -> Self {
        Self {
            tcp,
            first_bytes: Vec::new(),
            total_read: 0,
        }
    }

    pub(crate) fn received(&self) -> Received {
        Received::new(&self.first_bytes, self.total_read)
    }
}

impl AsyncRead for Recorder {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let poll = Pin::new(&mut this.tcp).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            let new = &buf.filled()[before..];
            this.total_read += new.len() as u64;
            let room = RECORD_LIMIT.saturating_sub(this.first_bytes.len());
            this.first_bytes
                .extend_from_slice(&new[..new.len().min(room)]);
        }
        poll
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// What the TLS handshake agreed.
#[derive(Clone, Debug)]
pub struct TlsInfo {
    /// "TLSv1.3" or "TLSv1.2".
    pub version: String,
    /// The IANA name of the cipher suite, e.g. "TLS13_AES_256_GCM_SHA384".
    pub cipher_suite: String,
    /// The key exchange group, e.g. "X25519MLKEM768".
    pub key_exchange: Option<String>,
    /// The certificate chain the server presented, leaf first.
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// Whether this handshake resumed an earlier session.
    pub resumed: bool,
}

enum Inner {
    Plain(Recorder),
    Tls(Box<TlsStream<Recorder>>),
}

/// A connected stream, plain or TLS, ready to carry HTTP.
pub struct Stream {
    inner: Inner,
    endpoint: Endpoint,
    tls: Option<TlsInfo>,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("endpoint", &self.endpoint)
            .field("tls", &self.tls.as_ref().map(|t| &t.version))
            .finish()
    }
}

impl Stream {
    /// The endpoint connected to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The TLS parameters, or `None` for a plain connection.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// The first bytes the server sent (kept for explaining failures).
    pub fn received(&self) -> Received {
        match &self.inner {
            Inner::Plain(r) => r.received(),
            Inner::Tls(t) => t.get_ref().0.received(),
        }
    }
}

/// Connects to `endpoint` over TCP and, when `tls` is given, runs the TLS handshake.
///
/// The server name sent (SNI) and verified is `server_name`, or the endpoint's host.
pub async fn connect(
    endpoint: &Endpoint,
    tls: Option<(&Arc<ClientConfig>, Option<&str>)>,
    timeouts: &Timeouts,
) -> Result<Stream, Error> {
    let tcp = tcp_connect(endpoint, timeouts).await?;
    let _ = tcp.set_nodelay(true);
    let recorder = Recorder::new(tcp);
    let Some((config, server_name)) = tls else {
        return Ok(Stream {
            inner: Inner::Plain(recorder),
            endpoint: endpoint.clone(),
            tls: None,
        });
    };
    let name = server_name.unwrap_or(&endpoint.host);
    let server_name = ServerName::try_from(name.to_owned()).map_err(|_| Error::Config {
        reason: format!("'{name}' is not a valid host name or IP address for TLS"),
    })?;
    let connector = TlsConnector::from(Arc::clone(config));
    let handshake = connector.connect(server_name, recorder).into_fallible();
    let stream = match tokio::time::timeout(timeouts.handshake, handshake).await {
        Err(_) => {
            return Err(Error::TimedOut {
                endpoint: endpoint.clone(),
                phase: Phase::Handshake,
            });
        }
        Ok(Err((err, recorder))) => {
            return Err(classify_io(
                endpoint,
                Phase::Handshake,
                err,
                Some(recorder.received()),
                true,
            ));
        }
        Ok(Ok(stream)) => stream,
    };
    let conn = stream.get_ref().1;
    let info = TlsInfo {
        version: match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
            Some(other) => format!("{other:?}"),
            None => "unknown".to_owned(),
        },
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default(),
        key_exchange: conn
            .negotiated_key_exchange_group()
            .map(|g| format!("{:?}", g.name())),
        peer_certificates: conn
            .peer_certificates()
            .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
            .unwrap_or_default(),
        resumed: matches!(conn.handshake_kind(), Some(rustls::HandshakeKind::Resumed)),
    };
    Ok(Stream {
        inner: Inner::Tls(Box::new(stream)),
        endpoint: endpoint.clone(),
        tls: Some(info),
    })
}

async fn tcp_connect(endpoint: &Endpoint, timeouts: &Timeouts) -> Result<TcpStream, Error> {
    let addrs: Vec<_> = match tokio::net::lookup_host((endpoint.host.as_str(), endpoint.port)).await
    {
        Ok(addrs) => addrs.collect(),
        Err(source) => {
            return Err(Error::Resolve {
                endpoint: endpoint.clone(),
                source,
            });
        }
    };
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(timeouts.connect, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => return Ok(tcp),
            Ok(Err(err)) => last = Some(classify_io(endpoint, Phase::Connect, err, None, false)),
            Err(_) => {
                last = Some(Error::TimedOut {
                    endpoint: endpoint.clone(),
                    phase: Phase::Connect,
                })
            }
        }
    }
    Err(last.unwrap_or_else(|| Error::Resolve {
        endpoint: endpoint.clone(),
        source: io::Error::new(io::ErrorKind::NotFound, "no addresses"),
    }))
}

impl AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Inner::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.inner {
            Inner::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Inner::Plain(s) => Pin::new(s).poll_flush(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Inner::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
