//! Shared by the smart card test binaries and the benchmark: SoftHSM2 tokens in a private
//! directory, and running each test in its own process with `SOFTHSM2_CONF` set.
//!
//! Why a process per test: SoftHSM reads `SOFTHSM2_CONF` when the library is initialised,
//! and `std::env::set_var` is `unsafe` in edition 2024 (this workspace forbids unsafe code).
//! So the test process (the parent) builds the tokens once, then runs each test again in a
//! child process of the same test binary, with the variables set by `Command::env`. That also
//! gives each test a fresh PKCS#11 context, as a real program has.
#![allow(dead_code, unreachable_pub)] // each test binary uses part of this

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};

/// SoftHSM2's PKCS#11 module (Debian package softhsm2).
pub const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// OpenSC's logging PKCS#11 module (Debian package opensc).
pub const SPY_MODULE: &str = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so";
/// The user PIN of every test token.
pub const PIN: &str = "1234";
const SO_PIN: &str = "5678";
/// Set in a child: the name of the one test it runs.
pub const CHILD_ENV: &str = "CICSX_SMARTCARD_TEST_CHILD";
/// Set in a child: the token directory.
pub const FARM_ENV: &str = "CICSX_SMARTCARD_TEST_FARM";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Fails (never skips) when SoftHSM2 or OpenSC is missing, naming the package to install.
pub fn require_tools(spy: bool) {
    let hint = "install them with: apt-get install -y softhsm2 opensc (.ci/run does); \
                the smart card tests need a real PKCS#11 token and do not skip";
    assert!(
        Path::new(SOFTHSM_MODULE).is_file(),
        "SoftHSM2 is not installed ({SOFTHSM_MODULE} is missing): Debian package softhsm2; {hint}"
    );
    for (tool, package) in [("softhsm2-util", "softhsm2"), ("pkcs11-tool", "opensc")] {
        let found = Command::new(tool).arg("--help").output().is_ok();
        assert!(
            found,
            "{tool} is not installed: Debian package {package}; {hint}"
        );
    }
    if spy {
        assert!(
            Path::new(SPY_MODULE).is_file(),
            "OpenSC's pkcs11-spy is not installed ({SPY_MODULE} is missing): Debian package \
             opensc; {hint}"
        );
    }
}

/// What goes on a test token.
#[derive(Clone, Copy, Debug)]
pub enum Content {
    /// The ECDSA P-256 client key and certificate (`fixtures/client/ecdsa*`, label
    /// `cicsuser`, id 01), with the intermediate (id 02) and root (id 03) certificates.
    Ec,
    /// The RSA-2048 client key and certificate (label `cicsuser`, id 01) and the intermediate.
    Rsa,
    /// A P-384 key and certificate made for the run (label `p384`, id 01), issued by a P-384
    /// CA made for the run (`p384-ca.pem` in the farm directory, not on the token).
    P384,
    /// An ECDSA private key without a certificate (label `orphan`, id 0a).
    KeyOnly,
    /// Both the EC (id 01, label `ec`) and the RSA (id 02, label `rsa`) identities.
    Both,
    /// Nothing.
    Empty,
}

/// One token to create.
#[derive(Clone, Copy, Debug)]
pub struct TokenSpec {
    /// Token label.
    pub label: &'static str,
    /// Its objects.
    pub content: Content,
    /// Mark the user PIN locked (SoftHSM itself never locks a PIN).
    pub lock_pin: bool,
}

impl TokenSpec {
    pub const fn new(label: &'static str, content: Content) -> Self {
        Self {
            label,
            content,
            lock_pin: false,
        }
    }

    pub const fn locked(label: &'static str, content: Content) -> Self {
        Self {
            label,
            content,
            lock_pin: true,
        }
    }
}

