//! Opens a keystore file and prints its entries: the cicsx side of the whole-process timing in
//! docs/BENCHMARKS.md (against `openssl pkcs12 -noout` and `keytool -list`).
//!
//! ```text
//! cargo run --release -p cicsx-keystore --example open -- --write-fixture bench.p12
//! cargo run --release -p cicsx-keystore --example open -- bench.p12
//! ```
//!
//! The pass phrase comes from `CICSX_KEYSTORE_PASSWORD`, else `changeit` (never from the command
//! line). `--write-fixture` writes a keystore like the benchmark's: one EC key with a chain of
//! two certificates and a trusted root, PKCS#12 with 10,000 iterations.

use std::process::ExitCode;

use cicsx_keystore::{DEFAULT_PASSPHRASE, Keystore, KeystoreFile, SecretString};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

fn main() -> ExitCode {
    let pass = SecretString::from(
        std::env::var("CICSX_KEYSTORE_PASSWORD").unwrap_or_else(|_| DEFAULT_PASSPHRASE.to_owned()),
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, path] if flag == "--write-fixture" => write_fixture(path, &pass),
        [path] => KeystoreFile::new(path).load(&pass).map(|ks| {
            for e in ks.entries() {
                println!("{e}");
            }
        }),
        _ => {
            eprintln!("usage: open [--write-fixture] FILE");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e}", e.id());
            ExitCode::FAILURE
        }
    }
}

fn write_fixture(path: &str, pass: &SecretString) -> Result<(), cicsx_keystore::Error> {
    let gen_err = |e: rcgen::Error| cicsx_keystore::Error::Encode {
        detail: e.to_string(),
    };
    let ca_key = KeyPair::generate().map_err(gen_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(gen_err)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "bench CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).map_err(gen_err)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().map_err(gen_err)?;
    let mut params =
        CertificateParams::new(vec!["client.example.com".to_owned()]).map_err(gen_err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "bench client");
    let leaf = params.signed_by(&key, &issuer).map_err(gen_err)?;
    let mut ks = Keystore::new();
    ks.add_private_key(
        "client",
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        vec![leaf.der().clone(), ca.der().clone()],
    )?;
    ks.add_trusted("cics-root", ca.der().clone())?;
    let file = KeystoreFile::new(path);
    file.create(pass)?;
    file.update(pass, |k| k.import(ks, None).map(|_| ()))
}
