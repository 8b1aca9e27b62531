//! Export, import (including Zowe team configurations) and loaded connections.

use std::path::Path;

use cicsx_profile::{Connection, Connections, Credential, Workspace, parse_shared, parse_zowe};

fn conn(name: &str, port: u16, user: Option<&str>) -> Connection {
    let mut c = Connection::new(name, "mvs1.example.com", port);
    if let Some(u) = user {
        c.credential = Credential::Password { user: u.into() };
    }
    c
}

#[test]
fn import_adds_updates_keeps_credentials_and_unconfirms() {
    let mut mine = Connections::default();
    let mut prod = conn("PROD", 1490, Some("ME"));
    prod.tls_confirmed = true;
    mine.add(prod).unwrap();

    let mut incoming = conn("prod", 1491, Some("SOMEONE"));
    incoming.tls_confirmed = true;
    let report = mine
        .import(vec![incoming, conn("TEST", 443, None)])
        .unwrap();
    assert_eq!(report.added, vec!["TEST"]);
    assert_eq!(report.updated, vec!["PROD"]);
    let prod = mine.get("PROD").unwrap();
    assert_eq!(prod.port, 1491, "the shared settings are taken");
    assert_eq!(prod.credential.user(), Some("ME"), "my credential is kept");
    assert!(!prod.tls_confirmed, "imported connections are unconfirmed");
    assert!(!mine.get("TEST").unwrap().tls_confirmed);
}

#[test]
fn export_has_no_confirmations_and_round_trips() {
    let mut mine = Connections::default();
    let mut a = conn("A", 1490, Some("ME"));
    a.tls_confirmed = true;
    mine.add(a).unwrap();
    mine.add(conn("B", 1491, None)).unwrap();
    mine.add_load("/shared/team.toml");
    let text = mine.to_shared_toml(&["a".into()]).unwrap();
    assert!(!text.contains("tls_confirmed = true"), "{text}");
    assert!(!text.contains("loads"), "{text}");
    let (back, warnings) = parse_shared(&text, Path::new("x.toml")).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].name, "A");
    assert_eq!(
        mine.to_shared_toml(&["nope".into()]).unwrap_err().id(),
        "CICSX0508E"
    );
}

#[test]
fn zowe_profiles_become_connections() {
    let json = r#"{
      "$schema": "./zowe.schema.json",
      "profiles": {
        "zosmf": { "type": "zosmf", "properties": { "port": 443 } },
        "cics_plain": { "type": "cics", "properties": { "host": "mvs2", "port": 1080, "protocol": "http", "regionName": "IYK2ZAB1", "password": "x" } },
        "lpar1": {
          "properties": { "host": "mvs1.example.com" },
          "profiles": { "cics": { "type": "cics", "properties": { "port": 1490, "cicsPlex": "PLEX1", "rejectUnauthorized": false } } }
        },
        "broken": { "type": "cics", "properties": { "host": "mvs3" } },
        "global_base": { "type": "base", "properties": { "user": "IBMUSER", "rejectUnauthorized": true } }
      },
      "defaults": { "base": "global_base", "cics": "lpar1.cics" }
    }"#;
    let (list, warnings) = parse_zowe(json, Path::new("zowe.config.json")).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["cics_plain", "lpar1.cics"]);
    let plain = &list[0];
    assert!(!plain.secure);
    assert_eq!(plain.context.as_deref(), Some("IYK2ZAB1"));
    assert_eq!(
        plain.credential.user(),
        Some("IBMUSER"),
        "user from the base profile"
    );
    let lpar = &list[1];
    assert!(lpar.secure);
    assert_eq!((lpar.host.as_str(), lpar.port), ("mvs1.example.com", 1490));
    let all = warnings.join("\n");
    assert!(all.contains("broken has no valid port"), "{all}");
    assert!(all.contains("rejectUnauthorized"), "{all}");
    assert!(all.contains("holds a password"), "{all}");
    // JSON is recognised by parse_shared too.
    assert_eq!(parse_shared(json, Path::new("z.json")).unwrap().0.len(), 2);
}

#[test]
fn bad_zowe_files_are_named() {
    for bad in [
        "{",
        "{\"profiles\": 3}",
        "{\"profiles\": {\"a\": {\"type\": \"zosmf\"}}}",
    ] {
        let err = parse_zowe(bad, Path::new("zowe.config.json")).unwrap_err();
        assert_eq!(err.id(), "CICSX0512E", "{bad}: {err}");
        assert!(err.to_string().contains("zowe.config.json"), "{err}");
    }
}

#[test]
fn loaded_connections_keep_confirmations_in_the_users_state() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("team.toml");
    let mut team = Connections::default();
    team.add(conn("TEAM", 1490, Some("X"))).unwrap();
    std::fs::write(&shared, team.to_shared_toml(&[]).unwrap()).unwrap();
    let shared_before = std::fs::read(&shared).unwrap();

    let ws = Workspace::at(dir.path().join("ws"));
    let location = shared.to_str().unwrap().to_owned();
    ws.update_connections(|c| {
        c.add_load(&location);
        c.add_load("/nonexistent/gone.toml");
        Ok(())
    })
    .unwrap();
    let mut no_fetch = |_: &str| -> Result<String, String> { Err("no network".into()) };
    let loaded = ws
        .load_shared(&ws.load_connections().unwrap(), &mut no_fetch)
        .unwrap();
    assert_eq!(loaded.len(), 2);
    assert_eq!(loaded[0].connections[0].name, "TEAM");
    assert!(!loaded[0].connections[0].tls_confirmed);
    assert_eq!(loaded[1].error.as_ref().unwrap().id(), "CICSX0513E");

    // A connect found the other setting: recorded in state.toml, the shared file untouched.
    ws.update_state(|s| {
        s.confirm(&location, "team", false);
        Ok(())
    })
    .unwrap();
    let loaded = ws
        .load_shared(&ws.load_connections().unwrap(), &mut no_fetch)
        .unwrap();
    let c = &loaded[0].connections[0];
    assert!(c.tls_confirmed && !c.secure);
    assert_eq!(std::fs::read(&shared).unwrap(), shared_before);
}
