//! Private key formats: everything is kept as PKCS#8, and a key is checked against its
//! certificate before it is stored.

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, ECDSA_P521_SHA512_ASN1_SIGNING,
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair,
};
use rustls_pki_types::PrivateKeyDer;
use zeroize::Zeroizing;

use crate::asn1::{self, TAG_INTEGER, TAG_NULL, TAG_OCTET_STRING, TAG_SEQUENCE};

/// rsaEncryption, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-ecPublicKey, 1.2.840.10045.2.1.
const EC_PUBLIC_KEY: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// Turns any key rustls can hold into PKCS#8 DER; `Err` carries a reason without key material.
pub(crate) fn to_pkcs8(key: &PrivateKeyDer<'_>) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    let der = match key {
        PrivateKeyDer::Pkcs8(k) => Zeroizing::new(k.secret_pkcs8_der().to_vec()),
        PrivateKeyDer::Pkcs1(k) => wrap_pkcs1(k.secret_pkcs1_der())?,
        PrivateKeyDer::Sec1(k) => wrap_sec1(k.secret_sec1_der())?,
        _ => return Err("unsupported private key format"),
    };
    // The same structural check the PKCS#12 writer applies, so a bad key fails here and not
    // half-way through a save.
    p12_keystore::PrivateKey::from_der(&der).map_err(|_| "not a valid PKCS#8 private key")?;
    Ok(der)
}

/// PKCS#8 `PrivateKeyInfo` around an RSA `RSAPrivateKey` (PKCS#1).
fn wrap_pkcs1(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    match asn1::read_tlv(pkcs1) {
        Some((tlv, rest)) if tlv.tag == TAG_SEQUENCE && rest.is_empty() => {}
        _ => return Err("not a valid PKCS#1 RSA private key"),
    }
    let alg_content: Vec<u8> = [
        asn1::encode_oid(&RSA_ENCRYPTION).as_slice(),
        asn1::encode(TAG_NULL, &[]).as_slice(),
    ]
    .concat();
    Ok(private_key_info(&alg_content, pkcs1))
}

/// PKCS#8 `PrivateKeyInfo` around a SEC1 `ECPrivateKey`, taking the curve from its parameters.
fn wrap_sec1(sec1: &[u8]) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    const BAD: &str = "not a valid SEC1 EC private key";
    let (outer, rest) = asn1::read_tlv(sec1).ok_or(BAD)?;
    if outer.tag != TAG_SEQUENCE || !rest.is_empty() {
        return Err(BAD);
    }
    let parts = asn1::read_all(outer.content).ok_or(BAD)?;
    // version INTEGER 1, privateKey OCTET STRING, [0] parameters, [1] publicKey
    let curve = parts
        .iter()
        .find(|t| t.tag == 0xa0)
        .and_then(|t| asn1::read_tlv(t.content))
        .filter(|(oid, _)| oid.tag == asn1::TAG_OID)
        .map(|(oid, _)| oid.content)
        .ok_or("SEC1 EC private key without curve parameters")?;
    if parts.first().map(|t| t.tag) != Some(TAG_INTEGER) {
        return Err(BAD);
    }
    let alg_content: Vec<u8> = [
        asn1::encode_oid(&EC_PUBLIC_KEY).as_slice(),
        asn1::encode_oid(curve).as_slice(),
    ]
    .concat();
    Ok(private_key_info(&alg_content, sec1))
}

fn private_key_info(alg_content: &[u8], inner_key: &[u8]) -> Zeroizing<Vec<u8>> {
    let version = asn1::encode(TAG_INTEGER, &[0]);
    let alg = asn1::encode(TAG_SEQUENCE, alg_content);
    let key = asn1::encode(TAG_OCTET_STRING, inner_key);
    let mut body = Zeroizing::new(Vec::with_capacity(version.len() + alg.len() + key.len()));
    body.extend_from_slice(&version);
    body.extend_from_slice(&alg);
    body.extend_from_slice(&key);
    asn1::encode(TAG_SEQUENCE, &body)
}

