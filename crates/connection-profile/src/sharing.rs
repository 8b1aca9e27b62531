//! Sharing connections: export, import (a copy), and load (a read-only link).
//!
//! - **Export** writes connections in the `connections.toml` layout, without confirmations
//!   (they belong to the person who connected) and, as always, without any secret.
//! - **Import** copies connections in. Imported connections are *unconfirmed*: their TLS setting
//!   has not been proven by a connect here, so a mismatch offers to retry with the other
//!   setting. A connection that already exists keeps its credential, as CICS Explorer does.
//!   Import also reads a Zowe team configuration (`zowe.config.json`) and turns its `cics`
//!   profiles into connections.
//! - **Load** links a shared file or URL, re-read at every start. Loaded connections are
//!   read-only; what the user learns about them (a confirmed or corrected TLS setting) is kept
//!   in the user's own `state.toml`, never written into the shared file.

use std::path::Path;

use serde::Deserialize;

use crate::error::Error;
use crate::schema::{self, Keys, quote};
use crate::{Connection, Connections, Credential};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Connections that were new.
    pub added: Vec<String>,
    /// Connections that existed and were updated; their credentials were kept.
    pub updated: Vec<String>,
    /// Remarks for the user (from a Zowe configuration, for example).
    pub warnings: Vec<String>,
}

impl Connections {
    /// Copies `incoming` in: new names are added, existing ones updated but keep their
    /// credential. Every imported connection is unconfirmed.
    pub fn import(&mut self, incoming: Vec<Connection>) -> Result<ImportReport, Error> {
        let mut report = ImportReport::default();
        let mut next = self.clone();
        for mut c in incoming {
            c.tls_confirmed = false;
            c.validate()?;
            match next.get_mut(&c.name) {
                Some(existing) => {
                    let keep = std::mem::replace(&mut existing.credential, Credential::None);
                    let credential = if matches!(keep, Credential::None) {
                        c.credential.clone()
                    } else {
                        keep
                    };
                    let name = std::mem::take(&mut existing.name);
                    *existing = Connection {
                        credential,
                        name,
                        ..c
                    };
                    existing.validate()?;
                    report.updated.push(existing.name.clone());
                }
                None => {
                    report.added.push(c.name.clone());
                    next.add(c)?;
                }
            }
        }
        *self = next;
        Ok(report)
    }

    /// The text of a shared connections file holding the connections named in `names` (all
    /// when empty): the `connections.toml` layout, with no confirmations and no loads.
    pub fn to_shared_toml(&self, names: &[String]) -> Result<String, Error> {
        let mut shared = Connections::default();
        for name in names {
            if self.get(name).is_none() {
                return Err(Error::NotFound { name: name.clone() });
            }
        }
        for c in self.iter() {
            if names.is_empty() || names.iter().any(|n| n.eq_ignore_ascii_case(&c.name)) {
                let mut c = c.clone();
                c.tls_confirmed = false;
                shared.add(c)?;
            }
        }
        Ok(shared.to_toml())
    }
}

/// Reads a file given to `import` or `load`: a Zowe team configuration when it is JSON,
/// else the `connections.toml` layout.
pub fn parse_shared(text: &str, path: &Path) -> Result<(Vec<Connection>, Vec<String>), Error> {
    if text.trim_start().starts_with('{') {
        return parse_zowe(text, path);
    }
    let connections = Connections::parse(text).map_err(|e| e.in_file(path))?;
    Ok((connections.iter().cloned().collect(), Vec::new()))
}

