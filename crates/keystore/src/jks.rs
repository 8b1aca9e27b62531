//! Reading Java KeyStore (JKS) files, as keytool writes them, for migration to PKCS#12.
//!
//! The format (Sun's `JavaKeyStore`): magic `FEEDFEED`, version 1 or 2, an entry count, then
//! per entry a tag (1 private key, 2 trusted certificate), the alias in Java's modified UTF-8,
//! a time stamp, the protected key with its chain or the certificate (version 2 names each
//! certificate's type), and last a SHA-1 digest over the pass phrase (UTF-16BE), the words
//! "Mighty Aphrodite" and everything before it.
//!
//! Private keys are protected with Sun's own scheme (OID 1.3.6.1.4.1.42.2.17.1.1): a 20-byte
//! salt, the key XORed with a SHA-1 stream (`d1 = SHA1(pw || salt)`, `dn = SHA1(pw || dn-1)`),
//! and `SHA1(pw || key)` as a check.
//!
//! The structure is parsed completely before the pass phrase is tried, so that damage is
//! reported as damage and a wrong pass phrase as a wrong pass phrase. Every length is checked
//! against the data before anything is allocated for it.

use aws_lc_rs::digest::{self, SHA1_FOR_LEGACY_USE_ONLY};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use zeroize::Zeroizing;

use crate::asn1::{self, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE};
use crate::error::printable;
use crate::{Entry, Error, PrivateKeyEntry, StoreType, TrustedEntry, keys, pkcs12, store};

/// The first four bytes of a JKS file.
pub(crate) const MAGIC: u32 = 0xfeed_feed;
/// The first four bytes of a JCEKS file (not supported).
const JCEKS_MAGIC: u32 = 0xcece_cece;
const DIGEST_LEN: usize = 20;
const SALT_LEN: usize = 20;
/// Mixed into the integrity digest, as Sun's implementation does.
const WHITENER: &[u8] = b"Mighty Aphrodite";
/// Sun's JKS key protection, 1.3.6.1.4.1.42.2.17.1.1.
const KEY_PROTECTOR_OID: [u8; 10] = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01];
const TAG_PRIVATE_KEY: u32 = 1;
const TAG_TRUSTED_CERT: u32 = 2;
/// Smallest possible encoding of one entry: tag, empty alias, time stamp, a length.
const MIN_ENTRY_LEN: usize = 4 + 2 + 8 + 4;

/// An entry as found in the file, before the pass phrase is applied.
enum RawEntry<'a> {
    Key {
        alias: String,
        protected: &'a [u8],
        chain: Vec<&'a [u8]>,
    },
    Trusted {
        alias: String,
        cert: &'a [u8],
    },
}

/// Decodes a JKS keystore into entries, in file order.
pub(crate) fn read(data: &[u8], passphrase: &str) -> Result<Vec<Entry>, Error> {
    let (raw, body_len) = parse(data)?;
    let password = password_bytes(passphrase);

    let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(&password);
    ctx.update(WHITENER);
    ctx.update(&data[..body_len]);
    let digest = ctx.finish();
    if !constant_time_eq(digest.as_ref(), &data[body_len..]) {
        return Err(Error::WrongPassphrase {
            path: None,
            unchecked: false,
        });
    }

    let mut named = Vec::with_capacity(raw.len());
    for entry in raw {
        match entry {
            RawEntry::Key {
                alias,
                protected,
                chain,
            } => {
                let key = recover_key(&alias, protected, &password)?;
                let mut certs = Vec::with_capacity(chain.len());
                for cert in chain {
                    store::check_certificate(&alias, cert)?;
                    certs.push(CertificateDer::from(cert.to_vec()));
                }
                named.push((
                    Some(alias).filter(|a| !a.is_empty()),
                    Entry::PrivateKey(PrivateKeyEntry::new(String::new(), key, certs)),
                ));
            }
            RawEntry::Trusted { alias, cert } => {
                store::check_certificate(&alias, cert)?;
                named.push((
                    Some(alias).filter(|a| !a.is_empty()),
                    Entry::Trusted(TrustedEntry {
                        alias: String::new(),
                        certificate: CertificateDer::from(cert.to_vec()),
                    }),
                ));
            }
        }
    }
    Ok(pkcs12::assign_aliases(named))
}

