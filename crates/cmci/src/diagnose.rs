//! `cicsx diagnose`: why can't I connect, and what exactly must change?
//!
//! [`diagnose`] probes one endpoint through `cicsx-handshake`'s probes (the only code that
//! opens sockets) and writes a [`Report`]: whether the port is open, whether it speaks TLS or
//! plain HTTP and whether CMCI answers there; which TLS versions and cipher suites the server
//! accepts, each rated strong, medium or weak with the reasons, and which of them cicsx can
//! use; the certificate chain, whether it names the host and whether the configured trust
//! store trusts it; whether the server asks for a client certificate, the CA names it
//! accepts and which keystore entries (or smart card certificates) match them; and a
//! [`Verdict`] in the terms of the message catalogue (`CICSX0407E`...), with the fix on the
//! client side and on the CICS region side.
//!
//! The probes never send credentials: no password, no client certificate. The only request
//! is an unauthenticated `GET /CICSSystemManagement/`.
//!
//! The report serialises (serde) to the JSON documented in `docs/diagnose.md`;
//! [`SCHEMA_VERSION`] changes when a field changes meaning or goes away.
//!
//! The judgement is a pure function of what the probes saw ([`Observations`] and
//! [`assess`]), so that it can be tested without a network.

use std::collections::HashSet;
use std::time::Instant;

use cicsx_handshake::probe::{
    AfterHandshake, FullHandshake, HelloOutcome, HttpAnswer, Limits, PlainAnswer, Prober, Progress,
    Rating, SuiteScan, TlsVersion, suites,
};
use cicsx_handshake::{Endpoint, Error as HandshakeError, TlsVersions};
use cicsx_keystore::Keystore;
use cicsx_truststore::{CertificateInfo, Rejection, TrustOutcome, TrustStore, Verification};
use rustls::AlertDescription;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde::Serialize;

/// The version of the JSON layout of [`Report`].
pub const SCHEMA_VERSION: u32 = 1;

/// A certificate that could serve as the client certificate, from somewhere other than the
/// keystore (a smart card).
#[derive(Clone, Debug)]
pub struct Candidate {
    /// How to name it to the user, e.g. a PKCS#11 URI.
    pub name: String,
    /// The certificate.
    pub certificate: CertificateDer<'static>,
}

/// The client certificate a connect would present, as far as diagnose knows it.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum ClientIdentity {
    /// Not known (a bare HOST:PORT): any keystore entry or smart card certificate that
    /// matches the server's CA names counts, and the verdict says which one to use.
    #[default]
    Any,
    /// A stored connection without a certificate credential: a connect presents none.
    Nothing,
    /// A stored connection's certificate credential, as a connect loads it.
    Certificate {
        /// How to name it to the user (the file or keystore and the alias, or a PKCS#11 URI).
        name: String,
        /// Its certificate chain, leaf first.
        chain: Vec<CertificateDer<'static>>,
    },
}

/// What to diagnose with: beyond the endpoint, everything is optional but the trust store.
#[derive(Debug)]
#[non_exhaustive]
pub struct Options<'a> {
    /// The server name to send (SNI) and to check the certificate against; default: the host.
    pub sni: Option<&'a str>,
    /// The trust store of the workspace (keystore, truststore, pins).
    pub trust: &'a TrustStore,
    /// Whether certificates are verified (the trust verification preference).
    pub verification: Verification,
    /// The keystore whose private-key entries may match the server's CA names.
    pub keystore: Option<&'a Keystore>,
    /// Other client certificates to match (e.g. the certificates on a smart card).
    pub candidates: Vec<Candidate>,
    /// Whether the connection is meant to use TLS: `Some(false)` for a stored connection
    /// with "Secure connection" off. `None` (a bare HOST:PORT) means TLS is wanted.
    pub secure: Option<bool>,
    /// The secure socket protocol preference: the versions a connect offers.
    pub versions: TlsVersions,
    /// The client certificate a connect would present.
    pub identity: ClientIdentity,
    /// Bounds on the probes.
    pub limits: Limits,
}

impl<'a> Options<'a> {
    /// Options with the given trust store and every other setting at its default.
    pub fn new(trust: &'a TrustStore) -> Self {
        Self {
            sni: None,
            trust,
            verification: Verification::On,
            keystore: None,
            candidates: Vec::new(),
            secure: None,
            versions: TlsVersions::Default,
            identity: ClientIdentity::Any,
            limits: Limits::default(),
        }
    }
}

/// What the port speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaks {
    /// TLS: some ClientHello got a ServerHello or a TLS alert.
    Tls,
    /// Plain HTTP: a TLS ClientHello or a plain request got an HTTP response.
    PlainHttp,
    /// Something that is neither TLS nor HTTP.
    Other,
    /// Every connection was closed without a byte, TLS or plain.
    Nothing,
    /// Not known: the port could not be reached.
    Unknown,
}

/// Whether the port is a CMCI endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cmci {
    /// A sign of CICS was seen (headers, a DFHWU message, a CICS sign-on realm, CMCI XML).
    pub detected: bool,
    /// Over what the probe request went: `tls` or `plain`.
    pub over: Option<String>,
    /// The status line of the answer to `GET /CICSSystemManagement/`.
    pub http_status: Option<String>,
    /// The signs, one phrase each.
    pub evidence: Vec<String>,
    /// Why there is no HTTP answer, when there is none (e.g. the server ended the
    /// connection with a TLS alert first).
    pub no_answer: Option<String>,
}

/// One protocol version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionReport {
    /// `TLS 1.0` ... `TLS 1.3`.
    pub version: String,
    /// Whether the server accepts it.
    pub accepted: bool,
    /// What the server answered to a hello offering every suite of the version.
    pub answer: String,
    /// Whether cicsx ever uses this version (TLS 1.2 and 1.3).
    pub usable_by_cicsx: bool,
}

/// One accepted cipher suite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuiteReport {
    /// IANA name, e.g. `TLS_RSA_WITH_AES_128_CBC_SHA`.
    pub name: String,
    /// IANA code, e.g. `0x002F`.
    pub code: String,
    /// The protocol version it was accepted with.
    pub version: String,
    /// `strong`, `medium` or `weak`.
    pub rating: String,
    /// Why it is not strong: `no forward secrecy`, `CBC`, `3DES`, `RC4`...
    pub reasons: Vec<String>,
    /// Whether cicsx can negotiate it.
    pub usable_by_cicsx: bool,
}

/// cicsx's own handshake (rustls, strong suites, TLS 1.2 and 1.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HandshakeReport {
    /// Whether it was tried (only for a TLS port).
    pub attempted: bool,
    /// Whether it completed.
    pub ok: bool,
    /// `TLSv1.3` or `TLSv1.2`.
    pub version: Option<String>,
    /// The negotiated suite.
    pub cipher_suite: Option<String>,
    /// The key exchange group.
    pub key_exchange: Option<String>,
    /// How it failed.
    pub error: Option<Problem>,
}

/// A failure, with its message ID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The message ID, e.g. `CICSX0407E`.
    pub id: String,
    /// The message.
    pub message: String,
}

/// One certificate of the chain the server presented.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateReport {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// Whether it is outside its validity period now.
    pub expired_or_not_yet_valid: bool,
    /// Public key, e.g. `RSA 2048`, `ECDSA P-256`.
    pub key: String,
    /// Subject alternative names.
    pub sans: Vec<String>,
    /// SHA-256 fingerprint (`AB:CD:...`).
    pub sha256: String,
    /// Self-issued.
    pub self_signed: bool,
    /// A CA certificate.
    pub is_ca: bool,
}

/// Whether the leaf certificate names the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostNameReport {
    /// The name checked (the SNI name, else the host).
    pub name: String,
    /// Whether the certificate is valid for it.
    pub matches: bool,
}

