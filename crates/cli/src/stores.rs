//! `cicsx keystore`, `cicsx truststore` and `cicsx prefs`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use cicsx_keystore::{Entry, ExposeSecret, Keystore, KeystoreFile, SecretString, StoreType};
use cicsx_profile::{Preferences, Workspace};
use cicsx_truststore::{CertificateInfo, ExpiryKind, Validity, parse_pin_alias};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::args::{KeystoreCommand, PrefsCommand, StoreArgs, TruststoreCommand};
use crate::commands::pretty;
use crate::error::Failure;
use crate::interact::now_unix;

use cicsx_cmci::session::EXPIRY_WARNING_DAYS;

pub(crate) fn prefs(workspace: &Workspace, cmd: PrefsCommand) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match cmd {
        PrefsCommand::Show { json } => {
            let p = workspace.load_preferences()?;
            if json {
                let map: serde_json::Map<_, _> = Preferences::KEYS
                    .iter()
                    .map(|k| {
                        let v = p.get(k).ok().flatten();
                        let v = match (*k, v) {
                            ("trust_verification" | "system_roots", Some(v)) => {
                                serde_json::Value::Bool(v == "true")
                            }
                            (_, Some(v)) => serde_json::Value::String(v),
                            (_, None) => serde_json::Value::Null,
                        };
                        ((*k).to_owned(), v)
                    })
                    .collect();
                let _ = writeln!(out, "{}", pretty(&serde_json::Value::Object(map)));
                return Ok(());
            }
            for key in Preferences::KEYS {
                let value = p.get(key)?;
                let shown = match (*key, value) {
                    ("keystore", None) => format!(
                        "(default) {}",
                        workspace.keystore_path().display()
                    ),
                    ("trust_verification", Some(v)) if v == "false" => {
                        "false  (certificates are NOT checked: anyone in between can read your password)".to_owned()
                    }
                    (_, Some(v)) => v,
                    (_, None) => "(not set)".to_owned(),
                };
                let _ = writeln!(out, "{key:<20} {shown}");
            }
        }
        PrefsCommand::Set { key, value } => {
            workspace.update_preferences(|p| p.set(&key, &value))?;
            let p = workspace.load_preferences()?;
            let now = p.get(&key)?.unwrap_or_else(|| "(not set)".to_owned());
            let _ = writeln!(out, "{key} = {now}");
            if key == "trust_verification" && !p.trust_verification {
                let _ = writeln!(
                    out,
                    "CICSX0921W Trust verification is now off: cicsx will connect to any server \
                     without checking its certificate, and will warn on every connection."
                );
            }
        }
    }
    Ok(())
}

pub(crate) fn truststore(workspace: &Workspace, cmd: TruststoreCommand) -> Result<(), Failure> {
    let TruststoreCommand::List { json } = cmd;
    let preferences = workspace.load_preferences()?;
    let secrets = cicsx_cmci::session::Secrets {
        keystore_passphrase: crate::session::keystore_passphrase(),
        pkcs12_passphrase: None,
        pin: None,
    };
    let trust = cicsx_cmci::session::trust_store(workspace, &preferences, &secrets)?;
    let now = now_unix();
    let mut rows = Vec::new();
    for anchor in trust.anchors() {
        rows.push((
            "anchor",
            None,
            anchor.source.to_string(),
            &anchor.certificate,
        ));
    }
    for pin in trust.pins() {
        rows.push((
            "accepted",
            Some(format!("{}:{}", pin.host, pin.port)),
            pin.source.to_string(),
            &pin.certificate,
        ));
    }
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|(kind, pinned, source, cert)| {
                let mut v = cert_json(cert);
                v["kind"] = serde_json::json!(kind);
                v["source"] = serde_json::json!(source);
                v["accepted_for"] = serde_json::json!(pinned);
                v
            })
            .collect();
        let _ = writeln!(out, "{}", pretty(&serde_json::Value::Array(list)));
        return Ok(());
    }
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "No trust anchors: every server certificate will raise a certificate alert."
        );
        return Ok(());
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(kind, pinned, source, cert)| {
            let info = CertificateInfo::from_der(cert).ok();
            vec![
                match pinned {
                    Some(p) => format!("accepted for {p}"),
                    None => (*kind).to_owned(),
                },
                info.as_ref().map(|i| i.subject.clone()).unwrap_or_default(),
                info.as_ref()
                    .map(|i| expiry_text(i, now))
                    .unwrap_or_default(),
                source.clone(),
            ]
        })
        .collect();
    print_table(&mut out, &["KIND", "SUBJECT", "EXPIRES", "SOURCE"], &table);
    Ok(())
}

