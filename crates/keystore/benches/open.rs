//! Opening and writing keystores: what every cicsx command that needs a client certificate or
//! a trust store pays before it connects.
//!
//! `cargo bench -p cicsx-keystore --bench open`. The comparison with `openssl pkcs12` and
//! `keytool` as whole processes is in docs/BENCHMARKS.md (section "Keystore").

use std::hint::black_box;

use cicsx_keystore::{DEFAULT_PASSPHRASE, Keystore, KeystoreFile, SecretString};
use criterion::{Criterion, criterion_group, criterion_main};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A typical client keystore: one EC key with a chain of two, and a trusted root.
fn client_keystore() -> Keystore {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "bench CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["client.example.com".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "bench client");
    let leaf = params.signed_by(&key, &issuer).unwrap();
    let mut ks = Keystore::new();
    ks.add_private_key(
        "client",
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        vec![leaf.der().clone(), ca.der().clone()],
    )
    .unwrap();
    ks.add_trusted("cics-root", ca.der().clone()).unwrap();
    ks
}

fn bench(c: &mut Criterion) {
    let pass = SecretString::from(DEFAULT_PASSPHRASE);
    let ks = client_keystore();
    // PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256 and MAC with 10,000 iterations each, as written.
    let der = ks.to_pkcs12(&pass).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.p12");
    std::fs::write(&path, &der).unwrap();
    let file = KeystoreFile::new(&path);
    let jks = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/cicsx-keytool.jks"
    ))
    .unwrap();

    let mut g = c.benchmark_group("keystore");
    g.bench_function("from_pkcs12 (10,000 iterations)", |b| {
        b.iter(|| Keystore::from_pkcs12(black_box(&der), &pass).unwrap())
    });
    g.bench_function("KeystoreFile::load (locked read + decode)", |b| {
        b.iter(|| file.load(&pass).unwrap())
    });
    g.bench_function("uses_default_passphrase (MAC only)", |b| {
        b.iter(|| assert!(file.uses_default_passphrase()))
    });
    g.bench_function("to_pkcs12 (10,000 iterations)", |b| {
        b.iter(|| black_box(&ks).to_pkcs12(&pass).unwrap())
    });
    g.bench_function("from_jks (3 entries)", |b| {
        b.iter(|| Keystore::from_jks(black_box(&jks), &pass).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
