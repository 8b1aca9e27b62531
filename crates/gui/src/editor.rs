//! The "Add CMCI Connection" window (also used to edit one).

use std::path::PathBuf;

use cicsx_cmci::message::Failure;
use cicsx_profile::{Connection, Credential};

use crate::widgets::field;

/// Which credential the form is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    None,
    Password,
    Keystore,
    Pkcs12,
    SmartCard,
}

/// The form's fields, as typed.
pub(crate) struct Editor {
    /// The name of the connection being edited; `None` adds a new one.
    pub(crate) editing: Option<String>,
    name: String,
    host: String,
    port: String,
    secure: bool,
    kind: Kind,
    user: String,
    alias: String,
    path: String,
    uri: String,
    context: String,
    tls_confirmed: bool,
    pub(crate) error: Option<Failure>,
}

/// What the window asks of the app this frame.
pub(crate) enum Action {
    None,
    Save(Box<Connection>),
    Cancel,
}

impl Editor {
    /// An empty form for a new connection (TLS on, as Explorer's default).
    pub(crate) fn new() -> Self {
        Editor {
            editing: None,
            name: String::new(),
            host: String::new(),
            port: String::new(),
            secure: true,
            kind: Kind::Password,
            user: String::new(),
            alias: String::new(),
            path: String::new(),
            uri: String::new(),
            context: String::new(),
            tls_confirmed: false,
            error: None,
        }
    }

    /// A form filled from an existing connection.
    pub(crate) fn edit(c: &Connection) -> Self {
        let mut e = Editor::new();
        e.editing = Some(c.name.clone());
        e.name.clone_from(&c.name);
        e.host.clone_from(&c.host);
        e.port = c.port.to_string();
        e.secure = c.secure;
        e.tls_confirmed = c.tls_confirmed;
        e.context = c.context.clone().unwrap_or_default();
        e.user = c.credential.user().unwrap_or_default().to_owned();
        e.kind = match &c.credential {
            Credential::Password { .. } => Kind::Password,
            Credential::KeystoreCertificate { alias, .. } => {
                e.alias = alias.clone().unwrap_or_default();
                Kind::Keystore
            }
            Credential::Pkcs12File { path, alias, .. } => {
                e.path = path.display().to_string();
                e.alias = alias.clone().unwrap_or_default();
                Kind::Pkcs12
            }
            Credential::SmartCard { uri, .. } => {
                e.uri.clone_from(uri);
                Kind::SmartCard
            }
            _ => Kind::None,
        };
        e
    }

    /// The connection the form describes, validated as the CLI validates
    /// (`Connection::validate`: a certificate credential needs TLS, and so on).
    pub(crate) fn connection(&self) -> Result<Connection, Failure> {
        let port: u16 = self.port.trim().parse().map_err(|_| {
            Failure::from(cicsx_profile::Error::Invalid {
                at: cicsx_profile::Location::default(),
                connection: self.name.trim().to_owned(),
                field: "port",
                reason: format!(
                    "{:?} is not a port number from 1 to 65535",
                    self.port.trim()
                ),
            })
        })?;
        let opt = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        let credential = match self.kind {
            Kind::None => Credential::None,
            Kind::Password => Credential::Password {
                user: self.user.trim().to_owned(),
            },
            Kind::Keystore => Credential::KeystoreCertificate {
                user: opt(&self.user),
                keystore: None,
                alias: opt(&self.alias),
            },
            Kind::Pkcs12 => Credential::Pkcs12File {
                user: opt(&self.user),
                path: PathBuf::from(self.path.trim()),
                alias: opt(&self.alias),
            },
            Kind::SmartCard => Credential::SmartCard {
                user: opt(&self.user),
                uri: self.uri.trim().to_owned(),
            },
        };
        let mut c = Connection::new(self.name.trim(), self.host.trim(), port);
        c.secure = self.secure;
        c.credential = credential;
        c.context = opt(&self.context);
        // An edit that keeps host, port and TLS setting keeps the confirmation.
        c.tls_confirmed = self.tls_confirmed;
        c.validate()?;
        Ok(c)
    }

