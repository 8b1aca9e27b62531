//! TLS on the wire, without a TLS library and without sockets: ClientHello records this
//! project writes itself (rustls cannot offer weak suites or old protocol versions), and a
//! defensive parser for what a server sends back.
//!
//! The parser is fed bytes as they arrive ([`FlightParser::push`]): records split across
//! reads, several handshake messages in one record and one message across several records
//! are all handled. Everything is bounded ([`MAX_FLIGHT`], [`MAX_HANDSHAKE_MESSAGE`]) and
//! malformed input is an [`WireError`], never a panic.

use std::fmt;
use std::net::IpAddr;

/// A TLS protocol version the probes can offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    /// TLS 1.0 (RFC 2246).
    Tls10,
    /// TLS 1.1 (RFC 4346).
    Tls11,
    /// TLS 1.2 (RFC 5246).
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

impl TlsVersion {
    /// Every version, oldest first.
    pub const ALL: [TlsVersion; 4] = [
        TlsVersion::Tls10,
        TlsVersion::Tls11,
        TlsVersion::Tls12,
        TlsVersion::Tls13,
    ];

    /// The version number on the wire (`0x0301` to `0x0304`).
    pub fn wire(self) -> u16 {
        match self {
            TlsVersion::Tls10 => 0x0301,
            TlsVersion::Tls11 => 0x0302,
            TlsVersion::Tls12 => 0x0303,
            TlsVersion::Tls13 => 0x0304,
        }
    }

    /// The version with this wire number, if it is one of the four.
    pub fn from_wire(value: u16) -> Option<TlsVersion> {
        TlsVersion::ALL.into_iter().find(|v| v.wire() == value)
    }

    /// `TLS 1.0` ... `TLS 1.3`.
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Tls10 => "TLS 1.0",
            TlsVersion::Tls11 => "TLS 1.1",
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of a wire version number: `TLS 1.2`, `SSL 3.0`, or `0x7F1C`.
pub fn version_name(value: u16) -> String {
    match (TlsVersion::from_wire(value), value) {
        (Some(v), _) => v.name().to_owned(),
        (None, 0x0300) => "SSL 3.0".to_owned(),
        (None, 0x0002) => "SSL 2.0".to_owned(),
        (None, other) => format!("0x{other:04X}"),
    }
}

// Content types.
const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;

// Handshake message types.
const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
const CERTIFICATE: u8 = 11;
const CERTIFICATE_REQUEST: u8 = 13;
const SERVER_HELLO_DONE: u8 = 14;

// Extension types.
const EXT_SERVER_NAME: u16 = 0;
const EXT_SUPPORTED_GROUPS: u16 = 10;
const EXT_EC_POINT_FORMATS: u16 = 11;
const EXT_SIGNATURE_ALGORITHMS: u16 = 13;
const EXT_PADDING: u16 = 21;
const EXT_EXTENDED_MASTER_SECRET: u16 = 23;
const EXT_SUPPORTED_VERSIONS: u16 = 43;
const EXT_CERTIFICATE_AUTHORITIES: u16 = 47;
const EXT_PSK_KEY_EXCHANGE_MODES: u16 = 45;
const EXT_KEY_SHARE: u16 = 51;
const EXT_RENEGOTIATION_INFO: u16 = 0xFF01;

/// The X25519 named group.
pub const GROUP_X25519: u16 = 0x001D;

/// Groups offered: X25519, P-256, P-384, P-521, X448, ffdhe2048, ffdhe3072.
const GROUPS: [u16; 7] = [GROUP_X25519, 0x0017, 0x0018, 0x0019, 0x001E, 0x0100, 0x0101];

/// Signature schemes offered: ECDSA, RSA-PSS, Ed25519, RSA PKCS#1 (SHA-2), then SHA-1 ones.
const SIGNATURE_SCHEMES: [u16; 14] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808, 0x0401, 0x0501, 0x0601, 0x0203,
    0x0201, 0x0202,
];

/// `ServerHello.random` of a HelloRetryRequest (RFC 8446 §4.1.3).
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// Largest record fragment accepted (TLS ciphertext limit, RFC 5246 §6.2.3).
pub const MAX_RECORD: usize = 16 * 1024 + 2048;
/// Largest handshake message accepted (a certificate chain of a few certificates is well
/// under this).
pub const MAX_HANDSHAKE_MESSAGE: usize = 256 * 1024;
/// Most bytes one parser reads in all.
pub const MAX_FLIGHT: usize = 1024 * 1024;
/// Most certificates or CA names kept from one message.
pub const MAX_LIST_ITEMS: usize = 256;
/// How many of the first bytes are kept when they are not TLS.
pub const NOT_TLS_PREFIX: usize = 512;

