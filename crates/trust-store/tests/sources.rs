//! Where anchors come from: keystores and truststore files (PKCS#12, JKS, PEM), the central
//! truststore with its cache, the operating system; and the public validation API over them.

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime};

use cicsx_keystore::{Keystore, SecretString, StoreType};
use cicsx_truststore::{
    AnchorSource, CentralTruststore, Rejection, TrustOutcome, TrustStore, Verification, pin_alias,
};
use common::{certs, fixture, fixture_path, handshake, server};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

fn name(host: &str) -> ServerName<'static> {
    ServerName::try_from(host.to_owned()).unwrap()
}

fn changeit() -> SecretString {
    SecretString::from("changeit")
}

/// The fixtures' root and intermediate CA, DER.
fn ca_certs() -> Vec<CertificateDer<'static>> {
    let mut all = certs("ca/root.pem");
    all.extend(certs("ca/intermediate.pem"));
    all
}

/// Validates the fixtures' ECDSA server chain for localhost, now.
fn validate_ecdsa(store: &TrustStore) -> Result<TrustOutcome, Rejection> {
    let chain = certs("server/ecdsa.pem");
    store.validate(&chain[0], &chain[1..], &name("localhost"), UnixTime::now())
}

// ---------------------------------------------------------------------------------------------
// Public validation API
// ---------------------------------------------------------------------------------------------

#[test]
fn validate_decides_as_the_verifier_does() {
    let mut store = TrustStore::new();
    assert_eq!(validate_ecdsa(&store), Err(Rejection::UnknownIssuer));
    // Adding an anchor takes effect at once (the prepared anchors are rebuilt).
    assert_eq!(
        store
            .add_pem_bundle(&fixture("ca/root.pem"), AnchorSource::Builtin("t".into()))
            .unwrap(),
        1
    );
    assert_eq!(validate_ecdsa(&store), Ok(TrustOutcome::Anchored));

    let chain = certs("server/ecdsa.pem");
    // Without the intermediate there is no path.
    assert_eq!(
        store.validate(&chain[0], &[], &name("localhost"), UnixTime::now()),
        Err(Rejection::UnknownIssuer)
    );
    // Another host name.
    assert!(matches!(
        store.validate(
            &chain[0],
            &chain[1..],
            &name("cics.example.com"),
            UnixTime::now()
        ),
        Err(Rejection::WrongHost { .. })
    ));
    // IP addresses in the certificate.
    assert_eq!(
        store.validate(
            &chain[0],
            &chain[1..],
            &ServerName::try_from("127.0.0.1").unwrap(),
            UnixTime::now()
        ),
        Ok(TrustOutcome::Anchored)
    );
    // Far in the future every certificate has expired.
    let later = UnixTime::since_unix_epoch(Duration::from_secs(4_102_444_800 * 2));
    assert!(matches!(
        store.validate(&chain[0], &chain[1..], &name("localhost"), later),
        Err(Rejection::Expired { .. })
    ));
    // Garbage is refused, not a panic.
    assert!(matches!(
        store.validate(
            &CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
            &[],
            &name("localhost"),
            UnixTime::now()
        ),
        Err(Rejection::Other(_))
    ));
}

#[test]
fn verifiers_keep_the_anchors_they_were_made_with() {
    use rustls::client::danger::ServerCertVerifier;
    let chain = certs("server/ecdsa.pem");
    let check = |v: &cicsx_truststore::TrustVerifier| {
        v.verify_server_cert(
            &chain[0],
            &chain[1..],
            &name("localhost"),
            &[],
            UnixTime::now(),
        )
        .is_ok()
    };
    let mut store = TrustStore::new();
    let before = store.verifier("localhost", 1490, Verification::On);
    store.add_anchors(certs("ca/root.pem"), AnchorSource::Builtin("t".into()));
    let after = store.verifier("localhost", 1490, Verification::On);
    let copy = store.clone();
    store.add_anchors(
        certs("other-ca/root.pem"),
        AnchorSource::Builtin("t".into()),
    );
    assert!(!check(&before));
    assert!(check(&after));
    assert_eq!(copy.anchors().len(), 1);
    assert_eq!(store.anchors().len(), 2);
    assert_eq!(validate_ecdsa(&copy), Ok(TrustOutcome::Anchored));
}

