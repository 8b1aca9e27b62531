//! The CMCI client: requests over a [`cicsx_handshake::HttpConnection`], sign-on, LTPA.
//!
//! A [`Client`] holds one open connection to a region and signs on once: with HTTP basic
//! authentication (user ID and password), or with the TLS client certificate alone. When the
//! region answers a good sign-on with an `LtpaToken2` cookie, later requests send the cookie
//! instead of the password, as CICS Explorer does.
//!
//! A rejected password (HTTP 401) is returned to the caller at once and **never retried**: IBM
//! APARs IZ97228 and IJ28485 describe clients whose automatic re-sign-on revoked RACF user IDs.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use cicsx_handshake::{HttpConnection, HttpResponse, TlsInfo};
use http_body_util::Full;
use hyper::header::{ACCEPT, AUTHORIZATION, COOKIE, HOST, SET_COOKIE, USER_AGENT};
use hyper::{Request, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use crate::{Error, Query, Response, parse_error_body, parse_response};

/// The name of the cookie the CMCI JVM server issues after a good sign-on.
pub const LTPA_COOKIE: &str = "LtpaToken2";

/// How the client signs on.
pub enum SignOn {
    /// No credentials beyond the TLS client certificate, if any.
    Anonymous,
    /// HTTP basic authentication.
    Basic {
        /// The user ID.
        user: String,
        /// The password or PassTicket.
        password: SecretString,
    },
}

impl std::fmt::Debug for SignOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Anonymous => f.write_str("Anonymous"),
            Self::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
        }
    }
}

/// Opens a new connection to the same region (with the same TLS settings and trust), for a
/// client whose region closed its connection between requests.
/// [`crate::session::Connector`] implements it; a TLS session is then resumed.
pub trait Reconnect: Send + Sync {
    /// A new connection.
    fn reconnect(&self)
    -> Pin<Box<dyn Future<Output = Result<HttpConnection, Error>> + Send + '_>>;
}

/// A signed-on (or signing-on) CMCI client over one connection.
pub struct Client {
    http: HttpConnection,
    host_header: String,
    sign_on: SignOn,
    ltpa: Option<SecretString>,
    requests: u64,
    password_sent: bool,
    reconnect: Option<Arc<dyn Reconnect>>,
    reconnects: u32,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", self.http.endpoint())
            .field("sign_on", &self.sign_on)
            .field("ltpa", &self.ltpa.is_some())
            .field("requests", &self.requests)
            .field("reconnects", &self.reconnects)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client over an open connection. `host_header` is the HTTP `Host` value (host:port).
    pub fn new(http: HttpConnection, sign_on: SignOn) -> Self {
        let host_header = http.endpoint().to_string();
        Self {
            http,
            host_header,
            sign_on,
            ltpa: None,
            requests: 0,
            password_sent: false,
            reconnect: None,
            reconnects: 0,
        }
    }

    /// Lets the client open a new connection with `reconnect` when the region has closed the
    /// current one between requests (a CICS TCPIPSERVICE closes connections after its
    /// keep-alive limit or when idle). Only a connection known to be closed before a request
    /// is sent is replaced: a request that was sent is never sent again, and a rejected
    /// password never retried.
    pub fn with_reconnect(mut self, reconnect: Arc<dyn Reconnect>) -> Self {
        self.reconnect = Some(reconnect);
        self
    }

    /// How many times the client opened a new connection.
    pub fn reconnects(&self) -> u32 {
        self.reconnects
    }

    /// Before a request: a new connection if the region closed this one and the client may
    /// reconnect.
    async fn ensure_open(&mut self) -> Result<(), Error> {
        if self.http.ready().await {
            return Ok(());
        }
        if let Some(reconnect) = &self.reconnect {
            self.http = reconnect.reconnect().await?;
            self.reconnects += 1;
        }
        Ok(())
    }

    /// The TLS parameters of the connection, or `None` when it is plain.
    pub fn tls_info(&self) -> Option<&TlsInfo> {
        self.http.tls_info()
    }

    /// The underlying connection.
    pub fn connection(&self) -> &HttpConnection {
        &self.http
    }

    /// Whether the region gave this client an LTPA token.
    pub fn has_ltpa_token(&self) -> bool {
        self.ltpa.is_some()
    }

    /// How many requests this client sent.
    pub fn requests_sent(&self) -> u64 {
        self.requests
    }

    /// Runs one query. HTTP 401 and 403 are errors and are never retried.
    ///
    /// A CMCI response whose `api_response1` is not OK comes back as `Ok(Response)`: read
    /// [`Response::summary`] to tell OK, NODATA, INVALIDPARM and the rest apart.
    pub async fn query(&mut self, query: &Query) -> Result<Response, Error> {
        let path = query.path_and_query()?;
        let response = self.get(&path).await?;
        parse_response(&response.body)
    }