/// A private SoftHSM2 token directory and its configuration file.
#[derive(Debug)]
pub struct Farm {
    pub dir: PathBuf,
    pub conf: PathBuf,
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pem_certs(path: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

impl Farm {
    /// The farm of the current child process.
    pub fn from_env() -> Farm {
        let dir = PathBuf::from(std::env::var(FARM_ENV).expect("run inside a test child"));
        Farm {
            conf: dir.join("softhsm2.conf"),
            dir,
        }
    }

    /// Creates the tokens in a new directory under Cargo's target tmp directory (removing
    /// the directories of earlier runs whose process is gone).
    pub fn create(name: &str, tokens: &[TokenSpec]) -> Farm {
        require_tools(false);
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let prefix = format!("softhsm-{name}-");
        if let Ok(entries) = std::fs::read_dir(&base) {
            for entry in entries.flatten() {
                let file_name = entry.file_name().to_string_lossy().to_string();
                let stale = file_name
                    .strip_prefix(&prefix)
                    .and_then(|pid| pid.parse::<u32>().ok())
                    .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
                if stale {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = base.join(format!("{prefix}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tokens")).expect("token directory");
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.join("tokens").display()
            ),
        )
        .expect("softhsm2.conf");
        let farm = Farm { dir, conf };
        farm.write_material();
        for spec in tokens {
            farm.add_token(spec);
        }
        farm
    }

    /// Certificates as DER files, and the P-384 PKI.
    fn write_material(&self) {
        let client = fixtures().join("client");
        for (name, pem) in [("ecdsa", "ecdsa.pem"), ("rsa", "rsa.pem")] {
            let certs = pem_certs(&client.join(pem));
            std::fs::write(self.dir.join(format!("{name}.der")), &certs[0]).unwrap();
        }
        let intermediate = pem_certs(&fixtures().join("ca/intermediate.pem"));
        std::fs::write(self.dir.join("intermediate.der"), &intermediate[0]).unwrap();
        let root = pem_certs(&fixtures().join("ca/root.pem"));
        std::fs::write(self.dir.join("root.der"), &root[0]).unwrap();

        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose, PKCS_ECDSA_P384_SHA384,
        };
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name
            .push(DnType::CommonName, "cicsx P-384 test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let mut leaf = CertificateParams::new(Vec::<String>::new()).unwrap();
        leaf.distinguished_name.push(DnType::CommonName, "CICSUSER");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
        std::fs::write(self.dir.join("p384-ca.pem"), ca_cert.pem()).unwrap();
        std::fs::write(self.dir.join("p384.der"), leaf_cert.der()).unwrap();
        std::fs::write(self.dir.join("p384.key.pem"), leaf_key.serialize_pem()).unwrap();
    }

    fn softhsm_util(&self) -> Command {
        let mut cmd = Command::new("softhsm2-util");
        cmd.env("SOFTHSM2_CONF", &self.conf);
        cmd
    }

    fn import_key(&self, token: &str, key_pem: &Path, label: &str, id: &str) {
        let key = key_pem.to_str().unwrap();
        run(self
            .softhsm_util()
            .args(["--import", key, "--token", token, "--label", label])
            .args(["--id", id, "--pin", PIN]));
    }

    fn write_cert(&self, token: &str, der: &str, label: &str, id: &str) {
        let der = self.dir.join(der);
        run(Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", &self.conf)
            .args([
                "--module",
                SOFTHSM_MODULE,
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
            ])
            .args(["--write-object", der.to_str().unwrap(), "--type", "cert"])
            .args(["--label", label, "--id", id]));
    }

    fn add_token(&self, spec: &TokenSpec) {
        let t = spec.label;
        run(self
            .softhsm_util()
            .args(["--init-token", "--free", "--label", t])
            .args(["--pin", PIN, "--so-pin", SO_PIN]));
        let client = fixtures().join("client");
        match spec.content {
            Content::Ec => {
                self.import_key(t, &client.join("ecdsa.key.pem"), "cicsuser", "01");
                self.write_cert(t, "ecdsa.der", "cicsuser", "01");
                self.write_cert(t, "intermediate.der", "intermediate CA", "02");
                self.write_cert(t, "root.der", "root CA", "03");
            }
            Content::Rsa => {
                self.import_key(t, &client.join("rsa.key.pem"), "cicsuser", "01");
                self.write_cert(t, "rsa.der", "cicsuser", "01");
                self.write_cert(t, "intermediate.der", "intermediate CA", "02");
            }
            Content::P384 => {
                self.import_key(t, &self.dir.join("p384.key.pem"), "p384", "01");
                self.write_cert(t, "p384.der", "p384", "01");
            }
            Content::KeyOnly => {
                self.import_key(t, &client.join("ecdsa.key.pem"), "orphan", "0a");
            }
            Content::Both => {
                self.import_key(t, &client.join("ecdsa.key.pem"), "ec", "01");
                self.write_cert(t, "ecdsa.der", "ec", "01");
                self.import_key(t, &client.join("rsa.key.pem"), "rsa", "02");
                self.write_cert(t, "rsa.der", "rsa", "02");
            }
            Content::Empty => {}
        }
        if spec.lock_pin {
            self.lock_pin(t);
        }
    }

    /// Sets `CKF_USER_PIN_LOCKED` in the token's stored flags. SoftHSM keeps the flags as the
    /// vendor attribute CKA_OS_TOKENFLAGS (0x8000534B) of its `token.object` file: 8-byte
    /// big-endian type, kind (2 = unsigned long), value.
    fn lock_pin(&self, label: &str) {
        const CKF_USER_PIN_LOCKED: u64 = 0x0004_0000;
        let mut padded = label.as_bytes().to_vec();
        padded.resize(32, b' ');
        let mut patched = 0;
        for entry in std::fs::read_dir(self.dir.join("tokens"))
            .unwrap()
            .flatten()
        {
            let path = entry.path().join("token.object");
            let Ok(mut bytes) = std::fs::read(&path) else {
                continue;
            };
            if !bytes.windows(32).any(|w| w == padded.as_slice()) {
                continue;
            }
            let marker = [0, 0, 0, 0, 0x80, 0, 0x53, 0x4b, 0, 0, 0, 0, 0, 0, 0, 2];
            let at = bytes
                .windows(marker.len())
                .position(|w| w == marker)
                .expect("CKA_OS_TOKENFLAGS in token.object: has SoftHSM's format changed?")
                + marker.len();
            let value = u64::from_be_bytes(bytes[at..at + 8].try_into().unwrap());
            bytes[at..at + 8].copy_from_slice(&(value | CKF_USER_PIN_LOCKED).to_be_bytes());
            std::fs::write(&path, bytes).unwrap();
            patched += 1;
        }
        assert_eq!(patched, 1, "token {label} not found to lock");
    }
}

/// Extra environment variables for a child, given the farm.
pub type ExtraEnv<'a> = &'a dyn Fn(&Farm) -> Vec<(&'static str, String)>;

/// Runs `body` in a child process of this test binary, with `SOFTHSM2_CONF` pointing at the
/// farm (and the `extra` variables set). In the child, runs `body` itself.
pub fn isolated(
    test: &str,
    farm: &dyn Fn() -> &'static Farm,
    extra: ExtraEnv<'_>,
    body: impl FnOnce(),
) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(test) {
        body();
        return;
    }
    let farm = farm();
    let exe = std::env::current_exe().expect("test binary path");
    let out = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env(CHILD_ENV, test)
        .env(FARM_ENV, &farm.dir)
        .env("SOFTHSM2_CONF", &farm.conf)
        .envs(extra(farm))
        .output()
        .expect("run the test child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "test {test} failed in its child process:\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
}

/// Trust anchors from a PEM file's text.
pub fn roots(pem: &str) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots
            .add(cert.expect("PEM certificate"))
            .expect("trust anchor");
    }
    roots
}

/// A server verifier trusting the test root.
pub fn server_verifier() -> Arc<dyn rustls::client::danger::ServerCertVerifier> {
    rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots(cicsx_mock_cics::fixtures::ROOT_CA_PEM)),
        Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
    )
    .build()
    .expect("verifier")
}

