//! Files protected by an *absent* pass phrase.
//!
//! PKCS#12 turns a pass phrase into bytes as UTF-16 with two terminating zero bytes, so the
//! empty pass phrase is `00 00`. Some tools (Python's `cryptography` with `NoEncryption()`, older
//! OpenSSL) compute the MAC over *no* bytes at all instead (a "NULL" password). p12-keystore only
//! knows the first form. When the empty pass phrase fails, this module checks the MAC with the
//! NULL password itself (RFC 7292, appendix B.2 key derivation, HMAC from aws-lc-rs) and, if it
//! matches, hands p12-keystore the file without its MAC, which it then reads unchecked. That
//! works for files whose contents are not encrypted, which is what such tools write.

use aws_lc_rs::{digest, hmac};

use crate::asn1::{self, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE};

/// The same limit p12-keystore applies.
const MAX_ITERATIONS: u64 = 1_000_000;

/// If `der` is a PFX whose MAC verifies under the NULL password, the same PFX without the MAC.
pub(crate) fn strip_mac_if_null_password(der: &[u8]) -> Option<Vec<u8>> {
    let (pfx, _) = asn1::read_tlv(der)?;
    if pfx.tag != TAG_SEQUENCE {
        return None;
    }
    // version, authSafe, macData, each kept as its complete encoding.
    let mut parts: Vec<(asn1::Tlv<'_>, &[u8])> = Vec::new();
    let mut input = pfx.content;
    while !input.is_empty() {
        let (tlv, rest) = asn1::read_tlv(input)?;
        parts.push((tlv, &input[..input.len() - rest.len()]));
        input = rest;
    }
    let [(version, version_raw), (auth_safe, auth_raw), (mac_data, _)] = parts.as_slice() else {
        return None;
    };
    if version.tag != TAG_INTEGER {
        return None;
    }
    let data = auth_safe_data(auth_safe.content)?;
    if !mac_verifies(mac_data.content, data) {
        return None;
    }
    let body = [*version_raw, *auth_raw].concat();
    Some(asn1::encode(TAG_SEQUENCE, &body).to_vec())
}

/// ContentInfo { contentType data, [0] EXPLICIT OCTET STRING } → the octets.
fn auth_safe_data(content_info: &[u8]) -> Option<&[u8]> {
    let parts = asn1::read_all(content_info)?;
    let explicit = parts.get(1).filter(|t| t.tag == 0xa0)?;
    let (octets, _) = asn1::read_tlv(explicit.content)?;
    (octets.tag == TAG_OCTET_STRING).then_some(octets.content)
}

/// MacData { DigestInfo { AlgorithmIdentifier, digest }, macSalt, iterations DEFAULT 1 }.
fn mac_verifies(mac_data: &[u8], data: &[u8]) -> bool {
    let Some(parts) = asn1::read_all(mac_data) else {
        return false;
    };
    let (Some(digest_info), Some(salt)) = (parts.first(), parts.get(1)) else {
        return false;
    };
    let iterations = match parts.get(2) {
        Some(t) if t.tag == TAG_INTEGER => match small_uint(t.content) {
            Some(n) if (1..=MAX_ITERATIONS).contains(&n) => n,
            _ => return false,
        },
        Some(_) => return false,
        None => 1,
    };
    let Some(di) = asn1::read_all(digest_info.content) else {
        return false;
    };
    let (Some(alg), Some(expected)) = (di.first(), di.get(1)) else {
        return false;
    };
    let Some(oid) = asn1::read_tlv(alg.content).and_then(|(o, _)| asn1::oid_to_string(o.content))
    else {
        return false;
    };
    let (dig, mac, block) = match oid.as_str() {
        "1.3.14.3.2.26" => (
            &digest::SHA1_FOR_LEGACY_USE_ONLY,
            hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            64,
        ),
        "2.16.840.1.101.3.4.2.1" => (&digest::SHA256, hmac::HMAC_SHA256, 64),
        "2.16.840.1.101.3.4.2.2" => (&digest::SHA384, hmac::HMAC_SHA384, 128),
        "2.16.840.1.101.3.4.2.3" => (&digest::SHA512, hmac::HMAC_SHA512, 128),
        _ => return false,
    };
    let key = pkcs12_kdf_mac_key(dig, block, salt.content, iterations);
    let key = hmac::Key::new(mac, &key);
    hmac::verify(&key, data, expected.content).is_ok()
}

fn small_uint(content: &[u8]) -> Option<u64> {
    if content.is_empty() || content.len() > 8 || content[0] & 0x80 != 0 {
        return None;
    }
    Some(
        content
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    )
}

/// RFC 7292 B.2 with ID 3 (MAC key), an empty password, and output as long as the hash (so a
/// single block: `A = H^iterations(D || S)`).
fn pkcs12_kdf_mac_key(
    alg: &'static digest::Algorithm,
    v: usize,
    salt: &[u8],
    iterations: u64,
) -> Vec<u8> {
    let d = vec![3u8; v];
    // S: the salt repeated to a multiple of v bytes; P is empty for the NULL password.
    let s_len = salt.len().div_ceil(v) * v;
    let s: Vec<u8> = salt.iter().copied().cycle().take(s_len).collect();
    let mut ctx = digest::Context::new(alg);
    ctx.update(&d);
    ctx.update(&s);
    let mut a = ctx.finish().as_ref().to_vec();
    for _ in 1..iterations {
        a = digest::digest(alg, &a).as_ref().to_vec();
    }
    a
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

    #[test]
    fn small_uints() {
        assert_eq!(small_uint(&[0x08, 0x00]), Some(2048));
        assert_eq!(small_uint(&[0x80]), None);
        assert_eq!(small_uint(&[]), None);
    }
}
