//! Crash safety: a writer killed with SIGKILL at random moments, over and over, never leaves an
//! unreadable keystore, and each time the file holds either the last content the writer
//! reported as written or the one it was writing.
//!
//! The writer is this test binary itself, started again with `CICSX_CRASH_WRITER` set: the test
//! `crash_writer_child` then updates the keystore in a loop until it is killed, printing each
//! generation it has written.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cicsx_keystore::{Entry, Keystore, KeystoreFile};
use common::{pass, pki};
use rustls_pki_types::CertificateDer;

const CHILD_ENV: &str = "CICSX_CRASH_WRITER";
const KILLS: usize = 200;
/// Kill the writer at most this long after its first completed write.
const MAX_DELAY_MICROS: u64 = 30_000;

/// The alias of the entry that counts generations.
fn generation_alias(n: u64) -> String {
    format!("gen-{n}")
}

/// Base entries: a key with its chain [leaf, root], and the root as a trusted entry. The
/// generation entry holds the root in even generations and the leaf in odd ones.
fn expected_certificate(ks: &Keystore, n: u64) -> CertificateDer<'static> {
    let Some(Entry::PrivateKey(k)) = ks.get("base-key") else {
        panic!("base-key missing: {ks:?}");
    };
    k.chain[(n % 2) as usize ^ 1].clone()
}

/// The generation a keystore is at, after checking it has exactly the content of that
/// generation.
fn check_content(ks: &Keystore) -> u64 {
    assert_eq!(ks.len(), 3, "{ks:?}");
    let root = match ks.get("base-root") {
        Some(Entry::Trusted(t)) => t.certificate.clone(),
        other => panic!("base-root: {other:?}"),
    };
    let Some(Entry::PrivateKey(k)) = ks.get("base-key") else {
        panic!("base-key missing: {ks:?}");
    };
    assert_eq!(k.chain.len(), 2);
    assert_eq!(k.chain[1], root);
    let gens: Vec<(u64, &CertificateDer<'static>)> = ks
        .trusted()
        .filter_map(|t| {
            let n = t.alias.strip_prefix("gen-")?.parse().ok()?;
            Some((n, &t.certificate))
        })
        .collect();
    let [(n, cert)] = gens.as_slice() else {
        panic!("expected exactly one generation entry: {ks:?}");
    };
    assert_eq!(**cert, expected_certificate(ks, *n), "generation {n}");
    *n
}

/// In the re-executed binary: update the keystore forever. In a normal test run: nothing.
#[test]
fn crash_writer_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let file = KeystoreFile::new(path);
    let pass = pass("changeit");
    loop {
        let written = file
            .update(&pass, |ks| {
                let n = check_content(ks);
                let next_cert = expected_certificate(ks, n + 1);
                ks.remove(&generation_alias(n))?;
                ks.add_trusted(&generation_alias(n + 1), next_cert)?;
                Ok(n + 1)
            })
            .unwrap();
        println!("wrote {written}");
    }
}

/// A small xorshift generator: no dependency, and the seed is printed for reruns.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn spawn_writer(path: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_writer_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// The generation on a "wrote N" line.
fn wrote(line: &str) -> Option<u64> {
    line.strip_prefix("wrote ")?.trim().parse().ok()
}

#[test]
fn killed_writer_never_leaves_a_broken_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ks.p12");
    let file = KeystoreFile::new(&path);
    file.create(&pass("changeit")).unwrap();
    let p = pki("crash");
    file.update(&pass("changeit"), |ks| {
        ks.add_private_key("base-key", p.key(), vec![p.leaf.clone(), p.ca.clone()])?;
        ks.add_trusted("base-root", p.ca.clone())?;
        ks.add_trusted(&generation_alias(0), p.ca.clone())
    })
    .unwrap();
    assert_eq!(check_content(&file.load(&pass("changeit")).unwrap()), 0);

    let seed = std::env::var("CICSX_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    println!("seed {seed} (set CICSX_CRASH_SEED to repeat)");
    let mut rng = Rng(seed);

    let start = Instant::now();
    let mut generation = 0u64;
    let mut landed_on_new = 0;
    for kill in 0..KILLS {
        let mut child = spawn_writer(&path);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Wait for one completed write, so the kill lands in the middle of the loop.
        let first = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(n) = wrote(&line) {
                        break n;
                    }
                }
                other => {
                    let status = child.wait().unwrap();
                    panic!("writer stopped before writing ({status}): {other:?}");
                }
            }
        };
        std::thread::sleep(Duration::from_micros(rng.next() % MAX_DELAY_MICROS));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let reported = lines
            .map_while(Result::ok)
            .filter_map(|l| wrote(&l))
            .last()
            .unwrap_or(first);

        // The file opens, and holds the last reported generation or the one after it (written
        // and renamed into place, but killed before it could say so).
        let ks = file
            .load(&pass("changeit"))
            .unwrap_or_else(|e| panic!("kill {kill}: keystore unreadable: {} {e}", e.id()));
        let on_disk = check_content(&ks);
        assert!(
            on_disk == reported || on_disk == reported + 1,
            "kill {kill}: file at generation {on_disk}, writer reported {reported}"
        );
        assert!(
            on_disk >= generation,
            "kill {kill}: went back from {generation} to {on_disk}"
        );
        if on_disk == reported + 1 {
            landed_on_new += 1;
        }
        generation = on_disk;
    }

    // Only the keystore, its lock file and a temporary file of a killed write (each write
    // removes those of earlier kills) remain; the next write removes that too.
    let names = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let leftovers = names()
        .iter()
        .filter(|n| n.starts_with(".ks.p12.") && n.ends_with(".tmp"))
        .count();
    assert!(leftovers <= 1, "{:?}", names());
    file.update(&pass("changeit"), |_| Ok(())).unwrap();
    assert_eq!(names(), ["ks.p12", "ks.p12.lock"]);
    println!(
        "{KILLS} kills in {:.1} s; {generation} generations written; {landed_on_new} kills \
         between rename and report; {leftovers} temporary file left by the last kill, removed \
         by the next write",
        start.elapsed().as_secs_f64()
    );
    assert!(
        generation >= KILLS as u64,
        "the writer made too little progress"
    );
}
