//! The smart card crate against real SoftHSM2 tokens: listing, PIN handling, signatures, and
//! mutual TLS 1.2 and 1.3 with the mock CICS region using keys that stay on the token.
//!
//! Each test runs in its own child process (see `support`), on its own token.

mod support;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use cicsx_handshake::{ClientAuth, Endpoint, HttpConnection, Timeouts, TlsOptions, TlsVersions};
use cicsx_mock_cics::{Config, MockRegion, Mode, fixtures};
use cicsx_smartcard::{
    CertificateProvider, Error, KeyType, Module, PinStatus, Pkcs11Uri, TokenClientAuth,
};
use http_body_util::Full;
use rustls::SignatureScheme;
use rustls::client::ResolvesClientCert;
use secrecy::SecretString;
use support::{Content, Farm, PIN, SOFTHSM_MODULE, TokenSpec, isolated};
use x509_parser::prelude::{FromDer, X509Certificate};

const TOKENS: &[TokenSpec] = &[
    TokenSpec::new("listing", Content::Both),
    TokenSpec::new("chain", Content::Ec),
    TokenSpec::new("ec12", Content::Ec),
    TokenSpec::new("ec13", Content::Ec),
    TokenSpec::new("rsa12", Content::Rsa),
    TokenSpec::new("rsa13", Content::Rsa),
    TokenSpec::new("rsasig", Content::Rsa),
    TokenSpec::new("ecsig", Content::Ec),
    TokenSpec::new("p384", Content::P384),
    TokenSpec::new("wrongpin", Content::Ec),
    TokenSpec::locked("locked", Content::Ec),
    TokenSpec::new("orphan", Content::KeyOnly),
    TokenSpec::new("empty", Content::Empty),
    TokenSpec::new("ambiguous", Content::Both),
    TokenSpec::new("removed", Content::Ec),
    TokenSpec::new("shared", Content::Ec),
    TokenSpec::new("provider", Content::Ec),
];

/// Tokens no test logs in to (listing them from other processes is reliable).
const QUIET: &[&str] = &["listing", "empty", "locked"];

fn farm() -> &'static Farm {
    static FARM: OnceLock<Farm> = OnceLock::new();
    FARM.get_or_init(|| Farm::create("token", TOKENS))
}

/// Runs the test body in a child process with the tokens above.
fn on_tokens(test: &str, body: impl FnOnce()) {
    isolated(test, &farm, &|_| Vec::new(), body);
}

fn module() -> Module {
    Module::load(Path::new(SOFTHSM_MODULE)).expect("SoftHSM module loads")
}

fn pin() -> SecretString {
    SecretString::from(PIN)
}

fn uri(s: &str) -> Pkcs11Uri {
    s.parse().unwrap()
}

fn client_auth(token: &str) -> Arc<TokenClientAuth> {
    module()
        .client_auth(&Pkcs11Uri::token(token), &pin())
        .unwrap_or_else(|e| panic!("{} {e}", e.id()))
}

/// Connects to a mock region that requires a client certificate, with the key on `token`,
/// and reads the CICS regions.
fn mutual_tls_with_mock_region(token: &str, versions: TlsVersions, expect: &str) {
    let auth = client_auth(token);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let region = MockRegion::start(Config {
            mode: Mode::ClientAuth,
            ..Default::default()
        })
        .await
        .expect("mock region");
        let resolver: Arc<dyn ResolvesClientCert> = auth.clone();
        let config = cicsx_handshake::client_config(TlsOptions {
            verifier: support::server_verifier(),
            client_auth: Some(ClientAuth::Resolver(resolver)),
            versions,
            server_name: None,
        })
        .expect("client config");
        let endpoint = Endpoint::new("127.0.0.1", region.addr().port());
        let mut conn = HttpConnection::open(&endpoint, Some((&config, None)), &Timeouts::default())
            .await
            .unwrap_or_else(|e| panic!("connect: {e}; token error: {:?}", auth.take_error()));
        assert_eq!(conn.tls_info().expect("TLS").version, expect);
        let request = hyper::Request::builder()
            .uri("/CICSSystemManagement/CICSRegion/CICSPLEX1")
            .header("host", format!("127.0.0.1:{}", region.addr().port()))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = conn.send(request).await.expect("response");
        let body = String::from_utf8_lossy(&response.body);
        assert_eq!(response.status, 200, "{body}");
        assert!(body.contains("<cicsregion"), "{body}");
        assert_eq!(region.stats().client_cert_requests, 1);
        drop(conn);
        region.shutdown().await;
    });
    // One handshake, one signature, made on the token.
    assert_eq!(auth.signatures(), 1);
    assert!(auth.take_error().is_none());
}

