//! Interoperability with the real tools, both ways: files keytool (JKS and PKCS#12) and openssl
//! (default, `-legacy`, `-nokeys -certpbe NONE`) write are read here with the entries the tools
//! list, and files written here are listed by `keytool -list -v` and `openssl pkcs12 -info`
//! with the same entries. Every test vector is compared with what openssl shows for it.
//!
//! Each check prints a notice and passes only when the tool is not installed; .ci/run installs
//! both (openssl, openjdk-17-jre-headless).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cicsx_keystore::{Entry, Error, Keystore, KeystoreFile, StoreType};
use common::{Listed, fingerprint, keytool_list, must, pass, pem, pki, run_tool, summary};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// What `openssl pkcs12 -info` shows: every certificate bag (SHA-256 and friendly name), the
/// private keys (PKCS#8 DER) and their friendly names. Names are raw bytes: openssl prints each
/// BMPString character as its low byte.
struct OpensslView {
    certs: Vec<(String, Option<Vec<u8>>)>,
    /// Fingerprints of the certificate bags with Java's trusted-key-usage attribute.
    trusted: BTreeSet<String>,
    keys: Vec<Vec<u8>>,
    key_names: BTreeSet<Vec<u8>>,
}

/// `None` if openssl is not installed.
fn openssl_view(file: &Path, passphrase: &str, legacy: bool) -> Option<OpensslView> {
    let passin = format!("pass:{passphrase}");
    let mut args = vec!["pkcs12", "-info", "-passin", &passin, "-in", path_str(file)];
    if legacy {
        args.push("-legacy");
    }
    let certs_text = {
        let mut a = args.clone();
        a.push("-nokeys");
        run_openssl_bytes(&a)?
    };
    let keys_text = {
        let mut a = args.clone();
        a.extend(["-nocerts", "-nodes"]);
        run_openssl_bytes(&a)?
    };
    let mut trusted = BTreeSet::new();
    let certs = split_blocks(&certs_text, b"-----END CERTIFICATE-----")
        .into_iter()
        .map(|(name, block)| {
            let cert = CertificateDer::from_pem_slice(block).unwrap();
            let marked = [&b"2.16.840.1.113894.746875.1.1"[..], b"Trusted key usage"]
                .iter()
                .any(|m| block.windows(m.len()).any(|w| w == *m));
            if marked {
                trusted.insert(fingerprint(&cert));
            }
            (fingerprint(&cert), name)
        })
        .collect();
    let blocks = split_blocks(&keys_text, b"-----END PRIVATE KEY-----");
    let keys = blocks
        .iter()
        .map(|(_, block)| {
            rustls_pki_types::PrivatePkcs8KeyDer::from_pem_slice(block)
                .unwrap()
                .secret_pkcs8_der()
                .to_vec()
        })
        .collect();
    let key_names = blocks.into_iter().filter_map(|(n, _)| n).collect();
    Some(OpensslView {
        certs,
        trusted,
        keys,
        key_names,
    })
}

/// Splits openssl's listing into one block per bag, each with its friendlyName.
fn split_blocks<'a>(text: &'a [u8], end: &[u8]) -> Vec<(Option<Vec<u8>>, &'a [u8])> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.windows(end.len()).position(|w| w == end) {
        let block = &rest[..i + end.len()];
        let name = block.split(|&b| b == b'\n').find_map(|l| {
            let l = l.trim_ascii();
            l.strip_prefix(b"friendlyName: ").map(<[u8]>::to_vec)
        });
        out.push((name, block));
        rest = &rest[i + end.len()..];
    }
    out
}

