//! Parsing CMCI XML: `<response>` bodies of HTTP 200 answers and `<error>` bodies of the others.

use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{Error, echo};

/// The largest body [`parse_response`] and [`parse_error_body`] read, in bytes. Ask for fewer
/// records at a time (a count, or pages of a retained result set) to stay below it.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The deepest element nesting accepted. CMCI responses nest four or five levels.
pub const MAX_DEPTH: usize = 32;

/// The most attributes accepted on one element. The widest CICS resource tables have a few
/// hundred attributes.
pub const MAX_ATTRIBUTES: usize = 4096;

/// The most records accepted in one response.
pub const MAX_RECORDS: usize = 1_000_000;

/// The longest text kept for one field of a [`CmciHttpError`], in characters.
const MAX_ERROR_TEXT: usize = 4096;

/// CMCI's `api_response1`: the outcome of the request as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiResponse {
    /// 1024: the request succeeded.
    Ok,
    /// 1025: the request was scheduled and runs asynchronously.
    Scheduled,
    /// 1026: nothing matched (for example an unknown scope).
    NotFound,
    /// 1027: the query matched no records.
    NoData,
    /// 1028: a parameter was not valid; `api_response2_alt` names it.
    InvalidParm,
    /// 1029: the request failed; feedback records say why.
    Failed,
    /// 1030: an environment error in CICSPlex SM.
    EnvironError,
    /// 1031: the user is not authorised.
    NotPermit,
    /// 1032: a resource was busy.
    Busy,
    /// 1033: the CMAS or region went away.
    ServerGone,
    /// 1034: the function is not available.
    NotAvailable,
    /// 1035: a version mismatch.
    VersionInvl,
    /// 1036: the command is not valid.
    InvalidCmd,
    /// 1037: the request completed with a warning.
    Warning,
    /// 1038: a resource table is in error.
    TableError,
    /// 1039: incompatible parameters or resources.
    Incompatible,
    /// 1040: the resource is in use.
    InUse,
    /// 1041: data not valid (CMCI spells it `INVALIDATA`).
    InvalidData,
    /// 1042: a duplicate.
    Dupe,
    /// A code this version of cicsx does not know.
    Unknown(u32),
}

/// Every known code with its variant and CMCI name, in code order.
const API_RESPONSES: [(u32, ApiResponse, &str); 19] = [
    (1024, ApiResponse::Ok, "OK"),
    (1025, ApiResponse::Scheduled, "SCHEDULED"),
    (1026, ApiResponse::NotFound, "NOTFOUND"),
    (1027, ApiResponse::NoData, "NODATA"),
    (1028, ApiResponse::InvalidParm, "INVALIDPARM"),
    (1029, ApiResponse::Failed, "FAILED"),
    (1030, ApiResponse::EnvironError, "ENVIRONERROR"),
    (1031, ApiResponse::NotPermit, "NOTPERMIT"),
    (1032, ApiResponse::Busy, "BUSY"),
    (1033, ApiResponse::ServerGone, "SERVERGONE"),
    (1034, ApiResponse::NotAvailable, "NOTAVAILABLE"),
    (1035, ApiResponse::VersionInvl, "VERSIONINVL"),
    (1036, ApiResponse::InvalidCmd, "INVALIDCMD"),
    (1037, ApiResponse::Warning, "WARNING"),
    (1038, ApiResponse::TableError, "TABLEERROR"),
    (1039, ApiResponse::Incompatible, "INCOMPATIBLE"),
    (1040, ApiResponse::InUse, "INUSE"),
    (1041, ApiResponse::InvalidData, "INVALIDATA"),
    (1042, ApiResponse::Dupe, "DUPE"),
];

impl ApiResponse {
    /// The response for a numeric `api_response1` code; unknown codes are kept.
    pub fn from_code(code: u32) -> Self {
        API_RESPONSES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or(ApiResponse::Unknown(code), |(_, r, _)| *r)
    }

