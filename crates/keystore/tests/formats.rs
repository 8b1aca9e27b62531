//! JKS and PEM reading, PEM export, and the operations the `cicsx keystore` commands use:
//! read with detection, rename, import, export.

mod common;

use cicsx_keystore::{Entry, Error, Keystore, StoreType};
use common::{fingerprint, pass, pem, pki, summary, vector};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// SHA-256 fingerprints keytool printed for tests/vectors/cicsx-keytool.jks.
const JKS_ROOT: &str = "43:2D:B7:26:D3:6F:42:7F:56:9A:5F:90:B0:04:3C:38:71:7A:BD:7D:48:F4:22:14:A9:3F:94:83:50:D0:52:9E";
const JKS_EC_LEAF: &str = "AC:56:65:5C:AC:9B:09:CE:86:7A:80:9B:65:49:D9:58:11:D5:D0:BE:8B:38:39:97:DA:15:77:15:1F:AD:89:79";
const JKS_EC_CA: &str = "7E:B8:F4:97:58:8A:AE:CE:2D:55:CF:C6:84:D2:98:8D:3C:AB:F5:B6:55:10:83:51:90:A7:DD:AB:7F:A4:0D:68";
const JKS_RSA: &str = "1D:D1:98:65:EE:0B:0A:F7:84:4E:E0:C8:9D:9D:36:1A:93:9D:8D:17:92:92:20:DD:B3:76:06:50:4C:2E:98:BC";

fn key_bytes(k: &cicsx_keystore::PrivateKeyEntry) -> Vec<u8> {
    match k.key() {
        PrivateKeyDer::Pkcs8(d) => d.secret_pkcs8_der().to_vec(),
        _ => panic!("not PKCS#8"),
    }
}

