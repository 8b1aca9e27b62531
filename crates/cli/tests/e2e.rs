//! End-to-end: the built `cicsx` binary against mock CICS regions on loopback.

mod util;

use cicsx_mock_cics::{CertChoice, Mode};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use util::{Cx, region};

const PASSWORD: (&str, &str) = ("CICSX_PASSWORD", "cicspass");

fn fingerprint(chain_pem: &str) -> String {
    let leaf = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    cicsx_truststore::CertificateInfo::from_der(&leaf)
        .unwrap()
        .sha256
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_over_tls_with_a_trusted_ca() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r1", region.addr().port(), true, &["--user", "cicsuser"])
        .await;

    let run = cx.run(&["connect", "r1"], &[PASSWORD]).await;
    let out = run.ok();
    assert!(out.contains("TLSv1.3"), "{run}");
    assert!(
        out.contains("issued by a trusted certificate authority"),
        "{run}"
    );
    assert!(out.contains("CICSRegion in CICSPLEX1: OK (1024)"), "{run}");
    assert!(!run.stderr.contains("Certificate alert"), "{run}");
    assert_eq!(region.stats().basic_signons, 1);

    // The successful connect confirmed the connection's TLS setting.
    let list = cx.run(&["connection", "show", "r1"], &[]).await;
    assert!(list.ok().contains("Confirmed:   yes"), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls12_only_preference_is_honoured() {
    let region = region(Mode::Strong, CertChoice::Rsa).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let prefs = cx.workspace().join("preferences.toml");
    let text = util::read(&prefs) + "protocol = \"TLSv1.2\"\n";
    std::fs::write(&prefs, text).unwrap();
    cx.add("r1", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx.run(&["connect", "r1"], &[PASSWORD]).await;
    assert!(run.ok().contains("TLSv1.2"), "{run}");
    assert!(run.stdout.contains("TLS_ECDHE_"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ltpa_token_replaces_the_password_after_sign_on() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r1", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx
        .run(
            &[
                "get",
                "CICSRegion",
                "CICSProgram",
                "CICSLocalTransaction",
                "-c",
                "r1",
            ],
            &[PASSWORD],
        )
        .await;
    let out = run.ok();
    assert!(out.contains("CICSProgram:"), "{run}");
    let stats = region.stats();
    assert_eq!(stats.http_requests, 3, "{stats:?}");
    assert_eq!(stats.basic_signons, 1, "{stats:?}");
    assert_eq!(stats.ltpa_requests, 2, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_certificate_from_a_pkcs12_file() {
    let region = region(Mode::ClientAuth, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    for (name, p12) in [
        ("ecdsa", cicsx_mock_cics::fixtures::CLIENT_ECDSA_P12),
        ("rsa", cicsx_mock_cics::fixtures::CLIENT_RSA_P12),
    ] {
        let path = cx.path(&format!("{name}.p12"));
        std::fs::write(&path, p12).unwrap();
        let path = path.display().to_string();
        cx.add(name, region.addr().port(), true, &["--client-cert", &path])
            .await;
        let run = cx
            .run(
                &["get", "CICSRegion", "-c", name, "--json"],
                &[("CICSX_CLIENT_CERT_PASSWORD", "changeit")],
            )
            .await;
        assert!(run.ok().contains("\"api_response1_alt\": \"OK\""), "{run}");
    }
    let stats = region.stats();
    assert_eq!(stats.client_cert_requests, 2, "{stats:?}");
    assert_eq!(stats.basic_signons, 0, "{stats:?}");

    // Without a certificate, the region refuses the handshake and cicsx says why.
    cx.add(
        "nocert",
        region.addr().port(),
        true,
        &["--user", "cicsuser"],
    )
    .await;
    let run = cx.run(&["connect", "nocert"], &[PASSWORD]).await;
    run.fails_with("CICSX0410E");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_alert_accepted_then_never_asked_again() {
    let region = region(Mode::Strong, CertChoice::SelfSigned).await;
    let cx = Cx::new();
    cx.add("r1", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let fp = fingerprint(cicsx_mock_cics::fixtures::SERVER_SELF_SIGNED_PEM);

    // No terminal and no --accept-certificate: refused, and nothing stored.
    let run = cx.run(&["connect", "r1"], &[PASSWORD]).await;
    let err = run.fails_with("CICSX0902E");
    assert!(err.contains("Certificate alert"), "{run}");
    assert!(err.contains(&fp), "the alert shows the fingerprint\n{run}");
    assert_eq!(
        region.stats().http_requests,
        0,
        "no password sent to an untrusted server"
    );

    // A different fingerprint is refused.
    let wrong = "00".repeat(32);
    let run = cx
        .run(
            &["connect", "r1", "--accept-certificate", &wrong],
            &[PASSWORD],
        )
        .await;
    run.fails_with("CICSX0904E");

    // The right fingerprint is accepted and stored.
    let run = cx
        .run(&["connect", "r1", "--accept-certificate", &fp], &[PASSWORD])
        .await;
    let out = run.ok();
    assert!(out.contains("accepted just now"), "{run}");

    // Next time: no alert, no flag needed.
    let run = cx.run(&["connect", "r1"], &[PASSWORD]).await;
    assert!(run.ok().contains("accepted on first use earlier"), "{run}");
    assert!(!run.stderr.contains("Certificate alert"), "{run}");

    // The keystore file is private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(cx.workspace().join("keystore.p12"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_certificate_is_refused_as_a_possible_attack() {
    let first = region(Mode::Strong, CertChoice::SelfSigned).await;
    let port = first.addr().port();
    let cx = Cx::new();
    cx.add("r1", port, true, &["--user", "cicsuser"]).await;
    let fp = fingerprint(cicsx_mock_cics::fixtures::SERVER_SELF_SIGNED_PEM);
    cx.run(&["connect", "r1", "--accept-certificate", &fp], &[PASSWORD])
        .await
        .ok();
    first.shutdown().await;

    // Another server on the same port with another certificate.
    let second = cicsx_mock_cics::MockRegion::start(cicsx_mock_cics::Config {
        cert: CertChoice::UnknownCa,
        bind: format!("127.0.0.1:{port}").parse().unwrap(),
        ..Default::default()
    })
    .await
    .unwrap();
    let other = fingerprint(cicsx_mock_cics::fixtures::SERVER_UNKNOWN_CA_PEM);
    let run = cx
        .run(
            &["connect", "r1", "--accept-certificate", &other],
            &[PASSWORD],
        )
        .await;
    let err = run.fails_with("CICSX0608E");
    assert!(err.contains(&fp) && err.contains(&other), "{run}");
    assert_eq!(second.stats().http_requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_has_its_own_message() {
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let cases: &[(Mode, CertChoice, bool, &str, &str)] = &[
        (
            Mode::Medium,
            CertChoice::Valid,
            true,
            "CICSX0407E",
            "handshake_failure",
        ),
        (
            Mode::Strong,
            CertChoice::Valid,
            false,
            "CICSX0404E",
            "Secure connection",
        ),
        (
            Mode::Plain,
            CertChoice::Valid,
            true,
            "CICSX0406E",
            "HTTP/1.1 400",
        ),
        (
            Mode::Strong,
            CertChoice::Expired,
            true,
            "CICSX0412E",
            "expired",
        ),
        (
            Mode::Strong,
            CertChoice::WrongHost,
            true,
            "CICSX0414E",
            "wrong.example.invalid",
        ),
        (
            Mode::Strong,
            CertChoice::UnknownCa,
            true,
            "CICSX0902E",
            "Certificate alert",
        ),
    ];
    for (i, (mode, cert, secure, id, text)) in cases.iter().enumerate() {
        let region = region(*mode, *cert).await;
        let name = format!("c{i}");
        cx.add(
            &name,
            region.addr().port(),
            *secure,
            &["--user", "cicsuser"],
        )
        .await;
        let run = cx.run(&["connect", &name], &[PASSWORD]).await;
        let err = run.fails_with(id);
        assert!(
            err.contains(text),
            "case {mode:?} {cert:?}: want {text:?}\n{run}"
        );
        assert!(err.contains("Why:") && err.contains("Do:"), "{run}");
        assert_eq!(region.stats().http_requests, 0, "{mode:?} {cert:?}");
    }

    // Refused: nothing listens.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    cx.add("down", port, true, &["--user", "cicsuser"]).await;
    cx.run(&["connect", "down"], &[PASSWORD])
        .await
        .fails_with("CICSX0402E");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_sent_exactly_once() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r1", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx
        .run(
            &["get", "CICSRegion", "CICSProgram", "-c", "r1"],
            &[("CICSX_PASSWORD", "wrong-password")],
        )
        .await;
    let err = run.fails_with("CICSX0609E");
    assert!(err.contains("IZ97228"), "{run}");
    assert!(
        !err.contains("wrong-password"),
        "never echo a password\n{run}"
    );
    let stats = region.stats();
    assert_eq!(stats.http_requests, 1, "{stats:?}");
    assert_eq!(stats.unauthorized, 1, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_connection_to_a_plain_region() {
    let region = region(Mode::Plain, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.add("p", region.addr().port(), false, &["--user", "cicsuser"])
        .await;
    let run = cx
        .run(
            &["get", "CICSLocalFile", "-c", "p", "--criteria", "FILE=DFH*"],
            &[PASSWORD],
        )
        .await;
    let out = run.ok();
    assert!(out.contains("FILE"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cmci_errors_are_reported() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r1", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx
        .run(&["get", "CICSNoSuchThing", "-c", "r1"], &[PASSWORD])
        .await;
    run.fails_with("CICSX0611E");
    assert!(run.stderr.contains("404"), "{run}");
    let run = cx
        .run(
            &[
                "get",
                "CICSProgram",
                "-c",
                "r1",
                "--criteria",
                "PROGRAM=NOPE*",
            ],
            &[PASSWORD],
        )
        .await;
    assert!(run.ok().contains("NODATA"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_connection_sends_the_password_only_when_challenged() {
    let region = region(Mode::Plain, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.add("p", region.addr().port(), false, &["--user", "cicsuser"])
        .await;
    let run = cx
        .run(
            &["get", "CICSRegion", "CICSProgram", "-c", "p"],
            &[PASSWORD],
        )
        .await;
    run.ok();
    assert!(
        run.stderr.contains("CICSX0920W"),
        "warned about clear text\n{run}"
    );
    let stats = region.stats();
    // A probe without credentials, the challenged request with them, then the LTPA token.
    assert_eq!(stats.http_requests, 3, "{stats:?}");
    assert_eq!(stats.authorization_headers, 1, "{stats:?}");
    assert_eq!(stats.ltpa_requests, 1, "{stats:?}");

    // A wrong password is still sent exactly once.
    let run = cx
        .run(
            &["get", "CICSRegion", "-c", "p"],
            &[("CICSX_PASSWORD", "nope")],
        )
        .await;
    run.fails_with("CICSX0609E");
    assert_eq!(region.stats().authorization_headers, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_connection_to_a_tls_port_never_sends_the_password() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.add("p", region.addr().port(), false, &["--user", "cicsuser"])
        .await;
    // The region would see the Authorization header in the bytes it drops; it must not be there.
    let run = cx.run(&["connect", "p"], &[PASSWORD]).await;
    run.fails_with("CICSX0404E");
    let stats = region.stats();
    assert_eq!(stats.not_tls_closed, 1, "{stats:?}");
    assert_eq!(stats.cleartext_credentials, 0, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unconfirmed_plain_connection_to_a_tls_port_offers_tls() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r", region.addr().port(), false, &["--user", "cicsuser"])
        .await;

    // Declined (no terminal, no flag): the original failure, the offer explained, nothing changed.
    let before = cx.snapshot();
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    let err = run.fails_with("CICSX0404E");
    assert!(err.contains("Ambiguity in connection security"), "{run}");
    assert!(err.contains("--switch-security"), "{run}");
    assert_eq!(cx.snapshot(), before);

    // Accepted: retried with TLS, recorded as secure and confirmed.
    let run = cx
        .run(&["connect", "r", "--switch-security"], &[PASSWORD])
        .await;
    let out = run.ok();
    assert!(out.contains("now uses TLS"), "{run}");
    assert!(out.contains("TLSv1.3"), "{run}");
    let show = cx.run(&["connection", "list", "--json"], &[]).await;
    let v: serde_json::Value = serde_json::from_str(show.ok()).unwrap();
    assert_eq!(v[0]["secure"], true, "{show}");
    assert_eq!(v[0]["tls_confirmed"], true, "{show}");
    assert_eq!(region.stats().cleartext_credentials, 0);

    // Confirmed now: no offer on the next connect.
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    assert!(!run.stderr.contains("Ambiguity"), "{run}");
    run.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_tls_connection_whose_port_turned_plain_is_a_mismatch() {
    let tls = region(Mode::Strong, CertChoice::Valid).await;
    let port = tls.addr().port();
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r", port, true, &["--user", "cicsuser"]).await;
    cx.run(&["connect", "r"], &[PASSWORD]).await.ok();
    tls.shutdown().await;

    let plain = cicsx_mock_cics::MockRegion::start(cicsx_mock_cics::Config {
        mode: Mode::Plain,
        bind: format!("127.0.0.1:{port}").parse().unwrap(),
        ..Default::default()
    })
    .await
    .unwrap();
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    let err = run.fails_with("CICSX0406E");
    assert!(err.contains("Connection security mismatch"), "{run}");
    assert!(!err.contains("Ambiguity"), "{run}");

    let run = cx
        .run(&["connect", "r", "--switch-security"], &[PASSWORD])
        .await;
    assert!(run.ok().contains("now uses plain HTTP"), "{run}");
    assert!(run.stderr.contains("travel unencrypted"), "{run}");
    assert_eq!(plain.stats().authorization_headers, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_truststore_is_reread_and_cached() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    let central = cx.path("central.pem");
    std::fs::write(&central, cicsx_mock_cics::fixtures::ROOT_CA_PEM).unwrap();
    cx.run(
        &[
            "prefs",
            "set",
            "central_truststore",
            central.to_str().unwrap(),
        ],
        &[],
    )
    .await
    .ok();
    cx.add("r", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    assert!(
        run.ok()
            .contains("issued by a trusted certificate authority"),
        "{run}"
    );

    let list = cx.run(&["truststore", "list"], &[]).await;
    assert!(list.ok().contains("central"), "{list}");

    // The central file is gone: the cached copy is used, with a warning.
    std::fs::remove_file(&central).unwrap();
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    run.ok();
    assert!(run.stderr.contains("CICSX0213W"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_about_to_expire_are_warned_about_on_connect() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let (key, cert) = (cx.path("soon.key"), cx.path("soon.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args(["-days", "10", "-subj", "/CN=Soon Expiring CA", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed by .ci/run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cx.run(
        &[
            "keystore",
            "trust",
            cert.to_str().unwrap(),
            "--alias",
            "soon",
        ],
        &[],
    )
    .await
    .ok();
    cx.add("r", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    run.ok();
    assert!(run.stderr.contains("CICSX0214W"), "{run}");
    assert!(run.stderr.contains("Soon Expiring CA"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_user_gets_403_with_its_message() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r", region.addr().port(), true, &["--user", "cicsnoacc"])
        .await;
    let run = cx.run(&["get", "CICSRegion", "-c", "r"], &[PASSWORD]).await;
    let err = run.fails_with("CICSX0610E");
    assert!(err.contains("cicsnoacc") && err.contains("403"), "{run}");
    assert_eq!(region.stats().http_requests, 1, "never retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_port_times_out_with_its_message() {
    // Accepts connections and never says anything.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            open.push(tcp);
        }
    });
    let cx = Cx::new();
    cx.add("silent", port, true, &["--user", "cicsuser"]).await;
    let started = std::time::Instant::now();
    let run = cx
        .run(&["--timeout", "1", "connect", "silent"], &[PASSWORD])
        .await;
    let err = run.fails_with("CICSX0403E");
    assert!(err.contains("TLS handshake"), "{run}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the flag is honoured"
    );
    held.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_not_yet_valid_has_its_message() {
    // A CA of the test's own, and a server certificate that starts being valid next year.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "Future Test CA");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let year = 365 * 24 * 60 * 60;
    let now = std::time::SystemTime::now();
    leaf.not_before = (now + std::time::Duration::from_secs(year)).into();
    leaf.not_after = (now + std::time::Duration::from_secs(2 * year)).into();
    let leaf = leaf.signed_by(&key, &issuer).unwrap();
    let region = cicsx_mock_cics::MockRegion::start(cicsx_mock_cics::Config {
        custom_cert: Some((leaf.pem(), key.serialize_pem())),
        ..Default::default()
    })
    .await
    .unwrap();

    let cx = Cx::new();
    let ca_file = cx.path("future-ca.pem");
    std::fs::write(&ca_file, ca_cert.pem()).unwrap();
    cx.run(
        &["prefs", "set", "truststore", ca_file.to_str().unwrap()],
        &[],
    )
    .await
    .ok();
    cx.add("r", region.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx.run(&["connect", "r"], &[PASSWORD]).await;
    let err = run.fails_with("CICSX0413E");
    assert!(err.contains("not valid yet"), "{run}");
    assert_eq!(region.stats().http_requests, 0);
}

/// The certificate alert says what is wrong beyond nothing trusting the certificate: a person
/// must not accept an expired certificate, or one issued for another host, unawares.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_certificate_alert_warns_of_expired_and_wrong_host_certificates() {
    for (cert, warning) in [
        (CertChoice::Expired, "WARNING:       EXPIRED on "),
        (
            CertChoice::WrongHost,
            "WARNING:       NOT ISSUED FOR 127.0.0.1: it names wrong.example.invalid",
        ),
    ] {
        let r = region(Mode::Strong, cert).await;
        let cx = Cx::new();
        cx.add("a", r.addr().port(), true, &["--user", "cicsuser"])
            .await;
        let run = cx
            .run(&["connect", "a"], &[("CICSX_PASSWORD", "cicspass")])
            .await;
        run.fails_with("CICSX0902E");
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains(warning), "{cert:?}: {run}");
    }
    // A certificate with nothing wrong but its issuer gets no warning.
    let r = region(Mode::Strong, CertChoice::SelfSigned).await;
    let cx = Cx::new();
    cx.add("s", r.addr().port(), true, &["--user", "cicsuser"])
        .await;
    let run = cx
        .run(&["connect", "s"], &[("CICSX_PASSWORD", "cicspass")])
        .await;
    run.fails_with("CICSX0902E");
    assert!(
        !format!("{}{}", run.stdout, run.stderr).contains("WARNING:"),
        "{run}"
    );
}
