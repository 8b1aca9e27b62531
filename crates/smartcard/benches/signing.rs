//! What a key on a smart card costs per TLS handshake: the client's one signature (and a
//! whole mutual TLS 1.3 handshake in memory) with the key on a SoftHSM2 token beside the same
//! key in software, in the same run.
//!
//! `cargo bench -p cicsx-smartcard`. Needs softhsm2 and opensc installed, like the tests.
//! The benchmark builds its tokens, then runs itself again with `SOFTHSM2_CONF` set (see
//! `tests/support`).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;

use cicsx_handshake::{ClientAuth, TlsOptions, TlsVersions};
use cicsx_mock_cics::fixtures;
use cicsx_smartcard::{Module, Pkcs11Uri};
use criterion::Criterion;
use rustls::SignatureScheme;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::SigningKey;
use secrecy::SecretString;
use support::{Content, FARM_ENV, Farm, PIN, SOFTHSM_MODULE, TokenSpec};

/// About the size of what a TLS 1.3 client signs in CertificateVerify.
const MESSAGE: [u8; 130] = [0x20; 130];

fn software_key(pem: &str) -> Arc<dyn SigningKey> {
    let key = PrivateKeyDer::from_pem_slice(pem.as_bytes()).expect("fixture key");
    rustls::crypto::aws_lc_rs::sign::any_supported_type(&key).expect("supported key")
}

fn signatures(c: &mut Criterion, module: &Module) {
    let cases = [
        (
            "ecdsa-p256",
            "bench-ec",
            fixtures::CLIENT_ECDSA_KEY_PEM,
            SignatureScheme::ECDSA_NISTP256_SHA256,
        ),
        (
            "rsa-2048-pss",
            "bench-rsa",
            fixtures::CLIENT_RSA_KEY_PEM,
            SignatureScheme::RSA_PSS_SHA256,
        ),
        (
            "rsa-2048-pkcs1",
            "bench-rsa",
            fixtures::CLIENT_RSA_KEY_PEM,
            SignatureScheme::RSA_PKCS1_SHA256,
        ),
    ];
    for (name, token, key_pem, scheme) in cases {
        let auth = module
            .client_auth(&Pkcs11Uri::token(token), &SecretString::from(PIN))
            .expect("token key");
        let on_token = auth
            .signing_key()
            .choose_scheme(&[scheme])
            .expect("token scheme");
        let in_software = software_key(key_pem)
            .choose_scheme(&[scheme])
            .expect("software scheme");
        let mut group = c.benchmark_group(format!("sign/{name}"));
        group.bench_function("softhsm", |b| b.iter(|| on_token.sign(&MESSAGE).unwrap()));
        group.bench_function("software", |b| {
            b.iter(|| in_software.sign(&MESSAGE).unwrap())
        });
        group.finish();
    }
}

fn handshakes(c: &mut Criterion, module: &Module) {
    let server = support::server_config(fixtures::ROOT_CA_PEM);
    let cases = [
        (
            "ecdsa-p256",
            "bench-ec",
            fixtures::CLIENT_ECDSA_PEM,
            fixtures::CLIENT_ECDSA_KEY_PEM,
        ),
        (
            "rsa-2048",
            "bench-rsa",
            fixtures::CLIENT_RSA_PEM,
            fixtures::CLIENT_RSA_KEY_PEM,
        ),
    ];
    for (name, token, chain_pem, key_pem) in cases {
        let auth = module
            .client_auth(&Pkcs11Uri::token(token), &SecretString::from(PIN))
            .expect("token key");
        let config = |client_auth| {
            cicsx_handshake::client_config(TlsOptions {
                verifier: support::server_verifier(),
                client_auth: Some(client_auth),
                versions: TlsVersions::Tls13,
                server_name: None,
            })
            .expect("client config")
        };
        let on_token = config(ClientAuth::Resolver(auth.clone()));
        let chain = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .expect("fixture chain");
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("fixture key");
        let in_software = config(ClientAuth::Key { chain, key });
        // Every handshake measured is a full one, signed on the token (no resumption).
        for expected in 1..=2 {
            support::handshake_in_memory(on_token.clone(), server.clone()).expect("handshake");
            assert_eq!(auth.signatures(), expected, "a signature per handshake");
        }
        let mut group = c.benchmark_group(format!("mutual-tls13-handshake/{name}"));
        group.bench_function("softhsm", |b| {
            b.iter(|| support::handshake_in_memory(on_token.clone(), server.clone()).unwrap())
        });
        group.bench_function("software", |b| {
            b.iter(|| support::handshake_in_memory(in_software.clone(), server.clone()).unwrap())
        });
        group.finish();
    }
}

fn main() -> ExitCode {
    if std::env::var_os(FARM_ENV).is_none() {
        // The parent: make the tokens, then run again with SOFTHSM2_CONF set.
        let farm = Farm::create(
            "bench",
            &[
                TokenSpec::new("bench-ec", Content::Ec),
                TokenSpec::new("bench-rsa", Content::Rsa),
            ],
        );
        let status = Command::new(std::env::current_exe().expect("benchmark path"))
            .args(std::env::args_os().skip(1))
            .env(FARM_ENV, &farm.dir)
            .env("SOFTHSM2_CONF", &farm.conf)
            .status()
            .expect("run the benchmark");
        return if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let module = Module::load(Path::new(SOFTHSM_MODULE)).expect("SoftHSM module");
    let mut c = Criterion::default().configure_from_args();
    signatures(&mut c, &module);
    handshakes(&mut c, &module);
    c.final_summary();
    ExitCode::SUCCESS
}
