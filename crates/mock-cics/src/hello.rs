//! Just enough TLS, without a TLS library, to act like a region set to MEDIUM encryption.
//!
//! A region whose TCPIPSERVICE only allows medium-strength cipher suites (RSA key exchange, CBC)
//! rejects a modern client during the handshake: System SSL finds no common cipher (DFHSO0123,
//! return code 402) and the client receives a fatal `handshake_failure` alert. rustls cannot be
//! made to offer or accept those suites, so this module reads the raw ClientHello itself,
//! bounded and defensively, and writes the answer bytes.

/// Cipher suites a MEDIUM region accepts, in its order of preference: RSA key exchange
/// (not forward secret) with CBC. The first three exist from TLS 1.0 on; the SHA-256 ones
/// (0x003C, 0x003D) need TLS 1.2.
pub(crate) const MEDIUM_SUITES: [u16; 5] = [0x002F, 0x0035, 0x003C, 0x003D, 0x000A];
const TLS12_ONLY: [u16; 2] = [0x003C, 0x003D];

/// Largest ClientHello this parser accepts (handshake message body), in bytes. Real ones,
/// even with post-quantum key shares, are under 2 KiB.
pub(crate) const MAX_HELLO: usize = 16 * 1024;
/// Largest TLS plaintext record fragment (RFC 8446 §5.1).
const MAX_FRAGMENT: usize = 16 * 1024;

/// Fatal alert `handshake_failure` (40) in a TLS 1.2 record.
pub(crate) const ALERT_HANDSHAKE_FAILURE: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
/// Fatal alert `decode_error` (50) in a TLS 1.2 record.
pub(crate) const ALERT_DECODE_ERROR: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32];

/// What the server needs from a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientHello {
    /// `legacy_version` from the hello (0x0303 for TLS 1.2 and 1.3 clients).
    pub(crate) version: u16,
    /// Offered cipher suites, in the client's order.
    pub(crate) suites: Vec<u16>,
    /// The client signalled RFC 5746 secure renegotiation (the `renegotiation_info`
    /// extension or the SCSV suite 0x00FF); the ServerHello must then carry the extension,
    /// or OpenSSL aborts with "unsafe legacy renegotiation disabled".
    pub(crate) secure_renegotiation: bool,
}

/// Why bytes are not a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HelloError {
    /// The first record is not a TLS handshake record at all.
    NotTls,
    /// A TLS record or handshake message that is malformed or too large.
    Malformed(&'static str),
}

/// Tries to read one ClientHello from the bytes received so far, which may span several
/// handshake records. `Ok(None)`: more bytes are needed.
pub(crate) fn parse_client_hello(buf: &[u8]) -> Result<Option<ClientHello>, HelloError> {
    if buf.first().is_some_and(|&b| b != 0x16) {
        return Err(HelloError::NotTls);
    }
    // Reassemble the handshake message from the record fragments.
    let mut message = Vec::new();
    let mut rest = buf;
    loop {
        if rest.len() < 5 {
            return Ok(None);
        }
        if rest[0] != 0x16 {
            return Err(HelloError::Malformed(
                "a non-handshake record inside the ClientHello",
            ));
        }
        if rest[1] != 0x03 {
            return Err(HelloError::Malformed("record version is not 3.x"));
        }
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        if len == 0 || len > MAX_FRAGMENT {
            return Err(HelloError::Malformed("record length out of range"));
        }
        let Some(fragment) = rest.get(5..5 + len) else {
            return Ok(None);
        };
        message.extend_from_slice(fragment);
        rest = &rest[5 + len..];
        if message.len() >= 4 {
            if message[0] != 0x01 {
                return Err(HelloError::Malformed(
                    "first handshake message is not a ClientHello",
                ));
            }
            let body_len = usize::from(message[1]) << 16
                | usize::from(message[2]) << 8
                | usize::from(message[3]);
            if body_len > MAX_HELLO {
                return Err(HelloError::Malformed("ClientHello too large"));
            }
            if message.len() >= 4 + body_len {
                return parse_body(&message[4..4 + body_len]).map(Some);
            }
        }
    }
}

