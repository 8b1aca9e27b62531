//! Warnings about trusted and client certificates that expire soon or have expired.

use std::fmt;

use cicsx_keystore::{Entry, Keystore};
use rustls_pki_types::CertificateDer;

use crate::{AnchorSource, CertificateInfo, Fingerprint, TrustStore, parse_pin_alias, pin_alias};

/// Message ID of a warning about a certificate that expires soon.
pub const EXPIRES_SOON_ID: &str = "CICSX0214W";
/// Message ID of a warning about a certificate that has expired.
pub const EXPIRED_ID: &str = "CICSX0215W";

/// The kind of certificate an [`ExpiryWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpiryKind {
    /// A trust anchor (a CA certificate, or a server certificate trusted exactly).
    Trusted,
    /// A server certificate accepted on first use for one host and port.
    Accepted,
    /// The user's own certificate (of a private key entry), sent to servers that ask for one.
    Client,
}

impl ExpiryKind {
    /// What a keystore entry's certificate is to cicsx: a private key entry's is the user's own
    /// (client), a trusted entry under a pin alias (`host:port`) an accepted server
    /// certificate, any other trusted entry a trust anchor. `None` for other kinds of entry.
    pub fn of_entry(entry: &Entry) -> Option<ExpiryKind> {
        match entry {
            Entry::PrivateKey(_) => Some(ExpiryKind::Client),
            Entry::Trusted(t) if parse_pin_alias(&t.alias).is_some() => Some(ExpiryKind::Accepted),
            Entry::Trusted(_) => Some(ExpiryKind::Trusted),
            _ => None,
        }
    }

    /// The one-word name used in keystore listings (CLI and desktop app): `key`, `accepted`
    /// or `trusted`.
    pub fn short_name(self) -> &'static str {
        match self {
            ExpiryKind::Client => "key",
            ExpiryKind::Accepted => "accepted",
            ExpiryKind::Trusted => "trusted",
        }
    }
}

/// Where a certificate stands against the end of its validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// More than the warning period left.
    Valid,
    /// Within the warning period: whole days left (0 on its last day).
    ExpiresSoon {
        /// Whole days left.
        days_left: i64,
    },
    /// Past its end.
    Expired,
}

impl Validity {
    /// The standing of a certificate ending at `not_after_unix`, at `now_unix`, warning
    /// `days` days ahead (the rule of [`expiry_warnings`]).
    ///
    /// ```
    /// use cicsx_truststore::Validity;
    /// let day = 86_400;
    /// assert_eq!(Validity::at(1_000, 2_000, 30), Validity::Expired);
    /// assert_eq!(Validity::at(10 * day, 0, 30), Validity::ExpiresSoon { days_left: 10 });
    /// assert_eq!(Validity::at(31 * day, 0, 30), Validity::Valid);
    /// ```
    pub fn at(not_after_unix: i64, now_unix: i64, days: i64) -> Validity {
        if not_after_unix < now_unix {
            return Validity::Expired;
        }
        let days_left = (not_after_unix - now_unix).div_euclid(86_400);
        if days_left <= days {
            Validity::ExpiresSoon { days_left }
        } else {
            Validity::Valid
        }
    }

    /// The end date as listings show it: `2027-03-01`, `2027-03-01 (in 12 days!)` or
    /// `2021-01-01 EXPIRED`, from the RFC 3339 `not_after` of [`CertificateInfo`].
    pub fn label(self, not_after: &str) -> String {
        let date = not_after.get(..10).unwrap_or(not_after);
        match self {
            Validity::Valid => date.to_owned(),
            Validity::ExpiresSoon { days_left } => format!("{date} (in {days_left} days!)"),
            Validity::Expired => format!("{date} EXPIRED"),
        }
    }
}

impl fmt::Display for ExpiryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExpiryKind::Trusted => "trusted certificate",
            ExpiryKind::Accepted => "accepted server certificate",
            ExpiryKind::Client => "client certificate",
        })
    }
}

/// A certificate that expires within the warning period, or has expired.
///
/// `Display` gives one line naming the kind, alias, subject, source and date, without the
/// message ID ([`ExpiryWarning::id`]), as for this crate's errors:
/// `client certificate "me" (CN=CICSUSER) in keystore /home/me/.cicsx/keystore.p12 expires on
/// 2025-03-01T00:00:00Z, in 12 days`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExpiryWarning {
    /// What the certificate is for.
    pub kind: ExpiryKind,
    /// Its alias in the keystore it came from (for a pin, `host:port`), if any.
    pub alias: Option<String>,
    /// Its subject distinguished name.
    pub subject: String,
    /// Where it came from.
    pub source: AnchorSource,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// End of validity, seconds since the Unix epoch.
    pub not_after_unix: i64,
    /// Whole days from now to the end of validity; negative once expired.
    pub days_left: i64,
    /// SHA-256 fingerprint, to tell certificates with the same subject apart.
    pub sha256: Fingerprint,
}

impl ExpiryWarning {
    /// `CICSX0214W` (expires soon) or `CICSX0215W` (expired).
    pub fn id(&self) -> &'static str {
        if self.is_expired() {
            EXPIRED_ID
        } else {
            EXPIRES_SOON_ID
        }
    }

    /// True if the end of validity has passed.
    pub fn is_expired(&self) -> bool {
        self.days_left < 0
    }
}

