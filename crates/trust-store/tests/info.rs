//! CertificateInfo, fingerprints and PEM bundles, checked against the fixtures and OpenSSL.

mod common;

use std::process::Command;

use cicsx_keystore::Keystore;
use cicsx_truststore::{
    AnchorSource, CertificateInfo, Fingerprint, TrustStore, parse_pin_alias, pin_alias,
};
use common::{certs, fixture, fixture_path};
use rustls::pki_types::CertificateDer;

fn info(rel: &str) -> CertificateInfo {
    CertificateInfo::from_der(&certs(rel)[0]).unwrap()
}

#[test]
fn server_certificate_fields() {
    let i = info("server/ecdsa.pem");
    assert_eq!(i.subject, "O=cicsx test PKI, CN=localhost");
    assert_eq!(i.issuer, "O=cicsx test PKI, CN=cicsx Test Intermediate CA");
    assert_eq!(i.subject_alt_names, ["localhost", "127.0.0.1", "::1"]);
    assert_eq!(
        i.host_names().collect::<Vec<_>>(),
        ["localhost", "127.0.0.1", "::1"]
    );
    assert_eq!(i.key_algorithm, "ECDSA P-256");
    assert_eq!(i.signature_algorithm, "ecdsa-with-SHA256");
    assert!(!i.is_ca);
    assert!(!i.self_signed);
    assert!(i.not_before_unix < i.not_after_unix);
    assert!(
        i.not_after.ends_with('Z') && i.not_after.len() == 20,
        "{}",
        i.not_after
    );

    assert_eq!(info("server/rsa.pem").key_algorithm, "RSA 2048");
    assert_eq!(
        info("server/wrong-host.pem").subject_alt_names,
        ["wrong.example.invalid"]
    );

    // fixtures/README.md: expired.pem is valid 2020-01-01 to 2021-01-01.
    let e = info("server/expired.pem");
    assert_eq!(e.not_before, "2020-01-01T00:00:00Z");
    assert_eq!(e.not_after, "2021-01-01T00:00:00Z");
    assert_eq!(e.not_before_unix, 1_577_836_800);
    assert_eq!(e.not_after_unix, 1_609_459_200);
}

#[test]
fn ca_certificate_fields() {
    let root = info("ca/root.pem");
    assert!(root.is_ca);
    assert!(root.self_signed);
    assert_eq!(root.subject, root.issuer);
    let inter = info("ca/intermediate.pem");
    assert!(inter.is_ca);
    assert!(!inter.self_signed);
    assert_eq!(inter.issuer, root.subject);
    let ss = info("server/self-signed.pem");
    assert!(ss.self_signed && !ss.is_ca);
}

fn openssl(args: &[&str]) -> Option<String> {
    match Command::new("openssl").args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("NOTICE: openssl is not installed; skipping the comparison with it");
            None
        }
        Err(e) => panic!("openssl: {e}"),
    }
}

#[test]
fn fingerprint_and_serial_match_openssl() {
    for rel in [
        "server/ecdsa.pem",
        "server/rsa.pem",
        "ca/root.pem",
        "server/expired.pem",
    ] {
        let i = info(rel);
        assert_eq!(i.sha256, Fingerprint::of(&certs(rel)[0]));
        let path = fixture_path(rel);
        let path = path.to_str().unwrap();
        let Some(fp) = openssl(&["x509", "-in", path, "-noout", "-fingerprint", "-sha256"]) else {
            return;
        };
        // "sha256 Fingerprint=AB:CD:..."
        assert_eq!(fp, format!("sha256 Fingerprint={}", i.sha256), "{rel}");
        assert_eq!(
            fp.split_once('=')
                .unwrap()
                .1
                .parse::<Fingerprint>()
                .unwrap(),
            i.sha256
        );
        let serial = openssl(&["x509", "-in", path, "-noout", "-serial"]).unwrap();
        assert_eq!(serial, format!("serial={}", i.serial), "{rel}");
    }
}