#[test]
fn mutual_tls12_with_ecdsa_key_on_token() {
    on_tokens("mutual_tls12_with_ecdsa_key_on_token", || {
        mutual_tls_with_mock_region("ec12", TlsVersions::Tls12, "TLSv1.2");
    });
}

#[test]
fn mutual_tls13_with_ecdsa_key_on_token() {
    on_tokens("mutual_tls13_with_ecdsa_key_on_token", || {
        mutual_tls_with_mock_region("ec13", TlsVersions::Tls13, "TLSv1.3");
    });
}

#[test]
fn mutual_tls12_with_rsa_key_on_token() {
    on_tokens("mutual_tls12_with_rsa_key_on_token", || {
        mutual_tls_with_mock_region("rsa12", TlsVersions::Tls12, "TLSv1.2");
    });
}

#[test]
fn mutual_tls13_with_rsa_key_on_token() {
    on_tokens("mutual_tls13_with_rsa_key_on_token", || {
        mutual_tls_with_mock_region("rsa13", TlsVersions::Tls13, "TLSv1.3");
    });
}

/// A P-384 key (made for the run, with its own CA) in handshakes in memory, both versions.
#[test]
fn mutual_tls_with_p384_key_on_token() {
    on_tokens("mutual_tls_with_p384_key_on_token", || {
        let auth = client_auth("p384");
        assert_eq!(auth.key_type(), &KeyType::EcdsaP384);
        assert_eq!(auth.schemes(), &[SignatureScheme::ECDSA_NISTP384_SHA384]);
        let ca = std::fs::read_to_string(Farm::from_env().dir.join("p384-ca.pem")).unwrap();
        let server = support::server_config(&ca);
        for (versions, expect) in [
            (TlsVersions::Tls12, rustls::ProtocolVersion::TLSv1_2),
            (TlsVersions::Tls13, rustls::ProtocolVersion::TLSv1_3),
        ] {
            let config = cicsx_handshake::client_config(TlsOptions {
                verifier: support::server_verifier(),
                client_auth: Some(ClientAuth::Resolver(auth.clone())),
                versions,
                server_name: None,
            })
            .unwrap();
            let version = support::handshake_in_memory(config, server.clone())
                .unwrap_or_else(|e| panic!("{e}; {:?}", auth.take_error()));
            assert_eq!(version, expect);
        }
        assert_eq!(auth.signatures(), 2);
    });
}

fn public_key_bits(cert: &[u8]) -> Vec<u8> {
    let (_, cert) = X509Certificate::from_der(cert).unwrap();
    cert.public_key().subject_public_key.data.to_vec()
}

fn sign(auth: &TokenClientAuth, scheme: SignatureScheme, message: &[u8]) -> Vec<u8> {
    let signer = auth
        .signing_key()
        .choose_scheme(&[scheme])
        .expect("scheme offered");
    assert_eq!(signer.scheme(), scheme);
    signer.sign(message).unwrap()
}

