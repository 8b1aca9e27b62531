//! Property: any set of entries written as PKCS#12 reads back as the same entries (aliases,
//! kinds, chains, keys), whatever the aliases (non-ASCII included), counts and order.

mod common;

use std::sync::LazyLock;

use cicsx_keystore::{Entry, Keystore};
use common::pass;
use proptest::prelude::*;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Key material made once: (PKCS#8 key, chain leaf first).
struct Material {
    keys: Vec<(Vec<u8>, Vec<CertificateDer<'static>>)>,
    certs: Vec<CertificateDer<'static>>,
}

static MATERIAL: LazyLock<Material> = LazyLock::new(|| {
    let a = common::pki("prop a");
    let b = common::pki("prop b");
    let rsa = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .unwrap();
    let rsa_cert = rcgen::CertificateParams::new(vec!["rsa.example.com".to_owned()])
        .unwrap()
        .self_signed(&rsa)
        .unwrap();
    Material {
        keys: vec![
            (
                a.leaf_key.secret_pkcs8_der().to_vec(),
                vec![a.leaf.clone(), a.ca.clone()],
            ),
            (b.leaf_key.secret_pkcs8_der().to_vec(), vec![b.leaf.clone()]),
            (rsa.serialize_der(), vec![rsa_cert.der().clone()]),
        ],
        certs: vec![a.ca, b.ca, a.leaf, b.leaf],
    }
});

/// What an entry is, for comparison: (alias, kind, chain, key).
type Seen = (String, &'static str, Vec<Vec<u8>>, Vec<u8>);

fn seen(ks: &Keystore) -> Vec<Seen> {
    let mut out: Vec<Seen> = ks
        .entries()
        .iter()
        .map(|e| match e {
            Entry::PrivateKey(k) => (
                k.alias.clone(),
                "key",
                k.chain.iter().map(|c| c.to_vec()).collect(),
                match k.key() {
                    PrivateKeyDer::Pkcs8(d) => d.secret_pkcs8_der().to_vec(),
                    _ => unreachable!(),
                },
            ),
            Entry::Trusted(t) => (
                t.alias.clone(),
                "trusted",
                vec![t.certificate.to_vec()],
                Vec::new(),
            ),
            _ => unreachable!(),
        })
        .collect();
    out.sort();
    out
}

fn alias() -> impl Strategy<Value = String> {
    // Letters, digits and punctuation seen in host aliases, plus non-ASCII (Latin, Greek,
    // CJK, symbols) that a BMPString friendly name holds.
    "[a-zA-Z0-9._:@\\[\\] éÉßΩω中☺-]{1,24}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn pkcs12_round_trip_keeps_entries(
        picks in proptest::collection::vec((alias(), any::<bool>(), 0usize..4), 0..6),
        passphrase in "[ -~é☺]{0,16}",
    ) {
        let m = &*MATERIAL;
        let mut ks = Keystore::new();
        for (alias, is_key, which) in picks {
            if ks.contains(&alias) {
                continue; // aliases are unique without regard to case
            }
            if is_key {
                let (key, chain) = &m.keys[which % m.keys.len()];
                ks.add_private_key(
                    &alias,
                    PrivateKeyDer::Pkcs8(key.clone().into()),
                    chain.clone(),
                )
                .unwrap();
            } else {
                ks.add_trusted(&alias, m.certs[which].clone()).unwrap();
            }
        }
        let der = ks.to_pkcs12(&pass(&passphrase)).unwrap();
        let back = Keystore::from_pkcs12(&der, &pass(&passphrase)).unwrap();
        prop_assert_eq!(seen(&back), seen(&ks));
        // Keys come first, each kind in the order it was added.
        let kinds: Vec<bool> = back.entries().iter().map(|e| matches!(e, Entry::PrivateKey(_))).collect();
        let mut sorted = kinds.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        prop_assert_eq!(kinds, sorted);
    }
}