#[test]
fn reads_keytool_jks() {
    let data = vector("cicsx-keytool.jks");
    assert_eq!(StoreType::detect(&data), Some(StoreType::Jks));
    let ks = Keystore::from_jks(&data, &pass("changeit")).unwrap();
    // keytool -list -v -storetype JKS (OpenJDK 17) lists exactly these.
    let want = vec![
        ("cics-root".to_owned(), "trusted", vec![JKS_ROOT.to_owned()]),
        (
            "client-ec".to_owned(),
            "key",
            vec![JKS_EC_LEAF.to_owned(), JKS_EC_CA.to_owned()],
        ),
        ("client-rsa".to_owned(), "key", vec![JKS_RSA.to_owned()]),
    ];
    assert_eq!(summary(&ks), want);
    // The keys are usable: they match their certificates, and survive PKCS#12.
    let der = ks.to_pkcs12(&pass("new")).unwrap();
    let back = Keystore::from_pkcs12(&der, &pass("new")).unwrap();
    assert_eq!(summary(&back), want);
    for k in ks.private_keys() {
        let mut again = Keystore::new();
        again
            .add_private_key("check", k.key(), k.chain.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", k.alias));
    }
    // Same through detection.
    let detected = Keystore::read(&data, None, &pass("changeit")).unwrap();
    assert_eq!(summary(&detected), want);
}

#[test]
fn jks_errors() {
    let data = vector("cicsx-keytool.jks");
    let err = Keystore::from_jks(&data, &pass("changeme")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::WrongPassphrase {
                unchecked: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("changeme"));

    // keytool -genkeypair -keypass different: the store opens, the key does not.
    let err =
        Keystore::from_jks(&vector("cicsx-keytool-keypass.jks"), &pass("changeit")).unwrap_err();
    assert_eq!(err.id(), "CICSX0115E", "{err}");
    assert!(err.to_string().contains("own-pass"), "{err}");

    // Every truncation is damage, never a wrong pass phrase, never a panic.
    for len in (0..data.len()).step_by(7) {
        let err = Keystore::from_jks(&data[..len], &pass("changeit")).unwrap_err();
        assert_eq!(err.id(), "CICSX0117E", "cut at {len}: {err}");
    }
    // Not JKS at all.
    let err =
        Keystore::from_jks(&vector("cicsx-openssl-nokeys.p12"), &pass("changeit")).unwrap_err();
    assert_eq!(err.id(), "CICSX0117E");
    // And a JKS file read as PKCS#12 says what it is.
    let err = Keystore::from_pkcs12(&data, &pass("changeit")).unwrap_err();
    assert!(err.to_string().contains("JKS"), "{err}");
}

#[test]
fn pem_key_with_chain_and_extra_certificates() {
    let p = pki("pem client");
    let other = pki("elsewhere");
    // The usual layout: leaf, its CA, the key, and an unrelated trusted root.
    let text = format!(
        "subject=CN = pem client\n{}{}Bag Attributes: <none>\n{}{}",
        pem("CERTIFICATE", &p.leaf),
        pem("CERTIFICATE", &p.ca),
        pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der()),
        pem("CERTIFICATE", &other.ca),
    );
    assert_eq!(StoreType::detect(text.as_bytes()), Some(StoreType::Pem));
    let ks = Keystore::from_pem(text.as_bytes()).unwrap();
    let aliases: Vec<&str> = ks.entries().iter().map(Entry::alias).collect();
    assert_eq!(aliases, ["pem client", "elsewhere CA"]);
    match ks.get("pem client") {
        Some(Entry::PrivateKey(k)) => {
            assert_eq!(k.chain, vec![p.leaf.clone(), p.ca.clone()]);
            assert_eq!(key_bytes(k), p.leaf_key.secret_pkcs8_der());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(ks.get("elsewhere CA"), Some(Entry::Trusted(t)) if t.certificate == other.ca));

    // Key first, chain in reverse order: the chain still comes out leaf first.
    let text = format!(
        "{}{}{}",
        pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der()),
        pem("CERTIFICATE", &p.ca),
        pem("CERTIFICATE", &p.leaf),
    );
    let ks = Keystore::read(text.as_bytes(), None, &pass("ignored")).unwrap();
    assert_eq!(ks.len(), 1);
    match ks.get("pem client") {
        Some(Entry::PrivateKey(k)) => assert_eq!(k.chain, vec![p.leaf.clone(), p.ca.clone()]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pem_certificates_only_are_trusted_entries_with_unique_aliases() {
    let a = pki("same");
    let b = pki("same");
    let text = format!(
        "{}{}{}",
        pem("CERTIFICATE", &a.leaf),
        pem("CERTIFICATE", &b.leaf),
        pem("CERTIFICATE", &a.ca)
    );
    let ks = Keystore::from_pem(text.as_bytes()).unwrap();
    let aliases: Vec<&str> = ks.entries().iter().map(Entry::alias).collect();
    assert_eq!(aliases, ["same", "same#2", "same CA"]);
    assert_eq!(ks.trusted().count(), 3);
    // A single DER certificate (a .cer file) reads the same way.
    let ks = Keystore::from_pem(&a.ca).unwrap();
    assert_eq!(
        ks.entries().iter().map(Entry::alias).collect::<Vec<_>>(),
        ["same CA"]
    );
    assert_eq!(StoreType::detect(&a.ca), Some(StoreType::Pem));
}

#[test]
fn pem_key_errors() {
    let p = pki("lonely");
    let q = pki("stranger");
    // A key whose certificate is not there.
    let text = format!(
        "{}{}",
        pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der()),
        pem("CERTIFICATE", &q.leaf)
    );
    let err = Keystore::from_pem(text.as_bytes()).unwrap_err();
    assert_eq!(err.id(), "CICSX0111E", "{err}");
    // A key alone.
    let err = Keystore::from_pem(pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der()).as_bytes())
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0111E", "{err}");
    // A key that is not one.
    let text = format!(
        "{}{}",
        pem("PRIVATE KEY", &[0x30, 0x03, 0x02, 0x01, 0x00]),
        pem("CERTIFICATE", &p.leaf)
    );
    let err = Keystore::from_pem(text.as_bytes()).unwrap_err();
    assert_eq!(err.id(), "CICSX0111E", "{err}");
    // Key material never shows in errors or Debug output.
    let ks = Keystore::from_pem(
        format!(
            "{}{}",
            pem("CERTIFICATE", &p.leaf),
            pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der())
        )
        .as_bytes(),
    )
    .unwrap();
    let debug = format!("{ks:?}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[test]
fn to_pem_round_trips() {
    let p = pki("export me");
    let mut ks = Keystore::new();
    ks.add_private_key("me", p.key(), vec![p.leaf.clone(), p.ca.clone()])
        .unwrap();
    ks.add_trusted("root", p.ca.clone()).unwrap();

    let text = ks.to_pem("ME", true).unwrap();
    assert_eq!(text.matches("-----BEGIN CERTIFICATE-----").count(), 2);
    assert_eq!(text.matches("-----BEGIN PRIVATE KEY-----").count(), 1);
    assert!(text.find("CERTIFICATE").unwrap() < text.find("PRIVATE KEY").unwrap());
    let back = Keystore::from_pem(text.as_bytes()).unwrap();
    match back.entries() {
        [Entry::PrivateKey(k)] => {
            assert_eq!(k.chain, vec![p.leaf.clone(), p.ca.clone()]);
            assert_eq!(key_bytes(k), p.leaf_key.secret_pkcs8_der());
        }
        other => panic!("{other:?}"),
    }

    let text = ks.to_pem("me", false).unwrap();
    assert!(!text.contains("PRIVATE KEY"));
    assert_eq!(text.matches("-----BEGIN CERTIFICATE-----").count(), 2);
    let certs: Vec<CertificateDer<'_>> = {
        use rustls_pki_types::pem::PemObject;
        CertificateDer::pem_slice_iter(text.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(certs, vec![p.leaf.clone(), p.ca.clone()]);

    let text = ks.to_pem("root", true).unwrap();
    assert_eq!(text.as_str(), pem("CERTIFICATE", &p.ca));
    assert_eq!(ks.to_pem("nope", true).unwrap_err().id(), "CICSX0106E");
}

#[test]
fn rename_entries() {
    let p = pki("r");
    let mut ks = Keystore::new();
    ks.add_trusted("one", p.ca.clone()).unwrap();
    ks.add_trusted("two", p.leaf.clone()).unwrap();
    ks.rename("ONE", "uno").unwrap();
    assert!(ks.contains("uno") && !ks.contains("one"));
    // Only the case changes: allowed.
    ks.rename("uno", "UNO").unwrap();
    assert_eq!(ks.entries()[0].alias(), "UNO");
    assert_eq!(ks.rename("uno", "Two").unwrap_err().id(), "CICSX0105E");
    assert_eq!(ks.rename("missing", "x").unwrap_err().id(), "CICSX0106E");
    assert_eq!(ks.rename("two", "").unwrap_err().id(), "CICSX0109E");
    let aliases: Vec<&str> = ks.entries().iter().map(Entry::alias).collect();
    assert_eq!(aliases, ["UNO", "two"]);
}

#[test]
fn import_entries() {
    let p = pki("imp");
    let mut target = Keystore::new();
    target.add_trusted("existing", p.ca.clone()).unwrap();

    let jks = Keystore::from_jks(&vector("cicsx-keytool.jks"), &pass("changeit")).unwrap();
    let added = target.import(jks.clone(), None).unwrap();
    assert_eq!(added, ["cics-root", "client-ec", "client-rsa"]);
    assert_eq!(target.len(), 4);

    // Again: every alias conflicts, and nothing is added.
    let err = target.import(jks.clone(), None).unwrap_err();
    assert_eq!(err.id(), "CICSX0105E");
    assert_eq!(target.len(), 4);

    // An alias only for a single entry.
    let err = target.import(jks, Some("x")).unwrap_err();
    assert_eq!(err.id(), "CICSX0109E");
    assert_eq!(target.len(), 4);
    let single = Keystore::from_pem(pem("CERTIFICATE", &p.leaf).as_bytes()).unwrap();
    assert_eq!(
        target
            .import(single.clone(), Some("Existing"))
            .unwrap_err()
            .id(),
        "CICSX0105E"
    );
    assert_eq!(target.import(single, Some("pinned")).unwrap(), ["pinned"]);
    assert!(matches!(target.get("pinned"), Some(Entry::Trusted(t)) if t.certificate == p.leaf));

    // The result writes and reads back as PKCS#12.
    let der = target.to_pkcs12(&pass("changeit")).unwrap();
    let back = Keystore::from_pkcs12(&der, &pass("changeit")).unwrap();
    assert_eq!(summary(&back), summary(&target));
}

#[test]
fn export_one_entry_as_pkcs12() {
    let jks = Keystore::from_jks(&vector("cicsx-keytool.jks"), &pass("changeit")).unwrap();
    let der = jks.export_pkcs12("client-ec", &pass("exported")).unwrap();
    let one = Keystore::from_pkcs12(&der, &pass("exported")).unwrap();
    assert_eq!(
        summary(&one),
        vec![(
            "client-ec".to_owned(),
            "key",
            vec![JKS_EC_LEAF.to_owned(), JKS_EC_CA.to_owned()]
        )]
    );
    assert_eq!(
        jks.export_pkcs12("nope", &pass("x")).unwrap_err().id(),
        "CICSX0106E"
    );
    assert_eq!(
        fingerprint(&jks.private_keys().next().unwrap().chain[0]),
        JKS_EC_LEAF
    );
}

#[test]
fn read_dispatches_by_type() {
    let p12 = vector("cicsx-openssl-nokeys.p12");
    assert_eq!(StoreType::detect(&p12), Some(StoreType::Pkcs12));
    assert_eq!(
        Keystore::read(&p12, None, &pass("changeit")).unwrap().len(),
        1
    );
    assert_eq!(
        Keystore::read(&p12, Some(StoreType::Pkcs12), &pass("changeit"))
            .unwrap()
            .len(),
        1
    );
    // Forced to the wrong type: a clear error, no panic.
    let err = Keystore::read(&p12, Some(StoreType::Jks), &pass("changeit")).unwrap_err();
    assert_eq!(err.id(), "CICSX0117E");
    let err = Keystore::read(&p12, Some(StoreType::Pem), &pass("changeit")).unwrap_err();
    assert_eq!(err.id(), "CICSX0117E");
    // Unknown content falls back to PKCS#12, whose reader says what it is not.
    let err = Keystore::read(b"hello", None, &pass("x")).unwrap_err();
    assert_eq!(err.id(), "CICSX0102E");
}