/// RSA signatures made on the token, checked with aws-lc-rs against the certificate's key:
/// PKCS#1 v1.5 (CKM_RSA_PKCS over a DigestInfo) and PSS (CKM_RSA_PKCS_PSS), three hashes each.
#[test]
fn rsa_pkcs1_and_pss_signatures_verify() {
    on_tokens("rsa_pkcs1_and_pss_signatures_verify", || {
        use aws_lc_rs::signature::{self as sig, UnparsedPublicKey};
        let auth = client_auth("rsasig");
        assert_eq!(auth.key_type(), &KeyType::Rsa { bits: 2048 });
        let key = public_key_bits(auth.certificate());
        let message = b"TLS 1.3, client CertificateVerify\0 and some transcript hash";
        let cases: [(SignatureScheme, &sig::RsaParameters); 6] = [
            (
                SignatureScheme::RSA_PKCS1_SHA256,
                &sig::RSA_PKCS1_2048_8192_SHA256,
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA384,
                &sig::RSA_PKCS1_2048_8192_SHA384,
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA512,
                &sig::RSA_PKCS1_2048_8192_SHA512,
            ),
            (
                SignatureScheme::RSA_PSS_SHA256,
                &sig::RSA_PSS_2048_8192_SHA256,
            ),
            (
                SignatureScheme::RSA_PSS_SHA384,
                &sig::RSA_PSS_2048_8192_SHA384,
            ),
            (
                SignatureScheme::RSA_PSS_SHA512,
                &sig::RSA_PSS_2048_8192_SHA512,
            ),
        ];
        for (scheme, alg) in cases {
            let signature = sign(&auth, scheme, message);
            assert_eq!(signature.len(), 256, "{scheme:?}");
            UnparsedPublicKey::new(alg, &key)
                .verify(message, &signature)
                .unwrap_or_else(|_| panic!("{scheme:?} signature does not verify"));
            UnparsedPublicKey::new(alg, &key)
                .verify(b"another message", &signature)
                .expect_err("a signature of another message");
        }
        // PSS is preferred (TLS 1.3 allows nothing else for RSA).
        assert_eq!(auth.schemes()[0], SignatureScheme::RSA_PSS_SHA256);
        assert_eq!(auth.signatures(), 6);
    });
}

/// ECDSA: hashed here, signed with CKM_ECDSA, converted from r||s to DER; checked with aws-lc-rs.
#[test]
fn ecdsa_signatures_verify() {
    on_tokens("ecdsa_signatures_verify", || {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
        let auth = client_auth("ecsig");
        assert_eq!(auth.key_type(), &KeyType::EcdsaP256);
        let key = public_key_bits(auth.certificate());
        // Offered only what it can do.
        assert!(
            auth.signing_key()
                .choose_scheme(&[SignatureScheme::ECDSA_NISTP384_SHA384])
                .is_none()
        );
        for i in 0..20u8 {
            let message = vec![i; 100 + usize::from(i)];
            let signature = sign(&auth, SignatureScheme::ECDSA_NISTP256_SHA256, &message);
            assert_eq!(signature[0], 0x30, "DER SEQUENCE");
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &key)
                .verify(&message, &signature)
                .expect("ECDSA signature verifies");
        }
    });
}

#[test]
fn lists_tokens_flags_and_pin_status() {
    on_tokens("lists_tokens_flags_and_pin_status", || {
        let module = module();
        assert!(module.description().unwrap().contains("SoftHSM"));
        let tokens = module.tokens().unwrap();
        let find = |label: &str| {
            tokens
                .iter()
                .find(|t| t.label == label)
                .unwrap_or_else(|| panic!("{label}: {tokens:?}"))
        };
        // Only tokens that no other test process logs in to: SoftHSM rewrites a token's file
        // on each login, and another process reading it at that moment may miss the token.
        assert!(tokens.len() > QUIET.len());
        for spec in TOKENS.iter().filter(|s| QUIET.contains(&s.label)) {
            let t = find(spec.label);
            assert!(t.present && t.flags.initialized && t.flags.user_pin_initialized);
            assert!(t.flags.login_required);
            assert_eq!(t.manufacturer, "SoftHSM project");
            assert_eq!(t.model, "SoftHSM v2");
            assert_eq!(t.serial.len(), 16, "{t:?}");
            assert_eq!(t.flags.user_pin_locked, spec.lock_pin);
            // A token's URI names it alone.
            let status = module.pin_status(&t.uri()).expect("exactly one token");
            assert_eq!(status, t.pin_status());
        }
        assert_eq!(find("locked").pin_status(), PinStatus::Locked);
        assert_eq!(
            module.pin_status(&Pkcs11Uri::token("locked")).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            module.pin_status(&Pkcs11Uri::token("listing")).unwrap(),
            PinStatus::Ok
        );
        // The same file loads to the same context: no second C_Initialize.
        let again = Module::load(Path::new(SOFTHSM_MODULE)).unwrap();
        assert_eq!(again.tokens().unwrap(), tokens);
    });
}

