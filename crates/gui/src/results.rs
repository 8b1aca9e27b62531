//! CMCI results: a table of regions, programs or transactions from a query.

use cicsx_cmci::message::Failure;
use cicsx_cmci::{ApiResponse, Query, Response, default_columns};

/// The resources offered as buttons, with their CMCI resource names.
pub(crate) const RESOURCES: &[(&str, &str)] = &[
    ("Regions", "CICSRegion"),
    ("Programs", "CICSProgram"),
    ("Transactions", "CICSLocalTransaction"),
];

/// The latest answer of one connected session.
pub(crate) struct Results {
    /// The connection's name.
    pub(crate) name: String,
    pub(crate) context: String,
    pub(crate) details: Vec<String>,
    pub(crate) query: Query,
    pub(crate) response: Option<Response>,
    pub(crate) error: Option<Failure>,
}

/// What the panel asks of the app.
pub(crate) enum Action {
    None,
    Query(Query),
}

impl Results {
    /// "CICSRegion in CICSPLEX1: OK (1024), 3 records", as `cicsx connect` reports it.
    pub(crate) fn summary(&self) -> String {
        match &self.response {
            Some(r) => {
                let s = &r.summary;
                format!(
                    "{} in {}: {} ({}), {} record{}",
                    self.query.resource,
                    self.query.context,
                    s.api_response1.name(),
                    s.api_response1.code(),
                    s.record_count,
                    if s.record_count == 1 { "" } else { "s" }
                )
            }
            None => String::new(),
        }
    }

    /// The column names: the resource's usual ones, or every attribute but internal ones.
    pub(crate) fn columns(&self) -> Vec<String> {
        let known = default_columns(&self.query.resource);
        if !known.is_empty() {
            return known.iter().map(|c| (*c).to_owned()).collect();
        }
        let mut out: Vec<String> = Vec::new();
        if let Some(r) = &self.response {
            for record in &r.records {
                for (k, _) in &record.attributes {
                    if !k.starts_with('_') && !out.iter().any(|c| c == k) {
                        out.push(k.clone());
                    }
                }
            }
        }
        out
    }

    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, busy: bool, connected: bool) -> Action {
        let mut action = Action::None;
        ui.heading(format!("CMCI results: {}", self.name));
        for d in &self.details {
            ui.label(d);
        }
        ui.separator();
        ui.horizontal(|ui| {
            for (label, resource) in RESOURCES {
                let enabled = connected && !busy;
                if ui.add_enabled(enabled, egui::Button::new(*label)).clicked() {
                    action = Action::Query(Query::new(*resource, self.context.clone()));
                }
            }
            if busy {
                ui.spinner();
            }
        });
        if let Some(e) = &self.error {
            crate::widgets::failure(ui, e);
        }
        let Some(response) = &self.response else {
            return action;
        };
        ui.label(self.summary());
        if !matches!(
            response.summary.api_response1,
            ApiResponse::Ok | ApiResponse::NoData
        ) {
            for f in &response.errors {
                let text: Vec<String> = f
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                ui.label(format!("Feedback: {}", text.join(" ")));
            }
        }
        let columns = self.columns();
        egui::ScrollArea::both().show(ui, |ui| {
            egui::Grid::new("cmci-records")
                .striped(true)
                .num_columns(columns.len())
                .show(ui, |ui| {
                    for c in &columns {
                        ui.strong(c.to_uppercase());
                    }
                    ui.end_row();
                    for record in &response.records {
                        for c in &columns {
                            // Control characters could confuse the layout; show them as U+FFFD.
                            let value: String = record
                                .get(c)
                                .unwrap_or("")
                                .chars()
                                .map(|ch| if ch.is_control() { '\u{FFFD}' } else { ch })
                                .collect();
                            ui.label(value);
                        }
                        ui.end_row();
                    }
                });
        });
        action
    }
}
