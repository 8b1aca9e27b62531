//! `connections.toml`: round trips, malformed text, unknown keys, secrets.

use std::path::PathBuf;

use cicsx_profile::{Connection, Connections, Credential, Error};

fn all_kinds() -> Connections {
    let mut c = Connections::default();
    let mut add = |name: &str, secure: bool, confirmed: bool, credential: Credential| {
        let mut conn = Connection::new(name, "mvs1.example.com", 1490);
        conn.secure = secure;
        conn.tls_confirmed = confirmed;
        conn.credential = credential;
        c.add(conn).unwrap();
    };
    add("No credential", false, false, Credential::None);
    add(
        "Password \"quoted\" \\ é",
        true,
        true,
        Credential::Password {
            user: "IBMUSER".into(),
        },
    );
    add(
        "Keystore default",
        true,
        false,
        Credential::KeystoreCertificate {
            user: None,
            keystore: None,
            alias: None,
        },
    );
    add(
        "Keystore explicit",
        true,
        true,
        Credential::KeystoreCertificate {
            user: Some("ME".into()),
            keystore: Some(PathBuf::from("/home/me/keys.jks")),
            alias: Some("my key".into()),
        },
    );
    add(
        "PKCS12",
        true,
        false,
        Credential::Pkcs12File {
            user: None,
            path: PathBuf::from("C:\\Users\\me\\me.p12"),
            alias: Some("me".into()),
        },
    );
    add(
        "Card",
        true,
        true,
        Credential::SmartCard {
            user: Some("CARDUSER".into()),
            uri: "pkcs11:token=CAC%20II;object=auth".into(),
        },
    );
    c
}

#[test]
fn every_kind_of_connection_round_trips() {
    let connections = all_kinds();
    let text = connections.to_toml();
    let back = Connections::parse(&text).unwrap();
    assert_eq!(back, connections);
    assert_eq!(back.to_toml(), text, "printing is stable");
    let names: Vec<&str> = back.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names[0], "No credential", "order is kept");
    assert!(text.starts_with("# cicsx connections."));
    assert!(text.contains("version = 1\n"));
    assert!(
        text.contains("credential = { type = \"password\", user = \"IBMUSER\" }"),
        "{text}"
    );
}

#[test]
fn empty_and_versionless_files() {
    assert!(Connections::parse("").unwrap().is_empty());
    let text = Connections::default().to_toml();
    assert!(Connections::parse(&text).unwrap().is_empty());
    // No version key: read as version 1.
    let c = Connections::parse("[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\n").unwrap();
    let a = c.get("A").unwrap();
    assert!(a.secure, "secure defaults to true");
    assert!(!a.tls_confirmed, "tls_confirmed defaults to false");
    assert_eq!(a.credential, Credential::None);
}

#[test]
fn credential_as_a_sub_table() {
    let text = r#"
version = 1
[[connection]]
name = "a"
host = "h"
port = 1490
[connection.credential]
type = "PKCS12"
path = "/p/me.p12"
"#;
    let c = Connections::parse(text).unwrap();
    assert_eq!(
        c.get("a").unwrap().credential,
        Credential::Pkcs12File {
            user: None,
            path: "/p/me.p12".into(),
            alias: None
        }
    );
}

fn parse_err(text: &str) -> Error {
    match Connections::parse(text) {
        Err(e) => e,
        Ok(c) => panic!("expected an error, got {c:?}"),
    }
}

