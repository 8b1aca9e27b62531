//! Reading PKCS#12 files written by other tools (see tests/vectors/LICENSE-NOTE.md).
//!
//! Expected entries were observed with `openssl pkcs12 -info -nodes -legacy -passin pass:P -in F`
//! (OpenSSL 3.0.x, Debian 12) and `keytool -list -storetype PKCS12` (OpenJDK 17); fingerprints
//! with `openssl x509 -noout -fingerprint -sha256`. Where cicsx and keytool differ, the comment
//! says why.

mod common;

use cicsx_keystore::{Entry, Error, Keystore};
use common::{fingerprint, pass, vector};

/// Fingerprints printed by openssl / keytool.
const CRYPTOGRAPHY_CA: &str = "43:2D:B7:26:D3:6F:42:7F:56:9A:5F:90:B0:04:3C:38:71:7A:BD:7D:48:F4:22:14:A9:3F:94:83:50:D0:52:9E";
const WWW_CRYPTOGRAPHY_IO: &str = "DC:4F:4D:14:00:D4:52:60:52:B5:DA:69:33:94:DC:85:60:B2:9C:C2:1D:F9:0B:9E:2E:C7:41:62:61:C7:38:88";
const LETS_ENCRYPT_X3: &str = "25:84:7D:66:8E:B4:F0:4F:DD:40:B1:2B:6B:07:40:C5:67:DA:7D:02:43:08:EB:6C:2C:96:FE:41:D9:DE:21:8D";
const PYCA_DSA_CA: &str = "0A:A0:FD:DB:5B:87:8E:EE:B5:92:FB:7F:12:2C:A0:05:BC:3B:63:A3:C4:D8:A7:E9:6B:89:CA:B1:FB:5E:70:7F";

/// (alias, "key" or "trusted", number of certificates, SHA-256 of the entry's own certificate)
type Expected<'a> = (&'a str, &'a str, usize, Option<&'a str>);

