//! The keystore manager and the preferences screen, driven by label; results are read back
//! with the same library calls the `cicsx` CLI makes.

use cicsx_gui::{App, Tab};
use cicsx_keystore::{DEFAULT_PASSPHRASE, Entry, KeystoreFile, SecretString};
use cicsx_profile::{Protocol, Workspace};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app)
}

fn settle(h: &mut Harness<'_, App>) {
    for _ in 0..3 {
        h.step();
    }
}

fn type_into(h: &mut Harness<'_, App>, role: Role, label: &str, text: &str) {
    let node = h.get_by_role_and_label(role, label);
    node.focus();
    node.type_text(text);
    settle(h);
}

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

fn aliases(ws: &Workspace) -> Vec<(String, bool)> {
    KeystoreFile::new(ws.keystore_path())
        .load(&SecretString::from(DEFAULT_PASSPHRASE))
        .unwrap()
        .entries()
        .iter()
        .map(|e| (e.alias().to_owned(), matches!(e, Entry::PrivateKey(_))))
        .collect()
}

#[test]
fn keystore_manager_imports_then_deletes_a_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let p12 = dir.path().join("me.p12");
    std::fs::write(&p12, cicsx_mock_cics::fixtures::CLIENT_ECDSA_P12).unwrap();

    let mut h = harness(App::new(ws.clone()));
    h.run();
    click(&mut h, "Keystore");
    assert_eq!(h.state().tab(), Tab::Keystore);
    h.get_by_label("No entries.");

    type_into(
        &mut h,
        Role::TextInput,
        "Import from",
        &p12.display().to_string(),
    );
    type_into(
        &mut h,
        Role::PasswordInput,
        "Its pass phrase",
        cicsx_mock_cics::fixtures::P12_PASSPHRASE,
    );
    click(&mut h, "Import");
    let after = aliases(&ws);
    let (alias, _) = after
        .iter()
        .find(|(_, key)| *key)
        .unwrap_or_else(|| panic!("a key entry was imported: {after:?}"))
        .clone();
    // The table shows it with its subject; select and delete it (after a confirmation).
    h.get_by_label(&alias);
    assert!(h.query_all_by_label_contains("CICSUSER").next().is_some());
    click(&mut h, &alias);
    click(&mut h, "Delete");
    assert!(
        aliases(&ws).iter().any(|(a, _)| *a == alias),
        "nothing deleted before the confirmation"
    );
    click(&mut h, "Yes, delete");
    assert!(
        !aliases(&ws).iter().any(|(a, _)| *a == alias),
        "{:?}",
        aliases(&ws)
    );
    assert!(h.query_by_label(&alias).is_none());
    assert!(h.query_all_by_label_contains("Deleted").next().is_some());

    // Change the pass phrase: the button waits for two equal entries.
    type_into(
        &mut h,
        Role::PasswordInput,
        "New keystore pass phrase",
        "n3w-phrase",
    );
    h.get_by_label("The two entries differ.");
    type_into(&mut h, Role::PasswordInput, "Repeat it", "n3w-phrase");
    click(&mut h, "Change pass phrase");
    let file = KeystoreFile::new(ws.keystore_path());
    assert!(file.load(&SecretString::from(DEFAULT_PASSPHRASE)).is_err());
    assert!(file.load(&SecretString::from("n3w-phrase")).is_ok());
    // The session keeps the new pass phrase: the manager still opens the keystore.
    click(&mut h, "Refresh");
    assert!(h.query_all_by_label_contains("CICSX01").next().is_none());
}

#[test]
fn a_wrong_import_pass_phrase_is_shown_with_its_id_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let p12 = dir.path().join("me.p12");
    std::fs::write(&p12, cicsx_mock_cics::fixtures::CLIENT_ECDSA_P12).unwrap();
    let mut h = harness(App::new(ws.clone()));
    h.run();
    click(&mut h, "Keystore");
    type_into(
        &mut h,
        Role::TextInput,
        "Import from",
        &p12.display().to_string(),
    );
    type_into(&mut h, Role::PasswordInput, "Its pass phrase", "wrong");
    click(&mut h, "Import");
    assert!(h.query_all_by_label_contains("CICSX01").next().is_some());
    assert!(!ws.keystore_path().exists() || aliases(&ws).is_empty());
}

#[test]
fn preferences_are_saved_and_read_back_as_the_cli_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("ws"));
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, cicsx_mock_cics::fixtures::ROOT_CA_PEM).unwrap();

    let mut h = harness(App::new(ws.clone()));
    h.run();
    click(&mut h, "Preferences");
    h.get_by_label("Security and certificate management");

    // Turning trust verification off says what it means.
    assert!(h.query_all_by_label_contains("CICSX0921W").next().is_none());
    click(&mut h, "Trust verification");
    assert!(h.query_all_by_label_contains("CICSX0921W").next().is_some());

    type_into(
        &mut h,
        Role::TextInput,
        "Truststore",
        &ca.display().to_string(),
    );
    h.get_by_role_and_label(Role::ComboBox, "Secure socket protocol")
        .click();
    settle(&mut h);
    click(&mut h, "TLSv1.3");
    click(&mut h, "Save preferences");
    h.get_by_label("Preferences saved.");

    // `cicsx prefs show` reads the same file through the same call.
    let p = ws.load_preferences().unwrap();
    assert!(!p.trust_verification);
    assert_eq!(p.protocol, Protocol::Tls13);
    assert_eq!(p.truststore.as_deref(), Some(ca.as_path()));

    // An invalid value is refused with its ID and the file is left as it was.
    let before = std::fs::read_to_string(ws.preferences_path()).unwrap();
    type_into(
        &mut h,
        Role::TextInput,
        "Central truststore (path or https URL)",
        "ftp://nope",
    );
    click(&mut h, "Save preferences");
    assert!(h.query_all_by_label_contains("CICSX05").next().is_some());
    assert_eq!(
        std::fs::read_to_string(ws.preferences_path()).unwrap(),
        before
    );
}
