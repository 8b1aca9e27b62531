//! The connect flow every front end shares: prepare, connect, answer a certificate alert,
//! offer a retry when the TLS setting is the wrong way round, sign on, query, and record
//! what the connect confirmed.
//!
//! The questions a connect raises (accept this certificate? retry with TLS? the password, the
//! PIN) go to a [`Prompter`]: the CLI asks at the terminal, the GUI shows a dialog, the demo
//! answers itself. Nothing here decides for the user: no certificate is accepted, no setting
//! switched and no password resent without an answer.

use std::path::Path;

use cicsx_keystore::SecretString;
use cicsx_profile::{Connection, Credential, Preferences, Workspace};
use cicsx_truststore::{CertificateInfo, TrustOutcome};

use crate::client::{Client, SignOn};
use crate::message::Failure;
use crate::session::{Connected, Connector, Secrets};
use crate::{Query, Response};

/// Answers the questions a connect raises, and shows what it reports.
#[allow(async_fn_in_trait)] // front ends run the flow on one task; no Send bound is needed
pub trait Prompter {
    /// A certificate alert: `true` accepts the certificate and stores it for this host and
    /// port.
    async fn accept_certificate(
        &mut self,
        endpoint: &str,
        info: &CertificateInfo,
    ) -> Result<bool, Failure>;
    /// The password of `user` at `endpoint`.
    async fn password(&mut self, user: &str, endpoint: &str) -> Result<SecretString, Failure>;
    /// The pass phrase of a PKCS#12 file holding a client certificate.
    async fn pkcs12_passphrase(&mut self, path: &Path) -> Result<SecretString, Failure>;
    /// The connection's TLS setting seems wrong: `true` retries once with the other setting.
    async fn switch_security(&mut self, mismatch: &Mismatch) -> Result<bool, Failure>;
    /// The PIN of the smart card `token`.
    async fn pin(&mut self, token: &str) -> Result<SecretString, Failure>;
    /// The keystore's pass phrase, if the user gave one (`None`: the default, changeit).
    fn keystore_passphrase(&mut self) -> Option<SecretString>;
    /// A warning to show now; it starts with its message ID.
    fn warning(&mut self, text: &str);
    /// Something the user should know that is not a problem (a certificate stored, a setting
    /// changed).
    fn notice(&mut self, text: &str);
}

/// An open, signed-on session and what was learnt on the way.
#[derive(Debug)]
pub struct Session {
    /// The CMCI client, for more queries.
    pub client: Client,
    /// How the server's certificate was trusted (`None` for plain HTTP).
    pub trust: Option<TrustOutcome>,
    /// Whether the certificate was accepted (and stored) during this connect.
    pub accepted_now: bool,
}