/// How the trust store judges the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrustReport {
    /// `trusted` (a path to a trusted CA, or the certificate itself is trusted), `pinned`
    /// (accepted before for this host and port), or `untrusted`.
    pub status: String,
    /// The reason, for `untrusted`.
    pub detail: Option<String>,
    /// The message ID of the problem, for `untrusted`.
    pub message_id: Option<String>,
    /// Whether trust verification is on (when off, cicsx connects to any certificate).
    pub verification: bool,
}

/// The client-certificate side.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClientCertificateReport {
    /// The server asks for a client certificate.
    pub requested: bool,
    /// Whether it insists on one: `true` when the handshake without one failed because of
    /// it, `false` when it went on without one, `null` when that could not be told.
    pub required: Option<bool>,
    /// The CAs whose certificates the server accepts (DNs). Empty while requested: any.
    pub acceptable_ca_names: Vec<String>,
    /// Aliases of keystore entries with a private key whose chain leads to one of those CAs.
    pub matching_keystore_entries: Vec<String>,
    /// Smart card certificates issued by one of those CAs.
    pub matching_smart_card_certificates: Vec<String>,
    /// For a stored connection with a certificate credential: that certificate, and whether
    /// it is issued by one of those CAs.
    pub connection_credential: Option<CredentialReport>,
}

/// A stored connection's own client certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CredentialReport {
    /// The credential: file or keystore and alias, or PKCS#11 URI.
    pub name: String,
    /// Whether its chain leads to one of the CAs the server accepts (any, when it names none).
    pub matches: bool,
}

/// Which side a fix is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// cicsx, its connection or preferences.
    Client,
    /// The CICS region: its TCPIPSERVICE, SIT parameters or key ring.
    Region,
}

/// One thing to change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Where.
    pub side: Side,
    /// What.
    pub text: String,
}

/// The answer: can cicsx connect, and if not, why and what to change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// cicsx can connect.
    pub ok: bool,
    /// The catalogue message ID of the problem (`cicsx explain ID` tells more); none when ok.
    pub message_id: Option<String>,
    /// The catalogue's title for that ID.
    pub title: Option<String>,
    /// One or two sentences.
    pub summary: String,
    /// What to change, client side and region side.
    pub fixes: Vec<Fix>,
}

/// Everything `cicsx diagnose` found out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// `host:port`.
    pub target: String,
    /// The server name sent and checked.
    pub server_name: String,
    /// A TCP connection could be opened.
    pub reachable: bool,
    /// Why not, when it could not.
    pub connect_error: Option<Problem>,
    /// What the port speaks.
    pub speaks: Speaks,
    /// Whether CMCI answers there.
    pub cmci: Cmci,
    /// TLS 1.3 down to TLS 1.0 (empty when the port does not speak TLS).
    pub versions: Vec<VersionReport>,
    /// Accepted suites, newest version first, in the server's order.
    pub suites: Vec<SuiteReport>,
    /// cicsx's own handshake.
    pub cicsx_handshake: HandshakeReport,
    /// The server's chain, leaf first.
    pub certificates: Vec<CertificateReport>,
    /// Whether the leaf names the host.
    pub host_name: Option<HostNameReport>,
    /// Whether the trust store trusts the chain.
    pub trust: Option<TrustReport>,
    /// Client certificates.
    pub client_certificate: ClientCertificateReport,
    /// The verdict.
    pub verdict: Verdict,
    /// Anything else worth knowing.
    pub notes: Vec<String>,
    /// Connections the probes opened.
    pub connections: usize,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

/// What the probes saw, before any judgement.
#[derive(Debug)]
#[non_exhaustive]
pub struct Observations {
    /// `host:port`.
    pub target: Endpoint,
    /// The server name sent.
    pub server_name: String,
    /// The TCP connect failure, if any.
    pub connect_error: Option<HandshakeError>,
    /// One scan per version probed, newest first.
    pub scans: Vec<SuiteScan>,
    /// A probe that failed to connect part-way.
    pub scan_error: Option<HandshakeError>,
    /// cicsx's own handshake, for a TLS port.
    pub full: Option<FullHandshake>,
    /// The plain HTTP probe, when the port does not speak TLS.
    pub plain: Option<Result<PlainAnswer, HandshakeError>>,
    /// Connections opened.
    pub connections: usize,
    /// Milliseconds taken.
    pub elapsed_ms: u64,
}

/// Diagnoses `target` with default [`Options`]: `sni`, `trust`, and the `keystore` whose
/// entries are matched against the server's CA names. `progress` hears each step.
pub async fn diagnose(
    target: &Endpoint,
    sni: Option<&str>,
    trust: &TrustStore,
    keystore: Option<&Keystore>,
    progress: Progress<'_>,
) -> Report {
    let mut options = Options::new(trust);
    options.sni = sni;
    options.keystore = keystore;
    diagnose_with(target, &options, progress).await
}

/// Diagnoses `target` with `options`.
pub async fn diagnose_with(
    target: &Endpoint,
    options: &Options<'_>,
    progress: Progress<'_>,
) -> Report {
    let observations = observe(target, options, progress).await;
    progress("judging the results");
    assess(&observations, options, UnixTime::now())
}

/// Runs the probes.
pub async fn observe(
    target: &Endpoint,
    options: &Options<'_>,
    progress: Progress<'_>,
) -> Observations {
    let started = Instant::now();
    let prober = Prober::new(
        target.clone(),
        options.sni.map(str::to_owned),
        options.limits.clone(),
    );
    let mut obs = Observations {
        target: target.clone(),
        server_name: prober.server_name().to_owned(),
        connect_error: None,
        scans: Vec::new(),
        scan_error: None,
        full: None,
        plain: None,
        connections: 0,
        elapsed_ms: 0,
    };
    progress(&format!("connecting to {target}"));
    if let Err(e) = prober.probe_open().await {
        obs.connect_error = Some(e);
    } else {
        for version in TlsVersion::ALL.into_iter().rev() {
            progress(&format!("probing {version}"));
            match prober.enumerate_suites(version, progress).await {
                Ok(scan) => {
                    let stop = matches!(scan.first, HelloOutcome::NotTls(_));
                    obs.scans.push(scan);
                    if stop {
                        // A port that answers TLS with HTTP will do so for every version.
                        break;
                    }
                }
                Err(e) => {
                    obs.scan_error = Some(e);
                    break;
                }
            }
        }
        if speaks_tls(&obs.scans) {
            progress("handshake as cicsx does it (TLS 1.2/1.3, strong suites, no credentials)");
            obs.full = Some(prober.full_handshake().await);
        } else {
            progress("sending a plain HTTP request (no credentials)");
            obs.plain = Some(prober.probe_plain_http().await);
        }
    }
    obs.connections = prober.connections_used();
    obs.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    obs
}

fn speaks_tls(scans: &[SuiteScan]) -> bool {
    scans.iter().any(|s| {
        matches!(
            s.first,
            HelloOutcome::ServerHello { .. } | HelloOutcome::Alert(_)
        )
    })
}

fn problem(e: &HandshakeError) -> Problem {
    Problem {
        id: e.id().to_owned(),
        message: e.to_string(),
    }
}

fn fix(side: Side, text: impl Into<String>) -> Fix {
    Fix {
        side,
        text: text.into(),
    }
}

