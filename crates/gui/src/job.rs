//! Network work off the UI thread: one `std::thread` per connect, running a tokio
//! current-thread runtime with [`cicsx_cmci::flow::open_and_query`]. The thread and the UI talk
//! over `std::sync::mpsc` channels: the flow's questions arrive as [`Event::Ask`] with a reply
//! channel, the UI answers from a dialog, and the worker (blocked on the reply) carries on.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use cicsx_cmci::flow::{self, Mismatch, Prompter};
use cicsx_cmci::message::Failure;
use cicsx_cmci::{Query, Response};
use cicsx_keystore::SecretString;
use cicsx_profile::{Connection, Preferences, Workspace};
use cicsx_truststore::CertificateInfo;

/// A question the connect flow asks the user.
pub(crate) enum Question {
    /// Certificate alert on first use.
    Certificate {
        endpoint: String,
        info: Box<CertificateInfo>,
    },
    /// The mismatch or "Ambiguity in connection security" dialog.
    Mismatch {
        title: String,
        explanation: String,
        question: String,
        /// The setting the connection has now (the retry uses the other one).
        secure: bool,
    },
    /// The password of a user ID.
    Password { user: String, endpoint: String },
    /// The pass phrase of a PKCS#12 file.
    Pkcs12 { path: PathBuf },
    /// A smart card PIN.
    Pin { token: String },
}

/// The user's answer.
pub(crate) enum Reply {
    /// Accept, retry.
    Yes,
    /// Cancel.
    No,
    /// A password, pass phrase or PIN.
    Secret(SecretString),
}

/// What the worker reports.
pub(crate) enum Event {
    Ask(Question, Sender<Reply>),
    Warning(String),
    Notice(String),
    /// Connected; the first query's answer.
    Connected {
        connection: Box<Connection>,
        details: Vec<String>,
        query: Query,
        response: Response,
    },
    /// The answer to a later query.
    Answer {
        query: Query,
        response: Result<Response, Failure>,
    },
    /// The connect failed.
    Failed(Failure),
    /// The user cancelled a dialog the connect needed (not an error).
    Cancelled,
}

/// What the UI asks of a connected worker.
pub(crate) enum Command {
    Query(Query),
}

/// One connection's worker, as the UI sees it.
pub(crate) struct Job {
    events: Receiver<Event>,
    commands: Sender<Command>,
    /// The worker is doing network work (spinner).
    pub(crate) busy: bool,
    /// The worker ended (failed, or its channel closed).
    pub(crate) ended: bool,
}

impl Job {
    /// The next event, if any; notes the end of the worker.
    pub(crate) fn poll(&mut self) -> Option<Event> {
        match self.events.try_recv() {
            Ok(event) => {
                match &event {
                    Event::Connected { .. } | Event::Answer { .. } => self.busy = false,
                    Event::Failed(_) | Event::Cancelled => {
                        self.busy = false;
                        self.ended = true;
                    }
                    _ => {}
                }
                Some(event)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.busy = false;
                self.ended = true;
                None
            }
        }
    }

    /// Runs one more query on the open session.
    pub(crate) fn query(&mut self, query: Query) {
        if self.commands.send(Command::Query(query)).is_ok() {
            self.busy = true;
        } else {
            self.ended = true;
        }
    }
}

/// What a connect needs, taken from the workspace when the user clicks Connect.
pub(crate) struct ConnectRequest {
    pub(crate) workspace: Workspace,
    pub(crate) preferences: Preferences,
    pub(crate) connection: Connection,
    pub(crate) origin: Option<String>,
    pub(crate) keystore_passphrase: Option<SecretString>,
    pub(crate) first: Query,
}

/// Starts a connect on its own thread. Dropping the returned [`Job`] disconnects: the worker
/// sees its command channel close and ends, closing the session.
pub(crate) fn connect(request: ConnectRequest) -> Job {
    let (events_tx, events) = mpsc::channel();
    let (commands, commands_rx) = mpsc::channel();
    let failed = events_tx.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("connect {}", request.connection.name))
        .spawn(move || work(request, events_tx, commands_rx));
    if let Err(e) = spawned {
        let _ = failed.send(Event::Failed(Failure::io(
            "cannot start the connect thread",
            e,
        )));
    }
    Job {
        events,
        commands,
        busy: true,
        ended: false,
    }
}

