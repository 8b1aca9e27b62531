//! Security preferences shared by every connection, and `preferences.toml`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Location};
use crate::schema::{self, Keys, quote};

/// The version of the `preferences.toml` layout this crate reads and writes.
pub const PREFERENCES_VERSION: i64 = 1;

/// The keystore types [`Preferences::keystore_type`] may name (case-insensitive).
pub const KEYSTORE_TYPES: &[&str] = &["PKCS12", "JKS", "PEM"];

/// Which TLS protocol versions to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Protocol {
    /// Let the handshake choose: TLS 1.3, or TLS 1.2 when the server has nothing newer.
    /// Written `default`.
    #[default]
    Default,
    /// TLS 1.2 only. Written `TLSv1.2`.
    Tls12,
    /// TLS 1.3 only. Written `TLSv1.3`.
    Tls13,
}

impl Protocol {
    /// The name written in `preferences.toml`: `default`, `TLSv1.2` or `TLSv1.3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Default => "default",
            Protocol::Tls12 => "TLSv1.2",
            Protocol::Tls13 => "TLSv1.3",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Protocol::from_str`]: the text names no protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProtocol(String);

impl fmt::Display for UnknownProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a TLS protocol; use default, TLSv1.2 or TLSv1.3",
            self.0.escape_debug().to_string()
        )
    }
}

impl std::error::Error for UnknownProtocol {}

impl FromStr for Protocol {
    type Err = UnknownProtocol;

    /// Accepts `default`, and TLS 1.2 / 1.3 written as `TLSv1.2`, `tls1.2`, `TLS12`, `1.2`,
    /// `tlsv1_2`... in any case.
    ///
    /// ```
    /// use cicsx_profile::Protocol;
    /// assert_eq!("tls1.2".parse(), Ok(Protocol::Tls12));
    /// assert_eq!("1.3".parse(), Ok(Protocol::Tls13));
    /// assert!("ssl3".parse::<Protocol>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "default" {
            return Ok(Protocol::Default);
        }
        let rest = lower.strip_prefix("tls").unwrap_or(&lower);
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        let rest = rest.strip_prefix(['-', '_', ' ']).unwrap_or(rest);
        match rest.replace(['_', '-'], ".").as_str() {
            "1.2" | "12" => Ok(Protocol::Tls12),
            "1.3" | "13" => Ok(Protocol::Tls13),
            _ => Err(UnknownProtocol(s.to_owned())),
        }
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Security preferences that apply to every connection, like CICS Explorer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    /// Whether server certificates are verified (default `true`). Turning it off makes every
    /// connection open to impersonation.
    pub trust_verification: bool,
    /// The keystore holding client certificates; `None` is the workspace's `keystore.p12`.
    pub keystore: Option<PathBuf>,
    /// The keystore's type (one of [`KEYSTORE_TYPES`]); `None` guesses from the file.
    pub keystore_type: Option<String>,
    /// The truststore; `None` uses the keystore as truststore, as CICS Explorer does.
    pub truststore: Option<PathBuf>,
    /// A central truststore shared by a team: a path, or an `https://` URL.
    pub central_truststore: Option<String>,
    /// The PKCS#11 module (driver) for smart cards, e.g. `/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so`.
    pub smartcard_module: Option<PathBuf>,
    /// Also trust the operating system's root certificates (default false: a CICS region's
    /// certificate usually comes from the company's own CA, and trusting every public CA
    /// widens who can impersonate it).
    pub system_roots: bool,
    /// Seconds to wait for the connection, the TLS handshake and each response (default:
    /// 10 s to connect, 15 s for the handshake, 60 s for a response).
    pub timeout: Option<u64>,
    /// Which TLS versions to offer.
    pub protocol: Protocol,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            trust_verification: true,
            keystore: None,
            keystore_type: None,
            truststore: None,
            central_truststore: None,
            smartcard_module: None,
            system_roots: false,
            timeout: None,
            protocol: Protocol::Default,
        }
    }
}