#[test]
fn lists_certificates_without_login() {
    on_tokens("lists_certificates_without_login", || {
        let module = module();
        let certs = module.certificates(&Pkcs11Uri::token("listing")).unwrap();
        assert_eq!(certs.len(), 2, "{certs:?}");
        let ec = certs.iter().find(|c| c.label == "ec").unwrap();
        let rsa = certs.iter().find(|c| c.label == "rsa").unwrap();
        assert_eq!(ec.id, [1]);
        assert_eq!(rsa.id_hex(), "02");
        assert_eq!(ec.key_type, KeyType::EcdsaP256);
        assert_eq!(rsa.key_type, KeyType::Rsa { bits: 2048 });
        assert!(ec.has_private_key && rsa.has_private_key);
        assert!(ec.subject.contains("CN=CICSUSER"), "{}", ec.subject);
        assert!(
            ec.issuer.contains("cicsx Test Intermediate CA"),
            "{}",
            ec.issuer
        );
        assert_eq!(ec.token, "listing");
        // The certificate's URI round-trips and names exactly that certificate.
        let text = ec.uri.to_string();
        assert!(text.starts_with("pkcs11:token=listing;serial="), "{text}");
        assert!(text.ends_with(";object=ec;id=%01"), "{text}");
        let again = module.certificates(&uri(&text)).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].certificate, ec.certificate);
        let expected = std::fs::read(Farm::from_env().dir.join("ecdsa.der")).unwrap();
        assert_eq!(ec.certificate.as_ref(), expected.as_slice());

        // CA certificates without keys are listed, without a key.
        let chain = module.certificates(&Pkcs11Uri::token("chain")).unwrap();
        assert_eq!(chain.len(), 3);
        assert_eq!(chain.iter().filter(|c| c.has_private_key).count(), 1);
        // An empty token has no certificates; `pkcs11:` lists every token's.
        assert!(
            module
                .certificates(&Pkcs11Uri::token("empty"))
                .unwrap()
                .is_empty()
        );
        let all = module.certificates(&Pkcs11Uri::default()).unwrap();
        assert!(
            all.iter().filter(|c| c.token == "listing").count() == 2,
            "{all:?}"
        );
    });
}

/// The chain presented: the certificate and the intermediate found on the token; the
/// self-signed root on the token is left out.
#[test]
fn chain_comes_from_the_token() {
    on_tokens("chain_comes_from_the_token", || {
        let auth = client_auth("chain");
        let dir = Farm::from_env().dir;
        let leaf = std::fs::read(dir.join("ecdsa.der")).unwrap();
        let intermediate = std::fs::read(dir.join("intermediate.der")).unwrap();
        let chain: Vec<&[u8]> = auth.chain().iter().map(|c| c.as_ref()).collect();
        assert_eq!(chain, vec![leaf.as_slice(), intermediate.as_slice()]);
        assert_eq!(auth.label(), "cicsuser");
        assert_eq!(auth.id(), [1]);
        assert_eq!(auth.token(), "chain");
        let debug = format!("{auth:?}");
        assert!(debug.contains("chain") && !debug.contains(PIN), "{debug}");
    });
}

