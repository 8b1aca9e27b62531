//! Connections to CMCI endpoints, their validation, and `connections.toml`.

use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Location};
use crate::schema::{self, Keys, quote};

/// The longest connection name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The version of the `connections.toml` layout this crate reads and writes.
pub const CONNECTIONS_VERSION: i64 = 1;

/// How cicsx proves who the user is to a CICS region.
///
/// There is no password field anywhere: a password is asked for at connect time and never
/// stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Credential {
    /// No credential (the region does not ask for one).
    #[default]
    None,
    /// HTTP basic authentication with this user ID; the password is asked for at connect time.
    Password {
        /// The user ID (RACF user ID).
        user: String,
    },
    /// A client certificate from a keystore.
    KeystoreCertificate {
        /// The user ID, when the region needs one besides the certificate.
        user: Option<String>,
        /// The keystore; `None` is the workspace keystore.
        keystore: Option<PathBuf>,
        /// The alias of the key entry; `None` lets cicsx choose (or ask).
        alias: Option<String>,
    },
    /// A client certificate from a PKCS#12 file (its pass phrase is asked for at connect time).
    Pkcs12File {
        /// The user ID, when the region needs one besides the certificate.
        user: Option<String>,
        /// The PKCS#12 file.
        path: PathBuf,
        /// The alias of the key entry; `None` lets cicsx choose (or ask).
        alias: Option<String>,
    },
    /// A client certificate on a smart card or other PKCS#11 token (its PIN is asked for at
    /// connect time).
    SmartCard {
        /// The user ID, when the region needs one besides the certificate.
        user: Option<String>,
        /// The key's PKCS#11 URI (RFC 7512), e.g. `pkcs11:token=cicstest;object=me`.
        uri: String,
    },
}

impl Credential {
    /// The `type` written in `connections.toml`: `none`, `password`, `keystore`, `pkcs12` or
    /// `smartcard`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::None => "none",
            Credential::Password { .. } => "password",
            Credential::KeystoreCertificate { .. } => "keystore",
            Credential::Pkcs12File { .. } => "pkcs12",
            Credential::SmartCard { .. } => "smartcard",
        }
    }

    /// Whether this credential is a client certificate, presented in the TLS handshake.
    pub fn is_certificate(&self) -> bool {
        matches!(
            self,
            Credential::KeystoreCertificate { .. }
                | Credential::Pkcs12File { .. }
                | Credential::SmartCard { .. }
        )
    }

    /// The user ID, if the credential has one.
    pub fn user(&self) -> Option<&str> {
        match self {
            Credential::None => None,
            Credential::Password { user } => Some(user),
            Credential::KeystoreCertificate { user, .. }
            | Credential::Pkcs12File { user, .. }
            | Credential::SmartCard { user, .. } => user.as_deref(),
        }
    }

    fn description(&self) -> &'static str {
        match self {
            Credential::None => "no credential",
            Credential::Password { .. } => "user ID and password",
            Credential::KeystoreCertificate { .. } => "client certificate from a keystore",
            Credential::Pkcs12File { .. } => "client certificate from a PKCS#12 file",
            Credential::SmartCard { .. } => "client certificate from a smart card",
        }
    }
}

/// A connection to a CMCI endpoint, as the user saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The name the user gave it; free text, 1 to 64 characters, unique without regard to case.
    pub name: String,
    /// The host name or IP address, without scheme, port or path.
    pub host: String,
    /// The TCP port of the CMCI service.
    pub port: u16,
    /// Whether to use TLS.
    pub secure: bool,
    /// The way to sign on.
    pub credential: Credential,
    /// Whether a successful connect confirmed the `secure` setting. Imported connections start
    /// unconfirmed; on a TLS/plain mismatch cicsx then offers to switch instead of failing.
    pub tls_confirmed: bool,
    /// The CMCI context for `cicsx connect` and the default for queries: the CICSplex name,
    /// or the APPLID of a stand-alone region.
    pub context: Option<String>,
}

