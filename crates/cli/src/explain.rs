//! `cicsx explain ID`: the long form of a message from the catalogue.

use crate::error::Failure;

/// Prints the catalogue entry for `id`, or every entry's title with `list`.
pub(crate) fn run(id: Option<String>, list: bool, json: bool) -> Result<(), Failure> {
    let _ = (list, json);
    Err(Failure::new(
        "CICSX0990E",
        format!(
            "cicsx explain {} is not available yet",
            id.unwrap_or_default()
        ),
        "",
        "",
    ))
}
