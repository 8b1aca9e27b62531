//! PEM reader (also single DER certificates), and PEM export of whatever it read.
#![no_main]

use cicsx_keystore::Keystore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ks) = Keystore::from_pem(data) {
        for e in ks.entries() {
            let text = ks.to_pem(e.alias(), true).expect("alias just listed");
            let again = Keystore::from_pem(text.as_bytes()).expect("PEM written here reads back");
            assert!(!again.is_empty());
        }
    }
});
