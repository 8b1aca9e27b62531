//! The CLI's error type, and the one place where every crate's error becomes a user message.

use std::fmt;

/// A failure, as the user sees it: a stable ID, the specifics, why, and what to do.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) id: &'static str,
    pub(crate) message: String,
    pub(crate) explanation: String,
    pub(crate) action: String,
}

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
    cicsx_cmci::Error,
    cicsx_smartcard::Error,
);

impl Failure {
    pub(crate) fn new(
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

    pub(crate) fn unknown_connection(name: &str) -> Self {
        Self::new(
            "CICSX0901E",
            format!("there is no connection named \"{name}\""),
            "The name matches none of the connections in this workspace.",
            "Run `cicsx connection list` to see the names, or add it with `cicsx connection add`.",
        )
    }

    pub(crate) fn io(what: &str, e: std::io::Error) -> Self {
        Self::new(
            "CICSX0909E",
            format!("{what}: {e}"),
            "",
            "Check that the terminal or file is available.",
        )
    }
}
