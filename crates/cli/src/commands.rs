//! One function per command.

use std::io::Write;

use cicsx_cmci::{Query, Response, default_columns, render_table};
use cicsx_profile::{Connection, Credential, Workspace};
use cicsx_truststore::{Fingerprint, TrustOutcome};

use crate::args::{
    AddArgs, Cli, Command, ConnectArgs, ConnectionCommand, EditArgs, GetArgs, TrustArgs,
};
use crate::error::Failure;
use crate::interact::Terminal;
use crate::session;

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Demo => return crate::demo::run(),
        Command::Explain { id, list, json } => return crate::explain::run(id, list, json),
        _ => {}
    }
    let workspace = Workspace::locate(cli.workspace)?;
    let timeout = cli.timeout;
    match cli.command {
        Command::Connection(cmd) => connection(&workspace, cmd),
        Command::Connect(args) => runtime()?.block_on(connect(&workspace, args, timeout)),
        Command::Get(args) => get_command(&workspace, args, timeout),
        Command::Keystore(cmd) => crate::stores::keystore(&workspace, cmd),
        Command::Truststore(cmd) => crate::stores::truststore(&workspace, cmd),
        Command::Prefs(cmd) => crate::stores::prefs(&workspace, cmd),
        Command::Smartcard(cmd) => crate::smartcard::run(&workspace, cmd),
        Command::Diagnose(args) => runtime()?.block_on(crate::diagnose::run(&workspace, args)),
        Command::Demo | Command::Explain { .. } => unreachable!("handled above"),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io("cannot start the async runtime", e))
}

/// A connection and where it comes from: `None` for the workspace's own, else the location
/// of the shared file or URL it was loaded from (read-only).
pub(crate) struct Found {
    pub(crate) connection: Connection,
    pub(crate) origin: Option<String>,
}

/// The workspace's own connections and the loaded ones (URLs fetched over https, verified
/// against the workspace's trust store).
pub(crate) async fn everything(
    workspace: &Workspace,
) -> Result<(cicsx_profile::Connections, Vec<cicsx_profile::Loaded>), Failure> {
    let local = workspace.load_connections()?;
    let urls: Vec<String> = local
        .loads()
        .iter()
        .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
        .cloned()
        .collect();
    let mut fetched: std::collections::HashMap<String, Result<String, String>> =
        std::collections::HashMap::new();
    if !urls.is_empty() {
        let preferences = workspace.load_preferences()?;
        let secrets = cicsx_cmci::session::Secrets {
            keystore_passphrase: session::keystore_passphrase(),
            ..Default::default()
        };
        fetched.extend(
            cicsx_cmci::session::fetch_sources(workspace, &preferences, &secrets, &urls).await,
        );
    }
    let mut fetch = |location: &str| {
        fetched
            .remove(location)
            .unwrap_or_else(|| Err("not fetched".to_owned()))
    };
    let loaded = workspace.load_shared(&local, &mut fetch)?;
    Ok((local, loaded))
}

fn lookup(
    local: &cicsx_profile::Connections,
    loaded: &[cicsx_profile::Loaded],
    name: &str,
) -> Option<Found> {
    if let Some(c) = local.get(name) {
        return Some(Found {
            connection: c.clone(),
            origin: None,
        });
    }
    loaded.iter().find_map(|l| {
        l.connections
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| Found {
                connection: c.clone(),
                origin: Some(l.location.clone()),
            })
    })
}

