//! The verifier driven through real rustls handshakes (client and server in memory), with the
//! workspace's test PKI (`fixtures/`).

mod common;

use std::sync::Arc;

use cicsx_keystore::{Keystore, SecretString};
use cicsx_truststore::{
    AnchorSource, Error, Fingerprint, Rejection, TrustOutcome, TrustStore, Verification, pin_alias,
};
use common::{certs, fixture, handshake, handshake_versions, server};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{CertificateError, Error as TlsError};

fn source() -> AnchorSource {
    AnchorSource::Builtin("test".into())
}

/// Anchors from the fixtures' PKCS#12 truststore (root and intermediate), read by
/// cicsx-keystore as the product does.
fn fixture_truststore() -> TrustStore {
    let ks = Keystore::from_pkcs12(
        &fixture("ca/truststore.p12"),
        &SecretString::from("changeit"),
    )
    .unwrap();
    TrustStore::from_keystore(
        &ks,
        AnchorSource::Truststore("fixtures/ca/truststore.p12".into()),
    )
}

/// Only the root, from PEM: the server must send its intermediate.
fn root_only() -> TrustStore {
    let mut ts = TrustStore::new();
    assert_eq!(
        ts.add_pem_bundle(&fixture("ca/root.pem"), source())
            .unwrap(),
        1
    );
    ts
}

#[test]
fn valid_chain_is_accepted() {
    for store in [fixture_truststore(), root_only()] {
        for name in ["ecdsa", "rsa"] {
            for host in ["localhost", "127.0.0.1", "::1"] {
                let (chain, key) = server(name);
                let v = store.verifier(host, 1490, Verification::On);
                handshake(chain.clone(), key, v.clone(), host)
                    .unwrap_or_else(|e| panic!("{name} as {host}: {e}"));
                assert_eq!(v.outcome(), Some(TrustOutcome::Anchored));
                assert_eq!(v.presented_chain(), Some(chain));
                assert!(v.error().is_none());
            }
        }
    }
}

#[test]
fn tls12_works_too() {
    let (chain, key) = server("ecdsa");
    let v = root_only().verifier("localhost", 1490, Verification::On);
    handshake_versions(
        chain,
        key,
        v.clone(),
        "localhost",
        &[&rustls::version::TLS12],
    )
    .unwrap();
    assert_eq!(v.outcome(), Some(TrustOutcome::Anchored));
}

#[test]
fn unknown_issuer_is_rejected_with_the_chain_recorded() {
    let (chain, key) = server("unknown-ca");
    let v = fixture_truststore().verifier("localhost", 1490, Verification::On);
    let err = handshake(chain.clone(), key, v.clone(), "localhost").unwrap_err();
    assert_eq!(
        err,
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer)
    );
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::UnknownIssuer))
    );
    assert_eq!(v.presented_chain(), Some(chain));
    let e = v.error().unwrap();
    assert_eq!(e.id(), "CICSX0201E");
    assert!(e.to_string().contains("localhost:1490"), "{e}");

    // A self-signed server certificate nobody trusts.
    let (chain, key) = server("self-signed");
    let v = root_only().verifier("localhost", 1490, Verification::On);
    assert!(handshake(chain, key, v.clone(), "localhost").is_err());
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::UnknownIssuer))
    );
}

#[test]
fn no_anchors_at_all_means_unknown_issuer() {
    let (chain, key) = server("ecdsa");
    let v = TrustStore::new().verifier("localhost", 1490, Verification::On);
    let err = handshake(chain.clone(), key, v.clone(), "localhost").unwrap_err();
    assert_eq!(
        err,
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer)
    );
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::UnknownIssuer))
    );
    assert_eq!(v.presented_chain().map(|c| c.len()), Some(chain.len()));
}

#[test]
fn expired_is_rejected() {
    let (chain, key) = server("expired");
    let v = root_only().verifier("localhost", 1490, Verification::On);
    let err = handshake(chain, key, v.clone(), "localhost").unwrap_err();
    assert!(
        matches!(
            err,
            TlsError::InvalidCertificate(CertificateError::ExpiredContext { .. })
        ),
        "{err:?}"
    );
    // fixtures/README.md: valid 2020-01-01 to 2021-01-01 only.
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::Expired {
            not_after: Some("2021-01-01T00:00:00Z".into())
        }))
    );
    assert_eq!(v.error().unwrap().id(), "CICSX0202E");
}

