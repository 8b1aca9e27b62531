//! `cicsx get` across several connections: choose them, gather their secrets, run the
//! library's fan-out with a progress bar, and print one table.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use cicsx_cmci::fanout::{self, Outcome, Progress, Target};
use cicsx_cmci::flow::Prompter;
use cicsx_cmci::{Query, Record, default_columns, render_table};
use cicsx_profile::{Connection, Credential, Preferences, Workspace};

use crate::args::GetArgs;
use crate::commands::{everything, preferences_with, print_response, terminal};
use crate::error::Failure;

/// Whether `args` names more than one connection (several names, a pattern or `--all`).
pub(crate) fn is_fan_out(args: &GetArgs) -> bool {
    args.all || args.connection.len() > 1 || args.connection.iter().any(|c| is_pattern(c))
}

fn is_pattern(name: &str) -> bool {
    name.contains(['*', '?'])
}

/// `*` any run of characters, `?` one character; letters compared without regard to case, as
/// connection names are.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let n: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The connections `args` names, each once, in the order named (a pattern's matches in the
/// order of the workspace, then of loaded files).
async fn select(
    workspace: &Workspace,
    args: &GetArgs,
) -> Result<Vec<(Connection, Option<String>)>, Failure> {
    let (local, loaded) = everything(workspace).await?;
    let all: Vec<(Connection, Option<String>)> = local
        .iter()
        .map(|c| (c.clone(), None))
        .chain(loaded.iter().flat_map(|l| {
            l.connections
                .iter()
                .map(|c| (c.clone(), Some(l.location.clone())))
        }))
        .collect();
    if args.all {
        return Ok(all);
    }
    let mut chosen: Vec<(Connection, Option<String>)> = Vec::new();
    for wanted in &args.connection {
        let matches: Vec<&(Connection, Option<String>)> = if is_pattern(wanted) {
            all.iter()
                .filter(|(c, _)| glob_match(wanted, &c.name))
                .collect()
        } else {
            // The workspace's own connection first, as a single `-c NAME` does.
            all.iter()
                .find(|(c, _)| c.name.eq_ignore_ascii_case(wanted))
                .into_iter()
                .collect()
        };
        if matches.is_empty() {
            return Err(if is_pattern(wanted) {
                Failure::new(
                    "CICSX0938E",
                    format!("no connection matches \"{wanted}\""),
                    "A pattern (with * or ?) chooses the connections whose names match it.",
                    "Run `cicsx connection list` to see the names.",
                )
            } else {
                Failure::unknown_connection(wanted)
            });
        }
        for m in matches {
            if !chosen
                .iter()
                .any(|(c, _)| c.name.eq_ignore_ascii_case(&m.0.name))
            {
                chosen.push(m.clone());
            }
        }
    }
    Ok(chosen)
}

