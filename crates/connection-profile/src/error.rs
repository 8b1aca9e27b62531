//! The one error type of this crate, and where in which file an error was found.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where a problem was found: the file (when known) and the line and column (1-based).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file, when the text came from one.
    pub path: Option<PathBuf>,
    /// The line, counting from 1.
    pub line: Option<usize>,
    /// The column in characters, counting from 1.
    pub column: Option<usize>,
}

impl Location {
    /// The line and column of byte `offset` in `text`.
    pub(crate) fn of_offset(text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location {
            path: None,
            line: Some(line),
            column: Some(column),
        }
    }

    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.path.is_none() && self.line.is_none()
    }

    /// `" at <location>"`, or nothing when nothing is known; for messages.
    fn suffix(&self) -> String {
        if self.is_empty() {
            String::new()
        } else {
            format!(" at {self}")
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line, self.column) {
            (Some(p), Some(l), Some(c)) => write!(f, "{}:{l}:{c}", p.display()),
            (Some(p), Some(l), None) => write!(f, "{}:{l}", p.display()),
            (Some(p), None, _) => write!(f, "{}", p.display()),
            (None, Some(l), Some(c)) => write!(f, "line {l}, column {c}"),
            (None, Some(l), None) => write!(f, "line {l}"),
            (None, None, _) => f.write_str("an unknown place"),
        }
    }
}

