//! Chain validation against a trust store of 10,000 anchors and of 1 anchor, beside rustls'
//! own `WebPkiServerVerifier` and plain rustls-webpki with the same anchors, so each figure can
//! be read as a ratio to its peer measured in the same run.
//!
//! `cargo bench -p cicsx-truststore --bench validate`; results and commands are in
//! `docs/BENCHMARKS.md` ("Trust store").

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use cicsx_truststore::{AnchorSource, TrustStore, Verification};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};

const HOST: &str = "cics.example.com";

/// A root, an intermediate and a server certificate for [`HOST`], and `fillers` unrelated
/// self-signed CA certificates; the anchors are the fillers with the real root in the middle.
struct Pki {
    anchors: Vec<CertificateDer<'static>>,
    leaf: CertificateDer<'static>,
    intermediates: Vec<CertificateDer<'static>>,
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "cicsx bench");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
}

fn pki(fillers: usize) -> Pki {
    let root_key = KeyPair::generate().unwrap();
    let root_params = ca_params("Bench Root CA");
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);

    let int_key = KeyPair::generate().unwrap();
    let int_params = ca_params("Bench Intermediate CA");
    let intermediate = int_params.signed_by(&int_key, &root_issuer).unwrap();
    let int_issuer = Issuer::new(int_params, int_key);

    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params = CertificateParams::new(vec![HOST.to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, HOST);
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    let leaf = leaf_params.signed_by(&leaf_key, &int_issuer).unwrap();

    let mut anchors: Vec<CertificateDer<'static>> = (0..fillers)
        .map(|i| {
            let key = KeyPair::generate().unwrap();
            ca_params(&format!("Unrelated CA {i}"))
                .self_signed(&key)
                .unwrap()
                .der()
                .clone()
        })
        .collect();
    anchors.insert(fillers / 2, root.der().clone());
    Pki {
        anchors,
        leaf: leaf.der().clone(),
        intermediates: vec![intermediate.der().clone()],
    }
}

fn trust_store(anchors: &[CertificateDer<'static>]) -> TrustStore {
    let mut store = TrustStore::new();
    store.add_anchors(
        anchors.iter().cloned(),
        AnchorSource::Builtin("bench".into()),
    );
    store
}

fn rustls_verifier(anchors: &[CertificateDer<'static>]) -> Arc<WebPkiServerVerifier> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(anchors.iter().cloned());
    WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
    )
    .build()
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let name = ServerName::try_from(HOST).unwrap();
    let now = UnixTime::now();
    let algorithms = rustls::crypto::aws_lc_rs::default_provider()
        .signature_verification_algorithms
        .all;

    for anchors in [1usize, 10_000] {
        let pki = pki(anchors - 1);
        assert_eq!(pki.anchors.len(), anchors);

        // Everything must actually accept the chain, or the figures mean nothing.
        let store = trust_store(&pki.anchors);
        store
            .validate(&pki.leaf, &pki.intermediates, &name, now)
            .expect("trust store accepts the bench chain");
        let rustls_v = rustls_verifier(&pki.anchors);
        rustls_v
            .verify_server_cert(&pki.leaf, &pki.intermediates, &name, &[], now)
            .expect("rustls accepts the bench chain");
        let webpki_anchors: Vec<TrustAnchor<'_>> = pki
            .anchors
            .iter()
            .map(|c| webpki::anchor_from_trusted_cert(c).unwrap())
            .collect();
        let ours_v = store.verifier(HOST, 1490, Verification::On);

        let mut build = c.benchmark_group(format!("build verifier, {anchors} anchor(s)"));
        build.bench_function("cicsx TrustStore::add_anchors + verifier", |b| {
            b.iter(|| {
                let store = trust_store(black_box(&pki.anchors));
                black_box(store.verifier(HOST, 1490, Verification::On))
            })
        });
        // Per connection, once the store has prepared its anchors (the usual case: one store,
        // many connections).
        build.bench_function("cicsx TrustStore::verifier, anchors prepared", |b| {
            b.iter(|| black_box(store.verifier(black_box(HOST), 1490, Verification::On)))
        });
        build.bench_function("rustls RootCertStore + WebPkiServerVerifier", |b| {
            b.iter(|| black_box(rustls_verifier(black_box(&pki.anchors))))
        });
        build.finish();

        let mut validate = c.benchmark_group(format!("validate chain, {anchors} anchor(s)"));
        validate.bench_function(BenchmarkId::new("cicsx", "TrustStore::validate"), |b| {
            b.iter(|| {
                store
                    .validate(
                        black_box(&pki.leaf),
                        black_box(&pki.intermediates),
                        &name,
                        now,
                    )
                    .unwrap()
            })
        });
        validate.bench_function(BenchmarkId::new("cicsx", "TrustVerifier"), |b| {
            b.iter(|| {
                ours_v
                    .verify_server_cert(
                        black_box(&pki.leaf),
                        black_box(&pki.intermediates),
                        &name,
                        &[],
                        now,
                    )
                    .unwrap()
            })
        });
        validate.bench_function(BenchmarkId::new("rustls", "WebPkiServerVerifier"), |b| {
            b.iter(|| {
                rustls_v
                    .verify_server_cert(
                        black_box(&pki.leaf),
                        black_box(&pki.intermediates),
                        &name,
                        &[],
                        now,
                    )
                    .unwrap()
            })
        });
        validate.bench_function(BenchmarkId::new("webpki", "EndEntityCert"), |b| {
            b.iter(|| {
                let ee = webpki::EndEntityCert::try_from(black_box(&pki.leaf)).unwrap();
                ee.verify_for_usage(
                    algorithms,
                    &webpki_anchors,
                    black_box(&pki.intermediates),
                    now,
                    webpki::KeyUsage::server_auth(),
                    None,
                    None,
                )
                .unwrap();
                ee.verify_is_valid_for_subject_name(&name).unwrap();
            })
        });
        validate.finish();
    }
}

criterion_group! {
    name = trust_store_benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = benches
}
criterion_main!(trust_store_benches);
