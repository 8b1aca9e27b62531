//! HTTP/1.1 over a [`Stream`], with hyper.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;

use crate::error::{Phase, classify_io, classify_rustls};
use crate::{Endpoint, Error, Stream, Timeouts, TlsInfo};

/// The largest response body accepted (CMCI answers are XML; 64 MiB is far beyond any).
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// A complete HTTP response.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

/// An open HTTP/1.1 connection (keep-alive) to one endpoint, plain or TLS.
#[derive(Debug)]
pub struct HttpConnection {
    sender: SendRequest<Full<Bytes>>,
    endpoint: Endpoint,
    secure: bool,
    tls: Option<TlsInfo>,
    timeouts: Timeouts,
    requests_sent: u64,
}

impl HttpConnection {
    /// Connects (TCP, then TLS when `tls` is given) and starts HTTP/1.1 on the stream.
    ///
    /// `tls` is the client configuration from [`crate::client_config`] and the server name to
    /// send and verify, when it differs from the endpoint's host.
    pub async fn open(
        endpoint: &Endpoint,
        tls: Option<(&Arc<ClientConfig>, Option<&str>)>,
        timeouts: &Timeouts,
    ) -> Result<Self, Error> {
        let stream = crate::connect(endpoint, tls, timeouts).await?;
        Self::over(stream, timeouts.clone()).await
    }

    /// Starts HTTP/1.1 on a connected stream.
    pub async fn over(stream: Stream, timeouts: Timeouts) -> Result<Self, Error> {
        let endpoint = stream.endpoint().clone();
        let tls = stream.tls_info().cloned();
        let (sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|source| Error::Http {
                endpoint: endpoint.clone(),
                source,
            })?;
        tokio::spawn(async move {
            // Errors surface through the sender; nothing to do with them here.
            let _ = conn.await;
        });
        Ok(Self {
            sender,
            secure: tls.is_some(),
            endpoint,
            tls,
            timeouts,
            requests_sent: 0,
        })
    }

    /// The endpoint connected to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The TLS parameters, or `None` for a plain connection.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.tls.as_ref()
    }

    /// Whether the connection is TLS.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// How many requests were sent on this connection.
    pub fn requests_sent(&self) -> u64 {
        self.requests_sent
    }

    /// Whether another request can be sent (the server has not closed the connection).
    pub fn is_open(&self) -> bool {
        !self.sender.is_closed()
    }

    /// Waits until another request can be sent; `false` when the server has closed the
    /// connection (nothing is sent either way). A closed connection is never reused.
    pub async fn ready(&mut self) -> bool {
        self.sender.ready().await.is_ok()
    }

    /// Sends one request and reads the whole response. Never retries.
    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> Result<HttpResponse, Error> {
        let endpoint = self.endpoint.clone();
        let secure = self.secure;
        let exchange = async {
            self.sender
                .ready()
                .await
                .map_err(|e| classify_hyper(&endpoint, secure, e))?;
            self.requests_sent += 1;
            let response = self
                .sender
                .send_request(request)
                .await
                .map_err(|e| classify_hyper(&endpoint, secure, e))?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_BODY)
                .collect()
                .await
                .map_err(|e| match e.downcast::<hyper::Error>() {
                    Ok(e) => classify_hyper(&endpoint, secure, *e),
                    Err(_) => Error::ResponseTooLarge {
                        endpoint: endpoint.clone(),
                    },
                })?
                .to_bytes();
            Ok(HttpResponse {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(self.timeouts.response, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::TimedOut {
                endpoint: self.endpoint.clone(),
                phase: Phase::Response,
            }),
        }
    }
}

/// Classifies a hyper error: TLS alerts that arrive after the handshake (a TLS 1.3 server
/// rejects a client certificate only then), a plain request closed with no reply, and so on.
fn classify_hyper(endpoint: &Endpoint, secure: bool, err: hyper::Error) -> Error {
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return classify_rustls(endpoint.clone(), Phase::Response, tls.clone(), None);
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return classify_rustls(endpoint.clone(), Phase::Response, tls.clone(), None);
            }
            if io.kind() == std::io::ErrorKind::TimedOut {
                return classify_io(
                    endpoint,
                    Phase::Response,
                    std::io::Error::from(io.kind()),
                    None,
                    secure,
                );
            }
        }
        source = s.source();
    }
    if !secure && err.is_incomplete_message() {
        return Error::NoReply {
            endpoint: endpoint.clone(),
        };
    }
    Error::Http {
        endpoint: endpoint.clone(),
        source: err,
    }
}
