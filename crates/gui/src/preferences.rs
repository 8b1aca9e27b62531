//! Preferences, "Security and certificate management".

use cicsx_cmci::message::Failure;
use cicsx_profile::{Preferences, Workspace};
use zeroize::Zeroizing;

use crate::widgets::{field, secret_field};

/// The panel's fields, as typed; saved through `Preferences::set`, which validates each
/// value exactly as `cicsx prefs set` does.
pub(crate) struct PreferencesPanel {
    trust_verification: bool,
    keystore: String,
    keystore_type: String,
    truststore: String,
    central_truststore: String,
    smartcard_module: String,
    system_roots: bool,
    protocol: String,
    tokens: Vec<String>,
    pub(crate) message: Option<String>,
    pub(crate) error: Option<Failure>,
}

impl PreferencesPanel {
    pub(crate) fn new(workspace: &Workspace) -> Self {
        let mut panel = PreferencesPanel {
            trust_verification: true,
            keystore: String::new(),
            keystore_type: String::new(),
            truststore: String::new(),
            central_truststore: String::new(),
            smartcard_module: String::new(),
            system_roots: false,
            protocol: "default".into(),
            tokens: Vec::new(),
            message: None,
            error: None,
        };
        panel.load(workspace);
        panel
    }

    /// Reads preferences.toml into the fields.
    pub(crate) fn load(&mut self, workspace: &Workspace) {
        match workspace.load_preferences() {
            Ok(p) => {
                let get = |key: &str| p.get(key).ok().flatten().unwrap_or_default();
                self.trust_verification = p.trust_verification;
                self.keystore = get("keystore");
                self.keystore_type = get("keystore_type");
                self.truststore = get("truststore");
                self.central_truststore = get("central_truststore");
                self.smartcard_module = get("smartcard_module");
                self.system_roots = p.system_roots;
                self.protocol = p.protocol.as_str().to_owned();
                self.error = None;
            }
            Err(e) => self.error = Some(e.into()),
        }
    }

    fn pairs(&self) -> [(&'static str, String); 8] {
        [
            ("trust_verification", self.trust_verification.to_string()),
            ("keystore", self.keystore.clone()),
            ("keystore_type", self.keystore_type.clone()),
            ("truststore", self.truststore.clone()),
            ("central_truststore", self.central_truststore.clone()),
            ("smartcard_module", self.smartcard_module.clone()),
            ("system_roots", self.system_roots.to_string()),
            ("protocol", self.protocol.clone()),
        ]
    }

    /// Writes the fields to preferences.toml (all or nothing).
    pub(crate) fn save(&mut self, workspace: &Workspace) -> Result<(), Failure> {
        workspace.ensure_dir()?;
        let pairs = self.pairs();
        workspace.update_preferences(|p: &mut Preferences| {
            for (key, value) in &pairs {
                p.set(key, value)?;
            }
            Ok(())
        })?;
        self.load(workspace);
        Ok(())
    }

    fn find_tokens(&mut self) {
        self.tokens.clear();
        let path = std::path::Path::new(self.smartcard_module.trim());
        let found = cicsx_smartcard::Module::load(path).and_then(|m| m.tokens());
        match found {
            Ok(tokens) if tokens.iter().all(|t| !t.present) => {
                self.tokens.push("No token is present.".into());
            }
            Ok(tokens) => {
                for t in tokens.iter().filter(|t| t.present) {
                    self.tokens.push(format!(
                        "{} ({} {}, serial {}) in {}",
                        t.label, t.manufacturer, t.model, t.serial, t.slot_description
                    ));
                }
            }
            Err(e) => self.error = Some(e.into()),
        }
    }

    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        workspace: &Workspace,
        keystore_passphrase: &mut Zeroizing<String>,
    ) {
        ui.heading("Security and certificate management");
        ui.label(format!(
            "Saved in {} and shared with the cicsx command line.",
            workspace.preferences_path().display()
        ));
        ui.separator();
        ui.checkbox(&mut self.trust_verification, "Trust verification");
        if !self.trust_verification {
            ui.colored_label(
                ui.visuals().error_fg_color,
                "CICSX0921W With trust verification off, no server certificate is checked: \
                 anyone between you and the region could pose as it and read your password. \
                 Every connect will warn about it.",
            );
        }
        ui.add_space(6.0);
        egui::Grid::new("preferences")
            .num_columns(2)
            .show(ui, |ui| {
                field(
                    ui,
                    "Keystore (empty: the workspace keystore)",
                    &mut self.keystore,
                );
                ui.end_row();
                let l = ui.label("Keystore type");
                egui::ComboBox::from_id_salt("keystore-type")
                    .selected_text(if self.keystore_type.is_empty() {
                        "detect"
                    } else {
                        self.keystore_type.as_str()
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.keystore_type, String::new(), "detect");
                        for t in cicsx_profile::KEYSTORE_TYPES {
                            ui.selectable_value(&mut self.keystore_type, (*t).to_owned(), *t);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
                secret_field(
                    ui,
                    "Keystore pass phrase (kept for this session only)",
                    keystore_passphrase,
                );
                ui.end_row();
                field(ui, "Truststore", &mut self.truststore);
                ui.end_row();
                field(
                    ui,
                    "Central truststore (path or https URL)",
                    &mut self.central_truststore,
                );
                ui.end_row();
                ui.label("");
                ui.checkbox(
                    &mut self.system_roots,
                    "Also trust the operating system's certificate authorities",
                );
                ui.end_row();
                field(ui, "Smart card PKCS#11 module", &mut self.smartcard_module);
                ui.end_row();
                let l = ui.label("Secure socket protocol");
                egui::ComboBox::from_id_salt("protocol")
                    .selected_text(self.protocol.as_str())
                    .show_ui(ui, |ui| {
                        for p in ["default", "TLSv1.2", "TLSv1.3"] {
                            ui.selectable_value(&mut self.protocol, p.to_owned(), p);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
            });
        if !self.smartcard_module.trim().is_empty() {
            if ui.button("Find tokens").clicked() {
                self.find_tokens();
            }
            for t in &self.tokens {
                ui.label(t);
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("Save preferences").clicked() {
                self.message = None;
                match self.save(workspace) {
                    Ok(()) => {
                        self.message = Some("Preferences saved.".into());
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            if ui.button("Revert").clicked() {
                self.message = None;
                self.load(workspace);
            }
        });
        if let Some(m) = &self.message {
            ui.label(m);
        }
        if let Some(e) = &self.error {
            crate::widgets::failure(ui, e);
        }
    }
}