pub(crate) fn keystore(workspace: &Workspace, cmd: KeystoreCommand) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match cmd {
        KeystoreCommand::Create { store } => {
            let file = open_file(workspace, &store)?;
            let pass = new_passphrase(store.storepass_file.as_deref(), "CICSX_KEYSTORE_PASSWORD")?;
            file.create(&pass)?;
            let _ = writeln!(out, "Created {}.", file.path().display());
        }
        KeystoreCommand::List { store, json } => {
            let (file, ks) = load(workspace, &store)?;
            let now = now_unix();
            if json {
                let list: Vec<_> = ks.entries().iter().map(entry_json).collect();
                let _ = writeln!(out, "{}", pretty(&serde_json::Value::Array(list)));
                return Ok(());
            }
            let _ = writeln!(
                out,
                "{} ({}), {} entr{}",
                file.path().display(),
                file.store_type(),
                ks.len(),
                if ks.len() == 1 { "y" } else { "ies" }
            );
            let rows: Vec<Vec<String>> = ks
                .entries()
                .iter()
                .map(|e| {
                    let info = e
                        .certificate()
                        .and_then(|c| CertificateInfo::from_der(c).ok());
                    vec![
                        e.alias().to_owned(),
                        entry_kind(e).to_owned(),
                        info.as_ref().map(|i| i.subject.clone()).unwrap_or_default(),
                        info.as_ref()
                            .map(|i| expiry_text(i, now))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                print_table(&mut out, &["ALIAS", "TYPE", "SUBJECT", "EXPIRES"], &rows);
            }
        }
        KeystoreCommand::Show { alias, store, json } => {
            let (_, ks) = load(workspace, &store)?;
            let entry = ks.get(&alias).ok_or_else(|| not_found(&alias))?;
            if json {
                let _ = writeln!(out, "{}", pretty(&entry_json(entry)));
                return Ok(());
            }
            let _ = writeln!(out, "Alias:  {}", entry.alias());
            let _ = writeln!(out, "Type:   {}", entry_kind(entry));
            if let Some((host, port)) = parse_pin_alias(entry.alias()) {
                let _ = writeln!(out, "Accepted on first use for {host}:{port}");
            }
            let chain: Vec<&CertificateDer<'static>> = match entry {
                Entry::PrivateKey(k) => k.chain.iter().collect(),
                Entry::Trusted(t) => vec![&t.certificate],
                _ => Vec::new(),
            };
            let now = now_unix();
            for (i, cert) in chain.iter().enumerate() {
                let info = CertificateInfo::from_der(cert)?;
                let _ = writeln!(out, "\nCertificate [{}]", i + 1);
                let _ = writeln!(out, "  Subject:     {}", info.subject);
                let _ = writeln!(out, "  Issuer:      {}", info.issuer);
                let _ = writeln!(out, "  Serial:      {}", info.serial);
                let _ = writeln!(out, "  Valid from:  {}", info.not_before);
                let _ = writeln!(
                    out,
                    "  Valid until: {}{}",
                    info.not_after,
                    expiry_note(&info, now)
                );
                if !info.subject_alt_names.is_empty() {
                    let _ = writeln!(out, "  Names:       {}", info.subject_alt_names.join(", "));
                }
                let _ = writeln!(out, "  Key:         {}", info.key_algorithm);
                let _ = writeln!(out, "  Signature:   {}", info.signature_algorithm);
                let _ = writeln!(out, "  SHA-256:     {}", info.sha256);
            }
        }
        KeystoreCommand::Import {
            file: src,
            alias,
            srcstoretype,
            srcstorepass_file,
            store,
        } => {
            let src_type = match srcstoretype.as_deref() {
                Some(t) => Some(parse_type(t)?),
                None => None,
            };
            if let Some(alias) = &alias {
                cicsx_truststore::check_alias_role(None, alias)?;
            }
            let bytes = std::fs::read(&src).map_err(|e| read_failure(&src, e))?;
            let src_type = src_type
                .or_else(|| StoreType::detect(&bytes))
                .or_else(|| StoreType::from_path(&src));
            let other = match src_type {
                Some(StoreType::Pem) => {
                    Keystore::from_pem(&bytes).map_err(|e| e.with_path(&src))?
                }
                t => {
                    let pass = existing_passphrase(
                        srcstorepass_file.as_deref(),
                        ("--srcstorepass-file", "CICSX_SRC_STOREPASS"),
                        &src,
                        false,
                        |p| Keystore::read(&bytes, t, p).is_ok(),
                    )?;
                    Keystore::read(&bytes, t, &pass).map_err(|e| e.with_path(&src))?
                }
            };
            let (file, pass) = writable(workspace, &store)?;
            let added = file.update(&pass, |ks| ks.import(other, alias.as_deref()))?;
            let _ = writeln!(
                out,
                "Imported {} entr{} into {}: {}",
                added.len(),
                if added.len() == 1 { "y" } else { "ies" },
                file.path().display(),
                added.join(", ")
            );
        }
        KeystoreCommand::Export {
            alias,
            format,
            out: dest,
            include_key,
            outpass_file,
            force,
            store,
        } => {
            let (file, ks) = load(workspace, &store)?;
            refuse_existing(&dest, force, &file)?;
            let entry = ks.get(&alias).ok_or_else(|| not_found(&alias))?;
            let has_key = matches!(entry, Entry::PrivateKey(_));
            let bytes: zeroize::Zeroizing<Vec<u8>> = if format == "pem" {
                let text = ks.to_pem(&alias, include_key)?;
                zeroize::Zeroizing::new(text.as_bytes().to_vec())
            } else {
                let pass = new_passphrase(outpass_file.as_deref(), "CICSX_EXPORT_STOREPASS")?;
                zeroize::Zeroizing::new(ks.export_pkcs12(&alias, &pass)?)
            };
            // A PKCS#12 file is a keystore (0600, as cicsx's own); PEM with a key too.
            let secret = format == "p12" || (has_key && include_key);
            let mode = if secret { 0o600 } else { 0o644 };
            let written = if force {
                cicsx_keystore::fs::write_atomic(&dest, &bytes, mode)
            } else {
                cicsx_keystore::fs::write_new(&dest, &bytes, mode)
            };
            written.map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    exists(&dest)
                } else {
                    Failure::io(&format!("cannot write {}", dest.display()), e)
                }
            })?;
            let _ = writeln!(out, "Exported {alias} to {} ({format}).", dest.display());
        }
        KeystoreCommand::Delete { alias, store } => {
            let (file, pass) = writable(workspace, &store)?;
            file.update(&pass, |ks| ks.remove(&alias).map(|_| ()))?;
            let _ = writeln!(out, "Deleted {alias}.");
        }
        KeystoreCommand::Rename { old, new, store } => {
            cicsx_truststore::check_alias_role(Some(&old), &new)?;
            let (file, pass) = writable(workspace, &store)?;
            file.update(&pass, |ks| ks.rename(&old, &new))?;
            let _ = writeln!(out, "Renamed {old} to {new}.");
        }
        KeystoreCommand::Passwd {
            new_storepass_file,
            store,
        } => {
            let (file, old) = writable(workspace, &store)?;
            let new = new_passphrase(new_storepass_file.as_deref(), "CICSX_KEYSTORE_NEW_PASSWORD")?;
            file.change_passphrase(&old, &new)?;
            let _ = writeln!(out, "Changed the pass phrase of {}.", file.path().display());
        }
        KeystoreCommand::Trust { cert, alias, store } => {
            let bytes = std::fs::read(&cert).map_err(|e| read_failure(&cert, e))?;
            let in_file = CertificateDer::pem_slice_iter(&bytes)
                .filter(Result::is_ok)
                .count();
            if in_file > 1 {
                return Err(Failure::new(
                    "CICSX0943E",
                    format!(
                        "{} holds {in_file} certificates; `keystore trust` takes one",
                        cert.display()
                    ),
                    "Trusting only the first certificate of a bundle and dropping the others \
                     silently would leave you believing all of them are trusted.",
                    "Name the bundle as the truststore instead (`cicsx prefs set truststore \
                     FILE`), or split it and trust each certificate under its own alias.",
                ));
            }
            let der = match CertificateDer::pem_slice_iter(&bytes).next() {
                Some(Ok(der)) => der,
                Some(Err(_)) | None if bytes.first() == Some(&0x30) => {
                    CertificateDer::from(bytes.clone())
                }
                _ => {
                    return Err(Failure::new(
                        "CICSX0931E",
                        format!("{} holds no certificate", cert.display()),
                        "The file is neither a PEM certificate (-----BEGIN CERTIFICATE-----) nor a DER certificate.",
                        "Give the certificate file the region's administrator sent you.",
                    ));
                }
            };
            cicsx_truststore::check_alias_role(None, &alias)?;
            let info = CertificateInfo::from_der(&der)?;
            let (file, pass) = writable(workspace, &store)?;
            file.update(&pass, |ks| ks.add_trusted(&alias, der.clone()))?;
            let _ = writeln!(
                out,
                "Trusted {} as {alias}.\n  SHA-256: {}",
                info.subject, info.sha256
            );
        }
    }
    Ok(())
}