fn run_openssl_bytes(args: &[&str]) -> Option<Vec<u8>> {
    let out = run_tool("openssl", args)?;
    assert!(
        out.status.success(),
        "openssl {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

/// (header length, content length) of the DER element at the start of `d` (test helper).
fn tlv_len(d: &[u8]) -> (usize, usize) {
    match d[1] {
        n if n < 0x80 => (2, n as usize),
        0x81 => (3, d[2] as usize),
        0x82 => (4, ((d[2] as usize) << 8) | d[3] as usize),
        _ => panic!("test helper: length too long"),
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(content);
    out
}

fn elements(mut d: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !d.is_empty() {
        let (h, l) = tlv_len(d);
        out.push(&d[..h + l]);
        d = &d[h + l..];
    }
    out
}

/// PKCS#8 with the optional curve parameters inside a SEC1 key dropped, as openssl writes it
/// (they repeat the AlgorithmIdentifier's).
fn normalize_pkcs8(pkcs8: &[u8]) -> Vec<u8> {
    let (h, l) = tlv_len(pkcs8);
    let parts = elements(&pkcs8[h..h + l]);
    let mut out: Vec<Vec<u8>> = parts.iter().map(|p| p.to_vec()).collect();
    let octets = parts[2];
    let (oh, ol) = tlv_len(octets);
    let inner = &octets[oh..oh + ol];
    if inner[0] == 0x30 {
        let (ih, il) = tlv_len(inner);
        let fields: Vec<u8> = elements(&inner[ih..ih + il])
            .into_iter()
            .filter(|e| e[0] != 0xa0)
            .flatten()
            .copied()
            .collect();
        out[2] = der(0x04, &der(0x30, &fields));
    }
    der(0x30, &out.concat())
}

/// An alias as openssl prints it.
fn as_openssl_prints(alias: &str) -> Vec<u8> {
    alias.chars().map(|c| (u32::from(c) & 0xff) as u8).collect()
}

/// The keystore shows what openssl shows: the same certificates and keys, trusted entries
/// named as their bags, keys named as their key bags, and no alias made up where a name exists.
fn assert_same_as_openssl(what: &str, ks: &Keystore, view: &OpensslView) {
    let mut ours = BTreeSet::new();
    let mut chain_certs = BTreeSet::new();
    for e in ks.entries() {
        match e {
            Entry::PrivateKey(k) => {
                ours.extend(k.chain.iter().map(|c| fingerprint(c)));
                chain_certs.extend(k.chain.iter().map(|c| fingerprint(c)));
            }
            Entry::Trusted(t) => {
                ours.insert(fingerprint(&t.certificate));
            }
            _ => unreachable!(),
        }
    }
    // In a file with a key, a certificate outside every key's chain and without Java's trusted
    // attribute is left out, as keytool leaves it: extra CA certificates bundled with a client
    // certificate are no declaration of trust.
    let has_keys = ks.private_keys().next().is_some();
    let theirs: BTreeSet<String> = view
        .certs
        .iter()
        .map(|(fp, _)| fp.clone())
        .filter(|fp| !has_keys || chain_certs.contains(fp) || view.trusted.contains(fp))
        .collect();
    assert_eq!(ours, theirs, "{what}: certificates differ from openssl's");

    let mut our_keys: Vec<Vec<u8>> = ks
        .private_keys()
        .map(|k| match k.key() {
            rustls_pki_types::PrivateKeyDer::Pkcs8(d) => normalize_pkcs8(d.secret_pkcs8_der()),
            _ => unreachable!(),
        })
        .collect();
    let mut their_keys: Vec<Vec<u8>> = view.keys.iter().map(|k| normalize_pkcs8(k)).collect();
    our_keys.sort();
    their_keys.sort();
    assert_eq!(
        our_keys, their_keys,
        "{what}: private keys differ from openssl's"
    );

    // Every named key bag is a key entry of that name.
    let key_aliases: BTreeSet<Vec<u8>> = ks
        .private_keys()
        .map(|k| as_openssl_prints(&k.alias))
        .collect();
    for name in &view.key_names {
        assert!(
            key_aliases.contains(name),
            "{what}: key bag {:?} is not a key alias ({key_aliases:?})",
            String::from_utf8_lossy(name)
        );
    }
    // Every named certificate bag outside the keys' chains that is kept (see above) is a
    // trusted entry of that name.
    for (fp, name) in &view.certs {
        let (Some(name), false, true) = (name, chain_certs.contains(fp), theirs.contains(fp))
        else {
            continue;
        };
        let found = ks
            .trusted()
            .any(|t| fingerprint(&t.certificate) == *fp && as_openssl_prints(&t.alias) == *name);
        assert!(
            found,
            "{what}: no trusted entry {:?} for certificate {fp}",
            String::from_utf8_lossy(name)
        );
    }
    // And no entry has a generated alias where the file had a name.
    let names: BTreeSet<&Vec<u8>> = view
        .certs
        .iter()
        .filter_map(|(_, n)| n.as_ref())
        .chain(&view.key_names)
        .collect();
    for e in ks.entries() {
        if !e.alias().bytes().all(|b| b.is_ascii_digit()) {
            assert!(
                names.contains(&as_openssl_prints(e.alias())),
                "{what}: alias {:?} is no friendlyName in the file",
                e.alias()
            );
        }
    }
}

fn vector_passphrase(name: &str) -> &'static str {
    match name {
        "cicsx-pbes2-3des.p12" => "cicsx3des",
        "cicsx-openssl-nokeys.p12" | "cicsx-plain-nomac.p12" => "changeit",
        "java-truststore.p12" | "no-password.p12" => "",
        n if n.starts_with("cert-") || n == "no-cert-key-aes256cbc.p12" => "cryptography",
        n if n.ends_with("-no-pwd.p12") => "",
        n if n.ends_with("-pwd.p12") => "password",
        other => panic!("no pass phrase known for vector {other}; add it here"),
    }
}

#[test]
fn every_vector_reads_as_openssl_shows_it() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "p12"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "vectors missing: {files:?}");
    let mut compared = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let passphrase = vector_passphrase(name);
        let data = std::fs::read(file).unwrap();
        let ks = match Keystore::from_pkcs12(&data, &pass(passphrase)) {
            Ok(ks) => ks,
            Err(Error::UnsupportedAlgorithm { algorithm, .. }) => {
                // The only files that cannot be read, each with the algorithm named.
                match name {
                    "cicsx-pbes2-3des.p12" => assert!(algorithm.contains("3DES"), "{algorithm}"),
                    "no-password.p12" => assert!(algorithm.contains("NULL"), "{algorithm}"),
                    _ => panic!("{name}: unsupported {algorithm}"),
                }
                continue;
            }
            Err(e) => panic!("{name}: {} {e}", e.id()),
        };
        let Some(view) = openssl_view(file, passphrase, true) else {
            return;
        };
        assert_same_as_openssl(name, &ks, &view);
        compared += 1;
    }
    assert_eq!(compared, files.len() - 2);
}

