//! `cargo xtask bench [e2e|s-time|all] [--runs N] [--quick] [--no-build]`: whole-process benchmarks of
//! cicsx against the peers a CICS user has (issue 7).
//!
//! - `e2e`: one `cicsx get CICSRegion` (TLS 1.3, client certificate, one CMCI GET) against a
//!   mock region in client-auth mode, beside curl, a JSSE client (`bench/CmciGet.java`, the
//!   runtime of IBM CICS Explorer), Node's https module (`bench/cmci-get.mjs`, the runtime of
//!   Zowe) and `openssl s_client`, all doing the same GET with the same CA and client
//!   certificate, timed in one `hyperfine` run. Every command is run once first and must print
//!   the region data, so a peer that fails cannot look fast.
//! - `s-time`: the mock region's own handshake rate under `openssl s_time` (full handshakes and
//!   resumption, TLS 1.3 and 1.2) beside `openssl s_server` with the same certificate and key.
//!
//! Reports go to `target/bench/e2e.md` and `target/bench/s-time.md`. The helpers (release build,
//! mock start-up, servers that are stopped when dropped, hyperfine with JSON export, ratio
//! tables) are `pub(crate)` so other benchmarks (a later `fanout`) can reuse them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The release binary of the CLI, relative to the workspace root.
pub(crate) const CICSX: &str = "target/release/cicsx";
/// The release binary of the mock region, relative to the workspace root.
pub(crate) const MOCK: &str = "target/release/cicsx-mock-cics";
/// Where benchmark files (reports, JSON, compiled peers, the temporary workspace) go.
pub(crate) const OUT_DIR: &str = "target/bench";
/// The pass phrase of the fixture PKCS#12 files (see `fixtures/README.md`).
const FIXTURE_PASSPHRASE: &str = "changeit";
/// The CMCI context the mock region answers for, and the path every peer asks for.
const CONTEXT: &str = "CICSPLEX1";
const REGION_PATH: &str = "/CICSSystemManagement/CICSRegion/CICSPLEX1";
/// What every peer's output must hold: the APPLIDs of the mock's three regions.
const REGION_MARKERS: [&str; 3] = ["IYK2ZAB1", "IYK2ZAB2", "IYK2ZAB3"];
/// How long a server may take to say it is listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a server may take to stop after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

const USAGE: &str = "\
usage: cargo xtask bench [e2e|s-time|fanout|all] [--runs N] [--jobs J] [--quick] [--no-build]

  e2e      cicsx get over TLS with a client certificate vs curl, Java (JSSE), Node, openssl
           s_client, in one hyperfine run (--warmup 5 --runs N, default 40)
  s-time   handshakes per second of the mock region vs openssl s_server (openssl s_time,
           TLS 1.3 and 1.2, full and resumed; 10 s each)
  fanout   one cicsx get across N = 10, 100, 1000 mock regions vs curl --parallel over
           the same URLs: wall time (median of 5 runs, or --runs) and peak memory
  all      all three (the default)
  --jobs J connections at once in fanout (default 32)
  --runs N hyperfine runs per command (at least 3)
  --quick  a smoke run: 10 runs, 2 warm-ups, s_time 2 s each
  --no-build  use the release binaries already in target/release";

/// Which benchmarks to run, and how long.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    e2e: bool,
    s_time: bool,
    fanout: bool,
    jobs: usize,
    fanout_runs: usize,
    warmup: u32,
    runs: u32,
    s_time_secs: u32,
    build: bool,
}

/// `cargo xtask bench ARGS...`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let Some(options) = parse_args(args)? else {
        println!("{USAGE}");
        return Ok(());
    };
    let root = crate::workspace_root();
    let out = root.join(OUT_DIR);
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    require_tools(&options)?;
    if options.build {
        build_release(&root, &["cicsx", "cicsx-mock-cics"])?;
    }
    for binary in [CICSX, MOCK] {
        if !root.join(binary).is_file() {
            return Err(format!("{binary} is missing: run without --no-build"));
        }
    }
    if options.e2e {
        let report = wrap_prose(&e2e(&root, &options)?, 96);
        println!("\n{report}");
        write_report(&out.join("e2e.md"), &report)?;
    }
    if options.s_time {
        let report = wrap_prose(&s_time(&root, &options)?, 96);
        println!("\n{report}");
        write_report(&out.join("s-time.md"), &report)?;
    }
    if options.fanout {
        let report = wrap_prose(
            &crate::bench_fanout::run(&root, options.fanout_runs, options.jobs)?,
            96,
        );
        println!("\n{report}");
        write_report(&out.join("fanout.md"), &report)?;
    }
    Ok(())
}

/// `None` for help.
fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut what = None;
    let mut runs = None;
    let mut quick = false;
    let mut build = true;
    let mut jobs = 32;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" | "help" => return Ok(None),
            "e2e" | "s-time" | "fanout" | "all" if what.is_none() => what = Some(arg.as_str()),
            "--jobs" => {
                let value = it
                    .next()
                    .ok_or_else(|| format!("--jobs needs a number\n{USAGE}"))?;
                jobs = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1024).contains(n))
                    .ok_or_else(|| {
                        format!("--jobs {value:?}: give a number from 1 to 1024\n{USAGE}")
                    })?;
            }
            "--quick" => quick = true,
            "--no-build" => build = false,
            "--runs" => {
                let value = it
                    .next()
                    .ok_or_else(|| format!("--runs needs a number\n{USAGE}"))?;
                let n: u32 = value
                    .parse()
                    .ok()
                    .filter(|n| (3..=100_000).contains(n))
                    .ok_or_else(|| format!("--runs {value:?}: give a number from 3\n{USAGE}"))?;
                runs = Some(n);
            }
            other => return Err(format!("unknown bench argument {other:?}\n{USAGE}")),
        }
    }
    let what = what.unwrap_or("all");
    Ok(Some(Options {
        e2e: what == "all" || what == "e2e",
        s_time: what == "all" || what == "s-time",
        fanout: what == "all" || what == "fanout",
        jobs,
        fanout_runs: runs.map_or(if quick { 2 } else { 5 }, |r| r as usize),
        warmup: if quick { 2 } else { 5 },
        runs: runs.unwrap_or(if quick { 10 } else { 40 }),
        s_time_secs: if quick { 2 } else { 10 },
        build,
    }))
}

