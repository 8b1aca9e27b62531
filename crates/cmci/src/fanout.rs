//! One query across many connections at once, with bounded concurrency.
//!
//! A fan-out prepares the workspace once (the keystore is opened and the trust store built a
//! single time: [`Preparation`]), then runs at most `jobs` connects at a time, each to its own
//! region: TLS handshake, sign-on, the queries, all on one connection. It asks nothing while it
//! runs: the secrets are gathered beforehand ([`Secrets`]), a certificate that nothing trusts
//! is not offered for acceptance but reported ([`UNTRUSTED`]), and a connection whose TLS
//! setting seems wrong is not retried the other way. A connection that fails does not stop
//! the others; each outcome says what happened, in the order the targets were given.
//!
//! A password is sent to one region at a time per user ID until a region has accepted it:
//! regions often share one security database, which revokes a user ID after a few wrong
//! passwords in a row, so a mistyped password costs one try, not one per connection
//! ([`PASSWORD_REJECTED`]). The other connections still make their TLS handshakes meanwhile.
//!
//! A successful connect confirms the connection's TLS setting, as a single connect does; the
//! confirmations are written once, at the end.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cicsx_handshake::TlsInfo;
use cicsx_keystore::SecretString;
use cicsx_profile::{Connection, Credential, Preferences, Workspace};

use crate::client::{Client, SignOn};
use crate::message::Failure;
use crate::session::{self, Connector, Preparation};
use crate::{Query, Response};

/// The message ID of a connection skipped because its server's certificate is not trusted.
pub const UNTRUSTED: &str = "CICSX0616E";
/// The message ID of a connection skipped because no password was given for its user ID.
pub const NO_PASSWORD: &str = "CICSX0617E";

/// The message ID of a connection whose password was not sent, because another region
/// rejected it in the same fan-out.
pub const PASSWORD_REJECTED: &str = "CICSX0618E";

/// Most connects a fan-out runs at once, whatever is asked.
pub const MAX_JOBS: usize = 1024;

/// One connection of a fan-out and what to ask it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The connection.
    pub connection: Connection,
    /// Where it was loaded from (`None`: the workspace's own connections).
    pub origin: Option<String>,
    /// The queries to run on it, in order, over one connection and one sign-on.
    pub queries: Vec<Query>,
}

/// The secrets a fan-out may need, gathered before it starts.
#[derive(Default)]
pub struct Secrets {
    /// The keystore's pass phrase (`None`: the default, changeit).
    pub keystore_passphrase: Option<SecretString>,
    /// Passwords by user ID (compared without regard to case, as RACF does).
    pub passwords: HashMap<String, SecretString>,
    /// Pass phrases of client certificate files, by path.
    pub pkcs12_passphrases: HashMap<PathBuf, SecretString>,
    /// The PINs of the smart cards the connections use, by [`card`] of their PKCS#11 URIs: a
    /// user with two cards has two PINs, and one card's PIN sent to the other would use up
    /// one of its tries.
    pub pins: HashMap<String, SecretString>,
}

/// Which card a smart-card connection's PKCS#11 URI names, as the key of [`Secrets::pins`]:
/// the URI's token attributes (label, manufacturer, model, serial), without the object.
/// Connections to two certificates on one card share a key, so they share a PIN.
///
/// ```
/// use cicsx_cmci::fanout::card;
/// assert_eq!(
///     card("pkcs11:token=PIV;object=auth"),
///     card("pkcs11:object=sign;token=PIV")
/// );
/// assert_ne!(card("pkcs11:token=PIV;object=auth"), card("pkcs11:token=CAC;object=auth"));
/// ```
pub fn card(uri: &str) -> String {
    uri.parse::<cicsx_smartcard::Pkcs11Uri>()
        .map(|u| u.token_part().to_string())
        .unwrap_or_else(|_| uri.to_owned())
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("users", &self.passwords.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Secrets {
    fn password(&self, user: &str) -> Option<SecretString> {
        self.passwords
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(user))
            .map(|(_, p)| p.clone())
    }
}

/// What one connection of a fan-out gave.
#[derive(Debug)]
pub struct Outcome {
    /// The connection's name.
    pub name: String,
    /// host:port.
    pub endpoint: String,
    /// One response per query, or why the connection failed.
    pub result: Result<Vec<Response>, Failure>,
    /// What the TLS handshake agreed (`None` for plain HTTP, or when it failed).
    pub tls: Option<TlsInfo>,
}

/// How far a fan-out has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Connections finished, successfully or not.
    pub done: usize,
    /// Of those, the ones that failed.
    pub failed: usize,
    /// Connections in all.
    pub total: usize,
}