#[test]
fn shared_vectors_are_all_here() {
    // ../shared/vectors/pkcs12 beside the repository, when it is there.
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/pkcs12");
    let Ok(dir) = std::fs::read_dir(&shared) else {
        println!("NOTICE: {} not found; skipping", shared.display());
        return;
    };
    for entry in dir {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "p12") {
            let name = path.file_name().unwrap();
            let ours = std::fs::read(vectors_dir().join(name))
                .unwrap_or_else(|_| panic!("{name:?} is not in tests/vectors: copy it there"));
            assert_eq!(ours, std::fs::read(&path).unwrap(), "{name:?} differs");
        }
    }
}

/// keytool with English messages; `None` if it is not installed.
fn keytool(args: &[&str]) -> Option<String> {
    let mut all = vec!["-J-Duser.language=en"];
    all.extend_from_slice(args);
    must("keytool", &all)
}

/// Fills a keystore with keytool: an EC key whose certificate a CA signed (chain of 2), an RSA
/// key (self-signed), and a trusted certificate. `None` if keytool is not installed.
fn keytool_populate(dir: &Path, store: &Path, store_type: &str, trusted: &[u8]) -> Option<()> {
    let s = path_str(store);
    let common = [
        "-storetype",
        store_type,
        "-storepass",
        "changeit",
        "-keypass",
        "changeit",
    ];
    let ca_store = dir.join(format!("ca-{store_type}.p12"));
    let ca = path_str(&ca_store);
    let ca_args = [
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit",
        "-keystore",
        ca,
    ];
    keytool(
        &[
            &[
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
            ][..],
            &[
                "-dname",
                "CN=keytool test CA",
                "-ext",
                "bc:c",
                "-validity",
                "30",
            ],
            &ca_args,
        ]
        .concat(),
    )?;
    keytool(
        &[
            &[
                "-genkeypair",
                "-alias",
                "Client-EC",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
            ][..],
            &[
                "-dname",
                "CN=keytool ec client",
                "-validity",
                "30",
                "-keystore",
                s,
            ],
            &common,
        ]
        .concat(),
    )?;
    let csr = dir.join("client.csr");
    keytool(
        &[
            &[
                "-certreq",
                "-alias",
                "client-ec",
                "-file",
                path_str(&csr),
                "-keystore",
                s,
            ][..],
            &common,
        ]
        .concat(),
    )?;
    let signed = dir.join("signed.pem");
    keytool(
        &[
            &["-gencert", "-alias", "ca", "-rfc", "-validity", "30"][..],
            &["-infile", path_str(&csr), "-outfile", path_str(&signed)],
            &ca_args,
        ]
        .concat(),
    )?;
    let ca_pem = keytool(&[&["-exportcert", "-alias", "ca", "-rfc"][..], &ca_args].concat())?;
    let chain = dir.join("chain.pem");
    std::fs::write(&chain, std::fs::read_to_string(&signed).unwrap() + &ca_pem).unwrap();
    keytool(
        &[
            &[
                "-importcert",
                "-noprompt",
                "-alias",
                "client-ec",
                "-file",
                path_str(&chain),
            ][..],
            &["-keystore", s],
            &common,
        ]
        .concat(),
    )?;
    keytool(
        &[
            &[
                "-genkeypair",
                "-alias",
                "client-rsa",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
            ][..],
            &[
                "-dname",
                "CN=keytool rsa client",
                "-validity",
                "30",
                "-keystore",
                s,
            ],
            &common,
        ]
        .concat(),
    )?;
    let trusted_path = dir.join("trusted.der");
    std::fs::write(&trusted_path, trusted).unwrap();
    keytool(
        &[
            &["-importcert", "-noprompt", "-alias", "cics-ca", "-file"][..],
            &[
                path_str(&trusted_path),
                "-keystore",
                s,
                "-storetype",
                store_type,
            ],
            &["-storepass", "changeit"],
        ]
        .concat(),
    )?;
    Some(())
}

