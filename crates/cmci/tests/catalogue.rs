//! The message catalogue against the code: every ID the crates use has an entry, every entry
//! is used, the connection failures name the region-side settings, and docs/messages.md is the
//! text generated from the catalogue.
//!
//! `CICSX_UPDATE_DOCS=1 cargo test -p cicsx-cmci --test catalogue` rewrites docs/messages.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cicsx_cmci::catalogue::{self, MESSAGES, Severity, lookup, markdown, suggest};

/// The `crates` directory of the workspace.
fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/cmci has a parent")
        .to_path_buf()
}

/// The catalogue itself, which names every ID and must not count as a use.
fn catalogue_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/catalogue.rs")
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Message IDs in `text`: `CICSX`, four ASCII digits and `E`, `W` or `I`, not followed by a
/// letter or digit.
fn ids_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = text[at..].find("CICSX") {
        let start = at + offset;
        at = start + 5;
        let Some(candidate) = bytes.get(start..start + 10) else {
            break;
        };
        let well_formed = candidate[5..9].iter().all(u8::is_ascii_digit)
            && matches!(candidate[9], b'E' | b'W' | b'I')
            && !bytes
                .get(start + 10)
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if well_formed {
            // All ASCII, so this slice is on character boundaries.
            found.push(text[start..start + 10].to_owned());
        }
    }
    found
}

/// Every message ID used in `crates/*/src`, with the first file that uses it.
fn ids_in_code() -> BTreeMap<String, PathBuf> {
    let mut files = Vec::new();
    let Ok(crates) = std::fs::read_dir(crates_dir()) else {
        panic!("cannot list {}", crates_dir().display());
    };
    for krate in crates.flatten() {
        rust_files(&krate.path().join("src"), &mut files);
    }
    files.sort();
    assert!(
        files.len() > 20,
        "the scan found only {} files under {}",
        files.len(),
        crates_dir().display()
    );
    let skip = catalogue_file();
    let mut ids = BTreeMap::new();
    for file in files.iter().filter(|f| **f != skip) {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        for id in ids_in(&text) {
            ids.entry(id).or_insert_with(|| file.clone());
        }
    }
    ids
}

#[test]
fn the_scanner_finds_ids_and_only_ids() {
    let text = "x CICSX0407E, \"CICSX0150W\" CICSX0999I\nCICSX01xxE CICSX0407 CICSX04070E \
                CICSX0407EE CICSX0407e CICSX0407Ex CICSX040";
    assert_eq!(ids_in(text), ["CICSX0407E", "CICSX0150W", "CICSX0999I"]);
    assert!(ids_in("é CICSX").is_empty());
}