impl Preferences {
    /// Parses the text of a `preferences.toml` file (layout in the crate documentation).
    /// Missing keys take their defaults.
    ///
    /// ```
    /// use cicsx_profile::{Preferences, Protocol};
    /// let p = Preferences::parse("version = 1\nprotocol = \"TLSv1.3\"\n")?;
    /// assert_eq!(p.protocol, Protocol::Tls13);
    /// assert!(p.trust_verification);
    /// assert_eq!(Preferences::parse(&p.to_toml())?, p);
    /// # Ok::<(), cicsx_profile::Error>(())
    /// ```
    pub fn parse(toml_text: &str) -> Result<Self, Error> {
        let raw: RawPreferences = schema::parse(toml_text, &PREFERENCES_KEYS)?;
        if let Some(version) = &raw.version
            && *version.get_ref() != PREFERENCES_VERSION
        {
            return Err(Error::UnsupportedVersion {
                at: schema::at(toml_text, Some(version.span())),
                found: *version.get_ref(),
            });
        }
        let preferences = Preferences {
            trust_verification: raw.trust_verification.unwrap_or(true),
            keystore: raw.keystore.map(PathBuf::from),
            keystore_type: raw.keystore_type,
            truststore: raw.truststore.map(PathBuf::from),
            central_truststore: raw.central_truststore,
            smartcard_module: raw.smartcard_module.map(PathBuf::from),
            system_roots: raw.system_roots.unwrap_or(false),
            timeout: raw.timeout,
            protocol: raw.protocol.unwrap_or_default(),
        };
        preferences.validate()?;
        Ok(preferences)
    }

