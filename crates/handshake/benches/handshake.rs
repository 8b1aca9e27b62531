//! What a TLS handshake to a CICS region costs with cicsx's client: the configuration from
//! `cicsx_handshake::client_config` with the real `cicsx_truststore` verifier (the fixture root
//! CA as the one anchor), against the mock region's own server configuration.
//!
//! Groups:
//! - `memory/*`: whole handshakes, both ends in this thread, bytes pumped in memory (no
//!   sockets): TLS 1.3 and 1.2, ECDSA and RSA server keys, with and without a client
//!   certificate, and resumed handshakes.
//! - `client_cpu/*`: the client's own share of a full TLS 1.3 handshake (only the time spent in
//!   client-side calls is counted; the server runs untimed on the same thread).
//! - `floor/*`: the public-key operations that client performs, through the same aws-lc-rs
//!   provider, replayed with the very inputs a real handshake gave the verifier. `floor_total_*`
//!   is one handshake's worth; `client_cpu / floor_total` is the issue 7 target (at most 1.5).
//! - `setup/*`: building a client configuration and verifier, as a connect does.
//! - `cicsx_verifier/*`: cicsx's own work in the verifier beside webpki's (the weak-key check).
//! - `loopback/*`: TCP over 127.0.0.1 to a mock region in this process, handshake + close.
//!
//! Every benchmark checks, before measuring and on every iteration, that it measures what it
//! says (a full handshake is full, a resumed one resumed, the expected group was negotiated).
//!
//! The in-process groups measure the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID` on
//! Linux), so other engineers' builds on the same cores do not inflate them; `loopback/*`
//! measures wall time, since the server runs on other threads.
//!
//! `cargo bench -p cicsx-handshake --bench handshake -- --warm-up-time 1 --measurement-time 3`;
//! results and commands are in `docs/BENCHMARKS.md` ("Handshakes").

