//! CMCI GET requests to XML responses, without any I/O.
//!
//! What a real CMCI does and what this module copies:
//! - `GET /CICSSystemManagement/<resource>/<context>[/<scope>][//<count>]`; the
//!   `CICSSystemManagement` part is case-sensitive, resource names are not.
//! - A malformed request gets a non-200 status and an `<error message_id="DFHWU4nnn">` body;
//!   a well-formed one gets 200 and a `<response>` whose `<resultsummary>` carries the
//!   CICSPlex SM API response (1024 OK, 1027 NODATA, 1028 INVALIDPARM...).
//!
//! Message IDs: IBM documents DFHWU4001 to DFHWU4029 as the HTTP 400 errors, lists their texts
//! in order, and shows DFHWU4003 as "An unknown query parameter was specified in the URI" and
//! DFHWU4012 as "Extraneous data was detected at the end of the URI". The other IDs used here
//! are inferred from the order of IBM's list (4001 no resource name, 4002 path too long, 4004 no
//! context, 4009 bad record count) and from the pattern HTTP status × 10 + n (DFHWU4041 for
//! 404, DFHWU4051 for 405): unconfirmed.
//!
//! INVALIDPARM: CICSPlex SM answers a bad CRITERIA, an unknown context or an unknown scope with
//! api_response1 1028 and the failing parameter's name in api_response2_alt (CRITERIA,
//! CONTEXT, SCOPE). The numeric api_response2 values are not confirmed, so this mock sends 0
//! there; clients should go by api_response2_alt.

use std::fmt::Write as _;

use crate::criteria;
use crate::data::{CICSPLEX, REGIONS, Record, Resource, SYSTEM_GROUP};

/// The path every CMCI request starts with (case-sensitive).
const ROOT: &str = "/CICSSystemManagement";
/// Longest path IBM accepts (DFHWU4002).
const MAX_PATH: usize = 256;
/// CICS TS level the mock region claims.
pub(crate) const CONNECT_VERSION: &str = "0730";

/// An HTTP answer: status, content type, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
}