impl Connection {
    /// A secure connection without a credential, not yet confirmed.
    pub fn new(name: impl Into<String>, host: impl Into<String>, port: u16) -> Self {
        Connection {
            name: name.into(),
            host: host.into(),
            port,
            secure: true,
            credential: Credential::None,
            tls_confirmed: false,
            context: None,
        }
    }

    /// Checks every field.
    ///
    /// - name: 1 to 64 characters, no control characters, no leading or trailing spaces;
    /// - host: a host name or IP address (IPv6 with or without brackets), without scheme
    ///   (`https://`), port (`:1490`), user or path;
    /// - port: 1 to 65535;
    /// - user IDs: 1 to 64 characters, no spaces, control characters or `:`;
    /// - paths: not empty, valid Unicode (so they can be saved);
    /// - a smart card URI starts with `pkcs11:`;
    /// - certificate credentials only on a secure connection.
    pub fn validate(&self) -> Result<(), Error> {
        let label = if self.name.trim().is_empty() {
            "(unnamed)".to_owned()
        } else {
            self.name.clone()
        };
        self.validate_as(&label)
    }

    fn validate_as(&self, label: &str) -> Result<(), Error> {
        let invalid = |field: &'static str, reason: String| Error::Invalid {
            at: Location::default(),
            connection: label.to_owned(),
            field,
            reason,
        };
        check_name(&self.name).map_err(|r| invalid("name", r))?;
        check_host(&self.host).map_err(|r| invalid("host", r))?;
        if self.port == 0 {
            return Err(invalid(
                "port",
                "the port must be from 1 to 65535".to_owned(),
            ));
        }
        if let Some(context) = &self.context {
            let ok = (1..=64).contains(&context.len())
                && context
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@#$._-".contains(c));
            if !ok {
                return Err(invalid(
                    "context",
                    "a CMCI context is a CICSplex name or region APPLID: 1 to 64 letters, digits or @ # $ . _ -".to_owned(),
                ));
            }
        }
        match &self.credential {
            Credential::None => {}
            Credential::Password { user } => {
                check_user(user).map_err(|r| invalid("credential.user", r))?;
            }
            Credential::KeystoreCertificate {
                user,
                keystore,
                alias,
            } => {
                check_opt_user(user.as_deref()).map_err(|r| invalid("credential.user", r))?;
                if let Some(keystore) = keystore {
                    check_path(keystore).map_err(|r| invalid("credential.keystore", r))?;
                }
                check_alias(alias.as_deref()).map_err(|r| invalid("credential.alias", r))?;
            }
            Credential::Pkcs12File { user, path, alias } => {
                check_opt_user(user.as_deref()).map_err(|r| invalid("credential.user", r))?;
                check_path(path).map_err(|r| invalid("credential.path", r))?;
                check_alias(alias.as_deref()).map_err(|r| invalid("credential.alias", r))?;
            }
            Credential::SmartCard { user, uri } => {
                check_opt_user(user.as_deref()).map_err(|r| invalid("credential.user", r))?;
                check_pkcs11_uri(uri).map_err(|r| invalid("credential.uri", r))?;
            }
        }
        if self.credential.is_certificate() && !self.secure {
            return Err(Error::CertificateNeedsSecure {
                at: Location::default(),
                connection: label.to_owned(),
                credential: self.credential.description(),
            });
        }
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the name is empty".to_owned());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the name is longer than {MAX_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("the name must not contain control characters (tabs, line breaks)".to_owned());
    }
    if name.trim() != name {
        return Err("the name must not start or end with spaces".to_owned());
    }
    Ok(())
}

fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the host is empty".to_owned());
    }
    if let Some((scheme, rest)) = host.split_once("://") {
        let bare = rest.split(['/', ':']).next().unwrap_or_default();
        return Err(format!(
            "give the host name only, without \"{scheme}://\": for example {bare:?}, with the \
             port in its own field and secure (TLS) set to choose https"
        ));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the host must not contain spaces".to_owned());
    }
    if host.contains('/') {
        return Err("give the host name only, without a path".to_owned());
    }
    if host.contains('@') {
        return Err(
            "give the host name only, without a user ID (the user ID belongs to the credential)"
                .to_owned(),
        );
    }
    if let Some(inner) = host.strip_prefix('[') {
        let literal = inner
            .strip_suffix(']')
            .ok_or_else(|| "an IPv6 address in brackets must end with ']'".to_owned())?;
        return literal
            .parse::<Ipv6Addr>()
            .map(|_| ())
            .map_err(|_| format!("{literal:?} is not an IPv6 address"));
    }
    match host.matches(':').count() {
        0 => {}
        1 => {
            return Err("give the port in the port field, not after the host name".to_owned());
        }
        _ => {
            return host
                .parse::<Ipv6Addr>()
                .map(|_| ())
                .map_err(|_| format!("{host:?} is not a host name or IPv6 address"));
        }
    }
    if host.len() > 253 {
        return Err("the host name is longer than 253 characters".to_owned());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    for label in name.split('.') {
        if label.is_empty() {
            return Err("the host name has an empty part (two dots in a row)".to_owned());
        }
        if label.len() > 63 {
            return Err("a part of the host name is longer than 63 characters".to_owned());
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err("a host name has only letters, digits, '-', '_' and dots".to_owned());
        }
    }
    Ok(())
}

fn check_user(user: &str) -> Result<(), String> {
    if user.is_empty() {
        return Err("the user ID is empty".to_owned());
    }
    if user.chars().count() > 64 {
        return Err("the user ID is longer than 64 characters".to_owned());
    }
    if user.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the user ID must not contain spaces".to_owned());
    }
    if user.contains(':') {
        return Err(
            "the user ID must not contain ':' (HTTP basic authentication cannot carry it)"
                .to_owned(),
        );
    }
    Ok(())
}

fn check_opt_user(user: Option<&str>) -> Result<(), String> {
    user.map_or(Ok(()), check_user)
}

fn check_alias(alias: Option<&str>) -> Result<(), String> {
    match alias {
        None => Ok(()),
        Some("") => Err("the alias is empty (leave it out to let cicsx choose)".to_owned()),
        Some(a) if a.chars().any(char::is_control) => {
            Err("the alias must not contain control characters".to_owned())
        }
        Some(_) => Ok(()),
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

fn check_pkcs11_uri(uri: &str) -> Result<(), String> {
    let is_pkcs11 = uri
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("pkcs11:"));
    if !is_pkcs11 {
        return Err(
            "a smart card key is named by a PKCS#11 URI, e.g. pkcs11:token=MYCARD;object=me"
                .to_owned(),
        );
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a PKCS#11 URI has no spaces (write a space as %20)".to_owned());
    }
    if uri.len() <= 7 {
        return Err("the PKCS#11 URI names no token or object".to_owned());
    }
    Ok(())
}

/// The saved connections, in the user's order. Names are unique without regard to case.
///
/// ```
/// use cicsx_profile::{Connection, Connections, Credential};
///
/// let mut connections = Connections::default();
/// let mut prod = Connection::new("Production", "mvs1.example.com", 1490);
/// prod.credential = Credential::Password { user: "IBMUSER".into() };
/// connections.add(prod)?;
/// assert!(connections.add(Connection::new("PRODUCTION", "other", 443)).is_err());
///
/// let text = connections.to_toml();
/// assert_eq!(Connections::parse(&text)?, connections);
/// # Ok::<(), cicsx_profile::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connections {
    list: Vec<Connection>,
    loads: Vec<String>,
}