#[test]
fn wrong_pin_is_reported_with_the_tries_the_token_reports() {
    on_tokens(
        "wrong_pin_is_reported_with_the_tries_the_token_reports",
        || {
            let module = module();
            let token = Pkcs11Uri::token("wrongpin");
            assert_eq!(module.pin_status(&token).unwrap(), PinStatus::Ok);
            // No PIN is not sent as an empty one: that would use up a try (SoftHSM would set
            // CKF_USER_PIN_COUNT_LOW).
            let err = module
                .client_auth(&token, &SecretString::from(""))
                .unwrap_err();
            assert_eq!(err.id(), "CICSX0317E", "{err}");
            assert_eq!(module.pin_status(&token).unwrap(), PinStatus::Ok);
            let err = module
                .client_auth(&token, &SecretString::from("9999"))
                .unwrap_err();
            assert_eq!(err.id(), "CICSX0306E", "{err}");
            // SoftHSM sets CKF_USER_PIN_COUNT_LOW after a wrong PIN.
            assert!(
                matches!(
                    err,
                    Error::WrongPin {
                        status: PinStatus::CountLow,
                        ..
                    }
                ),
                "{err:?}"
            );
            let text = err.to_string();
            assert_eq!(
                text,
                "wrong PIN for token \"wrongpin\" (the token reports few tries left)"
            );
            assert!(!text.contains("9999") && !format!("{err:?}").contains("9999"));
            assert!(err.explanation().contains("few tries"));
            // The caller reads the status before asking again, and gets a warning.
            let status = module.pin_status(&token).unwrap();
            assert_eq!(status, PinStatus::CountLow);
            assert_eq!(status.id(), Some("CICSX0350W"));
            // The same wrong PIN again is not sent: each one brings a card nearer to locking.
            let again = |p: &str| {
                module
                    .client_auth(&token, &SecretString::from(p))
                    .unwrap_err()
            };
            let err = again("9999");
            assert_eq!(err.id(), "CICSX0318E", "{err}");
            assert!(
                err.explanation().contains("no further try was used up"),
                "{err:?}"
            );
            assert!(!format!("{err:?}").contains("9999"));
            // Another PIN is tried.
            assert_eq!(again("8888").id(), "CICSX0306E");
            assert_eq!(again("8888").id(), "CICSX0318E");
            // The right PIN works, the token clears the flag, and a refused PIN may be tried
            // again (the PIN could have been changed to it since).
            let auth = module.client_auth(&token, &pin()).expect("right PIN");
            drop(auth);
            assert_eq!(module.pin_status(&token).unwrap(), PinStatus::Ok);
            assert_eq!(again("8888").id(), "CICSX0306E");
            drop(module.client_auth(&token, &pin()).expect("right PIN"));
        },
    );
}

#[test]
fn locked_pin_is_refused_without_trying() {
    on_tokens("locked_pin_is_refused_without_trying", || {
        let module = module();
        let token = Pkcs11Uri::token("locked");
        // Even the right PIN is not sent: SoftHSM would accept it, the card would not.
        let err = module.client_auth(&token, &pin()).unwrap_err();
        assert_eq!(err.id(), "CICSX0307E", "{err}");
        assert_eq!(err.to_string(), "the PIN of token \"locked\" is locked");
        assert!(err.explanation().contains("no further try was used up"));
        let status = module.pin_status(&token).unwrap();
        assert!(status.warning("locked").unwrap().contains("locked"));
    });
}

