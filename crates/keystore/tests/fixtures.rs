//! The workspace's test PKI (`fixtures/`, written by `cargo xtask fixtures`) reads as
//! fixtures/README.md describes it.

mod common;

use std::path::PathBuf;

use cicsx_keystore::{Entry, KeystoreFile};
use common::pass;

fn fixture(rel: &str) -> KeystoreFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel);
    assert!(
        path.exists(),
        "fixture {} is missing; run `cargo xtask fixtures`",
        path.display()
    );
    KeystoreFile::new(path)
}

#[test]
fn truststore_has_root_and_intermediate() {
    let ks = fixture("ca/truststore.p12")
        .load(&pass("changeit"))
        .unwrap();
    let mut aliases: Vec<&str> = ks.trusted().map(|t| t.alias.as_str()).collect();
    aliases.sort_unstable();
    assert_eq!(aliases, ["cicsx-test-intermediate", "cicsx-test-root"]);
    assert_eq!(ks.private_keys().count(), 0);
}

#[test]
fn client_keystores_have_one_key_with_its_chain() {
    for (file, alias) in [
        ("client/ecdsa.p12", "cicsuser-ecdsa"),
        ("client/rsa.p12", "cicsuser-rsa"),
    ] {
        let ks = fixture(file).load(&pass("changeit")).unwrap();
        assert_eq!(ks.len(), 1, "{file}");
        match ks.get(alias) {
            // leaf, intermediate, root
            Some(Entry::PrivateKey(k)) => assert_eq!(k.chain.len(), 3, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
        let err = fixture(file).load(&pass("wrong")).unwrap_err();
        assert_eq!(err.id(), "CICSX0101E");
    }
}