#[test]
fn keytool_jks_and_pkcs12_read_here_with_the_same_entries() {
    let trusted = pki("keytool trusted");
    for (store_type, name) in [("JKS", "java.jks"), ("PKCS12", "java.p12")] {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join(name);
        if keytool_populate(dir.path(), &store, store_type, &trusted.ca).is_none() {
            return;
        }
        let Some(listed) = keytool_list(&store, store_type, "changeit") else {
            return;
        };
        let file = KeystoreFile::new(&store);
        let want_type = if store_type == "JKS" {
            StoreType::Jks
        } else {
            StoreType::Pkcs12
        };
        assert_eq!(file.store_type(), want_type);
        let ks = file.load(&pass("changeit")).unwrap();
        assert_eq!(summary(&ks), listed, "{store_type}");
        // What keytool made: 3 entries, the EC key with a chain of 2.
        let kinds: Vec<(&str, &str, usize)> = listed
            .iter()
            .map(|(a, k, c)| (a.as_str(), *k, c.len()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("cics-ca", "trusted", 1),
                ("client-ec", "key", 2),
                ("client-rsa", "key", 1)
            ],
            "{store_type}"
        );
        assert!(
            matches!(ks.get("cics-ca"), Some(Entry::Trusted(t)) if t.certificate == trusted.ca)
        );
        // Keys match their certificates (checked by add_private_key).
        for k in ks.private_keys() {
            Keystore::new()
                .add_private_key("k", k.key(), k.chain.clone())
                .unwrap_or_else(|e| panic!("{store_type} {}: {e}", k.alias));
        }
        assert!(file.uses_default_passphrase());
        assert_eq!(
            file.load(&pass("wrong")).unwrap_err().id(),
            "CICSX0101E",
            "{store_type}"
        );
    }
}

#[test]
fn jks_key_with_its_own_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("keypass.jks");
    let Some(_) = keytool(&[
        "-genkeypair",
        "-alias",
        "mine",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=own key pass",
        "-validity",
        "30",
        "-storetype",
        "JKS",
        "-keystore",
        path_str(&store),
        "-storepass",
        "changeit",
        "-keypass",
        "other-pass",
    ]) else {
        return;
    };
    let err = KeystoreFile::new(&store)
        .load(&pass("changeit"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::KeyPassphrase { alias, path: Some(p) } if alias == "mine" && p == &store),
        "{err:?}"
    );
}