    /// Sends one GET for `path_and_query` and checks the HTTP status.
    ///
    /// On a plain (non-TLS) connection the first request goes without the password, and the
    /// password is sent only when the region asks for it (HTTP 401): if the port turns out to
    /// speak TLS, the password never crossed the network in clear. A 401 to the password
    /// itself ends the operation; it is never sent again.
    pub async fn get(&mut self, path_and_query: &str) -> Result<HttpResponse, Error> {
        let probe = self.ltpa.is_none()
            && !self.password_sent
            && !self.http.is_secure()
            && matches!(self.sign_on, SignOn::Basic { .. });
        if probe {
            let request = self.request(path_and_query, false)?;
            self.ensure_open().await?;
            self.requests += 1;
            let response = self.http.send(request).await?;
            if response.status != StatusCode::UNAUTHORIZED {
                return self.check(response);
            }
        }
        let with_password = self.ltpa.is_none() && matches!(self.sign_on, SignOn::Basic { .. });
        let request = self.request(path_and_query, with_password)?;
        self.ensure_open().await?;
        self.password_sent |= with_password;
        self.requests += 1;
        let response = self.http.send(request).await?;
        self.check(response)
    }

    fn request(
        &self,
        path_and_query: &str,
        with_password: bool,
    ) -> Result<Request<Full<Bytes>>, Error> {
        let mut request = Request::get(path_and_query)
            .header(HOST, &self.host_header)
            .header(ACCEPT, "application/xml")
            .header(USER_AGENT, concat!("cicsx/", env!("CARGO_PKG_VERSION")));
        match (&self.ltpa, &self.sign_on) {
            (Some(token), _) => {
                request =
                    request.header(COOKIE, format!("{LTPA_COOKIE}={}", token.expose_secret()));
            }
            (None, SignOn::Basic { user, password }) if with_password => {
                if password.expose_secret().is_empty() {
                    return Err(Error::EmptyPassword { user: user.clone() });
                }
                request = request.header(AUTHORIZATION, basic(user, password));
            }
            _ => {}
        }
        request
            .body(Full::new(Bytes::new()))
            .map_err(|e| Error::InvalidQuery {
                part: "path",
                value: path_and_query.chars().take(80).collect(),
                reason: if e.is::<hyper::http::uri::InvalidUri>() {
                    "not a valid URI path"
                } else {
                    "not a valid request"
                },
            })
    }

    fn check(&mut self, response: HttpResponse) -> Result<HttpResponse, Error> {
        if let Some(token) = ltpa_from(&response) {
            self.ltpa = Some(token);
        }
        let status = response.status;
        if status == StatusCode::OK {
            return Ok(response);
        }
        let user = match &self.sign_on {
            SignOn::Basic { user, .. } => Some(user.clone()),
            SignOn::Anonymous => None,
        };
        let detail = parse_error_body(&response.body);
        Err(match status {
            StatusCode::UNAUTHORIZED => {
                // A token the region no longer honours is dropped; the password is not resent.
                let by_token = self.ltpa.take().is_some();
                let user = user.filter(|_| self.password_sent || by_token);
                Error::Unauthorized { user, by_token }
            }
            StatusCode::FORBIDDEN => Error::Forbidden { user, detail },
            status => Error::HttpStatus {
                status: status.as_u16(),
                detail,
            },
        })
    }
}

fn basic(user: &str, password: &SecretString) -> String {
    use base64::Engine as _;
    let mut raw = zeroize::Zeroizing::new(Vec::with_capacity(user.len() + 1 + 64));
    raw.extend_from_slice(user.as_bytes());
    raw.push(b':');
    raw.extend_from_slice(password.expose_secret().as_bytes());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(&*raw)
    )
}

fn ltpa_from(response: &HttpResponse) -> Option<SecretString> {
    response
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookie| {
            let pair = cookie.split(';').next()?.trim();
            let (name, value) = pair.split_once('=')?;
            (name.trim() == LTPA_COOKIE && !value.is_empty())
                .then(|| SecretString::from(value.trim().to_owned()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_encodes_user_and_password() {
        let header = basic("cicsuser", &SecretString::from("cicspass".to_owned()));
        assert_eq!(header, "Basic Y2ljc3VzZXI6Y2ljc3Bhc3M=");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let sign_on = SignOn::Basic {
            user: "cicsuser".into(),
            password: SecretString::from("s3cret-pw".to_owned()),
        };
        let text = format!("{sign_on:?}");
        assert!(text.contains("cicsuser") && !text.contains("s3cret-pw"));
    }
}