fn work(request: ConnectRequest, events: Sender<Event>, commands: Receiver<Command>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = events.send(Event::Failed(Failure::io(
                "cannot start the async runtime",
                e,
            )));
            return;
        }
    };
    runtime.block_on(async move {
        let ConnectRequest {
            workspace,
            preferences,
            connection,
            origin,
            keystore_passphrase,
            first,
        } = request;
        let mut ask = GuiPrompter {
            events: events.clone(),
            keystore_passphrase,
            cancelled: false,
        };
        let opened = flow::open_and_query(
            &workspace,
            &preferences,
            &connection,
            origin.as_deref(),
            &mut ask,
            &first,
        )
        .await;
        let (mut session, response, effective) = match opened {
            Ok(opened) => opened,
            Err(_) if ask.cancelled => {
                let _ = events.send(Event::Cancelled);
                return;
            }
            Err(failure) => {
                let _ = events.send(Event::Failed(failure));
                return;
            }
        };
        let details = details(&session);
        let _ = events.send(Event::Connected {
            connection: Box::new(effective),
            details,
            query: first,
            response,
        });
        // A blocking receive: this thread is the runtime's only one, and it has nothing else
        // to do until the UI asks for more.
        while let Ok(Command::Query(query)) = commands.recv() {
            let response = flow::query(&mut session, &query).await;
            if events.send(Event::Answer { query, response }).is_err() {
                break;
            }
        }
    });
}

/// What fetching the loaded (shared) connection files at https URLs gave, by URL.
pub(crate) type Fetched = std::collections::HashMap<String, Result<String, String>>;

/// Fetches shared connection files at https URLs on a thread of its own, trusting what the
/// workspace trusts, as `cicsx connection list` does.
pub(crate) fn fetch_shared(
    workspace: Workspace,
    keystore_passphrase: Option<SecretString>,
    urls: Vec<String>,
) -> Receiver<Fetched> {
    let (tx, rx) = mpsc::channel();
    let all_failed = |urls: &[String], why: String| -> Fetched {
        urls.iter().map(|u| (u.clone(), Err(why.clone()))).collect()
    };
    let failed_tx = tx.clone();
    let urls_copy = urls.clone();
    let spawned = std::thread::Builder::new()
        .name("fetch shared connections".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(all_failed(&urls, format!("no async runtime: {e}")));
                    return;
                }
            };
            let secrets = cicsx_cmci::session::Secrets {
                keystore_passphrase,
                ..Default::default()
            };
            let out = match workspace.load_preferences() {
                Ok(preferences) => runtime
                    .block_on(cicsx_cmci::session::fetch_sources(
                        &workspace,
                        &preferences,
                        &secrets,
                        &urls,
                    ))
                    .into_iter()
                    .collect(),
                Err(e) => all_failed(&urls, format!("{} {e}", e.id())),
            };
            let _ = tx.send(out);
        });
    if let Err(e) = spawned {
        let _ = failed_tx.send(all_failed(&urls_copy, format!("no thread: {e}")));
    }
    rx
}

/// How the session was secured, for the results panel.
fn details(session: &flow::Session) -> Vec<String> {
    let mut out = Vec::new();
    match session.client.tls_info() {
        Some(tls) => {
            out.push(format!("Protocol: {}", tls.version));
            out.push(format!("Cipher suite: {}", tls.cipher_suite));
            if let Some(info) = tls
                .peer_certificates
                .first()
                .and_then(|leaf| CertificateInfo::from_der(leaf).ok())
            {
                out.push(format!("Server: {}", info.subject));
            }
            let trust = match session.trust {
                Some(cicsx_truststore::TrustOutcome::Anchored) => {
                    "issued by a trusted certificate authority"
                }
                Some(cicsx_truststore::TrustOutcome::Pinned) if session.accepted_now => {
                    "accepted just now and stored in the keystore"
                }
                Some(cicsx_truststore::TrustOutcome::Pinned) => {
                    "accepted on first use earlier (stored in the keystore)"
                }
                Some(cicsx_truststore::TrustOutcome::Unverified) => {
                    "NOT VERIFIED (trust verification is off)"
                }
                _ => "unknown",
            };
            out.push(format!("Trust: {trust}"));
        }
        None => out.push("Protocol: plain HTTP (not encrypted)".to_owned()),
    }
    out
}

/// The GUI's answers to the connect flow: each question becomes a dialog.
struct GuiPrompter {
    events: Sender<Event>,
    keystore_passphrase: Option<SecretString>,
    /// A dialog was cancelled (or the window stopped waiting): the flow's failure is not
    /// shown as an error.
    cancelled: bool,
}

impl GuiPrompter {
    /// Asks and waits; `None` when the window no longer waits (disconnected, closed).
    fn ask(&self, question: Question) -> Option<Reply> {
        let (tx, rx) = mpsc::channel();
        self.events.send(Event::Ask(question, tx)).ok()?;
        rx.recv().ok()
    }

    /// Asks for a secret. `id` is the CLI's message for the same unanswered question; the
    /// failure only stops the flow, the UI reports a cancel as such.
    fn secret(
        &mut self,
        question: Question,
        id: &'static str,
        what: &str,
    ) -> Result<SecretString, Failure> {
        match self.ask(question) {
            Some(Reply::Secret(secret)) => Ok(secret),
            Some(Reply::Yes | Reply::No) | None => Err(self.unanswered(id, what)),
        }
    }

