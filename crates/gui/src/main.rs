//! `cicsx-gui`: the desktop app.

use std::process::ExitCode;

fn main() -> ExitCode {
    // `cicsx-gui [--workspace DIR]`, as the CLI takes it.
    let mut args = std::env::args_os().skip(1);
    let mut explicit = None;
    while let Some(arg) = args.next() {
        if arg == "--workspace" {
            let Some(dir) = args.next() else {
                eprintln!("usage: cicsx-gui [--workspace DIR]");
                return ExitCode::from(2);
            };
            explicit = Some(dir.into());
        } else if arg == "-h" || arg == "--help" {
            println!(
                "usage: cicsx-gui [--workspace DIR]\n\nThe cicsx desktop app; see docs/gui.md."
            );
            return ExitCode::SUCCESS;
        } else {
            eprintln!("usage: cicsx-gui [--workspace DIR]");
            return ExitCode::from(2);
        }
    }
    let workspace = match cicsx_profile::Workspace::locate(explicit) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cicsx-gui: {}", cicsx_cmci::message::Failure::from(e));
            return ExitCode::FAILURE;
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("cicsx")
            .with_inner_size([1200.0, 760.0]),
        ..Default::default()
    };
    match eframe::run_native(
        "cicsx",
        options,
        Box::new(|_cc| Ok(Box::new(cicsx_gui::App::new(workspace)))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cicsx-gui: CICSX0990E cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}