fn connection(workspace: &Workspace, cmd: ConnectionCommand) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ConnectionCommand::Add(args) => {
            let connection = connection_from(args);
            connection.validate()?;
            // `cicsx get -c` takes patterns: a name with a wildcard could not be named alone.
            // (Refused for new names only: a file that already has one still loads.)
            if connection.name.contains(['*', '?']) {
                return Err(Failure::new(
                    "CICSX0505E",
                    format!("the name {:?} contains * or ?", connection.name),
                    "`cicsx get -c PATTERN` takes * and ? as wildcards, so a connection with one \
                     in its name could not be named alone.",
                    "Choose a name without * or ?.",
                ));
            }
            workspace.ensure_dir()?;
            let name = connection.name.clone();
            workspace.update_connections(|all| all.add(connection))?;
            let _ = writeln!(out, "Added connection \"{name}\".");
        }
        ConnectionCommand::Edit(args) => edit(workspace, &args, &mut out)?,
        ConnectionCommand::List { json } => {
            let (local, loaded) = runtime()?.block_on(everything(workspace))?;
            for l in &loaded {
                if let Some(e) = &l.error {
                    eprintln!("{} {e}", e.id());
                }
            }
            let all: Vec<(&Connection, Option<&str>)> = local
                .iter()
                .map(|c| (c, None))
                .chain(loaded.iter().flat_map(|l| {
                    l.connections
                        .iter()
                        .map(move |c| (c, Some(l.location.as_str())))
                }))
                .collect();
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|(c, origin)| {
                        let mut v = connection_json(c);
                        v["loaded_from"] = serde_json::json!(origin);
                        v
                    })
                    .collect();
                let _ = writeln!(out, "{}", pretty(&serde_json::Value::Array(list)));
                return Ok(());
            }
            if all.is_empty() {
                let _ = writeln!(out, "No connections. Add one with `cicsx connection add`.");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|(c, origin)| {
                    vec![
                        c.name.clone(),
                        endpoint_text(c),
                        if c.secure { "TLS" } else { "plain" }.to_owned(),
                        credential_text(&c.credential),
                        if c.tls_confirmed { "yes" } else { "no" }.to_owned(),
                        origin
                            .map(|o| format!("loaded from {o}"))
                            .unwrap_or_else(|| "own".into()),
                    ]
                })
                .collect();
            crate::stores::print_table(
                &mut out,
                &[
                    "NAME",
                    "HOST:PORT",
                    "SECURITY",
                    "CREDENTIAL",
                    "CONFIRMED",
                    "SOURCE",
                ],
                &rows,
            );
        }
        ConnectionCommand::Show { name } => {
            let (local, loaded) = runtime()?.block_on(everything(workspace))?;
            let Found {
                connection: c,
                origin,
            } = lookup(&local, &loaded, &name).ok_or_else(|| Failure::unknown_connection(&name))?;
            let _ = writeln!(out, "Name:        {}", c.name);
            let _ = writeln!(out, "Host:        {}", c.host);
            let _ = writeln!(out, "Port:        {}", c.port);
            let secure = if c.secure {
                "yes (TLS)"
            } else {
                "no (plain HTTP)"
            };
            let _ = writeln!(out, "Secure:      {secure}");
            let _ = writeln!(out, "Credential:  {}", credential_text(&c.credential));
            let confirmed = if c.tls_confirmed {
                "yes, by a successful connect"
            } else {
                "no"
            };
            let _ = writeln!(out, "Confirmed:   {confirmed}");
            if let Some(context) = &c.context {
                let _ = writeln!(out, "Context:     {context}");
            }
            if let Some(origin) = origin {
                let _ = writeln!(out, "Loaded from: {origin} (read-only)");
            }
        }
        ConnectionCommand::Remove { name } => {
            workspace.update_connections(|all| all.remove(&name).map(|_| ()))?;
            let _ = writeln!(out, "Removed connection \"{name}\".");
        }
        ConnectionCommand::Export { file, names } => {
            let text = workspace.load_connections()?.to_shared_toml(&names)?;
            cicsx_keystore::fs::write_atomic(&file, text.as_bytes(), 0o644)
                .map_err(|e| Failure::io(&format!("cannot write {}", file.display()), e))?;
            let _ = writeln!(
                out,
                "Exported to {} (no passwords, no confirmations).",
                file.display()
            );
        }
        ConnectionCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::io(&format!("cannot read {}", file.display()), e))?;
            let (incoming, warnings) = cicsx_profile::parse_shared(&text, &file)?;
            for w in &warnings {
                eprintln!("Note: {w}");
            }
            workspace.ensure_dir()?;
            let report = workspace.update_connections(|all| all.import(incoming))?;
            if !report.added.is_empty() {
                let _ = writeln!(out, "Added: {}", report.added.join(", "));
            }
            if !report.updated.is_empty() {
                let _ = writeln!(
                    out,
                    "Updated (credentials kept): {}",
                    report.updated.join(", ")
                );
            }
            let _ = writeln!(
                out,
                "Imported connections are unconfirmed: if the TLS setting does not match the port, the first connect explains it and offers to retry."
            );
        }
        ConnectionCommand::Load { location } => {
            workspace.ensure_dir()?;
            let location = if location.contains("://") {
                location
            } else {
                std::path::absolute(&location)
                    .map(|p| p.display().to_string())
                    .unwrap_or(location)
            };
            let added = workspace.update_connections(|all| Ok(all.add_load(&location)))?;
            let (_, loaded) = runtime()?.block_on(everything(workspace))?;
            let this = loaded.iter().find(|l| l.location == location);
            match this {
                Some(l) if l.error.is_none() => {
                    let names: Vec<&str> = l.connections.iter().map(|c| c.name.as_str()).collect();
                    let _ = writeln!(
                        out,
                        "{} {location}: {} connection{} ({}), read-only, re-read at every start.",
                        if added { "Loaded" } else { "Already loaded" },
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", ")
                    );
                }
                Some(l) => {
                    if let Some(e) = &l.error {
                        eprintln!("{} {e}", e.id());
                    }
                    let _ = writeln!(
                        out,
                        "Linked {location}; it will be read again at the next start."
                    );
                }
                None => {}
            }
        }
        ConnectionCommand::Unload { location } => {
            workspace.update_connections(|all| all.remove_load(&location))?;
            let _ = writeln!(out, "Unloaded {location}.");
        }
    }
    Ok(())
}

