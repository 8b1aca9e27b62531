//! `cicsx smartcard list` and `cicsx smartcard certs`.

use std::io::Write;
use std::path::PathBuf;

use cicsx_profile::Workspace;
use cicsx_smartcard::{Module, Pkcs11Uri};

use crate::args::SmartcardCommand;
use crate::commands::pretty;
use crate::error::Failure;
use crate::stores::print_table;

pub(crate) fn run(workspace: &Workspace, cmd: SmartcardCommand) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match cmd {
        SmartcardCommand::List { module, json } => {
            let module = load(workspace, module)?;
            let tokens = module.tokens()?;
            if json {
                let list: Vec<_> = tokens
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "slot_id": t.slot_id,
                            "slot": t.slot_description,
                            "present": t.present,
                            "initialized": t.flags.initialized,
                            "label": t.label,
                            "manufacturer": t.manufacturer,
                            "model": t.model,
                            "serial": t.serial,
                            "pin": t.pin_status().id(),
                            "uri": t.present.then(|| t.uri().to_string()),
                        })
                    })
                    .collect();
                let _ = writeln!(out, "{}", pretty(&serde_json::Value::Array(list)));
                return Ok(());
            }
            let _ = writeln!(out, "{}", module.description().unwrap_or_default());
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.slot_id.to_string(),
                        if !t.present {
                            "(no token)".into()
                        } else if !t.flags.initialized {
                            "(blank token)".into()
                        } else {
                            t.label.clone()
                        },
                        t.manufacturer.clone(),
                        t.model.clone(),
                        t.serial.clone(),
                        match (t.pin_status().id(), t.pin_status().warning(&t.label)) {
                            (Some(id), Some(w)) if t.present => format!("{id} {w}"),
                            _ if !t.present || !t.flags.initialized => "-".to_owned(),
                            _ => "ok".to_owned(),
                        },
                    ]
                })
                .collect();
            print_table(
                &mut out,
                &["SLOT", "TOKEN", "MANUFACTURER", "MODEL", "SERIAL", "PIN"],
                &rows,
            );
        }
        SmartcardCommand::Certs {
            token,
            module,
            json,
        } => {
            let module = load(workspace, module)?;
            let certs = match &token {
                // A label that matches nothing says which tokens are there (CICSX0305E).
                Some(label) => module.certificates(&Pkcs11Uri::token(label.clone()))?,
                None => {
                    let mut certs = Vec::new();
                    // A blank (not initialised) token holds nothing: SoftHSM always shows one.
                    for t in module
                        .tokens()?
                        .into_iter()
                        .filter(|t| t.present && t.flags.initialized)
                    {
                        certs.extend(module.certificates(&t.uri())?);
                    }
                    certs
                }
            };
            if json {
                let list: Vec<_> = certs
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "token": c.token,
                            "label": c.label,
                            "id": c.id_hex(),
                            "subject": c.subject,
                            "issuer": c.issuer,
                            "key": c.key_type.to_string(),
                            "has_private_key": c.has_private_key,
                            "uri": c.uri.to_string(),
                        })
                    })
                    .collect();
                let _ = writeln!(out, "{}", pretty(&serde_json::Value::Array(list)));
                return Ok(());
            }
            if certs.is_empty() {
                let _ = writeln!(out, "No certificates on the tokens.");
                return Ok(());
            }
            for c in &certs {
                let _ = writeln!(out, "{}  {}", c.token, c.subject);
                let _ = writeln!(out, "  Issuer: {}", c.issuer);
                let _ = writeln!(
                    out,
                    "  Key:    {}{}",
                    c.key_type,
                    if c.has_private_key {
                        ""
                    } else {
                        "  (no private key on the token: cannot sign)"
                    }
                );
                let _ = writeln!(out, "  URI:    {}", c.uri);
            }
        }
    }
    Ok(())
}

fn load(workspace: &Workspace, explicit: Option<PathBuf>) -> Result<Module, Failure> {
    let path = match explicit {
        Some(p) => p,
        None => workspace.load_preferences()?.smartcard_module.ok_or_else(|| {
            Failure::new(
                "CICSX0937E",
                "no smart card driver (PKCS#11 module) is configured",
                "cicsx reads smart cards through the card's PKCS#11 driver.",
                "Give --module PATH, or set it with `cicsx prefs set smartcard_module PATH` (OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so).",
            )
        })?,
    };
    Ok(Module::load(&path)?)
}
