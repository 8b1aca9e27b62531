//! The connect screens, driven by label against a real mock CICS region on loopback: add a
//! connection, connect, accept the certificate alert, see the CMCI table; a changed
//! certificate; the mismatch dialog's retry.

use std::time::{Duration, Instant};

use cicsx_gui::{App, ConnectionState};
use cicsx_keystore::{DEFAULT_PASSPHRASE, KeystoreFile, SecretString};
use cicsx_mock_cics::{CertChoice, Config, MockRegion, Mode};
use cicsx_profile::{Connection, Credential, Workspace};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

const PASSWORD: &str = "cicspass";

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app)
}

/// A few frames: enough for a click or typed text to land.
fn frames(h: &mut Harness<'_, App>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

/// Steps frames (the worker runs meanwhile) until `done` holds, for at most 20 seconds.
fn wait_for(h: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}; dialog {:?}, log {:?}",
            h.state().dialog(),
            h.state().log()
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    frames(h, 2);
}

fn type_into(h: &mut Harness<'_, App>, role: Role, label: &str, text: &str) {
    let node = h.get_by_role_and_label(role, label);
    node.focus();
    node.type_text(text);
    frames(h, 3);
}

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    frames(h, 3);
}

/// Answers password dialogs until the dialog `title` (or none at all, for `None`) shows.
fn answer_passwords_until(h: &mut Harness<'_, App>, title: Option<&str>) {
    let start = Instant::now();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {title:?}; dialog {:?}, log {:?}",
            h.state().dialog(),
            h.state().log()
        );
        let dialog = h.state().dialog();
        match dialog.as_deref() {
            Some("Password") => {
                // A new dialog's area is laid out invisibly on its first frame.
                frames(h, 2);
                type_into(h, Role::PasswordInput, "Password", PASSWORD);
                click(h, "OK");
            }
            d if d == title && (title.is_some() || !h.state().busy()) => break,
            _ => {
                h.step();
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    frames(h, 2);
}

struct Region {
    rt: tokio::runtime::Runtime,
    region: MockRegion,
}

fn start(mode: Mode, cert: CertChoice) -> Region {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let region = rt
        .block_on(MockRegion::start(Config {
            mode,
            cert,
            ..Default::default()
        }))
        .unwrap();
    Region { rt, region }
}

fn keystore(ws: &Workspace) -> cicsx_keystore::Keystore {
    KeystoreFile::new(ws.keystore_path())
        .load(&SecretString::from(DEFAULT_PASSPHRASE))
        .unwrap()
}

#[test]
fn add_connect_accept_the_certificate_alert_and_see_the_cmci_table() {
    let Region { rt, region } = start(Mode::Strong, CertChoice::SelfSigned);
    let port = region.addr().port();
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let mut h = harness(App::new(ws.clone()));
    h.run();

    // Add CMCI Connection.
    click(&mut h, "Add connection");
    type_into(&mut h, Role::TextInput, "Name", "r1");
    type_into(&mut h, Role::TextInput, "Host name", "127.0.0.1");
    type_into(&mut h, Role::TextInput, "Port", &port.to_string());
    type_into(
        &mut h,
        Role::TextInput,
        "CMCI context (CICSplex or APPLID)",
        "CICSPLEX1",
    );
    type_into(&mut h, Role::TextInput, "User ID", "cicsuser");
    assert_eq!(
        h.get_by_label("Secure connection (TLS/SSL)")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True),
        "TLS is on by default"
    );
    click(&mut h, "Save");
    let saved = ws.load_connections().unwrap();
    let c = saved.get("r1").expect("saved to connections.toml");
    assert_eq!((c.port, c.secure), (port, true));
    assert_eq!(
        c.credential,
        Credential::Password {
            user: "cicsuser".into()
        }
    );
    assert!(!c.tls_confirmed);
    h.get_by_label("r1");

    // Connect: the certificate alert shows the certificate's details and fingerprint.
    click(&mut h, "Connect");
    wait_for(&mut h, "the certificate alert", |a| {
        a.dialog().as_deref() == Some("Certificate alert")
    });
    let fp = {
        use rustls_pki_types::pem::PemObject;
        let leaf = rustls_pki_types::CertificateDer::pem_slice_iter(
            cicsx_mock_cics::fixtures::SERVER_SELF_SIGNED_PEM.as_bytes(),
        )
        .next()
        .unwrap()
        .unwrap();
        cicsx_truststore::CertificateInfo::from_der(&leaf)
            .unwrap()
            .sha256
            .to_string()
    };
    h.get_by_label(&fp);
    assert_eq!(
        region.stats().http_requests,
        0,
        "nothing sent before the alert"
    );
    click(&mut h, "Accept");

    // Password (masked), then the results.
    wait_for(&mut h, "the password dialog", |a| {
        a.dialog().as_deref() == Some("Password")
    });
    type_into(&mut h, Role::PasswordInput, "Password", PASSWORD);
    click(&mut h, "OK");
    wait_for(&mut h, "the connect", |a| {
        a.state("r1") == ConnectionState::Connected
    });
    let summary = h.state().results_summary().unwrap();
    assert!(
        summary.starts_with("CICSRegion in CICSPLEX1: OK (1024)"),
        "{summary}"
    );
    assert_eq!(h.state().tab(), cicsx_gui::Tab::Results);
    assert!(h.query_all_by_label("IYK2ZAB1").next().is_some());
    assert!(
        !h.state().log().iter().any(|l| l.contains(PASSWORD)),
        "never log a password"
    );

    // Another query on the same session: programs.
    click(&mut h, "Programs");
    wait_for(&mut h, "the program query", |a| {
        !a.busy()
            && a.results_summary()
                .is_some_and(|s| s.starts_with("CICSProgram"))
    });
    assert!(
        h.state()
            .results_response()
            .is_some_and(|r| !r.records.is_empty())
    );
    click(&mut h, "Transactions");
    wait_for(&mut h, "the transaction query", |a| {
        !a.busy()
            && a.results_summary()
                .is_some_and(|s| s.starts_with("CICSLocalTransaction"))
    });
    assert!(h.query_all_by_label("TRANID").next().is_some());
    // One sign-on; the LTPA token carries the later queries.
    assert_eq!(region.stats().basic_signons, 1);

    // Stored, pinned to host and port; the connection is confirmed.
    assert!(keystore(&ws).contains(&format!("127.0.0.1:{port}")));
    assert!(
        ws.load_connections()
            .unwrap()
            .get("r1")
            .unwrap()
            .tls_confirmed
    );

    // Disconnect and connect again: never asked again.
    click(&mut h, "Connections");
    click(&mut h, "Disconnect");
    assert_eq!(h.state().state("r1"), ConnectionState::Disconnected);
    click(&mut h, "Connect");
    answer_passwords_until(&mut h, None);
    assert_eq!(h.state().state("r1"), ConnectionState::Connected);
    assert!(
        h.state()
            .log()
            .iter()
            .all(|l| !l.contains("Certificate alert"))
    );
    // The reconnect resumed the TLS session of the first connect.
    assert_eq!(region.stats().tls_resumed, 1, "{:?}", region.stats());
    click(&mut h, "Connections");
    click(&mut h, "Disconnect");

    // Another server on the same port with another certificate: a warning, no Accept.
    rt.block_on(region.shutdown());
    let _second = rt
        .block_on(MockRegion::start(Config {
            cert: CertChoice::UnknownCa,
            bind: format!("127.0.0.1:{port}").parse().unwrap(),
            ..Default::default()
        }))
        .unwrap();
    click(&mut h, "Connect");
    wait_for(&mut h, "the changed-certificate warning", |a| {
        a.dialog().as_deref() == Some("CICSX0608E")
    });
    h.get_by_label("Warning: the server's certificate has changed");
    assert!(h.query_by_label("Accept").is_none());
    assert!(matches!(
        h.state().state("r1"),
        ConnectionState::Failed {
            id: "CICSX0608E",
            ..
        }
    ));
    click(&mut h, "Close");
    assert_eq!(h.state().dialog(), None);
}