fn parse_type(text: &str) -> Result<StoreType, Failure> {
    text.parse::<StoreType>().map_err(|_| {
        Failure::new(
            "CICSX0932E",
            format!("{text:?} is not a keystore type"),
            "",
            "Use p12, jks or pem.",
        )
    })
}

/// The keystore file named by the flags, the preferences, or the workspace default.
fn open_file(workspace: &Workspace, store: &StoreArgs) -> Result<KeystoreFile, Failure> {
    Ok(locate(workspace, store)?.0)
}

/// The keystore file, and whether it is the workspace's own default keystore (which is created
/// on first use with the pass phrase `changeit`, as CICS Explorer's is).
fn locate(workspace: &Workspace, store: &StoreArgs) -> Result<(KeystoreFile, bool), Failure> {
    let preferences = workspace.load_preferences()?;
    let (file, is_default) = cicsx_cmci::session::keystore_file(
        workspace,
        &preferences,
        store.keystore.as_deref(),
        store.storetype.as_deref(),
    )?;
    if is_default {
        workspace.ensure_dir()?;
    }
    Ok((file, is_default))
}

fn load(workspace: &Workspace, store: &StoreArgs) -> Result<(KeystoreFile, Keystore), Failure> {
    let (file, is_default) = locate(workspace, store)?;
    if is_default && !file.exists() {
        eprintln!(
            "The workspace keystore {} does not exist yet; it is created, with the pass phrase changeit, when first needed.",
            file.path().display()
        );
        return Ok((file, Keystore::new()));
    }
    if file.store_type() == StoreType::Pem {
        let bytes = std::fs::read(file.path()).map_err(|e| read_failure(file.path(), e))?;
        return Ok((file, Keystore::from_pem(&bytes)?));
    }
    let pass = passphrase(&file, store)?;
    let ks = file.load(&pass)?;
    Ok((file, ks))
}

