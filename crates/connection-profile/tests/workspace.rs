//! The workspace directory: loading, saving, locking, file modes.

use std::fs;
use std::sync::Arc;

use cicsx_profile::{Connection, Credential, Error, Preferences, Protocol, Workspace};

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::at(dir.path().join("ws"));
    (dir, workspace)
}

#[test]
fn missing_files_give_defaults_and_create_nothing() {
    let (_dir, w) = workspace();
    assert!(w.load_connections().unwrap().is_empty());
    assert_eq!(w.load_preferences().unwrap(), Preferences::default());
    assert!(!w.dir().exists());
}

#[test]
fn update_creates_the_directory_and_saves() {
    let (_dir, w) = workspace();
    let added = w
        .update_connections(|c| {
            let mut conn = Connection::new("Prod", "mvs1.example.com", 1490);
            conn.credential = Credential::Password {
                user: "IBMUSER".into(),
            };
            c.add(conn)?;
            Ok(c.len())
        })
        .unwrap();
    assert_eq!(added, 1);
    let loaded = w.load_connections().unwrap();
    assert_eq!(loaded.get("prod").unwrap().port, 1490);

    // A second update sees the first.
    w.update_connections(|c| c.add(Connection::new("Test", "mvs2", 443)))
        .unwrap();
    assert_eq!(w.load_connections().unwrap().len(), 2);
}

#[test]
fn a_failed_update_leaves_the_file_untouched() {
    let (_dir, w) = workspace();
    w.update_connections(|c| c.add(Connection::new("Prod", "mvs1", 1490)))
        .unwrap();
    let path = w.connections_path();
    let before = fs::read(&path).unwrap();

    // The closure fails after changing the list.
    let e = w
        .update_connections(|c| {
            c.remove("Prod")?;
            c.add(Connection::new("New", "h", 1))?;
            c.remove("no such connection").map(|_| ())
        })
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0508E");
    assert_eq!(fs::read(&path).unwrap(), before);

    // The closure succeeds but leaves an invalid list (a change through get_mut).
    let e = w
        .update_connections(|c| {
            c.get_mut("prod").unwrap().host = "https://mvs1".into();
            Ok(())
        })
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0505E");
    assert!(e.to_string().contains("connections.toml"), "{e}");
    assert_eq!(fs::read(&path).unwrap(), before);

    // No temporary files are left behind.
    let names: Vec<String> = fs::read_dir(w.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_broken_file_is_reported_with_its_path_and_not_overwritten() {
    let (_dir, w) = workspace();
    w.ensure_dir().unwrap();
    let path = w.connections_path();
    fs::write(&path, "version = 1\n[[connection]\n").unwrap();
    let e = w.load_connections().unwrap_err();
    assert_eq!(e.id(), "CICSX0501E");
    let message = e.to_string();
    assert!(
        message.contains(&format!("{}:2:", path.display())),
        "{message}"
    );
    let e = w
        .update_connections(|c| c.add(Connection::new("x", "h", 1)))
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0501E");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "version = 1\n[[connection]\n"
    );

    fs::write(&path, b"version = 1\n# \xff\n").unwrap();
    let e = w.load_connections().unwrap_err();
    assert_eq!(e.id(), "CICSX0501E");
    assert!(e.to_string().contains("UTF-8"), "{e}");
}

#[test]
fn preferences_round_trip_through_the_file() {
    let (_dir, w) = workspace();
    let p = Preferences {
        trust_verification: false,
        keystore: Some("/home/me/keys.p12".into()),
        keystore_type: Some("pkcs12".into()),
        truststore: None,
        central_truststore: Some("https://pki.example.com/trust.p12".into()),
        smartcard_module: Some("/usr/lib/opensc-pkcs11.so".into()),
        system_roots: true,
        timeout: Some(30),
        protocol: Protocol::Tls12,
    };
    w.save_preferences(&p).unwrap();
    assert_eq!(w.load_preferences().unwrap(), p);
    let text = fs::read_to_string(w.preferences_path()).unwrap();
    assert!(text.contains("protocol = \"TLSv1.2\""), "{text}");
    assert!(text.contains("# truststore = "), "{text}");

    let bad = Preferences {
        central_truststore: Some("http://pki.example.com/trust.p12".into()),
        ..Preferences::default()
    };
    let e = w.save_preferences(&bad).unwrap_err();
    assert_eq!(e.id(), "CICSX0509E");
    assert_eq!(w.load_preferences().unwrap(), p, "the file is unchanged");
}

#[test]
fn preferences_file_errors() {
    let (_dir, w) = workspace();
    w.ensure_dir().unwrap();
    fs::write(w.preferences_path(), "protocol = \"SSLv3\"\n").unwrap();
    let e = w.load_preferences().unwrap_err();
    assert_eq!(e.id(), "CICSX0502E");
    assert!(
        e.to_string().contains("SSLv3") && e.to_string().contains("preferences.toml:1:12"),
        "{e}"
    );
    fs::write(w.preferences_path(), "keystore_password = \"changeit\"\n").unwrap();
    let e = w.load_preferences().unwrap_err();
    assert_eq!(e.id(), "CICSX0503E");
    assert!(!e.to_string().contains("changeit"));
    fs::write(w.preferences_path(), "keystore_type = \"BKS\"\n").unwrap();
    assert_eq!(w.load_preferences().unwrap_err().id(), "CICSX0509E");
    fs::write(w.preferences_path(), "trust_verify = false\n").unwrap();
    let e = w.load_preferences().unwrap_err();
    assert!(e.to_string().contains("`trust_verify`"), "{e}");
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, w) = workspace();
    w.update_connections(|c| c.add(Connection::new("a", "h", 1)))
        .unwrap();
    w.save_preferences(&Preferences::default()).unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(w.dir()), 0o700);
    assert_eq!(mode(&w.connections_path()), 0o600);
    assert_eq!(mode(&w.preferences_path()), 0o600);

    // A file someone loosened is tightened again on the next save.
    fs::set_permissions(w.connections_path(), fs::Permissions::from_mode(0o644)).unwrap();
    w.update_connections(|_| Ok(())).unwrap();
    assert_eq!(mode(&w.connections_path()), 0o600);
}

#[test]
fn concurrent_updates_lose_nothing() {
    let (_dir, w) = workspace();
    let w = Arc::new(w);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let w = Arc::clone(&w);
            std::thread::spawn(move || {
                for j in 0..5 {
                    w.update_connections(|c| c.add(Connection::new(format!("c{i}-{j}"), "h", 1)))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(w.load_connections().unwrap().len(), 40);
}

#[test]
fn unreadable_paths_are_io_errors() {
    let (dir, _) = workspace();
    // The workspace "directory" is a file.
    let file = dir.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    let w = Workspace::at(&file);
    let e = w.ensure_dir().unwrap_err();
    assert!(matches!(e, Error::Io { op: "create", .. }), "{e:?}");
    assert!(std::error::Error::source(&e).is_some());
    let e = w
        .update_connections(|c| c.add(Connection::new("a", "h", 1)))
        .unwrap_err();
    assert_eq!(e.id(), "CICSX0511E");
}

#[test]
fn locate_prefers_the_explicit_directory() {
    // The environment is not touched (tests run in parallel); the precedence of the
    // environment variable is tested on the pure helper inside the crate.
    let w = Workspace::locate(Some("/explicit/ws".into())).unwrap();
    assert_eq!(w.dir(), std::path::Path::new("/explicit/ws"));
}
