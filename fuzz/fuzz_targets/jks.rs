//! JKS reader. The integrity digest is checked after the structure is parsed, so random input
//! reaches the parser; the key recovery needs the right digest and is reached from the seeds.
#![no_main]

use cicsx_keystore::{Keystore, SecretString};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Keystore::from_jks(data, &SecretString::from("changeit"));
    let _ = Keystore::read(data, None, &SecretString::from("changeit"));
});
