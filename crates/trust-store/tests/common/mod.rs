//! Helpers shared by the integration tests: the workspace's test PKI and an in-memory TLS
//! handshake between a real rustls client and server.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;

use cicsx_truststore::TrustVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};

/// `fixtures/` at the workspace root (written by `cargo xtask fixtures`).
pub fn fixture_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

pub fn fixture(rel: &str) -> Vec<u8> {
    let path = fixture_path(rel);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "fixture {} is missing ({e}); run `cargo xtask fixtures`",
            path.display()
        )
    })
}

pub fn certs(rel: &str) -> Vec<CertificateDer<'static>> {
    let pem = fixture(rel);
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(!certs.is_empty(), "{rel} holds no certificate");
    certs
}

pub fn key(rel: &str) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_slice(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A server identity from the fixtures: `server/NAME.pem` and `server/NAME.key.pem`.
pub fn server(name: &str) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    (
        certs(&format!("server/{name}.pem")),
        key(&format!("server/{name}.key.pem")),
    )
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Runs a complete TLS handshake in memory: a rustls client using `verifier` against a rustls
/// server presenting `chain`. Returns the client's error, if any.
pub fn handshake(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    verifier: Arc<TrustVerifier>,
    server_name: &str,
) -> Result<(), rustls::Error> {
    handshake_versions(chain, key, verifier, server_name, rustls::DEFAULT_VERSIONS)
}

pub fn handshake_versions(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    verifier: Arc<TrustVerifier>,
    server_name: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<(), rustls::Error> {
    let server_config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server certificate and key");
    let client_config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let name = ServerName::try_from(server_name.to_owned()).expect("server name");
    let mut client = ClientConnection::new(Arc::new(client_config), name).unwrap();
    let mut server = ServerConnection::new(Arc::new(server_config)).unwrap();

    for _ in 0..32 {
        let mut buf = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            server.read_tls(&mut buf.as_slice()).unwrap();
            if server.process_new_packets().is_err() {
                // The client sent an alert; its own error is the interesting one and was
                // returned below on the previous round, or this is a server-side failure.
                return Err(rustls::Error::General("server failed".into()));
            }
        }
        let mut buf = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            client.read_tls(&mut buf.as_slice()).unwrap();
            client.process_new_packets()?;
        }
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(());
        }
    }
    panic!("handshake did not finish");
}
