//! The probes against real TLS servers: `openssl s_server` configured as the diagnosis tests
//! need (a medium-only suite, TLS 1.0 only, a required client certificate), and a plain TCP
//! server. OpenSSL must be installed: these tests fail, not skip, without it.

mod common;

use std::net::TcpListener;

use cicsx_handshake::Endpoint;
use cicsx_handshake::probe::{
    AfterHandshake, HelloOutcome, Limits, PlainAnswer, Prober, TlsVersion,
};
use common::OpenSsl;

fn prober(server: &OpenSsl) -> Prober {
    Prober::new(
        Endpoint::new("127.0.0.1", server.port),
        Some("localhost".to_owned()),
        Limits::default(),
    )
}

fn quiet(_: &str) {}

#[tokio::test]
async fn medium_only_server() {
    let server = OpenSsl::start(&["-no_tls1_3", "-cipher", "AES128-SHA:@SECLEVEL=0"]);
    let prober = prober(&server);
    let scan = prober
        .enumerate_suites(TlsVersion::Tls12, &quiet)
        .await
        .unwrap();
    assert_eq!(scan.accepted, vec![0x002F], "{scan:?}");
    assert!(matches!(scan.last, HelloOutcome::Alert(a) if a.name() == "handshake_failure"));
    let HelloOutcome::ServerHello { certificates, .. } = &scan.first else {
        panic!("{scan:?}")
    };
    assert_eq!(
        certificates.len(),
        1,
        "the TLS 1.2 flight carries the chain"
    );
    let tls13 = prober.probe_version(TlsVersion::Tls13).await.unwrap();
    assert_eq!(tls13.accepted_suite(TlsVersion::Tls13), None, "{tls13:?}");
    // cicsx's own handshake fails: no common strong suite.
    let full = prober.full_handshake().await;
    let err = full.outcome.unwrap_err();
    assert_eq!(err.id(), "CICSX0407E", "{err}");
}

#[tokio::test]
async fn tls10_only_server() {
    let server = OpenSsl::start(&["-tls1", "-cipher", "ALL:@SECLEVEL=0"]);
    let prober = prober(&server);
    let tls10 = prober
        .enumerate_suites(TlsVersion::Tls10, &quiet)
        .await
        .unwrap();
    assert!(tls10.accepted.len() > 3, "{tls10:?}");
    assert!(tls10.accepted.contains(&0x002F));
    for version in [TlsVersion::Tls11, TlsVersion::Tls12, TlsVersion::Tls13] {
        let outcome = prober.probe_version(version).await.unwrap();
        assert_eq!(
            outcome.accepted_suite(version),
            None,
            "{version}: {outcome:?}"
        );
    }
    // A TLS 1.2 hello gets a TLS 1.0 ServerHello: the server does not do 1.2.
    let outcome = prober.probe_version(TlsVersion::Tls12).await.unwrap();
    assert!(
        matches!(&outcome, HelloOutcome::ServerHello { hello, .. } if hello.version() == 0x0301)
            || matches!(outcome, HelloOutcome::Alert(_)),
        "{outcome:?}"
    );
    assert!(prober.connections_used() > tls10.accepted.len());
}

#[tokio::test]
async fn client_certificate_required() {
    let server = OpenSsl::start(&["-Verify", "1", "-CAfile", "{fixtures}/ca/root.pem"]);
    let prober = prober(&server);
    let full = prober.full_handshake().await;
    assert!(full.client_certificate_requested);
    assert_eq!(full.acceptable_ca_names.len(), 1);
    let name = String::from_utf8_lossy(&full.acceptable_ca_names[0]).into_owned();
    assert!(name.contains("cicsx Test Root CA"), "{name}");
    assert!(!full.presented_chain.is_empty());
    // TLS 1.3: the handshake completes on the client side, then the server says why.
    match (&full.outcome, &full.after) {
        (Ok(info), Some(AfterHandshake::Alert(alert))) => {
            assert_eq!(info.version, "TLSv1.3");
            assert_eq!(alert.name(), "certificate_required");
        }
        (Err(e), _) => assert_eq!(e.id(), "CICSX0410E", "{e}"),
        other => panic!("{other:?}"),
    }
    // The TLS 1.2 probe sees the same request in plaintext.
    let tls12 = prober.probe_version(TlsVersion::Tls12).await.unwrap();
    let HelloOutcome::ServerHello {
        certificate_request: Some(request),
        ..
    } = tls12
    else {
        panic!("{tls12:?}")
    };
    assert_eq!(request.certificate_authorities, full.acceptable_ca_names);
}

#[tokio::test]
async fn plain_ports_and_closed_ports() {
    // A server that answers anything with an HTTP error, like a plain CICS port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let prober = Prober::new(Endpoint::new("127.0.0.1", port), None, Limits::default());
    prober.probe_open().await.unwrap();
    let outcome = prober.probe_version(TlsVersion::Tls12).await.unwrap();
    let HelloOutcome::NotTls(received) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        received.http_status_line().as_deref(),
        Some("HTTP/1.1 400 Bad Request")
    );
    let plain = prober.probe_plain_http().await.unwrap();
    assert!(
        matches!(&plain, PlainAnswer::Http(a) if a.status == 400),
        "{plain:?}"
    );

    // Nothing listening.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let prober = Prober::new(Endpoint::new("127.0.0.1", port), None, Limits::default());
    assert_eq!(prober.probe_open().await.unwrap_err().id(), "CICSX0402E");
}

#[tokio::test]
async fn the_connection_limit_is_kept() {
    let server = OpenSsl::start(&["-tls1", "-cipher", "ALL:@SECLEVEL=0"]);
    let prober = Prober::new(
        Endpoint::new("127.0.0.1", server.port),
        None,
        Limits {
            max_connections: 3,
            ..Limits::default()
        },
    );
    let scan = prober
        .enumerate_suites(TlsVersion::Tls10, &quiet)
        .await
        .unwrap();
    assert_eq!(scan.accepted.len(), 3);
    assert!(scan.incomplete.is_some());
    assert_eq!(prober.connections_used(), 3);
    assert_eq!(
        prober.probe_version(TlsVersion::Tls12).await.unwrap(),
        HelloOutcome::Skipped
    );
}
