//! `cargo xtask limbo FILE`: the x509-limbo suite (`../shared/limbo/limbo.json.gz`) through
//! cicsx-truststore's public validation API ([`TrustStore::validate`]), beside plain
//! rustls-webpki 0.103 on the same inputs.
//!
//! Every SERVER case with a peer name and no `max_chain_depth` runs twice: once through a
//! [`TrustStore`] holding the case's trusted certificates, once through webpki directly
//! (`EndEntityCert::verify_for_usage` for server authentication with the signature algorithms
//! rustls uses, then `verify_is_valid_for_subject_name`). The task fails if the trust store
//! accepts any chain webpki refuses, or agrees with the expected results less often than webpki.
//! CLIENT cases, `max_chain_depth` cases and cases without a peer name are skipped; CRLs in a
//! case are ignored (neither side checks revocation). `--verbose` lists the cases webpki gets
//! wrong.
//!
//! This file is also compiled into `crates/trust-store/tests/limbo.rs` (with `#[path]`), which
//! runs the first cases of the suite as a test.

use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cicsx_truststore::{AnchorSource, TrustStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{
    CertificateDer, ServerName, SignatureVerificationAlgorithm, TrustAnchor, UnixTime,
};
use serde_json::Value;

/// What plain rustls-webpki 0.103.13 gives on the whole suite, from `shared/limbo/README.md`.
pub(crate) const README_BASELINE: Tally = Tally {
    agree: 9_703,
    wrongly_accepted: 55,
    wrongly_rejected: 5,
    skipped: 17,
};

/// Counts of cases by how a validator's answer compares with the expected result.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) agree: usize,
    pub(crate) wrongly_accepted: usize,
    pub(crate) wrongly_rejected: usize,
    pub(crate) skipped: usize,
}

impl Tally {
    fn count(&mut self, expected_success: bool, accepted: bool) {
        match (expected_success, accepted) {
            (true, true) | (false, false) => self.agree += 1,
            (false, true) => self.wrongly_accepted += 1,
            (true, false) => self.wrongly_rejected += 1,
        }
    }

    /// `N agree, A wrongly accepted, R wrongly rejected, S skipped`.
    pub(crate) fn summary(&self) -> String {
        format!(
            "{} agree, {} wrongly accepted, {} wrongly rejected, {} skipped",
            self.agree, self.wrongly_accepted, self.wrongly_rejected, self.skipped
        )
    }
}

/// The result of running cases.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// cicsx-truststore.
    pub(crate) ours: Tally,
    /// Plain rustls-webpki.
    pub(crate) webpki: Tally,
    /// IDs of cases the trust store accepts and webpki refuses (must be none).
    pub(crate) more_lenient: Vec<String>,
    /// IDs of cases the trust store refuses and webpki accepts.
    pub(crate) stricter: Vec<String>,
    /// Cases where webpki disagrees with the expected result: ID, expected success, webpki.
    pub(crate) webpki_wrong: Vec<(String, bool, bool)>,
}

/// What happened to one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Not run, and why.
    Skipped(&'static str),
    /// Run on both sides.
    Ran {
        expected_success: bool,
        webpki: bool,
        ours: bool,
    },
}

/// Reads the suite's test cases from `limbo.json` or `limbo.json.gz`.
pub(crate) fn load(path: &Path) -> Result<Vec<Value>, String> {
    let raw = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 6);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| format!("{}: not a readable gzip file: {e}", path.display()))?;
        out
    } else {
        raw
    };
    let value: Value =
        serde_json::from_slice(&json).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    match value {
        Value::Object(mut top) => match top.remove("testcases") {
            Some(Value::Array(cases)) => Ok(cases),
            _ => Err(format!("{}: no \"testcases\" array", path.display())),
        },
        Value::Array(cases) => Ok(cases),
        _ => Err(format!("{}: not an x509-limbo suite", path.display())),
    }
}

/// Runs `cases`; `now` is used for cases without a validation time. The cases are shared out
/// among the CPUs; the report lists IDs in file order.
pub(crate) fn evaluate(cases: &[Value], now: UnixTime) -> Result<Report, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = cases.len().div_ceil(threads).max(1);
    let verdicts: Vec<Result<Vec<Verdict>, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| scope.spawn(move || run_cases(part, now)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("a worker thread panicked".into()))
            })
            .collect()
    });
    let mut report = Report::default();
    let mut verdicts = verdicts.into_iter();
    for part in cases.chunks(chunk) {
        let part_verdicts = verdicts.next().ok_or("a worker is missing")??;
        for (case, verdict) in part.iter().zip(part_verdicts) {
            tally(&mut report, case, verdict);
        }
    }
    Ok(report)
}