    /// Draws the window; returns what the user chose.
    pub(crate) fn ui(&mut self, ctx: &egui::Context) -> Action {
        let mut action = Action::None;
        let title = if self.editing.is_some() {
            "Edit CMCI Connection"
        } else {
            "Add CMCI Connection"
        };
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .min_width(480.0)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .show(ctx, |ui| {
                egui::Grid::new("connection-editor")
                    .num_columns(2)
                    .show(ui, |ui| {
                        field(ui, "Name", &mut self.name);
                        ui.end_row();
                        field(ui, "Host name", &mut self.host);
                        ui.end_row();
                        field(ui, "Port", &mut self.port);
                        ui.end_row();
                        ui.label("");
                        let before = self.secure;
                        ui.checkbox(&mut self.secure, "Secure connection (TLS/SSL)");
                        if before != self.secure {
                            self.tls_confirmed = false;
                        }
                        ui.end_row();
                        field(ui, "CMCI context (CICSplex or APPLID)", &mut self.context);
                        ui.end_row();
                        ui.label("Credential");
                        ui.vertical(|ui| {
                            ui.radio_value(&mut self.kind, Kind::None, "None");
                            ui.radio_value(&mut self.kind, Kind::Password, "User ID and password");
                            ui.radio_value(
                                &mut self.kind,
                                Kind::Keystore,
                                "Certificate from the keystore",
                            );
                            ui.radio_value(
                                &mut self.kind,
                                Kind::Pkcs12,
                                "Certificate from a PKCS#12 file",
                            );
                            ui.radio_value(&mut self.kind, Kind::SmartCard, "Smart card");
                        });
                        ui.end_row();
                        if self.kind != Kind::None {
                            field(ui, "User ID", &mut self.user);
                            ui.end_row();
                        }
                        match self.kind {
                            Kind::Keystore => {
                                field(ui, "Key alias (empty: the only key)", &mut self.alias);
                                ui.end_row();
                            }
                            Kind::Pkcs12 => {
                                field(ui, "PKCS#12 file", &mut self.path);
                                ui.end_row();
                                field(ui, "Key alias (empty: the only key)", &mut self.alias);
                                ui.end_row();
                            }
                            Kind::SmartCard => {
                                field(ui, "PKCS#11 URI", &mut self.uri);
                                ui.end_row();
                            }
                            Kind::None | Kind::Password => {}
                        }
                    });
                if self.kind == Kind::Password {
                    ui.label("The password is asked for at connect time and never stored.");
                }
                if let Some(error) = &self.error {
                    ui.separator();
                    crate::widgets::failure(ui, error);
                }
                ui.separator();
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        match self.connection() {
                            Ok(c) => action = Action::Save(Box::new(c)),
                            Err(e) => self.error = Some(e),
                        }
                    }
                    if ui.button("Cancel").clicked() {
                        action = Action::Cancel;
                    }
                });
            });
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Editor {
        let mut e = Editor::new();
        e.name = "r1".into();
        e.host = "mvs1.example.com".into();
        e.port = "1490".into();
        e.user = "IBMUSER".into();
        e
    }

    #[test]
    fn a_filled_form_gives_a_password_connection() {
        let c = form().connection().unwrap();
        assert_eq!(c.port, 1490);
        assert!(c.secure);
        assert_eq!(
            c.credential,
            Credential::Password {
                user: "IBMUSER".into()
            }
        );
        assert!(!c.tls_confirmed);
    }

    #[test]
    fn a_bad_port_is_refused_with_an_id() {
        let mut e = form();
        e.port = "70000".into();
        assert_eq!(e.connection().unwrap_err().id, "CICSX0505E");
    }

    #[test]
    fn a_certificate_credential_needs_tls_as_in_the_cli() {
        let mut e = form();
        e.kind = Kind::Keystore;
        e.secure = false;
        let err = e.connection().unwrap_err();
        assert!(err.id.starts_with("CICSX05"), "{err}");
    }

    #[test]
    fn editing_round_trips_a_connection() {
        let mut c = Connection::new("s", "h", 443);
        c.credential = Credential::SmartCard {
            user: None,
            uri: "pkcs11:token=t;object=me".into(),
        };
        c.context = Some("PLEX".into());
        assert_eq!(Editor::edit(&c).connection().unwrap(), c);
    }
}