/// A finished fan-out.
#[derive(Debug)]
pub struct Report {
    /// One outcome per target, in the order of the targets.
    pub outcomes: Vec<Outcome>,
    /// Warnings to show once (a stale central truststore, expiring certificates, the default
    /// keystore pass phrase, trust verification off, passwords over plain HTTP).
    pub warnings: Vec<String>,
}

impl Report {
    /// How many connections failed.
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_err()).count()
    }
}

/// Runs every target's queries, at most `jobs` connections at a time (at least 1, at most
/// [`MAX_JOBS`]), calling `progress` after each connection finishes. Fails as a whole only
/// when the workspace cannot be prepared (the keystore cannot be opened, say).
pub async fn run(
    workspace: &Workspace,
    preferences: &Preferences,
    targets: Vec<Target>,
    secrets: Secrets,
    jobs: usize,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
) -> Result<Report, Failure> {
    let any_secure = targets.iter().any(|t| t.connection.secure);
    let shared = session::Secrets {
        keystore_passphrase: secrets.keystore_passphrase.clone(),
        pkcs12_passphrase: None,
        pin: None,
    };
    let preparation = Preparation::new(workspace, preferences, &shared, any_secure)
        .await
        .map_err(Failure::from)?;
    let mut warnings = preparation.warnings().to_vec();
    if any_secure && secrets.keystore_passphrase.is_none() {
        let path = preferences
            .keystore
            .clone()
            .unwrap_or_else(|| workspace.keystore_path());
        warnings.push(cicsx_keystore::default_passphrase_warning(&path));
    }
    if any_secure && !preferences.trust_verification {
        warnings.push(
            "CICSX0921W Trust verification is off: server certificates are not checked, and \
             anyone between you and the regions could read your passwords."
                .to_owned(),
        );
    }
    let plain_with_password: Vec<&str> = targets
        .iter()
        .filter(|t| {
            !t.connection.secure && matches!(t.connection.credential, Credential::Password { .. })
        })
        .map(|t| t.connection.name.as_str())
        .collect();
    if !plain_with_password.is_empty() {
        warnings.push(format!(
            "CICSX0920W {} {} plain HTTP: the password travels unencrypted. Turn on \"Secure \
             connection (TLS/SSL)\" where the region offers it.",
            plain_with_password.join(", "),
            if plain_with_password.len() == 1 {
                "is"
            } else {
                "are"
            }
        ));
    }

    let total = targets.len();
    let jobs = jobs.clamp(1, MAX_JOBS).min(total.max(1));
    let shared = Arc::new(Shared {
        preparation,
        preferences: preferences.clone(),
        secrets,
        gates: Gates::default(),
        targets,
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        progress,
    });
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..jobs {
        workers.spawn(worker(Arc::clone(&shared)));
    }
    let mut slots: Vec<Option<Outcome>> = (0..total).map(|_| None).collect();
    while let Some(finished) = workers.join_next().await {
        // A worker that panicked loses only its current connection: that slot is reported
        // below as failed.
        if let Ok(results) = finished {
            for (index, outcome) in results {
                slots[index] = Some(outcome);
            }
        }
    }
    let outcomes: Vec<Outcome> = slots
        .into_iter()
        .zip(&shared.targets)
        .map(|(slot, target)| {
            slot.unwrap_or_else(|| Outcome {
                name: target.connection.name.clone(),
                endpoint: endpoint(&target.connection),
                result: Err(Failure::new(
                    "CICSX0990E",
                    "the connect stopped unexpectedly".to_owned(),
                    "An internal error ended this connection's task.",
                    "Run `cicsx connect NAME` for this connection alone.",
                )),
                tls: None,
            })
        })
        .collect();
    confirm(workspace, &shared.targets, &outcomes)?;
    Ok(Report { outcomes, warnings })
}