/// What goes into one ClientHello.
#[derive(Clone, Debug)]
pub struct ClientHelloSpec<'a> {
    /// The version offered: `legacy_version` for TLS 1.0 to 1.2, `supported_versions` (with
    /// `legacy_version` 1.2) for TLS 1.3.
    pub version: TlsVersion,
    /// Cipher suites, in order of preference.
    pub suites: &'a [u16],
    /// The host name to send as SNI. IP address literals and names that are not valid DNS
    /// names are not sent (TLS does not allow them).
    pub server_name: Option<&'a str>,
    /// `ClientHello.random`.
    pub random: [u8; 32],
    /// The X25519 public key for a TLS 1.3 hello. Any 32 bytes will do to learn whether the
    /// server accepts: a server only uses the share after its ServerHello.
    pub key_share: [u8; 32],
    /// The legacy session ID of a TLS 1.3 hello (middlebox compatibility); TLS 1.0 to 1.2
    /// hellos send none.
    pub session_id: [u8; 32],
}

/// Builds a ClientHello in one handshake record.
///
/// TLS 1.0 to 1.2: `legacy_version` is the version, with SNI, supported_groups,
/// ec_point_formats, signature_algorithms (TLS 1.2 only), extended_master_secret and an
/// empty renegotiation_info. TLS 1.3: `legacy_version` 1.2 with supported_versions (1.3
/// only), an X25519 key_share, psk_key_exchange_modes and the rest. Hellos between 256 and
/// 511 bytes are padded to 512 (some TLS terminators hang on that size).
pub fn client_hello(spec: &ClientHelloSpec<'_>) -> Vec<u8> {
    let tls13 = spec.version == TlsVersion::Tls13;
    let mut body = Vec::with_capacity(512);
    let legacy_version = if tls13 { 0x0303 } else { spec.version.wire() };
    put_u16(&mut body, legacy_version);
    body.extend_from_slice(&spec.random);
    if tls13 {
        body.push(32);
        body.extend_from_slice(&spec.session_id);
    } else {
        body.push(0);
    }
    // At most 32767 suites fit; the table has a few hundred.
    let suites: Vec<u16> = spec.suites.iter().copied().take(0x7FFF).collect();
    put_u16(&mut body, (suites.len() * 2) as u16);
    for s in &suites {
        put_u16(&mut body, *s);
    }
    body.extend_from_slice(&[1, 0]); // compression methods: null

    let mut exts = Vec::with_capacity(256);
    if let Some(name) = spec.server_name.filter(|n| is_dns_name(n)) {
        let name = name.as_bytes();
        let mut sni = Vec::with_capacity(name.len() + 5);
        put_u16(&mut sni, (name.len() + 3) as u16);
        sni.push(0); // host_name
        put_u16(&mut sni, name.len() as u16);
        sni.extend_from_slice(name);
        put_ext(&mut exts, EXT_SERVER_NAME, &sni);
    }
    let mut groups = Vec::new();
    put_u16(&mut groups, (GROUPS.len() * 2) as u16);
    for g in GROUPS {
        put_u16(&mut groups, g);
    }
    put_ext(&mut exts, EXT_SUPPORTED_GROUPS, &groups);
    put_ext(&mut exts, EXT_EC_POINT_FORMATS, &[1, 0]);
    if spec.version >= TlsVersion::Tls12 {
        let mut sigs = Vec::new();
        put_u16(&mut sigs, (SIGNATURE_SCHEMES.len() * 2) as u16);
        for s in SIGNATURE_SCHEMES {
            put_u16(&mut sigs, s);
        }
        put_ext(&mut exts, EXT_SIGNATURE_ALGORITHMS, &sigs);
    }
    if tls13 {
        put_ext(&mut exts, EXT_SUPPORTED_VERSIONS, &[2, 0x03, 0x04]);
        let mut share = Vec::with_capacity(38);
        put_u16(&mut share, 36);
        put_u16(&mut share, GROUP_X25519);
        put_u16(&mut share, 32);
        share.extend_from_slice(&spec.key_share);
        put_ext(&mut exts, EXT_KEY_SHARE, &share);
        put_ext(&mut exts, EXT_PSK_KEY_EXCHANGE_MODES, &[1, 1]);
    } else {
        put_ext(&mut exts, EXT_EXTENDED_MASTER_SECRET, &[]);
    }
    put_ext(&mut exts, EXT_RENEGOTIATION_INFO, &[0]);

    // Handshake header (4) + body + extensions length (2) + extensions.
    let unpadded = 4 + body.len() + 2 + exts.len();
    if (256..512).contains(&unpadded) {
        let pad = (512 - unpadded).saturating_sub(4);
        put_ext(&mut exts, EXT_PADDING, &vec![0; pad]);
    }
    put_u16(&mut body, exts.len() as u16);
    body.extend_from_slice(&exts);

    let mut out = Vec::with_capacity(body.len() + 9);
    out.extend_from_slice(&[HANDSHAKE, 0x03, 0x01]);
    put_u16(&mut out, (body.len() + 4) as u16);
    out.push(CLIENT_HELLO);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(&body);
    out
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_ext(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

/// Whether `name` may be sent as SNI: an ASCII DNS name, not an IP address literal.
fn is_dns_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.parse::<IpAddr>().is_err()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// A ServerHello (or HelloRetryRequest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// `legacy_version` (for TLS 1.0 to 1.2, the negotiated version).
    pub legacy_version: u16,
    /// The version from the supported_versions extension (TLS 1.3), if any.
    pub selected_version: Option<u16>,
    /// The chosen cipher suite.
    pub cipher_suite: u16,
    /// The chosen compression method (0: none).
    pub compression: u8,
    /// The group of the key_share extension (TLS 1.3), if any.
    pub key_share_group: Option<u16>,
    /// This is a HelloRetryRequest: the server accepts the version and suite but wants a key
    /// share for another group.
    pub hello_retry: bool,
    /// The last 8 bytes of the random are the downgrade sentinel (RFC 8446 §4.1.3): the
    /// server supports a newer version than the one it chose because the client offered no
    /// more.
    pub downgrade_sentinel: bool,
    /// The extension types present, in order.
    pub extensions: Vec<u16>,
}

impl ServerHello {
    /// The negotiated version: supported_versions if present, else `legacy_version`.
    pub fn version(&self) -> u16 {
        self.selected_version.unwrap_or(self.legacy_version)
    }
}

/// A TLS alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    /// 1 warning, 2 fatal.
    pub level: u8,
    /// The alert description code, e.g. 40 for handshake_failure.
    pub description: u8,
}

