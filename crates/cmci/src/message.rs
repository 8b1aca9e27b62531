//! The user's view of a failure, and the one place where every crate's error becomes one.
//!
//! Every cicsx error has a stable message ID, a one-line text with the specifics, an
//! explanation and an action. [`Failure`] carries those four, whatever crate the error came
//! from, so that the CLI and the GUI show the same words.

use std::fmt;

/// A failure, as the user sees it: a stable ID, the specifics, why, and what to do.
#[derive(Debug)]
pub struct Failure {
    /// The stable message ID, e.g. `CICSX0407E`.
    pub id: &'static str,
    /// One line with the specifics (host, port, alert, fingerprints).
    pub message: String,
    /// What it probably means.
    pub explanation: String,
    /// What to change, on the client and on the CICS region.
    pub action: String,
}

impl std::error::Error for Failure {}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.message)?;
        if !self.explanation.is_empty() {
            write!(f, "\n  Why: {}", self.explanation)?;
        }
        if !self.action.is_empty() {
            write!(f, "\n  Do:  {}", self.action)?;
        }
        Ok(())
    }
}

/// Strips a leading message ID from a crate's `Display` text, so that it is printed once.
fn without_id(id: &str, text: String) -> String {
    match text.strip_prefix(id) {
        Some(rest) => rest.trim_start().to_owned(),
        None => text,
    }
}

macro_rules! from_crate_error {
    ($($ty:path),* $(,)?) => {$(
        impl From<$ty> for Failure {
            fn from(e: $ty) -> Self {
                let id = e.id();
                Failure {
                    id,
                    message: without_id(id, e.to_string()),
                    explanation: e.explanation(),
                    action: e.action(),
                }
            }
        }
    )*};
}

from_crate_error!(
    cicsx_handshake::Error,
    cicsx_keystore::Error,
    cicsx_truststore::Error,
    cicsx_profile::Error,
    crate::Error,
    cicsx_smartcard::Error,
);

impl Failure {
    /// A failure from its parts.
    pub fn new(
        id: &'static str,
        message: impl Into<String>,
        explanation: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        Self {
            id,
            message: message.into(),
            explanation: explanation.into(),
            action: action.into(),
        }
    }

    /// There is no connection of that name.
    pub fn unknown_connection(name: &str) -> Self {
        Self::new(
            "CICSX0901E",
            format!("there is no connection named \"{name}\""),
            "The name matches none of the connections in this workspace.",
            "Run `cicsx connection list` to see the names, or add it with `cicsx connection add`.",
        )
    }

    /// A terminal or file could not be used.
    pub fn io(what: &str, e: std::io::Error) -> Self {
        Self::new(
            "CICSX0909E",
            format!("{what}: {e}"),
            "",
            "Check that the terminal or file is available.",
        )
    }
}