/// `cicsx get` across several connections.
pub(crate) async fn get(
    workspace: &Workspace,
    args: GetArgs,
    timeout: Option<u64>,
    queries_for: impl Fn(&str) -> Result<Vec<Query>, Failure>,
) -> Result<(), Failure> {
    let preferences = preferences_with(workspace, timeout)?;
    let chosen = select(workspace, &args).await?;
    let mut ask = terminal(&args.trust)?;

    // Connections that cannot be asked at all (no context) fail before the fan-out.
    let mut early: Vec<(usize, Outcome)> = Vec::new();
    let mut asked: Vec<Vec<Query>> = Vec::with_capacity(chosen.len());
    let mut targets = Vec::with_capacity(chosen.len());
    let mut positions = Vec::with_capacity(chosen.len());
    for (index, (connection, origin)) in chosen.into_iter().enumerate() {
        let queries = cicsx_cmci::flow::context_for(&connection, args.context.clone())
            .and_then(|context| queries_for(&context));
        match queries {
            Ok(queries) => {
                asked.push(queries.clone());
                positions.push(index);
                targets.push(Target {
                    connection,
                    origin,
                    queries,
                });
            }
            Err(failure) => early.push((
                index,
                Outcome {
                    endpoint: cicsx_handshake::Endpoint::new(
                        connection.host.clone(),
                        connection.port,
                    )
                    .to_string(),
                    name: connection.name,
                    result: Err(failure),
                    tls: None,
                },
            )),
        }
    }

    let secrets = gather_secrets(&mut ask, &preferences, &targets).await;
    let total = targets.len();
    let bar = progress_bar(total);
    let on_progress = {
        let bar = bar.clone();
        Arc::new(move |p: Progress| {
            bar.set_position(p.done as u64);
            if p.failed > 0 {
                bar.set_message(format!("{} failed", p.failed));
            }
        })
    };
    let report = fanout::run(
        workspace,
        &preferences,
        targets,
        secrets,
        usize::from(args.jobs),
        on_progress,
    )
    .await?;
    bar.finish_and_clear();
    for warning in &report.warnings {
        eprintln!("{warning}");
    }

    let mut outcomes: Vec<(usize, Outcome, Vec<Query>)> = positions
        .into_iter()
        .zip(report.outcomes)
        .zip(asked)
        .map(|((i, o), q)| (i, o, q))
        .collect();
    outcomes.extend(early.into_iter().map(|(i, o)| (i, o, Vec::new())));
    outcomes.sort_by_key(|(i, _, _)| *i);
    let (outcomes, asked): (Vec<Outcome>, Vec<Vec<Query>>) =
        outcomes.into_iter().map(|(_, o, q)| (o, q)).unzip();
    print(&outcomes, &asked, &args.resources, args.json)?;

    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let mut err = std::io::stderr().lock();
    for outcome in &failed {
        if let Err(f) = &outcome.result {
            let _ = writeln!(
                err,
                "{} ({}): {} {}",
                outcome.name, outcome.endpoint, f.id, f.message
            );
        }
    }
    Err(Failure::new(
        "CICSX0939E",
        format!("{} of {} connections failed", failed.len(), outcomes.len()),
        "Each failed connection is listed above with its message ID; a failure does not stop \
         the other connections, but a rejected password or PIN is not tried on them again.",
        "`cicsx explain ID` explains a message; `cicsx connect NAME` tries one connection alone, \
         with its certificate alert and questions.",
    ))
}