/// Parses the ClientHello body (after the 4-byte handshake header).
fn parse_body(body: &[u8]) -> Result<ClientHello, HelloError> {
    let mut r = Reader(body);
    let version = r.u16().ok_or(HelloError::Malformed("truncated version"))?;
    r.take(32)
        .ok_or(HelloError::Malformed("truncated random"))?;
    let sid_len = usize::from(
        r.u8()
            .ok_or(HelloError::Malformed("truncated session id"))?,
    );
    if sid_len > 32 {
        return Err(HelloError::Malformed("session id longer than 32 bytes"));
    }
    r.take(sid_len)
        .ok_or(HelloError::Malformed("truncated session id"))?;
    let suites_len = usize::from(
        r.u16()
            .ok_or(HelloError::Malformed("truncated cipher suites"))?,
    );
    if suites_len < 2 || suites_len % 2 != 0 {
        return Err(HelloError::Malformed("cipher suite list length"));
    }
    let suites: Vec<u16> = r
        .take(suites_len)
        .ok_or(HelloError::Malformed("truncated cipher suites"))?
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    let comp_len = usize::from(
        r.u8()
            .ok_or(HelloError::Malformed("truncated compression methods"))?,
    );
    if comp_len < 1 {
        return Err(HelloError::Malformed("no compression method"));
    }
    r.take(comp_len)
        .ok_or(HelloError::Malformed("truncated compression methods"))?;
    let mut secure_renegotiation = suites.contains(&0x00FF);
    // Extensions are optional (TLS 1.0 clients may send none).
    if !r.0.is_empty() {
        let len = usize::from(
            r.u16()
                .ok_or(HelloError::Malformed("truncated extensions"))?,
        );
        let mut exts = Reader(
            r.take(len)
                .ok_or(HelloError::Malformed("truncated extensions"))?,
        );
        while !exts.0.is_empty() {
            let kind = exts
                .u16()
                .ok_or(HelloError::Malformed("truncated extension"))?;
            let len = usize::from(
                exts.u16()
                    .ok_or(HelloError::Malformed("truncated extension"))?,
            );
            exts.take(len)
                .ok_or(HelloError::Malformed("truncated extension"))?;
            secure_renegotiation |= kind == 0xFF01;
        }
    }
    Ok(ClientHello {
        version,
        suites,
        secure_renegotiation,
    })
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
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
}

/// The protocol version and suite a MEDIUM region would pick, or `None`: no common cipher.
pub(crate) fn choose(hello: &ClientHello) -> Option<(u16, u16)> {
    if hello.version < 0x0301 {
        return None; // SSL 3.0 and older: a region refuses them.
    }
    let version = hello.version.min(0x0303);
    MEDIUM_SUITES
        .into_iter()
        .filter(|s| version >= 0x0303 || !TLS12_ONLY.contains(s))
        .find(|s| hello.suites.contains(s))
        .map(|s| (version, s))
}

