//! Small drawing helpers shared by the panels.

use cicsx_cmci::message::Failure;

/// A text field named by the label before it (so screen readers and tests find it).
pub(crate) fn field(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(320.0))
        .labelled_by(l.id)
}

/// A masked field for a password, pass phrase or PIN.
pub(crate) fn secret_field(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .password(true)
            .desired_width(240.0),
    )
    .labelled_by(l.id)
}

/// A failure with all four parts: ID, message, why, what to do.
pub(crate) fn failure(ui: &mut egui::Ui, failure: &Failure) {
    let color = if failure.id.ends_with('W') {
        ui.visuals().warn_fg_color
    } else {
        ui.visuals().error_fg_color
    };
    ui.colored_label(color, format!("{} {}", failure.id, failure.message));
    if !failure.explanation.is_empty() {
        ui.label(format!("Why: {}", failure.explanation));
    }
    if !failure.action.is_empty() {
        ui.label(format!("Do: {}", failure.action));
    }
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Certificates expiring within this many days are highlighted, as the CLI flags them.
pub(crate) use cicsx_cmci::session::EXPIRY_WARNING_DAYS;
