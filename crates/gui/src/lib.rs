//! The cicsx desktop app: CICS Explorer's connection-security screens, in egui.
//!
//! This crate holds no logic of its own that the CLI lacks: it reads and writes the same
//! workspace (`cicsx-profile`) that `cicsx` uses, so a connection added in one is seen by the
//! other, and it connects through the same flow ([`cicsx_cmci::flow`]), answering its
//! questions (certificate alert, mismatch, password, PIN) with dialogs. Network work runs on
//! a thread of its own per connection; the UI never waits for it.
//!
//! Screens: Host Connections (with the Add CMCI Connection window), Preferences ("Security
//! and certificate management"), the keystore manager, and CMCI results.
//!
//! ```
//! let app = cicsx_gui::App::new(cicsx_profile::Workspace::at("/nonexistent/cicsx-workspace"));
//! assert!(app.connections().is_empty());
//! assert!(app.error().is_none());
//! assert_eq!(app.tab(), cicsx_gui::Tab::Connections);
//! ```
#![warn(missing_docs)]

mod dialogs;
mod editor;
mod job;
mod keystore;
mod preferences;
mod results;
mod widgets;

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use cicsx_cmci::Query;
use cicsx_cmci::message::Failure;
use cicsx_keystore::SecretString;
use cicsx_profile::{Connection, Credential, Workspace};
use zeroize::Zeroizing;

use crate::dialogs::Pending;
use crate::job::{ConnectRequest, Event, Job};

/// The screens, one tab each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tab {
    /// Host Connections.
    Connections,
    /// Preferences: security and certificate management.
    Preferences,
    /// The keystore manager.
    Keystore,
    /// CMCI results of the connected session.
    Results,
}

/// The state of one connection in the Host Connections view.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Not connected.
    Disconnected,
    /// A connect is running (or waiting for an answer to a dialog).
    Connecting,
    /// Connected; queries can run.
    Connected,
    /// The last connect failed.
    Failed {
        /// The message ID.
        id: &'static str,
        /// The message text.
        message: String,
    },
}

/// Connections read from one loaded (shared, read-only) location.
struct LoadedSource {
    location: String,
    connections: Vec<Connection>,
    error: Option<String>,
}

/// The application. Persisted state lives in the workspace on disk; what is here is the
/// panels' state and the runtime handles of running connects.
pub struct App {
    workspace: Workspace,
    tab: Tab,
    connections: Vec<Connection>,
    loaded: Vec<LoadedSource>,
    error: Option<String>,
    states: BTreeMap<String, ConnectionState>,
    editor: Option<editor::Editor>,
    confirm_remove: Option<String>,
    share_location: String,
    preferences: preferences::PreferencesPanel,
    keystore: keystore::KeystoreManager,
    /// The keystore pass phrase typed in Preferences; kept for this session, never saved.
    keystore_passphrase: Zeroizing<String>,
    results: Option<results::Results>,
    log: Vec<String>,
    // Runtime handles.
    jobs: BTreeMap<String, Job>,
    pending: VecDeque<Pending>,
    failure: Option<(String, Failure)>,
    /// Shared files at https URLs, fetched in the background; `Reload` fetches again.
    fetched: job::Fetched,
    fetching: Option<std::sync::mpsc::Receiver<job::Fetched>>,
}

impl App {
    /// Opens the app on `workspace` and reads its connections.
    pub fn new(workspace: Workspace) -> Self {
        let mut keystore = keystore::KeystoreManager::new();
        let keystore_passphrase = Zeroizing::new(String::new());
        keystore.refresh(&workspace, &keystore_passphrase);
        let mut app = Self {
            preferences: preferences::PreferencesPanel::new(&workspace),
            workspace,
            tab: Tab::Connections,
            connections: Vec::new(),
            loaded: Vec::new(),
            error: None,
            states: BTreeMap::new(),
            editor: None,
            confirm_remove: None,
            share_location: String::new(),
            keystore,
            keystore_passphrase,
            results: None,
            log: Vec::new(),
            jobs: BTreeMap::new(),
            pending: VecDeque::new(),
            failure: None,
            fetched: job::Fetched::new(),
            fetching: None,
        };
        app.reload();
        app
    }