impl Alert {
    /// The name from the TLS specifications, e.g. `handshake_failure`, or `alert 199`.
    pub fn name(&self) -> String {
        alert_name(self.description)
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            1 => "warning",
            2 => "fatal",
            _ => "unknown-level",
        };
        write!(f, "{level} alert {} ({})", self.name(), self.description)
    }
}

/// The name of an alert description code (RFC 8446 §6, RFC 5246 §7.2).
pub fn alert_name(description: u8) -> String {
    let name = match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        other => return format!("alert {other}"),
    };
    name.to_owned()
}

/// A CertificateRequest: the server asks for a client certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateRequest {
    /// Certificate types (TLS 1.0 to 1.2), e.g. 1 rsa_sign, 64 ecdsa_sign.
    pub certificate_types: Vec<u8>,
    /// Signature schemes the server accepts (TLS 1.2 and 1.3).
    pub signature_schemes: Vec<u16>,
    /// The acceptable certificate authorities: DER-encoded X.500 distinguished names.
    pub certificate_authorities: Vec<Vec<u8>>,
}

/// One message from the server, as far as this parser understands it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerMessage {
    /// The ServerHello, or a HelloRetryRequest ([`ServerHello::hello_retry`]).
    ServerHello(ServerHello),
    /// A plaintext Certificate message: the chain, DER, leaf first.
    Certificate(Vec<Vec<u8>>),
    /// A plaintext CertificateRequest.
    CertificateRequest(CertificateRequest),
    /// ServerHelloDone: the end of a TLS 1.0 to 1.2 server flight.
    ServerHelloDone,
    /// Another handshake message (e.g. 12, ServerKeyExchange), by type.
    OtherHandshake(u8),
    /// An alert.
    Alert(Alert),
    /// A ChangeCipherSpec record.
    ChangeCipherSpec,
    /// An application_data record: encrypted (after a TLS 1.3 ServerHello, the rest of the
    /// handshake).
    Encrypted,
    /// The server's first bytes are not a TLS record at all; the bytes so far (the caller
    /// may read more for a better preview, e.g. `HTTP/1.1 400 Bad Request`).
    NotTls(Vec<u8>),
}

/// Why the server's bytes cannot be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// A record or message that breaks the TLS syntax.
    Malformed(&'static str),
    /// More than the parser's limits.
    TooLarge(&'static str),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Malformed(what) => write!(f, "malformed TLS from the server: {what}"),
            WireError::TooLarge(what) => write!(f, "the server sent too much: {what}"),
        }
    }
}

impl std::error::Error for WireError {}

/// Parses what a server sends after a ClientHello, as the bytes arrive.
#[derive(Debug, Default)]
pub struct FlightParser {
    /// Bytes not yet forming a whole record.
    pending: Vec<u8>,
    /// Handshake bytes not yet forming a whole message.
    handshake: Vec<u8>,
    /// Total bytes pushed.
    total: usize,
    /// The negotiated version, once a ServerHello was seen.
    version: Option<u16>,
    /// Set when the stream turned out not to be TLS; nothing more is parsed.
    not_tls: bool,
    /// Set after an error; nothing more is parsed.
    failed: bool,
    /// Whole records parsed so far.
    records: usize,
}

