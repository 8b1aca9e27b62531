//! The TLS behaviour of each mode and certificate choice, seen from a rustls client or raw bytes.

mod common;

use std::sync::{Arc, Mutex};

use cicsx_mock_cics::{CertChoice, Mode, fixtures};
use common::{
    Client, client_config, client_config_with, client_hello, good_basic, roots, rustls_error,
    send_raw, start, tls_connect,
};
use hyper::StatusCode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{AlertDescription, CertificateError, DigitallySignedStruct, SignatureScheme};

const REGIONS: &str = "/CICSSystemManagement/CICSRegion/CICSPLEX1";

#[tokio::test]
async fn strong_mode_speaks_tls12_and_tls13() {
    let region = start(Mode::Strong, CertChoice::Valid).await;
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let config = client_config_with(roots(fixtures::ROOT_CA_PEM), None, Some(version));
        let tls = tls_connect(region.addr(), config, "localhost")
            .await
            .expect("handshake");
        assert_eq!(tls.get_ref().1.protocol_version(), Some(version.version));
        let mut client = Client::over(tls).await.expect("http");
        assert_eq!(
            client.get(REGIONS, &[good_basic()]).await.status,
            StatusCode::OK
        );
    }
    // The certificate names 127.0.0.1 as well as localhost.
    let tls = tls_connect(region.addr(), client_config(None), "127.0.0.1")
        .await
        .expect("IP SAN");
    // A request makes sure the server side has finished its handshake too.
    let mut client = Client::over(tls).await.expect("http");
    assert_eq!(
        client.get(REGIONS, &[good_basic()]).await.status,
        StatusCode::OK
    );
    assert_eq!(region.stats().tls_handshakes, 3);
    region.shutdown().await;
}

