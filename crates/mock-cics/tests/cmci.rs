//! CMCI over a real socket: queries, errors, sign-on with basic auth and LTPA cookies.

mod common;

use cicsx_mock_cics::{CertChoice, Config, MockRegion, Mode};
use common::{Client, basic, client_config, good_basic, start, xml_elements};
use hyper::StatusCode;

const PROGRAMS: &str = "/CICSSystemManagement/CICSProgram/CICSPLEX1";

#[tokio::test]
async fn query_returns_records_in_cmci_shape() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let mut client = Client::tls(region.addr(), client_config(None)).await;
    let r = client
        .get(
            "/CICSSystemManagement/CICSProgram/CICSPLEX1/IYK2ZAB1?CRITERIA=(PROGRAM%3DDFH*)%20AND%20(STATUS%3DENABLED)",
            &[good_basic()],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/xml");
    assert!(r.body.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><response xmlns="http://www.ibm.com/xmlns/prod/CICS/smw2int""#));
    let schema = format!(
        "http://localhost:{}/CICSSystemManagement/schema/CICSSystemManagement.xsd",
        region.addr().port()
    );
    assert!(
        r.body.contains(&schema),
        "schema location names the host the client used: {}",
        r.body
    );
    assert_eq!(r.attr("api_response1"), Some("1024"));
    assert_eq!(r.attr("api_response1_alt"), Some("OK"));
    assert_eq!(r.attr("recordcount"), Some("4"));
    assert_eq!(r.attr("displayed_recordcount"), Some("4"));
    let elements = xml_elements(&r.body);
    assert_eq!(elements[..3], ["response", "resultsummary", "records"]);
    assert_eq!(elements.iter().filter(|e| *e == "cicsprogram").count(), 4);
    for record in r.body.split("<cicsprogram ").skip(1) {
        assert!(record.contains(r#"eyu_cicsname="IYK2ZAB1""#));
        assert!(record.contains(r#"status="ENABLED""#));
        assert!(record.contains(r#" program="DFH"#));
        assert!(
            record.starts_with("_keydata=\"C4C6C8"),
            "EBCDIC 'DFH': {record}"
        );
    }
    region.shutdown().await;
}

#[tokio::test]
async fn every_resource_answers_and_count_limits_display() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let mut client = Client::tls(region.addr(), client_config(None)).await;
    for (resource, element, per_region) in [
        ("CICSRegion", "cicsregion", 1),
        ("cicsprogram", "cicsprogram", 9),
        ("CICSLocalTransaction", "cicslocaltransaction", 8),
        ("CICSLOCALFILE", "cicslocalfile", 4),
        ("CICSTCPIPService", "cicstcpipservice", 5),
        ("CICSBundle", "cicsbundle", 2),
    ] {
        let r = client
            .get(
                &format!("/CICSSystemManagement/{resource}/CICSPLEX1"),
                &[good_basic()],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{resource}");
        let total = (per_region * 3).to_string();
        assert_eq!(r.attr("recordcount"), Some(total.as_str()), "{resource}");
        assert_eq!(
            xml_elements(&r.body)
                .iter()
                .filter(|e| *e == element)
                .count(),
            per_region * 3
        );

        let r = client
            .get(
                &format!("/CICSSystemManagement/{resource}/CICSPLEX1//1"),
                &[good_basic()],
            )
            .await;
        assert_eq!(r.attr("recordcount"), Some(total.as_str()));
        assert_eq!(r.attr("displayed_recordcount"), Some("1"));
        assert_eq!(
            xml_elements(&r.body)
                .iter()
                .filter(|e| *e == element)
                .count(),
            1
        );
    }
    // A region as the context, and a TCPIPSERVICE filter on ssltype.
    let r = client
        .get(
            "/CICSSystemManagement/CICSTCPIPService/IYK2ZAB2?CRITERIA=SSLTYPE%3DCLIENTAUTH",
            &[good_basic()],
        )
        .await;
    assert_eq!(r.attr("recordcount"), Some("1"));
    assert!(r.body.contains(r#"name="HTTPCLI""#) && r.body.contains(r#"port="9444""#));
    region.shutdown().await;
}

#[tokio::test]
async fn nodata_and_invalidparm() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let mut client = Client::tls(region.addr(), client_config(None)).await;
    let r = client
        .get(
            &format!("{PROGRAMS}?CRITERIA=PROGRAM%3DZZZ*"),
            &[good_basic()],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.attr("api_response1"), Some("1027"));
    assert_eq!(r.attr("api_response1_alt"), Some("NODATA"));
    assert_eq!(r.attr("recordcount"), Some("0"));
    assert!(!xml_elements(&r.body).contains(&"records".to_owned()));

    for (path, reason) in [
        (format!("{PROGRAMS}?CRITERIA=(PROGRAM%3DDFH*"), "CRITERIA"),
        (format!("{PROGRAMS}?CRITERIA=PROGRAM"), "CRITERIA"),
        (
            "/CICSSystemManagement/CICSProgram/NOSUCHPLEX".to_owned(),
            "CONTEXT",
        ),
        (
            "/CICSSystemManagement/CICSProgram/CICSPLEX1/NOREGION".to_owned(),
            "SCOPE",
        ),
    ] {
        let r = client.get(&path, &[good_basic()]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.attr("api_response1"), Some("1028"), "{path}");
        assert_eq!(r.attr("api_response1_alt"), Some("INVALIDPARM"));
        assert_eq!(r.attr("api_response2_alt"), Some(reason), "{path}");
        xml_elements(&r.body);
    }
    region.shutdown().await;
}

#[tokio::test]
async fn malformed_requests_get_http_errors() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let mut client = Client::tls(region.addr(), client_config(None)).await;
    let r = client
        .get(
            "/CICSSystemManagement/CICSNoSuchResource/CICSPLEX1",
            &[good_basic()],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.headers["content-type"], "application/xml");
    assert_eq!(xml_elements(&r.body)[0], "error");
    assert!(r.body.contains(r#"message_id="DFHWU4041""#), "{}", r.body);

    let r = client
        .get(
            "/cicssystemmanagement/CICSProgram/CICSPLEX1",
            &[good_basic()],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "the root path is case-sensitive"
    );

    let r = client
        .get(&format!("{PROGRAMS}?NOSUCHPARM=1"), &[good_basic()])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#"message_id="DFHWU4003""#));

    let r = client
        .request("PUT", PROGRAMS, &[good_basic()])
        .await
        .expect("answered");
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers["allow"], "GET");
    region.shutdown().await;
}

#[tokio::test]
async fn wrong_or_missing_password_gets_401_and_no_cookie() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let mut client = Client::tls(region.addr(), client_config(None)).await;
    for headers in [
        vec![],
        vec![basic("cicsuser", "wrong")],
        vec![basic("nobody", "cicspass")],
        vec![("authorization", "Basic !!!notbase64".to_owned())],
        vec![("authorization", "Bearer abc".to_owned())],
        vec![("cookie", "LtpaToken2=forged".to_owned())],
    ] {
        let r = client.get(PROGRAMS, &headers).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(r.headers["www-authenticate"], r#"Basic realm="CICS""#);
        assert!(r.ltpa_cookie().is_none());
    }
    // User IDs are not case-sensitive (RACF), passwords are.
    assert_eq!(
        client
            .get(PROGRAMS, &[basic("CICSUSER", "cicspass")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(PROGRAMS, &[basic("cicsuser", "CICSPASS")])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let stats = region.stats();
    assert_eq!(stats.unauthorized, 7);
    assert_eq!(stats.basic_signons, 1);
    assert_eq!(stats.http_requests, 8);
    region.shutdown().await;
}

#[tokio::test]
async fn ltpa_cookie_replaces_the_password() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let mut first = Client::tls(region.addr(), client_config(None)).await;
    let r = first.get(PROGRAMS, &[good_basic()]).await;
    assert_eq!(r.status, StatusCode::OK);
    let set_cookie = r.headers["set-cookie"].to_str().expect("ascii");
    assert!(
        set_cookie.ends_with("; Path=/; Secure; HttpOnly"),
        "{set_cookie}"
    );
    let token = r.ltpa_cookie().expect("LTPA cookie after sign-on");
    assert!(token.len() >= 40);

    // A new connection with the cookie alone signs on, and gets no new cookie.
    let mut second = Client::tls(region.addr(), client_config(None)).await;
    let cookie = ("cookie", format!("other=1; LtpaToken2={token}"));
    let r = second.get(PROGRAMS, std::slice::from_ref(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.ltpa_cookie().is_none());
    let r = second
        .get("/CICSSystemManagement/CICSRegion/CICSPLEX1", &[cookie])
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let stats = region.stats();
    assert_eq!(stats.basic_signons, 1);
    assert_eq!(stats.ltpa_requests, 2);
    assert_eq!(stats.unauthorized, 0);
    assert_eq!(stats.connections, 2);
    assert_eq!(stats.tls_handshakes, 2);

    // Tokens belong to the region that issued them.
    let other = start(Mode::Strong, CertChoice::Valid).await;
    let mut third = Client::tls(other.addr(), client_config(None)).await;
    let r = third
        .get(PROGRAMS, &[("cookie", format!("LtpaToken2={token}"))])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    other.shutdown().await;
    region.shutdown().await;
}

#[tokio::test]
async fn plain_mode_serves_http_and_cookie_is_not_secure() {
    let region = start(Mode::Plain, CertChoice::Valid).await;
    assert!(region.base_url().starts_with("http://127.0.0.1:"));
    let mut client = Client::plain(region.addr()).await;
    let r = client
        .get(
            "/CICSSystemManagement/CICSRegion/CICSPLEX1",
            &[good_basic()],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.attr("recordcount"), Some("3"));
    let set_cookie = r.headers["set-cookie"].to_str().expect("ascii");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"));
    assert_eq!(region.stats().tls_handshakes, 0);
    region.shutdown().await;
}

#[tokio::test]
async fn configured_users_replace_the_default() {
    let region = MockRegion::start(Config {
        mode: Mode::Plain,
        users: vec![("ADMIN1".into(), "Pa55w0rd".into())],
        ..Config::default()
    })
    .await
    .expect("starts");
    let mut client = Client::plain(region.addr()).await;
    assert_eq!(
        client.get(PROGRAMS, &[good_basic()]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        client
            .get(PROGRAMS, &[basic("admin1", "Pa55w0rd")])
            .await
            .status,
        StatusCode::OK
    );
    region.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_listening_and_bind_errors_are_reported() {
    let region = start(Mode::Plain, CertChoice::Valid).await;
    let addr = region.addr();
    // The port is taken while the region runs.
    let clash = MockRegion::start(Config {
        mode: Mode::Plain,
        bind: addr,
        ..Config::default()
    })
    .await;
    let err = clash.expect_err("port in use");
    assert_eq!(err.id(), "CICSX0701E");
    assert!(err.to_string().contains(&addr.to_string()));
    region.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
}
