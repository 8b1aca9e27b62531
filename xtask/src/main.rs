//! Developer tasks for the cicsx workspace.
//!
//! - `cargo xtask fixtures` regenerates the test PKI in `fixtures/` (see `fixtures/README.md`).
//! - `cargo xtask test-server [--port N] [--mode M] [--cert C] [--user U:P]...` runs the mock
//!   CICS region (`cicsx-mock-cics`) in the foreground.
//! - `cargo xtask limbo FILE` runs the x509-limbo suite through cicsx-truststore (see
//!   `limbo.rs`).
//! - `cargo xtask bench [e2e|s-time|all]` runs whole-process benchmarks against the peers (see
//!   `bench.rs`).
//!
//! Arguments are parsed by hand to keep this crate's dependencies few.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{SystemTime, UNIX_EPOCH};

use p12_keystore::{KeyStore, KeyStoreEntry, Pkcs12ImportPolicy, PrivateKey, PrivateKeyChain};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, SignatureAlgorithm,
};

mod bench;
mod bench_fanout;
mod limbo;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The pass phrase of every PKCS#12 file in `fixtures/`.
const P12_PASSPHRASE: &str = "changeit";

/// How long generated certificates stay valid, in years.
const VALIDITY_YEARS: i32 = 20;

/// Host names and addresses every "good" server certificate is issued for.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  fixtures                 regenerate the test PKI in fixtures/ (see fixtures/README.md)
  test-server [ARGS...]    run the mock CICS region: --port N --mode M --cert C --user U:P
                           (modes: strong, client-auth, medium, plain;
                            certs: valid, rsa, expired, wrong-host, self-signed, unknown-ca)
  limbo [-v] FILE          run the x509-limbo suite (limbo.json[.gz]) through cicsx-truststore
                           and plain rustls-webpki; fails if the trust store is more lenient
  bench [e2e|s-time|all] [--runs N] [--quick] [--no-build]
                           whole-process benchmarks against curl, Java, Node and openssl
                           (needs hyperfine, java, node); reports in target/bench/
  help                     print this text";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let outcome = match task.as_deref() {
        Some("fixtures") if rest.is_empty() => {
            generate_fixtures(&workspace_root().join("fixtures"))
        }
        Some("test-server") => run_test_server(&rest),
        Some("limbo") => limbo::run(&rest).map_err(Into::into),
        Some("bench") => bench::run(&rest).map_err(Into::into),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!(
            "unknown task or arguments: {other} {}\n{USAGE}",
            rest.join(" ")
        )
        .into()),
        None => Err(USAGE.into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly in the workspace root.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `cargo xtask test-server`: run the mock region binary with the given arguments.
fn run_test_server(args: &[String]) -> Result<()> {
    // Validate the arguments here so a typo fails before a build starts.
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--port" | "--mode" | "--cert" | "--user" | "--endpoints" | "--bind" => {
                if it.next().is_none() {
                    return Err(format!("{flag} needs a value\n{USAGE}").into());
                }
            }
            "-h" | "--help" => {}
            other => return Err(format!("unknown test-server argument: {other}\n{USAGE}").into()),
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(["run", "-q", "-p", "cicsx-mock-cics", "--"])
        .args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // exec only returns on failure.
        let err = command.exec();
        Err(format!("could not run cargo: {err}").into())
    }
    #[cfg(not(unix))]
    {
        let status = command.status()?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("cicsx-mock-cics ended with {status}").into())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Test PKI
// ---------------------------------------------------------------------------------------------

/// A certificate authority that can issue certificates, with its own certificate in PEM.
struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

/// An issued end-entity certificate with its key.
struct Leaf {
    cert_der: Vec<u8>,
    cert_pem: String,
    key: KeyPair,
}