/// A rustls server (the fixtures' ECDSA server certificate) that requires a client
/// certificate from `client_ca_pem`, for handshakes in memory.
pub fn server_config(client_ca_pem: &str) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots(client_ca_pem)),
        provider.clone(),
    )
    .build()
    .expect("client verifier");
    let chain =
        CertificateDer::pem_slice_iter(cicsx_mock_cics::fixtures::SERVER_ECDSA_PEM.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
    let key =
        PrivateKeyDer::from_pem_slice(cicsx_mock_cics::fixtures::SERVER_ECDSA_KEY_PEM.as_bytes())
            .unwrap();
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    // Every handshake a full one, with a client signature: no resumption.
    config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    config.send_tls13_tickets = 0;
    Arc::new(config)
}

/// One full TLS handshake between `client` and `server` in memory (no sockets); returns the
/// protocol version negotiated.
pub fn handshake_in_memory(
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
) -> Result<rustls::ProtocolVersion, rustls::Error> {
    let name = ServerName::try_from("localhost").unwrap();
    let mut c = ClientConnection::new(client, name)?;
    let mut s = ServerConnection::new(server)?;
    for _ in 0..20 {
        let mut buf = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut buf).unwrap();
        }
        let mut rd = buf.as_slice();
        while !rd.is_empty() {
            s.read_tls(&mut rd).unwrap();
            s.process_new_packets()?;
        }
        let mut buf = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut buf).unwrap();
        }
        let mut rd = buf.as_slice();
        while !rd.is_empty() {
            c.read_tls(&mut rd).unwrap();
            c.process_new_packets()?;
        }
        if !c.is_handshaking() && !s.is_handshaking() {
            return Ok(c.protocol_version().expect("negotiated"));
        }
    }
    panic!("handshake did not finish");
}

/// The directory of the token with this label.
pub fn token_dir(farm: &Farm, label: &str) -> PathBuf {
    let mut padded = label.as_bytes().to_vec();
    padded.resize(32, b' ');
    for entry in std::fs::read_dir(farm.dir.join("tokens"))
        .unwrap()
        .flatten()
    {
        if let Ok(bytes) = std::fs::read(entry.path().join("token.object"))
            && bytes.windows(32).any(|w| w == padded.as_slice())
        {
            return entry.path();
        }
    }
    panic!("no token {label}");
}

/// Takes the token away under SoftHSM: moves its directory out of the token directory (one
/// atomic rename: other test processes' SoftHSM may be looking at the token directory).
pub fn remove_token_files(farm: &Farm, label: &str) {
    std::fs::rename(
        token_dir(farm, label),
        farm.dir.join(format!("pulled-{label}")),
    )
    .unwrap();
}
