//! The keystore manager: what `cicsx keystore` does, as a table with buttons.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use cicsx_cmci::message::Failure;
use cicsx_keystore::{DEFAULT_PASSPHRASE, Entry, Keystore, KeystoreFile, SecretString, StoreType};
use cicsx_profile::Workspace;
use cicsx_truststore::CertificateInfo;
use zeroize::Zeroizing;

use crate::widgets::{EXPIRY_WARNING_DAYS, field, now_unix, secret_field};
use cicsx_truststore::{ExpiryKind, Validity};

/// One row of the table.
pub(crate) struct Row {
    pub(crate) alias: String,
    kind: &'static str,
    subject: String,
    issuer: String,
    expires: String,
    expiry: Validity,
}

/// The keystore manager's state.
pub(crate) struct KeystoreManager {
    pub(crate) rows: Vec<Row>,
    selected: Option<String>,
    location: String,
    import_path: String,
    import_passphrase: Zeroizing<String>,
    import_alias: String,
    export_path: String,
    export_p12: bool,
    export_passphrase: Zeroizing<String>,
    rename_to: String,
    new_passphrase: Zeroizing<String>,
    new_passphrase_again: Zeroizing<String>,
    confirm_delete: bool,
    token_certificates: Vec<String>,
    /// The smart card listing under way on its own thread: a driver may take seconds (a card
    /// reader, a network HSM), and the window must keep drawing meanwhile.
    token_listing: Option<mpsc::Receiver<Result<Vec<String>, Failure>>>,
    pub(crate) message: Option<String>,
    pub(crate) error: Option<Failure>,
}

/// The keystore the preferences name, or the workspace's own, and whether it is the default.
fn locate(workspace: &Workspace) -> Result<(KeystoreFile, bool), Failure> {
    let preferences = workspace.load_preferences()?;
    Ok(cicsx_cmci::session::keystore_file(
        workspace,
        &preferences,
        None,
        None,
    )?)
}

fn passphrase(session: &Zeroizing<String>) -> SecretString {
    if session.is_empty() {
        SecretString::from(DEFAULT_PASSPHRASE)
    } else {
        SecretString::from(session.as_str())
    }
}

fn read_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure::new(
        "CICSX0933E",
        format!("cannot read {}: {e}", path.display()),
        "",
        "Check the path and its permissions.",
    )
}

fn kind(e: &Entry) -> &'static str {
    ExpiryKind::of_entry(e).map_or("other", ExpiryKind::short_name)
}

fn row(e: &Entry, now: i64) -> Row {
    let info = e
        .certificate()
        .and_then(|c| CertificateInfo::from_der(c).ok());
    let (subject, issuer, expires, exp) = match info {
        Some(i) => {
            let exp = Validity::at(i.not_after_unix, now, EXPIRY_WARNING_DAYS);
            let expires = exp.label(&i.not_after);
            (i.subject, i.issuer, expires, exp)
        }
        None => (String::new(), String::new(), String::new(), Validity::Valid),
    };
    Row {
        alias: e.alias().to_owned(),
        kind: kind(e),
        subject,
        issuer,
        expires,
        expiry: exp,
    }
}

impl KeystoreManager {
    pub(crate) fn new() -> Self {
        KeystoreManager {
            rows: Vec::new(),
            selected: None,
            location: String::new(),
            import_path: String::new(),
            import_passphrase: Zeroizing::new(String::new()),
            import_alias: String::new(),
            export_path: String::new(),
            export_p12: false,
            export_passphrase: Zeroizing::new(String::new()),
            rename_to: String::new(),
            new_passphrase: Zeroizing::new(String::new()),
            new_passphrase_again: Zeroizing::new(String::new()),
            confirm_delete: false,
            token_certificates: Vec::new(),
            token_listing: None,
            message: None,
            error: None,
        }
    }

    /// Re-reads the keystore.
    pub(crate) fn refresh(&mut self, workspace: &Workspace, session: &Zeroizing<String>) {
        self.error = None;
        match self.load(workspace, session) {
            Ok(ks) => {
                let now = now_unix();
                self.rows = ks.entries().iter().map(|e| row(e, now)).collect();
                if let Some(s) = &self.selected
                    && !ks.contains(s)
                {
                    self.selected = None;
                }
            }
            Err(e) => {
                self.rows.clear();
                self.error = Some(e);
            }
        }
    }