/// The public key of a PKCS#8 private key, in the form a certificate's
/// `subjectPublicKey` BIT STRING holds it. `None` if the key type is not recognised.
pub(crate) fn public_key_of(pkcs8: &[u8]) -> Option<Vec<u8>> {
    for alg in [
        &ECDSA_P256_SHA256_ASN1_SIGNING,
        &ECDSA_P384_SHA384_ASN1_SIGNING,
        &ECDSA_P521_SHA512_ASN1_SIGNING,
    ] {
        if let Ok(kp) = EcdsaKeyPair::from_pkcs8(alg, pkcs8) {
            return Some(kp.public_key().as_ref().to_vec());
        }
    }
    if let Ok(kp) = RsaKeyPair::from_pkcs8(pkcs8) {
        return Some(kp.public_key().as_ref().to_vec());
    }
    if let Ok(kp) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8) {
        return Some(kp.public_key().as_ref().to_vec());
    }
    public_key_from_structure(pkcs8)
}

/// The public key read from the private key's own structure, for keys aws-lc-rs does not load
/// (RSA outside 2048 to 8192 bits, EC keys on other curves): RSA's modulus and exponent, or the
/// public point a SEC1 key carries.
fn public_key_from_structure(pkcs8: &[u8]) -> Option<Vec<u8>> {
    let (info, _) = asn1::read_tlv(pkcs8)?;
    if info.tag != TAG_SEQUENCE {
        return None;
    }
    let parts = asn1::read_all(info.content)?;
    let alg = parts.get(1).filter(|t| t.tag == TAG_SEQUENCE)?;
    let (oid, _) = asn1::read_tlv(alg.content)?;
    let inner = parts.get(2).filter(|t| t.tag == TAG_OCTET_STRING)?;
    let (key, _) = asn1::read_tlv(inner.content)?;
    if key.tag != TAG_SEQUENCE {
        return None;
    }
    if oid.content == RSA_ENCRYPTION {
        // RSAPrivateKey { version, modulus, publicExponent, ... } → RSAPublicKey { n, e }.
        let fields = asn1::read_all(key.content)?;
        let (n, e) = (fields.get(1)?, fields.get(2)?);
        if n.tag != TAG_INTEGER || e.tag != TAG_INTEGER {
            return None;
        }
        let body = [
            asn1::encode(TAG_INTEGER, n.content).as_slice(),
            asn1::encode(TAG_INTEGER, e.content).as_slice(),
        ]
        .concat();
        return Some(asn1::encode(TAG_SEQUENCE, &body).to_vec());
    }
    if oid.content == EC_PUBLIC_KEY {
        // ECPrivateKey { version, privateKey, [0] parameters, [1] publicKey BIT STRING }.
        let fields = asn1::read_all(key.content)?;
        let tagged = fields.iter().find(|t| t.tag == 0xa1)?;
        let (bits, _) = asn1::read_tlv(tagged.content)?;
        return match bits.content.split_first() {
            Some((0, point)) if bits.tag == 0x03 && !point.is_empty() => Some(point.to_vec()),
            _ => None,
        };
    }
    None
}

/// The `subjectPublicKey` bits of a certificate. `None` if it does not parse.
pub(crate) fn certificate_public_key(cert_der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    Some(cert.public_key().subject_public_key.data.to_vec())
}

/// Does the key belong to the certificate? `None` when that cannot be decided (a key type
/// aws-lc-rs does not parse, e.g. DSA or RSA keys under 2048 bits).
pub(crate) fn key_matches_certificate(pkcs8: &[u8], cert_der: &[u8]) -> Option<bool> {
    let key_public = public_key_of(pkcs8)?;
    let cert_public = certificate_public_key(cert_der)?;
    Some(key_public == cert_public)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::{PrivatePkcs1KeyDer, PrivateSec1KeyDer};

    #[test]
    fn rejects_garbage() {
        let junk = PrivateKeyDer::Pkcs8(vec![1, 2, 3].into());
        assert!(to_pkcs8(&junk).is_err());
        let junk = PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(vec![0x30, 0x01]));
        assert!(to_pkcs8(&junk).is_err());
        let junk = PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]));
        assert_eq!(
            to_pkcs8(&junk).unwrap_err(),
            "SEC1 EC private key without curve parameters"
        );
        assert!(public_key_of(&[0x30, 0x00]).is_none());
        assert!(public_key_from_structure(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_none());
    }

    #[test]
    fn public_key_from_structure_matches_aws_lc() {
        let ec = rcgen::KeyPair::generate().unwrap();
        let der = ec.serialize_der();
        assert_eq!(
            public_key_from_structure(&der),
            public_key_of(&der),
            "EC point"
        );
        let rsa =
            rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                .unwrap();
        let der = rsa.serialize_der();
        let expected = public_key_of(&der).unwrap();
        assert_eq!(public_key_from_structure(&der), Some(expected));
    }
}
