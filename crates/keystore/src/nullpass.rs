//! Files protected by an *absent* pass phrase.
//!
//! PKCS#12 turns a pass phrase into bytes as UTF-16 with two terminating zero bytes, so the
//! empty pass phrase is `00 00`. Some tools (Python's `cryptography` with `NoEncryption()`, older
//! OpenSSL) compute the MAC over *no* bytes at all instead (a "NULL" password). p12-keystore only
//! knows the first form. When the empty pass phrase fails, this module checks the MAC with the
//! NULL password itself (RFC 7292, appendix B.2 key derivation, HMAC from aws-lc-rs) and, if it
//! matches, hands p12-keystore the file without its MAC, which it then reads unchecked. That
//! works for files whose contents are not encrypted, which is what such tools write.

use crate::asn1::{self, TAG_SEQUENCE};
use crate::mac;

/// If `der` is a PFX whose MAC verifies under the NULL password, the same PFX without the MAC.
pub(crate) fn strip_mac_if_null_password(der: &[u8]) -> Option<Vec<u8>> {
    let pfx = mac::split_pfx(der)?;
    if !mac::verifies(pfx.mac_data?, pfx.data, None) {
        return None;
    }
    let body = [pfx.version_raw, pfx.auth_safe_raw].concat();
    Some(asn1::encode(TAG_SEQUENCE, &body).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_non_pfx() {
        assert!(strip_mac_if_null_password(b"").is_none());
        assert!(strip_mac_if_null_password(&[0x30, 0x00]).is_none());
        assert!(strip_mac_if_null_password(&[0x30, 0x03, 0x02, 0x01, 0x03]).is_none());
    }
}