#[test]
fn validate_with_pins_follows_first_use_rules() {
    let (self_signed, _) = server("self-signed");
    let (ecdsa, _) = server("ecdsa");
    let mut ks = Keystore::new();
    ks.add_trusted(&pin_alias("localhost", 1490), self_signed[0].clone())
        .unwrap();
    let mut store = TrustStore::from_keystore(&ks, AnchorSource::Keystore("ks.p12".into()));
    store.add_anchors(ca_certs(), AnchorSource::Builtin("t".into()));
    let now = UnixTime::now();

    assert_eq!(
        store.validate_with_pins(1490, &self_signed[0], &[], &name("LOCALHOST"), now),
        Ok(TrustOutcome::Pinned)
    );
    // A chain valid against the anchors is still a changed certificate for a pinned host.
    assert!(matches!(
        store.validate_with_pins(1490, &ecdsa[0], &ecdsa[1..], &name("localhost"), now),
        Err(Rejection::Changed { .. })
    ));
    // Another port has no pin: the anchors decide.
    assert_eq!(
        store.validate_with_pins(1491, &ecdsa[0], &ecdsa[1..], &name("localhost"), now),
        Ok(TrustOutcome::Anchored)
    );
    // validate() ignores pins altogether.
    assert_eq!(
        store.validate(&self_signed[0], &[], &name("localhost"), now),
        Err(Rejection::UnknownIssuer)
    );
}

#[test]
fn exactly_trusted_ca_certificate_must_be_self_issued() {
    // An intermediate CA certificate trusted exactly is an anchor for chains, not a server
    // identity (webpki refuses it as an end entity, and so does the trust store).
    let intermediate = certs("ca/intermediate.pem");
    let mut store = TrustStore::new();
    store.add_anchors(intermediate.clone(), AnchorSource::Builtin("t".into()));
    assert!(matches!(
        store.validate(&intermediate[0], &[], &name("localhost"), UnixTime::now()),
        Err(Rejection::Other(_))
    ));
}

