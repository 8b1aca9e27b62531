//! Helpers for driving the built `cicsx` binary in a temporary workspace.

#![allow(dead_code, unreachable_pub, clippy::new_without_default)]

use std::path::{Path, PathBuf};
use std::process::Output;

use cicsx_mock_cics::{CertChoice, Config, MockRegion, Mode};

/// A temporary workspace and the files the tests put beside it.
pub struct Cx {
    pub dir: tempfile::TempDir,
}

/// What one run of `cicsx` did.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Run {
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "expected success\n{self}");
        &self.stdout
    }

    /// Asserts failure with `id` in stderr and returns stderr.
    pub fn fails_with(&self, id: &str) -> &str {
        assert_ne!(self.code, Some(0), "expected failure {id}\n{self}");
        assert!(
            self.stderr.contains(id),
            "expected message {id} in stderr\n{self}"
        );
        &self.stderr
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Cx {
    pub fn new() -> Self {
        Cx {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `cicsx --workspace WS args...` with the environment `env` (and nothing from the
    /// caller's CICSX_* variables), without a terminal.
    pub async fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_cicsx"));
        cmd.arg("--workspace").arg(self.workspace());
        cmd.args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("CICSX_") {
                cmd.env_remove(k);
            }
        }
        cmd.envs(env.iter().copied());
        cmd.stdin(std::process::Stdio::null());
        cmd.output().await.unwrap().into()
    }

    /// Writes preferences.toml trusting the fixture root CA through a PEM truststore.
    pub fn trust_fixture_ca(&self) {
        let ca = self.path("root-ca.pem");
        std::fs::write(&ca, cicsx_mock_cics::fixtures::ROOT_CA_PEM).unwrap();
        std::fs::create_dir_all(self.workspace()).unwrap();
        std::fs::write(
            self.workspace().join("preferences.toml"),
            format!("truststore = {:?}\n", ca.display().to_string()),
        )
        .unwrap();
    }

    /// Adds a connection to `region` with user cicsuser.
    pub async fn add(&self, name: &str, port: u16, secure: bool, extra: &[&str]) {
        let port = port.to_string();
        let mut args = vec![
            "connection",
            "add",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            if secure { "--secure" } else { "--no-secure" },
            "--context",
            cicsx_mock_cics::CICSPLEX,
        ];
        args.extend_from_slice(extra);
        self.run(&args, &[]).await.ok();
    }

    /// Every file in the workspace with its bytes, to prove that nothing changed.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(self.workspace()) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_file() && p.extension().is_none_or(|x| x != "lock") {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }
}

/// Starts a mock region.
pub async fn region(mode: Mode, cert: CertChoice) -> MockRegion {
    MockRegion::start(Config {
        mode,
        cert,
        ..Config::default()
    })
    .await
    .unwrap()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}