#[test]
fn malformed_toml_gives_line_and_column() {
    let text = "version = 1\n\n[[connection]]\nname = \"a\nhost = \"h\"\n";
    let e = parse_err(text);
    assert_eq!(e.id(), "CICSX0501E");
    match &e {
        Error::Syntax { at, message } => {
            assert_eq!(at.line, Some(4), "{e}");
            assert!(at.column.is_some());
            assert!(!message.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("line 4, column"), "{e}");
    assert!(!e.to_string().contains('\n'), "one line: {e}");

    let e = parse_err("[[connection]\n");
    assert_eq!(e.id(), "CICSX0501E");
}

#[test]
fn unknown_keys_are_named_with_their_place() {
    let text =
        "version = 1\n[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\n  colour = \"red\"\n";
    let e = parse_err(text);
    assert_eq!(e.id(), "CICSX0502E");
    let message = e.to_string();
    assert!(message.contains("`colour`"), "{message}");
    assert!(message.contains("line 6, column 3"), "{message}");
    assert!(message.contains("[[connection]]"), "{message}");

    let e = parse_err("colour = 1\n");
    assert!(e.to_string().contains("`colour`"));
    let e = parse_err(
        "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\ncredential = { type = \"password\", user = \"U\", usr = \"V\" }\n",
    );
    assert!(e.to_string().contains("`usr`"), "{e}");
}

#[test]
fn wrong_types_and_missing_keys_are_schema_errors() {
    let e = parse_err("[[connection]]\nname = \"a\"\nhost = \"h\"\nport = \"1490\"\n");
    assert_eq!(e.id(), "CICSX0502E");
    assert!(e.to_string().contains("line 4"), "{e}");
    let e = parse_err("[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 70000\n");
    assert_eq!(e.id(), "CICSX0502E");
    let e = parse_err("[[connection]]\nname = \"a\"\nport = 1\n");
    assert_eq!(e.id(), "CICSX0502E");
    assert!(e.to_string().contains("host"), "{e}");
    let e = parse_err("version = \"one\"\n");
    assert_eq!(e.id(), "CICSX0502E");
}

#[test]
fn passwords_are_refused_wherever_they_appear() {
    for (text, key) in [
        (
            "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\npassword = \"hunter2\"\n",
            "password",
        ),
        (
            "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\ncredential = { type = \"password\", user = \"U\", password = \"hunter2\" }\n",
            "password",
        ),
        (
            "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\n[connection.credential]\ntype = \"pkcs12\"\npath = \"/p\"\npassphrase = \"hunter2\"\n",
            "passphrase",
        ),
        (
            "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\ncredential = { type = \"smartcard\", uri = \"pkcs11:token=t\", pin = \"1234\" }\n",
            "pin",
        ),
        ("Password = \"hunter2\"\n", "Password"),
    ] {
        let e = parse_err(text);
        assert_eq!(e.id(), "CICSX0503E", "{text}");
        let message = e.to_string();
        assert!(message.contains(&format!("`{key}`")), "{message}");
        assert!(message.contains("never stores passwords"), "{message}");
        assert!(
            !message.contains("hunter2") && !message.contains("1234"),
            "{message}"
        );
        assert!(
            !format!("{e:?}").contains("hunter2"),
            "the secret is not in Debug either"
        );
        assert!(message.contains("line "), "{message}");
    }
}

#[test]
fn a_serialized_file_never_holds_a_password() {
    let text = all_kinds().to_toml();
    let table: toml::Table = text.parse().unwrap();
    fn walk(value: &toml::Value) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    assert!(!k.to_lowercase().contains("pass"), "{k}");
                    assert_ne!(k.to_lowercase(), "pin");
                    walk(v);
                }
            }
            toml::Value::Array(a) => a.iter().for_each(walk),
            _ => {}
        }
    }
    walk(&toml::Value::Table(table));
}

#[test]
fn validation_errors_name_the_connection_and_field() {
    let e = parse_err("[[connection]]\nname = \"Prod\"\nhost = \"https://mvs1\"\nport = 1\n");
    assert_eq!(e.id(), "CICSX0505E");
    let message = e.to_string();
    assert!(message.contains("\"Prod\""), "{message}");
    assert!(message.contains("host"), "{message}");
    assert!(message.contains("line 1"), "{message}");

    let e = parse_err(
        "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\n\n[[connection]]\nname = \"\"\nhost = \"h\"\nport = 1\n",
    );
    assert!(e.to_string().contains("\"#2\""), "{e}");
    assert!(e.to_string().contains("name"), "{e}");

    let e = parse_err("[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 0\n");
    assert!(e.to_string().contains("port"), "{e}");

    let e = parse_err(
        "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\ncredential = { type = \"password\" }\n",
    );
    assert!(e.to_string().contains("credential.user"), "{e}");
    let e = parse_err(
        "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\ncredential = { type = \"password\", user = \"U\", path = \"/x\" }\n",
    );
    assert!(e.to_string().contains("`path` does not belong"), "{e}");
    let e = parse_err(
        "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\ncredential = { type = \"kerberos\" }\n",
    );
    assert!(e.to_string().contains("credential.type"), "{e}");
    let e = parse_err(
        "[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1\nsecure = false\ncredential = { type = \"keystore\" }\n",
    );
    assert_eq!(e.id(), "CICSX0506E");
    assert!(e.to_string().contains("TLS handshake"), "{e}");
}