fn check(file: &str, passphrase: &str, expected: &[Expected<'_>]) {
    let ks = Keystore::from_pkcs12(&vector(file), &pass(passphrase))
        .unwrap_or_else(|e| panic!("{file}: {} {e}", e.id()));
    let got: Vec<Expected<'_>> = ks
        .entries()
        .iter()
        .map(|e| match e {
            Entry::PrivateKey(k) => (k.alias.as_str(), "key", k.chain.len(), None),
            Entry::Trusted(t) => (t.alias.as_str(), "trusted", 1, None),
            _ => unreachable!(),
        })
        .collect();
    let want: Vec<Expected<'_>> = expected
        .iter()
        .map(|&(a, k, n, _)| (a, k, n, None))
        .collect();
    assert_eq!(got, want, "{file}");
    for (entry, &(_, _, _, fp)) in ks.entries().iter().zip(expected) {
        if let Some(fp) = fp {
            let cert = entry.certificate().expect("entry has a certificate");
            assert_eq!(fingerprint(cert), fp, "{file}: {}", entry.alias());
        }
    }
}

#[test]
fn names_and_chains() {
    // openssl: key bag friendlyName "name" + its certificate (cryptography CA, localKeyID), and
    // two certificate bags "name2" (www.cryptography.io) and "name3" (Let's Encrypt X3) that are
    // not in the key's chain (their issuers are absent). keytool lists only "name", and so does
    // cicsx: certificates bundled beside a key are no declaration of trust (a leaf, here, and a
    // public CA), and importing a client certificate must not make them anchors.
    let all = [("name", "key", 1, Some(CRYPTOGRAPHY_CA))];
    check("name-all-pwd.p12", "password", &all);
    check("name-all-no-pwd.p12", "", &all);

    // Only the certificates are named: the key takes keytool's generated alias "1".
    let two_three = [("1", "key", 1, Some(CRYPTOGRAPHY_CA))];
    check("name-2-3-pwd.p12", "password", &two_three);
    check("name-2-3-no-pwd.p12", "", &two_three);

    // The same files with an absent (NULL) password read the same.
    for (file, passphrase) in [("name-1-pwd.p12", "password"), ("name-1-no-pwd.p12", "")] {
        check(
            file,
            passphrase,
            &[("name", "key", 1, Some(CRYPTOGRAPHY_CA))],
        );
    }
    for (file, passphrase) in [("name-2-pwd.p12", "password"), ("name-2-no-pwd.p12", "")] {
        check(file, passphrase, &[("1", "key", 1, Some(CRYPTOGRAPHY_CA))]);
    }
    for (file, passphrase) in [("name-3-pwd.p12", "password"), ("name-3-no-pwd.p12", "")] {
        check(file, passphrase, &[("1", "key", 1, Some(CRYPTOGRAPHY_CA))]);
    }

    // No names at all: keytool shows the key as "1", as cicsx does.
    let none = [("1", "key", 1, Some(CRYPTOGRAPHY_CA))];
    check("no-name-pwd.p12", "password", &none);
    check("no-name-no-pwd.p12", "", &none);
}

#[test]
fn non_ascii_friendly_names_are_kept() {
    // openssl prints the BMPString names as raw bytes; keytool shows the key as "☺".
    let ks = Keystore::from_pkcs12(&vector("name-unicode-pwd.p12"), &pass("password")).unwrap();
    // The certificate bags "ä" and "ç" lie outside the key's chain: left out, as keytool
    // leaves them (see names_and_chains).
    let aliases: Vec<&str> = ks.entries().iter().map(Entry::alias).collect();
    assert_eq!(aliases, ["☺"]);
    assert!(matches!(ks.get("☺"), Some(Entry::PrivateKey(_))));

    let ks = Keystore::from_pkcs12(&vector("name-unicode-no-pwd.p12"), &pass("")).unwrap();
    assert_eq!(
        ks.entries().iter().map(Entry::alias).collect::<Vec<_>>(),
        ["☺"]
    );

    for (file, passphrase) in [
        ("no-cert-name-unicode-pwd.p12", "password"),
        ("no-cert-name-unicode-no-pwd.p12", ""),
    ] {
        let ks = Keystore::from_pkcs12(&vector(file), &pass(passphrase)).unwrap();
        assert_eq!(
            ks.entries().iter().map(Entry::alias).collect::<Vec<_>>(),
            ["☹", "ï"],
            "{file}"
        );
    }
}

#[test]
fn certificate_only_files_become_trusted_entries() {
    // openssl: two certificate bags, no key, no trusted attribute. keytool lists 0 entries
    // (its strict import drops such bags); cicsx keeps both as trust anchors.
    check(
        "no-cert-name-all-pwd.p12",
        "password",
        &[
            ("name2", "trusted", 1, Some(WWW_CRYPTOGRAPHY_IO)),
            ("name3", "trusted", 1, Some(LETS_ENCRYPT_X3)),
        ],
    );
    check(
        "no-cert-name-all-no-pwd.p12",
        "",
        &[("name2", "trusted", 1, None), ("name3", "trusted", 1, None)],
    );
    for (file, passphrase) in [
        ("no-cert-name-2-pwd.p12", "password"),
        ("no-cert-name-2-no-pwd.p12", ""),
    ] {
        check(
            file,
            passphrase,
            &[
                ("name2", "trusted", 1, Some(WWW_CRYPTOGRAPHY_IO)),
                ("1", "trusted", 1, Some(LETS_ENCRYPT_X3)),
            ],
        );
    }
    for (file, passphrase) in [
        ("no-cert-name-3-pwd.p12", "password"),
        ("no-cert-name-3-no-pwd.p12", ""),
    ] {
        check(
            file,
            passphrase,
            &[
                ("1", "trusted", 1, Some(WWW_CRYPTOGRAPHY_IO)),
                ("name3", "trusted", 1, Some(LETS_ENCRYPT_X3)),
            ],
        );
    }
    check(
        "no-cert-no-name-pwd.p12",
        "password",
        &[("1", "trusted", 1, None), ("2", "trusted", 1, None)],
    );
    check(
        "no-cert-no-name-no-pwd.p12",
        "",
        &[("1", "trusted", 1, None), ("2", "trusted", 1, None)],
    );
    // openssl: one certificate bag "<No Attributes>" (cryptography CA) in AES-256 encrypted data.
    check(
        "cert-aes256cbc-no-key.p12",
        "cryptography",
        &[("1", "trusted", 1, Some(CRYPTOGRAPHY_CA))],
    );
    // `openssl pkcs12 -export -nokeys`: the shape p12-keystore's strict import returns empty.
    check(
        "cicsx-openssl-nokeys.p12",
        "changeit",
        &[(
            "1",
            "trusted",
            1,
            Some(
                "A9:D1:12:36:ED:38:DF:F7:D1:3D:AA:F1:1D:F1:52:4C:81:72:4B:B4:32:55:34:B0:09:9A:D4:61:E7:AD:10:B6",
            ),
        )],
    );
}

#[test]
fn java_truststore() {
    // keytool: "1, trustedCertEntry, 25:84:7D..." and "cert1, trustedCertEntry, 0A:A0:FD...".
    // The file lists cert1 first, so cicsx keeps that order.
    check(
        "java-truststore.p12",
        "",
        &[
            ("cert1", "trusted", 1, Some(PYCA_DSA_CA)),
            ("1", "trusted", 1, Some(LETS_ENCRYPT_X3)),
        ],
    );
}

#[test]
fn encryption_schemes() {
    // PBES2 / PBKDF2-HMAC-SHA1 / AES-256-CBC (keytool: "1, PrivateKeyEntry, 43:2D:B7...").
    check(
        "cert-key-aes256cbc.p12",
        "cryptography",
        &[("1", "key", 1, Some(CRYPTOGRAPHY_CA))],
    );
    // Legacy RC2-40 for certificates, 3DES for the key.
    check(
        "cert-rc2-key-3des.p12",
        "cryptography",
        &[("1", "key", 1, Some(CRYPTOGRAPHY_CA))],
    );
    // Nothing encrypted, MAC present.
    check(
        "cert-none-key-none.p12",
        "cryptography",
        &[("1", "key", 1, Some(CRYPTOGRAPHY_CA))],
    );
    // A key without any certificate: kept, with an empty chain.
    check(
        "no-cert-key-aes256cbc.p12",
        "cryptography",
        &[("1", "key", 0, None)],
    );
}

#[test]
fn keys_are_usable_pkcs8() {
    let ks = Keystore::from_pkcs12(&vector("name-all-pwd.p12"), &pass("password")).unwrap();
    let key = ks.private_keys().next().unwrap();
    // The pyca vector's key is ECDSA P-256 and matches its certificate.
    let der = match key.key() {
        rustls_pki_types::PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der().to_vec(),
        _ => panic!("not PKCS#8"),
    };
    let pair = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &der,
    )
    .expect("P-256 key");
    let (_, cert) = x509_parser::parse_x509_certificate(&key.chain[0]).unwrap();
    use aws_lc_rs::signature::KeyPair;
    assert_eq!(
        pair.public_key().as_ref(),
        cert.public_key().subject_public_key.data.as_ref()
    );
    assert_eq!(ks.trusted().count(), 0);
    assert_eq!(ks.private_keys().count(), 1);
}