fn writable(
    workspace: &Workspace,
    store: &StoreArgs,
) -> Result<(KeystoreFile, SecretString), Failure> {
    let (file, is_default) = locate(workspace, store)?;
    if is_default && !file.exists() && store.storepass_file.is_none() {
        let pass = match std::env::var("CICSX_KEYSTORE_PASSWORD") {
            Ok(p) => SecretString::from(p),
            Err(_) => SecretString::from(cicsx_keystore::DEFAULT_PASSPHRASE.to_owned()),
        };
        file.create(&pass)?;
        eprintln!("Created the workspace keystore {}.", file.path().display());
    }
    let pass = passphrase(&file, store)?;
    Ok((file, pass))
}

/// The pass phrase of an existing keystore: --storepass-file, $CICSX_KEYSTORE_PASSWORD, the
/// default `changeit` (with a warning), or a prompt.
fn passphrase(file: &KeystoreFile, store: &StoreArgs) -> Result<SecretString, Failure> {
    let path = file.path().to_path_buf();
    existing_passphrase(
        store.storepass_file.as_deref(),
        ("--storepass-file", "CICSX_KEYSTORE_PASSWORD"),
        &path,
        true,
        |pass| file.load(pass).is_ok(),
    )
}

fn existing_passphrase(
    from_file: Option<&Path>,
    (flag, env): (&str, &str),
    path: &Path,
    warn_default: bool,
    opens_with: impl Fn(&SecretString) -> bool,
) -> Result<SecretString, Failure> {
    if let Some(f) = from_file {
        return read_passphrase_file(f);
    }
    if let Ok(p) = std::env::var(env) {
        return Ok(SecretString::from(p));
    }
    let default = SecretString::from(cicsx_keystore::DEFAULT_PASSPHRASE.to_owned());
    if !path.exists() || opens_with(&default) {
        if path.exists() && warn_default {
            eprintln!("{}", cicsx_keystore::default_passphrase_warning(path));
        }
        return Ok(default);
    }
    prompt(&format!("Pass phrase of {}", path.display()), false)?.ok_or_else(|| {
        Failure::new(
            "CICSX0930E",
            format!(
                "the pass phrase of {} is needed, and there is no terminal to ask for it",
                path.display()
            ),
            "Pass phrases are never taken from the command line.",
            format!("Give {flag} FILE, or set {env}."),
        )
    })
}