/// `cicsx connection edit`: changes the options given, checks the result as `add` does, and
/// writes it under the workspace lock; nothing is written when nothing changes or a check fails.
fn edit(workspace: &Workspace, args: &EditArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let local = workspace.load_connections()?;
    let Some(current) = local.get(&args.name) else {
        return Err(not_editable(workspace, &args.name));
    };
    let wanted = edited(current, args)?;
    wanted.validate()?;
    if wanted == *current {
        let _ = writeln!(
            out,
            "Connection \"{}\" unchanged: it already has these settings.",
            current.name
        );
        return Ok(());
    }
    // Applied again to the file as it is under the lock, in case another process changed it.
    let (before, after) = workspace.update_connections(|all| {
        let c = all
            .get_mut(&args.name)
            .ok_or_else(|| cicsx_profile::Error::NotFound {
                name: args.name.clone(),
            })?;
        let before = c.clone();
        *c = edited(&before, args)?;
        Ok((before, c.clone()))
    })?;
    let _ = writeln!(
        out,
        "Changed connection \"{}\": {}.",
        after.name,
        changes(&before, &after).join(", ")
    );
    if before.tls_confirmed && !after.tls_confirmed {
        let _ = writeln!(
            out,
            "Its TLS setting is unconfirmed again: the next connect checks it against the new endpoint."
        );
    }
    Ok(())
}

/// Why `name` cannot be edited: it is loaded read-only from a shared file or URL, or there is
/// no connection of that name at all (the ID `connection show` gives).
fn not_editable(workspace: &Workspace, name: &str) -> Failure {
    let loaded = match runtime().and_then(|r| r.block_on(everything(workspace))) {
        Ok((_, loaded)) => loaded,
        Err(e) => return e,
    };
    let origin = loaded.iter().find_map(|l| {
        l.connections
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| (l, c))
    });
    match origin {
        Some((l, c)) => Failure::new(
            "CICSX0508E",
            format!(
                "connection \"{}\" is loaded read-only from {}; cicsx does not change it",
                c.name, l.location
            ),
            "Loaded connections are re-read from their shared file or URL at every start, and \
             cicsx never writes to that file or URL. None of this workspace's own connections \
             has this name.",
            format!(
                "Ask whoever keeps {0} to change it there, or make your own copy with `cicsx \
                 connection import {0}` and edit that (your own connections come before loaded \
                 ones).",
                l.location
            ),
        ),
        None => Failure::unknown_connection(name),
    }
}