/// Judges what the probes saw: the report and its verdict. `now` decides validity periods.
pub fn assess(obs: &Observations, options: &Options<'_>, now: UnixTime) -> Report {
    let mut report = Report {
        schema: SCHEMA_VERSION,
        target: obs.target.to_string(),
        server_name: obs.server_name.clone(),
        reachable: obs.connect_error.is_none(),
        connect_error: obs.connect_error.as_ref().map(problem),
        speaks: Speaks::Unknown,
        cmci: Cmci::default(),
        versions: Vec::new(),
        suites: Vec::new(),
        cicsx_handshake: HandshakeReport::default(),
        certificates: Vec::new(),
        host_name: None,
        trust: None,
        client_certificate: ClientCertificateReport::default(),
        verdict: Verdict {
            ok: false,
            message_id: None,
            title: None,
            summary: String::new(),
            fixes: Vec::new(),
        },
        notes: Vec::new(),
        connections: obs.connections,
        elapsed_ms: obs.elapsed_ms,
    };
    if let Some(e) = &obs.scan_error {
        report.notes.push(format!(
            "a probe could not connect part-way: {} {e}",
            e.id()
        ));
    }
    if let Some(e) = &obs.connect_error {
        report.verdict = unreachable_verdict(e);
        with_title(&mut report.verdict);
        return report;
    }
    report.speaks = speaks(obs);
    if report.speaks == Speaks::Tls {
        tls_facts(obs, &mut report);
        certificate_facts(obs, options, now, &mut report);
        client_certificate_facts(obs, options, &mut report);
    }
    cmci_facts(obs, &mut report);
    report.verdict = verdict(obs, options, &report);
    with_title(&mut report.verdict);
    report
}

/// Fills in the catalogue title of the verdict's message ID.
fn with_title(verdict: &mut Verdict) {
    verdict.title = verdict
        .message_id
        .as_deref()
        .and_then(crate::catalogue::lookup)
        .map(|m| m.title.to_owned());
}

fn speaks(obs: &Observations) -> Speaks {
    if speaks_tls(&obs.scans) {
        return Speaks::Tls;
    }
    let not_tls = obs.scans.iter().find_map(|s| match &s.first {
        HelloOutcome::NotTls(r) => Some(r),
        _ => None,
    });
    match (&obs.plain, not_tls) {
        (Some(Ok(PlainAnswer::Http(_))), _) => Speaks::PlainHttp,
        (_, Some(r)) if r.http_status_line().is_some() => Speaks::PlainHttp,
        (_, Some(_)) => Speaks::Other,
        (Some(Ok(PlainAnswer::Other(_) | PlainAnswer::Tls(_))), _) => Speaks::Other,
        (Some(Ok(PlainAnswer::ClosedWithoutReply)), _) => Speaks::Nothing,
        _ => Speaks::Unknown,
    }
}

fn tls_facts(obs: &Observations, report: &mut Report) {
    for scan in &obs.scans {
        let accepted = scan.version_accepted();
        report.versions.push(VersionReport {
            version: scan.version.name().to_owned(),
            accepted,
            answer: scan.first.describe(),
            usable_by_cicsx: scan.version >= TlsVersion::Tls12,
        });
        for &code in &scan.accepted {
            let (rating, reasons) = suites::lookup(code)
                .map(|s| s.rating())
                .unwrap_or((Rating::Weak, vec!["unknown suite"]));
            report.suites.push(SuiteReport {
                name: suites::name_of(code),
                code: suites::code_text(code),
                version: scan.version.name().to_owned(),
                rating: rating.name().to_owned(),
                reasons: reasons.into_iter().map(str::to_owned).collect(),
                usable_by_cicsx: suites::usable_by_cicsx(code, scan.version),
            });
        }
        if let Some(why) = &scan.incomplete {
            report.notes.push(format!(
                "the {} suite list may be incomplete: {why}",
                scan.version
            ));
        }
        if let HelloOutcome::ServerHello { hello, .. } = &scan.first
            && hello.downgrade_sentinel
            && scan.version < TlsVersion::Tls13
            && !accepted
        {
            report.notes.push(format!(
                "the server signalled that it supports a newer version than {}",
                scan.version
            ));
        }
    }
    if let Some(full) = &obs.full {
        report.cicsx_handshake.attempted = true;
        match &full.outcome {
            Ok(info) => {
                report.cicsx_handshake.ok = true;
                report.cicsx_handshake.version = Some(info.version.clone());
                report.cicsx_handshake.cipher_suite = Some(info.cipher_suite.clone());
                report.cicsx_handshake.key_exchange = info.key_exchange.clone();
            }
            Err(e) => report.cicsx_handshake.error = Some(problem(e)),
        }
    }
}