/// Passwords (once per user ID), client-certificate pass phrases (once per file) and the
/// smart card PIN, asked before the connects start. What cannot be had is left out: those
/// connections fail on their own and the others go on.
async fn gather_secrets(
    ask: &mut crate::interact::Terminal,
    preferences: &Preferences,
    targets: &[Target],
) -> fanout::Secrets {
    let mut secrets = fanout::Secrets {
        keystore_passphrase: ask.keystore_passphrase(),
        ..Default::default()
    };
    let mut cards = std::collections::HashSet::new();
    for target in targets {
        match &target.connection.credential {
            Credential::Password { user } => {
                if secrets
                    .passwords
                    .keys()
                    .any(|u| u.eq_ignore_ascii_case(user))
                {
                    continue;
                }
                let users = targets
                    .iter()
                    .filter(|t| {
                        t.connection
                            .credential
                            .user()
                            .is_some_and(|u| u.eq_ignore_ascii_case(user))
                    })
                    .count();
                let place = format!("{users} connection{}", if users == 1 { "" } else { "s" });
                if let Ok(password) = ask.password(user, &place).await {
                    secrets.passwords.insert(user.clone(), password);
                }
            }
            Credential::Pkcs12File { path, .. } => {
                if secrets.pkcs12_passphrases.contains_key(path) {
                    continue;
                }
                if let Ok(pass) = ask.pkcs12_passphrase(path).await {
                    secrets.pkcs12_passphrases.insert(path.clone(), pass);
                }
            }
            // One PIN per card, asked (and the card's PIN state shown) once.
            Credential::SmartCard { uri, .. } => {
                let card = fanout::card(uri);
                if !cards.insert(card.clone()) {
                    continue;
                }
                let mut name = uri.clone();
                // As for one connect: warn before a wrong PIN can lock the card, and ask
                // nothing for a locked one (its connections fail with CICSX0307E).
                if let Ok(Some((module, parsed))) =
                    cicsx_cmci::session::smart_card(preferences, &target.connection)
                {
                    if let Some(label) = &parsed.token {
                        name = label.clone();
                    }
                    if let Ok(status) = module.pin_status(&parsed.token_part()) {
                        if let (Some(id), Some(warning)) = (status.id(), status.warning(&name)) {
                            ask.warning(&format!("{id} {warning}"));
                        }
                        if status == cicsx_smartcard::PinStatus::Locked {
                            continue;
                        }
                    }
                }
                if let Ok(pin) = ask.pin(&name).await {
                    secrets.pins.insert(card, pin);
                }
            }
            _ => {}
        }
    }
    secrets
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed}] {bar:30} {pos}/{len} connections {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

fn print(
    outcomes: &[Outcome],
    asked: &[Vec<Query>],
    resources: &[String],
    json: bool,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    if json {
        let value: Vec<serde_json::Value> = outcomes
            .iter()
            .zip(asked)
            .map(|(o, queries)| outcome_json(o, queries))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(());
    }
    for (i, resource) in resources.iter().enumerate() {
        if resources.len() > 1 {
            if i > 0 {
                let _ = writeln!(out);
            }
            let _ = writeln!(out, "{resource}:");
        }
        let mut records = Vec::new();
        for outcome in outcomes {
            let Ok(responses) = &outcome.result else {
                continue;
            };
            let Some(response) = responses.get(i) else {
                continue;
            };
            for record in &response.records {
                let mut attributes = Vec::with_capacity(record.attributes.len() + 1);
                attributes.push(("connection".to_owned(), outcome.name.clone()));
                attributes.extend(record.attributes.iter().cloned());
                records.push(Record {
                    resource: record.resource.clone(),
                    attributes,
                });
            }
        }
        let succeeded = outcomes.iter().filter(|o| o.result.is_ok()).count();
        if records.is_empty() {
            let _ = writeln!(
                out,
                "No {resource} records from {succeeded} connection{}.",
                if succeeded == 1 { "" } else { "s" }
            );
            continue;
        }
        let defaults = default_columns(resource);
        let columns: Vec<&str> = if defaults.is_empty() {
            Vec::new()
        } else {
            std::iter::once("connection")
                .chain(defaults.iter().copied())
                .collect()
        };
        let _ = write!(out, "{}", render_table(&records, &columns));
        let _ = writeln!(
            out,
            "{} record{} from {succeeded} connection{}.",
            records.len(),
            if records.len() == 1 { "" } else { "s" },
            if succeeded == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

fn outcome_json(outcome: &Outcome, queries: &[Query]) -> serde_json::Value {
    match &outcome.result {
        Ok(responses) => {
            let results: Vec<serde_json::Value> = queries
                .iter()
                .zip(responses)
                .map(|(query, response)| {
                    let mut buffer = Vec::new();
                    match print_response(&mut buffer, query, response, true) {
                        Ok(()) => serde_json::from_slice(&buffer).unwrap_or_default(),
                        Err(f) => {
                            serde_json::json!({ "error": { "id": f.id, "message": f.message } })
                        }
                    }
                })
                .collect();
            serde_json::json!({
                "connection": outcome.name,
                "endpoint": outcome.endpoint,
                "ok": true,
                "tls": outcome.tls.as_ref().map(|t| serde_json::json!({
                    "version": t.version,
                    "cipher_suite": t.cipher_suite,
                    "key_exchange": t.key_exchange,
                    "resumed": t.resumed,
                })),
                "results": results,
            })
        }
        Err(f) => serde_json::json!({
            "connection": outcome.name,
            "endpoint": outcome.endpoint,
            "ok": false,
            "error": { "id": f.id, "message": f.message },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("*", "anything"));
        assert!(glob_match("prod-*", "PROD-east"));
        assert!(glob_match("r?g*1", "rEg-a1"));
        assert!(!glob_match("prod-*", "test-1"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*a*b*", "xxaxxbxx"));
        assert!(!glob_match("*a*b", "xxbxxa"));
        assert!(glob_match("", ""));
        assert!(!glob_match("", "x"));
        // Many stars on a long name stay fast (no exponential backtracking).
        let name = "a".repeat(10_000);
        assert!(!glob_match(&format!("{}b", "*a".repeat(50)), &name));
    }
}
