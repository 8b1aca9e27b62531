//! The Host Connections view shows what the CLI wrote to the workspace.

use cicsx_profile::{Connection, Credential, Workspace};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[test]
fn lists_connections_from_the_workspace_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::at(dir.path());
    let mut c = Connection::new("PROD plex", "mvs1.example.com", 1490);
    c.credential = Credential::Password {
        user: "IBMUSER".into(),
    };
    workspace.update_connections(|all| all.add(c)).unwrap();

    let app = cicsx_gui::App::new(Workspace::at(dir.path()));
    let mut harness = Harness::new_ui_state(
        |ui, app: &mut cicsx_gui::App| app.host_connections_ui(ui),
        app,
    );
    harness.run();
    harness.get_by_label("PROD plex");
    harness.get_by_label("mvs1.example.com:1490");
    harness.get_by_label("user ID IBMUSER");

    // Added elsewhere (the CLI), seen after Reload.
    workspace
        .update_connections(|all| all.add(Connection::new("TEST", "10.1.2.3", 443)))
        .unwrap();
    harness.get_by_label("Reload").click();
    harness.run();
    harness.get_by_label("TEST");
    assert_eq!(harness.state().connections().len(), 2);
}

#[test]
fn a_broken_workspace_file_is_shown_with_its_message_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("connections.toml"), "[[connection]\n").unwrap();
    let app = cicsx_gui::App::new(Workspace::at(dir.path()));
    assert!(
        app.error().unwrap().starts_with("CICSX0501E"),
        "{:?}",
        app.error()
    );
    let mut harness = Harness::new_ui_state(
        |ui, app: &mut cicsx_gui::App| app.host_connections_ui(ui),
        app,
    );
    harness.run();
    assert!(harness.query_by_label_contains("CICSX0501E").is_some());
}
