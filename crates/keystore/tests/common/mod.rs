//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::process::Command;

use cicsx_keystore::SecretString;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub fn vector(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn pass(p: &str) -> SecretString {
    SecretString::from(p)
}

/// SHA-256 of DER as openssl prints it: `AB:CD:...`.
pub fn fingerprint(der: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
    d.as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A CA, and a leaf it issued, with the leaf's key.
pub struct Pki {
    pub ca: CertificateDer<'static>,
    pub leaf: CertificateDer<'static>,
    pub leaf_key: PrivatePkcs8KeyDer<'static>,
}

impl Pki {
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(self.leaf_key.clone_key())
    }
}

pub fn pki(cn: &str) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, format!("{cn} CA"));
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![format!("{cn}.example.com")]).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    let leaf = params.signed_by(&leaf_key, &issuer).unwrap();
    Pki {
        ca: ca.der().clone(),
        leaf: leaf.der().clone(),
        leaf_key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()),
    }
}

/// Runs a tool if it is installed; `None` (with a notice) if it is not.
pub fn run_tool(program: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(program).args(args).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("NOTICE: {program} is not installed; skipping this interoperability check");
            None
        }
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

/// PEM text of one DER object.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// A summary of an entry: (lowercased alias, "key" or "trusted", SHA-256 of every certificate
/// in order), for comparing with what keytool and openssl list.
pub type Listed = (String, &'static str, Vec<String>);

pub fn summary(ks: &cicsx_keystore::Keystore) -> Vec<Listed> {
    use cicsx_keystore::Entry;
    let mut out: Vec<Listed> = ks
        .entries()
        .iter()
        .map(|e| match e {
            Entry::PrivateKey(k) => (
                k.alias.to_lowercase(),
                "key",
                k.chain.iter().map(|c| fingerprint(c)).collect(),
            ),
            Entry::Trusted(t) => (
                t.alias.to_lowercase(),
                "trusted",
                vec![fingerprint(&t.certificate)],
            ),
            _ => unreachable!(),
        })
        .collect();
    out.sort();
    out
}

/// Runs keytool with `args` and parses `-list -v` output into the same summary.
pub fn keytool_list(store: &std::path::Path, store_type: &str, pass: &str) -> Option<Vec<Listed>> {
    let out = run_tool(
        "keytool",
        &[
            "-J-Duser.language=en",
            "-J-Dfile.encoding=UTF-8",
            "-J-Dsun.stdout.encoding=UTF-8",
            "-J-Dstdout.encoding=UTF-8",
            "-list",
            "-v",
            "-storetype",
            store_type,
            "-keystore",
            store.to_str().unwrap(),
            "-storepass",
            pass,
        ],
    )?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "keytool -list failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut listed: Vec<Listed> = text
        .split("Alias name: ")
        .skip(1)
        .map(|block| {
            let alias = block.lines().next().unwrap().trim().to_lowercase();
            let kind = if block.contains("Entry type: PrivateKeyEntry") {
                "key"
            } else if block.contains("Entry type: trustedCertEntry") {
                "trusted"
            } else {
                panic!("unknown entry type in:\n{block}")
            };
            let fps = block
                .lines()
                .filter_map(|l| l.trim().strip_prefix("SHA256: "))
                .map(str::to_owned)
                .collect();
            (alias, kind, fps)
        })
        .collect();
    listed.sort();
    Some(listed)
}

/// Runs a tool that must succeed; its stdout and stderr.
pub fn must(program: &str, args: &[&str]) -> Option<String> {
    let out = run_tool(program, args)?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