    /// Re-reads connections.toml and the loaded (shared) files it names.
    pub fn reload(&mut self) {
        self.loaded.clear();
        match self.workspace.load_connections() {
            Ok(all) => {
                self.connections = all.iter().cloned().collect();
                self.error = None;
                // Files are read here; URLs are fetched on a thread of their own and the
                // list is read again when they arrive.
                let missing: Vec<String> = all
                    .loads()
                    .iter()
                    .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
                    .filter(|l| !self.fetched.contains_key(*l))
                    .cloned()
                    .collect();
                if !missing.is_empty() && self.fetching.is_none() {
                    let pass = (!self.keystore_passphrase.is_empty())
                        .then(|| SecretString::from(self.keystore_passphrase.as_str()));
                    self.fetching = Some(job::fetch_shared(self.workspace.clone(), pass, missing));
                }
                let fetched = &self.fetched;
                let mut fetch = |location: &str| match fetched.get(location) {
                    Some(result) => result.clone(),
                    None => Err("being fetched".to_owned()),
                };
                match self.workspace.load_shared(&all, &mut fetch) {
                    Ok(loaded) => {
                        self.loaded = loaded
                            .into_iter()
                            .map(|l| LoadedSource {
                                error: l.error.map(|e| one_line(&Failure::from(e))),
                                location: l.location,
                                connections: l.connections,
                            })
                            .collect();
                    }
                    Err(e) => self.error = Some(one_line(&Failure::from(e))),
                }
            }
            Err(e) => {
                self.connections.clear();
                self.error = Some(one_line(&Failure::from(e)));
            }
        }
    }

