//! The cipher-suite table: IANA codes and names, the protocol versions each can be used
//! with, a strength rating with its reasons, and whether cicsx itself can negotiate it.
//!
//! The properties of a suite are read from its IANA name, which spells them out
//! (`TLS_<key exchange>_WITH_<cipher>_<MAC>`), so the table is only codes and names.

use std::fmt;

use crate::probe::wire::TlsVersion;

/// How strong a cipher suite is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    /// Forward secret and authenticated encryption (AEAD): every TLS 1.3 suite, and TLS 1.2
    /// suites with ECDHE or DHE key exchange and AES-GCM, AES-CCM, ARIA-GCM or
    /// ChaCha20-Poly1305.
    Strong,
    /// Sound but dated: forward secret with CBC encryption, or without forward secrecy
    /// (RSA or static (EC)DH key exchange). A CICS region at ENCRYPTION=MEDIUM offers these.
    Medium,
    /// Broken or nearly so: 3DES, RC4, DES, RC2, IDEA, NULL (no encryption), export-grade,
    /// anonymous (no server authentication), MD5.
    Weak,
}

impl Rating {
    /// `strong`, `medium` or `weak`.
    pub fn name(self) -> &'static str {
        match self {
            Rating::Strong => "strong",
            Rating::Medium => "medium",
            Rating::Weak => "weak",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One cipher suite of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherSuiteInfo {
    /// The IANA code, e.g. `0x002F`.
    pub code: u16,
    /// The IANA name, e.g. `TLS_RSA_WITH_AES_128_CBC_SHA`.
    pub name: &'static str,
}

impl CipherSuiteInfo {
    /// Whether this is a TLS 1.3 suite (usable with TLS 1.3 only).
    pub fn is_tls13(&self) -> bool {
        !self.name.contains("_WITH_")
    }

    /// The key exchange part of the name, e.g. `ECDHE_RSA`, `RSA`, `DH_anon`; `None` for
    /// TLS 1.3 suites, whose key exchange is negotiated separately (and always ephemeral).
    pub fn key_exchange(&self) -> Option<&'static str> {
        let rest = self.name.strip_prefix("TLS_")?;
        rest.split_once("_WITH_").map(|(kx, _)| kx)
    }

    /// The cipher and MAC part of the name, e.g. `AES_128_CBC_SHA`.
    pub fn cipher(&self) -> &'static str {
        match self.name.split_once("_WITH_") {
            Some((_, cipher)) => cipher,
            None => self.name.strip_prefix("TLS_").unwrap_or(self.name),
        }
    }

    /// Whether the key exchange is ephemeral (ECDHE, DHE, and the anonymous (EC)DH suites,
    /// which are ephemeral but unauthenticated), so that a stolen server key does not expose
    /// recorded sessions.
    pub fn forward_secret(&self) -> bool {
        match self.key_exchange() {
            None => true,
            Some(kx) => kx.starts_with("ECDHE") || kx.starts_with("DHE") || kx.ends_with("_anon"),
        }
    }

    /// Whether the encryption is authenticated (AEAD: GCM, CCM, ChaCha20-Poly1305).
    pub fn aead(&self) -> bool {
        let c = self.cipher();
        c.contains("_GCM") || c.contains("_CCM") || c.contains("POLY1305")
    }

    /// The lowest protocol version the suite can be used with: AEAD suites and suites with a
    /// SHA-256 or SHA-384 MAC need TLS 1.2; TLS 1.3 suites need TLS 1.3.
    pub fn min_version(&self) -> TlsVersion {
        if self.is_tls13() {
            TlsVersion::Tls13
        } else if self.aead() || self.name.ends_with("_SHA256") || self.name.ends_with("_SHA384") {
            TlsVersion::Tls12
        } else {
            TlsVersion::Tls10
        }
    }

    /// Whether the suite can be negotiated with `version`.
    pub fn applies_to(&self, version: TlsVersion) -> bool {
        if version == TlsVersion::Tls13 {
            self.is_tls13()
        } else {
            !self.is_tls13() && self.min_version() <= version
        }
    }

