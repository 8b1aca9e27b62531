//! The PKCS#12 integrity check (MAC) on its own, without decrypting anything.
//!
//! Used to answer "does this pass phrase open the file?" cheaply
//! ([`crate::KeystoreFile::uses_default_passphrase`]) and to recognise files protected by an
//! absent (NULL) password ([`crate::nullpass`]). The key derivation is RFC 7292 appendix B.2
//! with ID 3 (MAC key); the HMAC and hashes come from aws-lc-rs.

use aws_lc_rs::{digest, hmac};
use zeroize::Zeroizing;

use crate::asn1::{self, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE};

/// The same iteration limit p12-keystore applies.
const MAX_ITERATIONS: u64 = 1_000_000;

/// A PFX split into the parts the MAC concerns.
pub(crate) struct Pfx<'a> {
    /// The complete encodings of `version` and `authSafe`.
    pub(crate) version_raw: &'a [u8],
    pub(crate) auth_safe_raw: &'a [u8],
    /// The octets the MAC covers (the content of authSafe's `[0] EXPLICIT OCTET STRING`).
    pub(crate) data: &'a [u8],
    /// The content of `macData`, if present.
    pub(crate) mac_data: Option<&'a [u8]>,
}

/// Splits a PFX; `None` if it is not one.
pub(crate) fn split_pfx(der: &[u8]) -> Option<Pfx<'_>> {
    let (pfx, _) = asn1::read_tlv(der)?;
    if pfx.tag != TAG_SEQUENCE {
        return None;
    }
    let mut parts: Vec<(asn1::Tlv<'_>, &[u8])> = Vec::new();
    let mut input = pfx.content;
    while !input.is_empty() {
        let (tlv, rest) = asn1::read_tlv(input)?;
        parts.push((tlv, &input[..input.len() - rest.len()]));
        input = rest;
    }
    let (version, version_raw) = parts.first()?;
    let (auth_safe, auth_safe_raw) = parts.get(1)?;
    if version.tag != TAG_INTEGER || parts.len() > 3 {
        return None;
    }
    let mac_data = match parts.get(2) {
        Some((t, _)) if t.tag == TAG_SEQUENCE => Some(t.content),
        Some(_) => return None,
        None => None,
    };
    Some(Pfx {
        version_raw,
        auth_safe_raw,
        data: auth_safe_data(auth_safe.content)?,
        mac_data,
    })
}

/// ContentInfo { contentType data, [0] EXPLICIT OCTET STRING } → the octets.
fn auth_safe_data(content_info: &[u8]) -> Option<&[u8]> {
    let parts = asn1::read_all(content_info)?;
    let explicit = parts.get(1).filter(|t| t.tag == 0xa0)?;
    let (octets, _) = asn1::read_tlv(explicit.content)?;
    (octets.tag == TAG_OCTET_STRING).then_some(octets.content)
}

/// True if `mac_data` (the content of a `MacData`) verifies `data` under `password`.
///
/// `None` is the absent (NULL) password; `Some("")` is the empty one (encoded as `00 00`).
/// Unknown digest algorithms and excessive iteration counts give `false`.
pub(crate) fn verifies(mac_data: &[u8], data: &[u8], password: Option<&str>) -> bool {
    // MacData { DigestInfo { AlgorithmIdentifier, digest }, macSalt, iterations DEFAULT 1 }
    let Some(parts) = asn1::read_all(mac_data) else {
        return false;
    };
    let (Some(digest_info), Some(salt)) = (parts.first(), parts.get(1)) else {
        return false;
    };
    if salt.tag != TAG_OCTET_STRING {
        return false;
    }
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
    let key = mac_key(dig, block, salt.content, iterations, password);
    let key = hmac::Key::new(mac, &key);
    hmac::verify(&key, data, expected.content).is_ok()
}

/// True if `der` is a PFX with a MAC that verifies under `password`. `false` for a PFX without
/// a MAC, and for anything else.
pub(crate) fn pfx_mac_verifies(der: &[u8], password: &str) -> bool {
    match split_pfx(der) {
        Some(Pfx {
            data,
            mac_data: Some(mac_data),
            ..
        }) => verifies(mac_data, data, Some(password)),
        _ => false,
    }
}

pub(crate) fn small_uint(content: &[u8]) -> Option<u64> {
    if content.is_empty() || content.len() > 8 || content[0] & 0x80 != 0 {
        return None;
    }
    Some(
        content
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    )
}

/// RFC 7292 B.2 with ID 3 (MAC key), output as long as the hash (so a single block:
/// `A = H^iterations(D || S || P)`).
fn mac_key(
    alg: &'static digest::Algorithm,
    v: usize,
    salt: &[u8],
    iterations: u64,
    password: Option<&str>,
) -> Zeroizing<Vec<u8>> {
    let d = vec![3u8; v];
    // S: the salt repeated to a multiple of v bytes.
    let s_len = salt.len().div_ceil(v) * v;
    let s: Vec<u8> = salt.iter().copied().cycle().take(s_len).collect();
    // P: the password as a BMPString with its two-byte terminator, repeated to a multiple of v
    // bytes; nothing at all for the NULL password.
    let bmp: Zeroizing<Vec<u8>> = Zeroizing::new(match password {
        Some(p) => p
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_be_bytes)
            .collect(),
        None => Vec::new(),
    });
    let p_len = bmp.len().div_ceil(v) * v;
    let p: Zeroizing<Vec<u8>> = Zeroizing::new(bmp.iter().copied().cycle().take(p_len).collect());
    let mut ctx = digest::Context::new(alg);
    ctx.update(&d);
    ctx.update(&s);
    ctx.update(&p);
    let mut a = Zeroizing::new(ctx.finish().as_ref().to_vec());
    for _ in 1..iterations {
        a = Zeroizing::new(digest::digest(alg, &a).as_ref().to_vec());
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_uints() {
        assert_eq!(small_uint(&[0x08, 0x00]), Some(2048));
        assert_eq!(small_uint(&[0x80]), None);
        assert_eq!(small_uint(&[]), None);
    }

    #[test]
    fn not_a_pfx() {
        assert!(split_pfx(b"").is_none());
        assert!(split_pfx(&[0x30, 0x00]).is_none());
        assert!(split_pfx(&[0x30, 0x03, 0x02, 0x01, 0x03]).is_none());
        assert!(!pfx_mac_verifies(b"junk", "changeit"));
    }

    #[test]
    fn verifies_what_we_write() {
        let ks = crate::Keystore::new();
        let der = ks
            .to_pkcs12(&secrecy::SecretString::from("changeit"))
            .unwrap();
        assert!(pfx_mac_verifies(&der, "changeit"));
        assert!(!pfx_mac_verifies(&der, "Changeit"));
        assert!(!pfx_mac_verifies(&der, ""));
        let der = ks.to_pkcs12(&secrecy::SecretString::from("")).unwrap();
        assert!(pfx_mac_verifies(&der, ""));
        let der = ks
            .to_pkcs12(&secrecy::SecretString::from("pässwörd ☺"))
            .unwrap();
        assert!(pfx_mac_verifies(&der, "pässwörd ☺"));
        assert!(!pfx_mac_verifies(&der, "passwort"));
    }
}
