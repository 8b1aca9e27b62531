//! Parsing CMCI bodies shaped like the examples in IBM's documentation.

use cicsx_cmci::{ApiResponse, Error, MAX_ATTRIBUTES, MAX_DEPTH, parse_error_body, parse_response};

const OK_PROGRAMS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.ibm.com/xmlns/prod/CICS/smw2int http://winmvs2c.example.com:28953/CICSSystemManagement/schema/CICSSystemManagement.xsd"
    version="3.0" connect_version="0610">
  <resultsummary api_response1="1024" api_response2="0" api_response1_alt="OK"
      api_response2_alt="" recordcount="3" displayed_recordcount="3"/>
  <records>
    <cicsprogram _keydata="C4C6C8C1D4D74040" program="DFHAMP" eyu_cicsname="IYK2ZAB1"
        language="ASSEMBLER" status="ENABLED" usecount="12" description="Resource &amp; &lt;definition&gt; manager"/>
    <cicsprogram _keydata="C4C6C8C3C5C3C3D4" program="DFHCECCM" eyu_cicsname="IYK2ZAB1"
        language="COBOL" status="DISABLED" usecount="0" description="line&#10;break&#x9;tab"/>
    <cicsprogram _keydata="D7D9D6C7F1404040" program="PROG1" eyu_cicsname="IYK2ZAB2"
        language="PLI" status="ENABLED" usecount="4"></cicsprogram>
  </records>
</response>
"#;

#[test]
fn ok_response_with_records() {
    let r = parse_response(OK_PROGRAMS.as_bytes()).unwrap();
    assert_eq!(r.connect_version.as_deref(), Some("0610"));
    assert_eq!(r.summary.api_response1, ApiResponse::Ok);
    assert_eq!(r.summary.api_response1_alt, "OK");
    assert_eq!(r.summary.api_response2, 0);
    assert_eq!(r.summary.api_response2_alt, "");
    assert_eq!(r.summary.record_count, 3);
    assert_eq!(r.summary.displayed_record_count, 3);
    assert_eq!(r.summary.cache_token, None);
    assert!(r.errors.is_empty());
    assert_eq!(r.records.len(), 3);

    let first = &r.records[0];
    assert_eq!(first.resource, "cicsprogram");
    // Document order is kept.
    let names: Vec<&str> = first.attributes.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "_keydata",
            "program",
            "eyu_cicsname",
            "language",
            "status",
            "usecount",
            "description"
        ]
    );
    assert_eq!(first.get("Program"), Some("DFHAMP"));
    assert_eq!(
        first.get("description"),
        Some("Resource & <definition> manager")
    );
    assert_eq!(first.get("nosuch"), None);
    // Character references survive attribute-value normalisation; literal whitespace is a space.
    assert_eq!(r.records[1].get("description"), Some("line\nbreak\ttab"));
    assert_eq!(r.records[2].get("eyu_cicsname"), Some("IYK2ZAB2"));
}

#[test]
fn nodata_response_without_records_element() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" version="3.0" connect_version="0560">
  <resultsummary api_response1="1027" api_response2="0" api_response1_alt="NODATA"
      api_response2_alt="" recordcount="0" displayed_recordcount="0" />
</response>"#;
    let r = parse_response(body).unwrap();
    assert_eq!(r.summary.api_response1, ApiResponse::NoData);
    assert_eq!(r.summary.api_response1.name(), "NODATA");
    assert!(r.records.is_empty());
    assert!(r.errors.is_empty());
}

#[test]
fn invalidparm_with_feedback() {
    let body = br#"<response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" version="3.0" connect_version="0610">
  <resultsummary api_response1="1028" api_response2="1343" api_response1_alt="INVALIDPARM"
      api_response2_alt="CRITERIA" recordcount="0" displayed_recordcount="0"/>
  <errors>
    <feedback action="" attribute1="" attribute2="" eibfn="0000" eibfn_alt="" eyu_cicsname="IYK2ZAB1"
        errorcode="1" resp="16" resp_alt="INVREQ" resp2="4" sysid="ZAB1">
      <installerror errorcode="23" resp="16"/>
    </feedback>
    <feedback eyu_cicsname="IYK2ZAB2" resp="13" resp_alt="NOTFND"/>
  </errors>
</response>"#;
    let r = parse_response(body).unwrap();
    assert_eq!(r.summary.api_response1, ApiResponse::InvalidParm);
    assert_eq!(r.summary.api_response2, 1343);
    assert_eq!(r.summary.api_response2_alt, "CRITERIA");
    assert_eq!(r.errors.len(), 2);
    assert_eq!(r.errors[0].get("resp_alt"), Some("INVREQ"));
    assert_eq!(r.errors[0].get("installerror.errorcode"), Some("23"));
    assert_eq!(r.errors[1].get("resp_alt"), Some("NOTFND"));
    assert!(r.records.is_empty());
}

