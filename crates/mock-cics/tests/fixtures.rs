//! The committed test PKI: every file present, every certificate (the expired one aside) valid
//! for at least five more years, the PKCS#12 files openable. Regenerate with
//! `cargo xtask fixtures` when this fails.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cicsx_mock_cics::fixtures;
use p12_keystore::{KeyStore, KeyStoreEntry, Pkcs12ImportPolicy};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use x509_parser::prelude::{FromDer, X509Certificate};

const FILES: [&str; 23] = [
    "README.md",
    "ca/root.pem",
    "ca/intermediate.pem",
    "ca/truststore.p12",
    "other-ca/root.pem",
    "server/ecdsa.pem",
    "server/ecdsa.key.pem",
    "server/rsa.pem",
    "server/rsa.key.pem",
    "server/expired.pem",
    "server/expired.key.pem",
    "server/wrong-host.pem",
    "server/wrong-host.key.pem",
    "server/self-signed.pem",
    "server/self-signed.key.pem",
    "server/unknown-ca.pem",
    "server/unknown-ca.key.pem",
    "client/ecdsa.pem",
    "client/ecdsa.key.pem",
    "client/ecdsa.p12",
    "client/rsa.pem",
    "client/rsa.key.pem",
    "client/rsa.p12",
];

const FIVE_YEARS: Duration = Duration::from_secs(5 * 366 * 24 * 3600);

fn regenerate_hint() -> &'static str {
    "run `cargo xtask fixtures` and commit fixtures/"
}

#[test]
fn every_fixture_file_exists() {
    let dir = common::fixtures_dir();
    let missing: Vec<_> = FILES.iter().filter(|f| !dir.join(f).is_file()).collect();
    assert!(
        missing.is_empty(),
        "missing fixtures {missing:?}: {}",
        regenerate_hint()
    );
}

#[test]
fn no_certificate_expires_within_five_years() {
    let dir = common::fixtures_dir();
    let horizon = SystemTime::now() + FIVE_YEARS;
    let horizon = horizon
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(u64::MAX);
    let horizon = i64::try_from(horizon).unwrap_or(i64::MAX);
    let mut checked = 0;
    for name in FILES
        .iter()
        .filter(|f| f.ends_with(".pem") && !f.ends_with(".key.pem"))
    {
        let pem = std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", regenerate_hint()));
        let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!certs.is_empty(), "{name} holds no certificate");
        for (i, der) in certs.iter().enumerate() {
            let (_, cert) =
                X509Certificate::from_der(der).unwrap_or_else(|e| panic!("{name}: {e}"));
            let not_after = cert.validity().not_after.timestamp();
            if *name == "server/expired.pem" && i == 0 {
                let now = i64::try_from(
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or(0),
                )
                .unwrap_or(0);
                assert!(not_after < now, "server/expired.pem must stay expired");
                continue;
            }
            assert!(
                not_after > horizon,
                "{name} certificate {i} ({}) expires {}, within five years: {}",
                cert.subject(),
                cert.validity().not_after,
                regenerate_hint()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 16, "every certificate of every PEM file checked");
}

#[test]
fn embedded_fixtures_match_the_files() {
    let dir = common::fixtures_dir();
    for (name, embedded) in [
        ("ca/root.pem", fixtures::ROOT_CA_PEM.as_bytes()),
        ("client/ecdsa.p12", fixtures::CLIENT_ECDSA_P12),
        ("client/rsa.pem", fixtures::CLIENT_RSA_PEM.as_bytes()),
        ("server/ecdsa.pem", fixtures::SERVER_ECDSA_PEM.as_bytes()),
    ] {
        let on_disk = std::fs::read(dir.join(name)).unwrap_or_default();
        assert_eq!(
            on_disk, embedded,
            "{name}: rebuild after regenerating fixtures"
        );
    }
}

#[test]
fn client_p12_files_hold_key_and_full_chain() {
    for (p12, alias, pem) in [
        (
            fixtures::CLIENT_ECDSA_P12,
            fixtures::CLIENT_ECDSA_ALIAS,
            fixtures::CLIENT_ECDSA_PEM,
        ),
        (
            fixtures::CLIENT_RSA_P12,
            fixtures::CLIENT_RSA_ALIAS,
            fixtures::CLIENT_RSA_PEM,
        ),
    ] {
        let store =
            KeyStore::from_pkcs12(p12, fixtures::P12_PASSPHRASE, Pkcs12ImportPolicy::Strict)
                .unwrap_or_else(|e| panic!("{alias}: {e}"));
        let (found, chain) = store.private_key_chain().expect("a key entry");
        assert_eq!(found, alias);
        assert_eq!(chain.certs().len(), 3, "leaf, intermediate, root");
        let leaf = CertificateDer::from_pem_slice(pem.as_bytes()).expect("leaf");
        assert_eq!(chain.certs()[0].as_der(), leaf.as_ref());
        let root = CertificateDer::from_pem_slice(fixtures::ROOT_CA_PEM.as_bytes()).expect("root");
        assert_eq!(chain.certs()[2].as_der(), root.as_ref());
        assert!(chain.certs()[0].subject().contains(fixtures::CLIENT_CN));
        assert!(KeyStore::from_pkcs12(p12, "wrong", Pkcs12ImportPolicy::Strict).is_err());
    }
    let trust = KeyStore::from_pkcs12(
        fixtures::TRUSTSTORE_P12,
        fixtures::P12_PASSPHRASE,
        Pkcs12ImportPolicy::Strict,
    )
    .expect("trust store opens");
    assert_eq!(trust.entries_len(), 2);
    assert!(matches!(
        trust.entry("cicsx-test-root"),
        Some(KeyStoreEntry::Certificate(_))
    ));
}

#[test]
fn certificates_have_the_promised_extensions() {
    let parse = |pem: &str| {
        let der = CertificateDer::from_pem_slice(pem.as_bytes()).expect("pem");
        der.to_vec()
    };
    let root = parse(fixtures::ROOT_CA_PEM);
    let (_, root) = X509Certificate::from_der(&root).expect("root");
    let bc = root
        .basic_constraints()
        .ok()
        .flatten()
        .expect("basicConstraints")
        .value;
    assert!(bc.ca && bc.path_len_constraint == Some(1));
    let ku = root.key_usage().ok().flatten().expect("keyUsage").value;
    assert!(ku.key_cert_sign() && ku.crl_sign());

    let server = parse(fixtures::SERVER_ECDSA_PEM);
    let (_, server) = X509Certificate::from_der(&server).expect("server");
    assert!(
        server
            .extended_key_usage()
            .ok()
            .flatten()
            .expect("eku")
            .value
            .server_auth
    );
    let san = server
        .subject_alternative_name()
        .ok()
        .flatten()
        .expect("SAN")
        .value;
    let names: Vec<String> = san.general_names.iter().map(|n| n.to_string()).collect();
    assert_eq!(names.len(), 3, "{names:?}");

    let client = parse(fixtures::CLIENT_RSA_PEM);
    let (_, client) = X509Certificate::from_der(&client).expect("client");
    assert!(
        client
            .extended_key_usage()
            .ok()
            .flatten()
            .expect("eku")
            .value
            .client_auth
    );
}
