//! Writing keystores, reading them back, and checking that OpenSSL and keytool open them.

mod common;

use cicsx_keystore::{DEFAULT_PASSPHRASE, Entry, Error, Keystore};
use common::{pass, pki, run_tool};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivateSec1KeyDer};

fn sample() -> (Keystore, common::Pki) {
    let p = pki("client");
    let mut ks = Keystore::new();
    ks.add_trusted("cics-root", p.ca.clone()).unwrap();
    ks.add_private_key("me", p.key(), vec![p.leaf.clone(), p.ca.clone()])
        .unwrap();
    ks.add_trusted("cics.example.com:1490", p.leaf.clone())
        .unwrap();
    (ks, p)
}

#[test]
fn round_trip_keeps_everything() {
    let (ks, p) = sample();
    let der = ks.to_pkcs12(&pass(DEFAULT_PASSPHRASE)).unwrap();
    let back = Keystore::from_pkcs12(&der, &pass(DEFAULT_PASSPHRASE)).unwrap();

    let mut aliases: Vec<&str> = back.entries().iter().map(Entry::alias).collect();
    aliases.sort_unstable();
    assert_eq!(aliases, ["cics-root", "cics.example.com:1490", "me"]);

    match back.get("me") {
        Some(Entry::PrivateKey(k)) => {
            assert_eq!(k.chain, vec![p.leaf.clone(), p.ca.clone()]);
            match k.key() {
                PrivateKeyDer::Pkcs8(key) => {
                    assert_eq!(key.secret_pkcs8_der(), p.leaf_key.secret_pkcs8_der())
                }
                _ => panic!("not PKCS#8"),
            }
        }
        other => panic!("{other:?}"),
    }
    match back.get("cics-root") {
        Some(Entry::Trusted(t)) => assert_eq!(t.certificate, p.ca),
        other => panic!("{other:?}"),
    }
    // The root is both a trusted entry and part of the key's chain; it stays exactly one
    // trusted entry, and the leaf pinned under a host alias stays a trusted entry too.
    assert_eq!(back.trusted().count(), 2);
    assert_eq!(back.private_keys().count(), 1);

    // And again: stable.
    let der2 = back.to_pkcs12(&pass(DEFAULT_PASSPHRASE)).unwrap();
    let again = Keystore::from_pkcs12(&der2, &pass(DEFAULT_PASSPHRASE)).unwrap();
    assert_eq!(again.len(), 3);
}

#[test]
fn empty_keystore_round_trips() {
    let der = Keystore::new().to_pkcs12(&pass("s3cret!")).unwrap();
    assert!(
        Keystore::from_pkcs12(&der, &pass("s3cret!"))
            .unwrap()
            .is_empty()
    );
    let err = Keystore::from_pkcs12(&der, &pass("other")).unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase { .. }));
}

#[test]
fn aliases_are_case_insensitive_and_validated() {
    let p = pki("case");
    let mut ks = Keystore::new();
    ks.add_trusted("MyRoot", p.ca.clone()).unwrap();
    let err = ks.add_trusted("myroot", p.ca.clone()).unwrap_err();
    assert_eq!(err.id(), "CICSX0105E");
    assert_eq!(ks.get("MYROOT").map(Entry::alias), Some("MyRoot"));
    let err = ks.add_trusted("bad\nalias", p.ca.clone()).unwrap_err();
    assert_eq!(err.id(), "CICSX0109E");
    assert!(!err.to_string().contains('\n'));
    let removed = ks.remove("myROOT").unwrap();
    assert_eq!(removed.alias(), "MyRoot");
    assert!(ks.is_empty());
    assert_eq!(ks.remove("MyRoot").unwrap_err().id(), "CICSX0106E");
}

#[test]
fn private_key_checks() {
    let a = pki("a");
    let b = pki("b");
    let mut ks = Keystore::new();
    // Key of one certificate with the chain of another.
    let err = ks
        .add_private_key("x", a.key(), vec![b.leaf.clone()])
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0112E", "{err}");
    // No chain.
    let err = ks.add_private_key("x", a.key(), Vec::new()).unwrap_err();
    assert_eq!(err.id(), "CICSX0110E");
    // Not a key.
    let junk = PrivateKeyDer::Pkcs8(vec![0x30, 0x03, 0x02, 0x01, 0x00].into());
    let err = ks
        .add_private_key("x", junk, vec![a.leaf.clone()])
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0111E");
    // A chain certificate that is not a certificate.
    let err = ks
        .add_private_key(
            "x",
            a.key(),
            vec![a.leaf.clone(), CertificateDer::from(vec![1, 2, 3])],
        )
        .unwrap_err();
    assert_eq!(err.id(), "CICSX0110E");
    assert!(ks.is_empty(), "a failed add must not leave anything behind");
}