fn run_cases(cases: &[Value], now: UnixTime) -> Result<Vec<Verdict>, String> {
    let algorithms = rustls::crypto::aws_lc_rs::default_provider()
        .signature_verification_algorithms
        .all;
    cases
        .iter()
        .map(|case| {
            run_case(case, now, algorithms).map_err(|e| {
                let id = case["id"].as_str().unwrap_or("(no id)");
                format!("case {id}: {e}")
            })
        })
        .collect()
}

fn tally(report: &mut Report, case: &Value, verdict: Verdict) {
    let id = case["id"].as_str().unwrap_or("(no id)");
    match verdict {
        Verdict::Skipped(_) => {
            report.ours.skipped += 1;
            report.webpki.skipped += 1;
        }
        Verdict::Ran {
            expected_success,
            webpki,
            ours,
        } => {
            report.ours.count(expected_success, ours);
            report.webpki.count(expected_success, webpki);
            if webpki != expected_success {
                report
                    .webpki_wrong
                    .push((id.to_owned(), expected_success, webpki));
            }
            if ours && !webpki {
                report.more_lenient.push(id.to_owned());
            }
            if webpki && !ours {
                report.stricter.push(id.to_owned());
            }
        }
    }
}

/// Runs one case on both sides.
pub(crate) fn run_case(
    case: &Value,
    now: UnixTime,
    algorithms: &[&dyn SignatureVerificationAlgorithm],
) -> Result<Verdict, String> {
    if case["validation_kind"].as_str() != Some("SERVER") {
        return Ok(Verdict::Skipped("not a SERVER case"));
    }
    if !case["max_chain_depth"].is_null() {
        return Ok(Verdict::Skipped("max_chain_depth"));
    }
    let name = &case["expected_peer_name"];
    if name.is_null() {
        return Ok(Verdict::Skipped("no peer name"));
    }
    let expected_success = match case["expected_result"].as_str() {
        Some("SUCCESS") => true,
        Some("FAILURE") => false,
        other => return Err(format!("expected_result {other:?}")),
    };
    let time = match case["validation_time"].as_str() {
        Some(text) => parse_time(text)?,
        None => now,
    };
    let trusted = pem_list(&case["trusted_certs"]);
    let intermediates = pem_list(&case["untrusted_intermediates"]);
    let leaf = case["peer_certificate"]
        .as_str()
        .and_then(|pem| CertificateDer::from_pem_slice(pem.as_bytes()).ok());
    let server_name = server_name(name)?;

    let (Some(leaf), Some(server_name)) = (leaf, server_name) else {
        // No certificate or no usable name: nothing can accept it.
        return Ok(Verdict::Ran {
            expected_success,
            webpki: false,
            ours: false,
        });
    };

    let webpki = webpki_accepts(
        &trusted,
        &leaf,
        &intermediates,
        &server_name,
        time,
        algorithms,
    );

    let mut store = TrustStore::new();
    for cert in &trusted {
        store.add_anchor(cert.clone(), AnchorSource::Builtin("x509-limbo".into()));
    }
    let ours = store
        .validate(&leaf, &intermediates, &server_name, time)
        .is_ok();

    Ok(Verdict::Ran {
        expected_success,
        webpki,
        ours,
    })
}

/// Plain rustls-webpki, as rustls' WebPKI verifier calls it (no CRLs).
fn webpki_accepts(
    trusted: &[CertificateDer<'static>],
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    server_name: &ServerName<'_>,
    time: UnixTime,
    algorithms: &[&dyn SignatureVerificationAlgorithm],
) -> bool {
    let anchors: Vec<TrustAnchor<'_>> = trusted
        .iter()
        .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    let Ok(ee) = webpki::EndEntityCert::try_from(leaf) else {
        return false;
    };
    ee.verify_for_usage(
        algorithms,
        &anchors,
        intermediates,
        time,
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )
    .is_ok()
        && ee.verify_is_valid_for_subject_name(server_name).is_ok()
}

/// The certificates of a JSON array of PEM strings; ones that do not decode are left out.
fn pem_list(value: &Value) -> Vec<CertificateDer<'static>> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| CertificateDer::from_pem_slice(v.as_str()?.as_bytes()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// `{"kind": "DNS"|"IP", "value": ...}`; `None` if the value cannot be a TLS server name.
fn server_name(name: &Value) -> Result<Option<ServerName<'static>>, String> {
    let value = name["value"].as_str().ok_or("peer name without a value")?;
    Ok(match name["kind"].as_str() {
        Some("DNS") => ServerName::try_from(value.to_owned()).ok(),
        Some("IP") => value
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ServerName::IpAddress(ip.into())),
        _ => None,
    })
}