/// True if `data` is a JKS file whose integrity digest matches `passphrase`. Cheap: one SHA-1
/// over the file, no key is decrypted.
pub(crate) fn digest_matches(data: &[u8], passphrase: &str) -> bool {
    let Ok((_, body_len)) = parse(data) else {
        return false;
    };
    let password = password_bytes(passphrase);
    let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(&password);
    ctx.update(WHITENER);
    ctx.update(&data[..body_len]);
    constant_time_eq(ctx.finish().as_ref(), &data[body_len..])
}

/// The pass phrase as Java hands it to the digest: each UTF-16 unit big-endian.
fn password_bytes(passphrase: &str) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(
        passphrase
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect(),
    )
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::Malformed {
        path: None,
        store_type: StoreType::Jks,
        detail: detail.into(),
    }
}

/// Parses the structure; returns the entries and the length of the part the digest covers.
fn parse(data: &[u8]) -> Result<(Vec<RawEntry<'_>>, usize), Error> {
    let mut r = Reader { data, pos: 0 };
    let magic = r.u32().map_err(|_| {
        malformed(if data.is_empty() {
            "the file is empty"
        } else {
            "it is too short to be a JKS keystore"
        })
    })?;
    if magic == JCEKS_MAGIC {
        return Err(Error::UnsupportedAlgorithm {
            path: None,
            algorithm: "the JCEKS keystore format".into(),
        });
    }
    if magic != MAGIC {
        return Err(malformed(
            "it does not start like a JKS keystore (FEEDFEED)",
        ));
    }
    let version = r.u32()?;
    if version != 1 && version != 2 {
        return Err(malformed(format!("unknown JKS version {version}")));
    }
    let count = r.u32()?;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if count > r.remaining() / MIN_ENTRY_LEN {
        return Err(malformed(format!(
            "it claims {count} entries, more than its size allows"
        )));
    }
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let tag = r.u32()?;
        let alias = r.utf()?;
        let _timestamp = r.u64()?;
        match tag {
            TAG_PRIVATE_KEY => {
                let protected = r.block()?;
                let n = usize::try_from(r.u32()?).unwrap_or(usize::MAX);
                if n > r.remaining() / 4 {
                    return Err(malformed(format!(
                        "the chain of \"{}\" claims {n} certificates, more than the file holds",
                        printable(&alias)
                    )));
                }
                let mut chain = Vec::with_capacity(n);
                for _ in 0..n {
                    chain.push(r.certificate(version)?);
                }
                entries.push(RawEntry::Key {
                    alias,
                    protected,
                    chain,
                });
            }
            TAG_TRUSTED_CERT => {
                let cert = r.certificate(version)?;
                entries.push(RawEntry::Trusted { alias, cert });
            }
            3 => {
                return Err(Error::UnsupportedAlgorithm {
                    path: None,
                    algorithm: "secret-key entries (JCEKS)".into(),
                });
            }
            other => return Err(malformed(format!("unknown entry type {other}"))),
        }
    }
    let body_len = r.pos;
    match r.remaining() {
        DIGEST_LEN => Ok((entries, body_len)),
        n if n < DIGEST_LEN => Err(malformed(
            "it is truncated (the integrity digest is missing)",
        )),
        n => Err(malformed(format!(
            "{} bytes of unexpected data follow the entries",
            n - DIGEST_LEN
        ))),
    }
}

