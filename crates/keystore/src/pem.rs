//! PEM: reading certificates and unencrypted private keys, writing chains and PKCS#8 keys.
//!
//! A small parser of its own rather than a library's, so that key material is decoded straight
//! into zeroizing memory, encrypted keys are recognised and named, and text around the sections
//! (such as the "Bag Attributes" lines `openssl pkcs12 -info` prints) is skipped.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls_pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};
use zeroize::{Zeroize, Zeroizing};

use crate::{Entry, Error, PrivateKeyEntry, StoreType, TrustedEntry, asn1, keys, pkcs12, store};

/// Longest chain followed from a key's certificate.
const MAX_CHAIN: usize = 16;
/// Characters of base64 per PEM line.
const LINE: usize = 64;

/// One decoded PEM section.
enum Section {
    Certificate(Vec<u8>),
    Key(KeyFormat, Zeroizing<Vec<u8>>),
}

#[derive(Clone, Copy)]
enum KeyFormat {
    Pkcs8,
    Pkcs1,
    Sec1,
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::Malformed {
        path: None,
        store_type: StoreType::Pem,
        detail: detail.into(),
    }
}

/// Splits PEM text into its certificate and key sections, in order. Sections of other kinds
/// (public keys, parameters, requests, CRLs) are skipped.
fn sections(text: &[u8]) -> Result<Vec<Section>, Error> {
    let mut out = Vec::new();
    // (label, base64 so far, encrypted-header seen)
    let mut open: Option<(String, Zeroizing<Vec<u8>>, bool)> = None;
    for (number, raw_line) in text.split(|&b| b == b'\n').enumerate() {
        let line = raw_line.trim_ascii();
        match &mut open {
            None => {
                if let Some(label) = marker(line, b"-----BEGIN ") {
                    open = Some((label, Zeroizing::new(Vec::new()), false));
                }
            }
            Some((label, b64, encrypted)) => {
                if line.starts_with(b"-----END ") {
                    if marker(line, b"-----END ").as_deref() != Some(label.as_str()) {
                        return Err(malformed(format!(
                            "line {}: the section \"{label}\" ends with a different END line",
                            number + 1
                        )));
                    }
                    let (label, b64, encrypted) = match open.take() {
                        Some(o) => o,
                        None => continue,
                    };
                    if let Some(section) = decode(&label, &b64, encrypted)? {
                        out.push(section);
                    }
                } else if line.starts_with(b"-----BEGIN ") {
                    return Err(malformed(format!(
                        "line {}: a section starts inside the section \"{label}\"",
                        number + 1
                    )));
                } else if line.contains(&b':') {
                    // RFC 1421 headers, e.g. "Proc-Type: 4,ENCRYPTED" and "DEK-Info: ...".
                    if line.starts_with(b"Proc-Type:") && contains(line, b"ENCRYPTED") {
                        *encrypted = true;
                    }
                } else {
                    if let Some(&bad) = line
                        .iter()
                        .find(|&&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')))
                    {
                        return Err(malformed(format!(
                            "line {}: character 0x{bad:02x} is not base64",
                            number + 1
                        )));
                    }
                    b64.extend_from_slice(line);
                }
            }
        }
    }
    if let Some((label, _, _)) = open {
        return Err(malformed(format!(
            "the section \"{label}\" has no END line (the file may be truncated)"
        )));
    }
    Ok(out)
}

/// The label of a `-----BEGIN LABEL-----` / `-----END LABEL-----` line.
fn marker(line: &[u8], start: &[u8]) -> Option<String> {
    let rest = line.strip_prefix(start)?;
    let label = rest.strip_suffix(b"-----")?;
    let label = std::str::from_utf8(label).ok()?;
    label
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ')
        .then(|| label.to_owned())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn decode(label: &str, b64: &[u8], encrypted: bool) -> Result<Option<Section>, Error> {
    let is_key = matches!(label, "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY");
    match label {
        "ENCRYPTED PRIVATE KEY" => {
            return Err(Error::EncryptedPemKey {
                path: None,
                kind: "ENCRYPTED PRIVATE KEY (PKCS#8)",
            });
        }
        _ if is_key && encrypted => {
            return Err(Error::EncryptedPemKey {
                path: None,
                kind: "Proc-Type: 4,ENCRYPTED (OpenSSL traditional)",
            });
        }
        "CERTIFICATE"
        | "X509 CERTIFICATE"
        | "TRUSTED CERTIFICATE"
        | "PRIVATE KEY"
        | "RSA PRIVATE KEY"
        | "EC PRIVATE KEY" => {}
        _ => return Ok(None),
    }
    // Decode into memory allocated once, so no copy of a key is left behind by a reallocation.
    let mut der = Zeroizing::new(vec![0u8; b64.len().div_ceil(4) * 3]);
    let len = STANDARD
        .decode_slice(b64, &mut der[..])
        .map_err(|e| malformed(format!("the section \"{label}\" is not valid base64 ({e})")))?;
    der.truncate(len);
    Ok(Some(match label {
        "PRIVATE KEY" => Section::Key(KeyFormat::Pkcs8, der),
        "RSA PRIVATE KEY" => Section::Key(KeyFormat::Pkcs1, der),
        "EC PRIVATE KEY" => Section::Key(KeyFormat::Sec1, der),
        // OpenSSL's TRUSTED CERTIFICATE is the certificate followed by its trust settings.
        _ => match asn1::read_tlv(&der) {
            Some((_, rest)) => Section::Certificate(der[..der.len() - rest.len()].to_vec()),
            None => {
                return Err(malformed(format!(
                    "the section \"{label}\" does not hold a DER certificate"
                )));
            }
        },
    }))
}

/// An alias from a certificate's subject common name: control characters dropped, characters
/// a PKCS#12 friendly name cannot hold replaced, at most 255 characters. `None` without a CN.
fn alias_from_subject(cert: &[u8]) -> Option<String> {
    let (_, c) = x509_parser::parse_x509_certificate(cert).ok()?;
    let cn = c.subject().iter_common_name().next()?;
    let cn = cn.as_str().ok()?;
    let alias: String = cn
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if u32::from(c) > 0xffff { '_' } else { c })
        .take(crate::MAX_ALIAS_CHARS)
        .collect();
    let alias = alias.trim().to_owned();
    (!alias.is_empty()).then_some(alias)
}

/// Subject and issuer, raw, for chain building.
fn names(cert: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (_, c) = x509_parser::parse_x509_certificate(cert).ok()?;
    Some((
        c.tbs_certificate.subject.as_raw().to_vec(),
        c.tbs_certificate.issuer.as_raw().to_vec(),
    ))
}

/// Decodes PEM text (or a single DER certificate) into entries: a private-key entry for each
/// key, with the certificate that holds its public key first and its issuers after it, then a
/// trusted entry for every certificate in no key's chain.
pub(crate) fn read(text: &[u8]) -> Result<Vec<Entry>, Error> {
    let found = if text.first() == Some(&asn1::TAG_SEQUENCE) {
        match x509_parser::parse_x509_certificate(text) {
            Ok(([], _)) => vec![Section::Certificate(text.to_vec())],
            _ => {
                return Err(malformed(
                    "it is binary data but not a DER X.509 certificate",
                ));
            }
        }
    } else {
        sections(text)?
    };

    let mut certs: Vec<Vec<u8>> = Vec::new();
    let mut found_keys: Vec<(KeyFormat, Zeroizing<Vec<u8>>)> = Vec::new();
    for section in found {
        match section {
            Section::Certificate(der) => certs.push(der),
            Section::Key(format, der) => found_keys.push((format, der)),
        }
    }
    if certs.is_empty() && found_keys.is_empty() {
        return Err(malformed(
            "it holds no certificate and no private key (no -----BEGIN CERTIFICATE----- or \
             -----BEGIN PRIVATE KEY----- section)",
        ));
    }
    let mut parsed = Vec::with_capacity(certs.len());
    for (i, der) in certs.iter().enumerate() {
        let alias = format!("certificate {}", i + 1);
        store::check_certificate(&alias, der)?;
        let (subject, issuer) = names(der).unwrap_or_default();
        parsed.push((subject, issuer, keys::certificate_public_key(der)));
    }

    let mut keys_pkcs8 = Vec::with_capacity(found_keys.len());
    for (i, (format, der)) in found_keys.iter().enumerate() {
        // Borrowed: the only copy of the key outside zeroizing memory is none at all.
        let key = match format {
            KeyFormat::Pkcs8 => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(&der[..])),
            KeyFormat::Pkcs1 => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(&der[..])),
            KeyFormat::Sec1 => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(&der[..])),
        };
        let pkcs8 = keys::to_pkcs8(&key).map_err(|detail| Error::InvalidPrivateKey {
            alias: format!("key {}", i + 1),
            detail: detail.to_owned(),
        })?;
        keys_pkcs8.push(pkcs8);
    }
    drop(found_keys);

    let mut is_leaf = vec![false; certs.len()];
    let mut in_chain = vec![false; certs.len()];
    let mut named: Vec<(Option<String>, Entry)> = Vec::new();
    let single_key = keys_pkcs8.len() == 1;
    for (i, pkcs8) in keys_pkcs8.into_iter().enumerate() {
        let public = keys::public_key_of(&pkcs8);
        let leaf = match &public {
            Some(p) => (0..certs.len()).find(|&c| !is_leaf[c] && parsed[c].2.as_ref() == Some(p)),
            // A key type whose public half cannot be computed: with one key in the file, the
            // first certificate is taken as its own, as `cat key.pem chain.pem` files have it.
            None if single_key => (!certs.is_empty()).then_some(0),
            None => None,
        };
        let Some(leaf) = leaf else {
            return Err(Error::InvalidPrivateKey {
                alias: format!("key {}", i + 1),
                detail: "no certificate in the file holds its public key".into(),
            });
        };
        is_leaf[leaf] = true;
        let mut chain = vec![leaf];
        while chain.len() < MAX_CHAIN {
            let Some(&cur) = chain.last() else { break };
            if parsed[cur].0 == parsed[cur].1 {
                break; // self-issued: the chain ends here
            }
            let next = (0..certs.len())
                .find(|&c| !chain.contains(&c) && !is_leaf[c] && parsed[c].0 == parsed[cur].1);
            match next {
                Some(n) => chain.push(n),
                None => break,
            }
        }
        for &c in &chain {
            in_chain[c] = true;
        }
        let chain_der = chain
            .iter()
            .map(|&c| CertificateDer::from(certs[c].clone()))
            .collect();
        named.push((
            alias_from_subject(&certs[leaf]),
            Entry::PrivateKey(PrivateKeyEntry::new(String::new(), pkcs8, chain_der)),
        ));
    }
    for (c, der) in certs.iter().enumerate() {
        if in_chain[c] {
            continue;
        }
        named.push((
            alias_from_subject(der),
            Entry::Trusted(TrustedEntry {
                alias: String::new(),
                certificate: CertificateDer::from(der.clone()),
            }),
        ));
    }
    Ok(pkcs12::assign_aliases(named))
}