/// `current` with the options of `args` applied. Changing the host, port or secure setting
/// resets `tls_confirmed`: the confirmation belonged to the old endpoint.
fn edited(current: &Connection, args: &EditArgs) -> Result<Connection, cicsx_profile::Error> {
    let mut c = current.clone();
    if let Some(host) = &args.host {
        c.host.clone_from(host);
    }
    if let Some(port) = args.port {
        c.port = port;
    }
    if args.secure || args.no_secure {
        c.secure = args.secure;
    }
    if c.host != current.host || c.port != current.port || c.secure != current.secure {
        c.tls_confirmed = false;
    }
    if let Some(context) = &args.context {
        c.context = Some(context.clone());
    }
    if args.no_context {
        c.context = None;
    }
    c.credential = edited_credential(current, args)?;
    Ok(c)
}

/// The credential after `args`: a certificate option replaces the certificate, `--no-certificate`
/// drops it, and the user ID (kept unless `--user` or `--no-user`) goes with whatever remains.
fn edited_credential(
    current: &Connection,
    args: &EditArgs,
) -> Result<Credential, cicsx_profile::Error> {
    let user = if args.no_user {
        None
    } else {
        args.user
            .clone()
            .or_else(|| current.credential.user().map(str::to_owned))
    };
    let base = if let Some(uri) = &args.smartcard {
        Credential::SmartCard {
            user: None,
            uri: uri.clone(),
        }
    } else if let Some(path) = &args.client_cert {
        Credential::Pkcs12File {
            user: None,
            path: path.clone(),
            alias: args.client_cert_alias.clone(),
        }
    } else if let Some(alias) = &args.keystore_cert {
        let keystore = match &current.credential {
            Credential::KeystoreCertificate { keystore, .. } => keystore.clone(),
            _ => None,
        };
        Credential::KeystoreCertificate {
            user: None,
            keystore,
            alias: Some(alias.clone()),
        }
    } else if args.no_certificate {
        Credential::None
    } else if let Some(alias) = &args.client_cert_alias {
        match &current.credential {
            Credential::Pkcs12File { path, .. } => Credential::Pkcs12File {
                user: None,
                path: path.clone(),
                alias: Some(alias.clone()),
            },
            _ => {
                return Err(cicsx_profile::Error::Invalid {
                    at: cicsx_profile::Location::default(),
                    connection: current.name.clone(),
                    field: "credential.alias",
                    reason: "--client-cert-alias alone applies to a connection that signs on \
                             with a client certificate file; give --client-cert FILE.p12 with it"
                        .to_owned(),
                });
            }
        }
    } else {
        current.credential.clone()
    };
    Ok(with_user(base, user))
}

/// `credential` with its user ID set to `user`; without a certificate, that is a user ID and
/// password, or no credential at all.
fn with_user(credential: Credential, user: Option<String>) -> Credential {
    match credential {
        Credential::KeystoreCertificate {
            keystore, alias, ..
        } => Credential::KeystoreCertificate {
            user,
            keystore,
            alias,
        },
        Credential::Pkcs12File { path, alias, .. } => Credential::Pkcs12File { user, path, alias },
        Credential::SmartCard { uri, .. } => Credential::SmartCard { user, uri },
        _ => match user {
            Some(user) => Credential::Password { user },
            None => Credential::None,
        },
    }
}

/// What differs between `before` and `after`, for people: `port 1490 -> 1491`, `context PLEX1`.
fn changes(before: &Connection, after: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, old: Option<String>, new: Option<String>| {
        if old != new {
            out.push(match (old, new) {
                (None, Some(new)) => format!("{name} {new}"),
                (Some(old), None) => format!("no {name} (was {old})"),
                (Some(old), Some(new)) => format!("{name} {old} -> {new}"),
                (None, None) => String::new(),
            });
        }
    };
    field("host", Some(before.host.clone()), Some(after.host.clone()));
    field(
        "port",
        Some(before.port.to_string()),
        Some(after.port.to_string()),
    );
    let security = |c: &Connection| Some(if c.secure { "TLS" } else { "plain HTTP" }.to_owned());
    field("security", security(before), security(after));
    field(
        "credential",
        Some(credential_text(&before.credential)),
        Some(credential_text(&after.credential)),
    );
    if after.credential.is_certificate() {
        let user = |c: &Connection| c.credential.user().map(str::to_owned);
        field("user ID", user(before), user(after));
        field(
            "key alias",
            key_alias(&before.credential),
            key_alias(&after.credential),
        );
    }
    field("context", before.context.clone(), after.context.clone());
    out
}

