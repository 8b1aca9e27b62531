//! Warnings for trusted, accepted and client certificates near or past their end date.

use cicsx_keystore::Keystore;
use cicsx_truststore::{
    AnchorSource, ExpiryKind, TrustStore, client_expiry_warnings, expiry_warnings, pin_alias,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// 2030-01-01T00:00:00Z.
const NOW: i64 = 1_893_456_000;
const DAY: i64 = 86_400;

/// A self-signed certificate named `cn`, valid from 2020-01-01 to the given date.
fn cert(cn: &str, end: (i32, u8, u8)) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["cics.example.com".to_owned()]).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(end.0, end.1, end.2);
    let der = params.self_signed(&key).unwrap().der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (der, key)
}

/// A keystore with an anchor ending in 10 days, one ending in a year, a pin that ended
/// yesterday and a client certificate ending in 20 days; plus anchors from the operating
/// system (ending in 4 days) and a central truststore (ending in exactly 30 days).
fn setup() -> (TrustStore, Keystore) {
    let mut ks = Keystore::new();
    ks.add_trusted("soon-root", cert("Soon Root", (2030, 1, 11)).0)
        .unwrap();
    ks.add_trusted("later-root", cert("Later Root", (2031, 1, 1)).0)
        .unwrap();
    ks.add_trusted(
        &pin_alias("cics.example.com", 1490),
        cert("cics.example.com", (2029, 12, 31)).0,
    )
    .unwrap();
    let (client, key) = cert("CICSUSER", (2030, 1, 21));
    ks.add_private_key("me", key, vec![client]).unwrap();

    let mut store = TrustStore::from_keystore(
        &ks,
        AnchorSource::Keystore("/home/me/.cicsx/keystore.p12".into()),
    );
    store.add_anchor(cert("OS Root", (2030, 1, 5)).0, AnchorSource::System);
    store.add_anchor(
        cert("Central Root", (2030, 1, 31)).0,
        AnchorSource::Central("https://pki.example.com/ts.pem".into()),
    );
    (store, ks)
}

#[test]
fn warnings_name_kind_alias_subject_source_and_date() {
    let (store, ks) = setup();
    let warnings = expiry_warnings(&store, &ks, NOW, 30);
    let lines: Vec<String> = warnings.iter().map(|w| format!("{} {w}", w.id())).collect();
    assert_eq!(
        lines,
        [
            "CICSX0215W accepted server certificate \"cics.example.com:1490\" (CN=cics.example.com) \
             in keystore /home/me/.cicsx/keystore.p12 expired on 2029-12-31T00:00:00Z",
            "CICSX0214W trusted certificate \"soon-root\" (CN=Soon Root) in keystore \
             /home/me/.cicsx/keystore.p12 expires on 2030-01-11T00:00:00Z, in 10 days",
            "CICSX0214W client certificate \"me\" (CN=CICSUSER) in keystore \
             /home/me/.cicsx/keystore.p12 expires on 2030-01-21T00:00:00Z, in 20 days",
            "CICSX0214W trusted certificate (CN=Central Root) from central truststore \
             https://pki.example.com/ts.pem expires on 2030-01-31T00:00:00Z, in 30 days",
        ]
    );
    assert_eq!(warnings[0].kind, ExpiryKind::Accepted);
    assert!(warnings[0].is_expired());
    assert_eq!(warnings[0].days_left, -1);
    assert_eq!(warnings[2].kind, ExpiryKind::Client);
    assert_eq!(warnings[2].not_after_unix, NOW + 20 * DAY);
    // The operating system's roots are never warned about.
    assert!(warnings.iter().all(|w| w.source != AnchorSource::System));
}

#[test]
fn the_window_is_respected() {
    let (store, ks) = setup();
    let ids = |days| -> Vec<String> {
        expiry_warnings(&store, &ks, NOW, days)
            .iter()
            .map(|w| w.subject.clone())
            .collect()
    };
    assert_eq!(ids(0), ["CN=cics.example.com"]);
    assert_eq!(ids(-5), ["CN=cics.example.com"], "negative days act as 0");
    assert_eq!(ids(10), ["CN=cics.example.com", "CN=Soon Root"]);
    assert_eq!(ids(29).len(), 3);
    assert_eq!(ids(30).len(), 4);
    assert_eq!(ids(400).len(), 5);
    // Long ago nothing was near its end.
    assert!(expiry_warnings(&store, &ks, NOW - 3_000 * DAY, 30).is_empty());
    // No overflow at the extremes.
    assert_eq!(expiry_warnings(&store, &ks, i64::MAX, i64::MAX).len(), 5);
}

#[test]
fn client_certificates_with_a_named_source() {
    let (_, ks) = setup();
    let source = AnchorSource::Keystore("/tmp/other.p12".into());
    let warnings = client_expiry_warnings(&ks, &source, NOW + 19 * DAY + 3600, 30);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].alias.as_deref(), Some("me"));
    assert_eq!(warnings[0].source, source);
    assert!(
        warnings[0].to_string().ends_with(", in less than a day"),
        "{}",
        warnings[0]
    );
    assert_eq!(warnings[0].id(), "CICSX0214W");

    // A store not built from a keystore still names where client certificates live.
    let w = expiry_warnings(&TrustStore::new(), &ks, NOW, 30);
    assert_eq!(w.len(), 1);
    assert!(w[0].to_string().contains("from your keystore"), "{}", w[0]);
}

#[test]
fn expiring_within_still_lists_anchors_and_pins() {
    let (store, _) = setup();
    let expiring = store.expiring_within(30, NOW);
    // Soon Root, OS Root, Central Root and the pin (no client certificates, no filter on the
    // source here).
    assert_eq!(expiring.len(), 4);
    assert_eq!(expiring.iter().filter(|e| e.pinned).count(), 1);
}

#[test]
fn entry_roles_and_validity_labels_as_listings_show_them() {
    use cicsx_keystore::SecretString;
    use cicsx_truststore::{ExpiryKind, Validity};

    use rustls::pki_types::pem::PemObject;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let p12 = std::fs::read(fixtures.join("client/ecdsa.p12")).unwrap();
    let mut ks = Keystore::from_pkcs12(&p12, &SecretString::from("changeit")).unwrap();
    let root = CertificateDer::from_pem_file(fixtures.join("ca/root.pem")).unwrap();
    ks.add_trusted("corp-root", root.clone()).unwrap();
    ks.add_trusted("cics.example.com:1490", root).unwrap();
    let kinds: Vec<_> = ks
        .entries()
        .iter()
        .map(|e| {
            (
                e.alias().to_owned(),
                ExpiryKind::of_entry(e).map(ExpiryKind::short_name),
            )
        })
        .collect();
    assert!(kinds.iter().any(|(_, k)| *k == Some("key")), "{kinds:?}");
    assert!(
        kinds.contains(&("corp-root".into(), Some("trusted"))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("cics.example.com:1490".into(), Some("accepted"))),
        "{kinds:?}"
    );

    let day = 86_400;
    let end = "2027-03-01T00:00:00Z";
    assert_eq!(Validity::at(100 * day, 0, 30).label(end), "2027-03-01");
    assert_eq!(
        Validity::at(12 * day + 5, 0, 30).label(end),
        "2027-03-01 (in 12 days!)"
    );
    assert_eq!(
        Validity::at(30 * day, 0, 30),
        Validity::ExpiresSoon { days_left: 30 }
    );
    assert_eq!(Validity::at(5, 10, 30).label(end), "2027-03-01 EXPIRED");
}