#[test]
fn the_ambiguity_dialog_retries_with_tls_and_records_it() {
    let Region { rt: _rt, region } = start(Mode::Strong, CertChoice::Valid);
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let ca = dir.path().join("root-ca.pem");
    std::fs::write(&ca, cicsx_mock_cics::fixtures::ROOT_CA_PEM).unwrap();
    ws.update_preferences(|p| p.set("truststore", &ca.display().to_string()))
        .unwrap();
    // Imported or old: plain HTTP, never confirmed.
    let mut c = Connection::new("old", "127.0.0.1", region.addr().port());
    c.secure = false;
    c.credential = Credential::Password {
        user: "cicsuser".into(),
    };
    c.context = Some("CICSPLEX1".into());
    ws.update_connections(|all| all.add(c)).unwrap();

    let mut h = harness(App::new(ws.clone()));
    h.run();
    click(&mut h, "Connect");
    answer_passwords_until(&mut h, Some("Ambiguity in connection security"));
    h.get_by_label_contains("was never confirmed");
    click(&mut h, "Retry with TLS");
    answer_passwords_until(&mut h, None);
    assert_eq!(
        h.state().state("old"),
        ConnectionState::Connected,
        "{:?}",
        h.state().log()
    );
    let saved = ws.load_connections().unwrap();
    let c = saved.get("old").unwrap();
    assert!(c.secure && c.tls_confirmed, "{c:?}");
    assert!(
        h.state().log().iter().any(|l| l.contains("now uses TLS")),
        "{:?}",
        h.state().log()
    );
    assert!(
        h.state().log().iter().any(|l| l.starts_with("CICSX0920W")),
        "the clear-text warning reached the log"
    );
}