    /// The numeric code, e.g. 1024 for [`ApiResponse::Ok`].
    pub fn code(self) -> u32 {
        match self {
            ApiResponse::Unknown(code) => code,
            known => API_RESPONSES
                .iter()
                .find(|(_, r, _)| *r == known)
                .map_or(0, |(c, _, _)| *c),
        }
    }

    /// CMCI's name for the code (`api_response1_alt`), e.g. `"OK"`, `"NODATA"`; `"UNKNOWN"` for
    /// a code this version does not know.
    pub fn name(self) -> &'static str {
        API_RESPONSES
            .iter()
            .find(|(_, r, _)| *r == self)
            .map_or("UNKNOWN", |(_, _, n)| *n)
    }

    /// Whether the request did what was asked: `OK`, or `NODATA` (a query that matched nothing).
    pub fn is_success(self) -> bool {
        matches!(self, ApiResponse::Ok | ApiResponse::NoData)
    }
}

impl std::fmt::Display for ApiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

/// The `<resultsummary>` element: response codes and record counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultSummary {
    /// `api_response1`, the overall outcome.
    pub api_response1: ApiResponse,
    /// `api_response2`, the reason code (0 when absent).
    pub api_response2: u32,
    /// `api_response1_alt`, CMCI's name for `api_response1` (empty when absent).
    pub api_response1_alt: String,
    /// `api_response2_alt`, often the name of the offending parameter (empty when absent).
    pub api_response2_alt: String,
    /// `recordcount`: how many records the query matched.
    pub record_count: u64,
    /// `displayed_recordcount`: how many records this response carries.
    pub displayed_record_count: u64,
    /// `cachetoken`: the retained result set, when the query asked for NODISCARD.
    pub cache_token: Option<String>,
}

/// One record: an element of `<records>`, such as `<cicsprogram program="DFHAMP" .../>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The element's local name, e.g. `cicsprogram`.
    pub resource: String,
    /// The attributes, in document order, entity references replaced.
    pub attributes: Vec<(String, String)>,
}

impl Record {
    /// The value of the attribute `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        find(&self.attributes, name)
    }
}

/// One `<feedback>` element of `<errors>`: why an action or query failed.
///
/// Attributes of elements nested in a feedback element (`<installerror>`,
/// `<inconsistentscope>`, `<inconsistentset>`) are added with the element name as a prefix,
/// e.g. `installerror.errorcode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// The attributes, in document order.
    pub attributes: Vec<(String, String)>,
}

impl Feedback {
    /// The value of the attribute `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        find(&self.attributes, name)
    }
}