/// Undoes Sun's key protection; the PKCS#8 key, checked.
fn recover_key(
    alias: &str,
    protected: &[u8],
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    // EncryptedPrivateKeyInfo { AlgorithmIdentifier { OID, NULL }, OCTET STRING }
    let bad = || {
        malformed(format!(
            "the protected key of \"{}\" is malformed",
            printable(alias)
        ))
    };
    let (info, _) = asn1::read_tlv(protected).ok_or_else(bad)?;
    if info.tag != TAG_SEQUENCE {
        return Err(bad());
    }
    let parts = asn1::read_all(info.content).ok_or_else(bad)?;
    let (Some(alg), Some(octets)) = (parts.first(), parts.get(1)) else {
        return Err(bad());
    };
    if alg.tag != TAG_SEQUENCE || octets.tag != TAG_OCTET_STRING {
        return Err(bad());
    }
    let (oid, _) = asn1::read_tlv(alg.content).ok_or_else(bad)?;
    if oid.tag != TAG_OID {
        return Err(bad());
    }
    if oid.content != KEY_PROTECTOR_OID {
        let dotted = asn1::oid_to_string(oid.content).unwrap_or_else(|| "?".into());
        let name = match dotted.as_str() {
            "1.3.6.1.4.1.42.2.19.1" => "PBEWithMD5AndTripleDES (JCEKS)",
            other => pkcs12::algorithm_name(other).unwrap_or("key protection"),
        };
        return Err(Error::UnsupportedAlgorithm {
            path: None,
            algorithm: format!("{name} (OID {dotted})"),
        });
    }
    let enc = octets.content;
    if enc.len() < SALT_LEN + DIGEST_LEN {
        return Err(bad());
    }
    let (salt, rest) = enc.split_at(SALT_LEN);
    let (body, check) = rest.split_at(rest.len() - DIGEST_LEN);

    let mut plain = Zeroizing::new(Vec::with_capacity(body.len()));
    let mut stream = Zeroizing::new(salt.to_vec());
    for chunk in body.chunks(DIGEST_LEN) {
        let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(password);
        ctx.update(&stream);
        stream = Zeroizing::new(ctx.finish().as_ref().to_vec());
        plain.extend(chunk.iter().zip(stream.iter()).map(|(c, s)| c ^ s));
    }
    let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(password);
    ctx.update(&plain);
    if !constant_time_eq(ctx.finish().as_ref(), check) {
        return Err(Error::KeyPassphrase {
            path: None,
            alias: printable(alias),
        });
    }
    keys::to_pkcs8(&PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(&plain[..]))).map_err(|detail| {
        Error::InvalidPrivateKey {
            alias: printable(alias),
            detail: detail.to_owned(),
        }
    })
}

/// Big-endian reads with bounds checks; every failure is a truncation.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.remaining() {
            return Err(malformed("it is truncated"));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn u16(&mut self) -> Result<u16, Error> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }

    /// A 32-bit length and that many bytes.
    fn block(&mut self) -> Result<&'a [u8], Error> {
        let len = usize::try_from(self.u32()?).unwrap_or(usize::MAX);
        self.take(len)
    }

    /// Java's `DataInput.readUTF`: a 16-bit length and modified UTF-8.
    fn utf(&mut self) -> Result<String, Error> {
        let len = usize::from(self.u16()?);
        let bytes = self.take(len)?;
        decode_modified_utf8(bytes)
            .ok_or_else(|| malformed("an alias is not valid (modified) UTF-8 text"))
    }

    /// A certificate: its type (version 2 only, must be X.509) and its DER.
    fn certificate(&mut self, version: u32) -> Result<&'a [u8], Error> {
        if version == 2 {
            let kind = self.utf()?;
            if kind != "X.509" {
                return Err(Error::UnsupportedAlgorithm {
                    path: None,
                    algorithm: format!("certificates of type \"{}\"", printable(&kind)),
                });
            }
        }
        self.block()
    }
}