#[test]
fn generated_certificates_name_their_algorithms() {
    for (alg, want_key, want_sig) in [
        (
            &rcgen::PKCS_ECDSA_P384_SHA384,
            "ECDSA P-384",
            "ecdsa-with-SHA384",
        ),
        (&rcgen::PKCS_ED25519, "Ed25519", "ED25519"),
    ] {
        let key = rcgen::KeyPair::generate_for(alg).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["a.example.com".to_owned()]).unwrap();
        params
            .subject_alt_names
            .push(rcgen::SanType::IpAddress("10.1.2.3".parse().unwrap()));
        params
            .subject_alt_names
            .push(rcgen::SanType::IpAddress("2001:db8::7".parse().unwrap()));
        params.subject_alt_names.push(rcgen::SanType::Rfc822Name(
            "ops@example.com".try_into().unwrap(),
        ));
        let cert = params.self_signed(&key).unwrap();
        let i = CertificateInfo::from_der(cert.der()).unwrap();
        assert_eq!(i.key_algorithm, want_key);
        assert_eq!(i.signature_algorithm, want_sig);
        assert_eq!(
            i.subject_alt_names,
            [
                "a.example.com",
                "10.1.2.3",
                "2001:db8::7",
                "email:ops@example.com"
            ]
        );
        assert_eq!(i.host_names().count(), 3);
    }
}

#[test]
fn pem_bundles() {
    let mut ts = TrustStore::new();
    let mut bundle = fixture("ca/root.pem");
    bundle.extend_from_slice(&fixture("ca/intermediate.pem"));
    // A key in the bundle is skipped, not trusted.
    bundle.extend_from_slice(&fixture("server/ecdsa.key.pem"));
    let src = AnchorSource::Pem("bundle.pem".into());
    assert_eq!(ts.add_pem_bundle(&bundle, src.clone()).unwrap(), 2);
    assert_eq!(ts.anchors().len(), 2);
    assert!(ts.anchors().iter().all(|a| a.source == src));
    // Adding the same certificates again does not duplicate them.
    assert_eq!(
        ts.add_pem_bundle(&fixture("ca/root.pem"), src.clone())
            .unwrap(),
        1
    );
    assert_eq!(ts.anchors().len(), 2);

    // A broken certificate inside valid PEM armour: error, and nothing added.
    let broken = b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";
    let mut with_broken = fixture("other-ca/root.pem");
    with_broken.extend_from_slice(broken);
    let err = ts.add_pem_bundle(&with_broken, src.clone()).unwrap_err();
    assert_eq!(err.id(), "CICSX0207E");
    assert_eq!(ts.anchors().len(), 2);

    // Damaged base64.
    let err = ts
        .add_pem_bundle(
            b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n",
            src.clone(),
        )
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0208E");
    // No certificates: zero, not an error.
    assert_eq!(ts.add_pem_bundle(b"just text", src).unwrap(), 0);
}

#[test]
fn keystore_entries_split_into_anchors_and_pins() {
    let root = certs("ca/root.pem")[0].clone();
    let leaf = certs("server/self-signed.pem")[0].clone();
    let mut ks = Keystore::new();
    ks.add_trusted("cics-root", root.clone()).unwrap();
    ks.add_trusted(&pin_alias("::1", 1490), leaf.clone())
        .unwrap();
    ks.add_trusted("CICS.Example.com:443", leaf.clone())
        .unwrap();
    let ts = TrustStore::from_keystore(&ks, AnchorSource::Keystore("k.p12".into()));
    assert_eq!(ts.anchors().len(), 1);
    assert_eq!(ts.anchors()[0].certificate, root);
    assert_eq!(ts.pins().len(), 2);
    assert_eq!(ts.pin_for("[::1]", 1490), Some(&leaf));
    assert_eq!(ts.pin_for("0:0:0:0:0:0:0:1", 1490), Some(&leaf));
    assert_eq!(ts.pin_for("cics.example.com", 443), Some(&leaf));
    assert_eq!(ts.pin_for("cics.example.com", 1490), None);
    assert_eq!(parse_pin_alias("cics-root"), None);
}

#[test]
fn expiring_certificates_are_reported() {
    let mut ts = TrustStore::new();
    ts.add_anchor(
        certs("server/expired.pem")[0].clone(),
        AnchorSource::Builtin("t".into()),
    );
    ts.add_anchor(
        certs("ca/root.pem")[0].clone(),
        AnchorSource::Builtin("t".into()),
    );
    let now = 1_700_000_000; // 2023-11-14
    let soon = ts.expiring_within(30, now);
    assert_eq!(soon.len(), 1);
    assert_eq!(soon[0].info.not_after, "2021-01-01T00:00:00Z");
    assert!(!soon[0].pinned);
    // 100 years ahead everything expires.
    assert_eq!(ts.expiring_within(36_500, now).len(), 2);
}

#[test]
fn garbage_is_not_a_certificate() {
    for bytes in [vec![], vec![0x30], vec![0x30, 0x00], b"hello".to_vec()] {
        let err = CertificateInfo::from_der(&CertificateDer::from(bytes)).unwrap_err();
        assert_eq!(err.id(), "CICSX0207E");
    }
}