fn generate_fixtures(dir: &Path) -> Result<()> {
    let today = civil_today()?;
    // From yesterday, so a peer whose clock runs a little behind still accepts them.
    let yesterday = civil_from_days(today_days()? - 1);
    let not_before = rcgen::date_time_ymd(yesterday.0, yesterday.1, yesterday.2);
    // Day 28 at most, so 29 February never lands on a year without one.
    let not_after = rcgen::date_time_ymd(today.0 + VALIDITY_YEARS, today.1, today.2.min(28));
    let validity = |p: &mut CertificateParams| {
        p.not_before = not_before;
        p.not_after = not_after;
    };

    // Trust anchors.
    let root = new_ca("cicsx Test Root CA", None, 1, &validity)?;
    let intermediate = new_ca("cicsx Test Intermediate CA", Some(&root), 0, &validity)?;
    let other_root = new_ca("cicsx Unrelated Test Root CA", None, 0, &validity)?;

    let server_chain = |leaf: &Leaf| format!("{}{}", leaf.cert_pem, intermediate.pem);

    // Server certificates.
    let ecdsa = new_leaf(
        "localhost",
        &SERVER_NAMES,
        &PKCS_ECDSA_P256_SHA256,
        ExtendedKeyUsagePurpose::ServerAuth,
        &intermediate,
        &validity,
    )?;
    let rsa = new_leaf(
        "localhost",
        &SERVER_NAMES,
        &PKCS_RSA_SHA256,
        ExtendedKeyUsagePurpose::ServerAuth,
        &intermediate,
        &validity,
    )?;
    let expired = new_leaf(
        "localhost (expired)",
        &SERVER_NAMES,
        &PKCS_ECDSA_P256_SHA256,
        ExtendedKeyUsagePurpose::ServerAuth,
        &intermediate,
        &|p: &mut CertificateParams| {
            p.not_before = rcgen::date_time_ymd(2020, 1, 1);
            p.not_after = rcgen::date_time_ymd(2021, 1, 1);
        },
    )?;
    let wrong_host = new_leaf(
        "wrong.example.invalid",
        &["wrong.example.invalid"],
        &PKCS_ECDSA_P256_SHA256,
        ExtendedKeyUsagePurpose::ServerAuth,
        &intermediate,
        &validity,
    )?;
    let unknown_ca = new_leaf(
        "localhost (unknown CA)",
        &SERVER_NAMES,
        &PKCS_ECDSA_P256_SHA256,
        ExtendedKeyUsagePurpose::ServerAuth,
        &other_root,
        &validity,
    )?;
    let self_signed = new_self_signed_server(&validity)?;

    // Client certificates.
    let client_ecdsa = new_leaf(
        "CICSUSER",
        &[],
        &PKCS_ECDSA_P256_SHA256,
        ExtendedKeyUsagePurpose::ClientAuth,
        &intermediate,
        &validity,
    )?;
    let client_rsa = new_leaf(
        "CICSUSER",
        &[],
        &PKCS_RSA_SHA256,
        ExtendedKeyUsagePurpose::ClientAuth,
        &intermediate,
        &validity,
    )?;

    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("ca/root.pem", root.pem.clone().into_bytes()),
        ("ca/intermediate.pem", intermediate.pem.clone().into_bytes()),
        ("other-ca/root.pem", other_root.pem.clone().into_bytes()),
    ];
    for (name, leaf, chain) in [
        ("server/ecdsa", &ecdsa, server_chain(&ecdsa)),
        ("server/rsa", &rsa, server_chain(&rsa)),
        ("server/expired", &expired, server_chain(&expired)),
        ("server/wrong-host", &wrong_host, server_chain(&wrong_host)),
        (
            "server/self-signed",
            &self_signed,
            self_signed.cert_pem.clone(),
        ),
        // Issued straight from the unrelated root: the leaf alone is the chain.
        (
            "server/unknown-ca",
            &unknown_ca,
            unknown_ca.cert_pem.clone(),
        ),
        ("client/ecdsa", &client_ecdsa, server_chain(&client_ecdsa)),
        ("client/rsa", &client_rsa, server_chain(&client_rsa)),
    ] {
        files.push((leak(format!("{name}.pem")), chain.into_bytes()));
        files.push((
            leak(format!("{name}.key.pem")),
            leaf.key.serialize_pem().into_bytes(),
        ));
    }
    let chain_ders = [pem_to_der(&intermediate.pem)?, pem_to_der(&root.pem)?];
    files.push((
        "client/ecdsa.p12",
        client_p12("cicsuser-ecdsa", &client_ecdsa, &chain_ders)?,
    ));
    files.push((
        "client/rsa.p12",
        client_p12("cicsuser-rsa", &client_rsa, &chain_ders)?,
    ));
    files.push(("ca/truststore.p12", truststore_p12(&chain_ders)?));

    for (name, bytes) in &files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    check_written(dir, &files)?;
    println!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}

/// File names are few and fixed; leaking them keeps the table above simple.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn new_ca(
    common_name: &str,
    parent: Option<&Ca>,
    path_len: u8,
    validity: &dyn Fn(&mut CertificateParams),
) -> Result<Ca> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "cicsx test PKI");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(path_len));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = parent.is_some();
    validity(&mut params);
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let cert = match parent {
        Some(parent) => params.signed_by(&key, &parent.issuer)?,
        None => params.self_signed(&key)?,
    };
    Ok(Ca {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    })
}

