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
pub(crate) const EXPIRY_WARNING_DAYS: i64 = 30;

/// How close a certificate is to its end of validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    Fine,
    Soon,
    Expired,
}

/// Classifies an end of validity against `now`.
pub(crate) fn expiry(not_after_unix: i64, now: i64) -> Expiry {
    if not_after_unix < now {
        Expiry::Expired
    } else if (not_after_unix - now) / (24 * 60 * 60) <= EXPIRY_WARNING_DAYS {
        Expiry::Soon
    } else {
        Expiry::Fine
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_classified_like_the_cli() {
        let day = 24 * 60 * 60;
        assert_eq!(expiry(1000, 2000), Expiry::Expired);
        assert_eq!(expiry(2000 + 10 * day, 2000), Expiry::Soon);
        assert_eq!(expiry(2000 + 30 * day, 2000), Expiry::Soon);
        assert_eq!(expiry(2000 + 31 * day, 2000), Expiry::Fine);
    }
}
