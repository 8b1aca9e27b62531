//! The kinds of keystore file this crate reads.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::Error;
use crate::asn1::{self, TAG_INTEGER, TAG_SEQUENCE};

/// A kind of keystore file.
///
/// Only PKCS#12 is written; JKS and PEM files are read, for migration and import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreType {
    /// PKCS#12 (`.p12`, `.pfx`): the format cicsx writes, as keytool and OpenSSL do.
    Pkcs12,
    /// Java's JKS keystore (`.jks`), the default of keytool before Java 9. Read only.
    Jks,
    /// PEM text (`.pem`, `.crt`, `.cer`, `.key`): certificates and unencrypted private keys.
    /// A single DER certificate counts as PEM too. Read only; needs no pass phrase.
    Pem,
}

impl StoreType {
    /// Recognises a keystore from its first bytes: JKS by its magic number, PKCS#12 by its
    /// DER header (version 3), PEM by a `-----BEGIN ` line, and a lone DER X.509 certificate
    /// as [`StoreType::Pem`]. `None` for anything else, including JCEKS.
    ///
    /// A truncated PKCS#12 file is still recognised, so that reading it reports the damage.
    pub fn detect(bytes: &[u8]) -> Option<StoreType> {
        if bytes.starts_with(&crate::jks::MAGIC.to_be_bytes()) {
            return Some(StoreType::Jks);
        }
        if bytes.first() == Some(&TAG_SEQUENCE) {
            if looks_like_pfx(bytes) {
                return Some(StoreType::Pkcs12);
            }
            if matches!(x509_parser::parse_x509_certificate(bytes), Ok(([], _))) {
                return Some(StoreType::Pem);
            }
            return None;
        }
        let text = bytes.trim_ascii_start();
        if text.starts_with(b"-----BEGIN ") || contains(bytes, b"\n-----BEGIN ") {
            return Some(StoreType::Pem);
        }
        None
    }

    /// The type a file name suggests, by its extension (any case): `.p12` and `.pfx` are
    /// PKCS#12, `.jks` is JKS, `.pem`, `.crt`, `.cer` and `.key` are PEM.
    pub fn from_path(path: &Path) -> Option<StoreType> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "p12" | "pfx" => Some(StoreType::Pkcs12),
            "jks" => Some(StoreType::Jks),
            "pem" | "crt" | "cer" | "key" => Some(StoreType::Pem),
            _ => None,
        }
    }

    /// True for the types this crate can write (only PKCS#12).
    pub fn is_writable(self) -> bool {
        self == StoreType::Pkcs12
    }
}

impl fmt::Display for StoreType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreType::Pkcs12 => "PKCS#12",
            StoreType::Jks => "JKS",
            StoreType::Pem => "PEM",
        })
    }
}

impl FromStr for StoreType {
    type Err = Error;

    /// Accepts `p12`, `pkcs12`, `pkcs#12`, `pfx`, `jks` and `pem`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "p12" | "pkcs12" | "pkcs#12" | "pfx" => Ok(StoreType::Pkcs12),
            "jks" => Ok(StoreType::Jks),
            "pem" => Ok(StoreType::Pem),
            _ => Err(Error::UnknownStoreType {
                given: crate::error::printable(s),
            }),
        }
    }
}

/// `SEQUENCE { INTEGER 3, ...`, reading the outer length leniently (the file may be cut short).
fn looks_like_pfx(bytes: &[u8]) -> bool {
    let Some(&len0) = bytes.get(1) else {
        return false;
    };
    let header = if len0 < 0x80 {
        2
    } else {
        2 + usize::from(len0 & 0x7f)
    };
    match bytes.get(header..) {
        Some(rest) => matches!(
            asn1::read_tlv(rest),
            Some((v, _)) if v.tag == TAG_INTEGER && v.content == [3]
        ),
        None => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        for (text, want) in [
            ("p12", StoreType::Pkcs12),
            ("PKCS12", StoreType::Pkcs12),
            ("pkcs#12", StoreType::Pkcs12),
            ("pfx", StoreType::Pkcs12),
            ("jks", StoreType::Jks),
            (" JKS ", StoreType::Jks),
            ("pem", StoreType::Pem),
        ] {
            assert_eq!(text.parse::<StoreType>().unwrap(), want, "{text}");
        }
        for t in [StoreType::Pkcs12, StoreType::Jks, StoreType::Pem] {
            assert_eq!(t.to_string().parse::<StoreType>().unwrap(), t);
        }
        let err = "jceks".parse::<StoreType>().unwrap_err();
        assert_eq!(err.id(), "CICSX0116E");
        assert!(err.to_string().contains("jceks"), "{err}");
        assert_eq!(StoreType::Pkcs12.to_string(), "PKCS#12");
    }

    #[test]
    fn from_extension() {
        let t = |p: &str| StoreType::from_path(Path::new(p));
        assert_eq!(t("/a/keystore.p12"), Some(StoreType::Pkcs12));
        assert_eq!(t("b.PFX"), Some(StoreType::Pkcs12));
        assert_eq!(t("c.jks"), Some(StoreType::Jks));
        for p in ["d.pem", "e.crt", "f.CER", "g.key"] {
            assert_eq!(t(p), Some(StoreType::Pem), "{p}");
        }
        assert_eq!(t("keystore"), None);
        assert_eq!(t("x.txt"), None);
    }

    #[test]
    fn detects_content() {
        assert_eq!(
            StoreType::detect(&[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]),
            Some(StoreType::Jks)
        );
        assert_eq!(StoreType::detect(&[0xce, 0xce, 0xce, 0xce]), None);
        assert_eq!(
            StoreType::detect(b"\n  -----BEGIN CERTIFICATE-----\n"),
            Some(StoreType::Pem)
        );
        assert_eq!(
            StoreType::detect(b"Bag Attributes\n-----BEGIN CERTIFICATE-----\n"),
            Some(StoreType::Pem)
        );
        // PFX header, even when cut short.
        assert_eq!(
            StoreType::detect(&[0x30, 0x82, 0x10, 0x00, 0x02, 0x01, 0x03, 0x30]),
            Some(StoreType::Pkcs12)
        );
        assert_eq!(
            StoreType::detect(&[0x30, 0x03, 0x02, 0x01, 0x03]),
            Some(StoreType::Pkcs12)
        );
        assert_eq!(StoreType::detect(&[0x30, 0x03, 0x02, 0x01, 0x02]), None);
        assert_eq!(StoreType::detect(b""), None);
        assert_eq!(StoreType::detect(b"hello"), None);
        assert_eq!(StoreType::detect(&[0x30]), None);
        assert_eq!(StoreType::detect(&[0x30, 0x84]), None);
    }
}