/// A CA, an intermediate and a leaf with its key, as PEM files in `dir`.
struct PemFiles {
    leaf: PathBuf,
    key: PathBuf,
    chain: PathBuf,
    certs: Vec<CertificateDer<'static>>,
}

fn pem_files(dir: &Path, cn: &str) -> PemFiles {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, format!("{cn} root"));
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let ca_issuer = Issuer::new(ca_params, ca_key);
    let int_key = KeyPair::generate().unwrap();
    let mut int_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    int_params
        .distinguished_name
        .push(DnType::CommonName, format!("{cn} intermediate"));
    int_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let int = int_params.signed_by(&int_key, &ca_issuer).unwrap();
    let int_issuer = Issuer::new(int_params, int_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["client.example.com".to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    let leaf = params.signed_by(&leaf_key, &int_issuer).unwrap();

    let files = PemFiles {
        leaf: dir.join("leaf.pem"),
        key: dir.join("key.pem"),
        chain: dir.join("chain.pem"),
        certs: vec![leaf.der().clone(), int.der().clone(), ca.der().clone()],
    };
    std::fs::write(&files.leaf, pem("CERTIFICATE", leaf.der())).unwrap();
    std::fs::write(&files.key, pem("PRIVATE KEY", &leaf_key.serialize_der())).unwrap();
    std::fs::write(
        &files.chain,
        pem("CERTIFICATE", int.der()) + &pem("CERTIFICATE", ca.der()),
    )
    .unwrap();
    files
}

#[test]
fn openssl_exports_read_here_with_the_same_entries() {
    let dir = tempfile::tempdir().unwrap();
    let f = pem_files(dir.path(), "openssl client");
    let variants: [(&str, &[&str], bool); 4] = [
        ("default", &[], false),
        ("legacy", &["-legacy"], true),
        (
            "nokeys-certpbe-none",
            &["-nokeys", "-certpbe", "NONE"],
            false,
        ),
        (
            "nomac",
            &["-keypbe", "NONE", "-certpbe", "NONE", "-nomac"],
            false,
        ),
    ];
    for (what, extra, legacy) in variants {
        let out = dir.path().join(format!("{what}.p12"));
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            path_str(&f.leaf),
            "-certfile",
            path_str(&f.chain),
            "-name",
            "openssl client",
            "-passout",
            "pass:changeit",
            "-out",
            path_str(&out),
        ];
        if !extra.contains(&"-nokeys") {
            args.extend(["-inkey", path_str(&f.key)]);
        }
        args.extend_from_slice(extra);
        if must("openssl", &args).is_none() {
            return;
        }
        let ks = KeystoreFile::new(&out).load(&pass("changeit")).unwrap();
        let Some(view) = openssl_view(&out, "changeit", legacy) else {
            return;
        };
        assert_same_as_openssl(what, &ks, &view);
        if extra.contains(&"-nokeys") {
            // A trust store: every certificate is a trust anchor.
            assert_eq!(ks.trusted().count(), 3, "{what}");
        } else {
            match ks.get("openssl client") {
                Some(Entry::PrivateKey(k)) => assert_eq!(k.chain, f.certs, "{what}"),
                other => panic!("{what}: {other:?}"),
            }
            assert_eq!(ks.len(), 1, "{what}");
        }
    }
}

/// A client certificate bundled with a CA certificate of another PKI (`-certfile`): the
/// unrelated CA is not made a trust anchor (keytool leaves it out too), since importing one's
/// own certificate must never widen which servers are trusted.
#[test]
fn extra_certificates_beside_a_key_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let f = pem_files(dir.path(), "bundled client");
    let other_dir = dir.path().join("other");
    std::fs::create_dir(&other_dir).unwrap();
    let other = pem_files(&other_dir, "unrelated");
    let extra = dir.path().join("extra.pem");
    std::fs::write(
        &extra,
        [
            std::fs::read(&f.chain).unwrap(),
            pem("CERTIFICATE", &other.certs[2]).into_bytes(),
        ]
        .concat(),
    )
    .unwrap();
    let out = dir.path().join("bundled.p12");
    let args = [
        "pkcs12",
        "-export",
        "-in",
        path_str(&f.leaf),
        "-inkey",
        path_str(&f.key),
        "-certfile",
        path_str(&extra),
        "-name",
        "mine",
        "-passout",
        "pass:changeit",
        "-out",
        path_str(&out),
    ];
    if must("openssl", &args).is_none() {
        return;
    }
    let ks = KeystoreFile::new(&out).load(&pass("changeit")).unwrap();
    match ks.get("mine") {
        Some(Entry::PrivateKey(k)) => assert_eq!(k.chain, f.certs),
        other => panic!("{other:?}"),
    }
    assert_eq!(ks.trusted().count(), 0, "{:?}", ks.entries());
}

