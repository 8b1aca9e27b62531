//! Smart cards through the built `cicsx` binary: a real SoftHSM2 token, mutual TLS 1.2 and
//! 1.3 to the mock region in client-auth mode, and the PIN failures.

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use cicsx_mock_cics::{CertChoice, Mode};
use util::{Cx, region};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234";

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "{cmd:?}: {e} (softhsm2 and opensc are installed by .ci/run; these tests never skip)"
        )
    });
    assert!(
        out.status.success(),
        "{cmd:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

/// A private SoftHSM2 token directory holding token `label` with the fixture's EC and RSA
/// client keys and certificates. Returns the SOFTHSM2_CONF path.
fn token(cx: &Cx, label: &str) -> String {
    assert!(
        Path::new(MODULE).is_file(),
        "SoftHSM2 is not installed: apt-get install -y softhsm2"
    );
    let dir = cx.path("tokens");
    std::fs::create_dir_all(&dir).unwrap();
    let conf = cx.path("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\n",
            dir.display()
        ),
    )
    .unwrap();
    let conf_s = conf.to_str().unwrap().to_owned();
    let softhsm = || {
        let mut c = Command::new("softhsm2-util");
        c.env("SOFTHSM2_CONF", &conf_s);
        c
    };
    run(softhsm().args([
        "--init-token",
        "--free",
        "--label",
        label,
        "--pin",
        PIN,
        "--so-pin",
        "5678",
    ]));
    for (name, id) in [("ecdsa", "01"), ("rsa", "02")] {
        let key = fixture(&format!("client/{name}.key.pem"));
        run(softhsm().args([
            "--import",
            key.to_str().unwrap(),
            "--token",
            label,
            "--label",
            name,
            "--id",
            id,
            "--pin",
            PIN,
        ]));
        let der = cx.path(&format!("{name}.der"));
        run(Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(fixture(&format!("client/{name}.pem")))
            .arg("-out")
            .arg(&der));
        run(Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", &conf_s)
            .args([
                "--module",
                MODULE,
                "--token-label",
                label,
                "--login",
                "--pin",
                PIN,
            ])
            .args([
                "--write-object",
                der.to_str().unwrap(),
                "--type",
                "cert",
                "--label",
                name,
                "--id",
                id,
            ]));
    }
    conf_s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_with_keys_on_a_token_over_tls_12_and_13() {
    let region = region(Mode::ClientAuth, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let conf = token(&cx, "cicsx-card");
    let env = [("SOFTHSM2_CONF", conf.as_str()), ("CICSX_PIN", PIN)];
    cx.run(&["prefs", "set", "smartcard_module", MODULE], &[])
        .await
        .ok();

    let list = cx.run(&["smartcard", "list", "--json"], &env).await;
    let tokens: serde_json::Value = serde_json::from_str(list.ok()).unwrap();
    assert!(
        tokens
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["label"] == "cicsx-card"),
        "{list}"
    );

    let certs = cx
        .run(
            &["smartcard", "certs", "--token", "cicsx-card", "--json"],
            &env,
        )
        .await;
    let certs: serde_json::Value = serde_json::from_str(certs.ok()).unwrap();
    let certs = certs.as_array().unwrap();
    assert_eq!(certs.len(), 2, "{certs:?}");
    // Without --token: every initialised token's certificates. SoftHSM always has a blank
    // token in a free slot, which holds nothing and is not an error.
    let all = cx.run(&["smartcard", "certs", "--json"], &env).await;
    let all: serde_json::Value = serde_json::from_str(all.ok()).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2, "{all:?}");
    let table = cx.run(&["smartcard", "list"], &env).await;
    assert!(table.ok().contains("(blank token)"), "{table}");

    let mut connections = 0;
    for cert in certs {
        let uri = cert["uri"].as_str().unwrap();
        assert!(uri.starts_with("pkcs11:"), "{uri}");
        assert!(cert["has_private_key"].as_bool().unwrap());
        for protocol in ["TLSv1.2", "TLSv1.3"] {
            cx.run(&["prefs", "set", "protocol", protocol], &[])
                .await
                .ok();
            let name = format!("sc-{}-{protocol}", cert["label"].as_str().unwrap());
            cx.add(&name, region.addr().port(), true, &["--smartcard", uri])
                .await;
            let run = cx.run(&["connect", &name], &env).await;
            assert!(run.ok().contains(protocol), "{run}");
            connections += 1;
        }
    }
    let stats = region.stats();
    assert_eq!(stats.client_cert_requests, connections, "{stats:?}");
    assert_eq!(stats.basic_signons, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_and_module_failures_have_their_messages() {
    let region = region(Mode::ClientAuth, CertChoice::Valid).await;
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let conf = token(&cx, "pin-card");
    cx.run(&["prefs", "set", "smartcard_module", MODULE], &[])
        .await
        .ok();
    let uri = "pkcs11:token=pin-card;object=ecdsa";
    cx.add("sc", region.addr().port(), true, &["--smartcard", uri])
        .await;

    // A wrong PIN: its own message, and the next attempt is warned about.
    let run = cx
        .run(
            &["connect", "sc"],
            &[("SOFTHSM2_CONF", &conf), ("CICSX_PIN", "0000")],
        )
        .await;
    run.fails_with("CICSX030");
    assert!(run.stderr.to_lowercase().contains("pin"), "{run}");
    // No PIN and no terminal.
    let run = cx
        .run(&["connect", "sc"], &[("SOFTHSM2_CONF", &conf)])
        .await;
    run.fails_with("CICSX0936E");
    // The token is not there.
    cx.add(
        "gone",
        region.addr().port(),
        true,
        &["--smartcard", "pkcs11:token=no-such-card"],
    )
    .await;
    let run = cx
        .run(
            &["connect", "gone"],
            &[("SOFTHSM2_CONF", &conf), ("CICSX_PIN", PIN)],
        )
        .await;
    run.fails_with("CICSX030");
    // The module is missing.
    cx.run(
        &["prefs", "set", "smartcard_module", "/nonexistent/pkcs11.so"],
        &[],
    )
    .await
    .ok();
    let run = cx
        .run(
            &["connect", "sc"],
            &[("SOFTHSM2_CONF", &conf), ("CICSX_PIN", PIN)],
        )
        .await;
    run.fails_with("CICSX030");
    assert!(run.stderr.contains("/nonexistent/pkcs11.so"), "{run}");
    assert_eq!(region.stats().client_cert_requests, 0);

    // A smart card needs TLS.
    let run = cx
        .run(
            &[
                "connection",
                "add",
                "plain",
                "--host",
                "h",
                "--port",
                "1",
                "--no-secure",
                "--smartcard",
                uri,
            ],
            &[],
        )
        .await;
    run.fails_with("CICSX0506E");
}

const SPY: &str = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so";

/// How many `C_Login` calls OpenSC's pkcs11-spy recorded.
fn logins(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| {
            l.split_once(": ")
                .is_some_and(|(_, f)| f.trim() == "C_Login")
        })
        .count()
}

/// One `cicsx get` across several connections that use the same card, through pkcs11-spy: a
/// wrong PIN is sent to the card once, not once per connection (a real card locks after about
/// three), and the right one gets every connection through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_over_one_card_sends_a_wrong_pin_once() {
    assert!(
        Path::new(SPY).is_file(),
        "OpenSC's pkcs11-spy is missing ({SPY}): apt-get install -y opensc"
    );
    let regions = [
        region(Mode::ClientAuth, CertChoice::Valid).await,
        region(Mode::ClientAuth, CertChoice::Valid).await,
    ];
    let cx = Cx::new();
    cx.trust_fixture_ca();
    let conf = token(&cx, "fan-card");
    cx.run(&["prefs", "set", "smartcard_module", SPY], &[])
        .await
        .ok();
    for i in 0..6 {
        let object = if i % 2 == 0 { "ecdsa" } else { "rsa" };
        let uri = format!("pkcs11:token=fan-card;object={object}");
        let port = regions[i % 2].addr().port();
        cx.add(&format!("card-{i}"), port, true, &["--smartcard", &uri])
            .await;
    }
    let log = cx.path("spy.log");
    let env = |pin: &'static str| {
        [
            ("SOFTHSM2_CONF", conf.clone()),
            ("PKCS11SPY", MODULE.to_owned()),
            ("PKCS11SPY_OUTPUT", log.to_str().unwrap().to_owned()),
            ("CICSX_PIN", pin.to_owned()),
        ]
    };
    let run_with = |pin: &'static str| {
        let env = env(pin);
        let cx = &cx;
        async move {
            // No PIN at all: CICSX_PIN set to nothing is left out, as if it were not set.
            let env: Vec<(&str, &str)> = env
                .iter()
                .filter(|(k, v)| *k != "CICSX_PIN" || !v.is_empty())
                .map(|(k, v)| (*k, v.as_str()))
                .collect();
            cx.run(&["get", "CICSRegion", "--all", "--jobs", "6"], &env)
                .await
        }
    };

    // Without a terminal or CICSX_PIN, no PIN is had: an empty one is not sent either.
    let run = run_with("").await;
    let err = run.fails_with("CICSX0317E");
    assert!(err.contains("6 of 6 connections failed"), "{run}");
    assert_eq!(logins(&log), 0, "C_Login calls without a PIN\n{run}");

    let run = run_with("0000").await;
    let err = run.fails_with("CICSX0939E");
    assert!(err.contains("6 of 6 connections failed"), "{run}");
    assert!(err.contains("CICSX0306E"), "the card's own refusal: {run}");
    assert!(err.contains("CICSX0318E"), "the others not tried: {run}");
    assert_eq!(logins(&log), 1, "C_Login calls with a wrong PIN\n{run}");
    let stats = |r: &cicsx_mock_cics::MockRegion| r.stats().client_cert_requests;
    assert_eq!(stats(&regions[0]) + stats(&regions[1]), 0, "nothing signed");

    std::fs::remove_file(&log).unwrap();
    let run = run_with(PIN).await;
    assert!(
        run.stderr.contains("CICSX0350W"),
        "the wrong PIN is warned about: {run}"
    );
    assert!(run.ok().contains("records from 6 connections."), "{run}");
    assert!(logins(&log) >= 1, "{run}");
    assert_eq!(stats(&regions[0]) + stats(&regions[1]), 6);
}