#[tokio::test]
async fn client_certificate_signs_on_without_password() {
    for mode in [Mode::Strong, Mode::ClientAuth] {
        let region = start(mode, CertChoice::Valid).await;
        for (chain, key) in [
            (fixtures::CLIENT_ECDSA_PEM, fixtures::CLIENT_ECDSA_KEY_PEM),
            (fixtures::CLIENT_RSA_PEM, fixtures::CLIENT_RSA_KEY_PEM),
        ] {
            let mut client = Client::tls(region.addr(), client_config(Some((chain, key)))).await;
            let r = client.get(REGIONS, &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{mode}: {}", r.body);
            assert!(
                r.ltpa_cookie().is_some(),
                "a certificate sign-on also gets an LTPA token"
            );
        }
        let stats = region.stats();
        assert_eq!(stats.client_cert_requests, 2, "{mode}");
        assert_eq!(stats.unauthorized, 0);
        assert_eq!(stats.basic_signons, 0);
        region.shutdown().await;
    }
}

#[tokio::test]
async fn client_auth_mode_rejects_a_client_without_certificate() {
    let region = start(Mode::ClientAuth, CertChoice::Valid).await;
    // TLS 1.3: the client finishes its side first and learns of the refusal on reading.
    let outcome = async {
        let tls = tls_connect(region.addr(), client_config(None), "localhost").await?;
        let mut client = Client::over(tls).await.map_err(std::io::Error::other)?;
        client
            .request("GET", REGIONS, &[good_basic()])
            .await
            .map_err(std::io::Error::other)
    }
    .await;
    let err = outcome.expect_err("no certificate, no service");
    let text = format!("{err:?}");
    assert!(
        text.contains("CertificateRequired") || text.contains("HandshakeFailure"),
        "expected a certificate_required alert: {text}"
    );
    // TLS 1.2: the handshake itself fails.
    let config = client_config_with(
        roots(fixtures::ROOT_CA_PEM),
        None,
        Some(&rustls::version::TLS12),
    );
    let err = tls_connect(region.addr(), config, "localhost")
        .await
        .expect_err("refused");
    assert!(
        matches!(
            rustls_error(&err),
            Some(rustls::Error::AlertReceived(
                AlertDescription::HandshakeFailure | AlertDescription::CertificateRequired
            ))
        ),
        "{err:?}"
    );
    // A certificate from another CA is refused as well.
    let unknown = client_config(Some((
        fixtures::SERVER_UNKNOWN_CA_PEM,
        fixtures::SERVER_UNKNOWN_CA_KEY_PEM,
    )));
    let outcome = async {
        let tls = tls_connect(region.addr(), unknown, "localhost").await?;
        let mut client = Client::over(tls).await.map_err(std::io::Error::other)?;
        client
            .request("GET", REGIONS, &[])
            .await
            .map_err(std::io::Error::other)
    }
    .await;
    assert!(outcome.is_err());
    let stats = common::stats_eventually(&region, |s| s.tls_failures == 3).await;
    assert_eq!(stats.http_requests, 0);
    assert_eq!(stats.tls_failures, 3);
    region.shutdown().await;
}

#[tokio::test]
async fn medium_mode_answers_modern_clients_with_handshake_failure() {
    let region = start(Mode::Medium, CertChoice::Valid).await;
    let err = tls_connect(region.addr(), client_config(None), "localhost")
        .await
        .expect_err("no common cipher");
    assert!(
        matches!(
            rustls_error(&err),
            Some(rustls::Error::AlertReceived(
                AlertDescription::HandshakeFailure
            ))
        ),
        "{err:?}"
    );
    // The exact bytes: one fatal handshake_failure alert record, then end of stream.
    let (got, clean_eof) = send_raw(region.addr(), &client_hello(&[0x1301, 0xC02B])).await;
    assert_eq!(got, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    assert!(clean_eof);
    assert_eq!(region.stats().tls_failures, 2);
    region.shutdown().await;
}

#[tokio::test]
async fn medium_mode_picks_a_medium_suite_when_offered() {
    let region = start(Mode::Medium, CertChoice::Valid).await;
    let (got, clean_eof) = send_raw(region.addr(), &client_hello(&[0xC02F, 0x0035, 0x002F])).await;
    assert!(clean_eof);
    assert_eq!(got.len(), 5 + 4 + 38, "{got:02X?}");
    assert_eq!(&got[..5], &[0x16, 0x03, 0x03, 0x00, 42]);
    assert_eq!(&got[5..9], &[0x02, 0x00, 0x00, 38], "a ServerHello");
    assert_eq!(&got[9..11], &[0x03, 0x03], "TLS 1.2");
    assert_eq!(
        &got[43..],
        &[0x00, 0x00, 0x2F, 0x00],
        "TLS_RSA_WITH_AES_128_CBC_SHA, no compression"
    );
    // Garbage that starts like a handshake record gets decode_error.
    let (got, _) = send_raw(
        region.addr(),
        &[0x16, 0x03, 0x01, 0x00, 0x05, 0x02, 0, 0, 1, 0],
    )
    .await;
    assert_eq!(got, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]);
    assert_eq!(region.stats().medium_server_hellos, 1);
    region.shutdown().await;
}

#[tokio::test]
async fn plain_http_to_a_tls_port_gets_nothing_back() {
    for mode in [Mode::Strong, Mode::ClientAuth, Mode::Medium] {
        let region = start(mode, CertChoice::Valid).await;
        let (got, clean_eof) = send_raw(
            region.addr(),
            b"GET /CICSSystemManagement/CICSRegion/CICSPLEX1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
        )
        .await;
        assert!(
            got.is_empty(),
            "{mode}: a TLS port must not answer plain HTTP: {got:?}"
        );
        assert!(clean_eof, "{mode}: end of stream, not a reset or a hang");
        let stats = region.stats();
        assert_eq!(stats.not_tls_closed, 1, "{mode}");
        assert_eq!(stats.http_requests, 0);
        region.shutdown().await;
    }
}

#[tokio::test]
async fn tls_to_a_plain_port_gets_an_http_400() {
    let region = start(Mode::Plain, CertChoice::Valid).await;
    let (got, clean_eof) = send_raw(region.addr(), &client_hello(&[0x1301, 0x002F])).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
    assert!(text.contains("DFHWB0114"));
    assert!(clean_eof);
    // And what a rustls client makes of it.
    let err = tls_connect(region.addr(), client_config(None), "localhost")
        .await
        .expect_err("not TLS");
    assert!(
        matches!(rustls_error(&err), Some(rustls::Error::InvalidMessage(_))),
        "{err:?}"
    );
    assert_eq!(region.stats().tls_on_plain, 2);
    region.shutdown().await;
}

#[tokio::test]
async fn bad_server_certificates_fail_verification_as_chosen() {
    for (cert, check) in [
        (
            CertChoice::Expired,
            (|e: &CertificateError| {
                matches!(
                    e,
                    CertificateError::Expired | CertificateError::ExpiredContext { .. }
                )
            }) as fn(&CertificateError) -> bool,
        ),
        (CertChoice::WrongHost, |e| {
            matches!(
                e,
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            )
        }),
        (CertChoice::SelfSigned, |e| {
            matches!(e, CertificateError::UnknownIssuer)
        }),
        (CertChoice::UnknownCa, |e| {
            matches!(e, CertificateError::UnknownIssuer)
        }),
    ] {
        let region = start(Mode::Strong, cert).await;
        let err = tls_connect(region.addr(), client_config(None), "localhost")
            .await
            .expect_err("verification fails");
        match rustls_error(&err) {
            Some(rustls::Error::InvalidCertificate(e)) => assert!(check(e), "{cert}: {e:?}"),
            other => panic!("{cert}: unexpected {other:?}"),
        }
        region.shutdown().await;
    }
    // Trusting the unrelated CA makes the unknown-ca certificate good.
    let region = start(Mode::Strong, CertChoice::UnknownCa).await;
    let config = client_config_with(roots(fixtures::OTHER_CA_PEM), None, None);
    tls_connect(region.addr(), config, "localhost")
        .await
        .expect("trusted by its own CA");
    region.shutdown().await;
}

/// Accepts any server certificate and remembers it (to see exactly what was served).
#[derive(Debug, Default)]
struct Capture(Mutex<Option<Vec<u8>>>);

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.0.lock() {
            *seen = Some(end_entity.to_vec());
        }
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(m, c, d, &algs)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(m, c, d, &algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::aws_lc_rs::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[tokio::test]
async fn each_choice_serves_its_fixture_certificate() {
    for cert in cicsx_mock_cics::CertChoice::ALL {
        let region = start(Mode::Strong, cert).await;
        let capture = Arc::new(Capture::default());
        let config = rustls::ClientConfig::builder_with_provider(common::provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .dangerous()
            .with_custom_certificate_verifier(capture.clone())
            .with_no_client_auth();
        let tls = tls_connect(region.addr(), Arc::new(config), "localhost")
            .await
            .expect("handshake");
        let served = capture
            .0
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .expect("a certificate was served");
        let expected =
            CertificateDer::from_pem_slice(cert.chain_pem().as_bytes()).expect("fixture");
        assert_eq!(served, expected.to_vec(), "{cert}");
        // The signature checked out too: the served key matches the certificate (RSA included).
        let mut client = Client::over(tls).await.expect("http");
        assert_eq!(
            client.get(REGIONS, &[good_basic()]).await.status,
            StatusCode::OK,
            "{cert}"
        );
        region.shutdown().await;
    }
}