/// A keystore with everything cicsx writes: keys with chains (EC and RSA), a CA, a pinned
/// server certificate, and a non-ASCII alias.
fn rich_keystore(dir: &Path) -> Keystore {
    let f = pem_files(dir, "cicsx client");
    let key = std::fs::read(&f.key).unwrap();
    let mut ks = Keystore::from_pem(
        &[
            std::fs::read(&f.leaf).unwrap(),
            std::fs::read(&f.chain).unwrap(),
            key,
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(ks.len(), 1);
    let rsa = KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048).unwrap();
    let rsa_cert = CertificateParams::new(vec!["rsa.example.com".to_owned()])
        .unwrap()
        .self_signed(&rsa)
        .unwrap();
    ks.add_private_key(
        "RSA Key",
        rustls_pki_types::PrivateKeyDer::Pkcs8(rsa.serialize_der().into()),
        vec![rsa_cert.der().clone()],
    )
    .unwrap();
    let other = pki("server");
    ks.add_trusted("Zürich root ☺", other.ca.clone()).unwrap();
    ks.add_trusted("cics.example.com:1490", other.leaf.clone())
        .unwrap();
    ks
}

#[test]
fn files_written_here_are_listed_by_keytool_and_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let ks = rich_keystore(dir.path());
    let file = KeystoreFile::new(dir.path().join("cicsx.p12"));
    file.create(&pass("changeit")).unwrap();
    let other = ks.clone();
    file.update(&pass("changeit"), |k| k.import(other, None))
        .unwrap();
    let want: Vec<Listed> = summary(&ks);
    assert_eq!(summary(&file.load(&pass("changeit")).unwrap()), want);

    let Some(listed) = keytool_list(file.path(), "PKCS12", "changeit") else {
        return;
    };
    assert_eq!(listed, want);
    let Some(view) = openssl_view(file.path(), "changeit", false) else {
        return;
    };
    assert_same_as_openssl("written here", &ks, &view);

    // One entry exported on its own.
    let one = dir.path().join("one.p12");
    std::fs::write(
        &one,
        ks.export_pkcs12("cicsx client", &pass("s3cret")).unwrap(),
    )
    .unwrap();
    let listed = keytool_list(&one, "PKCS12", "s3cret").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, "cicsx client");
    assert_eq!(listed[0].2.len(), 3);
    // A JKS converted here is listed by keytool like the JKS itself.
    let jks = vectors_dir().join("cicsx-keytool.jks");
    let converted = dir.path().join("converted.p12");
    // (Read as bytes: loading through KeystoreFile would leave a lock file in tests/vectors.)
    let ks = Keystore::from_jks(&std::fs::read(&jks).unwrap(), &pass("changeit")).unwrap();
    std::fs::write(&converted, ks.to_pkcs12(&pass("changeit")).unwrap()).unwrap();
    assert_eq!(
        keytool_list(&converted, "PKCS12", "changeit").unwrap(),
        keytool_list(&jks, "JKS", "changeit").unwrap()
    );
}

