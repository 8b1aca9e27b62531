//! Damaged and hostile input never panics and never reads as a wrong pass phrase when it is
//! plainly not a keystore.

mod common;

use cicsx_keystore::{Error, Keystore};
use common::{pass, vector};
use proptest::prelude::*;

#[test]
fn every_prefix_of_a_small_file_is_an_error() {
    for (file, passphrase) in [
        ("no-cert-key-aes256cbc.p12", "cryptography"),
        ("cert-aes256cbc-no-key.p12", "cryptography"),
        ("cicsx-openssl-nokeys.p12", "changeit"),
        ("cicsx-plain-nomac.p12", "changeit"),
    ] {
        let data = vector(file);
        assert!(Keystore::from_pkcs12(&data, &pass(passphrase)).is_ok());
        for len in 0..data.len() {
            match Keystore::from_pkcs12(&data[..len], &pass(passphrase)) {
                Err(Error::Unreadable { .. }) => {}
                // A cut inside the MAC leaves a structurally complete file with a bad MAC.
                Err(Error::WrongPassphrase { .. }) if !file.contains("nomac") => {}
                other => panic!("{file} cut at {len}: {other:?}"),
            }
        }
    }
}

#[test]
fn trailing_garbage_is_not_accepted_silently() {
    let mut data = vector("cicsx-openssl-nokeys.p12");
    data.extend_from_slice(b"trailing");
    // Either rejected, or read with the same single entry: never a panic, never invented entries.
    if let Ok(ks) = Keystore::from_pkcs12(&data, &pass("changeit")) {
        assert_eq!(ks.len(), 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Keystore::from_pkcs12(&data, &pass("changeit"));
    }

    #[test]
    fn random_der_like_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut data = vec![0x30, 0x82, (body.len() >> 8) as u8, body.len() as u8];
        data.extend_from_slice(&body);
        let _ = Keystore::from_pkcs12(&data, &pass(""));
    }

    #[test]
    fn flipped_bytes_never_panic(index in 0usize..353, value in any::<u8>()) {
        let mut data = vector("no-cert-key-aes256cbc.p12");
        let i = index % data.len();
        data[i] = value;
        // Unchecked bytes (e.g. the MAC's salt) can change without notice; everything else gives
        // an error, and none of it panics.
        let _ = Keystore::from_pkcs12(&data, &pass("cryptography"));
        let _ = Keystore::from_pkcs12(&data, &pass(""));
    }

    #[test]
    fn flipped_bytes_in_unprotected_file_never_panic(
        edits in proptest::collection::vec((0usize..818, any::<u8>()), 1..4),
    ) {
        // No encryption and no MAC: every byte reaches the parsers.
        let mut data = vector("cicsx-plain-nomac.p12");
        for (index, value) in edits {
            let i = index % data.len();
            data[i] = value;
        }
        let _ = Keystore::from_pkcs12(&data, &pass("changeit"));
    }
}