#[test]
fn a_refused_certificate_alert_stops_the_connection_and_stores_nothing() {
    let Region { rt: _rt, region } = start(Mode::Strong, CertChoice::SelfSigned);
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let mut c = Connection::new("r1", "127.0.0.1", region.addr().port());
    c.credential = Credential::Password {
        user: "cicsuser".into(),
    };
    c.context = Some("CICSPLEX1".into());
    ws.update_connections(|all| all.add(c)).unwrap();
    let mut h = harness(App::new(ws.clone()));
    h.run();
    click(&mut h, "Connect");
    wait_for(&mut h, "the certificate alert", |a| {
        a.dialog().as_deref() == Some("Certificate alert")
    });
    click(&mut h, "Cancel");
    wait_for(&mut h, "the failure", |a| {
        a.dialog().as_deref() == Some("CICSX0906E")
    });
    // All four parts of the message are shown.
    assert!(h.query_all_by_label_contains("CICSX0906E").next().is_some());
    assert!(h.query_all_by_label_contains("Why: ").next().is_some());
    assert_eq!(region.stats().http_requests, 0);
    assert!(
        !ws.keystore_path().exists()
            || !keystore(&ws).contains(&format!("127.0.0.1:{}", region.addr().port()))
    );
}

#[test]
fn cancelling_the_password_dialog_is_a_cancel_not_an_error() {
    let Region { rt: _rt, region } = start(Mode::Plain, CertChoice::Valid);
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let mut c = Connection::new("plain", "127.0.0.1", region.addr().port());
    c.secure = false;
    c.credential = Credential::Password {
        user: "cicsuser".into(),
    };
    c.context = Some("CICSPLEX1".into());
    ws.update_connections(|all| all.add(c)).unwrap();
    let mut h = harness(App::new(ws.clone()));
    h.run();
    click(&mut h, "Connect");
    wait_for(&mut h, "the password dialog", |a| {
        a.dialog().as_deref() == Some("Password")
    });
    click(&mut h, "Cancel");
    wait_for(&mut h, "the end of the connect", |a| !a.busy());
    assert_eq!(h.state().state("plain"), ConnectionState::Disconnected);
    assert_eq!(h.state().dialog(), None, "no error dialog for a cancel");
    assert!(
        h.state().log().iter().any(|l| l.contains("cancelled")),
        "{:?}",
        h.state().log()
    );
    assert_eq!(region.stats().authorization_headers, 0);
    // The plain-HTTP warning was shown before the password was asked for.
    assert!(h.state().log().iter().any(|l| l.starts_with("CICSX0920W")));
}