impl FlightParser {
    /// A parser at the start of a connection.
    pub fn new() -> Self {
        Self::default()
    }

    /// The negotiated version once a ServerHello was parsed.
    pub fn version(&self) -> Option<u16> {
        self.version
    }

    /// Feeds the next bytes from the server and returns the messages they complete.
    ///
    /// After an error, or after [`ServerMessage::NotTls`], every later call returns nothing.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<ServerMessage>, WireError> {
        if self.not_tls || self.failed {
            return Ok(Vec::new());
        }
        let result = self.push_inner(bytes);
        if result.is_err() {
            self.failed = true;
            self.pending.clear();
            self.handshake.clear();
        }
        result
    }

    fn push_inner(&mut self, bytes: &[u8]) -> Result<Vec<ServerMessage>, WireError> {
        self.total = self.total.saturating_add(bytes.len());
        if self.total > MAX_FLIGHT {
            return Err(WireError::TooLarge(
                "more than 1 MiB before the handshake ended",
            ));
        }
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        if self.records == 0 && !looks_like_record(&self.pending) {
            self.not_tls = true;
            let keep = self.pending.len().min(NOT_TLS_PREFIX);
            out.push(ServerMessage::NotTls(self.pending[..keep].to_vec()));
            self.pending.clear();
            return Ok(out);
        }
        let mut at = 0;
        while self.pending.len() - at >= 5 {
            let header = &self.pending[at..at + 5];
            let content_type = header[0];
            if !(CHANGE_CIPHER_SPEC..=APPLICATION_DATA).contains(&content_type) {
                return Err(WireError::Malformed("unknown record content type"));
            }
            if header[1] != 0x03 {
                return Err(WireError::Malformed("record version is not 3.x"));
            }
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            if len > MAX_RECORD {
                return Err(WireError::Malformed("record longer than TLS allows"));
            }
            if self.pending.len() - at - 5 < len {
                break;
            }
            let start = at + 5;
            let fragment = self.pending[start..start + len].to_vec();
            at = start + len;
            self.records += 1;
            self.record(content_type, &fragment, &mut out)?;
        }
        self.pending.drain(..at);
        Ok(out)
    }

    fn record(
        &mut self,
        content_type: u8,
        fragment: &[u8],
        out: &mut Vec<ServerMessage>,
    ) -> Result<(), WireError> {
        match content_type {
            ALERT => {
                if fragment.is_empty() || !fragment.len().is_multiple_of(2) {
                    return Err(WireError::Malformed("alert record length"));
                }
                for pair in fragment.chunks_exact(2) {
                    out.push(ServerMessage::Alert(Alert {
                        level: pair[0],
                        description: pair[1],
                    }));
                }
            }
            CHANGE_CIPHER_SPEC => {
                if fragment != [1] {
                    return Err(WireError::Malformed("ChangeCipherSpec record"));
                }
                out.push(ServerMessage::ChangeCipherSpec);
            }
            APPLICATION_DATA => out.push(ServerMessage::Encrypted),
            _ => {
                if fragment.is_empty() {
                    return Err(WireError::Malformed("empty handshake record"));
                }
                if self.version == Some(0x0304) {
                    // After a TLS 1.3 ServerHello, handshake messages are encrypted; a
                    // plaintext handshake record here is a protocol violation.
                    return Err(WireError::Malformed(
                        "plaintext handshake record after a TLS 1.3 ServerHello",
                    ));
                }
                if self.handshake.len() + fragment.len() > MAX_HANDSHAKE_MESSAGE + 4 {
                    return Err(WireError::TooLarge("handshake message"));
                }
                self.handshake.extend_from_slice(fragment);
                self.handshake_messages(out)?;
            }
        }
        Ok(())
    }

    fn handshake_messages(&mut self, out: &mut Vec<ServerMessage>) -> Result<(), WireError> {
        let mut at = 0;
        while self.handshake.len() - at >= 4 {
            let h = &self.handshake[at..];
            let kind = h[0];
            let len = usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]);
            if len > MAX_HANDSHAKE_MESSAGE {
                return Err(WireError::TooLarge("handshake message"));
            }
            if h.len() - 4 < len {
                break;
            }
            let body = h[4..4 + len].to_vec();
            at += 4 + len;
            let message = parse_handshake(kind, &body, self.version.unwrap_or(0x0303))?;
            if let ServerMessage::ServerHello(hello) = &message {
                if self.version.is_some() && !hello.hello_retry {
                    return Err(WireError::Malformed("a second ServerHello"));
                }
                self.version = Some(hello.version());
            }
            out.push(message);
        }
        self.handshake.drain(..at);
        Ok(())
    }
}