use std::hint::black_box;
use std::ops::DerefMut;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cicsx_handshake::{ClientAuth, Endpoint, Timeouts, TlsOptions, TlsVersions};
use cicsx_mock_cics::{CertChoice, Config, MockRegion, Mode, fixtures};
use cicsx_truststore::{AnchorSource, TrustStore, Verification};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rustls::client::Resumption;
use rustls::crypto::{CryptoProvider, SupportedKxGroup, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{
    AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer, ServerName,
    SignatureVerificationAlgorithm, alg_id,
};
use rustls::{
    CipherSuite, ClientConfig, ClientConnection, ConnectionCommon, HandshakeKind, NamedGroup,
    ProtocolVersion, ServerConfig, ServerConnection, SignatureScheme,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The name the fixture server certificates are issued for.
const HOST: &str = "localhost";
/// The port the verifier is made for (only pins look at it; there are none).
const PORT: u16 = 1490;
/// About the size of what a TLS 1.3 peer signs in CertificateVerify.
const SIGNED: [u8; 130] = [0x20; 130];

// ---------------------------------------------------------------------------------------------
// Thread CPU time.

/// The current thread's CPU time.
#[cfg(target_os = "linux")]
fn cpu_now() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// Elsewhere, wall time since the first call.
#[cfg(not(target_os = "linux"))]
fn cpu_now() -> Duration {
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// A criterion measurement: the benchmark thread's CPU time, shown like wall time.
struct ThreadCpuTime;

/// Lends its duration formatter to [`ThreadCpuTime`].
static WALL_TIME: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        cpu_now()
    }

    fn end(&self, start: Duration) -> Duration {
        cpu_now().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL_TIME.formatter()
    }
}

type CpuCriterion = Criterion<ThreadCpuTime>;

// ---------------------------------------------------------------------------------------------
// Configurations: the product's client, the mock's server.

/// A trust store with the fixture root CA as its one anchor, as `cicsx` builds it from a
/// truststore file.
fn trust_store() -> TrustStore {
    let mut store = TrustStore::new();
    let added = store
        .add_pem_bundle(
            fixtures::ROOT_CA_PEM.as_bytes(),
            AnchorSource::Builtin("fixture root CA".into()),
        )
        .expect("fixture root CA");
    assert_eq!(added, 1);
    store
}

fn client_auth() -> ClientAuth {
    let chain = CertificateDer::pem_slice_iter(fixtures::CLIENT_ECDSA_PEM.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("fixture client chain");
    let key = PrivateKeyDer::from_pem_slice(fixtures::CLIENT_ECDSA_KEY_PEM.as_bytes())
        .expect("fixture client key");
    ClientAuth::Key { chain, key }
}

/// `cicsx_handshake::client_config` with the trust store's verifier for [`HOST`]. Without
/// `resuming`, session resumption is turned off so every handshake is a full one while the
/// configuration is still shared (the verifier, suites and key are the product's).
fn client_config(
    store: &TrustStore,
    versions: TlsVersions,
    client_cert: bool,
    resuming: bool,
) -> Arc<ClientConfig> {
    client_config_at(store, HOST, PORT, versions, client_cert, resuming)
}

/// [`client_config`] with the verifier for `host:port`.
fn client_config_at(
    store: &TrustStore,
    host: &str,
    port: u16,
    versions: TlsVersions,
    client_cert: bool,
    resuming: bool,
) -> Arc<ClientConfig> {
    let config = cicsx_handshake::client_config(TlsOptions {
        verifier: store.verifier(host, port, Verification::On),
        client_auth: client_cert.then(client_auth),
        versions,
        server_name: None,
    })
    .expect("client config");
    if resuming {
        config
    } else {
        let mut config = (*config).clone();
        config.resumption = Resumption::disabled();
        Arc::new(config)
    }
}

fn server_config(mode: Mode, cert: CertChoice) -> Arc<ServerConfig> {
    cicsx_mock_cics::server_tls_config(mode, cert).expect("mock server config")
}

fn server_name() -> ServerName<'static> {
    ServerName::try_from(HOST).expect("host name")
}

// ---------------------------------------------------------------------------------------------
// In-memory handshakes.

/// Adds up the CPU time spent in client-side calls, when on.
struct ClientClock {
    on: bool,
    spent: Duration,
}

impl ClientClock {
    fn off() -> Self {
        Self {
            on: false,
            spent: Duration::ZERO,
        }
    }

    fn on() -> Self {
        Self {
            on: true,
            spent: Duration::ZERO,
        }
    }

    #[inline]
    fn run<T>(&mut self, f: impl FnOnce() -> T) -> T {
        if !self.on {
            return f();
        }
        let start = cpu_now();
        let out = f();
        self.spent += cpu_now().saturating_sub(start);
        out
    }
}

/// Everything `conn` wants to send, appended to `out`.
fn drain<D>(conn: &mut ConnectionCommon<D>, out: &mut Vec<u8>) {
    while conn.wants_write() {
        conn.write_tls(out).expect("write_tls to memory");
    }
}

/// `bytes` given to `conn` and processed.
fn feed<D>(conn: &mut ConnectionCommon<D>, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        conn.read_tls(&mut bytes).expect("read_tls from memory");
        conn.process_new_packets().expect("handshake failed");
    }
}

/// One whole handshake in memory. The server's last flight (TLS 1.3 session tickets) is
/// delivered to the client too, as its first read on a real connection would. Client-side
/// calls (new, write, read + process, drop) run under `clock`.
fn handshake(
    client_config: &Arc<ClientConfig>,
    server_config: &Arc<ServerConfig>,
    clock: &mut ClientClock,
) -> (Handshook, ServerConnection) {
    let name = server_name();
    let config = Arc::clone(client_config);
    let mut client = clock
        .run(move || ClientConnection::new(config, name))
        .expect("client connection");
    let mut server = ServerConnection::new(Arc::clone(server_config)).expect("server connection");
    let mut wire = Vec::with_capacity(16 * 1024);
    let mut rounds = 0;
    while client.is_handshaking() || server.is_handshaking() {
        rounds += 1;
        assert!(rounds <= 8, "the in-memory handshake is not progressing");
        wire.clear();
        clock.run(|| drain(client.deref_mut(), &mut wire));
        feed(server.deref_mut(), &wire);
        wire.clear();
        drain(server.deref_mut(), &mut wire);
        if !wire.is_empty() {
            clock.run(|| feed(client.deref_mut(), &wire));
        }
    }
    let handshook = Handshook {
        kind: client.handshake_kind(),
        version: client.protocol_version(),
        group: client.negotiated_key_exchange_group().map(|g| g.name()),
        suite: client.negotiated_cipher_suite().map(|s| s.suite()),
    };
    clock.run(move || drop(client));
    (handshook, server)
}

