//! `cicsx diagnose`: prints a [`cicsx_cmci::diagnose`] report.
//!
//! The target is `HOST:PORT` (`[ADDR]:PORT` for IPv6) or the name of a stored connection.
//! Progress goes to stderr, the report to stdout (text, or JSON with `--json`). The exit code
//! is 0 when the verdict is "cicsx can connect", 1 otherwise (the verdict's message then also
//! ends stderr, as every failure does).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use cicsx_cmci::diagnose::{Candidate, ClientIdentity, Options, Report, Side, Speaks};
use cicsx_cmci::session::Secrets;
use cicsx_handshake::{Endpoint, TlsVersions};
use cicsx_keystore::{Keystore, KeystoreFile, SecretString};
use cicsx_profile::{Connection, Credential, Preferences, Protocol, Workspace};
use cicsx_truststore::Verification;

use crate::args::DiagnoseArgs;
use crate::error::Failure;

/// Runs the diagnosis and prints the report.
pub(crate) async fn run(workspace: &Workspace, args: DiagnoseArgs) -> Result<(), Failure> {
    let preferences = workspace.load_preferences()?;
    let (endpoint, connection) = target(workspace, &args.target).await?;
    let secure = connection.as_ref().map(|c| c.secure);
    let passphrase = crate::session::keystore_passphrase();
    let secrets = Secrets {
        keystore_passphrase: passphrase.clone(),
        ..Secrets::default()
    };
    let trust = cicsx_cmci::session::trust_store(workspace, &preferences, &secrets)?;
    let keystore = load_keystore(workspace, &preferences, passphrase.clone());
    let identity = match &connection {
        Some(c) => identity(workspace, &preferences, c, keystore.as_ref(), passphrase)?,
        None => ClientIdentity::Any,
    };
    let mut options = Options::new(&trust);
    options.sni = args.sni.as_deref();
    options.keystore = keystore.as_ref();
    options.secure = secure;
    options.verification = if preferences.trust_verification {
        Verification::On
    } else {
        Verification::Off
    };
    options.candidates = smart_card_candidates(&preferences);
    options.identity = identity;
    // The versions a connect offers: the secure socket protocol preference.
    options.versions = match preferences.protocol {
        Protocol::Default => TlsVersions::Default,
        Protocol::Tls12 => TlsVersions::Tls12,
        Protocol::Tls13 => TlsVersions::Tls13,
    };

    let progress = ProgressLine::new();
    let report =
        cicsx_cmci::diagnose::diagnose_with(&endpoint, &options, &|line: &str| progress.show(line))
            .await;
    progress.finish();

    let mut out = std::io::stdout().lock();
    let text = if args.json {
        serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::io("cannot write the report as JSON", std::io::Error::other(e)))?
            + "\n"
    } else {
        render(&report)
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::io("cannot write the report", e))?;
    if report.verdict.ok {
        Ok(())
    } else {
        let id = report.verdict.message_id.as_deref().unwrap_or("");
        Err(Failure::new(
            static_id(id),
            report.verdict.summary.clone(),
            "",
            format!(
                "see the fixes above; `cicsx explain {}` tells more",
                static_id(id)
            ),
        ))
    }
}

/// The endpoint and, for a stored connection, the connection.
async fn target(
    workspace: &Workspace,
    text: &str,
) -> Result<(Endpoint, Option<Connection>), Failure> {
    if let Some(endpoint) = parse_host_port(text) {
        return Ok((endpoint, None));
    }
    // The workspace's own connections and the loaded (shared) ones, as every command sees them.
    match crate::commands::find(workspace, text).await.ok() {
        Some(found) => {
            let c = found.connection;
            Ok((Endpoint::new(c.host.clone(), c.port), Some(c)))
        }
        None => Err(Failure::new(
            "CICSX0901E",
            format!("\"{text}\" is neither HOST:PORT nor the name of a connection"),
            "cicsx diagnose takes a host and port (IPv6 in brackets: [::1]:1490) or the name of a connection in this workspace.",
            "Give HOST:PORT, or run `cicsx connection list` to see the names.",
        )),
    }
}

/// `host:port` or `[v6]:port`, with a port from 1 to 65535.
fn parse_host_port(text: &str) -> Option<Endpoint> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, port) = rest.split_once("]:")?;
        (host, port)
    } else {
        let (host, port) = text.rsplit_once(':')?;
        if host.contains(':') {
            return None; // an IPv6 address needs brackets
        }
        (host, port)
    };
    let port: u16 = port.parse().ok().filter(|p| *p != 0)?;
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(Endpoint::new(host, port))
}

