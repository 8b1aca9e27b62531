//! Real clients against the mock region: OpenSSL's s_client and curl. Each test is skipped
//! (with a note) when the tool is not installed.

mod common;

use std::process::{Command, Output, Stdio};

use cicsx_mock_cics::{CertChoice, Mode};
use common::{fixtures_dir, start};

fn have(tool: &str) -> bool {
    // Only whether it starts matters, not what it says.
    let found = Command::new(tool)
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("note: {tool} is not installed; test skipped");
    }
    found
}

/// Runs a command off the async runtime (the region is served by it meanwhile).
async fn run(program: &'static str, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(program)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"))
    })
    .await
    .expect("command finished")
}

fn root_ca() -> String {
    fixtures_dir().join("ca/root.pem").display().to_string()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_s_client_verifies_the_chain() {
    if !have("openssl") {
        return;
    }
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let connect = format!("127.0.0.1:{}", region.addr().port());
    let out = run(
        "openssl",
        vec![
            "s_client".into(),
            "-connect".into(),
            connect.clone(),
            "-CAfile".into(),
            root_ca(),
            "-servername".into(),
            "localhost".into(),
            "-verify_return_error".into(),
            "-brief".into(),
        ],
    )
    .await;
    let all = text(&out);
    assert!(all.contains("Verification: OK"), "{all}");

    // A MEDIUM region: a client offering only forward-secret suites gets handshake_failure.
    // (OpenSSL's default list still holds AES128-SHA, so name the modern suites.)
    let medium = start(Mode::Medium, CertChoice::Valid).await;
    let out = run(
        "openssl",
        vec![
            "s_client".into(),
            "-connect".into(),
            format!("127.0.0.1:{}", medium.addr().port()),
            "-cipher".into(),
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256".into(),
            "-brief".into(),
        ],
    )
    .await;
    let all = text(&out);
    assert!(!out.status.success());
    assert!(all.contains("handshake failure"), "{all}");

    // Offering a medium suite draws a ServerHello for it (then the region hangs up).
    let out = run(
        "openssl",
        vec![
            "s_client".into(),
            "-connect".into(),
            format!("127.0.0.1:{}", medium.addr().port()),
            "-tls1_2".into(),
            "-cipher".into(),
            "AES128-SHA:@SECLEVEL=0".into(),
            "-msg".into(),
        ],
    )
    .await;
    let all = text(&out);
    assert!(all.contains("ServerHello"), "{all}");
    assert_eq!(medium.stats().medium_server_hellos, 1, "{all}");
    medium.shutdown().await;
    region.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_queries_with_the_fixture_ca_and_reuses_the_cookie() {
    if !have("curl") {
        return;
    }
    let region = start(Mode::Strong, CertChoice::Valid).await;
    let url = format!(
        "https://localhost:{}/CICSSystemManagement/CICSProgram/CICSPLEX1?CRITERIA=PROGRAM%3DCUST*",
        region.addr().port()
    );
    let jar = std::env::temp_dir().join(format!("cicsx-mock-test-jar-{}", std::process::id()));
    let jar_s = jar.display().to_string();
    let out = run(
        "curl",
        vec![
            "-sS".into(),
            "--cacert".into(),
            root_ca(),
            "-u".into(),
            "cicsuser:cicspass".into(),
            "-c".into(),
            jar_s.clone(),
            url.clone(),
        ],
    )
    .await;
    let body = text(&out);
    assert!(out.status.success(), "{body}");
    assert!(
        body.contains(r#"recordcount="3""#) && body.contains(r#"program="CUSTINQ""#),
        "{body}"
    );

    // Second call: the cookie from the jar, no password.
    let out = run(
        "curl",
        vec![
            "-sS".into(),
            "--cacert".into(),
            root_ca(),
            "-b".into(),
            jar_s,
            url,
        ],
    )
    .await;
    let _ = std::fs::remove_file(&jar);
    assert!(
        out.status.success() && text(&out).contains("api_response1=\"1024\""),
        "{}",
        text(&out)
    );
    assert_eq!(region.stats().ltpa_requests, 1);

    // Client certificate from the PKCS#12-equivalent PEM files.
    let client_url = format!(
        "https://127.0.0.1:{}/CICSSystemManagement/CICSRegion/CICSPLEX1",
        region.addr().port()
    );
    let dir = fixtures_dir();
    let out = run(
        "curl",
        vec![
            "-sS".into(),
            "--cacert".into(),
            root_ca(),
            "--cert".into(),
            dir.join("client/ecdsa.pem").display().to_string(),
            "--key".into(),
            dir.join("client/ecdsa.key.pem").display().to_string(),
            client_url,
        ],
    )
    .await;
    assert!(text(&out).contains(r#"recordcount="3""#), "{}", text(&out));
    assert_eq!(region.stats().client_cert_requests, 1);
    region.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_shows_the_http_https_mix_ups() {
    if !have("curl") {
        return;
    }
    // http:// to a TLS port: "Empty reply from server" (exit 52).
    let tls = start(Mode::Strong, CertChoice::Valid).await;
    let out = run(
        "curl",
        vec![
            "-sS".into(),
            format!(
                "http://127.0.0.1:{}/CICSSystemManagement/CICSRegion/CICSPLEX1",
                tls.addr().port()
            ),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(52), "{}", text(&out));
    assert!(out.stdout.is_empty());
    // https:// to a plain port: a TLS error (exit 35), since the answer is HTTP, not TLS.
    let plain = start(Mode::Plain, CertChoice::Valid).await;
    let out = run(
        "curl",
        vec![
            "-sS".into(),
            "--cacert".into(),
            root_ca(),
            format!("https://127.0.0.1:{}/", plain.addr().port()),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(35), "{}", text(&out));
    assert_eq!(plain.stats().tls_on_plain, 1);
    // And curl's own verdict on an expired certificate.
    let expired = start(Mode::Strong, CertChoice::Expired).await;
    let out = run(
        "curl",
        vec![
            "-sS".into(),
            "--cacert".into(),
            root_ca(),
            format!("https://localhost:{}/", expired.addr().port()),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(60), "{}", text(&out));
    assert!(text(&out).contains("expired"), "{}", text(&out));
    tls.shutdown().await;
    plain.shutdown().await;
    expired.shutdown().await;
}
