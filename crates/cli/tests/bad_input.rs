//! Bad files in the workspace: a clear message, a non-zero exit, and nothing changed.

mod util;

use util::Cx;

#[tokio::test]
async fn malformed_connections_toml() {
    let cx = Cx::new();
    std::fs::create_dir_all(cx.workspace()).unwrap();
    let path = cx.workspace().join("connections.toml");
    std::fs::write(&path, "version = 1\n[[connection]]\nname = \"a\nhost = 1\n").unwrap();
    let before = cx.snapshot();
    let run = cx.run(&["connection", "list"], &[]).await;
    let err = run.fails_with("CICSX050");
    assert!(err.contains("connections.toml"), "{run}");
    assert!(
        err.contains("connections.toml:3:"),
        "the line is named\n{run}"
    );
    let run = cx
        .run(
            &[
                "connection",
                "add",
                "b",
                "--host",
                "h",
                "--port",
                "1",
                "--secure",
            ],
            &[],
        )
        .await;
    run.fails_with("CICSX050");
    assert_eq!(cx.snapshot(), before, "the file must be left as it was");
}

#[tokio::test]
async fn malformed_preferences_toml() {
    let cx = Cx::new();
    cx.run(
        &[
            "connection",
            "add",
            "a",
            "--host",
            "h",
            "--port",
            "1490",
            "--secure",
            "--context",
            "P",
        ],
        &[],
    )
    .await
    .ok();
    std::fs::write(cx.workspace().join("preferences.toml"), "protocol = [\n").unwrap();
    let before = cx.snapshot();
    let run = cx.run(&["connect", "a"], &[]).await;
    let err = run.fails_with("CICSX050");
    assert!(err.contains("preferences.toml"), "{run}");
    assert_eq!(cx.snapshot(), before);
}

#[tokio::test]
async fn corrupt_keystore() {
    let cx = Cx::new();
    cx.run(
        &[
            "connection",
            "add",
            "a",
            "--host",
            "127.0.0.1",
            "--port",
            "1490",
            "--secure",
            "--context",
            "P",
        ],
        &[],
    )
    .await
    .ok();
    std::fs::write(
        cx.workspace().join("keystore.p12"),
        b"\x30\x82\x01\x00garbage",
    )
    .unwrap();
    let before = cx.snapshot();
    let run = cx.run(&["connect", "a"], &[]).await;
    let err = run.fails_with("CICSX01");
    assert!(err.contains("keystore.p12"), "{run}");
    assert_eq!(cx.snapshot(), before);
}

#[tokio::test]
async fn wrong_keystore_pass_phrase() {
    let cx = Cx::new();
    cx.run(
        &[
            "connection",
            "add",
            "a",
            "--host",
            "127.0.0.1",
            "--port",
            "1490",
            "--secure",
            "--context",
            "P",
        ],
        &[],
    )
    .await
    .ok();
    // A keystore with pass phrase "changeit" (as the workspace creates it).
    let ks = cicsx_keystore_bytes();
    std::fs::write(cx.workspace().join("keystore.p12"), ks).unwrap();
    let before = cx.snapshot();
    let run = cx
        .run(
            &["connect", "a"],
            &[("CICSX_KEYSTORE_PASSWORD", "not-the-pass-phrase")],
        )
        .await;
    let err = run.fails_with("CICSX01");
    assert!(err.to_lowercase().contains("pass phrase"), "{run}");
    assert!(!err.contains("not-the-pass-phrase"), "{run}");
    assert_eq!(cx.snapshot(), before);
}

fn cicsx_keystore_bytes() -> &'static [u8] {
    cicsx_mock_cics::fixtures::TRUSTSTORE_P12
}
