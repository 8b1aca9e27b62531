//! Host Connections: edit, remove, export, import and load, seen in the workspace files the
//! CLI reads.

use cicsx_gui::App;
use cicsx_profile::{Connection, Credential, Workspace};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

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

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

fn share_location(h: &mut Harness<'_, App>, text: &str) {
    let node = h.get_by_role_and_label(Role::TextInput, "Shared file or URL");
    node.focus();
    node.type_text(text);
    settle(h);
}

fn workspace_with_one(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::at(dir);
    let mut c = Connection::new("PROD", "mvs1.example.com", 1490);
    c.credential = Credential::Password {
        user: "IBMUSER".into(),
    };
    c.context = Some("PLEX1".into());
    c.tls_confirmed = true;
    ws.update_connections(|all| all.add(c)).unwrap();
    ws
}

#[test]
fn export_then_import_and_load_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with_one(&dir.path().join("one"));
    let file = dir.path().join("shared.toml");

    let mut h = harness(App::new(ws.clone()));
    h.run();
    share_location(&mut h, &file.display().to_string());
    click(&mut h, "Export");
    let text = std::fs::read_to_string(&file).unwrap();
    let (shared, _) = cicsx_profile::parse_shared(&text, &file).unwrap();
    assert_eq!(shared.len(), 1);
    assert!(!shared[0].tls_confirmed, "confirmations are not shared");

    // Import: a copy, unconfirmed.
    let two = Workspace::at(dir.path().join("two"));
    let mut h = harness(App::new(two.clone()));
    h.run();
    share_location(&mut h, &file.display().to_string());
    click(&mut h, "Import");
    let imported = two.load_connections().unwrap();
    let c = imported.get("PROD").unwrap();
    assert_eq!(c.host, "mvs1.example.com");
    assert!(!c.tls_confirmed);
    assert!(h.state().log().iter().any(|l| l.contains("added PROD")));

    // Load: a read-only link, shown with where it comes from, no Edit or Remove.
    let three = Workspace::at(dir.path().join("three"));
    let mut h = harness(App::new(three.clone()));
    h.run();
    share_location(&mut h, &file.display().to_string());
    click(&mut h, "Load");
    let links = three.load_connections().unwrap();
    assert_eq!(links.loads(), [file.display().to_string()]);
    assert!(links.is_empty());
    assert_eq!(h.state().loaded_connections().len(), 1);
    h.get_by_label("PROD");
    h.get_by_label(&format!("loaded from {}", file.display()));
    assert!(h.query_by_label("Edit").is_none());
    h.get_by_label("Connect");
}

#[test]
fn edit_and_remove_a_connection() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with_one(dir.path());
    let mut h = harness(App::new(ws.clone()));
    h.run();

    click(&mut h, "Edit");
    h.get_by_label("Edit CMCI Connection");
    h.get_by_role_and_label(Role::CheckBox, "Secure connection (TLS/SSL)")
        .click();
    settle(&mut h);
    click(&mut h, "Save");
    let c = ws.load_connections().unwrap().get("PROD").cloned().unwrap();
    assert!(!c.secure);
    assert!(
        !c.tls_confirmed,
        "a changed TLS setting is unconfirmed again"
    );
    assert_eq!(c.context.as_deref(), Some("PLEX1"));

    // A certificate credential without TLS is refused, as `cicsx connection add` refuses it.
    click(&mut h, "Edit");
    click(&mut h, "Certificate from the keystore");
    click(&mut h, "Save");
    assert!(
        h.query_all_by_label_contains("CICSX05").next().is_some(),
        "the validation message is shown"
    );
    click(&mut h, "Cancel");
    assert!(matches!(
        ws.load_connections()
            .unwrap()
            .get("PROD")
            .unwrap()
            .credential,
        Credential::Password { .. }
    ));

    click(&mut h, "Remove");
    assert_eq!(ws.load_connections().unwrap().len(), 1, "asks first");
    click(&mut h, "Yes, remove");
    assert!(ws.load_connections().unwrap().is_empty());
    assert!(h.query_by_label("PROD").is_none());
}

#[test]
fn a_loaded_url_is_fetched_in_the_background_and_its_failure_shown() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("https://127.0.0.1:{port}/shared.toml");
    ws.update_connections(|all| Ok(all.add_load(&url))).unwrap();
    let mut h = harness(App::new(ws.clone()));
    let start = std::time::Instant::now();
    while h.state().fetching() {
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    settle(&mut h);
    assert!(h.state().loaded_connections().is_empty());
    let shown: Vec<String> = h
        .query_all_by_label_contains(&url)
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    assert!(
        shown.iter().any(|l| l.starts_with("CICSX0513E ")
            && l.contains("refused")
            && !l.contains("CICSX0513E CICSX0513E")),
        "the failure names the URL with its message ID, once: {shown:?}"
    );
    assert!(
        h.query_all_by_label_contains("being fetched")
            .next()
            .is_none()
    );
}