fn find<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A parsed CMCI `<response>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The result summary.
    pub summary: ResultSummary,
    /// The records, in document order (empty for NODATA).
    pub records: Vec<Record>,
    /// The feedback records of `<errors>` (empty on success).
    pub errors: Vec<Feedback>,
    /// The `connect_version` attribute of `<response>`, e.g. `0610`.
    pub connect_version: Option<String>,
}

/// The `<error message_id="DFHWU4003">` body CMCI sends with a non-200 HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmciHttpError {
    /// The CICS message ID, e.g. `DFHWU4003` (empty if the body had none).
    pub message_id: String,
    /// The title, e.g. `400 CICS management client interface HTTP Error`.
    pub title: Option<String>,
    /// The explanation: the `short` and `full` texts and any `errorInfo` details, joined.
    pub text: Option<String>,
}

/// What the element being read is, in the `<response>` document.
#[derive(Clone, Copy)]
enum Ctx {
    Response,
    Records,
    Record,
    Errors,
    Feedback,
    Other,
}

/// Parses the body of a CMCI answer (HTTP 200) into a [`Response`].
///
/// Namespaces and prefixes are tolerated (elements are matched by local name), entity and
/// character references are replaced, and attribute values are normalised as XML requires.
/// Hostile input gives an [`Error`], never a panic: bodies above [`MAX_BODY_BYTES`], nesting
/// deeper than [`MAX_DEPTH`], more than [`MAX_ATTRIBUTES`] attributes on one element and more
/// than [`MAX_RECORDS`] records are refused. DTDs are ignored and never expanded.
///
/// ```
/// let body = br#"<response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" version="3.0">
///   <resultsummary api_response1="1024" api_response2="0" api_response1_alt="OK"
///       api_response2_alt="" recordcount="1" displayed_recordcount="1"/>
///   <records><cicsprogram program="DFHAMP" eyu_cicsname="IYK2ZAB1"/></records>
/// </response>"#;
/// let response = cicsx_cmci::parse_response(body)?;
/// assert_eq!(response.summary.api_response1, cicsx_cmci::ApiResponse::Ok);
/// assert_eq!(response.records[0].get("PROGRAM"), Some("DFHAMP"));
/// # Ok::<(), cicsx_cmci::Error>(())
/// ```
pub fn parse_response(xml: &[u8]) -> Result<Response, Error> {
    check_size(xml)?;
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Ctx> = Vec::new();
    let mut root_seen = false;
    let mut summary: Option<ResultSummary> = None;
    let mut records: Vec<Record> = Vec::new();
    let mut errors: Vec<Feedback> = Vec::new();
    let mut connect_version = None;

    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| malformed(&reader, e))?;
        let (element, is_empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            // Text, CDATA, comments, processing instructions, the declaration and any DTD
            // carry nothing CMCI uses. A DTD's entities are never expanded.
            _ => continue,
        };
        if stack.len() >= MAX_DEPTH {
            return Err(limit("nesting levels", MAX_DEPTH, start));
        }
        let name = element.local_name();
        let name = name.as_ref();
        let ctx = match stack.last().copied() {
            None => {
                if root_seen {
                    return Err(malformed_msg(start, "more than one root element"));
                }
                root_seen = true;
                if name != "response" {
                    return Err(Error::NotCmciResponse { found: echo(name) });
                }
                connect_version =
                    find(&read_attributes(&element, start)?, "connect_version").map(str::to_owned);
                Ctx::Response
            }
            Some(Ctx::Response) => match name {
                "resultsummary" => {
                    let attributes = read_attributes(&element, start)?;
                    if summary.is_none() {
                        summary = Some(result_summary(&attributes)?);
                    }
                    Ctx::Other
                }
                "records" => Ctx::Records,
                "errors" => Ctx::Errors,
                _ => Ctx::Other,
            },
            Some(Ctx::Records) => {
                if records.len() >= MAX_RECORDS {
                    return Err(limit("records", MAX_RECORDS, start));
                }
                records.push(Record {
                    resource: name.to_owned(),
                    attributes: read_attributes(&element, start)?,
                });
                Ctx::Record
            }
            Some(Ctx::Errors) if name == "feedback" => {
                if errors.len() >= MAX_RECORDS {
                    return Err(limit("records", MAX_RECORDS, start));
                }
                errors.push(Feedback {
                    attributes: read_attributes(&element, start)?,
                });
                Ctx::Feedback
            }
            Some(Ctx::Feedback) => {
                let nested = read_attributes(&element, start)?;
                if let Some(feedback) = errors.last_mut() {
                    if feedback.attributes.len() + nested.len() > MAX_ATTRIBUTES {
                        return Err(limit("attributes on one element", MAX_ATTRIBUTES, start));
                    }
                    feedback
                        .attributes
                        .extend(nested.into_iter().map(|(k, v)| (format!("{name}.{k}"), v)));
                }
                Ctx::Other
            }
            Some(Ctx::Errors | Ctx::Record | Ctx::Other) => Ctx::Other,
        };
        if !is_empty {
            stack.push(ctx);
        }
    }

    if !stack.is_empty() {
        return Err(malformed_msg(
            reader.buffer_position(),
            "the document ends before its elements are closed",
        ));
    }
    if !root_seen {
        return Err(Error::NotCmciResponse {
            found: "nothing".to_owned(),
        });
    }
    let summary = summary.ok_or(Error::MissingResultSummary)?;
    Ok(Response {
        summary,
        records,
        errors,
        connect_version,
    })
}