/// Connects to `connection`, answering questions through `ask`.
async fn open_inner<P: Prompter>(
    workspace: &Workspace,
    preferences: &Preferences,
    connection: &Connection,
    ask: &mut P,
    classify: &dyn Fn(crate::Error) -> Attempt,
) -> Result<Session, Attempt> {
    let mut secrets = Secrets {
        keystore_passphrase: ask.keystore_passphrase(),
        pkcs12_passphrase: None,
        pin: None,
    };
    if let Credential::Pkcs12File { path, .. } = &connection.credential {
        secrets.pkcs12_passphrase = Some(ask.pkcs12_passphrase(path).await?);
    }
    if let Some((module, uri)) =
        crate::session::smart_card(preferences, connection).map_err(Failure::from)?
    {
        // Warn before a wrong PIN can lock the card; a locked card is not asked at all.
        let token = uri.token.clone().unwrap_or_else(|| uri.to_string());
        let status = module
            .pin_status(&uri.token_part())
            .map_err(Failure::from)?;
        if let (Some(id), Some(warning)) = (status.id(), status.warning(&token)) {
            ask.warning(&format!("{id} {warning}"));
        }
        if matches!(status, cicsx_smartcard::PinStatus::Locked) {
            return Err(Attempt::Failed(
                cicsx_smartcard::Error::PinLocked { token }.into(),
            ));
        }
        secrets.pin = Some(ask.pin(&token).await?);
    }
    let mut connector = Connector::new(workspace, preferences, connection, &secrets)
        .await
        .map_err(Failure::from)?;
    for warning in connector.warnings() {
        ask.warning(warning);
    }
    let endpoint = connector.endpoint().to_string();
    if connector.is_secure() && secrets.keystore_passphrase.is_none() {
        let path = preferences
            .keystore
            .clone()
            .unwrap_or_else(|| workspace.keystore_path());
        ask.warning(&cicsx_keystore::default_passphrase_warning(&path));
    }
    if connector.is_secure() && connector.verification_off() {
        ask.warning(&format!(
            "CICSX0921W Trust verification is off: the certificate of {endpoint} is not checked, and anyone between you and the region could read your password."
        ));
    }
    if !connector.is_secure() && matches!(connection.credential, Credential::Password { .. }) {
        ask.warning(&format!(
            "CICSX0920W {endpoint} is a plain HTTP connection: the password travels unencrypted. Turn on \"Secure connection (TLS/SSL)\" if the region offers it."
        ));
    }
    let mut accepted_now = false;
    let Connected { http, trust } = match connector.connect().await {
        Ok(connected) => connected,
        Err(crate::Error::UntrustedCertificate { chain, .. }) => {
            let leaf = chain[0].clone();
            let info = CertificateInfo::from_der(&leaf).map_err(Failure::from)?;
            if !ask.accept_certificate(&endpoint, &info).await? {
                return Err(Attempt::Failed(Failure::new(
                    "CICSX0906E",
                    format!(
                        "the certificate of {endpoint} was not accepted; the connection was not made"
                    ),
                    "A certificate alert was answered no.",
                    "",
                )));
            }
            connector.accept_certificate(leaf).map_err(Failure::from)?;
            accepted_now = true;
            ask.notice(&format!(
                "Stored the certificate in the keystore as a trusted entry for {endpoint}; it will not be asked about again."
            ));
            connector.connect().await.map_err(classify)?
        }
        Err(e) => return Err(classify(e)),
    };
    let sign_on = match &connection.credential {
        Credential::Password { user } => SignOn::Basic {
            user: user.clone(),
            password: ask.password(user, &endpoint).await?,
        },
        // Certificate credentials sign on with the certificate alone: the region maps it to
        // a user ID.
        _ => SignOn::Anonymous,
    };
    Ok(Session {
        client: Client::new(http, sign_on).with_reconnect(std::sync::Arc::new(connector)),
        trust,
        accepted_now,
    })
}

/// The CMCI context of a query: `explicit`, else the connection's own.
pub fn context_for(connection: &Connection, explicit: Option<String>) -> Result<String, Failure> {
    explicit.or_else(|| connection.context.clone()).ok_or_else(|| {
        Failure::new(
            "CICSX0908E",
            format!("no CMCI context for connection \"{}\"", connection.name),
            "Every CMCI request names a context: the CICSplex, or the APPLID of a stand-alone region.",
            "Give the context with the query (--context), or store one with the connection \
             (`cicsx connection edit NAME --context CONTEXT`, or Edit in the desktop app).",
        )
    })
}

/// Runs one more query on an open session.
pub async fn query(session: &mut Session, query: &Query) -> Result<Response, Failure> {
    Ok(session.client.query(query).await?)
}

/// A connection whose TLS setting disagrees with what its port speaks.
#[derive(Debug)]
pub struct Mismatch {
    /// The connection's name.
    pub name: String,
    /// host:port.
    pub endpoint: String,
    /// What the connection is set to now.
    pub secure: bool,
    /// Whether a successful connect ever confirmed that setting.
    pub confirmed: bool,
    /// What went wrong, as the user would otherwise see it.
    pub failure: Failure,
}

impl Mismatch {
    /// The explanation and the question.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.explanation(), self.question())
    }

    /// The question: retry with the other setting?
    pub fn question(&self) -> String {
        let mut q = format!(
            "Try again with \"Secure connection (TLS/SSL)\" turned {}?",
            if self.secure { "off" } else { "on" }
        );
        if self.secure {
            q.push_str(" Your password would then travel unencrypted.");
        }
        q
    }

    /// What is wrong, before the offer to retry.
    pub fn explanation(&self) -> String {
        let (now, port_speaks) = if self.secure {
            (
                "TLS",
                "does not speak TLS (it looks like a plain HTTP port)",
            )
        } else {
            ("plain HTTP", "seems to expect TLS")
        };
        let head = if self.confirmed {
            format!(
                "Connection security mismatch: connection \"{}\" uses {now}, but {} {port_speaks}.",
                self.name, self.endpoint
            )
        } else {
            format!(
                "Ambiguity in connection security: the TLS setting of connection \"{}\" was never \
                 confirmed by a successful connect, and {} {port_speaks}.",
                self.name, self.endpoint
            )
        };
        format!("{head}\n  {} {}", self.failure.id, self.failure.message)
    }
}