    /// Checks every preference: paths not empty and valid Unicode, a known keystore type, a
    /// central truststore that is a path or an `https://` URL (never plain `http://`: trust
    /// anchors fetched without TLS could be replaced on the way).
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |field: &'static str, reason: String| Error::InvalidPreference {
            at: Location::default(),
            field,
            reason,
        };
        for (field, path) in [
            ("keystore", &self.keystore),
            ("truststore", &self.truststore),
            ("smartcard_module", &self.smartcard_module),
        ] {
            if let Some(path) = path {
                check_path(path).map_err(|r| invalid(field, r))?;
            }
        }
        // The keystore commands' spellings are taken too (p12, pfx, PKCS#12).
        if let Some(kind) = &self.keystore_type
            && !KEYSTORE_TYPES
                .iter()
                .chain(&["P12", "PFX", "PKCS#12"])
                .any(|k| k.eq_ignore_ascii_case(kind.trim()))
        {
            return Err(invalid(
                "keystore_type",
                format!("{kind:?} is not a keystore type; use PKCS12 (or p12), JKS or PEM"),
            ));
        }
        if let Some(t) = self.timeout
            && !(1..=3600).contains(&t)
        {
            return Err(invalid(
                "timeout",
                format!("{t} is not a number of seconds from 1 to 3600"),
            ));
        }
        if let Some(central) = &self.central_truststore {
            check_central(central).map_err(|r| invalid("central_truststore", r))?;
        }
        Ok(())
    }

    /// The names of the preferences, as `get`, `set` and `preferences.toml` spell them.
    pub const KEYS: &'static [&'static str] = &[
        "trust_verification",
        "keystore",
        "keystore_type",
        "truststore",
        "central_truststore",
        "smartcard_module",
        "system_roots",
        "timeout",
        "protocol",
    ];

    /// The value of one preference as text (`None` when it is not set).
    pub fn get(&self, key: &str) -> Result<Option<String>, Error> {
        let path = |p: &Option<PathBuf>| p.as_deref().map(|p| p.to_string_lossy().into_owned());
        Ok(match key {
            "trust_verification" => Some(self.trust_verification.to_string()),
            "keystore" => path(&self.keystore),
            "keystore_type" => self.keystore_type.clone(),
            "truststore" => path(&self.truststore),
            "central_truststore" => self.central_truststore.clone(),
            "smartcard_module" => path(&self.smartcard_module),
            "system_roots" => Some(self.system_roots.to_string()),
            "timeout" => self.timeout.map(|t| t.to_string()),
            "protocol" => Some(self.protocol.as_str().to_owned()),
            _ => return Err(unknown_key(key)),
        })
    }

    /// Sets one preference from text, then validates the whole. `none` (or an empty value)
    /// unsets an optional preference. Booleans take true/false, on/off, yes/no.
    ///
    /// ```
    /// let mut p = cicsx_profile::Preferences::default();
    /// p.set("protocol", "TLSv1.3")?;
    /// p.set("trust_verification", "off")?;
    /// assert_eq!(p.get("protocol")?.as_deref(), Some("TLSv1.3"));
    /// assert!(!p.trust_verification);
    /// assert!(p.set("central_truststore", "http://example.com/ca.pem").is_err());
    /// # Ok::<(), cicsx_profile::Error>(())
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let invalid = |field: &'static str, reason: String| Error::InvalidPreference {
            at: Location::default(),
            field,
            reason,
        };
        let value = value.trim();
        let unset = value.is_empty() || value.eq_ignore_ascii_case("none");
        let text = |v: &str| (!unset).then(|| v.to_owned());
        let mut next = self.clone();
        match key {
            "trust_verification" => {
                next.trust_verification = on_off(value).ok_or_else(|| {
                    invalid(
                        "trust_verification",
                        format!("{value:?} is not on or off (true/false, yes/no)"),
                    )
                })?
            }
            "system_roots" => {
                next.system_roots = on_off(value).ok_or_else(|| {
                    invalid(
                        "system_roots",
                        format!("{value:?} is not on or off (true/false, yes/no)"),
                    )
                })?
            }
            "timeout" => {
                next.timeout = if unset {
                    None
                } else {
                    Some(
                        value
                            .trim_end_matches('s')
                            .parse::<u64>()
                            .ok()
                            .filter(|t| (1..=3600).contains(t))
                            .ok_or_else(|| {
                                invalid(
                                    "timeout",
                                    format!("{value:?} is not a number of seconds from 1 to 3600"),
                                )
                            })?,
                    )
                }
            }
            "keystore" => next.keystore = text(value).map(PathBuf::from),
            "keystore_type" => next.keystore_type = text(value).map(|v| v.to_ascii_uppercase()),
            "truststore" => next.truststore = text(value).map(PathBuf::from),
            "central_truststore" => next.central_truststore = text(value),
            "smartcard_module" => next.smartcard_module = text(value).map(PathBuf::from),
            "protocol" => {
                next.protocol = if unset {
                    Protocol::Default
                } else {
                    value
                        .parse()
                        .map_err(|e: UnknownProtocol| invalid("protocol", e.to_string()))?
                }
            }
            _ => return Err(unknown_key(key)),
        }
        next.validate()?;
        *self = next;
        Ok(())
    }

    /// The text of a `preferences.toml` file holding these preferences. Preferences left at
    /// `None` are written as comments, so the user sees what can be set.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("# cicsx security preferences, shared by every connection.\n");
        out.push_str(&format!("version = {PREFERENCES_VERSION}\n"));
        out.push_str(&format!(
            "trust_verification = {}\n",
            self.trust_verification
        ));
        out.push_str(&format!("protocol = {}\n", quote(self.protocol.as_str())));
        out.push_str(&format!("system_roots = {}\n", self.system_roots));
        if let Some(t) = self.timeout {
            out.push_str(&format!("timeout = {t}\n"));
        }
        let path = |p: &Option<PathBuf>| p.as_deref().map(|p| p.to_string_lossy().into_owned());
        let optional = [
            (
                "keystore",
                path(&self.keystore),
                "the workspace's keystore.p12",
            ),
            (
                "keystore_type",
                self.keystore_type.clone(),
                "PKCS12, JKS or PEM; guessed from the file",
            ),
            (
                "truststore",
                path(&self.truststore),
                "the keystore serves as truststore",
            ),
            (
                "central_truststore",
                self.central_truststore.clone(),
                "a path or https:// URL shared by a team",
            ),
            (
                "smartcard_module",
                path(&self.smartcard_module),
                "the PKCS#11 module of your smart card reader",
            ),
        ];
        for (key, value, hint) in optional {
            match value {
                Some(value) => out.push_str(&format!("{key} = {}\n", quote(&value))),
                None => out.push_str(&format!("# {key} = \"...\"  ({hint})\n")),
            }
        }
        out
    }
}