/// Parses the `<error message_id="...">` body CMCI sends with a non-200 HTTP status.
///
/// Liberal in what it accepts: the message ID, title and text may be attributes or child
/// elements; IBM's documented shape has `<title>`, `<short>`, `<full>` and `<errorInfo>`
/// children, which are joined into [`CmciHttpError::text`]. Whitespace runs are collapsed and
/// control characters dropped. Returns `None` when the body is not well-formed XML, its root is
/// not `<error>`, or it says nothing at all.
///
/// ```
/// let body = br#"<?xml version="1.0" encoding="UTF-8"?>
/// <error message_id="DFHWU4003" connect_version="0410">
///   <title>400 CICS management client interface HTTP Error</title>
///   <short>An error has occurred. The request cannot be processed.</short>
///   <full>An unknown query parameter was specified in the URI.</full>
///   <errorInfo name="CRITERIAX">CRITERIAX</errorInfo>
/// </error>"#;
/// let error = cicsx_cmci::parse_error_body(body).unwrap();
/// assert_eq!(error.message_id, "DFHWU4003");
/// assert!(error.text.unwrap().contains("unknown query parameter"));
/// ```
pub fn parse_error_body(xml: &[u8]) -> Option<CmciHttpError> {
    if xml.len() > MAX_BODY_BYTES {
        return None;
    }
    let mut reader = Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut message_id = String::new();
    let mut title = String::new();
    let mut text_parts: Vec<String> = Vec::new();
    // The field the text being read belongs to, and (for errorInfo) its name attribute.
    let mut field: Option<(&'static str, String)> = None;
    let mut current = String::new();
    // Text directly inside <error>, used when there is no other text.
    let mut root_text = String::new();

    loop {
        let start = reader.buffer_position();
        match reader.read_event().ok()? {
            Event::Start(_) | Event::Empty(_) if depth >= MAX_DEPTH => return None,
            Event::Start(e) => {
                depth += 1;
                handle_error_element(
                    &e,
                    start,
                    depth,
                    &mut root_seen,
                    &mut message_id,
                    &mut title,
                    &mut text_parts,
                )?;
                if depth == 2 {
                    field = error_field(&e);
                    current.clear();
                }
            }
            Event::Empty(e) => {
                handle_error_element(
                    &e,
                    start,
                    depth + 1,
                    &mut root_seen,
                    &mut message_id,
                    &mut title,
                    &mut text_parts,
                )?;
            }
            Event::End(_) => {
                if depth == 2
                    && let Some((kind, info_name)) = field.take()
                {
                    let value = clean(&current);
                    match kind {
                        "message_id" if message_id.is_empty() => message_id = value,
                        "title" if title.is_empty() => title = value,
                        "errorinfo" if !value.is_empty() => {
                            let info_name = clean(&info_name);
                            if info_name.is_empty() || info_name == value {
                                text_parts.push(format!("({value})"));
                            } else {
                                text_parts.push(format!("({info_name}: {value})"));
                            }
                        }
                        "text" if !value.is_empty() => text_parts.push(value),
                        _ => {}
                    }
                    current.clear();
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) => collect(
                &mut field,
                &mut current,
                &mut root_text,
                depth,
                &t.xml10_content(),
            ),
            Event::CData(t) => collect(
                &mut field,
                &mut current,
                &mut root_text,
                depth,
                &t.xml10_content(),
            ),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().ok()? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)?.to_owned(),
                };
                collect(&mut field, &mut current, &mut root_text, depth, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || !root_seen {
        return None;
    }
    if text_parts.is_empty() {
        text_parts.push(clean(&root_text));
    }
    let text = cap(&text_parts.join(" "));
    if message_id.is_empty() && title.is_empty() && text.is_empty() {
        return None;
    }
    Some(CmciHttpError {
        message_id,
        title: (!title.is_empty()).then_some(title),
        text: (!text.is_empty()).then_some(text),
    })
}

/// Handles the attributes of an element of an `<error>` body; `None` if the document is not
/// one.
fn handle_error_element(
    e: &BytesStart<'_>,
    start: u64,
    depth: usize,
    root_seen: &mut bool,
    message_id: &mut String,
    title: &mut String,
    text_parts: &mut Vec<String>,
) -> Option<()> {
    if depth == 1 {
        if *root_seen || e.local_name().as_ref() != "error" {
            return None;
        }
        *root_seen = true;
        let attributes = read_attributes(e, start).ok()?;
        if let Some(id) = find(&attributes, "message_id") {
            *message_id = clean(id);
        }
        if let Some(t) = find(&attributes, "title") {
            *title = clean(t);
        }
        for name in ["text", "short", "full"] {
            if let Some(t) = find(&attributes, name) {
                let t = clean(t);
                if !t.is_empty() {
                    text_parts.push(t);
                }
            }
        }
    }
    Some(())
}

/// Which field of [`CmciHttpError`] a child element of `<error>` feeds.
fn error_field(e: &BytesStart<'_>) -> Option<(&'static str, String)> {
    let name = e.local_name();
    let kind = match name.as_ref().to_ascii_lowercase().as_str() {
        "message_id" | "messageid" => "message_id",
        "title" => "title",
        "text" | "short" | "full" | "message" | "explanation" => "text",
        "errorinfo" => "errorinfo",
        _ => return None,
    };
    let info_name = if kind == "errorinfo" {
        read_attributes(e, 0)
            .ok()
            .and_then(|a| find(&a, "name").map(str::to_owned))
            .unwrap_or_default()
    } else {
        String::new()
    };
    Some((kind, info_name))
}

/// Collapses whitespace runs to one space, drops control characters, trims and caps.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_ERROR_TEXT));
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
    }
    cap(&out)
}

fn cap(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_TEXT) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Adds text read inside an `<error>` body to the field being read, or to the root's text.
fn collect(
    field: &mut Option<(&'static str, String)>,
    current: &mut String,
    root_text: &mut String,
    depth: usize,
    text: &str,
) {
    if field.is_some() {
        push_capped(current, text);
    } else if depth == 1 {
        push_capped(root_text, text);
    }
}

fn push_capped(out: &mut String, text: &str) {
    // Keep collecting until a little past the cap; `clean` cuts to the exact length.
    if out.len() < MAX_ERROR_TEXT * 4 {
        out.push_str(text);
    }
}

/// The attributes of an element, namespace declarations left out, prefixes dropped, values
/// unescaped and normalised.
fn read_attributes(element: &BytesStart<'_>, offset: u64) -> Result<Vec<(String, String)>, Error> {
    let mut attributes = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut iter = element.attributes();
    iter.with_checks(false);
    for attribute in iter {
        let attribute = attribute.map_err(|e| malformed_at(offset, e))?;
        let qname = attribute.key;
        let full = qname.as_ref();
        if full == "xmlns" || full.starts_with("xmlns:") {
            continue;
        }
        if attributes.len() >= MAX_ATTRIBUTES {
            return Err(limit("attributes on one element", MAX_ATTRIBUTES, offset));
        }
        if !seen.insert(full.to_owned()) {
            return Err(malformed_msg(
                offset,
                &format!("attribute {} appears twice on one element", echo(full)),
            ));
        }
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| malformed_at(offset, e))?;
        attributes.push((qname.local_name().as_ref().to_owned(), value.into_owned()));
    }
    Ok(attributes)
}

fn result_summary(attributes: &[(String, String)]) -> Result<ResultSummary, Error> {
    let api_response1 = match number(attributes, "api_response1")? {
        Some(code) => ApiResponse::from_code(code),
        None => {
            return Err(Error::InvalidAttribute {
                element: "resultsummary".to_owned(),
                attribute: "api_response1".to_owned(),
                value: String::new(),
            });
        }
    };
    let text = |name: &str| find(attributes, name).unwrap_or_default().to_owned();
    Ok(ResultSummary {
        api_response1,
        api_response2: number(attributes, "api_response2")?.unwrap_or(0),
        api_response1_alt: text("api_response1_alt"),
        api_response2_alt: text("api_response2_alt"),
        record_count: number(attributes, "recordcount")?.unwrap_or(0),
        displayed_record_count: number(attributes, "displayed_recordcount")?.unwrap_or(0),
        cache_token: find(attributes, "cachetoken")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
    })
}

/// A numeric attribute of `<resultsummary>`; absent or empty is `None`.
fn number<T: std::str::FromStr>(
    attributes: &[(String, String)],
    name: &str,
) -> Result<Option<T>, Error> {
    match find(attributes, name).map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => value
            .parse()
            .map(Some)
            .map_err(|_| Error::InvalidAttribute {
                element: "resultsummary".to_owned(),
                attribute: name.to_owned(),
                value: echo(value),
            }),
    }
}