/// PEM text of an entry: its certificates (leaf first) and, if asked and present, its PKCS#8
/// private key.
pub(crate) fn write(entry: &Entry, include_key: bool) -> Zeroizing<String> {
    let certs: Vec<&[u8]> = match entry {
        Entry::PrivateKey(k) => k.chain.iter().map(|c| c.as_ref()).collect(),
        Entry::Trusted(t) => vec![t.certificate.as_ref()],
    };
    let key = match entry {
        Entry::PrivateKey(k) if include_key => Some(k.key_bytes()),
        _ => None,
    };
    let size = |der: &[u8]| {
        let b64 = der.len().div_ceil(3) * 4;
        b64 + b64.div_ceil(LINE) + 64
    };
    let capacity = certs.iter().map(|c| size(c)).sum::<usize>() + key.map_or(0, size);
    // Reserved once: pushing never reallocates, so no copy of the key is left behind.
    let mut out = Zeroizing::new(String::with_capacity(capacity));
    for cert in certs {
        push_section(&mut out, "CERTIFICATE", cert);
    }
    if let Some(key) = key {
        push_section(&mut out, "PRIVATE KEY", key);
    }
    out
}

fn push_section(out: &mut String, label: &str, der: &[u8]) {
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut line = [0u8; LINE];
    for chunk in der.chunks(LINE / 4 * 3) {
        // 48 input bytes make at most 64 characters, so this cannot fail.
        let n = STANDARD.encode_slice(chunk, &mut line).unwrap_or(0);
        out.push_str(std::str::from_utf8(&line[..n]).unwrap_or(""));
        out.push('\n');
    }
    line.zeroize();
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(
            marker(b"-----BEGIN CERTIFICATE-----", b"-----BEGIN ").as_deref(),
            Some("CERTIFICATE")
        );
        assert_eq!(
            marker(b"-----BEGIN RSA PRIVATE KEY-----", b"-----BEGIN ").as_deref(),
            Some("RSA PRIVATE KEY")
        );
        assert!(marker(b"-----BEGIN CERTIFICATE----", b"-----BEGIN ").is_none());
        assert!(marker(b"-----BEGIN cert-----", b"-----BEGIN ").is_none());
    }

    #[test]
    fn errors_name_the_problem() {
        let err = read(b"").unwrap_err();
        assert_eq!(err.id(), "CICSX0117E");
        let err = read(b"-----BEGIN CERTIFICATE-----\nMIIB\n").unwrap_err();
        assert!(err.to_string().contains("no END line"), "{err}");
        let err =
            read(b"-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n").unwrap_err();
        assert!(err.to_string().contains("not base64"), "{err}");
        let err =
            read(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----\n").unwrap_err();
        assert!(err.to_string().contains("different END"), "{err}");
        let err = read(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
        )
        .unwrap_err();
        assert_eq!(err.id(), "CICSX0118E");
        let err = read(
            b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n-----END RSA PRIVATE KEY-----\n",
        )
        .unwrap_err();
        assert_eq!(err.id(), "CICSX0118E");
        // Sections of other kinds only: nothing to read.
        let err =
            read(b"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n").unwrap_err();
        assert!(err.to_string().contains("no certificate"), "{err}");
        let err = read(&[0x30, 0x03, 0x02, 0x01, 0x00]).unwrap_err();
        assert_eq!(err.id(), "CICSX0117E");
    }

    #[test]
    fn writes_wrapped_lines() {
        let mut out = String::new();
        let der = asn1::encode(asn1::TAG_OCTET_STRING, &[0xab; 98]);
        assert_eq!(der.len(), 100);
        push_section(&mut out, "CERTIFICATE", &der);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 64);
        assert_eq!(lines[3].len(), 8);
        assert_eq!(lines[4], "-----END CERTIFICATE-----");
        match sections(out.as_bytes()).unwrap().as_slice() {
            [Section::Certificate(back)] => assert_eq!(back, &der[..]),
            _ => panic!("one certificate section expected"),
        }
    }
}