#[test]
fn cache_token_and_partial_display() {
    let body = br#"<response version="3.0" connect_version="0610">
  <resultsummary api_response1="1024" api_response2="0" api_response1_alt="OK"
      api_response2_alt="" recordcount="250" displayed_recordcount="1"
      cachetoken="E0B6C5A8D3F52B01"/>
  <records><cicslocaltransaction tranid="CEDA" program="DFHEDAP" status="ENABLED"/></records>
</response>"#;
    let r = parse_response(body).unwrap();
    assert_eq!(r.summary.cache_token.as_deref(), Some("E0B6C5A8D3F52B01"));
    assert_eq!(r.summary.record_count, 250);
    assert_eq!(r.summary.displayed_record_count, 1);
    assert_eq!(r.records[0].resource, "cicslocaltransaction");
    assert_eq!(r.connect_version.as_deref(), Some("0610"));
}

#[test]
fn prefixed_namespaces_are_tolerated() {
    let body = br#"<c:response xmlns:c="http://www.ibm.com/xmlns/prod/CICS/smw2int">
  <c:resultsummary api_response1="1024" recordcount="1" displayed_recordcount="1"/>
  <c:records><c:cicsregion c:applid="IYK2ZAB1" jobname="ZAB1JOB"/></c:records>
</c:response>"#;
    let r = parse_response(body).unwrap();
    assert_eq!(r.records[0].resource, "cicsregion");
    assert_eq!(r.records[0].get("applid"), Some("IYK2ZAB1"));
    assert_eq!(r.records[0].get("jobname"), Some("ZAB1JOB"));
}

#[test]
fn unknown_codes_are_kept() {
    let body = br#"<response><resultsummary api_response1="1099" api_response1_alt="NEWTHING"/></response>"#;
    let r = parse_response(body).unwrap();
    assert_eq!(r.summary.api_response1, ApiResponse::Unknown(1099));
    assert_eq!(r.summary.api_response1_alt, "NEWTHING");
    assert_eq!(r.summary.record_count, 0);
}

fn err(body: &[u8]) -> Error {
    match parse_response(body) {
        Err(e) => e,
        Ok(r) => panic!("expected an error, got {r:?}"),
    }
}

#[test]
fn malformed_xml_reports_a_byte_offset() {
    let body = b"<response><resultsummary api_response1=\"1024\"/><records></response>";
    let e = err(body);
    assert_eq!(e.id(), "CICSX0601E");
    match e {
        Error::MalformedXml { offset, .. } => assert!(offset > 40 && offset <= body.len() as u64),
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&err(body)).is_some());
    assert_eq!(
        err(b"<response><resultsummary api_response1=\"1024\"/>").id(),
        "CICSX0601E"
    );
    assert_eq!(err(b"<response a=\"1\" a=\"2\"/>").id(), "CICSX0601E");
    assert_eq!(
        err(b"<response><records><r x=\"&custom;\"/></records></response>").id(),
        "CICSX0601E"
    );
    assert_eq!(err(b"<response/><response/>").id(), "CICSX0601E");
    assert_eq!(err(b"<response>\xff\xfe</response>").id(), "CICSX0601E");
}