/// (content, rest) of the first DER element (test helper: lengths up to 0xffff).
fn tlv(input: &[u8]) -> (&[u8], &[u8]) {
    let (len, hdr) = match input[1] {
        n if n < 0x80 => (n as usize, 2),
        0x81 => (input[2] as usize, 3),
        0x82 => (((input[2] as usize) << 8) | input[3] as usize, 4),
        _ => panic!("test helper: length too long"),
    };
    (&input[hdr..hdr + len], &input[hdr + len..])
}

/// Splits a PKCS#8 `PrivateKeyInfo` into its AlgorithmIdentifier content and inner key.
fn pkcs8_parts(pkcs8: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (body, _) = tlv(pkcs8);
    let (_, rest) = tlv(body); // version
    let (alg, rest) = tlv(rest);
    let (inner, _) = tlv(rest);
    (alg.to_vec(), inner.to_vec())
}

#[test]
fn pkcs1_and_sec1_keys_are_converted() {
    // RSA: PKCS#1 inside PKCS#8.
    let rsa = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .unwrap();
    let params = rcgen::CertificateParams::new(vec!["rsa.example.com".to_owned()]).unwrap();
    let cert = params.self_signed(&rsa).unwrap();
    let (_, pkcs1) = pkcs8_parts(&rsa.serialize_der());
    let mut ks = Keystore::new();
    ks.add_private_key(
        "rsa",
        PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(pkcs1)),
        vec![cert.der().clone()],
    )
    .unwrap();

    // EC: SEC1 with the curve named in its [0] parameters, as `openssl ecparam -genkey` writes.
    let ec = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["ec.example.com".to_owned()])
        .unwrap()
        .self_signed(&ec)
        .unwrap();
    let (alg, sec1) = pkcs8_parts(&ec.serialize_der());
    let sec1 = with_curve_parameters(&sec1, &alg);
    ks.add_private_key(
        "ec",
        PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(sec1)),
        vec![cert.der().clone()],
    )
    .unwrap();

    let der = ks.to_pkcs12(&pass("changeit")).unwrap();
    let back = Keystore::from_pkcs12(&der, &pass("changeit")).unwrap();
    assert_eq!(back.private_keys().count(), 2);
}

/// Adds `[0] namedCurve` to a SEC1 key if it lacks it, taking the curve from the PKCS#8
/// AlgorithmIdentifier content `alg` (ecPublicKey OID, curve OID).
fn with_curve_parameters(sec1: &[u8], alg: &[u8]) -> Vec<u8> {
    let (body, _) = tlv(sec1);
    // Elements of the ECPrivateKey.
    let mut elements: Vec<Vec<u8>> = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (content, next) = tlv(rest);
        let header_len = rest.len() - next.len() - content.len();
        elements.push(rest[..header_len + content.len()].to_vec());
        rest = next;
    }
    if elements.iter().any(|e| e[0] == 0xa0) {
        return sec1.to_vec();
    }
    let (_, curve_and_more) = tlv(alg); // skip ecPublicKey OID
    let (curve_content, _) = tlv(curve_and_more);
    let mut curve = vec![0x06, curve_content.len() as u8];
    curve.extend_from_slice(curve_content);
    let mut param = vec![0xa0, curve.len() as u8];
    param.extend_from_slice(&curve);
    elements.insert(2, param);
    let inner: Vec<u8> = elements.concat();
    let mut out = vec![0x30];
    if inner.len() < 0x80 {
        out.push(inner.len() as u8);
    } else {
        out.extend_from_slice(&[0x81, inner.len() as u8]);
    }
    out.extend_from_slice(&inner);
    out
}

#[test]
fn openssl_reads_what_we_write() {
    let (ks, _) = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.p12");
    std::fs::write(&path, ks.to_pkcs12(&pass("changeit")).unwrap()).unwrap();
    let file = path.to_str().unwrap();
    let Some(out) = run_tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-nodes",
            "-passin",
            "pass:changeit",
            "-in",
            file,
        ],
    ) else {
        return;
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openssl failed:\n{text}");
    assert!(text.contains("MAC: sha256"), "{text}");
    assert!(text.contains("AES-256-CBC"), "{text}");
    assert!(text.contains("friendlyName: me"), "{text}");
    assert!(text.contains("friendlyName: cics-root"), "{text}");
    assert!(
        text.contains("friendlyName: cics.example.com:1490"),
        "{text}"
    );
    assert!(text.contains("-----BEGIN PRIVATE KEY-----"), "{text}");
    // Java's trusted-key-usage attribute on the trusted certificates.
    assert_eq!(
        text.matches("2.16.840.1.113894.746875.1.1").count(),
        2,
        "{text}"
    );
    // With the wrong pass phrase openssl reports a MAC failure, as we do.
    let out = run_tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-nodes",
            "-passin",
            "pass:wrong",
            "-in",
            file,
        ],
    )
    .unwrap();
    assert!(!out.status.success());
}