/// Answers a GET for `path` (still percent-encoded) and `query` (without `?`). `host` is the
/// `host:port` the client used, for the schema location.
pub(crate) fn get(path: &str, query: Option<&str>, host: &str, data: &[Record]) -> Reply {
    let Some(rest) = path.strip_prefix(ROOT) else {
        return not_found(path);
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        // e.g. /CICSSystemManagementX: not the CMCI at all.
        return not_found(path);
    }
    if path.len() > MAX_PATH {
        return http_error(
            400,
            "DFHWU4002",
            "The URI specified contains a PATH that exceeds the maximum allowable length of 256 bytes.",
            None,
        );
    }
    let rest = rest.trim_start_matches('/');
    // "//count" ends the path; everything before it is resource/context/scope.
    let (main, count) = match rest.split_once("//") {
        Some((main, count)) => (main, Some(count)),
        None => (rest, None),
    };
    let mut parts = main.split('/').map(percent_decode);
    let resource_name = parts.next().unwrap_or_default();
    if resource_name.is_empty() {
        return http_error(
            400,
            "DFHWU4001",
            "The resource name was not specified in the URI.",
            None,
        );
    }
    let Some(resource) = Resource::from_url_name(&resource_name) else {
        return http_error(
            404,
            "DFHWU4041",
            "The resource name specified in the URI was not recognized.",
            Some(("RESOURCENAME", &resource_name)),
        );
    };
    let context = parts.next().unwrap_or_default();
    if context.is_empty() {
        return http_error(
            400,
            "DFHWU4004",
            "The context was missing from the URI.",
            None,
        );
    }
    let scope = parts.next().filter(|s| !s.is_empty());
    let extra: Vec<String> = parts.collect();
    if extra.iter().any(|s| !s.is_empty()) {
        return http_error(
            400,
            "DFHWU4012",
            "Extraneous data was detected at the end of the URI.",
            Some(("EXTRADATA", &extra.join("/"))),
        );
    }
    let count = match count.map(|c| c.trim_end_matches('/')) {
        None | Some("") => None,
        Some(c) => match c.parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return http_error(
                    400,
                    "DFHWU4009",
                    "The record count specified in the URI is not valid.",
                    Some(("COUNT", &percent_decode(c))),
                );
            }
        },
    };

    let mut criteria = None;
    let mut summary_only = false;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key);
        match key.to_ascii_uppercase().as_str() {
            "CRITERIA" => criteria = Some(percent_decode(value)),
            "SUMMONLY" => summary_only = true,
            // Accepted and ignored: the mock keeps no result cache and has nothing to tune.
            "PARAMETER" | "NODISCARD" | "OVERRIDEWARNINGCOUNT" | "ORDERBY" => {}
            _ => {
                return http_error(
                    400,
                    "DFHWU4003",
                    "An unknown query parameter was specified in the URI.",
                    Some((&key, &key)),
                );
            }
        }
    }

    let Some(regions) = regions_for(&context) else {
        return summary(host, 1028, "INVALIDPARM", "CONTEXT", 0, None);
    };
    let regions = match scope {
        // A single-region context has no scope: CMCI ignores it there.
        Some(scope) if context.eq_ignore_ascii_case(CICSPLEX) => match regions_for_scope(&scope) {
            Some(r) => r,
            None => return summary(host, 1028, "INVALIDPARM", "SCOPE", 0, None),
        },
        _ => regions,
    };

    let filter = match criteria.as_deref().map(criteria::parse) {
        None => None,
        Some(Err(_)) => return summary(host, 1028, "INVALIDPARM", "CRITERIA", 0, None),
        Some(Ok(expr)) => {
            let known = |a: &str| {
                data.iter()
                    .filter(|r| r.resource == resource)
                    .any(|r| r.get(a).is_some())
            };
            if !expr.attributes().into_iter().all(known) {
                return summary(host, 1028, "INVALIDPARM", "CRITERIA", 0, None);
            }
            Some(expr)
        }
    };

    let matched: Vec<&Record> = data
        .iter()
        .filter(|r| r.resource == resource && regions.contains(&r.region))
        .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
        .collect();
    if matched.is_empty() {
        return summary(host, 1027, "NODATA", "", 0, None);
    }
    let shown = count.map_or(matched.len(), |c| c.min(matched.len()));
    let records = if summary_only {
        None
    } else {
        Some(&matched[..shown])
    };
    // With SUMMONLY nothing is displayed: displayed_recordcount is 0.
    summary(host, 1024, "OK", "", matched.len(), records)
}

/// The regions a context names: the CICSplex (all) or one region.
fn regions_for(context: &str) -> Option<Vec<&'static str>> {
    if context.eq_ignore_ascii_case(CICSPLEX) {
        return Some(REGIONS.to_vec());
    }
    REGIONS
        .iter()
        .find(|r| r.eq_ignore_ascii_case(context))
        .map(|r| vec![*r])
}

/// The regions a scope names within the CICSplex: the plex, the system group or one region.
fn regions_for_scope(scope: &str) -> Option<Vec<&'static str>> {
    if scope.eq_ignore_ascii_case(SYSTEM_GROUP) {
        return Some(REGIONS[..2].to_vec());
    }
    regions_for(scope)
}