#[test]
fn wrong_passphrase_is_never_called_corrupt() {
    for (file, wrong) in [
        ("name-all-pwd.p12", "passw0rd"),
        ("cert-key-aes256cbc.p12", "password"),
        ("java-truststore.p12", "changeit"),
        ("name-all-no-pwd.p12", "x"),
        ("cicsx-pbes2-3des.p12", "nope"),
    ] {
        let err = Keystore::from_pkcs12(&vector(file), &pass(wrong)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::WrongPassphrase {
                    unchecked: false,
                    ..
                }
            ),
            "{file}: {err:?}"
        );
        assert_eq!(err.id(), "CICSX0101E");
        assert!(!err.to_string().contains("corrupt"));
        assert!(
            !err.to_string().contains(wrong),
            "pass phrase leaked into the message"
        );
    }
}

#[test]
fn unsupported_algorithms_are_named() {
    // OpenSSL `-keypbe DES-EDE3-CBC`: PBES2 with 3DES, OID 1.2.840.113549.3.7.
    let err =
        Keystore::from_pkcs12(&vector("cicsx-pbes2-3des.p12"), &pass("cicsx3des")).unwrap_err();
    assert_eq!(err.id(), "CICSX0103E");
    match &err {
        Error::UnsupportedAlgorithm { algorithm, .. } => {
            assert!(algorithm.contains("DES-EDE3-CBC (3DES)"), "{algorithm}");
            assert!(algorithm.contains("1.2.840.113549.3.7"), "{algorithm}");
        }
        other => panic!("{other:?}"),
    }
    // Contents encrypted under an absent (NULL) password (RC2 + 3DES).
    let err = Keystore::from_pkcs12(&vector("no-password.p12"), &pass("")).unwrap_err();
    assert_eq!(err.id(), "CICSX0103E", "{err}");
    assert!(err.to_string().contains("NULL"), "{err}");
}

#[test]
fn other_formats_are_unreadable_not_wrong_passphrase() {
    let ca_pem = vector("ca/ca.pem");
    for (what, data) in [
        ("PEM", ca_pem.clone()),
        ("JKS", vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 0]),
        ("empty", Vec::new()),
        ("text", b"hello world".to_vec()),
    ] {
        let err = Keystore::from_pkcs12(&data, &pass("changeit")).unwrap_err();
        assert_eq!(err.id(), "CICSX0102E", "{what}: {err}");
    }
}