#[test]
fn every_id_in_the_code_has_an_entry() {
    let missing: Vec<String> = ids_in_code()
        .into_iter()
        .filter(|(id, _)| lookup(id).is_none_or(|m| m.id != id))
        .map(|(id, file)| format!("{id} (used in {})", file.display()))
        .collect();
    assert!(
        missing.is_empty(),
        "message IDs without a catalogue entry in crates/cmci/src/catalogue.rs:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_entry_is_used_in_the_code() {
    let used = ids_in_code();
    let stale: Vec<&str> = MESSAGES
        .iter()
        .map(|m| m.id)
        .filter(|id| !used.contains_key(*id))
        .collect();
    assert!(
        stale.is_empty(),
        "catalogue entries whose ID no code uses: {stale:?}"
    );
}

#[test]
fn ids_are_well_formed_unique_and_sorted() {
    assert!(MESSAGES.len() > 100, "{} entries", MESSAGES.len());
    for m in MESSAGES {
        assert_eq!(ids_in(m.id), [m.id], "malformed ID {:?}", m.id);
        assert_eq!(m.id.len(), 10, "{}", m.id);
    }
    for pair in MESSAGES.windows(2) {
        assert!(
            pair[0].id < pair[1].id,
            "not sorted or not unique: {} before {}",
            pair[0].id,
            pair[1].id
        );
    }
    // The digits alone name one entry, so "0407" always finds one.
    let numbers: BTreeSet<&str> = MESSAGES.iter().map(|m| &m.id[5..9]).collect();
    assert_eq!(numbers.len(), MESSAGES.len());
}

#[test]
fn ids_sit_in_their_crates_range() {
    let ranges = ["01", "02", "03", "04", "05", "06", "07", "09"];
    for m in MESSAGES {
        assert!(
            ranges.contains(&&m.id[5..7]),
            "{} is in no crate's range (docs/CONVENTIONS.md)",
            m.id
        );
    }
}

/// Whether `text`, outside backtick spans, holds any of `chars`.
fn outside_code(text: &str, chars: &[char]) -> Option<char> {
    text.split('`')
        .step_by(2)
        .find_map(|plain| plain.chars().find(|c| chars.contains(c)))
}

#[test]
fn texts_are_complete_and_render_as_plain_markdown() {
    for m in MESSAGES {
        assert!(!m.title.trim().is_empty(), "{}: empty title", m.id);
        assert!(
            !m.explanation.trim().is_empty(),
            "{}: empty explanation",
            m.id
        );
        assert!(!m.client.trim().is_empty(), "{}: empty client text", m.id);
        assert!(
            !m.title.contains('\n') && m.title.chars().count() <= 78,
            "{}: the title must fit one line (78 characters) beside its ID",
            m.id
        );
        assert!(
            !m.title.ends_with('.'),
            "{}: titles end without a full stop",
            m.id
        );
        for (field, text) in [
            ("title", m.title),
            ("explanation", m.explanation),
            ("client", m.client),
            ("region", m.region),
        ] {
            for paragraph in catalogue::paragraphs(text) {
                assert_eq!(
                    paragraph.matches('`').count() % 2,
                    0,
                    "{} {field}: unbalanced backticks in {paragraph:?}",
                    m.id
                );
                assert_eq!(
                    outside_code(paragraph, &['<', '>', '*', '|', '\t']),
                    None,
                    "{} {field}: Markdown-active character outside backticks in {paragraph:?}",
                    m.id
                );
            }
            assert!(
                !text.contains("  "),
                "{} {field}: double space (a line continuation without its backslash?)",
                m.id
            );
        }
    }
}

#[test]
fn severities_match_the_letters() {
    for m in MESSAGES {
        let expected = match m.id.as_bytes()[9] {
            b'W' => Severity::Warning,
            b'I' => Severity::Information,
            _ => Severity::Error,
        };
        assert_eq!(m.severity(), expected, "{}", m.id);
    }
}

fn entry(id: &str) -> &'static catalogue::Message {
    lookup(id).unwrap_or_else(|| panic!("{id} has no entry"))
}

#[test]
fn connection_failures_name_the_region_side_settings() {
    // Port expects TLS, client sent plain HTTP.
    let m = entry("CICSX0404E");
    assert!(m.region.contains("SSL(YES)") && m.region.contains("SSL(CLIENTAUTH)"));
    assert!(m.client.contains("--switch-security") && m.client.contains("--secure"));

    // Port speaks plain HTTP, client sent TLS.
    let m = entry("CICSX0406E");
    assert!(m.explanation.contains("DFHWB0114"));
    assert!(m.region.contains("DFHWB0114") && m.region.contains("SSL(YES)"));

    // No common cipher suite: the region's cipher settings and the job-log message.
    let m = entry("CICSX0407E");
    for needle in [
        "DFHSO0123",
        "402",
        "ENCRYPTION",
        "CIPHERS",
        "STRONG",
        "MINTLSLEVEL",
    ] {
        assert!(
            m.region.contains(needle),
            "CICSX0407E region lacks {needle}"
        );
    }
    assert!(m.explanation.contains("DFHSO0123") && m.explanation.contains("handshake_failure"));

    // Client certificate required.
    let m = entry("CICSX0410E");
    assert!(m.region.contains("SSL(CLIENTAUTH)") && m.region.contains("key ring"));
    assert!(m.client.contains("--keystore-cert") && m.client.contains("--smartcard"));

    // TLS version: the SIT parameters.
    assert!(entry("CICSX0408E").region.contains("MINTLSLEVEL"));
    // Closed during the handshake: both job-log messages.
    let m = entry("CICSX0405E");
    assert!(m.region.contains("DFHSO0123") && m.region.contains("DFHWB0114"));
}

