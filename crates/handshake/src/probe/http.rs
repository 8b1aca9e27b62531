//! The CMCI probe request, and what an answer to it says about the port (sans-IO).

/// The path the probes ask for: the root of the CMCI interface.
pub const CMCI_PATH: &str = "/CICSSystemManagement/";

/// Most bytes of an answer that are read and kept.
pub const MAX_ANSWER: usize = 16 * 1024;

/// The probe request: `GET /CICSSystemManagement/` with no credentials at all.
pub fn cmci_request(host_header: &str) -> Vec<u8> {
    // A Host header must not carry line breaks; the endpoint text never has them, but be sure.
    let host: String = host_header.chars().filter(|c| !c.is_control()).collect();
    format!(
        "GET {CMCI_PATH} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: cicsx-diagnose/{}\r\n\
         Accept: application/xml\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// An HTTP response, as far as the probe needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpAnswer {
    /// The status line, e.g. `HTTP/1.1 401 Unauthorized`.
    pub status_line: String,
    /// The status code.
    pub status: u16,
    /// The `Server` header, if any.
    pub server: Option<String>,
    /// The `WWW-Authenticate` header, if any.
    pub www_authenticate: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Why this looks like CMCI, one phrase per sign (empty: nothing CICS-like was seen).
    pub cmci_evidence: Vec<String>,
}

impl HttpAnswer {
    /// Whether the answer has a sign of CICS on it. XML alone does not count.
    pub fn is_cmci(&self) -> bool {
        self.cmci_evidence.iter().any(|e| !e.starts_with("XML"))
    }
}

/// Reads an HTTP response (head and the start of the body). `None` when the bytes do not
/// start with `HTTP/`.
pub fn parse_answer(bytes: &[u8]) -> Option<HttpAnswer> {
    if !bytes.starts_with(b"HTTP/") {
        return None;
    }
    let bytes = &bytes[..bytes.len().min(MAX_ANSWER)];
    let head_end = find(bytes, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(bytes, b"\n\n").map(|i| (i, i + 2)))
        .unwrap_or((bytes.len(), bytes.len()));
    let head = String::from_utf8_lossy(&bytes[..head_end.0]);
    let body = &bytes[head_end.1..];
    let mut lines = head.lines();
    let status_line: String = lines.next()?.chars().take(200).collect();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    let mut answer = HttpAnswer {
        status_line,
        status,
        server: None,
        www_authenticate: None,
        content_type: None,
        cmci_evidence: Vec::new(),
    };
    let mut cookies = Vec::new();
    for line in lines.take(100) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value: String = value.trim().chars().take(200).collect();
        match name.trim().to_ascii_lowercase().as_str() {
            "server" => answer.server = Some(value),
            "www-authenticate" => answer.www_authenticate = Some(value),
            "content-type" => answer.content_type = Some(value),
            "set-cookie" => cookies.push(value),
            _ => {}
        }
    }
    let evidence = &mut answer.cmci_evidence;
    if let Some(server) = &answer.server
        && server.to_ascii_uppercase().contains("CICS")
    {
        evidence.push(format!("Server header \"{server}\""));
    }
    if let Some(auth) = &answer.www_authenticate
        && auth.to_ascii_uppercase().contains("CICS")
    {
        evidence.push(format!(
            "HTTP {} asking for sign-on ({auth})",
            answer.status
        ));
    }
    if cookies.iter().any(|c| c.starts_with("LtpaToken")) {
        evidence.push("an LTPA cookie".to_owned());
    }
    if let Some(id) = dfhwu_id(body) {
        evidence.push(format!("a CICS web error message {id}"));
    }
    if find(body, b"smw2int").is_some() {
        evidence.push("a CMCI XML response (smw2int namespace)".to_owned());
    }
    let xml = answer
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("xml"))
        || body.trim_ascii_start().starts_with(b"<?xml");
    if xml && evidence.is_empty() {
        evidence.push("XML content (not specific to CICS)".to_owned());
    }
    Some(answer)
}

/// Whether `bytes` hold a whole answer: the head, and as much body as its
/// `Content-Length` says (an answer without one ends when the server closes).
pub fn answer_complete(bytes: &[u8]) -> bool {
    let Some(head_end) = find(bytes, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]);
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    match length {
        Some(n) => bytes.len() - head_end - 4 >= n,
        None => false,
    }
}

/// The first `DFHWUnnnn` message ID in the body, if any.
fn dfhwu_id(body: &[u8]) -> Option<String> {
    let at = find(body, b"DFHWU")?;
    let id: String = body[at..]
        .iter()
        .take(10)
        .take_while(|b| b.is_ascii_alphanumeric())
        .map(|&b| b as char)
        .collect();
    Some(id)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cics_401_is_cmci() {
        let a = parse_answer(
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"CICS\"\r\n\
              Content-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(a.status, 401);
        assert!(a.is_cmci(), "{a:?}");
    }

    #[test]
    fn dfhwu_bodies_and_server_headers() {
        let a = parse_answer(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/xml\r\n\r\n\
              <?xml version=\"1.0\"?><error message_id=\"DFHWU4004\"/>",
        )
        .unwrap();
        assert!(
            a.cmci_evidence.iter().any(|e| e.contains("DFHWU4004")),
            "{a:?}"
        );
        let a = parse_answer(
            b"HTTP/1.1 200 OK\r\nServer: IBM_CICS_Transaction_Server/6.1.0(zOS)\r\n\r\n",
        )
        .unwrap();
        assert!(a.is_cmci());
    }

    #[test]
    fn other_servers_are_not_cmci() {
        let a = parse_answer(b"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n\r\n<html>").unwrap();
        assert!(!a.is_cmci());
        let a = parse_answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<a/>").unwrap();
        assert!(!a.is_cmci(), "XML alone");
        assert_eq!(a.cmci_evidence.len(), 1);
        assert!(parse_answer(b"\x15\x03\x03\x00\x02\x02\x28").is_none());
        // A bare status line, without headers.
        assert_eq!(parse_answer(b"HTTP/1.1 400").unwrap().status, 400);
        assert_eq!(parse_answer(b"HTTP/").unwrap().status, 0);
    }

    #[test]
    fn complete_answers() {
        assert!(answer_complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"
        ));
        assert!(!answer_complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab"
        ));
        assert!(
            !answer_complete(b"HTTP/1.1 200 OK\r\n\r\nab"),
            "no length: until closed"
        );
        assert!(!answer_complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
        ));
    }

    #[test]
    fn the_request_has_no_credentials() {
        let r = String::from_utf8(cmci_request("h:1\r\nX: y")).unwrap();
        assert!(r.starts_with("GET /CICSSystemManagement/ HTTP/1.1\r\nHost: h:1X: y\r\n"));
        assert!(!r.to_ascii_lowercase().contains("authorization"));
        assert!(r.ends_with("\r\n\r\n"));
    }
}
