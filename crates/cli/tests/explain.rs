//! `cicsx explain`: the long form of a message from the catalogue, lookups in any case and
//! without the severity letter, the list, JSON, and unknown IDs.

mod util;

use cicsx_cmci::catalogue::{self, MESSAGES};
use util::Cx;

#[tokio::test]
async fn explains_the_cipher_mismatch_with_both_sides() {
    let cx = Cx::new();
    let run = cx.run(&["explain", "CICSX0407E"], &[]).await;
    let out = run.ok();
    assert!(
        out.starts_with("CICSX0407E  "),
        "the ID and title come first\n{run}"
    );
    for needle in [
        "Explanation:",
        "On your side:",
        "On the CICS region:",
        "handshake_failure",
        "DFHSO0123",
        "ENCRYPTION",
        "CIPHERS",
    ] {
        assert!(out.contains(needle), "{needle} missing\n{run}");
    }
    assert!(run.stderr.is_empty(), "{run}");
    for line in out.lines() {
        assert!(
            line.chars().count() <= 90 || line.split_whitespace().count() == 1,
            "wider than 90 columns: {line:?}\n{run}"
        );
    }
    // Nothing is created: explain needs no workspace.
    assert!(!cx.workspace().exists());
}

#[tokio::test]
async fn any_case_and_no_severity_letter_give_the_same_text() {
    let cx = Cx::new();
    let canonical = cx.run(&["explain", "CICSX0406E"], &[]).await;
    let expected = canonical.ok().to_owned();
    assert!(expected.contains("DFHWB0114"), "{canonical}");
    for form in ["cicsx0406e", "CICSX0406", "cicsx0406", "0406", "0406e"] {
        let run = cx.run(&["explain", form], &[]).await;
        assert_eq!(run.ok(), expected, "{form}\n{run}");
    }
    // A whole message line pasted from a log finds its ID too.
    let pasted = "cicsx: CICSX0406E 127.0.0.1:1490 does not speak TLS";
    let run = cx.run(&["explain", pasted], &[]).await;
    assert_eq!(run.ok(), expected, "{run}");
}

#[tokio::test]
async fn warnings_are_explained_too() {
    let cx = Cx::new();
    let run = cx.run(&["explain", "0150"], &[]).await;
    let out = run.ok();
    assert!(out.starts_with("CICSX0150W  "), "{run}");
    assert!(
        out.contains("On the CICS region:\n  Nothing to change."),
        "{run}"
    );
}

#[tokio::test]
async fn list_has_one_line_per_catalogue_entry() {
    let cx = Cx::new();
    let run = cx.run(&["explain", "--list"], &[]).await;
    let lines: Vec<&str> = run.ok().lines().collect();
    assert_eq!(lines.len(), MESSAGES.len(), "{run}");
    for (line, m) in lines.iter().zip(MESSAGES) {
        assert_eq!(*line, format!("{}  {}", m.id, m.title));
    }

    let run = cx.run(&["explain", "--list", "--json"], &[]).await;
    let value: serde_json::Value = serde_json::from_str(run.ok()).expect("JSON");
    let list = value.as_array().expect("an array");
    assert_eq!(list.len(), MESSAGES.len(), "{run}");
    assert_eq!(list[0]["id"], MESSAGES[0].id);
    assert_eq!(list[0]["title"], MESSAGES[0].title);
    let warning = list
        .iter()
        .find(|e| e["id"] == "CICSX0150W")
        .expect("CICSX0150W listed");
    assert_eq!(warning["severity"], "warning");
}

#[tokio::test]
async fn json_entry_is_the_catalogue_entry() {
    let cx = Cx::new();
    let run = cx.run(&["explain", "cicsx0410", "--json"], &[]).await;
    let value: serde_json::Value = serde_json::from_str(run.ok()).expect("JSON");
    let m = catalogue::lookup("CICSX0410E").expect("entry");
    assert_eq!(value["id"], m.id);
    assert_eq!(value["severity"], "error");
    assert_eq!(value["title"], m.title);
    assert_eq!(value["explanation"], m.explanation);
    assert_eq!(value["client"], m.client);
    assert_eq!(value["region"], m.region);
    assert!(m.region.contains("SSL(CLIENTAUTH)"));
}

#[tokio::test]
async fn unknown_ids_fail_with_suggestions() {
    let cx = Cx::new();
    // A wrong severity letter: the right one is suggested.
    let run = cx.run(&["explain", "CICSX0407W"], &[]).await;
    let err = run.fails_with("CICSX0935E");
    assert!(err.contains("CICSX0407W"), "the input is named\n{run}");
    assert!(err.contains("Did you mean CICSX0407E"), "{run}");
    assert!(err.contains("cicsx explain --list"), "{run}");
    assert!(run.stdout.is_empty(), "{run}");

    // An unused number: IDs near it.
    let run = cx.run(&["explain", "CICSX0499E"], &[]).await;
    let err = run.fails_with("CICSX0935E");
    assert!(err.contains("Did you mean CICSX04"), "{run}");

    // Garbage, and no ID at all.
    cx.run(&["explain", "hello\u{1b}[2J"], &[])
        .await
        .fails_with("CICSX0935E");
    let run = cx.run(&["explain"], &[]).await;
    run.fails_with("CICSX0935E");
    assert_eq!(run.code, Some(1), "{run}");
}

#[tokio::test]
async fn list_and_an_id_are_a_usage_error() {
    let cx = Cx::new();
    let run = cx.run(&["explain", "CICSX0407E", "--list"], &[]).await;
    assert_eq!(run.code, Some(2), "clap's usage error\n{run}");
}
