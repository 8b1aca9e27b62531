//! `cicsx-mock-cics`: run a mock CICS region in the foreground until Ctrl-C.
//!
//! Arguments are parsed by hand (only the `cicsx` command line knows clap).

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use cicsx_mock_cics::{CICSPLEX, Config, Error, MockRegion, Mode, fixtures};

const HELP: &str = "\
cicsx-mock-cics: a mock CICS region answering CMCI, for tests and demos

usage: cicsx-mock-cics [--port N] [--mode M] [--cert C] [--user USER:PASSWORD]... [--endpoints N]

  --port N       port to listen on, on 127.0.0.1 (default 0: any free port)
  --endpoints N  run N regions alike, each on its own port (the first on --port, the
                 others on free ports), one \"listening on\" line each (default 1)
  --bind ADDR    address to listen on instead of 127.0.0.1
  --mode M       strong       TLS 1.2/1.3, client certificate optional (default)
                 client-auth  TLS, client certificate from the test CA required
                 medium       a region limited to MEDIUM ciphers (handshake_failure)
                 plain        HTTP without TLS
  --cert C       server certificate: valid (default), rsa, expired, wrong-host,
                 self-signed, unknown-ca
  --user U:P     a user and password to accept (repeatable; default cicsuser:cicspass)
  -h, --help     print this text";

/// What the command line asked for.
#[derive(Debug)]
enum Command {
    Run(Config, usize),
    Help,
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{HELP}");
            ExitCode::SUCCESS
        }
        Ok(Command::Run(config, endpoints)) => report(run(config, endpoints)),
        Err(e) => {
            let code = report(Err(e));
            eprintln!("\n{HELP}");
            code
        }
    }
}

/// The one place that turns an outcome into output and an exit code.
fn report(outcome: Result<(), Error>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}\n  {}\n  {}", e.explanation(), e.action());
            ExitCode::FAILURE
        }
    }
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, Error> {
    let mut config = Config::default();
    let mut users = Vec::new();
    let mut ip: IpAddr = Ipv4Addr::LOCALHOST.into();
    let mut port: u16 = 0;
    let mut endpoints: usize = 1;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (flag, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| Error::Usage(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                port = v
                    .parse()
                    .map_err(|_| Error::Usage(format!("--port {v:?} is not a port number")))?;
            }
            "--bind" => {
                let v = value()?;
                ip = v
                    .parse()
                    .map_err(|_| Error::Usage(format!("--bind {v:?} is not an IP address")))?;
            }
            "--endpoints" => {
                let v = value()?;
                endpoints = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| {
                        Error::Usage(format!("--endpoints {v:?} is not a number from 1 to 10000"))
                    })?;
            }
            "--mode" => config.mode = value()?.parse()?,
            "--cert" => config.cert = value()?.parse()?,
            "--user" => {
                // Never echo the value: it holds a password.
                let v = value()?;
                let (user, password) = v
                    .split_once(':')
                    .filter(|(u, p)| !u.is_empty() && !p.is_empty())
                    .ok_or_else(|| Error::Usage("--user needs USER:PASSWORD".into()))?;
                users.push((user.to_owned(), password.to_owned()));
            }
            other => return Err(Error::Usage(format!("unknown argument {other:?}"))),
        }
    }
    if !users.is_empty() {
        config.users = users;
    }
    config.bind = SocketAddr::new(ip, port);
    Ok(Command::Run(config, endpoints))
}