fn check_size(xml: &[u8]) -> Result<(), Error> {
    if xml.len() > MAX_BODY_BYTES {
        return Err(limit("bytes", MAX_BODY_BYTES, MAX_BODY_BYTES as u64));
    }
    Ok(())
}

fn limit(what: &'static str, max: usize, offset: u64) -> Error {
    Error::LimitExceeded {
        what,
        max: max as u64,
        offset,
    }
}

fn malformed(reader: &Reader<&[u8]>, e: quick_xml::Error) -> Error {
    malformed_at(reader.error_position(), e)
}

fn malformed_at<E>(offset: u64, e: E) -> Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    Error::MalformedXml {
        offset,
        message: echo(&e.to_string()),
        source: Box::new(e),
    }
}

fn malformed_msg(offset: u64, message: &str) -> Error {
    Error::MalformedXml {
        offset,
        message: message.to_owned(),
        source: message.to_owned().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_response_codes_round_trip() {
        for code in 1024..=1042 {
            let r = ApiResponse::from_code(code);
            assert!(!matches!(r, ApiResponse::Unknown(_)), "{code}");
            assert_eq!(r.code(), code);
            assert_ne!(r.name(), "UNKNOWN");
        }
        assert_eq!(ApiResponse::from_code(1041).name(), "INVALIDATA");
        assert_eq!(ApiResponse::from_code(1027), ApiResponse::NoData);
        assert_eq!(ApiResponse::from_code(7), ApiResponse::Unknown(7));
        assert_eq!(ApiResponse::Unknown(7).code(), 7);
        assert_eq!(ApiResponse::Unknown(7).name(), "UNKNOWN");
        assert_eq!(ApiResponse::Ok.to_string(), "OK (1024)");
        assert!(ApiResponse::NoData.is_success());
        assert!(!ApiResponse::NotPermit.is_success());
    }

    #[test]
    fn attributes_drop_namespace_declarations_and_prefixes() {
        let xml = br#"<r xmlns="urn:a" xmlns:x="urn:x" x:one="1" two="a &amp; b&#x21;"/>"#;
        let mut reader = Reader::from_reader(&xml[..]);
        let Ok(Event::Empty(e)) = reader.read_event() else {
            panic!("expected an empty element");
        };
        let attributes = read_attributes(&e, 0).unwrap();
        assert_eq!(
            attributes,
            vec![
                ("one".to_owned(), "1".to_owned()),
                ("two".to_owned(), "a & b!".to_owned())
            ]
        );
    }

    #[test]
    fn clean_collapses_whitespace_and_drops_controls() {
        assert_eq!(clean("  a\t\n b\u{1b}[0m  c "), "a b[0m c");
        let long = "x".repeat(MAX_ERROR_TEXT + 10);
        assert_eq!(clean(&long).chars().count(), MAX_ERROR_TEXT + 1);
    }
}
