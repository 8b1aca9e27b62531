//! A deliberately small DER reader and writer.
//!
//! p12-keystore does the real PKCS#12 work. This module only answers the questions its errors
//! leave open (which algorithm was unsupported? does the file carry a MAC? is the outer structure
//! intact?) and wraps PKCS#1 / SEC1 keys into PKCS#8. Every function here takes untrusted bytes
//! and must return `None` rather than panic.

use zeroize::Zeroizing;

/// How deep [`scan_oids`] and [`is_well_formed`] descend before giving up.
const MAX_DEPTH: usize = 24;
/// At most this many OIDs are collected from one file.
const MAX_OIDS: usize = 512;

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
const CONSTRUCTED: u8 = 0x20;

/// One tag-length-value element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) content: &'a [u8],
}

/// Reads one element from the front of `input`; returns it and what follows.
///
/// Only single-byte tags and definite lengths (DER) are accepted.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None; // multi-byte tag numbers do not occur in PKCS#12
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None; // indefinite length (BER) or absurd size
        }
        let mut len = 0usize;
        for _ in 0..count {
            let (&b, r) = rest.split_first()?;
            len = len.checked_mul(256)?.checked_add(usize::from(b))?;
            rest = r;
        }
        len
    };
    if len > rest.len() {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((Tlv { tag, content }, rest))
}

/// Splits `input` into the sequence of elements it holds; `None` if any is malformed.
pub(crate) fn read_all(mut input: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tlv, rest) = read_tlv(input)?;
        out.push(tlv);
        input = rest;
    }
    Some(out)
}

/// Decodes the content of an OBJECT IDENTIFIER into dotted form.
pub(crate) fn oid_to_string(content: &[u8]) -> Option<String> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut in_arc = false;
    for &b in content {
        if !in_arc && b == 0x80 {
            return None; // non-minimal encoding
        }
        value = value.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
        in_arc = true;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
            in_arc = false;
        }
    }
    if in_arc || arcs.is_empty() {
        return None;
    }
    let parts: Vec<String> = arcs.iter().map(u64::to_string).collect();
    Some(parts.join("."))
}

/// Every OBJECT IDENTIFIER found in `der`, in order, looking inside constructed elements and
/// inside OCTET STRINGs whose content is itself DER (as PKCS#12 nests its safes).
pub(crate) fn scan_oids(der: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    scan_into(der, 0, &mut out);
    out
}

fn scan_into(mut input: &[u8], depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    while !input.is_empty() && out.len() < MAX_OIDS {
        let Some((tlv, rest)) = read_tlv(input) else {
            return;
        };
        if tlv.tag == TAG_OID {
            if let Some(oid) = oid_to_string(tlv.content) {
                out.push(oid);
            }
        } else if tlv.tag & CONSTRUCTED != 0
            || (tlv.tag == TAG_OCTET_STRING && read_all(tlv.content).is_some())
        {
            scan_into(tlv.content, depth + 1, out);
        }
        input = rest;
    }
}

/// True if `der` is one element whose constructed parts all nest correctly.
pub(crate) fn is_well_formed(der: &[u8]) -> bool {
    match read_tlv(der) {
        Some((tlv, [])) => nested_ok(tlv, 0),
        _ => false,
    }
}

fn nested_ok(tlv: Tlv<'_>, depth: usize) -> bool {
    if tlv.tag & CONSTRUCTED == 0 {
        return true;
    }
    if depth > MAX_DEPTH {
        return false;
    }
    match read_all(tlv.content) {
        Some(children) => children.into_iter().all(|c| nested_ok(c, depth + 1)),
        None => false,
    }
}

/// True if `der` is a PFX whose optional `macData` is present (a SEQUENCE of three elements).
pub(crate) fn pfx_has_mac(der: &[u8]) -> bool {
    let Some((top, _)) = read_tlv(der) else {
        return false;
    };
    top.tag == TAG_SEQUENCE && read_all(top.content).is_some_and(|c| c.len() == 3)
}

