//! What a person needs to see of a certificate before trusting it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use rustls_pki_types::CertificateDer;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::public_key::PublicKey;

use crate::{Error, Fingerprint};

/// A certificate's main fields, as text, for certificate alerts and listings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// Subject distinguished name, e.g. `CN=cics.example.com, O=Example`.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, upper-case hex without leading zero bytes (as `openssl x509 -serial`).
    pub serial: String,
    /// Start of validity, RFC 3339 UTC (`2025-01-31T12:00:00Z`).
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// End of validity, seconds since the Unix epoch.
    pub not_after_unix: i64,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before_unix: i64,
    /// Subject alternative names: DNS names and IP addresses as they are (`cics.example.com`,
    /// `10.1.2.3`, `::1`), others with a prefix (`email:`, `URI:`).
    pub subject_alt_names: Vec<String>,
    /// Public key, e.g. `ECDSA P-256`, `RSA 2048`, `Ed25519`.
    pub key_algorithm: String,
    /// Signature algorithm, with OpenSSL's names, e.g. `ecdsa-with-SHA256`,
    /// `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// True if Basic Constraints say it is a CA.
    pub is_ca: bool,
    /// True if it is self-issued: subject equals issuer (and the key identifiers, when both are
    /// present, agree). Such a certificate is its own root.
    pub self_signed: bool,
    /// SHA-256 fingerprint of the DER.
    pub sha256: Fingerprint,
}

impl CertificateInfo {
    /// Reads the fields of a DER certificate.
    ///
    /// # Errors
    /// [`Error::InvalidCertificate`] if it does not parse as X.509.
    pub fn from_der(der: &CertificateDer<'_>) -> Result<Self, Error> {
        let (rest, cert) =
            x509_parser::parse_x509_certificate(der).map_err(|e| Error::InvalidCertificate {
                detail: e.to_string(),
            })?;
        if !rest.is_empty() {
            return Err(Error::InvalidCertificate {
                detail: "trailing data after the certificate".into(),
            });
        }
        let tbs = &cert.tbs_certificate;
        let not_before_unix = tbs.validity.not_before.timestamp();
        let not_after_unix = tbs.validity.not_after.timestamp();

        let mut subject_alt_names = Vec::new();
        let mut ski: Option<&[u8]> = None;
        let mut aki: Option<&[u8]> = None;
        for ext in tbs.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(san) => {
                    subject_alt_names.extend(san.general_names.iter().filter_map(general_name));
                }
                ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    aki = a.key_identifier.as_ref().map(|k| k.0);
                }
                _ => {}
            }
        }
        let self_issued = tbs.subject.as_raw() == tbs.issuer.as_raw();
        let ids_agree = match (aki, ski) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        };

        Ok(Self {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            serial: serial_hex(tbs.raw_serial()),
            not_before: rfc3339(not_before_unix),
            not_after: rfc3339(not_after_unix),
            not_after_unix,
            not_before_unix,
            subject_alt_names,
            key_algorithm: key_algorithm(tbs.subject_pki.algorithm.algorithm.to_id_string(), &cert),
            signature_algorithm: signature_algorithm(
                &cert.signature_algorithm.algorithm.to_id_string(),
            ),
            is_ca: cert.is_ca(),
            self_signed: self_issued && ids_agree,
            sha256: Fingerprint::of(der),
        })
    }

    /// DNS names and IP addresses among the subject alternative names: the names a TLS client
    /// matches the host name against.
    pub fn host_names(&self) -> impl Iterator<Item = &str> {
        self.subject_alt_names
            .iter()
            .map(String::as_str)
            .filter(|n| !n.starts_with("email:") && !n.starts_with("URI:"))
    }
}

impl CertificateInfo {
    /// Whether the certificate is issued for `host`: one of its subject alternative names is
    /// that DNS name (a `*` standing for the whole left-most label), or that IP address. As in
    /// TLS validation, the subject's common name does not count.
    pub fn names_host(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self
                .subject_alt_names
                .iter()
                .any(|n| n.parse::<IpAddr>().is_ok_and(|n| n == ip));
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.subject_alt_names.iter().any(|name| {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            match name.strip_prefix("*.") {
                Some(rest) => host
                    .split_once('.')
                    .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
                None => name == host,
            }
        })
    }

    /// What is wrong with this certificate for `host` at `now_unix`, beyond nothing trusting
    /// it, for a certificate alert: a person accepting it must see that it has expired, is not
    /// valid yet, or was issued for other names. Empty when nothing is.
    pub fn alert_problems(&self, host: &str, now_unix: i64) -> Vec<String> {
        let date = |d: &str| d.get(..10).unwrap_or(d).to_owned();
        let mut problems = Vec::new();
        if self.not_after_unix < now_unix {
            problems.push(format!("EXPIRED on {}", date(&self.not_after)));
        }
        if self.not_before_unix > now_unix {
            problems.push(format!("NOT VALID before {}", date(&self.not_before)));
        }
        if !self.names_host(host) {
            let names = if self.subject_alt_names.is_empty() {
                "no host names at all".to_owned()
            } else {
                self.subject_alt_names.join(", ")
            };
            problems.push(format!("NOT ISSUED FOR {host}: it names {names}"));
        }
        problems
    }
}