    /// The rating and, for anything below strong, the reasons (short phrases such as
    /// `no forward secrecy`, `CBC`, `3DES`).
    pub fn rating(&self) -> (Rating, Vec<&'static str>) {
        let cipher = self.cipher();
        let kx = self.key_exchange().unwrap_or("");
        let mut weak = Vec::new();
        if self.name.contains("EXPORT") {
            weak.push("export-grade");
        }
        if kx.contains("anon") {
            weak.push("anonymous (no server authentication)");
        }
        if cipher.starts_with("NULL") {
            weak.push("NULL (no encryption)");
        }
        if cipher.starts_with("RC4") {
            weak.push("RC4");
        }
        if cipher.starts_with("3DES") {
            weak.push("3DES");
        } else if cipher.starts_with("DES") {
            weak.push("DES");
        }
        if cipher.starts_with("RC2") {
            weak.push("RC2");
        }
        if cipher.starts_with("IDEA") {
            weak.push("IDEA");
        }
        if cipher.ends_with("_MD5") {
            weak.push("MD5");
        }
        let mut medium = Vec::new();
        if !self.forward_secret() {
            medium.push("no forward secrecy");
        }
        if !self.aead() && !cipher.starts_with("NULL") && !cipher.starts_with("RC4") {
            medium.push("CBC");
        }
        if !weak.is_empty() {
            // The weak reasons first, then the medium ones that also apply.
            weak.extend(medium);
            (Rating::Weak, weak)
        } else if !medium.is_empty() {
            (Rating::Medium, medium)
        } else {
            (Rating::Strong, Vec::new())
        }
    }
}

/// The IANA code of a suite as text, e.g. `0x002F` (the form CICS CIPHERS lists use
/// without the `0x`: `002F`, or `2F` for two-digit codes).
pub fn code_text(code: u16) -> String {
    format!("0x{code:04X}")
}

/// Looks a suite up by its IANA code.
pub fn lookup(code: u16) -> Option<&'static CipherSuiteInfo> {
    SUITES.iter().find(|s| s.code == code)
}

/// The IANA name of a code, or `0xABCD` when it is not in the table.
pub fn name_of(code: u16) -> String {
    lookup(code).map_or_else(|| code_text(code), |s| s.name.to_owned())
}

/// Every suite of the table that can be negotiated with `version`, in table order.
pub fn suites_for(version: TlsVersion) -> Vec<&'static CipherSuiteInfo> {
    SUITES.iter().filter(|s| s.applies_to(version)).collect()
}

/// Whether cicsx (rustls with [`crate::strong_cipher_suites`]) can negotiate `code` with
/// `version`: only TLS 1.2 and 1.3 are ever offered.
pub fn usable_by_cicsx(code: u16, version: TlsVersion) -> bool {
    if version < TlsVersion::Tls12 {
        return false;
    }
    crate::strong_cipher_suites().iter().any(|s| {
        u16::from(s.suite()) == code
            && match s {
                rustls::SupportedCipherSuite::Tls13(_) => version == TlsVersion::Tls13,
                rustls::SupportedCipherSuite::Tls12(_) => version == TlsVersion::Tls12,
            }
    })
}

macro_rules! suites {
    ($($code:literal $name:ident,)*) => {
        /// Every cipher suite the probes know: TLS 1.3, and TLS 1.0 to 1.2 suites with RSA,
        /// DH, DHE, ECDH, ECDHE and anonymous key exchange (PSK, SRP and Kerberos suites are
        /// left out: a CICS region never uses them).
        pub static SUITES: &[CipherSuiteInfo] = &[
            $(CipherSuiteInfo { code: $code, name: stringify!($name) },)*
        ];
    };
}