#[test]
fn missing_token_and_missing_certificate() {
    on_tokens("missing_token_and_missing_certificate", || {
        let module = module();
        let err = module
            .client_auth(&uri("pkcs11:token=nosuchcard"), &pin())
            .unwrap_err();
        assert_eq!(err.id(), "CICSX0305E", "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with("no token matches pkcs11:token=nosuchcard (present: "),
            "{text}"
        );
        assert!(text.contains("\"listing\""), "{text}");
        assert!(
            module
                .certificates(&Pkcs11Uri::token("nosuchcard"))
                .is_err()
        );
        assert_eq!(
            module
                .pin_status(&Pkcs11Uri::token("nosuchcard"))
                .unwrap_err()
                .id(),
            "CICSX0305E"
        );

        let err = module
            .client_auth(&Pkcs11Uri::token("empty"), &pin())
            .unwrap_err();
        assert_eq!(err.id(), "CICSX0309E", "{err}");
        let err = module
            .client_auth(&uri("pkcs11:token=chain;id=%02"), &pin())
            .unwrap_err();
        assert_eq!(
            err.id(),
            "CICSX0309E",
            "a CA certificate without a key: {err}"
        );
        let err = module
            .client_auth(&uri("pkcs11:object=nowhere"), &pin())
            .unwrap_err();
        assert_eq!(err.id(), "CICSX0309E", "no token holds it: {err}");
        let err = module.pin_status(&Pkcs11Uri::default()).unwrap_err();
        assert_eq!(err.id(), "CICSX0310E", "several tokens: {err}");
    });
}

#[test]
fn key_without_certificate() {
    on_tokens("key_without_certificate", || {
        let err = module()
            .client_auth(&Pkcs11Uri::token("orphan"), &pin())
            .unwrap_err();
        assert_eq!(err.id(), "CICSX0308E", "{err}");
        assert_eq!(
            err.to_string(),
            "token \"orphan\" has a private key \"orphan\" (id 0a) but no certificate for it"
        );
    });
}

#[test]
fn several_certificates_need_a_choice() {
    on_tokens("several_certificates_need_a_choice", || {
        let module = module();
        let err = module
            .client_auth(&Pkcs11Uri::token("ambiguous"), &pin())
            .unwrap_err();
        assert_eq!(err.id(), "CICSX0310E", "{err}");
        assert!(
            err.to_string().contains("2 certificates with keys"),
            "{err}"
        );
        let rsa = module
            .client_auth(&uri("pkcs11:token=ambiguous;id=%02"), &pin())
            .unwrap();
        assert!(matches!(rsa.key_type(), KeyType::Rsa { .. }));
        drop(rsa);
        let ec = module
            .client_auth(&uri("pkcs11:token=ambiguous;object=ec"), &pin())
            .unwrap();
        assert_eq!(ec.key_type(), &KeyType::EcdsaP256);
        // Without a token attribute, the one token holding the object is chosen.
        drop(ec);
        let err = module
            .client_auth(&uri("pkcs11:object=rsa"), &pin())
            .unwrap_err();
        assert_eq!(
            err.id(),
            "CICSX0310E",
            "two tokens hold an object \"rsa\": {err}"
        );
    });
}

/// Two connections on one token share the login: closing the first does not log the second
/// out (PKCS#11 logout ends the login of every session of the application).
#[test]
fn two_connections_share_one_login() {
    on_tokens("two_connections_share_one_login", || {
        let server = support::server_config(fixtures::ROOT_CA_PEM);
        let config = |auth: &Arc<TokenClientAuth>| {
            cicsx_handshake::client_config(TlsOptions {
                verifier: support::server_verifier(),
                client_auth: Some(ClientAuth::Resolver(auth.clone())),
                versions: TlsVersions::Tls13,
                server_name: None,
            })
            .unwrap()
        };
        let first = client_auth("shared");
        let second = client_auth("shared");
        support::handshake_in_memory(config(&first), server.clone()).expect("first");
        drop(first);
        support::handshake_in_memory(config(&second), server.clone()).unwrap_or_else(|e| {
            panic!(
                "second after the first closed: {e}; {:?}",
                second.take_error()
            )
        });
        assert_eq!(
            second.signatures(),
            1,
            "signed on the token after the first logged out"
        );
        drop(second);
        // Logged out now: a new connection logs in again.
        let third = client_auth("shared");
        support::handshake_in_memory(config(&third), server).expect("third");
    });
}

/// A token that goes away while in use: the first connection signs on the token, then the
/// token's files disappear under SoftHSM (its handles become invalid, as when a card is
/// pulled); the next handshake fails with the "token removed" message, which the caller
/// also gets whole from `take_error`.
#[test]
fn token_removed_during_a_connection() {
    on_tokens("token_removed_during_a_connection", || {
        let auth = client_auth("removed");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let region = MockRegion::start(Config {
                mode: Mode::ClientAuth,
                ..Default::default()
            })
            .await
            .unwrap();
            let config = cicsx_handshake::client_config(TlsOptions {
                verifier: support::server_verifier(),
                client_auth: Some(ClientAuth::Resolver(auth.clone())),
                versions: TlsVersions::Tls13,
                server_name: None,
            })
            .unwrap();
            let endpoint = Endpoint::new("127.0.0.1", region.addr().port());
            let timeouts = Timeouts::default();
            HttpConnection::open(&endpoint, Some((&config, None)), &timeouts)
                .await
                .expect("first connection, token present");
            support::remove_token_files(&Farm::from_env(), "removed");
            let err = HttpConnection::open(&endpoint, Some((&config, None)), &timeouts)
                .await
                .expect_err("the token is gone");
            let shown = format!("{err}");
            assert!(
                shown.contains("CICSX0311E"),
                "the handshake error names the cause: {shown}"
            );
            region.shutdown().await;
        });
        let err = auth.take_error().expect("the error is kept");
        assert_eq!(err.id(), "CICSX0311E");
        assert_eq!(
            err.to_string().split(':').next().unwrap(),
            "token \"removed\" was removed or reset while in use"
        );
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert!(
            source.contains("Sign"),
            "the failing call is named: {source}"
        );
        assert_eq!(auth.signatures(), 1);
    });
}