    fn unanswered(&mut self, id: &'static str, what: &str) -> Failure {
        self.cancelled = true;
        Failure::new(
            id,
            format!("{what} was not answered; the connection was not made"),
            "",
            "Connect again.",
        )
    }
}

impl Prompter for GuiPrompter {
    async fn accept_certificate(
        &mut self,
        endpoint: &str,
        info: &CertificateInfo,
    ) -> Result<bool, Failure> {
        match self.ask(Question::Certificate {
            endpoint: endpoint.to_owned(),
            info: Box::new(info.clone()),
        }) {
            Some(reply) => Ok(matches!(reply, Reply::Yes)),
            None => Err(self.unanswered("CICSX0902E", "the certificate alert")),
        }
    }

    async fn password(&mut self, user: &str, endpoint: &str) -> Result<SecretString, Failure> {
        self.secret(
            Question::Password {
                user: user.to_owned(),
                endpoint: endpoint.to_owned(),
            },
            "CICSX0903E",
            "the password dialog",
        )
    }

    async fn pkcs12_passphrase(&mut self, path: &Path) -> Result<SecretString, Failure> {
        self.secret(
            Question::Pkcs12 {
                path: path.to_path_buf(),
            },
            "CICSX0905E",
            "the pass phrase dialog",
        )
    }

    async fn switch_security(&mut self, mismatch: &Mismatch) -> Result<bool, Failure> {
        let title = if mismatch.confirmed {
            "Connection security mismatch"
        } else {
            "Ambiguity in connection security"
        };
        match self.ask(Question::Mismatch {
            title: title.to_owned(),
            explanation: mismatch.explanation(),
            question: mismatch.question(),
            secure: mismatch.secure,
        }) {
            Some(reply) => Ok(matches!(reply, Reply::Yes)),
            None => Err(self.unanswered(mismatch.failure.id, "the mismatch dialog")),
        }
    }

    async fn pin(&mut self, token: &str) -> Result<SecretString, Failure> {
        self.secret(
            Question::Pin {
                token: token.to_owned(),
            },
            "CICSX0936E",
            "the PIN dialog",
        )
    }

    fn keystore_passphrase(&mut self) -> Option<SecretString> {
        self.keystore_passphrase.clone()
    }

    fn warning(&mut self, text: &str) {
        let _ = self.events.send(Event::Warning(text.to_owned()));
    }

    fn notice(&mut self, text: &str) {
        let _ = self.events.send(Event::Notice(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompter(events: Sender<Event>) -> GuiPrompter {
        GuiPrompter {
            events,
            keystore_passphrase: None,
            cancelled: false,
        }
    }

    #[test]
    fn a_cancelled_secret_dialog_stops_the_flow_as_a_cancel() {
        let (events, rx) = mpsc::channel();
        let mut p = prompter(events);
        let answer = std::thread::spawn(move || {
            if let Ok(Event::Ask(Question::Pin { token }, reply)) = rx.recv() {
                assert_eq!(token, "card");
                reply.send(Reply::No).unwrap();
            }
        });
        let err = p
            .secret(
                Question::Pin {
                    token: "card".into(),
                },
                "CICSX0936E",
                "the PIN dialog",
            )
            .err()
            .unwrap();
        answer.join().unwrap();
        assert!(p.cancelled);
        assert_eq!(err.id, "CICSX0936E");
    }

    #[test]
    fn a_typed_secret_is_handed_over() {
        let (events, rx) = mpsc::channel();
        let mut p = prompter(events);
        let answer = std::thread::spawn(move || {
            if let Ok(Event::Ask(Question::Password { .. }, reply)) = rx.recv() {
                reply
                    .send(Reply::Secret(SecretString::from("s3cret")))
                    .unwrap();
            }
        });
        let secret = p
            .secret(
                Question::Password {
                    user: "u".into(),
                    endpoint: "h:1".into(),
                },
                "CICSX0903E",
                "the password dialog",
            )
            .unwrap();
        answer.join().unwrap();
        use cicsx_keystore::ExposeSecret;
        assert_eq!(secret.expose_secret(), "s3cret");
        assert!(!p.cancelled);
    }

    #[test]
    fn a_closed_window_stops_the_worker_instead_of_hanging() {
        let (events, rx) = mpsc::channel();
        drop(rx);
        let mut p = prompter(events);
        let err = p
            .secret(
                Question::Password {
                    user: "u".into(),
                    endpoint: "h:1".into(),
                },
                "CICSX0903E",
                "the password dialog",
            )
            .err()
            .unwrap();
        assert!(p.cancelled);
        assert_eq!(err.id, "CICSX0903E");
    }
}
