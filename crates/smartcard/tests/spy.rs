//! What the crate asks of the token, recorded by OpenSC's pkcs11-spy between cicsx and
//! SoftHSM during one mutual TLS connection: one login, the signature made on the token, the
//! private key's value never read, every session closed, a logout.
//!
//! A test binary of its own: the module loaded in this process is the spy, not SoftHSM.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use cicsx_handshake::{ClientAuth, Endpoint, HttpConnection, Timeouts, TlsOptions, TlsVersions};
use cicsx_mock_cics::{Config, MockRegion, Mode};
use cicsx_smartcard::{Module, Pkcs11Uri};
use http_body_util::Full;
use secrecy::SecretString;
use support::{Content, Farm, PIN, SOFTHSM_MODULE, SPY_MODULE, TokenSpec};

fn farm() -> &'static Farm {
    static FARM: OnceLock<Farm> = OnceLock::new();
    FARM.get_or_init(|| {
        support::require_tools(true);
        Farm::create("spy", &[TokenSpec::new("spied", Content::Ec)])
    })
}

const LOG: &str = "pkcs11-spy.log";

fn log_path() -> PathBuf {
    Farm::from_env().dir.join(LOG)
}

/// One PKCS#11 call in the spy's log.
#[derive(Debug)]
struct Call {
    function: String,
    lines: Vec<String>,
}

impl Call {
    fn returned_ok(&self) -> bool {
        self.lines
            .iter()
            .any(|l| l.starts_with("Returned:") && l.contains("CKR_OK"))
    }

    /// The value of a `[in] name = 0x..` or `[out] name = 0x..` line.
    fn handle(&self, name: &str) -> Option<String> {
        self.lines.iter().find_map(|l| {
            let rest = l
                .strip_prefix("[in] ")
                .or_else(|| l.strip_prefix("[out] "))?;
            let value = rest.strip_prefix(name)?.trim_start().strip_prefix('=')?;
            Some(value.trim().to_string())
        })
    }

    /// The attribute types of the call's input template.
    fn template_attributes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut in_template = false;
        for line in &self.lines {
            if line.starts_with("[in] pTemplate") {
                in_template = true;
            } else if line.starts_with('[') || line.starts_with("Returned") {
                in_template = false;
            } else if in_template
                && let Some(word) = line.split_whitespace().next()
                && word.starts_with("CKA_")
            {
                out.push(word.to_string());
            }
        }
        out
    }
}

fn parse_log(text: &str) -> Vec<Call> {
    let mut calls: Vec<Call> = Vec::new();
    for line in text.lines() {
        let header = line.split_once(": ").filter(|(n, f)| {
            n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() && f.starts_with("C_")
        });
        if let Some((_, function)) = header {
            calls.push(Call {
                function: function.trim().to_string(),
                lines: Vec::new(),
            });
        } else if let Some(call) = calls.last_mut() {
            call.lines.push(line.trim().to_string());
        }
    }
    calls
}

#[test]
fn one_login_signature_on_token_key_never_read_sessions_closed() {
    // The spy forwards to SoftHSM and logs every call (PINs included: test PINs only).
    let spy_env = |farm: &Farm| {
        vec![
            ("PKCS11SPY", SOFTHSM_MODULE.to_string()),
            ("PKCS11SPY_OUTPUT", farm.dir.join(LOG).display().to_string()),
        ]
    };
    support::isolated(
        "one_login_signature_on_token_key_never_read_sessions_closed",
        &farm,
        &spy_env,
        run_spied_connection,
    );
}

