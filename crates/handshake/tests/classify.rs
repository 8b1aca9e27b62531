//! Each failure class, produced by a real peer on loopback.

use std::sync::Arc;

use bytes::Bytes;
use cicsx_handshake::{Endpoint, Error, HttpConnection, Timeouts, TlsOptions, TlsVersions};
use http_body_util::Full;
use hyper::Request;
use rustls::client::WebPkiServerVerifier;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct Pki {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

fn pki(names: &[&str]) -> Pki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    // A distinct name per CA, so that an unrelated CA is unknown rather than a bad signer.
    ca_params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("Test CA {}", names.join(",")),
    );
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    let leaf = params.signed_by(&key, &issuer).unwrap();
    Pki {
        ca: ca.der().clone(),
        leaf: leaf.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

fn client(ca: &CertificateDer<'static>, versions: TlsVersions) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let verifier = WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
    )
    .build()
    .unwrap();
    cicsx_handshake::client_config(TlsOptions {
        verifier,
        client_auth: None,
        versions,
        server_name: None,
    })
    .unwrap()
}

/// A TLS server answering every request with 200 "ok".
async fn tls_server(pki: &Pki) -> std::net::SocketAddr {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![pki.leaf.clone()], pki.key.clone_key())
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    .await;
                let _ = tls.flush().await;
            });
        }
    });
    addr
}

/// A raw TCP server that reads once, writes `reply`, and closes.
async fn raw_server(reply: &'static [u8]) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = tcp.read(&mut buf).await;
            let _ = tcp.write_all(reply).await;
            let _ = tcp.shutdown().await;
        }
    });
    addr
}

fn get() -> Request<Full<Bytes>> {
    Request::get("/CICSSystemManagement/CICSRegion/X")
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

fn ep(addr: std::net::SocketAddr) -> Endpoint {
    Endpoint::new("127.0.0.1", addr.port())
}

#[tokio::test]
async fn tls_12_and_13_succeed_with_strong_suites() {
    let pki = pki(&["localhost", "127.0.0.1"]);
    let addr = tls_server(&pki).await;
    for (versions, expect) in [
        (TlsVersions::Default, "TLSv1.3"),
        (TlsVersions::Tls12, "TLSv1.2"),
        (TlsVersions::Tls13, "TLSv1.3"),
    ] {
        let config = client(&pki.ca, versions);
        let mut conn = HttpConnection::open(&ep(addr), Some((&config, None)), &Timeouts::default())
            .await
            .unwrap();
        let info = conn.tls_info().unwrap().clone();
        assert_eq!(info.version, expect);
        assert!(info.cipher_suite.contains("GCM") || info.cipher_suite.contains("CHACHA"));
        assert_eq!(info.peer_certificates[0], pki.leaf);
        let response = conn.send(get()).await.unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(&response.body[..], b"ok");
    }
}

#[tokio::test]
async fn refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = HttpConnection::open(&ep(addr), None, &Timeouts::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Refused { .. }), "{err:?}");
    assert_eq!(err.id(), "CICSX0402E");
}

#[tokio::test]
async fn plain_request_to_a_silent_tls_port_is_no_reply() {
    let addr = raw_server(b"").await;
    let mut conn = HttpConnection::open(&ep(addr), None, &Timeouts::default())
        .await
        .unwrap();
    let err = conn.send(get()).await.unwrap_err();
    assert!(matches!(err, Error::NoReply { .. }), "{err:?}");
    assert_eq!(err.suggests_tls(), Some(true));
}

#[tokio::test]
async fn tls_to_a_plain_http_port_shows_the_status_line() {
    let addr = raw_server(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
    let pki = pki(&["localhost"]);
    let config = client(&pki.ca, TlsVersions::Default);
    let err = HttpConnection::open(&ep(addr), Some((&config, None)), &Timeouts::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotTls { .. }), "{err:?}");
    assert!(
        err.to_string().contains("HTTP/1.1 400 Bad Request"),
        "{err}"
    );
    assert_eq!(err.suggests_tls(), Some(false));
    assert_eq!(err.id(), "CICSX0406E");
}

#[tokio::test]
async fn handshake_failure_alert_is_named() {
    let addr = raw_server(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]).await;
    let pki = pki(&["localhost"]);
    let config = client(&pki.ca, TlsVersions::Default);
    let err = HttpConnection::open(&ep(addr), Some((&config, None)), &Timeouts::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Alert { .. }), "{err:?}");
    assert_eq!(err.id(), "CICSX0407E");
    assert!(err.to_string().contains("handshake_failure"), "{err}");
    assert!(err.explanation().contains("DFHSO0123"));
}

#[tokio::test]
async fn close_during_handshake() {
    let addr = raw_server(b"").await;
    let pki = pki(&["localhost"]);
    let config = client(&pki.ca, TlsVersions::Default);
    let err = HttpConnection::open(&ep(addr), Some((&config, None)), &Timeouts::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ClosedDuringHandshake { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn wrong_host_and_unknown_ca() {
    let pki_a = pki(&["wrong.example.invalid"]);
    let addr = tls_server(&pki_a).await;
    let config = client(&pki_a.ca, TlsVersions::Default);
    let err = HttpConnection::open(&ep(addr), Some((&config, None)), &Timeouts::default())
        .await
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0414E", "{err:?}");

    let pki_b = pki(&["127.0.0.1"]);
    let addr = tls_server(&pki_b).await;
    let err = HttpConnection::open(&ep(addr), Some((&config, None)), &Timeouts::default())
        .await
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0411E", "{err:?}");
}

#[tokio::test]
async fn silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let pki = pki(&["localhost"]);
    let config = client(&pki.ca, TlsVersions::Default);
    let timeouts = Timeouts {
        handshake: std::time::Duration::from_millis(200),
        ..Timeouts::default()
    };
    let err = HttpConnection::open(&ep(addr), Some((&config, None)), &timeouts)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TimedOut { .. }), "{err:?}");
}