/// Turns the `cics` profiles of a Zowe team configuration into connections.
///
/// Profiles may nest (`"profiles": {"lpar1": {"profiles": {"cics": {...}}}}`); a nested
/// profile's name is its path (`lpar1.cics`). Properties are inherited from enclosing
/// profiles and from the default `base` profile: `host`, `port`, `protocol` (`https`, the
/// default, or `http`), `user`, `cicsPlex` or `regionName` (the CMCI context). Passwords in the
/// file (or in Zowe's secure store) are not taken: cicsx asks for them. `rejectUnauthorized:
/// false` is not carried over: cicsx shows the certificate once and remembers it instead.
///
/// ```
/// let json = r#"{
///   "profiles": {
///     "lpar1": {
///       "properties": { "host": "mvs1.example.com", "rejectUnauthorized": false },
///       "profiles": {
///         "cics": { "type": "cics", "properties": { "port": 1490, "cicsPlex": "PLEX1" } }
///       }
///     },
///     "base": { "type": "base", "properties": { "user": "IBMUSER" } }
///   },
///   "defaults": { "cics": "lpar1.cics", "base": "base" }
/// }"#;
/// let (connections, warnings) =
///     cicsx_profile::parse_zowe(json, std::path::Path::new("zowe.config.json"))?;
/// let c = &connections[0];
/// assert_eq!((c.name.as_str(), c.host.as_str(), c.port, c.secure), ("lpar1.cics", "mvs1.example.com", 1490, true));
/// assert_eq!(c.context.as_deref(), Some("PLEX1"));
/// assert_eq!(c.credential.user(), Some("IBMUSER"));
/// assert!(warnings[0].contains("rejectUnauthorized"));
/// # Ok::<(), cicsx_profile::Error>(())
/// ```
pub fn parse_zowe(json: &str, path: &Path) -> Result<(Vec<Connection>, Vec<String>), Error> {
    let zowe_error = |reason: String| Error::Zowe {
        path: path.to_path_buf(),
        reason,
    };
    let root: serde_json::Value =
        serde_json::from_str(json).map_err(|e| zowe_error(format!("not valid JSON: {e}")))?;
    let profiles = root
        .get("profiles")
        .and_then(|p| p.as_object())
        .ok_or_else(|| {
            zowe_error("no \"profiles\" object: not a Zowe team configuration".into())
        })?;
    let base_name = root
        .get("defaults")
        .and_then(|d| d.get("base"))
        .and_then(|b| b.as_str());
    let base = base_name
        .and_then(|name| find_profile(profiles, name))
        .and_then(|p| p.get("properties"))
        .and_then(|p| p.as_object())
        .cloned()
        .unwrap_or_default();
    let mut found = Vec::new();
    collect(profiles, "", &base, &mut found, 0);
    if found.is_empty() {
        return Err(zowe_error("it has no profile of type \"cics\"".into()));
    }
    let mut connections = Vec::new();
    let mut warnings = Vec::new();
    for (name, props) in found {
        let text = |key: &str| props.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let Some(host) = text("host") else {
            warnings.push(format!("Zowe profile {name} has no host; skipped."));
            continue;
        };
        let port = match props.get("port").and_then(|v| v.as_u64()) {
            Some(p @ 1..=65535) => p as u16,
            _ => {
                warnings.push(format!("Zowe profile {name} has no valid port; skipped."));
                continue;
            }
        };
        let secure = match text("protocol")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("https") => true,
            Some("http") => false,
            Some(other) => {
                warnings.push(format!(
                    "Zowe profile {name} has protocol {other:?}; skipped (https or http expected)."
                ));
                continue;
            }
        };
        if props.get("rejectUnauthorized").and_then(|v| v.as_bool()) == Some(false) {
            warnings.push(format!(
                "Zowe profile {name} turns certificate checks off (rejectUnauthorized: false). \
                 cicsx keeps them on: on the first connect it shows the server's certificate \
                 and, once you accept it, remembers it for that host and port."
            ));
        }
        if props.contains_key("password") {
            warnings.push(format!(
                "Zowe profile {name} holds a password; cicsx does not store passwords and will ask for it."
            ));
        }
        let mut c = Connection::new(name.clone(), host, port);
        c.secure = secure;
        c.context = text("cicsPlex").or_else(|| text("regionName"));
        c.credential = match text("user") {
            Some(user) => Credential::Password { user },
            None => Credential::None,
        };
        match c.validate() {
            Ok(()) => connections.push(c),
            Err(e) => warnings.push(format!("Zowe profile {name} skipped: {e}")),
        }
    }
    if connections.is_empty() {
        return Err(zowe_error(format!(
            "none of its cics profiles can be used: {}",
            warnings.join(" ")
        )));
    }
    Ok((connections, warnings))
}