fn run_spied_connection() {
    let module = Module::load(Path::new(SPY_MODULE)).expect("pkcs11-spy loads and forwards");
    let auth = module
        .client_auth(&Pkcs11Uri::token("spied"), &SecretString::from(PIN))
        .expect("login through the spy");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let region = MockRegion::start(Config {
            mode: Mode::ClientAuth,
            ..Default::default()
        })
        .await
        .unwrap();
        let config = cicsx_handshake::client_config(TlsOptions {
            verifier: support::server_verifier(),
            client_auth: Some(ClientAuth::Resolver(auth.clone())),
            versions: TlsVersions::Tls13,
            server_name: None,
        })
        .unwrap();
        let endpoint = Endpoint::new("127.0.0.1", region.addr().port());
        let mut conn = HttpConnection::open(&endpoint, Some((&config, None)), &Timeouts::default())
            .await
            .expect("mutual TLS with the key on the token");
        let request = hyper::Request::builder()
            .uri("/CICSSystemManagement/CICSRegion/CICSPLEX1")
            .header("host", "127.0.0.1")
            .body(Full::new(Bytes::new()))
            .unwrap();
        assert_eq!(conn.send(request).await.unwrap().status, 200);
        assert_eq!(region.stats().client_cert_requests, 1);
        drop(conn);
        drop(config);
        region.shutdown().await;
    });
    assert_eq!(
        Arc::strong_count(&auth),
        1,
        "the connection let go of the resolver"
    );
    drop(auth);

    let text = std::fs::read_to_string(log_path()).expect("the spy wrote its log");
    let calls = parse_log(&text);
    let named = |f: &'static str| calls.iter().filter(move |c| c.function == f);
    let dump = || {
        calls
            .iter()
            .map(|c| c.function.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };

    // One login, and it succeeded.
    let logins: Vec<&Call> = named("C_Login").collect();
    assert_eq!(logins.len(), 1, "calls: {}", dump());
    assert!(logins[0].returned_ok());

    // The private key's handles, from searches for CKO_PRIVATE_KEY.
    let mut private_keys = HashSet::new();
    for (i, call) in calls.iter().enumerate() {
        let searches_private = call.function == "C_FindObjectsInit"
            && call
                .lines
                .iter()
                .any(|l| l.contains("CKA_CLASS") && l.contains("CKO_PRIVATE_KEY"));
        if searches_private {
            for found in calls[i + 1..]
                .iter()
                .take_while(|c| c.function != "C_FindObjectsFinal")
            {
                for line in &found.lines {
                    if let Some(h) = line
                        .strip_prefix("Object ")
                        .and_then(|r| r.strip_suffix(" matches"))
                    {
                        private_keys.insert(h.to_string());
                    }
                }
            }
        }
    }
    assert_eq!(
        private_keys.len(),
        1,
        "one private key found: {private_keys:?}"
    );

    // One signature, made on the token with that key (CKM_ECDSA over a hash).
    let sign_inits: Vec<&Call> = named("C_SignInit").collect();
    assert_eq!(sign_inits.len(), 1, "calls: {}", dump());
    let key = sign_inits[0].handle("hKey").expect("hKey");
    assert!(
        private_keys.contains(&key),
        "signed with {key}, private keys {private_keys:?}"
    );
    assert!(sign_inits[0].lines.iter().any(|l| l.contains("CKM_ECDSA")));
    // C_Sign is called once for the length and once for the signature (PKCS#11's two-call
    // convention); both are one operation of the one C_SignInit.
    let signs: Vec<&Call> = named("C_Sign").collect();
    assert!((1..=2).contains(&signs.len()), "calls: {}", dump());
    let last = signs.last().unwrap();
    assert!(last.returned_ok() && last.lines.iter().any(|l| l.starts_with("[out] pSignature")));

    // Nothing ever asks for the private key's secret parts, or exports it.
    const SECRET: [&str; 7] = [
        "CKA_VALUE",
        "CKA_PRIVATE_EXPONENT",
        "CKA_PRIME_1",
        "CKA_PRIME_2",
        "CKA_EXPONENT_1",
        "CKA_EXPONENT_2",
        "CKA_COEFFICIENT",
    ];
    let (mut key_reads, mut cert_value_reads) = (0, 0);
    for call in named("C_GetAttributeValue") {
        let object = call.handle("hObject").unwrap_or_default();
        let asked = call.template_attributes();
        if private_keys.contains(&object) {
            key_reads += 1;
            assert!(
                !asked.iter().any(|a| SECRET.contains(&a.as_str())),
                "asked the private key for {asked:?}"
            );
        } else if asked.iter().any(|a| a == "CKA_VALUE") {
            cert_value_reads += 1;
        }
    }
    // The log was understood: the key's type was read, and the certificates' values.
    assert!(
        key_reads >= 1,
        "no attribute read of the key seen: {}",
        dump()
    );
    assert!(
        cert_value_reads >= 1,
        "no CKA_VALUE read seen at all: {}",
        dump()
    );
    for forbidden in [
        "C_WrapKey",
        "C_CopyObject",
        "C_SetAttributeValue",
        "C_DestroyObject",
    ] {
        assert_eq!(named(forbidden).count(), 0, "{forbidden} called");
    }

    // Every session opened was closed; the logout came after the signature.
    let opened: HashSet<String> = named("C_OpenSession")
        .filter_map(|c| c.handle("*phSession"))
        .collect();
    let closed: HashSet<String> = named("C_CloseSession")
        .filter_map(|c| c.handle("hSession"))
        .collect();
    assert!(!opened.is_empty(), "calls: {}", dump());
    assert_eq!(opened, closed, "calls: {}", dump());
    let position = |f: &str| calls.iter().rposition(|c| c.function == f);
    assert_eq!(named("C_Logout").count(), 1, "calls: {}", dump());
    assert!(position("C_Logout") > position("C_Sign"));
    assert!(position("C_Logout") < position("C_CloseSession"));
}