fn on_off(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" => Some(true),
        "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

fn unknown_key(key: &str) -> Error {
    Error::InvalidPreference {
        at: Location::default(),
        field: "name",
        reason: format!(
            "{key:?} is not a preference; the preferences are {}",
            Preferences::KEYS.join(", ")
        ),
    }
}

fn check_path(path: &Path) -> Result<(), String> {
    match path.to_str() {
        None => Err("the path must be valid Unicode to be saved".to_owned()),
        Some("") => Err("the path is empty".to_owned()),
        Some(p) if p.chars().any(char::is_control) => {
            Err("the path must not contain control characters".to_owned())
        }
        Some(_) => Ok(()),
    }
}

fn check_central(central: &str) -> Result<(), String> {
    if central.trim().is_empty() {
        return Err("it is empty".to_owned());
    }
    if central.chars().any(char::is_control) {
        return Err("it must not contain control characters".to_owned());
    }
    match central.split_once("://") {
        None => Ok(()),
        Some((scheme, rest)) => {
            if scheme.eq_ignore_ascii_case("http") {
                Err(
                    "a truststore fetched over plain http:// could be replaced on the way; \
                     use https:// or a path"
                        .to_owned(),
                )
            } else if !scheme.eq_ignore_ascii_case("https") {
                Err(format!(
                    "\"{scheme}://\" is not supported; give a path or an https:// URL"
                ))
            } else if rest.split('/').next().is_none_or(str::is_empty) {
                Err("the https:// URL has no host".to_owned())
            } else if rest.contains(char::is_whitespace) {
                Err("a URL has no spaces (write a space as %20)".to_owned())
            } else {
                Ok(())
            }
        }
    }
}

static PREFERENCES_KEYS: Keys = Keys {
    context: "preferences.toml",
    allowed: &[
        "version",
        "trust_verification",
        "keystore",
        "keystore_type",
        "truststore",
        "central_truststore",
        "smartcard_module",
        "system_roots",
        "timeout",
        "protocol",
    ],
    nested: &[],
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPreferences {
    #[serde(default)]
    version: Option<Spanned<i64>>,
    trust_verification: Option<bool>,
    keystore: Option<String>,
    keystore_type: Option<String>,
    truststore: Option<String>,
    central_truststore: Option<String>,
    smartcard_module: Option<String>,
    system_roots: Option<bool>,
    timeout: Option<u64>,
    protocol: Option<Protocol>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_spellings() {
        for (text, p) in [
            ("default", Protocol::Default),
            ("DEFAULT", Protocol::Default),
            ("TLSv1.2", Protocol::Tls12),
            ("tls1.2", Protocol::Tls12),
            ("TLS12", Protocol::Tls12),
            ("1.2", Protocol::Tls12),
            ("tlsv1_2", Protocol::Tls12),
            ("TLS-1.2", Protocol::Tls12),
            (" TLSv1.3 ", Protocol::Tls13),
            ("tls1.3", Protocol::Tls13),
            ("13", Protocol::Tls13),
        ] {
            assert_eq!(text.parse::<Protocol>(), Ok(p), "{text}");
        }
        for bad in ["", "tls", "TLSv1.1", "SSLv3", "1.0", "tlsv1.2x"] {
            assert!(bad.parse::<Protocol>().is_err(), "{bad}");
        }
        assert_eq!(Protocol::Tls12.to_string(), "TLSv1.2");
        for p in [Protocol::Default, Protocol::Tls12, Protocol::Tls13] {
            assert_eq!(p.as_str().parse::<Protocol>(), Ok(p));
        }
    }

    #[test]
    fn central_truststore_rules() {
        assert!(check_central("/shared/team/trust.p12").is_ok());
        assert!(check_central("https://pki.example.com/cicsx/trust.p12").is_ok());
        assert!(check_central("HTTPS://pki.example.com/t").is_ok());
        assert!(
            check_central("http://pki.example.com/t")
                .unwrap_err()
                .contains("https")
        );
        assert!(check_central("ftp://x/t").is_err());
        assert!(check_central("https:///t").unwrap_err().contains("no host"));
        assert!(check_central("https://h/a b").is_err());
        assert!(check_central("").is_err());
    }

    #[test]
    fn a_hand_written_file_is_held_to_what_set_allows() {
        for bad in ["timeout = 0", "timeout = 3601"] {
            let err = Preferences::parse(&format!("version = 1\n{bad}\n")).unwrap_err();
            assert_eq!(err.id(), "CICSX0509E", "{bad}: {err}");
            assert!(err.to_string().contains("1 to 3600"), "{err}");
        }
        assert_eq!(
            Preferences::parse("timeout = 3600").unwrap().timeout,
            Some(3600)
        );
        for kind in ["p12", "PKCS12", "pfx", "jks", "PEM"] {
            let text = format!("keystore_type = \"{kind}\"");
            assert!(Preferences::parse(&text).is_ok(), "{kind}");
        }
        assert!(Preferences::parse("keystore_type = \"jceks\"").is_err());
    }

    #[test]
    fn defaults_verify_trust() {
        let p = Preferences::default();
        assert!(p.trust_verification);
        assert_eq!(p.protocol, Protocol::Default);
        assert_eq!(Preferences::parse("").unwrap(), p);
    }
}
