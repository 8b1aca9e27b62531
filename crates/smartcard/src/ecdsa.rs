//! ECDSA signature format conversion.
//!
//! A PKCS#11 token signing with `CKM_ECDSA` returns the raw signature `r || s`: two big-endian
//! integers of the curve's size, concatenated. TLS wants the DER encoding
//! `SEQUENCE { INTEGER r, INTEGER s }` (RFC 3279, RFC 8446 section 4.2.3).

use crate::Error;

/// The longest raw signature accepted: two P-521 integers (66 bytes each).
const MAX_RAW_LEN: usize = 2 * 66;

/// Turns a raw ECDSA signature `r || s` (as `CKM_ECDSA` returns it) into the DER encoding TLS
/// uses: `SEQUENCE { INTEGER r, INTEGER s }`.
///
/// Each integer loses its leading zero bytes and gains one `0x00` byte when its top bit is set
/// (DER integers are signed). Fails with [`Error::MalformedSignature`] when `raw` is empty, of
/// odd length, longer than a P-521 signature, or when `r` or `s` is zero.
///
/// ```
/// let raw = [[0x01; 32], [0x80; 32]].concat();
/// let der = cicsx_smartcard::der_from_raw_ecdsa(&raw)?;
/// assert_eq!(&der[..4], &[0x30, 0x45, 0x02, 0x20]);
/// # Ok::<(), cicsx_smartcard::Error>(())
/// ```
pub fn der_from_raw_ecdsa(raw: &[u8]) -> Result<Vec<u8>, Error> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > MAX_RAW_LEN {
        return Err(Error::MalformedSignature {
            reason: format!(
                "a raw ECDSA signature of {} bytes (expected an even length up to {MAX_RAW_LEN})",
                raw.len()
            ),
        });
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let r = der_integer(r, "r")?;
    let s = der_integer(s, "s")?;
    let mut out = Vec::with_capacity(r.len() + s.len() + 3);
    out.push(0x30);
    push_length(&mut out, r.len() + s.len());
    out.extend_from_slice(&r);
    out.extend_from_slice(&s);
    Ok(out)
}

/// One unsigned big-endian integer as a DER INTEGER (tag, length, minimal content).
fn der_integer(bytes: &[u8], name: &str) -> Result<Vec<u8>, Error> {
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .ok_or_else(|| Error::MalformedSignature {
            reason: format!("the ECDSA value {name} is zero"),
        })?;
    let digits = &bytes[first..];
    let pad = digits[0] & 0x80 != 0;
    let len = digits.len() + usize::from(pad);
    let mut out = Vec::with_capacity(len + 3);
    out.push(0x02);
    push_length(&mut out, len);
    if pad {
        out.push(0x00);
    }
    out.extend_from_slice(digits);
    Ok(out)
}

/// A DER length: short form below 128, else long form (at most two length bytes needed here).
fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_minimal() {
        let mut raw = vec![0u8; 64];
        raw[31] = 0x05;
        raw[63] = 0x07;
        assert_eq!(
            der_from_raw_ecdsa(&raw).unwrap(),
            [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]
        );
    }

    #[test]
    fn leading_zeros_are_stripped() {
        let mut raw = vec![0u8; 64];
        raw[2..32].fill(0x11);
        raw[32..].fill(0x22);
        let der = der_from_raw_ecdsa(&raw).unwrap();
        // r lost its two leading zero bytes, s keeps all 32.
        assert_eq!(&der[..4], &[0x30, 2 + 30 + 2 + 32, 0x02, 30]);
        assert_eq!(&der[4..34], &[0x11; 30]);
        assert_eq!(&der[34..36], &[0x02, 32]);
        assert_eq!(&der[36..], &[0x22; 32]);
    }

    #[test]
    fn high_bit_gets_a_zero_byte() {
        let raw = [[0xff; 32], [0x80; 32]].concat();
        let der = der_from_raw_ecdsa(&raw).unwrap();
        assert_eq!(der.len(), 2 + 2 * 35);
        assert_eq!(&der[..5], &[0x30, 70, 0x02, 33, 0x00]);
        assert_eq!(&der[5..37], &[0xff; 32]);
        assert_eq!(&der[37..40], &[0x02, 33, 0x00]);
        assert_eq!(&der[40..], &[0x80; 32]);
    }

    #[test]
    fn zero_stripping_can_expose_a_high_bit() {
        let mut raw = vec![0u8; 64];
        raw[1] = 0x80; // r = 0x80 00 .. 00 (31 bytes)
        raw[63] = 0x01;
        let der = der_from_raw_ecdsa(&raw).unwrap();
        assert_eq!(&der[2..6], &[0x02, 32, 0x00, 0x80]);
    }

    #[test]
    fn p521_needs_the_long_length_form() {
        let raw = [[0x80; 66], [0x80; 66]].concat();
        let der = der_from_raw_ecdsa(&raw).unwrap();
        // Content: 2 * (2 + 67) = 138 bytes, written 0x81 0x8a.
        assert_eq!(&der[..3], &[0x30, 0x81, 138]);
        assert_eq!(der.len(), 3 + 138);
    }

    #[test]
    fn agrees_with_aws_lc_rs() {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{
            ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
            UnparsedPublicKey,
        };
        let rng = SystemRandom::new();
        for _ in 0..64 {
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
            let raw = pair.sign(&rng, b"message").unwrap();
            let der = der_from_raw_ecdsa(raw.as_ref()).unwrap();
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, pair.public_key().as_ref())
                .verify(b"message", &der)
                .expect("converted signature verifies");
        }
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for raw in [&[][..], &[1, 2, 3], &[0; 64], &[1; 134]] {
            let err = der_from_raw_ecdsa(raw).unwrap_err();
            assert_eq!(err.id(), "CICSX0315E", "{raw:?}");
        }
        let half_zero = [[0u8; 32], [1; 32]].concat();
        assert!(
            der_from_raw_ecdsa(&half_zero)
                .unwrap_err()
                .to_string()
                .contains(" r ")
        );
    }
}