struct Shared {
    preparation: Preparation,
    preferences: Preferences,
    secrets: Secrets,
    gates: Gates,
    targets: Vec<Target>,
    next: AtomicUsize,
    done: AtomicUsize,
    failed: AtomicUsize,
    progress: Arc<dyn Fn(Progress) + Send + Sync>,
}

/// What the fan-out knows of each user ID's password (by upper-case user ID, as RACF compares
/// them). A connection holds its user's gate while its first request signs on, as long as no
/// region has accepted the password yet; the others wait, after their TLS handshakes.
#[derive(Default)]
struct Gates {
    by_user: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Gate>>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Gate {
    /// No region has answered a sign-on with this password yet.
    Untried,
    /// A region accepted it: the others may sign on at once.
    Accepted,
    /// This connection's region rejected it (HTTP 401): it is sent nowhere else.
    Rejected { by: String },
}

impl Gates {
    fn of(&self, user: &str) -> Arc<tokio::sync::Mutex<Gate>> {
        let mut by_user = self
            .by_user
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(
            by_user
                .entry(user.to_ascii_uppercase())
                .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Gate::Untried))),
        )
    }
}

/// Runs the first query of a connection that signs on with `user`'s password, through the
/// user's gate (see [`Gates`]).
async fn first_query_with_password(
    shared: &Shared,
    client: &mut Client,
    query: &Query,
    connection: &Connection,
    user: &str,
) -> Result<Response, Failure> {
    let gate = shared.gates.of(user);
    let mut state = gate.lock().await;
    if let Gate::Rejected { by } = &*state {
        return Err(password_rejected(connection, user, by));
    }
    if *state == Gate::Accepted {
        drop(state);
        let result = client.query(query).await;
        if let Err(crate::Error::Unauthorized {
            by_token: false, ..
        }) = &result
        {
            // Accepted by one region, rejected by this one (the user ID is unknown or revoked
            // here): the connections not yet signed on are spared.
            *gate.lock().await = Gate::Rejected {
                by: connection.name.clone(),
            };
        }
        return result.map_err(Failure::from);
    }
    match client.query(query).await {
        Ok(response) => {
            *state = Gate::Accepted;
            Ok(response)
        }
        Err(e) => {
            if matches!(
                e,
                crate::Error::Unauthorized {
                    by_token: false,
                    ..
                }
            ) {
                *state = Gate::Rejected {
                    by: connection.name.clone(),
                };
            }
            Err(Failure::from(e))
        }
    }
}

/// Takes the next target until none is left; returns what it did, by target index.
async fn worker(shared: Arc<Shared>) -> Vec<(usize, Outcome)> {
    let mut out = Vec::new();
    loop {
        let index = shared.next.fetch_add(1, Ordering::Relaxed);
        let Some(target) = shared.targets.get(index) else {
            return out;
        };
        let outcome = one(&shared, target).await;
        let failed = if outcome.result.is_err() {
            shared.failed.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            shared.failed.load(Ordering::Relaxed)
        };
        let done = shared.done.fetch_add(1, Ordering::Relaxed) + 1;
        (shared.progress)(Progress {
            done,
            failed,
            total: shared.targets.len(),
        });
        out.push((index, outcome));
    }
}

fn endpoint(connection: &Connection) -> String {
    cicsx_handshake::Endpoint::new(connection.host.clone(), connection.port).to_string()
}

