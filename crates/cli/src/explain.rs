//! `cicsx explain ID`: the long form of a message, from the catalogue in
//! `cicsx_cmci::catalogue` (which docs/messages.md is generated from).

use std::io::Write;

use cicsx_cmci::catalogue::{self, MESSAGES, Message};

use crate::error::Failure;

/// The width the long form is wrapped to.
const WIDTH: usize = 90;
/// The indentation of the text under each heading.
const INDENT: &str = "  ";
/// How many IDs an unknown one suggests.
const SUGGESTIONS: usize = 3;
/// The ID of the failure for an unknown or missing ID.
const UNKNOWN_ID: &str = "CICSX0935E";

/// Prints the catalogue entry for `id`, or every ID with its title with `list`; JSON with
/// `json`.
pub(crate) fn run(id: Option<String>, list: bool, json: bool) -> Result<(), Failure> {
    let text = if list {
        if json { list_json() } else { list_text() }
    } else {
        let id = id.ok_or_else(missing)?;
        let message = resolve(&id).ok_or_else(|| unknown(&id))?;
        if json {
            entry_json(message)
        } else {
            long_form(message)
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(())
}

/// The entry for what the user typed: an ID in any of the forms
/// [`catalogue::lookup`] accepts, or else a text (a pasted log line) that holds exactly one
/// known ID.
fn resolve(input: &str) -> Option<&'static Message> {
    if let Some(message) = catalogue::lookup(input) {
        return Some(message);
    }
    let mut found: Vec<&'static Message> =
        embedded_ids(input).filter_map(catalogue::lookup).collect();
    found.dedup();
    match found.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// The full IDs (`CICSX` + four digits + `E`/`W`/`I`, any case) inside `text`.
fn embedded_ids(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    (0..bytes.len()).filter_map(move |start| {
        let candidate = bytes.get(start..start + 10)?;
        let well_formed = candidate[..5].eq_ignore_ascii_case(b"CICSX")
            && candidate[5..9].iter().all(u8::is_ascii_digit)
            && matches!(candidate[9].to_ascii_uppercase(), b'E' | b'W' | b'I')
            && !bytes
                .get(start + 10)
                .is_some_and(|b| b.is_ascii_alphanumeric());
        // All ten bytes are ASCII, so these are character boundaries.
        well_formed.then(|| &text[start..start + 10])
    })
}

fn missing() -> Failure {
    Failure::new(
        UNKNOWN_ID,
        "no message ID given",
        "cicsx explain prints the long form of one message: give its ID, for example \
         CICSX0407E (any case, the severity letter may be left out).",
        "Run `cicsx explain ID`, or `cicsx explain --list` to see every message.",
    )
}

fn unknown(input: &str) -> Failure {
    let shown: String = input
        .trim()
        .chars()
        .take(40)
        .flat_map(char::escape_debug)
        .collect();
    let suggestions: Vec<&str> = catalogue::suggest(input, SUGGESTIONS)
        .iter()
        .map(|m| m.id)
        .collect();
    let did_you_mean = match suggestions.as_slice() {
        [] => String::new(),
        [one] => format!("Did you mean {one}? "),
        [init @ .., last] => format!("Did you mean {} or {last}? ", init.join(", ")),
    };
    Failure::new(
        UNKNOWN_ID,
        format!("there is no message \"{shown}\" in the catalogue"),
        "Message IDs are CICSX, four digits and a severity letter (E error, W warning, \
         I information), for example CICSX0407E; case does not matter and the letter may be \
         left out.",
        format!("{did_you_mean}Run `cicsx explain --list` to see every message."),
    )
}

/// The long form: ID and title, then the explanation, the client side and the region side,
/// each wrapped under its heading.
fn long_form(m: &Message) -> String {
    let mut out = format!("{}  {}\n", m.id, m.title);
    for (heading, text) in [
        ("Explanation:", m.explanation),
        ("On your side:", m.client),
        ("On the CICS region:", m.region),
    ] {
        out.push('\n');
        out.push_str(heading);
        out.push('\n');
        if catalogue::paragraphs(text).next().is_none() {
            out.push_str(INDENT);
            out.push_str("Nothing to change.\n");
        } else {
            out.push_str(&wrap(text, INDENT, WIDTH));
        }
    }
    out
}

fn list_text() -> String {
    MESSAGES
        .iter()
        .map(|m| format!("{}  {}\n", m.id, m.title))
        .collect()
}

fn entry_json(m: &Message) -> String {
    let value = serde_json::json!({
        "id": m.id,
        "severity": m.severity().as_str(),
        "title": m.title,
        "explanation": m.explanation,
        "client": m.client,
        "region": m.region,
    });
    format!("{}\n", crate::commands::pretty(&value))
}

fn list_json() -> String {
    let list: Vec<serde_json::Value> = MESSAGES
        .iter()
        .map(|m| {
            serde_json::json!({
                "id": m.id,
                "severity": m.severity().as_str(),
                "title": m.title,
            })
        })
        .collect();
    format!(
        "{}\n",
        crate::commands::pretty(&serde_json::Value::Array(list))
    )
}

/// Wraps each paragraph of `text` at `width` columns (counting `indent`), a blank line
/// between paragraphs. A word longer than the line stands alone on its line.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(1);
    let mut out = String::new();
    for (i, paragraph) in catalogue::paragraphs(text).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split_whitespace() {
            let len = word.chars().count();
            if used > 0 && used + 1 + len > room {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
                used = 0;
            }
            if used > 0 {
                line.push(' ');
                used += 1;
            }
            line.push_str(word);
            used += len;
        }
        if used > 0 {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_word_within_the_width() {
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi \
                    omicron pi rho sigma tau upsilon\n\nsecond paragraph";
        let out = wrap(text, "  ", 30);
        for line in out.lines() {
            assert!(line.is_empty() || line.starts_with("  "), "{line:?}");
            assert!(line.chars().count() <= 30, "{line:?}");
        }
        let words: Vec<&str> = out.split_whitespace().collect();
        let expected: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words, expected);
        assert!(out.contains("\n\n  second paragraph\n"), "{out}");
    }

    #[test]
    fn wrap_puts_a_long_word_on_its_own_line() {
        let long = "x".repeat(50);
        let out = wrap(&format!("a {long} b"), "  ", 20);
        assert_eq!(out, format!("  a\n  {long}\n  b\n"));
        assert_eq!(wrap("", "  ", 20), "");
    }

    #[test]
    fn long_form_has_the_three_sections_within_90_columns() {
        for m in MESSAGES {
            let text = long_form(m);
            assert!(text.starts_with(&format!("{}  {}\n", m.id, m.title)));
            for heading in [
                "\nExplanation:\n",
                "\nOn your side:\n",
                "\nOn the CICS region:\n",
            ] {
                assert!(text.contains(heading), "{}: {heading:?}", m.id);
            }
            for line in text.lines() {
                let long_word = line.split_whitespace().count() == 1;
                assert!(
                    line.chars().count() <= WIDTH || long_word,
                    "{}: {line:?}",
                    m.id
                );
            }
        }
        let client_only = MESSAGES.iter().find(|m| m.region.is_empty()).unwrap();
        assert!(long_form(client_only).ends_with("On the CICS region:\n  Nothing to change.\n"));
    }

    #[test]
    fn resolve_finds_an_id_in_a_pasted_line() {
        let id = MESSAGES[0].id;
        assert_eq!(resolve(id).map(|m| m.id), Some(id));
        let line = format!(
            "cicsx: {} wrong pass phrase for keystore /k.p12",
            id.to_lowercase()
        );
        assert_eq!(resolve(&line).map(|m| m.id), Some(id));
        // Two different IDs: ambiguous.
        let two = format!("{} then {}", MESSAGES[0].id, MESSAGES[1].id);
        assert!(resolve(&two).is_none());
        assert!(resolve("nothing here").is_none());
        assert_eq!(embedded_ids("é CICSX").count(), 0);
    }

    #[test]
    fn unknown_ids_suggest_neighbours_and_escape_the_input() {
        // Built at run time, so that the source scan of the catalogue test does not take it
        // for an ID in use.
        let wrong_letter = format!("{}W", &MESSAGES[0].id[..9]);
        let failure = unknown(&wrong_letter);
        assert_eq!(failure.id, UNKNOWN_ID);
        assert!(
            failure.action.contains(MESSAGES[0].id),
            "{}",
            failure.action
        );
        assert!(failure.action.contains("cicsx explain --list"));
        let failure = unknown("\u{1b}[31mred");
        assert!(!failure.message.contains('\u{1b}'), "{}", failure.message);
        assert_eq!(missing().id, UNKNOWN_ID);
    }
}
