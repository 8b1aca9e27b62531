//! TLS session resumption against a real peer (`openssl s_server`): reconnects with the same
//! client configuration resume, TLS 1.3 and TLS 1.2; a new configuration (rustls ties a session
//! to the verifier that checked it) starts afresh.

mod common;

use std::sync::Arc;

use common::{OpenSsl, fixtures};

use cicsx_handshake::{Endpoint, Timeouts, TlsOptions, TlsVersions};
use rustls::client::WebPkiServerVerifier;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

fn options(versions: TlsVersions) -> TlsOptions {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(fixtures().join("ca/root.pem")).unwrap())
        .unwrap();
    let verifier = WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
    )
    .build()
    .unwrap();
    TlsOptions {
        verifier,
        client_auth: None,
        versions,
        server_name: Some("localhost".to_owned()),
    }
}

/// Connects with `config`, sends one request (so that TLS 1.3 tickets, which follow the
/// handshake, are read) and says whether the handshake resumed.
async fn connect(server: &OpenSsl, config: &Arc<rustls::ClientConfig>) -> bool {
    let endpoint = Endpoint::new("127.0.0.1", server.port);
    let mut http = cicsx_handshake::HttpConnection::open(
        &endpoint,
        Some((config, Some("localhost"))),
        &Timeouts::default(),
    )
    .await
    .unwrap();
    let resumed = http.tls_info().unwrap().resumed;
    let request = hyper::Request::get("/")
        .header(hyper::header::HOST, "localhost")
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .unwrap();
    let response = http.send(request).await.unwrap();
    assert_eq!(response.status, hyper::StatusCode::OK);
    resumed
}

#[tokio::test]
async fn reconnects_with_the_same_configuration_resume() {
    let server = OpenSsl::start(&[
        "-cert",
        "{fixtures}/server/ecdsa.pem",
        "-key",
        "{fixtures}/server/ecdsa.key.pem",
        "-cert_chain",
        "{fixtures}/ca/intermediate.pem",
    ]);
    for versions in [TlsVersions::Tls13, TlsVersions::Tls12] {
        let config = cicsx_handshake::client_config(options(versions)).unwrap();
        assert!(!connect(&server, &config).await, "{versions:?} first");
        assert!(connect(&server, &config).await, "{versions:?} second");
        assert!(connect(&server, &config).await, "{versions:?} third");
        // A new configuration has a new verifier: rustls does not resume across verifiers.
        let other = cicsx_handshake::client_config(options(versions)).unwrap();
        assert!(
            !connect(&server, &other).await,
            "{versions:?} new configuration"
        );
    }
}