impl fmt::Display for ExpiryWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(alias) = &self.alias {
            write!(f, " \"{alias}\"")?;
        }
        let preposition = match self.source {
            AnchorSource::Keystore(_) | AnchorSource::Truststore(_) | AnchorSource::Pem(_) => "in",
            _ => "from",
        };
        write!(f, " ({}) {preposition} {}", self.subject, self.source)?;
        match self.days_left {
            d if d < 0 => write!(f, " expired on {}", self.not_after),
            0 => write!(f, " expires on {}, in less than a day", self.not_after),
            1 => write!(f, " expires on {}, in 1 day", self.not_after),
            d => write!(f, " expires on {}, in {d} days", self.not_after),
        }
    }
}

/// Warnings for every certificate that ends its validity within `days` days of `now_unix`
/// (seconds since the epoch), or has ended it: the trust store's anchors and pins, and the
/// client certificates (leaf of each private key entry) of `keystore`. Earliest first.
///
/// Anchors from the operating system ([`AnchorSource::System`]) are left out: the system
/// maintains them, the user cannot renew them, and an expired root simply anchors nothing.
/// Client certificates are attributed to the first keystore given to the trust store with an
/// [`AnchorSource::Keystore`] source (see [`client_expiry_warnings`] to name it yourself).
///
/// ```
/// use cicsx_keystore::{Entry, Keystore};
/// use cicsx_truststore::{TrustStore, expiry_warnings};
///
/// let warnings = expiry_warnings(&TrustStore::new(), &Keystore::new(), 1_700_000_000, 30);
/// assert!(warnings.is_empty());
/// ```
pub fn expiry_warnings(
    store: &TrustStore,
    keystore: &Keystore,
    now_unix: i64,
    days: i64,
) -> Vec<ExpiryWarning> {
    let client_source = store
        .keystore_source()
        .cloned()
        .unwrap_or_else(|| AnchorSource::Builtin("your keystore".into()));
    let mut out: Vec<ExpiryWarning> = Vec::new();
    for anchor in store.anchors() {
        if anchor.source == AnchorSource::System {
            continue;
        }
        out.extend(check(
            ExpiryKind::Trusted,
            anchor.alias.clone(),
            &anchor.certificate,
            &anchor.source,
            now_unix,
            days,
        ));
    }
    for pin in store.pins() {
        out.extend(check(
            ExpiryKind::Accepted,
            Some(pin_alias(&pin.host, pin.port)),
            &pin.certificate,
            &pin.source,
            now_unix,
            days,
        ));
    }
    out.extend(client_expiry_warnings(
        keystore,
        &client_source,
        now_unix,
        days,
    ));
    out.sort_by_key(|w| w.not_after_unix);
    out
}

/// Warnings for the client certificates of `keystore` (the leaf of each private key entry)
/// that end their validity within `days` days of `now_unix`, or have ended it; `source` names
/// the keystore. Earliest first.
pub fn client_expiry_warnings(
    keystore: &Keystore,
    source: &AnchorSource,
    now_unix: i64,
    days: i64,
) -> Vec<ExpiryWarning> {
    let mut out: Vec<ExpiryWarning> = keystore
        .private_keys()
        .filter_map(|entry| {
            check(
                ExpiryKind::Client,
                Some(entry.alias.clone()),
                entry.chain.first()?,
                source,
                now_unix,
                days,
            )
        })
        .collect();
    out.sort_by_key(|w| w.not_after_unix);
    out
}

fn check(
    kind: ExpiryKind,
    alias: Option<String>,
    cert: &CertificateDer<'_>,
    source: &AnchorSource,
    now_unix: i64,
    days: i64,
) -> Option<ExpiryWarning> {
    let info = CertificateInfo::from_der(cert).ok()?;
    let limit = now_unix.saturating_add(days.max(0).saturating_mul(86_400));
    if info.not_after_unix > limit {
        return None;
    }
    let remaining = info.not_after_unix.saturating_sub(now_unix);
    // Floor division: one second past the end is expired (-1), 23 hours before it is 0.
    let days_left = remaining.div_euclid(86_400);
    Some(ExpiryWarning {
        kind,
        alias,
        subject: info.subject,
        source: source.clone(),
        not_after: info.not_after,
        not_after_unix: info.not_after_unix,
        days_left,
        sha256: info.sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(days_left: i64, source: AnchorSource) -> ExpiryWarning {
        ExpiryWarning {
            kind: ExpiryKind::Client,
            alias: Some("me".into()),
            subject: "CN=CICSUSER".into(),
            source,
            not_after: "2025-03-01T00:00:00Z".into(),
            not_after_unix: 1_740_787_200,
            days_left,
            sha256: Fingerprint::of(b"x"),
        }
    }

    #[test]
    fn texts() {
        let ks = AnchorSource::Keystore("/home/me/keystore.p12".into());
        let w = warning(12, ks.clone());
        assert_eq!(w.id(), "CICSX0214W");
        assert_eq!(
            w.to_string(),
            "client certificate \"me\" (CN=CICSUSER) in keystore /home/me/keystore.p12 expires \
             on 2025-03-01T00:00:00Z, in 12 days"
        );
        assert!(warning(1, ks.clone()).to_string().ends_with(", in 1 day"));
        assert!(
            warning(0, ks.clone())
                .to_string()
                .ends_with(", in less than a day")
        );
        let w = warning(-1, AnchorSource::Central("https://x/t.pem".into()));
        assert_eq!(w.id(), "CICSX0215W");
        assert!(w.is_expired());
        assert_eq!(
            w.to_string(),
            "client certificate \"me\" (CN=CICSUSER) from central truststore https://x/t.pem \
             expired on 2025-03-01T00:00:00Z"
        );
    }
}