/// Appends a DER length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Fits in seven bits, so the cast cannot truncate.
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = &bytes[skip..];
        // At most size_of::<usize>() bytes, far below 0x7f.
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

/// Encodes one element. The buffer is zeroized on drop because it may hold key material.
pub(crate) fn encode(tag: u8, content: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(content.len() + 6));
    out.push(tag);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// Encodes an OBJECT IDENTIFIER given its content bytes.
pub(crate) fn encode_oid(content: &[u8]) -> Zeroizing<Vec<u8>> {
    encode(TAG_OID, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (tlv, rest) = read_tlv(&[0x04, 0x02, 0xaa, 0xbb, 0x05]).unwrap();
        assert_eq!(tlv.tag, 0x04);
        assert_eq!(tlv.content, &[0xaa, 0xbb]);
        assert_eq!(rest, &[0x05]);

        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 0x80));
        let (tlv, rest) = read_tlv(&long).unwrap();
        assert_eq!(tlv.content.len(), 0x80);
        assert!(rest.is_empty());
    }

    #[test]
    fn rejects_truncated_and_indefinite() {
        assert!(read_tlv(&[]).is_none());
        assert!(read_tlv(&[0x30]).is_none());
        assert!(read_tlv(&[0x30, 0x05, 0x01]).is_none());
        assert!(read_tlv(&[0x30, 0x80, 0x00, 0x00]).is_none());
        assert!(read_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
        assert!(read_tlv(&[0x1f, 0x01, 0x00]).is_none());
    }

    #[test]
    fn decodes_oids() {
        // 1.2.840.113549.3.7 (DES-EDE3-CBC)
        let content = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];
        assert_eq!(oid_to_string(&content).unwrap(), "1.2.840.113549.3.7");
        // 2.5.29.37.0
        assert_eq!(
            oid_to_string(&[0x55, 0x1d, 0x25, 0x00]).unwrap(),
            "2.5.29.37.0"
        );
        // 2.999 needs a multi-byte first arc.
        assert_eq!(oid_to_string(&[0x88, 0x37]).unwrap(), "2.999");
        assert!(oid_to_string(&[]).is_none());
        assert!(oid_to_string(&[0x86]).is_none());
        assert!(oid_to_string(&[0x80, 0x01]).is_none());
        assert!(oid_to_string(&[0xff; 20]).is_none());
    }

    #[test]
    fn scans_nested_octet_strings() {
        let oid = encode_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07]);
        let inner = encode(TAG_SEQUENCE, &oid);
        let octets = encode(TAG_OCTET_STRING, &inner);
        let outer = encode(TAG_SEQUENCE, &octets);
        assert_eq!(scan_oids(&outer), vec!["1.2.840.113549.3.7".to_owned()]);
        assert!(is_well_formed(&outer));
        assert!(!is_well_formed(&outer[..outer.len() - 1]));
    }

    #[test]
    fn encodes_long_lengths() {
        let content = vec![1u8; 300];
        let der = encode(TAG_OCTET_STRING, &content);
        assert_eq!(&der[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let (tlv, rest) = read_tlv(&der).unwrap();
        assert_eq!(tlv.content, &content[..]);
        assert!(rest.is_empty());
    }

    #[test]
    fn mac_presence() {
        let int = encode(TAG_INTEGER, &[3]);
        let seq = encode(TAG_SEQUENCE, &int);
        let two: Vec<u8> = [int.as_slice(), seq.as_slice()].concat();
        let three: Vec<u8> = [int.as_slice(), seq.as_slice(), seq.as_slice()].concat();
        assert!(!pfx_has_mac(&encode(TAG_SEQUENCE, &two)));
        assert!(pfx_has_mac(&encode(TAG_SEQUENCE, &three)));
        assert!(!pfx_has_mac(b"junk"));
    }
}