    fn load(
        &mut self,
        workspace: &Workspace,
        session: &Zeroizing<String>,
    ) -> Result<Keystore, Failure> {
        let (file, is_default) = locate(workspace)?;
        self.location = format!("{} ({})", file.path().display(), file.store_type());
        if is_default && !file.exists() {
            self.location.push_str(
                ", not created yet: it is created with the pass phrase changeit when first needed",
            );
            return Ok(Keystore::new());
        }
        if file.store_type() == StoreType::Pem {
            let bytes = std::fs::read(file.path()).map_err(|e| read_failure(file.path(), e))?;
            return Ok(Keystore::from_pem(&bytes)?);
        }
        Ok(file.load(&passphrase(session))?)
    }

    /// The keystore file to change, created (pass phrase changeit, as CICS Explorer's) when it
    /// is the workspace default and does not exist yet.
    fn writable(
        workspace: &Workspace,
        session: &Zeroizing<String>,
    ) -> Result<(KeystoreFile, SecretString), Failure> {
        let (file, is_default) = locate(workspace)?;
        let pass = passphrase(session);
        if is_default && !file.exists() {
            workspace.ensure_dir()?;
            file.create(&pass)?;
        }
        Ok((file, pass))
    }

    /// Imports every entry of a PKCS#12, JKS or PEM file.
    pub(crate) fn import(
        &mut self,
        workspace: &Workspace,
        session: &Zeroizing<String>,
    ) -> Result<String, Failure> {
        let src = PathBuf::from(self.import_path.trim());
        let bytes = std::fs::read(&src).map_err(|e| read_failure(&src, e))?;
        let kind = StoreType::detect(&bytes).or_else(|| StoreType::from_path(&src));
        let other = match kind {
            Some(StoreType::Pem) => Keystore::from_pem(&bytes).map_err(|e| e.with_path(&src))?,
            t => Keystore::read(&bytes, t, &passphrase(&self.import_passphrase))
                .map_err(|e| e.with_path(&src))?,
        };
        let alias = self.import_alias.trim();
        let alias = (!alias.is_empty()).then_some(alias);
        if let Some(alias) = alias {
            cicsx_truststore::check_alias_role(None, alias)?;
        }
        let (file, pass) = Self::writable(workspace, session)?;
        let added = file.update(&pass, |ks| ks.import(other, alias))?;
        self.import_passphrase = Zeroizing::new(String::new());
        Ok(format!(
            "Imported {} entr{}: {}",
            added.len(),
            if added.len() == 1 { "y" } else { "ies" },
            added.join(", ")
        ))
    }