/// What the client's side of a finished handshake says.
#[derive(Debug, Clone, Copy)]
struct Handshook {
    kind: Option<HandshakeKind>,
    version: Option<ProtocolVersion>,
    group: Option<NamedGroup>,
    suite: Option<CipherSuite>,
}

impl Handshook {
    /// Panics unless this was a `kind` handshake at `version` with the key exchange cicsx
    /// negotiates by default: X25519MLKEM768 in TLS 1.3 (resumed too: rustls offers only
    /// `psk_dhe_ke`), X25519 in a full TLS 1.2 handshake, none in a resumed TLS 1.2 one.
    fn expect(&self, kind: HandshakeKind, version: ProtocolVersion, context: &str) {
        let group = match (version, kind) {
            (ProtocolVersion::TLSv1_3, _) => Some(NamedGroup::X25519MLKEM768),
            (_, HandshakeKind::Resumed) => None,
            _ => Some(NamedGroup::X25519),
        };
        assert_eq!(
            (self.kind, self.version, self.group),
            (Some(kind), Some(version), group),
            "{context}"
        );
    }
}

/// One case of the `memory/*` matrix.
struct Case {
    name: String,
    version: ProtocolVersion,
    cert: CertChoice,
    client_cert: bool,
}

fn versions(version: ProtocolVersion) -> TlsVersions {
    match version {
        ProtocolVersion::TLSv1_2 => TlsVersions::Tls12,
        _ => TlsVersions::Tls13,
    }
}

fn memory(c: &mut CpuCriterion) {
    use ProtocolVersion::{TLSv1_2, TLSv1_3};
    let store = trust_store();
    let mut group = c.benchmark_group("memory");
    group.throughput(Throughput::Elements(1));

    let mut cases = Vec::new();
    for (version, v) in [(TLSv1_3, "tls13"), (TLSv1_2, "tls12")] {
        for (cert, k) in [(CertChoice::Valid, "ecdsa"), (CertChoice::Rsa, "rsa")] {
            for (client_cert, suffix) in [(false, ""), (true, "_client_cert")] {
                cases.push(Case {
                    name: format!("{v}_{k}{suffix}"),
                    version,
                    cert,
                    client_cert,
                });
            }
        }
    }
    for case in cases {
        let client = client_config(&store, versions(case.version), case.client_cert, false);
        let mode = if case.client_cert {
            Mode::ClientAuth
        } else {
            Mode::Strong
        };
        let server = server_config(mode, case.cert);
        for i in 0..3 {
            let (got, server_conn) = handshake(&client, &server, &mut ClientClock::off());
            got.expect(HandshakeKind::Full, case.version, &case.name);
            if i == 0 {
                eprintln!("memory/{}: {:?}", case.name, got);
            }
            assert_eq!(
                server_conn.handshake_kind(),
                Some(HandshakeKind::Full),
                "{}",
                case.name
            );
            assert_eq!(
                server_conn.peer_certificates().is_some(),
                case.client_cert,
                "{}: client certificate sent",
                case.name
            );
        }
        group.bench_function(&case.name, |b| {
            b.iter(|| {
                let (got, server_conn) = handshake(&client, &server, &mut ClientClock::off());
                assert_eq!(got.kind, Some(HandshakeKind::Full));
                black_box(server_conn)
            })
        });
    }

    // Resumed: one client and one server configuration, so both session caches work.
    for (version, name) in [
        (TLSv1_3, "tls13_ecdsa_resumed"),
        (TLSv1_2, "tls12_ecdsa_resumed"),
    ] {
        let client = client_config(&store, versions(version), false, true);
        let server = server_config(Mode::Strong, CertChoice::Valid);
        let (first, _) = handshake(&client, &server, &mut ClientClock::off());
        first.expect(HandshakeKind::Full, version, name);
        for _ in 0..3 {
            let (got, server_conn) = handshake(&client, &server, &mut ClientClock::off());
            got.expect(HandshakeKind::Resumed, version, name);
            assert_eq!(server_conn.handshake_kind(), Some(HandshakeKind::Resumed));
        }
        group.bench_function(name, |b| {
            b.iter(|| {
                let (got, server_conn) = handshake(&client, &server, &mut ClientClock::off());
                assert_eq!(got.kind, Some(HandshakeKind::Resumed), "{name}");
                black_box(server_conn)
            })
        });
    }
    group.finish();
}

