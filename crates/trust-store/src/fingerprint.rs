//! SHA-256 certificate fingerprints.

use std::fmt;
use std::str::FromStr;

use aws_lc_rs::digest;

use crate::Error;

/// The SHA-256 digest of a certificate's DER encoding.
///
/// Displays as OpenSSL and keytool print it (`openssl x509 -noout -fingerprint -sha256`):
/// upper-case hex pairs separated by colons. Parses from that form, with spaces or with no
/// separators, in either case.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of `der`.
    pub fn of(der: &[u8]) -> Self {
        let d = digest::digest(&digest::SHA256, der);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }

    /// A fingerprint from its 32 bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || Error::InvalidFingerprint {
            input: s.chars().take(120).flat_map(char::escape_debug).collect(),
        };
        let hex: Vec<u8> = s
            .trim()
            .bytes()
            .filter(|b| !matches!(b, b':' | b' '))
            .collect();
        if hex.len() != 64 {
            return Err(invalid());
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0]).ok_or_else(invalid)?;
            let lo = hex_value(pair[1]).ok_or_else(invalid)?;
            out[i] = (hi << 4) | lo;
        }
        Ok(Self(out))
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    const ABC: &str = "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD";

    #[test]
    fn displays_like_openssl() {
        assert_eq!(Fingerprint::of(b"abc").to_string(), ABC);
        assert_eq!(
            format!("{:?}", Fingerprint::of(b"abc")),
            format!("Fingerprint({ABC})")
        );
    }

    #[test]
    fn parses_every_spelling() {
        let want = Fingerprint::of(b"abc");
        let bare = ABC.replace(':', "");
        let spaced = ABC.replace(':', " ");
        for s in [
            ABC.to_owned(),
            ABC.to_lowercase(),
            bare.clone(),
            bare.to_lowercase(),
            spaced,
            format!("  {ABC}\n"),
        ] {
            assert_eq!(s.parse::<Fingerprint>().unwrap(), want, "{s}");
        }
        for bad in [
            "",
            "AB",
            &bare[..62],
            &format!("{bare}00"),
            &bare.replace('B', "G"),
        ] {
            let err = bad.parse::<Fingerprint>().unwrap_err();
            assert_eq!(err.id(), "CICSX0209E");
        }
    }

    #[test]
    fn bytes_round_trip() {
        let f = Fingerprint::of(b"x");
        assert_eq!(Fingerprint::from_bytes(*f.as_bytes()), f);
    }
}