async fn one(shared: &Shared, target: &Target) -> Outcome {
    let connection = &target.connection;
    let mut tls = None;
    let result = async {
        let secrets = session::Secrets {
            keystore_passphrase: shared.secrets.keystore_passphrase.clone(),
            pkcs12_passphrase: match &connection.credential {
                Credential::Pkcs12File { path, .. } => {
                    shared.secrets.pkcs12_passphrases.get(path).cloned()
                }
                _ => None,
            },
            pin: match &connection.credential {
                Credential::SmartCard { uri, .. } => shared.secrets.pins.get(&card(uri)).cloned(),
                _ => None,
            },
        };
        let sign_on = match &connection.credential {
            Credential::Password { user } => SignOn::Basic {
                user: user.clone(),
                password: shared
                    .secrets
                    .password(user)
                    .ok_or_else(|| no_password(connection, user))?,
            },
            _ => SignOn::Anonymous,
        };
        let connector = Arc::new(Connector::prepared(
            &shared.preparation,
            &shared.preferences,
            connection,
            &secrets,
        )?);
        let connected = match connector.connect().await {
            Ok(connected) => connected,
            Err(crate::Error::UntrustedCertificate { endpoint, .. }) => {
                return Err(untrusted(connection, &endpoint.to_string()));
            }
            Err(e) => return Err(Failure::from(e)),
        };
        tls = connected.http.tls_info().cloned();
        let mut client = Client::new(connected.http, sign_on).with_reconnect(connector);
        let mut responses = Vec::with_capacity(target.queries.len());
        for (i, query) in target.queries.iter().enumerate() {
            let response = match &connection.credential {
                Credential::Password { user } if i == 0 => {
                    first_query_with_password(shared, &mut client, query, connection, user).await?
                }
                _ => client.query(query).await?,
            };
            responses.push(response);
        }
        Ok(responses)
    }
    .await;
    Outcome {
        name: connection.name.clone(),
        endpoint: endpoint(connection),
        result,
        tls,
    }
}

fn untrusted(connection: &Connection, endpoint: &str) -> Failure {
    Failure::new(
        UNTRUSTED,
        format!(
            "the certificate of {endpoint} is not trusted; connection \"{}\" was skipped",
            connection.name
        ),
        "A query across several connections shows no certificate alerts: a certificate is \
         accepted only after you have read it, one connection at a time.",
        format!(
            "Run `cicsx connect {}` once to see the certificate and accept it, or add the CA \
             that issued it to the keystore or truststore.",
            connection.name
        ),
    )
}

fn no_password(connection: &Connection, user: &str) -> Failure {
    Failure::new(
        NO_PASSWORD,
        format!(
            "no password was given for user {user}; connection \"{}\" was skipped",
            connection.name
        ),
        "A query across several connections asks for passwords before it starts, once per \
         user ID; this one had none.",
        "Set CICSX_PASSWORD in the environment of the command, or run it at a terminal.",
    )
}

fn password_rejected(connection: &Connection, user: &str, by: &str) -> Failure {
    Failure::new(
        PASSWORD_REJECTED,
        format!(
            "the password of {user} was rejected by connection \"{by}\", so it was not sent \
             for connection \"{}\"",
            connection.name
        ),
        "Regions often share one security database (RACF), which revokes a user ID after a \
         few wrong passwords in a row: a password one region rejected is not sent to the \
         others.",
        format!(
            "Check the password of {user} and run the query again; `cicsx connect {by}` shows \
             that region's own answer."
        ),
    )
}

/// Records, in one write per file, that the successful connects confirmed their TLS setting.
fn confirm(workspace: &Workspace, targets: &[Target], outcomes: &[Outcome]) -> Result<(), Failure> {
    let confirmed: Vec<&Target> = targets
        .iter()
        .zip(outcomes)
        .filter(|(t, o)| o.result.is_ok() && !t.connection.tls_confirmed)
        .map(|(t, _)| t)
        .collect();
    if confirmed.is_empty() {
        return Ok(());
    }
    if confirmed.iter().any(|t| t.origin.is_none()) {
        workspace.update_connections(|all| {
            for target in confirmed.iter().filter(|t| t.origin.is_none()) {
                if let Some(c) = all.get_mut(&target.connection.name) {
                    c.secure = target.connection.secure;
                    c.tls_confirmed = true;
                }
            }
            Ok(())
        })?;
    }
    if confirmed.iter().any(|t| t.origin.is_some()) {
        workspace.update_state(|state| {
            for target in &confirmed {
                if let Some(location) = &target.origin {
                    state.confirm(location, &target.connection.name, target.connection.secure);
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}