/// Java's modified UTF-8 (CESU-8 with `C0 80` for NUL) to a string; `None` if invalid.
fn decode_modified_utf8(bytes: &[u8]) -> Option<String> {
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let cont = |j: usize| match bytes.get(j) {
            Some(&c) if c & 0xc0 == 0x80 => Some(u16::from(c & 0x3f)),
            _ => None,
        };
        if b & 0x80 == 0 {
            units.push(u16::from(b));
            i += 1;
        } else if b & 0xe0 == 0xc0 {
            units.push((u16::from(b & 0x1f) << 6) | cont(i + 1)?);
            i += 2;
        } else if b & 0xf0 == 0xe0 {
            units.push((u16::from(b & 0x0f) << 12) | (cont(i + 1)? << 6) | cont(i + 2)?);
            i += 3;
        } else {
            return None;
        }
    }
    String::from_utf16(&units).ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// (alias, private key if a key entry, certificates)
    pub(crate) type TestEntry<'a> = (&'a str, Option<&'a [u8]>, Vec<&'a [u8]>);

    /// Writes a JKS file the way keytool does (test use only; cicsx never writes JKS).
    pub(crate) fn write(entries: &[TestEntry<'_>], passphrase: &str, version: u32) -> Vec<u8> {
        let password = password_bytes(passphrase);
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC.to_be_bytes());
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for (alias, key, certs) in entries {
            let tag = if key.is_some() {
                TAG_PRIVATE_KEY
            } else {
                TAG_TRUSTED_CERT
            };
            out.extend_from_slice(&tag.to_be_bytes());
            put_utf(&mut out, alias);
            out.extend_from_slice(&1_700_000_000_000u64.to_be_bytes());
            let put_cert = |out: &mut Vec<u8>, cert: &[u8]| {
                if version == 2 {
                    put_utf(out, "X.509");
                }
                out.extend_from_slice(&(cert.len() as u32).to_be_bytes());
                out.extend_from_slice(cert);
            };
            match key {
                Some(key) => {
                    let protected = protect(key, &password);
                    out.extend_from_slice(&(protected.len() as u32).to_be_bytes());
                    out.extend_from_slice(&protected);
                    out.extend_from_slice(&(certs.len() as u32).to_be_bytes());
                    for c in certs {
                        put_cert(&mut out, c);
                    }
                }
                None => put_cert(&mut out, certs[0]),
            }
        }
        let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(&password);
        ctx.update(WHITENER);
        ctx.update(&out);
        out.extend_from_slice(ctx.finish().as_ref());
        out
    }

    fn put_utf(out: &mut Vec<u8>, s: &str) {
        let mut enc = Vec::new();
        for u in s.encode_utf16() {
            match u {
                1..=0x7f => enc.push(u as u8),
                0 | 0x80..=0x7ff => {
                    enc.push(0xc0 | (u >> 6) as u8);
                    enc.push(0x80 | (u & 0x3f) as u8);
                }
                _ => {
                    enc.push(0xe0 | (u >> 12) as u8);
                    enc.push(0x80 | ((u >> 6) & 0x3f) as u8);
                    enc.push(0x80 | (u & 0x3f) as u8);
                }
            }
        }
        out.extend_from_slice(&(enc.len() as u16).to_be_bytes());
        out.extend_from_slice(&enc);
    }

    fn protect(key: &[u8], password: &[u8]) -> Vec<u8> {
        let salt = [7u8; SALT_LEN];
        let mut out = salt.to_vec();
        let mut stream = salt.to_vec();
        for chunk in key.chunks(DIGEST_LEN) {
            let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
            ctx.update(password);
            ctx.update(&stream);
            stream = ctx.finish().as_ref().to_vec();
            out.extend(chunk.iter().zip(&stream).map(|(c, s)| c ^ s));
        }
        let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(password);
        ctx.update(key);
        out.extend_from_slice(ctx.finish().as_ref());
        let oid = asn1::encode_oid(&KEY_PROTECTOR_OID);
        let alg = asn1::encode(
            TAG_SEQUENCE,
            &[oid.as_slice(), &asn1::encode(asn1::TAG_NULL, &[])].concat(),
        );
        let octets = asn1::encode(TAG_OCTET_STRING, &out);
        asn1::encode(TAG_SEQUENCE, &[alg.as_slice(), octets.as_slice()].concat()).to_vec()
    }

    fn material() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["jks.example.com".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let other = rcgen::KeyPair::generate().unwrap();
        let ca = rcgen::CertificateParams::new(vec!["ca.example.com".to_owned()])
            .unwrap()
            .self_signed(&other)
            .unwrap();
        (key.serialize_der(), cert.der().to_vec(), ca.der().to_vec())
    }

    #[test]
    fn reads_keys_and_certificates_in_both_versions() {
        let (key, cert, ca) = material();
        for version in [1, 2] {
            let data = write(
                &[
                    ("mykey", Some(&key), vec![&cert, &ca]),
                    ("☺ root", None, vec![&ca]),
                ],
                "changeit",
                version,
            );
            let entries = read(&data, "changeit").unwrap();
            assert_eq!(entries.len(), 2);
            match &entries[0] {
                Entry::PrivateKey(k) => {
                    assert_eq!(k.alias, "mykey");
                    assert_eq!(k.key_bytes(), &key[..]);
                    assert_eq!(k.chain, vec![cert.clone().into(), ca.clone().into()]);
                }
                other => panic!("{other:?}"),
            }
            match &entries[1] {
                Entry::Trusted(t) => {
                    assert_eq!(t.alias, "☺ root");
                    assert_eq!(t.certificate.as_ref(), &ca[..]);
                }
                other => panic!("{other:?}"),
            }
            assert!(digest_matches(&data, "changeit"));
            assert!(!digest_matches(&data, "changeiT"));
        }
    }

    #[test]
    fn wrong_passphrase_and_key_passphrase() {
        let (key, cert, _) = material();
        let data = write(&[("k", Some(&key), vec![&cert])], "store", 2);
        let err = read(&data, "other").unwrap_err();
        assert!(
            matches!(
                err,
                Error::WrongPassphrase {
                    unchecked: false,
                    ..
                }
            ),
            "{err:?}"
        );
        // Store digest made with one pass phrase, key protected with another.
        let mut data = write(&[("k", Some(&key), vec![&cert])], "keypass", 2);
        data.truncate(data.len() - DIGEST_LEN);
        let mut ctx = digest::Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(&password_bytes("store"));
        ctx.update(WHITENER);
        ctx.update(&data);
        data.extend_from_slice(ctx.finish().as_ref());
        let err = read(&data, "store").unwrap_err();
        assert_eq!(err.id(), "CICSX0115E", "{err}");
        assert!(err.to_string().contains("\"k\""), "{err}");
    }

    #[test]
    fn damage_is_malformed_not_wrong_passphrase() {
        let (key, cert, ca) = material();
        let data = write(
            &[("k", Some(&key), vec![&cert]), ("ca", None, vec![&ca])],
            "changeit",
            2,
        );
        for len in 0..data.len() {
            let err = read(&data[..len], "changeit").unwrap_err();
            assert_eq!(err.id(), "CICSX0117E", "cut at {len}: {err}");
        }
        let mut longer = data.clone();
        longer.push(0);
        assert_eq!(read(&longer, "changeit").unwrap_err().id(), "CICSX0117E");
        // A flipped byte in the digest-covered part is a digest failure.
        let mut flipped = data.clone();
        let last = flipped.len() - DIGEST_LEN - 1;
        flipped[last] ^= 1;
        assert_eq!(read(&flipped, "changeit").unwrap_err().id(), "CICSX0101E");
    }

    #[test]
    fn hostile_counts_do_not_allocate() {
        let mut data = MAGIC.to_be_bytes().to_vec();
        data.extend_from_slice(&2u32.to_be_bytes());
        data.extend_from_slice(&u32::MAX.to_be_bytes());
        let err = read(&data, "x").unwrap_err();
        assert!(
            err.to_string().contains("more than its size allows"),
            "{err}"
        );
        let mut jceks = JCEKS_MAGIC.to_be_bytes().to_vec();
        jceks.extend_from_slice(&[0; 8]);
        assert_eq!(read(&jceks, "x").unwrap_err().id(), "CICSX0103E");
    }

    #[test]
    fn modified_utf8() {
        assert_eq!(decode_modified_utf8(b"abc").unwrap(), "abc");
        assert_eq!(decode_modified_utf8(&[0xc0, 0x80]).unwrap(), "\0");
        assert_eq!(decode_modified_utf8(&[0xc3, 0xa4]).unwrap(), "ä");
        // U+1F600 as a surrogate pair, each half three bytes (CESU-8).
        assert_eq!(
            decode_modified_utf8(&[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]).unwrap(),
            "😀"
        );
        assert!(decode_modified_utf8(&[0xed, 0xa0, 0xbd]).is_none());
        assert!(decode_modified_utf8(&[0xc3]).is_none());
        assert!(decode_modified_utf8(&[0xf0, 0x9f, 0x98, 0x80]).is_none());
    }
}
