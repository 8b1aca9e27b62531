//! Shared by the tests that run against `openssl s_server`.

#![allow(dead_code, unreachable_pub)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// An `openssl s_server -www` on a free loopback port, killed when dropped. It presents the
/// fixture RSA certificate unless `args` give another `-cert`/`-key` (the last one wins);
/// `{fixtures}` in `args` is the fixtures directory.
pub struct OpenSsl {
    child: Child,
    pub port: u16,
}

impl OpenSsl {
    pub fn start(args: &[&str]) -> OpenSsl {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let f = fixtures();
        let child = Command::new("openssl")
            .arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(f.join("server/rsa.pem"))
            .arg("-key")
            .arg(f.join("server/rsa.key.pem"))
            .arg("-www")
            .args(
                args.iter()
                    .map(|a| a.replace("{fixtures}", &f.display().to_string())),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl must be installed for these tests (apt-get install openssl)");
        let server = OpenSsl { child, port };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "openssl s_server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
