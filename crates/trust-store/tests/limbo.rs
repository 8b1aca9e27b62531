//! The first cases of the x509-limbo suite through `TrustStore::validate`, beside plain
//! rustls-webpki: the trust store must never accept a chain webpki refuses, and must agree with
//! the expected results at least as often. `cargo xtask limbo` runs the whole suite with the same
//! code (`xtask/src/limbo.rs`).
//!
//! The suite lives outside the repository, in `../shared/limbo/limbo.json.gz` beside the clone;
//! without it the test says so and passes.

use std::path::PathBuf;
use std::time::Duration;

use rustls_pki_types::UnixTime;

#[allow(dead_code)]
#[path = "../../../xtask/src/limbo.rs"]
mod limbo;

/// How many cases from the start of the file: all the hand-written x509-limbo cases (RFC 5280,
/// webpki, CRL, path length...) and the first BetterTLS ones.
const CASES: usize = 400;

fn suite() -> Option<PathBuf> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/limbo/limbo.json.gz");
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "NOTICE: {} is not there; x509-limbo agreement not tested",
            path.display()
        );
        None
    }
}

#[test]
fn first_limbo_cases_are_never_more_lenient_than_webpki() {
    let Some(path) = suite() else { return };
    let cases = limbo::load(&path).unwrap();
    assert!(cases.len() >= CASES, "only {} cases", cases.len());
    // A fixed "now" for the few cases without a validation time, so the result cannot change
    // with the calendar: 2026-11-01.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_793_491_200));
    let report = limbo::evaluate(&cases[..CASES], now).unwrap();
    println!("plain rustls-webpki: {}", report.webpki.summary());
    println!("cicsx-truststore:    {}", report.ours.summary());

    assert!(
        report.more_lenient.is_empty(),
        "accepted although webpki refuses: {:?}",
        report.more_lenient
    );
    assert!(
        report.ours.agree >= report.webpki.agree,
        "{} < {}",
        report.ours.agree,
        report.webpki.agree
    );
    // The hand-written cases are mostly expected failures: a validator that accepted
    // everything, or refused everything, would be far off.
    let ran = CASES - report.ours.skipped;
    assert!(
        report.ours.agree * 100 >= ran * 80,
        "{}",
        report.ours.summary()
    );
    assert!(
        report.ours.skipped >= 10,
        "CLIENT and max-depth cases are skipped"
    );
}

#[test]
fn a_case_runs_both_ways() {
    let Some(path) = suite() else { return };
    let cases = limbo::load(&path).unwrap();
    // The exactly trusted CA:TRUE leaf that is not self-issued: webpki refuses it as a server
    // certificate, and so must the trust store (its exact-trust rule is for self-signed ones).
    let case = cases
        .iter()
        .find(|c| c["id"] == "rfc5280::serial::negative")
        .expect("case rfc5280::serial::negative");
    let algorithms = rustls::crypto::aws_lc_rs::default_provider()
        .signature_verification_algorithms
        .all;
    let verdict = limbo::run_case(case, UnixTime::now(), algorithms).unwrap();
    assert_eq!(
        verdict,
        limbo::Verdict::Ran {
            expected_success: false,
            webpki: false,
            ours: false
        }
    );
}
