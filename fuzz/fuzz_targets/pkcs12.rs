//! PKCS#12 reader: any bytes, with the pass phrases the test vectors use and the empty one
//! (which also exercises the absent-password path).
#![no_main]

use cicsx_keystore::{Keystore, SecretString};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for pass in ["changeit", "", "cryptography"] {
        let _ = Keystore::from_pkcs12(data, &SecretString::from(pass));
    }
    let _ = Keystore::read(data, None, &SecretString::from("changeit"));
});
