//! The cicsx desktop app: CICS Explorer's connection-security screens, in egui.
//!
//! This crate holds no logic of its own that the CLI lacks: it reads the same workspace
//! (`cicsx-profile`) that `cicsx` writes, so a connection added in one is seen by the other.
//! For now it is the Host Connections view; the preference, certificate and keystore screens
//! follow.
//!
//! ```
//! let app = cicsx_gui::App::new(cicsx_profile::Workspace::at("/nonexistent/cicsx-workspace"));
//! assert!(app.connections().is_empty());
//! assert!(app.error().is_none());
//! ```
#![warn(missing_docs)]

use cicsx_profile::{Connection, Credential, Workspace};

/// The application: persisted state comes from the workspace on disk, runtime state lives here.
pub struct App {
    workspace: Workspace,
    connections: Vec<Connection>,
    error: Option<String>,
}

impl App {
    /// Opens the app on `workspace` and reads its connections.
    pub fn new(workspace: Workspace) -> Self {
        let mut app = Self {
            workspace,
            connections: Vec::new(),
            error: None,
        };
        app.reload();
        app
    }

    /// Re-reads connections.toml.
    pub fn reload(&mut self) {
        match self.workspace.load_connections() {
            Ok(all) => {
                self.connections = all.iter().cloned().collect();
                self.error = None;
            }
            Err(e) => {
                self.connections.clear();
                self.error = Some(format!("{} {}", e.id(), e));
            }
        }
    }

    /// The connections shown.
    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }

    /// The message shown when the workspace could not be read.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Draws the Host Connections view.
    pub fn host_connections_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Host Connections");
            if ui.button("Reload").clicked() {
                self.reload();
            }
        });
        ui.label(format!("Workspace: {}", self.workspace.dir().display()));
        ui.separator();
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
            return;
        }
        if self.connections.is_empty() {
            ui.label("No connections yet. Add one with `cicsx connection add`.");
            return;
        }
        egui::Grid::new("connections")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for title in [
                    "Name",
                    "Host:Port",
                    "Secure connection (TLS/SSL)",
                    "Credential",
                    "Confirmed",
                ] {
                    ui.strong(title);
                }
                ui.end_row();
                for c in &self.connections {
                    ui.label(&c.name);
                    ui.label(cicsx_handshake_free_endpoint(&c.host, c.port));
                    ui.label(if c.secure { "yes" } else { "no" });
                    ui.label(credential_text(&c.credential));
                    ui.label(if c.tls_confirmed { "yes" } else { "no" });
                    ui.end_row();
                }
            });
    }
}

fn cicsx_handshake_free_endpoint(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn credential_text(credential: &Credential) -> String {
    match credential {
        Credential::Password { user } => format!("user ID {user}"),
        Credential::KeystoreCertificate { .. } => "certificate from keystore".into(),
        Credential::Pkcs12File { .. } => "certificate from PKCS#12 file".into(),
        Credential::SmartCard { .. } => "smart card".into(),
        _ => "none".into(),
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| self.host_connections_ui(ui));
    }
}