#[test]
fn provider_lists_identities_and_opens_them() {
    on_tokens("provider_lists_identities_and_opens_them", || {
        let module = module();
        let provider: &dyn CertificateProvider = &module;
        assert!(provider.name().contains("libsofthsm2.so"));
        let ids: Vec<_> = provider
            .identities()
            .unwrap()
            .into_iter()
            .filter(|i| i.locator.starts_with("pkcs11:token=provider;"))
            .collect();
        assert_eq!(ids.len(), 1, "the CA certificates have no key: {ids:?}");
        let id = &ids[0];
        assert!(id.needs_pin);
        assert_eq!(id.name, "cicsuser on token \"provider\"");
        assert_eq!(id.key_type, KeyType::EcdsaP256);
        let err = provider.open(&id.locator, None).unwrap_err();
        assert_eq!(err.id(), "CICSX0317E", "{err}");
        let resolver = provider
            .open(&id.locator, Some(&pin()))
            .expect("opens with the PIN");
        assert!(resolver.has_certs());
        let server = support::server_config(fixtures::ROOT_CA_PEM);
        let config = cicsx_handshake::client_config(TlsOptions {
            verifier: support::server_verifier(),
            client_auth: Some(ClientAuth::Resolver(resolver)),
            versions: TlsVersions::Default,
            server_name: None,
        })
        .unwrap();
        support::handshake_in_memory(config, server).expect("handshake with the opened identity");
        assert_eq!(
            provider
                .open("pkcs11:token=provider?pin-value=1234", None)
                .unwrap_err()
                .id(),
            "CICSX0313E"
        );
    });
}

/// A shared library that is not a PKCS#11 module, and a path with nothing there.
#[test]
fn missing_module_and_a_library_that_is_not_one() {
    let err = Module::load(Path::new("/usr/lib/no-such-pkcs11-driver.so")).unwrap_err();
    assert_eq!(err.id(), "CICSX0301E");
    assert_eq!(
        err.to_string(),
        "PKCS#11 module /usr/lib/no-such-pkcs11-driver.so does not exist"
    );
    let libc = Path::new("/lib/x86_64-linux-gnu/libc.so.6");
    if libc.exists() {
        let err = Module::load(libc).unwrap_err();
        assert_eq!(err.id(), "CICSX0302E", "{err}");
        assert!(err.to_string().contains("C_GetFunctionList"), "{err}");
    }
}

/// OpenSC's own module on a machine without a card reader: a real "no card" situation.
#[test]
fn no_token_present() {
    support::require_tools(false);
    let opensc = Path::new("/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so");
    assert!(
        opensc.exists(),
        "OpenSC's PKCS#11 module is missing: Debian package opensc"
    );
    let module = Module::load(opensc).expect("OpenSC loads without a reader");
    if module.tokens().unwrap().iter().any(|t| t.present) {
        eprintln!("a card is present on this machine: nothing to test");
        return;
    }
    let err = module
        .client_auth(&Pkcs11Uri::token("cicstest"), &pin())
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0304E", "{err}");
    assert!(err.to_string().contains("opensc-pkcs11.so"), "{err}");
    assert!(module.certificates(&Pkcs11Uri::default()).is_err());
    // The provider lists nothing rather than failing.
    assert!(CertificateProvider::identities(&module).unwrap().is_empty());
}