/// What if: the product's client configuration, but with TLS13_AES_128_GCM_SHA256 preferred
/// over cicsx's (and the provider's) first choice TLS13_AES_256_GCM_SHA384, so the key schedule
/// and transcript run on SHA-256 instead of SHA-384. Built like `client_config` otherwise.
fn client_config_aes128_first(store: &TrustStore) -> Arc<ClientConfig> {
    let mut suites = cicsx_handshake::strong_cipher_suites();
    suites.sort_by_key(|s| s.suite() != CipherSuite::TLS13_AES_128_GCM_SHA256);
    let provider = CryptoProvider {
        cipher_suites: suites,
        ..rustls::crypto::aws_lc_rs::default_provider()
    };
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3")
        .dangerous()
        .with_custom_certificate_verifier(store.verifier(HOST, PORT, Verification::On))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.resumption = Resumption::disabled();
    Arc::new(config)
}

fn client_cpu(c: &mut CpuCriterion) {
    let store = trust_store();
    let mut group = c.benchmark_group("client_cpu");
    group.throughput(Throughput::Elements(1));
    let product = client_config(&store, TlsVersions::Tls13, false, false);
    let aes128_first = client_config_aes128_first(&store);
    for (client, cert, name, suite) in [
        (
            &product,
            CertChoice::Valid,
            "tls13_ecdsa",
            CipherSuite::TLS13_AES_256_GCM_SHA384,
        ),
        (
            &product,
            CertChoice::Rsa,
            "tls13_rsa",
            CipherSuite::TLS13_AES_256_GCM_SHA384,
        ),
        (
            &aes128_first,
            CertChoice::Valid,
            "tls13_ecdsa_aes128_first",
            CipherSuite::TLS13_AES_128_GCM_SHA256,
        ),
    ] {
        let server = server_config(Mode::Strong, cert);
        let (got, _) = handshake(client, &server, &mut ClientClock::on());
        got.expect(HandshakeKind::Full, ProtocolVersion::TLSv1_3, name);
        assert_eq!(got.suite, Some(suite), "{name}");
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut clock = ClientClock::on();
                for _ in 0..iters {
                    let (got, server_conn) = handshake(client, &server, &mut clock);
                    assert_eq!(got.kind, Some(HandshakeKind::Full));
                    black_box(server_conn);
                }
                clock.spent
            })
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// The cryptographic floor: the client's public-key operations, recorded from a real handshake.

/// One signature verification the verifier asked for, with its inputs.
#[derive(Clone)]
struct Recorded {
    alg: &'static dyn SignatureVerificationAlgorithm,
    public_key: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

impl Recorded {
    fn verify(&self) -> Result<(), InvalidSignature> {
        self.alg
            .verify_signature(&self.public_key, &self.message, &self.signature)
    }