/// The alias of the key a certificate file's credential names, if any.
fn key_alias(credential: &Credential) -> Option<String> {
    match credential {
        Credential::Pkcs12File { alias, .. } => alias.clone(),
        _ => None,
    }
}

fn connection_json(c: &Connection) -> serde_json::Value {
    serde_json::json!({
        "name": c.name,
        "host": c.host,
        "port": c.port,
        "secure": c.secure,
        "tls_confirmed": c.tls_confirmed,
        "context": c.context,
        "credential": {
            "type": c.credential.kind(),
            "user": c.credential.user(),
            "description": credential_text(&c.credential),
        },
    })
}

/// JSON for people and scripts alike.
pub(crate) fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn connection_from(args: AddArgs) -> Connection {
    if let Some(uri) = args.smartcard {
        return Connection {
            name: args.name,
            host: args.host,
            port: args.port,
            secure: args.secure && !args.no_secure,
            credential: Credential::SmartCard {
                user: args.user,
                uri,
            },
            tls_confirmed: false,
            context: args.context,
        };
    }
    let credential = match (args.client_cert, args.keystore_cert, args.user) {
        (Some(path), _, user) => Credential::Pkcs12File {
            user,
            path,
            alias: args.client_cert_alias,
        },
        (None, Some(alias), user) => Credential::KeystoreCertificate {
            user,
            keystore: None,
            alias: Some(alias),
        },
        (None, None, Some(user)) => Credential::Password { user },
        (None, None, None) => Credential::None,
    };
    Connection {
        name: args.name,
        host: args.host,
        port: args.port,
        secure: args.secure && !args.no_secure,
        credential,
        tls_confirmed: false,
        context: args.context,
    }
}

fn endpoint_text(c: &Connection) -> String {
    cicsx_handshake::Endpoint::new(c.host.clone(), c.port).to_string()
}

fn credential_text(credential: &Credential) -> String {
    match credential {
        Credential::None => "none".into(),
        Credential::Password { user } => format!("user ID {user} and password"),
        Credential::KeystoreCertificate { alias, .. } => format!(
            "certificate {} from the keystore",
            alias.as_deref().unwrap_or("(the only key)")
        ),
        Credential::Pkcs12File { path, .. } => format!("certificate from {}", path.display()),
        Credential::SmartCard { uri, .. } => format!("smart card {uri}"),
        #[allow(unreachable_patterns)]
        _ => "other".into(),
    }
}

pub(crate) fn terminal(trust: &TrustArgs) -> Result<Terminal, Failure> {
    let accept_fingerprint = match &trust.accept_certificate {
        None => None,
        Some(text) => Some(text.parse::<Fingerprint>().map_err(|_| {
            Failure::new(
                "CICSX0907E",
                format!("\"{text}\" is not a SHA-256 fingerprint"),
                "A SHA-256 fingerprint is 32 bytes written as 64 hexadecimal digits, with or without colons.",
                "Copy the fingerprint from the certificate alert.",
            )
        })?),
    };
    Ok(Terminal {
        accept_fingerprint,
        switch_security: trust.switch_security,
        notices_to_stderr: false,
    })
}

pub(crate) async fn find(workspace: &Workspace, name: &str) -> Result<Found, Failure> {
    let (local, loaded) = everything(workspace).await?;
    lookup(&local, &loaded, name).ok_or_else(|| Failure::unknown_connection(name))
}