#[test]
fn client_side_only_messages_leave_the_region_empty() {
    for id in [
        "CICSX0101E",
        "CICSX0306E",
        "CICSX0509E",
        "CICSX0903E",
        "CICSX0935E",
    ] {
        assert_eq!(entry(id).region, "", "{id}");
    }
}

#[test]
fn lookup_forms() {
    let m = entry("CICSX0407E");
    for form in [
        "CICSX0407E",
        "cicsx0407e",
        "CicsX0407E",
        "CICSX0407",
        "cicsx0407",
        "0407",
        "0407E",
        "  CICSX0407E\n",
    ] {
        assert_eq!(lookup(form), Some(m), "{form:?}");
    }
    assert_eq!(entry("0150").id, "CICSX0150W");
    for unknown in [
        "CICSX0407W",
        "CICSX0407I",
        "CICSX0407X",
        "CICSX407E",
        "407",
        "CICSX",
        "",
        "CICSX0407E trailing",
        "ＣＩＣＳＸ０４０７Ｅ",
        "CICSX٠٤٠٧E",
    ] {
        assert_eq!(lookup(unknown), None, "{unknown:?}");
    }
    // No panics on arbitrary input.
    for text in ["\u{0}", "CICSX\u{10FFFF}", &"9".repeat(10_000), "é0407"] {
        let _ = lookup(text);
        let _ = suggest(text, 5);
    }
}

#[test]
fn suggestions_are_the_nearest_ids() {
    let ids = |query: &str, max: usize| -> Vec<&str> {
        suggest(query, max).iter().map(|m| m.id).collect()
    };
    // A wrong severity letter: the same digits come first.
    assert_eq!(ids("CICSX0407W", 1), ["CICSX0407E"]);
    assert_eq!(ids("cicsx0150e", 1), ["CICSX0150W"]);
    // An unused number: its numeric neighbours.
    let near = ids("CICSX0415E", 2);
    assert_eq!(near.len(), 2);
    for id in &near {
        assert!(["CICSX0414E", "CICSX0416E"].contains(id), "{near:?}");
    }
    // At most `max`, and nothing for nothing.
    assert!(suggest("CICSX0415E", 5).len() <= 5);
    assert!(suggest("", 5).is_empty());
    assert!(suggest("0415", 0).is_empty());
    assert!(suggest("CICSX98765432E", 3).is_empty());
    // Words look in the titles.
    let by_word = ids("handshake_failure", 5);
    assert_eq!(by_word, ["CICSX0407E"]);
    assert!(ids("PIN", 20).contains(&"CICSX0307E"));
    // Words fall back to the explanations.
    assert!(ids("DFHWB0114", 5).contains(&"CICSX0406E"));
}

#[test]
fn markdown_has_every_entry_once() {
    let md = markdown();
    for m in MESSAGES {
        let heading = format!("\n### {}\n", m.id);
        assert_eq!(md.matches(&heading).count(), 1, "{}", m.id);
        assert!(md.contains(&format!("**{}**", m.title)), "{}", m.id);
    }
    assert!(
        md.contains("CICSX_UPDATE_DOCS=1"),
        "the header says how to regenerate"
    );
    assert!(md.ends_with('\n') && !md.ends_with("\n\n"));
}

/// docs/messages.md is what the catalogue generates. With CICSX_UPDATE_DOCS=1 the file is
/// rewritten instead.
#[test]
fn docs_messages_md_is_up_to_date() {
    let path = crates_dir().join("../docs/messages.md");
    let expected = markdown();
    if std::env::var_os("CICSX_UPDATE_DOCS").is_some_and(|v| v == "1") {
        cicsx_keystore::fs::write_atomic(&path, expected.as_bytes(), 0o644)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let first_difference = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .map_or_else(
                || "one file is a prefix of the other".to_owned(),
                |i| {
                    format!(
                        "line {}:\n  file:      {:?}\n  generated: {:?}",
                        i + 1,
                        actual.lines().nth(i).unwrap_or(""),
                        expected.lines().nth(i).unwrap_or("")
                    )
                },
            );
        panic!(
            "{} is not the text generated from the catalogue; first difference at {first_difference}\n\
             Regenerate it with: CICSX_UPDATE_DOCS=1 cargo test -p cicsx-cmci --test catalogue",
            path.display()
        );
    }
}