    /// A short name: key and signature algorithm.
    fn name(&self) -> String {
        alg_name(self.alg)
    }
}

fn alg_name(alg: &dyn SignatureVerificationAlgorithm) -> String {
    let key = match alg.public_key_alg_id() {
        id if id == alg_id::ECDSA_P256 => "ecdsa_p256",
        id if id == alg_id::ECDSA_P384 => "ecdsa_p384",
        id if id == alg_id::RSA_ENCRYPTION => "rsa",
        id if id == alg_id::ED25519 => "ed25519",
        _ => "other_key",
    };
    let sig = match alg.signature_alg_id() {
        id if id == alg_id::ECDSA_SHA256 => "sha256",
        id if id == alg_id::ECDSA_SHA384 => "sha384",
        id if id == alg_id::RSA_PKCS1_SHA256 => "pkcs1_sha256",
        id if id == alg_id::RSA_PKCS1_SHA384 => "pkcs1_sha384",
        id if id == alg_id::RSA_PKCS1_SHA512 => "pkcs1_sha512",
        id if id == alg_id::RSA_PSS_SHA256 => "pss_sha256",
        id if id == alg_id::RSA_PSS_SHA384 => "pss_sha384",
        id if id == alg_id::RSA_PSS_SHA512 => "pss_sha512",
        id if id == alg_id::ED25519 => "ed25519",
        _ => "other_signature",
    };
    format!("{key}_{sig}")
}

/// Verifications recorded since the last [`take_recorded`].
static RECORDED: Mutex<Vec<Recorded>> = Mutex::new(Vec::new());

fn take_recorded() -> Vec<Recorded> {
    std::mem::take(&mut *RECORDED.lock().unwrap_or_else(|e| e.into_inner()))
}

/// An aws-lc-rs verification algorithm that records every call.
#[derive(Debug)]
struct Recording(&'static dyn SignatureVerificationAlgorithm);

impl SignatureVerificationAlgorithm for Recording {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        RECORDED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Recorded {
                alg: self.0,
                public_key: public_key.to_vec(),
                message: message.to_vec(),
                signature: signature.to_vec(),
            });
        self.0.verify_signature(public_key, message, signature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.0.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.0.signature_alg_id()
    }

    fn fips(&self) -> bool {
        self.0.fips()
    }
}

/// The aws-lc-rs provider with every signature verification algorithm recording its calls
/// (made once; the algorithm tables must be `'static`).
fn recording_provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| {
        let base = rustls::crypto::aws_lc_rs::default_provider();
        fn wrap(
            algs: &[&'static dyn SignatureVerificationAlgorithm],
        ) -> &'static [&'static dyn SignatureVerificationAlgorithm] {
            let wrapped: Vec<&'static dyn SignatureVerificationAlgorithm> = algs
                .iter()
                .map(|alg| {
                    let r: &'static Recording = Box::leak(Box::new(Recording(*alg)));
                    r as &'static dyn SignatureVerificationAlgorithm
                })
                .collect();
            Box::leak(wrapped.into_boxed_slice())
        }
        let algs = base.signature_verification_algorithms;
        let mapping: Vec<_> = algs
            .mapping
            .iter()
            .map(|(scheme, list)| (*scheme, wrap(list)))
            .collect();
        Arc::new(CryptoProvider {
            signature_verification_algorithms: WebPkiSupportedAlgorithms {
                all: wrap(algs.all),
                mapping: Box::leak(mapping.into_boxed_slice()),
            },
            ..base
        })
    }))
}

/// The signature verifications the trust store's verifier makes in one full TLS 1.3 handshake
/// with the mock presenting `cert`: a real handshake, with the verifier's provider recording.
fn verifications_in_handshake(cert: CertChoice) -> Vec<Recorded> {
    let store = trust_store();
    let verifier = store.verifier_with_provider(HOST, PORT, Verification::On, recording_provider());
    let config = cicsx_handshake::client_config(TlsOptions {
        verifier,
        client_auth: None,
        versions: TlsVersions::Tls13,
        server_name: None,
    })
    .expect("client config");
    let mut config = (*config).clone();
    config.resumption = Resumption::disabled();
    let config = Arc::new(config);
    let server = server_config(Mode::Strong, cert);
    take_recorded();
    let (got, _) = handshake(&config, &server, &mut ClientClock::off());
    got.expect(
        HandshakeKind::Full,
        ProtocolVersion::TLSv1_3,
        "recording verifier",
    );
    let recorded = take_recorded();
    for r in &recorded {
        r.verify().expect("recorded verification replays");
    }
    recorded
}

fn kx_group(name: NamedGroup) -> &'static dyn SupportedKxGroup {
    rustls::crypto::aws_lc_rs::default_provider()
        .kx_groups
        .into_iter()
        .find(|g| g.name() == name)
        .expect("key exchange group in the aws-lc-rs provider")
}

