//! The connect flow shared by `connect`, `get` and `demo`: prepare, connect, answer a
//! certificate alert, sign on, query, confirm the connection's TLS setting.

use std::io::Write;

use cicsx_cmci::client::{Client, SignOn};
use cicsx_cmci::session::{Connected, Connector, Secrets};
use cicsx_cmci::{Query, Response};
use cicsx_keystore::SecretString;
use cicsx_profile::{Connection, Credential, Preferences, Workspace};
use cicsx_truststore::{CertificateInfo, TrustOutcome};

use crate::error::Failure;
use crate::interact::Interaction;

/// An open, signed-on session and what was learnt on the way.
pub(crate) struct Session {
    pub(crate) client: Client,
    pub(crate) trust: Option<TrustOutcome>,
    pub(crate) accepted_now: bool,
    /// Whether the connection's TLS setting is recorded as confirmed.
    confirmed: bool,
}

/// The keystore pass phrase: $CICSX_KEYSTORE_PASSWORD, or the default `changeit`.
pub(crate) fn keystore_passphrase() -> Option<SecretString> {
    std::env::var("CICSX_KEYSTORE_PASSWORD")
        .ok()
        .map(SecretString::from)
}

/// Connects to `connection`, answering questions through `ask`.
pub(crate) async fn open(
    workspace: &Workspace,
    preferences: &Preferences,
    connection: &Connection,
    ask: &mut dyn Interaction,
    out: &mut dyn Write,
) -> Result<Session, Failure> {
    let mut secrets = Secrets {
        keystore_passphrase: keystore_passphrase(),
        pkcs12_passphrase: None,
    };
    if let Credential::Pkcs12File { path, .. } = &connection.credential {
        secrets.pkcs12_passphrase = Some(ask.pkcs12_passphrase(path)?);
    }
    let mut connector = Connector::new(workspace, preferences, connection, &secrets)?;
    let endpoint = connector.endpoint().to_string();
    if connector.is_secure() && connector.verification_off() {
        let _ = writeln!(
            out,
            "CICSX0201W Trust verification is off: the certificate of {endpoint} is not checked, and anyone between you and the region could read your password."
        );
    }
    if !connector.is_secure() && matches!(connection.credential, Credential::Password { .. }) {
        let _ = writeln!(
            out,
            "CICSX0920W {endpoint} is a plain HTTP connection: the password travels unencrypted. Turn on \"Secure connection (TLS/SSL)\" if the region offers it."
        );
    }
    let mut accepted_now = false;
    let Connected { http, trust } = match connector.connect().await {
        Ok(connected) => connected,
        Err(cicsx_cmci::Error::UntrustedCertificate { chain, .. }) => {
            let leaf = chain[0].clone();
            let info = CertificateInfo::from_der(&leaf)?;
            if !ask.accept_certificate(&endpoint, &info)? {
                return Err(Failure::new(
                    "CICSX0906E",
                    format!(
                        "the certificate of {endpoint} was not accepted; the connection was not made"
                    ),
                    "A certificate alert was answered no.",
                    "",
                ));
            }
            connector.accept_certificate(leaf)?;
            accepted_now = true;
            let _ = writeln!(
                out,
                "Stored the certificate in the keystore as a trusted entry for {endpoint}; it will not be asked about again."
            );
            connector.connect().await?
        }
        Err(e) => return Err(e.into()),
    };
    let sign_on = match &connection.credential {
        Credential::Password { user } => SignOn::Basic {
            user: user.clone(),
            password: ask.password(user, &endpoint)?,
        },
        // Certificate credentials sign on with the certificate alone: the region maps it to
        // a user ID.
        _ => SignOn::Anonymous,
    };
    Ok(Session {
        client: Client::new(http, sign_on),
        trust,
        accepted_now,
        confirmed: connection.tls_confirmed,
    })
}

/// Runs `query`, and records that the connection's TLS setting works (it is "confirmed").
pub(crate) async fn query(
    workspace: &Workspace,
    connection: &Connection,
    session: &mut Session,
    query: &Query,
) -> Result<Response, Failure> {
    let response = session.client.query(query).await?;
    if !session.confirmed {
        session.confirmed = true;
        let name = connection.name.clone();
        workspace.update_connections(|all| {
            if let Some(c) = all.get_mut(&name) {
                c.tls_confirmed = true;
            }
            Ok(())
        })?;
    }
    Ok(response)
}