/// Everything that can go wrong in this crate.
///
/// Every variant has a stable message ID ([`Error::id`], `CICSX05xxE`), a one-line
/// [`Display`](std::fmt::Display) with the specifics (file, line, column, connection, field),
/// an [`Error::explanation`] and an [`Error::action`]. No variant ever holds a secret: a
/// password found in a file is reported by its key and place, never its value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not valid TOML.
    #[error("CICSX0501E The file is not valid TOML{}: {message}", at.suffix())]
    Syntax {
        /// Where.
        at: Location,
        /// What the TOML parser said.
        message: String,
    },

    /// The TOML is valid but does not have the expected shape: an unknown key, a value of the
    /// wrong type, a missing key.
    #[error("CICSX0502E Unexpected content{}: {message}", at.suffix())]
    Schema {
        /// Where.
        at: Location,
        /// What is wrong, naming the key.
        message: String,
    },

    /// A password, pass phrase or PIN was written into the file by hand.
    #[error(
        "CICSX0503E The key `{key}`{} is not allowed: cicsx never stores passwords, pass phrases \
         or PINs in its files; it asks for them when it connects",
        at.suffix()
    )]
    SecretInFile {
        /// Where.
        at: Location,
        /// The key found, e.g. `password`.
        key: String,
    },

    /// The file was written by a newer cicsx.
    #[error("CICSX0504E The file{} has version {found}; this cicsx reads version 1", at.suffix())]
    UnsupportedVersion {
        /// Where.
        at: Location,
        /// The version found.
        found: i64,
    },

    /// A field of a connection is not valid.
    #[error("CICSX0505E Connection {connection:?}{}: invalid {field}: {reason}", at.suffix())]
    Invalid {
        /// Where, when the connection came from a file.
        at: Location,
        /// The connection's name (or `#n` when the name itself is the problem).
        connection: String,
        /// The field, e.g. `host`, `port`, `credential.user`.
        field: &'static str,
        /// Why, in words.
        reason: String,
    },

    /// A client certificate credential on a connection that does not use TLS.
    #[error(
        "CICSX0506E Connection {connection:?}{} uses a {credential} but is not secure: a client \
         certificate is presented in the TLS handshake, so it needs a secure (TLS) connection",
        at.suffix()
    )]
    CertificateNeedsSecure {
        /// Where, when the connection came from a file.
        at: Location,
        /// The connection's name.
        connection: String,
        /// The kind of credential, e.g. `certificate from a keystore`.
        credential: &'static str,
    },

    /// Two connections with the same name (names are compared case-insensitively).
    #[error("CICSX0507E A connection named {name:?} already exists{}", at.suffix())]
    DuplicateName {
        /// Where, when the connections came from a file.
        at: Location,
        /// The name.
        name: String,
    },

    /// No connection has this name.
    #[error("CICSX0508E There is no connection named {name:?}")]
    NotFound {
        /// The name asked for.
        name: String,
    },

    /// A preference is not valid.
    #[error("CICSX0509E Preference {field}{}: {reason}", at.suffix())]
    InvalidPreference {
        /// Where, when the preferences came from a file.
        at: Location,
        /// The preference, e.g. `central_truststore`.
        field: &'static str,
        /// Why, in words.
        reason: String,
    },

    /// No workspace directory was given and the platform has no data directory for cicsx.
    #[error(
        "CICSX0510E No workspace directory: none was given, CICSX_WORKSPACE is not set and the \
         system has no data directory for the user"
    )]
    NoWorkspaceDir,

    /// A Zowe team configuration (zowe.config.json) cannot be used.
    #[error("CICSX0512E {}: {reason}", path.display())]
    Zowe {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A loaded (shared, read-only) connections file or URL cannot be read now.
    #[error("CICSX0513E The shared connections at {location} cannot be read: {reason}")]
    SharedSource {
        /// The path or URL.
        location: String,
        /// Why.
        reason: String,
    },

    /// Reading, writing, locking or creating a file or directory failed.
    #[error("CICSX0511E Cannot {op} {}: {source}", path.display())]
    Io {
        /// What was being done: "read", "write", "lock", "create".
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// The stable message ID, e.g. `CICSX0501E`.
    pub fn id(&self) -> &'static str {
        match self {
            Error::Syntax { .. } => "CICSX0501E",
            Error::Schema { .. } => "CICSX0502E",
            Error::SecretInFile { .. } => "CICSX0503E",
            Error::UnsupportedVersion { .. } => "CICSX0504E",
            Error::Invalid { .. } => "CICSX0505E",
            Error::CertificateNeedsSecure { .. } => "CICSX0506E",
            Error::DuplicateName { .. } => "CICSX0507E",
            Error::NotFound { .. } => "CICSX0508E",
            Error::InvalidPreference { .. } => "CICSX0509E",
            Error::NoWorkspaceDir => "CICSX0510E",
            Error::Zowe { .. } => "CICSX0512E",
            Error::SharedSource { .. } => "CICSX0513E",
            Error::Io { .. } => "CICSX0511E",
        }
    }

    /// What the error probably means.
    pub fn explanation(&self) -> String {
        match self {
            Error::Syntax { .. } => "The file was edited by hand and is no longer valid TOML, \
                or it was damaged. cicsx did not change it."
                .to_owned(),
            Error::Schema { .. } => "The file is valid TOML but holds a key cicsx does not know \
                or a value of the wrong kind, often a misspelt key. cicsx refuses the file \
                rather than silently ignore a setting."
                .to_owned(),
            Error::SecretInFile { .. } => "Passwords, pass phrases and PINs are never kept in \
                cicsx's files, so they cannot leak through a backup, a shared workspace or an \
                exported connection list."
                .to_owned(),
            Error::UnsupportedVersion { .. } => "The file was written by a newer version of \
                cicsx, in a layout this version does not know."
                .to_owned(),
            Error::Invalid { .. } => "A connection needs a name, a host name or IP address \
                without a scheme or path, a port from 1 to 65535, and a complete credential."
                .to_owned(),
            Error::CertificateNeedsSecure { .. } => "A client certificate proves who you are \
                during the TLS handshake. A connection without TLS has no handshake, so the \
                certificate could never be sent."
                .to_owned(),
            Error::DuplicateName { .. } => "Connection names identify connections and are \
                compared without regard to case."
                .to_owned(),
            Error::NotFound { .. } => "The name matches none of the saved connections \
                (names are compared without regard to case)."
                .to_owned(),
            Error::InvalidPreference { .. } => "A security preference has a value cicsx \
                cannot use."
                .to_owned(),
            Error::Zowe { .. } => "The file is not a Zowe team configuration cicsx can read, or \
                it has no profile of type cics."
                .to_owned(),
            Error::SharedSource { .. } => "A loaded connections file is re-read at every start; \
                this time it could not be read, so its connections are not available."
                .to_owned(),
            Error::NoWorkspaceDir => "cicsx keeps connections, preferences and its keystore \
                in a workspace directory, and could not find where that should be."
                .to_owned(),
            Error::Io { .. } => "The operating system refused the file operation.".to_owned(),
        }
    }

    /// What to do about it.
    pub fn action(&self) -> String {
        match self {
            Error::Syntax { at, .. } | Error::Schema { at, .. } => {
                format!("Correct the file at {at}, or remove it to start again.")
            }
            Error::SecretInFile { at, key } => format!(
                "Remove the `{key}` line at {at}. cicsx asks for the password when it \
                 connects."
            ),
            Error::UnsupportedVersion { .. } => "Use the newer cicsx that wrote the file, or \
                move the file away to start again."
                .to_owned(),
            Error::Invalid { field, .. } => format!("Correct the {field} of the connection."),
            Error::CertificateNeedsSecure { .. } => "Turn on secure (TLS) for the connection \
                and use the region's TLS port (a TCPIPSERVICE with SSL(YES) or \
                SSL(CLIENTAUTH)), or sign on with a user ID and password instead."
                .to_owned(),
            Error::DuplicateName { .. } => "Choose another name.".to_owned(),
            Error::NotFound { .. } => "List the connections to see their names.".to_owned(),
            Error::InvalidPreference { field: "name", .. } => {
                "Use one of the preference names listed (`cicsx prefs show` shows them all)."
                    .to_owned()
            }
            Error::InvalidPreference { field, .. } => format!("Correct the {field} preference."),
            Error::Zowe { .. } => "Give the zowe.config.json that holds your cics profiles \
                (zowe config list --locations shows where it is)."
                .to_owned(),
            Error::SharedSource { .. } => "Check the path or URL, or remove the link with \
                `cicsx connection unload`."
                .to_owned(),
            Error::NoWorkspaceDir => "Give a workspace directory with --workspace or the \
                CICSX_WORKSPACE environment variable."
                .to_owned(),
            Error::Io { path, .. } => format!(
                "Check that {} exists and that you may read and write it.",
                path.display()
            ),
        }
    }

    /// The same error, with the file it came from recorded.
    pub(crate) fn in_file(mut self, path: &std::path::Path) -> Error {
        match &mut self {
            Error::Syntax { at, .. }
            | Error::Schema { at, .. }
            | Error::SecretInFile { at, .. }
            | Error::UnsupportedVersion { at, .. }
            | Error::Invalid { at, .. }
            | Error::CertificateNeedsSecure { at, .. }
            | Error::DuplicateName { at, .. }
            | Error::InvalidPreference { at, .. } => at.path = Some(path.to_path_buf()),
            Error::NotFound { .. }
            | Error::NoWorkspaceDir
            | Error::Io { .. }
            | Error::Zowe { .. }
            | Error::SharedSource { .. } => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        let at = Location::of_offset(text, text.find('=').unwrap());
        assert_eq!((at.line, at.column), (Some(1), Some(3)));
        let at = Location::of_offset(text, text.rfind('=').unwrap());
        assert_eq!((at.line, at.column), (Some(2), Some(4)));
        // Past the end, or inside a character: clamped, no panic.
        assert_eq!(Location::of_offset(text, 999).line, Some(3));
        assert_eq!(Location::of_offset(text, 8).column, Some(2));
        assert_eq!(at.to_string(), "line 2, column 4");
    }

    #[test]
    fn ids_are_unique_and_lead_the_message() {
        let at = Location {
            path: Some("/w/connections.toml".into()),
            line: Some(3),
            column: Some(7),
        };
        let errors = [
            Error::Syntax {
                at: at.clone(),
                message: "m".into(),
            },
            Error::Schema {
                at: at.clone(),
                message: "m".into(),
            },
            Error::SecretInFile {
                at: at.clone(),
                key: "password".into(),
            },
            Error::UnsupportedVersion {
                at: at.clone(),
                found: 2,
            },
            Error::Invalid {
                at: Location::default(),
                connection: "c".into(),
                field: "host",
                reason: "r".into(),
            },
            Error::CertificateNeedsSecure {
                at: Location::default(),
                connection: "c".into(),
                credential: "smart card",
            },
            Error::DuplicateName {
                at: Location::default(),
                name: "c".into(),
            },
            Error::NotFound { name: "c".into() },
            Error::InvalidPreference {
                at: Location::default(),
                field: "protocol",
                reason: "r".into(),
            },
            Error::NoWorkspaceDir,
            Error::Io {
                op: "read",
                path: "/x".into(),
                source: io::Error::other("boom"),
            },
        ];
        let mut seen = std::collections::HashSet::new();
        for e in &errors {
            assert!(e.id().starts_with("CICSX05"));
            assert!(e.to_string().starts_with(e.id()), "{e}");
            assert!(!e.to_string().contains('\n'), "{e}");
            assert!(seen.insert(e.id()));
            assert!(!e.explanation().is_empty() && !e.action().is_empty());
        }
        assert!(errors[0].to_string().contains("/w/connections.toml:3:7"));
    }
}