#[test]
fn keytool_reads_what_we_write() {
    let (ks, _) = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.p12");
    std::fs::write(&path, ks.to_pkcs12(&pass("changeit")).unwrap()).unwrap();
    let Some(out) = run_tool(
        "keytool",
        &[
            "-list",
            "-v",
            "-storetype",
            "PKCS12",
            "-keystore",
            path.to_str().unwrap(),
            "-storepass",
            "changeit",
        ],
    ) else {
        return;
    };
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "keytool failed:\n{text}");
    assert!(text.contains("Your keystore contains 3 entries"), "{text}");
    assert!(text.contains("Alias name: me"), "{text}");
    assert!(text.contains("Alias name: cics-root"), "{text}");
    assert!(text.contains("Alias name: cics.example.com:1490"), "{text}");
    assert_eq!(
        text.matches("Entry type: trustedCertEntry").count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.matches("Entry type: PrivateKeyEntry").count(),
        1,
        "{text}"
    );
    assert!(text.contains("Certificate chain length: 2"), "{text}");
}

#[test]
fn we_read_what_keytool_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kt.p12");
    let ks_path = path.to_str().unwrap();
    let Some(out) = run_tool(
        "keytool",
        &[
            "-genkeypair",
            "-alias",
            "Client",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=keytool client",
            "-validity",
            "30",
            "-storetype",
            "PKCS12",
            "-keystore",
            ks_path,
            "-storepass",
            "changeit",
        ],
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = pki("imported");
    let ca_path = dir.path().join("ca.der");
    std::fs::write(&ca_path, &p.ca).unwrap();
    let out = run_tool(
        "keytool",
        &[
            "-importcert",
            "-noprompt",
            "-alias",
            "cics-ca",
            "-file",
            ca_path.to_str().unwrap(),
            "-storetype",
            "PKCS12",
            "-keystore",
            ks_path,
            "-storepass",
            "changeit",
        ],
    )
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let ks = Keystore::from_pkcs12(&std::fs::read(&path).unwrap(), &pass("changeit")).unwrap();
    // keytool stores PKCS#12 aliases in lower case.
    match ks.get("client") {
        Some(Entry::PrivateKey(k)) => assert_eq!(k.chain.len(), 1),
        other => panic!("{other:?}"),
    }
    match ks.get("cics-ca") {
        Some(Entry::Trusted(t)) => assert_eq!(t.certificate, p.ca),
        other => panic!("{other:?}"),
    }
    assert_eq!(ks.len(), 2);
}

#[test]
fn we_read_openssl_trust_store_made_now() {
    let p = pki("anchor");
    let dir = tempfile::tempdir().unwrap();
    let pem_path = dir.path().join("ca.pem");
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64_lines(&p.ca)
    );
    std::fs::write(&pem_path, pem).unwrap();
    let out_path = dir.path().join("trust.p12");
    let Some(out) = run_tool(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            pem_path.to_str().unwrap(),
            "-passout",
            "pass:changeit",
            "-out",
            out_path.to_str().unwrap(),
        ],
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ks = Keystore::from_pkcs12(&std::fs::read(&out_path).unwrap(), &pass("changeit")).unwrap();
    let trusted: Vec<_> = ks.trusted().collect();
    assert_eq!(trusted.len(), 1);
    assert_eq!(trusted[0].certificate, p.ca);
    assert_eq!(trusted[0].alias, "1");
}

fn base64_lines(der: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in der.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s.as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn pem(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        base64_lines(der)
    )
}

#[test]
fn file_without_mac_and_wrong_passphrase() {
    // Encrypted contents but no integrity check (`-nomac`): a wrong pass phrase shows up only as
    // a decryption failure, and is still reported as a wrong pass phrase (flagged unchecked).
    let p = pki("nomac");
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("c.pem");
    let key = dir.path().join("k.pem");
    std::fs::write(&cert, pem("CERTIFICATE", &p.leaf)).unwrap();
    std::fs::write(&key, pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der())).unwrap();
    let out_path = dir.path().join("nomac.p12");
    let Some(out) = run_tool(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-nomac",
            "-in",
            cert.to_str().unwrap(),
            "-inkey",
            key.to_str().unwrap(),
            "-name",
            "nomac",
            "-passout",
            "pass:right",
            "-out",
            out_path.to_str().unwrap(),
        ],
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = std::fs::read(&out_path).unwrap();
    let ks = Keystore::from_pkcs12(&data, &pass("right")).unwrap();
    assert!(
        matches!(ks.get("nomac"), Some(Entry::PrivateKey(k)) if k.chain == vec![p.leaf.clone()])
    );
    let err = Keystore::from_pkcs12(&data, &pass("wrong")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::WrongPassphrase {
                unchecked: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.explanation().contains("no integrity check"));
}