/// The keystore, for matching client certificates against the server's CA names. Read
/// only if it exists; a keystore that cannot be opened is reported and left out.
fn load_keystore(
    workspace: &Workspace,
    preferences: &Preferences,
    passphrase: Option<SecretString>,
) -> Option<Keystore> {
    let path = preferences
        .keystore
        .clone()
        .unwrap_or_else(|| workspace.keystore_path());
    let file = KeystoreFile::new(path);
    if !file.exists() {
        return None;
    }
    let passphrase = passphrase
        .unwrap_or_else(|| SecretString::from(cicsx_keystore::DEFAULT_PASSPHRASE.to_owned()));
    match file.load(&passphrase) {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!(
                "{} {e} (client certificates in the keystore are not matched)",
                e.id()
            );
            None
        }
    }
}

/// The client certificate a connect of `connection` presents, loaded as the connect loads it
/// (`cicsx_cmci::session::Connector`): a PKCS#12 file opened with $CICSX_CLIENT_CERT_PASSWORD
/// (else the default pass phrase), a keystore entry, or the certificates on the smart card
/// that its URI names (read without a PIN). Only the certificates are kept: diagnose never
/// sends one. A credential that cannot be loaded fails as it fails a connect.
fn identity(
    workspace: &Workspace,
    preferences: &Preferences,
    connection: &Connection,
    workspace_keystore: Option<&Keystore>,
    keystore_passphrase: Option<SecretString>,
) -> Result<ClientIdentity, Failure> {
    let default = || SecretString::from(cicsx_keystore::DEFAULT_PASSPHRASE.to_owned());
    let (store, path, alias) = match &connection.credential {
        Credential::Pkcs12File { path, alias, .. } => {
            let passphrase = std::env::var("CICSX_CLIENT_CERT_PASSWORD")
                .map(SecretString::from)
                .unwrap_or_else(|_| default());
            let store = KeystoreFile::new(path.clone()).load(&passphrase)?;
            (store, path.clone(), alias.clone())
        }
        Credential::KeystoreCertificate {
            keystore: Some(path),
            alias,
            ..
        } => {
            let passphrase = keystore_passphrase.unwrap_or_else(default);
            let store = KeystoreFile::new(path.clone()).load(&passphrase)?;
            (store, path.clone(), alias.clone())
        }
        Credential::KeystoreCertificate {
            keystore: None,
            alias,
            ..
        } => {
            let path = preferences
                .keystore
                .clone()
                .unwrap_or_else(|| workspace.keystore_path());
            let store = workspace_keystore.cloned().unwrap_or_default();
            (store, path, alias.clone())
        }
        Credential::SmartCard { uri, .. } => return smart_card_identity(preferences, uri),
        _ => return Ok(ClientIdentity::Nothing),
    };
    let chain = cicsx_cmci::session::key_entry(&store, alias.as_deref(), &path)?
        .chain
        .clone();
    Ok(ClientIdentity::Certificate {
        name: match alias {
            Some(alias) => format!("{} ({alias})", path.display()),
            None => path.display().to_string(),
        },
        chain,
    })
}

/// The certificate on the smart card that `uri` names, read without a PIN.
fn smart_card_identity(preferences: &Preferences, uri: &str) -> Result<ClientIdentity, Failure> {
    let Some(module) = &preferences.smartcard_module else {
        // A connect fails the same way; diagnose leaves the certificate unmatched.
        return Ok(ClientIdentity::Nothing);
    };
    let parsed: cicsx_smartcard::Pkcs11Uri = uri.parse()?;
    let certificates = cicsx_smartcard::Module::load(module)?.certificates(&parsed)?;
    Ok(match certificates.into_iter().next() {
        Some(c) => ClientIdentity::Certificate {
            name: uri.to_owned(),
            chain: vec![c.certificate],
        },
        None => ClientIdentity::Nothing,
    })
}

/// The certificates on the smart cards of the configured PKCS#11 module (read without a
/// PIN), if a module is configured.
fn smart_card_candidates(preferences: &Preferences) -> Vec<Candidate> {
    let Some(path) = &preferences.smartcard_module else {
        return Vec::new();
    };
    let certificates = cicsx_smartcard::Module::load(path)
        .and_then(|m| m.certificates(&cicsx_smartcard::Pkcs11Uri::default()));
    match certificates {
        Ok(list) => list
            .into_iter()
            .map(|c| Candidate {
                name: c.uri.to_string(),
                certificate: c.certificate,
            })
            .collect(),
        Err(e) => {
            eprintln!("{} {e} (smart card certificates are not matched)", e.id());
            Vec::new()
        }
    }
}