/// Fails early, with the missing tool's name, when a peer is not installed.
fn require_tools(options: &Options) -> Result<(), String> {
    let mut tools = vec![("openssl", "version")];
    if options.e2e {
        tools.extend([
            ("hyperfine", "--version"),
            ("curl", "--version"),
            ("java", "-version"),
            ("javac", "-version"),
            ("node", "--version"),
        ]);
    }
    for (tool, flag) in tools {
        let ok = Command::new(tool)
            .arg(flag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!("`{tool} {flag}` failed: is {tool} installed?"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers for any whole-process benchmark
// ---------------------------------------------------------------------------------------------

/// `cargo build --release -p P...` in the workspace root.
pub(crate) fn build_release(root: &Path, packages: &[&str]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root).args(["build", "--release"]);
    for p in packages {
        command.args(["-p", p]);
    }
    eprintln!("bench: cargo build --release -p {}", packages.join(" -p "));
    let status = command
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build --release ended with {status}"))
    }
}

/// A server process started for a benchmark: stopped (SIGTERM, then SIGKILL) when dropped, so
/// no server outlives the benchmark, whichever way it ends.
#[derive(Debug)]
pub(crate) struct Server {
    name: String,
    child: Child,
    port: u16,
}

impl Server {
    /// The port it listens on, on 127.0.0.1.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Its process ID.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system, all threads) the process has used so far, from `/proc`.
    pub(crate) fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        proc_stat_cpu(&stat, clock_ticks_per_second())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // SIGTERM first: the mock region removes its CA file when it stops cleanly.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("bench: {} did not stop on SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` (stdin closed, stdout piped, stderr to `log`) and reads its stdout line by
/// line until `ready` returns a port. Its output after that is read and dropped on a thread, so
/// the server never blocks on a full pipe.
pub(crate) fn start_server(
    name: &str,
    mut command: Command,
    log: &Path,
    ready: fn(&str) -> Option<u16>,
) -> Result<Server, String> {
    let log_file =
        std::fs::File::create(log).map_err(|e| format!("creating {}: {e}", log.display()))?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("could not start {name}: {e}"))?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("{name}: no stdout"));
    };
    // From here on the guard stops the process on every path.
    let mut server = Server {
        name: name.to_owned(),
        child,
        port: 0,
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut sent = false;
        for line in lines.by_ref().map_while(Result::ok) {
            if !sent && let Some(port) = ready(&line) {
                sent = tx.send(port).is_ok();
            }
        }
    });
    match rx.recv_timeout(START_TIMEOUT) {
        Ok(port) => {
            server.port = port;
            Ok(server)
        }
        Err(_) => {
            let status = match server.child.try_wait() {
                Ok(Some(status)) => format!("ended with {status}"),
                _ => format!("did not report it was listening in {START_TIMEOUT:?}"),
            };
            Err(format!(
                "{name} {status}; see {} for its messages",
                log.display()
            ))
        }
    }
}

/// Starts the release mock region with `args` (e.g. `--mode client-auth`) on a free port.
pub(crate) fn start_mock(root: &Path, args: &[&str], log: &Path) -> Result<Server, String> {
    let mut command = Command::new(root.join(MOCK));
    command.current_dir(root).args(args);
    start_server(
        &format!("cicsx-mock-cics {}", args.join(" ")),
        command,
        log,
        mock_port,
    )
}

/// The port in the mock's `listening on 127.0.0.1:PORT` line.
fn mock_port(line: &str) -> Option<u16> {
    line.strip_prefix("listening on 127.0.0.1:")?
        .trim()
        .parse()
        .ok()
}

/// A port on 127.0.0.1 that was free a moment ago (for servers that cannot pick their own).
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// One benchmarked command: a name for tables and the shell command line (run by `sh -c`, from
/// the workspace root).
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    pub(crate) name: String,
    pub(crate) command: String,
}

impl Peer {
    pub(crate) fn new(name: &str, command: String) -> Self {
        Peer {
            name: name.to_owned(),
            command,
        }
    }
}

/// Runs `peer` once through `sh -c` (as hyperfine will) and fails with its output when it does
/// not succeed or its standard output lacks one of `needles`.
pub(crate) fn check_output(
    root: &Path,
    peer: &Peer,
    env: &[(&str, &str)],
    needles: &[&str],
) -> Result<(), String> {
    let output = Command::new("sh")
        .current_dir(root)
        .args(["-c", &peer.command])
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run sh for {}: {e}", peer.name))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let missing: Vec<&str> = needles
        .iter()
        .copied()
        .filter(|n| !stdout.contains(n))
        .collect();
    if output.status.success() && missing.is_empty() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(format!(
        "{} does not do the job, so timing it would mean nothing.\n  command: {}\n  \
         exit: {}\n  missing from its output: {}\n  stdout (start): {}\n  stderr (start): {}",
        peer.name,
        peer.command,
        output.status,
        if missing.is_empty() {
            "nothing".to_owned()
        } else {
            missing.join(", ")
        },
        head(&stdout, 600),
        head(&stderr, 600),
    ))
}

