//! `cargo xtask bench fanout`: one `cicsx get` across N connections (N mock regions, each on
//! its own port), for N = 10, 100, 1000: wall time and peak memory (GNU time), beside curl
//! fetching the same N URLs in one process with the same concurrency (`curl --parallel`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::bench::{CICSX, MOCK, OUT_DIR, load_average, machine_line};

const SIZES: [usize; 3] = [10, 100, 1000];
const CONTEXT: &str = "CICSPLEX1";
const REGION_PATH: &str = "/CICSSystemManagement/CICSRegion/CICSPLEX1";

/// The mock regions' process, stopped when dropped.
struct Regions {
    child: Child,
    ports: Vec<u16>,
}

impl Drop for Regions {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_regions(root: &Path, n: usize, out: &Path) -> Result<Regions, String> {
    let listing = out.join("fanout-ports.txt");
    let file = std::fs::File::create(&listing).map_err(|e| e.to_string())?;
    let child = Command::new(root.join(MOCK))
        .args(["--endpoints", &n.to_string()])
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start the mock regions: {e}"))?;
    let mut regions = Regions {
        child,
        ports: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(&listing).unwrap_or_default();
        let ports: Vec<u16> = text
            .lines()
            .filter_map(|l| l.strip_prefix("listening on 127.0.0.1:"))
            .filter_map(|p| p.trim().parse().ok())
            .collect();
        // The last line comes after every "listening on" line.
        if ports.len() == n && text.contains("Ctrl-C") {
            regions.ports = ports;
            return Ok(regions);
        }
        if Instant::now() > deadline || matches!(regions.child.try_wait(), Ok(Some(_))) {
            return Err(format!(
                "the mock regions did not all start ({} of {n}); see {}",
                ports.len(),
                listing.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `program args` under GNU time; returns (wall seconds, peak resident KiB) and fails if
/// the program failed or its output lacks `marker`.
fn timed(
    root: &Path,
    program: &str,
    args: &[String],
    env: &[(&str, String)],
    marker: &str,
) -> Result<(f64, u64), String> {
    let output = Command::new("/usr/bin/time")
        .current_dir(root)
        .args(["-f", "TIME %e %M"])
        .arg(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run /usr/bin/time (apt-get install time): {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || !stdout.contains(marker) {
        return Err(format!(
            "`{program}` failed or printed no {marker}: {}\n{}",
            output.status,
            stderr.lines().rev().take(5).collect::<Vec<_>>().join("\n")
        ));
    }
    let line = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("TIME "))
        .ok_or("no timing line from /usr/bin/time")?;
    let mut parts = line.split_whitespace();
    let wall = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("bad time")?;
    let peak = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("bad peak")?;
    Ok((wall, peak))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Workspace set-up: trust the fixture CA and import N connections, then one untimed run so
/// that every connection's TLS setting is confirmed (a one-off write).
fn workspace(root: &Path, out: &Path, ports: &[u16]) -> Result<PathBuf, String> {
    let ws = out.join("fanout-workspace");
    if ws.exists() {
        std::fs::remove_dir_all(&ws).map_err(|e| e.to_string())?;
    }
    let cicsx = root.join(CICSX);
    let ws_arg = ws.display().to_string();
    let run = |args: &[&str]| -> Result<(), String> {
        let status = Command::new(&cicsx)
            .current_dir(root)
            .arg("--workspace")
            .arg(&ws_arg)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("cicsx {} failed", args.join(" ")))
        }
    };
    run(&[
        "keystore",
        "trust",
        "--alias",
        "fixture-root",
        "fixtures/ca/root.pem",
    ])?;
    let mut toml = String::from("version = 1\n");
    for (i, port) in ports.iter().enumerate() {
        let _ = write!(
            toml,
            "\n[[connection]]\nname = \"f{i:04}\"\nhost = \"127.0.0.1\"\nport = {port}\n\
             secure = true\ncontext = \"{CONTEXT}\"\n\
             credential = {{ type = \"password\", user = \"cicsuser\" }}\n"
        );
    }
    let file = out.join("fanout-connections.toml");
    std::fs::write(&file, toml).map_err(|e| e.to_string())?;
    run(&["connection", "import", &file.display().to_string()])?;
    Ok(ws)
}

pub(crate) fn run(root: &Path, runs: usize, jobs: usize) -> Result<String, String> {
    let out = root.join(OUT_DIR);
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let largest = *SIZES.iter().max().unwrap_or(&1000);
    let regions = start_regions(root, largest, &out)?;
    eprintln!("bench: {largest} mock regions started");
    let ws = workspace(root, &out, &regions.ports)?;
    let env = [
        ("CICSX_PASSWORD", "cicspass".to_owned()),
        ("CICSX_WORKSPACE", ws.display().to_string()),
    ];
    let machine = machine_line();
    let mut table = String::from(
        "| N | cicsx wall (median) | cicsx peak RSS | per connection | curl --parallel wall | curl peak RSS | cicsx / curl |\n|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for &n in &SIZES {
        // Connections f0000.. f(n-1): as a list of names for cicsx, as URLs for curl.
        let mut cicsx_args = vec!["get".to_owned(), "CICSRegion".to_owned()];
        cicsx_args.extend(["--jobs".to_owned(), jobs.to_string()]);
        let pattern = match n {
            10 => "f000?",
            100 => "f00??",
            1000 => "f*",
            _ => return Err(format!("no pattern for N = {n}")),
        };
        cicsx_args.extend(["-c".to_owned(), pattern.to_owned()]);
        let mut curl_args: Vec<String> = [
            "-s",
            "--fail",
            "--parallel",
            "--parallel-immediate",
            "--parallel-max",
            &jobs.to_string(),
            "--cacert",
            "fixtures/ca/root.pem",
            "-u",
            "cicsuser:cicspass",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for port in &regions.ports[..n] {
            curl_args.push(format!("https://127.0.0.1:{port}{REGION_PATH}"));
        }
        let cicsx = root.join(CICSX).display().to_string();
        let run_cicsx = || timed(root, &cicsx, &cicsx_args, &env, "IYK2ZAB1");
        let run_curl = || timed(root, "curl", &curl_args, &[], "IYK2ZAB1");
        // One untimed run each: confirmations written, caches warm.
        run_cicsx()?;
        run_curl()?;
        let (mut cw, mut kw) = (Vec::new(), Vec::new());
        let (mut cm, mut km) = (0u64, 0u64);
        for _ in 0..runs {
            let (w, m) = run_cicsx()?;
            cw.push(w);
            cm = cm.max(m);
            let (w, m) = run_curl()?;
            kw.push(w);
            km = km.max(m);
        }
        let (c, k) = (median(&mut cw), median(&mut kw));
        eprintln!("bench: N = {n}: cicsx {c:.3} s {cm} KiB, curl {k:.3} s {km} KiB");
        let _ = writeln!(
            table,
            "| {n} | {c:.3} s | {:.1} MiB | {:.2} ms | {k:.3} s | {:.1} MiB | **{:.2}** |",
            cm as f64 / 1024.0,
            c * 1000.0 / n as f64,
            km as f64 / 1024.0,
            c / k
        );
    }
    drop(regions);
    let report = format!(
        "### Fan-out: one `cicsx get` across N connections\n\n\
         **Machine:** {machine} (at the start); load average {} at the end.\n\n\
         Each of the N connections is its own mock region (`cicsx-mock-cics --endpoints {largest}`, \
         TLS 1.3, ECDSA P-256 certificate, basic authentication) on 127.0.0.1; cicsx connects to \
         at most {jobs} at once (`--jobs {jobs}`). Beside it, curl fetches the same N URLs in one \
         process with the same concurrency (`curl --parallel --parallel-max {jobs}`, same CA file \
         and user). Wall time is the median of {runs} runs; peak memory is the largest maximum \
         resident set size (GNU time `%M`) of those runs. A ratio below 1 means cicsx is faster.\n\n\
         {table}\n\
         Command: `cargo xtask bench fanout [--runs N] [--jobs J]` (the report is also written to \
         target/bench/fanout.md).\n",
        load_average()
    );
    Ok(report)
}