    fn export(
        &mut self,
        workspace: &Workspace,
        session: &Zeroizing<String>,
        alias: &str,
    ) -> Result<String, Failure> {
        let ks = self.load(workspace, session)?;
        let dest = PathBuf::from(self.export_path.trim());
        let (bytes, mode) = if self.export_p12 {
            let pass = SecretString::from(self.export_passphrase.as_str());
            (Zeroizing::new(ks.export_pkcs12(alias, &pass)?), 0o600)
        } else {
            // Certificates only: a private key is exported to PKCS#12, protected.
            let text = ks.to_pem(alias, false)?;
            (Zeroizing::new(text.as_bytes().to_vec()), 0o644)
        };
        // Never over an existing file: it may be a keystore holding keys kept nowhere else.
        cicsx_keystore::fs::write_new(&dest, &bytes, mode).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Failure::new(
                    "CICSX0942E",
                    format!(
                        "{} exists, and an export does not replace a file",
                        dest.display()
                    ),
                    "The file may be a keystore holding keys that exist nowhere else; cicsx \
                     never writes over it.",
                    "Choose another file name, or delete the file first.",
                )
            } else {
                Failure::io(&format!("cannot write {}", dest.display()), e)
            }
        })?;
        Ok(format!("Exported {alias} to {}.", dest.display()))
    }

    fn delete(
        workspace: &Workspace,
        session: &Zeroizing<String>,
        alias: &str,
    ) -> Result<String, Failure> {
        let (file, pass) = Self::writable(workspace, session)?;
        file.update(&pass, |ks| ks.remove(alias).map(|_| ()))?;
        Ok(format!("Deleted {alias}."))
    }

    fn rename(
        workspace: &Workspace,
        session: &Zeroizing<String>,
        old: &str,
        new: &str,
    ) -> Result<String, Failure> {
        cicsx_truststore::check_alias_role(Some(old), new)?;
        let (file, pass) = Self::writable(workspace, session)?;
        file.update(&pass, |ks| ks.rename(old, new))?;
        Ok(format!("Renamed {old} to {new}."))
    }

    fn change_passphrase(
        &mut self,
        workspace: &Workspace,
        session: &mut Zeroizing<String>,
    ) -> Result<String, Failure> {
        let (file, old) = Self::writable(workspace, session)?;
        let new = SecretString::from(self.new_passphrase.as_str());
        file.change_passphrase(&old, &new)?;
        *session = Zeroizing::new(self.new_passphrase.to_string());
        self.new_passphrase = Zeroizing::new(String::new());
        self.new_passphrase_again = Zeroizing::new(String::new());
        Ok(format!(
            "Changed the pass phrase of {}; it is kept for this session (Preferences).",
            file.path().display()
        ))
    }

    /// Starts reading the certificates on the tokens present, on a thread of its own.
    fn list_smart_card_certificates(&mut self, workspace: &Workspace) {
        let (tx, rx) = mpsc::channel();
        let workspace = workspace.clone();
        let spawned = std::thread::Builder::new()
            .name("smart card listing".into())
            .spawn(move || {
                let _ = tx.send(smart_card_certificates(&workspace));
            });
        match spawned {
            Ok(_) => {
                self.token_certificates.clear();
                self.token_listing = Some(rx);
            }
            Err(e) => {
                self.error = Some(Failure::io("cannot start reading the smart card", e));
            }
        }
    }

    /// Whether the smart card listing is still under way (then the UI redraws until it ends).
    pub(crate) fn busy(&self) -> bool {
        self.token_listing.is_some()
    }

    /// Takes the smart card listing's result when it has come (called every frame).
    pub(crate) fn poll_listing(&mut self) {
        let Some(rx) = &self.token_listing else {
            return;
        };
        let result = match rx.try_recv() {
            Ok(result) => result,
            Err(mpsc::TryRecvError::Empty) => return,
            Err(mpsc::TryRecvError::Disconnected) => Err(Failure::new(
                "CICSX0990E",
                "reading the smart card stopped unexpectedly".to_owned(),
                "An internal error ended the smart card listing.",
                "Try again; `cicsx smartcard certs` lists the same certificates.",
            )),
        };
        self.token_listing = None;
        match result {
            Ok(lines) => self.token_certificates = lines,
            Err(e) => self.error = Some(e),
        }
    }

    fn done(&mut self, result: Result<String, Failure>) {
        match result {
            Ok(m) => {
                self.message = Some(m);
                self.error = None;
            }
            Err(e) => {
                self.message = None;
                self.error = Some(e);
            }
        }
    }

    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        workspace: &Workspace,
        session: &mut Zeroizing<String>,
    ) {
        ui.horizontal(|ui| {
            ui.heading("Keystore manager");
            if ui.button("Refresh").clicked() {
                self.refresh(workspace, session);
            }
        });
        ui.label(&self.location);
        ui.separator();
        let now_selected = self.selected.clone();
        egui::ScrollArea::vertical()
            .max_height(220.0)
            .show(ui, |ui| {
                egui::Grid::new("keystore-entries")
                    .striped(true)
                    .num_columns(5)
                    .show(ui, |ui| {
                        for t in ["Alias", "Type", "Subject", "Issuer", "Expires"] {
                            ui.strong(t);
                        }
                        ui.end_row();
                        for r in &self.rows {
                            let on = now_selected.as_deref() == Some(r.alias.as_str());
                            if ui.selectable_label(on, &r.alias).clicked() {
                                self.selected = Some(r.alias.clone());
                                self.rename_to.clone_from(&r.alias);
                                self.confirm_delete = false;
                            }
                            ui.label(r.kind);
                            ui.label(&r.subject);
                            ui.label(&r.issuer);
                            match r.expiry {
                                Validity::Valid => ui.label(&r.expires),
                                Validity::ExpiresSoon { .. } => {
                                    ui.colored_label(ui.visuals().warn_fg_color, &r.expires)
                                }
                                Validity::Expired => {
                                    ui.colored_label(ui.visuals().error_fg_color, &r.expires)
                                }
                            };
                            ui.end_row();
                        }
                    });
            });
        if self.rows.is_empty() {
            ui.label("No entries.");
        }
        ui.separator();
        if let Some(alias) = self.selected.clone() {
            ui.label(format!("Selected: {alias}"));
            ui.horizontal(|ui| {
                if self.confirm_delete {
                    ui.label(format!("Delete {alias}? This cannot be undone."));
                    if ui.button("Yes, delete").clicked() {
                        let r = Self::delete(workspace, session, &alias);
                        self.confirm_delete = false;
                        self.selected = None;
                        self.done(r);
                        self.refresh_keep_message(workspace, session);
                    }
                    if ui.button("No").clicked() {
                        self.confirm_delete = false;
                    }
                } else if ui.button("Delete").clicked() {
                    self.confirm_delete = true;
                }
            });
            ui.horizontal(|ui| {
                field(ui, "New alias", &mut self.rename_to);
                if ui.button("Rename").clicked() {
                    let new = self.rename_to.trim().to_owned();
                    let r = Self::rename(workspace, session, &alias, &new);
                    if r.is_ok() {
                        self.selected = Some(new);
                    }
                    self.done(r);
                    self.refresh_keep_message(workspace, session);
                }
            });
            ui.horizontal(|ui| {
                field(ui, "Export to", &mut self.export_path);
                ui.checkbox(&mut self.export_p12, "PKCS#12 with the key");
                if self.export_p12 {
                    secret_field(ui, "Export pass phrase", &mut self.export_passphrase);
                }
                // A PKCS#12 file protects the key with a pass phrase of its own.
                let ready = !self.export_p12 || !self.export_passphrase.is_empty();
                if ui.add_enabled(ready, egui::Button::new("Export")).clicked() {
                    let r = self.export(workspace, session, &alias);
                    self.done(r);
                }
            });
            ui.separator();
        }
        ui.strong("Import into the keystore");
        egui::Grid::new("keystore-import")
            .num_columns(2)
            .show(ui, |ui| {
                field(ui, "Import from", &mut self.import_path);
                ui.end_row();
                secret_field(ui, "Its pass phrase", &mut self.import_passphrase);
                ui.end_row();
                field(ui, "Alias (optional)", &mut self.import_alias);
                ui.end_row();
                ui.label("");
                if ui.button("Import").clicked() {
                    let r = self.import(workspace, session);
                    self.done(r);
                    self.refresh_keep_message(workspace, session);
                }
                ui.end_row();
            });
        ui.separator();
        ui.strong("Change the keystore pass phrase");
        egui::Grid::new("keystore-passphrase")
            .num_columns(2)
            .show(ui, |ui| {
                secret_field(ui, "New keystore pass phrase", &mut self.new_passphrase);
                ui.end_row();
                secret_field(ui, "Repeat it", &mut self.new_passphrase_again);
                ui.end_row();
                let same = *self.new_passphrase == *self.new_passphrase_again;
                ui.label(if same { "" } else { "The two entries differ." });
                let ready = same && !self.new_passphrase.is_empty();
                if ui
                    .add_enabled(ready, egui::Button::new("Change pass phrase"))
                    .clicked()
                {
                    let r = self.change_passphrase(workspace, session);
                    self.done(r);
                }
                ui.end_row();
            });
        ui.separator();
        if ui
            .add_enabled(!self.busy(), egui::Button::new("Smart card certificates"))
            .clicked()
        {
            self.list_smart_card_certificates(workspace);
        }
        if self.busy() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the smart card...");
            });
        }
        for c in &self.token_certificates {
            ui.label(c);
        }
        if let Some(m) = &self.message {
            ui.label(m);
        }
        if let Some(e) = &self.error {
            crate::widgets::failure(ui, e);
        }
    }

    fn refresh_keep_message(&mut self, workspace: &Workspace, session: &Zeroizing<String>) {
        let error = self.error.take();
        self.refresh(workspace, session);
        if error.is_some() {
            self.error = error;
        }
    }
}

/// One line per certificate on the tokens present (what the keystore manager lists).
fn smart_card_certificates(workspace: &Workspace) -> Result<Vec<String>, Failure> {
    let preferences = workspace.load_preferences()?;
    let Some(module) = preferences.smartcard_module else {
        return Err(Failure::new(
            "CICSX0937E",
            "no smart card driver configured",
            "Smart cards are read through the card's PKCS#11 driver, and none is set.",
            "Set the smart card PKCS#11 module in Preferences.",
        ));
    };
    let module = cicsx_smartcard::Module::load(&module)?;
    let mut lines = Vec::new();
    // A blank (not initialised) token holds nothing: SoftHSM always shows one.
    for token in module
        .tokens()?
        .iter()
        .filter(|t| t.present && t.flags.initialized)
    {
        for c in module.certificates(&token.uri())? {
            lines.push(format!(
                "{}: {} (issuer {}){}  {}",
                c.label,
                c.subject,
                c.issuer,
                if c.has_private_key { ", with key" } else { "" },
                c.uri
            ));
        }
    }
    if lines.is_empty() {
        lines.push("No certificates on the tokens present.".into());
    }
    Ok(lines)
}