#[test]
fn wrong_host_is_rejected() {
    let (chain, key) = server("wrong-host");
    let v = root_only().verifier("localhost", 1490, Verification::On);
    assert!(handshake(chain, key, v.clone(), "localhost").is_err());
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::WrongHost {
            presented: vec!["wrong.example.invalid".into()]
        }))
    );

    // A good certificate, reached under another name.
    let (chain, key) = server("ecdsa");
    let v = root_only().verifier("cics.example.com", 1490, Verification::On);
    assert!(handshake(chain, key, v.clone(), "cics.example.com").is_err());
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::WrongHost {
            presented: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()]
        }))
    );
    assert_eq!(v.error().unwrap().id(), "CICSX0204E");
}

/// A keystore where the user accepted `cert` for localhost:1490 on first use.
fn pinned_store(cert: CertificateDer<'static>) -> TrustStore {
    let mut ks = Keystore::new();
    ks.add_trusted(&pin_alias("localhost", 1490), cert).unwrap();
    let ts = TrustStore::from_keystore(&ks, AnchorSource::Keystore("ks.p12".into()));
    assert_eq!(ts.pins().len(), 1);
    assert!(ts.anchors().is_empty(), "a pin must not become an anchor");
    ts
}

#[test]
fn pinned_certificate_is_accepted_for_its_host_and_port_only() {
    let (chain, key) = server("self-signed");
    let ts = pinned_store(chain[0].clone());
    assert_eq!(ts.pin_for("LOCALHOST", 1490), Some(&chain[0]));

    let v = ts.verifier("localhost", 1490, Verification::On);
    handshake(chain.clone(), key.clone_key(), v.clone(), "localhost").unwrap();
    assert_eq!(v.outcome(), Some(TrustOutcome::Pinned));

    // Another port: the pin does not apply, and the certificate is not a CA for anything.
    let v = ts.verifier("localhost", 1491, Verification::On);
    assert!(handshake(chain, key, v.clone(), "localhost").is_err());
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::UnknownIssuer))
    );
}

#[test]
fn pinned_certificate_that_changed_is_rejected_even_if_valid() {
    let (pinned_chain, _) = server("self-signed");
    let mut ts = pinned_store(pinned_chain[0].clone());
    // The new certificate chains to a trusted root: still rejected, ssh style.
    ts.add_pem_bundle(&fixture("ca/root.pem"), source())
        .unwrap();
    let (chain, key) = server("ecdsa");
    let v = ts.verifier("localhost", 1490, Verification::On);
    let err = handshake(chain.clone(), key, v.clone(), "localhost").unwrap_err();

    let pinned = Fingerprint::of(&pinned_chain[0]);
    let presented = Fingerprint::of(&chain[0]);
    assert_ne!(pinned, presented);
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::Changed {
            pinned,
            presented
        }))
    );
    assert_eq!(v.presented_chain(), Some(chain));
    // The rustls error carries our error, with both fingerprints.
    let TlsError::InvalidCertificate(CertificateError::Other(other)) = err else {
        panic!("{err:?}");
    };
    let ours = other
        .0
        .downcast_ref::<Error>()
        .expect("cicsx_truststore::Error inside");
    assert_eq!(ours.id(), "CICSX0205E");
    let text = ours.to_string();
    assert!(
        text.contains(&pinned.to_string()) && text.contains(&presented.to_string()),
        "{text}"
    );
    assert!(ours.action().contains("localhost:1490"));
}

#[test]
fn verification_off_accepts_anything_and_records_it() {
    for name in ["unknown-ca", "expired", "wrong-host"] {
        let (chain, key) = server(name);
        let v = TrustStore::new().verifier("localhost", 1490, Verification::Off);
        handshake(chain.clone(), key, v.clone(), "localhost").unwrap();
        assert_eq!(v.outcome(), Some(TrustOutcome::Unverified));
        assert_eq!(v.presented_chain(), Some(chain));
    }
}