/// The IDs a verdict can carry, as `'static` text for [`Failure`].
fn static_id(id: &str) -> &'static str {
    const IDS: &[&str] = &[
        "CICSX0216E",
        "CICSX0401E",
        "CICSX0402E",
        "CICSX0403E",
        "CICSX0404E",
        "CICSX0405E",
        "CICSX0406E",
        "CICSX0407E",
        "CICSX0408E",
        "CICSX0409E",
        "CICSX0410E",
        "CICSX0411E",
        "CICSX0412E",
        "CICSX0413E",
        "CICSX0414E",
        "CICSX0416E",
        "CICSX0417E",
        "CICSX0418E",
        "CICSX0419E",
        "CICSX0420E",
        "CICSX0421E",
        "CICSX0602E",
        "CICSX0608E",
    ];
    IDS.iter()
        .copied()
        .find(|i| *i == id)
        .unwrap_or("CICSX0417E")
}

/// Progress on stderr: one line rewritten in place on a terminal; otherwise one line per
/// step (not per connection).
struct ProgressLine {
    terminal: bool,
    last: Mutex<String>,
}

impl ProgressLine {
    fn new() -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            last: Mutex::new(String::new()),
        }
    }

    fn show(&self, line: &str) {
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
            return;
        }
        let step = line.split("...").next().unwrap_or(line).to_owned();
        if let Ok(mut last) = self.last.lock()
            && *last != step
        {
            let _ = writeln!(err, "{step}...");
            *last = step;
        }
    }

    fn finish(&self) {
        if self.terminal {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The report as text for a terminal.
pub(crate) fn render(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "cicsx diagnose {} (server name {})\n",
        r.target, r.server_name
    );
    let _ = writeln!(s, "Connection");
    match &r.connect_error {
        None => {
            let _ = writeln!(s, "  reachable:  yes");
        }
        Some(p) => {
            let _ = writeln!(s, "  reachable:  no: {} {}", p.id, p.message);
        }
    }
    let speaks = match r.speaks {
        Speaks::Tls => "TLS",
        Speaks::PlainHttp => "plain HTTP (no TLS)",
        Speaks::Other => "neither TLS nor HTTP",
        Speaks::Nothing => "nothing (closes every connection without a reply)",
        Speaks::Unknown => "unknown",
    };
    let _ = writeln!(s, "  speaks:     {speaks}");
    if r.reachable {
        let over = r.cmci.over.as_deref().unwrap_or("-");
        let status = r
            .cmci
            .http_status
            .as_deref()
            .or(r.cmci.no_answer.as_deref())
            .unwrap_or("no HTTP answer");
        let cmci = if r.cmci.detected {
            format!("yes (over {over}): {status}")
        } else {
            format!("not recognised (over {over}): {status}")
        };
        let _ = writeln!(s, "  CMCI:       {cmci}");
        for e in &r.cmci.evidence {
            let _ = writeln!(s, "              - {e}");
        }
    }

    if !r.versions.is_empty() {
        let _ = writeln!(s, "\nProtocol versions");
        for v in &r.versions {
            let state = if v.accepted { "accepted" } else { "refused " };
            let note = if v.accepted && !v.usable_by_cicsx {
                "  (cicsx never uses it)"
            } else {
                ""
            };
            let answer = if v.accepted { "" } else { v.answer.as_str() };
            let _ = writeln!(s, "  {}  {state}  {answer}{note}", v.version);
        }
        let _ = writeln!(
            s,
            "\nCipher suites accepted (in the order the server chose them)"
        );
        if r.suites.is_empty() {
            let _ = writeln!(s, "  none");
        }
        let width = r.suites.iter().map(|x| x.name.len()).max().unwrap_or(0);
        for x in &r.suites {
            let why = if x.reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", x.reasons.join(", "))
            };
            let _ = writeln!(
                s,
                "  {}  {:width$}  {}  cicsx: {:3}  {}{why}",
                x.version,
                x.name,
                x.code,
                yes_no(x.usable_by_cicsx),
                x.rating,
            );
        }
    }

    if r.cicsx_handshake.attempted {
        let h = &r.cicsx_handshake;
        let _ = writeln!(
            s,
            "\ncicsx's own handshake (TLS 1.2/1.3, strong suites only)"
        );
        match &h.error {
            None => {
                let _ = writeln!(
                    s,
                    "  completed: {}, {}{}",
                    h.version.as_deref().unwrap_or("?"),
                    h.cipher_suite.as_deref().unwrap_or("?"),
                    h.key_exchange
                        .as_deref()
                        .map(|k| format!(", key exchange {k}"))
                        .unwrap_or_default()
                );
            }
            Some(p) => {
                let _ = writeln!(s, "  failed: {} {}", p.id, p.message);
            }
        }
    }

    if !r.certificates.is_empty() {
        let _ = writeln!(s, "\nCertificate chain (as the server sent it)");
        for (i, c) in r.certificates.iter().enumerate() {
            let _ = writeln!(s, "  [{i}] subject:  {}", c.subject);
            let _ = writeln!(s, "      issuer:   {}", c.issuer);
            let _ = writeln!(
                s,
                "      valid:    {} to {}{}",
                c.not_before,
                c.not_after,
                if c.expired_or_not_yet_valid {
                    "  (NOT VALID NOW)"
                } else {
                    ""
                }
            );
            let _ = writeln!(s, "      key:      {}", c.key);
            if !c.sans.is_empty() {
                let _ = writeln!(s, "      names:    {}", c.sans.join(", "));
            }
            let _ = writeln!(s, "      SHA-256:  {}", c.sha256);
        }
    }
    if let Some(h) = &r.host_name {
        let _ = writeln!(
            s,
            "  host name {}: {}",
            h.name,
            if h.matches {
                "named by the certificate"
            } else {
                "NOT named by the certificate"
            }
        );
    }
    if let Some(t) = &r.trust {
        let detail = match (&t.message_id, &t.detail) {
            (Some(id), Some(d)) => format!(" ({id} {d})"),
            _ => String::new(),
        };
        let off = if t.verification {
            ""
        } else {
            "; trust verification is OFF"
        };
        let _ = writeln!(s, "  trust: {}{detail}{off}", t.status);
    }

    if r.speaks == Speaks::Tls {
        let c = &r.client_certificate;
        let _ = writeln!(s, "\nClient certificate");
        let required = match c.required {
            Some(true) => "required",
            Some(false) if c.requested => "optional",
            Some(false) => "not asked for",
            None if c.requested => "asked for (whether it is required is not known)",
            None => "not known (the handshake ended before the server could ask for one)",
        };
        let _ = writeln!(s, "  {required}");
        if c.requested {
            let _ = writeln!(s, "  acceptable CAs:");
            if c.acceptable_ca_names.is_empty() {
                let _ = writeln!(s, "    (none named: any)");
            }
            for n in &c.acceptable_ca_names {
                let _ = writeln!(s, "    {n}");
            }
            let list = |v: &[String]| {
                if v.is_empty() {
                    "none".to_owned()
                } else {
                    v.join(", ")
                }
            };
            let _ = writeln!(
                s,
                "  matching keystore entries: {}",
                list(&c.matching_keystore_entries)
            );
            let _ = writeln!(
                s,
                "  matching smart card certificates: {}",
                list(&c.matching_smart_card_certificates)
            );
            if let Some(own) = &c.connection_credential {
                let _ = writeln!(
                    s,
                    "  the connection's credential: {} ({})",
                    own.name,
                    if own.matches {
                        "issued by an acceptable CA"
                    } else {
                        "NOT issued by an acceptable CA"
                    }
                );
            }
        }
    }

    if !r.notes.is_empty() {
        let _ = writeln!(s, "\nNotes");
        for n in &r.notes {
            let _ = writeln!(s, "  - {n}");
        }
    }

    let v = &r.verdict;
    let _ = writeln!(s);
    match (&v.message_id, v.ok) {
        (_, true) => {
            let _ = writeln!(s, "Verdict: OK. {}", v.summary);
        }
        (Some(id), false) => match &v.title {
            Some(title) => {
                let _ = writeln!(s, "Verdict: {id} {title}\n  {}", v.summary);
            }
            None => {
                let _ = writeln!(s, "Verdict: {id} {}", v.summary);
            }
        },
        (None, false) => {
            let _ = writeln!(s, "Verdict: cicsx cannot connect. {}", v.summary);
        }
    }
    for f in &v.fixes {
        let side = match f.side {
            Side::Client => "client",
            Side::Region => "region",
        };
        let _ = writeln!(s, "  Fix ({side}): {}", f.text);
    }
    let took = if r.elapsed_ms < 1000 {
        format!("{} ms", r.elapsed_ms)
    } else {
        format!("{:.1} s", r.elapsed_ms as f64 / 1000.0)
    };
    let _ = writeln!(s, "\n{} connections in {took}", r.connections);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_forms() {
        let e = parse_host_port("cics.example.com:1490").unwrap();
        assert_eq!((e.host.as_str(), e.port), ("cics.example.com", 1490));
        let e = parse_host_port("[::1]:443").unwrap();
        assert_eq!((e.host.as_str(), e.port), ("::1", 443));
        for bad in [
            "myconn",
            "host:0",
            "host:70000",
            ":1490",
            "::1:1490",
            "a b:1",
            "[::1]",
        ] {
            assert!(parse_host_port(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn verdict_ids_are_kept() {
        assert_eq!(static_id("CICSX0407E"), "CICSX0407E");
        assert_eq!(static_id("CICSX0608E"), "CICSX0608E");
        assert_eq!(static_id("nonsense"), "CICSX0417E");
    }
}
