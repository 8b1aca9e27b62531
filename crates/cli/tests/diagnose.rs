//! `cicsx diagnose` against real peers: the mock CICS region in every mode,
//! `openssl s_server` configured with a medium-only suite, with TLS 1.0 only and with a
//! required client certificate, a plain HTTP server, and a closed port. Each test checks that
//! the report says what the peer is configured with, and the exit code (0 only when cicsx
//! can connect).
//!
//! OpenSSL must be installed: the tests that need it fail, not skip, without it.

mod util;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cicsx_mock_cics::{CertChoice, Mode};
use serde_json::Value;
use util::{Cx, Run, region};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// An `openssl s_server -www` on a free loopback port with the RSA fixture certificate,
/// killed when dropped.
struct OpenSsl {
    child: Child,
    port: u16,
}

impl OpenSsl {
    fn start(args: &[&str]) -> OpenSsl {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let f = fixtures();
        let child = Command::new("openssl")
            .arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(f.join("server/rsa.pem"))
            .arg("-key")
            .arg(f.join("server/rsa.key.pem"))
            .arg("-www")
            .args(
                args.iter()
                    .map(|a| a.replace("{fixtures}", &f.display().to_string())),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl must be installed for these tests (apt-get install openssl)");
        let server = OpenSsl { child, port };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "openssl s_server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cicsx diagnose TARGET --json` and returns the run and the parsed report.
async fn diagnose_json(cx: &Cx, target: &str, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["diagnose", target, "--json"];
    args.extend_from_slice(extra);
    let run = cx.run(&args, &[]).await;
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e})\n{run}"));
    assert_eq!(report["schema"], 1, "{run}");
    (run, report)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Names of the accepted suites, without repeats.
fn suite_names(report: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for s in report["suites"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap().to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn accepted_versions(report: &Value) -> Vec<String> {
    report["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["accepted"] == true)
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect()
}

fn verdict_id(report: &Value) -> &str {
    report["verdict"]["message_id"].as_str().unwrap_or("")
}

#[tokio::test]
async fn strong_region_can_be_reached() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let target = region.addr().to_string();
    let (run, r) = diagnose_json(&cx, &target, &[]).await;
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(r["reachable"], true);
    assert_eq!(r["speaks"], "tls");
    assert_eq!(r["cmci"]["detected"], true, "{run}");
    assert_eq!(r["cmci"]["over"], "tls");
    assert_eq!(accepted_versions(&r), ["TLS 1.3", "TLS 1.2"]);
    // The mock region is rustls: exactly its strong suites, all usable by cicsx.
    let suites = r["suites"].as_array().unwrap();
    assert!(suites.iter().any(|s| s["name"] == "TLS_AES_256_GCM_SHA384"));
    assert!(
        suites
            .iter()
            .any(|s| s["name"] == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
    );
    assert!(
        suites
            .iter()
            .all(|s| s["rating"] == "strong" && s["usable_by_cicsx"] == true),
        "{run}"
    );
    assert_eq!(r["cicsx_handshake"]["ok"], true);
    let leaf = &r["certificates"][0];
    assert!(leaf["subject"].as_str().unwrap().contains("CN=localhost"));
    assert_eq!(leaf["key"], "ECDSA P-256");
    assert!(strings(&leaf["sans"]).contains(&"127.0.0.1".to_owned()));
    assert_eq!(r["host_name"]["matches"], true);
    assert_eq!(r["trust"]["status"], "trusted");
    assert_eq!(r["client_certificate"]["requested"], true, "SSL(YES) asks");
    assert_eq!(r["client_certificate"]["required"], false);
    assert_eq!(r["verdict"]["ok"], true);
    assert!(r["verdict"]["message_id"].is_null());
    // Progress went to stderr, nothing secret was sent.
    assert!(run.stderr.contains("probing TLS 1.2"), "{run}");
    assert_eq!(region.stats().authorization_headers, 0);
    assert_eq!(region.stats().client_cert_requests, 0);
}

#[tokio::test]
async fn text_report_and_untrusted_certificate() {
    let region = region(Mode::Strong, CertChoice::Rsa).await;
    let cx = Cx::new(); // nothing trusted
    let run = cx.run(&["diagnose", &region.addr().to_string()], &[]).await;
    let err = run.fails_with("CICSX0411E");
    assert!(err.contains("not trusted"), "{run}");
    for section in [
        "Protocol versions",
        "Cipher suites accepted",
        "Certificate chain",
        "key:      RSA 2048",
        "trust: untrusted (CICSX0411E",
        "Verdict: CICSX0411E",
        "Fix (client):",
    ] {
        assert!(run.stdout.contains(section), "{section}\n{run}");
    }
}

#[tokio::test]
async fn client_auth_region_names_its_cas_and_matches_the_keystore() {
    let region = region(Mode::ClientAuth, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let target = region.addr().to_string();
    let (run, r) = diagnose_json(&cx, &target, &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    let cc = &r["client_certificate"];
    assert_eq!(cc["requested"], true);
    assert_eq!(cc["required"], true, "{run}");
    let cas = strings(&cc["acceptable_ca_names"]);
    assert!(
        cas.contains(&"O=cicsx test PKI, CN=cicsx Test Root CA".to_owned()),
        "{cas:?}"
    );
    assert_eq!(verdict_id(&r), "CICSX0410E");
    assert!(run.stderr.contains("CICSX0410E"));

    // With a keystore holding a client certificate from that PKI, it is named and cicsx
    // can connect with it.
    let keystore = cx.path("client.p12");
    std::fs::copy(fixtures().join("client/ecdsa.p12"), &keystore).unwrap();
    let ca = cx.path("root-ca.pem");
    std::fs::write(
        cx.workspace().join("preferences.toml"),
        format!(
            "truststore = {:?}\nkeystore = {:?}\n",
            ca.display().to_string(),
            keystore.display().to_string()
        ),
    )
    .unwrap();
    let (run, r) = diagnose_json(&cx, &target, &[]).await;
    assert_eq!(
        strings(&r["client_certificate"]["matching_keystore_entries"]),
        ["cicsuser-ecdsa"],
        "{run}"
    );
    assert_eq!(r["verdict"]["ok"], true, "{run}");
    assert_eq!(run.code, Some(0));
}

#[tokio::test]
async fn medium_region_offers_only_medium_suites() {
    let region = region(Mode::Medium, CertChoice::Valid).await;
    let cx = Cx::new();
    let (run, r) = diagnose_json(&cx, &region.addr().to_string(), &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(verdict_id(&r), "CICSX0407E");
    assert_eq!(r["cicsx_handshake"]["error"]["id"], "CICSX0407E");
    let names = suite_names(&r);
    assert!(names.contains(&"TLS_RSA_WITH_AES_128_CBC_SHA".to_owned()));
    assert!(names.contains(&"TLS_RSA_WITH_AES_256_CBC_SHA256".to_owned()));
    for s in r["suites"].as_array().unwrap() {
        assert_ne!(s["rating"], "strong", "{s}");
        assert_eq!(s["usable_by_cicsx"], false);
        assert!(strings(&s["reasons"]).contains(&"no forward secrecy".to_owned()));
    }
    assert!(!accepted_versions(&r).contains(&"TLS 1.3".to_owned()));
    let fixes = r["verdict"]["fixes"].as_array().unwrap();
    assert!(fixes.iter().any(|f| f["side"] == "region"
        && f["text"].as_str().unwrap().contains("ENCRYPTION")
        && f["text"].as_str().unwrap().contains("DFHSO0123")));
    assert!(region.stats().medium_server_hellos > 0);
}

#[tokio::test]
async fn plain_region_speaks_plain_http() {
    let region = region(Mode::Plain, CertChoice::Valid).await;
    let cx = Cx::new();
    let target = region.addr().to_string();
    let (run, r) = diagnose_json(&cx, &target, &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(r["speaks"], "plain_http");
    assert_eq!(r["cmci"]["detected"], true);
    assert_eq!(r["cmci"]["over"], "plain");
    assert_eq!(r["cmci"]["http_status"], "HTTP/1.1 401 Unauthorized");
    assert_eq!(verdict_id(&r), "CICSX0406E");
    assert!(r["versions"].as_array().unwrap().is_empty());
    assert_eq!(region.stats().authorization_headers, 0);

    // A stored connection that is meant to be plain: cicsx can connect (with a warning).
    cx.add("plain", region.addr().port(), false, &[]).await;
    let (run, r) = diagnose_json(&cx, "plain", &[]).await;
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        r["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains("in clear")
    );
}

#[tokio::test]
async fn tls_port_for_a_plain_connection() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("wrongway", region.addr().port(), false, &[]).await;
    let (run, r) = diagnose_json(&cx, "wrongway", &[]).await;
    assert_eq!(verdict_id(&r), "CICSX0404E", "{run}");
    assert_eq!(run.code, Some(1));
}

#[tokio::test]
async fn openssl_with_one_medium_suite() {
    let server = OpenSsl::start(&["-no_tls1_3", "-cipher", "AES128-SHA:@SECLEVEL=0"]);
    let cx = Cx::new();
    let (run, r) = diagnose_json(&cx, &server.target(), &["--sni", "localhost"]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(suite_names(&r), ["TLS_RSA_WITH_AES_128_CBC_SHA"], "{run}");
    let suite = &r["suites"][0];
    assert_eq!(suite["code"], "0x002F");
    assert_eq!(suite["version"], "TLS 1.2");
    assert_eq!(suite["rating"], "medium");
    assert_eq!(strings(&suite["reasons"]), ["no forward secrecy", "CBC"]);
    assert_eq!(suite["usable_by_cicsx"], false);
    assert!(!accepted_versions(&r).contains(&"TLS 1.3".to_owned()));
    assert_eq!(verdict_id(&r), "CICSX0407E");
    // The chain came from the TLS 1.2 probe's flight.
    assert_eq!(r["certificates"][0]["key"], "RSA 2048");
    assert_eq!(r["host_name"]["name"], "localhost");
    assert_eq!(r["host_name"]["matches"], true);
    assert_eq!(r["server_name"], "localhost");
}

#[tokio::test]
async fn openssl_with_tls10_only() {
    let server = OpenSsl::start(&["-tls1", "-cipher", "ALL:@SECLEVEL=0"]);
    let cx = Cx::new();
    let (run, r) = diagnose_json(&cx, &server.target(), &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(accepted_versions(&r), ["TLS 1.0"], "{run}");
    assert!(
        r["suites"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["version"] == "TLS 1.0")
    );
    assert!(suite_names(&r).len() > 3);
    assert_eq!(verdict_id(&r), "CICSX0408E");
}

#[tokio::test]
async fn openssl_requiring_a_client_certificate() {
    let server = OpenSsl::start(&["-Verify", "1", "-CAfile", "{fixtures}/ca/root.pem"]);
    let cx = Cx::new();
    let (run, r) = diagnose_json(&cx, &server.target(), &[]).await;
    let cc = &r["client_certificate"];
    assert_eq!(cc["requested"], true, "{run}");
    assert_eq!(cc["required"], true, "{run}");
    assert_eq!(
        strings(&cc["acceptable_ca_names"]),
        ["O=cicsx test PKI, CN=cicsx Test Root CA"]
    );
    assert!(strings(&cc["matching_keystore_entries"]).is_empty());
    // Nothing is trusted in this workspace: the certificate problem comes first, the client
    // certificate one is reported too.
    assert_eq!(verdict_id(&r), "CICSX0411E");
    assert!(
        r["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains("CICSX0410E"),
        "{run}"
    );
}

#[tokio::test]
async fn a_plain_http_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nServer: tiny\r\nContent-Type: text/html\r\n\
                          Content-Length: 5\r\nConnection: close\r\n\r\nhello",
                    )
                    .await;
            });
        }
    });
    let cx = Cx::new();
    let (run, r) = diagnose_json(&cx, &format!("127.0.0.1:{port}"), &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(r["speaks"], "plain_http");
    assert_eq!(r["cmci"]["detected"], false);
    assert_eq!(r["cmci"]["http_status"], "HTTP/1.1 200 OK");
    assert_eq!(verdict_id(&r), "CICSX0406E");
}

#[tokio::test]
async fn closed_ports_and_bad_targets() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let cx = Cx::new();
    let (run, r) = diagnose_json(&cx, &format!("127.0.0.1:{port}"), &[]).await;
    assert_eq!(run.code, Some(1));
    assert_eq!(r["reachable"], false);
    assert_eq!(r["connect_error"]["id"], "CICSX0402E");
    assert_eq!(verdict_id(&r), "CICSX0402E");

    let run = cx.run(&["diagnose", "no-such-connection"], &[]).await;
    run.fails_with("CICSX0901E");
    assert!(run.stdout.is_empty());
}

/// Runs `cicsx diagnose TARGET --json` with the environment `env`.
async fn diagnose_json_env(cx: &Cx, target: &str, env: &[(&str, &str)]) -> (Run, Value) {
    let run = cx.run(&["diagnose", target, "--json"], env).await;
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e})\n{run}"));
    (run, report)
}

/// `openssl s_server -www` sending the whole chain, trusted through the fixture root CA.
fn trusted_openssl(extra: &[&str]) -> OpenSsl {
    let mut args = vec!["-cert_chain", "{fixtures}/ca/intermediate.pem"];
    args.extend_from_slice(extra);
    OpenSsl::start(&args)
}

#[tokio::test]
async fn the_protocol_preference_decides_as_for_connect() {
    let server = trusted_openssl(&["-tls1_2"]);
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.run(&["prefs", "set", "protocol", "TLSv1.3"], &[])
        .await
        .ok();
    // connect refuses: the server has no TLS 1.3.
    cx.add("tls12", server.port, true, &[]).await;
    let connect = cx.run(&["connect", "tls12"], &[]).await;
    connect.fails_with("CICSX0408E");
    let (run, r) = diagnose_json(&cx, &server.target(), &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(verdict_id(&r), "CICSX0408E", "{run}");
    assert_eq!(r["verdict"]["ok"], false);
    assert!(
        r["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains("TLS 1.3"),
        "{run}"
    );
    // What the server would accept with other versions is still reported.
    assert_eq!(accepted_versions(&r), ["TLS 1.2"], "{run}");
    assert_eq!(r["cicsx_handshake"]["version"], "TLSv1.2");
    assert!(run.stderr.contains("CICSX0408E"), "{run}");
}

#[tokio::test]
async fn a_port_that_is_not_cmci_is_not_ok() {
    let server = trusted_openssl(&[]);
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("web", server.port, true, &[]).await;
    let connect = cx.run(&["connect", "web"], &[]).await;
    connect.fails_with("CICSX0602E");
    let (run, r) = diagnose_json(&cx, "web", &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(r["trust"]["status"], "trusted", "{run}");
    assert_eq!(r["cicsx_handshake"]["ok"], true);
    assert_eq!(r["cmci"]["detected"], false);
    assert_eq!(r["verdict"]["ok"], false);
    assert_eq!(verdict_id(&r), "CICSX0602E", "{run}");
    assert!(run.stderr.contains("CICSX0602E"), "{run}");
}

#[tokio::test]
async fn a_connections_own_pkcs12_credential_is_used() {
    let region = region(Mode::ClientAuth, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let p12 = cx.path("me.p12");
    std::fs::copy(fixtures().join("client/ecdsa.p12"), &p12).unwrap();
    let p12 = p12.display().to_string();
    let port = region.addr().port();
    cx.add("mine", port, true, &["--client-cert", &p12]).await;
    let env = [("CICSX_CLIENT_CERT_PASSWORD", "changeit")];
    let connect = cx.run(&["connect", "mine"], &env).await;
    assert_eq!(connect.code, Some(0), "{connect}");
    let signed_on = region.stats().authorization_headers;

    let (run, r) = diagnose_json_env(&cx, "mine", &env).await;
    assert_eq!(run.code, Some(0), "{run}");
    let cc = &r["client_certificate"];
    assert_eq!(cc["required"], true, "{run}");
    assert_eq!(cc["connection_credential"]["name"], p12.as_str(), "{run}");
    assert_eq!(cc["connection_credential"]["matches"], true, "{run}");
    assert_eq!(r["verdict"]["ok"], true, "{run}");
    // The probes sent no credential.
    assert_eq!(region.stats().authorization_headers, signed_on);

    // A wrong pass phrase fails as it fails connect.
    let wrong = [("CICSX_CLIENT_CERT_PASSWORD", "wrong")];
    let connect = cx.run(&["connect", "mine"], &wrong).await;
    let run = cx.run(&["diagnose", "mine"], &wrong).await;
    assert_eq!(connect.code, Some(1), "{connect}");
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stdout.is_empty(), "{run}");

    // The same region for a stored connection without a certificate credential: connect
    // cannot, and neither can diagnose.
    cx.add("nocert", port, true, &[]).await;
    let (run, r) = diagnose_json(&cx, "nocert", &[]).await;
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(verdict_id(&r), "CICSX0410E", "{run}");
    assert!(r["client_certificate"]["connection_credential"].is_null());
}