suites! {
    0x1301 TLS_AES_128_GCM_SHA256,
    0x1302 TLS_AES_256_GCM_SHA384,
    0x1303 TLS_CHACHA20_POLY1305_SHA256,
    0x1304 TLS_AES_128_CCM_SHA256,
    0x1305 TLS_AES_128_CCM_8_SHA256,
    0x0001 TLS_RSA_WITH_NULL_MD5,
    0x0002 TLS_RSA_WITH_NULL_SHA,
    0x0003 TLS_RSA_EXPORT_WITH_RC4_40_MD5,
    0x0004 TLS_RSA_WITH_RC4_128_MD5,
    0x0005 TLS_RSA_WITH_RC4_128_SHA,
    0x0006 TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5,
    0x0007 TLS_RSA_WITH_IDEA_CBC_SHA,
    0x0008 TLS_RSA_EXPORT_WITH_DES40_CBC_SHA,
    0x0009 TLS_RSA_WITH_DES_CBC_SHA,
    0x000A TLS_RSA_WITH_3DES_EDE_CBC_SHA,
    0x000B TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA,
    0x000C TLS_DH_DSS_WITH_DES_CBC_SHA,
    0x000D TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA,
    0x000E TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA,
    0x000F TLS_DH_RSA_WITH_DES_CBC_SHA,
    0x0010 TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA,
    0x0011 TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA,
    0x0012 TLS_DHE_DSS_WITH_DES_CBC_SHA,
    0x0013 TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA,
    0x0014 TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA,
    0x0015 TLS_DHE_RSA_WITH_DES_CBC_SHA,
    0x0016 TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA,
    0x0017 TLS_DH_anon_EXPORT_WITH_RC4_40_MD5,
    0x0018 TLS_DH_anon_WITH_RC4_128_MD5,
    0x0019 TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA,
    0x001A TLS_DH_anon_WITH_DES_CBC_SHA,
    0x001B TLS_DH_anon_WITH_3DES_EDE_CBC_SHA,
    0x002F TLS_RSA_WITH_AES_128_CBC_SHA,
    0x0030 TLS_DH_DSS_WITH_AES_128_CBC_SHA,
    0x0031 TLS_DH_RSA_WITH_AES_128_CBC_SHA,
    0x0032 TLS_DHE_DSS_WITH_AES_128_CBC_SHA,
    0x0033 TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
    0x0034 TLS_DH_anon_WITH_AES_128_CBC_SHA,
    0x0035 TLS_RSA_WITH_AES_256_CBC_SHA,
    0x0036 TLS_DH_DSS_WITH_AES_256_CBC_SHA,
    0x0037 TLS_DH_RSA_WITH_AES_256_CBC_SHA,
    0x0038 TLS_DHE_DSS_WITH_AES_256_CBC_SHA,
    0x0039 TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
    0x003A TLS_DH_anon_WITH_AES_256_CBC_SHA,
    0x003B TLS_RSA_WITH_NULL_SHA256,
    0x003C TLS_RSA_WITH_AES_128_CBC_SHA256,
    0x003D TLS_RSA_WITH_AES_256_CBC_SHA256,
    0x003E TLS_DH_DSS_WITH_AES_128_CBC_SHA256,
    0x003F TLS_DH_RSA_WITH_AES_128_CBC_SHA256,
    0x0040 TLS_DHE_DSS_WITH_AES_128_CBC_SHA256,
    0x0041 TLS_RSA_WITH_CAMELLIA_128_CBC_SHA,
    0x0042 TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA,
    0x0043 TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA,
    0x0044 TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA,
    0x0045 TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA,
    0x0046 TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA,
    0x0067 TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,
    0x0068 TLS_DH_DSS_WITH_AES_256_CBC_SHA256,
    0x0069 TLS_DH_RSA_WITH_AES_256_CBC_SHA256,
    0x006A TLS_DHE_DSS_WITH_AES_256_CBC_SHA256,
    0x006B TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
    0x006C TLS_DH_anon_WITH_AES_128_CBC_SHA256,
    0x006D TLS_DH_anon_WITH_AES_256_CBC_SHA256,
    0x0084 TLS_RSA_WITH_CAMELLIA_256_CBC_SHA,
    0x0085 TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA,
    0x0086 TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA,
    0x0087 TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA,
    0x0088 TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA,
    0x0089 TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA,
    0x0096 TLS_RSA_WITH_SEED_CBC_SHA,
    0x0097 TLS_DH_DSS_WITH_SEED_CBC_SHA,
    0x0098 TLS_DH_RSA_WITH_SEED_CBC_SHA,
    0x0099 TLS_DHE_DSS_WITH_SEED_CBC_SHA,
    0x009A TLS_DHE_RSA_WITH_SEED_CBC_SHA,
    0x009B TLS_DH_anon_WITH_SEED_CBC_SHA,
    0x009C TLS_RSA_WITH_AES_128_GCM_SHA256,
    0x009D TLS_RSA_WITH_AES_256_GCM_SHA384,
    0x009E TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
    0x009F TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    0x00A0 TLS_DH_RSA_WITH_AES_128_GCM_SHA256,
    0x00A1 TLS_DH_RSA_WITH_AES_256_GCM_SHA384,
    0x00A2 TLS_DHE_DSS_WITH_AES_128_GCM_SHA256,
    0x00A3 TLS_DHE_DSS_WITH_AES_256_GCM_SHA384,
    0x00A4 TLS_DH_DSS_WITH_AES_128_GCM_SHA256,
    0x00A5 TLS_DH_DSS_WITH_AES_256_GCM_SHA384,
    0x00A6 TLS_DH_anon_WITH_AES_128_GCM_SHA256,
    0x00A7 TLS_DH_anon_WITH_AES_256_GCM_SHA384,
    0x00BA TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256,
    0x00BB TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256,
    0x00BC TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256,
    0x00BD TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256,
    0x00BE TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256,
    0x00BF TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256,
    0x00C0 TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256,
    0x00C1 TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256,
    0x00C2 TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256,
    0x00C3 TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256,
    0x00C4 TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256,
    0x00C5 TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256,
    0xC001 TLS_ECDH_ECDSA_WITH_NULL_SHA,
    0xC002 TLS_ECDH_ECDSA_WITH_RC4_128_SHA,
    0xC003 TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA,
    0xC004 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA,
    0xC005 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA,
    0xC006 TLS_ECDHE_ECDSA_WITH_NULL_SHA,
    0xC007 TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
    0xC008 TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA,
    0xC009 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    0xC00A TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    0xC00B TLS_ECDH_RSA_WITH_NULL_SHA,
    0xC00C TLS_ECDH_RSA_WITH_RC4_128_SHA,
    0xC00D TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA,
    0xC00E TLS_ECDH_RSA_WITH_AES_128_CBC_SHA,
    0xC00F TLS_ECDH_RSA_WITH_AES_256_CBC_SHA,
    0xC010 TLS_ECDHE_RSA_WITH_NULL_SHA,
    0xC011 TLS_ECDHE_RSA_WITH_RC4_128_SHA,
    0xC012 TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
    0xC013 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    0xC014 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    0xC015 TLS_ECDH_anon_WITH_NULL_SHA,
    0xC016 TLS_ECDH_anon_WITH_RC4_128_SHA,
    0xC017 TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA,
    0xC018 TLS_ECDH_anon_WITH_AES_128_CBC_SHA,
    0xC019 TLS_ECDH_anon_WITH_AES_256_CBC_SHA,
    0xC023 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    0xC024 TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
    0xC025 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256,
    0xC026 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384,
    0xC027 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    0xC028 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    0xC029 TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256,
    0xC02A TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384,
    0xC02B TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    0xC02C TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    0xC02D TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256,
    0xC02E TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384,
    0xC02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    0xC030 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    0xC031 TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256,
    0xC032 TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384,
    0xC050 TLS_RSA_WITH_ARIA_128_GCM_SHA256,
    0xC051 TLS_RSA_WITH_ARIA_256_GCM_SHA384,
    0xC052 TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256,
    0xC053 TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384,
    0xC056 TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256,
    0xC057 TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384,
    0xC05C TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256,
    0xC05D TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384,
    0xC060 TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256,
    0xC061 TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384,
    0xC072 TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256,
    0xC073 TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384,
    0xC076 TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256,
    0xC077 TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384,
    0xC09C TLS_RSA_WITH_AES_128_CCM,
    0xC09D TLS_RSA_WITH_AES_256_CCM,
    0xC09E TLS_DHE_RSA_WITH_AES_128_CCM,
    0xC09F TLS_DHE_RSA_WITH_AES_256_CCM,
    0xC0A0 TLS_RSA_WITH_AES_128_CCM_8,
    0xC0A1 TLS_RSA_WITH_AES_256_CCM_8,
    0xC0A2 TLS_DHE_RSA_WITH_AES_128_CCM_8,
    0xC0A3 TLS_DHE_RSA_WITH_AES_256_CCM_8,
    0xC0AC TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
    0xC0AD TLS_ECDHE_ECDSA_WITH_AES_256_CCM,
    0xC0AE TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
    0xC0AF TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8,
    0xCCA8 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0xCCA9 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    0xCCAA TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_names_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for s in SUITES {
            assert!(seen.insert(s.code), "duplicate {:04X}", s.code);
            assert!(s.name.starts_with("TLS_"), "{}", s.name);
            assert_eq!(s.is_tls13(), s.code >> 8 == 0x13, "{}", s.name);
        }
    }

    #[test]
    fn ratings_follow_the_policy() {
        let rate = |code| lookup(code).unwrap().rating();
        assert_eq!(rate(0x1301), (Rating::Strong, vec![]));
        assert_eq!(rate(0xC02F), (Rating::Strong, vec![]));
        assert_eq!(rate(0xCCAA), (Rating::Strong, vec![]));
        assert_eq!(
            rate(0x002F),
            (Rating::Medium, vec!["no forward secrecy", "CBC"])
        );
        assert_eq!(rate(0xC013), (Rating::Medium, vec!["CBC"]));
        assert_eq!(rate(0x009C), (Rating::Medium, vec!["no forward secrecy"]));
        assert_eq!(rate(0x000A).0, Rating::Weak);
        assert!(rate(0x000A).1.contains(&"3DES"));
        assert!(rate(0x0009).1.contains(&"DES"));
        assert!(rate(0x0005).1.contains(&"RC4"));
        assert!(rate(0x0002).1.contains(&"NULL (no encryption)"));
        assert!(rate(0x0003).1.contains(&"export-grade"));
        assert!(rate(0x0003).1.contains(&"MD5"));
        assert!(
            rate(0x0034)
                .1
                .contains(&"anonymous (no server authentication)")
        );
        assert_eq!(rate(0xC018).0, Rating::Weak, "ECDH_anon");
        assert!(
            !rate(0xC018).1.contains(&"no forward secrecy"),
            "anon (EC)DH is ephemeral"
        );
    }

    #[test]
    fn versions_of_suites() {
        let v = |code| lookup(code).unwrap().min_version();
        assert_eq!(v(0x002F), TlsVersion::Tls10);
        assert_eq!(v(0x003C), TlsVersion::Tls12);
        assert_eq!(v(0xC02B), TlsVersion::Tls12);
        assert_eq!(v(0x1302), TlsVersion::Tls13);
        assert!(suites_for(TlsVersion::Tls13).iter().all(|s| s.is_tls13()));
        assert!(suites_for(TlsVersion::Tls10).iter().all(|s| !s.aead()));
        assert!(suites_for(TlsVersion::Tls12).len() > suites_for(TlsVersion::Tls11).len());
        assert_eq!(
            suites_for(TlsVersion::Tls10).len(),
            suites_for(TlsVersion::Tls11).len()
        );
    }

    #[test]
    fn cicsx_uses_exactly_its_strong_suites() {
        assert!(usable_by_cicsx(0x1301, TlsVersion::Tls13));
        assert!(!usable_by_cicsx(0x1301, TlsVersion::Tls12));
        assert!(usable_by_cicsx(0xC02B, TlsVersion::Tls12));
        assert!(usable_by_cicsx(0xC02F, TlsVersion::Tls12));
        assert!(!usable_by_cicsx(0xC013, TlsVersion::Tls12), "CBC");
        assert!(!usable_by_cicsx(0x002F, TlsVersion::Tls12));
        assert!(!usable_by_cicsx(0xC02F, TlsVersion::Tls11));
        // Everything cicsx can use is in the table and rated strong.
        for s in crate::strong_cipher_suites() {
            let info = lookup(u16::from(s.suite())).unwrap();
            assert_eq!(info.rating().0, Rating::Strong, "{}", info.name);
        }
    }

    #[test]
    fn unknown_codes_print_as_hex() {
        assert_eq!(name_of(0x002F), "TLS_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(name_of(0xFAFA), "0xFAFA");
    }
}