fn general_name(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::DNSName(d) => Some((*d).to_owned()),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => {
                let b: [u8; 4] = (*bytes).try_into().ok()?;
                Some(IpAddr::V4(Ipv4Addr::from(b)).to_string())
            }
            16 => {
                let b: [u8; 16] = (*bytes).try_into().ok()?;
                Some(IpAddr::V6(Ipv6Addr::from(b)).to_string())
            }
            _ => None,
        },
        GeneralName::RFC822Name(e) => Some(format!("email:{e}")),
        GeneralName::URI(u) => Some(format!("URI:{u}")),
        _ => None,
    }
}

fn serial_hex(raw: &[u8]) -> String {
    let start = raw
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    let digits: String = raw[start..].iter().map(|b| format!("{b:02X}")).collect();
    if digits.is_empty() {
        "00".into()
    } else {
        digits
    }
}

/// The public key of a DER certificate as [`CertificateInfo::key_algorithm`] describes it, without
/// the rest of [`CertificateInfo`] (names, dates, fingerprint): the check every handshake makes.
pub(crate) fn key_algorithm_of(der: &CertificateDer<'_>) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let oid = cert
        .tbs_certificate
        .subject_pki
        .algorithm
        .algorithm
        .to_id_string();
    Some(key_algorithm(oid, &cert))
}

fn key_algorithm(oid: String, cert: &x509_parser::certificate::X509Certificate<'_>) -> String {
    let spki = &cert.tbs_certificate.subject_pki;
    match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => format!("RSA {}", bit_length(rsa.modulus)),
            _ => "RSA".into(),
        },
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "ECDSA P-256".into(),
                Some("1.3.132.0.34") => "ECDSA P-384".into(),
                Some("1.3.132.0.35") => "ECDSA P-521".into(),
                Some("1.3.132.0.10") => "ECDSA secp256k1".into(),
                Some(other) => format!("ECDSA (curve {other})"),
                None => "ECDSA".into(),
            }
        }
        "1.3.101.112" => "Ed25519".into(),
        "1.3.101.113" => "Ed448".into(),
        "1.2.840.10040.4.1" => match spki.parsed() {
            Ok(PublicKey::DSA(y)) => format!("DSA {}", bit_length(y)),
            _ => "DSA".into(),
        },
        other => format!("unknown ({other})"),
    }
}

/// Bits in a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    match bytes.iter().position(|&b| b != 0) {
        Some(i) => (bytes.len() - i - 1) * 8 + (8 - bytes[i].leading_zeros() as usize),
        None => 0,
    }
}

fn signature_algorithm(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        other => return format!("unknown ({other})"),
    }
    .into()
}

/// Seconds since the epoch as RFC 3339 UTC, e.g. `2025-01-31T12:00:00Z`.
pub(crate) fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // d is 1..=31 and m is 1..=12 by construction.
    (y, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_738_324_800), "2025-01-31T12:00:00Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn serials_and_bits() {
        assert_eq!(serial_hex(&[0x00, 0xab, 0x01]), "AB01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[]), "00");
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
    }

    fn with_names(names: &[&str]) -> CertificateInfo {
        CertificateInfo {
            subject: "CN=x".into(),
            issuer: "CN=x".into(),
            serial: "01".into(),
            not_before: rfc3339(1_000),
            not_after: rfc3339(2_000),
            not_after_unix: 2_000,
            not_before_unix: 1_000,
            subject_alt_names: names.iter().map(|n| (*n).to_owned()).collect(),
            key_algorithm: String::new(),
            signature_algorithm: String::new(),
            is_ca: false,
            self_signed: true,
            sha256: Fingerprint::of(&[]),
        }
    }

    #[test]
    fn host_names_match_as_tls_does() {
        let c = with_names(&["mvs1.example.com", "*.plex.example.com", "10.1.2.3", "::1"]);
        for host in [
            "mvs1.example.com",
            "MVS1.example.com.",
            "a.plex.example.com",
            "10.1.2.3",
            "[::1]",
        ] {
            assert!(c.names_host(host), "{host}");
        }
        for host in [
            "plex.example.com",
            "a.b.plex.example.com",
            "mvs2.example.com",
            "10.1.2.4",
            "127.0.0.1",
        ] {
            assert!(!c.names_host(host), "{host}");
        }
        assert!(!with_names(&[]).names_host("localhost"));
    }

    #[test]
    fn alert_problems_say_what_is_wrong() {
        let c = with_names(&["mvs1.example.com"]);
        assert!(c.alert_problems("mvs1.example.com", 1_500).is_empty());
        let p = c.alert_problems("127.0.0.1", 3_000);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("EXPIRED on 1970-01-01"), "{p:?}");
        assert!(
            p[1].contains("NOT ISSUED FOR 127.0.0.1: it names mvs1.example.com"),
            "{p:?}"
        );
        assert!(c.alert_problems("mvs1.example.com", 10)[0].starts_with("NOT VALID before"));
    }

    #[test]
    fn rejects_garbage() {
        let err = CertificateInfo::from_der(&CertificateDer::from(vec![0x30, 0x00])).unwrap_err();
        assert_eq!(err.id(), "CICSX0207E");
    }
}
