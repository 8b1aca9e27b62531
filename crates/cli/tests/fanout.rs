//! `cicsx get` across several connections: the built binary against several mock regions on
//! loopback, with failures among them.

mod util;

use cicsx_mock_cics::{CertChoice, Mode};
use util::{Cx, read, region};

const PASSWORD: (&str, &str) = ("CICSX_PASSWORD", "cicspass");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_table_from_many_regions_and_a_line_per_failure() {
    let good: Vec<_> = futures_regions(4).await;
    let untrusted = region(Mode::Strong, CertChoice::SelfSigned).await;
    let plain = region(Mode::Plain, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    for (i, r) in good.iter().enumerate() {
        cx.add(
            &format!("prod-{i}"),
            r.addr().port(),
            true,
            &["--user", "cicsuser"],
        )
        .await;
    }
    cx.add(
        "prod-untrusted",
        untrusted.addr().port(),
        true,
        &["--user", "cicsuser"],
    )
    .await;
    // A closed port: bind, note the port, close.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    cx.add("prod-closed", closed, true, &["--user", "cicsuser"])
        .await;
    cx.add(
        "test-plain",
        plain.addr().port(),
        false,
        &["--user", "cicsuser"],
    )
    .await;

    let run = cx
        .run(
            &["get", "CICSRegion", "-c", "prod-*", "--jobs", "3"],
            &[PASSWORD],
        )
        .await;
    // Failures are reported per connection, and the command as a whole fails.
    let err = run.fails_with("CICSX0939E");
    assert!(err.contains("2 of 6 connections failed"), "{run}");
    assert!(
        err.contains("prod-untrusted") && err.contains("CICSX0616E"),
        "{run}"
    );
    assert!(
        err.contains("prod-closed") && err.contains("CICSX0402E"),
        "{run}"
    );
    // The others are in one table with a CONNECTION column, in the order of the workspace.
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("CONNECTION"), "{run}");
    for i in 0..4 {
        let rows = lines
            .iter()
            .filter(|l| l.starts_with(&format!("prod-{i} ")))
            .count();
        assert_eq!(
            rows, 3,
            "three regions of the CICSplex per connection\n{run}"
        );
    }
    assert!(
        run.stdout.contains("12 records from 4 connections."),
        "{run}"
    );
    assert!(!run.stdout.contains("test-plain"), "{run}");
    // Nothing was accepted without asking, and no password went to the untrusted server.
    assert_eq!(untrusted.stats().basic_signons, 0);
    assert_eq!(untrusted.stats().http_requests, 0);
    // One sign-on per good region, one connection each.
    for r in &good {
        assert_eq!(r.stats().tls_handshakes, 1);
        assert_eq!(r.stats().basic_signons, 1);
    }
    // Successful connects confirmed their TLS setting, in one write.
    let toml = read(&cx.workspace().join("connections.toml"));
    let confirmed = toml.matches("tls_confirmed = true").count();
    assert_eq!(confirmed, 4, "{toml}");

    // Several names and several resources; JSON gives one object per connection.
    let run = cx
        .run(
            &[
                "get",
                "CICSRegion",
                "CICSProgram",
                "-c",
                "prod-1",
                "-c",
                "test-plain",
                "-c",
                "prod-closed",
                "--count",
                "1",
                "--json",
            ],
            &[PASSWORD],
        )
        .await;
    run.fails_with("CICSX0939E");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let all = value.as_array().unwrap();
    assert_eq!(all.len(), 3, "{run}");
    assert_eq!(all[0]["connection"], "prod-1");
    assert_eq!(all[0]["ok"], true);
    assert_eq!(all[0]["results"].as_array().unwrap().len(), 2);
    assert_eq!(all[0]["results"][1]["resource"], "CICSProgram");
    assert_eq!(all[0]["tls"]["version"], "TLSv1.3");
    assert_eq!(all[1]["connection"], "test-plain");
    assert_eq!(all[1]["ok"], true);
    assert!(all[1]["tls"].is_null());
    assert_eq!(all[2]["ok"], false);
    assert_eq!(all[2]["error"]["id"], "CICSX0402E");
    // The plain connection's password warning is given once.
    assert_eq!(run.stderr.matches("CICSX0920W").count(), 1, "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_and_no_password() {
    let good = futures_regions(2).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("a", good[0].addr().port(), true, &["--user", "cicsuser"])
        .await;
    let p12 = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/client/ecdsa.p12"
    );
    cx.add("b", good[1].addr().port(), true, &["--client-cert", p12])
        .await;

    // A connection without a CMCI context cannot be asked at all.
    let port = good[1].addr().port().to_string();
    cx.run(
        &[
            "connection",
            "add",
            "c",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--secure",
        ],
        &[],
    )
    .await
    .ok();

    // Without a terminal or CICSX_PASSWORD, the connection that needs a password is skipped;
    // the one with a client certificate goes on (its pass phrase from the environment).
    let run = cx
        .run(
            &["get", "CICSRegion", "--all"],
            &[("CICSX_CLIENT_CERT_PASSWORD", "changeit")],
        )
        .await;
    let err = run.fails_with("CICSX0617E");
    assert!(err.contains("2 of 3 connections failed"), "{run}");
    assert!(
        err.contains("c (127.0.0.1:") && err.contains("CICSX0908E"),
        "{run}"
    );
    assert!(run.stdout.contains("3 records from 1 connection."), "{run}");
    assert_eq!(
        good[0].stats().tls_handshakes,
        0,
        "nothing sent without a password"
    );
    assert_eq!(good[1].stats().client_cert_requests, 1);

    // No match for a pattern, or an unknown name: nothing is run.
    cx.run(&["get", "CICSRegion", "-c", "zz*"], &[])
        .await
        .fails_with("CICSX0938E");
    cx.run(&["get", "CICSRegion", "-c", "a", "-c", "nope"], &[])
        .await
        .fails_with("CICSX0901E");
    assert_eq!(good[0].stats().connections, 0);
}