/// RFC 3339 (`2024-03-01T00:00:00.999+00:00`, `...Z`), to whole seconds (fractions dropped, as
/// webpki compares whole seconds).
pub(crate) fn parse_time(text: &str) -> Result<UnixTime, String> {
    let bad = || format!("bad validation_time {text:?}");
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        let s = text.get(range).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<i64>().map_err(|_| bad())
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = text.get(19..).ok_or_else(bad)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(bad()),
            };
            let (h, m) = rest[1..].split_once(':').ok_or_else(bad)?;
            let h: i64 = h.parse().map_err(|_| bad())?;
            let m: i64 = m.parse().map_err(|_| bad())?;
            sign * (h * 3600 + m * 60)
        }
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return Err(bad());
    }
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let secs = u64::try_from(secs).map_err(|_| bad())?;
    Ok(UnixTime::since_unix_epoch(Duration::from_secs(secs)))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (the era-based algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The task: run the whole file, print the comparison, and fail if the trust store is more
/// lenient than webpki anywhere or agrees less often.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (verbose, file) = match args {
        [file] => (false, file),
        [flag, file] if flag == "--verbose" || flag == "-v" => (true, file),
        _ => {
            return Err(
                "usage: cargo xtask limbo [--verbose] FILE (limbo.json or limbo.json.gz)".into(),
            );
        }
    };
    let started = Instant::now();
    let cases = load(Path::new(file))?;
    let loaded = started.elapsed();
    let now = UnixTime::since_unix_epoch(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| format!("system clock before 1970: {e}"))?,
    );
    let report = evaluate(&cases, now)?;
    let total = started.elapsed();

    println!(
        "{} cases read in {:.1} s, run in {:.1} s",
        cases.len(),
        loaded.as_secs_f64(),
        (total - loaded).as_secs_f64()
    );
    println!("plain rustls-webpki:  {}", report.webpki.summary());
    if cases.len() == 9_780 {
        println!("README baseline:      {}", README_BASELINE.summary());
    }
    if verbose {
        for (id, expected_success, _) in &report.webpki_wrong {
            let wrongly = if *expected_success {
                "rejects"
            } else {
                "accepts"
            };
            println!("plain rustls-webpki wrongly {wrongly}: {id}");
        }
    }
    for id in &report.stricter {
        println!("refused although webpki accepts: {id}");
    }
    for id in &report.more_lenient {
        println!("ACCEPTED ALTHOUGH WEBPKI REFUSES: {id}");
    }
    println!("limbo: {}", report.ours.summary());

    if !report.more_lenient.is_empty() {
        return Err(format!(
            "cicsx-truststore accepts {} chain(s) rustls-webpki refuses",
            report.more_lenient.len()
        ));
    }
    if report.ours.agree < report.webpki.agree {
        return Err(format!(
            "cicsx-truststore agrees on {} cases, fewer than rustls-webpki's {}",
            report.ours.agree, report.webpki.agree
        ));
    }
    if cases.len() == 9_780 && report.ours.agree < README_BASELINE.agree {
        return Err(format!(
            "cicsx-truststore agrees on {} cases, fewer than the baseline's {}",
            report.ours.agree, README_BASELINE.agree
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(t: UnixTime) -> u64 {
        t.as_secs()
    }

    #[test]
    fn summary_line() {
        let mut t = Tally::default();
        t.count(true, true);
        t.count(false, false);
        t.count(false, true);
        t.count(true, false);
        t.count(true, false);
        t.skipped = 3;
        assert_eq!(
            t.summary(),
            "2 agree, 1 wrongly accepted, 2 wrongly rejected, 3 skipped"
        );
        assert_eq!(
            README_BASELINE.summary(),
            "9703 agree, 55 wrongly accepted, 5 wrongly rejected, 17 skipped"
        );
    }

    #[test]
    fn times() {
        assert_eq!(secs(parse_time("1970-01-01T00:00:03+00:00").unwrap()), 3);
        assert_eq!(
            secs(parse_time("2024-03-01T00:00:00.999+00:00").unwrap()),
            1_709_251_200
        );
        assert_eq!(
            secs(parse_time("2024-03-01T01:00:00+01:00").unwrap()),
            1_709_251_200
        );
        assert_eq!(
            secs(parse_time("2000-02-29T00:00:00Z").unwrap()),
            951_782_400
        );
        for bad in [
            "",
            "2024-03-01",
            "2024-13-01T00:00:00Z",
            "2024-03-01T00:00:00",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