#[test]
fn exactly_trusted_server_certificate_needs_server_auth_usage() {
    // Self-signed and CA:TRUE, as `openssl req -x509` makes them: webpki refuses it as an end
    // entity before looking at its extended key usage, so the trust store checks that itself.
    let self_signed = |usage: rcgen::ExtendedKeyUsagePurpose| {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.extended_key_usages = vec![usage];
        params.self_signed(&key).unwrap().der().clone()
    };
    for (usage, accepted) in [
        (rcgen::ExtendedKeyUsagePurpose::ServerAuth, true),
        (rcgen::ExtendedKeyUsagePurpose::ClientAuth, false),
    ] {
        let cert = self_signed(usage.clone());
        let mut store = TrustStore::new();
        store.add_anchor(cert.clone(), AnchorSource::Builtin("t".into()));
        let result = store.validate(&cert, &[], &name("localhost"), UnixTime::now());
        assert_eq!(result.is_ok(), accepted, "{usage:?}: {result:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Keystores and truststore files
// ---------------------------------------------------------------------------------------------

#[test]
fn add_store_takes_trusted_entries_only() {
    // A client keystore: one private key entry whose chain holds both CAs. Like Java, the
    // chain does not make them trusted.
    let client = Keystore::read(&fixture("client/ecdsa.p12"), None, &changeit()).unwrap();
    let mut store = TrustStore::new();
    assert_eq!(
        store.add_store(&client, AnchorSource::Keystore("client.p12".into())),
        0
    );
    assert!(store.anchors().is_empty());

    let ts = Keystore::read(&fixture("ca/truststore.p12"), None, &changeit()).unwrap();
    let source = AnchorSource::Truststore("fixtures/ca/truststore.p12".into());
    assert_eq!(store.add_store(&ts, source.clone()), 2);
    // The same again adds nothing.
    assert_eq!(store.add_store(&ts, source.clone()), 0);
    assert_eq!(store.anchors().len(), 2);
    assert!(store.anchors().iter().all(|a| a.source == source));
    assert_eq!(validate_ecdsa(&store), Ok(TrustOutcome::Anchored));
}

#[test]
fn pem_bundle_truststore_through_the_keystore_crate() {
    let mut bundle = fixture("ca/root.pem");
    bundle.extend(fixture("ca/intermediate.pem"));
    let ks = Keystore::read(&bundle, Some(StoreType::Pem), &changeit()).unwrap();
    let mut store = TrustStore::new();
    assert_eq!(
        store.add_store(&ks, AnchorSource::Pem("bundle.pem".into())),
        2
    );
    assert_eq!(validate_ecdsa(&store), Ok(TrustOutcome::Anchored));
}

/// A JKS truststore made by keytool holding the fixtures' root; `None` without keytool.
fn keytool_jks(dir: &std::path::Path) -> Option<Vec<u8>> {
    let path = dir.join("truststore.jks");
    let status = Command::new("keytool")
        .args([
            "-importcert",
            "-noprompt",
            "-storetype",
            "JKS",
            "-alias",
            "cicsx-root",
        ])
        .arg("-keystore")
        .arg(&path)
        .args(["-storepass", "changeit", "-file"])
        .arg(fixture_path("ca/root.pem"))
        .output();
    match status {
        Ok(out) if out.status.success() => Some(std::fs::read(&path).unwrap()),
        Ok(out) => panic!("keytool failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            eprintln!("NOTICE: keytool not runnable ({e}); JKS truststore not tested");
            None
        }
    }
}

#[test]
fn jks_truststore_from_keytool() {
    let dir = tempfile::tempdir().unwrap();
    let Some(jks) = keytool_jks(dir.path()) else {
        return;
    };
    let ks = Keystore::read(&jks, None, &changeit()).unwrap();
    let mut store = TrustStore::new();
    assert_eq!(
        store.add_store(&ks, AnchorSource::Truststore("truststore.jks".into())),
        1
    );
    assert_eq!(store.anchors()[0].alias.as_deref(), Some("cicsx-root"));
    assert_eq!(validate_ecdsa(&store), Ok(TrustOutcome::Anchored));

    // The same file as a central truststore.
    let central = CentralTruststore::parse("/srv/pki/truststore.jks").unwrap();
    let resolved = central.resolve(Ok(jks), None).unwrap();
    assert_eq!(resolved.anchors, certs("ca/root.pem"));
}

// ---------------------------------------------------------------------------------------------
// Central truststore
// ---------------------------------------------------------------------------------------------

fn central() -> CentralTruststore {
    CentralTruststore::parse("https://pki.example.com/cics/truststore.pem").unwrap()
}

const DAY: Duration = Duration::from_secs(86_400);

#[test]
fn central_fresh_pem_is_used_and_cached() {
    let mut bundle = b"# CICS CAs\n".to_vec();
    bundle.extend(fixture("ca/root.pem"));
    bundle.extend(fixture("ca/intermediate.pem"));
    let old_cache = (fixture("other-ca/root.pem"), SystemTime::now() - 3 * DAY);
    let r = central().resolve(Ok(bundle), Some(old_cache)).unwrap();
    assert_eq!(r.anchors, ca_certs());
    assert!(r.warning.is_none());
    // The cache gets the anchors as PEM, which reads back to the same certificates.
    let cache = r.write_cache.clone().expect("cache to write");
    let again = central()
        .resolve(Err("offline".into()), Some((cache, SystemTime::now())))
        .unwrap();
    assert_eq!(again.anchors, r.anchors);

    let mut store = TrustStore::new();
    assert_eq!(store.add_central(&central(), &r), 2);
    assert!(
        store
            .anchors()
            .iter()
            .all(|a| a.source == AnchorSource::Central(central().location))
    );
    assert_eq!(
        store.anchors()[0].source.to_string(),
        "central truststore https://pki.example.com/cics/truststore.pem"
    );
    // A real handshake through a verifier built from the central anchors.
    let (chain, key) = server("ecdsa");
    let v = store.verifier("localhost", 1490, Verification::On);
    handshake(chain, key, v.clone(), "localhost").unwrap();
    assert_eq!(v.outcome(), Some(TrustOutcome::Anchored));
}

#[test]
fn central_fresh_pkcs12_is_used_with_changeit_or_the_given_pass_phrase() {
    let p12 = fixture("ca/truststore.p12");
    let r = central().resolve(Ok(p12.clone()), None).unwrap();
    assert_eq!(r.anchors.len(), 2);
    // Cached as PEM, readable without the pass phrase.
    let cache = r.write_cache.unwrap();
    assert!(cache.starts_with(b"-----BEGIN CERTIFICATE-----\n"));

    // Another pass phrase does not open it: that counts as unusable, and the cache is used.
    let r = central()
        .resolve_with(
            Ok(p12),
            Some((cache, SystemTime::now() - 2 * DAY)),
            &SecretString::from("s3cret-Pass"),
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(r.anchors.len(), 2);
    let warning = r.warning.unwrap();
    assert!(warning.starts_with("CICSX0213W "), "{warning}");
    assert!(warning.contains("not a usable truststore"), "{warning}");
    assert!(!warning.contains("s3cret"), "pass phrase in {warning}");
}

#[test]
fn central_unreachable_uses_the_cache_with_a_warning_naming_its_age() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_740_787_200); // 2025-03-01
    let saved = now - 3 * DAY - Duration::from_secs(3600);
    let r = central()
        .resolve_with(
            Err("connection refused".into()),
            Some((fixture("ca/root.pem"), saved)),
            &changeit(),
            now,
        )
        .unwrap();
    assert_eq!(r.anchors, certs("ca/root.pem"));
    assert_eq!(r.write_cache, None, "a stale copy is not written back");
    assert_eq!(
        r.warning.as_deref(),
        Some(
            "CICSX0213W the central truststore https://pki.example.com/cics/truststore.pem \
             cannot be read (connection refused); using the copy saved 3 days ago \
             (2025-02-25T23:00:00Z), 1 certificate(s)"
        )
    );
}

#[test]
fn central_corrupt_content_falls_back_to_the_cache() {
    let cached = || {
        Some((
            fixture("ca/root.pem"),
            SystemTime::now() - Duration::from_secs(600),
        ))
    };
    let mut truncated = fixture("ca/root.pem");
    truncated.truncate(truncated.len() / 2);
    for (what, bytes) in [
        (
            "a proxy's login page",
            b"<html><body>Please sign in</body></html>".to_vec(),
        ),
        ("an empty file", Vec::new()),
        ("a truncated PEM", truncated),
        (
            "PEM without certificates",
            b"-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n".to_vec(),
        ),
        (
            "half a PKCS#12 file",
            fixture("ca/truststore.p12")[..200].to_vec(),
        ),
    ] {
        let r = central()
            .resolve(Ok(bytes), cached())
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(r.anchors, certs("ca/root.pem"), "{what}");
        assert_eq!(r.write_cache, None, "{what}");
        let warning = r.warning.unwrap();
        assert!(warning.starts_with("CICSX0213W "), "{what}: {warning}");
        assert!(
            warning.contains("not a usable truststore"),
            "{what}: {warning}"
        );
        assert!(warning.contains("10 minutes ago"), "{what}: {warning}");
    }
}

#[test]
fn central_with_nothing_usable_is_an_error() {
    // Unreachable, never cached.
    let e = central()
        .resolve(Err("timed out".into()), None)
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0212E");
    let text = e.to_string();
    assert!(
        text.contains("https://pki.example.com/cics/truststore.pem")
            && text.contains("timed out")
            && text.contains("no cached copy"),
        "{text}"
    );
    assert!(e.action().contains("https://pki.example.com"));

    // Unreachable, and the cache is damaged.
    let e = central()
        .resolve(
            Err("timed out".into()),
            Some((b"garbage".to_vec(), SystemTime::now())),
        )
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0212E");
    assert!(e.to_string().contains("cached copy cannot be used"), "{e}");

    // Corrupt now, nothing cached.
    let e = central()
        .resolve(Ok(b"<html/>".to_vec()), None)
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0212E");
    assert!(e.to_string().contains("not a usable truststore"), "{e}");
}

#[test]
fn central_file_path_and_single_der_certificate() {
    let central = CentralTruststore::parse("/srv/pki/cics-root.cer").unwrap();
    assert!(!central.is_url());
    let der = certs("ca/root.pem").remove(0);
    let r = central.resolve(Ok(der.to_vec()), None).unwrap();
    assert_eq!(r.anchors, vec![der]);
}

// ---------------------------------------------------------------------------------------------
// Operating system roots
// ---------------------------------------------------------------------------------------------

/// Runs the test `os_roots_child` of this binary again with `SSL_CERT_FILE` set to `file`, and
/// returns its output. The variable is only read by rustls-native-certs; setting it in this
/// process would race with other tests.
fn run_child(file: &std::path::Path, expect: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "os_roots_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SSL_CERT_FILE", file)
        .env_remove("SSL_CERT_DIR")
        .env("CICSX_OS_ROOTS_CHILD", expect)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(text.contains("1 passed"), "child did not run:\n{text}");
    text
}

/// Only does something when started by `run_child`.
#[test]
fn os_roots_child() {
    let Ok(expect) = std::env::var("CICSX_OS_ROOTS_CHILD") else {
        return;
    };
    let mut store = TrustStore::new();
    match expect.as_str() {
        "root" => {
            assert_eq!(store.add_os_roots().unwrap(), 1);
            assert_eq!(store.anchors()[0].certificate, certs("ca/root.pem")[0]);
            assert_eq!(store.anchors()[0].source, AnchorSource::System);
            assert_eq!(store.anchors()[0].source.to_string(), "operating system");
            assert_eq!(validate_ecdsa(&store), Ok(TrustOutcome::Anchored));
            // Twice adds nothing new.
            assert_eq!(store.add_os_roots().unwrap(), 0);
        }
        "missing" => {
            let e = store.add_os_roots().unwrap_err();
            assert_eq!(e.id(), "CICSX0210E");
            assert!(e.to_string().contains("no-such-bundle.pem"), "{e}");
            assert!(store.anchors().is_empty());
        }
        other => panic!("unknown child mode {other}"),
    }
}

#[test]
fn os_roots_come_from_the_system_store() {
    run_child(&fixture_path("ca/root.pem"), "root");
    let dir = tempfile::tempdir().unwrap();
    run_child(&dir.path().join("no-such-bundle.pem"), "missing");
}

// ---------------------------------------------------------------------------------------------
// Trust policy digest (the key under which TLS sessions may be resumed)
// ---------------------------------------------------------------------------------------------

#[test]
fn policy_digest_changes_with_everything_that_decides_trust() {
    let mut store = TrustStore::new();
    store.add_anchors(certs("ca/root.pem"), AnchorSource::Builtin("test".into()));
    let base = store.policy_digest("LocalHost", 1490, Verification::On);
    // Stable, case-insensitive in the host, and carried by clones.
    assert_eq!(
        base,
        store.policy_digest("localhost", 1490, Verification::On)
    );
    assert_eq!(
        base,
        store
            .clone()
            .policy_digest("localhost", 1490, Verification::On)
    );
    // Another port, verification off: other policies.
    assert_ne!(
        base,
        store.policy_digest("localhost", 1491, Verification::On)
    );
    assert_ne!(
        base,
        store.policy_digest("localhost", 1490, Verification::Off)
    );
    // A new anchor changes it (the cached anchor digest is dropped).
    let mut more = store.clone();
    more.add_anchors(
        certs("ca/intermediate.pem"),
        AnchorSource::Builtin("test".into()),
    );
    let with_anchor = more.policy_digest("localhost", 1490, Verification::On);
    assert_ne!(base, with_anchor);
    // A pin for this host and port changes it; a pin for another port does not.
    let leaf = certs("server/ecdsa.pem").remove(0);
    let mut other_port = more.clone();
    other_port.add_pin(
        "localhost",
        9999,
        leaf.clone(),
        AnchorSource::Builtin("test".into()),
    );
    assert_eq!(
        with_anchor,
        other_port.policy_digest("localhost", 1490, Verification::On)
    );
    let mut pinned = more.clone();
    pinned.add_pin(
        "localhost",
        1490,
        leaf,
        AnchorSource::Builtin("test".into()),
    );
    assert_ne!(
        with_anchor,
        pinned.policy_digest("localhost", 1490, Verification::On)
    );
}