#[test]
fn duplicate_names_ignore_case() {
    let e = parse_err(
        "[[connection]]\nname = \"Prod\"\nhost = \"h\"\nport = 1\n[[connection]]\nname = \"PROD\"\nhost = \"h\"\nport = 2\n",
    );
    assert_eq!(e.id(), "CICSX0507E");
    let mut c = Connections::default();
    c.add(Connection::new("Straße", "h", 1)).unwrap();
    assert_eq!(
        c.add(Connection::new("STRASSE", "h", 1)).map(|_| ()).ok(),
        Some(()),
        "full case folding is not attempted; lower-casing is"
    );
    assert_eq!(
        c.add(Connection::new("straße", "h", 1)).unwrap_err().id(),
        "CICSX0507E"
    );
}

#[test]
fn newer_versions_are_refused() {
    let e = parse_err("version = 2\n");
    assert_eq!(e.id(), "CICSX0504E");
    assert!(e.to_string().contains("version 2"), "{e}");
}

#[test]
fn add_get_remove() {
    let mut c = Connections::default();
    assert!(c.add(Connection::new("", "h", 1)).is_err());
    c.add(Connection::new("One", "h", 1)).unwrap();
    c.add(Connection::new("Two", "h", 2)).unwrap();
    assert_eq!(c.len(), 2);
    c.get_mut("one").unwrap().port = 11;
    assert_eq!(c.get("ONE").unwrap().port, 11);
    assert_eq!(c.remove("two").unwrap().name, "Two");
    assert_eq!(c.remove("two").unwrap_err().id(), "CICSX0508E");
    assert_eq!((&c).into_iter().count(), 1);
    // A rename through get_mut that collides is caught by validate.
    c.add(Connection::new("Three", "h", 3)).unwrap();
    c.get_mut("three").unwrap().name = "ONE".into();
    assert_eq!(c.validate().unwrap_err().id(), "CICSX0507E");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn arbitrary_text(text in "\\PC{0,200}") {
            let _ = Connections::parse(&text);
            let _ = cicsx_profile::Preferences::parse(&text);
        }

        #[test]
        fn toml_like_text(lines in prop::collection::vec(
            prop_oneof![
                Just("[[connection]]".to_owned()),
                Just("[connection.credential]".to_owned()),
                "[a-z_]{1,12} = \"[^\"\\\\]{0,12}\"",
                "[a-z_]{1,12} = [0-9]{1,6}",
                "[a-z_]{1,12} = (true|false)",
                "credential = \\{ type = \"(password|pkcs12|keystore|smartcard|none|x)\" \\}",
            ],
            0..12,
        )) {
            let text = lines.join("\n");
            if let Ok(c) = Connections::parse(&text) {
                // Whatever parses prints back to the same thing.
                prop_assert_eq!(Connections::parse(&c.to_toml()).unwrap(), c);
            }
        }

        #[test]
        fn valid_connections_round_trip(
            name in "[A-Za-z0-9][A-Za-z0-9 ._()#-]{0,40}[A-Za-z0-9]",
            host in "[a-z][a-z0-9-]{0,20}(\\.[a-z0-9]{1,10}){0,3}",
            port in 1u16..,
            user in "[A-Z#@$][A-Z0-9#@$]{0,7}",
            secure in any::<bool>(),
        ) {
            let mut c = Connection::new(name, host, port);
            c.secure = secure;
            c.credential = Credential::Password { user };
            let mut all = Connections::default();
            all.add(c).unwrap();
            prop_assert_eq!(Connections::parse(&all.to_toml()).unwrap(), all);
        }
    }
}

#[test]
fn context_round_trips_and_is_validated() {
    let text = "version = 1\n[[connection]]\nname = \"a\"\nhost = \"h\"\nport = 1490\ncontext = \"PLEX1\"\n";
    let all = cicsx_profile::Connections::parse(text).unwrap();
    assert_eq!(all.get("a").unwrap().context.as_deref(), Some("PLEX1"));
    let again = cicsx_profile::Connections::parse(&all.to_toml()).unwrap();
    assert_eq!(again.get("a").unwrap().context.as_deref(), Some("PLEX1"));
    let bad = text.replace("PLEX1", "PLEX/1");
    let err = cicsx_profile::Connections::parse(&bad).unwrap_err();
    assert!(err.to_string().contains("context"), "{err}");
}