/// The client's key exchange work: `start` (its key share) and `complete` (with the server's
/// share, made untimed by the server side of the same group). Returns the client's time.
fn client_kx(kx: &'static dyn SupportedKxGroup) -> Duration {
    let start = cpu_now();
    let ours = kx.start().expect("start");
    let mut spent = cpu_now().saturating_sub(start);
    let theirs = kx
        .start_and_complete(ours.pub_key())
        .expect("server side of the key exchange");
    let start = cpu_now();
    let secret = ours.complete(&theirs.pub_key).expect("complete");
    spent += cpu_now().saturating_sub(start);
    assert_eq!(secret.secret_bytes(), theirs.secret.secret_bytes());
    spent
}

fn floor(c: &mut CpuCriterion) {
    let hybrid = kx_group(NamedGroup::X25519MLKEM768);
    let x25519 = kx_group(NamedGroup::X25519);
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(1));

    // The key exchange: the client sends an X25519MLKEM768 share and, for free, the X25519
    // half of it as a separate X25519 share (rustls' `hybrid_component`): one `start`.
    for (kx, name) in [(hybrid, "x25519mlkem768"), (x25519, "x25519")] {
        group.bench_function(format!("kx_{name}_start"), |b| {
            b.iter(|| kx.start().expect("start"))
        });
        group.bench_function(format!("kx_{name}_complete"), |b| {
            b.iter_batched(
                || {
                    let ours = kx.start().expect("start");
                    let theirs = kx.start_and_complete(ours.pub_key()).expect("server side");
                    (ours, theirs.pub_key)
                },
                |(ours, theirs)| ours.complete(&theirs).expect("complete"),
                BatchSize::SmallInput,
            )
        });
    }

    // The signature verifications, exactly as the verifier made them in a real handshake.
    let mut seen = Vec::new();
    let mut per_server = Vec::new();
    for (cert, key) in [(CertChoice::Valid, "ecdsa"), (CertChoice::Rsa, "rsa")] {
        let recorded = verifications_in_handshake(cert);
        let names: Vec<String> = recorded.iter().map(Recorded::name).collect();
        eprintln!(
            "floor: {key} server, full TLS 1.3 handshake: {} signature verification(s): {}",
            recorded.len(),
            names.join(", ")
        );
        for r in &recorded {
            let name = r.name();
            if !seen.contains(&name) {
                let r = r.clone();
                group.bench_function(format!("verify_{name}"), move |b| {
                    b.iter(|| r.verify().expect("valid signature"))
                });
                seen.push(name);
            }
        }
        per_server.push((key, recorded));
    }

    // What a client certificate adds: one ECDSA P-256 signature (CertificateVerify).
    let client_key = PrivateKeyDer::from_pem_slice(fixtures::CLIENT_ECDSA_KEY_PEM.as_bytes())
        .expect("fixture client key");
    let signer = rustls::crypto::aws_lc_rs::sign::any_supported_type(&client_key)
        .expect("supported key")
        .choose_scheme(&[SignatureScheme::ECDSA_NISTP256_SHA256])
        .expect("ECDSA P-256 SHA-256");
    group.bench_function("sign_ecdsa_p256_sha256", |b| {
        b.iter(|| signer.sign(&SIGNED).expect("sign"))
    });

    // One full TLS 1.3 handshake's worth, per server key type.
    for (key, recorded) in per_server {
        group.bench_function(format!("floor_total_{key}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    spent += client_kx(hybrid);
                    let start = cpu_now();
                    for r in &recorded {
                        black_box(r.verify()).expect("valid signature");
                    }
                    spent += cpu_now().saturating_sub(start);
                }
                spent
            })
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// What a connect pays before its handshake.