/// The chain: from cicsx's handshake, else from a TLS 1.0 to 1.2 probe's flight.
fn presented_chain(obs: &Observations) -> Vec<CertificateDer<'static>> {
    if let Some(full) = &obs.full
        && !full.presented_chain.is_empty()
    {
        return full.presented_chain.clone();
    }
    obs.scans
        .iter()
        .find_map(|s| match &s.first {
            HelloOutcome::ServerHello { certificates, .. } if !certificates.is_empty() => Some(
                certificates
                    .iter()
                    .map(|c| CertificateDer::from(c.clone()))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

fn certificate_facts(
    obs: &Observations,
    options: &Options<'_>,
    now: UnixTime,
    report: &mut Report,
) {
    let chain = presented_chain(obs);
    let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    for cert in &chain {
        match CertificateInfo::from_der(cert) {
            Ok(info) => report.certificates.push(CertificateReport {
                expired_or_not_yet_valid: now_secs > info.not_after_unix
                    || now_secs < info.not_before_unix,
                subject: info.subject,
                issuer: info.issuer,
                not_before: info.not_before,
                not_after: info.not_after,
                key: info.key_algorithm,
                sans: info.subject_alt_names,
                sha256: info.sha256.to_string(),
                self_signed: info.self_signed,
                is_ca: info.is_ca,
            }),
            Err(e) => report.notes.push(format!(
                "a certificate of the chain cannot be read: {} {e}",
                e.id()
            )),
        }
    }
    let Some((leaf, intermediates)) = chain.split_first() else {
        if report.speaks == Speaks::Tls {
            report.notes.push(
                "the server sent no certificate before the handshake ended, so none can be shown"
                    .to_owned(),
            );
        }
        return;
    };
    let Ok(server_name) = ServerName::try_from(obs.server_name.clone()) else {
        report.notes.push(format!(
            "'{}' is not a valid host name or IP address for TLS",
            obs.server_name
        ));
        return;
    };
    let matches = webpki::EndEntityCert::try_from(leaf)
        .map(|ee| ee.verify_is_valid_for_subject_name(&server_name).is_ok())
        .unwrap_or(false);
    report.host_name = Some(HostNameReport {
        name: obs.server_name.clone(),
        matches,
    });
    let outcome =
        options
            .trust
            .validate_with_pins(obs.target.port, leaf, intermediates, &server_name, now);
    let verification = options.verification == Verification::On;
    report.trust = Some(match outcome {
        Ok(TrustOutcome::Pinned) => TrustReport {
            status: "pinned".to_owned(),
            detail: None,
            message_id: None,
            verification,
        },
        Ok(_) => TrustReport {
            status: "trusted".to_owned(),
            detail: None,
            message_id: None,
            verification,
        },
        Err(rejection) => TrustReport {
            status: "untrusted".to_owned(),
            detail: Some(rejection.to_string()),
            message_id: Some(rejection_id(&rejection).to_owned()),
            verification,
        },
    });
}

/// The catalogue ID of a certificate problem, as a connect would report it.
fn rejection_id(rejection: &Rejection) -> &'static str {
    match rejection {
        Rejection::UnknownIssuer => "CICSX0411E",
        Rejection::Expired { .. } => "CICSX0412E",
        Rejection::NotYetValid => "CICSX0413E",
        Rejection::WrongHost { .. } => "CICSX0414E",
        Rejection::Changed { .. } => "CICSX0608E",
        Rejection::WeakKey { .. } => "CICSX0216E",
        _ => "CICSX0416E",
    }
}

/// The DER names of a certificate: (issuer, subject).
fn names(cert: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert).ok()?;
    Some((
        parsed.issuer().as_raw().to_vec(),
        parsed.subject().as_raw().to_vec(),
    ))
}

/// A DER distinguished name as text (`O=..., CN=...`).
pub fn dn_text(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    match x509_parser::x509::X509Name::from_der(der) {
        Ok((_, name)) => name.to_string(),
        Err(_) => format!("(unreadable name, {} bytes)", der.len()),
    }
}

/// Whether a chain leads to one of `cas`: a certificate in it is issued by, or is, one of them.
fn chain_matches(chain: &[CertificateDer<'_>], cas: &HashSet<&[u8]>) -> bool {
    chain.iter().any(|c| {
        names(c).is_some_and(|(issuer, subject)| {
            cas.contains(issuer.as_slice()) || cas.contains(subject.as_slice())
        })
    })
}

fn client_certificate_facts(obs: &Observations, options: &Options<'_>, report: &mut Report) {
    let flight_request = obs.scans.iter().find_map(|s| match &s.first {
        HelloOutcome::ServerHello {
            certificate_request: Some(r),
            ..
        } => Some(r),
        _ => None,
    });
    let full = obs.full.as_ref();
    let requested_in_full = full.is_some_and(|f| f.client_certificate_requested);
    let requested = requested_in_full || flight_request.is_some();
    let ca_names: Vec<Vec<u8>> = match (full, flight_request) {
        (Some(f), _) if requested_in_full => f.acceptable_ca_names.clone(),
        (_, Some(r)) => r.certificate_authorities.clone(),
        _ => Vec::new(),
    };
    let cc = &mut report.client_certificate;
    cc.requested = requested;
    cc.required = required(obs, requested);
    cc.acceptable_ca_names = ca_names.iter().map(|n| dn_text(n)).collect();
    if !requested {
        return;
    }
    let cas: HashSet<&[u8]> = ca_names.iter().map(Vec::as_slice).collect();
    let any = cas.is_empty();
    if let Some(ks) = options.keystore {
        cc.matching_keystore_entries = ks
            .private_keys()
            .filter(|e| any || chain_matches(&e.chain, &cas))
            .map(|e| e.alias.clone())
            .collect();
    }
    cc.matching_smart_card_certificates = options
        .candidates
        .iter()
        .filter(|c| any || chain_matches(std::slice::from_ref(&c.certificate), &cas))
        .map(|c| c.name.clone())
        .collect();
    if let ClientIdentity::Certificate { name, chain } = &options.identity {
        cc.connection_credential = Some(CredentialReport {
            name: name.clone(),
            matches: any || chain_matches(chain, &cas),
        });
    }
    if any {
        report.notes.push(
            "the server asks for a client certificate but names no CAs: any certificate may be offered"
                .to_owned(),
        );
    }
}

/// Whether the server insists on a client certificate, from how cicsx's handshake (which
/// sends none) ended.
fn required(obs: &Observations, requested: bool) -> Option<bool> {
    let full = obs.full.as_ref()?;
    if !requested {
        // Not asked for in a handshake that got far enough for the server to ask: cicsx's
        // own, or a TLS 1.0 to 1.2 probe that saw the server's certificate.
        let saw_flight = obs.scans.iter().any(|s| {
            matches!(&s.first, HelloOutcome::ServerHello { certificates, .. } if !certificates.is_empty())
        });
        return (full.outcome.is_ok() || saw_flight).then_some(false);
    }
    match (&full.outcome, &full.after) {
        (Err(HandshakeError::ClientCertificateRejected { .. }), _) => Some(true),
        (
            Err(HandshakeError::Alert {
                alert: AlertDescription::HandshakeFailure,
                ..
            }),
            _,
        ) if strong_suite_accepted(obs) => Some(true),
        (Ok(_), Some(AfterHandshake::Alert(alert))) => {
            Some(matches!(alert.description, 40 | 42 | 46 | 48 | 49 | 116))
        }
        (Ok(_), Some(AfterHandshake::Http(_))) => Some(false),
        _ => None,
    }
}

/// Whether the scans found a suite cicsx can use.
fn strong_suite_accepted(obs: &Observations) -> bool {
    obs.scans.iter().any(|s| {
        s.accepted
            .iter()
            .any(|&code| suites::usable_by_cicsx(code, s.version))
    })
}

fn cmci_facts(obs: &Observations, report: &mut Report) {
    let (answer, over): (Result<&HttpAnswer, String>, &str) = match (&obs.full, &obs.plain) {
        (Some(f), _) => (
            match &f.after {
                Some(AfterHandshake::Http(a)) => Ok(a),
                Some(AfterHandshake::Alert(alert)) => {
                    Err(format!("the server ended the connection with the {alert}"))
                }
                Some(AfterHandshake::Closed) => {
                    Err("the server closed the connection without an answer".to_owned())
                }
                Some(AfterHandshake::Silent) => Err("no answer in time".to_owned()),
                Some(AfterHandshake::Other(r)) => {
                    Err(format!("an answer that is not HTTP: \"{}\"", r.preview()))
                }
                Some(AfterHandshake::Failed(e)) => Err(e.clone()),
                Some(_) => Err("no HTTP answer".to_owned()),
                None => Err("cicsx's handshake did not complete".to_owned()),
            },
            "tls",
        ),
        (None, Some(Ok(PlainAnswer::Http(a)))) => (Ok(a), "plain"),
        (None, _) => {
            // The only answer was to a TLS ClientHello: no CMCI request got through.
            let line = obs.scans.iter().find_map(|s| match &s.first {
                HelloOutcome::NotTls(r) => r.http_status_line(),
                _ => None,
            });
            (
                Err(match line {
                    Some(line) => format!("only an answer to a TLS hello: {line}"),
                    None => "no HTTP answer".to_owned(),
                }),
                "plain",
            )
        }
    };
    report.cmci = match answer {
        Ok(a) => Cmci {
            detected: a.is_cmci(),
            over: Some(over.to_owned()),
            http_status: Some(a.status_line.clone()),
            evidence: a.cmci_evidence.clone(),
            no_answer: None,
        },
        Err(why) => Cmci {
            detected: false,
            over: Some(over.to_owned()),
            http_status: None,
            evidence: Vec::new(),
            no_answer: Some(why),
        },
    };
}

fn unreachable_verdict(e: &HandshakeError) -> Verdict {
    let mut fixes = vec![fix(Side::Client, e.action())];
    if matches!(
        e,
        HandshakeError::Refused { .. } | HandshakeError::TimedOut { .. }
    ) {
        fixes = vec![
            fix(
                Side::Client,
                "Check the host name and port of the connection; from this machine, a firewall may be in the way.",
            ),
            fix(
                Side::Region,
                "Check that the region is up and its CMCI TCPIPSERVICE is OPEN on that port (CEMT INQUIRE TCPIPSERVICE).",
            ),
        ];
    }
    Verdict {
        ok: false,
        message_id: Some(e.id().to_owned()),
        title: None,
        summary: format!("{e}. {}", e.explanation()),
        fixes,
    }
}

const STRONG_CIPHERS_FIX: &str = "Set the ENCRYPTION system initialization parameter to STRONG (the default), or give the CMCI TCPIPSERVICE a CIPHERS list with TLS 1.2 ECDHE AES-GCM suites (C02B, C02C, C02F, C030) or TLS 1.3 suites (1301, 1302). Until then the region's job log shows DFHSO0123 (return code 402, \"No common ciphers negotiated\") for every cicsx attempt.";

fn verdict(obs: &Observations, options: &Options<'_>, report: &Report) -> Verdict {
    let want_tls = options.secure.unwrap_or(true);
    let not_ok = |id: &str, summary: String, fixes: Vec<Fix>| Verdict {
        ok: false,
        message_id: Some(id.to_owned()),
        title: None,
        summary,
        fixes,
    };
    let cmci_note = if report.cmci.detected {
        ", and CMCI answers there"
    } else {
        ""
    };
    match report.speaks {
        Speaks::Tls => {}
        Speaks::PlainHttp if !want_tls => {
            return Verdict {
                ok: true,
                message_id: None,
                title: None,
                summary: format!(
                    "The port speaks plain HTTP{cmci_note}: cicsx can connect with \"Secure connection\" off, but user IDs and passwords cross the network in clear."
                ),
                fixes: vec![fix(
                    Side::Region,
                    "Recommended: give the CMCI TCPIPSERVICE SSL(YES) and a certificate, then turn \"Secure connection\" on.",
                )],
            };
        }
        Speaks::PlainHttp => {
            return not_ok(
                "CICSX0406E",
                format!(
                    "The port speaks plain HTTP, not TLS{cmci_note}. The region logs DFHWB0114 (a non-HTTP request was received by an HTTP service) for each TLS attempt."
                ),
                vec![
                    fix(
                        Side::Client,
                        "Only if you accept that your password crosses the network in clear: turn off \"Secure connection (TLS/SSL)\" for this connection.",
                    ),
                    fix(
                        Side::Region,
                        "Give the CMCI TCPIPSERVICE SSL(YES) (or SSL(CLIENTAUTH)) and a certificate from the region's key ring, so that cicsx can connect with TLS.",
                    ),
                ],
            );
        }
        Speaks::Other => {
            return not_ok(
                "CICSX0406E",
                "The port answers with bytes that are neither TLS nor HTTP: it belongs to another service.".to_owned(),
                vec![fix(Side::Client, "Check the port number of the connection: it should be the port of the region's CMCI TCPIPSERVICE.")],
            );
        }
        Speaks::Nothing | Speaks::Unknown => {
            return not_ok(
                "CICSX0405E",
                "The port accepts connections but closes them without a word, whether TLS or plain HTTP is sent.".to_owned(),
                vec![
                    fix(Side::Client, "Check that the port is the region's CMCI port."),
                    fix(
                        Side::Region,
                        "Check the CMCI TCPIPSERVICE: its SSL attribute, and that its CERTIFICATE label names a certificate with a private key in the region's key ring (look for DFHSO messages in the job log).",
                    ),
                ],
            );
        }
    }
    if !want_tls {
        return not_ok(
            "CICSX0404E",
            "The port expects TLS, but the connection has \"Secure connection\" off: a plain request gets no reply.".to_owned(),
            vec![fix(Side::Client, "Turn on \"Secure connection (TLS/SSL)\" for this connection.")],
        );
    }
    let accepted_versions: Vec<TlsVersion> = obs
        .scans
        .iter()
        .filter(|s| s.version_accepted())
        .map(|s| s.version)
        .collect();
    let only_old =
        !accepted_versions.is_empty() && accepted_versions.iter().all(|v| *v < TlsVersion::Tls12);
    let Some(full) = &obs.full else {
        return not_ok(
            "CICSX0417E",
            "cicsx's own handshake could not be tried.".to_owned(),
            Vec::new(),
        );
    };
    let cc = &report.client_certificate;
    match &full.outcome {
        Err(_) if only_old => {
            let names: Vec<&str> = accepted_versions.iter().map(|v| v.name()).collect();
            not_ok(
                "CICSX0408E",
                format!(
                    "The server accepts only {}; cicsx uses TLS 1.2 and TLS 1.3.",
                    names.join(" and ")
                ),
                vec![
                    fix(
                        Side::Client,
                        "None: cicsx never uses TLS 1.0 or 1.1 (both are deprecated, RFC 8996).",
                    ),
                    fix(
                        Side::Region,
                        "Enable TLS 1.2 or TLS 1.3 for the region (the MINTLSLEVEL system initialization parameter, TLS12 or TLS13) and check that the CMCI TCPIPSERVICE's CIPHERS allow TLS 1.2 suites.",
                    ),
                ],
            )
        }
        Err(e)
            if cc.required == Some(true)
                || matches!(e, HandshakeError::ClientCertificateRejected { .. }) =>
        {
            // diagnose sends no client certificate; a connect with a matching one gets past
            // this point, so judge the rest as it would.
            if usable_certificates(cc, options).is_empty() || !strong_suite_accepted(obs) {
                client_certificate_verdict(cc, &options.identity)
            } else {
                after_handshake(obs, options, report, None)
            }
        }
        Err(
            e @ HandshakeError::Alert {
                alert: AlertDescription::HandshakeFailure,
                ..
            },
        ) => {
            let mut seen = HashSet::new();
            let offered: Vec<String> = report
                .suites
                .iter()
                .filter(|s| seen.insert(s.name.as_str()))
                .map(|s| {
                    if s.reasons.is_empty() {
                        format!("{} ({})", s.name, s.rating)
                    } else {
                        format!("{} ({}: {})", s.name, s.rating, s.reasons.join(", "))
                    }
                })
                .collect();
            let what = if offered.is_empty() {
                "none that the probes know".to_owned()
            } else {
                offered.join("; ")
            };
            not_ok(
                e.id(),
                format!(
                    "The server accepts none of the strong cipher suites cicsx offers. It accepts: {what}."
                ),
                vec![
                    fix(
                        Side::Client,
                        "None: cicsx never offers medium or weak cipher suites.",
                    ),
                    fix(Side::Region, STRONG_CIPHERS_FIX),
                ],
            )
        }
        Err(e) => not_ok(
            e.id(),
            format!("cicsx's handshake failed: {e}. {}", e.explanation()),
            vec![fix(Side::Client, e.action())],
        ),
        Ok(info) => after_handshake(obs, options, report, Some(info)),
    }
}

/// The client certificates a connect would present that the server accepts: the
/// connection's own credential when it has one; none for a connection without one; for a
/// bare HOST:PORT, every matching keystore entry and smart card certificate.
fn usable_certificates(cc: &ClientCertificateReport, options: &Options<'_>) -> Vec<String> {
    match (&options.identity, &cc.connection_credential) {
        (ClientIdentity::Certificate { .. }, Some(own)) if own.matches => vec![own.name.clone()],
        (ClientIdentity::Certificate { .. } | ClientIdentity::Nothing, _) => Vec::new(),
        (ClientIdentity::Any, _) => {
            let mut names = cc.matching_keystore_entries.clone();
            names.extend(cc.matching_smart_card_certificates.iter().cloned());
            names
        }
    }
}

/// The protocol version and suite a connect would agree, as text, or the verdict when the
/// secure socket protocol preference leaves no version in common. `info` is cicsx's own
/// handshake (offering TLS 1.3 and 1.2), when it completed.
fn negotiated(
    obs: &Observations,
    options: &Options<'_>,
    report: &Report,
    info: Option<&cicsx_handshake::TlsInfo>,
) -> Result<String, Verdict> {
    let usable = |version: &str| -> Vec<&str> {
        report
            .suites
            .iter()
            .filter(|s| s.version == version && s.usable_by_cicsx)
            .map(|s| s.name.as_str())
            .collect()
    };
    let accepted = |version: TlsVersion| {
        obs.scans
            .iter()
            .any(|s| s.version == version && s.version_accepted())
    };
    let tls13 = match info {
        Some(i) => i.version == "TLSv1.3",
        None => !usable("TLS 1.3").is_empty(),
    };
    let with_info = || match info {
        Some(i) => format!("{} with {}", i.version, i.cipher_suite),
        None => match (usable("TLS 1.3").first(), usable("TLS 1.2").first()) {
            (Some(suite), _) => format!("TLS 1.3 with {suite}"),
            (None, Some(suite)) => format!("TLS 1.2 with {suite}"),
            (None, None) => "a strong suite".to_owned(),
        },
    };
    match options.versions {
        TlsVersions::Tls13 if !tls13 => Err(protocol_verdict(
            "TLS 1.3",
            "The secure socket protocol preference is TLS 1.3 only, but the server does not accept TLS 1.3 (it chose TLS 1.2 when offered both).",
            "Enable TLS 1.3 for the CMCI TCPIPSERVICE, if the region's CICS and z/OS levels support it.",
        )),
        TlsVersions::Tls12 if tls13 || info.is_none() => {
            let suites = usable("TLS 1.2");
            match suites.first() {
                Some(first) => Ok(format!(
                    "TLS 1.2 (the secure socket protocol preference) with {first}"
                )),
                None if accepted(TlsVersion::Tls12) => Err(Verdict {
                    ok: false,
                    message_id: Some("CICSX0407E".to_owned()),
                    title: None,
                    summary: "The secure socket protocol preference is TLS 1.2 only, and the server accepts none of the strong TLS 1.2 cipher suites cicsx offers.".to_owned(),
                    fixes: vec![
                        fix(Side::Client, "Set the secure socket protocol preference to default (cicsx prefs set protocol default), so that TLS 1.3 is offered too."),
                        fix(Side::Region, STRONG_CIPHERS_FIX),
                    ],
                }),
                None => Err(protocol_verdict(
                    "TLS 1.2",
                    "The secure socket protocol preference is TLS 1.2 only, but the server does not accept TLS 1.2.",
                    "Enable TLS 1.2 for the region (the MINTLSLEVEL system initialization parameter) and check that the CMCI TCPIPSERVICE's CIPHERS allow TLS 1.2 ECDHE AES-GCM suites.",
                )),
            }
        }
        _ => Ok(with_info()),
    }
}

/// CICSX0408E for a secure socket protocol preference the server does not accept.
fn protocol_verdict(version: &str, summary: &str, region: &str) -> Verdict {
    Verdict {
        ok: false,
        message_id: Some("CICSX0408E".to_owned()),
        title: None,
        summary: summary.to_owned(),
        fixes: vec![
            fix(
                Side::Client,
                format!(
                    "Set the secure socket protocol preference to default (cicsx prefs set protocol default), so that cicsx offers TLS 1.3 and TLS 1.2, not only {version}."
                ),
            ),
            fix(Side::Region, region),
        ],
    }
}

/// The verdict once a handshake as cicsx's connect does it would complete (`info`: cicsx's
/// own, when it completed; `None` when only the missing client certificate stopped it):
/// the protocol preference, the server's certificate, the client certificate, then CMCI.
fn after_handshake(
    obs: &Observations,
    options: &Options<'_>,
    report: &Report,
    info: Option<&cicsx_handshake::TlsInfo>,
) -> Verdict {
    let agreed = match negotiated(obs, options, report, info) {
        Ok(text) => text,
        Err(verdict) => return verdict,
    };
    let cc = &report.client_certificate;
    let usable = usable_certificates(cc, options);
    let no_client_certificate = cc.required == Some(true) && usable.is_empty();
    if let Some(trust) = &report.trust
        && trust.status == "untrusted"
        && trust.verification
    {
        let mut verdict = certificate_verdict(trust, report, &obs.target);
        if no_client_certificate {
            // Both must change: report the second problem as well.
            let second = client_certificate_verdict(cc, &options.identity);
            verdict.summary = format!("{} Also: CICSX0410E {}", verdict.summary, second.summary);
            verdict.fixes.extend(second.fixes);
        }
        return verdict;
    }
    if cc.required == Some(true) {
        if no_client_certificate {
            return client_certificate_verdict(cc, &options.identity);
        }
        let names = usable.join(", ");
        let (summary, fixes) = match &options.identity {
            ClientIdentity::Certificate { .. } => (
                format!(
                    "cicsx can connect ({agreed}): the region requires a client certificate, and the connection's credential {names} is issued by a CA it accepts. (diagnose sends no certificate, so whether the region maps it to a user ID, and CMCI itself, are only seen by a connect.)"
                ),
                Vec::new(),
            ),
            _ => (
                format!(
                    "cicsx can connect ({agreed}) when the connection uses a certificate credential: the region requires a client certificate, and {names} is issued by a CA it accepts."
                ),
                vec![fix(
                    Side::Client,
                    format!(
                        "Make sure the connection's credential is that certificate (cicsx connection edit NAME with --client-cert FILE.p12, --keystore-cert ALIAS or --smartcard URI: {}).",
                        usable.join(" or ")
                    ),
                )],
            ),
        };
        return Verdict {
            ok: true,
            message_id: None,
            title: None,
            summary,
            fixes,
        };
    }
    if let Some(verdict) = cmci_verdict(obs, report) {
        return verdict;
    }
    let trust = match &report.trust {
        Some(t) if t.status == "pinned" => "its certificate was accepted before",
        Some(t) if t.status == "trusted" => "its certificate is trusted",
        Some(_) => "trust verification is off, so its certificate is not checked",
        None => "no certificate could be checked",
    };
    Verdict {
        ok: true,
        message_id: None,
        title: None,
        summary: format!("cicsx can connect: {agreed}; {trust}; CMCI answers."),
        fixes: Vec::new(),
    }
}

/// The verdict when the CMCI request over cicsx's handshake got no CMCI answer, as a connect
/// would report it: CICSX0602E for an HTTP answer from something else, CICSX0403E for
/// silence, CICSX0420E when the connection ended without an HTTP answer.
fn cmci_verdict(obs: &Observations, report: &Report) -> Option<Verdict> {
    if report.cmci.detected {
        return None;
    }
    let after = obs.full.as_ref().and_then(|f| f.after.as_ref());
    let what = report
        .cmci
        .http_status
        .as_deref()
        .or(report.cmci.no_answer.as_deref())
        .unwrap_or("no HTTP answer");
    let (id, summary) = match after {
        Some(AfterHandshake::Http(_)) => (
            "CICSX0602E",
            format!(
                "The TLS handshake works, but the port is not CMCI: GET /CICSSystemManagement/ got \"{what}\" with no sign of CICS, so a connect fails with CICSX0602E (the reply is not a CMCI response)."
            ),
        ),
        Some(AfterHandshake::Silent) => (
            "CICSX0403E",
            "The TLS handshake works, but GET /CICSSystemManagement/ got no answer in time."
                .to_owned(),
        ),
        _ => (
            "CICSX0420E",
            format!(
                "The TLS handshake works, but GET /CICSSystemManagement/ got no HTTP answer: {what}."
            ),
        ),
    };
    Some(Verdict {
        ok: false,
        message_id: Some(id.to_owned()),
        title: None,
        summary,
        fixes: vec![
            fix(
                Side::Client,
                "Check the port of the connection: it should be the port of the region's CMCI TCPIPSERVICE (the CMCI JVM server, or the WUI or SMSS region's CMCI).",
            ),
            fix(
                Side::Region,
                "Check which application answers /CICSSystemManagement on this port (TCPIPSERVICE and URIMAP definitions), and look for DFHWU and DFHWB messages in the job log.",
            ),
        ],
    })
}

fn client_certificate_verdict(cc: &ClientCertificateReport, identity: &ClientIdentity) -> Verdict {
    let cas = if cc.acceptable_ca_names.is_empty() {
        "any CA it trusts".to_owned()
    } else {
        cc.acceptable_ca_names.join("; ")
    };
    let mut matches = cc.matching_keystore_entries.clone();
    matches.extend(cc.matching_smart_card_certificates.iter().cloned());
    let client = match (identity, &cc.connection_credential) {
        (ClientIdentity::Certificate { .. }, Some(own)) if !own.matches => format!(
            "The connection's certificate credential {} is not issued by {cas}: give the connection a certificate credential from one of those CAs ({}).",
            own.name,
            if matches.is_empty() {
                "cicsx keystore import, or a smart card holding one".to_owned()
            } else {
                format!("for example {}", matches.join(" or "))
            }
        ),
        (ClientIdentity::Certificate { .. }, Some(own)) => format!(
            "The connection's certificate credential {} is issued by a CA the region accepts: check that the region maps it to a user ID and that the certificate is valid.",
            own.name
        ),
        _ if matches.is_empty() => format!(
            "Get a client certificate issued by {cas}, import it with its key (cicsx keystore import) or use a smart card holding one, and give the connection that certificate credential."
        ),
        _ => format!(
            "Give the connection a certificate credential using {} (issued by a CA the region accepts).",
            matches.join(" or ")
        ),
    };
    Verdict {
        ok: false,
        message_id: Some("CICSX0410E".to_owned()),
        title: None,
        summary: format!(
            "The region requires a client certificate (TCPIPSERVICE SSL(CLIENTAUTH)) issued by {cas}, and the handshake without one fails."
        ),
        fixes: vec![
            fix(Side::Client, client),
            fix(
                Side::Region,
                "The region's security administrator must map that certificate to a user ID (RACDCERT MAP or RACDCERT ADD ... TRUST WITHLABEL) for certificate sign-on.",
            ),
        ],
    }
}

fn certificate_verdict(trust: &TrustReport, report: &Report, target: &Endpoint) -> Verdict {
    let id = trust
        .message_id
        .clone()
        .unwrap_or_else(|| "CICSX0416E".to_owned());
    let detail = trust.detail.clone().unwrap_or_default();
    let leaf = report.certificates.first();
    let fingerprint = leaf.map(|c| c.sha256.clone()).unwrap_or_default();
    let (client, region) = match id.as_str() {
        "CICSX0411E" => (
            format!(
                "Add the certificate of the CA that issued it ({}) to your truststore, or accept the server's certificate at the first connect after checking its SHA-256 fingerprint {fingerprint} with the region's administrator.",
                leaf.map(|c| c.issuer.as_str()).unwrap_or("?")
            ),
            "Nothing, if the certificate is the intended one; otherwise use a certificate from a CA your organisation's clients trust.".to_owned(),
        ),
        "CICSX0412E" => (
            "Nothing can be done on the client side safely.".to_owned(),
            "Renew the certificate of the CMCI TCPIPSERVICE (RACDCERT GENCERT or a new one from the CA), connect it to the key ring, and refresh the region's key ring.".to_owned(),
        ),
        "CICSX0413E" => (
            "Check this machine's date and time.".to_owned(),
            "Check the certificate's start date.".to_owned(),
        ),
        "CICSX0414E" => (
            format!(
                "Connect with a host name the certificate names ({}): change the connection's host to it (cicsx connection edit NAME --host HOST), and check that name with cicsx diagnose HOST:PORT (or cicsx diagnose HOST:PORT --sni NAME when that name does not resolve from this machine).",
                leaf.map(|c| c.sans.join(", ")).unwrap_or_default()
            ),
            "Issue the certificate of the CMCI TCPIPSERVICE with this host name among its subject alternative names.".to_owned(),
        ),
        "CICSX0216E" => (
            "None: cicsx never accepts a server key this weak, not even when asked to.".to_owned(),
            "Replace the certificate of the CMCI TCPIPSERVICE with one whose key is RSA of at least 2048 bits or ECDSA P-256 or P-384.".to_owned(),
        ),
        "CICSX0608E" => (
            format!(
                "Find out why the certificate changed before trusting the new one: it may be an attack. If the change is expected (check the new fingerprint {fingerprint} with the region's administrator), remove the old acceptance with `cicsx keystore delete {}` and connect again to accept the new certificate.",
                cicsx_truststore::pin_alias(&target.host, target.port)
            ),
            "Tell users when the CMCI certificate is replaced, with its new fingerprint.".to_owned(),
        ),
        _ => (
            "Ask the region's administrator about the certificate of the CMCI TCPIPSERVICE.".to_owned(),
            "Check the certificate of the CMCI TCPIPSERVICE.".to_owned(),
        ),
    };
    Verdict {
        ok: false,
        message_id: Some(id),
        title: None,
        summary: format!(
            "The handshake works, but the server's certificate is not trusted: {detail}."
        ),
        fixes: vec![fix(Side::Client, client), fix(Side::Region, region)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cicsx_handshake::probe::{Alert, ServerHello};
    use cicsx_handshake::{Received, TlsInfo};

    fn hello(version: u16, suite: u16) -> HelloOutcome {
        HelloOutcome::ServerHello {
            hello: ServerHello {
                legacy_version: version.min(0x0303),
                selected_version: (version == 0x0304).then_some(0x0304),
                cipher_suite: suite,
                compression: 0,
                key_share_group: None,
                hello_retry: false,
                downgrade_sentinel: false,
                extensions: Vec::new(),
            },
            certificates: Vec::new(),
            certificate_request: None,
        }
    }

    fn refused() -> HelloOutcome {
        HelloOutcome::Alert(Alert {
            level: 2,
            description: 40,
        })
    }

    fn scan(version: TlsVersion, accepted: &[u16]) -> SuiteScan {
        SuiteScan {
            version,
            accepted: accepted.to_vec(),
            first: match accepted.first() {
                Some(&s) => hello(version.wire(), s),
                None => refused(),
            },
            last: refused(),
            incomplete: None,
        }
    }

    fn endpoint() -> Endpoint {
        Endpoint::new("127.0.0.1", 1490)
    }

    fn observations(scans: Vec<SuiteScan>, full: Option<FullHandshake>) -> Observations {
        Observations {
            target: endpoint(),
            server_name: "127.0.0.1".to_owned(),
            connect_error: None,
            scans,
            scan_error: None,
            full,
            plain: None,
            connections: 5,
            elapsed_ms: 10,
        }
    }

    fn failed(error: HandshakeError) -> FullHandshake {
        FullHandshake {
            outcome: Err(error),
            presented_chain: Vec::new(),
            client_certificate_requested: false,
            acceptable_ca_names: Vec::new(),
            after: None,
        }
    }

    fn succeeded(after: AfterHandshake) -> FullHandshake {
        FullHandshake {
            outcome: Ok(TlsInfo {
                version: "TLSv1.3".into(),
                cipher_suite: "TLS13_AES_256_GCM_SHA384".into(),
                key_exchange: Some("X25519".into()),
                peer_certificates: Vec::new(),
                resumed: false,
            }),
            presented_chain: Vec::new(),
            client_certificate_requested: false,
            acceptable_ca_names: Vec::new(),
            after: Some(after),
        }
    }

    /// A CICS region's answer to the unauthenticated CMCI request.
    fn cmci_answer() -> AfterHandshake {
        AfterHandshake::Http(
            cicsx_handshake::probe::http::parse_answer(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"CICS\"\r\n\r\n",
            )
            .unwrap(),
        )
    }

    fn judge(obs: &Observations) -> Report {
        let trust = TrustStore::new();
        assess(obs, &Options::new(&trust), UnixTime::now())
    }

    #[test]
    fn medium_only_server_is_0407_with_the_suites_named() {
        let obs = observations(
            vec![
                scan(TlsVersion::Tls13, &[]),
                scan(TlsVersion::Tls12, &[0x002F, 0x0035]),
            ],
            Some(failed(HandshakeError::Alert {
                endpoint: endpoint(),
                alert: AlertDescription::HandshakeFailure,
                phase: cicsx_handshake::Phase::Handshake,
            })),
        );
        let r = judge(&obs);
        assert_eq!(r.speaks, Speaks::Tls);
        assert!(!r.verdict.ok);
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0407E"));
        assert!(
            r.verdict
                .summary
                .contains("TLS_RSA_WITH_AES_128_CBC_SHA (medium: no forward secrecy, CBC)"),
            "{}",
            r.verdict.summary
        );
        assert!(
            r.verdict
                .fixes
                .iter()
                .any(|f| f.side == Side::Region && f.text.contains("ENCRYPTION"))
        );
        assert_eq!(r.suites.len(), 2);
        assert!(
            r.suites
                .iter()
                .all(|s| !s.usable_by_cicsx && s.rating == "medium")
        );
        assert_eq!(r.versions.iter().filter(|v| v.accepted).count(), 1);
    }

    #[test]
    fn old_protocols_only_is_0408() {
        let obs = observations(
            vec![
                scan(TlsVersion::Tls13, &[]),
                scan(TlsVersion::Tls12, &[]),
                scan(TlsVersion::Tls11, &[]),
                scan(TlsVersion::Tls10, &[0xC014, 0x0035]),
            ],
            Some(failed(HandshakeError::Alert {
                endpoint: endpoint(),
                alert: AlertDescription::ProtocolVersion,
                phase: cicsx_handshake::Phase::Handshake,
            })),
        );
        let r = judge(&obs);
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0408E"));
        assert!(
            r.verdict.summary.contains("only TLS 1.0"),
            "{}",
            r.verdict.summary
        );
    }

    #[test]
    fn a_required_client_certificate_is_0410_unless_one_matches() {
        let mut full = succeeded(AfterHandshake::Alert(Alert {
            level: 2,
            description: 116,
        }));
        full.client_certificate_requested = true;
        let obs = observations(vec![scan(TlsVersion::Tls13, &[0x1301])], Some(full));
        let r = judge(&obs);
        assert!(r.client_certificate.requested);
        assert_eq!(r.client_certificate.required, Some(true));
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0410E"));
        // With a matching smart card certificate the verdict turns to "can connect".
        let trust = TrustStore::new();
        let mut options = Options::new(&trust);
        options.candidates.push(Candidate {
            name: "pkcs11:token=card;object=me".into(),
            certificate: CertificateDer::from(vec![0x30, 0x00]),
        });
        // The server named no CAs: any certificate is a candidate.
        let r = assess(&obs, &options, UnixTime::now());
        assert!(r.verdict.ok, "{:?}", r.verdict);
        assert_eq!(
            r.client_certificate.matching_smart_card_certificates,
            vec!["pkcs11:token=card;object=me"]
        );
    }

    #[test]
    fn plain_http_ports() {
        let mut obs = observations(
            vec![SuiteScan {
                version: TlsVersion::Tls13,
                accepted: Vec::new(),
                first: HelloOutcome::NotTls(Received {
                    bytes: b"HTTP/1.1 400 Bad Request\r\n".to_vec(),
                    total: 26,
                }),
                last: HelloOutcome::Skipped,
                incomplete: None,
            }],
            None,
        );
        obs.plain = Some(Ok(PlainAnswer::Http(
            cicsx_handshake::probe::http::parse_answer(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"CICS\"\r\n\r\n",
            )
            .unwrap(),
        )));
        let r = judge(&obs);
        assert_eq!(r.speaks, Speaks::PlainHttp);
        assert!(r.cmci.detected);
        assert_eq!(r.cmci.over.as_deref(), Some("plain"));
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0406E"));
        assert!(r.versions.is_empty());
        // For a connection that is meant to be plain, that is fine.
        let trust = TrustStore::new();
        let mut options = Options::new(&trust);
        options.secure = Some(false);
        assert!(assess(&obs, &options, UnixTime::now()).verdict.ok);
    }

    #[test]
    fn unreachable_and_tls_for_a_plain_connection() {
        let mut obs = observations(Vec::new(), None);
        obs.connect_error = Some(HandshakeError::Refused {
            endpoint: endpoint(),
        });
        let r = judge(&obs);
        assert!(!r.reachable);
        assert_eq!(r.speaks, Speaks::Unknown);
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0402E"));
        assert!(r.verdict.fixes.iter().any(|f| f.side == Side::Region));

        let obs = observations(
            vec![scan(TlsVersion::Tls13, &[0x1301])],
            Some(succeeded(cmci_answer())),
        );
        let trust = TrustStore::new();
        let mut options = Options::new(&trust);
        options.secure = Some(false);
        let r = assess(&obs, &options, UnixTime::now());
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0404E"));
        // The same with TLS wanted: cicsx can connect (no certificate to judge here).
        let r = judge(&obs);
        assert!(r.verdict.ok, "{:?}", r.verdict);
        // Unless the protocol preference is TLS 1.2 and the server has no TLS 1.2.
        let mut options = Options::new(&trust);
        options.versions = TlsVersions::Tls12;
        let r = assess(&obs, &options, UnixTime::now());
        assert_eq!(r.verdict.message_id.as_deref(), Some("CICSX0408E"));
        // A server that closes instead of answering CMCI is not a CMCI port.
        let obs = observations(
            vec![scan(TlsVersion::Tls13, &[0x1301])],
            Some(succeeded(AfterHandshake::Closed)),
        );
        assert_eq!(
            judge(&obs).verdict.message_id.as_deref(),
            Some("CICSX0420E")
        );
    }

    #[test]
    fn the_report_serialises_with_the_documented_names() {
        let obs = observations(
            vec![scan(TlsVersion::Tls12, &[0xC02F])],
            Some(succeeded(cmci_answer())),
        );
        let json = serde_json::to_value(judge(&obs)).unwrap();
        for key in [
            "schema",
            "target",
            "server_name",
            "reachable",
            "connect_error",
            "speaks",
            "cmci",
            "versions",
            "suites",
            "cicsx_handshake",
            "certificates",
            "host_name",
            "trust",
            "client_certificate",
            "verdict",
            "notes",
            "connections",
            "elapsed_ms",
        ] {
            assert!(json.get(key).is_some(), "{key} missing");
        }
        assert_eq!(json["speaks"], "tls");
        assert_eq!(json["suites"][0]["rating"], "strong");
        assert_eq!(json["suites"][0]["code"], "0xC02F");
        assert_eq!(json["suites"][0]["usable_by_cicsx"], true);
        assert_eq!(json["client_certificate"]["required"], false);
        assert_eq!(json["verdict"]["ok"], true);
    }

    #[test]
    fn every_verdict_id_is_in_the_catalogue() {
        let mut ids: Vec<String> = (401..=421)
            .filter(|n| *n != 415)
            .map(|n| format!("CICSX0{n}E"))
            .collect();
        ids.extend(["CICSX0216E", "CICSX0608E"].map(str::to_owned));
        for rejection in [
            Rejection::UnknownIssuer,
            Rejection::NotYetValid,
            Rejection::WeakKey {
                key: "RSA 1024".into(),
            },
            Rejection::Other("x".into()),
        ] {
            ids.push(rejection_id(&rejection).to_owned());
        }
        for id in ids {
            assert!(crate::catalogue::lookup(&id).is_some(), "{id}");
        }
        let obs = observations(
            vec![scan(TlsVersion::Tls12, &[0x002F])],
            Some(failed(HandshakeError::Alert {
                endpoint: endpoint(),
                alert: AlertDescription::HandshakeFailure,
                phase: cicsx_handshake::Phase::Handshake,
            })),
        );
        let r = judge(&obs);
        assert_eq!(
            r.verdict.title.as_deref(),
            crate::catalogue::lookup("CICSX0407E").map(|m| m.title)
        );
    }

    #[test]
    fn ca_names_print_as_text() {
        // O=cicsx test PKI, CN=cicsx Test Root CA
        let mut name = vec![
            0x30, 0x36, 0x31, 0x17, 0x30, 0x15, 0x06, 0x03, 0x55, 0x04, 0x0A, 0x0C, 0x0E,
        ];
        name.extend_from_slice(b"cicsx test PKI");
        name.extend_from_slice(&[
            0x31, 0x1B, 0x30, 0x19, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x12,
        ]);
        name.extend_from_slice(b"cicsx Test Root CA");
        assert_eq!(dn_text(&name), "O=cicsx test PKI, CN=cicsx Test Root CA");
        assert!(dn_text(&[0x30, 0x05]).starts_with("(unreadable"));
    }
}