fn run(config: Config, endpoints: usize) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let region = MockRegion::start(config.clone()).await?;
        let mut others = Vec::with_capacity(endpoints - 1);
        for _ in 1..endpoints {
            let mut other = config.clone();
            other.bind.set_port(0);
            others.push(MockRegion::start(other).await?);
        }
        // Only TLS clients need a CA to trust.
        let ca_file = if config.mode.is_tls() {
            Some(write_ca_file()?)
        } else {
            None
        };
        let addr = region.addr();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {addr}");
        for other in &others {
            let _ = writeln!(out, "listening on {}", other.addr());
        }
        let _ = writeln!(out, "mode: {} ({})", config.mode, describe(config.mode));
        if config.mode.is_tls() && config.mode != Mode::Medium {
            let _ = writeln!(
                out,
                "certificate: {} (fixtures/{})",
                config.cert,
                config.cert.fixture_name()
            );
        }
        if let Some(ca_file) = &ca_file {
            let _ = writeln!(out, "trust this CA: {}", ca_file.display());
        }
        for (user, password) in &config.users {
            let note = if config
                .forbidden_users
                .iter()
                .any(|f| f.eq_ignore_ascii_case(user))
            {
                "  (signs on, then HTTP 403: not authorized for CMCI)"
            } else {
                ""
            };
            let _ = writeln!(out, "sign on as: {user} / {password}{note}");
        }
        if let Some((user, password)) = config.users.first() {
            let url = format!(
                "{}/CICSSystemManagement/CICSRegion/{CICSPLEX}",
                region.base_url()
            );
            let cacert = ca_file
                .as_ref()
                .map(|f| format!("--cacert {} ", f.display()))
                .unwrap_or_default();
            let _ = writeln!(out, "try: curl {cacert}-u {user}:{password} {url}");
        }
        let _ = writeln!(out, "Ctrl-C stops the region");
        let _ = out.flush();
        drop(out);
        wait_for_stop_signal().await;
        let stats = region.stats();
        region.shutdown().await;
        for other in others {
            other.shutdown().await;
        }
        if let Some(ca_file) = &ca_file {
            let _ = std::fs::remove_file(ca_file);
        }
        println!("stopped: {stats:?}");
        Ok(())
    })
}

/// Ctrl-C, or (on Unix) SIGTERM: either stops the region cleanly.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn describe(mode: Mode) -> &'static str {
    match mode {
        Mode::Strong => "TLS 1.2/1.3, client certificate optional",
        Mode::ClientAuth => "TLS, client certificate required",
        Mode::Medium => "MEDIUM ciphers only: modern clients get handshake_failure",
        Mode::Plain => "HTTP without TLS",
    }
}

/// Writes the root CA to a new file in the temporary directory, for clients to trust.
/// The name carries the process ID and the file must not exist yet (no following of a link
/// someone else planted).
fn write_ca_file() -> Result<PathBuf, Error> {
    let path = std::env::temp_dir().join(format!(
        "cicsx-mock-cics-{}-root-ca.pem",
        std::process::id()
    ));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    file.write_all(fixtures::ROOT_CA_PEM.as_bytes())
        .map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cicsx_mock_cics::CertChoice;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_everything() {
        let Ok(Command::Run(c, endpoints)) = parse(args(
            "--port 1490 --mode client-auth --cert=expired --user a:b --user C:d:e --endpoints 7",
        )) else {
            panic!("should parse");
        };
        assert_eq!(c.mode, Mode::ClientAuth);
        assert_eq!(endpoints, 7);
        assert_eq!(c.cert, CertChoice::Expired);
        assert_eq!(c.bind.to_string(), "127.0.0.1:1490");
        assert_eq!(
            c.users,
            [("a".into(), "b".into()), ("C".into(), "d:e".into())]
        );
    }

    #[test]
    fn defaults_and_help() {
        let Ok(Command::Run(c, endpoints)) = parse(args("")) else {
            panic!()
        };
        assert_eq!(endpoints, 1);
        assert_eq!(c.mode, Mode::Strong);
        assert_eq!(c.users.len(), 2, "cicsuser, and cicsnoacc who gets 403");
        assert_eq!(c.forbidden_users, ["cicsnoacc"]);
        assert!(matches!(parse(args("--mode plain -h")), Ok(Command::Help)));
    }

    #[test]
    fn errors_never_echo_passwords() {
        for bad in [
            "--port",
            "--port 99999",
            "--mode weak",
            "--cert x",
            "--bogus",
            "--bind nowhere",
            "--endpoints 0",
            "--endpoints many",
        ] {
            assert!(parse(args(bad)).is_err(), "{bad}");
        }
        let e = parse(args("--user secretpass"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("USER:PASSWORD") && !e.contains("secretpass"),
            "{e}"
        );
    }
}