/// Whether the first bytes could start a TLS record (content type 20 to 23, version 3.x).
fn looks_like_record(bytes: &[u8]) -> bool {
    match bytes {
        [] => true,
        [t] => (CHANGE_CIPHER_SPEC..=APPLICATION_DATA).contains(t),
        [t, major, ..] => (CHANGE_CIPHER_SPEC..=APPLICATION_DATA).contains(t) && *major == 0x03,
    }
}

/// Parses one handshake message body of type `kind`, sent in a connection whose negotiated
/// version is `version` (for the layouts that differ between versions).
pub fn parse_handshake(kind: u8, body: &[u8], version: u16) -> Result<ServerMessage, WireError> {
    Ok(match kind {
        SERVER_HELLO => ServerMessage::ServerHello(parse_server_hello(body)?),
        CERTIFICATE => ServerMessage::Certificate(parse_certificate(body, version >= 0x0304)?),
        CERTIFICATE_REQUEST => {
            ServerMessage::CertificateRequest(parse_certificate_request(body, version)?)
        }
        SERVER_HELLO_DONE => {
            if !body.is_empty() {
                return Err(WireError::Malformed("ServerHelloDone with a body"));
            }
            ServerMessage::ServerHelloDone
        }
        other => ServerMessage::OtherHandshake(other),
    })
}

/// Parses a ServerHello body.
pub fn parse_server_hello(body: &[u8]) -> Result<ServerHello, WireError> {
    let m = |what| WireError::Malformed(what);
    let mut r = Reader::new(body);
    let legacy_version = r.u16().ok_or(m("ServerHello version"))?;
    let random = r.take(32).ok_or(m("ServerHello random"))?;
    let sid = r.u8().ok_or(m("ServerHello session id"))?;
    if sid > 32 {
        return Err(m("ServerHello session id longer than 32 bytes"));
    }
    r.take(usize::from(sid))
        .ok_or(m("ServerHello session id"))?;
    let cipher_suite = r.u16().ok_or(m("ServerHello cipher suite"))?;
    let compression = r.u8().ok_or(m("ServerHello compression"))?;
    let mut hello = ServerHello {
        legacy_version,
        selected_version: None,
        cipher_suite,
        compression,
        key_share_group: None,
        hello_retry: random == HELLO_RETRY_RANDOM,
        downgrade_sentinel: random[24..31] == *b"DOWNGRD" && matches!(random[31], 0 | 1),
        extensions: Vec::new(),
    };
    if r.is_empty() {
        return Ok(hello);
    }
    let mut exts = r.vec16().ok_or(m("ServerHello extensions"))?;
    if !r.is_empty() {
        return Err(m("bytes after the ServerHello extensions"));
    }
    while !exts.is_empty() {
        let kind = exts.u16().ok_or(m("ServerHello extension"))?;
        let mut data = exts.vec16().ok_or(m("ServerHello extension"))?;
        if hello.extensions.contains(&kind) {
            return Err(m("duplicate ServerHello extension"));
        }
        if hello.extensions.len() >= MAX_LIST_ITEMS {
            return Err(WireError::TooLarge("ServerHello extensions"));
        }
        hello.extensions.push(kind);
        match kind {
            EXT_SUPPORTED_VERSIONS => {
                let v = data.u16().ok_or(m("supported_versions"))?;
                if !data.is_empty() {
                    return Err(m("supported_versions"));
                }
                hello.selected_version = Some(v);
            }
            EXT_KEY_SHARE => {
                hello.key_share_group = Some(data.u16().ok_or(m("key_share"))?);
            }
            _ => {}
        }
    }
    Ok(hello)
}

/// Parses a Certificate body: TLS 1.0 to 1.2 (`tls13` false) or TLS 1.3 layout.
pub fn parse_certificate(body: &[u8], tls13: bool) -> Result<Vec<Vec<u8>>, WireError> {
    let m = |what| WireError::Malformed(what);
    let mut r = Reader::new(body);
    if tls13 {
        r.vec8().ok_or(m("certificate request context"))?;
    }
    let mut list = r.vec24().ok_or(m("certificate list"))?;
    if !r.is_empty() {
        return Err(m("bytes after the certificate list"));
    }
    let mut chain = Vec::new();
    while !list.is_empty() {
        let cert = list.vec24().ok_or(m("certificate entry"))?;
        if cert.is_empty() {
            return Err(m("empty certificate"));
        }
        if chain.len() >= MAX_LIST_ITEMS {
            return Err(WireError::TooLarge("certificate chain"));
        }
        chain.push(cert.rest().to_vec());
        if tls13 {
            list.vec16().ok_or(m("certificate entry extensions"))?;
        }
    }
    Ok(chain)
}

