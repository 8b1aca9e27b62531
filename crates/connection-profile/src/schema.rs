//! Reading TOML text: syntax errors with line and column, unknown keys named with their place,
//! and secrets refused before anything else looks at the file.

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, Location};

/// The keys a table may hold, and the tables nested under some of them.
pub(crate) struct Keys {
    /// How to name the table in a message, e.g. `a [[connection]] table`.
    pub(crate) context: &'static str,
    /// The keys allowed.
    pub(crate) allowed: &'static [&'static str],
    /// Keys whose value is a table (or an array of tables) with its own keys.
    pub(crate) nested: &'static [(&'static str, &'static Keys)],
}

/// Whether a key names a secret that must never be stored: a password, pass phrase or PIN.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace(['-', ' '], "_");
    key.contains("password")
        || key.contains("passwd")
        || key.contains("passphrase")
        || key.contains("pass_phrase")
        || key.contains("secret")
        || key == "pin"
        || key.ends_with("_pin")
        || key.starts_with("pin_")
}

/// Parses `text` as TOML, refuses secrets and unknown keys anywhere in `keys`' tree, then
/// deserialises it.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, keys: &'static Keys) -> Result<T, Error> {
    let table = DeTable::parse(text).map_err(|e| Error::Syntax {
        at: at(text, e.span()),
        message: one_line(e.message()),
    })?;
    let mut problems = Vec::new();
    check_table(text, table.get_ref(), keys, &mut problems);
    if let Some((_, problem)) = problems.into_iter().min_by_key(|(start, _)| *start) {
        return Err(problem);
    }
    toml::from_str(text).map_err(|e| Error::Schema {
        at: at(text, e.span()),
        message: one_line(e.message()),
    })
}

/// The location of a byte span's start in `text`.
pub(crate) fn at(text: &str, span: Option<std::ops::Range<usize>>) -> Location {
    match span {
        Some(span) => Location::of_offset(text, span.start),
        None => Location::default(),
    }
}

fn check_table(text: &str, table: &DeTable<'_>, keys: &Keys, problems: &mut Vec<(usize, Error)>) {
    for (key, value) in table {
        let name: &str = key.get_ref();
        let start = key.span().start;
        if is_secret_key(name) {
            problems.push((
                start,
                Error::SecretInFile {
                    at: Location::of_offset(text, start),
                    key: name.to_owned(),
                },
            ));
            continue;
        }
        if !keys.allowed.contains(&name) {
            problems.push((
                start,
                Error::Schema {
                    at: Location::of_offset(text, start),
                    message: format!(
                        "unknown key `{}` in {}; the keys are: {}",
                        name.escape_debug(),
                        keys.context,
                        keys.allowed.join(", ")
                    ),
                },
            ));
            continue;
        }
        if let Some((_, nested)) = keys.nested.iter().find(|(k, _)| *k == name) {
            match value.get_ref() {
                DeValue::Table(t) => check_table(text, t, nested, problems),
                DeValue::Array(items) => {
                    for item in items.iter() {
                        if let DeValue::Table(t) = item.get_ref() {
                            check_table(text, t, nested, problems);
                        }
                    }
                }
                // A value of the wrong type: deserialisation names it.
                _ => {}
            }
        }
    }
}

/// The parser's message on one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A TOML string literal for `s`, quoted and escaped.
pub(crate) fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_recognised() {
        for key in [
            "password",
            "Password",
            "keystore_password",
            "passwd",
            "pass-phrase",
            "passphrase",
            "PIN",
            "user_pin",
            "client_secret",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["user", "pinned", "spin", "keystore", "path", "alias", "uri"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn quoting_escapes() {
        let quoted = quote("line\nbreak \"q\" \\ é");
        let back: toml::Table = format!("k = {quoted}").parse().unwrap();
        assert_eq!(back["k"].as_str(), Some("line\nbreak \"q\" \\ é"));
    }
}
