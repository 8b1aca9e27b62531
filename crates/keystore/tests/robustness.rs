//! Damaged and hostile input never panics and never reads as a wrong pass phrase when it is
//! plainly not a keystore: PKCS#12, JKS and PEM readers alike.

mod common;

use cicsx_keystore::{Error, Keystore, StoreType};
use common::{pass, pem, vector};
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

#[test]
fn every_prefix_of_a_jks_file_is_an_error() {
    let data = vector("cicsx-keytool.jks");
    assert!(Keystore::from_jks(&data, &pass("changeit")).is_ok());
    for len in 0..data.len() {
        let err = Keystore::from_jks(&data[..len], &pass("changeit")).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Malformed {
                    store_type: StoreType::Jks,
                    ..
                }
            ),
            "cut at {len}: {err:?}"
        );
    }
}

#[test]
fn every_prefix_of_a_pem_file_is_an_entry_or_an_error() {
    let p = common::pki("prefix");
    let text = pem("CERTIFICATE", &p.leaf) + &pem("PRIVATE KEY", p.leaf_key.secret_pkcs8_der());
    for len in 0..text.len() {
        // Cut inside the key: the certificate alone is a trusted entry, or an error; never a
        // panic, never a key entry from half a key.
        let prefix = &text[..len];
        if let Ok(ks) = Keystore::from_pem(prefix.as_bytes()) {
            let complete = prefix.contains("-----END PRIVATE KEY-----");
            assert_eq!(
                ks.private_keys().count(),
                usize::from(complete),
                "cut at {len}"
            );
        }
    }
    assert_eq!(
        Keystore::from_pem(text.as_bytes())
            .unwrap()
            .private_keys()
            .count(),
        1
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_any_reader(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Keystore::from_jks(&data, &pass("changeit"));
        let _ = Keystore::from_pem(&data);
        let _ = Keystore::read(&data, None, &pass("changeit"));
        let _ = StoreType::detect(&data);
    }

    #[test]
    fn jks_like_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut data = vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2];
        data.extend_from_slice(&body);
        let _ = Keystore::from_jks(&data, &pass("changeit"));
    }

    #[test]
    fn flipped_bytes_in_jks_never_panic(
        edits in proptest::collection::vec((0usize..3364, any::<u8>()), 1..4),
    ) {
        let mut data = vector("cicsx-keytool.jks");
        for (index, value) in edits {
            let i = index % data.len();
            data[i] = value;
        }
        // Nearly always a digest failure; never a panic.
        let _ = Keystore::from_jks(&data, &pass("changeit"));
    }

    #[test]
    fn pem_like_text_never_panics(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("-----BEGIN CERTIFICATE-----".to_owned()),
                Just("-----END CERTIFICATE-----".to_owned()),
                Just("-----BEGIN PRIVATE KEY-----".to_owned()),
                Just("-----END PRIVATE KEY-----".to_owned()),
                Just("-----BEGIN EC PRIVATE KEY-----".to_owned()),
                Just("-----END EC PRIVATE KEY-----".to_owned()),
                Just("Proc-Type: 4,ENCRYPTED".to_owned()),
                "[A-Za-z0-9+/=]{0,80}",
                "[ -~]{0,40}",
            ],
            0..24,
        ),
    ) {
        let _ = Keystore::from_pem(lines.join("\n").as_bytes());
        let _ = Keystore::from_pem(lines.join("\r\n").as_bytes());
    }

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