#[test]
fn pem_written_here_is_read_by_openssl_and_pem_from_openssl_is_read_here() {
    let dir = tempfile::tempdir().unwrap();
    let ks = rich_keystore(dir.path());
    let out = dir.path().join("export.pem");
    std::fs::write(&out, ks.to_pem("cicsx client", true).unwrap().as_bytes()).unwrap();
    // openssl sees the leaf first, and the key is the leaf's.
    let Some(leaf_fp) = must(
        "openssl",
        &[
            "x509",
            "-in",
            path_str(&out),
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    ) else {
        return;
    };
    let leaf = ks.get("cicsx client").unwrap().certificate().unwrap();
    assert!(leaf_fp.contains(&fingerprint(leaf)), "{leaf_fp}");
    let from_key = must("openssl", &["pkey", "-in", path_str(&out), "-pubout"]).unwrap();
    let from_cert = must(
        "openssl",
        &["x509", "-in", path_str(&out), "-noout", "-pubkey"],
    )
    .unwrap();
    assert_eq!(from_key, from_cert);

    // Keys in the forms openssl writes: PKCS#8, traditional RSA (also 1024-bit, which the
    // signing library refuses but whose public half is still matched), SEC1 with parameters.
    let cases: [(&str, &[&[&str]]); 3] = [
        (
            "rsa-traditional",
            &[
                &[
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:1024",
                    "-out",
                    "k0",
                ],
                &["rsa", "-traditional", "-in", "k0", "-out", "k"],
            ],
        ),
        (
            "ec-sec1",
            &[&["ecparam", "-genkey", "-name", "prime256v1", "-out", "k"]],
        ),
        (
            "ed25519",
            &[&["genpkey", "-algorithm", "ED25519", "-out", "k"]],
        ),
    ];
    for (what, steps) in cases {
        let sub = dir.path().join(what);
        std::fs::create_dir(&sub).unwrap();
        for step in steps {
            let args: Vec<String> = step
                .iter()
                .map(|a| match *a {
                    "k" | "k0" => path_str(&sub.join(a)).to_owned(),
                    other => other.to_owned(),
                })
                .collect();
            must(
                "openssl",
                &args.iter().map(String::as_str).collect::<Vec<_>>(),
            )
            .unwrap();
        }
        let key = sub.join("k");
        let cert = sub.join("c.pem");
        must(
            "openssl",
            &[
                "req",
                "-x509",
                "-key",
                path_str(&key),
                "-subj",
                &format!("/CN={what}"),
                "-days",
                "30",
                "-out",
                path_str(&cert),
            ],
        )
        .unwrap();
        let text = [std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap()].concat();
        let label = String::from_utf8_lossy(&std::fs::read(&key).unwrap())
            .lines()
            .find(|l| l.starts_with("-----BEGIN"))
            .unwrap()
            .to_owned();
        let ks = Keystore::from_pem(&text).unwrap_or_else(|e| panic!("{what} ({label}): {e}"));
        match ks.get(what) {
            Some(Entry::PrivateKey(k)) => assert_eq!(k.chain.len(), 1, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
        // The key survives PKCS#12 and openssl reads it back as the same key.
        let p12 = sub.join("k.p12");
        std::fs::write(&p12, ks.to_pkcs12(&pass("changeit")).unwrap()).unwrap();
        let view = openssl_view(&p12, "changeit", false).unwrap();
        assert_same_as_openssl(what, &ks, &view);
        // And exported as PEM, openssl derives the same public key from key and certificate.
        let pem_out = sub.join("out.pem");
        std::fs::write(&pem_out, ks.to_pem(what, true).unwrap().as_bytes()).unwrap();
        assert_eq!(
            must("openssl", &["pkey", "-in", path_str(&pem_out), "-pubout"]).unwrap(),
            must(
                "openssl",
                &["x509", "-in", path_str(&pem_out), "-noout", "-pubkey"]
            )
            .unwrap(),
            "{what}"
        );
    }

    // Encrypted keys are named, not misread.
    let enc = dir.path().join("enc");
    std::fs::create_dir(&enc).unwrap();
    let key_path = enc.join("k");
    let k = path_str(&key_path);
    must(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            k,
        ],
    )
    .unwrap();
    for (what, args) in [
        (
            "pkcs8",
            vec![
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-passout",
                "pass:x",
                "-in",
                k,
            ],
        ),
        (
            "traditional",
            vec!["ec", "-aes256", "-passout", "pass:x", "-in", k],
        ),
    ] {
        let text = must("openssl", &args).unwrap();
        let err = Keystore::from_pem(text.as_bytes()).unwrap_err();
        assert_eq!(err.id(), "CICSX0118E", "{what}: {err}");
    }
}
