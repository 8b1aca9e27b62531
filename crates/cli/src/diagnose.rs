//! `cicsx diagnose`: prints a [`cicsx_cmci::diagnose`] report.

use cicsx_profile::Workspace;

use crate::args::DiagnoseArgs;
use crate::error::Failure;

/// Runs the diagnosis and prints the report.
pub(crate) async fn run(_workspace: &Workspace, args: DiagnoseArgs) -> Result<(), Failure> {
    Err(Failure::new(
        "CICSX0990E",
        format!("cicsx diagnose {} is not available yet", args.target),
        "",
        "",
    ))
}
