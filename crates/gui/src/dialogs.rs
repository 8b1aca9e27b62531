//! The dialogs a connect raises: certificate alert, changed certificate, mismatch and
//! "Ambiguity in connection security", password, pass phrase, PIN, and failures.

use std::sync::mpsc::Sender;

use cicsx_cmci::message::Failure;
use cicsx_keystore::SecretString;
use zeroize::Zeroizing;

use crate::job::{Question, Reply};
use crate::widgets::secret_field;

/// The ID of a pinned certificate that changed (cicsx-cmci): a warning, never an alert.
pub(crate) const CHANGED_CERTIFICATE: &str = "CICSX0608E";

/// A question waiting for the user.
pub(crate) struct Pending {
    /// The connection that asks.
    pub(crate) name: String,
    pub(crate) question: Question,
    pub(crate) reply: Sender<Reply>,
    secret: Zeroizing<String>,
}

impl Pending {
    pub(crate) fn new(name: String, question: Question, reply: Sender<Reply>) -> Self {
        Pending {
            name,
            question,
            reply,
            secret: Zeroizing::new(String::new()),
        }
    }

    /// The dialog's title.
    pub(crate) fn title(&self) -> String {
        match &self.question {
            Question::Certificate { .. } => "Certificate alert".into(),
            Question::Mismatch { title, .. } => title.clone(),
            Question::Password { .. } => "Password".into(),
            Question::Pkcs12 { .. } => "Pass phrase".into(),
            Question::Pin { .. } => "Smart card PIN".into(),
        }
    }
}

/// Draws the question; returns the answer once the user gives one.
pub(crate) fn question(ctx: &egui::Context, p: &mut Pending) -> Option<Reply> {
    let mut reply = None;
    let title = p.title();
    egui::Modal::new(egui::Id::unique("cicsx-question")).show(ctx, |ui| {
        ui.set_max_width(640.0);
        ui.heading(&title);
        ui.label(format!("Connection \"{}\"", p.name));
        ui.separator();
        match &p.question {
            Question::Certificate { endpoint, info } => {
                ui.label(format!(
                    "The server {endpoint} presented a certificate that nothing you trust has \
                     issued. Compare its fingerprint with the one the region's administrator \
                     gives you before you accept it. Accepted, it is stored in the keystore for \
                     {endpoint} and not asked about again."
                ));
                // What is wrong beyond nothing trusting it, in the error colour.
                let host = endpoint
                    .rsplit_once(':')
                    .map_or(endpoint.as_str(), |(host, _)| host);
                for problem in info.alert_problems(host, crate::widgets::now_unix()) {
                    ui.colored_label(ui.visuals().error_fg_color, format!("Warning: {problem}"));
                }
                egui::Grid::new("certificate")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let mut row = |k: &str, v: String| {
                            ui.strong(k);
                            ui.label(v);
                            ui.end_row();
                        };
                        row("Subject", info.subject.clone());
                        row("Issuer", info.issuer.clone());
                        row("Serial", info.serial.clone());
                        row("Valid from", info.not_before.clone());
                        row("Valid until", info.not_after.clone());
                        if !info.subject_alt_names.is_empty() {
                            row("Names", info.subject_alt_names.join(", "));
                        }
                        row("Key", info.key_algorithm.clone());
                        row("Signature", info.signature_algorithm.clone());
                        row("SHA-256 fingerprint", info.sha256.to_string());
                    });
                ui.separator();
                ui.horizontal(|ui| {
                    if ui.button("Accept").clicked() {
                        reply = Some(Reply::Yes);
                    }
                    if ui.button("Cancel").clicked() {
                        reply = Some(Reply::No);
                    }
                });
            }
            Question::Mismatch {
                explanation,
                question,
                secure,
                ..
            } => {
                ui.label(explanation);
                ui.label(question);
                ui.separator();
                ui.horizontal(|ui| {
                    let label = if *secure {
                        "Retry without TLS"
                    } else {
                        "Retry with TLS"
                    };
                    if ui.button(label).clicked() {
                        reply = Some(Reply::Yes);
                    }
                    if ui.button("Cancel").clicked() {
                        reply = Some(Reply::No);
                    }
                });
            }
            Question::Password { user, endpoint } => {
                reply = secret(
                    ui,
                    &format!("Password of {user} at {endpoint} (never stored)"),
                    "Password",
                    &mut p.secret,
                );
            }
            Question::Pkcs12 { path } => {
                reply = secret(
                    ui,
                    &format!("Pass phrase of {}", path.display()),
                    "Pass phrase",
                    &mut p.secret,
                );
            }
            Question::Pin { token } => {
                reply = secret(
                    ui,
                    &format!(
                        "PIN of the smart card {token}. Wrong PINs lock the card after a few tries."
                    ),
                    "PIN",
                    &mut p.secret,
                );
            }
        }
    });
    reply
}

fn secret(
    ui: &mut egui::Ui,
    text: &str,
    label: &str,
    buffer: &mut Zeroizing<String>,
) -> Option<Reply> {
    let mut reply = None;
    ui.label(text);
    // Read before the field draws: the field consumes the Enter key.
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    let r = ui.horizontal(|ui| secret_field(ui, label, buffer)).inner;
    // The field takes the keyboard when the dialog opens, so that Enter answers it.
    if ui.memory(|m| m.focused().is_none()) {
        r.request_focus();
    }
    let entered = enter && (r.lost_focus() || r.has_focus());
    ui.horizontal(|ui| {
        if ui.button("OK").clicked() || entered {
            reply = Some(Reply::Secret(SecretString::from(buffer.as_str())));
        }
        if ui.button("Cancel").clicked() {
            reply = Some(Reply::No);
        }
    });
    reply
}

/// Draws a failure; a changed certificate is a warning with no way to accept it. Returns
/// true when the user closes it.
pub(crate) fn failure(ctx: &egui::Context, name: &str, f: &Failure) -> bool {
    let mut close = false;
    egui::Modal::new(egui::Id::unique("cicsx-failure")).show(ctx, |ui| {
        ui.set_max_width(640.0);
        if f.id == CHANGED_CERTIFICATE {
            ui.heading("Warning: the server's certificate has changed");
            ui.colored_label(
                ui.visuals().error_fg_color,
                "The certificate you accepted earlier for this server is not the one it \
                 presents now. This may be an attack. The connection was not made and nothing \
                 was sent.",
            );
        } else {
            ui.heading("Connection failed");
        }
        ui.label(format!("Connection \"{name}\""));
        ui.separator();
        crate::widgets::failure(ui, f);
        ui.separator();
        if ui.button("Close").clicked() {
            close = true;
        }
    });
    close
}