#[test]
fn server_certificate_trusted_exactly_is_accepted() {
    // keytool -importcert of the server's own certificate (not a pin alias).
    for name in ["self-signed", "unknown-ca"] {
        let (chain, key) = server(name);
        let mut ks = Keystore::new();
        ks.add_trusted("cics-server", chain[0].clone()).unwrap();
        let ts = TrustStore::from_keystore(&ks, AnchorSource::Keystore("ks.p12".into()));
        assert_eq!(ts.anchors().len(), 1);
        assert_eq!(ts.anchors()[0].alias.as_deref(), Some("cics-server"));

        let v = ts.verifier("localhost", 1490, Verification::On);
        handshake(chain.clone(), key.clone_key(), v.clone(), "localhost")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v.outcome(), Some(TrustOutcome::Anchored), "{name}");

        // ... but only for the names it carries.
        let v = ts.verifier("cics.example.com", 1490, Verification::On);
        assert!(handshake(chain, key, v.clone(), "cics.example.com").is_err());
        assert!(
            matches!(
                v.outcome(),
                Some(TrustOutcome::Rejected(Rejection::WrongHost { .. }))
            ),
            "{name}: {:?}",
            v.outcome()
        );
    }
}

#[test]
fn self_signed_ca_server_certificate_trusted_exactly_is_accepted() {
    // `openssl req -x509` marks self-signed certificates CA:TRUE; WebPKI then refuses it as a
    // server certificate (CaUsedAsEndEntity), but trusted exactly it is accepted, as by Java.
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap().der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));

    let mut ts = TrustStore::new();
    ts.add_anchor(cert.clone(), source());
    let v = ts.verifier("localhost", 1490, Verification::On);
    handshake(
        vec![cert.clone()],
        key_der.clone_key(),
        v.clone(),
        "localhost",
    )
    .unwrap();
    assert_eq!(v.outcome(), Some(TrustOutcome::Anchored));

    // Not trusted: rejected, not accepted by accident.
    let v = TrustStore::new().verifier("localhost", 1490, Verification::On);
    assert!(handshake(vec![cert], key_der, v.clone(), "localhost").is_err());
    assert_eq!(
        v.outcome(),
        Some(TrustOutcome::Rejected(Rejection::UnknownIssuer))
    );
}

#[test]
fn outcome_is_reset_per_handshake() {
    let ts = root_only();
    let v = ts.verifier("localhost", 1490, Verification::On);
    let (chain, key) = server("unknown-ca");
    assert!(handshake(chain, key, Arc::clone(&v), "localhost").is_err());
    let (chain, key) = server("ecdsa");
    handshake(chain.clone(), key, Arc::clone(&v), "localhost").unwrap();
    assert_eq!(v.outcome(), Some(TrustOutcome::Anchored));
    assert_eq!(v.presented_chain(), Some(chain));
    let dbg = format!("{v:?}");
    assert!(
        dbg.contains("localhost") && dbg.contains("Anchored"),
        "{dbg}"
    );
}

#[test]
fn truststore_fixture_has_root_and_intermediate() {
    let ts = fixture_truststore();
    let mut aliases: Vec<_> = ts
        .anchors()
        .iter()
        .filter_map(|a| a.alias.clone())
        .collect();
    aliases.sort();
    assert_eq!(aliases, ["cicsx-test-intermediate", "cicsx-test-root"]);
    assert_eq!(
        ts.anchors()[0].source,
        AnchorSource::Truststore("fixtures/ca/truststore.p12".into())
    );
    assert!(
        certs("ca/root.pem")
            .iter()
            .all(|c| ts.anchors().iter().any(|a| &a.certificate == c))
    );
}

/// A server certificate with an RSA-1024 key is refused as weak, even when it is trusted
/// exactly or pinned, and never offered for acceptance (the rejection is not UnknownIssuer).
#[test]
fn weak_server_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = (dir.path().join("weak.key"), dir.path().join("weak.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-days", "30",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use rustls_pki_types::pem::PemObject;
    let der = rustls_pki_types::CertificateDer::from_pem_file(&cert).unwrap();
    let mut store = cicsx_truststore::TrustStore::new();
    store.add_anchor(
        der.clone(),
        cicsx_truststore::AnchorSource::Builtin("test".into()),
    );
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let now = rustls_pki_types::UnixTime::now();
    let rejection = store.validate(&der, &[], &name, now).unwrap_err();
    assert_eq!(
        rejection,
        cicsx_truststore::Rejection::WeakKey {
            key: "RSA 1024".into()
        }
    );
    // Pinned for a host and port: still refused.
    store.add_pin(
        "localhost",
        1490,
        der.clone(),
        cicsx_truststore::AnchorSource::Builtin("pin".into()),
    );
    let refused = store
        .validate_with_pins(1490, &der, &[], &name, now)
        .unwrap_err();
    assert!(
        matches!(refused, cicsx_truststore::Rejection::WeakKey { .. }),
        "{refused:?}"
    );
}