/// An export's `--out`: a file that exists is not replaced without `--force`, and the keystore
/// being read never is.
fn refuse_existing(dest: &Path, force: bool, keystore: &KeystoreFile) -> Result<(), Failure> {
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(dest, keystore.path()) {
        return Err(Failure::new(
            "CICSX0941E",
            format!("{} is the keystore being exported from", dest.display()),
            "Writing the export over the keystore would replace every entry in it, keys \
             included, with the one entry exported.",
            "Give --out another file name.",
        ));
    }
    if !force && std::fs::symlink_metadata(dest).is_ok() {
        return Err(exists(dest));
    }
    Ok(())
}

fn exists(dest: &Path) -> Failure {
    Failure::new(
        "CICSX0942E",
        format!(
            "{} exists, and an export does not replace a file",
            dest.display()
        ),
        "The file may be a keystore holding keys that exist nowhere else; cicsx never writes \
         over it without being told to.",
        "Give --out another file name, or add --force to replace the file.",
    )
}

fn new_passphrase(from_file: Option<&Path>, env: &str) -> Result<SecretString, Failure> {
    let pass = if let Some(f) = from_file {
        read_passphrase_file(f)?
    } else if let Ok(p) = std::env::var(env) {
        SecretString::from(p)
    } else {
        prompt("New pass phrase", true)?.ok_or_else(|| {
            Failure::new(
                "CICSX0930E",
                "a new pass phrase is needed, and there is no terminal to ask for it",
                "Pass phrases are never taken from the command line.",
                format!("Give a pass phrase file, or set {env}."),
            )
        })?
    };
    if pass.expose_secret().is_empty() {
        return Err(Failure::new(
            "CICSX0940E",
            "the new pass phrase is empty",
            "An empty pass phrase protects nothing: anyone who can read the file can read the \
             keys in it. (keytool refuses pass phrases shorter than 6 characters.)",
            format!(
                "Give a pass phrase of at least 6 characters, from the file{} or {env}.",
                from_file.map_or(String::new(), |f| format!(" {}", f.display()))
            ),
        ));
    }
    Ok(pass)
}