#[test]
fn other_documents_are_not_cmci_responses() {
    match err(b"<html><body>Not Found</body></html>") {
        Error::NotCmciResponse { found } => assert_eq!(found, "html"),
        other => panic!("{other:?}"),
    }
    match err(b"   ") {
        Error::NotCmciResponse { found } => assert_eq!(found, "nothing"),
        other => panic!("{other:?}"),
    }
    let e = err(br#"<error message_id="DFHWU4003"><title>x</title></error>"#);
    assert!(e.explanation().contains("CMCI error message"));
    assert_eq!(err(b"<response><records/></response>").id(), "CICSX0603E");
}

#[test]
fn bad_numbers_in_the_summary_are_refused() {
    let e = err(br#"<response><resultsummary api_response1="OK"/></response>"#);
    assert_eq!(e.id(), "CICSX0604E");
    assert!(e.to_string().contains("api_response1"), "{e}");
    let e = err(br#"<response><resultsummary api_response1="1024" recordcount="-1"/></response>"#);
    assert!(e.to_string().contains("recordcount"), "{e}");
    let e = err(br#"<response><resultsummary api_response2="0"/></response>"#);
    assert_eq!(e.id(), "CICSX0604E");
}

#[test]
fn deep_nesting_is_refused() {
    let mut body = String::from("<response><resultsummary api_response1=\"1024\"/>");
    for _ in 0..(MAX_DEPTH + 5) {
        body.push_str("<a>");
    }
    let e = err(body.as_bytes());
    assert_eq!(e.id(), "CICSX0605E");
    assert!(e.to_string().contains("nesting"), "{e}");
    // A million opening tags: refused early, quickly.
    let huge = "<a>".repeat(1_000_000);
    assert_eq!(err(huge.as_bytes()).id(), "CICSX0602E");
    let huge = format!("<response>{huge}");
    assert_eq!(err(huge.as_bytes()).id(), "CICSX0605E");
}

#[test]
fn huge_attribute_counts_are_refused() {
    let mut body = String::from("<response><resultsummary api_response1=\"1024\"/><records><r ");
    for i in 0..(MAX_ATTRIBUTES + 1) {
        body.push_str(&format!("a{i}=\"v\" "));
    }
    body.push_str("/></records></response>");
    let e = err(body.as_bytes());
    assert_eq!(e.id(), "CICSX0605E");
    assert!(e.to_string().contains("attributes"), "{e}");
}

#[test]
fn error_body_in_ibms_documented_shape() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<error message_id="DFHWU4003" connect_version="0410">
<title>400 CICS management client interface HTTP Error</title>
<short>An error has occurred in the CICS management client interface. The request cannot be processed.</short>
<full> An unknown query parameter was specified in the URI.</full>
<errorInfo name="ccc">ccc</errorInfo>
</error>"#;
    let e = parse_error_body(body).unwrap();
    assert_eq!(e.message_id, "DFHWU4003");
    assert_eq!(
        e.title.as_deref(),
        Some("400 CICS management client interface HTTP Error")
    );
    assert_eq!(
        e.text.as_deref(),
        Some(
            "An error has occurred in the CICS management client interface. The request cannot \
             be processed. An unknown query parameter was specified in the URI. (ccc)"
        )
    );
}

#[test]
fn error_body_variants_are_accepted() {
    let e = parse_error_body(
        br#"<error xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" message_id="DFHWU4007" title="404 Not found" text="Resource &quot;CICSFoo&quot; unknown"/>"#,
    )
    .unwrap();
    assert_eq!(e.message_id, "DFHWU4007");
    assert_eq!(e.title.as_deref(), Some("404 Not found"));
    assert_eq!(e.text.as_deref(), Some(r#"Resource "CICSFoo" unknown"#));

    let e = parse_error_body(
        b"<error><message_id>DFHWU4002</message_id><text>Bad &amp; <![CDATA[odd]]>\n  text</text><errorInfo name=\"resource\">CICSFoo</errorInfo></error>",
    )
    .unwrap();
    assert_eq!(e.message_id, "DFHWU4002");
    assert_eq!(e.title, None);
    assert_eq!(
        e.text.as_deref(),
        Some("Bad & odd text (resource: CICSFoo)")
    );

    let e = parse_error_body(b"<error message_id=\"DFHWU5001\">Internal error</error>").unwrap();
    assert_eq!(e.text.as_deref(), Some("Internal error"));
}

#[test]
fn error_body_rejects_other_documents() {
    assert_eq!(parse_error_body(b"<html>Forbidden</html>"), None);
    assert_eq!(parse_error_body(b"<error message_id=\"X\">"), None);
    assert_eq!(parse_error_body(b"<error/>"), None);
    assert_eq!(parse_error_body(b""), None);
    assert_eq!(parse_error_body(b"not xml at all"), None);
    assert_eq!(parse_error_body(OK_PROGRAMS.as_bytes()), None);
    let deep = format!("<error message_id=\"X\">{}", "<a>".repeat(10_000));
    assert_eq!(parse_error_body(deep.as_bytes()), None);
}

#[test]
fn error_body_text_is_cleaned() {
    let e = parse_error_body(b"<error message_id=\"DFHWU4003\"><title>a\x1b[2Jb</title></error>")
        .unwrap();
    assert_eq!(e.title.as_deref(), Some("a[2Jb"));
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(br#"<response><resultsummary api_response1="1027"/></response>"#);
    let r = parse_response(&body).unwrap();
    assert_eq!(r.summary.api_response1, ApiResponse::NoData);
}