/// The preferences, with the `--timeout` flag applied.
pub(crate) fn preferences_with(
    workspace: &Workspace,
    timeout: Option<u64>,
) -> Result<cicsx_profile::Preferences, Failure> {
    let mut preferences = workspace.load_preferences()?;
    if timeout.is_some() {
        preferences.timeout = timeout;
    }
    Ok(preferences)
}

async fn connect(
    workspace: &Workspace,
    args: ConnectArgs,
    timeout: Option<u64>,
) -> Result<(), Failure> {
    let Found { connection, origin } = find(workspace, &args.name).await?;
    let context = cicsx_cmci::flow::context_for(&connection, args.context)?;
    let preferences = preferences_with(workspace, timeout)?;
    let mut ask = terminal(&args.trust)?;
    let mut out = std::io::stdout();
    connect_and_report(
        workspace,
        &preferences,
        &connection,
        origin.as_deref(),
        &context,
        &mut ask,
        &mut out,
    )
    .await
}

/// `cicsx connect`: the handshake, one CMCI request, and a report of both.
pub(crate) async fn connect_and_report<P: cicsx_cmci::flow::Prompter>(
    workspace: &Workspace,
    preferences: &cicsx_profile::Preferences,
    connection: &Connection,
    origin: Option<&str>,
    context: &str,
    ask: &mut P,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let query = Query::new("CICSRegion", context);
    let (session, response, connection) =
        session::open_and_query(workspace, preferences, connection, origin, ask, &query).await?;
    let connection = &connection;
    let endpoint = endpoint_text(connection);
    let _ = writeln!(
        out,
        "Connected to {endpoint} (connection \"{}\")",
        connection.name
    );
    match session.client.tls_info() {
        Some(tls) => {
            let _ = writeln!(out, "  Protocol:      {}", tls.version);
            let _ = writeln!(out, "  Cipher suite:  {}", tls.cipher_suite);
            if let Some(kx) = &tls.key_exchange {
                let _ = writeln!(out, "  Key exchange:  {kx}");
            }
            if let Some(info) = tls
                .peer_certificates
                .first()
                .and_then(|leaf| cicsx_truststore::CertificateInfo::from_der(leaf).ok())
            {
                let _ = writeln!(out, "  Server:        {}", info.subject);
            }
            let _ = writeln!(
                out,
                "  Trust:         {}",
                trust_text(session.trust.as_ref(), session.accepted_now)
            );
        }
        None => {
            let _ = writeln!(out, "  Protocol:      plain HTTP (not encrypted)");
        }
    }
    let _ = writeln!(
        out,
        "  Signed on:     {}",
        if session.client.has_ltpa_token() {
            "yes (LTPA token received)"
        } else {
            "yes"
        }
    );
    let _ = writeln!(out, "  CMCI:          {}", summary_text(&query, &response));
    Ok(())
}

fn trust_text(outcome: Option<&TrustOutcome>, accepted_now: bool) -> String {
    match outcome {
        Some(TrustOutcome::Anchored) => "issued by a trusted certificate authority".into(),
        Some(TrustOutcome::Pinned) if accepted_now => {
            "accepted just now and stored in the keystore".into()
        }
        Some(TrustOutcome::Pinned) => {
            "accepted on first use earlier (stored in the keystore)".into()
        }
        Some(TrustOutcome::Unverified) => "NOT VERIFIED (trust verification is off)".into(),
        Some(other) => format!("{other:?}"),
        None => "unknown".into(),
    }
}

fn summary_text(query: &Query, response: &Response) -> String {
    let s = &response.summary;
    format!(
        "{} in {}: {} ({}), {} record{}",
        query.resource,
        query.context,
        s.api_response1.name(),
        s.api_response1.code(),
        s.record_count,
        if s.record_count == 1 { "" } else { "s" }
    )
}

/// `cicsx get`: one connection on a single-threaded runtime; several (a fan-out) on one
/// worker thread per core, since their handshakes are CPU-bound.
fn get_command(workspace: &Workspace, args: GetArgs, timeout: Option<u64>) -> Result<(), Failure> {
    if !crate::fanout::is_fan_out(&args) {
        return runtime()?.block_on(get(workspace, args, timeout));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io("cannot start the async runtime", e))?;
    runtime.block_on(async {
        let queries = |context: &str| queries_of(&args, context);
        crate::fanout::get(workspace, args.clone(), timeout, queries).await
    })
}