fn head(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].trim()
}

/// How hyperfine is run.
#[derive(Debug, Clone)]
pub(crate) struct HyperfineRun {
    pub(crate) warmup: u32,
    pub(crate) runs: u32,
    /// Where hyperfine writes its `--export-json`.
    pub(crate) json: PathBuf,
}

/// One command's figures from hyperfine, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    pub(crate) name: String,
    pub(crate) median: f64,
    pub(crate) mean: f64,
    pub(crate) stddev: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    /// User + system CPU time of the mean run (hyperfine's `user` + `system`).
    pub(crate) cpu: f64,
}

/// The hyperfine command line for `peers` (default shell `sh`, which hyperfine calibrates and
/// subtracts), printable as it is run.
pub(crate) fn hyperfine_args(peers: &[Peer], run: &HyperfineRun) -> Vec<String> {
    let mut args = vec![
        "--shell".to_owned(),
        "sh".to_owned(),
        "--warmup".to_owned(),
        run.warmup.to_string(),
        "--runs".to_owned(),
        run.runs.to_string(),
        "--export-json".to_owned(),
        run.json.display().to_string(),
    ];
    for peer in peers {
        args.extend(["-n".to_owned(), peer.name.clone(), peer.command.clone()]);
    }
    args
}

/// Runs every peer in one hyperfine run, from the workspace root with `env` added, and reads
/// the figures back from the JSON export (in the order of `peers`).
pub(crate) fn hyperfine(
    root: &Path,
    peers: &[Peer],
    run: &HyperfineRun,
    env: &[(&str, &str)],
) -> Result<Vec<Measured>, String> {
    let status = Command::new("hyperfine")
        .current_dir(root)
        .args(hyperfine_args(peers, run))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run hyperfine: {e}"))?;
    if !status.success() {
        return Err(format!("hyperfine ended with {status}"));
    }
    let path = root.join(&run.json);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let measured = parse_hyperfine_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if measured.len() != peers.len() {
        return Err(format!(
            "{}: {} results for {} commands",
            path.display(),
            measured.len(),
            peers.len()
        ));
    }
    Ok(measured)
}

/// The results of hyperfine's `--export-json`.
pub(crate) fn parse_hyperfine_json(text: &str) -> Result<Vec<Measured>, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let results = json
        .get("results")
        .and_then(Value::as_array)
        .ok_or("no \"results\" array")?;
    results
        .iter()
        .map(|r| {
            let num = |key: &str| {
                r.get(key)
                    .and_then(Value::as_f64)
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| format!("a result without a valid {key:?}"))
            };
            // hyperfine may report a slightly negative time after subtracting the shell.
            let time = |key: &str| {
                r.get(key)
                    .and_then(Value::as_f64)
                    .filter(|v| v.is_finite())
                    .map(|v| v.max(0.0))
                    .ok_or_else(|| format!("a result without a valid {key:?}"))
            };
            Ok(Measured {
                name: r
                    .get("command")
                    .and_then(Value::as_str)
                    .ok_or("a result without a command")?
                    .to_owned(),
                median: time("median")?,
                mean: time("mean")?,
                stddev: num("stddev").unwrap_or(0.0),
                min: time("min")?,
                max: time("max")?,
                cpu: time("user")? + time("system")?,
            })
        })
        .collect()
}

/// A Markdown table of `results` with each peer's median as a ratio to `subject`'s
/// (`subject / peer`: below 1 means the subject is faster).
pub(crate) fn ratio_table(results: &[Measured], subject: usize) -> Result<String, String> {
    let s = results.get(subject).ok_or("no such subject")?;
    let mut t = format!(
        "| command | median ms | mean ± σ ms | min … max ms | CPU ms (user+sys) | {} / command |\n\
         |---|---:|---:|---:|---:|---:|\n",
        s.name
    );
    for r in results {
        let ratio = if r.median > 0.0 {
            format!("{:.3}", s.median / r.median)
        } else {
            "n/a".to_owned()
        };
        let bold = if std::ptr::eq(r, s) { "" } else { "**" };
        let _ = writeln!(
            t,
            "| {} | {:.1} | {:.1} ± {:.1} | {:.1} … {:.1} | {:.1} | {bold}{ratio}{bold} |",
            r.name,
            r.median * 1e3,
            r.mean * 1e3,
            r.stddev * 1e3,
            r.min * 1e3,
            r.max * 1e3,
            r.cpu * 1e3,
        );
    }
    Ok(t)
}

/// A line describing the machine: CPU, cores, memory, OS, kernel, load average now.
pub(crate) fn machine_line() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or_else(
            || "?".to_owned(),
            |kb| format!("{:.0}", kb / 1024.0 / 1024.0),
        );
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|o| {
            o.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| "unknown OS".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "?".to_owned(), |k| k.trim().to_owned());
    format!(
        "{cores} cores (`{model}`), {mem_gib} GiB, {os}, Linux {kernel}; load average {}",
        load_average()
    )
}

/// The 1-, 5- and 15-minute load averages, as `uptime` shows them.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|| "?".to_owned())
}

