//! Export, import (cicsx files and Zowe team configurations) and load, end to end.

mod util;

use cicsx_mock_cics::{CertChoice, Mode};
use util::{Cx, region};

const PASSWORD: (&str, &str) = ("CICSX_PASSWORD", "cicspass");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_connection_is_unconfirmed_and_offers_the_retry() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let alice = Cx::new();
    alice.trust_fixture_ca();
    // Alice's connection is (wrongly) plain, but confirmed on her side by a hand edit.
    alice
        .add("plex", region.addr().port(), false, &["--user", "ALICE"])
        .await;
    let shared = alice.path("shared.toml");
    alice
        .run(&["connection", "export", shared.to_str().unwrap()], &[])
        .await
        .ok();
    let text = util::read(&shared);
    assert!(
        text.contains("name = \"plex\"") && !text.contains("tls_confirmed = true"),
        "{text}"
    );

    let bob = Cx::new();
    bob.trust_fixture_ca();
    bob.add("plex", 1, true, &["--user", "cicsuser"]).await;
    let run = bob
        .run(&["connection", "import", shared.to_str().unwrap()], &[])
        .await;
    assert!(
        run.ok().contains("Updated (credentials kept): plex"),
        "{run}"
    );
    let list = bob.run(&["connection", "list", "--json"], &[]).await;
    let v: serde_json::Value = serde_json::from_str(list.ok()).unwrap();
    assert_eq!(
        v[0]["credential"]["user"], "cicsuser",
        "Bob's credential is kept\n{list}"
    );
    assert_eq!(v[0]["tls_confirmed"], false);

    let run = bob
        .run(&["connect", "plex", "--switch-security"], &[PASSWORD])
        .await;
    assert!(
        run.stderr.contains("Ambiguity in connection security"),
        "{run}"
    );
    assert!(run.ok().contains("now uses TLS"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loaded_connection_is_read_only_and_confirmations_stay_with_the_user() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let shared = cx.path("team.toml");
    std::fs::write(
        &shared,
        format!(
            "version = 1\n[[connection]]\nname = \"team\"\nhost = \"127.0.0.1\"\nport = {}\nsecure = false\ncontext = \"CICSPLEX1\"\ncredential = {{ type = \"password\", user = \"cicsuser\" }}\n",
            region.addr().port()
        ),
    )
    .unwrap();
    let shared_before = std::fs::read(&shared).unwrap();
    let run = cx
        .run(&["connection", "load", shared.to_str().unwrap()], &[])
        .await;
    assert!(run.ok().contains("1 connection (team), read-only"), "{run}");

    // Declined first: nothing is written anywhere.
    cx.run(&["connect", "team"], &[PASSWORD])
        .await
        .fails_with("CICSX0404E");
    assert!(!cx.workspace().join("state.toml").exists());

    let run = cx
        .run(&["connect", "team", "--switch-security"], &[PASSWORD])
        .await;
    assert!(run.ok().contains("now uses TLS"), "{run}");
    assert_eq!(
        std::fs::read(&shared).unwrap(),
        shared_before,
        "the shared file is never written"
    );
    let state = util::read(&cx.workspace().join("state.toml"));
    assert!(
        state.contains("name = \"team\"") && state.contains("secure = true"),
        "{state}"
    );

    // Next time: TLS, confirmed, no offer.
    let run = cx.run(&["connect", "team"], &[PASSWORD]).await;
    assert!(run.ok().contains("TLSv1.3"), "{run}");
    assert!(!run.stderr.contains("Ambiguity"), "{run}");
    let list = cx.run(&["connection", "list"], &[]).await;
    assert!(list.ok().contains("loaded from"), "{list}");

    // A source that disappears is reported, and the rest still works.
    std::fs::remove_file(&shared).unwrap();
    let list = cx.run(&["connection", "list"], &[]).await;
    assert!(list.stderr.contains("CICSX0513E"), "{list}");
    cx.run(&["connection", "unload", shared.to_str().unwrap()], &[])
        .await
        .ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zowe_team_configuration_import() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let zowe = cx.path("zowe.config.json");
    std::fs::write(
        &zowe,
        format!(
            r#"{{"profiles": {{
                 "local": {{ "properties": {{ "host": "127.0.0.1" }},
                            "profiles": {{ "cics": {{ "type": "cics", "properties": {{ "port": {}, "protocol": "https", "cicsPlex": "CICSPLEX1", "rejectUnauthorized": false }} }} }} }},
                 "base": {{ "type": "base", "properties": {{ "user": "cicsuser" }} }} }},
               "defaults": {{ "base": "base" }} }}"#,
            region.addr().port()
        ),
    )
    .unwrap();
    let run = cx
        .run(&["connection", "import", zowe.to_str().unwrap()], &[])
        .await;
    assert!(run.ok().contains("Added: local.cics"), "{run}");
    assert!(run.stderr.contains("rejectUnauthorized"), "{run}");
    let run = cx
        .run(&["get", "CICSRegion", "-c", "local.cics"], &[PASSWORD])
        .await;
    assert!(run.ok().contains("IYK2ZAB1"), "{run}");
}