/// Parses a CertificateRequest body sent in a connection at wire version `version`:
/// TLS 1.0/1.1 (types, CA names), TLS 1.2 (types, signature schemes, CA names) or TLS 1.3
/// (context, extensions with signature_algorithms and certificate_authorities).
pub fn parse_certificate_request(
    body: &[u8],
    version: u16,
) -> Result<CertificateRequest, WireError> {
    let m = |what| WireError::Malformed(what);
    let mut r = Reader::new(body);
    let mut request = CertificateRequest::default();
    if version >= 0x0304 {
        r.vec8().ok_or(m("certificate request context"))?;
        let mut exts = r.vec16().ok_or(m("CertificateRequest extensions"))?;
        while !exts.is_empty() {
            let kind = exts.u16().ok_or(m("CertificateRequest extension"))?;
            let data = exts.vec16().ok_or(m("CertificateRequest extension"))?;
            match kind {
                EXT_SIGNATURE_ALGORITHMS => {
                    request.signature_schemes = u16_list(data)?;
                }
                EXT_CERTIFICATE_AUTHORITIES => {
                    let mut d = data;
                    let names = d.vec16().ok_or(m("certificate_authorities"))?;
                    request.certificate_authorities = names_list(names)?;
                }
                _ => {}
            }
        }
    } else {
        request.certificate_types = r.vec8().ok_or(m("certificate types"))?.rest().to_vec();
        if version >= 0x0303 {
            let schemes = r.vec16().ok_or(m("signature algorithms"))?;
            request.signature_schemes = u16_list(schemes)?;
        }
        let names = r.vec16().ok_or(m("certificate authorities"))?;
        request.certificate_authorities = names_list(names)?;
    }
    if !r.is_empty() {
        return Err(m("bytes after the CertificateRequest"));
    }
    Ok(request)
}

fn u16_list(mut r: Reader<'_>) -> Result<Vec<u16>, WireError> {
    if !r.len().is_multiple_of(2) {
        return Err(WireError::Malformed(
            "odd length of a list of 16-bit values",
        ));
    }
    let mut out = Vec::with_capacity(r.len() / 2);
    while let Some(v) = r.u16() {
        out.push(v);
    }
    Ok(out)
}

fn names_list(mut r: Reader<'_>) -> Result<Vec<Vec<u8>>, WireError> {
    let mut out = Vec::new();
    while !r.is_empty() {
        let name = r
            .vec16()
            .ok_or(WireError::Malformed("distinguished name"))?;
        if out.len() >= MAX_LIST_ITEMS {
            return Err(WireError::TooLarge("certificate authority names"));
        }
        out.push(name.rest().to_vec());
    }
    Ok(out)
}