fn new_leaf(
    common_name: &str,
    names: &[&str],
    alg: &'static SignatureAlgorithm,
    usage: ExtendedKeyUsagePurpose,
    issuer: &Ca,
    validity: &dyn Fn(&mut CertificateParams),
) -> Result<Leaf> {
    let mut params = leaf_params(common_name, names, usage)?;
    validity(&mut params);
    if alg == &PKCS_RSA_SHA256 {
        // RSA key exchange (TLS 1.2 RSA suites) encrypts with the certificate's key.
        params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
    }
    let key = KeyPair::generate_for(alg)?;
    let cert = params.signed_by(&key, &issuer.issuer)?;
    Ok(Leaf {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key,
    })
}

fn new_self_signed_server(validity: &dyn Fn(&mut CertificateParams)) -> Result<Leaf> {
    let mut params = leaf_params(
        "localhost (self-signed)",
        &SERVER_NAMES,
        ExtendedKeyUsagePurpose::ServerAuth,
    )?;
    validity(&mut params);
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let cert = params.self_signed(&key)?;
    Ok(Leaf {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key,
    })
}

fn leaf_params(
    common_name: &str,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> Result<CertificateParams> {
    let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    let mut params = CertificateParams::new(names)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "cicsx test PKI");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    params.use_authority_key_identifier_extension = true;
    Ok(params)
}

/// A PKCS#12 file holding one private-key entry with its whole chain (leaf, intermediate, root).
fn client_p12(alias: &str, leaf: &Leaf, chain: &[Vec<u8>]) -> Result<Vec<u8>> {
    let key = PrivateKey::from_der(leaf.key.serialized_der())?;
    let mut certs = vec![p12_keystore::Certificate::from_der(&leaf.cert_der)?];
    for der in chain {
        certs.push(p12_keystore::Certificate::from_der(der)?);
    }
    // The local key ID ties the key bag to its certificate; any stable bytes do.
    let key_id = format!("cicsx-{alias}");
    let mut store = KeyStore::new();
    store.add_entry(
        alias,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(key_id.as_str(), key, certs)),
    );
    Ok(store.writer(P12_PASSPHRASE).write()?)
}

/// A PKCS#12 trust store (trusted-certificate entries only) with the intermediate and root CAs.
fn truststore_p12(chain: &[Vec<u8>]) -> Result<Vec<u8>> {
    let mut store = KeyStore::new();
    for (alias, der) in ["cicsx-test-intermediate", "cicsx-test-root"]
        .iter()
        .zip(chain)
    {
        store.add_entry(
            alias,
            KeyStoreEntry::Certificate(p12_keystore::Certificate::from_der(der)?),
        );
    }
    Ok(store.writer(P12_PASSPHRASE).write()?)
}

fn pem_to_der(pem: &str) -> Result<Vec<u8>> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    Ok(CertificateDer::from_pem_slice(pem.as_bytes())?.to_vec())
}

/// Read back what was written: every PEM certificate parses, every PKCS#12 file opens with its
/// pass phrase and holds what it should.
fn check_written(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    for (name, _) in files {
        let path = dir.join(name);
        let bytes = std::fs::read(&path)?;
        if name.ends_with(".key.pem") {
            rustls_pki_types::PrivateKeyDer::from_pem_slice(&bytes)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        } else if name.ends_with(".pem") {
            let certs = CertificateDer::pem_slice_iter(&bytes)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!("{}: no certificate", path.display()).into());
            }
            for der in &certs {
                x509_parser::parse_x509_certificate(der)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        } else if name.ends_with(".p12") {
            let store = KeyStore::from_pkcs12(&bytes, P12_PASSPHRASE, Pkcs12ImportPolicy::Strict)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if name.starts_with("client/") {
                let (_, chain) = store
                    .private_key_chain()
                    .ok_or_else(|| format!("{}: no private key entry", path.display()))?;
                if chain.certs().len() != 3 {
                    return Err(format!(
                        "{}: chain of {} certificates",
                        path.display(),
                        chain.certs().len()
                    )
                    .into());
                }
            } else if store.entries_len() != 2 {
                return Err(format!("{}: {} entries", path.display(), store.entries_len()).into());
            }
        }
    }
    Ok(())
}

/// Today's date (UTC) as (year, month, day), from the system clock.
fn civil_today() -> Result<(i32, u8, u8)> {
    Ok(civil_from_days(today_days()?))
}

/// Days since 1970-01-01 (UTC), from the system clock.
fn today_days() -> Result<i64> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    Ok(i64::try_from(secs / 86_400)?)
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
/// The well-known era-based algorithm (400-year cycles of 146,097 days).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Ranges noted above make these conversions lossless for any date this tool will see.
    (year as i32, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