/// The queries `cicsx get` asks in `context`.
fn queries_of(args: &GetArgs, context: &str) -> Result<Vec<Query>, Failure> {
    args.resources
        .iter()
        .map(|resource| {
            let mut query = Query::new(resource.clone(), context.to_owned());
            if let Some(scope) = &args.scope {
                query = query.scope(scope.clone());
            }
            if let Some(criteria) = &args.criteria {
                query = query.criteria(criteria.clone());
            }
            if let Some(count) = args.count {
                query = query.count(count);
            }
            query.validate().map(|()| query).map_err(Failure::from)
        })
        .collect()
}

async fn get(workspace: &Workspace, args: GetArgs, timeout: Option<u64>) -> Result<(), Failure> {
    let name = args.connection.first().cloned().unwrap_or_default();
    let Found { connection, origin } = find(workspace, &name).await?;
    let context = cicsx_cmci::flow::context_for(&connection, args.context.clone())?;
    let preferences = preferences_with(workspace, timeout)?;
    let mut ask = terminal(&args.trust)?;
    let queries = queries_of(&args, &context)?;
    ask.notices_to_stderr = true;
    let (mut session, first, _) = session::open_and_query(
        workspace,
        &preferences,
        &connection,
        origin.as_deref(),
        &mut ask,
        &queries[0],
    )
    .await?;
    let mut first = Some(first);
    let mut out = std::io::stdout().lock();
    for (i, query) in queries.iter().enumerate() {
        let response = match first.take() {
            Some(response) => response,
            None => session::query(&mut session, query).await?,
        };
        if queries.len() > 1 && !args.json {
            if i > 0 {
                let _ = writeln!(out);
            }
            let _ = writeln!(out, "{}:", query.resource);
        }
        print_response(&mut out, query, &response, args.json)?;
    }
    Ok(())
}

/// Prints a CMCI response as a table (or JSON); a CMCI failure becomes an error.
pub(crate) fn print_response(
    out: &mut dyn Write,
    query: &Query,
    response: &Response,
    json: bool,
) -> Result<(), Failure> {
    use cicsx_cmci::ApiResponse;
    let code = response.summary.api_response1;
    if !matches!(code, ApiResponse::Ok | ApiResponse::NoData) {
        let detail: Vec<String> = response
            .errors
            .iter()
            .map(|f| {
                f.attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        return Err(Failure::new(
            "CICSX0910E",
            format!(
                "the region answered {} ({}) api_response2={} to the query for {} in {}",
                code.name(),
                code.code(),
                response.summary.api_response2,
                query.resource,
                query.context
            ),
            if detail.is_empty() {
                String::new()
            } else {
                format!("Feedback: {}", detail.join("; "))
            },
            "Check the resource name, context, scope and criteria; the CMCI documentation lists the meaning of each api_response2 value.",
        ));
    }
    if json {
        let records: Vec<serde_json::Map<String, serde_json::Value>> = response
            .records
            .iter()
            .map(|r| {
                r.attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect()
            })
            .collect();
        let value = serde_json::json!({
            "resource": query.resource,
            "context": query.context,
            "api_response1": code.code(),
            "api_response1_alt": code.name(),
            "api_response2": response.summary.api_response2,
            "recordcount": response.summary.record_count,
            "displayed_recordcount": response.summary.displayed_record_count,
            "records": records,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(());
    }
    if response.records.is_empty() {
        let _ = writeln!(out, "No {} records match (NODATA).", query.resource);
        return Ok(());
    }
    let _ = write!(
        out,
        "{}",
        render_table(&response.records, default_columns(&query.resource))
    );
    let s = &response.summary;
    let _ = writeln!(
        out,
        "{} of {} record{} shown.",
        s.displayed_record_count,
        s.record_count,
        if s.record_count == 1 { "" } else { "s" }
    );
    Ok(())
}