fn setup(c: &mut CpuCriterion) {
    let store = trust_store();
    // Prepare the anchors once, as a process does on its first connect.
    drop(store.verifier(HOST, PORT, Verification::On));
    let mut group = c.benchmark_group("setup");
    // What one reading of the clock costs: client_cpu reads it twice per client-side call.
    group.bench_function("cpu_clock_read", |b| b.iter(cpu_now));
    group.bench_function("client_config", |b| {
        b.iter(|| {
            cicsx_handshake::client_config(TlsOptions {
                verifier: store.verifier(black_box(HOST), PORT, Verification::On),
                client_auth: None,
                versions: TlsVersions::Default,
                server_name: None,
            })
            .expect("client config")
        })
    });
    group.bench_function("client_config_with_client_cert", |b| {
        b.iter_batched(
            client_auth,
            |auth| {
                cicsx_handshake::client_config(TlsOptions {
                    verifier: store.verifier(black_box(HOST), PORT, Verification::On),
                    client_auth: Some(auth),
                    versions: TlsVersions::Default,
                    server_name: None,
                })
                .expect("client config")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// cicsx's own work in the verifier beyond webpki: `validate::weak_key` reads the server
/// certificate's key with `CertificateInfo::from_der` on every full handshake; beside it, the
/// bare x509-parser parse it starts with.
fn cicsx_verifier(c: &mut CpuCriterion) {
    let mut group = c.benchmark_group("cicsx_verifier");
    for (cert, key) in [(CertChoice::Valid, "ecdsa"), (CertChoice::Rsa, "rsa")] {
        let leaf = CertificateDer::pem_slice_iter(cert.chain_pem().as_bytes())
            .next()
            .expect("a certificate")
            .expect("fixture leaf");
        let info = cicsx_truststore::CertificateInfo::from_der(&leaf).expect("parses");
        assert!(
            info.key_algorithm
                .starts_with(if key == "rsa" { "RSA" } else { "ECDSA" })
        );
        group.bench_function(format!("certificate_info_{key}"), |b| {
            b.iter(|| {
                cicsx_truststore::CertificateInfo::from_der(black_box(&leaf)).expect("parses")
            })
        });
        group.bench_function(format!("x509_parse_only_{key}"), |b| {
            b.iter(|| x509_parser::parse_x509_certificate(black_box(&leaf)).is_ok())
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------------
// Real sockets.

/// Connects, then closes: close_notify and FIN, and reads to the end (which also takes in the
/// server's TLS 1.3 session tickets, as a real exchange would). Returns whether it resumed.
async fn connect_and_close(endpoint: &Endpoint, config: &Arc<ClientConfig>) -> bool {
    let mut stream = cicsx_handshake::connect(endpoint, Some((config, None)), &Timeouts::default())
        .await
        .expect("connect to the mock region");
    let resumed = stream.tls_info().is_some_and(|info| info.resumed);
    let _ = stream.shutdown().await;
    let mut buf = [0u8; 2048];
    while let Ok(1..) = stream.read(&mut buf).await {}
    resumed
}

fn loopback(c: &mut Criterion) {
    let mut group = c.benchmark_group("loopback");
    group.throughput(Throughput::Elements(1));
    // The region and the client on a multi-thread runtime (as in `cicsx`, where the region is
    // another process), and both on one thread: the difference is what waking the other side's
    // thread costs on this machine.
    let runtimes = [
        (
            "",
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build(),
        ),
        (
            "_one_thread",
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
        ),
    ];
    for (suffix, rt) in runtimes {
        let rt = rt.expect("tokio runtime");
        let region = rt
            .block_on(MockRegion::start(Config::default()))
            .expect("mock region");
        let endpoint = Endpoint::new("127.0.0.1", region.addr().port());
        let store = trust_store();
        let config = |resuming| {
            client_config_at(
                &store,
                &endpoint.host,
                endpoint.port,
                TlsVersions::Tls13,
                false,
                resuming,
            )
        };
        let full = config(false);
        let resuming = config(true);

        for _ in 0..2 {
            assert!(!rt.block_on(connect_and_close(&endpoint, &full)));
        }
        group.bench_function(format!("tls13_ecdsa{suffix}"), |b| {
            b.iter(|| assert!(!rt.block_on(connect_and_close(&endpoint, &full))))
        });
        assert!(
            !rt.block_on(connect_and_close(&endpoint, &resuming)),
            "first"
        );
        for _ in 0..3 {
            assert!(
                rt.block_on(connect_and_close(&endpoint, &resuming)),
                "resumed"
            );
        }
        group.bench_function(format!("tls13_ecdsa_resumed{suffix}"), |b| {
            b.iter(|| assert!(rt.block_on(connect_and_close(&endpoint, &resuming))))
        });
        rt.block_on(region.shutdown());
    }
    group.finish();
}

criterion_group! {
    name = in_process;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = memory, client_cpu, floor, setup, cicsx_verifier
}
criterion_group!(sockets, loopback);
criterion_main!(in_process, sockets);
