//! `cicsx connection edit`: the built binary, a temporary workspace, mock regions on loopback.

mod util;

use cicsx_mock_cics::{CertChoice, Mode};
use util::{Cx, region};

const PASSWORD: (&str, &str) = ("CICSX_PASSWORD", "cicspass");

/// `tls_confirmed` of connection `name`, as `cicsx connection list --json` reports it.
async fn confirmed(cx: &Cx, name: &str) -> bool {
    let run = cx.run(&["connection", "list", "--json"], &[]).await;
    let list: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {run}"));
    c["tls_confirmed"].as_bool().unwrap()
}

/// The CONFIRMED column of `cicsx connection list` for the row of `name`.
async fn confirmed_column(cx: &Cx, name: &str) -> String {
    let run = cx.run(&["connection", "list"], &[]).await;
    let out = run.ok();
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    let at = header.find("CONFIRMED").unwrap();
    let row = lines
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {run}"));
    row[at..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_and_context_change_and_read_back() {
    let cx = Cx::new();
    cx.run(
        &[
            "connection",
            "add",
            "PROD",
            "--host",
            "127.0.0.1",
            "--port",
            "1490",
            "--secure",
            "--user",
            "IBMUSER",
        ],
        &[],
    )
    .await
    .ok();

    let run = cx
        .run(
            &[
                "connection",
                "edit",
                "prod",
                "--port",
                "1491",
                "--context",
                "PLEX1",
            ],
            &[],
        )
        .await;
    assert_eq!(
        run.ok().trim(),
        "Changed connection \"PROD\": port 1490 -> 1491, context PLEX1.",
        "{run}"
    );

    let show = cx.run(&["connection", "show", "PROD"], &[]).await;
    let out = show.ok();
    assert!(out.contains("Port:        1491"), "{show}");
    assert!(out.contains("Context:     PLEX1"), "{show}");
    assert!(out.contains("Host:        127.0.0.1"), "{show}");
    assert!(out.contains("user ID IBMUSER and password"), "{show}");

    // The same values again: nothing to change, and the file is not written.
    let before = cx.snapshot();
    let run = cx
        .run(&["connection", "edit", "PROD", "--port", "1491"], &[])
        .await;
    assert!(run.ok().contains("unchanged"), "{run}");
    assert_eq!(cx.snapshot(), before);

    // Taking things away: the context, and the certificate for a user ID and password.
    let run = cx
        .run(
            &[
                "connection",
                "edit",
                "PROD",
                "--client-cert",
                "/keys/me.p12",
                "--client-cert-alias",
                "me",
                "--no-context",
            ],
            &[],
        )
        .await;
    let out = run.ok();
    assert!(
        out.contains("credential user ID IBMUSER and password -> certificate from /keys/me.p12"),
        "{run}"
    );
    assert!(out.contains("key alias me"), "{run}");
    assert!(out.contains("no context (was PLEX1)"), "{run}");
    let json = cx.run(&["connection", "list", "--json"], &[]).await;
    let v: serde_json::Value = serde_json::from_str(json.ok()).unwrap();
    assert_eq!(v[0]["credential"]["type"], "pkcs12", "{json}");
    assert_eq!(v[0]["credential"]["user"], "IBMUSER", "{json}");
    assert_eq!(v[0]["context"], serde_json::Value::Null, "{json}");

    let run = cx
        .run(&["connection", "edit", "PROD", "--no-certificate"], &[])
        .await;
    run.ok();
    let show = cx.run(&["connection", "show", "PROD"], &[]).await;
    assert!(
        show.ok()
            .contains("Credential:  user ID IBMUSER and password"),
        "{show}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_change_resets_confirmation_and_context_change_keeps_it() {
    let region = region(Mode::Strong, CertChoice::Valid).await;
    let port = region.addr().port();
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("r1", port, true, &["--user", "cicsuser"]).await;
    cx.run(&["connect", "r1"], &[PASSWORD]).await.ok();
    assert!(confirmed(&cx, "r1").await);
    assert_eq!(confirmed_column(&cx, "r1").await, "yes");

    // Context and credential belong to the sign-on, not the endpoint: still confirmed.
    let run = cx
        .run(
            &[
                "connection",
                "edit",
                "r1",
                "--context",
                "OTHERPLX",
                "--user",
                "cicsuser2",
            ],
            &[],
        )
        .await;
    assert!(!run.ok().contains("unconfirmed"), "{run}");
    assert!(confirmed(&cx, "r1").await);
    assert_eq!(confirmed_column(&cx, "r1").await, "yes");

    // Another port: the confirmation belonged to the old endpoint.
    let other = (port % 60000 + 1).to_string();
    let run = cx
        .run(&["connection", "edit", "r1", "--port", &other], &[])
        .await;
    assert!(run.ok().contains("unconfirmed again"), "{run}");
    assert!(!confirmed(&cx, "r1").await);
    assert_eq!(confirmed_column(&cx, "r1").await, "no");

    // Back to the region's port (and context): a connect confirms it again.
    let port = port.to_string();
    cx.run(
        &[
            "connection",
            "edit",
            "r1",
            "--port",
            &port,
            "--context",
            cicsx_mock_cics::CICSPLEX,
            "--user",
            "cicsuser",
        ],
        &[],
    )
    .await
    .ok();
    assert!(!confirmed(&cx, "r1").await);
    cx.run(&["connect", "r1"], &[PASSWORD]).await.ok();
    assert!(confirmed(&cx, "r1").await);

    // Switching secure off (a plain connection) also resets it, and back on stays unconfirmed.
    cx.run(&["connection", "edit", "r1", "--no-secure"], &[])
        .await
        .ok();
    assert!(!confirmed(&cx, "r1").await);
    let run = cx.run(&["connection", "edit", "r1", "--secure"], &[]).await;
    assert!(run.ok().contains("security plain HTTP -> TLS"), "{run}");
    assert!(!confirmed(&cx, "r1").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_name_fails_with_the_show_id_and_changes_nothing() {
    let cx = Cx::new();
    cx.add("r1", 1490, true, &[]).await;
    let before = cx.snapshot();

    let show = cx.run(&["connection", "show", "nosuch"], &[]).await;
    show.fails_with("CICSX0901E");
    let run = cx
        .run(&["connection", "edit", "nosuch", "--port", "1491"], &[])
        .await;
    let err = run.fails_with("CICSX0901E");
    assert!(err.contains("\"nosuch\""), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
    assert_eq!(cx.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_validation_leaves_connections_toml_as_it_was() {
    let cx = Cx::new();
    cx.add("r1", 1490, true, &["--user", "cicsuser"]).await;
    cx.add("r2", 1491, false, &[]).await;
    let file = cx.workspace().join("connections.toml");
    let bytes = std::fs::read(&file).unwrap();
    let before = cx.snapshot();

    let cases: &[(&[&str], &str)] = &[
        (&["--host", "https://mvs1.example.com"], "CICSX0505E"),
        (&["--port", "0"], "CICSX0505E"),
        (&["--port", "1492", "--context", "NOT A PLEX"], "CICSX0505E"),
        (&["--user", "has space"], "CICSX0505E"),
        (&["--smartcard", "token=card"], "CICSX0505E"),
        (&["--client-cert-alias", "me"], "CICSX0505E"),
        (
            &["--client-cert", "/keys/me.p12", "--no-secure"],
            "CICSX0506E",
        ),
    ];
    for (options, id) in cases {
        let mut args = vec!["connection", "edit", "r1"];
        args.extend_from_slice(options);
        let run = cx.run(&args, &[]).await;
        run.fails_with(id);
        assert!(run.stdout.is_empty(), "{options:?}\n{run}");
        assert_eq!(std::fs::read(&file).unwrap(), bytes, "{options:?}\n{run}");
    }

    // A certificate on a plain connection, given in two steps: the second is refused.
    let run = cx
        .run(&["connection", "edit", "r2", "--keystore-cert", "me"], &[])
        .await;
    run.fails_with("CICSX0506E");

    // No option at all is a usage error.
    let run = cx.run(&["connection", "edit", "r1"], &[]).await;
    assert_eq!(run.code, Some(2), "{run}");
    assert_eq!(cx.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loaded_connection_is_read_only() {
    let cx = Cx::new();
    cx.add("mine", 1490, true, &[]).await;
    let shared = cx.path("team.toml");
    std::fs::write(
        &shared,
        "version = 1\n\n[[connection]]\nname = \"TEAM\"\nhost = \"127.0.0.1\"\nport = 1490\n",
    )
    .unwrap();
    let shared_text = std::fs::read(&shared).unwrap();
    cx.run(&["connection", "load", shared.to_str().unwrap()], &[])
        .await
        .ok();
    let before = cx.snapshot();

    let run = cx
        .run(&["connection", "edit", "team", "--port", "1491"], &[])
        .await;
    let err = run.fails_with("CICSX0508E");
    assert!(err.contains("read-only"), "{run}");
    assert!(err.contains("cicsx connection import"), "{run}");
    assert_eq!(cx.snapshot(), before);
    assert_eq!(std::fs::read(&shared).unwrap(), shared_text);
}

/// `cicsx get -c` takes * and ? as wildcards: a new connection may not have one in its name.
#[tokio::test]
async fn a_new_name_with_a_wildcard_is_refused() {
    let cx = Cx::new();
    for name in ["a*b", "a?b"] {
        cx.run(
            &[
                "connection",
                "add",
                name,
                "--host",
                "127.0.0.1",
                "--port",
                "1490",
                "--secure",
                "--user",
                "u",
            ],
            &[],
        )
        .await
        .fails_with("CICSX0505E");
    }
    assert!(!cx.workspace().join("connections.toml").exists());
}
