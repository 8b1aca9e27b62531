//! Property tests: the parsers never panic, whatever the bytes.

use proptest::prelude::*;

const VALID: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int" version="3.0" connect_version="0610">
  <resultsummary api_response1="1028" api_response2="0" api_response1_alt="INVALIDPARM"
      api_response2_alt="CRITERIA" recordcount="2" displayed_recordcount="2" cachetoken="E0B6"/>
  <records>
    <cicsprogram _keydata="C4C6" program="DFHAMP" eyu_cicsname="IYK2ZAB1" description="a &amp; b"/>
    <cicsregion applid="IYK2ZAB1"><nested x="1"/></cicsregion>
  </records>
  <errors><feedback resp="16"><installerror code="1"/></feedback></errors>
</response>"#;

const ERROR_BODY: &str = r#"<error message_id="DFHWU4003" connect_version="0410">
<title>400 CICS management client interface HTTP Error</title>
<short>short</short><full>full &amp; more</full><errorInfo name="ccc">ccc</errorInfo>
</error>"#;

/// An edit applied to a valid document.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let piece = prop_oneof![
        Just(b"<".to_vec()),
        Just(b">".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"&".to_vec()),
        Just(b"&#0;".to_vec()),
        Just(b"&#x110000;".to_vec()),
        Just(b"<!DOCTYPE r [<!ENTITY a \"aaaa\">]>".to_vec()),
        Just(b"<![CDATA[".to_vec()),
        Just(b"</records>".to_vec()),
        Just(b"<records>".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0usize..32).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), piece).prop_map(|(i, p)| Mutation::Insert(i, p)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(doc: &mut Vec<u8>, m: &Mutation) {
    let len = doc.len().max(1);
    match m {
        Mutation::Flip(i, b) => {
            if let Some(x) = doc.get_mut(i % len) {
                *x ^= b | 1;
            }
        }
        Mutation::Delete(i, n) => {
            let start = (i % len).min(doc.len());
            let end = (start + n).min(doc.len());
            doc.drain(start..end);
        }
        Mutation::Insert(i, p) => {
            let at = (i % len).min(doc.len());
            doc.splice(at..at, p.iter().copied());
        }
        Mutation::Truncate(i) => doc.truncate(i % len),
        Mutation::Duplicate(i, n) => {
            let start = (i % len).min(doc.len());
            let end = (start + n).min(doc.len());
            let copy = doc[start..end].to_vec();
            doc.splice(start..start, copy);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = cicsx_cmci::parse_response(&bytes);
        let _ = cicsx_cmci::parse_error_body(&bytes);
    }

    #[test]
    fn mutated_responses_never_panic(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut doc = VALID.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut doc, m);
        }
        if let Ok(r) = cicsx_cmci::parse_response(&doc) {
            // Whatever parses must render, too.
            let _ = cicsx_cmci::render_table(&r.records, &[]);
        }
        let _ = cicsx_cmci::parse_error_body(&doc);
    }

    #[test]
    fn mutated_error_bodies_never_panic(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut doc = ERROR_BODY.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let _ = cicsx_cmci::parse_error_body(&doc);
        let _ = cicsx_cmci::parse_response(&doc);
    }

    #[test]
    fn queries_never_panic_and_paths_stay_in_one_segment_each(
        resource in "\\PC{0,12}",
        context in "\\PC{0,12}",
        scope in proptest::option::of("\\PC{0,12}"),
        criteria in proptest::option::of("\\PC{0,40}"),
        parameter in proptest::option::of("\\PC{0,40}"),
        count in proptest::option::of(any::<u32>()),
    ) {
        let mut q = cicsx_cmci::Query::new(resource, context);
        q.scope = scope;
        q.criteria = criteria;
        q.parameter = parameter;
        q.count = count;
        if let Ok(path) = q.path_and_query() {
            let (path, query) = path.split_once('?').unwrap_or((&path, ""));
            // A value never adds a path segment, a second '?', a fragment or whitespace.
            prop_assert!(path.starts_with("/CICSSystemManagement/"));
            prop_assert!(path.split('/').count() <= 7, "{path}");
            prop_assert!(!query.contains('?') && !path.contains('#') && !query.contains('#'));
            prop_assert!(!path.contains(char::is_whitespace) && !query.contains(char::is_whitespace));
            prop_assert!(query.split('&').count() <= 2);
        }
    }

    #[test]
    fn unescaped_attribute_values_round_trip(value in "\\PC{0,40}") {
        let escaped = value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;");
        let body = format!(
            "<response><resultsummary api_response1=\"1024\"/><records><r v=\"{escaped}\"/></records></response>"
        );
        let r = cicsx_cmci::parse_response(body.as_bytes()).unwrap();
        // XML normalises literal tab, CR and LF in attribute values to spaces.
        let expected: String = value
            .chars()
            .map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c })
            .collect();
        prop_assert_eq!(r.records[0].get("v"), Some(expected.as_str()));
    }
}