async fn futures_regions(n: usize) -> Vec<cicsx_mock_cics::MockRegion> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(region(Mode::Strong, CertChoice::Valid).await);
    }
    out
}

/// A region that closes every connection after one response (no keep-alive).
async fn closing_region() -> cicsx_mock_cics::MockRegion {
    cicsx_mock_cics::MockRegion::start(cicsx_mock_cics::Config {
        keep_alive: false,
        ..Default::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_region_closes_resume_and_keep_the_ltpa_sign_on() {
    let single = closing_region().await;
    let fanned = [closing_region().await, closing_region().await];
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("solo", single.addr().port(), true, &["--user", "cicsuser"])
        .await;
    for (i, r) in fanned.iter().enumerate() {
        cx.add(
            &format!("many-{i}"),
            r.addr().port(),
            true,
            &["--user", "cicsuser"],
        )
        .await;
    }

    // One connection, three resources: three connections, the last two resumed; the password
    // once, then the LTPA token.
    let run = cx
        .run(
            &[
                "get",
                "CICSRegion",
                "CICSProgram",
                "CICSLocalTransaction",
                "-c",
                "solo",
            ],
            &[PASSWORD],
        )
        .await;
    let out = run.ok();
    assert!(
        out.contains("CICSRegion:") && out.contains("CICSLocalTransaction:"),
        "{run}"
    );
    let stats = single.stats();
    assert_eq!(
        (stats.tls_handshakes, stats.tls_resumed),
        (3, 2),
        "{stats:?}"
    );
    assert_eq!(stats.basic_signons, 1, "{stats:?}");
    assert_eq!(stats.ltpa_requests, 2, "{stats:?}");

    // A fan-out does the same per connection.
    let run = cx
        .run(
            &["get", "CICSRegion", "CICSProgram", "-c", "many-*"],
            &[PASSWORD],
        )
        .await;
    run.ok();
    for r in &fanned {
        let stats = r.stats();
        assert_eq!(
            (stats.tls_handshakes, stats.tls_resumed),
            (2, 1),
            "{stats:?}"
        );
        assert_eq!(stats.basic_signons, 1, "{stats:?}");
    }
}

/// Regions often share one RACF database, which revokes a user ID after a few wrong passwords
/// in a row: a get across five connections with a mistyped password sends it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_sent_to_one_region_not_to_every_one() {
    let regions = futures_regions(5).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    for (i, r) in regions.iter().enumerate() {
        cx.add(
            &format!("r-{i}"),
            r.addr().port(),
            true,
            &["--user", "cicsuser"],
        )
        .await;
    }
    let sum = |f: fn(&cicsx_mock_cics::Stats) -> u64| -> u64 {
        regions.iter().map(|r| f(&r.stats())).sum()
    };

    let run = cx
        .run(
            &["get", "CICSRegion", "--all", "--jobs", "5"],
            &[("CICSX_PASSWORD", "mistyped")],
        )
        .await;
    let err = run.fails_with("CICSX0939E");
    assert!(err.contains("5 of 5 connections failed"), "{run}");
    assert_eq!(err.matches("CICSX0609E").count(), 1, "{run}");
    assert_eq!(err.matches("CICSX0618E").count(), 4, "{run}");
    assert_eq!(sum(|s| s.authorization_headers), 1, "passwords sent\n{run}");
    // The handshakes went on meanwhile: only the sign-ons wait.
    assert_eq!(sum(|s| s.tls_handshakes), 5);

    let run = cx
        .run(&["get", "CICSRegion", "--all", "--jobs", "5"], &[PASSWORD])
        .await;
    assert!(run.ok().contains("from 5 connections."), "{run}");
    assert_eq!(sum(|s| s.basic_signons), 5);
}

/// A password accepted by one region and rejected by another (the user ID is unknown or
/// revoked there) is not sent to the regions after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_rejected_after_an_acceptance_stops_the_rest() {
    let first = region(Mode::Strong, CertChoice::Valid).await;
    let other_racf = cicsx_mock_cics::MockRegion::start(cicsx_mock_cics::Config {
        users: vec![("cicsuser".into(), "another-password".into())],
        ..Default::default()
    })
    .await
    .unwrap();
    let rest = futures_regions(2).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let ports = [first.addr().port(), other_racf.addr().port()]
        .into_iter()
        .chain(rest.iter().map(|r| r.addr().port()));
    for (i, port) in ports.enumerate() {
        cx.add(&format!("r-{i}"), port, true, &["--user", "cicsuser"])
            .await;
    }
    let run = cx
        .run(&["get", "CICSRegion", "--all", "--jobs", "1"], &[PASSWORD])
        .await;
    let err = run.fails_with("CICSX0939E");
    assert!(err.contains("3 of 4 connections failed"), "{run}");
    assert!(
        err.contains("r-1 (") && err.contains("CICSX0609E"),
        "the region that rejected it: {run}"
    );
    assert_eq!(err.matches("CICSX0618E").count(), 2, "{run}");
    assert!(err.contains("rejected by connection \"r-1\""), "{run}");
    assert_eq!(first.stats().basic_signons, 1);
    assert_eq!(other_racf.stats().authorization_headers, 1);
    for r in &rest {
        assert_eq!(r.stats().authorization_headers, 0, "{run}");
    }
}

/// `CICSX_PASSWORD=$SECRET` with SECRET unset gives an empty password: it is sent nowhere, on
/// TLS or plain HTTP (where the region asks for it with a 401), alone or across connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_password_is_never_sent() {
    let tls = region(Mode::Strong, CertChoice::Valid).await;
    let plain = region(Mode::Plain, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    cx.add("tls", tls.addr().port(), true, &["--user", "cicsuser"])
        .await;
    cx.add("plain", plain.addr().port(), false, &["--user", "cicsuser"])
        .await;
    let empty = [("CICSX_PASSWORD", "")];
    cx.run(&["connect", "tls"], &empty)
        .await
        .fails_with("CICSX0619E");
    cx.run(&["connect", "plain"], &empty)
        .await
        .fails_with("CICSX0619E");
    let run = cx.run(&["get", "CICSRegion", "--all"], &empty).await;
    assert_eq!(
        run.fails_with("CICSX0939E").matches("CICSX0619E").count(),
        2,
        "{run}"
    );
    assert_eq!(tls.stats().authorization_headers, 0);
    assert_eq!(plain.stats().authorization_headers, 0);
    assert!(
        plain.stats().unauthorized > 0,
        "the plain region asked for a password"
    );
}