/// The first `words` words of the first line `program args` prints (stdout, else stderr), for
/// a versions line.
pub(crate) fn tool_version(program: &str, args: &[&str], words: usize) -> String {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()
        .and_then(|o| {
            let out = String::from_utf8_lossy(&o.stdout).into_owned();
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            [out, err]
                .into_iter()
                .find_map(|t| {
                    t.lines().next().map(|l| {
                        l.split_whitespace()
                            .take(words)
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                })
                .filter(|l| !l.is_empty())
        })
        .unwrap_or_else(|| format!("{program}: ?"))
}

/// Re-wraps the prose paragraphs of a Markdown report to `width` columns; headings, tables,
/// indented code and list items stay as they are.
pub(crate) fn wrap_prose(markdown: &str, width: usize) -> String {
    let mut out = Vec::new();
    for block in markdown.split("\n\n") {
        let verbatim = block.lines().any(|l| {
            l.starts_with('|') || l.starts_with("    ") || l.starts_with('#') || l.starts_with("- ")
        });
        if verbatim || block.trim().is_empty() {
            out.push(block.to_owned());
            continue;
        }
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in block.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        out.push(lines.join("\n"));
    }
    out.join("\n\n")
}

/// Writes a report file, creating its directory.
pub(crate) fn write_report(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}

/// Runs `program args` from `root` and fails with its output when it fails.
fn run_checked(
    root: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<String, String> {
    let output = Command::new(program)
        .current_dir(root)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "`{program} {}` ended with {}:\n{}\n{}",
            args.join(" "),
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// e2e
// ---------------------------------------------------------------------------------------------

fn e2e(root: &Path, options: &Options) -> Result<String, String> {
    let out = root.join(OUT_DIR);
    let machine_before = machine_line();
    let mock = start_mock(root, &["--mode", "client-auth"], &out.join("e2e-mock.log"))?;
    let port = mock.port();
    let url = format!("https://127.0.0.1:{port}{REGION_PATH}");
    eprintln!("bench: mock region (client-auth, ECDSA certificate) on 127.0.0.1:{port}");

    // A fresh cicsx workspace, set up the way a user would with the CLI.
    let workspace_rel = format!("{OUT_DIR}/e2e-workspace");
    let workspace = root.join(&workspace_rel);
    if workspace.exists() {
        std::fs::remove_dir_all(&workspace)
            .map_err(|e| format!("removing {}: {e}", workspace.display()))?;
    }
    std::fs::create_dir_all(&workspace)
        .map_err(|e| format!("creating {}: {e}", workspace.display()))?;
    let env = [
        ("CICSX_WORKSPACE", workspace_rel.as_str()),
        ("CICSX_KEYSTORE_PASSWORD", FIXTURE_PASSPHRASE),
        ("CICSX_CLIENT_CERT_PASSWORD", FIXTURE_PASSPHRASE),
    ];
    let client_p12 = root.join("fixtures/client/ecdsa.p12");
    let client_p12 = client_p12.to_string_lossy();
    let port_text = port.to_string();
    let setup: [&[&str]; 3] = [
        &["keystore", "create"],
        &[
            "keystore",
            "trust",
            "--alias",
            "cicsx-test-root",
            "fixtures/ca/root.pem",
        ],
        &[
            "connection",
            "add",
            "bench",
            "--host",
            "127.0.0.1",
            "--port",
            &port_text,
            "--secure",
            "--client-cert",
            &client_p12,
            "--context",
            CONTEXT,
        ],
    ];
    for args in setup {
        run_checked(root, CICSX, args, &env)?;
    }

    // The Java peer, compiled now.
    let java_dir = format!("{OUT_DIR}/java");
    run_checked(
        root,
        "javac",
        &["-d", &java_dir, "xtask/bench/CmciGet.java"],
        &[],
    )?;
    // openssl s_client reads the request from stdin: a file redirected by the shell, which
    // costs no extra process (every command runs through the same `sh -c`).
    let request_rel = format!("{OUT_DIR}/e2e-request.http");
    std::fs::write(
        root.join(&request_rel),
        format!(
            "GET {REGION_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/xml\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .map_err(|e| format!("writing {request_rel}: {e}"))?;

    let ca = "fixtures/ca/root.pem";
    let cert = "fixtures/client/ecdsa.pem";
    let key = "fixtures/client/ecdsa.key.pem";
    let peers = [
        Peer::new("cicsx", format!("{CICSX} get CICSRegion -c bench")),
        Peer::new(
            "curl",
            format!("curl -sS --fail --cacert {ca} --cert {cert} --key {key} {url}"),
        ),
        Peer::new(
            "Java (JSSE)",
            format!(
                "java -cp {java_dir} CmciGet {url} fixtures/client/ecdsa.p12 \
                 fixtures/ca/truststore.p12 {FIXTURE_PASSPHRASE}"
            ),
        ),
        Peer::new(
            "Node (https)",
            format!("node xtask/bench/cmci-get.mjs {url} {ca} {cert} {key}"),
        ),
        Peer::new(
            "openssl s_client",
            format!(
                "openssl s_client -connect 127.0.0.1:{port} -CAfile {ca} -cert {cert} \
                 -key {key} -verify_return_error -verify_ip 127.0.0.1 -quiet < {request_rel}"
            ),
        ),
    ];
    for peer in &peers {
        let mut needles: Vec<&str> = REGION_MARKERS.to_vec();
        if peer.name == "openssl s_client" {
            needles.push("HTTP/1.1 200");
        }
        check_output(root, peer, &env, &needles)?;
        eprintln!("bench: {} returns the region data", peer.name);
    }

    let run = HyperfineRun {
        warmup: options.warmup,
        runs: options.runs,
        json: PathBuf::from(format!("{OUT_DIR}/e2e.json")),
    };
    let measured = hyperfine(root, &peers, &run, &env)?;
    let machine_after = load_average();
    drop(mock);

    let mut report = String::from("## End to end\n\n");
    let _ = writeln!(
        report,
        "One CMCI GET of `{REGION_PATH}` over TLS to the mock region \
         (`{MOCK} --mode client-auth`: ECDSA P-256 server certificate, a client certificate \
         from the test CA required), signing on with the client certificate alone, by each \
         client as a whole process: start, read keys and trust, connect, handshake, request, \
         print, exit.\n"
    );
    let _ = writeln!(
        report,
        "**Machine:** {machine_before} at the start, {machine_after} at the end. \
         {}, {}, {}, {}, {}, {}.\n",
        tool_version("rustc", &["--version"], 2),
        tool_version("openssl", &["version"], 2),
        tool_version("curl", &["--version"], 2),
        tool_version("java", &["-version"], 3),
        format_args!("Node {}", tool_version("node", &["--version"], 1)),
        tool_version("hyperfine", &["--version"], 2),
    );
    let _ = writeln!(
        report,
        "`cargo xtask bench e2e` (one hyperfine run, `--warmup {} --runs {}`), medians:\n",
        run.warmup, run.runs
    );
    report.push_str(&ratio_table(&measured, 0)?);
    report.push('\n');
    let by_name: BTreeMap<&str, &Measured> =
        measured.iter().map(|m| (m.name.as_str(), m)).collect();
    let ratio = |peer: &str| {
        by_name
            .get(peer)
            .filter(|p| p.median > 0.0)
            .map(|p| measured[0].median / p.median)
    };
    let verdict = |r: Option<f64>, target: f64| match r {
        Some(r) if r <= target => format!("{r:.2}x, met"),
        Some(r) => format!("{r:.2}x, **not met**"),
        None => "n/a".to_owned(),
    };
    let _ = writeln!(
        report,
        "Targets (issue 7): cicsx ≤ 1.0x curl: {}; cicsx ≤ 0.2x Java: {}.\n",
        verdict(ratio("curl"), 1.0),
        verdict(ratio("Java (JSSE)"), 0.2),
    );
    let _ = writeln!(
        report,
        "A ratio below 1 means cicsx is faster. Before timing, each command was run once and \
         had to print the three regions' APPLIDs (and s_client `HTTP/1.1 200`). Every command \
         runs through the same `sh -c`; hyperfine measures the shell's own start-up and \
         subtracts it, so the figures are the clients' (this is what lets s_client read the \
         request from a file with `<`, as hyperfine 1.15 has no `--input`). s_client's request \
         says `Connection: close` so the region ends the connection after its reply; the other \
         clients exit once they have read the body.\n"
    );
    report.push_str("Commands (from the repository root):\n\n");
    let _ = writeln!(
        report,
        "    cargo build --release -p cicsx -p cicsx-mock-cics\n    \
         {MOCK} --mode client-auth     # prints: listening on 127.0.0.1:PORT\n    \
         export CICSX_WORKSPACE={workspace_rel} CICSX_KEYSTORE_PASSWORD=changeit \
         CICSX_CLIENT_CERT_PASSWORD=changeit\n    \
         {CICSX} keystore create\n    \
         {CICSX} keystore trust --alias cicsx-test-root fixtures/ca/root.pem\n    \
         {CICSX} connection add bench --host 127.0.0.1 --port PORT --secure \\\n      \
         --client-cert $PWD/fixtures/client/ecdsa.p12 --context {CONTEXT}\n    \
         javac -d {java_dir} xtask/bench/CmciGet.java\n    \
         printf 'GET {REGION_PATH} HTTP/1.1\\r\\nHost: 127.0.0.1:PORT\\r\\nAccept: \
         application/xml\\r\\nConnection: close\\r\\n\\r\\n' > {request_rel}"
    );
    let _ = writeln!(
        report,
        "    {}\n",
        shell_lines("hyperfine", &hyperfine_args(&peers, &run), &port_text)
    );
    Ok(report)
}

/// `program args...` as a shell command, with options and their values on one line, each
/// `-n NAME COMMAND` on a line of its own, and `port` shown as `PORT`.
fn shell_lines(program: &str, args: &[String], port: &str) -> String {
    let mut lines = vec![program.to_owned()];
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        let quoted = |a: &String| shell_quote(&a.replace(port, "PORT"));
        if arg == "-n" {
            let name = it.next().map(quoted).unwrap_or_default();
            let command = it.next().map(quoted).unwrap_or_default();
            lines.push(format!("-n {name} {command}"));
        } else if let Some(last) = lines.last_mut() {
            last.push(' ');
            last.push_str(&quoted(arg));
        }
    }
    lines.join(" \\\n      ")
}

/// Quotes `s` for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

// ---------------------------------------------------------------------------------------------
// s-time
// ---------------------------------------------------------------------------------------------

/// What one `openssl s_time` run gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct STime {
    /// Connections made.
    pub(crate) connections: u64,
    /// Seconds s_time reports (whole seconds, from `time()`).
    pub(crate) real_seconds: u64,
    /// Connections s_time marked as resumed (`r`) and as full handshakes (`*`).
    pub(crate) resumed: u64,
    pub(crate) full: u64,
}

/// Reads `N connections in T real seconds` and the progress marks from s_time's output.
pub(crate) fn parse_s_time(output: &str) -> Option<STime> {
    let mut result = None;
    let (mut resumed, mut full) = (0, 0);
    for line in output.lines() {
        let line = line.trim();
        if !line.is_empty() && line.chars().all(|c| c == 'r' || c == '*') {
            resumed += line.chars().filter(|&c| c == 'r').count() as u64;
            full += line.chars().filter(|&c| c == '*').count() as u64;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [n, "connections", "in", t, "real", "seconds,", ..] = words.as_slice()
            && let (Ok(n), Ok(t)) = (n.parse(), t.parse())
        {
            result = Some((n, t));
        }
    }
    result.map(|(connections, real_seconds)| STime {
        connections,
        real_seconds,
        resumed,
        full,
    })
}

/// User + system CPU time from the text of `/proc/PID/stat` (fields 14 and 15, after the
/// parenthesised command name, which may itself hold spaces and parentheses).
fn proc_stat_cpu(stat: &str, ticks_per_second: u64) -> Option<Duration> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    if ticks_per_second == 0 {
        return None;
    }
    Some(Duration::from_secs_f64(
        (utime + stime) as f64 / ticks_per_second as f64,
    ))
}

fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100)
}

/// One measured cell of the s-time table.
#[derive(Debug, Clone, Copy)]
struct Rate {
    stime: STime,
    wall: Duration,
    /// Server CPU time during the run, when `/proc` could tell.
    server_cpu: Option<Duration>,
}

impl Rate {
    fn per_second(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            self.stime.connections as f64 / secs
        } else {
            0.0
        }
    }

    /// Server CPU microseconds per connection.
    fn server_us(&self) -> Option<f64> {
        let cpu = self.server_cpu?;
        (self.stime.connections > 0)
            .then(|| cpu.as_secs_f64() * 1e6 / self.stime.connections as f64)
    }
}

fn s_time_args(port: u16, protocol: &str, handshakes: &str, secs: u32) -> Vec<String> {
    vec![
        "s_time".to_owned(),
        "-connect".to_owned(),
        format!("127.0.0.1:{port}"),
        handshakes.to_owned(),
        "-time".to_owned(),
        secs.to_string(),
        protocol.to_owned(),
    ]
}

/// Runs `openssl s_time` against `server` and measures the wall time and the server's CPU.
fn measure_s_time(
    root: &Path,
    server: &Server,
    protocol: &str,
    handshakes: &str,
    secs: u32,
) -> Result<Rate, String> {
    let args = s_time_args(server.port(), protocol, handshakes, secs);
    let cpu_before = server.cpu_time();
    let start = Instant::now();
    let mut child = Command::new("openssl")
        .current_dir(root)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run openssl s_time: {e}"))?;
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for openssl s_time: {e}"))?;
    let wall = start.elapsed();
    let server_cpu = match (cpu_before, server.cpu_time()) {
        (Some(a), Some(b)) => b.checked_sub(a),
        _ => None,
    };
    let stime = parse_s_time(&stdout)
        .filter(|s| s.connections > 0)
        .ok_or_else(|| {
            format!(
                "`openssl {}` against {} made no connections ({status}):\n{}\n{}",
                args.join(" "),
                server.name,
                head(&stdout, 600),
                head(&stderr, 600)
            )
        })?;
    eprintln!(
        "bench:   {}: {} connections in {:.2} s (s_time says {} s)",
        server.name,
        stime.connections,
        wall.as_secs_f64(),
        stime.real_seconds
    );
    Ok(Rate {
        stime,
        wall,
        server_cpu,
    })
}

fn s_time(root: &Path, options: &Options) -> Result<String, String> {
    let out = root.join(OUT_DIR);
    let machine_before = machine_line();
    let mock = start_mock(root, &["--mode", "strong"], &out.join("s-time-mock.log"))?;
    let s_server_port = free_port()?;
    let s_server_args: Vec<String> = [
        "s_server",
        "-accept",
        &format!("127.0.0.1:{s_server_port}"),
        "-cert",
        "fixtures/server/ecdsa.pem",
        "-key",
        "fixtures/server/ecdsa.key.pem",
        "-cert_chain",
        "fixtures/ca/intermediate.pem",
        "-verify",
        "1",
        "-CAfile",
        "fixtures/ca/root.pem",
        "-www",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut command = Command::new("openssl");
    command.current_dir(root).args(&s_server_args);
    // s_server prints ACCEPT once it listens; the port is the one it was given.
    let s_server = start_server(
        "openssl s_server",
        command,
        &out.join("s-time-s_server.log"),
        |line| (line.trim() == "ACCEPT").then_some(0),
    )
    .map(|mut s| {
        s.port = s_server_port;
        s
    })?;
    eprintln!(
        "bench: mock region (strong) on 127.0.0.1:{}, openssl s_server on 127.0.0.1:{}",
        mock.port(),
        s_server.port()
    );

    let mut rows = Vec::new();
    for protocol in ["-tls1_3", "-tls1_2"] {
        for handshakes in ["-new", "-reuse"] {
            // The two servers one after the other, so drift in the machine's load hits both.
            eprintln!(
                "bench: openssl s_time {protocol} {handshakes} -time {}",
                options.s_time_secs
            );
            let m = measure_s_time(root, &mock, protocol, handshakes, options.s_time_secs)?;
            let s = measure_s_time(root, &s_server, protocol, handshakes, options.s_time_secs)?;
            rows.push((protocol, handshakes, m, s));
        }
    }
    let machine_after = load_average();
    drop(mock);
    drop(s_server);

    let mut report = String::from("## Mock region handshake rate\n\n");
    let _ = writeln!(
        report,
        "How many TLS handshakes a second the mock region (`{MOCK} --mode strong`: rustls \
         with aws-lc-rs on a multi-thread tokio runtime, ECDSA P-256 certificate, client \
         certificate requested but optional) completes for `openssl s_time`, beside `openssl \
         s_server` with the same certificate, chain and key, also requesting an optional client \
         certificate. s_time is a single-threaded client making one connection at a time, \
         without `-www`: it does the handshake and closes, with no HTTP request, so both \
         servers do handshakes only (s_server runs with `-www`, which then changes nothing). \
         s_server is single-threaded; client and server share the machine's cores.\n"
    );
    let _ = writeln!(
        report,
        "**Machine:** {machine_before} at the start, {machine_after} at the end. {}.\n",
        tool_version("openssl", &["version"], 2),
    );
    let _ = writeln!(
        report,
        "`cargo xtask bench s-time` (`-time {}` each; connections/s = s_time's connection \
         count over the measured wall time of the s_time process; server CPU from \
         `/proc/PID/stat`, all threads):\n",
        options.s_time_secs
    );
    report.push_str(
        "| protocol | handshakes | mock conn/s | s_server conn/s | **mock / s_server** | \
         mock CPU µs/conn | s_server CPU µs/conn | resumed (mock, s_server) |\n\
         |---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for (protocol, handshakes, m, s) in &rows {
        let ratio = if s.per_second() > 0.0 {
            format!("{:.2}", m.per_second() / s.per_second())
        } else {
            "n/a".to_owned()
        };
        let us = |r: &Rate| r.server_us().map_or("?".to_owned(), |v| format!("{v:.0}"));
        let resumed = |r: &Rate| {
            if *handshakes == "-new" {
                "full".to_owned()
            } else {
                format!("{} of {}", r.stime.resumed, r.stime.resumed + r.stime.full)
            }
        };
        let _ = writeln!(
            report,
            "| {} | {} | {:.0} | {:.0} | **{ratio}** | {} | {} | {}, {} |",
            if *protocol == "-tls1_3" {
                "TLS 1.3"
            } else {
                "TLS 1.2"
            },
            if *handshakes == "-new" {
                "full (`-new`)"
            } else {
                "resumed (`-reuse`)"
            },
            m.per_second(),
            s.per_second(),
            us(m),
            us(s),
            resumed(m),
            resumed(s),
        );
    }
    report.push('\n');
    report.push_str(
        "A ratio above 1 means the mock completes more handshakes a second. \"resumed\" counts \
         the connections s_time marked `r` (resumed) against all it made: in TLS 1.3 the \
         session ticket arrives after the handshake and s_time without `-www` closes before \
         reading it, so `-reuse` there makes full handshakes too.\n\n",
    );
    report.push_str("Commands (from the repository root):\n\n");
    let _ = writeln!(
        report,
        "    {MOCK} --mode strong      # prints: listening on 127.0.0.1:PORT\n    \
         openssl {}",
        s_server_args
            .iter()
            .map(|a| shell_quote(&a.replace(&s_server_port.to_string(), "PORT2")))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        report,
        "    # for P in PORT PORT2, V in -tls1_3 -tls1_2, H in -new -reuse:\n    \
         openssl s_time -connect 127.0.0.1:$P $H -time {} $V\n",
        options.s_time_secs
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments() {
        let all = parse_args(&args("")).ok().flatten();
        assert_eq!(
            all,
            Some(Options {
                e2e: true,
                s_time: true,
                fanout: true,
                jobs: 32,
                fanout_runs: 5,
                warmup: 5,
                runs: 40,
                s_time_secs: 10,
                build: true,
            })
        );
        let quick = parse_args(&args("e2e --quick")).ok().flatten();
        assert!(
            quick
                .as_ref()
                .is_some_and(|o| o.e2e && !o.s_time && o.runs == 10)
        );
        let runs = parse_args(&args("s-time --runs 7 --no-build"))
            .ok()
            .flatten();
        assert!(runs.is_some_and(|o| !o.e2e
            && o.s_time
            && o.runs == 7
            && o.warmup == 5
            && !o.build));
        let fanout = parse_args(&args("fanout --jobs 64 --runs 3"))
            .ok()
            .flatten();
        assert!(fanout.is_some_and(|o| o.fanout
            && !o.e2e
            && !o.s_time
            && o.jobs == 64
            && o.fanout_runs == 3));
        assert!(matches!(parse_args(&args("--help")), Ok(None)));
        for bad in [
            "--runs",
            "--runs 2",
            "--runs x",
            "fanout e2e",
            "--jobs 0",
            "--jobs",
            "e2e s-time",
            "--quik",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn mock_port_line() {
        assert_eq!(mock_port("listening on 127.0.0.1:39305"), Some(39305));
        assert_eq!(mock_port("listening on 127.0.0.1:"), None);
        assert_eq!(mock_port("mode: strong"), None);
        assert_eq!(mock_port("listening on [::1]:443"), None);
    }

    const HYPERFINE: &str = r#"{"results":[
        {"command":"cicsx","mean":0.0105,"stddev":0.001,"median":0.010,"user":0.006,
         "system":0.002,"min":0.009,"max":0.02,"times":[0.01]},
        {"command":"curl","mean":0.0081,"stddev":null,"median":0.008,"user":0.005,
         "system":-0.0001,"min":-0.0002,"max":0.01,"times":[0.008]}]}"#;

    #[test]
    fn hyperfine_json() {
        let m = parse_hyperfine_json(HYPERFINE).unwrap_or_default();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].name, "cicsx");
        assert!((m[0].median - 0.010).abs() < 1e-12);
        assert!((m[0].cpu - 0.008).abs() < 1e-12);
        // No stddev (one run) is 0; negative times after the shell correction are 0.
        assert_eq!(m[1].stddev, 0.0);
        assert_eq!(m[1].min, 0.0);
        assert!(parse_hyperfine_json("{}").is_err());
        assert!(parse_hyperfine_json("not json").is_err());
        assert!(parse_hyperfine_json(r#"{"results":[{"command":"x"}]}"#).is_err());
    }

    #[test]
    fn table_of_ratios() {
        let m = parse_hyperfine_json(HYPERFINE).unwrap_or_default();
        let t = ratio_table(&m, 0).unwrap_or_default();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[0].contains("cicsx / command"), "{t}");
        assert!(
            lines[2].starts_with("| cicsx | 10.0 |") && lines[2].ends_with("| 1.000 |"),
            "{t}"
        );
        // 10 ms against 8 ms: cicsx takes 1.25 times as long.
        assert!(
            lines[3].starts_with("| curl | 8.0 |") && lines[3].ends_with("| **1.250** |"),
            "{t}"
        );
        assert!(ratio_table(&m, 5).is_err());
    }

    #[test]
    fn s_time_output() {
        let out = "\n\nNow timing with session id reuse.\nstarting\nrrrr*rr\nrr\n\n\
                   9 connections in 0.81s; 24112.35 connections/user sec, bytes read 0\n\
                   9 connections in 11 real seconds, 0 bytes read per connection\n";
        assert_eq!(
            parse_s_time(out),
            Some(STime {
                connections: 9,
                real_seconds: 11,
                resumed: 8,
                full: 1
            })
        );
        let new = "Collecting connection statistics for 2 seconds\n***\n\n\
                   3 connections in 3 real seconds, 0 bytes read per connection\n";
        assert_eq!(
            parse_s_time(new).map(|s| (s.connections, s.resumed, s.full)),
            Some((3, 0, 3))
        );
        assert_eq!(parse_s_time("connect: Connection refused\n"), None);
    }

    #[test]
    fn proc_stat() {
        let stat = "4242 (cicsx mock) (x) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 \
                    5 0 100 1000 200 18446744073709551615";
        assert_eq!(proc_stat_cpu(stat, 100), Some(Duration::from_secs(3)));
        assert_eq!(proc_stat_cpu("garbage", 100), None);
        assert_eq!(proc_stat_cpu(stat, 0), None);
    }

    #[test]
    fn hyperfine_command_shown() {
        let peers = [
            Peer::new("cicsx", "target/release/cicsx get X".to_owned()),
            Peer::new("curl x", "curl https://127.0.0.1:4433/".to_owned()),
        ];
        let run = HyperfineRun {
            warmup: 5,
            runs: 40,
            json: PathBuf::from("target/bench/e2e.json"),
        };
        let args = hyperfine_args(&peers, &run);
        assert_eq!(&args[..2], ["--shell", "sh"]);
        assert_eq!(args.iter().filter(|a| *a == "-n").count(), 2);
        assert_eq!(
            shell_lines("hyperfine", &args, "4433"),
            "hyperfine --shell sh --warmup 5 --runs 40 --export-json target/bench/e2e.json \\\n      \
             -n cicsx 'target/release/cicsx get X' \\\n      \
             -n 'curl x' 'curl https://127.0.0.1:PORT/'"
        );
    }

    #[test]
    fn prose_is_wrapped_and_the_rest_kept() {
        let long = "word ".repeat(30);
        let md =
            format!("## Title of a section\n\n{long}\n\n| a | b |\n|---|---|\n\n    code {long}\n");
        let wrapped = wrap_prose(&md, 40);
        let blocks: Vec<&str> = wrapped.split("\n\n").collect();
        assert_eq!(blocks.len(), 4, "{wrapped}");
        assert_eq!(blocks[0], "## Title of a section");
        assert!(blocks[1].lines().all(|l| l.len() <= 40), "{wrapped}");
        assert_eq!(blocks[1].split_whitespace().count(), 30);
        assert_eq!(blocks[2], "| a | b |\n|---|---|");
        assert!(blocks[3].starts_with("    code word"), "{wrapped}");
        assert_eq!(blocks[3].lines().count(), 1);
    }

    #[test]
    fn quoting() {
        assert_eq!(
            shell_quote("target/bench/e2e.json"),
            "target/bench/e2e.json"
        );
        assert_eq!(shell_quote("Java (JSSE)"), "'Java (JSSE)'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn servers_are_stopped_when_dropped() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'listening on 127.0.0.1:4321'; exec sleep 60"]);
        let server = start_server("sleeper", command, &dir.join("log"), mock_port);
        let Ok(server) = server else {
            panic!("{server:?}");
        };
        assert_eq!(server.port(), 4321);
        let proc_dir = PathBuf::from(format!("/proc/{}", server.pid()));
        assert!(proc_dir.exists());
        assert!(server.cpu_time().is_some());
        drop(server);
        assert!(!proc_dir.exists(), "the server outlived its guard");

        // A server that never says it listens is reported, and stopped.
        let mut command = Command::new("sh");
        command.args(["-c", "echo starting; exit 3"]);
        let err = start_server("quitter", command, &dir.join("log"), mock_port)
            .err()
            .unwrap_or_default();
        assert!(err.contains("quitter") && err.contains("log"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