/// A 200 response with a result summary and, when given, the records.
fn summary(
    host: &str,
    response1: u32,
    response1_alt: &str,
    response2_alt: &str,
    recordcount: usize,
    records: Option<&[&Record]>,
) -> Reply {
    let displayed = records.map_or(0, <[_]>::len);
    let mut body = String::with_capacity(512 + displayed * 600);
    body.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(
        body,
        r#"<response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.ibm.com/xmlns/prod/CICS/smw2int http://{host}/CICSSystemManagement/schema/CICSSystemManagement.xsd" version="3.0" connect_version="{CONNECT_VERSION}">"#,
        host = escape(host),
    );
    let _ = write!(
        body,
        r#"<resultsummary api_response1="{response1}" api_response2="0" api_response1_alt="{response1_alt}" api_response2_alt="{response2_alt}" recordcount="{recordcount}" displayed_recordcount="{displayed}" />"#,
    );
    if let Some(records) = records.filter(|r| !r.is_empty()) {
        body.push_str("<records>");
        for record in records {
            let _ = write!(body, "<{}", record.resource.element());
            for (name, value) in &record.attrs {
                let _ = write!(body, r#" {name}="{}""#, escape(value));
            }
            body.push_str("/>");
        }
        body.push_str("</records>");
    }
    body.push_str("</response>");
    Reply {
        status: 200,
        content_type: "application/xml",
        body,
    }
}

/// A CMCI HTTP error (a malformed request).
pub(crate) fn http_error(
    status: u16,
    message_id: &str,
    full: &str,
    info: Option<(&str, &str)>,
) -> Reply {
    let mut body = String::new();
    body.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(
        body,
        r#"<error message_id="{message_id}" connect_version="{CONNECT_VERSION}"><title>{status} CICS management client interface HTTP Error</title><short>An error has occurred in the CICS management client interface. The request cannot be processed.</short><full>{}</full>"#,
        escape(full)
    );
    if let Some((name, value)) = info {
        let _ = write!(
            body,
            r#"<errorInfo name="{}">{}</errorInfo>"#,
            escape(name),
            escape(value)
        );
    }
    body.push_str("</error>");
    Reply {
        status,
        content_type: "application/xml",
        body,
    }
}

/// Anything outside `/CICSSystemManagement/`: the web server's own 404.
fn not_found(path: &str) -> Reply {
    let shown: String = path.chars().take(200).collect();
    Reply {
        status: 404,
        content_type: "text/plain; charset=utf-8",
        body: format!("404 Not Found: {}\n", shown.escape_default()),
    }
}

/// Escapes text for an XML attribute value or element content.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid escapes stay as they are; bad UTF-8 becomes U+FFFD).
/// `+` is kept: in CICSPlex SM criteria it is the one-character wildcard.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            )
        {
            // Two hex digits make at most 0xFF.
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::records;

    fn q(path: &str, query: Option<&str>) -> Reply {
        get(path, query, "127.0.0.1:1490", &records())
    }

    fn attr<'a>(body: &'a str, name: &str) -> &'a str {
        let key = format!(" {name}=\"");
        let start = body
            .find(&key)
            .map(|i| i + key.len())
            .unwrap_or_else(|| panic!("{name} in {body}"));
        let end = body[start..].find('"').map(|i| start + i).unwrap_or(start);
        &body[start..end]
    }

    #[test]
    fn programs_of_the_plex() {
        let r = q("/CICSSystemManagement/CICSProgram/CICSPLEX1", None);
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type, "application/xml");
        assert!(r.body.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.ibm.com/xmlns/prod/CICS/smw2int http://127.0.0.1:1490/CICSSystemManagement/schema/CICSSystemManagement.xsd" version="3.0" connect_version="0730"><resultsummary api_response1="1024" api_response2="0" api_response1_alt="OK" api_response2_alt="" recordcount="27" displayed_recordcount="27" /><records><cicsprogram _keydata="C4C6C8D4C9D9E240" "#), "{}", r.body);
        assert!(r.body.ends_with("/></records></response>"));
        assert_eq!(r.body.matches("<cicsprogram ").count(), 27);
    }

    #[test]
    fn criteria_and_count() {
        let r = q(
            "/CICSSystemManagement/cicsprogram/CICSPLEX1/IYK2ZAB1",
            Some("CRITERIA=PROGRAM%3DDFH*"),
        );
        assert_eq!(attr(&r.body, "recordcount"), "5");
        let r = q(
            "/CICSSystemManagement/CICSProgram/CICSPLEX1/IYK2ZAB1",
            Some("CRITERIA=(PROGRAM%3DDFH*)%20AND%20(STATUS%3DENABLED)&PARAMETER=x"),
        );
        assert_eq!(attr(&r.body, "recordcount"), "4");
        let r = q(
            "/CICSSystemManagement/CICSProgram/CICSPLEX1//2",
            Some("CRITERIA=PROGRAM=DFH*"),
        );
        assert_eq!(attr(&r.body, "recordcount"), "15");
        assert_eq!(attr(&r.body, "displayed_recordcount"), "2");
        assert_eq!(r.body.matches("<cicsprogram ").count(), 2);
        let r = q("/CICSSystemManagement/CICSProgram/IYK2ZAB3", None);
        assert_eq!(attr(&r.body, "recordcount"), "9", "a region as context");
        let r = q("/CICSSystemManagement/CICSRegion/CICSPLEX1/IYK2GRP1", None);
        assert_eq!(attr(&r.body, "recordcount"), "2", "a system group as scope");
        let r = q(
            "/CICSSystemManagement/CICSProgram/CICSPLEX1",
            Some("SUMMONLY&NODISCARD"),
        );
        assert_eq!(attr(&r.body, "recordcount"), "27");
        assert_eq!(attr(&r.body, "displayed_recordcount"), "0");
        assert!(!r.body.contains("<records>"));
    }

    #[test]
    fn nodata_and_invalidparm() {
        let r = q(
            "/CICSSystemManagement/CICSProgram/CICSPLEX1",
            Some("CRITERIA=PROGRAM%3DNOSUCH*"),
        );
        assert_eq!(r.status, 200);
        assert_eq!(attr(&r.body, "api_response1"), "1027");
        assert_eq!(attr(&r.body, "api_response1_alt"), "NODATA");
        assert!(!r.body.contains("<records"));
        for (query, path, why) in [
            (
                Some("CRITERIA=PROGRAM%3D"),
                "/CICSSystemManagement/CICSProgram/CICSPLEX1",
                "CRITERIA",
            ),
            (
                Some("CRITERIA=NOSUCHATTR%3DX"),
                "/CICSSystemManagement/CICSProgram/CICSPLEX1",
                "CRITERIA",
            ),
            (None, "/CICSSystemManagement/CICSProgram/NOPLEX", "CONTEXT"),
            (
                None,
                "/CICSSystemManagement/CICSProgram/CICSPLEX1/NOREGION",
                "SCOPE",
            ),
        ] {
            let r = q(path, query);
            assert_eq!(r.status, 200);
            assert_eq!(attr(&r.body, "api_response1"), "1028", "{path} {query:?}");
            assert_eq!(attr(&r.body, "api_response1_alt"), "INVALIDPARM");
            assert_eq!(attr(&r.body, "api_response2_alt"), why);
        }
    }

    #[test]
    fn http_errors() {
        let r = q("/CICSSystemManagement/CICSNoSuchThing/CICSPLEX1", None);
        assert_eq!(r.status, 404);
        assert!(
            r.body.contains(r#"<error message_id="DFHWU4041""#),
            "{}",
            r.body
        );
        assert!(r.body.contains("CICSNoSuchThing"));
        let r = q("/cicssystemmanagement/CICSProgram/CICSPLEX1", None);
        assert_eq!(r.status, 404, "CICSSystemManagement is case-sensitive");
        assert!(!r.body.contains("<error"));
        assert_eq!(q("/CICSSystemManagementX/CICSProgram/P", None).status, 404);
        for (path, query, id) in [
            ("/CICSSystemManagement/", None, "DFHWU4001"),
            ("/CICSSystemManagement/CICSProgram", None, "DFHWU4004"),
            (
                "/CICSSystemManagement/CICSProgram/CICSPLEX1",
                Some("BOGUS=1"),
                "DFHWU4003",
            ),
            (
                "/CICSSystemManagement/CICSProgram/CICSPLEX1//x",
                None,
                "DFHWU4009",
            ),
            (
                "/CICSSystemManagement/CICSProgram/CICSPLEX1//0",
                None,
                "DFHWU4009",
            ),
            (
                "/CICSSystemManagement/CICSProgram/CICSPLEX1/IYK2ZAB1/extra",
                None,
                "DFHWU4012",
            ),
        ] {
            let r = q(path, query);
            assert_eq!(r.status, 400, "{path}");
            assert!(
                r.body.contains(&format!(r#"message_id="{id}""#)),
                "{path}: {}",
                r.body
            );
        }
        let long = format!("/CICSSystemManagement/CICSProgram/{}", "A".repeat(300));
        assert!(q(&long, None).body.contains("DFHWU4002"));
    }

    #[test]
    fn hostile_values_are_escaped() {
        let r = q("/CICSSystemManagement/%3Cx%3E%22&/P", None);
        assert_eq!(r.status, 404);
        assert!(r.body.contains("&lt;x&gt;&quot;&amp;"), "{}", r.body);
        let r = get(
            "/CICSSystemManagement/CICSRegion/CICSPLEX1",
            None,
            "a\"<b>",
            &records(),
        );
        assert!(
            r.body
                .contains("http://a&quot;&lt;b&gt;/CICSSystemManagement")
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("A%3DB%20C+D"), "A=B C+D");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