fn prompt(text: &str, confirm: bool) -> Result<Option<SecretString>, Failure> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(None);
    }
    let mut p = dialoguer::Password::new().with_prompt(text);
    if confirm {
        p = p.with_confirmation("Repeat it", "The two entries differ");
    }
    p.interact()
        .map(|s| Some(SecretString::from(s)))
        .map_err(|e| Failure::io("cannot read the pass phrase", std::io::Error::other(e)))
}

fn read_passphrase_file(path: &Path) -> Result<SecretString, Failure> {
    let text =
        zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| read_failure(path, e))?);
    let line = text.lines().next().unwrap_or("");
    Ok(SecretString::from(line.to_owned()))
}

fn read_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure::new(
        "CICSX0933E",
        format!("cannot read {}: {e}", path.display()),
        "",
        "Check the path and its permissions.",
    )
}

fn not_found(alias: &str) -> Failure {
    Failure::new(
        "CICSX0934E",
        format!("the keystore has no entry with the alias {alias:?}"),
        "",
        "Run `cicsx keystore list` to see the aliases.",
    )
}

fn entry_kind(e: &Entry) -> &'static str {
    ExpiryKind::of_entry(e).map_or("other", ExpiryKind::short_name)
}

fn cert_json(cert: &CertificateDer<'_>) -> serde_json::Value {
    match CertificateInfo::from_der(cert) {
        Ok(i) => serde_json::json!({
            "subject": i.subject,
            "issuer": i.issuer,
            "serial": i.serial,
            "not_before": i.not_before,
            "not_after": i.not_after,
            "subject_alt_names": i.subject_alt_names,
            "key_algorithm": i.key_algorithm,
            "sha256": i.sha256.to_string(),
            "is_ca": i.is_ca,
            "self_signed": i.self_signed,
        }),
        Err(e) => serde_json::json!({ "error": format!("{} {e}", e.id()) }),
    }
}

fn entry_json(e: &Entry) -> serde_json::Value {
    let chain: Vec<&CertificateDer<'static>> = match e {
        Entry::PrivateKey(k) => k.chain.iter().collect(),
        Entry::Trusted(t) => vec![&t.certificate],
        _ => Vec::new(),
    };
    let mut v = chain
        .first()
        .map(|c| cert_json(c))
        .unwrap_or_else(|| serde_json::json!({}));
    v["alias"] = serde_json::json!(e.alias());
    v["type"] = serde_json::json!(entry_kind(e));
    v["chain_length"] = serde_json::json!(chain.len());
    if let Some((host, port)) = parse_pin_alias(e.alias()) {
        v["accepted_for"] = serde_json::json!(format!("{host}:{port}"));
    }
    v
}

fn expiry_note(info: &CertificateInfo, now: i64) -> String {
    match Validity::at(info.not_after_unix, now, EXPIRY_WARNING_DAYS) {
        Validity::Expired => "  EXPIRED".to_owned(),
        Validity::ExpiresSoon { days_left } => format!("  (expires in {days_left} days!)"),
        Validity::Valid => String::new(),
    }
}

fn expiry_text(info: &CertificateInfo, now: i64) -> String {
    Validity::at(info.not_after_unix, now, EXPIRY_WARNING_DAYS).label(&info.not_after)
}

pub(crate) fn print_table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}
