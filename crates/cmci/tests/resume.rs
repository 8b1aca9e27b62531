//! Reconnects within one process resume the TLS session, as the desktop app's reconnects and a
//! fan-out's do: each connect makes a new [`Connector`], yet the handshake is abbreviated when
//! nothing that decides trust or identity changed, and never otherwise.

use std::path::PathBuf;

use cicsx_cmci::Query;
use cicsx_cmci::client::{Client, SignOn};
use cicsx_cmci::session::{Connector, Secrets};
use cicsx_keystore::SecretString;
use cicsx_mock_cics::{CICSPLEX, Config, MockRegion, Mode};
use cicsx_profile::{Connection, Credential, Preferences, Protocol, Workspace};

struct Setup {
    _dir: tempfile::TempDir,
    workspace: Workspace,
    preferences: Preferences,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("root.pem");
    std::fs::write(&ca, cicsx_mock_cics::fixtures::ROOT_CA_PEM).unwrap();
    let workspace = Workspace::at(dir.path().join("ws"));
    let preferences = Preferences {
        truststore: Some(ca),
        ..Preferences::default()
    };
    Setup {
        _dir: dir,
        workspace,
        preferences,
    }
}

fn client_p12() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/client/ecdsa.p12")
}

/// A new connector, a connect, and one query (TLS 1.3 tickets arrive after the handshake, so
/// a session can be resumed only once something was read). Returns whether it resumed.
async fn connect_once(s: &Setup, preferences: &Preferences, connection: &Connection) -> bool {
    let secrets = Secrets {
        pkcs12_passphrase: Some(SecretString::from("changeit".to_owned())),
        ..Secrets::default()
    };
    let connector = Connector::new(&s.workspace, preferences, connection, &secrets)
        .await
        .unwrap();
    let connected = connector.connect().await.unwrap();
    let resumed = connected.http.tls_info().unwrap().resumed;
    let sign_on = match &connection.credential {
        Credential::Password { user } => SignOn::Basic {
            user: user.clone(),
            password: SecretString::from("cicspass".to_owned()),
        },
        _ => SignOn::Anonymous,
    };
    let mut client = Client::new(connected.http, sign_on);
    let response = client
        .query(&Query::new("CICSRegion", CICSPLEX))
        .await
        .unwrap();
    assert_eq!(response.records.len(), 3);
    resumed
}

async fn region() -> MockRegion {
    MockRegion::start(Config {
        mode: Mode::Strong,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn connection(region: &MockRegion) -> Connection {
    Connection {
        credential: Credential::Password {
            user: "cicsuser".to_owned(),
        },
        ..Connection::new("r", "127.0.0.1", region.addr().port())
    }
}

#[tokio::test]
async fn reconnects_resume_for_both_protocol_versions() {
    let s = setup();
    for protocol in [Protocol::Default, Protocol::Tls12] {
        let region = region().await;
        let preferences = Preferences {
            protocol,
            ..s.preferences.clone()
        };
        let c = connection(&region);
        assert!(
            !connect_once(&s, &preferences, &c).await,
            "{protocol:?} first"
        );
        assert!(
            connect_once(&s, &preferences, &c).await,
            "{protocol:?} second"
        );
        assert!(
            connect_once(&s, &preferences, &c).await,
            "{protocol:?} third"
        );
        let stats = region.stats();
        assert_eq!(
            (stats.tls_handshakes, stats.tls_resumed),
            (3, 2),
            "{protocol:?}"
        );
    }
}

#[tokio::test]
async fn no_resumption_across_trust_policies_or_identities() {
    let s = setup();
    let region = region().await;
    let c = connection(&region);
    assert!(!connect_once(&s, &s.preferences, &c).await);
    assert!(connect_once(&s, &s.preferences, &c).await);

    // Verification turned off: another policy, a full handshake (a session verified under one
    // policy is never resumed under another, and the reverse).
    let off = Preferences {
        trust_verification: false,
        ..s.preferences.clone()
    };
    assert!(!connect_once(&s, &off, &c).await);

    // Another client identity: the region must see the new certificate, so a full handshake.
    let with_cert = Connection {
        credential: Credential::Pkcs12File {
            user: None,
            path: client_p12(),
            alias: None,
        },
        ..c.clone()
    };
    assert!(!connect_once(&s, &s.preferences, &with_cert).await);
    assert!(connect_once(&s, &s.preferences, &with_cert).await);
    assert_eq!(region.stats().client_cert_requests, 2);

    // Another port (another region): its own sessions.
    let other = crate::region().await;
    assert!(!connect_once(&s, &s.preferences, &connection(&other)).await);
}

/// A kept configuration never makes a later failure look like an earlier one: after a server
/// on the port presented an untrusted certificate, a refused connection is reported as refused.
#[tokio::test]
async fn a_kept_configuration_does_not_colour_later_failures() {
    let s = setup();
    let first = region().await;
    let port = first.addr().port();
    let c = connection(&first);
    assert!(!connect_once(&s, &s.preferences, &c).await);
    first.shutdown().await;

    // Another server on the same port, with a certificate from an unknown CA.
    let other = MockRegion::start(Config {
        cert: cicsx_mock_cics::CertChoice::UnknownCa,
        bind: format!("127.0.0.1:{port}").parse().unwrap(),
        ..Config::default()
    })
    .await
    .unwrap();
    let connector = Connector::new(&s.workspace, &s.preferences, &c, &Secrets::default())
        .await
        .unwrap();
    let err = connector.connect().await.unwrap_err();
    assert!(
        matches!(err, cicsx_cmci::Error::UntrustedCertificate { .. }),
        "{err:?}"
    );
    other.shutdown().await;

    // Nobody on the port now: refused, not "untrusted".
    let connector = Connector::new(&s.workspace, &s.preferences, &c, &Secrets::default())
        .await
        .unwrap();
    let err = connector.connect().await.unwrap_err();
    assert_eq!(err.id(), "CICSX0402E", "{err:?}");
}