/// A ServerHello record selecting `suite` at `version`, with the given server random, no
/// session ID, and an empty `renegotiation_info` extension when the client asked for secure
/// renegotiation: a well-formed TLS 1.0 to 1.2 ServerHello.
pub(crate) fn server_hello(
    version: u16,
    suite: u16,
    mut random: [u8; 32],
    renegotiation_info: bool,
) -> Vec<u8> {
    // The last 8 bytes must not look like the TLS 1.3 downgrade sentinel (RFC 8446 §4.1.3).
    if random[24..31] == *b"DOWNGRD" {
        random[24] ^= 0xFF;
    }
    let mut body = Vec::with_capacity(45);
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&random);
    body.push(0); // session id length
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0); // compression: null
    if renegotiation_info {
        // extensions length 5: type 0xFF01, length 1, empty renegotiated_connection
        body.extend_from_slice(&[0x00, 0x05, 0xFF, 0x01, 0x00, 0x01, 0x00]);
    }
    let mut out = Vec::with_capacity(5 + 4 + body.len());
    out.extend_from_slice(&[0x16, 0x03, 0x03]);
    // Both lengths are small (at most 49 and 45), so the casts cannot truncate.
    out.extend_from_slice(&((4 + body.len()) as u16).to_be_bytes());
    out.push(0x02); // ServerHello
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a ClientHello record (or several, split at `split`) offering `suites`.
    pub(crate) fn hello_bytes(version: u16, suites: &[u16], split: Option<usize>) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(&version.to_be_bytes());
        body.extend_from_slice(&[7; 32]);
        body.push(32);
        body.extend_from_slice(&[9; 32]);
        body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
        for s in suites {
            body.extend_from_slice(&s.to_be_bytes());
        }
        body.extend_from_slice(&[1, 0]);
        body.extend_from_slice(&[0, 4, 0xff, 0x01, 0, 0]); // renegotiation_info extension
        let mut msg = vec![1];
        msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        msg.extend_from_slice(&body);
        let chunks: Vec<&[u8]> = match split {
            Some(at) => vec![&msg[..at], &msg[at..]],
            None => vec![&msg[..]],
        };
        let mut out = Vec::new();
        for c in chunks {
            out.extend_from_slice(&[0x16, 0x03, 0x01]);
            out.extend_from_slice(&(c.len() as u16).to_be_bytes());
            out.extend_from_slice(c);
        }
        out
    }

    #[test]
    fn parses_a_hello_in_one_or_two_records() {
        let suites = [0x1301, 0xC02B, 0x002F];
        for split in [None, Some(3), Some(50)] {
            let bytes = hello_bytes(0x0303, &suites, split);
            let hello = parse_client_hello(&bytes).unwrap().unwrap();
            assert_eq!(hello.suites, suites);
            assert_eq!(hello.version, 0x0303);
            assert!(hello.secure_renegotiation, "renegotiation_info extension");
            // Every strict prefix needs more bytes.
            for n in 0..bytes.len() {
                assert_eq!(
                    parse_client_hello(&bytes[..n]),
                    Ok(None),
                    "prefix {n} of {split:?}"
                );
            }
        }
    }

    #[test]
    fn scsv_and_missing_extensions() {
        let mut bytes = hello_bytes(0x0301, &[0x002F, 0x00FF], None);
        // Drop the extensions block (6 bytes) and fix both lengths.
        bytes.truncate(bytes.len() - 6);
        bytes[4] -= 6;
        bytes[8] -= 6;
        let hello = parse_client_hello(&bytes).unwrap().unwrap();
        assert!(hello.secure_renegotiation, "SCSV");
        let mut bytes = hello_bytes(0x0303, &[0x002F], None);
        bytes.truncate(bytes.len() - 6);
        bytes[4] -= 6;
        bytes[8] -= 6;
        assert!(
            !parse_client_hello(&bytes)
                .unwrap()
                .unwrap()
                .secure_renegotiation
        );
        // A broken extensions block is malformed.
        let mut bytes = hello_bytes(0x0303, &[0x002F], None);
        let n = bytes.len();
        bytes[n - 1] = 9; // extension length beyond the block
        assert!(parse_client_hello(&bytes).is_err());
    }

    #[test]
    fn rejects_what_is_not_a_hello() {
        assert_eq!(
            parse_client_hello(b"GET / HTTP/1.1\r\n"),
            Err(HelloError::NotTls)
        );
        assert!(matches!(
            parse_client_hello(&[0x16, 0x03, 0x01, 0x00, 0x00]),
            Err(HelloError::Malformed(_))
        ));
        assert!(matches!(
            parse_client_hello(&[0x16, 0x03, 0x01, 0xFF, 0xFF]),
            Err(HelloError::Malformed(_))
        ));
        assert!(matches!(
            parse_client_hello(&[0x16, 0x02, 0x00, 0x00, 0x01, 0x01]),
            Err(HelloError::Malformed(_))
        ));
        // A ServerHello where a ClientHello should be.
        assert!(matches!(
            parse_client_hello(&[0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0, 0, 0]),
            Err(HelloError::Malformed(_))
        ));
        // Declared body too large.
        assert!(matches!(
            parse_client_hello(&[0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xFF, 0xFF, 0xFF]),
            Err(HelloError::Malformed(_))
        ));
        // Odd cipher suite list length.
        let mut bad = hello_bytes(0x0303, &[0x002F], None);
        let at = 5 + 4 + 2 + 32 + 1 + 32 + 1;
        bad[at] = 3;
        assert!(parse_client_hello(&bad).is_err());
    }

    #[test]
    fn truncated_and_garbage_inputs_never_panic() {
        let good = hello_bytes(0x0303, &[0x002F, 0x0035], Some(20));
        for i in 0..good.len() {
            for b in [0x00, 0x01, 0x7F, 0xFF] {
                let mut bytes = good.clone();
                bytes[i] = b;
                let _ = parse_client_hello(&bytes);
                let _ = parse_client_hello(&bytes[..i]);
            }
        }
    }

    #[test]
    fn picks_a_medium_suite_or_none() {
        let hello = |version, suites: &[u16]| ClientHello {
            version,
            suites: suites.to_vec(),
            secure_renegotiation: false,
        };
        assert_eq!(choose(&hello(0x0303, &[0x1301, 0x1302, 0xC02B])), None);
        assert_eq!(
            choose(&hello(0x0303, &[0xC02F, 0x003D, 0x0035])),
            Some((0x0303, 0x0035))
        );
        assert_eq!(
            choose(&hello(0x0301, &[0x003C, 0x000A])),
            Some((0x0301, 0x000A)),
            "SHA-256 suites need TLS 1.2"
        );
        assert_eq!(choose(&hello(0x0300, &[0x002F])), None);
    }

    #[test]
    fn server_hello_is_well_formed() {
        let sh = server_hello(0x0303, 0x002F, [0x11; 32], false);
        assert_eq!(&sh[..5], &[0x16, 0x03, 0x03, 0x00, 42]);
        assert_eq!(&sh[5..9], &[0x02, 0x00, 0x00, 38]);
        assert_eq!(&sh[9..11], &[0x03, 0x03]);
        assert_eq!(&sh[11..43], &[0x11; 32]);
        assert_eq!(&sh[43..], &[0x00, 0x00, 0x2F, 0x00]);
        let mut sentinel = [0u8; 32];
        sentinel[24..].copy_from_slice(b"DOWNGRD\x01");
        let sh = server_hello(0x0303, 0x002F, sentinel, false);
        assert_ne!(&sh[11 + 24..11 + 31], b"DOWNGRD");
        let sh = server_hello(0x0303, 0x0035, [0; 32], true);
        assert_eq!(
            &sh[..9],
            &[0x16, 0x03, 0x03, 0x00, 49, 0x02, 0x00, 0x00, 45]
        );
        assert_eq!(
            &sh[43..],
            &[
                0x00, 0x00, 0x35, 0x00, 0x00, 0x05, 0xFF, 0x01, 0x00, 0x01, 0x00
            ]
        );
    }
}