impl Connections {
    /// Parses the text of a `connections.toml` file (layout in the crate documentation) and
    /// validates every connection.
    pub fn parse(toml_text: &str) -> Result<Self, Error> {
        let raw: RawFile = schema::parse(toml_text, &FILE_KEYS)?;
        if let Some(version) = &raw.version
            && *version.get_ref() != CONNECTIONS_VERSION
        {
            return Err(Error::UnsupportedVersion {
                at: schema::at(toml_text, Some(version.span())),
                found: *version.get_ref(),
            });
        }
        let mut connections = Connections::default();
        // Names seen so far, folded, so that a file of thousands of connections is checked
        // for duplicates in linear time.
        let mut seen = std::collections::HashSet::new();
        for (index, raw) in raw.connection.into_iter().enumerate() {
            // The line and column are worked out only for an error (it is a scan of the text).
            let span = raw.span();
            let at = || schema::at(toml_text, Some(span.clone()));
            let raw = raw.into_inner();
            let label = if raw.name.trim().is_empty() {
                format!("#{}", index + 1)
            } else {
                raw.name.clone()
            };
            let connection = raw
                .into_connection(&label)
                .map_err(|e| at_place(e, &at()))?;
            connection
                .validate_as(&label)
                .map_err(|e| at_place(e, &at()))?;
            if !seen.insert(connection.name.to_lowercase()) {
                return Err(Error::DuplicateName {
                    at: at(),
                    name: connection.name,
                });
            }
            connections.list.push(connection);
        }
        connections.loads = raw.loads;
        Ok(connections)
    }

    /// The shared files and URLs loaded (linked read-only), in the order they were added.
    pub fn loads(&self) -> &[String] {
        &self.loads
    }

    /// Links a shared file or URL; `false` if it was linked already.
    pub fn add_load(&mut self, location: &str) -> bool {
        if self.loads.iter().any(|l| l == location) {
            return false;
        }
        self.loads.push(location.to_owned());
        true
    }

    /// Unlinks a shared file or URL.
    pub fn remove_load(&mut self, location: &str) -> Result<(), Error> {
        let before = self.loads.len();
        self.loads.retain(|l| l != location);
        if self.loads.len() == before {
            return Err(Error::NotFound {
                name: location.to_owned(),
            });
        }
        Ok(())
    }