    /// The workspace's own connections.
    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }

    /// The connections loaded from shared files, with where each came from.
    pub fn loaded_connections(&self) -> Vec<(&str, &Connection)> {
        self.loaded
            .iter()
            .flat_map(|l| l.connections.iter().map(move |c| (l.location.as_str(), c)))
            .collect()
    }

    /// The message shown when the workspace could not be read.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The screen shown.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// Shows another screen.
    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// The state of the connection `name`.
    pub fn state(&self, name: &str) -> ConnectionState {
        self.states
            .get(name)
            .cloned()
            .unwrap_or(ConnectionState::Disconnected)
    }

    /// Warnings and notices, oldest first (each starts with its message ID when it has one).
    pub fn log(&self) -> &[String] {
        &self.log
    }

    /// The title of the dialog waiting for an answer, if any.
    pub fn dialog(&self) -> Option<String> {
        match (self.pending.front(), &self.failure) {
            (Some(p), _) => Some(p.title()),
            (None, Some((_, f))) => Some(f.id.to_owned()),
            (None, None) => None,
        }
    }

    /// The summary line of the CMCI results shown, e.g. `CICSRegion in CICSPLEX1: OK (1024),
    /// 3 records`.
    pub fn results_summary(&self) -> Option<String> {
        self.results.as_ref().map(results::Results::summary)
    }

    /// The CMCI response shown in the results table.
    pub fn results_response(&self) -> Option<&cicsx_cmci::Response> {
        self.results.as_ref()?.response.as_ref()
    }

    /// Whether any connect or query is running.
    pub fn busy(&self) -> bool {
        self.jobs.values().any(|j| j.busy)
    }

    fn find(&self, name: &str) -> Option<(Connection, Option<String>)> {
        if let Some(c) = self.connections.iter().find(|c| c.name == name) {
            return Some((c.clone(), None));
        }
        self.loaded.iter().find_map(|l| {
            l.connections
                .iter()
                .find(|c| c.name == name)
                .map(|c| (c.clone(), Some(l.location.clone())))
        })
    }

    fn connect(&mut self, name: &str) {
        let Some((connection, origin)) = self.find(name) else {
            return;
        };
        let context = match cicsx_cmci::flow::context_for(&connection, None) {
            Ok(context) => context,
            Err(failure) => {
                self.failure = Some((name.to_owned(), failure));
                return;
            }
        };
        let preferences = match self.workspace.load_preferences() {
            Ok(p) => p,
            Err(e) => {
                self.failure = Some((name.to_owned(), e.into()));
                return;
            }
        };
        let keystore_passphrase = (!self.keystore_passphrase.is_empty())
            .then(|| SecretString::from(self.keystore_passphrase.as_str()));
        let job = job::connect(ConnectRequest {
            workspace: self.workspace.clone(),
            preferences,
            connection,
            origin,
            keystore_passphrase,
            first: Query::new("CICSRegion", context),
        });
        self.jobs.insert(name.to_owned(), job);
        self.states
            .insert(name.to_owned(), ConnectionState::Connecting);
    }

    fn disconnect(&mut self, name: &str) {
        // Dropping the job closes its channels; the worker ends and closes the session.
        self.jobs.remove(name);
        self.pending.retain(|p| p.name != name);
        self.states
            .insert(name.to_owned(), ConnectionState::Disconnected);
        self.log.push(format!("Disconnected \"{name}\"."));
    }

    /// Takes the shared files fetched in the background, and reads the list again.
    fn poll_fetch(&mut self) {
        let Some(rx) = &self.fetching else {
            return;
        };
        match rx.try_recv() {
            Ok(fetched) => {
                self.fetching = None;
                self.fetched.extend(fetched);
                self.reload();
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.fetching = None,
        }
    }

    /// Whether shared files are being fetched.
    pub fn fetching(&self) -> bool {
        self.fetching.is_some()
    }

    /// Takes what the workers reported; called every frame.
    fn poll_jobs(&mut self) {
        let names: Vec<String> = self.jobs.keys().cloned().collect();
        for name in names {
            while let Some(job) = self.jobs.get_mut(&name) {
                let Some(event) = job.poll() else {
                    if job.ended {
                        self.jobs.remove(&name);
                        if matches!(
                            self.states.get(&name),
                            Some(ConnectionState::Connecting | ConnectionState::Connected)
                        ) {
                            self.states
                                .insert(name.clone(), ConnectionState::Disconnected);
                        }
                    }
                    break;
                };
                self.handle(&name, event);
            }
        }
    }

    fn handle(&mut self, name: &str, event: Event) {
        match event {
            Event::Ask(question, reply) => {
                self.pending
                    .push_back(Pending::new(name.to_owned(), question, reply));
            }
            Event::Warning(text) => self.log.push(text),
            Event::Notice(text) => self.log.push(text),
            Event::Connected {
                connection,
                details,
                query,
                response,
            } => {
                self.states
                    .insert(name.to_owned(), ConnectionState::Connected);
                self.log.push(format!(
                    "Connected to {}:{} (connection \"{name}\").",
                    connection.host, connection.port
                ));
                self.results = Some(results::Results {
                    name: name.to_owned(),
                    context: query.context.clone(),
                    details,
                    query,
                    response: Some(response),
                    error: None,
                });
                self.tab = Tab::Results;
                // The connect may have confirmed (or switched) the TLS setting.
                self.reload();
            }
            Event::Answer { query, response } => {
                if let Some(r) = self.results.as_mut().filter(|r| r.name == name) {
                    match response {
                        Ok(resp) => {
                            r.query = query;
                            r.response = Some(resp);
                            r.error = None;
                        }
                        Err(f) => r.error = Some(f),
                    }
                }
            }
            Event::Cancelled => {
                self.states
                    .insert(name.to_owned(), ConnectionState::Disconnected);
                self.log.push(format!("Connect of \"{name}\" cancelled."));
            }
            Event::Failed(f) => {
                self.states.insert(
                    name.to_owned(),
                    ConnectionState::Failed {
                        id: f.id,
                        message: f.message.clone(),
                    },
                );
                self.log.push(one_line(&f));
                self.failure = Some((name.to_owned(), f));
            }
        }
    }

    fn save_connection(&mut self, mut c: Connection) -> Result<(), Failure> {
        let editing = self.editor.as_ref().and_then(|e| e.editing.clone());
        self.workspace.ensure_dir()?;
        match editing {
            Some(old) => {
                self.workspace.update_connections(|all| {
                    let before = all.remove(&old)?;
                    if before.host != c.host || before.port != c.port || before.secure != c.secure {
                        c.tls_confirmed = false;
                    }
                    all.add(c)
                })?;
            }
            None => self.workspace.update_connections(|all| all.add(c))?,
        }
        Ok(())
    }

    fn share(&mut self, what: &str) -> Result<String, Failure> {
        let location = self.share_location.trim().to_owned();
        let path = Path::new(&location);
        match what {
            "Import" => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Failure::io(&format!("cannot read {}", path.display()), e))?;
                let (incoming, warnings) = cicsx_profile::parse_shared(&text, path)?;
                self.log
                    .extend(warnings.into_iter().map(|w| format!("Note: {w}")));
                self.workspace.ensure_dir()?;
                let report = self
                    .workspace
                    .update_connections(|all| all.import(incoming))?;
                Ok(format!(
                    "Imported from {location}: added {}; updated (credentials kept) {}. Imported connections are unconfirmed.",
                    none_if_empty(&report.added),
                    none_if_empty(&report.updated)
                ))
            }
            "Export" => {
                let text = self.workspace.load_connections()?.to_shared_toml(&[])?;
                cicsx_keystore::fs::write_atomic(path, text.as_bytes(), 0o644)
                    .map_err(|e| Failure::io(&format!("cannot write {}", path.display()), e))?;
                Ok(format!(
                    "Exported to {location} (no passwords, no confirmations)."
                ))
            }
            _ => {
                let location = if location.contains("://") {
                    location
                } else {
                    std::path::absolute(path)
                        .map(|p| p.display().to_string())
                        .unwrap_or(location)
                };
                self.workspace.ensure_dir()?;
                self.workspace
                    .update_connections(|all| Ok(all.add_load(&location)))?;
                Ok(format!(
                    "Loaded {location}: read-only, re-read at every start."
                ))
            }
        }
    }

    /// Draws the Host Connections view.
    pub fn host_connections_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Host Connections");
            if ui.button("Reload").clicked() {
                self.fetched.clear();
                self.reload();
            }
            if ui.button("Add connection").clicked() {
                self.editor = Some(editor::Editor::new());
            }
        });
        ui.label(format!("Workspace: {}", self.workspace.dir().display()));
        ui.horizontal(|ui| {
            widgets::field(ui, "Shared file or URL", &mut self.share_location);
            for what in ["Import", "Export", "Load"] {
                if ui.button(what).clicked() {
                    match self.share(what) {
                        Ok(text) => self.log.push(text),
                        Err(f) => self.failure = Some((self.share_location.clone(), f)),
                    }
                    self.reload();
                }
            }
        });
        ui.separator();
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
            return;
        }
        if self.connections.is_empty() && self.loaded.is_empty() {
            ui.label("No connections yet. Add one here or with `cicsx connection add`.");
            return;
        }
        let rows: Vec<(Connection, Option<String>)> = self
            .connections
            .iter()
            .map(|c| (c.clone(), None))
            .chain(self.loaded.iter().flat_map(|l| {
                l.connections
                    .iter()
                    .map(|c| (c.clone(), Some(l.location.clone())))
            }))
            .collect();
        let mut clicked: Option<(&'static str, String)> = None;
        egui::Grid::new("connections")
            .striped(true)
            .num_columns(7)
            .show(ui, |ui| {
                for title in [
                    "Name",
                    "Host:Port",
                    "Secure connection (TLS/SSL)",
                    "Credential",
                    "Confirmed",
                    "State",
                    "",
                ] {
                    ui.strong(title);
                }
                ui.end_row();
                for (c, origin) in &rows {
                    ui.label(&c.name);
                    ui.label(endpoint_text(&c.host, c.port));
                    ui.label(if c.secure { "yes" } else { "no" });
                    ui.label(credential_text(&c.credential));
                    ui.label(if c.tls_confirmed { "yes" } else { "no" });
                    match self.state(&c.name) {
                        ConnectionState::Disconnected => {
                            ui.label(match origin {
                                Some(o) => format!("loaded from {o}"),
                                None => "not connected".to_owned(),
                            });
                        }
                        ConnectionState::Connecting => {
                            ui.horizontal(|ui| {
                                ui.spinner();
                                ui.label("connecting");
                            });
                        }
                        ConnectionState::Connected => {
                            ui.label("connected");
                        }
                        ConnectionState::Failed { id, message } => {
                            ui.colored_label(ui.visuals().error_fg_color, format!("failed: {id}"))
                                .on_hover_text(message);
                        }
                    }
                    ui.horizontal(|ui| {
                        let running = self.jobs.contains_key(&c.name);
                        if running {
                            if ui.button("Disconnect").clicked() {
                                clicked = Some(("disconnect", c.name.clone()));
                            }
                        } else if ui.button("Connect").clicked() {
                            clicked = Some(("connect", c.name.clone()));
                        }
                        if origin.is_none() {
                            if ui.button("Edit").clicked() {
                                clicked = Some(("edit", c.name.clone()));
                            }
                            if ui.button("Remove").clicked() {
                                clicked = Some(("remove", c.name.clone()));
                            }
                        }
                    });
                    ui.end_row();
                }
            });
        for l in &self.loaded {
            if self.fetching.is_some() && !self.fetched.contains_key(&l.location) {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Fetching {}", l.location));
                });
            } else if let Some(e) = &l.error {
                ui.colored_label(ui.visuals().warn_fg_color, e);
            }
        }
        if let Some(name) = self.confirm_remove.clone() {
            ui.horizontal(|ui| {
                ui.label(format!("Remove connection \"{name}\"?"));
                if ui.button("Yes, remove").clicked() {
                    self.disconnect_quietly(&name);
                    match self
                        .workspace
                        .update_connections(|all| all.remove(&name).map(|_| ()))
                    {
                        Ok(()) => self.log.push(format!("Removed connection \"{name}\".")),
                        Err(e) => self.failure = Some((name.clone(), e.into())),
                    }
                    self.confirm_remove = None;
                    self.reload();
                }
                if ui.button("No").clicked() {
                    self.confirm_remove = None;
                }
            });
        }
        match clicked {
            Some(("connect", name)) => self.connect(&name),
            Some(("disconnect", name)) => self.disconnect(&name),
            Some(("edit", name)) => {
                if let Some((c, None)) = self.find(&name) {
                    self.editor = Some(editor::Editor::edit(&c));
                }
            }
            Some(("remove", name)) => self.confirm_remove = Some(name),
            _ => {}
        }
    }

    fn disconnect_quietly(&mut self, name: &str) {
        self.jobs.remove(name);
        self.pending.retain(|p| p.name != name);
        self.states.remove(name);
    }

    fn editor_ui(&mut self, ctx: &egui::Context) {
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        match editor.ui(ctx) {
            editor::Action::None => {}
            editor::Action::Cancel => self.editor = None,
            editor::Action::Save(c) => {
                let name = c.name.clone();
                match self.save_connection(*c) {
                    Ok(()) => {
                        self.log.push(format!("Saved connection \"{name}\"."));
                        self.editor = None;
                        self.reload();
                    }
                    Err(f) => {
                        if let Some(e) = self.editor.as_mut() {
                            e.error = Some(f);
                        }
                    }
                }
            }
        }
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(p) = self.pending.front_mut() {
            if let Some(reply) = dialogs::question(ctx, p)
                && let Some(p) = self.pending.pop_front()
            {
                // The worker may have gone (disconnected): nothing waits for the answer then.
                let _ = p.reply.send(reply);
            }
        } else if let Some((name, f)) = &self.failure
            && dialogs::failure(ctx, name, f)
        {
            self.failure = None;
        }
    }

    /// Draws the whole app: tabs, the current screen, the message log and any dialog.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll_jobs();
        self.poll_fetch();
        self.keystore.poll_listing();
        if !self.jobs.is_empty() || self.fetching.is_some() || self.keystore.busy() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        ui.horizontal(|ui| {
            for (tab, label) in [
                (Tab::Connections, "Connections"),
                (Tab::Preferences, "Preferences"),
                (Tab::Keystore, "Keystore"),
                (Tab::Results, "Results"),
            ] {
                if ui.selectable_label(self.tab == tab, label).clicked() {
                    if tab == Tab::Keystore {
                        self.keystore
                            .refresh(&self.workspace, &self.keystore_passphrase);
                    }
                    if tab == Tab::Preferences {
                        self.preferences.load(&self.workspace);
                    }
                    self.tab = tab;
                }
            }
        });
        ui.separator();
        egui::Panel::bottom("messages").show(ui, |ui| {
            ui.strong("Messages");
            egui::ScrollArea::vertical()
                .max_height(100.0)
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    for line in &self.log {
                        ui.label(line);
                    }
                });
        });
        egui::CentralPanel::default().show(ui, |ui| match self.tab {
            Tab::Connections => self.host_connections_ui(ui),
            Tab::Preferences => {
                self.preferences
                    .ui(ui, &self.workspace, &mut self.keystore_passphrase)
            }
            Tab::Keystore => self
                .keystore
                .ui(ui, &self.workspace, &mut self.keystore_passphrase),
            Tab::Results => self.results_ui(ui),
        });
        let ctx = ui.ctx().clone();
        self.editor_ui(&ctx);
        self.dialogs_ui(&ctx);
    }

    fn results_ui(&mut self, ui: &mut egui::Ui) {
        let Some(results) = self.results.as_mut() else {
            ui.label("Connect to a region to see its resources here.");
            return;
        };
        let job = self.jobs.get_mut(&results.name);
        let busy = job.as_ref().is_some_and(|j| j.busy);
        let connected = matches!(
            self.states.get(&results.name),
            Some(ConnectionState::Connected)
        );
        if let results::Action::Query(q) = results.ui(ui, busy, connected)
            && let Some(job) = job
        {
            results.error = None;
            job.query(q);
        }
    }
}

/// A failure on one line: its ID and message.
fn one_line(f: &Failure) -> String {
    format!("{} {}", f.id, f.message)
}

fn none_if_empty(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

fn endpoint_text(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn credential_text(credential: &Credential) -> String {
    match credential {
        Credential::Password { user } => format!("user ID {user}"),
        Credential::KeystoreCertificate { alias, .. } => format!(
            "certificate {} from the keystore",
            alias.as_deref().unwrap_or("(the only key)")
        ),
        Credential::Pkcs12File { path, .. } => format!("certificate from {}", path.display()),
        Credential::SmartCard { uri, .. } => format!("smart card {uri}"),
        _ => "none".into(),
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }
}
