//! Smart cards in the desktop app, against a real SoftHSM2 token: the tokens the module finds
//! (Preferences), the certificates on them (keystore manager), and a connect through the PIN
//! dialog to a region that requires a client certificate.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cicsx_gui::{App, ConnectionState};
use cicsx_mock_cics::{CertChoice, Config, MockRegion, Mode};
use cicsx_profile::{Connection, Credential, Workspace};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "1234";
const TOKEN: &str = "gui-card";
/// Set in the child process: the directory holding the token and the workspace.
const CHILD: &str = "CICSX_GUI_SMARTCARD_DIR";

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e} (softhsm2 and opensc are needed)"));
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

/// A private SoftHSM2 token directory with the fixture's EC client key and certificate.
fn make_token(dir: &Path) -> PathBuf {
    assert!(
        Path::new(MODULE).is_file(),
        "SoftHSM2 is not installed: apt-get install -y softhsm2 opensc"
    );
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\n",
            tokens.display()
        ),
    )
    .unwrap();
    let softhsm = || {
        let mut c = Command::new("softhsm2-util");
        c.env("SOFTHSM2_CONF", &conf);
        c
    };
    run(softhsm().args([
        "--init-token",
        "--free",
        "--label",
        TOKEN,
        "--pin",
        PIN,
        "--so-pin",
        "5678",
    ]));
    let key = fixture("client/ecdsa.key.pem");
    run(softhsm().args(["--import"]).arg(&key).args([
        "--token", TOKEN, "--label", "ecdsa", "--id", "01", "--pin", PIN,
    ]));
    let der = dir.join("ecdsa.der");
    run(Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(fixture("client/ecdsa.pem"))
        .arg("-out")
        .arg(&der));
    run(Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", &conf)
        .args([
            "--module",
            MODULE,
            "--token-label",
            TOKEN,
            "--login",
            "--pin",
            PIN,
        ])
        .arg("--write-object")
        .arg(&der)
        .args(["--type", "cert", "--label", "ecdsa", "--id", "01"]));
    conf
}

/// SoftHSM2 reads SOFTHSM2_CONF when the module loads, and changing the environment of a
/// running test process is not safe: the test runs again in a child process that has it.
#[test]
fn smart_card_tokens_certificates_and_the_pin_dialog() {
    if let Some(dir) = std::env::var_os(CHILD) {
        return in_child(Path::new(&dir));
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = make_token(dir.path());
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "smart_card_tokens_certificates_and_the_pin_dialog",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOFTHSM2_CONF", &conf)
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

fn settle(h: &mut Harness<'_, App>) {
    for _ in 0..3 {
        h.step();
    }
}

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
    settle(h);
}

fn in_child(dir: &Path) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let region = rt
        .block_on(MockRegion::start(Config {
            mode: Mode::ClientAuth,
            cert: CertChoice::Valid,
            ..Default::default()
        }))
        .unwrap();
    let ws = Workspace::at(dir.join("ws"));
    let ca = dir.join("root-ca.pem");
    std::fs::write(&ca, cicsx_mock_cics::fixtures::ROOT_CA_PEM).unwrap();
    ws.update_preferences(|p| p.set("truststore", &ca.display().to_string()))
        .unwrap();
    let mut c = Connection::new("card", "127.0.0.1", region.addr().port());
    c.credential = Credential::SmartCard {
        user: None,
        uri: format!("pkcs11:token={TOKEN};object=ecdsa"),
    };
    c.context = Some("CICSPLEX1".into());
    ws.update_connections(|all| all.add(c)).unwrap();

    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), App::new(ws.clone()));
    h.run();

    // Preferences: the module and the tokens it finds.
    h.get_by_label("Preferences").click();
    settle(&mut h);
    let field = h.get_by_role_and_label(Role::TextInput, "Smart card PKCS#11 module");
    field.focus();
    field.type_text(MODULE);
    settle(&mut h);
    h.get_by_label("Find tokens").click();
    settle(&mut h);
    assert!(
        h.query_all_by_label_contains(TOKEN).next().is_some(),
        "the token is listed"
    );
    h.get_by_label("Save preferences").click();
    settle(&mut h);
    assert_eq!(
        ws.load_preferences().unwrap().smartcard_module.as_deref(),
        Some(Path::new(MODULE))
    );

    // Keystore manager: the certificates on the token.
    h.get_by_label("Keystore").click();
    settle(&mut h);
    // The token is read on a thread of its own; the window keeps drawing meanwhile.
    h.get_by_label("Smart card certificates").click();
    let start = Instant::now();
    while h
        .query_all_by_label_contains("CN=CICSUSER")
        .next()
        .is_none()
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the token's certificate is not listed; log {:?}, on screen {:?}",
            h.state().log(),
            h.query_all_by_label_contains("CICSX")
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    // SoftHSM's blank token in its free slot is no error (it used to show CICSX0305E).
    assert!(
        h.query_all_by_label_contains("CICSX03").next().is_none(),
        "no smart card error beside the listing"
    );

    // Connect: the PIN dialog (masked), then a mutual-TLS session.
    h.get_by_label("Connections").click();
    settle(&mut h);
    h.get_by_label("Connect").click();
    wait_for(&mut h, "the PIN dialog", |a| {
        a.dialog().as_deref() == Some("Smart card PIN")
    });
    let pin = h.get_by_role_and_label(Role::PasswordInput, "PIN");
    pin.focus();
    pin.type_text(PIN);
    settle(&mut h);
    h.get_by_label("OK").click();
    wait_for(&mut h, "the connect", |a| {
        a.state("card") != ConnectionState::Connecting
    });
    assert_eq!(
        h.state().state("card"),
        ConnectionState::Connected,
        "{:?}",
        h.state().log()
    );
    assert!(
        h.state()
            .results_summary()
            .is_some_and(|s| s.contains("OK (1024)"))
    );
    let stats = region.stats();
    assert_eq!(stats.client_cert_requests, 1, "{stats:?}");
    assert_eq!(stats.basic_signons, 0);
    assert!(!h.state().log().iter().any(|l| l.contains(PIN)));
}