    /// The text of a `connections.toml` file holding these connections.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# cicsx connections. Passwords, pass phrases and PINs are never stored here:\n\
             # cicsx asks for them when it connects.\n",
        );
        out.push_str(&format!("version = {CONNECTIONS_VERSION}\n"));
        if !self.loads.is_empty() {
            let list: Vec<String> = self.loads.iter().map(|l| quote(l)).collect();
            out.push_str(&format!(
                "# shared connections, re-read at every start (cicsx connection load)\nloads = [{}]\n",
                list.join(", ")
            ));
        }
        for c in &self.list {
            out.push_str("\n[[connection]]\n");
            out.push_str(&format!("name = {}\n", quote(&c.name)));
            out.push_str(&format!("host = {}\n", quote(&c.host)));
            out.push_str(&format!("port = {}\n", c.port));
            out.push_str(&format!("secure = {}\n", c.secure));
            out.push_str(&format!("tls_confirmed = {}\n", c.tls_confirmed));
            if let Some(context) = &c.context {
                out.push_str(&format!("context = {}\n", quote(context)));
            }
            out.push_str(&format!(
                "credential = {}\n",
                credential_toml(&c.credential)
            ));
        }
        out
    }

    /// Adds a connection at the end, after validating it.
    pub fn add(&mut self, connection: Connection) -> Result<(), Error> {
        connection.validate()?;
        if self.get(&connection.name).is_some() {
            return Err(Error::DuplicateName {
                at: Location::default(),
                name: connection.name,
            });
        }
        self.list.push(connection);
        Ok(())
    }

    /// The connection with this name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Connection> {
        self.list.iter().find(|c| same_name(&c.name, name))
    }

    /// The connection with this name (case-insensitive), to change it. Changes are checked by
    /// [`Connections::validate`], which [`Workspace::update_connections`] runs before saving.
    ///
    /// [`Workspace::update_connections`]: crate::Workspace::update_connections
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Connection> {
        self.list.iter_mut().find(|c| same_name(&c.name, name))
    }

    /// Removes the connection with this name (case-insensitive) and returns it.
    pub fn remove(&mut self, name: &str) -> Result<Connection, Error> {
        let index = self
            .list
            .iter()
            .position(|c| same_name(&c.name, name))
            .ok_or_else(|| Error::NotFound {
                name: name.to_owned(),
            })?;
        Ok(self.list.remove(index))
    }

    /// The connections, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Connection> {
        self.list.iter()
    }

    /// How many connections there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Checks every connection and that no two share a name.
    pub fn validate(&self) -> Result<(), Error> {
        let mut seen = std::collections::HashSet::with_capacity(self.list.len());
        for c in &self.list {
            c.validate()?;
            if !seen.insert(c.name.to_lowercase()) {
                return Err(Error::DuplicateName {
                    at: Location::default(),
                    name: c.name.clone(),
                });
            }
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Connections {
    type Item = &'a Connection;
    type IntoIter = std::slice::Iter<'a, Connection>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// Puts a place on an error found in a connection that came from a file.
fn at_place(mut error: Error, place: &Location) -> Error {
    if let Error::Invalid { at, .. } | Error::CertificateNeedsSecure { at, .. } = &mut error {
        *at = place.clone();
    }
    error
}

fn credential_toml(credential: &Credential) -> String {
    let mut fields = vec![format!("type = {}", quote(credential.kind()))];
    let mut push = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            fields.push(format!("{key} = {}", quote(value)));
        }
    };
    match credential {
        Credential::None => {}
        Credential::Password { user } => push("user", Some(user)),
        Credential::KeystoreCertificate {
            user,
            keystore,
            alias,
        } => {
            push("user", user.as_deref());
            push(
                "keystore",
                keystore.as_deref().map(|p| p.to_string_lossy()).as_deref(),
            );
            push("alias", alias.as_deref());
        }
        Credential::Pkcs12File { user, path, alias } => {
            push("user", user.as_deref());
            push("path", Some(&path.to_string_lossy()));
            push("alias", alias.as_deref());
        }
        Credential::SmartCard { user, uri } => {
            push("user", user.as_deref());
            push("uri", Some(uri));
        }
    }
    format!("{{ {} }}", fields.join(", "))
}

static CREDENTIAL_KEYS: Keys = Keys {
    context: "a connection's credential",
    allowed: &["type", "user", "keystore", "alias", "path", "uri"],
    nested: &[],
};

static CONNECTION_KEYS: Keys = Keys {
    context: "a [[connection]] table",
    allowed: &[
        "name",
        "host",
        "port",
        "secure",
        "tls_confirmed",
        "context",
        "credential",
    ],
    nested: &[("credential", &CREDENTIAL_KEYS)],
};

static FILE_KEYS: Keys = Keys {
    context: "connections.toml",
    allowed: &["version", "connection", "loads"],
    nested: &[("connection", &CONNECTION_KEYS)],
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    version: Option<Spanned<i64>>,
    #[serde(default)]
    connection: Vec<Spanned<RawConnection>>,
    #[serde(default)]
    loads: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConnection {
    name: String,
    host: String,
    port: u16,
    #[serde(default = "yes")]
    secure: bool,
    #[serde(default)]
    tls_confirmed: bool,
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    credential: Option<RawCredential>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredential {
    #[serde(rename = "type")]
    kind: String,
    user: Option<String>,
    keystore: Option<String>,
    alias: Option<String>,
    path: Option<String>,
    uri: Option<String>,
}

impl RawConnection {
    fn into_connection(self, label: &str) -> Result<Connection, Error> {
        let credential = match self.credential {
            None => Credential::None,
            Some(raw) => raw.into_credential(label)?,
        };
        Ok(Connection {
            name: self.name,
            host: self.host,
            port: self.port,
            secure: self.secure,
            credential,
            tls_confirmed: self.tls_confirmed,
            context: self.context,
        })
    }
}

impl RawCredential {
    fn into_credential(self, label: &str) -> Result<Credential, Error> {
        let invalid = |field: &'static str, reason: String| Error::Invalid {
            at: Location::default(),
            connection: label.to_owned(),
            field,
            reason,
        };
        let kind = self.kind.to_ascii_lowercase();
        let allowed: &[&str] = match kind.as_str() {
            "none" => &[],
            "password" => &["user"],
            "keystore" => &["user", "keystore", "alias"],
            "pkcs12" => &["user", "path", "alias"],
            "smartcard" => &["user", "uri"],
            _ => {
                return Err(invalid(
                    "credential.type",
                    format!(
                        "{:?} is not a credential type; use none, password, keystore, pkcs12 or smartcard",
                        self.kind
                    ),
                ));
            }
        };
        let present = [
            ("user", self.user.is_some()),
            ("keystore", self.keystore.is_some()),
            ("alias", self.alias.is_some()),
            ("path", self.path.is_some()),
            ("uri", self.uri.is_some()),
        ];
        for (field, is_present) in present {
            if is_present && !allowed.contains(&field) {
                return Err(invalid(
                    "credential",
                    format!("`{field}` does not belong to a credential of type {kind}"),
                ));
            }
        }
        Ok(match kind.as_str() {
            "password" => Credential::Password {
                user: self.user.ok_or_else(|| {
                    invalid(
                        "credential.user",
                        "a password credential needs a user ID".to_owned(),
                    )
                })?,
            },
            "keystore" => Credential::KeystoreCertificate {
                user: self.user,
                keystore: self.keystore.map(PathBuf::from),
                alias: self.alias,
            },
            "pkcs12" => Credential::Pkcs12File {
                user: self.user,
                path: self.path.map(PathBuf::from).ok_or_else(|| {
                    invalid(
                        "credential.path",
                        "a pkcs12 credential needs the path of the PKCS#12 file".to_owned(),
                    )
                })?,
                alias: self.alias,
            },
            "smartcard" => Credential::SmartCard {
                user: self.user,
                uri: self.uri.ok_or_else(|| {
                    invalid(
                        "credential.uri",
                        "a smartcard credential needs the PKCS#11 URI of the key".to_owned(),
                    )
                })?,
            },
            _ => Credential::None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(c: &Connection) -> (&'static str, String) {
        match c.validate() {
            Err(Error::Invalid { field, reason, .. }) => (field, reason),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn names_are_free_text_within_limits() {
        assert!(
            Connection::new("Production plex (Hursley)", "h", 1)
                .validate()
                .is_ok()
        );
        assert!(Connection::new("é".repeat(64), "h", 1).validate().is_ok());
        for bad in ["", "   ", " lead", "trail ", "tab\there", "a\nb"] {
            assert_eq!(reason(&Connection::new(bad, "h", 1)).0, "name", "{bad:?}");
        }
        assert_eq!(reason(&Connection::new("x".repeat(65), "h", 1)).0, "name");
    }

    #[test]
    fn hosts_are_names_or_addresses_only() {
        for good in [
            "mvs1.example.com",
            "MVS1",
            "10.1.2.3",
            "::1",
            "[fe80::1]",
            "host.example.com.",
            "my_host",
        ] {
            assert!(
                Connection::new("c", good, 1490).validate().is_ok(),
                "{good}"
            );
        }
        let (field, why) = reason(&Connection::new("c", "https://mvs1.example.com:1490/x", 1));
        assert_eq!(field, "host");
        assert!(
            why.contains("host name only") && why.contains("\"mvs1.example.com\""),
            "{why}"
        );
        assert!(
            reason(&Connection::new("c", "mvs1:1490", 1))
                .1
                .contains("port field")
        );
        assert!(
            reason(&Connection::new("c", "mvs 1", 1))
                .1
                .contains("spaces")
        );
        assert!(
            reason(&Connection::new("c", "mvs1/cmci", 1))
                .1
                .contains("path")
        );
        assert!(
            reason(&Connection::new("c", "user@mvs1", 1))
                .1
                .contains("user ID")
        );
        assert!(reason(&Connection::new("c", "", 1)).1.contains("empty"));
        assert!(
            reason(&Connection::new("c", "a..b", 1))
                .1
                .contains("empty part")
        );
        assert!(reason(&Connection::new("c", "[::1", 1)).1.contains("']'"));
        assert!(reason(&Connection::new("c", "[zz]", 1)).1.contains("IPv6"));
        assert!(
            reason(&Connection::new("c", "1:2:zz", 1))
                .1
                .contains("IPv6")
        );
        assert!(
            reason(&Connection::new("c", "bad!host", 1))
                .1
                .contains("letters")
        );
        assert!(
            reason(&Connection::new("c", "a".repeat(64), 1))
                .1
                .contains("63")
        );
    }

    #[test]
    fn port_zero_is_refused() {
        assert_eq!(reason(&Connection::new("c", "h", 0)).0, "port");
        assert!(Connection::new("c", "h", 65535).validate().is_ok());
    }

    #[test]
    fn credentials_are_checked() {
        let mut c = Connection::new("c", "h", 1);
        c.credential = Credential::Password { user: "".into() };
        assert_eq!(reason(&c).0, "credential.user");
        c.credential = Credential::Password { user: "a:b".into() };
        assert!(reason(&c).1.contains("':'"));
        c.credential = Credential::Password {
            user: "IBM USER".into(),
        };
        assert_eq!(reason(&c).0, "credential.user");
        c.credential = Credential::Pkcs12File {
            user: None,
            path: PathBuf::new(),
            alias: None,
        };
        assert_eq!(reason(&c).0, "credential.path");
        c.credential = Credential::KeystoreCertificate {
            user: None,
            keystore: None,
            alias: Some(String::new()),
        };
        assert_eq!(reason(&c).0, "credential.alias");
        c.credential = Credential::SmartCard {
            user: None,
            uri: "token=x".into(),
        };
        assert_eq!(reason(&c).0, "credential.uri");
        c.credential = Credential::SmartCard {
            user: None,
            uri: "PKCS11:token=x;object=me".into(),
        };
        assert!(c.validate().is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_paths_cannot_be_saved() {
        use std::os::unix::ffi::OsStrExt;
        let mut c = Connection::new("c", "h", 1);
        c.credential = Credential::Pkcs12File {
            user: None,
            path: PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/\xff.p12")),
            alias: None,
        };
        assert!(reason(&c).1.contains("Unicode"));
    }

    #[test]
    fn certificates_need_a_secure_connection() {
        for credential in [
            Credential::KeystoreCertificate {
                user: None,
                keystore: None,
                alias: None,
            },
            Credential::Pkcs12File {
                user: None,
                path: "me.p12".into(),
                alias: None,
            },
            Credential::SmartCard {
                user: None,
                uri: "pkcs11:token=t".into(),
            },
        ] {
            let mut c = Connection::new("plain", "h", 1490);
            c.secure = false;
            c.credential = credential;
            let e = c.validate().unwrap_err();
            assert_eq!(e.id(), "CICSX0506E");
            assert!(e.to_string().contains("TLS handshake"), "{e}");
            c.secure = true;
            assert!(c.validate().is_ok());
        }
        let mut c = Connection::new("plain", "h", 1490);
        c.secure = false;
        c.credential = Credential::Password { user: "U".into() };
        assert!(c.validate().is_ok());
    }

    #[test]
    fn credential_accessors() {
        assert_eq!(Credential::default(), Credential::None);
        assert_eq!(Credential::Password { user: "U".into() }.user(), Some("U"));
        assert_eq!(Credential::None.user(), None);
        assert!(!Credential::Password { user: "U".into() }.is_certificate());
        assert_eq!(
            Credential::SmartCard {
                user: None,
                uri: "pkcs11:".into()
            }
            .kind(),
            "smartcard"
        );
    }
}
