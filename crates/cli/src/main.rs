//! `cicsx`: connect securely (TLS) to IBM CICS systems over CMCI.
//!
//! A thin binary: flags are parsed into typed values ([`args`]), each command lives in
//! [`commands`], the connect flow in [`session`], and every failure becomes a message with a
//! stable ID in one place ([`error`]).

mod args;
mod commands;
mod demo;
mod diagnose;
mod error;
mod explain;
mod fanout;
mod interact;
mod session;
mod smartcard;
mod stores;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("cicsx: {failure}");
            ExitCode::FAILURE
        }
    }
}
