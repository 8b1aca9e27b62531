//! Showing records as a plain-text table.

use crate::response::Record;

/// Columns shown by default for the resources people look at most; matched case-insensitively.
const DEFAULT_COLUMNS: &[(&str, &[&str])] = &[
    (
        "CICSRegion",
        &[
            "eyu_cicsname",
            "applid",
            "jobname",
            "cicsstatus",
            "cicstslevel",
            "sysid",
        ],
    ),
    (
        "CICSProgram",
        &["program", "eyu_cicsname", "language", "status", "usecount"],
    ),
    (
        "CICSLocalTransaction",
        &["tranid", "program", "status", "eyu_cicsname"],
    ),
    (
        "CICSLocalFile",
        &[
            "file",
            "dsname",
            "enablestatus",
            "openstatus",
            "eyu_cicsname",
        ],
    ),
    (
        "CICSTCPIPService",
        &["name", "port", "ssltype", "status", "eyu_cicsname"],
    ),
    (
        "CICSBundle",
        &["name", "enablestatus", "bundledir", "eyu_cicsname"],
    ),
];

/// The columns worth showing for a resource table, e.g. `program, eyu_cicsname, language,
/// status, usecount` for `CICSProgram`. The resource name is matched case-insensitively. An
/// unknown resource gives an empty slice: show all attributes then (see [`render_table`]).
///
/// ```
/// assert_eq!(cicsx_cmci::default_columns("cicslocaltransaction")[0], "tranid");
/// assert!(cicsx_cmci::default_columns("CICSNoSuchThing").is_empty());
/// ```
pub fn default_columns(resource: &str) -> &'static [&'static str] {
    DEFAULT_COLUMNS
        .iter()
        .find(|(r, _)| r.eq_ignore_ascii_case(resource))
        .map_or(&[], |(_, c)| c)
}

/// Renders records as a plain-text table: a header row of upper-case column names, then one
/// row per record, columns left-aligned and separated by two spaces, no trailing spaces.
///
/// With no `columns`, every attribute that appears in any record is shown, in order of first
/// appearance, except internal ones whose name starts with `_` (such as `_keydata`). A record
/// without an attribute shows an empty cell. Control characters in values (which could drive
/// a terminal) are shown as `\u{FFFD}`. Widths count characters.
///
/// ```
/// use cicsx_cmci::{Record, render_table};
///
/// let records = vec![Record {
///     resource: "cicsprogram".into(),
///     attributes: vec![("program".into(), "DFHAMP".into()), ("status".into(), "ENABLED".into())],
/// }];
/// assert_eq!(
///     render_table(&records, &["program", "status"]),
///     "PROGRAM  STATUS\nDFHAMP   ENABLED\n"
/// );
/// ```
pub fn render_table(records: &[Record], columns: &[&str]) -> String {
    let owned_columns: Vec<String>;
    let columns: Vec<&str> = if columns.is_empty() {
        owned_columns = all_columns(records);
        owned_columns.iter().map(String::as_str).collect()
    } else {
        columns.to_vec()
    };
    if columns.is_empty() {
        return String::new();
    }

    let header: Vec<String> = columns
        .iter()
        .map(|c| sanitize(&c.to_uppercase()))
        .collect();
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| sanitize(r.get(c).unwrap_or_default()))
                .collect()
        })
        .collect();

    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Every attribute name in the records, in order of first appearance, without `_` names.
fn all_columns(records: &[Record]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut columns = Vec::new();
    for record in records {
        for (name, _) in &record.attributes {
            if !name.starts_with('_') && seen.insert(name.to_ascii_lowercase()) {
                columns.push(name.clone());
            }
        }
    }
    columns
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(attributes: &[(&str, &str)]) -> Record {
        Record {
            resource: "cicsprogram".into(),
            attributes: attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn known_resources_have_default_columns() {
        assert_eq!(
            default_columns("CICSProgram"),
            &["program", "eyu_cicsname", "language", "status", "usecount"]
        );
        assert_eq!(default_columns("CICSREGION")[0], "eyu_cicsname");
        assert!(default_columns("CICSLocalFile").contains(&"dsname"));
        assert!(default_columns("CICSTCPIPService").contains(&"ssltype"));
        assert!(default_columns("").is_empty());
    }

    #[test]
    fn columns_are_aligned_to_the_widest_cell() {
        let records = vec![
            record(&[("program", "DFHAMP"), ("language", "ASSEMBLER")]),
            record(&[("program", "A"), ("language", "")]),
            record(&[("program", "LONGPROGNAME")]),
        ];
        let table = render_table(&records, &["program", "language", "status"]);
        assert_eq!(
            table,
            "PROGRAM       LANGUAGE   STATUS\n\
             DFHAMP        ASSEMBLER\n\
             A\n\
             LONGPROGNAME\n"
        );
    }

    #[test]
    fn empty_columns_show_all_but_underscore_attributes() {
        let records = vec![
            record(&[("_keydata", "C1C2"), ("program", "P1")]),
            record(&[("program", "P2"), ("status", "ENABLED")]),
        ];
        assert_eq!(
            render_table(&records, &[]),
            "PROGRAM  STATUS\nP1\nP2       ENABLED\n"
        );
    }

    #[test]
    fn lookups_ignore_case_and_widths_count_characters() {
        let records = vec![record(&[("PROGRAM", "ÉTÉ"), ("status", "X")])];
        assert_eq!(
            render_table(&records, &["program", "status"]),
            "PROGRAM  STATUS\nÉTÉ      X\n"
        );
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let records = vec![record(&[("program", "A\u{1b}[2J")])];
        let table = render_table(&records, &["program"]);
        assert!(!table.contains('\u{1b}'));
        assert!(table.contains("A\u{FFFD}[2J"));
    }

    #[test]
    fn no_records_and_no_columns_is_empty() {
        assert_eq!(render_table(&[], &[]), "");
        assert_eq!(render_table(&[], &["program"]), "PROGRAM\n");
    }
}