/// A bounds-checked reader over a byte slice: every read returns `None` when too short.
#[derive(Clone, Copy)]
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn rest(&self) -> &'a [u8] {
        self.0
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self) -> Option<Reader<'a>> {
        let n = usize::from(self.u8()?);
        self.take(n).map(Reader)
    }
    fn vec16(&mut self) -> Option<Reader<'a>> {
        let n = usize::from(self.u16()?);
        self.take(n).map(Reader)
    }
    fn vec24(&mut self) -> Option<Reader<'a>> {
        let b = self.take(3)?;
        let n = usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]);
        self.take(n).map(Reader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(version: TlsVersion, suites: &[u16]) -> ClientHelloSpec<'_> {
        ClientHelloSpec {
            version,
            suites,
            server_name: Some("cics.example.com"),
            random: [7; 32],
            key_share: [9; 32],
            session_id: [3; 32],
        }
    }

    /// Reads back the parts of a ClientHello the tests check: (legacy version, suites,
    /// extension types, SNI).
    fn read_hello(bytes: &[u8]) -> (u16, Vec<u16>, Vec<u16>, Option<String>) {
        assert_eq!(bytes[0], HANDSHAKE);
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        assert_eq!(bytes.len(), 5 + len);
        assert_eq!(bytes[5], CLIENT_HELLO);
        let mut r = Reader::new(&bytes[9..]);
        let version = r.u16().unwrap();
        r.take(32).unwrap();
        r.vec8().unwrap();
        let suites = u16_list(r.vec16().unwrap()).unwrap();
        r.vec8().unwrap();
        let mut exts = r.vec16().unwrap();
        assert!(r.is_empty());
        let mut kinds = Vec::new();
        let mut sni = None;
        while !exts.is_empty() {
            let kind = exts.u16().unwrap();
            let mut data = exts.vec16().unwrap();
            if kind == EXT_SERVER_NAME {
                let mut list = data.vec16().unwrap();
                assert_eq!(list.u8(), Some(0));
                sni = Some(String::from_utf8(list.vec16().unwrap().rest().to_vec()).unwrap());
            }
            kinds.push(kind);
        }
        (version, suites, kinds, sni)
    }

    #[test]
    fn legacy_hello_layout() {
        let bytes = client_hello(&spec(TlsVersion::Tls10, &[0x002F, 0x0035]));
        let (version, suites, exts, sni) = read_hello(&bytes);
        assert_eq!(version, 0x0301);
        assert_eq!(suites, [0x002F, 0x0035]);
        assert_eq!(sni.as_deref(), Some("cics.example.com"));
        assert!(exts.contains(&EXT_RENEGOTIATION_INFO));
        assert!(
            !exts.contains(&EXT_SIGNATURE_ALGORITHMS),
            "not before TLS 1.2"
        );
        assert!(!exts.contains(&EXT_SUPPORTED_VERSIONS));
        let (_, _, exts, _) = read_hello(&client_hello(&spec(TlsVersion::Tls12, &[0xC02F])));
        assert!(exts.contains(&EXT_SIGNATURE_ALGORITHMS));
    }

    #[test]
    fn tls13_hello_layout() {
        let bytes = client_hello(&spec(TlsVersion::Tls13, &[0x1301]));
        let (version, suites, exts, _) = read_hello(&bytes);
        assert_eq!(version, 0x0303);
        assert_eq!(suites, [0x1301]);
        for e in [
            EXT_SUPPORTED_VERSIONS,
            EXT_KEY_SHARE,
            EXT_SIGNATURE_ALGORITHMS,
        ] {
            assert!(exts.contains(&e), "{e}");
        }
    }

    #[test]
    fn no_sni_for_addresses_and_padding_to_512() {
        let mut s = spec(TlsVersion::Tls12, &[0x002F]);
        s.server_name = Some("127.0.0.1");
        assert_eq!(read_hello(&client_hello(&s)).3, None);
        s.server_name = Some("::1");
        assert_eq!(read_hello(&client_hello(&s)).3, None);
        s.server_name = Some("bad name");
        assert_eq!(read_hello(&client_hello(&s)).3, None);
        // A hello that would be between 256 and 511 bytes is padded to 512.
        let suites: Vec<u16> = (0..80).collect();
        let mut s = spec(TlsVersion::Tls12, &suites);
        s.server_name = None;
        let bytes = client_hello(&s);
        assert_eq!(bytes.len() - 5, 512);
        assert!(read_hello(&bytes).2.contains(&EXT_PADDING));
    }

    fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![kind, 3, 3];
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![kind];
        out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(body);
        out
    }

    fn server_hello_body(version: u16, suite: u16, exts: &[u8]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend_from_slice(&[0x11; 32]);
        b.push(0);
        b.extend_from_slice(&suite.to_be_bytes());
        b.push(0);
        if !exts.is_empty() {
            b.extend_from_slice(&(exts.len() as u16).to_be_bytes());
            b.extend_from_slice(exts);
        }
        b
    }

    #[test]
    fn a_tls12_flight_byte_by_byte() {
        let mut msgs = handshake(SERVER_HELLO, &server_hello_body(0x0303, 0x002F, &[]));
        // Certificate with two certificates.
        let mut list = Vec::new();
        for c in [&b"leaf"[..], b"ca"] {
            list.extend_from_slice(&(c.len() as u32).to_be_bytes()[1..]);
            list.extend_from_slice(c);
        }
        let mut cert = (list.len() as u32).to_be_bytes()[1..].to_vec();
        cert.extend_from_slice(&list);
        msgs.extend(handshake(CERTIFICATE, &cert));
        // CertificateRequest: types, sig algs, one CA name.
        let mut req = vec![2, 1, 64, 0, 2, 4, 3, 0, 6, 0, 4];
        req.extend_from_slice(b"\x30\x02\x31\x00");
        msgs.extend(handshake(CERTIFICATE_REQUEST, &req));
        msgs.extend(handshake(SERVER_HELLO_DONE, &[]));
        // Two records, split in the middle of a message.
        let mut bytes = record(HANDSHAKE, &msgs[..50]);
        bytes.extend(record(HANDSHAKE, &msgs[50..]));
        let mut parser = FlightParser::new();
        let mut all = Vec::new();
        for b in &bytes {
            all.extend(parser.push(std::slice::from_ref(b)).unwrap());
        }
        assert_eq!(all.len(), 4, "{all:?}");
        let ServerMessage::ServerHello(hello) = &all[0] else {
            panic!("{all:?}")
        };
        assert_eq!((hello.version(), hello.cipher_suite), (0x0303, 0x002F));
        assert_eq!(
            all[1],
            ServerMessage::Certificate(vec![b"leaf".to_vec(), b"ca".to_vec()])
        );
        assert_eq!(
            all[2],
            ServerMessage::CertificateRequest(CertificateRequest {
                certificate_types: vec![1, 64],
                signature_schemes: vec![0x0403],
                certificate_authorities: vec![b"\x30\x02\x31\x00".to_vec()],
            })
        );
        assert_eq!(all[3], ServerMessage::ServerHelloDone);
    }

    #[test]
    fn tls13_server_hello_and_hello_retry() {
        let exts = [
            0x00, 0x2B, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17,
        ];
        let mut body = server_hello_body(0x0303, 0x1302, &exts);
        let hello = parse_server_hello(&body).unwrap();
        assert_eq!(hello.version(), 0x0304);
        assert_eq!(hello.key_share_group, Some(0x0017));
        assert!(!hello.hello_retry);
        body[2..34].copy_from_slice(&HELLO_RETRY_RANDOM);
        assert!(parse_server_hello(&body).unwrap().hello_retry);
        // Then encrypted records and a CCS.
        let mut p = FlightParser::new();
        let mut bytes = record(HANDSHAKE, &handshake(SERVER_HELLO, &body));
        bytes.extend(record(CHANGE_CIPHER_SPEC, &[1]));
        bytes.extend(record(APPLICATION_DATA, &[0xAA; 40]));
        let msgs = p.push(&bytes).unwrap();
        assert_eq!(msgs.len(), 3);
        assert_eq!(msgs[1], ServerMessage::ChangeCipherSpec);
        assert_eq!(msgs[2], ServerMessage::Encrypted);
    }

    #[test]
    fn alerts_and_not_tls() {
        let mut p = FlightParser::new();
        assert_eq!(
            p.push(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]).unwrap(),
            vec![ServerMessage::Alert(Alert {
                level: 2,
                description: 40
            })]
        );
        assert_eq!(
            Alert {
                level: 2,
                description: 40
            }
            .name(),
            "handshake_failure"
        );
        assert_eq!(alert_name(116), "certificate_required");
        let mut p = FlightParser::new();
        let msgs = p.push(b"HTTP/1.1 400 Bad Request\r\n").unwrap();
        assert!(matches!(&msgs[..], [ServerMessage::NotTls(b)] if b.starts_with(b"HTTP/1.1 400")));
        assert!(p.push(b"more").unwrap().is_empty());
        // A single byte is enough to tell.
        let mut p = FlightParser::new();
        assert!(matches!(
            &p.push(b"H").unwrap()[..],
            [ServerMessage::NotTls(_)]
        ));
        // A record type byte, then a wrong version byte, in two reads.
        let mut p = FlightParser::new();
        assert!(p.push(&[0x16]).unwrap().is_empty());
        assert!(
            matches!(&p.push(&[0x02]).unwrap()[..], [ServerMessage::NotTls(b)] if b == &[0x16, 0x02])
        );
        // Garbage after a good record is malformed, not "not TLS".
        let mut p = FlightParser::new();
        assert!(p.push(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00]).is_ok());
        assert!(p.push(b"HTTP/1.1").is_err());
    }

    #[test]
    fn malformed_input_is_an_error() {
        let bad = [
            &[0x16, 0x03, 0x03, 0x00, 0x00][..],   // empty handshake record
            &[0x15, 0x03, 0x03, 0x00, 0x01, 0x02], // short alert
            &[0x14, 0x03, 0x03, 0x00, 0x01, 0x02], // bad CCS
            &[0x16, 0x03, 0x03, 0xFF, 0xFF],       // record too long
            &[0x16, 0x03, 0x03, 0x00, 0x04, 0x0E, 0, 0, 1], // ServerHelloDone with a body... truncated
        ];
        for b in bad {
            let mut p = FlightParser::new();
            let r = p.push(b);
            assert!(r.is_err() || r == Ok(Vec::new()), "{b:?}: {r:?}");
        }
        // Declared handshake length beyond the limit.
        let mut p = FlightParser::new();
        assert!(matches!(
            p.push(&[0x16, 0x03, 0x03, 0x00, 0x04, 0x0B, 0xFF, 0xFF, 0xFF]),
            Err(WireError::TooLarge(_))
        ));
        // Session ID longer than 32.
        let mut body = server_hello_body(0x0303, 0x002F, &[]);
        body[34] = 33;
        assert!(parse_server_hello(&body).is_err());
        // Two ServerHellos.
        let sh = record(
            HANDSHAKE,
            &handshake(SERVER_HELLO, &server_hello_body(0x0303, 0x2F, &[])),
        );
        let mut twice = sh.clone();
        twice.extend(sh);
        assert!(FlightParser::new().push(&twice).is_err());
    }

    #[test]
    fn every_prefix_and_mutation_of_a_flight_is_safe() {
        let mut msgs = handshake(
            SERVER_HELLO,
            &server_hello_body(0x0303, 0xC02F, &[0xFF, 0x01, 0, 1, 0]),
        );
        msgs.extend(handshake(SERVER_HELLO_DONE, &[]));
        let bytes = record(HANDSHAKE, &msgs);
        for i in 0..bytes.len() {
            let _ = FlightParser::new().push(&bytes[..i]);
            for v in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                let mut m = bytes.clone();
                m[i] = v;
                let mut p = FlightParser::new();
                let (a, b) = m.split_at(i);
                let _ = p.push(a);
                let _ = p.push(b);
            }
        }
    }
}