type Props = serde_json::Map<String, serde_json::Value>;

fn find_profile<'a>(profiles: &'a Props, dotted: &str) -> Option<&'a serde_json::Value> {
    let mut parts = dotted.split('.');
    let mut current = profiles.get(parts.next()?)?;
    for part in parts {
        current = current.get("profiles")?.get(part)?;
    }
    Some(current)
}

fn collect(
    profiles: &Props,
    prefix: &str,
    inherited: &Props,
    out: &mut Vec<(String, Props)>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for (name, profile) in profiles {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let mut props = inherited.clone();
        if let Some(own) = profile.get("properties").and_then(|p| p.as_object()) {
            for (k, v) in own {
                props.insert(k.clone(), v.clone());
            }
        }
        if profile.get("type").and_then(|t| t.as_str()) == Some("cics") {
            out.push((path.clone(), props.clone()));
        }
        if let Some(children) = profile.get("profiles").and_then(|p| p.as_object()) {
            collect(children, &path, &props, out, depth + 1);
        }
    }
}

/// What the user learnt about loaded connections: kept in `state.toml`, never in the shared
/// file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct State {
    confirmed: Vec<Confirmation>,
}

/// A loaded connection whose TLS setting was confirmed (or corrected) by a connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// Where the connection was loaded from.
    pub location: String,
    /// Its name.
    pub name: String,
    /// The TLS setting that worked.
    pub secure: bool,
}

static CONFIRMATION_KEYS: Keys = Keys {
    context: "a [[confirmed]] table",
    allowed: &["location", "name", "secure"],
    nested: &[],
};

static STATE_KEYS: Keys = Keys {
    context: "state.toml",
    allowed: &["version", "confirmed"],
    nested: &[("confirmed", &CONFIRMATION_KEYS)],
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<i64>,
    #[serde(default)]
    confirmed: Vec<RawConfirmation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfirmation {
    location: String,
    name: String,
    secure: bool,
}

impl State {
    /// Parses `state.toml`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let raw: RawState = schema::parse(text, &STATE_KEYS)?;
        Ok(State {
            confirmed: raw
                .confirmed
                .into_iter()
                .map(|c| Confirmation {
                    location: c.location,
                    name: c.name,
                    secure: c.secure,
                })
                .collect(),
        })
    }

    /// The text of `state.toml`.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# cicsx: what you confirmed about loaded (shared, read-only) connections.\nversion = 1\n",
        );
        for c in &self.confirmed {
            out.push_str(&format!(
                "\n[[confirmed]]\nlocation = {}\nname = {}\nsecure = {}\n",
                quote(&c.location),
                quote(&c.name),
                c.secure
            ));
        }
        out
    }

    /// Records that `name` from `location` works with `secure`.
    pub fn confirm(&mut self, location: &str, name: &str, secure: bool) {
        self.confirmed
            .retain(|c| !(c.location == location && c.name.eq_ignore_ascii_case(name)));
        self.confirmed.push(Confirmation {
            location: location.to_owned(),
            name: name.to_owned(),
            secure,
        });
    }

    /// Applies what the user confirmed to connections loaded from `location`.
    pub fn apply(&self, location: &str, connections: &mut [Connection]) {
        for c in connections {
            c.tls_confirmed = false;
            if let Some(k) = self
                .confirmed
                .iter()
                .find(|k| k.location == location && k.name.eq_ignore_ascii_case(&c.name))
            {
                c.secure = k.secure;
                c.tls_confirmed = true;
            }
        }
    }
}

/// Connections read from one loaded location.
#[derive(Debug)]
pub struct Loaded {
    /// The path or URL.
    pub location: String,
    /// Its connections, with the user's confirmations applied (empty when it failed).
    pub connections: Vec<Connection>,
    /// Why it could not be read this time, if it could not.
    pub error: Option<Error>,
}