fn mismatch_summary(confirmed: bool, secure: bool) -> String {
    let kind = if confirmed {
        "Connection security mismatch"
    } else {
        "Ambiguity in connection security"
    };
    format!(
        "{kind}: the connection is set to {}, the port seems to speak {}.",
        if secure { "TLS" } else { "plain HTTP" },
        if secure { "plain HTTP" } else { "TLS" }
    )
}

enum Attempt {
    Mismatch(Mismatch),
    Failed(Failure),
}

impl From<Failure> for Attempt {
    fn from(f: Failure) -> Self {
        Attempt::Failed(f)
    }
}

/// Opens a session and runs the first query. When the connection's TLS setting turns out to
/// be the wrong way round, explains it and offers one retry with the other setting (never
/// switching silently); a successful retry stores the new setting as confirmed. A successful
/// first query confirms the connection's setting.
pub async fn open_and_query<P: Prompter>(
    workspace: &Workspace,
    preferences: &Preferences,
    connection: &Connection,
    origin: Option<&str>,
    ask: &mut P,
    first: &Query,
) -> Result<(Session, Response, Connection), Failure> {
    let result = attempt(workspace, preferences, connection, ask, first).await;
    let (session, response, effective) = match result {
        Ok((session, response)) => (session, response, connection.clone()),
        Err(Attempt::Failed(f)) => return Err(f),
        Err(Attempt::Mismatch(mismatch)) => {
            if !ask.switch_security(&mismatch).await? {
                let mut failure = mismatch.failure;
                failure.action = format!(
                    "{} To let cicsx retry with the other setting without asking, add --switch-security. ({})",
                    failure.action,
                    mismatch_summary(mismatch.confirmed, mismatch.secure)
                );
                return Err(failure);
            }
            let mut flipped = connection.clone();
            flipped.secure = !connection.secure;
            flipped.tls_confirmed = false;
            if let Err(e) = flipped.validate() {
                return Err(e.into());
            }
            match attempt(workspace, preferences, &flipped, ask, first).await {
                Ok((session, response)) => (session, response, flipped),
                Err(Attempt::Failed(f)) => return Err(f),
                Err(Attempt::Mismatch(m)) => return Err(m.failure),
            }
        }
    };
    if !connection.tls_confirmed || effective.secure != connection.secure {
        let name = connection.name.clone();
        let secure = effective.secure;
        match origin {
            // A loaded connection is read-only: what was learnt goes to the user's state.
            Some(location) => workspace.update_state(|state| {
                state.confirm(location, &name, secure);
                Ok(())
            })?,
            None => workspace.update_connections(|all| {
                if let Some(c) = all.get_mut(&name) {
                    c.secure = secure;
                    c.tls_confirmed = true;
                }
                Ok(())
            })?,
        }
        if secure != connection.secure {
            ask.notice(&format!(
                "Connection \"{name}\" now uses {} (confirmed by this connect).",
                if secure { "TLS" } else { "plain HTTP" }
            ));
        }
    }
    let mut effective = effective;
    effective.tls_confirmed = true;
    Ok((session, response, effective))
}

async fn attempt<P: Prompter>(
    workspace: &Workspace,
    preferences: &Preferences,
    connection: &Connection,
    ask: &mut P,
    first: &Query,
) -> Result<(Session, Response), Attempt> {
    let classify = |e: crate::Error| -> Attempt {
        if let crate::Error::Transport(t) = &e
            && t.suggests_tls().is_some_and(|tls| tls != connection.secure)
        {
            return Attempt::Mismatch(Mismatch {
                name: connection.name.clone(),
                endpoint: t.endpoint().map(ToString::to_string).unwrap_or_default(),
                secure: connection.secure,
                confirmed: connection.tls_confirmed,
                failure: e.into(),
            });
        }
        Attempt::Failed(e.into())
    };
    let mut session = open_inner(workspace, preferences, connection, ask, &classify).await?;
    let response = session.client.query(first).await.map_err(classify)?;
    Ok((session, response))
}
